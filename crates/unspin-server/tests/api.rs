//! API tests: every endpoint and every error class, through the real router (tower `oneshot`)
//! and, for what needs a socket (limits while the server keeps serving, graceful shutdown), on a
//! real loopback port.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use unspin::rules::RuleSet;
use unspin::{Engine, EngineOptions};
use unspin_server::{router, ServerConfig};

fn engine() -> Arc<Engine> {
    Arc::new(Engine::new(
        RuleSet::empty(),
        None,
        EngineOptions::default(),
    ))
}

fn app_with(config: ServerConfig) -> Router {
    router(engine(), config)
}

fn app() -> Router {
    app_with(ServerConfig {
        body_limit: 64 * 1024,
        ..ServerConfig::default()
    })
}

async fn send(app: Router, req: Request<Body>) -> (StatusCode, String, Option<String>) {
    let resp = app.oneshot(req).await.expect("router never fails");
    let status = resp.status();
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string());
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap(), ctype)
}

fn post(path: &str, ctype: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut b = Request::builder().method(Method::POST).uri(path);
    if let Some(c) = ctype {
        b = b.header(header::CONTENT_TYPE, c);
    }
    b.body(body.into()).unwrap()
}

fn json_post(path: &str, body: &Value) -> Request<Body> {
    post(path, Some("application/json"), body.to_string())
}

/// Assert a JSON error answer with this status and code.
fn assert_error(got: &(StatusCode, String, Option<String>), status: StatusCode, code: &str) {
    assert_eq!(got.0, status, "body: {}", got.1);
    assert_eq!(got.2.as_deref(), Some("application/json"));
    let v: Value = serde_json::from_str(&got.1).expect("error bodies are JSON");
    assert_eq!(v["error"]["status"], status.as_u16());
    assert_eq!(v["error"]["code"], code);
    assert!(!v["error"]["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn healthz_answers_ok() {
    let req = Request::get("/healthz").body(Body::empty()).unwrap();
    let (status, body, _) = send(app(), req).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["trace"], false);
    assert_eq!(v["body_limit"], 64 * 1024);
}

#[tokio::test]
async fn check_answers_like_the_cli_json() {
    let text = "Kyiv’s counter-offensive took back 1,700 square kilometres.";
    let (status, body, _) = send(app(), json_post("/v1/check", &json!({ "text": text }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["findings", "format", "score", "verdict", "words"]);
    // Not an HTML document: read as plain text, as `unspin check` reads a `.txt` file.
    assert_eq!(v["format"], "text");
    // The engine's own report, field for field.
    let report = engine().check(text);
    assert_eq!(v["words"], report.words);
    assert_eq!(v["verdict"], report.verdict.as_str());
    assert_eq!(
        v["findings"],
        serde_json::to_value(&report.findings).unwrap()
    );
}

#[tokio::test]
async fn restore_adds_the_restored_text() {
    let text = "Nothing to see here, 😀 really.";
    let (status, body, _) = send(
        app(),
        json_post(
            "/v1/restore",
            &json!({ "text": text, "min_confidence": 0.9 }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let (restored, _) = engine().restore(text);
    assert_eq!(v["restored"], restored);
    assert!(v["score"].is_number());
}

#[tokio::test]
async fn trace_without_an_index_says_so() {
    let got = send(app(), json_post("/v1/trace", &json!({ "text": "x" }))).await;
    assert_error(&got, StatusCode::NOT_IMPLEMENTED, "trace_unavailable");
}

#[tokio::test]
async fn malformed_json_is_400() {
    for bad in ["{\"text\": ", "not json", "{\"text\": \"a\",}", ""] {
        let got = send(app(), post("/v1/check", Some("application/json"), bad)).await;
        assert_error(&got, StatusCode::BAD_REQUEST, "malformed_json");
    }
    // A lone surrogate escape is named as such, not as a broken hex escape alone.
    let got = send(
        app(),
        post(
            "/v1/check",
            Some("application/json"),
            r#"{"text":"a\ud800b"}"#,
        ),
    )
    .await;
    assert_error(&got, StatusCode::BAD_REQUEST, "malformed_json");
    assert!(got.1.contains("surrogate pair"), "{}", got.1);
}

#[tokio::test]
async fn invalid_utf8_is_400() {
    let body: Vec<u8> = b"{\"text\": \"caf\xe9\"}".to_vec();
    let got = send(app(), post("/v1/check", Some("application/json"), body)).await;
    assert_error(&got, StatusCode::BAD_REQUEST, "invalid_utf8");
    let got = send(
        app(),
        post(
            "/v2/check",
            Some("application/x-www-form-urlencoded"),
            b"text=\xff\xfe&language=en".to_vec(),
        ),
    )
    .await;
    assert_error(&got, StatusCode::BAD_REQUEST, "invalid_utf8");
    // Percent-escapes that decode to invalid UTF-8 are not silently replaced either.
    let got = send(
        app(),
        post(
            "/v2/check",
            Some("application/x-www-form-urlencoded"),
            "text=%C3%28&language=en",
        ),
    )
    .await;
    assert_error(&got, StatusCode::BAD_REQUEST, "invalid_utf8");
}

#[tokio::test]
async fn wrong_shape_is_422() {
    for bad in [
        json!({ "txt": "a" }),
        json!({ "text": 5 }),
        json!(["a"]),
        json!({ "text": "a", "min_confidence": 2.0 }),
        json!({ "text": "a", "min_confidence": "high" }),
    ] {
        let got = send(app(), json_post("/v1/restore", &bad)).await;
        assert_error(&got, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    }
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let body = json!({ "text": "a" }).to_string();
    for ctype in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/json; charset=latin1"),
    ] {
        let got = send(app(), post("/v1/check", ctype, body.clone())).await;
        assert_error(
            &got,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        );
    }
    // A charset parameter naming UTF-8 is fine.
    let (status, _, _) = send(
        app(),
        post(
            "/v1/check",
            Some("Application/JSON; charset=UTF-8"),
            body.clone(),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let got = send(app(), post("/v2/check", Some("application/json"), body)).await;
    assert_error(
        &got,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
}

#[tokio::test]
async fn compressed_bodies_are_415_naming_the_encoding() {
    // A gzip body used to read as invalid UTF-8 (400), and a plain body labelled `br` was
    // checked as if it were plain (200).
    // `{"text":"a"}`, gzipped.
    let gzipped: &[u8] = &[
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0x2a, 0x49, 0xad,
        0x28, 0x51, 0xb2, 0x52, 0x4a, 0x54, 0xaa, 0x05, 0x00, 0x8e, 0xc3, 0xe4, 0x15, 0x0c, 0x00,
        0x00, 0x00,
    ];
    let plain = json!({ "text": "a" }).to_string();
    for (path, ctype, encoding, body) in [
        ("/v1/check", "application/json", "gzip", gzipped.to_vec()),
        (
            "/v1/restore",
            "application/json",
            "br",
            plain.clone().into_bytes(),
        ),
        (
            "/v1/trace",
            "application/json",
            "deflate",
            plain.clone().into_bytes(),
        ),
        (
            "/v1/check",
            "application/json",
            "identity, gzip",
            plain.clone().into_bytes(),
        ),
        (
            "/v2/check",
            "application/x-www-form-urlencoded",
            "br",
            b"text=hi&language=en".to_vec(),
        ),
    ] {
        let mut req = post(path, Some(ctype), body);
        req.headers_mut()
            .insert(header::CONTENT_ENCODING, encoding.parse().unwrap());
        let resp = app().oneshot(req).await.unwrap();
        assert_eq!(
            resp.headers().get(header::ACCEPT_ENCODING).unwrap(),
            "identity"
        );
        let status = resp.status();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let got = (
            status,
            String::from_utf8(body.to_vec()).unwrap(),
            Some("application/json".to_string()),
        );
        assert_error(
            &got,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_encoding",
        );
        let named = encoding.rsplit(", ").next().unwrap();
        assert!(got.1.contains(&format!("`{named}`")), "{path}: {}", got.1);
    }
    // `identity` is no encoding at all.
    let mut req = json_post("/v1/check", &json!({ "text": "a" }));
    req.headers_mut()
        .insert(header::CONTENT_ENCODING, "identity".parse().unwrap());
    let (status, body, _) = send(app(), req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn unknown_fields_are_422_naming_the_field() {
    for (path, body, field) in [
        (
            "/v1/check",
            json!({ "text": "a", "minconfidence": 0.9 }),
            "minconfidence",
        ),
        ("/v1/restore", json!({ "text": "a", "Text": "b" }), "Text"),
        ("/v1/trace", json!({ "text": "a", "topn": 3 }), "topn"),
    ] {
        let got = send(app(), json_post(path, &body)).await;
        assert_error(&got, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
        assert!(
            got.1.contains(&format!("unknown field `{field}`")),
            "{path}: {}",
            got.1
        );
    }
}

#[tokio::test]
async fn bad_values_are_422_naming_the_field() {
    for (path, body, field) in [
        ("/v1/trace", json!({ "text": "x", "top": 1.5 }), "`top`"),
        ("/v1/trace", json!({ "text": "x", "top": -1 }), "`top`"),
        ("/v1/trace", json!({ "text": "x", "top": 11 }), "`top`"),
        ("/v1/trace", json!({ "text": "x", "top": "3" }), "`top`"),
        (
            "/v1/check",
            json!({ "text": "x", "min_confidence": "high" }),
            "`min_confidence`",
        ),
        (
            "/v1/check",
            json!({ "text": "x", "min_confidence": 1.5 }),
            "`min_confidence`",
        ),
        (
            "/v1/restore",
            json!({ "text": "x", "min_confidence": [0.5] }),
            "`min_confidence`",
        ),
        (
            "/v1/check",
            json!({ "text": "x", "format": "docx" }),
            "`format` must be \\\"auto\\\"",
        ),
        (
            "/v1/restore",
            json!({ "text": "x", "format": 1 }),
            "`format`",
        ),
        (
            "/v1/trace",
            json!({ "text": "x", "format": "HTML" }),
            "`format`",
        ),
        ("/v1/check", json!({ "text": 5 }), "`text`"),
        ("/v1/trace", json!({ "text": null }), "`text`"),
        ("/v1/check", json!({ "txt": "a" }), "`text`"),
    ] {
        let got = send(app(), json_post(path, &body)).await;
        assert_error(&got, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
        assert!(got.1.contains(field), "{path} {body}: {}", got.1);
    }
    // Null is the same as leaving the field out.
    let (status, body, _) = send(
        app(),
        json_post("/v1/check", &json!({ "text": "a", "min_confidence": null })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// A request body that is sent only when the test says so: the request it belongs to stays in
/// flight (reading its body) until then.
fn held_body(start: &[u8]) -> (Body, tokio::sync::oneshot::Sender<Vec<u8>>) {
    let (tx, rx) = tokio::sync::oneshot::channel::<Vec<u8>>();
    let first: Result<Vec<u8>, std::io::Error> = Ok(start.to_vec());
    let rest = futures_util::stream::once(async move { Ok(rx.await.unwrap_or_default()) });
    let stream = futures_util::stream::iter(vec![first]).chain(rest);
    (Body::from_stream(stream), tx)
}

#[tokio::test]
async fn max_inflight_is_one_limit_for_all_routes() {
    let app = app_with(ServerConfig {
        max_inflight: 1,
        ..ServerConfig::default()
    });
    // The one slot is taken by a /v1/check whose body is still arriving.
    let (body, finish) = held_body(b"{\"text\": \"a");
    let first = tokio::spawn(app.clone().oneshot(post(
        "/v1/check",
        Some("application/json"),
        body,
    )));
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Another API route waits for it (with a limit per route it was answered at once)...
    let mut second = tokio::spawn(
        app.clone()
            .oneshot(json_post("/v1/restore", &json!({ "text": "b" }))),
    );
    let mut third = tokio::spawn(app.clone().oneshot(post(
        "/v2/check",
        Some("application/x-www-form-urlencoded"),
        "text=c&language=en",
    )));
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut second)
            .await
            .is_err(),
        "/v1/restore was answered while /v1/check held the only slot"
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(100), &mut third)
            .await
            .is_err(),
        "/v2/check was answered while /v1/check held the only slot"
    );
    // ...while the health check and the page stay outside the limit.
    let (status, _, _) = send(
        app.clone(),
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = send(app.clone(), Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    // Once the first request is answered, the others go through.
    finish.send(b"\"}".to_vec()).unwrap();
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    for waiting in [second, third] {
        let resp = tokio::time::timeout(Duration::from_secs(10), waiting)
            .await
            .expect("answered once the slot is free")
            .unwrap()
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn too_large_is_413_with_and_without_content_length() {
    let limit = 64 * 1024;
    let big = json!({ "text": "a".repeat(limit) }).to_string();
    let got = send(
        app(),
        json_post("/v1/check", &json!({ "text": "a".repeat(limit) })),
    )
    .await;
    assert_error(&got, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // A streamed body has no Content-Length: the limit is enforced while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = big
        .as_bytes()
        .chunks(4096)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let stream = Body::from_stream(futures_util::stream::iter(chunks));
    let got = send(app(), post("/v1/check", Some("application/json"), stream)).await;
    assert_error(&got, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let form = format!("language=en&text={}", "a".repeat(limit));
    let got = send(
        app(),
        post("/v2/check", Some("application/x-www-form-urlencoded"), form),
    )
    .await;
    assert_error(&got, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // Just under the limit is accepted.
    let fits = json!({ "text": "a ".repeat(limit / 2 - 20) });
    let (status, _, _) = send(app(), json_post("/v1/check", &fits)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_request_that_takes_too_long_gets_503() {
    let app = app_with(ServerConfig {
        timeout: Duration::from_millis(200),
        ..ServerConfig::default()
    });
    // The client sends half a body and then stalls.
    let first: Result<Vec<u8>, std::io::Error> = Ok(b"{\"text\": \"a".to_vec());
    let stalled = futures_util::stream::iter(vec![first]).chain(futures_util::stream::pending());
    let started = std::time::Instant::now();
    let got = send(
        app,
        post(
            "/v1/check",
            Some("application/json"),
            Body::from_stream(stalled),
        ),
    )
    .await;
    assert_error(&got, StatusCode::SERVICE_UNAVAILABLE, "timeout");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json_errors() {
    let got = send(app(), Request::get("/v1/nope").body(Body::empty()).unwrap()).await;
    assert_error(&got, StatusCode::NOT_FOUND, "not_found");
    let got = send(
        app(),
        Request::get("/v1/check").body(Body::empty()).unwrap(),
    )
    .await;
    assert_error(&got, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn languagetool_answer_has_the_expected_shape() {
    let form = "text=%F0%9D%92%9C+Nothing+spun+here.&language=en-US&disabledRules=X";
    let (status, body, _) = send(
        app(),
        post("/v2/check", Some("application/x-www-form-urlencoded"), form),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["software"]["name"], "unspin");
    assert_eq!(v["software"]["apiVersion"], 1);
    assert_eq!(v["language"]["code"], "en-US");
    assert!(v["matches"].is_array());
    let got = send(
        app(),
        post(
            "/v2/check",
            Some("application/x-www-form-urlencoded"),
            "text=Hallo&language=de-DE",
        ),
    )
    .await;
    assert_error(&got, StatusCode::BAD_REQUEST, "unsupported_language");
    let got = send(
        app(),
        post(
            "/v2/check",
            Some("application/x-www-form-urlencoded"),
            "language=en",
        ),
    )
    .await;
    assert_error(&got, StatusCode::BAD_REQUEST, "missing_parameter");
    let (status, body, _) = send(
        app(),
        Request::get("/v2/languages").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("en-US"));
}

#[tokio::test]
async fn page_and_assets_are_served_with_a_strict_policy() {
    let resp = app()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let csp = resp.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let html = String::from_utf8(body.to_vec()).unwrap();
    assert!(html.contains("/assets/app.js") && html.contains("id=\"input\""));
    assert!(!html.contains("http://") && !html.contains("https://"));
    for (path, ctype) in [
        ("/assets/app.js", "text/javascript; charset=utf-8"),
        ("/assets/app.css", "text/css; charset=utf-8"),
    ] {
        let (status, body, got) =
            send(app(), Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(got.as_deref(), Some(ctype));
        assert!(body.len() > 1000);
    }
}

/// On a real socket: a 10 MB body, invalid UTF-8 and malformed JSON get their 4xx, the server
/// keeps answering, and it stops cleanly when asked.
#[tokio::test]
async fn real_server_survives_bad_requests_and_shuts_down_gracefully() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(unspin_server::serve(
        listener,
        app_with(ServerConfig::default()),
        async move {
            let _ = stopped.await;
        },
    ));

    async fn raw(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> String {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(head.as_bytes()).await.unwrap();
        // The server may answer 413 and close before the whole body is sent: that is fine.
        let _ = s.write_all(body).await;
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out).await;
        String::from_utf8_lossy(&out).into_owned()
    }

    let ten_mb = vec![b'a'; 10 * 1024 * 1024];
    let head = format!(
        "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        ten_mb.len()
    );
    let answer = raw(addr, &head, &ten_mb).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"));

    let bad_utf8 = b"{\"text\": \"\xc3\x28\"}";
    let head = format!(
        "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        bad_utf8.len()
    );
    let answer = raw(addr, &head, bad_utf8).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("invalid_utf8"));

    let head = "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n";
    let answer = raw(addr, head, b"{oops").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("malformed_json"));

    let body = br#"{"text": "Still serving after all that."}"#;
    let head = format!(
        "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let answer = raw(addr, &head, body).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"verdict\""));

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("graceful shutdown finishes")
        .unwrap()
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
