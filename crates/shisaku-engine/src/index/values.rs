//! Facet values as people count them: names in one normalized form (width,
//! spacing and numbering folded, so `基本施策４　…` and `基本施策4 …` are one
//! value), and a progress entry's free-text evaluation grouped into a small
//! set of statuses. The records keep the printed text; only facets (and
//! filters, through the same functions) use these forms.

use unicode_normalization::UnicodeNormalization;

/// The facet value of a printed name: full-width letters, digits, signs and
/// spaces in half width (other characters as printed: Ⅲ stays Ⅲ), runs of
/// whitespace as one space, no space between a label and its number
/// (`基本施策 4` → `基本施策4`), trimmed.
pub fn name_key(printed: &str) -> String {
    let nfkc: String = printed
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    let words: Vec<&str> = nfkc.split_whitespace().collect();
    let mut out = String::with_capacity(nfkc.len());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let before = out.chars().last().unwrap_or(' ');
            let after = w.chars().next().unwrap_or(' ');
            // 基本施策 4 / 取組 3: a number glued to its label, as most documents print it
            if !(after.is_ascii_digit() && !before.is_ascii() && !before.is_ascii_digit()) {
                out.push(' ');
            }
        }
        out.push_str(w);
    }
    out
}

/// The statuses of the status facet, in display order.
pub const STATUSES: [&str; 7] = [
    "実施済",
    "一部実施",
    "未実施",
    "中止",
    "評価A",
    "評価B",
    "評価C",
];

/// The status a printed evaluation or achievement states, if it states one:
/// a grade (`A` → `評価A`), a 取組状況 (`ア　実施済`, `エ　未実施`), or one of
/// the short verdicts the documents print (`予定通り実施。`, `実施なし`,
/// `中止`, `100%`, `70 %`). Sentences that describe the work without a
/// verdict give `None`.
pub fn status_of(printed: &str) -> Option<&'static str> {
    let nfkc: String = printed.nfkc().collect();
    // the first line holds the verdict (003: `ア 実施済` above the comment)
    let first = nfkc.lines().next().unwrap_or("").trim();
    let compact: String = first
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_end_matches(['。', '.'])
        .to_string();
    match compact.as_str() {
        "A" | "a" => return Some("評価A"),
        "B" | "b" => return Some("評価B"),
        "C" | "c" => return Some("評価C"),
        _ => {}
    }
    // 取組状況 ア 実施済 / イ 一部実施 / ウ … / エ 未実施: the word after the mark
    let word = compact
        .strip_prefix(['ア', 'イ', 'ウ', 'エ', 'オ'])
        .filter(|_| first.chars().nth(1).is_some_and(char::is_whitespace))
        .unwrap_or(&compact);
    let verdict = match word {
        "実施済"
        | "実施済み"
        | "実施"
        | "予定通り実施"
        | "予定通り実施できた"
        | "予定どおり実施"
        | "予定どおり実施できた"
        | "すべて実施できた" => Some("実施済"),
        "一部実施" | "一部実施済" | "未達" => Some("一部実施"),
        "未実施" | "実施なし" => Some("未実施"),
        "中止" | "開催中止" => Some("中止"),
        _ => None,
    };
    if verdict.is_some() {
        return verdict;
    }
    // a short sentence ending in 中止 (新型コロナウイルス感染拡大防止のため中止)
    if compact.ends_with("中止") && compact.chars().count() <= 30 {
        return Some("中止");
    }
    // an achievement percentage
    let pct = compact.strip_suffix('%').unwrap_or(&compact);
    if let Ok(p) = pct.parse::<f64>() {
        return Some(if p >= 100.0 {
            "実施済"
        } else if p > 0.0 {
            "一部実施"
        } else {
            "未実施"
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_spacing_and_numbering_fold() {
        assert_eq!(
            name_key("基本施策４　生きることの促進要因への支援"),
            name_key("基本施策4 生きることの促進要因への支援")
        );
        assert_eq!(
            name_key("基本施策 4  住民への啓発"),
            "基本施策4 住民への啓発"
        );
        assert_eq!(name_key(" 障がい者支援部 "), "障がい者支援部");
        // a space between words stays
        assert_eq!(
            name_key("基本方針Ⅲ ずっと支え合える体制づくり"),
            "基本方針Ⅲ ずっと支え合える体制づくり"
        );
    }

    #[test]
    fn statuses_come_from_what_the_documents_print() {
        assert_eq!(status_of("A"), Some("評価A"));
        assert_eq!(
            status_of("ア\u{3000}実施済\n概ね順調に推移している。"),
            Some("実施済")
        );
        assert_eq!(status_of("エ\u{3000}未実施"), Some("未実施"));
        assert_eq!(status_of("予定通り実施。"), Some("実施済"));
        assert_eq!(status_of("予定通り実施できた。"), Some("実施済"));
        assert_eq!(status_of("実施なし"), Some("未実施"));
        assert_eq!(status_of("中止"), Some("中止"));
        assert_eq!(
            status_of("新型コロナウイルス感染拡大防止のため中止"),
            Some("中止")
        );
        assert_eq!(status_of("100 %"), Some("実施済"));
        assert_eq!(status_of("70%"), Some("一部実施"));
        assert_eq!(status_of("0 %"), Some("未実施"));
        assert_eq!(status_of("-"), None);
        assert_eq!(
            status_of("電話等での相談に対して、丁寧な対応ができた。"),
            None
        );
    }
}
