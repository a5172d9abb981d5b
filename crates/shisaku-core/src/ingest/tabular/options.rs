//! The `[document.options]` of a `tabular-progress` document (described in
//! the module docs of [`super`]).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::cells::{fold, glob_contains, literal_len};

/// What a column of the table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Number,
    Group,
    Title,
    Content,
    Page,
    Department,
    Section,
    Issues,
    Status,
    Evaluation,
    Achievement,
    NextPlan,
    IndicatorName,
    IndicatorValue,
    IndicatorTarget,
}

impl Field {
    /// Fields that belong to one fiscal year's progress entry.
    pub fn is_progress(self) -> bool {
        matches!(
            self,
            Field::Issues
                | Field::Status
                | Field::Evaluation
                | Field::Achievement
                | Field::NextPlan
        )
    }

    /// The option key naming this field's labels.
    pub fn key(self) -> &'static str {
        match self {
            Field::Number => "number",
            Field::Group => "group",
            Field::Title => "title",
            Field::Content => "content",
            Field::Page => "page",
            Field::Department => "department",
            Field::Section => "section",
            Field::Issues => "issues",
            Field::Status => "status",
            Field::Evaluation => "evaluation",
            Field::Achievement => "achievement",
            Field::NextPlan => "next_plan",
            Field::IndicatorName => "indicator_name",
            Field::IndicatorValue => "indicator_value",
            Field::IndicatorTarget => "indicator_target",
        }
    }
}

/// Header labels per field (`[document.options.columns]`); each entry is a
/// pattern matched loosely inside a header cell (see the module docs).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Columns {
    pub number: Vec<String>,
    pub group: Vec<String>,
    pub title: Vec<String>,
    pub content: Vec<String>,
    pub page: Vec<String>,
    pub department: Vec<String>,
    pub section: Vec<String>,
    pub issues: Vec<String>,
    pub status: Vec<String>,
    pub evaluation: Vec<String>,
    pub achievement: Vec<String>,
    pub next_plan: Vec<String>,
    pub indicator_name: Vec<String>,
    pub indicator_value: Vec<String>,
    pub indicator_target: Vec<String>,
}

impl Columns {
    fn patterns(&self) -> [(Field, &Vec<String>); 15] {
        [
            (Field::Number, &self.number),
            (Field::Group, &self.group),
            (Field::Title, &self.title),
            (Field::Content, &self.content),
            (Field::Page, &self.page),
            (Field::Department, &self.department),
            (Field::Section, &self.section),
            (Field::Issues, &self.issues),
            (Field::Status, &self.status),
            (Field::Evaluation, &self.evaluation),
            (Field::Achievement, &self.achievement),
            (Field::NextPlan, &self.next_plan),
            (Field::IndicatorName, &self.indicator_name),
            (Field::IndicatorValue, &self.indicator_value),
            (Field::IndicatorTarget, &self.indicator_target),
        ]
    }
}

/// All options of one document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    pub columns: Columns,
    /// Section-row patterns per path level: `sections[0]` are pillars.
    pub sections: Vec<Vec<String>>,
    /// Fiscal year of progress columns whose labels name none (`R5`).
    pub fiscal_year: Option<String>,
    /// Title markers to remove, each with the flag it becomes (`《新規》` → `new`).
    pub markers: BTreeMap<String, String>,
    /// Unit names that a space separates from the preceding unit in a 担当課 cell.
    pub separate_units: Vec<String>,
    /// Cells that mean "nothing" in indicator columns.
    pub placeholders: Vec<String>,
    /// Cells that mean "same as the row above" (flagged `same-as-above`).
    pub same_as_above: Vec<String>,
    /// How many cells of a row must match labels (one of them the title) for
    /// the row to be a header.
    pub header_min_labels: usize,
    /// Header cells longer than this (folded) are never labels.
    pub max_label_chars: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            columns: Columns::default(),
            sections: Vec::new(),
            fiscal_year: None,
            markers: BTreeMap::new(),
            separate_units: Vec::new(),
            placeholders: vec!["-".into()],
            same_as_above: vec!["同上".into()],
            header_min_labels: 3,
            max_label_chars: 60,
        }
    }
}

/// Folded label patterns, ready for matching.
#[derive(Debug, Clone)]
pub struct Matcher {
    patterns: Vec<(Field, String)>,
    sections: Vec<Vec<String>>,
    max_label_chars: usize,
}

impl Matcher {
    pub fn new(options: &Options) -> Matcher {
        let patterns = options
            .columns
            .patterns()
            .into_iter()
            .flat_map(|(f, ps)| ps.iter().map(move |p| (f, fold(p))))
            .filter(|(_, p)| literal_len(p) > 0)
            .collect();
        let sections = options
            .sections
            .iter()
            .map(|level| level.iter().map(|p| fold(p)).collect())
            .collect();
        Matcher {
            patterns,
            sections,
            max_label_chars: options.max_label_chars,
        }
    }

    /// The field a header cell names: the matching pattern with the most
    /// literal characters wins (`担当課の評価` beats `担当課` and `実施状況`);
    /// ties go to the field listed first.
    pub fn field_of(&self, label: &str) -> Option<Field> {
        // Cheap bound first: very long cells are texts, not labels.
        if label.chars().count() > 2 * self.max_label_chars + 16 {
            return None;
        }
        let folded = fold(label);
        if folded.is_empty() || folded.chars().count() > self.max_label_chars {
            return None;
        }
        let mut best: Option<(usize, Field)> = None;
        for (field, pattern) in &self.patterns {
            if glob_contains(pattern, &folded) {
                let score = literal_len(pattern);
                if best.is_none_or(|(s, f)| score > s || (score == s && *field < f)) {
                    best = Some((score, *field));
                }
            }
        }
        best.map(|(_, f)| f)
    }

    /// The path level of a section row's text, if it matches a pattern.
    pub fn section_level(&self, text: &str) -> Option<usize> {
        let folded = fold(text);
        self.sections
            .iter()
            .position(|level| level.iter().any(|p| super::cells::glob_match(p, &folded)))
    }
}
