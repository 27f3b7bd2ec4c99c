//! The engine: runs the detectors over a text and assembles a [`Report`].

use crate::decode::Decoder;
use crate::finding::{apply, resolve_overlaps, Finding, Report};
use crate::rules::RuleSet;
use crate::score::{score_text_allowing, SPUN_AT};
use crate::token::{title_cased, tokenize, TokenKind};

/// Findings count toward the document score from this confidence on: the default threshold,
/// with which the score model was fitted (`unspin eval score --fit`).
pub const SCORED_FROM: f32 = 0.5;

/// Marker that suppresses findings on its line (for texts that quote tortured phrases on purpose).
pub const IGNORE_LINE: &str = "unspin: ignore";
/// Marker that suppresses every finding in the document.
pub const IGNORE_FILE: &str = "unspin: ignore-file";

#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Rule packs only; no language model.
    pub fast: bool,
    /// Findings below this confidence are not reported.
    pub min_confidence: f32,
    /// Phrases never reported (compared in normalized form).
    pub allow: Vec<String>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            fast: false,
            min_confidence: SCORED_FROM,
            allow: Vec::new(),
        }
    }
}

/// Rule packs plus (unless `fast`) the noisy-channel decoder. Cheap to share between threads.
pub struct Engine {
    pub rules: RuleSet,
    pub decoder: Option<Decoder>,
    pub options: EngineOptions,
    /// Known names for the broken-name check (`crate::names`); `None` turns it off.
    pub gazetteer: Option<crate::names::SharedGazetteer>,
}

impl Engine {
    /// A hint that about `bytes` of text are coming (see [`crate::lm::LanguageModel::expect_text`]).
    pub fn expect_text(&self, bytes: u64) {
        if let Some(decoder) = &self.decoder {
            decoder.language_model().expect_text(bytes);
        }
        // The document score asks the embedded model whatever model the decoder uses.
        crate::lm::LanguageModel::expect_text(crate::lm::default_model().as_ref(), bytes);
    }

    pub fn new(rules: RuleSet, decoder: Option<Decoder>, options: EngineOptions) -> Self {
        Engine {
            rules,
            decoder,
            options,
            gazetteer: Some(crate::names::SharedGazetteer::Embedded),
        }
    }

    /// The engine every front end builds (CLI, server, Python bindings): the built-in rules and
    /// every rule file in `rule_files`, the noisy-channel decoder over `lm` (none when
    /// `options.fast`: a fast run needs no model) and the names check over `gazetteer`. With a
    /// model file (`lm_is_file`), the registry list also drops the entries that model finds
    /// ordinary English.
    pub fn standard(
        rule_files: &[std::path::PathBuf],
        lm: Option<std::sync::Arc<dyn crate::lm::LanguageModel>>,
        lm_is_file: bool,
        gazetteer: crate::names::SharedGazetteer,
        options: EngineOptions,
    ) -> crate::Result<Engine> {
        let decoder = lm.filter(|_| !options.fast).map(Decoder::new);
        let mut rules = crate::rules::RuleSetBuilder::new();
        rules.add_builtin()?;
        if let Some(d) = decoder.as_ref().filter(|_| lm_is_file) {
            rules.filter_registry_list(d.language_model());
        }
        for path in rule_files {
            rules.load_path(path)?;
        }
        Ok(Engine::new(rules.build()?, decoder, options).with_gazetteer(Some(gazetteer)))
    }

    /// Use another gazetteer (e.g. one mined from a corpus), or none.
    pub fn with_gazetteer(mut self, gazetteer: Option<crate::names::SharedGazetteer>) -> Self {
        self.gazetteer = gazetteer;
        self
    }

    /// Check one document.
    pub fn check(&self, text: &str) -> Report {
        self.check_at(text, self.options.min_confidence)
    }

    /// Check one document, reporting findings of `min_confidence` or more instead of the
    /// options' threshold (a server's per-request threshold). The threshold picks what is
    /// reported, not how the document is judged: the score and the evidence gated on it come
    /// from the findings of [`SCORED_FROM`] or more whatever the threshold, so that raising it to
    /// cut noise does not turn a spun document "uncertain".
    pub fn check_at(&self, text: &str, min_confidence: f32) -> Report {
        self.check_with_evidence(text, min_confidence).0
    }

    /// [`Engine::check_at`], with the findings the document score was computed from (a large
    /// file checked in parts is scored again from all its parts' evidence).
    pub fn check_with_evidence(&self, text: &str, min_confidence: f32) -> (Report, Vec<Finding>) {
        // Words disguised with look-alike letters of another script (crate::homoglyph): every
        // detector reads the text in Latin letters, and the findings are placed back in the text
        // as written, the disguised words among them.
        let Some(latin) = crate::homoglyph::Latin::of(text) else {
            // Words with invisible characters inside read as they look already (the tokenizer
            // and the rule matcher pass over them); they are reported, for `restore` to clean.
            let hidden = if crate::homoglyph::may_hide_characters(text) {
                crate::homoglyph::findings(text, &tokenize(text))
            } else {
                Vec::new()
            };
            return self.check_latin(text, min_confidence, hidden);
        };
        let mut disguised = crate::homoglyph::findings(text, &tokenize(text));
        for f in &mut disguised {
            (f.start, f.end) = (latin.from_written(f.start), latin.from_written(f.end));
            f.text = latin.text[f.start..f.end].to_string();
        }
        let (mut report, mut evidence) = self.check_latin(&latin.text, min_confidence, disguised);
        for f in report.findings.iter_mut().chain(&mut evidence) {
            (f.start, f.end) = (latin.to_written(f.start), latin.to_written(f.end));
            f.text = text[f.start..f.end].to_string();
        }
        (report, evidence)
    }

    /// [`Engine::check_with_evidence`] of a text in Latin letters, given the findings of its
    /// disguised words ([`crate::homoglyph::findings`], placed in it).
    fn check_latin(
        &self,
        text: &str,
        min_confidence: f32,
        disguised: Vec<Finding>,
    ) -> (Report, Vec<Finding>) {
        let tokens = tokenize(text);
        let words = tokens.iter().filter(|t| t.kind == TokenKind::Word).count();
        // Found down to the lower of the two thresholds; scored from SCORED_FROM, reported
        // from `min_confidence`.
        let gather = min_confidence.min(SCORED_FROM);
        let mut findings = self.rules.find(text, &tokens);
        // A text in another language is read by the rule packs' exact phrases only: the English
        // models would see a garbled spin in every sentence of it (crate::language).
        let foreign = crate::language::foreign_language(text, &tokens);
        if !self.options.fast && foreign.is_none() {
            if let Some(decoder) = &self.decoder {
                for f in findings.iter_mut().filter(|f| f.suggestion == f.text) {
                    propose_original(decoder, text, &tokens, f);
                }
                findings.extend(decoder.find_above(text, &tokens, gather));
            }
            if let Some(g) = &self.gazetteer {
                let lexicon = crate::lexicon::Lexicon::embedded();
                findings.extend(crate::names::name_findings(text, &tokens, lexicon, g));
            }
        }
        let ignored = IgnoredLines::of(text);
        let allow = self.allowed();
        // Words disguised with look-alike letters of another script, in any language and mode;
        // a finding of another detector over the same word says more (its suggestion is in
        // Latin letters too), so these fill in around the others ([`with_disguised`]).
        let disguised = self.filter(&ignored, &allow, gather, disguised);
        // The document score does not count the phrases the writer allows either.
        let score_of = |findings: &[Finding]| {
            let evidence = scored(findings);
            let (score, verdict) = match foreign {
                None => score_text_allowing(text, &tokens, &evidence, &allow),
                Some(_) => crate::score::foreign_score(&evidence),
            };
            (score, verdict, evidence)
        };
        let mut kept = self.filter(&ignored, &allow, gather, resolve_overlaps(findings));
        drop_lone_patterns(text, &tokens, &mut kept, &allow);
        kept = with_disguised(kept, &disguised);
        let (mut score, mut verdict, mut evidence) = score_of(&kept);
        // In a document already judged spun, two kinds of evidence too weak on their own are
        // trusted: collocation repairs (alone they would fire on clean text's rare but real
        // pairs, decode::collocation) and the document's keys (a spinner replaces a phrase
        // everywhere, crate::keys).
        if score >= SPUN_AT && !self.options.fast && foreign.is_none() {
            // A disguised word gives way to a repair or a key as to any other finding.
            kept.retain(|f| f.rule != crate::homoglyph::RULE_ID);
            let mut changed = false;
            if let Some(decoder) = &self.decoder {
                let repairs = decoder.collocation_findings(text, &tokens, score);
                if !repairs.is_empty() {
                    kept.extend(repairs);
                    kept = self.filter(&ignored, &allow, gather, resolve_overlaps(kept));
                    changed = true;
                }
            }
            let lm = self.decoder.as_ref().map(|d| d.language_model());
            // The keys are read off what is found so far, repairs included.
            let carried = crate::keys::carry_keys(text, &tokens, &scored(&kept), score, lm);
            if !carried.is_empty() {
                kept.extend(carried);
                kept = self.filter(&ignored, &allow, gather, resolve_overlaps(kept));
                changed = true;
            }
            kept = with_disguised(kept, &disguised);
            if changed {
                (score, verdict, evidence) = score_of(&kept);
            }
        }
        let mut findings: Vec<Finding> = kept
            .into_iter()
            .filter(|f| f.confidence >= min_confidence)
            .collect();
        agree_articles(text, &tokens, &mut findings);
        let report = Report {
            score,
            verdict,
            findings,
            words,
            language: foreign.map(|f| f.code.to_string()),
        };
        (report, evidence)
    }

    /// Check and apply every finding: the most probable original text.
    pub fn restore(&self, text: &str) -> (String, Report) {
        let report = self.check(text);
        (apply(text, &report.findings), report)
    }

    /// The allowed phrases, normalized.
    fn allowed(&self) -> Vec<String> {
        self.options
            .allow
            .iter()
            .map(|a| crate::token::normalize(a).into_owned())
            .collect()
    }

    /// The findings at `min_confidence` or above, outside ignored lines and allowed phrases
    /// (`allow`: [`Engine::allowed`], normalized once per check).
    fn filter(
        &self,
        ignored: &IgnoredLines,
        allow: &[String],
        min_confidence: f32,
        findings: Vec<Finding>,
    ) -> Vec<Finding> {
        if ignored.whole_text {
            return Vec::new();
        }
        findings
            .into_iter()
            .filter(|f| f.confidence >= min_confidence)
            .filter(|f| !allow.iter().any(|a| *a == crate::token::normalize(&f.text)))
            .filter(|f| !ignored.covers(f.start, f.end))
            .collect()
    }
}

/// `kept` with the disguised words ([`crate::homoglyph::findings`]) that no other finding
/// covers, in order of start (any disguised word `kept` holds is taken out first, so that one
/// under a later repair or key gives way to it).
fn with_disguised(mut kept: Vec<Finding>, disguised: &[Finding]) -> Vec<Finding> {
    if disguised.is_empty() {
        return kept;
    }
    kept.retain(|f| f.rule != crate::homoglyph::RULE_ID);
    // `kept` does not overlap itself, so sorted by start its ends increase too: the one finding
    // that could cover a word is the last to start before it ends (a scan of all of them per
    // word was quadratic).
    kept.sort_by_key(|f| f.start);
    let free: Vec<Finding> = disguised
        .iter()
        .filter(|d| {
            let before_end = kept.partition_point(|f| f.start < d.end);
            before_end == 0 || kept[before_end - 1].end <= d.start
        })
        .cloned()
        .collect();
    kept.extend(free);
    kept.sort_by_key(|f| f.start);
    kept
}

/// The findings that count toward the document score: those of [`SCORED_FROM`] or more.
/// A stray letter of another script ([`crate::homoglyph::STRAY_CONFIDENCE`]) is an accident of
/// the text, no evidence of a spinner: it is restored but not counted.
fn scored(findings: &[Finding]) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.confidence >= SCORED_FROM)
        .filter(|f| {
            f.rule != crate::homoglyph::RULE_ID || f.confidence >= crate::homoglyph::CONFIDENCE
        })
        .cloned()
        .collect()
}

/// Spinner patterns ("has actually" → "has", "will certainly" → "will", "any kind of" → "any")
/// are habits: a spinner pads every auxiliary it meets, so a spun text holds them again and again
/// (seed001: dozens). A writer uses one now and then, and one such phrase reads to the language
/// model exactly like padding. So a pattern finding stands only with another beside it in the
/// document, or in a document the other findings already make spun. "Another" is another
/// padding: a writer who likes "had actually" writes it twice (two clean enwiki2018 articles of
/// 10,000), while a spinner pads with all its habits ("has actually", "will certainly", "any type
/// of", "as well as").
const MIN_PATTERN_PADDINGS: usize = 2;

/// ... and the patterns must be habits of this document, not two coincidences in a book: at
/// least one pattern finding per this many words (seed001 has one per 15 words; the Rust book's
/// one-page print, 300,000 words, had four, each an ordinary "any kind of" or "have actually").
const WORDS_PER_PATTERN: usize = 1000;

/// Only findings this confident are evidence for or against a pattern, whatever threshold the
/// caller reports at: an "as well as" at 0.07 that `--min-confidence 0` keeps is ordinary
/// English, and must not make a "has actually" at 0.83 stand that the default threshold drops
/// (lowering the threshold only adds findings below the default).
const PATTERN_EVIDENCE: f32 = 0.5;

fn drop_lone_patterns(
    text: &str,
    tokens: &[crate::token::Token],
    kept: &mut Vec<Finding>,
    allow: &[String],
) {
    // Each finding's pattern, looked up once.
    let patterns: Vec<Option<&crate::channel::Pattern>> = kept
        .iter()
        .map(|f| crate::channel::pattern(&f.text, &f.suggestion))
        .collect();
    let is_pattern: Vec<bool> = patterns.iter().map(Option::is_some).collect();
    let evidence = |i: usize| kept[i].confidence >= PATTERN_EVIDENCE;
    if !(0..kept.len()).any(|i| is_pattern[i] && evidence(i)) {
        return;
    }
    // English that careful writers use too ("the very same day") is no habit of its own, and
    // habits that add the same ("has actually", "had actually") are one. Nor is a habit written
    // in title case ("Why Investors Will Certainly Watch The Fed"): a headline or a title of a
    // work, one occurrence that says nothing of the writer's habits.
    let paddings: Vec<&str> = (0..kept.len())
        .filter(|&i| evidence(i) && !title_cased(kept[i].text.split_whitespace()))
        .filter_map(|i| patterns[i]?.padding)
        .collect();
    let habits = paddings.len();
    let paddings: std::collections::HashSet<&str> = paddings.into_iter().collect();
    let words = tokens
        .iter()
        .filter(|t| t.kind == crate::token::TokenKind::Word)
        .count();
    if paddings.len() >= MIN_PATTERN_PADDINGS && habits * WORDS_PER_PATTERN >= words {
        return;
    }
    // Whether the other findings make the document spun, read from the confident ones too.
    let confident: Vec<Finding> = (0..kept.len())
        .filter(|&i| !is_pattern[i] && evidence(i))
        .map(|i| kept[i].clone())
        .collect();
    if score_text_allowing(text, tokens, &confident, allow).0 < SPUN_AT {
        let mut i = 0;
        kept.retain(|_| {
            i += 1;
            !is_pattern[i - 1]
        });
    }
}

/// The indefinite article a word takes, by its spelling: "an" before a vowel sound. Spelling
/// misleads for a few words ("a unique", "an hour"); those are handled by the common prefixes.
fn indefinite_article(word: &str) -> &'static str {
    let w = word.to_lowercase();
    const A_BEFORE: [&str; 8] = ["uni", "use", "usu", "uti", "ure", "eu", "one", "once"];
    const AN_BEFORE: [&str; 4] = ["hour", "honest", "honor", "heir"];
    if AN_BEFORE.iter().any(|p| w.starts_with(p)) {
        return "an";
    }
    if A_BEFORE.iter().any(|p| w.starts_with(p)) {
        return "a";
    }
    match w.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// A replacement after "a"/"an" may need the other article ("an irregular woodland" → "a random
/// forest": the spinner fixed the article, so restoring the words alone leaves "an random"). Where
/// the written article agrees with the written word (so the rule above reads this text right) and
/// disagrees with the suggestion, the finding takes the article in, a disguised one too ("а" in
/// Cyrillic, whose own finding it replaces: crate::homoglyph).
fn agree_articles(text: &str, tokens: &[crate::token::Token], findings: &mut Vec<Finding>) {
    // Findings do not overlap (`resolve_overlaps`), so sorted by start their ends increase too:
    // the one finding that could cover an article is the last to start before it ends.
    let mut covered: Vec<(usize, usize)> = findings
        .iter()
        .filter(|f| f.rule != crate::homoglyph::RULE_ID)
        .map(|f| (f.start, f.end))
        .collect();
    covered.sort_unstable();
    let is_covered = |start: usize, end: usize| {
        let before_end = covered.partition_point(|&(s, _)| s < end);
        before_end > 0 && covered[before_end - 1].1 > start
    };
    let mut taken = Vec::new();
    for f in findings.iter_mut() {
        let Ok(i) = tokens.binary_search_by_key(&f.start, |t| t.start) else {
            continue;
        };
        let Some(article) = i.checked_sub(1).map(|j| &tokens[j]) else {
            continue;
        };
        let written_article = article.text(text);
        let between = &text[article.end..f.start];
        if !matches!(written_article.to_lowercase().as_str(), "a" | "an")
            || between.is_empty()
            || !between.chars().all(char::is_whitespace)
            || is_covered(article.start, article.end)
        {
            continue;
        }
        let first = |s: &str| s.split_whitespace().next().unwrap_or("").to_string();
        let (written_word, suggested_word) = (first(&f.text), first(&f.suggestion));
        if suggested_word.is_empty()
            || indefinite_article(&written_word) != written_article.to_lowercase()
        {
            continue;
        }
        let wanted = indefinite_article(&suggested_word);
        if wanted == written_article.to_lowercase() {
            continue;
        }
        let wanted = crate::token::match_case(written_article, wanted);
        f.suggestion = format!("{wanted}{between}{}", f.suggestion);
        f.start = article.start;
        f.text = text[f.start..f.end].to_string();
        taken.push(article.start);
    }
    // In order of start, as the findings are.
    if !taken.is_empty() {
        findings.retain(|f| {
            f.rule != crate::homoglyph::RULE_ID || taken.binary_search(&f.start).is_err()
        });
    }
}

/// The lines of a text that hold [`IGNORE_LINE`], and whether it holds [`IGNORE_FILE`], found
/// once per text: a scan of each finding's line made a long one-line text with many findings
/// quadratic.
struct IgnoredLines {
    /// The text holds [`IGNORE_FILE`]: nothing in it is reported.
    whole_text: bool,
    /// Byte offset of every newline, in order (only when some line is ignored).
    newlines: Vec<usize>,
    /// Index of every line holding the marker, in order.
    marked: Vec<usize>,
}

impl IgnoredLines {
    fn of(text: &str) -> Self {
        let mut lines = IgnoredLines {
            whole_text: text.contains(IGNORE_FILE),
            newlines: Vec::new(),
            marked: Vec::new(),
        };
        let markers: Vec<usize> = text.match_indices(IGNORE_LINE).map(|(i, _)| i).collect();
        if !markers.is_empty() {
            lines.newlines = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
            lines.marked = markers.iter().map(|&m| lines.line_of(m)).collect();
        }
        lines
    }

    /// Index of the line holding byte `pos`.
    fn line_of(&self, pos: usize) -> usize {
        self.newlines.partition_point(|&n| n < pos)
    }

    /// Whether a line from the one holding `start` to the one holding `end` is marked.
    fn covers(&self, start: usize, end: usize) -> bool {
        if self.marked.is_empty() {
            return false;
        }
        let (first, last) = (self.line_of(start), self.line_of(end));
        let i = self.marked.partition_point(|&l| l < first);
        self.marked.get(i).is_some_and(|&l| l <= last)
    }
}

/// A list finding whose rule knows no original ("tortured phrase (original wording unknown)"):
/// the model's proposal ([`crate::decode::propose`]) becomes its suggestion when it is a clear
/// winner and the model counts running text. Otherwise the finding is left as it is: about
/// half of the clear winners of a model of running text are the screener's expected phrase,
/// but only 26% of the embedded model's (a list of frequent bigrams makes PMI a poor judge)
/// and 18% of all proposals (docs/evaluation.md, "The registry list").
fn propose_original(
    decoder: &Decoder,
    text: &str,
    tokens: &[crate::token::Token],
    f: &mut Finding,
) {
    if !decoder.language_model().attests_bigrams() {
        return;
    }
    let words: Vec<String> = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word && t.start >= f.start && t.end <= f.end)
        .map(|t| crate::token::normalize(t.text(text)).into_owned())
        .collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let scored = decoder.scored_originals(&refs, 2);
    let Some((best, reading)) = scored.first() else {
        return;
    };
    let runner_up = scored.get(1).map_or(f64::NEG_INFINITY, |s| s.0);
    if best - runner_up >= crate::decode::propose::CLEAR_MARGIN {
        // The reading is normalized words joined by spaces: a possessive or contraction joins its
        // word again ("alzheimer 's disease" → "alzheimer's disease"), in the writer's apostrophe.
        let mut reading = reading.replace(" '", "'");
        if f.text.contains('\u{2019}') {
            reading = reading.replace('\'', "\u{2019}");
        }
        f.suggestion = crate::token::match_case(&f.text, &reading);
        f.message.push_str(&format!(
            "; the language model proposes \u{201c}{reading}\u{201d}"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::CountsModel;
    use std::sync::Arc;

    /// An engine whose decoder has a model of running text (so collocation repairs are possible).
    /// The channel with the embedded model and no rule pack.
    /// The engine a default run builds: the embedded model, lists and names.
    fn standard_engine() -> Engine {
        Engine::standard(
            &[],
            Some(crate::lm::default_model()),
            false,
            crate::names::SharedGazetteer::Embedded,
            EngineOptions::default(),
        )
        .unwrap()
    }

    fn embedded_engine(options: EngineOptions) -> Engine {
        Engine::new(
            crate::rules::RuleSetBuilder::new().build().unwrap(),
            Some(Decoder::new(crate::lm::default_model())),
            options,
        )
    }

    fn engine() -> Engine {
        let m = CountsModel::from_lines(
            2,
            &[
                (
                    30,
                    "the country was placed under martial law after the coup",
                ),
                (30, "martial law was lifted last year"),
                (30, "new legislation on taxes was passed"),
                (100, "people discussed the weather all day long"),
                (100, "children played in the garden near the river"),
            ],
        );
        Engine::new(
            RuleSet::empty(),
            Some(Decoder::new(Arc::new(m))),
            EngineOptions::default(),
        )
    }

    #[test]
    fn ignored_lines_are_those_holding_the_marker() {
        // The definition: a finding is ignored when the lines from its start to its end hold
        // the marker.
        let naive = |text: &str, start: usize, end: usize| {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
            text[line_start..line_end].contains(IGNORE_LINE)
        };
        for text in [
            "as well as\nhas actually # unspin: ignore\n\nany type of\nunspin: ignore it",
            "no marker here\nnor here",
            "unspin: ignore\n",
        ] {
            let ignored = IgnoredLines::of(text);
            for start in 0..=text.len() {
                for end in start..=text.len() {
                    assert_eq!(
                        ignored.covers(start, end),
                        naive(text, start, end),
                        "{text:?} {start}..{end}"
                    );
                }
            }
        }
    }

    /// A text in another language is not judged by the English models: read through them, six
    /// paragraphs of French news scored 0.87 ("spun"). Its score is the prior, and a phrase list's
    /// fingerprints alone can move it.
    #[test]
    fn a_text_in_another_language_is_not_judged() {
        let e = standard_engine();
        let french = "Le président de la République a annoncé mardi une série de mesures \
            destinées à soutenir le pouvoir d'achat des ménages. Selon le gouvernement, ces aides \
            devraient entrer en vigueur dès le mois prochain et concerner plusieurs millions de \
            foyers. Les syndicats ont salué une avancée, tout en estimant que les efforts restent \
            insuffisants face à la hausse des prix de l'énergie et des produits alimentaires.\n\n";
        let r = e.check(&french.repeat(6));
        assert_eq!(r.language.as_deref(), Some("fra"));
        assert_eq!(r.score, crate::language::FOREIGN_SCORE);
        assert_eq!(r.verdict, crate::Verdict::Uncertain);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        // The same text read as English (as before the language check) is judged spun: the
        // check is what keeps it out.
        let tokens = tokenize(french.repeat(6).as_str());
        let (score, _) = score_text_allowing(&french.repeat(6), &tokens, &[], &[]);
        assert!(score >= SPUN_AT, "{score}");
        // English is judged as ever.
        let english = e.check(
            "The president announced on Tuesday a series of measures meant \
            to support the purchasing power of households, which the unions welcomed.",
        );
        assert_eq!(english.language, None);
    }

    /// Latin letters swapped for Cyrillic look-alikes hide nothing: a disguised spun text gets
    /// the findings of the same text in Latin letters, each disguised word one of its own, and
    /// restores to the same text; a list phrase is found through the disguise. Written wholly
    /// in look-alikes, English is still English (it read as Macedonian).
    #[test]
    fn words_disguised_with_look_alike_letters_are_read_as_latin() {
        let e = standard_engine();
        let plain = "Ukrainian Head of state Volodymyr Zelenskyy has actually said that the \
            army as well as the navy will certainly fight on, and that any type of talks with the \
            Russian head of state must wait. The counterfeit consciousness of the drones has \
            actually helped as well as hurt.";
        let disguise = |share: usize| -> String {
            let mut k = 0;
            plain
                .chars()
                .map(|c| {
                    let swap = match c {
                        'a' => '\u{0430}',
                        'e' => '\u{0435}',
                        'o' => '\u{043E}',
                        'c' => '\u{0441}',
                        'p' => '\u{0440}',
                        _ => return c,
                    };
                    k += 1;
                    if k % 10 < share {
                        swap
                    } else {
                        c
                    }
                })
                .collect()
        };
        let seen = |r: &Report| -> Vec<String> {
            r.findings
                .iter()
                .filter(|f| f.rule != crate::homoglyph::RULE_ID)
                .map(|f| format!("{} {}", f.rule, f.suggestion))
                .collect()
        };
        let expected = e.check(plain);
        assert!(expected.findings.len() >= 5, "{:?}", expected.findings);
        let (restored, _) = e.restore(plain);
        for share in [3, 10] {
            let text = disguise(share);
            let r = e.check(&text);
            assert_eq!(r.language, None, "{share}");
            assert_eq!(seen(&r), seen(&expected), "{share}");
            assert!(r
                .findings
                .iter()
                .any(|f| f.rule == crate::homoglyph::RULE_ID));
            assert_eq!(e.restore(&text).0, restored, "{share}");
        }
        // One stray letter is restored but no evidence: the score is that of the plain text.
        let stray = plain.replacen("drones", "dr\u{043E}nes", 1);
        let r = e.check(&stray);
        assert!(r
            .findings
            .iter()
            .any(|f| f.rule == crate::homoglyph::RULE_ID
                && f.confidence == crate::homoglyph::STRAY_CONFIDENCE));
        assert_eq!(r.score, expected.score);
        assert_eq!(e.restore(&stray).0, restored);
    }

    /// A disguised article ("а" in Cyrillic, its own finding in a disguised text) agrees with
    /// the phrase restored after it as a written one does.
    #[test]
    fn a_disguised_article_agrees_with_the_restored_phrase() {
        let e = standard_engine();
        let text =
            "This is \u{0430} counterfeit consciousness syst\u{0435}m, w\u{0435} kn\u{043E}w \
            it w\u{0435}ll.";
        let (restored, report) = e.restore(text);
        assert_eq!(
            restored,
            "This is an artificial intelligence system, we know it well."
        );
        for f in &report.findings {
            assert_eq!(f.text, text[f.start..f.end]);
        }
    }

    /// The disguised words are placed among the other findings in one pass over both: comparing
    /// each with every other finding took minutes on a disguised page of a few megabytes.
    #[test]
    fn disguised_words_are_placed_in_linear_time() {
        let finding = |start: usize, rule: &str| Finding {
            start,
            end: start + 2,
            text: "ab".into(),
            suggestion: "cd".into(),
            alternatives: Vec::new(),
            confidence: 0.95,
            rule: rule.into(),
            message: String::new(),
        };
        let n = 200_000;
        let kept: Vec<Finding> = (0..n).map(|k| finding(8 * k, "key")).collect();
        // Every other one under a kept finding.
        let disguised: Vec<Finding> = (0..n)
            .map(|k| finding(8 * k + 4 * (k % 2), crate::homoglyph::RULE_ID))
            .collect();
        let placed = with_disguised(kept, &disguised);
        assert_eq!(placed.len(), n + n / 2);
        assert!(placed.windows(2).all(|w| w[0].end <= w[1].start));
    }

    /// The reporting threshold picks what is shown, not how the document is judged: a spun text
    /// stays spun with its findings hidden, and weak findings shown below 0.5 are not counted.
    #[test]
    fn the_reporting_threshold_does_not_change_the_verdict() {
        let e = embedded_engine(EngineOptions::default());
        let text =
            "The firm has actually said it will certainly sell any type of product, as well \
                    as services, and it has actually grown. It will certainly grow as well as \
                    hire, and any type of worker is welcome.";
        let at_default = e.check(text);
        assert_eq!(
            at_default.verdict,
            crate::Verdict::Spun,
            "{}",
            at_default.score
        );
        for threshold in [0.0, 0.3, 0.9, 1.0] {
            let r = e.check_at(text, threshold);
            assert_eq!(r.score, at_default.score, "at {threshold}");
            assert!(r.findings.iter().all(|f| f.confidence >= threshold));
        }
        assert!(e.check_at(text, 1.0).findings.len() < at_default.findings.len());
    }

    /// A list rule that knows no original gets the model's clear proposal, and only from a model
    /// of running text.
    #[test]
    fn a_list_finding_without_an_original_gets_the_models_proposal() {
        let rules = |text: &str| {
            let mut b = crate::rules::RuleSetBuilder::new();
            b.add_pps_csv(
                "t.csv",
                &format!("tortured_phrase,expected_phrase,num_papers\n{text}"),
            )
            .unwrap();
            b.build().unwrap()
        };
        let m = CountsModel::from_lines(
            3,
            &[
                (40, "we trained a deep learning model on the data"),
                (20, "deep learning needs a lot of data"),
                (50, "she had a profound effect on all of us"),
            ],
        );
        let text = "They used profound learning for it.";
        let e = Engine::new(
            rules("\"profound learning\",???,3"),
            Some(Decoder::new(Arc::new(m))),
            EngineOptions::default(),
        );
        let r = e.check(text);
        assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
        assert_eq!(r.findings[0].suggestion, "deep learning");
        assert!(r.findings[0].message.contains("proposes"));
        // The embedded model's bigrams are a list of frequent pairs: no proposal.
        let e = Engine::new(
            rules("\"profound learning\",???,3"),
            Some(Decoder::new(crate::lm::default_model())),
            EngineOptions::default(),
        );
        let r = e.check(text);
        assert_eq!(r.findings[0].suggestion, "profound learning");
    }

    /// A proposal spelled from normalized words keeps the possessive on its word, in the
    /// writer's apostrophe.
    #[test]
    fn a_proposal_keeps_the_possessive_on_its_word() {
        let mut b = crate::rules::RuleSetBuilder::new();
        b.add_pps_csv(
            "t.csv",
            "tortured_phrase,expected_phrase,num_papers\n\"Alzheimer's illness\",???,3",
        )
        .unwrap();
        let m = CountsModel::from_lines(
            3,
            &[
                (40, "patients with alzheimer 's disease were studied"),
                (30, "the illness was long and the disease was rare"),
            ],
        );
        let e = Engine::new(
            b.build().unwrap(),
            Some(Decoder::new(Arc::new(m))),
            EngineOptions::default(),
        );
        for (text, want) in [
            ("Studies of Alzheimer's illness.", "Alzheimer's disease"),
            (
                "Studies of Alzheimer\u{2019}s illness.",
                "Alzheimer\u{2019}s disease",
            ),
        ] {
            let r = e.check(text);
            assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
            assert_eq!(r.findings[0].suggestion, want);
        }
    }

    #[test]
    fn a_replacement_after_an_article_takes_the_article_it_needs() {
        assert_eq!(indefinite_article("random"), "a");
        assert_eq!(indefinite_article("irregular"), "an");
        assert_eq!(indefinite_article("unique"), "a");
        assert_eq!(indefinite_article("hour"), "an");
        let mut b = crate::rules::RuleSetBuilder::new();
        b.add_pps_csv(
            "t.csv",
            "tortured_phrase,expected_phrase,num_papers\n\
             \"irregular woodland\",\"random forest\",3\n\
             \"profound learning\",\"deep learning\",3",
        )
        .unwrap();
        let e = Engine::new(b.build().unwrap(), None, EngineOptions::default());
        let restored = |text: &str| e.restore(text).0;
        assert_eq!(
            restored("We fit an irregular woodland. An irregular woodland won."),
            "We fit a random forest. A random forest won."
        );
        // The article already fits the suggestion: left alone.
        assert_eq!(
            restored("It is a profound learning model."),
            "It is a deep learning model."
        );
        // Not an article before the span: nothing to agree.
        assert_eq!(
            restored("Two irregular woodland models."),
            "Two random forest models."
        );
    }

    /// One spinner pattern alone in an ordinary text is a writer's phrase; two paddings are a
    /// spinner's habits.
    #[test]
    fn a_lone_pattern_finding_needs_another_beside_it() {
        let e = embedded_engine(EngineOptions::default());
        let patterns = |r: &Report| {
            r.findings
                .iter()
                .filter(|f| crate::channel::is_pattern(&f.text, &f.suggestion))
                .count()
        };
        let one = "The committee has actually approved the budget for the new school \
                   building, and the work starts in the spring.";
        assert_eq!(patterns(&e.check(one)), 0);
        let same = "The committee has actually approved the budget for the new school \
                    building. The builders have actually started the work in the spring.";
        assert_eq!(
            patterns(&e.check(same)),
            0,
            "one padding twice is a writer's habit"
        );
        let spaced = same.replace("have actually", "have  actually");
        assert_eq!(patterns(&e.check(&spaced)), 0, "spaces say nothing");
        let two = "The committee has actually approved the budget for the new school \
                   building. The builders will certainly start the work in the spring.";
        assert_eq!(patterns(&e.check(two)), 2);
        // The same two paddings, 2,600 ordinary words apart: coincidences of a long text.
        let filler =
            "The library opened a new reading room for students near the river. ".repeat(220);
        let long = format!(
            "The committee has actually approved the budget. {filler}The builders will \
             certainly start the work in the spring."
        );
        assert_eq!(patterns(&e.check(&long)), 0, "two phrases in a long text");
    }

    /// A spinner's phrase written in title case is a headline or a title of a work ("Right Here
    /// Waiting", "Why Investors Will Certainly Watch The Fed"): no habit of the writer, so one
    /// ordinary "as well as" beside it leaves the page clean, and a quoted title is never
    /// "restored".
    #[test]
    fn a_spinners_phrase_in_a_title_is_no_habit() {
        let e = embedded_engine(EngineOptions::default());
        let text = "Richard Marx Brings \"Right Here Waiting\" Back To The Stage\n\n\
                    Marx opened his tour in Chicago with his hit \"Right Here Waiting,\" and the \
                    show also included newer material as well as covers of other songs.\n\n\
                    Pixar Gives Every Child Their Very Own Robot In New Short Film\n\n\
                    Why Investors Will Certainly Watch The Fed This Week\n\n\
                    Markets will focus on the decision of the Federal Reserve on Wednesday.";
        let r = e.check(text);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert_ne!(r.verdict, crate::Verdict::Spun, "{}", r.score);
        // A headline's habit and one of the body's are one padding, not two.
        let headline = "Why Investors Will Certainly Watch The Fed This Week\n\nThe bank has \
                        actually kept its rates unchanged since the spring, and traders expect \
                        no change at the meeting on Wednesday.";
        let r = e.check(headline);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        // A text in capitals says nothing by its case: its habits are habits.
        let shouted = "THE COMMITTEE HAS ACTUALLY APPROVED THE BUDGET FOR THE NEW SCHOOL. THE \
                       BUILDERS WILL CERTAINLY START THE WORK IN THE SPRING.";
        let r = e.check(shouted);
        let habits = r
            .findings
            .iter()
            .filter(|f| crate::channel::is_pattern(&f.text, &f.suggestion))
            .count();
        assert_eq!(habits, 2, "{:?}", r.findings);
    }

    /// A writer who allows "as well as" (house style) gets neither findings nor a spun verdict
    /// from it: the score reads the allowed phrase as the "and" it stands for.
    #[test]
    fn allowed_phrases_do_not_make_the_score() {
        let text = "The museum shows paintings as well as drawings. Its garden has roses as well \
                    as tulips. Visitors buy books as well as prints, and the cafe sells tea as \
                    well as cake. Guides speak English as well as French.";
        let engine = |allow: Vec<String>| {
            embedded_engine(EngineOptions {
                allow,
                ..EngineOptions::default()
            })
        };
        let plain = engine(Vec::new()).check(text);
        assert!(plain.score >= SPUN_AT, "{}", plain.score);
        let allowed = engine(vec!["As well as".to_string()]).check(text);
        assert!(allowed.findings.is_empty(), "{:?}", allowed.findings);
        assert!(allowed.score < SPUN_AT, "{}", allowed.score);
    }

    /// Lowering the threshold only adds findings below it: weak pattern findings kept at 0
    /// ("as well as" at 0.07) are no second padding for a confident one.
    #[test]
    fn a_lower_threshold_only_adds_findings_below_the_default() {
        let e = embedded_engine(EngineOptions::default());
        let text = "An absence of rest has actually been connected to cardiovascular disease,                     diabetic issues as well as clinical depression. Specialists state that                     routine workout and a healthy diet can improve the quality of your rest. If                     you have difficulty resting for greater than a couple of weeks, you ought to                     speak with your physician.";
        let confident = |min: f32| -> Vec<(usize, String)> {
            e.check_at(text, min)
                .findings
                .into_iter()
                .filter(|f| f.confidence >= 0.5)
                .map(|f| (f.start, f.suggestion))
                .collect()
        };
        let everything = e.check_at(text, 0.0);
        assert!(
            everything.findings.iter().any(|f| f.confidence < 0.5),
            "the text must hold weak findings for this test: {:?}",
            everything.findings
        );
        assert_eq!(confident(0.0), confident(0.5));
    }

    /// The same spinner pads more than "will" and "has" ("would certainly", "the very same",
    /// "each various other", "require to", "looks for to") and writes plain words as phrases
    /// ("political election", "home windows", "cars and truck", "tax obligations"). Each is restored in a spinner's text. In an ordinary text
    /// the phrases that careful writers use too are no evidence: a gushing review that writes
    /// five of them in forty words keeps them all.
    #[test]
    fn a_spinners_other_paddings_are_restored() {
        let e = standard_engine();
        let spun = "The officials said they would certainly hold a political election this \
                    week, as well as that the regions would certainly do the very same. The two \
                    armies have actually fought each various other for months, as well as every \
                    little thing has actually changed. The home windows of the dining \
                    establishment are broken, as well as we require to wait for the very best \
                    outcome. The manager looks for to win, as well as he has actually \
                    bought a cars and truck with his tax obligations.";
        assert_eq!(
            e.restore(spun).0,
            "The officials said they would hold an election this week, and that the regions \
             would do the same. The two armies have fought each other for months, and \
             everything has changed. The windows of the restaurant are broken, and we need to \
             wait for the best outcome. The manager seeks to win, and he has bought a car \
             with his taxes."
        );
        let plain = "I would certainly recommend the book. It arrived the very same day, and \
                     the story is the very best of the series. Each chapter has its very own \
                     voice, and readers require to pay attention to every little thing.";
        let findings = e.check(plain).findings;
        assert!(findings.is_empty(), "{findings:?}");
    }

    /// Phrases a spinner writes that writers also write in other constructions are no habit:
    /// "what to look for to spot", "the documents you require to file", "cars and truck
    /// engines". And one padding inflected or in other words ("any kind of" beside "any type
    /// of") is one habit, not two. None of these texts gets a finding.
    #[test]
    fn a_writers_phrases_that_look_like_a_spinners_are_no_habits() {
        let e = standard_engine();
        for text in [
            "When you see a used car in person, know what to look for to spot trouble. A \
             careful buyer will certainly drive away with a better deal, and the insurance \
             coverage will cost less too.",
            "Ask what a hiring manager looks for to fill a role, and what candidates look for \
             to choose an employer. A recent research study found that health and wellness \
             benefits and insurance coverage matter more than salary to many of them.",
            "Human resources can tell you which documents you require to roll over an old \
             account. Ask about health and wellness programs and your insurance coverage. Do \
             not assume any kind of protection you have not confirmed in writing.",
            "Our family shop has repaired cars and truck engines since 1982. We can fix any \
             kind of transmission problem, and our prices are fair. Call us for a quote.",
            "Do not assume any kind of protection you have not confirmed. Ask your employer \
             about any type of bonus. A recent research study found that health and wellness \
             benefits and insurance coverage matter more than salary.",
        ] {
            let r = e.check(text);
            assert!(r.findings.is_empty(), "{text}: {:?}", r.findings);
            assert!(r.score < SPUN_AT, "{text}: {}", r.score);
        }
    }

    /// Invisible characters inside words hide a phrase from exact matching; the engine reads
    /// through them, and `restore` writes the words without them.
    #[test]
    fn invisible_characters_inside_words_hide_nothing() {
        let e = standard_engine();
        let text = "We apply coun\u{200B}terfeit conscious\u{AD}ness to the wea\u{200B}ther \
                    data, and the ma\u{2060}yor has ac\u{200D}tually said so as well as the \
                    ci\u{200B}ty council.";
        let (restored, report) = e.restore(text);
        assert_eq!(
            restored,
            "We apply artificial intelligence to the weather data, and the mayor has said so \
             as well as the city council."
        );
        assert!(report
            .findings
            .iter()
            .any(|f| f.rule == "builtin:counterfeit-consciousness"));
    }

    /// Hard-wrapped text (e-mail, plain-text news) splits phrases across line ends; after a
    /// long line, a line that goes on in lower case continues its sentence, so the phrase is
    /// read whole. A short line, or one that starts with a capital, is an item of its own.
    #[test]
    fn a_phrase_wrapped_across_a_line_end_is_read_whole() {
        let e = standard_engine();
        let wrapped = "The mayor has actually resigned, and voters want a political\n\
                       election soon. The governor has actually agreed, and the economic\n\
                       climate will certainly improve, the council says. Any type\n\
                       of delay has actually hurt.";
        assert_eq!(
            e.restore(wrapped).0,
            "The mayor has resigned, and voters want an election soon. The governor has agreed, \
             and the economy will improve, the council says. Any delay has hurt."
        );
        // Short lines are items of their own (a list, or block elements of a page, which
        // markup extraction separates by one line end): no phrase of the decoder spans two.
        let list = format!("{wrapped}\n\nWhat to pack:\npet\ndog food\nthe very\nsame shoes");
        let r = e.check(&list);
        assert!(r.score >= SPUN_AT, "{}", r.score);
        let in_list = |f: &&Finding| f.start >= wrapped.len() && f.rule == "channel";
        assert!(
            r.findings
                .iter()
                .filter(in_list)
                .all(|f| !f.text.contains('\n')),
            "{:?}",
            r.findings
        );
    }

    #[test]
    fn collocation_repairs_need_a_document_judged_spun() {
        let e = engine();
        let repaired = |r: &Report| r.findings.iter().any(|f| f.rule == "collocation");
        // One odd pair in an otherwise ordinary text: no repair.
        let plain = "The country was placed under martial legislation after the coup. \
                     People discussed the weather all day long.";
        let r = e.check(plain);
        assert!(r.score < SPUN_AT, "{}", r.score);
        assert!(!repaired(&r), "{:?}", r.findings);
        // The same pair in a text full of a spinner's fingerprints: repaired.
        let spun = "The country has actually been placed under martial legislation as well as \
                    curfew. Children has actually played as well as sang, as well as the river \
                    has actually risen. Any type of weather will certainly do. Right here the \
                    people has actually gone home as well as slept as well as ate.";
        let r = e.check(spun);
        assert!(r.score >= SPUN_AT, "{}", r.score);
        let f = r
            .findings
            .iter()
            .find(|f| f.rule == "collocation")
            .expect("a repair");
        assert_eq!(
            (f.text.as_str(), f.suggestion.as_str()),
            ("legislation", "law")
        );
    }
}
