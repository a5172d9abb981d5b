//! Recognisers for the headings of a plan draft: chapters (`第4章 …`),
//! numbered sections (`4 施策の展開`), pillars (`基本方針Ⅰ …`, also printed
//! `本方針Ⅳ …` with its first character lost), viewpoints (`取組の視点 I -2`),
//! initiatives (`【取組 8】 …`, and the `【取組●】` photo placeholders) and the
//! numbered items of a directions section (`1.…`, `(1)…`).
//!
//! Everything works on `char`s, never on byte offsets computed by hand, so no
//! input can make these panic.

use crate::ingest::text::squash_spaces;

/// The value of a digit character, ASCII or full-width.
fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Splits a leading run of (ASCII or full-width) digits off `s`.
pub fn split_number(s: &str) -> Option<(u32, &str)> {
    let mut value: u32 = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        match digit_value(c) {
            Some(d) => {
                value = value.saturating_mul(10).saturating_add(d);
                end = i + c.len_utf8();
            }
            None => break,
        }
    }
    (end > 0).then(|| (value, &s[end..]))
}

/// The ASCII letters of a Roman-numeral character: Unicode `Ⅰ`–`Ⅻ`
/// (upper and lower case), ASCII `I V X` and their full-width forms.
fn roman_letters(c: char) -> Option<&'static str> {
    const UPPER: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    match c {
        'Ⅰ'..='Ⅻ' => Some(UPPER[(c as u32 - 'Ⅰ' as u32) as usize]),
        'ⅰ'..='ⅻ' => Some(UPPER[(c as u32 - 'ⅰ' as u32) as usize]),
        'I' | 'Ｉ' => Some("I"),
        'V' | 'Ｖ' => Some("V"),
        'X' | 'Ｘ' => Some("X"),
        _ => None,
    }
}

fn roman_value(letters: &str) -> Option<u32> {
    let v = |c: char| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        _ => 0,
    };
    let chars: Vec<char> = letters.chars().collect();
    let mut total: i64 = 0;
    for (i, &c) in chars.iter().enumerate() {
        let cur = v(c);
        if chars.get(i + 1).is_some_and(|&n| v(n) > cur) {
            total -= i64::from(cur);
        } else {
            total += i64::from(cur);
        }
    }
    u32::try_from(total).ok().filter(|&n| (1..=12).contains(&n))
}

/// Splits a leading Roman numeral (any of the printed forms) off `s`.
pub fn split_roman(s: &str) -> Option<(u32, &str)> {
    let mut letters = String::new();
    let mut end = 0;
    for (i, c) in s.char_indices() {
        match roman_letters(c) {
            Some(l) => {
                letters.push_str(l);
                end = i + c.len_utf8();
            }
            None => break,
        }
    }
    if end == 0 {
        return None;
    }
    Some((roman_value(&letters)?, &s[end..]))
}

/// The one form Roman numerals take in paths: Unicode `Ⅰ`…`Ⅻ`.
pub fn roman(n: u32) -> String {
    match n {
        1..=12 => char::from_u32('Ⅰ' as u32 + n - 1)
            .map(String::from)
            .unwrap_or_else(|| n.to_string()),
        _ => n.to_string(),
    }
}

/// `第4章 熊本市成年後見制度利用促進計画` → (4, heading text squashed).
pub fn chapter_heading(line: &str) -> Option<(u32, String)> {
    let t = line.trim();
    let rest = t.strip_prefix('第')?.trim_start();
    let (n, rest) = split_number(rest)?;
    rest.trim_start().strip_prefix('章')?;
    Some((n, squash_spaces(t)))
}

/// A numbered section heading `4 施策の展開` (digits, whitespace, text; not
/// `1.` items, not `2,465人`): returns the number and the text after it.
pub fn section_heading(line: &str) -> Option<(u32, String)> {
    let t = line.trim();
    let (n, rest) = split_number(t)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let text = squash_spaces(rest);
    let first = text.chars().next()?;
    if digit_value(first).is_some() || first.is_ascii_punctuation() {
        return None;
    }
    Some((n, text))
}

/// A pillar heading (`基本方針Ⅰ つながり支え合える人づくり`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pillar {
    pub number: u32,
    pub title: String,
    /// Printed `本方針…`: the first character was lost.
    pub lost_first_char: bool,
}

impl Pillar {
    /// The normalized path label: `基本方針Ⅳ だれもがつながる地域づくり`.
    pub fn label(&self) -> String {
        format!("基本方針{} {}", roman(self.number), self.title)
    }
}

pub fn pillar_heading(line: &str) -> Option<Pillar> {
    let t = line.trim();
    let (rest, lost_first_char) = match t.strip_prefix("基本方針") {
        Some(r) => (r, false),
        None => (t.strip_prefix("本方針")?, true),
    };
    let (number, rest) = split_roman(rest.trim_start())?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let title = squash_spaces(rest);
    if title.is_empty() {
        return None;
    }
    Some(Pillar {
        number,
        title,
        lost_first_char,
    })
}

/// Strips the markers a viewpoint text is printed with: `▶`, `►`, `- ▶`…
pub fn strip_marker(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace() || "-‐－▶►▷▸・".contains(c))
        .trim_end()
}

/// A viewpoint heading `取組の視点Ⅰ-1`, `取組の視点 I -2`, with the text
/// after it when printed on the same line (usually it stands on the next one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewpoint {
    pub pillar: u32,
    pub number: u32,
    pub text: String,
}

impl Viewpoint {
    pub fn label(&self) -> String {
        let head = format!("取組の視点{}-{}", roman(self.pillar), self.number);
        if self.text.is_empty() {
            head
        } else {
            format!("{head} {}", self.text)
        }
    }
}

pub fn viewpoint_heading(line: &str) -> Option<Viewpoint> {
    let t = line.trim();
    let rest = t.strip_prefix("取組の視点")?.trim_start();
    let (pillar, rest) = split_roman(rest)?;
    let rest = rest
        .trim_start()
        .strip_prefix(['-', '‐', '－', '−', '–', '―'])?;
    let (number, rest) = split_number(rest.trim_start())?;
    Some(Viewpoint {
        pillar,
        number,
        text: squash_spaces(strip_marker(rest)),
    })
}

/// An initiative heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Initiative {
    /// `【取組 8】 民生委員・児童委員の活動支援`.
    Real { number: u32, title: String },
    /// `【取組●】●●風景`: a photo caption placeholder.
    Placeholder,
}

pub fn initiative_heading(line: &str) -> Option<Initiative> {
    let t = line.trim();
    let rest = t.strip_prefix("【取組")?;
    let (inner, after) = rest.split_once('】')?;
    match split_number(inner.trim()) {
        Some((number, tail)) if tail.trim().is_empty() => Some(Initiative::Real {
            number,
            title: squash_spaces(after),
        }),
        _ => Some(Initiative::Placeholder),
    }
}

/// A first-level item of a directions section: `1.成年後見制度利用促進…`,
/// `3. 成果指標` → (number, heading as printed, squashed).
pub fn dotted_item(line: &str) -> Option<(u32, String)> {
    let t = line.trim();
    let (n, rest) = split_number(t)?;
    let rest = rest.strip_prefix(['.', '．', '、'])?;
    if rest.trim().is_empty() {
        return None;
    }
    Some((n, squash_spaces(t)))
}

/// A second-level item: `(1)成年後見人等の担い手の確保` → (1, heading as printed).
pub fn paren_item(line: &str) -> Option<(u32, String)> {
    let t = line.trim();
    let rest = t.strip_prefix(['(', '（'])?;
    let (n, rest) = split_number(rest.trim_start())?;
    let rest = rest.trim_start().strip_prefix([')', '）'])?;
    if rest.trim().is_empty() {
        return None;
    }
    Some((n, squash_spaces(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals_in_every_printed_form() {
        assert_eq!(split_roman("Ⅳ だれも"), Some((4, " だれも")));
        assert_eq!(split_roman("IV だれも"), Some((4, " だれも")));
        assert_eq!(split_roman("III-2"), Some((3, "-2")));
        assert_eq!(split_roman("ＩＩ-1"), Some((2, "-1")));
        assert_eq!(split_roman("だれも"), None);
        assert_eq!(roman(3), "Ⅲ");
    }

    #[test]
    fn pillars_including_the_one_that_lost_its_first_character() {
        let p = pillar_heading("基本方針Ⅰ つながり支え合える人づくり").unwrap();
        assert_eq!(p.label(), "基本方針Ⅰ つながり支え合える人づくり");
        assert!(!p.lost_first_char);
        let p = pillar_heading("本方針Ⅳ だれもがつながる地域づくり").unwrap();
        assert_eq!(p.label(), "基本方針Ⅳ だれもがつながる地域づくり");
        assert!(p.lost_first_char);
        let p = pillar_heading("基本方針III ずっと支え合える体制づくり <つながり続ける>").unwrap();
        assert_eq!(p.number, 3);
        // prose that starts like a pillar is not one
        assert_eq!(pillar_heading("基本方針Ⅰでは、「意識が高まる」を…"), None);
        assert_eq!(pillar_heading("【基本方針IVの成果指標】"), None);
    }

    #[test]
    fn viewpoints() {
        let v = viewpoint_heading("取組の視点 I -2").unwrap();
        assert_eq!((v.pillar, v.number, v.text.as_str()), (1, 2, ""));
        assert_eq!(
            viewpoint_heading("取組の視点Ⅲ-3").unwrap().label(),
            "取組の視点Ⅲ-3"
        );
        let v = viewpoint_heading("取組の視点 IV-1 ▶ 誰一人").unwrap();
        assert_eq!(v.label(), "取組の視点Ⅳ-1 誰一人");
        assert_eq!(strip_marker("- ▶ 地域活動に触れる"), "地域活動に触れる");
        assert_eq!(viewpoint_heading("取組の視点(取組の主な対象)"), None);
    }

    #[test]
    fn initiatives_and_placeholders() {
        assert_eq!(
            initiative_heading("【取組 8】 民生委員・児童委員の活動支援"),
            Some(Initiative::Real {
                number: 8,
                title: "民生委員・児童委員の活動支援".into()
            })
        );
        assert_eq!(
            initiative_heading("【取組１２】要配慮者"),
            Some(Initiative::Real {
                number: 12,
                title: "要配慮者".into()
            })
        );
        assert_eq!(
            initiative_heading("【取組●】●●風景"),
            Some(Initiative::Placeholder)
        );
        assert_eq!(initiative_heading("【取組"), None);
        assert_eq!(initiative_heading("取組1"), None);
    }

    #[test]
    fn chapters_sections_and_items() {
        assert_eq!(
            chapter_heading("第4章 熊本市成年後見制度利用促進計画"),
            Some((4, "第4章 熊本市成年後見制度利用促進計画".into()))
        );
        assert_eq!(chapter_heading("第5次計画では"), None);
        assert_eq!(
            section_heading("4 施策の展開"),
            Some((4, "施策の展開".into()))
        );
        assert_eq!(section_heading("2,465人"), None);
        assert_eq!(section_heading("1.成年後見"), None);
        assert_eq!(
            dotted_item("2.権利擁護支援の地域連携"),
            Some((2, "2.権利擁護支援の地域連携".into()))
        );
        assert_eq!(dotted_item("3. 成果指標"), Some((3, "3. 成果指標".into())));
        assert_eq!(
            paren_item("(1)成年後見人等の担い手の確保"),
            Some((1, "(1)成年後見人等の担い手の確保".into()))
        );
        assert_eq!(paren_item("(1)"), None);
        assert_eq!(split_number("１２a"), Some((12, "a")));
    }
}
