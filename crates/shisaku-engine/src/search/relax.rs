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

use tantivy::Searcher;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query};

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
/// least one unit (or the whole strict query), every required phrase, no
/// exclusion. None when the query has fewer than two units (nothing to drop).
pub fn relaxed_query(
    searcher: &Searcher,
    strict: &dyn Query,
    r: &Relaxable,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    if r.units.len() < 2 {
        return Ok(None);
    }
    let n = searcher.num_docs().max(1);
    let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, strict.box_clone())];
    for (unit, rarity) in &r.units {
        let rarity = match rarity {
            Some(r) => *r,
            // a unit of bigrams or readings: counted
            None => match searcher.search(&**unit, &Count)? as u64 {
                0 => continue,
                df => idf(df, n),
            },
        };
        let scored = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(unit.box_clone(), rarity)) as Box<dyn Query>,
            ),
            (
                Occur::Should,
                Box::new(BoostQuery::new(unit.box_clone(), DETAIL)),
            ),
        ]);
        any.push((Occur::Should, Box::new(scored)));
    }
    let mut all: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(BooleanQuery::new(any)))];
    all.extend(r.required.iter().map(|q| (Occur::Must, q.box_clone())));
    all.extend(r.excluded.iter().map(|q| (Occur::MustNot, q.box_clone())));
    Ok(Some(Box::new(BooleanQuery::new(all))))
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
