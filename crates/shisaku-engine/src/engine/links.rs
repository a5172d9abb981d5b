//! The related links of a generation as the engine holds them in memory:
//! measure positions, scores and numbered shared terms instead of id and
//! term strings. With strings (an id and five terms per link, 40 links per
//! measure) the links would be most of a large server's memory; as numbers
//! they take about a tenth of that. The table is filled from the
//! links file ([`super::linkfile`]) or, for a generation of the older JSON
//! form and for engines built in memory, entry by entry
//! ([`LinkTable::set`]); [`LinkTable::links`] gives back exactly the stored
//! [`Link`]s.

use std::collections::HashMap;

use super::StoredLinks;
use crate::related::Link;
use crate::related::overlap::{LinkGraph, SharedTerms};

/// One link. `target` is a measure position, or — for a link to an id the
/// generation does not hold — `positions + k` for the k-th such id.
#[derive(Debug, Clone, Copy)]
pub(super) struct CompactLink {
    pub target: u32,
    pub score: f32,
    /// Range of this link's shared terms in [`CompactList::terms`].
    pub terms_from: u32,
    pub terms_to: u32,
}

#[derive(Debug, Default)]
pub(super) struct CompactList {
    links: Box<[CompactLink]>,
    terms: Box<[u32]>,
}

impl CompactList {
    /// A list of `links` whose term ranges index `terms`.
    pub fn new(links: Vec<CompactLink>, terms: Vec<u32>) -> CompactList {
        CompactList {
            links: links.into_boxed_slice(),
            terms: terms.into_boxed_slice(),
        }
    }

    /// The shared-term numbers of `l`, one of this list's links.
    fn terms_of(&self, l: &CompactLink) -> &[u32] {
        &self.terms[l.terms_from as usize..l.terms_to as usize]
    }
}

/// The two link lists of one measure.
#[derive(Debug, Default)]
pub(super) struct MeasureLinks {
    pub other_plans: CompactList,
    pub all_plans: CompactList,
}

/// The links of every measure, by measure position.
#[derive(Debug, Default)]
pub(super) struct LinkTable {
    lists: Vec<MeasureLinks>,
    /// Number of measures: targets at or above it index `dangling`.
    measures: u32,
    dangling: Vec<String>,
    dangling_ids: HashMap<String, u32>,
    terms: Vec<String>,
    term_ids: HashMap<String, u32>,
}

impl LinkTable {
    /// An empty table for `measures` measures (every list empty).
    pub fn new(measures: usize) -> LinkTable {
        LinkTable {
            lists: (0..measures).map(|_| MeasureLinks::default()).collect(),
            measures: measures as u32,
            ..LinkTable::default()
        }
    }

    /// The table of `lists` (by measure position) for `measures` measures;
    /// targets at or above `measures` index `dangling`, term numbers index
    /// `terms`.
    pub fn from_parts(
        lists: Vec<MeasureLinks>,
        measures: usize,
        dangling: Vec<String>,
        terms: Vec<String>,
    ) -> LinkTable {
        LinkTable {
            lists,
            measures: measures as u32,
            dangling_ids: dangling.iter().cloned().zip(measures as u32..).collect(),
            dangling,
            term_ids: terms.iter().cloned().zip(0..).collect(),
            terms,
        }
    }

    /// Stores the links of the measure at `at` (replacing earlier ones).
    pub fn set(&mut self, at: usize, stored: StoredLinks, positions: &HashMap<String, usize>) {
        let other_plans = self.compact(stored.other_plans, positions);
        let all_plans = self.compact(stored.all_plans, positions);
        self.lists[at] = MeasureLinks {
            other_plans,
            all_plans,
        };
    }

    fn compact(&mut self, links: Vec<Link>, positions: &HashMap<String, usize>) -> CompactList {
        let mut out = Vec::with_capacity(links.len());
        let mut terms = Vec::new();
        for l in links {
            let target = match positions.get(&l.id) {
                Some(&p) => p as u32,
                None => {
                    let next = self.measures + self.dangling.len() as u32;
                    *self.dangling_ids.entry(l.id.clone()).or_insert_with(|| {
                        self.dangling.push(l.id);
                        next
                    })
                }
            };
            let terms_from = terms.len() as u32;
            for t in l.shared_terms {
                let next = self.terms.len() as u32;
                let id = *self.term_ids.entry(t).or_insert_with_key(|t| {
                    self.terms.push(t.clone());
                    next
                });
                terms.push(id);
            }
            out.push(CompactLink {
                target,
                score: l.score,
                terms_from,
                terms_to: terms.len() as u32,
            });
        }
        CompactList {
            links: out.into_boxed_slice(),
            terms: terms.into_boxed_slice(),
        }
    }

    /// The stored links of the measure at `at`, in order.
    pub fn links(&self, at: usize, all_plans: bool) -> impl Iterator<Item = CompactRef<'_>> + '_ {
        let links = &self.lists[at];
        let list = if all_plans {
            &links.all_plans
        } else {
            &links.other_plans
        };
        list.links.iter().map(move |l| CompactRef {
            target: l.target,
            score: l.score,
            terms: list.terms_of(l),
            table: self,
        })
    }
}

/// The overlap report reads the other-plan links.
impl SharedTerms for LinkTable {
    fn term_ids(&self, holder: usize, k: usize) -> &[u32] {
        let list = &self.lists[holder].other_plans;
        list.terms_of(&list.links[k])
    }

    fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }
}

impl LinkGraph for LinkTable {
    fn links(&self, a: usize) -> impl Iterator<Item = (usize, (usize, f32))> + '_ {
        self.lists[a]
            .other_plans
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.target < self.measures)
            .map(|(k, l)| (k, (l.target as usize, l.score)))
    }
}

/// A borrowed view of one stored link.
pub(super) struct CompactRef<'a> {
    target: u32,
    pub score: f32,
    terms: &'a [u32],
    table: &'a LinkTable,
}

impl CompactRef<'_> {
    /// The target's measure position, if the generation holds it.
    pub fn position(&self) -> Option<usize> {
        (self.target < self.table.measures).then_some(self.target as usize)
    }

    pub fn shared_terms(&self) -> Vec<String> {
        self.terms
            .iter()
            .map(|&t| self.table.terms[t as usize].clone())
            .collect()
    }

    /// The link as stored, with `ids` the measure ids by position.
    #[cfg(test)]
    pub(super) fn to_link(&self, ids: &[&str]) -> Link {
        let id = match self.target.checked_sub(self.table.measures) {
            Some(k) => self.table.dangling[k as usize].clone(),
            None => ids[self.target as usize].to_string(),
        };
        Link {
            id,
            score: self.score,
            shared_terms: self.shared_terms(),
        }
    }
}

/// A link to `id` (tests of the table and of the links file).
#[cfg(test)]
pub(super) fn link(id: &str, score: f32, terms: &[&str]) -> Link {
    Link {
        id: id.into(),
        score,
        shared_terms: terms.iter().map(|t| t.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_the_stored_links() {
        let positions: HashMap<String, usize> = [("a".to_string(), 0), ("b".to_string(), 1)].into();
        let ids = ["a", "b"];
        let mut t = LinkTable::new(2);
        let other = vec![
            link("b", 0.5, &["相談", "窓口"]),
            link("gone", 0.25, &[]),
            link("b", 0.125, &["窓口"]),
        ];
        let all = vec![link("gone", 0.75, &["支援"])];
        t.set(
            0,
            StoredLinks {
                id: "a".into(),
                other_plans: other.clone(),
                all_plans: all.clone(),
            },
            &positions,
        );
        let back: Vec<(Option<usize>, Link)> = t
            .links(0, false)
            .map(|l| (l.position(), l.to_link(&ids)))
            .collect();
        assert_eq!(
            back,
            vec![
                (Some(1), other[0].clone()),
                (None, other[1].clone()),
                (Some(1), other[2].clone())
            ]
        );
        let back: Vec<Link> = t.links(0, true).map(|l| l.to_link(&ids)).collect();
        assert_eq!(back, all);
        assert_eq!(t.links(1, false).count(), 0);
    }
}
