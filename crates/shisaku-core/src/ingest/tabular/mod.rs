//! The `tabular-progress` importer: tab-separated progress tables (one row
//! per measure), configured by the *names* of their columns in
//! `seeds/manifest.toml`, never by file name or column position. The same
//! code reads the 熊本市 suicide-prevention tables (000, 001: 実施内容 with
//! R1/R2 blocks) and the 荒尾市 gender-equality table (002: 取組番号,
//! 取り組み内容, 成果指標).
//!
//! # Options (`[document.options]`)
//!
//! ```toml
//! [document.options]
//! fiscal_year = "R5"              # year of progress columns whose labels name none
//! sections = [["重点目標*"], ["【施策の方向】*"]]   # section-row patterns per path level
//! markers = { "《新規》" = "new" }  # title markers: removed from the title, kept as flags
//! separate_units = ["人権教育指導室"] # a space before these names separates two 担当課
//! placeholders = ["-"]            # indicator cells meaning "none" (default ["-"])
//! same_as_above = ["同上"]         # cells meaning "as the row above" (default ["同上"])
//! header_min_labels = 3           # label cells a header row needs (default 3)
//! max_label_chars = 60            # longer cells are never labels (default 60)
//!
//! [document.options.columns]      # header labels per field (patterns, see below)
//! number = ["取組番号"]             # the document's own number
//! group = ["計画における項目", "具体的施策"]  # a path level printed in every row
//! title = ["実施内容", "取り組み内容"]        # required: the measure's name
//! content = ["概要"]               # a description column (else content = the title cell)
//! page = ["ページ"]
//! department = ["担当部署"]
//! section = ["担当課"]
//! issues = ["昨年度の課題"]          # ┐
//! status = ["実施状況", "取り組み実績"] # │ one progress entry per fiscal year:
//! evaluation = ["担当課の評価", "評価"] # │ a block ends where a field repeats
//! achievement = ["達成度"]           # │
//! next_plan = ["今後"]              # ┘
//! indicator_name = ["指標名"]
//! indicator_value = ["実績(R*年度)", "R*年度"]  # one column per year, year from the label
//! indicator_target = ["目標値"]
//! ```
//!
//! **Label matching is loose.** Labels and patterns are folded (NFKC, all
//! whitespace removed) and a pattern matches when it occurs *inside* the
//! header cell; `*` stands for any run of characters. So `における項`
//! finds the garbled `画における項`, and `実績(R*年度)` finds both
//! `実績(R3年度)` and `実績 (R3年度)`. When several patterns match one
//! cell, the one with the most literal characters wins (`担当課の評価`
//! beats `担当課` and `実施状況` in `令和2年度 実施状況に関する担当課の評価`).
//! Section patterns (`sections`) are anchored at the start of the cell
//! instead (`基本施策*`, `関連施策*`).
//!
//! # How rows are read
//!
//! - **Headers are found per page**, not assumed: a row is a header when at
//!   least `header_min_labels` of its cells match labels, one of them the
//!   title. The following lines whose title cell is empty and which carry
//!   labels or fiscal years (the second line of a two-line header) are merged
//!   column by column. The schema stays valid across page breaks until the
//!   next header (000 repeats no header).
//! - **Fiscal years** come from the labels: a progress block starts where a
//!   progress field repeats (`実施状況` … `今後` | `実施状況` …), and takes
//!   the first year named by a label of the block other than `今後`
//!   (`今後(令和2年度以降)` belongs to the R1 block); a block whose labels
//!   name no year takes `fiscal_year`.
//! - **Column positions are not trusted blindly.** (a) Two adjacent header
//!   columns naming the same field, the second without a year of its own,
//!   are one column: 001's page-2 header prints the R2 評価 label over two
//!   columns while its rows have one cell there (warning). (b) The last
//!   labelled column (目標値, or the last 今後) takes the *last non-empty
//!   cell* from its position to the end of the row, so trailing empty cells
//!   and a 目標値 that drifts right from row to row are handled (two
//!   candidates → warning + flag `columns-ambiguous`). (c) A progress block
//!   whose 今後 cell is empty, whose 評価 cell reads like a 達成度 (a
//!   percentage or bare number) and whose 達成度 cell does not, is one cell
//!   short: it is read as 実施状況, 達成度, 今後 (flag `cells-shifted`,
//!   warning). (d) A block whose 今後 is empty while its 実施状況, 評価 and
//!   達成度 are filled, in a row whose other blocks have a 今後, may be
//!   shifted in a way that cannot be decided: kept as printed, flag
//!   `columns-ambiguous`, warning. (e) When a text column (課題, 実施状況,
//!   評価, 今後) is empty in every row of a page (3+ rows), which columns the
//!   remaining texts belong to cannot be decided: kept as printed, flag
//!   `columns-ambiguous` on each row, one warning per page.
//! - **Rows split over lines** (a cell holding a line break) are rejoined:
//!   a row with fewer cells than its header continues on the next line if
//!   the two together do not exceed the header's width; a following line too
//!   short to reach the title column is joined to the row too (warning).
//! - **Section rows** are rows whose only non-empty cell is the first one
//!   and which match a `sections` pattern; a section of level *n* replaces
//!   levels ≥ *n* and carries over page breaks. A single-cell row matching no
//!   pattern has no title and is reported.
//! - **Path** = the current sections, then the `group` cells of the row
//!   unless a group repeats a path element (000's 項目 `関連施策`, 001's
//!   `自殺対策を支える人材の育成` under `基本施策2 自殺対策を支える人材の育成`).
//!   Path texts lose cell-wrap spaces and get exactly one space after a
//!   leading enumerator (`22.ひとり親…` and `22. ひとり親…` are one group).
//! - **Title** = the title cell with cell-wrap spaces removed and `markers`
//!   removed (kept as flags); **content** = the `content` column when the
//!   table has one, else the title cell (these tables print the measure's
//!   name only; what was done each year is in `progress`).
//! - **Departments and sections**: `/` always separates units; `・`
//!   separates units only when the 担当部署 cell itself names several
//!   departments (then the 担当課 cell is split on `・` too, and may list
//!   more sections than departments: `市民生活部・子ども未来部・各区役所` with
//!   four sections), or when the departments were split on `/` and the
//!   sections split on `・` give the same number (`福祉部/各区役所` with
//!   `保護管理援護課・各区福祉課`). Otherwise `・` belongs to a name
//!   (`熊本県臨床心理士・公認心理師協会` under `庁外`). A space separates two
//!   sections only before a name in `separate_units`; other spaces are
//!   cell-wrap spaces (`障がい保健福祉課 精神保健福祉室` is one section, as 000
//!   prints it). The pseudo-department `庁外` is kept as a department (the
//!   body is in the sections). A 担当部署 cell ending in `課` or `室` is
//!   kept as printed with flag `department-is-section` (warning).
//! - **Progress**: texts trimmed and kept as printed (cell-wrap spaces
//!   inside sentences stay); 達成度 as printed plus `achievement_pct` when it
//!   is a single number (`100`, `90%`). Flags: `same-as-above` (a cell
//!   `同上`), `evaluation-repeats-status`, `progress-copied` (a year block
//!   identical to an earlier row's, warning).
//! - **Indicators**: a row has one when its indicator-name cell is not a
//!   placeholder; values per year column (empty cells skipped), the target
//!   (`-` → none), the unit from the values (flag `indicator-unit-mismatch`
//!   and a warning when the target prints another unit).
//!
//! Every line ends up in the ledger: rows used by records, header lines as
//! `Header`, section rows used by the records below them (a section row
//! with no record below is skipped as `Header` with a warning). Rows that
//! cannot be read (no title, before any header) are left for the ledger to
//! report, with a warning saying why.

pub(crate) mod cells;
pub(crate) mod options;
pub(crate) mod schema;

use std::collections::{BTreeMap, BTreeSet};

use super::{Document, ImportError, Importer, Ledger, SpanKind, WarningCode};
use crate::model::{Indicator, IndicatorValue, Level, Measure, ProgressEntry, Source};
use cells::{
    achievement_pct, clean_name, clean_text, fold, looks_like_achievement, path_text, split_units,
    unit_of,
};
use options::{Field, Matcher, Options};
use schema::{Schema, is_continuation, is_header, map_row, single_cell, split_cells};

pub struct TabularImporter;

/// A section row currently in force.
struct SectionRow {
    text: String,
    line: usize,
}

/// What the checks after the row pass need to know about a record.
struct RowInfo {
    page: usize,
    schema: usize,
    /// Positions of text columns that were empty in this row.
    empty_text: BTreeSet<usize>,
}

impl Importer for TabularImporter {
    fn import(&self, doc: &Document<'_>, ledger: &mut Ledger) -> Result<Vec<Measure>, ImportError> {
        let options: Options = doc.options()?;
        if options.columns.title.is_empty() {
            return Err(ImportError::new(
                doc.file,
                None,
                "マニフェストの [document.options] に誤りがあります: columns.title に施策名の列の見出しを書いてください",
            ));
        }
        let default_year = match &options.fiscal_year {
            Some(y) => Some(crate::ingest::text::fiscal_year(y).or_else(|| cells::find_year(y)).ok_or_else(|| {
                ImportError::new(
                    doc.file,
                    None,
                    format!("マニフェストの [document.options] に誤りがあります: fiscal_year `{y}` は年度として読めません（R5、令和5年度、H30、2024 の形で書きます）"),
                )
            })?),
            None => None,
        };
        let mut run = Run {
            doc,
            options: &options,
            m: Matcher::new(&options),
            default_year,
            ledger,
            schemas: Vec::new(),
            sections: Vec::new(),
            section_used: BTreeSet::new(),
            section_lines: BTreeSet::new(),
            records: Vec::new(),
            infos: Vec::new(),
        };
        run.rows();
        if run.schemas.is_empty() {
            if let Some(e) = run.header_with_unconfigured_columns() {
                return Err(e);
            }
            return Err(ImportError::new(
                doc.file,
                None,
                format!(
                    "見出しの行が見つかりません: 施策名の列（{}）とほかに設定した列 {} 個を含む行がありません。\
                     [document.options.columns] の見出しを文書の見出しに合わせてください\
                     （または header_min_labels を下げます）",
                    options.columns.title.join(" / "),
                    options.header_min_labels.saturating_sub(1)
                ),
            ));
        }
        run.check_pages();
        run.check_copies();
        run.finish_sections();
        Ok(run.records)
    }
}

struct Run<'a, 'd> {
    doc: &'a Document<'d>,
    options: &'a Options,
    m: Matcher,
    default_year: Option<(String, u16)>,
    ledger: &'a mut Ledger,
    schemas: Vec<Schema>,
    sections: Vec<Option<SectionRow>>,
    section_used: BTreeSet<usize>,
    section_lines: BTreeSet<usize>,
    records: Vec<Measure>,
    infos: Vec<RowInfo>,
}

impl Run<'_, '_> {
    fn is_blank(&self, i: usize) -> bool {
        self.doc.lines[i].trim().is_empty()
    }

    fn section_of(&self, cells: &[String]) -> Option<usize> {
        if !single_cell(cells) {
            return None;
        }
        self.m.section_level(&cells[0])
    }

    /// When no header was found: the first line that names the title and
    /// enough configured columns but is not taken as a header because most
    /// of its cells name no configured column, as an error naming the line
    /// and those cells.
    fn header_with_unconfigured_columns(&self) -> Option<ImportError> {
        let min = self.options.header_min_labels.max(1);
        self.doc.lines.iter().enumerate().find_map(|(i, line)| {
            let cells = split_cells(line);
            let fields: Vec<Field> = cells.iter().filter_map(|c| self.m.field_of(c)).collect();
            if fields.len() < min || !fields.contains(&Field::Title) {
                return None;
            }
            let others: Vec<&str> = cells
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty() && self.m.field_of(c).is_none())
                .collect();
            Some(ImportError::new(
                self.doc.file,
                Some(i + 1),
                format!(
                    "この行には施策名の列とほかに設定した列 {} 個がありますが、{} 個のセルが設定にない見出しのため、\
                     見出しの行とみなしていません（見出しの行はセルの半分以上が設定した列です）: {}。\
                     これらを [document.options.columns] に加えてください",
                    fields.len() - 1,
                    others.len(),
                    others
                        .iter()
                        .take(12)
                        .map(|c| format!("{c:?}"))
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            ))
        })
    }

    fn header_at(&self, i: usize) -> bool {
        is_header(
            &split_cells(self.doc.lines[i]),
            &self.m,
            self.options.header_min_labels,
        )
    }

    /// The pass over all lines.
    fn rows(&mut self) {
        let n = self.doc.lines.len();
        let mut page = 0usize;
        let mut i = 0usize;
        let mut warned_no_header = false;
        while i < n {
            if self.is_blank(i) {
                if i > 0 && !self.is_blank(i - 1) {
                    page += 1;
                }
                i += 1;
                continue;
            }
            let ln = i + 1;
            let cells = split_cells(self.doc.lines[i]);
            if is_header(&cells, &self.m, self.options.header_min_labels) {
                i = self.header(i, cells);
                page += 1;
                continue;
            }
            if let Some(level) = self.section_of(&cells) {
                self.section(level, &cells[0], ln);
                i += 1;
                continue;
            }
            let Some(s) = self.schemas.len().checked_sub(1) else {
                if !warned_no_header {
                    self.ledger.warn(
                        ln,
                        WarningCode::RowBeforeHeader,
                        "見出しの行より前の行です: 列が分からないため読み込みません",
                    );
                    warned_no_header = true;
                }
                i += 1;
                continue;
            };
            let (row, end) = self.join_row(i, cells, s);
            self.record(&row, ln, end, s, page);
            i = end;
        }
    }

    /// Reads the header starting at line index `i`; returns the next index.
    fn header(&mut self, i: usize, first: Vec<String>) -> usize {
        let n = self.doc.lines.len();
        let title_pos = Schema::build(
            std::slice::from_ref(&first),
            i + 1,
            &self.m,
            self.default_year.as_ref(),
        )
        .title_pos;
        let mut rows = vec![first];
        let mut j = i + 1;
        while j < n && !self.is_blank(j) {
            let cells = split_cells(self.doc.lines[j]);
            if self.section_of(&cells).is_some() || !is_continuation(&cells, title_pos, &self.m) {
                break;
            }
            rows.push(cells);
            j += 1;
        }
        let schema = Schema::build(&rows, i + 1, &self.m, self.default_year.as_ref());
        self.ledger.skip(i + 1, j, SpanKind::Header);
        for (p, f) in &schema.merged {
            self.ledger.warn(
                i + 1,
                WarningCode::HeaderAmbiguous,
                format!(
                    "見出し（{}〜{}行目）: {}番目と{}番目のセルがどちらも {} の見出しです（1つの見出しが\
                     2つのセルに分かれています）。1つの列として読むため、{}番目以降のデータのセルは\
                     見出しの位置より1つ左の列として読みます",
                    schema.lines.0,
                    schema.lines.1,
                    p,
                    p + 1,
                    f.key(),
                    p + 1
                ),
            );
        }
        if schema.groups.iter().any(|g| g.year.is_none()) {
            self.ledger.warn(
                i + 1,
                WarningCode::MissingFiscalYear,
                "見出しに年度のない進捗の列があり、`fiscal_year` オプションも設定されていません",
            );
        }
        let mapping: Vec<String> = schema
            .columns
            .iter()
            .enumerate()
            .filter_map(|(p, c)| Some(format!("{} → {}", schema.describe(p), c.field?.key())))
            .collect();
        let lines = if schema.lines.0 == schema.lines.1 {
            format!("{}行目", schema.lines.0)
        } else {
            format!("{}〜{}行目", schema.lines.0, schema.lines.1)
        };
        self.ledger
            .note(format!("見出し {lines}: {}", mapping.join("、")));
        self.schemas.push(schema);
        j
    }

    fn section(&mut self, level: usize, text: &str, ln: usize) {
        let Some(text) = path_text(text) else { return };
        if self.sections.len() <= level {
            self.sections.resize_with(level + 1, || None);
        }
        self.sections.truncate(level + 1);
        self.sections[level] = Some(SectionRow { text, line: ln });
        self.section_lines.insert(ln);
    }

    /// Rejoins a row whose cells continue on the following physical lines.
    /// Returns the cells and the index after the row's last line.
    fn join_row(&mut self, i: usize, mut row: Vec<String>, s: usize) -> (Vec<String>, usize) {
        let n = self.doc.lines.len();
        let width = self.schemas[s].width;
        let title_pos = self.schemas[s].title_pos;
        let mut end = i + 1;
        while end < n && !self.is_blank(end) && !self.header_at(end) {
            let next = split_cells(self.doc.lines[end]);
            if self.section_of(&next).is_some() {
                break;
            }
            let fits = row.len() < width && row.len() + next.len() - 1 <= width;
            let orphan = next.len() <= title_pos;
            if !fits && !orphan {
                break;
            }
            let mut next = next.into_iter();
            if let (Some(last), Some(first)) = (row.last_mut(), next.next()) {
                last.push('\n');
                last.push_str(&first);
            }
            row.extend(next);
            end += 1;
        }
        if end > i + 1 {
            self.ledger.warn(
                i + 1,
                WarningCode::RowJoined,
                format!(
                    "行が{}〜{}行目に続いています（セル内の改行）: 1つの行につなげて読みます",
                    i + 2,
                    end
                ),
            );
        }
        (row, end)
    }

    /// Builds the record of the row on lines `ln..=end`.
    fn record(&mut self, row: &[String], ln: usize, end: usize, s: usize, page: usize) {
        let schema = &self.schemas[s];
        let opts = self.options;
        let joined = join_marker_cells(row, schema.columns.len(), &opts.markers);
        let row = match &joined {
            Some((joined, marker)) => {
                self.ledger.warn(
                    ln,
                    WarningCode::MarkerJoined,
                    format!("`{marker}` が単独のセルにあります: 次のセルとつなげて読みます"),
                );
                joined.as_slice()
            }
            None => row,
        };
        let mapped = map_row(schema, row, &opts.placeholders);
        let get = |f: Field| -> Option<&str> {
            schema
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.field == Some(f))
                .find_map(|(p, _)| mapped.cells[p].as_deref())
        };
        let raw_title = mapped.cells.get(schema.title_pos).cloned().flatten();
        let Some(mut title) = raw_title.as_deref().and_then(clean_name) else {
            self.ledger.warn(
                ln,
                WarningCode::MissingTitle,
                format!(
                    "施策名のセル（{}）がない行です: 読み込みません{}",
                    schema.describe(schema.title_pos),
                    if single_cell(row) {
                        "（`sections` のどのパターンにも合わない区分の行かもしれません）"
                    } else {
                        ""
                    }
                ),
            );
            return;
        };
        let mut flags: Vec<String> = Vec::new();
        let mut warnings: Vec<(WarningCode, String)> = Vec::new();
        for (marker, flag) in &opts.markers {
            if !marker.is_empty() && title.contains(marker.as_str()) {
                title = title.replace(marker.as_str(), "").trim().to_string();
                flags.push(flag.clone());
            }
        }
        if title.is_empty() {
            self.ledger.warn(
                ln,
                WarningCode::TitleOnlyMarker,
                format!(
                    "施策名のセル（{}）に目印しかありません: 読み込みません",
                    schema.describe(schema.title_pos)
                ),
            );
            return;
        }
        let mut m = Measure::new(
            self.doc.plan,
            Level::Measure,
            title.clone(),
            Source {
                file: self.doc.file.to_string(),
                line: ln,
                line_start: ln,
                line_end: end,
                sheet: None,
            },
        );
        m.number = get(Field::Number).and_then(clean_text);
        m.content = get(Field::Content).and_then(clean_text).unwrap_or(title);
        m.page = get(Field::Page).and_then(clean_text);

        // Path: sections in force, then the row's group cells.
        for sec in self.sections.iter().flatten() {
            m.path.push(sec.text.clone());
            self.section_used.insert(sec.line);
        }
        for (p, c) in schema.columns.iter().enumerate() {
            if c.field != Some(Field::Group) {
                continue;
            }
            if let Some(g) = mapped.cells[p].as_deref().and_then(path_text) {
                let key = fold(&g);
                if !m.path.iter().any(|e| fold(e).contains(&key)) {
                    m.path.push(g);
                }
            }
        }

        let (deps, secs) = split_units(
            get(Field::Department).unwrap_or(""),
            get(Field::Section).unwrap_or(""),
            &opts.separate_units,
        );
        if let Some(d) = deps.iter().find(|d| d.ends_with('課') || d.ends_with('室')) {
            flags.push("department-is-section".into());
            warnings.push((
                WarningCode::CellMisplaced,
                format!("担当部署のセルに課・室の名前 `{d}` があります: 書かれたまま残します"),
            ));
        }
        m.departments = deps;
        m.sections = secs;

        // Progress, one entry per fiscal-year block.
        let mut empty_text = BTreeSet::new();
        for (g, group) in schema.groups.iter().enumerate() {
            let cols: BTreeMap<Field, usize> = schema
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.group == Some(g))
                .filter_map(|(p, c)| c.field.map(|f| (f, p)))
                .collect();
            for (&f, &p) in &cols {
                if f != Field::Achievement && mapped.cells[p].is_none() {
                    empty_text.insert(p);
                }
            }
            let cell = |f: Field| cols.get(&f).and_then(|&p| mapped.cells[p].clone());
            let mut status = cell(Field::Status);
            let mut evaluation = cell(Field::Evaluation);
            let mut achievement = cell(Field::Achievement);
            let mut next_plan = cell(Field::NextPlan);
            let year_name = group.year.as_ref().map(|y| y.0.clone()).unwrap_or_default();
            let full_block = [
                Field::Status,
                Field::Evaluation,
                Field::Achievement,
                Field::NextPlan,
            ]
            .iter()
            .all(|f| cols.contains_key(f));
            if full_block && next_plan.is_none() {
                let eval_like = evaluation.as_deref().is_some_and(looks_like_achievement);
                let ach_like = achievement.as_deref().is_some_and(looks_like_achievement);
                if eval_like && achievement.is_some() && !ach_like {
                    next_plan = achievement.take();
                    achievement = evaluation.take();
                    flags.push("cells-shifted".into());
                    warnings.push((
                        WarningCode::CellMissing,
                        format!(
                            "{year_name} の欄のセルが1つ足りません（評価のセルが達成度のように読め、\
                             今後のセルが空です）: 評価なしの 実施状況・達成度・今後 として読みます"
                        ),
                    ));
                } else if status.is_some() && evaluation.is_some() && achievement.is_some() {
                    let others_have_plan = schema.groups.iter().enumerate().any(|(h, _)| {
                        h != g
                            && schema.columns.iter().enumerate().any(|(p, c)| {
                                c.group == Some(h)
                                    && c.field == Some(Field::NextPlan)
                                    && mapped.cells[p].is_some()
                            })
                    });
                    if others_have_plan {
                        flags.push("columns-ambiguous".into());
                        warnings.push((
                            WarningCode::CellMissing,
                            format!(
                                "{year_name} の今後のセルが空で、実施状況・評価・達成度は埋まっています: \
                                 欄が1セルずれているかもしれません。書かれたまま残します"
                            ),
                        ));
                    }
                }
            }
            let clean = |c: Option<String>| c.as_deref().and_then(clean_text);
            status = clean(status);
            evaluation = clean(evaluation);
            achievement = clean(achievement);
            next_plan = clean(next_plan);
            let issues = clean(cell(Field::Issues));
            // Short texts (`実施なし` in both) legitimately repeat.
            if status.as_deref().is_some_and(|s| s.chars().count() >= 8)
                && status == evaluation
                && !flags.iter().any(|f| f == "evaluation-repeats-status")
            {
                flags.push("evaluation-repeats-status".into());
                warnings.push((
                    WarningCode::CellMisplaced,
                    format!("{year_name} の評価のセルが実施状況のセルと同じです"),
                ));
            }
            let entry = ProgressEntry {
                fiscal_year: year_name,
                year: group.year.as_ref().map(|y| y.1),
                achievement_pct: achievement.as_deref().and_then(achievement_pct),
                status,
                evaluation,
                achievement,
                next_plan,
                issues,
            };
            let any = entry.status.is_some()
                || entry.evaluation.is_some()
                || entry.achievement.is_some()
                || entry.next_plan.is_some()
                || entry.issues.is_some();
            if any {
                m.progress.push(entry);
            }
        }
        let same = |c: &Option<String>| {
            c.as_deref()
                .is_some_and(|c| opts.same_as_above.iter().any(|s| fold(s) == fold(c)))
        };
        if mapped.cells.iter().any(same) {
            flags.push("same-as-above".into());
        }

        self.indicator(&mut m, &mapped.cells, s, &mut flags, &mut warnings);

        if !mapped.ambiguous_tail.is_empty() {
            let last = schema.last_labelled().unwrap_or(0);
            flags.push("columns-ambiguous".into());
            warnings.push((
                WarningCode::CellUnassigned,
                format!(
                    "セル {} はどれも最後の列 {} より後にあります: 最後のセルを使います",
                    mapped
                        .ambiguous_tail
                        .iter()
                        .map(|(p, c)| format!("{}番目 `{c}`", p + 1))
                        .collect::<Vec<_>>()
                        .join("、"),
                    schema.describe(last)
                ),
            ));
        }
        for (p, c) in &mapped.unlabelled {
            let short: String = c.chars().take(20).collect();
            warnings.push((
                WarningCode::CellUnassigned,
                format!(
                    "{}番目のセル `{short}` は見出しのない列にあります: 読み込みません",
                    p + 1
                ),
            ));
        }
        if mapped.short {
            flags.push("truncated-row".into());
            warnings.push((
                WarningCode::RowTruncated,
                format!(
                    "行のセルは{}個、見出し（{}行目）は{}個です: 行が途中で切れているようです",
                    row.len(),
                    schema.lines.0,
                    schema.width
                ),
            ));
        }
        for (code, w) in warnings {
            self.ledger.warn(ln, code, w);
        }
        let mut seen = BTreeSet::new();
        flags.retain(|f| seen.insert(f.clone()));
        m.flags = flags;
        self.ledger.use_lines(ln, end);
        self.records.push(m);
        self.infos.push(RowInfo {
            page,
            schema: s,
            empty_text,
        });
    }

    fn indicator(
        &self,
        m: &mut Measure,
        cells: &[Option<String>],
        s: usize,
        flags: &mut Vec<String>,
        warnings: &mut Vec<(WarningCode, String)>,
    ) {
        read_indicator(
            &self.schemas[s],
            &self.options.placeholders,
            m,
            cells,
            flags,
            warnings,
        );
    }

    /// Check (e) of the module docs: a text column empty on a whole page.
    fn check_pages(&mut self) {
        let mut pages: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for (r, info) in self.infos.iter().enumerate() {
            pages.entry((info.page, info.schema)).or_default().push(r);
        }
        for ((_, s), rows) in pages {
            if rows.len() < 3 {
                continue;
            }
            let schema = &self.schemas[s];
            let empty: Vec<usize> = schema
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    matches!(
                        c.field,
                        Some(Field::Issues | Field::Status | Field::Evaluation | Field::NextPlan)
                    )
                })
                .map(|(p, _)| p)
                .filter(|p| rows.iter().all(|&r| self.infos[r].empty_text.contains(p)))
                .collect();
            if empty.is_empty() {
                continue;
            }
            let first = self.records[rows[0]].source.line;
            let last = self.records[*rows.last().unwrap_or(&rows[0])].source.line;
            let names: Vec<String> = empty.iter().map(|&p| schema.describe(p)).collect();
            self.ledger.warn(
                first,
                WarningCode::ColumnsUndecidable,
                format!(
                    "{first}〜{last}行目: 列 {} がこのページの{}行すべてで空のため、ほかの文がどの列の\
                     ものか決められません: 書かれたまま残します",
                    names.join("、"),
                    rows.len()
                ),
            );
            for &r in &rows {
                let flags = &mut self.records[r].flags;
                if !flags.iter().any(|f| f == "columns-ambiguous") {
                    flags.push("columns-ambiguous".into());
                }
            }
        }
    }

    /// A year block identical to an earlier row's (document copy-paste).
    fn check_copies(&mut self) {
        for r in 1..self.records.len() {
            for e in 0..self.records[r].progress.len() {
                let entry = &self.records[r].progress[e];
                if entry
                    .status
                    .as_deref()
                    .is_none_or(|s| s.chars().count() < 8)
                {
                    continue;
                }
                let key = |p: &ProgressEntry| {
                    (
                        p.fiscal_year.clone(),
                        p.status.clone(),
                        p.evaluation.clone(),
                        p.achievement.clone(),
                        p.next_plan.clone(),
                    )
                };
                let k = key(entry);
                let earlier = self.records[..r].iter().find(|o| {
                    o.title != self.records[r].title && o.progress.iter().any(|p| key(p) == k)
                });
                if let Some(o) = earlier {
                    let msg = format!(
                        "{} の欄が{}行目（{}）と同じです: 書かれたまま残します",
                        k.0, o.source.line, o.title
                    );
                    let line = self.records[r].source.line;
                    self.ledger.warn(line, WarningCode::ProgressCopied, msg);
                    let flags = &mut self.records[r].flags;
                    if !flags.iter().any(|f| f == "progress-copied") {
                        flags.push("progress-copied".into());
                    }
                }
            }
        }
    }

    /// Section rows: used when a record took them into its path.
    fn finish_sections(&mut self) {
        for &ln in &self.section_lines {
            if self.section_used.contains(&ln) {
                self.ledger.use_lines(ln, ln);
            } else {
                self.ledger.skip(ln, ln, SpanKind::Header);
                self.ledger.warn(
                    ln,
                    WarningCode::EmptySection,
                    "区分の行の下に、次の区分までに施策がありません",
                );
            }
        }
    }
}

/// Reads the indicator of a row mapped onto `schema` into `m` (shared with
/// the `spreadsheet` importer): the name, one value per year column (empty
/// cells skipped), the target (`placeholders` mean none) and the unit.
pub(crate) fn read_indicator(
    schema: &Schema,
    placeholders: &[String],
    m: &mut Measure,
    cells: &[Option<String>],
    flags: &mut Vec<String>,
    warnings: &mut Vec<(WarningCode, String)>,
) {
    let placeholder = |c: &str| placeholders.iter().any(|p| fold(p) == fold(c));
    let Some(name_pos) = schema.pos(Field::IndicatorName) else {
        return;
    };
    let Some(name) = cells[name_pos]
        .as_deref()
        .filter(|c| !placeholder(c))
        .and_then(clean_text)
    else {
        return;
    };
    let mut values = Vec::new();
    for (p, c) in schema.columns.iter().enumerate() {
        if c.field != Some(Field::IndicatorValue) {
            continue;
        }
        let Some(raw) = cells[p].as_deref().and_then(clean_text) else {
            continue;
        };
        let fiscal_year = c
            .year
            .as_ref()
            .map(|y| y.0.clone())
            .unwrap_or_else(|| fold(&c.label));
        values.push(IndicatorValue {
            fiscal_year,
            value: if placeholder(&raw) {
                None
            } else {
                crate::ingest::text::parse_number(&raw)
            },
            raw,
        });
    }
    let target = schema
        .pos(Field::IndicatorTarget)
        .and_then(|p| cells[p].as_deref())
        .filter(|c| !placeholder(c))
        .and_then(clean_text);
    let unit = values.iter().find_map(|v| unit_of(&v.raw));
    if let (Some(u), Some(t)) = (&unit, target.as_deref().and_then(unit_of))
        && *u != t
    {
        flags.push("indicator-unit-mismatch".into());
        warnings.push((
            WarningCode::UnitMismatch,
            format!("指標 `{name}`: 値の単位は {u}、目標値の単位は {t} です"),
        ));
    }
    m.indicators.push(Indicator {
        name,
        unit,
        values,
        target_value: target
            .as_deref()
            .and_then(crate::ingest::text::parse_number),
        target,
    });
}

/// When `row` has more cells than the `columns` of its table: the row with
/// every cell that holds only a title marker (`《新規》`, split off by a tab)
/// joined with the cell after it, and the marker; `None` otherwise.
fn join_marker_cells(
    row: &[String],
    columns: usize,
    markers: &BTreeMap<String, String>,
) -> Option<(Vec<String>, String)> {
    if row.len() <= columns {
        return None;
    }
    let is_marker = |c: &str| {
        let c = c.trim();
        !c.is_empty() && markers.contains_key(c)
    };
    let first = row[..row.len().saturating_sub(1)]
        .iter()
        .position(|c| is_marker(c))?;
    let marker = row[first].trim().to_string();
    let mut out: Vec<String> = Vec::with_capacity(row.len());
    let mut cells = row.iter().peekable();
    while let Some(c) = cells.next() {
        match cells.peek() {
            Some(next) if is_marker(c) => {
                out.push(format!("{}{}", c.trim(), next));
                cells.next();
            }
            _ => out.push(c.clone()),
        }
    }
    Some((out, marker))
}

#[cfg(test)]
mod tests;
