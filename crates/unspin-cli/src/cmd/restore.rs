//! `unspin restore`: print the most probable original text, or a word diff of what changes.
//!
//! Every input comes out in its own format: plain text as text, HTML and Markdown with their
//! markup (only the words of each finding are replaced, around any tag or link bracket between
//! them; a finding whose words cannot be fitted around its markup is kept as written, with a
//! note), a JSONL record as a JSONL record with its `text` field restored. Several inputs are written one after the other, as `cat` would. A JSONL
//! record that cannot be read (malformed, no text field) is written through as it was, and
//! reported: the output keeps one line per record.

use std::io::{IsTerminal, Write};
use std::path::{Component, Path, PathBuf};

use unspin::finding::apply;
use unspin::text;
use unspin::Finding;

use super::check::ColorWhen;
use super::{ConfigArgs, EngineArgs, ReadArgs};
use crate::input::{read_all, Part, ReadOptions, Sink};
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files to restore; `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    /// Print a word diff instead of the restored text: `[-spun-]{+original+}` markers, or
    /// red/green colour when stdout is a terminal.
    #[arg(long, conflicts_with = "index")]
    pub diff: bool,
    /// When to colour the diff.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Use the language model even if the configuration says `fast = true`.
    #[arg(long, conflicts_with = "fast")]
    pub no_fast: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Source index (`unspin index add`): where the text's source is found, its words are put back.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Write each input's restored text to its own file under DIR, at the input's path
    /// (`docs/a.html` → `DIR/docs/a.html`; an absolute path without its root), instead of
    /// standard output. A file is written whole or not at all; an input is never overwritten.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Where `--out-dir` writes the restored `input`: its path under `dir`, without a root, `.` or
/// `..` components (so nothing lands outside `dir`).
fn out_path(dir: &Path, input: &Path) -> PathBuf {
    let mut out = dir.to_path_buf();
    for c in input.components() {
        if let Component::Normal(part) = c {
            out.push(part);
        }
    }
    out
}

/// The file being written under `--out-dir`: its input's name, and the output under a partial
/// name until the input has been read to its end.
struct OutFile {
    input: String,
    partial: PathBuf,
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
}

/// Where a sink writes: standard output, or one file per input under a directory.
enum Output<W: Write> {
    Stream(W),
    Files {
        dir: PathBuf,
        current: Option<OutFile>,
        written: Vec<PathBuf>,
    },
}

impl<W: Write> Output<W> {
    /// The writer for a part of `input` (a file's path as named, or `-`).
    fn for_input(&mut self, input: &str) -> anyhow::Result<&mut dyn Write> {
        match self {
            Output::Stream(w) => Ok(w),
            Output::Files {
                dir,
                current,
                written,
            } => {
                if current.as_ref().is_none_or(|c| c.input != input) {
                    if let Some(done) = current.take() {
                        written.push(finish_file(done)?);
                    }
                    *current = Some(open_out(dir, input)?);
                }
                Ok(&mut current.as_mut().expect("opened above").file)
            }
        }
    }

    /// An input that failed: its partial output is removed.
    fn abandon(&mut self, input: &str) {
        if let Output::Files { current, .. } = self {
            if current.as_ref().is_some_and(|c| c.input == input) {
                let c = current.take().expect("checked above");
                drop(c.file);
                let _ = std::fs::remove_file(&c.partial);
            }
        }
    }

    /// Flushes the stream, or finishes the last file; the files written.
    fn finish(self) -> anyhow::Result<Vec<PathBuf>> {
        match self {
            Output::Stream(mut w) => {
                w.flush()?;
                Ok(Vec::new())
            }
            Output::Files {
                current,
                mut written,
                ..
            } => {
                if let Some(done) = current {
                    written.push(finish_file(done)?);
                }
                Ok(written)
            }
        }
    }
}

fn open_out(dir: &Path, input: &str) -> anyhow::Result<OutFile> {
    let path = out_path(dir, Path::new(input));
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(input), std::fs::canonicalize(&path)) {
        if a == b {
            anyhow::bail!(
                "--out-dir: {} would overwrite its input; choose another directory",
                path.display()
            );
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| anyhow::anyhow!("{}: {e}", parent.display()))?;
    }
    let mut partial = path.clone().into_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = std::fs::File::create(&partial)
        .map_err(|e| anyhow::anyhow!("{}: {e}", partial.display()))?;
    Ok(OutFile {
        input: input.to_string(),
        partial,
        path,
        file: std::io::BufWriter::new(file),
    })
}

/// Flushes a finished file to disk and moves it from its partial name into place.
fn finish_file(out: OutFile) -> anyhow::Result<PathBuf> {
    let file = out
        .file
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}: {}", out.partial.display(), e.error()))?;
    file.sync_all()
        .map_err(|e| anyhow::anyhow!("{}: {e}", out.partial.display()))?;
    std::fs::rename(&out.partial, &out.path)
        .map_err(|e| anyhow::anyhow!("{}: {e}", out.path.display()))?;
    Ok(out.path)
}

/// The text with each finding that proposes an original shown as a removal and an insertion
/// (a finding whose original is unknown changes nothing, so the diff does not mark it).
pub fn word_diff(text: &str, findings: &[Finding], colour: bool) -> String {
    let mut out = String::with_capacity(text.len() + findings.len() * 24);
    let mut last = 0;
    for f in findings {
        if f.start < last || f.end > text.len() || !f.knows_original() {
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

/// `text` in `encoding`, for a page read in it. encoding_rs writes no UTF-16 (it writes UTF-8
/// instead, as a form would), so a UTF-16 page, known by its byte-order mark, gets its mark and
/// its code units back.
fn encode(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    let big_endian = encoding == encoding_rs::UTF_16BE;
    if !big_endian && encoding != encoding_rs::UTF_16LE {
        return encoding.encode(text).0.into_owned();
    }
    std::iter::once(0xFEFF)
        .chain(text.encode_utf16())
        .flat_map(|u| match big_endian {
            true => u.to_be_bytes(),
            false => u.to_le_bytes(),
        })
        .collect()
}

/// Restores each part as it is read: markup keeps its markup (only the spans the checked text maps
/// to are replaced), a JSONL record is written back as a record with its text field restored.
struct RestoreSink<'a, W: Write> {
    engine: &'a unspin::Engine,
    index: Option<&'a unspin::trace::Index>,
    diff: bool,
    colour: bool,
    field: &'a str,
    out: Output<W>,
    errors: usize,
    /// Whether some unreadable JSONL record was written through unchanged.
    passed_through: bool,
}

impl<W: Write> RestoreSink<'_, W> {
    /// The restored (or diffed) form of one part's source text. Findings whose words markup
    /// splits where the restored words cannot be placed around it are kept as written, each
    /// with a note on stderr: restoring them would delete markup.
    fn restore(&self, part: &Part<'_>) -> anyhow::Result<String> {
        let (source, format) = (part.text, part.format);
        let extracted = text::extract(source, format);
        if let Some(ix) = self.index {
            // With a source index, the aligned source supplies the original words (of the
            // checked text: markup is not kept). The diff view is refused with --index.
            let report = self.engine.check(&extracted.text);
            return super::trace::restore_with_index(ix, &extracted.text, &report.findings);
        }
        let report = self.engine.check(&extracted.text);
        let placed = extracted.place_findings(report.findings);
        for f in placed.kept.iter().filter(|f| f.knows_original()) {
            // A JSONL record's name already ends in its line.
            let at = match part.record {
                Some(_) => part.name.to_string(),
                None => {
                    let line = part.line + 1 + source[..f.start].matches('\n').count() as u64;
                    format!("{}:{line}", part.name)
                }
            };
            eprintln!(
                "unspin: {at}: “{}” is split by markup that the restored “{}” cannot be fitted around; kept as written",
                &source[f.start..f.end],
                f.suggestion
            );
        }
        let findings = placed.replacements(format);
        Ok(if self.diff {
            word_diff(source, &findings, self.colour)
        } else {
            apply(source, &findings)
        })
    }
}

impl<W: Write> Sink for RestoreSink<'_, W> {
    fn part(&mut self, part: Part<'_>) -> anyhow::Result<()> {
        let restored = self.restore(&part)?;
        let input = part.record.map_or(part.name, |(file, _)| file);
        let out = self.out.for_input(input)?;
        match part.value {
            Some(record) => {
                let mut record = record.clone();
                record[self.field] = serde_json::Value::String(restored);
                serde_json::to_writer(&mut *out, &record)?;
                out.write_all(b"\n")?;
            }
            // A page decoded from another encoding is written back in it, so that its
            // `<meta charset>` stays true (a character it cannot hold becomes a numeric
            // character reference). A diff, and the prose restored from an index, are text to
            // read, in UTF-8.
            None => match part.encoding {
                Some(encoding) if !self.diff && self.index.is_none() => {
                    out.write_all(&encode(&restored, encoding))?
                }
                _ => out.write_all(restored.as_bytes())?,
            },
        }
        Ok(())
    }

    fn error(&mut self, name: &str, message: String) {
        self.errors += 1;
        // A whole input that failed leaves no file (a JSONL record's error names `FILE:LINE`
        // and its line was written through).
        self.out.abandon(name);
        eprintln!("unspin: {name}: {message}");
    }

    fn skipped(&mut self, name: &str, message: String) {
        eprintln!("unspin: {name}: {message}");
    }

    fn unread_record(&mut self, file: &str, line: &[u8]) -> anyhow::Result<()> {
        let out = self.out.for_input(file)?;
        out.write_all(line)?;
        out.write_all(b"\n")?;
        self.passed_through = true;
        Ok(())
    }
}

pub fn run(mut args: Args) -> anyhow::Result<Outcome> {
    if args.out_dir.is_some()
        && (args.paths.is_empty() || args.paths.iter().any(|p| p == Path::new("-")))
    {
        anyhow::bail!(
            "--out-dir: standard input has no file name to write under; redirect the output instead"
        );
    }
    let cfg = args.config.load()?;
    let engine = ConfigArgs::build_engine(&mut args.engine, &cfg, args.no_fast)?;
    let index = args
        .index
        .as_deref()
        .map(unspin::trace::Index::open)
        .transpose()?;
    let stdout = std::io::stdout();
    let colour = match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        // Files under --out-dir are not a terminal, whatever stdout is.
        ColorWhen::Auto => {
            args.out_dir.is_none() && stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    // The output directory exists from the start, so that a walk of an input directory that
    // holds it passes it over.
    let skip_dir = match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
            Some(
                std::fs::canonicalize(dir)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?,
            )
        }
        None => None,
    };
    let read = ReadOptions {
        verb: "restore",
        skip_dir,
        ..args.read.options(&cfg)
    };
    let mut sink = RestoreSink {
        engine: &engine,
        index: index.as_ref(),
        diff: args.diff,
        colour,
        field: &read.jsonl_field,
        out: match args.out_dir {
            Some(dir) => Output::Files {
                dir,
                current: None,
                written: Vec::new(),
            },
            None => Output::Stream(std::io::BufWriter::new(stdout.lock())),
        },
        errors: 0,
        passed_through: false,
    };
    read_all(&args.paths, &read, &mut sink)?;
    let written = sink.out.finish()?;
    if !written.is_empty() {
        eprintln!("unspin: {} file(s) written", written.len());
    }
    if sink.errors > 0 {
        let n = sink.errors;
        anyhow::bail!(
            "{n} input{} could not be restored (see the messages above{})",
            if n == 1 { "" } else { "s" },
            if sink.passed_through {
                "; unreadable JSONL records were written through as they were"
            } else {
                ""
            }
        );
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
            word_diff(text, std::slice::from_ref(&f), false),
            "[-Head of state-]{+President+} Biden spoke."
        );
        // A listed phrase whose original is unknown is reported by `check`, not marked here.
        let unknown = Finding {
            suggestion: "Head of state".into(),
            ..f
        };
        assert_eq!(word_diff(text, &[unknown], false), text);
    }
}
