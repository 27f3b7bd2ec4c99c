//! Every error the server answers, as JSON with the right status code.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An error answer: `{"error": {"status": 413, "code": "payload_too_large", "message": "..."}}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Headers sent with the answer (`Accept-Encoding` with a 415 for a content coding).
    headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    status: u16,
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    pub fn bad_json(message: impl Into<String>) -> Self {
        let mut message = message.into();
        // serde_json says "unexpected end of hex escape" of a string like "a\ud800b": valid
        // JSON syntax, but half of a surrogate pair is no text (a string cut inside an emoji).
        if message.contains("hex escape") {
            message.push_str(
                " (a \\uD800-\\uDFFF escape must be one half of a surrogate pair; a lone one is not text)",
            );
        }
        Self::new(StatusCode::BAD_REQUEST, "malformed_json", message)
    }

    pub fn invalid_utf8(valid_up_to: usize) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_utf8",
            format!("request body is not valid UTF-8 (first invalid byte at offset {valid_up_to})"),
        )
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request body is larger than the limit of {limit} bytes (see `unspin serve --body-limit`)"),
        )
    }

    pub fn unsupported_media_type(expected: &str, got: Option<&str>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            match got {
                Some(got) => format!("expected Content-Type: {expected}, got {got}"),
                None => format!("expected Content-Type: {expected}, got none"),
            },
        )
    }

    /// A body sent with a content coding the server does not decode (any but `identity`).
    pub fn unsupported_encoding(coding: &str) -> Self {
        let mut e = Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_encoding",
            format!(
                "Content-Encoding `{}` is not supported: send the body uncompressed \
                 (no Content-Encoding, or identity)",
                coding.escape_debug()
            ),
        );
        e.headers.push((
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("identity"),
        ));
        e
    }

    pub fn timeout(after: std::time::Duration) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request took longer than {:.1} s (see `unspin serve --timeout`)",
                after.as_secs_f64()
            ),
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                status: self.status.as_u16(),
                code: self.code,
                message: &self.message,
            },
        };
        let mut resp = (self.status, Json(body)).into_response();
        for (name, value) in &self.headers {
            resp.headers_mut().insert(name, value.clone());
        }
        resp
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}
