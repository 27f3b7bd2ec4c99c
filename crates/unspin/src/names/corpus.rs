//! Reading clean corpora for mining names and fitting the document score: JSONL with a `text`
//! field (one document a line) or plain text (one document a file), optionally `.gz` or `.zst`.
//!
//! As [`crate::lm::corpus`] (what `unspin model build` reads) does, a bad line does not stop the
//! reading: lines that are not UTF-8, carry binary data or are not JSONL records with a string
//! `text` are skipped, each counted with its reason and the first few kept as `path:line: reason`
//! examples. A file that is binary (a NUL byte in its first 8 KiB, as git and ripgrep decide) or
//! empty is an error: it holds no corpus.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};
pub use crate::lm::corpus::Skipped;

/// Bytes at the start of a file in which a NUL byte makes the file binary.
const BINARY_PROBE: u64 = 8192;

/// Open `path`, decompressing by extension.
pub fn open_reader(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let name = path.to_string_lossy();
    let inner: Box<dyn Read + Send> = if name.ends_with(".zst") {
        Box::new(zstd::Decoder::new(file).map_err(|e| Error::io(path, e))?)
    } else if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, inner)))
}

/// Whether a path names a JSONL file (ignoring a compression suffix).
pub fn is_jsonl(path: &Path) -> bool {
    let name = path.to_string_lossy();
    let base = name
        .trim_end_matches(".zst")
        .trim_end_matches(".gz")
        .to_ascii_lowercase();
    base.ends_with(".jsonl") || base.ends_with(".ndjson")
}

/// One document of a corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: String,
    pub text: String,
}

/// Call `f` on every document of `path`, stopping after `limit` JSONL documents when given, and
/// return the number of documents. A plain-text file is one document: its readable lines, as
/// written. Lines skipped are added to `skipped` with their reason. A binary or empty file is an
/// error, as is a read error (a truncated compressed file).
pub fn read_documents(
    path: &Path,
    limit: Option<usize>,
    skipped: &mut Skipped,
    mut f: impl FnMut(Document),
) -> Result<u64> {
    let mut reader = open_reader(path)?;
    let jsonl = is_jsonl(path);
    let mut line = Vec::new();
    let mut line_no = 0u64;
    // Bytes read before the current line.
    let mut offset = 0u64;
    let mut blank = true;
    let skipped_before = skipped.count;
    let mut plain = String::new();
    let mut documents = 0u64;
    loop {
        if jsonl && limit.is_some_and(|l| documents >= l as u64) {
            break;
        }
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| read_error(path, line_no + 1, e))?;
        if read == 0 {
            break;
        }
        line_no += 1;
        let start = offset;
        offset += read as u64;
        let mut body = &line[..];
        // A byte-order mark before the first line (editors on Windows write one).
        if line_no == 1 {
            body = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(body);
        }
        if let Some(at) = memchr::memchr(0, body) {
            if start + (at as u64) < BINARY_PROBE {
                return Err(Error::parse(
                    path,
                    None,
                    "binary file (contains NUL bytes), not a text corpus",
                ));
            }
            skipped.add(path, line_no, "binary data (NUL bytes), not text");
            continue;
        }
        let text = match std::str::from_utf8(body) {
            Ok(t) => t,
            Err(e) => {
                blank = false;
                skipped.add(path, line_no, format_args!("line is not UTF-8 ({e})"));
                continue;
            }
        };
        if text.trim().is_empty() {
            if !jsonl {
                plain.push_str(text);
            }
            continue;
        }
        blank = false;
        if !jsonl {
            plain.push_str(text);
            continue;
        }
        // The line end is not part of the record: a truncated record is then reported where it
        // ends, not at column 0 of the next line.
        let record = text.trim_end_matches(['\n', '\r']);
        let value: serde_json::Value = match serde_json::from_str(record) {
            Ok(v) => v,
            Err(e) => {
                skipped.add(path, line_no, format_args!("malformed JSON: {e}"));
                continue;
            }
        };
        let Some(text) = value.get("text").and_then(|t| t.as_str()) else {
            skipped.add(path, line_no, "record has no string field \"text\"");
            continue;
        };
        let id = match value.get("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => format!("{}:{line_no}", path.display()),
        };
        f(Document {
            id,
            text: text.to_string(),
        });
        documents += 1;
    }
    if blank && skipped.count == skipped_before {
        return Err(Error::parse(
            path,
            None,
            if offset == 0 {
                "empty file, no corpus to read"
            } else {
                "only blank lines, no corpus to read"
            },
        ));
    }
    if !jsonl && !plain.trim().is_empty() {
        f(Document {
            id: path.display().to_string(),
            text: plain,
        });
        documents += 1;
    }
    Ok(documents)
}

fn read_error(path: &Path, line: u64, e: std::io::Error) -> Error {
    Error::parse(
        path,
        Some(line as usize),
        format!("read error, the file may be truncated or corrupt: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_jsonl_and_plain_and_skips_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let jsonl = dir.join("c.jsonl");
        std::fs::write(
            &jsonl,
            "{\"id\":\"a\",\"text\":\"One.\"}\nnot json\n{\"id\":2,\"text\":\"Two.\"}\n{\"x\":1}\n",
        )
        .unwrap();
        let (n, docs, skipped) = read(&jsonl);
        assert_eq!(n.unwrap(), 2);
        assert_eq!(skipped.count, 2);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].id, "2");
        let mut first = Vec::new();
        read_documents(&jsonl, Some(1), &mut Skipped::default(), |d| first.push(d)).unwrap();
        assert_eq!(first.len(), 1);
        let plain = dir.join("p.txt");
        std::fs::write(&plain, "Plain text.").unwrap();
        let (_, docs, _) = read(&plain);
        assert_eq!(docs[0].text, "Plain text.");
        let (err, _, _) = read(&dir.join("missing.jsonl"));
        assert!(err.unwrap_err().to_string().contains("missing.jsonl"));
    }

    fn read(path: &Path) -> (Result<u64>, Vec<Document>, Skipped) {
        let mut docs = Vec::new();
        let mut skipped = Skipped::default();
        let n = read_documents(path, None, &mut skipped, |d| docs.push(d));
        (n, docs, skipped)
    }

    #[test]
    fn invalid_utf8_lines_are_skipped_with_their_line_not_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = dir.path().join("u.jsonl");
        std::fs::write(
            &jsonl,
            b"{\"text\":\"Good One.\"}\n{\"text\":\"bad \xff\"}\n{\"text\":\"Good Two.\"}\n",
        )
        .unwrap();
        let (n, docs, skipped) = read(&jsonl);
        assert_eq!(n.unwrap(), 2);
        assert_eq!(docs[1].text, "Good Two.");
        assert_eq!(skipped.count, 1);
        let example = &skipped.examples[0];
        assert!(
            example.ends_with(
                "u.jsonl:2: line is not UTF-8 (invalid utf-8 sequence of 1 bytes from index 13)"
            ),
            "{example}"
        );

        let plain = dir.path().join("u.txt");
        std::fs::write(&plain, b"First line.\nbad \xfe line\r\nLast line.\r\n").unwrap();
        let (n, docs, skipped) = read(&plain);
        assert_eq!(n.unwrap(), 1);
        assert_eq!(docs[0].text, "First line.\nLast line.\r\n");
        assert!(skipped.examples[0].contains("u.txt:2: line is not UTF-8"));
    }

    #[test]
    fn a_good_corpus_reads_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("p.txt");
        let text = "Line one.\r\n\n  Line three, then none\n\n";
        std::fs::write(&plain, text).unwrap();
        let (n, docs, skipped) = read(&plain);
        assert_eq!(n.unwrap(), 1);
        assert_eq!(docs[0].text, text);
        assert_eq!(docs[0].id, plain.display().to_string());
        assert_eq!(skipped.count, 0);
        // NUL bytes past the first 8 KiB: that line is binary data, the rest is text.
        let late = dir.path().join("late.txt");
        let mut bytes = "Some text.\n".repeat(1000).into_bytes();
        bytes.extend_from_slice(b"x\0y\nEnd.\n");
        std::fs::write(&late, &bytes).unwrap();
        let (_, docs, skipped) = read(&late);
        assert!(docs[0].text.ends_with("Some text.\nEnd.\n"));
        assert!(skipped.examples[0].ends_with("late.txt:1001: binary data (NUL bytes), not text"));
    }

    #[test]
    fn bom_and_truncated_records() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = dir.path().join("b.jsonl");
        std::fs::write(
            &jsonl,
            b"\xef\xbb\xbf{\"id\":\"a\",\"text\":\"hello world\"}\r\n{\"id\":\"b\",\"text\":\"hel\n",
        )
        .unwrap();
        let (n, docs, skipped) = read(&jsonl);
        assert_eq!(n.unwrap(), 1);
        assert_eq!(docs[0].id, "a");
        assert_eq!(skipped.count, 1);
        let example = &skipped.examples[0];
        assert!(
            example.ends_with(
                "b.jsonl:2: malformed JSON: EOF while parsing a string at line 1 column 21"
            ),
            "{example}"
        );
    }

    #[test]
    fn binary_and_empty_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes, message) in [
            (
                "a.out",
                &b"\x7fELF\x02\x01\x00\x00garbage\n"[..],
                "binary file",
            ),
            ("nul.jsonl", b"{\"text\":\"a\0b\"}\n", "binary file"),
            ("empty.jsonl", b"", "empty file"),
            ("empty.txt", b"", "empty file"),
            ("blank.txt", b" \n\n\t\n", "only blank lines"),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let err = read(&path).0.unwrap_err().to_string();
            assert!(err.contains(name) && err.contains(message), "{err}");
        }
        let gz = dir.path().join("t.jsonl.gz");
        std::fs::write(&gz, b"\x1f\x8b\x08\x00\x00\x00\x00\x00").unwrap();
        let err = read(&gz).0.unwrap_err().to_string();
        assert!(err.contains("t.jsonl.gz:1: read error"), "{err}");
    }
}
