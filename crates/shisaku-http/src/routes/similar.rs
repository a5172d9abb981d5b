//! `POST /api/similar`: wording reuse.

use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::csv_response;
use crate::error::{ApiError, ApiResult, Code};
use crate::params::{Format, Params};
use crate::{AppState, MAX_BODY_BYTES, run_blocking};
use shisaku_engine::engine::SimilarResponse;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimilarRequest {
    /// The draft passage (sentences are split at 。！？ and line breaks).
    pub text: String,
    /// Matches per sentence, 1–50 (default 5).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// The query parameters of `POST /api/similar`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SimilarQuery {
    /// json (default) | csv: every match, UTF-8 with BOM
    #[serde(default)]
    format: Format,
}

/// Wording reuse: the closest existing sentences for each sentence of a draft.
#[utoipa::path(post, path = "/api/similar", tag = "wording", request_body = SimilarRequest,
    params(SimilarQuery),
    responses((status = 200, body = SimilarResponse, description = "JSON; text/csv when format=csv"),
        (status = 400, body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody)))]
pub async fn similar(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let SimilarQuery { format } = Params::parse(raw.as_deref())?.typed()?;
    let csv = format == Format::Csv;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("application/json") {
        return Err(ApiError::of(Code::UnsupportedMediaType));
    }
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::body_too_large(MAX_BODY_BYTES))?;
    let req: SimilarRequest = serde_json::from_slice(&body).map_err(ApiError::bad_json)?;
    let limit = req.limit.unwrap_or(5);
    let res = run_blocking(&state, move |e| Ok(e.similar(&req.text, limit)?)).await?;
    if csv {
        return Ok(csv_response(
            crate::export::similar_csv(&res)?,
            "shisaku-similar.csv",
        ));
    }
    Ok(Json(res).into_response())
}
