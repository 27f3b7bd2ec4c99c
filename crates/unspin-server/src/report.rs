//! The web page and the self-contained HTML report share one template, one script and one
//! style sheet, all embedded in the binary (no CDN, works offline).
//!
//! - Served by `unspin serve`, the page links `/assets/app.css` and `/assets/app.js` and talks to
//!   the API; a strict Content-Security-Policy (`'self'` only) forbids any other origin.
//! - Written by `unspin check --format html`, the same page has the style sheet and the script
//!   inlined and the reports embedded as JSON in a `<script type="application/json">` element, so
//!   one file opens anywhere. Its CSP forbids every network request, so opening a report leaks
//!   nothing.
//!
//! Embedding JSON in HTML: the only way out of a `<script>` element is the sequence `</script`
//! (and `<!--` can change how the HTML parser reads the rest), so every `<`, `>` and `&` in the
//! JSON is written as a `\u003c`-style escape, which JSON reads back as the same character.
//! U+2028/U+2029 are escaped as well for older JavaScript parsers.

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use unspin::{Finding, Report};

const PAGE: &str = include_str!("../assets/page.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");

const SERVER_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
const REPORT_CSP: &str =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'";

/// One document of an HTML report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportDoc {
    /// How the document is named (a path, `-`).
    pub name: String,
    /// The text as checked; finding offsets are UTF-8 byte offsets into it.
    pub text: String,
    pub score: f32,
    pub verdict: &'static str,
    pub words: usize,
    pub findings: Vec<Finding>,
    /// The text with every finding replaced by its suggestion.
    pub restored: String,
}

impl ReportDoc {
    pub fn new(name: impl Into<String>, text: impl Into<String>, report: Report) -> Self {
        let text = text.into();
        let restored = unspin::finding::apply(&text, &report.findings);
        ReportDoc {
            name: name.into(),
            score: report.score,
            verdict: report.verdict.as_str(),
            words: report.words,
            findings: report.findings,
            restored,
            text,
        }
    }
}

/// An input a report does not show as a document, and why: it could not be checked (`errors`),
/// or it was passed over on purpose (`skipped`: a binary file in a directory, an empty file).
#[derive(Debug, Clone, Serialize)]
pub struct ReportProblem {
    pub name: String,
    pub message: String,
}

#[derive(Serialize)]
struct ReportData<'a> {
    mode: &'static str,
    version: &'static str,
    docs: &'a [ReportDoc],
    errors: &'a [ReportProblem],
    skipped: &'a [ReportProblem],
}

/// Serialize `value` as JSON that is safe inside an HTML `<script>` element.
pub fn json_for_script<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let json = serde_json::to_string(value)?;
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn fill(head: &str, scripts: &str) -> String {
    PAGE.replacen("<!--HEAD-->", head, 1)
        .replacen("<!--SCRIPTS-->", scripts, 1)
}

/// The self-contained HTML report for `docs` (what `unspin check --format html` writes).
pub fn render_html(
    docs: &[ReportDoc],
    errors: &[ReportProblem],
    skipped: &[ReportProblem],
) -> serde_json::Result<String> {
    let data = json_for_script(&ReportData {
        mode: "report",
        version: env!("CARGO_PKG_VERSION"),
        docs,
        errors,
        skipped,
    })?;
    let head = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{REPORT_CSP}\">\n<style>\n{APP_CSS}</style>"
    );
    let scripts = format!(
        "<script type=\"application/json\" id=\"unspin-data\">{data}</script>\n<script>\n{APP_JS}</script>"
    );
    Ok(fill(&head, &scripts))
}

fn server_page() -> String {
    fill(
        "<link rel=\"stylesheet\" href=\"/assets/app.css\">",
        "<script src=\"/assets/app.js\" defer></script>",
    )
}

pub(crate) async fn index_page() -> Response {
    (
        [
            (header::CONTENT_SECURITY_POLICY, SERVER_CSP),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Html(server_page()),
    )
        .into_response()
}

pub(crate) async fn app_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        APP_JS,
    )
        .into_response()
}

pub(crate) async fn app_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        APP_CSS,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspin::Verdict;

    #[test]
    fn embedded_assets_cannot_close_their_script_or_style_element() {
        assert!(!APP_JS.to_ascii_lowercase().contains("</script"));
        assert!(!APP_CSS.to_ascii_lowercase().contains("</style"));
        assert!(PAGE.contains("<!--HEAD-->") && PAGE.contains("<!--SCRIPTS-->"));
    }

    #[test]
    fn report_json_cannot_break_out_of_its_script_element() {
        let text = "</script><script>alert(1)</script> <!-- & \u{2028} as well as";
        let start = text.find("as well as").unwrap();
        let report = Report {
            score: 0.8,
            verdict: Verdict::Spun,
            findings: vec![Finding {
                start,
                end: start + 10,
                text: "as well as".into(),
                suggestion: "</SCRIPT>and".into(),
                alternatives: vec![],
                confidence: 0.9,
                rule: "test".into(),
                message: "<b>".into(),
            }],
            words: 8,
            language: None,
        };
        let html = render_html(&[ReportDoc::new("<x>.txt", text, report)], &[], &[]).unwrap();
        let data_start = html.find("id=\"unspin-data\">").unwrap();
        let data_end = data_start + html[data_start..].find("</script>").unwrap();
        let data = &html[data_start + "id=\"unspin-data\">".len()..data_end];
        assert!(!data.contains('<') && !data.contains('>') && !data.contains('&'));
        assert!(!data.contains('\u{2028}'));
        // The escapes read back as the original text.
        let parsed: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(parsed["docs"][0]["text"], text);
        assert_eq!(
            parsed["docs"][0]["findings"][0]["suggestion"],
            "</SCRIPT>and"
        );
        assert_eq!(
            parsed["docs"][0]["restored"],
            text.replace("as well as", "</SCRIPT>and")
        );
        // Self-contained: nothing is loaded from anywhere.
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
        assert!(!html.contains("/assets/"));
    }
}
