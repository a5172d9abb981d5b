//! Paragraphs and cells: the text between anchors cut into cells, and the
//! cells of a block assigned to the R2/R3 columns.

use std::collections::HashSet;

use super::classify::*;

/// Consecutive text lines (no blank between).
#[derive(Debug, Clone)]
pub(super) struct Para {
    pub(super) lines: Vec<(usize, String)>,
    /// Starts right after the preceding block's last line (no blank between).
    pub(super) attached: bool,
}

impl Para {
    pub(super) fn first(&self) -> usize {
        self.lines.first().map_or(0, |l| l.0)
    }
    pub(super) fn texts(&self) -> Vec<&str> {
        self.lines.iter().map(|l| l.1.as_str()).collect()
    }
    pub(super) fn title_like(&self) -> bool {
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
pub(super) enum GapItem {
    Para(Para),
    Pillar { text: String },
}

/// One cell of a block body.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub(super) lines: Vec<String>,
    pub(super) ach: bool,
}

impl Cell {
    pub(super) fn text(&self, wrap: f64) -> String {
        let ls: Vec<&str> = self.lines.iter().map(String::as_str).collect();
        join_lines(&ls, wrap)
    }
}

/// Builds cells from lines (`None` = a break: blank or header line).
/// A line with several space-separated cells closes them all; a single-cell
/// line continues the open cell.
pub(super) fn build_cells(items: &[Option<&str>], cells: &mut Vec<Cell>) {
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

pub(super) fn token_cells(toks: &[String]) -> Vec<Cell> {
    toks.iter()
        .map(|t| Cell {
            lines: vec![t.clone()],
            ach: is_ach(t),
        })
        .collect()
}

/// The body cells of a block assigned to their columns.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Assigned {
    pub(super) r2_status: Option<String>,
    pub(super) r2_ach: Option<String>,
    pub(super) r3_plan: Option<String>,
    pub(super) r3_status: Option<String>,
    pub(super) r3_eval: Option<String>,
    pub(super) guessed: bool,
}

pub(super) fn nonempty(s: String) -> Option<String> {
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

pub(super) fn join_cells(cells: &[Cell], wrap: f64) -> Option<String> {
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
pub(super) fn bigrams(s: &str) -> HashSet<(char, char)> {
    let cs: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    cs.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Overlap coefficient of the bigram sets of `a` and `b` (0 when either is empty).
pub(super) fn overlap(a: &str, b: &str) -> f64 {
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
pub(super) fn assign(cells: &[Cell], wrap: f64, refs: &[&str], complete: bool) -> Assigned {
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
