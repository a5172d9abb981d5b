//! Importer for tab-separated progress tables configured by column names (000, 001, 002).

use super::{Document, ImportError, Importer, Ledger};
use crate::model::Measure;

pub struct TabularImporter;

impl Importer for TabularImporter {
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
