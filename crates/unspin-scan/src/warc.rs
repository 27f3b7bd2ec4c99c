//! WARC shards (ISO 28500; `.warc` or `.warc.gz` with one gzip member per record): the HTML
//! payloads of `response` records, converted to plain text.
//!
//! The record framing is read here rather than with a WARC crate because the reader must say, for
//! every record it cannot use, where it was and why, and must resynchronise on the next record
//! header after a damaged one; the framing itself is a few header lines and a Content-Length.

use std::io::{BufRead, Read};

use crate::record::{Doc, Item, RecordError};

/// Largest record payload accepted (a bigger Content-Length is taken as corruption).
const MAX_RECORD_BYTES: u64 = 256 << 20;

pub struct WarcReader {
    input: Box<dyn BufRead + Send>,
    shard: String,
    index: u64,
    offset: u64,
    /// Records that are not documents (warcinfo, request, metadata, non-HTML responses).
    pub skipped: u64,
    done: bool,
    line: Vec<u8>,
}

impl WarcReader {
    pub fn new(input: Box<dyn BufRead + Send>, shard: String) -> Self {
        WarcReader {
            input,
            shard,
            index: 0,
            offset: 0,
            skipped: 0,
            done: false,
            line: Vec::new(),
        }
    }

    fn read_line(&mut self) -> std::io::Result<usize> {
        self.line.clear();
        let n = self.input.read_until(b'\n', &mut self.line)?;
        self.offset += n as u64;
        Ok(n)
    }

    fn error(&mut self, offset: u64, id: Option<String>, reason: String) -> Item {
        let index = self.index;
        self.index += 1;
        Item::Error(RecordError {
            shard: self.shard.clone(),
            record: index,
            offset: Some(offset),
            line: None,
            count: 1,
            id,
            reason,
        })
    }

    fn truncated(&mut self, offset: u64, e: std::io::Error) -> Item {
        self.done = true;
        let at = self.offset;
        self.error(
            offset,
            None,
            format!(
                "archive truncated or corrupt after {at} decompressed bytes: {e}; \
                 the rest of the shard cannot be read"
            ),
        )
    }

    /// Read one record; `None` at the end, `Some(None)` for a record that is not a document.
    fn record(&mut self) -> Option<Option<Item>> {
        // Skip the blank lines between records; find the version line.
        let start = loop {
            let start = self.offset;
            match self.read_line() {
                Ok(0) => return None,
                Ok(_) if self.line.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(_) => break start,
                Err(e) => return Some(Some(self.truncated(start, e))),
            }
        };
        if !self.line.starts_with(b"WARC/") {
            // Damaged framing: report it once, then skip to the next record header.
            let item = self.error(start, None, "not a WARC record header".into());
            loop {
                let buf = match self.input.fill_buf() {
                    Ok(b) => b,
                    Err(e) => return Some(Some(self.truncated(self.offset, e))),
                };
                if buf.is_empty() || buf.starts_with(b"WARC/") {
                    break;
                }
                if let Err(e) = self.read_line() {
                    return Some(Some(self.truncated(self.offset, e)));
                }
            }
            return Some(Some(item));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            match self.read_line() {
                Ok(0) => {
                    let e = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
                    return Some(Some(self.truncated(start, e)));
                }
                Ok(_) => {}
                Err(e) => return Some(Some(self.truncated(start, e))),
            }
            let line = String::from_utf8_lossy(&self.line);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let id = header("warc-record-id")
            .map(|v| v.trim_matches(['<', '>']).to_string())
            .or_else(|| header("warc-target-uri").map(str::to_string));
        let Some(length) = header("content-length").and_then(|v| v.parse::<u64>().ok()) else {
            self.done = true;
            return Some(Some(
                self.error(
                    start,
                    id,
                    "record without a valid Content-Length; the rest of the shard cannot be framed"
                        .into(),
                ),
            ));
        };
        if length > MAX_RECORD_BYTES {
            self.done = true;
            return Some(Some(self.error(
                start,
                id,
                format!("Content-Length {length} is implausible; the rest of the shard cannot be framed"),
            )));
        }
        let mut payload = Vec::with_capacity(length as usize);
        match (&mut self.input).take(length).read_to_end(&mut payload) {
            Ok(n) => {
                self.offset += n as u64;
                if (n as u64) < length {
                    let e = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
                    return Some(Some(self.truncated(start, e)));
                }
            }
            Err(e) => return Some(Some(self.truncated(start, e))),
        }
        let is_response = header("warc-type").is_some_and(|t| t.eq_ignore_ascii_case("response"));
        let is_http = header("content-type")
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/http"));
        if !is_response || !is_http {
            self.skipped += 1;
            return Some(None);
        }
        let url = header("warc-target-uri").map(str::to_string);
        let id = id.unwrap_or_else(|| format!("{}:{start}", self.shard));
        match http_html_text(&payload) {
            Ok(Some(text)) => {
                let index = self.index;
                self.index += 1;
                Some(Some(Item::Doc(Doc {
                    line: None,
                    index,
                    offset: start,
                    id,
                    text,
                    record: None,
                    url,
                })))
            }
            Ok(None) => {
                self.skipped += 1;
                Some(None)
            }
            Err(reason) => Some(Some(self.error(start, Some(id), reason))),
        }
    }
}

impl Iterator for WarcReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while !self.done {
            match self.record() {
                None => self.done = true,
                Some(Some(item)) => return Some(item),
                Some(None) => {}
            }
        }
        None
    }
}

/// The text of an HTTP response whose body is HTML; `Ok(None)` when it is not HTML.
fn http_html_text(payload: &[u8]) -> Result<Option<String>, String> {
    let split = find(payload, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(payload, b"\n\n").map(|i| (i, i + 2)));
    let Some((head_end, body_start)) = split else {
        return Err("HTTP response without a header/body separator".into());
    };
    let head = String::from_utf8_lossy(&payload[..head_end]);
    let mut content_type = String::new();
    let mut chunked = false;
    let mut encoding = String::new();
    for line in head.lines().skip(1) {
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim().to_ascii_lowercase();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-type" => content_type = value,
                "transfer-encoding" => chunked = value.contains("chunked"),
                "content-encoding" => encoding = value,
                _ => {}
            }
        }
    }
    if !(content_type.starts_with("text/html") || content_type.starts_with("application/xhtml")) {
        return Ok(None);
    }
    let mut body = payload[body_start..].to_vec();
    if chunked {
        body = dechunk(&body).ok_or("malformed chunked transfer encoding")?;
    }
    match encoding.as_str() {
        "" | "identity" => {}
        "gzip" | "x-gzip" => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|e| format!("gzip content encoding cannot be decoded: {e}"))?;
            body = out;
        }
        "deflate" => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|e| format!("deflate content encoding cannot be decoded: {e}"))?;
            body = out;
        }
        other => return Err(format!("unsupported content encoding `{other}`")),
    }
    let charset = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches('"'))
        .next();
    let html = match charset.and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes())) {
        // A declared non-UTF-8 charset is decoded as declared.
        Some(enc) if enc != encoding_rs::UTF_8 => enc.decode(&body).0.into_owned(),
        _ => String::from_utf8(body).map_err(|e| {
            format!(
                "HTML is not valid UTF-8 (byte {}) and declares no other charset",
                e.utf8_error().valid_up_to()
            )
        })?,
    };
    crate::html::to_text(&html).map(Some)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Undo HTTP/1.1 chunked transfer encoding.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let line_end = find(body, b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size..)?;
        body = body.strip_prefix(b"\r\n").unwrap_or(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn record(kind: &str, id: &str, http: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
             WARC-Target-URI: http://example.com/{id}\r\n\
             Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        out.extend_from_slice(http);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    #[test]
    fn reads_html_responses_and_skips_the_rest() {
        let mut warc =
            b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n".to_vec();
        warc.extend(record(
            "response",
            "1",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>T</title><script>var x=1;</script></head><body><p>Hello <b>world</b>.</p></body></html>",
        ));
        warc.extend(record(
            "response",
            "2",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ));
        warc.extend(record(
            "response",
            "3",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>ab\r\n6\r\n\xffc</p>\r\n0\r\n\r\n",
        ));
        let mut reader = WarcReader::new(Box::new(std::io::Cursor::new(warc)), "w".into());
        let items: Vec<Item> = reader.by_ref().collect();
        assert_eq!(items.len(), 2);
        match &items[0] {
            Item::Doc(d) => {
                assert_eq!(d.id, "urn:uuid:1");
                assert_eq!(d.url.as_deref(), Some("http://example.com/1"));
                assert!(d.text.contains("Hello world."), "{:?}", d.text);
                assert!(!d.text.contains("var x"), "{:?}", d.text);
            }
            other => panic!("{other:?}"),
        }
        match &items[1] {
            Item::Error(e) => assert!(e.reason.contains("not valid UTF-8"), "{}", e.reason),
            other => panic!("{other:?}"),
        }
        assert_eq!(reader.skipped, 2);
    }

    #[test]
    fn truncated_record_is_one_error() {
        let mut warc = record(
            "response",
            "1",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>complete</p>",
        );
        let second = record(
            "response",
            "2",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>cut short here</p>",
        );
        warc.extend_from_slice(&second[..second.len() - 20]);
        let items: Vec<Item> =
            WarcReader::new(Box::new(std::io::Cursor::new(warc)), "w".into()).collect();
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[0], Item::Doc(d) if d.text.trim() == "complete"));
        assert!(matches!(&items[1], Item::Error(e) if e.reason.contains("truncated")));
    }
}
