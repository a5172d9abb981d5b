//! The engine's answers besides searches (related measures, overlaps,
//! wording reuse, suggestions, plans), their parameter checks and the types
//! they answer in.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::*;
use crate::related::overlap::{self, Overlaps, ReportView, ReportWindow};
use crate::related::reuse::{SentenceIndex, SentenceMatches};
use crate::search::suggest::{Suggester, Suggestion};

/// A related measure as the CLI and API print it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedMeasure {
    pub id: String,
    pub title: String,
    pub plan: String,
    pub plan_kind: String,
    /// The Japanese label of `plan_kind`.
    pub plan_kind_label: String,
    pub municipality: String,
    pub level: String,
    pub departments: Vec<String>,
    pub score: f32,
    pub shared_terms: Vec<String>,
    pub source: RelatedSource,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedSource {
    pub file: String,
    pub line: usize,
    /// The document's description in the manifest, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedResponse {
    pub id: String,
    pub title: String,
    pub related: Vec<RelatedMeasure>,
}

/// A plan with its record counts, for `GET /api/plans`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSummary {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    pub municipality: String,
    pub period: Option<String>,
    pub files: Vec<String>,
    pub measures: usize,
    /// Records per level (`measure`, `initiative`, `project`, `direction`).
    pub levels: std::collections::BTreeMap<String, usize>,
}

/// The CLI's and API's answer to a wording-reuse request.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarResponse {
    pub sentences: Vec<SentenceMatches>,
}

impl Engine {
    /// The most related measures of `id` (other plans unless `all_plans`).
    pub fn related(
        &self,
        id: &str,
        limit: usize,
        all_plans: bool,
    ) -> Result<RelatedResponse, EngineError> {
        if limit == 0 || limit > LINKS_KEPT {
            return Err(EngineError::parameter(
                "limit",
                format!("must be between 1 and {LINKS_KEPT}"),
            ));
        }
        let m = self.measure(id)?;
        let i = self.positions[id];
        let related = self
            .links
            .links(i, all_plans)
            .take(limit)
            .filter_map(|l| {
                let o = &self.measures[l.position()?];
                Some(RelatedMeasure {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    plan: o.plan.name.clone(),
                    plan_kind: o.plan.kind.as_str().to_string(),
                    plan_kind_label: o.plan.kind_label_ja().to_string(),
                    municipality: o.plan.municipality.clone(),
                    level: o.level.as_str().to_string(),
                    departments: o.departments.clone(),
                    score: l.score,
                    shared_terms: l.shared_terms(),
                    source: RelatedSource {
                        file: o.source.file.clone(),
                        line: o.source.line,
                        document: o.document.clone(),
                    },
                })
            })
            .collect();
        Ok(RelatedResponse {
            id: m.id.clone(),
            title: m.title.clone(),
            related,
        })
    }

    /// The overlaps at `threshold` (default [`overlap::DEFAULT_THRESHOLD`]),
    /// computed on first use and kept for the next request at the same
    /// threshold; concurrent first requests wait for one computation.
    pub fn overlaps(&self, threshold: Option<f32>) -> Result<Arc<Overlaps>, EngineError> {
        let threshold = threshold.unwrap_or(overlap::DEFAULT_THRESHOLD);
        if !(0.0..=1.0).contains(&threshold) || threshold.is_nan() {
            return Err(EngineError::parameter(
                "threshold",
                "must be between 0 and 1",
            ));
        }
        let mut kept = lock(&self.overlaps);
        if let Some(o) = kept.as_ref().filter(|o| o.threshold == threshold) {
            return Ok(Arc::clone(o));
        }
        let o = Arc::new(Overlaps::compute(&self.measures, &self.links, threshold));
        *kept = Some(Arc::clone(&o));
        Ok(o)
    }

    /// The report of `overlaps` (from [`Engine::overlaps`]) for `window`:
    /// serializes to the report JSON and writes the CSV.
    pub fn overlap_report<'a>(
        &'a self,
        overlaps: &'a Overlaps,
        window: ReportWindow,
    ) -> ReportView<'a> {
        ReportView {
            overlaps,
            measures: &self.measures,
            terms: &self.links,
            window,
        }
    }

    /// Closest existing sentences for each sentence of `draft`.
    pub fn similar(&self, draft: &str, limit: usize) -> Result<SimilarResponse, EngineError> {
        if draft.chars().count() > crate::related::reuse::MAX_DRAFT_CHARS {
            return Err(EngineError::parameter(
                "text",
                format!(
                    "longer than {} characters",
                    crate::related::reuse::MAX_DRAFT_CHARS
                ),
            ));
        }
        if draft.trim().is_empty() {
            return Err(EngineError::parameter("text", "empty"));
        }
        if limit == 0 || limit > 50 {
            return Err(EngineError::parameter("limit", "must be between 1 and 50"));
        }
        let idx = self
            .sentences
            .get_or_init(|| SentenceIndex::build(&self.measures));
        Ok(SimilarResponse {
            sentences: idx.similar(&self.measures, draft, limit, 0.2),
        })
    }

    /// Autocomplete suggestions for `typed`.
    pub fn suggest(&self, typed: &str, limit: usize) -> Vec<Suggestion> {
        self.suggester
            .get_or_init(|| Suggester::build(&self.measures))
            .suggest(typed, limit)
    }

    /// The plans of the corpus with their record counts.
    pub fn plans(&self) -> Vec<PlanSummary> {
        let mut out: Vec<PlanSummary> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for m in &self.measures {
            let i = match index.get(m.plan.id.as_str()) {
                Some(&i) => i,
                None => {
                    index.insert(m.plan.id.as_str(), out.len());
                    out.push(PlanSummary {
                        id: m.plan.id.clone(),
                        name: m.plan.name.clone(),
                        kind: m.plan.kind.as_str().to_string(),
                        kind_label: m.plan.kind_label_ja().to_string(),
                        municipality: m.plan.municipality.clone(),
                        period: m.plan.period.clone(),
                        files: Vec::new(),
                        measures: 0,
                        levels: Default::default(),
                    });
                    out.len() - 1
                }
            };
            let p = &mut out[i];
            p.measures += 1;
            *p.levels.entry(m.level.as_str().to_string()).or_default() += 1;
            if !p.files.contains(&m.source.file) {
                p.files.push(m.source.file.clone());
            }
        }
        out
    }
}
