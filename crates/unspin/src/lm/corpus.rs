//! Streaming corpus readers for model building: plain text or JSONL (`text` field), optionally
//! gzip- or zstd-compressed, chosen by file name (`.gz`, `.zst`/`.zstd`; `.jsonl`, `.ndjson`,
//! `.json` inside). Nothing is read whole: text is handed on in batches of about `batch_bytes`.
//!
//! Bad records do not stop a build: each is counted with its reason and the first few are kept
//! as examples, so the caller can report what was skipped.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// How a corpus file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorpusFormat {
    Plain,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

fn detect(path: &Path) -> (Compression, CorpusFormat) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (compression, inner) = if let Some(s) = name.strip_suffix(".gz") {
        (Compression::Gzip, s)
    } else if let Some(s) = name
        .strip_suffix(".zst")
        .or_else(|| name.strip_suffix(".zstd"))
    {
        (Compression::Zstd, s)
    } else {
        (Compression::None, name.as_str())
    };
    let format = if [".jsonl", ".ndjson", ".json"]
        .iter()
        .any(|e| inner.ends_with(e))
    {
        CorpusFormat::Jsonl
    } else {
        CorpusFormat::Plain
    };
    (compression, format)
}

/// Open a file for reading, decompressing `.gz` and `.zst` by name.
pub fn open_decompressed(path: &Path) -> Result<Box<dyn BufRead>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(match detect(path).0 {
        Compression::None => Box::new(BufReader::with_capacity(1 << 20, file)),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::read::MultiGzDecoder::new(BufReader::new(file)),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            1 << 20,
            zstd::Decoder::new(file).map_err(|e| Error::io(path, e))?,
        )),
    })
}

/// Records that were skipped while reading, with the reason.
#[derive(Debug, Default, Clone)]
pub struct Skipped {
    pub count: u64,
    /// Up to [`MAX_EXAMPLES`] examples: `path:line: reason`.
    pub examples: Vec<String>,
}

pub const MAX_EXAMPLES: usize = 5;

impl Skipped {
    /// Count a skipped line, keeping it as an example while there is room.
    pub(crate) fn add(&mut self, path: &Path, line: u64, reason: impl std::fmt::Display) {
        self.count += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples
                .push(format!("{}:{line}: {reason}", path.display()));
        }
    }
}

/// What reading one or more corpus files produced.
#[derive(Debug, Default, Clone)]
pub struct CorpusStats {
    /// Compressed bytes read from disk.
    pub bytes_read: u64,
    /// Text bytes handed on.
    pub text_bytes: u64,
    /// JSONL records or plain-text lines handed on.
    pub records: u64,
    pub skipped: Skipped,
}

/// Counts the bytes read through it, for progress.
struct Counting<'a, R> {
    inner: R,
    on_read: &'a dyn Fn(u64),
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.on_read)(n as u64);
        Ok(n)
    }
}

#[derive(Deserialize)]
struct Record {
    text: Option<serde_json::Value>,
}

/// Read one corpus file, handing on batches of text of about `batch_bytes`. `on_read` gets the
/// number of (compressed) bytes read from disk as reading goes. Sentence boundaries never
/// cross batch boundaries: a JSONL record or a line of plain text is never split.
pub fn read_corpus(
    path: &Path,
    batch_bytes: usize,
    stats: &mut CorpusStats,
    on_read: &dyn Fn(u64),
    mut emit: impl FnMut(String) -> Result<()>,
) -> Result<()> {
    let (compression, format) = detect(path);
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let counted = Counting {
        inner: file,
        on_read,
    };
    let reader: Box<dyn Read + '_> = match compression {
        Compression::None => Box::new(counted),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(counted))),
        Compression::Zstd => Box::new(zstd::Decoder::new(counted).map_err(|e| Error::io(path, e))?),
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut line = Vec::new();
    let mut batch = String::with_capacity(batch_bytes + (1 << 16));
    let mut line_no = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let body = line.strip_suffix(b"\n").unwrap_or(&line);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        // A byte-order mark before the first line (editors on Windows write one).
        let body = match line_no {
            1 => body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(body),
            _ => body,
        };
        if memchr::memchr(0, body).is_some() {
            // NUL bytes are binary data (an executable, an image), not text to count.
            stats
                .skipped
                .add(path, line_no, "binary data (NUL bytes), not text");
            continue;
        }
        match format {
            CorpusFormat::Plain => match std::str::from_utf8(body) {
                Ok(s) => {
                    batch.push_str(s);
                    batch.push('\n');
                    stats.records += 1;
                }
                Err(e) => stats
                    .skipped
                    .add(path, line_no, format_args!("line is not UTF-8 ({e})")),
            },
            CorpusFormat::Jsonl => {
                if body.iter().all(|b| b.is_ascii_whitespace()) {
                    continue;
                }
                // serde reads a struct from an array too (`["text"]` would pass as a record):
                // a record is an object.
                if body.trim_ascii_start().first() == Some(&b'[') {
                    stats.skipped.add(
                        path,
                        line_no,
                        "a JSON array, not a record (one object a line)",
                    );
                    continue;
                }
                match serde_json::from_slice::<Record>(body) {
                    Ok(Record {
                        text: Some(serde_json::Value::String(t)),
                    }) => {
                        batch.push_str(&t);
                        // A record is a document: never let its last sentence run into the next.
                        batch.push('\n');
                        stats.records += 1;
                    }
                    Ok(_) => {
                        stats
                            .skipped
                            .add(path, line_no, "record has no string field \"text\"")
                    }
                    Err(e) => stats
                        .skipped
                        .add(path, line_no, format_args!("malformed JSON: {e}")),
                }
            }
        }
        if batch.len() >= batch_bytes {
            stats.text_bytes += batch.len() as u64;
            emit(std::mem::replace(
                &mut batch,
                String::with_capacity(batch_bytes + (1 << 16)),
            ))?;
        }
    }
    if !batch.is_empty() {
        stats.text_bytes += batch.len() as u64;
        emit(batch)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(path: &Path) -> (String, CorpusStats) {
        let mut stats = CorpusStats::default();
        let mut out = String::new();
        read_corpus(path, 8, &mut stats, &|_| {}, |b| {
            out.push_str(&b);
            Ok(())
        })
        .unwrap();
        (out, stats)
    }

    #[test]
    fn reads_jsonl_zst_and_gz_and_reports_bad_records() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = "{\"id\":1,\"text\":\"One two.\"}\nnot json\n{\"id\":2}\n\n{\"text\":\"Three.\"}\n[1,2]\n[\"One string.\"]\n";
        let zst = dir.path().join("c.jsonl.zst");
        std::fs::write(&zst, zstd::encode_all(jsonl.as_bytes(), 1).unwrap()).unwrap();
        let (text, stats) = collect(&zst);
        assert_eq!(text, "One two.\nThree.\n");
        assert_eq!(stats.records, 2);
        assert_eq!(stats.skipped.count, 4);
        assert!(stats.skipped.examples[0].contains("c.jsonl.zst:2: malformed JSON"));
        assert!(stats.skipped.examples[2].contains("c.jsonl.zst:6: a JSON array, not a record"));
        assert!(stats.skipped.examples[3].contains("c.jsonl.zst:7: a JSON array"));

        let gz = dir.path().join("c.txt.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"plain line\r\nbad \xff\nlast").unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        let (text, stats) = collect(&gz);
        assert_eq!(text, "plain line\nlast\n");
        assert_eq!(stats.skipped.count, 1);
    }
}
