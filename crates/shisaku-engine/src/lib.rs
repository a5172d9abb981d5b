//! shisaku's engine layer: the tantivy index and everything that reads it.
//!
//! - [`index`]: the tantivy schema, the analysis pipeline's tokenizers, index
//!   build and atomic swap;
//! - [`search`]: query compilation (grammar in `shisaku-query`), faceted search,
//!   snippets;
//! - [`related`]: related measures, overlap report, wording reuse;
//! - [`engine`]: an open index with its records and links, used by CLI and API;
//! - [`bench`]: measurements of search and related links.
//!
//! No HTTP and no command line; the response types derive OpenAPI schemas only
//! with the `openapi` feature (enabled by `shisaku-http`).

pub mod bench;
pub mod engine;
pub mod index;
pub mod related;
pub mod search;

/// The measures of the real documents (the bundled seeds), for unit tests.
#[cfg(test)]
pub(crate) fn seed_measures() -> Vec<shisaku_core::model::Measure> {
    let manifest =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds/manifest.toml");
    shisaku_core::ingest::import_manifest(&manifest)
        .unwrap()
        .measures
}
