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
//! - `outline` ([`outline`]): plan bodies as text with numbered headings,
//!   configured by the heading pattern of each level;
//! - `spreadsheet` ([`spreadsheet`]): one row per measure in an `.xlsx`,
//!   `.xls`, `.ods`, `.csv` or `.tsv` table, configured by column names;
//! - `jsonl` ([`jsonl`]): normalized records, one JSON object per line, for any
//!   other plan a user wants to add.
//!
//! A document that cannot be read (missing, not UTF-8, empty, unknown format)
//! yields an [`ImportError`] naming the file (and line where there is one);
//! the other documents still import.

pub mod blocks;
pub mod check;
pub mod draft;
pub mod jsonl;
pub mod ledger;
pub mod limits;
pub mod manifest;
pub mod outline;
pub mod spreadsheet;
pub mod tabular;
pub mod text;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{Level, Measure, Plan};
pub use ledger::{Ledger, SpanKind, UnusedSpan, Warning, WarningCode};
pub use limits::Limits;
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
            .map_err(|e| {
                ImportError::new(
                    self.file,
                    None,
                    format!("マニフェストの [document.options] に誤りがあります: {e}"),
                )
            })
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
    /// How the document was read (header row, column mapping, rows skipped),
    /// where the importer says.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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

/// The importer of a text format (`None` for `spreadsheet`, which reads the
/// file's bytes: see [`spreadsheet::import`]).
fn importer_for(format: Format) -> Option<Box<dyn Importer>> {
    Some(match format {
        Format::TabularProgress => Box::new(tabular::TabularImporter),
        Format::BlockReport => Box::new(blocks::BlockImporter),
        Format::PlanDraft => Box::new(draft::DraftImporter),
        Format::Jsonl => Box::new(jsonl::JsonlImporter),
        Format::Outline => Box::new(outline::OutlineImporter),
        Format::Spreadsheet => return None,
    })
}

/// Imports every document of the manifest at `manifest_path` (documents are
/// resolved relative to the manifest's folder). A document that fails is
/// reported and skipped; the others still import. Fails only when the
/// manifest itself cannot be read.
pub fn import_manifest(manifest_path: &Path) -> Result<Corpus, manifest::ManifestError> {
    let manifest = Manifest::load(manifest_path)?;
    let base = manifest_path.parent().unwrap_or(Path::new("."));
    let settings = Settings {
        limits: manifest.limits,
        allow_outside: manifest.allow_documents_outside,
    };
    Ok(import_documents_with(base, &manifest.documents, &settings))
}

/// How documents are imported: the manifest's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    pub limits: Limits,
    /// Documents may be read from outside the manifest's folder.
    pub allow_outside: bool,
}

/// Imports the given manifest entries from `base` with the default settings.
pub fn import_documents(base: &Path, entries: &[DocumentEntry]) -> Corpus {
    import_documents_with(base, entries, &Settings::default())
}

/// Imports the given manifest entries from `base`. Besides each importer's
/// own errors, a document fails when it is listed twice, when its plan id
/// names another plan elsewhere in the manifest, when it exceeds the
/// [`Limits`], and when one of its records has the id of another record.
pub fn import_documents_with(
    base: &Path,
    entries: &[DocumentEntry],
    settings: &Settings,
) -> Corpus {
    let mut corpus = Corpus::default();
    // where each file and each plan id was first seen
    let mut files: HashMap<PathBuf, usize> = HashMap::new();
    let mut plans: HashMap<&str, &DocumentEntry> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let mut report = ImportReport {
            file: entry.file.clone(),
            format: entry.format.clone(),
            plan: entry.plan.name.clone(),
            ..Default::default()
        };
        match check_entry(base, entry, i, settings, &mut files, &mut plans)
            .and_then(|path| import_one(&path, entry, &settings.limits))
        {
            Ok((mut measures, mut ledger)) => {
                for m in &mut measures {
                    *report.records.entry(m.level).or_default() += 1;
                    m.document = entry.description.clone();
                }
                report.notes = ledger.take_notes();
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
    reject_id_collisions(&mut corpus);
    corpus
}

/// Checks a manifest entry against the ones before it (entry number `i`)
/// and resolves its path.
fn check_entry<'a>(
    base: &Path,
    entry: &'a DocumentEntry,
    i: usize,
    settings: &Settings,
    files: &mut HashMap<PathBuf, usize>,
    plans: &mut HashMap<&'a str, &'a DocumentEntry>,
) -> Result<PathBuf, ImportError> {
    let path = resolve(base, &entry.file, settings.allow_outside)
        .map_err(|m| ImportError::new(&entry.file, None, m))?;
    if let Some(first) = files.get(&path) {
        return Err(ImportError::new(
            &entry.file,
            None,
            format!(
                "マニフェストに2回書かれています（{}番目と{}番目の [[document]]）: そのままではレコードが2回取り込まれます",
                first + 1,
                i + 1
            ),
        ));
    }
    files.insert(path.clone(), i);
    let p = &entry.plan;
    match plans.get(p.id.as_str()) {
        Some(other)
            if (&other.plan.name, &other.plan.kind, &other.plan.municipality)
                != (&p.name, &p.kind, &p.municipality) =>
        {
            let o = &other.plan;
            return Err(ImportError::new(
                &entry.file,
                None,
                format!(
                    "計画 id {:?} がここでは {}（{}、{}）ですが、{} では {}（{}、{}）です: 1つの計画 id は1つの計画を指します",
                    p.id,
                    p.name,
                    p.kind.as_str(),
                    p.municipality,
                    other.file,
                    o.name,
                    o.kind.as_str(),
                    o.municipality,
                ),
            ));
        }
        Some(_) => {}
        None => {
            plans.insert(&p.id, entry);
        }
    }
    Ok(path)
}

/// The path of document `file` under `base`. Unless `allow_outside`, it
/// must stay in `base`: no absolute path, no `..`, no symbolic link leading
/// out.
fn resolve(base: &Path, file: &str, allow_outside: bool) -> Result<PathBuf, String> {
    let rel = Path::new(file);
    let path = base.join(rel);
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if allow_outside {
        return Ok(canonical(&path));
    }
    let refuse = |why: &str| {
        format!(
            "{why}: 文書はマニフェストのフォルダ {} の中からだけ読みます（ほかの場所も読むには \
             マニフェストに allow_documents_outside = true を書きます）",
            base.display()
        )
    };
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
    {
        return Err(refuse("絶対パスです"));
    }
    if rel.components().any(|c| c == Component::ParentDir) {
        return Err(refuse("`..` を含むパスです"));
    }
    let (base_c, path_c) = (canonical(base), canonical(&path));
    if path.exists() && !path_c.starts_with(&base_c) {
        return Err(refuse(&format!(
            "フォルダの外の {} を指すシンボリックリンクです",
            path_c.display()
        )));
    }
    Ok(path_c)
}

fn import_one(
    path: &Path,
    entry: &DocumentEntry,
    limits: &Limits,
) -> Result<(Vec<Measure>, Ledger), ImportError> {
    let format = entry
        .format()
        .map_err(|m| ImportError::new(&entry.file, None, m))?;
    let cannot_read = |e: std::io::Error| {
        ImportError::new(
            &entry.file,
            None,
            format!("{} を読めません: {e}", path.display()),
        )
    };
    let f = std::fs::File::open(path).map_err(cannot_read)?;
    let size = f.metadata().map_err(cannot_read)?.len();
    limits.check_size(&entry.file, size)?;
    // read no more than the limit even if the file grows meanwhile
    let mut bytes = Vec::with_capacity(size as usize);
    f.take(limits.document_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    limits.check_size(&entry.file, bytes.len() as u64)?;
    if format == Format::Spreadsheet {
        let (mut measures, mut ledger) =
            spreadsheet::import(&entry.file, &bytes, &entry.plan, &entry.options)?;
        limits.check_records(&entry.file, &mut measures, &mut ledger)?;
        return Ok((measures, ledger));
    }
    let text = decode_utf8(&entry.file, &bytes)?;
    if text.trim().is_empty() {
        return Err(ImportError::new(&entry.file, None, "ファイルが空です"));
    }
    let (text, dropped) = clean_text(text);
    let doc = Document::new(&entry.file, &text, &entry.plan, &entry.options);
    let mut ledger = Ledger::new(&entry.file, &doc.lines);
    for (line, n) in dropped {
        ledger.warn(
            line,
            WarningCode::ControlCharacters,
            format!("制御文字（NUL など）{n}文字を行から取り除きました"),
        );
    }
    let importer = importer_for(format).ok_or_else(|| {
        ImportError::new(
            &entry.file,
            None,
            "この形式にはテキストの取り込み処理がありません",
        )
    })?;
    let mut measures = importer.import(&doc, &mut ledger)?;
    limits.check_records(&entry.file, &mut measures, &mut ledger)?;
    Ok((measures, ledger))
}

/// Control characters a document may not carry into a record: C0 but tab
/// and line ends, DEL, C1.
pub(crate) fn is_dropped_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with line ends made uniform (a lone CR, as old Mac files end
/// lines, becomes LF, so line numbers are the ones an editor shows) and
/// control characters dropped; also the lines (1-based) where characters
/// were dropped, with how many.
fn clean_text(text: &str) -> (std::borrow::Cow<'_, str>, Vec<(usize, usize)>) {
    let lone_cr = text
        .as_bytes()
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'));
    if !lone_cr && !text.chars().any(is_dropped_control) {
        return (std::borrow::Cow::Borrowed(text), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut dropped: Vec<(usize, usize)> = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() != Some(&'\n') => {
                out.push('\n');
                line += 1;
            }
            '\n' => {
                out.push('\n');
                line += 1;
            }
            c if is_dropped_control(c) => match dropped.last_mut() {
                Some((l, n)) if *l == line => *n += 1,
                _ => dropped.push((line, 1)),
            },
            c => out.push(c),
        }
    }
    (std::borrow::Cow::Owned(out), dropped)
}

/// A record whose id another record already has fails its document (the
/// later one): the earlier record would be hidden on its page, or the two
/// listed as related to themselves. The message names both sources.
fn reject_id_collisions(corpus: &mut Corpus) {
    let mut seen: HashMap<&str, &Measure> = HashMap::new();
    let mut failed: BTreeMap<String, ImportError> = BTreeMap::new();
    for m in &corpus.measures {
        if let Some(first) = seen.get(m.id.as_str()) {
            failed.entry(m.source.file.clone()).or_insert_with(|| {
                ImportError::new(
                    &m.source.file,
                    Some(m.source.line),
                    format!(
                        "id {:?} は {}:{}（{}）の id と同じです: id は重複できません",
                        m.id, first.source.file, first.source.line, first.title
                    ),
                )
            });
        } else {
            seen.insert(&m.id, m);
        }
    }
    if failed.is_empty() {
        return;
    }
    corpus
        .measures
        .retain(|m| !failed.contains_key(&m.source.file));
    for r in &mut corpus.reports {
        if let Some(e) = failed.remove(&r.file) {
            r.records.clear();
            r.error = Some(e);
        }
    }
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
        kind_label: None,
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
            format!(
                "UTF-8 ではありません（{at} バイト目に不正なバイト）: ファイルを UTF-8 で保存し直してください"
            ),
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
            let _ = writeln!(s, "  エラー {e}");
            continue;
        }
        let levels: Vec<String> = r
            .records
            .iter()
            .map(|(l, n)| format!("{}{n}件", l.label_ja()))
            .collect();
        let _ = writeln!(s, "  レコード: {}件（{}）", r.total(), levels.join("、"));
        for n in &r.notes {
            let _ = writeln!(s, "  読み方: {n}");
        }
        let mut by_kind: BTreeMap<SpanKind, (usize, usize)> = BTreeMap::new();
        for u in &r.unused {
            let e = by_kind.entry(u.kind).or_default();
            e.0 += 1;
            e.1 += u.line_end - u.line_start + 1;
        }
        for (k, (spans, lines)) in by_kind {
            let _ = writeln!(
                s,
                "  読み込まなかった行（{}）: {spans}か所、{lines}行",
                k.label_ja()
            );
        }
        for w in &r.warnings {
            let _ = writeln!(s, "  警告 {w}");
        }
    }
    s
}
