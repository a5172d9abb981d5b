//! shisaku: search and cross-plan linking for Japanese municipal policy plans.
//!
//! The layers are crates of this workspace; dependencies point one way
//! (query ← core ← engine ← http ← the `shisaku` binary):
//! - `shisaku-query` (`crates/shisaku-query`): the query grammar;
//! - `shisaku-core` (`crates/shisaku-core`): [`model`], [`analysis`] (without
//!   tantivy), [`ingest`], [`synth`];
//! - `shisaku-engine` (`crates/shisaku-engine`): [`index`] (with the tantivy
//!   tokenizers), [`search`], [`related`], [`engine`], [`bench`];
//! - `shisaku-http` (`crates/shisaku-http`): [`api`], the HTTP API (axum), web UI
//!   and widget;
//! - this package: the command line (`src/main.rs`, `src/cli/`) and its
//!   [`config`] file.
//!
//! This library only re-exports the crates' modules under one name, for the
//! integration tests and examples.

pub use shisaku_core::{cores, ingest, model, synth};
pub use shisaku_engine::{bench, engine, index, related, search};
pub use shisaku_http as api;

pub mod config;

/// The analysis pipeline ([`shisaku_core::analysis`]) with the tantivy
/// tokenizers that wrap it ([`shisaku_engine::index::tokenizers`]).
pub mod analysis {
    pub use shisaku_core::analysis::*;
    pub use shisaku_engine::index::tokenizers::{
        BigramTokenizer, ReadingTokenizer, WordTokenizer, bigrams, reading_bigrams, register,
    };
}
