//! No dead ends: when the strict query (every word) finds fewer than
//! [`RELAX_BELOW`] measures, the measures matching only some of the query's
//! units are appended after the strict ones.
//!
//! A unit is a plain word, an OR group, or — for a word the dictionary splits
//! (アルコール依存症 → アルコール/依存/症) — each of its terms, synonyms
//! included. A partial match scores the rarity (BM25 idf over the measures) of
//! every unit it matches, plus a small share of its BM25 score as a tie-break,
//! so a measure holding the two rarest words outranks one holding the commonest
//! word many times. Quoted phrases stay required and `-exclusions` stay
//! excluded; filters apply as to any search.

use std::sync::Arc;

use tantivy::collector::Count;
use tantivy::index::SegmentId;
use tantivy::query::{
    BooleanQuery, ConstScorer, EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer,
    Weight,
};
use tantivy::{DocId, DocSet, Score, Searcher, SeekDangerResult, SegmentReader, TERMINATED, Term};

use super::compile::Relaxable;
use super::query::{Clause, ParsedQuery};
use shisaku_core::analysis::Analyzer;

/// Fewer strict hits than this (a first page of results) and the partial
/// matches are appended, so the first page is not left half empty.
pub const RELAX_BELOW: usize = 10;
/// Weight of a unit's BM25 score next to its idf: mostly orders measures that
/// match the same units (a title match, a repeated word), while the number and
/// rarity of the units matched dominate.
const DETAIL: f32 = 0.1;

/// How strictly the words of a query must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// Every word; partial matches follow when fewer than ten measures hold them all.
    #[default]
    Auto,
    /// Every word, nothing else.
    All,
}

impl MatchMode {
    pub fn parse(v: &str) -> Option<MatchMode> {
        match v {
            "auto" => Some(MatchMode::Auto),
            "all" => Some(MatchMode::All),
            _ => None,
        }
    }
}

/// Whether `parsed` has two units or more to drop some of: two plain words
/// (or OR groups), or one plain word the dictionary splits. Checked before
/// taking the query apart, which copies it.
pub fn may_relax(parsed: &ParsedQuery) -> bool {
    let plain: Vec<&Clause> = parsed
        .clauses
        .iter()
        .filter(|c| !c.negated && (c.any_of.len() != 1 || !c.any_of[0].phrase))
        .collect();
    match plain.as_slice() {
        [] => false,
        [one] => one.any_of.len() == 1 && Analyzer::shared().terms(&one.any_of[0].text).len() > 1,
        _ => true,
    }
}

/// BM25's idf of a unit matching `df` of `n` measures.
pub fn idf(df: u64, n: u64) -> f32 {
    let (df, n) = (df as f32, n as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The query whose hits are the strict hits and the partial matches: at
/// least one unit (or one of `strict`, the documents the strict query
/// matched), every required phrase, no exclusion. None when the query has
/// fewer than two units (nothing to drop).
///
/// The strict matches are given as found rather than searched again: their
/// scores in this query are never used (the strict hits keep their strict
/// scores), only that they match.
pub fn relaxed_query(
    searcher: &Searcher,
    strict: Vec<(SegmentId, Vec<DocId>)>,
    r: &Relaxable,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    if r.units.len() < 2 {
        return Ok(None);
    }
    let n = searcher.num_docs().max(1);
    let strict = Matched(Arc::new(
        strict
            .into_iter()
            .map(|(segment, mut docs)| {
                docs.sort_unstable();
                docs.dedup();
                (segment, docs)
            })
            .collect(),
    ));
    let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(strict))];
    for (unit, rarity) in &r.units {
        let rarity = match rarity {
            Some(r) => *r,
            // a unit of bigrams or readings: counted
            None => match searcher.search(&**unit, &Count)? as u64 {
                0 => continue,
                df => idf(df, n),
            },
        };
        any.push((
            Occur::Should,
            Box::new(Scored {
                unit: unit.box_clone(),
                rarity,
            }),
        ));
    }
    let mut all: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(BooleanQuery::new(any)))];
    all.extend(r.required.iter().map(|q| (Occur::Must, q.box_clone())));
    all.extend(r.excluded.iter().map(|q| (Occur::MustNot, q.box_clone())));
    Ok(Some(Box::new(BooleanQuery::new(all))))
}

/// A unit of a partial match: a document matching it scores its rarity plus
/// [`DETAIL`] times its BM25 score, from one pass over the unit's postings.
#[derive(Debug)]
struct Scored {
    unit: Box<dyn Query>,
    rarity: f32,
}

impl Clone for Scored {
    fn clone(&self) -> Self {
        Scored {
            unit: self.unit.box_clone(),
            rarity: self.rarity,
        }
    }
}

impl Query for Scored {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weight = self.unit.weight(enable_scoring)?;
        Ok(if enable_scoring.is_scoring_enabled() {
            Box::new(ScoredWeight {
                weight,
                rarity: self.rarity,
            })
        } else {
            weight
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.unit.query_terms(visitor)
    }
}

struct ScoredWeight {
    weight: Box<dyn Weight>,
    rarity: f32,
}

impl Weight for ScoredWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ScoredScorer {
            inner: self.weight.scorer(reader, boost * DETAIL)?,
            rarity: boost * self.rarity,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let detail = self.weight.explain(reader, doc)?;
        let mut e = Explanation::new("rarity + detail", self.rarity + detail.value() * DETAIL);
        e.add_const("rarity", self.rarity);
        e.add_detail(detail);
        Ok(e)
    }
}

struct ScoredScorer {
    inner: Box<dyn Scorer>,
    rarity: f32,
}

impl DocSet for ScoredScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        self.inner.seek_danger(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for ScoredScorer {
    fn score(&mut self) -> Score {
        self.rarity + self.inner.score()
    }
}

/// Documents already known to match, per segment (ascending doc ids), as a
/// query scoring each of them 0.
#[derive(Debug, Clone)]
struct Matched(Arc<Vec<(SegmentId, Vec<DocId>)>>);

impl Query for Matched {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Matched {
    fn docs(&self, reader: &SegmentReader) -> &[DocId] {
        self.0
            .iter()
            .find(|(s, _)| *s == reader.segment_id())
            .map_or(&[], |(_, d)| d.as_slice())
    }
}

impl Weight for Matched {
    fn scorer(&self, reader: &SegmentReader, _: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self.docs(reader);
        if docs.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(ConstScorer::new(
            Docs {
                docs: docs.to_vec(),
                at: 0,
            },
            0.0,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.docs(reader).binary_search(&doc).is_err() {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is not a strict match"
            )));
        }
        Ok(Explanation::new("strict match", 0.0))
    }
}

/// A sorted list of documents as a [`DocSet`].
struct Docs {
    docs: Vec<DocId>,
    at: usize,
}

impl DocSet for Docs {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.at) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rarer_units_weigh_more_and_weights_stay_positive() {
        assert!(idf(1, 463) > idf(10, 463));
        assert!(idf(10, 463) > idf(200, 463));
        assert!(idf(463, 463) > 0.0);
    }
}
