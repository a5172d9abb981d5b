//! The tantivy index: schema, build (one writer), open, and the atomic swap
//! of a rebuilt index.
//!
//! On disk an index folder holds generations and a pointer:
//!
//! ```text
//! index/
//!   LOCK                   held (advisory lock) by the one build running
//!   CURRENT                name of the live generation (replaced by rename: atomic)
//!   gen-<millis>-<pid>/    a complete tantivy index, written before CURRENT names it,
//!     shisaku-meta.json    with the SHA-256 of every other file in the folder
//! ```
//!
//! A rebuild takes the lock, writes a new generation, commits it, records its
//! checksums, and only then renames a new `CURRENT` into place, so a reader
//! sees the old index or the new one, never half of one; a crash mid-build
//! leaves `CURRENT` naming the old generation. Builds are serialized by the
//! lock, so one build never removes what another is writing; after the swap
//! the new and the previous generation are kept and every other one removed.
//!
//! Opening a generation verifies it ([`verify`]) and never writes to it
//! (no tantivy lock files): a read-only index folder can be searched.

mod readonly;
mod schema;
pub mod tokenizers;
pub mod values;
mod verify;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub use verify::{META_FILE, Verified, verify};

use rayon::prelude::*;
use tantivy::schema::Value;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

pub use schema::{FACET_ALIASES, FACETS, Facet, Fields};
use shisaku_core::model::Measure;

/// Problems opening or building an index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index in {0} (run `shisaku index` first)")]
    Missing(PathBuf),
    #[error("index {path}: {message}")]
    Io { path: PathBuf, message: String },
    /// A file of the index that was read but does not hold what it should
    /// (a checksum mismatch, a cut-short or malformed links file): rebuilding
    /// the index mends it, retrying does not.
    #[error("index {path}: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("stored record is not valid JSON: {0}")]
    Record(#[from] serde_json::Error),
    /// A generation without recorded checksums (built by an older shisaku).
    #[error(
        "{}: missing: the generation has no checksums (built by an older shisaku); rebuild it \
         with `shisaku index`",
        .0.display()
    )]
    Unverified(PathBuf),
}

pub(crate) fn io_err(path: &Path, e: impl std::fmt::Display) -> IndexError {
    IndexError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

pub(crate) fn corrupt(path: &Path, e: impl std::fmt::Display) -> IndexError {
    IndexError::Corrupt {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

const CURRENT: &str = "CURRENT";
/// The lock file builds serialize on.
const LOCK: &str = "LOCK";

/// Documents from which an index's searches run their segments on every
/// core. Below it, handing segments to other threads costs more CPU than
/// the search itself, which lowers throughput under load; above it, a lone
/// search's latency is set by the matches to score and count, and spreading
/// them over the cores shortens it.
pub const PARALLEL_SEARCH_DOCS: u64 = 50_000;

/// Threads that search an index of `docs` documents: every core from
/// [`PARALLEL_SEARCH_DOCS`] on, one below.
fn search_threads(docs: u64) -> usize {
    if docs >= PARALLEL_SEARCH_DOCS {
        shisaku_core::cores()
    } else {
        1
    }
}

/// Splits segments of `sizes` documents into at most `groups` groups of
/// nearly equal documents (largest first, each into the lightest group), to be
/// merged into one segment each. Every segment is in exactly one group.
fn segment_groups(sizes: &[u64], groups: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    let mut out: Vec<(u64, Vec<usize>)> =
        vec![(0, Vec::new()); groups.clamp(1, sizes.len().max(1))];
    for i in order {
        let lightest = out
            .iter_mut()
            .min_by_key(|(docs, _)| *docs)
            .expect("at least one group");
        lightest.0 += sizes[i];
        lightest.1.push(i);
    }
    out.into_iter()
        .map(|(_, g)| g)
        .filter(|g| !g.is_empty())
        .collect()
}

/// An open index: the tantivy index, its reader and the field handles.
pub struct OpenIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    /// The generation folder this was opened from.
    pub path: PathBuf,
}

impl OpenIndex {
    /// Opens the live generation under `root`.
    pub fn open(root: &Path) -> Result<OpenIndex, IndexError> {
        let gen_dir =
            current_generation(root)?.ok_or_else(|| IndexError::Missing(root.to_path_buf()))?;
        Self::open_generation(&gen_dir)
    }

    /// Opens the generation folder `dir` after verifying every file of it
    /// ([`verify`]), without writing to it.
    pub fn open_generation(dir: &Path) -> Result<OpenIndex, IndexError> {
        verify(dir)?;
        let index = readonly::open(dir)?;
        Self::from_index(index, dir.to_path_buf())
    }

    fn from_index(mut index: Index, path: PathBuf) -> Result<OpenIndex, IndexError> {
        tokenizers::register(index.tokenizers());
        let tantivy_err = |e: tantivy::TantivyError| io_err(&path, e);
        // A large index searches its segments on every core. A small one does
        // not: handing segments to other threads costs more CPU than the
        // search itself (see PARALLEL_SEARCH_DOCS).
        let docs: u64 = index
            .searchable_segment_metas()
            .map_err(tantivy_err)?
            .iter()
            .map(|s| u64::from(s.num_docs()))
            .sum();
        let threads = search_threads(docs);
        if threads > 1 {
            index
                .set_multithread_executor(threads)
                .map_err(tantivy_err)?;
        }
        let fields = Fields::from_schema(&index.schema()).map_err(|m| io_err(&path, m))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy_err)?;
        Ok(OpenIndex {
            index,
            reader,
            fields,
            path,
        })
    }

    /// Builds an index of `measures` in memory (tests, benchmarks).
    pub fn in_memory(measures: &[Measure]) -> Result<OpenIndex, IndexError> {
        let index = Index::create_in_ram(schema::build_schema());
        write_all(&index, measures, &mut |_| {})?;
        Self::from_index(index, PathBuf::from(":memory:"))
    }

    /// The stored record of a document.
    pub fn record(&self, doc: &TantivyDocument) -> Result<Measure, IndexError> {
        let json = doc
            .get_first(self.fields.record)
            .and_then(|v| v.as_str())
            .unwrap_or("{}");
        Ok(serde_json::from_str(json)?)
    }

    /// The record with id `id`, if any.
    pub fn get(&self, id: &str) -> Result<Option<Measure>, IndexError> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.id, id);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let hits = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        match hits.first() {
            Some((_, addr)) => Ok(Some(self.record(&searcher.doc(*addr)?)?)),
            None => Ok(None),
        }
    }

    /// Every stored record with its document address, in document order.
    pub fn all_records(&self) -> Result<Vec<(DocAddress, Measure)>, IndexError> {
        let searcher = self.reader.searcher();
        // segments are read on all cores
        let segments = searcher
            .segment_readers()
            .par_iter()
            .enumerate()
            .map(|(ord, seg)| {
                let store = seg
                    .get_store_reader(64)
                    .map_err(|e| io_err(&self.path, e))?;
                let alive = seg.alive_bitset();
                let docs = (0..seg.max_doc()).filter(|&d| alive.is_none_or(|a| a.is_alive(d)));
                docs.zip(store.iter::<TantivyDocument>(alive))
                    .map(|(doc_id, doc)| {
                        Ok((DocAddress::new(ord as u32, doc_id), self.record(&doc?)?))
                    })
                    .collect::<Result<Vec<_>, IndexError>>()
            })
            .collect::<Result<Vec<_>, IndexError>>()?;
        let mut out: Vec<(DocAddress, Measure)> = segments.into_iter().flatten().collect();
        out.sort_by(|(_, a), (_, b)| {
            (&a.source.file, a.source.line).cmp(&(&b.source.file, b.source.line))
        });
        Ok(out)
    }
}

/// The live generation folder under `root`, if there is one.
pub fn current_generation(root: &Path) -> Result<Option<PathBuf>, IndexError> {
    let pointer = root.join(CURRENT);
    match std::fs::read_to_string(&pointer) {
        Ok(name) => {
            let name = name.trim();
            if name.is_empty() || name.contains('/') || name.contains("..") {
                return Err(io_err(&pointer, "CURRENT does not name a generation"));
            }
            let dir = root.join(name);
            if dir.join("meta.json").is_file() {
                Ok(Some(dir))
            } else {
                Err(io_err(&dir, "the generation named by CURRENT is missing"))
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(&pointer, e)),
    }
}

/// The lock that serializes builds of one index folder: held from before
/// a new generation is created until old ones are removed. Dropping it
/// releases it (so does the process ending, however it ends).
pub struct BuildLock {
    _file: std::fs::File,
}

impl BuildLock {
    /// Takes the build lock of `root` (creating the folder), waiting while
    /// another build holds it; `waiting` is called once if it has to wait.
    pub fn acquire(root: &Path, waiting: &mut dyn FnMut()) -> Result<BuildLock, IndexError> {
        std::fs::create_dir_all(root).map_err(|e| {
            io_err(
                root,
                format!(
                    "cannot create the index folder ({e}); building an index needs write access"
                ),
            )
        })?;
        let path = root.join(LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| {
                io_err(
                    &path,
                    format!(
                        "cannot open the build lock ({e}); building an index needs write access"
                    ),
                )
            })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                waiting();
                file.lock().map_err(|e| io_err(&path, e))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&path, e)),
        }
        Ok(BuildLock { _file: file })
    }
}

/// Builds a new generation of `measures` under `root` and swaps it in
/// atomically. `progress` is called with the number of records written so far;
/// `extra` writes derived files (related links) into the generation folder
/// before the checksums are recorded and the swap. Builds of one folder run
/// one at a time (see [`BuildLock`]; a build that has to wait logs it). The
/// previous generation is kept, older ones are removed (open readers keep
/// their files).
pub fn build(
    root: &Path,
    measures: &[Measure],
    progress: &mut dyn FnMut(usize),
    extra: &mut dyn FnMut(&Path) -> Result<(), IndexError>,
) -> Result<PathBuf, IndexError> {
    let _lock = BuildLock::acquire(root, &mut || {
        tracing::warn!(index = %root.display(), "another build of this index is running: waiting for it");
    })?;
    let previous = current_generation(root).ok().flatten();
    let (name, dir) = new_generation_dir(root)?;
    let index = Index::create_in_dir(&dir, schema::build_schema()).map_err(|e| io_err(&dir, e))?;
    write_all(&index, measures, progress)?;
    drop(index);
    extra(&dir)?;
    verify::record(&dir, measures.len())?;
    // Swap: write the pointer beside the old one, fsync, rename over it.
    let tmp = root.join(format!("{CURRENT}.tmp-{}", std::process::id()));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        f.write_all(name.as_bytes()).map_err(|e| io_err(&tmp, e))?;
        f.sync_all().map_err(|e| io_err(&tmp, e))?;
    }
    std::fs::rename(&tmp, root.join(CURRENT)).map_err(|e| io_err(root, e))?;
    if let Ok(d) = std::fs::File::open(root) {
        let _ = d.sync_all();
    }
    let keep_previous = previous
        .as_deref()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().to_string());
    remove_old_generations(root, &name, keep_previous.as_deref());
    Ok(dir)
}

/// Creates a generation folder of a name no other build has used:
/// `gen-<millis>-<pid>` (a suffix if that exists already).
fn new_generation_dir(root: &Path) -> Result<(String, PathBuf), IndexError> {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let base = format!("gen-{millis}-{}", std::process::id());
    for n in 0.. {
        let name = if n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let dir = root.join(&name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok((name, dir)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err(&dir, e)),
        }
    }
    unreachable!("some generation name is free")
}

/// Removes every generation but `keep` and `previous`, and pointer files
/// left by killed builds. Runs under the build lock: no other build is
/// writing.
fn remove_old_generations(root: &Path, keep: &str, previous: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n.starts_with("gen-") && n != keep && Some(n.as_str()) != previous {
            if let Err(err) = std::fs::remove_dir_all(e.path()) {
                tracing::warn!(generation = %e.path().display(), error = %err, "an old generation could not be removed");
            }
        } else if n.starts_with("CURRENT.tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn write_all(
    index: &Index,
    measures: &[Measure],
    progress: &mut dyn FnMut(usize),
) -> Result<(), IndexError> {
    tokenizers::register(index.tokenizers());
    let fields =
        Fields::from_schema(&index.schema()).map_err(|m| io_err(Path::new("schema"), m))?;
    // one indexing thread per core (tokenizing is most of the work), at most 4
    let threads = shisaku_core::cores().min(4);
    let mut writer: tantivy::IndexWriter =
        index.writer_with_num_threads(threads, 100_000_000 * threads)?;
    for (i, m) in measures.iter().enumerate() {
        writer.add_document(fields.document(m, i as u64)?)?;
        if i % 256 == 0 {
            progress(i);
        }
    }
    writer.commit()?;
    // A search looks up and opens every query term once per segment, so the
    // indexing threads' segments (one or more per thread, more for a large
    // corpus) are merged into as many as its searches use threads ([`search_threads`]);
    // the index is never written to again.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    // (segment ids only: a segment's meta held here would keep its files
    // from the garbage collection below)
    let (ids, sizes): (Vec<_>, Vec<u64>) = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| (m.id(), u64::from(m.num_docs())))
        .unzip();
    let merges = segment_groups(&sizes, search_threads(sizes.iter().sum()))
        .into_iter()
        .filter(|group| group.len() > 1)
        .map(|group| writer.merge(&group.iter().map(|&i| ids[i]).collect::<Vec<_>>()))
        .collect::<Vec<_>>();
    for merge in merges {
        merge.wait()?;
    }
    // the merged segments' files (a merge leaves them for open readers)
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;
    progress(measures.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed_measures;

    /// Indexing runs on several threads, each writing its own segment; the
    /// finished index of the seeds (searched on one thread) is one segment
    /// holding every measure once, and the other segments' files are deleted.
    #[test]
    fn a_built_index_is_one_segment_with_every_measure() {
        let measures = seed_measures();
        let dir = tempfile::tempdir().unwrap();
        build(dir.path(), &measures, &mut |_| {}, &mut |_| Ok(())).unwrap();
        let open = OpenIndex::open(dir.path()).unwrap();
        let searcher = open.reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        assert_eq!(searcher.num_docs() as usize, measures.len());
        // the merged-away segments' files are gone
        let postings = std::fs::read_dir(&open.path)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension() == Some("idx".as_ref()))
            .count();
        assert_eq!(postings, 1);
        let mut ids: Vec<String> = open
            .all_records()
            .unwrap()
            .into_iter()
            .map(|(_, m)| m.id)
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), measures.len());
    }

    #[test]
    fn segment_groups_are_balanced_and_keep_every_segment() {
        // the segment sizes of a million-measure build, into two groups
        let sizes = [386_847, 386_840, 48_501, 48_289, 48_243, 47_378, 33_902];
        let groups = segment_groups(&sizes, 2);
        assert_eq!(groups.len(), 2);
        let docs: Vec<u64> = groups
            .iter()
            .map(|g| g.iter().map(|&i| sizes[i]).sum())
            .collect();
        assert_eq!(docs.iter().sum::<u64>(), sizes.iter().sum::<u64>());
        // no further apart than the largest of the small segments
        assert!(docs[0].abs_diff(docs[1]) <= 48_501, "{docs:?}");
        let mut all: Vec<usize> = groups.concat();
        all.sort();
        assert_eq!(all, (0..sizes.len()).collect::<Vec<_>>());
        // one group takes everything; more groups than segments leaves none empty
        assert_eq!(segment_groups(&sizes, 1), vec![vec![0, 1, 2, 3, 4, 5, 6]]);
        assert_eq!(segment_groups(&[5, 3], 4), vec![vec![0], vec![1]]);
        assert!(segment_groups(&[], 2).is_empty());
    }
}
