//! The parser state and the first passes: every line classified, the report
//! years read, the blocks (anchor + status line) found.

use super::cells::*;
use super::classify::*;
use super::*;
use crate::ingest::text::fiscal_year;
use crate::ingest::{Document, Ledger, WarningCode};
use crate::model::Measure;

pub(super) struct Block {
    pub(super) anchor: Option<usize>,
    pub(super) status: Option<usize>,
}

/// What the text after a block (up to the next one) still owes the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owed {
    /// Nothing: no block yet, or the next plan was on the status line.
    Nothing,
    /// The R4+ plan paragraph.
    Plan,
    /// The body cells (the block has no status line).
    Body,
}

/// A measure under construction.
pub(super) struct Draft {
    pub(super) title: String,
    pub(super) title_line: usize,
    pub(super) first_line: usize,
    pub(super) last_line: usize,
    pub(super) content: String,
    pub(super) anchor: Option<Anchor>,
    pub(super) status: Option<Status>,
    pub(super) cells: Vec<Cell>,
    pub(super) next_plan: Vec<String>,
    pub(super) path: Vec<String>,
    pub(super) flags: Vec<String>,
}

pub(super) struct Parser<'a, 'l> {
    pub(super) doc: &'a Document<'a>,
    pub(super) ledger: &'l mut Ledger,
    pub(super) wrap: f64,
    pub(super) kinds: Vec<Kind>,
    pub(super) anchors: Vec<Anchor>,
    pub(super) statuses: Vec<Status>,
    pub(super) years: [(String, u16); 2],
    pub(super) pillar: Option<String>,
    pub(super) warned_no_pillar: bool,
}

impl<'a, 'l> Parser<'a, 'l> {
    pub(super) fn new(doc: &'a Document<'a>, ledger: &'l mut Ledger, wrap: f64) -> Self {
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

    pub(super) fn n(&self) -> usize {
        self.doc.lines.len()
    }

    /// Line `n` (1-based); empty outside the document.
    pub(super) fn line(&self, n: usize) -> &'a str {
        if n >= 1 && n <= self.doc.lines.len() {
            self.doc.lines[n - 1]
        } else {
            ""
        }
    }

    pub(super) fn kind(&self, n: usize) -> Kind {
        if n >= 1 && n <= self.kinds.len() {
            self.kinds[n - 1]
        } else {
            Kind::Blank
        }
    }

    pub(super) fn set_kind(&mut self, n: usize, k: Kind) {
        if n >= 1 && n <= self.kinds.len() {
            self.kinds[n - 1] = k;
        }
    }

    pub(super) fn run(&mut self) -> Vec<Measure> {
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
    pub(super) fn classify(&mut self) {
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
    pub(super) fn find_years(&mut self) {
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
    pub(super) fn detect_anchor(&self, i: usize) -> Option<Anchor> {
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
    pub(super) fn continue_cell(&self, a: &mut Anchor, start: usize) {
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
    pub(super) fn blocks(&self) -> Vec<Block> {
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

    pub(super) fn core_start(&self, b: &Block) -> usize {
        match (b.anchor, b.status) {
            (Some(a), _) => self.anchors[a].first,
            (None, Some(s)) => self.statuses[s].line,
            (None, None) => 0,
        }
    }

    pub(super) fn core_end(&self, b: &Block) -> usize {
        match (b.status, b.anchor) {
            (Some(s), _) => self.statuses[s].line,
            (None, Some(a)) => self.anchors[a].last,
            (None, None) => 0,
        }
    }
}
