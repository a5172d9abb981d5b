//! `seeds/manifest.toml`: one `[[document]]` per file, naming its importer by
//! format, the plan it belongs to, and format-specific options. Adding a
//! document of a known format is a manifest entry, not code.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Plan;

/// Document formats, one importer each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    TabularProgress,
    BlockReport,
    PlanDraft,
    Jsonl,
    Spreadsheet,
    Outline,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::TabularProgress,
        Format::BlockReport,
        Format::PlanDraft,
        Format::Jsonl,
        Format::Spreadsheet,
        Format::Outline,
    ];

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::TabularProgress => "tabular-progress",
            Format::BlockReport => "block-report",
            Format::PlanDraft => "plan-draft",
            Format::Jsonl => "jsonl",
            Format::Spreadsheet => "spreadsheet",
            Format::Outline => "outline",
        }
    }
}

/// One `[[document]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentEntry {
    /// File name relative to the manifest's folder.
    pub file: String,
    /// Importer name (see [`Format`]); resolved per document so that one
    /// unknown name fails only its own document.
    pub format: String,
    pub plan: Plan,
    /// Free description of the document (report year, what part of the plan).
    #[serde(default)]
    pub description: Option<String>,
    /// Format-specific options.
    #[serde(default)]
    pub options: toml::Table,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "document", default)]
    pub documents: Vec<DocumentEntry>,
    /// Import limits (`[limits]`; defaults fit real plans).
    #[serde(default)]
    pub limits: super::limits::Limits,
    /// Documents may be outside the manifest's folder (absolute paths, `..`,
    /// symbolic links leading out). Off by default: a manifest reads only
    /// its own folder.
    #[serde(default)]
    pub allow_documents_outside: bool,
}

/// The manifest could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("マニフェスト {path} を読めません: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl DocumentEntry {
    /// The importer format, or an error naming the known ones.
    pub fn format(&self) -> Result<Format, String> {
        Format::parse(&self.format).ok_or_else(|| {
            let known: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
            format!(
                "取り込み形式 {:?} はありません（使える形式: {}）",
                self.format,
                known.join("、")
            )
        })
    }
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Manifest::parse(&text).map_err(|message| ManifestError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses manifest text; the error names the line and the problem
    /// (an unknown format lists the known ones).
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .map(|l| format!("{l}行目: "))
                .unwrap_or_default();
            format!("{line}{}", e.message())
        })?;
        if manifest.documents.is_empty() {
            return Err("[[document]] の項目がありません".into());
        }
        Ok(manifest)
    }
}
