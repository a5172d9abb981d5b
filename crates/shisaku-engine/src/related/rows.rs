//! Rows of varying length kept in one allocation (compressed sparse rows).
//!
//! The link computation reads, for every measure, the term vectors and
//! title terms of a few hundred others picked all over the corpus. One
//! `Vec` per measure would put each of those rows in its own heap block:
//! on a large corpus millions of blocks, and a cache miss for the header
//! before the data. Here row `i` is the slice
//! `items[starts[i]..starts[i + 1]]`.

/// Rows of `T`, addressed by position.
#[derive(Debug, Clone)]
pub struct Rows<T> {
    starts: Vec<usize>,
    items: Vec<T>,
}

impl<T> Rows<T> {
    /// Row `i`.
    pub fn row(&self, i: usize) -> &[T] {
        &self.items[self.starts[i]..self.starts[i + 1]]
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }
}

impl<T, R: IntoIterator<Item = T>> FromIterator<R> for Rows<T> {
    fn from_iter<I: IntoIterator<Item = R>>(rows: I) -> Self {
        let mut starts = vec![0];
        let mut items = Vec::new();
        for row in rows {
            items.extend(row);
            starts.push(items.len());
        }
        items.shrink_to_fit();
        Rows { starts, items }
    }
}

/// What the pair score reads of each measure — its profile vector, its
/// title terms with their idf and its title head — in one row, so that
/// rescoring a candidate somewhere in a large corpus costs one cache miss to
/// find the row and a run of adjacent lines to read it, instead of a miss
/// for each of three separate arrays (and their row offsets).
///
/// Row layout: `(vector length, title idf total)`, `(head, 0)`, the vector
/// `(term, weight)` sorted by term, the title terms `(term, idf)` sorted by term.
#[derive(Debug, Clone)]
pub struct MeasureRows {
    rows: Rows<(u32, f32)>,
}

/// One measure's row, unpacked.
pub struct MeasureRow<'a> {
    pub vector: &'a [(u32, f32)],
    pub title: &'a [(u32, f32)],
    /// The summed idf of the title terms.
    pub title_total: f32,
    /// Head noun of the title, numbered from 1 (0 = none).
    pub head: u32,
}

const HEADER: usize = 2;

impl MeasureRows {
    /// From each measure's (vector, title terms, head).
    pub fn new(
        measures: impl IntoIterator<Item = (Vec<(u32, f32)>, Vec<(u32, f32)>, u32)>,
    ) -> MeasureRows {
        let rows = measures
            .into_iter()
            .map(|(vector, title, head)| {
                let total: f32 = title.iter().map(|x| x.1).sum();
                let header = [(vector.len() as u32, total), (head, 0.0)];
                header.into_iter().chain(vector).chain(title)
            })
            .collect();
        MeasureRows { rows }
    }

    pub fn get(&self, i: usize) -> MeasureRow<'_> {
        let row = self.rows.row(i);
        let (vector_len, title_total) = row[0];
        let (vector, title) = row[HEADER..].split_at(vector_len as usize);
        MeasureRow {
            vector,
            title,
            title_total,
            head: row[1].0,
        }
    }

    /// Starts loading the offsets of row `i` into the CPU cache.
    pub fn prefetch_offsets(&self, i: usize) {
        prefetch(self.rows.starts.as_ptr().wrapping_add(i));
    }

    /// Starts loading the first lines of row `i` into the CPU cache (reads
    /// its offsets: call [`MeasureRows::prefetch_offsets`] some time before).
    pub fn prefetch_row(&self, i: usize) {
        let row = self.rows.items.as_ptr().wrapping_add(self.rows.starts[i]);
        prefetch(row);
        prefetch(row.wrapping_add(8));
    }

    /// The profile vector of measure `i`.
    pub fn vector(&self, i: usize) -> &[(u32, f32)] {
        self.get(i).vector
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }
}

/// Asks the CPU to start loading the cache line at `p`: a hint, so that
/// the rows of the next few candidates arrive while one is scored.
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it never faults, whatever the
    // address, and changes no memory.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_their_items_and_order() {
        let rows: Rows<u32> = [vec![1, 2], vec![], vec![3]].into_iter().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows.row(0), &[1, 2]);
        assert!(rows.row(1).is_empty());
        assert_eq!(rows.row(2), &[3]);
        let none: Rows<u32> = std::iter::empty::<Vec<u32>>().collect();
        assert_eq!(none.len(), 0);
    }

    #[test]
    fn measure_rows_unpack_what_was_packed() {
        let rows = MeasureRows::new([
            (vec![(1, 0.5), (4, 0.25)], vec![(4, 2.0), (9, 1.5)], 3),
            (vec![], vec![], 0),
            (vec![(2, 1.0)], vec![], 7),
        ]);
        assert_eq!(rows.len(), 3);
        let a = rows.get(0);
        assert_eq!(a.vector, &[(1, 0.5), (4, 0.25)]);
        assert_eq!(a.title, &[(4, 2.0), (9, 1.5)]);
        assert_eq!((a.title_total, a.head), (3.5, 3));
        let b = rows.get(1);
        assert!(b.vector.is_empty() && b.title.is_empty());
        assert_eq!((b.title_total, b.head), (0.0, 0));
        assert_eq!(rows.vector(2), &[(2, 1.0)]);
        assert!(rows.get(2).title.is_empty());
    }
}
