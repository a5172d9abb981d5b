//! The `outline` format: plan text with numbered headings, on a document in
//! the shape of real plans (tests/fixtures/outline: a cover, a contents
//! page, running headers, page markers, three heading levels with prose and
//! list items) and on 004's chapter 4, which the format can express as well
//! as the `plan-draft` importer written for it.

mod common;

use shisaku::ingest::outline::OutlineImporter;
use shisaku::ingest::{SpanKind, run_importer};
use shisaku::model::{Level, Measure};

fn options(text: &str) -> toml::Table {
    toml::from_str(text).unwrap()
}

fn plan() -> shisaku::model::Plan {
    common::corpus().measures[0].plan.clone()
}

#[test]
fn a_plan_body_reads_into_one_record_per_measure_heading() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/outline/kenko_keikaku.txt"
    ))
    .unwrap();
    let opts = options(r#"levels = ["基本目標N*", "（N）*", "①*"]"#);
    let (records, warnings, unused) =
        run_importer(&OutlineImporter, "kenko.txt", &text, &plan(), &opts);
    let records = records.unwrap();
    let titles: Vec<&str> = records.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "①食育の推進",
            "②減塩の推進",
            "①日常生活での歩数の増加",
            "②運動習慣の定着",
            "①健康づくり推進員の活動支援",
            "①公共施設の禁煙の徹底",
            "②事業所への啓発",
        ]
    );
    let first = &records[0];
    assert_eq!(first.level, Level::Measure);
    assert_eq!(first.number.as_deref(), Some("1"));
    assert_eq!(
        first.path,
        ["基本目標１ 生活習慣の改善", "（１）栄養・食生活"]
    );
    assert_eq!(
        first.content,
        "保育所や学校、地域の関係団体と連携し、子どもの頃から望ましい食習慣を身に付けられるよう食育を推進します。\n\
         また、朝食を欠食する若い世代に向けて、手軽に実践できる朝食の情報を発信します。"
    );
    assert_eq!(
        (first.source.line, first.source.line_end),
        (26, 30),
        "heading to last prose line"
    );
    // list items keep their lines; page furniture between paragraphs is not content
    assert_eq!(
        records[1].content,
        "ア 飲食店と連携した減塩メニューの普及\nイ 健診結果説明会での減塩指導"
    );
    assert_eq!(
        records[3].content,
        "スポーツ推進委員と連携し、各地区で気軽に参加できる運動教室を開催します。"
    );
    assert_eq!(records[3].path[1], "（２）身体活動・運動");
    assert_eq!(
        records[4].path,
        [
            "基本目標２ 健康を支える環境づくり",
            "（１）地域のつながりの強化"
        ]
    );
    for m in &records {
        assert!(
            !m.content.contains("テスト市健康増進計画") && !m.content.contains("- "),
            "{m:?}"
        );
    }
    assert!(warnings.is_empty(), "{warnings:?}");
    // Every other line is accounted for: contents, page markers and running
    // headers as furniture, the prose outside measures as prose.
    assert!(
        unused.iter().all(|u| u.kind != SpanKind::Unclassified),
        "{unused:?}"
    );
    let kind_of = |line: usize| {
        unused
            .iter()
            .find(|u| u.line_start <= line && line <= u.line_end)
            .map(|u| u.kind)
    };
    let lines: Vec<&str> = text.lines().collect();
    let at = |s: &str| lines.iter().position(|l| l.trim() == s).unwrap() + 1;
    assert_eq!(kind_of(at("目次")), Some(SpanKind::PageFurniture));
    assert_eq!(
        kind_of(at("第２章 施策の展開 ………………………… 3")),
        Some(SpanKind::PageFurniture)
    );
    assert_eq!(kind_of(at("- 3 -")), Some(SpanKind::PageFurniture));
    assert_eq!(kind_of(at("- 5 -")), Some(SpanKind::PageFurniture));
    let running = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == "第２次テスト市健康増進計画");
    for (i, _) in running {
        assert_eq!(
            kind_of(i + 1),
            Some(SpanKind::PageFurniture),
            "line {}",
            i + 1
        );
    }
    assert_eq!(kind_of(at("第１章 計画の概要")), Some(SpanKind::Prose));
    assert_eq!(
        kind_of(at(
            "生活習慣病の予防に向けて、市民一人ひとりが主体的に取り組めるよう支援します。"
        )),
        Some(SpanKind::Prose)
    );
    // headings are used by the records below them
    assert_eq!(kind_of(at("基本目標１ 生活習慣の改善")), None);
}

#[test]
fn chapter_4_of_004_is_expressed_as_an_outline() {
    let seed = common::corpus()
        .reports
        .iter()
        .find(|r| r.file.starts_with("004"))
        .unwrap()
        .file
        .clone();
    let text = std::fs::read_to_string(common::manifest_path().with_file_name(&seed)).unwrap();
    let opts = options(
        r#"
start = "3 取組の方向性"
end = "3. 成果指標"
levels = ["N *", "N.*", "(N)*"]
record_level = "direction"
leaf_records = true
furniture = ["～*～"]  # figure captions
"#,
    );
    let (records, warnings, unused) = run_importer(&OutlineImporter, &seed, &text, &plan(), &opts);
    let records = records.unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(unused.iter().all(|u| u.kind != SpanKind::Unclassified));
    // What plan-draft, written for 004, reads from the same part.
    let draft: Vec<&Measure> = common::measures("004")
        .into_iter()
        .filter(|m| {
            m.level == Level::Direction && m.path.first().is_some_and(|p| p.starts_with("第4章"))
        })
        .collect();
    assert_eq!(draft.len(), 4);
    assert_eq!(records.len(), draft.len());
    for (o, d) in records.iter().zip(&draft) {
        assert_eq!(o.title, d.title);
        assert_eq!(o.level, d.level);
        assert_eq!(o.number, d.number, "{}", o.title);
        assert_eq!(o.content, d.content, "{}", o.title);
        assert_eq!(o.source.line, d.source.line);
        // plan-draft's path starts at the chapter; the outline's at the part read
        let want = match d.path.len() {
            1 => "3 取組の方向性",
            _ => d.path.last().unwrap().as_str(),
        };
        assert_eq!(o.path.last().map(String::as_str), Some(want), "{}", o.title);
    }
}

/// Text of plan-like lines in any order and any (unmatched) shape.
fn plan_lines() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let pieces = vec![
        "基本目標１ 生活習慣の改善",
        "基本目標十二 環境",
        "（１）栄養・食生活",
        "(99999999999999999999)桁",
        "①食育の推進",
        "⑳ 二十",
        "ア 飲食店との連携",
        "目次",
        "第１章 概要 ……… 1",
        "- 3 -",
        "３",
        "第２次テスト市健康増進計画",
        "保育所や学校と連携し、食育を推進します。",
        "九九九九九九九九九九九九九九九九九九九九九九九九",
        "",
        "   ",
        "・項目",
        "\u{3000}",
        "～図～",
    ];
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(pieces).prop_map(str::to_string),
            "\\PC{0,80}",
        ],
        0..60,
    )
    .prop_map(|v| v.join("\n"))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever the text, the importer accounts for every line and never fails.
    #[test]
    fn any_text_reads_without_panic_and_leaves_nothing_unaccounted(
        text in plan_lines(),
        leaf in proptest::bool::ANY,
    ) {
        let opts = options(&format!(
            r#"levels = ["基本目標N*", "（N）*", "①*", "ア*"]
measure_level = 3
leaf_records = {leaf}
furniture = ["～*～"]"#
        ));
        let (records, _warnings, unused) =
            run_importer(&OutlineImporter, "x.txt", &text, &plan(), &opts);
        let records = records.unwrap();
        let n = text.lines().count();
        for m in &records {
            proptest::prop_assert!(
                1 <= m.source.line && m.source.line <= m.source.line_end && m.source.line_end <= n
            );
            proptest::prop_assert!(!m.title.trim().is_empty());
        }
        proptest::prop_assert!(unused.iter().all(|u| u.kind != SpanKind::Unclassified), "{:?}", unused);
    }
}
