//! `--format human`: one annotated snippet per finding, in the style of rustc and ruff
//! (rendered by `annotate-snippets`, the crate rustc and cargo use), a score line per document
//! with findings or judged spun, and a summary on stderr. Colour is written always and stripped by `anstream`
//! when stdout is not a terminal (or `NO_COLOR` is set, or `--color never`).

use std::io::Write;

use annotate_snippets::{AnnotationKind, Element, Group, Level, Renderer, Snippet};

use super::{shown_score, DocResult, Summary, Writer};

/// Disguised words shown per document ([`unspin::homoglyph`]); the others are counted.
const SHOWN_DISGUISED: usize = 3;

#[derive(Default)]
pub struct Human {
    /// Whether a verdict without findings was explained already: once per run, so that a
    /// directory of texts judged uncertain does not repeat the note for each.
    explained: bool,
}

impl Writer for Human {
    fn doc(&mut self, out: &mut dyn Write, doc: &DocResult) -> std::io::Result<()> {
        // A document without findings gets no lines, unless it is judged spun or uncertain all
        // the same (by its style as a whole): that verdict must not go unseen, nor unexplained.
        if doc.findings.is_empty() && doc.verdict == unspin::Verdict::Clean {
            return Ok(());
        }
        let renderer = Renderer::styled();
        // A disguised text has a finding in every other word: the first few show what they are,
        // the rest would bury the other findings, so they are counted in a note.
        let mut disguised = 0;
        for l in &doc.findings {
            let f = &l.finding;
            if f.rule == unspin::homoglyph::RULE_ID {
                disguised += 1;
                if disguised > SHOWN_DISGUISED {
                    continue;
                }
            }
            let title = if f.message.is_empty() {
                format!(
                    "“{}” looks spun; the original is probably “{}”",
                    f.text, f.suggestion
                )
            } else {
                f.message.clone()
            };
            let label = if f.knows_original() {
                format!(
                    "probably “{}” (confidence {:.2})",
                    f.suggestion, f.confidence
                )
            } else {
                format!("original wording unknown (confidence {:.2})", f.confidence)
            };
            let mut excerpt = l.excerpt.text().to_string();
            let mut span = l.excerpt.span.clone();
            if l.excerpt.clipped_start {
                excerpt.insert(0, '…');
                span = span.start + "…".len()..span.end + "…".len();
            }
            let mut snippet = Snippet::source(excerpt.as_str())
                .line_start(l.line as usize)
                .annotation(AnnotationKind::Primary.span(span).label(label));
            // A JSONL record's finding is placed by the record's line in the file and by its
            // line and column in the decoded text; `FILE:RECORD:LINE:COLUMN` would read to an
            // editor as a line and column of the file, so the two are spelled out.
            let custom_origin = l.excerpt.clipped_start || doc.record.is_some();
            if !custom_origin {
                snippet = snippet.path(doc.name.as_str());
            }
            let mut elements: Vec<Element> = vec![snippet.into()];
            if !f.alternatives.is_empty() {
                elements.push(
                    Level::NOTE
                        .message(format!("other candidates: {}", f.alternatives.join(", ")))
                        .into(),
                );
            }
            let title = Level::WARNING.primary_title(title).id(f.rule.as_str());
            let report: [Group; 1] = if custom_origin {
                // The renderer computes the column from the snippet, which here starts inside
                // the line. An `Origin` element would give the true position but makes the
                // snippet a secondary one (an empty ` ::: ` line), so the title is rendered
                // alone, then the position line as the renderer draws it, then the snippet.
                let pad = " ".repeat(l.end_line.max(1).ilog10() as usize + 1);
                let arrow = anstyle::AnsiColor::BrightBlue.on_default().bold();
                let origin = match &doc.record {
                    Some((file, line)) => format!(
                        "{file}:{line} (the record's text, line {}, column {})",
                        l.line, l.column
                    ),
                    None => format!("{}:{}:{}", doc.name, l.line, l.column),
                };
                writeln!(
                    out,
                    "{}\n{pad}{arrow}-->{arrow:#} {origin}",
                    renderer.render(&[Group::with_title(title)]),
                )?;
                [Group::with_level(Level::WARNING).elements(elements)]
            } else {
                [title.elements(elements)]
            };
            writeln!(out, "{}\n", renderer.render(&report))?;
        }
        let bold = anstyle::Style::new().bold();
        writeln!(
            out,
            "{bold}{}{bold:#}: score {:.2} ({}), {} finding{}",
            doc.name,
            shown_score(doc.score, 2),
            doc.verdict.as_str(),
            doc.findings.len(),
            if doc.findings.len() == 1 { "" } else { "s" }
        )?;
        // A verdict with no span to show for it would read as unsupported: say where it
        // comes from, as the web page does.
        if disguised > SHOWN_DISGUISED {
            writeln!(
                out,
                "  = note: {} more words disguised with letters of another script are not shown \
                 (rule {}): `--format json` lists them, `unspin restore` writes them in Latin letters",
                disguised - SHOWN_DISGUISED,
                unspin::homoglyph::RULE_ID
            )?;
        }
        if let Some(code) = &doc.language {
            writeln!(out, "  = note: {}", super::not_english_note(code))?;
        } else if doc.findings.is_empty() && !self.explained {
            self.explained = true;
            writeln!(out, "  = note: {NO_SPAN_NOTE}")?;
        }
        writeln!(out)
    }

    fn finish(&mut self, _out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
        let mut line = format!(
            "checked {} document{}: {} finding{} in {} document{}",
            summary.documents,
            plural(summary.documents),
            summary.findings,
            plural(summary.findings),
            summary.documents_with_findings,
            plural(summary.documents_with_findings),
        );
        // Verdicts too: a document without findings may still read as spun or uncertain.
        if summary.documents > 0 {
            let clean = summary.documents - summary.spun_documents - summary.uncertain_documents;
            let verdicts: Vec<String> = [
                (summary.spun_documents, "spun"),
                (summary.uncertain_documents, "uncertain"),
                (clean, "clean"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, v)| format!("{n} {v}"))
            .collect();
            line.push_str(&format!(" ({})", verdicts.join(", ")));
        }
        if !summary.errors.is_empty() {
            line.push_str(&format!(
                ", {} error{}",
                summary.errors.len(),
                plural(summary.errors.len())
            ));
        }
        if !summary.skipped.is_empty() {
            line.push_str(&format!(", {} skipped", summary.skipped_files));
        }
        anstream::eprintln!("{line}");
        Ok(())
    }
}

/// Why a document is judged spun or uncertain without a finding.
const NO_SPAN_NOTE: &str = "no single span is sure enough to flag; the score reads the text as a \
     whole (how often it writes \"as well as\" for \"and\", padding such as \"has actually\", \
     garbled passages), so treat it as a hint, not as evidence";

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tests::finding;
    use crate::output::Locator;

    /// A disguised text's words are shown three at a time and the rest counted, so that they do
    /// not bury the other findings.
    #[test]
    fn disguised_words_beyond_the_first_few_are_counted() {
        let text = "w1 w2 w3 w4 w5 counterfeit consciousness";
        let mut locator = Locator::new(text, 0, 0);
        let mut findings: Vec<_> = (0..5)
            .map(|k| {
                let mut f = finding(3 * k, 3 * k + 2, &format!("w{}", k + 1), "w");
                f.rule = unspin::homoglyph::RULE_ID.into();
                locator.locate(f)
            })
            .collect();
        let s = text.find("counterfeit").unwrap();
        findings.push(locator.locate(finding(
            s,
            s + 25,
            "counterfeit consciousness",
            "artificial intelligence",
        )));
        let doc = DocResult {
            name: "d.txt".into(),
            id: None,
            record: None,
            format: unspin::text::Format::Plain,
            encoding: None,
            score: 0.99,
            verdict: unspin::Verdict::Spun,
            words: 7,
            language: None,
            findings,
            shown: None,
        };
        let mut out = Vec::new();
        Human::default().doc(&mut out, &doc).unwrap();
        let out = anstream::adapter::strip_str(std::str::from_utf8(&out).unwrap()).to_string();
        assert_eq!(out.matches("warning[homoglyph]").count(), 3, "{out}");
        assert!(
            out.contains("warning[pps:counterfeit-consciousness]"),
            "{out}"
        );
        assert!(
            out.contains("d.txt: score 0.99 (spun), 6 findings"),
            "{out}"
        );
        assert!(out.contains("= note: 2 more words disguised"), "{out}");
    }
}
