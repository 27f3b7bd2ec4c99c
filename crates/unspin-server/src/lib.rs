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
//! - a request (reading the body, waiting for a slot and a worker, checking) taking over
//!   `timeout`: 503;
//! - more than `max_inflight` API requests (`/v1/*`, `/v2/check`, all routes together) at once:
//!   further ones wait for a slot (inside their timeout), they are not dropped; `/healthz`, the
//!   page and its assets are outside this limit;
//! - malformed JSON, invalid UTF-8: 400; wrong or missing content type, or a body sent with a
//!   `Content-Encoding` other than `identity`: 415; a JSON body of the wrong shape (no `text`, a
//!   field it does not know, a value out of range): 422, naming the field.
//!
//! Connections ([`Server`]): a client must send a whole request head within the header timeout
//! of connecting, or of its previous answer on a kept-alive connection, or it is disconnected
//! (slow or idle clients cannot hold connections open); a client that stops reading its answer
//! for the write timeout is disconnected too; at most `max_connections` are open at once (more
//! wait in the listen backlog until one closes). A graceful shutdown stops accepting, closes idle
//! connections and waits for the requests in flight.
//!
//! Offsets in `/v1/*` answers are UTF-8 byte offsets, half-open, as everywhere in unspin; the
//! LanguageTool-compatible `/v2/check` answers in UTF-16 code units, as LanguageTool clients expect.

mod api;
mod error;
mod lt;
pub mod report;

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request};
use axum::routing::{get, post};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::sync::Semaphore;
use tower::ServiceExt;
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
    /// Engine jobs running at once (threads of the blocking pool doing engine work); 0 is taken
    /// as 1 (`unspin serve --workers 0` is refused).
    pub workers: usize,
    /// API requests (`/v1/*`, `/v2/check`) handled at once, all routes together; more wait for a
    /// slot within their `timeout`. 0 is taken as 1 (`unspin serve --max-inflight 0` is refused).
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
    // One `--max-inflight` bound for every API route together: a single semaphore shared by
    // the routes (a plain `ConcurrencyLimitLayer` would give each route its own). The page, its
    // assets, `/healthz`, `/v2/languages` and the error answers stay outside it, so that health
    // checks and the page answer while the API is saturated.
    let limit = tower::limit::GlobalConcurrencyLimitLayer::new(config.max_inflight.max(1));
    let api_routes = Router::new()
        .route("/v1/check", post(api::check))
        .route("/v1/restore", post(api::restore))
        .route("/v1/trace", post(api::trace))
        .route("/v2/check", post(lt::check))
        .route_layer(limit);
    Router::new()
        .route("/", get(report::index_page))
        .route("/assets/app.js", get(report::app_js))
        .route("/assets/app.css", get(report::app_css))
        .route("/healthz", get(api::healthz))
        .route("/v2/languages", get(lt::languages))
        .merge(api_routes)
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state.clone())
        // Our extractors read the body themselves against `body_limit`; lift axum's own 2 MB
        // default so that it is never the one answering (it would answer in plain text).
        .layer(DefaultBodyLimit::disable())
        // The limit is inside the timeout (a later layer wraps an earlier one), so a request's
        // `--timeout` counts its wait for a `--max-inflight` slot too.
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

/// How long a connection may take to send a request's headers, and how long an idle keep-alive
/// connection is kept, unless [`Server::header_timeout`] says otherwise.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The number of requests being handled right now (from their headers to their answer), as
/// counted by a [`Server`].
#[derive(Debug, Clone, Default)]
pub struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Counts one request in flight while it lives (dropped when the answer is ready, or when the
/// connection goes away first).
struct InFlightGuard(Arc<AtomicUsize>);

impl InFlightGuard {
    fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        InFlightGuard(counter.clone())
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An HTTP/1.1 server for the [`router`]: hyper's connection loop with a header-read timeout
/// (a client that sends its headers slowly, or nothing at all, is disconnected, and so is an
/// idle keep-alive connection), and a graceful shutdown that finishes the requests in flight.
pub struct Server {
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
    write_timeout: Duration,
    max_connections: usize,
    in_flight: InFlight,
}

/// How long a client may leave its answer unread before it is disconnected.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections open at once by default: far more than the workers can serve, few enough that
/// clients which hold connections cannot exhaust the process's file descriptors.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

impl Server {
    pub fn new(listener: tokio::net::TcpListener, app: Router) -> Self {
        Server {
            listener,
            app,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            in_flight: InFlight::default(),
        }
    }

    /// Disconnect a client that has not taken any of its answer for `timeout` while the server
    /// has more to send (a client that never reads would hold its connection and the answer's
    /// memory for ever). Zero is taken as 1 ms.
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Keep at most `n` connections open at once (at least 1): while that many are open the
    /// server accepts no more, and new clients wait in the listen backlog.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Close a connection that has not sent a whole request head within `timeout` of opening,
    /// or of its previous answer (an idle keep-alive connection). Zero is taken as 1 ms.
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// A handle on the number of requests in flight, e.g. to say how many a shutdown waits for.
    pub fn in_flight(&self) -> InFlight {
        self.in_flight.clone()
    }

    /// Serve until `shutdown` completes, then stop accepting, close idle connections and wait
    /// for the requests in flight to be answered (each is bounded by the router's timeout).
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Server {
            listener,
            app,
            header_timeout,
            write_timeout,
            max_connections,
            in_flight,
        } = self;
        let slots = Arc::new(tokio::sync::Semaphore::new(max_connections));
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout)
            .keep_alive(true);
        // `stop` turns true when the shutdown begins; every connection task holds a `done`
        // receiver, so `done_tx.closed()` completes when the last one has finished.
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let (done_tx, done_rx) = tokio::sync::watch::channel(());
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            // A connection slot first: at the cap, nothing is accepted until one closes.
            let slot = tokio::select! {
                slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
                () = &mut shutdown => break,
            };
            let (stream, remote) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(conn) => conn,
                    Err(e) if is_connection_error(&e) => continue,
                    // Out of file descriptors or the like: wait a little instead of spinning.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let app = app.clone();
            let counter = in_flight.0.clone();
            let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                let guard = InFlightGuard::new(&counter);
                req.extensions_mut().insert(ConnectInfo(remote));
                let answer = app.clone().oneshot(req);
                async move {
                    let answer = answer.await;
                    drop(guard);
                    answer
                }
            });
            let http = http.clone();
            let mut stop_rx = stop_rx.clone();
            let done_rx = done_rx.clone();
            let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
            stream.set_write_timeout(Some(write_timeout));
            tokio::spawn(async move {
                let _slot = slot;
                let conn = http.serve_connection(TokioIo::new(Box::pin(stream)), service);
                let mut conn = std::pin::pin!(conn);
                let stopping = tokio::select! {
                    _ = conn.as_mut() => false,
                    _ = stop_rx.wait_for(|stop| *stop) => true,
                };
                if stopping {
                    // Closes the connection now if it is idle, after the answer otherwise.
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
                drop(done_rx);
            });
        }
        drop(listener);
        stop_tx.send_replace(true);
        drop(done_rx);
        done_tx.closed().await;
        Ok(())
    }
}

fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// Serve `app` on `listener` until `shutdown` completes; requests in flight are finished first.
/// Connections get the [`DEFAULT_HEADER_TIMEOUT`]; see [`Server`] for other settings.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    Server::new(listener, app).run(shutdown).await
}

/// Ctrl-C (SIGINT) and, on Unix, SIGTERM, received as many times as they are sent: the first
/// starts a graceful shutdown, a second can stop at once.
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    /// Start listening (inside a tokio runtime). From then on these signals no longer stop the
    /// process by themselves.
    pub fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    /// The next signal: its number (2 for SIGINT, 15 for SIGTERM).
    pub async fn recv(&mut self) -> i32 {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => 2,
                _ = self.terminate.recv() => 15,
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
            2
        }
    }
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    match Signals::new() {
        Ok(mut signals) => {
            signals.recv().await;
        }
        // Without handlers the signals keep their default effect (they stop the process).
        Err(_) => std::future::pending::<()>().await,
    }
}
