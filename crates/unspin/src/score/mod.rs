//! The document score: a calibrated probability that the whole text was spun.
//!
//! A logistic regression over a few document features ([`FEATURE_NAMES`]):
//! - the **findings** of every detector: confidence mass per 100 words, all rules together and
//!   the broken names alone (`crate::names`, rare in clean text);
//! - **spinner fingerprints**: the share of "as well as" among "and" + "as well as", and the
//!   rate of phrases that spinners produce and writers seldom do ("has actually", "will
//!   certainly", "any type of", "mosting likely to"...);
//! - **garbled passages** under a language model: the share of adjacent word pairs whose bigram
//!   is unattested although both words are known ("Ukrainian pressures"), the share of words
//!   with both their bigrams unattested (runs of improbable words), and the share of rare words
//!   (a spinner's "twelvemonths").
//!
//! The language-model features always use the embedded default model
//! ([`crate::lm::default_model`]), whatever model the decoder uses: the weights below were fit
//! with it, so the probability stays calibrated when users bring a larger `--model`.
//!
//! [`WEIGHTS`] and [`BIAS`] were fit by `unspin eval score --fit` on synthetic spins of
//! enwiki2015 (positives, `crate::synth` at 30/60/90%) against the same clean articles
//! (negatives); docs/evaluation.md gives the command and the held-out ROC AUC. Classes were
//! balanced, so the score is a probability under a 50% prior.

pub mod fit;

use crate::finding::{Finding, Verdict};
use crate::lm::LanguageModel;
use crate::token::{normalize, sentences, title_cased, Token, TokenKind};

/// Thresholds on the document score. `SPUN_AT` keeps clean Wikipedia false alarms well under 1%
/// (none of the 2,842 held-out texts of `unspin eval score`, 0.05% of enwiki2018's articles);
/// `CLEAN_BELOW` calls about three clean texts in four clean (75.2%) and one synthetic spin in
/// seven (13.6%); a text with no evidence at all (a stub: every share at its clean mean) scores
/// 0.346 and is called clean (docs/evaluation.md). Between the two the verdict is uncertain.
pub const SPUN_AT: f32 = 0.7;
pub const CLEAN_BELOW: f32 = 0.35;

/// Number of features.
pub const N_FEATURES: usize = 7;

/// Feature names, in order.
pub const FEATURE_NAMES: [&str; N_FEATURES] = [
    "findings_per_100w",
    "names_per_100w",
    "as_well_as_share",
    "spinner_phrases_per_100w",
    "unattested_bigram_share",
    "garbled_word_share",
    "rare_word_share",
];

/// Fitted weights: `unspin eval score --fit --limit 3000` (enwiki2015, 5,704 texts of 30–1,600
/// words), 2026-12-07.
pub const WEIGHTS: [f32; N_FEATURES] = [
    2.5966423, 0.9296634, 5.139679, 1.2770878, 7.1550345, 2.8406491, 3.8637106,
];
/// Fitted intercept.
pub const BIAS: f32 = -3.2056916;

/// Phrases that spinners write in place of plain function words ("has" → "has actually",
/// "will" → "will certainly", "going to" → "mosting likely to"). Normalized tokens.
pub const SPINNER_PHRASES: &[&[&str]] = &[
    &["has", "actually"],
    &["have", "actually"],
    &["had", "actually"],
    &["will", "certainly"],
    &["would", "certainly"],
    &["any", "type", "of"],
    &["mosting", "likely"],
    &["looked", "for", "to"],
    &["each", "various", "other"],
    &["due", "to", "the", "fact", "that"],
    &["in", "addition", "to"],
    &["as", "a", "matter", "of", "fact"],
    &["right", "here"],
];

/// A word is rare when its unigram probability is below this (log10).
const RARE_LOG10: f32 = -6.5;

/// Rates and shares are estimated as if every text came with this many words of average clean
/// text (a pseudo-count): a short text holds too few words for its own rates to mean much. Why:
/// with plain rates, one clean Wikipedia stub in six (under 50 words: "Roberts Zvejnieks (born
/// 22 November 1997) is a short track speed skater…") was "spun", on its names' unattested
/// bigrams alone, and one finding in 20 words weighed as much as five in 100
/// (docs/evaluation.md, thirteenth session).
pub const PRIOR_WORDS: f32 = 100.0;

/// The clean-text means that short texts are pulled toward: unattested bigram share, garbled
/// word share, rare word share (`unspin eval score --fit` prints them; enwiki2015, embedded model).
pub const CLEAN_SHARES: [f32; 3] = [0.300, 0.082, 0.035];

/// The clean-text share of "as well as" among "and" + "as well as" (`--fit` prints it), and how
/// often either occurs per word.
pub const CLEAN_AS_WELL_AS_SHARE: f32 = 0.011;
const CONJUNCTIONS_PER_WORD: f32 = 0.03;

/// `n` of `d`, pulled toward `clean` by `prior` pseudo-observations.
fn shrunk_share(n: usize, d: usize, clean: f32, prior: f32) -> f32 {
    (n as f32 + prior * clean) / (d as f32 + prior)
}

/// `x` per 100 words of a text of `words` words, [`PRIOR_WORDS`] of them pseudo-words with none.
fn per_100_words(x: f32, words: usize) -> f32 {
    x * 100.0 / (words as f32 + PRIOR_WORDS)
}

/// The features of one document (see [`FEATURE_NAMES`]).
pub fn features(
    text: &str,
    tokens: &[Token],
    findings: &[Finding],
    lm: &dyn LanguageModel,
) -> [f32; N_FEATURES] {
    features_allowing(text, tokens, findings, lm, &[])
}

/// [`features`] with the phrases a writer allows (see [`score_text_allowing`]).
pub fn features_allowing(
    text: &str,
    tokens: &[Token],
    findings: &[Finding],
    lm: &dyn LanguageModel,
    allow: &[String],
) -> [f32; N_FEATURES] {
    let words = tokens.iter().filter(|t| t.kind == TokenKind::Word).count();
    let (mass, names) = finding_mass(findings);
    let lower: Vec<String> = tokens
        .iter()
        .map(|t| {
            if t.kind == TokenKind::Word {
                normalize(t.text(text)).into_owned()
            } else {
                String::new()
            }
        })
        .collect();

    // Fingerprints.
    let (mut and, mut as_well_as, mut phrases) = (0usize, 0usize, 0usize);
    let at = |i: usize, w: &[&str]| -> bool {
        i + w.len() <= tokens.len() && w.iter().enumerate().all(|(k, x)| lower[i + k] == *x)
    };
    let allowed = |p: &[&str]| allow.iter().any(|a| *a == p.join(" "));
    // A phrase in title case ("Right Here Waiting", "Their Very Own Robot") is a title of a work
    // or a headline: what it says about the writer's habits is nothing.
    let titled = |i: usize, n: usize| title_cased(tokens[i..i + n].iter().map(|t| t.text(text)));
    let as_well_as_allowed = allowed(&["as", "well", "as"]);
    for (i, w) in lower.iter().enumerate() {
        if w == "and" || (as_well_as_allowed && at(i, &["as", "well", "as"])) {
            and += 1;
        } else if at(i, &["as", "well", "as"]) && !titled(i, 3) {
            as_well_as += 1;
        }
        if SPINNER_PHRASES
            .iter()
            .any(|p| at(i, p) && !allowed(p) && !titled(i, p.len()))
        {
            phrases += 1;
        }
    }
    // Pulled toward the clean share like the others: "and" and "as well as" come about three times
    // per 100 words, so a 30-word stub with one "as well as" and no "and" says little.
    let as_well_as_share = shrunk_share(
        as_well_as,
        and + as_well_as,
        CLEAN_AS_WELL_AS_SHARE,
        PRIOR_WORDS * CONJUNCTIONS_PER_WORD,
    );

    // Garbled passages: bigrams of adjacent words written in lower case within a sentence. Names
    // are kept by spinners, so a capitalised word is no evidence (a list of authors is all
    // unattested pairs of names), nor is a piece of an address or identifier
    // ("abigail@abigail.be", "foo_bar", "example.com").
    let (mut pairs, mut unattested, mut scored, mut rare) = (0usize, 0usize, 0usize, 0usize);
    let mut garbled = 0usize;
    let is_plain = |i: usize| {
        tokens[i].kind == TokenKind::Word
            && tokens[i]
                .text(text)
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase())
            && lower[i]
                .chars()
                .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
            && !in_identifier(text, tokens[i].start, tokens[i].end)
    };
    for range in sentences(text, tokens) {
        // unseen[k]: whether the pair (k, k+1) of this sentence is unattested.
        let mut prev_unseen = false;
        for i in range.clone() {
            if !is_plain(i) {
                prev_unseen = false;
                continue;
            }
            let w = lower[i].as_str();
            let known = lm.count(&[w]) > 0;
            scored += 1;
            if !known || lm.log_prob(&[], w) < RARE_LOG10 {
                rare += 1;
            }
            let next = i + 1;
            let mut this_unseen = false;
            if next < range.end && is_plain(next) && known {
                let v = lower[next].as_str();
                if lm.count(&[v]) > 0 {
                    pairs += 1;
                    if !lm.contains(&[w, v]) {
                        unattested += 1;
                        this_unseen = true;
                    }
                }
            }
            if prev_unseen && this_unseen {
                garbled += 1;
            }
            prev_unseen = this_unseen;
        }
    }
    [
        per_100_words(mass, words).ln_1p(),
        per_100_words(names, words).ln_1p(),
        as_well_as_share,
        per_100_words(phrases as f32, words).ln_1p(),
        shrunk_share(unattested, pairs, CLEAN_SHARES[0], PRIOR_WORDS),
        shrunk_share(garbled, scored, CLEAN_SHARES[1], PRIOR_WORDS),
        shrunk_share(rare, scored, CLEAN_SHARES[2], PRIOR_WORDS),
    ]
}

/// Whether the word at `start..end` is glued to an address or identifier character: `@`, `_`,
/// `/`, `\\`, `=`, `<`, `>`, or a `.` or `:` between it and another word character
/// ("example.com", "http://"; not "as follows: first" or the end of a sentence).
fn in_identifier(text: &str, start: usize, end: usize) -> bool {
    let glue = |c: char| matches!(c, '@' | '_' | '/' | '\\' | '=' | '<' | '>');
    let joins = |c: char| matches!(c, '.' | ':');
    let mut before = text[..start].chars().rev();
    let mut after = text[end..].chars();
    let (prev, next) = (before.next(), after.next());
    let glued_before = prev
        .is_some_and(|c| glue(c) || joins(c) && before.next().is_some_and(|b| !b.is_whitespace()));
    let glued_after = next.is_some_and(|c| {
        glue(c)
            || joins(c)
                && after
                    .next()
                    .is_some_and(|a| a.is_alphanumeric() || a == '/')
    });
    glued_before || glued_after
}

/// The logistic model's probability for a feature vector.
pub fn probability(x: &[f32; N_FEATURES], weights: &[f32; N_FEATURES], bias: f32) -> f32 {
    let z: f32 = bias + x.iter().zip(weights).map(|(a, b)| a * b).sum::<f32>();
    1.0 / (1.0 + (-z).exp())
}

/// Score a document: its probability of being spun and the verdict. Uses the embedded
/// default language model for the garbled-passage features (see the module doc).
pub fn score_text(text: &str, tokens: &[Token], findings: &[Finding]) -> (f32, Verdict) {
    score_text_allowing(text, tokens, findings, &[])
}

/// [`score_text`] for a writer who allows some phrases (`allow` in the configuration,
/// normalized): an allowed spinner phrase is not a spinner's fingerprint in this text, and an
/// allowed "as well as" reads as the "and" it stands for.
pub fn score_text_allowing(
    text: &str,
    tokens: &[Token],
    findings: &[Finding],
    allow: &[String],
) -> (f32, Verdict) {
    let lm = crate::lm::default_model();
    let x = features_allowing(text, tokens, findings, lm.as_ref(), allow);
    let score = with_fingerprints(probability(&x, &WEIGHTS, BIAS), findings);
    (score, verdict(score))
}

/// `score` combined with the document's list fingerprints by a noisy OR, once a document holds
/// at least [`MIN_FINGERPRINTS`] distinct phrases that fingerprint lists flag (rule ids `pps:`,
/// `tpe:`, `builtin:`, `user:`…, not the engine's `channel`, `names`, `collocation` or `key`):
/// each is then evidence on its own that the document was spun, with its rule's confidence as
/// the probability. Why: the fitted model reads findings per 100 words through a log, fitted on
/// synthetic spins of whole articles, so a paper with three published tortured phrases scored
/// 0.41 ("uncertain") and the checks that run only in documents judged spun never ran. Why two:
/// lists fire on clean text about 0.03 times per 10,000 words, never twice in one of enwiki2018's
/// 32,183 articles, but one such false alarm ("supply route", "savvy vehicle") made its article
/// "spun" and let the collocation repairs loose on it (docs/evaluation.md).
pub fn with_fingerprints(score: f32, findings: &[Finding]) -> f32 {
    let mut seen: Vec<String> = Vec::new();
    let mut clean = 1.0 - score;
    for f in findings.iter().filter(|f| is_list_rule(&f.rule)) {
        let phrase = normalize(&f.text).into_owned();
        if !seen.contains(&phrase) {
            clean *= 1.0 - f.confidence.clamp(0.0, 1.0);
            seen.push(phrase);
        }
    }
    if seen.len() >= MIN_FINGERPRINTS {
        1.0 - clean
    } else {
        score
    }
}

/// The score of a text in another language (`crate::language`): the English features say
/// nothing about it, so it starts from no evidence ([`crate::language::FOREIGN_SCORE`]), and only
/// phrase-list fingerprints (exact English phrases) can move it.
pub fn foreign_score(findings: &[Finding]) -> (f32, Verdict) {
    let score = with_fingerprints(crate::language::FOREIGN_SCORE, findings);
    (score, verdict(score))
}

/// Distinct list fingerprints a document needs before they count on their own.
pub const MIN_FINGERPRINTS: usize = 2;

/// Whether a rule id names a phrase-list rule (`source:…`) rather than one of the engine's
/// detectors (`channel`, `names`, `collocation`, `key`, `homoglyph`).
fn is_list_rule(id: &str) -> bool {
    id.contains(':')
}

/// Fitted weights of the findings-only model ([`document_score`]): the first two features.
pub const FINDINGS_ONLY_WEIGHTS: [f32; 2] = [5.145703, 0.6154482];
/// Fitted intercept of the findings-only model.
pub const FINDINGS_ONLY_BIAS: f32 = -0.27813262;

/// Summed confidence of all findings, and of the broken-name findings alone.
fn finding_mass(findings: &[Finding]) -> (f32, f32) {
    let mass = findings.iter().map(|f| f.confidence).sum();
    let names = findings
        .iter()
        .filter(|f| f.rule == crate::names::RULE_ID)
        .map(|f| f.confidence)
        .sum();
    (mass, names)
}

/// Score from the findings alone, for callers that no longer have the text (re-scoring after a
/// confidence filter, merging the parts of a large file). Less accurate than [`score_text`]:
/// it misses the fingerprints and garbled passages; fitted on the same data.
pub fn document_score(findings: &[Finding], words: usize) -> (f32, Verdict) {
    let (mass, names) = finding_mass(findings);
    let z = FINDINGS_ONLY_BIAS
        + FINDINGS_ONLY_WEIGHTS[0] * per_100_words(mass, words).ln_1p()
        + FINDINGS_ONLY_WEIGHTS[1] * per_100_words(names, words).ln_1p();
    let score = with_fingerprints(1.0 / (1.0 + (-z).exp()), findings);
    (score, verdict(score))
}

pub fn verdict(score: f32) -> Verdict {
    if score >= SPUN_AT {
        Verdict::Spun
    } else if score < CLEAN_BELOW {
        Verdict::Clean
    } else {
        Verdict::Uncertain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::synth::{spin, SpinOptions};
    use crate::token::tokenize;

    fn finding(rule: &str, text: &str, confidence: f32) -> Finding {
        Finding {
            start: 0,
            end: text.len(),
            text: text.to_string(),
            suggestion: String::new(),
            alternatives: Vec::new(),
            confidence,
            rule: rule.to_string(),
            message: String::new(),
        }
    }

    /// Two distinct list fingerprints count on their own; one, the same phrase twice, or the
    /// engine's own detectors do not.
    #[test]
    fn two_distinct_list_fingerprints_make_a_document_spun() {
        let one = [finding("tpe:1", "fluffy systems", 0.6)];
        assert_eq!(with_fingerprints(0.2, &one), 0.2);
        let twice = [
            finding("tpe:1", "fluffy systems", 0.6),
            finding("tpe:1", "Fluffy systems", 0.6),
        ];
        assert_eq!(with_fingerprints(0.2, &twice), 0.2);
        let engine = [
            finding("collocation", "preliminary", 0.9),
            finding("names", "Fight", 0.9),
            finding("key", "pressures", 0.9),
        ];
        assert_eq!(with_fingerprints(0.2, &engine), 0.2);
        let two = [
            finding("tpe:1", "fluffy systems", 0.6),
            finding("builtin:x", "irregular woodland", 0.95),
        ];
        let s = with_fingerprints(0.2, &two);
        assert!((s - (1.0 - 0.8 * 0.4 * 0.05)).abs() < 1e-6, "{s}");
        assert_eq!(verdict(s), Verdict::Spun);
    }

    const CLEAN: &str = "The city is the capital of the province and the seat of its \
        government. It has a population of about 40,000 people and lies on the river. The \
        economy is based on trade, tourism and agriculture, and the old town has many churches \
        and museums. In the nineteenth century the railway reached the city and new factories \
        were built along the river. Today the university and the hospital are the largest \
        employers, and the city is known for its music festival, which is held every summer \
        since 1950 and attracts visitors from the whole country.";

    fn score(text: &str) -> f32 {
        let toks = tokenize(text);
        score_text(text, &toks, &[]).0
    }

    #[test]
    fn fingerprints_are_counted() {
        let lm = crate::lm::default_model();
        let text = "He has actually gone as well as she will certainly come and go.";
        let toks = tokenize(text);
        let x = features(text, &toks, &[], lm.as_ref());
        assert!(x[2] > 0.2, "{x:?}");
        assert!(x[3] > 0.5, "{x:?}");
        let clean = features(CLEAN, &tokenize(CLEAN), &[], lm.as_ref());
        // No "as well as": the clean share, pulled toward by the pseudo-count, and no less.
        assert!(
            clean[2] > 0.0 && clean[2] < CLEAN_AS_WELL_AS_SHARE,
            "{clean:?}"
        );
        assert_eq!(clean[3], 0.0);
        // The padded phrases that no clean writer uses count as well.
        let more = "They fought each various other for years.";
        let x = features(more, &tokenize(more), &[], lm.as_ref());
        assert!(x[3] > 0.5, "{x:?}");
    }

    #[test]
    fn spun_scores_above_clean() {
        let spun = spin(
            CLEAN,
            Lexicon::embedded(),
            &SpinOptions {
                rate: 0.6,
                seed: 3,
                ..SpinOptions::default()
            },
            None,
        );
        let (s, c) = (score(&spun.text), score(CLEAN));
        assert!(s > c, "spun {s} clean {c}\n{}", spun.text);
        assert!((0.0..=1.0).contains(&s) && (0.0..=1.0).contains(&c));
    }

    /// A stub of names and numbers has few words for its shares to mean much: these two scored
    /// 0.83 and 0.98 ("spun") on their names' unattested bigrams before the pseudo-count.
    #[test]
    fn a_short_clean_stub_is_not_called_spun() {
        for stub in [
            "Jānis Ozoliņš (born 3 March 1996) is a Latvian luger who competed at the 2018 \
             Winter Olympics in Pyeongchang.",
            "Kārlis Bērziņš (born 14 May 1995) is a Latvian short track speed skater who \
             competed at the 2018 Winter Olympics.",
        ] {
            let s = score(stub);
            assert_ne!(verdict(s), Verdict::Spun, "{s}: {stub}");
        }
    }

    #[test]
    fn words_of_addresses_and_identifiers_are_not_scored() {
        let at = |text: &str, word: &str| {
            let start = text.find(word).unwrap();
            in_identifier(text, start, start + word.len())
        };
        assert!(at("Mail abigail@abigail.be now", "abigail"));
        assert!(at("See example.com today", "example"));
        assert!(at("See example.com today", "com"));
        assert!(at("Open http://host/path", "http"));
        assert!(at("Call foo_bar here", "foo"));
        assert!(!at("It works as follows: first we wait.", "follows"));
        assert!(!at("It works as follows: first we wait.", "first"));
        assert!(!at("The end. Then more.", "end"));
        assert!(!at("The end. Then more.", "Then"));
    }

    /// A list of names and addresses (an AUTHORS file) is no evidence of spinning: spinners
    /// keep names, so only words written in lower case are scored.
    #[test]
    fn a_list_of_names_is_not_judged_spun() {
        let authors = "Abigail Bream <abigail@abigail.be>\nAbir Viqar <abiviq@hushmail.com>\n\
                       Achim Bohnet <ach@mpe.mpg.de>\nAdam Flott <adam@npjh.com>\n\
                       Adam Krolnik <adamk@gypsy.cyrix.com>\nAdam Milner <carmiac@nmt.edu>\n\
                       Adrian Bunk <bunk@stusta.de>\nAkim Demaille <akim.demaille@gmail.com>\n\
                       Alain Magloire <alain@qnx.com>\nAlan Curry <pacman-cu@kosh.dhis.org>\n"
            .repeat(5);
        let (score, verdict) = score_text(&authors, &tokenize(&authors), &[]);
        assert_ne!(verdict, Verdict::Spun, "{score}");
    }

    #[test]
    fn verdict_bands() {
        assert_eq!(verdict(0.9), Verdict::Spun);
        assert_eq!(verdict(0.5), Verdict::Uncertain);
        assert_eq!(verdict(0.1), Verdict::Clean);
        assert!(score("").is_finite());
    }
}
