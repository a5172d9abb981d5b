//! The command line as people pipe it: a reader that stops early
//! (`shisaku export | head`) ends the program quietly, not with an error.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Runs shisaku with `args` (and `input` on standard input), reads the first
/// line of its output and closes the pipe: the program must then end with
/// status 0 and say nothing. Returns that first line.
fn stop_reading_after_one_line(args: &[&str], input: &str) -> String {
    let manifest = common::manifest_path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .args(["--manifest", manifest.to_str().unwrap()])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    first
}

#[test]
fn a_reader_that_stops_early_ends_the_program_quietly() {
    // the export (about 600 KB) cannot all fit in the pipe, so the program
    // meets the closed pipe
    let first = stop_reading_after_one_line(&["export"], "");
    assert!(first.starts_with("{\"id\":"), "{first}");

    // the same for output written line by line as text: the token table of
    // a long text (a line per token)
    let text = "自殺対策の相談窓口を周知します。".repeat(5000);
    let first = stop_reading_after_one_line(&["analyze", "-"], &text);
    assert!(first.starts_with("pos#"), "{first}");
}

/// The records of one plan of the seeds as `shisaku export` prints them,
/// written as a jsonl document of a manifest of their own, import back: every
/// record, with its title, content and departments, and not one warning.
#[test]
fn exported_records_import_back_through_jsonl() {
    let plan = &common::plans()[0];
    let records: Vec<&shisaku::model::Measure> = common::corpus()
        .measures
        .iter()
        .filter(|m| m.plan.id == plan.id)
        .collect();
    assert!(
        records.iter().any(|m| m.document.is_some()),
        "the export names documents"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    for m in &records {
        lines.push_str(&serde_json::to_string(m).unwrap());
        lines.push('\n');
    }
    std::fs::write(dir.path().join("plan.jsonl"), lines).unwrap();
    std::fs::write(
        dir.path().join("manifest.toml"),
        format!(
            "[[document]]\nfile = \"plan.jsonl\"\nformat = \"jsonl\"\n[document.plan]\nid = \"{}\"\nname = \"{}\"\nkind = \"{}\"\nmunicipality = \"{}\"\n",
            plan.id,
            plan.name,
            plan.kind.as_str(),
            plan.municipality
        ),
    )
    .unwrap();
    let corpus = shisaku::ingest::import_manifest(&dir.path().join("manifest.toml")).unwrap();
    let warnings: Vec<String> = corpus
        .reports
        .iter()
        .flat_map(|r| r.warnings.iter().map(|w| w.to_string()))
        .collect();
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(corpus.errors().count(), 0);
    assert_eq!(corpus.measures.len(), records.len());
    for (back, m) in corpus.measures.iter().zip(&records) {
        assert_eq!(
            (&back.title, &back.content, &back.departments),
            (&m.title, &m.content, &m.departments)
        );
    }
}

/// `shisaku synth` writes a corpus that imports whole: as many measures as
/// asked for, no document failing, no warning (scale runs build on it).
#[test]
fn a_synthetic_corpus_imports_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .args(["--manifest", common::manifest_path().to_str().unwrap()])
        .args(["synth", "--measures", "300", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let corpus = shisaku::ingest::import_manifest(&dir.path().join("manifest.toml")).unwrap();
    let first_error = corpus.errors().next().map(|e| e.to_string());
    assert_eq!(first_error, None);
    let warnings = corpus
        .reports
        .iter()
        .map(|r| r.warnings.len())
        .sum::<usize>();
    assert_eq!(warnings, 0);
    assert_eq!(corpus.measures.len(), 300);
}
