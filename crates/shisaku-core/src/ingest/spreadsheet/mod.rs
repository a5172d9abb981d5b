//! The `spreadsheet` importer: one row per measure in a workbook (`.xlsx`,
//! and `.xlsm`/`.xlsb`/`.xls`/`.ods` through the same crate) or a delimited
//! text table (`.csv` in UTF-8 with or without BOM, CP932 or UTF-16 as Excel
//! saves it; `.tsv`/`.txt` tab-separated), configured by the *names* of its
//! columns like `tabular-progress`, whose label matching, fiscal-year blocks
//! and progress and indicator fields it shares.
//!
//! # Options (`[document.options]`)
//!
//! ```toml
//! [document.options]
//! sheet = "Sheet1"        # optional: default the first sheet with a matching header
//! fiscal_year = "R6"      # optional: the year of progress columns whose labels name none
//! header_min_labels = 3   # configured columns a header row must name (at most as many as configured)
//! separate_units = []     # as tabular-progress: a space before these names separates two 担当課
//! placeholders = ["-"]    # indicator cells meaning "none"
//! same_as_above = ["同上"] # cells meaning "as the row above" (flag `same-as-above`)
//! [document.options.columns]
//! number = ["事務事業ID"]
//! title = ["事務事業名"]                          # required
//! path = ["政策名", "施策名", "基本事業名"]       # hierarchy, outermost first, one column each
//! department = ["部課名"]                        # a cell holding 部 and 課 together is split
//! section = ["係名"]
//! content = ["事務事業の概要"]                    # else content = the title
//! page = ["ページ"]
//! issues = ["課題"]                               # ┐ progress, one entry per fiscal-year
//! status = ["実施状況"]                           # │ block (a block ends where a field
//! evaluation = ["評価"]                           # │ repeats; its year from its labels,
//! achievement = ["達成度"]                        # │ else `fiscal_year`)
//! next_plan = ["今後の方向性"]                    # ┘
//! indicator_name = ["指標名"]
//! indicator_value = ["実績(R*年度)"]              # one column per year, year from the label
//! indicator_target = ["目標値"]
//! ```
//!
//! Every key but `path` lists alternative labels of one column; `path`
//! lists one label per hierarchy level.
//!
//! # How a sheet is read
//!
//! - **Labels match loosely**, as in `tabular-progress`: NFKC, whitespace and
//!   line breaks ignored, a configured label may be any part of the header
//!   cell (so a prefix), `*` any run. When several header cells match one
//!   field, the one equal to a label wins, then one starting with it, then
//!   the first; the others are left unread and named in the report.
//! - **The header row is found wherever it is**: the first row naming the
//!   title column and `header_min_labels` configured columns (capped by how
//!   many are configured). Rows above it (a helper row, a caption) are
//!   skipped as header. A following row whose title cell is empty and whose
//!   cells are all labels or fiscal years continues the header (a year over
//!   its 実施状況/評価 columns).
//! - **Only configured columns are read.** Every other column is ignored and
//!   listed once in the report by its header label; its cells never reach a
//!   record, a warning or the report (they may hold personal names). A row is
//!   previewed in the report by its configured cells only.
//! - **Cells are exact**: a cell is one value whatever it holds, and
//!   adjacent columns are never merged. A line break inside a cell is text:
//!   kept in texts (content and progress fields), joined in names (title,
//!   path, departments, sections) as in `tabular-progress` (nothing between
//!   two Japanese characters, one space otherwise).
//! - **Rows**: a row with no text in any configured column (empty, only
//!   formatted, only formulas whose result is empty, only unconfigured cells)
//!   is skipped and counted, as is (in `.xlsx`) a row with no title whose
//!   configured cells all hold formulas (`=SUM(…)` giving 0 below the data);
//!   a row with text but no title is reported with a warning naming its
//!   title cell (`B12`).
//! - **Path** = the `path` columns, outermost first, empty cells left out.
//! - **Departments and sections**: each unit of the department cell (units
//!   separated by `/` or line breaks) that holds a 部/局 and a 課/室/係
//!   together (`総務部総務課`, `総務部 総務課`) is split into both. With a
//!   section column holding text, the two cells are otherwise split as in
//!   `tabular-progress` (the split-off 課 comes before the section cell's
//!   units: `健康福祉部 地域福祉課` + `地域支援係` → 健康福祉部; 地域福祉課,
//!   地域支援係); without, a unit naming only a 課/室/係 is a section.
//! - **Provenance**: the file, the sheet (`source.sheet`) and the row
//!   (`source.line`; for delimited text, the line the record starts on).

mod read;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::tabular::cells::{
    achievement_pct, clean_name, clean_text, find_year, fold, glob_contains, glob_match,
    literal_len, path_text, split_units,
};
use super::tabular::options::{Columns, Field, Matcher, Options};
use super::tabular::read_indicator;
use super::tabular::schema::{Schema, is_continuation};
use super::text::squash_spaces;
use super::{ImportError, Ledger, SpanKind, WarningCode};
use crate::model::{Level, Measure, Plan, ProgressEntry, Source};
pub use read::column_name;

/// Header labels per field (`[document.options.columns]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SheetColumns {
    pub number: Vec<String>,
    pub title: Vec<String>,
    /// One label per hierarchy level, outermost first.
    pub path: Vec<String>,
    pub department: Vec<String>,
    pub section: Vec<String>,
    pub content: Vec<String>,
    pub page: Vec<String>,
    pub issues: Vec<String>,
    pub status: Vec<String>,
    pub evaluation: Vec<String>,
    pub achievement: Vec<String>,
    pub next_plan: Vec<String>,
    pub indicator_name: Vec<String>,
    pub indicator_value: Vec<String>,
    pub indicator_target: Vec<String>,
}

/// The `[document.options]` of a `spreadsheet` document (module docs).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SheetOptions {
    pub sheet: Option<String>,
    pub fiscal_year: Option<String>,
    pub columns: SheetColumns,
    pub header_min_labels: usize,
    pub separate_units: Vec<String>,
    pub placeholders: Vec<String>,
    pub same_as_above: Vec<String>,
}

impl Default for SheetOptions {
    fn default() -> Self {
        let t = Options::default();
        SheetOptions {
            sheet: None,
            fiscal_year: None,
            columns: SheetColumns::default(),
            header_min_labels: t.header_min_labels,
            separate_units: t.separate_units,
            placeholders: t.placeholders,
            same_as_above: t.same_as_above,
        }
    }
}

impl SheetOptions {
    /// The `tabular-progress` options the shared label matching runs on
    /// (the hierarchy columns are its `group` field).
    fn tabular(&self) -> Options {
        let c = &self.columns;
        Options {
            columns: Columns {
                number: c.number.clone(),
                group: c.path.clone(),
                title: c.title.clone(),
                content: c.content.clone(),
                page: c.page.clone(),
                department: c.department.clone(),
                section: c.section.clone(),
                issues: c.issues.clone(),
                status: c.status.clone(),
                evaluation: c.evaluation.clone(),
                achievement: c.achievement.clone(),
                next_plan: c.next_plan.clone(),
                indicator_name: c.indicator_name.clone(),
                indicator_value: c.indicator_value.clone(),
                indicator_target: c.indicator_target.clone(),
            },
            placeholders: self.placeholders.clone(),
            same_as_above: self.same_as_above.clone(),
            separate_units: self.separate_units.clone(),
            header_min_labels: self.header_min_labels,
            ..Options::default()
        }
    }

    /// The labels configured for `field` (`path` for the hierarchy).
    fn labels(&self, field: Field) -> &[String] {
        let c = &self.columns;
        match field {
            Field::Number => &c.number,
            Field::Group => &c.path,
            Field::Title => &c.title,
            Field::Content => &c.content,
            Field::Page => &c.page,
            Field::Department => &c.department,
            Field::Section => &c.section,
            Field::Issues => &c.issues,
            Field::Status => &c.status,
            Field::Evaluation => &c.evaluation,
            Field::Achievement => &c.achievement,
            Field::NextPlan => &c.next_plan,
            Field::IndicatorName => &c.indicator_name,
            Field::IndicatorValue => &c.indicator_value,
            Field::IndicatorTarget => &c.indicator_target,
        }
    }
}

/// Fields read from one column only (the first best match).
const SINGLE: [Field; 8] = [
    Field::Number,
    Field::Title,
    Field::Content,
    Field::Page,
    Field::Department,
    Field::Section,
    Field::IndicatorName,
    Field::IndicatorTarget,
];

/// How well `label` matches one of `patterns`: 2 equal, 1 starts with it,
/// 0 contains it.
fn quality(patterns: &[String], label: &str) -> Option<u8> {
    let folded = fold(label);
    patterns
        .iter()
        .map(|p| fold(p))
        .filter(|p| literal_len(p) > 0 && glob_contains(p, &folded))
        .map(|p| {
            if glob_match(&p, &folded) {
                2
            } else if glob_match(&format!("{p}*"), &folded) {
                1
            } else {
                0
            }
        })
        .max()
}

/// The columns of the header found, after choosing one column per field.
struct Layout {
    schema: Schema,
    /// Per schema column: read or not.
    read: Vec<bool>,
    title: usize,
    /// Path level per column (`Group` columns only).
    level: Vec<Option<usize>>,
}

impl Layout {
    fn cell<'c>(&self, cells: &'c [String], field: Field) -> Option<(usize, &'c str)> {
        self.schema
            .columns
            .iter()
            .enumerate()
            .find(|(p, c)| c.field == Some(field) && self.read[*p])
            .and_then(|(p, _)| {
                let c = cells.get(p)?.trim();
                (!c.is_empty()).then_some((p, c))
            })
    }
}

/// Reads one document of the `spreadsheet` format from its bytes. The
/// ledger's lines are the rows of the sheet read.
pub fn import(
    file: &str,
    bytes: &[u8],
    plan: &Plan,
    options: &toml::Table,
) -> Result<(Vec<Measure>, Ledger), ImportError> {
    let opts: SheetOptions = toml::Value::Table(options.clone())
        .try_into()
        .map_err(|e| {
            ImportError::new(
                file,
                None,
                format!("マニフェストの [document.options] に誤りがあります: {e}"),
            )
        })?;
    if opts.columns.title.is_empty() {
        return Err(ImportError::new(
            file,
            None,
            "マニフェストの [document.options] に誤りがあります: columns.title に施策名の列の見出しを\
             書いてください（例: title = [\"事業名\"]）",
        ));
    }
    let default_year = match &opts.fiscal_year {
        Some(y) => Some(
            super::text::fiscal_year(y)
                .or_else(|| find_year(y))
                .ok_or_else(|| {
                    ImportError::new(
                        file,
                        None,
                        format!(
                            "マニフェストの [document.options] に誤りがあります: fiscal_year `{y}` は年度として読めません（R6、令和6年度、H30、2024 の形で書きます）"
                        ),
                    )
                })?,
        ),
        None => None,
    };
    let kind = read::Kind::of(file).map_err(|m| ImportError::new(file, None, m))?;
    match kind {
        read::Kind::Workbook => {
            let names = read::sheet_names(bytes).map_err(|m| ImportError::new(file, None, m))?;
            let candidates: Vec<String> = match &opts.sheet {
                Some(s) => {
                    let found = names.iter().find(|n| fold(n) == fold(s)).ok_or_else(|| {
                        ImportError::new(
                            file,
                            None,
                            format!(
                                "シート `{s}` が見つかりません: ブックにあるシートは {} です。`sheet` にそのどれかを書いてください",
                                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join("、")
                            ),
                        )
                    })?;
                    vec![found.clone()]
                }
                None => names,
            };
            let mut tried = Vec::new();
            for name in &candidates {
                let mut run = Run::new(file, Some(name.clone()), &opts, default_year.clone(), plan);
                read::workbook_rows(bytes, name, &mut |n, cells, formulas| {
                    run.row(n, cells, &formulas)
                })
                .map_err(|m| ImportError::new(format!("{file} [{name}]"), None, m))?;
                if run.layout.is_some() || run.pending.is_some() {
                    return Ok(run.finish());
                }
                tried.push(run.no_header(name));
            }
            Err(ImportError::new(
                file,
                None,
                if tried.is_empty() {
                    "ブックにシートがありません".to_string()
                } else {
                    tried.join("。")
                },
            ))
        }
        read::Kind::Text { delimiter } => {
            let (text, encoding) =
                read::decode(bytes).map_err(|m| ImportError::new(file, None, m))?;
            let mut run = Run::new(file, None, &opts, default_year, plan);
            run.notes
                .push(format!("{encoding} のテキストとして読みました"));
            read::text_rows(&text, delimiter, &mut |n, cells, formulas| {
                run.row(n, cells, &formulas)
            })
            .map_err(|m| ImportError::new(file, None, m))?;
            drop(text);
            if run.layout.is_none() && run.pending.is_none() {
                return Err(ImportError::new(file, None, run.no_header("")));
            }
            Ok(run.finish())
        }
    }
}

/// The reading of one sheet, a row at a time.
struct Run<'a> {
    file: &'a str,
    sheet: Option<String>,
    opts: &'a SheetOptions,
    m: Matcher,
    default_year: Option<(String, u16)>,
    plan: &'a Plan,
    /// Header rows seen, not yet closed by a data row.
    pending: Option<(usize, Vec<Vec<String>>)>,
    layout: Option<Layout>,
    /// The likeliest header row when none is found, its score and its
    /// labels (for the error message).
    best_guess: Option<((usize, usize), usize, Vec<String>)>,
    /// Per row (index = row - 1): a preview of its configured cells.
    previews: Vec<String>,
    used: Vec<usize>,
    skipped: Vec<(usize, usize, SpanKind)>,
    warnings: Vec<(usize, WarningCode, String)>,
    notes: Vec<String>,
    records: Vec<Measure>,
    empty_rows: usize,
    /// Rows without a title whose configured cells hold formulas only.
    formula_rows: usize,
    /// How many fields the options configure.
    configured: usize,
}

impl<'a> Run<'a> {
    fn new(
        file: &'a str,
        sheet: Option<String>,
        opts: &'a SheetOptions,
        default_year: Option<(String, u16)>,
        plan: &'a Plan,
    ) -> Run<'a> {
        let tabular = opts.tabular();
        let configured = [
            Field::Number,
            Field::Group,
            Field::Title,
            Field::Content,
            Field::Page,
            Field::Department,
            Field::Section,
            Field::Issues,
            Field::Status,
            Field::Evaluation,
            Field::Achievement,
            Field::NextPlan,
            Field::IndicatorName,
            Field::IndicatorValue,
            Field::IndicatorTarget,
        ]
        .iter()
        .filter(|f| !opts.labels(**f).is_empty())
        .count();
        Run {
            file,
            sheet,
            opts,
            m: Matcher::new(&tabular),
            default_year,
            plan,
            pending: None,
            layout: None,
            best_guess: None,
            previews: Vec::new(),
            used: Vec::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
            records: Vec::new(),
            empty_rows: 0,
            formula_rows: 0,
            configured,
        }
    }

    /// `B12`-style name of a cell.
    fn at(&self, col: usize, row: usize) -> String {
        format!("{}{row}", column_name(col))
    }

    fn set_preview(&mut self, n: usize, preview: String) {
        if self.previews.len() < n {
            self.previews.resize(n, String::new());
        }
        if n >= 1 {
            self.previews[n - 1] = preview;
        }
    }

    fn is_header(&self, cells: &[String]) -> bool {
        let fields: std::collections::BTreeSet<Field> =
            cells.iter().filter_map(|c| self.m.field_of(c)).collect();
        let need = self.opts.header_min_labels.clamp(1, self.configured.max(1));
        fields.contains(&Field::Title) && fields.len() >= need
    }

    fn row(&mut self, n: usize, cells: Vec<String>, formulas: &[bool]) {
        if self.layout.is_none() {
            if let Some((first, rows)) = &mut self.pending {
                let title_pos = rows[0]
                    .iter()
                    .position(|c| self.m.field_of(c) == Some(Field::Title))
                    .unwrap_or(0);
                if is_continuation(&cells, title_pos, &self.m) {
                    rows.push(cells);
                    return;
                }
                let (first, rows) = (*first, std::mem::take(rows));
                self.pending = None;
                self.close_header(first, n - 1, rows);
            } else if self.is_header(&cells) {
                self.pending = Some((n, vec![cells]));
                return;
            } else {
                if cells.iter().any(|c| !c.trim().is_empty()) {
                    self.skipped.push((n, n, SpanKind::Header));
                    self.set_preview(n, "（見出しの行より上）".into());
                    // The likeliest header: most cells naming a configured
                    // field, then most short texts that are not numbers.
                    let is_label = |c: &&String| {
                        let t = c.trim();
                        !t.is_empty() && t.chars().count() <= 30 && t.parse::<f64>().is_err()
                    };
                    let score = (
                        cells
                            .iter()
                            .filter(|c| self.m.field_of(c).is_some())
                            .count(),
                        cells.iter().filter(is_label).count(),
                    );
                    if score.1 > 0 && self.best_guess.as_ref().is_none_or(|(s, _, _)| score > *s) {
                        let labels = cells.iter().filter(is_label).map(|c| fold(c)).collect();
                        self.best_guess = Some((score, n, labels));
                    }
                }
                return;
            }
        }
        self.data(n, &cells, formulas);
    }

    /// Builds the layout of the header on rows `first..=last`.
    fn close_header(&mut self, first: usize, last: usize, rows: Vec<Vec<String>>) {
        let schema = Schema::build_with(&rows, first, &self.m, self.default_year.as_ref(), false);
        let ncols = schema.columns.len();
        let mut read = vec![false; ncols];
        let mut level = vec![None; ncols];
        let mut dropped: Vec<(usize, Field)> = Vec::new();
        for (p, c) in schema.columns.iter().enumerate() {
            if let Some(f) = c.field {
                read[p] = !SINGLE.contains(&f) && f != Field::Group;
            }
        }
        // One column per single field: the best match, then the first.
        for f in SINGLE {
            let mut cands: Vec<(u8, usize)> = schema
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.field == Some(f))
                .map(|(p, c)| (quality(self.opts.labels(f), &c.label).unwrap_or(0), p))
                .collect();
            cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            if let Some(&(_, p)) = cands.first() {
                read[p] = true;
            }
            dropped.extend(cands.iter().skip(1).map(|&(_, p)| (p, f)));
        }
        // One column per hierarchy level.
        let mut taken: BTreeMap<usize, (u8, usize)> = BTreeMap::new();
        for (p, c) in schema.columns.iter().enumerate() {
            if c.field != Some(Field::Group) {
                continue;
            }
            let best = self
                .opts
                .columns
                .path
                .iter()
                .enumerate()
                .filter_map(|(i, pat)| {
                    quality(std::slice::from_ref(pat), &c.label)
                        .map(|q| (literal_len(&fold(pat)), q, i))
                })
                .max_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
            let Some((_, q, i)) = best else { continue };
            match taken.get(&i) {
                Some(&(q0, _)) if q0 >= q => dropped.push((p, Field::Group)),
                Some(&(_, p0)) => {
                    dropped.push((p0, Field::Group));
                    taken.insert(i, (q, p));
                }
                None => {
                    taken.insert(i, (q, p));
                }
            }
        }
        for (&i, &(_, p)) in &taken {
            read[p] = true;
            level[p] = Some(i);
        }
        for (p, _) in &dropped {
            read[*p] = false;
        }
        let title = (0..ncols)
            .find(|&p| read[p] && schema.columns[p].field == Some(Field::Title))
            .unwrap_or(0);

        let sheet = self
            .sheet
            .as_deref()
            .map(|s| format!("シート `{s}`、"))
            .unwrap_or_default();
        self.notes.push(if first == last {
            format!("{sheet}見出しの行 {first}")
        } else {
            format!("{sheet}見出しの行 {first}〜{last}")
        });
        let label = |p: usize| -> String {
            let l: String = fold(&schema.columns[p].label).chars().take(20).collect();
            format!("{} 「{l}」", column_name(p))
        };
        for (p, c) in schema.columns.iter().enumerate() {
            if !read[p] {
                continue;
            }
            let Some(f) = c.field else { continue };
            let what = match (f, level[p]) {
                (Field::Group, Some(i)) => format!("path[{i}]"),
                _ => f.key().to_string(),
            };
            let year = c
                .group
                .and_then(|g| schema.groups[g].year.as_ref())
                .filter(|_| f.is_progress())
                .map(|y| format!("（{}）", y.0))
                .unwrap_or_default();
            self.notes.push(format!("列 {} → {what}{year}", label(p)));
        }
        for (p, f) in &dropped {
            self.warnings.push((
                first,
                WarningCode::ColumnNotRead,
                format!(
                    "列 {} も {} に合いますが、ほかの列のほうがよく合います: この列は読み込みません",
                    label(*p),
                    f.key()
                ),
            ));
        }
        for (i, pat) in self.opts.columns.path.iter().enumerate() {
            if !taken.contains_key(&i) {
                self.warnings.push((
                    first,
                    WarningCode::ColumnNotRead,
                    format!(
                        "path[{i}] `{pat}` に合う見出しのセルがありません: その階層は抜けたままになります"
                    ),
                ));
            }
        }
        let unmapped: Vec<String> = (0..ncols)
            .filter(|&p| !read[p] && !schema.columns[p].label.trim().is_empty())
            .filter(|p| !dropped.iter().any(|(d, _)| d == p))
            .map(label)
            .collect();
        if !unmapped.is_empty() {
            const SHOWN: usize = 30;
            let more = unmapped.len().saturating_sub(SHOWN);
            self.notes.push(format!(
                "設定にない{}列は読み込みません: {}{}",
                unmapped.len(),
                unmapped
                    .iter()
                    .take(SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("、"),
                if more > 0 {
                    format!(" ほか{more}列")
                } else {
                    String::new()
                }
            ));
        }
        if schema.groups.iter().any(|g| g.year.is_none()) {
            self.warnings.push((
                first,
                WarningCode::MissingFiscalYear,
                "見出しに年度のない進捗の列があり、`fiscal_year` オプションも設定されていません"
                    .into(),
            ));
        }
        self.skipped.push((first, last, SpanKind::Header));
        for r in first..=last {
            self.set_preview(r, "（見出し）".into());
        }
        self.layout = Some(Layout {
            schema,
            read,
            title,
            level,
        });
    }

    /// A row below the header.
    fn data(&mut self, n: usize, cells: &[String], formulas: &[bool]) {
        let Some(layout) = &self.layout else { return };
        let configured: Vec<(usize, &str)> = (0..layout.read.len())
            .filter(|&p| layout.read[p])
            .filter_map(|p| {
                let c = cells.get(p)?.trim();
                (!c.is_empty()).then_some((p, c))
            })
            .collect();
        if configured.is_empty() {
            self.empty_rows += 1;
            return;
        }
        let preview: String = configured
            .iter()
            .map(|(_, c)| c.replace('\n', " "))
            .collect::<Vec<_>>()
            .join(" | ")
            .chars()
            .take(60)
            .collect();
        let title_at = self.at(layout.title, n);
        let Some(title) = cells.get(layout.title).and_then(|c| clean_name(c)) else {
            // Rows below the data whose formulas give 0 or a text: not a measure.
            if configured
                .iter()
                .all(|(p, _)| formulas.get(*p) == Some(&true))
            {
                self.formula_rows += 1;
                return;
            }
            let l = fold(&layout.schema.columns[layout.title].label);
            self.set_preview(n, preview);
            self.warnings.push((
                n,
                WarningCode::MissingTitle,
                format!(
                    "{n}行目に施策名がありません（セル {title_at}、列「{l}」が空）: 読み込みません"
                ),
            ));
            return;
        };
        let (m, warnings) = measure(
            layout,
            self.opts,
            self.plan,
            self.file,
            &self.sheet,
            n,
            cells,
            title,
        );
        self.warnings
            .extend(warnings.into_iter().map(|(code, w)| (n, code, w)));
        self.set_preview(n, preview);
        self.used.push(n);
        self.records.push(m);
    }

    /// The error message when the sheet has no header row.
    fn no_header(&self, sheet: &str) -> String {
        let labels: Vec<String> = [
            (Field::Title, "title"),
            (Field::Number, "number"),
            (Field::Department, "department"),
        ]
        .iter()
        .filter(|(f, _)| !self.opts.labels(*f).is_empty())
        .map(|(f, k)| format!("{k} = {:?}", self.opts.labels(*f)))
        .collect();
        let where_ = if sheet.is_empty() {
            String::new()
        } else {
            format!("シート `{sheet}`: ")
        };
        let guess = match &self.best_guess {
            Some((_, n, cells)) => format!(
                "。{n}行目は {}",
                cells
                    .iter()
                    .take(12)
                    .map(|c| format!("「{c}」"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            None => String::new(),
        };
        format!(
            "{where_}見出しの行が見つかりません: 施策名の列と設定した列 {} 個を含む行がありません\
             （{}）{guess}。[document.options.columns] の見出しをシートの見出しに合わせてください\
             （または header_min_labels を下げます）",
            self.opts.header_min_labels.clamp(1, self.configured.max(1)),
            labels.join("、")
        )
    }

    fn finish(mut self) -> (Vec<Measure>, Ledger) {
        if let Some((first, rows)) = self.pending.take() {
            let last = first + rows.len() - 1;
            self.close_header(first, last, rows);
        }
        if self.empty_rows > 0 {
            self.notes.push(format!(
                "見出しの下の、設定した列に文字のない{}行は読み飛ばしました（空の行、書式だけ・空の数式・\
                 設定にない列だけの行）",
                self.empty_rows
            ));
        }
        if self.formula_rows > 0 {
            self.notes.push(format!(
                "施策名がなく、設定した列が数式だけの{}行は読み飛ばしました",
                self.formula_rows
            ));
        }
        self.notes
            .push(format!("レコード {}件", self.records.len()));
        let lines: Vec<&str> = self.previews.iter().map(String::as_str).collect();
        let name = match &self.sheet {
            Some(s) => format!("{} [{s}]", self.file),
            None => self.file.to_string(),
        };
        let mut ledger = Ledger::new(&name, &lines);
        for &(a, b, k) in &self.skipped {
            ledger.skip(a, b, k);
        }
        for &n in &self.used {
            ledger.use_lines(n, n);
        }
        for (n, code, w) in self.warnings {
            ledger.warn(n, code, w);
        }
        for note in self.notes {
            ledger.note(note);
        }
        (self.records, ledger)
    }
}

/// The record of data row `n` whose title is `title`, and its warnings.
#[allow(clippy::too_many_arguments)]
fn measure(
    layout: &Layout,
    opts: &SheetOptions,
    plan: &Plan,
    file: &str,
    sheet: &Option<String>,
    n: usize,
    cells: &[String],
    title: String,
) -> (Measure, Vec<(WarningCode, String)>) {
    let mut m = Measure::new(
        plan,
        Level::Measure,
        title.clone(),
        Source {
            file: file.to_string(),
            line: n,
            line_start: n,
            line_end: n,
            sheet: sheet.clone(),
        },
    );
    let get = |f: Field| layout.cell(cells, f).map(|(_, c)| c);
    m.number = get(Field::Number).and_then(clean_text);
    m.content = get(Field::Content).and_then(text_cell).unwrap_or(title);
    m.page = get(Field::Page).and_then(clean_text);
    let mut levels: Vec<(usize, String)> = layout
        .level
        .iter()
        .enumerate()
        .filter_map(|(p, l)| {
            let text = cells.get(p).and_then(|c| path_text(c))?;
            Some(((*l)?, text))
        })
        .collect();
    levels.sort();
    m.path = levels.into_iter().map(|(_, t)| t).collect();
    let (deps, secs) = units(
        get(Field::Department).unwrap_or(""),
        get(Field::Section).unwrap_or(""),
        &opts.separate_units,
    );
    m.departments = deps;
    m.sections = secs;

    let schema = &layout.schema;
    let mut mapped: Vec<Option<String>> = vec![None; schema.columns.len()];
    for (p, value) in mapped.iter_mut().enumerate() {
        if layout.read[p] {
            *value = cells
                .get(p)
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty());
        }
    }
    for (g, group) in schema.groups.iter().enumerate() {
        let cell = |f: Field| {
            schema
                .columns
                .iter()
                .enumerate()
                .find(|(p, c)| c.group == Some(g) && c.field == Some(f) && layout.read[*p])
                .and_then(|(p, _)| mapped[p].as_deref())
                .and_then(text_cell)
        };
        let achievement = cell(Field::Achievement).as_deref().and_then(clean_text);
        let entry = ProgressEntry {
            fiscal_year: group.year.as_ref().map(|y| y.0.clone()).unwrap_or_default(),
            year: group.year.as_ref().map(|y| y.1),
            status: cell(Field::Status),
            evaluation: cell(Field::Evaluation),
            achievement_pct: achievement.as_deref().and_then(achievement_pct),
            achievement,
            next_plan: cell(Field::NextPlan),
            issues: cell(Field::Issues),
        };
        if entry.status.is_some()
            || entry.evaluation.is_some()
            || entry.achievement.is_some()
            || entry.next_plan.is_some()
            || entry.issues.is_some()
        {
            m.progress.push(entry);
        }
    }
    let mut flags = Vec::new();
    let mut warnings = Vec::new();
    let same = |c: &Option<String>| {
        c.as_deref()
            .is_some_and(|c| opts.same_as_above.iter().any(|s| fold(s) == fold(c)))
    };
    if mapped.iter().any(same) {
        flags.push("same-as-above".to_string());
    }
    read_indicator(
        schema,
        &opts.placeholders,
        &mut m,
        &mapped,
        &mut flags,
        &mut warnings,
    );
    m.flags = flags;
    (m, warnings)
}

/// A text cell (content, progress): its lines trimmed, empty lines dropped,
/// the line breaks kept (`・事業A\n・事業B`).
fn text_cell(cell: &str) -> Option<String> {
    let lines: Vec<String> = cell
        .lines()
        .map(squash_spaces)
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Departments and sections of a row (module docs).
fn units(department: &str, section: &str, separate_units: &[String]) -> (Vec<String>, Vec<String>) {
    if department.trim().is_empty() {
        return split_units(department, section, separate_units);
    }
    if !section.trim().is_empty() {
        // A department unit holding 部 and 課 together gives its 課 before
        // the section cell's units (`健康福祉部 地域福祉課` + `地域支援係`).
        let (deps, secs) = split_units(department, section, separate_units);
        let mut out_deps = Vec::new();
        let mut out_secs = Vec::new();
        for d in deps {
            match split_department(&d) {
                (Some(a), Some(b)) => {
                    out_deps.push(a);
                    out_secs.push(b);
                }
                _ => out_deps.push(d),
            }
        }
        out_secs.extend(secs);
        return (out_deps, out_secs);
    }
    let mut deps: Vec<String> = Vec::new();
    let mut secs: Vec<String> = Vec::new();
    for unit in department.split(['/', '\n']) {
        let Some(unit) = clean_text(unit) else {
            continue;
        };
        match split_department(&unit) {
            (Some(d), Some(s)) => {
                if !deps.contains(&d) {
                    deps.push(d);
                }
                secs.push(s);
            }
            (Some(d), None) => deps.push(d),
            (None, Some(s)) => secs.push(s),
            (None, None) => {}
        }
    }
    (deps, secs)
}

/// Splits one unit of a 部課名 cell: `総務部総務課` / `総務部 総務課` →
/// (`総務部`, `総務課`); `総務課` → (none, `総務課`); `総務部` → (`総務部`, none).
fn split_department(unit: &str) -> (Option<String>, Option<String>) {
    let is_section = |s: &str| s.ends_with('課') || s.ends_with('室') || s.ends_with('係');
    let words: Vec<&str> = unit.split_whitespace().collect();
    if words.len() == 2 && is_section(words[1]) {
        return (clean_name(words[0]), clean_name(words[1]));
    }
    let name = clean_name(unit).unwrap_or_default();
    if name.is_empty() {
        return (None, None);
    }
    if is_section(&name) {
        // the first 部 or 局 after at least two characters ends the department
        let chars: Vec<char> = name.chars().collect();
        if let Some(at) =
            (2..chars.len().saturating_sub(1)).find(|&i| chars[i] == '部' || chars[i] == '局')
        {
            let d: String = chars[..=at].iter().collect();
            let s: String = chars[at + 1..].iter().collect();
            return (Some(d), Some(s));
        }
        return (None, Some(name));
    }
    (Some(name), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn department_cells_are_split_into_department_and_section() {
        let none: Vec<String> = Vec::new();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            units("総務部総務課", "", &none),
            (s(&["総務部"]), s(&["総務課"]))
        );
        assert_eq!(
            units("総務部 総務課", "", &none),
            (s(&["総務部"]), s(&["総務課"]))
        );
        assert_eq!(
            units("健康福祉部健康づくり推進課\n総務部総務課", "", &none),
            (
                s(&["健康福祉部", "総務部"]),
                s(&["健康づくり推進課", "総務課"])
            )
        );
        assert_eq!(
            units("教育委員会事務局学校教育課", "", &none),
            (s(&["教育委員会事務局"]), s(&["学校教育課"]))
        );
        assert_eq!(units("市民課", "", &none), (s(&[]), s(&["市民課"])));
        assert_eq!(units("外部連携課", "", &none), (s(&[]), s(&["外部連携課"])));
        assert_eq!(units("市民生活部", "", &none), (s(&["市民生活部"]), s(&[])));
        assert_eq!(
            units("健康福祉部 地域福祉課", "地域支援係", &none),
            (s(&["健康福祉部"]), s(&["地域福祉課", "地域支援係"]))
        );
        // with a section cell, the tabular-progress rule
        assert_eq!(
            units("福祉部/各区役所", "保護管理援護課・各区福祉課", &none),
            (
                s(&["福祉部", "各区役所"]),
                s(&["保護管理援護課", "各区福祉課"])
            )
        );
    }

    #[test]
    fn labels_prefer_equal_then_prefix_then_contained() {
        let p = vec!["担当課".to_string()];
        assert_eq!(quality(&p, "担当課"), Some(2));
        assert_eq!(quality(&p, "担当\n課名"), Some(1));
        assert_eq!(quality(&p, "主担当課"), Some(0));
        assert_eq!(quality(&p, "部名"), None);
    }
}
