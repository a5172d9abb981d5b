//! The overlap report: every cross-plan pair of measures whose related score
//! reaches a threshold, grouped into clusters (one program seen across plans,
//! by union-find over the pairs), with plan × plan pair counts; as JSON or as
//! CSV that Excel opens with the Japanese intact (UTF-8 with BOM).
//!
//! The report scales to millions of measures: [`Overlaps`] is computed from
//! the stored links by measure position and holds each pair in 24 bytes (no
//! id, title or term strings), and a [`ReportView`] writes the strings of
//! only the pairs and clusters it is asked for — a page for the API, every
//! pair (streamed, never held at once) for the CLI and the CSV download.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use shisaku_core::model::Measure;

/// Default score a pair needs to count as an overlap.
pub const DEFAULT_THRESHOLD: f32 = 0.35;

/// Terms listed per cluster (the most shared inside it).
const CLUSTER_TERMS: usize = 5;

/// The shared terms of stored links, by the position of the measure holding
/// the link and the link's place `k` in its list.
pub trait SharedTerms {
    /// Term numbers of the `k`-th link of the measure at `holder`.
    fn term_ids(&self, holder: usize, k: usize) -> &[u32];
    /// The term with number `id`.
    fn term(&self, id: u32) -> &str;
}

/// The stored cross-plan links of a corpus, by measure position.
pub trait LinkGraph: SharedTerms {
    /// The links of the measure at `a`, in stored order: (target position,
    /// score). Links to measures the corpus does not hold are left out, but
    /// the place `k` of each link is its place in the stored list.
    fn links(&self, a: usize) -> impl Iterator<Item = (usize, (usize, f32))> + '_;
}

/// One side of a pair.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Side {
    pub id: String,
    pub title: String,
    pub plan: String,
    pub municipality: String,
    pub departments: Vec<String>,
    pub file: String,
    pub line: usize,
    /// The document's description in the manifest, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

/// One cross-plan pair of measures at or above the threshold.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub a: Side,
    pub b: Side,
    pub score: f32,
    pub shared_terms: Vec<String>,
    /// Number of the pair's cluster (1-based, as in [`Cluster::number`]).
    pub cluster: usize,
}

/// Measures linked by overlapping pairs: one program seen across plans.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// 1-based (as the CSV and the web UI print it); clusters are numbered in
    /// document order of their first measure.
    pub number: usize,
    /// Number of measures in the cluster.
    pub size: usize,
    /// Number of pairs inside the cluster.
    pub pairs: usize,
    /// Measure ids, in document order (the first `members` of them when the
    /// report lists fewer; `size` counts all).
    pub measures: Vec<String>,
    /// Titles of `measures`, in the same order.
    pub titles: Vec<String>,
    /// Plan names of all its measures.
    pub plans: Vec<String>,
    /// Terms most shared inside the cluster.
    pub terms: Vec<String>,
}

/// Plan × plan pair counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    pub plans: Vec<String>,
    /// counts[i][j]: overlapping pairs between plans i and j (symmetric).
    pub counts: Vec<Vec<usize>>,
}

/// The report as JSON: what [`ReportView`] serializes to (`GET
/// /api/overlaps`, `shisaku overlaps --format json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OverlapReport {
    pub threshold: f32,
    /// Pairs at or above the threshold, of which `pairs` lists a window.
    pub total_pairs: usize,
    /// Clusters, of which `clusters` lists a window.
    pub total_clusters: usize,
    /// Place of the first listed pair among all pairs (by score, highest first).
    pub pairs_offset: usize,
    pub pairs: Vec<Pair>,
    /// Place of the first listed cluster among all clusters.
    pub clusters_offset: usize,
    pub clusters: Vec<Cluster>,
    pub matrix: Matrix,
}

/// A pair by measure positions (`a` < `b`); its terms are those of the
/// `k`-th link of `a` (or of `b` when `held_by_b`).
#[derive(Debug, Clone, Copy)]
struct PairRef {
    a: u32,
    b: u32,
    score: f32,
    cluster: u32,
    k: u32,
    held_by_b: bool,
}

impl PairRef {
    fn holder(&self) -> (usize, usize) {
        let h = if self.held_by_b { self.b } else { self.a };
        (h as usize, self.k as usize)
    }
}

#[derive(Debug)]
struct ClusterRef {
    /// Measure positions, ascending.
    members: Box<[u32]>,
    pairs: usize,
    /// Plan numbers (into [`Overlaps::plans`]) of the members, ascending.
    plans: Box<[u32]>,
    terms: Vec<String>,
}

/// Every overlapping pair of a corpus at one threshold, with clusters and
/// plan × plan counts, by measure position.
#[derive(Debug)]
pub struct Overlaps {
    pub threshold: f32,
    /// Highest score first; equal scores in document order of (a, b).
    pairs: Vec<PairRef>,
    /// In document order of their first measure.
    clusters: Vec<ClusterRef>,
    /// Plan names, sorted.
    plans: Vec<String>,
    counts: Vec<Vec<usize>>,
}

fn find(parent: &mut [u32], x: u32) -> u32 {
    let mut r = x;
    while parent[r as usize] != r {
        r = parent[r as usize];
    }
    let mut x = x;
    while parent[x as usize] != r {
        let next = parent[x as usize];
        parent[x as usize] = r;
        x = next;
    }
    r
}

impl Overlaps {
    /// Finds the pairs in `graph` (the links of `measures`, by position) at
    /// or above `threshold` between measures of different plans. Each pair
    /// appears once, with the link stored by its first measure when both
    /// store it.
    ///
    /// Runs in O(n·L + p log p) for n measures with L stored links each and p
    /// pairs: one pass over the links, a sort of the pairs, union-find, and
    /// one pass over the pairs for the clusters' terms and the matrix.
    pub fn compute<G: LinkGraph>(measures: &[Measure], graph: &G, threshold: f32) -> Overlaps {
        let n = measures.len();
        let plans: Vec<String> = measures
            .iter()
            .map(|m| m.plan.name.as_str())
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .map(String::from)
            .collect();
        let plan_number: HashMap<&str, u32> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i as u32))
            .collect();
        let plan_of: Vec<u32> = measures
            .iter()
            .map(|m| plan_number[m.plan.name.as_str()])
            .collect();
        // plan ids decide what counts as cross-plan (two plans may share a name)
        let cross =
            |a: usize, b: usize| b < n && a != b && measures[a].plan.id != measures[b].plan.id;
        let above = |a: usize| {
            graph
                .links(a)
                .filter(move |&(_, (b, score))| score >= threshold && cross(a, b))
        };

        let mut pairs: Vec<PairRef> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for a in 0..n {
            seen.clear();
            for (k, (b, score)) in above(a) {
                if seen.contains(&b) {
                    continue;
                }
                seen.push(b);
                // the first measure's link wins; it was taken when that measure came by
                if b < a && above(b).any(|(_, (x, _))| x == a) {
                    continue;
                }
                pairs.push(PairRef {
                    a: a.min(b) as u32,
                    b: a.max(b) as u32,
                    score,
                    cluster: 0,
                    k: k as u32,
                    held_by_b: b < a,
                });
            }
        }
        pairs.sort_unstable_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then(x.a.cmp(&y.a))
                .then(x.b.cmp(&y.b))
        });

        let mut parent: Vec<u32> = (0..n as u32).collect();
        let mut paired = vec![false; n];
        for p in &pairs {
            paired[p.a as usize] = true;
            paired[p.b as usize] = true;
            let (ra, rb) = (find(&mut parent, p.a), find(&mut parent, p.b));
            if ra != rb {
                parent[ra.max(rb) as usize] = ra.min(rb);
            }
        }
        // clusters numbered in document order of their first measure
        let mut cluster_of_root = vec![u32::MAX; n];
        let mut members: Vec<Vec<u32>> = Vec::new();
        for m in (0..n as u32).filter(|&m| paired[m as usize]) {
            let root = find(&mut parent, m) as usize;
            if cluster_of_root[root] == u32::MAX {
                cluster_of_root[root] = members.len() as u32;
                members.push(Vec::new());
            }
            members[cluster_of_root[root] as usize].push(m);
        }
        let mut counts = vec![vec![0usize; plans.len()]; plans.len()];
        let mut pairs_in = vec![0usize; members.len()];
        for p in &mut pairs {
            p.cluster = cluster_of_root[find(&mut parent, p.a) as usize];
            pairs_in[p.cluster as usize] += 1;
            let (i, j) = (
                plan_of[p.a as usize] as usize,
                plan_of[p.b as usize] as usize,
            );
            counts[i][j] += 1;
            if i != j {
                counts[j][i] += 1;
            }
        }
        let terms = cluster_terms(&pairs, &pairs_in, graph);
        let clusters = members
            .into_iter()
            .zip(terms)
            .zip(pairs_in)
            .map(|((members, terms), pairs)| {
                let mut plans: Vec<u32> = members.iter().map(|&m| plan_of[m as usize]).collect();
                plans.sort_unstable();
                plans.dedup();
                ClusterRef {
                    members: members.into_boxed_slice(),
                    pairs,
                    plans: plans.into_boxed_slice(),
                    terms,
                }
            })
            .collect();
        Overlaps {
            threshold,
            pairs,
            clusters,
            plans,
            counts,
        }
    }

    pub fn total_pairs(&self) -> usize {
        self.pairs.len()
    }

    pub fn total_clusters(&self) -> usize {
        self.clusters.len()
    }
}

/// The [`CLUSTER_TERMS`] terms shared by the most pairs of each cluster
/// (ties in term order), from the pairs grouped by cluster.
fn cluster_terms<G: SharedTerms>(
    pairs: &[PairRef],
    pairs_in: &[usize],
    graph: &G,
) -> Vec<Vec<String>> {
    let mut start: Vec<usize> = Vec::with_capacity(pairs_in.len() + 1);
    start.push(0);
    for c in pairs_in {
        start.push(start.last().copied().unwrap_or(0) + c);
    }
    let mut fill = start.clone();
    let mut by_cluster = vec![0u32; pairs.len()];
    for (i, p) in pairs.iter().enumerate() {
        let c = p.cluster as usize;
        by_cluster[fill[c]] = i as u32;
        fill[c] += 1;
    }
    let mut count: HashMap<u32, usize> = HashMap::new();
    (0..pairs_in.len())
        .map(|c| {
            count.clear();
            for &i in &by_cluster[start[c]..start[c + 1]] {
                let (h, k) = pairs[i as usize].holder();
                for &t in graph.term_ids(h, k) {
                    *count.entry(t).or_default() += 1;
                }
            }
            let mut terms: Vec<(&str, usize)> =
                count.iter().map(|(&t, &c)| (graph.term(t), c)).collect();
            terms.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
            terms
                .into_iter()
                .take(CLUSTER_TERMS)
                .map(|(t, _)| t.to_string())
                .collect()
        })
        .collect()
}

/// Which part of the report to write: a window of the pairs (by score), a
/// window of the clusters, and how many measures to list per cluster.
#[derive(Debug, Clone, Copy)]
pub struct ReportWindow {
    pub pairs_offset: usize,
    /// `None`: every pair from the offset on.
    pub pairs_limit: Option<usize>,
    pub clusters_offset: usize,
    pub clusters_limit: Option<usize>,
    /// Measures listed per cluster; `None`: all.
    pub members: Option<usize>,
}

impl ReportWindow {
    /// The whole report.
    pub const ALL: ReportWindow = ReportWindow {
        pairs_offset: 0,
        pairs_limit: None,
        clusters_offset: 0,
        clusters_limit: None,
        members: None,
    };

    /// What `GET /api/overlaps` lists when no window is asked for: the 200
    /// highest-scoring pairs and the first 100 clusters, each with up to 100
    /// measures (`size` counts all).
    pub const FIRST_PAGE: ReportWindow = ReportWindow {
        pairs_offset: 0,
        pairs_limit: Some(200),
        clusters_offset: 0,
        clusters_limit: Some(100),
        members: Some(100),
    };
}

fn window(total: usize, offset: usize, limit: Option<usize>) -> std::ops::Range<usize> {
    let from = offset.min(total);
    let to = limit.map_or(total, |l| from.saturating_add(l).min(total));
    from..to
}

/// The report of [`Overlaps`] over `measures`, with the strings of only the
/// pairs and clusters in `window`; serializes to the [`OverlapReport`] JSON
/// and writes CSV, building each row as it is written.
pub struct ReportView<'a> {
    pub overlaps: &'a Overlaps,
    pub measures: &'a [Measure],
    pub terms: &'a dyn SharedTerms,
    pub window: ReportWindow,
}

impl ReportView<'_> {
    fn side(&self, at: u32) -> Side {
        let m = &self.measures[at as usize];
        Side {
            id: m.id.clone(),
            title: m.title.clone(),
            plan: m.plan.name.clone(),
            municipality: m.plan.municipality.clone(),
            departments: m.departments.clone(),
            file: m.source.file.clone(),
            line: m.source.line,
            document: m.document.clone(),
        }
    }

    fn shared_terms(&self, p: &PairRef) -> Vec<String> {
        let (h, k) = p.holder();
        self.terms
            .term_ids(h, k)
            .iter()
            .map(|&t| self.terms.term(t).to_string())
            .collect()
    }

    fn pair(&self, p: &PairRef) -> Pair {
        Pair {
            a: self.side(p.a),
            b: self.side(p.b),
            score: p.score,
            shared_terms: self.shared_terms(p),
            cluster: p.cluster as usize + 1,
        }
    }

    fn cluster(&self, number: usize) -> Cluster {
        let c = &self.overlaps.clusters[number];
        let listed = &c.members[..self
            .window
            .members
            .map_or(c.members.len(), |m| m.min(c.members.len()))];
        Cluster {
            number: number + 1,
            size: c.members.len(),
            pairs: c.pairs,
            measures: listed
                .iter()
                .map(|&m| self.measures[m as usize].id.clone())
                .collect(),
            titles: listed
                .iter()
                .map(|&m| self.measures[m as usize].title.clone())
                .collect(),
            plans: c
                .plans
                .iter()
                .map(|&p| self.overlaps.plans[p as usize].clone())
                .collect(),
            terms: c.terms.clone(),
        }
    }

    fn pair_window(&self) -> &[PairRef] {
        let w = &self.window;
        &self.overlaps.pairs[window(self.overlaps.pairs.len(), w.pairs_offset, w.pairs_limit)]
    }

    /// The pairs of the window as CSV, UTF-8 with BOM, one row per pair
    /// (Japanese headers), written row by row.
    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all("\u{FEFF}".as_bytes())?;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        let header = [
            "類似度",
            "クラスタ",
            "施策ID_A",
            "施策名_A",
            "計画_A",
            "担当部署_A",
            "出典_A",
            "施策ID_B",
            "施策名_B",
            "計画_B",
            "担当部署_B",
            "出典_B",
            "共通語",
        ];
        w.write_record(header).map_err(io::Error::other)?;
        for p in self.pair_window() {
            let Pair {
                a,
                b,
                score,
                shared_terms,
                cluster,
            } = self.pair(p);
            w.write_record([
                format!("{score:.3}"),
                cluster.to_string(),
                a.id,
                a.title,
                a.plan,
                a.departments.join("・"),
                format!("{}:{}", a.file, a.line),
                b.id,
                b.title,
                b.plan,
                b.departments.join("・"),
                format!("{}:{}", b.file, b.line),
                shared_terms.join(" "),
            ])
            .map_err(io::Error::other)?;
        }
        w.flush()
    }
}

/// Serializes items made one at a time, so a window of millions of pairs
/// is written without being held.
struct Lazy<'v, I>(&'v dyn Fn() -> I);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Lazy<'_, I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

impl Serialize for ReportView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.overlaps;
        let w = &self.window;
        let clusters = window(o.clusters.len(), w.clusters_offset, w.clusters_limit);
        let pairs = || self.pair_window().iter().map(|p| self.pair(p));
        let cluster_list = || clusters.clone().map(|c| self.cluster(c));
        let mut st = s.serialize_struct("OverlapReport", 8)?;
        st.serialize_field("threshold", &o.threshold)?;
        st.serialize_field("total_pairs", &o.pairs.len())?;
        st.serialize_field("total_clusters", &o.clusters.len())?;
        st.serialize_field("pairs_offset", &w.pairs_offset.min(o.pairs.len()))?;
        st.serialize_field("pairs", &Lazy(&pairs))?;
        st.serialize_field("clusters_offset", &clusters.start)?;
        st.serialize_field("clusters", &Lazy(&cluster_list))?;
        st.serialize_field(
            "matrix",
            &Matrix {
                plans: o.plans.clone(),
                counts: o.counts.clone(),
            },
        )?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shisaku_core::model::{Level, Plan, PlanKind, Source};

    /// Links as plain lists: (target, score, terms) per measure.
    struct Graph {
        links: Vec<Vec<(usize, f32, Vec<u32>)>>,
        terms: Vec<String>,
    }

    impl SharedTerms for Graph {
        fn term_ids(&self, holder: usize, k: usize) -> &[u32] {
            &self.links[holder][k].2
        }
        fn term(&self, id: u32) -> &str {
            &self.terms[id as usize]
        }
    }

    impl LinkGraph for Graph {
        fn links(&self, a: usize) -> impl Iterator<Item = (usize, (usize, f32))> + '_ {
            self.links[a].iter().map(|l| (l.0, l.1)).enumerate()
        }
    }

    fn measure(id: &str, plan: &str) -> Measure {
        let plan = Plan {
            id: plan.into(),
            name: format!("{plan}計画"),
            kind: PlanKind::REGIONAL_WELFARE,
            kind_label: None,
            municipality: "市".into(),
            period: None,
        };
        let source = Source {
            file: format!("{}.txt", plan.id),
            line: 1,
            line_start: 1,
            line_end: 1,
            sheet: None,
        };
        let mut m = Measure::new(&plan, Level::Measure, format!("{id}の施策"), source);
        m.id = id.into();
        m
    }

    /// a, b in plan p; c, d in plan q; e in plan r.
    fn corpus() -> (Vec<Measure>, Graph) {
        let ms = vec![
            measure("a", "p"),
            measure("b", "p"),
            measure("c", "q"),
            measure("d", "q"),
            measure("e", "r"),
        ];
        let terms = ["相談", "窓口", "研修"].map(String::from).to_vec();
        let links = vec![
            // a: c twice (only the first counts), b same plan, e below 0.35
            vec![
                (2, 0.9, vec![0, 1]),
                (2, 0.8, vec![]),
                (1, 0.99, vec![0]),
                (4, 0.2, vec![2]),
            ],
            vec![(3, 0.5, vec![2])],
            // c holds a too: a's link (first measure) wins
            vec![(0, 0.9, vec![1])],
            // d links e; 99 is not in the corpus
            vec![(4, 0.4, vec![2]), (99, 0.9, vec![0])],
            vec![],
        ];
        (ms, Graph { links, terms })
    }

    fn report(ms: &[Measure], g: &Graph, threshold: f32, window: ReportWindow) -> OverlapReport {
        let o = Overlaps::compute(ms, g, threshold);
        let view = ReportView {
            overlaps: &o,
            measures: ms,
            terms: g,
            window,
        };
        serde_json::from_value(serde_json::to_value(&view).unwrap()).unwrap()
    }

    #[test]
    fn pairs_are_cross_plan_once_each_by_score_and_clustered() {
        let (ms, g) = corpus();
        let r = report(&ms, &g, DEFAULT_THRESHOLD, ReportWindow::ALL);
        let pairs: Vec<(&str, &str, f32, usize)> = r
            .pairs
            .iter()
            .map(|p| (p.a.id.as_str(), p.b.id.as_str(), p.score, p.cluster))
            .collect();
        assert_eq!(
            pairs,
            vec![("a", "c", 0.9, 1), ("b", "d", 0.5, 2), ("d", "e", 0.4, 2)]
        );
        assert_eq!(r.pairs[0].shared_terms, vec!["相談", "窓口"]);
        assert_eq!((r.total_pairs, r.total_clusters), (3, 2));
        assert_eq!(r.clusters[0].measures, vec!["a", "c"]);
        assert_eq!(r.clusters[1].measures, vec!["b", "d", "e"]);
        assert_eq!(r.clusters[1].titles[0], "bの施策");
        assert_eq!(r.clusters[1].plans, vec!["p計画", "q計画", "r計画"]);
        assert_eq!(r.clusters[1].terms, vec!["研修"]);
        assert_eq!((r.clusters[1].size, r.clusters[1].pairs), (3, 2));
        assert_eq!(r.matrix.plans, vec!["p計画", "q計画", "r計画"]);
        assert_eq!(
            r.matrix.counts,
            vec![vec![0, 2, 0], vec![2, 0, 1], vec![0, 1, 0]]
        );
    }

    #[test]
    fn a_window_lists_part_and_counts_all() {
        let (ms, g) = corpus();
        let w = ReportWindow {
            pairs_offset: 1,
            pairs_limit: Some(1),
            clusters_offset: 1,
            clusters_limit: Some(5),
            members: Some(2),
        };
        let r = report(&ms, &g, DEFAULT_THRESHOLD, w);
        assert_eq!((r.total_pairs, r.pairs_offset, r.pairs.len()), (3, 1, 1));
        assert_eq!(r.pairs[0].a.id, "b");
        assert_eq!((r.clusters_offset, r.clusters.len()), (1, 1));
        // the second cluster: numbers are 1-based
        assert_eq!(r.clusters[0].number, 2);
        assert_eq!(r.clusters[0].measures, vec!["b", "d"]);
        assert_eq!(r.clusters[0].size, 3);
        let far = ReportWindow {
            pairs_offset: 10,
            clusters_offset: 10,
            ..w
        };
        let r = report(&ms, &g, DEFAULT_THRESHOLD, far);
        assert!(r.pairs.is_empty() && r.clusters.is_empty());
        assert_eq!((r.pairs_offset, r.clusters_offset), (3, 2));
    }

    #[test]
    fn the_csv_has_a_bom_a_header_and_one_quoted_row_per_pair() {
        let (mut ms, g) = corpus();
        ms[0].title = "相談, \"窓口\"".into();
        let o = Overlaps::compute(&ms, &g, 0.3);
        let view = ReportView {
            overlaps: &o,
            measures: &ms,
            terms: &g,
            window: ReportWindow::ALL,
        };
        let mut out = Vec::new();
        view.write_csv(&mut out).unwrap();
        let csv = String::from_utf8(out).unwrap();
        assert!(csv.starts_with('\u{FEFF}'));
        let rows: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(rows.len(), 3 + 2);
        assert!(rows[1].starts_with("0.900,1,a,\"相談, \"\"窓口\"\"\",p計画,"));
        assert!(rows[1].ends_with(",p.txt:1,c,cの施策,q計画,,q.txt:1,相談 窓口"));
        assert_eq!(rows[4], "");
    }

    #[test]
    fn nothing_above_the_threshold_is_an_empty_report() {
        let (ms, g) = corpus();
        let r = report(&ms, &g, 0.95, ReportWindow::ALL);
        assert_eq!((r.total_pairs, r.total_clusters), (0, 0));
        assert_eq!(r.matrix.counts, vec![vec![0; 3]; 3]);
    }
}
