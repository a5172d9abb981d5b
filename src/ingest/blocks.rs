//! Importer for PDF-extracted block reports (003).

use super::{Document, ImportError, Importer, Ledger};
use crate::model::Measure;

pub struct BlockImporter;

impl Importer for BlockImporter {
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
