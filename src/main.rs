//! The `shisaku` command line: parses arguments, runs the command, prints
//! the error if there is one ([`cli`] does the work).

mod cli;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: a search allocates and frees
/// hundreds of small strings and query parts, and an index build millions;
/// with glibc's allocator malloc and free are a large share of a search's
/// CPU, mimalloc's per-thread free lists make them cheap (see
/// docs/PERFORMANCE.md, design notes).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match cli::args::parse() {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match cli::run(cli) {
        Ok(code) => code,
        // `shisaku overlaps --format csv | head`: the reader has what it
        // wanted; like other Unix tools, stop quietly.
        Err(e) if cli::is_broken_pipe(e.as_ref()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
