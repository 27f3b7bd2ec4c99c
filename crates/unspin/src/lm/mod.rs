//! Language models of clean English: P(O) in the noisy channel.
//!
//! [`LanguageModel`] is what the decoder needs. Words are passed in their normalized form
//! (`crate::token::normalize`). [`CountsModel`] is an in-memory count table with stupid
//! backoff, used in tests; [`Model`] is a model file (memory-mapped fst maps, see [`format`])
//! and implements the same trait. [`default_model`] is the one embedded in the binary.
//!
//! Models built by [`build_model`] count every token the tokenizer yields (words, numbers,
//! punctuation), normalized, with each sentence ([`crate::token::sentences`]) wrapped in
//! [`BOS`] … [`EOS`]; [`sentence_words`] gives exactly that sequence for a text, so callers score
//! text the way the model saw it. Imported count lists (the default model) have words only.

use std::borrow::Cow;
use std::collections::HashMap;

pub mod build;
pub mod corpus;
pub mod format;
pub mod import;
pub mod model;
mod table;
mod write;

#[cfg(test)]
mod tests_files;

pub use build::{
    build_model, build_model_from_texts, BuildOptions, BuildReport, HashTable, NoProgress, Progress,
};
pub use format::{Header, ModelKind, Source};
pub use import::{import_arpa, import_counts};
pub use model::{
    default_model, is_known, try_default_model, Model, OpenOptions, Verify, DEFAULT_MODEL_BYTES,
};

/// Sentence-start marker (as in ARPA files).
pub const BOS: &str = "<s>";
/// Sentence-end marker.
pub const EOS: &str = "</s>";

/// The token sequences a built model was counted from: per sentence, [`BOS`], the normalized
/// tokens, [`EOS`].
pub fn sentence_words(text: &str) -> Vec<Vec<Cow<'_, str>>> {
    let tokens = crate::token::tokenize(text);
    crate::token::sentences(text, &tokens)
        .into_iter()
        .map(|range| {
            let mut words = Vec::with_capacity(range.len() + 2);
            words.push(Cow::Borrowed(BOS));
            words.extend(
                tokens[range]
                    .iter()
                    .map(|t| crate::token::normalize(t.text(text))),
            );
            words.push(Cow::Borrowed(EOS));
            words
        })
        .collect()
}

/// An n-gram language model. Implementations are shared between threads.
///
/// Every element of `context`, `word` and `ngram` is one normalized token (a multi-word phrase
/// such as "head of state" is three elements). Models built from a corpus also know punctuation,
/// numbers and the [`BOS`]/[`EOS`] markers (see [`sentence_words`]); the embedded default model
/// knows words only.
pub trait LanguageModel: Send + Sync {
    /// Highest n-gram order stored.
    fn order(&self) -> usize;
    /// log10 P(word | context); `context` holds the preceding words, oldest first (only the last
    /// `order - 1` are used). Unknown words get a finite floor, never `-inf`.
    fn log_prob(&self, context: &[&str], word: &str) -> f32;
    /// Count of an n-gram of 1..=order words in the training corpus (0 when unseen).
    fn count(&self, ngram: &[&str]) -> u64;
    /// [`LanguageModel::count`] of each n-gram. A model whose lookups miss the cache can ask
    /// for all of them at once, so that the misses overlap instead of following one another.
    fn counts(&self, ngrams: &[&[&str]]) -> Vec<u64> {
        ngrams.iter().map(|g| self.count(g)).collect()
    }
    /// Number of word tokens the model was trained on.
    fn total_words(&self) -> u64;
    /// Whether the n-gram is attested (stored) at all: the cheap question the decoder asks of a
    /// spun word's bigrams with its neighbours.
    fn contains(&self, ngram: &[&str]) -> bool {
        self.count(ngram) > 0
    }
    /// A hint that about `bytes` of text are coming (a corpus scan), so that a model can prepare
    /// what pays only over many lookups. Answers never change.
    fn expect_text(&self, _bytes: u64) {}
    /// Whether an unseen bigram says something and bigram counts are real counts: true for
    /// models counted from running text, which keep every bigram of their corpus; false for a
    /// list of the most frequent bigrams (the embedded default model) or a model without counts.
    fn attests_bigrams(&self) -> bool {
        true
    }
    /// Sum of log10 P(seq[k] | the words before it in `seq`) for k in `from..seq.len()`: what
    /// the decoder asks of every candidate in its context. Models may answer it faster than
    /// word by word (looking each word up once).
    fn seq_log_prob(&self, seq: &[&str], from: usize) -> f32 {
        seq_log_prob_word_by_word(self, seq, from)
    }
}

/// [`LanguageModel::seq_log_prob`] as the sum of [`LanguageModel::log_prob`] at each word.
pub fn seq_log_prob_word_by_word<M: LanguageModel + ?Sized>(
    m: &M,
    seq: &[&str],
    from: usize,
) -> f32 {
    let order = m.order().max(1);
    (from..seq.len())
        .map(|k| {
            let lo = k.saturating_sub(order - 1);
            m.log_prob(&seq[lo..k], seq[k])
        })
        .sum()
}

/// Stupid backoff factor (Brants et al. 2007).
pub const BACKOFF: f32 = 0.4;

/// How well a model predicts a text: see [`score_text`].
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct TextScore {
    /// Tokens predicted (every token of every sentence; the markers are context only).
    pub tokens: u64,
    /// Tokens the model has no unigram for.
    pub unknown: u64,
    /// Sum of log10 P(token | up to order-1 previous tokens, from `<s>` on).
    pub log10_sum: f64,
}

impl TextScore {
    pub fn add(&mut self, other: TextScore) {
        self.tokens += other.tokens;
        self.unknown += other.unknown;
        self.log10_sum += other.log10_sum;
    }
    /// 10^(-mean log10 P). For stupid-backoff models the scores are not normalized
    /// probabilities, so this is a pseudo-perplexity: comparable between count models, not with
    /// the perplexity of a normalized (ARPA) model.
    pub fn perplexity(&self) -> f64 {
        10f64.powf(-self.log10_sum / self.tokens.max(1) as f64)
    }
}

/// Score every token of `text` (tokenized and split as models are built) under `model`.
pub fn score_text<M: LanguageModel + ?Sized>(model: &M, text: &str) -> TextScore {
    let mut score = TextScore::default();
    let keep = model.order().saturating_sub(1);
    for sentence in sentence_words(text) {
        let words: Vec<&str> = sentence.iter().map(|w| w.as_ref()).collect();
        for i in 1..words.len() - 1 {
            let ctx = &words[i.saturating_sub(keep)..i];
            score.tokens += 1;
            if !model.contains(&words[i..=i]) {
                score.unknown += 1;
            }
            score.log10_sum += model.log_prob(ctx, words[i]) as f64;
        }
    }
    score
}

/// In-memory n-gram counts keyed by space-joined words.
#[derive(Debug, Default, Clone)]
pub struct CountsModel {
    order: usize,
    counts: HashMap<String, u64>,
    total: u64,
}

impl CountsModel {
    pub fn new(order: usize) -> Self {
        CountsModel {
            order: order.max(1),
            counts: HashMap::new(),
            total: 0,
        }
    }

    /// A model of sentences given as space-separated words, each counted `copies` times (small
    /// corpora for tests and examples).
    pub fn from_lines(order: usize, lines: &[(usize, &str)]) -> Self {
        let mut m = CountsModel::new(order);
        for &(copies, line) in lines {
            let words: Vec<&str> = line.split(' ').collect();
            for _ in 0..copies {
                m.add_sentence(&words);
            }
        }
        m
    }

    /// Count every n-gram of one sentence (already normalized words).
    pub fn add_sentence(&mut self, words: &[&str]) {
        self.total += words.len() as u64;
        let mut key = String::new();
        for i in 0..words.len() {
            key.clear();
            for n in 0..self.order.min(words.len() - i) {
                if n > 0 {
                    key.push(' ');
                }
                key.push_str(words[i + n]);
                *self.counts.entry(key.clone()).or_insert(0) += 1;
            }
        }
    }

    /// Add a count for one n-gram directly (e.g. from a published count list).
    pub fn add_ngram(&mut self, ngram: &[&str], count: u64) {
        if ngram.len() == 1 {
            self.total += count;
        }
        *self.counts.entry(ngram.join(" ")).or_insert(0) += count;
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.counts.iter().map(|(k, v)| (k.as_str(), *v))
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

impl LanguageModel for CountsModel {
    fn order(&self) -> usize {
        self.order
    }

    fn log_prob(&self, context: &[&str], word: &str) -> f32 {
        stupid_backoff(self, context, word)
    }

    fn count(&self, ngram: &[&str]) -> u64 {
        self.counts.get(&ngram.join(" ")).copied().unwrap_or(0)
    }

    fn total_words(&self) -> u64 {
        self.total
    }
}

/// Stupid backoff score from raw counts, as log10. Shared by count-based models.
pub fn stupid_backoff<M: LanguageModel + ?Sized>(m: &M, context: &[&str], word: &str) -> f32 {
    let ctx = &context[context.len().saturating_sub(m.order() - 1)..];
    let mut penalty = 0.0f32;
    // Orders beyond 8 are never built; they fall back to a vector.
    let mut stack = [""; 8];
    let mut heap: Vec<&str> = Vec::new();
    for start in 0..=ctx.len() {
        let n = ctx.len() - start + 1;
        let gram: &mut [&str] = if n <= stack.len() {
            &mut stack[..n]
        } else {
            heap.resize(n, "");
            &mut heap
        };
        gram[..n - 1].copy_from_slice(&ctx[start..]);
        gram[n - 1] = word;
        let gram: &[&str] = gram;
        let c = m.count(gram);
        if c > 0 {
            let denom = if gram.len() == 1 {
                m.total_words().max(1)
            } else {
                m.count(&gram[..gram.len() - 1]).max(c)
            };
            return penalty + (c as f32 / denom as f32).log10();
        }
        penalty += BACKOFF.log10();
    }
    // Unknown word: a floor below any seen unigram.
    penalty + (0.5 / m.total_words().max(1) as f32).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_prefers_seen_trigrams() {
        let mut m = CountsModel::new(3);
        m.add_sentence(&["ukrainian", "forces", "advanced"]);
        m.add_sentence(&["russian", "forces", "retreated"]);
        m.add_sentence(&["market", "pressures", "rose"]);
        assert_eq!(m.count(&["ukrainian", "forces"]), 1);
        assert!(m.log_prob(&["ukrainian"], "forces") > m.log_prob(&["ukrainian"], "pressures"));
        assert!(m.log_prob(&[], "unseen").is_finite());
    }

    #[test]
    fn scores_text_token_by_token() {
        let mut m = CountsModel::new(2);
        for s in sentence_words("Forces advanced. Forces held.") {
            let words: Vec<&str> = s.iter().map(|w| w.as_ref()).collect();
            m.add_sentence(&words);
        }
        let seen = score_text(&m, "Forces advanced.");
        assert_eq!((seen.tokens, seen.unknown), (3, 0));
        let expected = m.log_prob(&[BOS], "forces")
            + m.log_prob(&["forces"], "advanced")
            + m.log_prob(&["advanced"], ".");
        assert!((seen.log10_sum - expected as f64).abs() < 1e-6);
        let unseen = score_text(&m, "Pressures advanced.");
        assert_eq!(unseen.unknown, 1);
        assert!(unseen.perplexity() > seen.perplexity());
    }
}
