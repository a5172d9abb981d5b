//! shisaku: search and cross-plan linking for Japanese municipal policy plans.
//!
//! Modules, one concern each:
//! - [`model`]: the normalized measure record (no I/O);
//! - [`ingest`]: manifest-driven importers, one per document format, with import reports;
//! - [`analysis`]: the one Japanese analysis pipeline used for indexing and queries.

pub mod analysis;
pub mod ingest;
pub mod model;
