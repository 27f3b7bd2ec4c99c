//! Importing models made elsewhere: ARPA files (KenLM, SRILM) and n-gram count lists
//! (symspellpy's `word count` and `w1 w2 count` files, Google Books style).
//!
//! Both read the whole list into memory before sorting it into fst sections: these inputs are
//! published lists of at most tens of millions of n-grams. Words are normalized like the text the
//! model will score ([`normalize`]); entries that become equal (`The`, `the`) are merged: counts
//! are summed, and of ARPA entries the most probable is kept.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use super::corpus::open_decompressed;
use super::format::{pack_backoff, Header, ModelKind, Source, MAX_ORDER, SEPARATOR};
use super::write::{header_template, SectionsWriter};
use crate::error::{Error, Result};
use crate::token::normalize;

fn normalized_key(words: &[&str]) -> Vec<u8> {
    let mut key = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            key.push(SEPARATOR);
        }
        key.extend_from_slice(normalize(w).as_bytes());
    }
    key
}

fn default_sources(paths: &[PathBuf]) -> Vec<Source> {
    paths
        .iter()
        .map(|p| Source {
            name: p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string()),
            licence: "unknown".into(),
            version: String::new(),
        })
        .collect()
}

/// A line that cannot be read: invalid UTF-8 is a parse error at its line (read_line's own
/// message names neither), any other failure an I/O error of the file.
fn read_error(path: &Path, line: usize, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::InvalidData {
        Error::parse(path, Some(line), "not UTF-8 text")
    } else {
        Error::io(path, e)
    }
}

/// Import an ARPA file (optionally .gz/.zst) as a `backoff` model.
pub fn import_arpa(
    path: &Path,
    out: &Path,
    sources: Vec<Source>,
    temp_dir: Option<&Path>,
) -> Result<Header> {
    let mut input = open_decompressed(path)?;
    let bad = |line: usize, m: String| Error::parse(path, Some(line), m);
    let mut line_no = 0usize;
    let mut line = String::new();
    let mut declared: Vec<u64> = Vec::new();
    // (key, prob, backoff) per order.
    let mut grams: Vec<Vec<(Vec<u8>, f32, f32)>> = Vec::new();
    let mut section: Option<usize> = None;
    let mut seen_data = false;
    let mut seen_end = false;
    // The 1-gram keys, gathered when the first longer n-gram comes (ARPA lists orders in turn):
    // every word of an n-gram must have its own entry, or backoff has nothing to fall back to.
    let mut vocabulary: Option<std::collections::HashSet<Vec<u8>>> = None;
    loop {
        line.clear();
        let n = input
            .read_line(&mut line)
            .map_err(|e| read_error(path, line_no + 1, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t == "\\data\\" {
            seen_data = true;
            continue;
        }
        if t == "\\end\\" {
            seen_end = true;
            break;
        }
        if let Some(rest) = t.strip_prefix('\\') {
            let n: usize = rest
                .strip_suffix("-grams:")
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| bad(line_no, format!("unknown ARPA section {t:?}")))?;
            if !seen_data || n == 0 || n > declared.len() {
                return Err(bad(
                    line_no,
                    format!("section \\{n}-grams: is not declared in \\data\\"),
                ));
            }
            section = Some(n);
            continue;
        }
        match section {
            None if seen_data => {
                let spec = t.strip_prefix("ngram ").ok_or_else(|| {
                    bad(line_no, format!("expected `ngram N=count`, found {t:?}"))
                })?;
                let (n, c) = spec
                    .split_once('=')
                    .and_then(|(n, c)| {
                        Some((
                            n.trim().parse::<usize>().ok()?,
                            c.trim().parse::<u64>().ok()?,
                        ))
                    })
                    .ok_or_else(|| bad(line_no, format!("malformed count line {t:?}")))?;
                if n != declared.len() + 1 || n > MAX_ORDER {
                    return Err(bad(
                        line_no,
                        format!("n-gram order {n} out of sequence or above {MAX_ORDER}"),
                    ));
                }
                declared.push(c);
                grams.push(Vec::with_capacity(c.min(1 << 24) as usize));
            }
            None => continue, // text before \data\ is a comment in ARPA files
            Some(n) => {
                let fields: Vec<&str> = t.split_whitespace().collect();
                if fields.len() != n + 1 && fields.len() != n + 2 {
                    return Err(bad(
                        line_no,
                        format!(
                            "a {n}-gram line needs a log10 probability, {n} words and an optional \
                             backoff; found {} fields",
                            fields.len()
                        ),
                    ));
                }
                let num = |s: &str| {
                    s.parse::<f32>()
                        .ok()
                        .filter(|v| v.is_finite() || *v == f32::NEG_INFINITY)
                        .ok_or_else(|| bad(line_no, format!("not a number: {s:?}")))
                };
                let prob = num(fields[0])?.max(-99.0);
                let backoff = if fields.len() == n + 2 {
                    num(fields[n + 1])?.max(-99.0)
                } else {
                    0.0
                };
                if prob > 0.0 {
                    return Err(bad(line_no, format!("log10 probability {prob} is above 0")));
                }
                if n > 1 {
                    let vocabulary = vocabulary.get_or_insert_with(|| {
                        grams[0].iter().map(|(key, _, _)| key.clone()).collect()
                    });
                    if let Some(w) = fields[1..=n]
                        .iter()
                        .find(|w| !vocabulary.contains(&normalized_key(&[**w])))
                    {
                        return Err(bad(
                            line_no,
                            format!("the word {w:?} of this {n}-gram has no 1-gram entry"),
                        ));
                    }
                }
                grams[n - 1].push((normalized_key(&fields[1..=n]), prob, backoff));
            }
        }
    }
    if !seen_data {
        return Err(bad(line_no, "no \\data\\ section: not an ARPA file".into()));
    }
    if !seen_end {
        return Err(bad(
            line_no,
            "file ends before \\end\\ (truncated ARPA file?)".into(),
        ));
    }
    for (i, (d, g)) in declared.iter().zip(&grams).enumerate() {
        if *d != g.len() as u64 {
            return Err(bad(
                line_no,
                format!(
                    "\\data\\ declares {d} {}-grams, the file lists {}",
                    i + 1,
                    g.len()
                ),
            ));
        }
    }
    if declared.is_empty() {
        return Err(bad(line_no, "the ARPA file declares no n-grams".into()));
    }
    let sources = if sources.is_empty() {
        default_sources(&[path.to_path_buf()])
    } else {
        sources
    };
    let mut writer = SectionsWriter::new(out, declared.len(), temp_dir)?;
    for (i, mut g) in grams.into_iter().enumerate() {
        // Most probable first among equal keys, so dedup keeps it.
        g.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        g.dedup_by(|a, b| a.0 == b.0);
        for (key, prob, backoff) in g {
            writer.push(i + 1, &key, pack_backoff(prob, backoff))?;
        }
    }
    writer.finish(header_template(ModelKind::Backoff, sources))
}

/// Import count lists: each line `w1 … wn count` (n = 1..=5, whitespace-separated; `#` comments
/// and blank lines skipped). One file may mix orders. Builds a `counts` model whose total is the
/// sum of the unigram counts.
pub fn import_counts(
    paths: &[PathBuf],
    out: &Path,
    sources: Vec<Source>,
    temp_dir: Option<&Path>,
) -> Result<Header> {
    let mut grams: Vec<Vec<(Vec<u8>, u64)>> = vec![Vec::new(); MAX_ORDER];
    for path in paths {
        let mut input = open_decompressed(path)?;
        let mut line = String::new();
        let mut line_no = 0usize;
        loop {
            line.clear();
            let read = input
                .read_line(&mut line)
                .map_err(|e| read_error(path, line_no + 1, e))?;
            if read == 0 {
                break;
            }
            line_no += 1;
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = t.split_whitespace().collect();
            let n = fields.len() - 1;
            if n == 0 || n > MAX_ORDER {
                return Err(Error::parse(
                    path,
                    Some(line_no),
                    format!("expected 1 to {MAX_ORDER} words and a count, found {t:?}"),
                ));
            }
            let count: u64 = fields[n].parse().map_err(|_| {
                Error::parse(
                    path,
                    Some(line_no),
                    format!("the last field {:?} is not a count", fields[n]),
                )
            })?;
            grams[n - 1].push((normalized_key(&fields[..n]), count));
        }
    }
    let order = grams
        .iter()
        .rposition(|g| !g.is_empty())
        .map_or(0, |i| i + 1);
    if order == 0 {
        return Err(Error::Invalid(format!(
            "no n-gram counts in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let sources = if sources.is_empty() {
        default_sources(paths)
    } else {
        sources
    };
    let mut writer = SectionsWriter::new(out, order, temp_dir)?;
    let mut total = 0u64;
    for (i, mut g) in grams.into_iter().take(order).enumerate() {
        g.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut iter = g.into_iter().peekable();
        while let Some((key, mut count)) = iter.next() {
            while iter.peek().is_some_and(|(k, _)| *k == key) {
                count = count.saturating_add(iter.next().expect("peeked").1);
            }
            if i == 0 {
                total = total.saturating_add(count);
            }
            writer.push(i + 1, &key, count)?;
        }
    }
    let mut template = header_template(ModelKind::Counts, sources);
    template.total_words = total;
    writer.finish(template)
}
