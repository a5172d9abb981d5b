//! Japanese analysis.
