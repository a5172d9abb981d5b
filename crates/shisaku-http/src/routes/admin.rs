//! Admin endpoints, protected by a bearer token compared in constant time.
//! `POST /api/admin/reindex` rebuilds the index from the configured manifest
//! (never from a path in the request) and swaps it in; searches keep being
//! answered from the old engine until the swap.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde::Serialize;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};
use shisaku_engine::engine::Engine;

/// Checks a configured admin token: one that no `Authorization` header
/// could ever carry (whitespace such as a trailing newline from a file,
/// control or non-ASCII characters) is refused at start-up instead of
/// silently locking the admin endpoints.
pub fn check_admin_token(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("is empty".into());
    }
    if let Some((at, c)) = token.char_indices().find(|(_, c)| !c.is_ascii_graphic()) {
        let what = if c.is_whitespace() {
            "whitespace (a trailing newline from a file?)"
        } else if c.is_control() {
            "a control character"
        } else {
            "a non-ASCII character"
        };
        return Err(format!(
            "contains {what} {c:?} at byte {at}: a bearer token is visible ASCII only, so it could never match"
        ));
    }
    Ok(())
}

/// Checks `Authorization: Bearer <token>` against the configured token.
fn authorize(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    let Some(expected) = state.config.admin_token.as_deref() else {
        return Err(ApiError::not_found(
            "admin endpoints are disabled (no admin token configured)",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::of(Code::Unauthorized))
    }
}

#[cfg(test)]
mod tests {
    use super::check_admin_token;

    #[test]
    fn tokens_no_header_could_carry_are_refused() {
        assert!(check_admin_token("test-admin-token-0123456789").is_ok());
        for (bad, says) in [
            ("", "empty"),
            ("secret\n", "whitespace"),
            (" secret", "whitespace"),
            ("sec ret", "whitespace"),
            ("秘密のトークン", "non-ASCII"),
            ("sec\u{7}ret", "control"),
        ] {
            let e = check_admin_token(bad).unwrap_err();
            assert!(e.contains(says), "{bad:?}: {e}");
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReindexResponse {
    pub generation: String,
    pub measures: usize,
    pub seconds: f64,
    /// Documents that failed to import (the others were indexed).
    pub failed_documents: Vec<String>,
}

/// Rebuilds the index from the configured manifest and swaps it in; when a
/// document fails to import nothing changes (422 naming it).
#[utoipa::path(post, path = "/api/admin/reindex", tag = "operations",
    responses((status = 200, body = ReindexResponse), (status = 401, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody),
        (status = 422, description = "a document failed to import; the index is unchanged", body = crate::error::ErrorBody)))]
pub async fn reindex(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<ReindexResponse>> {
    authorize(&state, &headers)?;
    let Ok(_guard) = state.reindexing.try_lock() else {
        return Err(ApiError::new(Code::Busy, "a reindex is already running"));
    };
    let (manifest, root) = (
        state.config.manifest.clone(),
        state.config.index_root.clone(),
    );
    let started = std::time::Instant::now();
    let built = tokio::task::spawn_blocking(
        move || -> Result<(Engine, Vec<String>), shisaku_engine::engine::EngineError> {
            let outcome = Engine::build(&manifest, &root, &mut |_| {})?;
            let links = outcome.links;
            tracing::info!(
                index_seconds = outcome.index_seconds,
                profiles_seconds = links.profiles,
                linking_seconds = links.linking,
                writing_seconds = links.writing,
                "generation built"
            );
            let failed = outcome
                .reports
                .iter()
                .filter_map(|r| r.error.as_ref().map(|e| e.to_string()))
                .collect();
            Ok((Engine::open(&root)?, failed))
        },
    )
    .await
    .map_err(|e| ApiError::internal(format!("reindex worker failed: {e}")))?;
    let (engine, failed_documents) = built?;
    let res = ReindexResponse {
        generation: engine.generation(),
        measures: engine.measures.len(),
        seconds: started.elapsed().as_secs_f64(),
        failed_documents,
    };
    state.swap(engine);
    tracing::info!(generation = %res.generation, measures = res.measures, "reindexed");
    Ok(Json(res))
}
