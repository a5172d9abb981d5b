//! The per-document ledger that makes "nothing dropped silently" structural:
//! an importer marks each line as used by a record or skipped with a reason;
//! whatever non-blank line is left unmarked at the end is reported as an
//! `unclassified` span with a warning.

use serde::Serialize;

/// Why a span of input is not part of any record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpanKind {
    /// Table headers, column captions, form instructions.
    Header,
    /// Page furniture: repeated page headers, captions, tables of contents,
    /// photo placeholders, legends.
    PageFurniture,
    /// Narrative prose of the plan (chapters, explanations, column boxes).
    Prose,
    /// Structure that resembles measures but is not (e.g. the previous plan's
    /// policies quoted in a background chapter).
    Decoy,
    /// A line that no rule accounted for. Importers must leave none; tests assert it.
    Unclassified,
}

impl SpanKind {
    /// What the span is, in Japanese, for the printed reports.
    pub fn label_ja(self) -> &'static str {
        match self {
            SpanKind::Header => "見出し・表の項目名",
            SpanKind::PageFurniture => "ページの飾り（柱・目次・図表の見出しなど）",
            SpanKind::Prose => "本文の説明文",
            SpanKind::Decoy => "施策に似た別の記載",
            SpanKind::Unclassified => "分類できない行",
        }
    }
}

/// What a warning is about: a stable name for programs and tests (the JSON
/// report's `code`), while `message` says it in Japanese with the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// Input lines no rule read into a record.
    NotRead,
    /// Control characters (NUL and the like) dropped from a line or record.
    ControlCharacters,
    /// A JSONL line that is not a JSON record of the expected shape.
    InvalidRecord,
    /// A record or row without a title.
    MissingTitle,
    /// A fiscal-year label that names no fiscal year, kept as written.
    UnknownFiscalYear,
    /// Progress columns without a fiscal year and no `fiscal_year` option.
    MissingFiscalYear,
    /// A table row before any header row.
    RowBeforeHeader,
    /// Header cells whose column cannot be placed exactly.
    HeaderAmbiguous,
    /// A row continued over several lines, joined.
    RowJoined,
    /// A marker (`新規` and the like) in a cell of its own, joined with the next.
    MarkerJoined,
    /// A title cell that holds only a marker.
    TitleOnlyMarker,
    /// A cell that holds what another column should (a section name as a
    /// department, an evaluation repeating the status).
    CellMisplaced,
    /// A block of progress cells one cell short or with an empty cell.
    CellMissing,
    /// Cells past the last column, or under a column without a header label.
    CellUnassigned,
    /// A row with fewer cells than its header: probably truncated.
    RowTruncated,
    /// Columns empty on a whole page, so the texts cannot be assigned.
    ColumnsUndecidable,
    /// Progress cells that repeat another record's.
    ProgressCopied,
    /// A section row with no measure below it.
    EmptySection,
    /// Indicator values and target in different units.
    UnitMismatch,
    /// A header column not read (another column matches better, or no
    /// column matches a configured level).
    ColumnNotRead,
    /// No measure found where the format expects them.
    NoMeasures,
    /// A page header or block without the line that should close it.
    BlockUnclosed,
    /// Report years not named by any header; defaults assumed.
    YearsAssumed,
    /// Text where the format expects none, read as part of a neighbour.
    UnexpectedText,
    /// A measure outside any heading of the level above: its path is empty
    /// or incomplete.
    OutsideHeading,
    /// A block or text that breaks off: the document is probably truncated.
    Truncated,
    /// A measure without its description or explanatory text.
    MissingDescription,
    /// A measure without its plan page, section, department line or status line.
    MissingField,
    /// A heading printed in an unexpected form, read as the nearest one.
    HeadingIrregular,
    /// Numbers of initiatives that are not consecutive.
    NumberGap,
    /// Project table rows outside a project list, or without their caption
    /// row or project name.
    TableOutOfPlace,
    /// A second value where one is expected; the first or the usual one kept.
    DuplicateValue,
}

/// A warning about one line of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub file: String,
    pub line: usize,
    pub code: WarningCode,
    /// What happened, in Japanese, with the offending text and what was done.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// A run of consecutive lines skipped for the same reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnusedSpan {
    pub kind: SpanKind,
    pub line_start: usize,
    pub line_end: usize,
    /// The first line of the span, shortened, so a report reader can see it.
    pub preview: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    None,
    Used,
    Skipped(SpanKind),
}

/// Tracks what happened to every line of one document.
#[derive(Debug)]
pub struct Ledger {
    file: String,
    lines: Vec<String>,
    marks: Vec<Mark>,
    warnings: Vec<Warning>,
    notes: Vec<String>,
}

impl Ledger {
    pub fn new(file: &str, lines: &[&str]) -> Ledger {
        Ledger {
            file: file.to_string(),
            lines: lines.iter().map(|l| l.to_string()).collect(),
            marks: vec![Mark::None; lines.len()],
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn range(&self, first: usize, last: usize) -> std::ops::Range<usize> {
        let first = first.max(1);
        let last = last.min(self.marks.len());
        (first - 1)..last.max(first - 1)
    }

    /// Marks lines `first..=last` (1-based) as read into a record.
    pub fn use_lines(&mut self, first: usize, last: usize) {
        for i in self.range(first, last) {
            self.marks[i] = Mark::Used;
        }
    }

    /// Marks lines `first..=last` (1-based) as skipped for `kind`, unless a
    /// record already used them.
    pub fn skip(&mut self, first: usize, last: usize, kind: SpanKind) {
        for i in self.range(first, last) {
            if self.marks[i] != Mark::Used {
                self.marks[i] = Mark::Skipped(kind);
            }
        }
    }

    /// True when line `n` is already used or skipped.
    pub fn is_marked(&self, n: usize) -> bool {
        n >= 1 && n <= self.marks.len() && self.marks[n - 1] != Mark::None
    }

    /// Records a warning about line `line`.
    pub fn warn(&mut self, line: usize, code: WarningCode, message: impl Into<String>) {
        self.warnings.push(Warning {
            file: self.file.clone(),
            line,
            code,
            message: message.into(),
        });
    }

    /// Records how the document was read (header row, column mapping,
    /// counts): shown once in the report and by `shisaku check`.
    pub fn note(&mut self, message: impl Into<String>) {
        self.notes.push(message.into());
    }

    /// The notes recorded so far (taken out of the ledger).
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// Closes the ledger: unmarked non-blank lines become `unclassified` spans
    /// (with a warning each); skipped lines are grouped into spans.
    pub fn finish(mut self) -> (Vec<Warning>, Vec<UnusedSpan>) {
        let mut spans: Vec<UnusedSpan> = Vec::new();
        for (i, mark) in self.marks.iter().enumerate() {
            let line = &self.lines[i];
            let kind = match mark {
                Mark::Used => continue,
                Mark::Skipped(k) => *k,
                Mark::None if line.trim().is_empty() => continue,
                Mark::None => SpanKind::Unclassified,
            };
            let n = i + 1;
            match spans.last_mut() {
                Some(s) if s.kind == kind && s.line_end + 1 == n => s.line_end = n,
                Some(s)
                    if s.kind == kind
                        && (s.line_end + 1..n).all(|b| self.lines[b - 1].trim().is_empty()) =>
                {
                    s.line_end = n
                }
                _ => spans.push(UnusedSpan {
                    kind,
                    line_start: n,
                    line_end: n,
                    preview: preview(line),
                }),
            }
        }
        for s in spans.iter().filter(|s| s.kind == SpanKind::Unclassified) {
            self.warnings.push(Warning {
                file: self.file.clone(),
                line: s.line_start,
                code: WarningCode::NotRead,
                message: if s.line_start == s.line_end {
                    format!(
                        "{}行目はどのレコードにも読み込まれていません: {}",
                        s.line_start, s.preview
                    )
                } else {
                    format!(
                        "{}〜{}行目はどのレコードにも読み込まれていません: {}",
                        s.line_start, s.line_end, s.preview
                    )
                },
            });
        }
        self.warnings.sort_by_key(|w| w.line);
        (self.warnings, spans)
    }
}

fn preview(line: &str) -> String {
    let t: String = line.trim().chars().take(40).collect();
    if line.trim().chars().count() > 40 {
        format!("{t}…")
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmarked_lines_are_reported_and_blank_lines_are_not() {
        let lines = ["見出し", "", "本文", "残り", "", "余り"];
        let mut l = Ledger::new("x.txt", &lines);
        l.skip(1, 1, SpanKind::Header);
        l.use_lines(3, 3);
        let (warnings, spans) = l.finish();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].kind, SpanKind::Header);
        assert_eq!(
            (spans[1].kind, spans[1].line_start, spans[1].line_end),
            (SpanKind::Unclassified, 4, 6)
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, 4);
        assert_eq!(warnings[0].code, WarningCode::NotRead);
    }

    #[test]
    fn skip_does_not_override_use() {
        let lines = ["a", "b"];
        let mut l = Ledger::new("x.txt", &lines);
        l.use_lines(1, 2);
        l.skip(1, 2, SpanKind::Prose);
        let (_, spans) = l.finish();
        assert!(spans.is_empty());
    }
}
