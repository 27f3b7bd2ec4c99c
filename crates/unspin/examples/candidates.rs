//! Prints the channel's single-word candidate originals for each word read from standard input,
//! one line per word: `word<TAB>candidate:edge,...` (edges `Moby`, `WordNet`, `Both`, and `E`
//! for the written word's own thesaurus entry, [`Channel::entry_candidates`]). Feeds experiments
//! outside Rust, e.g. `scripts/experiments/glove_fit.py`.
//!
//! ```text
//! cargo run --release -p unspin --example candidates < words.txt > candidates.tsv
//! ```

use std::io::{BufRead, Write};

use unspin::channel::Channel;
use unspin::lexicon::Lexicon;

fn main() -> std::io::Result<()> {
    let channel = Channel::new(Lexicon::embedded());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in std::io::stdin().lock().lines() {
        let word = line?;
        let word = word.trim();
        if word.is_empty() {
            continue;
        }
        let drafts = channel
            .draft_candidates(&[word])
            .into_iter()
            .map(|c| (c.original, format!("{:?}", c.edge)));
        let entry = channel
            .entry_candidates(word)
            .into_iter()
            .map(|c| (c.original, "E".to_string()));
        let listed: Vec<String> = drafts
            .chain(entry)
            .filter(|(original, _)| !original.contains(' '))
            .map(|(original, edge)| format!("{original}:{edge}"))
            .collect();
        writeln!(out, "{word}\t{}", listed.join(","))?;
    }
    out.flush()
}
