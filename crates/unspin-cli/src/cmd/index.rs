//! `unspin index`: build, inspect and export the source index that `unspin trace` searches.
//!
//! `index add` reads plain-text files (the id is the path), directories (walked), and JSONL files
//! (`.jsonl`/`.ndjson`, each line an object with a string `text` and an `id`), each optionally
//! compressed (`.gz`, `.zst`). It is all-or-nothing: the documents become visible together when
//! the command commits, and a killed run leaves the index as it was.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use unspin::trace::features::canonical_fields;
use unspin::trace::{Added, Canon, Index, IndexWriter, Params};

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
    /// Index directory (created when absent).
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// Files or directories to add.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// JSONL field holding the document id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSONL field holding the document text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Documents fingerprinted together (in parallel) per batch.
    #[arg(long, default_value_t = 2000)]
    pub batch: usize,
    /// Content-word classes of a new index (an existing index keeps its own): `wildcard` (one
    /// class, the default) or `heads` (thesaurus heads; measured weaker, see docs/evaluation.md).
    #[arg(long, value_enum, default_value_t = Classes::Wildcard)]
    pub classes: Classes,
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

struct Skipped {
    name: String,
    reason: String,
}

fn add(args: AddArgs) -> anyhow::Result<Outcome> {
    let params = Params {
        canon: match args.classes {
            Classes::Wildcard => Canon::Wildcard,
            Classes::Heads => Canon::Heads,
        },
        ..Params::default()
    };
    let mut writer = IndexWriter::open(&args.index, params)?;
    let mut batch: Vec<(String, String)> = Vec::new();
    let mut skipped: Vec<Skipped> = Vec::new();
    let (mut added, mut dups) = (0u64, 0u64);
    let mut flush =
        |batch: &mut Vec<(String, String)>, writer: &mut IndexWriter| -> anyhow::Result<()> {
            for r in writer.add_batch(std::mem::take(batch))? {
                match r {
                    Added::Added => added += 1,
                    Added::DuplicateId => dups += 1,
                }
            }
            Ok(())
        };
    for path in &args.paths {
        let files: Vec<PathBuf> = if path.is_dir() {
            let mut v = Vec::new();
            for e in ignore::WalkBuilder::new(path).build() {
                match e {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => v.push(e.into_path()),
                    Ok(_) => {}
                    Err(e) => skipped.push(Skipped {
                        name: path.display().to_string(),
                        reason: e.to_string(),
                    }),
                }
            }
            v.sort();
            v
        } else {
            vec![path.clone()]
        };
        for file in files {
            read_file(&file, &args, &mut skipped, |id, text| {
                batch.push((id, text));
                if batch.len() >= args.batch.max(1) {
                    flush(&mut batch, &mut writer)?;
                }
                Ok(())
            })?;
        }
    }
    flush(&mut batch, &mut writer)?;
    let total = writer.commit()?;
    for s in &skipped {
        eprintln!("unspin: skipped {}: {}", s.name, s.reason);
    }
    eprintln!(
        "unspin: added {added} document(s) to {}{}; it now holds {total}",
        args.index.display(),
        if dups > 0 {
            format!(" ({dups} with an id already present were skipped)")
        } else {
            String::new()
        }
    );
    if !skipped.is_empty() {
        anyhow::bail!(
            "{} input(s) could not be read (listed above); the rest was added",
            skipped.len()
        );
    }
    Ok(Outcome::Clean)
}

/// Open a file, decompressing `.gz` / `.zst`; returns the reader and the name without the
/// compression suffix.
fn open_decompressed(path: &Path) -> std::io::Result<(Box<dyn Read>, String)> {
    let f = std::fs::File::open(path)?;
    let name = path.to_string_lossy().to_string();
    if let Some(stem) = name.strip_suffix(".gz") {
        Ok((
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(f))),
            stem.to_string(),
        ))
    } else if let Some(stem) = name.strip_suffix(".zst") {
        Ok((Box::new(zstd::Decoder::new(f)?), stem.to_string()))
    } else {
        Ok((Box::new(f), name))
    }
}

fn read_file(
    path: &Path,
    args: &AddArgs,
    skipped: &mut Vec<Skipped>,
    mut on_doc: impl FnMut(String, String) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let display = path.display().to_string();
    let (reader, inner) = match open_decompressed(path) {
        Ok(r) => r,
        Err(e) => {
            skipped.push(Skipped {
                name: display,
                reason: e.to_string(),
            });
            return Ok(());
        }
    };
    let is_jsonl = inner.ends_with(".jsonl") || inner.ends_with(".ndjson");
    if !is_jsonl {
        let mut bytes = Vec::new();
        if let Err(e) = BufReader::new(reader).read_to_end(&mut bytes) {
            skipped.push(Skipped {
                name: display,
                reason: e.to_string(),
            });
            return Ok(());
        }
        match String::from_utf8(bytes) {
            Ok(mut t) => {
                if t.starts_with('\u{feff}') {
                    t.drain(..3);
                }
                on_doc(display, t)?;
            }
            Err(_) => skipped.push(Skipped {
                name: display,
                reason: "not UTF-8 text".into(),
            }),
        }
        return Ok(());
    }
    let mut lines = BufReader::with_capacity(1 << 20, reader);
    let mut line = Vec::new();
    let mut n = 0usize;
    loop {
        line.clear();
        n += 1;
        match lines.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                skipped.push(Skipped {
                    name: format!("{display}:{n}"),
                    reason: format!("read error, rest of file skipped: {e}"),
                });
                break;
            }
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let rec = format!("{display}:{n}");
        let v: serde_json::Value = match serde_json::from_slice(&line) {
            Ok(v) => v,
            Err(e) => {
                skipped.push(Skipped {
                    name: rec,
                    reason: format!("malformed JSON: {e}"),
                });
                continue;
            }
        };
        let Some(text) = v.get(&args.text_field).and_then(|t| t.as_str()) else {
            skipped.push(Skipped {
                name: rec,
                reason: format!("no string field {:?}", args.text_field),
            });
            continue;
        };
        let id = match v.get(&args.id_field) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(x)) => x.to_string(),
            _ => rec,
        };
        on_doc(id, text.to_string())?;
    }
    Ok(())
}

fn stats(args: StatsArgs) -> anyhow::Result<Outcome> {
    let index = Index::open(&args.index)?;
    let m = index.manifest();
    let docs = m.docs();
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
            writeln!(out, "documents    {docs}")?;
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
                "parameters   shingle {}, sample 1/{}, skeleton pairs 1/{}, classes {:?}",
                m.params.shingle, m.params.sample_mod, m.params.skeleton_mod, m.params.canon
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
    for doc in 0..index.len() as u32 {
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
