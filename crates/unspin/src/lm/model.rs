//! [`Model`]: a model file opened zero-copy (memory map or `&'static [u8]`).
//!
//! Opening parses the small JSON header, checks that the file holds exactly the payload the header
//! announces (a truncated or padded file is refused), verifies the payload's CRC-32, and opens
//! each section as an `fst::Map` over a view of the same bytes: nothing is copied, and one
//! `Arc<Model>` serves every thread.

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use super::format::{
    payload_offset, unpack_backoff, Header, ModelKind, FORMAT_VERSION, MAGIC, MAX_ORDER,
    PREFIX_LEN, SEPARATOR,
};
use super::table::{Answer, NgramTable};
use super::{stupid_backoff, LanguageModel};
use crate::error::{Error, Result};

enum Storage {
    Mmap(memmap2::Mmap),
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl Storage {
    #[inline]
    fn bytes(&self) -> &[u8] {
        match self {
            Storage::Mmap(m) => m,
            Storage::Static(s) => s,
            Storage::Owned(v) => v,
        }
    }
}

/// A byte range of the shared storage; what each fst map reads from.
#[derive(Clone)]
pub struct SectionBytes {
    storage: Arc<Storage>,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for SectionBytes {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        &self.storage.bytes()[self.start..self.end]
    }
}

/// When to verify the payload checksum on open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    Always,
    Never,
    /// Verify payloads of at most this many bytes. crc32fast runs at several GB/s, but it
    /// touches every page of the file: for a model of hundreds of MB that is most of the open
    /// time, so big models are checked structurally on open and in full by [`Model::verify`]
    /// (and `unspin model info`).
    UpTo(u64),
}

/// How to open a model file.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    pub verify: Verify,
}

/// The default checksum limit of [`Model::open`]: 64 MiB (the embedded model is 3.6 MiB).
pub const VERIFY_UP_TO: u64 = 64 << 20;

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            verify: Verify::UpTo(VERIFY_UP_TO),
        }
    }
}

/// An n-gram language model read from a model file. Send + Sync; share it as `Arc<Model>`.
pub struct Model {
    name: PathBuf,
    header: Header,
    /// One map per order; `maps[n - 1]` holds the n-grams.
    maps: Vec<fst::Map<SectionBytes>>,
    /// log10 P(<unk>) for backoff models (from the ARPA file, or a floor).
    unk_log_prob: f32,
    storage: Arc<Storage>,
    payload_start: usize,
    /// The sections as hash maps ([`Index`]), built once `index_after` lookups have been
    /// answered by the fst.
    index: OnceLock<Option<Index>>,
    /// Set by the thread that builds `index`; the others keep asking the fst meanwhile.
    index_building: AtomicBool,
    /// Lookups answered by the fst while no index was built.
    lookups_before_index: AtomicU64,
    /// See [`INDEX_AFTER_LOOKUPS_PER_ENTRY`]; 0 once [`LanguageModel::expect_text`] has
    /// announced enough text.
    index_after: AtomicU64,
}

/// Lookups answered by the fst before [`HashIndex`] is built, per entry it would hold (and at
/// least [`INDEX_AFTER_LOOKUPS_MIN`]). Building costs about half a microsecond per entry (0.1 s
/// for the embedded model's 326 k unigrams and bigrams, 0.36 s for enwiki2015's 735 k unigrams)
/// and each hashed lookup saves a fraction of one, so it pays only once a few lookups per entry
/// have been asked: a long document or a corpus, not a sentence or an article (seed001 with the
/// order-3 model: 0.31 s without the index, 0.67 s when it was built after 200 k lookups). Both
/// answer the same, so when the index comes changes nothing but speed.
const INDEX_AFTER_LOOKUPS_PER_ENTRY: u64 = 2;
const INDEX_AFTER_LOOKUPS_MIN: u64 = 200_000;
/// Text announced by [`LanguageModel::expect_text`] for which the [`HashIndex`] is built at
/// once: its 0.1 s for the embedded model pays back within about 1 MB of text (some 600
/// articles ask it 400 k lookups), so a scan of more than twice that builds it before the first.
const INDEX_AT_ONCE_FROM_BYTES: u64 = 2 << 20;

/// Largest unigram section [`Model`] indexes in a hash map (the embedded model has 82,834).
const UNIGRAM_INDEX_LIMIT: usize = 1_000_000;
/// Largest bigram section indexed too (the embedded model has 243,342). Larger models of counts
/// get an [`NgramTable`] of every section instead.
const BIGRAM_INDEX_LIMIT: usize = 2_000_000;

/// Lookups answered by the fst before an [`NgramTable`] is built, per n-gram it would hold.
/// Building costs about 0.25 µs of CPU per n-gram (4.5 s for enwiki2015's 17.7 M) and saves a
/// third of the time of the lookups that follow, so it pays back after some 5,000 articles
/// (docs/benchmarks.md, ninth pass). A run that does not say how much text is coming builds it
/// once it has asked one lookup per n-gram, some 7,000 articles in.
const TABLE_AFTER_LOOKUPS_PER_ENTRY: f64 = 1.0;
/// Text announced by [`LanguageModel::expect_text`] for which the table is built at once: a
/// little over twice the break-even, about 10,000 articles.
const TABLE_AT_ONCE_FROM_BYTES: u64 = 16 << 20;

/// Whether a model of counts with these n-gram counts per order is worth an [`NgramTable`]: its
/// bigrams are too many for the [`HashIndex`] (`unspin model build` writes the table into such
/// models; a file without one builds it in memory).
pub(super) fn wants_hash_table(counts: &[u64]) -> bool {
    counts
        .get(1)
        .is_some_and(|&bigrams| bigrams > BIGRAM_INDEX_LIMIT as u64)
}

/// The model's sections in hash maps: small models keep their unigrams and bigrams in a
/// [`HashIndex`]; large models of counts keep every n-gram in an [`NgramTable`].
enum Index {
    Small(HashIndex),
    Large(NgramTable),
}

impl Index {
    fn build(maps: &[fst::Map<SectionBytes>], header: &Header) -> Option<Index> {
        if Index::large(header) {
            return NgramTable::from_maps(maps).map(Index::Large);
        }
        HashIndex::build(maps).map(Index::Small)
    }

    /// Whether a model gets an [`NgramTable`] (a table's slots hold counts, not the packed
    /// probabilities of imported ARPA models). Its header's counts are its sections' lengths
    /// (checked on open).
    fn large(header: &Header) -> bool {
        header.kind == ModelKind::Counts && wants_hash_table(&header.counts)
    }

    /// Lookups answered by the fst before the index is built.
    fn build_after(maps: &[fst::Map<SectionBytes>], header: &Header) -> u64 {
        if Index::large(header) {
            let total: u64 = header.counts.iter().sum();
            return (total as f64 * TABLE_AFTER_LOOKUPS_PER_ENTRY) as u64;
        }
        HashIndex::entries(maps)
            .saturating_mul(INDEX_AFTER_LOOKUPS_PER_ENTRY)
            .max(INDEX_AFTER_LOOKUPS_MIN)
    }
}

/// The decoder asks for unigrams and bigrams far more than for anything else, and a hash probe
/// is several times cheaper than an fst walk; so small models keep both in memory as well.
struct HashIndex {
    /// Every word of the unigram and bigram sections, numbered.
    ids: FxHashMap<Box<str>, u32>,
    /// Unigram value by word id; [`ABSENT`] for words that occur only in bigrams (count lists
    /// may list a bigram without its words).
    unigrams: Vec<u64>,
    /// Bigram value by the ids of its two words; `None` when the section is too large.
    bigrams: Option<FxHashMap<(u32, u32), u64>>,
}

const ABSENT: u64 = u64::MAX;

impl HashIndex {
    fn build(maps: &[fst::Map<SectionBytes>]) -> Option<HashIndex> {
        use fst::Streamer;
        let unigram_map = maps.first()?;
        if unigram_map.len() > UNIGRAM_INDEX_LIMIT {
            return None;
        }
        let mut index = HashIndex {
            ids: FxHashMap::default(),
            unigrams: Vec::with_capacity(unigram_map.len()),
            bigrams: None,
        };
        index.ids.reserve(unigram_map.len());
        let mut stream = unigram_map.stream();
        while let Some((key, value)) = stream.next() {
            // Keys are UTF-8 (the writer checks); a key that is not could never be asked for by
            // a `&str`.
            if let Ok(word) = std::str::from_utf8(key) {
                let id = index.id_or_insert(word);
                index.unigrams[id as usize] = value;
            }
        }
        if let Some(bigram_map) = maps.get(1).filter(|m| m.len() <= BIGRAM_INDEX_LIMIT) {
            let mut bigrams = FxHashMap::default();
            bigrams.reserve(bigram_map.len());
            let mut stream = bigram_map.stream();
            while let Some((key, value)) = stream.next() {
                let Ok(pair) = std::str::from_utf8(key) else {
                    continue;
                };
                let Some((a, b)) = pair.split_once(SEPARATOR as char) else {
                    continue;
                };
                let ids = (index.id_or_insert(a), index.id_or_insert(b));
                bigrams.insert(ids, value);
            }
            index.bigrams = Some(bigrams);
        }
        Some(index)
    }

    /// How many entries [`HashIndex::build`] would hold for these sections.
    fn entries(maps: &[fst::Map<SectionBytes>]) -> u64 {
        let Some(unigrams) = maps.first().filter(|m| m.len() <= UNIGRAM_INDEX_LIMIT) else {
            return 0;
        };
        let bigrams = maps.get(1).filter(|m| m.len() <= BIGRAM_INDEX_LIMIT);
        (unigrams.len() + bigrams.map_or(0, |m| m.len())) as u64
    }

    fn id_or_insert(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.unigrams.len() as u32;
        self.unigrams.push(ABSENT);
        self.ids.insert(word.into(), id);
        id
    }

    /// `Some(answer)` when the index can answer for an n-gram of this length.
    #[inline]
    fn get(&self, ngram: &[&str]) -> Option<Option<u64>> {
        match ngram {
            [word] => Some(
                self.ids
                    .get(*word)
                    .map(|&id| self.unigrams[id as usize])
                    .filter(|&v| v != ABSENT),
            ),
            [a, b] => {
                let bigrams = self.bigrams.as_ref()?;
                let (Some(&x), Some(&y)) = (self.ids.get(*a), self.ids.get(*b)) else {
                    return Some(None);
                };
                Some(bigrams.get(&(x, y)).copied())
            }
            _ => None,
        }
    }

    /// [`stupid_backoff`] summed over `seq[from..]` for a bigram model whose bigrams are all in
    /// the index, with each word of `seq` looked up once instead of at every n-gram that holds
    /// it. `None` when the index cannot answer (no bigram map, a sequence too long to keep on
    /// the stack).
    fn bigram_seq_log_prob(&self, seq: &[&str], from: usize, total: u64) -> Option<f32> {
        let bigrams = self.bigrams.as_ref()?;
        const MAX: usize = 64;
        if seq.len() > MAX {
            return None;
        }
        let mut ids = [None::<u32>; MAX];
        for (slot, word) in ids.iter_mut().zip(seq) {
            *slot = self.ids.get(*word).copied();
        }
        let unigram = |id: Option<u32>| -> u64 {
            id.map(|i| self.unigrams[i as usize])
                .filter(|&v| v != ABSENT)
                .unwrap_or(0)
        };
        let bigram = |a: Option<u32>, b: Option<u32>| -> u64 {
            match (a, b) {
                (Some(a), Some(b)) => bigrams.get(&(a, b)).copied().unwrap_or(0),
                _ => 0,
            }
        };
        // The same arithmetic, in the same order, as `stupid_backoff` with order 2.
        let backoff = super::BACKOFF.log10();
        let mut values = [0.0f32; MAX];
        for k in from..seq.len() {
            let word = ids[k];
            let mut penalty = 0.0f32;
            let mut value = None;
            if k > 0 {
                let c = bigram(ids[k - 1], word);
                if c > 0 {
                    let denom = unigram(ids[k - 1]).max(c);
                    value = Some(penalty + (c as f32 / denom as f32).log10());
                } else {
                    penalty += backoff;
                }
            }
            let value = value.unwrap_or_else(|| {
                let c = unigram(word);
                if c > 0 {
                    penalty + (c as f32 / total.max(1) as f32).log10()
                } else {
                    penalty + backoff + (0.5 / total.max(1) as f32).log10()
                }
            });
            values[k] = value;
        }
        Some(values[from..seq.len()].iter().sum())
    }
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("name", &self.name)
            .field("kind", &self.header.kind)
            .field("order", &self.header.order)
            .field("counts", &self.header.counts)
            .finish()
    }
}

impl Model {
    /// Open a model file (memory-mapped), checking its header, size and structure, and its
    /// checksum when the payload is at most [`VERIFY_UP_TO`] bytes (see [`Verify`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Model> {
        Self::open_with(path, OpenOptions::default())
    }

    pub fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<Model> {
        let path = path.as_ref();
        let file = crate::error::open_file(path, "model")?;
        // SAFETY: the map is read-only; like every mmap reader we rely on the file not being
        // truncated or rewritten in place while it is open (model files are replaced by rename).
        let mmap = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        Self::from_storage(Storage::Mmap(mmap), path, options)
    }

    /// Open a model embedded in the binary (`include_bytes!`), without copying it.
    pub fn from_static(bytes: &'static [u8], name: &str) -> Result<Model> {
        Self::from_storage(
            Storage::Static(bytes),
            Path::new(name),
            OpenOptions::default(),
        )
    }

    /// Open a model held in memory.
    pub fn from_bytes(bytes: Vec<u8>, name: &str) -> Result<Model> {
        Self::from_storage(
            Storage::Owned(bytes),
            Path::new(name),
            OpenOptions::default(),
        )
    }

    fn from_storage(storage: Storage, name: &Path, options: OpenOptions) -> Result<Model> {
        let bad = |message: String| Error::parse(name, None, message);
        let bytes = storage.bytes();
        if bytes.len() < PREFIX_LEN || &bytes[..8] != MAGIC {
            let what = if bytes.len() < 8 && MAGIC.starts_with(bytes) {
                "truncated model file (shorter than its header)".to_string()
            } else {
                "not an unspin model file (wrong magic bytes; build one with `unspin model build` \
                 or import an ARPA file with `unspin model import-arpa`)"
                    .to_string()
            };
            return Err(bad(what));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version > FORMAT_VERSION {
            return Err(bad(format!(
                "model format version {version} is newer than this unspin reads \
                 (version {FORMAT_VERSION}): upgrade unspin, or rebuild the model with this one"
            )));
        }
        if version == 0 {
            return Err(bad("model format version 0 is invalid".into()));
        }
        let header_len = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
        if bytes.len() < PREFIX_LEN + header_len {
            return Err(bad(format!(
                "truncated model file: the header needs {} bytes, the file has {}",
                PREFIX_LEN + header_len,
                bytes.len()
            )));
        }
        let header: Header = serde_json::from_slice(&bytes[PREFIX_LEN..PREFIX_LEN + header_len])
            .map_err(|e| bad(format!("corrupt model header: {e}")))?;
        if header.order == 0 || header.order > MAX_ORDER {
            return Err(bad(format!(
                "corrupt model header: order {} is out of range 1..={MAX_ORDER}",
                header.order
            )));
        }
        if header.sections.len() != header.order || header.counts.len() != header.order {
            return Err(bad(format!(
                "corrupt model header: order {} but {} sections and {} counts",
                header.order,
                header.sections.len(),
                header.counts.len()
            )));
        }
        let start = payload_offset(header_len);
        let expected = start as u64 + header.payload_length;
        if (bytes.len() as u64) < expected {
            return Err(bad(format!(
                "truncated model file: {} bytes, the header announces {expected}",
                bytes.len()
            )));
        }
        if bytes.len() as u64 > expected {
            return Err(bad(format!(
                "corrupt model file: {} bytes, the header announces {expected} (trailing data)",
                bytes.len()
            )));
        }
        let payload = &bytes[start..];
        let verify = match options.verify {
            Verify::Always => true,
            Verify::Never => false,
            Verify::UpTo(limit) => header.payload_length <= limit,
        };
        if verify {
            let crc = crc32fast::hash(payload);
            if crc != header.payload_crc32 {
                return Err(bad(format!(
                    "corrupt model file: payload checksum {crc:08x}, the header says {:08x}",
                    header.payload_crc32
                )));
            }
        }
        let storage = Arc::new(storage);
        let mut maps = Vec::with_capacity(header.order);
        for (i, s) in header.sections.iter().enumerate() {
            let end = s.offset.checked_add(s.length);
            if s.order != i + 1 || end.is_none_or(|e| e > header.payload_length) {
                return Err(bad(format!(
                    "corrupt model header: section {} (order {}) out of place",
                    i + 1,
                    s.order
                )));
            }
            let data = SectionBytes {
                storage: Arc::clone(&storage),
                start: start + s.offset as usize,
                end: start + (s.offset + s.length) as usize,
            };
            let map = fst::Map::new(data)
                .map_err(|e| bad(format!("corrupt section of order {}: {e}", s.order)))?;
            if map.len() as u64 != header.counts[i] {
                return Err(bad(format!(
                    "corrupt section of order {}: {} n-grams, the header says {}",
                    s.order,
                    map.len(),
                    header.counts[i]
                )));
            }
            maps.push(map);
        }
        let table = match header.hash_table {
            None => None,
            Some(_) if header.kind != ModelKind::Counts => {
                return Err(bad(
                    "corrupt model header: a hash table in a model without counts".to_string(),
                ))
            }
            Some(t) => {
                let end = t.offset.checked_add(t.length);
                if end.is_none_or(|e| e > header.payload_length) {
                    return Err(bad(
                        "corrupt model header: hash table out of place".to_string()
                    ));
                }
                let data = SectionBytes {
                    storage: Arc::clone(&storage),
                    start: start + t.offset as usize,
                    end: start + (t.offset + t.length) as usize,
                };
                // Lookups land anywhere in the table: reading ahead around each one would fill
                // memory with slots nobody asked for.
                #[cfg(unix)]
                if let Storage::Mmap(map) = storage.as_ref() {
                    let _ = map.advise_range(
                        memmap2::Advice::Random,
                        data.start,
                        data.end - data.start,
                    );
                }
                Some(NgramTable::from_section(data).map_err(|e| bad(format!("corrupt {e}")))?)
            }
        };
        let index_after = Index::build_after(&maps, &header);
        let mut model = Model {
            name: name.to_path_buf(),
            header,
            maps,
            unk_log_prob: 0.0,
            storage,
            payload_start: start,
            index: OnceLock::new(),
            index_building: AtomicBool::new(false),
            lookups_before_index: AtomicU64::new(0),
            index_after: AtomicU64::new(index_after),
        };
        if let Some(table) = table {
            // A table in the file is ready at once: nothing to build, nothing to wait for.
            let _ = model.index.set(Some(Index::Large(table)));
        }
        model.unk_log_prob = match model.header.kind {
            ModelKind::Backoff => model
                .raw(&["<unk>"])
                .map(|v| unpack_backoff(v).0)
                .unwrap_or(UNKNOWN_FLOOR),
            ModelKind::Counts => UNKNOWN_FLOOR,
        };
        Ok(model)
    }

    /// Verify the payload checksum (for a model whose checksum was not verified on open).
    pub fn verify(&self) -> Result<()> {
        let crc = crc32fast::hash(&self.storage.bytes()[self.payload_start..]);
        if crc != self.header.payload_crc32 {
            return Err(Error::parse(
                &self.name,
                None,
                format!(
                    "corrupt model file: payload checksum {crc:08x}, the header says {:08x}",
                    self.header.payload_crc32
                ),
            ));
        }
        Ok(())
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The path or name the model was opened from.
    pub fn name(&self) -> &Path {
        &self.name
    }

    pub fn kind(&self) -> ModelKind {
        self.header.kind
    }

    /// The fst map of one order (1-based), for iteration (e.g. `unspin model info --top`).
    pub fn map(&self, order: usize) -> Option<&fst::Map<SectionBytes>> {
        self.maps.get(order.checked_sub(1)?)
    }

    /// The stored value of an n-gram (count, or packed probability/backoff).
    #[inline]
    pub fn raw(&self, ngram: &[&str]) -> Option<u64> {
        let map = self.maps.get(ngram.len().checked_sub(1)?)?;
        match self.index() {
            Some(Index::Small(index)) if ngram.len() <= 2 => {
                if let Some(answer) = index.get(ngram) {
                    return answer;
                }
            }
            Some(Index::Large(table)) => {
                return with_key(ngram, |key| match table.get(key) {
                    Answer::Absent => None,
                    Answer::Value(v) => Some(v),
                    Answer::AskFst => map.get(key),
                })
            }
            _ => {}
        }
        with_key(ngram, |key| map.get(key))
    }

    fn index(&self) -> Option<&Index> {
        if let Some(built) = self.index.get() {
            return built.as_ref();
        }
        let after = self.index_after.load(Ordering::Relaxed);
        if self.lookups_before_index.fetch_add(1, Ordering::Relaxed) < after {
            return None;
        }
        // One thread builds; the others go on asking the fst, which answers the same.
        if self.index_building.swap(true, Ordering::AcqRel) {
            return None;
        }
        let _ = self.index.set(Index::build(&self.maps, &self.header));
        self.index.get().and_then(Option::as_ref)
    }

    fn hash_index(&self) -> Option<&HashIndex> {
        match self.index()? {
            Index::Small(index) => Some(index),
            Index::Large(_) => None,
        }
    }

    fn backoff_log_prob(&self, context: &[&str], word: &str) -> f32 {
        let ctx = &context[context.len().saturating_sub(self.header.order - 1)..];
        let mut gram: Vec<&str> = Vec::with_capacity(ctx.len() + 1);
        let mut backoff = 0.0f32;
        for start in 0..=ctx.len() {
            gram.clear();
            gram.extend_from_slice(&ctx[start..]);
            gram.push(word);
            if let Some(v) = self.raw(&gram) {
                return backoff + unpack_backoff(v).0;
            }
            // P(w | c) = b(c) · P(w | c minus its oldest word) when c w is not listed.
            if start < ctx.len() {
                if let Some(v) = self.raw(&ctx[start..]) {
                    backoff += unpack_backoff(v).1;
                }
            }
        }
        backoff + self.unk_log_prob
    }
}

/// log10 probability of a word that no backoff model lists and that has no `<unk>` entry.
pub const UNKNOWN_FLOOR: f32 = -7.0;

/// Call `f` with the n-gram's key (words joined by [`SEPARATOR`]) without allocating for
/// ordinary n-grams.
#[inline]
fn with_key<R>(ngram: &[&str], f: impl FnOnce(&[u8]) -> R) -> R {
    let len = ngram.iter().map(|w| w.len()).sum::<usize>() + ngram.len().saturating_sub(1);
    let mut stack = [0u8; 192];
    let mut heap = Vec::new();
    let buf: &mut [u8] = if len <= stack.len() {
        &mut stack[..len]
    } else {
        heap.resize(len, 0);
        &mut heap
    };
    let mut at = 0;
    for (i, w) in ngram.iter().enumerate() {
        if i > 0 {
            buf[at] = SEPARATOR;
            at += 1;
        }
        buf[at..at + w.len()].copy_from_slice(w.as_bytes());
        at += w.len();
    }
    f(buf)
}

impl LanguageModel for Model {
    fn order(&self) -> usize {
        self.header.order
    }

    fn log_prob(&self, context: &[&str], word: &str) -> f32 {
        match self.header.kind {
            ModelKind::Counts => stupid_backoff(self, context, word),
            ModelKind::Backoff => self.backoff_log_prob(context, word),
        }
    }

    /// Exact count for `counts` models; for imported ARPA models, which carry no counts,
    /// 1 when the n-gram is listed and 0 otherwise.
    fn count(&self, ngram: &[&str]) -> u64 {
        match (self.raw(ngram), self.header.kind) {
            (None, _) => 0,
            (Some(c), ModelKind::Counts) => c,
            (Some(_), ModelKind::Backoff) => 1,
        }
    }

    fn counts(&self, ngrams: &[&[&str]]) -> Vec<u64> {
        let Some(Index::Large(table)) = self.index() else {
            return ngrams.iter().map(|g| self.count(g)).collect();
        };
        // Keys back to back in one buffer (the table is only built for models of counts).
        let mut buffer = Vec::new();
        let mut ends = Vec::with_capacity(ngrams.len());
        for gram in ngrams {
            with_key(gram, |key| buffer.extend_from_slice(key));
            ends.push(buffer.len());
        }
        let keys = || {
            ends.iter().scan(0, |start, &end| {
                Some(&buffer[std::mem::replace(start, end)..end])
            })
        };
        let answers = table.get_many(keys());
        ngrams
            .iter()
            .zip(keys().zip(answers))
            .map(|(gram, (key, answer))| match answer {
                _ if gram.is_empty() || gram.len() > self.maps.len() => 0,
                Answer::Absent => 0,
                Answer::Value(v) => v,
                Answer::AskFst => self.maps[gram.len() - 1].get(key).unwrap_or(0),
            })
            .collect()
    }

    fn contains(&self, ngram: &[&str]) -> bool {
        self.raw(ngram).is_some()
    }

    fn total_words(&self) -> u64 {
        self.header.total_words
    }

    /// Counted from running text with its bigrams unpruned. A corpus yields many more distinct
    /// bigrams than words (enwiki2015: 14 per word), a list of frequent bigrams a few (the
    /// default model: 2.9), so fewer than [`RUNNING_TEXT_BIGRAMS_PER_WORD`] means a list.
    fn seq_log_prob(&self, seq: &[&str], from: usize) -> f32 {
        if self.header.kind == ModelKind::Counts && self.header.order == 2 {
            if let Some(lp) = self
                .hash_index()
                .and_then(|index| index.bigram_seq_log_prob(seq, from, self.header.total_words))
            {
                return lp;
            }
        }
        super::seq_log_prob_word_by_word(self, seq, from)
    }

    /// A run announcing at least [`TABLE_AT_ONCE_FROM_BYTES`] builds a large model's
    /// [`NgramTable`] at its first lookup instead of thousands of articles in.
    fn expect_text(&self, bytes: u64) {
        let at_once = if Index::large(&self.header) {
            TABLE_AT_ONCE_FROM_BYTES
        } else {
            INDEX_AT_ONCE_FROM_BYTES
        };
        if bytes >= at_once {
            self.index_after.store(0, Ordering::Relaxed);
        }
    }

    fn attests_bigrams(&self) -> bool {
        let h = &self.header;
        let unpruned = h.min_count <= 1 || h.prune_from_order > 2;
        h.kind == ModelKind::Counts
            && h.order >= 2
            && unpruned
            && h.counts.len() >= 2
            && h.counts[1] >= RUNNING_TEXT_BIGRAMS_PER_WORD * h.counts[0]
    }
}

/// See [`Model::attests_bigrams`].
const RUNNING_TEXT_BIGRAMS_PER_WORD: u64 = 5;

/// The embedded default model (built by `models/build-default.sh` from registry packages only).
pub static DEFAULT_MODEL_BYTES: &[u8] = include_bytes!("../../../../models/default.lm");

/// The embedded default model, opened once (zero-copy) and shared.
pub fn try_default_model() -> Result<Arc<Model>> {
    static MODEL: OnceLock<std::result::Result<Arc<Model>, String>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            Model::from_static(DEFAULT_MODEL_BYTES, "<embedded default model>")
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(Error::Invalid)
}

/// Whether the embedded default model knows a (normalized) word, or a pair of words: the
/// dictionary that plain-text handling asks (`token::keeps_hyphen_at_break`).
pub fn is_known(words: &[&str]) -> bool {
    crate::lm::LanguageModel::count(default_model().as_ref(), words) > 0
}

/// The embedded default model. Its validity is checked by the test suite, so failure here is a
/// build defect, not bad input.
pub fn default_model() -> Arc<Model> {
    try_default_model().expect("the embedded default model is valid (checked by tests)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::{HashTable, LanguageModel};

    /// A large model's table answers every stored n-gram with its value and every other as
    /// absent, as the fst does; a model whose index is the table answers as before.
    #[test]
    fn the_ngram_table_answers_as_the_fst_does() {
        use fst::Streamer;
        let dir = tempfile::tempdir().unwrap();
        let m = Model::open(built(dir.path(), HashTable::Never)).unwrap();
        let table = NgramTable::from_maps(&m.maps).unwrap();
        let mut keys = Vec::new();
        for map in &m.maps {
            let mut stream = map.stream();
            while let Some((key, value)) = stream.next() {
                assert_eq!(table.get(key), Answer::Value(value));
                let mut missing = key.to_vec();
                missing.extend_from_slice(b"q");
                assert_eq!(map.get(&missing), None);
                assert_eq!(table.get(&missing), Answer::Absent);
                keys.push(String::from_utf8(key.to_vec()).unwrap());
            }
        }
        assert!(keys.len() > 1000, "{} n-grams", keys.len());
        let walked: Vec<Option<u64>> = keys
            .iter()
            .map(|k| m.raw(&k.split(' ').collect::<Vec<_>>()))
            .collect();
        assert!(m.index.set(Some(Index::Large(table))).is_ok());
        for (key, walked) in keys.iter().zip(walked) {
            let words: Vec<&str> = key.split(' ').collect();
            assert_eq!(m.raw(&words), walked, "{key}");
            let mut other = words.clone();
            other.push("unseen");
            assert_eq!(m.raw(&other), None, "{key} unseen");
        }
    }

    /// A small order-3 model of counts, built with or without its hash table.
    fn built(dir: &Path, hash_table: HashTable) -> PathBuf {
        let path = dir.join(format!("{hash_table:?}.lm"));
        let texts = (0..400u32).map(|i| {
            format!(
                "w{} w{} w{} w{}. The w{} of w{} said so.",
                i % 37,
                i % 11,
                i % 53,
                i % 7,
                i % 29,
                i % 13
            )
        });
        let options = crate::lm::BuildOptions {
            order: 3,
            threads: 2,
            hash_table,
            ..Default::default()
        };
        crate::lm::build_model_from_texts(texts, &path, &options).unwrap();
        path
    }

    /// Every n-gram of a model, as word lists.
    fn every_ngram(m: &Model) -> Vec<Vec<String>> {
        use fst::Streamer;
        let mut all = Vec::new();
        for map in &m.maps {
            let mut stream = map.stream();
            while let Some((key, _)) = stream.next() {
                let key = std::str::from_utf8(key).unwrap();
                all.push(key.split(' ').map(str::to_string).collect());
            }
        }
        all
    }

    /// A hash table written by `model build` is the model's index from the moment it opens,
    /// and the model answers exactly as the same model without one.
    #[test]
    fn a_written_hash_table_answers_at_once_and_as_the_fst_does() {
        let dir = tempfile::tempdir().unwrap();
        let with = Model::open(built(dir.path(), HashTable::Always)).unwrap();
        let without = Model::open(built(dir.path(), HashTable::Never)).unwrap();
        assert!(with.header().hash_table.is_some());
        assert!(without.header().hash_table.is_none());
        assert!(matches!(with.index.get(), Some(Some(Index::Large(_)))));
        assert!(without.index.get().is_none());
        let ngrams = every_ngram(&without);
        assert!(ngrams.len() > 1000);
        for words in &ngrams {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            assert!(without.raw(&words).is_some());
            assert_eq!(with.raw(&words), without.raw(&words), "{words:?}");
            let mut other = words.clone();
            other[0] = "unseen";
            assert_eq!(with.raw(&other), without.raw(&other), "{other:?}");
        }
        // Asked all at once, as the decoder asks a word's candidates: the same counts, also for
        // n-grams no model can hold.
        let mut grams: Vec<Vec<&str>> = ngrams
            .iter()
            .map(|g| g.iter().map(String::as_str).collect())
            .collect();
        grams.extend([vec![], vec!["unseen"], vec!["w1", "w2", "w3", "w4"]]);
        let grams: Vec<&[&str]> = grams.iter().map(Vec::as_slice).collect();
        let one_by_one: Vec<u64> = grams.iter().map(|g| without.count(g)).collect();
        assert_eq!(with.counts(&grams), one_by_one);
        assert_eq!(without.counts(&grams), one_by_one);
        // The automatic choice leaves a small model without one.
        let auto = Model::open(built(dir.path(), HashTable::Auto)).unwrap();
        assert!(auto.header().hash_table.is_none());
    }

    /// The bytes of a small model with a hash table, its header's length and its header.
    fn with_table(dir: &Path) -> (Vec<u8>, usize, Header) {
        let bytes = std::fs::read(built(dir, HashTable::Always)).unwrap();
        let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
        let header = serde_json::from_slice(&bytes[PREFIX_LEN..][..header_len]).unwrap();
        (bytes, header_len, header)
    }

    /// A header whose hash table does not fit the payload, or sits in a model without counts,
    /// is refused with a message that says so.
    #[test]
    fn a_misplaced_hash_table_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (good, header_len, header) = with_table(dir.path());
        let payload = &good[payload_offset(header_len)..];
        let rewritten = |edit: &dyn Fn(&mut Header)| {
            let mut h = header.clone();
            edit(&mut h);
            let json = serde_json::to_vec(&h).unwrap();
            let mut bytes = good[..12].to_vec();
            bytes.extend_from_slice(&(json.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&json);
            bytes.resize(payload_offset(json.len()), 0);
            bytes.extend_from_slice(payload);
            bytes
        };
        let table = header.hash_table.unwrap();
        type Edit<'a> = &'a dyn Fn(&mut Header);
        let cases: [(Edit, &str); 3] = [
            (
                &|h| h.hash_table.as_mut().unwrap().offset = table.offset + 12,
                "hash table out of place",
            ),
            (
                &|h| h.hash_table.as_mut().unwrap().length = table.length - 1,
                "not a whole number of 12-byte slots",
            ),
            (
                &|h| h.kind = ModelKind::Backoff,
                "hash table in a model without counts",
            ),
        ];
        for (i, (edit, expected)) in cases.into_iter().enumerate() {
            let path = dir.path().join(format!("bad{i}.lm"));
            std::fs::write(&path, rewritten(edit)).unwrap();
            let e = Model::open(&path).unwrap_err().to_string();
            assert!(
                e.contains(expected) && e.contains(&format!("bad{i}.lm")),
                "{e}"
            );
        }
        let path = dir.path().join("same.lm");
        std::fs::write(&path, rewritten(&|_| {})).unwrap();
        assert!(Model::open(&path).is_ok());
    }

    /// Bytes of a model with a hash table, corrupted anywhere in the header or the table: open
    /// either refuses the file with its name, or gives a model whose lookups all return. With
    /// the checksum skipped, a corrupt table gives wrong counts at worst, never a hang or panic.
    #[test]
    fn a_corrupt_header_or_table_never_panics_or_hangs() {
        let dir = tempfile::tempdir().unwrap();
        let (good, header_len, header) = with_table(dir.path());
        let table = header.hash_table.unwrap();
        let table_start = payload_offset(header_len) + table.offset as usize;
        let ngrams = every_ngram(&Model::from_bytes(good.clone(), "good.lm").unwrap());
        let ask = |m: &Model| {
            for words in ngrams.iter().step_by(7) {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                let _ = m.count(&words);
                let _ = m.log_prob(&words[..words.len() - 1], words[words.len() - 1]);
            }
        };
        let mut next = crate::test_rng::xorshift(0x9E37_79B9);
        for at in 0..PREFIX_LEN + header_len {
            let mut bytes = good.clone();
            bytes[at] ^= 1 << (next() % 8);
            match Model::from_bytes(bytes, "bad.lm") {
                Err(e) => assert!(e.to_string().contains("bad.lm"), "{e}"),
                Ok(m) => ask(&m),
            }
        }
        let never = OpenOptions {
            verify: Verify::Never,
        };
        let path = dir.path().join("table.lm");
        for round in 0..20 {
            let mut bytes = good.clone();
            if round == 0 {
                // No empty slot at all.
                bytes[table_start..][..table.length as usize].fill(0xA5);
            }
            for _ in 0..1 << (round % 8) {
                let at = table_start + (next() % table.length) as usize;
                bytes[at] = bytes[at].wrapping_add(1 + (next() % 255) as u8);
            }
            std::fs::write(&path, &bytes).unwrap();
            ask(&Model::open_with(&path, never).unwrap());
        }
    }

    /// A scan announces its text: over 2 MiB, the embedded model's hash index is built at the
    /// first lookup instead of after some 650 k (the document score asks it in every scan,
    /// whatever model the decoder uses); a short text leaves the first lookups to the fst.
    #[test]
    fn announced_text_builds_the_small_index_at_once() {
        let open = || Model::from_static(DEFAULT_MODEL_BYTES, "default").unwrap();
        let short = open();
        short.expect_text(1 << 20);
        assert!(short.count(&["the"]) > 0);
        assert!(short.index.get().is_none(), "1 MiB is not worth the index");
        let long = open();
        long.expect_text(4 << 20);
        assert!(long.count(&["the"]) > 0);
        assert!(matches!(long.index.get(), Some(Some(Index::Small(_)))));
        assert_eq!(long.count(&["the", "war"]), short.count(&["the", "war"]));
    }

    /// The index is built only after some lookups (`Model::index_after`), so one process answers
    /// from both: they must agree exactly, or a document's findings would depend on what was
    /// checked before it.
    #[test]
    fn the_hash_index_answers_as_the_fst_does() {
        let m = default_model();
        let index = HashIndex::build(&m.maps).expect("the embedded model is small enough");
        let words = [
            "the",
            "ukrainian",
            "forces",
            "pressures",
            "head",
            "of",
            "state",
            "president",
            "martial",
            "law",
            "legislation",
            "qqzxv",
            "zelenskyy",
            "as",
            "well",
            "and",
        ];
        for a in words {
            let fst = with_key(&[a], |k| m.maps[0].get(k));
            assert_eq!(index.get(&[a]), Some(fst), "{a}");
            for b in words {
                let fst = with_key(&[a, b], |k| m.maps[1].get(k));
                assert_eq!(index.get(&[a, b]), Some(fst), "{a} {b}");
            }
        }
        let total = m.total_words();
        for text in [
            "the ukrainian forces as well as the head of state",
            "martial legislation qqzxv and zelenskyy said the law",
        ] {
            let seq: Vec<&str> = text.split(' ').collect();
            for from in 0..seq.len() {
                let hashed = index.bigram_seq_log_prob(&seq, from, total);
                let walked = crate::lm::seq_log_prob_word_by_word(m.as_ref(), &seq, from);
                assert_eq!(hashed, Some(walked), "{text} from {from}");
            }
        }
    }
}
