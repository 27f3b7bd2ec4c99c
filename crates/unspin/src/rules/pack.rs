//! Our TOML rule-pack format, for user rules and the built-in pack.
//!
//! ```toml
//! [pack]
//! name = "my-pack"            # optional
//!
//! [[rule]]
//! name = "counterfeit-consciousness"   # required in the built-in pack (its id), optional else
//! phrase = "counterfeit consciousness" # or: phrases = ["...", "..."]
//!                                      # or: query = '"profound learning" AND "neural"' (screener syntax)
//! original = "artificial intelligence" # or: originals = ["first choice", "alternative"]
//! weight = 0.9                         # confidence of a finding, default 0.8
//! requires = ["neural", "network"]     # optional: at least one of these must be in the document
//! unless = ["poetry"]                  # optional: none of these may be in the document
//! message = "..."                      # optional
//! examples = [
//!   { bad = "We study counterfeit consciousness.", good = "We study artificial intelligence." },
//! ]
//! ```
//!
//! Every example is a test: applying the pack's findings to `bad` must give exactly `good`
//! (and `good` must not trigger the rule). Ids are `builtin:<name>` or `user:<file name>:<line>`.
//! Errors name the file and the line of the offending rule.

use serde::Deserialize;
use toml::Spanned;

use super::query::{self, Phrase, Query};
use super::{Provenance, Rule, SourceKind};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackKind {
    Builtin,
    User,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    #[serde(default)]
    pack: Option<PackMeta>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackMeta {
    #[allow(dead_code)] // documentation for people reading the pack
    name: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<String>,
    phrase: Option<String>,
    phrases: Option<Vec<String>>,
    query: Option<String>,
    original: Option<String>,
    originals: Option<Vec<String>>,
    /// Spanned, so that an error names the weight's own line.
    weight: Option<Spanned<f32>>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    message: Option<String>,
    #[serde(default)]
    examples: Vec<Example>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Example {
    bad: String,
    good: String,
}

/// Default confidence of a pack rule.
pub const DEFAULT_WEIGHT: f32 = 0.8;

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Parse a pack. `name` is the file as the user named it (or `builtin`).
pub fn parse(name: &str, text: &str, kind: PackKind) -> Result<Vec<Rule>> {
    let file: PackFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        Error::parse(name, line, e.message().to_string())
    })?;
    let _ = file.pack;
    let mut rules = Vec::with_capacity(file.rule.len());
    let mut names = std::collections::HashSet::new();
    for spanned in file.rule {
        let line = line_of(text, spanned.span().start);
        let raw = spanned.into_inner();
        let err = |m: String| Error::parse(name, Some(line), m);
        let mut q = match (&raw.phrase, &raw.phrases, &raw.query) {
            (Some(p), None, None) => Query {
                fire: vec![Phrase::exact(p).ok_or_else(|| err("empty `phrase`".into()))?],
                ..Query::default()
            },
            (None, Some(ps), None) if !ps.is_empty() => Query {
                fire: ps
                    .iter()
                    .map(|p| Phrase::exact(p).ok_or_else(|| err("empty entry in `phrases`".into())))
                    .collect::<Result<_>>()?,
                ..Query::default()
            },
            (None, None, Some(qs)) => query::parse(qs).map_err(|m| err(format!("query: {m}")))?,
            _ => {
                return Err(err(
                    "a rule needs exactly one of `phrase`, `phrases` (non-empty) or `query`".into(),
                ))
            }
        };
        if !raw.requires.is_empty() {
            q.all.push(
                raw.requires
                    .iter()
                    .map(|p| {
                        Phrase::exact(p).ok_or_else(|| err("empty entry in `requires`".into()))
                    })
                    .collect::<Result<_>>()?,
            );
        }
        for p in &raw.unless {
            q.none
                .push(Phrase::exact(p).ok_or_else(|| err("empty entry in `unless`".into()))?);
        }
        let mut originals: Vec<String> = match (raw.original, raw.originals) {
            (Some(o), None) => vec![o],
            (None, Some(os)) => os,
            (None, None) => Vec::new(),
            (Some(_), Some(_)) => {
                return Err(err("give `original` or `originals`, not both".into()))
            }
        };
        originals.retain(|o| !o.trim().is_empty());
        let weight = raw.weight.as_ref().map_or(DEFAULT_WEIGHT, |w| *w.get_ref());
        if !(0.0..=1.0).contains(&weight) || weight.is_nan() {
            let at = raw
                .weight
                .as_ref()
                .map_or(line, |w| line_of(text, w.span().start));
            return Err(Error::parse(
                name,
                Some(at),
                format!("weight {weight} is not in [0, 1]"),
            ));
        }
        let id = match kind {
            PackKind::Builtin => {
                let n = raw
                    .name
                    .clone()
                    .ok_or_else(|| err("built-in rules need a `name`".into()))?;
                format!("builtin:{n}")
            }
            PackKind::User => format!("user:{}:{line}", super::pps::file_label(name)),
        };
        if let Some(n) = &raw.name {
            if !names.insert(n.clone()) {
                return Err(err(format!("duplicate rule name {n:?}")));
            }
        }
        let suggestion = originals.first().cloned();
        let message = raw.message.unwrap_or_else(|| match &suggestion {
            Some(s) => format!("known spun or tortured phrase for \u{201c}{s}\u{201d}"),
            None => "known spun or tortured phrase".to_string(),
        });
        rules.push(Rule {
            id,
            query: q,
            suggestion,
            alternatives: originals.into_iter().skip(1).collect(),
            note: None,
            weight,
            message,
            kind: match kind {
                PackKind::Builtin => SourceKind::Builtin,
                PackKind::User => SourceKind::User,
            },
            source: Provenance {
                file: name.to_string(),
                line: Some(line),
                entry: None,
            },
            examples: raw.examples.into_iter().map(|e| (e.bad, e.good)).collect(),
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_with_lines() {
        let t = "[pack]\nname = \"t\"\n\n[[rule]]\nphrase = \"huge information\"\noriginal = \"big data\"\n\n\
                 [[rule]]\nquery = '\"profound learning\" AND \"neural\"'\noriginals = [\"deep learning\", \"x\"]\n\
                 requires = [\"network\"]\nexamples = [{ bad = \"a\", good = \"b\" }]\n";
        let r = parse("u.toml", t, PackKind::User).unwrap();
        assert_eq!(r[0].id, "user:u.toml:4");
        assert_eq!(r[1].id, "user:u.toml:8");
        assert_eq!(r[1].query.all.len(), 2);
        assert_eq!(r[1].alternatives, ["x"]);
        assert_eq!(r[1].examples.len(), 1);
    }

    #[test]
    fn errors_name_file_and_line() {
        let t = "[[rule]]\nphrase = \"a\"\n\n[[rule]]\noriginal = \"b\"\n";
        let e = parse("u.toml", t, PackKind::User).unwrap_err().to_string();
        assert!(e.starts_with("u.toml:4:"), "{e}");
        // A bad value is reported on its own line, not the rule's.
        let t = "[[rule]]\nphrase = \"a\"\n\nweight = 2.0\n";
        let e = parse("u.toml", t, PackKind::User).unwrap_err().to_string();
        assert!(e.starts_with("u.toml:4:"), "{e}");
        let t = "[[rule]]\nphrase = \"a\nfoo\"\n";
        let e = parse("u.toml", t, PackKind::User).unwrap_err().to_string();
        assert!(e.starts_with("u.toml:2:"), "{e}");
        let t = "[[rule]]\nphrase = \"a\"\nbogus = 1\n";
        let e = parse("u.toml", t, PackKind::User).unwrap_err().to_string();
        assert!(e.contains("bogus"), "{e}");
        let t = "[[rule]]\nphrase = \"a\"\n";
        assert!(parse("builtin", t, PackKind::Builtin).is_err());
    }
}
