//! `unspin index`: build, inspect and export the source index that `unspin trace` searches.
//!
//! `index add` reads plain-text files (the id is the path), directories (walked), JSONL files
//! (`.jsonl`/`.ndjson`, each line an object with a string `text` and an `id`), each optionally
//! compressed (`.gz`, `.zst`), and Parquet and WARC files (each row or page a document), named
//! or met in a walk. It is all-or-nothing: the documents become visible together when the
//! command commits, and a killed run leaves the index as it was.
//!
//! Inputs are read as `unspin check` reads them ([`crate::input`]): a binary file met while
//! walking a directory, and an empty or whitespace-only text, is skipped with a note; an input
//! that cannot be read (not UTF-8, a binary file named on the command line, a malformed JSONL
//! record) is reported with the reason, the rest is still added, and the exit code is 2. A run
//! that finds no document at all creates nothing (the index is opened with the first document)
//! and fails.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use unspin::trace::features::canonical_fields;
use unspin::trace::{Added, Canon, Index, IndexWriter, Params};
use unspin_scan::format::{Format as ScanFormat, ShardKind};
use unspin_scan::parquet_reader::ParquetReader;
use unspin_scan::warc::WarcReader;
use unspin_scan::{Item, RecordError};

use crate::input::{self, ReadOptions};
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Add documents (files, directories, JSONL with "id" and "text"; .gz/.zst) to an index.
    Add(AddArgs),
    /// Print the size and shape of an index.
    Stats(StatsArgs),
    /// Write the canonical fingerprint fields of every document, for an external search engine.
    Export(ExportArgs),
}

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// Index directory (created with the first document when absent).
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// Files or directories to add. A Parquet or WARC file (`.parquet`, `.warc`, `.warc.gz`,
    /// `.warc.wet.gz`), named here or met in a directory, adds each of its rows or pages, as
    /// `unspin scan` reads them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// JSONL field (Parquet column) holding the document id. A WARC page's id is its URL.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSONL field (Parquet column) holding the document text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Documents fingerprinted together (in parallel) per batch.
    #[arg(long, default_value_t = 2000)]
    pub batch: usize,
    /// Content-word classes of a new index (an existing index keeps its own): `wildcard` (one
    /// class, the default) or `heads` (thesaurus heads; measured weaker, see docs/evaluation.md).
    #[arg(long, value_enum, default_value_t = Classes::Wildcard)]
    pub classes: Classes,
    /// A document whose id the index already holds replaces the one indexed before (an edited
    /// article indexed again); without it such a document is skipped and counted.
    #[arg(long)]
    pub replace: bool,
    /// Read text inputs in this encoding instead of UTF-8 (a WHATWG label, as `check` takes).
    #[arg(long, value_name = "LABEL", value_parser = super::parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Skip text files and JSONL records larger than this (bytes as read, after decompression;
    /// K/M/G suffixes): each document is held whole while it is fingerprinted. 256M by default.
    #[arg(long, value_name = "SIZE", value_parser = super::parse_size)]
    pub max_size: Option<u64>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Classes {
    Wildcard,
    Heads,
}

#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    #[arg(long, value_enum, default_value_t = StatsFormat::Human)]
    pub format: StatsFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatsFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    pub format: ExportFormat,
    /// Also include the document text.
    #[arg(long)]
    pub with_text: bool,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Add(a) => add(a),
        Command::Stats(a) => stats(a),
        Command::Export(a) => export(a),
    }
}

fn add(args: AddArgs) -> anyhow::Result<Outcome> {
    let params = Params {
        canon: match args.classes {
            Classes::Wildcard => Canon::Wildcard,
            Classes::Heads => Canon::Heads,
        },
        ..Params::default()
    };
    // The readers of `unspin check`: the same rules for binary, empty, non-UTF-8 and malformed
    // inputs, and JSONL records read with their line ends and byte-order mark removed.
    let read = ReadOptions {
        jsonl_field: args.text_field.clone(),
        id_field: args.id_field.clone(),
        field_flag: "--text-field",
        verb: "index",
        encoding: args.encoding,
        max_size: args.max_size,
        ..ReadOptions::default()
    };
    let existed = args.index.exists();
    let mut adder = Adder {
        args: &args,
        params,
        writer: None,
        batch: Vec::new(),
        batch_size: args.batch.max(1),
        counts: AddCounts::default(),
        skips: Skips::default(),
    };
    input::read_docs(&args.paths, &read, &mut adder)?;
    adder.flush()?;
    let Adder {
        writer,
        counts,
        skips,
        ..
    } = adder;
    // No document in any input: the index was never opened, so nothing was created or changed
    // (an empty index would only make `trace` fail later).
    let Some(writer) = writer else {
        let fate = if existed {
            format!("{} is unchanged", args.index.display())
        } else {
            format!("no index was created at {}", args.index.display())
        };
        if skips.errors > 0 && skips.errors == skips.total() {
            anyhow::bail!(
                "nothing to add: no input could be read ({} listed above); {fate}",
                skips.errors
            );
        }
        match skips.reasons() {
            Some(reasons) => anyhow::bail!(
                "nothing to add: no input held a document ({reasons}; listed above); {fate}"
            ),
            None => anyhow::bail!("nothing to add: the inputs hold no document; {fate}"),
        }
    };
    let total = writer.commit()?;
    let AddCounts {
        added,
        replaced,
        duplicates,
        repeated,
    } = counts;
    let mut notes = Vec::new();
    if replaced > 0 {
        notes.push(format!(
            "{replaced} replaced the document indexed under its id"
        ));
    }
    if duplicates > 0 {
        notes.push(format!(
            "{duplicates} with an id already present were skipped; --replace indexes them in place of the old"
        ));
    }
    // `--replace` would not help these: the first of them is kept either way.
    if repeated > 0 {
        notes.push(format!(
            "{repeated} given twice in this run were skipped (the first was kept)"
        ));
    }
    eprintln!(
        "unspin: added {} document(s) to {}{}; it now holds {total}{}",
        added + replaced,
        args.index.display(),
        if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        },
        skips.summary()
    );
    if skips.errors > 0 {
        anyhow::bail!(
            "{} input(s) could not be read (listed above); the rest was added",
            skips.errors
        );
    }
    Ok(Outcome::Clean)
}

fn report(name: &str, message: &str) {
    eprintln!("unspin: {name}: {message}");
}

/// The documents of one `index add` run on their way into the index, in batches.
struct Adder<'a> {
    args: &'a AddArgs,
    /// The parameters of a new index (an existing one keeps its own).
    params: Params,
    /// Opened, and the index created, with the first document: a run that finds none leaves
    /// nothing on disk.
    writer: Option<IndexWriter>,
    batch: Vec<(String, String)>,
    batch_size: usize,
    counts: AddCounts,
    skips: Skips,
}

impl Adder<'_> {
    fn add(&mut self, id: String, text: String) -> anyhow::Result<()> {
        if self.writer.is_none() {
            let writer = IndexWriter::open(&self.args.index, self.params.clone())?;
            self.writer = Some(writer.replacing(self.args.replace));
        }
        self.batch.push((id, text));
        if self.batch.len() >= self.batch_size {
            self.flush()?;
        }
        Ok(())
    }

    /// Fingerprint and store the documents batched so far.
    fn flush(&mut self) -> anyhow::Result<()> {
        if let Some(writer) = &mut self.writer {
            if !self.batch.is_empty() {
                let added = writer.add_batch(std::mem::take(&mut self.batch))?;
                self.counts.count(added);
            }
        }
        Ok(())
    }

    /// A text found empty once read (the reader already passes over empty files).
    fn empty_text(&mut self, name: &str, why: &str) {
        report(name, why);
        self.skips.empty += 1;
    }

    /// Add the rows of a Parquet file or the pages of a WARC file, as `unspin scan` reads them.
    fn add_shard(&mut self, path: &Path, kind: &ShardKind) -> anyhow::Result<()> {
        for item in shard_reader(path, kind, self.args) {
            match item {
                Item::Doc(doc) if doc.text.trim().is_empty() => self.empty_text(
                    &format!("{}:{}", path.display(), doc.index + 1),
                    "empty text, nothing to index",
                ),
                Item::Doc(doc) => self.add(doc.url.unwrap_or(doc.id), doc.text)?,
                Item::Error(e) => {
                    let at = match e.line {
                        Some(line) => format!("{}:{line}", path.display()),
                        None => format!("{} (record {})", path.display(), e.record + 1),
                    };
                    report(&at, &e.reason);
                    self.skips.errors += 1;
                }
            }
        }
        Ok(())
    }
}

impl input::DocSink for Adder<'_> {
    fn doc(&mut self, doc: input::Doc) -> anyhow::Result<()> {
        if doc.text.trim().is_empty() {
            let why = if doc.text.is_empty() {
                "empty text, nothing to index"
            } else {
                "only whitespace, nothing to index"
            };
            self.empty_text(&doc.name, why);
            return Ok(());
        }
        // A JSONL record's id is its `--id-field`, else its `path:line`; a file's id is its path.
        let id = match doc.id {
            Some(serde_json::Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => path_id(&doc.name),
        };
        // An HTML page or a Markdown file is indexed as its prose, as `trace` reads a query:
        // its tags, script and navigation would be shingles no copy shares.
        let text = match doc.format {
            unspin::text::Format::Plain => doc.text,
            format => unspin::text::extract(&doc.text, format).text.into_owned(),
        };
        if text.trim().is_empty() {
            self.empty_text(&doc.name, "no prose, nothing to index");
            return Ok(());
        }
        self.add(id, text)
    }

    fn problem(&mut self, e: input::InputError) {
        report(&e.name, &e.message);
        if e.passed_over {
            self.skips.passed_over += e.files as u64;
        } else if !e.skipped {
            self.skips.errors += 1;
        } else if e.message.contains("binary") {
            self.skips.binary += 1;
        } else {
            self.skips.empty += 1;
        }
    }

    /// Parquet and WARC files are corpus shards, named or met in a walk: their rows and pages
    /// are the documents.
    fn own_file(&mut self, path: &Path) -> anyhow::Result<bool> {
        match shard_kind(path) {
            Some(kind) => {
                self.add_shard(path, &kind)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// What a Parquet or WARC file is (by its name, as `unspin scan` decides); `None` for any other
/// path, which the readers of `check` read.
fn shard_kind(path: &Path) -> Option<ShardKind> {
    let kind = unspin_scan::format::detect(path)?;
    (path.is_file() && matches!(kind.format, ScanFormat::Parquet | ScanFormat::Warc))
        .then_some(kind)
}

/// The documents and errors of a Parquet or WARC file, read as `unspin scan` reads them.
fn shard_reader(path: &Path, kind: &ShardKind, args: &AddArgs) -> Box<dyn Iterator<Item = Item>> {
    let label = path.display().to_string();
    match kind.format {
        ScanFormat::Parquet => Box::new(ParquetReader::open_with(
            path,
            label,
            &args.id_field,
            &args.text_field,
            false,
        )),
        _ => {
            let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            match unspin_scan::format::open_decompressed(path, kind.compression, count) {
                Ok(input) => Box::new(WarcReader::new(input, label)),
                Err(e) => Box::new(std::iter::once(Item::Error(RecordError::cannot_open(
                    label, &e,
                )))),
            }
        }
    }
}

/// A file's id: its path as given, without `.` components, so that `./archive/a.txt` and
/// `archive/a.txt` are one document, not the same article indexed twice.
fn path_id(name: &str) -> String {
    let path: PathBuf = Path::new(name)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    match path.to_str() {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => name.to_string(),
    }
}

/// What `index add` did with the documents it read.
#[derive(Default)]
struct AddCounts {
    added: u64,
    replaced: u64,
    /// Ids the index held before this run (skipped without `--replace`).
    duplicates: u64,
    /// Ids given twice in this run (the first kept).
    repeated: u64,
}

impl AddCounts {
    fn count(&mut self, results: Vec<Added>) {
        for r in results {
            match r {
                Added::Added => self.added += 1,
                Added::Replaced => self.replaced += 1,
                Added::DuplicateId => self.duplicates += 1,
                Added::RepeatedId => self.repeated += 1,
            }
        }
    }
}

/// What `index add` did not add, by reason.
#[derive(Default)]
struct Skips {
    /// Inputs that could not be read (an error: exit code 2).
    errors: u64,
    /// Binary files met while walking a directory (a note).
    binary: u64,
    /// Empty or whitespace-only files and JSONL texts (a note).
    empty: u64,
    /// Files a directory walk passed over by extension: code, data, images (one note each walk).
    passed_over: u64,
}

impl Skips {
    /// The end of the summary line: how many were skipped and why.
    fn summary(&self) -> String {
        match self.reasons() {
            Some(reasons) => format!(
                "; skipped {} input(s) (listed above): {reasons}",
                self.total()
            ),
            None => String::new(),
        }
    }

    fn total(&self) -> u64 {
        self.errors + self.binary + self.passed_over + self.empty
    }

    /// "1 binary, 2 unreadable": the inputs skipped, by reason; `None` when none were.
    fn reasons(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.binary, "binary"),
            (self.passed_over, "code, data or binary by extension"),
            (self.empty, "empty"),
            (self.errors, "unreadable"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, why)| format!("{n} {why}"))
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

fn stats(args: StatsArgs) -> anyhow::Result<Outcome> {
    let index = Index::open(&args.index)?;
    let m = index.manifest();
    let docs = m.docs();
    // Replaced by a later version (`add --replace`): still on disk, never found.
    let replaced: usize = m.segments.iter().map(|s| s.removed.len()).sum();
    let text_bytes: u64 = m.segments.iter().map(|s| s.text_bytes).sum();
    let postings: u64 = m.segments.iter().map(|s| s.postings).sum();
    let disk: u64 = m
        .segments
        .iter()
        .flat_map(|s| s.files.iter().map(|f| f.len))
        .sum();
    let fingerprint_bytes: u64 = m
        .segments
        .iter()
        .flat_map(|s| s.files.iter())
        .filter(|f| !f.name.ends_with(".docs"))
        .map(|f| f.len)
        .sum();
    let per_doc = |b: u64| {
        if docs > 0 {
            b as f64 / docs as f64
        } else {
            0.0
        }
    };
    let v = serde_json::json!({
        "index": args.index.display().to_string(),
        "documents": docs,
        "replaced": replaced,
        "segments": m.segments.len(),
        "generation": m.generation,
        "text_bytes": text_bytes,
        "postings": postings,
        "disk_bytes": disk,
        "fingerprint_bytes": fingerprint_bytes,
        "disk_bytes_per_document": per_doc(disk),
        "fingerprint_bytes_per_document": per_doc(fingerprint_bytes),
        "params": m.params,
    });
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        StatsFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?,
        StatsFormat::Human => {
            writeln!(out, "index        {}", args.index.display())?;
            if replaced > 0 {
                writeln!(
                    out,
                    "documents    {docs} ({replaced} replaced ones kept on disk, never found)"
                )?;
            } else {
                writeln!(out, "documents    {docs}")?;
            }
            writeln!(
                out,
                "segments     {} (generation {})",
                m.segments.len(),
                m.generation
            )?;
            writeln!(out, "text         {:.1} MB", text_bytes as f64 / 1e6)?;
            writeln!(
                out,
                "on disk      {:.1} MB ({:.0} bytes/document; fingerprints alone {:.0} bytes/document)",
                disk as f64 / 1e6,
                per_doc(disk),
                per_doc(fingerprint_bytes)
            )?;
            writeln!(out, "postings     {postings}")?;
            writeln!(
                out,
                "parameters   shingle {}, sample 1/{}, skeleton pairs 1/{}, literal shingles {}, classes {}",
                m.params.shingle,
                m.params.sample_mod,
                m.params.skeleton_mod,
                match m.params.literal_mod {
                    0 => "none".to_string(),
                    n => format!("1/{n}"),
                },
                // As `--classes` and the JSON spell it.
                match m.params.canon {
                    Canon::Wildcard => "wildcard",
                    Canon::Heads => "heads",
                }
            )?;
        }
    }
    Ok(Outcome::Clean)
}

fn export(args: ExportArgs) -> anyhow::Result<Outcome> {
    let index = Index::open(&args.index)?;
    let params = index.params().clone();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for doc in index.doc_numbers() {
        let text = index.text(doc)?;
        let (canonical, skeleton) = canonical_fields(&text, params.canon);
        let features: Vec<String> = unspin::trace::features::features(&text, &params)
            .into_iter()
            .map(|(h, _)| format!("{h:016x}"))
            .collect();
        let mut v = serde_json::json!({
            "id": index.id(doc).unwrap_or_default(),
            "canonical": canonical,
            "skeleton": skeleton,
            "features": features,
        });
        if args.with_text {
            v["text"] = serde_json::Value::String(text);
        }
        serde_json::to_writer(&mut out, &v)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(Outcome::Clean)
}
