//! Shared helpers for the integration tests: the real seed corpus, imported once.

#![allow(dead_code)]

pub mod http;
pub mod inproc;
pub mod server;

use std::path::PathBuf;
use std::sync::OnceLock;

use shisaku::ingest::{Corpus, ImportReport};
use shisaku::model::{Level, Measure, Plan, Source};

pub fn manifest_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds/manifest.toml")
}

/// The five seed documents imported through the manifest (once per test binary).
pub fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS
        .get_or_init(|| shisaku::ingest::import_manifest(&manifest_path()).expect("manifest loads"))
}

pub fn report(file_prefix: &str) -> &'static ImportReport {
    corpus()
        .reports
        .iter()
        .find(|r| r.file.starts_with(file_prefix))
        .unwrap_or_else(|| panic!("no report for {file_prefix}"))
}

pub fn measures(file_prefix: &str) -> Vec<&'static Measure> {
    corpus()
        .measures
        .iter()
        .filter(|m| m.source.file.starts_with(file_prefix))
        .collect()
}

/// The record whose title stands on `line` of the file starting with `file_prefix`.
pub fn at_line(file_prefix: &str, line: usize) -> &'static Measure {
    corpus()
        .measures
        .iter()
        .find(|m| m.source.file.starts_with(file_prefix) && m.source.line == line)
        .unwrap_or_else(|| panic!("no record at {file_prefix}:{line}"))
}

/// The plans of the real corpus, in manifest order, one each.
pub fn plans() -> Vec<Plan> {
    let mut v: Vec<Plan> = corpus().measures.iter().map(|m| m.plan.clone()).collect();
    v.dedup_by(|a, b| a.id == b.id);
    v
}

/// A made-up measure of the `plan_idx`-th real plan, for small engines in tests.
pub fn made_up(id: &str, plan_idx: usize, title: &str, content: &str) -> Measure {
    let mut m = Measure::new(
        &plans()[plan_idx],
        Level::Measure,
        title,
        Source {
            file: "made-up.jsonl".into(),
            line: 1,
            line_start: 1,
            line_end: 1,
            sheet: None,
        },
    );
    m.id = id.into();
    m.content = content.into();
    m
}
