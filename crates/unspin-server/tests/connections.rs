//! Connections on a real loopback socket: a client that sends its request head slowly, or
//! nothing, or keeps an idle keep-alive connection, is disconnected after the header timeout;
//! a graceful shutdown waits for a request in flight and says how many there are.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use unspin::rules::RuleSet;
use unspin::{Engine, EngineOptions};
use unspin_server::{router, Server, ServerConfig};

const HEADER_TIMEOUT: Duration = Duration::from_millis(400);

/// A server with a short header timeout; the sender stops it.
async fn start() -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
    unspin_server::InFlight,
) {
    start_with(ServerConfig::default(), |l, app| {
        Server::new(l, app).header_timeout(HEADER_TIMEOUT)
    })
    .await
}

/// A server built by `make` from a listener and the router with `config`; the sender stops it.
async fn start_with(
    config: ServerConfig,
    make: impl FnOnce(tokio::net::TcpListener, axum::Router) -> Server,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
    unspin_server::InFlight,
) {
    let engine = Arc::new(Engine::new(
        RuleSet::empty(),
        None,
        EngineOptions::default(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = make(listener, router(engine, config));
    let in_flight = server.in_flight();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    (addr, stop, task, in_flight)
}

/// Read until the server closes the connection; how long that took, or None if it was still
/// open after `within`.
async fn closed_within(s: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        let left = within.checked_sub(started.elapsed())?;
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let (addr, _stop, _task, _) = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let took = closed_within(&mut s, Duration::from_secs(5)).await;
    assert!(
        took.is_some(),
        "an idle connection was still open after 5 s"
    );
}

#[tokio::test]
async fn a_slow_request_head_is_cut_off() {
    let (addr, _stop, _task, _) = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: slowloris\r\n\r\n";
    let started = Instant::now();
    let mut cut = false;
    // One byte every 100 ms: the whole head would take about 6 s.
    for byte in head {
        if s.write_all(&[*byte]).await.is_err() {
            cut = true;
            break;
        }
        let mut buf = [0u8; 1024];
        match tokio::time::timeout(Duration::from_millis(100), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                cut = true;
                break;
            }
            Ok(Ok(n)) => panic!(
                "answered a head sent that slowly: {}",
                String::from_utf8_lossy(&buf[..n])
            ),
            Err(_) => {}
        }
    }
    assert!(cut, "the slow head was read to the end");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let (addr, _stop, _task, _) = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = s.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // The connection is kept alive for a next request...
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let n = s.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // ...but not for ever.
    let took = closed_within(&mut s, Duration::from_secs(5)).await;
    assert!(
        took.is_some(),
        "an idle keep-alive connection was still open after 5 s"
    );
}

#[tokio::test]
async fn shutdown_waits_for_the_request_in_flight_and_counts_it() {
    let (addr, stop, task, in_flight) = start().await;
    assert_eq!(in_flight.get(), 0);
    // A request whose body is still on its way.
    let mut s = TcpStream::connect(addr).await.unwrap();
    let body = br#"{"text": "Still answered after the shutdown began."}"#;
    let head = format!(
        "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body[..10]).await.unwrap();
    let waited = Instant::now();
    while in_flight.get() != 1 {
        assert!(
            waited.elapsed() < Duration::from_secs(5),
            "the request was never in flight"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // An idle connection does not hold the shutdown up.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop.send(()).unwrap();
    assert!(closed_within(&mut idle, Duration::from_millis(300))
        .await
        .is_some());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !task.is_finished(),
        "the shutdown did not wait for the request in flight"
    );
    // The rest of the body arrives after the header timeout: the request is still answered.
    tokio::time::sleep(HEADER_TIMEOUT).await;
    s.write_all(&body[10..]).await.unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"verdict\""), "{answer}");
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the shutdown finishes once the request is answered")
        .unwrap()
        .unwrap();
    assert_eq!(in_flight.get(), 0);
}

/// At the connection cap the server accepts no more: a new client waits (it is not refused)
/// and is served as soon as another connection closes.
#[tokio::test]
async fn at_the_connection_cap_new_clients_wait_for_a_free_slot() {
    let (addr, _stop, _task, _) = start_with(ServerConfig::default(), |l, app| {
        Server::new(l, app)
            .header_timeout(Duration::from_secs(10))
            .max_connections(2)
    })
    .await;
    let first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    // Let the server accept both before the third arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let early = tokio::time::timeout(Duration::from_millis(500), third.read(&mut buf)).await;
    assert!(early.is_err(), "served beyond the cap of 2 connections");
    drop(first);
    let n = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buf))
        .await
        .expect("served once a slot was free")
        .unwrap();
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
}

/// A client that stops reading its answer is disconnected after the write timeout: the answer
/// (12 MB, far more than the socket buffers hold) is never delivered whole.
#[tokio::test]
async fn a_client_that_never_reads_its_answer_is_disconnected() {
    let config = ServerConfig {
        body_limit: 32 << 20,
        // A debug build takes seconds over 12 MB: the answer must come, not a 503.
        timeout: Duration::from_secs(300),
        ..ServerConfig::default()
    };
    let (addr, _stop, _task, _) = start_with(config, |l, app| {
        Server::new(l, app).write_timeout(Duration::from_millis(300))
    })
    .await;
    let text = "plain words ".repeat(1 << 20);
    let body = serde_json::json!({ "text": text }).to_string();
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/restore HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body.as_bytes()).await.unwrap();
    // Wait for the answer to start (however long the check takes), then read nothing for well
    // past the write timeout while the server has megabytes left to send.
    let mut got = vec![0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(280), s.read(&mut got))
        .await
        .expect("the answer started")
        .unwrap();
    got.truncate(n);
    assert!(
        got.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&got)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut got)).await;
    assert!(
        got.len() < text.len(),
        "the whole answer ({} bytes) was delivered to a client that did not read",
        got.len()
    );
}
