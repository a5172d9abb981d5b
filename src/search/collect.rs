//! One pass over the matching documents that yields both the filtered hits
//! and the facet counts. Counts are disjunctive, as users of faceted search
//! expect: a facet's counts apply every filter *except its own*, so selecting
//! 熊本市 still shows how many hits 荒尾市 would add. Several values in one
//! facet are OR; different facets are AND.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::index::{FACETS, Facet, Fields};

/// A matching document that passed every filter.
#[derive(Debug, Clone)]
pub struct RawHit {
    pub score: Score,
    pub address: DocAddress,
    pub order: u64,
    pub dept: String,
}

#[derive(Debug, Default)]
pub struct Fruit {
    pub hits: Vec<RawHit>,
    /// Counts per facet (index in [`FACETS`]).
    pub counts: Vec<HashMap<String, u64>>,
}

/// A column of strings with its values by term ordinal.
#[derive(Clone)]
struct Strings {
    column: StrColumn,
    values: Arc<[String]>,
}

impl Strings {
    fn open(column: StrColumn) -> tantivy::Result<Strings> {
        let mut values = Vec::with_capacity(column.num_terms());
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            values.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        Ok(Strings {
            column,
            values: values.into(),
        })
    }

    fn value(&self, ord: u64) -> Option<&String> {
        self.values.get(ord as usize)
    }
}

/// The fast columns the collector reads in one segment, with the facet
/// values by ordinal: opened once per open index instead of once per search
/// (a generation never changes).
#[derive(Clone)]
pub struct SegmentColumns {
    segment: SegmentId,
    facets: Vec<Option<Strings>>,
    order: Column<u64>,
    dept: Option<Strings>,
}

impl SegmentColumns {
    fn open(reader: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        let ff = reader.fast_fields();
        let facets = FACETS
            .iter()
            .map(|f| {
                ff.str(&Fields::facet_field_name(*f))?
                    .map(Strings::open)
                    .transpose()
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(SegmentColumns {
            segment: reader.segment_id(),
            facets,
            order: ff.u64("order")?,
            dept: ff.str("dept_key")?.map(Strings::open).transpose()?,
        })
    }
}

/// [`SegmentColumns`] of every segment of an open index.
#[derive(Default)]
pub struct ColumnCache(Vec<SegmentColumns>);

impl ColumnCache {
    pub fn open(searcher: &Searcher) -> tantivy::Result<ColumnCache> {
        searcher
            .segment_readers()
            .iter()
            .map(SegmentColumns::open)
            .collect::<tantivy::Result<_>>()
            .map(ColumnCache)
    }

    /// The columns of segment `ord` (opened now if the cache does not have them).
    fn get(&self, ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        match self.0.get(ord as usize) {
            Some(c) if c.segment == reader.segment_id() => Ok(c.clone()),
            _ => SegmentColumns::open(reader),
        }
    }
}

pub struct FacetedCollector<'c> {
    /// Selected values per facet (index in [`FACETS`]); empty = no filter.
    pub filters: Vec<Vec<String>>,
    /// Resolve each hit's department name (only needed to sort by department).
    pub with_dept: bool,
    columns: &'c ColumnCache,
}

impl<'c> FacetedCollector<'c> {
    pub fn new(filters: &[(Facet, String)], with_dept: bool, columns: &'c ColumnCache) -> Self {
        let mut by_facet = vec![Vec::new(); FACETS.len()];
        for (f, v) in filters {
            let i = FACETS
                .iter()
                .position(|x| x == f)
                .expect("every facet is in FACETS");
            if !by_facet[i].contains(v) {
                by_facet[i].push(v.clone());
            }
        }
        FacetedCollector {
            filters: by_facet,
            with_dept,
            columns,
        }
    }
}

pub struct FacetedSegment {
    segment: SegmentOrdinal,
    columns: SegmentColumns,
    /// Per facet: None = no filter; Some(set) = ords that satisfy it here.
    allowed: Vec<Option<HashSet<u64>>>,
    counts: Vec<Vec<u64>>,
    with_dept: bool,
    hits: Vec<(Score, DocId, u64, u64)>,
}

impl Collector for FacetedCollector<'_> {
    type Fruit = Fruit;
    type Child = FacetedSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetedSegment> {
        let columns = self.columns.get(segment, reader)?;
        let mut allowed = Vec::new();
        let mut counts = Vec::new();
        for (i, col) in columns.facets.iter().enumerate() {
            counts.push(vec![0; col.as_ref().map(|c| c.values.len()).unwrap_or(0)]);
            allowed.push(if self.filters[i].is_empty() {
                None
            } else {
                let mut set = HashSet::new();
                if let Some(c) = col {
                    for v in &self.filters[i] {
                        if let Some(ord) = c.column.dictionary().term_ord(v.as_bytes())? {
                            set.insert(ord);
                        }
                    }
                }
                Some(set)
            });
        }
        Ok(FacetedSegment {
            segment,
            columns,
            allowed,
            counts,
            with_dept: self.with_dept,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut out = Fruit {
            hits: Vec::new(),
            counts: vec![HashMap::new(); FACETS.len()],
        };
        for f in fruits {
            out.hits.extend(f.hits);
            for (i, c) in f.counts.into_iter().enumerate() {
                for (k, n) in c {
                    *out.counts[i].entry(k).or_default() += n;
                }
            }
        }
        Ok(out)
    }
}

impl FacetedSegment {
    fn passes(&self, facet: usize, doc: DocId) -> bool {
        match (&self.allowed[facet], &self.columns.facets[facet]) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(set), Some(col)) => col.column.term_ords(doc).any(|o| set.contains(&o)),
        }
    }

    fn count(&mut self, facet: usize, doc: DocId) {
        if let Some(col) = &self.columns.facets[facet] {
            for o in col.column.term_ords(doc) {
                if let Some(c) = self.counts[facet].get_mut(o as usize) {
                    *c += 1;
                }
            }
        }
    }
}

impl SegmentCollector for FacetedSegment {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let mut failing = None;
        let mut fails = 0;
        for f in 0..FACETS.len() {
            if !self.passes(f, doc) {
                fails += 1;
                failing = Some(f);
                if fails > 1 {
                    return;
                }
            }
        }
        match failing {
            None => {
                for f in 0..FACETS.len() {
                    self.count(f, doc);
                }
                let order = self.columns.order.first(doc).unwrap_or(u64::MAX);
                let dept = match (&self.columns.dept, self.with_dept) {
                    (Some(c), true) => c.column.term_ords(doc).next().unwrap_or(u64::MAX),
                    _ => u64::MAX,
                };
                self.hits.push((score, doc, order, dept));
            }
            // passes every filter but this facet's own: counts for this facet only
            Some(f) => self.count(f, doc),
        }
    }

    fn harvest(self) -> Fruit {
        let counts = self
            .columns
            .facets
            .iter()
            .zip(&self.counts)
            .map(|(col, counts)| {
                let mut map = HashMap::new();
                if let Some(col) = col {
                    for (ord, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                        if let Some(v) = col.value(ord as u64) {
                            map.insert(v.clone(), n);
                        }
                    }
                }
                map
            })
            .collect();
        let dept = self.columns.dept.as_ref().filter(|_| self.with_dept);
        let hits = self
            .hits
            .into_iter()
            .map(|(score, doc, order, dept_ord)| RawHit {
                score,
                address: DocAddress::new(self.segment, doc),
                order,
                // an ord outside the dictionary reads as ""
                dept: dept
                    .and_then(|c| c.value(dept_ord))
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect();
        Fruit { hits, counts }
    }
}
