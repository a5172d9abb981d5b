//! The command-line arguments, and the configuration file merged under them
//! (flags > environment > file > defaults).

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use shisaku::config::ServeConfig;
use shisaku::search::{self, Sort};

/// The arguments of this process, with the settings they leave unset taken
/// from the configuration file; the error is the message to print.
pub fn parse() -> Result<Cli, String> {
    let matches = Cli::command().get_matches();
    Cli::from_arg_matches(&matches)
        .map_err(|e| e.to_string())
        .and_then(|cli| with_config_file(cli, &matches).map_err(|e| e.to_string()))
}

#[derive(Parser)]
#[command(
    name = "shisaku",
    version,
    about = "施策検索: search and cross-plan linking for Japanese municipal policy plans"
)]
pub struct Cli {
    /// The manifest naming the plan documents.
    #[arg(
        long,
        global = true,
        default_value = "seeds/manifest.toml",
        env = "SHISAKU_MANIFEST"
    )]
    pub manifest: PathBuf,
    /// The index folder.
    #[arg(long, global = true, default_value = "index", env = "SHISAKU_INDEX")]
    pub index: PathBuf,
    /// A TOML configuration file (see README): settings not given as flags
    /// or environment variables are taken from it.
    #[arg(long, global = true, env = "SHISAKU_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    Serve(ServeConfig),
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
pub enum OverlapFormat {
    Json,
    Csv,
}

#[derive(clap::Args)]
pub struct SearchArgs {
    /// Print JSON: {"total", "hits": [...], "facets": {...}}.
    #[arg(long)]
    pub json: bool,
    /// Results per page.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Results to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// KEY=VALUE; keys: plan, plan_kind, municipality, pillar, department,
    /// section, level, year, status. Repeat for several (same key = OR).
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    pub filters: Vec<String>,
    /// Result order.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Do not expand synonyms.
    #[arg(long)]
    pub no_synonyms: bool,
    /// all: every word must match; auto: when fewer than ten measures hold
    /// every word, measures holding some of them follow (marked as such).
    #[arg(long = "match", value_enum, default_value_t = MatchArg::Auto)]
    pub match_mode: MatchArg,
    /// The query: words (AND), OR, -exclude, "phrase", title:/content:/department:/section:.
    pub query: Vec<String>,
}

/// `--sort`: the command line's names of [`Sort`].
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SortArg {
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
pub enum MatchArg {
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
        let from_file: Vec<&str> = file
            .serve_keys
            .iter()
            .map(String::as_str)
            .filter(|k| unset(sub, k))
            .collect();
        *args = args.clone().overlaid(&file.serve, &from_file, path)?;
    }
    Ok(cli)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A serve setting comes from its flag, else from the file, else from
    /// [`ServeConfig::default`].
    #[test]
    fn serve_settings_come_from_flags_then_the_file_then_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("shisaku.toml");
        std::fs::write(
            &file,
            "[serve]\nworkers = 3\nidle_timeout = 90\naddr = \"127.0.0.1:9\"\n",
        )
        .unwrap();
        let argv = [
            "shisaku",
            "--config",
            file.to_str().unwrap(),
            "serve",
            "--workers",
            "5",
        ];
        let matches = Cli::command().try_get_matches_from(argv).unwrap();
        let cli = with_config_file(Cli::from_arg_matches(&matches).unwrap(), &matches).unwrap();
        let Command::Serve(s) = cli.command else {
            panic!("not the serve command");
        };
        assert_eq!(s.workers, 5);
        assert_eq!(s.idle_timeout, 90);
        assert_eq!(s.addr.port(), 9);
        assert_eq!(s.request_timeout, ServeConfig::default().request_timeout);
        assert_eq!(s.admin_token, None);
    }
}
