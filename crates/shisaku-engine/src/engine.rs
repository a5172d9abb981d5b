//! The engine: an open index generation together with what is derived from
//! it — the records, their precomputed related links, and (on first use) the
//! sentence index for wording reuse. The CLI and the HTTP API both work
//! through it; building a generation computes the links before the swap, so
//! after a rebuild the links are always those of the new records.

use std::collections::HashMap;
use std::io::BufRead;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use lru::LruCache;
use rayon::prelude::*;
use tantivy::DocAddress;

mod linkfile;
mod links;
use linkfile::LinkWriter;
use links::LinkTable;

use serde::{Deserialize, Serialize};

use crate::index::{self, IndexError, OpenIndex};
use crate::related::overlap::{self, Overlaps, ReportView, ReportWindow};
use crate::related::reuse::{SentenceIndex, SentenceMatches};
use crate::related::{Link, Profiles};
use crate::search::suggest::{Suggester, Suggestion};
use crate::search::{self, SearchError, SearchRequest, SearchResponse};
use shisaku_core::ingest::{self, ImportReport};
use shisaku_core::model::Measure;

/// Links kept per measure in a generation (the API's largest `limit`).
pub const LINKS_KEPT: usize = 20;
/// The links file of generations built before [`linkfile`] (JSON lines of
/// [`StoredLinks`]); still read when a generation has no `related.links`.
const JSON_LINKS_FILE: &str = "related.jsonl";

/// Errors of engine operations.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("unknown measure id {0:?}")]
    UnknownId(String),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Manifest(#[from] ingest::manifest::ManifestError),
    /// A response that could not be serialized: a fault of the service, not
    /// of the request or of the stored records.
    #[error("serializing the response: {0}")]
    Serialize(#[source] serde_json::Error),
    /// Documents failed to import, so no generation was built: the index
    /// folder is unchanged.
    #[error(
        "{}文書中{}文書を取り込めなかったため、{} の索引は変更していません{}: {}。\
         これらを直すか、`shisaku index --allow-partial` でほかの文書から索引を作ってください",
        reports.len(), failed.len(), root.display(),
        current.as_deref().map(|c| format!("（{c} を使い続けます）")).unwrap_or_default(),
        failed.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("。")
    )]
    ImportFailed {
        root: PathBuf,
        /// The live generation, which stays live.
        current: Option<String>,
        failed: Vec<ingest::ImportError>,
        /// Every document's report (the failed ones with their error).
        reports: Vec<ImportReport>,
    },
}

impl EngineError {
    /// A request parameter out of its range: the one parameter error of
    /// every layer is [`SearchError::Parameter`].
    pub fn parameter(parameter: &'static str, message: impl Into<String>) -> Self {
        EngineError::Search(SearchError::Parameter {
            parameter,
            message: message.into(),
        })
    }
}

/// The stored links of one measure.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredLinks {
    pub id: String,
    pub other_plans: Vec<Link>,
    pub all_plans: Vec<Link>,
}

/// A related measure as the CLI and API print it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedMeasure {
    pub id: String,
    pub title: String,
    pub plan: String,
    pub plan_kind: String,
    /// The Japanese label of `plan_kind`.
    pub plan_kind_label: String,
    pub municipality: String,
    pub level: String,
    pub departments: Vec<String>,
    pub score: f32,
    pub shared_terms: Vec<String>,
    pub source: RelatedSource,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedSource {
    pub file: String,
    pub line: usize,
    /// The document's description in the manifest, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedResponse {
    pub id: String,
    pub title: String,
    pub related: Vec<RelatedMeasure>,
}

pub struct Engine {
    pub index: OpenIndex,
    /// The facet columns and hit analyses searches of `index` keep.
    search_caches: search::SearchCaches,
    pub measures: Vec<Measure>,
    positions: HashMap<String, usize>,
    links: LinkTable,
    sentences: OnceLock<SentenceIndex>,
    suggester: OnceLock<Suggester>,
    /// Recent search responses, as the JSON the API sends; an engine is
    /// immutable (a rebuild makes a new one), so entries never go stale.
    /// `None` when caching is turned off.
    search_cache: Option<Mutex<LruCache<String, Bytes>>>,
    /// The overlaps at the last threshold asked for (computing them reads
    /// every link, which takes seconds on a large corpus).
    overlaps: Mutex<Option<Arc<Overlaps>>>,
    /// Position in `measures` of each document, by segment and doc id: a
    /// hit's record is read from memory, not from the index's store.
    by_address: Vec<Vec<u32>>,
    /// Plan names by plan id: the `plan` filter takes either (the index
    /// holds names; `/api/plans` lists ids).
    plan_names: HashMap<String, String>,
    /// The Japanese label of every plan kind of the corpus (facet labels).
    kind_labels: HashMap<String, String>,
}

/// Search responses kept per engine (by default; see [`Engine::with_search_cache`]).
pub const SEARCH_CACHE_ENTRIES: usize = 2048;

/// A plan with its record counts, for `GET /api/plans`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSummary {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    pub municipality: String,
    pub period: Option<String>,
    pub files: Vec<String>,
    pub measures: usize,
    /// Records per level (`measure`, `initiative`, `project`, `direction`).
    pub levels: std::collections::BTreeMap<String, usize>,
}

/// The CLI's and API's answer to a wording-reuse request.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarResponse {
    pub sentences: Vec<SentenceMatches>,
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

    fn build_from_with(
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

    /// Opens the live generation under `root`.
    pub fn open(root: &Path) -> Result<Engine, EngineError> {
        let index = OpenIndex::open(root)?;
        let search_caches = search::SearchCaches::open(&index)?;
        let records = index.all_records()?;
        let path = index.path.join(linkfile::FILE);
        let json = index.path.join(JSON_LINKS_FILE);
        let mut engine = Self::assemble(index, search_caches, records, Vec::new());
        if !path.exists() && json.exists() {
            // a generation built before the binary links file: streamed
            // into the compact table, the string form of every link never
            // held at once
            read_links(&json, &mut |l| engine.store_links(l))?;
        } else {
            engine.links = linkfile::read(&path, &engine.positions, engine.measures.len())?;
        }
        Ok(engine)
    }

    /// An engine over records held in memory (tests, benchmarks).
    pub fn in_memory(measures: Vec<Measure>) -> Result<Engine, EngineError> {
        let index = OpenIndex::in_memory(&measures)?;
        let search_caches = search::SearchCaches::open(&index)?;
        let links = compute_links(&measures);
        let records = index.all_records()?;
        Ok(Self::assemble(index, search_caches, records, links))
    }

    /// The engine over `index`, whose records (with their addresses) are
    /// `records`, in document order.
    fn assemble(
        index: OpenIndex,
        search_caches: search::SearchCaches,
        records: Vec<(DocAddress, Measure)>,
        links: Vec<StoredLinks>,
    ) -> Engine {
        let mut by_address: Vec<Vec<u32>> = index
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| vec![u32::MAX; s.max_doc() as usize])
            .collect();
        let mut measures = Vec::with_capacity(records.len());
        for (at, (address, m)) in records.into_iter().enumerate() {
            by_address[address.segment_ord as usize][address.doc_id as usize] = at as u32;
            measures.push(m);
        }
        let positions = measures
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        let plan_names = measures
            .iter()
            .map(|m| (m.plan.id.clone(), m.plan.name.clone()))
            .collect();
        let kind_labels = measures
            .iter()
            .map(|m| (m.plan.kind.to_string(), m.plan.kind_label_ja().to_string()))
            .collect();
        let mut engine = Engine {
            index,
            search_caches,
            links: LinkTable::new(measures.len()),
            measures,
            positions,
            sentences: OnceLock::new(),
            suggester: OnceLock::new(),
            search_cache: None,
            overlaps: Mutex::new(None),
            by_address,
            plan_names,
            kind_labels,
        }
        .with_search_cache(SEARCH_CACHE_ENTRIES);
        for l in links {
            engine.store_links(l);
        }
        engine
    }

    /// The record at a document address of the index.
    fn record_at(&self, address: DocAddress) -> Option<&Measure> {
        let at = *self
            .by_address
            .get(address.segment_ord as usize)?
            .get(address.doc_id as usize)?;
        self.measures.get(at as usize)
    }

    /// Keeps the links of one measure (a later entry for the same id
    /// replaces an earlier one; links of unknown measures are dropped).
    fn store_links(&mut self, l: StoredLinks) {
        if let Some(&at) = self.positions.get(&l.id) {
            self.links.set(at, l, &self.positions);
        }
    }

    /// The same engine with a search response cache of `entries` responses
    /// (0 = no cache: every search runs; for load tests of the engine itself).
    /// Any cached responses are dropped.
    pub fn with_search_cache(mut self, entries: usize) -> Engine {
        self.search_cache = NonZeroUsize::new(entries).map(|n| Mutex::new(LruCache::new(n)));
        self
    }

    pub fn measure(&self, id: &str) -> Result<&Measure, EngineError> {
        self.positions
            .get(id)
            .map(|&i| &self.measures[i])
            .ok_or_else(|| EngineError::UnknownId(id.to_string()))
    }

    /// Runs a search and returns the response as JSON (what `GET
    /// /api/search` sends), answering repeated requests from the cache. The
    /// cache keeps the serialized JSON, so a hit costs neither a copy of the
    /// response nor its serialization.
    pub fn search_json(&self, req: &SearchRequest) -> Result<Bytes, EngineError> {
        let req = &*self.plan_ids_as_names(req);
        req.check()?;
        if let Some(hit) = self.cached(req) {
            return Ok(hit);
        }
        let mut res = search::search_with(&self.index, &self.search_caches, req, &|a| {
            self.record_at(a)
        })?;
        self.label_kinds(&mut res);
        let json = Bytes::from(serde_json::to_vec(&res).map_err(EngineError::Serialize)?);
        if let Some(cache) = &self.search_cache {
            lock(cache).put(req.cache_key(), json.clone());
        }
        Ok(json)
    }

    /// The cached JSON answer to `req`, if there is one: cheap enough to try
    /// before handing the search to a worker thread.
    pub fn cached_search_json(&self, req: &SearchRequest) -> Option<Bytes> {
        self.search_cache.as_ref()?;
        let req = &*self.plan_ids_as_names(req);
        req.check().ok()?;
        self.cached(req)
    }

    /// The cached answer to `req`, already checked and with plan ids named.
    fn cached(&self, req: &SearchRequest) -> Option<Bytes> {
        let cache = self.search_cache.as_ref()?;
        lock(cache).get(&req.cache_key()).cloned()
    }

    /// Runs a search and returns the typed response, without the cache
    /// (benchmarks of the engine itself, tests).
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, EngineError> {
        let req = &*self.plan_ids_as_names(req);
        let mut res = search::search_with(&self.index, &self.search_caches, req, &|a| {
            self.record_at(a)
        })?;
        self.label_kinds(&mut res);
        Ok(res)
    }

    /// Labels the plan-kind facet values the search could not (kinds named
    /// in the manifest rather than built in).
    fn label_kinds(&self, res: &mut SearchResponse) {
        for c in res.facets.get_mut("plan_kind").into_iter().flatten() {
            if c.label.is_none() {
                c.label = self.kind_labels.get(&c.value).cloned();
            }
        }
    }

    /// `req` with every `plan` filter that gives a plan id (and is not also
    /// a plan's name) turned into that plan's name, which the index holds.
    pub fn plan_ids_as_names<'r>(
        &self,
        req: &'r SearchRequest,
    ) -> std::borrow::Cow<'r, SearchRequest> {
        let is_id = |f: &index::Facet, v: &String| {
            *f == index::Facet::Plan
                && self.plan_names.contains_key(v)
                && !self.plan_names.values().any(|n| n == v)
        };
        if !req.filters.iter().any(|(f, v)| is_id(f, v)) {
            return std::borrow::Cow::Borrowed(req);
        }
        let mut owned = req.clone();
        for (f, v) in &mut owned.filters {
            if is_id(f, v) {
                *v = self.plan_names[v.as_str()].clone();
            }
        }
        std::borrow::Cow::Owned(owned)
    }

    /// The most related measures of `id` (other plans unless `all_plans`).
    pub fn related(
        &self,
        id: &str,
        limit: usize,
        all_plans: bool,
    ) -> Result<RelatedResponse, EngineError> {
        if limit == 0 || limit > LINKS_KEPT {
            return Err(EngineError::parameter(
                "limit",
                format!("must be between 1 and {LINKS_KEPT}"),
            ));
        }
        let m = self.measure(id)?;
        let i = self.positions[id];
        let related = self
            .links
            .links(i, all_plans)
            .take(limit)
            .filter_map(|l| {
                let o = &self.measures[l.position()?];
                Some(RelatedMeasure {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    plan: o.plan.name.clone(),
                    plan_kind: o.plan.kind.as_str().to_string(),
                    plan_kind_label: o.plan.kind_label_ja().to_string(),
                    municipality: o.plan.municipality.clone(),
                    level: o.level.as_str().to_string(),
                    departments: o.departments.clone(),
                    score: l.score,
                    shared_terms: l.shared_terms(),
                    source: RelatedSource {
                        file: o.source.file.clone(),
                        line: o.source.line,
                        document: o.document.clone(),
                    },
                })
            })
            .collect();
        Ok(RelatedResponse {
            id: m.id.clone(),
            title: m.title.clone(),
            related,
        })
    }

    /// The overlaps at `threshold` (default [`overlap::DEFAULT_THRESHOLD`]),
    /// computed on first use and kept for the next request at the same
    /// threshold; concurrent first requests wait for one computation.
    pub fn overlaps(&self, threshold: Option<f32>) -> Result<Arc<Overlaps>, EngineError> {
        let threshold = threshold.unwrap_or(overlap::DEFAULT_THRESHOLD);
        if !(0.0..=1.0).contains(&threshold) || threshold.is_nan() {
            return Err(EngineError::parameter(
                "threshold",
                "must be between 0 and 1",
            ));
        }
        let mut kept = lock(&self.overlaps);
        if let Some(o) = kept.as_ref().filter(|o| o.threshold == threshold) {
            return Ok(Arc::clone(o));
        }
        let o = Arc::new(Overlaps::compute(&self.measures, &self.links, threshold));
        *kept = Some(Arc::clone(&o));
        Ok(o)
    }

    /// The report of `overlaps` (from [`Engine::overlaps`]) for `window`:
    /// serializes to the report JSON and writes the CSV.
    pub fn overlap_report<'a>(
        &'a self,
        overlaps: &'a Overlaps,
        window: ReportWindow,
    ) -> ReportView<'a> {
        ReportView {
            overlaps,
            measures: &self.measures,
            terms: &self.links,
            window,
        }
    }

    /// Closest existing sentences for each sentence of `draft`.
    pub fn similar(&self, draft: &str, limit: usize) -> Result<SimilarResponse, EngineError> {
        if draft.chars().count() > crate::related::reuse::MAX_DRAFT_CHARS {
            return Err(EngineError::parameter(
                "text",
                format!(
                    "longer than {} characters",
                    crate::related::reuse::MAX_DRAFT_CHARS
                ),
            ));
        }
        if draft.trim().is_empty() {
            return Err(EngineError::parameter("text", "empty"));
        }
        if limit == 0 || limit > 50 {
            return Err(EngineError::parameter("limit", "must be between 1 and 50"));
        }
        let idx = self
            .sentences
            .get_or_init(|| SentenceIndex::build(&self.measures));
        Ok(SimilarResponse {
            sentences: idx.similar(&self.measures, draft, limit, 0.2),
        })
    }

    /// Autocomplete suggestions for `typed`.
    pub fn suggest(&self, typed: &str, limit: usize) -> Vec<Suggestion> {
        self.suggester
            .get_or_init(|| Suggester::build(&self.measures))
            .suggest(typed, limit)
    }

    /// The plans of the corpus with their record counts.
    pub fn plans(&self) -> Vec<PlanSummary> {
        let mut out: Vec<PlanSummary> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for m in &self.measures {
            let i = match index.get(m.plan.id.as_str()) {
                Some(&i) => i,
                None => {
                    index.insert(m.plan.id.as_str(), out.len());
                    out.push(PlanSummary {
                        id: m.plan.id.clone(),
                        name: m.plan.name.clone(),
                        kind: m.plan.kind.as_str().to_string(),
                        kind_label: m.plan.kind_label_ja().to_string(),
                        municipality: m.plan.municipality.clone(),
                        period: m.plan.period.clone(),
                        files: Vec::new(),
                        measures: 0,
                        levels: Default::default(),
                    });
                    out.len() - 1
                }
            };
            let p = &mut out[i];
            p.measures += 1;
            *p.levels.entry(m.level.as_str().to_string()).or_default() += 1;
            if !p.files.contains(&m.source.file) {
                p.files.push(m.source.file.clone());
            }
        }
        out
    }

    /// The generation folder being served.
    pub fn generation(&self) -> String {
        self.index
            .path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Related links of every measure (other plans and all plans), in link order.
pub fn compute_links(measures: &[Measure]) -> Vec<StoredLinks> {
    let profiles = Profiles::build(measures);
    stored_links(&profiles, measures, &profiles.link_order())
}

/// The stored links of the measures at `positions` (in link order), in that
/// order.
fn stored_links(
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
const LINK_SLICE: usize = 16_384;

/// Computes (unless `with_links` is false: a file without entries) and
/// writes the links of every measure, one slice of measures at a time, in
/// link order ([`Profiles::link_order`]).
fn write_links(
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

/// Lines of a JSON links file parsed together, on all cores.
const READ_CHUNK: usize = 8192;

/// Reads a JSON links file (generations built before [`linkfile`]),
/// handing its entries to `each` in file order. Lines
/// are parsed a chunk at a time on all cores (parsing is most of opening a
/// large index).
fn read_links(path: &Path, each: &mut dyn FnMut(StoredLinks)) -> Result<(), IndexError> {
    let f = std::fs::File::open(path).map_err(|e| index::io_err(path, e))?;
    // raw lines: serde_json checks the UTF-8 as it parses, on all cores
    let mut lines = std::io::BufReader::new(f).split(b'\n');
    let mut number = 0usize;
    loop {
        let mut chunk = Vec::with_capacity(READ_CHUNK);
        let mut read = 0;
        for line in lines.by_ref().take(READ_CHUNK) {
            read += 1;
            number += 1;
            let line = line.map_err(|e| index::io_err(path, e))?;
            if !line.trim_ascii().is_empty() {
                chunk.push((number, line));
            }
        }
        if read == 0 {
            return Ok(());
        }
        let parsed = chunk
            .par_iter()
            .map(|(n, line)| {
                serde_json::from_slice::<StoredLinks>(line)
                    .map_err(|e| index::corrupt(path, format!("line {n}: not a links entry: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        parsed.into_iter().for_each(&mut *each);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, to: &str) -> String {
        format!(
            r#"{{"id":"{id}","other_plans":[{{"id":"{to}","score":0.5,"shared_terms":["相談"]}}],"all_plans":[]}}"#
        )
    }

    /// Entries come back in file order across parse chunks, blank lines are
    /// skipped, and a bad line is reported with the file and its line number.
    #[test]
    fn links_file_is_read_in_order_and_bad_lines_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JSON_LINKS_FILE);
        let n = READ_CHUNK * 2 + 3;
        let mut text: String = (0..n)
            .map(|i| entry(&format!("m{i}"), "x") + "\n")
            .collect();
        text.push_str("\n   \n");
        text.push_str(&entry("m0", "again"));
        std::fs::write(&path, &text).unwrap();
        let mut seen = Vec::new();
        read_links(&path, &mut |l| {
            seen.push((l.id, l.other_plans[0].id.clone()))
        })
        .unwrap();
        assert_eq!(seen.len(), n + 1);
        assert!(
            seen[..n]
                .iter()
                .enumerate()
                .all(|(i, (id, _))| *id == format!("m{i}"))
        );
        assert_eq!(seen[n], ("m0".to_string(), "again".to_string()));

        let bad = format!(
            "{}\n\n{}\n{{\"id\": 3}}\n",
            entry("a", "b"),
            entry("c", "d")
        );
        std::fs::write(&path, bad).unwrap();
        let err = read_links(&path, &mut |_| {}).unwrap_err().to_string();
        assert!(
            err.contains(JSON_LINKS_FILE) && err.contains("line 4"),
            "{err}"
        );
    }
}
