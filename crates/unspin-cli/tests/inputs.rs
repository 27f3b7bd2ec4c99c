//! Input handling end to end, on generated inputs: thousands of files, a file read in many parts,
//! compressed JSONL.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

fn unspin(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_unspin"));
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run unspin")
}

/// Assert that `out` exited with `code`, showing its stderr otherwise.
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run `unspin ARGS` in `dir` with `input` on its stdin.
fn unspin_stdin(dir: &Path, args: &[&str], input: impl AsRef<[u8]>) -> Output {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run unspin");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_ref())
        .unwrap();
    child.wait_with_output().unwrap()
}

const RULES: &str = r#"
[[rule]]
phrase = "counterfeit consciousness"
original = "artificial intelligence"
weight = 0.93
"#;

#[test]
fn a_directory_of_three_thousand_files() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    for i in 0..3000 {
        let sub = corpus.join(format!("d{:02}", i % 30));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(
            sub.join(format!("f{i:04}.txt")),
            format!("Document number {i}.\n"),
        )
        .unwrap();
    }
    let started = std::time::Instant::now();
    let out = unspin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fast",
            "--format",
            "jsonl",
            "corpus",
        ],
        &[],
    );
    let took = started.elapsed();
    assert_exit(&out, 0);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3000);
    // Sorted walk: the output order is stable.
    assert!(lines[0]["path"].as_str().unwrap().ends_with("f0000.txt"));
    eprintln!("3,000 files checked in {took:?}");
}

#[test]
fn a_file_read_in_parts_reports_the_same_offsets_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.toml"), RULES).unwrap();
    let mut text = String::new();
    for i in 0..400 {
        text.push_str(&format!(
            "Line {i}: ordinary words, Zürich, “quotes” and more.\n"
        ));
        if i % 97 == 13 {
            text.push_str("Here counterfeit consciousness appears.\n\n");
        }
    }
    std::fs::write(dir.path().join("big.txt"), &text).unwrap();
    let args = [
        "check",
        "--no-config",
        "--rules",
        "rules.toml",
        "--format",
        "json",
        "big.txt",
    ];
    let whole = unspin(dir.path(), &args, &[]);
    let parts = unspin(dir.path(), &args, &[("UNSPIN_PART_BYTES", "700")]);
    let whole: serde_json::Value = serde_json::from_slice(&whole.stdout).unwrap();
    let parts: serde_json::Value = serde_json::from_slice(&parts.stdout).unwrap();
    assert_eq!(whole[0]["words"], parts[0]["words"]);
    assert_eq!(whole[0]["findings"], parts[0]["findings"]);
    let findings = whole[0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 4);
    for f in findings {
        let (s, e) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], "counterfeit consciousness");
        let line = text[..s].matches('\n').count() as u64 + 1;
        assert_eq!(f["line"].as_u64().unwrap(), line);
    }
}

#[test]
fn a_one_line_file_read_in_parts_keeps_columns_and_phrases() {
    // No line ends at all: parts are cut inside the line, after a sentence end, so the columns
    // go on counting from the line's start and no phrase is split between two parts.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.toml"), RULES).unwrap();
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&format!("Sentence {i} in Zürich is ordinary. "));
        if i % 7 == 3 {
            text.push_str("Here counterfeit consciousness appears. ");
        }
    }
    std::fs::write(dir.path().join("line.txt"), &text).unwrap();
    let args = [
        "check",
        "--no-config",
        "--rules",
        "rules.toml",
        "--format",
        "json",
        "line.txt",
    ];
    let whole = unspin(dir.path(), &args, &[]);
    let parts = unspin(dir.path(), &args, &[("UNSPIN_PART_BYTES", "500")]);
    let whole: serde_json::Value = serde_json::from_slice(&whole.stdout).unwrap();
    let parts: serde_json::Value = serde_json::from_slice(&parts.stdout).unwrap();
    let findings = whole[0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 43);
    assert_eq!(whole[0]["findings"], parts[0]["findings"]);
    for f in findings {
        let s = f["start"].as_u64().unwrap() as usize;
        assert_eq!(f["line"].as_u64().unwrap(), 1);
        assert_eq!(
            f["column"].as_u64().unwrap(),
            text[..s].chars().count() as u64 + 1
        );
    }
}

#[test]
fn compressed_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.toml"), RULES).unwrap();
    let records = "{\"id\":\"1\",\"text\":\"Plain.\"}\n{\"id\":\"2\",\"text\":\"We use counterfeit consciousness.\"}\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(records.as_bytes()).unwrap();
    std::fs::write(dir.path().join("d.jsonl.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        dir.path().join("d.jsonl.zst"),
        zstd::encode_all(records.as_bytes(), 3).unwrap(),
    )
    .unwrap();
    for file in ["d.jsonl.gz", "d.jsonl.zst"] {
        let out = unspin(
            dir.path(),
            &[
                "check",
                "--no-config",
                "--rules",
                "rules.toml",
                "--format",
                "jsonl",
                file,
            ],
            &[],
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{file}: {text}");
        assert!(lines[0].contains(&format!("\"path\":\"{file}:1\"")));
        assert!(
            lines[1].contains("\"suggestion\":\"artificial intelligence\""),
            "{text}"
        );
        assert!(lines[1].contains("\"start\":7,\"end\":32"), "{text}");
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn max_size_skips_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "x".repeat(5000)).unwrap();
    std::fs::write(dir.path().join("b.txt"), "small").unwrap();
    let out = unspin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--max-size",
            "1K",
            "--format",
            "jsonl",
            "a.txt",
            "b.txt",
        ],
        &[],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("a.txt: skipped: 4.9 KiB is over --max-size 1.0 KiB"),
        "{err}"
    );
    // The skipped file has its entry in its place, then the small one its document.
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        serde_json::json!({"path": "a.txt", "error": "skipped: 4.9 KiB is over --max-size 1.0 KiB"})
    );
    assert_eq!(lines[1]["path"], "b.txt");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn max_size_is_measured_on_what_is_read() {
    // The same document over the limit is skipped whether it comes as a file, compressed or on
    // stdin; a JSONL file's limit is per record, whatever the file's size.
    let dir = tempfile::tempdir().unwrap();
    let big = "word ".repeat(1000);
    std::fs::write(dir.path().join("a.txt"), &big).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(big.as_bytes()).unwrap();
    std::fs::write(dir.path().join("a.txt.gz"), gz.finish().unwrap()).unwrap();
    let mut jsonl = String::new();
    for i in 0..20 {
        jsonl.push_str(&format!(
            "{{\"id\": {i}, \"text\": \"{}\"}}\n",
            "w ".repeat(200)
        ));
    }
    jsonl.push_str(&format!(
        "{{\"id\": 99, \"text\": \"{}\"}}\n",
        "w ".repeat(2000)
    ));
    std::fs::write(dir.path().join("r.jsonl"), &jsonl).unwrap();
    let check = |path: &str| {
        unspin(
            dir.path(),
            &[
                "check",
                "--no-config",
                "--fast",
                "--max-size",
                "1K",
                "--format",
                "jsonl",
                path,
            ],
            &[],
        )
    };
    for path in ["a.txt", "a.txt.gz"] {
        let out = check(path);
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("over --max-size 1.0 KiB"));
        // No document, only the input's error entry.
        let stdout = String::from_utf8_lossy(&out.stdout);
        let entry: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(entry["path"], path);
        assert!(entry["error"]
            .as_str()
            .unwrap()
            .contains("over --max-size 1.0 KiB"));
    }
    let out = unspin_stdin(
        dir.path(),
        &["check", "--no-config", "--fast", "--max-size", "1K", "-"],
        &big,
    );
    assert_eq!(out.status.code(), Some(2));
    // 21 records in a 12 KiB file: 20 checked, the one long record skipped (its line says so).
    let out = check("r.jsonl");
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 21);
    assert_eq!(
        stdout.lines().filter(|l| l.contains("\"verdict\"")).count(),
        20
    );
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        last,
        serde_json::json!({"path": "r.jsonl:21", "error": "skipped: record longer than 1.0 KiB"})
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("r.jsonl:21: skipped: record longer than 1.0 KiB"));
}

#[test]
fn a_jsonl_file_may_start_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bom.jsonl"),
        "\u{feff}{\"text\": \"One.\"}\n{\"text\": \"Two.\"}\n",
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
            "bom.jsonl",
        ],
        &[],
    );
    assert_exit(&out, 0);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}

#[test]
fn gitignore_is_honoured_outside_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join(".gitignore"), "ignored.txt\n").unwrap();
    std::fs::write(tree.join("ignored.txt"), "Hidden text.").unwrap();
    std::fs::write(tree.join("kept.txt"), "Kept text.").unwrap();
    let out = unspin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--fast",
            "--format",
            "jsonl",
            "tree",
        ],
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("kept.txt"));
}

#[test]
fn broken_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..200 {
        std::fs::write(
            dir.path().join(format!("{i:03}.txt")),
            "Some text.\n".repeat(50),
        )
        .unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .current_dir(dir.path())
        .args(["check", "--no-config", "--format", "jsonl", "."])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of the pipe at once: unspin's writes then fail with EPIPE.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_exit(&out, 0);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("error"));
}

/// A file read in parts is in the language most of its words are in, as the whole file is,
/// whichever language its first part is in.
#[test]
fn a_file_read_in_parts_has_the_language_of_most_of_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let french = "Le président de la République a annoncé mardi une série de mesures destinées à \
        soutenir le pouvoir d'achat des ménages. Selon le gouvernement, ces aides devraient \
        entrer en vigueur dès le mois prochain et concerner plusieurs millions de foyers.\n\n";
    let english = "The committee approved the budget for the new school building on Tuesday, \
        and the work on the library will start in the spring when the weather is better and \
        the builders are free again after the winter.\n\n";
    let args = ["check", "--no-config", "--format", "json", "doc.txt"];
    for (text, language) in [
        (format!("{}{}", french.repeat(3), english.repeat(12)), None),
        (
            format!("{}{}", english.repeat(3), french.repeat(12)),
            Some("fra"),
        ),
    ] {
        std::fs::write(dir.path().join("doc.txt"), &text).unwrap();
        let whole = unspin(dir.path(), &args, &[]);
        let parts = unspin(dir.path(), &args, &[("UNSPIN_PART_BYTES", "600")]);
        let whole: serde_json::Value = serde_json::from_slice(&whole.stdout).unwrap();
        let parts: serde_json::Value = serde_json::from_slice(&parts.stdout).unwrap();
        assert_eq!(whole[0]["language"].as_str(), language, "{whole}");
        assert_eq!(parts[0]["language"].as_str(), language, "{parts}");
    }
}

/// A page piped in, or saved without an extension, is read as HTML by its first bytes (its
/// script is not text); a `.txt` file is plain text whatever it starts with.
#[test]
fn a_page_without_a_telling_name_is_read_as_html() {
    let dir = tempfile::tempdir().unwrap();
    let page = "<!doctype html><html><head><script>var x = 'counterfeit consciousness';</script>\
        </head><body><p>We study counterfeit consciousness here.</p></body></html>\n";
    let texts = |out: &[u8]| -> Vec<String> {
        let docs: serde_json::Value = serde_json::from_slice(out).unwrap();
        docs[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["start"].to_string())
            .collect()
    };
    let in_body = page.rfind("counterfeit").unwrap().to_string();
    let args = ["check", "--no-config", "--format", "json", "-"];
    let out = unspin_stdin(dir.path(), &args, page);
    assert_eq!(texts(&out.stdout), std::slice::from_ref(&in_body));
    std::fs::write(dir.path().join("saved"), page).unwrap();
    let args = ["check", "--no-config", "--format", "json", "saved"];
    assert_eq!(texts(&unspin(dir.path(), &args, &[]).stdout), [in_body]);
    // Named as plain text: the script's words are text too.
    std::fs::write(dir.path().join("saved.txt"), page).unwrap();
    let args = ["check", "--no-config", "--format", "json", "saved.txt"];
    assert_eq!(texts(&unspin(dir.path(), &args, &[]).stdout).len(), 2);
}

/// A page that is not UTF-8 is read as a browser reads it: in the encoding its `<meta charset>`
/// names, else windows-1252. Its findings are placed in the decoded text (the JSON says which
/// encoding), and `restore` writes the page back in its own encoding. Plain text that is not
/// UTF-8 is still refused, with the byte named: nothing in it says what it is.
#[test]
fn a_page_that_is_not_utf8_is_read_in_its_own_encoding() {
    let dir = tempfile::tempdir().unwrap();
    // "café" and curly quotes in windows-1252: bytes that are not UTF-8.
    let page = |meta: &str| -> Vec<u8> {
        let mut bytes = format!("<html><head>{meta}</head><body><p>The caf").into_bytes();
        bytes.extend(b"\xe9 \x93team\x94 studies counterfeit consciousness.</p></body></html>\n");
        bytes
    };
    let declared = page("<meta charset=\"windows-1252\">");
    std::fs::write(dir.path().join("page.html"), &declared).unwrap();
    let args = [
        "check",
        "--no-config",
        "--format",
        "jsonl",
        "--rules",
        "r.toml",
    ];
    std::fs::write(dir.path().join("r.toml"), RULES).unwrap();
    let finding = |out: &Output| -> (serde_json::Value, String) {
        assert_exit(out, 1);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let f = &doc["findings"][0];
        (
            doc["encoding"].clone(),
            format!("{} {}", f["text"], f["column"]),
        )
    };
    let from_file = unspin(dir.path(), &[&args[..], &["page.html"]].concat(), &[]);
    let expected = (
        serde_json::json!("windows-1252"),
        "\"counterfeit consciousness\" 82".to_string(),
    );
    assert_eq!(finding(&from_file), expected);
    // Piped in with nothing declared: windows-1252 all the same.
    let from_stdin = unspin_stdin(dir.path(), &[&args[..], &["-"]].concat(), page(""));
    assert_eq!(finding(&from_stdin).0, expected.0);

    let restore = ["restore", "--no-config", "--rules", "r.toml", "page.html"];
    let out = unspin(dir.path(), &restore, &[]);
    assert_exit(&out, 0);
    let mut expected = page("<meta charset=\"windows-1252\">");
    let at = expected
        .windows(11)
        .position(|w| w == b"counterfeit")
        .unwrap();
    expected.splice(at..at + 25, b"artificial intelligence".iter().copied());
    assert_eq!(out.stdout, expected);

    std::fs::write(dir.path().join("plain.txt"), &declared).unwrap();
    let out = unspin(dir.path(), &["check", "--no-config", "plain.txt"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid UTF-8 at byte 64"));
}

/// A page in UTF-16 (a byte-order mark says so) is read by its name or piped in, and `restore`
/// writes it back in UTF-16 with its byte-order mark: in UTF-8 without one, a browser would read
/// a page that declares nothing as windows-1252.
#[test]
fn a_utf16_page_is_read_piped_in_and_restored_in_utf16() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), RULES).unwrap();
    let page = "<html><body><p>The café studies counterfeit consciousness.</p></body></html>\n";
    let utf16 = |text: &str, big_endian: bool| -> Vec<u8> {
        std::iter::once(0xFEFF)
            .chain(text.encode_utf16())
            .flat_map(|u| match big_endian {
                true => u.to_be_bytes(),
                false => u.to_le_bytes(),
            })
            .collect()
    };
    let check = [
        "check",
        "--no-config",
        "--format",
        "jsonl",
        "--rules",
        "r.toml",
    ];
    for big_endian in [false, true] {
        let bytes = utf16(page, big_endian);
        std::fs::write(dir.path().join("page.html"), &bytes).unwrap();
        let piped = unspin_stdin(dir.path(), &[&check[..], &["-"]].concat(), &bytes);
        assert_exit(&piped, 1);
        let doc: serde_json::Value = serde_json::from_slice(&piped.stdout).unwrap();
        assert_eq!(doc["findings"][0]["text"], "counterfeit consciousness");

        let restore = ["restore", "--no-config", "--rules", "r.toml", "page.html"];
        let out = unspin(dir.path(), &restore, &[]);
        assert_exit(&out, 0);
        let restored = page.replace("counterfeit consciousness", "artificial intelligence");
        assert_eq!(out.stdout, utf16(&restored, big_endian), "{big_endian}");
    }
}

/// `--encoding` reads plain text in another encoding, in parts too: the findings are placed in
/// its decoded text (the JSON names the encoding), `restore` writes it back in that encoding,
/// and `index add` indexes it; without the flag the error names the byte and the flag.
#[test]
fn encoding_names_the_encoding_of_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), RULES).unwrap();
    // "café", curly quotes and "é" again in windows-1252, over several lines.
    let mut latin1 = Vec::new();
    for _ in 0..40 {
        latin1.extend(
            b"The caf\xe9 \x93team\x94 studies counterfeit consciousness, d\xe9j\xe0 vu.\n",
        );
    }
    std::fs::write(dir.path().join("l.txt"), &latin1).unwrap();
    let check = [
        "check",
        "--no-config",
        "--rules",
        "r.toml",
        "--format",
        "json",
    ];
    let out = unspin(dir.path(), &[&check[..], &["l.txt"]].concat(), &[]);
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("invalid UTF-8 at byte 7 (name its encoding, e.g. --encoding windows-1252"));

    let with = [&check[..], &["--encoding", "latin1", "l.txt"]].concat();
    for parts in ["64", "1000000"] {
        let out = unspin(dir.path(), &with, &[("UNSPIN_PART_BYTES", parts)]);
        assert_exit(&out, 1);
        let docs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(docs[0]["encoding"], "windows-1252", "{parts}");
        let findings = docs[0]["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 40, "{parts}");
        assert_eq!(findings[0]["text"], "counterfeit consciousness");
        assert_eq!(findings[0]["column"], 25);
    }

    let restore = [
        "restore",
        "--no-config",
        "--rules",
        "r.toml",
        "--encoding",
        "latin1",
        "l.txt",
    ];
    let out = unspin(dir.path(), &restore, &[]);
    assert_exit(&out, 0);
    let mut want = latin1.clone();
    let at = |bytes: &[u8]| bytes.windows(11).position(|w| w == b"counterfeit");
    while let Some(i) = at(&want) {
        want.splice(i..i + 25, b"artificial intelligence".iter().copied());
    }
    assert_eq!(out.stdout, want);

    let add = [
        "index",
        "add",
        "--index",
        "ix",
        "--encoding",
        "latin1",
        "l.txt",
    ];
    assert_exit(&unspin(dir.path(), &add, &[]), 0);
}
