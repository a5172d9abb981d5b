//! One measure's terms in a small open-addressing hash table by term id, so
//! that scoring it against the few hundred candidates of its link list is
//! one pass over each candidate's terms.
//!
//! The alternative, merging two term-sorted lists three times per pair
//! (cosine, and title coverage both ways), walks both lists; looked up from
//! here, most of a candidate's terms miss on the first probe of a table that
//! stays in the core's L1 cache. The sums are taken in the same (term) order
//! as the merges would take them, so the scores are the same to the bit (a
//! test compares the two).

#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    /// Term id + 1; 0 marks an empty bucket.
    key: u32,
    /// Weight in the measure's profile vector, if the term is in it.
    weight: Option<f32>,
    /// The term's idf if it is one of the measure's title terms, else 0.
    title_idf: f32,
}

/// A term of the table: its profile weight (if in the vector) and title idf (0 if not a title term).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub weight: Option<f32>,
    pub title_idf: f32,
}

/// The terms of one measure: its profile vector and its title terms.
#[derive(Debug, Clone)]
pub struct TermTable {
    buckets: Vec<Bucket>,
    shift: u32,
}

impl TermTable {
    /// `vector` and `title` are (term, weight) and (term, idf) lists.
    pub fn new(vector: &[(u32, f32)], title: &[(u32, f32)]) -> TermTable {
        // at most a quarter full, so that a missing term (the common case)
        // nearly always ends on the first bucket looked at
        let bits = ((vector.len() + title.len()) * 4)
            .next_power_of_two()
            .max(16)
            .trailing_zeros();
        let mut table = TermTable {
            buckets: vec![Bucket::default(); 1 << bits],
            shift: 32 - bits,
        };
        for &(t, w) in vector {
            table.bucket_mut(t).weight = Some(w);
        }
        for &(t, idf) in title {
            table.bucket_mut(t).title_idf = idf;
        }
        table
    }

    fn home(&self, term: u32) -> usize {
        (term.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }

    fn bucket_mut(&mut self, term: u32) -> &mut Bucket {
        let mask = self.buckets.len() - 1;
        let mut i = self.home(term);
        while self.buckets[i].key != 0 && self.buckets[i].key != term + 1 {
            i = (i + 1) & mask;
        }
        let bucket = &mut self.buckets[i];
        bucket.key = term + 1;
        bucket
    }

    /// The entry of `term`, if it is a term of the measure.
    #[inline]
    pub fn get(&self, term: u32) -> Option<Entry> {
        let mask = self.buckets.len() - 1;
        let mut i = self.home(term);
        loop {
            let s = &self.buckets[i];
            if s.key == term + 1 {
                return Some(Entry {
                    weight: s.weight,
                    title_idf: s.title_idf,
                });
            }
            if s.key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_term_and_nothing_else() {
        let vector: Vec<(u32, f32)> = (0..200u32).map(|t| (t * 7, t as f32 + 0.5)).collect();
        let title = [(14u32, 2.0f32), (5000, 3.0)];
        let table = TermTable::new(&vector, &title);
        for &(t, w) in &vector {
            let e = table.get(t).unwrap();
            assert_eq!(e.weight, Some(w));
            assert_eq!(e.title_idf, if t == 14 { 2.0 } else { 0.0 });
        }
        // a title term outside the vector is found, without a weight
        assert_eq!(
            table.get(5000),
            Some(Entry {
                weight: None,
                title_idf: 3.0
            })
        );
        for t in (0..2000u32).filter(|t| t % 7 != 0 && *t != 5000) {
            assert_eq!(table.get(t), None, "{t}");
        }
        assert_eq!(table.get(u32::MAX - 1), None);
        let empty = TermTable::new(&[], &[]);
        assert_eq!(empty.get(0), None);
    }
}
