//! `--format human`: one annotated snippet per finding, in the style of rustc and ruff
//! (rendered by `annotate-snippets`, the crate rustc and cargo use), a score line per document
//! with findings, and a summary on stderr. Colour is written always and stripped by `anstream`
//! when stdout is not a terminal (or `NO_COLOR` is set, or `--color never`).

use std::io::Write;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{DocResult, Summary, Writer};

#[derive(Default)]
pub struct Human;

impl Writer for Human {
    fn doc(&mut self, out: &mut dyn Write, doc: &DocResult) -> std::io::Result<()> {
        if doc.findings.is_empty() {
            return Ok(());
        }
        let renderer = Renderer::styled();
        for l in &doc.findings {
            let f = &l.finding;
            let title = if f.message.is_empty() {
                format!(
                    "“{}” looks spun; the original is probably “{}”",
                    f.text, f.suggestion
                )
            } else {
                f.message.clone()
            };
            let label = format!(
                "probably “{}” (confidence {:.2})",
                f.suggestion, f.confidence
            );
            let mut excerpt = l.excerpt.text.clone();
            let mut span = l.excerpt.span.clone();
            if l.excerpt.clipped_start {
                excerpt.insert(0, '…');
                span = span.start + "…".len()..span.end + "…".len();
            }
            let mut group = Level::WARNING
                .primary_title(title)
                .id(f.rule.as_str())
                .elements([
                    annotate_snippets::Element::from(
                        Origin::path(doc.name.as_str())
                            .line(l.line as usize)
                            .char_column(l.column as usize),
                    ),
                    Snippet::source(excerpt.as_str())
                        .line_start(l.line as usize)
                        .annotation(AnnotationKind::Primary.span(span).label(label))
                        .into(),
                ]);
            if !f.alternatives.is_empty() {
                group = group.element(
                    Level::NOTE.message(format!("other candidates: {}", f.alternatives.join(", "))),
                );
            }
            let report: [Group; 1] = [group];
            writeln!(out, "{}\n", renderer.render(&report))?;
        }
        let bold = anstyle::Style::new().bold();
        writeln!(
            out,
            "{bold}{}{bold:#}: score {:.2} ({}), {} finding{}\n",
            doc.name,
            doc.score,
            doc.verdict.as_str(),
            doc.findings.len(),
            if doc.findings.len() == 1 { "" } else { "s" }
        )
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
        if !summary.errors.is_empty() {
            line.push_str(&format!(
                ", {} error{}",
                summary.errors.len(),
                plural(summary.errors.len())
            ));
        }
        if !summary.skipped.is_empty() {
            line.push_str(&format!(", {} skipped", summary.skipped.len()));
        }
        anstream::eprintln!("{line}");
        Ok(())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
