//! Inputs: files, directories (walked with `ignore`), stdin, and JSONL records.
//!
//! Reading never stops at a bad input: each problem becomes an [`InputError`] that names the
//! input, and the other inputs are still read.

use std::io::Read;
use std::path::{Path, PathBuf};

use unspin::text::{check_bytes, Format};

/// One document to check.
pub struct Doc {
    /// How the document is named in output: a path, `-`, or `path:line` for a JSONL record.
    pub name: String,
    pub text: String,
    #[allow(dead_code)] // read by the markup layer
    pub format: Format,
}

/// An input that could not be read, with the reason.
pub struct InputError {
    pub name: String,
    pub message: String,
}

pub struct InputOptions {
    /// Treat files as JSONL and check this string field of each record.
    pub jsonl_field: Option<String>,
}

/// Read every input, calling `on_doc` per document and `on_error` per unreadable input.
pub fn read_inputs(
    paths: &[PathBuf],
    opts: &InputOptions,
    mut on_doc: impl FnMut(Doc) -> anyhow::Result<()>,
    mut on_error: impl FnMut(InputError),
) -> anyhow::Result<()> {
    let stdin_only = [PathBuf::from("-")];
    let paths = if paths.is_empty() {
        &stdin_only[..]
    } else {
        paths
    };
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
                on_error(InputError {
                    name: "-".into(),
                    message: e.to_string(),
                });
                continue;
            }
            read_bytes("-", Path::new("-"), bytes, opts, &mut on_doc, &mut on_error)?;
            continue;
        }
        if path.is_dir() {
            for entry in ignore::WalkBuilder::new(path).build() {
                match entry {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                        read_file(e.path(), opts, &mut on_doc, &mut on_error)?
                    }
                    Ok(_) => {}
                    Err(e) => on_error(InputError {
                        name: path.display().to_string(),
                        message: e.to_string(),
                    }),
                }
            }
        } else {
            read_file(path, opts, &mut on_doc, &mut on_error)?;
        }
    }
    Ok(())
}

fn read_file(
    path: &Path,
    opts: &InputOptions,
    on_doc: &mut impl FnMut(Doc) -> anyhow::Result<()>,
    on_error: &mut impl FnMut(InputError),
) -> anyhow::Result<()> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => read_bytes(&name, path, bytes, opts, on_doc, on_error),
        Err(e) => {
            on_error(InputError {
                name,
                message: e.to_string(),
            });
            Ok(())
        }
    }
}

fn read_bytes(
    name: &str,
    path: &Path,
    bytes: Vec<u8>,
    opts: &InputOptions,
    on_doc: &mut impl FnMut(Doc) -> anyhow::Result<()>,
    on_error: &mut impl FnMut(InputError),
) -> anyhow::Result<()> {
    if let Some(field) = &opts.jsonl_field {
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let rec_name = format!("{name}:{}", i + 1);
            match serde_json::from_slice::<serde_json::Value>(line) {
                Ok(v) => match v.get(field).and_then(|t| t.as_str()) {
                    Some(t) => on_doc(Doc {
                        name: rec_name,
                        text: t.to_string(),
                        format: Format::Plain,
                    })?,
                    None => on_error(InputError {
                        name: rec_name,
                        message: format!("record has no string field {field:?}"),
                    }),
                },
                Err(e) => on_error(InputError {
                    name: rec_name,
                    message: format!("malformed JSON: {e}"),
                }),
            }
        }
        return Ok(());
    }
    match check_bytes(&bytes) {
        Ok(text) => on_doc(Doc {
            name: name.to_string(),
            text: text.strip_prefix('\u{feff}').unwrap_or(text).to_string(),
            format: Format::from_path(path),
        }),
        Err(message) => {
            on_error(InputError {
                name: name.to_string(),
                message,
            });
            Ok(())
        }
    }
}
