//! The `outline` importer: plan bodies as text (an accessible `.txt`, or
//! text extracted from a PDF) whose structure is numbered headings, with the
//! prose under each measure heading as its content. Configured by the heading
//! pattern of each level and which level is a measure.
//!
//! # Options (`[document.options]`)
//!
//! ```toml
//! [document.options]
//! levels = ["基本目標N*", "（N）*", "①*"]  # heading patterns, outermost first
//! measure_level = 3          # the level whose headings are records (1-based; default the last)
//! record_level = "measure"   # what the records are: measure | initiative | project | direction
//! leaf_records = false       # a heading above the measure level with prose and no heading
//!                            # below it is a record too
//! start = "第4章*"           # optional: read from the first line matching this pattern …
//! end = "第5章*"             # … up to (not including) the first line matching this one
//! furniture = ["○○市健康増進計画"]  # lines that are page furniture (running headers …)
//! repeated_furniture = 3     # a short line repeated this often is a running header (0: off)
//! max_heading_chars = 60     # longer lines are never headings (at most 200)
//! ```
//!
//! **Heading patterns.** `N` is a number: arabic (`1`), full-width (`１`),
//! kanji (`一`, `十二`) or circled (`①`); a circled number in a pattern
//! (`①*`) is any circled number; a katakana letter standing alone
//! (`ア*`, `（ア）*`) is any one katakana (ア, イ, ウ …); a space is one or
//! more spaces; `*` is any run. Full-width and half-width letters, digits
//! and brackets are the same (`（N）` matches `(1)` and `（１）`). A line is a
//! heading when it matches (the level whose pattern has the most literal
//! characters wins), is at most `max_heading_chars` long and does not end a
//! sentence (`。`). `start`, `end` and `furniture` are patterns of the same
//! kind, matched against the whole line.
//!
//! **Records.** Each heading of the measure level is a record: the heading
//! as printed is its title, its number (`(2)` → `2`) its number, the
//! headings above it its path, and the prose below it (up to the next
//! heading of its level or above; deeper headings are part of it) its
//! content: lines of a paragraph joined (nothing between two Japanese
//! characters, a space otherwise), paragraphs (separated by blank lines)
//! joined by a line break.
//!
//! **Everything else is accounted for** in the report: page markers (`- 3 -`,
//! `３`, `3/40`, `P.3`), running headers (`furniture`, or short lines repeated
//! `repeated_furniture` times) and the table of contents (`目次` and lines
//! ending in leader dots and a page number) as page furniture; headings no
//! record took into its path as header; prose outside any measure (and the
//! text outside `start`…`end`) as prose.

use serde::Deserialize;

use super::text::squash_spaces;
use super::{Document, ImportError, Importer, Ledger, SpanKind};
use crate::model::{Level, Measure, Source};

pub struct OutlineImporter;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Options {
    levels: Vec<String>,
    measure_level: Option<usize>,
    record_level: String,
    leaf_records: bool,
    start: Option<String>,
    end: Option<String>,
    furniture: Vec<String>,
    repeated_furniture: usize,
    max_heading_chars: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            levels: Vec::new(),
            measure_level: None,
            record_level: "measure".into(),
            leaf_records: false,
            start: None,
            end: None,
            furniture: Vec::new(),
            repeated_furniture: 3,
            max_heading_chars: 60,
        }
    }
}

/// One element of a heading pattern.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Lit(char),
    Space,
    Any,
    Number,
    Circled,
    Kana,
}

/// Width-folds a character: full-width ASCII to ASCII, the ideographic space to a space.
fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn is_circled(c: char) -> bool {
    matches!(c, '\u{2460}'..='\u{2473}' | '\u{3251}'..='\u{325F}' | '\u{32B1}'..='\u{32BF}')
}

fn circled_value(c: char) -> Option<u32> {
    match c {
        '\u{2460}'..='\u{2473}' => Some(c as u32 - 0x2460 + 1),
        '\u{3251}'..='\u{325F}' => Some(c as u32 - 0x3251 + 21),
        '\u{32B1}'..='\u{32BF}' => Some(c as u32 - 0x32B1 + 36),
        _ => None,
    }
}

fn is_katakana(c: char) -> bool {
    ('\u{30A1}'..='\u{30F6}').contains(&c)
}

const KANJI_DIGITS: &str = "〇一二三四五六七八九";

fn is_kanji_number(c: char) -> bool {
    KANJI_DIGITS.contains(c) || c == '十' || c == '百'
}

/// The value of a kanji number (`十二` → 12, `二十` → 20, `百五` → 105).
fn kanji_value(s: &str) -> Option<u32> {
    let mut total = 0;
    let mut digit: Option<u32> = None;
    for c in s.chars() {
        if let Some(d) = KANJI_DIGITS.chars().position(|k| k == c) {
            digit = Some(
                digit
                    .unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(d as u32),
            );
        } else {
            let unit = if c == '十' { 10 } else { 100 };
            total = digit
                .unwrap_or(1)
                .saturating_mul(unit)
                .saturating_add(total);
            digit = None;
        }
    }
    Some(total.saturating_add(digit.unwrap_or(0))).filter(|&v| v > 0 || s == "〇")
}

fn compile(pattern: &str) -> Vec<Tok> {
    let chars: Vec<char> = pattern.trim().chars().map(narrow).collect();
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let kana_alone = is_katakana(c)
            && !chars.get(i + 1).copied().is_some_and(is_katakana)
            && !(i > 0 && is_katakana(chars[i - 1]));
        let tok = match c {
            '*' => Tok::Any,
            'N' => Tok::Number,
            c if c.is_whitespace() => {
                if out.last() == Some(&Tok::Space) {
                    continue;
                }
                Tok::Space
            }
            c if is_circled(c) => Tok::Circled,
            _ if kana_alone => Tok::Kana,
            c => Tok::Lit(c),
        };
        out.push(tok);
    }
    out
}

fn literal_count(p: &[Tok]) -> usize {
    p.iter().filter(|t| matches!(t, Tok::Lit(_))).count()
}

/// Matches `line` (narrowed) against `p` as a whole; on success, the value
/// of the first number token (`(12)` → `12`, `ウ` → `ウ`). Failed
/// (pattern, text) positions are remembered, so `*`s cost at most
/// pattern length × line length steps.
fn matches(p: &[Tok], line: &[char]) -> Option<Option<String>> {
    struct M<'a> {
        p: &'a [Tok],
        t: &'a [char],
        failed: std::collections::HashSet<(usize, usize)>,
        num: Option<String>,
    }
    impl M<'_> {
        fn go(&mut self, pi: usize, ti: usize) -> bool {
            if self.failed.contains(&(pi, ti)) {
                return false;
            }
            let ok = self.step(pi, ti);
            if !ok {
                self.failed.insert((pi, ti));
            }
            ok
        }

        /// Takes `n` characters at `ti` as a number whose value is `value`.
        fn number(&mut self, pi: usize, ti: usize, n: usize, value: String) -> bool {
            let before = self.num.clone();
            if self.num.is_none() {
                self.num = Some(value);
            }
            if self.go(pi + 1, ti + n) {
                return true;
            }
            self.num = before;
            false
        }

        fn step(&mut self, pi: usize, ti: usize) -> bool {
            let t = &self.t[ti..];
            let Some(tok) = self.p.get(pi) else {
                return t.is_empty();
            };
            match tok {
                Tok::Any => (ti..=self.t.len()).any(|k| self.go(pi + 1, k)),
                Tok::Lit(c) => t.first() == Some(c) && self.go(pi + 1, ti + 1),
                Tok::Space => {
                    let n = t.iter().take_while(|c| c.is_whitespace()).count();
                    n > 0 && self.go(pi + 1, ti + n)
                }
                Tok::Circled => match t.first() {
                    Some(&c) if is_circled(c) => {
                        let v = circled_value(c).map(|v| v.to_string()).unwrap_or_default();
                        self.number(pi, ti, 1, v)
                    }
                    _ => false,
                },
                Tok::Kana => match t.first() {
                    Some(&c) if is_katakana(c) => self.number(pi, ti, 1, c.to_string()),
                    _ => false,
                },
                Tok::Number => {
                    let Some(&c) = t.first() else { return false };
                    let (n, value) = if c.is_ascii_digit() {
                        let n = t.iter().take_while(|c| c.is_ascii_digit()).count();
                        let digits: String = t[..n].iter().collect();
                        let v = digits.trim_start_matches('0');
                        (
                            n,
                            if v.is_empty() {
                                "0".to_string()
                            } else {
                                v.to_string()
                            },
                        )
                    } else if is_kanji_number(c) {
                        let n = t.iter().take_while(|c| is_kanji_number(**c)).count();
                        let text: String = t[..n].iter().collect();
                        (n, kanji_value(&text).unwrap_or(0).to_string())
                    } else if is_circled(c) {
                        (1, circled_value(c).unwrap_or(0).to_string())
                    } else {
                        return false;
                    };
                    self.number(pi, ti, n, value)
                }
            }
        }
    }
    let mut m = M {
        p,
        t: line,
        failed: Default::default(),
        num: None,
    };
    m.go(0, 0).then_some(m.num)
}

fn narrow_line(line: &str) -> Vec<char> {
    line.trim().chars().map(narrow).collect()
}

/// A page marker: a page number alone (`3`, `- 3 -`, `―３―`, `3/40`, `P.3`).
fn is_page_marker(line: &[char]) -> bool {
    let s: String = line.iter().filter(|c| !c.is_whitespace()).collect();
    let s = s
        .strip_prefix("P.")
        .or_else(|| s.strip_prefix("p."))
        .or_else(|| s.strip_prefix('P'))
        .unwrap_or(&s);
    let dashes = |c: char| "-‐‑–—―−ー".contains(c);
    let core = s.trim_matches(dashes);
    !core.is_empty()
        && core.chars().any(|c| c.is_ascii_digit())
        && core.chars().all(|c| c.is_ascii_digit() || c == '/')
        && core.chars().filter(|&c| c == '/').count() <= 1
        && core.len() <= 9
}

/// Lines longer than this are never matched by `start`, `end` and
/// `furniture` (headings and running headers are short; a `*` pattern's
/// cost grows with the line).
const MAX_PATTERN_LINE: usize = 200;

/// `pattern` matches the whole of a short line.
fn matches_short(pattern: &[Tok], line: &[char]) -> bool {
    line.len() <= MAX_PATTERN_LINE && matches(pattern, line).is_some()
}

/// A line of a table of contents: text, leader dots, a page number.
fn is_toc_line(line: &[char]) -> bool {
    let s: String = line.iter().collect();
    let body = s.trim_end_matches(|c: char| c.is_ascii_digit());
    if body.len() == s.len() || body.trim().is_empty() {
        return false;
    }
    let leaders = body
        .chars()
        .rev()
        .take_while(|c| c.is_whitespace() || "….‥・·:：-".contains(*c))
        .filter(|c| !c.is_whitespace())
        .count();
    leaders >= 2 || body.ends_with('\t')
}

/// What a line is.
#[derive(Debug, Clone, PartialEq)]
enum Class {
    Blank,
    Outside,
    Furniture,
    Heading {
        level: usize,
        number: Option<String>,
    },
    Text,
}

/// A heading currently open above the measure level.
struct Open {
    level: usize,
    line: usize,
    title: String,
    /// Its paragraphs (first and last line of each run of text lines).
    prose: Vec<(usize, usize)>,
}

/// A record being read.
struct Rec {
    m: Measure,
    paragraphs: Vec<String>,
    last: usize,
}

impl Importer for OutlineImporter {
    fn import(&self, doc: &Document<'_>, ledger: &mut Ledger) -> Result<Vec<Measure>, ImportError> {
        let o: Options = doc.options()?;
        let bad = |m: String| {
            ImportError::new(
                doc.file,
                None,
                format!("マニフェストの [document.options] に誤りがあります: {m}"),
            )
        };
        if o.levels.is_empty() {
            return Err(bad(
                "levels に各階層の見出しのパターンを外側から順に書いてください\
                 （例: levels = [\"基本目標N*\", \"（N）*\", \"①*\"]）"
                    .into(),
            ));
        }
        let measure_level = o.measure_level.unwrap_or(o.levels.len());
        if measure_level == 0 || measure_level > o.levels.len() {
            return Err(bad(format!(
                "measure_level {measure_level} は {} 個の階層のどれでもありません（1 が最初の階層）",
                o.levels.len()
            )));
        }
        let record_level = Level::parse(&o.record_level).ok_or_else(|| {
            bad(format!(
                "record_level `{}` は measure、initiative、project、direction のどれでもありません",
                o.record_level
            ))
        })?;
        let levels: Vec<Vec<Tok>> = o.levels.iter().map(|p| compile(p)).collect();
        let furniture: Vec<Vec<Tok>> = o.furniture.iter().map(|p| compile(p)).collect();
        let n = doc.lines.len();

        // The part to read.
        let find = |p: &Option<String>, from: usize| -> Result<Option<usize>, ImportError> {
            let Some(p) = p else { return Ok(None) };
            let toks = compile(p);
            (from..n)
                .find(|&i| matches_short(&toks, &narrow_line(doc.lines[i])))
                .map(Some)
                .ok_or_else(|| bad(format!("`{p}` に合う行がありません（start/end）")))
        };
        let first = find(&o.start, 0)?.unwrap_or(0);
        let stop = find(&o.end, first + 1)?.unwrap_or(n);

        // Running headers: short lines repeated often in the part read.
        let mut counts: std::collections::HashMap<&str, usize> = Default::default();
        for l in &doc.lines[first..stop] {
            let t = l.trim();
            if !t.is_empty() && t.chars().count() <= 40 {
                *counts.entry(t).or_default() += 1;
            }
        }

        let mut classes = Vec::with_capacity(n);
        let mut in_toc = false;
        for (i, line) in doc.lines.iter().enumerate() {
            let t = narrow_line(line);
            let class = if t.is_empty() {
                Class::Blank
            } else if i < first || i >= stop {
                Class::Outside
            } else if is_page_marker(&t) {
                // a contents page ends with its page
                in_toc = false;
                Class::Furniture
            } else if is_toc_line(&t)
                || furniture.iter().any(|f| matches_short(f, &t))
                || (o.repeated_furniture > 0
                    && counts.get(line.trim()).copied().unwrap_or(0) >= o.repeated_furniture)
            {
                Class::Furniture
            } else if t.iter().filter(|c| !c.is_whitespace()).collect::<String>() == "目次" {
                in_toc = true;
                Class::Furniture
            } else {
                let heading = (t.len() <= o.max_heading_chars.min(MAX_PATTERN_LINE)
                    && t.last() != Some(&'。'))
                .then(|| {
                    levels
                        .iter()
                        .enumerate()
                        .filter_map(|(l, p)| matches(p, &t).map(|num| (literal_count(p), l, num)))
                        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
                })
                .flatten();
                match heading {
                    Some((_, l, number)) => {
                        in_toc = false;
                        Class::Heading {
                            level: l + 1,
                            number,
                        }
                    }
                    // A contents page's entries without page numbers.
                    None if in_toc => Class::Furniture,
                    None => Class::Text,
                }
            };
            classes.push(class);
        }

        let mut records = Vec::new();
        let mut path: Vec<Option<(String, usize)>> = vec![None; measure_level];
        let mut used_headings = std::collections::BTreeSet::new();
        let mut heading_lines = Vec::new();
        let mut open: Option<Open> = None;
        let mut rec: Option<Rec> = None;
        let mut para: Option<(usize, usize)> = None;

        let text_of = |a: usize, b: usize| paragraph(&doc.lines[a..=b]);
        let finish_rec = |rec: Rec, records: &mut Vec<Measure>, ledger: &mut Ledger| {
            let mut m = rec.m;
            m.content = rec.paragraphs.join("\n");
            m.source.line_end = rec.last;
            ledger.use_lines(m.source.line_start, rec.last);
            records.push(m);
        };

        for i in 0..=n {
            let class = classes.get(i).cloned().unwrap_or(Class::Heading {
                level: 1,
                number: None,
            });
            let ln = i + 1;
            // A paragraph ends at anything but a text line.
            if class != Class::Text
                && let Some((a, b)) = para.take()
            {
                if let Some(r) = rec.as_mut() {
                    if let Some(t) = text_of(a, b) {
                        r.paragraphs.push(t);
                    }
                    r.last = b + 1;
                } else if let Some(op) = open.as_mut() {
                    op.prose.push((a + 1, b + 1));
                } else {
                    ledger.skip(a + 1, b + 1, SpanKind::Prose);
                }
            }
            match class {
                Class::Blank => {}
                Class::Outside => ledger.skip(ln, ln, SpanKind::Prose),
                Class::Furniture => ledger.skip(ln, ln, SpanKind::PageFurniture),
                Class::Text => {
                    para = Some(match para {
                        Some((a, _)) => (a, i),
                        None => (i, i),
                    });
                }
                Class::Heading { level, .. } if level > measure_level && i < n => {
                    // a heading below the measure level is text of its record
                    para = Some((i, i));
                }
                Class::Heading { level, number } => {
                    if let Some(r) = rec.take() {
                        finish_rec(r, &mut records, ledger);
                    }
                    if let Some(op) = open.take() {
                        // no heading below it before the next one of its level or above
                        let is_leaf = level <= op.level || i == n;
                        if is_leaf && o.leaf_records && !op.prose.is_empty() {
                            let mut m = Measure::new(
                                doc.plan,
                                record_level,
                                op.title.clone(),
                                source(doc.file, op.line),
                            );
                            m.path = path[..op.level - 1]
                                .iter()
                                .flatten()
                                .map(|p| p.0.clone())
                                .collect();
                            for p in path[..op.level - 1].iter().flatten() {
                                used_headings.insert(p.1);
                            }
                            m.number =
                                heading_number(doc.lines[op.line - 1], &levels[op.level - 1]);
                            let paragraphs: Vec<String> = op
                                .prose
                                .iter()
                                .filter_map(|&(a, b)| text_of(a - 1, b - 1))
                                .collect();
                            let last = op.prose.last().map_or(op.line, |p| p.1);
                            finish_rec(
                                Rec {
                                    m,
                                    paragraphs,
                                    last,
                                },
                                &mut records,
                                ledger,
                            );
                        } else {
                            for &(a, b) in &op.prose {
                                ledger.skip(a, b, SpanKind::Prose);
                            }
                        }
                    }
                    if i == n {
                        break;
                    }
                    let title = doc.lines[i]
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    if level < measure_level {
                        path[level - 1] = Some((title.clone(), ln));
                        for p in path.iter_mut().skip(level) {
                            *p = None;
                        }
                        heading_lines.push(ln);
                        open = Some(Open {
                            level,
                            line: ln,
                            title,
                            prose: Vec::new(),
                        });
                        continue;
                    }
                    let mut m = Measure::new(doc.plan, record_level, title, source(doc.file, ln));
                    m.number = number;
                    m.path = path[..level - 1]
                        .iter()
                        .flatten()
                        .map(|p| p.0.clone())
                        .collect();
                    for p in path[..level - 1].iter().flatten() {
                        used_headings.insert(p.1);
                    }
                    rec = Some(Rec {
                        m,
                        paragraphs: Vec::new(),
                        last: ln,
                    });
                }
            }
        }
        for ln in heading_lines {
            if used_headings.contains(&ln) {
                ledger.use_lines(ln, ln);
            } else {
                ledger.skip(ln, ln, SpanKind::Header);
            }
        }
        Ok(records)
    }
}

/// The text of a paragraph's lines: wrapped lines joined (a space only
/// between two ASCII letters or digits), a line starting a list item (`・`,
/// `○`, `- `, `ア `, …) on a line of its own.
fn paragraph(lines: &[&str]) -> Option<String> {
    let mut out = String::new();
    for line in lines {
        let t = squash_spaces(line);
        if t.is_empty() {
            continue;
        }
        if !out.is_empty() {
            let prev = out.chars().last().unwrap_or(' ');
            let next = t.chars().next().unwrap_or(' ');
            if starts_item(&t) {
                out.push('\n');
            } else if prev.is_ascii_alphanumeric() && next.is_ascii_alphanumeric() {
                out.push(' ');
            }
        }
        out.push_str(&t);
    }
    (!out.is_empty()).then_some(out)
}

/// A line that starts a list item.
fn starts_item(t: &str) -> bool {
    let mut chars = t.chars().map(narrow);
    let (Some(a), b) = (chars.next(), chars.next()) else {
        return false;
    };
    "・○●◯■□◆◇※➢▷".contains(a)
        || is_circled(a)
        || ((a == '-' || is_katakana(a)) && b.is_some_and(|b| b == ' ' || b == '.' || b == ')'))
}

fn source(file: &str, line: usize) -> Source {
    Source {
        file: file.to_string(),
        line,
        line_start: line,
        line_end: line,
        sheet: None,
    }
}

fn heading_number(line: &str, pattern: &[Tok]) -> Option<String> {
    matches(pattern, &narrow_line(line)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, line: &str) -> Option<Option<String>> {
        matches(&compile(p), &narrow_line(line))
    }

    #[test]
    fn numbers_of_every_script_match_n() {
        assert_eq!(
            m("基本目標N*", "基本目標１ 健康づくり"),
            Some(Some("1".into()))
        );
        assert_eq!(
            m("基本目標N*", "基本目標十二　地域"),
            Some(Some("12".into()))
        );
        assert_eq!(m("（N）*", "(3)相談機能の強化"), Some(Some("3".into())));
        assert_eq!(m("（N）*", "（１０）報酬助成"), Some(Some("10".into())));
        assert_eq!(m("N.*", "2.権利擁護支援"), Some(Some("2".into())));
        assert_eq!(m("①*", "③市民後見人バンク登録者"), Some(Some("3".into())));
        assert_eq!(m("N*", "⑫ 何か"), Some(Some("12".into())));
        assert_eq!(m("ア*", "イ　食生活"), Some(Some("イ".into())));
        assert_eq!(m("（ア）*", "(ウ)運動"), Some(Some("ウ".into())));
        assert_eq!(m("N *", "10日間の研修"), None);
        assert_eq!(m("N *", "3 取組の方向性"), Some(Some("3".into())));
        assert_eq!(m("アクション*", "アクションプラン"), Some(None));
        assert_eq!(m("①*", "1 何か"), None);
        assert_eq!(kanji_value("二十"), Some(20));
        assert_eq!(kanji_value("百五"), Some(105));
        assert!(kanji_value(&"九".repeat(40)).is_some());
    }

    #[test]
    fn furniture_lines() {
        for l in ["- 3 -", "―１２―", "3/40", "P.3", "１５"] {
            assert!(is_page_marker(&narrow_line(l)), "{l}");
        }
        for l in ["3 取組の方向性", "令和6年", "-"] {
            assert!(!is_page_marker(&narrow_line(l)), "{l}");
        }
        assert!(is_toc_line(&narrow_line("基本目標１ 健康づくり ……… 12")));
        assert!(is_toc_line(&narrow_line("第2章 計画の概要・・・・・3")));
        assert!(!is_toc_line(&narrow_line("指標 1")));
    }
}
