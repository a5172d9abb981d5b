//! The `jsonl` format: normalized records, one JSON object per line, in the
//! shape `shisaku export` prints, for any plan without an importer of its own.
//! The plan comes from the manifest entry; `id` and `source` may be omitted
//! (the line number becomes the source line).

use serde::Deserialize;

use super::{Document, ImportError, Importer, Ledger, SpanKind, WarningCode};
use crate::model::{Body, Indicator, Level, Measure, ProgressEntry, Source};

pub struct JsonlImporter;

/// One input line: the export shape, with everything but `title` optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    #[serde(default)]
    id: Option<String>,
    title: String,
    #[serde(default)]
    level: Option<Level>,
    #[serde(default)]
    plan: Option<serde_json::Value>,
    #[serde(default)]
    path: Vec<String>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    content: String,
    #[serde(default)]
    departments: Vec<String>,
    #[serde(default)]
    sections: Vec<String>,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    progress: Vec<ProgressEntry>,
    #[serde(default)]
    indicators: Vec<Indicator>,
    #[serde(default)]
    bodies: Vec<Body>,
    #[serde(default)]
    activity_unit: Option<String>,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    source: Option<serde_json::Value>,
    /// The name of the document an exported record came from. Accepted so that
    /// `shisaku export` output imports back; the record's document is the one
    /// the manifest names for this file, like its plan.
    #[serde(default, rename = "document")]
    _document: Option<String>,
}

impl Importer for JsonlImporter {
    fn import(&self, doc: &Document<'_>, ledger: &mut Ledger) -> Result<Vec<Measure>, ImportError> {
        let mut out = Vec::new();
        for (i, line) in doc.lines.iter().enumerate() {
            let n = i + 1;
            let t = line.trim();
            if t.is_empty() {
                continue;
            }
            if t.starts_with('#') {
                ledger.skip(n, n, SpanKind::Prose);
                continue;
            }
            let row: Row = match serde_json::from_str(t) {
                Ok(r) => r,
                Err(e) => {
                    ledger.warn(
                        n,
                        WarningCode::InvalidRecord,
                        format!("レコードとして読めません（JSON の誤り: {e}）"),
                    );
                    ledger.skip(n, n, SpanKind::Unclassified);
                    continue;
                }
            };
            if row.title.trim().is_empty() {
                ledger.warn(
                    n,
                    WarningCode::MissingTitle,
                    "title（施策名）のないレコードです: 読み込みません",
                );
                ledger.skip(n, n, SpanKind::Unclassified);
                continue;
            }
            let _ = (row.plan, row.source); // the manifest's plan and this file's line win
            let source = Source {
                file: doc.file.to_string(),
                line: n,
                line_start: n,
                line_end: n,
                sheet: None,
            };
            let mut m = Measure::new(
                doc.plan,
                row.level.unwrap_or(Level::Measure),
                row.title.trim(),
                source,
            );
            m.id = row.id.unwrap_or_default();
            m.path = row.path;
            m.number = row.number;
            m.content = row.content;
            m.departments = row.departments;
            m.sections = row.sections;
            m.page = row.page;
            m.progress = row.progress;
            m.indicators = row.indicators;
            let years = m
                .progress
                .iter_mut()
                .map(|p| (&mut p.fiscal_year, Some(&mut p.year)))
                .chain(
                    m.indicators
                        .iter_mut()
                        .flat_map(|i| i.values.iter_mut())
                        .map(|v| (&mut v.fiscal_year, None)),
                );
            for (label, year) in years {
                normalize_year(label, year, n, ledger);
            }
            m.bodies = row.bodies;
            m.activity_unit = row.activity_unit;
            m.flags = row.flags;
            ledger.use_lines(n, n);
            out.push(m);
        }
        Ok(out)
    }
}

/// Brings a record's fiscal-year label to the one form every importer uses
/// (`令和6年度`, `2024` → `R6`; `平成30年度` → `H30`) and fills its western
/// year; a label that names no fiscal year is kept as written, with a warning.
fn normalize_year(
    label: &mut String,
    year: Option<&mut Option<u16>>,
    line: usize,
    ledger: &mut Ledger,
) {
    if label.trim().is_empty() {
        return;
    }
    match super::text::fiscal_year(label) {
        Some((normal, y)) => {
            *label = normal;
            if let Some(year) = year {
                *year = Some(y);
            }
        }
        None => ledger.warn(
            line,
            WarningCode::UnknownFiscalYear,
            format!(
                "fiscal_year {label:?} は年度として読めません（R6、令和6年度、H30、2024 の形で書きます）: 書かれたまま残します"
            ),
        ),
    }
}
