//! Fingerprints that survive spinning.
//!
//! A synonym spinner keeps names, numbers and function words and swaps content words for thesaurus
//! entries. So a document is reduced to a sequence of *items* in which exactly the parts a spinner
//! keeps carry their identity:
//! - a **function word** (`the`, `of`, `which`) is itself;
//! - a **number** is itself;
//! - a **skeleton** word (a capitalised word inside a sentence that the thesaurus cannot replace:
//!   `Kharkiv`, `Oryx`, `September`) is itself;
//! - a **content word** the thesaurus can replace is its *class*: by default one wildcard class
//!   (see [`Canon`] for why and for the thesaurus-class alternatives that were measured);
//! - a word the thesaurus does not know (`tanks`, `counter-offensive`) is itself: a thesaurus
//!   spinner has nothing to put in its place.
//!
//! Two feature families are hashed from the items (64-bit xxh3):
//! - **canonical shingles**: every run of [`Params::shingle`] consecutive items;
//! - **skeleton pairs**: unordered pairs of skeleton items (names, numbers) inside one sentence, which
//!   also survive a paraphrase that reorders the sentence;
//! - **literal shingles**, where a canonical shingle would be all function words and wildcards
//!   (plain prose with no name, number or unknown word in sight): the same run of words as
//!   written. Without them a document of ordinary words has no fingerprint at all, and even its
//!   verbatim copy cannot be traced; a spinner breaks some of them, the copy keeps the rest.
//!
//! Only features whose hash is 0 modulo [`Params::sample_mod`] are kept ("mod-p sampling", the
//! containment-preserving relative of MinHash: a query that is a part of a document keeps the same
//! share of its features as the document does, where a MinHash signature would estimate Jaccard
//! similarity and penalise the size difference).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::lexicon::Lexicon;
use crate::token::{normalize, sentences, tokenize, TokenKind};

/// How content words are mapped to a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Canon {
    /// Every replaceable content word is the same class. A spinner's substitution never breaks
    /// a shingle unless it changes the number of words.
    Wildcard,
    /// The class of a word is the smallest hash over the word and the thesaurus heads that list
    /// it (`originals`). Measured worse than `Wildcard` (see docs/evaluation.md): Moby entries are
    /// large and not transitive, so a word and its spun replacement often get different classes.
    Heads,
}

/// Fingerprint parameters; stored in the index manifest so that queries use the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Items per canonical shingle.
    pub shingle: usize,
    /// Keep a canonical shingle when its hash is 0 modulo this.
    pub sample_mod: u64,
    /// Keep a skeleton pair when its hash is 0 modulo this.
    pub skeleton_mod: u64,
    /// Keep a literal shingle when its hash is 0 modulo this; 0 for none (indexes built before
    /// literal shingles have none, and their queries must not look for any).
    #[serde(default)]
    pub literal_mod: u64,
    pub canon: Canon,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            shingle: 5,
            sample_mod: 8,
            skeleton_mod: 4,
            literal_mod: 8,
            canon: Canon::Wildcard,
        }
    }
}

/// What kind of feature a hash came from (kept in the top bits is not needed: families are hashed
/// with different seeds, so they never collide by construction of the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Shingle,
    Skeleton,
    Literal,
}

/// English function words: kept as themselves because spinners leave them alone (mostly).
pub const FUNCTION_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "also",
    "may",
    "might",
    "must",
    "shall",
    "upon",
    "among",
    "within",
    "without",
    "since",
    "though",
    "although",
    "whether",
    "yet",
    "'s",
    "'s",
    "n't",
];

pub fn is_function_word(w: &str) -> bool {
    use std::sync::OnceLock;
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| FUNCTION_WORDS.iter().copied().collect())
        .contains(w)
}

/// A capitalised word whose lower-case form has at most this many thesaurus synonyms is a name
/// (`russian`: 3, `september`: 2, `kremlin`: 0), not a content word (`general`: 270).
const SKELETON_MAX_SYNONYMS: usize = 3;

/// One element of the canonical sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Function,
    Number,
    Skeleton,
    /// A content word the thesaurus can replace.
    Content,
    /// A word the thesaurus does not know.
    Unknown,
}

#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub kind: ItemKind,
    /// Hash of the canonical form.
    pub key: u64,
    /// Hash of the word as written (normalized); the same as `key` but for content words.
    pub literal: u64,
    /// Sentence number.
    pub sentence: u32,
}

#[inline]
pub fn hash_str(s: &str) -> u64 {
    twox_hash::XxHash3_64::oneshot(s.as_bytes())
}

#[inline]
fn mix(seed: u64, a: u64) -> u64 {
    // xxh3's avalanche on 16 bytes: cheap and well distributed.
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&seed.to_le_bytes());
    b[8..].copy_from_slice(&a.to_le_bytes());
    twox_hash::XxHash3_64::oneshot(&b)
}

const WILDCARD: u64 = 0x9e37_79b9_7f4a_7c15;

/// Reduce a text to its canonical item sequence.
pub fn items(text: &str, canon: Canon) -> Vec<Item> {
    let mut out = Vec::with_capacity(text.len() / 5);
    walk(text, canon, |item, _| out.push(item));
    out
}

/// The canonical fields of a text, as plain text: `canonical` is the item sequence (content
/// words as their class: `~` for the wildcard class, `~` + hex key for a thesaurus class) and
/// `skeleton` the names and numbers in order. These are what an external engine indexes.
pub fn canonical_fields(text: &str, canon: Canon) -> (String, String) {
    let mut canonical = String::new();
    let mut skeleton = String::new();
    walk(text, canon, |item, form| {
        let push = |s: &mut String, w: &str| {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(w);
        };
        match item.kind {
            ItemKind::Content if item.key == WILDCARD => push(&mut canonical, "~"),
            ItemKind::Content => push(&mut canonical, &format!("~{:x}", item.key)),
            ItemKind::Skeleton | ItemKind::Number => {
                push(&mut canonical, form);
                push(&mut skeleton, form);
            }
            _ => push(&mut canonical, form),
        }
    });
    (canonical, skeleton)
}

fn walk(text: &str, canon: Canon, mut emit: impl FnMut(Item, &str)) {
    let lex = Lexicon::embedded();
    let tokens = tokenize(text);
    for (s, range) in sentences(text, &tokens).into_iter().enumerate() {
        let mut first_word = true;
        for t in &tokens[range] {
            let raw = t.text(text);
            let form: std::borrow::Cow<str>;
            let (kind, key, literal) = match t.kind {
                TokenKind::Punct => continue,
                TokenKind::Number => {
                    // "1,700" and "1700" are the same number.
                    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
                    let k = hash_str(&digits);
                    form = digits.into();
                    (ItemKind::Number, k, k)
                }
                TokenKind::Word => {
                    let norm = normalize(raw);
                    let capitalised = raw.chars().next().is_some_and(|c| c.is_uppercase());
                    let (kind, key) = if is_function_word(&norm) {
                        (ItemKind::Function, hash_str(&norm))
                    } else {
                        match lex.id(&norm).or_else(|| inflected_base(lex, &norm)) {
                            None => {
                                let kind = if capitalised && !first_word {
                                    ItemKind::Skeleton
                                } else {
                                    ItemKind::Unknown
                                };
                                (kind, hash_str(&norm))
                            }
                            Some(id) => {
                                if capitalised
                                    && !first_word
                                    && lex.synonym_count(id) <= SKELETON_MAX_SYNONYMS
                                {
                                    (ItemKind::Skeleton, hash_str(&norm))
                                } else if lex.synonym_count(id) == 0 && lex.original_count(id) == 0
                                {
                                    (ItemKind::Unknown, hash_str(&norm))
                                } else {
                                    (ItemKind::Content, class_key(lex, id, canon))
                                }
                            }
                        }
                    };
                    // Only a content word's key is not the word itself.
                    let literal = if kind == ItemKind::Content {
                        hash_str(&norm)
                    } else {
                        key
                    };
                    form = norm;
                    (kind, key, literal)
                }
            };
            first_word = false;
            emit(
                Item {
                    kind,
                    key,
                    literal,
                    sentence: s as u32,
                },
                &form,
            );
        }
    }
}

/// The thesaurus entry of an inflected word (`tanks` → `tank`, `sought` → `seek`): spinners
/// replace inflected words too, carrying the inflection over (`forces` → `pressures`).
fn inflected_base(lex: &Lexicon, word: &str) -> Option<crate::lexicon::TermId> {
    if word.len() < 4 {
        return None;
    }
    crate::synth::analyses(word)
        .into_iter()
        .filter(|(base, _)| base != word)
        .find_map(|(base, _)| lex.id(&base).filter(|&id| lex.synonym_count(id) > 0))
}

fn class_key(lex: &Lexicon, id: crate::lexicon::TermId, canon: Canon) -> u64 {
    match canon {
        Canon::Wildcard => WILDCARD,
        Canon::Heads => {
            let own = hash_str(lex.term(id));
            lex.originals(id)
                .map(|e| hash_str(lex.term(e.term)))
                .fold(own, u64::min)
        }
    }
}

const SHINGLE_SEED: u64 = 0x5348_494e_474c_4531;
const SKELETON_SEED: u64 = 0x534b_454c_4554_4f4e;
const LITERAL_SEED: u64 = 0x4c49_5445_5241_4c31;

/// The sampled features of a text, deduplicated, with their family.
pub fn features(text: &str, params: &Params) -> Vec<(u64, Family)> {
    let items = items(text, params.canon);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let n = params.shingle.max(1);
    if items.len() >= n {
        for w in items.windows(n) {
            // A shingle of wildcards and function words only says nothing about the document;
            // the words as written do, when some of them are content words.
            if !w
                .iter()
                .any(|i| !matches!(i.kind, ItemKind::Function | ItemKind::Content))
            {
                if params.literal_mod > 0 && w.iter().any(|i| i.kind == ItemKind::Content) {
                    let h = w.iter().fold(LITERAL_SEED, |acc, i| mix(acc, i.literal));
                    if h.is_multiple_of(params.literal_mod) && seen.insert(h) {
                        out.push((h, Family::Literal));
                    }
                }
                continue;
            }
            let h = w.iter().fold(SHINGLE_SEED, |acc, i| mix(acc, i.key));
            if h.is_multiple_of(params.sample_mod.max(1)) && seen.insert(h) {
                out.push((h, Family::Shingle));
            }
        }
    } else if !items.is_empty() {
        let h = items.iter().fold(SHINGLE_SEED, |acc, i| mix(acc, i.key));
        if h.is_multiple_of(params.sample_mod.max(1)) && seen.insert(h) {
            out.push((h, Family::Shingle));
        }
    }
    // Skeleton pairs inside a sentence (each item with its next few skeleton neighbours).
    const PAIR_SPAN: usize = 6;
    let skel: Vec<&Item> = items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Skeleton | ItemKind::Number))
        .collect();
    for (a, x) in skel.iter().enumerate() {
        for y in skel[a + 1..].iter().take(PAIR_SPAN) {
            if y.sentence != x.sentence {
                break;
            }
            if x.key == y.key {
                continue;
            }
            let (lo, hi) = if x.key < y.key {
                (x.key, y.key)
            } else {
                (y.key, x.key)
            };
            let h = mix(mix(SKELETON_SEED, lo), hi);
            if h.is_multiple_of(params.skeleton_mod.max(1)) && seen.insert(h) {
                out.push((h, Family::Skeleton));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spun_copy_shares_features() {
        let p = Params {
            sample_mod: 1,
            skeleton_mod: 1,
            ..Params::default()
        };
        let orig = "President Biden warned Russian President Vladimir Putin not to use chemical weapons in the war against Ukraine in 2022.";
        let spun = "President Biden cautioned Russian President Vladimir Putin not to utilize chemical tools in the battle against Ukraine in 2022.";
        let a: HashSet<u64> = features(orig, &p).into_iter().map(|f| f.0).collect();
        let b: HashSet<u64> = features(spun, &p).into_iter().map(|f| f.0).collect();
        let shared = a.intersection(&b).count();
        assert!(shared * 2 >= a.len(), "{shared} of {}", a.len());
        let other = "The river flows north through the valley towards the sea in spring.";
        let c: HashSet<u64> = features(other, &p).into_iter().map(|f| f.0).collect();
        assert_eq!(a.intersection(&c).count(), 0);
    }
}
