//! `unspin gazetteer`: mine a gazetteer of multi-word names, titles and events from a clean
//! corpus, for the broken-name check (`--gazetteer FILE` of check/restore).
//!
//! Corpus lines that cannot be read (not UTF-8, binary data, malformed JSONL) are skipped and
//! reported with `file:line` and the reason, as `unspin model build` does; a binary or empty
//! corpus file, or a corpus that gives no document, is an error and writes nothing.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use unspin::names::corpus::Skipped;
use unspin::names::{mine_corpus, Gazetteer, MineOptions};

use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Clean corpus files: JSONL with a `text` field, or plain text; `.gz` and `.zst` are read.
    #[arg(long = "corpus", value_name = "PATH", required_unless_present = "info")]
    pub corpus: Vec<PathBuf>,
    /// Where to write the gazetteer file.
    #[arg(long, value_name = "FILE", required_unless_present = "info")]
    pub out: Option<PathBuf>,
    /// Names seen fewer times are dropped.
    #[arg(long, default_value_t = 2)]
    pub min_count: u64,
    /// Read at most this many documents of each corpus file.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print the header of an existing gazetteer file instead of building one.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["corpus", "out"])]
    pub info: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if let Some(path) = &args.info {
        let g = Gazetteer::open(path)?;
        println!("{}", serde_json::to_string_pretty(&g.header)?);
        return Ok(Outcome::Clean);
    }
    let out = args.out.as_ref().context("--out is required")?;
    let started = Instant::now();
    let options = MineOptions {
        min_count: args.min_count,
        limit: args.limit,
        ..MineOptions::default()
    };
    let mut last_report = Instant::now();
    let mut skipped = Skipped::default();
    let mined = mine_corpus(&args.corpus, &options, &mut skipped, |docs| {
        if last_report.elapsed().as_secs() >= 5 {
            eprintln!("unspin gazetteer: {docs} documents");
            last_report = Instant::now();
        }
    });
    // Reported before an error too: they may be why the corpus gave nothing.
    if skipped.count > 0 {
        eprintln!(
            "unspin gazetteer: skipped {} corpus line(s):",
            skipped.count
        );
        for e in &skipped.examples {
            eprintln!("  {e}");
        }
        let more = skipped.count - skipped.examples.len() as u64;
        if more > 0 {
            eprintln!("  ... and {more} more");
        }
    }
    let gazetteer = mined?;
    gazetteer.write(out)?;
    eprintln!(
        "unspin gazetteer: {} documents, {} keys, {} lines skipped, {:.1} s -> {}",
        gazetteer.header.documents,
        gazetteer.header.keys,
        skipped.count,
        started.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(Outcome::Clean)
}
