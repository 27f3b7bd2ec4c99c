//! A minimal spinner simulator for training the scorer (until `unspin::synth` lands): it
//! rewrites a clean text the way cheap spinners do, with one substitution key per document.
//! - Content words are replaced, at a per-document rate, by one of the most frequent thesaurus
//!   synonyms of their lemma (spinners prefer readable words), re-inflected; the same head gets
//!   the same synonym throughout the document.
//! - Spinner padding: "and" → "as well as", "has" → "has actually", "any" → "any type of",
//!   "will" → "will certainly", each at a per-document rate.
//!
//! Returns the spun text and, for every replaced span of it, the normalized original.

use std::collections::HashMap;

use unspin::channel::{inflect, is_function_word};
use unspin::lexicon::Lexicon;
use unspin::lm::LanguageModel;
use unspin::token::{match_case, normalize, tokenize, TokenKind};

/// xorshift64*: deterministic, dependency-free.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub struct Spun {
    pub text: String,
    /// (start, end, original) of each replaced span in `text`.
    pub spans: Vec<(usize, usize, String)>,
}

fn synonym_for(lex: &Lexicon, lm: &dyn LanguageModel, word: &str, rng: &mut Rng) -> Option<String> {
    let mut options: Vec<(String, u64)> = Vec::new();
    let collect =
        |options: &mut Vec<(String, u64)>, head: &str, infl: Option<inflect::Inflection>| {
            let Some(id) = lex.id(head) else { return };
            for e in lex.synonyms(id) {
                let t = lex.term(e.term);
                let forms = match infl {
                    Some(i) => inflect::inflect(t, i),
                    None => vec![t.to_string()],
                };
                for f in forms {
                    let parts: Vec<&str> = f.split(' ').collect();
                    if parts.len() > 3 || f == word {
                        continue;
                    }
                    let c = parts.iter().map(|p| lm.count(&[p])).min().unwrap_or(0);
                    if c > 0 {
                        options.push((f, c));
                    }
                }
            }
        };
    collect(&mut options, word, None);
    if options.is_empty() {
        for (lemma, infl) in inflect::lemmas(word) {
            collect(&mut options, &lemma, Some(infl));
        }
    }
    if options.is_empty() {
        return None;
    }
    options.sort_by_key(|o| std::cmp::Reverse(o.1));
    options.dedup_by(|a, b| a.0 == b.0);
    options.truncate(6);
    let k = (rng.next() % options.len() as u64) as usize;
    Some(options.swap_remove(k).0)
}

pub fn spin(text: &str, lex: &Lexicon, lm: &dyn LanguageModel, seed: u64) -> Spun {
    let mut rng = Rng::new(seed);
    let rate = 0.15 + 0.4 * rng.unit();
    let pad_rate = rng.unit();
    let mut key: HashMap<String, Option<String>> = HashMap::new();
    let toks = tokenize(text);
    let mut out = String::with_capacity(text.len() + text.len() / 5);
    let mut spans = Vec::new();
    let mut last = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokenKind::Word {
            continue;
        }
        let raw = t.text(text);
        let norm = normalize(raw).into_owned();
        let next_is_word = toks.get(i + 1).is_some_and(|n| n.kind == TokenKind::Word);
        let replacement: Option<String> = match norm.as_str() {
            "and" if rng.unit() < pad_rate * 0.9 => Some("as well as".into()),
            "has" | "have" | "had" if next_is_word && rng.unit() < pad_rate * 0.6 => {
                Some(format!("{norm} actually"))
            }
            "any" if next_is_word && rng.unit() < pad_rate * 0.6 => Some("any type of".into()),
            "will" if next_is_word && rng.unit() < pad_rate * 0.4 => Some("will certainly".into()),
            w if is_function_word(w) || !w.chars().all(|c| c.is_ascii_lowercase()) => None,
            _ => {
                if rng.unit() >= rate {
                    None
                } else {
                    key.entry(norm.clone())
                        .or_insert_with(|| synonym_for(lex, lm, &norm, &mut rng))
                        .clone()
                }
            }
        };
        if let Some(r) = replacement {
            out.push_str(&text[last..t.start]);
            let s = out.len();
            out.push_str(&match_case(raw, &r));
            spans.push((s, out.len(), norm));
            last = t.end;
        }
    }
    out.push_str(&text[last..]);
    Spun { text: out, spans }
}
