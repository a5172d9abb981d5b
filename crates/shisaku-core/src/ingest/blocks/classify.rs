//! Line classification: cells of a line, status lines, department anchors,
//! page-break headers and the wrapping of cell text.

use crate::ingest::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Blank,
    Header,
    Pillar,
    PillarCont,
    Text,
    Anchor,
    Status,
}

/// The page/department/section cell of a block.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Anchor {
    /// First and last line (1-based) of the cell.
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) page: Option<String>,
    pub(super) depts_raw: String,
    pub(super) sects_raw: String,
    /// Cells printed before the page on the anchor line (title, description: L837).
    pub(super) pre: Vec<String>,
    /// Cells printed after the section on the anchor line (R2 result, 達成度…: L84).
    pub(super) rest: Vec<String>,
}

/// A 取組状況 line: `[evaluation cells] ア　実施済 100 % [next plan]`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Status {
    pub(super) line: usize,
    pub(super) prefix: Vec<String>,
    pub(super) code: String,
    pub(super) ach: Option<String>,
    pub(super) suffix: Vec<String>,
}

/// Splits a line into cells at ASCII spaces (U+3000 stays inside cells) and
/// glues `100` + `%` back into one achievement token.
pub(super) fn tokens(line: &str) -> Vec<String> {
    let raw: Vec<&str> = line
        .split(' ')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let t = raw[i];
        if is_number(t) && raw.get(i + 1).is_some_and(|n| *n == "%" || *n == "％") {
            out.push(format!("{t} {}", raw[i + 1]));
            i += 2;
        } else {
            out.push(t.to_string());
            i += 1;
        }
    }
    out
}

pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

pub(super) fn is_number(t: &str) -> bool {
    !t.is_empty()
        && t.chars().any(is_digit)
        && t.chars().all(|c| is_digit(c) || c == '.' || c == '．')
}

/// `100 %`, `99.5 %`, `0%`: a 達成度 cell.
pub(super) fn is_ach(t: &str) -> bool {
    let t = t.trim();
    let Some(num) = t.strip_suffix('%').or_else(|| t.strip_suffix('％')) else {
        return false;
    };
    is_number(num.trim_end())
}

pub(super) fn is_dash(t: &str) -> bool {
    matches!(t.trim(), "-" | "－" | "―" | "ー" | "‐")
}

/// `ア　実施済`: a kana ア–オ, U+3000, a short status word without a comma.
pub(super) fn is_status_code(t: &str) -> bool {
    let mut cs = t.chars();
    let (Some(k), Some(sp)) = (cs.next(), cs.next()) else {
        return false;
    };
    let rest: Vec<char> = cs.collect();
    "アイウエオ".contains(k)
        && sp == '\u{3000}'
        && (1..=8).contains(&rest.len())
        && rest
            .iter()
            .all(|c| !c.is_whitespace() && !",，、".contains(*c))
}

pub(super) fn parse_status(line: &str, n: usize) -> Option<Status> {
    let toks = tokens(line);
    let j = toks.iter().position(|t| is_status_code(t))?;
    let mut k = j + 1;
    let ach = match toks.get(k) {
        Some(t) if is_ach(t) || is_dash(t) => {
            k += 1;
            Some(t.clone())
        }
        _ => None,
    };
    Some(Status {
        line: n,
        prefix: toks[..j].to_vec(),
        code: toks[j].clone(),
        ach,
        suffix: toks[k..].to_vec(),
    })
}

/// A plan page: `18`, `Ｒ３追加`, `P.45`.
pub(super) fn is_page(t: &str) -> bool {
    let t = t.trim();
    if t.chars().count() > 6 || !t.chars().any(is_digit) {
        return false;
    }
    let t = t.strip_suffix("追加").unwrap_or(t);
    let body = t.trim_start_matches(['R', 'Ｒ', 'P', 'Ｐ', 'p', '.', '．']);
    !body.is_empty() && body.chars().all(|c| is_digit(c) || "-－~〜".contains(c))
}

/// A short cell fragment: no spaces, no sentence punctuation, no digits.
pub(super) fn is_fragment(t: &str) -> bool {
    let n = t.chars().count();
    (1..=20).contains(&n)
        && !t.chars().any(|c| {
            c.is_whitespace() || is_digit(c) || "、。，．：:（）()「」%％!！?？".contains(c)
        })
}

pub(super) const DEPT_SUFFIXES: [&str; 3] = ["部", "委員会", "局"];
pub(super) const NAME_SUFFIXES: [&str; 22] = [
    "部",
    "課",
    "室",
    "係",
    "局",
    "所",
    "館",
    "園",
    "署",
    "会",
    "センター",
    "組合",
    "公社",
    "機構",
    "法人",
    "団",
    "院",
    "庁",
    "省",
    "市",
    "町",
    "村",
];

pub(super) fn is_dept_name(t: &str) -> bool {
    is_fragment(t)
        && t.chars().count() >= 3
        && t.chars().count() <= 10
        && DEPT_SUFFIXES.iter().any(|s| t.ends_with(s))
}

/// `市民部`, `市民部・福祉部`, `市民部・` (a list continuing on the next line).
pub(super) fn is_dept_list(t: &str) -> bool {
    let t = t.trim();
    let body = t.strip_suffix('・').unwrap_or(t);
    !body.is_empty() && body.split('・').all(is_dept_name)
}

pub(super) fn is_section(t: &str) -> bool {
    is_fragment(t) && t.chars().count() >= 2
}

/// Splits a department or section cell into names. `・` separates names only
/// after a name suffix (課, 部, センター…), so `熊本県臨床心理士・公認心理師協会`
/// stays one name; cell-wrap spaces are removed.
pub(super) fn split_names(raw: &str) -> Vec<String> {
    let joined = text::join_wrapped(raw);
    let mut out = Vec::new();
    let mut cur = String::new();
    for part in joined.split('・') {
        if !cur.is_empty() {
            cur.push('・');
        }
        cur.push_str(part.trim());
        if NAME_SUFFIXES.iter().any(|s| cur.ends_with(s)) {
            out.push(std::mem::take(&mut cur));
        }
    }
    let rest = cur.trim_end_matches('・').trim();
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

pub(super) fn is_pillar(t: &str) -> bool {
    let t = t.trim();
    let rest = t
        .strip_prefix("基本施策")
        .or_else(|| t.strip_prefix("重点施策"));
    rest.and_then(|r| r.chars().next())
        .is_some_and(|c| is_digit(c) || "一二三四五六七八九十".contains(c))
}

pub(super) fn is_header_start(t: &str) -> bool {
    t == "取組状況" || t.starts_with("計画における項目")
}

pub(super) fn is_header_end(t: &str) -> bool {
    t.starts_with("今後（") && t.contains("実施計画") && t.chars().count() <= 30
}

/// Form instructions of the header (`ア　実施済,ウ`, `施,`): short, with an
/// ASCII comma and no digit (`２，３７２件` is a count, not a header).
pub(super) fn is_header_fragment(t: &str) -> bool {
    t.contains(',') && !t.chars().any(is_digit) && t.chars().count() <= 15
}

/// Display width: full-width characters count 1, ASCII and half-width kana ½.
pub(super) fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
                0.5
            } else {
                1.0
            }
        })
        .sum()
}

/// True when the line break after `prev` (before `next`) is a real one, not a
/// PDF cell wrap: `prev` ends a sentence or is shorter than the cell width, or
/// `next` starts an item (indent, `・`, `①`, `※`…).
pub(super) fn hard_break(prev: &str, next: &str, wrap: f64) -> bool {
    let p = prev.trim_end();
    let starts_item = next.starts_with(|c: char| {
        c == '\u{3000}'
            || "・●○◎■□◆◇※＊*".contains(c)
            || ('①'..='⑳').contains(&c)
            || ('➀'..='➉').contains(&c)
            || ('❶'..='❿').contains(&c)
    });
    p.ends_with(['。', '！', '？', '!', '?']) || width(p) < wrap || starts_item
}

/// Joins wrapped lines: wrap breaks vanish (a space only between two ASCII
/// alphanumerics), real breaks become `\n`. Returns the hard-break segments.
pub(super) fn join_segments(lines: &[&str], wrap: f64) -> Vec<String> {
    let mut segs: Vec<String> = Vec::new();
    let mut prev: Option<&str> = None;
    for &l in lines {
        let l = l.trim_end();
        if l.trim().is_empty() {
            continue;
        }
        match prev {
            Some(p) if !hard_break(p, l, wrap) => {
                let seg = segs.last_mut().expect("a previous line opened a segment");
                let a = seg.chars().last();
                let b = l.trim_start().chars().next();
                if a.is_some_and(|c| c.is_ascii_alphanumeric())
                    && b.is_some_and(|c| c.is_ascii_alphanumeric())
                {
                    seg.push(' ');
                }
                seg.push_str(l.trim_start());
            }
            _ => segs.push(l.to_string()),
        }
        prev = Some(l);
    }
    segs
}

pub(super) fn join_lines(lines: &[&str], wrap: f64) -> String {
    join_segments(lines, wrap).join("\n").trim().to_string()
}

/// Joins the lines of a (wrapped) name: no break at all.
pub(super) fn join_name(lines: &[&str]) -> String {
    let mut out = String::new();
    for l in lines {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        if out
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && l.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        {
            out.push(' ');
        }
        out.push_str(l);
    }
    out
}

/// A description that stops without closing its sentence (T003-7).
pub(super) fn looks_truncated(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && !s.ends_with(['。', '．', '.', '」', '』', '）', ')', '！', '？', '!', '?'])
}

pub(super) fn short(s: &str, n: usize) -> String {
    let t: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        format!("{t}…")
    } else {
        t
    }
}

pub(super) fn tail_chars(s: &str, n: usize) -> String {
    let cs: Vec<char> = s.chars().collect();
    let start = cs.len().saturating_sub(n);
    let t: String = cs[start..].iter().collect();
    if start > 0 { format!("…{t}") } else { t }
}
