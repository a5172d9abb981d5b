//! Shared pieces of the property-based fuzz tests (tests/fuzz_*.rs): hostile
//! character and string strategies, the case count, a small in-memory corpus
//! and an HTML checker for rendered snippets.
//!
//! Every property runs [`cases`]`(default)` cases; `PROPTEST_CASES=5000 cargo
//! test --test fuzz_query` raises the count for a longer local campaign.

#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::Config;
use shisaku::model::{Level, Measure, Plan, PlanKind, ProgressEntry, Source};

/// The proptest configuration: `default` cases unless `PROPTEST_CASES` is set.
pub fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        // shrinking a slow case (seed documents) can take minutes: keep it bounded
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

/// Characters that break naive text code: NUL, control and format
/// characters, combining marks (on their own or after kana), half-width kana
/// with their separate voiced marks, iteration marks, characters whose NFKC
/// or lowercase form is longer (㍻, ﷺ, İ), the code points next to the
/// surrogate range, noncharacters, emoji with modifiers and ZWJ, right-to-left
/// text and bidi controls, full-width and ideographic space, the query
/// syntax in both widths, and HTML specials.
pub const HOSTILE: &[char] = &[
    '\u{0}',
    '\u{1}',
    '\u{7F}',
    '\u{85}',
    '\u{A0}',
    '\u{AD}',
    '\u{3000}',
    '\u{2028}',
    '\u{2029}',
    '\t',
    '\n',
    '\r',
    '\u{B}',
    '\u{C}',
    ' ', //
    'ｶ',
    'ﾊ',
    'ｳ',
    'ｹ',
    'ﾎ',
    'ｰ',
    'ｧ',
    '｡',
    '｢',
    'ﾞ',
    'ﾟ',
    '\u{3099}',
    '\u{309A}',
    '゛',
    '゜',
    '\u{0301}',
    '\u{0308}',
    '\u{0323}',
    '\u{20DD}',
    '\u{1AB0}',
    '\u{0345}', //
    'ゝ',
    'ゞ',
    'ヽ',
    'ヾ',
    '々',
    '〻',
    '〃',
    'ー',
    '・',
    '。',
    '、', //
    '㍻',
    '㌔',
    '㍿',
    'ﷺ',
    'ﬀ',
    'ß',
    'İ',
    'ẞ',
    'Ω',
    'Å',
    '\u{212B}',
    'ǅ',
    'ᾈ',
    '①',
    'Ⅻ',
    '⑽',
    '１',
    'Ａ',
    'ｚ',
    '＂',
    '－',
    '：',
    '（',
    '）',
    '“',
    '”',
    '−', //
    '\u{D7FF}',
    '\u{E000}',
    '\u{F8FF}',
    '\u{FFFD}',
    '\u{FEFF}',
    '\u{FFFE}',
    '\u{FFFF}',
    '\u{10000}',
    '\u{10FFFF}',
    '\u{1D400}', //
    '😀',
    '👩',
    '\u{1F3FD}',
    '\u{200D}',
    '\u{FE0F}',
    '\u{FE0E}',
    '🇯',
    '🇵',
    '🏳', //
    '\u{200B}',
    '\u{200C}',
    '\u{200E}',
    '\u{200F}',
    '\u{202A}',
    '\u{202E}',
    '\u{2066}',
    '\u{2069}',
    'ا',
    'ل',
    'ש',
    '\u{0670}', //
    '"',
    '-',
    ':',
    '(',
    ')',
    '<',
    '>',
    '&',
    '\'',
    '/',
    '\\',
    '%',
    '+',
    '=',
    '*',
    '?',
    '#',
];

/// Japanese words of the seed documents, query syntax and markup, used as
/// whole pieces so generated strings hit real dictionary words too.
pub const WORDS: &[&str] = &[
    "民生委員",
    "ゲートキーパー",
    "ｹﾞｰﾄｷｰﾊﾟｰ",
    "げーときーぱー",
    "自殺",
    "対策",
    "研修",
    "相談",
    "電話",
    "障がい者",
    "子供",
    "こども",
    "ＤＶ",
    "令和2年度",
    "いすゞ",
    "こゝろ",
    "OR",
    " OR ",
    "title:",
    "タイトル:",
    "content:",
    "department:",
    "section:",
    "課：",
    "foo:",
    "10:00",
    "\"",
    "＂",
    "-",
    "－",
    ":",
    "(",
    ")",
    " ",
    "　",
    "<script>alert(1)</script>",
    "\" onmouseover=\"x",
    "&amp;",
    "<mark>",
];

/// One hostile character, a plain Japanese or arbitrary character.
pub fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(HOSTILE),
        2 => any::<char>(),
        2 => prop::char::range('\u{3041}', '\u{3096}'),
        2 => prop::char::range('\u{30A1}', '\u{30FA}'),
        2 => prop::char::range('\u{4E00}', '\u{9FFF}'),
        1 => prop::char::range('\u{FF61}', '\u{FF9F}'),
        1 => prop::char::range('a', 'z'),
    ]
}

/// A string of up to `max` pieces: hostile characters and whole words.
pub fn hostile_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => hostile_char().prop_map(String::from),
            1 => prop::sample::select(WORDS).prop_map(String::from),
        ],
        0..=max,
    )
    .prop_map(|v| v.concat())
}

/// Strings made of query syntax characters mixed with Japanese words.
pub fn syntax_string(max: usize) -> impl Strategy<Value = String> {
    let pieces: &[&str] = &[
        "\"",
        "-",
        ":",
        "OR",
        "(",
        ")",
        "＂",
        "－",
        "：",
        " ",
        "　",
        "民生委員",
        "研修",
        "相談",
        "げーと",
        "title",
        "section",
        "課",
        "x",
        "1",
        "ｶﾞ",
        "ゝ",
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..=max).prop_map(|v| v.concat())
}

pub fn plan(id: &str, kind: PlanKind) -> Plan {
    Plan {
        id: id.into(),
        name: format!("{id}計画"),
        kind,
        kind_label: None,
        municipality: "熊本市".into(),
        period: None,
    }
}

/// A dozen records, a few of them with markup and hostile characters in
/// their titles and contents, with ids assigned.
pub fn small_corpus() -> Vec<Measure> {
    let a = plan("fuzz-a", PlanKind::SUICIDE_PREVENTION);
    let b = plan("fuzz-b", PlanKind::REGIONAL_WELFARE);
    let rows: &[(&Plan, &str, &str, &str)] = &[
        (
            &a,
            "ゲートキーパー養成研修",
            "市民や職員を対象にゲートキーパー養成研修を実施する。",
            "健康福祉部",
        ),
        (
            &a,
            "民生委員の活動支援",
            "地域住民の最も身近な相談相手である民生委員の活動を支援する。",
            "健康福祉部",
        ),
        (
            &a,
            "ＤＶ相談窓口",
            "配偶者等からの暴力に関する電話相談を行う。令和2年度は120件。",
            "市民生活部",
        ),
        (
            &a,
            "ｹﾞｰﾄｷｰﾊﾟｰ周知",
            "いすゞ こゝろ 障がい者 子供 ＡＢＣ １２３ 10:00 K-SAFE",
            "市民生活部",
        ),
        (
            &b,
            "<script>alert(1)</script>",
            "\" onmouseover=\"x' <b>bold</b> & &amp; 研修",
            "<img src=x>",
        ),
        (
            &b,
            "地域福祉計画の推進",
            "包括的な支援体制を整備し、ひきこもりの相談に応じる。",
            "福祉部",
        ),
        (
            &b,
            "😀 絵文字\u{200D}と結合文字",
            "e\u{0301} ｶﾞ ﾊﾟ \u{3000}全角空白 \u{202E}RTL ا ل",
            "福祉部",
        ),
        (
            &b,
            "NUL\u{0}入り",
            "制御文字\u{1}\u{7F}と改行\n\rと㍻㌔ﷺ",
            "福祉部",
        ),
        (
            &b,
            "自殺対策の研修",
            "自殺対策 研修 相談 電話 OR title: \"引用\" - －",
            "健康福祉部",
        ),
    ];
    let mut out: Vec<Measure> = rows
        .iter()
        .enumerate()
        .map(|(i, (p, title, content, dept))| {
            let mut m = Measure::new(
                p,
                if i % 3 == 0 {
                    Level::Initiative
                } else {
                    Level::Measure
                },
                *title,
                Source {
                    file: "fuzz.jsonl".into(),
                    line: i + 1,
                    line_start: i + 1,
                    line_end: i + 1,
                    sheet: None,
                },
            );
            m.content = (*content).into();
            m.departments = vec![(*dept).into()];
            m.sections = vec![format!("{dept}課")];
            m.path = vec![format!("基本施策{} {}", i % 2 + 1, title)];
            m.progress = vec![ProgressEntry {
                fiscal_year: "R2".into(),
                year: Some(2020),
                status: Some(format!("{content}を実施")),
                evaluation: Some(if i % 2 == 0 { "A" } else { "<B>" }.into()),
                achievement: None,
                achievement_pct: None,
                next_plan: None,
                issues: None,
            }];
            m
        })
        .collect();
    shisaku::ingest::assign_ids(&mut out);
    out
}

/// Checks that `html` is escaped text plus balanced, unnested `<mark>`
/// tags: no raw `<`, `>`, `"` or `'`, and every `&` starts one of the
/// entities `escape_html` writes. Returns the text with the tags removed
/// and the entities decoded.
pub fn check_marked_html(html: &str) -> Result<String, String> {
    let mut plain = String::new();
    let mut rest = html;
    let mut open = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("<mark>") {
            if open {
                return Err(format!("nested <mark> in {html:?}"));
            }
            open = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("</mark>") {
            if !open {
                return Err(format!("</mark> without <mark> in {html:?}"));
            }
            open = false;
            rest = r;
        } else if rest.starts_with('&') {
            let (entity, decoded) = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&quot;", '"'),
                ("&#39;", '\''),
            ]
            .into_iter()
            .find(|(e, _)| rest.starts_with(e))
            .ok_or_else(|| format!("bare & in {html:?}"))?;
            plain.push(decoded);
            rest = &rest[entity.len()..];
        } else {
            let c = rest.chars().next().expect("not empty");
            if matches!(c, '<' | '>' | '"' | '\'') {
                return Err(format!("unescaped {c:?} in {html:?}"));
            }
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if open {
        return Err(format!("unclosed <mark> in {html:?}"));
    }
    Ok(plain)
}
