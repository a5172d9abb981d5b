//! The IPADIC system dictionary, compiled at build time from the vendored
//! `mecab-ipadic-2.7.0-20070801-debian3.tar.gz` (see `build.rs`) by lindera's
//! `DictionaryBuilder`, and embedded in the binary. Nothing is downloaded.
//!
//! `load()` returns the dictionary; its `metadata` carries the schema and
//! defaults that the user-dictionary builder needs.

// nothing here needs unsafe code; the crates that do (engine, http,
// the binary) document each block
#![forbid(unsafe_code)]

lindera_dictionary::embedded_dictionary!("/ipadic", EmbeddedIpadicLoader);
