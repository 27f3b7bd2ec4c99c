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
        let mut record: serde_json::Map<String, serde_json::Value> =
            match serde_json::from_str(text) {
                Ok(r) => r,
                Err(e) => {
                    return self.error(index, offset, None, format!("malformed JSON record: {e}"))
                }
            };
        let id = match record.get(&self.id_field) {
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
            // A corpus without ids is common; the record's place names it as stably
            // (`shard:line`, as a WARC record without WARC-Record-ID is `shard:offset`).
            None => format!("{}:{}", self.shard, self.lines),
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

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl Iterator for JsonlReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
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
                    // A truncated or corrupt archive: the decompressor cannot go on, so what
                    // follows this point is unreadable. It counts as one lost record.
                    self.done = true;
                    self.lines += 1;
                    let index = self.index;
                    self.index += 1;
                    return Some(self.error(
                        index,
                        start,
                        None,
                        format!(
                            "archive truncated or corrupt after {} decompressed bytes: {e}; \
                             the rest of the shard cannot be read",
                            start + self.line.len() as u64
                        ),
                    ));
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

    /// A record without the id field is named by its place (`shard:line`), not lost; an id of
    /// the wrong type is still an error.
    #[test]
    fn a_record_without_an_id_is_named_by_its_line() {
        let items =
            read(b"{\"text\":\"one\"}\n\n{\"text\":\"two\"}\n{\"id\":[1],\"text\":\"x\"}\n");
        let summary = summarize(&items);
        assert_eq!(
            summary,
            [
                "0:s:1:one",
                "1:s:3:two",
                "2!field `id` is not a string or number"
            ]
        );
    }
}
