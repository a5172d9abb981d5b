//! The OpenAPI document, generated from the handlers' annotations and the
//! response types (utoipa), served at `/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

use super::handlers;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "shisaku API",
        description = "施策検索: search and cross-plan linking for Japanese municipal policy plans"
    ),
    paths(
        handlers::search,
        handlers::facets,
        handlers::measure,
        handlers::related,
        handlers::similar,
        handlers::suggest,
        handlers::overlaps,
        handlers::plans,
        handlers::healthz,
        handlers::readyz,
        super::admin::reindex,
    ),
    components(schemas(super::error::ErrorBody))
)]
pub struct ApiDoc;

pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
