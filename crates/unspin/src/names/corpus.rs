//! Reading clean corpora for mining names and fitting the document score: JSONL with a `text`
//! field (one document a line) or plain text (one document a file), optionally `.gz` or `.zst`.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};

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

/// Call `f` on every document of `path`, stopping after `limit` documents when given.
/// JSONL lines that are not objects with a string `text` are skipped and counted; the count is
/// returned so callers can report it.
pub fn for_each_document(
    path: &Path,
    limit: Option<usize>,
    mut f: impl FnMut(Document),
) -> Result<usize> {
    let mut reader = open_reader(path)?;
    if !is_jsonl(path) {
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|e| Error::io(path, e))?;
        f(Document {
            id: path.display().to_string(),
            text,
        });
        return Ok(0);
    }
    let mut skipped = 0;
    let mut line = String::new();
    let mut n = 0usize;
    let mut line_no = 0usize;
    loop {
        if limit.is_some_and(|l| n >= l) {
            break;
        }
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| Error::io(path, e))?;
        if read == 0 {
            break;
        }
        line_no += 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(_) => {
                skipped += 1;
                continue;
            }
        };
        let Some(text) = value.get("text").and_then(|t| t.as_str()) else {
            skipped += 1;
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
        n += 1;
    }
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_jsonl_and_plain_and_skips_bad_lines() {
        let dir = std::env::temp_dir().join(format!("unspin-corpus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let jsonl = dir.join("c.jsonl");
        std::fs::write(
            &jsonl,
            "{\"id\":\"a\",\"text\":\"One.\"}\nnot json\n{\"id\":2,\"text\":\"Two.\"}\n{\"x\":1}\n",
        )
        .unwrap();
        let mut docs = Vec::new();
        let skipped = for_each_document(&jsonl, None, |d| docs.push(d)).unwrap();
        assert_eq!(skipped, 2);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].id, "2");
        let mut first = Vec::new();
        for_each_document(&jsonl, Some(1), |d| first.push(d)).unwrap();
        assert_eq!(first.len(), 1);
        let plain = dir.join("p.txt");
        std::fs::write(&plain, "Plain text.").unwrap();
        let mut docs = Vec::new();
        for_each_document(&plain, None, |d| docs.push(d)).unwrap();
        assert_eq!(docs[0].text, "Plain text.");
        let err = for_each_document(&dir.join("missing.jsonl"), None, |_| {}).unwrap_err();
        assert!(err.to_string().contains("missing.jsonl"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
