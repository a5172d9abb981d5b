//! Related measures across plans, the overlap report ([`overlap`]) and the
//! wording-reuse finder ([`reuse`]).
//!
//! A measure is profiled by what it *is*: the nouns of its title (×2) and
//! content, compound parts at half weight, synonyms folded to one term
//! (配偶者暴力 → DV), and — at low weight (×0.35), because the tabular reports
//! print nothing but a name — the content nouns of its progress texts. Terms
//! are TF-IDF weighted, (1 + ln tf) · ln(N/df)^1.5 so rare shared terms count
//! most, and L2-normalized. The boilerplate terms of
//! `dictionaries/related_stopwords.txt` and the plans' municipality names are
//! never part of a profile, so 実施 / 継続実施 / 新型コロナ…中止 / 適切に…できた
//! cannot create a link (a test pins it).
//!
//! Adjacent content nouns also count as one term (生活支援), so a shared
//! phrase weighs more than the same common words scattered.
//!
//! A generic head noun (`dictionaries/related_generic_heads.txt`: 講座,
//! 協議会, 相談, サポーター…) or two of them run together says what kind of
//! thing a measure is, not which program: a pair sharing nothing else is
//! never linked, and so never joins an overlap cluster. So does a noun the
//! documents only write between a subject and such a head (出前 of 防災出前講座,
//! ふれあい出前講座: see [`kind_modifiers`](profiles::kind_modifiers)), with its compound; being rare,
//! these weigh [`KIND_WEIGHT`](profiles::KIND_WEIGHT) of their TF-IDF in a profile, so that a kind
//! (出前講座) shared by two programs on different subjects does not score
//! them as one program above the overlap threshold.
//!
//! Score = 0.8 · cosine(profiles) + 0.2 · Sørensen–Dice(bigrams of the titles'
//! content words) + 0.1 when both titles end in the same head noun + 0.1 ·
//! title coverage (how much of each title, by idf, the other measure
//! mentions), clamped to [0, 1]; links under [`MIN_LINK_SCORE`] are not listed.
//!
//! Complexity: candidates come from an inverted index. For each measure only
//! its [`PROBE_TERMS`] heaviest terms are probed, postings longer than
//! [`max_postings`] (terms too common to discriminate) are skipped, and of
//! the others at most [`PROBE_DEPTH`] (the heaviest) are read, so one lookup
//! costs O(k·P) with P constant, and linking every measure O(n·k·P + n·C·L)
//! with C rescored candidates of profile length L — linear in n once the
//! postings are built (O(N) to select each term's heaviest P, O(T·P log P)
//! to order them), no all-pairs loop. Only those P are kept per term.
//!
//! On a large corpus the link time is set by cache misses more than by
//! arithmetic, so: candidates are summed one [`BLOCK`](candidates::BLOCK) of positions at a
//! time (the accumulator stays in the core's cache); everything the pair
//! score reads of a measure is one row (`rows::MeasureRows`), and the rows
//! of the next few candidates are prefetched while one is scored; the
//! measure's own terms sit in a small hash table (`table::TermTable`), so a
//! candidate is scored in one pass over its terms. Measures are linked in
//! [`Profiles::link_order`], grouped by their heaviest probed terms, so that
//! one measure's postings and candidates are often still in the cache for
//! the next, and their profiles are *stored* in that order (a measure's
//! *rank*), so that the candidates of one group lie near each other in
//! memory instead of anywhere in the corpus. Every tie is still broken
//! by the measure's position in the corpus, never by its rank, so the links
//! do not depend on how the profiles are laid out (a test stores them in
//! other orders).

mod candidates;
mod dice;
mod links;
mod order;
pub mod overlap;
mod profiles;
pub mod reuse;
mod rows;
mod score;
mod table;
#[cfg(test)]
mod tests;
mod timing;

pub use dice::DiceKey;
pub use profiles::{profile_terms, stopwords};
use score::rounded;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use rows::{MeasureRows, Rows};

/// Heaviest terms of a measure used to find candidates.
pub const PROBE_TERMS: usize = 24;
/// Links scoring below this are not listed.
pub const MIN_LINK_SCORE: f32 = 0.1;
/// Postings longer than this are not probed (see module docs): terms in
/// more than an eighth of a large corpus, but never a cap below
/// [`PROBE_DEPTH`], so a small corpus (up to 2,000 measures) probes every
/// term: reading all of its postings is cheap, and an eighth of it is a few
/// dozen measures, so skipping terms that common would lose many of the
/// links exhaustive scoring finds (`bench --links-sample N --exact N`
/// measures the recall).
pub fn max_postings(n: usize) -> usize {
    (n / 8).max(PROBE_DEPTH)
}

/// At most this many postings of one term are probed: the heaviest (selected
/// when the profiles are built). A constant, so that finding candidates
/// costs O(k·P) per measure however large the corpus.
pub const PROBE_DEPTH: usize = 2000;

/// Both link lists of a measure: (other plans, all plans).
pub type BothLinks = (Vec<Link>, Vec<Link>);

/// One link from a measure to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub id: String,
    pub score: f32,
    pub shared_terms: Vec<String>,
}

/// Term profiles of a corpus and the inverted index over them.
///
/// The public methods take and give measure *positions* (the order of the
/// corpus); inside, a measure's profile is stored at its *rank* (its place
/// in [`Profiles::link_order`], not a score ranking). Everything indexed by
/// rank says so.
pub struct Profiles {
    /// By position.
    pub ids: Vec<String>,
    /// By position.
    pub titles: Vec<String>,
    /// Plan of each rank's measure, numbered in order of first appearance.
    plan_of: Vec<u32>,
    /// Profile vector (sorted by term id; weights L2-normalized), title
    /// terms with their idf, and title head of each rank's measure.
    rows: MeasureRows,
    /// Title folded for title similarity, by rank.
    title_keys: Vec<DiceKey>,
    /// Per term, the ranks that may be probed: the [`PROBE_DEPTH`]
    /// heaviest (ties by position), in rank order; none for a term in more
    /// than [`max_postings`] measures.
    postings: Rows<(u32, f32)>,
    terms: Vec<String>,
    /// Position of each id.
    by_id: HashMap<String, usize>,
    /// Rank of each position.
    rank_of: Vec<u32>,
    /// Position of each rank's measure.
    position_of: Vec<u32>,
    /// Positions summed at a time: [`BLOCK`](candidates::BLOCK) (smaller in a test, so that the
    /// 463 real measures span several blocks).
    block: usize,
    /// Candidates rescored per measure and side: [`CANDIDATES`](candidates::CANDIDATES) (smaller in
    /// a test, so that ties at the cut are met on the real documents).
    candidates: usize,
    /// How long each phase of [`Profiles::build`] took (name, seconds).
    pub build_phases: Vec<(&'static str, f64)>,
    /// By term id: the term as the documents most often write it (ＤＶ, 障がい).
    display: Vec<String>,
    /// By term id: a generic head noun (`dictionaries/related_generic_heads.txt`)
    /// or a compound of two, which cannot make a link on its own.
    generic: Vec<bool>,
}

impl Profiles {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    fn rank(&self, d: usize) -> usize {
        self.rank_of[d] as usize
    }

    /// The most related measures of the measure at position `d`: other
    /// plans only unless `all_plans`; never `d` itself; best first.
    pub fn related(&self, d: usize, limit: usize, all_plans: bool) -> Vec<Link> {
        let s = self.rank(d);
        let mut scratch = self.scratch();
        let mut cands = self.candidates(s, &mut scratch);
        if !all_plans {
            cands.retain(|(o, _)| self.plan_of[*o as usize] != self.plan_of[s]);
        }
        let q = self.query(s);
        let scored = self.score_all(&q, self.shortlist(cands, |&c| c));
        self.links(
            s,
            scored.into_iter().map(|(o, _, s)| (o, s)).collect(),
            limit,
        )
    }

    /// The best `k` link scores of the measure at position `d` among *all*
    /// measures of other plans, by scoring every one (on all cores; rounded
    /// as links are): the reference the candidate search is measured against
    /// (`shisaku bench --links-sample N --exact K`), never used to link.
    pub fn exhaustive_scores(&self, d: usize, k: usize) -> Vec<f32> {
        let s = self.rank(d);
        let q = self.query(s);
        let mut scores: Vec<f32> = (0..self.len())
            .into_par_iter()
            .filter(|&o| self.plan_of[o] != self.plan_of[s] && self.shares_specific(s, o))
            .map(|o| rounded(self.score_with(&q, o)))
            .filter(|s| *s >= MIN_LINK_SCORE)
            .collect();
        scores.sort_by(|a, b| b.total_cmp(a));
        scores.truncate(k);
        scores
    }

    /// Exact score of the pair of positions (a, b).
    pub fn score(&self, a: usize, b: usize) -> f32 {
        self.score_with(&self.query(self.rank(a)), self.rank(b))
    }

    /// The terms contributing most to the cosine of the pair of positions (a, b).
    pub fn shared_terms(&self, a: usize, b: usize, k: usize) -> Vec<String> {
        self.shared_terms_of_ranks(self.rank(a), self.rank(b), k)
    }

    /// Both link lists (other plans, all plans), `limit` each, of the
    /// measures at `positions`, in that order. They are computed in link
    /// order (see [`Profiles::link_order`]), whatever the order given.
    pub fn links_both_at(&self, positions: &[usize], limit: usize) -> Vec<BothLinks> {
        let mut order: Vec<(u32, usize)> = positions
            .iter()
            .enumerate()
            .map(|(i, &d)| (self.rank_of[d], i))
            .collect();
        order.par_sort_unstable();
        let ordered: Vec<usize> = order.iter().map(|&(_, i)| positions[i]).collect();
        let mut done: Vec<(usize, BothLinks)> = order
            .into_iter()
            .map(|x| x.1)
            .zip(self.links_both_in_order(&ordered, limit))
            .collect();
        done.par_sort_unstable_by_key(|x| x.0);
        done.into_iter().map(|x| x.1).collect()
    }

    /// [`Profiles::links_both_at`] computed in the order given (for a caller
    /// that already has the positions in link order), on all cores in one
    /// pass over the postings per measure.
    pub fn links_both_in_order(&self, positions: &[usize], limit: usize) -> Vec<BothLinks> {
        // one scratch per rayon job (a block-sized array each)
        positions
            .par_iter()
            .map_init(
                || self.scratch(),
                |scratch, &d| self.related_both(self.rank(d), limit, scratch),
            )
            .collect()
    }

    /// Every position, in the order measures are best linked (the order of
    /// their ranks): those whose two heaviest probed terms are the same come
    /// one after the other, so they read many of the same postings and
    /// rescore many of the same candidates while those are still in the
    /// cache; storing the profiles in this order also puts the candidates
    /// of one group near each other in memory.
    pub fn link_order(&self) -> Vec<usize> {
        self.position_of.iter().map(|&d| d as usize).collect()
    }
}
