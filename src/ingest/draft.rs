//! Importer for plan drafts with 【取組N】 initiatives and project tables (004).

use super::{Document, ImportError, Importer, Ledger};
use crate::model::Measure;

pub struct DraftImporter;

impl Importer for DraftImporter {
    fn import(
        &self,
        doc: &Document<'_>,
        _ledger: &mut Ledger,
    ) -> Result<Vec<Measure>, ImportError> {
        Err(ImportError::new(
            doc.file,
            None,
            "importer not implemented yet",
        ))
    }
}
