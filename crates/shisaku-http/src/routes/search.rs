//! `GET /api/search`.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use serde::Deserialize;

use super::csv_response;
use crate::error::{ApiError, ApiResult};
use crate::params::{Format, Params, Toggle, in_range};
use crate::{AppState, run_blocking};
use shisaku_engine::index::{FACET_ALIASES, FACETS, Facet};
use shisaku_engine::search::{self, SearchRequest, SearchResponse, Sort, filter_value};

/// The parameters of `GET /api/search`, besides the facet keys (`plan`,
/// `department`, … and their aliases: each a filter, repeatable).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Query: words (AND), OR, -exclude, "phrase", title:/content:/department:/section:
    #[serde(default)]
    q: String,
    /// KEY=VALUE, repeatable; or use the facet keys directly (plan, plan_kind, municipality, pillar, department, section, level, year, status)
    #[serde(default)]
    filter: Vec<String>,
    /// 1-based page
    page: Option<usize>,
    /// 1–100, default 10
    per_page: Option<usize>,
    /// relevance | document | department | plan | year
    sort: Option<String>,
    /// on | off (default on)
    synonyms: Option<Toggle>,
    /// json (default) | csv: every hit (page and per_page ignored, at most 10,000), UTF-8 with BOM
    #[serde(default)]
    format: Format,
    /// all | auto (default auto): with auto, when fewer than ten measures hold every word, measures holding some of the words follow (relaxed: true, strict_total)
    #[serde(rename = "match")]
    match_mode: Option<String>,
}

/// The engine's request and the response format of a query string.
fn search_request(p: &Params) -> ApiResult<(SearchRequest, Format)> {
    // the facet keys are filters; the rest is the typed query
    let (facets, rest): (Vec<_>, Vec<_>) =
        p.0.iter()
            .cloned()
            .partition(|(k, _)| Facet::parse(k).is_some());
    let facet_keys = FACETS
        .iter()
        .map(|f| f.key())
        .chain(FACET_ALIASES.iter().map(|(alias, _)| *alias));
    let q: SearchQuery = Params(rest).typed_among(facet_keys)?;
    let mut filters = Vec::new();
    for spec in &q.filter {
        filters.push(search::parse_filter(spec)?);
    }
    for (k, v) in &facets {
        if let Some(f) = Facet::parse(k) {
            filters.push(filter_value(f, v)?);
        }
    }
    let per_page = in_range("per_page", q.per_page.unwrap_or(10), 1, search::MAX_LIMIT)?;
    let page = in_range("page", q.page.unwrap_or(1), 1, 10_000)?;
    let sort = match q.sort.as_deref().unwrap_or("relevance") {
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
    let match_mode = match q.match_mode.as_deref().map(str::trim).unwrap_or("") {
        "" => search::MatchMode::Auto,
        v => search::MatchMode::parse(v).ok_or_else(|| {
            ApiError::bad_parameter("match", format!("{v:?} is not one of all, auto"))
        })?,
    };
    let req = SearchRequest {
        q: q.q,
        filters,
        sort,
        limit: per_page,
        offset: (page - 1) * per_page,
        synonyms: Toggle::or(q.synonyms, true),
        match_mode,
    };
    Ok((req, q.format))
}

/// Search measures.
#[utoipa::path(get, path = "/api/search", tag = "search",
    params(SearchQuery),
    responses((status = 200, body = SearchResponse, description = "JSON; text/csv when format=csv"),
        (status = 400, body = crate::error::ErrorBody)))]
pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let (req, format) = search_request(&Params::parse(raw.as_deref())?)?;
    if format == Format::Csv {
        req.check()?;
        let body = run_blocking(&state, move |e| crate::export::search_csv(&e, &req)).await?;
        return Ok(csv_response(body, "shisaku-search.csv"));
    }
    // a cached answer is sent from here, without a trip to a worker thread
    let json = match state.engine().cached_search_json(&req) {
        Some(json) => json,
        None => run_blocking(&state, move |e| Ok(e.search_json(&req)?)).await?,
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}
