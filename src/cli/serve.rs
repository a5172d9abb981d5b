//! `shisaku serve`: the HTTP API on the index, built first when there is none.

use std::path::Path;

use shisaku::engine::Engine;

use super::init_tracing;
use shisaku::config::ServeConfig;

/// Serves the index under `index` (rebuilt from `manifest` when missing or
/// of an older shisaku) until the process is stopped.
pub fn serve(
    manifest: &Path,
    index: &Path,
    args: ServeConfig,
) -> Result<(), Box<dyn std::error::Error>> {
    init_tracing("info,tower_http=info");
    // an empty token leaves the admin endpoints off, as none does
    let admin_token = args.admin_token.filter(|t| !t.is_empty());
    if let Some(token) = &admin_token {
        shisaku::api::check_admin_token(token).map_err(|e| {
            format!("admin token (--admin-token, SHISAKU_ADMIN_TOKEN or admin_token in the config file) {e}")
        })?;
    }
    raise_file_limit();
    let timeouts = shisaku::api::Timeouts {
        header: std::time::Duration::from_secs(args.header_timeout.max(1)),
        idle: std::time::Duration::from_secs(args.idle_timeout.max(1)),
    };
    // a manifest that is not there is named before anything is served
    // (reindexing reads it; serving the old index would hide the mistake)
    shisaku::ingest::Manifest::load(manifest)?;
    // the address first: a busy port is reported before the index is opened
    let listeners = shisaku::api::Listeners::bind(args.addr, args.workers)?;
    if shisaku::index::current_generation(index)?.is_none() {
        tracing::info!(index = %index.display(), "no index yet: building it from the manifest");
        let outcome = Engine::build(manifest, index, &mut |_| {})?;
        eprint!("{}", shisaku::ingest::render_reports(&outcome.reports));
    }
    let engine = match Engine::open(index) {
        // a generation of an older shisaku: rebuilt, as a missing one is
        Err(shisaku::engine::EngineError::Index(e @ shisaku::index::IndexError::Unverified(_))) => {
            tracing::warn!(error = %e, "rebuilding the index from the manifest");
            let outcome = Engine::build(manifest, index, &mut |_| {})?;
            eprint!("{}", shisaku::ingest::render_reports(&outcome.reports));
            Engine::open(index)?
        }
        other => other?,
    };
    tracing::info!(measures = engine.measures.len(), generation = %engine.generation(), "index open");
    let config = shisaku::api::Config {
        cors_origins: args
            .cors_origins
            .into_iter()
            .filter(|o| !o.trim().is_empty())
            .collect(),
        request_timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
        admin_token,
        manifest: manifest.to_path_buf(),
        index_root: index.to_path_buf(),
        search_cache_entries: args.search_cache,
        frame_ancestors: args
            .frame_ancestors
            .into_iter()
            .filter(|o| !o.trim().is_empty())
            .collect(),
    };
    // the runtime first: opening the state starts background work on it
    let runtime = tokio::runtime::Runtime::new()?;
    let _entered = runtime.enter();
    let state = shisaku::api::AppState::new(engine, config);
    let router = shisaku::api::app(state.clone())?;
    runtime.block_on(async move {
        if args.watch_seconds > 0 {
            tokio::spawn(shisaku::api::watch_generations(
                state,
                std::time::Duration::from_secs(args.watch_seconds),
            ));
        }
        shisaku::api::serve(router, listeners, timeouts).await
    })?;
    Ok(())
}

/// Raises the soft limit of open files to the hard limit: every connection
/// is a file, and the common default of 1,024 would let that many idle or
/// half-open clients stop the server from accepting. Logged either way.
fn raise_file_limit() {
    #[cfg(target_os = "linux")]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit with a valid resource and a valid struct.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return;
            }
            let before = lim.rlim_cur;
            if lim.rlim_cur < lim.rlim_max {
                lim.rlim_cur = lim.rlim_max;
                if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                    tracing::warn!(limit = before, "the open-file limit could not be raised");
                    return;
                }
            }
            tracing::info!(from = before, to = lim.rlim_cur, "open-file limit");
        }
    }
}
