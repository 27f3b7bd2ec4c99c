//! `unspin serve` as a process: it stops promptly on SIGTERM even while a check whose request
//! timed out is still running on a worker.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_unspin")
}

/// Starts `unspin serve` on a free port with `args` and returns it with the address it bound.
fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(bin())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start unspin serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    (child, addr)
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
