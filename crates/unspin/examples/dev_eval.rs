//! Development harness of the noisy-channel engine: seed001 rows flagged/restored, the dev pairs'
//! word error rates, and findings per 2,000 words of clean text, at several thresholds.
//!
//! ```text
//! cargo run --release -p unspin --example dev_eval -- --lm wiki:15000000 --limit 2000
//! cargo run --release -p unspin --example dev_eval -- --lm symspell:/tmp/symsp/symspellpy
//! ```
//! `--lm default` is the embedded model, `--lm file:PATH` a model file (`unspin model build`);
//! `--lm wiki:N` builds an order-3 counts model in memory from the first N words of
//! ../shared/data/corpora/enwiki2015.jsonl.zst; `--lm symspell:DIR` reads symspellpy's unigram
//! and bigram lists (the default model's sources). Nothing is written to disk.
//! `--engine-threshold 0.5` runs the engine exactly as `unspin check` does (see `Opts`).

mod support;

use std::collections::HashMap;
use std::path::PathBuf;

use unspin::decode::Decoder;
use unspin::finding::apply;
use unspin::rules::RuleSet;
use unspin::token::normalize;
use unspin::{Engine, EngineOptions, Finding};

const THRESHOLDS: [f32; 6] = [0.3, 0.5, 0.7, 0.8, 0.9, 0.95];

const USAGE: &str = "usage: dev_eval [--lm default|file:PATH|wiki:N|symspell:DIR] [--limit N] \
[--engine-threshold P] [--show] [--shared DIR]";

struct Opts {
    lm: String,
    shared: PathBuf,
    limit: usize,
    show: bool,
    /// The engine's own threshold (`EngineOptions::min_confidence`). 0 keeps every finding so
    /// that one run reports all thresholds; but the engine scores the document with the
    /// findings it keeps, so only `--engine-threshold 0.5` reproduces `unspin check` exactly.
    engine_threshold: f32,
}

fn parse() -> Opts {
    let mut o = Opts {
        lm: "wiki:10000000".into(),
        shared: PathBuf::from("../shared"),
        limit: 1000,
        show: false,
        engine_threshold: 0.0,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--lm" => o.lm = v,
            "--shared" => o.shared = v.into(),
            "--limit" => o.limit = v.parse().expect("--limit N"),
            "--engine-threshold" => o.engine_threshold = v.parse().expect("--engine-threshold P"),
            "--show" => {
                o.show = true;
                i += 1;
                continue;
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            a => {
                eprintln!("dev_eval: unknown argument {a}\n{USAGE}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    if !o.shared.exists() {
        o.shared = PathBuf::from("../../../shared");
    }
    o
}

fn norm_text(s: &str) -> String {
    support::wer_tokens(s).join(" ")
}

fn main() {
    let o = parse();
    let lm = support::build_lm(&o.lm, &o.shared);
    // The built-in pack too, as `unspin check` runs it.
    let engine = Engine::new(
        RuleSet::builtin().expect("the built-in pack is valid"),
        Some(Decoder::new(lm)),
        EngineOptions {
            min_confidence: o.engine_threshold,
            ..EngineOptions::default()
        },
    );
    let dev = o.shared.join("eval/dev");

    // seed001
    let spun = std::fs::read_to_string(dev.join("seed001.spun.txt")).unwrap();
    let gold = std::fs::read_to_string(dev.join("seed001.gold.tsv")).unwrap();
    let t = std::time::Instant::now();
    let report = engine.check(&spun);
    eprintln!("seed001 checked in {:.2}s", t.elapsed().as_secs_f32());
    let mut rows: Vec<(usize, usize, String, String)> = Vec::new();
    let mut cursor = 0;
    for line in gold.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((s, e)) = line.split_once('\t') else {
            continue;
        };
        match spun[cursor..].find(s) {
            Some(p) => {
                let a = cursor + p;
                rows.push((a, a + s.len(), s.to_string(), e.to_string()));
                cursor = a;
            }
            None => eprintln!("gold row not found: {s}"),
        }
    }
    println!("seed001: {} rows", rows.len());
    println!("threshold  flagged  restored  findings  | enwiki2018 and dev originals below");
    let mut per_threshold: Vec<String> = Vec::new();
    for &th in &THRESHOLDS {
        let fs: Vec<Finding> = report
            .findings
            .iter()
            .filter(|f| f.confidence >= th)
            .cloned()
            .collect();
        let mut flagged = 0;
        let mut restored = 0;
        for (a, b, s, e) in &rows {
            let over: Vec<&Finding> = fs.iter().filter(|f| f.start < *b && f.end > *a).collect();
            if !over.is_empty() {
                flagged += 1;
            }
            let lo = over.iter().map(|f| f.start).min().unwrap_or(*a).min(*a);
            let hi = over.iter().map(|f| f.end).max().unwrap_or(*b).max(*b);
            let local: Vec<Finding> = over
                .iter()
                .map(|f| Finding {
                    start: f.start - lo,
                    end: f.end - lo,
                    ..(*f).clone()
                })
                .collect();
            let r = apply(&spun[lo..hi], &local);
            let ok = norm_text(&r).contains(&norm_text(e));
            if ok {
                restored += 1;
            }
            if o.show && (th - 0.5).abs() < 1e-6 {
                println!(
                    "  [{}{}] {s} → {r}   (gold: {e})",
                    if over.is_empty() { ' ' } else { 'F' },
                    if ok { 'R' } else { ' ' }
                );
            }
        }
        per_threshold.push(format!(
            "{th:>9}  {flagged:>3}/{}  {restored:>3}/{}  {:>8}",
            rows.len(),
            rows.len(),
            fs.len()
        ));
    }
    for l in &per_threshold {
        println!("{l}");
    }

    // Dev pairs: WER of spun vs restored against the original; findings in the originals.
    for name in ["axios_biden_socialtucson", "cnn_oryx_softnews"] {
        let s = std::fs::read_to_string(dev.join(format!("{name}.spun.txt"))).unwrap();
        let orig = std::fs::read_to_string(dev.join(format!("{name}.orig.txt"))).unwrap();
        let rep = engine.check(&s);
        let orig_rep = engine.check(&orig);
        for &th in &[0.5f32, 0.7, 0.9] {
            let fs: Vec<Finding> = rep
                .findings
                .iter()
                .filter(|f| f.confidence >= th)
                .cloned()
                .collect();
            let restored = apply(&s, &fs);
            let fp = orig_rep
                .findings
                .iter()
                .filter(|f| f.confidence >= th)
                .count();
            println!(
                "{name} @{th}: WER spun {:.3} restored {:.3} ({} findings); original: {} findings in {} words",
                support::wer(&s, &orig),
                support::wer(&restored, &orig),
                fs.len(),
                fp,
                orig_rep.words
            );
        }
        if o.show {
            for f in rep.findings.iter().filter(|f| f.confidence >= 0.5) {
                println!(
                    "   spun: {} → {} ({:.2})",
                    f.text, f.suggestion, f.confidence
                );
            }
            for f in orig_rep.findings.iter().filter(|f| f.confidence >= 0.5) {
                println!(
                    "   ORIG FP: {} → {} ({:.2})",
                    f.text, f.suggestion, f.confidence
                );
            }
        }
    }

    // Clean held-out text.
    let mut words = 0usize;
    let mut counts = [0usize; THRESHOLDS.len()];
    let mut pairs: HashMap<(String, String), usize> = HashMap::new();
    let mut bytes = 0usize;
    let t = std::time::Instant::now();
    support::for_each_doc(
        &o.shared.join("data/corpora/enwiki2018.jsonl.zst"),
        |i, _, text| {
            if i >= o.limit {
                return false;
            }
            bytes += text.len();
            let rep = engine.check(text);
            words += rep.words;
            for f in &rep.findings {
                for (k, th) in THRESHOLDS.iter().enumerate() {
                    if f.confidence >= *th {
                        counts[k] += 1;
                    }
                }
                if f.confidence >= 0.5 {
                    *pairs
                        .entry((normalize(&f.text).into_owned(), f.suggestion.to_lowercase()))
                        .or_insert(0) += 1;
                }
            }
            true
        },
    );
    let secs = t.elapsed().as_secs_f64();
    println!(
        "enwiki2018: {} docs, {words} words, {:.2} MB in {secs:.1}s ({:.2} MB/s)",
        o.limit,
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs
    );
    for (k, th) in THRESHOLDS.iter().enumerate() {
        println!(
            "  @{th}: {} findings, {:.2} per 2,000 words",
            counts[k],
            counts[k] as f64 * 2000.0 / words.max(1) as f64
        );
    }
    if o.show {
        let mut v: Vec<_> = pairs.into_iter().collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1));
        for ((w, s), n) in v.into_iter().take(40) {
            println!("   FP {n:>3}  {w} → {s}");
        }
    }
}
