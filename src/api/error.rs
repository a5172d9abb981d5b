//! The one error type of the HTTP API and its mapping to status codes: every
//! error leaves as `{"code", "message"}` JSON. User mistakes are 4xx; only a
//! failure of the service itself is 5xx.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::engine::EngineError;
use crate::search::SearchError;

/// The JSON body of every error response.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code (`bad_parameter`, `not_found`, …).
    pub code: &'static str,
    /// What went wrong, naming the parameter or value.
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_parameter(name: &str, message: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_parameter",
            format!("{name}: {message}"),
        )
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
            SearchError::Syntax(m) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_query", format!("q: {m}"))
            }
            SearchError::Filter(m) => ApiError::new(StatusCode::BAD_REQUEST, "bad_filter", m),
            SearchError::Parameter { parameter, message } => {
                ApiError::bad_parameter(parameter, message)
            }
            SearchError::Index(e) => ApiError::internal(e),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
