//! The normalized record every importer produces: a [`Measure`] of a [`Plan`],
//! with its yearly [`ProgressEntry`]s, [`Indicator`]s, implementing [`Body`]s
//! and the [`Source`] lines it was read from. Pure data, no I/O.
//!
//! The JSON names are a public contract (`shisaku export`, the HTTP API and
//! scripts outside the project read them): `id`, `title`, `level`, `plan`
//! {`name`, `kind`, `municipality`}, `path`, `departments`, `sections`,
//! `content`, `progress`, `indicators`, `source` {`file`, `line`, `line_end`}.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// What a plan is about; the facet `plan_kind`. Any short ASCII id
/// (`health-promotion`, `administrative-evaluation`): lowercase letters,
/// digits and `-`, starting with a letter, at most [`PlanKind::MAX_LEN`]
/// characters. The known kinds have built-in Japanese labels; a plan of any
/// other kind names its label in the manifest (`kind_label`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "suicide-prevention"))]
pub struct PlanKind(Cow<'static, str>);

impl PlanKind {
    pub const SUICIDE_PREVENTION: PlanKind = PlanKind(Cow::Borrowed("suicide-prevention"));
    pub const GENDER_EQUALITY: PlanKind = PlanKind(Cow::Borrowed("gender-equality"));
    pub const REGIONAL_WELFARE: PlanKind = PlanKind(Cow::Borrowed("regional-welfare"));

    /// The kinds with a built-in Japanese label.
    pub const KNOWN: [PlanKind; 3] = [
        PlanKind::SUICIDE_PREVENTION,
        PlanKind::GENDER_EQUALITY,
        PlanKind::REGIONAL_WELFARE,
    ];

    /// The longest kind id accepted.
    pub const MAX_LEN: usize = 40;

    /// The stable machine name (`suicide-prevention`, …).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The built-in Japanese label of a known kind.
    pub fn builtin_label(&self) -> Option<&'static str> {
        match self.as_str() {
            "suicide-prevention" => Some("自殺対策"),
            "gender-equality" => Some("男女共同参画"),
            "regional-welfare" => Some("地域福祉"),
            _ => None,
        }
    }

    /// Checks a kind id; the error says what is wrong with it.
    pub fn parse(s: &str) -> Result<PlanKind, String> {
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let starts = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if s.is_empty() || s.len() > Self::MAX_LEN || !ok_chars || !starts || s.ends_with('-') {
            return Err(format!(
                "plan kind {s:?} is not a kind id: use 1-{} lowercase ASCII letters, digits and `-`, \
                 starting with a letter (e.g. `health-promotion`), and name its Japanese label in \
                 `kind_label`",
                Self::MAX_LEN
            ));
        }
        Ok(Self::KNOWN
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or_else(|| PlanKind(Cow::Owned(s.to_string()))))
    }
}

impl TryFrom<String> for PlanKind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        PlanKind::parse(&s)
    }
}

impl From<PlanKind> for String {
    fn from(k: PlanKind) -> String {
        k.0.into_owned()
    }
}

impl fmt::Display for PlanKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A plan (計画) as described in `seeds/manifest.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "PlanFields")]
pub struct Plan {
    /// Short stable key from the manifest (`kumamoto-suicide`); part of every measure id.
    pub id: String,
    pub name: String,
    pub kind: PlanKind,
    /// The Japanese label of `kind` when it has no built-in one (`健康増進`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind_label: Option<String>,
    pub municipality: String,
    /// Plan period as printed (`令和元年度～令和5年度`), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

/// The fields of a [`Plan`] as written, before the kind and its label are checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFields {
    id: String,
    name: String,
    kind: PlanKind,
    #[serde(default)]
    kind_label: Option<String>,
    municipality: String,
    #[serde(default)]
    period: Option<String>,
}

/// The longest `kind_label` accepted (characters).
const MAX_KIND_LABEL: usize = 30;

impl TryFrom<PlanFields> for Plan {
    type Error = String;
    fn try_from(p: PlanFields) -> Result<Plan, String> {
        let kind_label = p
            .kind_label
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty());
        if let Some(l) = &kind_label
            && l.chars().count() > MAX_KIND_LABEL
        {
            return Err(format!(
                "kind_label {l:?} is longer than {MAX_KIND_LABEL} characters"
            ));
        }
        if kind_label.is_none() && p.kind.builtin_label().is_none() {
            return Err(format!(
                "plan kind `{}` has no built-in Japanese label: add kind_label = \"…\" (e.g. \"健康増進\") \
                 to the plan (built-in kinds: {})",
                p.kind,
                PlanKind::KNOWN.map(|k| k.to_string()).join(", ")
            ));
        }
        Ok(Plan {
            id: p.id,
            name: p.name,
            kind: p.kind,
            kind_label,
            municipality: p.municipality,
            period: p.period,
        })
    }
}

impl Plan {
    /// The Japanese label of the plan's kind shown to users: the manifest's
    /// `kind_label`, else the built-in label of a known kind.
    pub fn kind_label_ja(&self) -> &str {
        self.kind_label
            .as_deref()
            .or_else(|| self.kind.builtin_label())
            .unwrap_or(self.kind.as_str())
    }
}

/// Where in a plan's hierarchy a record sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// A measure (施策 / 取組番号 row / block) of a progress report.
    Measure,
    /// An initiative (【取組N】) of a plan draft.
    Initiative,
    /// A project (事業) listed under an initiative.
    Project,
    /// A direction (取組の方向性) of a plan chapter.
    Direction,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Measure,
        Level::Initiative,
        Level::Project,
        Level::Direction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Measure => "measure",
            Level::Initiative => "initiative",
            Level::Project => "project",
            Level::Direction => "direction",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Level::Measure => "施策",
            Level::Initiative => "取組",
            Level::Project => "事業",
            Level::Direction => "方向性",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One fiscal year's progress on a measure. Every text is kept as printed
/// (trimmed, cell-wrap spaces kept inside sentences).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressEntry {
    /// Fiscal year, normalized to `R<n>` from 令和 on and `H<n>` before
    /// (令和元年度 = `R1`, 平成30年度 = `H30`; see `ingest::text::fiscal_year`).
    pub fiscal_year: String,
    /// Western calendar start year of the fiscal year (R1 = 2019), for the year facet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// What was done (実施状況 / 取り組み実績 / result text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The section's own evaluation (評価: free text, or A/B/C, or `ア　実施済`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<String>,
    /// 達成度 as printed (`100`, `100 %`, `実施済み`, per-ward lists…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement: Option<String>,
    /// 達成度 as a percentage when the printed value is a single number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_pct: Option<f64>,
    /// The plan for the following year(s) (今後の実施計画 / 今後の課題).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_plan: Option<String>,
    /// Issues carried from the previous year (昨年度の課題), where the document has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issues: Option<String>,
}

/// One printed value of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorValue {
    /// `R3`, `R4`, …
    pub fiscal_year: String,
    /// As printed (`2,603件`, `18.8%`).
    pub raw: String,
    /// The number in `raw`, separators removed, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// A performance indicator (成果指標) of a measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default)]
    pub values: Vec<IndicatorValue>,
    /// Target (目標値) as printed; `None` when the document prints `-`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_value: Option<f64>,
}

/// Role of an implementing body of a project (004: ◎ lead, ○ partner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum BodyRole {
    Lead,
    Partner,
}

/// An implementing body (実施主体) of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Body {
    pub name: String,
    pub role: BodyRole,
}

/// Provenance: the seed file and 1-based lines (or sheet rows) a record was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Source {
    /// File name inside `seeds/` (no directory).
    pub file: String,
    /// The line on which the record's title stands.
    pub line: usize,
    /// First line read for this record (≤ `line`).
    pub line_start: usize,
    /// Last line read for this record (≥ `line`).
    pub line_end: usize,
    /// The sheet of a workbook the record was read from (its lines are then
    /// the sheet's row numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// One normalized measure record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Measure {
    /// Stable id: the same measure keeps it across rebuilds and unrelated edits
    /// (see `ingest::assign_ids`).
    pub id: String,
    pub plan: Plan,
    pub level: Level,
    /// Hierarchy from the pillar down to the record's parent group, e.g.
    /// `["基本施策1 地域におけるネットワークの強化", "ア. 自殺対策としてのネットワーク"]`.
    pub path: Vec<String>,
    /// The document's own number for the record (取組番号 `65`, 【取組3】 → `3`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    /// The measure's own description (実施内容 / 取り組み内容 / 事業概要 / block text).
    pub content: String,
    pub departments: Vec<String>,
    pub sections: Vec<String>,
    /// Plan page as printed (`P.45`, `18`, `Ｒ３追加`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(default)]
    pub progress: Vec<ProgressEntry>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bodies: Vec<Body>,
    /// 主な活動の単位 (004), e.g. `校区`, `市内全域`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_unit: Option<String>,
    /// Free-form flags an importer raises about this record
    /// (e.g. `columns-ambiguous`, `new` for 《新規》).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    pub source: Source,
    /// The source document as people know it: its description in the
    /// manifest (set on import; `None` where the manifest gives none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

impl Measure {
    /// A record with only the required parts set; importers fill in the rest.
    pub fn new(plan: &Plan, level: Level, title: impl Into<String>, source: Source) -> Measure {
        Measure {
            id: String::new(),
            plan: plan.clone(),
            level,
            path: Vec::new(),
            number: None,
            title: title.into(),
            content: String::new(),
            departments: Vec::new(),
            sections: Vec::new(),
            page: None,
            progress: Vec::new(),
            indicators: Vec::new(),
            bodies: Vec::new(),
            activity_unit: None,
            flags: Vec::new(),
            source,
            document: None,
        }
    }

    /// The pillar (top of `path`), the facet `pillar`.
    pub fn pillar(&self) -> Option<&str> {
        self.path.first().map(String::as_str)
    }
}

/// A plan page as printed (`P.45`, `45`, `Ｐ４５`, `45ページ`) in one form,
/// `p. 45`; a page that is not a number (`Ｒ３追加`) as printed, in half width.
pub fn page_label(printed: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let s: String = printed.nfkc().collect();
    let s = s.trim();
    let bare = s
        .strip_prefix(['P', 'p'])
        .map(|r| r.trim_start_matches('.').trim_start())
        .unwrap_or(s);
    let bare = bare
        .strip_suffix("ページ")
        .or_else(|| bare.strip_suffix('頁'))
        .unwrap_or(bare)
        .trim();
    let number = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let is_page = number(bare)
        || bare
            .split_once(['-', '〜', '~'])
            .is_some_and(|(a, b)| number(a.trim()) && number(b.trim()));
    if is_page {
        format!("p. {}", bare.replace(' ', ""))
    } else {
        s.to_string()
    }
}

/// The first fiscal year of the Heisei era (平成元年度) and of Reiwa (令和元年度).
const HEISEI_1: u16 = 1989;
const REIWA_1: u16 = 2019;

/// The normalized label of the fiscal year starting in April of `year`:
/// `R<n>` from 2019 (令和元年度 = `R1`), `H<n>` from 1989 to 2018 (平成30年度 =
/// `H30`); `None` before 1989 or after 2099.
pub fn year_label(year: u16) -> Option<String> {
    match year {
        REIWA_1..=2099 => Some(format!("R{}", year - REIWA_1 + 1)),
        HEISEI_1..REIWA_1 => Some(format!("H{}", year - HEISEI_1 + 1)),
        _ => None,
    }
}

/// The Japanese name of a normalized label: `R1` → `令和元年度`, `H30` →
/// `平成30年度`; anything else as it is.
pub fn year_label_ja(label: &str) -> String {
    let (era, n) = match (label.strip_prefix('R'), label.strip_prefix('H')) {
        (Some(n), _) => ("令和", n),
        (_, Some(n)) => ("平成", n),
        _ => return label.to_string(),
    };
    match n {
        "1" => format!("{era}元年度"),
        _ if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => format!("{era}{n}年度"),
        _ => label.to_string(),
    }
}

/// Normalizes a fiscal-year label to one form ([`year_label`]: `R<n>` or
/// `H<n>`) and its western start year. Accepts 令和/平成 (`令和2年度`,
/// `令和元年度`, `R2`, `Ｒ２`, `H30`, `平成30年度`) and western years (`2024`,
/// `2024年度`), full-width digits included. The label must *start* with the
/// year; what follows it is ignored (`令和2年度以降`). One year has one form:
/// `平成31年度` (April 2019) is `R1`.
pub fn fiscal_year(label: &str) -> Option<(String, u16)> {
    let folded: String = label.nfkc().filter(|c| !c.is_whitespace()).collect();
    let era = |rest: &str| -> Option<u16> {
        if rest.starts_with('元') {
            return Some(1);
        }
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        (digits.len() <= 2).then(|| digits.parse().ok()).flatten()
    };
    let year = if let Some(rest) = folded
        .strip_prefix("令和")
        .or_else(|| folded.strip_prefix('R'))
    {
        REIWA_1 - 1 + era(rest).filter(|&n| n >= 1)?
    } else if let Some(rest) = folded
        .strip_prefix("平成")
        .or_else(|| folded.strip_prefix('H'))
    {
        HEISEI_1 - 1 + era(rest).filter(|&n| (1..=31).contains(&n))?
    } else {
        let digits: String = folded.chars().take_while(|c| c.is_ascii_digit()).collect();
        let rest = &folded[digits.len()..];
        let unit_ok = rest.is_empty() || rest.starts_with('年');
        if digits.len() != 4 || !unit_ok {
            return None;
        }
        digits.parse().ok()?
    };
    Some((year_label(year)?, year))
}

#[cfg(test)]
mod tests {
    use super::page_label;

    #[test]
    fn pages_print_one_way() {
        for printed in ["P.45", "45", "Ｐ．４５", "p. 45", "45ページ"] {
            assert_eq!(page_label(printed), "p. 45", "{printed}");
        }
        assert_eq!(page_label("P.45-46"), "p. 45-46");
        assert_eq!(page_label("Ｒ３追加"), "R3追加");
    }
}
