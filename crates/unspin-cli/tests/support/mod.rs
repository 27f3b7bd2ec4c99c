//! Helpers shared by the integration tests that run the `unspin` binary.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;

/// Run `unspin ARGS` in `dir`, without colour and without a model from the environment.
#[allow(dead_code)] // not every test binary runs one-off commands
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
#[allow(dead_code)]
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A running `unspin serve`.
#[allow(dead_code)] // not every test binary starts a server
pub struct Server {
    pub child: Child,
    /// The address it bound (`127.0.0.1:PORT`).
    pub addr: String,
    /// The line it announced itself with.
    pub start_line: String,
    /// The lines it writes on stderr after that, drained so that it never blocks on a full pipe.
    pub lines: mpsc::Receiver<String>,
}

/// Start `unspin serve` on a free port with `args` (in `dir`, else the test's directory), without
/// a model from the environment.
#[allow(dead_code)]
pub fn serve(dir: Option<&Path>, args: &[&str]) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_unspin"));
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("UNSPIN_MODEL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start unspin serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut start_line = String::new();
    stderr.read_line(&mut start_line).unwrap();
    let addr = start_line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {start_line:?}"))
        .to_string();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for l in stderr.lines() {
            let Ok(l) = l else { break };
            let _ = tx.send(l);
        }
    });
    Server {
        child,
        addr,
        start_line,
        lines,
    }
}
