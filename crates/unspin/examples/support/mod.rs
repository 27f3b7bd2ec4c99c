//! Shared helpers of the engine's development examples: language models built in-process from
//! ../shared (never written into the repository) and the dev-set readers.

#![allow(dead_code)]

pub mod synth;

use std::io::BufRead;
use std::path::Path;

use unspin::lm::{CountsModel, LanguageModel};
use unspin::token::{normalize, tokenize, TokenKind};

/// Call `f` with each run of normalized words between punctuation/numbers, the segmentation the
/// decoder uses for its context.
pub fn for_each_segment(text: &str, mut f: impl FnMut(&[&str])) {
    let toks = tokenize(text);
    let mut norms: Vec<String> = Vec::new();
    let mut prev_end = 0;
    let flush = |norms: &mut Vec<String>, f: &mut dyn FnMut(&[&str])| {
        if !norms.is_empty() {
            let r: Vec<&str> = norms.iter().map(|s| s.as_str()).collect();
            f(&r);
            norms.clear();
        }
    };
    for t in toks {
        if text[prev_end..t.start].contains('\n') {
            flush(&mut norms, &mut f);
        }
        prev_end = t.end;
        if t.kind == TokenKind::Word {
            norms.push(normalize(t.text(text)).into_owned());
        } else {
            flush(&mut norms, &mut f);
        }
    }
    flush(&mut norms, &mut f);
}

/// Stream `{"id","title","text"}` records of a `.jsonl.zst` file.
pub fn for_each_doc(path: &Path, mut f: impl FnMut(usize, &str, &str) -> bool) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dec = zstd::stream::read::Decoder::new(file).expect("zstd stream");
    let reader = std::io::BufReader::with_capacity(1 << 20, dec);
    for (i, line) in reader.lines().enumerate() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let id = v["id"].as_str().unwrap_or("");
        let text = v["text"].as_str().unwrap_or("");
        if !f(i, id, text) {
            break;
        }
    }
}

/// An order-3 counts model from the first `max_words` words of the documents of `path` with
/// index `>= skip_docs`.
pub fn wiki_model(path: &Path, skip_docs: usize, max_words: u64) -> CountsModel {
    let mut m = CountsModel::new(3);
    let t = std::time::Instant::now();
    for_each_doc(path, |i, _, text| {
        if i < skip_docs {
            return true;
        }
        for_each_segment(text, |seg| m.add_sentence(seg));
        m.total_words() < max_words
    });
    eprintln!(
        "lm: {} words, {} n-grams, built in {:.1}s",
        m.total_words(),
        m.len(),
        t.elapsed().as_secs_f32()
    );
    m
}

/// symspellpy's unigram and bigram counts (Google Books), order 2: the default model's sources.
pub fn symspell_model(dir: &Path) -> CountsModel {
    let mut m = CountsModel::new(2);
    for (file, n) in [
        ("frequency_dictionary_en_82_765.txt", 1),
        ("frequency_bigramdictionary_en_243_342.txt", 2),
    ] {
        let p = dir.join(file);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for line in text.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() != n + 1 {
                continue;
            }
            let Ok(c) = parts[n].parse::<u64>() else {
                continue;
            };
            let ws: Vec<String> = parts[..n]
                .iter()
                .map(|w| normalize(w).into_owned())
                .collect();
            let wr: Vec<&str> = ws.iter().map(|s| s.as_str()).collect();
            m.add_ngram(&wr, c);
        }
    }
    eprintln!("lm: symspell, {} n-grams", m.len());
    m
}

/// Word-level Levenshtein distance between token sequences.
pub fn edit_distance(a: &[String], b: &[String]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + (a[i - 1] != b[j - 1]) as usize;
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Words and numbers of a text, normalized (for word error rates).
pub fn wer_tokens(text: &str) -> Vec<String> {
    tokenize(text)
        .iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .map(|t| normalize(t.text(text)).into_owned())
        .collect()
}

/// Word error rate of `hyp` against `reference`.
pub fn wer(hyp: &str, reference: &str) -> f64 {
    let r = wer_tokens(reference);
    edit_distance(&wer_tokens(hyp), &r) as f64 / r.len().max(1) as f64
}

/// The language model named by `spec`: `default` (the embedded model), `file:PATH` (a model
/// file), `wiki:N` (order 3, in memory, from the first N words of enwiki2015) or `symspell:DIR`.
pub fn build_lm(spec: &str, shared: &Path) -> std::sync::Arc<dyn LanguageModel> {
    if spec == "default" {
        unspin::lm::default_model()
    } else if let Some(p) = spec.strip_prefix("file:") {
        std::sync::Arc::new(unspin::lm::Model::open(p).unwrap_or_else(|e| panic!("{e}")))
    } else if let Some(n) = spec.strip_prefix("wiki:") {
        std::sync::Arc::new(wiki_model(
            &shared.join("data/corpora/enwiki2015.jsonl.zst"),
            0,
            n.parse().expect("wiki:N words"),
        ))
    } else if let Some(dir) = spec.strip_prefix("symspell:") {
        std::sync::Arc::new(symspell_model(Path::new(dir)))
    } else {
        panic!("--lm default | file:PATH | wiki:N | symspell:DIR")
    }
}

/// Cut a long article at a paragraph boundary near `max` bytes (keeps training quick).
pub fn head(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    match text[..cut].rfind('\n') {
        Some(p) if p > max / 2 => &text[..p],
        _ => &text[..cut],
    }
}

/// The value after `--name` in `args`, or `default`.
pub fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}
