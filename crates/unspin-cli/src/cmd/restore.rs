//! `unspin restore`: print the most probable original text, or a word diff of what changes.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use unspin::Finding;

use super::EngineArgs;
use crate::input::{read_inputs, InputOptions};
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files to restore; `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    /// Print a word diff instead of the restored text: `[-spun-]{+original+}` markers, or
    /// red/green colour when stdout is a terminal.
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Source index (`unspin index add`): where the text's source is found, its words are put back.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

/// The text with each finding shown as a removal and an insertion.
pub fn word_diff(text: &str, findings: &[Finding], colour: bool) -> String {
    let mut out = String::with_capacity(text.len() + findings.len() * 24);
    let mut last = 0;
    for f in findings {
        if f.start < last || f.end > text.len() {
            continue;
        }
        out.push_str(&text[last..f.start]);
        if colour {
            out.push_str(&format!(
                "\x1b[31;9m{}\x1b[0m\x1b[32m{}\x1b[0m",
                &text[f.start..f.end],
                f.suggestion
            ));
        } else {
            out.push_str(&format!(
                "[-{}-]{{+{}+}}",
                &text[f.start..f.end],
                f.suggestion
            ));
        }
        last = f.end;
    }
    out.push_str(&text[last..]);
    out
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let engine = args.engine.build()?;
    let index = args
        .index
        .as_deref()
        .map(unspin::trace::Index::open)
        .transpose()?;
    let stdout = std::io::stdout();
    let colour = stdout.is_terminal();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut errors = 0;
    read_inputs(
        &args.paths,
        &InputOptions::default(),
        |doc| {
            if let Some(ix) = &index {
                // With a source index, the aligned source supplies the original words; the diff
                // view is for the engine's own findings.
                let restored =
                    super::trace::restore_with_index(ix, &doc.text, |t| engine.restore(t).0)?;
                out.write_all(restored.as_bytes())?;
                return Ok(());
            }
            let (restored, report) = engine.restore(&doc.text);
            if args.diff {
                out.write_all(word_diff(&doc.text, &report.findings, colour).as_bytes())?;
            } else {
                out.write_all(restored.as_bytes())?;
            }
            Ok(())
        },
        |err| {
            errors += 1;
            eprintln!("unspin: {}: {}", err.name, err.message);
        },
    )?;
    out.flush()?;
    if errors > 0 {
        anyhow::bail!("{errors} input(s) could not be restored");
    }
    // Restoring succeeded whether or not anything changed: exit 0 keeps `restore > file` simple.
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_each_change() {
        let text = "Head of state Biden spoke.";
        let f = Finding {
            start: 0,
            end: 13,
            text: "Head of state".into(),
            suggestion: "President".into(),
            alternatives: vec![],
            confidence: 0.9,
            rule: "channel".into(),
            message: String::new(),
        };
        assert_eq!(
            word_diff(text, &[f], false),
            "[-Head of state-]{+President+} Biden spoke."
        );
    }
}
