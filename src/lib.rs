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
