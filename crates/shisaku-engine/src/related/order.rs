//! Link order: the order measures are linked and their profiles stored in,
//! grouped by their heaviest probed terms so that one measure's postings and
//! candidates are still in the cache for the next.

use rayon::prelude::*;

use super::*;

/// How a [`Profiles`] stores its measures.
pub(super) enum Layout {
    /// In [`Profiles::link_order`] (what is built).
    LinkOrder,
    /// The positions in the order given (to test that the links do not
    /// depend on the layout).
    #[cfg(test)]
    Given(Vec<u32>),
}

/// The positions in link order: sorted by the two heaviest probed terms of
/// their vectors (a term is probed when at most `cap` measures have it),
/// ties by position.
pub(super) fn link_order(vectors: &[Vec<(u32, f32)>], terms: usize, cap: usize) -> Vec<u32> {
    let mut count = vec![0usize; terms];
    for v in vectors {
        for &(t, _) in v {
            count[t as usize] += 1;
        }
    }
    let probed = |t: u32| count[t as usize] <= cap;
    let mut order: Vec<(u64, u32)> = vectors
        .par_iter()
        .enumerate()
        .map(|(d, v)| (locality_key(v, probed), d as u32))
        .collect();
    order.par_sort_unstable();
    order.into_iter().map(|x| x.1).collect()
}

/// The key of [`Profiles::link_order`]: the two heaviest probed terms of a
/// measure's vector.
pub(super) fn locality_key(vector: &[(u32, f32)], probed: impl Fn(u32) -> bool) -> u64 {
    let mut top = [(u32::MAX, f32::NEG_INFINITY); 2];
    for &(t, w) in vector {
        if !probed(t) {
            continue;
        }
        if w > top[0].1 {
            top[1] = top[0];
            top[0] = (t, w);
        } else if w > top[1].1 {
            top[1] = (t, w);
        }
    }
    (top[0].0 as u64) << 32 | top[1].0 as u64
}

impl Profiles {
    /// The key of [`Profiles::link_order`] of the measure at position `d`.
    #[cfg(test)]
    pub(super) fn locality_key(&self, d: usize) -> u64 {
        let probed = |t: u32| !self.postings.row(t as usize).is_empty();
        locality_key(self.rows.vector(self.rank(d)), probed)
    }
}
