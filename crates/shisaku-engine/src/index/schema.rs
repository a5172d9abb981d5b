//! The index schema: which parts of a [`Measure`] go into which field, with
//! which analyzer, and the facet fields.

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::values::{name_key, status_of};
use shisaku_core::analysis;
use shisaku_core::model::Measure;

/// The facets every search counts, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    Plan,
    PlanKind,
    Municipality,
    Pillar,
    Department,
    Section,
    Level,
    Year,
    Status,
    Body,
}

pub const FACETS: [Facet; 10] = [
    Facet::Plan,
    Facet::PlanKind,
    Facet::Municipality,
    Facet::Pillar,
    Facet::Department,
    Facet::Section,
    Facet::Level,
    Facet::Year,
    Facet::Status,
    Facet::Body,
];

/// Other names a filter may give a facet (`?dept=…` is `?department=…`):
/// the one list, read by the CLI's and the API's filters alike.
pub const FACET_ALIASES: [(&str, Facet); 6] = [
    ("kind", Facet::PlanKind),
    ("dept", Facet::Department),
    ("fiscal_year", Facet::Year),
    ("evaluation", Facet::Status),
    ("bodies", Facet::Body),
    ("implementing_body", Facet::Body),
];

impl Facet {
    /// The key used in filters (`--filter plan_kind=…`, `?plan_kind=…`) and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Facet::Plan => "plan",
            Facet::PlanKind => "plan_kind",
            Facet::Municipality => "municipality",
            Facet::Pillar => "pillar",
            Facet::Department => "department",
            Facet::Section => "section",
            Facet::Level => "level",
            Facet::Year => "year",
            Facet::Status => "status",
            Facet::Body => "body",
        }
    }

    /// Japanese label for the UI.
    pub fn label_ja(self) -> &'static str {
        match self {
            Facet::Plan => "計画",
            Facet::PlanKind => "計画の種類",
            Facet::Municipality => "自治体",
            Facet::Pillar => "基本施策・方針",
            Facet::Department => "担当部署",
            Facet::Section => "担当課",
            Facet::Level => "階層",
            Facet::Year => "年度",
            Facet::Status => "評価・状況",
            Facet::Body => "実施主体",
        }
    }

    /// The facet of a key or of one of its [`FACET_ALIASES`].
    pub fn parse(key: &str) -> Option<Facet> {
        FACETS.into_iter().find(|f| f.key() == key).or_else(|| {
            FACET_ALIASES
                .iter()
                .find(|(alias, _)| *alias == key)
                .map(|&(_, f)| f)
        })
    }

    fn field_name(self) -> String {
        format!("f_{}", self.key())
    }

    /// The facet's values for one record.
    pub fn values(self, m: &Measure) -> Vec<String> {
        let mut v: Vec<String> = match self {
            Facet::Plan => vec![m.plan.name.clone()],
            Facet::PlanKind => vec![m.plan.kind.as_str().to_string()],
            Facet::Municipality => vec![m.plan.municipality.clone()],
            Facet::Pillar => m.pillar().map(name_key).into_iter().collect(),
            Facet::Department => m.departments.iter().map(|d| name_key(d)).collect(),
            Facet::Section => m.sections.iter().map(|d| name_key(d)).collect(),
            Facet::Level => vec![m.level.as_str().to_string()],
            Facet::Year => m.progress.iter().map(|p| p.fiscal_year.clone()).collect(),
            // each year's verdict: its evaluation's, else its achievement's
            Facet::Status => m
                .progress
                .iter()
                .filter_map(|p| {
                    p.evaluation
                        .as_deref()
                        .and_then(status_of)
                        .or_else(|| p.achievement.as_deref().and_then(status_of))
                })
                .map(String::from)
                .collect(),
            Facet::Body => m.bodies.iter().map(|b| name_key(&b.name)).collect(),
        };
        v.retain(|s| !s.trim().is_empty());
        v.sort();
        v.dedup();
        v
    }
}

/// Field handles of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    pub record: Field,
    pub title: Field,
    pub title_reading: Field,
    pub title_bigram: Field,
    pub content: Field,
    pub content_reading: Field,
    pub content_bigram: Field,
    pub progress: Field,
    pub department: Field,
    pub section: Field,
    /// Document order (file index × 1e6 + line), fast, for sorting.
    pub order: Field,
    /// First department, fast, for sorting by department.
    pub dept_key: Field,
    pub facets: Vec<(Facet, Field)>,
}

fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

pub(super) fn build_schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STRING | STORED);
    b.add_text_field("record", STORED);
    for base in ["title", "content"] {
        b.add_text_field(base, text(analysis::WORD));
        b.add_text_field(&format!("{base}_reading"), text(analysis::READING));
        b.add_text_field(&format!("{base}_bigram"), text(analysis::BIGRAM));
    }
    b.add_text_field("progress", text(analysis::WORD));
    b.add_text_field("department", text(analysis::WORD));
    b.add_text_field("section", text(analysis::WORD));
    b.add_u64_field("order", FAST);
    b.add_text_field("dept_key", STRING | FAST);
    for f in super::FACETS {
        b.add_text_field(&f.field_name(), STRING | FAST);
    }
    b.build()
}

impl Fields {
    pub(super) fn from_schema(schema: &Schema) -> Result<Fields, String> {
        let get = |n: &str| {
            schema.get_field(n).map_err(|_| {
                format!("field {n} missing: the index was built by another version; rebuild it")
            })
        };
        Ok(Fields {
            id: get("id")?,
            record: get("record")?,
            title: get("title")?,
            title_reading: get("title_reading")?,
            title_bigram: get("title_bigram")?,
            content: get("content")?,
            content_reading: get("content_reading")?,
            content_bigram: get("content_bigram")?,
            progress: get("progress")?,
            department: get("department")?,
            section: get("section")?,
            order: get("order")?,
            dept_key: get("dept_key")?,
            facets: super::FACETS
                .iter()
                .map(|f| get(&f.field_name()).map(|field| (*f, field)))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The fast-field name of a facet.
    pub fn facet_field_name(f: Facet) -> String {
        f.field_name()
    }

    pub(super) fn document(
        &self,
        m: &Measure,
        order: u64,
    ) -> Result<TantivyDocument, serde_json::Error> {
        let mut d = TantivyDocument::default();
        d.add_text(self.id, &m.id);
        d.add_text(self.record, serde_json::to_string(m)?);
        for f in [self.title, self.title_reading, self.title_bigram] {
            d.add_text(f, &m.title);
        }
        for f in [self.content, self.content_reading, self.content_bigram] {
            d.add_text(f, &m.content);
        }
        for p in &m.progress {
            for t in [&p.status, &p.evaluation, &p.next_plan, &p.issues]
                .into_iter()
                .flatten()
            {
                d.add_text(self.progress, t);
            }
        }
        for ind in &m.indicators {
            d.add_text(self.progress, &ind.name);
        }
        // the hierarchy (pillar, group) is context, weighed like progress text
        for p in &m.path {
            d.add_text(self.progress, p);
        }
        for x in &m.departments {
            d.add_text(self.department, x);
        }
        for x in &m.sections {
            d.add_text(self.section, x);
        }
        d.add_u64(self.order, order);
        d.add_text(
            self.dept_key,
            m.departments
                .first()
                .map(String::as_str)
                .unwrap_or("\u{10FFFF}"),
        );
        for (facet, field) in &self.facets {
            for v in facet.values(m) {
                d.add_text(*field, v);
            }
        }
        Ok(d)
    }
}
