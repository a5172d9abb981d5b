//! One `事業名等 / 事業概要` sub-table of a `(主な事業や取組)` list.
//!
//! Each 事業 is printed as a block of rows: its name and 事業概要, the legend
//! `事業の実施主体「◎」 連携・協力団体「○」`, the body header
//! (`市 市社協 民生委員 校区社協 地域団体等 地域住民`), the marks row and
//! an optional unit (主な活動の単位). The PDF extraction broke that layout in
//! ways this module has to undo (DOCUMENT_TRAPS T004-5…T004-11):
//!
//! - names drift away from their descriptions (a name stands on the marks row
//!   of the previous 事業) and repeat on consecutive rows: names and
//!   descriptions are read as two separate sequences; consecutive repeats of
//!   a name are one name; the two sequences are paired **by order**, allowing
//!   a name without a description. Which names go without one is decided by
//!   a small alignment that prefers pairs whose texts share words
//!   (character bigrams of the name found in the description), then pairing
//!   in order, then closeness in lines;
//! - descriptions may stand in the name column (recognised by `。`), a row
//!   may hold two descriptions (both are kept, in order) or the same one twice
//!   (read once); `<p>` tags are stripped;
//! - the body marks belong to the body header row above them; a header row
//!   (with its marks and unit) belongs to the description printed before it,
//!   or, when there is none, to the next name that has no description;
//! - the first mark often falls into the name column (see [`read_bodies`]),
//!   and units are recognised by their vocabulary wherever they stand (on the
//!   header row, the marks row, the next row, glued to `主な活動の単位`).

use crate::ingest::WarningCode;
use crate::ingest::text::{fold_key, join_wrapped, squash_spaces};
use crate::model::{Body, BodyRole};

/// The implementing bodies, in the order of the body header.
pub const BODIES: [&str; 6] = [
    "市",
    "市社協",
    "民生委員",
    "校区社協",
    "地域団体等",
    "地域住民",
];

const UNIT_LABEL: &str = "主な活動の単位";

/// One row of a sub-table: its line and its cells (whitespace-squashed).
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    pub fn new(line: usize, text: &str) -> Row {
        Row {
            line,
            cells: text.split('\t').map(squash_spaces).collect(),
        }
    }
}

/// What one cell holds.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Mark(BodyRole),
    /// One of [`BODIES`], by index.
    BodyName(usize),
    Legend,
    /// `主な活動の単位` (or a truncated prefix of it), possibly glued to a unit.
    UnitLabel(Option<String>),
    Unit(String),
    Text(String),
}

/// The activity unit a cell names, normalized (`町内自治会 隣近所` →
/// `町内自治会・隣近所`), or `None` when the cell is not a unit.
pub fn activity_unit(cell: &str) -> Option<String> {
    let key = fold_key(cell);
    let known = [
        "市内全域",
        "市全域",
        "各区",
        "小学校区",
        "校区",
        "町内自治会・隣近所",
        "町内自治会",
        "隣近所",
        "日常生活圏域(地域包括ケア圏域)",
        "日常生活圏域",
    ];
    if key == "町内自治会隣近所" {
        return Some("町内自治会・隣近所".to_string());
    }
    known.contains(&key.as_str()).then(|| squash_spaces(cell))
}

fn classify(cell: &str, index: usize) -> Cell {
    let s = cell.trim();
    if s.is_empty() {
        return Cell::Empty;
    }
    match s {
        "◎" => return Cell::Mark(BodyRole::Lead),
        "○" | "〇" | "◯" => return Cell::Mark(BodyRole::Partner),
        _ => {}
    }
    if let Some(i) = BODIES.iter().position(|b| *b == s) {
        return Cell::BodyName(i);
    }
    if s.starts_with("事業の実施主体") {
        return Cell::Legend;
    }
    if let Some(rest) = s.strip_prefix(UNIT_LABEL) {
        let rest = rest.trim();
        return Cell::UnitLabel(activity_unit(rest));
    }
    if index > 0 && UNIT_LABEL.starts_with(s) {
        // `主な`, `主な活動の単`: the label cut at the end of a line.
        return Cell::UnitLabel(None);
    }
    if let Some(u) = activity_unit(s) {
        return Cell::Unit(u);
    }
    Cell::Text(s.to_string())
}

/// True when a name-column text is really a description (T004-8).
fn is_description(s: &str) -> bool {
    s.contains('。') || s.chars().count() > 60
}

/// Removes HTML tags such as `<p>`/`</p>` (T004-10), keeping `<市民アンケート>`-like text.
pub fn strip_tags(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '<' {
            let mut j = i + 1;
            if chars.get(j) == Some(&'/') {
                j += 1;
            }
            let name_start = j;
            while chars.get(j).is_some_and(|c| c.is_ascii_alphanumeric()) {
                j += 1;
            }
            let named = j > name_start && chars[name_start].is_ascii_alphabetic();
            while chars.get(j) == Some(&' ') {
                j += 1;
            }
            if chars.get(j) == Some(&'/') {
                j += 1;
            }
            if named && chars.get(j) == Some(&'>') {
                i = j + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    squash_spaces(&out)
}

/// A project read from a sub-table.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The name cell as printed (first occurrence).
    pub raw_name: String,
    /// Title: cell-wrap spaces removed; two names in one cell keep one space.
    pub title: String,
    /// Line of the first occurrence of the name.
    pub line: usize,
    /// Description (tags stripped), empty when the document has none.
    pub content: String,
    pub bodies: Vec<Body>,
    pub activity_unit: Option<String>,
    pub flags: Vec<String>,
    /// Every line read into this project.
    pub lines: Vec<usize>,
}

/// The projects of one sub-table plus what a maintainer should know.
#[derive(Debug, Default)]
pub struct Parsed {
    pub projects: Vec<Project>,
    pub warnings: Vec<(usize, WarningCode, String)>,
}

#[derive(Debug)]
struct Name {
    text: String,
    lines: Vec<usize>,
}

#[derive(Debug)]
struct Desc {
    line: usize,
    text: String,
}

#[derive(Debug)]
struct Block {
    header_line: usize,
    /// Cell index of `市` on the header row.
    header_offset: usize,
    header_cells: usize,
    marks: Option<(usize, Vec<Cell>)>,
    unit: Option<(usize, String)>,
}

impl Block {
    fn lines(&self) -> Vec<usize> {
        let mut v = vec![self.header_line];
        v.extend(self.marks.as_ref().map(|m| m.0));
        v.extend(self.unit.as_ref().map(|u| u.0));
        v
    }
}

/// Reads the rows of one sub-table (the `事業名等` row itself excluded).
pub fn parse(rows: &[Row]) -> Parsed {
    let mut out = Parsed::default();
    let mut names: Vec<Name> = Vec::new();
    let mut descs: Vec<Desc> = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut pending_unit: Option<(usize, String)> = None;

    for row in rows {
        let cls: Vec<Cell> = row
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| classify(c, i))
            .collect();
        let body_names = cls
            .iter()
            .filter(|c| matches!(c, Cell::BodyName(_)))
            .count();
        let is_header = body_names >= 3;
        let has_marks = cls.iter().any(|c| matches!(c, Cell::Mark(_)));
        let mut row_descs: Vec<String> = Vec::new();
        let mut row_unit: Option<String> = None;

        for (i, c) in cls.iter().enumerate() {
            match c {
                Cell::Text(s) if i == 0 && !is_description(s) => {
                    let key = fold_key(s);
                    match names.last_mut() {
                        Some(last) if fold_key(&last.text) == key => last.lines.push(row.line),
                        _ => names.push(Name {
                            text: s.clone(),
                            lines: vec![row.line],
                        }),
                    }
                }
                Cell::Text(s) => {
                    let text = strip_tags(s);
                    if !text.is_empty() && !row_descs.contains(&text) {
                        row_descs.push(text);
                    }
                }
                Cell::Unit(u) | Cell::UnitLabel(Some(u)) if row_unit.is_none() => {
                    row_unit = Some(u.clone());
                }
                _ => {}
            }
        }
        for text in row_descs {
            descs.push(Desc {
                line: row.line,
                text,
            });
        }
        if is_header {
            let header_offset = cls
                .iter()
                .position(|c| *c == Cell::BodyName(0))
                .unwrap_or(1);
            blocks.push(Block {
                header_line: row.line,
                header_offset,
                header_cells: cls.len(),
                marks: None,
                unit: None,
            });
        } else if has_marks {
            match blocks.last_mut() {
                Some(b) if b.marks.is_none() => b.marks = Some((row.line, cls.clone())),
                Some(b) => out.warnings.push((
                    row.line,
                    WarningCode::DuplicateValue,
                    format!(
                        "{}行目の実施主体の見出しに対する2つ目の印の行です: 無視します",
                        b.header_line
                    ),
                )),
                None => out.warnings.push((
                    row.line,
                    WarningCode::TableOutOfPlace,
                    "実施主体の見出しの行（市 市社協 …）より前に印があります: 無視します"
                        .to_string(),
                )),
            }
        }
        if let Some(u) = row_unit {
            match blocks.last_mut() {
                Some(b) => match &b.unit {
                    None => b.unit = Some((row.line, u)),
                    Some((l, prev)) if *prev != u => out.warnings.push((
                        row.line,
                        WarningCode::DuplicateValue,
                        format!("1つの事業に2つ目の活動の単位 `{u}` があります（{l}行目は `{prev}`）: 最初のものを使います"),
                    )),
                    Some(_) => {}
                },
                None => {
                    // printed before the first body header (glued to the label on
                    // the first description row): the first block's
                    if pending_unit.is_none() {
                        pending_unit = Some((row.line, u));
                    }
                }
            }
        }
        if is_header
            && let Some(b) = blocks.last_mut()
            && b.unit.is_none()
            && let Some(u) = pending_unit.take()
        {
            b.unit = Some(u);
        }
    }

    // Pair names and descriptions by order.
    let pairing = align(&names, &descs);
    let mut desc_owner: Vec<Option<usize>> = vec![None; descs.len()];
    for (n, d) in pairing.iter().enumerate() {
        if let Some(d) = d {
            desc_owner[*d] = Some(n);
        }
    }
    for (d, owner) in desc_owner.iter().enumerate() {
        if owner.is_none() {
            out.warnings.push((
                descs[d].line,
                WarningCode::TableOutOfPlace,
                format!(
                    "事業名のない事業概要です: 読み込みません: {}",
                    preview(&descs[d].text)
                ),
            ));
        }
    }

    // Attach every body block to a project.
    let mut name_block: Vec<Option<usize>> = vec![None; names.len()];
    let mut desc_taken = vec![false; descs.len()];
    for (b, block) in blocks.iter().enumerate() {
        let latest = descs.iter().rposition(|d| d.line <= block.header_line);
        let owner = match latest {
            Some(d) if !desc_taken[d] => {
                desc_taken[d] = true;
                desc_owner[d]
            }
            _ => (0..names.len()).find(|&n| {
                pairing[n].is_none()
                    && name_block[n].is_none()
                    && names[n].lines[0] <= block.header_line
            }),
        };
        match owner {
            Some(n) if name_block[n].is_none() => name_block[n] = Some(b),
            _ => out.warnings.push((
                block.header_line,
                WarningCode::TableOutOfPlace,
                "どの事業名にも属さない実施主体の見出しと印です: 読み込みません".to_string(),
            )),
        }
    }

    for (n, name) in names.iter().enumerate() {
        let (title, mut flags) = project_title(&name.text);
        let mut lines = name.lines.clone();
        let content = match pairing[n] {
            Some(d) => {
                lines.push(descs[d].line);
                descs[d].text.clone()
            }
            None => {
                flags.push("no-description".to_string());
                out.warnings.push((
                    name.lines[0],
                    WarningCode::MissingDescription,
                    format!("事業概要のない事業名です: {title}（内容は空のままにします）"),
                ));
                String::new()
            }
        };
        let mut bodies = Vec::new();
        let mut activity_unit = None;
        match name_block[n] {
            Some(b) => {
                let block = &blocks[b];
                lines.extend(block.lines());
                activity_unit = block.unit.as_ref().map(|u| u.1.clone());
                match &block.marks {
                    Some((line, cells)) => {
                        let (read, mark_flags) =
                            read_bodies(block.header_offset, block.header_cells, cells);
                        bodies = read;
                        if mark_flags.contains(&"marks-ambiguous") {
                            out.warnings.push((
                                *line,
                                WarningCode::DuplicateValue,
                                format!("{title} の印が実施主体の数より多くあります: 事業名の列にある印を「市」の印として読みました"),
                            ));
                        }
                        flags.extend(mark_flags.iter().map(|s| s.to_string()));
                    }
                    None => flags.push("no-marks".to_string()),
                }
            }
            None => flags.push("no-body-block".to_string()),
        }
        lines.sort_unstable();
        lines.dedup();
        out.projects.push(Project {
            raw_name: name.text.clone(),
            title,
            line: name.lines[0],
            content,
            bodies,
            activity_unit,
            flags,
            lines,
        });
    }
    out
}

fn preview(s: &str) -> String {
    let p: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        format!("{p}…")
    } else {
        p
    }
}

/// The title of a name cell, and flags: `prefix-(特)` / `prefix-(震災)` for
/// a leading short parenthesis, `provisional-name` for `(仮称)`, `two-names`
/// when the cell holds two names (T004-9).
pub fn project_title(raw: &str) -> (String, Vec<String>) {
    let mut flags = Vec::new();
    let parts: Vec<&str> = raw.split_whitespace().collect();
    let mut title = None;
    for k in 1..parts.len() {
        let left = join_wrapped(&parts[..k].join(" "));
        let right = join_wrapped(&parts[k..].join(" "));
        let common = left
            .chars()
            .zip(right.chars())
            .take_while(|(a, b)| a == b)
            .count();
        if left.chars().count() >= 6 && right.chars().count() >= 6 && common >= 3 {
            title = Some(format!("{left} {right}"));
            flags.push("two-names".to_string());
            break;
        }
    }
    let title = title.unwrap_or_else(|| join_wrapped(raw));
    if !flags.iter().any(|f| f == "two-names") {
        // `A経費・B経費(仮称)`: a `・` outside parentheses between two long names
        let mut depth = 0i32;
        let mut halves = vec![0usize];
        for c in title.chars() {
            match c {
                '(' | '（' => depth += 1,
                ')' | '）' => depth -= 1,
                '・' if depth == 0 => halves.push(0),
                _ => {}
            }
            if let Some(h) = halves.last_mut()
                && c != '・'
            {
                *h += 1;
            }
        }
        if halves.len() == 2 && halves.iter().all(|&h| h >= 10) {
            flags.push("two-names".to_string());
        }
    }
    let folded: String = fold_key(&title);
    if let Some(rest) = folded.strip_prefix('(')
        && let Some((inner, _)) = rest.split_once(')')
        && (1..=3).contains(&inner.chars().count())
    {
        flags.push(format!("prefix-({inner})"));
    }
    if folded.contains("(仮称)") {
        flags.push("provisional-name".to_string());
    }
    (title, flags)
}

/// Reads the implementing bodies from a marks row.
///
/// Marks stand under the body header: `市` at cell `header_offset` (1, after
/// the name column; 0 on rows printed without it). The PDF often pushed the
/// first mark into the name column (T004-11). When cell 0 holds a mark, two
/// readings exist: only that mark moved (it is `市`'s, the rest stays), or
/// the whole row moved left by one. A reading is impossible when it puts two
/// marks on `市` (cell 1 is marked too) or a mark beyond `地域住民`. When both
/// are possible, tables without a unit column (7-cell header) are read as
/// shifted, the others as "first mark only". When neither is possible
/// (7 marks for 6 bodies), cells 1–6 are read as printed and the stronger of
/// the two marks goes to `市` (`marks-ambiguous`).
fn read_bodies(
    header_offset: usize,
    header_cells: usize,
    cells: &[Cell],
) -> (Vec<Body>, Vec<&'static str>) {
    let mark = |k: usize| match cells.get(k) {
        Some(Cell::Mark(r)) => Some(*r),
        _ => None,
    };
    let mut flags = Vec::new();
    let mut roles: [Option<BodyRole>; 6] = [None; 6];
    if header_offset == 0 {
        for (k, role) in roles.iter_mut().enumerate() {
            *role = mark(k);
        }
    } else if mark(0).is_some() {
        flags.push("marks-shifted");
        let first_only = mark(1).is_none();
        let whole_row = (6..cells.len()).all(|k| mark(k).is_none());
        let read_whole_row = match (first_only, whole_row) {
            (true, false) => false,
            (false, true) => true,
            (true, true) => header_cells <= 7,
            (false, false) => {
                flags.push("marks-ambiguous");
                false
            }
        };
        if read_whole_row {
            for (k, role) in roles.iter_mut().enumerate() {
                *role = mark(k);
            }
        } else {
            for (k, role) in roles.iter_mut().enumerate() {
                *role = mark(k + 1);
            }
            roles[0] = match (mark(0), roles[0]) {
                (Some(BodyRole::Lead), _) | (_, Some(BodyRole::Lead)) => Some(BodyRole::Lead),
                (a, b) => a.or(b),
            };
        }
    } else {
        for (k, role) in roles.iter_mut().enumerate() {
            *role = mark(k + 1);
        }
    }
    let bodies = roles
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            r.map(|role| Body {
                name: BODIES[k].to_string(),
                role,
            })
        })
        .collect();
    (bodies, flags)
}

/// Share of the name's character bigrams found in the description.
fn similarity(name: &str, desc: &str) -> f64 {
    let name: Vec<char> = fold_key(name)
        .chars()
        .filter(|c| !"()・「」『』[]、".contains(*c))
        .collect();
    let desc: Vec<char> = fold_key(desc).chars().collect();
    let mut grams: Vec<(char, char)> = name.windows(2).map(|w| (w[0], w[1])).collect();
    grams.sort_unstable();
    grams.dedup();
    if grams.is_empty() {
        return 0.0;
    }
    let desc_grams: std::collections::HashSet<(char, char)> =
        desc.windows(2).map(|w| (w[0], w[1])).collect();
    let hits = grams.iter().filter(|g| desc_grams.contains(g)).count();
    hits as f64 / grams.len() as f64
}

/// Cost of leaving a name (or description) unpaired while a later one is
/// paired: keeps the pairing in plain order unless the texts clearly say
/// otherwise.
const SKIP_PENALTY: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct Score {
    pairs: usize,
    words: f64,
    closeness: i64,
}

/// Pairs names with descriptions in order: as many pairs as possible, then
/// the most shared words, then the fewest skips in the middle, then the
/// closest lines. Returns, per name, the index of its description.
fn align(names: &[Name], descs: &[Desc]) -> Vec<Option<usize>> {
    let (n, m) = (names.len(), descs.len());
    let zero = Score {
        pairs: 0,
        words: 0.0,
        closeness: 0,
    };
    // best[i][j]: best score for names[i..] and descs[j..]; choice 0 pair, 1 skip name, 2 skip desc.
    let mut best = vec![vec![zero; m + 1]; n + 1];
    let mut choice = vec![vec![0u8; m + 1]; n + 1];
    let skip = |s: Score| Score {
        words: s.words - if s.pairs > 0 { SKIP_PENALTY } else { 0.0 },
        ..s
    };
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let after = best[i + 1][j + 1];
            let distance = descs[j].line.abs_diff(names[i].lines[0]) as i64;
            let pair = Score {
                pairs: after.pairs + 1,
                words: after.words + similarity(&names[i].text, &descs[j].text),
                closeness: after.closeness - distance,
            };
            let mut top = (pair, 0u8);
            for (cand, c) in [(skip(best[i + 1][j]), 1u8), (skip(best[i][j + 1]), 2u8)] {
                if cand.partial_cmp(&top.0) == Some(std::cmp::Ordering::Greater) {
                    top = (cand, c);
                }
            }
            best[i][j] = top.0;
            choice[i][j] = top.1;
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        match choice[i][j] {
            0 => {
                out[i] = Some(j);
                i += 1;
                j += 1;
            }
            1 => i += 1,
            _ => j += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[(usize, &str)]) -> Vec<Row> {
        lines.iter().map(|(n, t)| Row::new(*n, t)).collect()
    }

    #[test]
    fn units_labels_and_tags() {
        assert_eq!(activity_unit("市内全域"), Some("市内全域".into()));
        assert_eq!(
            activity_unit("町内自治会 隣近所"),
            Some("町内自治会・隣近所".into())
        );
        assert_eq!(
            activity_unit("日常生活圏域 (地域包括ケア圏域)"),
            Some("日常生活圏域 (地域包括ケア圏域)".into())
        );
        assert_eq!(activity_unit("市"), None);
        assert_eq!(
            classify("主な活動の単位 市内全域", 7),
            Cell::UnitLabel(Some("市内全域".into()))
        );
        assert_eq!(classify("主な", 8), Cell::UnitLabel(None));
        assert_eq!(
            strip_tags("<p>障害者基本法に基づき…</p>"),
            "障害者基本法に基づき…"
        );
        assert_eq!(strip_tags("<市民アンケート> a<b"), "<市民アンケート> a<b");
    }

    #[test]
    fn titles_and_flags() {
        assert_eq!(project_title("世代間交流促進事 業").0, "世代間交流促進事業");
        assert_eq!(
            project_title("子育て支援センタ ー (地域子育て支援 拠点施設)").0,
            "子育て支援センター(地域子育て支援拠点施設)"
        );
        let (t, f) = project_title("食生活改善推進員養成講座 食生活改善推進員の地区組織活動支援");
        assert_eq!(
            t,
            "食生活改善推進員養成講座 食生活改善推進員の地区組織活動支援"
        );
        assert_eq!(f, vec!["two-names"]);
        let (t, f) = project_title("(特)高齢者権利擁護事業");
        assert_eq!(t, "(特)高齢者権利擁護事業");
        assert_eq!(f, vec!["prefix-(特)"]);
        let (_, f) = project_title(
            "配偶者暴力相談支援センター管理運営経費・困難な問題を抱える女性支援経費(仮称)",
        );
        assert_eq!(f, vec!["two-names", "provisional-name"]);
        assert!(project_title("在宅福祉センター 管理運営経費").1.is_empty());
        assert!(
            project_title("地域支え合い型通所サービス (介護予防・日常生活支援総合事業)")
                .1
                .is_empty()
        );
    }

    #[test]
    fn bodies_under_their_header_and_shifted_marks() {
        let c = |s: &str| -> Vec<Cell> {
            s.split('\t')
                .enumerate()
                .map(|(i, x)| classify(x, i))
                .collect()
        };
        let names = |b: &[Body]| -> Vec<(String, BodyRole)> {
            b.iter().map(|b| (b.name.clone(), b.role)).collect()
        };
        // plain: 市 ◎, 地域団体等 ○, 地域住民 ○
        let (b, f) = read_bodies(1, 8, &c("\t◎\t\t\t\t○\t○\t市内全域"));
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].name, "市");
        assert_eq!(b[0].role, BodyRole::Lead);
        assert!(f.is_empty());
        // first mark only moved (cell 1 empty, a mark in the last body cell)
        let (b, f) = read_bodies(1, 8, &c("◎\t\t\t\t◎\t○\t○\t小学校区"));
        assert_eq!(
            names(&b),
            vec![
                ("市".into(), BodyRole::Lead),
                ("校区社協".into(), BodyRole::Lead),
                ("地域団体等".into(), BodyRole::Partner),
                ("地域住民".into(), BodyRole::Partner)
            ]
        );
        assert_eq!(f, vec!["marks-shifted"]);
        // whole row moved (cells 0 and 1 marked)
        let (b, _) = read_bodies(1, 7, &c("◎\t○\t○\t○\t○\t◎\t小学校区"));
        assert_eq!(b.len(), 6);
        assert_eq!(b[5].role, BodyRole::Lead);
        // 7 marks for 6 bodies
        let (b, f) = read_bodies(1, 8, &c("◎\t○\t○\t○\t○\t○\t○\t各区"));
        assert_eq!(b.len(), 6);
        assert_eq!(b[0].role, BodyRole::Lead);
        assert!(f.contains(&"marks-ambiguous"));
        // header printed without the name column
        let (b, _) = read_bodies(0, 7, &c("○\t\t\t\t○\t○\t市内全域"));
        assert_eq!(
            names(&b),
            vec![
                ("市".into(), BodyRole::Partner),
                ("地域団体等".into(), BodyRole::Partner),
                ("地域住民".into(), BodyRole::Partner)
            ]
        );
    }

    #[test]
    fn drifting_names_are_paired_by_order_and_a_name_may_lack_a_description() {
        // Shape of L910–L938 (shortened): names drift one row per block and one
        // name (B) has no description and no block.
        let t = rows(&[
            (1, "A事業\tA事業の説明をする。"),
            (2, "\t事業の実施主体「○」 連携・協力団体「○」"),
            (3, "\t市\t市社協\t民生委員\t校区社協\t地域団体等\t地域住民"),
            (4, "B見守り活動\t○\t\t\t\t\t\t市内全域"),
            (5, "\t子育てサークルの交流を行う。"),
            (6, "子育てサークル\t事業の実施主体「○」 連携・協力団体「○」"),
            (7, "\t市\t市社協\t民生委員\t校区社協\t地域団体等\t地域住民"),
            (8, "\t\t◎\t\t\t\t\t小学校区"),
        ]);
        let p = parse(&t);
        let got: Vec<(&str, usize, &str)> = p
            .projects
            .iter()
            .map(|p| (p.title.as_str(), p.line, p.content.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A事業", 1, "A事業の説明をする。"),
                ("B見守り活動", 4, ""),
                ("子育てサークル", 6, "子育てサークルの交流を行う。"),
            ]
        );
        assert_eq!(p.projects[0].activity_unit.as_deref(), Some("市内全域"));
        assert_eq!(p.projects[2].bodies[0].name, "市社協");
        assert_eq!(p.projects[2].activity_unit.as_deref(), Some("小学校区"));
        assert!(p.projects[1].flags.contains(&"no-description".to_string()));
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].0, 4);
        assert_eq!(p.warnings[0].1, WarningCode::MissingDescription);
    }

    #[test]
    fn repeated_names_descriptions_in_the_name_column_and_two_per_row() {
        // Shape of L1476–L1484 and L1509–L1512.
        let t = rows(&[
            (1, "学習支援事業\t\t学習支援を行う。"),
            (2, "高齢者権利擁護事業\t\t"),
            (
                3,
                "認知症コールセンター\t市\t市社協\t民生委員\t校区社協\t地域団体等\t地域住民",
            ),
            (4, "認知症コールセンター\t◎"),
            (
                5,
                "高齢者の権利擁護の助言を受ける。\t\t認知症の人のコールセンターを設ける。",
            ),
            (6, "相談員設置経費\t事業の実施主体「○」"),
            (7, "相談員が相談に応じる。\t相談員が相談に応じる。"),
        ]);
        let p = parse(&t);
        let got: Vec<(&str, usize, &str)> = p
            .projects
            .iter()
            .map(|p| (p.title.as_str(), p.line, p.content.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("学習支援事業", 1, "学習支援を行う。"),
                ("高齢者権利擁護事業", 2, "高齢者の権利擁護の助言を受ける。"),
                (
                    "認知症コールセンター",
                    3,
                    "認知症の人のコールセンターを設ける。"
                ),
                ("相談員設置経費", 6, "相談員が相談に応じる。"),
            ]
        );
        // the body header at line 3 follows the description at line 1
        assert_eq!(p.projects[0].bodies.len(), 1);
        assert_eq!(p.projects[0].bodies[0].role, BodyRole::Lead);
        assert_eq!(p.projects[2].lines, vec![3, 4, 5]);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn garbage_rows_do_not_panic() {
        let t = rows(&[
            (1, "\t\t\t"),
            (2, "◎"),
            (3, "主な活動の単位 市内全域"),
            (4, "𠮷野家\t<p"),
            (
                5,
                "\t市\t市社協\t民生委員\t校区社協\t地域団体等\t地域住民\t市",
            ),
            (6, "◎\t○\t○\t○\t○\t○\t○\t○\t○\t○"),
        ]);
        let p = parse(&t);
        assert_eq!(p.projects.len(), 1);
        assert!(p.warnings.iter().any(|(l, _, _)| *l == 2));
        assert!(parse(&[]).projects.is_empty());
    }
}
