//! The `unspin` command line. Exit codes: 0 nothing found, 1 findings, 2 error.

mod cmd;
mod config;
mod input;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "unspin",
    version,
    about = "Find machine-spun text, restore the original, trace its source"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report suspicious spans and a document score.
    Check(cmd::check::Args),
    /// Print the most probable original text.
    Restore(cmd::restore::Args),
    /// Build, import or inspect language models.
    Model(cmd::model::Args),
    /// Build and inspect a source index for `trace`.
    Index(cmd::index::Args),
    /// Find the source of a spun text in an index and align the two.
    Trace(cmd::trace::Args),
    /// Score corpus shards (JSONL, Parquet, WARC) in parallel.
    Scan(cmd::scan::Args),
    /// Serve the HTTP API and the web page.
    Serve(cmd::serve::Args),
    /// Measure accuracy on the evaluation sets.
    Eval(cmd::eval::Args),
    /// Mine a gazetteer of names from a clean corpus (for --gazetteer).
    Gazetteer(cmd::gazetteer::Args),
}

/// What a command ended with, mapped to the exit code.
pub enum Outcome {
    Clean,
    Found,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Restore(args) => cmd::restore::run(args),
        Command::Model(args) => cmd::model::run(args),
        Command::Index(args) => cmd::index::run(args),
        Command::Trace(args) => cmd::trace::run(args),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Gazetteer(args) => cmd::gazetteer::run(args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::from(0),
        Ok(Outcome::Found) => ExitCode::from(1),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(0);
            }
            eprintln!("unspin: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            // serde_json's writer errors hide the I/O error from the chain.
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
    })
}
