//! `unspin scan` reads the configuration file as `check` does (rules, min-confidence, model,
//! fast, allow), says which file it read, and rescans when the configuration or a file it
//! names changes.

use std::path::Path;

mod support;
use support::{stderr, unspin};

/// The spans of the first attribute row, as the phrases they cover.
fn phrases(dir: &Path, output: &str) -> Vec<String> {
    // A plain JSONL shard's attributes are plain JSONL of the same name (dolma's layout).
    let text = std::fs::read_to_string(dir.join(output).join("attributes/docs.jsonl")).unwrap();
    let row: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let chars: Vec<char> = DOC.chars().collect();
    row["attributes"]["unspin__spin__spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            chars[s[0].as_u64().unwrap() as usize..s[1].as_u64().unwrap() as usize]
                .iter()
                .collect()
        })
        .collect()
}

const DOC: &str = "We applied the purple elephant method to the data.";

fn rules(phrase: &str) -> String {
    format!("[[rule]]\nphrase = \"{phrase}\"\noriginal = \"standard method\"\nweight = 0.93\n")
}

#[test]
fn scan_honours_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("in")).unwrap();
    std::fs::write(
        d.join("in/docs.jsonl"),
        serde_json::json!({"id": 1, "text": DOC}).to_string() + "\n",
    )
    .unwrap();
    std::fs::write(d.join("r.toml"), rules("purple elephant method")).unwrap();
    std::fs::write(d.join("unspin.toml"), "rules = [\"r.toml\"]\nfast = true\n").unwrap();
    let scan = |output: &str, extra: &[&str]| {
        let mut args = vec!["scan", "--no-progress", "--input", "in", "--output", output];
        args.extend_from_slice(extra);
        let out = unspin(d, &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stderr(&out)
    };

    // The configuration's rule pack (and `fast`) apply, and the summary names the file.
    let err = scan("out", &[]);
    assert!(
        err.contains("configuration from") && err.contains("unspin.toml"),
        "{err}"
    );
    assert_eq!(phrases(d, "out"), ["purple elephant method"]);
    // --no-config leaves it out (--fast: the built-in rules only).
    let err = scan("plain", &["--no-config", "--fast"]);
    assert!(!err.contains("configuration from"), "{err}");
    assert!(phrases(d, "plain").is_empty());

    // Nothing changed: resumed.
    assert!(scan("out", &[]).contains("1 already finished"));
    // The rule pack the configuration names is edited: scanned again with the new rules.
    std::fs::write(d.join("r.toml"), rules("elephant method")).unwrap();
    assert!(scan("out", &[]).contains("0 already finished"));
    assert_eq!(phrases(d, "out"), ["elephant method"]);
    // The allow-list of the configuration is a setting too.
    std::fs::write(
        d.join("unspin.toml"),
        "rules = [\"r.toml\"]\nfast = true\nallow = [\"elephant method\"]\n",
    )
    .unwrap();
    assert!(scan("out", &[]).contains("0 already finished"));
    assert!(phrases(d, "out").is_empty());
}
