//! The scorer: a logistic model over the evidence that a window was spun from a candidate.
//!
//! The weights in [`WEIGHTS`] and [`WEIGHTS_BIGRAM`] are learned by `cargo run --release -p unspin --example
//! train_scorer` (synthetic spins of enwiki2015 text against clean enwiki2015 text; see
//! docs/evaluation.md). They are a handful of floats, not a table built from the corpus.

/// Names of the features, in order (for the training report and the docs).
pub const NAMES: [&str; N] = [
    "bias",
    "lm_gain",
    "spun_left_unseen",
    "spun_right_unseen",
    "cand_left_seen",
    "cand_right_seen",
    "log_freq_ratio",
    "edge_both",
    "edge_wordnet",
    "edge_pattern",
    "inflected",
    "ln_fan_in",
    "pooled_mean_gain_others",
    "ln_occurrences",
    "ln_cand_in_doc",
    "in_quote",
    "extra_written_words",
    "extra_cand_words",
    "cand_left_seen_spun_unseen",
    "capitalized_mid_sentence",
    "pooled_frac_positive",
    "log_written_per_million",
    "written_share_minus_one",
];

pub const N: usize = 23;

/// Feature vector of one (window, candidate) pair.
pub type Features = [f32; N];

/// The weights for a language model of `order`: bigram-only models (the embedded default) and
/// models of order 3 or more give the language-model features different meanings, so each has
/// its own table.
pub fn weights_for(order: usize) -> Features {
    if order >= 3 {
        WEIGHTS
    } else {
        WEIGHTS_BIGRAM
    }
}

/// Weight of `written_share_minus_one`, set by hand rather than learned: the synthetic spinner
/// replaces only a share of the occurrences of a word, so training on its output cannot learn
/// that real spinners apply their key to (nearly) every occurrence. With 8.0 a spun form written
/// where the original still dominates the document (a writer's own "as well as" among fifty
/// "and"s) loses about 7 in log-odds; a form whose original is absent loses nothing. Measured in
/// docs/evaluation.md ("Key consistency").
pub const KEY_CONSISTENCY: f32 = 8.0;

/// Learned weights for order-2 models, trained with symspellpy's unigram and bigram counts:
/// `cargo run --release -p unspin --example train_scorer -- --lm symspell:DIR --docs 150`.
pub const WEIGHTS_BIGRAM: Features = [
    -4.4031,         // bias
    0.2005,          // lm_gain
    -0.1040,         // spun_left_unseen
    -0.0835,         // spun_right_unseen
    0.0414,          // cand_left_seen
    -0.0483,         // cand_right_seen
    -0.1336,         // log_freq_ratio
    0.1332,          // edge_both
    0.9085,          // edge_wordnet
    4.7533,          // edge_pattern
    0.0998,          // inflected
    -0.1854,         // ln_fan_in
    0.0532,          // pooled_mean_gain_others
    -0.1426,         // ln_occurrences
    0.6808,          // ln_cand_in_doc
    -0.1451,         // in_quote
    0.5666,          // extra_written_words
    -0.3043,         // extra_cand_words
    0.0143,          // cand_left_seen_spun_unseen
    0.1673,          // capitalized_mid_sentence
    -0.0076,         // pooled_frac_positive
    0.1137,          // log_written_per_million
    KEY_CONSISTENCY, // written_share_minus_one
];

/// Learned weights for models of order 3 or more, trained with an order-3 model of the first
/// 10 M words of enwiki2015: `cargo run --release -p unspin --example train_scorer -- --lm
/// wiki:10000000 --docs 150`.
pub const WEIGHTS: Features = [
    -4.3068,         // bias
    0.2795,          // lm_gain
    -0.1695,         // spun_left_unseen
    -0.2143,         // spun_right_unseen
    0.0836,          // cand_left_seen
    0.0794,          // cand_right_seen
    -0.0593,         // log_freq_ratio
    0.1025,          // edge_both
    0.9271,          // edge_wordnet
    4.3333,          // edge_pattern
    0.0341,          // inflected
    -0.2160,         // ln_fan_in
    0.0762,          // pooled_mean_gain_others
    -0.0884,         // ln_occurrences
    0.6215,          // ln_cand_in_doc
    -0.1334,         // in_quote
    0.3790,          // extra_written_words
    -0.6938,         // extra_cand_words
    0.4805,          // cand_left_seen_spun_unseen
    0.2830,          // capitalized_mid_sentence
    -0.0010,         // pooled_frac_positive
    0.1421,          // log_written_per_million
    KEY_CONSISTENCY, // written_share_minus_one
];

/// The logit of a feature vector under `weights`.
#[inline]
pub fn logit(weights: &Features, f: &Features) -> f32 {
    weights.iter().zip(f.iter()).map(|(w, x)| w * x).sum()
}

#[inline]
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}
