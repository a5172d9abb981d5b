//! The Japanese web UI and the embeddable widget: plain HTML/CSS/JS embedded
//! in the binary (no CDN, works offline). One page serves `/`,
//! `/measure/{id}`, `/overlaps` and `/similar`; its script routes by path.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::AppState;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");
const WIDGET_JS: &str = include_str!("assets/widget.js");
/// A 32 × 32 icon (PNG inside ICO): browsers ask for `/favicon.ico` on every page.
const FAVICON: &[u8] = include_bytes!("assets/favicon.ico");

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
}

async fn page() -> impl IntoResponse {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
        .route("/measure/{id}", get(page))
        .route("/overlaps", get(page))
        .route("/similar", get(page))
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/assets/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE_CSS) }),
        )
        .route(
            "/favicon.ico",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/x-icon"),
                        (header::CACHE_CONTROL, "max-age=86400"),
                        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                    ],
                    FAVICON,
                )
            }),
        )
        .route(
            "/widget.js",
            get(|| async { asset("text/javascript; charset=utf-8", WIDGET_JS) }),
        )
}
