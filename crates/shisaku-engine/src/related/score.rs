//! The exact score of a pair: cosine of the profiles, title similarity, a
//! shared title head and title coverage.

use super::rows;
use super::table::TermTable;
use super::*;

pub(super) const COSINE_SHARE: f32 = 0.8;

/// Added when both titles end in the same head noun (see [`title_head`](super::profiles::title_head)).
pub(super) const HEAD_BONUS: f32 = 0.1;

/// Weight of title coverage: the share (by idf) of each title's terms found
/// anywhere in the other measure, averaged over both directions — a link
/// should be about what the other measure's title says it is.
pub(super) const COVERAGE_WEIGHT: f32 = 0.1;

/// A measure prepared for scoring candidates against it.
pub(super) struct Query {
    /// Its rank.
    pub(super) s: usize,
    /// Its profile vector and title terms, by term id.
    pub(super) terms: TermTable,
    /// The summed idf of its title terms.
    pub(super) title_total: f32,
    /// Its title head (0 = none).
    pub(super) head: u32,
}

/// A score as links and reuse matches carry it: to three decimals (the
/// exhaustive check compares against stored links, so both round alike).
pub(super) fn rounded(score: f32) -> f32 {
    (score * 1000.0).round() / 1000.0
}

/// The terms two term-sorted weight lists share: (term, weight in `a`,
/// weight in `b`), in term order.
pub(super) fn matching<'a>(
    a: &'a [(u32, f32)],
    b: &'a [(u32, f32)],
) -> impl Iterator<Item = (u32, f32, f32)> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let m = (a[i].0, a[i].1, b[j].1);
                    i += 1;
                    j += 1;
                    return Some(m);
                }
            }
        }
        None
    })
}

impl Profiles {
    /// The measure at rank `s` prepared for scoring candidates against it.
    pub(super) fn query(&self, s: usize) -> Query {
        let row = self.rows.get(s);
        Query {
            s,
            terms: TermTable::new(row.vector, row.title),
            title_total: row.title_total,
            head: row.head,
        }
    }

    /// (candidate rank, probe score, exact score) of each of `short`. The
    /// candidates may lie anywhere in the corpus: the rows of those a few
    /// places ahead are fetched into the cache while one is scored.
    pub(super) fn score_all(&self, q: &Query, short: Vec<(u32, f32)>) -> Vec<(u32, f32, f32)> {
        const AHEAD: usize = 4;
        (0..short.len())
            .map(|j| {
                if let Some(&(o, _)) = short.get(j + 2 * AHEAD) {
                    self.rows.prefetch_offsets(o as usize);
                    rows::prefetch(&self.title_keys[o as usize]);
                }
                if let Some(&(o, _)) = short.get(j + AHEAD) {
                    self.rows.prefetch_row(o as usize);
                    self.title_keys[o as usize].prefetch();
                }
                let (o, p) = short[j];
                (o, p, self.score_with(q, o as usize))
            })
            .collect()
    }

    /// Exact score of the pair (`q`'s measure, rank `o`): one pass over `o`'s
    /// terms and one over its title terms, looked up in `q`'s table. The
    /// sums run in term order, as a merge of the two sorted lists would.
    pub(super) fn score_with(&self, q: &Query, o: usize) -> f32 {
        let row = self.rows.get(o);
        let (mut cos, mut q_title_hit) = (0.0f32, 0.0f32);
        for &(t, w) in row.vector {
            if let Some(e) = q.terms.get(t) {
                if let Some(qw) = e.weight {
                    cos += qw * w;
                }
                // `o` mentions this title term of `q`'s measure
                q_title_hit += e.title_idf;
            }
        }
        if cos <= 0.0 {
            return 0.0;
        }
        let mut o_title_hit = 0.0f32;
        for &(t, idf) in row.title {
            if q.terms.get(t).is_some_and(|e| e.weight.is_some()) {
                o_title_hit += idf;
            }
        }
        let share = |hit: f32, total: f32| if total > 0.0 { hit / total } else { 0.0 };
        let cov = (share(q_title_hit, q.title_total) + share(o_title_hit, row.title_total)) / 2.0;
        let title = self.title_keys[q.s].sorensen_dice(&self.title_keys[o]) as f32;
        let head = q.head != 0 && q.head == row.head;
        let bonus = if head { HEAD_BONUS } else { 0.0 };
        (COSINE_SHARE * cos + (1.0 - COSINE_SHARE) * title + bonus + COVERAGE_WEIGHT * cov)
            .clamp(0.0, 1.0)
    }
}
