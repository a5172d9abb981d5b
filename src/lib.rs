//! shisaku: search and cross-plan linking for Japanese municipal policy plans.
//!
//! Modules, one concern each:
//! - [`model`]: the normalized measure record (no I/O);
//! - [`ingest`]: manifest-driven importers, one per document format, with import reports;
//! - [`analysis`]: the one Japanese analysis pipeline used for indexing and queries;
//! - [`index`]: the tantivy schema, index build and atomic swap;
//! - [`search`]: query language, faceted search, snippets;
//! - [`related`]: related measures, overlap report, wording reuse;
//! - [`engine`]: an open index with its records and links, used by CLI and API;
//! - [`api`]: HTTP API (axum), web UI and widget;
//! - [`config`]: the optional TOML configuration file;
//! - [`bench`], [`synth`]: measurements and a synthetic corpus for scale tests.

pub mod analysis;
pub mod api;
pub mod bench;
pub mod config;
pub mod engine;
pub mod index;
pub mod ingest;
pub mod model;
pub mod related;
pub mod search;
pub mod synth;

/// The CPU cores this process may use (1 when the system cannot say): the
/// number of HTTP workers, engine threads and index threads are sized by it.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The measures of the real documents (the bundled seeds), for unit tests.
#[cfg(test)]
pub(crate) fn seed_measures() -> Vec<model::Measure> {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/manifest.toml");
    ingest::import_manifest(&manifest).unwrap().measures
}
