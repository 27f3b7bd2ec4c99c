//! The text layer: turn input bytes into the text that is checked, with a map back to the bytes.

use std::path::Path;

use crate::error::{Error, Result};

/// The markup of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Plain,
    Markdown,
    Html,
}

impl Format {
    /// Guess from a file name.
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref()
        {
            Some("html" | "htm" | "xhtml") => Format::Html,
            Some("md" | "markdown") => Format::Markdown,
            _ => Format::Plain,
        }
    }
}

/// Why an input was not checked.
pub fn check_bytes(bytes: &[u8]) -> std::result::Result<&str, String> {
    // Binary files: a NUL byte in the first 8 KiB, as git and ripgrep decide.
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("binary file (contains NUL bytes)".into());
    }
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 at byte {} (unspin reads UTF-8 text only)",
            e.valid_up_to()
        )
    })
}

/// Decode bytes read from `path` as UTF-8 text, with a clear error naming the input.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String> {
    check_bytes(bytes)
        .map(|s| s.strip_prefix('\u{feff}').unwrap_or(s).to_string())
        .map_err(|m| Error::parse(path, None, m))
}
