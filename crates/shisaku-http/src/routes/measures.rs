//! `GET /api/measures/{id}` and its related measures.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};

use super::{check_id, path_id};
use crate::error::ApiResult;
use crate::params::Params;
use crate::{AppState, run_blocking};
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

/// Related measures (other plans unless all_plans=on).
#[utoipa::path(get, path = "/api/measures/{id}/related", tag = "measures",
    params(("id" = String, Path, description = "Measure id"),
        ("limit" = Option<usize>, Query, description = "1–20, default 10"),
        ("all_plans" = Option<String>, Query, description = "on: include the measure's own plan")),
    responses((status = 200, body = RelatedResponse), (status = 404, body = crate::error::ErrorBody)))]
pub async fn related(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<RelatedResponse>> {
    let id = path_id(path)?;
    check_id(&id)?;
    let p = Params::parse(raw.as_deref())?;
    p.only(&["limit", "all_plans"])?;
    // its range is the engine's to check
    let limit = p.int("limit", 10, 0, usize::MAX)?;
    let all = p.flag("all_plans", false)?;
    let res = run_blocking(&state, move |e| Ok(e.related(&id, limit, all)?)).await?;
    Ok(Json(res))
}
