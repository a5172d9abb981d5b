//! Security headers: every HTML page carries a Content-Security-Policy that
//! forbids framing (unless an origin is configured) and X-Frame-Options;
//! every response, JSON and errors included, `X-Content-Type-Options: nosniff`.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use shisaku::api::{AppState, Config, app};
use shisaku::engine::Engine;

fn router(frame_ancestors: &[&str]) -> Result<axum::Router, String> {
    let engine = Engine::in_memory(common::corpus().measures[..20].to_vec()).unwrap();
    let config = Config {
        frame_ancestors: frame_ancestors.iter().map(|s| s.to_string()).collect(),
        ..Config::default()
    };
    app(AppState::new(engine, config))
}

async fn get(router: &axum::Router, path: &str) -> axum::http::HeaderMap {
    let req = Request::get(path).body(Body::empty()).unwrap();
    common::inproc::send(router.clone(), req).await.1
}

#[tokio::test]
async fn html_pages_have_a_csp_and_cannot_be_framed_and_nothing_is_sniffed() {
    let r = router(&[]).unwrap();
    for page in ["/", "/overlaps", "/similar", "/measure/x"] {
        let h = get(&r, page).await;
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{page}: {csp}");
        assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"));
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{page}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{page}");
    }
    for path in [
        "/api/plans",
        "/api/search?q=%E7%9B%B8%E8%AB%87",
        "/api/search?page=0",
        "/api/nothing",
        "/healthz",
        "/openapi.json",
        "/widget.js",
        "/assets/app.js",
    ] {
        let h = get(&r, path).await;
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert!(h.get(header::CONTENT_SECURITY_POLICY).is_none(), "{path}");
    }
}

#[tokio::test]
async fn configured_origins_may_frame_the_pages() {
    let r = router(&["https://portal.example.jp"]).unwrap();
    let h = get(&r, "/").await;
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors https://portal.example.jp"),
        "{csp}"
    );
    assert!(h.get(header::X_FRAME_OPTIONS).is_none());
    // an origin that would change the policy is refused
    let e = router(&["https://a.jp; script-src *"]).err().unwrap();
    assert!(e.contains("frame ancestor"), "{e}");
}
