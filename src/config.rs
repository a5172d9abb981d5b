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

use serde::Deserialize;

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
    #[serde(default)]
    pub serve: ServeConfig,
}

/// The `[serve]` table.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    pub addr: Option<SocketAddr>,
    pub cors_origins: Option<Vec<String>>,
    pub request_timeout: Option<u64>,
    pub header_timeout: Option<u64>,
    pub idle_timeout: Option<u64>,
    pub admin_token: Option<String>,
    pub watch_seconds: Option<u64>,
    pub search_cache: Option<usize>,
    pub workers: Option<usize>,
    pub frame_ancestors: Option<Vec<String>>,
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
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
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
        assert_eq!(c.serve.addr, Some("0.0.0.0:9000".parse().unwrap()));
        assert_eq!(c.serve.search_cache, Some(0));
        assert_eq!(c.serve.workers, Some(2));
        assert_eq!(c.serve.admin_token, None);
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
