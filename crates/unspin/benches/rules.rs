//! `--fast` rule matching (`RuleSet::find`) on clean Wikipedia text, in bytes per second on
//! one core. Reads a slice of `../shared/data/corpora/enwiki2018.jsonl.zst` and the screener's
//! CSV at bench time (never stored in the repository); set `UNSPIN_SHARED` to point elsewhere.
//! Without the data it prints why and measures nothing.
//!
//! `cargo bench -p unspin --bench rules` (or `make bench`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use unspin::rules::{RuleSet, RuleSetBuilder};

/// Bytes of text the bench runs over (documents in corpus order).
const SLICE_BYTES: usize = 8 << 20;

fn shared() -> PathBuf {
    std::env::var_os("UNSPIN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn corpus_slice() -> Option<Vec<String>> {
    let path = shared().join("data/corpora/enwiki2018.jsonl.zst");
    let file = std::fs::File::open(&path)
        .map_err(|e| eprintln!("rules bench: skipped, cannot read {}: {e}", path.display()))
        .ok()?;
    let reader = BufReader::new(zstd::stream::read::Decoder::new(file).ok()?);
    let mut docs = Vec::new();
    let mut size = 0;
    for line in reader.lines() {
        let line = line.ok()?;
        let v: serde_json::Value = serde_json::from_str(&line).ok()?;
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            size += t.len();
            docs.push(t.to_string());
        }
        if size >= SLICE_BYTES {
            break;
        }
    }
    Some(docs)
}

fn pps_rules() -> Option<RuleSet> {
    let path = shared().join("data/tortured/pps_fingerprints.csv");
    let mut b = RuleSetBuilder::new();
    b.add_builtin().ok()?;
    b.load_path(&path)
        .map_err(|e| eprintln!("rules bench: skipped PPS rules: {e}"))
        .ok()?;
    b.build().ok()
}

fn bench(c: &mut Criterion) {
    let Some(docs) = corpus_slice() else {
        return;
    };
    let bytes: usize = docs.iter().map(String::len).sum();
    let mut group = c.benchmark_group("rules_find");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    let mut sets = vec![("builtin", RuleSet::builtin().expect("built-in pack"))];
    if let Some(p) = pps_rules() {
        sets.push(("pps_csv+builtin", p));
    }
    for (name, rules) in &sets {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let mut n = 0;
                for d in &docs {
                    n += rules.find(d, &[]).len();
                }
                n
            })
        });
    }
    // For comparison: what tokenizing the same text costs (the engine tokenizes every
    // document; the rule matcher itself does not need to).
    group.bench_function("tokenize_only", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| unspin::tokenize(d).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
