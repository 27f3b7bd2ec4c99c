//! `--format sarif`: one SARIF 2.1.0 log (the OASIS standard that code-scanning dashboards and
//! editors read). Each finding is a `result` with its rule, a region giving both
//! `byteOffset`/`byteLength` and 1-based line/column (columns in Unicode code points, declared by
//! the run's `columnKind`), and a `fix` that replaces the span with the suggestion. A restored
//! wording is a guess, so the fix is described as a suggestion, never applied by us.
//!
//! For a JSONL record the region would not be an offset into the file, so it gives the record's
//! line only, and the offsets into the record's text are in the result's `properties`.
//! Inputs that could not be checked are `toolExecutionNotifications` with level `error`, those
//! passed over on purpose (an empty file, a binary file met in a walk) with level `note`.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{json, Value};

use super::{escape_html, round3, shown_score, DocResult, Summary, Writer};

#[derive(Default)]
pub struct Sarif {
    results: Vec<Value>,
    /// Rule id → (index, a description taken from the first finding).
    rules: BTreeMap<String, String>,
    /// Documents not written in English, and the note that says so (their empty results must
    /// not read as "checked and clean").
    not_english: Vec<(String, String)>,
}

/// A path as a relative URI reference: `/` separators, reserved characters percent-encoded.
/// A JSONL record's name, `file:line`, split into the file and its line, when that file exists
/// and the whole name is not itself a file.
fn record_of(name: &str) -> Option<(&str, u64)> {
    let (file, line) = name.rsplit_once(':')?;
    let line: u64 = line.parse().ok()?;
    let is_file = |p: &str| std::path::Path::new(p).is_file();
    (is_file(file) && !is_file(name)).then_some((file, line))
}

fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Writer for Sarif {
    fn doc(&mut self, _out: &mut dyn Write, doc: &DocResult) -> std::io::Result<()> {
        if let Some(code) = &doc.language {
            self.not_english
                .push((doc.name.clone(), super::not_english_note(code)));
        }
        let record = doc.record.as_ref().map(|(f, l)| (f.as_str(), *l));
        for l in &doc.findings {
            let f = &l.finding;
            self.rules
                .entry(f.rule.clone())
                .or_insert_with(|| format!("Phrase flagged by {}", f.rule));
            let message = if f.message.is_empty() {
                format!(
                    "“{}” looks spun; the original is probably “{}”.",
                    f.text, f.suggestion
                )
            } else {
                f.message.clone()
            };
            let mut properties = json!({
                "confidence": round3(f.confidence),
                "suggestion": f.suggestion,
                "alternatives": f.alternatives,
                "documentScore": shown_score(doc.score, 3),
                "documentVerdict": doc.verdict.as_str(),
            });
            let (artifact, region, fixes) = match record {
                Some((file, line)) => {
                    properties["recordStart"] = json!(f.start);
                    properties["recordEnd"] = json!(f.end);
                    if let Some(id) = &doc.id {
                        properties["recordId"] = json!(id);
                    }
                    (uri(file), json!({ "startLine": line }), json!([]))
                }
                None => {
                    let byte_len = f.end - f.start;
                    // SARIF's snippet is the artifact's own text in the region: for HTML, the
                    // source with its entities and tags, not the decoded words the finding holds.
                    let source = l.source_text.as_deref().unwrap_or(&f.text);
                    // The fix writes into the artifact: into HTML, as HTML.
                    let inserted = if doc.format == unspin::text::Format::Html {
                        escape_html(&f.suggestion)
                    } else {
                        f.suggestion.clone()
                    };
                    let lines = json!({
                        "startLine": l.line,
                        "startColumn": l.column,
                        "endLine": l.end_line,
                        "endColumn": l.end_column,
                    });
                    // A page decoded from another encoding than UTF-8 has no byte offsets into
                    // the artifact that the decoded text's would give: its regions are lines
                    // and columns only (in code points, the same in any encoding).
                    let deleted = match doc.encoding {
                        Some(_) => lines.clone(),
                        None => json!({ "byteOffset": f.start, "byteLength": byte_len }),
                    };
                    let mut region = lines;
                    if doc.encoding.is_none() {
                        region["byteOffset"] = f.start.into();
                        region["byteLength"] = byte_len.into();
                    }
                    region["snippet"] = json!({ "text": source });
                    // No fix where the original is unknown (it would replace the span by
                    // itself), nor where markup splits the span (it would delete the markup).
                    let fixes = if f.knows_original() && l.fixable {
                        json!([{
                            "description": { "text": format!("Replace with “{}” (the probable original wording)", f.suggestion) },
                            "artifactChanges": [{
                                "artifactLocation": { "uri": uri(&doc.name) },
                                "replacements": [{
                                    "deletedRegion": deleted,
                                    "insertedContent": { "text": inserted },
                                }],
                            }],
                        }])
                    } else {
                        json!([])
                    };
                    (uri(&doc.name), region, fixes)
                }
            };
            let mut result = json!({
                "ruleId": f.rule,
                "level": "warning",
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": artifact },
                        "region": region,
                    },
                }],
                "rank": (round3(f.confidence) * 100.0).clamp(0.0, 100.0),
                "properties": properties,
            });
            if fixes.as_array().is_some_and(|a| !a.is_empty()) {
                result["fixes"] = fixes;
            }
            self.results.push(result);
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
        let index: BTreeMap<&str, usize> = self
            .rules
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        for r in &mut self.results {
            if let Some(i) = r["ruleId"].as_str().and_then(|id| index.get(id)) {
                r["ruleIndex"] = json!(i);
            }
        }
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|(id, desc)| json!({ "id": id, "shortDescription": { "text": desc } }))
            .collect();
        // Every input without results is named: those that could not be checked as errors,
        // those passed over on purpose (empty, binary in a walk) as notes.
        let errors = summary.errors.iter().map(|e| ("error", e));
        let skipped = summary.skipped.iter().map(|s| ("note", s));
        let not_english = self.not_english.iter().map(|s| ("note", s));
        let notifications: Vec<Value> = errors
            .chain(skipped)
            .chain(not_english)
            .map(|(level, (name, message))| {
                let location = match record_of(name) {
                    Some((file, line)) => json!({
                        "artifactLocation": { "uri": uri(file) },
                        "region": { "startLine": line },
                    }),
                    None => json!({ "artifactLocation": { "uri": uri(name) } }),
                };
                json!({
                    "level": level,
                    "message": { "text": format!("{name}: {message}") },
                    "locations": [{ "physicalLocation": location }],
                })
            })
            .collect();
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "unspin",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "invocations": [{
                    "executionSuccessful": summary.errors.is_empty(),
                    "toolExecutionNotifications": notifications,
                }],
                "results": std::mem::take(&mut self.results),
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_escaped() {
        assert_eq!(uri("dir/a b#c.txt"), "dir/a%20b%23c.txt");
        assert_eq!(uri("é.txt"), "%C3%A9.txt");
    }

    #[test]
    fn fixes_into_html_are_html() {
        assert_eq!(escape_html("R&D <b> \"x\""), "R&amp;D &lt;b&gt; \"x\"");
    }
}
