//! Building a generation: the index, then the related links of every
//! measure computed and written to its links file before the swap.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::linkfile::{self, LinkWriter};
use super::*;
use crate::index::{self, IndexError};
use crate::related::{Link, Profiles};
use shisaku_core::ingest::{self, ImportReport};
use shisaku_core::model::Measure;

/// The stored links of one measure.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredLinks {
    pub id: String,
    pub other_plans: Vec<Link>,
    pub all_plans: Vec<Link>,
}

/// What a build did.
pub struct BuildOutcome {
    pub reports: Vec<ImportReport>,
    pub measures: usize,
    pub generation: PathBuf,
    pub index_seconds: f64,
    pub links: LinkTimes,
}

/// Where the time of the related links went (seconds; all zero when the
/// build skipped them).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LinkTimes {
    /// Analysing every measure into its term profile and the postings.
    pub profiles: f64,
    /// Finding and scoring the links of every measure.
    pub linking: f64,
    /// Writing them to the generation's links file.
    pub writing: f64,
}

impl LinkTimes {
    pub fn total(&self) -> f64 {
        self.profiles + self.linking + self.writing
    }
}

/// Related links of every measure (other plans and all plans), in link order.
pub fn compute_links(measures: &[Measure]) -> Vec<StoredLinks> {
    let profiles = Profiles::build(measures);
    stored_links(&profiles, measures, &profiles.link_order())
}

/// The stored links of the measures at `positions` (in link order), in that
/// order.
pub(super) fn stored_links(
    profiles: &Profiles,
    measures: &[Measure],
    positions: &[usize],
) -> Vec<StoredLinks> {
    let both = profiles.links_both_in_order(positions, LINKS_KEPT);
    positions
        .iter()
        .zip(both)
        .map(|(&d, (other_plans, all_plans))| StoredLinks {
            id: measures[d].id.clone(),
            other_plans,
            all_plans,
        })
        .collect()
}

/// Measures linked and written per slice: the links of a large corpus are
/// never all in memory at once.
pub(super) const LINK_SLICE: usize = 16_384;

/// Computes (unless `with_links` is false: a file without entries) and
/// writes the links of every measure, one slice of measures at a time, in
/// link order ([`Profiles::link_order`]).
pub(super) fn write_links(
    path: &Path,
    measures: &[Measure],
    with_links: bool,
) -> Result<LinkTimes, IndexError> {
    let ids: Vec<&str> = measures.iter().map(|m| m.id.as_str()).collect();
    let mut w = LinkWriter::create(path, &ids)?;
    let mut times = LinkTimes::default();
    if with_links && !measures.is_empty() {
        let t = std::time::Instant::now();
        let profiles = Profiles::build(measures);
        times.profiles = t.elapsed().as_secs_f64();
        for slice in profiles.link_order().chunks(LINK_SLICE) {
            let t = std::time::Instant::now();
            let slice = stored_links(&profiles, measures, slice);
            times.linking += t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            w.write(&slice)?;
            times.writing += t.elapsed().as_secs_f64();
        }
    }
    let t = std::time::Instant::now();
    w.finish()?;
    times.writing += t.elapsed().as_secs_f64();
    Ok(times)
}

impl Engine {
    /// Imports the manifest and builds a new generation under `root` (index +
    /// related links), swapped in atomically.
    /// Fails without touching `root` ([`EngineError::ImportFailed`]) when a
    /// document fails to import.
    pub fn build(
        manifest: &Path,
        root: &Path,
        progress: &mut dyn FnMut(usize),
    ) -> Result<BuildOutcome, EngineError> {
        Self::build_with(manifest, root, progress, true, false)
    }

    /// [`Engine::build`], optionally without the related links (`with_links`
    /// false: an empty links file, so related lists and the overlap report
    /// are empty — for scale tests of search on corpora where the links
    /// would take too long), and optionally from the documents that imported
    /// when others failed (`allow_partial`).
    pub fn build_with(
        manifest: &Path,
        root: &Path,
        progress: &mut dyn FnMut(usize),
        with_links: bool,
        allow_partial: bool,
    ) -> Result<BuildOutcome, EngineError> {
        let corpus = ingest::import_manifest(manifest)?;
        let failed: Vec<ingest::ImportError> = corpus.errors().cloned().collect();
        if !failed.is_empty() && !allow_partial {
            let current = index::current_generation(root)
                .ok()
                .flatten()
                .and_then(|d| d.file_name().map(|n| n.to_string_lossy().to_string()));
            return Err(EngineError::ImportFailed {
                root: root.to_path_buf(),
                current,
                failed,
                reports: corpus.reports,
            });
        }
        let (generation, index_seconds, links) =
            Self::build_from_with(&corpus.measures, root, progress, with_links)?;
        Ok(BuildOutcome {
            measures: corpus.measures.len(),
            reports: corpus.reports,
            generation,
            index_seconds,
            links,
        })
    }

    /// Builds a generation of the given records.
    pub fn build_from(
        measures: &[Measure],
        root: &Path,
        progress: &mut dyn FnMut(usize),
    ) -> Result<(PathBuf, f64, LinkTimes), EngineError> {
        Self::build_from_with(measures, root, progress, true)
    }

    pub(super) fn build_from_with(
        measures: &[Measure],
        root: &Path,
        progress: &mut dyn FnMut(usize),
        with_links: bool,
    ) -> Result<(PathBuf, f64, LinkTimes), EngineError> {
        let started = std::time::Instant::now();
        let mut links = LinkTimes::default();
        let generation = index::build(root, measures, progress, &mut |dir| {
            links = write_links(&dir.join(linkfile::FILE), measures, with_links)?;
            Ok(())
        })?;
        let total = started.elapsed().as_secs_f64();
        Ok((generation, total - links.total(), links))
    }
}
