//! `GET /api/suggest`: autocomplete.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::{AppState, run_blocking};
use shisaku_engine::search::suggest::Suggestion;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestResponse {
    pub q: String,
    pub suggestions: Vec<Suggestion>,
}

/// Autocomplete: titles and terms by prefix, also from hiragana readings.
#[utoipa::path(get, path = "/api/suggest", tag = "search",
    params(("q" = String, Query, description = "What the user has typed"),
        ("limit" = Option<usize>, Query, description = "1–20, default 8")),
    responses((status = 200, body = SuggestResponse), (status = 400, body = crate::error::ErrorBody)))]
pub async fn suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<SuggestResponse>> {
    let p = Params::parse(raw.as_deref())?;
    p.only(&["q", "limit"])?;
    let q = p.get("q").unwrap_or("").to_string();
    if q.chars().count() > 100 {
        return Err(ApiError::bad_parameter("q", "longer than 100 characters"));
    }
    let limit = p.int("limit", 8, 1, 20)?;
    let typed = q.clone();
    let suggestions = run_blocking(&state, move |e| Ok(e.suggest(&typed, limit))).await?;
    Ok(Json(SuggestResponse { q, suggestions }))
}
