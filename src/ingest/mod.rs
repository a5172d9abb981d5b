//! Ingestion: `seeds/manifest.toml` names each document, its plan and its
//! importer by *format*; each importer turns a document into [`Measure`]s and
//! accounts for every input line in a [`Ledger`], which becomes the document's
//! [`ImportReport`] (records per level, warnings with file:line, unused spans).
//!
//! Formats (one importer each, never one per file):
//! - `tabular-progress` ([`tabular`]): tab-separated progress tables, configured
//!   by column names in the manifest (000, 001, 002);
//! - `block-report` ([`blocks`]): PDF-extracted block reports (003);
//! - `plan-draft` ([`draft`]): plan drafts with project tables (004);
//! - `jsonl` ([`jsonl`]): normalized records, one JSON object per line, for any
//!   other plan a user wants to add.
//!
//! A document that cannot be read (missing, not UTF-8, empty, unknown format)
//! yields an [`ImportError`] naming the file (and line where there is one);
//! the other documents still import.

pub mod blocks;
pub mod draft;
pub mod jsonl;
pub mod ledger;
pub mod manifest;
pub mod tabular;
pub mod text;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{Level, Measure, Plan};
pub use ledger::{Ledger, SpanKind, UnusedSpan, Warning};
pub use manifest::{DocumentEntry, Format, Manifest};

/// A document that could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ImportError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

impl ImportError {
    pub fn new(file: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        ImportError {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

/// One document handed to an importer.
pub struct Document<'a> {
    /// File name (no directory), used in provenance and messages.
    pub file: &'a str,
    /// The whole text, UTF-8.
    pub text: &'a str,
    /// `text` split into lines (`lines[0]` is line 1), line ends removed.
    pub lines: Vec<&'a str>,
    pub plan: &'a Plan,
    /// Format-specific options from the manifest (`[document.options]`).
    pub options: &'a toml::Table,
}

impl<'a> Document<'a> {
    pub fn new(file: &'a str, text: &'a str, plan: &'a Plan, options: &'a toml::Table) -> Self {
        Document {
            file,
            text,
            lines: text.lines().collect(),
            plan,
            options,
        }
    }

    /// Line `n` (1-based).
    pub fn line(&self, n: usize) -> &'a str {
        self.lines[n - 1]
    }

    /// Parses the manifest options into a format's own option struct.
    pub fn options<T: serde::de::DeserializeOwned>(&self) -> Result<T, ImportError> {
        toml::Value::Table(self.options.clone())
            .try_into()
            .map_err(|e| ImportError::new(self.file, None, format!("bad [document.options]: {e}")))
    }
}

/// What an importer of one format does.
pub trait Importer {
    /// Reads `doc` into records. Every line must be marked in `ledger`: used by
    /// a record, or skipped with a [`SpanKind`]; warnings go there too.
    fn import(&self, doc: &Document<'_>, ledger: &mut Ledger) -> Result<Vec<Measure>, ImportError>;
}

/// The import report of one document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub format: String,
    pub plan: String,
    /// Records per level.
    pub records: BTreeMap<Level, usize>,
    pub warnings: Vec<Warning>,
    /// Every input span that is not part of a record (blank lines excluded).
    pub unused: Vec<UnusedSpan>,
    /// Set when the document could not be imported at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ImportError>,
}

impl ImportReport {
    pub fn total(&self) -> usize {
        self.records.values().sum()
    }
}

/// The result of importing a whole manifest.
#[derive(Debug, Default)]
pub struct Corpus {
    pub measures: Vec<Measure>,
    pub reports: Vec<ImportReport>,
}

impl Corpus {
    /// Documents that failed entirely.
    pub fn errors(&self) -> impl Iterator<Item = &ImportError> {
        self.reports.iter().filter_map(|r| r.error.as_ref())
    }
}

fn importer_for(format: Format) -> Box<dyn Importer> {
    match format {
        Format::TabularProgress => Box::new(tabular::TabularImporter),
        Format::BlockReport => Box::new(blocks::BlockImporter),
        Format::PlanDraft => Box::new(draft::DraftImporter),
        Format::Jsonl => Box::new(jsonl::JsonlImporter),
    }
}

/// Imports every document of the manifest at `manifest_path` (documents are
/// resolved relative to the manifest's folder). A document that fails is
/// reported and skipped; the others still import. Fails only when the
/// manifest itself cannot be read.
pub fn import_manifest(manifest_path: &Path) -> Result<Corpus, manifest::ManifestError> {
    let manifest = Manifest::load(manifest_path)?;
    let base = manifest_path.parent().unwrap_or(Path::new("."));
    Ok(import_documents(base, &manifest.documents))
}

/// Imports the given manifest entries from `base`.
pub fn import_documents(base: &Path, entries: &[DocumentEntry]) -> Corpus {
    let mut corpus = Corpus::default();
    for entry in entries {
        let mut report = ImportReport {
            file: entry.file.clone(),
            format: entry.format.clone(),
            plan: entry.plan.name.clone(),
            ..Default::default()
        };
        match import_one(base, entry) {
            Ok((mut measures, ledger)) => {
                for m in &mut measures {
                    *report.records.entry(m.level).or_default() += 1;
                    m.document = entry.description.clone();
                }
                let (warnings, unused) = ledger.finish();
                report.warnings = warnings;
                report.unused = unused;
                corpus.measures.extend(measures);
            }
            Err(e) => report.error = Some(e),
        }
        corpus.reports.push(report);
    }
    assign_ids(&mut corpus.measures);
    corpus
}

fn import_one(base: &Path, entry: &DocumentEntry) -> Result<(Vec<Measure>, Ledger), ImportError> {
    let format = entry
        .format()
        .map_err(|m| ImportError::new(&entry.file, None, m))?;
    let path = base.join(&entry.file);
    let bytes = std::fs::read(&path).map_err(|e| {
        ImportError::new(
            &entry.file,
            None,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let text = decode_utf8(&entry.file, &bytes)?;
    if text.trim().is_empty() {
        return Err(ImportError::new(&entry.file, None, "the file is empty"));
    }
    let doc = Document::new(&entry.file, text, &entry.plan, &entry.options);
    let mut ledger = Ledger::new(&entry.file, &doc.lines);
    let measures = importer_for(format).import(&doc, &mut ledger)?;
    Ok((measures, ledger))
}

/// Runs one importer over `text` as the document `file`, without a manifest:
/// records (or the error), warnings and unused spans. For tests and fuzzing.
pub fn run_importer(
    importer: &dyn Importer,
    file: &str,
    text: &str,
    plan: &Plan,
    options: &toml::Table,
) -> (
    Result<Vec<Measure>, ImportError>,
    Vec<Warning>,
    Vec<UnusedSpan>,
) {
    let doc = Document::new(file, text, plan, options);
    let mut ledger = Ledger::new(file, &doc.lines);
    let measures = importer.import(&doc, &mut ledger);
    let (warnings, unused) = ledger.finish();
    (measures, warnings, unused)
}

/// The plan the importers' unit tests read their documents as.
#[cfg(test)]
pub(crate) fn test_plan(kind: crate::model::PlanKind) -> Plan {
    Plan {
        id: "t".into(),
        name: "テスト計画".into(),
        kind,
        municipality: "テスト市".into(),
        period: None,
    }
}

/// Checks that `bytes` are UTF-8 (a leading BOM is dropped); otherwise names
/// the line of the first invalid byte.
pub fn decode_utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        ImportError::new(
            file,
            Some(line),
            format!("not UTF-8 (invalid byte at offset {at}); save the file as UTF-8"),
        )
    })
}

/// Gives every measure its stable id: a hash of the plan id, the level, the
/// hierarchy path, the document's own number and the title (whitespace and
/// width folded), plus an ordinal among records that share all of these.
/// Line numbers are deliberately not part of it, so edits elsewhere in a
/// document do not move ids. Ids are `<plan id>-<12 hex>`.
pub fn assign_ids(measures: &mut [Measure]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in measures.iter_mut() {
        if !m.id.is_empty() {
            continue;
        }
        let key = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            m.plan.id,
            m.level.as_str(),
            m.path
                .iter()
                .map(|p| text::fold_key(p))
                .collect::<Vec<_>>()
                .join("/"),
            m.number.as_deref().unwrap_or(""),
            text::fold_key(&m.title),
        );
        let n = seen.entry(key.clone()).or_default();
        *n += 1;
        let digest = Sha256::digest(format!("{key}\u{1f}{n}").as_bytes());
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        m.id = format!("{}-{hex}", m.plan.id);
    }
}

/// Renders import reports for a terminal: per document the records per level,
/// the warnings with file:line and a summary of unused spans by kind.
pub fn render_reports(reports: &[ImportReport]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for r in reports {
        let _ = writeln!(s, "{} [{}] {}", r.file, r.format, r.plan);
        if let Some(e) = &r.error {
            let _ = writeln!(s, "  ERROR {e}");
            continue;
        }
        let levels: Vec<String> = r.records.iter().map(|(l, n)| format!("{n} {l}")).collect();
        let _ = writeln!(s, "  records: {} ({})", r.total(), levels.join(", "));
        let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for u in &r.unused {
            let e = by_kind.entry(format!("{:?}", u.kind)).or_default();
            e.0 += 1;
            e.1 += u.line_end - u.line_start + 1;
        }
        for (k, (spans, lines)) in by_kind {
            let _ = writeln!(s, "  unused {k}: {spans} spans, {lines} lines");
        }
        for w in &r.warnings {
            let _ = writeln!(s, "  warning {w}");
        }
    }
    s
}
