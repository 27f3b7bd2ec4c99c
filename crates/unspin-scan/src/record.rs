//! What the shard readers yield: documents, or errors that say which record was lost and why.

use serde::Serialize;

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
