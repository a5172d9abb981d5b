//! Property-based fuzzing of every importer: tabular-progress (with the real
//! manifest options of 000, 001 and 002), block-report (003), plan-draft
//! (004) and jsonl, on
//! (a) arbitrary text, and line soups mixing the seed's own lines (headers,
//!     section rows, table rows) with hostile lines, and
//! (b) the real seed documents mutated: lines deleted, duplicated, swapped,
//!     replaced, split or joined, tabs inserted, the text truncated at any
//!     character boundary.
//!
//! An importer must never panic: it returns records (with warnings) or an
//! `ImportError` naming the file. Records and warnings must point at lines of
//! the document. `import_documents` is also fed arbitrary bytes from a
//! temporary folder (invalid UTF-8, BOM, empty files).

mod fuzz_common;

use std::path::PathBuf;
use std::sync::OnceLock;

use fuzz_common::{cases, hostile_string};
use proptest::prelude::*;
use shisaku::ingest::blocks::BlockImporter;
use shisaku::ingest::draft::DraftImporter;
use shisaku::ingest::jsonl::JsonlImporter;
use shisaku::ingest::tabular::TabularImporter;
use shisaku::ingest::{
    Document, DocumentEntry, Format, Importer, Ledger, Manifest, import_documents,
};

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

fn manifest() -> &'static Manifest {
    static M: OnceLock<Manifest> = OnceLock::new();
    M.get_or_init(|| Manifest::load(&seeds_dir().join("manifest.toml")).expect("manifest"))
}

/// The manifest entry of the seed whose file name starts with `prefix`.
fn entry(prefix: &str) -> &'static DocumentEntry {
    manifest()
        .documents
        .iter()
        .find(|d| d.file.starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix}"))
}

fn seed_text(prefix: &str) -> &'static str {
    static TEXTS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        manifest()
            .documents
            .iter()
            .map(|d| {
                let t = std::fs::read_to_string(seeds_dir().join(&d.file)).expect("seed reads");
                (d.file.clone(), t)
            })
            .collect()
    });
    texts
        .iter()
        .find(|(f, _)| f.starts_with(prefix))
        .map(|(_, t)| t.as_str())
        .expect("seed text")
}

fn importer(format: Format) -> Box<dyn Importer> {
    match format {
        Format::TabularProgress => Box::new(TabularImporter),
        Format::BlockReport => Box::new(BlockImporter),
        Format::PlanDraft => Box::new(DraftImporter),
        Format::Jsonl => Box::new(JsonlImporter),
        Format::Outline => Box::new(shisaku::ingest::outline::OutlineImporter),
        // reads bytes, not text (tests/import_spreadsheet.rs)
        Format::Spreadsheet => panic!("no seed document is a spreadsheet"),
    }
}

/// Runs the importer of `entry`'s format (with its options) on `text` and
/// checks the outcome.
fn check_import(entry: &DocumentEntry, text: &str) -> Result<(), TestCaseError> {
    let format = entry.format().expect("known format");
    let file = entry.file.as_str();
    let doc = Document::new(file, text, &entry.plan, &entry.options);
    let n = doc.lines.len();
    let mut ledger = Ledger::new(file, &doc.lines);
    match importer(format).import(&doc, &mut ledger) {
        Ok(measures) => {
            for m in &measures {
                prop_assert_eq!(&m.source.file, file);
                let s = &m.source;
                prop_assert!(
                    1 <= s.line_start
                        && s.line_start <= s.line
                        && s.line <= s.line_end
                        && s.line_end <= n,
                    "{} lines {}..{}..{} outside 1..={n}: {:?}",
                    format.as_str(),
                    s.line_start,
                    s.line,
                    s.line_end,
                    m.title
                );
                // a block report's block without a title is kept, flagged and warned about
                prop_assert!(
                    !m.title.trim().is_empty() || m.flags.iter().any(|f| f == "no-title"),
                    "empty title without the no-title flag at line {}: {:?}",
                    s.line,
                    &doc.lines[s.line_start.saturating_sub(3)..s.line_end.min(n)]
                );
            }
            let (warnings, unused) = ledger.finish();
            for w in &warnings {
                prop_assert_eq!(&w.file, file);
                prop_assert!(
                    1 <= w.line && w.line <= n.max(1),
                    "{} warning at line {} of {n}: {}",
                    format.as_str(),
                    w.line,
                    w.message
                );
            }
            for u in &unused {
                prop_assert!(1 <= u.line_start && u.line_start <= u.line_end && u.line_end <= n);
            }
        }
        Err(e) => {
            prop_assert_eq!(&e.file, file, "{}", e);
            prop_assert!(!e.message.is_empty());
            if let Some(l) = e.line {
                prop_assert!(l >= 1 && l <= n + 1, "error line {l} of {n}: {e}");
            }
        }
    }
    Ok(())
}

/// One edit of a document's lines.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Replace(usize, String),
    Insert(usize, String),
    /// Insert a tab at a character position of a line.
    Tab(usize, usize),
    /// Break a line in two at a character position.
    Split(usize, usize),
    /// Join a line with the next.
    Join(usize),
    /// Cut the whole text at a character position (applied last).
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let n = any::<usize>;
    prop_oneof![
        3 => n().prop_map(Mutation::Delete),
        2 => n().prop_map(Mutation::Duplicate),
        2 => (n(), n()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        1 => (n(), hostile_string(12)).prop_map(|(a, s)| Mutation::Replace(a, s)),
        1 => (n(), hostile_string(12)).prop_map(|(a, s)| Mutation::Insert(a, s)),
        3 => (n(), n()).prop_map(|(a, b)| Mutation::Tab(a, b)),
        1 => (n(), n()).prop_map(|(a, b)| Mutation::Split(a, b)),
        1 => n().prop_map(Mutation::Join),
        1 => n().prop_map(Mutation::Truncate),
    ]
}

/// Cuts `s` at the character boundary at or before `at` (mod its length).
fn cut(s: &str, at: usize) -> usize {
    if s.is_empty() {
        return 0;
    }
    let mut at = at % (s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut truncate = None;
    for m in mutations {
        let len = lines.len();
        let pick = |i: usize| if len == 0 { 0 } else { i % len };
        match m {
            Mutation::Delete(i) if len > 0 => {
                lines.remove(pick(*i));
            }
            Mutation::Duplicate(i) if len > 0 => {
                let l = lines[pick(*i)].clone();
                lines.insert(pick(*i), l);
            }
            Mutation::Swap(a, b) if len > 0 => lines.swap(pick(*a), pick(*b)),
            Mutation::Replace(i, s) if len > 0 => lines[pick(*i)] = s.clone(),
            Mutation::Insert(i, s) => {
                lines.insert(if len == 0 { 0 } else { i % (len + 1) }, s.clone())
            }
            Mutation::Tab(i, at) if len > 0 => {
                let l = &mut lines[pick(*i)];
                let at = cut(l, *at);
                l.insert(at, '\t');
            }
            Mutation::Split(i, at) if len > 0 => {
                let i = pick(*i);
                let at = cut(&lines[i], *at);
                let rest = lines[i].split_off(at);
                lines.insert(i + 1, rest);
            }
            Mutation::Join(i) if len > 1 => {
                let i = i % (len - 1);
                let next = lines.remove(i + 1);
                lines[i].push_str(&next);
            }
            Mutation::Truncate(at) => truncate = Some(*at),
            _ => {}
        }
    }
    let mut out = lines.join("\n");
    if let Some(at) = truncate {
        out.truncate(cut(&out, at));
    }
    out
}

/// A line soup: lines of the seed and hostile lines (cells joined by tabs).
fn soup(prefix: &'static str, max_lines: usize) -> impl Strategy<Value = String> {
    let seed_lines: Vec<&'static str> = seed_text(prefix).lines().collect();
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(seed_lines).prop_map(String::from),
            1 => prop::collection::vec(hostile_string(6), 0..14).prop_map(|cells| cells.join("\t")),
            1 => Just(String::new()),
        ],
        0..max_lines,
    )
    .prop_map(|lines| lines.join("\n"))
}

/// Arbitrary text with a bias to lines of tab-separated cells.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        hostile_string(200),
        prop::collection::vec(prop::collection::vec(hostile_string(8), 0..14), 0..30).prop_map(
            |rows| rows
                .into_iter()
                .map(|cells| cells.join("\t"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    ]
}

/// A JSON line: valid records, records of the wrong shape, garbage.
fn json_line() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        hostile_string(10).prop_map(serde_json::Value::String),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        Just(serde_json::Value::Null),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!(["a", 1])),
    ];
    let keys = prop::sample::select(vec![
        "title",
        "content",
        "level",
        "path",
        "departments",
        "sections",
        "page",
        "id",
        "plan",
        "source",
        "progress",
        "indicators",
        "bodies",
        "flags",
        "number",
        "activity_unit",
        "x",
    ]);
    prop_oneof![
        3 => prop::collection::btree_map(keys, value, 0..6)
            .prop_map(|m| serde_json::to_string(&m).expect("serializes")),
        1 => (hostile_string(20), hostile_string(40)).prop_map(|(t, c)| {
            serde_json::json!({"title": t, "content": c, "level": "measure"}).to_string()
        }),
        1 => hostile_string(30),
        1 => (1usize..300).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
    ]
}

/// The tabular seeds with their own manifest options.
const TABULAR: [&str; 3] = ["000", "001", "002"];

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn tabular_on_arbitrary_text(t in any_text(), which in 0usize..3) {
        check_import(entry(TABULAR[which]), &t)?;
    }

    #[test]
    fn blocks_on_arbitrary_text(t in any_text()) {
        check_import(entry("003"), &t)?;
    }

    #[test]
    fn draft_on_arbitrary_text(t in any_text()) {
        check_import(entry("004"), &t)?;
    }

    #[test]
    fn jsonl_on_arbitrary_text(t in any_text()) {
        let jsonl = DocumentEntry { format: "jsonl".into(), file: "x.jsonl".into(), ..entry("000").clone() };
        check_import(&jsonl, &t)?;
    }

    #[test]
    fn jsonl_on_json_lines(lines in prop::collection::vec(json_line(), 0..20)) {
        let jsonl = DocumentEntry { format: "jsonl".into(), file: "x.jsonl".into(), ..entry("000").clone() };
        check_import(&jsonl, &lines.join("\n"))?;
    }

    #[test]
    fn tabular_on_line_soup_000(t in soup("000", 40)) {
        check_import(entry("000"), &t)?;
    }

    #[test]
    fn tabular_on_line_soup_001(t in soup("001", 40)) {
        check_import(entry("001"), &t)?;
    }

    #[test]
    fn tabular_on_line_soup_002(t in soup("002", 40)) {
        check_import(entry("002"), &t)?;
    }

    #[test]
    fn blocks_on_line_soup(t in soup("003", 120)) {
        check_import(entry("003"), &t)?;
    }

    #[test]
    fn draft_on_line_soup(t in soup("004", 120)) {
        check_import(entry("004"), &t)?;
    }

    #[test]
    fn mutated_tabular_seeds(which in 0usize..3, ms in prop::collection::vec(mutation(), 1..12)) {
        let e = entry(TABULAR[which]);
        check_import(e, &mutate(seed_text(TABULAR[which]), &ms))?;
    }
}

proptest! {
    // the block report and the draft are 2,500 lines each: fewer cases by default
    #![proptest_config(cases(64))]

    #[test]
    fn mutated_block_report(ms in prop::collection::vec(mutation(), 1..40)) {
        check_import(entry("003"), &mutate(seed_text("003"), &ms))?;
    }

    #[test]
    fn mutated_plan_draft(ms in prop::collection::vec(mutation(), 1..40)) {
        check_import(entry("004"), &mutate(seed_text("004"), &ms))?;
    }

    #[test]
    fn import_documents_on_arbitrary_bytes(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..400),
            any_text().prop_map(String::into_bytes),
            any_text().prop_map(|t| [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat()),
            (any_text(), any::<u8>()).prop_map(|(t, b)| [t.as_bytes(), &[0xC3, b]].concat()),
        ],
        format in prop::sample::select(vec!["tabular-progress", "block-report", "plan-draft", "jsonl", "nope"]),
        which in 0usize..5,
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let prefixes = ["000", "001", "002", "003", "004"];
        let mut e = entry(prefixes[which]).clone();
        e.file = "doc.txt".into();
        e.format = format.into();
        std::fs::write(dir.path().join("doc.txt"), &bytes).expect("writes");
        let missing = DocumentEntry { file: "missing.txt".into(), ..e.clone() };
        let corpus = import_documents(dir.path(), &[e, missing]);
        prop_assert_eq!(corpus.reports.len(), 2);
        let ok = corpus.reports[0].error.is_none();
        if let Some(err) = &corpus.reports[0].error {
            prop_assert_eq!(err.file.as_str(), "doc.txt");
        }
        prop_assert!(corpus.reports[1].error.as_ref().is_some_and(|e| e.file == "missing.txt"));
        prop_assert!(ok || corpus.measures.is_empty());
        for m in &corpus.measures {
            prop_assert!(!m.id.is_empty());
        }
    }
}

#[test]
fn seeds_import_unchanged_through_the_fuzz_harness() {
    for p in ["000", "001", "002", "003", "004"] {
        check_import(entry(p), seed_text(p)).unwrap();
    }
}
