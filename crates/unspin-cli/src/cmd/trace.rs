//! `unspin trace`: find the sources of spun texts in an index and align them sentence by sentence.
//!
//! `--format jsonl`: one line per input, `{"path", "id"?, "matches": [{"id", "score", "coverage",
//! "source_coverage", "also_indexed_as"?}]}` (the input's `id` is a JSONL record's, as `check`
//! gives it).
//! `--format json`: the same objects in one array, each match with its alignment (sentence pairs
//! and substitutions, as UTF-8 byte offsets, half-open, into the query and into the source).
//! `--format human`: the ranked matches and the aligned sentences with the substituted words
//! marked (coloured on a terminal): all of the best match's, then those of each further match
//! that pairs sentences the matches before it did not (the other half of a merged copy).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;
use unspin::trace::{trace, Index, Match, TraceOptions};

use super::{ConfigArgs, ReadArgs};
use crate::input::read_inputs;
use crate::output::{unchecked_entry, Unchecked};
use crate::Outcome;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Jsonl,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Index directory built by `unspin index add`.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// Files to trace; `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    /// Matches to report per input.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub top: u32,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Candidates from the fingerprint stage that are aligned.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub candidates: u32,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let index = Index::open(&args.index)?;
    // An empty index finds nothing: "no source found" would read as "not a copy".
    if index.is_empty() {
        anyhow::bail!(
            "{}: the index holds no documents, so nothing can be traced; add yours with `unspin index add --index {} FILE...`",
            args.index.display(),
            args.index.display()
        );
    }
    let opts = TraceOptions {
        top: args.top as usize,
        candidates: args.candidates as usize,
        ..TraceOptions::default()
    };
    let stdout = std::io::stdout();
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // Shared by the two callbacks: an input that cannot be traced gets its line too.
    let out = std::cell::RefCell::new(std::io::BufWriter::new(stdout.lock()));
    let json_docs = std::cell::RefCell::new(Vec::new());
    let mut any = false;
    let mut errors = 0;
    read_inputs(
        &args.paths,
        &crate::input::ReadOptions {
            verb: "trace",
            ..args.read.options(&args.config.load()?)
        },
        |doc| {
            // Markup is stripped as `check` strips it; offsets are then mapped back to the input.
            let extracted = unspin::text::extract(&doc.text, doc.format);
            let mut matches = trace(&index, &extracted.text, &opts)?;
            any |= !matches.is_empty();
            if args.format == Format::Human {
                let name = match &doc.id {
                    Some(id) => format!("{} (id {})", doc.name, plain_id(id)),
                    None => doc.name.clone(),
                };
                return human(
                    &mut *out.borrow_mut(),
                    &index,
                    &name,
                    &extracted.text,
                    &matches,
                    colour,
                );
            }
            for m in &mut matches {
                m.alignment.map_query(|span| {
                    let s = extracted.to_source(span);
                    let base = doc.offset as usize;
                    (base + s.start)..(base + s.end)
                });
            }
            let mut v = serde_json::json!({"path": doc.name});
            // A JSONL record's id, as `check` reports it, so a script can join on it.
            if let Some(id) = doc.id {
                v["id"] = id;
            }
            // A page decoded from another encoding: offsets are into its text as UTF-8.
            if let Some(encoding) = doc.encoding {
                v["encoding"] = encoding.name().into();
            }
            if args.format == Format::Jsonl {
                v["matches"] = serde_json::to_value(&matches)?;
                let mut out = out.borrow_mut();
                serde_json::to_writer(&mut *out, &v)?;
                out.write_all(b"\n")?;
            } else {
                let ms: Vec<serde_json::Value> = matches
                    .iter()
                    .map(|m| {
                        let mut j = serde_json::to_value(m)?;
                        j["alignment"] = serde_json::to_value(&m.alignment)?;
                        Ok(j)
                    })
                    .collect::<serde_json::Result<_>>()?;
                v["matches"] = serde_json::Value::Array(ms);
                json_docs.borrow_mut().push(v);
            }
            Ok(())
        },
        |err| {
            errors += usize::from(!err.skipped);
            eprintln!("unspin: {}: {}", err.name, err.message);
            // In JSON and JSONL every input and record has its entry, so that a script reading
            // a JSONL file's results finds record k at line k.
            let why = if err.skipped {
                Unchecked::Skipped
            } else {
                Unchecked::Error
            };
            let v = unchecked_entry(&err.name, err.id.as_ref(), &err.message, why);
            match args.format {
                Format::Jsonl => {
                    let mut out = out.borrow_mut();
                    // A failing stdout is reported by the flush below.
                    let _ = serde_json::to_writer(&mut *out, &v).map(|_| out.write_all(b"\n"));
                }
                Format::Json => json_docs.borrow_mut().push(v),
                Format::Human => {}
            }
        },
    )?;
    let mut out = out.into_inner();
    if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut out, &json_docs.into_inner())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if errors > 0 {
        anyhow::bail!("{errors} input(s) could not be traced");
    }
    Ok(if any { Outcome::Found } else { Outcome::Clean })
}

/// A JSONL record's id as a person reads it: a string without its quotes.
fn plain_id(id: &serde_json::Value) -> String {
    match id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn human(
    out: &mut impl Write,
    index: &Index,
    name: &str,
    text: &str,
    matches: &[Match],
    colour: bool,
) -> anyhow::Result<()> {
    writeln!(out, "{name}")?;
    if matches.is_empty() {
        writeln!(out, "  no source found")?;
        return Ok(());
    }
    for (i, m) in matches.iter().enumerate() {
        writeln!(
            out,
            "  {}. {}  score {:.2}  ({:.0}% of this text paired with {:.0}% of the source)",
            i + 1,
            m.id,
            m.score,
            m.coverage * 100.0,
            m.source_coverage * 100.0
        )?;
        if !m.also_indexed_as.is_empty() {
            writeln!(
                out,
                "     the same text is also indexed as {}",
                m.also_indexed_as.join(", ")
            )?;
        }
    }
    // The best match's pairs, then each further match's pairs of sentences that no match before
    // it paired: a copy merged from two articles shows where each part came from.
    let mut shown: Vec<(usize, usize)> = Vec::new();
    for m in matches {
        let pairs: Vec<_> = m
            .alignment
            .pairs
            .iter()
            .filter(|p| {
                !shown
                    .iter()
                    .any(|&(a, b)| p.query.start < b && a < p.query.end)
            })
            .collect();
        if pairs.is_empty() {
            continue;
        }
        let source = index.text(m.doc)?;
        writeln!(
            out,
            "\n  aligned with {} ({} sentence pair(s){}; {} marks the query's words, {} the source's):",
            m.id,
            pairs.len(),
            if shown.is_empty() {
                ""
            } else {
                " not paired above"
            },
            if colour { "red" } else { "[-...-]" },
            if colour { "green" } else { "{+...+}" }
        )?;
        for p in &pairs {
            let q = mark(
                text,
                p.query.start,
                p.query.end,
                p.substitutions.iter().map(|s| (s.query.start, s.query.end)),
                colour,
                true,
            );
            let s = mark(
                &source,
                p.source.start,
                p.source.end,
                p.substitutions
                    .iter()
                    .map(|s| (s.source.start, s.source.end)),
                colour,
                false,
            );
            writeln!(out, "\n  query  {q}")?;
            writeln!(out, "  source {s}   ({:.2})", p.similarity)?;
        }
        shown.extend(pairs.iter().map(|p| (p.query.start, p.query.end)));
    }
    writeln!(out)?;
    Ok(())
}

/// The text of `start..end` with the given spans highlighted.
fn mark(
    text: &str,
    start: usize,
    end: usize,
    spans: impl Iterator<Item = (usize, usize)>,
    colour: bool,
    query: bool,
) -> String {
    let (open, close) = match (colour, query) {
        (true, true) => ("\x1b[31m", "\x1b[0m"),
        (true, false) => ("\x1b[32m", "\x1b[0m"),
        (false, true) => ("[-", "-]"),
        (false, false) => ("{+", "+}"),
    };
    let mut s = String::new();
    let mut cur = start;
    for (a, b) in spans {
        if a < cur || b > end || a == b {
            continue;
        }
        s.push_str(&text[cur..a]);
        s.push_str(open);
        s.push_str(&text[a..b]);
        s.push_str(close);
        cur = b;
    }
    s.push_str(&text[cur..end]);
    s.replace('\n', " ")
}

/// `unspin restore --index DIR`: when the source of `text` is found in `index` (best match with a
/// score of at least [`RESTORE_MIN_SCORE`]), every sentence paired with it takes the source's
/// words; every other stretch takes the engine's `findings` on the whole text that lie inside it,
/// as `unspin restore` without an index would (checking each stretch on its own would lose the
/// document's evidence: a lone "as well as" in a stretch is no spinner's habit).
pub fn restore_with_index(
    index: &Index,
    text: &str,
    findings: &[unspin::Finding],
) -> anyhow::Result<String> {
    let fallback = |range: std::ops::Range<usize>| {
        let inside: Vec<unspin::Finding> = findings
            .iter()
            .filter(|f| f.start >= range.start && f.end <= range.end)
            .map(|f| unspin::Finding {
                start: f.start - range.start,
                end: f.end - range.start,
                ..f.clone()
            })
            .collect();
        unspin::finding::apply(&text[range], &inside)
    };
    let opts = TraceOptions {
        top: 1,
        ..TraceOptions::default()
    };
    let matches = trace(index, text, &opts)?;
    match matches.first() {
        Some(m) if m.score >= RESTORE_MIN_SCORE => {
            let source = index.text(m.doc)?;
            Ok(unspin::trace::restore_from_source(
                text,
                &source,
                &m.alignment,
                unspin::trace::RESTORE_MIN_SIMILARITY,
                fallback,
            ))
        }
        _ => Ok(fallback(0..text.len())),
    }
}

/// A source is trusted for restoration from this alignment score up.
pub const RESTORE_MIN_SCORE: f64 = 0.3;
