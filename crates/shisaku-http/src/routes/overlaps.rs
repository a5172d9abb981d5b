//! `GET /api/overlaps`: the overlap report.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::{AppState, run_blocking, stream_blocking};
use shisaku_engine::related::overlap::{OverlapReport, ReportWindow};

/// Largest `limit` / `clusters_limit` of `GET /api/overlaps`.
const OVERLAP_MAX_LIMIT: usize = 10_000;

/// The overlap report, as JSON (a window of the pairs and clusters, with the
/// totals and the plan matrix) or as CSV (every pair, streamed; UTF-8 with
/// BOM, for Excel).
#[utoipa::path(get, path = "/api/overlaps", tag = "overlaps",
    params(("format" = Option<String>, Query, description = "json (default) | csv"),
        ("threshold" = Option<f32>, Query, description = "lowest score, 0–1 (default 0.35)"),
        ("limit" = Option<usize>, Query, description = "pairs listed, highest score first (JSON: 200 by default; CSV: all)"),
        ("offset" = Option<usize>, Query, description = "pairs skipped before the first listed"),
        ("clusters_limit" = Option<usize>, Query, description = "clusters listed (default 100)"),
        ("clusters_offset" = Option<usize>, Query, description = "clusters skipped before the first listed")),
    responses((status = 200, body = OverlapReport, description = "JSON; text/csv when format=csv"),
        (status = 400, body = crate::error::ErrorBody)))]
pub async fn overlaps(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let p = Params::parse(raw.as_deref())?;
    p.only(&[
        "format",
        "threshold",
        "limit",
        "offset",
        "clusters_limit",
        "clusters_offset",
    ])?;
    let threshold =
        match p.get("threshold") {
            None | Some("") => None,
            // its range is the engine's to check
            Some(v) => Some(v.trim().parse::<f32>().map_err(|_| {
                ApiError::bad_parameter("threshold", format!("{v:?} is not a number"))
            })?),
        };
    let csv = super::csv_format(&p)?;
    let limit = |key, default| -> ApiResult<Option<usize>> {
        match p.get(key) {
            None | Some("") => Ok(default),
            Some(_) => p.int(key, 0, 0, OVERLAP_MAX_LIMIT).map(Some),
        }
    };
    // the first page unless asked otherwise; the CSV has every pair
    let first = ReportWindow::FIRST_PAGE;
    let window = ReportWindow {
        pairs_offset: p.int("offset", 0, 0, u32::MAX as usize)?,
        pairs_limit: limit("limit", first.pairs_limit.filter(|_| !csv))?,
        clusters_offset: p.int("clusters_offset", 0, 0, u32::MAX as usize)?,
        clusters_limit: limit("clusters_limit", first.clusters_limit)?,
        members: first.members,
    };
    // computed (or found) off the runtime, under the request timeout
    let overlaps = run_blocking(&state, move |e| Ok(e.overlaps(threshold)?)).await?;
    if csv {
        let body = stream_blocking(&state, move |e, out| {
            e.overlap_report(&overlaps, window).write_csv(out)
        });
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"shisaku-overlaps.csv\"",
                ),
            ],
            body,
        )
            .into_response())
    } else {
        let json = run_blocking(&state, move |e| {
            serde_json::to_vec(&e.overlap_report(&overlaps, window))
                .map_err(|err| ApiError::serialize("overlap report", err))
        })
        .await?;
        Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
    }
}
