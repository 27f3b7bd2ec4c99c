//! `unspin restore`: print the most probable original text.

use std::io::Write;
use std::path::PathBuf;

use super::EngineArgs;
use crate::input::{read_inputs, InputOptions};
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// File to restore; `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Source index (`unspin index add`): where the text's source is found, its words are put back.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let engine = args.engine.build()?;
    let index = args
        .index
        .as_deref()
        .map(unspin::trace::Index::open)
        .transpose()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut errors = 0;
    read_inputs(
        &args.paths,
        &InputOptions::default(),
        |doc| {
            let restored = match &index {
                Some(ix) => {
                    super::trace::restore_with_index(ix, &doc.text, |t| engine.restore(t).0)?
                }
                None => engine.restore(&doc.text).0,
            };
            out.write_all(restored.as_bytes())?;
            Ok(())
        },
        |err| {
            errors += 1;
            eprintln!("unspin: {}: {}", err.name, err.message);
        },
    )?;
    if errors > 0 {
        anyhow::bail!("{errors} input(s) could not be restored");
    }
    Ok(Outcome::Clean)
}
