//! Finding a measure's candidates: its heaviest terms probed in the kept
//! postings, summed one block of measures at a time, and the best of them
//! shortlisted for exact scoring.

use rayon::prelude::*;

use super::rows::{MeasureRows, Rows};
use super::*;

/// Candidates rescored exactly per measure.
pub(super) const CANDIDATES: usize = 300;

/// Candidates are summed a block of this many measure positions at a time,
/// so that the accumulator (256 kB) stays in the core's L2 cache however
/// large the corpus; the postings are kept in position order for it.
pub(super) const BLOCK: usize = 1 << 16;

/// Per-thread accumulator of candidate scores: dense over one [`BLOCK`] of
/// measure positions: a hash map per measure is slow on large corpora, and
/// a dense array over every measure of a large corpus (4 bytes each) spills
/// out of the core's cache. Only positive amounts are added, so a sum of zero
/// means "not touched yet".
pub(super) struct Scratch {
    pub(super) acc: Vec<f32>,
    pub(super) touched: Vec<u32>,
}

impl Scratch {
    pub(super) fn new(n: usize) -> Scratch {
        Scratch {
            acc: vec![0.0; n],
            touched: Vec::new(),
        }
    }

    /// Adds `x` to `d`'s sum; amounts that are not positive are ignored.
    pub(super) fn add(&mut self, d: u32, x: f32) {
        if x > 0.0 {
            let sum = &mut self.acc[d as usize];
            if *sum == 0.0 {
                self.touched.push(d);
            }
            *sum += x;
        }
    }

    /// Appends the accumulated (`base` + position, sum) pairs to `out` and
    /// leaves the scratch empty.
    pub(super) fn drain_into(&mut self, base: u32, out: &mut Vec<(u32, f32)>) {
        out.extend(
            self.touched
                .iter()
                .map(|&d| (d + base, self.acc[d as usize])),
        );
        for &d in &self.touched {
            self.acc[d as usize] = 0.0;
        }
        self.touched.clear();
    }
}

/// Per term, the ranks [`Profiles::candidates`] may probe: the `depth`
/// ([`PROBE_DEPTH`]) heaviest of its postings (ties by position, so the same
/// measures whatever the layout), in rank order, or none when the term is in
/// more than `cap` measures. `rows` are by rank, `position_of` gives each
/// rank's position. Selecting the heaviest is linear in a term's postings;
/// only they are sorted.
pub(super) fn probe_postings(
    rows: &MeasureRows,
    terms: usize,
    cap: usize,
    depth: usize,
    position_of: &[u32],
) -> Rows<(u32, f32)> {
    let mut lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms];
    for s in 0..rows.len() {
        for &(t, w) in rows.vector(s) {
            lists[t as usize].push((s as u32, w));
        }
    }
    let heaviest = |a: &(u32, f32), b: &(u32, f32)| heaviest_first(position_of, a, b);
    let kept: Vec<Vec<(u32, f32)>> = lists
        .into_par_iter()
        .map(|mut list| {
            if list.len() > cap {
                return Vec::new();
            }
            if list.len() > depth {
                list.select_nth_unstable_by(depth - 1, heaviest);
                list.truncate(depth);
            }
            list.sort_by_key(|p| p.0);
            list
        })
        .collect();
    kept.into_iter().collect()
}

/// The order of (rank, weight) pairs, heaviest first, ties by the rank's
/// position (`position_of`), never by the rank: the one tie rule of the kept
/// postings and of the candidate shortlist, so that both pick the same
/// measures whatever the layout.
pub(super) fn heaviest_first(
    position_of: &[u32],
    a: &(u32, f32),
    b: &(u32, f32),
) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1)
        .then_with(|| position_of[a.0 as usize].cmp(&position_of[b.0 as usize]))
}

impl Profiles {
    /// An accumulator for [`Profiles::candidates`]: one block of ranks.
    pub(super) fn scratch(&self) -> Scratch {
        Scratch::new(self.len().min(self.block))
    }

    /// Every rank sharing a probed term with rank `s` (not `s` itself), with
    /// its accumulated probe score, in rank order by [`BLOCK`]. Within a
    /// block the terms are added in the same order as over the whole corpus
    /// at once, so the sums are the same.
    pub(super) fn candidates(&self, s: usize, scratch: &mut Scratch) -> Vec<(u32, f32)> {
        let v = self.rows.vector(s);
        let mut probe: Vec<&(u32, f32)> = v.iter().collect();
        probe.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut lists: Vec<(&[(u32, f32)], f32)> = probe
            .iter()
            .take(PROBE_TERMS)
            .map(|&&(t, w)| (self.postings.row(t as usize), w))
            .collect();
        let mut out = Vec::new();
        let mut lo = 0usize;
        while lo < self.len() {
            let hi = (lo + self.block).min(self.len());
            for (list, w) in lists.iter_mut() {
                let end = list.partition_point(|p| (p.0 as usize) < hi);
                for &(other, ow) in &list[..end] {
                    if other as usize != s {
                        scratch.add(other - lo as u32, *w * ow);
                    }
                }
                *list = &list[end..];
            }
            scratch.drain_into(lo as u32, &mut out);
            lo = hi;
        }
        out
    }

    /// The order of candidates (rank, probe score): best first, ties by
    /// position (a total order, so selecting the first [`CANDIDATES`] gives
    /// exactly the head of a full sort, whatever the layout).
    pub(super) fn by_probe(&self, a: (u32, f32), b: (u32, f32)) -> std::cmp::Ordering {
        heaviest_first(&self.position_of, &a, &b)
    }

    /// The [`CANDIDATES`] best of `cands` by their (rank, probe score)
    /// `key`, in no particular order.
    pub(super) fn shortlist<T>(&self, mut cands: Vec<T>, key: impl Fn(&T) -> (u32, f32)) -> Vec<T> {
        let keep = self.candidates;
        if cands.len() > keep {
            cands.select_nth_unstable_by(keep - 1, |a, b| self.by_probe(key(a), key(b)));
            cands.truncate(keep);
        }
        cands
    }
}
