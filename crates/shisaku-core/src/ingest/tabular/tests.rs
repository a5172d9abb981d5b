//! Synthetic inputs: the reading rules on small tables, and bad input
//! (no panic, a warning naming the line).

use super::*;
use crate::ingest::{UnusedSpan, Warning, WarningCode};
use crate::model::{Plan, PlanKind};

const KUMAMOTO: &str = r#"
sections = [["基本施策*", "関連施策*"]]
markers = { "《新規》" = "new" }
[columns]
group = ["計画における項目", "における項"]
title = ["実施内容"]
page = ["ページ"]
department = ["担当部署"]
section = ["担当課"]
status = ["実施状況"]
evaluation = ["担当課の評価"]
achievement = ["達成度"]
next_plan = ["今後", "実施計"]
"#;

const ARAO: &str = r#"
fiscal_year = "R5"
sections = [["重点目標*"], ["【施策の方向】*"]]
[columns]
number = ["取組番号"]
section = ["担当課"]
group = ["具体的施策"]
title = ["取り組み内容"]
issues = ["昨年度の課題"]
status = ["取り組み実績"]
evaluation = ["評価"]
next_plan = ["今後の課題"]
indicator_name = ["指標名"]
indicator_value = ["実績(R*年度)", "R*年度"]
indicator_target = ["目標値"]
"#;

const HEADER: &str = "計画における項目\t実施内容\t計画書ページ\t担当部署\t担当課\t令和元年度実施状況\t令和元年度 実施状況に関する担当課の評価\t達成度 (%)\t今後 (令和2年度以降) の実施計画\t令和2年度実施状況\t令和2年度 実施状況に関する担当課の評価\t達成度 (%)\t今後 (令和3年度以降) の実施計画";

struct Out {
    measures: Result<Vec<Measure>, ImportError>,
    warnings: Vec<Warning>,
    unused: Vec<UnusedSpan>,
}

fn run(options: &str, text: &str) -> Out {
    let plan = Plan {
        id: "p".into(),
        name: "計画".into(),
        kind: PlanKind::SUICIDE_PREVENTION,
        kind_label: None,
        municipality: "市".into(),
        period: None,
    };
    let options: toml::Table = toml::from_str(options).expect("options parse");
    let (measures, warnings, unused) =
        crate::ingest::run_importer(&TabularImporter, "t.txt", text, &plan, &options);
    Out {
        measures,
        warnings,
        unused,
    }
}

fn warned(out: &Out, line: usize, code: WarningCode) -> bool {
    out.warnings
        .iter()
        .any(|w| w.line == line && w.code == code)
}

fn row(cells: &[&str]) -> String {
    cells.join("\t")
}

#[test]
fn reads_a_kumamoto_style_table() {
    let text = [
        String::new(),
        HEADER.to_string(),
        row(&[
            "基本施策1 地域",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]),
        row(&[
            "ア. 自殺対策",
            "《新規》相談 事業",
            "P.1",
            "障がい者 支援部・ 各区役所",
            "A課・B課",
            "s1",
            "e1",
            "100",
            "n1",
            "s2",
            "e2",
            "90%",
            "n2",
        ]),
        String::new(),
        row(&[
            "ア. 自殺対策",
            "派遣",
            "P.2",
            "庁外",
            "臨床心理 士・公認心理師協 会",
            "s1",
            "e1",
            "①100%",
            "n1",
            "e2",
            "①100%、②",
            "1)については長い計画の文章です",
            "",
        ]),
    ]
    .join("\n");
    let out = run(KUMAMOTO, &text);
    let ms = out.measures.as_ref().unwrap();
    assert_eq!(ms.len(), 2);
    let a = &ms[0];
    assert_eq!(a.title, "相談事業");
    assert_eq!(a.flags, ["new"]);
    assert_eq!(a.path, ["基本施策1 地域", "ア. 自殺対策"]);
    assert_eq!(a.departments, ["障がい者支援部", "各区役所"]);
    assert_eq!(a.sections, ["A課", "B課"]);
    assert_eq!(a.progress.len(), 2);
    assert_eq!(a.progress[0].fiscal_year, "R1");
    assert_eq!(a.progress[0].year, Some(2019));
    assert_eq!(a.progress[0].achievement_pct, Some(100.0));
    assert_eq!(a.progress[0].next_plan.as_deref(), Some("n1"));
    assert_eq!(a.progress[1].fiscal_year, "R2");
    assert_eq!(a.progress[1].achievement_pct, Some(90.0));
    assert_eq!(a.source.line, 4);
    // The pillar carries over the page break; the R2 block is shifted.
    let b = &ms[1];
    assert_eq!(b.path, ["基本施策1 地域", "ア. 自殺対策"]);
    assert_eq!(b.sections, ["臨床心理士・公認心理師協会"]);
    assert!(b.flags.contains(&"cells-shifted".to_string()));
    assert_eq!(b.progress[1].evaluation, None);
    assert_eq!(b.progress[1].achievement.as_deref(), Some("①100%、②"));
    assert!(
        b.progress[1]
            .next_plan
            .as_deref()
            .unwrap()
            .starts_with("1)")
    );
    assert!(warned(&out, 6, WarningCode::CellMissing));
    assert!(out.unused.iter().all(|u| u.kind == SpanKind::Header));
}

#[test]
fn reads_an_arao_style_table_with_a_drifting_target() {
    let h1 = row(&[
        "取組番号",
        "担当課",
        "具体的施策",
        "取り組み内容",
        "昨年度の課題",
        "取り組み実績",
        "評価",
        "今後の課題",
        "成果指標",
        "",
        "",
        "",
    ]);
    let h2 = row(&[
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "指標名",
        "実績 (R3年度)",
        "R4年度",
        "目標値",
    ]);
    let text = [
        h1,
        h2,
        row(&[
            "重点目標3 安全",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]),
        row(&[
            "【施策の方向】1.防災",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]),
        row(&[
            "65",
            "防災課",
            "20. 防災",
            "登用推進",
            "課題",
            "実績",
            "B",
            "今後",
            "女性比率",
            "18.8%",
            "18.2%",
            "",
            "20.0%",
        ]),
        row(&[
            "66",
            "防災課",
            "20.防災",
            "登用推進",
            "同上",
            "実績",
            "A",
            "今後",
            "相談件数",
            "10件",
            "15件",
            "",
            "20回",
        ]),
        row(&[
            "67",
            "防災課",
            "20.防災",
            "別",
            "x",
            "y",
            "A",
            "z",
            "-",
            "-",
            "-",
            "-",
            "",
        ]),
    ]
    .join("\n");
    let out = run(ARAO, &text);
    let ms = out.measures.as_ref().unwrap();
    assert_eq!(ms.len(), 3);
    assert_eq!(ms[0].path, ms[1].path);
    assert_eq!(
        ms[0].path,
        ["重点目標3 安全", "【施策の方向】1. 防災", "20. 防災"]
    );
    assert_eq!(ms[0].number.as_deref(), Some("65"));
    assert_eq!(ms[0].sections, ["防災課"]);
    assert!(ms[0].departments.is_empty());
    let p = &ms[0].progress[0];
    assert_eq!((p.fiscal_year.as_str(), p.year), ("R5", Some(2023)));
    assert_eq!(p.issues.as_deref(), Some("課題"));
    assert_eq!(p.evaluation.as_deref(), Some("B"));
    let ind = &ms[0].indicators[0];
    assert_eq!(ind.target.as_deref(), Some("20.0%"));
    assert_eq!(ind.target_value, Some(20.0));
    assert_eq!(ind.values.len(), 2);
    assert_eq!(ind.values[0].fiscal_year, "R3");
    assert_eq!(ind.unit.as_deref(), Some("%"));
    assert!(ms[1].flags.contains(&"same-as-above".to_string()));
    assert!(ms[1].flags.contains(&"indicator-unit-mismatch".to_string()));
    assert!(warned(&out, 6, WarningCode::UnitMismatch));
    assert!(out.warnings.iter().any(|w| w.message.contains("件")));
    assert!(ms[2].indicators.is_empty());
}

#[test]
fn a_row_split_over_two_lines_is_rejoined() {
    let text = [
        HEADER.to_string(),
        row(&["関連施策", "", "", "", "", "", "", "", "", "", "", "", ""]),
        row(&["関連施策", "救急", "P.1", "部", "課", "前半"]),
        row(&["後半", "e1", "100", "n1", "s2", "e2", "90%", "n2"]),
    ]
    .join("\n");
    let out = run(KUMAMOTO, &text);
    let ms = out.measures.as_ref().unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].progress[0].status.as_deref(), Some("前半後半"));
    assert_eq!(ms[0].progress[1].next_plan.as_deref(), Some("n2"));
    assert_eq!(ms[0].source.line_end, 4);
    assert!(warned(&out, 3, WarningCode::RowJoined));
    assert!(out.unused.iter().all(|u| u.kind == SpanKind::Header));
}

#[test]
fn truncated_rows_and_garbage_warn_without_panicking() {
    let text = [
        HEADER.to_string(),
        row(&["関連施策", "救急", "P.1"]),
        "\t\t\t".to_string(),
        "ごみ行".to_string(),
        String::new(),
        row(&["関連施策", "", "P.2", "部"]),
        "基本施策9 だけ".to_string(),
    ]
    .join("\n");
    let out = run(KUMAMOTO, &text);
    let ms = out.measures.as_ref().unwrap();
    assert_eq!(ms.len(), 1);
    assert!(ms[0].flags.contains(&"truncated-row".to_string()));
    assert!(warned(&out, 2, WarningCode::RowTruncated));
    assert!(warned(&out, 4, WarningCode::MissingTitle));
    assert!(warned(&out, 6, WarningCode::MissingTitle));
    assert!(warned(&out, 7, WarningCode::EmptySection));
    // Unread rows stay unclassified, so the ledger reports them too.
    let unclassified: Vec<(usize, usize)> = out
        .unused
        .iter()
        .filter(|u| u.kind == SpanKind::Unclassified)
        .map(|u| (u.line_start, u.line_end))
        .collect();
    assert_eq!(unclassified, [(4, 6)]);
}

#[test]
fn empty_garbage_and_bad_options_are_errors_not_panics() {
    let out = run(KUMAMOTO, "\n\n\n");
    assert!(
        out.measures
            .unwrap_err()
            .message
            .contains("見出しの行が見つかりません")
    );
    let out = run(KUMAMOTO, "\u{0}\u{1}ああ\t\t\u{3000}\n\t\n😀\t😀\t😀😀");
    assert!(out.measures.is_err());
    let out = run("[columns]\nstatus = [\"x\"]", HEADER);
    assert!(out.measures.unwrap_err().message.contains("columns.title"));
    let out = run("colums = 1", HEADER);
    assert!(
        out.measures
            .unwrap_err()
            .message
            .contains("[document.options] に誤りがあります")
    );
    let out = run("fiscal_year = \"平成5\"\n[columns]\ntitle=[\"a\"]", HEADER);
    assert!(out.measures.is_err());
}

#[test]
fn rows_before_the_header_are_reported() {
    let text = [
        row(&["関連施策", "救急", "P.1"]),
        HEADER.to_string(),
        row(&[
            "関連施策",
            "救急",
            "P.1",
            "部",
            "課",
            "s",
            "e",
            "1",
            "n",
            "s",
            "e",
            "1",
            "n",
        ]),
    ]
    .join("\n");
    let out = run(KUMAMOTO, &text);
    assert_eq!(out.measures.as_ref().unwrap().len(), 1);
    assert!(warned(&out, 1, WarningCode::RowBeforeHeader));
    assert!(out.unused.iter().any(|u| u.kind == SpanKind::Unclassified));
}

#[test]
fn a_column_empty_on_a_whole_page_flags_its_rows() {
    let h1 = row(&[
        "取組番号",
        "担当課",
        "具体的施策",
        "取り組み内容",
        "昨年度の課題",
        "取り組み実績",
        "評価",
        "今後の課題",
    ]);
    let mut lines = vec![h1];
    for n in 0..3 {
        lines.push(row(&[
            &format!("{n}"),
            "課",
            "1.施策",
            "内容",
            "",
            "a",
            "A",
            "b",
        ]));
    }
    let out = run(ARAO, &lines.join("\n"));
    let ms = out.measures.as_ref().unwrap();
    assert!(
        ms.iter()
            .all(|m| m.flags.contains(&"columns-ambiguous".to_string()))
    );
    assert!(warned(&out, 2, WarningCode::ColumnsUndecidable));
}

/// `《新規》` split off into a cell of its own is joined with the title, never
/// read as a record with an empty title (a case tests/fuzz_import.rs meets).
#[test]
fn a_marker_in_a_cell_of_its_own_is_joined_with_the_title() {
    let cells = [
        "ア. 自殺対策",
        "相談 事業",
        "P.1",
        "障がい者支援部",
        "A課",
        "s1",
        "e1",
        "100",
        "n1",
        "s2",
        "e2",
        "90%",
        "n2",
    ];
    let mut split: Vec<&str> = cells.to_vec();
    split.insert(1, "《新規》");
    let text = [HEADER.to_string(), row(&split)].join("\n");
    let out = run(KUMAMOTO, &text);
    let ms = out.measures.as_ref().unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].title, "相談事業");
    assert_eq!(ms[0].flags, vec!["new".to_string()]);
    assert_eq!(ms[0].departments, vec!["障がい者支援部".to_string()]);
    assert!(
        warned(&out, 2, WarningCode::MarkerJoined),
        "{:?}",
        out.warnings
    );

    // a title cell that is only the marker, with nothing to join: not read, and said so
    let mut only: Vec<&str> = cells.to_vec();
    only[1] = "《新規》";
    let text = [HEADER.to_string(), row(&only)].join("\n");
    let out = run(KUMAMOTO, &text);
    assert!(out.measures.as_ref().unwrap().is_empty());
    assert!(
        warned(&out, 2, WarningCode::TitleOnlyMarker),
        "{:?}",
        out.warnings
    );
    assert!(
        out.unused.iter().any(|u| u.line_start == 2),
        "{:?}",
        out.unused
    );
}
