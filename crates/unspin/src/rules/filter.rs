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
//! 4. [`FilterReason::OrdinaryEnglish`]: a clean-English language model sees it often (only when
//!    one is given: [`super::RuleSetBuilder::filter_ordinary_english`]).
//!
//! Conditional rules (with `AND`/`NOT` context) are never filtered: their context is what
//! tells the tortured use apart.

use std::collections::HashSet;

use super::query::Phrase;
use super::{Rule, SourceKind};
use crate::lm::LanguageModel;
use crate::token::{normalize, tokenize, TokenKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FilterReason {
    PartOfOwnCorrection,
    CorrectOfOther,
    ContextOfQuery,
    OrdinaryEnglish,
}

impl FilterReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FilterReason::PartOfOwnCorrection => "tortured side is part of its own correction",
            FilterReason::CorrectOfOther => "tortured side is the correct wording of another rule",
            FilterReason::ContextOfQuery => "tortured side is a context phrase of a screener query",
            FilterReason::OrdinaryEnglish => "tortured side is frequent in clean English",
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

/// Normalised words of a text (punctuation dropped), the unit of every comparison here.
fn words(s: &str) -> Vec<String> {
    tokenize(s)
        .iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .map(|t| normalize(t.text(s)).into_owned())
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
                phrase: flat_phrase(&r).unwrap_or_default().to_string(),
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
