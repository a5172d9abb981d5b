//! `GET /api/suggest`: autocomplete.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::params::{Params, in_range};
use crate::{AppState, run_blocking};
use shisaku_engine::search::suggest::Suggestion;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestResponse {
    pub q: String,
    pub suggestions: Vec<Suggestion>,
}

/// The parameters of `GET /api/suggest`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SuggestQuery {
    /// What the user has typed
    #[serde(default)]
    q: String,
    /// 1–20, default 8
    limit: Option<usize>,
}

/// Autocomplete: titles and terms by prefix, also from hiragana readings.
#[utoipa::path(get, path = "/api/suggest", tag = "search",
    params(SuggestQuery),
    responses((status = 200, body = SuggestResponse), (status = 400, body = crate::error::ErrorBody)))]
pub async fn suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<SuggestResponse>> {
    let SuggestQuery { q, limit } = Params::parse(raw.as_deref())?.typed()?;
    if q.chars().count() > 100 {
        return Err(ApiError::bad_parameter("q", "longer than 100 characters"));
    }
    let limit = in_range("limit", limit.unwrap_or(8), 1, 20)?;
    let typed = q.clone();
    let suggestions = run_blocking(&state, move |e| Ok(e.suggest(&typed, limit))).await?;
    Ok(Json(SuggestResponse { q, suggestions }))
}
