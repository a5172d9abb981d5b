//! The command line as people pipe it: a reader that stops early
//! (`shisaku export | head`) ends the program quietly, not with an error.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn a_reader_that_stops_early_ends_the_program_quietly() {
    let manifest = common::manifest_path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .args(["--manifest", manifest.to_str().unwrap(), "export"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // the reader is gone; the export (about 600 KB) cannot all have fit
    // in the pipe, so the program meets the closed pipe
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("{\"id\":"), "{first}");
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
