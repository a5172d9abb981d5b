//! Importer for PDF-extracted block reports (`block-report`; seed 003, the
//! 熊谷市自殺対策計画 progress report for 令和2・3年度).
//!
//! # The format
//!
//! The PDF table came out as text with one *block* per measure, in column
//! order (T003-1):
//!
//! ```text
//! title                         (may wrap over 2 lines, may share a paragraph with the description)
//! plan description
//! page 部 課                    (the "page/department/section" cell; the anchor)
//! R2 result (令和２年度実施状況)
//! 100 %                         (R2 達成度)
//! R3 plan (令和３年度の実施計画)
//! R3 result (令和３年度実施状況)
//! evaluation (担当課の評価)
//! ア　実施済 100 %              (取組状況 + R3 達成度; the status line, second anchor)
//! R4+ plan (今後（令和４年度以降）の実施計画)
//! ```
//!
//! Blank lines separate some cells but not others, and cells that stood side
//! by side in the PDF come out on one line separated by an ASCII space (the
//! document uses U+3000 inside cells, ASCII spaces only between cells and in
//! `100 %`). The importer is therefore a small state machine over lines, not
//! over fixed offsets:
//!
//! 1. page-break header blocks (`取組状況` / `計画における項目` … `今後（令和４年度以降）の実施計画`)
//!    and short form fragments with an ASCII `,` (`ア　実施済,ウ`, `施,`) are
//!    [`SpanKind::Header`], so they are never taken for status lines (T003-2);
//! 2. `基本施策N　…` headings (wrapped onto a second line, T003-3) set the path;
//! 3. the *department anchor* is found in all its forms (T003-5): `18 市民部 課`
//!    on one line, with text before (L837) or after it (L84, L581…); the page alone
//!    followed by department lines split at `・`, a blank, and section lines;
//!    `26 福祉部` followed by a section wrapped mid-word; `Ｒ３追加`; no page at all
//!    (`建設部 営繕課`);
//! 4. the *status line* `ア　実施済 100 %` (kana, U+3000, status word, then the
//!    achievement or `-`), possibly preceded by evaluation cells and followed by
//!    the next plan on the same line (T003-6);
//! 5. each block is anchor + status line; the text between a status line and
//!    the next anchor is split into the previous block's R4+ plan and the next
//!    block's title/description: a title paragraph is short (≤ 2 lines, no
//!    `。`), a title glued to its description is the paragraph's first line,
//!    and a paragraph glued to the status line (no blank between) is a plan;
//! 6. the cells between anchor and status line are assigned by the 達成度 cell
//!    (`100 %`): before it the R2 result, after it R3 plan, R3 result and
//!    evaluation. Where a blank line between two cells is missing, the cell is
//!    split at its first hard line break; where 達成度 is missing, cells are
//!    assigned from the end, except that of three cells the R3 plan is the one
//!    that repeats the description or the R4+ plan more (L304, L1418).
//!    Records whose cells had to be guessed this way carry the flag
//!    `cells-guessed`.
//!
//! # What goes where
//!
//! - `title`: the name as printed, wrapped lines joined; `content`: the plan
//!   description, wrapped lines joined (real line breaks kept as `\n`);
//! - `page` as printed (`18`, `Ｒ３追加`), `None` when the block has none
//!   (warned); `departments` / `sections`: split at `・` only after a name
//!   suffix (部, 課, センター, 組合…), so `・` inside one name is kept; listed in
//!   department order as printed (a single department may have two sections);
//! - `path`: `[基本施策N heading]`, wrapped heading lines joined
//!   (`基本施策１　地域におけるネットワークの強化`);
//! - `progress` (years read from the header `令和２年度実施状況 … 令和３年度実施状況`):
//!   - first year (R2): `status` = R2 result, `achievement` = R2 達成度 as printed
//!     (`100 %`, `achievement_pct` 100), `next_plan` = the R3 plan
//!     (令和３年度の実施計画 is the plan made for the following year);
//!   - second year (R3): `status` = R3 result, `evaluation` = the 取組状況 as
//!     printed (`ア　実施済`), then, on a new line, the department's own
//!     evaluation text (担当課の評価) when there is one, so
//!     `evaluation.lines().next()` is always the 取組状況; `achievement` = the
//!     達成度 of the status line (`100 %`, `-`); `next_plan` = the R4+ plan.
//!   - an entry is kept when it has any of these; a measure added in R3
//!     (`Ｒ３追加`, and the 建設部 blocks whose R2 cells are empty) has an R2
//!     entry holding only the R3 plan as `next_plan`.
//! - flags: `content-truncated` (description breaks off mid-sentence, T003-7),
//!   `no-page`, `no-department-line`, `no-status-line`, `no-title`,
//!   `cells-guessed`, `truncated-block` (a block cut off after its description).
//! - warnings (with the line): truncated description, no page printed, block
//!   without department line / without 取組状況 line / without title, a
//!   department cell without a section, a cut-off last block, extra
//!   paragraphs, a page header that never closes, report years not found in
//!   any header (R2/R3 assumed), and no block at all.
//!
//! # Options (`[document.options]`)
//!
//! - `wrap_width` (number, default 20): a line at least this wide (full-width
//!   characters; ASCII counts ½) that does not end a sentence was wrapped by
//!   the PDF cell and is joined to the next line without a break.

use std::collections::HashSet;

use serde::Deserialize;

use super::text::{self, fiscal_year, parse_number};
use super::{Document, ImportError, Importer, Ledger, SpanKind, WarningCode};
use crate::model::{Level, Measure, ProgressEntry, Source};

pub struct BlockImporter;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    wrap_width: Option<f64>,
}

const DEFAULT_WRAP_WIDTH: f64 = 20.0;
/// A page-break header is never longer than this many lines.
const HEADER_MAX_LINES: usize = 40;

impl Importer for BlockImporter {
    fn import(&self, doc: &Document<'_>, ledger: &mut Ledger) -> Result<Vec<Measure>, ImportError> {
        let opts: Options = doc.options()?;
        let wrap = opts.wrap_width.unwrap_or(DEFAULT_WRAP_WIDTH);
        if wrap.is_nan() || wrap <= 0.0 {
            return Err(ImportError::new(
                doc.file,
                None,
                "マニフェストの [document.options] に誤りがあります: wrap_width は正の数で書いてください",
            ));
        }
        let mut p = Parser::new(doc, ledger, wrap);
        Ok(p.run())
    }
}

// ---------------------------------------------------------------------------
// Line classification

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
struct Anchor {
    /// First and last line (1-based) of the cell.
    first: usize,
    last: usize,
    page: Option<String>,
    depts_raw: String,
    sects_raw: String,
    /// Cells printed before the page on the anchor line (title, description: L837).
    pre: Vec<String>,
    /// Cells printed after the section on the anchor line (R2 result, 達成度…: L84).
    rest: Vec<String>,
}

/// A 取組状況 line: `[evaluation cells] ア　実施済 100 % [next plan]`.
#[derive(Debug, Clone, PartialEq)]
struct Status {
    line: usize,
    prefix: Vec<String>,
    code: String,
    ach: Option<String>,
    suffix: Vec<String>,
}

/// Splits a line into cells at ASCII spaces (U+3000 stays inside cells) and
/// glues `100` + `%` back into one achievement token.
fn tokens(line: &str) -> Vec<String> {
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

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_number(t: &str) -> bool {
    !t.is_empty()
        && t.chars().any(is_digit)
        && t.chars().all(|c| is_digit(c) || c == '.' || c == '．')
}

/// `100 %`, `99.5 %`, `0%`: a 達成度 cell.
fn is_ach(t: &str) -> bool {
    let t = t.trim();
    let Some(num) = t.strip_suffix('%').or_else(|| t.strip_suffix('％')) else {
        return false;
    };
    is_number(num.trim_end())
}

fn is_dash(t: &str) -> bool {
    matches!(t.trim(), "-" | "－" | "―" | "ー" | "‐")
}

/// `ア　実施済`: a kana ア–オ, U+3000, a short status word without a comma.
fn is_status_code(t: &str) -> bool {
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

fn parse_status(line: &str, n: usize) -> Option<Status> {
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
fn is_page(t: &str) -> bool {
    let t = t.trim();
    if t.chars().count() > 6 || !t.chars().any(is_digit) {
        return false;
    }
    let t = t.strip_suffix("追加").unwrap_or(t);
    let body = t.trim_start_matches(['R', 'Ｒ', 'P', 'Ｐ', 'p', '.', '．']);
    !body.is_empty() && body.chars().all(|c| is_digit(c) || "-－~〜".contains(c))
}

/// A short cell fragment: no spaces, no sentence punctuation, no digits.
fn is_fragment(t: &str) -> bool {
    let n = t.chars().count();
    (1..=20).contains(&n)
        && !t.chars().any(|c| {
            c.is_whitespace() || is_digit(c) || "、。，．：:（）()「」%％!！?？".contains(c)
        })
}

const DEPT_SUFFIXES: [&str; 3] = ["部", "委員会", "局"];
const NAME_SUFFIXES: [&str; 22] = [
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

fn is_dept_name(t: &str) -> bool {
    is_fragment(t)
        && t.chars().count() >= 3
        && t.chars().count() <= 10
        && DEPT_SUFFIXES.iter().any(|s| t.ends_with(s))
}

/// `市民部`, `市民部・福祉部`, `市民部・` (a list continuing on the next line).
fn is_dept_list(t: &str) -> bool {
    let t = t.trim();
    let body = t.strip_suffix('・').unwrap_or(t);
    !body.is_empty() && body.split('・').all(is_dept_name)
}

fn is_section(t: &str) -> bool {
    is_fragment(t) && t.chars().count() >= 2
}

/// Splits a department or section cell into names. `・` separates names only
/// after a name suffix (課, 部, センター…), so `熊本県臨床心理士・公認心理師協会`
/// stays one name; cell-wrap spaces are removed.
fn split_names(raw: &str) -> Vec<String> {
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

fn is_pillar(t: &str) -> bool {
    let t = t.trim();
    let rest = t
        .strip_prefix("基本施策")
        .or_else(|| t.strip_prefix("重点施策"));
    rest.and_then(|r| r.chars().next())
        .is_some_and(|c| is_digit(c) || "一二三四五六七八九十".contains(c))
}

fn is_header_start(t: &str) -> bool {
    t == "取組状況" || t.starts_with("計画における項目")
}

fn is_header_end(t: &str) -> bool {
    t.starts_with("今後（") && t.contains("実施計画") && t.chars().count() <= 30
}

/// Form instructions of the header (`ア　実施済,ウ`, `施,`): short, with an
/// ASCII comma and no digit (`２，３７２件` is a count, not a header).
fn is_header_fragment(t: &str) -> bool {
    t.contains(',') && !t.chars().any(is_digit) && t.chars().count() <= 15
}

/// Display width: full-width characters count 1, ASCII and half-width kana ½.
fn width(s: &str) -> f64 {
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
fn hard_break(prev: &str, next: &str, wrap: f64) -> bool {
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
fn join_segments(lines: &[&str], wrap: f64) -> Vec<String> {
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

fn join_lines(lines: &[&str], wrap: f64) -> String {
    join_segments(lines, wrap).join("\n").trim().to_string()
}

/// Joins the lines of a (wrapped) name: no break at all.
fn join_name(lines: &[&str]) -> String {
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
fn looks_truncated(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && !s.ends_with(['。', '．', '.', '」', '』', '）', ')', '！', '？', '!', '?'])
}

fn short(s: &str, n: usize) -> String {
    let t: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        format!("{t}…")
    } else {
        t
    }
}

fn tail_chars(s: &str, n: usize) -> String {
    let cs: Vec<char> = s.chars().collect();
    let start = cs.len().saturating_sub(n);
    let t: String = cs[start..].iter().collect();
    if start > 0 { format!("…{t}") } else { t }
}

// ---------------------------------------------------------------------------
// Paragraphs and cells

/// Consecutive text lines (no blank between).
#[derive(Debug, Clone)]
struct Para {
    lines: Vec<(usize, String)>,
    /// Starts right after the preceding block's last line (no blank between).
    attached: bool,
}

impl Para {
    fn first(&self) -> usize {
        self.lines.first().map_or(0, |l| l.0)
    }
    fn texts(&self) -> Vec<&str> {
        self.lines.iter().map(|l| l.1.as_str()).collect()
    }
    fn title_like(&self) -> bool {
        let t = join_name(&self.texts());
        self.lines.len() <= 2
            && !t.contains('。')
            && width(&t) <= 40.0
            && !t.ends_with('、')
            && !is_ach(&t)
            && !is_page(&t)
            && !is_dash(&t)
    }
}

#[derive(Debug, Clone)]
enum GapItem {
    Para(Para),
    Pillar { text: String },
}

/// One cell of a block body.
#[derive(Debug, Clone)]
struct Cell {
    lines: Vec<String>,
    ach: bool,
}

impl Cell {
    fn text(&self, wrap: f64) -> String {
        let ls: Vec<&str> = self.lines.iter().map(String::as_str).collect();
        join_lines(&ls, wrap)
    }
}

/// Builds cells from lines (`None` = a break: blank or header line).
/// A line with several space-separated cells closes them all; a single-cell
/// line continues the open cell.
fn build_cells(items: &[Option<&str>], cells: &mut Vec<Cell>) {
    let mut open = false;
    for item in items {
        let Some(line) = item else {
            open = false;
            continue;
        };
        let toks = tokens(line);
        if toks.is_empty() {
            open = false;
            continue;
        }
        if toks.len() == 1 && !is_ach(&toks[0]) {
            match cells.last_mut() {
                Some(c) if open => c.lines.push(line.to_string()),
                _ => {
                    cells.push(Cell {
                        lines: vec![line.to_string()],
                        ach: false,
                    });
                    open = true;
                }
            }
            continue;
        }
        for t in toks {
            let ach = is_ach(&t);
            cells.push(Cell {
                lines: vec![t],
                ach,
            });
        }
        open = false;
    }
}

fn token_cells(toks: &[String]) -> Vec<Cell> {
    toks.iter()
        .map(|t| Cell {
            lines: vec![t.clone()],
            ach: is_ach(t),
        })
        .collect()
}

/// The body cells of a block assigned to their columns.
#[derive(Debug, Default, Clone, PartialEq)]
struct Assigned {
    r2_status: Option<String>,
    r2_ach: Option<String>,
    r3_plan: Option<String>,
    r3_status: Option<String>,
    r3_eval: Option<String>,
    guessed: bool,
}

fn nonempty(s: String) -> Option<String> {
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn join_cells(cells: &[Cell], wrap: f64) -> Option<String> {
    nonempty(
        cells
            .iter()
            .map(|c| c.text(wrap))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Character bigrams of `s`, whitespace ignored.
fn bigrams(s: &str) -> HashSet<(char, char)> {
    let cs: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    cs.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Overlap coefficient of the bigram sets of `a` and `b` (0 when either is empty).
fn overlap(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    let min = x.len().min(y.len());
    if min == 0 {
        return 0.0;
    }
    x.intersection(&y).count() as f64 / min as f64
}

/// Assigns body cells (everything between the department cell and the 取組状況
/// code, evaluation cells of the status line included) to R2 result, R2 達成度,
/// R3 plan, R3 result and evaluation. `refs` are the block's description and
/// R4+ plan, which the R3 plan usually repeats. A block without its status
/// line (`complete` false) was cut off, so its cells are read from the front.
fn assign(cells: &[Cell], wrap: f64, refs: &[&str], complete: bool) -> Assigned {
    let mut a = Assigned::default();
    let texts: Vec<String>;
    match cells.iter().position(|c| c.ach) {
        Some(i) => {
            a.r2_status = join_cells(&cells[..i], wrap);
            a.r2_ach = Some(cells[i].lines.join(""));
            texts = cells[i + 1..].iter().map(|c| c.text(wrap)).collect();
            if cells[i + 1..].iter().any(|c| c.ach) {
                a.guessed = true;
            }
        }
        None => {
            // No R2 達成度: the last three cells are R3 plan, result and
            // evaluation, and anything before them the R2 result. With exactly
            // three cells, either the R2 columns are empty (plan, result,
            // evaluation) or 達成度 and a blank line are missing (R2 result,
            // plan, result+evaluation): the plan is the cell that repeats the
            // description or the R4+ plan more.
            let n = cells.len();
            let sim = |c: &Cell| {
                let t = c.text(wrap);
                refs.iter().map(|r| overlap(&t, r)).fold(0.0, f64::max)
            };
            let keep = if !complete {
                n.min(1)
            } else if n == 3 && sim(&cells[1]) > sim(&cells[0]) {
                1
            } else {
                n.saturating_sub(3)
            };
            a.r2_status = join_cells(&cells[..keep], wrap);
            texts = cells[keep..].iter().map(|c| c.text(wrap)).collect();
            if !(3..=4).contains(&n) {
                a.guessed = true;
            }
        }
    }
    let mut texts: Vec<String> = texts.into_iter().filter(|t| !t.is_empty()).collect();
    if texts.len() == 2 {
        // A blank line between two cells may be missing: split the first
        // cell that has a real line break at that break.
        if let Some(i) = texts.iter().position(|t| t.contains('\n')) {
            let t = texts.remove(i);
            let (x, y) = t.split_once('\n').unwrap_or((&t, ""));
            texts.insert(i, y.trim().to_string());
            texts.insert(i, x.trim().to_string());
            a.guessed = true;
        }
    }
    match texts.len() {
        0 => {}
        1 => {
            a.r3_plan = nonempty(texts[0].clone());
            a.guessed = true;
        }
        2 => {
            a.r3_plan = nonempty(texts[0].clone());
            a.r3_status = nonempty(texts[1].clone());
        }
        n => {
            a.r3_plan = nonempty(texts[0].clone());
            a.r3_status = nonempty(texts[1..n - 1].join("\n"));
            a.r3_eval = nonempty(texts[n - 1].clone());
            if n > 3 {
                a.guessed = true;
            }
        }
    }
    a
}

// ---------------------------------------------------------------------------
// The parser

struct Block {
    anchor: Option<usize>,
    status: Option<usize>,
}

/// What the text after a block (up to the next one) still owes the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owed {
    /// Nothing: no block yet, or the next plan was on the status line.
    Nothing,
    /// The R4+ plan paragraph.
    Plan,
    /// The body cells (the block has no status line).
    Body,
}

/// A measure under construction.
struct Draft {
    title: String,
    title_line: usize,
    first_line: usize,
    last_line: usize,
    content: String,
    anchor: Option<Anchor>,
    status: Option<Status>,
    cells: Vec<Cell>,
    next_plan: Vec<String>,
    path: Vec<String>,
    flags: Vec<String>,
}

struct Parser<'a, 'l> {
    doc: &'a Document<'a>,
    ledger: &'l mut Ledger,
    wrap: f64,
    kinds: Vec<Kind>,
    anchors: Vec<Anchor>,
    statuses: Vec<Status>,
    years: [(String, u16); 2],
    pillar: Option<String>,
    warned_no_pillar: bool,
}

impl<'a, 'l> Parser<'a, 'l> {
    fn new(doc: &'a Document<'a>, ledger: &'l mut Ledger, wrap: f64) -> Self {
        Parser {
            doc,
            ledger,
            wrap,
            kinds: Vec::new(),
            anchors: Vec::new(),
            statuses: Vec::new(),
            years: [("R2".into(), 2020), ("R3".into(), 2021)],
            pillar: None,
            warned_no_pillar: false,
        }
    }

    fn n(&self) -> usize {
        self.doc.lines.len()
    }

    /// Line `n` (1-based); empty outside the document.
    fn line(&self, n: usize) -> &'a str {
        if n >= 1 && n <= self.doc.lines.len() {
            self.doc.lines[n - 1]
        } else {
            ""
        }
    }

    fn kind(&self, n: usize) -> Kind {
        if n >= 1 && n <= self.kinds.len() {
            self.kinds[n - 1]
        } else {
            Kind::Blank
        }
    }

    fn set_kind(&mut self, n: usize, k: Kind) {
        if n >= 1 && n <= self.kinds.len() {
            self.kinds[n - 1] = k;
        }
    }

    fn run(&mut self) -> Vec<Measure> {
        self.classify();
        self.find_years();
        let blocks = self.blocks();
        if blocks.is_empty() {
            let first = (1..=self.n())
                .find(|&n| self.kind(n) != Kind::Blank && self.kind(n) != Kind::Header)
                .unwrap_or(1);
            self.ledger.warn(
                first,
                WarningCode::NoMeasures,
                "施策のまとまりが見つかりません: ページ・部局の行（`18 市民部 …`）も取組状況の行（`ア　実施済 100 %`）もありません",
            );
            return Vec::new();
        }
        self.build(&blocks)
    }

    /// Marks headers, pillar headings, status lines and department anchors.
    fn classify(&mut self) {
        let n = self.n();
        self.kinds = (1..=n)
            .map(|i| {
                if self.line(i).trim().is_empty() {
                    Kind::Blank
                } else {
                    Kind::Text
                }
            })
            .collect();
        // Page-break headers.
        let mut i = 1;
        while i <= n {
            let t = self.line(i).trim();
            if self.kind(i) == Kind::Text && is_header_start(t) {
                let end = (i + 1..=n.min(i + HEADER_MAX_LINES))
                    .find(|&j| is_header_end(self.line(j).trim()));
                match end {
                    Some(e) => {
                        for j in i..=e {
                            if self.kind(j) == Kind::Text {
                                self.set_kind(j, Kind::Header);
                            }
                        }
                        i = e + 1;
                        continue;
                    }
                    None => {
                        self.set_kind(i, Kind::Header);
                        self.ledger.warn(
                            i,
                            WarningCode::BlockUnclosed,
                            format!(
                                "ページの見出し `{}` のあと{HEADER_MAX_LINES}行以内に締めの行 `今後（…）の実施計画` がありません: この行だけを読み飛ばしました",
                                short(t, 20)
                            ),
                        );
                    }
                }
            } else if self.kind(i) == Kind::Text && is_header_fragment(t) {
                self.set_kind(i, Kind::Header);
            }
            i += 1;
        }
        // Pillar headings, with their wrapped second line.
        for i in 1..=n {
            if self.kind(i) != Kind::Text || !is_pillar(self.line(i)) {
                continue;
            }
            self.set_kind(i, Kind::Pillar);
            let next = self.line(i + 1).trim();
            if self.kind(i + 1) == Kind::Text
                && width(self.line(i).trim()) >= 14.0
                && next.chars().count() <= 10
                && !next.contains('。')
                && !is_pillar(next)
                && matches!(self.kind(i + 2), Kind::Blank | Kind::Header)
            {
                self.set_kind(i + 1, Kind::PillarCont);
            }
        }
        // Status lines.
        for i in 1..=n {
            if self.kind(i) == Kind::Text
                && let Some(s) = parse_status(self.line(i), i)
            {
                self.set_kind(i, Kind::Status);
                self.statuses.push(s);
            }
        }
        // Department anchors.
        let mut i = 1;
        while i <= n {
            if self.kind(i) == Kind::Text
                && let Some(a) = self.detect_anchor(i)
            {
                for j in a.first..=a.last {
                    if self.kind(j) == Kind::Text {
                        self.set_kind(j, Kind::Anchor);
                    }
                }
                i = a.last + 1;
                self.anchors.push(a);
                continue;
            }
            i += 1;
        }
    }

    /// Report years from the header (`令和２年度実施状況 … 令和３年度実施状況`).
    fn find_years(&mut self) {
        let mut found: Vec<(String, u16)> = Vec::new();
        for i in 1..=self.n() {
            if self.kind(i) != Kind::Header {
                continue;
            }
            let line = self.line(i);
            for (pos, _) in line.match_indices("令和") {
                let rest = &line[pos..];
                if let Some(end) = rest.find("年度実施状況") {
                    let label = &rest[..end + "年度".len()];
                    if label.chars().count() <= 6
                        && let Some(fy) = fiscal_year(label)
                        && !found.contains(&fy)
                    {
                        found.push(fy);
                    }
                }
            }
        }
        match found.len() {
            0 => {
                if !self.statuses.is_empty() || !self.anchors.is_empty() {
                    self.ledger.warn(
                        1,
                        WarningCode::YearsAssumed,
                        "報告の年度を示す見出し（`令和２年度実施状況`）がありません: R2 と R3 とみなします",
                    );
                }
            }
            1 => {
                let (_, y) = found[0].clone();
                let n = y.saturating_sub(2018) + 1;
                self.years = [found[0].clone(), (format!("R{n}"), y + 1)];
            }
            _ => self.years = [found[0].clone(), found[1].clone()],
        }
    }

    /// The department cell starting at line `i`, in any of its forms (T003-5).
    fn detect_anchor(&self, i: usize) -> Option<Anchor> {
        let toks = tokens(self.line(i));
        // Page alone, department lines below.
        if toks.len() == 1 && is_page(&toks[0]) {
            let j = (i + 1..=i + 3).find(|&j| self.kind(j) != Kind::Blank)?;
            if self.kind(j) != Kind::Text || !is_dept_list(self.line(j).trim()) {
                return None;
            }
            let mut a = Anchor {
                first: i,
                last: i,
                page: Some(toks[0].clone()),
                ..Default::default()
            };
            self.continue_cell(&mut a, j);
            return Some(a);
        }
        for (k, tok) in toks.iter().enumerate() {
            if !is_dept_list(tok) {
                continue;
            }
            let has_page = k >= 1 && is_page(&toks[k - 1]);
            let next_is_section = toks.get(k + 1).is_some_and(|t| is_section(t));
            if !(has_page || (k == 0 && next_is_section)) {
                continue;
            }
            let mut a = Anchor {
                first: i,
                last: i,
                page: has_page.then(|| toks[k - 1].clone()),
                depts_raw: tok.clone(),
                pre: toks[..k - usize::from(has_page)].to_vec(),
                ..Default::default()
            };
            if next_is_section {
                a.sects_raw = toks[k + 1].clone();
                a.rest = toks[k + 2..].to_vec();
            } else {
                a.rest = toks[k + 1..].to_vec();
            }
            let incomplete = a.depts_raw.ends_with('・')
                || a.sects_raw.is_empty()
                || a.sects_raw.ends_with('・');
            if a.rest.is_empty() && incomplete {
                self.continue_cell(&mut a, i + 1);
            }
            return Some(a);
        }
        None
    }

    /// Reads department and section lines below the anchor line: departments
    /// split at `・` over several lines, then (after an optional blank) the
    /// sections, possibly wrapped mid-word (L1548–1550).
    fn continue_cell(&self, a: &mut Anchor, start: usize) {
        let mut dept_phase = a.depts_raw.is_empty() || a.depts_raw.ends_with('・');
        let mut prev_blank = false;
        let mut blanks = 0;
        let mut j = start;
        while j <= self.n() {
            match self.kind(j) {
                Kind::Blank => {
                    if !a.sects_raw.is_empty() && !a.sects_raw.ends_with('・') {
                        break;
                    }
                    blanks += 1;
                    if blanks > 2 {
                        break;
                    }
                    prev_blank = true;
                    j += 1;
                    continue;
                }
                Kind::Text => {}
                _ => break,
            }
            let t = self.line(j).trim();
            if !is_fragment(t) {
                break;
            }
            if dept_phase {
                if is_dept_list(t) || (a.depts_raw.ends_with('・') && !prev_blank) {
                    a.depts_raw.push_str(t);
                    a.last = j;
                    dept_phase = t.ends_with('・');
                    prev_blank = false;
                    blanks = 0;
                    j += 1;
                    continue;
                }
                dept_phase = false;
            }
            if !a.sects_raw.is_empty() && !a.sects_raw.ends_with('・') {
                // Only a name wrapped mid-word continues without `・`.
                let wrapped_mid_word = !prev_blank
                    && t.chars().count() <= 12
                    && !NAME_SUFFIXES.iter().any(|s| a.sects_raw.ends_with(s));
                if !wrapped_mid_word {
                    break;
                }
            }
            if a.depts_raw.is_empty() {
                break;
            }
            a.sects_raw.push_str(t);
            a.last = j;
            prev_blank = false;
            blanks = 0;
            j += 1;
        }
    }

    /// Pairs anchors with status lines in document order.
    fn blocks(&self) -> Vec<Block> {
        let mut events: Vec<(usize, bool, usize)> = Vec::new();
        for (i, a) in self.anchors.iter().enumerate() {
            events.push((a.first, true, i));
        }
        for (i, s) in self.statuses.iter().enumerate() {
            events.push((s.line, false, i));
        }
        events.sort();
        let mut blocks: Vec<Block> = Vec::new();
        for (_, is_anchor, i) in events {
            if is_anchor {
                blocks.push(Block {
                    anchor: Some(i),
                    status: None,
                });
            } else {
                match blocks.last_mut() {
                    Some(b) if b.status.is_none() => b.status = Some(i),
                    _ => blocks.push(Block {
                        anchor: None,
                        status: Some(i),
                    }),
                }
            }
        }
        blocks
    }

    fn core_start(&self, b: &Block) -> usize {
        match (b.anchor, b.status) {
            (Some(a), _) => self.anchors[a].first,
            (None, Some(s)) => self.statuses[s].line,
            (None, None) => 0,
        }
    }

    fn core_end(&self, b: &Block) -> usize {
        match (b.status, b.anchor) {
            (Some(s), _) => self.statuses[s].line,
            (None, Some(a)) => self.anchors[a].last,
            (None, None) => 0,
        }
    }

    /// Paragraphs and headings of lines `from..=to`; header lines are skipped.
    fn gap_items(&mut self, from: usize, to: usize) -> Vec<GapItem> {
        let mut items: Vec<GapItem> = Vec::new();
        let mut cur: Option<Para> = None;
        let mut j = from;
        while j <= to {
            match self.kind(j) {
                Kind::Text | Kind::Anchor | Kind::Status => {
                    let line = self.line(j).to_string();
                    match cur.as_mut() {
                        Some(p) => p.lines.push((j, line)),
                        None => {
                            cur = Some(Para {
                                lines: vec![(j, line)],
                                attached: j == from,
                            })
                        }
                    }
                }
                k => {
                    if let Some(p) = cur.take() {
                        items.push(GapItem::Para(p));
                    }
                    match k {
                        Kind::Header => self.ledger.skip(j, j, SpanKind::Header),
                        Kind::Pillar => {
                            let mut ls = vec![self.line(j)];
                            self.ledger.use_lines(j, j);
                            while self.kind(j + 1) == Kind::PillarCont && j < to {
                                j += 1;
                                ls.push(self.line(j));
                                self.ledger.use_lines(j, j);
                            }
                            items.push(GapItem::Pillar {
                                text: join_name(&ls),
                            });
                        }
                        Kind::PillarCont => {
                            // A continuation line whose heading was not in this gap.
                            self.ledger.use_lines(j, j);
                        }
                        _ => {}
                    }
                }
            }
            j += 1;
        }
        if let Some(p) = cur.take() {
            items.push(GapItem::Para(p));
        }
        items
    }

    fn owed(&self, b: Option<&Block>) -> Owed {
        match b {
            None => Owed::Nothing,
            Some(b) => match b.status {
                None => Owed::Body,
                Some(s) if !self.statuses[s].suffix.is_empty() => Owed::Nothing,
                Some(_) => Owed::Plan,
            },
        }
    }

    fn build(&mut self, blocks: &[Block]) -> Vec<Measure> {
        let mut drafts: Vec<Draft> = Vec::new();
        for k in 0..=blocks.len() {
            let prev = k.checked_sub(1).map(|p| &blocks[p]);
            let next = blocks.get(k);
            let from = prev.map_or(1, |b| self.core_end(b) + 1);
            let to = next.map_or(self.n(), |b| self.core_start(b).saturating_sub(1));
            let items = self.gap_items(from, to);
            let owed = self.owed(prev);

            // Split the gap into the previous block's tail and the next block's head.
            let last_pillar = items
                .iter()
                .rposition(|it| matches!(it, GapItem::Pillar { .. }));
            let mut paras: Vec<Para> = Vec::new();
            let mut head_by_pillar: Option<usize> = None;
            let mut new_pillar: Option<String> = None;
            for (idx, it) in items.into_iter().enumerate() {
                match it {
                    GapItem::Para(p) => paras.push(p),
                    GapItem::Pillar { text } => {
                        if Some(idx) == last_pillar {
                            head_by_pillar = Some(paras.len());
                            new_pillar = Some(text);
                        }
                    }
                }
            }
            let next_anchor = next.and_then(|b| b.anchor).map(|a| self.anchors[a].clone());
            // A single cell before the page on the anchor line belongs to the head paragraphs.
            if let Some(a) = &next_anchor
                && a.pre.len() == 1
            {
                let line = (a.first, a.pre[0].clone());
                match paras.last_mut() {
                    Some(p) if p.lines.last().is_some_and(|l| l.0 + 1 == a.first) => {
                        p.lines.push(line)
                    }
                    _ => paras.push(Para {
                        lines: vec![line],
                        attached: a.first == from,
                    }),
                }
            }
            let title_on_anchor = next_anchor.as_ref().is_some_and(|a| a.pre.len() >= 2);
            let m = paras.len();
            let head_len = if let Some(h) = head_by_pillar {
                h
            } else {
                match next {
                    Some(b) if b.anchor.is_some() => {
                        if title_on_anchor {
                            m
                        } else if m == 0 {
                            0
                        } else {
                            let two = m >= 2
                                && paras[m - 2].title_like()
                                && !(m == 2 && owed == Owed::Plan && paras[0].attached);
                            m - if two { 2 } else { 1 }
                        }
                    }
                    Some(_) => match owed {
                        Owed::Plan if m >= 2 && (paras[0].attached || m >= 3) => 1,
                        _ => 0,
                    },
                    None => match owed {
                        Owed::Nothing => 0,
                        Owed::Plan => m.min(1),
                        Owed::Body => m,
                    },
                }
            };
            let head_len = head_len.min(m);
            let tail: Vec<Para> = paras.split_off(head_len);
            let head = paras;

            // The previous block's tail.
            if let Some(d) = drafts.last_mut() {
                self.finish_tail(d, owed, &head);
            } else if !head.is_empty() {
                // Text before the first block: left unclassified (the ledger warns).
            }
            if let Some(p) = new_pillar {
                self.pillar = Some(p);
            }

            // The next block's head.
            match next {
                Some(b) => {
                    let d = self.start_block(b, tail, title_on_anchor);
                    drafts.push(d);
                }
                None => {
                    if !tail.is_empty() {
                        let d = self.truncated_block(tail);
                        drafts.push(d);
                    }
                }
            }
        }
        drafts.into_iter().map(|d| self.finish(d)).collect()
    }

    fn use_para(&mut self, p: &Para) {
        for (n, _) in &p.lines {
            self.ledger.use_lines(*n, *n);
        }
    }

    fn finish_tail(&mut self, d: &mut Draft, owed: Owed, head: &[Para]) {
        for p in head {
            self.use_para(p);
            if let Some(l) = p.lines.last() {
                d.last_line = d.last_line.max(l.0);
            }
        }
        match owed {
            Owed::Body => {
                let mut items: Vec<Option<&str>> = Vec::new();
                for p in head {
                    items.push(None);
                    items.extend(p.lines.iter().map(|l| Some(l.1.as_str())));
                }
                build_cells(&items, &mut d.cells);
            }
            Owed::Plan | Owed::Nothing => {
                if owed == Owed::Nothing && !head.is_empty() {
                    self.ledger.warn(
                        head[0].first(),
                        WarningCode::UnexpectedText,
                        format!(
                            "「{}」の取組状況の行のあとに想定外の文があります（今後の計画はその行にすでにありました）: 今後の計画の続きとして読みます",
                            d.title
                        ),
                    );
                    d.flags.push("cells-guessed".into());
                }
                for p in head {
                    let t = join_lines(&p.texts(), self.wrap);
                    if !t.is_empty() {
                        d.next_plan.push(t);
                    }
                }
            }
        }
    }

    fn current_path(&mut self, line: usize) -> Vec<String> {
        match &self.pillar {
            Some(p) => vec![p.clone()],
            None => {
                if !self.warned_no_pillar {
                    self.warned_no_pillar = true;
                    self.ledger.warn(
                        line,
                        WarningCode::OutsideHeading,
                        "基本施策の見出しより前の施策です: 体系（path）は空になります",
                    );
                }
                Vec::new()
            }
        }
    }

    /// Title and description from the paragraphs before a department cell.
    fn title_and_content(&mut self, tail: &[Para]) -> (String, usize, String, Vec<Para>) {
        match tail {
            [] => (String::new(), 0, String::new(), Vec::new()),
            [t, d, rest @ ..] if t.title_like() => {
                self.use_para(t);
                self.use_para(d);
                (
                    join_name(&t.texts()),
                    t.first(),
                    join_lines(&d.texts(), self.wrap),
                    rest.to_vec(),
                )
            }
            [p, rest @ ..] => {
                self.use_para(p);
                let texts = p.texts();
                let title = join_name(&texts[..1]);
                let content = join_lines(&texts[1..], self.wrap);
                (title, p.first(), content, rest.to_vec())
            }
        }
    }

    fn start_block(&mut self, b: &Block, tail: Vec<Para>, title_on_anchor: bool) -> Draft {
        let anchor = b.anchor.map(|a| self.anchors[a].clone());
        let status = b.status.map(|s| self.statuses[s].clone());
        let mut flags: Vec<String> = Vec::new();
        let mut cells: Vec<Cell> = Vec::new();
        let (title, title_line, mut content, extra) =
            if let (Some(a), true) = (&anchor, title_on_anchor) {
                (a.pre[0].clone(), a.first, a.pre[1..].join(" "), Vec::new())
            } else {
                self.title_and_content(&tail)
            };
        let core = self.core_start(b);
        if anchor.is_some() && !extra.is_empty() {
            // More paragraphs than title + description after a heading: keep
            // them as more description.
            self.ledger.warn(
                extra[0].first(),
                WarningCode::UnexpectedText,
                format!(
                    "「{}」: 部局の行の前に説明の段落が複数あります: 説明の続きとして読みます",
                    short(&title, 30)
                ),
            );
            for p in &extra {
                self.use_para(p);
                let t = join_lines(&p.texts(), self.wrap);
                if !t.is_empty() {
                    if !content.is_empty() {
                        content.push('\n');
                    }
                    content.push_str(&t);
                }
            }
        }
        // Body cells between the anchor and the status line.
        if let Some(a) = &anchor {
            for j in a.first..=a.last {
                if self.kind(j) != Kind::Blank {
                    self.ledger.use_lines(j, j);
                }
            }
            cells.extend(token_cells(&a.rest));
            if let Some(s) = &status {
                let mut items: Vec<Option<&str>> = vec![None];
                for j in a.last + 1..s.line {
                    match self.kind(j) {
                        Kind::Blank => items.push(None),
                        Kind::Header => {
                            self.ledger.skip(j, j, SpanKind::Header);
                            items.push(None);
                        }
                        Kind::Pillar | Kind::PillarCont => {
                            self.ledger.use_lines(j, j);
                            self.ledger.warn(
                                j,
                                WarningCode::UnexpectedText,
                                "施策のまとまりの中（部局の行と取組状況の行の間）に基本施策の見出しがあります: 本文として読みます",
                            );
                            items.push(Some(self.line(j)));
                        }
                        _ => {
                            self.ledger.use_lines(j, j);
                            items.push(Some(self.line(j)));
                        }
                    }
                }
                build_cells(&items, &mut cells);
            }
        } else {
            // No department line: the body is in the paragraphs after the description.
            let mut items: Vec<Option<&str>> = Vec::new();
            for p in &extra {
                self.use_para(p);
                items.push(None);
                items.extend(p.lines.iter().map(|l| Some(l.1.as_str())));
            }
            build_cells(&items, &mut cells);
        }
        if let Some(s) = &status {
            self.ledger.use_lines(s.line, s.line);
            cells.extend(token_cells(&s.prefix));
        }
        let title_line = if title_line == 0 { core } else { title_line };
        if title.is_empty() {
            flags.push("no-title".into());
            self.ledger.warn(
                core,
                WarningCode::MissingTitle,
                format!("{core}行目の施策のまとまりには、部局の行の前に施策名がありません"),
            );
        }
        let path = self.current_path(title_line);
        let last_line = status
            .as_ref()
            .map_or_else(|| anchor.as_ref().map_or(core, |a| a.last), |s| s.line);
        let next_plan = status
            .as_ref()
            .filter(|s| !s.suffix.is_empty())
            .map(|s| vec![s.suffix.join(" ")])
            .unwrap_or_default();
        Draft {
            title,
            title_line,
            first_line: title_line.min(core),
            last_line,
            content,
            anchor,
            status,
            cells,
            next_plan,
            path,
            flags,
        }
    }

    /// Paragraphs after the last block that are not its next plan: a block cut
    /// off before its department line.
    fn truncated_block(&mut self, tail: Vec<Para>) -> Draft {
        let (title, title_line, content, extra) = self.title_and_content(&tail);
        let mut cells = Vec::new();
        let mut items: Vec<Option<&str>> = Vec::new();
        let mut last_line = tail
            .last()
            .and_then(|p| p.lines.last())
            .map_or(title_line, |l| l.0);
        for p in &extra {
            self.use_para(p);
            items.push(None);
            items.extend(p.lines.iter().map(|l| Some(l.1.as_str())));
            last_line = last_line.max(p.lines.last().map_or(0, |l| l.0));
        }
        build_cells(&items, &mut cells);
        let path = self.current_path(title_line);
        Draft {
            title,
            title_line,
            first_line: title_line,
            last_line,
            content,
            anchor: None,
            status: None,
            cells,
            next_plan: Vec::new(),
            path,
            flags: vec!["truncated-block".into()],
        }
    }

    fn finish(&mut self, d: Draft) -> Measure {
        let wrap = self.wrap;
        let mut flags = d.flags;
        let mut m = Measure::new(
            self.doc.plan,
            Level::Measure,
            d.title.clone(),
            Source {
                file: self.doc.file.to_string(),
                line: d.title_line,
                line_start: d.first_line.min(d.title_line),
                line_end: d.last_line.max(d.title_line),
                sheet: None,
            },
        );
        m.path = d.path;
        m.content = d.content;
        let name = short(&d.title, 30);
        if flags.iter().any(|f| f == "truncated-block") {
            self.ledger.warn(
                d.title_line,
                WarningCode::Truncated,
                format!(
                    "{0}行目のまとまり「{name}」が途中で切れています: ページ・部局の行も取組状況の行も続きません",
                    d.title_line
                ),
            );
        }
        if looks_truncated(&m.content) {
            flags.push("content-truncated".into());
            self.ledger.warn(
                d.title_line + 1,
                WarningCode::Truncated,
                format!(
                    "「{name}」の説明が文の途中で終わっています（{}）: 文が途中で切れているようです",
                    tail_chars(&m.content, 8)
                ),
            );
        }
        if m.content.is_empty() && !m.title.is_empty() {
            self.ledger.warn(
                d.title_line,
                WarningCode::MissingDescription,
                format!("「{name}」には施策名だけがあり、説明がありません"),
            );
        }
        match &d.anchor {
            Some(a) => {
                m.page = a.page.clone();
                m.departments = split_names(&a.depts_raw);
                m.sections = split_names(&a.sects_raw);
                if a.page.is_none() {
                    flags.push("no-page".into());
                    self.ledger.warn(
                        a.first,
                        WarningCode::MissingField,
                        format!(
                            "「{name}」: 計画書ページが書かれていません（部局の行は `{}` で始まります）",
                            short(self.line(a.first).trim(), 20)
                        ),
                    );
                }
                if m.sections.is_empty() {
                    self.ledger.warn(
                        a.first,
                        WarningCode::MissingField,
                        format!("「{name}」: 部局の行に担当課がありません"),
                    );
                }
            }
            None if !flags.iter().any(|f| f == "truncated-block") => {
                flags.push("no-department-line".into());
                self.ledger.warn(
                    d.title_line,
                    WarningCode::MissingField,
                    format!(
                        "{0}行目のまとまり「{name}」には、取組状況の行の前にページ・部局の行（`18 市民部 …`）がありません",
                        d.title_line
                    ),
                );
            }
            None => {}
        }
        if d.status.is_none() && !flags.iter().any(|f| f == "truncated-block") {
            flags.push("no-status-line".into());
            self.ledger.warn(
                d.title_line,
                WarningCode::MissingField,
                format!(
                    "{0}行目のまとまり「{name}」には取組状況の行（`ア　実施済 100 %`）がありません: 次のまとまりまでを読みます",
                    d.title_line
                ),
            );
        }
        let next_plan = d.next_plan.join("\n");
        let a = assign(
            &d.cells,
            wrap,
            &[&m.content, &next_plan],
            d.status.is_some(),
        );
        if a.guessed && !d.cells.is_empty() {
            flags.push("cells-guessed".into());
        }
        let [(y1, w1), (y2, w2)] = self.years.clone();
        let r2 = ProgressEntry {
            fiscal_year: y1,
            year: Some(w1),
            status: a.r2_status,
            achievement_pct: a.r2_ach.as_deref().and_then(parse_number),
            achievement: a.r2_ach,
            next_plan: a.r3_plan,
            ..Default::default()
        };
        let evaluation = match (&d.status, a.r3_eval) {
            (Some(s), Some(e)) => Some(format!("{}\n{e}", s.code)),
            (Some(s), None) => Some(s.code.clone()),
            (None, e) => e,
        };
        let ach = d.status.as_ref().and_then(|s| s.ach.clone());
        let r3 = ProgressEntry {
            fiscal_year: y2,
            year: Some(w2),
            status: a.r3_status,
            evaluation,
            achievement_pct: ach.as_deref().and_then(parse_number),
            achievement: ach,
            next_plan: nonempty(next_plan),
            ..Default::default()
        };
        for e in [r2, r3] {
            if e.status.is_some()
                || e.achievement.is_some()
                || e.next_plan.is_some()
                || e.evaluation.is_some()
            {
                m.progress.push(e);
            }
        }
        flags.dedup();
        m.flags = flags;
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Plan, PlanKind};

    fn plan() -> Plan {
        super::super::test_plan(PlanKind::SUICIDE_PREVENTION)
    }

    fn run(
        text: &str,
    ) -> (
        Vec<Measure>,
        Vec<super::super::Warning>,
        Vec<super::super::UnusedSpan>,
    ) {
        let (ms, w, u) =
            super::super::run_importer(&BlockImporter, "t.txt", text, &plan(), &toml::Table::new());
        let ms = ms.expect("imports");
        let w = w
            .into_iter()
            .filter(|w| w.code != WarningCode::YearsAssumed)
            .collect();
        (ms, w, u)
    }

    #[test]
    fn tokens_glue_achievement() {
        assert_eq!(
            tokens("ア　実施済 100 % 実施を継続"),
            ["ア　実施済", "100 %", "実施を継続"]
        );
        assert_eq!(
            tokens("　一般相談　２，３７２件"),
            ["一般相談　２，３７２件"]
        );
        assert!(is_ach("99.5 %"));
        assert!(is_ach("0%"));
        assert!(!is_ach("%"));
        assert!(!is_ach("１，４７８名"));
    }

    #[test]
    fn status_lines_and_header_fragments() {
        let s = parse_status("概ね順調に推移している。 ア　実施済 100 %", 9).unwrap();
        assert_eq!(s.prefix, ["概ね順調に推移している。"]);
        assert_eq!(s.code, "ア　実施済");
        assert_eq!(s.ach.as_deref(), Some("100 %"));
        assert!(s.suffix.is_empty());
        let s = parse_status("ア　実施済 100 % 年2回の実施", 1).unwrap();
        assert_eq!(s.suffix, ["年2回の実施"]);
        let s = parse_status("ア　実施済 -", 1).unwrap();
        assert_eq!(s.ach.as_deref(), Some("-"));
        let s = parse_status("エ　未実施 0 %", 1).unwrap();
        assert_eq!(
            (s.code.as_str(), s.ach.as_deref()),
            ("エ　未実施", Some("0 %"))
        );
        // Header form instructions are not status lines (T003-2).
        assert!(parse_status("ア　実施済,ウ", 1).is_none());
        assert!(parse_status("準備中,エ　未実", 1).is_none());
        assert!(is_header_fragment("施,"));
        assert!(is_header_fragment("ア　実施済,ウ"));
    }

    #[test]
    fn pages_departments_sections() {
        assert!(is_page("18"));
        assert!(is_page("Ｒ３追加"));
        assert!(is_page("P.45"));
        assert!(!is_page("100 %"));
        assert!(!is_page("１，３９９人"));
        assert!(is_dept_list("市民部・"));
        assert!(is_dept_list("市民部・福祉部"));
        assert!(is_dept_list("教育委員会"));
        assert!(!is_dept_list("一部"));
        assert!(!is_dept_list("母子健康センター"));
        assert_eq!(split_names("市民部・福祉部"), ["市民部", "福祉部"]);
        assert_eq!(
            split_names("長寿いきがい課・大里広域市町村圏組合"),
            ["長寿いきがい課", "大里広域市町村圏組合"]
        );
        assert_eq!(
            split_names("熊本県臨床心理 士・公認心理師協 会"),
            ["熊本県臨床心理士・公認心理師協会"]
        );
        assert_eq!(
            split_names("こころの健康セン ター・"),
            ["こころの健康センター"]
        );
        assert!(split_names("").is_empty());
    }

    #[test]
    fn joins_wrapped_lines_but_keeps_real_breaks() {
        let lines = [
            "新型コロナウイルス感染症による拡大防止のため書面",
            "開催とした。関係課（１１課）・関係団体（５か所）で市の",
            "自殺の現状と取組について、情報共有及び検討を行っ",
            "た。",
            "日時：令和３年２月１２日",
            "会議にかかる報告：令和３年３月３１日",
        ];
        assert_eq!(
            join_lines(&lines, 20.0),
            "新型コロナウイルス感染症による拡大防止のため書面開催とした。関係課（１１課）・関係団体（５か所）で市の自殺の現状と取組について、情報共有及び検討を行った。\n日時：令和３年２月１２日\n会議にかかる報告：令和３年３月３１日"
        );
        assert_eq!(
            join_lines(
                &[
                    "必要に応じて適切な支援先につないだ。",
                    "　一般相談　２，３７２件"
                ],
                20.0
            ),
            "必要に応じて適切な支援先につないだ。\n　一般相談　２，３７２件"
        );
        assert_eq!(
            join_name(&[
                "子育て世代包括支援センターを中心とした子育て支",
                "援ネットワーク"
            ]),
            "子育て世代包括支援センターを中心とした子育て支援ネットワーク"
        );
    }

    fn cells(texts: &[&[&str]]) -> Vec<Cell> {
        texts
            .iter()
            .map(|ls| Cell {
                lines: ls.iter().map(|l| l.to_string()).collect(),
                ach: ls.len() == 1 && is_ach(ls[0]),
            })
            .collect()
    }

    #[test]
    fn assigns_cells_around_the_achievement() {
        let cs = cells(&[
            &["実施した。"],
            &["100 %"],
            &["実施する。"],
            &["実施した。"],
            &["良好。"],
        ]);
        let a = assign(&cs, 20.0, &[], true);
        assert_eq!(a.r2_status.as_deref(), Some("実施した。"));
        assert_eq!(a.r2_ach.as_deref(), Some("100 %"));
        assert_eq!(a.r3_plan.as_deref(), Some("実施する。"));
        assert_eq!(a.r3_status.as_deref(), Some("実施した。"));
        assert_eq!(a.r3_eval.as_deref(), Some("良好。"));
        assert!(!a.guessed);
        // Result and evaluation without a blank between them: split at the real break.
        let cs = cells(&[
            &["100 %"],
            &["配布する。"],
            &["配布した。", "手渡しできた。"],
        ]);
        let a = assign(&cs, 20.0, &[], true);
        assert_eq!(a.r2_status, None);
        assert_eq!(a.r3_status.as_deref(), Some("配布した。"));
        assert_eq!(a.r3_eval.as_deref(), Some("手渡しできた。"));
        assert!(a.guessed);
    }

    #[test]
    fn assigns_cells_without_achievement() {
        // R2 columns empty (a measure added in R3): plan, result, evaluation.
        let cs = cells(&[
            &["相談先へつなぎます。"],
            &["相談先へつないだ。"],
            &["できた。"],
        ]);
        let a = assign(&cs, 20.0, &["相談先へつなぎます。", ""], true);
        assert_eq!(a.r2_status, None);
        assert_eq!(a.r3_plan.as_deref(), Some("相談先へつなぎます。"));
        assert_eq!(a.r3_eval.as_deref(), Some("できた。"));
        // 達成度 missing: R2 result, then the plan that repeats the next plan.
        let cs = cells(&[
            &["訪問は未実施。"],
            &["情報を共有する。"],
            &["訪問者数２０人", "令和３年度は実施した。"],
        ]);
        let a = assign(&cs, 20.0, &["情報を共有します。", "情報を共有する。"], true);
        assert_eq!(a.r2_status.as_deref(), Some("訪問は未実施。"));
        assert_eq!(a.r3_plan.as_deref(), Some("情報を共有する。"));
        assert_eq!(a.r3_status.as_deref(), Some("訪問者数２０人"));
        assert_eq!(a.r3_eval.as_deref(), Some("令和３年度は実施した。"));
        // A cut block: read from the front.
        let cs = cells(&[&["開催した。"]]);
        let a = assign(&cs, 20.0, &[], false);
        assert_eq!(a.r2_status.as_deref(), Some("開催した。"));
        assert_eq!(a.r3_plan, None);
        let a = assign(&[], 20.0, &[], true);
        assert!(a.r2_status.is_none() && a.r3_plan.is_none() && a.r3_eval.is_none());
    }

    const SAMPLE: &str = " 計画における項目 令和２年度実施状況 令和３年度実施状況
今後（令和４年度以降）の実施計画
基本施策１　地域におけるネットワークの
強化

地域ケア会議
市と地域包括支援センターが連携・協働し、地域ケア
会議の円滑な実施に向けた環境を整備します。

19 福祉部 長寿いきがい課
中央型地域ケア会議：２回

100 %
中央型地域ケア会議：４回

中央型地域ケア会議：４回

概ね順調に推移している。 ア　実施済 100 %
中央型地域ケア会議：４回

見守りネットワーク

生活関連業者と連携し、業務中に訪問した世帯の異変
を発見した場合は、行政窓口に連絡してもらいます。

19
福祉部・
市民部

生活福祉課・
熊谷保健
センター

生活関連業者と連携し、連絡してもらった。

0 %
連絡してもらいます。

連絡してもらった。

非接触型での対応を行った。

エ　未実施 0 % 実施を継続
";

    #[test]
    fn synthetic_blocks() {
        let (ms, w, u) = run(SAMPLE);
        assert!(u.iter().all(|s| s.kind == SpanKind::Header), "{u:?}");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(ms.len(), 2);
        let a = &ms[0];
        assert_eq!(a.title, "地域ケア会議");
        assert_eq!(a.source.line, 6);
        assert_eq!(a.path, ["基本施策１　地域におけるネットワークの強化"]);
        assert_eq!(a.page.as_deref(), Some("19"));
        assert_eq!(a.departments, ["福祉部"]);
        assert_eq!(a.sections, ["長寿いきがい課"]);
        assert_eq!(a.progress.len(), 2);
        assert_eq!(
            a.progress[0].status.as_deref(),
            Some("中央型地域ケア会議：２回")
        );
        assert_eq!(a.progress[0].achievement_pct, Some(100.0));
        assert_eq!(
            a.progress[1].evaluation.as_deref(),
            Some("ア　実施済\n概ね順調に推移している。")
        );
        assert_eq!(
            a.progress[1].next_plan.as_deref(),
            Some("中央型地域ケア会議：４回")
        );
        let b = &ms[1];
        assert_eq!(b.title, "見守りネットワーク");
        assert_eq!(b.departments, ["福祉部", "市民部"]);
        assert_eq!(b.sections, ["生活福祉課", "熊谷保健センター"]);
        assert_eq!(b.progress[0].achievement.as_deref(), Some("0 %"));
        assert_eq!(b.progress[1].status.as_deref(), Some("連絡してもらった。"));
        assert_eq!(b.progress[1].next_plan.as_deref(), Some("実施を継続"));
        assert_eq!(b.progress[1].achievement_pct, Some(0.0));
    }

    #[test]
    fn blank_and_garbage_input_do_not_panic() {
        let (ms, w, _) = run("\n\n   \n\u{3000}\n");
        assert!(ms.is_empty());
        assert_eq!(w.len(), 1);
        assert!(w[0].code == WarningCode::NoMeasures);

        let (ms, w, u) = run("ア\n%\n 100 %\n,,,\n１\n部\n\u{3000}ア　\n漢字。");
        assert!(ms.is_empty());
        assert!(w.iter().any(|w| w.code == WarningCode::NoMeasures));
        assert!(!u.is_empty());
    }

    #[test]
    fn truncated_block_is_kept_and_warned() {
        // Cut after the description of the second block.
        let text = "地域ケア会議
会議の円滑な実施に向けた環境を整備します。

19 福祉部 長寿いきがい課
２回

100 %
４回

４回

順調。 ア　実施済 100 % 継続

見守りネットワーク
生活関連業者と連携し、業務中に訪問した世帯の異変
";
        let (ms, w, u) = run(text);
        assert!(u.is_empty(), "{u:?}");
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[1].title, "見守りネットワーク");
        assert_eq!(ms[1].source.line, 14);
        assert!(ms[1].flags.contains(&"truncated-block".to_string()));
        assert!(
            w.iter()
                .any(|w| w.line == 14 && w.code == WarningCode::Truncated)
        );
        // No pillar heading at all: warned once.
        assert!(w.iter().any(|w| w.code == WarningCode::OutsideHeading));
    }

    #[test]
    fn block_without_department_line_is_warned() {
        let text = "基本施策１　連携

地域ケア会議
会議の円滑な実施に向けた環境を整備します。

２回

100 %
４回

４回

順調。 ア　実施済 100 % 継続
";
        let (ms, w, u) = run(text);
        assert!(u.is_empty(), "{u:?}");
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].title, "地域ケア会議");
        assert!(ms[0].departments.is_empty());
        assert!(ms[0].flags.contains(&"no-department-line".to_string()));
        assert!(w.iter().any(|w| w.line == 3
            && w.code == WarningCode::MissingField
            && w.message.contains("ページ・部局の行")));
    }

    #[test]
    fn block_without_status_line_is_warned() {
        let text = "基本施策１　連携

地域ケア会議
会議の円滑な実施に向けた環境を整備します。

19 福祉部 長寿いきがい課
２回

100 %

見守りネットワーク
生活関連業者と連携します。

19 福祉部 生活福祉課
連絡した。

100 %
連絡します。

連絡した。

良好。 ア　実施済 100 %
";
        let (ms, w, u) = run(text);
        assert!(u.is_empty(), "{u:?}");
        assert_eq!(ms.len(), 2);
        assert!(ms[0].flags.contains(&"no-status-line".to_string()));
        assert!(w.iter().any(|w| w.line == 3
            && w.code == WarningCode::MissingField
            && w.message.contains("取組状況の行")));
        assert_eq!(ms[0].progress[0].status.as_deref(), Some("２回"));
        assert_eq!(ms[1].title, "見守りネットワーク");
        assert_eq!(ms[1].source.line, 11);
    }

    #[test]
    fn extra_description_paragraph_is_kept_and_warned() {
        let text = "基本施策１　連携

地域ケア会議

会議の円滑な実施に向けた環境を整備します。

関係機関と連携します。

19 福祉部 長寿いきがい課
２回

100 %
４回

４回

順調。 ア　実施済 100 % 継続
";
        let (ms, w, u) = run(text);
        assert!(u.is_empty(), "{u:?}");
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].title, "地域ケア会議");
        assert_eq!(
            ms[0].content,
            "会議の円滑な実施に向けた環境を整備します。\n関係機関と連携します。"
        );
        assert!(w.iter().any(|w| w.line == 7
            && w.code == WarningCode::UnexpectedText
            && w.message.contains("説明の段落が複数")));
    }

    #[test]
    fn bad_options_are_an_error_naming_the_file() {
        let plan = plan();
        for opts in ["wrap_width = -1.0", "wrap_width = \"x\"", "colums = 3"] {
            let opts: toml::Table = opts.parse().unwrap();
            let doc = Document::new("bad.txt", "18 市民部 課", &plan, &opts);
            let mut ledger = Ledger::new("bad.txt", &doc.lines);
            let err = BlockImporter.import(&doc, &mut ledger).unwrap_err();
            assert_eq!(err.file, "bad.txt");
            assert!(err.message.contains("options"), "{err}");
        }
        let opts: toml::Table = "wrap_width = 30.0".parse().unwrap();
        let doc = Document::new("ok.txt", "x", &plan, &opts);
        let mut ledger = Ledger::new("ok.txt", &doc.lines);
        assert!(BlockImporter.import(&doc, &mut ledger).is_ok());
    }

    #[test]
    fn other_status_words() {
        let s = parse_status("イ　一部実施 50 % 継続する。", 3).unwrap();
        assert_eq!(s.code, "イ　一部実施");
        assert_eq!(s.ach.as_deref(), Some("50 %"));
        assert_eq!(s.suffix, ["継続する。"]);
        let s = parse_status("オ　その他", 3).unwrap();
        assert_eq!((s.ach, s.suffix.len()), (None, 0));
        // `オ　その他　から` (header text) has a second U+3000: not a status.
        assert!(parse_status("オ　その他　から", 1).is_none());
        assert!(parse_status("カ　実施済 100 %", 1).is_none());
    }

    #[test]
    fn odd_slices_do_not_panic() {
        for text in [
            "18",
            "18\n市民部・",
            "18\n市民部・\n\n",
            "18 市民部",
            "建設部 営繕課",
            "ア　実施済 100 %",
            "ア　実施済 100 % 継続\nア　実施済",
            "取組状況\nア　実施済,ウ",
            "基本施策１　地域の\n強化",
            "タイトル 説明です。 23 市民部 熊谷保健センター",
            "𠮷野家 100 % 𠮷\n\n\n",
        ] {
            let _ = run(text);
        }
    }
}
