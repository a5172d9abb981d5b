//! Record assembly: the text around each block split into title, description
//! and plans, and each block turned into a measure.

use super::cells::*;
use super::classify::*;
use super::parser::*;
use crate::ingest::text::parse_number;
use crate::ingest::{SpanKind, WarningCode};
use crate::model::{Level, Measure, ProgressEntry, Source};

impl Parser<'_, '_> {
    /// Paragraphs and headings of lines `from..=to`; header lines are skipped.
    pub(super) fn gap_items(&mut self, from: usize, to: usize) -> Vec<GapItem> {
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

    pub(super) fn owed(&self, b: Option<&Block>) -> Owed {
        match b {
            None => Owed::Nothing,
            Some(b) => match b.status {
                None => Owed::Body,
                Some(s) if !self.statuses[s].suffix.is_empty() => Owed::Nothing,
                Some(_) => Owed::Plan,
            },
        }
    }

    pub(super) fn build(&mut self, blocks: &[Block]) -> Vec<Measure> {
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

    pub(super) fn use_para(&mut self, p: &Para) {
        for (n, _) in &p.lines {
            self.ledger.use_lines(*n, *n);
        }
    }

    pub(super) fn finish_tail(&mut self, d: &mut Draft, owed: Owed, head: &[Para]) {
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

    pub(super) fn current_path(&mut self, line: usize) -> Vec<String> {
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
    pub(super) fn title_and_content(
        &mut self,
        tail: &[Para],
    ) -> (String, usize, String, Vec<Para>) {
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

    pub(super) fn start_block(
        &mut self,
        b: &Block,
        tail: Vec<Para>,
        title_on_anchor: bool,
    ) -> Draft {
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
    pub(super) fn truncated_block(&mut self, tail: Vec<Para>) -> Draft {
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

    pub(super) fn finish(&mut self, d: Draft) -> Measure {
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
