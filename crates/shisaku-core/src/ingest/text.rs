//! Small text helpers shared by the importers: whitespace, cell-wrap spaces
//! and printed numbers (fiscal years are the model's, re-exported here).
//! Format-specific parsing stays in the importer of that format.

use unicode_normalization::UnicodeNormalization;

pub use crate::model::{fiscal_year, year_label, year_label_ja};

/// A folding key for comparing names: NFKC, whitespace removed.
pub fn fold_key(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// True for characters of Japanese script (kana, kanji, iteration marks,
/// prolonged sound mark, full-width forms).
pub fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}' | '\u{3041}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF10}'..='\u{FF19}'
        | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' | '\u{FF66}'..='\u{FF9F}')
}

/// Collapses runs of whitespace (including U+3000) to one ASCII space and trims.
pub fn squash_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes cell-wrap spaces from a *name*: a space between two Japanese
/// characters is dropped (`障がい者 支援部` → `障がい者支援部`,
/// `こころの健康セン ター` → `こころの健康センター`); other runs of
/// whitespace become one space (`(地域子育て支援 拠点施設)` keeps none,
/// `K-SAFE 事業` keeps one).
pub fn join_wrapped(s: &str) -> String {
    let squashed = squash_spaces(s);
    let chars: Vec<char> = squashed.chars().collect();
    let mut out = String::with_capacity(squashed.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = chars[..i].last().copied();
            let next = chars.get(i + 1).copied();
            let glue = |x: Option<char>| {
                x.is_some_and(|x| is_japanese(x) || "()（）・/「」『』".contains(x))
            };
            if glue(prev) && glue(next) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The first number in a printed value, thousands separators removed
/// (`2,603件` → 2603, `18.8%` → 18.8, `100 %` → 100). `None` for `-` or text.
pub fn parse_number(raw: &str) -> Option<f64> {
    let folded: String = raw.nfkc().collect();
    let mut num = String::new();
    let mut started = false;
    for c in folded.chars() {
        if c.is_ascii_digit() || (started && c == '.') {
            num.push(c);
            started = true;
        } else if started && c == ',' {
            continue;
        } else if started {
            break;
        }
    }
    num.trim_end_matches('.').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_cell_wrap_spaces_in_names() {
        assert_eq!(join_wrapped("障がい者 支援部"), "障がい者支援部");
        assert_eq!(
            join_wrapped("こころの健康セン ター"),
            "こころの健康センター"
        );
        assert_eq!(
            join_wrapped("熊本県臨床心理 士・公認心理師協 会"),
            "熊本県臨床心理士・公認心理師協会"
        );
        assert_eq!(join_wrapped(" K-SAFE  事業 "), "K-SAFE 事業");
    }

    #[test]
    fn fiscal_years() {
        assert_eq!(fiscal_year("令和元年度"), Some(("R1".into(), 2019)));
        assert_eq!(fiscal_year("令和2年度"), Some(("R2".into(), 2020)));
        assert_eq!(fiscal_year("Ｒ３"), Some(("R3".into(), 2021)));
        assert_eq!(fiscal_year("R6"), Some(("R6".into(), 2024)));
        assert_eq!(fiscal_year("令和6年度"), Some(("R6".into(), 2024)));
        assert_eq!(fiscal_year("2024"), Some(("R6".into(), 2024)));
        assert_eq!(fiscal_year("２０２４年度"), Some(("R6".into(), 2024)));
        assert_eq!(fiscal_year("平成30年度"), Some(("H30".into(), 2018)));
        assert_eq!(fiscal_year("H30"), Some(("H30".into(), 2018)));
        assert_eq!(fiscal_year("平成元年度"), Some(("H1".into(), 1989)));
        assert_eq!(fiscal_year("平成31年度"), Some(("R1".into(), 2019)));
        assert_eq!(fiscal_year("令和２年度以降"), Some(("R2".into(), 2020)));
        assert_eq!(fiscal_year("2018年度"), Some(("H30".into(), 2018)));
        assert_eq!(fiscal_year("1980"), None);
        assert_eq!(fiscal_year("20245"), None);
        assert_eq!(fiscal_year("令和"), None);
        assert_eq!(fiscal_year("令和0年度"), None);
        assert_eq!(fiscal_year("Hx"), None);
        assert_eq!(year_label_ja("R1"), "令和元年度");
        assert_eq!(year_label_ja("H30"), "平成30年度");
        assert_eq!(year_label_ja("R12"), "令和12年度");
        assert_eq!(year_label_ja("X"), "X");
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("2,603件"), Some(2603.0));
        assert_eq!(parse_number("18.8%"), Some(18.8));
        assert_eq!(parse_number("１００ %"), Some(100.0));
        assert_eq!(parse_number("-"), None);
        assert_eq!(parse_number("実施済み"), None);
    }
}
