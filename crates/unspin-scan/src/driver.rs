//! The scan: shards one after the other; within a shard a reader thread decodes records into
//! bounded batches while a rayon pool scores the previous batch, and the results are written in
//! input order. Memory is bounded by a few batches whatever the size of the shard.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use unspin::trace::{trace, Index, TraceOptions};
use unspin::Engine;

use crate::format::{self, Format, Shard, Watched};
use crate::jsonl::JsonlReader;
use crate::output::{self, Earlier, Marker, ShardOutputs, ShardStats};
use crate::parquet_reader::ParquetReader;
use crate::record::{catch_panic, Doc, Item, RecordError};
use crate::warc::WarcReader;

/// Name of the document-level attribute (dolma's `<experiment>__<tagger>__<name>`).
pub const DOC_ATTRIBUTE: &str = "unspin__spin__doc";
/// Name of the span-level attribute.
pub const SPANS_ATTRIBUTE: &str = "unspin__spin__spans";

#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub id_field: String,
    pub text_field: String,
    /// Scoring threads; 0 for one per core.
    pub threads: usize,
    /// Write the restored text of each document to `documents/`.
    pub restore: bool,
    /// Write to `documents/` only the documents whose score is below this.
    pub keep_below: Option<f32>,
    /// Draw a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Bounds of one scoring batch.
    pub batch_docs: usize,
    pub batch_bytes: usize,
    /// Trace every document against this source index (`unspin index add`).
    pub index: Option<PathBuf>,
    /// Sources kept per document when tracing.
    pub trace_top: usize,
    /// A description of the engine's settings; stored in each shard's marker so that a rerun with
    /// another engine scans again.
    pub engine_settings: String,
    /// The files the engine's settings name (rule packs, language model, gazetteer): their
    /// identity goes into the markers too, so that shards are scanned again after an edit.
    pub setting_files: Vec<PathBuf>,
}

impl ScanConfig {
    pub fn new(inputs: Vec<PathBuf>, output: PathBuf) -> Self {
        ScanConfig {
            inputs,
            output,
            id_field: "id".into(),
            text_field: "text".into(),
            threads: 0,
            restore: false,
            keep_below: None,
            progress: false,
            batch_docs: 1024,
            batch_bytes: 16 << 20,
            index: None,
            trace_top: 3,
            engine_settings: String::new(),
            setting_files: Vec::new(),
        }
    }

    fn writes_documents(&self) -> bool {
        self.restore || self.keep_below.is_some()
    }

    /// What a shard's outputs depend on besides its input: the flags, the version of unspin, the
    /// identity of each file the settings name, and the index's manifest (its generation and
    /// every file's length and checksum, replaced on each change), so that a rerun after any of
    /// them changed scans again instead of keeping stale results.
    fn settings(&self, index: Option<&Index>) -> anyhow::Result<String> {
        let mut files = String::new();
        for path in &self.setting_files {
            files.push_str(&format!(" {:?}={}", path, file_identity(path)?));
        }
        if let Some(index) = index {
            files.push_str(&format!(
                " index={}",
                serde_json::to_string(index.manifest())?
            ));
        }
        Ok(format!(
            "unspin={} id={:?} text={:?} restore={} keep_below={:?} index={:?} top={} engine={} files:{}",
            env!("CARGO_PKG_VERSION"),
            self.id_field,
            self.text_field,
            self.restore,
            self.keep_below,
            self.index,
            self.trace_top,
            self.engine_settings,
            files
        ))
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanSummary {
    pub shards: usize,
    /// Shards found finished by an earlier run and skipped.
    pub shards_resumed: usize,
    /// Counts of the shards scanned by this run.
    pub scanned: ShardStats,
    /// Counts of the shards skipped, from their markers.
    pub resumed: ShardStats,
    pub elapsed: Duration,
    /// Files under the input directories that are not shards, so not read.
    pub not_shards: Vec<PathBuf>,
    /// Hidden files and directories under the input directories, not read.
    pub hidden: Vec<PathBuf>,
    /// Output directories of scans found under the input directories, not read.
    pub scan_outputs: Vec<PathBuf>,
    /// Input directories without any shard.
    pub empty_dirs: Vec<PathBuf>,
    /// Files reached by more than one input, scanned once.
    pub duplicates: Vec<PathBuf>,
}

impl ScanSummary {
    pub fn docs_per_second(&self) -> f64 {
        self.scanned.records_in as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    /// Megabytes (10^6 bytes) of document text scored per second.
    pub fn text_mb_per_second(&self) -> f64 {
        self.scanned.text_bytes as f64 / 1e6 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Whether `--keep-below x` keeps a document of `score`: below `x`, and every document at 1 (a
/// document scoring 1.0 included: `--keep-below 1` writes all of them).
fn kept_below(x: f32, score: f32) -> bool {
    score < x || x >= 1.0
}

/// Scan every shard of `config.inputs` with `engine`. Record-level problems are written to the
/// errors files and counted; only problems with the output (a full disk, an unwritable directory)
/// or an input path that does not exist stop the run.
pub fn scan(config: &ScanConfig, engine: &Engine) -> anyhow::Result<ScanSummary> {
    let started = Instant::now();
    let format::Inputs {
        shards,
        not_shards,
        hidden,
        scan_outputs,
        empty_dirs,
        duplicates,
    } = format::expand_inputs(&config.inputs, &config.output)?;
    if shards.is_empty() {
        let inputs: Vec<String> = config
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        anyhow::bail!(
            "--input {}: no shards found (.jsonl[.gz|.zst], .parquet, .warc[.gz]); passed over: \
             {} other file(s), {} hidden file(s) or directory(ies), {} scan output directory(ies)",
            inputs.join(" "),
            not_shards.len(),
            hidden.len(),
            scan_outputs.len()
        );
    }
    // Held to the end of the run: a second run into the same directory would overwrite this
    // one's partial files and markers.
    let _lock = output::lock_output(&config.output)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()?;
    let index = match &config.index {
        Some(dir) => {
            Some(Index::open(dir).map_err(|e| anyhow::anyhow!("--index {}: {e}", dir.display()))?)
        }
        None => None,
    };
    let settings = config.settings(index.as_ref())?;
    let scorer = Scorer {
        engine,
        index: index.as_ref(),
        trace: TraceOptions {
            top: config.trace_top.max(1),
            ..TraceOptions::default()
        },
        restore: config.restore,
    };
    let mut summary = ScanSummary {
        shards: shards.len(),
        not_shards,
        hidden,
        scan_outputs,
        empty_dirs,
        duplicates,
        ..Default::default()
    };
    let mut todo = Vec::new();
    for shard in shards {
        match output::earlier(&config.output, &shard.name, &shard.canonical, &settings) {
            Earlier::Finished(marker) => {
                summary.shards_resumed += 1;
                summary.resumed.add(&marker.stats);
            }
            Earlier::Unfinished => todo.push(shard),
            // Two files with one output name (`a/x.jsonl` scanned, then `b/x.jsonl` into the
            // same directory): rescanning would silently replace the first file's results.
            Earlier::OtherInput(other) => anyhow::bail!(
                "{}: its outputs would be named `{}` in {}, which hold the results of another \
                 input, {other}; scan it into another --output, or, if that file was moved here, \
                 delete {} to scan it again",
                shard.path.display(),
                shard.name,
                config.output.display(),
                output::marker_path(&config.output, &shard.name).display()
            ),
        }
    }
    let total_bytes: u64 = todo
        .iter()
        .map(|shard| std::fs::metadata(&shard.path).map_or(0, |m| m.len()))
        .sum();
    // Compressed shards hold more text than their size: a lower bound is enough here.
    engine.expect_text(total_bytes);
    let bar = progress_bar(config.progress, total_bytes);
    let mut done_bytes = 0;
    for shard in &todo {
        let stats = scan_shard(config, &scorer, &pool, shard, &bar, done_bytes, &settings)?;
        done_bytes += stats.input_bytes;
        bar.set_position(done_bytes);
        summary.scanned.add(&stats);
    }
    bar.finish_and_clear();
    summary.elapsed = started.elapsed();
    anyhow::ensure!(
        summary.scanned.balanced(),
        "internal error: records in ({}) != records out ({}) + errors ({})",
        summary.scanned.records_in,
        summary.scanned.records_out,
        summary.scanned.errors
    );
    Ok(summary)
}

fn progress_bar(show: bool, total: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    // indicatif draws nothing when stderr is not a terminal.
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {binary_bytes}/{binary_total_bytes} of input ({binary_bytes_per_sec}) {msg}",
        )
        .expect("the template is valid")
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// What the readers are, behind one iterator.
enum ShardReader {
    Jsonl(JsonlReader),
    Parquet(ParquetReader),
    Warc(WarcReader),
    Failed(Option<Item>),
}

impl ShardReader {
    /// `broken` is set when the decompressed stream fails (see [`Watched`]).
    fn open(
        config: &ScanConfig,
        shard: &Shard,
        count: Arc<AtomicU64>,
        broken: Arc<AtomicBool>,
    ) -> Self {
        let path = shard.path.as_path();
        let kind = &shard.kind;
        // What the readers call the shard: the prefix of position-based ids (`SHARD:LINE`), so
        // the same whatever way the input path was typed. The errors files get the path back.
        let shard = shard.label.clone();
        let failed = |e: std::io::Error| {
            ShardReader::Failed(Some(Item::Error(RecordError::cannot_open(
                shard.clone(),
                &e,
            ))))
        };
        match kind.format {
            Format::Parquet => ShardReader::Parquet(ParquetReader::open_with(
                path,
                shard.clone(),
                &config.id_field,
                &config.text_field,
                config.writes_documents(),
            )),
            // The record is kept even when no document is written: its id field is copied
            // into the attribute row as the JSON value it is (a number stays a number).
            Format::Jsonl => match format::open_decompressed(path, kind.compression, count) {
                Ok(input) => ShardReader::Jsonl(JsonlReader::new(
                    Box::new(Watched::new(input, broken)),
                    shard.clone(),
                    &config.id_field,
                    &config.text_field,
                    true,
                )),
                Err(e) => failed(e),
            },
            Format::Warc => match format::open_decompressed(path, kind.compression, count) {
                Ok(input) => ShardReader::Warc(WarcReader::new(
                    Box::new(Watched::new(input, broken)),
                    shard.clone(),
                )),
                Err(e) => failed(e),
            },
        }
    }

    fn skipped(&self) -> u64 {
        match self {
            ShardReader::Warc(w) => w.skipped,
            _ => 0,
        }
    }
}

impl Iterator for ShardReader {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        match self {
            ShardReader::Jsonl(r) => r.next(),
            ShardReader::Parquet(r) => r.next(),
            ShardReader::Warc(r) => r.next(),
            ShardReader::Failed(item) => item.take(),
        }
    }
}

/// Everything that is computed per document, shared by the scoring threads.
struct Scorer<'a> {
    engine: &'a Engine,
    index: Option<&'a Index>,
    trace: TraceOptions,
    restore: bool,
}

/// A source found by tracing.
#[derive(Serialize)]
struct Source {
    id: String,
    score: f64,
    coverage: f64,
}

/// The result of scoring one document.
struct Scored {
    score: f32,
    /// The language of a document not written in English (ISO 639-3): it was not judged.
    language: Option<String>,
    /// Whether its words are disguised with letters of another script that look Latin
    /// (`unspin::homoglyph`).
    disguised: bool,
    spans: Vec<(usize, usize, f32)>,
    restored: Option<String>,
    sources: Option<Vec<Source>>,
}

impl Scorer<'_> {
    fn score(&self, doc: &Doc) -> Result<Scored, String> {
        // A panic in the engine on one document must not take the run down: it is that
        // document's error, reported like any other.
        catch_panic(|| self.score_unguarded(doc))
            .map_err(|message| format!("the engine failed on this document: {message}"))?
    }

    fn score_unguarded(&self, doc: &Doc) -> Result<Scored, String> {
        let (report, restored) = if self.restore {
            let (text, report) = self.engine.restore(&doc.text);
            (report, Some(text))
        } else {
            (self.engine.check(&doc.text), None)
        };
        let sources = match self.index {
            Some(index) => Some(
                trace(index, &doc.text, &self.trace)
                    .map_err(|e| format!("tracing failed: {e}"))?
                    .into_iter()
                    .map(|m| Source {
                        id: m.id,
                        score: m.score,
                        coverage: m.coverage,
                    })
                    .collect(),
            ),
            None => None,
        };
        Ok(Scored {
            score: report.score,
            language: report.language.clone(),
            disguised: report.findings.iter().any(|f| {
                f.rule == unspin::homoglyph::RULE_ID
                    && f.confidence >= unspin::homoglyph::CONFIDENCE
            }),
            spans: report
                .findings
                .iter()
                .map(|f| (f.start, f.end, f.confidence))
                .collect(),
            restored,
            sources,
        })
    }
}

#[derive(Serialize)]
struct AttributeRow<'a> {
    /// The id as the input has it: dolma's mixer matches attribute rows to documents by comparing
    /// JSON values, so a numeric id must stay a number.
    id: &'a serde_json::Value,
    attributes: Attributes<'a>,
    /// With `--index`: the best sources, best first.
    #[serde(skip_serializing_if = "Option::is_none")]
    sources: Option<&'a [Source]>,
    /// For a document not written in English (not judged by the English models): its language,
    /// ISO 639-3, so that its 0.5 is not read as a judgement.
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    /// For a document whose words are disguised with letters of another script that look Latin
    /// (its spans include each disguised word): `true`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    disguised: bool,
}

#[derive(Serialize)]
struct Attributes<'a> {
    #[serde(rename = "unspin__spin__doc")]
    doc: [(usize, usize, f32); 1],
    #[serde(rename = "unspin__spin__spans")]
    spans: &'a [(usize, usize, f32)],
    /// With `--index`: `[[0, len, best source score]]` (0 when no source was found).
    #[serde(
        rename = "unspin__trace__source",
        skip_serializing_if = "Option::is_none"
    )]
    source: Option<[(usize, usize, f64); 1]>,
}

#[derive(Serialize)]
struct PlainDocument<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    text: &'a str,
}

fn scan_shard(
    config: &ScanConfig,
    scorer: &Scorer<'_>,
    pool: &rayon::ThreadPool,
    shard: &Shard,
    bar: &ProgressBar,
    done_bytes: u64,
    settings: &str,
) -> anyhow::Result<ShardStats> {
    let path = shard.path.as_path();
    let name = shard.name.as_str();
    let (input_size, input_mtime_ns) =
        output::input_identity(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut outputs = ShardOutputs::create(
        &config.output,
        name,
        &shard.kind.output_file(),
        config.writes_documents(),
    )?;
    let mut stats = ShardStats {
        input_bytes: input_size,
        ..Default::default()
    };
    let read_bytes = Arc::new(AtomicU64::new(0));
    let broken = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let shard_path = path.display().to_string();
    let skipped = std::thread::scope(|s| -> anyhow::Result<u64> {
        // Two batches in flight: one being scored, one being read.
        let (tx, rx) = sync_channel::<Vec<Item>>(1);
        let reader_bytes = read_bytes.clone();
        let reader_broken = broken.clone();
        let reader = s.spawn(move || {
            let mut reader = ShardReader::open(config, shard, reader_bytes, reader_broken.clone());
            let mut batch = Vec::with_capacity(config.batch_docs);
            let mut bytes = 0;
            let mut items = reader.by_ref().peekable();
            while let Some(mut item) = items.next() {
                if let Item::Doc(Doc {
                    record: Some(record),
                    ..
                }) = &mut item
                {
                    if !config.writes_documents() {
                        // Only the id is needed from the record: the batch holds less.
                        record.retain(|key, _| *key == config.id_field);
                    }
                }
                if items.peek().is_none() && reader_broken.load(Ordering::Relaxed) {
                    if let Item::Error(e) = &mut item {
                        e.reason.push_str(
                            "; the records in the rest of the shard, an unknown number, are lost \
                             with it (this entry counts as one)",
                        );
                    }
                }
                bytes += item.text_len();
                batch.push(item);
                if batch.len() >= config.batch_docs || bytes >= config.batch_bytes {
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        break;
                    }
                    bytes = 0;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            drop(items);
            reader.skipped()
        });
        for batch in rx {
            let scored: Vec<Option<Result<Scored, String>>> = pool.install(|| {
                batch
                    .par_iter()
                    .map(|item| match item {
                        Item::Doc(doc) => Some(scorer.score(doc)),
                        Item::Error(_) => None,
                    })
                    .collect()
            });
            let mut scored: VecDeque<_> = scored.into();
            for item in batch {
                let result = scored.pop_front().flatten();
                stats.records_in += item.count();
                match (item, result) {
                    (Item::Error(mut e), _) => {
                        stats.errors += e.count;
                        // The reader named the shard by its label (for ids); the errors file
                        // names the path, to be opened.
                        e.shard.clone_from(&shard_path);
                        outputs.error(&e)?;
                    }
                    (Item::Doc(doc), Some(Ok(s))) => {
                        stats.text_bytes += doc.text.len() as u64;
                        write_doc(config, &mut outputs, &mut stats, doc, s)?;
                    }
                    (Item::Doc(doc), result) => {
                        let reason = match result {
                            Some(Err(reason)) => reason,
                            _ => "internal error: document was not scored".into(),
                        };
                        stats.errors += 1;
                        outputs.error(&RecordError {
                            shard: shard_path.clone(),
                            record: doc.index,
                            offset: Some(doc.offset),
                            line: doc.line,
                            count: 1,
                            id: Some(doc.id),
                            reason,
                        })?;
                    }
                }
            }
            let seconds = started.elapsed().as_secs_f64().max(1e-9);
            bar.set_position(done_bytes + read_bytes.load(Ordering::Relaxed).min(input_size));
            bar.set_message(format!(
                "{name}: {} docs, {:.0} docs/s, {:.1} MB/s of text",
                stats.records_in,
                stats.records_in as f64 / seconds,
                stats.text_bytes as f64 / 1e6 / seconds
            ));
        }
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("{}: the reader thread failed", path.display()))
    })?;
    stats.skipped_non_documents = skipped;
    stats.cut_short = u64::from(broken.load(Ordering::Relaxed));
    anyhow::ensure!(
        stats.balanced(),
        "internal error on {}: records in ({}) != records out ({}) + errors ({})",
        path.display(),
        stats.records_in,
        stats.records_out,
        stats.errors
    );
    outputs.finish(&Marker {
        input: shard.canonical.display().to_string(),
        input_size,
        input_mtime_ns,
        settings: settings.to_string(),
        stats: stats.clone(),
    })?;
    Ok(stats)
}

fn write_doc(
    config: &ScanConfig,
    outputs: &mut ShardOutputs,
    stats: &mut ShardStats,
    doc: Doc,
    scored: Scored,
) -> anyhow::Result<()> {
    let id = doc
        .record
        .as_ref()
        .and_then(|record| record.get(&config.id_field))
        .filter(|v| v.is_string() || v.is_number())
        .cloned()
        .unwrap_or_else(|| serde_json::Value::String(doc.id.clone()));
    // dolma's spans are character (code point) offsets, as Python indexes a str.
    let chars = CharOffsets::new(&doc.text, &scored.spans);
    let len = chars.get(doc.text.len());
    let spans: Vec<(usize, usize, f32)> = scored
        .spans
        .iter()
        .map(|&(start, end, confidence)| (chars.get(start), chars.get(end), confidence))
        .collect();
    outputs.attribute_row(&AttributeRow {
        id: &id,
        attributes: Attributes {
            doc: [(0, len, scored.score)],
            spans: &spans,
            source: scored
                .sources
                .as_ref()
                .map(|s| [(0, len, s.first().map_or(0.0, |best| best.score))]),
        },
        sources: scored.sources.as_deref(),
        language: scored.language.as_deref(),
        disguised: scored.disguised,
    })?;
    stats.records_out += 1;
    stats.not_english += u64::from(scored.language.is_some());
    stats.disguised += u64::from(scored.disguised);
    if !config.writes_documents()
        || config
            .keep_below
            .is_some_and(|x| !kept_below(x, scored.score))
    {
        return Ok(());
    }
    let text = scored.restored.unwrap_or(doc.text);
    match doc.record {
        Some(mut record) => {
            record.insert(config.text_field.clone(), serde_json::Value::String(text));
            outputs.document(&record)?;
        }
        None => outputs.document(&PlainDocument {
            id: &doc.id,
            url: doc.url.as_deref(),
            text: &text,
        })?,
    }
    stats.documents_written += 1;
    Ok(())
}

/// Byte offsets of a text turned into character (Unicode code point) offsets, for the offsets
/// of one document's spans and its length: one pass over the text however many spans it has.
struct CharOffsets {
    /// (byte offset, character offset), sorted by byte offset.
    table: Vec<(usize, usize)>,
}

impl CharOffsets {
    fn new(text: &str, spans: &[(usize, usize, f32)]) -> Self {
        let mut offsets: Vec<usize> = spans
            .iter()
            .flat_map(|&(start, end, _)| [start, end])
            .chain([text.len()])
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        let bytes = text.as_bytes();
        let (mut at, mut chars) = (0, 0);
        let table = offsets
            .into_iter()
            .map(|offset| {
                let to = offset.min(bytes.len());
                // Every byte but a UTF-8 continuation byte (10xxxxxx) starts a character.
                chars += bytes[at..to]
                    .iter()
                    .filter(|&&b| (b as i8) >= -0x40)
                    .count();
                at = to;
                (offset, chars)
            })
            .collect();
        CharOffsets { table }
    }

    fn get(&self, byte: usize) -> usize {
        match self.table.binary_search_by_key(&byte, |&(b, _)| b) {
            Ok(i) => self.table[i].1,
            Err(_) => unreachable!("every offset asked for was given to CharOffsets::new"),
        }
    }
}

/// What identifies a file the settings name: its size and modification time, and for files up
/// to 64 MiB (rule packs, gazetteers) a CRC-32 of the content too, which catches an edit that
/// keeps the size within the clock's resolution.
fn file_identity(path: &Path) -> anyhow::Result<String> {
    let context = |e: std::io::Error| anyhow::anyhow!("{}: {e}", path.display());
    let (size, mtime) = output::input_identity(path).map_err(context)?;
    let mut identity = format!("{size}/{mtime}");
    if size <= 64 << 20 {
        let content = std::fs::read(path).map_err(context)?;
        identity.push_str(&format!("/{:08x}", crc32fast::hash(&content)));
    }
    Ok(identity)
}

#[cfg(test)]
mod tests {
    use super::kept_below;

    /// `--keep-below 1` keeps every document, one that scores exactly 1.0 too; below 1 the
    /// threshold itself is not kept.
    #[test]
    fn keep_below_one_keeps_everything() {
        assert!(kept_below(1.0, 1.0) && kept_below(1.0, 0.0));
        assert!(kept_below(0.5, 0.49) && !kept_below(0.5, 0.5) && !kept_below(0.5, 1.0));
        assert!(!kept_below(0.0, 0.0));
    }
}
