//! The one error type of the HTTP API and its mapping to status codes: every
//! error leaves as `{"code", "message"}` JSON. User mistakes are 4xx; only a
//! failure of the service itself is 5xx.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use shisaku_engine::engine::EngineError;
use shisaku_engine::index::IndexError;
use shisaku_engine::search::SearchError;

/// Every error code the API sends, each once with its HTTP status and its
/// messages: the one table of codes. The web UI (`assets/app.js`,
/// `ERROR_MESSAGES`) shows [`Code::message_ja`] for each, which a test checks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumIter, strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Code {
    BadParameter,
    BadQuery,
    BadFilter,
    BadJson,
    BodyTooLarge,
    Busy,
    ImportFailed,
    /// A file of the index is damaged (checksum mismatch, malformed links
    /// file): rebuilding the index mends it, retrying does not.
    IndexCorrupt,
    Internal,
    MethodNotAllowed,
    NotFound,
    NotReady,
    PayloadTooLarge,
    QueryTooLong,
    Timeout,
    Unauthorized,
    UnsupportedMediaType,
}

impl Code {
    /// The code as sent: `bad_parameter`, `not_found`, …
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The HTTP status of every response with this code: user mistakes are
    /// 4xx, only a failure of the service itself is 5xx.
    pub fn status(self) -> StatusCode {
        match self {
            Code::BadParameter | Code::BadQuery | Code::BadFilter | Code::BadJson => {
                StatusCode::BAD_REQUEST
            }
            Code::BodyTooLarge | Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::Busy => StatusCode::CONFLICT,
            Code::ImportFailed => StatusCode::UNPROCESSABLE_ENTITY,
            Code::IndexCorrupt | Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::NotReady | Code::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Code::QueryTooLong => StatusCode::URI_TOO_LONG,
            Code::Unauthorized => StatusCode::UNAUTHORIZED,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }

    /// What the code means, in English: the message of an error that has no
    /// more particular one (the particular ones name the parameter or value).
    pub fn message_en(self) -> &'static str {
        match self {
            Code::BadParameter => "a parameter has a value that is not accepted",
            Code::BadQuery => "the query is not well formed",
            Code::BadFilter => "a filter is not well formed",
            Code::BadJson => "the request body is not the expected JSON",
            Code::BodyTooLarge => "the request body is too large",
            Code::Busy => "the service is busy with the same work",
            Code::ImportFailed => "documents failed to import; the index is unchanged",
            Code::IndexCorrupt => {
                "a file of the index is damaged; rebuild it with `shisaku index` (see the server log)"
            }
            Code::Internal => "internal error; see the server log",
            Code::MethodNotAllowed => "this method is not allowed here",
            Code::NotFound => "no such page or endpoint",
            Code::NotReady => "the index holds no measures",
            Code::PayloadTooLarge => "the request is too large",
            Code::QueryTooLong => "the query string is too long",
            Code::Timeout => "the request took too long",
            Code::Unauthorized => "a valid admin token is required (Authorization: Bearer …)",
            Code::UnsupportedMediaType => "send the body as application/json: {\"text\": \"…\"}",
        }
    }

    /// What the code means, in Japanese, as the web UI says it.
    pub fn message_ja(self) -> &'static str {
        match self {
            Code::BadParameter => "指定の値が正しくありません。",
            Code::BadQuery => {
                "検索語の書き方に誤りがあります。引用符（\"）の対応や、title: などの後に語があるかを確かめてください。"
            }
            Code::BadFilter => "絞り込みの指定が正しくありません。",
            Code::BadJson => "送信した内容を読み取れませんでした。",
            Code::BodyTooLarge => "文章が長すぎます。短くして再度お試しください。",
            Code::Busy => "ただいま処理が混み合っています。しばらくしてから再度お試しください。",
            Code::ImportFailed => {
                "取り込めなかった文書があるため、索引は更新していません（元の索引のままです）。"
            }
            Code::IndexCorrupt => {
                "索引のファイルが壊れています。管理者に索引の作り直しを依頼してください。"
            }
            Code::Internal => "サーバーで問題が発生しました。時間をおいて再度お試しください。",
            Code::MethodNotAllowed => "この操作はできません。",
            Code::NotFound => "指定の施策またはページが見つかりません。",
            Code::NotReady => "索引の準備中です。しばらくしてから再度お試しください。",
            Code::PayloadTooLarge => "送信する内容が大きすぎます。",
            Code::QueryTooLong => "検索語が長すぎます。",
            Code::Timeout => {
                "処理に時間がかかりすぎたため中断しました。条件を絞って再度お試しください。"
            }
            Code::Unauthorized => "権限がありません。",
            Code::UnsupportedMediaType => "送信形式が正しくありません。",
        }
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON body of every error response.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code (`bad_parameter`, `not_found`, … one of [`Code`]).
    pub code: &'static str,
    /// What went wrong, naming the parameter or value (English, for developers;
    /// the web UI shows its own Japanese text per code).
    pub message: String,
    /// The request parameter at fault, for `bad_parameter` (and `bad_query`: `q`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

/// An error on its way to the client. Every error of every layer becomes one
/// here, through the constructors and `From` conversions below.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Always `code.status()`.
    pub status: StatusCode,
    pub code: Code,
    pub message: String,
    pub parameter: Option<String>,
}

impl ApiError {
    /// An error with `code` and a particular message.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError {
            status: code.status(),
            code,
            message: message.into(),
            parameter: None,
        }
    }

    /// An error with `code` and the code's own message.
    pub fn of(code: Code) -> Self {
        Self::new(code, code.message_en())
    }

    pub fn bad_parameter(name: &str, message: impl std::fmt::Display) -> Self {
        ApiError {
            // an empty name (`?=x`) names nothing
            parameter: (!name.is_empty()).then(|| name.to_string()),
            ..Self::new(Code::BadParameter, format!("{name}: {message}"))
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Code::NotFound, message)
    }

    /// A failure of the service: logged with its cause, which the client
    /// does not see.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        tracing::error!(%message, "internal error");
        Self::of(Code::Internal)
    }

    /// A response that could not be serialized (`what`: which one).
    pub fn serialize(what: &str, e: impl std::fmt::Display) -> Self {
        Self::internal(format!("serializing the {what}: {e}"))
    }

    /// A damaged index file: logged with the file, which the client does not see.
    pub fn index_corrupt(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "index file damaged");
        Self::of(Code::IndexCorrupt)
    }

    /// A query string longer than `max` bytes.
    pub fn query_too_long(max: usize) -> Self {
        Self::new(
            Code::QueryTooLong,
            format!("the query string is longer than {max} bytes"),
        )
    }

    /// A body that could not be read within `max` bytes.
    pub fn body_too_large(max: usize) -> Self {
        Self::new(
            Code::BodyTooLarge,
            format!("the body is larger than {max} bytes (or could not be read)"),
        )
    }

    /// A request that announces a body of `len` bytes, over `max`.
    pub fn payload_too_large(len: u64, max: usize) -> Self {
        Self::new(
            Code::PayloadTooLarge,
            format!("Content-Length: {len} bytes; at most {max} are accepted"),
        )
    }

    /// A body that is not the JSON expected.
    pub fn bad_json(e: impl std::fmt::Display) -> Self {
        Self::new(Code::BadJson, format!("body: {e}"))
    }

    /// Work that ran past the request timeout.
    pub fn timeout(limit: std::time::Duration) -> Self {
        Self::new(
            Code::Timeout,
            format!("the request took longer than {} s", limit.as_secs()),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                code: self.code.as_str(),
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
            EngineError::Search(s) => s.into(),
            EngineError::Index(i) => i.into(),
            e @ EngineError::ImportFailed { .. } => {
                ApiError::new(Code::ImportFailed, e.to_string())
            }
            EngineError::Serialize(e) => ApiError::serialize("response", e),
            e @ EngineError::Manifest(_) => ApiError::internal(e),
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Syntax(m) => ApiError {
                parameter: Some("q".to_string()),
                ..ApiError::new(Code::BadQuery, format!("q: {m}"))
            },
            SearchError::Filter(m) => ApiError::new(Code::BadFilter, m),
            SearchError::Parameter { parameter, message } => {
                ApiError::bad_parameter(parameter, message)
            }
            SearchError::Index(e) => e.into(),
        }
    }
}

impl From<IndexError> for ApiError {
    fn from(e: IndexError) -> Self {
        match e {
            e @ IndexError::Corrupt { .. } => ApiError::index_corrupt(e),
            e => ApiError::internal(e),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::Code;
    use strum::IntoEnumIterator;

    /// The web UI says every code in Japanese, in the table's words.
    #[test]
    fn every_code_is_in_the_table_and_the_ui_says_it_in_japanese() {
        let app = include_str!("assets/app.js");
        let table = app
            .split("const ERROR_MESSAGES = {")
            .nth(1)
            .and_then(|t| t.split("};").next())
            .expect("app.js has an ERROR_MESSAGES table");
        for code in Code::iter() {
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
            assert!(
                entry.contains(&format!("'{}'", code.message_ja())),
                "app.js says {code} otherwise than the table ({}): {entry}",
                code.message_ja()
            );
        }
    }

    /// Every code is its own snake_case name, sent as is.
    #[test]
    fn codes_read_back() {
        for code in Code::iter() {
            assert_eq!(code.as_str().parse::<Code>().unwrap(), code);
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
        }
        assert_eq!(Code::BadParameter.as_str(), "bad_parameter");
        assert_eq!(
            Code::UnsupportedMediaType.as_str(),
            "unsupported_media_type"
        );
    }
}
