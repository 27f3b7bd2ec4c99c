//! Evaluation of source tracing (issue 4). For evaluation only: reads ../shared, writes nothing
//! into the repository. Run (release, after building the index with `unspin index add`):
//!
//! ```text
//! cargo run --release -p unspin --example trace_eval -- \
//!     --index target/eval/index --dev ../shared/eval/dev \
//!     --synthetic ../shared/data/corpora/enwiki2018.jsonl.zst --n 1000 \
//!     --baseline ../shared/data/corpora/enwiki2015.jsonl.zst ../shared/data/corpora/enwiki2018.jsonl.zst
//! ```
//!
//! - dev: each `*.spun.txt` with an `*.orig.txt` is traced (rank of its original) and restored
//!   from the found source; WER against the original over the part the two share (overlap
//!   alignment: words before the first and after the last aligned word of either text are free).
//! - synthetic: `--n` articles of the corpus (those with at least 100 words, in xxh3 order of their
//!   id) are spun at 30/60/90% of content words by the minimal thesaurus spinner below and traced;
//!   top-1 accuracy and latency, and the same for a plain word-5-shingle MinHash LSH baseline
//!   (128 one-permutation bins, 32 bands of 4) built over the `--baseline` corpora.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use unspin::lexicon::Lexicon;
use unspin::token::{match_case, normalize, tokenize, TokenKind};
use unspin::trace::features::{hash_str, is_function_word};
use unspin::trace::{restore_from_source, trace, Index, TraceOptions, RESTORE_MIN_SIMILARITY};

fn main() {
    if let Err(e) = run() {
        eprintln!("trace_eval: {e}");
        std::process::exit(2);
    }
}

struct Opts {
    index: PathBuf,
    dev: Option<PathBuf>,
    synthetic: Option<PathBuf>,
    n: usize,
    baseline: Vec<PathBuf>,
    rates: Vec<f64>,
}

fn parse() -> Result<Opts, String> {
    let mut o = Opts {
        index: PathBuf::new(),
        dev: None,
        synthetic: None,
        n: 1000,
        baseline: Vec::new(),
        rates: vec![0.3, 0.6, 0.9],
    };
    let mut args = std::env::args().skip(1).peekable();
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--index" => o.index = val()?.into(),
            "--dev" => o.dev = Some(val()?.into()),
            "--synthetic" => o.synthetic = Some(val()?.into()),
            "--n" => o.n = val()?.parse().map_err(|e| format!("--n: {e}"))?,
            "--rates" => {
                o.rates = val()?
                    .split(',')
                    .map(|x| x.parse().map_err(|e| format!("--rates: {e}")))
                    .collect::<Result<_, _>>()?
            }
            "--baseline" => {
                while let Some(p) = args.peek() {
                    if p.starts_with("--") {
                        break;
                    }
                    o.baseline.push(args.next().expect("peeked").into());
                }
            }
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    Ok(o)
}

fn run() -> Result<(), String> {
    let o = parse()?;
    let t = Instant::now();
    let index = Index::open(&o.index).map_err(|e| e.to_string())?;
    println!(
        "index: {} documents, opened in {:.0} ms",
        index.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    if let Some(dev) = &o.dev {
        dev_eval(&index, dev)?;
    }
    if let Some(corpus) = &o.synthetic {
        synthetic_eval(&index, corpus, &o)?;
    }
    Ok(())
}

fn words(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .map(|t| normalize(t.text(text)).into_owned())
        .collect()
}

/// Word error rate of `hyp` against `reference` over the part they share: an overlap alignment
/// (match +1, substitution, insertion, deletion -1 each; words before the start and after the end
/// of either sequence are free, and the alignment with the best score is taken). Returns (edits,
/// reference words in the shared part).
pub fn overlap_wer(reference: &[String], hyp: &[String]) -> (usize, usize) {
    let (n, m) = (reference.len(), hyp.len());
    if n == 0 || m == 0 {
        return (0, 0);
    }
    let w = m + 1;
    let mut d = vec![0i32; (n + 1) * w];
    for i in 1..=n {
        for j in 1..=m {
            let diag = d[(i - 1) * w + j - 1]
                + if reference[i - 1] == hyp[j - 1] {
                    1
                } else {
                    -1
                };
            d[i * w + j] = diag.max(d[(i - 1) * w + j] - 1).max(d[i * w + j - 1] - 1);
        }
    }
    let mut best = (i32::MIN, n, m);
    for j in 0..=m {
        if d[n * w + j] > best.0 {
            best = (d[n * w + j], n, j);
        }
    }
    for i in 0..=n {
        if d[i * w + m] > best.0 {
            best = (d[i * w + m], i, m);
        }
    }
    let (_, mut i, mut j) = best;
    let end_i = i;
    let mut edits = 0;
    while i > 0 && j > 0 {
        let here = d[i * w + j];
        let same = reference[i - 1] == hyp[j - 1];
        if here == d[(i - 1) * w + j - 1] + if same { 1 } else { -1 } {
            edits += !same as usize;
            i -= 1;
            j -= 1;
        } else if here == d[(i - 1) * w + j] - 1 {
            edits += 1;
            i -= 1;
        } else {
            edits += 1;
            j -= 1;
        }
    }
    (edits, end_i - i)
}

fn dev_eval(index: &Index, dev: &Path) -> Result<(), String> {
    println!("\n## dev pairs ({})", dev.display());
    println!(
        "| text | rank of original | score | coverage | WER spun | WER restored | shared words |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut names: Vec<PathBuf> = std::fs::read_dir(dev)
        .map_err(|e| format!("{}: {e}", dev.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".spun.txt"))
        .collect();
    names.sort();
    for spun_path in names {
        let name = spun_path.file_name().unwrap_or_default().to_string_lossy();
        let stem = name.trim_end_matches(".spun.txt").to_string();
        let orig_path = dev.join(format!("{stem}.orig.txt"));
        let spun = std::fs::read_to_string(&spun_path).map_err(|e| e.to_string())?;
        let opts = TraceOptions {
            top: 10,
            ..TraceOptions::default()
        };
        let matches = trace(index, &spun, &opts).map_err(|e| e.to_string())?;
        let Ok(orig) = std::fs::read_to_string(&orig_path) else {
            let best = matches
                .first()
                .map(|m| format!("{} ({:.2})", m.id, m.score))
                .unwrap_or("none".into());
            println!("| {stem} | no original (best: {best}) | | | | | |");
            continue;
        };
        let want = format!("{stem}.orig.txt");
        let rank = matches.iter().position(|m| m.id.ends_with(&want));
        let (score, coverage, restored) = match rank.map(|r| &matches[r]) {
            Some(m) => {
                let source = index.text(m.doc).map_err(|e| e.to_string())?;
                let restored = restore_from_source(
                    &spun,
                    &source,
                    &m.alignment,
                    RESTORE_MIN_SIMILARITY,
                    |t| t.to_string(),
                );
                (m.score, m.coverage, restored)
            }
            None => (0.0, 0.0, spun.clone()),
        };
        let ow = words(&orig);
        let (e0, n0) = overlap_wer(&ow, &words(&spun));
        let (e1, n1) = overlap_wer(&ow, &words(&restored));
        println!(
            "| {stem} | {} | {score:.2} | {coverage:.2} | {:.3} | {:.3} | {n1} |",
            rank.map(|r| (r + 1).to_string())
                .unwrap_or("not found".into()),
            e0 as f64 / n0.max(1) as f64,
            e1 as f64 / n1.max(1) as f64,
        );
        if std::env::var_os("TRACE_EVAL_SHOW").is_some() {
            println!("---- restored {stem}\n{restored}\n----");
        }
    }
    Ok(())
}

fn read_jsonl(path: &Path, mut f: impl FnMut(String, String)) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dec = zstd::Decoder::new(file).map_err(|e| e.to_string())?;
    for line in BufReader::with_capacity(1 << 20, dec).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        if let (Some(id), Some(text)) = (v["id"].as_str(), v["text"].as_str()) {
            f(id.to_string(), text.to_string());
        }
    }
    Ok(())
}

/// SplitMix64: deterministic and good enough to pick substitutions.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The minimal thesaurus spinner of this evaluation: each content word (not a function word,
/// listed in the thesaurus with at least one synonym) is replaced, with probability `rate`, by a
/// synonym drawn uniformly from its entry (Moby + WordNet, the direction a spinner uses), in the
/// case of the word it replaces. Returns the text and the share of content words replaced.
fn spin(text: &str, rate: f64, seed: u64) -> (String, f64) {
    let lex = Lexicon::embedded();
    let mut rng = Rng(seed);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut cursor = 0;
    let (mut content, mut replaced) = (0usize, 0usize);
    for t in tokenize(text) {
        if t.kind != TokenKind::Word {
            continue;
        }
        let raw = t.text(text);
        let norm = normalize(raw);
        if is_function_word(&norm) {
            continue;
        }
        let Some(id) = lex.id(&norm) else { continue };
        let n = lex.synonym_count(id);
        if n == 0 {
            continue;
        }
        content += 1;
        if rng.unit() >= rate {
            continue;
        }
        let pick = (rng.next() % n as u64) as usize;
        let Some(e) = lex.synonyms(id).nth(pick) else {
            continue;
        };
        out.push_str(&text[cursor..t.start]);
        out.push_str(&match_case(raw, lex.term(e.term)));
        cursor = t.end;
        replaced += 1;
    }
    out.push_str(&text[cursor..]);
    (out, replaced as f64 / content.max(1) as f64)
}

/// Plain word-shingle MinHash: normalized word 5-shingles, one-permutation hashing into 128 bins.
const BINS: usize = 128;
const BANDS: usize = 32;
fn minhash(text: &str) -> Option<[u64; BINS]> {
    let w = words(text);
    if w.len() < 5 {
        return None;
    }
    let mut sig = [u64::MAX; BINS];
    for s in w.windows(5) {
        let h = hash_str(&s.join(" "));
        let bin = (h % BINS as u64) as usize;
        sig[bin] = sig[bin].min(h);
    }
    Some(sig)
}
fn band_keys(sig: &[u64; BINS]) -> impl Iterator<Item = u64> + '_ {
    let rows = BINS / BANDS;
    (0..BANDS).map(move |b| {
        let mut k = b as u64;
        for r in 0..rows {
            k = k.wrapping_mul(0x100_0000_01b3) ^ sig[b * rows + r];
        }
        k
    })
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn synthetic_eval(index: &Index, corpus: &Path, o: &Opts) -> Result<(), String> {
    let mut docs: Vec<(u64, String, String)> = Vec::new();
    read_jsonl(corpus, |id, text| {
        if words(&text).len() >= 100 {
            docs.push((hash_str(&id), id, text));
        }
    })?;
    docs.sort_by_key(|d| d.0);
    docs.truncate(o.n);
    println!(
        "\n## synthetic spinning: {} articles of {} (>= 100 words, xxh3 order of id)",
        docs.len(),
        corpus.display()
    );
    // Baseline index.
    let mut sigs: Vec<(String, [u64; BINS])> = Vec::new();
    let mut buckets: HashMap<u64, Vec<u32>> = HashMap::new();
    let t = Instant::now();
    for path in &o.baseline {
        read_jsonl(path, |id, text| {
            if let Some(sig) = minhash(&text) {
                let d = sigs.len() as u32;
                for k in band_keys(&sig) {
                    buckets.entry(k).or_default().push(d);
                }
                sigs.push((id, sig));
            }
        })?;
    }
    if !o.baseline.is_empty() {
        println!(
            "baseline MinHash LSH over {} documents built in {:.1} s",
            sigs.len(),
            t.elapsed().as_secs_f64()
        );
    }
    println!("\n| content words replaced (target) | measured share | unspin top-1 | MinHash baseline top-1 | unspin latency p50 / p95 (ms) |");
    println!("|---|---|---|---|---|");
    let opts = TraceOptions {
        top: 1,
        ..TraceOptions::default()
    };
    for (ri, &rate) in o.rates.iter().enumerate() {
        let (mut hit, mut base_hit) = (0usize, 0usize);
        let mut share = 0.0;
        let mut lat = Vec::with_capacity(docs.len());
        let mut misses = Vec::new();
        for (i, (_, id, text)) in docs.iter().enumerate() {
            let (spun, s) = spin(text, rate, (ri as u64) << 32 | i as u64);
            share += s;
            let t = Instant::now();
            let m = trace(index, &spun, &opts).map_err(|e| e.to_string())?;
            lat.push(t.elapsed().as_secs_f64() * 1e3);
            if m.first().is_some_and(|m| &m.id == id) {
                hit += 1;
            } else if misses.len() < 5 {
                misses.push(id.clone());
            }
            if let Some(sig) = minhash(&spun) {
                let mut cand: HashMap<u32, usize> = HashMap::new();
                for k in band_keys(&sig) {
                    if let Some(b) = buckets.get(&k) {
                        for &d in b {
                            cand.entry(d).or_insert(0);
                        }
                    }
                }
                let best = cand
                    .keys()
                    .map(|&d| {
                        let same = sigs[d as usize]
                            .1
                            .iter()
                            .zip(sig.iter())
                            .filter(|(a, b)| a == b)
                            .count();
                        (same, std::cmp::Reverse(d))
                    })
                    .max();
                if let Some((_, std::cmp::Reverse(d))) = best {
                    if &sigs[d as usize].0 == id {
                        base_hit += 1;
                    }
                }
            }
        }
        let n = docs.len().max(1) as f64;
        let p50 = percentile(&mut lat, 0.5);
        let p95 = percentile(&mut lat, 0.95);
        println!(
            "| {:.0}% | {:.1}% | {:.1}% | {} | {p50:.1} / {p95:.1} |",
            rate * 100.0,
            share / n * 100.0,
            hit as f64 / n * 100.0,
            if o.baseline.is_empty() {
                "not run".to_string()
            } else {
                format!("{:.1}%", base_hit as f64 / n * 100.0)
            },
        );
        if !misses.is_empty() {
            eprintln!("  misses at {rate}: {misses:?}");
        }
    }
    Ok(())
}
