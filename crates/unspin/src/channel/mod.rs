//! The channel P(S | O): candidate originals for spun words and phrases.
//!
//! A spinner meets a term of the original and writes one of its thesaurus entries. Going back,
//! the candidates for a written term are the heads whose entries list it
//! ([`Lexicon::originals`]), found three ways:
//! - exactly (`head of state` → `president`);
//! - through its lemma, re-inflected (`pressures` → `pressure` → `force` → `forces`);
//! - from a table of [`PATTERNS`]: insertions spinners make everywhere ("has actually",
//!   "as well as", "any type of"). These are general knowledge about spinners, not copies of an
//!   evaluation text. The decoder still needs the language model and the document's evidence to
//!   prefer the pattern's original, and since one such phrase reads to the model like padding
//!   whoever wrote it, the engine keeps a pattern finding only beside another or in a document
//!   already judged spun (`engine::drop_lone_patterns`).
//!
//! The channel proposes; it does not judge. How plausible an edge is (Moby's loose associates
//! versus WordNet synonyms, the number of heads listing a term) becomes features of the
//! decoder's scorer.

pub mod inflect;

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::sync::{Arc, OnceLock};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::lexicon::Lexicon;
pub use inflect::Inflection;

/// Where a candidate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// Only Moby lists it (often a loose associate).
    Moby,
    /// Only WordNet lists it (a synonym or a generic term).
    WordNet,
    /// Both thesauri list it: the strongest thesaurus evidence.
    Both,
    /// A spinner pattern of [`PATTERNS`].
    Pattern,
}

/// A candidate original for a written window.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Normalized words joined by one space (shared: a candidate is copied into every window
    /// that proposes it).
    pub original: Arc<str>,
    pub edge: EdgeKind,
    /// Found through the lemma of the written term and re-inflected.
    pub inflected: bool,
    /// How many heads list the written term (its lemma for inflected candidates): a term that
    /// dozens of entries list says little about which one it replaced.
    pub fan_in: u32,
}

/// A spinner's rewrite of a plain word or phrase, `written` → `original`, normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    pub written: &'static str,
    pub original: &'static str,
    /// For a habit, what it adds ("actually" in "has actually" and "had actually" alike, "type
    /// of" in "any type of" and "any kind of"): a habit is evidence of a spinner by itself, and
    /// habits with the same padding are one habit (`engine::drop_lone_patterns` asks for two).
    /// `None` for an ordinary pattern, English that careful writers use too ("the very same
    /// day", "a political election"): restored where a spinner's habits stand, never counted as
    /// one.
    pub padding: Option<&'static str>,
}

const fn habit(written: &'static str, original: &'static str, padding: &'static str) -> Pattern {
    Pattern {
        written,
        original,
        padding: Some(padding),
    }
}

const fn ordinary(written: &'static str, original: &'static str) -> Pattern {
    Pattern {
        written,
        original,
        padding: None,
    }
}

/// Insertion and rewrite patterns of common spinners: an auxiliary padded with an emphatic
/// adverb, a conjunction or determiner inflated into a phrase, and the phrases the common synonym
/// spinners of content farms put for a plain word ("election" → "political election", "window"
/// → "home window"), all from general knowledge of such spinners' output, none a copy of an
/// evaluation text. A habit is a padding no careful writer uses twice over ("has actually", "any
/// type of"); everything else is ordinary. The phrases for a plain word were kept only where clean
/// English rarely writes them: under about one in a million words of enwiki2018 and of the Brown
/// corpus, against tens or hundreds for the original (`eval/pattern_rates.py`,
/// docs/evaluation.md, twenty-second session). The new emphases ("would certainly", "the very
/// same") are commoner (Brown's fiction writes "would certainly" ten times in a million words),
/// so they are ordinary.
#[rustfmt::skip]
pub const PATTERNS: &[Pattern] = &[
    habit("as well as", "and", "as well as"),
    habit("has actually", "has", "actually"),
    habit("have actually", "have", "actually"),
    habit("had actually", "had", "actually"),
    habit("will certainly", "will", "certainly"),
    habit("any type of", "any", "type of"),
    habit("any kind of", "any", "type of"),
    habit("looked for to", "sought to", "looked for"),
    habit("mosting likely to", "going to", "mosting likely"),
    habit("each various other", "each other", "various"),
    // Ordinary English in other constructions: "what to look for to spot trouble", "the
    // documents you require to file", "cars and truck engines".
    ordinary("looks for to", "seeks to"),
    ordinary("look for to", "seek to"),
    ordinary("require to", "need to"),
    ordinary("cars and truck", "car"),
    // Emphasis.
    ordinary("would certainly", "would"),
    ordinary("the very same", "the same"),
    ordinary("the exact same", "the same"),
    ordinary("the very best", "the best"),
    ordinary("very own", "own"),
    ordinary("every little thing", "everything"),
    ordinary("never ever", "never"),
    ordinary("right here", "here"),
    // A plain word written as a phrase.
    ordinary("healthy and balanced", "healthy"),
    ordinary("political election", "election"),
    ordinary("political elections", "elections"),
    ordinary("research study", "study"),
    ordinary("research studies", "studies"),
    ordinary("computer system", "computer"),
    ordinary("software application", "software"),
    ordinary("short article", "article"),
    ordinary("short articles", "articles"),
    ordinary("take a trip", "travel"),
    ordinary("pet dog", "dog"),
    ordinary("pet dogs", "dogs"),
    ordinary("dining establishment", "restaurant"),
    ordinary("dining establishments", "restaurants"),
    ordinary("flight terminal", "airport"),
    ordinary("cooking area", "kitchen"),
    ordinary("economic climate", "economy"),
    ordinary("financial investment", "investment"),
    ordinary("financial investments", "investments"),
    ordinary("home window", "window"),
    ordinary("home windows", "windows"),
    ordinary("medical professional", "doctor"),
    ordinary("press reporter", "reporter"),
    ordinary("press reporters", "reporters"),
    ordinary("internet site", "website"),
    ordinary("internet sites", "websites"),
    ordinary("web link", "link"),
    ordinary("criminal offense", "crime"),
    ordinary("criminal offenses", "crimes"),
    ordinary("skin treatment", "skin care"),
    ordinary("online search engine", "search engine"),
    ordinary("online search engines", "search engines"),
    ordinary("environment modification", "climate change"),
    ordinary("international warming", "global warming"),
    ordinary("nonrenewable fuel source", "fossil fuel"),
    ordinary("nonrenewable fuel sources", "fossil fuels"),
    ordinary("download and install", "download"),
    ordinary("blog site", "blog"),
    ordinary("blog sites", "blogs"),
    ordinary("software program", "software"),
    ordinary("web internet browser", "web browser"),
    // Health.
    ordinary("health and wellness", "health"),
    ordinary("psychological health", "mental health"),
    ordinary("mental wellness", "mental health"),
    ordinary("diet plan", "diet"),
    ordinary("muscular tissue", "muscle"),
    ordinary("muscular tissues", "muscles"),
    ordinary("body immune system", "immune system"),
    ordinary("skin doctor", "dermatologist"),
    ordinary("dental practitioner", "dentist"),
    ordinary("anxiousness", "anxiety"),
    ordinary("clinical depression", "depression"),
    ordinary("joint inflammation", "arthritis"),
    ordinary("diabetic issues", "diabetes"),
    // Money, travel, life.
    ordinary("tax obligation", "tax"),
    ordinary("tax obligations", "taxes"),
    ordinary("financial obligation", "debt"),
    ordinary("home mortgage", "mortgage"),
    ordinary("insurance coverage", "insurance"),
    ordinary("retired life", "retirement"),
    ordinary("taking a trip", "traveling"),
    ordinary("took a trip", "traveled"),
    ordinary("airline company", "airline"),
    ordinary("airline companies", "airlines"),
    ordinary("carbon exhausts", "carbon emissions"),
    ordinary("wedding event", "wedding"),
    ordinary("birthday celebration", "birthday"),
];

/// The pattern `written` → `original` (compared normalized, whitespace collapsed, so "Has
/// actually" → "Has" is one), if it is one of [`PATTERNS`].
pub fn pattern(written: &str, original: &str) -> Option<&'static Pattern> {
    let original = normalize_phrase(original);
    patterns_written(&normalize_phrase(written))
        .iter()
        .copied()
        .find(|p| p.original == original)
}

/// Whether `written` (normalized: lower case, straight apostrophes) is the written side of one of
/// [`PATTERNS`].
pub fn is_pattern_written(written: &str) -> bool {
    !patterns_written(written).is_empty()
}

/// Whether `written` → `original` is one of [`PATTERNS`].
pub fn is_pattern(written: &str, original: &str) -> bool {
    pattern(written, original).is_some()
}

/// Normalized words joined by one space, as the pattern tables are written.
fn normalize_phrase(s: &str) -> String {
    crate::token::normalize(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words a spinner leaves alone when they stand by themselves; windows made only of them are not
/// looked up (they appear in multi-word patterns, which are looked up whole).
pub const FUNCTION_WORDS: &[&str] = &[
    "'s", "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be",
    "been", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have",
    "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "it's", "its", "may", "might",
    "more", "most", "no", "not", "of", "on", "one", "or", "our", "out", "over", "s", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "up", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "will", "with", "would", "you", "your",
];

/// Bytes in the longest of [`FUNCTION_WORDS`] ("should").
const LONGEST_FUNCTION_WORD: usize = 6;

/// Is `w` (normalized) a function word?
pub fn is_function_word(w: &str) -> bool {
    // Called for every candidate of every window: most are longer than any function word.
    w.len() <= LONGEST_FUNCTION_WORD && FUNCTION_WORDS.binary_search(&w).is_ok()
}

/// A function word that is no original for a written content word: every one but "also", the
/// one spinners replace by content words ("additionally").
pub fn is_function_word_original(original: &str) -> bool {
    original != "also" && is_function_word(original)
}

/// Candidate originals from the thesaurus and the pattern table.
pub struct Channel {
    lex: &'static Lexicon,
}

impl Default for Channel {
    fn default() -> Self {
        Channel::new(Lexicon::embedded())
    }
}

fn edge_kind(moby: bool, wordnet: bool) -> EdgeKind {
    match (moby, wordnet) {
        (true, true) => EdgeKind::Both,
        (false, true) => EdgeKind::WordNet,
        _ => EdgeKind::Moby,
    }
}

impl Channel {
    pub fn new(lex: &'static Lexicon) -> Self {
        Channel { lex }
    }

    pub fn lexicon(&self) -> &'static Lexicon {
        self.lex
    }

    /// Does the thesaurus know this normalized term (as written or through a lemma)?
    pub fn knows(&self, term: &str) -> bool {
        self.lex.id(term).is_some()
            || inflect::lemmas(term)
                .iter()
                .any(|(l, _)| self.lex.id(l).is_some())
    }

    /// False when [`Channel::candidates`] is sure to find nothing for a window of several words:
    /// no pattern and no multi-word term has its words but the last (the lemma lookup changes
    /// only the last word).
    pub fn may_have_candidates(&self, words: &[&str]) -> bool {
        match words {
            [] => false,
            [_] => true,
            [head @ .., _] => {
                let head = match head {
                    [word] => Cow::Borrowed(*word),
                    words => Cow::Owned(words.join(" ")),
                };
                self.lex.heads_a_phrase(&head) || pattern_heads().contains(head.as_ref())
            }
        }
    }

    /// Candidate originals for the written window `words` (normalized), deduplicated, the
    /// written form itself excluded. Inflected forms are over-generated: the caller keeps those
    /// its language model knows.
    pub fn candidates(&self, words: &[&str]) -> Vec<Candidate> {
        self.draft_candidates(words)
            .into_iter()
            .map(DraftCandidate::into_candidate)
            .collect()
    }

    /// [`Channel::candidates`] before their originals are made shareable: the thesaurus's own
    /// strings are borrowed, so a caller that keeps a dozen of a common word's hundreds of
    /// candidates allocates a dozen strings.
    pub fn draft_candidates(&self, words: &[&str]) -> Vec<DraftCandidate> {
        let mut out = Vec::new();
        if words.is_empty() {
            return out;
        }
        let written = words.join(" ");
        self.all_candidates(words, &written, &mut out);
        dedupe(out)
    }

    /// The written word's own thesaurus entry (the other direction from [`Channel::candidates`]),
    /// inflected like the written word: Moby lists "weapon" under "tool" but not "tool" under
    /// "weapon". Loose for a single window; sound where a whole document's evidence decides.
    pub fn entry_candidates(&self, word: &str) -> Vec<DraftCandidate> {
        let mut out = Vec::new();
        let mut push =
            |term: &'static str, e: &crate::lexicon::Edge, infl: Option<inflect::Inflection>| {
                let forms = match infl {
                    None => vec![term.to_string()],
                    Some(i) => inflect::inflect(term, i),
                };
                for form in forms {
                    if form != word {
                        out.push(DraftCandidate {
                            original: Cow::Owned(form),
                            edge: edge_kind(e.sources.moby, e.sources.wordnet),
                            inflected: infl.is_some(),
                            fan_in: 1,
                        });
                    }
                }
            };
        if let Some(id) = self.lex.id(word) {
            for e in self.lex.synonyms(id) {
                push(self.lex.term(e.term), &e, None);
            }
        }
        for (lemma, infl) in inflect::lemmas(word) {
            if let Some(id) = self.lex.id(&lemma) {
                for e in self.lex.synonyms(id) {
                    push(self.lex.term(e.term), &e, Some(infl));
                }
            }
        }
        dedupe(out)
    }

    /// Every candidate of [`Channel::candidates`] into `out`, duplicates included.
    fn all_candidates(&self, words: &[&str], written: &str, out: &mut Vec<DraftCandidate>) {
        let mut push = |c: DraftCandidate| {
            if c.original != written {
                out.push(c);
            }
        };
        for p in patterns_written(written) {
            push(DraftCandidate {
                original: Cow::Borrowed(p.original),
                edge: EdgeKind::Pattern,
                inflected: false,
                fan_in: 1,
            });
        }
        if words.len() == 1 && is_function_word(words[0]) {
            return;
        }
        if words.iter().all(|w| is_function_word(w)) {
            return;
        }
        if let Some(id) = self.lex.id(written) {
            let fan_in = self.lex.original_count(id) as u32;
            for e in self.lex.originals(id) {
                if part_of(self.lex.term(e.term), words) {
                    continue;
                }
                push(DraftCandidate {
                    original: Cow::Borrowed(self.lex.term(e.term)),
                    edge: edge_kind(e.sources.moby, e.sources.wordnet),
                    inflected: false,
                    fan_in,
                });
            }
        }
        // Inflection is carried on single words and on the last word of a phrase.
        let (prefix, last) = match written.rsplit_once(' ') {
            Some((p, l)) => (Some(p), l),
            None => (None, written),
        };
        for (lemma, infl) in inflect::lemmas(last) {
            let lemma_term = match prefix {
                Some(p) => format!("{p} {lemma}"),
                None => lemma,
            };
            let Some(id) = self.lex.id(&lemma_term) else {
                continue;
            };
            let fan_in = self.lex.original_count(id) as u32;
            let lemma_words: Vec<&str> = lemma_term.split(' ').collect();
            for e in self.lex.originals(id) {
                // "church buildings" is no spin of "churches" either: asked of the lemmas.
                if part_of(self.lex.term(e.term), &lemma_words) {
                    continue;
                }
                for form in inflect::inflect(self.lex.term(e.term), infl) {
                    push(DraftCandidate {
                        original: Cow::Owned(form),
                        edge: edge_kind(e.sources.moby, e.sources.wordnet),
                        inflected: true,
                        fan_in,
                    });
                }
            }
        }
    }
}

/// Whether every word of the thesaurus term `original` is one of the written `words` (and there
/// are fewer): asked of thesaurus originals only, since a pattern's padding is exactly that. The
/// thesaurus lists "piece of furniture", "church building" and "Tang dynasty" with their head
/// word, and clean text writes the longer term all the time. A spinner's padding around a kept
/// word ("any type of", "has actually") is a pattern, read separately.
fn part_of(original: &str, words: &[&str]) -> bool {
    if words.len() < 2 {
        return false; // a one-word window holds no shorter term
    }
    let mut n = 0;
    for o in original.split(' ') {
        if !words.contains(&o) {
            return false;
        }
        n += 1;
    }
    n < words.len()
}

/// The patterns whose written side is `written` (normalized, words joined by one space).
fn patterns_written(written: &str) -> &'static [&'static Pattern] {
    // Asked of every window of every text: one hash look-up, not a scan of the table.
    static BY_WRITTEN: OnceLock<FxHashMap<&'static str, Vec<&'static Pattern>>> = OnceLock::new();
    BY_WRITTEN
        .get_or_init(|| {
            let mut by: FxHashMap<&str, Vec<&Pattern>> = FxHashMap::default();
            for p in PATTERNS {
                by.entry(p.written).or_default().push(p);
            }
            by
        })
        .get(written)
        .map_or(&[], Vec::as_slice)
}

/// Every pattern of [`PATTERNS`] without its last word (space-joined). Asked of nearly every
/// two- and three-word window of text, so the heads are gathered once.
fn pattern_heads() -> &'static FxHashSet<&'static str> {
    static HEADS: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    HEADS.get_or_init(|| {
        PATTERNS
            .iter()
            .filter_map(|p| p.written.rsplit_once(' ').map(|(h, _)| h))
            .collect()
    })
}

/// A [`Candidate`] whose original may still borrow the thesaurus's string.
#[derive(Debug, Clone)]
pub struct DraftCandidate {
    pub original: Cow<'static, str>,
    pub edge: EdgeKind,
    pub inflected: bool,
    pub fan_in: u32,
}

impl DraftCandidate {
    pub fn into_candidate(self) -> Candidate {
        Candidate {
            original: Arc::from(self.original.as_ref()),
            edge: self.edge,
            inflected: self.inflected,
            fan_in: self.fan_in,
        }
    }
}

/// One candidate per original, at the place of its first occurrence, with the strongest
/// evidence any occurrence has (the first of those on a tie). The map borrows each original
/// from `all`: common words have hundreds of candidates, and owned keys needed a copy of each.
fn dedupe(all: Vec<DraftCandidate>) -> Vec<DraftCandidate> {
    // For each original in order of first occurrence, the index of its strongest candidate.
    let best: Vec<usize> = {
        let mut group: FxHashMap<&str, usize> =
            FxHashMap::with_capacity_and_hasher(all.len(), Default::default());
        let mut best: Vec<usize> = Vec::with_capacity(all.len());
        for (i, c) in all.iter().enumerate() {
            match group.entry(c.original.as_ref()) {
                Entry::Occupied(g) => {
                    let b = &mut best[*g.get()];
                    if rank(c.edge) > rank(all[*b].edge) {
                        *b = i;
                    }
                }
                Entry::Vacant(g) => {
                    g.insert(best.len());
                    best.push(i);
                }
            }
        }
        best
    };
    if best.len() == all.len() {
        return all;
    }
    let mut slots: Vec<Option<DraftCandidate>> = all.into_iter().map(Some).collect();
    best.into_iter().filter_map(|b| slots[b].take()).collect()
}

fn rank(e: EdgeKind) -> u8 {
    match e {
        EdgeKind::Moby => 0,
        EdgeKind::WordNet => 1,
        EdgeKind::Both => 2,
        EdgeKind::Pattern => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_candidates_read_the_written_words_own_entry_and_inflect() {
        let ch = Channel::default();
        let inverse: Vec<String> = ch
            .candidates(&["tools"])
            .iter()
            .map(|c| c.original.to_string())
            .collect();
        let forward: Vec<String> = ch
            .entry_candidates("tools")
            .into_iter()
            .map(|c| c.original.into_owned())
            .collect();
        // Moby lists "weapon" under "tool", not "tool" under "weapon".
        assert!(!inverse.contains(&"weapons".to_string()));
        assert!(forward.contains(&"weapons".to_string()), "{forward:?}");
        assert!(!forward.contains(&"tools".to_string()));
    }

    /// One candidate per original, in order of first occurrence, carrying the strongest edge
    /// of its occurrences (the first of those on a tie, whose other fields come with it).
    #[test]
    fn dedupe_keeps_first_places_and_strongest_edges() {
        let c = |original: &'static str, edge: EdgeKind, fan_in: u32| DraftCandidate {
            original: Cow::Borrowed(original),
            edge,
            inflected: false,
            fan_in,
        };
        let kept = dedupe(vec![
            c("force", EdgeKind::Moby, 1),
            c("power", EdgeKind::Moby, 2),
            c("force", EdgeKind::Both, 3),
            c("strength", EdgeKind::WordNet, 4),
            c("force", EdgeKind::Both, 5),
            c("power", EdgeKind::Moby, 6),
        ]);
        let got: Vec<(&str, EdgeKind, u32)> = kept
            .iter()
            .map(|k| (k.original.as_ref(), k.edge, k.fan_in))
            .collect();
        assert_eq!(
            got,
            [
                ("force", EdgeKind::Both, 3),
                ("power", EdgeKind::Moby, 2),
                ("strength", EdgeKind::WordNet, 4),
            ]
        );
        assert!(dedupe(Vec::new()).is_empty());
    }

    #[test]
    fn the_phrase_prefilter_never_hides_candidates() {
        let ch = Channel::default();
        assert!(ch.may_have_candidates(&["head", "of", "state"]));
        assert!(ch.may_have_candidates(&["as", "well", "as"]));
        assert!(!ch.may_have_candidates(&["qqqx", "state"]));
        // Every window of a text: where the prefilter says no, the channel finds nothing.
        let text = "the head of state has actually said that the armed forces as well as the \
                    police will certainly stay in the capital city for a long time while the \
                    heads of state looked for to meet any type of demand and in fact kept \
                    their word in the long run as the prime ministers went on to take part";
        let words: Vec<&str> = text.split(' ').collect();
        for len in 2..=3 {
            for w in words.windows(len) {
                if !ch.may_have_candidates(w) {
                    assert!(ch.candidates(w).is_empty(), "{w:?}");
                }
            }
        }
    }

    fn originals(words: &[&str]) -> Vec<String> {
        Channel::default()
            .candidates(words)
            .into_iter()
            .map(|c| c.original.to_string())
            .collect()
    }

    #[test]
    fn patterns_are_found_normalized() {
        let p = pattern("Has  ACTUALLY", "has").expect("a pattern");
        assert_eq!(p.padding, Some("actually"));
        assert_eq!(
            pattern("Home windows", "Windows")
                .expect("a pattern")
                .padding,
            None
        );
        assert!(pattern("has actually", "had").is_none());
        for p in PATTERNS {
            assert_eq!(normalize_phrase(p.written), p.written);
            assert_eq!(normalize_phrase(p.original), p.original);
            // A padding is what one of its habits adds ("type of" for "any type of" and "any
            // kind of"): a typo would make one habit two.
            if let Some(padding) = p.padding {
                assert!(
                    PATTERNS.iter().any(|q| q.padding == Some(padding)
                        && padding
                            .split(' ')
                            .all(|w| q.written.split(' ').any(|x| x == w))),
                    "{p:?}"
                );
            }
        }
    }

    #[test]
    fn function_words_sorted() {
        let mut sorted = FUNCTION_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, FUNCTION_WORDS);
        let longest = FUNCTION_WORDS.iter().map(|w| w.len()).max();
        assert_eq!(longest, Some(LONGEST_FUNCTION_WORD));
    }

    #[test]
    fn finds_originals() {
        assert!(originals(&["head", "of", "state"]).contains(&"president".to_string()));
        assert!(originals(&["pressures"]).contains(&"forces".to_string()));
        assert!(originals(&["as", "well", "as"]).contains(&"and".to_string()));
        assert!(originals(&["the"]).is_empty());
        assert!(!originals(&["pressures"]).contains(&"pressures".to_string()));
    }

    /// The thesaurus's longer terms are not spins of their own head word; a pattern's padding is.
    #[test]
    fn a_term_is_not_a_spin_of_its_own_words() {
        for (written, head) in [
            (&["piece", "of", "furniture"][..], "furniture"),
            (&["church", "building"][..], "church"),
            (&["due", "east"][..], "east"),
        ] {
            assert!(
                !originals(written).contains(&head.to_string()),
                "{written:?} -> {head}"
            );
        }
        assert!(originals(&["any", "type", "of"]).contains(&"any".to_string()));
        assert!(originals(&["head", "of", "state"]).contains(&"president".to_string()));
        assert!(
            !originals(&["church", "buildings"]).contains(&"churches".to_string()),
            "inflected"
        );
        assert!(part_of("web link", &["world", "wide", "web", "link"]));
        assert!(!part_of("web link", &["web", "link"]), "not shorter");
    }
}
