//! Commands other than `check` on bad and unusual input: `restore` and `trace` read JSONL as
//! `check` does, `restore` keeps one line per record, `scan` says when records were lost, UTF-16
//! text is named, not called binary, and JSONL ids keep their JSON type.

use std::process::Command;

mod support;
use support::{stderr, unspin};

const RULES: &str = r#"
[[rule]]
phrase = "counterfeit consciousness"
original = "artificial intelligence"
weight = 0.93
"#;

/// The JSON lines of `bytes`.
fn json_lines(bytes: &[u8]) -> Vec<serde_json::Value> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

/// `restore` reads the field `--jsonl-field` names (or the configuration's `jsonl-field`), and
/// writes every record it cannot restore through as it was, so output line k is input record k.
#[test]
fn restore_keeps_one_line_per_jsonl_record() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.toml"), RULES).unwrap();
    let records: Vec<&[u8]> = vec![
        br#"{"id":1,"body":"We used counterfeit consciousness."}"#,
        br#"{"id":2,"body":"#, // truncated
        br#"{"id":3}"#,        // no text field
        br#"{"id":4,"body":7}"#,
        b"{\"id\":5,\"body\":\"bad \xff\"}",
        br#"{"id":6,"body":"Nothing to see here."}"#,
    ];
    let mut input = records.join(&b"\n"[..]);
    input.push(b'\n');
    std::fs::write(dir.path().join("d.jsonl"), &input).unwrap();

    let out = unspin(
        dir.path(),
        &[
            "restore",
            "--no-config",
            "--fast",
            "--rules",
            "rules.toml",
            "--jsonl-field",
            "body",
            "d.jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let lines: Vec<&[u8]> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines.len(),
        records.len(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let first: serde_json::Value = serde_json::from_slice(lines[0]).unwrap();
    assert_eq!(first["body"], "We used artificial intelligence.");
    assert_eq!(first["id"], 1);
    for k in 1..5 {
        assert_eq!(lines[k], records[k], "record {} is written through", k + 1);
    }
    let err = stderr(&out);
    for line in 2..=5 {
        assert!(err.contains(&format!("d.jsonl:{line}:")), "{err}");
    }
    assert!(err.contains("written through"), "{err}");

    // A record written through loses its line end, as restored records do: no `\r` is mixed in.
    std::fs::write(dir.path().join("crlf.jsonl"), "{\"id\":9,\r\n").unwrap();
    let out = unspin(
        dir.path(),
        &["restore", "--no-config", "--fast", "crlf.jsonl"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(out.stdout, b"{\"id\":9,\n");

    // The configuration's field is honoured too.
    std::fs::write(
        dir.path().join("unspin.toml"),
        "jsonl-field = \"body\"\nfast = true\n",
    )
    .unwrap();
    let one = dir.path().join("one.jsonl");
    std::fs::write(&one, &input[..records[0].len() + 1]).unwrap();
    let out = unspin(
        dir.path(),
        &["restore", "--rules", "rules.toml", "one.jsonl"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_lines(&out.stdout)[0]["body"],
        "We used artificial intelligence."
    );
}

/// `trace` reads the field `--jsonl-field` names; `--top 0` is refused rather than answered
/// with "no source found".
#[test]
fn trace_reads_the_named_jsonl_field_and_refuses_top_zero() {
    let dir = tempfile::tempdir().unwrap();
    let source = "The council of Lindholm approved a budget of 42 million euros on Tuesday after \
        a debate of nine hours. Mayor Annika Berg said the plan would fund 300 new homes near the \
        harbour and a tram line to Vester Park by 2027. The opposition leader, Jonas Holm, said \
        taxes would rise for 18,000 families and that the harbour project had been planned in \
        secret since 2021. The vote was 23 to 16, with two members absent. A second vote on the \
        tram line is expected in March, when the regional government in Aarup publishes its \
        own transport plan for the 12 towns of the district.";
    std::fs::write(dir.path().join("source.txt"), source).unwrap();
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "source.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record = serde_json::json!({"id": "q", "body": source});
    std::fs::write(dir.path().join("q.jsonl"), format!("{record}\n")).unwrap();

    let out = unspin(
        dir.path(),
        &[
            "trace",
            "--index",
            "ix",
            "--format",
            "jsonl",
            "--jsonl-field",
            "body",
            "q.jsonl",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a source is found: {}",
        stderr(&out)
    );
    let v = &json_lines(&out.stdout)[0];
    assert_eq!(v["path"], "q.jsonl:1");
    assert_eq!(v["matches"][0]["id"], "source.txt");

    // So is the configuration file's `jsonl-field`.
    std::fs::write(dir.path().join("unspin.toml"), "jsonl-field = \"body\"\n").unwrap();
    let out = unspin(
        dir.path(),
        &["trace", "--index", "ix", "--format", "jsonl", "q.jsonl"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json_lines(&out.stdout)[0]["matches"][0]["id"], "source.txt");

    let out = unspin(
        dir.path(),
        &["trace", "--index", "ix", "--top", "0", "q.jsonl"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--top"), "{}", stderr(&out));
}

/// `trace` and `index add` hold each document whole, so plain text, which `check` streams without
/// a limit, is limited by `--max-size` for them (256M by default), and the message says why; a
/// compressed file is measured as it is read.
#[test]
fn trace_and_index_limit_plain_text_they_hold_whole() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let small = "The council of Lindholm approved a budget of 42 million euros on Tuesday.";
    std::fs::write(dir.path().join("small.txt"), small).unwrap();
    let big = "The harbour of Lindholm opened a new quay for ferries. ".repeat(100);
    std::fs::write(dir.path().join("big.txt"), &big).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(big.as_bytes()).unwrap();
    std::fs::write(dir.path().join("big.txt.gz"), gz.finish().unwrap()).unwrap();

    let out = unspin(
        dir.path(),
        &[
            "index",
            "add",
            "--index",
            "ix",
            "--max-size",
            "1K",
            "small.txt",
            "big.txt",
        ],
    );
    let err = stderr(&out);
    assert!(
        err.contains("big.txt: skipped: 5.4 KiB is over --max-size 1.0 KiB (this command holds each document whole"),
        "{err}"
    );
    for path in ["big.txt", "big.txt.gz"] {
        let out = unspin(
            dir.path(),
            &[
                "trace",
                "--index",
                "ix",
                "--max-size",
                "1K",
                "--format",
                "jsonl",
                path,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{path}: {}", stderr(&out));
        let entry = &json_lines(&out.stdout)[0];
        assert_eq!(entry["path"], path);
        let error = entry["error"].as_str().unwrap();
        assert!(
            error.contains("over --max-size 1.0 KiB")
                && error.contains("this command holds each document whole"),
            "{error}"
        );
    }
    // Under the limit, traced as before.
    let out = unspin(
        dir.path(),
        &["trace", "--index", "ix", "--max-size", "1K", "small.txt"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// A scan that loses records says so in its exit code, not only in its summary.
#[test]
fn scan_exits_2_when_records_are_lost() {
    let dir = tempfile::tempdir().unwrap();
    let shards = dir.path().join("shards");
    std::fs::create_dir(&shards).unwrap();
    std::fs::write(
        shards.join("good.jsonl"),
        "{\"id\":\"a\",\"text\":\"An ordinary sentence.\"}\n",
    )
    .unwrap();
    let args = [
        "scan",
        "--fast",
        "--no-progress",
        "--input",
        "shards",
        "--output",
        "out",
    ];
    let out = unspin(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    std::fs::write(
        shards.join("bad.jsonl"),
        "{\"id\":\"b\",\"text\":\"Another one.\"}\n{\"id\":\"c\",\n",
    )
    .unwrap();
    let out = unspin(dir.path(), &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 record(s) could not be scanned"),
        "{}",
        stderr(&out)
    );
}

/// UTF-16 text is named as such, with the way out, and is an error even in a walked directory
/// (a text file the user means to have checked); a binary file there stays a note.
#[test]
fn utf16_text_is_named_and_not_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "Plain words.\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(docs.join("windows.txt"), &utf16).unwrap();
    std::fs::write(docs.join("pic.bin"), b"\x89PNG\0\0\0").unwrap();
    let out = unspin(dir.path(), &["check", "--no-config", "--fast", "docs"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("windows.txt: UTF-16 text"), "{err}");
    assert!(err.contains("iconv -f UTF-16"), "{err}");
    assert!(err.contains("pic.bin: binary file"), "{err}");
    assert!(err.contains("1 error, 1 skipped"), "{err}");
}

/// A PDF or a word-processor file is named as what it is, with the way to get its text: not
/// "invalid UTF-8 at byte 10". Named on the command line it is an error; met in a directory, a
/// note.
#[test]
fn documents_that_are_not_text_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(
        dir.path().join("paper.pdf"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    )
    .unwrap();
    std::fs::write(docs.join("report.docx"), b"PK\x03\x04\x14\x00\x06\x00").unwrap();
    std::fs::write(docs.join("ok.txt"), "Plain words.\n").unwrap();
    let out = unspin(
        dir.path(),
        &["check", "--no-config", "--fast", "paper.pdf", "docs"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("paper.pdf: a PDF file"), "{err}");
    assert!(err.contains("pdftotext"), "{err}");
    assert!(err.contains("report.docx: a ZIP archive"), "{err}");
    assert!(err.contains("checked 1 document"), "{err}");
    assert!(err.contains("1 error, 1 skipped"), "{err}");

    // Corpus shards, compressed or not: their records are documents, which `scan` reads; read
    // as one text, a WARC's headers and pages were judged together.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(
        &mut gz,
        b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 5\r\n\r\nHello\r\n\r\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("crawl.warc.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(dir.path().join("rows.parquet"), b"PAR1\x15\x04").unwrap();
    let out = unspin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fast",
            "crawl.warc.gz",
            "rows.parquet",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("crawl.warc.gz: a WARC archive"), "{err}");
    assert!(err.contains("rows.parquet: a Parquet file"), "{err}");
    assert!(err.contains("`unspin scan --input FILE"), "{err}");
}

/// A JSONL id is written as it was given: a number stays a number.
#[test]
fn jsonl_ids_keep_their_type() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.jsonl"),
        "{\"id\":7,\"text\":\"One.\"}\n{\"id\":\"x7\",\"text\":\"Two.\"}\n",
    )
    .unwrap();
    let out = unspin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fast",
            "--format",
            "jsonl",
            "d.jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = json_lines(&out.stdout);
    assert_eq!(docs[0]["id"], 7);
    assert_eq!(docs[1]["id"], "x7");
}

/// A closed stdout ends `index export` quietly, as it ends `check`: serde_json's writer errors
/// hide the broken pipe from the error chain.
#[test]
fn index_export_into_a_closed_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let docs: String = (0..400)
        .map(|i| {
            let text = format!("Document {i} tells of the harbour of town {i} and its {i} boats. ")
                .repeat(20);
            format!(
                "{}\n",
                serde_json::json!({"id": format!("d{i}"), "text": text})
            )
        })
        .collect();
    std::fs::write(dir.path().join("docs.jsonl"), docs).unwrap();
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "docs.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut child = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .current_dir(dir.path())
        .args(["index", "export", "--index", "ix", "--with-text"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
}

/// A finding far into a long line: the human format shows a clipped excerpt under the true
/// position (line 12, the finding's column), drawn as for any other finding: no empty ` ::: `
/// line of a secondary snippet.
#[test]
fn human_format_gives_the_true_position_of_a_finding_deep_in_a_long_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.toml"), RULES).unwrap();
    let long = format!(
        "{}We used counterfeit consciousness.\n",
        "Ünïcode words here. ".repeat(300)
    );
    let text = format!("{}{long}", "A short line.\n".repeat(11));
    std::fs::write(dir.path().join("long.txt"), &text).unwrap();
    let out = unspin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fast",
            "--rules",
            "rules.toml",
            "long.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let column = "Ünïcode words here. ".chars().count() * 300 + "We used ".len() + 1;
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("warning["), "{stdout}");
    assert_eq!(lines[1], format!("  --> long.txt:12:{column}"), "{stdout}");
    assert_eq!(lines[2], "   |");
    assert!(lines[3].starts_with("12 | ..."), "{stdout}");
    assert!(
        lines[4].contains("^^^ probably “artificial intelligence”"),
        "{stdout}"
    );
    assert!(!stdout.contains(":::"), "{stdout}");
}

/// A listed phrase whose original is unknown is not presented as "probably" itself, and SARIF
/// offers no fix that would replace it by itself.
#[test]
fn a_finding_without_a_known_original_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("list.csv"),
        "tortured_phrase,expected_phrase,num_papers\n\"\"\"zorbic flange\"\"\",,3\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t.txt"),
        "We measured the zorbic flange twice.\n",
    )
    .unwrap();
    let args = [
        "check",
        "--no-config",
        "--fast",
        "--rules",
        "list.csv",
        "t.txt",
    ];
    let out = unspin(dir.path(), &args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("^ original wording unknown (confidence"),
        "{stdout}"
    );
    assert!(!stdout.contains("probably “zorbic flange”"), "{stdout}");

    let out = unspin(dir.path(), &[&args[..], &["--format", "sarif"]].concat());
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["suggestion"], "zorbic flange");
    assert!(
        result
            .get("fixes")
            .is_none_or(|f| f.as_array().unwrap().is_empty()),
        "{result}"
    );
}

/// A directory walk reads prose and passes over code, style sheets and images with one note
/// that counts them (a web site's CSS and JavaScript were judged "spun"); a file named on the
/// command line is read whatever its extension.
#[test]
fn a_walk_passes_over_code_and_names_what_it_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(site.join("index.html"), "<p>Plain words here.</p>").unwrap();
    std::fs::write(site.join("app.js"), "var a = function (x) { return x; };\n").unwrap();
    std::fs::write(site.join("style.css"), "body { margin: 0 }\n").unwrap();
    std::fs::write(site.join("logo.png"), b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    let out = unspin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fast",
            "--format",
            "jsonl",
            "site",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = json_lines(&out.stdout);
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert!(docs[0]["path"].as_str().unwrap().ends_with("index.html"));
    // The note has its entry too, after the walk's documents, as in `unspin trace`.
    assert_eq!(docs[1]["path"], "site");
    assert!(docs[1]["skipped"]
        .as_str()
        .unwrap()
        .starts_with("3 files passed over"));
    let err = stderr(&out);
    assert!(
        err.contains("site: 3 files passed over: code or data (.css 1, .js 1), binary (.png 1)"),
        "{err}"
    );
    let out = unspin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fast",
            "--format",
            "jsonl",
            "site/app.js",
        ],
    );
    assert_eq!(json_lines(&out.stdout).len(), 1, "{}", stderr(&out));
}

/// `--keep-below` is a document score: a value outside 0–1 (`5`) keeps everything or nothing,
/// which is surely a mistake, so it is refused before any work.
#[test]
fn scan_refuses_a_keep_below_outside_0_to_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.jsonl"),
        "{\"id\":\"a\",\"text\":\"An ordinary sentence.\"}\n",
    )
    .unwrap();
    let out = unspin(
        dir.path(),
        &[
            "scan",
            "--fast",
            "--no-progress",
            "--input",
            "a.jsonl",
            "--output",
            "out",
            "--keep-below",
            "5",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("from 0 to 1"), "{}", stderr(&out));
    assert!(!dir.path().join("out").exists(), "nothing is written");
}
