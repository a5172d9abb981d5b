//! Importer for plan drafts with 【取組N】 initiatives and project tables
//! (format `plan-draft`, document 004). No `[document.options]`.
//!
//! What it reads:
//! - **Initiatives** ([`Level::Initiative`]): every `【取組N】 title` heading of
//!   the `N 施策の展開` section. `number` = N, `title` = the heading text,
//!   `content` = the explanatory paragraphs between the heading and the
//!   `(主な事業や取組)` list (a survey block `<市民アンケート>…` ends them),
//!   `path` = [pillar, viewpoint]: the pillar as `基本方針Ⅰ …` (Roman numerals
//!   always Unicode; `本方針Ⅳ` read as `基本方針Ⅳ` with a warning) and the
//!   viewpoint as `取組の視点Ⅰ-2 <its text>`.
//! - **Projects** ([`Level::Project`]): the 事業 of the `事業名等 / 事業概要`
//!   sub-tables after `(主な事業や取組)` (see [`table`] for how names,
//!   descriptions, body marks and units are put back together). `path` =
//!   [pillar, viewpoint, `【取組N】 title`]; `bodies` with ◎ lead / ○ partner;
//!   `activity_unit`; flags (`no-description`, `marks-shifted`, `two-names`,
//!   `prefix-(特)`, …). A name repeated on consecutive rows is one project;
//!   the same name under another initiative is another project.
//! - **Directions** ([`Level::Direction`]): the items of the `N 取組の方向性`
//!   section of a later chapter (004: chapter 4, 成年後見制度利用促進計画).
//!   Leaves become records: the `(1)…` items under `1.…` (path = [chapter,
//!   `1.…`]) and a `2.…` item without sub-items (path = [chapter]); titles as
//!   printed (`(1)成年後見人等の担い手の確保`); an item named `成果指標` is prose.
//!
//! Everything else is accounted for in the ledger: title page and table of
//! contents (page furniture), the previous plan's pillars quoted in earlier
//! chapters and the 体系 table (decoy), `【取組●】` placeholders and photo
//! captions (page furniture), column boxes, surveys and pillar indicator
//! tables (prose), table captions, legends and body headers (header).
//! No page numbers survive in the text, so `page` stays empty.
//!
//! Known limitations (004):
//! - body marks are unreliable in the document itself (T004-11); the reading
//!   rules are in [`table`] (`read_bodies`), records carry `marks-shifted` /
//!   `marks-ambiguous`, and 3 rows with more marks than bodies are warned;
//! - which name goes without a description is decided by word overlap and
//!   order; where that is nearly even (L1116–L1125: two 児童館 share one
//!   printed description) plain order wins, so 総合型地域スポーツクラブ関係経費
//!   (L1122) is the one left without;
//! - a name is merged only with the same name on consecutive name rows of one
//!   sub-table (every repeat in 004 is of that kind);
//! - descriptions printed only in a column box (地域生活支援員, L2081) are not
//!   attached: the box stays prose.

mod headings;
mod table;

use super::{Document, ImportError, Importer, Ledger, SpanKind, WarningCode};
use crate::ingest::text::{fold_key, is_japanese, squash_spaces};
use crate::model::{Level, Measure, Source};
use headings::Initiative;

pub struct DraftImporter;

impl Importer for DraftImporter {
    fn import(&self, doc: &Document<'_>, ledger: &mut Ledger) -> Result<Vec<Measure>, ImportError> {
        let mut reader = Reader {
            doc,
            ledger,
            out: Vec::new(),
        };
        reader.run();
        Ok(reader.out)
    }
}

struct Reader<'d, 'a, 'l> {
    doc: &'d Document<'a>,
    ledger: &'l mut Ledger,
    out: Vec<Measure>,
}

/// The initiative being read.
struct Current {
    number: u32,
    title: String,
    /// Index of its record in `out`.
    index: usize,
    path: Vec<String>,
    content: Vec<usize>,
    content_open: bool,
    projects_open: bool,
    projects: usize,
}

/// An item of a directions section being read.
struct Item {
    number: u32,
    title: String,
    line: usize,
    path: Vec<String>,
    content: Vec<usize>,
    /// A `1.…` item (it becomes a group when `(1)…` items follow).
    first_level: bool,
}

const BOX_LIMIT: usize = 30;

impl<'a> Reader<'_, 'a, '_> {
    fn len(&self) -> usize {
        self.doc.lines.len()
    }

    /// Line `n` (1-based); empty outside the document.
    fn line(&self, n: usize) -> &'a str {
        n.checked_sub(1)
            .and_then(|i| self.doc.lines.get(i))
            .copied()
            .unwrap_or("")
    }

    fn blank(&self, n: usize) -> bool {
        self.line(n).trim().is_empty()
    }

    fn next_nonblank(&self, after: usize, last: usize) -> Option<usize> {
        (after + 1..=last.min(self.len())).find(|&j| !self.blank(j))
    }

    fn skip(&mut self, n: usize, kind: SpanKind) {
        self.ledger.skip(n, n, kind);
    }

    fn measure(
        &self,
        level: Level,
        title: String,
        line: usize,
        first: usize,
        last: usize,
    ) -> Measure {
        Measure::new(
            self.doc.plan,
            level,
            title,
            Source {
                file: self.doc.file.to_string(),
                line,
                line_start: first.min(line),
                line_end: last.max(line),
                sheet: None,
            },
        )
    }

    fn run(&mut self) {
        let n = self.len();
        if n == 0 {
            return;
        }
        let toc = self.find_toc();
        let body_start = toc.map_or(1, |t| t.1 + 1);
        let chapters: Vec<(usize, String)> = (body_start..=n)
            .filter(|&i| !self.line(i).contains('\t'))
            .filter_map(|i| headings::chapter_heading(self.line(i)).map(|(_, h)| (i, h)))
            .collect();
        let first_mark = toc.map(|t| t.0).or(chapters.first().map(|c| c.0));
        if let Some(first) = first_mark
            && first > 1
        {
            self.ledger.skip(1, first - 1, SpanKind::PageFurniture);
        }
        if let Some((a, b)) = toc {
            self.ledger.skip(a, b, SpanKind::PageFurniture);
        }
        let next_chapter = |after: usize| chapters.iter().find(|c| c.0 > after).map(|c| c.0);
        let chapter_of = |at: usize| chapters.iter().rev().find(|c| c.0 < at).cloned();

        let measures_start = (body_start..=n).find(|&i| {
            !self.line(i).contains('\t')
                && headings::section_heading(self.line(i))
                    .is_some_and(|(_, t)| fold_key(&t) == "施策の展開")
        });
        let measures = match measures_start {
            Some(s) => {
                let end = next_chapter(s).map_or(n, |c| c - 1);
                if next_chapter(s).is_none() {
                    self.ledger.warn(
                        n,
                        WarningCode::Truncated,
                        "文書が「施策の展開」の途中で終わっています（後に章がありません）: 途中で切れているかもしれません",
                    );
                }
                Some((s, end))
            }
            None => {
                let any_initiative = (body_start..=n).any(|i| {
                    matches!(
                        headings::initiative_heading(self.line(i)),
                        Some(Initiative::Real { .. })
                    )
                });
                if any_initiative {
                    self.ledger.warn(
                        body_start,
                        WarningCode::OutsideHeading,
                        "`施策の展開` の章の見出しが見つかりません: 文書全体から取組を読みます",
                    );
                    Some((body_start - 1, n))
                } else {
                    // a document that is all table of contents has no body line
                    self.ledger.warn(
                        body_start.min(n),
                        WarningCode::NoMeasures,
                        "`施策の展開` の章も【取組N】の取組も見つかりません: 施策として読んだものはありません",
                    );
                    None
                }
            }
        };

        let search_from = measures.map_or(body_start, |m| m.1 + 1);
        let directions = (search_from..=n)
            .find(|&i| {
                !self.line(i).contains('\t')
                    && headings::section_heading(self.line(i))
                        .is_some_and(|(_, t)| fold_key(&t) == "取組の方向性")
            })
            .map(|s| {
                let end = (s + 1..=n)
                    .find(|&j| {
                        !self.line(j).contains('\t')
                            && (headings::chapter_heading(self.line(j)).is_some()
                                || headings::section_heading(self.line(j)).is_some())
                    })
                    .map_or(n, |j| j - 1);
                (s, end)
            });

        if let Some((s, e)) = measures {
            if measures_start.is_some() {
                self.read_before(body_start, s - 1);
            }
            self.read_measures(s, e);
        }
        if let Some((s, e)) = directions {
            let chapter = chapter_of(s);
            self.read_directions(s, e, chapter);
        }
        if measures_start.is_some() {
            let from = measures.map_or(body_start, |m| m.1 + 1);
            self.read_after(from, n, directions);
        }
    }

    /// The table of contents: from `目 次` to the line before its first
    /// chapter heading is printed again.
    fn find_toc(&self) -> Option<(usize, usize)> {
        let n = self.len();
        let start = (1..=n).find(|&i| fold_key(self.line(i)) == "目次")?;
        let Some(first) =
            (start + 1..=n).find(|&i| headings::chapter_heading(self.line(i)).is_some())
        else {
            return Some((start, start));
        };
        let key = fold_key(self.line(first));
        match (first + 1..=n).find(|&i| fold_key(self.line(i)) == key) {
            Some(again) => Some((start, again - 1)),
            None => Some((start, start)),
        }
    }

    /// Chapters before 施策の展開: prose, except the previous plan's pillars
    /// (with their ○主な取組 and indicators) and the 体系 table: decoys.
    fn read_before(&mut self, first: usize, last: usize) {
        let mut decoy_block = false;
        let mut decoy_table = false;
        let mut prev_tab = false;
        for i in first..=last {
            let raw = self.line(i);
            if raw.trim().is_empty() {
                continue;
            }
            if raw.contains('\t') {
                if !prev_tab {
                    decoy_table = raw.split('\t').any(|c| c.trim() == "基本方針");
                }
                prev_tab = true;
                let kind = if decoy_block || decoy_table {
                    SpanKind::Decoy
                } else {
                    SpanKind::Prose
                };
                self.skip(i, kind);
                continue;
            }
            prev_tab = false;
            decoy_table = false;
            if headings::chapter_heading(raw).is_some() || headings::section_heading(raw).is_some()
            {
                decoy_block = false;
                self.skip(i, SpanKind::Header);
            } else if headings::pillar_heading(raw).is_some() {
                decoy_block = true;
                self.skip(i, SpanKind::Decoy);
            } else if decoy_block {
                self.skip(i, SpanKind::Decoy);
            } else if is_figure_caption(raw) {
                self.skip(i, SpanKind::PageFurniture);
            } else {
                self.skip(i, SpanKind::Prose);
            }
        }
    }

    /// Chapters after 施策の展開, outside the directions section: prose; the
    /// `- (1) …` list of past actions is a decoy (it looks like directions).
    fn read_after(&mut self, first: usize, last: usize, directions: Option<(usize, usize)>) {
        for i in first..=last {
            if directions.is_some_and(|(s, e)| (s..=e).contains(&i)) || self.ledger.is_marked(i) {
                continue;
            }
            let raw = self.line(i);
            let t = raw.trim();
            if t.is_empty() {
                continue;
            }
            let kind = if raw.contains('\t') {
                SpanKind::Prose
            } else if headings::chapter_heading(t).is_some()
                || headings::section_heading(t).is_some()
            {
                SpanKind::Header
            } else if t
                .strip_prefix(['-', '‐'])
                .is_some_and(|r| headings::paren_item(r).is_some())
            {
                SpanKind::Decoy
            } else if is_figure_caption(t) {
                SpanKind::PageFurniture
            } else {
                SpanKind::Prose
            };
            self.skip(i, kind);
        }
    }

    /// A short line without a sentence whose next line is short too: a photo
    /// caption or placeholder, not the heading of a column box.
    fn is_caption(&self, i: usize, last: usize) -> bool {
        let short = |s: &str| s.chars().count() <= BOX_LIMIT && !s.contains('。');
        let t = self.line(i).trim();
        if !short(t) || t.starts_with(['<', '＜', '-']) {
            return false;
        }
        match self.next_nonblank(i, last) {
            None => true,
            Some(j) => {
                let next = self.line(j);
                next.contains('\t')
                    || (short(next.trim()) && !next.trim_start().starts_with('-'))
                    || headings::initiative_heading(next).is_some()
                    || headings::pillar_heading(next).is_some()
                    || headings::viewpoint_heading(next).is_some()
            }
        }
    }

    fn read_measures(&mut self, start: usize, end: usize) {
        if start >= 1 {
            self.skip(start, SpanKind::Header);
        }
        let mut pillar: Option<(u32, String, usize)> = None;
        let mut group: Option<(String, Vec<usize>)> = None;
        let mut current: Option<Current> = None;
        let mut in_indicators = false;
        let mut last_number: Option<u32> = None;
        let mut initiatives = 0;
        let mut i = start + 1;
        while i <= end {
            let raw = self.line(i);
            let t = raw.trim();
            if t.is_empty() {
                i += 1;
                continue;
            }
            if raw.contains('\t') {
                let projects_open = current.as_ref().is_some_and(|c| c.projects_open);
                let caption =
                    raw.split('\t').next().map(fold_key).unwrap_or_default() == "事業名等";
                let project_like = looks_like_project_row(raw);
                if projects_open && !in_indicators && (caption || project_like) {
                    if let Some(c) = current.as_mut() {
                        i = self.read_subtable(i, end, c) + 1;
                    }
                    continue;
                }
                if project_like && !in_indicators {
                    self.ledger.warn(
                        i,
                        WarningCode::TableOutOfPlace,
                        "事業の表の行が、どの取組の（主な事業や取組）の一覧にも入っていません: 読み込みません",
                    );
                }
                self.skip(i, SpanKind::Prose);
                i += 1;
                continue;
            }
            if let Some(p) = headings::pillar_heading(t) {
                self.finish(current.take());
                if p.lost_first_char {
                    self.ledger.warn(
                        i,
                        WarningCode::HeadingIrregular,
                        format!(
                            "基本方針の見出しの最初の1文字が欠けています（`{t}`）: {} として読みます",
                            p.label()
                        ),
                    );
                }
                self.skip(i, SpanKind::Header);
                pillar = Some((p.number, p.label(), i));
                group = None;
                in_indicators = false;
                i += 1;
                continue;
            }
            if let Some(mut v) = headings::viewpoint_heading(t) {
                self.finish(current.take());
                let mut lines = vec![i];
                if v.text.is_empty()
                    && let Some(j) = self.next_nonblank(i, end)
                    && is_plain_text(self.line(j))
                {
                    v.text = squash_spaces(headings::strip_marker(self.line(j)));
                    lines.push(j);
                    i = j;
                }
                if let Some((p, _, _)) = &pillar
                    && *p != v.pillar
                {
                    self.ledger.warn(
                        lines[0],
                        WarningCode::HeadingIrregular,
                        format!(
                            "視点 {} が基本方針{} の下にあります",
                            v.label(),
                            headings::roman(*p)
                        ),
                    );
                }
                for &l in &lines {
                    self.skip(l, SpanKind::Header);
                }
                group = Some((v.label(), lines));
                in_indicators = false;
                i += 1;
                continue;
            }
            match headings::initiative_heading(t) {
                Some(Initiative::Real { number, title }) => {
                    self.finish(current.take());
                    if let Some(prev) = last_number
                        && number != prev + 1
                    {
                        self.ledger.warn(
                            i,
                            WarningCode::NumberGap,
                            format!("【取組{number}】が【取組{prev}】の次にあります: 番号が連続していません"),
                        );
                    }
                    if pillar.is_none() {
                        self.ledger.warn(
                            i,
                            WarningCode::OutsideHeading,
                            format!("【取組{number}】がどの基本方針の見出しの下にもありません"),
                        );
                    }
                    last_number = Some(number);
                    initiatives += 1;
                    let mut path = Vec::new();
                    if let Some((_, label, line)) = &pillar {
                        path.push(label.clone());
                        self.ledger.use_lines(*line, *line);
                    }
                    if let Some((label, lines)) = &group {
                        path.push(label.clone());
                        for &l in lines {
                            self.ledger.use_lines(l, l);
                        }
                    }
                    self.ledger.use_lines(i, i);
                    let mut m = self.measure(Level::Initiative, title.clone(), i, i, i);
                    m.number = Some(number.to_string());
                    m.path = path.clone();
                    if title.is_empty() {
                        // kept (its text and projects still hang under it), flagged and warned about
                        m.flags.push("no-title".into());
                        self.ledger.warn(
                            i,
                            WarningCode::MissingTitle,
                            format!("【取組{number}】に取組名がありません"),
                        );
                    }
                    self.out.push(m);
                    current = Some(Current {
                        number,
                        title,
                        index: self.out.len() - 1,
                        path,
                        content: Vec::new(),
                        content_open: true,
                        projects_open: false,
                        projects: 0,
                    });
                    in_indicators = false;
                    i += 1;
                    continue;
                }
                Some(Initiative::Placeholder) => {
                    self.skip(i, SpanKind::PageFurniture);
                    i += 1;
                    continue;
                }
                None => {}
            }
            if fold_key(t) == "(主な事業や取組)" {
                self.skip(i, SpanKind::Header);
                match current.as_mut() {
                    Some(c) => {
                        c.content_open = false;
                        c.projects_open = true;
                    }
                    None => self.ledger.warn(
                        i,
                        WarningCode::TableOutOfPlace,
                        "（主な事業や取組）の一覧がどの【取組N】にも入っていません: その表は読み込みません",
                    ),
                }
                i += 1;
                continue;
            }
            if t.starts_with('【') && t.contains("成果指標") {
                self.finish(current.take());
                in_indicators = true;
                self.skip(i, SpanKind::Prose);
                i += 1;
                continue;
            }
            if let Some(c) = current.as_mut()
                && c.content_open
            {
                if t.starts_with(['<', '＜']) {
                    c.content_open = false;
                } else {
                    c.content.push(i);
                    i += 1;
                    continue;
                }
            }
            // photo captions only stand among an initiative's tables and boxes
            let among_boxes = current.as_ref().is_some_and(|c| !c.content_open);
            let kind = if among_boxes && self.is_caption(i, end) {
                SpanKind::PageFurniture
            } else {
                SpanKind::Prose
            };
            self.skip(i, kind);
            i += 1;
        }
        self.finish(current.take());
        if initiatives == 0 {
            self.ledger.warn(
                start.max(1),
                WarningCode::NoMeasures,
                "「施策の展開」に【取組N】の取組が見つかりません",
            );
        }
    }

    /// Closes an initiative: its content and last line.
    fn finish(&mut self, current: Option<Current>) {
        let Some(c) = current else {
            return;
        };
        let texts: Vec<&str> = c.content.iter().map(|&l| self.line(l)).collect();
        let content = join_paragraphs(&texts);
        for &l in &c.content {
            self.ledger.use_lines(l, l);
        }
        let line = self.out[c.index].source.line;
        if content.is_empty() {
            self.ledger.warn(
                line,
                WarningCode::MissingDescription,
                format!("【取組{}】に説明文がありません", c.number),
            );
        }
        if c.projects == 0 {
            self.ledger.warn(
                line,
                WarningCode::MissingDescription,
                format!(
                    "【取組{}】に事業の一覧（（主な事業や取組）の表）がありません",
                    c.number
                ),
            );
        }
        let m = &mut self.out[c.index];
        m.content = content;
        if let Some(&last) = c.content.last() {
            m.source.line_end = last;
        }
    }

    /// Reads one sub-table starting at `first`; returns its last line.
    fn read_subtable(&mut self, first: usize, end: usize, current: &mut Current) -> usize {
        let mut rows = Vec::new();
        let caption = self
            .line(first)
            .split('\t')
            .next()
            .map(fold_key)
            .unwrap_or_default()
            == "事業名等";
        if !caption {
            self.ledger.warn(
                first,
                WarningCode::TableOutOfPlace,
                "事業の表の行に `事業名等 / 事業概要` の見出しの行がありません",
            );
            rows.push(table::Row::new(first, self.line(first)));
        }
        let mut last = first;
        let mut j = first + 1;
        while j <= end {
            let raw = self.line(j);
            if raw.trim().is_empty() {
                j += 1;
                continue;
            }
            if !raw.contains('\t')
                || raw.split('\t').next().map(fold_key).unwrap_or_default() == "事業名等"
            {
                break;
            }
            rows.push(table::Row::new(j, raw));
            last = j;
            j += 1;
        }
        let parsed = table::parse(&rows);
        for (l, code, msg) in parsed.warnings {
            self.ledger.warn(l, code, msg);
        }
        let mut path = current.path.clone();
        path.push(format!("【取組{}】 {}", current.number, current.title));
        for p in parsed.projects {
            let first_line = p.lines.first().copied().unwrap_or(p.line);
            let last_line = p.lines.last().copied().unwrap_or(p.line);
            for &l in &p.lines {
                self.ledger.use_lines(l, l);
            }
            let mut m = self.measure(Level::Project, p.title, p.line, first_line, last_line);
            m.path = path.clone();
            m.content = p.content;
            m.bodies = p.bodies;
            m.activity_unit = p.activity_unit;
            m.flags = p.flags;
            self.out.push(m);
            current.projects += 1;
        }
        self.ledger.skip(first, last, SpanKind::Header);
        last
    }

    fn read_directions(&mut self, start: usize, end: usize, chapter: Option<(usize, String)>) {
        self.skip(start, SpanKind::Header);
        let mut root = Vec::new();
        if let Some((line, label)) = &chapter {
            root.push(label.clone());
            self.skip(*line, SpanKind::Header);
        }
        let chapter_line = chapter.as_ref().map(|c| c.0);
        let mut group: Option<(String, usize)> = None;
        let mut item: Option<Item> = None;
        let mut indicators = false;
        for i in start + 1..=end {
            let raw = self.line(i);
            let t = raw.trim();
            if t.is_empty() {
                continue;
            }
            if raw.contains('\t') {
                self.skip(i, SpanKind::Prose);
                continue;
            }
            if let Some((number, title)) = headings::dotted_item(t) {
                self.close_item(item.take(), chapter_line, &group);
                self.skip(i, SpanKind::Header);
                if title.contains("成果指標") {
                    indicators = true;
                    group = None;
                    continue;
                }
                indicators = false;
                group = Some((title.clone(), i));
                item = Some(Item {
                    number,
                    title,
                    line: i,
                    path: root.clone(),
                    content: Vec::new(),
                    first_level: true,
                });
                continue;
            }
            if indicators {
                self.skip(i, SpanKind::Prose);
                continue;
            }
            if let Some((number, title)) = headings::paren_item(t)
                && let Some((group_title, _)) = &group
            {
                match item.take() {
                    Some(it) if it.first_level => {
                        // the 1.… item is a group: text before its first (1) is prose
                        for &l in &it.content {
                            self.skip(l, SpanKind::Prose);
                        }
                    }
                    other => self.close_item(other, chapter_line, &group),
                }
                let mut path = root.clone();
                path.push(group_title.clone());
                self.skip(i, SpanKind::Header);
                item = Some(Item {
                    number,
                    title,
                    line: i,
                    path,
                    content: Vec::new(),
                    first_level: false,
                });
                continue;
            }
            if is_tilde_caption(t) {
                self.skip(i, SpanKind::PageFurniture);
                continue;
            }
            match item.as_mut() {
                Some(it) => it.content.push(i),
                None => self.skip(i, SpanKind::Prose),
            }
        }
        self.close_item(item.take(), chapter_line, &group);
    }

    fn close_item(
        &mut self,
        item: Option<Item>,
        chapter_line: Option<usize>,
        group: &Option<(String, usize)>,
    ) {
        let Some(it) = item else {
            return;
        };
        if it.content.is_empty() {
            self.ledger.warn(
                it.line,
                WarningCode::MissingDescription,
                format!(
                    "方向性 `{}` に本文がありません: レコードとしては読み込みません",
                    it.title
                ),
            );
            return;
        }
        let texts: Vec<&str> = it.content.iter().map(|&l| self.line(l)).collect();
        let content = join_paragraphs(&texts);
        let last = it.content.last().copied().unwrap_or(it.line);
        let mut m = self.measure(Level::Direction, it.title, it.line, it.line, last);
        m.number = Some(it.number.to_string());
        m.path = it.path;
        m.content = content;
        self.ledger.use_lines(it.line, it.line);
        for &l in &it.content {
            self.ledger.use_lines(l, l);
        }
        if let Some(l) = chapter_line {
            self.ledger.use_lines(l, l);
        }
        if !it.first_level
            && let Some((_, l)) = group
        {
            self.ledger.use_lines(*l, *l);
        }
        self.out.push(m);
    }
}

/// A row that belongs to a project table even without its caption row:
/// the legend, or a body header.
fn looks_like_project_row(raw: &str) -> bool {
    let cells: Vec<String> = raw.split('\t').map(squash_spaces).collect();
    cells.iter().any(|c| c.starts_with("事業の実施主体"))
        || cells
            .iter()
            .filter(|c| table::BODIES.contains(&c.as_str()))
            .count()
            >= 3
}

/// Text that can be a viewpoint's wording (not a heading, not a table row).
fn is_plain_text(raw: &str) -> bool {
    !raw.contains('\t')
        && headings::initiative_heading(raw).is_none()
        && headings::pillar_heading(raw).is_none()
        && headings::viewpoint_heading(raw).is_none()
        && fold_key(raw) != "(主な事業や取組)"
}

/// `【 図表1 …】`, `(出典:…)`: captions of figures that did not survive.
fn is_figure_caption(t: &str) -> bool {
    let k = fold_key(t);
    k.starts_with("【図表") || k.starts_with("(出典") || k.starts_with("出典:")
}

/// `～権利擁護支援の地域連携ネットワークのイメージ図～`.
fn is_tilde_caption(t: &str) -> bool {
    let tildes = ['～', '〜', '~'];
    t.chars().count() > 2 && t.starts_with(tildes) && t.ends_with(tildes)
}

/// Joins the paragraph lines of one text: one paragraph per line, separated
/// by `\n`; a line the PDF broke mid-sentence (long, no sentence end, the next
/// line not a bullet) is glued to the next one.
fn join_paragraphs(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    for raw in lines {
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(p) = prev {
            let ends = p.ends_with(['。', '」', '』', '）', ')', '！', '？', '：', ':']);
            let bullet = t.starts_with(['○', '●', '-', '・', '※', '【', '<', '＜', '▶', '►', '➢']);
            if ends || bullet || p.chars().count() < 40 {
                out.push('\n');
            } else {
                let last = p.chars().last();
                let next = t.chars().next();
                if !(last.is_some_and(is_japanese) && next.is_some_and(is_japanese)) {
                    out.push(' ');
                }
            }
        }
        out.push_str(t);
        prev = Some(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Plan, PlanKind};

    fn plan() -> Plan {
        super::super::test_plan(PlanKind::REGIONAL_WELFARE)
    }

    fn run(
        text: &str,
    ) -> (
        Vec<Measure>,
        Vec<super::super::Warning>,
        Vec<super::super::UnusedSpan>,
    ) {
        let (m, w, u) =
            super::super::run_importer(&DraftImporter, "x.txt", text, &plan(), &toml::Table::new());
        (m.expect("never Err"), w, u)
    }

    const SMALL: &str = "目 次\n\n第1章 はじめに\n- 1 背景 ○\n\n第1章 はじめに\n\n1 背景\n\n本文です。\n\n基本方針Ⅰ 旧計画の方針\n\n○主な取組\n\n- 旧い取組。\n\n第3章 取組\n\n4 施策の展開\n\n基本方針Ⅰ つながり\n\n取組の視点 I -1\n\n▶ 関心を持つ\n\n【取組 1】 情報発信\n\n説明の段落です。\n\n<市民アンケート>\n\n(主な事業や取組)\n\n事業名等\t事業概要\n出前講座\t講師を派遣する。\n\t事業の実施主体「◎」 連携・協力団体「○」\n\t市\t市社協\t民生委員\t校区社協\t地域団体等\t地域住民\n\t◎\t\t\t\t○\t\t市内全域\n\n【取組●】●●風景\n\n写真添付予定\n\n第4章 後見\n\n3 取組の方向性\n\n1.推進\n\n(1)担い手の確保\n\n担い手を確保します。\n\n2.ネットワーク\n\nネットワークを深めます。\n\n3. 成果指標\n\n指標 1\n";

    /// A document that is only a table of contents is warned about at its
    /// own lines, never at the line after its last one (a case
    /// tests/fuzz_import.rs meets).
    #[test]
    fn warnings_stay_inside_a_document_that_is_all_toc() {
        for text in ["目 次", "目 次\n\n第1章 はじめに\n- 1 背景 ○"] {
            let n = text.lines().count();
            let (m, w, _) = run(text);
            assert!(m.is_empty());
            assert!(!w.is_empty());
            for w in &w {
                assert!((1..=n).contains(&w.line), "{text:?}: {w}");
            }
        }
    }

    /// An initiative heading whose title was cut off is kept, flagged
    /// `no-title` and warned about (a case tests/fuzz_import.rs meets).
    #[test]
    fn an_initiative_without_a_title_is_flagged() {
        let text = "4 施策の展開\n\n基本方針Ⅰ つながり\n\n【取組 1】\n\n説明の段落です。\n";
        let (m, w, _) = run(text);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].title, "");
        assert_eq!(m[0].flags, vec!["no-title".to_string()]);
        assert_eq!(m[0].content, "説明の段落です。");
        assert!(
            w.iter()
                .any(|w| w.line == 5 && w.code == WarningCode::MissingTitle),
            "{w:?}"
        );
    }

    #[test]
    fn a_small_draft_is_read_completely() {
        let (m, w, u) = run(SMALL);
        let levels: Vec<(Level, &str)> = m.iter().map(|m| (m.level, m.title.as_str())).collect();
        assert_eq!(
            levels,
            vec![
                (Level::Initiative, "情報発信"),
                (Level::Project, "出前講座"),
                (Level::Direction, "(1)担い手の確保"),
                (Level::Direction, "2.ネットワーク"),
            ]
        );
        assert_eq!(
            m[0].path,
            vec!["基本方針Ⅰ つながり", "取組の視点Ⅰ-1 関心を持つ"]
        );
        assert_eq!(m[0].content, "説明の段落です。");
        assert_eq!(m[0].number.as_deref(), Some("1"));
        assert_eq!(m[1].path[2], "【取組1】 情報発信");
        assert_eq!(m[1].content, "講師を派遣する。");
        assert_eq!(m[1].activity_unit.as_deref(), Some("市内全域"));
        assert_eq!(m[1].bodies.len(), 2);
        assert_eq!(m[2].path, vec!["第4章 後見", "1.推進"]);
        assert_eq!(m[3].path, vec!["第4章 後見"]);
        assert!(w.is_empty(), "{w:?}");
        assert!(u.iter().all(|s| s.kind != SpanKind::Unclassified), "{u:?}");
        assert!(
            u.iter()
                .any(|s| s.kind == SpanKind::Decoy && s.line_start == 12)
        );
    }

    #[test]
    fn empty_blank_and_garbage_input_do_not_panic() {
        let (m, w, _) = run("");
        assert!(m.is_empty() && w.is_empty());
        let (m, w, _) = run("\n \n\u{3000}\n");
        assert!(m.is_empty());
        assert!(w.iter().any(|w| w.code == WarningCode::NoMeasures));
        let (m, w, u) = run("\u{0}\u{fffd}【取組\n\t\t◎\n𠮷\t】【取組x】\n4 施策の展開\n【取組");
        assert!(m.is_empty());
        assert!(
            w.iter()
                .any(|w| w.line == 4 && w.code == WarningCode::NoMeasures)
        );
        assert!(!u.is_empty());
    }

    #[test]
    fn a_truncated_table_is_reported_with_its_line() {
        let text = "4 施策の展開\n\n基本方針Ⅰ つながり\n\n【取組1】 情報発信\n\n説明。\n\n(主な事業や取組)\n\n事業名等\t事業概要\n出前講座\t講師を派遣する。\n\t事業の実施主体「◎」\n交通安全活動";
        let (m, w, u) = run(text);
        assert_eq!(m.len(), 2);
        assert!(
            w.iter()
                .any(|w| w.line == 14 && w.code == WarningCode::Truncated)
        );
        // the last line stands alone, outside the table: reported as prose, not lost
        assert!(u.iter().any(|s| s.line_start == 14));
        // a name whose block was cut off
        let text = "4 施策の展開\n\n基本方針Ⅰ つながり\n\n【取組1】 情報発信\n\n説明。\n\n(主な事業や取組)\n\n事業名等\t事業概要\n出前講座\t講師を派遣する。\n交通安全活動\t\n\n第2章 終わり\n";
        let (m, w, _) = run(text);
        assert_eq!(m.len(), 3);
        assert!(
            w.iter()
                .any(|w| w.line == 13 && w.code == WarningCode::MissingDescription)
        );
    }

    #[test]
    fn paragraphs_are_joined_only_where_the_pdf_broke_them() {
        assert_eq!(
            join_paragraphs(&["一つ目の文です。", "二つ目の文です。"]),
            "一つ目の文です。\n二つ目の文です。"
        );
        let long = "これは非常に長い段落でありページの幅を超えたため途中で改行されてしまった文章の前半部分";
        assert_eq!(
            join_paragraphs(&[long, "の続きです。"]),
            format!("{long}の続きです。")
        );
        assert_eq!(join_paragraphs(&["○見出し", "本文。"]), "○見出し\n本文。");
    }
}
