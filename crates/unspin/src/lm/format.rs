//! The model file format: one file, a small JSON header, then the fst sections.
//!
//! ```text
//! offset 0   8 bytes   magic "UNSPINLM"
//!        8   u32 LE    format version (FORMAT_VERSION)
//!       12   u32 LE    header length H
//!       16   H bytes   header, JSON (see [`Header`])
//!            0-7 bytes zero padding to a multiple of 8
//!            payload   the sections, one `fst::Map` per order (1-grams first), back to back,
//!                      then, in large models of counts, the n-gram hash table (`hash_table`)
//! ```
//!
//! The hash table ([`crate::lm::model`], `table.rs`) holds every n-gram again as 12-byte slots,
//! little-endian `[hash low, hash high, count]`, so that a lookup costs one or two cache misses
//! instead of an fst walk through cold memory. Readers that predate it ignore it: it is an
//! optional header field, and the payload length and checksum cover it.
//!
//! Why JSON for the header: it is a few hundred bytes, humans read it with `unspin model info`
//! (or `head -c`), and new fields can be added without a format bump (unknown fields are ignored).
//! The version is outside the JSON so that a file from a newer unspin gets a clear error before
//! anything else is parsed.
//!
//! Keys are normalized words ([`crate::token::normalize`]) joined by one space (the tokenizer never
//! puts whitespace inside a token). Values depend on [`ModelKind`]:
//! - `counts`: the exact n-gram count (fst compresses the outputs; exact counts keep
//!   [`crate::lm::LanguageModel::count`] honest);
//! - `backoff` (imported ARPA): `backoff_zigzag << 24 | prob_q`, where `prob_q = round(-log10 p * 1000)`
//!   and `backoff_zigzag` is the zigzag code of `round(log10 backoff * 1000)`: 0.001 log10 units
//!   of resolution, far below what the decoder can tell apart.
//!
//! The payload checksum (CRC-32, crc32fast, several GB/s) is verified when a model is opened, so a
//! corrupt file never reaches the fst reader.

use serde::{Deserialize, Serialize};

/// The first eight bytes of every model file.
pub const MAGIC: &[u8; 8] = b"UNSPINLM";
/// The format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The highest n-gram order a model file may hold.
pub const MAX_ORDER: usize = 5;
/// Joins the words of an n-gram key.
pub const SEPARATOR: u8 = b' ';
/// Length of the fixed part before the JSON header.
pub const PREFIX_LEN: usize = 16;
/// Scale of the quantized log10 probabilities and backoffs of `backoff` models.
pub const LOG_SCALE: f32 = 1000.0;
/// Largest quantized probability: log10 p = -16777.215.
pub const PROB_Q_MAX: u64 = (1 << 24) - 1;

/// Where the n-grams came from, recorded in the header.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// What the data is: a package and file name, or a corpus path.
    pub name: String,
    /// The licence of the data.
    pub licence: String,
    /// Version of the package or corpus, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
}

/// What the values of the fst maps mean.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// Exact n-gram counts; probabilities by stupid backoff.
    Counts,
    /// Quantized ARPA log10 probabilities and backoff weights (Katz / Kneser–Ney backoff).
    Backoff,
}

/// The byte range of one section, relative to the start of the payload.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub order: usize,
    pub offset: u64,
    pub length: u64,
}

/// The byte range of the n-gram hash table, relative to the start of the payload.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSection {
    pub offset: u64,
    pub length: u64,
}

/// The JSON header of a model file.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Header {
    pub kind: ModelKind,
    /// Highest n-gram order stored (1..=[`MAX_ORDER`]).
    pub order: usize,
    /// Number of distinct n-grams stored, per order (`counts[0]` = unigrams).
    pub counts: Vec<u64>,
    /// Number of tokens the model was trained on (sum of the unigram counts; 0 when unknown).
    pub total_words: u64,
    /// n-grams of order `prune_from_order` and above seen fewer than `min_count` times were dropped.
    #[serde(default)]
    pub min_count: u64,
    #[serde(default)]
    pub prune_from_order: usize,
    /// Whether sentences were wrapped in `<s>` … `</s>` when counting.
    #[serde(default)]
    pub sentence_markers: bool,
    pub sources: Vec<Source>,
    /// The program that wrote the file, e.g. `unspin 0.1.0`.
    pub created_by: String,
    pub sections: Vec<Section>,
    /// The n-gram hash table, after the sections; absent in small models and imported ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash_table: Option<TableSection>,
    pub payload_length: u64,
    pub payload_crc32: u32,
}

/// Offset of the payload for a header of `header_len` bytes.
pub fn payload_offset(header_len: usize) -> usize {
    (PREFIX_LEN + header_len).div_ceil(8) * 8
}

/// Quantize an ARPA log10 probability and backoff into one fst value.
pub fn pack_backoff(log_prob: f32, log_backoff: f32) -> u64 {
    let prob_q = ((-log_prob).max(0.0) * LOG_SCALE).round() as u64;
    let bo = (log_backoff * LOG_SCALE).round() as i64;
    let bo_zz = ((bo << 1) ^ (bo >> 63)) as u64;
    (bo_zz << 24) | prob_q.min(PROB_Q_MAX)
}

/// Inverse of [`pack_backoff`]: (log10 probability, log10 backoff).
pub fn unpack_backoff(v: u64) -> (f32, f32) {
    let prob = -((v & PROB_Q_MAX) as f32) / LOG_SCALE;
    let zz = v >> 24;
    let bo = ((zz >> 1) as i64) ^ -((zz & 1) as i64);
    (prob, bo as f32 / LOG_SCALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_packing_round_trips() {
        for (p, b) in [(-1.234, -0.5), (0.0, 0.0), (-99.0, 0.301), (-5.5, -2.25)] {
            let (p2, b2) = unpack_backoff(pack_backoff(p, b));
            assert!((p - p2).abs() < 0.0006, "{p} {p2}");
            assert!((b - b2).abs() < 0.0006, "{b} {b2}");
        }
    }
}
