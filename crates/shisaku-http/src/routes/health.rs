//! `GET /healthz` and `GET /readyz`.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, Code};

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
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody)))]
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
