//! `GET /api/search`.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{csv_format, csv_response};
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::{AppState, run_blocking};
use shisaku_engine::index::{FACET_ALIASES, FACETS};
use shisaku_engine::search::{self, SearchRequest, SearchResponse, Sort, filter_value};

fn search_request(p: &Params) -> ApiResult<SearchRequest> {
    let mut known: Vec<&str> = vec![
        "q", "filter", "page", "per_page", "sort", "synonyms", "format", "match",
    ];
    known.extend(FACETS.iter().map(|f| f.key()));
    known.extend(FACET_ALIASES.iter().map(|(alias, _)| *alias));
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
        (status = 400, body = crate::error::ErrorBody)))]
pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let req = search_request(&params)?;
    if csv_format(&params)? {
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
