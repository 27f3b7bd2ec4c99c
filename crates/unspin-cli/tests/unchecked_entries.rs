//! `unspin check --format json|jsonl` gives every input that has no document its own entry in
//! its place (`{"path", "error"}`, `{"path", "skipped"}`), as `unspin trace` does, with the same
//! shape and wording; stderr and the exit code stay as they were.

use std::path::Path;

mod support;
use support::{stderr, unspin};

/// The inputs: a good file, then one of each kind that cannot be checked, then a JSONL file
/// whose records fail in different ways.
fn inputs(dir: &Path) -> Vec<&'static str> {
    std::fs::write(
        dir.join("good.txt"),
        "The harbour wall was rebuilt after the storm of last winter.\n",
    )
    .unwrap();
    std::fs::write(dir.join("latin1.txt"), b"caf\xe9 au lait").unwrap();
    std::fs::write(dir.join("empty.txt"), b"").unwrap();
    std::fs::write(dir.join("bin.bin"), b"abc\0def").unwrap();
    std::fs::write(
        dir.join("docs.jsonl"),
        "{\"id\":\"a\",\"text\":\"The ferry left at noon.\"}\n{bad\n{\"id\":\"c\",\"body\":\"x\"}\n{\"id\":\"d\",\"text\":\" \"}\n",
    )
    .unwrap();
    vec![
        "good.txt",
        "latin1.txt",
        "missing.txt",
        "empty.txt",
        "bin.bin",
        "docs.jsonl",
    ]
}

/// `(path, key of the entry)` per line or array element: `doc` for a checked document.
fn entries(values: &[serde_json::Value]) -> Vec<(String, &'static str)> {
    values
        .iter()
        .map(|v| {
            let key = ["error", "skipped"]
                .into_iter()
                .find(|k| v.get(k).is_some())
                .unwrap_or("doc");
            (v["path"].as_str().unwrap().to_string(), key)
        })
        .collect()
}

const EXPECTED: [(&str, &str); 9] = [
    ("good.txt", "doc"),
    ("latin1.txt", "error"),
    ("missing.txt", "error"),
    ("empty.txt", "skipped"),
    ("bin.bin", "error"),
    ("docs.jsonl:1", "doc"),
    ("docs.jsonl:2", "error"),
    ("docs.jsonl:3", "error"),
    ("docs.jsonl:4", "skipped"),
];

fn jsonl(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_input_has_an_entry_in_its_place_in_json_and_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let paths = inputs(dir.path());
    let expected: Vec<(String, &str)> = EXPECTED.iter().map(|(p, k)| (p.to_string(), *k)).collect();

    let mut args = vec!["check", "--no-config", "--fast", "--format", "jsonl"];
    args.extend(&paths);
    let out = unspin(dir.path(), &args);
    let err = stderr(&out);
    // Exit code and stderr as before: the failures are errors, each named on its line.
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unspin: missing.txt: no such file or directory"),
        "{err}"
    );
    assert!(
        err.contains("unspin: error: 5 inputs could not be checked (see the messages above)"),
        "{err}"
    );
    let lines = jsonl(&out.stdout);
    assert_eq!(entries(&lines), expected);
    assert_eq!(
        lines[2],
        serde_json::json!({"path": "missing.txt", "error": "no such file or directory"})
    );
    assert_eq!(
        lines[3],
        serde_json::json!({"path": "empty.txt", "skipped": "empty, nothing to check"})
    );
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("invalid UTF-8 at byte 3"));

    args[4] = "json";
    let out = unspin(dir.path(), &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let array: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let array = array.as_array().unwrap();
    assert_eq!(entries(array), expected);
    assert_eq!(array[1..5], lines[1..5]);
}

/// `check` and `trace` give an input they could not read the same entry, word for word.
#[test]
fn check_and_trace_agree_on_the_entries_of_failed_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let paths = inputs(dir.path());
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "good.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let mut check = vec!["check", "--no-config", "--fast", "--format", "jsonl"];
    check.extend(&paths);
    let mut trace = vec!["trace", "--index", "ix", "--format", "jsonl"];
    trace.extend(&paths);
    let unchecked = |args: &[&str], verb: &str| -> Vec<serde_json::Value> {
        let out = unspin(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        jsonl(&out.stdout)
            .into_iter()
            .filter(|v| v.get("error").is_some() || v.get("skipped").is_some())
            // The verb is the one difference: "nothing to check", "nothing to trace".
            .map(|v| serde_json::from_str(&v.to_string().replace(verb, "VERB")).unwrap())
            .collect()
    };
    let from_check = unchecked(&check, "nothing to check");
    let from_trace = unchecked(&trace, "nothing to trace");
    assert_eq!(from_check.len(), 7);
    assert_eq!(from_check, from_trace);
}

/// A JSONL record that was read but has nothing to check carries its id in its entry, as its
/// document would have, so that a batch consumer can join it back to its data; a record that
/// could not be parsed has no id to give.
#[test]
fn a_read_record_without_text_keeps_its_id() {
    let dir = tempfile::tempdir().unwrap();
    inputs(dir.path());
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "good.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let check = [
        "check",
        "--no-config",
        "--fast",
        "--format",
        "jsonl",
        "docs.jsonl",
    ];
    let trace = ["trace", "--index", "ix", "--format", "jsonl", "docs.jsonl"];
    for args in [&check[..], &trace[..]] {
        let out = unspin(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let lines = jsonl(&out.stdout);
        let ids: Vec<Option<&str>> = lines
            .iter()
            .map(|v| v.get("id").map(|id| id.as_str().unwrap()))
            .collect();
        // Record 2 is malformed JSON; 3 has no text field; 4 only whitespace.
        assert_eq!(ids, [Some("a"), None, Some("c"), Some("d")], "{args:?}");
    }
}
