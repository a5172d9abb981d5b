//! Import limits: how large a document, how many records and how long a
//! field may be. The defaults fit real plans with a wide margin (the largest
//! seed document is 0.2 MB, its longest field under 2 KB); a manifest raises
//! them in a `[limits]` table. They are checked for every format in
//! [`super::import_documents`], never per importer: a document's size before
//! it is read (memory stays bounded by it), the records and every string
//! field of every record after its importer ran.

use serde::Deserialize;

use super::{ImportError, WarningCode};
use crate::model::Measure;

/// The `[limits]` table of a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest document, in bytes.
    pub document_bytes: u64,
    /// Most records one document may yield.
    pub records: usize,
    /// Longest string field of a record (title, content, a department,
    /// a progress text…), in bytes of UTF-8.
    pub field_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            document_bytes: 64 * 1024 * 1024,
            records: 200_000,
            field_bytes: 64 * 1024,
        }
    }
}

impl Limits {
    /// Checks a document's size (before reading it).
    pub fn check_size(&self, file: &str, bytes: u64) -> Result<(), ImportError> {
        if bytes > self.document_bytes {
            return Err(ImportError::new(
                file,
                None,
                format!(
                    "ファイルが {bytes} バイトあり、上限の {} バイトを超えています（マニフェストの \
                     [limits] document_bytes で上限を上げられます）",
                    self.document_bytes
                ),
            ));
        }
        Ok(())
    }

    /// Checks the records a document yielded: their number, and the length
    /// of every string field (the error names the record's line and field).
    /// Control characters that reached a field (a `\u0000` escape in a JSONL
    /// record) are dropped, with a warning in `ledger`.
    pub fn check_records(
        &self,
        file: &str,
        measures: &mut [Measure],
        ledger: &mut super::Ledger,
    ) -> Result<(), ImportError> {
        if measures.len() > self.records {
            return Err(ImportError::new(
                file,
                None,
                format!(
                    "レコードが {} 件あり、1文書あたりの上限 {} 件を超えています（マニフェストの \
                     [limits] records で上限を上げられます）",
                    measures.len(),
                    self.records
                ),
            ));
        }
        for m in measures.iter_mut() {
            let line = m.source.line;
            let record_err = |e: serde_json::Error| {
                ImportError::new(file, Some(line), format!("レコードを処理できません: {e}"))
            };
            let mut value = serde_json::to_value(&*m).map_err(record_err)?;
            let dropped = drop_controls(&mut value);
            if dropped > 0 {
                *m = serde_json::from_value(value.clone()).map_err(record_err)?;
                ledger.warn(
                    line,
                    WarningCode::ControlCharacters,
                    format!("制御文字（NUL など）{dropped}文字をレコードから取り除きました"),
                );
            }
            if let Some((field, len)) = longest_over(&value, self.field_bytes, String::new()) {
                return Err(ImportError::new(
                    file,
                    Some(m.source.line),
                    format!(
                        "項目 {field} が {len} バイトあり、上限の {} バイトを超えています（マニフェストの \
                         [limits] field_bytes で上限を上げられます）",
                        self.field_bytes
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Drops the control characters [`super::is_dropped_control`] from every
/// string in `v`; returns how many.
fn drop_controls(v: &mut serde_json::Value) -> usize {
    match v {
        serde_json::Value::String(s) => {
            let before = s.chars().count();
            if s.chars().any(super::is_dropped_control) {
                s.retain(|c| !super::is_dropped_control(c));
            }
            before - s.chars().count()
        }
        serde_json::Value::Array(items) => items.iter_mut().map(drop_controls).sum(),
        serde_json::Value::Object(map) => map.values_mut().map(drop_controls).sum(),
        _ => 0,
    }
}

/// The first string in `v` longer than `limit` bytes: its path and length.
fn longest_over(v: &serde_json::Value, limit: usize, at: String) -> Option<(String, usize)> {
    match v {
        serde_json::Value::String(s) if s.len() > limit => Some((at, s.len())),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| longest_over(x, limit, format!("{at}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            longest_over(x, limit, path)
        }),
        _ => None,
    }
}
