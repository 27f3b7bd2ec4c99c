//! `--format sarif` validates against the official SARIF 2.1.0 schema (vendored, see
//! tests/schema/README.md), with findings, fixes, a JSONL record, an input error, a skipped
//! input and a document in another language in the log.

use std::process::Command;

#[test]
fn sarif_output_validates_against_the_schema() {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("schema/sarif-2.1.0-rtm.5.json")).unwrap();
    // The published schema's `language` patterns have a stray `]`
    // (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), which a strict validator rejects as a regex.
    // Replace them by the pattern they mean; the vendored file stays as published.
    let fixed = fix_pattern(&mut schema);
    assert!(fixed >= 2, "expected the known erratum, fixed {fixed}");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.toml"),
        "[[rule]]\nphrase = \"counterfeit consciousness\"\noriginal = \"artificial intelligence\"\nweight = 0.9\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a b.txt"),
        "Line one.\nWe study counterfeit consciousness.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("p.html"),
        "<p>R&amp;D on counterfeit&nbsp;consciousness.</p>",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("r.jsonl"),
        "{\"id\":\"r1\",\"text\":\"counterfeit consciousness\"}\n{bad\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"\xff\xff").unwrap();
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    std::fs::write(
        dir.path().join("fr.txt"),
        "Le président de la République a annoncé mardi une série de mesures destinées à \
         soutenir le pouvoir d'achat des ménages. Selon le gouvernement, ces aides devraient \
         entrer en vigueur dès le mois prochain et concerner plusieurs millions de foyers.",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--rules",
            "rules.toml",
            "--format",
            "sarif",
        ])
        .args([
            "a b.txt",
            "p.html",
            "r.jsonl",
            "bad.txt",
            "empty.txt",
            "fr.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");

    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "{log:#}");
    let first = &results[0];
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a%20b.txt"
    );
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(2), Some(10))
    );
    assert_eq!(
        (region["byteOffset"].as_u64(), region["byteLength"].as_u64()),
        (Some(19), Some(25))
    );
    assert_eq!(
        first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "artificial intelligence"
    );
    // HTML: the offset is into the page's bytes.
    let html = &results[1]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(html["byteOffset"].as_u64(), Some(14));
    // Its snippet is the page's own text in the region, entity and all.
    assert_eq!(html["byteLength"].as_u64(), Some(30));
    assert_eq!(html["snippet"]["text"], "counterfeit&nbsp;consciousness");
    // The input error is reported in the log too.
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let note = |needle: &str| {
        notes
            .iter()
            .find(|n| n["message"]["text"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no notification with {needle:?}: {notes:#?}"))
    };
    let bad = &note("bad.txt: invalid UTF-8 at byte 0")["locations"][0]["physicalLocation"];
    assert_eq!(bad["artifactLocation"]["uri"], "bad.txt");
    // A bad JSONL record points at its file and line, not at a file named `r.jsonl:2`.
    let record = &note("r.jsonl:2: malformed JSONL record")["locations"][0]["physicalLocation"];
    assert_eq!(record["artifactLocation"]["uri"], "r.jsonl");
    assert_eq!(record["region"]["startLine"], 2);
    assert_eq!(note("bad.txt: invalid UTF-8")["level"], "error");
    // An input passed over on purpose is named too, as a note.
    let empty = note("empty.txt: empty, nothing to check");
    assert_eq!(empty["level"], "note");
    assert_eq!(
        empty["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "empty.txt"
    );
    // A document in another language has no results: a note says it was not judged.
    let french = note("fr.txt: written in French, not English");
    assert_eq!(french["level"], "note");
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

fn fix_pattern(v: &mut serde_json::Value) -> usize {
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        serde_json::Value::String(s) if s == BAD => {
            *s = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
            1
        }
        serde_json::Value::Array(a) => a.iter_mut().map(fix_pattern).sum(),
        serde_json::Value::Object(o) => o.values_mut().map(fix_pattern).sum(),
        _ => 0,
    }
}
