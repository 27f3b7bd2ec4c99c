//! `unspin eval <suite>`: measure accuracy on the evaluation sets.
//!
//! Each suite is one file of this folder with its own clap `Args` and
//! `run(Args) -> anyhow::Result<Outcome>`; adding a suite is that file plus one line in the
//! `suites!` list below. Suites print a table (`--format human`) or one JSON object
//! (`--format json`), and default their data paths to `../shared/...` (the project's data
//! folder beside the repository).

use crate::Outcome;

pub mod corpus;

/// Declares the suites: `Variant => module` per line, with the doc comment clap shows.
macro_rules! suites {
    ($($(#[$doc:meta])* $variant:ident => $module:ident),* $(,)?) => {
        $(pub mod $module;)*

        #[derive(clap::Subcommand, Debug)]
        pub enum Suite {
            $($(#[$doc])* $variant($module::Args),)*
        }

        impl Suite {
            fn run(self) -> anyhow::Result<Outcome> {
                match self {
                    $(Suite::$variant(args) => $module::run(args),)*
                }
            }
        }
    };
}

suites! {
    /// Every public screener fingerprint placed in ordinary sentences: recall and exact suggestion.
    Fingerprints => fingerprints,
    /// Findings per 10,000 words of clean text (false positives), with the rules that fire.
    Clean => clean,
    /// Document score: ROC AUC on held-out clean vs synthetic spins and on the dev pairs; --fit refits.
    Score => score,
    /// Broken names: restorations on synthetic name spins, and false alarms on clean text.
    Names => names,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub suite: Suite,
}

/// How a suite prints its result.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReportFormat {
    #[default]
    Human,
    Json,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    args.suite.run()
}

/// Print a suite's JSON report on stdout.
pub fn print_json<T: serde::Serialize>(report: &T) -> anyhow::Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A percentage with one decimal, `-` when the denominator is zero.
pub fn pct(num: usize, den: usize) -> String {
    if den == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", 100.0 * num as f64 / den as f64)
    }
}
