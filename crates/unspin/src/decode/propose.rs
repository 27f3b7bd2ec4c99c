//! The original of a span already known to be spun.
//!
//! A fingerprint list often knows *that* a phrase is tortured but not what it replaced: most
//! queries of the registry list ([`crate::rules::builtin`]) and the screener's `???` rows. For such
//! a span the detection is settled, so only the ranking of originals is left: every word is
//! replaced by itself or by one of its thesaurus originals (inflection carried, at least one
//! word replaced), the whole span by a thesaurus original of it, and the reading that the language
//! model knows as a fixed phrase wins: the most pointwise mutual information among readings seen
//! at least [`MIN_COUNT`] times ("profound learning" → "deep learning", not the more frequent
//! but looser "great learning"), less a cost for each further word replaced.

use std::collections::HashSet;

use crate::channel::Channel;
use crate::lm::LanguageModel;

/// A reading must be seen at least this often as a phrase (or, beyond the model's order, each of
/// its bigrams) to be proposed.
pub const MIN_COUNT: u64 = 3;
/// Candidates kept per word, the most frequent first: the readings are their product.
const PER_WORD: usize = 24;
/// What each replaced word after the first costs, in PMI (natural log): a fingerprint usually
/// keeps some of its words ("surface region" → "surface area"). Measured on the screener's
/// rows with an expected phrase (docs/evaluation.md, "The registry list"): 0 → 7.1% exact,
/// 2 → 8.1%, 4 → 8.5%, with 2 the most precise among clear winners.
const REPLACEMENT_COST: f64 = 2.0;
/// A proposal this far (in score) ahead of the next is a clear winner: about half of them are
/// the screener's expected phrase with a model of running text, against 18% of all proposals.
pub const CLEAR_MARGIN: f64 = 3.0;
/// Most words of a span replaced in one reading (a longer fingerprint keeps some of its words).
const MAX_REPLACED: usize = 2;
/// Longest span (in words) an original is proposed for.
const MAX_WORDS: usize = 4;

/// Ranked proposals for the original of `words` (normalized, lower case), each with its score
/// (higher is better): best first, at most `limit`. Empty when no reading is attested.
pub fn scored_originals(
    lm: &dyn LanguageModel,
    channel: &Channel,
    words: &[&str],
    limit: usize,
) -> Vec<(f64, String)> {
    if words.is_empty() || words.len() > MAX_WORDS {
        return Vec::new();
    }
    let written = words.join(" ");
    let mut scored: Vec<(f64, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut consider = |reading: String, scored: &mut Vec<(f64, String)>| {
        if reading != written && seen.insert(reading.clone()) {
            if let Some(s) = association(lm, &reading) {
                let replaced = reading
                    .split(' ')
                    .zip(words.iter())
                    .filter(|(a, b)| a != *b)
                    .count()
                    .max(1) as f64;
                scored.push((s - REPLACEMENT_COST * (replaced - 1.0), reading));
            }
        }
    };
    // The whole span as one thesaurus term ("recognizable proof" → "identification").
    if words.len() > 1 {
        for c in channel.draft_candidates(words) {
            consider(c.original.into_owned(), &mut scored);
        }
    }
    // Word by word.
    let options: Vec<Vec<String>> = words
        .iter()
        .map(|w| {
            let mut cands: Vec<(u64, String)> = channel
                .draft_candidates(&[w])
                .into_iter()
                .map(|c| c.original.into_owned())
                .filter(|o| !o.contains(' ') || words.len() == 1)
                .map(|o| {
                    let count = o.split(' ').map(|x| lm.count(&[x])).min().unwrap_or(0);
                    (count, o)
                })
                .filter(|(c, _)| *c > 0)
                .collect();
            cands.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            cands.truncate(PER_WORD);
            std::iter::once(w.to_string())
                .chain(cands.into_iter().map(|(_, o)| o))
                .collect()
        })
        .collect();
    let mut index = vec![0usize; words.len()];
    loop {
        let replaced = index.iter().filter(|&&i| i > 0).count();
        if replaced > 0 && replaced <= MAX_REPLACED {
            let reading: Vec<&str> = index
                .iter()
                .zip(&options)
                .map(|(&i, o)| o[i].as_str())
                .collect();
            consider(reading.join(" "), &mut scored);
        }
        // Next combination (odometer).
        let mut k = 0;
        loop {
            if k == index.len() {
                scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                scored.truncate(limit);
                return scored;
            }
            index[k] += 1;
            if index[k] < options[k].len() {
                break;
            }
            index[k] = 0;
            k += 1;
        }
    }
}

/// How strongly the words of `reading` belong together: log of the phrase's count over the
/// count its words would have if independent (PMI, natural log), or `None` when the model has
/// not seen the phrase [`MIN_COUNT`] times. A single word scores its log frequency, which is
/// negative: a one-word reading of a longer span ranks below any attested phrase, so it wins
/// only where no phrase is attested (a thesaurus term for the whole span, or a one-word span).
fn association(lm: &dyn LanguageModel, reading: &str) -> Option<f64> {
    let words: Vec<&str> = reading.split(' ').collect();
    let total = lm.total_words().max(1) as f64;
    let unigram = |w: &str| lm.count(&[w]) as f64;
    if words.len() == 1 {
        let c = unigram(words[0]);
        return (c >= MIN_COUNT as f64).then(|| (c / total).ln());
    }
    if words.len() <= lm.order() {
        let c = lm.count(&words) as f64;
        if c < MIN_COUNT as f64 {
            return None;
        }
        let independent: f64 = words.iter().map(|w| unigram(w) / total).product::<f64>() * total;
        return Some((c / independent.max(f64::MIN_POSITIVE)).ln());
    }
    // Longer than the model's order: the weakest of its bigrams.
    let mut weakest = f64::INFINITY;
    for pair in words.windows(2) {
        let c = lm.count(pair) as f64;
        if c < MIN_COUNT as f64 {
            return None;
        }
        let independent = unigram(pair[0]) * unigram(pair[1]) / total;
        weakest = weakest.min((c / independent.max(f64::MIN_POSITIVE)).ln());
    }
    Some(weakest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::CountsModel;

    fn propose(lm: &CountsModel, words: &[&str]) -> Vec<String> {
        scored_originals(lm, &Channel::default(), words, 3)
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    }

    fn model() -> CountsModel {
        CountsModel::from_lines(
            3,
            &[
                (40, "we trained a deep learning model on the data"),
                (20, "deep learning needs a lot of data"),
                (30, "a great deal of work went into learning the rules"),
                (30, "the deep sea is dark"),
                (50, "she had a profound effect on all of us"),
                (5, "the surface area of the cell"),
            ],
        )
    }

    /// The fixed phrase the model knows wins over readings it has never seen.
    #[test]
    fn a_known_fixed_phrase_is_proposed() {
        let lm = model();
        let got = propose(&lm, &["profound", "learning"]);
        assert_eq!(
            got.first().map(String::as_str),
            Some("deep learning"),
            "{got:?}"
        );
    }

    /// Nothing is proposed when no reading is attested, and never the written span itself.
    #[test]
    fn nothing_unattested_is_proposed() {
        let lm = model();
        assert!(propose(&lm, &["fluffy", "frameworks"]).is_empty());
        assert!(propose(&lm, &[]).is_empty());
        let long = ["a", "b", "c", "d", "e"];
        assert!(propose(&lm, &long).is_empty());
    }
}
