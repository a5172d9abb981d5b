//! The OpenAPI document, generated from the routes' annotations and the
//! response types (utoipa), served at `/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "shisaku API",
        description = "施策検索: search and cross-plan linking for Japanese municipal policy plans"
    ),
    paths(
        routes::search::search,
        routes::plans_facets::facets,
        routes::measures::measure,
        routes::measures::related,
        routes::similar::similar,
        routes::suggest::suggest,
        routes::overlaps::overlaps,
        routes::plans_facets::plans,
        routes::health::healthz,
        routes::health::readyz,
        routes::admin::reindex,
    ),
    components(schemas(super::error::ErrorBody, super::params::Toggle, super::params::Format))
)]
pub struct ApiDoc;

pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
