//! Streaming reader of JSONL corpora (`{"id", "text"}` per line, `.zst` or plain), shared by
//! the suites. Bad lines are skipped and counted with their reason; nothing is loaded whole.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rayon::prelude::*;

pub struct Doc {
    pub id: String,
    pub text: String,
}

/// What was read, and what was skipped and why (first ten reasons).
#[derive(Default, serde::Serialize)]
pub struct ReadStats {
    pub documents: usize,
    pub skipped_lines: usize,
    pub skipped_reasons: Vec<String>,
}

/// The message for evaluation data that cannot be opened: the defaults (`../shared/...`) are
/// relative to the repository root, so from anywhere else they are missing for that reason.
pub fn missing_data(path: &Path, e: &std::io::Error) -> String {
    let hint = if e.kind() == std::io::ErrorKind::NotFound && path.starts_with("..") {
        " (the evaluation data's default paths are relative to the repository root, beside \
         ../shared; run from there or name the file with --corpus or --csv)"
    } else {
        ""
    };
    format!("{}: {e}{hint}", path.display())
}

/// Documents are handed over in batches of this many, to be checked in parallel.
pub const BATCH: usize = 2000;

/// Call `each_batch` with successive batches of at most [`BATCH`] documents, up to `limit`.
pub fn for_each_batch(
    path: &Path,
    limit: Option<usize>,
    mut each_batch: impl FnMut(&[Doc]),
) -> anyhow::Result<ReadStats> {
    let file = File::open(path).map_err(|e| anyhow::anyhow!("{}", missing_data(path, &e)))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "zst") {
        Box::new(zstd::stream::read::Decoder::new(file)?)
    } else {
        Box::new(file)
    };
    let mut lines = BufReader::with_capacity(1 << 20, reader).lines();
    let limit = limit.unwrap_or(usize::MAX);
    let mut stats = ReadStats::default();
    let mut line_no = 0usize;
    let mut done = false;
    let skip = |stats: &mut ReadStats, why: String| {
        stats.skipped_lines += 1;
        if stats.skipped_reasons.len() < 10 {
            stats
                .skipped_reasons
                .push(format!("{}: {why}", path.display()));
        }
    };
    while !done {
        let mut batch: Vec<Doc> = Vec::with_capacity(BATCH);
        while batch.len() < BATCH && stats.documents + batch.len() < limit {
            let Some(line) = lines.next() else {
                done = true;
                break;
            };
            line_no += 1;
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    // A read or decompression error ends the stream; say where.
                    skip(&mut stats, format!("line {line_no}: {e} (stopped reading)"));
                    done = true;
                    break;
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<serde_json::Value>(&line) {
                Ok(v) => match v.get("text").and_then(|t| t.as_str()) {
                    Some(t) => batch.push(Doc {
                        id: v
                            .get("id")
                            .and_then(|i| i.as_str())
                            .map_or_else(|| format!("line {line_no}"), str::to_string),
                        text: t.to_string(),
                    }),
                    None => skip(
                        &mut stats,
                        format!("line {line_no}: no string field \"text\""),
                    ),
                },
                Err(e) => skip(&mut stats, format!("line {line_no}: {e}")),
            }
        }
        if stats.documents + batch.len() >= limit {
            done = true;
        }
        stats.documents += batch.len();
        if !batch.is_empty() {
            each_batch(&batch);
        }
    }
    Ok(stats)
}

/// Options that drop rules whose tortured side is ordinary English, measured on a clean corpus
/// other than the one evaluated (see `unspin::rules::filter`).
#[derive(clap::Args, Debug, Clone)]
pub struct OrdinaryArgs {
    /// Clean corpus (JSONL, `.zst` or plain) in which to count each rule's phrase; rules whose
    /// phrase is frequent there are dropped. E.g. ../shared/data/corpora/enwiki2015.jsonl.zst.
    #[arg(long, value_name = "PATH")]
    pub ordinary_corpus: Option<std::path::PathBuf>,
    /// A phrase seen at least this often per million words of that corpus is ordinary English
    /// (0.075: five times in the 65 M words of enwiki2015, where true tortured phrases occur
    /// at most a few times).
    #[arg(long, default_value_t = 0.075, value_name = "X")]
    pub ordinary_per_million: f64,
}

/// Drop ordinary-English rules from `engine` when asked; returns how many were dropped.
pub fn apply_ordinary(engine: &mut unspin::Engine, args: &OrdinaryArgs) -> anyhow::Result<usize> {
    let Some(path) = &args.ordinary_corpus else {
        return Ok(0);
    };
    let counter = unspin::rules::PhraseCounter::for_rules(engine.rules.rules())?;
    let mut tally = counter.tally();
    let mut words = 0u64;
    for_each_batch(path, None, |docs| {
        let (t, w) = docs
            .par_iter()
            .fold(
                || (counter.tally(), 0u64),
                |(mut t, w), d| {
                    let n = counter.count(&d.text, &mut t);
                    (t, w + n)
                },
            )
            .reduce(
                || (counter.tally(), 0u64),
                |(mut a, wa), (b, wb)| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    (a, wa + wb)
                },
            );
        tally.iter_mut().zip(t).for_each(|(x, y)| *x += y);
        words += w;
    })?;
    let model = counter.into_model(&tally, words);
    let before = engine.rules.filtered().len();
    let rules = std::mem::take(&mut engine.rules);
    engine.rules = rules.without_ordinary_english(&model, args.ordinary_per_million)?;
    Ok(engine.rules.filtered().len() - before)
}
