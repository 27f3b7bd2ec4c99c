//! One key per document: a spinner replaces a phrase everywhere it occurs, so in a document
//! judged spun, a confident finding ("Head of state" → "President", "Individuals" → "People")
//! is a key that holds at the phrase's other occurrences too, even where the detector that found
//! it had too little evidence ("the Russian head of state" in lower case, "Luhansk Individuals’s
//! Republics").
//!
//! The engine carries keys only from the detectors that judge each occurrence (the channel, the
//! names check, collocation repairs: rule packs already match every occurrence), only from
//! findings of confidence ≥ [`KEY_CONFIDENCE`], and only in documents whose score is spun.

use std::collections::HashMap;

use crate::channel::is_function_word;
use crate::decode::collocation::Preference;
use crate::finding::Finding;
use crate::lm::LanguageModel;
use crate::token::{match_case, normalize, tokenize, Token, TokenKind};

/// Findings at least this confident become keys.
pub const KEY_CONFIDENCE: f32 = 0.5;
/// A carried finding's confidence: this share of the key's (and at most the document's
/// probability).
const CARRIED_SHARE: f32 = 0.9;

/// Rules whose findings may become keys.
const KEY_RULES: [&str; 3] = ["channel", "names", "collocation"];

/// The written words of a phrase, normalized.
fn key_words(phrase: &str) -> Vec<String> {
    tokenize(phrase)
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| normalize(t.text(phrase)).into_owned())
        .collect()
}

/// Findings for the other occurrences of each key of `findings` in the document. `findings`
/// are the document's findings so far; the new ones never overlap a confident one. With a model
/// of running text (`lm`), a key is not carried to a place where the written words read better
/// with their neighbours than the key's original would ([`reads_better_written`]).
pub fn carry_keys(
    text: &str,
    tokens: &[Token],
    findings: &[Finding],
    spun_probability: f32,
    lm: Option<&dyn LanguageModel>,
) -> Vec<Finding> {
    let lm = lm.filter(|m| m.attests_bigrams());
    // Written words → (suggestion, how often, best confidence).
    let mut keys: HashMap<Vec<String>, (String, usize, f32)> = HashMap::new();
    for f in findings {
        if f.confidence < KEY_CONFIDENCE || !KEY_RULES.contains(&f.rule.as_str()) {
            continue;
        }
        let words = key_words(&f.text);
        if words.is_empty() || (words.len() == 1 && is_function_word(&words[0])) {
            continue;
        }
        let suggestion = f.suggestion.to_lowercase();
        let e = keys
            .entry(words)
            .or_insert_with(|| (suggestion.clone(), 0, 0.0));
        if e.0 == suggestion {
            e.1 += 1;
            e.2 = e.2.max(f.confidence);
        }
    }
    if keys.is_empty() {
        return Vec::new();
    }
    let longest = keys.keys().map(Vec::len).max().unwrap_or(0);
    // Word tokens of the document; a phrase matches consecutive words separated by spaces only.
    let words: Vec<(usize, String)> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == TokenKind::Word)
        .map(|(i, t)| (i, normalize(t.text(text)).into_owned()))
        .collect();
    // Only confident findings stand in a key's way; weaker overlapping ones are left to the
    // engine's overlap resolution, which keeps the more confident. Sorted by start for a binary
    // search (a scan per phrase made long texts full of keys quadratic).
    let mut confident: Vec<(usize, usize)> = findings
        .iter()
        .filter(|f| f.confidence >= KEY_CONFIDENCE)
        .map(|f| (f.start, f.end))
        .collect();
    confident.sort_unstable();
    // The longest end among the spans that start at or before each span (they may overlap).
    let mut reach = Vec::with_capacity(confident.len());
    let mut furthest = 0;
    for &(_, end) in &confident {
        furthest = furthest.max(end);
        reach.push(furthest);
    }
    let covered = |start: usize, end: usize| {
        // Spans that start before `end`; one of them overlaps iff the furthest reaches past `start`.
        let before = confident.partition_point(|&(s, _)| s < end);
        before > 0 && reach[before - 1] > start
    };
    // Whether words `k` and `k + 1` are consecutive tokens with only whitespace between.
    let adjacent = |k: usize| {
        let (a, b) = (words[k].0, words[k + 1].0);
        b == a + 1
            && text[tokens[a].end..tokens[b].start]
                .chars()
                .all(char::is_whitespace)
    };
    // The words right before and after words `i..i + len`, where only whitespace separates them.
    let around = |i: usize, len: usize| {
        let before = i
            .checked_sub(1)
            .filter(|&k| adjacent(k))
            .map(|k| words[k].1.as_str());
        let after =
            (i + len < words.len() && adjacent(i + len - 1)).then(|| words[i + len].1.as_str());
        (before, after)
    };
    // A key that some place of the document refutes is the writer's word, not a spinner's.
    if let Some(lm) = lm {
        keys.retain(|phrase, (suggestion, _, _)| !refuted(lm, &words, &around, phrase, suggestion));
    }
    let mut out: Vec<Finding> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut matched = 0;
        for len in (1..=longest.min(words.len() - i)).rev() {
            let span = &words[i..i + len];
            if !(i..i + len - 1).all(adjacent) {
                continue;
            }
            let phrase: Vec<String> = span.iter().map(|(_, w)| w.clone()).collect();
            let Some((suggestion, _, confidence)) = keys.get(&phrase) else {
                continue;
            };
            let (start, end) = (tokens[span[0].0].start, tokens[span[len - 1].0].end);
            if covered(start, end) {
                continue;
            }
            if let Some(lm) = lm {
                let (before, after) = around(i, len);
                if reads_better_written(lm, before, &phrase, suggestion, after) {
                    continue;
                }
            }
            let written = &text[start..end];
            let suggestion = match_case(tokens[span[0].0].text(text), suggestion);
            out.push(Finding {
                start,
                end,
                text: written.to_string(),
                message: format!(
                    "possibly spun: this document writes \"{written}\" for \"{suggestion}\" \
                     elsewhere, and a spinner applies one key everywhere"
                ),
                suggestion,
                alternatives: Vec::new(),
                confidence: (confidence * CARRIED_SHARE).min(spun_probability),
                rule: "key".to_string(),
            });
            matched = len;
            break;
        }
        i += matched.max(1);
    }
    out
}

/// Whether some occurrence of a one-word key's written word refutes the key's original
/// (`decode::collocation::Preference::refuted_at`): "partial mobilization of" shows that
/// "mobilization" is the writer's own word, so no "mobilization" is a spun "training".
fn refuted<'w>(
    lm: &dyn LanguageModel,
    words: &'w [(usize, String)],
    around: &dyn Fn(usize, usize) -> (Option<&'w str>, Option<&'w str>),
    phrase: &[String],
    suggestion: &str,
) -> bool {
    let ([written], false) = (phrase, suggestion.contains(' ')) else {
        return false;
    };
    let Some(preference) = Preference::new(lm, written, suggestion) else {
        return false;
    };
    (0..words.len()).any(|k| {
        words[k].1 == *written && {
            let (before, after) = around(k, 1);
            preference.refuted_at(before, after)
        }
    })
}

/// Whether the written words read better with their neighbours (`before`, `after`: the words
/// right next to them, if any) than the key's original `suggestion` would: each neighbour's
/// bigram with the written words is more frequent than with the original. A spinner's key makes
/// the written form read worse everywhere; a place where it reads better is the writer's own
/// word ("partial mobilization" is no broken "partial training").
fn reads_better_written(
    lm: &dyn LanguageModel,
    before: Option<&str>,
    written: &[String],
    suggestion: &str,
    after: Option<&str>,
) -> bool {
    let original: Vec<&str> = suggestion.split(' ').collect();
    let (Some(first), Some(last)) = (written.first(), written.last()) else {
        return false;
    };
    let mut sides = 0;
    for (written_pair, original_pair) in [
        before.map(|b| ([b, first.as_str()], [b, original[0]])),
        after.map(|a| ([last.as_str(), a], [original[original.len() - 1], a])),
    ]
    .into_iter()
    .flatten()
    {
        if lm.count(&written_pair) <= lm.count(&original_pair) {
            return false;
        }
        sides += 1;
    }
    sides > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(text: &str, needle: &str, suggestion: &str, rule: &str, confidence: f32) -> Finding {
        let start = text.find(needle).unwrap();
        Finding {
            start,
            end: start + needle.len(),
            text: needle.to_string(),
            message: String::new(),
            suggestion: suggestion.to_string(),
            alternatives: Vec::new(),
            confidence,
            rule: rule.to_string(),
        }
    }

    #[test]
    fn carries_a_confident_key_to_the_other_occurrences() {
        let text = "Head of state Biden spoke. Later the Russian head of state replied.";
        let found = [finding(text, "Head of state", "President", "names", 0.9)];
        let carried = carry_keys(text, &tokenize(text), &found, 1.0, None);
        assert_eq!(carried.len(), 1, "{carried:?}");
        assert_eq!(carried[0].text, "head of state");
        assert_eq!(carried[0].suggestion, "president");
        assert!(carried[0].confidence < 0.9);
    }

    #[test]
    fn needs_a_confident_finding_of_a_judging_detector() {
        let text = "Head of state Biden spoke. Later the Russian head of state replied.";
        let tokens = tokenize(text);
        let weak = [finding(text, "Head of state", "President", "names", 0.3)];
        assert!(carry_keys(text, &tokens, &weak, 1.0, None).is_empty());
        let rule = [finding(
            text,
            "Head of state",
            "President",
            "builtin:x",
            0.9,
        )];
        assert!(carry_keys(text, &tokens, &rule, 1.0, None).is_empty());
    }

    #[test]
    fn bounded_by_the_document_and_never_across_punctuation() {
        let text =
            "Head of state Biden spoke. The head, of state, replied; the head of state left.";
        let found = [finding(text, "Head of state", "President", "channel", 0.9)];
        let carried = carry_keys(text, &tokenize(text), &found, 0.75, None);
        assert_eq!(carried.len(), 1, "{carried:?}");
        assert_eq!(carried[0].start, text.rfind("head of state").unwrap());
        assert!(carried[0].confidence <= 0.75);
    }

    /// A confident repair "mobilization" → "training" at the word's first occurrence.
    fn mobilization_key(text: &str) -> Finding {
        finding(text, "mobilization", "training", "collocation", 0.9)
    }

    /// With a model of running text a key stays away from a place where the written word reads
    /// better with its neighbours than the key's original would.
    #[test]
    fn not_carried_where_the_written_word_reads_better() {
        use crate::lm::CountsModel;
        let text = "A basic mobilization was declared. Later a partial mobilization followed. \
                    The mobilization drive failed.";
        let found = [mobilization_key(text)];
        let tokens = tokenize(text);
        assert_eq!(carry_keys(text, &tokens, &found, 1.0, None).len(), 2);
        let lm = CountsModel::from_lines(
            2,
            &[
                (5, "a partial mobilization followed"),
                (1, "a partial training camp"),
                (3, "the training drive"),
                (1, "the mobilization drive"),
            ],
        );
        let carried = carry_keys(text, &tokens, &found, 1.0, Some(&lm));
        // "partial mobilization followed" reads better than "partial training followed"; "the
        // mobilization drive" does not read better than "the training drive".
        assert_eq!(carried.len(), 1, "{carried:?}");
        assert_eq!(carried[0].start, text.rfind("mobilization").unwrap());
    }

    /// One place where both neighbours go with the written word ("partial mobilization of") shows
    /// it is the writer's own word: the key is carried nowhere, not even where it reads better.
    #[test]
    fn a_key_refuted_somewhere_is_carried_nowhere() {
        use crate::lm::CountsModel;
        let lm = CountsModel::from_lines(
            2,
            &[
                (500, "a partial mobilization of reserves"),
                (2000, "training camps are open"),
                (500, "the training of staff"),
                (50, "the training drive"),
                (1, "the mobilization drive"),
            ],
        );
        let carried = |text: &str| {
            let found = [mobilization_key(text)];
            carry_keys(text, &tokenize(text), &found, 1.0, Some(&lm))
        };
        let unrefuted = "A basic mobilization was declared. The mobilization drive failed.";
        assert_eq!(carried(unrefuted).len(), 1);
        let refuted = "A basic mobilization was declared. A partial mobilization of reserves \
                       followed. The mobilization drive failed.";
        assert!(carried(refuted).is_empty(), "{:?}", carried(refuted));
    }
}
