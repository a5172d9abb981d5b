//! The `plan-draft` importer on the real document 004 (第5次熊本市地域福祉計画・
//! 地域福祉活動計画 素案): counts, ledger, warnings and the hard cases of
//! DOCUMENT_TRAPS T004-1…T004-12, checked field by field against the text.

mod common;

use shisaku::ingest::{SpanKind, WarningCode};
use shisaku::model::{BodyRole, Level, Measure};

const DOC: &str = "004_";

fn of_level(level: Level) -> Vec<&'static Measure> {
    common::measures(DOC)
        .into_iter()
        .filter(|m| m.level == level)
        .collect()
}

fn project(line: usize) -> &'static Measure {
    let m = common::at_line(DOC, line);
    assert_eq!(m.level, Level::Project, "record at {line} is not a project");
    m
}

fn no_record_at(line: usize) {
    assert!(
        common::measures(DOC).iter().all(|m| m.source.line != line),
        "unexpected record at line {line}"
    );
}

fn span_kind(line: usize) -> Option<SpanKind> {
    common::report(DOC)
        .unused
        .iter()
        .find(|u| (u.line_start..=u.line_end).contains(&line))
        .map(|u| u.kind)
}

fn bodies(m: &Measure) -> Vec<(&str, BodyRole)> {
    m.bodies.iter().map(|b| (b.name.as_str(), b.role)).collect()
}

const PILLAR_1: &str = "基本方針Ⅰ つながり支え合える人づくり";
const PILLAR_4: &str = "基本方針Ⅳ だれもがつながる地域づくり";
const CHAPTER_4: &str = "第4章 熊本市成年後見制度利用促進計画";

#[test]
fn record_counts_per_level() {
    let report = common::report(DOC);
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.records.get(&Level::Initiative), Some(&16));
    assert_eq!(report.records.get(&Level::Project), Some(&221));
    assert_eq!(report.records.get(&Level::Direction), Some(&4));
    assert_eq!(report.records.get(&Level::Measure), None);
    assert_eq!(common::measures(DOC).len(), 241);
}

#[test]
fn every_line_is_accounted_for() {
    let report = common::report(DOC);
    let unclassified: Vec<_> = report
        .unused
        .iter()
        .filter(|u| u.kind == SpanKind::Unclassified)
        .collect();
    assert!(unclassified.is_empty(), "{unclassified:?}");
}

#[test]
fn warnings_are_exactly_the_expected_ones() {
    let got: Vec<(usize, WarningCode, &str)> = common::report(DOC)
        .warnings
        .iter()
        .map(|w| (w.line, w.code, w.message.as_str()))
        .collect();
    use WarningCode::{DuplicateValue, HeadingIrregular, MissingDescription};
    let expected: [(usize, WarningCode, &str); 11] = [
        (
            923,
            MissingDescription,
            "校区青少年健全育成協議会での見守り活動",
        ),
        (1122, MissingDescription, "総合型地域スポーツクラブ関係経費"),
        (
            1373,
            MissingDescription,
            "高齢者見守り事業(地域包括ケアシステム推進経費)",
        ),
        (1472, MissingDescription, "家計改善支援事業"),
        (1503, MissingDescription, "障がい者燃料費助成事業"),
        (1670, DuplicateValue, "災害ボランティアセンター"),
        (1756, HeadingIrregular, "`本方針Ⅳ"),
        (1947, MissingDescription, "協働委託(地域委託)の実施"),
        (1968, DuplicateValue, "地域包括ケアシステム推進会議"),
        (1972, DuplicateValue, "(特)認知症施策総合推進事業"),
        (2077, MissingDescription, "地域生活支援員"),
    ];
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for ((line, code, msg), (eline, ecode, detail)) in got.iter().zip(expected) {
        assert_eq!((*line, *code), (eline, ecode), "{msg}");
        assert!(msg.contains(detail), "{line}: {msg}");
    }
}

#[test]
fn sixteen_initiatives_with_number_title_path_and_content() {
    let inits = of_level(Level::Initiative);
    let lines: Vec<usize> = inits.iter().map(|m| m.source.line).collect();
    assert_eq!(
        lines,
        vec![
            633, 726, 781, 879, 964, 1034, 1191, 1280, 1335, 1437, 1625, 1696, 1770, 1860, 1922,
            2037
        ]
    );
    let numbers: Vec<String> = inits.iter().map(|m| m.number.clone().unwrap()).collect();
    let expected: Vec<String> = (1..=16).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);

    let first = inits[0];
    assert_eq!(first.title, "地域福祉を進めるための情報発信・意識啓発");
    assert_eq!(
        first.path,
        vec![
            PILLAR_1,
            "取組の視点Ⅰ-1 地域福祉に関心を持ち、自分の地域とそこで暮らす人への理解を深める"
        ]
    );
    assert!(
        first
            .content
            .starts_with("地域福祉活動に参加したことがない方や参加経験が少ない方は、")
    );
    assert!(
        first
            .content
            .ends_with("気軽に地域福祉活動をはじめるきっかけを提供します。")
    );
    assert_eq!(first.content.lines().count(), 2);
    assert_eq!((first.source.line_start, first.source.line_end), (633, 637));
    assert!(first.bodies.is_empty() && first.departments.is_empty() && first.page.is_none());

    // `【取組 8】 民生…`: space inside and after the bracket
    let eighth = inits[7];
    assert_eq!(eighth.title, "民生委員・児童委員の活動支援");
    assert_eq!(
        eighth.path[1],
        "取組の視点Ⅲ-2 活動しやすい環境を整え、つながりと支え合いが継続する"
    );
    // 取組の視点 `I -2` (ASCII, extra space) with its text after blank lines, unmarked (T004-3)
    assert_eq!(
        inits[2].path,
        vec![
            PILLAR_1,
            "取組の視点Ⅰ-2 地域でどんな活動ができるのかに気づき、参画に向けて準備してもらう"
        ]
    );
    // `- ▶` (L877) and `►` (L1623) markers
    assert_eq!(
        inits[3].path[1],
        "取組の視点Ⅱ-1 地域活動に触れる機会をつくり、実際に体験・交流してもらう"
    );
    assert_eq!(
        inits[10].path[1],
        "取組の視点Ⅲ-3 災害の教訓を踏まえ、普段から支え合う体制を整える"
    );
    // the survey block after the text is not content (L888–890)
    assert!(!inits[3].content.contains("<市民アンケート>"));
    assert!(!inits[3].content.contains("という質問への回答"));
    assert_eq!(inits[3].source.line_end, 886);
    // judged titles
    assert_eq!(
        common::at_line(DOC, 1770).title,
        "複雑化・複合化した課題へ対応するための相談支援体制の充実"
    );
    assert_eq!(
        common::at_line(DOC, 1922).title,
        "関係機関との連携による当事者等の早期把握や支援"
    );
}

#[test]
fn the_pillar_printed_hon_houshin_iv_is_recognised() {
    let inits = of_level(Level::Initiative);
    for m in &inits[12..] {
        assert_eq!(m.path[0], PILLAR_4, "{}", m.title);
    }
    assert_eq!(
        inits[12].path[1],
        "取組の視点Ⅳ-1 誰一人取り残さないための包括的な相談支援体制づくりを進める"
    );
    assert_eq!(project(2077).path[0], PILLAR_4);
    assert_eq!(
        inits.iter().map(|m| m.path[0].as_str()).collect::<Vec<_>>()[..12],
        [
            PILLAR_1,
            PILLAR_1,
            PILLAR_1,
            "基本方針Ⅱ 参画しやすい仕組みづくり",
            "基本方針Ⅱ 参画しやすい仕組みづくり",
            "基本方針Ⅱ 参画しやすい仕組みづくり",
            "基本方針Ⅲ ずっと支え合える体制づくり",
            "基本方針Ⅲ ずっと支え合える体制づくり",
            "基本方針Ⅲ ずっと支え合える体制づくり",
            "基本方針Ⅲ ずっと支え合える体制づくり",
            "基本方針Ⅲ ずっと支え合える体制づくり",
            "基本方針Ⅲ ずっと支え合える体制づくり",
        ]
    );
}

#[test]
fn decoys_and_furniture_are_not_records() {
    // nothing before 施策の展開 (L617) is a record
    assert!(common::measures(DOC).iter().all(|m| m.source.line > 617));
    // the 4th plan's pillars and their ○主な取組, the L570–589 definitions, the 体系 table
    for line in [378, 382, 401, 405, 424, 428, 570, 582, 589, 603, 610] {
        assert_eq!(span_kind(line), Some(SpanKind::Decoy), "line {line}");
    }
    // table of contents, 【取組●】 photo captions
    for line in [8, 28, 34, 1856, 2087] {
        assert_eq!(
            span_kind(line),
            Some(SpanKind::PageFurniture),
            "line {line}"
        );
    }
    no_record_at(1856);
    no_record_at(2087);
    // chapter 4's past actions `- (1) …` look like directions but are not
    assert_eq!(span_kind(2339), Some(SpanKind::Decoy));
    no_record_at(2339);
    no_record_at(2359);
    // column boxes and pillar indicator tables are prose
    assert_eq!(span_kind(1151), Some(SpanKind::Prose));
    assert_eq!(span_kind(861), Some(SpanKind::Prose));
    // legends and body headers are headers
    assert_eq!(span_kind(643), Some(SpanKind::Header));
    assert_eq!(span_kind(641), Some(SpanKind::Header));
}

#[test]
fn projects_per_initiative_and_their_path() {
    let inits = of_level(Level::Initiative);
    let projects = of_level(Level::Project);
    let counts: Vec<usize> = inits
        .iter()
        .map(|i| {
            let key = format!("【取組{}】 {}", i.number.as_deref().unwrap(), i.title);
            projects
                .iter()
                .filter(|p| p.path.get(2) == Some(&key))
                .count()
        })
        .collect();
    assert_eq!(
        counts,
        vec![14, 6, 13, 14, 5, 25, 15, 5, 19, 41, 8, 7, 18, 3, 19, 9]
    );
    let p = project(678);
    assert_eq!(p.title, "ゲートキーパー養成");
    assert_eq!(
        p.path,
        vec![
            PILLAR_1,
            "取組の視点Ⅰ-1 地域福祉に関心を持ち、自分の地域とそこで暮らす人への理解を深める",
            "【取組1】 地域福祉を進めるための情報発信・意識啓発"
        ]
    );
    assert!(p.number.is_none() && p.page.is_none() && p.progress.is_empty());
}

#[test]
fn drifting_names_are_paired_with_their_own_descriptions() {
    // L736–753 (T004-6)
    let cases: [(usize, &str, &str); 6] = [
        (
            733,
            "心のバリアフリー推進事業",
            "心のバリアフリーを推進するための普及啓発を実施する。",
        ),
        (
            736,
            "ジュニアヘルパー養成事業",
            "小・中学生がジュニアヘルパーとして近隣の高齢者宅",
        ),
        (
            739,
            "世代間交流促進事業",
            "「元気な高齢者」を講師に児童とその保護者を対象として",
        ),
        (
            742,
            "心の教育・体験学習推進経費",
            "プロの職業人を招いた職業講演を実施したり",
        ),
        (
            745,
            "高校生ワークキャンプ",
            "高校生を対象に、福祉施設等でお体験を通して",
        ),
        (
            748,
            "ふくし出前講座の強化",
            "地域や学校、福祉関係団体、関係機関等と連携・協働を図り",
        ),
    ];
    for (line, title, start) in cases {
        let p = project(line);
        assert_eq!(p.title, title);
        assert!(p.content.starts_with(start), "{line}: {}", p.content);
    }
    let junior = project(736);
    assert_eq!(
        (junior.source.line_start, junior.source.line_end),
        (736, 741)
    );
    assert_eq!(junior.activity_unit.as_deref(), Some("小学校区"));
    // the repeated name (L751) is the same project
    no_record_at(751);
    // other drifting tables
    assert!(
        project(917)
            .content
            .starts_with("参加者同士の交流や地域に住む高齢者の健康づくり")
    );
    assert!(
        project(926)
            .content
            .starts_with("参加者同士の交流や健康づくり、育児相談")
    );
    assert!(
        project(929)
            .content
            .starts_with("校区単位で認知症の人への対応実践")
    );
    assert!(project(1376).content.starts_with("年間 9 ヶ月以上"));
    assert!(
        project(1379)
            .content
            .starts_with("平成 27 年度(2015 年度)から各高齢者支援センター")
    );
    assert!(project(1116).content.starts_with("幼児・児童を対象として"));
    assert!(project(1113).content.starts_with("勤労青少年の教養を深め"));
    assert!(
        project(1506)
            .content
            .starts_with("知的及び精神障がい者に対し、成年後見制度利用を支援")
    );
    assert!(
        project(1647)
            .content
            .starts_with("避難所運営委員会の設立、会議開催等の支援")
    );
    assert!(
        project(1649)
            .content
            .starts_with("地域住民が災害を自分自身の問題ととらえ")
    );
    assert!(
        project(1952)
            .content
            .starts_with("社会福祉法に基づき設置する")
    );
    assert!(project(2074).content.starts_with("校区を担当する保健師が"));
}

#[test]
fn names_without_a_description_stay_empty_and_flagged() {
    for line in [923, 1122, 1373, 1472, 1503, 1947, 2077] {
        let p = project(line);
        assert!(p.content.is_empty(), "{line}: {}", p.content);
        assert!(p.flags.iter().any(|f| f == "no-description"), "{line}");
    }
    // 協働委託 owns the body block printed before any description of its table
    assert_eq!(
        project(1947).activity_unit.as_deref(),
        Some("町内自治会・隣近所")
    );
}

#[test]
fn repeated_names_are_one_project_within_an_initiative_but_not_across() {
    // 夢もやい館 ×3 (L1059/1063/1067)
    let yume: Vec<_> = of_level(Level::Project)
        .into_iter()
        .filter(|m| m.title == "夢もやい館")
        .collect();
    assert_eq!(yume.len(), 1);
    assert_eq!(yume[0].source.line, 1059);
    assert!(
        yume[0]
            .content
            .starts_with("高齢者の健康維持及び介護予防を支援し")
    );
    assert_eq!(
        yume[0].activity_unit.as_deref(),
        Some("日常生活圏域 (地域包括ケア圏域)")
    );
    assert_eq!(yume[0].source.line_end, 1067);
    for line in [
        1063, 1067, 1480, 1484, 1651, 1653, 1655, 1125, 1385, 1950, 1954, 1958, 935,
    ] {
        no_record_at(line);
    }
    // 出前講座 under 取組1 and 取組6: two records, different content
    let demae: Vec<_> = of_level(Level::Project)
        .into_iter()
        .filter(|m| m.title == "出前講座")
        .collect();
    assert_eq!(demae.len(), 2);
    assert_eq!((demae[0].source.line, demae[1].source.line), (649, 1130));
    assert!(demae[0].content.starts_with("市民の学習活動を支援するため"));
    assert_eq!(
        demae[1].content,
        "“空き家のあれこれ”について出前講座を実施。"
    );
    assert_eq!(
        demae[0].path[2],
        "【取組1】 地域福祉を進めるための情報発信・意識啓発"
    );
    assert_eq!(demae[1].path[2], "【取組6】 地域住民の交流の場の確保");
    // 植木ふれあい文化センター管理運営経費 under 取組4 (L905) and 取組6 (L1051)
    let a = project(905);
    let b = project(1051);
    assert_eq!(a.title, "植木ふれあい文化センター管理運営経費");
    assert_eq!(b.title, a.title);
    assert!(a.content.starts_with("高齢者の健康推進と生きがい実践"));
    assert!(b.content.starts_with("人権啓発や福祉活動等を推進する"));
    assert_ne!(a.path, b.path);
}

#[test]
fn descriptions_in_the_name_column_two_on_a_row_and_html_tags() {
    // L1482: two descriptions (cells 0 and 2), one per project
    let a = project(1476);
    assert_eq!(a.title, "高齢者権利擁護事業");
    assert!(
        a.content
            .starts_with("本市と熊本県高齢者・障害者虐待専門職チームとの間で業務委託契約を結び")
    );
    let b = project(1478);
    assert_eq!(b.title, "認知症コールセンター");
    assert!(
        b.content
            .starts_with("コールセンターの設置や相談会の開催により")
    );
    // L1512: the same description printed twice is read once
    assert_eq!(
        project(1509).content,
        "本市が委嘱した相談員が各地域の身体障がい者及び知的障がい者の相談に応じ、必要な助言・支援を行う。"
    );
    // L1833: description in the name column, name on the next row
    let c = project(1834);
    assert_eq!(c.title, "教育相談等経費");
    assert_eq!(
        c.content,
        "発達や就学に関する相談を行い、児童生徒の健全な成長を支援する。"
    );
    assert_eq!(c.source.line_start, 1833);
    // <p> tags stripped (L1961–1981)
    assert_eq!(
        project(1977).content,
        "障害者基本法に基づき設置する本市の附属機関で、障がい者に関する施策の総合的かつ計画的な推進に関する調査審議等を行う。"
    );
    assert!(
        of_level(Level::Project)
            .iter()
            .all(|m| !m.content.contains("<p>") && !m.content.contains("</p>"))
    );
}

#[test]
fn names_as_printed_with_wrap_spaces_removed_and_flags() {
    for (line, title) in [
        (733, "心のバリアフリー推進事業"),
        (739, "世代間交流促進事業"),
        (745, "高校生ワークキャンプ"),
        (1082, "老人憩の家管理運営経費"),
        (1098, "子育て支援センター(地域子育て支援拠点施設)"),
        (806, "成年後見制度法人後見支援事業"),
        (1703, "災害時外国人支援システム（K-SAFE）"),
        (1494, "おでかけ IC カード"),
    ] {
        assert_eq!(project(line).title, title);
    }
    let flags = |line: usize| project(line).flags.clone();
    assert!(flags(1491).contains(&"prefix-(特)".to_string()));
    assert_eq!(project(1491).title, "(特)高齢者権利擁護事業");
    assert!(flags(1949).contains(&"prefix-(震災)".to_string()));
    let dv = project(1779);
    assert_eq!(
        dv.title,
        "配偶者暴力相談支援センター管理運営経費・困難な問題を抱える女性支援経費(仮称)"
    );
    assert!(dv.flags.contains(&"provisional-name".to_string()));
    assert!(dv.flags.contains(&"two-names".to_string()));
    assert_eq!(
        project(1005).title,
        "食生活改善推進員養成講座 食生活改善推進員の地区組織活動支援"
    );
    assert!(flags(1005).contains(&"two-names".to_string()));
    assert_eq!(
        project(1799).title,
        "熊本市生活自立支援センター 熊本市福祉相談支援センター"
    );
    assert!(!flags(1218).contains(&"two-names".to_string()));
}

#[test]
fn bodies_and_activity_units() {
    use BodyRole::{Lead, Partner};
    // plain block
    let p = project(642);
    assert_eq!(
        bodies(p),
        vec![("市", Lead), ("地域団体等", Partner), ("地域住民", Partner)]
    );
    assert_eq!(p.activity_unit.as_deref(), Some("市内全域"));
    // marks after a blank line (L681/682)
    let p = project(678);
    assert_eq!(bodies(p), vec![("市", Lead), ("地域団体等", Partner)]);
    // marks on the row of the next name (drift, L736)
    assert_eq!(bodies(project(733)), vec![("市", Partner)]);
    assert_eq!(project(733).activity_unit.as_deref(), Some("市内全域"));
    // whole row shifted into the name column (L996)
    let p = project(993);
    assert_eq!(
        bodies(p),
        vec![
            ("市", Lead),
            ("市社協", Partner),
            ("民生委員", Partner),
            ("校区社協", Partner),
            ("地域団体等", Partner),
            ("地域住民", Lead)
        ]
    );
    assert!(p.flags.contains(&"marks-shifted".to_string()));
    // only the first mark in the name column (L1345)
    assert_eq!(
        bodies(project(1342)),
        vec![
            ("市", Lead),
            ("校区社協", Lead),
            ("地域団体等", Partner),
            ("地域住民", Partner)
        ]
    );
    // unit on the header row, no marks (L1307)
    let p = project(1305);
    assert!(p.bodies.is_empty());
    assert_eq!(p.activity_unit.as_deref(), Some("小学校区"));
    assert!(p.flags.contains(&"no-marks".to_string()));
    // unit in the description column of the next name's row (L1047)
    assert_eq!(project(1043).activity_unit.as_deref(), Some("市内全域"));
    // header printed without the name column (L1901)
    let p = project(1899);
    assert_eq!(
        bodies(p),
        vec![
            ("市", Partner),
            ("地域団体等", Partner),
            ("地域住民", Partner)
        ]
    );
    // `町内自治会 隣近所` normalized
    assert_eq!(
        project(819).activity_unit.as_deref(),
        Some("町内自治会・隣近所")
    );
    // a stray 市 on a header row (L1144) does not disturb the block
    assert_eq!(
        bodies(project(1142)),
        vec![
            ("市", Partner),
            ("地域団体等", Partner),
            ("地域住民", Partner)
        ]
    );
    // 市社協 lead (L1844)
    assert_eq!(bodies(project(1842))[1], ("市社協", Lead));
}

#[test]
fn four_directions_of_chapter_4() {
    let dirs = of_level(Level::Direction);
    let got: Vec<(usize, &str, Option<&str>)> = dirs
        .iter()
        .map(|m| (m.source.line, m.title.as_str(), m.number.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2375, "(1)成年後見人等の担い手の確保", Some("1")),
            (2381, "(2)相談機能の強化", Some("2")),
            (2389, "(3)広報・啓発の強化", Some("3")),
            (
                2393,
                "2.権利擁護支援の地域連携ネットワーク体制の深化・推進",
                Some("2")
            ),
        ]
    );
    let group = "1.成年後見制度利用促進に向けた取組の推進";
    for d in &dirs[..3] {
        assert_eq!(d.path, vec![CHAPTER_4, group]);
    }
    assert_eq!(dirs[3].path, vec![CHAPTER_4]);
    assert!(
        dirs[0]
            .content
            .starts_with("「市民後見人」に係る制度等について広く周知する")
    );
    assert_eq!(dirs[0].content.lines().count(), 2);
    assert_eq!(
        (dirs[0].source.line_start, dirs[0].source.line_end),
        (2375, 2379)
    );
    assert_eq!(
        dirs[2].content,
        "「市政だより」をはじめとする広報誌への掲載及び一般市民向けリーフレットの改訂・配布、研修会や出前講座の実施に加えて、終活セミナー等での説明や各種通知等へのリーフレット同封等、広報・啓発の強化に取り組みます。"
    );
    assert!(dirs[3].content.contains("\n○中核機関\n"));
    assert!(dirs[3].content.ends_with("市町村計画の策定を行います。"));
    assert_eq!(dirs[3].source.line_end, 2437);
    // the group heading, the TOC line, the indicators item are not directions
    for line in [34, 2373, 2443, 2445] {
        no_record_at(line);
    }
    assert_eq!(span_kind(2439), Some(SpanKind::PageFurniture));
}

/// Judged measures of the evaluation set name records of 004 by line and
/// title as printed; each must be exactly one record.
#[test]
fn judged_names_map_to_exactly_one_record() {
    let judged: [(usize, &str); 43] = [
        (657, "主催講座開催経費"),
        (661, "認知症サポーター養成講座"),
        (678, "ゲートキーパー養成"),
        (800, "市民後見人養成事業"),
        (806, "成年後見制度法人 後見支援事業"),
        (1230, "地域ケア計画"),
        (1236, "地域ケア会議推進経費"),
        (1301, "民生委員協議会助成"),
        (1364, "熊本各地区保護司会運営事業補助金"),
        (1367, "校区青少年健全育成助成"),
        (1379, "生活支援コーディネーター"),
        (1402, "こんにちは赤ちゃん事業"),
        (1444, "外国人受入環境整備事業"),
        (1448, "熊本市消費者センター"),
        (1452, "配偶者暴力相談支援センター事業"),
        (1476, "高齢者権利擁護事業"),
        (1506, "成年後見制度利用支援事業助成"),
        (1509, "障がい者相談員設置経費"),
        (
            1518,
            "障がい者虐待防止センター (障がい者虐待防止対策支援事業)",
        ),
        (1530, "ひきこもり支援センター"),
        (1534, "こころの健康センター"),
        (1542, "産前・産後ホームヘルプサービス事業"),
        (1598, "市営住宅の供給"),
        (1647, "避難所運営委員会の設置推進"),
        (1711, "防災基本条例推進経費"),
        (
            1770,
            "複雑化・複合化した課題へ対応するための相談支援体制の充実",
        ),
        (
            1779,
            "配偶者暴力相談支援センター管理運営経費・困難な問題を抱える女性支援経費(仮称)",
        ),
        (1783, "権利擁護のための地域連携ネットワーク経費"),
        (1787, "地域包括支援センター(高齢者支援センターささえりあ)"),
        (1815, "子育て世代包括支援センター管理運営経費"),
        (1834, "教育相談等経費"),
        (1846, "コミュニティソーシャルワーカー(CSW)"),
        (1922, "関係機関との連携による当事者等の早期把握や支援"),
        (1965, "地域包括ケアシステム推進会議"),
        (1991, "熊本市自殺対策連絡協議会"),
        (
            2007,
            "要保護児童対策事業管理経費 (要保護児童対策地域協議会)",
        ),
        (2011, "地域療育関連経費"),
        (2074, "訪問指導事業"),
        (2077, "地域生活支援員"),
        (2375, "(1)成年後見人等の担い手の確保"),
        (2381, "(2)相談機能の強化"),
        (2389, "(3)広報・啓発の強化"),
        (2393, "2.権利擁護支援の地域連携ネットワーク体制の深化・推進"),
    ];
    let fold = |s: &str| shisaku::ingest::text::fold_key(s);
    for (line, title) in judged {
        let hits: Vec<_> = common::measures(DOC)
            .into_iter()
            .filter(|m| m.source.line == line && fold(&m.title) == fold(title))
            .collect();
        assert_eq!(hits.len(), 1, "{line} {title}");
    }
}

#[test]
fn ids_are_unique() {
    let ms = common::measures(DOC);
    let mut ids: Vec<&str> = ms.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), ms.len());
    assert!(ms.iter().all(|m| m.id.starts_with("kumamoto-welfare-")));
}

/// Copies of the document cut at many points (as the byte-budgeted seeds
/// are) import without panicking; a cut inside 施策の展開 is reported.
#[test]
fn truncated_copies_never_panic_and_report_the_cut() {
    use shisaku::ingest::draft::DraftImporter;
    use shisaku::ingest::{Document, Importer, Ledger};
    let path = common::manifest_path().with_file_name("004_71f84778f0d072b8.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let plan = common::measures(DOC)[0].plan.clone();
    let options = toml::Table::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for k in (1..chars.len()).step_by(chars.len() / 40) {
        let cut = &text[..chars[k].0];
        let doc = Document::new("cut.txt", cut, &plan, &options);
        let mut ledger = Ledger::new("cut.txt", &doc.lines);
        let records = DraftImporter.import(&doc, &mut ledger).expect("Ok");
        let (warnings, _) = ledger.finish();
        let n = doc.lines.len();
        if (700..2098).contains(&n) {
            assert!(
                warnings
                    .iter()
                    .any(|w| w.line == n && w.code == WarningCode::Truncated),
                "cut at line {n}"
            );
            assert!(!records.is_empty());
        }
    }
}
