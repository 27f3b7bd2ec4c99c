//! `unspin eval clean`: findings per 10,000 words of clean text (every finding there is a
//! false positive), with the engine built exactly as `unspin check` builds it.
//!
//! The corpus is JSONL (`{"text": ...}` per line), optionally zstd-compressed (`.zst`), read as
//! a stream. Lines that cannot be read are skipped and counted with their reason. The rules
//! that fire most are listed with examples, which is how false positives are explained.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::corpus::{apply_ordinary, for_each_batch, OrdinaryArgs};
use super::{print_json, ReportFormat};
use crate::cmd::EngineArgs;
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Clean corpus: JSONL with a `text` field, `.zst` compressed or plain.
    #[arg(long, default_value = "../shared/data/corpora/enwiki2018.jsonl.zst")]
    pub corpus: PathBuf,
    /// Read at most this many documents.
    #[arg(long)]
    pub limit: Option<usize>,
    /// How many of the most frequent rules to list.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub ordinary: OrdinaryArgs,
}

#[derive(Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub count: usize,
    pub message: String,
    /// Up to three `text → suggestion` examples with the document id.
    pub examples: Vec<String>,
}

#[derive(Serialize)]
pub struct Report {
    pub corpus: String,
    pub documents: usize,
    pub words: usize,
    pub bytes: usize,
    pub findings: usize,
    pub per_10k_words: f64,
    pub documents_with_findings: usize,
    pub skipped_lines: usize,
    pub skipped_reasons: Vec<String>,
    pub rules_loaded: usize,
    pub rules_filtered: usize,
    /// Filtered rules per reason (see `unspin::rules::filter`).
    pub filtered_by_reason: Vec<(String, usize)>,
    /// Of those, dropped as ordinary English by `--ordinary-corpus`.
    pub ordinary_dropped: usize,
    /// Every filtered rule: `id phrase: reason (detail)`.
    pub filtered: Vec<String>,
    pub seconds: f64,
    pub top_rules: Vec<RuleCount>,
}

/// Words, bytes and `(rule, example)` per finding of one document.
type DocResult = (usize, usize, Vec<(String, String)>);

/// Filtered rule counts per reason, in a fixed order.
pub fn filtered_by_reason(engine: &unspin::Engine) -> Vec<(String, usize)> {
    let mut v: Vec<(unspin::rules::FilterReason, usize)> =
        engine.rules.filtered_counts().into_iter().collect();
    v.sort();
    v.into_iter().map(|(r, n)| (r.as_str().to_string(), n)).collect()
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut engine = args.engine.build()?;
    let ordinary_dropped = apply_ordinary(&mut engine, &args.ordinary)?;
    let started = Instant::now();
    let (mut words, mut bytes, mut findings, mut docs_hit) = (0, 0, 0, 0);
    let mut per_rule: HashMap<String, (usize, Vec<String>)> = HashMap::new();
    let stats = for_each_batch(&args.corpus, args.limit, |batch| {
        let results: Vec<DocResult> = batch
            .par_iter()
            .map(|d| {
                let r = engine.check(&d.text);
                let hits = r
                    .findings
                    .iter()
                    .map(|f| {
                        (
                            f.rule.clone(),
                            format!("{:?} → {:?} in {}", f.text, f.suggestion, d.id),
                        )
                    })
                    .collect();
                (r.words, d.text.len(), hits)
            })
            .collect();
        for (w, b, hits) in results {
            words += w;
            bytes += b;
            findings += hits.len();
            docs_hit += (!hits.is_empty()) as usize;
            for (rule, example) in hits {
                let e = per_rule.entry(rule).or_default();
                e.0 += 1;
                if e.1.len() < 3 {
                    e.1.push(example);
                }
            }
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let messages: HashMap<&str, &str> = engine
        .rules
        .rules()
        .iter()
        .map(|r| (r.id.as_str(), r.message.as_str()))
        .collect();
    let mut top: Vec<RuleCount> = per_rule
        .into_iter()
        .map(|(rule, (count, examples))| RuleCount {
            message: messages.get(rule.as_str()).unwrap_or(&"").to_string(),
            rule,
            count,
            examples,
        })
        .collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(&b.rule)));
    top.truncate(args.top);
    let report = Report {
        corpus: args.corpus.display().to_string(),
        documents: stats.documents,
        words,
        bytes,
        findings,
        per_10k_words: findings as f64 * 10_000.0 / words.max(1) as f64,
        documents_with_findings: docs_hit,
        skipped_lines: stats.skipped_lines,
        skipped_reasons: stats.skipped_reasons,
        rules_loaded: engine.rules.len(),
        rules_filtered: engine.rules.filtered().len(),
        filtered_by_reason: filtered_by_reason(&engine),
        ordinary_dropped,
        filtered: engine
            .rules
            .filtered()
            .iter()
            .map(|f| format!("{} {:?}: {} ({})", f.id, f.phrase, f.reason.as_str(), f.detail))
            .collect(),
        seconds,
        top_rules: top,
    };
    match args.format {
        ReportFormat::Json => print_json(&report)?,
        ReportFormat::Human => print_human(&report),
    }
    Ok(Outcome::Clean)
}

fn print_human(r: &Report) {
    println!("clean text: {}", r.corpus);
    println!(
        "documents {}  words {}  MB {:.1}  ({:.1} s)",
        r.documents,
        r.words,
        r.bytes as f64 / 1e6,
        r.seconds
    );
    println!(
        "rules {} (filtered {})  findings {}  in {} documents  = {:.3} per 10,000 words",
        r.rules_loaded, r.rules_filtered, r.findings, r.documents_with_findings, r.per_10k_words
    );
    for (reason, n) in &r.filtered_by_reason {
        println!("  filtered {n}: {reason}");
    }
    for f in r.filtered.iter().take(r.top_rules.len().max(10)) {
        println!("    {f}");
    }
    if r.skipped_lines > 0 {
        println!("skipped {} lines:", r.skipped_lines);
        for s in &r.skipped_reasons {
            println!("  {s}");
        }
    }
    if !r.top_rules.is_empty() {
        println!("{:>6}  {:<18} examples", "count", "rule");
        for t in &r.top_rules {
            println!("{:>6}  {:<18} {}", t.count, t.rule, t.examples.join("; "));
        }
    }
}
