//! The `/v1` JSON API and the request guards shared by every route.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};
use unspin::finding::apply;
use unspin::text::Format;
use unspin::{Finding, Report};

use crate::error::ApiError;
use crate::AppState;

/// Body of `/v1/check` and `/v1/restore`. A field it does not know is an error (a misspelt
/// `"minconfidence"` would otherwise be ignored without a word).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    #[serde(deserialize_with = "text_field")]
    pub text: String,
    /// How `text` is read (default `auto`); see [`InputFormat`].
    #[serde(default, deserialize_with = "format_field")]
    pub format: Option<InputFormat>,
    /// Report only findings at least this confident: the threshold of this request's check, in
    /// place of the server's own `--min-confidence` (see [`check_at`]).
    #[serde(default, deserialize_with = "min_confidence_field")]
    pub min_confidence: Option<f32>,
}

/// A JSON value as an error message names it: `5`, `"high"`, `an array`.
fn describe(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) if s.chars().count() > 40 => {
            let cut: String = s.chars().take(40).collect();
            format!("the string {cut:?}…")
        }
        serde_json::Value::String(s) => format!("the string {s:?}"),
        serde_json::Value::Array(_) => "an array".to_string(),
        serde_json::Value::Object(_) => "an object".to_string(),
        other => other.to_string(),
    }
}

/// `text`: a string; any other value is named in the error with the field.
fn text_field<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(D::Error::custom(format!(
            "`text` must be a string, got {}",
            describe(&other)
        ))),
    }
}

/// `min_confidence`: a number from 0 to 1, or null (the server's own threshold).
fn min_confidence_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f32>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    match value.as_f64() {
        _ if value.is_null() => Ok(None),
        Some(x) if (0.0..=1.0).contains(&x) => Ok(Some(x as f32)),
        _ => Err(D::Error::custom(format!(
            "`min_confidence` must be a number between 0 and 1, got {}",
            describe(&value)
        ))),
    }
}

/// How a request's `text` is read: as `unspin check` reads a file of that kind, so that the
/// same bytes give the same findings at the same offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// HTML when the text begins as an HTML document does ([`Format::sniff`]), else plain
    /// text. (The CLI goes by a file's extension; a posted text has none.)
    #[default]
    Auto,
    Text,
    Html,
    Markdown,
}

impl InputFormat {
    /// The markup `text` is read as.
    pub fn resolve(self, text: &str) -> Format {
        match self {
            InputFormat::Auto => Format::sniff(text),
            InputFormat::Text => Format::Plain,
            InputFormat::Html => Format::Html,
            InputFormat::Markdown => Format::Markdown,
        }
    }
}

/// A format as answers name it: with the names a request uses.
fn format_name(format: Format) -> &'static str {
    match format {
        Format::Plain => "text",
        Format::Html => "html",
        Format::Markdown => "markdown",
    }
}

/// `format`: `"auto"`, `"text"` (or the CLI's `"plain"`), `"html"`, `"markdown"`, or null (auto).
fn format_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<InputFormat>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    match value.as_str() {
        _ if value.is_null() => Ok(None),
        Some("auto") => Ok(Some(InputFormat::Auto)),
        Some("text" | "plain") => Ok(Some(InputFormat::Text)),
        Some("html") => Ok(Some(InputFormat::Html)),
        Some("markdown") => Ok(Some(InputFormat::Markdown)),
        _ => Err(D::Error::custom(format!(
            "`format` must be \"auto\", \"text\", \"html\" or \"markdown\", got {}",
            describe(&value)
        ))),
    }
}

/// `top`: a whole number from 1 to 10, or null (3).
fn top_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    match value.as_u64() {
        _ if value.is_null() => Ok(None),
        Some(n @ 1..=10) => Ok(Some(n as usize)),
        _ => Err(D::Error::custom(format!(
            "`top` must be a whole number from 1 to 10, got {}",
            describe(&value)
        ))),
    }
}

/// One checked document: the same fields as `unspin check --format json` (less `path`), and
/// the format the text was read as.
#[derive(Debug, Serialize)]
pub struct DocReport {
    pub score: f32,
    pub verdict: &'static str,
    pub words: usize,
    /// Only for a text not written in English: its language's ISO 639-3 code (not judged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// `text`, `html` or `markdown`: the request's `format`, or what `auto` found.
    pub format: &'static str,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restored: Option<String>,
}

/// Reject bodies whose declared length is over the limit before reading a byte of them, and
/// bound the whole request (upload, queueing for a worker, checking) by the configured timeout.
pub async fn timeout_and_length_guard(
    State(st): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let limit = st.config.body_limit;
    if let Some(len) = declared_length(req.headers()) {
        if len > limit as u64 {
            return ApiError::too_large(limit).into_response();
        }
    }
    match tokio::time::timeout(st.config.timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ApiError::timeout(st.config.timeout).into_response(),
    }
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Read the whole body, at most `limit` bytes (a chunked body that grows past it gets 413).
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes),
        Err(e) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if s.is::<http_body_util::LengthLimitError>() {
                    return Err(ApiError::too_large(limit));
                }
                source = s.source();
            }
            Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                format!("could not read the request body: {e}"),
            ))
        }
    }
}

/// The media type of a request (`application/json` of `application/json; charset=utf-8`),
/// lower-cased, and whether a charset other than UTF-8 was declared.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<(String, bool)> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    let foreign_charset = parts.any(|p| {
        let p = p.trim().to_ascii_lowercase();
        p.strip_prefix("charset=")
            .is_some_and(|c| !matches!(c.trim_matches('"'), "utf-8" | "utf8"))
    });
    Some((essence, foreign_charset))
}

/// Refuse a body sent with a content coding (`Content-Encoding: gzip`, `br`...): the server
/// reads bodies as they are, so a compressed one would only give a misleading error, and a
/// plain one labelled compressed would be read against its label. `identity` is fine.
pub(crate) fn require_identity_encoding(headers: &HeaderMap) -> Result<(), ApiError> {
    for value in headers.get_all(header::CONTENT_ENCODING) {
        let value = String::from_utf8_lossy(value.as_bytes());
        for coding in value.split(',').map(str::trim) {
            if !coding.is_empty() && !coding.eq_ignore_ascii_case("identity") {
                return Err(ApiError::unsupported_encoding(coding));
            }
        }
    }
    Ok(())
}

pub(crate) fn require_media_type(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    require_identity_encoding(headers)?;
    let got = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    match media_type(headers) {
        Some((essence, false)) if essence == expected => Ok(()),
        _ => Err(ApiError::unsupported_media_type(
            &format!("{expected} (UTF-8)"),
            got.as_deref(),
        )),
    }
}

pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, ApiError> {
    std::str::from_utf8(bytes).map_err(|e| ApiError::invalid_utf8(e.valid_up_to()))
}

/// A JSON body read under the server's limits, with every failure mapped to a clear error.
pub struct JsonRequest<T>(pub T);

/// A request body's expected shape, named in the error for a body of another shape.
pub trait Shape {
    const SHAPE: &'static str;
}

impl Shape for CheckRequest {
    const SHAPE: &'static str =
        r#"{"text": "...", "format"?: "auto"|"text"|"html"|"markdown", "min_confidence"?: 0..1}"#;
}

impl<T: DeserializeOwned + Shape> FromRequest<Arc<AppState>> for JsonRequest<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, st: &Arc<AppState>) -> Result<Self, ApiError> {
        require_media_type(req.headers(), "application/json")?;
        let bytes = read_body(req.into_body(), st.config.body_limit).await?;
        let text = utf8(&bytes)?;
        let shape_error = |why: String| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request",
                format!(
                    "the JSON body does not have the expected shape ({}): {why}",
                    T::SHAPE
                ),
            )
        };
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ApiError::bad_json(format!("the request body is not valid JSON: {e}")))?;
        // serde would also read a struct from an array (`["text"]`); only an object is meant.
        if !value.is_object() {
            return Err(shape_error("expected an object".to_string()));
        }
        serde_json::from_value(value)
            .map(JsonRequest)
            .map_err(|e| shape_error(e.to_string()))
    }
}

/// Run `job` on the blocking pool, holding one of the `workers` permits until the job is really
/// finished (even when the request has already timed out), so CPU work stays bounded.
pub(crate) async fn on_worker<R: Send + 'static>(
    st: &Arc<AppState>,
    job: impl FnOnce() -> R + Send + 'static,
) -> Result<R, ApiError> {
    let permit = st
        .workers
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::internal("the worker pool is closed"))?;
    tokio::task::spawn_blocking(move || {
        let out = job();
        drop(permit);
        out
    })
    .await
    .map_err(|e| ApiError::internal(format!("the check failed: {e}")))
}

/// Run `job` with the engine on a worker (see [`on_worker`]).
pub(crate) async fn with_engine<R: Send + 'static>(
    st: &Arc<AppState>,
    job: impl FnOnce(&unspin::Engine) -> R + Send + 'static,
) -> Result<R, ApiError> {
    let engine = st.engine.clone();
    on_worker(st, move || job(&engine)).await
}

/// Check with a per-request confidence threshold (the engine's own when none is given): the
/// engine computes the document score, and the evidence gated on it, from what that threshold
/// keeps, so the answer is what `unspin check --min-confidence X` gives.
pub(crate) fn check_at(engine: &unspin::Engine, text: &str, min_confidence: Option<f32>) -> Report {
    engine.check_at(
        text,
        min_confidence.unwrap_or(engine.options.min_confidence),
    )
}

/// Check `text` as `unspin check` checks a file of `format`, and restore it as `unspin restore`
/// does when `restore`: markup is reduced to its prose, the engine checks the prose, and the
/// findings are placed back in `text`'s bytes so that each replaces words only (a phrase split
/// by a tag becomes one finding per run of words; one whose words cannot be fitted around its
/// markup is reported over its whole span and left as written). The restored text keeps its
/// markup, with the suggestions escaped in HTML.
pub(crate) fn check_text(
    engine: &unspin::Engine,
    text: &str,
    format: Format,
    min_confidence: Option<f32>,
    restore: bool,
) -> DocReport {
    let extracted = unspin::text::extract(text, format);
    let report = check_at(engine, &extracted.text, min_confidence);
    let placed = extracted.place_findings(report.findings);
    let restored = restore.then(|| apply(text, &placed.replacements(format)));
    let mut findings = placed.findings;
    findings.extend(placed.kept);
    findings.sort_by_key(|f| (f.start, f.end));
    DocReport {
        score: report.score,
        verdict: report.verdict.as_str(),
        words: report.words,
        language: report.language,
        format: format_name(format),
        findings,
        restored,
    }
}

pub async fn check(
    State(st): State<Arc<AppState>>,
    JsonRequest(req): JsonRequest<CheckRequest>,
) -> Result<Json<DocReport>, ApiError> {
    let format = req.format.unwrap_or_default().resolve(&req.text);
    let min = req.min_confidence;
    let report = with_engine(&st, move |engine| {
        check_text(engine, &req.text, format, min, false)
    })
    .await?;
    Ok(Json(report))
}

pub async fn restore(
    State(st): State<Arc<AppState>>,
    JsonRequest(req): JsonRequest<CheckRequest>,
) -> Result<Json<DocReport>, ApiError> {
    let format = req.format.unwrap_or_default().resolve(&req.text);
    let min = req.min_confidence;
    let report = with_engine(&st, move |engine| {
        check_text(engine, &req.text, format, min, true)
    })
    .await?;
    Ok(Json(report))
}

/// Body of `/v1/trace`; unknown fields are an error, as in [`CheckRequest`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceRequest {
    #[serde(deserialize_with = "text_field")]
    pub text: String,
    /// How `text` is read (default `auto`), as in [`CheckRequest`].
    #[serde(default, deserialize_with = "format_field")]
    pub format: Option<InputFormat>,
    /// Sources to return, best first (default 3, at most 10).
    #[serde(default, deserialize_with = "top_field")]
    pub top: Option<usize>,
}

impl Shape for TraceRequest {
    const SHAPE: &'static str =
        r#"{"text": "...", "format"?: "auto"|"text"|"html"|"markdown", "top"?: 1..=10}"#;
}

/// One source of a traced text: the fields of `unspin trace --format json` plus the source's
/// text, which the page shows beside the query. Offsets in `alignment` are UTF-8 byte offsets,
/// half-open, into the posted text (`query`; for markup, into its own bytes, as `unspin trace`
/// gives them) and into `source` (`source`).
#[derive(Serialize)]
pub struct TraceMatch {
    pub id: String,
    pub score: f64,
    pub coverage: f64,
    pub alignment: unspin::trace::Alignment,
    pub source: String,
}

#[derive(Serialize)]
pub struct TraceAnswer {
    /// The format the text was read as, as in [`DocReport`].
    pub format: &'static str,
    pub matches: Vec<TraceMatch>,
}

/// `/v1/trace`: the sources of a text in the server's index (`unspin serve --index DIR`). Without
/// an index it says so (501) instead of answering with made-up matches.
pub async fn trace(
    State(st): State<Arc<AppState>>,
    JsonRequest(req): JsonRequest<TraceRequest>,
) -> Result<Json<TraceAnswer>, ApiError> {
    let Some(index) = st.index.clone() else {
        return Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "trace_unavailable",
            "source tracing is not available: this server has no source index (start it with \
             `unspin serve --index DIR`, after `unspin index add --index DIR FILE...`)",
        ));
    };
    // 1..=10, checked when the body was read (`top_field`).
    let top = req.top.unwrap_or(3);
    let format = req.format.unwrap_or_default().resolve(&req.text);
    let answer = on_worker(&st, move || -> unspin::Result<TraceAnswer> {
        let opts = unspin::trace::TraceOptions {
            top,
            ..unspin::trace::TraceOptions::default()
        };
        // Markup is stripped as `unspin trace` strips it; offsets are then mapped back.
        let extracted = unspin::text::extract(&req.text, format);
        let matches = unspin::trace::trace(&index, &extracted.text, &opts)?;
        let mut out = Vec::with_capacity(matches.len());
        for mut m in matches {
            m.alignment.map_query(|span| extracted.to_source(span));
            out.push(TraceMatch {
                source: index.text(m.doc)?,
                id: m.id,
                score: m.score,
                coverage: m.coverage,
                alignment: m.alignment,
            });
        }
        Ok(TraceAnswer {
            format: format_name(format),
            matches: out,
        })
    })
    .await?
    .map_err(|e| ApiError::internal(format!("the source index could not be read: {e}")))?;
    Ok(Json(answer))
}

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
    rules: usize,
    model: bool,
    fast: bool,
    trace: bool,
    body_limit: usize,
}

pub async fn healthz(State(st): State<Arc<AppState>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        rules: st.engine.rules.len(),
        model: st.engine.decoder.is_some() && !st.engine.options.fast,
        fast: st.engine.options.fast,
        trace: st.index.is_some(),
        body_limit: st.config.body_limit,
    })
}

pub async fn not_found(req: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no route for {} {}", req.method(), req.uri().path()),
    )
}

pub async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not allowed on {}", req.method(), req.uri().path()),
    )
}
