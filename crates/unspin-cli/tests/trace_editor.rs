//! `unspin index` / `unspin trace` as a newsroom uses them: its own articles indexed, and pages
//! copied from them traced: a whole article inside a long page, one paragraph of an article, a
//! copy merged from two articles, an article indexed twice, JSONL exports with record ids, and
//! the mistakes (an empty index, a file given as the index) answered with a clear error.

use std::path::Path;

mod support;
use support::{stderr, unspin};

const FLOOD: &str = "River flooding forces hundreds from their homes

Heavy rain over the weekend pushed the Severn River above its banks, forcing more than three hundred residents of Lower Ashford to leave their homes. Emergency crews used boats to rescue an elderly couple trapped on the roof of their house on Mill Lane.

The county emergency manager, Priya Raman, said the water level peaked at 5.2 metres early on Sunday morning, the highest since records began in 1947. Two shelters have been opened at the Ashford community centre and the Riverside primary school.

Forecasters expect the rain to ease by Wednesday, but warned that the ground is saturated and further flooding is possible. Residents were urged to avoid driving through flooded roads.
";

const HOSPITAL: &str = "New children's hospital wing opens to patients

The new children's wing at Saint Agnes Hospital opened to its first patients on Monday, two years after construction began. The wing has sixty beds, a dedicated cancer unit and a playground on the roof.

Hospital director Samuel Okafor said the building would cut waiting times for children's surgery by half. The project cost 95 million dollars, most of it raised through private donations and a large gift from the Hartley family foundation.

Parents who toured the wing praised the bright rooms and the space for families to stay overnight. Nurses said the old ward had been crowded for years.
";

const SCHOOL: &str = "School district bans mobile phones in classrooms

The Greenfield school district will ban mobile phones in classrooms from September, superintendent Laura Chen announced on Friday. Students will have to keep their phones in lockers during lessons, but may use them at lunch.

Chen said teachers had reported that phones were distracting pupils and contributing to bullying. A survey of 2,400 parents found that 71 percent supported the ban.

Some students objected, saying they needed their phones to contact their families in an emergency. The district said that school offices would handle urgent calls.
";

/// Text of a content farm's own, sharing nothing with the archive.
const FILLER: &[&str] = &[
    "Top ten gadgets of the season reviewed by our experts in Dallas.",
    "Our readers voted for their favourite pizza toppings in Portland, and pineapple came last.",
    "Subscribe to the Daily Buzz newsletter for the latest celebrity gossip from Hollywood.",
    "Comments from readers in Toronto: I always knew that this would happen, said Kevin.",
    "Weather in Phoenix: sunny with a high of 41 degrees, according to the Buzz forecast team.",
    "Sponsored: learn Spanish in 12 weeks with the Lingo app, now used by 3 million people.",
];

fn archive(dir: &Path) {
    let a = dir.join("archive");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::write(a.join("flood.txt"), FLOOD).unwrap();
    std::fs::write(a.join("hospital.txt"), HOSPITAL).unwrap();
    std::fs::write(a.join("school.txt"), SCHOOL).unwrap();
}

fn add(dir: &Path, path: &str) -> String {
    let out = unspin(dir, &["index", "add", "--index", "ix", path]);
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

/// `trace --format jsonl` on one file: its matches.
fn matches(dir: &Path, query: &str) -> Vec<serde_json::Value> {
    let out = unspin(dir, &["trace", "--index", "ix", "--format", "jsonl", query]);
    assert!(out.status.code().unwrap() < 2, "{}", stderr(&out));
    let line = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    v["matches"].as_array().unwrap().clone()
}

/// `trace` on one file, as a person reads it (the human format): its standard output.
fn human(dir: &Path, query: &str) -> String {
    let out = unspin(dir, &["trace", "--index", "ix", query]);
    assert!(out.status.code().unwrap() < 2, "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// A whole article copied into a page many times its size is a small share of the page (its
/// score), but all of the article: found, with the share of the source that says so.
#[test]
fn a_whole_article_inside_a_long_page_is_found() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    add(dir.path(), "archive");
    let mut page = String::new();
    for i in 0..150 {
        page.push_str(FILLER[i % FILLER.len()]);
        page.push_str(if i % 3 == 2 { "\n\n" } else { " " });
        if i == 75 {
            page.push_str(HOSPITAL);
            page.push('\n');
        }
    }
    std::fs::write(dir.path().join("page.txt"), &page).unwrap();
    let m = matches(dir.path(), "page.txt");
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0]["id"], "archive/hospital.txt");
    assert!(m[0]["score"].as_f64().unwrap() < 0.1, "{m:?}");
    assert!(m[0]["source_coverage"].as_f64().unwrap() > 0.95, "{m:?}");
}

/// One paragraph of an article is all of the copy but a part of the article: both shares are
/// reported, in the JSON and in words.
#[test]
fn one_paragraph_of_an_article_says_how_much_of_the_source_it_copies() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    add(dir.path(), "archive");
    let paragraph = FLOOD.split("\n\n").nth(2).unwrap();
    std::fs::write(dir.path().join("para.txt"), paragraph).unwrap();
    let m = matches(dir.path(), "para.txt");
    assert_eq!(m[0]["id"], "archive/flood.txt");
    assert_eq!(m[0]["coverage"], 1.0);
    let of_source = m[0]["source_coverage"].as_f64().unwrap();
    assert!((0.2..0.5).contains(&of_source), "{m:?}");
    let human = human(dir.path(), "para.txt");
    let line = format!(
        "100% of this text paired with {:.0}% of the source",
        of_source * 100.0
    );
    assert!(human.contains(&line), "{human}");
}

/// An archive added as `./archive`, then as `archive`, then by its absolute path: the first two
/// are one id (the second add skips them); the third holds the same texts under other ids,
/// which a trace reports with the match instead of as matches of their own.
#[test]
fn an_article_indexed_under_two_paths_is_one_match() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    add(dir.path(), "./archive");
    let again = add(dir.path(), "archive");
    assert!(again.contains("added 0 document(s)"), "{again}");
    let absolute = dir.path().join("archive");
    add(dir.path(), absolute.to_str().unwrap());
    std::fs::write(dir.path().join("copy.txt"), SCHOOL).unwrap();
    let m = matches(dir.path(), "copy.txt");
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0]["id"], "archive/school.txt");
    let other = absolute.join("school.txt");
    assert_eq!(
        m[0]["also_indexed_as"],
        serde_json::json!([other.to_str().unwrap()])
    );
    let human = human(dir.path(), "copy.txt");
    assert!(
        human.contains("the same text is also indexed as"),
        "{human}"
    );
}

/// A copy merged from two articles: the human output aligns the part of each, not only the
/// best one's.
#[test]
fn a_merged_copy_shows_the_sentences_of_each_source() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    add(dir.path(), "archive");
    let flood: Vec<&str> = FLOOD.split("\n\n").collect();
    let school: Vec<&str> = SCHOOL.split("\n\n").collect();
    let merged = format!("{}\n\n{}\n\n{}\n", school[1], school[2], flood[1]);
    std::fs::write(dir.path().join("merged.txt"), merged).unwrap();
    let out = unspin(dir.path(), &["trace", "--index", "ix", "merged.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(human.contains("aligned with archive/school.txt"), "{human}");
    assert!(
        human.contains("aligned with archive/flood.txt (2 sentence pair(s) not paired above"),
        "{human}"
    );
    assert!(
        human.contains("query  Emergency crews used boats to rescue"),
        "{human}"
    );
}

/// The pages of a JSONL export are reported with their record ids, as `check` reports them.
#[test]
fn jsonl_record_ids_are_in_the_trace_output() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    add(dir.path(), "archive");
    let records = [
        serde_json::json!({"id": "https://farm.example/a", "text": FLOOD}),
        serde_json::json!({"id": 7, "text": "Nothing here is copied from anyone at all."}),
    ];
    let jsonl: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(dir.path().join("pages.jsonl"), jsonl).unwrap();
    for format in ["json", "jsonl"] {
        let out = unspin(
            dir.path(),
            &["trace", "--index", "ix", "--format", format, "pages.jsonl"],
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let docs: Vec<serde_json::Value> = if format == "json" {
            serde_json::from_str(&text).unwrap()
        } else {
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        assert_eq!(docs[0]["id"], "https://farm.example/a", "{text}");
        assert_eq!(docs[0]["matches"][0]["id"], "archive/flood.txt", "{text}");
        assert_eq!(docs[1]["id"], 7, "{text}");
    }
    let human = human(dir.path(), "pages.jsonl");
    assert!(
        human.contains("pages.jsonl:1 (id https://farm.example/a)"),
        "{human}"
    );
}

/// An index with nothing in it (as an earlier `index add` whose inputs were all missing left
/// behind; it now creates nothing) cannot say that a page is not a copy: an error, not "no
/// source found".
#[test]
fn an_empty_index_is_an_error_not_no_source_found() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.txt"), FLOOD).unwrap();
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "missing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("ix").exists());
    let writer =
        unspin::trace::IndexWriter::open(&dir.path().join("ix"), unspin::trace::Params::default())
            .unwrap();
    writer.commit().unwrap();
    let out = unspin(dir.path(), &["trace", "--index", "ix", "page.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ix: the index holds no documents"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

/// A file given as the index (the page and the index swapped) is named as such.
#[test]
fn a_file_given_as_the_index_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.txt"), FLOOD).unwrap();
    for args in [
        &["trace", "--index", "page.txt", "page.txt"][..],
        &["index", "add", "--index", "page.txt", "page.txt"][..],
        &["index", "stats", "--index", "page.txt"][..],
    ] {
        let out = unspin(dir.path(), args);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("page.txt: a file, not an index directory"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// `index stats` spells the classes as `--classes` does.
#[test]
fn stats_name_the_classes_as_the_flag_does() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    let out = unspin(
        dir.path(),
        &[
            "index",
            "add",
            "--index",
            "ix",
            "--classes",
            "heads",
            "archive",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = unspin(dir.path(), &["index", "stats", "--index", "ix"]);
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(human.contains("classes heads"), "{human}");
}

/// An article given twice in one run is not "already present": `--replace` would keep the first
/// of the two all the same, so the note does not send the user to it.
#[test]
fn an_article_given_twice_in_one_run_is_not_sent_to_replace() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    let out = unspin(
        dir.path(),
        &[
            "index",
            "add",
            "--index",
            "ix",
            "archive/flood.txt",
            "archive/school.txt",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let note = add(dir.path(), "archive");
    assert!(
        note.contains(
            "added 1 document(s) to ix (2 with an id already present were skipped; --replace"
        ),
        "{note}"
    );
    std::fs::write(
        dir.path().join("extra.txt"),
        "An article written for this test alone.",
    )
    .unwrap();
    let out = unspin(
        dir.path(),
        &["index", "add", "--index", "ix", "extra.txt", "./extra.txt"],
    );
    let note = stderr(&out);
    assert!(
        note.contains("added 1 document(s) to ix (1 given twice in this run were skipped (the first was kept))"),
        "{note}"
    );
    assert!(!note.contains("--replace"), "{note}");
}

/// A JSONL export with a record that cannot be read: in JSONL output every record has its line
/// (the unreadable one an `error` entry), so that line k of the results is record k.
#[test]
fn every_record_of_a_jsonl_export_has_its_line() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    add(dir.path(), "archive");
    let good = serde_json::json!({"id": "a", "text": FLOOD});
    let empty = serde_json::json!({"id": "c", "text": ""});
    std::fs::write(
        dir.path().join("pages.jsonl"),
        format!("{good}\n{{not json\n{empty}\n{good}\n"),
    )
    .unwrap();
    let out = unspin(
        dir.path(),
        &["trace", "--index", "ix", "--format", "jsonl", "pages.jsonl"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0]["matches"][0]["id"], "archive/flood.txt");
    assert_eq!(lines[1]["path"], "pages.jsonl:2");
    assert!(
        lines[1]["error"].as_str().unwrap().contains("malformed"),
        "{lines:?}"
    );
    assert_eq!(lines[2]["path"], "pages.jsonl:3");
    assert!(lines[2]["skipped"].is_string(), "{lines:?}");
    assert_eq!(lines[3]["id"], "a");
}
