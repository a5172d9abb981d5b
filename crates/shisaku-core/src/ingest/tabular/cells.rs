//! Cell-level helpers of the tabular importer: loose label matching (folding,
//! `*` patterns, fiscal years in labels), cleaning of printed texts and names,
//! the department/section splitting rule and the reading of 達成度 and
//! indicator values.

use unicode_normalization::UnicodeNormalization;

use crate::ingest::text::{self, fold_key, is_japanese, join_wrapped, squash_spaces};

/// Folds a label or pattern for loose comparison: NFKC, whitespace removed.
pub fn fold(s: &str) -> String {
    fold_key(s)
}

/// Anchored match of `pattern` against `text`; `*` matches any run of
/// characters (also none). Both are expected to be folded already.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Classic two-row dynamic programme: reach[j] = p[..i] matches t[..j].
    let mut reach = vec![false; t.len() + 1];
    reach[0] = true;
    for &pc in &p {
        let mut next = vec![false; t.len() + 1];
        if pc == '*' {
            let mut any = false;
            for j in 0..=t.len() {
                any |= reach[j];
                next[j] = any;
            }
        } else {
            for j in 0..t.len() {
                next[j + 1] = reach[j] && t[j] == pc;
            }
        }
        reach = next;
    }
    reach[t.len()]
}

/// True when `pattern` (folded, `*` allowed) occurs somewhere in `text`.
pub fn glob_contains(pattern: &str, text: &str) -> bool {
    if pattern.contains('*') {
        glob_match(&format!("*{pattern}*"), text)
    } else {
        text.contains(pattern)
    }
}

/// How specific a pattern is: its number of literal characters.
pub fn literal_len(pattern: &str) -> usize {
    pattern.chars().filter(|&c| c != '*').count()
}

/// The first fiscal year named in a label: `令和元年度実施状況` → R1,
/// `実績(R3年度)` → R3, `今後(令和2年度以降)` → R2, `平成30年度実績` → H30,
/// `2024年度 実績` → R6.
pub fn find_year(label: &str) -> Option<(String, u16)> {
    let folded = fold(label);
    let chars: Vec<char> = folded.chars().collect();
    for i in 0..chars.len() {
        let next = chars.get(i + 1).copied();
        let at_era =
            (chars[i] == '令' && next == Some('和')) || (chars[i] == '平' && next == Some('成'));
        let at_letter =
            (chars[i] == 'R' || chars[i] == 'H') && next.is_some_and(|c| c.is_ascii_digit());
        // A western year counts only as `2024年度`, four digits not part of a longer number.
        let at_western = chars[i].is_ascii_digit()
            && (i == 0 || !chars[i - 1].is_ascii_digit())
            && chars[i..].iter().take_while(|c| c.is_ascii_digit()).count() == 4
            && chars.get(i + 4) == Some(&'年')
            && chars.get(i + 5) == Some(&'度');
        if at_era || at_letter || at_western {
            let rest: String = chars[i..].iter().collect();
            if let Some(y) = text::fiscal_year(&rest) {
                return Some(y);
            }
        }
    }
    None
}

/// A printed text cell, cleaned: a line break inside the cell (a row that
/// was split over physical lines) is joined (nothing between two Japanese
/// characters, one space otherwise), runs of whitespace become one space,
/// the ends are trimmed. Cell-wrap spaces inside sentences are kept as
/// printed. `None` for an empty cell.
pub fn clean_text(cell: &str) -> Option<String> {
    let mut joined = String::new();
    for (i, part) in cell.split('\n').enumerate() {
        let part = part.trim();
        if i > 0 && !joined.is_empty() && !part.is_empty() {
            let prev = joined.chars().last();
            let next = part.chars().next();
            let glue = prev.is_some_and(is_japanese) && next.is_some_and(is_japanese);
            if !glue {
                joined.push(' ');
            }
        }
        joined.push_str(part);
    }
    let s = squash_spaces(&joined);
    (!s.is_empty()).then_some(s)
}

/// A name (title, department, section, indicator name): cleaned and with
/// cell-wrap spaces removed (`障がい者 支援部` → `障がい者支援部`).
pub fn clean_name(cell: &str) -> Option<String> {
    clean_text(cell)
        .map(|s| join_wrapped(&s))
        .filter(|s| !s.is_empty())
}

/// A path element (pillar, group, 具体的施策): a name whose leading
/// enumerator (`22.`, `ア.`, `【施策の方向】1.`) is followed by exactly one
/// space, so that `22.ひとり親…` and `22. ひとり親…` are the same group.
pub fn path_text(cell: &str) -> Option<String> {
    let name = clean_name(cell)?;
    let chars: Vec<char> = name.chars().collect();
    // The enumerator starts the text or follows a closing bracket.
    let start = chars
        .iter()
        .position(|&c| c == '】' || c == ')' || c == '）')
        .map(|p| p + 1)
        .filter(|&p| p < chars.len() && chars[..p].iter().all(|&c| c != '.' && c != '．'))
        .unwrap_or(0);
    let mut end = start;
    while end < chars.len() && (chars[end].is_ascii_digit() || ('０'..='９').contains(&chars[end]))
    {
        end += 1;
    }
    if end == start && end < chars.len() && ('\u{3041}'..='\u{30FF}').contains(&chars[end]) {
        end += 1; // one kana: ア. イ.
    }
    let is_dot = |c: char| c == '.' || c == '．';
    if end == start || end >= chars.len() || !is_dot(chars[end]) {
        return Some(name);
    }
    let mut rest = end + 1;
    while rest < chars.len() && chars[rest].is_whitespace() {
        rest += 1;
    }
    if rest >= chars.len() || chars[rest].is_ascii_digit() {
        return Some(name);
    }
    let mut out: String = chars[..=end].iter().collect();
    out.push(' ');
    out.extend(&chars[rest..]);
    Some(out)
}

/// Splits one cell into units on `sep`, dropping empty parts.
fn split_on(cell: &str, sep: char) -> Vec<String> {
    cell.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits a section part on the spaces that precede a unit listed in
/// `separate_units` (`男女共同参画課 人権教育指導室`); every other space is a
/// cell-wrap space and is removed by [`join_wrapped`].
fn split_separate(part: &str, separate_units: &[String]) -> Vec<String> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let mut units: Vec<String> = Vec::new();
    let mut current = String::new();
    for w in words {
        let starts_unit = separate_units.iter().any(|u| fold(u) == fold(w));
        if starts_unit && !current.is_empty() {
            units.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(w);
    }
    if !current.is_empty() {
        units.push(current);
    }
    units
}

/// Splits the 担当部署 and 担当課 cells of one row into departments and
/// sections (the rule is described in the module docs):
/// 1. `/` always separates units;
/// 2. `・` separates units only when the 担当部署 cell names several
///    departments (`市民生活部・各区役所`), or when the departments were
///    split on `/` and splitting the sections on `・` gives as many sections
///    as departments (`福祉部/各区役所` with `保護管理援護課・各区福祉課`);
///    otherwise `・` belongs to a name (`熊本県臨床心理士・公認心理師協会`);
/// 3. a space separates two sections only before a unit listed in
///    `separate_units`; other spaces are cell-wrap spaces and are removed.
pub fn split_units(
    department: &str,
    section: &str,
    separate_units: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut deps = split_on(department, '/');
    let mut secs = split_on(section, '/');
    if deps.len() <= 1 {
        let by_dot = split_on(department, '・');
        if by_dot.len() >= 2 {
            deps = by_dot;
            if secs.len() <= 1 {
                secs = split_on(section, '・');
            }
        }
    } else if secs.len() == 1 {
        let by_dot = split_on(section, '・');
        if by_dot.len() == deps.len() {
            secs = by_dot;
        }
    }
    let deps = deps.iter().filter_map(|d| clean_name(d)).collect();
    let secs = secs
        .iter()
        .flat_map(|s| split_separate(s, separate_units))
        .filter_map(|s| clean_name(&s))
        .collect();
    (deps, secs)
}

/// The percentage of a 達成度 cell when it is a single number (`100`,
/// `90%`, `１００ %`); `None` for text, lists and ranges.
pub fn achievement_pct(raw: &str) -> Option<f64> {
    let folded: String = raw.nfkc().filter(|c| !c.is_whitespace()).collect();
    let number = folded.strip_suffix('%').unwrap_or(&folded);
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    number.parse().ok()
}

/// True for a short cell that reads like a 達成度 (contains a percentage or
/// is a bare number): used to detect year blocks shifted by one cell.
pub fn looks_like_achievement(raw: &str) -> bool {
    let folded: String = raw.nfkc().filter(|c| !c.is_whitespace()).collect();
    !folded.is_empty()
        && folded.chars().count() <= 40
        && (folded.contains('%') || achievement_pct(&folded).is_some())
}

/// The unit printed after a value (`18.8%` → `%`, `2,603件` → `件`,
/// `37カ所` → `カ所`); `None` when there is no number or nothing follows it.
pub fn unit_of(raw: &str) -> Option<String> {
    let folded: String = raw.nfkc().collect();
    let last_digit = folded.char_indices().rfind(|(_, c)| c.is_ascii_digit())?;
    let unit = folded[last_digit.0 + last_digit.1.len_utf8()..].trim();
    (!unit.is_empty()).then(|| unit.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_loosely() {
        assert!(glob_match("基本施策*", "基本施策1地域における"));
        assert!(glob_match("関連施策*", "関連施策"));
        assert!(!glob_match("基本施策*", "関連施策"));
        assert!(glob_contains("実績(R*年度)", &fold("実績 (R3年度)")));
        assert!(glob_contains("R*年度", "R4年度"));
        assert!(!glob_contains(
            "R*年度",
            &fold("今後(令和3年度以降)の実施計画")
        ));
        assert!(glob_contains("における項", "画における項"));
        assert_eq!(literal_len("実績(R*年度)"), 7);
    }

    #[test]
    fn years_in_labels() {
        assert_eq!(find_year("令和元年度実施状況").unwrap().0, "R1");
        assert_eq!(
            find_year("実績 (R3年度)").unwrap(),
            ("R3".to_string(), 2021)
        );
        assert_eq!(find_year("※(令和2年度以降)の実施計").unwrap().0, "R2");
        assert_eq!(find_year("達成度 (%)"), None);
        assert_eq!(find_year("PEEC R"), None);
        assert_eq!(
            find_year("平成30年度実績").unwrap(),
            ("H30".to_string(), 2018)
        );
        assert_eq!(find_year("実績(H29)").unwrap().0, "H29");
        assert_eq!(find_year("2024年度 実績").unwrap().0, "R6");
        assert_eq!(find_year("12024年度"), None);
        assert_eq!(find_year("2024件"), None);
    }

    #[test]
    fn texts_and_paths() {
        assert_eq!(clean_text("  a\tb  "), Some("a b".into()));
        assert_eq!(clean_text("中止と\nなった"), Some("中止となった".into()));
        assert_eq!(clean_text("   "), None);
        assert_eq!(
            path_text("22.ひとり親家庭").as_deref(),
            path_text("22. ひとり親家庭").as_deref()
        );
        assert_eq!(path_text("22.ひとり親家庭").unwrap(), "22. ひとり親家庭");
        assert_eq!(
            path_text("【施策の方向】3.男女間").unwrap(),
            "【施策の方向】3. 男女間"
        );
        assert_eq!(
            path_text("イ. 関連施策を通じたネット ワーク").unwrap(),
            "イ. 関連施策を通じたネットワーク"
        );
        assert_eq!(
            path_text("基本施策1 地域におけるネットワークの強化").unwrap(),
            "基本施策1 地域におけるネットワークの強化"
        );
        assert_eq!(
            path_text("自殺対策を支える人材の育成").unwrap(),
            "自殺対策を支える人材の育成"
        );
        assert_eq!(path_text("1.5倍").unwrap(), "1.5倍");
        assert_eq!(path_text("3.").unwrap(), "3.");
    }

    #[test]
    fn units_split_only_where_the_row_has_several_departments() {
        let none: Vec<String> = Vec::new();
        let (d, s) = split_units(
            "障がい者支援部/庁外",
            "障がい保健福祉課精神保健福祉室/警察署",
            &none,
        );
        assert_eq!(d, ["障がい者支援部", "庁外"]);
        assert_eq!(s, ["障がい保健福祉課精神保健福祉室", "警察署"]);
        let (d, s) = split_units("福祉部/各区役所", "保護管理援護課・各区福祉課", &none);
        assert_eq!(d, ["福祉部", "各区役所"]);
        assert_eq!(s, ["保護管理援護課", "各区福祉課"]);
        let (d, s) = split_units(
            "障がい者 支援部・ 各区役所",
            "障がい保健福祉課 精神保健福祉室・ 各区保健子ども課",
            &none,
        );
        assert_eq!(d, ["障がい者支援部", "各区役所"]);
        assert_eq!(s, ["障がい保健福祉課精神保健福祉室", "各区保健子ども課"]);
        let (d, s) = split_units(
            "市民生活部・子ども未来部・各区役所",
            "男女共同参画課・子ども政策課・各区福祉課・各区保健子ども課",
            &none,
        );
        assert_eq!(d.len(), 3);
        assert_eq!(s.len(), 4);
        let (d, s) = split_units("庁外", "熊本県臨床心理 士・公認心理師協 会", &none);
        assert_eq!(d, ["庁外"]);
        assert_eq!(s, ["熊本県臨床心理士・公認心理師協会"]);
        let sep = vec!["人権教育指導室".to_string()];
        let (_, s) = split_units("市民生活部", "男女共同参画課 人権教育指導室", &sep);
        assert_eq!(s, ["男女共同参画課", "人権教育指導室"]);
        let (_, s) = split_units("障がい者 支援部", "障がい保健福祉課 精神保健福祉室", &sep);
        assert_eq!(s, ["障がい保健福祉課精神保健福祉室"]);
        let (d, s) = split_units("", "", &sep);
        assert!(d.is_empty() && s.is_empty());
    }

    #[test]
    fn achievements_and_units() {
        assert_eq!(achievement_pct("100"), Some(100.0));
        assert_eq!(achievement_pct("90%"), Some(90.0));
        assert_eq!(achievement_pct("１００ %"), Some(100.0));
        assert_eq!(achievement_pct("実施"), None);
        assert_eq!(achievement_pct("①100% ② 0%"), None);
        assert_eq!(achievement_pct("中央区…50% 東区…70%"), None);
        assert!(looks_like_achievement("①100%、②"));
        assert!(!looks_like_achievement("1)については、新型コロナ"));
        assert!(!looks_like_achievement("実施"));
        assert_eq!(unit_of("18.8%").as_deref(), Some("%"));
        assert_eq!(unit_of("2,603件").as_deref(), Some("件"));
        assert_eq!(unit_of("37カ所").as_deref(), Some("カ所"));
        assert_eq!(unit_of("-"), None);
    }
}
