//! Rules that must not fire, found by general tests rather than by name.
//!
//! The screener's flat JSON list was made by splitting queries such as
//! `"discriminative learning" AND "machine learning"` into separate pairs, so it holds entries
//! whose "tortured" side is a correct wording or a context phrase (`machine learning →
//! discriminative learning`). Such entries would flag ordinary text. Tests, in order:
//! 1. [`FilterReason::PartOfOwnCorrection`]: the tortured side is, word for word, part of its
//!    own correction (`mutual information → mutual information (MI)`).
//! 2. [`FilterReason::CorrectOfOther`]: it is the correct wording, or part of the correct
//!    wording, of another pair (`neural network`, `cloud computing`).
//! 3. [`FilterReason::ContextOfQuery`]: it is an `AND`/`NOT` context phrase of a fingerprint
//!    query loaded alongside (the CSV keeps the queries).
//!    [`FilterReason::SupersededByQuery`]: the same phrase has a loaded query that requires
//!    context (`"shared data" AND "mutual information"`); the flat pair lost that context.
//! 4. [`FilterReason::OrdinaryEnglish`]: a clean-English language model sees it often (only when
//!    one is given: [`super::RuleSetBuilder::filter_ordinary_english`]).
//! 5. [`FilterReason::SynonymContext`]: a lone common word whose only context is a word it is a
//!    thesaurus synonym of (`"bosom" AND "breast"`): the context is met by any clean text on
//!    the topic, since writers who use one word use its synonym too.
//!
//! Conditional rules (with `AND`/`NOT` context) are otherwise never filtered: their context is
//! what tells the tortured use apart.

use std::collections::HashSet;

use super::query::Phrase;
use super::{Rule, SourceKind};
use crate::lm::LanguageModel;
use crate::token::{tokenize, TokenKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FilterReason {
    PartOfOwnCorrection,
    CorrectOfOther,
    ContextOfQuery,
    SupersededByQuery,
    OrdinaryEnglish,
    GatedByBuiltin,
    SynonymContext,
}

impl FilterReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FilterReason::PartOfOwnCorrection => "tortured side is part of its own correction",
            FilterReason::CorrectOfOther => "tortured side is the correct wording of another rule",
            FilterReason::ContextOfQuery => "tortured side is a context phrase of a screener query",
            FilterReason::SupersededByQuery => {
                "flat pair lost the context that its screener query requires"
            }
            FilterReason::OrdinaryEnglish => "tortured side is frequent in clean English",
            FilterReason::GatedByBuiltin => {
                "the built-in pack holds this phrase with the context it needs"
            }
            FilterReason::SynonymContext => {
                "a common word whose only context is its own synonym, which clean texts use too"
            }
        }
    }
}

/// A rule that was loaded but will not fire.
#[derive(Debug, Clone)]
pub struct Filtered {
    pub id: String,
    pub phrase: String,
    pub suggestion: Option<String>,
    pub reason: FilterReason,
    pub detail: String,
}

/// Normalised words of a text (punctuation dropped, hyphenated words split as the matcher
/// reads them), the unit of every comparison here.
fn words(s: &str) -> Vec<String> {
    tokenize(s)
        .iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .flat_map(|t| super::matcher::key_words(t.text(s)))
        .collect()
}

fn contains_words(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The one exact phrase of an unconditional rule (the only kind these tests apply to).
fn flat_phrase(rule: &Rule) -> Option<&str> {
    if rule.query.is_conditional() || rule.query.fire.len() != 1 {
        return None;
    }
    match &rule.query.fire[0] {
        Phrase::Exact(p) => Some(p),
        Phrase::Near { .. } => None,
    }
}

/// Every wording a rule gives as correct, including remarks in its note
/// (`discriminative learning (machine learning)`).
fn corrections(rule: &Rule) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    out.extend(rule.suggestion.iter().map(|s| words(s)));
    out.extend(rule.alternatives.iter().map(|s| words(s)));
    if let Some(note) = &rule.note {
        // Slashes separate options (`cancer/tumor`): compare each side on its own.
        out.push(words(&note.replace('/', " / ")));
    }
    out.retain(|w| !w.is_empty());
    out
}

fn drop_rules(
    rules: Vec<Rule>,
    mut test: impl FnMut(usize, &Rule) -> Option<(FilterReason, String)>,
) -> (Vec<Rule>, Vec<Filtered>) {
    let mut keep = Vec::with_capacity(rules.len());
    let mut dropped = Vec::new();
    for (i, r) in rules.into_iter().enumerate() {
        match test(i, &r) {
            Some((reason, detail)) => dropped.push(Filtered {
                // A conditional rule is named by the phrase it fires on ("bosom" of
                // `"bosom" AND "breast"`); its whole query is in the detail.
                phrase: match r.query.fire.first() {
                    Some(Phrase::Exact(p)) => p.clone(),
                    _ => String::new(),
                },
                id: r.id,
                suggestion: r.suggestion,
                reason,
                detail,
            }),
            None => keep.push(r),
        }
    }
    (keep, dropped)
}

/// The exact phrases of the conditional rules among `rules` (normalised words): phrases that are
/// tortured only in some context.
pub fn conditional_phrases<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> Vec<Vec<String>> {
    rules
        .into_iter()
        .filter(|r| r.query.is_conditional())
        .flat_map(|r| r.query.fire.iter())
        .filter_map(|p| match p {
            Phrase::Exact(p) => Some(words(p)),
            Phrase::Near { .. } => None,
        })
        .collect()
}

/// Drop the flat rules whose phrase is one of `gated` (from [`conditional_phrases`] of the
/// built-in pack): the pack knows the context that tells the tortured use apart ("huge
/// information" is big data beside "analytics"; "a huge information gap" is English), and a flat
/// copy of the phrase would fire without it.
pub fn gated_elsewhere(rules: Vec<Rule>, gated: &[Vec<String>]) -> (Vec<Rule>, Vec<Filtered>) {
    drop_rules(rules, |_, r| {
        let p = flat_phrase(r)?;
        gated
            .contains(&words(p))
            .then(|| (FilterReason::GatedByBuiltin, format!("{p:?}")))
    })
}

/// Tests 1 and 2 within one flat list.
pub fn self_inconsistent_pairs(rules: Vec<Rule>) -> (Vec<Rule>, Vec<Filtered>) {
    let corr: Vec<Vec<Vec<String>>> = rules.iter().map(corrections).collect();
    // Index of all correct wordings by their first word, for the containment test.
    let all: Vec<(usize, &Vec<String>)> = corr
        .iter()
        .enumerate()
        .flat_map(|(i, cs)| cs.iter().map(move |c| (i, c)))
        .collect();
    drop_rules(rules, |i, r| {
        let p = flat_phrase(r)?;
        let w = words(p);
        if corr[i].iter().any(|c| contains_words(c, &w)) {
            return Some((
                FilterReason::PartOfOwnCorrection,
                format!("{p:?} → {:?}", r.suggestion.as_deref().unwrap_or("?")),
            ));
        }
        let other = all.iter().find(|(j, c)| *j != i && contains_words(c, &w))?;
        Some((
            FilterReason::CorrectOfOther,
            format!("{p:?} appears in the correction {:?}", other.1.join(" ")),
        ))
    })
}

/// Tests 2 and 3 across all loaded sources, for flat screener pairs; test 2 (exact wording
/// only) also for unconditional CSV rows.
pub fn cross_source(rules: Vec<Rule>) -> (Vec<Rule>, Vec<Filtered>) {
    if !rules.iter().any(|r| r.kind == SourceKind::PpsJson) {
        return (rules, Vec::new());
    }
    let mut context: HashSet<Vec<String>> = HashSet::new();
    for r in &rules {
        for p in r.query.all.iter().flatten().chain(&r.query.none) {
            if let Phrase::Exact(p) = p {
                context.insert(words(p));
            }
        }
    }
    // Phrases that some loaded query fires on only with document context.
    let conditional: HashSet<Vec<String>> = rules
        .iter()
        .filter(|r| r.kind != SourceKind::PpsJson && r.query.is_conditional())
        .flat_map(|r| r.query.fire.iter())
        .filter_map(|p| match p {
            Phrase::Exact(p) => Some(words(p)),
            Phrase::Near { .. } => None,
        })
        .collect();
    let corrections: HashSet<Vec<String>> = rules
        .iter()
        .filter(|r| r.kind != SourceKind::PpsJson)
        .flat_map(|r| r.suggestion.iter().chain(&r.alternatives).map(|s| words(s)))
        .collect();
    drop_rules(rules, |_, r| {
        if r.kind != SourceKind::PpsJson {
            return None;
        }
        let p = flat_phrase(r)?;
        let w = words(p);
        if context.contains(&w) {
            return Some((
                FilterReason::ContextOfQuery,
                format!("{p:?} is document context in a fingerprint query"),
            ));
        }
        if conditional.contains(&w) {
            return Some((
                FilterReason::SupersededByQuery,
                format!("{p:?} fires only with context in a fingerprint query"),
            ));
        }
        if corrections.contains(&w) {
            return Some((
                FilterReason::CorrectOfOther,
                format!("{p:?} is the correct wording of a fingerprint"),
            ));
        }
        None
    })
}

/// Test 4: unconditional screener rules whose phrase occurs at least `per_million` times per
/// million words of the model's corpus. Phrases longer than the model's order are kept (the
/// model cannot tell).
pub fn ordinary_english(
    rules: Vec<Rule>,
    lm: &dyn LanguageModel,
    per_million: f64,
) -> (Vec<Rule>, Vec<Filtered>) {
    let total = lm.total_words().max(1) as f64;
    drop_rules(rules, |_, r| {
        if !matches!(r.kind, SourceKind::PpsCsv | SourceKind::PpsJson) {
            return None;
        }
        let p = flat_phrase(r)?;
        let w = words(p);
        if w.is_empty() || w.len() > lm.order() {
            return None;
        }
        let refs: Vec<&str> = w.iter().map(String::as_str).collect();
        let c = lm.count(&refs);
        let rate = c as f64 * 1e6 / total;
        (rate >= per_million).then(|| {
            (
                FilterReason::OrdinaryEnglish,
                format!("{p:?}: {c} times in {total:.0} words ({rate:.2} per million)"),
            )
        })
    })
}

/// Test 5: rules of the screener's format that fire on one common word (at least `per_million`
/// times per million words of `lm`'s corpus) and whose every `AND` context is a thesaurus
/// synonym of it ([`crate::lexicon::Lexicon`], either direction). The screener meant the pair as
/// evidence of a synonym swap within a paper, but a clean text about breasts may call one a
/// bosom: the context says only that the document is on the topic where the word is natural.
/// A lone word with other context (`"prosciutto" AND "perovskite"`), or a rare one, is kept.
pub fn synonym_context(
    rules: Vec<Rule>,
    lm: &dyn LanguageModel,
    per_million: f64,
) -> (Vec<Rule>, Vec<Filtered>) {
    let lexicon = crate::lexicon::Lexicon::embedded();
    let synonyms = |a: &str, b: &str| {
        let linked = |x: &str, y: &str| match (lexicon.id(x), lexicon.id(y)) {
            (Some(x), Some(y)) => lexicon.synonyms(x).any(|e| e.term == y),
            _ => false,
        };
        linked(a, b) || linked(b, a)
    };
    let total = lm.total_words().max(1) as f64;
    drop_rules(rules, |_, r| {
        if r.kind != SourceKind::PpsCsv || r.query.all.is_empty() {
            return None;
        }
        let lone = |p: &Phrase| match p {
            Phrase::Exact(p) => {
                let w = super::matcher::key_words(p);
                (w.len() == 1).then(|| w[0].clone())
            }
            Phrase::Near { .. } => None,
        };
        let fire: Vec<String> = r.query.fire.iter().map(lone).collect::<Option<_>>()?;
        for w in &fire {
            let rate = lm.count(&[w.as_str()]) as f64 * 1e6 / total;
            if rate < per_million {
                return None;
            }
        }
        let context: Vec<String> = r
            .query
            .all
            .iter()
            .flatten()
            .map(lone)
            .collect::<Option<_>>()?;
        let all_synonyms = fire
            .iter()
            .all(|w| context.iter().all(|c| c != w && synonyms(w, c)));
        all_synonyms.then(|| {
            (
                FilterReason::SynonymContext,
                format!("{:?} AND {:?}", fire.join(" OR "), context.join(", ")),
            )
        })
    })
}

/// Counts of exactly the phrases some rules need, taken from a clean corpus: the smallest
/// [`LanguageModel`] that answers [`ordinary_english`]'s question. Build it with
/// [`PhraseCounter`] over a corpus that is not the one you evaluate on.
#[derive(Debug, Default, Clone)]
pub struct PhraseCounts {
    order: usize,
    counts: std::collections::HashMap<String, u64>,
    total: u64,
}

impl LanguageModel for PhraseCounts {
    fn order(&self) -> usize {
        self.order
    }
    fn log_prob(&self, context: &[&str], word: &str) -> f32 {
        crate::lm::stupid_backoff(self, context, word)
    }
    fn count(&self, ngram: &[&str]) -> u64 {
        self.counts.get(&ngram.join(" ")).copied().unwrap_or(0)
    }
    fn total_words(&self) -> u64 {
        self.total
    }
}

/// Counts whole-token occurrences of a fixed list of phrases (overlapping occurrences count,
/// so `search engine` inside `search engine optimisation` is seen). `Send + Sync`: count
/// documents in parallel and add the tallies.
pub struct PhraseCounter {
    ac: aho_corasick::AhoCorasick,
    phrases: Vec<Vec<String>>,
}

impl PhraseCounter {
    pub fn new(phrases: &[String]) -> crate::error::Result<Self> {
        let mut norm: Vec<Vec<String>> = phrases.iter().map(|p| words(p)).collect();
        norm.retain(|w| !w.is_empty());
        norm.sort();
        norm.dedup();
        let patterns: Vec<String> = norm.iter().map(|w| w.join(" ")).collect();
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&patterns)
            .map_err(|e| crate::error::Error::Invalid(format!("cannot compile phrases: {e}")))?;
        Ok(PhraseCounter { ac, phrases: norm })
    }

    /// The unconditional exact phrases of the screener's rules: what [`ordinary_english`]
    /// asks about.
    pub fn for_rules(rules: &[Rule]) -> crate::error::Result<Self> {
        let phrases: Vec<String> = rules
            .iter()
            .filter(|r| matches!(r.kind, SourceKind::PpsCsv | SourceKind::PpsJson))
            .filter_map(|r| flat_phrase(r).map(str::to_string))
            .collect();
        Self::new(&phrases)
    }

    /// A zeroed tally for [`Self::count`].
    pub fn tally(&self) -> Vec<u64> {
        vec![0; self.phrases.len()]
    }

    /// Add the phrase occurrences of one document to `tally`; returns its number of words.
    pub fn count(&self, text: &str, tally: &mut [u64]) -> u64 {
        let (hay, _) = super::matcher::normalize_ws(text);
        let mut scratch = Vec::new();
        for m in self.ac.find_overlapping_iter(hay.as_ref()) {
            if super::matcher::is_token_start(&hay, m.start(), &mut scratch)
                && super::matcher::is_token_end(&hay, m.end(), &mut scratch)
            {
                tally[m.pattern().as_usize()] += 1;
            }
        }
        text.split_whitespace().count() as u64
    }

    pub fn into_model(self, tally: &[u64], total_words: u64) -> PhraseCounts {
        let order = self.phrases.iter().map(Vec::len).max().unwrap_or(1);
        let counts = self
            .phrases
            .into_iter()
            .zip(tally)
            .filter(|(_, &c)| c > 0)
            .map(|(p, &c)| (p.join(" "), c))
            .collect();
        PhraseCounts {
            order,
            counts,
            total: total_words,
        }
    }
}
