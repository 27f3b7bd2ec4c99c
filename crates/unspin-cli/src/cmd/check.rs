//! `unspin check`: report suspicious spans and a document score.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;
use unspin::{Finding, Report};

use super::EngineArgs;
use crate::input::{read_inputs, InputOptions};
use crate::Outcome;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Human,
    Json,
    Jsonl,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories to check; `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Read inputs as JSONL and check this field of each record.
    #[arg(long, value_name = "FIELD")]
    pub jsonl_field: Option<String>,
    /// Exit 0 even when something is found.
    #[arg(long)]
    pub exit_zero: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// One checked document, as written by `--format json|jsonl`.
#[derive(Serialize)]
pub struct DocReport<'a> {
    pub path: &'a str,
    pub score: f32,
    pub verdict: &'static str,
    pub words: usize,
    pub findings: &'a [Finding],
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let engine = args.engine.build()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut any = false;
    let mut errors = 0usize;
    let mut all: Vec<serde_json::Value> = Vec::new();
    read_inputs(
        &args.paths,
        &InputOptions {
            jsonl_field: args.jsonl_field.clone(),
        },
        |doc| {
            let report: Report = engine.check(&doc.text);
            any |= !report.findings.is_empty();
            let dr = DocReport {
                path: &doc.name,
                score: report.score,
                verdict: report.verdict.as_str(),
                words: report.words,
                findings: &report.findings,
            };
            match args.format {
                OutputFormat::Jsonl => {
                    serde_json::to_writer(&mut out, &dr)?;
                    out.write_all(b"\n")?;
                }
                OutputFormat::Json => all.push(serde_json::to_value(&dr)?),
                OutputFormat::Human => {
                    for f in &report.findings {
                        writeln!(
                            out,
                            "{}:{}: {} → {} ({:.2}, {})",
                            doc.name, f.start, f.text, f.suggestion, f.confidence, f.rule
                        )?;
                    }
                    writeln!(
                        out,
                        "{}: score {:.2} ({})",
                        doc.name,
                        report.score,
                        report.verdict.as_str()
                    )?;
                }
            }
            Ok(())
        },
        |err| {
            errors += 1;
            eprintln!("unspin: {}: {}", err.name, err.message);
        },
    )?;
    if args.format == OutputFormat::Json {
        serde_json::to_writer_pretty(&mut out, &all)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if errors > 0 {
        anyhow::bail!("{errors} input(s) could not be checked");
    }
    Ok(if any && !args.exit_zero {
        Outcome::Found
    } else {
        Outcome::Clean
    })
}
