//! The Problematic Paper Screener's list (Cabanac, Labbé, Magazinov 2021) in its published forms.
//!
//! - CSV `tortured_phrase,expected_phrase,num_papers`: `tortured_phrase` is a query in the
//!   screener's syntax ([`super::query`]); `num_papers` has thousands separators (`"42,682"`).
//!   Rule ids are `user:<file name>:<line>`.
//! - JSON `{"phrases": [{"tortured", "correct"}]}`: the same list flattened into pairs, with the
//!   queries' context phrases wrongly turned into pairs of their own; see [`super::filter`].
//!   Rule ids are `user:<file name>#<entry>` (1-based).
//!
//! A file in these formats may come from the screener or from anyone who writes rules in them,
//! so its rules and messages name the file, not a provenance the tool cannot know. Only the
//! registry list shipped with the library ([`super::builtin`]) names its source.
//!
//! `expected_phrase` is written for people: `business intelligence (BI)`, `into (reaction)
//! mixture`, `[neural network] layer outputs`, `benign cancer/tumor`, `???`, or a note with a
//! link. [`clean_expected`] turns it into the wording that replaces the span.

use serde::Deserialize;

use super::query::{self, Phrase};
use super::{Provenance, Rule, SourceKind};
use crate::error::{Error, Result};

/// The replacement wording read from an `expected_phrase`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expected {
    /// `None` when the screener does not know the original (`???`) or gives only a note.
    pub suggestion: Option<String>,
    pub alternatives: Vec<String>,
    /// The text as published, when it says more than the wording (acronyms, notes, links).
    pub note: Option<String>,
}

/// Notes longer than this many words are explanations, not wordings.
const MAX_WORDING_WORDS: usize = 8;

/// Read an `expected_phrase`: drop bracketed and parenthesised remarks (acronyms such as
/// `(BI)`, `(?)`, `[neural network]`), question marks, quotes and trailing notes (`, see URL`);
/// a slash between single words gives alternatives (`cancer/tumor`).
pub fn clean_expected(raw: &str) -> Expected {
    let raw_trim = raw.trim();
    let mut s = raw_trim
        .replace(['\u{a0}', '\u{2009}'], " ")
        .replace("\\\"", "\"");
    for cut in [", see ", " (see ", " see http", "http://", "https://"] {
        if let Some(i) = s.find(cut) {
            s.truncate(i);
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1).max(0),
            '?' | '"' | '“' | '”' => {}
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let cleaned = words
        .join(" ")
        .trim_matches(|c: char| c == ',' || c == ';' || c == ':' || c == '.' || c.is_whitespace())
        .to_string();
    let note = (cleaned != raw_trim).then(|| raw_trim.to_string());
    let has_letter = cleaned.chars().any(|c| c.is_alphanumeric());
    if !has_letter || words.len() > MAX_WORDING_WORDS || cleaned.contains("->") {
        return Expected {
            suggestion: None,
            alternatives: Vec::new(),
            note: Some(raw_trim.to_string()).filter(|n| n.chars().any(|c| c.is_alphanumeric())),
        };
    }
    let options = slash_options(&cleaned);
    let mut it = options.into_iter();
    let first = it.next().unwrap_or(cleaned);
    Expected {
        suggestion: Some(first),
        alternatives: it.collect(),
        note,
    }
}

/// `benign cancer/tumor` → [`benign cancer`, `benign tumor`]; `a / b` → [`a`, `b`].
fn slash_options(s: &str) -> Vec<String> {
    if s.contains(" / ") {
        return s
            .split(" / ")
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
    }
    let words: Vec<&str> = s.split(' ').collect();
    let Some(wi) = words.iter().position(|w| {
        let parts: Vec<&str> = w.split('/').collect();
        parts.len() > 1
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(char::is_alphabetic))
    }) else {
        return vec![s.to_string()];
    };
    words[wi]
        .split('/')
        .map(|alt| {
            let mut ws = words.clone();
            ws[wi] = alt;
            ws.join(" ")
        })
        .collect()
}

/// Confidence from the number of papers a fingerprint was found in: a phrase seen in
/// thousands of papers is a well-established fingerprint; one seen once is still a published
/// fingerprint, so the floor stays above the default reporting threshold (0.5).
pub fn weight_from_papers(n: u64) -> f32 {
    let x = ((1.0 + n as f64).log10() / 4.0).min(1.0);
    (0.6 + 0.35 * x) as f32
}

fn message(query: &query::Query, exp: &Expected, papers: Option<u64>, source: &Source) -> String {
    let what = match &exp.suggestion {
        Some(s) => format!("tortured phrase for \u{201c}{s}\u{201d}"),
        None => "tortured phrase (original wording unknown)".to_string(),
    };
    let mut m = format!("{what} ({}", source.label());
    if let Some(n) = papers {
        m.push_str(&format!(", found in {n} papers"));
    }
    m.push(')');
    if !query.all.is_empty() || !query.none.is_empty() {
        let ctx: Vec<String> = query
            .all
            .iter()
            .map(|g| {
                g.iter()
                    .map(Phrase::to_string)
                    .collect::<Vec<_>>()
                    .join(" or ")
            })
            .collect();
        if !ctx.is_empty() {
            m.push_str(&format!("; document also has {}", ctx.join(" and ")));
        }
    }
    if let Some(n) = &exp.note {
        if exp.suggestion.is_none() || n.len() > 60 {
            m.push_str(&format!("; screener's note: {n}"));
        }
    }
    m
}

/// Where a CSV of the screener's queries comes from: the prefix of its rule ids and the name
/// its findings give.
#[derive(Debug, Clone, Copy)]
pub struct CsvSource {
    pub id_prefix: &'static str,
    pub label: &'static str,
}

/// How a parsed file's rules are named: a known source (the registry list: `tpe:<line>`), or a
/// user's file (`user:<file name>:<line>`, "from <file name>").
#[derive(Debug, Clone)]
enum Source<'a> {
    Known(&'a CsvSource),
    File(String),
}

impl Source<'_> {
    fn id(&self, line: usize) -> String {
        match self {
            Source::Known(s) => format!("{}:{line}", s.id_prefix),
            Source::File(f) => format!("user:{f}:{line}"),
        }
    }

    fn label(&self) -> String {
        match self {
            Source::Known(s) => s.label.to_string(),
            Source::File(f) => format!("from {f}"),
        }
    }
}

/// The name a rule file's ids and messages give: its file name without the folders, so that a
/// rule has the same id whether the file is named from the configuration file's folder or from
/// another one (`RuleSetBuilder` falls back to the path as given when two files share a name).
pub fn file_label(name: &str) -> String {
    std::path::Path::new(name)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string())
}

/// Parse a CSV in the screener's format written by anyone: ids `user:<file name>:<line>`.
/// An error names the file and the line.
pub fn parse_csv(name: &str, text: &str) -> Result<Vec<Rule>> {
    parse_csv_as(name, text, Source::File(file_label(name)))
}

/// Parse a CSV of the screener's queries from a known `source` (rule ids `<id_prefix>:<line>`).
pub fn parse_csv_from(name: &str, text: &str, source: &CsvSource) -> Result<Vec<Rule>> {
    parse_csv_as(name, text, Source::Known(source))
}

fn parse_csv_as(name: &str, text: &str, source: Source) -> Result<Vec<Rule>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::parse(name, Some(1), e.to_string()))?
        .clone();
    let col = |want: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == want)
            .ok_or_else(|| {
                Error::parse(
                    name,
                    Some(1),
                    format!(
                        "missing column `{want}` (expected header tortured_phrase,expected_phrase,num_papers)"
                    ),
                )
            })
    };
    let (ct, ce, cn) = (
        col("tortured_phrase")?,
        col("expected_phrase")?,
        col("num_papers")?,
    );
    let mut rules = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            Error::parse(name, line, e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rec.len() <= ct.max(ce).max(cn) {
            return Err(Error::parse(
                name,
                Some(line),
                format!("expected 3 fields, found {}", rec.len()),
            ));
        }
        let q = query::parse(&rec[ct])
            .map_err(|m| Error::parse(name, Some(line), format!("tortured_phrase: {m}")))?;
        let papers_field = rec[cn].trim();
        let papers = if papers_field.is_empty() {
            None
        } else {
            Some(
                papers_field
                    .replace([',', '_', ' '], "")
                    .parse::<u64>()
                    .map_err(|_| {
                        Error::parse(
                            name,
                            Some(line),
                            format!("num_papers: {papers_field:?} is not a number"),
                        )
                    })?,
            )
        };
        let exp = clean_expected(&rec[ce]);
        rules.push(Rule {
            id: source.id(line),
            message: message(&q, &exp, papers, &source),
            query: q,
            suggestion: exp.suggestion,
            alternatives: exp.alternatives,
            note: exp.note,
            weight: weight_from_papers(papers.unwrap_or(0)),
            kind: SourceKind::PpsCsv,
            source: Provenance {
                file: name.to_string(),
                line: Some(line),
                entry: None,
            },
            examples: Vec::new(),
        });
    }
    Ok(rules)
}

#[derive(Deserialize)]
struct PairsFile {
    phrases: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    tortured: String,
    correct: String,
}

/// Confidence of a flat pair: no paper count, and the flattening is known to be lossy.
pub const PAIR_WEIGHT: f32 = 0.7;

/// Parse the screener's flat JSON pairs (no filtering here).
pub fn parse_json(name: &str, text: &str) -> Result<Vec<Rule>> {
    let file: PairsFile = serde_json::from_str(text).map_err(|e| {
        Error::parse(
            name,
            (e.line() > 0).then_some(e.line()),
            format!(
                "not a screener pairs file ({{\"phrases\": [{{\"tortured\", \"correct\"}}]}}): {e}"
            ),
        )
    })?;
    let source = Source::File(file_label(name));
    let mut rules = Vec::with_capacity(file.phrases.len());
    for (i, p) in file.phrases.into_iter().enumerate() {
        let entry = i + 1;
        let Some(phrase) = Phrase::exact(&p.tortured) else {
            return Err(Error::parse(
                name,
                None,
                format!("entry {entry}: empty \"tortured\" phrase"),
            ));
        };
        let q = query::Query {
            fire: vec![phrase],
            ..Default::default()
        };
        let exp = clean_expected(&p.correct);
        rules.push(Rule {
            id: format!("user:{}#{entry}", file_label(name)),
            message: message(&q, &exp, None, &source),
            query: q,
            suggestion: exp.suggestion,
            alternatives: exp.alternatives,
            note: exp.note,
            weight: PAIR_WEIGHT,
            kind: SourceKind::PpsJson,
            source: Provenance {
                file: name.to_string(),
                line: None,
                entry: Some(entry),
            },
            examples: Vec::new(),
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sugg(raw: &str) -> Option<String> {
        clean_expected(raw).suggestion
    }

    #[test]
    fn expected_phrases() {
        assert_eq!(
            sugg("business intelligence (BI)").unwrap(),
            "business intelligence"
        );
        assert_eq!(
            sugg("[neural network] layer outputs").unwrap(),
            "layer outputs"
        );
        assert_eq!(sugg("rythm pattern (?)").unwrap(), "rythm pattern");
        assert_eq!(sugg("???"), None);
        assert_eq!(sugg("(?)"), None);
        assert_eq!(
            sugg("Crow search algorithm ?").unwrap(),
            "Crow search algorithm"
        );
        assert_eq!(
            sugg("machine learning\u{a0}(in this context)").unwrap(),
            "machine learning"
        );
        assert_eq!(
            sugg("\\\"information technology (IT)\\\"").unwrap(),
            "information technology"
        );
        let e = clean_expected("benign cancer/tumor");
        assert_eq!(e.suggestion.unwrap(), "benign cancer");
        assert_eq!(e.alternatives, ["benign tumor"]);
        assert_eq!(
            sugg("social influence, see https://en.wikipedia.org/wiki/UTAUT").unwrap(),
            "social influence"
        );
        assert_eq!(
            sugg("heart failure / heart attack").unwrap(),
            "heart failure"
        );
        assert_eq!(sugg("Search and replace of cell -> mobile"), None);
    }

    #[test]
    fn csv_rows() {
        let csv = "tortured_phrase,expected_phrase,num_papers\n\
            \"\"\"surface region\"\" AND \"\"surface area\"\"\",surface area,\"42,682\"\n\
            \"\"\"business knowledge\"\" AND business intelligence\",business intelligence (BI),\"10,091\"\n\
            \"\"\"neural organization\"\"\",neural network,7\n";
        let rules = parse_csv("t.csv", csv).unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[0].id, "user:t.csv:2");
        assert!(
            rules[0]
                .message
                .contains("(from t.csv, found in 42682 papers)"),
            "{}",
            rules[0].message
        );
        assert_eq!(
            rules[0].query.all,
            [vec![Phrase::Exact("surface area".into())]]
        );
        assert_eq!(
            rules[1].suggestion.as_deref(),
            Some("business intelligence")
        );
        assert!(rules[0].weight > rules[2].weight);
        assert_eq!(rules[2].source.line, Some(4));
    }

    #[test]
    fn csv_errors_name_the_line() {
        let csv = "tortured_phrase,expected_phrase,num_papers\n\
            \"\"\"fine\"\"\",ok,1\n\
            \"\"\"broken AND\",x,1\n";
        let e = parse_csv("bad.csv", csv).unwrap_err().to_string();
        assert!(e.starts_with("bad.csv:3:"), "{e}");
        let csv = "tortured_phrase,expected_phrase,num_papers\n\"\"\"a\"\"\",b,many\n";
        let e = parse_csv("bad.csv", csv).unwrap_err().to_string();
        assert!(
            e.starts_with("bad.csv:2:") && e.contains("num_papers"),
            "{e}"
        );
        let e = parse_csv("bad.csv", "a,b\n").unwrap_err().to_string();
        assert!(e.starts_with("bad.csv:1:"), "{e}");
        let csv = "tortured_phrase,expected_phrase,num_papers\n\"\"\"a\"\"\"\n";
        let e = parse_csv("bad.csv", csv).unwrap_err().to_string();
        assert!(e.starts_with("bad.csv:2:"), "{e}");
    }

    #[test]
    fn json_pairs() {
        let j = r#"{"phrases":[{"tortured":"huge information","correct":"big data"}]}"#;
        let rules = parse_json("p.json", j).unwrap();
        assert_eq!(rules[0].id, "user:p.json#1");
        assert!(
            rules[0].message.ends_with("(from p.json)"),
            "{}",
            rules[0].message
        );
        let rules = parse_json("dir/p.json", j).unwrap();
        assert_eq!(rules[0].id, "user:p.json#1");
        let e = parse_json("p.json", "{\n\"phrases\": [1]}")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.json:2:"), "{e}");
    }
}
