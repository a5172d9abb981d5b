//! Relevance on the project's own judged set (`tests/relevance/`): search
//! nDCG@10 and recall@10, related recall@5 and false links, computed the way
//! the development set's `score.py` computes them, each held above a floor.
//!
//! The judged set was written from the documents, not from the product's
//! answers, and is never tuned on: the floors guard against a change to
//! analysis, ranking or linking that loses relevance on questions nobody
//! tuned for. A floor is raised only when a change lifts the figures on both
//! this set and the development set.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;
use shisaku::engine::Engine;
use shisaku::model::Measure;
use shisaku::search::{SearchRequest, parse_filter};

/// Figures the judged set must keep (see the module doc).
const SEARCH_NDCG_FLOOR: f64 = 0.70;
const SEARCH_RECALL_FLOOR: f64 = 0.59;
const RELATED_GRADE2_FLOOR: f64 = 0.88;
const RELATED_GRADE1_FLOOR: f64 = 0.76;
/// Most unrelated pairs (grade 0) allowed in a top 3.
const FALSE_LINKS_CEILING: usize = 11;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::in_memory(common::corpus().measures.clone()).expect("engine"))
}

fn judged(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/relevance")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1))
        })
        .collect()
}

/// The record a judged reference `{"file", "line", "title"}` names: the one
/// whose title stands on that line of that document.
fn find(reference: &Value) -> &'static Measure {
    let file = reference["file"].as_str().expect("file");
    let line = reference["line"].as_u64().expect("line") as usize;
    let title = reference["title"].as_str().unwrap_or_default();
    let at_line: Vec<&Measure> = common::corpus()
        .measures
        .iter()
        .filter(|m| m.source.file == file && m.source.line == line)
        .collect();
    at_line
        .iter()
        .find(|m| m.title == title)
        .or(at_line.first())
        .copied()
        .unwrap_or_else(|| panic!("judged reference {file}:{line} {title} names no record"))
}

fn ndcg_at_10(ranked: &[String], grades: &BTreeMap<String, u32>) -> f64 {
    let gain = |g: u32| f64::from((1u32 << g) - 1);
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, id)| gain(grades.get(id).copied().unwrap_or(0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u32> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, &g)| gain(g) / ((i + 2) as f64).log2())
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

#[test]
fn search_holds_on_the_judged_set() {
    let queries = judged("queries.jsonl");
    assert!(queries.len() >= 30, "{} queries", queries.len());
    let (mut ndcg, mut recall) = (0.0, 0.0);
    let mut report = Vec::new();
    for q in &queries {
        let text = q["q"].as_str().expect("q");
        let mut grades: BTreeMap<String, u32> = BTreeMap::new();
        for r in q["relevant"].as_array().expect("relevant") {
            let g = r["grade"].as_u64().expect("grade") as u32;
            let e = grades.entry(find(r).id.clone()).or_default();
            *e = (*e).max(g);
        }
        let filters = q["filter"]
            .as_object()
            .map(|f| {
                f.iter()
                    .map(|(k, v)| parse_filter(&format!("{k}={}", v.as_str().unwrap())).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        let response = engine()
            .search(&SearchRequest {
                q: text.into(),
                filters,
                limit: 10,
                ..SearchRequest::default()
            })
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let mut seen = BTreeSet::new();
        let ranked: Vec<String> = response
            .hits
            .iter()
            .map(|h| h.id.clone())
            .filter(|id| seen.insert(id.clone()))
            .collect();
        let n = ndcg_at_10(&ranked, &grades);
        let found = ranked.iter().filter(|id| grades.contains_key(*id)).count();
        let r = found as f64 / grades.len().min(10) as f64;
        report.push(format!("{n:.3} {r:.3} {text}"));
        ndcg += n;
        recall += r;
    }
    let (ndcg, recall) = (ndcg / queries.len() as f64, recall / queries.len() as f64);
    let report = report.join("\n");
    assert!(
        ndcg >= SEARCH_NDCG_FLOOR,
        "nDCG@10 {ndcg:.3} < {SEARCH_NDCG_FLOOR}\n{report}"
    );
    assert!(
        recall >= SEARCH_RECALL_FLOOR,
        "recall@10 {recall:.3} < {SEARCH_RECALL_FLOOR}\n{report}"
    );
}

#[test]
fn related_links_hold_on_the_judged_pairs() {
    let pairs = judged("related_pairs.jsonl");
    assert!(pairs.len() >= 60, "{} pairs", pairs.len());
    let top = |id: &str, n: usize| -> Vec<String> {
        let r = engine().related(id, 5, false).expect("related");
        r.related.into_iter().take(n).map(|m| m.id).collect()
    };
    let (mut found, mut judged_related) = ([0usize; 3], [0usize; 3]);
    let (mut false_links, mut unrelated) = (0, 0);
    let mut report = Vec::new();
    for p in &pairs {
        let (a, b) = (find(&p["a"]), find(&p["b"]));
        assert_ne!(a.plan.id, b.plan.id, "a judged pair is across plans");
        let grade = p["grade"].as_u64().expect("grade") as usize;
        if grade == 0 {
            unrelated += 1;
            if top(&a.id, 3).contains(&b.id) || top(&b.id, 3).contains(&a.id) {
                false_links += 1;
                report.push(format!("false link: {} <-> {}", a.title, b.title));
            }
            continue;
        }
        judged_related[grade] += 1;
        if top(&a.id, 5).contains(&b.id) || top(&b.id, 5).contains(&a.id) {
            found[grade] += 1;
        } else {
            report.push(format!("missed ({grade}): {} <-> {}", a.title, b.title));
        }
    }
    let grade2 = found[2] as f64 / judged_related[2].max(1) as f64;
    let grade1 =
        (found[1] + found[2]) as f64 / (judged_related[1] + judged_related[2]).max(1) as f64;
    let report = report.join("\n");
    assert!(unrelated >= pairs.len() / 4, "{unrelated} unrelated pairs");
    assert!(
        grade2 >= RELATED_GRADE2_FLOOR,
        "recall@5 grade 2 {grade2:.3} < {RELATED_GRADE2_FLOOR}\n{report}"
    );
    assert!(
        grade1 >= RELATED_GRADE1_FLOOR,
        "recall@5 grade >= 1 {grade1:.3} < {RELATED_GRADE1_FLOOR}\n{report}"
    );
    assert!(
        false_links <= FALSE_LINKS_CEILING,
        "{false_links} of {unrelated} unrelated pairs in a top 3\n{report}"
    );
}
