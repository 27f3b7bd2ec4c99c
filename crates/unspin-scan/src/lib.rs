//! Corpus-scale scanning for unspin: readers for JSONL (plain, gzip, zstd), Parquet and WARC
//! shards, and a parallel, resumable scan driver that writes dolma-style attribute files.
//!
//! Kept apart from the engine crate so that arrow/parquet and the HTML parser are compiled only
//! by what needs them.
//!
//! Offsets in the attribute files are character (Unicode code point) offsets, half-open, into the
//! scored text (for WARC, the text extracted from the HTML, which `--restore`/`--keep-below` write
//! out), as dolma's taggers and mixer use them; the engine's UTF-8 byte offsets are converted.

pub mod driver;
pub mod format;
pub mod html;
pub mod jsonl;
pub mod output;
pub mod parquet_reader;
pub mod record;
pub mod warc;

pub use driver::{scan, ScanConfig, ScanSummary, DOC_ATTRIBUTE, SPANS_ATTRIBUTE};
pub use output::ShardStats;
pub use record::{Doc, Item, RecordError};
