//! Related measures, the overlap report and wording reuse on the real documents.

mod common;

use std::sync::OnceLock;

use shisaku::engine::Engine;
use shisaku::model::{Measure, ProgressEntry};
use shisaku::related::overlap;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::in_memory(common::corpus().measures.clone()).expect("engine"))
}

fn id_at(file: &str, line: usize) -> String {
    common::at_line(file, line).id.clone()
}

#[test]
fn links_are_scored_explained_and_never_self() {
    let e = engine();
    let mut with_links = 0;
    for m in &e.measures {
        let r = e.related(&m.id, 10, false).unwrap();
        assert!(
            r.related.iter().all(|x| x.id != m.id),
            "{} lists itself",
            m.id
        );
        let scores: Vec<f32> = r.related.iter().map(|x| x.score).collect();
        assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "sorted best first");
        for x in &r.related {
            assert_ne!(x.plan, m.plan.name, "other plans only by default");
            assert!(!x.shared_terms.is_empty(), "a link names its shared terms");
        }
        with_links += usize::from(!r.related.is_empty());
    }
    assert!(with_links > e.measures.len() / 2, "{with_links}");
    // the option includes the measure's own plan
    let gk = id_at("003", 430);
    let own = e.related(&gk, 10, true).unwrap();
    assert!(own.related.iter().any(|x| x.plan == "熊谷市自殺対策計画"));
    assert!(e.related("no-such-id", 5, false).is_err());
}

#[test]
fn the_same_program_is_linked_across_plans() {
    let e = engine();
    for ((fa, la), (fb, lb)) in [
        (("001", 11), ("003", 430)),    // ゲートキーパー養成
        (("003", 1331), ("004", 1402)), // こんにちは赤ちゃん事業
        (("002", 18), ("003", 2004)),   // 就学援助
        (("001", 5), ("004", 1991)),    // 自殺対策連絡協議会
    ] {
        let (a, b) = (id_at(fa, la), id_at(fb, lb));
        let ra: Vec<String> = e
            .related(&a, 5, false)
            .unwrap()
            .related
            .into_iter()
            .map(|x| x.id)
            .collect();
        let rb: Vec<String> = e
            .related(&b, 5, false)
            .unwrap()
            .related
            .into_iter()
            .map(|x| x.id)
            .collect();
        assert!(
            ra.contains(&b) || rb.contains(&a),
            "{fa}:{la} <-> {fb}:{lb}"
        );
    }
}

/// A made-up measure with boilerplate progress texts.
fn made_up(id: &str, plan_idx: usize, title: &str, content: &str, progress: &str) -> Measure {
    let mut m = common::made_up(id, plan_idx, title, content);
    m.progress = vec![ProgressEntry {
        fiscal_year: "R2".into(),
        status: Some(progress.into()),
        evaluation: Some("継続実施".into()),
        next_plan: Some("適切に実施できた。継続して実施する。".into()),
        ..Default::default()
    }];
    m
}

#[test]
fn progress_boilerplate_cannot_create_a_link() {
    let boiler = "新型コロナウイルス感染症の影響により中止。継続実施。適切に実施できた。";
    let e = Engine::in_memory(vec![
        made_up("a", 0, "河川の清掃活動", "河川敷の清掃を行う。", boiler),
        made_up("b", 1, "図書館の蔵書整理", "蔵書を点検する。", boiler),
        made_up(
            "c",
            2,
            "河川清掃ボランティア",
            "河川敷の清掃活動を支援する。",
            "実施した。",
        ),
    ])
    .unwrap();
    let a = e.related("a", 5, false).unwrap();
    assert!(a.related.iter().all(|x| x.id != "b"), "{:?}", a.related);
    assert_eq!(a.related.first().map(|x| x.id.as_str()), Some("c"));
}

/// The whole overlap report at `threshold`, as the CLI writes it (JSON and CSV).
fn overlap_report(threshold: Option<f32>) -> (overlap::OverlapReport, String) {
    let e = engine();
    let o = e.overlaps(threshold).unwrap();
    let view = e.overlap_report(&o, overlap::ReportWindow::ALL);
    let json = serde_json::to_string(&view).unwrap();
    let mut csv = Vec::new();
    view.write_csv(&mut csv).unwrap();
    (
        serde_json::from_str(&json).unwrap(),
        String::from_utf8(csv).unwrap(),
    )
}

#[test]
fn overlap_report_pairs_clusters_and_matrix() {
    let (r, csv) = overlap_report(None);
    assert!(!r.pairs.is_empty());
    assert_eq!(r.total_pairs, r.pairs.len());
    assert_eq!(r.total_clusters, r.clusters.len());
    let mut seen = std::collections::HashSet::new();
    for w in r.pairs.windows(2) {
        assert!(w[0].score >= w[1].score, "highest score first");
    }
    for p in &r.pairs {
        assert_ne!(p.a.plan, p.b.plan);
        assert!(p.score >= overlap::DEFAULT_THRESHOLD);
        assert!(!p.shared_terms.is_empty(), "{p:?}");
        assert!(
            seen.insert((p.a.id.clone(), p.b.id.clone()))
                && !seen.contains(&(p.b.id.clone(), p.a.id.clone()))
        );
        // 1-based, as the CSV and the UI number them
        let c = &r.clusters[p.cluster - 1];
        assert_eq!(c.number, p.cluster);
        assert!(c.measures.contains(&p.a.id) && c.measures.contains(&p.b.id));
    }
    // every measure of a pair is in exactly one cluster, and each cluster's pairs add up
    let members: usize = r.clusters.iter().map(|c| c.size).sum();
    let paired: std::collections::HashSet<&str> = r
        .pairs
        .iter()
        .flat_map(|p| [p.a.id.as_str(), p.b.id.as_str()])
        .collect();
    assert_eq!(members, paired.len());
    assert_eq!(
        r.clusters.iter().map(|c| c.pairs).sum::<usize>(),
        r.pairs.len()
    );
    let n = r.matrix.plans.len();
    let total: usize = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| r.matrix.counts[i][j])
        .sum();
    assert_eq!(total, r.pairs.len());
    for i in 0..n {
        for j in 0..n {
            assert_eq!(r.matrix.counts[i][j], r.matrix.counts[j][i]);
        }
    }
    assert!(csv.starts_with('\u{FEFF}'));
    assert_eq!(csv.lines().count(), r.pairs.len() + 1);
    assert!(csv.lines().next().unwrap().contains("施策名_A"));
    // a higher threshold keeps fewer pairs
    assert!(overlap_report(Some(0.6)).0.pairs.len() < r.pairs.len());
}

#[test]
fn wording_reuse_finds_near_verbatim_sentences_across_plans() {
    let r = engine()
        .similar("新型コロナウイルス感染症の影響により中止となった。", 10)
        .unwrap();
    let matches = &r.sentences[0].matches;
    let munis: std::collections::HashSet<&str> =
        matches.iter().map(|m| m.municipality.as_str()).collect();
    assert!(
        munis.contains("熊本市") && munis.contains("熊谷市"),
        "{munis:?}"
    );
    assert!(matches[0].score > 0.7);
    assert!(matches[0].html.contains("<mark>"));
    // 熊谷 repeats its referral sentence in many measures
    let r = engine()
        .similar("納付が困難な市民の相談対応の際、必要に応じ、適切な支援先につなぎます。\n全く関係のない宇宙開発の話。", 10)
        .unwrap();
    assert_eq!(r.sentences.len(), 2);
    let near: Vec<_> = r.sentences[0]
        .matches
        .iter()
        .filter(|m| m.score >= 0.8)
        .collect();
    assert!(near.len() >= 2, "{near:?}");
    let lines: std::collections::HashSet<usize> = r.sentences[0]
        .matches
        .iter()
        .filter(|m| m.score >= 0.6)
        .map(|m| m.line)
        .collect();
    assert!(
        lines.len() >= 4,
        "the referral sentence stands in several 納付相談 measures: {lines:?}"
    );
    assert!(near.iter().all(|m| {
        m.shared_spans
            .iter()
            .any(|s| s.contains("適切な支援先につなぎます"))
    }));
}

/// The candidate search (probe terms, capped postings, rescored shortlist)
/// finds nearly every link exhaustive scoring finds on the real documents.
/// It fails when a small corpus skips its common terms (a cap of an eighth
/// of the corpus in `related::max_postings` without its floor).
#[test]
fn the_candidate_search_finds_what_exhaustive_scoring_finds() {
    let r = shisaku::bench::links_sample(&common::manifest_path(), 463, 463).unwrap();
    assert_eq!(r.measures, 463);
    let exact = r.exact.expect("checked against exhaustive scoring");
    assert_eq!(exact.measures, 463);
    assert!(exact.recall_at_5 >= 0.93, "recall@5 {}", exact.recall_at_5);
    assert!(
        exact.recall_at_20 >= 0.89,
        "recall@20 {}",
        exact.recall_at_20
    );
}

/// A generation built on disk gives back, through its links file, exactly
/// the links computed in memory: every measure, both lists, ids, scores and
/// shared terms in order; and the overlap report is the same.
#[test]
fn links_read_from_a_built_generation_equal_the_computed_links() {
    let dir = tempfile::tempdir().unwrap();
    let measures = &common::corpus().measures;
    Engine::build_from(measures, dir.path(), &mut |_| {}).unwrap();
    let opened = Engine::open(dir.path()).unwrap();
    let computed = engine();
    let mut links = 0;
    for m in measures {
        for all_plans in [false, true] {
            let a = opened.related(&m.id, 20, all_plans).unwrap().related;
            let b = computed.related(&m.id, 20, all_plans).unwrap().related;
            let key = |r: &Vec<shisaku::engine::RelatedMeasure>| {
                r.iter()
                    .map(|x| (x.id.clone(), x.score.to_bits(), x.shared_terms.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(key(&a), key(&b), "{} (all plans: {all_plans})", m.id);
            links += a.len();
        }
    }
    assert!(links > 5 * measures.len(), "{links} links");
    let report = |e: &Engine| {
        let o = e.overlaps(None).unwrap();
        serde_json::to_string(&e.overlap_report(&o, overlap::ReportWindow::ALL)).unwrap()
    };
    assert_eq!(report(&opened), report(computed));
}

/// Two outreach lectures on different subjects (防災出前講座 on disaster
/// preparedness, ふれあい出前講座 on mental health) are not one program: 出前講座
/// says what kind of thing each is, not which program, so it neither joins
/// them in a cluster nor, through the city's general 出前講座 scheme, chains
/// them into one. And every pair of the report shares a term that is not a
/// generic head noun (`dictionaries/related_generic_heads.txt`) or two of them.
#[test]
fn a_shared_kind_of_program_does_not_make_a_cluster() {
    let e = engine();
    let (r, _) = overlap_report(None);
    let by_title = |title: &str| {
        let found: Vec<&str> = e
            .measures
            .iter()
            .filter(|m| m.title == title)
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(found.len(), 1, "{title}: {found:?}");
        found[0].to_string()
    };
    let (bousai, fureai) = (by_title("防災出前講座"), by_title("ふれあい出前講座"));
    let cluster_of = |id: &str| {
        r.clusters
            .iter()
            .find(|c| c.measures.iter().any(|m| m == id))
            .map(|c| c.number)
    };
    let (a, b) = (cluster_of(&bousai), cluster_of(&fureai));
    assert!(a.is_none() || a != b, "one cluster: {a:?}");

    let heads: Vec<&str> = include_str!("../dictionaries/related_generic_heads.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let generic = |t: &str| {
        heads.contains(&t)
            || t.char_indices()
                .skip(1)
                .any(|(i, _)| heads.contains(&&t[..i]) && heads.contains(&&t[i..]))
    };
    // the documents do hold pairs that share a generic head among other terms
    assert!(
        r.pairs
            .iter()
            .any(|p| p.shared_terms.iter().any(|t| generic(t)))
    );
    for p in &r.pairs {
        assert!(
            p.shared_terms.iter().any(|t| !generic(t)),
            "{} <-> {} on {:?}",
            p.a.title,
            p.b.title,
            p.shared_terms
        );
    }
}
