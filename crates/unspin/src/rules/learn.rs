//! Originals for rules that know none, from the word pairs of rules that do.
//!
//! Most of the registry list's queries name no original ("bosom peril", "profound neural
//! organization", "PC vision"), yet other rules spell out the very word swaps they are made
//! of: "bosom malignant growth" is not aligned word for word, but "bosom milk" → "breast milk",
//! "profound learning" → "deep learning", "neural organization" → "neural network" are. We align
//! every rule whose phrase and original have as many words (position by position: spinners swap
//! words, they do not reorder them), count each tortured word's originals, and propose an
//! original for a rule without one when every word of its phrase either has one clear learned
//! original or is a correct word (one some rule's original uses, or one aligned pairs keep), and
//! at least one word changes. A word known neither way ("peril" in "bosom peril" when no rule
//! aligns it) leaves the rule without an original: keeping unknown words unchanged proposed the
//! screener's expected phrase for 24% of the registry's rows, requiring them known for 58%
//! (docs/evaluation.md).
//!
//! A learned original is trusted only when it is clear: it accounts for at least
//! [`MIN_SHARE`] of the word's changed alignments, and the word is changed in more of its
//! alignments than it is kept ("neural" is kept in "neural organization" → "neural network",
//! so it is never rewritten). Rules that know their original are left alone.

use std::collections::HashMap;

use super::matcher::key_words;
use super::query::Phrase;
use super::Rule;
use crate::channel::inflect::{inflect, lemmas, Inflection};

/// Share of a tortured word's changed alignments its most frequent original needs.
const MIN_SHARE: f64 = 0.67;

/// Per tortured word: how often each original replaced it, and how often it was kept.
#[derive(Debug, Default)]
struct Counts {
    to: HashMap<String, usize>,
    kept: usize,
}

/// Learned word correspondences.
#[derive(Debug, Default)]
pub struct WordPairs {
    words: HashMap<String, Counts>,
    /// Words of the rules' originals: correct wording, safe to keep.
    correct: std::collections::HashSet<String>,
}

impl WordPairs {
    /// Learn from every rule that knows its original, aligned word by word.
    pub fn learn<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> WordPairs {
        let mut wp = WordPairs::default();
        for r in rules {
            let Some(s) = &r.suggestion else { continue };
            let orig = key_words(s);
            wp.correct.extend(orig.iter().cloned());
            for p in &r.query.fire {
                let Phrase::Exact(p) = p else { continue };
                let tort = key_words(p);
                if tort.len() != orig.len() || tort == orig {
                    continue;
                }
                for (t, o) in tort.iter().zip(&orig) {
                    let c = wp.words.entry(t.clone()).or_default();
                    // A list that spells its original in the singular for a plural phrase
                    // ("concealed layers" → "hidden layer") did not swap the word.
                    if t == o || same_word(t, o) {
                        c.kept += 1;
                    } else {
                        *c.to.entry(o.clone()).or_default() += 1;
                    }
                }
            }
        }
        wp
    }

    /// The clear original of a tortured word, if learned; for a plural whose singular was
    /// learned, that original in the plural ("bosoms" → "breasts").
    fn original(&self, w: &str) -> Option<String> {
        if let Some(o) = self.learned(w) {
            return Some(o.to_string());
        }
        if self.words.contains_key(w) {
            return None;
        }
        let original = plural_lemmas(w).find_map(|l| self.learned(&l))?;
        // The suffix rules over-generate ("analysises", "gameses"): only a plural that English
        // text has is proposed.
        inflect(original, Inflection::S).into_iter().find(|p| {
            let last = p.rsplit(' ').next().unwrap_or(p);
            crate::lm::is_known(&[last])
        })
    }

    /// The clear original of a word as learned, without inflection.
    fn learned(&self, w: &str) -> Option<&str> {
        let c = self.words.get(w)?;
        let changed: usize = c.to.values().sum();
        if changed <= c.kept {
            return None;
        }
        let (best, n) = c.to.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
        (*n as f64 >= MIN_SHARE * changed as f64).then_some(best.as_str())
    }

    /// Whether a word may stay as written: a word of some original, or one that aligned pairs
    /// keep at least as often as they change it.
    fn is_correct(&self, w: &str) -> bool {
        let as_written = |w: &str| {
            self.correct.contains(w)
                || self
                    .words
                    .get(w)
                    .is_some_and(|c| c.kept > 0 && c.kept >= c.to.values().sum())
        };
        as_written(w) || !self.words.contains_key(w) && plural_lemmas(w).any(|l| as_written(&l))
    }

    /// The original of a phrase: each word's learned original, or the word itself when it is
    /// correct; `None` when a word is neither, or when no word changes.
    pub fn propose(&self, phrase: &str) -> Option<String> {
        let ws = key_words(phrase);
        let mut changed = false;
        let mut out: Vec<String> = Vec::with_capacity(ws.len());
        for w in &ws {
            match self.original(w) {
                Some(o) => {
                    changed = true;
                    out.push(o);
                }
                None if self.is_correct(w) => out.push(w.clone()),
                None => return None,
            }
        }
        changed.then(|| out.join(" "))
    }
}

/// The singulars a plural word may have ("layers" → "layer", "bodies" → "body").
fn plural_lemmas(w: &str) -> impl Iterator<Item = String> {
    lemmas(w)
        .into_iter()
        .filter(|(_, infl)| *infl == Inflection::S)
        .map(|(l, _)| l)
}

/// Whether two words are one word in the singular and the plural.
fn same_word(a: &str, b: &str) -> bool {
    plural_lemmas(a).any(|l| l == b) || plural_lemmas(b).any(|l| l == a)
}

/// Give each rule without an original (and with one exact phrase to fire on, or several that
/// agree) the original its words' learned correspondences propose, saying so in its message.
pub fn fill_originals(rules: &mut [Rule]) {
    let wp = WordPairs::learn(rules.iter());
    for r in rules.iter_mut() {
        if r.suggestion.is_some() {
            continue;
        }
        let mut proposals = r.query.fire.iter().map(|p| match p {
            Phrase::Exact(p) => wp.propose(p),
            Phrase::Near { .. } => None,
        });
        let Some(Some(first)) = proposals.next() else {
            continue;
        };
        // Several phrases (an OR group) must agree: they name one thing.
        if !proposals.all(|p| p.as_ref() == Some(&first)) {
            continue;
        }
        r.message = format!(
            "{}; original \u{201c}{first}\u{201d} inferred from the word pairs of other rules",
            r.message
        );
        r.suggestion = Some(first);
    }
}

#[cfg(test)]
mod tests {
    use super::super::pps;
    use super::*;

    #[test]
    fn proposes_from_aligned_pairs_only_when_clear() {
        let csv = "tortured_phrase,expected_phrase,num_papers\n\
            \"\"\"bosom milk\"\"\",breast milk,5\n\
            \"\"\"bosom malignant growth\"\"\",breast cancer,5\n\
            \"\"\"lung peril\"\"\",lung cancer,5\n\
            \"\"\"neural organization\"\"\",neural network,5\n\
            \"\"\"profound learning\"\"\",deep learning,5\n\
            \"\"\"bosom peril\"\"\",,\n\
            \"\"\"profound neural organization\"\"\",,\n\
            \"\"\"neural thing\"\"\",,\n\
            \"\"\"bosom hazard\"\"\",,\n";
        let mut rules = pps::parse_csv("t.csv", csv).unwrap();
        fill_originals(&mut rules);
        assert_eq!(rules[5].suggestion.as_deref(), Some("breast cancer"));
        assert!(
            rules[5].message.contains("inferred"),
            "{}",
            rules[5].message
        );
        assert_eq!(rules[6].suggestion.as_deref(), Some("deep neural network"));
        // "neural" is kept where it was seen, but "thing" is no known word: no proposal.
        assert_eq!(rules[7].suggestion, None);
        // "bosom" is learned, "hazard" unknown: a half-restored phrase is not proposed.
        assert_eq!(rules[8].suggestion, None);
        // Rules that know their original keep it.
        assert_eq!(rules[1].suggestion.as_deref(), Some("breast cancer"));
    }

    #[test]
    fn a_plural_keeps_its_number() {
        // The list spells the plural phrase's original in the singular: that is no swap of
        // "layers", and a plural phrase gets a plural original.
        let csv = "tortured_phrase,expected_phrase,num_papers\n\
            \"\"\"concealed layers\"\"\",hidden layer,5\n\
            \"\"\"concealed layer\"\"\",hidden layer,5\n\
            \"\"\"profound learning\"\"\",deep learning,5\n\
            \"\"\"profound learning model\"\"\",deep learning model,5\n\
            \"\"\"bosom milk\"\"\",breast milk,5\n\
            \"\"\"profound layers\"\"\",,\n\
            \"\"\"concealed units\"\"\",,\n";
        let mut rules = pps::parse_csv("t.csv", csv).unwrap();
        fill_originals(&mut rules);
        assert_eq!(rules[5].suggestion.as_deref(), Some("deep layers"));
        // "units" is known neither way, even as "unit": no proposal.
        assert_eq!(rules[6].suggestion, None);
        let wp = WordPairs::learn(rules.iter());
        assert_eq!(wp.original("concealed").as_deref(), Some("hidden"));
        // A plural whose singular was learned gets the original's plural.
        assert_eq!(wp.original("bosoms").as_deref(), Some("breasts"));
        assert_eq!(wp.original("models"), None);
        assert!(wp.is_correct("models") && wp.is_correct("layers"));
    }

    #[test]
    fn ambiguous_words_are_not_rewritten() {
        let csv = "tortured_phrase,expected_phrase,num_papers\n\
            \"\"\"huge information\"\"\",big data,5\n\
            \"\"\"huge number\"\"\",large number,5\n\
            \"\"\"huge peril\"\"\",,\n";
        let mut rules = pps::parse_csv("t.csv", csv).unwrap();
        fill_originals(&mut rules);
        assert_eq!(rules[2].suggestion, None);
    }
}
