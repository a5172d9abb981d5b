//! The optional configuration file (`--config FILE` or `SHISAKU_CONFIG`).
//!
//! A TOML file with the same settings as the command-line flags; flags and
//! environment variables win over it, and it wins over the built-in defaults.
//! Paths in it are relative to the file's own folder. Unknown keys are an
//! error (a misspelt setting must not be silently ignored).
//!
//! ```toml
//! manifest = "seeds/manifest.toml"
//! index = "/var/lib/shisaku/index"
//!
//! [serve]
//! addr = "0.0.0.0:8080"
//! cors_origins = ["https://intranet.example.jp"]
//! request_timeout = 10
//! header_timeout = 10
//! idle_timeout = 60
//! watch_seconds = 2
//! search_cache = 2048
//! workers = 0
//! # frame_ancestors = ["https://portal.example.jp"]
//! # admin_token: prefer SHISAKU_ADMIN_TOKEN; a token here must be in a file only the service can read
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("config file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The settings of a configuration file; `None` = not set there.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub manifest: Option<PathBuf>,
    pub index: Option<PathBuf>,
    /// The `[serve]` table; settings it does not give are the defaults.
    #[serde(default)]
    pub serve: ServeConfig,
    /// The settings the `[serve]` table gives: only these override the
    /// defaults of flags and environment variables left unset.
    #[serde(skip)]
    pub serve_keys: Vec<String>,
}

/// The settings of `shisaku serve`: one type for its flags, environment
/// variables and the configuration file's `[serve]` table, whose defaults
/// are [`ServeConfig::default`] (clap's defaults are read from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, default_value_t = ServeConfig::default().addr, env = "SHISAKU_ADDR")]
    pub addr: SocketAddr,
    /// Origin allowed to use the API from a browser (CORS), e.g.
    /// https://intranet.example.jp; repeat or comma-separate for several.
    /// None by default: same origin only.
    #[arg(
        long = "cors-origin",
        env = "SHISAKU_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Longest time one request may take, in seconds.
    #[arg(long, default_value_t = ServeConfig::default().request_timeout, env = "SHISAKU_REQUEST_TIMEOUT")]
    pub request_timeout: u64,
    /// Seconds a client has from the first byte of a request to the end of
    /// its headers (then the connection is closed).
    #[arg(long, default_value_t = ServeConfig::default().header_timeout, env = "SHISAKU_HEADER_TIMEOUT")]
    pub header_timeout: u64,
    /// Seconds a connection with no request in flight may stay without a
    /// byte either way (idle keep-alive, half-open, a client not reading).
    #[arg(long, default_value_t = ServeConfig::default().idle_timeout, env = "SHISAKU_IDLE_TIMEOUT")]
    pub idle_timeout: u64,
    /// Token for the admin endpoints (POST /api/admin/reindex); without it they are disabled.
    /// Prefer the environment variable, so the token does not show in `ps`.
    #[arg(long, env = "SHISAKU_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Seconds between checks for an index generation built by `shisaku index`
    /// while serving (0 = never check).
    #[arg(long, default_value_t = ServeConfig::default().watch_seconds, env = "SHISAKU_WATCH_SECONDS")]
    pub watch_seconds: u64,
    /// Search responses kept in the in-memory LRU cache (0 = no cache, e.g.
    /// to load-test the engine itself).
    #[arg(long, default_value_t = ServeConfig::default().search_cache, env = "SHISAKU_SEARCH_CACHE")]
    pub search_cache: usize,
    /// Origin whose pages may show the web UI in a frame (CSP frame-ancestors),
    /// e.g. https://portal.example.jp; repeat or comma-separate for several.
    /// None by default: the pages cannot be framed.
    #[arg(
        long = "frame-ancestor",
        env = "SHISAKU_FRAME_ANCESTORS",
        value_delimiter = ','
    )]
    pub frame_ancestors: Vec<String>,
    /// HTTP worker threads, each accepting on its own listener bound to the
    /// address (0 = one per CPU core). Searches run on a separate blocking pool.
    #[arg(long, default_value_t = ServeConfig::default().workers, env = "SHISAKU_WORKERS")]
    pub workers: usize,
}

impl Default for ServeConfig {
    /// The settings the server has when nothing is given: those of the
    /// HTTP crate's own defaults, where it has them, so each default is
    /// written once.
    fn default() -> Self {
        let http = shisaku_http::Config::default();
        let timeouts = shisaku_http::Timeouts::default();
        ServeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            cors_origins: http.cors_origins,
            request_timeout: http.request_timeout.as_secs(),
            header_timeout: timeouts.header.as_secs(),
            idle_timeout: timeouts.idle.as_secs(),
            admin_token: http.admin_token,
            watch_seconds: 2,
            search_cache: http.search_cache_entries,
            frame_ancestors: http.frame_ancestors,
            workers: 0,
        }
    }
}

impl ServeConfig {
    /// These settings with those named in `keys` taken from `file` (the
    /// configuration file at `path`); the names are the fields' (and the
    /// file's keys and clap's argument ids, which are the same).
    pub fn overlaid(
        self,
        file: &ServeConfig,
        keys: &[&str],
        path: &Path,
    ) -> Result<ServeConfig, ConfigError> {
        let invalid = |e: serde_json::Error| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: format!("[serve]: {e}"),
        };
        let mut mine = serde_json::to_value(self).map_err(invalid)?;
        let theirs = serde_json::to_value(file).map_err(invalid)?;
        for &k in keys {
            if let (Some(mine), Some(v)) = (mine.get_mut(k), theirs.get(k)) {
                *mine = v.clone();
            }
        }
        serde_json::from_value(mine).map_err(invalid)
    }
}

impl Config {
    /// Reads and checks `path`; relative paths in it are resolved against
    /// the file's folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut config = Config::parse(&text).map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        for p in [&mut config.manifest, &mut config.index]
            .into_iter()
            .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        Ok(config)
    }

    /// Parses the TOML text of a configuration file; the error names the
    /// line and the setting.
    pub fn parse(text: &str) -> Result<Config, String> {
        let error = |e: toml::de::Error| e.to_string().trim_end().to_string();
        let mut config: Config = toml::from_str(text).map_err(error)?;
        let table: toml::Table = toml::from_str(text).map_err(error)?;
        if let Some(serve) = table.get("serve").and_then(toml::Value::as_table) {
            config.serve_keys = serve.keys().cloned().collect();
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_file_parses() {
        let c = Config::parse(
            r#"
manifest = "seeds/manifest.toml"
index = "/srv/index"
[serve]
addr = "0.0.0.0:9000"
cors_origins = ["https://intranet.example.jp"]
request_timeout = 5
watch_seconds = 0
search_cache = 0
workers = 2
"#,
        )
        .unwrap();
        assert_eq!(c.index, Some(PathBuf::from("/srv/index")));
        assert_eq!(c.serve.addr, "0.0.0.0:9000".parse::<SocketAddr>().unwrap());
        assert_eq!(c.serve.search_cache, 0);
        assert_eq!(c.serve.workers, 2);
        assert_eq!(c.serve.admin_token, None);
        // what the file does not set is the default, and is not marked as set
        assert_eq!(c.serve.idle_timeout, ServeConfig::default().idle_timeout);
        assert!(!c.serve_keys.iter().any(|k| k == "idle_timeout"));
        assert!(c.serve_keys.iter().any(|k| k == "workers"));
    }

    #[test]
    fn misspelt_or_mistyped_settings_are_errors_with_the_line() {
        let e = Config::parse("[serve]\naddress = \"0.0.0.0:80\"\n").unwrap_err();
        assert!(e.contains("address") && e.contains("line 2"), "{e}");
        let e = Config::parse("[serve]\nrequest_timeout = \"ten\"\n").unwrap_err();
        assert!(e.contains("request_timeout") || e.contains("line 2"), "{e}");
        let e = Config::parse("[serve]\naddr = \"not an address\"\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn relative_paths_are_relative_to_the_file() {
        let dir = std::env::temp_dir().join(format!("shisaku-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("shisaku.toml");
        std::fs::write(&file, "index = \"idx\"\nmanifest = \"/abs/m.toml\"\n").unwrap();
        let c = Config::load(&file).unwrap();
        assert_eq!(c.index, Some(dir.join("idx")));
        assert_eq!(c.manifest, Some(PathBuf::from("/abs/m.toml")));
        let missing = Config::load(&dir.join("nope.toml")).unwrap_err();
        assert!(missing.to_string().contains("nope.toml"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
