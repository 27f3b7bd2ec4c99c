//! `unspin serve` as a process: it stops promptly on SIGTERM even while a check whose request
//! timed out is still running on a worker.

#![cfg(unix)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod support;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_unspin")
}

/// Starts `unspin serve` on a free port with `args` and returns it with the address it bound.
fn start(args: &[&str]) -> (Child, String) {
    let (child, addr, _, _) = start_with_stderr(args);
    (child, addr)
}

/// [`start`], also returning the start line and the lines the server writes on stderr after it.
fn start_with_stderr(args: &[&str]) -> (Child, String, String, mpsc::Receiver<String>) {
    let server = support::serve(None, args);
    (server.child, server.addr, server.start_line, server.lines)
}

/// Send `signal` (`INT`, `TERM`) to the server.
fn signal(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Wait for the server to exit, at most `within`.
fn exited_within(child: &mut Child, within: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if started.elapsed() > within {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A large document: shuffled sentences of ordinary prose, `bytes` long or a little more.
fn long_text(bytes: usize) -> String {
    let words: Vec<&str> = "The committee met on Tuesday to discuss the budget for the coming \
        year. Members argued about the cost of new roads and schools, and several of them asked \
        for a delay until the auditors had finished their report. The chair said that the town \
        could not wait much longer, because the bridge over the river was already closed."
        .split(' ')
        .collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut out = String::with_capacity(bytes + 1024);
    while out.len() < bytes {
        for _ in 0..words.len() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            out.push_str(words[(state % words.len() as u64) as usize]);
            out.push(' ');
        }
        out.push_str("\n\n");
    }
    out
}

#[test]
fn sigterm_does_not_wait_for_a_timed_out_check() {
    let (mut child, addr) = start(&["--timeout", "1", "--workers", "1", "--body-limit", "64M"]);
    // A check of this text takes several seconds on one core, far past the 1 s timeout.
    let body = serde_json::json!({ "text": long_text(32 << 20) }).to_string();
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /v1/check HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("\"timeout\""), "{answer}");

    let sent = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if sent.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("unspin serve did not stop within 30 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let waited = sent.elapsed();
    assert!(status.success(), "{status:?}");
    // The check it abandoned would have run for seconds more.
    assert!(
        waited < Duration::from_secs(2),
        "stopped {waited:?} after SIGTERM: it waited for the timed-out check"
    );
}

#[test]
fn a_second_signal_stops_at_once() {
    let (mut child, addr, _, lines) = start_with_stderr(&["--timeout", "60"]);
    // A request in flight: its body is still on its way, and the server would wait for it up to
    // the 60 s timeout.
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /v1/check HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"text\": \"a"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "INT");
    let said = lines
        .recv_timeout(Duration::from_secs(5))
        .expect("a line on stderr when the shutdown begins");
    assert!(
        said.contains("finishing 1 request in flight") && said.contains("Ctrl-C again"),
        "{said}"
    );
    assert!(
        exited_within(&mut child, Duration::from_millis(500)).is_none(),
        "the first Ctrl-C did not wait for the request in flight"
    );
    let sent = Instant::now();
    signal(&child, "INT");
    let Some(status) = exited_within(&mut child, Duration::from_secs(5)) else {
        child.kill().unwrap();
        panic!("a second Ctrl-C did not stop the server");
    };
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "{:?}",
        sent.elapsed()
    );
    assert_eq!(status.code(), Some(130), "{status:?}");
    drop(stream);
}

#[test]
fn zero_workers_max_inflight_max_connections_or_timeout_are_errors() {
    for (flag, value) in [
        ("--workers", "0"),
        ("--max-inflight", "0"),
        ("--max-connections", "0"),
        ("--timeout", "0"),
        ("--workers", "some"),
    ] {
        let out = Command::new(bin())
            .args(["serve", "--addr", "127.0.0.1:0", flag, value])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(flag), "{flag} {value}: {stderr}");
        assert!(!stderr.contains("serving on"), "{flag} {value}: {stderr}");
    }
}

#[test]
fn the_start_line_counts_in_the_singular() {
    let (mut child, _, line, _) = start_with_stderr(&[
        "--workers",
        "1",
        "--max-inflight",
        "1",
        "--max-connections",
        "1",
    ]);
    signal(&child, "TERM");
    assert!(exited_within(&mut child, Duration::from_secs(10)).is_some());
    assert!(line.contains("(1 worker, "), "{line}");
    assert!(
        line.contains("at most 1 API request and 1 connection at once"),
        "{line}"
    );
    let (mut child, _, line, _) = start_with_stderr(&["--workers", "3"]);
    signal(&child, "TERM");
    assert!(exited_within(&mut child, Duration::from_secs(10)).is_some());
    assert!(line.contains("(3 workers, "), "{line}");
    assert!(
        line.contains("at most 256 API requests and 1024 connections at once"),
        "{line}"
    );
}
