//! `unspin check`: report suspicious spans and a document score.
//!
//! The data path per document: input reader (parts of a document, see `input.rs`) → markup layer
//! (`unspin::text::extract`: prose + offset map) → `Engine::check` → findings mapped back to
//! the input's bytes and placed on lines (`output::Locator`) → the chosen output format.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use unspin::engine::IGNORE_FILE;
use unspin::text::{self, Format};
use unspin::{Engine, Finding, Verdict};

use super::EngineArgs;
use super::{ConfigArgs, ReadArgs};
use crate::input::{read_all, Part, Sink};
use crate::output::{
    self, DocResult, Located, Locator, OutputFormat, Shown, Summary, Unchecked, Writer,
};
use crate::Outcome;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories to check; `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    /// Output format. Offsets in every format are UTF-8 byte offsets, half-open, into the input.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Exit 0 even when something is found (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Use the language model even if the configuration says `fast = true`.
    #[arg(long, conflicts_with = "fast")]
    pub no_fast: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// A document being assembled from its parts.
struct Pending {
    name: String,
    id: Option<serde_json::Value>,
    record: Option<(String, u64)>,
    format: Format,
    /// See [`crate::input::Part::encoding`].
    encoding: Option<&'static str>,
    findings: Vec<Located>,
    /// The findings the parts' scores were computed from (more than those reported when
    /// `--min-confidence` is raised), to score a document checked in parts as a whole.
    evidence: Vec<Finding>,
    words: usize,
    parts: usize,
    score: f32,
    verdict: Verdict,
    /// Words of the parts read as another language than English, per language
    /// ([`Pending::language`]).
    foreign_words: Vec<(String, usize)>,
    ignore_file: bool,
    /// The text as checked and its findings, for formats that show it (`--format html`).
    shown: Option<Shown>,
}

impl Pending {
    /// The language of a document not written in English: the language with the most words,
    /// once the parts in other languages hold most of the document's words (a document read in
    /// parts is in the language most of its words are in, whatever its first part).
    fn language(&self) -> Option<&str> {
        let foreign: usize = self.foreign_words.iter().map(|(_, n)| n).sum();
        (foreign * 2 > self.words)
            .then(|| self.foreign_words.iter().max_by_key(|(_, n)| *n))
            .flatten()
            .map(|(code, _)| code.as_str())
    }
}

struct CheckSink<'e, W: Write> {
    engine: &'e Engine,
    writer: Box<dyn Writer>,
    out: W,
    summary: Summary,
    pending: Option<Pending>,
    /// Whether the format shows source lines.
    excerpts: bool,
    keep_text: bool,
    /// A failure to write an unchecked input's entry ([`Sink::error`] cannot return it): the
    /// next document, or the end of the run, reports it.
    write_error: Option<std::io::Error>,
}

impl<W: Write> CheckSink<'_, W> {
    fn finish_doc(&mut self, mut p: Pending) -> anyhow::Result<()> {
        if p.parts > 1 {
            // A large file checked in parts: one verdict for the whole document.
            if p.ignore_file {
                p.findings.clear();
                p.evidence.clear();
                if let Some(shown) = &mut p.shown {
                    shown.findings.clear();
                }
            }
            let (score, verdict) = match p.language() {
                None => unspin::score::document_score(&p.evidence, p.words),
                Some(_) => unspin::score::foreign_score(&p.evidence),
            };
            p.score = score;
            p.verdict = verdict;
        }
        self.summary.documents += 1;
        self.summary.findings += p.findings.len();
        if !p.findings.is_empty() {
            self.summary.documents_with_findings += 1;
        }
        match p.verdict {
            Verdict::Spun => self.summary.spun_documents += 1,
            Verdict::Uncertain => self.summary.uncertain_documents += 1,
            Verdict::Clean => {}
        }
        let language = p.language().map(str::to_string);
        let doc = DocResult {
            name: p.name,
            id: p.id,
            record: p.record,
            format: p.format,
            encoding: p.encoding,
            score: p.score,
            verdict: p.verdict,
            words: p.words,
            language,
            findings: p.findings,
            shown: p.shown,
        };
        self.writer.doc(&mut self.out, &doc)?;
        Ok(())
    }

    /// An input with no document (`files` files for a walk's note): on stderr, in its place in
    /// the output, and in the summary. A document whose earlier parts were checked is
    /// abandoned when it fails.
    fn problem(
        &mut self,
        name: &str,
        id: Option<&serde_json::Value>,
        message: String,
        why: Unchecked,
        files: usize,
    ) {
        anstream::eprintln!("unspin: {name}: {message}");
        self.unchecked(name, id, &message, why);
        match why {
            Unchecked::Error => {
                if self.pending.as_ref().is_some_and(|p| p.name == name) {
                    self.pending = None;
                }
                self.summary.errors.push((name.to_string(), message));
            }
            Unchecked::Skipped => {
                self.summary.skipped.push((name.to_string(), message));
                self.summary.skipped_files += files;
            }
        }
    }

    /// Give an input that has no document its entry in the output (JSON, JSONL), in its place.
    fn unchecked(
        &mut self,
        name: &str,
        id: Option<&serde_json::Value>,
        message: &str,
        why: Unchecked,
    ) {
        if self.write_error.is_some() {
            return;
        }
        if let Err(e) = self.writer.unchecked(&mut self.out, name, id, message, why) {
            self.write_error = Some(e);
        }
    }

    /// The write failure kept by [`CheckSink::unchecked`], if any.
    fn take_write_error(&mut self) -> anyhow::Result<()> {
        match self.write_error.take() {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

impl<W: Write> Sink for CheckSink<'_, W> {
    fn part(&mut self, part: Part<'_>) -> anyhow::Result<()> {
        self.take_write_error()?;
        let extracted = text::extract(part.text, part.format);
        let (mut report, evidence) = self
            .engine
            .check_with_evidence(&extracted.text, self.engine.options.min_confidence);
        // The report shows the prose as checked, with the findings in its words (code spans
        // are context, never reported: the same findings as placed below).
        let shown_findings: Vec<Finding> = if self.keep_text {
            let mut shown = report.findings.clone();
            extracted.drop_findings_in_code(&mut shown);
            shown
        } else {
            Vec::new()
        };
        // Findings placed to replace words only; those markup splits beyond repair are
        // reported over their whole span but offer no fix.
        let placed = extracted.place_findings(std::mem::take(&mut report.findings));
        let mut findings: Vec<(Finding, bool)> =
            placed.findings.into_iter().map(|f| (f, true)).collect();
        findings.extend(placed.kept.into_iter().map(|f| (f, false)));
        // The locator walks the part forwards.
        findings.sort_by_key(|(f, _)| (f.start, f.end));
        let mut locator = Locator::new(part.text, part.offset, part.line).with_column(part.column);
        locator.excerpts = self.excerpts;
        let located: Vec<Located> = findings
            .into_iter()
            .map(|(f, fixable)| Located {
                fixable,
                ..locator.locate(f)
            })
            .collect();
        if part.first || self.pending.is_none() {
            self.pending = Some(Pending {
                name: part.name.to_string(),
                id: part.id.cloned(),
                record: part.record.map(|(f, l)| (f.to_string(), l)),
                format: part.format,
                encoding: part.encoding.map(|e| e.name()),
                findings: Vec::new(),
                evidence: Vec::new(),
                words: 0,
                parts: 0,
                score: report.score,
                verdict: report.verdict,
                foreign_words: Vec::new(),
                ignore_file: false,
                shown: self.keep_text.then(Shown::default),
            });
        }
        let p = self.pending.as_mut().expect("set above");
        if let Some(shown) = &mut p.shown {
            // A document read in parts is shown as one text: offsets follow on.
            let base = shown.text.len();
            shown
                .findings
                .extend(shown_findings.into_iter().map(|mut f| {
                    f.start += base;
                    f.end += base;
                    f
                }));
            shown.text.push_str(&extracted.text);
        }
        p.parts += 1;
        p.words += report.words;
        if let Some(code) = &report.language {
            match p.foreign_words.iter_mut().find(|(c, _)| c == code) {
                Some((_, n)) => *n += report.words,
                None => p.foreign_words.push((code.clone(), report.words)),
            }
        }
        p.findings.extend(located);
        p.evidence.extend(evidence);
        p.ignore_file |= has_ignore_file(&part);
        if part.last {
            let p = self.pending.take().expect("set above");
            self.finish_doc(p)?;
        }
        Ok(())
    }

    fn error(&mut self, name: &str, message: String) {
        self.problem(name, None, message, Unchecked::Error, 1);
    }

    fn skipped(&mut self, name: &str, message: String) {
        self.problem(name, None, message, Unchecked::Skipped, 1);
    }

    fn passed_over(&mut self, dir: &str, files: usize, message: String) {
        self.problem(dir, None, message, Unchecked::Skipped, files);
    }

    fn record_problem(
        &mut self,
        name: &str,
        id: Option<&serde_json::Value>,
        message: String,
        skipped: bool,
    ) {
        let why = if skipped {
            Unchecked::Skipped
        } else {
            Unchecked::Error
        };
        self.problem(name, id, message, why, 1);
    }
}

/// Whether a part carries the whole-document suppression marker.
fn has_ignore_file(part: &Part<'_>) -> bool {
    memchr::memmem::find(part.text.as_bytes(), IGNORE_FILE.as_bytes()).is_some()
}

pub fn run(mut args: Args) -> anyhow::Result<Outcome> {
    match args.color {
        ColorWhen::Auto => {}
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
    }
    let cfg = args.config.load()?;
    let engine = ConfigArgs::build_engine(&mut args.engine, &cfg, args.no_fast)?;
    let opts = args.read.options(&cfg);

    let stdout = anstream::AutoStream::auto(std::io::stdout().lock());
    let mut sink = CheckSink {
        engine: &engine,
        writer: output::writer(args.format),
        out: BufWriter::with_capacity(64 << 10, stdout),
        summary: Summary::default(),
        pending: None,
        excerpts: args.format == OutputFormat::Human,
        keep_text: args.format == OutputFormat::Html,
        write_error: None,
    };
    read_all(&args.paths, &opts, &mut sink)?;
    sink.take_write_error()?;
    let summary = std::mem::take(&mut sink.summary);
    sink.writer.finish(&mut sink.out, &summary)?;
    sink.out.flush()?;
    if args.format == OutputFormat::Human && summary.spun_documents > 0 {
        if let Some(note) = model_note(&engine, args.engine.model_file().is_none()) {
            anstream::eprintln!("{note}");
        }
    }
    if !summary.errors.is_empty() {
        let n = summary.errors.len();
        anyhow::bail!(
            "{n} input{} could not be checked (see the messages above)",
            if n == 1 { "" } else { "s" }
        );
    }
    Ok(if summary.findings > 0 && !args.exit_zero {
        Outcome::Found
    } else {
        Outcome::Clean
    })
}

/// What to tell a user whose documents are judged spun while the model can only see part of
/// the spinning: the embedded model lists frequent bigrams, so it finds spinner patterns and
/// broken names, and the content words swapped one by one ("pressures" for "forces") need a
/// model counted from running text. `None` when that model is in use already, or in `--fast`
/// mode (the user chose rules only).
fn model_note(engine: &Engine, embedded: bool) -> Option<String> {
    let decoder = engine.decoder.as_ref()?;
    if decoder.repairs_collocations() {
        return None;
    }
    let which = if embedded { "the embedded" } else { "this" };
    Some(format!(
        "note: {which} language model has no bigram counts of running text, so unspin finds \
         spinner patterns and broken names but not content words swapped one by one; build \
         one with `unspin model build` and pass it with --model or UNSPIN_MODEL (README)"
    ))
}
