//! Rows of varying length kept in one allocation (compressed sparse rows).
//!
//! The link computation reads, for every measure, the term vectors and
//! title terms of a few hundred others picked all over the corpus. One
//! `Vec` per measure put each of those rows in its own heap block; with a
//! million measures that is millions of blocks and a cache miss for the
//! header before the data. Here row `i` is the slice
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
}
