//! One pass over the matching documents that yields both the filtered hits
//! and the facet counts. Counts are disjunctive, as users of faceted search
//! expect: a facet's counts apply every filter *except its own*, so selecting
//! 熊本市 still shows how many hits 荒尾市 would add. Several values in one
//! facet are OR; different facets are AND.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::index::{FACETS, Facet, Fields};

/// A matching document that passed every filter.
#[derive(Debug, Clone)]
pub struct RawHit {
    pub score: Score,
    pub address: DocAddress,
    pub order: u64,
    /// The document's place in the requested [`SortKey`]'s order (0 when no
    /// key is asked for).
    pub key: u32,
}

/// What [`RawHit::key`] holds, for the sorts other than by score or order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    None,
    /// Where the document's `dept_key` (its first listed department) falls in
    /// name order among the index's keys, plus one; 0 when the index has no
    /// such column. Documents without a department sort last.
    Department,
    /// The plan's place in name order.
    Plan,
    /// Newest fiscal year first: `u32::MAX` minus the document's latest
    /// year number; documents without a year last.
    Year,
}

#[derive(Debug, Default)]
pub struct Fruit {
    pub hits: Vec<RawHit>,
    /// Per facet (index in [`FACETS`]): each value with hits, and their number.
    pub counts: Vec<Vec<(String, u64)>>,
    /// Every document the query matched, filters or not, per segment in
    /// ascending order (empty unless [`FacetedCollector::recording_matches`]).
    pub matched: Vec<(SegmentId, Vec<DocId>)>,
}

/// Bits of a [`FacetRows`] entry that hold the value id; the bits above hold
/// the facet (its index in [`FACETS`]).
const ID_BITS: u32 = 28;
const ID_MASK: u32 = (1 << ID_BITS) - 1;

/// Every facet value of every document of a segment, a document's values
/// side by side: document `d` has `entries[starts[d]..starts[d + 1]]`, each
/// entry a facet and a value id (the value's place in [`ColumnCache`]'s
/// sorted values of that facet, the same in every segment).
///
/// A search reads all nine facets of every matching document. From tantivy's
/// columns that is nine lookups per document, each decoding a row index and
/// bit-packed values, and counts by segment ordinal that must be merged by
/// string (a large share of a search on a large corpus); here it is one
/// short run of memory and counts by id. Costs 4 bytes per document and 4
/// per facet value.
struct FacetRows {
    starts: Box<[u32]>,
    entries: Box<[u32]>,
}

impl FacetRows {
    /// `columns[f]`: facet f's column in this segment and its ordinal → id map.
    fn read(
        columns: &[Option<(StrColumn, Vec<u32>)>],
        max_doc: DocId,
    ) -> tantivy::Result<FacetRows> {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut entries = Vec::with_capacity(max_doc as usize * columns.len());
        starts.push(0);
        for doc in 0..max_doc {
            for (f, col) in columns.iter().enumerate() {
                if let Some((column, ids)) = col {
                    let tag = (f as u32) << ID_BITS;
                    entries.extend(
                        column
                            .term_ords(doc)
                            .filter_map(|o| ids.get(o as usize))
                            .map(|&id| tag | id),
                    );
                }
            }
            let end = u32::try_from(entries.len()).map_err(|_| {
                tantivy::TantivyError::InvalidArgument(
                    "a segment has more than 2^32 facet values".to_string(),
                )
            })?;
            starts.push(end);
        }
        Ok(FacetRows {
            starts: starts.into(),
            entries: entries.into(),
        })
    }

    /// The entries of `doc` (none for a document outside the segment).
    fn of(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.starts.get(d), self.starts.get(d + 1)) {
            (Some(&from), Some(&to)) => &self.entries[from as usize..to as usize],
            _ => &[],
        }
    }
}

/// An entry's facet (index in [`FACETS`]) and value id.
fn split(entry: u32) -> (usize, usize) {
    ((entry >> ID_BITS) as usize, (entry & ID_MASK) as usize)
}

/// What the collector reads of one segment, per document.
struct SegmentColumns {
    segment: SegmentId,
    rows: FacetRows,
    order: Box<[u64]>,
    /// [`RawHit::dept`] of each document.
    dept: Box<[u32]>,
}

/// The sorted values of a string column over every segment, and per segment
/// the place of each of its term ordinals among them.
struct Union {
    values: Box<[String]>,
    places: Vec<Vec<u32>>,
}

/// The [`Union`] of a column's values over every segment.
fn union_values(columns: &[Option<StrColumn>]) -> tantivy::Result<Union> {
    let mut per_segment = Vec::with_capacity(columns.len());
    for column in columns {
        let mut values = Vec::new();
        if let Some(c) = column {
            let mut stream = c.dictionary().stream()?;
            while stream.advance() {
                values.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
        }
        per_segment.push(values);
    }
    let mut all: Vec<String> = per_segment.iter().flatten().cloned().collect();
    all.sort_unstable();
    all.dedup();
    if all.len() > ID_MASK as usize {
        return Err(tantivy::TantivyError::InvalidArgument(format!(
            "a facet has more than {ID_MASK} distinct values"
        )));
    }
    let places = per_segment
        .iter()
        .map(|values| {
            values
                .iter()
                .map(|v| all.binary_search(v).map_or(u32::MAX, |i| i as u32))
                .collect()
        })
        .collect();
    Ok(Union {
        values: all.into(),
        places,
    })
}

/// The facet columns of every segment of an open index, read once when the
/// index is opened (a generation never changes): every facet's values over the
/// whole index, and per segment each document's value ids, order and
/// department.
#[derive(Default)]
pub struct ColumnCache {
    segments: Vec<Arc<SegmentColumns>>,
    /// Per facet (index in [`FACETS`]): its values, sorted; a value's id is
    /// its place here.
    values: Vec<Box<[String]>>,
}

impl ColumnCache {
    pub fn open(searcher: &Searcher) -> tantivy::Result<ColumnCache> {
        let readers = searcher.segment_readers();
        let column = |r: &SegmentReader, name: &str| r.fast_fields().str(name);
        let mut facet_columns = Vec::with_capacity(FACETS.len());
        let mut values = Vec::with_capacity(FACETS.len());
        let mut maps = Vec::with_capacity(FACETS.len());
        for f in FACETS {
            let name = Fields::facet_field_name(f);
            let columns = readers
                .iter()
                .map(|r| column(r, &name))
                .collect::<tantivy::Result<Vec<_>>>()?;
            let union = union_values(&columns)?;
            facet_columns.push(columns);
            values.push(union.values);
            maps.push(union.places);
        }
        let dept_columns = readers
            .iter()
            .map(|r| column(r, "dept_key"))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let dept_maps = union_values(&dept_columns)?.places;
        let mut segments = Vec::with_capacity(readers.len());
        for (s, reader) in readers.iter().enumerate() {
            let max_doc = reader.max_doc();
            let columns: Vec<Option<(StrColumn, Vec<u32>)>> = (0..FACETS.len())
                .map(|f| {
                    facet_columns[f][s]
                        .clone()
                        .map(|c| (c, std::mem::take(&mut maps[f][s])))
                })
                .collect();
            let order = reader.fast_fields().u64("order")?;
            let dept = match &dept_columns[s] {
                Some(c) => (0..max_doc)
                    .map(|d| {
                        c.term_ords(d)
                            .next()
                            .and_then(|o| dept_maps[s].get(o as usize))
                            .map_or(0, |&id| id.saturating_add(1))
                    })
                    .collect(),
                None => vec![0; max_doc as usize].into(),
            };
            segments.push(Arc::new(SegmentColumns {
                segment: reader.segment_id(),
                rows: FacetRows::read(&columns, max_doc)?,
                order: (0..max_doc)
                    .map(|d| order.first(d).unwrap_or(u64::MAX))
                    .collect(),
                dept,
            }));
        }
        Ok(ColumnCache { segments, values })
    }

    /// The columns of segment `ord`.
    fn get(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Arc<SegmentColumns>> {
        match self.segments.get(ord as usize) {
            Some(c) if c.segment == reader.segment_id() => Ok(Arc::clone(c)),
            // the reader is never reloaded: a generation's segments are fixed
            _ => Err(tantivy::TantivyError::InternalError(format!(
                "segment {} is not the one read when the index was opened",
                reader.segment_id().short_uuid_string()
            ))),
        }
    }

    /// The id of `value` in facet `f`.
    fn id(&self, f: usize, value: &str) -> Option<usize> {
        self.values
            .get(f)?
            .binary_search_by(|v| v.as_str().cmp(value))
            .ok()
    }
}

pub struct FacetedCollector<'c> {
    /// Bit f set: facet f (index in [`FACETS`]) has a filter.
    filtered: u16,
    /// Per facet: None = no filter; Some(ok) = whether each value id satisfies it.
    allowed: Arc<[Option<Box<[bool]>>]>,
    /// What each hit's sort key is.
    key: KeyOf,
    columns: &'c ColumnCache,
    /// Whether [`Fruit::matched`] is filled.
    record: bool,
}

/// How a segment collector finds a hit's [`RawHit::key`].
#[derive(Clone)]
enum KeyOf {
    None,
    Department,
    /// The value id of this facet (index in [`FACETS`]).
    FacetId(u32),
    /// The largest of `ranks[id]` over the values of this facet, subtracted
    /// from `u32::MAX`.
    NewestOf(u32, Arc<[u32]>),
}

impl KeyOf {
    fn of(&self, row: &[u32], dept: u32) -> u32 {
        match self {
            KeyOf::None => 0,
            KeyOf::Department => dept,
            KeyOf::FacetId(f) => row
                .iter()
                .map(|&e| split(e))
                .find(|&(g, _)| g == *f as usize)
                .map_or(u32::MAX, |(_, id)| id as u32),
            KeyOf::NewestOf(f, ranks) => {
                u32::MAX
                    - row
                        .iter()
                        .map(|&e| split(e))
                        .filter(|&(g, _)| g == *f as usize)
                        .filter_map(|(_, id)| ranks.get(id).copied())
                        .max()
                        .unwrap_or(0)
            }
        }
    }
}

impl<'c> FacetedCollector<'c> {
    /// Several values in one facet are OR; different facets are AND.
    pub fn new(filters: &[(Facet, String)], key: SortKey, columns: &'c ColumnCache) -> Self {
        let mut filtered = 0u16;
        let mut allowed: Vec<Option<Box<[bool]>>> = vec![None; FACETS.len()];
        for (f, v) in filters {
            let i = FACETS
                .iter()
                .position(|x| x == f)
                .expect("every facet is in FACETS");
            filtered |= 1 << i;
            let ok = allowed[i].get_or_insert_with(|| {
                vec![false; columns.values.get(i).map_or(0, |v| v.len())].into()
            });
            // a value the index does not hold matches nothing
            if let Some(id) = columns.id(i, v) {
                ok[id] = true;
            }
        }
        let place = |f: Facet| FACETS.iter().position(|x| *x == f).unwrap_or(0) as u32;
        let key = match key {
            SortKey::None => KeyOf::None,
            SortKey::Department => KeyOf::Department,
            SortKey::Plan => KeyOf::FacetId(place(Facet::Plan)),
            SortKey::Year => {
                let f = place(Facet::Year);
                // R2 → 2: fiscal years by number, not by name (R10 after R9)
                let ranks = columns
                    .values
                    .get(f as usize)
                    .map(|vs| {
                        vs.iter()
                            .map(|v| {
                                v.trim_start_matches(|c: char| !c.is_ascii_digit())
                                    .parse::<u32>()
                                    .map_or(1, |n| n.saturating_add(1))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                KeyOf::NewestOf(f, ranks)
            }
        };
        FacetedCollector {
            filtered,
            allowed: allowed.into(),
            key,
            columns,
            record: false,
        }
    }

    /// The same collector, also listing every matching document in
    /// [`Fruit::matched`].
    pub fn recording_matches(&self) -> Self {
        FacetedCollector {
            filtered: self.filtered,
            allowed: Arc::clone(&self.allowed),
            key: self.key.clone(),
            columns: self.columns,
            record: true,
        }
    }
}

pub struct FacetedSegment {
    segment: SegmentOrdinal,
    columns: Arc<SegmentColumns>,
    filtered: u16,
    allowed: Arc<[Option<Box<[bool]>>]>,
    /// Per facet: hits per value id.
    counts: Vec<Vec<u32>>,
    key: KeyOf,
    hits: Vec<RawHit>,
    /// Every collected document, when recording.
    matched: Option<Vec<DocId>>,
}

/// What a segment collects: its hits and its counts per facet and value id.
pub struct SegmentFruit {
    hits: Vec<RawHit>,
    counts: Vec<Vec<u32>>,
    matched: Option<(SegmentId, Vec<DocId>)>,
}

impl Collector for FacetedCollector<'_> {
    type Fruit = Fruit;
    type Child = FacetedSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetedSegment> {
        Ok(FacetedSegment {
            segment,
            columns: self.columns.get(segment, reader)?,
            filtered: self.filtered,
            allowed: Arc::clone(&self.allowed),
            counts: self
                .columns
                .values
                .iter()
                .map(|v| vec![0; v.len()])
                .collect(),
            key: self.key.clone(),
            hits: Vec::new(),
            matched: self.record.then(Vec::new),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Fruit> {
        let mut hits = Vec::with_capacity(fruits.iter().map(|f| f.hits.len()).sum());
        let mut totals: Vec<Vec<u64>> = self
            .columns
            .values
            .iter()
            .map(|v| vec![0; v.len()])
            .collect();
        let mut matched = Vec::new();
        for f in fruits {
            hits.extend(f.hits);
            matched.extend(f.matched);
            for (total, counts) in totals.iter_mut().zip(f.counts) {
                for (t, n) in total.iter_mut().zip(counts) {
                    *t += u64::from(n);
                }
            }
        }
        let counts = totals
            .iter()
            .zip(&self.columns.values)
            .map(|(total, values)| {
                total
                    .iter()
                    .zip(values.iter())
                    .filter(|(n, _)| **n > 0)
                    .map(|(&n, v)| (v.clone(), n))
                    .collect()
            })
            .collect();
        Ok(Fruit {
            hits,
            counts,
            matched,
        })
    }
}

/// Counts the values in `row` of the facets whose bit is set in `facets`.
fn count(counts: &mut [Vec<u32>], row: &[u32], facets: u16) {
    for &e in row {
        let (f, id) = split(e);
        if facets & (1 << f) != 0
            && let Some(c) = counts.get_mut(f).and_then(|c| c.get_mut(id))
        {
            *c += 1;
        }
    }
}

impl SegmentCollector for FacetedSegment {
    type Fruit = SegmentFruit;

    /// Counts are disjunctive: a document that fails only facet f's filter
    /// still counts for facet f's values.
    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(m) = &mut self.matched {
            m.push(doc);
        }
        let columns = &self.columns;
        let row = columns.rows.of(doc);
        let mut passed = 0u16;
        if self.filtered != 0 {
            for &e in row {
                let (f, id) = split(e);
                if let Some(Some(ok)) = self.allowed.get(f)
                    && ok.get(id).copied().unwrap_or(false)
                {
                    passed |= 1 << f;
                }
            }
        }
        let failing = self.filtered & !passed;
        match failing.count_ones() {
            0 => {
                count(&mut self.counts, row, u16::MAX);
                let d = doc as usize;
                self.hits.push(RawHit {
                    score,
                    address: DocAddress::new(self.segment, doc),
                    order: columns.order.get(d).copied().unwrap_or(u64::MAX),
                    key: self.key.of(row, columns.dept.get(d).copied().unwrap_or(0)),
                });
            }
            // passes every filter but this facet's own: counts for this facet only
            1 => count(&mut self.counts, row, failing),
            _ => {}
        }
    }

    fn harvest(self) -> SegmentFruit {
        SegmentFruit {
            hits: self.hits,
            counts: self.counts,
            matched: self.matched.map(|m| (self.columns.segment, m)),
        }
    }
}
