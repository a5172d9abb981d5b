//! Thin handlers: parse and check parameters, call the engine off the async
//! runtime, return JSON. Shapes match the CLI's `--json` output.

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult, Code};
use super::params::Params;
use super::{AppState, MAX_BODY_BYTES, run_blocking, stream_blocking};
use shisaku_core::model::Measure;
use shisaku_engine::engine::{PlanSummary, RelatedResponse, SimilarResponse};
use shisaku_engine::index::FACETS;
use shisaku_engine::related::overlap::{OverlapReport, ReportWindow};
use shisaku_engine::search::suggest::Suggestion;
use shisaku_engine::search::{self, FacetCount, SearchRequest, SearchResponse, Sort, filter_value};

/// Longest accepted measure id.
const MAX_ID_CHARS: usize = 200;

fn check_id(id: &str) -> ApiResult<()> {
    if id.is_empty()
        || id.chars().count() > MAX_ID_CHARS
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::not_found(format!(
            "no measure with id {:?}",
            truncate(id)
        )));
    }
    Ok(())
}

/// The `{id}` path parameter. axum's own rejection (an id that is not UTF-8
/// after percent-decoding, `%FF`) is a plain-text 400; this answers it as
/// every other error, in JSON.
fn path_id(path: Result<Path<String>, PathRejection>) -> ApiResult<String> {
    path.map(|Path(id)| id)
        .map_err(|_| ApiError::bad_parameter("id", "is not valid UTF-8 after percent-decoding"))
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

fn search_request(p: &Params) -> ApiResult<SearchRequest> {
    let mut known: Vec<&str> = vec![
        "q", "filter", "page", "per_page", "sort", "synonyms", "format", "match",
    ];
    known.extend(FACETS.iter().map(|f| f.key()));
    known.extend(["kind", "dept", "fiscal_year", "evaluation"]);
    p.only(&known)?;
    let mut filters = Vec::new();
    for spec in p.all("filter") {
        filters.push(search::parse_filter(spec)?);
    }
    for (k, v) in &p.0 {
        if let Some(f) = shisaku_engine::index::Facet::parse(k) {
            filters.push(filter_value(f, v)?);
        }
    }
    let per_page = p.int("per_page", 10, 1, search::MAX_LIMIT)?;
    let page = p.int("page", 1, 1, 10_000)?;
    let sort = match p.get("sort").unwrap_or("relevance") {
        "" | "relevance" => Sort::Relevance,
        "document" => Sort::Document,
        "department" => Sort::Department,
        "plan" => Sort::Plan,
        "year" => Sort::Year,
        other => {
            return Err(ApiError::bad_parameter(
                "sort",
                format!("{other:?} is not one of relevance, document, department, plan, year"),
            ));
        }
    };
    let match_mode = match p.get("match").map(str::trim).unwrap_or("") {
        "" => search::MatchMode::Auto,
        v => search::MatchMode::parse(v).ok_or_else(|| {
            ApiError::bad_parameter("match", format!("{v:?} is not one of all, auto"))
        })?,
    };
    Ok(SearchRequest {
        q: p.get("q").unwrap_or("").to_string(),
        filters,
        sort,
        limit: per_page,
        offset: (page - 1) * per_page,
        synonyms: p.flag("synonyms", true)?,
        match_mode,
    })
}

/// Search measures.
#[utoipa::path(get, path = "/api/search", tag = "search",
    params(
        ("q" = Option<String>, Query, description = "Query: words (AND), OR, -exclude, \"phrase\", title:/content:/department:/section:"),
        ("filter" = Option<Vec<String>>, Query, description = "KEY=VALUE, repeatable; or use the facet keys directly (plan, plan_kind, municipality, pillar, department, section, level, year, status)"),
        ("page" = Option<usize>, Query, description = "1-based page"),
        ("per_page" = Option<usize>, Query, description = "1–100, default 10"),
        ("sort" = Option<String>, Query, description = "relevance | document | department | plan | year"),
        ("synonyms" = Option<String>, Query, description = "on | off (default on)"),
        ("format" = Option<String>, Query, description = "json (default) | csv: every hit (page and per_page ignored, at most 10,000), UTF-8 with BOM"),
        ("match" = Option<String>, Query, description = "all | auto (default auto): with auto, when fewer than ten measures hold every word, measures holding some of the words follow (relaxed: true, strict_total)"),
    ),
    responses((status = 200, body = SearchResponse, description = "JSON; text/csv when format=csv"),
        (status = 400, body = super::error::ErrorBody)))]
pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let req = search_request(&params)?;
    if csv_format(&params)? {
        req.check()?;
        let body = run_blocking(&state, move |e| super::export::search_csv(&e, &req)).await?;
        return Ok(csv_response(body, "shisaku-search.csv"));
    }
    // a cached answer is sent from here, without a trip to a worker thread
    let json = match state.engine().cached_search_json(&req) {
        Some(json) => json,
        None => run_blocking(&state, move |e| Ok(e.search_json(&req)?)).await?,
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// `format=json` (or none) or `format=csv`.
fn csv_format(p: &Params) -> ApiResult<bool> {
    match p.get("format").unwrap_or("json") {
        "" | "json" => Ok(false),
        "csv" => Ok(true),
        other => Err(ApiError::bad_parameter(
            "format",
            format!("{other:?} is not json or csv"),
        )),
    }
}

/// A CSV download named `file`.
fn csv_response(body: Vec<u8>, file: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Facet counts over the whole corpus.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
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
    let json = run_blocking(&state, |e| Ok(e.search_json(&SearchRequest::default())?)).await?;
    // the search response's total and facets (the rest of it is ignored)
    let res: FacetsResponse = serde_json::from_slice(&json)
        .map_err(|e| ApiError::internal(format!("search response: {e}")))?;
    Ok(Json(res))
}

/// One measure with every field.
#[utoipa::path(get, path = "/api/measures/{id}", tag = "measures",
    params(("id" = String, Path, description = "Measure id")),
    responses((status = 200, body = Measure), (status = 404, body = super::error::ErrorBody)))]
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
    responses((status = 200, body = RelatedResponse), (status = 404, body = super::error::ErrorBody)))]
pub async fn related(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<RelatedResponse>> {
    let id = path_id(path)?;
    check_id(&id)?;
    let p = Params::parse(raw.as_deref())?;
    p.only(&["limit", "all_plans"])?;
    let limit = p.int("limit", 10, 1, shisaku_engine::engine::LINKS_KEPT)?;
    let all = p.flag("all_plans", false)?;
    let res = run_blocking(&state, move |e| Ok(e.related(&id, limit, all)?)).await?;
    Ok(Json(res))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimilarRequest {
    /// The draft passage (sentences are split at 。！？ and line breaks).
    pub text: String,
    /// Matches per sentence, 1–50 (default 5).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// Wording reuse: the closest existing sentences for each sentence of a draft.
#[utoipa::path(post, path = "/api/similar", tag = "wording", request_body = SimilarRequest,
    params(("format" = Option<String>, Query, description = "json (default) | csv: every match, UTF-8 with BOM")),
    responses((status = 200, body = SimilarResponse, description = "JSON; text/csv when format=csv"),
        (status = 400, body = super::error::ErrorBody),
        (status = 413, body = super::error::ErrorBody), (status = 415, body = super::error::ErrorBody)))]
pub async fn similar(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    params.only(&["format"])?;
    let csv = csv_format(&params)?;
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
            super::export::similar_csv(&res)?,
            "shisaku-similar.csv",
        ));
    }
    Ok(Json(res).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestResponse {
    pub q: String,
    pub suggestions: Vec<Suggestion>,
}

/// Autocomplete: titles and terms by prefix, also from hiragana readings.
#[utoipa::path(get, path = "/api/suggest", tag = "search",
    params(("q" = String, Query, description = "What the user has typed"),
        ("limit" = Option<usize>, Query, description = "1–20, default 8")),
    responses((status = 200, body = SuggestResponse), (status = 400, body = super::error::ErrorBody)))]
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
        (status = 400, body = super::error::ErrorBody)))]
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
    let threshold = match p.get("threshold") {
        None | Some("") => None,
        Some(v) => Some(
            v.trim()
                .parse::<f32>()
                .ok()
                .filter(|t| (0.0..=1.0).contains(t))
                .ok_or_else(|| {
                    ApiError::bad_parameter(
                        "threshold",
                        format!("{v:?} is not a number between 0 and 1"),
                    )
                })?,
        ),
    };
    let csv = match p.get("format").unwrap_or("json") {
        "" | "json" => false,
        "csv" => true,
        other => {
            return Err(ApiError::bad_parameter(
                "format",
                format!("{other:?} is not json or csv"),
            ));
        }
    };
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

/// The plans of the corpus with their record counts.
#[utoipa::path(get, path = "/api/plans", tag = "measures",
    responses((status = 200, body = Vec<PlanSummary>)))]
pub async fn plans(State(state): State<AppState>) -> ApiResult<Json<Vec<PlanSummary>>> {
    Ok(Json(run_blocking(&state, |e| Ok(e.plans())).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub measures: usize,
    pub generation: String,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    let e = state.engine();
    Json(Health {
        status: "ok",
        measures: e.measures.len(),
        generation: e.generation(),
    })
}

/// Readiness: an index with records is loaded.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = super::error::ErrorBody)))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let e = state.engine();
    if e.measures.is_empty() {
        return Err(ApiError::of(Code::NotReady));
    }
    Ok(Json(Health {
        status: "ready",
        measures: e.measures.len(),
        generation: e.generation(),
    }))
}

pub async fn not_found() -> ApiError {
    ApiError::of(Code::NotFound)
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::of(Code::MethodNotAllowed)
}
