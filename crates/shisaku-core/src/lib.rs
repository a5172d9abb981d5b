//! shisaku's core layer: the measure record and everything that needs no
//! index: Japanese text analysis and the document importers.
//!
//! - [`model`]: the normalized measure record and fiscal-year labels (no I/O);
//! - [`analysis`]: the one Japanese analysis pipeline used for indexing and queries;
//! - [`ingest`]: manifest-driven importers, one per document format, with import reports;
//! - [`synth`]: a synthetic corpus for scale tests.
//!
//! No tantivy, no HTTP, no command line: the engine crate indexes and
//! searches what this crate produces.

// nothing here needs unsafe code; the crates that do (engine, http,
// the binary) document each block
#![forbid(unsafe_code)]

pub mod analysis;
pub mod ingest;
pub mod model;
pub mod synth;

/// The CPU cores this process may use (1 when the system cannot say): the
/// number of HTTP workers, engine threads and index threads are sized by it.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
