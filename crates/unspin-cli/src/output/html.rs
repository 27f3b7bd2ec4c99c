//! `--format html`: one self-contained HTML page with every checked document, the same view as
//! the web page of `unspin serve` (highlights with suggestions, score, restored text as a word
//! diff), with its style, script and data inlined; it loads nothing from anywhere. It shows the
//! text as checked: an HTML page's or Markdown file's prose without its markup. The page is
//! rendered by `unspin_server::report`, which also escapes the embedded JSON against
//! `</script>`. It holds every document's text, so the whole report is built in memory.

use std::io::Write;

use unspin::Report;
use unspin_server::report::{render_html, ReportDoc, ReportProblem};

use super::{DocResult, Summary, Writer};

#[derive(Default)]
pub struct Html {
    docs: Vec<ReportDoc>,
}

impl Writer for Html {
    fn doc(&mut self, _out: &mut dyn Write, doc: &DocResult) -> std::io::Result<()> {
        let shown = doc.shown.clone().unwrap_or_default();
        let report = Report {
            score: doc.score,
            verdict: doc.verdict,
            findings: shown.findings,
            words: doc.words,
            language: doc.language.clone(),
        };
        self.docs
            .push(ReportDoc::new(doc.name.clone(), shown.text, report));
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
        // A report read by people names what it does not show, as SARIF's notifications do.
        let problems = |list: &[(String, String)]| -> Vec<ReportProblem> {
            list.iter()
                .map(|(name, message)| ReportProblem {
                    name: name.clone(),
                    message: message.clone(),
                })
                .collect()
        };
        let html = render_html(
            &self.docs,
            &problems(&summary.errors),
            &problems(&summary.skipped),
        )?;
        out.write_all(html.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tests::finding;
    use crate::output::Locator;

    #[test]
    fn writes_one_self_contained_page_with_the_documents() {
        let text = "We study counterfeit consciousness </script> here.";
        let s = text.find("counterfeit").unwrap();
        let located = Locator::new(text, 0, 0).locate(finding(
            s,
            s + 25,
            "counterfeit consciousness",
            "artificial intelligence",
        ));
        let doc = DocResult {
            name: "paper.txt".into(),
            id: None,
            record: None,
            format: unspin::text::Format::Plain,
            encoding: None,
            score: 0.9,
            verdict: unspin::Verdict::Spun,
            words: 6,
            language: None,
            shown: Some(crate::output::Shown {
                text: text.into(),
                findings: vec![located.finding.clone()],
            }),
            findings: vec![located],
        };
        let mut w = Html::default();
        let mut out = Vec::new();
        w.doc(&mut out, &doc).unwrap();
        assert!(out.is_empty(), "nothing is written before the end");
        w.finish(&mut out, &Summary::default()).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("paper.txt") && html.contains("artificial intelligence"));
        // The text's own `</script>` is escaped inside the data element.
        assert_eq!(
            html.matches("</script>").count(),
            2,
            "only the page's own two scripts close"
        );
        assert!(!html.contains("src=\"") && !html.contains("href=\"http"));
    }

    /// An input that could not be checked is named in the report, with its reason.
    #[test]
    fn names_the_inputs_it_could_not_check() {
        let mut w = Html::default();
        let mut out = Vec::new();
        let summary = Summary {
            errors: vec![("bad.txt".into(), "invalid UTF-8 at byte 3".into())],
            skipped: vec![(
                "pic.png".into(),
                "binary file (contains NUL bytes), skipped".into(),
            )],
            ..Summary::default()
        };
        w.finish(&mut out, &summary).unwrap();
        let html = String::from_utf8(out).unwrap();
        for needle in [
            "bad.txt",
            "invalid UTF-8 at byte 3",
            "pic.png",
            "\"errors\"",
            "\"skipped\"",
        ] {
            assert!(html.contains(needle), "{needle}");
        }
    }
}
