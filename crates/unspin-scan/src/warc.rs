//! WARC shards (ISO 28500; `.warc` or `.warc.gz` with one gzip member per record): the HTML
//! payloads of `response` records, converted to plain text; the text of `conversion` records
//! (Common Crawl's WET files, `.warc.wet.gz`); and `resource` records that hold an HTML page or
//! plain text (wget's `--warc-file`, browsertrix).
//!
//! The record framing is read here rather than with a WARC crate because the reader must say, for
//! every record it cannot use, where it was and why, and must resynchronise on the next record
//! header after a damaged one; the framing itself is a few header lines and a Content-Length.

use std::io::{BufRead, Read};

use crate::format::read_line_limited;
use crate::record::{corrupt_member, Doc, Item, RecordError};

/// Largest record payload accepted (a bigger Content-Length is taken as corruption), and largest
/// HTTP body once its gzip or deflate content encoding is undone.
const MAX_RECORD_BYTES: u64 = 256 << 20;
/// Longest header line kept; the rest of a longer one is dropped unread into memory.
const MAX_LINE_BYTES: usize = 1 << 20;

pub struct WarcReader {
    input: Rewind,
    shard: String,
    index: u64,
    offset: u64,
    /// Records that are not documents (warcinfo, request, metadata, non-HTML responses).
    pub skipped: u64,
    done: bool,
    line: Vec<u8>,
    /// The lines read after a record's block up to the first that is not blank (see
    /// [`WarcReader::record_end`]).
    tail: Vec<u8>,
    /// The stream failed right after a record that was read whole: its error, reported next.
    failed_after: Option<(u64, std::io::Error)>,
    /// Set when skipping damaged bytes stopped at the next record's version line, which is then
    /// in `line`: the offset where that line starts.
    version_line_at: Option<u64>,
    /// An item to hand out before reading on: the stream failed while damaged bytes were
    /// skipped, and the damaged record's own error went out first.
    pending: Option<Item>,
}

impl WarcReader {
    pub fn new(input: Box<dyn BufRead + Send>, shard: String) -> Self {
        WarcReader {
            input: Rewind {
                back: Vec::new(),
                pos: 0,
                inner: input,
            },
            shard,
            index: 0,
            offset: 0,
            skipped: 0,
            done: false,
            line: Vec::new(),
            tail: Vec::new(),
            failed_after: None,
            version_line_at: None,
            pending: None,
        }
    }

    fn read_line(&mut self) -> std::io::Result<u64> {
        self.line.clear();
        let (n, _) = read_line_limited(&mut self.input, &mut self.line, MAX_LINE_BYTES)?;
        self.offset += n;
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

    /// The record at `offset` lost to a stream error: a corrupt gzip member that others follow
    /// is that record's error, and reading goes on at the next record header; any other error
    /// ends the shard.
    fn lost(&mut self, offset: u64, id: Option<String>, e: std::io::Error) -> Item {
        let Some(member) = corrupt_member(&e) else {
            return self.truncated(offset, e);
        };
        let reason = format!(
            "{member}; {} compressed bytes skipped to the next gzip member, read on from the \
             next record header",
            member.skipped
        );
        let item = self.error(offset, id, reason);
        self.skip_to_header();
        item
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

    /// Skip whole lines up to the next record's version line, left in `line` (lines, not the
    /// input buffer: a buffer may end inside `WARC/`).
    fn skip_to_header(&mut self) {
        loop {
            let at = self.offset;
            match self.read_line() {
                Ok(0) => break,
                Ok(_) if self.line.starts_with(b"WARC/") => {
                    self.version_line_at = Some(at);
                    break;
                }
                Ok(_) => {}
                // Part of the damage being skipped.
                Err(e) if corrupt_member(&e).is_some() => {}
                Err(e) => {
                    self.pending = Some(self.truncated(at, e));
                    break;
                }
            }
        }
    }

    /// After a record's block: skip the blank lines that end it. `Ok(true)` at the next record's
    /// version line (left in `line`) or the end of the input, `Ok(false)` at anything else, the
    /// lines read then kept in `tail`; the error of a stream that fails, with where.
    fn record_end(&mut self) -> Result<bool, (u64, std::io::Error)> {
        self.tail.clear();
        loop {
            let at = self.offset;
            match self.read_line() {
                Ok(0) => return Ok(true),
                Ok(_) if self.line.starts_with(b"WARC/") => {
                    self.version_line_at = Some(at);
                    return Ok(true);
                }
                Ok(_) => {
                    self.tail.extend_from_slice(&self.line);
                    if !self.line.iter().all(u8::is_ascii_whitespace) {
                        return Ok(false);
                    }
                }
                Err(e) => return Err((at, e)),
            }
        }
    }

    /// Read one record; `None` at the end, `Some(None)` for a record that is not a document.
    fn record(&mut self) -> Option<Option<Item>> {
        // Skip the blank lines between records; find the version line (unless skipping damage
        // already read it).
        let start = match self.version_line_at.take() {
            Some(start) => start,
            None => loop {
                let start = self.offset;
                match self.read_line() {
                    Ok(0) => return None,
                    Ok(_) if self.line.iter().all(u8::is_ascii_whitespace) => continue,
                    Ok(_) => break start,
                    Err(e) => return Some(Some(self.lost(start, None, e))),
                }
            },
        };
        if !self.line.starts_with(b"WARC/") {
            // Damaged framing: report it once, then skip to the next record's version line.
            let item = self.error(start, None, "not a WARC record header".into());
            self.skip_to_header();
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
                Err(e) => return Some(Some(self.lost(start, None, e))),
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
        // Not the target URI: one URI can be fetched many times in a crawl, and an id must name
        // one record (the URI is kept as the document's `url`). Without WARC-Record-ID a record
        // is named by its place, `SHARD:OFFSET`.
        let id = header("warc-record-id").map(|v| v.trim_matches(['<', '>']).to_string());
        let length = header("content-length").and_then(|v| v.parse::<u64>().ok());
        let Some(length) = length.filter(|&l| l <= MAX_RECORD_BYTES) else {
            let reason = match header("content-length") {
                Some(v) if length.is_some() => format!(
                    "Content-Length {v} is implausible (over {MAX_RECORD_BYTES} bytes); skipped to \
                     the next record header"
                ),
                _ => "record without a valid Content-Length; skipped to the next record header"
                    .to_string(),
            };
            let item = self.error(start, id, reason);
            self.skip_to_header();
            return Some(Some(item));
        };
        let mut payload = Vec::with_capacity(length as usize);
        let read = (&mut self.input).take(length).read_to_end(&mut payload);
        self.offset += payload.len() as u64;
        if let Err(e) = read {
            return Some(Some(self.lost(start, id, e)));
        }
        // The record must end where its Content-Length says: blank lines, then the next record's
        // version line or the end of the input. If not, the length is wrong (or the bytes
        // damaged) and the record cannot be trusted: it is one error, and reading goes on at the
        // next version line, found in its payload (a length too large) or after it (too small).
        let short = (payload.len() as u64) < length;
        let damaged = match (!short).then(|| self.record_end()) {
            Some(Ok(clean)) => !clean,
            // The gzip member that holds the record is corrupt (its checksum is read at its end).
            Some(Err((_, e))) if corrupt_member(&e).is_some() => {
                return Some(Some(self.lost(start, id, e)));
            }
            Some(Err(failed)) => {
                // The record is whole; the stream's error is reported after it.
                self.failed_after = Some(failed);
                false
            }
            None => false,
        };
        if short || damaged {
            let next = find_header(&payload);
            if short && next.is_none() {
                let e = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
                return Some(Some(self.truncated(start, e)));
            }
            let reason = if short {
                format!(
                    "Content-Length {length} runs past the end of the shard, over the next record \
                     header; read on from that header"
                )
            } else {
                let what = String::from_utf8_lossy(&self.line[..self.line.len().min(40)])
                    .trim_end()
                    .to_string();
                format!(
                    "record framing is broken: the {length} bytes of its Content-Length are \
                     followed by {what:?}, not by a blank line and the next record header; \
                     read on from the next record header"
                )
            };
            let item = self.error(start, id, reason);
            match next {
                Some(at) => {
                    // Read the bytes again from the header found in the payload.
                    let mut back = payload.split_off(at);
                    back.append(&mut self.tail);
                    self.offset -= back.len() as u64;
                    self.input.push_back(back);
                }
                None => self.skip_to_header(),
            }
            return Some(Some(item));
        }
        let warc_type = header("warc-type").unwrap_or_default().to_ascii_lowercase();
        let content_type = header("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let text = match warc_type.as_str() {
            "response" if content_type.starts_with("application/http") => {
                http_html_text(&payload, MAX_RECORD_BYTES)
            }
            // A WET file's extracted text, or a stored file (wget's and browsertrix's pages).
            "conversion" | "resource" => block_text(&payload, &content_type),
            _ => Ok(None),
        };
        let url = header("warc-target-uri").map(str::to_string);
        let id = id.unwrap_or_else(|| format!("{}:{start}", self.shard));
        match text {
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
        while !self.done || self.pending.is_some() || self.failed_after.is_some() {
            if let Some(item) = self.pending.take() {
                return Some(item);
            }
            // Also after a record that is not a document: the error must not be lost.
            if let Some((at, e)) = self.failed_after.take() {
                return Some(self.truncated(at, e));
            }
            match self.record() {
                None => self.done = true,
                Some(Some(item)) => return Some(item),
                Some(None) => {}
            }
        }
        None
    }
}

/// The text of a record whose block is the document itself, typed by the record's Content-Type:
/// HTML (converted to text) or plain text (Common Crawl's WET `conversion` records). Both are
/// decoded as a browser would ([`crate::html::decode`]: a charset parameter, else UTF-8 when
/// valid, else windows-1252). `Ok(None)` for other types.
fn block_text(block: &[u8], content_type: &str) -> Result<Option<String>, String> {
    let html =
        content_type.starts_with("text/html") || content_type.starts_with("application/xhtml");
    if !html && !content_type.starts_with("text/plain") {
        return Ok(None);
    }
    let text = crate::html::decode(block, charset_of(content_type))?;
    if html {
        crate::html::to_text(&text).map(Some)
    } else {
        Ok(Some(text))
    }
}

/// `text/html; charset="UTF-8"`: the parameter's value without quotes (the type lowercased).
fn charset_of(content_type: &str) -> Option<&str> {
    content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(name, _)| name.trim() == "charset")
        .map(|(_, value)| value.trim().trim_matches(['"', '\'']))
}

/// The text of an HTTP response whose body is HTML; `Ok(None)` when it is not HTML. A body whose
/// content encoding decodes to more than `max_body` bytes is an error.
fn http_html_text(payload: &[u8], max_body: u64) -> Result<Option<String>, String> {
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
            body = decode(
                flate2::read::MultiGzDecoder::new(&body[..]),
                "gzip",
                max_body,
            )?;
        }
        "deflate" => {
            body = decode(
                flate2::read::ZlibDecoder::new(&body[..]),
                "deflate",
                max_body,
            )?;
        }
        other => return Err(format!("unsupported content encoding `{other}`")),
    }
    let html = crate::html::decode(&body, charset_of(&content_type))?;
    crate::html::to_text(&html).map(Some)
}

/// Undo a content encoding, stopping past `max` bytes: a few kilobytes of deflate can stand for
/// gigabytes.
fn decode(decoder: impl Read, name: &str, max: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    decoder
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("{name} content encoding cannot be decoded: {e}"))?;
    if out.len() as u64 > max {
        return Err(format!(
            "{name} content encoding decodes to more than {max} bytes"
        ));
    }
    Ok(out)
}

/// Where a record's version line (`WARC/1.`) starts a line of `payload`, after its first byte.
fn find_header(payload: &[u8]) -> Option<usize> {
    find(payload, b"\nWARC/1.").map(|i| i + 1)
}

/// The reader's input, with bytes that can be put back to be read again (after a record whose
/// Content-Length was too large, from the next record header found in its payload).
struct Rewind {
    back: Vec<u8>,
    pos: usize,
    inner: Box<dyn BufRead + Send>,
}

impl Rewind {
    fn push_back(&mut self, mut bytes: Vec<u8>) {
        bytes.extend_from_slice(&self.back[self.pos..]);
        self.back = bytes;
        self.pos = 0;
    }
}

impl Read for Rewind {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos < self.back.len() {
            let n = (&self.back[self.pos..]).read(buf)?;
            self.consume(n);
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

impl BufRead for Rewind {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos < self.back.len() {
            return Ok(&self.back[self.pos..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if self.pos < self.back.len() {
            self.pos += amt;
            if self.pos >= self.back.len() {
                self.back = Vec::new();
                self.pos = 0;
            }
        } else {
            self.inner.consume(amt);
        }
    }
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
        // No charset declared and not UTF-8: windows-1252, as browsers read it.
        match &items[1] {
            Item::Doc(d) => assert_eq!(d.text.trim(), "ab\u{ff}c"),
            other => panic!("{other:?}"),
        }
        assert_eq!(reader.skipped, 2);
    }

    /// A record whose block is the document: `kind` with its own Content-Type.
    fn block_record(kind: &str, id: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
             WARC-Target-URI: http://example.com/{id}\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    /// Common Crawl's WET files hold the extracted text in `conversion` records; wget and
    /// browsertrix store pages as `resource` records, typed by the WARC Content-Type.
    #[test]
    fn reads_wet_conversions_and_html_or_text_resources() {
        let mut warc = block_record(
            "conversion",
            "1",
            "text/plain",
            "Plain text of a page, caf\u{e9}.\nSecond line.".as_bytes(),
        );
        warc.extend(block_record(
            "resource",
            "2",
            "text/html",
            b"<html><body><p>Stored <i>page</i>.</p></body></html>",
        ));
        warc.extend(block_record("resource", "3", "image/png", b"\x89PNG"));
        warc.extend(block_record(
            "resource",
            "4",
            "text/plain; charset=iso-8859-1",
            b"na\xefve",
        ));
        warc.extend(block_record(
            "metadata",
            "5",
            "application/warc-fields",
            b"fetchTimeMs: 12\r\n",
        ));
        let mut reader = WarcReader::new(Box::new(std::io::Cursor::new(warc)), "w".into());
        let texts: Vec<(String, String)> = reader
            .by_ref()
            .map(|item| match item {
                Item::Doc(d) => (d.id, d.text),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert_eq!(
            texts[0],
            (
                "urn:uuid:1".to_string(),
                "Plain text of a page, caf\u{e9}.\nSecond line.".to_string()
            )
        );
        assert_eq!(texts[1].1.trim(), "Stored page.");
        assert_eq!(texts[2].1, "na\u{ef}ve");
        assert_eq!(reader.skipped, 2);
    }

    /// A reader that hands out its bytes, then fails (a corrupt archive under the decompressor).
    struct FailingAfter(std::io::Cursor<Vec<u8>>);

    impl Read for FailingAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "corrupt deflate stream",
                )),
                n => Ok(n),
            }
        }
    }

    fn html_record(id: &str, html: &str) -> Vec<u8> {
        let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{html}");
        record("response", id, http.as_bytes())
    }

    /// Found by the `scan_warc` fuzz target: after damaged bytes the reader looked for the next
    /// `WARC/` at the start of its input buffer, so when a buffer ended inside those five bytes
    /// (every 1 MiB of a plain file, anywhere in a `.warc.gz`) the next record's header was
    /// skipped as damage and its record, with every one up to the next buffer boundary, was lost
    /// without an error.
    #[test]
    fn resynchronises_on_a_header_split_across_buffer_reads() {
        let mut warc = b"not a header\r\nmore junk\r\n".to_vec();
        warc.extend(html_record("1", "<p>first</p>"));
        warc.extend(html_record("2", "<p>second</p>"));
        let whole: Vec<String> =
            WarcReader::new(Box::new(std::io::Cursor::new(warc.clone())), "w".into())
                .map(|i| format!("{i:?}"))
                .collect();
        assert_eq!(whole.len(), 3, "{whole:?}");
        for capacity in [1, 3, 16] {
            let input =
                std::io::BufReader::with_capacity(capacity, std::io::Cursor::new(warc.clone()));
            let items: Vec<String> = WarcReader::new(Box::new(input), "w".into())
                .map(|i| format!("{i:?}"))
                .collect();
            assert_eq!(items, whole, "through a {capacity}-byte buffer");
        }
    }

    /// Found by the `scan_warc` fuzz target (its `.warc.gz` cut short): when the stream failed
    /// while damaged bytes were being skipped, the damaged record's error, already numbered, was
    /// dropped, leaving a gap in the record numbers and one record unaccounted for.
    /// (Junk after a record is that record's broken framing, so the damage here is before the
    /// first record, and after a record whose stream then fails.)
    #[test]
    fn a_stream_failing_while_skipping_damage_reports_both() {
        let record = html_record("1", "<p>first</p>");
        let junk = b"junk\r\nmore junk\r\n";
        for (warc, damage) in [
            (junk.to_vec(), "not a WARC record header"),
            ([&record[..], junk].concat(), "record framing is broken"),
        ] {
            let input = std::io::BufReader::new(FailingAfter(std::io::Cursor::new(warc)));
            let items: Vec<Item> = WarcReader::new(Box::new(input), "w".into()).collect();
            let summary: Vec<(u64, String)> = items
                .iter()
                .map(|i| match i {
                    Item::Doc(d) => (d.index, d.text.trim().to_string()),
                    Item::Error(e) => (e.record, e.reason.clone()),
                })
                .collect();
            assert_eq!(summary.len(), 2, "{summary:?}");
            assert_eq!(summary[0].0, 0);
            assert!(summary[0].1.starts_with(damage), "{summary:?}");
            assert_eq!(summary[1].0, 1);
            assert!(
                summary[1].1.contains("corrupt deflate stream"),
                "{summary:?}"
            );
        }
        // A record read whole, then the stream fails: the record, then the error.
        let input = std::io::BufReader::new(FailingAfter(std::io::Cursor::new(record)));
        let items: Vec<String> = WarcReader::new(Box::new(input), "w".into())
            .map(|i| format!("{i:?}"))
            .collect();
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(items[0].starts_with("Doc"), "{items:?}");
        assert!(items[1].contains("corrupt deflate stream"), "{items:?}");
        // The same after a record that is not a document (it is skipped, the error is not).
        let info = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n";
        let input = std::io::BufReader::new(FailingAfter(std::io::Cursor::new(info.to_vec())));
        let items: Vec<String> = WarcReader::new(Box::new(input), "w".into())
            .map(|i| format!("{i:?}"))
            .collect();
        assert_eq!(items.len(), 1, "{items:?}");
        assert!(items[0].contains("corrupt deflate stream"), "{items:?}");
    }

    /// Found reading the code for the fuzz targets (a 64 KiB input cannot reach it): a gzip or
    /// deflate content encoding was decoded whole, so a record of a few megabytes (256 MiB are
    /// accepted) could stand for gigabytes of HTML. Past the limit it is now that record's error.
    #[test]
    fn a_content_encoding_bomb_is_an_error_not_gigabytes() {
        let bomb = |limit: usize| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            std::io::copy(&mut std::io::repeat(b' ').take(limit as u64 + 1), &mut e).unwrap();
            let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\
                             Content-Encoding: gzip\r\n\r\n"
                .to_vec();
            http.extend(e.finish().unwrap());
            http
        };
        let http = bomb(1 << 20);
        assert!(http.len() < 4096, "{}", http.len());
        assert_eq!(
            http_html_text(&http, 1 << 20),
            Err("gzip content encoding decodes to more than 1048576 bytes".to_string())
        );
        assert!(matches!(http_html_text(&http, 2 << 20), Ok(Some(_))));
    }

    /// With the bomb above: a header line was read whole whatever its length (gigabytes from a
    /// small `.warc.gz`). Past `MAX_LINE_BYTES` the rest of the line is now dropped unread.
    #[test]
    fn a_long_header_line_is_cut_not_held() {
        let long = "x".repeat(3 * MAX_LINE_BYTES);
        let http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>kept</p>";
        let mut warc = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nX-Long: {long}\r\n\
             Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        warc.extend_from_slice(http);
        let mut reader = WarcReader::new(Box::new(std::io::Cursor::new(warc)), "w".into());
        let items: Vec<Item> = reader.by_ref().collect();
        assert!(
            matches!(&items[..], [Item::Doc(d)] if d.text.trim() == "kept"),
            "{items:?}"
        );
        assert!(
            reader.line.capacity() < long.len(),
            "{}",
            reader.line.capacity()
        );
    }

    /// Each item as `index offset id text` (a document) or `index offset !reason` (an error).
    fn summary(warc: Vec<u8>) -> Vec<String> {
        WarcReader::new(Box::new(std::io::Cursor::new(warc)), "w".into())
            .map(|i| match i {
                Item::Doc(d) => format!("{} {} {} {}", d.index, d.offset, d.id, d.text.trim()),
                Item::Error(e) => format!("{} {:?} !{}", e.record, e.offset, e.reason),
            })
            .collect()
    }

    /// Set the Content-Length of the WARC record at `at` (a record made by `record`).
    fn with_length(record: &[u8], length: usize) -> Vec<u8> {
        let text = String::from_utf8_lossy(record);
        let at = text.find("Content-Length: ").unwrap() + 16;
        let end = at + text[at..].find('\r').unwrap();
        [&record[..at], length.to_string().as_bytes(), &record[end..]].concat()
    }

    /// Found by the scan audit (a WARC Content-Length set too small): the record was scored as an
    /// empty document and the rest of its block was a second, phantom error. It is one error that
    /// says why, and the next record is read.
    #[test]
    fn a_content_length_too_small_is_one_error_then_the_next_record() {
        let first = html_record("1", "<p>first</p>");
        let second = with_length(&html_record("2", "<p>second</p>"), 30);
        let third = html_record("3", "<p>third</p>");
        let items = summary([first.clone(), second.clone(), third].concat());
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0], "0 0 urn:uuid:1 first");
        assert!(
            items[1].starts_with(&format!(
                "1 Some({}) !record framing is broken: the 30 bytes of its Content-Length are \
                 followed by",
                first.len()
            )),
            "{items:?}"
        );
        assert_eq!(
            items[2],
            format!("2 {} urn:uuid:3 third", first.len() + second.len())
        );
    }

    /// A Content-Length too large swallows the start of the next record: reading goes on from the
    /// header found in the payload, so only the damaged record is lost (and the last record,
    /// whose length runs past the end of the input, is not taken for a truncated shard).
    #[test]
    fn a_content_length_too_large_resumes_at_the_header_in_the_payload() {
        let first = html_record("1", "<p>first</p>");
        let second = html_record("2", "<p>second</p>");
        let third = html_record("3", "<p>third</p>");
        let long = with_length(&first, first.len());
        let items = summary([long.clone(), second.clone(), third.clone()].concat());
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(
            items[0].starts_with("0 Some(0) !record framing is broken"),
            "{items:?}"
        );
        assert_eq!(items[1], format!("1 {} urn:uuid:2 second", long.len()));
        assert_eq!(
            items[2],
            format!("2 {} urn:uuid:3 third", long.len() + second.len())
        );
        let items = summary([first.clone(), with_length(&second, 100_000), third].concat());
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(
            items[1].contains("runs past the end of the shard"),
            "{items:?}"
        );
        assert!(items[2].ends_with("urn:uuid:3 third"), "{items:?}");
    }

    /// Found by the scan audit: a record without WARC-Record-ID was named by its target URI,
    /// which a crawl can fetch many times; it is `SHARD:OFFSET`, as the README says.
    #[test]
    fn a_record_without_an_id_is_named_by_its_offset() {
        let first = html_record("1", "<p>first</p>");
        let text = String::from_utf8(html_record("2", "<p>second</p>")).unwrap();
        let start = text.find("WARC-Record-ID").unwrap();
        let end = start + text[start..].find("\r\n").unwrap() + 2;
        let second = format!("{}{}", &text[..start], &text[end..]);
        let items = summary([first.clone(), second.into_bytes()].concat());
        assert_eq!(
            items[1],
            format!("1 {} w:{} second", first.len(), first.len())
        );
    }

    /// Found by the scan audit: in a `.warc.gz` of one gzip member per record, a corrupt member
    /// lost every record after it. It is that record's error, and the next records are read.
    #[test]
    fn a_corrupt_gzip_member_costs_one_record() {
        use std::io::Write;
        let gzip = |data: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let mut members: Vec<Vec<u8>> = (1..=4)
            .map(|i| gzip(&html_record(&i.to_string(), &format!("<p>page {i}</p>"))))
            .collect();
        let middle = members[1].len() / 2;
        members[1][middle..middle + 6].copy_from_slice(&[0; 6]);
        let input = std::io::BufReader::new(crate::record::GzipMembers::new(std::io::Cursor::new(
            members.concat(),
        )));
        let items: Vec<String> = WarcReader::new(Box::new(input), "w".into())
            .map(|i| match i {
                Item::Doc(d) => format!("{} {}", d.index, d.text.trim()),
                Item::Error(e) => format!("{} !{}", e.record, e.reason),
            })
            .collect();
        assert_eq!(items.len(), 4, "{items:?}");
        assert_eq!(items[0], "0 page 1");
        assert!(items[1].starts_with("1 !"), "{items:?}");
        assert_eq!(items[2..], ["2 page 3", "3 page 4"]);
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
