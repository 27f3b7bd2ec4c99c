//! The compiled matcher behind [`super::RuleSet::find`].
//!
//! Why it is shaped this way:
//! - **One transducer, walked at token starts.** Every phrase that can fire is one pattern (plus
//!   apostrophe and non-ASCII case variants; a hyphen joining two words is a space on both
//!   sides, so `a-b` and `a b` are one phrase) of an `fst` map, walked ASCII case folded
//!   from the token starts that a cheap first-word filter lets through, for the longest pattern
//!   there (what a leftmost-longest anchored Aho–Corasick automaton finds, without the failure
//!   transitions that made its build cost 0.08 s at every start with the built-in lists).
//!   Sloppy phrases (`"a b"~N`) put one of their words in as a *trigger* and are verified on
//!   the tokens around it.
//! - **Boundaries are checked only around matches.** Tokenizing the whole text costs more than
//!   the pattern search; instead a match is accepted when it starts and ends where
//!   [`crate::token::tokenize`] would put token boundaries, which we decide by tokenizing the
//!   few bytes around each end (tokenization restarts at whitespace and at punctuation that can
//!   never join a token, so a short window gives exactly the full tokenizer's answer).
//!   A match that fails the check does not hide later matches: the search restarts one
//!   character after its start.
//! - **Whitespace is normalised only when needed.** Phrases match across line breaks and runs
//!   of spaces (text extracted from PDFs wraps lines mid-phrase), not across blank lines.
//!   Text with only single spaces is searched as is.
//! - **Document context is lazy.** `AND`/`NOT` phrases are searched (a second, overlapping
//!   automaton) only in documents where a conditional rule matched.

use std::borrow::Cow;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::query::Phrase;
use super::Rule;
use crate::channel::inflect::{inflect, lemmas, Inflection};
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::token::{case_of, match_case, normalize, tokenize_into, Case, Token, TokenKind};

/// What a fire pattern stands for.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// The rule's `fire[phrase]` matched exactly.
    Exact { rule: u32 },
    /// A word of the rule's sloppy phrase `fire[phrase]` matched; `word` is its index.
    Near { rule: u32, phrase: u32, word: u32 },
}

impl Target {
    fn rule(self) -> usize {
        match self {
            Target::Exact { rule } | Target::Near { rule, .. } => rule as usize,
        }
    }
}

/// Context phrase ids of one rule.
#[derive(Debug, Default, Clone)]
struct RuleContext {
    all: Vec<Vec<u32>>,
    none: Vec<u32>,
}

#[derive(Debug)]
pub(super) struct Matcher {
    /// Every fire pattern, walked only at token starts that pass `first`; each pattern's value
    /// is its group (all variants of one phrase share a group).
    fire: AnchoredTrie,
    first: FirstWordFilter,
    groups: Vec<Vec<Target>>,
    /// Exact context phrases (overlapping search), pattern id → context id.
    aux: Option<AhoCorasick>,
    aux_context: Vec<u32>,
    contexts: Vec<Phrase>,
    rule_context: Vec<RuleContext>,
}

/// Longest window (bytes) examined on each side of a match end to decide a token boundary.
const BOUNDARY_WINDOW: usize = 256;
/// Most bytes on each side of a trigger word searched for the rest of a sloppy phrase.
const NEAR_WINDOW: usize = 2048;

impl Matcher {
    pub(super) fn new(rules: &[Rule]) -> Result<Matcher> {
        let mut group_of: HashMap<String, u32> = HashMap::new();
        let mut groups: Vec<Vec<Target>> = Vec::new();
        let mut context_of: HashMap<Phrase, u32> = HashMap::new();
        let mut contexts: Vec<Phrase> = Vec::new();
        let mut rule_context = Vec::with_capacity(rules.len());

        let mut add_group = |key: String, target: Target| {
            let next = groups.len() as u32;
            let g = *group_of.entry(key).or_insert(next);
            if g == next {
                groups.push(Vec::new());
            }
            groups[g as usize].push(target);
        };
        for (ri, rule) in rules.iter().enumerate() {
            let ri = ri as u32;
            for (pi, phrase) in rule.query.fire.iter().enumerate() {
                match phrase {
                    Phrase::Exact(p) => add_group(pattern_key(p), Target::Exact { rule: ri }),
                    Phrase::Near { words, .. } => {
                        // The trigger is the word least likely in ordinary text, so the
                        // verification runs seldom: an acronym (`UTAUT`), else the longest.
                        let (wi, w) = words
                            .iter()
                            .enumerate()
                            .max_by_key(|(i, w)| (is_acronym(w), w.chars().count(), usize::MAX - i))
                            .expect("near phrases have words");
                        add_group(
                            pattern_key(w),
                            Target::Near {
                                rule: ri,
                                phrase: pi as u32,
                                word: wi as u32,
                            },
                        );
                    }
                }
            }
            let mut ctx_id = |p: &Phrase| {
                let next = contexts.len() as u32;
                let id = *context_of.entry(p.clone()).or_insert(next);
                if id == next {
                    contexts.push(p.clone());
                }
                id
            };
            rule_context.push(RuleContext {
                all: rule
                    .query
                    .all
                    .iter()
                    .map(|g| g.iter().map(&mut ctx_id).collect())
                    .collect(),
                none: rule.query.none.iter().map(&mut ctx_id).collect(),
            });
        }

        let mut keys: Vec<(&String, &u32)> = group_of.iter().collect();
        keys.sort_by_key(|(_, g)| **g);
        let mut patterns = Vec::new();
        let mut fire_group = Vec::new();
        for (key, g) in keys {
            for v in variants(key) {
                patterns.push(v);
                fire_group.push(*g);
            }
        }
        let first = FirstWordFilter::new(&patterns);
        let fire = AnchoredTrie::new(&patterns, &fire_group)?;

        let mut aux_patterns = Vec::new();
        let mut aux_context = Vec::new();
        for (ci, c) in contexts.iter().enumerate() {
            if let Phrase::Exact(p) = c {
                for v in context_variants(p) {
                    aux_patterns.push(v);
                    aux_context.push(ci as u32);
                }
            }
        }
        let aux = if aux_patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .build(&aux_patterns)
                    .map_err(|e| Error::Invalid(format!("cannot compile context patterns: {e}")))?,
            )
        };
        Ok(Matcher {
            fire,
            first,
            groups,
            aux,
            aux_context,
            contexts,
            rule_context,
        })
    }

    pub(super) fn find(&self, rules: &[Rule], text: &str) -> Vec<Finding> {
        let (norm, map) = normalize_ws(text);
        let hay: &str = &norm;
        let bytes = hay.as_bytes();
        let mut scratch = Vec::new();
        let mut doc = DocContext::new(self.contexts.len());
        let mut out = Vec::new();
        // Walk the candidate token starts: the first character of every word run (a letter
        // then letters and digits, as the tokenizer joins them) or number run (digits; a
        // letter after it starts a new token, `16GB`). Each run is hashed once; only where it
        // begins like some pattern does the anchored automaton run.
        let mut prev = CharClass::Other;
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            let (class, len) = if c < 0x80 {
                (ASCII_CLASS[c as usize], 1)
            } else {
                let ch = hay[i..].chars().next().expect("char boundary");
                (CharClass::of(ch), ch.len_utf8())
            };
            let candidate = match class {
                CharClass::Letter => prev != CharClass::Letter,
                CharClass::Digit => !matches!(prev, CharClass::Letter | CharClass::Digit),
                CharClass::Other => self.first.unkeyed,
                CharClass::Space => false,
            };
            if !candidate {
                prev = class;
                i += len;
                continue;
            }
            let (pass, run_end, last) = self.first.check(hay, i, class);
            if !pass {
                // Nothing starts here, nor inside the run (not a token start).
                if run_end > i {
                    i = run_end;
                    prev = last;
                } else {
                    prev = class;
                    i += len;
                }
                continue;
            }
            prev = class;
            let Some((e, group)) = self.fire.longest_at(hay, i) else {
                i += len;
                continue;
            };
            let s = i;
            if !is_token_start(hay, s, &mut scratch) || !is_token_end(hay, e, &mut scratch) {
                i += len;
                continue;
            }
            let group = &self.groups[group as usize];
            match self.resolve(rules, hay, s, e, group, &mut doc, &mut scratch) {
                Some((fs, fe, best, others)) => {
                    let (os, oe) = (map.orig_start(fs), map.orig_end(fe));
                    out.push(finding(rules, text, os, oe, best, &others));
                    i = fe.max(e);
                    prev = hay[..i]
                        .chars()
                        .next_back()
                        .map_or(CharClass::Other, CharClass::of);
                }
                // No rule's context holds: go on from the next character, so that a later
                // phrase inside this span (a sloppy phrase's trigger word) is still found.
                None => i += len,
            }
        }
        out
    }

    /// Choose the rule of a match whose conditions hold: the best by weight, the others'
    /// originals as alternatives. Returns the span (sloppy phrases widen it), best rule, others.
    #[allow(clippy::too_many_arguments)]
    fn resolve(
        &self,
        rules: &[Rule],
        hay: &str,
        s: usize,
        e: usize,
        group: &[Target],
        doc: &mut DocContext,
        scratch: &mut Vec<Token>,
    ) -> Option<(usize, usize, usize, Vec<usize>)> {
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for &t in group {
            let ri = t.rule();
            let span = match t {
                Target::Exact { .. } => Some((s, e)),
                Target::Near { phrase, word, .. } => match &rules[ri].query.fire[phrase as usize] {
                    Phrase::Near { words, slop } => {
                        near_span(hay, s, e, words, word as usize, *slop, scratch)
                    }
                    Phrase::Exact(_) => None,
                },
            };
            let Some((fs, fe)) = span else { continue };
            if self.condition_holds(ri, hay, doc) {
                hits.push((fs, fe, ri));
            }
        }
        // Best: highest weight, then one that knows the original (the registry list, loaded
        // first, often does not), then the widest span, then the first loaded.
        let best = *hits.iter().max_by(|a, b| {
            rules[a.2]
                .weight
                .total_cmp(&rules[b.2].weight)
                .then((rules[a.2].suggestion.is_some()).cmp(&rules[b.2].suggestion.is_some()))
                .then((a.1 - a.0).cmp(&(b.1 - b.0)))
                .then(b.2.cmp(&a.2))
        })?;
        let others = hits
            .iter()
            .filter(|h| h.2 != best.2 && h.0 == best.0 && h.1 == best.1)
            .map(|h| h.2)
            .collect();
        Some((best.0, best.1, best.2, others))
    }

    fn condition_holds(&self, ri: usize, hay: &str, doc: &mut DocContext) -> bool {
        let rc = &self.rule_context[ri];
        if rc.all.is_empty() && rc.none.is_empty() {
            return true;
        }
        rc.all
            .iter()
            .all(|g| g.iter().any(|&c| self.present(c, hay, doc)))
            && !rc.none.iter().any(|&c| self.present(c, hay, doc))
    }

    /// Whether context phrase `c` occurs in the document (computed once per document).
    fn present(&self, c: u32, hay: &str, doc: &mut DocContext) -> bool {
        if !doc.exact_done {
            doc.exact_done = true;
            doc.present = vec![false; doc.n];
            if let Some(aux) = &self.aux {
                let mut scratch = Vec::new();
                for m in aux.find_overlapping_iter(hay) {
                    let ci = self.aux_context[m.pattern().as_usize()] as usize;
                    if !doc.present[ci]
                        && is_token_start(hay, m.start(), &mut scratch)
                        && is_token_end(hay, m.end(), &mut scratch)
                    {
                        doc.present[ci] = true;
                    }
                }
            }
        }
        match &self.contexts[c as usize] {
            Phrase::Exact(_) => doc.present[c as usize],
            Phrase::Near { words, slop } => {
                if let Some(v) = doc.near.get(&c) {
                    return *v;
                }
                let toks = doc.words(hay);
                let found = near_in_tokens(toks, words, *slop);
                doc.near.insert(c, found);
                found
            }
        }
    }
}

/// What a character is, for finding candidate token starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Letter,
    Digit,
    Space,
    Other,
}

impl CharClass {
    fn of(c: char) -> CharClass {
        if c.is_whitespace() {
            CharClass::Space
        } else if c.is_ascii_digit() || (c.is_numeric() && !c.is_alphabetic()) {
            CharClass::Digit
        } else if c.is_alphanumeric() {
            CharClass::Letter
        } else {
            CharClass::Other
        }
    }
}

const ASCII_CLASS: [CharClass; 128] = {
    let mut t = [CharClass::Other; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphabetic() {
            CharClass::Letter
        } else if b.is_ascii_digit() {
            CharClass::Digit
        } else if matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            CharClass::Space
        } else {
            CharClass::Other
        };
        i += 1;
    }
    t
};

/// Bits of the first-word filter: 2^18 bits (32 KiB) stay in the L1/L2 cache.
const FILTER_BITS: u32 = 18;
/// Only this many bytes of a first word are hashed (both for patterns and text).
const KEY_MAX: usize = 48;

/// The fire patterns as a finite-state transducer (pattern → group), walked from one position
/// of the text for the longest pattern starting there, ASCII case folded. The search is
/// anchored at token starts, so no failure transitions are needed: an Aho–Corasick automaton of
/// the built-in lists (about 6,000 patterns) spent most of its 0.08 s build on them, at every
/// start of `unspin check`; the transducer builds in a few milliseconds.
#[derive(Debug)]
struct AnchoredTrie {
    fst: fst::Map<Vec<u8>>,
}

impl AnchoredTrie {
    /// Patterns are folded to ASCII lower case (non-ASCII case variants are patterns of their
    /// own: "Α-L-gulonic Hyaluronic Acid" and "α-l-gulonic hyaluronic acid"); the first of
    /// equal patterns keeps its group, as in a leftmost-longest automaton.
    fn new(patterns: &[String], groups: &[u32]) -> Result<AnchoredTrie> {
        let mut entries: Vec<(Vec<u8>, u64)> = patterns
            .iter()
            .zip(groups)
            .map(|(p, &g)| (p.to_ascii_lowercase().into_bytes(), u64::from(g)))
            .collect();
        // Stable: among equal patterns the first stays first, and is kept.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, first| later.0 == first.0);
        let fst = fst::Map::from_iter(entries.into_iter().filter(|(p, _)| !p.is_empty()))
            .map_err(|e| Error::Invalid(format!("cannot compile rule patterns: {e}")))?;
        Ok(AnchoredTrie { fst })
    }

    /// The end and group of the longest pattern that starts at `start`. A hyphen joining two
    /// words is read as the space of the patterns ([`pattern_key`]), so `flag-to-commotion`
    /// matches the phrase `flag to commotion` and the other way round.
    fn longest_at(&self, hay: &str, start: usize) -> Option<(usize, u32)> {
        let fst = self.fst.as_fst();
        let bytes = hay.as_bytes();
        let mut node = fst.root();
        let mut out = fst::raw::Output::zero();
        let mut best = None;
        let mut j = start;
        while j < bytes.len() {
            let (b, len) = match joining_hyphen_at(hay, j) {
                Some(len) => (b' ', len),
                None => (bytes[j].to_ascii_lowercase(), 1),
            };
            let Some(ti) = node.find_input(b) else {
                break;
            };
            let t = node.transition(ti);
            out = out.cat(t.out);
            node = fst.node(t.addr);
            j += len;
            if node.is_final() {
                best = Some((j, out.cat(node.final_output()).value() as u32));
            }
        }
        best
    }
}

/// Bloom-style bit sets of how patterns begin (ASCII case folded): their first word, and
/// their first two words when the second follows after one space.
///
/// Why: with thousands of patterns the search's tables do not fit in the cache, so feeding
/// them every byte costs about one cache miss per byte (≈15 MB/s measured on enwiki2018 with
/// the screener's list in an automaton). Matches must start at token starts, so we look only
/// there, and only where the text begins like some pattern: one or two short hashes and bit
/// tests per word. A third of English words are the first word of some pattern (`the`, `in`,
/// `a`), so the two-word key is what makes the filter selective. The transducer is then walked
/// at the few places left, where its hot root nodes stay cached.
#[derive(Debug)]
struct FirstWordFilter {
    first: Vec<u64>,
    /// First words of patterns that have no second word after a single space.
    single: Vec<u64>,
    /// First two words of the others.
    pair: Vec<u64>,
    /// Some pattern starts with a character that is not alphanumeric: every such character
    /// in the text is a candidate start too.
    unkeyed: bool,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x100_0000_01b3;

/// Hash the run starting at `i` and continue `h`: a word run (a letter, then letters and
/// digits) or a number run (digits only), ASCII lower-cased, hashing at most [`KEY_MAX`]
/// bytes. Returns the hash, where the run ends (`i` when no run starts here) and the class of
/// its last character.
#[inline]
fn hash_run(s: &str, i: usize, mut h: u64) -> (u64, usize, CharClass) {
    let b = s.as_bytes();
    let mut j = i;
    let mut hashed = 0;
    let mut last = CharClass::Other;
    let mut word = None;
    while j < b.len() {
        let c = b[j];
        let (class, len) = if c < 0x80 {
            (ASCII_CLASS[c as usize], 1)
        } else {
            match s.get(j..).and_then(|r| r.chars().next()) {
                Some(ch) => (CharClass::of(ch), ch.len_utf8()),
                None => break,
            }
        };
        let is_word = *word.get_or_insert(class == CharClass::Letter);
        let continues = match class {
            CharClass::Letter => is_word,
            CharClass::Digit => true,
            _ => false,
        };
        if !continues {
            break;
        }
        if hashed < KEY_MAX {
            for &x in &b[j..j + len] {
                h = (h ^ x.to_ascii_lowercase() as u64).wrapping_mul(FNV_PRIME);
            }
            hashed += len;
        }
        last = class;
        j += len;
    }
    (h, j, last)
}

/// The second word's start when the run ending at `end` is followed by one space, or by a
/// hyphen joining it to the next word (read as a space, as [`AnchoredTrie::longest_at`] does),
/// and a letter or digit.
#[inline]
fn second_word(s: &str, end: usize) -> Option<usize> {
    let b = s.as_bytes();
    let sep = if b.get(end) == Some(&b' ') {
        1
    } else {
        joining_hyphen_at(s, end)?
    };
    (hash_run(s, end + sep, 0).1 > end + sep).then_some(end + sep)
}

/// The byte length of the hyphen at `i` when it joins two words (a letter or digit on each
/// side): `-`, U+2010 or U+2011. Such a hyphen and a space are the same to the matcher.
#[inline]
fn joining_hyphen_at(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    let len = match b.get(i)? {
        b'-' => 1,
        0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x90 | 0x91)) => 3,
        _ => return None,
    };
    let before = s[..i]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    let after = s[i + len..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric);
    (before && after).then_some(len)
}

#[inline]
fn bit(bits: &[u64], h: u64) -> bool {
    let k = (h >> (64 - FILTER_BITS)) as usize;
    bits[k >> 6] & (1 << (k & 63)) != 0
}

#[inline]
fn set_bit(bits: &mut [u64], h: u64) {
    let k = (h >> (64 - FILTER_BITS)) as usize;
    bits[k >> 6] |= 1 << (k & 63);
}

impl FirstWordFilter {
    fn new(patterns: &[String]) -> Self {
        let words = 1 << (FILTER_BITS - 6);
        let mut f = FirstWordFilter {
            first: vec![0; words],
            single: vec![0; words],
            pair: vec![0; words],
            unkeyed: false,
        };
        for p in patterns {
            let (h, end, _) = hash_run(p, 0, FNV_OFFSET);
            if end == 0 {
                f.unkeyed = true;
                continue;
            }
            set_bit(&mut f.first, h);
            match second_word(p, end) {
                Some(w2) => set_bit(&mut f.pair, hash_run(p, w2, h ^ 0x20).0),
                None => set_bit(&mut f.single, h),
            }
        }
        f
    }

    /// Whether some pattern may start at `i` (where a character of `class` starts a token
    /// candidate); also where the run starting there ends and its last character's class.
    #[inline]
    fn check(&self, hay: &str, i: usize, class: CharClass) -> (bool, usize, CharClass) {
        let (h, end, last) = hash_run(hay, i, FNV_OFFSET);
        if end == i {
            return (self.unkeyed, i, class);
        }
        if !bit(&self.first, h) {
            return (false, end, last);
        }
        if bit(&self.single, h) {
            return (true, end, last);
        }
        let pass = match second_word(hay, end) {
            Some(w2) => bit(&self.pair, hash_run(hay, w2, h ^ 0x20).0),
            None => false,
        };
        (pass, end, last)
    }
}

/// Per-document state of context look-ups.
struct DocContext {
    exact_done: bool,
    n: usize,
    present: Vec<bool>,
    near: HashMap<u32, bool>,
    words: Option<Vec<String>>,
}

impl DocContext {
    fn new(n: usize) -> Self {
        DocContext {
            exact_done: false,
            // Allocated on first use: most documents never need context.
            present: Vec::with_capacity(0),
            n,
            near: HashMap::new(),
            words: None,
        }
    }

    fn words(&mut self, hay: &str) -> &[String] {
        self.words.get_or_insert_with(|| {
            let mut toks = Vec::new();
            tokenize_into(hay, &mut toks);
            toks.iter()
                .filter(|t| t.kind != TokenKind::Punct)
                .map(|t| normalize(t.text(hay)).into_owned())
                .collect()
        })
    }
}

/// Whether `words` occur in order in `toks` with at most `slop` other words in between.
fn near_in_tokens(toks: &[String], words: &[String], slop: u32) -> bool {
    let words: Vec<String> = words.iter().map(|w| normalize(w).into_owned()).collect();
    (0..toks.len()).any(|i| toks[i] == words[0] && near_from(toks, i, &words, slop).is_some())
}

/// From `toks[i] == words[0]`, take each next word at its first occurrence; the end index
/// when the gaps add up to at most `slop`.
fn near_from(toks: &[String], i: usize, words: &[String], slop: u32) -> Option<usize> {
    let mut at = i;
    let mut gaps = 0usize;
    for w in &words[1..] {
        let limit = (at + 2 + slop as usize - gaps).min(toks.len());
        let next = (at + 1..limit).find(|&j| toks[j] == *w)?;
        gaps += next - at - 1;
        at = next;
    }
    (gaps <= slop as usize).then_some(at)
}

/// Verify a sloppy phrase around its trigger word at `s..e`; the span from its first to its
/// last word.
fn near_span(
    hay: &str,
    s: usize,
    e: usize,
    words: &[String],
    trigger: usize,
    slop: u32,
    scratch: &mut Vec<Token>,
) -> Option<(usize, usize)> {
    // Words are ~6 bytes with their space; allow generous room for the slop, capped.
    let reach_bytes = ((words.len() + slop as usize) * 24 + 64).min(NEAR_WINDOW);
    // Cheap pre-check before tokenizing: every other word must occur in the window at all.
    let (plo, phi) = (
        floor_boundary(hay, s.saturating_sub(reach_bytes)),
        ceil_boundary(hay, (e + reach_bytes).min(hay.len())),
    );
    let lower = hay[plo..phi].to_ascii_lowercase();
    if !words.iter().all(|w| {
        memchr::memmem::find(lower.as_bytes(), w.to_ascii_lowercase().as_bytes()).is_some()
    }) {
        return None;
    }
    // Cut the window at whitespace so that no token is split (tokenization restarts there).
    let lo = floor_boundary(hay, s.saturating_sub(reach_bytes));
    let lo = if lo == 0 {
        0
    } else {
        hay[lo..s].find(char::is_whitespace).map_or(s, |i| lo + i)
    };
    let hi = ceil_boundary(hay, (e + reach_bytes).min(hay.len()));
    let hi = if hi == hay.len() {
        hi
    } else {
        hay[e..hi].rfind(char::is_whitespace).map_or(e, |i| e + i)
    };
    tokenize_into(&hay[lo..hi], scratch);
    // The words of the trigger's sentence only: a phrase's words are near within a sentence, not
    // across its end ("… was oblivious. Blind …" is no "oblivious blind").
    let sentence_end = |t: &Token| {
        t.kind == TokenKind::Punct && matches!(&hay[lo + t.start..lo + t.end], "." | "!" | "?")
    };
    let mut sentence = 0usize;
    let toks: Vec<(usize, usize, String, usize)> = scratch
        .iter()
        .filter_map(|t| {
            if sentence_end(t) {
                sentence += 1;
            }
            (t.kind != TokenKind::Punct).then(|| {
                (
                    lo + t.start,
                    lo + t.end,
                    normalize(&hay[lo + t.start..lo + t.end]).into_owned(),
                    sentence,
                )
            })
        })
        .collect();
    let ti = toks.iter().position(|t| t.0 == s && t.1 == e)?;
    let toks: Vec<(usize, usize, String, usize)> =
        toks.iter().filter(|t| t.3 == toks[ti].3).cloned().collect();
    let ti = toks.iter().position(|t| t.0 == s && t.1 == e)?;
    let norm: Vec<String> = words.iter().map(|w| normalize(w).into_owned()).collect();
    let names: Vec<String> = toks.iter().map(|t| t.2.clone()).collect();
    // Candidate first-word positions within reach of the trigger.
    let reach = trigger + slop as usize;
    let from = ti.saturating_sub(reach);
    for i in from..=ti {
        if names[i] != norm[0] {
            continue;
        }
        let Some(end) = near_from(&names, i, &norm, slop) else {
            continue;
        };
        // The trigger must be the phrase word it stands for.
        if end >= ti && covers_trigger(&names, i, &norm, ti, trigger) {
            return Some((toks[i].0, toks[end].1));
        }
    }
    None
}

/// Whether the greedy placement of `words` from `i` puts word `trigger` at token `ti`.
fn covers_trigger(names: &[String], i: usize, words: &[String], ti: usize, trigger: usize) -> bool {
    let mut at = i;
    if trigger == 0 {
        return at == ti;
    }
    for (k, w) in words.iter().enumerate().skip(1) {
        match (at + 1..names.len()).find(|&j| names[j] == *w) {
            Some(j) => at = j,
            None => return false,
        }
        if k == trigger {
            return at == ti;
        }
    }
    false
}

fn finding(
    rules: &[Rule],
    text: &str,
    start: usize,
    end: usize,
    best: usize,
    others: &[usize],
) -> Finding {
    let rule = &rules[best];
    let matched = &text[start..end];
    // The writer's case and joining carry over to every proposed wording.
    let shape = |s: &str| join_like(matched, &phrase_case(matched, s));
    let (suggestion, own_alternatives) = paired_originals(rule, matched);
    let suggestion = match &suggestion {
        Some(s) => shape(s),
        None => matched.to_string(),
    };
    let mut alternatives: Vec<String> = Vec::new();
    let extra = own_alternatives
        .iter()
        .chain(others.iter().filter_map(|&o| rules[o].suggestion.as_ref()));
    for a in extra {
        let a = shape(a);
        if !a.eq_ignore_ascii_case(&suggestion)
            && !alternatives.iter().any(|x| x.eq_ignore_ascii_case(&a))
        {
            alternatives.push(a);
        }
    }
    Finding {
        start,
        end,
        text: matched.to_string(),
        suggestion,
        alternatives,
        confidence: rule.weight,
        rule: rule.id.clone(),
        message: rule.message.clone(),
    }
}

/// Words of a phrase as the matcher compares them: normalized, split at spaces and at hyphens
/// that join two words (`pre-trained` is two words, as the matcher reads it).
pub(super) fn key_words(s: &str) -> Vec<String> {
    pattern_key(s)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// The rule's original for the phrase as written, and its other originals. A rule may list a
/// phrase in several inflections (`chance jungle`, `chance jungles`); a written phrase that is
/// the plural of another of its phrases gets the plural of the original (`random forests`),
/// taken from the rule's originals when it lists it, else formed by the same suffix rules as
/// the channel's ([`crate::channel::inflect`]). An original that is the plural of the chosen
/// one is no alternative to it (it pairs with the plural phrase), so it is left out.
fn paired_originals(rule: &Rule, matched: &str) -> (Option<String>, Vec<String>) {
    let Some(first) = rule.suggestion.clone() else {
        return (None, rule.alternatives.clone());
    };
    let originals: Vec<String> = std::iter::once(first.clone())
        .chain(rule.alternatives.iter().cloned())
        .collect();
    let written = key_words(matched);
    let plural_of_listed = written.split_last().is_some_and(|(last, head)| {
        let lemmas = lemmas(last);
        rule.query.fire.iter().any(|p| match p {
            Phrase::Exact(p) => {
                let w = key_words(p);
                w.len() == written.len()
                    && w[..head.len()] == *head
                    && lemmas
                        .iter()
                        .any(|(l, infl)| *infl == Inflection::S && *l == w[head.len()])
            }
            Phrase::Near { .. } => false,
        })
    });
    let plural = |o: &str| -> Option<String> {
        let (head, last) = match o.rsplit_once(' ') {
            Some((h, l)) => (Some(h), l),
            None => (None, o),
        };
        // Keep the original's own capitals ("Markov models"); inflect lower-cased words only.
        if last.chars().any(char::is_uppercase) {
            return None;
        }
        let form = inflect(last, Inflection::S).into_iter().next()?;
        Some(match head {
            Some(h) => format!("{h} {form}"),
            None => form,
        })
    };
    // The first original's plural, as compared: an original that is it pairs with the plural.
    let first_plural = plural(&first);
    let first_plural_key = first_plural.as_deref().map(key_words);
    let is_plural_of_first = |o: &str| first_plural_key.as_ref() == Some(&key_words(o));
    if plural_of_listed {
        let listed = originals.iter().find(|o| is_plural_of_first(o)).cloned();
        let chosen = listed.or(first_plural).unwrap_or(first.clone());
        // The singular it was formed from pairs with the singular phrase: no alternative here.
        let (chosen_key, first_key) = (key_words(&chosen), key_words(&first));
        let rest = originals
            .into_iter()
            .filter(|o| {
                let k = key_words(o);
                k != chosen_key && k != first_key
            })
            .collect();
        (Some(chosen), rest)
    } else {
        let rest = originals
            .into_iter()
            .skip(1)
            .filter(|o| !is_plural_of_first(o))
            .collect();
        (Some(first), rest)
    }
}

/// Small words that a title leaves in lower case ("Web of Things").
const TITLE_SMALL_WORDS: [&str; 16] = [
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
    "with",
];

/// Words of written text split at whitespace and hyphens, as written.
fn written_words(s: &str) -> Vec<&str> {
    s.split(|c: char| c.is_whitespace() || HYPHENS.contains(&c))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect()
}

/// Whether a span is written in Title Case: at least two words, each capitalised or a small
/// word, the first capitalised.
fn is_title_case(s: &str) -> bool {
    let words = written_words(s);
    let capitalised = |w: &str| case_of(w) == Case::Title;
    words.len() >= 2
        && words.first().is_some_and(|w| capitalised(w))
        && words.iter().filter(|w| capitalised(w)).count() >= 2
        && words
            .iter()
            .all(|w| capitalised(w) || TITLE_SMALL_WORDS.contains(w))
}

/// Give `replacement` the case of the span it replaces: ALL CAPS → ALL CAPS, Title Case →
/// Title Case (small words stay lower case, words with capitals of their own are kept), a
/// first capital → a first capital, lower case → as written ([`match_case`]).
fn phrase_case(matched: &str, replacement: &str) -> String {
    if !is_title_case(matched) {
        return match_case(matched, replacement);
    }
    let mut out = String::with_capacity(replacement.len());
    let mut word_start = true;
    let mut first_word = true;
    for (i, c) in replacement.char_indices() {
        if word_start && c.is_alphabetic() {
            let word: &str = replacement[i..]
                .split(|d: char| d.is_whitespace() || HYPHENS.contains(&d))
                .next()
                .unwrap_or("");
            let keep = word.chars().any(char::is_uppercase)
                || (!first_word && TITLE_SMALL_WORDS.contains(&word));
            if keep {
                out.push(c);
            } else {
                out.extend(c.to_uppercase());
            }
            first_word = false;
        } else {
            out.push(c);
        }
        word_start = c.is_whitespace() || HYPHENS.contains(&c);
    }
    out
}

/// Join `replacement`'s words the way the writer joined the span's: a span whose words are all
/// joined by hyphens (`counterfeit-consciousness`, `pack-of-words`) is a compound, and so is its
/// original (`artificial-intelligence` model, `bag-of-words`). Otherwise, or when the
/// replacement has hyphens of its own (`signal-to-noise ratio`, `X-ray analysis`: their
/// placement is the rule's to say), it is kept as written: which word of a mixed span maps to
/// which of the replacement is not known.
fn join_like(matched: &str, replacement: &str) -> String {
    let words: Vec<&str> = replacement.split_whitespace().collect();
    if words.len() < 2 || replacement.contains(HYPHENS) {
        return replacement.to_string();
    }
    // The joiner of each gap between the span's words: a hyphen, or None for a space.
    let mut joiners: Vec<Option<char>> = Vec::new();
    let mut seen_word = false;
    let mut in_word = false;
    let mut joiner: Option<char> = None;
    for (i, c) in matched.char_indices() {
        if c.is_alphanumeric() || APOSTROPHES.contains(&c) {
            if !in_word && seen_word {
                joiners.push(joiner);
            }
            joiner = None;
            in_word = true;
            seen_word = true;
        } else {
            if joining_hyphen_at(matched, i).is_some() {
                joiner = Some(c);
            }
            in_word = false;
        }
    }
    match joiners.first() {
        Some(Some(h)) if joiners.iter().all(|j| j.is_some()) => words.join(&h.to_string()),
        _ => replacement.to_string(),
    }
}

/// The look-up key of a phrase: [`normalize`]d (lower case, ASCII apostrophes and hyphens),
/// with every hyphen that joins two words read as a space. Writers join the words of a term
/// either way ("counterfeit-consciousness model", "sickness free endurance"), so a phrase
/// matches in both spellings whichever one its rule was written with.
pub(super) fn pattern_key(p: &str) -> String {
    let n = normalize(p);
    if !n.contains('-') {
        return n.into_owned();
    }
    let mut out = String::with_capacity(n.len());
    for (i, c) in n.char_indices() {
        if c == '-' && joining_hyphen_at(&n, i).is_some() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The spellings of a context phrase for the (plain, ASCII case-insensitive) context search:
/// as written, with its words joined by spaces, and with its words joined by hyphens.
fn context_variants(p: &str) -> Vec<String> {
    let key = pattern_key(p);
    let mut out = variants(&normalize(p));
    out.extend(variants(&key));
    if key.contains(' ') {
        for h in HYPHENS {
            out.extend(variants(&key.replace(' ', &h.to_string())));
        }
    }
    out.sort();
    out.dedup();
    out
}

const APOSTROPHES: [char; 3] = ['\'', '’', 'ʼ'];
const HYPHENS: [char; 3] = ['-', '‐', '‑'];

/// The spellings of a key that the automaton must know: apostrophe and hyphen variants, and
/// case variants of non-ASCII letters (the automaton folds ASCII case only).
fn variants(key: &str) -> Vec<String> {
    let joiners = key.chars().filter(|&c| c == '\'' || c == '-').count();
    let mut out: Vec<String> = if joiners == 0 {
        vec![key.to_string()]
    } else if joiners <= 3 {
        let mut acc = vec![String::new()];
        for c in key.chars() {
            let choices: &[char] = match c {
                '\'' => &APOSTROPHES,
                '-' => &HYPHENS,
                _ => {
                    for s in &mut acc {
                        s.push(c);
                    }
                    continue;
                }
            };
            acc = acc
                .iter()
                .flat_map(|s| {
                    choices.iter().map(move |&ch| {
                        let mut t = s.clone();
                        t.push(ch);
                        t
                    })
                })
                .collect();
        }
        acc
    } else {
        (0..3)
            .map(|i| {
                key.chars()
                    .map(|c| match c {
                        '\'' => APOSTROPHES[i],
                        '-' => HYPHENS[i],
                        c => c,
                    })
                    .collect()
            })
            .collect()
    };
    if key.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        let cased: Vec<String> = out
            .iter()
            .flat_map(|v| [title_words(v), v.to_uppercase()])
            .collect();
        out.extend(cased);
        out.sort();
        out.dedup();
    }
    out
}

fn title_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c.is_whitespace();
    }
    out
}

/// An all-capitals word of at least three letters: rare in ordinary prose.
fn is_acronym(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 3 && w.chars().all(|c| !c.is_lowercase())
}

fn next_char(s: &str, i: usize) -> usize {
    s[i..].chars().next().map_or(s.len(), |c| i + c.len_utf8())
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A character after which tokenization starts afresh: whitespace, or punctuation that can
/// never continue a word or a number (so it is always a token of its own).
fn is_restart(c: char) -> bool {
    c.is_whitespace()
        || !(c.is_alphanumeric()
            || crate::token::is_invisible(c)
            || APOSTROPHES.contains(&c)
            || HYPHENS.contains(&c)
            || c == ','
            || c == '.')
}

/// The window around `pos` in which tokenization is exact: from just after a restart
/// character before `pos` to the first restart character at or after `pos`.
fn window(hay: &str, pos: usize) -> Option<(usize, usize)> {
    let lo_limit = floor_boundary(hay, pos.saturating_sub(BOUNDARY_WINDOW));
    let lo = match hay[lo_limit..pos]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_restart(c))
    {
        Some((i, c)) => lo_limit + i + c.len_utf8(),
        None if lo_limit == 0 => 0,
        None => return None,
    };
    let hi_limit = ceil_boundary(hay, (pos + BOUNDARY_WINDOW).min(hay.len()));
    let hi = match hay[pos..hi_limit]
        .char_indices()
        .find(|&(_, c)| is_restart(c))
    {
        Some((i, _)) => pos + i,
        None if hi_limit == hay.len() => hay.len(),
        None => return None,
    };
    Some((lo, hi))
}

/// Whether [`crate::token::tokenize`] would start a token at `pos` of `hay`, a text that
/// [`normalize_ws`] has read: words hyphenated across a line break are joined there, so
/// whitespace always ends a token.
pub(super) fn is_token_start(hay: &str, pos: usize, scratch: &mut Vec<Token>) -> bool {
    let b = hay.as_bytes();
    if pos == 0 || b[pos - 1].is_ascii_whitespace() {
        // After whitespace every non-space character starts a token.
        return !hay[pos..].starts_with(char::is_whitespace);
    }
    let Some((lo, hi)) = window(hay, pos) else {
        return false;
    };
    tokenize_into(&hay[lo..hi.max(next_char(hay, pos))], scratch);
    scratch.iter().any(|t| lo + t.start == pos)
}

/// Whether [`crate::token::tokenize`] would end a token at `pos`.
pub(super) fn is_token_end(hay: &str, pos: usize, scratch: &mut Vec<Token>) -> bool {
    let b = hay.as_bytes();
    if pos == b.len() || b[pos].is_ascii_whitespace() {
        return pos > 0 && !hay[..pos].ends_with(char::is_whitespace);
    }
    let last = hay[..pos].chars().next_back().map_or(0, char::len_utf8);
    let Some((lo, hi)) = window(hay, pos - last) else {
        return false;
    };
    let hi = if hi < pos {
        // The window stopped at the last character of the match (a restart character);
        // tokens around it are decided by what follows, so extend the window past it.
        match window(hay, pos) {
            Some((_, h)) => h,
            None => return false,
        }
    } else {
        hi
    };
    tokenize_into(&hay[lo..hi], scratch);
    scratch.iter().any(|t| lo + t.end == pos)
}

/// Offsets of the whitespace-normalised text mapped back to the original.
#[derive(Debug, Default)]
pub(super) struct OffsetMap {
    /// `(normalised, original)` positions where the difference between the two changes.
    breaks: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// Map a start offset (the first byte of a non-space character).
    fn orig_start(&self, p: usize) -> usize {
        let i = self.breaks.partition_point(|b| b.0 <= p);
        if i == 0 {
            p
        } else {
            let (n, o) = self.breaks[i - 1];
            o + (p - n)
        }
    }

    /// Map an end offset (just after a non-space character).
    fn orig_end(&self, p: usize) -> usize {
        let i = self.breaks.partition_point(|b| b.0 < p);
        if i == 0 {
            p
        } else {
            let (n, o) = self.breaks[i - 1];
            o + (p - n)
        }
    }
}

#[inline]
fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Whether `text` has a whitespace run other than one space where a phrase could continue
/// across it: after a character that does not end a sentence. Paragraphs that end with `.`
/// (as in most prose) need no copy. One pass: looking back from each whitespace character to the
/// start of its run made a run of n spaces cost n² (a request of 2 MB of spaces held a server
/// worker for minutes).
fn needs_ws_normalisation(text: &str) -> bool {
    let b = text.as_bytes();
    // Whether the last character that is not whitespace ends a sentence; `None` before the first.
    let mut after_sentence_end: Option<bool> = None;
    let mut after_space = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let (is_ws, ends_sentence, len) = if c < 0x80 {
            (is_ascii_ws(c), matches!(c, b'.' | b'!' | b'?'), 1)
        } else {
            let ch = text[i..].chars().next().expect("char boundary");
            if crate::token::ligature(ch).is_some() || crate::token::is_invisible(ch) {
                return true;
            }
            (ch.is_whitespace(), false, ch.len_utf8())
        };
        if is_ws {
            // Anything but a lone space: another space after one, a line break, a tab, NBSP...
            let not_one_space = c != b' ' || after_space;
            if not_one_space && after_sentence_end == Some(false) {
                return true;
            }
            after_space = c == b' ';
        } else {
            after_sentence_end = Some(ends_sentence);
            after_space = false;
        }
        i += len;
    }
    false
}

/// Collapse whitespace runs to one space (to `\n\n` when the run holds a blank line: a single
/// `\n` after a hyphen would join two paragraphs' words into one token), so phrases match
/// across line wraps and double spaces but not across paragraphs.
pub(super) fn normalize_ws(text: &str) -> (Cow<'_, str>, OffsetMap) {
    if !needs_ws_normalisation(text) {
        return (Cow::Borrowed(text), OffsetMap::default());
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut map = OffsetMap::default();
    let mut copied = 0; // start of the not yet copied original bytes
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        // A word hyphenated across a line break (PDF text) reads as the whole word, a ligature
        // as its letters and a zero-width character as nothing, as `token::normalize` reads them. A break maps the rest of
        // each back; a `k`-letter ligature of `n` bytes maps its last letter's end to its own.
        if c == b'-' || c >= 0xC2 {
            let ch = text[i..].chars().next().expect("char boundary");
            let skip = crate::token::is_hyphen(ch)
                .then(|| crate::token::line_break_continuation(&text[i + ch.len_utf8()..]))
                .flatten();
            if let Some(skip) = skip {
                let resume = i + ch.len_utf8() + skip;
                // A compound's own hyphen stays, only the break goes (`token::normalize`).
                let upto = if crate::token::keeps_hyphen_at_break(text, i, resume) {
                    i + ch.len_utf8()
                } else {
                    i
                };
                out.push_str(&text[copied..upto]);
                map.breaks.push((out.len(), resume));
                copied = resume;
                i = resume;
                continue;
            }
            // Zero-width characters are dropped, as `token::normalize` drops them.
            if crate::token::is_invisible(ch) {
                out.push_str(&text[copied..i]);
                let resume = i + ch.len_utf8();
                map.breaks.push((out.len(), resume));
                copied = resume;
                i = resume;
                continue;
            }
            if let Some(letters) = crate::token::ligature(ch) {
                out.push_str(&text[copied..i]);
                out.push_str(letters);
                let end = i + ch.len_utf8();
                map.breaks.push((out.len() - 1, end - 1));
                copied = end;
                i = end;
                continue;
            }
        }
        let (is_ws, len) = if c < 0x80 {
            (is_ascii_ws(c), 1)
        } else if matches!(c, 0xC2 | 0xE1 | 0xE2 | 0xE3) {
            let ch = text[i..].chars().next().expect("char boundary");
            (ch.is_whitespace(), ch.len_utf8())
        } else {
            (false, 1)
        };
        if !is_ws {
            i += len;
            continue;
        }
        // A whitespace run starts at i.
        let run_start = i;
        let mut newlines = 0;
        let mut j = i;
        while j < b.len() {
            let d = b[j];
            if d < 0x80 {
                if !is_ascii_ws(d) {
                    break;
                }
                newlines += (d == b'\n') as usize;
                j += 1;
            } else if matches!(d, 0xC2 | 0xE1 | 0xE2 | 0xE3) {
                let ch = text[j..].chars().next().expect("char boundary");
                if !ch.is_whitespace() {
                    break;
                }
                newlines += matches!(ch, '\u{2028}' | '\u{2029}' | '\u{85}') as usize;
                j += ch.len_utf8();
            } else {
                break;
            }
        }
        if j - run_start == 1 && b[run_start] == b' ' {
            i = j;
            continue;
        }
        out.push_str(&text[copied..run_start]);
        out.push_str(if newlines >= 2 { "\n\n" } else { " " });
        map.breaks.push((out.len(), j));
        copied = j;
        i = j;
    }
    out.push_str(&text[copied..]);
    (Cow::Owned(out), map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    /// The local boundary checks agree with the full tokenizer everywhere.
    #[test]
    fn boundaries_agree_with_tokenize() {
        let samples = [
            "Kyiv’s counter-offensive, don't it’ll Russians’ arms (3.5%) 1,700x GB16 16GB",
            "a-b-c 'sup “quoted” e.g. U.S. naïve–Bayes soft\u{AD}hyphen word-",
            "x's 's -a a- ‐b‑c ʼd",
            "con-\nsciousness a-\n\nb c-\nD e- \n f ﬁg",
        ];
        let mut rng = 0x2545F4914F6CDD1Du64;
        let alphabet: Vec<char> = "ab1 ,.'’-‐()é\u{AD}\n".chars().collect();
        let mut texts: Vec<String> = samples.iter().map(|s| s.to_string()).collect();
        for _ in 0..300 {
            let mut s = String::new();
            for _ in 0..24 {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                s.push(alphabet[(rng % alphabet.len() as u64) as usize]);
            }
            texts.push(s);
        }
        let mut scratch = Vec::new();
        for t in &texts {
            // The matcher asks only of text that `normalize_ws` has read.
            let t: &str = &normalize_ws(t).0;
            let toks = tokenize(t);
            for (i, _) in t.char_indices().chain([(t.len(), ' ')]) {
                let start = toks.iter().any(|k| k.start == i);
                let end = toks.iter().any(|k| k.end == i);
                if i < t.len() {
                    assert_eq!(
                        is_token_start(t, i, &mut scratch),
                        start,
                        "start {i} in {t:?}"
                    );
                }
                if i > 0 {
                    assert_eq!(is_token_end(t, i, &mut scratch), end, "end {i} in {t:?}");
                }
            }
        }
    }

    #[test]
    fn whitespace_normalisation_maps_back() {
        let t = "a  big\n data\n\nend\u{a0}\u{a0}x";
        let (n, map) = normalize_ws(t);
        assert_eq!(n, "a big data\n\nend x");
        let s = n.find("big data").unwrap();
        let (os, oe) = (map.orig_start(s), map.orig_end(s + "big data".len()));
        assert_eq!(&t[os..oe], "big\n data");
        let x = n.find('x').unwrap();
        assert_eq!(&t[map.orig_start(x)..map.orig_end(x + 1)], "x");
        assert!(matches!(normalize_ws("plain text"), (Cow::Borrowed(_), _)));
        // PDF text: a hyphen at a line break and a ligature read as the word's letters; each
        // maps back to the original's bytes.
        let t = "con-\n  sciousness of a classi\u{FB01}er, hy-\n\nphen";
        let (n, map) = normalize_ws(t);
        assert_eq!(n, "consciousness of a classifier, hy-\n\nphen");
        let word = |w: &str| {
            let s = n.find(w).unwrap();
            &t[map.orig_start(s)..map.orig_end(s + w.len())]
        };
        assert_eq!(word("consciousness"), "con-\n  sciousness");
        assert_eq!(word("classifier"), "classi\u{FB01}er");
        assert_eq!(word("fi"), "\u{FB01}");
        assert_eq!(word("phen"), "phen");
    }

    /// A run of whitespace other than one space needs the copy only where a phrase could go on
    /// across it: not at the start, not after a sentence end.
    #[test]
    fn whitespace_runs_need_normalising_only_mid_phrase() {
        for (text, needs) in [
            ("plain text. Next one.", false),
            ("End.\n\nNext paragraph.", false),
            ("End!   Next.", false),
            ("   leading spaces", false),
            ("a  b", true),
            ("a\nb", true),
            ("a\tb", true),
            ("a\u{a0}b", true),
            ("a \u{2028}b", true),
            ("End.\u{3000}Next", false),
            ("naïve\u{a0}\u{a0}bayes", true),
            ("à\nb", true),
        ] {
            assert_eq!(needs_ws_normalisation(text), needs, "{text:?}");
        }
        // A long run is answered at its first character, whatever its length.
        let long = format!("End{}y", " ".repeat(1 << 20));
        assert!(needs_ws_normalisation(&long));
        let after_end = format!("End.{}y", " ".repeat(1 << 20));
        assert!(!needs_ws_normalisation(&after_end));
    }

    #[test]
    fn pattern_variants() {
        let v = variants("pre-prepared");
        assert!(v.contains(&"pre‐prepared".to_string()));
        assert_eq!(v.len(), 3);
        let v = variants("naïve bayes");
        assert!(v.contains(&"Naïve Bayes".to_string()));
        assert!(v.contains(&"NAÏVE BAYES".to_string()));
    }

    #[test]
    fn near_matching() {
        let toks: Vec<String> = "the disappearing of gradient problem here"
            .split(' ')
            .map(String::from)
            .collect();
        let words: Vec<String> = ["disappearing", "gradient", "problem"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(near_in_tokens(&toks, &words, 1));
        assert!(!near_in_tokens(&toks, &words, 0));
    }
}
