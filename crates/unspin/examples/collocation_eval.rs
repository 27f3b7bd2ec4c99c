//! Calibrates the collocation repairs (`unspin::decode::collocation`) on synthetic spins of
//! clean text, away from the dev texts: for each threshold setting, how many substitutions are
//! flagged and restored exactly, how precise the repairs are, and how often they fire on the
//! same articles unspun (before the document gate that the engine puts in front of them).
//!
//! ```text
//! cargo run --release -p unspin --example collocation_eval -- --lm file:target/models/enwiki2015-o3.lm --docs 300
//! ```
//! Articles: enwiki2018 (disjoint from enwiki2015, which models are built from), from
//! `--skip-docs` (default 2,000, past the first 1,000 that `dev_eval` reports on), cut at 6 KB.
//! Spins: `unspin::synth` at 60% of content words, one key per document, function-word patterns
//! off (they are the channel's job, not the repairs').

mod support;

use std::path::PathBuf;

use unspin::decode::collocation::RepairThresholds;
use unspin::decode::Decoder;
use unspin::lexicon::Lexicon;
use unspin::synth::{spin, SpinOptions, Substitution};
use unspin::token::{normalize, tokenize};

#[derive(Default)]
struct Tally {
    substitutions: usize,
    findings: usize,
    on_substitution: usize,
    exact: usize,
    clean_findings: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let shared = PathBuf::from(support::arg(&args, "--shared", "../shared"));
    let lm = support::build_lm(&support::arg(&args, "--lm", "default"), &shared);
    let docs: usize = support::arg(&args, "--docs", "300")
        .parse()
        .expect("--docs N");
    let skip: usize = support::arg(&args, "--skip-docs", "2000")
        .parse()
        .expect("--skip-docs N");
    let decoder = Decoder::new(lm.clone());
    if !decoder.repairs_collocations() {
        eprintln!("this model lists frequent bigrams only: no collocation repairs to measure");
        std::process::exit(2);
    }
    let lex = Lexicon::embedded();
    let base = RepairThresholds::default();
    let settings: Vec<RepairThresholds> = [
        (2.0, 0.01),
        (3.0, 0.002),
        (3.0, 0.005),
        (3.0, 0.01),
        (3.0, 0.02),
        (4.0, 0.005),
        (4.0, 0.01),
        (5.0, 0.01),
    ]
    .iter()
    .map(|&(min_pmi, min_share)| RepairThresholds {
        min_pmi,
        min_share,
        ..base
    })
    .collect();
    let mut tallies: Vec<Tally> = settings.iter().map(|_| Tally::default()).collect();
    let mut clean_words = 0usize;
    let corpus = shared.join("data/corpora/enwiki2018.jsonl.zst");
    support::for_each_doc(&corpus, |i, _, text| {
        if i < skip {
            return true;
        }
        if i >= skip + docs {
            return false;
        }
        let text = support::head(text, 6000);
        let options = SpinOptions {
            rate: 0.6,
            function_words: false,
            seed: i as u64,
            ..SpinOptions::default()
        };
        let spun = spin(text, lex, &options, Some(lm.as_ref()));
        let spun_tokens = tokenize(&spun.text);
        let clean_tokens = tokenize(text);
        clean_words += clean_tokens.iter().filter(|t| t.is_word()).count();
        for (setting, tally) in settings.iter().zip(tallies.iter_mut()) {
            tally.substitutions += spun.substitutions.len();
            for f in decoder.collocation_findings_with(&spun.text, &spun_tokens, 1.0, setting) {
                tally.findings += 1;
                // A repair of two words may cover two substitutions.
                let covered: Vec<&Substitution> = spun
                    .substitutions
                    .iter()
                    .filter(|s| s.spun_start < f.end && f.start < s.spun_end)
                    .collect();
                if covered.is_empty() {
                    continue;
                }
                tally.on_substitution += 1;
                let whole = covered[0].spun_start <= f.start
                    && covered[covered.len() - 1].spun_end >= f.end
                    && covered
                        .windows(2)
                        .all(|p| spun.text[p[0].spun_end..p[1].spun_start].trim().is_empty());
                let original: Vec<&str> = covered.iter().map(|s| s.original.as_str()).collect();
                if whole && normalize(&f.suggestion) == normalize(&original.join(" ")) {
                    tally.exact += 1;
                }
            }
            tally.clean_findings += decoder
                .collocation_findings_with(text, &clean_tokens, 1.0, setting)
                .len();
        }
        true
    });
    println!(
        "{docs} enwiki2018 articles from #{skip}, {clean_words} words; spun at 60% of content words"
    );
    println!("min_pmi  min_share  findings  on a substitution  exact  | recall flagged  exact  | ungated on clean, per 2,000 words");
    for (s, t) in settings.iter().zip(&tallies) {
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        println!(
            "{:>7}  {:>9}  {:>8}  {:>16.1}%  {:>4.1}%  | {:>13.1}%  {:>4.1}%  | {:.2}",
            s.min_pmi,
            s.min_share,
            t.findings,
            pct(t.on_substitution, t.findings),
            pct(t.exact, t.findings),
            pct(t.on_substitution, t.substitutions),
            pct(t.exact, t.substitutions),
            t.clean_findings as f64 * 2000.0 / clean_words.max(1) as f64
        );
    }
}
