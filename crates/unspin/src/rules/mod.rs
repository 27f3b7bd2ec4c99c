//! Rule packs: tables of known tortured phrases and their originals, matched without a model.
//!
//! A [`Rule`] flags a phrase (`tortured → original(s)`) with a weight and its provenance. Rules
//! come from the Problematic Paper Screener's published list ([`pps`]: the CSV with its query
//! syntax, and the flat JSON pairs), from our TOML packs ([`pack`]: user files and the built-in
//! pack), or from code. [`RuleSetBuilder`] collects them, drops rules that would flag ordinary
//! English ([`filter`]), and compiles a [`RuleSet`]: automata built once, shared between threads.
//!
//! Matching is in [`matcher`]: one leftmost-longest, ASCII case-insensitive Aho–Corasick pass
//! over the text, a token-boundary check only around each match (no full tokenization on the
//! fast path), and document context (`AND`/`NOT` phrases) looked up lazily, only for documents
//! where a conditional rule matched.

pub mod builtin;
pub mod filter;
pub mod learn;
mod matcher;
pub mod pack;
pub mod pps;
pub mod query;

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::lm::LanguageModel;
use crate::token::Token;

pub use filter::{FilterReason, Filtered, PhraseCounter, PhraseCounts};
pub use query::{Phrase, Query};

/// Where a rule came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The file as named when loading (or `builtin`).
    pub file: String,
    /// 1-based line of the rule in that file, when the format has lines.
    pub line: Option<usize>,
    /// 1-based entry number, for formats without useful lines (JSON pairs).
    pub entry: Option<usize>,
}

/// Which kind of source a rule came from; filters treat them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A CSV in the screener's format (the registry list, the screener's own list or a user's),
    /// context kept.
    PpsCsv,
    /// Flat JSON pairs in the screener's format (context lost when its list was flattened).
    PpsJson,
    /// Our built-in pack.
    Builtin,
    /// A user's TOML pack.
    User,
    /// Made in code.
    Other,
}

/// One phrase rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `builtin:<name>`, `tpe:<line>` (the registry list), `user:<file name>:<line>` (a user's
    /// TOML pack or CSV), `user:<file name>#<entry>` (a user's JSON pairs).
    pub id: String,
    /// What fires, and the document context it needs.
    pub query: Query,
    /// The original wording; `None` when the source does not know it (the span is still flagged).
    pub suggestion: Option<String>,
    /// Other plausible originals.
    pub alternatives: Vec<String>,
    /// The source's own wording of the original when it says more than the suggestion
    /// (`business intelligence (BI)`, a remark, a link).
    pub note: Option<String>,
    /// Confidence of a finding, in [0, 1].
    pub weight: f32,
    pub message: String,
    pub kind: SourceKind,
    pub source: Provenance,
    /// `(bad, good)` sentences: applying this rule's findings to `bad` must give `good`.
    pub examples: Vec<(String, String)>,
}

/// Collects rules from any number of sources and compiles them.
#[derive(Debug, Default)]
pub struct RuleSetBuilder {
    rules: Vec<Rule>,
    filtered: Vec<Filtered>,
    /// The file name each loaded file's ids use, and the path it was loaded from.
    files: HashMap<String, String>,
}

impl RuleSetBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add_rule(&mut self, rule: Rule) {
        self.rules.push(rule);
    }

    /// Rules collected so far (before compiling).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Load a rule file by its extension: `.csv` (screener fingerprints), `.json` (screener
    /// pairs), `.toml` (our packs).
    pub fn load_path(&mut self, path: &Path) -> Result<()> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::parse(
                path,
                None,
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        let name = path.display().to_string();
        let before = self.rules.len();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "csv" => self.add_pps_csv(&name, &text),
            "json" => self.add_pps_json(&name, &text),
            "toml" => self.add_toml(&name, &text, pack::PackKind::User),
            _ => Err(Error::parse(
                path,
                None,
                "unknown rule file type (expected .csv, .json or .toml)",
            )),
        }?;
        // Ids name the file by its file name (the same from any folder); two files of one name
        // from different folders would share ids, so the later one is named by its path.
        let label = pps::file_label(&name);
        match self.files.get(&label) {
            Some(first) if *first != name => {
                let (short, long) = (format!("user:{label}"), format!("user:{name}"));
                for r in &mut self.rules[before..] {
                    if let Some(rest) = r.id.strip_prefix(&short) {
                        r.id = format!("{long}{rest}");
                    }
                }
            }
            Some(_) => {}
            None => {
                self.files.insert(label, name);
            }
        }
        Ok(())
    }

    /// A CSV in the screener's format (`tortured_phrase,expected_phrase,num_papers`), less the
    /// rules whose only context is a synonym of a common word (see [`filter::synonym_context`]).
    pub fn add_pps_csv(&mut self, name: &str, text: &str) -> Result<()> {
        let rules = pps::parse_csv(name, text)?;
        let lm = crate::lm::try_default_model()?;
        let (keep, dropped) =
            filter::synonym_context(rules, lm.as_ref(), builtin::REGISTRY_ORDINARY_PER_MILLION);
        self.rules.extend(keep);
        self.filtered.extend(dropped);
        Ok(())
    }

    /// The screener's flat JSON pairs; entries that cannot be tortured phrases are filtered
    /// (see [`filter`]) and recorded in [`RuleSet::filtered`].
    pub fn add_pps_json(&mut self, name: &str, text: &str) -> Result<()> {
        let rules = pps::parse_json(name, text)?;
        let (keep, dropped) = filter::self_inconsistent_pairs(rules);
        self.rules.extend(keep);
        self.filtered.extend(dropped);
        Ok(())
    }

    /// One of our TOML packs.
    pub fn add_toml(&mut self, name: &str, text: &str, kind: pack::PackKind) -> Result<()> {
        let rules = pack::parse(name, text, kind)?;
        self.rules.extend(rules);
        Ok(())
    }

    /// The built-in rules shipped with the library: the built-in pack and the registry list of
    /// tortured phrases ([`builtin`]).
    pub fn add_builtin(&mut self) -> Result<()> {
        self.add_toml("builtin", builtin::BUILTIN_TOML, pack::PackKind::Builtin)?;
        self.add_registry_list()
    }

    /// The registry list of tortured phrases alone, less its entries that are ordinary English
    /// by the embedded model (recorded in [`RuleSet::filtered`]).
    pub fn add_registry_list(&mut self) -> Result<()> {
        let rules = pps::parse_csv_from(
            builtin::REGISTRY_FILE,
            builtin::REGISTRY_CSV,
            &builtin::REGISTRY_SOURCE,
        )?;
        let lm = crate::lm::try_default_model()?;
        let (keep, dropped) =
            filter::ordinary_english(rules, lm.as_ref(), builtin::REGISTRY_ORDINARY_PER_MILLION);
        self.filtered.extend(dropped);
        let (keep, dropped) =
            filter::synonym_context(keep, lm.as_ref(), builtin::REGISTRY_ORDINARY_PER_MILLION);
        self.filtered.extend(dropped);
        let gated = filter::conditional_phrases(
            self.rules.iter().filter(|r| r.kind == SourceKind::Builtin),
        );
        let (keep, dropped) = filter::gated_elsewhere(keep, &gated);
        self.rules.extend(keep);
        self.filtered.extend(dropped);
        Ok(())
    }

    /// Drop the registry list's entries that are ordinary English by `lm` as well (a model of
    /// running text knows terms that the embedded model's Google Books counts lack: "hidden
    /// Markov model", "polyethylene glycol"). The screener's own lists are left alone.
    pub fn filter_registry_list(&mut self, lm: &dyn LanguageModel) {
        let (registry, others): (Vec<Rule>, Vec<Rule>) = std::mem::take(&mut self.rules)
            .into_iter()
            .partition(|r| r.source.file == builtin::REGISTRY_FILE);
        let (keep, dropped) =
            filter::ordinary_english(registry, lm, builtin::REGISTRY_ORDINARY_PER_MILLION);
        self.rules = others;
        self.rules.extend(keep);
        self.filtered.extend(dropped);
    }

    /// Drop rules whose tortured side is ordinary English by `lm`: an unconditional rule
    /// from the screener's lists whose phrase occurs at least `per_million` times per million
    /// words of the model's clean corpus. Conditional rules are kept: their context is what
    /// tells the tortured use apart.
    pub fn filter_ordinary_english(&mut self, lm: &dyn LanguageModel, per_million: f64) {
        let rules = std::mem::take(&mut self.rules);
        let (keep, dropped) = filter::ordinary_english(rules, lm, per_million);
        self.rules = keep;
        self.filtered.extend(dropped);
    }

    /// Compile. Also drops flat screener rules whose tortured side is the original wording or
    /// the document context of another rule (see [`filter::cross_source`]), and gives rules
    /// that know no original the one their words' correspondences in other rules propose
    /// ([`learn`]).
    pub fn build(self) -> Result<RuleSet> {
        let RuleSetBuilder {
            rules,
            mut filtered,
            ..
        } = self;
        let (mut rules, dropped) = filter::cross_source(rules);
        filtered.extend(dropped);
        learn::fill_originals(&mut rules);
        RuleSet::compile(rules, filtered)
    }
}

/// A compiled set of phrase rules. `Send + Sync`: build once, share between threads.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    filtered: Vec<Filtered>,
    matcher: Option<matcher::Matcher>,
}

impl RuleSet {
    /// A rule set with no rules.
    pub fn empty() -> Self {
        RuleSet::default()
    }

    /// Compile rules as given (no filtering).
    pub fn compile(rules: Vec<Rule>, filtered: Vec<Filtered>) -> Result<RuleSet> {
        let matcher = if rules.is_empty() {
            None
        } else {
            Some(matcher::Matcher::new(&rules)?)
        };
        Ok(RuleSet {
            rules,
            filtered,
            matcher,
        })
    }

    /// The built-in pack alone.
    pub fn builtin() -> Result<RuleSet> {
        let mut b = RuleSetBuilder::new();
        b.add_builtin()?;
        b.build()
    }

    /// The same rules less those whose tortured side is ordinary English by `lm` (see
    /// [`RuleSetBuilder::filter_ordinary_english`]), recompiled.
    pub fn without_ordinary_english(
        self,
        lm: &dyn LanguageModel,
        per_million: f64,
    ) -> Result<RuleSet> {
        let RuleSet {
            rules,
            mut filtered,
            ..
        } = self;
        let (keep, dropped) = filter::ordinary_english(rules, lm, per_million);
        filtered.extend(dropped);
        RuleSet::compile(keep, filtered)
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Rules that were loaded but will never fire, with the reason.
    pub fn filtered(&self) -> &[Filtered] {
        &self.filtered
    }

    /// Count of filtered rules per reason.
    pub fn filtered_counts(&self) -> HashMap<FilterReason, usize> {
        let mut m = HashMap::new();
        for f in &self.filtered {
            *m.entry(f.reason).or_insert(0) += 1;
        }
        m
    }

    /// All rule matches in `text`, sorted by start, non-overlapping. `tokens` is accepted for
    /// the engine's interface; the matcher checks token boundaries itself only around matches,
    /// which is what keeps `--fast` fast.
    pub fn find(&self, text: &str, _tokens: &[Token]) -> Vec<Finding> {
        match &self.matcher {
            Some(m) => m.find(&self.rules, text),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
