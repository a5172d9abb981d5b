//! The engine: an open index generation together with what is derived from
//! it — the records, their precomputed related links, and (on first use) the
//! sentence index for wording reuse. The CLI and the HTTP API both work
//! through it; building a generation computes the links before the swap, so
//! after a rebuild the links are always those of the new records.
//!
//! - `build`: a new generation (index and links file) and its timings;
//! - `cache`: searches and the cache of their JSON answers;
//! - `responses`: related measures, overlaps, wording reuse, suggestions and
//!   plans, with the types they answer in;
//! - `links` / `linkfile`: the links of every measure in memory and on disk.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use lru::LruCache;
use tantivy::DocAddress;

mod build;
mod cache;
mod linkfile;
mod links;
mod responses;

pub use build::{BuildOutcome, LinkTimes, StoredLinks, compute_links};
pub use cache::SEARCH_CACHE_ENTRIES;
pub use responses::{PlanSummary, RelatedMeasure, RelatedResponse, RelatedSource, SimilarResponse};

use links::LinkTable;

use crate::index::{IndexError, OpenIndex};
use crate::related::overlap::Overlaps;
use crate::related::reuse::SentenceIndex;
use crate::search::suggest::Suggester;
use crate::search::{self, SearchError};
use shisaku_core::ingest::{self, ImportReport};
use shisaku_core::model::Measure;

/// Links kept per measure in a generation (the API's largest `limit`).
pub const LINKS_KEPT: usize = 20;

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

impl Engine {
    /// Opens the live generation under `root`.
    pub fn open(root: &Path) -> Result<Engine, EngineError> {
        let index = OpenIndex::open(root)?;
        let search_caches = search::SearchCaches::open(&index)?;
        let records = index.all_records()?;
        let path = index.path.join(linkfile::FILE);
        let mut engine = Self::assemble(index, search_caches, records, Vec::new());
        engine.links = linkfile::read(&path, &engine.positions, engine.measures.len())?;
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

    pub fn measure(&self, id: &str) -> Result<&Measure, EngineError> {
        self.positions
            .get(id)
            .map(|&i| &self.measures[i])
            .ok_or_else(|| EngineError::UnknownId(id.to_string()))
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
