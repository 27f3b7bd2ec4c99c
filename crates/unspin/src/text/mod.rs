//! The text layer: turn input bytes into the text that is checked, with a map back to the bytes.
//!
//! Plain text is checked as it is. Markdown ([`markdown`]) and HTML ([`html`]) are reduced to their
//! prose; the [`OffsetMap`] maps every span of that prose back to the input's own bytes, so a
//! finding on a web page names the bytes of the page (an `&amp;` and all).

use std::borrow::Cow;
use std::path::Path;

use crate::error::{Error, Result};

pub mod html;
pub mod markdown;
pub mod offsets;

pub use offsets::{OffsetMap, TextBuilder};

/// The prefix of the inline suppression markers (`unspin: ignore`, `unspin: ignore-file`); markup
/// comments that carry it are kept in the extracted text so that suppression works in HTML and
/// Markdown too.
pub const SUPPRESSION_PREFIX: &str = "unspin:";

/// The markup of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Plain,
    Markdown,
    Html,
}

impl Format {
    /// Guess from a file name (a trailing `.gz`/`.zst` is looked through).
    pub fn from_path(path: &Path) -> Format {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let name = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".zst"))
            .unwrap_or(&name);
        match name.rsplit_once('.').map(|(_, e)| e) {
            Some("html" | "htm" | "xhtml" | "shtml") => Format::Html,
            Some("md" | "markdown" | "mdown" | "mkd") => Format::Markdown,
            _ => Format::Plain,
        }
    }

    /// Parse a user's `--input-format` value.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "plain" | "text" | "txt" => Some(Format::Plain),
            "markdown" | "md" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

/// A text ready to check: the prose and the map from its offsets to the source's.
#[derive(Debug, Clone)]
pub struct Extracted<'a> {
    pub text: Cow<'a, str>,
    pub map: OffsetMap,
    /// Ranges of `text` that are code kept for the sentence's sake (Markdown inline code), in
    /// order: read as context, never reported or rewritten.
    pub code: Vec<std::ops::Range<usize>>,
}

impl Extracted<'_> {
    /// Map a span of [`Extracted::text`] to the source.
    pub fn to_source(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.map.to_source(span)
    }

    /// Findings on [`Extracted::text`] as findings on the source: those touching code dropped,
    /// the rest mapped to source offsets, in source order (what `check` locates and `restore`
    /// applies).
    pub fn findings_in_source(&self, mut findings: Vec<crate::Finding>) -> Vec<crate::Finding> {
        self.drop_findings_in_code(&mut findings);
        for f in &mut findings {
            let span = self.to_source(f.start..f.end);
            (f.start, f.end) = (span.start, span.end);
        }
        // The map is monotonic, but keep the callers' order requirement explicit.
        findings.sort_by_key(|f| (f.start, f.end));
        findings
    }

    /// Drop the findings that touch code.
    fn drop_findings_in_code(&self, findings: &mut Vec<crate::Finding>) {
        if self.code.is_empty() {
            return;
        }
        findings.retain(|f| {
            let after = self.code.partition_point(|r| r.end <= f.start);
            match self.code.get(after) {
                Some(code) => code.start >= f.end,
                None => true,
            }
        });
    }
}

/// Reduce `src` to the text that is checked. Plain text is borrowed as it is.
pub fn extract(src: &str, format: Format) -> Extracted<'_> {
    match format {
        Format::Plain => Extracted {
            text: Cow::Borrowed(src),
            map: OffsetMap::identity(src.len()),
            code: Vec::new(),
        },
        Format::Markdown => {
            let (text, map, code) = markdown::extract_with_code(src);
            Extracted {
                text: Cow::Owned(text),
                map,
                code,
            }
        }
        Format::Html => {
            let (text, map) = html::extract(src);
            Extracted {
                text: Cow::Owned(text),
                map,
                code: Vec::new(),
            }
        }
    }
}

/// Why an input was not checked: a binary file, or bytes that are not UTF-8.
pub fn check_bytes(bytes: &[u8]) -> std::result::Result<&str, String> {
    // Binary files: a NUL byte in the first 8 KiB, as git and ripgrep decide.
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("binary file (contains NUL bytes), skipped".into());
    }
    std::str::from_utf8(bytes).map_err(|e| utf8_error_message(e, 0))
}

/// The message for bytes that are not UTF-8; `base` is the offset of `bytes` in the input.
pub fn utf8_error_message(e: std::str::Utf8Error, base: u64) -> String {
    format!(
        "invalid UTF-8 at byte {} (unspin reads UTF-8 text only; convert it first, e.g. with iconv)",
        base + e.valid_up_to() as u64
    )
}

/// Decode bytes read from `path` as UTF-8 text, with a clear error naming the input.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String> {
    check_bytes(bytes)
        .map(|s| s.strip_prefix('\u{feff}').unwrap_or(s).to_string())
        .map_err(|m| Error::parse(path, None, m))
}

#[cfg(test)]
mod tests {
    #[test]
    fn findings_in_markdown_inline_code_are_dropped() {
        let src = "Use `counterfeit consciousness` here, and counterfeit consciousness there.";
        let e = extract(src, Format::Markdown);
        let at = |from: usize| {
            let start = from + e.text[from..].find("counterfeit").unwrap();
            crate::Finding {
                start,
                end: start + "counterfeit consciousness".len(),
                text: "counterfeit consciousness".into(),
                suggestion: "artificial intelligence".into(),
                alternatives: Vec::new(),
                confidence: 0.9,
                rule: "t".into(),
                message: String::new(),
            }
        };
        let first = at(0);
        let second = at(first.end);
        let mut findings = vec![first, second.clone()];
        e.drop_findings_in_code(&mut findings);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].start, second.start);
    }

    use super::*;

    #[test]
    fn format_from_path() {
        assert_eq!(Format::from_path(Path::new("a/b.HTML")), Format::Html);
        assert_eq!(Format::from_path(Path::new("a/b.md.gz")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("b.txt")), Format::Plain);
        assert_eq!(Format::from_path(Path::new("README")), Format::Plain);
    }

    #[test]
    fn bad_bytes() {
        assert!(check_bytes(b"ab\0c").unwrap_err().contains("binary"));
        assert!(check_bytes(b"abc\xffdef")
            .unwrap_err()
            .contains("invalid UTF-8 at byte 3"));
    }
}
