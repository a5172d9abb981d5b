//! Checksums of a generation: recorded when it is built, verified when it is
//! opened and by `shisaku verify`.
//!
//! [`record`] writes [`META_FILE`] into the generation folder: the SHA-256 of
//! every other file in it (tantivy's segments and meta, the related links,
//! anything a build writes). [`verify`] recomputes them and also runs
//! tantivy's own segment checksums, so a damaged file is an error naming it,
//! never a silently wrong answer. Files are hashed on all cores.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{IndexError, corrupt, io_err};

/// The metadata file of a generation.
pub const META_FILE: &str = "shisaku-meta.json";
const VERSION: u32 = 1;

/// What a generation's metadata records.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenerationMeta {
    version: u32,
    measures: usize,
    /// File name → SHA-256 (hex) of every other file in the folder.
    files: BTreeMap<String, String>,
}

/// A generation that passed verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub files: usize,
    pub bytes: u64,
    pub measures: usize,
}

/// Files of a generation that are not its content: the metadata itself and
/// tantivy's (empty) lock files.
fn is_content(name: &str) -> bool {
    name != META_FILE && !(name.starts_with(".tantivy-") && name.ends_with(".lock"))
}

/// SHA-256 (hex) and length of the file at `path`, read in blocks.
fn hash_file(path: &Path) -> Result<(String, u64), IndexError> {
    let mut f = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| io_err(path, e))?;
        if n == 0 {
            break;
        }
        len += n as u64;
        hasher.update(&buf[..n]);
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, len))
}

/// Makes a file of a finished generation read-only for everyone and
/// readable by everyone (tantivy writes some files readable by their owner
/// only): a generation never changes, and the server may run as another
/// user than the build.
fn seal(path: &Path) -> Result<(), IndexError> {
    let mut perms = std::fs::metadata(path)
        .map_err(|e| io_err(path, e))?
        .permissions();
    #[cfg(unix)]
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o444);
    #[cfg(not(unix))]
    perms.set_readonly(true);
    std::fs::set_permissions(path, perms).map_err(|e| io_err(path, e))
}

/// Records the checksums of every file in the generation folder `dir`
/// (flushed to disk with them, so a crash after the swap never leaves
/// `CURRENT` naming files that were not written out).
pub(super) fn record(dir: &Path, measures: usize) -> Result<(), IndexError> {
    let mut names = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let e = e.map_err(|e| io_err(dir, e))?;
        let name = e.file_name().to_string_lossy().to_string();
        if is_content(&name) && e.file_type().map_err(|e| io_err(dir, e))?.is_file() {
            names.push(name);
        }
    }
    let files = names
        .into_par_iter()
        .map(|name| {
            let path = dir.join(&name);
            std::fs::File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(|e| io_err(&path, e))?;
            seal(&path)?;
            Ok((name, hash_file(&path)?.0))
        })
        .collect::<Result<BTreeMap<_, _>, IndexError>>()?;
    let meta = GenerationMeta {
        version: VERSION,
        measures,
        files,
    };
    let path = dir.join(META_FILE);
    let json = serde_json::to_vec_pretty(&meta)?;
    let mut f = std::fs::File::create(&path).map_err(|e| io_err(&path, e))?;
    f.write_all(&json).map_err(|e| io_err(&path, e))?;
    f.sync_all().map_err(|e| io_err(&path, e))?;
    seal(&path)?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_err(dir, e))?;
    Ok(())
}

/// Verifies the generation folder `dir`: every file its metadata lists is
/// there with the recorded SHA-256, and tantivy's segment checksums hold.
/// The error names the damaged (or missing) file.
pub fn verify(dir: &Path) -> Result<Verified, IndexError> {
    let meta_path = dir.join(META_FILE);
    let text = match std::fs::read(&meta_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(IndexError::Unverified(meta_path));
        }
        Err(e) => return Err(io_err(&meta_path, e)),
    };
    let meta: GenerationMeta = serde_json::from_slice(&text).map_err(|e| {
        corrupt(
            &meta_path,
            format!("damaged or not generation metadata ({e}); rebuild with `shisaku index`"),
        )
    })?;
    if meta.version != VERSION {
        return Err(corrupt(
            &meta_path,
            format!(
                "metadata version {} (this shisaku reads {VERSION}); rebuild with `shisaku index`",
                meta.version
            ),
        ));
    }
    if !meta.files.contains_key("meta.json") {
        return Err(corrupt(
            &meta_path,
            "lists no meta.json: not the metadata of an index generation",
        ));
    }
    let bytes = meta
        .files
        .par_iter()
        .map(|(name, expected)| {
            let path = dir.join(name);
            if name.contains('/') || name.contains('\\') || name == ".." {
                return Err(corrupt(
                    &meta_path,
                    format!("names a file outside the generation: {name:?}"),
                ));
            }
            let (actual, len) = hash_file(&path)?;
            if actual != *expected {
                return Err(corrupt(
                    &path,
                    "checksum mismatch: the file is damaged; rebuild with `shisaku index`",
                ));
            }
            Ok(len)
        })
        .collect::<Result<Vec<u64>, IndexError>>()?
        .into_iter()
        .sum();
    let index = super::readonly::open(dir)?;
    let damaged = index.validate_checksum().map_err(|e| io_err(dir, e))?;
    if let Some(first) = damaged.iter().min() {
        let path: PathBuf = dir.join(first);
        return Err(corrupt(
            &path,
            "tantivy segment checksum mismatch: the file is damaged; rebuild with `shisaku index`",
        ));
    }
    Ok(Verified {
        files: meta.files.len(),
        bytes,
        measures: meta.measures,
    })
}
