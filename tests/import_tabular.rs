//! The `tabular-progress` importer on the real seed documents 000, 001
//! (熊本市自殺総合対策計画, R1/R2 progress) and 002 (荒尾市男女共同参画計画).
//! Expected values are read from the documents by hand (line numbers are
//! 1-based lines of the seed files).

mod common;

use common::{at_line, measures, report};
use shisaku::ingest::{SpanKind, WarningCode};
use shisaku::model::{Level, Measure, ProgressEntry};

const F000: &str = "000_";
const F001: &str = "001_";
const F002: &str = "002_";

fn year<'a>(m: &'a Measure, fy: &str) -> &'a ProgressEntry {
    m.progress
        .iter()
        .find(|p| p.fiscal_year == fy)
        .unwrap_or_else(|| panic!("{}: no {fy} progress", m.title))
}

fn starts(s: &Option<String>, prefix: &str) -> bool {
    s.as_deref().is_some_and(|s| s.starts_with(prefix))
}

fn has_flag(m: &Measure, flag: &str) -> bool {
    m.flags.iter().any(|f| f == flag)
}

/// Lines `a..=b` without the ones listed in `except`.
fn lines(a: usize, b: usize, except: &[usize]) -> Vec<usize> {
    (a..=b).filter(|l| !except.contains(l)).collect()
}

// ---------------------------------------------------------------- counts

#[test]
fn one_record_per_table_row_and_nothing_else() {
    // 000: rows L5–L45 except the section row L4 (before), the blank page
    // breaks L19 and L36.
    let expected = [
        (F000, lines(5, 45, &[19, 36])),
        // 001: section rows L4, L9, L18, L33; page breaks L15, L31, L45 with
        // the headers L16–L17, L32, L46.
        (F001, lines(5, 58, &[9, 15, 16, 17, 18, 31, 32, 33, 45, 46])),
        // 002: 取組番号 65–113; headers L3–4, L16–17, L26–27, L36–37, L47–48,
        // L58–59, L70–71; sections L5, L6, L11, L63; page breaks.
        (
            F002,
            lines(
                7,
                75,
                &[
                    11, 15, 16, 17, 25, 26, 27, 35, 36, 37, 46, 47, 48, 57, 58, 59, 63, 69, 70, 71,
                ],
            ),
        ),
    ];
    for (file, want) in expected {
        let ms = measures(file);
        let got: Vec<usize> = ms.iter().map(|m| m.source.line).collect();
        assert_eq!(got, want, "{file}");
        assert!(ms.iter().all(|m| m.level == Level::Measure));
        assert!(ms.iter().all(|m| m.source.line_start == m.source.line
            && m.source.line_end == m.source.line));
        let r = report(file);
        assert!(r.error.is_none(), "{file}: {:?}", r.error);
        assert_eq!(r.records.get(&Level::Measure).copied(), Some(want.len()));
        assert_eq!(r.records.len(), 1);
    }
    assert_eq!(measures(F000).len(), 39);
    assert_eq!(measures(F001).len(), 44);
    assert_eq!(measures(F002).len(), 49);
    // 002 numbers run 65..=113 without gaps.
    let numbers: Vec<String> = measures(F002)
        .iter()
        .map(|m| m.number.clone().unwrap())
        .collect();
    let want: Vec<String> = (65..=113).map(|n| n.to_string()).collect();
    assert_eq!(numbers, want);
    assert!(measures(F000).iter().all(|m| m.number.is_none()));
}

#[test]
fn only_header_lines_are_left_unused() {
    let spans = |file: &str| -> Vec<(SpanKind, usize, usize)> {
        report(file)
            .unused
            .iter()
            .map(|u| (u.kind, u.line_start, u.line_end))
            .collect()
    };
    assert_eq!(spans(F000), [(SpanKind::Header, 3, 3)]);
    assert_eq!(
        spans(F001),
        [
            (SpanKind::Header, 3, 3),
            (SpanKind::Header, 16, 17),
            (SpanKind::Header, 32, 32),
            (SpanKind::Header, 46, 46),
        ]
    );
    assert_eq!(
        spans(F002),
        [
            (SpanKind::Header, 3, 4),
            (SpanKind::Header, 16, 17),
            (SpanKind::Header, 26, 27),
            (SpanKind::Header, 36, 37),
            (SpanKind::Header, 47, 48),
            (SpanKind::Header, 58, 59),
            (SpanKind::Header, 70, 71),
        ]
    );
    for f in [F000, F001, F002] {
        assert!(
            !report(f)
                .unused
                .iter()
                .any(|u| u.kind == SpanKind::Unclassified),
            "{f}"
        );
    }
}

#[test]
fn warnings_are_exactly_the_expected_ones() {
    let warnings = |file: &str| -> Vec<(usize, WarningCode, String)> {
        report(file)
            .warnings
            .iter()
            .map(|w| (w.line, w.code, w.message.clone()))
            .collect()
    };
    let check = |file: &str, want: &[(usize, WarningCode, &str)]| {
        let got = warnings(file);
        assert_eq!(got.len(), want.len(), "{file}: {got:#?}");
        for ((gl, gc, gm), (wl, wc, wm)) in got.iter().zip(want) {
            assert_eq!((gl, gc), (wl, wc), "{file}: {gm}");
            assert!(gm.contains(wm), "{file}:{gl}: `{gm}` lacks `{wm}`");
        }
    };
    use WarningCode::*;
    check(
        F000,
        &[
            (9, CellMissing, "R2 の今後のセルが空"),
            (23, ProgressCopied, "R2 の欄が21行目"),
        ],
    );
    check(
        F001,
        &[
            (5, CellMisplaced, "R2 の評価のセルが実施状況のセルと同じ"),
            (14, CellMissing, "R2 の欄のセルが1つ足りません"),
            (
                16,
                HeaderAmbiguous,
                "11番目と12番目のセルがどちらも evaluation の見出し",
            ),
            (23, CellMisplaced, "`人権政策課`"),
            (37, CellMissing, "R2 の今後のセルが空"),
        ],
    );
    check(
        F002,
        &[
            (10, UnitMismatch, "値の単位は 件、目標値の単位は 回"),
            (
                60,
                ColumnsUndecidable,
                "60〜68行目: 列 R5 「昨年度の課題」 がこのページの8行すべてで空",
            ),
            (75, UnitMismatch, "値の単位は 件、目標値の単位は 回"),
        ],
    );
}

// ---------------------------------------------------------------- 000

#[test]
fn kumamoto_000_first_row_field_by_field() {
    let m = at_line(F000, 5);
    assert_eq!(m.title, "精神科救急医療体制整備");
    assert_eq!(m.content, "精神科救急医療体制整備");
    assert_eq!(m.plan.id, "kumamoto-suicide");
    assert_eq!(m.path, ["関連施策"]);
    assert_eq!(m.page.as_deref(), Some("P.45"));
    assert_eq!(m.departments, ["障がい者支援部"]);
    assert_eq!(m.sections, ["障がい保健福祉課精神保健福祉室"]);
    assert_eq!(m.progress.len(), 2);
    let r1 = year(m, "R1");
    assert_eq!(r1.year, Some(2019));
    assert!(starts(&r1.status, "休日・夜間において精神疾患の急激な発症"));
    assert!(
        r1.status
            .as_deref()
            .unwrap()
            .ends_with("適切な医療の確保を行う。")
    );
    assert_eq!(
        r1.evaluation.as_deref(),
        Some("情報センター及び精神科救急医療施設との連携により実施することができた。")
    );
    assert_eq!(r1.achievement.as_deref(), Some("実施"));
    assert_eq!(r1.achievement_pct, None);
    assert_eq!(r1.next_plan.as_deref(), Some("継続実施"));
    assert_eq!(r1.issues, None);
    let r2 = year(m, "R2");
    assert_eq!(r2.year, Some(2020));
    assert_eq!(r2.achievement.as_deref(), Some("実施"));
    assert_eq!(r2.next_plan.as_deref(), Some("継続実施"));
    assert!(m.indicators.is_empty() && m.flags.is_empty() && m.bodies.is_empty());
}

#[test]
fn kumamoto_000_multi_department_cells() {
    // T000-3, T000-4: `/` with the pseudo-department 庁外 kept.
    let m = at_line(F000, 7);
    assert_eq!(m.title, "措置入院・移送");
    assert_eq!(m.departments, ["障がい者支援部", "庁外"]);
    assert_eq!(m.sections, ["障がい保健福祉課精神保健福祉室", "警察署"]);
    let m = at_line(F000, 20);
    assert_eq!(m.title, "女性の権利110番");
    assert_eq!(m.departments, ["市民生活部", "庁外"]);
    assert_eq!(m.sections, ["男女共同参画課", "熊本県弁護士会"]);
    let m = at_line(F000, 27);
    assert_eq!(m.departments, ["福祉部", "庁外"]);
    assert_eq!(m.sections, ["健康福祉政策課", "熊本市社会福祉協議会"]);
    // `/` in departments, `・` in sections, same number of units.
    let m = at_line(F000, 29);
    assert_eq!(m.title, "福祉総合相談");
    assert_eq!(m.departments, ["福祉部", "各区役所"]);
    assert_eq!(m.sections, ["保護管理援護課", "各区福祉課"]);
    // T000-6 / T001-4: the same section, spaced in 001, unspaced here.
    assert_eq!(at_line(F001, 19).sections, at_line(F000, 5).sections);
    // Names as printed, typo included.
    assert_eq!(at_line(F000, 37).departments, ["子ども未大部"]);
    assert_eq!(
        at_line(F000, 37).sections,
        ["子ども支援課子ども若者総合相談センター"]
    );
    assert_eq!(
        at_line(F000, 40).sections,
        ["公民館を併設している各まちづくりセンター"]
    );
}

#[test]
fn kumamoto_000_pillar_carries_over_bare_page_breaks() {
    // T000-2: L19 and L36 are bare blank lines, no repeated header.
    for l in [18, 20, 35, 37, 45] {
        assert_eq!(at_line(F000, l).path, ["関連施策"], "L{l}");
    }
    let m = at_line(F000, 20);
    assert_eq!(m.page.as_deref(), Some("P.46"));
    // The R2 達成度 is a whole sentence (T000-5).
    let r2 = year(m, "R2");
    assert!(starts(&r2.achievement, "例年と比べると制約が大きく"));
    assert_eq!(r2.achievement_pct, None);
    assert!(starts(&r2.next_plan, "令和3年度は6月26日に"));
}

#[test]
fn kumamoto_000_achievement_forms() {
    // T000-5: `100` without %, `70%`, text, per-ward lists.
    let m = at_line(F000, 17);
    assert_eq!(m.title, "公民館主催講座");
    assert_eq!(year(m, "R1").achievement.as_deref(), Some("100"));
    assert_eq!(year(m, "R1").achievement_pct, Some(100.0));
    assert_eq!(year(m, "R2").achievement.as_deref(), Some("70%"));
    assert_eq!(year(m, "R2").achievement_pct, Some(70.0));
    let m = at_line(F000, 40);
    assert_eq!(year(m, "R1").achievement_pct, Some(100.0));
    assert_eq!(year(m, "R2").achievement_pct, Some(50.0));
    let m = at_line(F000, 31);
    assert_eq!(year(m, "R1").achievement.as_deref(), Some("実施済み"));
    assert_eq!(year(m, "R1").achievement_pct, None);
    assert_eq!(
        year(at_line(F000, 43), "R2").achievement.as_deref(),
        Some("評価なし")
    );
    assert_eq!(
        year(at_line(F000, 26), "R2").achievement.as_deref(),
        Some("数値評価が困難")
    );
    let m = at_line(F000, 21);
    assert_eq!(year(m, "R1").status.as_deref(), Some("実施なし"));
    assert_eq!(year(m, "R1").evaluation.as_deref(), Some("-"));
    assert_eq!(year(m, "R1").achievement.as_deref(), Some("-"));
    assert_eq!(year(m, "R1").achievement_pct, None);
    let m = at_line(F000, 38);
    assert_eq!(m.title, "保健師等による健康教育");
    let r1 = year(m, "R1");
    assert!(starts(&r1.achievement, "中央区…50% 東区…70% 西区…77%"));
    assert_eq!(r1.achievement_pct, None);
    let m = at_line(F000, 39);
    assert!(starts(&year(m, "R1").status, "中央区…実)168人 延)280人"));
    assert!(starts(&year(m, "R2").achievement, "中央区…100% 東区…100%"));
    assert_eq!(at_line(F000, 41).departments, ["警防部"]);
    assert_eq!(year(at_line(F000, 41), "R2").achievement_pct, Some(100.0));
}

#[test]
fn kumamoto_000_document_errors_are_kept_and_flagged() {
    // L23 copies L21's R2 cells: kept, flagged.
    let m = at_line(F000, 23);
    assert_eq!(
        m.title,
        "子連れ離婚を考えている方に知っておいてほしいこと（女性編）"
    );
    assert!(has_flag(m, "progress-copied"));
    assert_eq!(year(m, "R2").status.as_deref(), Some("2件（291名受講）"));
    assert_eq!(year(m, "R2").status, year(at_line(F000, 21), "R2").status);
    assert!(!has_flag(at_line(F000, 21), "progress-copied"));
    // L9: R2 status `継続実施`, last cell empty: kept, flagged.
    let m = at_line(F000, 9);
    assert_eq!(m.title, "重度心身障害者医療費助成");
    assert_eq!(m.sections, ["障がい保健福祉課"]);
    let r2 = year(m, "R2");
    assert_eq!(r2.status.as_deref(), Some("継続実施"));
    assert!(starts(&r2.evaluation, "受付から助成まで、適切に事務を行う"));
    assert_eq!(r2.achievement.as_deref(), Some("実施"));
    assert_eq!(r2.next_plan, None);
    assert_eq!(m.flags, ["columns-ambiguous"]);
    // L45: stray “ kept as printed.
    let m = at_line(F000, 45);
    assert_eq!(m.title, "青少年の街頭指導");
    assert!(starts(&year(m, "R1").status, "“青少年センター業務"));
    assert_eq!(year(m, "R2").next_plan.as_deref(), Some("実施を継続する"));
}

// ---------------------------------------------------------------- 001

#[test]
fn kumamoto_001_paths_follow_sections_and_items() {
    let p1 = "基本施策1 地域におけるネットワークの強化";
    assert_eq!(
        at_line(F001, 5).path,
        [p1, "ア. 自殺対策としてのネットワーク"]
    );
    assert_eq!(
        at_line(F001, 6).path,
        [p1, "ア. 自殺対策としてのネットワーク"]
    );
    // T001-4: `ネット ワーク` joined.
    assert_eq!(
        at_line(F001, 7).path,
        [p1, "イ. 関連施策を通じたネットワーク"]
    );
    assert_eq!(
        at_line(F001, 8).path,
        [p1, "イ. 関連施策を通じたネットワーク"]
    );
    // T001-8: 基本施策2 and 3 items repeat the pillar's name: not a level.
    assert_eq!(
        at_line(F001, 10).path,
        ["基本施策2 自殺対策を支える人材の育成"]
    );
    assert_eq!(
        at_line(F001, 14).path,
        ["基本施策2 自殺対策を支える人材の育成"]
    );
    assert_eq!(at_line(F001, 19).path, ["基本施策3 住民への啓発と周知"]);
    assert_eq!(at_line(F001, 30).path, ["基本施策3 住民への啓発と周知"]);
    let p4 = "基本施策4 生きることの促進要因への支援";
    assert_eq!(at_line(F001, 34).path, [p4, "ア. 相談支援の充実"]);
    // T001-3: after the break at L45 基本施策4 continues without a section row.
    assert_eq!(at_line(F001, 47).path, [p4, "ア. 相談支援の充実"]);
    assert_eq!(
        at_line(F001, 51).path,
        [p4, "イ. 配偶者暴力被害者支援の充実"]
    );
    assert_eq!(at_line(F001, 54).path, [p4, "ウ. 犯罪被害者支援の充実"]);
    assert_eq!(at_line(F001, 55).path, [p4, "エ. ひきこもり対策"]);
    assert_eq!(at_line(F001, 58).path, [p4, "オ. 自死遺族・未遂者等支援"]);
}

#[test]
fn kumamoto_001_first_row_field_by_field() {
    // T001-6: the R2 評価 repeats the R2 status and the R2 達成度 is empty.
    let m = at_line(F001, 5);
    assert_eq!(m.title, "自殺対策連絡協議会");
    assert_eq!(m.page.as_deref(), Some("P.21"));
    assert_eq!(m.departments, ["障がい者支援部"]);
    assert_eq!(m.sections, ["障がい保健福祉課精神保健福祉室"]);
    let r1 = year(m, "R1");
    assert_eq!(
        r1.status.as_deref(),
        Some("3月実施予定だったが新型コロナの影響により中止")
    );
    assert_eq!(r1.evaluation.as_deref(), Some("中止"));
    assert_eq!(r1.achievement.as_deref(), Some("中止"));
    assert_eq!(r1.next_plan.as_deref(), Some("実施を継続"));
    let r2 = year(m, "R2");
    assert_eq!(
        r2.status.as_deref(),
        Some("新型コロナウイルス感染症の影響 により中止")
    );
    assert_eq!(r2.evaluation, r2.status);
    assert_eq!(r2.achievement, None);
    assert_eq!(r2.next_plan.as_deref(), Some("実施を継続"));
    assert_eq!(m.flags, ["evaluation-repeats-status"]);
}

#[test]
fn kumamoto_001_cell_wrap_spaces_and_dots_inside_names() {
    // T001-4 and T001-5.
    let m = at_line(F001, 14);
    assert_eq!(m.title, "研修会などへの臨床心理士派遣");
    assert_eq!(m.departments, ["庁外"]);
    assert_eq!(m.sections, ["熊本県臨床心理士・公認心理師協会"]);
    assert_eq!(at_line(F001, 6).sections, ["国立病院機構熊本医療センター"]);
    assert_eq!(at_line(F001, 8).sections, ["各まちづくりセンター"]);
    assert_eq!(at_line(F001, 10).sections, ["こころの健康センター"]);
    assert_eq!(at_line(F001, 10).departments, ["障がい者支援部"]);
    assert_eq!(at_line(F001, 43).departments, ["市民生活部"]);
    let m = at_line(F001, 35);
    assert_eq!(m.title, "精神保健相談");
    assert_eq!(m.departments, ["障がい者支援部", "各区役所"]);
    assert_eq!(
        m.sections,
        ["障がい保健福祉課精神保健福祉室", "各区保健子ども課"]
    );
    let m = at_line(F001, 38);
    assert_eq!(m.title, "暮らしとこころの悩みの相談会");
    assert_eq!(m.departments, ["障がい者支援部", "庁外"]);
    assert_eq!(m.sections, ["こころの健康センター", "熊本弁護士会"]);
    // Three departments, four sections (各区役所 has two).
    let m = at_line(F001, 51);
    assert_eq!(m.title, "配偶者暴力相談");
    assert_eq!(m.departments, ["市民生活部", "子ども未来部", "各区役所"]);
    assert_eq!(
        m.sections,
        [
            "男女共同参画課",
            "子ども政策課",
            "各区福祉課",
            "各区保健子ども課"
        ]
    );
    let m = at_line(F001, 54);
    assert_eq!(m.departments, ["市民生活部", "各区役所"]);
    assert_eq!(m.sections, ["生活安全課", "各区総務企画課"]);
    assert_eq!(year(m, "R2").achievement.as_deref(), Some("70"));
    assert_eq!(year(m, "R2").achievement_pct, Some(70.0));
    // A space separating two units.
    let m = at_line(F001, 24);
    assert_eq!(m.title, "性的マイノリティへの理解促進");
    assert_eq!(m.departments, ["市民生活部"]);
    assert_eq!(m.sections, ["男女共同参画課", "人権教育指導室"]);
    // T001-7: a section in the 担当部署 cell, kept and flagged.
    let m = at_line(F001, 23);
    assert_eq!(m.departments, ["人権政策課"]);
    assert_eq!(m.sections, ["各区総務企画課"]);
    assert_eq!(m.flags, ["department-is-section"]);
}

#[test]
fn kumamoto_001_page_two_header_offset_is_not_followed() {
    // T001-2: page 2 rows have 14 cells, the header puts 達成度 and 今後 at
    // cells 13 and 14, the data has them at 12 and 13.
    let m = at_line(F001, 19);
    assert_eq!(m.title, "自殺予防週間及び自殺対策強化月間における普及啓発");
    assert_eq!(m.page.as_deref(), Some("P.23"));
    let r1 = year(m, "R1");
    assert!(starts(&r1.status, "熊本市電窓吊広告、ラジオ、"));
    assert!(starts(&r1.evaluation, "すべて実施できた。SNS媒体も"));
    assert_eq!(r1.achievement.as_deref(), Some("実施"));
    assert_eq!(r1.next_plan.as_deref(), Some("実施を継続。"));
    let r2 = year(m, "R2");
    assert!(starts(&r2.evaluation, "すべて実施できた。SNS媒体も"));
    assert_eq!(r2.achievement.as_deref(), Some("100%"));
    assert_eq!(r2.achievement_pct, Some(100.0));
    assert!(starts(&r2.next_plan, "効果を検証し、効果的な方法"));
    let m = at_line(F001, 20);
    assert_eq!(m.title, "自殺予防啓発講演会");
    assert_eq!(year(m, "R1").status.as_deref(), Some("実施していない。"));
    assert_eq!(year(m, "R1").evaluation, None);
    assert!(starts(
        &year(m, "R1").next_plan,
        "他部署と事業が重複している"
    ));
    assert_eq!(year(m, "R2").status.as_deref(), Some("実施していない"));
    assert_eq!(year(m, "R2").next_plan, None);
    let m = at_line(F001, 28);
    assert_eq!(year(m, "R2").achievement.as_deref(), Some("数値評価は困難"));
    assert_eq!(
        year(m, "R2").next_plan.as_deref(),
        Some("令和2年度同様、実施予定。")
    );
    let m = at_line(F001, 30);
    assert_eq!(year(m, "R1").achievement.as_deref(), Some("(1)100% (2)50%"));
    assert_eq!(year(m, "R1").achievement_pct, None);
    assert_eq!(year(m, "R2").achievement_pct, Some(80.0));
    assert!(starts(
        &year(m, "R2").next_plan,
        "本年度も「自殺予防公開講演"
    ));
}

#[test]
fn kumamoto_001_shifted_and_ambiguous_r2_blocks() {
    // T001-6: L14's R2 block is one cell short.
    let m = at_line(F001, 14);
    let r1 = year(m, "R1");
    assert!(starts(&r1.status, "1)自殺対策を支える人材の育成 ①熊 本県"));
    assert_eq!(r1.achievement.as_deref(), Some("①100% ② 0% ③～⑦ 100%"));
    let r2 = year(m, "R2");
    assert!(starts(&r2.status, "①はオンラインでの会議であつた"));
    assert_eq!(r2.evaluation, None);
    assert_eq!(r2.achievement.as_deref(), Some("①100%、②"));
    assert_eq!(r2.achievement_pct, None);
    assert!(starts(&r2.next_plan, "1)については、新型コロナ ウイルス"));
    assert_eq!(m.flags, ["cells-shifted"]);
    // L37: which cell is missing cannot be decided; kept as printed.
    let m = at_line(F001, 37);
    assert_eq!(m.title, "心の健康相談");
    let r2 = year(m, "R2");
    assert!(starts(&r2.status, "【中央区】相談数11件（11回/年度実施）"));
    assert!(starts(&r2.evaluation, "【中央区】実施を継続 【東区】"));
    assert_eq!(r2.achievement.as_deref(), Some("実施"));
    assert_eq!(r2.next_plan, None);
    assert_eq!(m.flags, ["columns-ambiguous"]);
}

#[test]
fn kumamoto_001_new_marker_becomes_a_flag() {
    // T001-7.
    let m = at_line(F001, 34);
    assert_eq!(m.title, "SNSによるこころの悩み相談");
    assert_eq!(m.content, "SNSによるこころの悩み相談");
    assert_eq!(m.flags, ["new"]);
    assert!(starts(
        &year(m, "R1").status,
        "2/25～3/25までの毎日、16:00～22:"
    ));
    assert_eq!(year(m, "R1").achievement_pct, Some(80.0));
    assert_eq!(year(m, "R2").achievement_pct, Some(90.0));
    let m = at_line(F001, 58);
    assert_eq!(m.title, "自殺未遂者等に対する支援");
    assert_eq!(m.flags, ["new"]);
    assert_eq!(m.page.as_deref(), Some("P.28"));
    let others = measures(F001).iter().filter(|m| has_flag(m, "new")).count();
    assert_eq!(others, 2);
}

// ---------------------------------------------------------------- 002

const ARAO_PILLAR: &str = "重点目標3 安全・安心な暮らしの実現";

#[test]
fn arao_002_first_row_field_by_field() {
    let m = at_line(F002, 7);
    assert_eq!(m.number.as_deref(), Some("65"));
    assert_eq!(m.title, "防災会議における女性委員の登用推進");
    assert_eq!(m.content, m.title);
    assert_eq!(m.plan.id, "arao-gender");
    assert_eq!(
        m.path,
        [
            ARAO_PILLAR,
            "【施策の方向】1. 男女共同参画視点からの防災力の向上",
            "20. 防災分野における意思決定への女性の参画拡大",
        ]
    );
    assert!(m.departments.is_empty());
    assert_eq!(m.sections, ["防災安全課"]);
    assert_eq!(m.page, None);
    assert_eq!(m.progress.len(), 1);
    let p = &m.progress[0];
    assert_eq!((p.fiscal_year.as_str(), p.year), ("R5", Some(2023)));
    assert_eq!(
        p.issues.as_deref(),
        Some("出席団体の対象役職者が女性か否かで数値が変動してしまうことが課題である。")
    );
    assert!(starts(&p.status, "防災会議委員について令和4年度に引き続き"));
    assert_eq!(p.evaluation.as_deref(), Some("B"));
    assert!(starts(&p.next_plan, "出席団体からの推薦が女性か否か"));
    assert_eq!(p.achievement, None);
    assert_eq!(m.indicators.len(), 1);
    let ind = &m.indicators[0];
    assert_eq!(ind.name, "防災会議における女性委員の登用率");
    assert_eq!(ind.unit.as_deref(), Some("%"));
    let vals: Vec<(&str, &str, Option<f64>)> = ind
        .values
        .iter()
        .map(|v| (v.fiscal_year.as_str(), v.raw.as_str(), v.value))
        .collect();
    assert_eq!(
        vals,
        [
            ("R3", "18.8%", Some(18.8)),
            ("R4", "18.8%", Some(18.8)),
            ("R5", "18.2%", Some(18.2)),
        ]
    );
    assert_eq!(ind.target.as_deref(), Some("20.0%"));
    assert_eq!(ind.target_value, Some(20.0));
    assert!(m.flags.is_empty());
}

#[test]
fn arao_002_specific_measures_group_despite_spacing() {
    // T002-5: `22. ひとり親…` (L12–L14) and `22.ひとり親…` (L18, L19).
    let g22 = "22. ひとり親家庭や経済的貧困家庭への支援";
    for l in [12, 13, 14, 18, 19] {
        assert_eq!(at_line(F002, l).path[2], g22, "L{l}");
    }
    for l in [31, 34, 38, 40] {
        assert_eq!(
            at_line(F002, l).path[2],
            "25. ライフステージに応じた健康支援"
        );
    }
    for l in [55, 56, 60, 62] {
        assert_eq!(at_line(F002, l).path[2], "28. 相談体制の充実及び周知");
    }
    // T002-4: section rows are not repeated after page breaks.
    let dir2 = "【施策の方向】2. 生涯を通じた暮らしや健康への支援";
    for l in [12, 18, 28, 38, 49, 62] {
        assert_eq!(at_line(F002, l).path[..2], [ARAO_PILLAR, dir2], "L{l}");
    }
    let dir3 = "【施策の方向】3. 男女間におけるあらゆる暴力の根絶";
    assert_eq!(
        at_line(F002, 64).path,
        [ARAO_PILLAR, dir3, "29. 女性に対する暴力への対応"]
    );
    assert_eq!(
        at_line(F002, 72).path,
        [ARAO_PILLAR, dir3, "30. 支援体制の充実・強化"]
    );
    assert_eq!(
        at_line(F002, 75).path,
        [ARAO_PILLAR, dir3, "32. 犯罪の起きにくい社会づくり"]
    );
}

#[test]
fn arao_002_repeated_titles_are_distinct_records() {
    let titles = |ls: &[usize]| -> Vec<(String, String)> {
        ls.iter()
            .map(|&l| {
                let m = at_line(F002, l);
                (m.title.clone(), m.number.clone().unwrap())
            })
            .collect()
    };
    let t = "女性相談の実施".to_string();
    assert_eq!(
        titles(&[64, 65, 66]),
        [
            (t.clone(), "105".into()),
            (t.clone(), "106".into()),
            (t.clone(), "107".into())
        ]
    );
    assert_eq!(at_line(F002, 55).title, t);
    assert_eq!(at_line(F002, 55).number.as_deref(), Some("100"));
    let ids: std::collections::BTreeSet<&str> = [13, 14, 55, 60, 61, 64, 65, 66]
        .iter()
        .map(|&l| at_line(F002, l).id.as_str())
        .collect();
    assert_eq!(ids.len(), 8);
    assert_eq!(
        at_line(F002, 13).title,
        "ひとり親及び経済的困難を抱える子育て世帯への経済的支援"
    );
    assert_eq!(
        at_line(F002, 13).indicators[0].name,
        "自立支援教育訓練給付金"
    );
    assert_eq!(
        at_line(F002, 14).indicators[0].target.as_deref(),
        Some("10人")
    );
}

#[test]
fn arao_002_the_target_is_the_last_non_empty_cell() {
    // T002-3: 目標値 in col 15 (L7–L14), col 16 (L18–L56), col 17 or 18 on
    // L58–L68, col 17 (L72–L75).
    let target = |l: usize| at_line(F002, l).indicators[0].target.clone();
    assert_eq!(target(10).as_deref(), Some("20回"));
    assert_eq!(target(20).as_deref(), Some("42カ所"));
    assert_eq!(target(23).as_deref(), Some("51カ所"));
    assert_eq!(target(29).as_deref(), Some("45回"));
    assert_eq!(target(50).as_deref(), Some("2700件"));
    assert_eq!(target(75).as_deref(), Some("2200回"));
    // `-` means no target.
    for l in [55, 60, 61, 64, 65, 66, 68, 72] {
        assert_eq!(target(l), None, "L{l}");
        assert_eq!(at_line(F002, l).indicators[0].target_value, None);
    }
    // No indicator: `-` fills cols 8–15 only (L28, L45) or all of them.
    for l in [12, 18, 28, 45, 62, 67, 73, 74] {
        assert!(at_line(F002, l).indicators.is_empty(), "L{l}");
    }
    // T002-7: below-target actuals and inconsistent separators kept.
    let ind = &at_line(F002, 33).indicators[0];
    assert_eq!(ind.name, "熊本メディカルネットワーク年間登録件数");
    assert_eq!(ind.values[2].raw, "391件");
    assert_eq!(ind.target_value, Some(60.0));
    let ind = &at_line(F002, 75).indicators[0];
    let raws: Vec<(&str, Option<f64>)> = ind
        .values
        .iter()
        .map(|v| (v.raw.as_str(), v.value))
        .collect();
    assert_eq!(
        raws,
        [
            ("2,603件", Some(2603.0)),
            ("2388件", Some(2388.0)),
            ("2660件", Some(2660.0))
        ]
    );
    assert_eq!(ind.unit.as_deref(), Some("件"));
    assert_eq!(ind.target_value, Some(2200.0));
    assert!(has_flag(at_line(F002, 75), "indicator-unit-mismatch"));
    assert!(has_flag(at_line(F002, 10), "indicator-unit-mismatch"));
    let ind = &at_line(F002, 60).indicators[0];
    assert_eq!(ind.name, "健康相談対応人数");
    assert_eq!(ind.values[2].raw, "2,730人");
    assert_eq!(ind.values[2].value, Some(2730.0));
    assert_eq!(ind.unit.as_deref(), Some("人"));
    // R6–R8 are empty: no values for them.
    assert!(measures(F002).iter().flat_map(|m| &m.indicators).all(|i| {
        i.values
            .iter()
            .all(|v| ["R3", "R4", "R5"].contains(&v.fiscal_year.as_str()))
    }));
    let with_indicator = measures(F002)
        .iter()
        .filter(|m| !m.indicators.is_empty())
        .count();
    assert_eq!(with_indicator, 30);
}

#[test]
fn arao_002_two_text_column_page_is_kept_as_printed_and_flagged() {
    // T002-6: L60–L68 have col 4 (昨年度の課題) empty in every row.
    for l in [60, 61, 62, 64, 65, 66, 67, 68] {
        let m = at_line(F002, l);
        assert!(has_flag(m, "columns-ambiguous"), "L{l}");
        assert_eq!(m.progress[0].issues, None, "L{l}");
    }
    let m = at_line(F002, 60);
    assert_eq!(m.number.as_deref(), Some("102"));
    assert_eq!(m.title, "健康相談の実施");
    assert!(starts(
        &m.progress[0].status,
        "今後も様々な機会を捉えて相談対応"
    ));
    assert_eq!(m.progress[0].evaluation.as_deref(), Some("A"));
    assert!(starts(
        &m.progress[0].next_plan,
        "結果説明会の案内方法を電話ではなく"
    ));
    // Rows of other pages are not flagged.
    for l in [7, 18, 55, 56, 72, 75] {
        assert!(!has_flag(at_line(F002, l), "columns-ambiguous"), "L{l}");
    }
    // 同上 kept as printed, flagged.
    let m = at_line(F002, 65);
    assert_eq!(m.progress[0].status.as_deref(), Some("同上"));
    assert_eq!(m.progress[0].next_plan.as_deref(), Some("同上"));
    assert!(has_flag(m, "same-as-above"));
    for l in [32, 38, 66, 72] {
        assert!(has_flag(at_line(F002, l), "same-as-above"), "L{l}");
    }
    assert_eq!(
        at_line(F002, 38).progress[0].issues.as_deref(),
        Some("同上")
    );
    let flagged = measures(F002)
        .iter()
        .filter(|m| has_flag(m, "same-as-above"))
        .count();
    assert_eq!(flagged, 5);
}

#[test]
fn arao_002_titles_keep_full_width_brackets() {
    // T002-8.
    assert_eq!(
        at_line(F002, 44).title,
        "産科医療機関との連携強化（支援が必要な妊産婦への対応）"
    );
    assert_eq!(
        at_line(F002, 74).title,
        "ハラスメント防止講習会の実施と相談体制の強化（市役所）"
    );
    assert!(starts(
        &at_line(F002, 31).progress[0].status,
        "〇5～6月、9～10月に複"
    ));
    assert_eq!(
        at_line(F002, 51).progress[0].evaluation.as_deref(),
        Some("C")
    );
    assert_eq!(at_line(F002, 33).sections, ["有明医療センター"]);
}

// ---------------------------------------------------------------- judged refs

/// Measures judged in ../shared/eval-dev (file prefix, title line, title):
/// each must be exactly one record on that line with that title (《新規》
/// is a flag, not part of the title).
const JUDGED: &[(&str, usize, &str)] = &[
    ("000", 5, "精神科救急医療体制整備"),
    ("000", 6, "精神通院医療給付"),
    ("000", 7, "措置入院・移送"),
    ("000", 8, "精神障害者地域生活移行支援"),
    ("000", 9, "重度心身障害者医療費助成"),
    ("000", 10, "障がい者相談支援センター"),
    ("000", 11, "障がい者地域活動支援"),
    ("000", 12, "障がい者就労・生活支援センター"),
    ("000", 13, "障がい者虐待防止対策"),
    ("000", 14, "特別障害者手当及び特別児童扶養手当支給"),
    ("000", 15, "成年後見制度利用支援"),
    ("000", 16, "納税相談"),
    ("000", 18, "女性に対する暴力をなくす運動"),
    ("000", 20, "女性の権利110番"),
    ("000", 25, "防災出前講座"),
    ("000", 26, "民生委員活動の支援"),
    ("000", 27, "日常生活自立支援"),
    ("000", 28, "災害時要援護者支援"),
    ("000", 31, "医療安全相談"),
    ("000", 37, "妊娠期から子育て期にわたる相談"),
    ("000", 38, "保健師等による健康教育"),
    ("000", 40, "公民館講座"),
    ("000", 42, "水道料金・下水道使用料納付相談"),
    ("000", 43, "下水道事業受益者負担金の納付相談"),
    ("000", 45, "青少年の街頭指導"),
    ("001", 5, "自殺対策連絡協議会"),
    ("001", 6, "熊本救急医療自傷・自殺問題対策協議会"),
    ("001", 7, "地域包括ケアシステムの推進"),
    ("001", 10, "自殺予防研修会(支援技術習得など)"),
    ("001", 11, "ゲートキーパー養成研修会"),
    ("001", 12, "自助グループ等育成"),
    (
        "001",
        19,
        "自殺予防週間及び自殺対策強化月間における普及啓発",
    ),
    ("001", 22, "自死遺族への理解促進"),
    ("001", 23, "人権啓発推進及び相談"),
    ("001", 25, "DV・デートDV防止啓発"),
    ("001", 26, "いのちを支える相談窓口の周知"),
    ("001", 27, "「メンタルヘルスクまもと」冊子の配布"),
    ("001", 28, "ホームページを使った医療機関等の情報提供"),
    ("001", 36, "こころの健康相談"),
    ("001", 44, "男女共同参画に関する専門相談"),
    ("001", 47, "熊本いのちの電話相談"),
    ("001", 48, "熊本こころの電話相談"),
    ("001", 49, "精神科病院における出張法律相談"),
    ("001", 51, "配偶者暴力相談"),
    ("001", 53, "DV対策関係機関ネットワーク会議"),
    ("001", 55, "ひきこもり対策"),
    ("001", 58, "自殺未遂者等に対する支援"),
    ("002", 7, "防災会議における女性委員の登用推進"),
    ("002", 8, "消防団員における女性の登用推進"),
    ("002", 9, "自主防災組織長における女性の登用推進"),
    ("002", 10, "出前講座等における啓発の推進"),
    (
        "002",
        12,
        "納付相談の環境整備と的確・適切な対応ができる仕組みづくり",
    ),
    (
        "002",
        13,
        "ひとり親及び経済的困難を抱える子育て世帯への経済的支援",
    ),
    (
        "002",
        14,
        "ひとり親及び経済的困難を抱える子育て世帯への経済的支援",
    ),
    ("002", 18, "就学援助事業の実施"),
    ("002", 19, "生活困窮者及びその家族等に対する相談の実施"),
    (
        "002",
        23,
        "体力アップ体操やいきいきサロン等介護予防活動の推進",
    ),
    ("002", 39, "年齢に応じた性教育の実施"),
    ("002", 40, "子ども医療費助成による子どもの健康増進"),
    ("002", 42, "妊婦個別面談及び電話相談の実施"),
    (
        "002",
        44,
        "産科医療機関との連携強化（支援が必要な妊産婦への対応）",
    ),
    ("002", 45, "産後ケア事業の実施"),
    ("002", 49, "健診未受診者への受診勧奨"),
    ("002", 50, "産婦人科外来の安心安全な診療体制の構築"),
    ("002", 54, "障がい者相談の実施"),
    ("002", 55, "女性相談の実施"),
    ("002", 56, "相談員のスキルアップ研修への参加"),
    ("002", 61, "健康相談の実施"),
    ("002", 62, "困難を抱える保護者に対する自立支援"),
    ("002", 64, "女性相談の実施"),
    ("002", 65, "女性相談の実施"),
    ("002", 66, "女性相談の実施"),
    ("002", 68, "児童相談の実施"),
    ("002", 72, "女性福祉相談の実施"),
    (
        "002",
        73,
        "暴力等の被害相談に関する情報共有と税情報の管理の徹底",
    ),
    ("002", 75, "防犯パトロールの実施"),
];

#[test]
fn judged_measures_map_to_exactly_one_record() {
    for &(file, line, title) in JUDGED {
        let hits: Vec<&Measure> = measures(file)
            .into_iter()
            .filter(|m| m.source.line == line)
            .collect();
        assert_eq!(hits.len(), 1, "{file}:{line}");
        assert_eq!(hits[0].title, title, "{file}:{line}");
    }
}

// ---------------------------------------------------------------- robustness

/// The real documents cut anywhere (on a character boundary) or with rows
/// damaged: no panic, and every record stays inside the text it was given.
#[test]
fn truncated_and_damaged_real_documents_do_not_panic() {
    use shisaku::ingest::tabular::TabularImporter;
    use shisaku::ingest::{Document, Importer, Ledger, Manifest};

    let manifest = Manifest::load(&common::manifest_path()).unwrap();
    let seeds = common::manifest_path().parent().unwrap().to_path_buf();
    for entry in manifest
        .documents
        .iter()
        .filter(|d| d.format == "tabular-progress")
    {
        let text = std::fs::read_to_string(seeds.join(&entry.file)).unwrap();
        let mut cuts: Vec<usize> = (0..text.len()).step_by(1499).collect();
        cuts.push(text.len());
        for cut in cuts {
            let mut at = cut;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            for variant in 0..3 {
                let part = &text[..at];
                let damaged: String = match variant {
                    0 => part.to_string(),
                    // Every third tab lost: rows with too few cells.
                    1 => part
                        .split('\t')
                        .enumerate()
                        .map(|(i, c)| {
                            if i % 3 == 0 {
                                c.to_string()
                            } else {
                                format!("\t{c}")
                            }
                        })
                        .collect(),
                    // Line breaks inside rows.
                    _ => part.replacen('。', "。\n", 40),
                };
                let doc = Document::new(&entry.file, &damaged, &entry.plan, &entry.options);
                let mut ledger = Ledger::new(&entry.file, &doc.lines);
                if let Ok(ms) = TabularImporter.import(&doc, &mut ledger) {
                    assert!(ms.iter().all(|m| m.source.line_end <= doc.lines.len()));
                }
                let _ = ledger.finish();
            }
        }
    }
}
