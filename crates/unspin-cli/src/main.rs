//! The `unspin` command line. Exit codes: 0 nothing found, 1 findings, 2 error.

mod cmd;
mod input;

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
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
