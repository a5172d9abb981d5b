//! The HTTP API on the real documents, in process (tower `oneshot`): shapes,
//! errors as `{code, message}` 4xx, CORS, the OpenAPI document.

mod common;

use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use shisaku::api::{AppState, Config, app};
use shisaku::engine::Engine;

use common::inproc::enc;

const ALLOWED: &str = "http://intranet.example.jp";

fn router() -> Router {
    static STATE: OnceLock<AppState> = OnceLock::new();
    let state = STATE.get_or_init(|| {
        let engine = Engine::in_memory(common::corpus().measures.clone()).expect("engine builds");
        AppState::new(
            engine,
            Config {
                cors_origins: vec![ALLOWED.to_string()],
                ..Config::default()
            },
        )
    });
    app(state.clone()).expect("router builds")
}

async fn send(req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    common::inproc::send(router(), req).await
}

/// A GET of `uri`, answered as it came.
async fn get_raw(uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    send(Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = get_raw(uri).await;
    let v = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into()));
    (status, v)
}

fn assert_error(status: StatusCode, v: &Value, want: StatusCode, mentions: &str) {
    assert_eq!(status, want, "{v}");
    assert!(v["code"].is_string(), "{v}");
    let msg = v["message"].as_str().unwrap_or("");
    assert!(
        msg.contains(mentions),
        "message {msg:?} should mention {mentions:?}"
    );
}

#[tokio::test]
async fn search_returns_hits_facets_and_snippets() {
    let (s, v) = get(&format!("/api/search?q={}&per_page=5", enc("民生委員"))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["total"].as_u64().unwrap() >= 3);
    let hit = &v["hits"][0];
    for k in [
        "id",
        "title",
        "plan",
        "level",
        "departments",
        "sections",
        "source",
        "score",
        "snippet",
    ] {
        assert!(!hit[k].is_null(), "hit lacks {k}: {hit}");
    }
    assert!(hit["snippet"].as_str().unwrap().contains("<mark>"));
    assert!(
        v["facets"]["municipality"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
}

#[tokio::test]
async fn facet_filters_and_counts_are_disjunctive() {
    let (_, all) = get("/api/search?q=&per_page=1").await;
    let levels = all["facets"]["level"].as_array().unwrap().clone();
    assert!(levels.len() >= 2, "{levels:?}");
    let first = levels[0]["value"].as_str().unwrap();
    let (_, filtered) = get(&format!("/api/search?per_page=1&level={first}")).await;
    assert_eq!(filtered["total"], levels[0]["count"]);
    // the level facet still shows the other values with their full counts
    assert_eq!(
        filtered["facets"]["level"].as_array().unwrap().len(),
        levels.len()
    );
    let second = levels[1]["value"].as_str().unwrap();
    let (_, both) = get(&format!(
        "/api/search?per_page=1&filter=level={first}&filter=level={second}"
    ))
    .await;
    assert_eq!(
        both["total"].as_u64().unwrap(),
        levels[0]["count"].as_u64().unwrap() + levels[1]["count"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn measure_related_plans_and_suggest() {
    let (_, v) = get(&format!(
        "/api/search?q={}&per_page=1",
        enc("ゲートキーパー養成")
    ))
    .await;
    let id = v["hits"][0]["id"].as_str().unwrap().to_string();
    let (s, m) = get(&format!("/api/measures/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["id"], id.as_str());
    assert!(m["source"]["line"].as_u64().unwrap() > 0);
    let (s, r) = get(&format!("/api/measures/{id}/related?limit=3&all_plans=on")).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["id"], id.as_str());
    assert!(
        r["related"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["id"] != id.as_str())
    );
    let (s, p) = get("/api/plans").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        p.as_array()
            .unwrap()
            .iter()
            .all(|x| x["measures"].as_u64().unwrap() > 0)
    );
    let (s, sg) = get(&format!("/api/suggest?q={}", enc("みんせい"))).await;
    assert_eq!(s, StatusCode::OK);
    let texts: Vec<&str> = sg["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["text"].as_str())
        .collect();
    assert!(texts.iter().any(|t| t.contains("民生委員")), "{texts:?}");
}

#[tokio::test]
async fn similar_and_overlaps() {
    let body = serde_json::json!({"text": "地域住民の最も身近な相談相手であり、地域活動の中核を担う民生委員の活動を支援する。"});
    let (s, _, b) = send(
        Request::post("/api/similar")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let v: Value = serde_json::from_slice(&b).unwrap();
    let first = &v["sentences"][0]["matches"][0];
    assert!(first["html"].as_str().unwrap().contains("<mark>"), "{v}");
    let (s, h, b) = get_raw("/api/overlaps?format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        b.starts_with("\u{FEFF}".as_bytes()),
        "CSV starts with a BOM"
    );
    // the CSV has every pair; the JSON a window of them with the totals
    let csv = String::from_utf8(b).unwrap();
    let (s, o) = get("/api/overlaps?threshold=0.2").await;
    assert_eq!(s, StatusCode::OK);
    let all: shisaku::related::overlap::OverlapReport = serde_json::from_value(o).unwrap();
    assert!(!all.matrix.plans.is_empty());
    let (_, v) = get("/api/overlaps").await;
    let default: shisaku::related::overlap::OverlapReport = serde_json::from_value(v).unwrap();
    assert!(default.total_pairs > 3 && default.total_pairs < all.total_pairs);
    assert_eq!(csv.lines().count(), default.total_pairs + 1);
    assert_eq!(
        default.pairs.len(),
        default.total_pairs.min(200),
        "200 pairs by default"
    );
    let (_, v) = get("/api/overlaps?limit=2&offset=1&clusters_limit=1&clusters_offset=1").await;
    let page: shisaku::related::overlap::OverlapReport = serde_json::from_value(v).unwrap();
    assert_eq!((page.pairs_offset, page.pairs.len()), (1, 2));
    assert_eq!(page.pairs[0].a.id, default.pairs[1].a.id);
    assert_eq!(page.pairs[1].b.id, default.pairs[2].b.id);
    assert_eq!((page.clusters_offset, page.clusters.len()), (1, 1));
    // the second cluster, numbered 1-based as in the CSV and the UI
    assert_eq!(page.clusters[0].number, 2);
    assert_eq!(page.total_pairs, default.total_pairs);
    // a window of the CSV
    let (s, _, b) = get_raw("/api/overlaps?format=csv&limit=2").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(String::from_utf8(b).unwrap().lines().count(), 3);
}

#[tokio::test]
async fn bad_input_is_a_4xx_json_error_naming_the_problem() {
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (
            format!("/api/search?q={}", enc("\"早期発見")),
            StatusCode::BAD_REQUEST,
            "unbalanced quote",
        ),
        ("/api/search?q=OR".into(), StatusCode::BAD_REQUEST, "OR"),
        (
            "/api/search?q=foo:bar".into(),
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        (
            "/api/search?filter=color=red".into(),
            StatusCode::BAD_REQUEST,
            "unknown filter key",
        ),
        (
            "/api/search?plan_kind=Sports%20Plan".into(),
            StatusCode::BAD_REQUEST,
            "plan_kind",
        ),
        (
            "/api/search?page=-1".into(),
            StatusCode::BAD_REQUEST,
            "page",
        ),
        (
            "/api/search?per_page=100000".into(),
            StatusCode::BAD_REQUEST,
            "per_page",
        ),
        (
            "/api/search?page=99999999999999999999999".into(),
            StatusCode::BAD_REQUEST,
            "page",
        ),
        (
            "/api/search?sort=random".into(),
            StatusCode::BAD_REQUEST,
            "sort",
        ),
        (
            "/api/search?synonyms=maybe".into(),
            StatusCode::BAD_REQUEST,
            "synonyms",
        ),
        (
            "/api/search?q=%E7%9B%B8%E8%AB%87&match=any".into(),
            StatusCode::BAD_REQUEST,
            "match",
        ),
        (
            "/api/search?q=%FF%FE".into(),
            StatusCode::BAD_REQUEST,
            "UTF-8",
        ),
        (
            "/api/search?colour=1".into(),
            StatusCode::BAD_REQUEST,
            "unknown parameter",
        ),
        (
            format!("/api/search?q={}", "a".repeat(1500)),
            StatusCode::BAD_REQUEST,
            "q",
        ),
        (
            format!("/api/search?q={}", "a".repeat(9000)),
            StatusCode::URI_TOO_LONG,
            "bytes",
        ),
        (
            "/api/measures/nope-000".into(),
            StatusCode::NOT_FOUND,
            "nope-000",
        ),
        (
            "/api/measures/..%2F..%2Fetc%2Fpasswd".into(),
            StatusCode::NOT_FOUND,
            "no measure",
        ),
        (
            "/api/measures/nope/related?limit=0".into(),
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            "/api/overlaps?format=xml".into(),
            StatusCode::BAD_REQUEST,
            "format",
        ),
        (
            "/api/overlaps?threshold=2".into(),
            StatusCode::BAD_REQUEST,
            "threshold",
        ),
        (
            "/api/overlaps?limit=100000".into(),
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            "/api/overlaps?offset=-1".into(),
            StatusCode::BAD_REQUEST,
            "offset",
        ),
        (
            "/api/overlaps?page=2".into(),
            StatusCode::BAD_REQUEST,
            "page",
        ),
        (
            "/api/suggest?limit=x".into(),
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        ("/api/nothing-here".into(), StatusCode::NOT_FOUND, "no such"),
    ];
    for (uri, want, mentions) in cases {
        let (s, v) = get(&uri).await;
        assert_error(s, &v, want, mentions);
    }
    let posts: Vec<(Option<&str>, Vec<u8>, StatusCode, &str)> = vec![
        (
            Some("application/json"),
            b"{not json".to_vec(),
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            Some("application/json"),
            br#"{"txt": "x"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "txt",
        ),
        (
            Some("application/json"),
            br#"{"text": ""}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "text",
        ),
        (
            Some("text/plain"),
            br#"{"text": "a"}"#.to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "application/json",
        ),
        (
            Some("application/json"),
            format!("{{\"text\": \"{}\"}}", "あ".repeat(40_000)).into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "bytes",
        ),
        (
            Some("application/json"),
            format!("{}1{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
            StatusCode::BAD_REQUEST,
            "body",
        ),
    ];
    for (ct, body, want, mentions) in posts {
        let mut req = Request::post("/api/similar");
        if let Some(ct) = ct {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let (s, _, b) = send(req.body(Body::from(body)).unwrap()).await;
        let v: Value = serde_json::from_slice(&b).unwrap_or(Value::Null);
        assert_error(s, &v, want, mentions);
    }
    let (s, _, b) = send(Request::delete("/api/search").body(Body::empty()).unwrap()).await;
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_error(s, &v, StatusCode::METHOD_NOT_ALLOWED, "method");
    // and the service still answers
    let (s, _) = get("/healthz").await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let req = |origin: &str| {
        Request::get("/api/search?q=x")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .unwrap()
    };
    let (_, h, _) = send(req(ALLOWED)).await;
    assert_eq!(h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), ALLOWED);
    let (_, h, _) = send(req("http://evil.example.com")).await;
    assert!(h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[tokio::test]
async fn openapi_document_resolves_every_reference() {
    let (s, doc) = get("/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut refs = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "$ref" {
                        out.push(x.as_str().unwrap_or("").to_string());
                    } else {
                        walk(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&doc, &mut refs);
    assert!(refs.len() > 10, "{refs:?}");
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected ref {r}"));
        assert!(schemas.contains_key(name), "unresolved {r}");
    }
    for p in [
        "/api/search",
        "/api/measures/{id}",
        "/api/measures/{id}/related",
        "/api/similar",
        "/api/suggest",
        "/api/overlaps",
        "/api/plans",
        "/api/facets",
        "/healthz",
    ] {
        assert!(
            doc["paths"][p].is_object(),
            "{p} missing from the OpenAPI document"
        );
    }
}

/// Exports: every hit of a search (not one page) and every wording-reuse
/// match, as CSV for Excel (UTF-8 with BOM, the columns shown on screen);
/// the favicon; errors name the parameter at fault.
#[tokio::test]
async fn csv_exports_favicon_and_parameter_errors() {
    let (_, v) = get(&format!("/api/search?q={}&per_page=1", enc("相談"))).await;
    let total = v["total"].as_u64().unwrap();
    assert!(total > 20, "{total}");
    let (status, headers, body) = get_raw(&format!(
        "/api/search?q={}&per_page=1&page=3&format=csv",
        enc("相談")
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(body.starts_with("\u{FEFF}".as_bytes()));
    let text = String::from_utf8(body).unwrap();
    let mut rows = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
    let head: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&head[..4], ["順位", "施策名", "計画", "自治体"]);
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len() as u64, total, "every hit, not the page");
    assert_eq!(&records[0][0], "1");
    // a snippet from progress text names its field; pages print one way
    let field = head.iter().position(|h| h == "抜粋の箇所").unwrap();
    assert!(records.iter().any(|r| r[field].starts_with("進捗（")));
    let page = head.iter().position(|h| h == "掲載ページ").unwrap();
    assert!(
        records.iter().all(|r| r[page].is_empty()
            || r[page].starts_with("p. ")
            || !r[page].chars().all(|c| c.is_ascii_digit())),
        "pages as p. N"
    );

    let (status, _, body) = send(
        Request::post("/api/similar?format=csv")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!({"text": "電話等での相談に対して、丁寧な対応ができた。\n宇宙開発を進める。", "limit": 3})
                    .to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.starts_with("\u{FEFF}文番号,下書きの文,類似度,"),
        "{text}"
    );
    let mut rows = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.iter().filter(|r| &r[0] == "1").count(), 3);
    // every draft sentence has its rows: a sentence without matches has one, empty
    assert!(records.iter().any(|r| &r[0] == "2"), "{text}");
    assert!(records.iter().all(|r| r[2].is_empty() == r[3].is_empty()));

    let (status, headers, body) = get_raw("/favicon.ico").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/x-icon");
    assert!(body.starts_with(&[0, 0, 1, 0]), "an ICO file");

    for (uri, parameter) in [
        ("/api/overlaps?threshold=1.5", "threshold"),
        ("/api/overlaps?threshold=-1", "threshold"),
        ("/api/search?q=title:", "q"),
        ("/api/search?format=xlsx", "format"),
        ("/api/search?sort=nope", "sort"),
    ] {
        let (status, v) = get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(v["parameter"], parameter, "{uri}: {v}");
        assert!(
            v["code"]
                .as_str()
                .unwrap()
                .parse::<shisaku::api::error::Code>()
                .is_ok(),
            "{uri}: {v}"
        );
    }
    let (_, v) = get("/api/search?sort=year&per_page=1").await;
    assert_eq!(
        v["hits"][0]["plan"]["id"], "arao-gender",
        "R5, the newest year, first: {v}"
    );
}

#[tokio::test]
async fn match_all_or_auto_says_whether_partial_matches_follow() {
    // 若者 就職 相談: no measure holds all three words
    let q = "%E8%8B%A5%E8%80%85%20%E5%B0%B1%E8%81%B7%20%E7%9B%B8%E8%AB%87";
    let (status, all) = get(&format!("/api/search?q={q}&match=all")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["total"], 0);
    assert_eq!(all["strict_total"], 0);
    assert_eq!(all["relaxed"], false);
    let (status, auto) = get(&format!("/api/search?q={q}")).await;
    assert_eq!(status, StatusCode::OK, "{auto}");
    assert_eq!(auto["relaxed"], true);
    assert_eq!(auto["strict_total"], 0);
    assert!(
        auto["hits"].as_array().is_some_and(|h| !h.is_empty()),
        "{auto}"
    );
    let (_, explicit) = get(&format!("/api/search?q={q}&match=auto")).await;
    assert_eq!(explicit["hits"], auto["hits"]);
}
