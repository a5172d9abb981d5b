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
    /// The index folder.
    #[arg(long, global = true, default_value = "index", env = "SHISAKU_INDEX")]
    index: PathBuf,
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
    /// Import the documents of the manifest and (re)build the index; prints the import report.
    Index,
    /// Search the index.
    Search(SearchArgs),
    /// Print the import report of every document (records, warnings, unused spans).
    Report {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
struct SearchArgs {
    /// Print JSON: {"total", "hits": [...], "facets": {...}}.
    #[arg(long)]
    json: bool,
    /// Results per page.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Results to skip.
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// KEY=VALUE; keys: plan, plan_kind, municipality, pillar, department,
    /// section, level, year, status. Repeat for several (same key = OR).
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    filters: Vec<String>,
    /// Result order.
    #[arg(long, value_enum, default_value_t = shisaku::search::Sort::Relevance)]
    sort: shisaku::search::Sort,
    /// Do not expand synonyms.
    #[arg(long)]
    no_synonyms: bool,
    /// The query: words (AND), OR, -exclude, "phrase", title:/content:/department:/section:.
    query: Vec<String>,
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
        Command::Index => {
            let corpus = shisaku::ingest::import_manifest(&cli.manifest)?;
            eprint!("{}", shisaku::ingest::render_reports(&corpus.reports));
            let bar = progress_bar(corpus.measures.len() as u64);
            let started = std::time::Instant::now();
            let dir = shisaku::index::build(&cli.index, &corpus.measures, &mut |n| {
                bar.set_position(n as u64)
            })?;
            bar.finish_and_clear();
            eprintln!(
                "indexed {} measures into {} in {:.2} s",
                corpus.measures.len(),
                dir.display(),
                started.elapsed().as_secs_f64()
            );
            if corpus.errors().next().is_some() {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Search(args) => {
            let ix = shisaku::index::OpenIndex::open(&cli.index)?;
            let filters = args
                .filters
                .iter()
                .map(|f| shisaku::search::parse_filter(f))
                .collect::<Result<Vec<_>, _>>()?;
            let req = shisaku::search::SearchRequest {
                q: args.query.join(" "),
                filters,
                sort: args.sort,
                limit: args.limit,
                offset: args.offset,
                synonyms: !args.no_synonyms,
            };
            let res = shisaku::search::search(&ix, &req)?;
            if args.json {
                println!("{}", serde_json::to_string(&res)?);
            } else {
                print!("{}", shisaku::search::render_text(&res));
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

/// A progress bar on a terminal, hidden otherwise.
fn progress_bar(len: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {elapsed}")
    {
        bar.set_style(style);
    }
    bar.set_message("索引作成");
    bar
}
