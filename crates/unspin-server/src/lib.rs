//! `unspin serve`: the HTTP API and the web page, plus the self-contained HTML report that
//! `unspin check --format html` writes.
//!
//! The engine is synchronous and CPU-bound, so every check runs on tokio's blocking pool
//! (`spawn_blocking`) behind a semaphore of `workers` permits: the async runtime keeps accepting
//! and answering (health checks, errors, the page) while the engine is busy, and the CPU work
//! never exceeds the number of workers however many requests are in flight.
//!
//! Limits, each answered with a JSON error (`{"error": {"status", "code", "message"}}`):
//! - request bodies over `body_limit` bytes: 413 (checked on `Content-Length` before reading, and
//!   while reading a chunked body);
//! - a request (reading the body, waiting for a worker, checking) taking over `timeout`: 503;
//! - more than `max_inflight` requests at once: further connections wait in the tower
//!   concurrency-limit layer, they are not dropped;
//! - malformed JSON, invalid UTF-8: 400; wrong or missing content type: 415; a JSON body of the
//!   wrong shape (no `text`): 422.
//!
//! Offsets in `/v1/*` answers are UTF-8 byte offsets, half-open, as everywhere in unspin; the
//! LanguageTool-compatible `/v2/check` answers in UTF-16 code units, as LanguageTool clients expect.

mod api;
mod error;
mod lt;
pub mod report;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::Semaphore;
use unspin::trace::Index;
use unspin::Engine;

pub use error::ApiError;

/// Limits and options of a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Longest time a request may take, body upload and queueing included.
    pub timeout: Duration,
    /// Engine jobs running at once (threads of the blocking pool doing engine work).
    pub workers: usize,
    /// Requests handled at once; more wait for a slot.
    pub max_inflight: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: 2 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_inflight: 256,
        }
    }
}

/// What every handler shares.
pub(crate) struct AppState {
    pub engine: Arc<Engine>,
    /// The source index for `/v1/trace`, when the server was started with one.
    pub index: Option<Arc<Index>>,
    pub config: ServerConfig,
    pub workers: Arc<Semaphore>,
}

/// The whole application without a source index (`/v1/trace` answers 501).
pub fn router(engine: Arc<Engine>, config: ServerConfig) -> Router {
    router_with_index(engine, None, config)
}

/// The whole application: API routes, the page and its assets, with the limit layers applied.
/// With an `index`, `/v1/trace` finds the sources of a text in it.
pub fn router_with_index(
    engine: Arc<Engine>,
    index: Option<Arc<Index>>,
    config: ServerConfig,
) -> Router {
    let state = Arc::new(AppState {
        engine,
        index,
        workers: Arc::new(Semaphore::new(config.workers.max(1))),
        config: config.clone(),
    });
    Router::new()
        .route("/", get(report::index_page))
        .route("/assets/app.js", get(report::app_js))
        .route("/assets/app.css", get(report::app_css))
        .route("/healthz", get(api::healthz))
        .route("/v1/check", post(api::check))
        .route("/v1/restore", post(api::restore))
        .route("/v1/trace", post(api::trace))
        .route("/v2/check", post(lt::check))
        .route("/v2/languages", get(lt::languages))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state.clone())
        // Our extractors read the body themselves against `body_limit`; lift axum's own 2 MB
        // default so that it is never the one answering (it would answer in plain text).
        .layer(DefaultBodyLimit::disable())
        // The limit is inside the timeout (a later layer wraps an earlier one), so a request's
        // `--timeout` counts its wait for a `--max-inflight` slot too.
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            config.max_inflight.max(1),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            api::timeout_and_length_guard,
        ))
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                axum::http::HeaderValue::from_static("nosniff"),
            ),
        )
}

/// Serve `app` on `listener` until `shutdown` completes; requests in flight are finished first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed we would never shut down on Ctrl-C; waiting forever
        // here still leaves SIGTERM and the default signal disposition.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
