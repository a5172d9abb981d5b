//! `GET /api/overlaps`: the overlap report.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, ApiResult};
use crate::params::{Format, Params, in_range};
use crate::{AppState, run_blocking, stream_blocking};
use serde::Deserialize;
use shisaku_engine::related::overlap::{OverlapReport, ReportWindow};

/// Largest `limit` / `clusters_limit` of `GET /api/overlaps`.
const OVERLAP_MAX_LIMIT: usize = 10_000;

/// The parameters of `GET /api/overlaps`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OverlapsQuery {
    /// json (default) | csv
    #[serde(default)]
    format: Format,
    /// lowest score, 0–1 (default 0.35)
    threshold: Option<f32>,
    /// pairs listed, highest score first (JSON: 200 by default; CSV: all)
    limit: Option<usize>,
    /// pairs skipped before the first listed
    offset: Option<usize>,
    /// clusters listed (default 100)
    clusters_limit: Option<usize>,
    /// clusters skipped before the first listed
    clusters_offset: Option<usize>,
}

/// The overlap report, as JSON (a window of the pairs and clusters, with the
/// totals and the plan matrix) or as CSV (every pair, streamed; UTF-8 with
/// BOM, for Excel).
#[utoipa::path(get, path = "/api/overlaps", tag = "overlaps",
    params(OverlapsQuery),
    responses((status = 200, body = OverlapReport, description = "JSON; text/csv when format=csv"),
        (status = 400, body = crate::error::ErrorBody)))]
pub async fn overlaps(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q: OverlapsQuery = Params::parse(raw.as_deref())?.typed()?;
    // the threshold's range is the engine's to check
    let threshold = q.threshold;
    let csv = q.format == Format::Csv;
    let limit = |key, given: Option<usize>, default| -> ApiResult<Option<usize>> {
        given
            .map(|n| in_range(key, n, 0, OVERLAP_MAX_LIMIT))
            .transpose()
            .map(|n| n.or(default))
    };
    let offset =
        |key, given: Option<usize>| in_range(key, given.unwrap_or(0), 0, u32::MAX as usize);
    // the first page unless asked otherwise; the CSV has every pair
    let first = ReportWindow::FIRST_PAGE;
    let window = ReportWindow {
        pairs_offset: offset("offset", q.offset)?,
        pairs_limit: limit("limit", q.limit, first.pairs_limit.filter(|_| !csv))?,
        clusters_offset: offset("clusters_offset", q.clusters_offset)?,
        clusters_limit: limit("clusters_limit", q.clusters_limit, first.clusters_limit)?,
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
