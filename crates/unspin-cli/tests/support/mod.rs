//! Helpers shared by the integration tests that run the `unspin` binary.

use std::path::Path;
use std::process::{Command, Output};

/// Run `unspin ARGS` in `dir`, without colour and without a model from the environment.
pub fn unspin(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unspin"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("UNSPIN_MODEL")
        .output()
        .expect("run unspin")
}

/// A run's stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
