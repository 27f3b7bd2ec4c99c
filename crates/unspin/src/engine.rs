//! The engine: runs the detectors over a text and assembles a [`Report`].

use crate::decode::Decoder;
use crate::finding::{apply, resolve_overlaps, Finding, Report};
use crate::rules::RuleSet;
use crate::score::{score_text, SPUN_AT};
use crate::token::{tokenize, TokenKind};

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
            min_confidence: 0.5,
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
    pub fn new(rules: RuleSet, decoder: Option<Decoder>, options: EngineOptions) -> Self {
        Engine {
            rules,
            decoder,
            options,
            gazetteer: Some(crate::names::SharedGazetteer::Embedded),
        }
    }

    /// Use another gazetteer (e.g. one mined from a corpus), or none.
    pub fn with_gazetteer(mut self, gazetteer: Option<crate::names::SharedGazetteer>) -> Self {
        self.gazetteer = gazetteer;
        self
    }

    /// Check one document.
    pub fn check(&self, text: &str) -> Report {
        let tokens = tokenize(text);
        let words = tokens.iter().filter(|t| t.kind == TokenKind::Word).count();
        let mut findings = self.rules.find(text, &tokens);
        if !self.options.fast {
            if let Some(decoder) = &self.decoder {
                findings.extend(decoder.find_above(text, &tokens, self.options.min_confidence));
            }
            if let Some(g) = &self.gazetteer {
                let lexicon = crate::lexicon::Lexicon::embedded();
                findings.extend(crate::names::name_findings(text, &tokens, lexicon, g));
            }
        }
        let mut kept = self.filter(text, resolve_overlaps(findings));
        let (mut score, mut verdict) = score_text(text, &tokens, &kept);
        // In a document already judged spun, two kinds of evidence too weak on their own are
        // trusted: collocation repairs (alone they would fire on clean text's rare but real
        // pairs, decode::collocation) and the document's keys (a spinner replaces a phrase
        // everywhere, crate::keys).
        if score >= SPUN_AT && !self.options.fast {
            let mut changed = false;
            if let Some(decoder) = &self.decoder {
                let repairs = decoder.collocation_findings(text, &tokens, score);
                if !repairs.is_empty() {
                    kept.extend(repairs);
                    kept = self.filter(text, resolve_overlaps(kept));
                    changed = true;
                }
            }
            let carried = crate::keys::carry_keys(text, &tokens, &kept, score);
            if !carried.is_empty() {
                kept.extend(carried);
                kept = self.filter(text, resolve_overlaps(kept));
                changed = true;
            }
            if changed {
                (score, verdict) = score_text(text, &tokens, &kept);
            }
        }
        let findings = kept;
        Report {
            score,
            verdict,
            findings,
            words,
        }
    }

    /// Check and apply every finding: the most probable original text.
    pub fn restore(&self, text: &str) -> (String, Report) {
        let report = self.check(text);
        (apply(text, &report.findings), report)
    }

    fn filter(&self, text: &str, findings: Vec<Finding>) -> Vec<Finding> {
        if text.contains(IGNORE_FILE) {
            return Vec::new();
        }
        let allow: Vec<String> = self
            .options
            .allow
            .iter()
            .map(|a| crate::token::normalize(a).into_owned())
            .collect();
        findings
            .into_iter()
            .filter(|f| f.confidence >= self.options.min_confidence)
            .filter(|f| !allow.iter().any(|a| *a == crate::token::normalize(&f.text)))
            .filter(|f| {
                let line_start = text[..f.start].rfind('\n').map_or(0, |i| i + 1);
                let line_end = text[f.end..].find('\n').map_or(text.len(), |i| f.end + i);
                !text[line_start..line_end].contains(IGNORE_LINE)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::CountsModel;
    use std::sync::Arc;

    /// An engine whose decoder has a model of running text (so collocation repairs are possible).
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
