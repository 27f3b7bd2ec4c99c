//! `unspin eval names`: the broken-name check (`unspin::names`) alone.
//!
//! - Clean text: every finding on the clean articles is a false alarm (per 10,000 words).
//! - Synthetic name spins: each article prefix (800 words) is spun with names included
//!   (`unspin::synth`, `capitalized`, content words only, at `--rate`); a substitution whose
//!   original is a capitalised word inside a sentence is a broken name. Recall: broken names
//!   with a finding on their span whose suggestion is the original word (exact restoration);
//!   precision: findings that restore a substitution exactly.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use unspin::lexicon::Lexicon;
use unspin::names::name_findings;
use unspin::synth::{spin, SpinOptions};
use unspin::token::{sentences, tokenize};

use super::corpus::for_each_batch;
use super::{pct, print_json, ReportFormat};
use crate::cmd::EngineArgs;
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Clean corpus: JSONL with a `text` field, `.zst` compressed or plain.
    #[arg(long, default_value = "../shared/data/corpora/enwiki2018.jsonl.zst")]
    pub corpus: PathBuf,
    /// Read at most this many documents.
    #[arg(long, default_value_t = 2000)]
    pub limit: usize,
    /// Share of content words (names included) the synthetic spinner replaces.
    #[arg(long, default_value_t = 0.5)]
    pub rate: f32,
    /// How many example findings to list.
    #[arg(long, default_value_t = 15)]
    pub examples: usize,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Serialize, Default)]
pub struct Report {
    pub corpus: String,
    pub gazetteer: Vec<String>,
    pub documents: usize,
    pub clean_words: usize,
    pub clean_findings: usize,
    pub clean_per_10k_words: f64,
    pub spun_words: usize,
    pub broken_names: usize,
    pub restored_exactly: usize,
    pub findings_on_spun: usize,
    pub findings_exact: usize,
    pub recall: f64,
    pub precision: f64,
    pub clean_examples: Vec<String>,
    pub spun_examples: Vec<String>,
    pub seconds: f64,
}

#[derive(Default)]
struct DocResult {
    clean_words: usize,
    clean_findings: Vec<String>,
    spun_words: usize,
    broken: usize,
    restored: usize,
    findings: usize,
    exact: usize,
    examples: Vec<String>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let gazetteer = args.engine.gazetteer()?;
    let lexicon = Lexicon::embedded();
    let mut results: Vec<DocResult> = Vec::new();
    let mut index = 0usize;
    let stats = for_each_batch(&args.corpus, Some(args.limit), |docs| {
        let jobs: Vec<(usize, &str)> = docs
            .iter()
            .map(|d| {
                index += 1;
                (index, d.text.as_str())
            })
            .collect();
        let batch: Vec<DocResult> = jobs
            .par_iter()
            .map(|&(i, text)| {
                let text = super::score::prefix(text, 800);
                let mut r = DocResult::default();
                let toks = tokenize(text);
                r.clean_words = toks.iter().filter(|t| t.is_word()).count();
                for f in name_findings(text, &toks, lexicon, &gazetteer) {
                    r.clean_findings
                        .push(format!("{} -> {} ({})", f.text, f.suggestion, f.message));
                }
                let spun = spin(
                    text,
                    lexicon,
                    &SpinOptions {
                        rate: args.rate,
                        function_words: false,
                        capitalized: true,
                        seed: i as u64,
                        ..SpinOptions::default()
                    },
                    None,
                );
                let stoks = tokenize(&spun.text);
                r.spun_words = stoks.iter().filter(|t| t.is_word()).count();
                // Sentence starts of the original: capitalised there does not mean a name.
                let mut starts = std::collections::HashSet::new();
                for s in sentences(text, &toks) {
                    starts.insert(toks[s.start].start);
                }
                let broken: Vec<&unspin::synth::Substitution> = spun
                    .substitutions
                    .iter()
                    .filter(|s| {
                        !starts.contains(&s.orig_start)
                            && s.original.chars().next().is_some_and(|c| c.is_uppercase())
                    })
                    .collect();
                r.broken = broken.len();
                let findings = name_findings(&spun.text, &stoks, lexicon, &gazetteer);
                r.findings = findings.len();
                for f in &findings {
                    let hit = spun.substitutions.iter().find(|s| {
                        s.spun_start == f.start
                            && s.spun_end == f.end
                            && s.original.eq_ignore_ascii_case(&f.suggestion)
                    });
                    if let Some(s) = hit {
                        r.exact += 1;
                        if broken.iter().any(|b| b.spun_start == s.spun_start) {
                            r.restored += 1;
                        }
                    }
                    r.examples.push(format!(
                        "{}{} -> {} ({})",
                        if hit.is_some() { "" } else { "WRONG " },
                        f.text,
                        f.suggestion,
                        f.message
                    ));
                }
                r
            })
            .collect();
        results.extend(batch);
    })?;
    let mut report = Report {
        corpus: args.corpus.display().to_string(),
        gazetteer: gazetteer.header.sources.clone(),
        documents: stats.documents,
        ..Report::default()
    };
    for r in results {
        report.clean_words += r.clean_words;
        report.clean_findings += r.clean_findings.len();
        report.spun_words += r.spun_words;
        report.broken_names += r.broken;
        report.restored_exactly += r.restored;
        report.findings_on_spun += r.findings;
        report.findings_exact += r.exact;
        for e in r.clean_findings {
            if report.clean_examples.len() < args.examples {
                report.clean_examples.push(e);
            }
        }
        for e in r.examples {
            if report.spun_examples.len() < args.examples {
                report.spun_examples.push(e);
            }
        }
    }
    report.clean_per_10k_words =
        report.clean_findings as f64 * 10_000.0 / report.clean_words.max(1) as f64;
    report.recall = report.restored_exactly as f64 / report.broken_names.max(1) as f64;
    report.precision = report.findings_exact as f64 / report.findings_on_spun.max(1) as f64;
    report.seconds = started.elapsed().as_secs_f64();
    match args.format {
        ReportFormat::Json => print_json(&report)?,
        ReportFormat::Human => {
            println!("names on {} ({} documents), gazetteer {:?}", report.corpus, report.documents, report.gazetteer);
            println!(
                "clean: {} findings in {} words = {:.2} per 10,000 words",
                report.clean_findings, report.clean_words, report.clean_per_10k_words
            );
            println!(
                "spun at {:.0}% with names: {} broken names, {} restored exactly ({}); {} findings, {} exact ({})",
                args.rate * 100.0,
                report.broken_names,
                report.restored_exactly,
                pct(report.restored_exactly, report.broken_names),
                report.findings_on_spun,
                report.findings_exact,
                pct(report.findings_exact, report.findings_on_spun)
            );
            println!("clean findings:");
            for e in &report.clean_examples {
                println!("  {e}");
            }
            println!("findings on spun text:");
            for e in &report.spun_examples {
                println!("  {e}");
            }
            println!("{:.1} s", report.seconds);
        }
    }
    Ok(Outcome::Clean)
}
