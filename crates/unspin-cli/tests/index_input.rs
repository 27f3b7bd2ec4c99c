//! `unspin index add` on bad inputs: the rules of `unspin check` (binary files, empty texts,
//! JSONL with a byte-order mark or a truncated record), and a summary of what was skipped.

use std::path::Path;
use std::process::Command;

mod support;
use support::{stderr, unspin};

/// The ids in the index, as `index export` gives them.
fn ids(dir: &Path, index: &str) -> Vec<String> {
    let out = unspin(dir, &["index", "export", "--index", index]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xf5\x48\xbd\xf6";

#[test]
fn binaries_and_empty_texts_in_a_directory_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("pic.png"), PNG).unwrap();
    // Valid UTF-8, but NUL bytes: binary too.
    std::fs::write(docs.join("bin.bin"), b"abc\0def").unwrap();
    std::fs::write(docs.join("empty.txt"), b"").unwrap();
    std::fs::write(docs.join("blank.txt"), b"  \n\t\n").unwrap();
    std::fs::write(docs.join("good.txt"), "A good document about rivers.\n").unwrap();
    std::fs::write(
        docs.join("r.jsonl"),
        "{\"id\":\"r1\",\"text\":\"A record about mountains.\"}\n{\"id\":\"r2\",\"text\":\"\"}\n{\"id\":\"r3\",\"text\":\" \\n \"}\n",
    )
    .unwrap();
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "docs"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    for note in [
        "unspin: docs: 1 file passed over: binary (.png 1)",
        "unspin: docs/bin.bin: binary file (contains NUL bytes), skipped",
        "unspin: docs/empty.txt: empty, nothing to index",
        "unspin: docs/blank.txt: only whitespace, nothing to index",
        "unspin: docs/r.jsonl:2: empty text, nothing to index",
        "unspin: docs/r.jsonl:3: only whitespace, nothing to index",
    ] {
        assert!(err.contains(note), "missing {note:?} in:\n{err}");
    }
    assert!(
        err.contains(
            "added 2 document(s) to ix; it now holds 2; skipped 6 input(s) (listed above): 1 binary, 1 code, data or binary by extension, 4 empty"
        ),
        "{err}"
    );
    let mut got = ids(dir.path(), "ix");
    got.sort();
    assert_eq!(got, ["docs/good.txt", "r1"]);
}

#[test]
fn a_binary_named_on_the_command_line_is_an_error_and_the_rest_is_added() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bin.bin"), b"abc\0def").unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"not \xff UTF-8").unwrap();
    std::fs::write(dir.path().join("good.txt"), "A good document.\n").unwrap();
    let out = unspin(
        dir.path(),
        &[
            "index", "add", "--index", "ix", "bin.bin", "bad.txt", "good.txt",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unspin: bin.bin: binary file (contains NUL bytes), skipped"),
        "{err}"
    );
    assert!(
        err.contains("unspin: bad.txt: invalid UTF-8 at byte 4"),
        "{err}"
    );
    assert!(
        err.contains("skipped 2 input(s) (listed above): 2 unreadable"),
        "{err}"
    );
    assert!(
        err.contains("2 input(s) could not be read (listed above); the rest was added"),
        "{err}"
    );
    assert_eq!(ids(dir.path(), "ix"), ["good.txt"]);
}

#[test]
fn jsonl_with_a_byte_order_mark_and_a_truncated_record() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("odd.jsonl"),
        b"\xef\xbb\xbf{\"id\":\"a\",\"text\":\"hello world\"}\r\n{\"id\":\"b\",\"text\":\"hel\n{\"id\":\"c\",\"body\":\"x\"}\n",
    )
    .unwrap();
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "odd.jsonl"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    // The position is in the record, not at column 0 of the next line.
    assert!(
        err.contains("unspin: odd.jsonl:2: malformed JSONL record: EOF while parsing a string at line 1 column 21"),
        "{err}"
    );
    assert!(
        err.contains("odd.jsonl:3: record has no field \"text\" (choose one with --text-field)"),
        "{err}"
    );
    assert_eq!(ids(dir.path(), "ix"), ["a"]);
}

#[test]
fn id_and_text_fields_and_a_large_file_read_in_parts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("f.jsonl"),
        "{\"key\":7,\"body\":\"Seven.\"}\n{\"body\":\"No key.\"}\n",
    )
    .unwrap();
    let big: String = (0..200)
        .map(|i| format!("Line {i} of a long file.\n"))
        .collect();
    std::fs::write(dir.path().join("big.txt"), &big).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .current_dir(dir.path())
        .args([
            "index",
            "add",
            "--index",
            "ix",
            "--id-field",
            "key",
            "--text-field",
            "body",
            "f.jsonl",
            "big.txt",
        ])
        .env("UNSPIN_PART_BYTES", "256")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(ids(dir.path(), "ix"), ["7", "f.jsonl:2", "big.txt"]);
    let out = unspin(
        dir.path(),
        &["index", "export", "--index", "ix", "--with-text"],
    );
    let last = String::from_utf8(out.stdout).unwrap();
    let last: serde_json::Value = serde_json::from_str(last.lines().last().unwrap()).unwrap();
    assert_eq!(last["text"], big.as_str());
}

/// A Parquet file with rows `(id, text)` (a `None` text is a null).
fn write_parquet(path: &Path, rows: &[(&str, Option<&str>)]) {
    use std::sync::Arc;
    let row_ids: arrow_array::ArrayRef = Arc::new(arrow_array::StringArray::from(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
    ));
    let texts: arrow_array::ArrayRef = Arc::new(arrow_array::StringArray::from(
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
    ));
    let batch =
        arrow_array::RecordBatch::try_from_iter([("id", row_ids), ("text", texts)]).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// A WARC record of `kind` (`conversion` for a Common Crawl WET file's text).
fn warc_record(kind: &str, uri: &str, content_type: &str, block: &str) -> String {
    format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nWARC-Target-URI: {uri}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
        block.len()
    )
}

const FLOOD: &str = "Heavy rain flooded the lower town on Tuesday night, and the river rose two metres above its banks before dawn. Emergency crews used boats to rescue forty families from their roofs.";
const SCHOOL: &str = "The new school on Mill Road opened its doors to four hundred pupils this week after two years of building work and a long dispute over the cost of the sports hall.";

/// A Parquet file's rows and a WARC file's pages (a Common Crawl WET file's text records
/// included) are documents of their own: ids from the id column and from the page's URL; a
/// copy of one is traced to it.
#[test]
fn parquet_rows_and_warc_pages_are_documents() {
    let dir = tempfile::tempdir().unwrap();
    write_parquet(
        &dir.path().join("rows.parquet"),
        &[("row-1", Some(FLOOD)), ("row-2", None)],
    );
    let wet = warc_record(
        "conversion",
        "https://news.example/school",
        "text/plain",
        SCHOOL,
    );
    std::fs::write(dir.path().join("crawl.warc.wet"), wet).unwrap();

    let out = unspin(
        dir.path(),
        &[
            "index",
            "add",
            "--index",
            "ix",
            "rows.parquet",
            "crawl.warc.wet",
        ],
    );
    // The null text of row-2 is an error that names the file; the rest is added.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("rows.parquet"), "{}", stderr(&out));
    let mut got = ids(dir.path(), "ix");
    got.sort();
    assert_eq!(got, ["https://news.example/school", "row-1"]);

    std::fs::write(
        dir.path().join("copy.txt"),
        SCHOOL.replace("pupils", "students"),
    )
    .unwrap();
    let out = unspin(
        dir.path(),
        &["trace", "--index", "ix", "--format", "jsonl", "copy.txt"],
    );
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
    assert_eq!(v["matches"][0]["id"], "https://news.example/school");
}

/// A directory of shards is indexed as the same files named one by one: each Parquet row and
/// WARC page is a document, in walk order, beside the walk's text files. What cannot be read
/// is still skipped and reported: a row without text, a shard its name does not mark as one.
#[test]
fn a_directory_walk_reads_parquet_and_warc_shards() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    write_parquet(
        &corpus.join("a.parquet"),
        &[("row-1", Some(FLOOD)), ("row-2", None)],
    );
    let pages = warc_record(
        "conversion",
        "https://news.example/school",
        "text/plain",
        SCHOOL,
    ) + &warc_record(
        "conversion",
        "https://news.example/empty",
        "text/plain",
        " ",
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, pages.as_bytes()).unwrap();
    std::fs::write(corpus.join("sub/crawl.warc.wet.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(corpus.join("notes.txt"), "Notes on the harbour wall.\n").unwrap();
    // A Parquet file under a name that does not say so: skipped with the way to add it.
    std::fs::copy(corpus.join("a.parquet"), corpus.join("rows.dat")).unwrap();

    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "corpus"]);
    let err = stderr(&out);
    // The row without text is an error, as when the file is named.
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("unspin: corpus/a.parquet"), "{err}");
    assert!(
        err.contains("unspin: corpus/sub/crawl.warc.wet.gz:2: empty text, nothing to index"),
        "{err}"
    );
    assert!(
        err.contains(
            "unspin: corpus/rows.dat: a Parquet file, skipped: each of its rows is a document; \
             `unspin index add` reads them from a file whose name ends in .parquet or .pq: rename it"
        ),
        "{err}"
    );
    assert_eq!(
        ids(dir.path(), "ix"),
        ["row-1", "corpus/notes.txt", "https://news.example/school"]
    );

    // The same as naming the shards themselves.
    let named = unspin(
        dir.path(),
        &[
            "index",
            "add",
            "--index",
            "ix2",
            "corpus/a.parquet",
            "corpus/notes.txt",
            "corpus/sub/crawl.warc.wet.gz",
        ],
    );
    assert_eq!(named.status.code(), Some(2), "{}", stderr(&named));
    assert_eq!(ids(dir.path(), "ix2"), ids(dir.path(), "ix"));
}

/// When no input holds a document (all missing or unreadable), nothing is created, and the
/// error says so; an existing index is left as it was.
#[test]
fn nothing_to_add_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"not \xff UTF-8").unwrap();
    let out = unspin(
        dir.path(),
        &["index", "add", "--index", "ix", "missing.txt", "bad.txt"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unspin: missing.txt: no such file or directory"),
        "{err}"
    );
    assert!(
        err.contains("unspin: bad.txt: invalid UTF-8 at byte 4"),
        "{err}"
    );
    assert!(
        err.contains(
            "unspin: error: nothing to add: no input could be read (2 listed above); no index was created at ix"
        ),
        "{err}"
    );
    assert!(!dir.path().join("ix").exists(), "an index was created");

    // Empty inputs alone: nothing to add either.
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    let out = unspin(
        dir.path(),
        &["index", "add", "--index", "ix", "empty.txt", "missing.txt"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("nothing to add: no input held a document (1 empty, 1 unreadable; listed above); no index was created at ix"),
        "{err}"
    );
    assert!(!dir.path().join("ix").exists(), "an index was created");

    // An existing index is not touched.
    std::fs::write(dir.path().join("good.txt"), "A good document.\n").unwrap();
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "good.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifest = std::fs::read(dir.path().join("ix/MANIFEST")).unwrap();
    let out = unspin(
        dir.path(),
        &["index", "add", "--index", "ix", "missing.txt"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("nothing to add: no input could be read (1 listed above); ix is unchanged"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("ix/MANIFEST")).unwrap(),
        manifest
    );
    assert_eq!(ids(dir.path(), "ix"), ["good.txt"]);
}

/// An HTML page is indexed as its prose, as `trace` reads a query: a copy of its article covers
/// the whole source, not the part of the page's bytes that are words of the article.
#[test]
fn an_html_page_is_indexed_as_its_prose() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("page.html"),
        "<!doctype html><html><head><script>var tracker = \"analytics tracking code for the \
         whole site and every visitor\";</script></head><body><nav>Home About Contact Archive \
         Subscribe Newsletter Login Register</nav><article><p>The council approved the new \
         bridge over the river on Tuesday, and the work will start in the spring when the \
         weather is better.</p><p>Residents had asked for the bridge since the floods damaged \
         the old one three years ago.</p></article><footer>Copyright 2024 the local paper all \
         rights reserved</footer></body></html>",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("copy.txt"),
        "The council approved the new bridge over the river on Tuesday, and the work will start \
         in the spring when the weather is better.\n\nResidents had asked for the bridge since \
         the floods damaged the old one three years ago.\n",
    )
    .unwrap();
    let out = unspin(dir.path(), &["index", "add", "--index", "ix", "page.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = unspin(
        dir.path(),
        &["trace", "--index", "ix", "--format", "json", "copy.txt"],
    );
    let traced: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let best = &traced[0]["matches"][0];
    assert_eq!(best["id"], "page.html", "{traced}");
    assert!(best["source_coverage"].as_f64().unwrap() > 0.99, "{traced}");
}
