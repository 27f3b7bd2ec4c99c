//! `--format json` (one array) and `--format jsonl` (one object per document per line).
//!
//! Each document: `{"path", "id"?, "score", "verdict", "words", "language"?, "findings": [{"start", "end",
//! "text", "suggestion", "alternatives", "confidence", "rule", "message", "line", "column",
//! "end_line", "end_column"}]}`. Offsets are UTF-8 byte offsets, half-open, into the input as
//! given (for a JSONL record: into its text field); lines and columns are 1-based, columns in
//! Unicode scalar values, the end exclusive. An input that has no document (it could not be
//! checked, or was passed over) has its entry in its place, `{"path", "error"}` or `{"path",
//! "skipped"}`, as in `unspin trace`.

use std::io::Write;

use serde::Serialize;

use super::{shown_score, unchecked_entry, DocResult, FindingOut, Summary, Unchecked, Writer};

#[derive(Serialize)]
struct DocOut<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    score: f64,
    verdict: &'static str,
    words: usize,
    /// Only for a document not written in English: its language's ISO 639-3 code.
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    /// Only for an HTML page that was not UTF-8: the encoding it was decoded from (offsets are
    /// into the decoded text as UTF-8).
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
    findings: Vec<FindingOut<'a>>,
}

impl<'a> From<&'a DocResult> for DocOut<'a> {
    fn from(d: &'a DocResult) -> Self {
        DocOut {
            path: &d.name,
            id: d.id.as_ref(),
            score: shown_score(d.score, 3),
            verdict: d.verdict.as_str(),
            words: d.words,
            language: d.language.as_deref(),
            encoding: d.encoding,
            findings: d.findings.iter().map(FindingOut::from).collect(),
        }
    }
}

#[derive(Default)]
pub struct Json {
    docs: Vec<serde_json::Value>,
}

impl Writer for Json {
    fn doc(&mut self, _out: &mut dyn Write, doc: &DocResult) -> std::io::Result<()> {
        self.docs.push(serde_json::to_value(DocOut::from(doc))?);
        Ok(())
    }

    fn unchecked(
        &mut self,
        _out: &mut dyn Write,
        name: &str,
        id: Option<&serde_json::Value>,
        message: &str,
        why: Unchecked,
    ) -> std::io::Result<()> {
        self.docs.push(unchecked_entry(name, id, message, why));
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.docs)?;
        out.write_all(b"\n")
    }
}

pub struct Jsonl;

impl Writer for Jsonl {
    fn doc(&mut self, out: &mut dyn Write, doc: &DocResult) -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, &DocOut::from(doc))?;
        out.write_all(b"\n")
    }

    fn unchecked(
        &mut self,
        out: &mut dyn Write,
        name: &str,
        id: Option<&serde_json::Value>,
        message: &str,
        why: Unchecked,
    ) -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, &unchecked_entry(name, id, message, why))?;
        out.write_all(b"\n")
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}
