//! Tests of model files: building, importing, opening, and refusing bad files.

use std::path::Path;

use super::format::{FORMAT_VERSION, PREFIX_LEN};
use super::*;

const TEXTS: &[&str] = &[
    "Ukrainian forces advanced near Bakhmut. Russian forces retreated!\nThe president spoke.",
    "The president of Ukraine met the president of France. Forces advanced again.",
    "Market pressures rose; the market fell. “Kyiv’s forces,” he said, “held.”",
];

fn counts_of(texts: &[&str], order: usize) -> CountsModel {
    let mut m = CountsModel::new(order);
    for t in texts {
        for words in sentence_words(t) {
            let words: Vec<&str> = words.iter().map(|w| w.as_ref()).collect();
            m.add_sentence(&words);
        }
    }
    m
}

fn build(texts: &[&str], dir: &Path, name: &str, options: &BuildOptions) -> (Model, BuildReport) {
    let out = dir.join(name);
    let report =
        build_model_from_texts(texts.iter().map(|s| s.to_string()), &out, options).unwrap();
    (Model::open(&out).unwrap(), report)
}

fn opts(order: usize) -> BuildOptions {
    BuildOptions {
        order,
        threads: 2,
        ..BuildOptions::default()
    }
}

#[test]
fn built_model_matches_counts_model() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = build(TEXTS, dir.path(), "m.lm", &opts(3));
    let reference = counts_of(TEXTS, 3);
    assert_eq!(model.order(), 3);
    assert_eq!(model.total_words(), reference.total_words());
    let stored: u64 = model.header().counts.iter().sum();
    assert_eq!(stored as usize, reference.len());
    for (gram, c) in reference.iter() {
        let words: Vec<&str> = gram.split(' ').collect();
        assert_eq!(model.count(&words), c, "{gram}");
        assert!(model.contains(&words));
    }
    assert_eq!(model.count(&["forces", "forces"]), 0);
    assert_eq!(model.count(&["kyiv", "'s", "forces"]), 1);
    assert_eq!(model.count(&[BOS, "the", "president"]), 2);
    let cases: &[(&[&str], &str)] = &[
        (&["ukrainian"], "forces"),
        (&[BOS, "ukrainian"], "forces"),
        (&["ukrainian"], "pressures"),
        (&["the", "market"], "fell"),
        (&[], "unseen"),
        (&["a", "b", "c", "the"], "president"),
        (&["forces"], EOS),
    ];
    for (ctx, w) in cases {
        let a = model.log_prob(ctx, w);
        let b = reference.log_prob(ctx, w);
        assert!((a - b).abs() < 1e-6, "{ctx:?} {w}: {a} vs {b}");
    }
    assert!(model.log_prob(&["ukrainian"], "forces") > model.log_prob(&["ukrainian"], "pressures"));
}

/// Enough distinct n-grams that a tiny memory budget spills many runs.
fn synthetic_texts() -> Vec<String> {
    let vocab: Vec<String> = (0..300).map(|i| format!("w{i}")).collect();
    let mut next = crate::test_rng::xorshift(12345);
    (0..200)
        .map(|_| {
            let mut doc = String::new();
            for _ in 0..10 {
                let len = 3 + next() % 12;
                for i in 0..len {
                    // Zipf-ish: small ids much more often, so counts vary.
                    let r = next() % 300;
                    let id = (r * r / 300) as usize;
                    if i == 0 {
                        doc.push('W');
                    }
                    doc.push_str(&vocab[id][usize::from(i == 0)..]);
                    doc.push(' ');
                }
                doc.push_str(". ");
            }
            doc
        })
        .collect()
}

#[test]
fn memory_bounded_build_equals_unbounded() {
    let dir = tempfile::tempdir().unwrap();
    let texts = synthetic_texts();
    let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
    let big = BuildOptions {
        memory_bytes: 1 << 30,
        threads: 1,
        ..opts(4)
    };
    let tiny = BuildOptions {
        memory_bytes: 1,
        threads: 2,
        ..opts(4)
    };
    let (a, ra) = build(&refs, dir.path(), "big.lm", &big);
    let (b, rb) = build(&refs, dir.path(), "tiny.lm", &tiny);
    assert_eq!(ra.runs, 1);
    assert!(rb.runs > 4, "tiny budget spilled only {} runs", rb.runs);
    assert_eq!(ra.header, rb.header);
    let bytes_a = std::fs::read(dir.path().join("big.lm")).unwrap();
    let bytes_b = std::fs::read(dir.path().join("tiny.lm")).unwrap();
    assert!(bytes_a == bytes_b, "model files differ");
    let reference = counts_of(&refs, 4);
    for (gram, c) in reference.iter().take(2000) {
        let words: Vec<&str> = gram.split(' ').collect();
        assert_eq!(b.count(&words), c, "{gram}");
    }
    assert_eq!(a.total_words(), reference.total_words());
}

#[test]
fn min_count_prunes_higher_orders_only() {
    let dir = tempfile::tempdir().unwrap();
    let options = BuildOptions {
        min_count: 2,
        prune_from_order: 2,
        ..opts(3)
    };
    let (model, _) = build(TEXTS, dir.path(), "p.lm", &options);
    assert_eq!(model.count(&["bakhmut"]), 1, "unigrams are never pruned");
    assert_eq!(model.count(&["near", "bakhmut"]), 0);
    assert_eq!(model.count(&["forces", "advanced"]), 2);
    assert_eq!(model.count(&["the", "president", "of"]), 2);
    assert_eq!(model.header().min_count, 2);
}

#[test]
fn build_reads_corpus_files() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl: String = TEXTS
        .iter()
        .map(|t| serde_json::json!({ "id": 1, "text": t }).to_string() + "\n")
        .collect::<String>()
        + "{broken\n";
    let path = dir.path().join("c.jsonl.zst");
    std::fs::write(&path, zstd::encode_all(jsonl.as_bytes(), 3).unwrap()).unwrap();
    let out = dir.path().join("c.lm");
    let report = build_model(&[path], &out, &opts(3), &NoProgress).unwrap();
    assert_eq!(report.corpus.records, 3);
    assert_eq!(report.corpus.skipped.count, 1);
    let model = Model::open(&out).unwrap();
    assert_eq!(model.count(&["forces", "advanced"]), 2);
    assert_eq!(model.header().sources[0].licence, "unknown");
}

const ARPA: &str = "Some tool's comment before the data.

\\data\\
ngram 1=6
ngram 2=4

\\1-grams:
-99\t<s>\t-0.5
-1.0\t</s>
-0.7\tthe\t-0.3
-1.2\tPresident\t-0.2
-1.5\tforces
-3.0\t<unk>

\\2-grams:
-0.4\t<s> the
-0.3\tthe president
-0.9\tpresident </s>
-0.8\tthe forces

\\end\\
";

#[test]
fn arpa_import_gives_backoff_probabilities() {
    let dir = tempfile::tempdir().unwrap();
    let arpa = dir.path().join("small.arpa");
    std::fs::write(&arpa, ARPA).unwrap();
    let out = dir.path().join("small.lm");
    let header = import_arpa(&arpa, &out, Vec::new(), None).unwrap();
    assert_eq!(header.counts, vec![6, 4]);
    let m = Model::open(&out).unwrap();
    assert_eq!(m.kind(), ModelKind::Backoff);
    let close = |a: f32, b: f32| (a - b).abs() < 1e-3;
    // Listed bigram: its own probability (keys were normalized: President → president).
    assert!(close(m.log_prob(&["the"], "president"), -0.3));
    // Unlisted bigram: backoff(forces) is absent (0) + P(president).
    assert!(close(m.log_prob(&["forces"], "president"), -1.2));
    // Unlisted bigram with a listed context: backoff(the) + P(</s>).
    assert!(close(m.log_prob(&["the"], EOS), -0.3 - 1.0));
    // Unknown word: backoff of the context + P(<unk>).
    assert!(close(m.log_prob(&["president"], "zelenskyy"), -0.2 - 3.0));
    assert!(close(m.log_prob(&[BOS], "the"), -0.4));
    assert_eq!(m.count(&["the", "forces"]), 1);
    assert!(m.contains(&["the", "forces"]));
    assert!(!m.contains(&["forces", "the"]));
}

#[test]
fn arpa_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.lm");
    let cases = [
        (ARPA.replace("ngram 2=4", "ngram 2=5"), "declares 5 2-grams"),
        (ARPA.replace("\\end\\\n", ""), "truncated ARPA file"),
        (
            ARPA.replace("-0.3\tthe president", "x\tthe president"),
            ":17: not a number",
        ),
        ("hello\n".to_string(), "not an ARPA file"),
        (
            ARPA.replace("-0.3\tthe president", "-0.3\tthe premier"),
            ":17: the word \"premier\" of this 2-gram has no 1-gram entry",
        ),
    ];
    for (text, expected) in cases {
        let arpa = dir.path().join("bad.arpa");
        std::fs::write(&arpa, &text).unwrap();
        let e = import_arpa(&arpa, &out, Vec::new(), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains(expected) && e.contains("bad.arpa"), "{e}");
    }
}

#[test]
fn count_lists_import_merges_case() {
    let dir = tempfile::tempdir().unwrap();
    let uni = dir.path().join("uni.txt");
    let bi = dir.path().join("bi.txt");
    std::fs::write(&uni, "the 100\nThe 5\nforces 10\npresident 7\n").unwrap();
    std::fs::write(&bi, "the president 4\nukrainian forces 3\n").unwrap();
    let out = dir.path().join("c.lm");
    let h = import_counts(&[uni.clone(), bi], &out, Vec::new(), None).unwrap();
    assert_eq!(h.counts, vec![3, 2]);
    assert_eq!(h.total_words, 122);
    let m = Model::open(&out).unwrap();
    assert_eq!(m.count(&["the"]), 105);
    assert_eq!(m.count(&["the", "president"]), 4);
    // A bigram whose first word is not in the unigram list (the hash index numbers it anyway).
    assert_eq!(m.count(&["ukrainian", "forces"]), 3);
    assert_eq!(m.count(&["ukrainian"]), 0);
    assert_eq!(m.count(&["forces", "ukrainian"]), 0);
    assert_eq!(m.count(&["nobody", "forces"]), 0);
    assert!(m.log_prob(&["ukrainian"], "forces") > m.log_prob(&["ukrainian"], "president"));

    std::fs::write(&uni, "the 100\nthe many\n").unwrap();
    let e = import_counts(std::slice::from_ref(&uni), &out, Vec::new(), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("uni.txt:2") && e.contains("not a count"), "{e}");

    // Invalid UTF-8 is named at its line, in count lists and in ARPA files alike.
    std::fs::write(&uni, b"the 100\nb\xffad 3\n").unwrap();
    let e = import_counts(std::slice::from_ref(&uni), &out, Vec::new(), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("uni.txt:2: not UTF-8"), "{e}");
    let arpa = dir.path().join("a.arpa");
    std::fs::write(&arpa, b"\\data\\\nngram 1=1\n\n\\1-grams:\n-1.0 b\xffad\n").unwrap();
    let e = import_arpa(&arpa, &out, Vec::new(), None)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(e.contains("a.arpa:5: not UTF-8"), "{e}");
}

#[test]
fn bad_model_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _) = build(TEXTS, dir.path(), "good.lm", &opts(3));
    let good = std::fs::read(dir.path().join("good.lm")).unwrap();
    let header_len = u32::from_le_bytes(good[12..16].try_into().unwrap()) as usize;

    let mut flipped = good.clone();
    let last = flipped.len() - 20;
    flipped[last] ^= 0x55;
    let mut newer = good.clone();
    newer[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let mut bad_json = good.clone();
    bad_json[PREFIX_LEN] = b'[';
    let mut trailing = good.clone();
    trailing.push(0);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (flipped, "checksum"),
        (good[..good.len() - 7].to_vec(), "truncated model file"),
        (
            good[..PREFIX_LEN + header_len / 2].to_vec(),
            "truncated model file",
        ),
        (good[..5].to_vec(), "truncated model file"),
        (
            b"ARPA or something else entirely".to_vec(),
            "not an unspin model file",
        ),
        (Vec::new(), "truncated model file"),
        (newer, "newer than this unspin reads"),
        (bad_json, "corrupt model header"),
        (trailing, "trailing data"),
    ];
    for (i, (bytes, expected)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.lm"));
        std::fs::write(&path, &bytes).unwrap();
        let e = Model::open(&path).unwrap_err().to_string();
        let always = OpenOptions {
            verify: Verify::Always,
        };
        assert_eq!(Model::open_with(&path, always).unwrap_err().to_string(), e);
        assert!(
            e.contains(expected) && e.contains(&format!("bad{i}.lm")),
            "case {i}: {e}"
        );
    }
    // Opened without the checksum, a corruption the structural checks miss is caught by verify().
    let path = dir.path().join("lazy.lm");
    let mut caught = 0;
    for at in (PREFIX_LEN + header_len + 8..good.len()).step_by(7) {
        let mut flipped = good.clone();
        flipped[at] ^= 0x10;
        std::fs::write(&path, &flipped).unwrap();
        let no_checksum = OpenOptions {
            verify: Verify::Never,
        };
        if let Ok(lazy) = Model::open_with(&path, no_checksum) {
            assert!(lazy.verify().unwrap_err().to_string().contains("checksum"));
            caught += 1;
        }
    }
    assert!(caught > 0);
    let e = Model::open(dir.path().join("missing.lm"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.lm"), "{e}");
}

#[test]
fn model_is_shared_between_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = build(TEXTS, dir.path(), "s.lm", &opts(2));
    let model: std::sync::Arc<dyn LanguageModel> = std::sync::Arc::new(model);
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let m = std::sync::Arc::clone(&model);
            std::thread::spawn(move || m.count(&["forces", "advanced"]))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 2);
    }
}

#[test]
fn default_model_matches_its_manifest() {
    #[derive(serde::Deserialize)]
    struct Manifest {
        sources: Vec<ManifestSource>,
    }
    #[derive(serde::Deserialize)]
    struct ManifestSource {
        name: String,
        version: String,
        licence: String,
        /// A count list's lines (one source per order).
        #[serde(default)]
        lines: Option<u64>,
        /// Lines a source adds to each order's list (the American spellings).
        #[serde(default)]
        added: Vec<u64>,
    }
    let manifest: Manifest =
        serde_json::from_str(include_str!("../../../../models/default.manifest.json")).unwrap();
    let model = default_model();
    let h = model.header();
    assert!(
        model::DEFAULT_MODEL_BYTES.len() < 4 << 20,
        "the default model must stay under 4 MiB"
    );
    assert_eq!(h.sources.len(), manifest.sources.len());
    for (s, m) in h.sources.iter().zip(&manifest.sources) {
        assert_eq!(
            (&s.name, &s.version, &s.licence),
            (&m.name, &m.version, &m.licence)
        );
        // Permissive licences only: the model is embedded in every binary.
        assert!(
            s.licence == "MIT" || s.licence.starts_with("SCOWL (permissive"),
            "{}",
            s.licence
        );
    }
    // One count list per order: its lines, plus the lines another source adds to that order,
    // become that order's n-grams (case-merged at most).
    let lists: Vec<u64> = manifest.sources.iter().filter_map(|m| m.lines).collect();
    assert_eq!(h.order, lists.len());
    for (order, (count, lines)) in h.counts.iter().zip(&lists).enumerate() {
        let added: u64 = manifest
            .sources
            .iter()
            .filter_map(|m| m.added.get(order))
            .sum();
        let expected = lines + added;
        assert!(
            *count <= expected && *count * 100 >= expected * 99,
            "{count} of {expected}"
        );
    }
    // The data is what it claims: frequent English and its bigrams.
    assert!(model.count(&["the"]) > model.count(&["of"]));
    assert!(model.contains(&["president", "of"]));
    assert!(model.log_prob(&["united"], "states") > model.log_prob(&["united"], "pressures"));
    // American spellings are known, with their British forms' counts and bigrams.
    for (us, uk) in [("labor", "labour"), ("favorite", "favourite")] {
        assert_eq!(model.count(&[us]), model.count(&[uk]), "{us}");
    }
    assert!(model.contains(&["center", "of"]) && model.contains(&["centre", "of"]));
}

#[test]
fn sequence_scores_by_word_id_equal_word_by_word_scores() {
    // The embedded model answers sequences through its word-id index; the answer must be the
    // very same floats as the trait's word-by-word default (known, unknown and repeated words,
    // seen and unseen bigrams, every starting point).
    let model = default_model();
    let seq = [
        "the",
        "president",
        "of",
        "ukraine",
        "met",
        "the",
        "qqzxv",
        "forces",
        "qqzxv",
        "and",
        "pressures",
        "rose",
        "sharply",
        "in",
        "the",
        "market",
    ];
    for from in 0..seq.len() {
        let by_word: f32 = (from..seq.len())
            .map(|k| model.log_prob(&seq[k.saturating_sub(1)..k], seq[k]))
            .sum();
        assert_eq!(
            model.seq_log_prob(&seq, from).to_bits(),
            by_word.to_bits(),
            "from {from}"
        );
    }
}
