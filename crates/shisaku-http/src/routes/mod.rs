//! The API's routes, one file per area: each parses and checks its
//! request, calls the engine off the async runtime and returns JSON (the
//! shapes of the CLI's `--json` output).

pub mod admin;
pub mod health;
pub mod measures;
pub mod overlaps;
pub mod plans_facets;
pub mod search;
pub mod similar;
pub mod suggest;

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, ApiResult, Code};

/// Longest accepted measure id.
const MAX_ID_CHARS: usize = 200;

pub(crate) fn check_id(id: &str) -> ApiResult<()> {
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
pub(crate) fn path_id(path: Result<Path<String>, PathRejection>) -> ApiResult<String> {
    path.map(|Path(id)| id)
        .map_err(|_| ApiError::bad_parameter("id", "is not valid UTF-8 after percent-decoding"))
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

/// A CSV download named `file`.
pub(crate) fn csv_response(body: Vec<u8>, file: &'static str) -> Response {
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

/// Answers a request for no route.
pub async fn not_found() -> ApiError {
    ApiError::of(Code::NotFound)
}

/// Answers a method the route does not take.
pub async fn method_not_allowed() -> ApiError {
    ApiError::of(Code::MethodNotAllowed)
}
