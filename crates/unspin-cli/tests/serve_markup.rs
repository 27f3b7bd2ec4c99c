//! `unspin serve` reads a posted HTML page or Markdown text as `unspin check`, `restore` and
//! `trace` read the same bytes from a file: its prose is checked, not its tags and scripts, and
//! the findings, their offsets and the restored text are the CLI's. Through the real process.

#![cfg(unix)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Child;

use serde_json::{json, Value};

mod support;
use support::{stderr, unspin};

const RULES: &str = r#"
[[rule]]
phrase = "counterfeit consciousness"
original = "artificial intelligence"
weight = 0.95

[[rule]]
phrase = "irregular woodland"
original = "random forest"
weight = 0.9

[[rule]]
phrase = "huge information"
original = "big data"
weight = 0.9
"#;

/// A page whose script and navigation hold spun phrases too: only the article's are findings.
/// A phrase split by a tag, an entity inside one, and a suggestion with `&` in it.
const PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>Counterfeit consciousness news</title>
<script>var s = "counterfeit consciousness in a script";</script>
<style>.huge-information { color: red }</style></head>
<body>
<nav><a href="/a">Home</a> <a href="/b">huge information</a> <a href="/c">About</a></nav>
<article>
<h1>Reading the rivers</h1>
<p>Hydrologists at the institute are betting on <b>counterfeit</b> consciousness to read the
gauges, and last spring they trained an irregular&nbsp;woodland on huge information from every
station along the valley, with results that surprised the whole team.</p>
<p>The model, they say, predicts floods two days earlier than the forecasts it replaces, which
gives the towns downstream time to close the gates and move people to higher ground.</p>
</article>
<footer>counterfeit consciousness &copy; 2024</footer>
</body></html>
"#;

/// Starts `unspin serve` on a free port in `dir` with `args`; the process and its address.
fn serve(dir: &Path, args: &[&str]) -> (Child, String) {
    let server = support::serve(Some(dir), args);
    (server.child, server.addr)
}

/// POST `body` as JSON to `path`; the status code and the JSON answer.
fn post(addr: &str, path: &str, body: &Value) -> (u16, Value) {
    let body = body.to_string();
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let (_, json) = answer.split_once("\r\n\r\n").expect("a head and a body");
    (status, serde_json::from_str(json).expect("a JSON answer"))
}

/// Stops the server when the test ends, passed or not.
struct Stop(Child);
impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The fields the API and `check --format json` share, per finding.
fn spans(findings: &Value) -> Vec<Value> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| json!([f["start"], f["end"], f["text"], f["suggestion"], f["rule"]]))
        .collect()
}

#[test]
fn a_posted_page_is_checked_and_restored_as_the_cli_does_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.toml"), RULES).unwrap();
    std::fs::write(dir.path().join("page.html"), PAGE).unwrap();
    std::fs::write(dir.path().join("page.txt"), PAGE).unwrap();
    let engine = ["--fast", "--rules", "rules.toml"];
    let (child, addr) = serve(dir.path(), &engine);
    let _stop = Stop(child);

    let cli = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--no-config"]);
        all.extend(engine);
        unspin(dir.path(), &all)
    };
    let out = cli(&["check", "--format", "json", "page.html"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let from_cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let from_cli = &from_cli[0];

    // `auto` (the default) knows the page by its doctype.
    let (status, checked) = post(&addr, "/v1/check", &json!({ "text": PAGE }));
    assert_eq!(status, 200, "{checked}");
    assert_eq!(checked["format"], "html");
    assert_eq!(spans(&checked["findings"]), spans(&from_cli["findings"]));
    assert_eq!(
        (&checked["verdict"], &checked["words"]),
        (&from_cli["verdict"], &from_cli["words"])
    );
    // Only the article's phrases, at offsets into the posted bytes.
    let texts: Vec<&str> = checked["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "counterfeit",
            "consciousness",
            "an irregular woodland",
            "huge information"
        ],
        "{checked:#}"
    );
    let at = |f: &Value| {
        &PAGE[f["start"].as_u64().unwrap() as usize..f["end"].as_u64().unwrap() as usize]
    };
    assert_eq!(at(&checked["findings"][2]), "an irregular&nbsp;woodland");

    // Restore: the page back with its markup, as `unspin restore page.html` writes it.
    let out = cli(&["restore", "page.html"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let restored_by_cli = String::from_utf8(out.stdout).unwrap();
    assert!(restored_by_cli.contains("<b>artificial</b> intelligence"));
    let (status, restored) = post(
        &addr,
        "/v1/restore",
        &json!({ "text": PAGE, "format": "html" }),
    );
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["restored"], restored_by_cli.as_str());
    assert_eq!(spans(&restored["findings"]), spans(&from_cli["findings"]));

    // Asked to, the server reads the page as plain text, as the CLI reads it from a `.txt`
    // file: its script and navigation are checked too.
    let out = cli(&["check", "--format", "json", "page.txt"]);
    let as_text_by_cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, as_text) = post(
        &addr,
        "/v1/check",
        &json!({ "text": PAGE, "format": "text" }),
    );
    assert_eq!(as_text["format"], "text");
    assert_eq!(
        spans(&as_text["findings"]),
        spans(&as_text_by_cli[0]["findings"])
    );
    assert!(as_text["findings"].as_array().unwrap().len() > texts.len());
}

#[test]
fn markdown_and_a_bad_format_and_a_traced_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.toml"), RULES).unwrap();
    let markdown = "# Rivers\n\nWe apply *counterfeit* consciousness to [huge information](https://x.example/huge-information).\n\n```\ncounterfeit consciousness in code\n```\n";
    std::fs::write(dir.path().join("notes.md"), markdown).unwrap();
    let source =
        "Hydrologists at the institute are betting on artificial intelligence to read the \
        gauges, and last spring they trained a random forest on big data from every station along \
        the valley. The model predicts floods two days earlier than the forecasts it replaces, \
        which gives the towns downstream time to close the gates and move people to higher ground.";
    std::fs::write(dir.path().join("source.txt"), source).unwrap();
    std::fs::write(dir.path().join("page.html"), PAGE).unwrap();
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "source.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (child, addr) = serve(
        dir.path(),
        &["--fast", "--rules", "rules.toml", "--index", "ix"],
    );
    let _stop = Stop(child);

    // Markdown is read as Markdown only when asked (plain text looks much like it).
    let out = unspin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fast",
            "--rules",
            "rules.toml",
            "--format",
            "json",
            "notes.md",
        ],
    );
    let from_cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (status, checked) = post(
        &addr,
        "/v1/check",
        &json!({ "text": markdown, "format": "markdown" }),
    );
    assert_eq!(status, 200, "{checked}");
    assert_eq!(checked["format"], "markdown");
    assert_eq!(spans(&checked["findings"]), spans(&from_cli[0]["findings"]));
    let (_, auto) = post(&addr, "/v1/check", &json!({ "text": markdown }));
    assert_eq!(auto["format"], "text");

    // A format the server does not know is refused, naming the field.
    let (status, refused) = post(
        &addr,
        "/v1/restore",
        &json!({ "text": "x", "format": "docx" }),
    );
    assert_eq!(status, 422, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("`format` must be"), "{message}");

    // Trace: the page's prose finds its source, with query offsets into the posted page, as
    // `unspin trace --format json page.html` gives them.
    let out = unspin(
        dir.path(),
        &["trace", "--index", "ix", "--format", "json", "page.html"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let from_cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (status, traced) = post(&addr, "/v1/trace", &json!({ "text": PAGE }));
    assert_eq!(status, 200, "{traced}");
    assert_eq!(traced["format"], "html");
    let best = &traced["matches"][0];
    assert_eq!(best["id"], "source.txt");
    assert_eq!(
        best["alignment"]["pairs"],
        from_cli[0]["matches"][0]["alignment"]["pairs"]
    );
    let first = &best["alignment"]["pairs"][0]["query"];
    let query =
        &PAGE[first["start"].as_u64().unwrap() as usize..first["end"].as_u64().unwrap() as usize];
    assert!(
        query.starts_with("Hydrologists at the institute"),
        "{query}"
    );
    assert!(query.contains("<b>counterfeit</b>"), "{query}");
}
