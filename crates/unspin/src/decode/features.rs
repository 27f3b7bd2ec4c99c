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

/// The range of each feature that depends on the window's context or on the language model,
/// `None` for those that [`Decoder::worth_scoring`](super::Decoder) computes exactly (the
/// candidate, its frequencies and the document's counts).
pub const RANGES: [Option<(f32, f32)>; N] = [
    None,              // bias
    Some((-5.0, 5.0)), // lm_gain (clamped)
    Some((0.0, 1.0)),  // spun_left_unseen
    Some((0.0, 1.0)),  // spun_right_unseen
    Some((0.0, 1.0)),  // cand_left_seen
    Some((0.0, 1.0)),  // cand_right_seen
    None,              // log_freq_ratio
    None,              // edge_both
    None,              // edge_wordnet
    None,              // edge_pattern
    None,              // inflected
    None,              // ln_fan_in
    Some((-3.0, 3.0)), // pooled_mean_gain_others (of clamped gains)
    None,              // ln_occurrences
    None,              // ln_cand_in_doc
    Some((0.0, 1.0)),  // in_quote
    None,              // extra_written_words
    None,              // extra_cand_words
    Some((0.0, 2.0)),  // cand_left_seen_spun_unseen (one per side)
    Some((0.0, 1.0)),  // capitalized_mid_sentence
    Some((0.0, 1.0)),  // pooled_frac_positive
    None,              // log_written_per_million
    None,              // written_share_minus_one
];

/// The most [`logit`] can be for a feature vector whose exact features ([`RANGES`] `None`) are
/// those of `f` and whose other features take any value in their ranges. A little above the
/// true maximum, so that float rounding never makes it a hair too low.
pub fn logit_bound(weights: &Features, f: &Features) -> f32 {
    let bound: f32 = weights
        .iter()
        .zip(f.iter())
        .zip(RANGES.iter())
        .map(|((w, x), range)| match range {
            None => w * x,
            Some((lo, hi)) => (w * lo).max(w * hi),
        })
        .sum();
    bound + 1e-3
}

/// The logit of probability `p` (the inverse of [`sigmoid`]).
pub fn logit_of(p: f32) -> f32 {
    (p / (1.0 - p)).ln()
}

/// The logit of a feature vector under `weights`.
#[inline]
pub fn logit(weights: &Features, f: &Features) -> f32 {
    weights.iter().zip(f.iter()).map(|(w, x)| w * x).sum()
}

#[inline]
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every corner of the ranged features' box, and points inside it: the bound is never
    /// below the logit, for both weight tables.
    #[test]
    fn the_bound_is_never_below_the_logit() {
        let ranged: Vec<usize> = (0..N).filter(|&k| RANGES[k].is_some()).collect();
        let mut exact = [0f32; N];
        for (k, x) in exact.iter_mut().enumerate() {
            *x = (k as f32 * 0.37).sin() * 3.0;
        }
        exact[0] = 1.0;
        for weights in [WEIGHTS, WEIGHTS_BIGRAM] {
            let bound = logit_bound(&weights, &exact);
            let mut worst = f32::NEG_INFINITY;
            for corner in 0..(1u32 << ranged.len()) {
                for t in [0.0f32, 0.25, 1.0] {
                    let mut f = exact;
                    for (bit, &k) in ranged.iter().enumerate() {
                        let (lo, hi) = RANGES[k].unwrap();
                        let x = if corner >> bit & 1 == 1 { hi } else { lo };
                        f[k] = x * (1.0 - t) + (lo + hi) / 2.0 * t;
                    }
                    worst = worst.max(logit(&weights, &f));
                }
            }
            assert!(bound >= worst, "bound {bound} < logit {worst}");
            assert!(bound - worst < 0.01, "bound {bound} is loose: {worst}");
        }
        assert!((sigmoid(logit_of(0.1)) - 0.1).abs() < 1e-6);
    }
}
