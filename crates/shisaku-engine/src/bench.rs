//! `shisaku bench`: in-process measurements of the engine — index build time,
//! related-link and overlap computation time, and search latency (p50/p99)
//! over a fixed list of realistic queries with facets and snippets on.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::engine::{Engine, EngineError};
use crate::index::{Facet, io_err};
use crate::related::overlap::ReportWindow;
use crate::search::SearchRequest;

/// Realistic queries a staff member would type, some with a facet filter.
pub const QUERIES: &[(&str, Option<(Facet, &str)>)] = &[
    ("相談窓口", Some((Facet::PlanKind, "suicide-prevention"))),
    ("民生委員", None),
    ("ＤＶ相談", None),
    ("高齢者 見守り", None),
    ("子ども 貧困", Some((Facet::Level, "measure"))),
    ("げーときーぱー", None),
    ("障がい者", Some((Facet::Municipality, "熊本市"))),
    ("研修 OR 講座", None),
    ("\"早期発見\"", None),
    ("ひきこもり", None),
    ("防災 -訓練", None),
    ("title:支援", Some((Facet::PlanKind, "regional-welfare"))),
    ("自殺予防 啓発", None),
    ("地域包括支援センター", None),
    ("女性 登用", Some((Facet::PlanKind, "gender-equality"))),
    ("成年後見", None),
];

#[derive(Debug, Serialize)]
pub struct Latency {
    pub queries: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    pub max_ms: f64,
    /// Median per query, in the order of [`QUERIES`].
    pub per_query_p50_ms: Vec<(String, f64)>,
}

#[derive(Debug, Serialize)]
pub struct BenchReport {
    pub measures: usize,
    pub build_seconds: Option<f64>,
    pub index_seconds: Option<f64>,
    pub links_seconds: Option<f64>,
    /// Opening the index: reading every record and the stored links (server start).
    pub open_seconds: f64,
    /// Computing the overlaps at the default threshold (pairs, clusters,
    /// matrix) and writing the report's first page as the API does.
    pub overlap_seconds: f64,
    pub overlap_pairs: usize,
    pub overlap_clusters: usize,
    /// Writing every pair as CSV (to nowhere): the full download.
    pub overlap_csv_seconds: f64,
    pub search: Latency,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Search latency of `engine` over [`QUERIES`], `rounds` times each, 10 hits
/// per page with facets and snippets (after one warm-up round).
pub fn search_latency(engine: &Engine, rounds: usize) -> Result<Latency, EngineError> {
    let reqs: Vec<SearchRequest> = QUERIES
        .iter()
        .map(|(q, f)| SearchRequest {
            q: q.to_string(),
            filters: f.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            ..SearchRequest::default()
        })
        .collect();
    for r in &reqs {
        engine.search(r)?;
    }
    let mut times = Vec::with_capacity(reqs.len() * rounds);
    let mut per_query: Vec<Vec<f64>> = vec![Vec::new(); reqs.len()];
    for _ in 0..rounds {
        for (i, r) in reqs.iter().enumerate() {
            let t = Instant::now();
            let res = engine.search(r)?;
            std::hint::black_box(res);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            times.push(ms);
            per_query[i].push(ms);
        }
    }
    let per_query_p50_ms = reqs
        .iter()
        .zip(per_query.iter_mut())
        .map(|(r, t)| {
            t.sort_by(f64::total_cmp);
            (r.q.clone(), percentile(t, 0.5))
        })
        .collect();
    times.sort_by(f64::total_cmp);
    Ok(Latency {
        queries: times.len(),
        p50_ms: percentile(&times, 0.50),
        p99_ms: percentile(&times, 0.99),
        mean_ms: times.iter().sum::<f64>() / times.len().max(1) as f64,
        max_ms: times.last().copied().unwrap_or(0.0),
        per_query_p50_ms,
    })
}

/// Builds the manifest's corpus into `scratch` (timed), then measures the rest.
pub fn run(manifest: &Path, scratch: &Path, rounds: usize) -> Result<BenchReport, EngineError> {
    let t = Instant::now();
    let outcome = Engine::build(manifest, scratch, &mut |_| {})?;
    let build_seconds = t.elapsed().as_secs_f64();
    let mut report = run_existing(scratch, rounds)?;
    report.build_seconds = Some(build_seconds);
    report.index_seconds = Some(outcome.index_seconds);
    report.links_seconds = Some(outcome.links.total());
    Ok(report)
}

/// Measures an index that is already built (the live generation under
/// `root`): overlap report time and search latency; no build times.
pub fn run_existing(root: &Path, rounds: usize) -> Result<BenchReport, EngineError> {
    let t = Instant::now();
    let engine = Engine::open(root)?;
    let open_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let overlaps = engine.overlaps(None)?;
    serde_json::to_writer(
        std::io::sink(),
        &engine.overlap_report(&overlaps, ReportWindow::FIRST_PAGE),
    )
    .map_err(|e| io_err(root, e))?;
    let overlap_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    engine
        .overlap_report(&overlaps, ReportWindow::ALL)
        .write_csv(&mut std::io::sink())
        .map_err(|e| io_err(root, e))?;
    let overlap_csv_seconds = t.elapsed().as_secs_f64();
    Ok(BenchReport {
        measures: engine.measures.len(),
        build_seconds: None,
        index_seconds: None,
        links_seconds: None,
        open_seconds,
        overlap_seconds,
        overlap_pairs: overlaps.total_pairs(),
        overlap_clusters: overlaps.total_clusters(),
        overlap_csv_seconds,
        search: search_latency(&engine, rounds)?,
    })
}

/// Related links measured apart from the index: [`links_sample`].
#[derive(Debug, Serialize)]
pub struct LinksSample {
    pub measures: usize,
    pub import_seconds: f64,
    /// Text analysis, term weights and postings of the whole corpus.
    pub profile_seconds: f64,
    /// Its phases, in order (name, seconds).
    pub profile_phases: Vec<(&'static str, f64)>,
    /// Measures linked: [`SAMPLE_RUNS`] runs of consecutive measures in link
    /// order, spread evenly over it.
    pub sample: usize,
    /// Wall-clock time to link the sample on all cores.
    pub link_seconds: f64,
    /// Wall-clock link time per measure (all cores).
    pub link_ms_per_measure: f64,
    /// Profile time plus every measure linked at the sample's rate.
    pub projected_seconds: f64,
    /// The candidate search against exhaustive scoring, when asked for.
    pub exact: Option<ExactCheck>,
}

/// How many of the exhaustively best links the candidate search finds, over
/// the first `measures` of the sample (other plans). Tie-aware: a link
/// counts when its score reaches the k-th best exhaustive score, so that
/// picking one of several equally scored measures is not a miss.
#[derive(Debug, Serialize)]
pub struct ExactCheck {
    pub measures: usize,
    pub seconds: f64,
    pub recall_at_5: f64,
    pub recall_at_20: f64,
}

fn exact_check(
    profiles: &crate::related::Profiles,
    positions: &[usize],
    links: &[(Vec<crate::related::Link>, Vec<crate::related::Link>)],
) -> ExactCheck {
    let t = Instant::now();
    let mut found = [0usize; 2];
    let mut wanted = [0usize; 2];
    for (&d, (other_plans, _)) in positions.iter().zip(links) {
        let best = profiles.exhaustive_scores(d, 20);
        for (i, k) in [5, 20].into_iter().enumerate() {
            let want = best.len().min(k);
            if want == 0 {
                continue;
            }
            let reach = best[want - 1] - 0.0005;
            wanted[i] += want;
            found[i] += other_plans
                .iter()
                .take(k)
                .filter(|l| l.score >= reach)
                .count()
                .min(want);
        }
    }
    let recall = |i: usize| found[i] as f64 / wanted[i].max(1) as f64;
    ExactCheck {
        measures: positions.len(),
        seconds: t.elapsed().as_secs_f64(),
        recall_at_5: recall(0),
        recall_at_20: recall(1),
    }
}

/// The sample of [`links_sample`] is this many runs of consecutive measures
/// in link order ([`crate::related::Profiles::link_order`]), spread evenly
/// over it. A build links every measure in that order, and neighbours share
/// postings and candidates that are then still in the cache (their profiles
/// are stored side by side), so measures scattered over the corpus would
/// time a colder cache than a build sees.
pub const SAMPLE_RUNS: usize = 10;

/// `sample` positions of `order`: [`SAMPLE_RUNS`] runs of consecutive
/// ones, evenly spaced (fewer when the sample is smaller than that).
fn sample_runs(order: &[usize], sample: usize) -> Vec<usize> {
    let n = order.len();
    let sample = sample.min(n);
    let runs = SAMPLE_RUNS.min(sample).max(1);
    (0..runs)
        .flat_map(|r| {
            let len = sample / runs + usize::from(r < sample % runs);
            let start = (r * n / runs).min(n - len);
            order[start..start + len].iter().copied()
        })
        .collect()
}

/// Imports the manifest's corpus, builds its profiles and links `sample`
/// measures in runs of link order ([`SAMPLE_RUNS`]): how the related-link
/// time splits into profiling and linking, without building an index or
/// linking everything. `exact` measures spread over the sample are also
/// checked against exhaustive scoring ([`ExactCheck`]).
pub fn links_sample(
    manifest: &Path,
    sample: usize,
    exact: usize,
) -> Result<LinksSample, EngineError> {
    let t = Instant::now();
    let corpus = shisaku_core::ingest::import_manifest(manifest)?;
    let import_seconds = t.elapsed().as_secs_f64();
    let n = corpus.measures.len();
    let t = Instant::now();
    let profiles = crate::related::Profiles::build(&corpus.measures);
    let profile_seconds = t.elapsed().as_secs_f64();
    let positions = sample_runs(&profiles.link_order(), sample.max(1));
    let sample = positions.len();
    let t = Instant::now();
    let links = profiles.links_both_in_order(&positions, crate::engine::LINKS_KEPT);
    let link_seconds = t.elapsed().as_secs_f64();
    let per = link_seconds / sample.max(1) as f64;
    let exact = (exact > 0 && sample > 0).then(|| {
        // spread over the sample, not one run
        let picked: Vec<usize> = (0..sample)
            .step_by((sample / exact.min(sample)).max(1))
            .take(exact)
            .collect();
        let links: Vec<_> = picked.iter().map(|&i| links[i].clone()).collect();
        let picked: Vec<usize> = picked.iter().map(|&i| positions[i]).collect();
        exact_check(&profiles, &picked, &links)
    });
    Ok(LinksSample {
        measures: n,
        import_seconds,
        profile_seconds,
        profile_phases: profiles.build_phases.clone(),
        sample,
        link_seconds,
        link_ms_per_measure: per * 1000.0,
        projected_seconds: profile_seconds + per * n as f64,
        exact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_runs_of_consecutive_measures_spread_over_the_order() {
        let order: Vec<usize> = (0..1000).rev().collect();
        let got = sample_runs(&order, 25);
        assert_eq!(got.len(), 25);
        // ten runs starting every 100, the first five of three measures
        assert_eq!(&got[..4], &[999, 998, 997, 899]);
        assert_eq!(&got[21..], &[199, 198, 99, 98]);
        let mut seen = got.clone();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 25, "no measure twice");
        // a sample as large as the corpus is the whole order
        assert_eq!(sample_runs(&order, 1000), order);
        assert_eq!(sample_runs(&order, 5000), order);
        assert_eq!(sample_runs(&order[..3], 2), vec![999, 998]);
        assert!(sample_runs(&[], 10).is_empty());
    }
}
