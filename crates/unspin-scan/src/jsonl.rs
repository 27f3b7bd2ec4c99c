//! JSON Lines shards: one JSON object per line with an id and a text field.

use std::io::BufRead;

use crate::record::{id_from_json, Doc, Item, RecordError};

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
            None => {
                return self.error(
                    index,
                    offset,
                    None,
                    format!("missing id field `{}`", self.id_field),
                )
            }
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
            match self.input.read_until(b'\n', &mut self.line) {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(n) => {
                    self.offset += n as u64;
                    self.lines += 1;
                    if self.line.iter().all(u8::is_ascii_whitespace) {
                        continue; // blank lines are not records
                    }
                    let index = self.index;
                    self.index += 1;
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
    use super::*;

    fn read(bytes: &'static [u8]) -> Vec<Item> {
        JsonlReader::new(Box::new(bytes), "s".into(), "id", "text", false).collect()
    }

    #[test]
    fn reads_documents_and_reports_bad_lines() {
        let items = read(
            b"{\"id\":\"a\",\"text\":\"one\"}\n\n{\"id\":7,\"text\":\"two\"}\r\n{broken\n{\"id\":\"c\"}\n\xff\xfe\n{\"id\":\"d\",\"text\":\"last\"}",
        );
        let summary: Vec<String> = items
            .iter()
            .map(|i| match i {
                Item::Doc(d) => format!("{}:{}:{}", d.index, d.id, d.text),
                Item::Error(e) => format!("{}!{}", e.record, e.reason),
            })
            .collect();
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
}
