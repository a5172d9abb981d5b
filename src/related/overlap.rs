//! The overlap report: every cross-plan pair of measures whose related score
//! reaches a threshold, grouped into clusters (one program seen across plans,
//! by union-find over the pairs), with plan × plan pair counts; as JSON or as
//! CSV that Excel opens with the Japanese intact (UTF-8 with BOM).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::Link;
use crate::model::Measure;

/// Default score a pair needs to count as an overlap.
pub const DEFAULT_THRESHOLD: f32 = 0.35;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Side {
    pub id: String,
    pub title: String,
    pub plan: String,
    pub municipality: String,
    pub departments: Vec<String>,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pair {
    pub a: Side,
    pub b: Side,
    pub score: f32,
    pub shared_terms: Vec<String>,
    /// Index into `clusters`.
    pub cluster: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Cluster {
    /// Measure ids, in document order.
    pub measures: Vec<String>,
    pub titles: Vec<String>,
    pub plans: Vec<String>,
    /// Terms most shared inside the cluster.
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Matrix {
    pub plans: Vec<String>,
    /// counts[i][j]: overlapping pairs between plans i and j (symmetric).
    pub counts: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverlapReport {
    pub threshold: f32,
    pub pairs: Vec<Pair>,
    pub clusters: Vec<Cluster>,
    pub matrix: Matrix,
}

fn side(m: &Measure) -> Side {
    Side {
        id: m.id.clone(),
        title: m.title.clone(),
        plan: m.plan.name.clone(),
        municipality: m.plan.municipality.clone(),
        departments: m.departments.clone(),
        file: m.source.file.clone(),
        line: m.source.line,
    }
}

fn find(parent: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while parent[r] != r {
        r = parent[r];
    }
    let mut x = x;
    while parent[x] != r {
        let next = parent[x];
        parent[x] = r;
        x = next;
    }
    r
}

/// Builds the report from each measure's cross-plan links (`links[i]` belongs
/// to `measures[i]`). Each pair appears once.
///
/// Runs in O(p log p + n) for p pairs over n measures (clusters, their terms
/// and the plan matrix are filled in one pass over the pairs each).
pub fn report<L: AsRef<[Link]>>(
    measures: &[Measure],
    links: &[L],
    threshold: f32,
) -> OverlapReport {
    let pos: HashMap<&str, usize> = measures
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let mut best: BTreeMap<(usize, usize), &Link> = BTreeMap::new();
    for (a, ls) in links.iter().enumerate() {
        for l in ls.as_ref().iter().filter(|l| l.score >= threshold) {
            let Some(&b) = pos.get(l.id.as_str()) else {
                continue;
            };
            if measures[a].plan.id == measures[b].plan.id {
                continue;
            }
            let key = (a.min(b), a.max(b));
            best.entry(key).or_insert(l);
        }
    }
    let mut parent: Vec<usize> = (0..measures.len()).collect();
    for &(a, b) in best.keys() {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut cluster_of_root: HashMap<usize, usize> = HashMap::new();
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut pairs = Vec::new();
    for (&(a, b), l) in &best {
        let root = find(&mut parent, a);
        let c = *cluster_of_root.entry(root).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        // duplicates are removed below, after sorting
        members[c].extend([a, b]);
        pairs.push(Pair {
            a: side(&measures[a]),
            b: side(&measures[b]),
            score: l.score,
            shared_terms: l.shared_terms.clone(),
            cluster: c,
        });
    }
    let mut pairs_of: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
    for (i, p) in pairs.iter().enumerate() {
        pairs_of[p.cluster].push(i);
    }
    for (c, ms) in members.iter_mut().enumerate() {
        ms.sort_unstable();
        ms.dedup();
        let mut plans: Vec<String> = ms.iter().map(|&i| measures[i].plan.name.clone()).collect();
        plans.sort();
        plans.dedup();
        let mut term_count: HashMap<&str, usize> = HashMap::new();
        for p in pairs_of[c].iter().map(|&i| &pairs[i]) {
            for t in &p.shared_terms {
                *term_count.entry(t.as_str()).or_default() += 1;
            }
        }
        let mut terms: Vec<(&str, usize)> = term_count.into_iter().collect();
        terms.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        clusters.push(Cluster {
            measures: ms.iter().map(|&i| measures[i].id.clone()).collect(),
            titles: ms.iter().map(|&i| measures[i].title.clone()).collect(),
            plans,
            terms: terms
                .into_iter()
                .take(5)
                .map(|(t, _)| t.to_string())
                .collect(),
        });
    }
    pairs.sort_by(|x, y| y.score.total_cmp(&x.score));
    let plan_names: Vec<String> = measures
        .iter()
        .map(|m| m.plan.name.as_str())
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .map(String::from)
        .collect();
    let plan_index: HashMap<&str, usize> = plan_names
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    let idx = |p: &str| plan_index.get(p).copied().unwrap_or(0);
    let mut counts = vec![vec![0; plan_names.len()]; plan_names.len()];
    for p in &pairs {
        let (i, j) = (idx(&p.a.plan), idx(&p.b.plan));
        counts[i][j] += 1;
        if i != j {
            counts[j][i] += 1;
        }
    }
    OverlapReport {
        threshold,
        pairs,
        clusters,
        matrix: Matrix {
            plans: plan_names,
            counts,
        },
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The pairs as CSV, UTF-8 with BOM, one row per pair (Japanese headers).
pub fn to_csv(r: &OverlapReport) -> String {
    let mut out = String::from('\u{FEFF}');
    out.push_str("類似度,クラスタ,施策ID_A,施策名_A,計画_A,担当部署_A,出典_A,施策ID_B,施策名_B,計画_B,担当部署_B,出典_B,共通語\r\n");
    for p in &r.pairs {
        let row = [
            format!("{:.3}", p.score),
            (p.cluster + 1).to_string(),
            p.a.id.clone(),
            p.a.title.clone(),
            p.a.plan.clone(),
            p.a.departments.join("・"),
            format!("{}:{}", p.a.file, p.a.line),
            p.b.id.clone(),
            p.b.title.clone(),
            p.b.plan.clone(),
            p.b.departments.join("・"),
            format!("{}:{}", p.b.file, p.b.line),
            p.shared_terms.join(" "),
        ];
        let row: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}
