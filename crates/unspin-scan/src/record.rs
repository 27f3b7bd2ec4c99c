//! What the shard readers yield: documents, or errors that say which record was lost and why;
//! and what the readers share under them (the compression a shard's bytes show, gzip members).

use std::io::{BufRead, Read};
use std::path::Path;

use serde::Serialize;

use crate::format::Compression;

/// One document read from a shard, ready to be scored.
#[derive(Debug, Clone)]
pub struct Doc {
    /// 0-based position of the record in its shard (documents and errors share the numbering).
    pub index: u64,
    /// Where the record starts: the decompressed byte offset for JSONL and WARC, the row for Parquet.
    pub offset: u64,
    /// For JSONL: the record's 1-based line (see [`RecordError::line`]).
    pub line: Option<u64>,
    pub id: String,
    /// The text that is scored; attribute offsets are UTF-8 byte offsets into it, half-open.
    pub text: String,
    /// For JSONL: the whole record, so that `documents/` keeps every field of the input.
    pub record: Option<serde_json::Map<String, serde_json::Value>>,
    /// For WARC: the target URI.
    pub url: Option<String>,
}

/// A record (or a run of records) that could not be read. Written to `errors/<shard>.jsonl`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecordError {
    /// Input shard path, as given.
    pub shard: String,
    /// 0-based index of the (first) lost record.
    pub record: u64,
    /// Decompressed byte offset (JSONL, WARC) or row number (Parquet) of the record, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// For JSONL: the record's 1-based line in the (decompressed) shard, blank lines counted, as
    /// `unspin check` and editors number it (`record` counts records only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// How many records this entry stands for (more than 1 when, say, a whole Parquet file lacks a
    /// column); `records_in = records_out + sum(count)`.
    pub count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub reason: String,
}

impl RecordError {
    /// A shard that cannot be opened: one error that stands for its records.
    pub fn cannot_open(shard: String, e: &std::io::Error) -> RecordError {
        RecordError {
            shard,
            record: 0,
            offset: None,
            line: None,
            count: 1,
            id: None,
            reason: format!("cannot open: {e}"),
        }
    }
}

#[derive(Debug)]
pub enum Item {
    Doc(Doc),
    Error(RecordError),
}

impl Item {
    /// Records this item stands for.
    pub fn count(&self) -> u64 {
        match self {
            Item::Doc(_) => 1,
            Item::Error(e) => e.count,
        }
    }

    /// Bytes of text (for batching and throughput figures).
    pub fn text_len(&self) -> usize {
        match self {
            Item::Doc(d) => d.text.len(),
            Item::Error(_) => 0,
        }
    }
}

/// Reads a JSON value used as a document id: strings as they are, numbers in their JSON form.
pub fn id_from_json(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Run `call`, its panic becoming an error with the panic's message: a damaged record or shard
/// must not take a corpus run down (the scan driver guards the engine, the Parquet reader the
/// decoder, which arrow-rs lets panic on some malformed files).
pub(crate) fn catch_panic<T>(call: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into())
    })
}

/// The compression a shard's first bytes show, which wins over its name: a `.gz` file that is
/// plain text is common (HTTP clients undo a `Content-Encoding: gzip` and keep the name), and so
/// is the reverse. When they disagree, a note on stderr names the file and what it is read as.
/// An empty file is taken as named.
pub fn sniff_compression(head: &[u8], named: Compression, path: &Path) -> Compression {
    const GZIP: &[u8] = &[0x1f, 0x8b];
    const ZSTD: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
    // A zstd stream may open with a skippable frame (magic 0x184D2A50 to 0x184D2A5F, little-endian).
    let zstd_skippable =
        head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18];
    let found = if head.is_empty() {
        named
    } else if head.starts_with(GZIP) {
        Compression::Gzip
    } else if head.starts_with(ZSTD) || zstd_skippable {
        Compression::Zstd
    } else {
        Compression::None
    };
    let name = |c| match c {
        Compression::None => "not compressed",
        Compression::Gzip => "gzip",
        Compression::Zstd => "zstd",
    };
    if found != named {
        eprintln!(
            "note: {}: the name says {} but the content is {}; read as {}",
            path.display(),
            name(named),
            name(found),
            match found {
                Compression::None => "plain text",
                _ => name(found),
            }
        );
    }
    found
}

/// A gzip stream read member by member (as `flate2::read::MultiGzDecoder` reads it), except that
/// a corrupt member that is followed by another is skipped: its error is returned once, as a
/// [`CorruptMember`], and reading goes on with the next member (found by its magic bytes,
/// `1f 8b 08`). A `.warc.gz` has one member per record, so one corrupt member costs one record, not
/// the rest of the shard. A corrupt member that no other follows (a file cut short, trailing
/// garbage) is the decoder's error as it is, and ends the stream.
pub struct GzipMembers<R: BufRead> {
    state: Option<Member<Counted<R>>>,
    /// Whether anything was read: an empty file is no gzip stream.
    started: bool,
    /// Where the member being read starts in the compressed input.
    member_start: u64,
}

enum Member<R: BufRead> {
    Between(R),
    In(flate2::bufread::GzDecoder<R>),
}

/// A reader that knows how many bytes were consumed from it.
struct Counted<R> {
    inner: R,
    pos: u64,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt as u64;
        self.inner.consume(amt);
    }
}

/// The error a [`GzipMembers`] returns for a corrupt member it skipped (inside an
/// `io::Error` of kind `InvalidData`): reading may go on.
#[derive(Debug)]
pub struct CorruptMember {
    /// The decoder's error.
    pub error: String,
    /// Compressed bytes skipped to the next member, from where the decoder stopped.
    pub skipped: u64,
}

impl std::fmt::Display for CorruptMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "corrupt gzip member ({})", self.error)
    }
}

impl std::error::Error for CorruptMember {}

/// The corrupt gzip member that `e` reports, skipped, after which reading may go on.
pub fn corrupt_member(e: &std::io::Error) -> Option<&CorruptMember> {
    e.get_ref()?.downcast_ref::<CorruptMember>()
}

impl<R: BufRead> GzipMembers<R> {
    pub fn new(input: R) -> Self {
        GzipMembers {
            state: Some(Member::Between(Counted {
                inner: input,
                pos: 0,
            })),
            started: false,
            member_start: 0,
        }
    }
}

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Skip to the next gzip member's magic bytes (or the end), never stopping at `failed`, where the
/// member that failed starts; the bytes skipped and whether a member was found. (A magic split
/// across the end of `input`'s buffer is taken on its first bytes; if it is no member, that is
/// one more corrupt member.)
fn skip_to_member<R: BufRead>(input: &mut Counted<R>, failed: u64) -> std::io::Result<(u64, bool)> {
    let mut skipped = 0u64;
    loop {
        let from = usize::from(input.pos == failed);
        let buf = input.fill_buf()?;
        if buf.len() <= from {
            let n = buf.len();
            input.consume(n);
            if n == 0 {
                return Ok((skipped, false));
            }
            skipped += n as u64;
            continue;
        }
        let found = (from..buf.len()).find(|&i| {
            let rest = &buf[i..];
            rest.starts_with(&GZIP_MAGIC) || (rest.len() < 3 && GZIP_MAGIC.starts_with(rest))
        });
        let n = found.unwrap_or(buf.len());
        input.consume(n);
        skipped += n as u64;
        if found.is_some() {
            return Ok((skipped, true));
        }
    }
}

impl<R: BufRead> std::io::Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self
                .state
                .take()
                .expect("state is restored before returning")
            {
                Member::Between(mut input) => {
                    let at_end = match input.fill_buf() {
                        Ok(rest) => rest.is_empty(),
                        Err(e) => {
                            self.state = Some(Member::Between(input));
                            return Err(e);
                        }
                    };
                    if at_end {
                        self.state = Some(Member::Between(input));
                        if !self.started {
                            // As MultiGzDecoder: an empty file is no gzip stream.
                            self.started = true;
                            return Err(std::io::ErrorKind::UnexpectedEof.into());
                        }
                        return Ok(0);
                    }
                    self.started = true;
                    self.member_start = input.pos;
                    self.state = Some(Member::In(flate2::bufread::GzDecoder::new(input)));
                }
                Member::In(mut decoder) => match decoder.read(buf) {
                    Ok(0) if !buf.is_empty() => {
                        self.state = Some(Member::Between(decoder.into_inner()));
                    }
                    Ok(n) => {
                        self.state = Some(Member::In(decoder));
                        return Ok(n);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                        self.state = Some(Member::In(decoder));
                        return Err(e);
                    }
                    Err(e) => {
                        let mut input = decoder.into_inner();
                        let skip = skip_to_member(&mut input, self.member_start);
                        self.state = Some(Member::Between(input));
                        return match skip {
                            Ok((skipped, true)) => Err(std::io::Error::new(
                                std::io::ErrorKind::InvalidData,
                                CorruptMember {
                                    error: e.to_string(),
                                    skipped,
                                },
                            )),
                            // Nothing follows: the stream ends with the decoder's error.
                            Ok((_, false)) | Err(_) => Err(e),
                        };
                    }
                },
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Found by the scan audit: a plain file named `.gz` failed whole ("invalid gzip header").
    #[test]
    fn compression_is_sniffed_from_the_first_bytes() {
        let path = Path::new("x.jsonl.gz");
        let sniff = |head: &[u8], named| sniff_compression(head, named, path);
        assert_eq!(sniff(b"{\"id\":1}", Compression::Gzip), Compression::None);
        assert_eq!(sniff(b"{\"id\":1}", Compression::Zstd), Compression::None);
        assert_eq!(
            sniff(&[0x1f, 0x8b, 8, 0], Compression::None),
            Compression::Gzip
        );
        assert_eq!(
            sniff(&[0x28, 0xb5, 0x2f, 0xfd], Compression::Gzip),
            Compression::Zstd
        );
        assert_eq!(
            sniff(&[0x5e, 0x2a, 0x4d, 0x18], Compression::Zstd),
            Compression::Zstd
        );
        assert_eq!(sniff(b"", Compression::Gzip), Compression::Gzip);
        assert_eq!(sniff(b"WARC/1.0\r\n", Compression::None), Compression::None);
    }

    pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// Found by the scan audit: one corrupt member of a per-record `.warc.gz` lost everything
    /// after it. The member is one error, then the next member is read.
    #[test]
    fn a_corrupt_gzip_member_is_skipped_to_the_next() {
        let first = gzip(b"first member\n");
        let mut second = gzip(b"second member, damaged in the middle\n");
        let middle = second.len() / 2;
        second[middle..middle + 4].copy_from_slice(&[0; 4]);
        let third = gzip(b"third member\n");
        let stream = [first.clone(), second.clone(), third].concat();
        let mut reader = GzipMembers::new(&stream[..]);
        let mut out = Vec::new();
        let mut errors = Vec::new();
        loop {
            let mut buf = [0; 7];
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => {
                    assert!(corrupt_member(&e).is_some(), "{e}");
                    errors.push(e.to_string());
                    out.extend_from_slice(b"<lost>");
                }
            }
        }
        let out = String::from_utf8_lossy(&out);
        assert!(out.starts_with("first member\n"), "{out:?}");
        assert!(out.ends_with("<lost>third member\n"), "{out:?}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("corrupt gzip member ("), "{errors:?}");

        // The last member cut short, or trailing garbage: the decoder's error, and the end.
        for stream in [
            [first.clone(), second[..middle].to_vec()].concat(),
            [first.clone(), b"garbage".to_vec()].concat(),
        ] {
            let mut text = String::new();
            let e = GzipMembers::new(&stream[..])
                .read_to_string(&mut text)
                .unwrap_err();
            assert!(corrupt_member(&e).is_none(), "{e}");
        }
        let mut empty = Vec::new();
        assert!(GzipMembers::new(&b""[..]).read_to_end(&mut empty).is_err());
    }
}
