//! `unspin eval score`: how well the document score separates spun from clean text, and
//! (`--fit`) the command that refits its weights.
//!
//! Clean articles are cut at the first line end after 30–1,600 words (cycling, so lengths vary
//! as real texts do, from a snippet to a long article; a paragraph can make a "30-word" prefix
//! longer, so rates are reported by the length the texts have); each prefix is a negative and its synthetic spin (`unspin::synth`, rate
//! cycling 30/60/90%, function-word patterns on every other document, names spun on every third)
//! a positive. Every text is checked by the engine exactly as `unspin check` builds it, then
//! scored. `--fit` fits the logistic regression on `--train` and prints the constants for
//! `crates/unspin/src/score/mod.rs`; the measurement is always on `--test` (held out) and on
//! the real dev pairs, which are never used for fitting.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use unspin::score::fit::{fit_logistic, roc_auc, threshold_at_fpr};
use unspin::score::{self, FEATURE_NAMES, N_FEATURES};
use unspin::synth::{spin, SpinOptions};
use unspin::token::tokenize;

use super::corpus::for_each_batch;
use super::{print_json, ReportFormat};
use crate::cmd::EngineArgs;
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Clean corpus to fit on (with --fit).
    #[arg(long, default_value = "../shared/data/corpora/enwiki2015.jsonl.zst")]
    pub train: PathBuf,
    /// Held-out clean corpus to measure on.
    #[arg(long, default_value = "../shared/data/corpora/enwiki2018.jsonl.zst")]
    pub test: PathBuf,
    /// Folder of real pairs: `*.spun.txt` (spun) and `*.orig.txt` (clean).
    #[arg(long, default_value = "../shared/eval/dev")]
    pub dev: PathBuf,
    /// Articles read from each corpus (those shorter than 150 words are passed over).
    #[arg(long, default_value_t = 1000)]
    pub limit: usize,
    /// Fit the weights on --train and print them.
    #[arg(long)]
    pub fit: bool,
    /// Ridge penalty of the fit.
    #[arg(long, default_value_t = 1e-3)]
    pub l2: f64,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub engine: EngineArgs,
}

const LENGTHS: [usize; 7] = [30, 60, 100, 200, 400, 800, 1600];
const RATES: [f32; 3] = [0.3, 0.6, 0.9];

/// One scored text.
struct Sample {
    x: [f32; N_FEATURES],
    spun: bool,
    rate: f32,
    /// Words of the clean prefix as cut (at a line end, so often more than asked for).
    words: usize,
}

/// The band of [`LENGTHS`] a text of `words` words falls in: the largest length it reaches.
fn length_band(words: usize) -> usize {
    LENGTHS.iter().rev().copied().find(|&n| words >= n).unwrap_or(LENGTHS[0])
}

/// A prefix of whole lines of `text` with about `words` words.
pub fn prefix(text: &str, words: usize) -> &str {
    let mut n = 0;
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        n += line.split_whitespace().count();
        end += line.len();
        if n >= words {
            break;
        }
    }
    &text[..end]
}

fn features(engine: &unspin::Engine, text: &str) -> [f32; N_FEATURES] {
    let report = engine.check(text);
    let tokens = tokenize(text);
    let lm = unspin::lm::default_model();
    score::features(text, &tokens, &report.findings, lm.as_ref())
}

/// Clean prefixes and their spins from the first `limit` articles of `path`.
fn samples(engine: &unspin::Engine, path: &Path, limit: usize) -> anyhow::Result<Vec<Sample>> {
    let lexicon = unspin::lexicon::Lexicon::embedded();
    let mut out = Vec::new();
    let mut index = 0usize;
    for_each_batch(path, Some(limit), |docs| {
        let jobs: Vec<(usize, &str)> = docs
            .iter()
            .filter(|d| d.text.split_whitespace().count() >= 150)
            .map(|d| {
                index += 1;
                (index, d.text.as_str())
            })
            .collect();
        let batch: Vec<Sample> = jobs
            .par_iter()
            .flat_map_iter(|&(i, text)| {
                let clean = prefix(text, LENGTHS[i % LENGTHS.len()]);
                let words = clean.split_whitespace().count();
                let rate = RATES[i % RATES.len()];
                let spun = spin(
                    clean,
                    lexicon,
                    &SpinOptions {
                        rate,
                        function_words: i % 2 == 0,
                        capitalized: i % 3 == 0,
                        seed: i as u64,
                        ..SpinOptions::default()
                    },
                    None,
                );
                [
                    Sample {
                        x: features(engine, clean),
                        spun: false,
                        rate: 0.0,
                        words,
                    },
                    Sample {
                        x: features(engine, &spun.text),
                        spun: true,
                        rate,
                        words,
                    },
                ]
            })
            .collect();
        out.extend(batch);
    })?;
    Ok(out)
}

#[derive(Serialize)]
pub struct Measure {
    pub corpus: String,
    pub texts: usize,
    pub roc_auc: Option<f64>,
    /// At the committed threshold `SPUN_AT`: clean texts called spun, spun texts called spun.
    pub false_positive_rate: f64,
    pub true_positive_rate: f64,
    /// Recall of spun texts per spin rate at `SPUN_AT`.
    pub true_positive_rate_by_rate: Vec<(f32, f64)>,
    /// Per length band at `SPUN_AT`: (fewest words of the band, false positive rate, true
    /// positive rate); a band runs to the next one's fewest words.
    pub rates_by_length: Vec<(usize, f64, f64)>,
    /// Below `CLEAN_BELOW` (verdict clean): the share of clean texts, and of spun texts (missed).
    pub clean_verdict_clean: f64,
    pub clean_verdict_spun: f64,
    /// The threshold that keeps clean false alarms at 1%, and the recall there.
    pub threshold_at_1pct_fpr: f32,
    pub true_positive_rate_at_1pct_fpr: f64,
}

#[derive(Serialize)]
pub struct DevText {
    pub file: String,
    pub spun: bool,
    pub score: f32,
    pub verdict: &'static str,
    pub findings: usize,
}

#[derive(Serialize)]
pub struct Report {
    pub features: Vec<&'static str>,
    pub weights: Vec<f32>,
    pub bias: f32,
    pub fitted: bool,
    pub train: Option<Measure>,
    pub test: Measure,
    pub dev: Vec<DevText>,
    pub dev_roc_auc: Option<f64>,
    pub spun_at: f32,
    pub clean_below: f32,
    pub seconds: f64,
}

fn measure(corpus: &str, samples: &[Sample], w: &[f32; N_FEATURES], b: f32) -> Measure {
    let scores: Vec<f32> = samples
        .iter()
        .map(|s| score::probability(&s.x, w, b))
        .collect();
    let labels: Vec<bool> = samples.iter().map(|s| s.spun).collect();
    // The share of the spun (or clean) texts that `filter` keeps whose score `hit` accepts.
    let share = |spun: bool, filter: &dyn Fn(&Sample) -> bool, hit: &dyn Fn(f32) -> bool| {
        let (mut hits, mut all) = (0usize, 0usize);
        for (s, p) in samples.iter().zip(&scores) {
            if s.spun == spun && filter(s) {
                all += 1;
                hits += hit(*p) as usize;
            }
        }
        hits as f64 / all.max(1) as f64
    };
    let rate_of = |spun: bool, filter: &dyn Fn(&Sample) -> bool| {
        share(spun, filter, &|p| p >= score::SPUN_AT)
    };
    let below = |spun: bool| share(spun, &|_| true, &|p| p < score::CLEAN_BELOW);
    let (t, tpr) = threshold_at_fpr(&scores, &labels, 0.01);
    Measure {
        corpus: corpus.to_string(),
        texts: samples.len(),
        roc_auc: roc_auc(&scores, &labels),
        false_positive_rate: rate_of(false, &|_| true),
        true_positive_rate: rate_of(true, &|_| true),
        true_positive_rate_by_rate: RATES
            .iter()
            .map(|&r| (r, rate_of(true, &|s: &Sample| s.rate == r)))
            .collect(),
        rates_by_length: LENGTHS
            .iter()
            .map(|&n| {
                let at = |s: &Sample| length_band(s.words) == n;
                (n, rate_of(false, &at), rate_of(true, &at))
            })
            .collect(),
        clean_verdict_clean: below(false),
        clean_verdict_spun: below(true),
        threshold_at_1pct_fpr: t,
        true_positive_rate_at_1pct_fpr: tpr,
    }
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let engine = args.engine.build()?;
    let (mut weights, mut bias) = (score::WEIGHTS, score::BIAS);
    let mut train = None;
    if args.fit {
        let s = samples(&engine, &args.train, args.limit)?;
        let xs: Vec<[f32; N_FEATURES]> = s.iter().map(|s| s.x).collect();
        let ys: Vec<bool> = s.iter().map(|s| s.spun).collect();
        (weights, bias) = fit_logistic(&xs, &ys, args.l2);
        // The findings-only model used when the text is not at hand.
        let xf: Vec<[f32; N_FEATURES]> = xs
            .iter()
            .map(|x| {
                let mut v = [0f32; N_FEATURES];
                v[0] = x[0];
                v[1] = x[1];
                v
            })
            .collect();
        let (wf, bf) = fit_logistic(&xf, &ys, args.l2);
        eprintln!("// Fitted by `unspin eval score --fit --limit {}` on {}:", args.limit, args.train.display());
        eprintln!("pub const WEIGHTS: [f32; N_FEATURES] = {weights:?};");
        eprintln!("pub const BIAS: f32 = {bias:?};");
        eprintln!("pub const FINDINGS_ONLY_WEIGHTS: [f32; 2] = [{:?}, {:?}];", wf[0], wf[1]);
        eprintln!("pub const FINDINGS_ONLY_BIAS: f32 = {bf:?};");
        // The clean means that `score::CLEAN_SHARES` holds, read where the prior weighs least.
        // (Approximate: the features are already pulled toward the committed means, by a ninth at
        // 800 words.)
        let long: Vec<&Sample> = s.iter().filter(|s| !s.spun && s.words >= 800).collect();
        let mean = |k: usize| long.iter().map(|s| s.x[k]).sum::<f32>() / long.len().max(1) as f32;
        eprintln!("// clean means of the share features at 800+ words: [{:.3}, {:.3}, {:.4}]", mean(4), mean(5), mean(6));
        eprintln!("// clean mean of the \"as well as\" share at 800+ words: {:.4}", mean(2));
        train = Some(measure(&args.train.display().to_string(), &s, &weights, bias));
    }
    let s = samples(&engine, &args.test, args.limit)?;
    let test = measure(&args.test.display().to_string(), &s, &weights, bias);

    let mut dev = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&args.dev)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.dev.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let spun = name.ends_with(".spun.txt");
        if !spun && !name.ends_with(".orig.txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let report = engine.check(&text);
        let tokens = tokenize(&text);
        let lm = unspin::lm::default_model();
        let x = score::features(&text, &tokens, &report.findings, lm.as_ref());
        let p = score::probability(&x, &weights, bias);
        dev.push(DevText {
            file: name,
            spun,
            score: p,
            verdict: score::verdict(p).as_str(),
            findings: report.findings.len(),
        });
    }
    let dev_scores: Vec<f32> = dev.iter().map(|d| d.score).collect();
    let dev_labels: Vec<bool> = dev.iter().map(|d| d.spun).collect();
    let report = Report {
        features: FEATURE_NAMES.to_vec(),
        weights: weights.to_vec(),
        bias,
        fitted: args.fit,
        train,
        test,
        dev_roc_auc: roc_auc(&dev_scores, &dev_labels),
        dev,
        spun_at: score::SPUN_AT,
        clean_below: score::CLEAN_BELOW,
        seconds: started.elapsed().as_secs_f64(),
    };
    match args.format {
        ReportFormat::Json => print_json(&report)?,
        ReportFormat::Human => print_human(&report),
    }
    Ok(Outcome::Clean)
}

fn print_measure(m: &Measure) {
    println!(
        "{}: {} texts, ROC AUC {}, at SPUN_AT: FPR {:.2}%, TPR {:.1}% (by rate: {}), 1%-FPR threshold {:.3} with TPR {:.1}%",
        m.corpus,
        m.texts,
        m.roc_auc.map_or("-".into(), |a| format!("{a:.4}")),
        100.0 * m.false_positive_rate,
        100.0 * m.true_positive_rate,
        m.true_positive_rate_by_rate
            .iter()
            .map(|(r, t)| format!("{:.0}%: {:.1}%", r * 100.0, t * 100.0))
            .collect::<Vec<_>>()
            .join(", "),
        m.threshold_at_1pct_fpr,
        100.0 * m.true_positive_rate_at_1pct_fpr
    );
    println!(
        "  verdict clean (below CLEAN_BELOW): {:.1}% of clean texts, {:.1}% of spun texts",
        100.0 * m.clean_verdict_clean,
        100.0 * m.clean_verdict_spun
    );
    println!(
        "  by length (words from: FPR / TPR at SPUN_AT): {}",
        m.rates_by_length
            .iter()
            .map(|(n, f, t)| format!("{n}: {:.1}% / {:.1}%", f * 100.0, t * 100.0))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

fn print_human(r: &Report) {
    println!("document score ({}weights)", if r.fitted { "fitted " } else { "committed " });
    for (n, w) in r.features.iter().zip(&r.weights) {
        println!("  {n:<28} {w:>8.3}");
    }
    println!("  {:<28} {:>8.3}", "bias", r.bias);
    if let Some(t) = &r.train {
        print_measure(t);
    }
    print_measure(&r.test);
    for d in &r.dev {
        println!(
            "  {:<40} {:<5} score {:.3} {:<9} {} findings",
            d.file,
            if d.spun { "spun" } else { "clean" },
            d.score,
            d.verdict,
            d.findings
        );
    }
    println!(
        "dev ROC AUC {} ({} texts); {:.1} s",
        r.dev_roc_auc.map_or("-".into(), |a| format!("{a:.3}")),
        r.dev.len(),
        r.seconds
    );
}
