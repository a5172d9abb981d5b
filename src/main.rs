//! The `shisaku` command line: parses arguments and calls the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "shisaku",
    version,
    about = "施策検索: search and cross-plan linking for Japanese municipal policy plans"
)]
struct Cli {
    /// The manifest naming the plan documents.
    #[arg(
        long,
        global = true,
        default_value = "seeds/manifest.toml",
        env = "SHISAKU_MANIFEST"
    )]
    manifest: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print every imported measure as one JSON object per line.
    Export,
    /// Show how the analysis pipeline tokenizes TEXT (surface, indexed term,
    /// reading, part of speech, byte offsets): why something does or does not match.
    Analyze {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// The text to analyze.
        text: String,
    },
    /// Print the import report of every document (records, warnings, unused spans).
    Report {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match cli.command {
        Command::Export => {
            let corpus = shisaku::ingest::import_manifest(&cli.manifest)?;
            for e in corpus.errors() {
                eprintln!("error: {e}");
            }
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for m in &corpus.measures {
                serde_json::to_writer(&mut out, m)?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
        }
        Command::Analyze { json, text } => {
            let tokens = shisaku::analysis::Analyzer::shared().analyze(&text);
            if json {
                println!("{}", serde_json::to_string_pretty(&tokens)?);
            } else {
                print!("{}", shisaku::analysis::render_tokens(&tokens));
            }
        }
        Command::Report { json } => {
            let corpus = shisaku::ingest::import_manifest(&cli.manifest)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&corpus.reports)?);
            } else {
                print!("{}", shisaku::ingest::render_reports(&corpus.reports));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
