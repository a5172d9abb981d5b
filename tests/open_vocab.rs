//! Open vocabularies: a plan of any kind (labelled by the manifest when the
//! kind is not built in) and fiscal years written in 令和, 平成 or western
//! form, normalized to one form, with the year facet in chronological order.

use shisaku::engine::Engine;
use shisaku::ingest::{Manifest, import_manifest};
use shisaku::model::PlanKind;
use shisaku::search::SearchRequest;

const HEALTH: &str = r#"
[[document]]
file = "health.jsonl"
format = "jsonl"
[document.plan]
id = "x-health"
name = "X市健康増進計画"
kind = "health-promotion"
kind_label = "健康増進"
municipality = "X市"
"#;

/// Records whose years are written the ways plans write them.
const RECORDS: &str = r#"{"title":"特定健診の受診勧奨","content":"受診率の向上に取り組む","progress":[{"fiscal_year":"平成30年度","status":"実施"},{"fiscal_year":"令和元年度","status":"実施"}]}
{"title":"がん検診の推進","content":"検診の受診を勧める","progress":[{"fiscal_year":"２０２８年度","status":"実施"},{"fiscal_year":"R2","status":"実施"}],"indicators":[{"name":"受診率","values":[{"fiscal_year":"H29","raw":"40%"}]}]}
{"title":"食育の推進","content":"食生活の改善","progress":[{"fiscal_year":"平成31年度","status":"実施"},{"fiscal_year":"2018","status":"実施"}]}
"#;

fn health_corpus() -> shisaku::ingest::Corpus {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("manifest.toml"), HEALTH).unwrap();
    std::fs::write(dir.path().join("health.jsonl"), RECORDS).unwrap();
    import_manifest(&dir.path().join("manifest.toml")).unwrap()
}

#[test]
fn a_plan_of_any_kind_imports_and_shows_its_label() {
    let corpus = health_corpus();
    assert_eq!(corpus.errors().count(), 0, "{:?}", corpus.reports);
    assert_eq!(corpus.measures.len(), 3);
    let plan = &corpus.measures[0].plan;
    assert_eq!(plan.kind.as_str(), "health-promotion");
    assert_eq!(plan.kind_label_ja(), "健康増進");
    // The label travels with exported records, so a re-import keeps it.
    let json = serde_json::to_value(&corpus.measures[0]).unwrap();
    assert_eq!(json["plan"]["kind"], "health-promotion");
    assert_eq!(json["plan"]["kind_label"], "健康増進");

    let engine = Engine::in_memory(corpus.measures.clone()).unwrap();
    let res = engine
        .search(&SearchRequest {
            q: String::new(),
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(res.total, 3);
    assert!(res.hits.iter().all(|h| h.plan.kind_label == "健康増進"));
    let kinds = &res.facets["plan_kind"];
    assert_eq!(kinds.len(), 1);
    assert_eq!(kinds[0].value, "health-promotion");
    assert_eq!(kinds[0].label.as_deref(), Some("健康増進"));
    let plans = engine.plans();
    assert_eq!(plans[0].kind_label, "健康増進");
}

#[test]
fn fiscal_years_of_every_era_are_one_form_and_sort_chronologically() {
    let corpus = health_corpus();
    let years: Vec<Vec<(String, Option<u16>)>> = corpus
        .measures
        .iter()
        .map(|m| {
            m.progress
                .iter()
                .map(|p| (p.fiscal_year.clone(), p.year))
                .collect()
        })
        .collect();
    let y = |l: &str, n: u16| (l.to_string(), Some(n));
    assert_eq!(years[0], [y("H30", 2018), y("R1", 2019)]);
    assert_eq!(years[1], [y("R10", 2028), y("R2", 2020)]);
    // 平成31年度 is the fiscal year 2019: the same form as 令和元年度.
    assert_eq!(years[2], [y("R1", 2019), y("H30", 2018)]);
    assert_eq!(
        corpus.measures[1].indicators[0].values[0].fiscal_year,
        "H29"
    );

    let engine = Engine::in_memory(corpus.measures.clone()).unwrap();
    let res = engine.search(&SearchRequest::default()).unwrap();
    let facet: Vec<(&str, Option<&str>)> = res.facets["year"]
        .iter()
        .map(|c| (c.value.as_str(), c.label.as_deref()))
        .collect();
    assert_eq!(
        facet,
        [
            ("H30", Some("平成30年度")),
            ("R1", Some("令和元年度")),
            ("R2", Some("令和2年度")),
            ("R10", Some("令和10年度")),
        ]
    );
    // Filters accept every way of writing a year.
    for spec in [
        "year=平成30年度",
        "year=H30",
        "year=2018",
        "year=２０１８年度",
    ] {
        let filter = shisaku::search::parse_filter(spec).unwrap();
        assert_eq!(filter.1, "H30", "{spec}");
        let res = engine
            .search(&SearchRequest {
                filters: vec![filter],
                ..SearchRequest::default()
            })
            .unwrap();
        assert_eq!(res.total, 2, "{spec}");
    }
}

#[test]
fn a_year_that_is_no_year_is_kept_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("manifest.toml"), HEALTH).unwrap();
    std::fs::write(
        dir.path().join("health.jsonl"),
        r#"{"title":"食育","progress":[{"fiscal_year":"前年度","status":"実施"}]}"#,
    )
    .unwrap();
    let corpus = import_manifest(&dir.path().join("manifest.toml")).unwrap();
    assert_eq!(corpus.measures[0].progress[0].fiscal_year, "前年度");
    let w = &corpus.reports[0].warnings;
    assert!(
        w.len() == 1
            && w[0].line == 1
            && w[0].code == shisaku::ingest::WarningCode::UnknownFiscalYear
            && w[0].message.contains("前年度"),
        "{w:?}"
    );
}

#[test]
fn a_kind_without_a_label_or_not_an_id_is_a_manifest_error() {
    let no_label = HEALTH.replace("kind_label = \"健康増進\"\n", "");
    let e = Manifest::parse(&no_label).unwrap_err();
    assert!(
        e.contains("health-promotion") && e.contains("kind_label") && e.contains("行目"),
        "{e}"
    );
    let bad_id = HEALTH.replace("\"health-promotion\"", "\"健康増進計画\"");
    let e = Manifest::parse(&bad_id).unwrap_err();
    assert!(e.contains("is not a kind id") && e.contains("行目"), "{e}");
    let typo = HEALTH.replace("kind_label", "kind_lable");
    let e = Manifest::parse(&typo).unwrap_err();
    assert!(e.contains("kind_lable"), "{e}");
    // The known kinds need no label and keep their ids.
    let known = HEALTH
        .replace("\"health-promotion\"", "\"suicide-prevention\"")
        .replace("kind_label = \"健康増進\"\n", "");
    let m = Manifest::parse(&known).unwrap();
    assert_eq!(m.documents[0].plan.kind, PlanKind::SUICIDE_PREVENTION);
    assert_eq!(m.documents[0].plan.kind_label_ja(), "自殺対策");
}
