//! Search over an open index: parse the query ([`query`]), compile it over the
//! analyzed fields ([`compile`]), collect filtered hits and disjunctive facet
//! counts in one pass ([`collect`]), sort, paginate and build highlighted
//! snippets ([`snippet`]). Plain synchronous functions: testable without a
//! server, called from the CLI and (off the async runtime) from the API.

pub mod collect;
pub mod compile;
pub use shisaku_query as query;
pub mod relax;
pub mod snippet;
pub mod suggest;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::index::{FACETS, Facet, IndexError, OpenIndex};
pub use compile::Expansion;
pub use relax::MatchMode;
use shisaku_core::model::{Level, Measure, PlanKind};
use tantivy::DocAddress;
use tantivy::query::Bm25StatisticsProvider;

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most results one page may hold.
pub const MAX_LIMIT: usize = 100;
/// Most filters one request may carry.
pub const MAX_FILTERS: usize = 64;

/// What went wrong with a search request. Every variant is the caller's
/// problem except [`SearchError::Index`]. [`SearchError::Parameter`] is the
/// one parameter error of the engine: its other operations (related,
/// overlaps, wording reuse) report theirs through it too.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("query syntax: {0}")]
    Syntax(String),
    #[error("filter: {0}")]
    Filter(String),
    #[error("{parameter}: {message}")]
    Parameter {
        parameter: &'static str,
        message: String,
    },
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(IndexError::Tantivy(e))
    }
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first.
    #[default]
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

#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub q: String,
    pub filters: Vec<(Facet, String)>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
    pub synonyms: bool,
    /// Whether partial matches follow when few measures hold every word.
    pub match_mode: MatchMode,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            filters: Vec::new(),
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
            synonyms: true,
            match_mode: MatchMode::Auto,
        }
    }
}

impl SearchRequest {
    /// A key identifying the request's answer (filters in canonical order).
    pub fn cache_key(&self) -> String {
        let mut filters: Vec<String> = self
            .filters
            .iter()
            .map(|(f, v)| format!("{}={v}", f.key()))
            .collect();
        filters.sort();
        filters.dedup();
        format!(
            "{}\u{1f}{}\u{1f}{:?}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{:?}",
            self.q,
            filters.join("\u{1e}"),
            self.sort,
            self.limit,
            self.offset,
            self.synonyms,
            self.match_mode
        )
    }
}

/// Parses a `KEY=VALUE` filter: the key names a facet (plan, plan_kind,
/// municipality, pillar, department, section, level, year, status); values of
/// `plan_kind`, `level` and `year` are checked and normalized
/// (`year=2020`, `year=令和2年度` → `R2`).
pub fn parse_filter(spec: &str) -> Result<(Facet, String), SearchError> {
    let (k, v) = spec
        .split_once('=')
        .ok_or_else(|| SearchError::Filter(format!("{spec:?} is not KEY=VALUE")))?;
    let facet = Facet::parse(k.trim()).ok_or_else(|| {
        let keys: Vec<&str> = FACETS.iter().map(|f| f.key()).collect();
        SearchError::Filter(format!(
            "unknown filter key {:?} (known: {})",
            k.trim(),
            keys.join(", ")
        ))
    })?;
    filter_value(facet, v)
}

/// Checks and normalizes one filter value of `facet`.
pub fn filter_value(facet: Facet, v: &str) -> Result<(Facet, String), SearchError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(SearchError::Filter(format!("{}: empty value", facet.key())));
    }
    let v = match facet {
        Facet::PlanKind => PlanKind::KNOWN
            .into_iter()
            .find(|k| k.builtin_label() == Some(v))
            .map_or_else(|| PlanKind::parse(v), Ok)
            .map(|k| k.as_str().to_string())
            .map_err(|e| SearchError::Filter(format!("plan_kind: {e}")))?,
        Facet::Level => Level::parse(v)
            .or_else(|| Level::ALL.into_iter().find(|l| l.label_ja() == v))
            .map(|l| l.as_str().to_string())
            .ok_or_else(|| {
                SearchError::Filter(format!(
                    "level: unknown value {v:?} (known: measure, initiative, project, direction)"
                ))
            })?,
        Facet::Year => year_label(v).ok_or_else(|| {
            SearchError::Filter(format!(
                "year: {v:?} is not a fiscal year (R2, 令和2年度 or 2020)"
            ))
        })?,
        // facets hold names in one form: a value as printed finds them too
        Facet::Pillar | Facet::Department | Facet::Section | Facet::Body => {
            crate::index::values::name_key(v)
        }
        // a printed verdict (A, ア 実施済, 100%) finds its status
        Facet::Status => crate::index::values::status_of(v)
            .map(String::from)
            .unwrap_or_else(|| v.to_string()),
        _ => v.to_string(),
    };
    Ok((facet, v))
}

fn year_label(v: &str) -> Option<String> {
    let v = v.trim_end_matches('年');
    shisaku_core::model::fiscal_year(v).map(|(label, _)| label)
}

/// One result.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hit {
    pub id: String,
    pub title: String,
    /// The title, HTML-escaped, with matches marked.
    pub title_html: String,
    pub plan: HitPlan,
    pub level: Level,
    pub path: Vec<String>,
    pub departments: Vec<String>,
    pub sections: Vec<String>,
    pub page: Option<String>,
    pub source: HitSource,
    pub score: f32,
    /// About 150 characters of the text that matched, HTML-escaped, matches
    /// in `<mark>`: the content, or (when the match is elsewhere) the first
    /// other searched text with a match.
    pub snippet: String,
    /// What the snippet is from when it is not the content, in Japanese
    /// (`進捗（令和2年度）`, `担当部署`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet_field: Option<String>,
}

/// `R2` → `令和2年度`, `R1` → `令和元年度`; anything else as it is.
pub fn year_label_ja(label: &str) -> String {
    match label.strip_prefix('R').and_then(|n| n.parse::<u32>().ok()) {
        Some(1) => "令和元年度".to_string(),
        Some(n) => format!("令和{n}年度"),
        None => label.to_string(),
    }
}

/// The searched texts of a measure besides its title and content, in the
/// order a snippet is looked for in them, each with its Japanese label.
fn other_texts(m: &Measure) -> Vec<(String, &str)> {
    let mut out: Vec<(String, &str)> = Vec::new();
    for p in &m.progress {
        let year = year_label_ja(&p.fiscal_year);
        for (name, text) in [
            ("進捗", &p.status),
            ("評価", &p.evaluation),
            ("今後の計画", &p.next_plan),
            ("課題", &p.issues),
        ] {
            if let Some(t) = text.as_deref().filter(|t| !t.trim().is_empty()) {
                let label = if year.is_empty() {
                    name.to_string()
                } else {
                    format!("{name}（{year}）")
                };
                out.push((label, t));
            }
        }
    }
    for i in &m.indicators {
        out.push(("成果指標".to_string(), i.name.as_str()));
    }
    for d in &m.departments {
        out.push(("担当部署".to_string(), d.as_str()));
    }
    for d in &m.sections {
        out.push(("担当課".to_string(), d.as_str()));
    }
    for p in &m.path {
        out.push(("体系".to_string(), p.as_str()));
    }
    out
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HitPlan {
    pub id: String,
    pub name: String,
    pub kind: PlanKind,
    /// The kind's Japanese label (`自殺対策`, or the manifest's `kind_label`).
    pub kind_label: String,
    pub municipality: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HitSource {
    pub file: String,
    pub line: usize,
    /// The document's description in the manifest, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

impl HitSource {
    /// `document、678行目` (the file name where the document has no description).
    pub fn label(&self) -> String {
        format!(
            "{}、{}行目",
            self.document.as_deref().unwrap_or(&self.file),
            self.line
        )
    }
}

/// A facet value with its count.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
    /// True when this value is one of the request's filters.
    pub selected: bool,
    /// The value's Japanese label where it has one (plan kinds: `自殺対策`;
    /// years: `令和2年度`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResponse {
    /// Measures in the result list: the strict hits, plus the partial matches
    /// when `relaxed`. The facets count the same measures.
    pub total: usize,
    /// Measures holding every word of the query (and passing the filters).
    pub strict_total: usize,
    /// True when partial matches (some of the words) follow the strict hits.
    pub relaxed: bool,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<Hit>,
    /// Counts per facet key, largest first (years in chronological order).
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// Synonym expansions applied (empty when synonyms are off).
    pub expansions: Vec<Expansion>,
}

impl SearchRequest {
    /// Checks the request's limits (query length, page size, filter count).
    /// Run before anything else, the response cache included: its key folds
    /// duplicate filters, so a request over the filter limit could otherwise
    /// be answered from the entry of an equivalent request within it.
    pub fn check(&self) -> Result<(), SearchError> {
        if self.q.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::Parameter {
                parameter: "q",
                message: format!("the query is longer than {MAX_QUERY_CHARS} characters"),
            });
        }
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(SearchError::Parameter {
                parameter: "limit",
                message: format!("must be between 1 and {MAX_LIMIT}"),
            });
        }
        if self.filters.len() > MAX_FILTERS {
            return Err(SearchError::Parameter {
                parameter: "filter",
                message: format!("at most {MAX_FILTERS} filters"),
            });
        }
        Ok(())
    }
}

/// What searches keep per open index, read or filled from it and valid as
/// long as it (a generation never changes): its facet columns and the
/// analyzed texts of recent hits.
pub struct SearchCaches {
    /// Analyzed texts of recent hits, for their snippets.
    pub hit_tokens: snippet::TokenCache,
    /// The fast columns searches read, per segment.
    pub columns: collect::ColumnCache,
}

impl SearchCaches {
    /// Reads the facet columns of `ix`; the hit cache starts empty.
    pub fn open(ix: &OpenIndex) -> Result<SearchCaches, IndexError> {
        let columns = collect::ColumnCache::open(&ix.reader.searcher())
            .map_err(|e| crate::index::io_err(&ix.path, e))?;
        Ok(SearchCaches {
            hit_tokens: Default::default(),
            columns,
        })
    }
}

/// Runs a search, reading each hit's record from the index's store (one
/// search: the index's caches are read for it and dropped after).
pub fn search(ix: &OpenIndex, req: &SearchRequest) -> Result<SearchResponse, SearchError> {
    search_with(ix, &SearchCaches::open(ix)?, req, &|_| None)
}

/// Runs a search, taking each hit's record from `records` (by document
/// address) when it has it, from the index's store otherwise; `caches` are
/// those of `ix`.
pub fn search_with<'r>(
    ix: &OpenIndex,
    caches: &SearchCaches,
    req: &SearchRequest,
    records: &dyn Fn(DocAddress) -> Option<&'r Measure>,
) -> Result<SearchResponse, SearchError> {
    req.check()?;
    let parsed = query::parse(&req.q).map_err(SearchError::Syntax)?;
    let searcher = ix.reader.searcher();
    let docs = searcher.num_docs().max(1);
    // the compile's rarities and both searches' BM25 weights look up the
    // same terms: each once
    let stats = Statistics::new(&searcher);
    let idf = |term: &str| {
        let t = tantivy::Term::from_field_text(ix.fields.content, term);
        let df = stats.doc_freq(&t).ok()?;
        Some(relax::idf(df, docs))
    };
    // the parts of a partial match are taken from the one compile when
    // partial matches may follow (they share the strict query's clauses)
    let auto = req.match_mode == MatchMode::Auto;
    let compiled = if auto {
        compile::compile_relaxable(&parsed, &ix.fields, req.synonyms, &idf)
    } else {
        compile::compile_with(&parsed, &ix.fields, req.synonyms, &idf)
    }
    .map_err(SearchError::Syntax)?;
    let key = match req.sort {
        Sort::Relevance | Sort::Document => collect::SortKey::None,
        Sort::Department => collect::SortKey::Department,
        Sort::Plan => collect::SortKey::Plan,
        Sort::Year => collect::SortKey::Year,
    };
    let collector = collect::FacetedCollector::new(&req.filters, key, &caches.columns);
    // a relaxed query matches the strict query's documents without searching it again
    let relaxable = auto && compiled.relax.units.len() > 1;
    let mut fruit = if relaxable {
        searcher.search_with_statistics_provider(
            &*compiled.query,
            &collector.recording_matches(),
            &stats,
        )?
    } else {
        searcher.search_with_statistics_provider(&*compiled.query, &collector, &stats)?
    };
    let strict_total = fruit.hits.len();
    let mut relaxed = false;
    if relaxable
        && strict_total < relax::RELAX_BELOW
        && let Some(q) = relax::relaxed_query(
            &searcher,
            std::mem::take(&mut fruit.matched),
            &compiled.relax,
        )?
    {
        let wider = searcher.search_with_statistics_provider(&*q, &collector, &stats)?;
        if wider.hits.len() > strict_total {
            relaxed = true;
            let strict: std::collections::HashSet<DocAddress> =
                fruit.hits.iter().map(|h| h.address).collect();
            let mut partial = wider.hits;
            partial.retain(|h| !strict.contains(&h.address));
            fruit.counts = wider.counts;
            fruit.hits.extend(partial);
        }
    }

    let total = fruit.hits.len();
    // Only the requested page needs to be in order: select the first
    // offset + limit hits, then sort those. Ties end on the address, which is
    // the order the hits were collected in, so this is the page a full
    // stable sort would give. Strict hits come before partial matches.
    let by = |a: &collect::RawHit, b: &collect::RawHit| {
        match req.sort {
            Sort::Relevance => b.score.total_cmp(&a.score).then(a.order.cmp(&b.order)),
            Sort::Document => a.order.cmp(&b.order),
            Sort::Department | Sort::Plan | Sort::Year => {
                a.key.cmp(&b.key).then(a.order.cmp(&b.order))
            }
        }
        .then(a.address.cmp(&b.address))
    };
    let wanted = req.offset.saturating_add(req.limit).min(total);
    let (strict_hits, partial_hits) = fruit.hits.split_at_mut(strict_total);
    let strict_hits = first_sorted(strict_hits, wanted, by);
    let partial_hits = first_sorted(partial_hits, wanted.saturating_sub(strict_total), by);
    let hits: Vec<&collect::RawHit> = strict_hits.iter().chain(partial_hits.iter()).collect();
    let mut out = Vec::new();
    for h in hits.iter().skip(req.offset).take(req.limit) {
        let m = match records(h.address) {
            Some(m) => Cow::Borrowed(m),
            None => Cow::Owned(ix.record(&searcher.doc(h.address)?)?),
        };
        let text = if m.content.trim().is_empty() {
            m.title.as_str()
        } else {
            m.content.as_str()
        };
        let key = (h.address.segment_ord, h.address.doc_id);
        let tokens = caches.hit_tokens.get_or_analyze(key, &m.title, text);
        let hl = &compiled.highlight;
        // the content's snippet, or the first other text that matched
        let (snippet, snippet_field) = match snippet::matching_snippet_in(text, &tokens.text, hl) {
            Some(s) => (s, None),
            None => {
                let others = other_texts(&m);
                let texts: Vec<&str> = others.iter().map(|(_, t)| *t).collect();
                tokens
                    .others(&texts)
                    .iter()
                    .zip(&others)
                    .find_map(|(tokens, (label, t))| {
                        snippet::matching_snippet_in(t, tokens, hl)
                            .map(|s| (s, Some(label.clone())))
                    })
                    .unwrap_or_else(|| (snippet::snippet_in(text, &tokens.text, hl), None))
            }
        };
        out.push(Hit {
            snippet,
            snippet_field,
            title_html: snippet::mark_all_in(&m.title, &tokens.title, &compiled.highlight),
            id: m.id.clone(),
            title: m.title.clone(),
            plan: HitPlan {
                id: m.plan.id.clone(),
                name: m.plan.name.clone(),
                kind: m.plan.kind.clone(),
                kind_label: m.plan.kind_label_ja().to_string(),
                municipality: m.plan.municipality.clone(),
            },
            level: m.level,
            path: m.path.clone(),
            departments: m.departments.clone(),
            sections: m.sections.clone(),
            page: m.page.clone(),
            source: HitSource {
                file: m.source.file.clone(),
                line: m.source.line,
                document: m.document.clone(),
            },
            score: h.score,
        });
    }
    let mut facets = BTreeMap::new();
    for (i, f) in FACETS.iter().enumerate() {
        let selected: Vec<&String> = req
            .filters
            .iter()
            .filter(|(x, _)| x == f)
            .map(|(_, v)| v)
            .collect();
        let mut counts: Vec<FacetCount> = fruit.counts[i]
            .iter()
            .map(|(v, n)| FacetCount {
                value: v.clone(),
                count: *n,
                selected: selected.contains(&v),
                label: facet_value_label(*f, v),
            })
            .collect();
        // a selected value with no hits still shows (count 0) so it can be unselected
        for v in selected {
            if !counts.iter().any(|c| &c.value == v) {
                counts.push(FacetCount {
                    value: v.clone(),
                    count: 0,
                    selected: true,
                    label: facet_value_label(*f, v),
                });
            }
        }
        if *f == Facet::Year {
            // Chronologically (`H30` before `R1`, `R2` before `R10`).
            let year = |c: &FacetCount| shisaku_core::model::fiscal_year(&c.value).map(|y| y.1);
            counts.sort_by(|a, b| year(a).cmp(&year(b)).then(a.value.cmp(&b.value)));
        } else {
            counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
        }
        facets.insert(f.key().to_string(), counts);
    }
    Ok(SearchResponse {
        total,
        offset: req.offset,
        limit: req.limit,
        strict_total,
        relaxed,
        hits: out,
        facets,
        expansions: compiled.expansions,
    })
}

/// The searcher's BM25 statistics, each term's document frequency looked up
/// once per search (the term dictionaries of every segment otherwise, for
/// each clause that names the term: the compile's rarities, the strict query,
/// the relaxed query's units).
struct Statistics<'s> {
    searcher: &'s tantivy::Searcher,
    doc_freqs: std::sync::Mutex<std::collections::HashMap<tantivy::Term, u64>>,
    tokens: std::sync::Mutex<std::collections::HashMap<tantivy::schema::Field, u64>>,
}

impl<'s> Statistics<'s> {
    fn new(searcher: &'s tantivy::Searcher) -> Self {
        Statistics {
            searcher,
            doc_freqs: Default::default(),
            tokens: Default::default(),
        }
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        let lock = || self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&n) = lock().get(&field) {
            return Ok(n);
        }
        let n = Bm25StatisticsProvider::total_num_tokens(self.searcher, field)?;
        lock().insert(field, n);
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::total_num_docs(self.searcher)
    }

    fn doc_freq(&self, term: &tantivy::Term) -> tantivy::Result<u64> {
        let cached = |m: &std::collections::HashMap<tantivy::Term, u64>| m.get(term).copied();
        let lock = || self.doc_freqs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(df) = cached(&lock()) {
            return Ok(df);
        }
        let df = self.searcher.doc_freq(term)?;
        lock().insert(term.clone(), df);
        Ok(df)
    }
}

/// The label of a facet value the index knows by id: built-in plan kinds and
/// fiscal years (kinds named in a manifest are labelled by the engine, which
/// knows the plans).
fn facet_value_label(facet: Facet, value: &str) -> Option<String> {
    match facet {
        Facet::PlanKind => PlanKind::parse(value)
            .ok()
            .and_then(|k| k.builtin_label())
            .map(str::to_string),
        Facet::Year => Some(shisaku_core::model::year_label_ja(value)),
        _ => None,
    }
}

/// The first `wanted` of `hits` in `by` order (the rest left unsorted).
fn first_sorted(
    hits: &mut [collect::RawHit],
    wanted: usize,
    by: impl Fn(&collect::RawHit, &collect::RawHit) -> std::cmp::Ordering,
) -> &mut [collect::RawHit] {
    let wanted = wanted.min(hits.len());
    if wanted > 0 && wanted < hits.len() {
        hits.select_nth_unstable_by(wanted - 1, &by);
    }
    let first = &mut hits[..wanted];
    first.sort_unstable_by(&by);
    first
}

/// What users are told when partial matches follow the strict hits.
pub fn relaxed_notice(strict_total: usize) -> String {
    format!("すべての語を含む施策は {strict_total} 件です。一部の語を含む施策を表示しています")
}

/// Renders a response for a terminal: one block per hit, then the facets.
pub fn render_text(res: &SearchResponse) -> String {
    use std::fmt::Write;
    let plain = |html: &str| {
        html.replace("<mark>", "[")
            .replace("</mark>", "]")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} 件（{}〜{}件目）",
        res.total,
        (res.offset + 1).min(res.total),
        (res.offset + res.hits.len())
    );
    if res.relaxed {
        let _ = writeln!(s, "{}", relaxed_notice(res.strict_total));
    }
    for e in &res.expansions {
        let _ = writeln!(s, "同義語: {} → {}", e.word, e.synonyms.join(", "));
    }
    for (i, h) in res.hits.iter().enumerate() {
        let _ = writeln!(
            s,
            "\n{}. {}  [{}]  score {:.2}",
            res.offset + i + 1,
            plain(&h.title_html),
            h.id,
            h.score
        );
        let mut meta = vec![h.plan.name.clone(), h.level.label_ja().to_string()];
        if !h.departments.is_empty() {
            meta.push(h.departments.join("・"));
        }
        let _ = writeln!(s, "   {}  出典: {}", meta.join(" ／ "), h.source.label());
        match &h.snippet_field {
            Some(field) => {
                let _ = writeln!(s, "   {field}: {}", plain(&h.snippet));
            }
            None => {
                let _ = writeln!(s, "   {}", plain(&h.snippet));
            }
        }
    }
    for (k, counts) in &res.facets {
        if counts.is_empty() {
            continue;
        }
        let top: Vec<String> = counts
            .iter()
            .take(8)
            .map(|c| format!("{} ({})", c.value, c.count))
            .collect();
        let _ = writeln!(s, "\n{k}: {}", top.join(", "));
    }
    s
}
