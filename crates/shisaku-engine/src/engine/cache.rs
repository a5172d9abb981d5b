//! Searches, and the cache of their JSON answers: an engine is immutable
//! (a rebuild makes a new one), so a cached answer never goes stale.

use std::sync::Mutex;

use bytes::Bytes;

use super::*;
use crate::index;
use crate::search::{self, SearchRequest, SearchResponse};

/// Search responses kept per engine (by default; see [`Engine::with_search_cache`]).
pub const SEARCH_CACHE_ENTRIES: usize = 2048;

impl Engine {
    /// The same engine with a search response cache of `entries` responses
    /// (0 = no cache: every search runs; for load tests of the engine itself).
    /// Any cached responses are dropped.
    pub fn with_search_cache(mut self, entries: usize) -> Engine {
        self.search_cache = NonZeroUsize::new(entries).map(|n| Mutex::new(LruCache::new(n)));
        self
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
    pub(super) fn cached(&self, req: &SearchRequest) -> Option<Bytes> {
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
    pub(super) fn label_kinds(&self, res: &mut SearchResponse) {
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
}
