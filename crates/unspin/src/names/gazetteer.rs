//! The gazetteer: multi-word names, titles and events known to be written that way.
//!
//! One `fst` map over five kinds of normalized keys (tokens [`normalize`]d and joined by one
//! space, the possessive `'s` as its own token):
//! - `n\0luhansk people 's republic` → how often the capitalised sequence occurred;
//! - `t\0president` → how often the word started a capitalised sequence followed directly by
//!   another capitalised word (a title before a name: "President Joe Biden");
//! - `w\0republic` → how often the word occurred inside a multi-word capitalised sequence (the
//!   vocabulary of names, used to rank and prune candidate originals);
//! - `f\0battle`, `l\0congress` → how many different known names the word starts or ends
//!   (computed when the gazetteer is built; see [`Gazetteer::starts_names`]).
//!
//! Two sources: [`Gazetteer::embedded`], from WordNet's capitalised lemmas (registry data,
//! `models/names/wordnet_names.py`), and files mined from a clean corpus by [`GazetteerBuilder`]
//! (`unspin gazetteer --corpus ... --out FILE`), which are built at evaluation time and never
//! committed. A file is `MAGIC`, a little-endian u32 header length, a JSON [`GazetteerHeader`]
//! and the fst bytes; it is memory-mapped, so opening costs no parse.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use fst::raw::Output;
use fst::{Map, MapBuilder};
use serde::{Deserialize, Serialize};

use crate::cache::SharedCache;
use crate::error::{Error, Result};
use crate::synth::FUNCTION_WORDS;
use crate::token::{normalize, sentences, tokenize, Token, TokenKind};

const MAGIC: &[u8; 8] = b"UNSPINGZ";
/// Version 2 added the counts of names each word starts and ends ([`Gazetteer::starts_names`]).
pub const FORMAT_VERSION: u32 = 2;

/// Longest name kept, in tokens.
pub const MAX_NAME_TOKENS: usize = 6;

/// Lower-case words that may join the capitalised words of one name ("Battle of Narva",
/// "Trinidad and Tobago", "Ludwig van Beethoven").
pub const CONNECTORS: &[&str] = &[
    "of", "the", "and", "for", "de", "du", "des", "la", "le", "von", "van", "der", "den", "del",
    "da", "di", "dos", "upon", "on", "'s", "y", "al", "bin", "ibn",
];

/// What a gazetteer file says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GazetteerHeader {
    pub format: u32,
    /// Where the names came from (file names, "WordNet 3.0").
    pub sources: Vec<String>,
    pub licence: String,
    pub documents: u64,
    /// Entries seen fewer times were dropped; a name needs at least this count to be known.
    pub min_count: u64,
    pub keys: u64,
}

enum Bytes {
    Owned(Vec<u8>),
    Static(&'static [u8]),
    Mapped { map: memmap2::Mmap, offset: usize },
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Static(b) => b,
            Bytes::Mapped { map, offset } => &map[*offset..],
        }
    }
}

/// A set of known names with counts. Cheap to share between threads.
pub struct Gazetteer {
    map: Map<Bytes>,
    pub header: GazetteerHeader,
    /// Candidate originals of written windows, computed against this gazetteer (see
    /// `names::originals`), shared by every thread that checks with it. Key: (the lexicon's
    /// address, the written window, its word count, whether it may be an expansion).
    pub(crate) originals_cache:
        SharedCache<(usize, String, usize, bool), Arc<[super::NameOriginal]>>,
}

/// Written windows whose name candidates a gazetteer keeps.
const ORIGINALS_CACHE_LIMIT: usize = 100_000;

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("header", &self.header)
            .finish()
    }
}

fn key(kind: u8, phrase: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(phrase.len() + 2);
    k.push(kind);
    k.push(0);
    k.extend_from_slice(phrase.as_bytes());
    k
}

/// A position in the gazetteer's names after some words (see [`Gazetteer::names`]).
#[derive(Clone)]
pub struct NameCursor<'g> {
    fst: &'g fst::raw::Fst<Bytes>,
    node: fst::raw::Node<'g>,
    output: Output,
    /// No word walked yet (the next one takes no space before it).
    first: bool,
}

impl<'g> NameCursor<'g> {
    fn step(&self, byte: u8) -> Option<NameCursor<'g>> {
        let i = self.node.find_input(byte)?;
        let t = self.node.transition(i);
        Some(NameCursor {
            fst: self.fst,
            node: self.fst.node(t.addr),
            output: self.output.cat(t.out),
            first: self.first,
        })
    }

    /// The names that continue with `word` (normalized; it may hold spaces); `None` when no
    /// known name does.
    pub fn then(&self, word: &str) -> Option<NameCursor<'g>> {
        let mut c = if self.first {
            self.clone()
        } else {
            self.step(b' ')?
        };
        for &b in word.as_bytes() {
            c = c.step(b)?;
        }
        c.first = false;
        Some(c)
    }

    /// [`NameCursor::then`] for each word in turn.
    pub fn then_all<'w>(&self, words: impl IntoIterator<Item = &'w str>) -> Option<NameCursor<'g>> {
        let mut c = self.clone();
        for w in words {
            c = c.then(w)?;
        }
        Some(c)
    }

    /// Whether some name goes on past the words walked so far (at a word boundary, so that
    /// "kingdom of" does not go on into "kingdom offa").
    pub fn goes_on(&self) -> bool {
        !self.first && self.step(b' ').is_some()
    }

    /// Times the words walked so far occurred as a whole name ([`Gazetteer::name_count`]).
    pub fn count(&self) -> u64 {
        if self.first || !self.node.is_final() {
            0
        } else {
            self.output.cat(self.node.final_output()).value()
        }
    }
}

/// The name list `models/names/wordnet_names.py` writes; the binary carries it built
/// ([`EMBEDDED_FST`]), so only the test that checks the two reads it.
#[cfg(test)]
static WORDNET_NAMES: &str = include_str!("wordnet_names.txt");

/// The gazetteer [`build_embedded`] makes of `wordnet_names.txt`, as fst bytes. Rebuild it after
/// changing the list or the builder: `UNSPIN_BLESS=1 cargo test -p unspin --lib embedded_fst`.
static EMBEDDED_FST: &[u8] = include_bytes!("wordnet_names.fst");

fn embedded_header(keys: u64) -> GazetteerHeader {
    GazetteerHeader {
        format: FORMAT_VERSION,
        sources: vec!["WordNet 3.0 (crate thesaurus-wordnet 0.2.0)".into()],
        licence: "WordNet 3.0 licence (Princeton University)".into(),
        documents: 0,
        min_count: 1,
        keys,
    }
}

/// The embedded gazetteer built from its name list (the names of WordNet 3.0 and the titles).
#[cfg(test)]
fn build_embedded() -> Gazetteer {
    let mut b = GazetteerBuilder::new();
    for line in WORDNET_NAMES.lines() {
        let mut parts = line.split('\t');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("name"), Some(name), None) => b.add_name(name, 1),
            (Some("title"), Some(title), Some(n)) => {
                *b.counts.entry(key(b't', title)).or_insert(0) += n.parse().unwrap_or(1)
            }
            _ => {}
        }
    }
    b.finish(1)
        .expect("the embedded name list builds a valid gazetteer")
}

impl Gazetteer {
    /// Times `phrase` (normalized, space-joined) occurred as a capitalised name.
    pub fn name_count(&self, phrase: &str) -> u64 {
        self.count_of(b'n', phrase)
    }

    /// The count stored under `kind`'s key for `phrase`. The names check asks for every word
    /// of every candidate: a short key is built on the stack, sparing an allocation per lookup.
    fn count_of(&self, kind: u8, phrase: &str) -> u64 {
        let mut buf = [0u8; 64];
        let n = phrase.len() + 2;
        let count = if n <= buf.len() {
            buf[0] = kind;
            buf[2..n].copy_from_slice(phrase.as_bytes());
            self.map.get(&buf[..n])
        } else {
            self.map.get(key(kind, phrase))
        };
        count.unwrap_or(0)
    }

    /// A walk down the known names, one word at a time: the names check asks for every
    /// context around every candidate, and most of those phrases share their first words.
    /// `None` when the gazetteer knows no names.
    pub fn names(&self) -> Option<NameCursor<'_>> {
        let fst = self.map.as_fst();
        let root = NameCursor {
            fst,
            node: fst.root(),
            output: Output::zero(),
            first: true,
        };
        root.step(b'n')?.step(0)
    }

    /// Times `title` started a name directly followed by a capitalised word.
    pub fn title_count(&self, title: &str) -> u64 {
        self.count_of(b't', title)
    }

    /// How many different words follow `head` in the known names, counted up to `at_most`:
    /// a head that takes any name ("Mount", "Art") makes a two-word match weak evidence.
    pub fn words_after(&self, head: &str, at_most: usize) -> usize {
        use fst::{IntoStreamer, Streamer};
        let mut lo = key(b'n', head);
        lo.push(b' ');
        let mut hi = lo.clone();
        *hi.last_mut().expect("not empty") += 1;
        // Keys come sorted, so the names that share a next word are contiguous.
        let mut stream = self.map.range().ge(&lo).lt(&hi).into_stream();
        let (mut words, mut last) = (0, Vec::new());
        while let Some((k, _)) = stream.next() {
            let rest = &k[lo.len()..];
            let word = rest.split(|&b| b == b' ').next().unwrap_or(rest);
            if words == 0 || last != word {
                words += 1;
                if words >= at_most {
                    break;
                }
                last = word.to_vec();
            }
        }
        words
    }

    /// Times `word` occurred inside a multi-word name.
    pub fn word_count(&self, word: &str) -> u64 {
        self.count_of(b'w', word)
    }

    /// How many different known names start with `word` ("battle": "Battle of Hastings",
    /// "Battle of Narva", ...), names told apart by their next word other than a connector.
    pub fn starts_names(&self, word: &str) -> u64 {
        self.count_of(b'f', word)
    }

    /// How many different known names end with `word` ("congress": "Continental Congress",
    /// "Indian National Congress", ...), names told apart by the word before it other than a
    /// connector.
    pub fn ends_names(&self, word: &str) -> u64 {
        self.count_of(b'l', word)
    }

    /// The smallest count that makes a name known.
    pub fn min_count(&self) -> u64 {
        self.header.min_count.max(1)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The names of WordNet 3.0 (about 10,000 capitalised lemmas such as "Security Council"),
    /// built once per process from the list embedded in the binary.
    pub fn embedded() -> &'static Gazetteer {
        static GAZ: OnceLock<Gazetteer> = OnceLock::new();
        GAZ.get_or_init(|| {
            // Built from the list ahead of time (`build_embedded`; a test checks the two agree):
            // building it in each process cost 233 M instructions, 44% of a one-sentence check.
            let map = Map::new(Bytes::Static(EMBEDDED_FST))
                .expect("the embedded gazetteer is a valid fst");
            let keys = map.len() as u64;
            Gazetteer {
                map,
                originals_cache: SharedCache::new(ORIGINALS_CACHE_LIMIT),
                header: embedded_header(keys),
            }
        })
    }

    /// Open a gazetteer file written by [`GazetteerBuilder::write`].
    pub fn open(path: &Path) -> Result<Gazetteer> {
        let file = crate::error::open_file(path, "gazetteer")?;
        // SAFETY: the file is opened read-only; as with every memory map, a process truncating
        // it underneath us could fault, which is documented for model files too.
        let mmap = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        let bad = |m: &str| Error::parse(path, None, format!("not a gazetteer file: {m}"));
        if mmap.len() < 16 || &mmap[..8] != MAGIC {
            return Err(bad("wrong magic bytes"));
        }
        let version = u32::from_le_bytes(mmap[8..12].try_into().expect("4 bytes"));
        if version != FORMAT_VERSION {
            let what = if version < FORMAT_VERSION {
                "older"
            } else {
                "newer"
            };
            return Err(Error::parse(
                path,
                None,
                format!(
                    "gazetteer format version {version} is {what} than this unspin reads \
                     (version {FORMAT_VERSION}): rebuild it with `unspin gazetteer`"
                ),
            ));
        }
        let hlen = u32::from_le_bytes(mmap[12..16].try_into().expect("4 bytes")) as usize;
        if 16 + hlen > mmap.len() {
            return Err(bad("truncated header"));
        }
        let header: GazetteerHeader = serde_json::from_slice(&mmap[16..16 + hlen])
            .map_err(|e| bad(&format!("header: {e}")))?;
        let map = Map::new(Bytes::Mapped {
            map: mmap,
            offset: 16 + hlen,
        })
        .map_err(|e| bad(&format!("index: {e}")))?;
        Ok(Gazetteer {
            map,
            header,
            originals_cache: SharedCache::new(ORIGINALS_CACHE_LIMIT),
        })
    }

    /// Write this gazetteer to `path`.
    pub fn write(&self, path: &Path) -> Result<()> {
        let header = serde_json::to_vec(&self.header).map_err(|e| Error::Invalid(e.to_string()))?;
        let io = |e| Error::io(path, e);
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
        f.write_all(MAGIC).map_err(io)?;
        f.write_all(&FORMAT_VERSION.to_le_bytes()).map_err(io)?;
        f.write_all(&(header.len() as u32).to_le_bytes())
            .map_err(io)?;
        f.write_all(&header).map_err(io)?;
        f.write_all(self.map.as_fst().as_bytes()).map_err(io)?;
        f.flush().map_err(io)
    }
}

/// A gazetteer an engine can hold: the embedded one or a loaded file, cheap to clone.
#[derive(Debug, Clone)]
pub enum SharedGazetteer {
    Embedded,
    Loaded(std::sync::Arc<Gazetteer>),
}

impl std::ops::Deref for SharedGazetteer {
    type Target = Gazetteer;
    fn deref(&self) -> &Gazetteer {
        match self {
            SharedGazetteer::Embedded => Gazetteer::embedded(),
            SharedGazetteer::Loaded(g) => g,
        }
    }
}

/// Options of [`mine_corpus`].
#[derive(Debug, Clone)]
pub struct MineOptions {
    /// Keys seen fewer times are dropped from the result.
    pub min_count: u64,
    /// Stop after this many documents per corpus file.
    pub limit: Option<usize>,
    /// When the table grows past this many keys, keys seen once are dropped (bounds memory;
    /// counts kept are then lower bounds).
    pub max_keys: usize,
}

impl Default for MineOptions {
    fn default() -> Self {
        MineOptions {
            min_count: 2,
            limit: None,
            max_keys: 30_000_000,
        }
    }
}

/// Mine names from corpus files (JSONL with `text`, or plain text; `.gz`/`.zst`) on all
/// threads of the current rayon pool. `progress` is called after each batch with the number of
/// documents so far. Corpus lines that cannot be read are added to `skipped` with their reasons
/// (also when mining then fails: they may be why); a corpus that gives no document is an error.
pub fn mine_corpus(
    paths: &[std::path::PathBuf],
    options: &MineOptions,
    skipped: &mut crate::names::corpus::Skipped,
    mut progress: impl FnMut(u64),
) -> Result<Gazetteer> {
    use rayon::prelude::*;
    const BATCH: usize = 2048;
    let mut total = GazetteerBuilder::new();
    let mut batch: Vec<String> = Vec::with_capacity(BATCH);
    let mut flush = |batch: &mut Vec<String>, total: &mut GazetteerBuilder| {
        let part = batch
            .par_iter()
            .fold(GazetteerBuilder::new, |mut b, text| {
                b.add_document(text);
                b
            })
            .reduce(GazetteerBuilder::new, |mut a, b| {
                a.merge(b);
                a
            });
        batch.clear();
        total.merge(part);
        if total.len() > options.max_keys {
            total.prune(2);
        }
        progress(total.documents);
    };
    for path in paths {
        crate::names::corpus::read_documents(path, options.limit, skipped, |doc| {
            batch.push(doc.text);
            if batch.len() == BATCH {
                flush(&mut batch, &mut total);
            }
        })?;
        total.sources.push(path.display().to_string());
    }
    if !batch.is_empty() {
        flush(&mut batch, &mut total);
    }
    if total.documents == 0 {
        let why = match skipped.count {
            0 => String::new(),
            n => format!(" ({n} line(s) skipped)"),
        };
        return Err(Error::Invalid(format!(
            "the corpus gave no documents to mine{why}; nothing written"
        )));
    }
    total.licence = "derived from the corpora listed in sources; their licences apply".into();
    total.finish(options.min_count)
}

/// Counts names in clean text. Feed documents with [`add_document`](Self::add_document)
/// (several builders can run in parallel and be [`merge`](Self::merge)d), then [`finish`](Self::finish).
#[derive(Debug, Default)]
pub struct GazetteerBuilder {
    counts: HashMap<Vec<u8>, u64>,
    pub documents: u64,
    pub sources: Vec<String>,
    pub licence: String,
}

fn is_cap_word(t: &Token, text: &str) -> bool {
    t.kind == TokenKind::Word
        && t.text(text)
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase())
}

/// The capitalised sequences of a text: runs of capitalised words joined by [`CONNECTORS`]
/// and possessives, never across punctuation, numbers or line breaks. A sentence-initial
/// function word ("The", "In") is not part of a name. Returns token-index lists.
pub fn capitalised_runs(text: &str, tokens: &[Token]) -> Vec<Vec<usize>> {
    let mut sentence_start = vec![false; tokens.len()];
    for r in sentences(text, tokens) {
        if r.start < tokens.len() {
            sentence_start[r.start] = true;
        }
    }
    let lower = |i: usize| normalize(tokens[i].text(text));
    let cap = |i: usize| {
        is_cap_word(&tokens[i], text)
            && !(sentence_start[i] && FUNCTION_WORDS.contains(&lower(i).as_ref()))
    };
    let joined = |a: usize, b: usize| !text[tokens[a].end..tokens[b].start].contains('\n');
    let mut runs = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !cap(i) {
            i += 1;
            continue;
        }
        let mut run = vec![i];
        let mut j = i + 1;
        loop {
            // Connectors are taken only when a capitalised word follows them.
            let mut k = j;
            while k < tokens.len()
                && k - j < 3
                && tokens[k].kind == TokenKind::Word
                && !cap(k)
                && CONNECTORS.contains(&lower(k).as_ref())
                && joined(k - 1, k)
            {
                k += 1;
            }
            if k < tokens.len() && cap(k) && joined(k - 1, k) && !sentence_start[k] {
                run.extend(j..=k);
                j = k + 1;
            } else {
                break;
            }
        }
        i = j;
        runs.push(run);
    }
    runs
}

impl GazetteerBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    fn bump(&mut self, kind: u8, phrase: &str, n: u64) {
        *self.counts.entry(key(kind, phrase)).or_insert(0) += n;
    }

    /// Add one known name as written ("Security Council") with a count.
    pub fn add_name(&mut self, name: &str, count: u64) {
        let tokens = tokenize(name);
        let words: Vec<String> = tokens
            .iter()
            .map(|t| normalize(t.text(name)).into_owned())
            .collect();
        if words.len() < 2 || words.len() > MAX_NAME_TOKENS {
            return;
        }
        self.bump(b'n', &words.join(" "), count);
        for (t, w) in tokens.iter().zip(&words) {
            if is_cap_word(t, name) {
                self.bump(b'w', w, count);
            }
        }
    }

    /// Count the names of one clean document.
    pub fn add_document(&mut self, text: &str) {
        self.documents += 1;
        let tokens = tokenize(text);
        let lower: Vec<String> = tokens
            .iter()
            .map(|t| normalize(t.text(text)).into_owned())
            .collect();
        for run in capitalised_runs(text, &tokens) {
            if run.len() < 2 {
                continue;
            }
            let capital: Vec<bool> = run.iter().map(|&i| is_cap_word(&tokens[i], text)).collect();
            let mut phrase = String::new();
            for s in 0..run.len() {
                if !capital[s] {
                    continue;
                }
                phrase.clear();
                phrase.push_str(&lower[run[s]]);
                for e in s + 1..run.len().min(s + MAX_NAME_TOKENS) {
                    phrase.push(' ');
                    phrase.push_str(&lower[run[e]]);
                    if capital[e] {
                        self.bump(b'n', &phrase, 1);
                    }
                }
            }
            if capital[1] {
                self.bump(b't', &lower[run[0]], 1);
                if run.len() > 2 && capital[2] {
                    let two = format!("{} {}", lower[run[0]], lower[run[1]]);
                    self.bump(b't', &two, 1);
                }
            }
            for (k, &i) in run.iter().enumerate() {
                if capital[k] {
                    self.bump(b'w', &lower[i], 1);
                }
            }
        }
    }

    /// Add another builder's counts to this one.
    pub fn merge(&mut self, other: GazetteerBuilder) {
        self.documents += other.documents;
        if self.counts.len() < other.counts.len() {
            let mine = std::mem::replace(&mut self.counts, other.counts);
            for (k, v) in mine {
                *self.counts.entry(k).or_insert(0) += v;
            }
        } else {
            for (k, v) in other.counts {
                *self.counts.entry(k).or_insert(0) += v;
            }
        }
    }

    /// Number of distinct keys counted so far.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Drop keys seen fewer than `min_count` times (to bound memory on a large corpus; the
    /// counts kept are then lower bounds, which only makes the detector more cautious).
    pub fn prune(&mut self, min_count: u64) {
        self.counts.retain(|_, v| *v >= min_count);
    }

    /// Build the in-memory gazetteer, keeping keys seen at least `min_count` times.
    pub fn finish(self, min_count: u64) -> Result<Gazetteer> {
        let mut keys: Vec<(Vec<u8>, u64)> = self
            .counts
            .into_iter()
            .filter(|(_, v)| *v >= min_count)
            .collect();
        // The words that start and end the names kept. A mined gazetteer holds every capitalised
        // sub-span of a run ("Indian National Congress" and "National Congress"), so a name is
        // told from another by the word next to the end word (connectors skipped: "Battle of
        // Hastings" and "Battle of Narva" are two), not counted once per key.
        let mut places: HashSet<(u8, &str, &str)> = HashSet::new();
        for (k, _) in &keys {
            let Some(name) = k.strip_prefix(b"n\0") else {
                continue;
            };
            let name = std::str::from_utf8(name).expect("keys are built from strings");
            let words: Vec<&str> = name.split(' ').collect();
            if words.len() < 2 {
                continue;
            }
            let content = |w: &&&str| !CONNECTORS.contains(*w);
            let next = *words[1..].iter().find(content).unwrap_or(&words[1]);
            let prev = words[..words.len() - 1].iter().rev().find(content);
            let prev = *prev.unwrap_or(&words[words.len() - 2]);
            places.insert((b'f', words[0], next));
            places.insert((b'l', words[words.len() - 1], prev));
        }
        let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
        for (kind, word, _) in places {
            *counts.entry(key(kind, word)).or_insert(0) += 1;
        }
        keys.extend(counts);
        keys.sort_unstable();
        let mut b = MapBuilder::memory();
        for (k, v) in &keys {
            b.insert(k, *v)
                .map_err(|e| Error::Invalid(format!("gazetteer build: {e}")))?;
        }
        let bytes = b
            .into_inner()
            .map_err(|e| Error::Invalid(format!("gazetteer build: {e}")))?;
        let map = Map::new(Bytes::Owned(bytes))
            .map_err(|e| Error::Invalid(format!("gazetteer build: {e}")))?;
        Ok(Gazetteer {
            map,
            originals_cache: SharedCache::new(ORIGINALS_CACHE_LIMIT),
            header: GazetteerHeader {
                format: FORMAT_VERSION,
                sources: self.sources,
                licence: self.licence,
                documents: self.documents,
                min_count: min_count.max(1),
                keys: keys.len() as u64,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mines_names_titles_and_words() {
        let mut b = GazetteerBuilder::new();
        b.add_document(
            "The Battle of Narva was fought in the Great Northern War. President Joe Biden \
             spoke to the Security Council. In Paris it rained. The Luhansk People's Republic \
             was declared.",
        );
        b.add_document("The Security Council met. President Barack Obama left.");
        let g = b.finish(1).unwrap();
        assert_eq!(g.name_count("battle of narva"), 1);
        assert_eq!(g.name_count("great northern war"), 1);
        assert_eq!(g.name_count("security council"), 2);
        assert_eq!(g.name_count("luhansk people 's republic"), 1);
        assert_eq!(g.name_count("people 's republic"), 1);
        assert_eq!(g.name_count("president joe biden"), 1);
        assert_eq!(g.name_count("joe biden"), 1);
        assert_eq!(g.title_count("president"), 2);
        assert_eq!(g.word_count("narva"), 1);
        // Sentence-initial function words and lone words are not names.
        assert_eq!(g.name_count("in paris"), 0);
        assert_eq!(g.name_count("the battle of narva"), 0);
        assert_eq!(g.name_count("narva was"), 0);
    }

    #[test]
    fn embedded_fst_is_built_from_the_name_list() {
        let built = build_embedded();
        let bytes = built.map.as_fst().as_bytes();
        if std::env::var_os("UNSPIN_BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/names/wordnet_names.fst");
            std::fs::write(path, bytes).unwrap();
            return;
        }
        assert!(
            bytes == EMBEDDED_FST,
            "src/names/wordnet_names.fst is stale: UNSPIN_BLESS=1 cargo test -p unspin --lib embedded_fst"
        );
        let g = Gazetteer::embedded();
        assert_eq!(g.header, embedded_header(built.len() as u64));
        assert_eq!(g.header.keys, built.header.keys);
    }

    #[test]
    fn embedded_knows_wordnet_names() {
        let g = Gazetteer::embedded();
        assert!(g.name_count("battle of narva") + g.name_count("supreme court") >= 1);
        assert!(g.len() > 20_000, "{}", g.len());
        assert_eq!(
            (g.starts_names("battle"), g.ends_names("battle")),
            (32, 0),
            "names the docs quote"
        );
        assert!(g.name_count("security council") >= 1);
        assert!(g.name_count("united nations") >= 1);
        assert!(g.title_count("president") >= 10);
        assert_eq!(g.name_count("safety and security council"), 0);
    }

    #[test]
    fn walking_names_word_by_word_counts_like_a_lookup() {
        let g = Gazetteer::embedded();
        for phrase in [
            "security council",
            "united nations security council",
            "united nations",
            "united",
            "safety and security council",
            "people's republic of china",
            "new york",
            "new",
            "x",
        ] {
            let walked = g
                .names()
                .and_then(|c| c.then_all(phrase.split(' ')))
                .map_or(0, |c| c.count());
            assert_eq!(walked, g.name_count(phrase), "{phrase}");
        }
        // A multi-word step is the same as its words one by one, and a dead end is `None`.
        let security = g.names().unwrap().then("security council").unwrap();
        assert_eq!(security.count(), g.name_count("security council"));
        assert!(g.names().unwrap().then("qqqq").is_none());
        // Nothing walked yet is no name.
        assert_eq!(g.names().unwrap().count(), 0);
    }

    #[test]
    fn file_round_trip_and_bad_files() {
        let dir = std::env::temp_dir().join(format!("unspin-gaz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut b = GazetteerBuilder::new();
        b.add_document("He met the Security Council in New York.");
        b.sources.push("test".into());
        let g = b.finish(1).unwrap();
        let path = dir.join("g.gaz");
        g.write(&path).unwrap();
        let h = Gazetteer::open(&path).unwrap();
        assert_eq!(h.name_count("security council"), 1);
        assert_eq!(h.header.sources, ["test"]);
        // The words that start and end names are counted once a name, and kept in the file.
        assert_eq!(
            (h.starts_names("security"), h.ends_names("council")),
            (1, 1)
        );
        assert_eq!((h.starts_names("council"), h.ends_names("new")), (0, 0));
        // A file of another format version is refused with what to do about it.
        let mut old = std::fs::read(&path).unwrap();
        old[8..12].copy_from_slice(&1u32.to_le_bytes());
        let old_path = dir.join("old.gaz");
        std::fs::write(&old_path, old).unwrap();
        let err = Gazetteer::open(&old_path).unwrap_err().to_string();
        assert!(
            err.contains("version 1 is older") && err.contains("unspin gazetteer"),
            "{err}"
        );
        let bad = dir.join("bad.gaz");
        std::fs::write(&bad, b"not a gazetteer at all").unwrap();
        let err = Gazetteer::open(&bad).unwrap_err().to_string();
        assert!(err.contains("bad.gaz") && err.contains("magic"), "{err}");
        let mut truncated = std::fs::read(&path).unwrap();
        truncated.truncate(20);
        std::fs::write(&bad, truncated).unwrap();
        assert!(Gazetteer::open(&bad).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
