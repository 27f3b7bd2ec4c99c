//! `unspin gazetteer` on bad corpora: unreadable lines are skipped and named with their reason,
//! a binary or empty corpus is an error that writes nothing, a good corpus reads as before.

use std::path::Path;
use std::process::{Command, Output};

fn gazetteer(dir: &Path, corpus: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_unspin"));
    cmd.current_dir(dir)
        .arg("gazetteer")
        .args(["--out", "g.gaz"]);
    for c in corpus {
        cmd.args(["--corpus", c]);
    }
    cmd.output().expect("run unspin")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `documents` of a gazetteer's header.
fn documents(dir: &Path) -> u64 {
    let out = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .current_dir(dir)
        .args(["gazetteer", "--info", "g.gaz"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let header: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    header["documents"].as_u64().unwrap()
}

const GOOD: &str = "{\"text\":\"The Security Council met in New York.\"}";

#[test]
fn bad_lines_are_skipped_and_named_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpus = Vec::new();
    corpus.extend_from_slice(GOOD.as_bytes());
    corpus.extend_from_slice(b"\n{\"text\":\"Latin-1 caf\xe9\"}\n");
    corpus.extend_from_slice(b"{\"text\":\"cut\n");
    for _ in 0..6 {
        corpus.extend_from_slice(b"not json\n");
    }
    corpus.extend_from_slice(GOOD.as_bytes());
    corpus.push(b'\n');
    std::fs::write(dir.path().join("c.jsonl"), &corpus).unwrap();
    let out = gazetteer(dir.path(), &["c.jsonl"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("skipped 8 corpus line(s):"), "{err}");
    assert!(
        err.contains(
            "  c.jsonl:2: line is not UTF-8 (invalid utf-8 sequence of 1 bytes from index 20)"
        ),
        "{err}"
    );
    assert!(
        err.contains("  c.jsonl:3: malformed JSON: EOF while parsing a string at line 1 column 12"),
        "{err}"
    );
    assert!(err.contains("  c.jsonl:4: malformed JSON:"), "{err}");
    // Five examples, then a count.
    assert!(!err.contains("c.jsonl:7:"), "{err}");
    assert!(err.contains("  ... and 3 more"), "{err}");
    assert!(err.contains("2 documents"), "{err}");
    assert_eq!(documents(dir.path()), 2);
}

#[test]
fn a_binary_or_empty_corpus_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.jsonl"), format!("{GOOD}\n")).unwrap();
    std::fs::write(
        dir.path().join("a.out"),
        b"\x7fELF\x02\x01\x00\x00garbage\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.jsonl"), b"").unwrap();
    std::fs::write(dir.path().join("blank.txt"), b"\n \n").unwrap();
    std::fs::write(dir.path().join("junk.jsonl"), b"not json\n{\"id\":1}\n").unwrap();
    for (corpus, message) in [
        (
            "a.out",
            "a.out: binary file (contains NUL bytes), not a text corpus",
        ),
        ("empty.jsonl", "empty.jsonl: empty file, no corpus to read"),
        (
            "blank.txt",
            "blank.txt: only blank lines, no corpus to read",
        ),
    ] {
        // Next to a good corpus file too: a named input is not dropped silently.
        let out = gazetteer(dir.path(), &["good.jsonl", corpus]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{corpus}: {err}");
        assert!(err.contains(message), "{corpus}: {err}");
        assert!(!dir.path().join("g.gaz").exists(), "{corpus}: {err}");
    }
    // Readable, but no line of it is a document.
    let out = gazetteer(dir.path(), &["junk.jsonl"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the corpus gave no documents to mine (2 line(s) skipped); nothing written"),
        "{err}"
    );
    assert!(
        err.contains("junk.jsonl:2: record has no string field \"text\""),
        "{err}"
    );
    assert!(!dir.path().join("g.gaz").exists(), "{err}");
}

#[test]
fn a_plain_text_corpus_with_a_bad_line_keeps_its_other_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.txt"),
        b"\xef\xbb\xbfThe Security Council met.\nA bad \xff line.\nThe Security Council left.\n",
    )
    .unwrap();
    let out = gazetteer(dir.path(), &["p.txt"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("  p.txt:2: line is not UTF-8"), "{err}");
    assert_eq!(documents(dir.path()), 1);
    let g = unspin::names::Gazetteer::open(&dir.path().join("g.gaz")).unwrap();
    assert_eq!(g.name_count("security council"), 2);
}
