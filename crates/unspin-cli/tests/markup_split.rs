//! A finding whose words markup splits (a tag inside the phrase, an article before a link) is
//! placed in the source as replacements of its words only: SARIF's fixes applied to the file give
//! what `restore` prints, no tag or link bracket is lost, and every output names the same span.

use std::path::Path;
use std::process::Command;

const PAGE: &str = "<html><body><article>\n<p>We apply <b>counterfeit</b> consciousness and an \
<a href=\"https://example.org/x\">irregular timberland</a> model to R&amp;D data, with enough \
plain words around them to make this the page's main text.</p>\n</article></body></html>\n";

const PAPER: &str = "We apply *counterfeit* consciousness and an \
[irregular timberland](https://example.org/x) model.\n";

fn unspin(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .current_dir(dir)
        .args(&args[..1])
        .args(["--fast", "--no-config"])
        .args(&args[1..])
        .env("NO_COLOR", "1")
        .env_remove("UNSPIN_MODEL")
        .output()
        .expect("run unspin");
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
    out.stdout
}

/// `src` with the replacements of every SARIF fix for it applied.
fn apply_fixes(src: &str, sarif: &serde_json::Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        for fix in result["fixes"].as_array().into_iter().flatten() {
            for change in fix["artifactChanges"].as_array().unwrap() {
                assert_eq!(change["artifactLocation"]["uri"], uri);
                for r in change["replacements"].as_array().unwrap() {
                    let at = r["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
                    let len = r["deletedRegion"]["byteLength"].as_u64().unwrap() as usize;
                    let text = r["insertedContent"]["text"].as_str().unwrap().to_string();
                    edits.push((at, at + len, text));
                }
            }
        }
    }
    edits.sort();
    let mut out = String::new();
    let mut last = 0;
    for (start, end, text) in edits {
        assert!(start >= last, "overlapping fixes");
        out.push_str(&src[last..start]);
        out.push_str(&text);
        last = end;
    }
    out.push_str(&src[last..]);
    out
}

#[test]
fn findings_split_by_markup_keep_the_markup_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.html"), PAGE).unwrap();
    std::fs::write(dir.path().join("paper.md"), PAPER).unwrap();
    let expected = [
        (
            "page.html",
            PAGE,
            PAGE.replace(
                "<b>counterfeit</b> consciousness and an <a href=\"https://example.org/x\">irregular timberland</a>",
                "<b>artificial</b> intelligence and a <a href=\"https://example.org/x\">random forest</a>",
            ),
        ),
        (
            "paper.md",
            PAPER,
            "We apply *artificial* intelligence and a [random forest](https://example.org/x) model.\n"
                .to_string(),
        ),
    ];
    for (name, src, want) in &expected {
        let restored = String::from_utf8(unspin(dir.path(), &["restore", name])).unwrap();
        assert_eq!(&restored, want, "restore {name}");
        let sarif: serde_json::Value =
            serde_json::from_slice(&unspin(dir.path(), &["check", "--format", "sarif", name]))
                .unwrap();
        assert_eq!(
            &apply_fixes(src, &sarif, name),
            want,
            "SARIF fixes on {name}"
        );

        // JSON and SARIF name the same span, and its text is the source's words.
        let json: serde_json::Value =
            serde_json::from_slice(&unspin(dir.path(), &["check", "--format", "json", name]))
                .unwrap();
        let findings = json[0]["findings"].as_array().unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(findings.len(), results.len(), "{name}");
        for (f, r) in findings.iter().zip(results) {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            let start = f["start"].as_u64().unwrap() as usize;
            let end = f["end"].as_u64().unwrap() as usize;
            assert_eq!(region["byteOffset"].as_u64().unwrap() as usize, start);
            assert_eq!(
                region["snippet"]["text"].as_str().unwrap(),
                &src[start..end]
            );
            assert!(
                !src[start..end].contains(['<', '[', ']', '*']),
                "{name}: {f}"
            );
        }
    }
}
