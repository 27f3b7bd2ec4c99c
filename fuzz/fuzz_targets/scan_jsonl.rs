//! The JSONL shard reader on arbitrary bytes: never panics; every non-blank line is exactly one
//! item (a document or an error), numbered in turn, at the line's byte offset and 1-based line
//! number; a line is a document exactly when it is a UTF-8 JSON object with a string or number id
//! and a string text (checked against serde_json independently), and the document carries that id
//! and text; errors name the shard and give a reason.
#![no_main]

mod scan_common;

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use scan_common::check_items;
use unspin_scan::jsonl::JsonlReader;
use unspin_scan::record::id_from_json;
use unspin_scan::Item;

const SHARD: &str = "fuzz.jsonl";

/// What the line should give, decided without the reader: `Some((id, text))` for a document.
fn expected_doc(line: &[u8], first: bool) -> Option<(String, String)> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut text = std::str::from_utf8(line).ok()?;
    if first {
        text = text.strip_prefix('\u{feff}').unwrap_or(text);
    }
    let record: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).ok()?;
    let id = id_from_json(record.get("id")?)?;
    let text = record.get("text")?.as_str()?.to_string();
    Some((id, text))
}

fuzz_target!(|data: &[u8]| {
    let items: Vec<Item> = JsonlReader::new(
        Box::new(Cursor::new(data.to_vec())),
        SHARD.into(),
        "id",
        "text",
        true,
    )
    .collect();
    let records = check_items(&items, SHARD);
    assert_eq!(
        records,
        items.len() as u64,
        "a JSONL error stands for one line"
    );

    // The lines that are records, with their offsets and 1-based line numbers.
    let mut lines = Vec::new();
    let mut offset = 0u64;
    for (i, line) in data.split_inclusive(|&b| b == b'\n').enumerate() {
        if !line.iter().all(u8::is_ascii_whitespace) {
            lines.push((offset, i as u64 + 1, line));
        }
        offset += line.len() as u64;
    }
    assert_eq!(
        items.len(),
        lines.len(),
        "records lost or invented: {} items for {} non-blank lines",
        items.len(),
        lines.len()
    );
    for (item, &(offset, number, line)) in items.iter().zip(&lines) {
        let expected = expected_doc(line, offset == 0);
        match item {
            Item::Doc(d) => {
                assert_eq!(d.offset, offset, "{item:?}");
                assert_eq!(d.line, Some(number), "{item:?}");
                assert!(d.record.is_some(), "keep_record was asked for");
                assert_eq!(Some((d.id.clone(), d.text.clone())), expected, "{item:?}");
            }
            Item::Error(e) => {
                assert_eq!(e.offset, Some(offset), "{item:?}");
                assert_eq!(e.line, Some(number), "{item:?}");
                assert_eq!(e.count, 1, "{item:?}");
                assert!(
                    expected.is_none(),
                    "a readable record was reported as an error: {item:?} {line:?}"
                );
            }
        }
    }
});
