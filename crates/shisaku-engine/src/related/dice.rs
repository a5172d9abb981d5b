//! Sørensen–Dice similarity of titles, prepared once per title.

use super::rows;

/// A title prepared once for Sørensen–Dice similarity. [`DiceKey::sorensen_dice`]
/// returns what `strsim::sorensen_dice` returns for the two strings
/// (whitespace removed, character bigrams counted as a multiset, and — as
/// strsim has it — the denominator in bytes), without building two strings
/// and a hash map for every pair. Only the length and a 64-bit hash of the
/// text are kept, for strsim's "equal strings score 1": two different titles
/// would be taken as equal only if their hashes collided (odds of 2⁻⁶⁴).
#[derive(Debug, Clone)]
pub struct DiceKey {
    /// Length of the text in bytes.
    len: usize,
    hash: u64,
    /// Character bigrams, sorted.
    bigrams: Box<[(char, char)]>,
}

impl DiceKey {
    pub fn new(s: &str) -> DiceKey {
        use std::hash::{Hash, Hasher};
        let text: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let mut bigrams: Vec<(char, char)> = text.chars().zip(text.chars().skip(1)).collect();
        bigrams.sort_unstable();
        let mut h = std::hash::DefaultHasher::new();
        text.hash(&mut h);
        DiceKey {
            len: text.len(),
            hash: h.finish(),
            bigrams: bigrams.into_boxed_slice(),
        }
    }

    /// Starts loading the bigrams into the CPU cache.
    pub(super) fn prefetch(&self) {
        rows::prefetch(self.bigrams.as_ptr());
    }

    pub fn sorensen_dice(&self, other: &DiceKey) -> f64 {
        let (a, b) = (self.len, other.len);
        if a == b && self.hash == other.hash {
            return 1.0;
        }
        if a < 2 || b < 2 {
            return 0.0;
        }
        // multiset intersection of two sorted lists
        let (x, y) = (&self.bigrams, &other.bigrams);
        let (mut i, mut j, mut shared) = (0, 0, 0usize);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        (2 * shared) as f64 / (a + b - 2) as f64
    }
}
