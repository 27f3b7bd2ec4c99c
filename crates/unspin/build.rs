//! Builds the thesaurus tables of `unspin::lexicon` from registry packages at compile time:
//! the Moby Thesaurus (public domain, crate `thesaurus-moby`) and WordNet 3.0 synonyms (WordNet
//! licence, crate `thesaurus-wordnet`). Nothing here comes from ../shared or is committed.
//!
//! Output (in OUT_DIR), all little-endian:
//! - `lexicon.fst`: normalized term → id (ids are the terms' ranks in sorted order);
//! - `lexicon.strings`: u32 offsets (n + 1) then the UTF-8 bytes of every term, by id;
//! - `lexicon.fwd`, `lexicon.inv`: compressed sparse rows: u32 offsets (n + 1), then u32 edges,
//!   `target | SOURCE_MOBY << 30 | SOURCE_WORDNET << 31`. `fwd` lists a head's synonyms; `inv` lists,
//!   for a term, the heads that list it (the originals a spinner could have replaced by it).

#[allow(dead_code)]
#[path = "src/token.rs"]
mod token;

/// `token.rs` asks the embedded language model whether words are known, to read a hyphen at a
/// line break; thesaurus terms hold no line breaks, so here it is never asked.
mod lm {
    pub fn is_known(_: &[&str]) -> bool {
        false
    }
}

/// `token.rs` reads Latin words written with look-alike Cyrillic letters as Latin; thesaurus terms
/// are written in Latin letters, so here nothing is folded.
mod homoglyph {
    pub fn fold(s: &str) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(s)
    }
}

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

const MOBY: u32 = 1 << 30;
const WORDNET: u32 = 1 << 31;
/// Longest term kept, in tokens: the channel proposes 1–3-token windows, and a few 4-token names.
const MAX_TOKENS: usize = 4;

fn normalize_term(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 60 {
        return None;
    }
    if !raw
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'' || c == '.')
    {
        return None;
    }
    let toks = token::tokenize(raw);
    if toks.is_empty() || toks.len() > MAX_TOKENS || toks.iter().any(|t| !t.is_word()) {
        return None;
    }
    let words: Vec<String> = toks
        .iter()
        .map(|t| token::normalize(t.text(raw)).into_owned())
        .collect();
    Some(words.join(" "))
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/token.rs");
    let out = std::env::var("OUT_DIR").unwrap();
    let out = Path::new(&out);

    // head → (synonym → source bits)
    let mut edges: HashMap<String, HashMap<String, u32>> = HashMap::new();
    let mut add = |head: &str, syns: &mut dyn Iterator<Item = &str>, src: u32| {
        let Some(h) = normalize_term(head) else {
            return;
        };
        let entry = edges.entry(h.clone()).or_default();
        for s in syns {
            if let Some(s) = normalize_term(s) {
                if s != h {
                    *entry.entry(s).or_insert(0) |= src;
                }
            }
        }
    };
    let moby = thesaurus_moby::uncompress();
    for line in moby.lines() {
        let mut parts = line.split('|');
        if let Some(head) = parts.next() {
            add(head, &mut parts, MOBY);
        }
    }
    drop(moby);
    let wordnet = thesaurus_wordnet::uncompress();
    for line in wordnet.lines() {
        let mut parts = line.split('|');
        if let Some(head) = parts.next() {
            add(head, &mut parts, WORDNET);
        }
    }
    drop(wordnet);

    // Assign ids in sorted order (fst needs sorted keys).
    let mut terms: BTreeMap<String, u32> = BTreeMap::new();
    for (h, syns) in &edges {
        terms.insert(h.clone(), 0);
        for s in syns.keys() {
            terms.insert(s.clone(), 0);
        }
    }
    for (i, v) in terms.values_mut().enumerate() {
        *v = i as u32;
    }
    let n = terms.len();

    let mut builder = fst::MapBuilder::new(Vec::new()).unwrap();
    let mut strings_off: Vec<u32> = Vec::with_capacity(n + 1);
    let mut strings: Vec<u8> = Vec::new();
    for (t, id) in &terms {
        builder.insert(t, *id as u64).unwrap();
        strings_off.push(strings.len() as u32);
        strings.extend_from_slice(t.as_bytes());
    }
    strings_off.push(strings.len() as u32);
    std::fs::write(out.join("lexicon.fst"), builder.into_inner().unwrap()).unwrap();
    write_u32s_then(&out.join("lexicon.strings"), &strings_off, &strings);

    let mut fwd: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut inv: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (h, syns) in &edges {
        let hid = terms[h];
        for (s, src) in syns {
            let sid = terms[s];
            fwd[hid as usize].push(sid | src);
            inv[sid as usize].push(hid | src);
        }
    }
    write_csr(&out.join("lexicon.fwd"), &mut fwd);
    write_csr(&out.join("lexicon.inv"), &mut inv);
}

fn write_u32s_then(path: &Path, words: &[u32], tail: &[u8]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for w in words {
        f.write_all(&w.to_le_bytes()).unwrap();
    }
    f.write_all(tail).unwrap();
}

fn write_csr(path: &Path, rows: &mut [Vec<u32>]) {
    let mut offsets = Vec::with_capacity(rows.len() + 1);
    let mut flat: Vec<u32> = Vec::new();
    for row in rows.iter_mut() {
        row.sort_unstable_by_key(|e| e & !(MOBY | WORDNET));
        offsets.push(flat.len() as u32);
        flat.extend_from_slice(row);
    }
    offsets.push(flat.len() as u32);
    let mut bytes = Vec::with_capacity(flat.len() * 4);
    for e in flat {
        bytes.extend_from_slice(&e.to_le_bytes());
    }
    write_u32s_then(path, &offsets, &bytes);
}
