//! The command line: arguments ([`args`]), what each command prints
//! ([`output`]) and the server ([`serve`]).

pub mod args;
mod output;
mod serve;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use shisaku::engine::Engine;
use shisaku::related::overlap::ReportWindow;
use shisaku::search::{self, SearchRequest};

use args::{Cli, Command, OverlapFormat};

/// Runs a parsed command; the exit code for what it found, or the error.
pub fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error>> {
    // written through, not print!: a closed pipe is then an error that
    // `main` ends quietly on, where print! would panic (not locked: each
    // write takes the lock, so no other thread could ever wait on it)
    let mut out = std::io::stdout();
    match cli.command {
        Command::Index {
            no_links,
            allow_partial,
        } => {
            init_tracing("warn");
            let bar = progress_bar();
            let built = Engine::build_with(
                &cli.manifest,
                &cli.index,
                &mut |n| bar.set_position(n as u64),
                !no_links,
                allow_partial,
            );
            bar.finish_and_clear();
            let outcome = match built {
                Ok(outcome) => outcome,
                Err(e) => {
                    if let shisaku::engine::EngineError::ImportFailed { reports, .. } = &e {
                        eprint!("{}", shisaku::ingest::render_reports(reports));
                    }
                    return Err(e.into());
                }
            };
            eprint!("{}", shisaku::ingest::render_reports(&outcome.reports));
            output::index_summary(&outcome);
            if outcome.reports.iter().any(|r| r.error.is_some()) {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Verify => {
            let Some(dir) = shisaku::index::current_generation(&cli.index)? else {
                return Err(shisaku::index::IndexError::Missing(cli.index.clone()).into());
            };
            let started = std::time::Instant::now();
            let v = shisaku::index::verify(&dir)?;
            output::verified(&mut out, &dir, &v, started.elapsed())?;
        }
        Command::Serve(args) => serve::serve(&cli.manifest, &cli.index, args)?,
        Command::Search(args) => {
            let filters = args
                .filters
                .iter()
                .map(|f| search::parse_filter(f))
                .collect::<Result<Vec<_>, _>>()?;
            let req = SearchRequest {
                q: args.query.join(" "),
                filters,
                sort: args.sort.into(),
                limit: args.limit,
                offset: args.offset,
                synonyms: !args.no_synonyms,
                match_mode: args.match_mode.into(),
            };
            // a plan filter may give the plan's id: the engine knows the
            // plans (opening it reads every record, so only then)
            let res = if req
                .filters
                .iter()
                .any(|(f, _)| *f == shisaku::index::Facet::Plan)
            {
                Engine::open(&cli.index)?.search(&req)?
            } else {
                search::search(&shisaku::index::OpenIndex::open(&cli.index)?, &req)?
            };
            if args.json {
                output::print_json(&res)?;
            } else {
                write!(out, "{}", search::render_text(&res))?;
            }
        }
        Command::Related {
            json,
            limit,
            all_plans,
            id,
        } => {
            let engine = Engine::open(&cli.index)?;
            let res = engine.related(&id, limit, all_plans)?;
            if json {
                output::print_json(&res)?;
            } else {
                output::related(&mut out, &res)?;
            }
        }
        Command::Overlaps { format, threshold } => {
            let engine = Engine::open(&cli.index)?;
            let overlaps = engine.overlaps(threshold)?;
            // every pair and cluster, written as they are made
            let report = engine.overlap_report(&overlaps, ReportWindow::ALL);
            match format {
                OverlapFormat::Json => output::print_json(&report)?,
                OverlapFormat::Csv => {
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    report.write_csv(&mut out)?;
                    out.flush()?;
                }
            }
        }
        Command::Similar { text, limit, json } => {
            let draft = match text {
                Some(t) => t,
                None => {
                    if std::io::stdin().is_terminal() {
                        eprintln!("(paste the draft, then Ctrl-D)");
                    }
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s
                }
            };
            let engine = Engine::open(&cli.index)?;
            let res = engine.similar(&draft, limit)?;
            if json {
                output::print_json(&res)?;
            } else {
                output::similar(&mut out, &res)?;
            }
        }
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
        Command::Bench {
            json,
            links_sample: Some(sample),
            exact,
            ..
        } => {
            let r = shisaku::bench::links_sample(&cli.manifest, sample, exact)?;
            if json {
                output::print_json(&r)?;
            } else {
                output::links_sample(&mut out, &r)?;
            }
        }
        Command::Bench {
            rounds,
            json,
            no_build,
            links_sample: None,
            ..
        } => {
            let report = if no_build {
                shisaku::bench::run_existing(&cli.index, rounds.max(1))
            } else {
                let scratch =
                    std::env::temp_dir().join(format!("shisaku-bench-{}", std::process::id()));
                let report = shisaku::bench::run(&cli.manifest, &scratch, rounds.max(1));
                let _ = std::fs::remove_dir_all(&scratch);
                report
            };
            let report = report?;
            if json {
                output::print_json(&report)?;
            } else {
                output::bench(&mut out, &report)?;
            }
        }
        Command::Synth {
            measures,
            out,
            seed,
        } => {
            let corpus = shisaku::ingest::import_manifest(&cli.manifest)?;
            let plans = shisaku::synth::generate(&corpus.measures, measures, seed, &out)?;
            eprintln!(
                "wrote {measures} measures in {plans} plans to {}",
                out.display()
            );
        }
        Command::Analyze { json, text } => {
            let text = if text == "-" {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                s
            } else {
                text
            };
            let tokens = shisaku::analysis::Analyzer::shared().analyze(&text);
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&tokens)?)?;
            } else {
                write!(out, "{}", shisaku::analysis::render_tokens(&tokens))?;
            }
        }
        Command::Check { doc, records } => {
            let (text, ok) = shisaku::ingest::check::check(&cli.manifest, &doc, records)?;
            write!(out, "{text}")?;
            if !ok {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Report { json } => {
            let corpus = shisaku::ingest::import_manifest(&cli.manifest)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&corpus.reports)?)?;
            } else {
                write!(out, "{}", shisaku::ingest::render_reports(&corpus.reports))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether an error is, or was caused by, writing to a closed pipe.
pub fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return true;
        }
        if let Some(json) = e.downcast_ref::<serde_json::Error>()
            && json.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        cause = e.source();
    }
    false
}

/// A progress bar on a terminal, hidden otherwise.
fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} 索引作成 {pos} 件 {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// Structured logs on stderr; `RUST_LOG` sets the level (`default` without
/// it), `SHISAKU_LOG=json` the format.
fn init_tracing(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // colours only on a terminal, not in log files or the journal
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if std::env::var("SHISAKU_LOG").is_ok_and(|v| v == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
