use super::cells::*;
use super::classify::*;
use super::*;
use crate::ingest::*;
use crate::model::{Plan, PlanKind};

fn plan() -> Plan {
    crate::ingest::test_plan(PlanKind::SUICIDE_PREVENTION)
}

fn run(
    text: &str,
) -> (
    Vec<Measure>,
    Vec<crate::ingest::Warning>,
    Vec<crate::ingest::UnusedSpan>,
) {
    let (ms, w, u) =
        crate::ingest::run_importer(&BlockImporter, "t.txt", text, &plan(), &toml::Table::new());
    let ms = ms.expect("imports");
    let w = w
        .into_iter()
        .filter(|w| w.code != WarningCode::YearsAssumed)
        .collect();
    (ms, w, u)
}

#[test]
fn tokens_glue_achievement() {
    assert_eq!(
        tokens("ア　実施済 100 % 実施を継続"),
        ["ア　実施済", "100 %", "実施を継続"]
    );
    assert_eq!(
        tokens("　一般相談　２，３７２件"),
        ["一般相談　２，３７２件"]
    );
    assert!(is_ach("99.5 %"));
    assert!(is_ach("0%"));
    assert!(!is_ach("%"));
    assert!(!is_ach("１，４７８名"));
}

#[test]
fn status_lines_and_header_fragments() {
    let s = parse_status("概ね順調に推移している。 ア　実施済 100 %", 9).unwrap();
    assert_eq!(s.prefix, ["概ね順調に推移している。"]);
    assert_eq!(s.code, "ア　実施済");
    assert_eq!(s.ach.as_deref(), Some("100 %"));
    assert!(s.suffix.is_empty());
    let s = parse_status("ア　実施済 100 % 年2回の実施", 1).unwrap();
    assert_eq!(s.suffix, ["年2回の実施"]);
    let s = parse_status("ア　実施済 -", 1).unwrap();
    assert_eq!(s.ach.as_deref(), Some("-"));
    let s = parse_status("エ　未実施 0 %", 1).unwrap();
    assert_eq!(
        (s.code.as_str(), s.ach.as_deref()),
        ("エ　未実施", Some("0 %"))
    );
    // Header form instructions are not status lines (T003-2).
    assert!(parse_status("ア　実施済,ウ", 1).is_none());
    assert!(parse_status("準備中,エ　未実", 1).is_none());
    assert!(is_header_fragment("施,"));
    assert!(is_header_fragment("ア　実施済,ウ"));
}

#[test]
fn pages_departments_sections() {
    assert!(is_page("18"));
    assert!(is_page("Ｒ３追加"));
    assert!(is_page("P.45"));
    assert!(!is_page("100 %"));
    assert!(!is_page("１，３９９人"));
    assert!(is_dept_list("市民部・"));
    assert!(is_dept_list("市民部・福祉部"));
    assert!(is_dept_list("教育委員会"));
    assert!(!is_dept_list("一部"));
    assert!(!is_dept_list("母子健康センター"));
    assert_eq!(split_names("市民部・福祉部"), ["市民部", "福祉部"]);
    assert_eq!(
        split_names("長寿いきがい課・大里広域市町村圏組合"),
        ["長寿いきがい課", "大里広域市町村圏組合"]
    );
    assert_eq!(
        split_names("熊本県臨床心理 士・公認心理師協 会"),
        ["熊本県臨床心理士・公認心理師協会"]
    );
    assert_eq!(
        split_names("こころの健康セン ター・"),
        ["こころの健康センター"]
    );
    assert!(split_names("").is_empty());
}

#[test]
fn joins_wrapped_lines_but_keeps_real_breaks() {
    let lines = [
        "新型コロナウイルス感染症による拡大防止のため書面",
        "開催とした。関係課（１１課）・関係団体（５か所）で市の",
        "自殺の現状と取組について、情報共有及び検討を行っ",
        "た。",
        "日時：令和３年２月１２日",
        "会議にかかる報告：令和３年３月３１日",
    ];
    assert_eq!(
        join_lines(&lines, 20.0),
        "新型コロナウイルス感染症による拡大防止のため書面開催とした。関係課（１１課）・関係団体（５か所）で市の自殺の現状と取組について、情報共有及び検討を行った。\n日時：令和３年２月１２日\n会議にかかる報告：令和３年３月３１日"
    );
    assert_eq!(
        join_lines(
            &[
                "必要に応じて適切な支援先につないだ。",
                "　一般相談　２，３７２件"
            ],
            20.0
        ),
        "必要に応じて適切な支援先につないだ。\n　一般相談　２，３７２件"
    );
    assert_eq!(
        join_name(&[
            "子育て世代包括支援センターを中心とした子育て支",
            "援ネットワーク"
        ]),
        "子育て世代包括支援センターを中心とした子育て支援ネットワーク"
    );
}

fn cells(texts: &[&[&str]]) -> Vec<Cell> {
    texts
        .iter()
        .map(|ls| Cell {
            lines: ls.iter().map(|l| l.to_string()).collect(),
            ach: ls.len() == 1 && is_ach(ls[0]),
        })
        .collect()
}

#[test]
fn assigns_cells_around_the_achievement() {
    let cs = cells(&[
        &["実施した。"],
        &["100 %"],
        &["実施する。"],
        &["実施した。"],
        &["良好。"],
    ]);
    let a = assign(&cs, 20.0, &[], true);
    assert_eq!(a.r2_status.as_deref(), Some("実施した。"));
    assert_eq!(a.r2_ach.as_deref(), Some("100 %"));
    assert_eq!(a.r3_plan.as_deref(), Some("実施する。"));
    assert_eq!(a.r3_status.as_deref(), Some("実施した。"));
    assert_eq!(a.r3_eval.as_deref(), Some("良好。"));
    assert!(!a.guessed);
    // Result and evaluation without a blank between them: split at the real break.
    let cs = cells(&[
        &["100 %"],
        &["配布する。"],
        &["配布した。", "手渡しできた。"],
    ]);
    let a = assign(&cs, 20.0, &[], true);
    assert_eq!(a.r2_status, None);
    assert_eq!(a.r3_status.as_deref(), Some("配布した。"));
    assert_eq!(a.r3_eval.as_deref(), Some("手渡しできた。"));
    assert!(a.guessed);
}

#[test]
fn assigns_cells_without_achievement() {
    // R2 columns empty (a measure added in R3): plan, result, evaluation.
    let cs = cells(&[
        &["相談先へつなぎます。"],
        &["相談先へつないだ。"],
        &["できた。"],
    ]);
    let a = assign(&cs, 20.0, &["相談先へつなぎます。", ""], true);
    assert_eq!(a.r2_status, None);
    assert_eq!(a.r3_plan.as_deref(), Some("相談先へつなぎます。"));
    assert_eq!(a.r3_eval.as_deref(), Some("できた。"));
    // 達成度 missing: R2 result, then the plan that repeats the next plan.
    let cs = cells(&[
        &["訪問は未実施。"],
        &["情報を共有する。"],
        &["訪問者数２０人", "令和３年度は実施した。"],
    ]);
    let a = assign(&cs, 20.0, &["情報を共有します。", "情報を共有する。"], true);
    assert_eq!(a.r2_status.as_deref(), Some("訪問は未実施。"));
    assert_eq!(a.r3_plan.as_deref(), Some("情報を共有する。"));
    assert_eq!(a.r3_status.as_deref(), Some("訪問者数２０人"));
    assert_eq!(a.r3_eval.as_deref(), Some("令和３年度は実施した。"));
    // A cut block: read from the front.
    let cs = cells(&[&["開催した。"]]);
    let a = assign(&cs, 20.0, &[], false);
    assert_eq!(a.r2_status.as_deref(), Some("開催した。"));
    assert_eq!(a.r3_plan, None);
    let a = assign(&[], 20.0, &[], true);
    assert!(a.r2_status.is_none() && a.r3_plan.is_none() && a.r3_eval.is_none());
}

const SAMPLE: &str = " 計画における項目 令和２年度実施状況 令和３年度実施状況
今後（令和４年度以降）の実施計画
基本施策１　地域におけるネットワークの
強化

地域ケア会議
市と地域包括支援センターが連携・協働し、地域ケア
会議の円滑な実施に向けた環境を整備します。

19 福祉部 長寿いきがい課
中央型地域ケア会議：２回

100 %
中央型地域ケア会議：４回

中央型地域ケア会議：４回

概ね順調に推移している。 ア　実施済 100 %
中央型地域ケア会議：４回

見守りネットワーク

生活関連業者と連携し、業務中に訪問した世帯の異変
を発見した場合は、行政窓口に連絡してもらいます。

19
福祉部・
市民部

生活福祉課・
熊谷保健
センター

生活関連業者と連携し、連絡してもらった。

0 %
連絡してもらいます。

連絡してもらった。

非接触型での対応を行った。

エ　未実施 0 % 実施を継続
";

#[test]
fn synthetic_blocks() {
    let (ms, w, u) = run(SAMPLE);
    assert!(u.iter().all(|s| s.kind == SpanKind::Header), "{u:?}");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(ms.len(), 2);
    let a = &ms[0];
    assert_eq!(a.title, "地域ケア会議");
    assert_eq!(a.source.line, 6);
    assert_eq!(a.path, ["基本施策１　地域におけるネットワークの強化"]);
    assert_eq!(a.page.as_deref(), Some("19"));
    assert_eq!(a.departments, ["福祉部"]);
    assert_eq!(a.sections, ["長寿いきがい課"]);
    assert_eq!(a.progress.len(), 2);
    assert_eq!(
        a.progress[0].status.as_deref(),
        Some("中央型地域ケア会議：２回")
    );
    assert_eq!(a.progress[0].achievement_pct, Some(100.0));
    assert_eq!(
        a.progress[1].evaluation.as_deref(),
        Some("ア　実施済\n概ね順調に推移している。")
    );
    assert_eq!(
        a.progress[1].next_plan.as_deref(),
        Some("中央型地域ケア会議：４回")
    );
    let b = &ms[1];
    assert_eq!(b.title, "見守りネットワーク");
    assert_eq!(b.departments, ["福祉部", "市民部"]);
    assert_eq!(b.sections, ["生活福祉課", "熊谷保健センター"]);
    assert_eq!(b.progress[0].achievement.as_deref(), Some("0 %"));
    assert_eq!(b.progress[1].status.as_deref(), Some("連絡してもらった。"));
    assert_eq!(b.progress[1].next_plan.as_deref(), Some("実施を継続"));
    assert_eq!(b.progress[1].achievement_pct, Some(0.0));
}

#[test]
fn blank_and_garbage_input_do_not_panic() {
    let (ms, w, _) = run("\n\n   \n\u{3000}\n");
    assert!(ms.is_empty());
    assert_eq!(w.len(), 1);
    assert!(w[0].code == WarningCode::NoMeasures);

    let (ms, w, u) = run("ア\n%\n 100 %\n,,,\n１\n部\n\u{3000}ア　\n漢字。");
    assert!(ms.is_empty());
    assert!(w.iter().any(|w| w.code == WarningCode::NoMeasures));
    assert!(!u.is_empty());
}

#[test]
fn truncated_block_is_kept_and_warned() {
    // Cut after the description of the second block.
    let text = "地域ケア会議
会議の円滑な実施に向けた環境を整備します。

19 福祉部 長寿いきがい課
２回

100 %
４回

４回

順調。 ア　実施済 100 % 継続

見守りネットワーク
生活関連業者と連携し、業務中に訪問した世帯の異変
";
    let (ms, w, u) = run(text);
    assert!(u.is_empty(), "{u:?}");
    assert_eq!(ms.len(), 2);
    assert_eq!(ms[1].title, "見守りネットワーク");
    assert_eq!(ms[1].source.line, 14);
    assert!(ms[1].flags.contains(&"truncated-block".to_string()));
    assert!(
        w.iter()
            .any(|w| w.line == 14 && w.code == WarningCode::Truncated)
    );
    // No pillar heading at all: warned once.
    assert!(w.iter().any(|w| w.code == WarningCode::OutsideHeading));
}

#[test]
fn block_without_department_line_is_warned() {
    let text = "基本施策１　連携

地域ケア会議
会議の円滑な実施に向けた環境を整備します。

２回

100 %
４回

４回

順調。 ア　実施済 100 % 継続
";
    let (ms, w, u) = run(text);
    assert!(u.is_empty(), "{u:?}");
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].title, "地域ケア会議");
    assert!(ms[0].departments.is_empty());
    assert!(ms[0].flags.contains(&"no-department-line".to_string()));
    assert!(w.iter().any(|w| w.line == 3
        && w.code == WarningCode::MissingField
        && w.message.contains("ページ・部局の行")));
}

#[test]
fn block_without_status_line_is_warned() {
    let text = "基本施策１　連携

地域ケア会議
会議の円滑な実施に向けた環境を整備します。

19 福祉部 長寿いきがい課
２回

100 %

見守りネットワーク
生活関連業者と連携します。

19 福祉部 生活福祉課
連絡した。

100 %
連絡します。

連絡した。

良好。 ア　実施済 100 %
";
    let (ms, w, u) = run(text);
    assert!(u.is_empty(), "{u:?}");
    assert_eq!(ms.len(), 2);
    assert!(ms[0].flags.contains(&"no-status-line".to_string()));
    assert!(w.iter().any(|w| w.line == 3
        && w.code == WarningCode::MissingField
        && w.message.contains("取組状況の行")));
    assert_eq!(ms[0].progress[0].status.as_deref(), Some("２回"));
    assert_eq!(ms[1].title, "見守りネットワーク");
    assert_eq!(ms[1].source.line, 11);
}

#[test]
fn extra_description_paragraph_is_kept_and_warned() {
    let text = "基本施策１　連携

地域ケア会議

会議の円滑な実施に向けた環境を整備します。

関係機関と連携します。

19 福祉部 長寿いきがい課
２回

100 %
４回

４回

順調。 ア　実施済 100 % 継続
";
    let (ms, w, u) = run(text);
    assert!(u.is_empty(), "{u:?}");
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].title, "地域ケア会議");
    assert_eq!(
        ms[0].content,
        "会議の円滑な実施に向けた環境を整備します。\n関係機関と連携します。"
    );
    assert!(w.iter().any(|w| w.line == 7
        && w.code == WarningCode::UnexpectedText
        && w.message.contains("説明の段落が複数")));
}

#[test]
fn bad_options_are_an_error_naming_the_file() {
    let plan = plan();
    for opts in ["wrap_width = -1.0", "wrap_width = \"x\"", "colums = 3"] {
        let opts: toml::Table = opts.parse().unwrap();
        let doc = Document::new("bad.txt", "18 市民部 課", &plan, &opts);
        let mut ledger = Ledger::new("bad.txt", &doc.lines);
        let err = BlockImporter.import(&doc, &mut ledger).unwrap_err();
        assert_eq!(err.file, "bad.txt");
        assert!(err.message.contains("options"), "{err}");
    }
    let opts: toml::Table = "wrap_width = 30.0".parse().unwrap();
    let doc = Document::new("ok.txt", "x", &plan, &opts);
    let mut ledger = Ledger::new("ok.txt", &doc.lines);
    assert!(BlockImporter.import(&doc, &mut ledger).is_ok());
}

#[test]
fn other_status_words() {
    let s = parse_status("イ　一部実施 50 % 継続する。", 3).unwrap();
    assert_eq!(s.code, "イ　一部実施");
    assert_eq!(s.ach.as_deref(), Some("50 %"));
    assert_eq!(s.suffix, ["継続する。"]);
    let s = parse_status("オ　その他", 3).unwrap();
    assert_eq!((s.ach, s.suffix.len()), (None, 0));
    // `オ　その他　から` (header text) has a second U+3000: not a status.
    assert!(parse_status("オ　その他　から", 1).is_none());
    assert!(parse_status("カ　実施済 100 %", 1).is_none());
}

#[test]
fn odd_slices_do_not_panic() {
    for text in [
        "18",
        "18\n市民部・",
        "18\n市民部・\n\n",
        "18 市民部",
        "建設部 営繕課",
        "ア　実施済 100 %",
        "ア　実施済 100 % 継続\nア　実施済",
        "取組状況\nア　実施済,ウ",
        "基本施策１　地域の\n強化",
        "タイトル 説明です。 23 市民部 熊谷保健センター",
        "𠮷野家 100 % 𠮷\n\n\n",
    ] {
        let _ = run(text);
    }
}
