//! The one error type of the HTTP API and its mapping to status codes: every
//! error leaves as `{"code", "message"}` JSON. User mistakes are 4xx; only a
//! failure of the service itself is 5xx.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use shisaku_engine::engine::EngineError;
use shisaku_engine::search::SearchError;

/// Every error code the API sends: the one table of codes. The web UI
/// (`assets/app.js`, `ERROR_MESSAGES`) has a Japanese message for each, which
/// a test checks; a new code goes here and there.
pub const CODES: &[&str] = &[
    "bad_parameter",
    "bad_query",
    "bad_filter",
    "bad_json",
    "body_too_large",
    "busy",
    "import_failed",
    "internal",
    "method_not_allowed",
    "not_found",
    "not_ready",
    "payload_too_large",
    "query_too_long",
    "timeout",
    "unauthorized",
    "unsupported_media_type",
];

/// The JSON body of every error response.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code (one of [`CODES`]: `bad_parameter`, `not_found`, …).
    pub code: &'static str,
    /// What went wrong, naming the parameter or value (English, for developers;
    /// the web UI shows its own Japanese text per code).
    pub message: String,
    /// The request parameter at fault, for `bad_parameter` (and `bad_query`: `q`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub parameter: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(CODES.contains(&code), "error code {code:?} is not in CODES");
        ApiError {
            status,
            code,
            message: message.into(),
            parameter: None,
        }
    }

    pub fn bad_parameter(name: &str, message: impl std::fmt::Display) -> Self {
        ApiError {
            // an empty name (`?=x`) names nothing
            parameter: (!name.is_empty()).then(|| name.to_string()),
            ..Self::new(
                StatusCode::BAD_REQUEST,
                "bad_parameter",
                format!("{name}: {message}"),
            )
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn internal(message: impl std::fmt::Display) -> Self {
        tracing::error!(%message, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; see the server log",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                code: self.code,
                message: self.message,
                parameter: self.parameter,
            }),
        )
            .into_response()
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::UnknownId(id) => ApiError::not_found(format!("no measure with id {id:?}")),
            EngineError::Parameter { parameter, message } => {
                ApiError::bad_parameter(parameter, message)
            }
            EngineError::Search(s) => s.into(),
            e @ EngineError::ImportFailed { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "import_failed",
                e.to_string(),
            ),
            e @ (EngineError::Index(_) | EngineError::Manifest(_)) => ApiError::internal(e),
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Syntax(m) => ApiError {
                parameter: Some("q".to_string()),
                ..ApiError::new(StatusCode::BAD_REQUEST, "bad_query", format!("q: {m}"))
            },
            SearchError::Filter(m) => ApiError::new(StatusCode::BAD_REQUEST, "bad_filter", m),
            SearchError::Parameter { parameter, message } => {
                ApiError::bad_parameter(parameter, message)
            }
            SearchError::Index(e) => ApiError::internal(e),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::CODES;

    /// Every code the API's sources send is in [`CODES`], and the web UI
    /// has a Japanese message for every code in it.
    #[test]
    fn every_code_is_in_the_table_and_the_ui_says_it_in_japanese() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let src = std::fs::read_to_string(&path).unwrap();
            // the first string literal of each call: the code
            for call in src.split("ApiError::new(").skip(1) {
                let Some(code) = call.split('"').nth(1) else {
                    continue;
                };
                if code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    assert!(
                        CODES.contains(&code),
                        "{}: code {code:?} is not in CODES",
                        path.display()
                    );
                }
            }
        }
        let app = include_str!("assets/app.js");
        let table = app
            .split("const ERROR_MESSAGES = {")
            .nth(1)
            .and_then(|t| t.split("};").next())
            .expect("app.js has an ERROR_MESSAGES table");
        for code in CODES {
            let entry = table
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{code}:")))
                .unwrap_or_else(|| panic!("app.js ERROR_MESSAGES has no message for {code:?}"));
            assert!(
                entry
                    .chars()
                    .any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)),
                "the message for {code} is not Japanese: {entry}"
            );
        }
    }
}
