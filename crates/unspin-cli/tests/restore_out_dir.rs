//! `unspin restore --out-dir`: each input restored to its own file, in its own format, under the
//! directory, at the input's path; inputs that fail leave no file, and nothing is overwritten.

use std::fs;

mod support;
use support::{stderr, unspin};

#[test]
fn each_input_is_restored_to_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("sub")).unwrap();
    fs::write(
        input.join("a.txt"),
        "Head of state Joe Biden as well as his aides has actually left.\n",
    )
    .unwrap();
    fs::write(
        input.join("sub/b.html"),
        "<p>Head of state Joe Biden as well as <b>his</b> aides.</p>\n",
    )
    .unwrap();
    fs::write(
        input.join("c.jsonl"),
        "{\"id\":1,\"text\":\"Any type of tools as well as pressures.\"}\nnot json\n",
    )
    .unwrap();
    // UTF-16: an error, and no output file.
    fs::write(input.join("d.txt"), b"\xff\xfeH\x00i\x00").unwrap();

    let out = unspin(dir.path(), &["restore", "--out-dir", "out", "in"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let read = |p: &str| fs::read_to_string(dir.path().join("out/in").join(p)).unwrap();
    assert_eq!(
        read("a.txt"),
        "President Joe Biden and his aides has left.\n"
    );
    assert_eq!(
        read("sub/b.html"),
        "<p>President Joe Biden and <b>his</b> aides.</p>\n"
    );
    // One line per record: the unreadable one is written through.
    assert_eq!(
        read("c.jsonl"),
        "{\"id\":1,\"text\":\"Any tools and pressures.\"}\nnot json\n"
    );
    let mut written: Vec<String> = walk(&dir.path().join("out"));
    written.sort();
    assert_eq!(
        written,
        ["in/a.txt", "in/c.jsonl", "in/sub/b.html"],
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("3 file(s) written"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_input_is_never_overwritten_and_stdin_has_no_name() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "Any type of tools.\n").unwrap();
    let out = unspin(dir.path(), &["restore", "--out-dir", ".", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("would overwrite its input"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        "Any type of tools.\n"
    );
    assert!(!dir.path().join("a.txt.partial").exists());

    let out = unspin(dir.path(), &["restore", "--out-dir", "out", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("standard input"), "{}", stderr(&out));
}

/// Files under `root`, as `/`-separated paths relative to it.
fn walk(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// An output directory inside the input directory is passed over by the walk: a second run does
/// not restore the first run's outputs into `out/in/out/...`.
#[test]
fn an_output_directory_inside_the_input_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(
        input.join("a.txt"),
        "Any type of tools as well as pressures.\n",
    )
    .unwrap();
    for _ in 0..2 {
        let out = unspin(dir.path(), &["restore", "--out-dir", "in/restored", "in"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("1 file(s) written"),
            "{}",
            stderr(&out)
        );
    }
    let mut written = walk(&input.join("restored"));
    written.sort();
    assert_eq!(written, ["in/a.txt"]);
}
