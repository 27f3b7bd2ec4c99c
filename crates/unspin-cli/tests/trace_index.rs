//! `unspin index` / `unspin trace` end to end: round trip on generated texts, a kill test (an
//! `index add` killed at random moments never changes what the index answers), corruption, and
//! readers during a write.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use unspin::lexicon::Lexicon;
use unspin::token::{match_case, normalize, tokenize, TokenKind};
use unspin::trace::features::is_function_word;
use unspin::trace::{trace, Index, IndexWriter, Params, TraceOptions};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_unspin")
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

const NAMES: &[&str] = &[
    "Aldridge",
    "Brennan",
    "Castellano",
    "Dunmore",
    "Ekwueme",
    "Fairbanks",
    "Galloway",
    "Hollis",
    "Ishikawa",
    "Jovanovic",
    "Kowalczyk",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okonkwo",
    "Pemberton",
    "Quiroga",
    "Rasmussen",
    "Szabo",
    "Thorsen",
];
const PLACES: &[&str] = &[
    "Arbroath",
    "Belmonte",
    "Carrickfergus",
    "Dordrecht",
    "Esbjerg",
    "Fethiye",
    "Gdynia",
    "Hameln",
    "Ilulissat",
    "Jyvaskyla",
    "Kalamata",
    "Lillehammer",
];
const NOUNS: &[&str] = &[
    "house", "river", "city", "road", "market", "village", "church", "school", "garden", "forest",
    "mountain", "journey", "battle", "bridge", "harbour", "council", "library", "festival",
];
const ADJS: &[&str] = &[
    "large",
    "quiet",
    "ancient",
    "busy",
    "famous",
    "small",
    "strong",
    "beautiful",
    "important",
    "difficult",
    "narrow",
    "wealthy",
];
const VERBS: &[&str] = &[
    "built",
    "visited",
    "described",
    "opened",
    "defended",
    "praised",
    "restored",
    "crossed",
];

/// A generated article: names, places, numbers and thesaurus words in simple sentences.
fn article(seed: u64, sentences: usize) -> String {
    let mut r = Rng(seed);
    let mut s = String::new();
    for _ in 0..sentences {
        let year = 1700 + r.next() % 300;
        s.push_str(&format!(
            "In {year} {} {} the {} {} of {} with {} {} {}s and a {} {}. ",
            r.pick(NAMES),
            r.pick(VERBS),
            r.pick(ADJS),
            r.pick(NOUNS),
            r.pick(PLACES),
            2 + r.next() % 90,
            r.pick(ADJS),
            r.pick(NOUNS),
            r.pick(ADJS),
            r.pick(NOUNS),
        ));
    }
    s
}

/// Replace about `rate` of the content words by thesaurus synonyms.
fn spin(text: &str, rate: f64, seed: u64) -> String {
    let lex = Lexicon::embedded();
    let mut r = Rng(seed);
    let mut out = String::new();
    let mut cur = 0;
    for t in tokenize(text) {
        if t.kind != TokenKind::Word {
            continue;
        }
        let raw = t.text(text);
        let n = normalize(raw);
        if is_function_word(&n) {
            continue;
        }
        let Some(id) = lex.id(&n) else { continue };
        let k = lex.synonym_count(id);
        if k == 0 || (r.next() % 1000) as f64 >= rate * 1000.0 {
            continue;
        }
        let e = lex
            .synonyms(id)
            .nth((r.next() % k as u64) as usize)
            .unwrap();
        out.push_str(&text[cur..t.start]);
        out.push_str(&match_case(raw, lex.term(e.term)));
        cur = t.end;
    }
    out.push_str(&text[cur..]);
    out
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("unspin-trace-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_jsonl(path: &Path, docs: &[(String, String)]) {
    let mut f = std::fs::File::create(path).unwrap();
    for (id, text) in docs {
        serde_json::to_writer(&mut f, &serde_json::json!({"id": id, "text": text})).unwrap();
        f.write_all(b"\n").unwrap();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn round_trip_files_jsonl_gz_and_spun_queries() {
    let dir = tmp("roundtrip");
    let docs_dir = dir.join("docs");
    std::fs::create_dir_all(&docs_dir).unwrap();
    for i in 0..5 {
        std::fs::write(docs_dir.join(format!("a{i}.txt")), article(100 + i, 12)).unwrap();
    }
    let docs: Vec<(String, String)> = (0..40)
        .map(|i| (format!("doc-{i}"), article(i, 12)))
        .collect();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(dir.join("more.jsonl.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    for (id, text) in &docs[20..] {
        serde_json::to_writer(&mut gz, &serde_json::json!({"id": id, "text": text})).unwrap();
        gz.write_all(b"\n").unwrap();
    }
    gz.finish().unwrap();
    write_jsonl(&dir.join("first.jsonl"), &docs[..20]);
    let index = dir.join("index");
    let st = Command::new(bin())
        .args(["index", "add", "--index"])
        .arg(&index)
        .arg(&docs_dir)
        .arg(dir.join("first.jsonl"))
        .status()
        .unwrap();
    assert!(st.success());
    // Incremental: a second add, with a repeated id that is skipped.
    let st = Command::new(bin())
        .args(["index", "add", "--index"])
        .arg(&index)
        .arg(dir.join("more.jsonl.gz"))
        .arg(dir.join("first.jsonl"))
        .status()
        .unwrap();
    assert!(st.success());
    let idx = Index::open(&index).unwrap();
    assert_eq!(idx.len(), 45);
    assert_eq!(idx.manifest().segments.len(), 2);

    // Every document spun at 60% is found at rank 1, through the CLI's JSONL contract.
    let q = dir.join("queries");
    std::fs::create_dir_all(&q).unwrap();
    let mut paths = Vec::new();
    for (i, (_, text)) in docs.iter().enumerate().step_by(4) {
        let p = q.join(format!("q{i}.txt"));
        std::fs::write(&p, spin(text, 0.6, i as u64)).unwrap();
        paths.push((p, format!("doc-{i}")));
    }
    let out = Command::new(bin())
        .args(["trace", "--format", "jsonl", "--top", "3", "--index"])
        .arg(&index)
        .args(paths.iter().map(|p| &p.0))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), paths.len());
    for (line, (p, want)) in lines.iter().zip(&paths) {
        assert_eq!(line["path"], p.display().to_string());
        let m = &line["matches"][0];
        assert_eq!(m["id"], want.as_str(), "{line}");
        assert!(m["score"].as_f64().unwrap() > 0.5);
        assert!(m["coverage"].as_f64().unwrap() > 0.9);
    }
    // JSON carries the alignment with byte spans into both texts.
    let out = Command::new(bin())
        .args(["trace", "--format", "json", "--index"])
        .arg(&index)
        .arg(&paths[0].0)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let query = std::fs::read_to_string(&paths[0].0).unwrap();
    let pairs = v[0]["matches"][0]["alignment"]["pairs"].as_array().unwrap();
    assert!(!pairs.is_empty());
    let mut subs = 0;
    for p in pairs {
        for s in p["substitutions"].as_array().unwrap() {
            let (a, b) = (
                s["query"]["start"].as_u64().unwrap() as usize,
                s["query"]["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&query[a..b], s["query_text"].as_str().unwrap());
            subs += 1;
        }
    }
    assert!(subs > 0);
    // The offsets are into the input as given: after a byte-order mark, and in HTML, where the
    // text is extracted first and the spans map back to the markup.
    let with_bom = dir.join("bom.txt");
    std::fs::write(&with_bom, format!("\u{feff}{query}")).unwrap();
    let html = dir.join("page.html");
    let escaped = query.replace('&', "&amp;").replace('<', "&lt;");
    std::fs::write(
        &html,
        format!("<html><body><nav>Home</nav><article><p>{escaped}</p></article></body></html>"),
    )
    .unwrap();
    for input in [&with_bom, &html] {
        let out = Command::new(bin())
            .args(["trace", "--format", "json", "--index"])
            .arg(&index)
            .arg(input)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v[0]["matches"][0]["id"], paths[0].1.as_str(), "{input:?}");
        let raw = std::fs::read_to_string(input).unwrap();
        let mut checked = 0;
        for p in v[0]["matches"][0]["alignment"]["pairs"].as_array().unwrap() {
            for s in p["substitutions"].as_array().unwrap() {
                let (a, b) = (
                    s["query"]["start"].as_u64().unwrap() as usize,
                    s["query"]["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(&raw[a..b], s["query_text"].as_str().unwrap(), "{input:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, subs, "{input:?}");
    }
    // A text from nowhere finds nothing (exit 0).
    let out = Command::new(bin())
        .args(["trace", "--format", "jsonl", "--index"])
        .arg(&index)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .unwrap()
                .write_all(b"Completely unrelated words about cooking pasta at home tonight.")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

fn answers(index: &Path, queries: &[String]) -> (usize, Vec<Vec<(String, u64)>>) {
    let idx = Index::open(index).expect("the index opens");
    let opts = TraceOptions::default();
    let a = queries
        .iter()
        .map(|q| {
            trace(&idx, q, &opts)
                .unwrap()
                .into_iter()
                .map(|m| (m.id, (m.score * 1e9) as u64))
                .collect()
        })
        .collect();
    (idx.len(), a)
}

#[test]
fn killed_index_add_leaves_the_index_as_before() {
    let dir = tmp("kill");
    let base_docs: Vec<(String, String)> = (0..30)
        .map(|i| (format!("base-{i}"), article(1000 + i, 10)))
        .collect();
    let new_docs: Vec<(String, String)> = (0..250)
        .map(|i| (format!("new-{i}"), article(5000 + i, 10)))
        .collect();
    write_jsonl(&dir.join("base.jsonl"), &base_docs);
    write_jsonl(&dir.join("new.jsonl"), &new_docs);
    let pristine = dir.join("pristine");
    let st = Command::new(bin())
        .args(["index", "add", "--batch", "50", "--index"])
        .arg(&pristine)
        .arg(dir.join("base.jsonl"))
        .status()
        .unwrap();
    assert!(st.success());
    // Queries: spun base documents and spun new documents.
    let queries: Vec<String> = base_docs
        .iter()
        .take(3)
        .chain(new_docs.iter().take(3))
        .enumerate()
        .map(|(i, d)| spin(&d.1, 0.5, i as u64))
        .collect();
    let before = answers(&pristine, &queries);
    // How long a full add takes here, to spread the kills over it.
    let work = dir.join("work");
    copy_dir(&pristine, &work);
    let t = Instant::now();
    let st = Command::new(bin())
        .args(["index", "add", "--batch", "50", "--index"])
        .arg(&work)
        .arg(dir.join("new.jsonl"))
        .status()
        .unwrap();
    assert!(st.success());
    let full = t.elapsed();
    let after = answers(&work, &queries);
    assert_eq!(after.0, 280);
    assert_ne!(
        before.1, after.1,
        "the new documents must change some answers"
    );

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("kill test seed {seed}, full add {full:?}");
    let mut r = Rng(seed);
    let (mut killed, mut completed) = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(55);
    while killed < 20 && Instant::now() < deadline {
        copy_dir(&pristine, &work);
        let mut child = Command::new(bin())
            .args(["index", "add", "--batch", "50", "--index"])
            .arg(&work)
            .arg(dir.join("new.jsonl"))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let wait = full.as_micros() as u64 * (r.next() % 950) / 1000;
        std::thread::sleep(Duration::from_micros(wait));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = answers(&work, &queries);
        if finished || status.success() {
            completed += 1;
            assert_eq!(now, after, "a completed add must hold every document");
        } else {
            // Atomicity: a killed add leaves the index as before, or, when the kill landed after
            // the manifest was renamed into place but before the process exited, as after it.
            // Never anything in between.
            killed += 1;
            assert!(
                now == before || now == after,
                "killed after {wait} µs: the index is neither as before nor as after (seed {seed})"
            );
        }
        // A new writer after a killed one works and cleans up (lock released, no leftovers).
        if killed % 7 == 0 {
            let w = IndexWriter::open(&work, Params::default()).expect("writer after a kill");
            drop(w);
        }
    }
    eprintln!("killed {killed}, completed {completed}");
    assert!(
        killed >= 20,
        "only {killed} kills landed before the add finished"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn corrupt_index_is_a_clear_error() {
    let dir = tmp("corrupt");
    let docs: Vec<(String, String)> = (0..10).map(|i| (format!("d{i}"), article(i, 8))).collect();
    write_jsonl(&dir.join("d.jsonl"), &docs);
    let pristine = dir.join("pristine");
    assert!(Command::new(bin())
        .args(["index", "add", "--index"])
        .arg(&pristine)
        .arg(dir.join("d.jsonl"))
        .status()
        .unwrap()
        .success());
    let query = dir.join("q.txt");
    std::fs::write(&query, spin(&docs[3].1, 0.5, 1)).unwrap();
    let work = dir.join("work");
    let exts = ["fst", "post", "ids", "doff", "docs"];
    for ext in exts.iter().chain(["MANIFEST"].iter()) {
        copy_dir(&pristine, &work);
        let file = std::fs::read_dir(&work)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.extension().is_some_and(|e| e == *ext) || p.file_name().is_some_and(|n| n == *ext)
            })
            .unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x5a;
        std::fs::write(&file, &bytes).unwrap();
        let out = Command::new(bin())
            .args(["trace", "--format", "jsonl", "--index"])
            .arg(&work)
            .arg(&query)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{ext}: {err}");
        assert!(err.contains("corrupt index"), "{ext}: {err}");
        assert!(
            out.stdout.is_empty(),
            "{ext}: no answer from a corrupt index"
        );
    }
    // A missing file and a directory that is not an index.
    copy_dir(&pristine, &work);
    let post = std::fs::read_dir(&work)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "post"))
        .unwrap();
    std::fs::remove_file(post).unwrap();
    let out = Command::new(bin())
        .args(["index", "stats", "--index"])
        .arg(&work)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
    let out = Command::new(bin())
        .args(["trace", "--index"])
        .arg(dir.join("nothing-here"))
        .arg(&query)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index here"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn readers_work_while_a_writer_adds_and_writers_exclude_each_other() {
    let dir = tmp("concurrent");
    let index = dir.join("index");
    let mut w = IndexWriter::open(&index, Params::default()).unwrap();
    w.add_batch(vec![("one".into(), article(1, 8))]).unwrap();
    w.commit().unwrap();
    let mut w = IndexWriter::open(&index, Params::default()).unwrap();
    w.add_batch(vec![("two".into(), article(2, 8))]).unwrap();
    // A second writer is refused with a clear message; a reader sees the committed state.
    let err = IndexWriter::open(&index, Params::default())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("another"), "{err}");
    let out = Command::new(bin())
        .args(["trace", "--format", "jsonl", "--index"])
        .arg(&index)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .unwrap()
                .write_all(spin(&article(1, 8), 0.3, 9).as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["matches"][0]["id"], "one");
    assert_eq!(Index::open(&index).unwrap().len(), 1);
    w.commit().unwrap();
    assert_eq!(Index::open(&index).unwrap().len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Ordinary prose with no name, number or rare word: its canonical shingles are all function
/// words and wildcards, so only its literal shingles fingerprint it. Its verbatim copy and a
/// lightly spun copy must still be traced to it, among other documents of the same kind.
#[test]
fn plain_prose_without_names_is_traced() {
    let dir = tmp("plain");
    let index = dir.join("index");
    let prose = [
        "The small shop at the corner of the street sold bread and cakes every morning. People \
         came early because the best loaves were gone before nine. The owner baked through the \
         night and slept in the afternoon, when the shop was closed and the street was quiet.",
        "Walking every day is good for the heart and the mind. A short walk after dinner helps \
         people sleep better, and a long walk on the weekend clears the head. Doctors say that \
         even ten minutes a day makes a real difference over a year.",
        "The old house on the hill had been empty for many years. Its windows were broken and \
         its garden was wild, but children still climbed the fence to look inside. Some said \
         they heard music at night, though nobody ever saw a light.",
    ];
    let mut w = IndexWriter::open(&index, Params::default()).unwrap();
    w.add_batch(
        prose
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("prose-{i}"), t.to_string()))
            .collect(),
    )
    .unwrap();
    w.commit().unwrap();
    let ix = Index::open(&index).unwrap();
    let spun = prose[1]
        .replace("good", "great")
        .replace("helps", "aids")
        .replace("clears", "removes");
    for query in [prose[1].to_string(), spun] {
        let found = trace(&ix, &query, &TraceOptions::default()).unwrap();
        assert_eq!(
            found.first().map(|m| m.id.as_str()),
            Some("prose-1"),
            "{query}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An edited article indexed again with `--replace` takes the place of the old version: traced,
/// listed and exported as the new text, the old one never found again; without the flag it is
/// skipped with a note that names the flag. A reader opened before the replacement keeps its view.
#[test]
fn an_edited_document_replaces_its_old_version() {
    let dir = tmp("replace");
    let index = dir.join("index");
    let old = "Mayor Helena Castellano opened the new harbour bridge in Esbjerg on Monday. The \
               bridge cost 40 million kroner and took three years to build. Fishermen welcomed it.";
    let new = "Mayor Helena Castellano opened the new railway station in Dordrecht on Friday. The \
               station cost 90 million euros and took five years to build. Commuters cheered.";
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        write_jsonl(&path, &[("story-1".to_string(), text.to_string())]);
        path
    };
    let (v1, v2) = (write("v1.jsonl", old), write("v2.jsonl", new));
    let run = |args: &[&str]| {
        let out = Command::new(bin()).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let ix = index.to_str().unwrap();
    run(&["index", "add", "--index", ix, v1.to_str().unwrap()]);
    let before = Index::open(&index).unwrap();
    let err = run(&["index", "add", "--index", ix, v2.to_str().unwrap()]);
    assert!(
        err.contains("1 with an id already present were skipped; --replace"),
        "{err}"
    );
    let err = run(&[
        "index",
        "add",
        "--replace",
        "--index",
        ix,
        v2.to_str().unwrap(),
    ]);
    assert!(
        err.contains("1 replaced the document indexed under its id"),
        "{err}"
    );
    assert!(err.contains("it now holds 1"), "{err}");
    let after = Index::open(&index).unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after.ids().collect::<Vec<_>>(), ["story-1"]);
    let found = trace(&after, new, &TraceOptions::default()).unwrap();
    assert_eq!(found.first().map(|m| m.id.as_str()), Some("story-1"));
    let doc = after.doc_numbers().next().unwrap();
    assert_eq!(after.text(doc).unwrap(), new);
    // The old version (document 0) is never a candidate again, even for its own text.
    assert_eq!(after.doc_numbers().collect::<Vec<_>>(), [1]);
    assert!(after
        .candidates(old, 10)
        .unwrap()
        .iter()
        .all(|&(d, _)| d != 0));
    let exported = Command::new(bin())
        .args(["index", "export", "--index", ix, "--with-text"])
        .output()
        .unwrap();
    let exported = String::from_utf8(exported.stdout).unwrap();
    assert_eq!(exported.lines().count(), 1, "{exported}");
    assert!(exported.contains("railway station"), "{exported}");
    // The reader opened before still answers with the old version: files are never rewritten.
    let found = trace(&before, old, &TraceOptions::default()).unwrap();
    assert_eq!(found.first().map(|m| m.id.as_str()), Some("story-1"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `restore --index` restores what the source does not cover exactly as `restore` does: the
/// engine's findings on the whole text, not on each stretch alone (a stretch alone loses the
/// document's evidence, and its spinner patterns were left as they were).
#[test]
fn restore_with_an_index_restores_the_rest_as_plain_restore_does() {
    let dir = tmp("restore-rest");
    let index = dir.join("index");
    let source = "President Joe Biden met with Senate leaders on Tuesday to discuss the federal \
                  budget and the looming debt ceiling. The White House said the talks were \
                  productive, but Republicans in the House of Representatives warned that they \
                  would not accept new spending without significant cuts. The United States \
                  Treasury has said it could run out of cash by early June. Analysts say a \
                  default would shake global markets and raise borrowing costs for American \
                  families.\n";
    let mut w = IndexWriter::open(&index, Params::default()).unwrap();
    w.add_batch(vec![("source".into(), source.to_string())])
        .unwrap();
    w.commit().unwrap();
    // The copy: spun, and a sentence added that the source does not have.
    let query = "Head of state Joe Biden met with Us senate leaders on Tuesday to go over the \
                 government spending plan as well as the impending financial obligation ceiling. \
                 The White Residence said the talks were efficient, however Republicans in your \
                 house of Reps cautioned that they would certainly not approve brand-new costs \
                 without considerable cuts. The Unified States Treasury has actually said it \
                 might lack cash money by very early June. Experts say a default would tremble \
                 international markets as well as increase loaning prices for American family \
                 members.\nMeanwhile the mayor has actually opened a park as well as a library, \
                 and also a pool.\n";
    let added =
        "Meanwhile the mayor has actually opened a park as well as a library, and also a pool.";
    let restore = |extra: &[&str]| -> String {
        let out = Command::new(bin())
            .args(["restore", "--no-config"])
            .args(extra)
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                c.stdin.take().unwrap().write_all(query.as_bytes())?;
                c.wait_with_output()
            })
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let plain = restore(&[]);
    let with_index = restore(&["--index", index.to_str().unwrap()]);
    let last = |s: &str| s.trim_end().rsplit('\n').next().unwrap().to_string();
    assert_ne!(
        last(&plain),
        added,
        "the engine restores the added sentence"
    );
    assert_eq!(last(&with_index), last(&plain));
    // And the part the source covers comes from the source.
    assert!(
        with_index.starts_with("President Joe Biden met with Senate leaders"),
        "{with_index}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
