//! End-to-end scans over damaged shards (nothing may be lost: every record is written or
//! reported) and over a run stopped half-way (resumed without redoing or duplicating anything).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, BinaryArray, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use unspin::rules::RuleSet;
use unspin::{Engine, EngineOptions};
use unspin_scan::{scan, ScanConfig};

fn engine() -> Engine {
    Engine::new(
        RuleSet::empty(),
        None,
        EngineOptions {
            fast: true,
            ..EngineOptions::default()
        },
    )
}

fn jsonl_docs(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            serde_json::json!({"id": format!("{prefix}{i}"), "text": format!("Document {i} of {prefix}: as well as the head of state said. {}", "filler words ".repeat(i % 50))}).to_string() + "\n"
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut writer =
        ArrowWriter::try_new(fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

/// The rows of an attributes or documents file, decompressed as its first bytes say.
fn read_output(path: &Path) -> Vec<serde_json::Value> {
    let raw = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    if raw.starts_with(&[0x1f, 0x8b]) {
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_string(&mut text)
            .unwrap();
    } else if raw.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        text = String::from_utf8(zstd::decode_all(&raw[..]).unwrap()).unwrap();
    } else {
        text = String::from_utf8(raw).unwrap();
    }
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn read_lines(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn warc_record(id: usize, html: &str) -> Vec<u8> {
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}");
    let record = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{id}>\r\nWARC-Target-URI: http://example.com/{id}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
        http.len()
    );
    gzip(record.as_bytes())
}

struct Fixture {
    _dir: tempfile::TempDir,
    input: PathBuf,
    output: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("sub")).unwrap();
    // 1. A good gzip shard: 30 documents.
    fs::write(
        input.join("good.jsonl.gz"),
        gzip(jsonl_docs("g", 30).as_bytes()),
    )
    .unwrap();
    // 2. A truncated gzip shard: 400 documents, cut in the middle of the stream.
    let full = gzip(jsonl_docs("t", 400).as_bytes());
    fs::write(input.join("truncated.jsonl.gz"), &full[..full.len() / 2]).unwrap();
    // 3. A truncated zstd shard.
    // zstd emits whole blocks (up to 128 KiB), so the shard must span several.
    let full = zstd::encode_all(jsonl_docs("z", 4000).as_bytes(), 3).unwrap();
    fs::write(
        input.join("sub/truncated.jsonl.zst"),
        &full[..full.len() / 2],
    )
    .unwrap();
    // 4. A plain shard with a broken line, invalid UTF-8 and a missing text field.
    let mut broken = jsonl_docs("b", 3).into_bytes();
    broken.extend_from_slice(b"{\"id\": \"b-broken\", \"text\": \"unterminated\n");
    broken.extend_from_slice(b"{\"id\": \"b-latin1\", \"text\": \"caf\xe9\"}\n");
    broken.extend_from_slice(b"{\"id\": \"b-notext\"}\n");
    broken.extend_from_slice(jsonl_docs("c", 2).as_bytes());
    fs::write(input.join("broken.jsonl"), broken).unwrap();
    // 5. A Parquet file without the text column: its 10 rows are lost, in one entry.
    let ids: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..10).map(|i| format!("m{i}")),
    ));
    let body: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..10).map(|i| format!("body {i}")),
    ));
    write_parquet(
        &input.join("missing.parquet"),
        vec![("id", ids), ("body", body)],
    );
    // 6. A Parquet file whose binary text column has one row of invalid UTF-8 and one null.
    let ids: ArrayRef = Arc::new(StringArray::from_iter_values(
        (0..5).map(|i| format!("p{i}")),
    ));
    let texts: ArrayRef = Arc::new(BinaryArray::from_opt_vec(vec![
        Some(b"fine text".as_slice()),
        Some(b"bad \xff bytes".as_slice()),
        Some(b"more text".as_slice()),
        None,
        Some(b"last".as_slice()),
    ]));
    write_parquet(
        &input.join("binary.parquet"),
        vec![("text", texts), ("id", ids)],
    );
    // 7. A WARC shard (one gzip member per record) whose last record is cut short.
    let mut warc = Vec::new();
    for i in 0..4 {
        warc.extend(warc_record(
            i,
            &format!("<html><body><p>Page {i} text</p></body></html>"),
        ));
    }
    let last = warc_record(4, "<html><body><p>lost page</p></body></html>");
    warc.extend_from_slice(&last[..last.len() / 2]);
    fs::write(input.join("crawl.warc.gz"), warc).unwrap();
    let output = dir.path().join("out");
    Fixture {
        _dir: dir,
        input,
        output,
    }
}

#[test]
fn damaged_shards_lose_nothing_silently() {
    let f = fixture();
    let mut config = ScanConfig::new(vec![f.input.clone()], f.output.clone());
    config.threads = 2;
    config.batch_docs = 16; // several batches per shard
    let summary = scan(&config, &engine()).unwrap();
    let s = &summary.scanned;
    assert_eq!(summary.shards, 7);
    assert_eq!(s.records_in, s.records_out + s.errors, "{s:?}");

    // Per shard: attribute rows + error counts = records, and the reasons name the problem.
    // A JSONL shard's attributes keep its file name and compression (dolma's layout); Parquet
    // and WARC shards get gzipped JSONL.
    let shard = |name: &str, ext: &str| -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
        let attrs = read_output(&f.output.join(format!("attributes/{name}{ext}")));
        let errors_path = f.output.join(format!("errors/{name}.jsonl"));
        let errors = if errors_path.exists() {
            read_lines(&errors_path)
        } else {
            Vec::new()
        };
        (attrs, errors)
    };
    let count = |errors: &[serde_json::Value]| -> u64 {
        errors.iter().map(|e| e["count"].as_u64().unwrap()).sum()
    };

    let (attrs, errors) = shard("good", ".jsonl.gz");
    assert_eq!((attrs.len(), errors.len()), (30, 0));
    assert_eq!(attrs[0]["id"], "g0");
    assert_eq!(attrs[29]["id"], "g29"); // same row order as the input
    let doc = &attrs[3]["attributes"]["unspin__spin__doc"][0];
    assert_eq!(doc[0], 0);
    assert!(doc[1].as_u64().unwrap() > 0);
    assert!(attrs[3]["attributes"]["unspin__spin__spans"].is_array());

    for (name, ext) in [("truncated", ".jsonl.gz"), ("sub/truncated", ".jsonl.zst")] {
        let (attrs, errors) = shard(name, ext);
        assert!(
            attrs.len() > 10 && attrs.len() < 4000,
            "{name}: {}",
            attrs.len()
        );
        assert_eq!(errors.len(), 1, "{name}");
        let reason = errors[0]["reason"].as_str().unwrap();
        assert!(reason.contains("truncated or corrupt"), "{name}: {reason}");
        // The records after the break are lost too, however many they were.
        assert!(reason.contains("an unknown number"), "{name}: {reason}");
        assert_eq!(errors[0]["record"].as_u64().unwrap(), attrs.len() as u64);
    }

    let (attrs, errors) = shard("broken", ".jsonl");
    let ids: Vec<&str> = attrs.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["b0", "b1", "b2", "c0", "c1"]);
    let reasons: Vec<(u64, &str)> = errors
        .iter()
        .map(|e| (e["record"].as_u64().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(reasons.len(), 3);
    assert_eq!(reasons[0].0, 3);
    assert!(reasons[0].1.starts_with("malformed JSON"), "{reasons:?}");
    assert_eq!(reasons[1], (4, "invalid UTF-8 at byte 31 of the record"));
    assert_eq!(reasons[2], (5, "missing text field `text`"));
    assert_eq!(
        errors[0]["shard"],
        f.input.join("broken.jsonl").display().to_string()
    );
    assert!(errors[1]["offset"].as_u64().unwrap() > 0);

    let (attrs, errors) = shard("missing", ".jsonl.gz");
    assert_eq!((attrs.len(), errors.len()), (0, 1));
    assert_eq!(errors[0]["count"], 10);
    let reason = errors[0]["reason"].as_str().unwrap();
    assert!(reason.contains("missing text column `text`"), "{reason}");
    assert!(reason.contains("id, body"), "{reason}");

    let (attrs, errors) = shard("binary", ".jsonl.gz");
    let ids: Vec<&str> = attrs.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["p0", "p2", "p4"]);
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["id"], "p1");
    assert!(errors[0]["reason"]
        .as_str()
        .unwrap()
        .contains("invalid UTF-8"));
    assert_eq!(errors[1]["reason"], "text is null");

    let (attrs, errors) = shard("crawl", ".jsonl.gz");
    assert_eq!(attrs.len(), 4);
    assert_eq!(attrs[2]["id"], "urn:uuid:2");
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["reason"].as_str().unwrap().contains("truncated"));

    // Overall: the totals match the files.
    let expected_errors = [
        ("good", ".jsonl.gz"),
        ("truncated", ".jsonl.gz"),
        ("sub/truncated", ".jsonl.zst"),
        ("broken", ".jsonl"),
        ("missing", ".jsonl.gz"),
        ("binary", ".jsonl.gz"),
        ("crawl", ".jsonl.gz"),
    ]
    .iter()
    .map(|(n, ext)| count(&shard(n, ext).1))
    .sum::<u64>();
    assert_eq!(s.errors, expected_errors);
    assert_eq!(s.errors, 1 + 1 + 3 + 10 + 2 + 1);
    // Three shards broke off: two JSONL streams and the WARC one.
    assert_eq!(s.cut_short, 3);
}

#[test]
fn documents_are_filtered_and_restored_on_request() {
    let f = fixture();
    let mut config = ScanConfig::new(vec![f.input.join("good.jsonl.gz")], f.output.clone());
    config.restore = true;
    config.keep_below = Some(2.0); // every score is below 2: all kept
    scan(&config, &engine()).unwrap();
    let docs = read_output(&f.output.join("documents/good.jsonl.gz"));
    assert_eq!(docs.len(), 30);
    assert_eq!(docs[5]["id"], "g5");
    assert!(docs[5]["text"].as_str().unwrap().starts_with("Document 5"));

    // A threshold no score is below keeps nothing; the rerun with new settings rescans.
    config.keep_below = Some(-1.0);
    let summary = scan(&config, &engine()).unwrap();
    assert_eq!(summary.shards_resumed, 0);
    assert_eq!(summary.scanned.documents_written, 0);
    assert!(read_output(&f.output.join("documents/good.jsonl.gz")).is_empty());
}

#[test]
fn a_stopped_run_resumes_without_duplicates() {
    let f = fixture();
    let config = ScanConfig::new(vec![f.input.clone()], f.output.clone());
    let first = scan(&config, &engine()).unwrap();
    let rows = |file: &str| read_output(&f.output.join(format!("attributes/{file}"))).len();
    let good_rows = rows("good.jsonl.gz");
    let broken_rows = rows("broken.jsonl");

    // Simulate a run killed half-way through two shards: `good` was renamed into place but its
    // marker never written; `broken` has only a partial file, with garbage in it.
    fs::remove_file(f.output.join("done/good.json")).unwrap();
    fs::remove_file(f.output.join("done/broken.json")).unwrap();
    fs::remove_file(f.output.join("attributes/broken.jsonl")).unwrap();
    fs::write(f.output.join("attributes/broken.jsonl.partial"), b"garbage").unwrap();

    let second = scan(&config, &engine()).unwrap();
    assert_eq!(second.shards_resumed, 5);
    assert_eq!(second.shards - second.shards_resumed, 2);
    assert_eq!(rows("good.jsonl.gz"), good_rows);
    assert_eq!(rows("broken.jsonl"), broken_rows);
    assert!(!f.output.join("attributes/broken.jsonl.partial").exists());
    let mut total = second.scanned.clone();
    total.add(&second.resumed);
    assert_eq!(total.records_in, first.scanned.records_in);
    assert_eq!(total.records_out, first.scanned.records_out);
    assert_eq!(total.errors, first.scanned.errors);

    // A third run has nothing left to do.
    let third = scan(&config, &engine()).unwrap();
    assert_eq!(third.shards_resumed, 7);
    assert_eq!(third.scanned.records_in, 0);

    // A replaced input is scanned again.
    fs::write(
        f.input.join("good.jsonl.gz"),
        gzip(jsonl_docs("g", 7).as_bytes()),
    )
    .unwrap();
    let fourth = scan(&config, &engine()).unwrap();
    assert_eq!(fourth.shards_resumed, 6);
    assert_eq!(rows("good.jsonl.gz"), 7);
}

/// A deterministic article with names, years and numbers (what trace fingerprints rely on).
fn article(seed: u64, sentences: usize) -> String {
    const NAMES: &[&str] = &[
        "Ada Lovelace",
        "Carl Gauss",
        "Marie Curie",
        "Niels Bohr",
        "Emmy Noether",
        "Alan Turing",
        "Rosalind Franklin",
        "Enrico Fermi",
    ];
    const PLACES: &[&str] = &[
        "Vienna", "Lisbon", "Kraków", "Uppsala", "Bologna", "Leiden", "Tartu", "Ghent",
    ];
    const NOUNS: &[&str] = &[
        "bridge",
        "harbour",
        "library",
        "orchard",
        "foundry",
        "observatory",
        "canal",
        "market",
    ];
    const ADJS: &[&str] = &[
        "ancient", "northern", "famous", "quiet", "crowded", "wealthy", "narrow", "royal",
    ];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut s = String::new();
    for _ in 0..sentences {
        let year = 1700 + next() % 300;
        s.push_str(&format!(
            "In {year} {} visited the {} {} of {} with {} {} workers. ",
            NAMES[next() % NAMES.len()],
            ADJS[next() % ADJS.len()],
            NOUNS[next() % NOUNS.len()],
            PLACES[next() % PLACES.len()],
            2 + next() % 90,
            ADJS[next() % ADJS.len()],
        ));
    }
    s
}

#[test]
fn documents_are_traced_to_their_sources_with_an_index() {
    use unspin::trace::{IndexWriter, Params};
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let mut writer = IndexWriter::open(&index, Params::default()).unwrap();
    writer
        .add_batch(
            (1..=5)
                .map(|i| (format!("src{i}"), article(i, 12)))
                .collect(),
        )
        .unwrap();
    writer.commit().unwrap();

    // A lightly rewritten copy of source 3, and a document from nowhere.
    let copy = article(3, 12)
        .replace("visited", "went to")
        .replace("workers", "labourers");
    let input = dir.path().join("crawl.jsonl");
    fs::write(
        &input,
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "copy", "text": copy}),
            serde_json::json!({"id": "other", "text": "A short note about nothing in particular, written today."})
        ),
    )
    .unwrap();
    let mut config = ScanConfig::new(vec![input], dir.path().join("out"));
    config.index = Some(index);
    let summary = scan(&config, &engine()).unwrap();
    assert_eq!(summary.scanned.records_out, 2);
    let rows = read_output(&dir.path().join("out/attributes/crawl.jsonl"));
    let sources = rows[0]["sources"].as_array().unwrap();
    assert_eq!(sources[0]["id"], "src3", "{rows:?}");
    let best = rows[0]["attributes"]["unspin__trace__source"][0][2]
        .as_f64()
        .unwrap();
    assert!(best > 0.5, "{rows:?}");
    assert!(
        rows[1]["sources"].as_array().unwrap().is_empty(),
        "{rows:?}"
    );
    assert_eq!(rows[1]["attributes"]["unspin__trace__source"][0][2], 0.0);
}

#[test]
fn parquet_string_columns_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("strings.parquet");
    let ids: ArrayRef = Arc::new(StringArray::from_iter_values(["a", "b", "c"]));
    let texts: ArrayRef = Arc::new(StringArray::from(vec![
        Some("one text"),
        None,
        Some("three"),
    ]));
    write_parquet(&path, vec![("id", ids), ("text", texts)]);
    let config = ScanConfig::new(vec![path], dir.path().join("out"));
    let summary = scan(&config, &engine()).unwrap();
    assert_eq!(
        (
            summary.scanned.records_in,
            summary.scanned.records_out,
            summary.scanned.errors
        ),
        (3, 2, 1)
    );
    let rows = read_output(&dir.path().join("out/attributes/strings.jsonl.gz"));
    assert_eq!(rows[1]["id"], "c");
    assert_eq!(rows[1]["attributes"]["unspin__spin__doc"][0][1], 5);
}

#[test]
fn an_output_inside_the_input_is_not_read_back_and_other_files_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("a.jsonl"), jsonl_docs("a", 5)).unwrap();
    fs::write(input.join("notes.txt"), "not a shard").unwrap();
    let config = ScanConfig::new(vec![input.clone()], input.join("out"));
    let first = scan(&config, &engine()).unwrap();
    assert_eq!(first.shards, 1);
    assert_eq!(first.not_shards, vec![input.join("notes.txt")]);
    // The second run finds its own outputs (attributes/*.jsonl, done/*.json) under the input
    // and must not take them for shards.
    let second = scan(&config, &engine()).unwrap();
    assert_eq!(second.shards, 1);
    assert_eq!(second.shards_resumed, 1);
    assert!(!input.join("out/attributes/out").exists());
}

fn counts(summary: &unspin_scan::ScanSummary) -> (usize, usize) {
    (summary.shards, summary.shards_resumed)
}

/// An output directory at or above an input would receive its outputs among the inputs
/// (`--restore` would even write `documents/NAME.json.gz` over the input of that name), and
/// the next run would read them back: refused, naming both.
#[test]
fn an_output_at_or_above_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    fs::create_dir_all(root.join("documents")).unwrap();
    fs::write(
        root.join("documents/p0.json.gz"),
        gzip(jsonl_docs("p", 5).as_bytes()),
    )
    .unwrap();
    for (input, output) in [
        (root.join("documents"), root.clone()),
        (root.clone(), root.clone()),
        // Spelled differently, the same directory.
        (root.join("documents"), root.join("documents/../.")),
    ] {
        let mut config = ScanConfig::new(vec![input.clone()], output);
        config.restore = true;
        let err = scan(&config, &engine()).unwrap_err().to_string();
        assert!(err.contains("lies inside --output"), "{err}");
        assert!(err.contains(&input.display().to_string()), "{err}");
    }
    // Nothing was written among the inputs.
    assert_eq!(fs::read_dir(&root).unwrap().count(), 1);
    assert_eq!(fs::read_dir(root.join("documents")).unwrap().count(), 1);
}

/// The output of another run under an input directory (`--output in/out`, then `--output
/// in/out2`) is results, not corpus: passed over and reported; and such a directory given as
/// the input is refused.
#[test]
fn outputs_of_other_scans_are_never_read_as_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("nest");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("a.jsonl"), jsonl_docs("a", 5)).unwrap();
    let mut first = ScanConfig::new(vec![input.clone()], input.join("out"));
    first.restore = true;
    assert_eq!(counts(&scan(&first, &engine()).unwrap()), (1, 0));
    let second = ScanConfig::new(vec![input.clone()], input.join("out2"));
    let summary = scan(&second, &engine()).unwrap();
    assert_eq!(counts(&summary), (1, 0));
    let mut skipped = summary.scan_outputs.clone();
    skipped.sort();
    assert_eq!(skipped, [input.join("out")]);
    assert!(!input.join("out2/attributes/out").exists());

    // An output written before the lock file existed is known by its done-markers.
    fs::remove_file(input.join("out").join(unspin_scan::output::LOCK_FILE)).unwrap();
    let summary = scan(&second, &engine()).unwrap();
    assert_eq!(counts(&summary), (1, 1));

    let third = ScanConfig::new(vec![input.join("out")], dir.path().join("o3"));
    let err = scan(&third, &engine()).unwrap_err().to_string();
    assert!(
        err.contains("output directory of an earlier `unspin scan`"),
        "{err}"
    );
}

/// A marker must change when a file the settings name changes: an edited rule pack (same name,
/// same size, same flags) scans again instead of keeping stale results.
#[test]
fn an_edited_settings_file_scans_again() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    fs::write(&input, jsonl_docs("a", 5)).unwrap();
    let rules = dir.path().join("rules.csv");
    fs::write(
        &rules,
        "tortured_phrase,expected_phrase,num_papers\nhead of state,president,1\n",
    )
    .unwrap();
    let mut config = ScanConfig::new(vec![input], dir.path().join("out"));
    config.setting_files = vec![rules.clone()];
    assert_eq!(counts(&scan(&config, &engine()).unwrap()), (1, 0));
    assert_eq!(counts(&scan(&config, &engine()).unwrap()), (1, 1));
    // The same size, and an mtime set back to the old one: the content checksum tells.
    let mtime = fs::metadata(&rules).unwrap().modified().unwrap();
    fs::write(
        &rules,
        "tortured_phrase,expected_phrase,num_papers\nhead of stats,president,1\n",
    )
    .unwrap();
    fs::File::options()
        .write(true)
        .open(&rules)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(counts(&scan(&config, &engine()).unwrap()), (1, 0));
    // A settings file that is gone is an error naming it, not a silent resume.
    fs::remove_file(&rules).unwrap();
    let err = scan(&config, &engine()).unwrap_err().to_string();
    assert!(err.contains("rules.csv"), "{err}");
}

/// Two runs into one output directory would overwrite each other's partial files: the second
/// is refused while the first holds the lock, and may go once it is released.
#[test]
fn a_second_run_into_a_locked_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    fs::write(&input, jsonl_docs("a", 5)).unwrap();
    let output = dir.path().join("out");
    let held = unspin_scan::output::lock_output(&output).unwrap();
    let config = ScanConfig::new(vec![input], output.clone());
    let err = scan(&config, &engine()).unwrap_err().to_string();
    assert!(err.contains("another `unspin scan` is writing"), "{err}");
    assert!(err.contains(&output.display().to_string()), "{err}");
    assert!(!output.join("done").exists());
    drop(held);
    assert_eq!(counts(&scan(&config, &engine()).unwrap()), (1, 0));
}

/// A file that writes the same output names as an earlier, different input (`a/x.jsonl`, then
/// `b/x.jsonl` into the same directory) would replace its results without a word: refused.
#[test]
fn another_input_with_the_same_output_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (sub, n) in [("a", 3), ("b", 4)] {
        fs::create_dir_all(dir.path().join(sub)).unwrap();
        fs::write(dir.path().join(sub).join("x.jsonl"), jsonl_docs(sub, n)).unwrap();
    }
    let output = dir.path().join("out");
    let first = ScanConfig::new(vec![dir.path().join("a")], output.clone());
    scan(&first, &engine()).unwrap();
    let second = ScanConfig::new(vec![dir.path().join("b")], output.clone());
    let err = scan(&second, &engine()).unwrap_err().to_string();
    assert!(err.contains("results of another input"), "{err}");
    assert!(
        err.contains(&dir.path().join("a/x.jsonl").display().to_string()),
        "{err}"
    );
    assert_eq!(read_output(&output.join("attributes/x.jsonl")).len(), 3);
    // The same file named another way is the same input.
    let again = ScanConfig::new(vec![dir.path().join("b/../a/x.jsonl")], output);
    assert_eq!(counts(&scan(&again, &engine()).unwrap()), (1, 1));
}

/// Ids made from a record's place name the shard by its path under the input it was found in,
/// not by the path as typed (absolute here), so that they are the same from any directory.
#[test]
fn position_ids_do_not_depend_on_how_the_input_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("sub")).unwrap();
    fs::write(
        input.join("sub/x.jsonl"),
        "{\"text\": \"one\"}\n\n{\"text\": \"two\"}\n",
    )
    .unwrap();
    let ids = |inputs: Vec<PathBuf>, out: &str, name: &str| -> Vec<serde_json::Value> {
        let config = ScanConfig::new(inputs, dir.path().join(out));
        scan(&config, &engine()).unwrap();
        read_output(
            &dir.path()
                .join(out)
                .join(format!("attributes/{name}.jsonl")),
        )
        .iter()
        .map(|row| row["id"].clone())
        .collect()
    };
    assert_eq!(
        ids(vec![input.clone()], "o1", "sub/x"),
        ["sub/x.jsonl:1", "sub/x.jsonl:3"]
    );
    assert_eq!(
        ids(vec![input.join("sub/./x.jsonl")], "o2", "x"),
        ["x.jsonl:1", "x.jsonl:3"]
    );
}

/// Overlapping inputs reach a file twice: it is scanned once. Hidden files and directories
/// are passed over and reported.
#[test]
fn overlapping_inputs_scan_each_file_once_and_hidden_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("same");
    fs::create_dir_all(input.join("a")).unwrap();
    fs::create_dir_all(input.join(".cache")).unwrap();
    fs::write(input.join("a/part.jsonl"), jsonl_docs("a", 5)).unwrap();
    fs::write(input.join(".hidden.jsonl"), jsonl_docs("h", 5)).unwrap();
    fs::write(input.join(".cache/c.jsonl"), jsonl_docs("c", 5)).unwrap();
    let config = ScanConfig::new(
        vec![input.clone(), input.join("a"), input.join("a/part.jsonl")],
        dir.path().join("out"),
    );
    let summary = scan(&config, &engine()).unwrap();
    assert_eq!(summary.shards, 1);
    assert_eq!(summary.scanned.records_in, 5);
    assert_eq!(summary.duplicates.len(), 2);
    assert_eq!(
        summary.hidden,
        [input.join(".cache"), input.join(".hidden.jsonl")]
    );
    assert!(dir.path().join("out/attributes/a/part.jsonl").exists());
}

/// dolma's mixer compares the attribute row's id with the document's as JSON values, and its
/// spans are character offsets (Python string indices): numbers stay numbers, and offsets count
/// code points, not UTF-8 bytes.
#[test]
fn attribute_rows_keep_json_ids_and_count_characters() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ids.jsonl");
    let text = "Café naïve — 日本語 😀. The lab built a counterfeit consciousness last year.";
    fs::write(
        &input,
        format!(
            "{}\n{}\n{}\n",
            serde_json::json!({"id": 42, "text": text}),
            "{\"id\": 1e3, \"text\": \"plain\"}",
            serde_json::json!({"id": "s", "text": "x"})
        ),
    )
    .unwrap();
    let config = ScanConfig::new(vec![input], dir.path().join("out"));
    let builtin = Engine::new(
        RuleSet::builtin().unwrap(),
        None,
        EngineOptions {
            fast: true,
            ..EngineOptions::default()
        },
    );
    scan(&config, &builtin).unwrap();
    let rows = read_output(&dir.path().join("out/attributes/ids.jsonl"));
    assert_eq!(rows[0]["id"], serde_json::json!(42));
    assert!(rows[1]["id"].is_number(), "{}", rows[1]["id"]);
    assert_eq!(rows[1]["id"].as_f64(), Some(1000.0));
    assert_eq!(rows[2]["id"], "s");
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(
        rows[0]["attributes"]["unspin__spin__doc"][0][1],
        chars.len()
    );
    let spans = rows[0]["attributes"]["unspin__spin__spans"]
        .as_array()
        .unwrap();
    let found: Vec<String> = spans
        .iter()
        .map(|s| {
            let (start, end) = (
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            );
            chars[start..end].iter().collect()
        })
        .collect();
    assert!(
        found
            .iter()
            .any(|s| s.contains("counterfeit consciousness")),
        "{found:?} {spans:?}"
    );
}

/// A document in another language is written like any other, scored 0.5 (not judged) and
/// counted, so that a web crawl's other languages are not called spun.
#[test]
fn documents_in_other_languages_are_counted_and_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("web.jsonl");
    let french = "Le président de la République a annoncé mardi une série de mesures destinées à \
        soutenir le pouvoir d'achat des ménages. Selon le gouvernement, ces aides devraient \
        entrer en vigueur dès le mois prochain et concerner plusieurs millions de foyers. ";
    fs::write(
        &input,
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "fr", "text": french.repeat(6)}),
            serde_json::json!({"id": "en", "text": "The council met on Tuesday and agreed to \
                repair the bridge over the river before the winter, which the residents had \
                asked for since the spring floods damaged it."})
        ),
    )
    .unwrap();
    let config = ScanConfig::new(vec![input], dir.path().join("out"));
    let full = Engine::standard(
        &[],
        Some(unspin::lm::default_model()),
        false,
        unspin::names::SharedGazetteer::Embedded,
        EngineOptions::default(),
    )
    .unwrap();
    let summary = scan(&config, &full).unwrap();
    assert_eq!(summary.scanned.not_english, 1);
    assert_eq!(summary.scanned.records_out, 2);
    let rows = read_output(&dir.path().join("out/attributes/web.jsonl"));
    assert_eq!(rows[0]["attributes"]["unspin__spin__doc"][0][2], 0.5);
    assert_eq!(rows[0]["language"], "fra");
    assert!(rows[1].get("language").is_none(), "{}", rows[1]);
    assert_eq!(
        rows[0]["attributes"]["unspin__spin__spans"],
        serde_json::json!([])
    );
}

/// A document disguised with letters of another script that look Latin is counted and marked,
/// and each disguised word is a span; a plain one is neither.
#[test]
fn disguised_documents_are_counted_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("web.jsonl");
    let plain = "The council met on Tuesday and agreed to repair the bridge over the river \
        before the winter, which the residents had asked for since the spring floods.";
    let disguised: String = plain
        .chars()
        .map(|c| match c {
            'a' => '\u{0430}',
            'e' => '\u{0435}',
            'o' => '\u{043E}',
            _ => c,
        })
        .collect();
    fs::write(
        &input,
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "d", "text": disguised}),
            serde_json::json!({"id": "p", "text": plain})
        ),
    )
    .unwrap();
    let config = ScanConfig::new(vec![input], dir.path().join("out"));
    let summary = scan(&config, &engine()).unwrap();
    assert_eq!(summary.scanned.disguised, 1);
    let rows = read_output(&dir.path().join("out/attributes/web.jsonl"));
    assert_eq!(rows[0]["disguised"], true);
    assert!(rows[1].get("disguised").is_none(), "{}", rows[1]);
    let spans = rows[0]["attributes"]["unspin__spin__spans"]
        .as_array()
        .unwrap();
    assert!(spans.len() >= 10, "{spans:?}");
}

/// An input directory without shards is an error that names it, not "0 shard(s)" and success.
#[test]
fn an_input_without_shards_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    fs::write(empty.join("notes.txt"), "x").unwrap();
    let config = ScanConfig::new(vec![empty.clone()], dir.path().join("out"));
    let err = scan(&config, &engine()).unwrap_err().to_string();
    assert!(
        err.contains("no shards found") && err.contains(&empty.display().to_string()),
        "{err}"
    );
    // Beside another input with shards, it is reported.
    fs::write(dir.path().join("x.jsonl"), jsonl_docs("x", 2)).unwrap();
    let config = ScanConfig::new(
        vec![empty.clone(), dir.path().join("x.jsonl")],
        dir.path().join("out"),
    );
    assert_eq!(scan(&config, &engine()).unwrap().empty_dirs, [empty]);
}

/// dolma's mixer finds a documents file's attributes by its path (`documents/sub/p0.json.gz` →
/// `attributes/NAME/sub/p0.json.gz`) and decompresses each file by its extension: a JSONL
/// shard's attribute and document files keep its name and its compression.
#[test]
fn jsonl_outputs_keep_the_shards_name_and_compression() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("documents");
    fs::create_dir_all(input.join("sub")).unwrap();
    fs::write(
        input.join("sub/p0.json.gz"),
        gzip(jsonl_docs("a", 3).as_bytes()),
    )
    .unwrap();
    fs::write(
        input.join("p1.jsonl.zst"),
        zstd::encode_all(jsonl_docs("b", 3).as_bytes(), 3).unwrap(),
    )
    .unwrap();
    fs::write(input.join("p2.jsonl"), jsonl_docs("c", 3)).unwrap();
    let output = dir.path().join("out");
    let mut config = ScanConfig::new(vec![input], output.clone());
    config.restore = true;
    scan(&config, &engine()).unwrap();
    let magic: [(&str, &[u8]); 3] = [
        ("sub/p0.json.gz", &[0x1f, 0x8b]),
        ("p1.jsonl.zst", &[0x28, 0xb5, 0x2f, 0xfd]),
        ("p2.jsonl", b"{\""),
    ];
    for (file, magic) in magic {
        for kind in ["attributes", "documents"] {
            let path = output.join(kind).join(file);
            let raw = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(raw.starts_with(magic), "{kind}/{file}");
            assert_eq!(read_output(&path).len(), 3, "{kind}/{file}");
        }
    }
}
