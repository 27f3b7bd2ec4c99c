//! Model files from arbitrary bytes: opening either fails with an error that names the file, or
//! gives a model whose lookups (fst sections and n-gram hash table) return without panicking.
//! Seed it with a small model built with `--hash-table always` to get past the checksum.
#![no_main]
use libfuzzer_sys::fuzz_target;
use unspin::lm::{LanguageModel, Model};

fuzz_target!(|data: &[u8]| {
    match Model::from_bytes(data.to_vec(), "fuzz.lm") {
        Err(e) => assert!(e.to_string().contains("fuzz.lm"), "{e}"),
        Ok(model) => {
            for ngram in [&["the"][..], &["the", "war"], &["of", "the", "war"], &["<s>", "the"]] {
                let _ = model.count(ngram);
                let _ = model.log_prob(&ngram[..ngram.len() - 1], ngram[ngram.len() - 1]);
            }
        }
    }
});
