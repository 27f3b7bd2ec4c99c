//! `unspin serve`: the HTTP API and the web page (see the `unspin-server` crate).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use unspin_server::ServerConfig;

use super::EngineArgs;
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to listen on. The default is loopback only; port 0 picks a free port (the
    /// address actually bound is printed on stderr).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Source index for `/v1/trace` (built by `unspin index add`).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Largest request body accepted (bytes; K, M and G suffixes: `512k`, `2M`).
    #[arg(long, value_name = "SIZE", default_value = "2M", value_parser = parse_size)]
    pub body_limit: usize,
    /// Longest a request may take, in seconds (upload, queueing and checking).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Checks running at once (default: the number of CPUs; at least 1).
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub workers: Option<usize>,
    /// API requests (`/v1/*`, `/v2/check`) handled at once, all routes together; more wait for a
    /// free slot within their `--timeout`. At least 1.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = at_least_one)]
    pub max_inflight: usize,
    /// Connections open at once; while that many are open no more are accepted (new clients
    /// wait in the listen backlog). At least 1.
    #[arg(long, value_name = "N", default_value_t = unspin_server::DEFAULT_MAX_CONNECTIONS, value_parser = at_least_one)]
    pub max_connections: usize,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// A count that must be 1 or more (`--workers`, `--max-inflight`, `--max-connections`): 0 is
/// refused, not rounded up.
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err("must be a whole number, at least 1".to_string()),
    }
}

/// A body limit: a size of [`super::parse_size`]'s form, more than zero.
fn parse_size(s: &str) -> Result<usize, String> {
    super::parse_size(s)?
        .try_into()
        .ok()
        .filter(|&n: &usize| n > 0)
        .ok_or_else(|| format!("`{s}` is not a usable size"))
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let index = match &args.index {
        Some(dir) => Some(Arc::new(unspin::trace::Index::open(dir).with_context(
            || format!("--index {}: could not open the source index", dir.display()),
        )?)),
        None => None,
    };
    let timeout = Duration::try_from_secs_f64(args.timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--timeout must be a positive number of seconds, not {}",
                args.timeout
            )
        })?;
    let engine = Arc::new(args.engine.build()?);
    let mut config = ServerConfig {
        body_limit: args.body_limit,
        timeout,
        max_inflight: args.max_inflight,
        ..ServerConfig::default()
    };
    if let Some(w) = args.workers {
        config.workers = w;
    }
    // A client has this long to send a request's headers, on a new connection or between two
    // requests on a kept-alive one; then it is disconnected.
    let header_timeout = config.timeout.min(unspin_server::DEFAULT_HEADER_TIMEOUT);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Engine jobs are bounded by `workers`; leave some room for the runtime's own blocking.
        .max_blocking_threads(config.workers + 4)
        .build()
        .context("could not start the async runtime")?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("could not listen on {}", args.addr))?;
        let local = listener.local_addr()?;
        // Listen before saying so: a signal right after the start line is a graceful stop.
        let mut signals =
            unspin_server::Signals::new().context("could not listen for Ctrl-C and SIGTERM")?;
        eprintln!(
            "unspin: serving on http://{local}/ ({} worker{}, at most {} API request{} and {} connection{} at once, body limit {} bytes, timeout {:.1} s{}); Ctrl-C stops",
            config.workers,
            if config.workers == 1 { "" } else { "s" },
            config.max_inflight,
            if config.max_inflight == 1 { "" } else { "s" },
            args.max_connections,
            if args.max_connections == 1 { "" } else { "s" },
            config.body_limit,
            config.timeout.as_secs_f64(),
            match &index {
                Some(i) => format!(", index of {} documents", i.len()),
                None => String::new(),
            }
        );
        let request_timeout = config.timeout;
        let app = unspin_server::router_with_index(engine, index, config);
        // A client that leaves its answer unread as long as a request may take is disconnected.
        let server = unspin_server::Server::new(listener, app)
            .header_timeout(header_timeout)
            .write_timeout(request_timeout)
            .max_connections(args.max_connections);
        let in_flight = server.in_flight();
        let shutdown = async move {
            signals.recv().await;
            match in_flight.get() {
                0 => eprintln!("unspin: stopping"),
                n => eprintln!(
                    "unspin: stopping: finishing {n} request{} in flight; press Ctrl-C again to stop now",
                    if n == 1 { "" } else { "s" }
                ),
            }
            // A second signal stops at once, whatever is still running.
            tokio::spawn(async move {
                let signal = signals.recv().await;
                eprintln!("unspin: stopped without finishing the requests in flight");
                std::process::exit(128 + signal);
            });
        };
        server
            .run(shutdown)
            .await
            .context("the server stopped with an error")?;
        eprintln!("unspin: stopped");
        anyhow::Ok(())
    });
    // Every request has been answered by now, but a check whose request timed out may still be
    // running on the blocking pool; its answer has nowhere to go, so stop without waiting for it.
    runtime.shutdown_background();
    served?;
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2M"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(super::at_least_one("1"), Ok(1));
        assert_eq!(super::at_least_one("256"), Ok(256));
        assert!(super::at_least_one("0").is_err());
        assert!(super::at_least_one("-1").is_err());
        assert!(super::at_least_one("many").is_err());
    }
}
