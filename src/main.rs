//! The `shisaku` command line: parses arguments and calls the library.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use shisaku::engine::Engine;
use shisaku::related::overlap::ReportWindow;
use shisaku::search::{self, SearchRequest, Sort};

/// mimalloc instead of the system allocator: a search allocates and frees
/// hundreds of small strings and query parts, and an index build millions;
/// with glibc's allocator malloc and free are a large share of a search's
/// CPU, mimalloc's per-thread free lists make them cheap (see
/// docs/PERFORMANCE.md, design notes).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// A TOML configuration file (see README): settings not given as flags
    /// or environment variables are taken from it.
    #[arg(long, global = true, env = "SHISAKU_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import the documents of the manifest and (re)build the index and the
    /// related links; prints the import report.
    Index {
        /// Skip the related links (related lists and overlaps stay empty):
        /// for scale tests of search on very large corpora.
        #[arg(long)]
        no_links: bool,
        /// Build and swap in the documents that imported even when others
        /// failed (exit code 2). Without it a failed document leaves the
        /// index unchanged (exit code 1).
        #[arg(long)]
        allow_partial: bool,
    },
    /// Verify the live index generation: every file against the checksums
    /// recorded when it was built, and tantivy's segment checksums.
    Verify,
    /// Serve the HTTP API, the web UI and the widget (builds the index first if there is none).
    Serve(ServeArgs),
    /// Search the index.
    Search(SearchArgs),
    /// The measures most related to measure ID (in other plans by default).
    Related {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Include measures of the same plan.
        #[arg(long)]
        all_plans: bool,
        id: String,
    },
    /// Cross-plan pairs above a threshold, clustered, with plan × plan counts.
    Overlaps {
        #[arg(long, value_enum, default_value_t = OverlapFormat::Json)]
        format: OverlapFormat,
        /// Lowest related score counted as an overlap (0–1).
        #[arg(long)]
        threshold: Option<f32>,
    },
    /// For each sentence of a draft, the closest existing sentences across plans.
    Similar {
        /// The draft; read from standard input when absent.
        #[arg(long)]
        text: Option<String>,
        #[arg(long, default_value_t = 5)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Print every imported measure as one JSON object per line.
    Export,
    /// Measure index build, related-link and overlap time and search latency
    /// (p50/p99) in process, on the manifest's corpus (built into a scratch folder).
    Bench {
        /// Rounds over the fixed query list.
        #[arg(long, default_value_t = 50)]
        rounds: usize,
        #[arg(long)]
        json: bool,
        /// Do not build: measure the existing index given by --index
        /// (overlap report and search latency only).
        #[arg(long)]
        no_build: bool,
        /// Measure only the related links: import the manifest, build the
        /// profiles and link N measures: ten runs of consecutive measures in
        /// link order, spread over it, as a build visits them (no index).
        #[arg(long, value_name = "N", conflicts_with = "no_build")]
        links_sample: Option<usize>,
        /// With --links-sample: check K measures spread over the sample
        /// against exhaustive scoring (recall of the candidate search).
        #[arg(long, value_name = "K", default_value_t = 0, requires = "links_sample")]
        exact: usize,
    },
    /// Generate a larger realistic corpus (real measures recombined into new
    /// plans and municipalities) as JSONL files plus a manifest.
    Synth {
        /// Number of measures.
        #[arg(long)]
        measures: usize,
        /// Output folder.
        #[arg(long, default_value = "target/synth")]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Show how the analysis pipeline tokenizes TEXT (surface, indexed term,
    /// reading, part of speech, byte offsets): why something does or does not match.
    Analyze {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// The text to analyze; `-` reads it from standard input.
        text: String,
    },
    /// Show how the manifest reads one document, without touching the index:
    /// the header row and column mapping found, counts, the first records
    /// field by field and the warnings by kind. Exits with 1 when the
    /// document cannot be read.
    Check {
        /// The document: its file name in the manifest (a path is reduced to
        /// its file name) or its plan id.
        doc: String,
        /// How many records to print field by field.
        #[arg(long, default_value_t = 3)]
        records: usize,
    },
    /// Print the import report of every document (records, warnings, unused spans).
    Report {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum OverlapFormat {
    Json,
    Csv,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SHISAKU_ADDR")]
    addr: std::net::SocketAddr,
    /// Origin allowed to use the API from a browser (CORS), e.g.
    /// https://intranet.example.jp; repeat or comma-separate for several.
    /// None by default: same origin only.
    #[arg(
        long = "cors-origin",
        env = "SHISAKU_CORS_ORIGINS",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// Longest time one request may take, in seconds.
    #[arg(long, default_value_t = 10, env = "SHISAKU_REQUEST_TIMEOUT")]
    request_timeout: u64,
    /// Seconds a client has from the first byte of a request to the end of
    /// its headers (then the connection is closed).
    #[arg(long, default_value_t = 10, env = "SHISAKU_HEADER_TIMEOUT")]
    header_timeout: u64,
    /// Seconds a connection with no request in flight may stay without a
    /// byte either way (idle keep-alive, half-open, a client not reading).
    #[arg(long, default_value_t = 60, env = "SHISAKU_IDLE_TIMEOUT")]
    idle_timeout: u64,
    /// Token for the admin endpoints (POST /api/admin/reindex); without it they are disabled.
    /// Prefer the environment variable, so the token does not show in `ps`.
    #[arg(long, env = "SHISAKU_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Seconds between checks for an index generation built by `shisaku index`
    /// while serving (0 = never check).
    #[arg(long, default_value_t = 2, env = "SHISAKU_WATCH_SECONDS")]
    watch_seconds: u64,
    /// Search responses kept in the in-memory LRU cache (0 = no cache, e.g.
    /// to load-test the engine itself).
    #[arg(long, default_value_t = shisaku::engine::SEARCH_CACHE_ENTRIES, env = "SHISAKU_SEARCH_CACHE")]
    search_cache: usize,
    /// Origin whose pages may show the web UI in a frame (CSP frame-ancestors),
    /// e.g. https://portal.example.jp; repeat or comma-separate for several.
    /// None by default: the pages cannot be framed.
    #[arg(
        long = "frame-ancestor",
        env = "SHISAKU_FRAME_ANCESTORS",
        value_delimiter = ','
    )]
    frame_ancestors: Vec<String>,
    /// HTTP worker threads, each accepting on its own listener bound to the
    /// address (0 = one per CPU core). Searches run on a separate blocking pool.
    #[arg(long, default_value_t = 0, env = "SHISAKU_WORKERS")]
    workers: usize,
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
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,
    /// Do not expand synonyms.
    #[arg(long)]
    no_synonyms: bool,
    /// all: every word must match; auto: when fewer than ten measures hold
    /// every word, measures holding some of them follow (marked as such).
    #[arg(long = "match", value_enum, default_value_t = MatchArg::Auto)]
    match_mode: MatchArg,
    /// The query: words (AND), OR, -exclude, "phrase", title:/content:/department:/section:.
    query: Vec<String>,
}

/// `--sort`: the command line's names of [`Sort`].
#[derive(Clone, Copy, clap::ValueEnum)]
enum SortArg {
    /// Best match first.
    Relevance,
    /// As the measures stand in the documents.
    Document,
    /// By (first) department, then document order; records naming no
    /// department last.
    Department,
    /// By plan name, then document order.
    Plan,
    /// Newest fiscal year first, then document order; records with no year last.
    Year,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Document => Sort::Document,
            SortArg::Department => Sort::Department,
            SortArg::Plan => Sort::Plan,
            SortArg::Year => Sort::Year,
        }
    }
}

/// `--match`: the command line's names of [`search::MatchMode`].
#[derive(Clone, Copy, clap::ValueEnum)]
enum MatchArg {
    /// Every word; partial matches follow when fewer than ten measures hold them all.
    Auto,
    /// Every word, nothing else.
    All,
}

impl From<MatchArg> for search::MatchMode {
    fn from(m: MatchArg) -> search::MatchMode {
        match m {
            MatchArg::Auto => search::MatchMode::Auto,
            MatchArg::All => search::MatchMode::All,
        }
    }
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches)
        .map_err(|e| e.to_string())
        .and_then(|cli| with_config_file(cli, &matches).map_err(|e| e.to_string()));
    let cli = match cli {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(code) => code,
        // `shisaku overlaps --format csv | head`: the reader has what it
        // wanted; like other Unix tools, stop quietly.
        Err(e) if is_broken_pipe(e.as_ref()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Whether an error is, or was caused by, writing to a closed pipe.
fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
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

/// Fills the settings given neither as a flag nor in the environment from
/// the configuration file, if there is one.
fn with_config_file(
    mut cli: Cli,
    matches: &ArgMatches,
) -> Result<Cli, shisaku::config::ConfigError> {
    let Some(path) = &cli.config else {
        return Ok(cli);
    };
    let file = shisaku::config::Config::load(path)?;
    // a value the user did not give: absent or clap's default
    let unset = |m: &ArgMatches, id: &str| {
        matches!(m.value_source(id), None | Some(ValueSource::DefaultValue))
    };
    let sub = matches.subcommand().map(|(_, m)| m).unwrap_or(matches);
    if let Some(v) = file.manifest.filter(|_| unset(sub, "manifest")) {
        cli.manifest = v;
    }
    if let Some(v) = file.index.filter(|_| unset(sub, "index")) {
        cli.index = v;
    }
    if let Command::Serve(args) = &mut cli.command {
        let s = file.serve;
        if let Some(v) = s.addr.filter(|_| unset(sub, "addr")) {
            args.addr = v;
        }
        if let Some(v) = s.cors_origins.filter(|_| unset(sub, "cors_origins")) {
            args.cors_origins = v;
        }
        if let Some(v) = s.request_timeout.filter(|_| unset(sub, "request_timeout")) {
            args.request_timeout = v;
        }
        if let Some(v) = s.header_timeout.filter(|_| unset(sub, "header_timeout")) {
            args.header_timeout = v;
        }
        if let Some(v) = s.idle_timeout.filter(|_| unset(sub, "idle_timeout")) {
            args.idle_timeout = v;
        }
        if let Some(v) = s.admin_token.filter(|_| unset(sub, "admin_token")) {
            args.admin_token = Some(v);
        }
        if let Some(v) = s.watch_seconds.filter(|_| unset(sub, "watch_seconds")) {
            args.watch_seconds = v;
        }
        if let Some(v) = s.search_cache.filter(|_| unset(sub, "search_cache")) {
            args.search_cache = v;
        }
        if let Some(v) = s.workers.filter(|_| unset(sub, "workers")) {
            args.workers = v;
        }
        if let Some(v) = s.frame_ancestors.filter(|_| unset(sub, "frame_ancestors")) {
            args.frame_ancestors = v;
        }
    }
    Ok(cli)
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Box<dyn std::error::Error>> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error>> {
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
            let links = outcome.links;
            eprintln!(
                "indexed {} measures into {} (index {:.2} s, related links {:.2} s: \
                 profiles {:.2} s, linking {:.2} s, writing {:.2} s)",
                outcome.measures,
                outcome.generation.display(),
                outcome.index_seconds,
                links.total(),
                links.profiles,
                links.linking,
                links.writing,
            );
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
            writeln!(
                out,
                "{}: ok ({} measures; {} files, {:.1} MB checked in {:.1} ms)",
                dir.display(),
                v.measures,
                v.files,
                v.bytes as f64 / 1e6,
                started.elapsed().as_secs_f64() * 1000.0
            )?;
        }
        Command::Serve(args) => {
            init_tracing("info,tower_http=info");
            // an empty token leaves the admin endpoints off, as none does
            let admin_token = args.admin_token.filter(|t| !t.is_empty());
            if let Some(token) = &admin_token {
                shisaku::api::check_admin_token(token).map_err(|e| {
                    format!("admin token (--admin-token, SHISAKU_ADMIN_TOKEN or admin_token in the config file) {e}")
                })?;
            }
            raise_file_limit();
            let timeouts = shisaku::api::Timeouts {
                header: std::time::Duration::from_secs(args.header_timeout.max(1)),
                idle: std::time::Duration::from_secs(args.idle_timeout.max(1)),
            };
            // a manifest that is not there is named before anything is served
            // (reindexing reads it; serving the old index would hide the mistake)
            shisaku::ingest::Manifest::load(&cli.manifest)?;
            // the address first: a busy port is reported before the index is opened
            let listeners = shisaku::api::Listeners::bind(args.addr, args.workers)?;
            if shisaku::index::current_generation(&cli.index)?.is_none() {
                tracing::info!(index = %cli.index.display(), "no index yet: building it from the manifest");
                let outcome = Engine::build(&cli.manifest, &cli.index, &mut |_| {})?;
                eprint!("{}", shisaku::ingest::render_reports(&outcome.reports));
            }
            let engine = match Engine::open(&cli.index) {
                // a generation of an older shisaku: rebuilt, as a missing one is
                Err(shisaku::engine::EngineError::Index(
                    e @ shisaku::index::IndexError::Unverified(_),
                )) => {
                    tracing::warn!(error = %e, "rebuilding the index from the manifest");
                    let outcome = Engine::build(&cli.manifest, &cli.index, &mut |_| {})?;
                    eprint!("{}", shisaku::ingest::render_reports(&outcome.reports));
                    Engine::open(&cli.index)?
                }
                other => other?,
            };
            tracing::info!(measures = engine.measures.len(), generation = %engine.generation(), "index open");
            let config = shisaku::api::Config {
                cors_origins: args
                    .cors_origins
                    .into_iter()
                    .filter(|o| !o.trim().is_empty())
                    .collect(),
                request_timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
                admin_token,
                manifest: cli.manifest.clone(),
                index_root: cli.index.clone(),
                search_cache_entries: args.search_cache,
                frame_ancestors: args
                    .frame_ancestors
                    .into_iter()
                    .filter(|o| !o.trim().is_empty())
                    .collect(),
            };
            // the runtime first: opening the state starts background work on it
            let runtime = tokio::runtime::Runtime::new()?;
            let _entered = runtime.enter();
            let state = shisaku::api::AppState::new(engine, config);
            let router = shisaku::api::app(state.clone())?;
            runtime.block_on(async move {
                if args.watch_seconds > 0 {
                    tokio::spawn(shisaku::api::watch_generations(
                        state,
                        std::time::Duration::from_secs(args.watch_seconds),
                    ));
                }
                shisaku::api::serve(router, listeners, timeouts).await
            })?;
        }
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
                print_json(&res)?;
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
                print_json(&res)?;
            } else {
                writeln!(out, "{}  [{}]", res.title, res.id)?;
                for r in &res.related {
                    writeln!(
                        out,
                        "  {:.3}  {}  ／ {}  ({})  出典: {}:{}",
                        r.score,
                        r.title,
                        r.plan,
                        r.shared_terms.join(" "),
                        r.source.file,
                        r.source.line
                    )?;
                }
            }
        }
        Command::Overlaps { format, threshold } => {
            let engine = Engine::open(&cli.index)?;
            let overlaps = engine.overlaps(threshold)?;
            // every pair and cluster, written as they are made
            let report = engine.overlap_report(&overlaps, ReportWindow::ALL);
            match format {
                OverlapFormat::Json => print_json(&report)?,
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
                print_json(&res)?;
            } else {
                for s in &res.sentences {
                    writeln!(out, "▶ {}", s.sentence)?;
                    for m in &s.matches {
                        writeln!(
                            out,
                            "  {:.3}  {}  ／ {} {}:{}\n        {}",
                            m.score,
                            m.title,
                            m.plan,
                            m.file,
                            m.line,
                            m.html.replace("<mark>", "[").replace("</mark>", "]")
                        )?;
                    }
                }
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
                print_json(&r)?;
            } else {
                writeln!(out, "measures            {}", r.measures)?;
                writeln!(out, "import              {:.2} s", r.import_seconds)?;
                writeln!(out, "profiles            {:.2} s", r.profile_seconds)?;
                for (phase, seconds) in &r.profile_phases {
                    writeln!(out, "  {phase:<24}{seconds:.2} s")?;
                }
                writeln!(
                    out,
                    "links of {} measures {:.2} s ({:.3} ms per measure)",
                    r.sample, r.link_seconds, r.link_ms_per_measure
                )?;
                writeln!(out, "projected, all      {:.1} s", r.projected_seconds)?;
                if let Some(e) = &r.exact {
                    writeln!(
                        out,
                        "against exhaustive scoring ({} measures, {:.1} s): recall@5 {:.3}  recall@20 {:.3}",
                        e.measures, e.seconds, e.recall_at_5, e.recall_at_20
                    )?;
                }
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
                print_json(&report)?;
            } else {
                writeln!(out, "measures            {}", report.measures)?;
                if let (Some(build), Some(index), Some(links)) = (
                    report.build_seconds,
                    report.index_seconds,
                    report.links_seconds,
                ) {
                    writeln!(out, "build (import+index+links) {build:.2} s")?;
                    writeln!(out, "  index             {index:.2} s")?;
                    writeln!(out, "  related links     {links:.2} s")?;
                }
                writeln!(out, "open (records+links) {:.2} s", report.open_seconds)?;
                writeln!(
                    out,
                    "overlap report      {:.3} s ({} pairs, {} clusters; first page)",
                    report.overlap_seconds, report.overlap_pairs, report.overlap_clusters
                )?;
                writeln!(
                    out,
                    "  every pair as CSV {:.3} s",
                    report.overlap_csv_seconds
                )?;
                let s = &report.search;
                writeln!(
                    out,
                    "search ({} queries) p50 {:.2} ms  p99 {:.2} ms  mean {:.2} ms  max {:.2} ms",
                    s.queries, s.p50_ms, s.p99_ms, s.mean_ms, s.max_ms
                )?;
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

/// Raises the soft limit of open files to the hard limit: every connection
/// is a file, and the common default of 1,024 would let that many idle or
/// half-open clients stop the server from accepting. Logged either way.
fn raise_file_limit() {
    #[cfg(target_os = "linux")]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit with a valid resource and a valid struct.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return;
            }
            let before = lim.rlim_cur;
            if lim.rlim_cur < lim.rlim_max {
                lim.rlim_cur = lim.rlim_max;
                if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                    tracing::warn!(limit = before, "the open-file limit could not be raised");
                    return;
                }
            }
            tracing::info!(from = before, to = lim.rlim_cur, "open-file limit");
        }
    }
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
