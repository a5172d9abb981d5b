//! The command line as people pipe it: a reader that stops early
//! (`shisaku export | head`) ends the program quietly, not with an error.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Runs shisaku with `args` (and `input` on standard input), reads the first
/// line of its output and closes the pipe: the program must then end with
/// status 0 and say nothing. Returns that first line.
fn stop_reading_after_one_line(args: &[&str], input: &str) -> String {
    let manifest = common::manifest_path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .args(["--manifest", manifest.to_str().unwrap()])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    first
}

#[test]
fn a_reader_that_stops_early_ends_the_program_quietly() {
    // the export (about 600 KB) cannot all fit in the pipe, so the program
    // meets the closed pipe
    let first = stop_reading_after_one_line(&["export"], "");
    assert!(first.starts_with("{\"id\":"), "{first}");

    // the same for output written line by line as text: the token table of
    // a long text (a line per token)
    let text = "自殺対策の相談窓口を周知します。".repeat(5000);
    let first = stop_reading_after_one_line(&["analyze", "-"], &text);
    assert!(first.starts_with("pos#"), "{first}");
}
