//! Header rows → column schema: which field each cell position holds, which
//! fiscal year each progress column belongs to, and how the trailing cells
//! of a data row are read.

use super::cells::{find_year, fold};
use super::options::{Field, Matcher};

/// One column of a header, after merging multi-line headers.
#[derive(Debug, Clone)]
pub struct Column {
    pub field: Option<Field>,
    /// The label as printed (header lines joined with a space).
    pub label: String,
    /// The fiscal year named in the label itself, if any.
    pub year: Option<(String, u16)>,
    /// Index into [`Schema::groups`] for progress columns.
    pub group: Option<usize>,
}

/// One fiscal year's block of progress columns.
#[derive(Debug, Clone)]
pub struct Group {
    pub year: Option<(String, u16)>,
}

/// The columns of one header (valid until the next header).
#[derive(Debug, Clone)]
pub struct Schema {
    pub columns: Vec<Column>,
    pub groups: Vec<Group>,
    /// Number of cells of the header rows.
    pub width: usize,
    pub title_pos: usize,
    /// First and last header line.
    pub lines: (usize, usize),
    /// Positions (before merging) of header columns merged into the column
    /// on their left because both name the same field (see module docs).
    pub merged: Vec<(usize, Field)>,
}

/// Splits a physical line into cells (trimmed of the line end only).
pub fn split_cells(line: &str) -> Vec<String> {
    line.split('\t').map(str::to_string).collect()
}

/// True when only the first cell is non-empty.
pub fn single_cell(cells: &[String]) -> bool {
    cells.first().is_some_and(|c| !c.trim().is_empty())
        && cells[1..].iter().all(|c| c.trim().is_empty())
}

/// A header row: at least `min` non-empty cells name a field, one of them
/// the title, and they make at least half of the non-empty cells.
pub fn is_header(cells: &[String], m: &Matcher, min: usize) -> bool {
    let nonempty = cells.iter().filter(|c| !c.trim().is_empty()).count();
    let fields: Vec<Field> = cells.iter().filter_map(|c| m.field_of(c)).collect();
    fields.len() >= min.max(1) && fields.contains(&Field::Title) && fields.len() * 2 >= nonempty
}

/// A further header line (a two-line header's second line): the title cell
/// is empty, and every non-empty cell (there is one at least) names a field
/// or is a short fiscal-year label (`令和元年度`).
pub fn is_continuation(cells: &[String], title_pos: usize, m: &Matcher) -> bool {
    let title_empty = cells.get(title_pos).is_none_or(|c| c.trim().is_empty());
    let mut labels = cells.iter().filter(|c| !c.trim().is_empty()).peekable();
    title_empty
        && !single_cell(cells)
        && labels.peek().is_some()
        && labels.all(|c| {
            m.field_of(c).is_some() || (find_year(c).is_some() && fold(c).chars().count() <= 12)
        })
}

impl Schema {
    /// Builds the schema of the header rows `rows` (first line number `first`).
    pub fn build(
        rows: &[Vec<String>],
        first: usize,
        m: &Matcher,
        default_year: Option<&(String, u16)>,
    ) -> Schema {
        Self::build_with(rows, first, m, default_year, true)
    }

    /// [`Schema::build`], where `merge_split_labels` says whether two
    /// adjacent columns naming the same field are one label split over two
    /// cells (PDF-extracted text) or two columns (a spreadsheet, whose cells
    /// are exact: adjacent hierarchy columns stay apart).
    pub fn build_with(
        rows: &[Vec<String>],
        first: usize,
        m: &Matcher,
        default_year: Option<&(String, u16)>,
        merge_split_labels: bool,
    ) -> Schema {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut columns: Vec<Column> = Vec::new();
        let mut merged = Vec::new();
        for p in 0..width {
            let label = rows
                .iter()
                .filter_map(|r| r.get(p))
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let field = m.field_of(&label);
            let year = find_year(&label);
            // A label split over two header columns (both naming the same
            // field, the second without a year of its own) is one column.
            if let (true, Some(f), Some(prev)) = (merge_split_labels, field, columns.last_mut())
                && prev.field == Some(f)
                && f != Field::IndicatorValue
                && (year.is_none() || year == prev.year)
            {
                prev.label = format!("{} {}", prev.label, label);
                merged.push((p, f));
                continue;
            }
            columns.push(Column {
                field,
                label,
                year,
                group: None,
            });
        }
        // Progress columns form one group per fiscal year: a group ends when
        // a field repeats.
        let mut groups: Vec<Group> = Vec::new();
        let mut current: Vec<Field> = Vec::new();
        for c in columns.iter_mut() {
            let Some(f) = c.field.filter(|f| f.is_progress()) else {
                continue;
            };
            if groups.is_empty() || current.contains(&f) {
                groups.push(Group { year: None });
                current.clear();
            }
            current.push(f);
            let g = groups.len() - 1;
            c.group = Some(g);
            // The year of 今後 columns (`今後(令和2年度以降)`) names the years
            // planned, not the year reported on.
            if groups[g].year.is_none() && f != Field::NextPlan {
                groups[g].year = c.year.clone();
            }
        }
        for g in groups.iter_mut() {
            if g.year.is_none() {
                g.year = default_year.cloned();
            }
        }
        let title_pos = columns
            .iter()
            .position(|c| c.field == Some(Field::Title))
            .unwrap_or(0);
        Schema {
            columns,
            groups,
            width,
            title_pos,
            lines: (first, first + rows.len().saturating_sub(1)),
            merged,
        }
    }

    /// Position of the last column that names a field.
    pub fn last_labelled(&self) -> Option<usize> {
        self.columns.iter().rposition(|c| c.field.is_some())
    }

    /// Position of the first column of `field`.
    pub fn pos(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| c.field == Some(field))
    }

    /// A short name of column `p` for messages (`R2 評価`).
    pub fn describe(&self, p: usize) -> String {
        let Some(c) = self.columns.get(p) else {
            return format!("{}番目のセル", p + 1);
        };
        let label: String = fold(&c.label).chars().take(16).collect();
        match c.group.and_then(|g| self.groups[g].year.as_ref()) {
            Some((y, _)) if c.field != Some(Field::IndicatorValue) => format!("{y} 「{label}」"),
            _ => format!("「{label}」"),
        }
    }
}

/// The cells of one data row read through a schema.
pub struct Mapped {
    /// Cell text per schema column (`None` when missing).
    pub cells: Vec<Option<String>>,
    /// Non-empty cells after the last labelled column that could not be
    /// placed (more than one candidate for the last column).
    pub ambiguous_tail: Vec<(usize, String)>,
    /// Non-empty cells under a column without label.
    pub unlabelled: Vec<(usize, String)>,
    /// The row has fewer cells than the schema needs.
    pub short: bool,
}

/// Maps a data row onto `schema`: cell `i` goes to column `i`; the last
/// labelled column takes the last non-empty cell from its position to the
/// end of the row (so a value that drifts right, like 目標値, is found).
pub fn map_row(schema: &Schema, cells: &[String], placeholders: &[String]) -> Mapped {
    let last = schema.last_labelled().unwrap_or(0);
    let mut out = vec![None; schema.columns.len()];
    let mut unlabelled = Vec::new();
    for (p, col) in schema.columns.iter().enumerate().take(last) {
        let Some(cell) = cells.get(p).map(|c| c.trim()).filter(|c| !c.is_empty()) else {
            continue;
        };
        if col.field.is_some() {
            out[p] = Some(cell.to_string());
        } else {
            unlabelled.push((p, cell.to_string()));
        }
    }
    let tail: Vec<(usize, &str)> = cells
        .iter()
        .enumerate()
        .skip(last)
        .map(|(i, c)| (i, c.trim()))
        .filter(|(_, c)| !c.is_empty())
        .collect();
    let is_placeholder = |c: &str| placeholders.iter().any(|p| fold(p) == fold(c));
    let real: Vec<&(usize, &str)> = tail.iter().filter(|(_, c)| !is_placeholder(c)).collect();
    let mut ambiguous_tail = Vec::new();
    if let Some((_, c)) = tail.last() {
        out[last] = Some(c.to_string());
    }
    if real.len() > 1 {
        ambiguous_tail = real.iter().map(|(i, c)| (*i, c.to_string())).collect();
    }
    Mapped {
        cells: out,
        ambiguous_tail,
        unlabelled,
        short: cells.len() <= last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::tabular::options::{Columns, Options};

    fn matcher() -> Matcher {
        let options = Options {
            columns: Columns {
                group: vec!["計画における項目".into(), "における項".into()],
                title: vec!["実施内容".into()],
                page: vec!["ページ".into()],
                department: vec!["担当部署".into()],
                section: vec!["担当課".into()],
                status: vec!["実施状況".into()],
                evaluation: vec!["担当課の評価".into()],
                achievement: vec!["達成度".into()],
                next_plan: vec!["今後".into(), "実施計".into()],
                ..Columns::default()
            },
            ..Options::default()
        };
        Matcher::new(&options)
    }

    fn row(s: &str) -> Vec<String> {
        split_cells(s)
    }

    #[test]
    fn two_line_header_with_a_split_label_is_merged() {
        let m = matcher();
        let l16 = row(
            "計画における項目\t実施内容\t計画書ページ\t担当部署\t担当課\t令和元年度実施状況\t\t達成度(%)\t今後(令和2年度以降)の実施計画\t令和2年度実施状況\t令和2年度実施状況に関する担当課の評価\t\t達成度(%)\t今後(令和3年度以降)の実施計画",
        );
        let l17 = row(
            "\t\t\t\t\t令和元年度\t実施状況に関する担当課の評価\t\t\t\t令和2年度\t実施状況に関する担当課の評価\t\t",
        );
        assert!(is_header(&l16, &m, 3));
        assert!(is_continuation(&l17, 1, &m));
        let s = Schema::build(&[l16, l17], 16, &m, None);
        assert_eq!(s.width, 14);
        assert_eq!(s.columns.len(), 13);
        assert_eq!(s.merged, vec![(11, Field::Evaluation)]);
        let fields: Vec<_> = s.columns.iter().map(|c| c.field.unwrap()).collect();
        assert_eq!(
            fields[9..],
            [
                Field::Status,
                Field::Evaluation,
                Field::Achievement,
                Field::NextPlan
            ]
        );
        assert_eq!(s.groups.len(), 2);
        assert_eq!(s.groups[0].year.as_ref().unwrap().0, "R1");
        assert_eq!(s.groups[1].year.as_ref().unwrap().0, "R2");
        assert_eq!(s.columns[8].group, Some(0));
        // A data row of 14 cells, the last empty, maps cell by cell.
        let mut data: Vec<String> = (0..13).map(|i| format!("c{i}")).collect();
        data.push(String::new());
        let mapped = map_row(&s, &data, &[]);
        assert_eq!(mapped.cells[12].as_deref(), Some("c12"));
        assert!(mapped.ambiguous_tail.is_empty() && !mapped.short);
    }

    #[test]
    fn the_last_column_takes_the_last_non_empty_cell() {
        let m = Matcher::new(&Options {
            columns: Columns {
                title: vec!["内容".into()],
                indicator_name: vec!["指標名".into()],
                indicator_target: vec!["目標値".into()],
                ..Columns::default()
            },
            ..Options::default()
        });
        let s = Schema::build(&[row("内容\t指標名\t目標値")], 1, &m, None);
        let ph = vec!["-".to_string()];
        let r = map_row(&s, &row("a\tb\t\t\t5件\t"), &ph);
        assert_eq!(r.cells[2].as_deref(), Some("5件"));
        let r = map_row(&s, &row("a\t-\t-\t-"), &ph);
        assert_eq!(r.cells[2].as_deref(), Some("-"));
        assert!(r.ambiguous_tail.is_empty());
        let r = map_row(&s, &row("a\tb\t3件\t5件"), &ph);
        assert_eq!(r.ambiguous_tail.len(), 2);
        let r = map_row(&s, &row("a"), &ph);
        assert!(r.short);
    }

    #[test]
    fn data_rows_are_not_headers() {
        let m = matcher();
        let data = row(
            "関連施策\t下水道事業受益者負担金の納付相談\tP.49\t上下水道局総務部\t給排水設備課\t電話\t令和元年\t評価なし\t継続して実施\t電話\t令和2年度\t評価なし\t継続して実施",
        );
        assert!(!is_header(&data, &m, 3));
    }
}
