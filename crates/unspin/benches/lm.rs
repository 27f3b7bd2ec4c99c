//! Language-model benchmarks: open time, `count` and `log_prob` lookups per second.
//!
//! ```text
//! cargo bench -p unspin --bench lm                                  # the embedded default model
//! UNSPIN_BENCH_MODEL=target/models/enwiki2015-o4.lm cargo bench -p unspin --bench lm
//! ```
//! The queries are the n-grams of a fixed English paragraph (or of `UNSPIN_BENCH_TEXT`, a plain
//! text file), tokenized as the model builder does, so the mix of hits and misses is realistic.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use unspin::lm::{self, LanguageModel, Model};

const PARAGRAPH: &str = "The city council approved the new budget on Tuesday after a long debate \
about public transport and housing. Officials said the plan would add three bus lines, repair \
several bridges and build more affordable homes near the river. Critics argued that the tax \
increase was too large for families who already struggle with rising prices, while supporters \
pointed to the growing population and the need for better schools. The mayor promised to publish \
a detailed report before the end of the year. In the same session, members discussed the history \
of the old railway station, which was opened in 1885 and closed during the war.";

fn model_path() -> Option<PathBuf> {
    std::env::var_os("UNSPIN_BENCH_MODEL").map(PathBuf::from)
}

fn queries() -> Vec<Vec<String>> {
    let text = std::env::var_os("UNSPIN_BENCH_TEXT")
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_else(|| PARAGRAPH.to_string());
    let mut out = Vec::new();
    for sentence in lm::sentence_words(&text) {
        for i in 1..sentence.len() {
            let start = i.saturating_sub(4);
            out.push(sentence[start..=i].iter().map(|w| w.to_string()).collect());
        }
    }
    out
}

fn open(c: &mut Criterion) {
    let mut g = c.benchmark_group("open");
    g.bench_function("embedded default (from_static)", |b| {
        b.iter(|| Model::from_static(black_box(lm::model::DEFAULT_MODEL_BYTES), "default").unwrap())
    });
    let dir = tempfile::tempdir().unwrap();
    let default_file = dir.path().join("default.lm");
    std::fs::write(&default_file, lm::model::DEFAULT_MODEL_BYTES).unwrap();
    g.bench_function("default file (mmap)", |b| {
        b.iter(|| Model::open(black_box(&default_file)).unwrap())
    });
    if let Some(path) = model_path() {
        g.sample_size(20);
        g.bench_function("UNSPIN_BENCH_MODEL (Model::open)", |b| {
            b.iter(|| Model::open(black_box(&path)).unwrap())
        });
        let always = lm::OpenOptions {
            verify: lm::Verify::Always,
        };
        g.bench_function("UNSPIN_BENCH_MODEL (checksum verified)", |b| {
            b.iter(|| Model::open_with(black_box(&path), always).unwrap())
        });
    }
    g.finish();
}

fn lookups(c: &mut Criterion) {
    let model = match model_path() {
        Some(p) => Model::open(p).unwrap(),
        None => Model::from_static(lm::model::DEFAULT_MODEL_BYTES, "default").unwrap(),
    };
    let queries = queries();
    let order = model.order();
    let grams: Vec<Vec<&str>> = queries
        .iter()
        .map(|q| {
            let q = &q[q.len().saturating_sub(order)..];
            q.iter().map(|s| s.as_str()).collect()
        })
        .collect();
    let bigrams: Vec<[&str; 2]> = queries
        .iter()
        .filter(|q| q.len() >= 2)
        .map(|q| [q[q.len() - 2].as_str(), q[q.len() - 1].as_str()])
        .collect();
    let mut g = c.benchmark_group("lookup");
    g.throughput(Throughput::Elements(bigrams.len() as u64));
    g.bench_function("count (bigram)", |b| {
        b.iter(|| {
            let mut hits = 0u64;
            for bg in &bigrams {
                hits += model.count(black_box(bg));
            }
            hits
        })
    });
    g.throughput(Throughput::Elements(grams.len() as u64));
    g.bench_function(format!("log_prob (order {order})"), |b| {
        b.iter(|| {
            let mut sum = 0.0f32;
            for gram in &grams {
                let (w, ctx) = gram.split_last().unwrap();
                sum += model.log_prob(black_box(ctx), black_box(w));
            }
            sum
        })
    });
    g.finish();
}

criterion_group!(benches, open, lookups);
criterion_main!(benches);
