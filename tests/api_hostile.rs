//! A hostile-request corpus for the HTTP API, beyond tests/api.rs: thousands
//! of filters, huge queries, invalid UTF-8 in percent-encoded keys and
//! values, absurd page numbers, deeply nested and mistyped JSON, path
//! traversal and oversized ids in path parameters, unknown methods, absurd
//! headers and duplicated parameters. Each must be answered with a 4xx and a
//! `{"code", "message"}` JSON body (never a 5xx, never a panic), and the
//! service must still answer `/healthz` afterwards.
//!
//! Most requests go through the router in process (tower `oneshot`); the
//! ones that only exist on the wire (a Content-Length that lies, malformed
//! request lines and headers) go to a real server on 127.0.0.1.
//!
//! The corpus is `tests/fixtures/hostile`: records whose titles and contents
//! carry `<script>` and `" onmouseover="x`, so the last tests can check that
//! every string the API renders as HTML is escaped.

mod common;
mod fuzz_common;

use std::path::PathBuf;
use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use common::http::raw;
use common::inproc::enc;
use fuzz_common::check_marked_html;
use serde_json::Value;
use shisaku::api::{AppState, Config, app};
use shisaku::engine::Engine;

const ADMIN_TOKEN: &str = "hostile-test-token";

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

fn state() -> &'static AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE.get_or_init(|| {
        let corpus =
            shisaku::ingest::import_manifest(&fixture().join("manifest.toml")).expect("manifest");
        assert!(
            corpus.errors().next().is_none(),
            "{:?}",
            corpus.errors().collect::<Vec<_>>()
        );
        let engine = Engine::in_memory(corpus.measures).expect("engine builds");
        AppState::new(
            engine,
            Config {
                admin_token: Some(ADMIN_TOKEN.into()),
                // a reindex is never reached (every admin request here is refused),
                // but point it somewhere harmless all the same
                manifest: fixture().join("manifest.toml"),
                index_root: std::env::temp_dir().join("shisaku-api-hostile-never-written"),
                ..Config::default()
            },
        )
    })
}

fn router() -> Router {
    app(state().clone()).expect("router builds")
}

async fn send(req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let (status, _, body) = common::inproc::send(router(), req).await;
    (status, body)
}

/// A 4xx with a `{"code", "message"}` JSON body.
fn assert_json_4xx(what: &str, status: StatusCode, body: &[u8]) {
    assert!(
        status.is_client_error(),
        "{what}: expected a 4xx, got {status}: {}",
        String::from_utf8_lossy(&body[..body.len().min(300)])
    );
    let v: Value = serde_json::from_slice(body).unwrap_or_else(|_| {
        panic!(
            "{what}: {status} body is not JSON: {:?}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )
    });
    assert!(
        v["code"].as_str().is_some_and(|c| !c.is_empty()),
        "{what}: {v}"
    );
    assert!(
        v["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: {v}"
    );
    // code and message, and for a bad parameter the parameter's name
    let keys = v.as_object().map(|o| o.len());
    match v.get("parameter") {
        Some(p) => {
            assert!(p.as_str().is_some_and(|p| !p.is_empty()), "{what}: {v}");
            assert_eq!(keys, Some(3), "{what}: {v}");
        }
        None => assert_eq!(keys, Some(2), "{what}: {v}"),
    }
}

async fn healthy() {
    let (s, b) = send(Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
}

/// GETs whose URI is built from raw (already encoded) text: each must be a
/// 4xx JSON error.
async fn expect_4xx(uris: &[String]) {
    for uri in uris {
        let short: String = uri.chars().take(120).collect();
        let req = Request::get(uri.as_str())
            .body(Body::empty())
            .unwrap_or_else(|e| panic!("{short}: {e}"));
        let (s, b) = send(req).await;
        assert_json_4xx(&short, s, &b);
    }
    healthy().await;
}

#[tokio::test]
async fn thousands_of_filters() {
    let many = |part: &str, n: usize| format!("/api/search?{}", vec![part; n].join("&"));
    // an equivalent request within the limit is cached first; the cache key
    // folds duplicate filters, so the request over the limit is refused only
    // if its limits are checked before the cache is consulted
    for n in [1, 3, 64] {
        let (s, b) = send(
            Request::get(many("section=y", n))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    }
    expect_4xx(&[
        many("section=y", 65),
        many("filter=level%3Dmeasure", 2000),
        many("level=measure", 3000),
        many("department=x", 65),
        many("filter=plan%3Dx", 65),
        many("filter=nope%3Dx", 2),
        many("filter=level", 1),
        many("filter==", 1),
        many("filter=%3D", 1),
        many("filter=level%3D", 1),
        many("year=%E4%BB%A4%E5%92%8C", 1), // 令和 with no number
        many("year=99999999999999999999", 1),
        many("year=R99999", 1),
        many("year=1", 1),
        many("level=%F0%9F%98%80", 1),
        format!(
            "/api/search?q=x&{}",
            many("plan_kind=No%20Pe", 1).trim_start_matches("/api/search?")
        ),
    ])
    .await;
    // 64 filters are allowed
    let (s, b) = send(
        Request::get(many("department=x", 64))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
}

#[tokio::test]
async fn huge_queries() {
    expect_4xx(&[
        format!("/api/search?q={}", "a".repeat(1001)),
        format!("/api/search?q={}", enc(&"民".repeat(1001))),
        format!("/api/search?q={}", enc(&"あ".repeat(3000))),
        format!("/api/search?q={}", "a".repeat(60_000)),
        format!("/api/search?q={}", enc(&"\"".repeat(1001))),
        format!("/api/search?q={}", enc(&"a OR ".repeat(300))),
        format!("/api/suggest?q={}", "a".repeat(101)),
        format!("/api/suggest?q={}", enc(&"あ".repeat(101))),
        format!("/api/search?{}", "x".repeat(9000)),
        format!("/api/search?{}=1", "q".repeat(5000)),
    ])
    .await;
}

#[tokio::test]
async fn invalid_utf8_in_percent_encoding() {
    let bad = [
        "%FF",
        "%FE%FF",
        "%C3%28",       // invalid continuation
        "%C0%AF",       // overlong '/'
        "%E3%81",       // truncated 3-byte sequence
        "%ED%A0%80",    // an encoded surrogate
        "%F4%90%80%80", // beyond U+10FFFF
        "%F8%88%80%80%80",
        "a%80b",
    ];
    let mut uris = Vec::new();
    for b in bad {
        uris.push(format!("/api/search?q={b}"));
        uris.push(format!("/api/search?{b}=1"));
        uris.push(format!("/api/search?{b}"));
        uris.push(format!("/api/search?filter=level%3D{b}"));
        uris.push(format!("/api/search?department={b}"));
        uris.push(format!("/api/search?q=x&page=1&{b}{b}=x"));
        uris.push(format!("/api/suggest?q={b}"));
        uris.push(format!("/api/overlaps?format={b}"));
        uris.push(format!("/api/measures/xss-1/related?limit={b}"));
        uris.push(format!("/api/measures/xss-1/related?{b}=1"));
        uris.push(format!("/api/facets?{b}=1"));
    }
    expect_4xx(&uris).await;
}

#[tokio::test]
async fn absurd_pages_and_numbers() {
    let mut uris = Vec::new();
    for v in [
        "-1",
        "0",
        "-0",
        "10001",
        "99999999999999999999999999999999999999999999",
        "-99999999999999999999999999999999999999999999",
        "18446744073709551616",
        "1e3",
        "1.5",
        "0x10",
        "abc",
        "NaN",
        "inf",
        "%EF%BC%91", // full-width １
        "1%00",
        "%00",
        "1;2",
    ] {
        uris.push(format!("/api/search?page={v}"));
        uris.push(format!("/api/search?per_page={v}"));
        uris.push(format!("/api/suggest?q=a&limit={v}"));
        uris.push(format!("/api/measures/xss-1/related?limit={v}"));
    }
    for v in [
        "-1",
        "1.5",
        "2",
        "-0.1",
        "1.0000001",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "abc",
        "1e400",
        "0x1",
        "%00",
        "%EF%BC%90",
        "0.5.5",
    ] {
        uris.push(format!("/api/overlaps?threshold={v}"));
    }
    for k in ["limit", "offset", "clusters_limit", "clusters_offset"] {
        for v in ["-1", "1e3", "99999999999999999999999", "%00", "x", "10001"] {
            // 10001 is a valid offset: past the end, an empty window
            if !(v == "10001" && k.ends_with("offset")) {
                uris.push(format!("/api/overlaps?{k}={v}"));
            }
        }
    }
    uris.push("/api/search?per_page=101".into());
    uris.push("/api/search?synonyms=2".into());
    uris.push("/api/search?sort=%00".into());
    expect_4xx(&uris).await;
    // the largest page and page size are valid, and empty
    let (s, b) = send(
        Request::get("/api/search?page=10000&per_page=100")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["hits"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn path_parameters() {
    let long = "a".repeat(5000);
    let mut uris: Vec<String> = [
        "/api/measures/..%2f..%2fetc%2fpasswd",
        "/api/measures/..%2F..%2F..%2FCargo.toml",
        "/api/measures/%2e%2e%2f%2e%2e%2fseeds%2fmanifest.toml",
        "/api/measures/..%5c..%5cwindows",
        "/api/measures/%00",
        "/api/measures/xss-1%00",
        "/api/measures/%0d%0aSet-Cookie:x",
        "/api/measures/%FF",
        "/api/measures/%C0%AE%C0%AE",
        "/api/measures/%ED%A0%80",
        "/api/measures/%20",
        "/api/measures/%E6%B0%91",
        "/api/measures/xss-1%3Cscript%3E",
        "/api/measures/..",
        "/api/measures/.",
        "/api/measures/%2e",
        "/api/measures/%FF/related",
        "/api/measures/%00/related",
        "/api/measures/..%2f/related",
        "/api/measures/nope/related",
        "/api/measures/xss-1/related/extra",
        "/api/measures//related",
        "/api/measures/",
        "/api/measures",
        "/api/../etc/passwd",
        "/api/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%FF",
        "/%FF",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    uris.push(format!("/api/measures/{long}"));
    uris.push(format!("/api/measures/{long}/related"));
    uris.push(format!("/api/measures/{}", "%FF".repeat(3000)));
    uris.push(format!("/api/measures/{}", "a".repeat(201)));
    expect_4xx(&uris).await;
}

#[tokio::test]
async fn unknown_and_wrong_methods() {
    let methods = [
        Method::from_bytes(b"FOO").unwrap(),
        Method::from_bytes(b"PROPFIND").unwrap(),
        Method::from_bytes(&[b'X'; 200]).unwrap(),
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::TRACE,
        Method::OPTIONS,
    ];
    for m in methods {
        for uri in [
            "/api/search?q=x",
            "/api/similar",
            "/api/measures/xss-1",
            "/api/admin/reindex",
            "/healthz",
            "/nothing",
        ] {
            let req = Request::builder()
                .method(m.clone())
                .uri(uri)
                .body(Body::from("{}"))
                .unwrap();
            let (s, b) = send(req).await;
            assert_json_4xx(&format!("{m} {uri}"), s, &b);
        }
    }
    // GET on the POST-only endpoints, POST on GET-only ones
    for (m, uri) in [
        (Method::GET, "/api/similar"),
        (Method::GET, "/api/admin/reindex"),
        (Method::POST, "/api/search"),
        (Method::POST, "/api/measures/xss-1"),
    ] {
        let (s, b) = send(
            Request::builder()
                .method(m.clone())
                .uri(uri)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_json_4xx(&format!("{m} {uri}"), s, &b);
    }
    healthy().await;
}

async fn post_similar(content_type: Option<&[u8]>, body: impl Into<Body>) -> (StatusCode, Vec<u8>) {
    let mut req = Request::post("/api/similar");
    if let Some(ct) = content_type {
        req = req.header(header::CONTENT_TYPE, HeaderValue::from_bytes(ct).unwrap());
    }
    send(req.body(body.into()).unwrap()).await
}

#[tokio::test]
async fn hostile_json_bodies() {
    let deep = |n: usize| format!("{{\"text\": {}\"a\"{}}}", "[".repeat(n), "]".repeat(n));
    let deep_obj = |n: usize| format!("{}{}", "{\"text\":".repeat(n), "}".repeat(n));
    let bodies: Vec<Vec<u8>> = vec![
        deep(200).into_bytes(),
        deep(20_000).into_bytes(),
        deep_obj(20_000).into_bytes(),
        format!("{}{}", "[".repeat(30_000), "]".repeat(30_000)).into_bytes(),
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"\"text\"".to_vec(),
        b"{}".to_vec(),
        br#"{"text": 1}"#.to_vec(),
        br#"{"text": null}"#.to_vec(),
        br#"{"text": ["a"]}"#.to_vec(),
        br#"{"text": {"a": "b"}}"#.to_vec(),
        br#"{"text": true}"#.to_vec(),
        br#"{"text": "  \n\t "}"#.to_vec(),
        br#"{"text": "a", "limit": "5"}"#.to_vec(),
        br#"{"text": "a", "limit": -1}"#.to_vec(),
        br#"{"text": "a", "limit": 1.5}"#.to_vec(),
        br#"{"text": "a", "limit": 1e400}"#.to_vec(),
        br#"{"text": "a", "limit": 0}"#.to_vec(),
        br#"{"text": "a", "limit": 51}"#.to_vec(),
        br#"{"text": "a", "limit": 18446744073709551615}"#.to_vec(),
        br#"{"text": "a", "limit": 18446744073709551616}"#.to_vec(),
        br#"{"text": "a", "extra": 1}"#.to_vec(),
        br#"{"text": "a", "text": "b"}"#.to_vec(),
        br#"{"text": "\ud800"}"#.to_vec(),
        b"{\"text\": \"\xFF\xFE\"}".to_vec(),
        b"\xEF\xBB\xBF{\"text\": \"a\"}".to_vec(),
        b"{\"text\": \"a\"} trailing".to_vec(),
        b"{\"text\": \"a\"".to_vec(),
        format!("{{\"text\": \"{}\"}}", "あ".repeat(20_001)).into_bytes(),
        format!("{{\"text\": \"{}\"}}", "a".repeat(70_000)).into_bytes(),
        vec![0u8; 1000],
    ];
    for body in bodies {
        let what = String::from_utf8_lossy(&body[..body.len().min(60)]).to_string();
        let (s, b) = post_similar(Some(b"application/json"), body).await;
        assert_json_4xx(&what, s, &b);
    }
    // content types: missing, wrong, not UTF-8
    for ct in [
        None,
        Some(b"text/plain".as_slice()),
        Some(b"application/x-www-form-urlencoded"),
        Some(b"multipart/form-data; boundary=x"),
        Some(b"APPLICATION/JSON"),
        Some(b"\xFF\xFE"),
        Some(b""),
    ] {
        let (s, b) = post_similar(ct, r#"{"text": "民生委員"}"#).await;
        assert_json_4xx(&format!("content type {ct:?}"), s, &b);
    }
    healthy().await;
}

#[tokio::test]
async fn absurd_headers_in_process() {
    // a Content-Length that does not match the body, a huge header, odd hosts
    let req = Request::post("/api/similar")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, "99999999999999")
        .body(Body::from("{\"text\": 1}"))
        .unwrap();
    let (s, b) = send(req).await;
    assert_json_4xx("content-length mismatch", s, &b);
    let req = Request::get("/api/search?q=%FF")
        .header("x-junk", "x".repeat(100_000))
        .header(header::HOST, "a".repeat(10_000).as_str())
        .header(header::ACCEPT, "*/*; q=NaN")
        .body(Body::empty())
        .unwrap();
    let (s, b) = send(req).await;
    assert_json_4xx("huge header", s, &b);
    // admin: no token, wrong token, huge token, non-UTF-8 token
    for auth in [
        None,
        Some(b"Bearer wrong".to_vec()),
        Some(b"Bearer ".to_vec()),
        Some(format!("Bearer {ADMIN_TOKEN}x").into_bytes()),
        Some(format!("bearer {ADMIN_TOKEN}").into_bytes()),
        Some(format!("Bearer {}", "t".repeat(100_000)).into_bytes()),
        Some(b"Bearer \xFF\xFE".to_vec()),
        Some(format!("Basic {ADMIN_TOKEN}").into_bytes()),
    ] {
        let mut req = Request::post("/api/admin/reindex");
        if let Some(a) = &auth {
            req = req.header(header::AUTHORIZATION, HeaderValue::from_bytes(a).unwrap());
        }
        let (s, b) = send(req.body(Body::empty()).unwrap()).await;
        assert_json_4xx("admin without a valid token", s, &b);
    }
    healthy().await;
}

#[tokio::test]
async fn duplicated_and_odd_parameters() {
    // clearly wrong: errors
    expect_4xx(&[
        "/api/search?page=1&page=abc".into(),
        "/api/search?per_page=5&per_page=0".into(),
        "/api/search?sort=document&sort=random".into(),
        "/api/search?q=x&q=%22".into(),
        "/api/search?=x".into(),
        "/api/search?&&=&&".into(),
        "/api/search?q=x&Q=y".into(),
        "/api/search?q[]=x".into(),
        "/api/search?q%00=x".into(),
        "/api/facets?q=x".into(),
        "/api/measures/xss-1/related?limit=1&limit=100".into(),
        "/api/suggest?q=a&q=b&limit=1&limit=x".into(),
    ])
    .await;
    // repeated or odd values: a normal answer, or a JSON 4xx naming the
    // parameter (a single-valued key given twice), never a 5xx
    for uri in [
        "/api/search?q=%22&q=x",
        "/api/search?page=abc&page=1",
        "/api/search?q=a&q=b&q=c",
        "/api/search?department=x&department=x&department=x",
        "/api/search?q",
        "/api/search?&&&",
        "/api/search?q=+",
        "/api/search?q=%",
        "/api/search?q=%2",
        "/api/search?q=%%%",
    ] {
        let (s, b) = send(Request::get(uri).body(Body::empty()).unwrap()).await;
        assert!(
            s == StatusCode::OK || s.is_client_error(),
            "{uri}: {s} {}",
            String::from_utf8_lossy(&b)
        );
        if s != StatusCode::OK {
            assert_json_4xx(uri, s, &b);
        }
    }
    healthy().await;
}

// --- on the wire -----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_wire() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router()).await });

    // (request, expected: the app's own JSON error, or a protocol error answered by hyper)
    let app_json = true;
    let cases: Vec<(Vec<u8>, bool, bool)> = vec![
        // the body is much shorter than Content-Length: the read fails at EOF
        (
            b"POST /api/similar HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{\"text\":\"a\"}".to_vec(),
            true,
            app_json,
        ),
        // the body is longer than Content-Length: the rest is a bad next request
        (
            b"POST /api/similar HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{\"text\":\"a\"}".to_vec(),
            true,
            app_json,
        ),
        // a chunked body that breaks off
        (
            b"POST /api/similar HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nfffffff\r\n{\"text\"".to_vec(),
            true,
            app_json,
        ),
        (
            b"FOO /api/search HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
            false,
            app_json,
        ),
        (
            b"GET /api/measures/%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
            false,
            app_json,
        ),
        (
            b"GET /api/search?q=%FF%FE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
            false,
            app_json,
        ),
        // protocol errors: hyper answers before the application sees a request
        (
            b"POST /api/similar HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".to_vec(),
            false,
            !app_json,
        ),
        (
            b"POST /api/similar HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".to_vec(),
            false,
            !app_json,
        ),
        (
            b"POST /api/similar HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".to_vec(),
            false,
            !app_json,
        ),
        (
            b"GET /api/measures/\xFF\xFE HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            false,
            !app_json,
        ),
        (
            b"G\x00T / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            false,
            !app_json,
        ),
        (
            format!(
                "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
                "x".repeat(1 << 20)
            )
            .into_bytes(),
            false,
            !app_json,
        ),
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".to_vec(),
            false,
            !app_json,
        ),
        (b"\r\n\r\n\r\n".to_vec(), false, !app_json),
    ];
    for (bytes, half_close, json) in cases {
        let what = String::from_utf8_lossy(&bytes[..bytes.len().min(70)]).to_string();
        let answer = tokio::task::spawn_blocking(move || raw(addr, &bytes, half_close))
            .await
            .unwrap();
        match answer {
            Some((status, body)) => {
                let status = StatusCode::from_u16(status).unwrap();
                if json {
                    assert_json_4xx(&what, status, body.as_bytes());
                } else {
                    assert!(status.is_client_error(), "{what}: {status}");
                }
            }
            // a protocol error may also just close the connection
            None => assert!(!json, "{what}: no answer"),
        }
        let health = tokio::task::spawn_blocking(move || {
            raw(
                addr,
                b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                false,
            )
        })
        .await
        .unwrap();
        assert_eq!(health.map(|h| h.0), Some(200), "after {what}");
    }
    server.abort();
}

// --- escaping ----------------------------------------------------------------

/// No markup of the corpus leaks into HTML: only `<mark>` tags, everything
/// else escaped, and the unescaped text is the record's own.
fn assert_escaped(what: &str, html: &str) -> String {
    let plain = check_marked_html(html).unwrap_or_else(|e| panic!("{what}: {e}"));
    for raw in ["<script", "<img", "<svg", "\" on", "</textarea"] {
        assert!(!html.contains(raw), "{what}: {raw} in {html}");
    }
    plain
}

#[tokio::test]
async fn search_renders_markup_escaped() {
    let mut seen_script = false;
    let mut seen_quote = false;
    for q in [
        "民生委員",
        "script",
        "alert",
        "onmouseover",
        "ゲートキーパー",
        "相談",
        "\"民生委員の研修\"",
        "img OR svg",
        "mark",
        "",
    ] {
        let (s, b) = send(
            Request::get(format!("/api/search?per_page=100&q={}", enc(q)))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{q}: {}", String::from_utf8_lossy(&b));
        let v: Value = serde_json::from_slice(&b).unwrap();
        let hits = v["hits"].as_array().unwrap();
        assert!(
            !hits.is_empty() || q == "mark" || q == "img OR svg",
            "{q}: no hits"
        );
        for h in hits {
            let title = h["title"].as_str().unwrap();
            let title_html = h["title_html"].as_str().unwrap();
            let snippet = h["snippet"].as_str().unwrap();
            assert_eq!(assert_escaped(q, title_html), title);
            assert_escaped(q, snippet);
            seen_script |= title_html.contains("&lt;script&gt;");
            seen_quote |= title_html.contains("&quot; onmouseover=&quot;x");
        }
    }
    assert!(
        seen_script && seen_quote,
        "the hostile titles were searched"
    );
}

#[tokio::test]
async fn similar_renders_markup_escaped() {
    for text in [
        "<script>alert(1)</script>地域住民の最も身近な相談相手である民生委員の活動を支援する。",
        "\" onmouseover=\"x 民生委員を対象にゲートキーパー養成研修を実施する。",
        "電話相談を行う。\" onmouseover=\"x <script>alert(1)</script>",
    ] {
        let body = serde_json::json!({"text": text, "limit": 50}).to_string();
        let (s, b) = post_similar(Some(b"application/json"), body).await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
        let v: Value = serde_json::from_slice(&b).unwrap();
        let matches: Vec<&Value> = v["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["matches"].as_array().unwrap())
            .collect();
        assert!(!matches.is_empty(), "{text}: no matches: {v}");
        let mut hostile = false;
        for m in matches {
            let html = m["html"].as_str().unwrap();
            assert_eq!(assert_escaped(text, html), m["text"].as_str().unwrap());
            hostile |= html.contains("&lt;script&gt;") || html.contains("&quot;");
        }
        assert!(hostile, "{text}: the marked-up sentences were matched");
    }
}

// --- random requests -----------------------------------------------------------

/// One `key=value` pair of a random query string: known and unknown keys,
/// values from the query syntax, numbers, percent-encoded hostile text and
/// raw percent sequences (valid or not).
fn pair() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let keys = prop::sample::select(vec![
        "q",
        "filter",
        "page",
        "per_page",
        "sort",
        "synonyms",
        "limit",
        "all_plans",
        "format",
        "threshold",
        "plan",
        "plan_kind",
        "kind",
        "municipality",
        "pillar",
        "department",
        "dept",
        "section",
        "level",
        "year",
        "fiscal_year",
        "status",
        "evaluation",
        "x",
        "",
        "%FF",
        "q%00",
    ]);
    let values = prop_oneof![
        fuzz_common::hostile_string(12).prop_map(|s| enc(&s)),
        fuzz_common::syntax_string(10).prop_map(|s| enc(&s)),
        any::<i64>().prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "",
            "0",
            "1",
            "100",
            "101",
            "10000",
            "-1",
            "1e3",
            "on",
            "off",
            "csv",
            "json",
            "relevance",
            "document",
            "department",
            "level%3Dmeasure",
            "year%3DR2",
            "%FF",
            "%C3%28",
            "%",
            "%2",
            "+",
            "%2B",
            "%00",
            "NaN",
        ])
        .prop_map(String::from),
    ];
    (keys, values).prop_map(|(k, v)| format!("{k}={v}"))
}

proptest::proptest! {
    #![proptest_config(fuzz_common::cases(256))]

    /// Any GET with any query string is answered 200 or 4xx-with-JSON.
    #[test]
    fn random_requests_are_never_5xx(
        path in proptest::sample::select(vec![
            "/api/search", "/api/suggest", "/api/facets", "/api/overlaps", "/api/plans",
            "/api/measures/xss-1", "/api/measures/xss-1/related", "/api/measures/plain-2/related",
            "/api/measures/nope", "/healthz", "/readyz",
        ]),
        pairs in proptest::collection::vec(pair(), 0..12),
    ) {
        let uri = format!("{path}?{}", pairs.join("&"));
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (s, b) = rt.block_on(send(Request::get(uri.as_str()).body(Body::empty()).unwrap()));
        if s != StatusCode::OK {
            assert_json_4xx(&uri, s, &b);
        }
    }

    /// Any JSON object with a `text` of hostile characters is answered by
    /// /api/similar with 200 (escaped HTML) or a 4xx JSON error.
    #[test]
    fn random_similar_bodies(text in fuzz_common::hostile_string(80), limit in proptest::option::of(0i64..60)) {
        let mut body = serde_json::json!({"text": text});
        if let Some(l) = limit {
            body["limit"] = l.into();
        }
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (s, b) = rt.block_on(post_similar(Some(b"application/json"), body.to_string()));
        if s == StatusCode::OK {
            let v: Value = serde_json::from_slice(&b).unwrap();
            for m in v["sentences"].as_array().unwrap().iter().flat_map(|s| s["matches"].as_array().unwrap()) {
                assert_eq!(assert_escaped("similar", m["html"].as_str().unwrap()), m["text"].as_str().unwrap());
            }
        } else {
            assert_json_4xx(&text, s, &b);
        }
    }
}
