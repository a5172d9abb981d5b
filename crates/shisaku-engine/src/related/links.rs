//! The links of one measure: its shortlisted candidates scored, cut at
//! [`MIN_LINK_SCORE`] and the limit, best first, with
//! the terms the pair shares.

use std::collections::HashSet;

use super::candidates::*;
use super::score::*;
use super::*;

impl Profiles {
    /// Both link lists of the measure at rank `s` (other plans, all plans)
    /// from one pass over the postings, each candidate scored once; the same
    /// lists as two calls of [`Profiles::related`].
    pub(super) fn related_both(&self, s: usize, limit: usize, scratch: &mut Scratch) -> BothLinks {
        let cands = self.candidates(s, scratch);
        let own = self.plan_of[s];
        let (mine, others): (Vec<_>, Vec<_>) = cands
            .into_iter()
            .partition(|(o, _)| self.plan_of[*o as usize] == own);
        // the shortlist of all plans is within the shortlists of the two sides
        let q = self.query(s);
        let score = |side: Vec<(u32, f32)>| self.score_all(&q, self.shortlist(side, |&c| c));
        let (others, mine) = (score(others), score(mine));
        let exact = |x: &[(u32, f32, f32)]| x.iter().map(|&(o, _, s)| (o, s)).collect::<Vec<_>>();
        let other_links = self.links(s, exact(&others), limit);
        let mut all = others;
        all.extend(mine);
        let all = self.shortlist(all, |&(o, p, _)| (o, p));
        let all_links = self.links(s, exact(&all), limit);
        (other_links, all_links)
    }

    /// The best `limit` links of rank `s` among its (candidate rank, exact
    /// score) pairs: at least [`MIN_LINK_SCORE`], best first (ties by position).
    pub(super) fn links(&self, s: usize, scored: Vec<(u32, f32)>, limit: usize) -> Vec<Link> {
        // (position, rank, score)
        let mut links: Vec<(u32, u32, f32)> = scored
            .into_iter()
            .filter(|(_, score)| *score >= MIN_LINK_SCORE)
            .map(|(o, score)| (self.position_of[o as usize], o, score))
            .collect();
        links.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        // best first, so only the pairs up to the limit are checked
        let mut kept = 0;
        links.retain(|&(_, o, _)| {
            let keep = kept < limit && self.shares_specific(s, o as usize);
            kept += usize::from(keep);
            keep
        });
        links
            .into_iter()
            .map(|(d, o, score)| Link {
                id: self.ids[d as usize].clone(),
                score: rounded(score),
                shared_terms: self.shared_terms_of_ranks(s, o as usize, 5),
            })
            .collect()
    }

    /// Ranks `a` and `b` share a term that is not a generic head noun: two
    /// 講座 or a 協議会 and a 地域協議会 sharing nothing else are not the
    /// same program.
    pub(super) fn shares_specific(&self, a: usize, b: usize) -> bool {
        matching(self.rows.vector(a), self.rows.vector(b))
            .any(|(t, _, _)| !self.generic.get(t as usize).copied().unwrap_or(false))
    }

    pub(super) fn shared_terms_of_ranks(&self, a: usize, b: usize, k: usize) -> Vec<String> {
        let mut shared: Vec<(u32, f32)> = matching(self.rows.vector(a), self.rows.vector(b))
            .map(|(t, x, y)| (t, x * y))
            .collect();
        shared.sort_by(|x, y| y.1.total_cmp(&x.1));
        let both: HashSet<&str> = shared
            .iter()
            .map(|(t, _)| self.terms[*t as usize].as_str())
            .collect();
        // two adjacent nouns counted as one term (自殺対策連絡, 特別障害) are a
        // fragment of the documents' wording: their nouns are shown instead
        // (or of a one-character word and a noun: 中活動)
        let part = |s: &str| both.contains(s) || s.chars().count() == 1;
        let pair = |term: &str| {
            term.char_indices().skip(1).any(|(i, _)| {
                let (a, b) = (&term[..i], &term[i..]);
                part(a) && part(b) && (both.contains(a) || both.contains(b))
            })
        };
        // a compound's parts (ゲート, キーパー) say nothing the compound does not
        let mut out: Vec<(u32, &str)> = Vec::new();
        for &(t, _) in &shared {
            let term = self.terms[t as usize].as_str();
            if pair(term) || out.iter().any(|(_, o)| o.contains(term)) {
                continue;
            }
            out.retain(|(_, o)| !term.contains(*o));
            out.push((t, term));
            if out.len() == k {
                break;
            }
        }
        out.into_iter()
            .map(|(t, term)| {
                self.display
                    .get(t as usize)
                    .cloned()
                    .unwrap_or_else(|| term.to_string())
            })
            .collect()
    }
}
