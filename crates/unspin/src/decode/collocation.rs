//! Collocation repair: spinners break fixed expressions one word at a time ("martial law" →
//! "martial legislation", "nerve agent" → "nerve representative", "plausible deniability" →
//! "probable deniability"), and the broken pair is one that running text never writes.
//!
//! For two adjacent content words whose bigram the language model has never seen, each word is
//! replaced in turn by its thesaurus candidates (the channel's originals); a replacement that
//! makes a strong collocation with the word kept (pointwise mutual information of the pair, and
//! the share of the kept word's occurrences it accounts for) is a repair. A pair that no single
//! word mends may have lost both ("icy disputes" for "frozen conflicts": a joint repair, WordNet
//! synonyms only). A spinner applies one key per document, so each word's strongest repair is
//! carried to the word's other occurrences that read oddly, and a word that reads oddly three
//! times or more is mended by the one candidate that fits most of those places ("those
//! pressures", "Russian pressures", "Ukrainian pressures" → "forces"), even when no single pair
//! is a strong collocation.
//!
//! Clean text is full of unattested pairs too (a rare but real "integral bridge" becomes "integral
//! part"): on clean Wikipedia repairs alone fire about 7 times per 2,000 words
//! (`examples/collocation_eval.rs`). So repairs
//! are reported only in documents whose score already says they were spun (the other detectors'
//! findings and the spinner fingerprints), and their confidence is the document's probability
//! scaled by the strength of the collocation. Without a model of running text (the embedded
//! default model lists only frequent bigrams, so "unseen" means little) there are no repairs.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::{Decoder, Word};
use crate::channel::{is_function_word, is_function_word_original, EdgeKind};
use crate::finding::Finding;
use crate::lm::LanguageModel;
use crate::token::{match_case, Token, TokenKind};

/// What makes a repaired pair a collocation. The defaults are set on synthetic spins of
/// enwiki2018 (`examples/collocation_eval.rs`, docs/evaluation.md), not on the dev texts.
#[derive(Debug, Clone, Copy)]
pub struct RepairThresholds {
    /// Smallest pointwise mutual information (natural log) of the repaired pair: 3 is e^3 = 20
    /// times more often together than their frequencies predict.
    pub min_pmi: f64,
    /// Smallest share of the kept word's occurrences that the repaired pair accounts for
    /// ("nuclear war" is about 3% of "nuclear"): a neighbour that goes with everything proves
    /// nothing.
    pub min_share: f64,
    /// A collocation is a pair seen at least this often, not a coincidence.
    pub min_pair_count: u64,
}

impl Default for RepairThresholds {
    fn default() -> Self {
        RepairThresholds {
            min_pmi: 3.0,
            min_share: 0.01,
            min_pair_count: 3,
        }
    }
}

/// A repaired pair that must end a phrase, because punctuation follows the replaced word, is
/// judged on its running-text occurrences once it has this many: a pair that never ends a
/// phrase is the head of a longer name ("army air" is 295 times in enwiki2015, always before
/// "forces", "corps", "base"..., never before punctuation), and a trigram seen once is pruned
/// from the model, so fewer occurrences prove nothing. Only the end: noun phrases seldom
/// *start* right after punctuation ("an honorary member"), so the start proves little.
const EDGE_MIN_PAIR: u64 = 100;
/// Smallest share of such a pair's occurrences next to punctuation or a sentence edge (fixed
/// expressions have 10–30%: "martial law" is followed by "," or "." 117 times in 403).
const EDGE_MIN_SHARE: f64 = 0.01;
/// Tokens that end a phrase after a pair.
const PHRASE_ENDS: [&str; 14] = [
    ",",
    ".",
    ";",
    ":",
    "!",
    "?",
    ")",
    "\"",
    "'",
    "\u{201d}",
    "\u{2019}",
    "-",
    "\u{2014}",
    crate::lm::EOS,
];

/// PMI above the threshold at which a repair takes the document's full probability.
const PMI_SPAN: f64 = 4.0;
/// Candidates per word tried in a joint repair of two words (the most frequent of those with a
/// WordNet edge).
const JOINT_CANDIDATES: usize = 60;
/// PMI a repair loses when it is carried to another occurrence of the same word.
const KEY_PMI_DISCOUNT: f64 = 1.0;
/// Extra PMI a joint repair needs.
const JOINT_PMI_MARGIN: f64 = 2.0;

/// Odd occurrences (a bigram with a neighbour the model has never seen) a word needs before
/// the document's key for it is looked for.
const DOC_KEY_MIN_ODD: usize = 3;
/// How many more odd occurrences the document's key must mend than the next candidate.
const DOC_KEY_MARGIN: usize = 2;
/// A preferred key's strong preference in one place (natural log: the neighbours go 20 times
/// more often with the candidate), and its margin over the next candidate's sum.
pub(crate) const PREFERRED_STRONG: f64 = 3.0;
/// A place preferring the written word by this much (natural log) rules a candidate out.
const PREFERRED_AGAINST: f64 = -0.5;
/// Pseudo-occurrences that shrink a word's neighbour distribution towards the corpus's.
const PREFERRED_SHRINK: f64 = 100.0;

/// How much more a place's neighbours go with an original than with the written word:
/// ln P(neighbour | original) − ln P(neighbour | written), summed over the two sides, each
/// estimate shrunk towards P(neighbour) by [`PREFERRED_SHRINK`] pseudo-occurrences (a rare
/// word's few pairs prove little); a side that goes with neither counts 0.
pub(crate) struct Preference<'a> {
    lm: &'a dyn LanguageModel,
    total: f64,
    written: &'a str,
    written_count: f64,
    original: &'a str,
    original_count: f64,
}

impl<'a> Preference<'a> {
    /// `None` when the model knows either word not at all.
    pub(crate) fn new(
        lm: &'a dyn LanguageModel,
        written: &'a str,
        original: &'a str,
    ) -> Option<Self> {
        let (written_count, original_count) = (lm.count(&[written]), lm.count(&[original]));
        (written_count > 0 && original_count > 0).then(|| Preference {
            lm,
            total: lm.total_words().max(1) as f64,
            written,
            written_count: written_count as f64,
            original,
            original_count: original_count as f64,
        })
    }

    /// Whether a place refutes the original: both neighbours prefer the written word, together
    /// by at least [`PREFERRED_STRONG`] ("partial mobilization of": both go with "mobilization",
    /// not "training"). One side proves little: in "whole army equipment" the right side goes
    /// with "military", and "whole" is itself the spinner's word for "entire".
    pub(crate) fn refuted_at(&self, left: Option<&str>, right: Option<&str>) -> bool {
        let (l, r) = self.sides(left, right);
        left.is_some() && right.is_some() && l < 0.0 && r < 0.0 && l + r <= -PREFERRED_STRONG
    }

    /// The preference of the left and the right neighbour (0 for a missing one).
    fn sides(&self, left: Option<&str>, right: Option<&str>) -> (f64, f64) {
        let left = left.map(|l| Neighbour::new(self.lm, self.written, l, Side::Left));
        let right = right.map(|r| Neighbour::new(self.lm, self.written, r, Side::Right));
        self.sides_of(left.as_ref(), right.as_ref())
    }

    /// [`Preference::sides`] with the neighbours' own counts looked up already.
    fn sides_of(&self, left: Option<&Neighbour>, right: Option<&Neighbour>) -> (f64, f64) {
        let side = |n: &Neighbour, with_original: u64| -> f64 {
            if with_original == 0 && n.with_written == 0 {
                return 0.0;
            }
            let background = PREFERRED_SHRINK * n.count as f64 / self.total;
            let p = |pair: u64, word: f64| (pair as f64 + background) / (word + PREFERRED_SHRINK);
            p(with_original, self.original_count).ln() - p(n.with_written, self.written_count).ln()
        };
        let o = self.original;
        (
            left.map_or(0.0, |l| side(l, self.lm.count(&[l.word, o]))),
            right.map_or(0.0, |r| side(r, self.lm.count(&[o, r.word]))),
        )
    }
}

#[derive(Clone, Copy)]
enum Side {
    Left,
    Right,
}

/// A neighbour of the written word at one place, with the counts that do not depend on the
/// original: looked up once per place, not once per candidate.
struct Neighbour<'a> {
    word: &'a str,
    count: u64,
    with_written: u64,
}

impl<'a> Neighbour<'a> {
    fn new(lm: &dyn LanguageModel, written: &str, word: &'a str, side: Side) -> Self {
        let with_written = match side {
            Side::Left => lm.count(&[word, written]),
            Side::Right => lm.count(&[written, word]),
        };
        Neighbour {
            word,
            count: lm.count(&[word]),
            with_written,
        }
    }
}

/// A word's occurrence: its index and its neighbours in the segment.
type Context<'a> = (usize, Option<&'a str>, Option<&'a str>);

/// A document key: the original and the occurrences it is proposed at, with the PMI its
/// repairs count as.
struct DocumentKey {
    original: String,
    places: Vec<usize>,
    pmi: f64,
}

/// One proposed repair of a word.
#[derive(Debug, Clone)]
struct Repair {
    original: String,
    pmi: f64,
}

impl Decoder {
    /// Whether repairs can be computed with this decoder's model (see
    /// [`crate::lm::LanguageModel::attests_bigrams`]).
    pub fn repairs_collocations(&self) -> bool {
        self.lm.attests_bigrams()
    }

    /// Collocation repairs of a document believed spun with probability `spun_probability`
    /// (the engine's document score). Empty when the model cannot attest bigrams.
    pub fn collocation_findings(
        &self,
        text: &str,
        tokens: &[Token],
        spun_probability: f32,
    ) -> Vec<Finding> {
        self.collocation_findings_with(text, tokens, spun_probability, &RepairThresholds::default())
    }

    /// [`Decoder::collocation_findings`] with other thresholds (calibration, experiments).
    pub fn collocation_findings_with(
        &self,
        text: &str,
        tokens: &[Token],
        spun_probability: f32,
        thresholds: &RepairThresholds,
    ) -> Vec<Finding> {
        if !self.repairs_collocations() {
            return Vec::new();
        }
        let words = self.words(text, tokens);
        // Every repair proposed for each word span (first, last), from either neighbour.
        let mut proposals: HashMap<(usize, usize), Vec<Repair>> = HashMap::new();
        let mut unmended: Vec<usize> = Vec::new();
        for k in 0..words.len().saturating_sub(1) {
            let (a, b) = (&words[k], &words[k + 1]);
            if a.segment != b.segment || !self.pair_is_open(a) || !self.pair_is_open(b) {
                continue;
            }
            if self.lm.count(&[a.norm.as_str(), b.norm.as_str()]) > 0 {
                continue;
            }
            let mut mended = false;
            for (replaced, kept, kept_is_left) in [(k, b, false), (k + 1, a, true)] {
                if words[replaced].capitalized_mid {
                    continue; // a name-like word: the names check's job
                }
                // The replaced word's neighbour on the other side, if any.
                let other = if kept_is_left {
                    words.get(replaced + 1)
                } else {
                    replaced.checked_sub(1).map(|j| &words[j])
                }
                .filter(|o| o.segment == words[replaced].segment && !o.protected);
                let written = words[replaced].norm.as_str();
                // Punctuation after the replaced (right) word: the repaired pair ends a phrase.
                let at_edge = kept_is_left && phrase_ends_after(tokens, words[replaced].token);
                for r in self.repairs_of(written, &kept.norm, kept_is_left, at_edge, thresholds) {
                    if let Some(o) = other {
                        if !self.keeps_other_side(written, &r.original, &o.norm, kept_is_left) {
                            continue;
                        }
                    }
                    mended = true;
                    proposals.entry((replaced, replaced)).or_default().push(r);
                }
            }
            // Joint repairs are guesses on two words: never on a capitalised one (a name at the
            // start of a sentence is not marked as one).
            let lower = |w: &Word| {
                tokens[w.token]
                    .text(text)
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
            };
            if !mended && lower(a) && lower(b) {
                unmended.push(k);
            }
        }
        self.document_keys(&words, &mut proposals, thresholds);
        // A repair that some place of the document refutes is the writer's word, not a
        // spinner's: dropped here, and so never made a key. Asked once per (word, original).
        let mut refuted: HashMap<(String, String), bool> = HashMap::new();
        for (&(first, last), rs) in proposals.iter_mut() {
            if first == last {
                let form = &words[first].norm;
                rs.retain(|r| {
                    !*refuted
                        .entry((form.clone(), r.original.clone()))
                        .or_insert_with(|| self.refuted(&words, form, &r.original))
                });
            }
        }
        proposals.retain(|_, rs| !rs.is_empty());
        self.propagate_keys(&words, &mut proposals);
        // Pairs that no single word mends may have lost both words ("icy disputes" for "frozen
        // conflicts"), unless a neighbouring pair already explained one of them.
        let mut taken = covered_words(words.len(), proposals.keys());
        for k in unmended {
            if taken[k] || taken[k + 1] {
                continue;
            }
            if let Some(r) = self.joint_repair(&words[k].norm, &words[k + 1].norm, thresholds) {
                proposals.entry((k, k + 1)).or_default().push(r);
                taken[k] = true;
                taken[k + 1] = true;
            }
        }
        let mut out = Vec::new();
        for ((first, last), mut rs) in proposals {
            rs.sort_by(|x, y| y.pmi.total_cmp(&x.pmi));
            let best = &rs[0];
            let strength = 0.6 + 0.4 * ((best.pmi - thresholds.min_pmi) / PMI_SPAN).clamp(0.0, 1.0);
            let confidence = (spun_probability as f64 * strength) as f32;
            let (start, end) = (
                tokens[words[first].token].start,
                tokens[words[last].token].end,
            );
            let span = &text[start..end];
            let template = tokens[words[first].token].text(text);
            let suggestion = match_case(template, &best.original);
            let mut alternatives: Vec<String> = Vec::new();
            for r in &rs[1..] {
                let alt = match_case(template, &r.original);
                if alt != suggestion && !alternatives.contains(&alt) && alternatives.len() < 3 {
                    alternatives.push(alt);
                }
            }
            out.push(Finding {
                start,
                end,
                text: span.to_string(),
                message: format!(
                    "possibly spun: \"{span}\" breaks a fixed expression; the usual wording has \
                     \"{suggestion}\""
                ),
                suggestion,
                alternatives,
                confidence,
                rule: "collocation".to_string(),
            });
        }
        out.sort_by_key(|f| f.start);
        out
    }

    /// One key per document: a spinner that wrote "army" for "military" once did it everywhere.
    /// The strongest repair of each written word becomes its key and is proposed at the word's
    /// other occurrences where the word is odd in its context (a bigram with a neighbour the
    /// model has never seen) and the key reads at least as well there (as many attested
    /// bigrams with the neighbours). Propagated repairs count [`KEY_PMI_DISCOUNT`] less.
    fn propagate_keys(&self, words: &[Word], proposals: &mut HashMap<(usize, usize), Vec<Repair>>) {
        let mut keys: HashMap<&str, &Repair> = HashMap::new();
        // Words inside a joint repair are left to it; a word with repairs of its own still
        // hears the key, which competes with them (a weaker local "above" against the
        // document's "also").
        let in_joint = covered_words(words.len(), proposals.keys().filter(|(f, l)| f != l));
        for (&(first, last), rs) in proposals.iter() {
            if first != last {
                continue;
            }
            for r in rs {
                let key = keys.entry(words[first].norm.as_str()).or_insert(r);
                if r.pmi > key.pmi {
                    *key = r;
                }
            }
        }
        let mut propagated: Vec<(usize, Repair)> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if in_joint[i] || !self.pair_is_open(w) || w.capitalized_mid {
                continue;
            }
            let Some(key) = keys.get(w.norm.as_str()) else {
                continue;
            };
            if proposals
                .get(&(i, i))
                .is_some_and(|rs| rs.iter().any(|r| r.original == key.original))
            {
                continue;
            }
            let (left, right) = neighbours(words, i);
            let attested = |x: &str| -> usize {
                left.is_some_and(|l| self.lm.count(&[l, x]) > 0) as usize
                    + right.is_some_and(|r| self.lm.count(&[x, r]) > 0) as usize
            };
            let sides = left.is_some() as usize + right.is_some() as usize;
            let (as_written, as_key) = (attested(&w.norm), attested(&key.original));
            if as_written < sides && as_key >= as_written {
                propagated.push((
                    i,
                    Repair {
                        original: key.original.clone(),
                        pmi: key.pmi - KEY_PMI_DISCOUNT,
                    },
                ));
            }
        }
        for (i, r) in propagated {
            proposals.entry((i, i)).or_default().push(r);
        }
    }

    /// Whether some occurrence of `form` refutes `original` ([`Preference::refuted_at`]).
    fn refuted(&self, words: &[Word], form: &str, original: &str) -> bool {
        let Some(preference) = Preference::new(self.lm.as_ref(), form, original) else {
            return false;
        };
        words.iter().enumerate().any(|(i, w)| {
            if w.norm != form {
                return false;
            }
            let (l, r) = neighbours(words, i);
            preference.refuted_at(l, r)
        })
    }

    /// Keys read off the whole document, for each word written at least [`DOC_KEY_MIN_ODD`]
    /// times: the candidate its neighbours clearly prefer ([`Decoder::preferred_key`]), else the
    /// one that mends its odd company ([`Decoder::odd_key`]). No single pair need be a strong
    /// collocation: the same mend repeated across the document is a spinner's key.
    fn document_keys(
        &self,
        words: &[Word],
        proposals: &mut HashMap<(usize, usize), Vec<Repair>>,
        thresholds: &RepairThresholds,
    ) {
        let mut by_form: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, w) in words.iter().enumerate() {
            if self.pair_is_open(w) && !w.capitalized_mid {
                by_form.entry(w.norm.as_str()).or_default().push(i);
            }
        }
        for (form, occurrences) in by_form {
            if occurrences.len() < DOC_KEY_MIN_ODD {
                continue;
            }
            let contexts: Vec<Context> = occurrences
                .iter()
                .map(|&i| {
                    let (l, r) = neighbours(words, i);
                    (i, l, r)
                })
                .collect();
            let key = self
                .preferred_key(form, &contexts, thresholds)
                .or_else(|| self.odd_key(form, &contexts, thresholds));
            let Some(DocumentKey {
                original,
                places,
                pmi,
            }) = key
            else {
                continue;
            };
            for i in places {
                proposals.entry((i, i)).or_default().push(Repair {
                    original: original.clone(),
                    pmi,
                });
            }
        }
    }

    /// A word the document writes in odd company again and again ("Ukrainian pressures", "those
    /// pressures", "Russian pressures": bigrams running text never has) and one candidate that
    /// reads naturally in most of those places ("Ukrainian forces", "those forces", "Russian
    /// forces").
    fn odd_key(
        &self,
        form: &str,
        contexts: &[Context],
        thresholds: &RepairThresholds,
    ) -> Option<DocumentKey> {
        let odd: Vec<&Context> = contexts
            .iter()
            .filter(|&&(_, l, r)| {
                l.is_some_and(|l| self.lm.count(&[l, form]) == 0)
                    || r.is_some_and(|r| self.lm.count(&[form, r]) == 0)
            })
            .collect();
        if odd.len() < DOC_KEY_MIN_ODD {
            return None;
        }
        // Each candidate with the odd occurrences it mends: every bigram with the
        // neighbours attested as a collocation would be (seen `min_pair_count` times).
        let mut scored: Vec<(Vec<usize>, Cow<'static, str>)> = Vec::new();
        for c in self.channel.draft_candidates(&[form]) {
            if c.original.contains(' ') || is_function_word_original(&c.original) {
                continue;
            }
            let cand = c.original.as_ref();
            if self.lm.count(&[cand]) == 0 {
                continue;
            }
            let reads = |pair: [&str; 2]| self.lm.count(&pair) >= thresholds.min_pair_count;
            let mended: Vec<usize> = odd
                .iter()
                .filter(|&&&(_, l, r)| {
                    l.is_none_or(|l| reads([l, cand])) && r.is_none_or(|r| reads([cand, r]))
                })
                .map(|&&(i, _, _)| i)
                .collect();
            scored.push((mended, c.original));
        }
        scored.sort_by_key(|s| std::cmp::Reverse(s.0.len()));
        let (best, original) = scored.first()?;
        let runner_up = scored.get(1).map_or(0, |s| s.0.len());
        // Most odd occurrences mended, and clearly by one candidate: a loose associate
        // that happens to fit two places is no key.
        if best.len() < DOC_KEY_MIN_ODD
            || 2 * best.len() < odd.len()
            || best.len() < runner_up + DOC_KEY_MARGIN
        {
            return None;
        }
        Some(DocumentKey {
            original: original.to_string(),
            places: best.clone(),
            pmi: thresholds.min_pmi + PMI_SPAN * best.len() as f64 / odd.len() as f64,
        })
    }

    /// A key read off the neighbours of every occurrence, for a word whose company is rare
    /// rather than unseen ("nuclear tools" occurs once in enwiki2015, "nuclear weapons" 1,286
    /// times): the candidate that the neighbours prefer to the written word, P(neighbour |
    /// candidate) over P(neighbour | written), by at least [`PREFERRED_STRONG`] (natural log)
    /// in two thirds of the places (three at least), and the written word by more than
    /// [`PREFERRED_AGAINST`] nowhere.
    /// The candidates include the written word's own thesaurus entry
    /// ([`crate::channel::Channel::entry_candidates`]): one place's evidence could not bear
    /// such loose candidates, a whole document's can. The key is proposed where the preference
    /// is strong; the usual propagation and carrying take it further.
    fn preferred_key(
        &self,
        form: &str,
        contexts: &[Context],
        thresholds: &RepairThresholds,
    ) -> Option<DocumentKey> {
        let mut candidates = self.channel.draft_candidates(&[form]);
        candidates.extend(self.channel.entry_candidates(form));
        let mut tried: HashSet<Cow<'static, str>> = HashSet::new();
        // (sum of the preferences, places preferred strongly, candidate)
        let mut scored: Vec<(f64, Vec<usize>, Cow<'static, str>)> = Vec::new();
        // Strong places needed: two thirds, and at least DOC_KEY_MIN_ODD.
        let needed = DOC_KEY_MIN_ODD.max((2 * contexts.len()).div_ceil(3));
        let lm = self.lm.as_ref();
        let neighbours: Vec<(Option<Neighbour>, Option<Neighbour>)> = contexts
            .iter()
            .map(|&(_, l, r)| {
                (
                    l.map(|l| Neighbour::new(lm, form, l, Side::Left)),
                    r.map(|r| Neighbour::new(lm, form, r, Side::Right)),
                )
            })
            .collect();
        'candidates: for c in candidates {
            if c.original.contains(' ')
                || is_function_word_original(&c.original)
                || !tried.insert(c.original.clone())
            {
                continue;
            }
            let Some(preference) = Preference::new(lm, form, &c.original) else {
                continue;
            };
            let (mut total, mut strong) = (0.0, Vec::new());
            for (k, (&(i, _, _), (l, r))) in contexts.iter().zip(&neighbours).enumerate() {
                let (left, right) = preference.sides_of(l.as_ref(), r.as_ref());
                let s = left + right;
                if s >= PREFERRED_STRONG {
                    strong.push(i);
                }
                total += s;
                // A place against it, or too few places left to be strong in.
                if s < PREFERRED_AGAINST || strong.len() + (contexts.len() - k - 1) < needed {
                    continue 'candidates;
                }
            }
            scored.push((total, strong, c.original));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut ranked = scored.into_iter();
        let (total, strong, original) = ranked.next()?;
        // Clearly one candidate.
        if ranked
            .next()
            .is_some_and(|r| r.0 + PREFERRED_STRONG > total)
        {
            return None;
        }
        Some(DocumentKey {
            pmi: thresholds.min_pmi + PMI_SPAN * strong.len() as f64 / contexts.len() as f64,
            original: original.into_owned(),
            places: strong,
        })
    }

    /// A pair of candidates, one for each written word, that is itself a strong collocation:
    /// held to a stricter PMI ([`JOINT_PMI_MARGIN`]) and to the share test on both sides, since
    /// two guesses are weaker than one.
    fn joint_repair(&self, a: &str, b: &str, thresholds: &RepairThresholds) -> Option<Repair> {
        let n = self.lm.total_words().max(1) as f64;
        let top = |w: &str| -> Vec<(Cow<'static, str>, u64)> {
            let mut c: Vec<(Cow<'static, str>, u64)> = self
                .channel
                .draft_candidates(&[w])
                .into_iter()
                .filter(|c| !c.original.contains(' ') && !is_function_word(&c.original))
                // Two of Moby's loose associates at once are a guess ("caution shot" → "cue
                // ball"): joint repairs follow WordNet's synonyms only.
                .filter(|c| c.edge != EdgeKind::Moby)
                .map(|c| {
                    let count = self.lm.count(&[c.original.as_ref()]);
                    (c.original, count)
                })
                .filter(|c| c.1 > 0)
                .collect();
            c.sort_by_key(|x| std::cmp::Reverse(x.1));
            c.truncate(JOINT_CANDIDATES);
            c
        };
        let (left, right) = (top(a), top(b));
        let mut best: Option<Repair> = None;
        for (l, lc) in &left {
            for (r, rc) in &right {
                let pair_count = self.lm.count(&[l.as_ref(), r.as_ref()]);
                if pair_count < thresholds.min_pair_count {
                    continue;
                }
                let pmi = (pair_count as f64 * n / (*lc as f64 * *rc as f64)).ln();
                let shares = (
                    pair_count as f64 / *lc as f64,
                    pair_count as f64 / *rc as f64,
                );
                if pmi >= thresholds.min_pmi + JOINT_PMI_MARGIN
                    && shares.0 >= thresholds.min_share
                    && shares.1 >= thresholds.min_share
                    && best.as_ref().is_none_or(|b| pmi > b.pmi)
                {
                    best = Some(Repair {
                        original: format!("{l} {r}"),
                        pmi: pmi - JOINT_PMI_MARGIN,
                    });
                }
            }
        }
        best
    }

    /// A repair must not break the replaced word's other side: when the written word is attested
    /// with its other neighbour, the repair must be too ("pressures additionally took" is not
    /// mended by "above", which "took" never follows).
    fn keeps_other_side(
        &self,
        written: &str,
        repair: &str,
        other: &str,
        other_is_right: bool,
    ) -> bool {
        let pair = |w: &str| -> u64 {
            if other_is_right {
                self.lm.count(&[w, other])
            } else {
                self.lm.count(&[other, w])
            }
        };
        pair(written) == 0 || pair(repair) > 0
    }

    /// Whether the repaired `pair`, seen `pair_count` times, is known well enough to say that
    /// running text never ends a phrase with it.
    fn never_ends_a_phrase(&self, pair: [&str; 2], pair_count: u64) -> bool {
        if self.lm.order() < 3 || pair_count < EDGE_MIN_PAIR {
            return false;
        }
        let ends: u64 = PHRASE_ENDS
            .iter()
            .map(|&e| self.lm.count(&[pair[0], pair[1], e]))
            .sum();
        (ends as f64) < EDGE_MIN_SHARE * pair_count as f64
    }

    /// A word that may take part in a pair: a known content word.
    fn pair_is_open(&self, w: &Word) -> bool {
        !w.protected && !is_function_word(&w.norm)
    }

    /// Single-word candidates for `written` that make a strong collocation with `kept`; with
    /// `at_edge` (`kept` on the left), one that can end the phrase where `written` ends it
    /// (see [`EDGE_MIN_PAIR`]).
    fn repairs_of(
        &self,
        written: &str,
        kept: &str,
        kept_is_left: bool,
        at_edge: bool,
        thresholds: &RepairThresholds,
    ) -> Vec<Repair> {
        let n = self.lm.total_words().max(1) as f64;
        let kept_count = self.lm.count(&[kept]);
        if kept_count == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for c in self.channel.draft_candidates(&[written]) {
            if c.original.contains(' ') || is_function_word(&c.original) {
                continue;
            }
            let pair: [&str; 2] = if kept_is_left {
                [kept, c.original.as_ref()]
            } else {
                [c.original.as_ref(), kept]
            };
            let pair_count = self.lm.count(&pair);
            if pair_count < thresholds.min_pair_count {
                continue;
            }
            let cand_count = self.lm.count(&[c.original.as_ref()]).max(1);
            let pmi = (pair_count as f64 * n / (kept_count as f64 * cand_count as f64)).ln();
            let share = pair_count as f64 / kept_count as f64;
            if pmi >= thresholds.min_pmi
                && share >= thresholds.min_share
                && !(at_edge && self.never_ends_a_phrase(pair, pair_count))
            {
                out.push(Repair {
                    original: c.original.to_string(),
                    pmi,
                });
            }
        }
        out
    }
}

/// Whether the token after word token `token` is punctuation or the text's end: there the
/// phrase ends.
fn phrase_ends_after(tokens: &[Token], token: usize) -> bool {
    tokens
        .get(token + 1)
        .is_none_or(|t| t.kind == TokenKind::Punct)
}

/// The words next to `words[i]` in its segment (nothing across punctuation), normalized.
fn neighbours(words: &[Word], i: usize) -> (Option<&str>, Option<&str>) {
    let segment = words[i].segment;
    let left = i
        .checked_sub(1)
        .map(|j| &words[j])
        .filter(|l| l.segment == segment)
        .map(|l| l.norm.as_str());
    let right = words
        .get(i + 1)
        .filter(|r| r.segment == segment)
        .map(|r| r.norm.as_str());
    (left, right)
}

/// Which of `n` words the spans (first, last), inclusive, cover.
fn covered_words<'a>(n: usize, spans: impl Iterator<Item = &'a (usize, usize)>) -> Vec<bool> {
    let mut taken = vec![false; n];
    for &(first, last) in spans {
        taken[first..=last].iter_mut().for_each(|t| *t = true);
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::{CountsModel, LanguageModel};
    use crate::token::tokenize;
    use std::sync::Arc;

    fn model() -> Arc<dyn LanguageModel> {
        Arc::new(CountsModel::from_lines(
            2,
            &[
                (
                    10,
                    "the country was placed under martial law after the coup",
                ),
                (10, "martial law was lifted last year"),
                (10, "new legislation on taxes was passed"),
                (10, "the legislation failed in the senate"),
                (10, "the law of the land"),
                (10, "a court upheld the law"),
                (10, "the frozen conflicts of the region remain unsolved"),
                (10, "icy roads and border disputes"),
                (60, "people discussed the weather all day long"),
                (60, "children played in the garden near the river"),
                (60, "she bought bread and fruit at the market"),
            ],
        ))
    }

    #[test]
    fn repairs_a_broken_fixed_expression_in_a_spun_document() {
        let d = Decoder::new(model());
        let text = "The country was placed under martial legislation.";
        let found = d.collocation_findings(text, &tokenize(text), 1.0);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].text, "legislation");
        assert_eq!(found[0].suggestion, "law");
        assert!(found[0].confidence >= 0.6);
        // The document's probability bounds the confidence.
        let weak = d.collocation_findings(text, &tokenize(text), 0.3);
        assert!(weak[0].confidence <= 0.3);
    }

    /// "army air" is common, but only at the head of longer names: a repair into it holds
    /// where the phrase goes on, not where punctuation ends it.
    #[test]
    fn a_pair_that_never_ends_a_phrase_repairs_nothing_before_punctuation() {
        let d = Decoder::new(Arc::new(CountsModel::from_lines(
            3,
            &[
                (150, "the army air forces flew north"),
                (20, "the army marched on"),
                (20, "the army was proud"),
                (20, "a hot air balloon"),
                (20, "the procedure took an hour"),
                (600, "people discussed the weather all day long"),
                (600, "children played in the garden near the river"),
            ],
        )));
        let repairs = |text: &str| -> Vec<(String, String)> {
            d.collocation_findings(text, &tokenize(text), 1.0)
                .into_iter()
                .map(|f| (f.text, f.suggestion))
                .collect()
        };
        let mid = repairs("Then the army procedure forces flew north.");
        assert!(mid.contains(&("procedure".into(), "air".into())), "{mid:?}");
        let edge = repairs("He called it an army procedure.");
        assert!(!edge.iter().any(|(_, s)| s == "air"), "{edge:?}");
    }

    #[test]
    fn repairs_two_spun_words_together() {
        let d = Decoder::new(model());
        let text = "The festering icy disputes remain unsolved.";
        let found = d.collocation_findings(text, &tokenize(text), 1.0);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].text, "icy disputes");
        assert_eq!(found[0].suggestion, "frozen conflicts");
    }

    #[test]
    fn a_repair_is_a_key_for_the_whole_document() {
        let m = CountsModel::from_lines(
            2,
            &[
                (10, "the country was placed under martial law"),
                (1, "a strict law was passed"),
                (10, "new legislation was passed"),
                (60, "people discussed the weather all day long"),
                (60, "children played in the garden near the river"),
            ],
        );
        let d = Decoder::new(Arc::new(m));
        // "strict law" is seen once: too rare to mend "strict legislation" by itself, but the
        // document's key (legislation → law, from "martial legislation") reads better there.
        let text =
            "The country was placed under martial legislation. A strict legislation was passed.";
        let found = d.collocation_findings(text, &tokenize(text), 1.0);
        assert_eq!(repairs(&found), [("legislation", "law"); 2]);
        assert!(found[1].confidence < found[0].confidence);
    }

    /// A model where "forces" follows "those", "all" and "our" and "pressures" never does: no
    /// pair of content words is broken, so only the document's repeated oddity tells.
    fn key_model() -> Arc<dyn LanguageModel> {
        Arc::new(CountsModel::from_lines(
            2,
            &[
                (10, "they fought those forces"),
                (10, "all forces were sent"),
                (10, "our forces held the line"),
                (10, "economic pressures grew fast"),
                (60, "people discussed the weather all day long"),
            ],
        ))
    }

    /// Each finding as (written, suggestion).
    fn repairs(found: &[Finding]) -> Vec<(&str, &str)> {
        found
            .iter()
            .map(|f| (f.text.as_str(), f.suggestion.as_str()))
            .collect()
    }

    #[test]
    fn a_word_odd_everywhere_and_mended_by_one_candidate_is_a_key() {
        let d = Decoder::new(key_model());
        let text = "They fought those pressures. Then all pressures were sent. Our pressures held.";
        let found = d.collocation_findings(text, &tokenize(text), 1.0);
        assert_eq!(repairs(&found), [("pressures", "forces"); 3], "{found:?}");
    }

    #[test]
    fn two_odd_occurrences_are_no_key() {
        let d = Decoder::new(key_model());
        let text = "They fought those pressures. Then all pressures were sent.";
        let found = d.collocation_findings(text, &tokenize(text), 1.0);
        assert!(found.is_empty(), "{found:?}");
    }

    /// "nuclear tools" is attested (once), so no pair is odd; but "nuclear" goes with
    /// "weapons" far more than with "tools", and Moby lists "weapon" only under "tool".
    fn rare_company_model() -> Arc<dyn LanguageModel> {
        Arc::new(CountsModel::from_lines(
            2,
            &[
                (200, "they banned nuclear weapons"),
                (1, "nuclear tools"),
                (100, "hand tools and power tools for the garden"),
                (100, "weapons were found"),
                (300, "people discussed the weather all day long"),
            ],
        ))
    }

    #[test]
    fn a_word_in_rare_company_is_keyed_by_the_candidate_its_neighbours_prefer() {
        let d = Decoder::new(rare_company_model());
        let text = "They fear nuclear tools. Nobody wants nuclear tools. Ban the nuclear tools.";
        let found = d.collocation_findings(text, &tokenize(text), 1.0);
        assert_eq!(repairs(&found), [("tools", "weapons"); 3], "{found:?}");
    }

    #[test]
    fn one_place_that_prefers_the_written_word_rules_the_key_out() {
        let d = Decoder::new(rare_company_model());
        let text = "They fear nuclear tools. Nobody wants nuclear tools. Ban the nuclear tools. \
                    Bring hand tools.";
        let found = d.collocation_findings(text, &tokenize(text), 1.0);
        assert!(found.is_empty(), "{found:?}");
    }

    /// "basic mobilization" is mended by "basic training", and the key would go on to "a
    /// mobilization drive"; but "a partial mobilization of reserves", where both neighbours go
    /// with "mobilization", shows that the document's writer uses the word: neither the repair
    /// nor its key stands.
    #[test]
    fn a_repair_refuted_somewhere_is_dropped_with_its_key() {
        let d = Decoder::new(Arc::new(CountsModel::from_lines(
            2,
            &[
                (300, "recruits finished basic training"),
                (100, "a training drive began"),
                (500, "training camps are open"),
                (500, "a partial mobilization of reserves"),
                (3000, "we drive home"),
                (3000, "people discussed the weather all day long"),
            ],
        )));
        let repaired = |text: &str| -> Vec<usize> {
            d.collocation_findings(text, &tokenize(text), 1.0)
                .iter()
                .filter(|f| f.suggestion == "training")
                .map(|f| f.start)
                .collect()
        };
        let text = "Recruits finished basic mobilization. A mobilization drive began.";
        assert_eq!(repaired(text).len(), 2, "the repair and its key");
        let text = "Recruits finished basic mobilization. A mobilization drive began. \
                    A partial mobilization of reserves followed.";
        assert!(repaired(text).is_empty(), "{:?}", repaired(text));
    }

    #[test]
    fn a_place_refutes_an_original_only_with_both_neighbours() {
        let lm = rare_company_model();
        let p = Preference::new(lm.as_ref(), "tools", "weapons").unwrap();
        // "hand tools and": both sides go with "tools".
        assert!(p.refuted_at(Some("hand"), Some("and")));
        // One side alone, or one side for the original, is no refutation.
        assert!(!p.refuted_at(Some("hand"), None));
        assert!(!p.refuted_at(Some("nuclear"), Some("and")));
    }

    #[test]
    fn leaves_attested_pairs_alone() {
        let d = Decoder::new(model());
        let text = "New legislation was passed. Martial law was lifted last year.";
        assert!(d
            .collocation_findings(text, &tokenize(text), 1.0)
            .is_empty());
    }

    #[test]
    fn the_default_model_cannot_attest_bigrams() {
        let d = Decoder::new(crate::lm::default_model());
        assert!(!d.repairs_collocations());
        let text = "The country was placed under martial legislation.";
        assert!(d
            .collocation_findings(text, &tokenize(text), 1.0)
            .is_empty());
    }
}
