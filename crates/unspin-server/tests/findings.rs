//! API answers with real findings: an engine built from the fixture rule pack
//! (tests/fixtures/serve-rules.toml) and the project's own fixture text, which puts characters
//! outside the BMP before the spun phrases.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use unspin::rules::RuleSetBuilder;
use unspin::{Engine, EngineOptions};
use unspin_server::{router, ServerConfig};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn engine() -> Arc<Engine> {
    let mut rules = RuleSetBuilder::new();
    rules
        .load_path(&fixture("serve-rules.toml"))
        .expect("the fixture rule pack loads");
    let rules = rules.build().expect("the fixture rule pack compiles");
    Arc::new(Engine::new(
        rules,
        None,
        EngineOptions {
            fast: true,
            ..EngineOptions::default()
        },
    ))
}

fn app() -> Router {
    router(engine(), ServerConfig::default())
}

fn sample() -> String {
    std::fs::read_to_string(fixture("serve-sample.txt")).unwrap()
}

async fn call(req: Request<Body>) -> (StatusCode, Value) {
    let resp = app().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

fn json_post(path: &str, body: Value) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn check_reports_the_fixture_phrases_at_their_byte_offsets() {
    let text = sample();
    let (status, v) = call(json_post("/v1/check", json!({ "text": text }))).await;
    assert_eq!(status, StatusCode::OK);
    let findings = v["findings"].as_array().unwrap();
    let spans: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            let (s, e) = (
                f["start"].as_u64().unwrap() as usize,
                f["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                &text[s..e],
                f["text"].as_str().unwrap(),
                "UTF-8 byte offsets"
            );
            (
                f["text"].as_str().unwrap(),
                f["suggestion"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("counterfeit consciousness", "artificial intelligence"),
            // The article agrees with the restored word ("an irregular" → "a random").
            ("an irregular woodland", "a random forest"),
            ("huge information", "big data"),
            ("counterfeit consciousness", "artificial intelligence"),
        ]
    );
    assert_eq!(v["verdict"], "spun");
}

#[tokio::test]
async fn restore_and_min_confidence() {
    let text = sample();
    let (_, v) = call(json_post("/v1/restore", json!({ "text": text }))).await;
    let restored = v["restored"].as_str().unwrap();
    assert!(restored.contains("betting on artificial intelligence to read"));
    assert!(restored.contains("trained a random forest"));
    assert!(restored.contains("on big data from 𝒜-grade"));
    // Only the 0.95 rule is at least 0.92 confident; the answer is what an engine built with
    // that threshold gives (`unspin check --min-confidence 0.92`), score included.
    let (_, strict) = call(json_post(
        "/v1/restore",
        json!({ "text": text, "min_confidence": 0.92 }),
    ))
    .await;
    let kept: Vec<&str> = strict["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        kept,
        ["counterfeit consciousness", "counterfeit consciousness"]
    );
    let mut at_092 = Arc::into_inner(engine()).expect("a fresh engine");
    at_092.options.min_confidence = 0.92;
    let expected = at_092.check(&text);
    assert!((strict["score"].as_f64().unwrap() - f64::from(expected.score)).abs() < 1e-6);
    assert_eq!(strict["verdict"], expected.verdict.as_str());
    assert!(strict["score"].as_f64().unwrap() <= v["score"].as_f64().unwrap());
    assert!(strict["restored"]
        .as_str()
        .unwrap()
        .contains("irregular woodland"));
}

#[tokio::test]
async fn languagetool_offsets_are_utf16_units_over_http() {
    let text = sample();
    let form = format!(
        "language=en-US&text={}",
        percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/v2/check")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (status, v) = call(req).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let units: Vec<u16> = text.encode_utf16().collect();
    let matches = v["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 4);
    for m in matches {
        let (o, l) = (
            m["offset"].as_u64().unwrap() as usize,
            m["length"].as_u64().unwrap() as usize,
        );
        let covered = String::from_utf16(&units[o..o + l]).unwrap();
        assert!(
            [
                "counterfeit consciousness",
                "an irregular woodland",
                "huge information"
            ]
            .contains(&covered.as_str()),
            "offset {o} length {l} covers {covered:?}"
        );
        assert!(m["replacements"][0]["value"].is_string());
        assert!(m["rule"]["id"].is_string());
        assert!(m["sentence"].as_str().unwrap().contains(&covered));
    }
    // The first match comes after one emoji (2 UTF-16 units, 4 UTF-8 bytes).
    let first_utf8 = text.find("counterfeit").unwrap();
    assert_eq!(
        matches[0]["offset"].as_u64().unwrap() as usize,
        first_utf8 - 2
    );
    // Disabling the rule removes its matches.
    let rule = matches[0]["rule"]["id"].as_str().unwrap().to_string();
    let form = format!(
        "language=en&disabledRules={}&text={}",
        percent_encoding::utf8_percent_encode(&rule, percent_encoding::NON_ALPHANUMERIC),
        percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/v2/check")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (_, v) = call(req).await;
    assert_eq!(v["matches"].as_array().unwrap().len(), 2);
}

/// A posted HTML page is read as `unspin check page.html` reads the file: its prose, not its
/// script or navigation; offsets into the posted bytes; a phrase split by a tag is one finding
/// per run of words; the restored page keeps its markup.
#[tokio::test]
async fn a_posted_html_page_is_read_as_its_prose() {
    let page = "<!doctype html><html><head><title>T</title>\
        <script>var s = 'counterfeit consciousness';</script></head><body>\
        <nav><a href=\"/x\">huge information</a></nav>\
        <article><p>The lab is betting on <b>counterfeit</b> consciousness and trained its \
        model on huge&#32;information from every station along the river valley.</p></article>\
        </body></html>";
    let (status, v) = call(json_post("/v1/restore", json!({ "text": page }))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["format"], "html");
    let found: Vec<(&str, &str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let (s, e) = (
                f["start"].as_u64().unwrap() as usize,
                f["end"].as_u64().unwrap() as usize,
            );
            (
                &page[s..e],
                f["text"].as_str().unwrap(),
                f["suggestion"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("counterfeit", "counterfeit", "artificial"),
            ("consciousness", "consciousness", "intelligence"),
            ("huge&#32;information", "huge information", "big data"),
        ]
    );
    assert_eq!(
        v["restored"],
        page.replace(
            "<b>counterfeit</b> consciousness",
            "<b>artificial</b> intelligence"
        )
        .replace("huge&#32;information from", "big data from")
    );
    // Read as plain text, the phrases of the script and the navigation are findings (and the
    // article's, split by a tag and an entity, are not).
    let (_, plain) = call(json_post(
        "/v1/check",
        json!({ "text": page, "format": "text" }),
    ))
    .await;
    assert_eq!(plain["format"], "text");
    let article = page.find("<article>").unwrap();
    let starts: Vec<u64> = plain["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["start"].as_u64().unwrap())
        .collect();
    assert_eq!(starts.len(), 2, "{plain}");
    assert!(starts.iter().all(|&s| (s as usize) < article), "{plain}");
}
