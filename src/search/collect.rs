//! One pass over the matching documents that yields both the filtered hits
//! and the facet counts. Counts are disjunctive, as users of faceted search
//! expect: a facet's counts apply every filter *except its own*, so selecting
//! 熊本市 still shows how many hits 荒尾市 would add. Several values in one
//! facet are OR; different facets are AND.

use std::collections::{HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

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

pub struct FacetedCollector {
    /// Selected values per facet (index in [`FACETS`]); empty = no filter.
    pub filters: Vec<Vec<String>>,
    /// Resolve each hit's department name (only needed to sort by department).
    pub with_dept: bool,
}

impl FacetedCollector {
    pub fn new(filters: &[(Facet, String)], with_dept: bool) -> Self {
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
        }
    }
}

pub struct FacetedSegment {
    segment: SegmentOrdinal,
    columns: Vec<Option<StrColumn>>,
    /// Per facet: None = no filter; Some(set) = ords that satisfy it here.
    allowed: Vec<Option<HashSet<u64>>>,
    counts: Vec<Vec<u64>>,
    order: Column<u64>,
    dept: Option<StrColumn>,
    hits: Vec<(Score, DocId, u64, u64)>,
}

impl Collector for FacetedCollector {
    type Fruit = Fruit;
    type Child = FacetedSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetedSegment> {
        let ff = reader.fast_fields();
        let mut columns = Vec::new();
        let mut allowed = Vec::new();
        let mut counts = Vec::new();
        for (i, facet) in FACETS.iter().enumerate() {
            let col = ff.str(&Fields::facet_field_name(*facet))?;
            counts.push(vec![0; col.as_ref().map(|c| c.num_terms()).unwrap_or(0)]);
            allowed.push(if self.filters[i].is_empty() {
                None
            } else {
                let mut set = HashSet::new();
                if let Some(c) = &col {
                    for v in &self.filters[i] {
                        if let Some(ord) = c.dictionary().term_ord(v.as_bytes())? {
                            set.insert(ord);
                        }
                    }
                }
                Some(set)
            });
            columns.push(col);
        }
        Ok(FacetedSegment {
            segment,
            columns,
            allowed,
            counts,
            order: ff.u64("order")?,
            dept: if self.with_dept {
                ff.str("dept_key")?
            } else {
                None
            },
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
        match (&self.allowed[facet], &self.columns[facet]) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(set), Some(col)) => col.term_ords(doc).any(|o| set.contains(&o)),
        }
    }

    fn count(&mut self, facet: usize, doc: DocId) {
        if let Some(col) = &self.columns[facet] {
            for o in col.term_ords(doc) {
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
                let order = self.order.first(doc).unwrap_or(u64::MAX);
                let dept = self
                    .dept
                    .as_ref()
                    .and_then(|c| c.term_ords(doc).next())
                    .unwrap_or(u64::MAX);
                self.hits.push((score, doc, order, dept));
            }
            // passes every filter but this facet's own: counts for this facet only
            Some(f) => self.count(f, doc),
        }
    }

    fn harvest(self) -> Fruit {
        let mut counts = Vec::with_capacity(FACETS.len());
        let mut buf = String::new();
        for (f, col) in self.columns.iter().enumerate() {
            let mut map = HashMap::new();
            if let Some(col) = col {
                let ords: Vec<u64> = (0..self.counts[f].len() as u64)
                    .filter(|&o| self.counts[f][o as usize] > 0)
                    .collect();
                match terms_of(col, &ords) {
                    Some(terms) => {
                        for (o, t) in ords.iter().zip(terms) {
                            map.insert(t, self.counts[f][*o as usize]);
                        }
                    }
                    None => {
                        for (ord, &n) in self.counts[f].iter().enumerate() {
                            if n > 0 && col.ord_to_str(ord as u64, &mut buf).unwrap_or(false) {
                                map.insert(buf.clone(), n);
                            }
                        }
                    }
                }
            }
            counts.push(map);
        }
        // department names (sort by department): each distinct one read once
        let depts: Option<(Vec<u64>, Vec<String>)> = self.dept.as_ref().and_then(|c| {
            let mut ords: Vec<u64> = self
                .hits
                .iter()
                .map(|h| h.3)
                .filter(|&o| o < c.num_terms() as u64)
                .collect();
            ords.sort_unstable();
            ords.dedup();
            terms_of(c, &ords).map(|t| (ords, t))
        });
        let hits = self
            .hits
            .into_iter()
            .map(|(score, doc, order, dept_ord)| {
                let mut dept = String::new();
                if let Some(c) = &self.dept {
                    match &depts {
                        // an ord outside the dictionary reads as ""
                        Some((ords, names)) => {
                            if let Ok(i) = ords.binary_search(&dept_ord) {
                                dept = names[i].clone();
                            }
                        }
                        None => {
                            let _ = c.ord_to_str(dept_ord, &mut dept);
                        }
                    }
                }
                RawHit {
                    score,
                    address: DocAddress::new(self.segment, doc),
                    order,
                    dept,
                }
            })
            .collect();
        Fruit { hits, counts }
    }
}

/// The strings of a column's term ordinals `ords` (sorted, distinct), read in
/// one pass over the dictionary instead of one block decompression per
/// ordinal; `None` when any of them cannot be read (the caller then reads
/// them one by one, as before).
fn terms_of(col: &StrColumn, ords: &[u64]) -> Option<Vec<String>> {
    let mut out = Vec::with_capacity(ords.len());
    let mut utf8 = true;
    let found = col
        .dictionary()
        .sorted_ords_to_term_cb(ords, |b| match std::str::from_utf8(b) {
            Ok(t) => out.push(t.to_string()),
            Err(_) => utf8 = false,
        });
    (matches!(found, Ok(true)) && utf8 && out.len() == ords.len()).then_some(out)
}
