//! `unspin eval clean`: findings per 10,000 words of clean text (every finding there is a
//! false positive), with the engine built exactly as `unspin check` builds it.
//!
//! The corpus is JSONL (`{"text": ...}` per line), optionally zstd-compressed (`.zst`), read as
//! a stream. Lines that cannot be read are skipped and counted with their reason. The rules
//! that fire most are listed with examples, which is how false positives are explained. Every
//! document's verdict is counted too, by length: a clean document called "spun" is the false
//! alarm a user sees first.

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
    /// Documents per verdict, all lengths together.
    pub verdicts: VerdictCounts,
    /// The same per length band (`"<50"`, `"50-149"`, `"150-499"`, `"500+"` words).
    pub verdicts_by_length: Vec<(&'static str, VerdictCounts)>,
    /// Documents taken for another language than English (not judged): a clean English corpus
    /// should have none (`unspin::language`).
    pub not_english: usize,
    /// The first few of them, `id (language code)`.
    pub not_english_examples: Vec<String>,
    pub seconds: f64,
    pub top_rules: Vec<RuleCount>,
}

/// How many documents got each verdict.
#[derive(Serialize, Default, Clone, Copy)]
pub struct VerdictCounts {
    pub spun: usize,
    pub uncertain: usize,
    pub clean: usize,
}

impl VerdictCounts {
    fn add(&mut self, v: unspin::Verdict) {
        match v {
            unspin::Verdict::Spun => self.spun += 1,
            unspin::Verdict::Uncertain => self.uncertain += 1,
            unspin::Verdict::Clean => self.clean += 1,
        }
    }

    fn total(&self) -> usize {
        self.spun + self.uncertain + self.clean
    }
}

/// Length bands of [`Report::verdicts_by_length`]: (name, fewest words).
const LENGTH_BANDS: [(&str, usize); 4] = [("<50", 0), ("50-149", 50), ("150-499", 150), ("500+", 500)];

fn length_band(words: usize) -> usize {
    LENGTH_BANDS.iter().rposition(|&(_, min)| words >= min).unwrap_or(0)
}

/// Words, bytes, verdict, `(rule, example)` per finding, and `id (language)` when the document
/// was taken for another language, of one document.
type DocResult = (
    usize,
    usize,
    unspin::Verdict,
    Vec<(String, String)>,
    Option<String>,
);

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
    let mut verdicts = VerdictCounts::default();
    let mut by_length = [VerdictCounts::default(); LENGTH_BANDS.len()];
    let (mut not_english, mut not_english_examples) = (0usize, Vec::new());
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
                let foreign = r.language.map(|code| format!("{} ({code})", d.id));
                (r.words, d.text.len(), r.verdict, hits, foreign)
            })
            .collect();
        for (w, b, verdict, hits, foreign) in results {
            if let Some(example) = foreign {
                not_english += 1;
                if not_english_examples.len() < 5 {
                    not_english_examples.push(example);
                }
            }
            verdicts.add(verdict);
            by_length[length_band(w)].add(verdict);
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
        verdicts,
        verdicts_by_length: LENGTH_BANDS
            .iter()
            .zip(by_length)
            .map(|(&(name, _), v)| (name, v))
            .collect(),
        not_english,
        not_english_examples,
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
    let pct = |n: usize, v: &VerdictCounts| 100.0 * n as f64 / v.total().max(1) as f64;
    let line = |v: &VerdictCounts| {
        format!(
            "spun {} ({:.2}%), uncertain {} ({:.1}%), clean {}",
            v.spun,
            pct(v.spun, v),
            v.uncertain,
            pct(v.uncertain, v),
            v.clean
        )
    };
    println!("verdicts: {}", line(&r.verdicts));
    for (band, v) in &r.verdicts_by_length {
        println!("  {band:>7} words ({} documents): {}", v.total(), line(v));
    }
    println!(
        "taken for another language (not judged): {}{}",
        r.not_english,
        if r.not_english_examples.is_empty() {
            String::new()
        } else {
            format!(": {}", r.not_english_examples.join(", "))
        }
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
