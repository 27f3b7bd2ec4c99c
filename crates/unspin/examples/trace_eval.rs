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
//!   id) are spun at 30/60/90% of content words by `unspin::synth` (inflection carried over,
//!   function-word patterns on, names kept) and traced;
//!   top-1 accuracy and latency, and the same for a plain word-5-shingle MinHash LSH baseline
//!   (128 one-permutation bins, 32 bands of 4) built over the `--baseline` corpora.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use unspin::lexicon::Lexicon;
use unspin::token::{normalize, tokenize, TokenKind};
use unspin::trace::features::hash_str;
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
    query: Option<PathBuf>,
    /// Build the index first from these files (plain text: id = path; `.jsonl.zst`: id, text),
    /// through the same `IndexWriter::add_batch` as `unspin index add` (batches of 2000).
    build: Vec<PathBuf>,
}

fn parse() -> Result<Opts, String> {
    let mut o = Opts {
        index: PathBuf::new(),
        dev: None,
        synthetic: None,
        n: 1000,
        baseline: Vec::new(),
        rates: vec![0.3, 0.6, 0.9],
        query: None,
        build: Vec::new(),
    };
    let mut args = std::env::args().skip(1).peekable();
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--index" => o.index = val()?.into(),
            "--dev" => o.dev = Some(val()?.into()),
            "--query" => o.query = Some(val()?.into()),
            "--synthetic" => o.synthetic = Some(val()?.into()),
            "--n" => o.n = val()?.parse().map_err(|e| format!("--n: {e}"))?,
            "--rates" => {
                o.rates = val()?
                    .split(',')
                    .map(|x| x.parse().map_err(|e| format!("--rates: {e}")))
                    .collect::<Result<_, _>>()?
            }
            "--build" => {
                while let Some(p) = args.peek() {
                    if p.starts_with("--") {
                        break;
                    }
                    o.build.push(args.next().expect("peeked").into());
                }
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
    if !o.build.is_empty() {
        build(&o)?;
    }
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
    if let Some(q) = &o.query {
        let text = std::fs::read_to_string(q).map_err(|e| format!("{}: {e}", q.display()))?;
        let c = thread_cpu_ms();
        let m = trace(&index, &text, &TraceOptions::default()).map_err(|e| e.to_string())?;
        println!(
            "{:?} in {:.1} ms CPU",
            m.iter().map(|m| (&m.id, m.score)).collect::<Vec<_>>(),
            thread_cpu_ms() - c
        );
    }
    if let Some(corpus) = &o.synthetic {
        synthetic_eval(&index, corpus, &o)?;
    }
    Ok(())
}

fn build(o: &Opts) -> Result<(), String> {
    let t = Instant::now();
    let c = process_cpu_s();
    let mut w = unspin::trace::IndexWriter::open(&o.index, unspin::trace::Params::default())
        .map_err(|e| e.to_string())?;
    let mut batch = Vec::new();
    let mut bytes = 0usize;
    let mut flush = |batch: &mut Vec<(String, String)>| -> Result<(), String> {
        w.add_batch(std::mem::take(batch))
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    for p in &o.build {
        if p.to_string_lossy().ends_with(".jsonl.zst") {
            let mut err = Ok(());
            read_jsonl(p, |id, text| {
                bytes += text.len();
                batch.push((id, text));
                if batch.len() >= 2000 && err.is_ok() {
                    err = flush(&mut batch);
                }
            })?;
            err?;
        } else {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            bytes += text.len();
            batch.push((p.display().to_string(), text));
        }
    }
    flush(&mut batch)?;
    let n = w.commit().map_err(|e| e.to_string())?;
    let wall = t.elapsed().as_secs_f64();
    let cpu = process_cpu_s() - c;
    println!(
        "built {}: {n} documents, {:.1} MB of text in {wall:.1} s wall ({:.1} MB/s), {cpu:.1} s CPU ({:.1} MB per CPU-second)",
        o.index.display(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / wall,
        bytes as f64 / 1e6 / cpu
    );
    Ok(())
}

/// CPU time of the whole process (all threads), in seconds.
fn process_cpu_s() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
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
                    |r| spun[r].to_string(),
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

/// The project's spinner simulator (`unspin::synth`): `rate` of the eligible content words
/// replaced by thesaurus synonyms with their inflection, function-word patterns of real spinners
/// on, names kept. Returns the text and the share of the original's words replaced.
fn spin(text: &str, rate: f64, seed: u64) -> (String, f64) {
    let opts = unspin::synth::SpinOptions {
        rate: rate as f32,
        seed,
        ..Default::default()
    };
    let spun = unspin::synth::spin(text, Lexicon::embedded(), &opts, None);
    let share = spun.replaced_words() as f64 / words(text).len().max(1) as f64;
    (spun.text, share)
}

/// Plain word-shingle MinHash: normalized word 5-shingles, one-permutation hashing into 128 bins.
const BINS: usize = 128;
const BANDS: usize = 32;
fn minhash(text: &str) -> Option<[u64; BINS]> {
    let w: Vec<u64> = words(text).iter().map(|w| hash_str(w)).collect();
    if w.len() < 5 {
        return None;
    }
    let mut sig = [u64::MAX; BINS];
    for s in w.windows(5) {
        let h = s.iter().fold(0xcbf2_9ce4_8422_2325u64, |acc, &x| {
            (acc ^ x).wrapping_mul(0x100_0000_01b3).rotate_left(29)
        });
        let h = h ^ (h >> 31);
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

/// CPU time of this thread, in ms: latency without the wait for a core on a shared machine.
fn thread_cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
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
    println!("\n| content words replaced (target) | share of words replaced | unspin top-1 | MinHash baseline top-1 | unspin latency p50 / p95, wall (ms) | same, CPU time (ms) |");
    println!("|---|---|---|---|---|---|");
    let opts = TraceOptions {
        top: 1,
        ..TraceOptions::default()
    };
    for (ri, &rate) in o.rates.iter().enumerate() {
        let (mut hit, mut base_hit) = (0usize, 0usize);
        let mut share = 0.0;
        let mut lat = Vec::with_capacity(docs.len());
        let mut cpu = Vec::with_capacity(docs.len());
        let mut misses = Vec::new();
        for (i, (_, id, text)) in docs.iter().enumerate() {
            let (spun, s) = spin(text, rate, (ri as u64) << 32 | i as u64);
            share += s;
            let t = Instant::now();
            let c = thread_cpu_ms();
            let m = trace(index, &spun, &opts).map_err(|e| e.to_string())?;
            cpu.push(thread_cpu_ms() - c);
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
        let c50 = percentile(&mut cpu, 0.5);
        let c95 = percentile(&mut cpu, 0.95);
        println!(
            "| {:.0}% | {:.1}% | {:.1}% | {} | {p50:.1} / {p95:.1} | {c50:.1} / {c95:.1} |",
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
