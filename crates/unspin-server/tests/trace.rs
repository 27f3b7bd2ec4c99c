//! `/v1/trace` with a real index built from the project's own fixtures: a spun copy finds its
//! source, with sentence pairs whose byte offsets point into the query and into the source.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use unspin::rules::RuleSet;
use unspin::trace::{Index, IndexWriter, Params};
use unspin::{Engine, EngineOptions};
use unspin_server::{router_with_index, ServerConfig};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

/// A fresh directory under the target's temp folder, removed when dropped.
struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn build_index() -> (TempDir, Arc<Index>) {
    let dir = std::env::temp_dir().join(format!(
        "unspin-server-trace-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let mut w = IndexWriter::open(&dir, Params::default()).unwrap();
    w.add_batch(vec![
        ("riverton-budget".to_string(), fixture("serve-source.txt")),
        ("penguins".to_string(), fixture("serve-unrelated.txt")),
    ])
    .unwrap();
    w.commit().unwrap();
    let index = Arc::new(Index::open(&dir).unwrap());
    (TempDir(dir), index)
}

async fn post_trace(index: Option<Arc<Index>>, body: Value) -> (StatusCode, Value) {
    let engine = Arc::new(Engine::new(
        RuleSet::empty(),
        None,
        EngineOptions::default(),
    ));
    let app = router_with_index(engine, index, ServerConfig::default());
    let req = Request::builder()
        .method(Method::POST)
        .uri("/v1/trace")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn a_spun_copy_finds_its_source_with_aligned_sentences() {
    let (_dir, index) = build_index();
    let query = fixture("serve-spun-copy.txt");
    let source = fixture("serve-source.txt");
    let (status, v) = post_trace(Some(index), json!({ "text": query })).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let best = &v["matches"][0];
    assert_eq!(best["id"], "riverton-budget");
    assert_eq!(best["source"], source.as_str());
    assert!(best["coverage"].as_f64().unwrap() > 0.5);
    let pairs = best["alignment"]["pairs"].as_array().unwrap();
    assert!(pairs.len() >= 5, "{} pairs", pairs.len());
    let at = |text: &str, span: &Value| {
        text[span["start"].as_u64().unwrap() as usize..span["end"].as_u64().unwrap() as usize]
            .to_string()
    };
    let first = &pairs[0];
    assert!(at(&query, &first["query"]).starts_with("The city board of Riverton"));
    assert!(at(&source, &first["source"]).starts_with("The city council of Riverton"));
    // The penguins are not a source of a budget story.
    assert!(v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["id"] != "penguins"));
}

#[tokio::test]
async fn trace_rejects_a_bad_top_and_says_when_there_is_no_index() {
    let (_dir, index) = build_index();
    let (status, v) = post_trace(Some(index), json!({ "text": "x", "top": 0 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (status, v) = post_trace(None, json!({ "text": "x" })).await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(v["error"]["code"], "trace_unavailable");
}
