//! The `block-report` importer on the real seed 003 (熊谷市自殺対策計画 進捗状況,
//! PDF text): counts, ledger, warnings and records checked field by field
//! against the text, including every trap of DOCUMENT_TRAPS.md section 003.

mod common;

use shisaku::ingest::blocks::BlockImporter;
use shisaku::ingest::{Document, Importer, Ledger, SpanKind, WarningCode};
use shisaku::model::{Level, Measure, ProgressEntry};

const FILE: &str = "003";

fn rec(line: usize) -> &'static Measure {
    common::at_line(FILE, line)
}

fn year<'a>(m: &'a Measure, fy: &str) -> &'a ProgressEntry {
    m.progress
        .iter()
        .find(|p| p.fiscal_year == fy)
        .unwrap_or_else(|| panic!("{}: no {fy} entry", m.title))
}

fn flagged(m: &Measure, flag: &str) -> bool {
    m.flags.iter().any(|f| f == flag)
}

const PILLAR1: &str = "基本施策１　地域におけるネットワークの強化";
const PILLAR2: &str = "基本施策２　自殺対策を支える人材の育成";
const PILLAR3: &str = "基本施策３　住民への啓発と周知";
const PILLAR4: &str = "基本施策４　生きることの促進要因への支援";
const PILLAR5: &str = "基本施策５　児童生徒のSOSの出し方に関する教育";

#[test]
fn counts_per_level() {
    let r = common::report(FILE);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(r.records.get(&Level::Measure), Some(&90));
    assert_eq!(r.total(), 90);
    assert_eq!(common::measures(FILE).len(), 90);
    // One record per 取組状況 line; one title line per record.
    let ms = common::measures(FILE);
    let mut lines: Vec<usize> = ms.iter().map(|m| m.source.line).collect();
    lines.dedup();
    assert_eq!(lines.len(), 90);
    assert!(lines.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn pillars_count_their_measures() {
    let ms = common::measures(FILE);
    let count = |p: &str| ms.iter().filter(|m| m.path == [p]).count();
    assert_eq!(count(PILLAR1), 8);
    assert_eq!(count(PILLAR2), 8);
    assert_eq!(count(PILLAR3), 16);
    assert_eq!(count(PILLAR4), 53);
    assert_eq!(count(PILLAR5), 5);
}

#[test]
fn only_the_four_page_headers_are_unused() {
    let r = common::report(FILE);
    assert!(
        r.unused.iter().all(|u| u.kind != SpanKind::Unclassified),
        "{:?}",
        r.unused
    );
    let spans: Vec<(SpanKind, usize, usize)> = r
        .unused
        .iter()
        .map(|u| (u.kind, u.line_start, u.line_end))
        .collect();
    assert_eq!(
        spans,
        [
            (SpanKind::Header, 1, 18),
            (SpanKind::Header, 586, 609),
            (SpanKind::Header, 1312, 1329),
            (SpanKind::Header, 1985, 2002),
        ]
    );
}

#[test]
fn warnings_are_the_expected_ones() {
    let r = common::report(FILE);
    let ws: Vec<(usize, WarningCode, &str)> = r
        .warnings
        .iter()
        .map(|w| (w.line, w.code, w.message.as_str()))
        .collect();
    assert_eq!(ws.len(), 4, "{ws:#?}");
    assert_eq!(ws[0].0, 1161);
    assert_eq!(ws[0].1, WarningCode::Truncated);
    assert!(ws[0].2.contains("健康サポート薬局"));
    for (w, (line, title)) in ws[1..].iter().zip([
        (2395, "市営住宅への入居相談"),
        (2417, "市営住宅入居者の安否等確認連絡"),
        (2441, "市営住宅使用料の納付相談"),
    ]) {
        assert_eq!(w.0, line);
        assert!(
            w.1 == WarningCode::MissingField && w.2.contains(title) && w.2.contains("計画書ページ"),
            "{}",
            w.2
        );
    }
}

#[test]
fn every_record_is_complete() {
    for m in common::measures(FILE) {
        assert_eq!(m.level, Level::Measure);
        assert!(!m.title.is_empty() && !m.content.is_empty(), "{m:?}");
        assert!(!m.title.contains(char::is_whitespace), "{}", m.title);
        assert_eq!(m.path.len(), 1, "{}", m.title);
        assert!(
            !m.departments.is_empty() && !m.sections.is_empty(),
            "{}",
            m.title
        );
        assert!(m.id.starts_with("kumagaya-suicide-"));
        assert_eq!(m.source.line_start, m.source.line);
        assert!(m.source.line_end > m.source.line);
        let r3 = year(m, "R3");
        assert_eq!(r3.year, Some(2021));
        let eval = r3.evaluation.as_deref().unwrap();
        let code = eval.lines().next().unwrap();
        assert!(
            ["ア　実施済", "エ　未実施"].contains(&code),
            "{}: {eval}",
            m.title
        );
        assert!(r3.achievement.is_some(), "{}", m.title);
        let r2 = year(m, "R2");
        assert_eq!(r2.year, Some(2020));
        // No header fragment was read as a status (T003-2).
        for p in &m.progress {
            for t in [&p.status, &p.evaluation, &p.next_plan]
                .into_iter()
                .flatten()
            {
                for frag in [
                    "実施済,",
                    "準備中,",
                    "選択してくださ",
                    "整数で入力",
                    "取組状況",
                ] {
                    assert!(!t.contains(frag), "{}: {t}", m.title);
                }
            }
        }
        // Wrapped lines joined: no break right after a mid-sentence full line.
        assert!(!m.content.contains("、\n"), "{}", m.content);
    }
}

/// Every judged measure of 003 in the development judgments (title + title line).
#[test]
fn judged_refs_map_to_exactly_one_record() {
    let refs: [(usize, &str); 59] = [
        (23, "熊谷市自殺予防対策連絡協議会"),
        (63, "ＤＶ対策庁内連絡会議"),
        (77, "産後うつ病地域連携システム"),
        (
            103,
            "子育て世代包括支援センターを中心とした子育て支援ネットワーク",
        ),
        (160, "地域ケア会議"),
        (205, "要保護児童対策地域協議会"),
        (262, "市職員を対象としたゲートキーパー養成講座"),
        (304, "民生委員・児童委員に対する研修"),
        (326, "子育て世代包括支援センター等職員に対する研修"),
        (
            378,
            "地域包括支援センター職員に対するゲートキーパー養成講座",
        ),
        (430, "市民を対象としたゲートキーパー養成講座"),
        (464, "学校教職員を対象としたゲートキーパー養成講座"),
        (482, "教育相談指導員を対象としたゲートキーパー養成講座"),
        (503, "啓発リーフレット等の作成・配布"),
        (561, "防犯・交通安全街頭啓発キャンペーン"),
        (577, "ＤＶ相談室への啓発リーフレットの設置"),
        (
            637,
            "子育て世代包括支援センター等への啓発リーフレットの設置",
        ),
        (677, "障害福祉会館への啓発リーフレットの設置"),
        (696, "図書館への啓発リーフレットの設置"),
        (776, "ホームページを活用した啓発"),
        (810, "コミュニティビジョンを活用した啓発"),
        (837, "市報を活用した啓発"),
        (948, "納税相談"),
        (972, "市民相談室"),
        (995, "消費生活センター"),
        (1011, "総合窓口へのリーフレットの設置"),
        (1030, "国民年金保険料免除相談"),
        (1057, "後期高齢者医療保険料の納付相談"),
        (1084, "ＤＶ相談"),
        (1202, "こころの健康相談"),
        (1228, "社会復帰支援"),
        (1261, "子育て世代包括支援センター"),
        (1331, "こんにちは赤ちゃん事業"),
        (1384, "産後ケア事業"),
        (1465, "保護司との連携"),
        (1544, "地域包括支援センター"),
        (1633, "障がい者計画"),
        (
            1664,
            "特別児童扶養手当、特別障害者手当、障害児福祉手当の支給",
        ),
        (1698, "障害者及び障害児への障害福祉サービスの提供"),
        (1733, "障害児の保護者への対応"),
        (1763, "障害者虐待に関する通報・相談窓口の設置"),
        (1809, "ファミリー・サポート・センターの運営"),
        (1846, "児童扶養手当の支給"),
        (1874, "ひとり親家庭に対する医療費の助成"),
        (1911, "保育料収納"),
        (1938, "水道料金の納付相談"),
        (2004, "就学援助"),
        (2045, "熊谷市育英資金制度・入学準備金制度"),
        (2172, "自殺未遂者への支援"),
        (2198, "自殺未遂者への対策に関する連携"),
        (2233, "遺族への支援"),
        (2253, "健康いきいきサポーター事業"),
        (2296, "地域子育て支援拠点での支援"),
        (2391, "市営住宅への入居相談"),
        (2410, "市営住宅入居者の安否等確認連絡"),
        (2437, "市営住宅使用料の納付相談"),
        (2463, "児童生徒へのリーフレット配布"),
        (2482, "学校図書館にリーフレットを設置"),
        (2532, "教育相談窓口の設置"),
    ];
    let ms = common::measures(FILE);
    for (line, title) in refs {
        let hits: Vec<_> = ms
            .iter()
            .filter(|m| m.source.line == line && m.title == title)
            .collect();
        assert_eq!(hits.len(), 1, "{line} {title}");
    }
}

/// T003-1, T003-3, T003-4 (title and description in one paragraph), T003-5 (one-line cell).
#[test]
fn first_block_field_by_field() {
    let m = rec(23);
    assert_eq!(m.title, "熊谷市自殺予防対策連絡協議会");
    assert_eq!(
        m.content,
        "熊谷市自殺予防対策連絡協議会において、自殺に関する情報の収集や自殺予防対策に関する関係機関・団体・関係課との連携を強化します。"
    );
    assert_eq!(m.path, [PILLAR1]);
    assert_eq!(m.page.as_deref(), Some("18"));
    assert_eq!(m.departments, ["市民部"]);
    assert_eq!(m.sections, ["熊谷保健センター"]);
    assert_eq!((m.source.line_start, m.source.line_end), (23, 61));
    assert!(m.flags.is_empty());
    assert_eq!(m.progress.len(), 2);
    let r2 = year(m, "R2");
    assert_eq!(
        r2.status.as_deref(),
        Some(
            "新型コロナウイルス感染症による拡大防止のため書面開催とした。関係課（１１課）・関係団体（５か所）で市の自殺の現状と取組について、情報共有及び検討を行った。\n日時：令和３年２月１２日\n会議にかかる報告：令和３年３月３１日"
        )
    );
    assert_eq!(r2.achievement.as_deref(), Some("100 %"));
    assert_eq!(r2.achievement_pct, Some(100.0));
    assert_eq!(
        r2.next_plan.as_deref(),
        Some(
            "会議を開催し、関係課（１３課）・関係団体（７か所）で、市の自殺の現状と取組みについて、情報共有及び検討を行う。\n日時：令和３年１０月２９日\n場所：緑化センター"
        )
    );
    assert!(r2.evaluation.is_none());
    let r3 = year(m, "R3");
    assert_eq!(
        r3.status.as_deref(),
        Some(
            "会議を開催し、関係課（１１課）・関係団体（５か所）で、市の自殺の現状と取組みについて、情報共有及び検討を行った。\n日時：令和３年１０月２９日\n場所：緑化センター"
        )
    );
    assert_eq!(
        r3.evaluation.as_deref(),
        Some(
            "ア　実施済\n会議を開催し、自殺への取組等について情報交換を行った。今後の対策等について引き続き意見交換を行っていく。"
        )
    );
    assert_eq!(r3.achievement.as_deref(), Some("100 %"));
    assert_eq!(r3.achievement_pct, Some(100.0));
    assert_eq!(
        r3.next_plan.as_deref(),
        Some(
            "会議を開催し、関係課（１３課）・関係団体（７か所）で、市の自殺の現状と取組みについて、情報共有及び検討を行う。\n日時：未定\n場所：未定"
        )
    );
}

/// L71: 達成度, R3 plan and R3 result on one line; L75: next plan after the status.
#[test]
fn cells_side_by_side_on_one_line() {
    let m = rec(63);
    assert_eq!(m.title, "ＤＶ対策庁内連絡会議");
    assert_eq!(m.sections, ["男女共同参画室"]);
    let r2 = year(m, "R2");
    assert_eq!(
        r2.status.as_deref(),
        Some("令和3年2月にＤＶ対策庁内連絡会議を書面にて開催した。")
    );
    assert_eq!(
        r2.next_plan.as_deref(),
        Some("年1回以上、ＤＶ対策庁内連絡会議を開催する。")
    );
    let r3 = year(m, "R3");
    assert_eq!(
        r3.status.as_deref(),
        Some("令和3年10月にＤＶ対策庁内連絡会議を開催した。")
    );
    assert_eq!(
        r3.evaluation.as_deref(),
        Some(
            "ア　実施済\n対面での会議を行うことができたため、関係課とのネットワーク構築が図れた。"
        )
    );
    assert_eq!(
        r3.next_plan.as_deref(),
        Some("年1回以上、ＤＶ対策庁内連絡会議を開催する。")
    );
    assert_eq!(m.source.line_end, 75);

    // L581: department, R2 result, 達成度, R3 plan, R3 result on one line.
    let m = rec(577);
    assert_eq!(m.page.as_deref(), Some("22"));
    assert_eq!(m.departments, ["市民部"]);
    assert_eq!(m.sections, ["男女共同参画室"]);
    let r2 = year(m, "R2");
    assert_eq!(
        r2.status.as_deref(),
        Some("男女共同参画推進センターの情報ラックに配置した。")
    );
    assert_eq!(r2.achievement.as_deref(), Some("100 %"));
    assert_eq!(
        r2.next_plan.as_deref(),
        Some("男女共同参画推進センターの情報ラックに配置する。")
    );
    let r3 = year(m, "R3");
    assert_eq!(
        r3.status.as_deref(),
        Some("男女共同参画推進センターの情報ラックに配置した。")
    );
    assert_eq!(
        r3.evaluation.as_deref(),
        Some(
            "ア　実施済\n情報ラックに配置することはもちろん、ＤＶ相談者に直接手渡しすることもできた。"
        )
    );
    assert_eq!(m.source.line_end, 585);

    // L631.
    let m = rec(627);
    assert_eq!(
        year(m, "R3").status.as_deref(),
        Some("情報紙「ひまわり」等で広報を行った。")
    );
    assert_eq!(
        year(m, "R3").next_plan.as_deref(),
        Some("情報紙「ひまわり」等で広報を行う。")
    );
}

/// L77/L79: title and description separated by a blank; L84: cell followed by R2 result and 達成度.
#[test]
fn title_separated_by_blank_and_status_after_cell() {
    let m = rec(77);
    assert_eq!(m.title, "産後うつ病地域連携システム");
    assert!(
        m.content
            .starts_with("産後うつ病地域連携システムを活用し、医師会の産婦人科医会")
    );
    assert!(m.content.ends_with("産後の母親の孤立を防ぎます。"));
    assert_eq!(m.page.as_deref(), Some("18"));
    assert_eq!(m.sections, ["母子健康センター"]);
    let r2 = year(m, "R2");
    assert_eq!(
        r2.status.as_deref(),
        Some("EPDS質問票実施人数　１，４７８名")
    );
    assert_eq!(r2.achievement_pct, Some(100.0));
    // L91–94: the R3 result and the evaluation without a blank between them.
    let r3 = year(m, "R3");
    assert_eq!(
        r3.status.as_deref(),
        Some("EPDS質問票実施人数　１，３９９人")
    );
    assert!(
        r3.evaluation
            .as_deref()
            .unwrap()
            .starts_with("ア　実施済\n質問票の結果が陽性")
    );
    assert!(
        r3.next_plan
            .as_deref()
            .unwrap()
            .starts_with("令和４年度より産婦健康診査開始。")
    );
    assert!(flagged(m, "cells-guessed"));
}

/// T003-4: titles wrapped over two lines.
#[test]
fn wrapped_titles() {
    for (line, title) in [
        (
            103,
            "子育て世代包括支援センターを中心とした子育て支援ネットワーク",
        ),
        (
            378,
            "地域包括支援センター職員に対するゲートキーパー養成講座",
        ),
        (482, "教育相談指導員を対象としたゲートキーパー養成講座"),
        (
            637,
            "子育て世代包括支援センター等への啓発リーフレットの設置",
        ),
        (
            1664,
            "特別児童扶養手当、特別障害者手当、障害児福祉手当の支給",
        ),
    ] {
        let m = rec(line);
        assert_eq!(m.title, title);
    }
    assert_eq!(
        rec(482).content,
        "教育相談指導員を対象としたゲートキーパー養成講座を実施します。"
    );
    assert!(
        rec(1664)
            .content
            .starts_with("特別児童扶養手当、特別障害者手当及び障害児福祉手当における現況届")
    );
}

/// T003-4: title, description and page/department on one line (L837).
#[test]
fn title_description_and_cell_on_one_line() {
    let m = rec(837);
    assert_eq!(m.title, "市報を活用した啓発");
    assert_eq!(
        m.content,
        "市報を活用し自殺予防週間（９月）の周知に努めます。"
    );
    assert_eq!(m.page.as_deref(), Some("23"));
    assert_eq!(m.departments, ["市民部"]);
    assert_eq!(m.sections, ["熊谷保健センター"]);
    assert_eq!(m.path, [PILLAR3]);
    assert_eq!(
        year(m, "R2").status.as_deref(),
        Some("自殺予防週間のある９月に市報を利用し、自殺予防の知識について啓発に努めた。")
    );
    assert_eq!(
        year(m, "R3").next_plan.as_deref(),
        Some("自殺予防週間のある９月に市報を利用し、自殺予防の知識について啓発に努める。")
    );
    // The previous block keeps its next plan (L833–835).
    assert!(
        year(rec(810), "R3")
            .next_plan
            .as_deref()
            .unwrap()
            .starts_with(
                "自殺予防週間（９月）、自殺対策強化月間（３月）にコミュニティビジョン、メルくま"
            )
    );
}

/// T003-5: the page alone, departments split at `・` over lines, then sections.
#[test]
fn departments_and_sections_over_several_lines() {
    for (line, page, depts, sects) in [
        (
            103,
            "18",
            ["市民部", "福祉部"],
            ["母子健康センター", "こども課"],
        ),
        (
            326,
            "20",
            ["市民部", "福祉部"],
            ["母子健康センター", "こども課"],
        ),
        (
            637,
            "22",
            ["市民部", "福祉部"],
            ["母子健康センター", "こども課"],
        ),
        (
            1261,
            "25",
            ["市民部", "福祉部"],
            ["母子健康センター", "こども課"],
        ),
        (
            1488,
            "26",
            ["福祉部", "市民部"],
            ["生活福祉課", "熊谷保健センター"],
        ),
        (
            1633,
            "27",
            ["福祉部", "市民部"],
            ["障害福祉課", "熊谷保健センター"],
        ),
    ] {
        let m = rec(line);
        assert_eq!(m.page.as_deref(), Some(page), "{line}");
        assert_eq!(m.departments, depts, "{line}");
        assert_eq!(m.sections, sects, "{line}");
    }
    let m = rec(103);
    assert!(year(m, "R2").status.as_deref().unwrap().starts_with(
        "メンタル相談延べ人数　１６人（母子健）\n子育て世代包括支援センターを中心として"
    ));
    // L1548–1550: a section wrapped mid-word.
    let m = rec(1544);
    assert_eq!(m.page.as_deref(), Some("26"));
    assert_eq!(m.departments, ["福祉部"]);
    assert_eq!(m.sections, ["長寿いきがい課", "大里広域市町村圏組合"]);
    assert!(
        year(m, "R2")
            .status
            .as_deref()
            .unwrap()
            .starts_with("地域にお住いの高齢の方やそのご家族")
    );
}

/// T003-5: `Ｒ３追加` and no page at all.
#[test]
fn unusual_pages() {
    let m = rec(2361);
    assert_eq!(m.title, "メンタルヘルス相談");
    assert_eq!(m.page.as_deref(), Some("Ｒ３追加"));
    assert_eq!(m.sections, ["熊谷保健センター"]);
    assert_eq!(
        m.content,
        "心の健康に問題を生じた市民を対象に、固定電話による相談の他に、スマートフォン１台を増設し非対面方式の相談を実施する。\n２４時間相談申請ができるように、電子申請・届出サービスを新設する。"
    );
    // Added in R3: no R2 result nor 達成度, the R3 plan is kept.
    let r2 = year(m, "R2");
    assert!(r2.status.is_none() && r2.achievement.is_none());
    assert!(
        r2.next_plan
            .as_deref()
            .unwrap()
            .starts_with("新型コロナウイルス感染症等も含む心の健康")
    );
    let r3 = year(m, "R3");
    assert_eq!(
        r3.status.as_deref(),
        Some(
            "R3.8月～スマホでの相談開始\n　スマホへの相談件数：6件\nR3.11月～電子申請開始\n　電子申請での相談申込み件数：2件"
        )
    );
    assert_eq!(r3.next_plan.as_deref(), Some("実施を継続する。"));
    assert!(m.flags.is_empty());

    for (line, title) in [
        (2391, "市営住宅への入居相談"),
        (2410, "市営住宅入居者の安否等確認連絡"),
        (2437, "市営住宅使用料の納付相談"),
    ] {
        let m = rec(line);
        assert_eq!(m.title, title);
        assert_eq!(m.page, None);
        assert_eq!(m.departments, ["建設部"]);
        assert_eq!(m.sections, ["営繕課"]);
        assert!(flagged(m, "no-page"));
        assert_eq!(year(m, "R3").achievement.as_deref(), Some("100 %"));
    }
    let m = rec(2391);
    assert_eq!(
        year(m, "R3").status.as_deref(),
        Some(
            "市営住宅への入居相談において、必要に応じ、適切な支援先へつないだ。（ＤＶ被害者を男女共同参画室へ、生活困窮者を生活福祉課へ等）"
        )
    );
    assert_eq!(
        year(m, "R3").evaluation.as_deref(),
        Some("ア　実施済\n相談者の状況に応じて、適切な対応をとることができた。")
    );
    // ➀➁ kept (T003-8).
    let m = rec(2437);
    assert_eq!(
        year(m, "R3").status.as_deref(),
        Some(
            "➀市営住宅使用料の納付が困難になった場合、個別に相談を行った（委託業者）。\n➁収入が無い等の理由で生活に困窮している場合、生活福祉課に情報提供を行った。"
        )
    );
    assert_eq!(
        year(m, "R3").evaluation.as_deref(),
        Some("ア　実施済\n計画どおりに対応を行った。")
    );
}

/// T003-6: evaluation before the status; next plan after it; unusual values.
#[test]
fn status_lines() {
    // L178: evaluation before the status.
    let m = rec(160);
    assert_eq!(
        year(m, "R3").evaluation.as_deref(),
        Some("ア　実施済\n概ね順調に推移している。")
    );
    assert_eq!(
        year(m, "R3").status.as_deref(),
        Some("中央型地域ケア会議：４回\n地域包括支援センターが実施する地域ケア会議：４５回")
    );
    assert_eq!(
        year(m, "R3").next_plan.as_deref(),
        Some("中央型地域ケア会議：４回\n地域包括支援センターが実施する地域ケア会議：５５回")
    );
    // L257 / L324 / L559: the next plan after the status.
    assert_eq!(
        year(rec(227), "R3").next_plan.as_deref(),
        Some("年2回の実施")
    );
    assert_eq!(
        year(rec(304), "R3").next_plan.as_deref(),
        Some("内容・方法を変えずに、地区毎に継続実施")
    );
    assert_eq!(
        year(rec(536), "R3").next_plan.as_deref(),
        Some("実施を継続")
    );
    assert_eq!(
        year(rec(482), "R3").evaluation.as_deref(),
        Some("ア　実施済\nゲートキーパー養成講座に参加し、研修を深めた。")
    );
    assert_eq!(
        year(rec(482), "R3").next_plan.as_deref(),
        Some("実施を継続。")
    );
    // L478: エ　未実施 0 %.
    let r3 = year(rec(464), "R3");
    assert_eq!(r3.evaluation.as_deref(), Some("エ　未実施"));
    assert_eq!(r3.achievement.as_deref(), Some("0 %"));
    assert_eq!(r3.achievement_pct, Some(0.0));
    assert_eq!(
        r3.status.as_deref(),
        Some("新型コロナウィルス感染症拡大防止の観点から、実施を見送った。")
    );
    // L1176: evaluation + エ　未実施 0 %.
    let r3 = year(rec(1160), "R3");
    assert_eq!(
        r3.evaluation.as_deref(),
        Some("エ　未実施\n毎年継続して実施の必要がある。")
    );
    assert_eq!(r3.achievement_pct, Some(0.0));
    // L1198: ア　実施済 -.
    let r3 = year(rec(1180), "R3");
    assert_eq!(r3.achievement.as_deref(), Some("-"));
    assert_eq!(r3.achievement_pct, None);
    // L1339 / L1351: decimals.
    let m = rec(1331);
    assert_eq!(year(m, "R2").achievement.as_deref(), Some("99.5 %"));
    assert_eq!(year(m, "R2").achievement_pct, Some(99.5));
    assert_eq!(
        year(m, "R2").status.as_deref(),
        Some("訪問家庭数　１，０８４件、\n訪問率９９．５パーセント")
    );
    assert_eq!(year(m, "R3").achievement.as_deref(), Some("96.9 %"));
    assert_eq!(year(m, "R3").achievement_pct, Some(96.9));
    // 達成度 alone: 50 % (L933) and 0 % (L547, L700).
    assert_eq!(year(rec(925), "R2").achievement_pct, Some(50.0));
    assert_eq!(year(rec(925), "R3").achievement.as_deref(), Some("50 %"));
    assert_eq!(year(rec(536), "R2").achievement.as_deref(), Some("0 %"));
    // L700/L704: 0 % right after the cell (no R2 result); R3 result and
    // evaluation before the status on one line.
    let m = rec(696);
    assert_eq!(m.sections, ["熊谷図書館"]);
    assert_eq!(year(m, "R2").status, None);
    assert_eq!(year(m, "R2").achievement.as_deref(), Some("0 %"));
    assert_eq!(
        year(m, "R3").status.as_deref(),
        Some("自殺対策関連のリーフレットを設置しました。")
    );
    assert_eq!(
        year(m, "R3").evaluation.as_deref(),
        Some("ア　実施済\n来年度も実施できるよう努める。")
    );
    // L1007: R3 result (leading U+3000) and evaluation before the status.
    let m = rec(995);
    assert_eq!(
        year(m, "R2").status.as_deref(),
        Some("必要に応じ適切な支援先につないだ。\n　消費生活相談受付件数　９１９件")
    );
    assert_eq!(
        year(m, "R3").status.as_deref(),
        Some("消費生活相談受付件数　７９９件")
    );
    assert_eq!(
        year(m, "R3").evaluation.as_deref(),
        Some("ア　実施済\n必要に応じて適切な支援先につないだ。")
    );
}

/// L565: the cell followed by the R2 result and the R3 plan, no 達成度.
#[test]
fn missing_r2_achievement() {
    let m = rec(561);
    assert_eq!(m.sections, ["安心安全課"]);
    let r2 = year(m, "R2");
    assert_eq!(
        r2.status.as_deref(),
        Some("感染症対策のため、チラシ配布を行わなかった。")
    );
    assert_eq!(r2.achievement, None);
    assert_eq!(
        r2.next_plan.as_deref(),
        Some("新型コロナウイルスの状況をみながら検討")
    );
    let r3 = year(m, "R3");
    assert!(
        r3.status
            .as_deref()
            .unwrap()
            .starts_with("スーパーや市役所前ロータリーにて街頭啓発")
    );
    assert_eq!(
        r3.evaluation.as_deref(),
        Some("ア　実施済\n幅広い年代に配布ができたが、配布数を増やすなど、さらなる周知が必要。")
    );
    // L304: no 達成度 and the R3 plan glued to the R3 result (L314–317).
    let m = rec(304);
    let r2 = year(m, "R2");
    assert!(
        r2.status
            .as_deref()
            .unwrap()
            .ends_with("委員３２０人にパンフレットを２種類配布した。")
    );
    assert_eq!(
        r2.next_plan.as_deref(),
        Some("内容・方法を変えずに、地区毎に継続実施")
    );
    assert!(
        year(m, "R3")
            .status
            .as_deref()
            .unwrap()
            .ends_with("委員３０９人にパンフレットを４種類配布した。")
    );
    assert!(flagged(m, "cells-guessed"));
    // L1418: no 達成度; the R3 plan repeats the next plan.
    let m = rec(1418);
    assert!(
        year(m, "R2")
            .status
            .as_deref()
            .unwrap()
            .ends_with("訪問は未実施。")
    );
    assert_eq!(
        year(m, "R2").next_plan.as_deref(),
        Some(
            "乳幼児健診の未受診者に対し、養育状況、発育発達の把握、不安などに関する相談、指導を行うとともに、関係機関と情報を共有する。"
        )
    );
    assert_eq!(
        year(m, "R3").status.as_deref(),
        Some("訪問者数（延べ）２０人")
    );
}

/// T003-2: blocks right before and after the page-break headers.
#[test]
fn blocks_around_page_headers() {
    let m = rec(1261);
    assert_eq!(m.title, "子育て世代包括支援センター");
    assert_eq!(m.source.line_end, 1311);
    assert!(
        year(m, "R3")
            .next_plan
            .as_deref()
            .unwrap()
            .ends_with("必要に応じて、適切な支援先につなぐ。")
    );
    assert_eq!(rec(1331).title, "こんにちは赤ちゃん事業");
    assert_eq!(rec(611).title, "男女共同参画に関するセミナー");
    assert_eq!(rec(611).path, [PILLAR3]);
    let m = rec(1938);
    assert_eq!(m.source.line_end, 1984);
    assert_eq!(m.departments, ["上下水道部"]);
    assert_eq!(m.sections, ["経営課"]);
    assert!(year(m, "R2").status.as_deref().unwrap().starts_with(
        "①水道料金の納付が困難な場合については、個別に相談を行っている。（※委託業者）\n②"
    ));
    // L2004 after the header; leading U+3000 in cells (L2013).
    let m = rec(2004);
    assert_eq!(m.title, "就学援助");
    assert_eq!(m.path, [PILLAR4]);
    assert!(year(m, "R2").status.as_deref().unwrap().starts_with(
        "経済的な理由によって就学困難と認められる児童・生徒の保護者に対して就学援助を実施した。"
    ));
}

/// T003-3: wrapped pillar headings; full-width and half-width letters kept.
#[test]
fn pillar_headings() {
    assert_eq!(rec(227).path, [PILLAR1]);
    assert_eq!(rec(262).path, [PILLAR2]);
    assert_eq!(rec(262).title, "市職員を対象としたゲートキーパー養成講座");
    assert_eq!(rec(503).path, [PILLAR3]);
    assert_eq!(rec(884).path, [PILLAR4]);
    assert_eq!(rec(884).title, "生活相談");
    assert_eq!(rec(2437).path, [PILLAR4]);
    assert_eq!(rec(2463).path, [PILLAR5]);
    let m = rec(2559);
    assert_eq!(m.title, "教育１１０番");
    assert_eq!(m.path, [PILLAR5]);
    assert_eq!(m.source.line_end, 2584);
    assert!(m.content.contains("ＳＯＳの出し方"));
}

/// T003-7 and T003-8: kept as printed.
#[test]
fn text_kept_as_printed() {
    let m = rec(1160);
    assert_eq!(m.title, "健康サポート薬局");
    assert!(
        m.content
            .ends_with("必要な助言や適切な支援へつなぐ等の対応を")
    );
    assert!(flagged(m, "content-truncated"));
    assert_eq!(
        m.flags.iter().filter(|f| *f == "content-truncated").count(),
        1
    );
    let truncated = common::measures(FILE)
        .iter()
        .filter(|m| flagged(m, "content-truncated"))
        .count();
    assert_eq!(truncated, 1);
    // チエック / チェック as printed.
    let m = rec(1600);
    assert_eq!(m.title, "基本チエックリストの活用");
    assert!(m.content.contains("基本チェックリスト"));
    let m = rec(855);
    assert!(
        year(m, "R2")
            .status
            .as_deref()
            .unwrap()
            .starts_with("メンタルチエックシステム")
    );
    assert!(
        year(m, "R3")
            .status
            .as_deref()
            .unwrap()
            .starts_with("メンタルチェックシステム")
    );
    assert_eq!(year(m, "R3").next_plan.as_deref(), Some("実施を継続する。"));
    // 早期発見及いじめ (L229), 66歳以上 (L1621), 児童、や保護者 (L2514).
    assert!(rec(227).content.contains("早期発見及いじめ"));
    assert!(
        year(rec(1600), "R3")
            .status
            .as_deref()
            .unwrap()
            .starts_with("66歳以上")
    );
    assert!(
        year(rec(2506), "R2")
            .status
            .as_deref()
            .unwrap()
            .contains("児童、や保護者")
    );
    // Half-width CN (L1281), full-width ＣＮ (L342).
    assert!(
        year(rec(1261), "R2")
            .status
            .as_deref()
            .unwrap()
            .contains("母子保健CN相談件数　　２，８２９件\n子育て支援CN相談件数")
    );
    assert!(
        year(rec(326), "R2")
            .status
            .as_deref()
            .unwrap()
            .contains("コーディネーター（ＣＮ）")
    );
    // L979: leading U+3000 inside a cell.
    assert_eq!(
        year(rec(972), "R2").status.as_deref(),
        Some(
            "必要に応じて適切な支援先につないだ。\n　一般相談　２，３７２件\n（うち法律　６４４件、税金　１４９件、相続・遺言４２８件、不動産　２４３件　など）"
        )
    );
    // 教育１１０番 copies the R2 result of 教育相談窓口の設置 (L2565 vs L2538).
    assert_eq!(year(rec(2559), "R2").status, year(rec(2532), "R2").status);
}

/// Cut copies of the real document: never a panic, and a cut block is reported.
#[test]
fn truncated_copies_do_not_panic() {
    let path = common::manifest_path().with_file_name("003_fcd6886f924c1359.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let plan = &common::measures(FILE)[0].plan;
    let opts = toml::Table::new();
    for cut in (1..lines.len()).step_by(23) {
        let part = lines[..cut].join("\n");
        let doc = Document::new("cut.txt", &part, plan, &opts);
        let mut ledger = Ledger::new("cut.txt", &doc.lines);
        let ms = BlockImporter.import(&doc, &mut ledger).unwrap();
        let (warnings, _) = ledger.finish();
        assert!(ms.len() <= 91, "cut at {cut}");
        assert!(warnings.iter().all(|w| w.line >= 1 && w.line <= cut));
    }
    // Cut right after the title and description of 各種健康教室 (L1180–1182).
    let part = lines[..1182].join("\n");
    let doc = Document::new("cut.txt", &part, plan, &opts);
    let mut ledger = Ledger::new("cut.txt", &doc.lines);
    let ms = BlockImporter.import(&doc, &mut ledger).unwrap();
    let (warnings, unused) = ledger.finish();
    assert!(unused.iter().all(|u| u.kind != SpanKind::Unclassified));
    let last = ms.last().unwrap();
    assert_eq!(last.title, "各種健康教室");
    assert_eq!(last.source.line, 1180);
    assert!(flagged(last, "truncated-block"));
    assert!(
        warnings
            .iter()
            .any(|w| w.line == 1180 && w.code == WarningCode::Truncated)
    );
    // Cut inside a block body (after the R2 result of こころの健康相談, L1209).
    let part = lines[..1209].join("\n");
    let doc = Document::new("cut.txt", &part, plan, &opts);
    let mut ledger = Ledger::new("cut.txt", &doc.lines);
    let ms = BlockImporter.import(&doc, &mut ledger).unwrap();
    let (warnings, unused) = ledger.finish();
    assert!(unused.iter().all(|u| u.kind != SpanKind::Unclassified));
    let last = ms.last().unwrap();
    assert_eq!(last.title, "こころの健康相談");
    assert!(flagged(last, "no-status-line"));
    assert_eq!(
        year(last, "R2").status.as_deref(),
        Some(
            "臨床心理士によるこころの健康・ひきこもり相談を開催した。\n実施回数：２２回、利用者数：３６人"
        )
    );
    assert!(warnings.iter().any(|w| w.line == 1202
        && w.code == WarningCode::MissingField
        && w.message.contains("取組状況の行")));
}
