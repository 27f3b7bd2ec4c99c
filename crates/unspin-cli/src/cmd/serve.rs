//! `unspin serve` (being built; see the issue tracker).

use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    anyhow::bail!("`unspin serve` is not built yet")
}
