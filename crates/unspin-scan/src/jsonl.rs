//! JSON Lines shards: one JSON object per line with an id and a text field.

use std::io::BufRead;

use crate::format::read_line_limited;
use crate::record::{id_from_json, Doc, Item, RecordError};

/// Longest record read (a longer line is an error, skipped without being held in memory: in a
/// compressed shard a few kilobytes can decompress to gigabytes without a newline).
const MAX_RECORD_BYTES: usize = 256 << 20;

pub struct JsonlReader {
    input: Box<dyn BufRead + Send>,
    shard: String,
    id_field: String,
    text_field: String,
    keep_record: bool,
    index: u64,
    offset: u64,
    /// Lines read so far, blank ones included: the 1-based line of the record just read.
    lines: u64,
    line: Vec<u8>,
    done: bool,
    /// Whether the start of the shard was looked at for UTF-16.
    started: bool,
    max_record: usize,
}

impl JsonlReader {
    /// `keep_record`: keep the parsed record in [`Doc::record`] (needed only when documents are
    /// written back out).
    pub fn new(
        input: Box<dyn BufRead + Send>,
        shard: String,
        id_field: &str,
        text_field: &str,
        keep_record: bool,
    ) -> Self {
        JsonlReader {
            input,
            shard,
            id_field: id_field.to_string(),
            text_field: text_field.to_string(),
            keep_record,
            index: 0,
            offset: 0,
            lines: 0,
            line: Vec::with_capacity(1 << 16),
            done: false,
            started: false,
            max_record: MAX_RECORD_BYTES,
        }
    }

    fn error(&self, index: u64, offset: u64, id: Option<String>, reason: String) -> Item {
        Item::Error(RecordError {
            shard: self.shard.clone(),
            record: index,
            offset: Some(offset),
            line: Some(self.lines),
            count: 1,
            id,
            reason,
        })
    }

    fn parse(&self, index: u64, offset: u64) -> Item {
        let bytes = trim_newline(&self.line);
        let text = match std::str::from_utf8(bytes) {
            // A byte-order mark before the first record (editors on Windows write one).
            Ok(t) if offset == 0 => t.strip_prefix('\u{feff}').unwrap_or(t),
            Ok(t) => t,
            Err(e) => {
                return self.error(
                    index,
                    offset,
                    None,
                    format!("invalid UTF-8 at byte {} of the record", e.valid_up_to()),
                )
            }
        };
        // A record that parses holds no lone surrogate (serde_json rejects them): the text is
        // rewritten only when it fails, which keeps the common path one parse.
        let parsed = serde_json::from_str(text).or_else(|e| match replace_lone_surrogates(text) {
            std::borrow::Cow::Owned(fixed) => serde_json::from_str(&fixed),
            std::borrow::Cow::Borrowed(_) => Err(e),
        });
        let mut record: serde_json::Map<String, serde_json::Value> = match parsed {
            Ok(r) => r,
            // serde_json stops at 128 levels of nesting (its guard against stack overflow).
            Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
                return self.error(
                    index,
                    offset,
                    None,
                    format!(
                        "JSON record nested more than 128 levels deep (the reader's limit): {e}"
                    ),
                )
            }
            Err(e) => {
                return self.error(index, offset, None, format!("malformed JSON record: {e}"))
            }
        };
        // A corpus without ids is common; the record's place names it as stably (`shard:line`, as
        // a WARC record without WARC-Record-ID is `shard:offset`).
        let id = match record.get(&self.id_field) {
            // A null id is no id (pandas and Spark write missing values as null).
            Some(serde_json::Value::Null) | None => format!("{}:{}", self.shard, self.lines),
            Some(v) => match id_from_json(v) {
                Some(id) => id,
                None => {
                    return self.error(
                        index,
                        offset,
                        None,
                        format!("field `{}` is not a string or number", self.id_field),
                    )
                }
            },
        };
        let text = match record.get_mut(&self.text_field) {
            Some(serde_json::Value::String(s)) => std::mem::take(s),
            Some(_) => {
                return self.error(
                    index,
                    offset,
                    Some(id),
                    format!("field `{}` is not a string", self.text_field),
                )
            }
            None => {
                return self.error(
                    index,
                    offset,
                    Some(id),
                    format!("missing text field `{}`", self.text_field),
                )
            }
        };
        Item::Doc(Doc {
            index,
            offset,
            line: Some(self.lines),
            id,
            text,
            record: self.keep_record.then_some(record),
            url: None,
        })
    }
}

/// JSON text with each lone UTF-16 surrogate escape (`\ud800` not followed by a low surrogate
/// escape, or a low one alone) replaced by `\ufffd`: Python's `json` writes and reads them (a
/// string cut inside an emoji), serde_json rejects the whole record, and the text around them is
/// worth keeping. Borrowed unchanged when there is none.
pub fn replace_lone_surrogates(json: &str) -> std::borrow::Cow<'_, str> {
    let bytes = json.as_bytes();
    // The code unit of a `\uXXXX` escape at `i`.
    let unit = |i: usize| -> Option<u16> {
        if bytes.get(i..i + 2)? != b"\\u" {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(bytes.get(i + 2..i + 6)?).ok()?, 16).ok()
    };
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        // Backslashes appear only in strings, as escapes: `\\` is skipped whole, so the `u`
        // of `\\u` is never taken for an escape.
        let Some(code) = unit(i) else {
            i += 2;
            continue;
        };
        let lone = match code {
            0xd800..=0xdbff => match unit(i + 6) {
                Some(0xdc00..=0xdfff) => {
                    i += 12; // a valid pair
                    continue;
                }
                _ => true,
            },
            0xdc00..=0xdfff => true,
            _ => false,
        };
        if lone {
            let out = out.get_or_insert_with(|| String::with_capacity(json.len()));
            out.push_str(&json[copied..i]);
            out.push_str("\\ufffd");
            copied = i + 6;
        }
        i += 6;
    }
    match out {
        Some(mut out) => {
            out.push_str(&json[copied..]);
            std::borrow::Cow::Owned(out)
        }
        None => std::borrow::Cow::Borrowed(json),
    }
}

/// Wording shared with `unspin check`, which refuses UTF-16 input the same way.
const UTF16_MESSAGE: &str =
    "UTF-16 text; unspin reads UTF-8: convert it first, e.g. with iconv -f UTF-16 -t UTF-8";

impl JsonlReader {
    /// The error of a corrupt gzip member that others follow, which [`GzipMembers`] skipped: the
    /// records in it are lost (an unknown number: one error entry stands for them), and reading
    /// goes on with the next member. A record cut by the skip reads as malformed, its own error.
    /// Lines and offsets after it count what was read, without the lost member's.
    ///
    /// [`GzipMembers`]: crate::record::GzipMembers
    fn member_lost(&mut self, start: u64, member: &crate::record::CorruptMember) -> Item {
        self.lost(
            start,
            format!(
                "{member}: the records in it, an unknown number, are lost; {} compressed bytes \
                 skipped to the next gzip member, read on from there (lines after it are counted \
                 without the lost member's)",
                member.skipped
            ),
        )
    }

    /// The error of a stream that fails at `start`: a truncated or corrupt archive, whose
    /// decompressor cannot go on, so what follows is unreadable. It counts as one lost record.
    fn stream_error(&mut self, start: u64, e: std::io::Error) -> Item {
        self.done = true;
        let at = start + self.line.len() as u64;
        self.lost(
            start,
            format!(
                "archive truncated or corrupt after {at} decompressed bytes: {e}; \
                 the rest of the shard cannot be read"
            ),
        )
    }

    /// One error entry, on a line and record index of its own, for records lost at `start`.
    fn lost(&mut self, start: u64, reason: String) -> Item {
        self.lines += 1;
        let index = self.index;
        self.index += 1;
        self.error(index, start, None, reason)
    }

    /// A shard in UTF-16 (a byte-order mark, or the NUL of every other byte of ASCII) is one
    /// error that says so, standing for the records it holds (its non-blank lines, counted
    /// here), instead of one cryptic error per line.
    fn utf16_shard(&mut self) -> Option<Item> {
        let head = match self.input.fill_buf() {
            Ok(head) => head,
            // Not retried: the decompressor's error is the shard's, reported as any other.
            Err(e) => return Some(self.stream_error(0, e)),
        };
        let little = match head {
            [0xff, 0xfe, ..] => true,
            [0xfe, 0xff, ..] => false,
            [a, 0, ..] if *a != 0 => true,
            [0, b, ..] if *b != 0 => false,
            _ => return None,
        };
        self.done = true;
        let mut records = 0u64;
        let mut blank = true;
        let mut odd: Option<u8> = None;
        let mut bytes = 0u64;
        let failed = loop {
            let chunk = match self.input.fill_buf() {
                Ok([]) => break None,
                Ok(chunk) => chunk,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => break Some(e),
            };
            for &b in chunk {
                let Some(first) = odd.take() else {
                    odd = Some(b);
                    continue;
                };
                let unit = if little {
                    u16::from_le_bytes([first, b])
                } else {
                    u16::from_be_bytes([first, b])
                };
                match unit {
                    0x0a => {
                        records += u64::from(!blank);
                        blank = true;
                    }
                    0xfeff | 0x09 | 0x0d | 0x20 => {}
                    _ => blank = false,
                }
            }
            let n = chunk.len();
            bytes += n as u64;
            self.input.consume(n);
        };
        records += u64::from(!blank);
        self.offset = bytes;
        let mut reason = format!("{UTF16_MESSAGE}; the shard's {records} records are not read");
        if let Some(e) = failed {
            reason.push_str(&format!(" (and the archive is truncated or corrupt: {e})"));
        }
        self.index = records.max(1);
        Some(Item::Error(RecordError {
            shard: self.shard.clone(),
            record: 0,
            offset: Some(0),
            line: Some(1),
            count: records.max(1),
            id: None,
            reason,
        }))
    }
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl Iterator for JsonlReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if !self.started {
            self.started = true;
            if let Some(item) = self.utf16_shard() {
                return Some(item);
            }
        }
        loop {
            if self.done {
                return None;
            }
            self.line.clear();
            let start = self.offset;
            match read_line_limited(&mut self.input, &mut self.line, self.max_record) {
                Ok((0, _)) => {
                    self.done = true;
                    return None;
                }
                Ok((n, cut)) => {
                    self.offset += n;
                    self.lines += 1;
                    if !cut && self.line.iter().all(u8::is_ascii_whitespace) {
                        continue; // blank lines are not records
                    }
                    let index = self.index;
                    self.index += 1;
                    if cut {
                        let reason = format!(
                            "record of {n} bytes is longer than the limit of {} bytes; skipped",
                            self.max_record
                        );
                        return Some(self.error(index, start, None, reason));
                    }
                    return Some(self.parse(index, start));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Some(match crate::record::corrupt_member(&e) {
                        Some(member) => self.member_lost(start, member),
                        None => self.stream_error(start, e),
                    })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn read(bytes: &'static [u8]) -> Vec<Item> {
        JsonlReader::new(Box::new(bytes), "s".into(), "id", "text", false).collect()
    }

    use crate::record::tests::gzip;

    /// A `.jsonl.gz` made of several gzip members (shards appended together): a corrupt member
    /// in the middle costs its own records, one error entry, and reading goes on with the next
    /// member instead of losing the rest of the shard.
    #[test]
    fn a_corrupt_gzip_member_costs_its_records_only() {
        let first = gzip(b"{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"b\",\"text\":\"two\"}\n");
        let mut second =
            gzip(&b"{\"id\":\"x\",\"text\":\"lost lost lost lost lost\"}\n".repeat(20));
        let middle = second.len() / 2;
        second[middle..middle + 4].copy_from_slice(&[0; 4]);
        let third = gzip(b"{\"id\":\"c\",\"text\":\"three\"}\n");
        let stream = [first, second, third].concat();
        let input = std::io::BufReader::new(crate::record::GzipMembers::new(std::io::Cursor::new(
            stream,
        )));
        let items: Vec<Item> =
            JsonlReader::new(Box::new(input), "s".into(), "id", "text", false).collect();
        let summary: Vec<String> = items
            .iter()
            .map(|i| match i {
                Item::Doc(d) => format!("{}:{}", d.index, d.id),
                Item::Error(e) => format!(
                    "{}!{}",
                    e.record,
                    &e.reason[..e.reason.find(':').unwrap_or(0)]
                ),
            })
            .collect();
        // The damaged member may yield some of its records before the damage is found; what
        // matters is that the shard goes on after it, with one error for the member.
        assert_eq!(summary[..2], ["0:a", "1:b"], "{summary:?}");
        assert_eq!(
            summary.last().unwrap(),
            &format!("{}:c", summary.len() - 1),
            "{summary:?}"
        );
        let member_errors: Vec<&String> = summary
            .iter()
            .filter(|s| s.contains("!corrupt gzip member"))
            .collect();
        assert_eq!(member_errors.len(), 1, "{summary:?}");
    }

    /// Each item as `index:id:text` (a document) or `record!reason` (an error).
    fn summarize(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Doc(d) => format!("{}:{}:{}", d.index, d.id, d.text),
                Item::Error(e) => format!("{}!{}", e.record, e.reason),
            })
            .collect()
    }

    /// Found reading the code for the fuzz targets (`scan_decompress` did not get there in its
    /// short runs): a line was read whole whatever its length, so a few kilobytes of zstd that
    /// decompress to gigabytes without a newline took gigabytes of memory. A line over the limit
    /// is now an error for that record, skipped without being held, and the next line is read.
    #[test]
    fn an_overlong_line_is_one_error_and_is_not_held() {
        let first = b"{\"id\":\"a\",\"text\":\"one\"}\n";
        let head = b"{\"id\":\"b\",\"text\":\"";
        let tail = b"\"}\n";
        let last = b"{\"id\":\"c\",\"text\":\"three\"}\n";
        // Far more bytes than the limit, made as they are read.
        let long = std::io::repeat(b'x').take(1 << 20);
        let input = std::io::Cursor::new([&first[..], &head[..]].concat())
            .chain(long)
            .chain(std::io::Cursor::new([&tail[..], &last[..]].concat()));
        let mut reader = JsonlReader::new(
            Box::new(std::io::BufReader::with_capacity(4096, input)),
            "s".into(),
            "id",
            "text",
            false,
        );
        reader.max_record = 1000;
        let mut items = Vec::new();
        while let Some(item) = reader.next() {
            assert!(reader.line.capacity() <= 1 << 16, "the long line was held");
            items.push(item);
        }
        let summary: Vec<String> = items
            .iter()
            .map(|i| match i {
                Item::Doc(d) => format!("{}:{:?}:{}:{}", d.index, d.line, d.offset, d.text),
                Item::Error(e) => format!("{}:{:?}:{:?}!{}", e.record, e.line, e.offset, e.reason),
            })
            .collect();
        let long_line = head.len() + (1 << 20) + tail.len();
        assert_eq!(
            summary,
            [
                "0:Some(1):0:one".to_string(),
                format!(
                    "1:Some(2):Some({})!record of {long_line} bytes is longer than the limit of \
                     1000 bytes; skipped",
                    first.len()
                ),
                format!("2:Some(3):{}:three", first.len() + long_line),
            ]
        );
    }

    #[test]
    fn reads_documents_and_reports_bad_lines() {
        let items = read(
            b"{\"id\":\"a\",\"text\":\"one\"}\n\n{\"id\":7,\"text\":\"two\"}\r\n{broken\n{\"id\":\"c\"}\n\xff\xfe\n{\"id\":\"d\",\"text\":\"last\"}",
        );
        let summary = summarize(&items);
        assert_eq!(summary[0], "0:a:one");
        assert_eq!(summary[1], "1:7:two");
        // Errors name the line as editors and `unspin check` do (the blank line counts).
        let lines: Vec<Option<u64>> = items
            .iter()
            .filter_map(|i| match i {
                Item::Error(e) => Some(e.line),
                Item::Doc(_) => None,
            })
            .collect();
        assert_eq!(lines, [Some(4), Some(5), Some(6)]);
        assert!(summary[2].starts_with("2!malformed JSON"), "{}", summary[2]);
        assert_eq!(summary[3], "3!missing text field `text`");
        assert_eq!(summary[4], "4!invalid UTF-8 at byte 0 of the record");
        assert_eq!(summary[5], "5:d:last");
        assert_eq!(summary.len(), 6);
    }

    /// A record without the id field, or with a null id (found by the scan audit: it was an
    /// error), is named by its place (`shard:line`), not lost; an id of the wrong type is still an
    /// error.
    #[test]
    fn a_record_without_an_id_is_named_by_its_line() {
        let items = read(
            b"{\"text\":\"one\"}\n\n{\"text\":\"two\"}\n{\"id\":[1],\"text\":\"x\"}\n\
              {\"id\":null,\"text\":\"four\"}\n",
        );
        let summary = summarize(&items);
        assert_eq!(
            summary,
            [
                "0:s:1:one",
                "1:s:3:two",
                "2!field `id` is not a string or number",
                "3:s:5:four"
            ]
        );
    }

    /// Found by the scan audit: a lone surrogate escape (which Python's `json` writes for a string
    /// cut inside an emoji) made the record an error ("unexpected end of hex escape"). It becomes
    /// U+FFFD and the record is kept; valid pairs and escaped backslashes are left alone.
    #[test]
    fn a_lone_surrogate_escape_becomes_a_replacement_character() {
        let items = read(
            b"{\"id\":\"a\",\"text\":\"x \\ud800 y\"}\n\
              {\"id\":\"b\",\"text\":\"\\udc00\\ud83d\\ude00\\\\ud800\\ud800\"}\n",
        );
        assert_eq!(
            summarize(&items),
            ["0:a:x \u{fffd} y", "1:b:\u{fffd}\u{1f600}\\ud800\u{fffd}"]
        );
        assert!(matches!(
            replace_lone_surrogates(r#"{"a":"\\ud800 \ud83d\ude00"}"#),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    /// Found by the scan audit: nesting past serde_json's limit gave only "recursion limit
    /// exceeded"; the error now names the limit.
    #[test]
    fn nesting_past_the_limit_is_an_error_that_names_it() {
        let deep = format!(
            "{{\"id\":\"d\",\"text\":\"t\",\"meta\":{}{}}}\n",
            "[".repeat(200),
            "]".repeat(200)
        );
        let items: Vec<Item> = JsonlReader::new(
            Box::new(std::io::Cursor::new(deep)),
            "s".into(),
            "id",
            "text",
            false,
        )
        .collect();
        let summary = summarize(&items);
        assert!(
            summary[0].starts_with("0!JSON record nested more than 128 levels deep"),
            "{summary:?}"
        );
    }

    /// Found by the scan audit: a UTF-16 shard gave one cryptic error per line. It is one error
    /// that says what the shard is, standing for its records.
    #[test]
    fn a_utf16_shard_is_one_error_that_says_so() {
        let text = "{\"id\":\"a\",\"text\":\"one\"}\n\n{\"id\":\"b\",\"text\":\"two\"}\n";
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be_no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for bytes in [le, be_no_bom] {
            let items: Vec<Item> = JsonlReader::new(
                Box::new(std::io::Cursor::new(bytes)),
                "s".into(),
                "id",
                "text",
                false,
            )
            .collect();
            match &items[..] {
                [Item::Error(e)] => {
                    assert_eq!(e.count, 2, "{e:?}");
                    assert!(
                        e.reason.starts_with("UTF-16 text; unspin reads UTF-8"),
                        "{e:?}"
                    );
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
