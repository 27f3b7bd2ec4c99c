//! Building a counts model from a corpus, in bounded memory.
//!
//! ```text
//! reader thread ── batches of text ──► worker 1..T: tokenize, split sentences, count n-grams
//!                                        in a hash map; over budget → sort, spill a run file
//! all runs ── k-way merge (sum counts, prune) ──► one fst section per order ──► model file
//! ```
//!
//! Keys inside the builder carry their order as a first byte, so one sorted stream holds every
//! order grouped (1-grams first), which is what [`SectionsWriter`] needs. Run files store keys
//! front-coded (shared prefix length, suffix) with LEB128 integers: sorted n-grams share long
//! prefixes, so runs are a fraction of the raw key size.
//!
//! Memory: the hash maps of all workers together stay under `memory_bytes` (estimated per entry);
//! the merge holds one buffered reader per run; fst builders stream to disk. So memory is
//! bounded by the flag, not by the corpus; disk use is about the size of the runs.
//!
//! Threads are plain scoped threads fed by a bounded channel, rather than rayon tasks: workers
//! block on the channel, which rayon's pool is not meant for.

use std::borrow::Cow;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use super::corpus::{read_corpus, CorpusStats};
use super::format::{Header, ModelKind, Source, MAX_ORDER};
use super::write::{header_template, SectionsWriter};
use super::{BOS, EOS};
use crate::error::{Error, Result};
use crate::token::{normalize, sentences, tokenize};

/// Options of [`build_model`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Highest n-gram order, 1..=5.
    pub order: usize,
    /// Memory for the counting hash maps of all workers together, in bytes.
    pub memory_bytes: usize,
    /// Drop n-grams of order `prune_from_order` and above seen fewer times than this.
    pub min_count: u64,
    pub prune_from_order: usize,
    /// Counting threads (a reader thread runs beside them).
    pub threads: usize,
    /// Where run files go (default: the system temporary directory).
    pub temp_dir: Option<PathBuf>,
    /// Recorded in the header; when empty, each corpus path is recorded with licence "unknown".
    pub sources: Vec<Source>,
    /// Whether to write the n-gram hash table that makes lookups in a large model fast.
    pub hash_table: HashTable,
}

/// When [`build_model`] writes the n-gram hash table (docs/architecture.md, "Language model").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HashTable {
    /// For models whose bigrams are too many to keep in memory's small index (over 2 M, where
    /// the fst's walks reach cold memory), when the table fits in `memory_bytes`.
    #[default]
    Auto,
    Always,
    Never,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            order: 3,
            memory_bytes: 1 << 30,
            min_count: 1,
            prune_from_order: 3,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            temp_dir: None,
            sources: Vec::new(),
            hash_table: HashTable::Auto,
        }
    }
}

/// Receives progress of a build; every method has a no-op default.
pub trait Progress: Sync {
    /// A new phase starts; `total` is its length in the unit of [`Progress::advance`].
    fn phase(&self, _name: &str, _total: Option<u64>) {}
    fn advance(&self, _n: u64) {}
}

/// No progress display.
pub struct NoProgress;
impl Progress for NoProgress {}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub header: Header,
    pub corpus: CorpusStats,
    /// Sorted runs written to disk (at least one per worker that saw text: the final flush).
    pub runs: usize,
    /// Bytes of run files written.
    pub run_bytes: u64,
    /// Why a large model was written without its hash table, if it was.
    pub hash_table_skipped: Option<String>,
}

/// Build a counts model from corpus files (plain text or JSONL, optionally .gz/.zst).
pub fn build_model(
    inputs: &[PathBuf],
    out: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport> {
    let total: u64 = inputs
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .map(|m| m.len())
                .map_err(|e| Error::io(p, e))
        })
        .sum::<Result<u64>>()?;
    progress.phase("counting", Some(total));
    let mut options = options.clone();
    if options.sources.is_empty() {
        options.sources = inputs
            .iter()
            .map(|p| Source {
                name: p.display().to_string(),
                licence: "unknown".into(),
                version: String::new(),
            })
            .collect();
    }
    build_with(
        |stats, emit| {
            for path in inputs {
                read_corpus(
                    path,
                    BATCH_BYTES,
                    stats,
                    &|n| progress.advance(n),
                    &mut *emit,
                )?;
                stats.bytes_read += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            }
            Ok(())
        },
        out,
        &options,
        progress,
    )
}

/// Build a counts model from texts in memory (each text is split into sentences as a corpus is).
pub fn build_model_from_texts<I>(
    texts: I,
    out: &Path,
    options: &BuildOptions,
) -> Result<BuildReport>
where
    I: IntoIterator<Item = String>,
{
    let texts = texts.into_iter();
    build_with(
        move |stats, emit| {
            for t in texts {
                stats.records += 1;
                stats.text_bytes += t.len() as u64;
                emit(t)?;
            }
            Ok(())
        },
        out,
        options,
        &NoProgress,
    )
}

const BATCH_BYTES: usize = 1 << 20;

/// Estimated bytes one hash-map entry costs beyond its key: the boxed slice (16), the count (8),
/// the table's control byte and load-factor slack, and the allocator's rounding.
const ENTRY_OVERHEAD: usize = 48;

type Emit<'a> = dyn FnMut(String) -> Result<()> + 'a;

fn build_with<F>(
    feed: F,
    out: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport>
where
    F: FnOnce(&mut CorpusStats, &mut Emit<'_>) -> Result<()>,
{
    if options.order == 0 || options.order > MAX_ORDER {
        return Err(Error::Invalid(format!(
            "n-gram order {} is out of range 1..={MAX_ORDER}",
            options.order
        )));
    }
    let threads = options.threads.max(1);
    let runs_dir = match &options.temp_dir {
        Some(d) => tempfile::Builder::new()
            .prefix("unspin-runs-")
            .tempdir_in(d),
        None => tempfile::Builder::new().prefix("unspin-runs-").tempdir(),
    }
    .map_err(|e| {
        Error::io(
            options.temp_dir.as_deref().unwrap_or(Path::new("$TMPDIR")),
            e,
        )
    })?;
    let budget = (options.memory_bytes / threads).max(1 << 16);
    let (tx, rx) = sync_channel::<String>(threads * 2);
    let rx = Mutex::new(rx);
    let mut stats = CorpusStats::default();

    let (feed_result, worker_results) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|id| {
                let rx = &rx;
                let dir = runs_dir.path();
                scope.spawn(move || count_worker(id, rx, dir, options.order, budget))
            })
            .collect();
        let mut emit = |text: String| {
            tx.send(text)
                .map_err(|_| Error::Invalid("a counting thread stopped early".into()))
        };
        let fed = feed(&mut stats, &mut emit);
        drop(tx);
        let results: Vec<Result<WorkerOutput>> = workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(Error::Invalid("a counting thread panicked".into())))
            })
            .collect();
        (fed, results)
    });
    let mut runs = Vec::new();
    let mut run_bytes = 0;
    let mut worker_error = None;
    for r in worker_results {
        match r {
            Ok(o) => {
                run_bytes += o.run_bytes;
                runs.extend(o.runs);
            }
            Err(e) => worker_error = Some(e),
        }
    }
    // A worker's own error (a full disk) explains a failed feed better than "stopped early".
    if let Some(e) = worker_error {
        return Err(e);
    }
    feed_result?;

    progress.phase("merging", Some(run_bytes));
    let mut template = header_template(ModelKind::Counts, options.sources.clone());
    template.min_count = options.min_count;
    template.prune_from_order = options.prune_from_order;
    template.sentence_markers = true;
    let mut writer = SectionsWriter::new(out, options.order, options.temp_dir.as_deref())?;
    let mut total_words = 0u64;
    merge_runs(&runs, progress, |key, count| {
        let order = key[0] as usize;
        if order >= options.prune_from_order.max(1) && count < options.min_count {
            return Ok(());
        }
        if order == 1 {
            total_words += count;
        }
        writer.push(order, &key[1..], count)
    })?;
    if total_words == 0 {
        // An empty, binary or wholly malformed corpus: a model of nothing would load fine and
        // answer every question with its unknown-word floor.
        let mut why = format!(
            "the corpus gave no words to count ({} records or lines read, {} skipped)",
            stats.records, stats.skipped.count
        );
        if let Some(example) = stats.skipped.examples.first() {
            why.push_str(&format!("; first skipped: {example}"));
        }
        return Err(Error::Invalid(why));
    }
    template.total_words = total_words;
    progress.phase("writing", None);
    let (write_table, hash_table_skipped) = hash_table_choice(options, writer.counts());
    let header = writer.with_hash_table(write_table).finish(template)?;
    Ok(BuildReport {
        header,
        corpus: stats,
        runs: runs.len(),
        run_bytes,
        hash_table_skipped,
    })
}

/// Whether to write the hash table for a model of these counts, and why not when it would help.
fn hash_table_choice(options: &BuildOptions, counts: &[u64]) -> (bool, Option<String>) {
    match options.hash_table {
        HashTable::Always => (true, None),
        HashTable::Never => (false, None),
        HashTable::Auto => {
            if !super::model::wants_hash_table(counts) {
                return (false, None);
            }
            let need = super::table::NgramTable::build_bytes(counts.iter().sum());
            if need > options.memory_bytes as u64 {
                let why = format!(
                    "no hash table written: it needs {} MiB to build, over the memory budget of {} MiB \
                     (--memory); lookups will build it in memory when they pay for it",
                    need >> 20,
                    options.memory_bytes >> 20
                );
                return (false, Some(why));
            }
            (true, None)
        }
    }
}

struct WorkerOutput {
    runs: Vec<PathBuf>,
    run_bytes: u64,
}

fn count_worker(
    id: usize,
    rx: &Mutex<Receiver<String>>,
    dir: &Path,
    order: usize,
    budget: usize,
) -> Result<WorkerOutput> {
    let mut counter = Counter {
        order,
        map: FxHashMap::default(),
        bytes: 0,
        budget,
        dir: dir.to_path_buf(),
        id,
        runs: Vec::new(),
        run_bytes: 0,
        key: Vec::new(),
    };
    loop {
        let next = rx.lock().map_err(|_| poisoned())?.recv();
        let Ok(text) = next else { break };
        counter.add_text(&text)?;
    }
    counter.spill()?;
    Ok(WorkerOutput {
        runs: counter.runs,
        run_bytes: counter.run_bytes,
    })
}

fn poisoned() -> Error {
    Error::Invalid("a counting thread panicked".into())
}

struct Counter {
    order: usize,
    map: FxHashMap<Box<[u8]>, u64>,
    bytes: usize,
    budget: usize,
    dir: PathBuf,
    id: usize,
    runs: Vec<PathBuf>,
    run_bytes: u64,
    key: Vec<u8>,
}

impl Counter {
    fn add_text(&mut self, text: &str) -> Result<()> {
        let tokens = tokenize(text);
        let mut words: Vec<Cow<str>> = Vec::new();
        for range in sentences(text, &tokens) {
            words.clear();
            words.push(Cow::Borrowed(BOS));
            words.extend(tokens[range].iter().map(|t| normalize(t.text(text))));
            words.push(Cow::Borrowed(EOS));
            self.add_sentence(&words);
            if self.bytes > self.budget {
                self.spill()?;
            }
        }
        Ok(())
    }

    fn add_sentence(&mut self, words: &[Cow<str>]) {
        for i in 0..words.len() {
            self.key.clear();
            self.key.push(1);
            for n in 0..self.order.min(words.len() - i) {
                if n > 0 {
                    self.key.push(b' ');
                }
                self.key.extend_from_slice(words[i + n].as_bytes());
                self.key[0] = (n + 1) as u8;
                if let Some(c) = self.map.get_mut(&self.key[..]) {
                    *c += 1;
                } else {
                    self.bytes += self.key.len() + ENTRY_OVERHEAD;
                    self.map.insert(self.key.clone().into_boxed_slice(), 1);
                }
            }
        }
    }

    fn spill(&mut self) -> Result<()> {
        if self.map.is_empty() {
            return Ok(());
        }
        let mut entries: Vec<(Box<[u8]>, u64)> = self.map.drain().collect();
        self.map = FxHashMap::default();
        self.bytes = 0;
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let path = self
            .dir
            .join(format!("run-{}-{}.bin", self.id, self.runs.len()));
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut w = RunWriter::new(BufWriter::with_capacity(1 << 20, file));
        for (k, c) in &entries {
            w.write(k, *c).map_err(|e| Error::io(&path, e))?;
        }
        self.run_bytes += w.bytes;
        w.out.flush().map_err(|e| Error::io(&path, e))?;
        self.runs.push(path);
        Ok(())
    }
}

struct RunWriter<W> {
    out: W,
    prev: Vec<u8>,
    bytes: u64,
}

impl<W: Write> RunWriter<W> {
    fn new(out: W) -> Self {
        RunWriter {
            out,
            prev: Vec::new(),
            bytes: 0,
        }
    }

    fn write(&mut self, key: &[u8], count: u64) -> std::io::Result<()> {
        let shared = self
            .prev
            .iter()
            .zip(key)
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = &key[shared..];
        self.bytes += write_varint(&mut self.out, shared as u64)?;
        self.bytes += write_varint(&mut self.out, suffix.len() as u64)?;
        self.out.write_all(suffix)?;
        self.bytes += suffix.len() as u64;
        self.bytes += write_varint(&mut self.out, count)?;
        self.prev.truncate(shared);
        self.prev.extend_from_slice(suffix);
        Ok(())
    }
}

fn write_varint(w: &mut impl Write, mut v: u64) -> std::io::Result<u64> {
    let mut buf = [0u8; 10];
    let mut n = 0;
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            buf[n] = byte;
            n += 1;
            break;
        }
        buf[n] = byte | 0x80;
        n += 1;
    }
    w.write_all(&buf[..n])?;
    Ok(n as u64)
}

fn read_varint(r: &mut impl BufRead) -> std::io::Result<Option<(u64, u64)>> {
    let mut v = 0u64;
    let mut shift = 0;
    let mut n = 0;
    loop {
        let mut b = [0u8; 1];
        if r.read(&mut b)? == 0 {
            if n == 0 {
                return Ok(None);
            }
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "run file ends inside a number",
            ));
        }
        n += 1;
        if shift >= 64 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "run file number too long",
            ));
        }
        v |= ((b[0] & 0x7f) as u64) << shift;
        shift += 7;
        if b[0] & 0x80 == 0 {
            return Ok(Some((v, n)));
        }
    }
}

struct RunReader {
    path: PathBuf,
    input: BufReader<File>,
    key: Vec<u8>,
    count: u64,
}

impl RunReader {
    /// Advance to the next entry; `Ok(false)` at the end. Returns bytes consumed via `read`.
    fn next(&mut self, read: &mut u64) -> Result<bool> {
        let io = |e| Error::io(&self.path, e);
        let Some((shared, a)) = read_varint(&mut self.input).map_err(io)? else {
            return Ok(false);
        };
        let corrupt = || {
            Error::io(
                &self.path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, "corrupt run file"),
            )
        };
        let (len, b) = read_varint(&mut self.input)
            .map_err(io)?
            .ok_or_else(corrupt)?;
        if shared as usize > self.key.len() {
            return Err(corrupt());
        }
        self.key.truncate(shared as usize);
        let start = self.key.len();
        self.key.resize(start + len as usize, 0);
        std::io::Read::read_exact(&mut self.input, &mut self.key[start..]).map_err(io)?;
        let (count, c) = read_varint(&mut self.input)
            .map_err(io)?
            .ok_or_else(corrupt)?;
        self.count = count;
        *read += a + b + len + c;
        Ok(true)
    }
}

/// Merge sorted runs, summing the counts of equal keys, calling `emit` in key order.
fn merge_runs(
    runs: &[PathBuf],
    progress: &dyn Progress,
    mut emit: impl FnMut(&[u8], u64) -> Result<()>,
) -> Result<()> {
    struct Head {
        key: Vec<u8>,
        run: usize,
    }
    impl PartialEq for Head {
        fn eq(&self, o: &Self) -> bool {
            self.key == o.key && self.run == o.run
        }
    }
    impl Eq for Head {}
    impl PartialOrd for Head {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Head {
        // Reversed: BinaryHeap is a max-heap and we want the smallest key first.
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            o.key.cmp(&self.key).then(o.run.cmp(&self.run))
        }
    }

    let mut readers = Vec::with_capacity(runs.len());
    let mut heap = BinaryHeap::with_capacity(runs.len());
    let mut read = 0u64;
    for (i, p) in runs.iter().enumerate() {
        let f = File::open(p).map_err(|e| Error::io(p, e))?;
        let mut r = RunReader {
            path: p.clone(),
            input: BufReader::with_capacity(256 << 10, f),
            key: Vec::new(),
            count: 0,
        };
        if r.next(&mut read)? {
            heap.push(Head {
                key: r.key.clone(),
                run: i,
            });
        }
        readers.push(r);
    }
    let mut current: Vec<u8> = Vec::new();
    let mut sum = 0u64;
    let mut have = false;
    let mut reported = 0u64;
    while let Some(Head { mut key, run }) = heap.pop() {
        let r = &mut readers[run];
        let count = r.count;
        if have && key != current {
            emit(&current, sum)?;
            sum = 0;
        }
        if !have || key != current {
            std::mem::swap(&mut current, &mut key);
            have = true;
        }
        sum = sum.saturating_add(count);
        if r.next(&mut read)? {
            key.clear();
            key.extend_from_slice(&r.key);
            heap.push(Head { key, run });
        }
        if read - reported > (1 << 20) {
            progress.advance(read - reported);
            reported = read;
        }
    }
    if have {
        emit(&current, sum)?;
    }
    progress.advance(read - reported);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut buf = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            write_varint(&mut buf, v).unwrap();
        }
        let mut r = std::io::Cursor::new(buf);
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(read_varint(&mut r).unwrap().unwrap().0, v);
        }
        assert!(read_varint(&mut r).unwrap().is_none());
    }

    /// `auto` writes the table for models of over 2 M bigrams when it fits in the memory
    /// budget, and says why not when it does not.
    #[test]
    fn a_corpus_without_words_is_an_error_not_an_empty_model() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, "").unwrap();
        let binary = dir.path().join("a.out");
        std::fs::write(&binary, b"\x7fELF\x02\x01\x00\x00garbage\x00\x00\nmore\x00").unwrap();
        let malformed = dir.path().join("bad.jsonl");
        std::fs::write(&malformed, "{not json\n{\"body\": \"x\"}\n").unwrap();
        for input in [&empty, &binary, &malformed] {
            let out = dir.path().join("m.lm");
            let err = build_model(
                std::slice::from_ref(input),
                &out,
                &BuildOptions::default(),
                &NoProgress,
            )
            .unwrap_err()
            .to_string();
            assert!(err.contains("no words to count"), "{input:?}: {err}");
            assert!(!out.exists(), "{input:?}");
        }
        // A byte-order mark is not a word, and the text after it is counted.
        let bom = dir.path().join("bom.txt");
        std::fs::write(&bom, "\u{feff}hello world\n").unwrap();
        let out = dir.path().join("bom.lm");
        let report = build_model(&[bom], &out, &BuildOptions::default(), &NoProgress).unwrap();
        assert_eq!(report.corpus.skipped.count, 0);
        let model = crate::lm::Model::open(&out).unwrap();
        assert_eq!(crate::lm::LanguageModel::count(&model, &["hello"]), 1);
    }

    #[test]
    fn the_hash_table_is_chosen_by_size_and_memory() {
        let options = |hash_table, memory_bytes| BuildOptions {
            hash_table,
            memory_bytes,
            ..BuildOptions::default()
        };
        let large = [735_215, 10_267_898, 6_720_021];
        let small = [82_834, 243_342];
        assert_eq!(
            hash_table_choice(&options(HashTable::Auto, 1 << 30), &large),
            (true, None)
        );
        assert_eq!(
            hash_table_choice(&options(HashTable::Auto, 1 << 30), &small),
            (false, None)
        );
        let (write, why) = hash_table_choice(&options(HashTable::Auto, 256 << 20), &large);
        assert!(!write && why.unwrap().contains("over the memory budget of 256 MiB"));
        assert_eq!(
            hash_table_choice(&options(HashTable::Always, 1), &small),
            (true, None)
        );
        assert_eq!(
            hash_table_choice(&options(HashTable::Never, 1 << 30), &large),
            (false, None)
        );
    }
}
