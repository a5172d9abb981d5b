//! `GET /api/measures/{id}` and its related measures.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};

use super::{check_id, path_id};
use crate::error::ApiResult;
use crate::params::{Params, Toggle};
use crate::{AppState, run_blocking};
use serde::Deserialize;
use shisaku_core::model::Measure;
use shisaku_engine::engine::RelatedResponse;

/// One measure with every field.
#[utoipa::path(get, path = "/api/measures/{id}", tag = "measures",
    params(("id" = String, Path, description = "Measure id")),
    responses((status = 200, body = Measure), (status = 404, body = crate::error::ErrorBody)))]
pub async fn measure(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<Measure>> {
    let id = path_id(path)?;
    check_id(&id)?;
    let m = run_blocking(&state, move |e| Ok(e.measure(&id)?.clone())).await?;
    Ok(Json(m))
}

/// The query parameters of `GET /api/measures/{id}/related`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RelatedQuery {
    /// 1–20, default 10
    limit: Option<usize>,
    /// on: include the measure's own plan
    all_plans: Option<Toggle>,
}

/// Related measures (other plans unless all_plans=on).
#[utoipa::path(get, path = "/api/measures/{id}/related", tag = "measures",
    params(("id" = String, Path, description = "Measure id"), RelatedQuery),
    responses((status = 200, body = RelatedResponse), (status = 404, body = crate::error::ErrorBody)))]
pub async fn related(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<RelatedResponse>> {
    let id = path_id(path)?;
    check_id(&id)?;
    let q: RelatedQuery = Params::parse(raw.as_deref())?.typed()?;
    // its range is the engine's to check
    let limit = q.limit.unwrap_or(10);
    let all = Toggle::or(q.all_plans, false);
    let res = run_blocking(&state, move |e| Ok(e.related(&id, limit, all)?)).await?;
    Ok(Json(res))
}
