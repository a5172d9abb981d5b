//! The HTTP API, web UI and embeddable widget (axum).
//!
//! [`app`] builds the router: JSON endpoints under `/api`, `/healthz`,
//! `/readyz`, `/openapi.json`, the Japanese UI at `/` (plus `/measure/{id}`,
//! `/overlaps`, `/similar`, all served by the same page) and `/widget.js`.
//! Routes ([`routes`], one file per area) are thin: they parse parameters, run the engine off the async
//! runtime ([`run_blocking`]) and map errors in one place ([`error`]).

pub mod error;
mod export;
mod listen;
pub mod openapi;
pub mod params;
mod routes;
pub mod timeouts;
mod ui;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, header};
use axum::routing::{get, post};
use bytes::Bytes;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use error::ApiError;
pub use listen::{Listeners, serve};
pub use routes::admin::check_admin_token;
use shisaku_engine::engine::Engine;
pub use timeouts::Timeouts;

/// Largest accepted request body (POST /api/similar), in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Server settings (flags, environment or config file; see `shisaku serve --help`).
#[derive(Debug, Clone)]
pub struct Config {
    /// Origins allowed to call the API from a browser (CORS). Empty = same origin only.
    pub cors_origins: Vec<String>,
    /// Longest time one request may run.
    pub request_timeout: Duration,
    /// Bearer token of the admin endpoints; `None` disables them.
    pub admin_token: Option<String>,
    /// Manifest and index folder a reindex rebuilds (never taken from a request).
    pub manifest: PathBuf,
    pub index_root: PathBuf,
    /// Search responses cached per engine (0 = no cache).
    pub search_cache_entries: usize,
    /// Origins whose pages may show the UI in a frame (CSP
    /// `frame-ancestors`). Empty = none may.
    pub frame_ancestors: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            cors_origins: Vec::new(),
            request_timeout: Duration::from_secs(10),
            admin_token: None,
            manifest: PathBuf::from("seeds/manifest.toml"),
            index_root: PathBuf::from("index"),
            search_cache_entries: shisaku_engine::engine::SEARCH_CACHE_ENTRIES,
            frame_ancestors: Vec::new(),
        }
    }
}

/// Shared state: the live engine (swapped whole on reindex) and the settings.
#[derive(Clone)]
pub struct AppState {
    engine: Arc<RwLock<Arc<Engine>>>,
    pub config: Arc<Config>,
    /// Held while a reindex runs (one at a time).
    pub reindexing: Arc<tokio::sync::Mutex<()>>,
    /// The threads that run requests' engine work ([`run_blocking`]).
    engine_pool: Arc<rayon::ThreadPool>,
}

impl AppState {
    pub fn new(engine: Engine, config: Config) -> Self {
        let engine = engine.with_search_cache(config.search_cache_entries);
        let engine = Arc::new(engine);
        warm(&engine);
        AppState {
            engine: Arc::new(RwLock::new(engine)),
            config: Arc::new(config),
            reindexing: Arc::new(tokio::sync::Mutex::new(())),
            engine_pool: Arc::new(engine_pool()),
        }
    }

    /// The engine serving requests right now.
    pub fn engine(&self) -> Arc<Engine> {
        match self.engine.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the engine (after a rebuild); requests in flight keep the old one.
    pub fn swap(&self, engine: Engine) {
        let new = Arc::new(engine.with_search_cache(self.config.search_cache_entries));
        warm(&new);
        match self.engine.write() {
            Ok(mut g) => *g = new,
            Err(poisoned) => *poisoned.into_inner() = new,
        }
    }
}

/// The engine pool: one thread per core, apart from rayon's global pool
/// (which a reindex's related links keep busy for as long as they run).
fn engine_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(shisaku_core::cores())
        .thread_name(|i| format!("engine-{i}"))
        .build()
        .expect("engine threads start")
}

/// Runs a request's engine work on the engine pool, with the request
/// timeout. The pool has one thread per core and queues the rest: every
/// search is CPU work, so running more at once than there are cores only adds
/// threads. A thread per request (tokio's blocking pool) grows with the
/// connections, and each thread keeps its own allocator heap: more memory
/// and a longer tail under load, for no more throughput.
pub async fn run_blocking<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(Arc<Engine>) -> Result<T, ApiError> + Send + 'static,
{
    let engine = state.engine();
    let (tx, rx) = tokio::sync::oneshot::channel();
    state.engine_pool.spawn_fifo(move || {
        let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(engine)));
        // the receiver is gone when the request timed out
        let _ = tx.send(done);
    });
    match tokio::time::timeout(state.config.request_timeout, rx).await {
        Ok(Ok(Ok(result))) => result,
        Ok(Ok(Err(_panic))) => Err(ApiError::internal("engine work failed (panicked)")),
        Ok(Err(_dropped)) => Err(ApiError::internal("engine work was dropped")),
        Err(_) => Err(ApiError::timeout(state.config.request_timeout)),
    }
}

/// Bytes a streamed response body is sent in.
const STREAM_CHUNK: usize = 64 * 1024;

/// A response body written by `f` on a blocking worker, sent in chunks as it
/// is written: a body of any size is never held whole. Writing stops when the
/// client goes away; an error after the first chunk can only cut the body
/// short (the status line is gone), so it is logged.
pub fn stream_blocking<F>(state: &AppState, f: F) -> Body
where
    F: FnOnce(&Engine, &mut dyn std::io::Write) -> std::io::Result<()> + Send + 'static,
{
    let engine = state.engine();
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter {
            buf: Vec::with_capacity(STREAM_CHUNK),
            tx,
        };
        let written = f(&engine, &mut out).and_then(|()| std::io::Write::flush(&mut out));
        if let Err(e) = written {
            tracing::warn!(error = %e, "streamed response cut short");
        }
    });
    Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx))
}

/// Sends what is written to it through a channel in chunks of [`STREAM_CHUNK`].
struct ChannelWriter {
    buf: Vec<u8>,
    tx: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= STREAM_CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(STREAM_CHUNK),
        ));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}

fn cors(origins: &[String]) -> Result<Option<CorsLayer>, String> {
    if origins.is_empty() {
        return Ok(None);
    }
    let list = origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o.trim_end_matches('/'))
                .map_err(|_| format!("bad CORS origin {o:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(list))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE]),
    ))
}

/// The Content-Security-Policy of the HTML pages: the UI loads its script,
/// style sheet and API answers from this server only (nothing inline), and
/// may be framed only by `frame_ancestors` (none by default).
fn content_security_policy(frame_ancestors: &[String]) -> Result<HeaderValue, String> {
    for o in frame_ancestors {
        let ok = !o.is_empty()
            && o.chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '\''));
        if !ok {
            return Err(format!(
                "frame ancestor {o:?}: an origin such as https://portal.example.jp is expected"
            ));
        }
    }
    let ancestors = if frame_ancestors.is_empty() {
        "'none'".to_string()
    } else {
        frame_ancestors.join(" ")
    };
    HeaderValue::from_str(&format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    ))
    .map_err(|e| format!("frame ancestors: {e}"))
}

fn is_html(res: &axum::http::Response<Body>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

/// A request that announces a body over [`MAX_BODY_BYTES`] is answered 413
/// before any of it is read: with `Expect: 100-continue` the client never
/// gets a `100 Continue` and never sends it.
async fn refuse_oversized_bodies(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(len) = announced.filter(|&n| n > MAX_BODY_BYTES as u64) {
        let mut res = ApiError::payload_too_large(len, MAX_BODY_BYTES).into_response();
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return res;
    }
    next.run(req).await
}

/// The whole application.
///
/// The cross-cutting layers (request id, tracing, CORS, body limit) wrap the
/// routes once, as a single stack around the inner router: `Router::layer`
/// would wrap every route in each layer separately, and axum clones a route's
/// boxed layers on every request.
pub fn app(state: AppState) -> Result<Router, String> {
    let routes = Router::new()
        .route("/api/search", get(routes::search::search))
        .route("/api/measures/{id}", get(routes::measures::measure))
        .route("/api/measures/{id}/related", get(routes::measures::related))
        .route("/api/similar", post(routes::similar::similar))
        .route("/api/suggest", get(routes::suggest::suggest))
        .route("/api/overlaps", get(routes::overlaps::overlaps))
        .route("/api/plans", get(routes::plans_facets::plans))
        .route("/api/facets", get(routes::plans_facets::facets))
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz))
        .route("/api/admin/reindex", post(routes::admin::reindex))
        .route("/openapi.json", get(openapi::serve))
        .merge(ui::routes())
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .with_state(state.clone());
    let csp = content_security_policy(&state.config.frame_ancestors)?;
    let deny_frames = state.config.frame_ancestors.is_empty();
    let stack = ServiceBuilder::new()
        .layer(axum::middleware::from_fn(timeouts::track_requests))
        .layer(axum::middleware::from_fn(refuse_oversized_bodies))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }),
        )
        .option_layer(cors(&state.config.cors_origins)?)
        // every response: no content sniffing; HTML pages: the CSP and,
        // unless some origin may frame them, X-Frame-Options for old browsers
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            move |res: &axum::http::Response<Body>| is_html(res).then(|| csp.clone()),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            move |res: &axum::http::Response<Body>| {
                (deny_frames && is_html(res)).then(|| HeaderValue::from_static("DENY"))
            },
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .service(routes);
    Ok(Router::new().fallback_service(stack))
}

/// Computes the overlaps at the default threshold in the background, so the
/// first visit to the overlap page does not wait for them (on a large
/// corpus they take seconds). Nothing happens outside a tokio runtime.
fn warm(engine: &Arc<Engine>) {
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        let engine = Arc::clone(engine);
        rt.spawn_blocking(move || {
            let started = std::time::Instant::now();
            match engine.overlaps(None) {
                Ok(o) => tracing::info!(
                    pairs = o.total_pairs(),
                    clusters = o.total_clusters(),
                    seconds = started.elapsed().as_secs_f64(),
                    "overlap report ready"
                ),
                Err(e) => tracing::warn!(error = %e, "overlap report could not be computed"),
            }
        });
    }
}

/// Watches the index folder and swaps in a generation built elsewhere (by
/// `shisaku index` while the server runs). Checks every `every`. A
/// generation that fails to open (verification names the damaged file) is
/// logged once and not tried again; the server keeps the one it serves.
pub async fn watch_generations(state: AppState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    let mut rejected: Option<String> = None;
    loop {
        ticker.tick().await;
        let current = state.engine().generation();
        let root = state.config.index_root.clone();
        let Ok(Some(dir)) = shisaku_engine::index::current_generation(&root) else {
            continue;
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name == current || rejected.as_deref() == Some(name.as_str()) {
            continue;
        }
        let _guard = state.reindexing.lock().await;
        if state.engine().generation() == name {
            continue;
        }
        match tokio::task::spawn_blocking(move || Engine::open(&root)).await {
            Ok(Ok(engine)) => {
                tracing::info!(generation = %name, measures = engine.measures.len(), "new index generation swapped in");
                state.swap(engine);
            }
            Ok(Err(e)) => {
                tracing::error!(generation = %name, error = %e, "new index generation could not be opened; still serving the old one");
                rejected = Some(name);
            }
            Err(e) => tracing::warn!(error = %e, "opening the new generation failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use shisaku_core::cores;

    fn state(timeout: Duration) -> AppState {
        let config = Config {
            request_timeout: timeout,
            ..Config::default()
        };
        AppState::new(Engine::in_memory(Vec::new()).expect("empty engine"), config)
    }

    /// Work that runs past the timeout is a 503; so is work that waited for a
    /// free engine thread past it. The pool serves again once they are done.
    /// The slow work holds every engine thread until the test lets it go, so
    /// the order of events does not depend on timing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn engine_work_past_the_timeout_or_queued_past_it_is_a_503() {
        let s = state(Duration::from_millis(300));
        let gate = Arc::new(tokio::sync::RwLock::new(()));
        let held = gate.clone().write_owned().await;
        let (started_tx, mut started) = tokio::sync::mpsc::unbounded_channel();
        let (done_tx, mut done) = tokio::sync::mpsc::unbounded_channel();
        let slow: Vec<_> = (0..cores())
            .map(|_| {
                let (s, gate) = (s.clone(), gate.clone());
                let (started_tx, done_tx) = (started_tx.clone(), done_tx.clone());
                tokio::spawn(async move {
                    run_blocking(&s, move |_| {
                        started_tx.send(()).unwrap();
                        drop(gate.blocking_read());
                        done_tx.send(()).unwrap();
                        Ok(())
                    })
                    .await
                })
            })
            .collect();
        for _ in 0..cores() {
            started.recv().await.unwrap();
        }
        // every engine thread is held: this one waits in the queue past its timeout
        // (bounded only so that a pool that ignores the timeout fails the
        // test instead of hanging it)
        let queued = tokio::time::timeout(Duration::from_secs(60), run_blocking(&s, |_| Ok(())))
            .await
            .expect("queued work is answered when its timeout passes")
            .unwrap_err();
        assert_eq!(queued.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(queued.code, "timeout");
        for t in slow {
            let e = t.await.unwrap().unwrap_err();
            assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
        }
        drop(held);
        for _ in 0..cores() {
            done.recv().await.unwrap();
        }
        assert_eq!(run_blocking(&s, |e| Ok(e.measures.len())).await.unwrap(), 0);
    }

    /// A panic in engine work is a 500, and it does not take an engine
    /// thread with it.
    #[tokio::test]
    async fn a_panic_in_engine_work_is_a_500_and_every_thread_still_works() {
        let s = state(Duration::from_secs(10));
        for _ in 0..cores() {
            let e = run_blocking(&s, |_| -> Result<(), ApiError> { panic!("boom") })
                .await
                .unwrap_err();
            assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        }
        let threads: std::collections::BTreeSet<String> = run_at_once(&s, 4 * cores()).await;
        assert_eq!(threads.len(), cores(), "{threads:?}");
        assert!(
            threads.iter().all(|n| n.starts_with("engine-")),
            "{threads:?}"
        );
    }

    /// Runs `n` pieces of work (a multiple of the cores) and returns the
    /// threads they ran on. Each piece waits at a barrier for as many others
    /// as there are cores, so each round of pieces holds that many threads at
    /// once: a pool with fewer threads never passes the barrier (the work
    /// times out), and the names show whether every thread took part.
    async fn run_at_once(s: &AppState, n: usize) -> std::collections::BTreeSet<String> {
        assert_eq!(n % cores(), 0, "{n} pieces do not fill whole rounds");
        let barrier = Arc::new(std::sync::Barrier::new(cores()));
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let s = s.clone();
                let barrier = Arc::clone(&barrier);
                tokio::spawn(async move {
                    run_blocking(&s, move |_| {
                        barrier.wait();
                        Ok(std::thread::current().name().unwrap_or("").to_string())
                    })
                    .await
                })
            })
            .collect();
        let mut names = std::collections::BTreeSet::new();
        for t in tasks {
            names.insert(t.await.unwrap().unwrap());
        }
        names
    }
}
