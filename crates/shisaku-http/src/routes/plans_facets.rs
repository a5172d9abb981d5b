//! `GET /api/plans` and `GET /api/facets`: what the corpus holds.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;

use crate::error::ApiResult;
use crate::params::Params;
use crate::{AppState, run_blocking};
use shisaku_engine::engine::PlanSummary;
use shisaku_engine::search::{FacetCount, SearchRequest};

/// Facet counts over the whole corpus.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetsResponse {
    pub total: usize,
    pub facets: std::collections::BTreeMap<String, Vec<FacetCount>>,
}

#[utoipa::path(get, path = "/api/facets", tag = "search",
    responses((status = 200, body = FacetsResponse)))]
pub async fn facets(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<FacetsResponse>> {
    Params::parse(raw.as_deref())?.only(&[])?;
    // the total and facets of a search for everything (they do not depend
    // on the page, so it holds one hit)
    let everything = SearchRequest {
        limit: 1,
        ..SearchRequest::default()
    };
    let res = run_blocking(&state, move |e| Ok(e.search(&everything)?)).await?;
    Ok(Json(FacetsResponse {
        total: res.total,
        facets: res.facets,
    }))
}

/// The plans of the corpus with their record counts.
#[utoipa::path(get, path = "/api/plans", tag = "measures",
    responses((status = 200, body = Vec<PlanSummary>)))]
pub async fn plans(State(state): State<AppState>) -> ApiResult<Json<Vec<PlanSummary>>> {
    Ok(Json(run_blocking(&state, |e| Ok(e.plans())).await?))
}
