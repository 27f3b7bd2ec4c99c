//! Synonym-aware alignment of a (spun) query with a candidate source, sentence by sentence.
//!
//! 1. Each query sentence is paired with the source sentence that covers most of its words, a word
//!    counting when it is equal to a source word or thesaurus-related to one (either direction);
//!    function words weigh less, since any two English sentences share some.
//! 2. The pair is aligned word by word (edit distance with cheap synonym matches) against a window
//!    of the source sentence and its neighbours, with free end gaps on the source side, so a query
//!    sentence may match part of a longer source sentence or run across a sentence boundary.
//! 3. The maximal runs of differing words between matched words are the substitutions, with byte
//!    spans in both texts; they are what a restoration puts back.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use super::features::{hash_str, is_function_word};
use crate::lexicon::Lexicon;
use crate::token::{normalize, sentences, tokenize, TokenKind};

/// Weight of a word found through the thesaurus rather than equal.
const SYNONYM_WEIGHT: f64 = 0.8;
/// Weight of a function word in sentence similarity.
const FUNCTION_WEIGHT: f64 = 0.25;
/// A query sentence is paired when at least this share of its (weighted) words is found.
pub const PAIR_MIN_SIMILARITY: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span {
            start: r.start,
            end: r.end,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Substitution {
    /// Words of the query (empty when the query dropped source words).
    pub query: Span,
    pub query_text: String,
    /// Words of the source (empty when the query inserted words).
    pub source: Span,
    pub source_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SentencePair {
    /// From the first to the last word of the query sentence.
    pub query: Span,
    /// The part of the source the query sentence aligns with.
    pub source: Span,
    /// Weighted share of the query sentence's words found in the source part.
    pub similarity: f64,
    pub substitutions: Vec<Substitution>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Alignment {
    pub pairs: Vec<SentencePair>,
    /// Share of the query's words inside paired sentences.
    pub coverage: f64,
    /// Share of the source's words inside the parts paired with the query: how much of the
    /// source the query copies (low for a copy of one paragraph of a long article; high for a
    /// whole article copied into a page that says much else, where `coverage` is low).
    pub source_coverage: f64,
    /// Weighted share of all the query's words found in the source (equal 1, synonym 0.8,
    /// function words weighing a quarter): the ranking score.
    pub score: f64,
}

impl Alignment {
    /// Move the query side's spans through `map`: an alignment of the prose of a page, found on
    /// the text extracted from its markup, placed back in the page's own bytes.
    pub fn map_query(&mut self, map: impl Fn(Range<usize>) -> Range<usize>) {
        let remap = |span: &mut Span| {
            let r = map(span.start..span.end);
            (span.start, span.end) = (r.start, r.end);
        };
        for pair in &mut self.pairs {
            remap(&mut pair.query);
            for sub in &mut pair.substitutions {
                remap(&mut sub.query);
            }
        }
    }
}

struct Word {
    span: Range<usize>,
    key: u64,
    function: bool,
}

struct Side {
    words: Vec<Word>,
    /// Word-index range of each sentence.
    sentences: Vec<Range<usize>>,
}

/// Byte span of words `a..b`; an empty range (an insertion) sits where word `a` would start.
fn words_span(words: &[Word], a: usize, b: usize) -> Range<usize> {
    if a < b {
        words[a].span.start..words[b - 1].span.end
    } else {
        let p = if a < words.len() {
            words[a].span.start
        } else {
            words[a - 1].span.end
        };
        p..p
    }
}

fn side(text: &str) -> Side {
    let tokens = tokenize(text);
    let mut words = Vec::new();
    let mut sents = Vec::new();
    for r in sentences(text, &tokens) {
        let begin = words.len();
        for t in &tokens[r] {
            let raw = t.text(text);
            let (key, function) = match t.kind {
                TokenKind::Punct => continue,
                TokenKind::Number => {
                    let d: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
                    (hash_str(&d), false)
                }
                TokenKind::Word => {
                    let n = normalize(raw);
                    (hash_str(&n), is_function_word(&n))
                }
            };
            words.push(Word {
                span: t.start..t.end,
                key,
                function,
            });
        }
        if words.len() > begin {
            sents.push(begin..words.len());
        }
    }
    Side {
        words,
        sentences: sents,
    }
}

/// Keys of the thesaurus neighbours (both directions) of each distinct query word.
fn expansions(text: &str, q: &Side) -> HashMap<u64, Vec<u64>> {
    let lex = Lexicon::embedded();
    let mut out: HashMap<u64, Vec<u64>> = HashMap::new();
    for w in &q.words {
        if w.function || out.contains_key(&w.key) {
            continue;
        }
        let n = normalize(&text[w.span.clone()]);
        let mut v = Vec::new();
        if let Some(id) = lex.id(&n) {
            for e in lex.synonyms(id).chain(lex.originals(id)) {
                let t = lex.term(e.term);
                if !t.contains(' ') {
                    v.push(hash_str(t));
                }
            }
            v.sort_unstable();
            v.dedup();
        }
        out.insert(w.key, v);
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Equal,
    Synonym,
    Sub,
    /// A query word with no source word.
    Ins,
    /// A source word with no query word.
    Del,
    /// A source word before the aligned part.
    Skip,
}

/// Align `query` against `source`.
pub fn align(query: &str, source: &str) -> Alignment {
    Aligner::new(query).align(source)
}

/// A query prepared once (words, sentences, thesaurus neighbours) for aligning with many sources.
pub struct Aligner<'q> {
    query: &'q str,
    q: Side,
    exp: HashMap<u64, Vec<u64>>,
}

impl<'q> Aligner<'q> {
    pub fn new(query: &'q str) -> Self {
        let q = side(query);
        let exp = expansions(query, &q);
        Aligner { query, q, exp }
    }

    pub fn align(&self, source: &str) -> Alignment {
        align_prepared(self.query, &self.q, &self.exp, source)
    }
}

fn align_prepared(query: &str, q: &Side, exp: &HashMap<u64, Vec<u64>>, source: &str) -> Alignment {
    let s = side(source);
    let related =
        |qk: u64, sk: u64| -> bool { exp.get(&qk).is_some_and(|v| v.binary_search(&sk).is_ok()) };
    // Inverted map of the source: word key → sentences holding it.
    let mut inv: HashMap<u64, Vec<u32>> = HashMap::new();
    for (si, r) in s.sentences.iter().enumerate() {
        for w in &s.words[r.clone()] {
            let e = inv.entry(w.key).or_default();
            if e.last() != Some(&(si as u32)) {
                e.push(si as u32);
            }
        }
    }
    let weight = |w: &Word| if w.function { FUNCTION_WEIGHT } else { 1.0 };
    let total_weight: f64 = q.words.iter().map(weight).sum();
    let mut pairs = Vec::new();
    let mut covered_words = 0usize;
    let mut found_weight = 0.0;
    let mut sent_score = vec![0.0f64; s.sentences.len()];
    let mut touched: Vec<usize> = Vec::new();
    let mut credited = vec![u32::MAX; s.sentences.len()];
    // Source words inside some pair's source part (pairs may overlap: counted once).
    let mut source_covered = vec![false; s.words.len()];
    for qr in &q.sentences {
        let qwords = &q.words[qr.clone()];
        let qweight: f64 = qwords.iter().map(weight).sum();
        for &t in &touched {
            sent_score[t] = 0.0;
        }
        touched.clear();
        for (qi, w) in qwords.iter().enumerate() {
            let tag = (qr.start + qi) as u32;
            if let Some(list) = inv.get(&w.key) {
                for &si in list {
                    let si = si as usize;
                    if credited[si] != tag {
                        credited[si] = tag;
                        if sent_score[si] == 0.0 {
                            touched.push(si);
                        }
                        sent_score[si] += weight(w);
                    }
                }
            }
            if let Some(keys) = exp.get(&w.key) {
                for k in keys {
                    if let Some(list) = inv.get(k) {
                        for &si in list {
                            let si = si as usize;
                            if credited[si] != tag {
                                credited[si] = tag;
                                if sent_score[si] == 0.0 {
                                    touched.push(si);
                                }
                                sent_score[si] += weight(w) * SYNONYM_WEIGHT;
                            }
                        }
                    }
                }
            }
        }
        let best = touched
            .iter()
            .copied()
            .max_by(|&a, &b| sent_score[a].total_cmp(&sent_score[b]).then(b.cmp(&a)));
        let Some(best) = best else { continue };
        if qweight <= 0.0 || sent_score[best] / qweight < PAIR_MIN_SIMILARITY * 0.8 {
            continue;
        }
        // Word alignment against the best sentence and its neighbours.
        let lo = s.sentences[best.saturating_sub(2)].start;
        let hi = s.sentences[(best + 2).min(s.sentences.len() - 1)].end;
        let swords = &s.words[lo..hi];
        let Some(ops) = align_words(qwords, swords, &related) else {
            continue;
        };
        let mut found = 0.0;
        let (mut qi, mut si) = (0usize, 0usize);
        let (mut first_s, mut last_s) = (None, None);
        let mut subs = Vec::new();
        let mut run: Option<(usize, usize, usize, usize)> = None; // q range, s range (word indexes)
        let flush = |run: &mut Option<(usize, usize, usize, usize)>,
                     subs: &mut Vec<Substitution>| {
            if let Some((qa, qb, sa, sb)) = run.take() {
                let qspan = words_span(qwords, qa, qb);
                let sspan = words_span(swords, sa, sb);
                subs.push(Substitution {
                    query_text: query[qspan.clone()].to_string(),
                    source_text: source[sspan.clone()].to_string(),
                    query: qspan.into(),
                    source: sspan.into(),
                });
            }
        };
        for op in &ops {
            if *op == Op::Skip {
                si += 1;
                continue;
            }
            match op {
                Op::Equal => {
                    flush(&mut run, &mut subs);
                    found += weight(&qwords[qi]);
                }
                Op::Skip => {}
                Op::Synonym | Op::Sub | Op::Ins | Op::Del => {
                    if *op == Op::Synonym {
                        found += weight(&qwords[qi]) * SYNONYM_WEIGHT;
                    }
                    let r = run.get_or_insert((qi, qi, si, si));
                    if !matches!(op, Op::Del) {
                        r.1 = qi + 1;
                    }
                    if !matches!(op, Op::Ins) {
                        r.3 = si + 1;
                    }
                }
            }
            if !matches!(op, Op::Ins) {
                if first_s.is_none() {
                    first_s = Some(si);
                }
                last_s = Some(si);
                si += 1;
            }
            if !matches!(op, Op::Del) {
                qi += 1;
            }
        }
        flush(&mut run, &mut subs);
        let similarity = found / qweight;
        let (Some(mut fs), Some(mut ls)) = (first_s, last_s) else {
            continue;
        };
        // The free end gaps let a trailing "from the United States" → "from america" align as
        // "the" → "america" and drop the rest; a few source words left before the start or after
        // the end of the source sentence belong to the pair (a longer remainder is more likely a
        // part of the source that the query split off into its own sentence).
        const EXTEND_MAX: usize = 3;
        let sentence_of = |w: usize| s.sentences.partition_point(|r| r.end <= lo + w);
        let send = s.sentences[sentence_of(ls)].end - lo;
        if send > ls + 1 && send - (ls + 1) <= EXTEND_MAX {
            let extra = swords[ls + 1].span.start..swords[send - 1].span.end;
            let qend = qwords[qwords.len() - 1].span.end;
            match subs.last_mut() {
                Some(last) if last.source.end == swords[ls].span.end && last.query.end == qend => {
                    last.source.end = extra.end;
                    last.source_text = source[last.source.start..last.source.end].to_string();
                }
                _ => subs.push(Substitution {
                    query: (qend..qend).into(),
                    query_text: String::new(),
                    source: extra.clone().into(),
                    source_text: source[extra].to_string(),
                }),
            }
            ls = send - 1;
        }
        let sstart = s.sentences[sentence_of(fs)].start - lo;
        if fs > sstart && fs - sstart <= EXTEND_MAX && sstart <= fs {
            let extra = swords[sstart].span.start..swords[fs - 1].span.end;
            let qstart = qwords[0].span.start;
            match subs.first_mut() {
                Some(first)
                    if first.source.start == swords[fs].span.start
                        && first.query.start == qstart =>
                {
                    first.source.start = extra.start;
                    first.source_text = source[first.source.start..first.source.end].to_string();
                }
                _ => subs.insert(
                    0,
                    Substitution {
                        query: (qstart..qstart).into(),
                        query_text: String::new(),
                        source: extra.clone().into(),
                        source_text: source[extra].to_string(),
                    },
                ),
            }
            fs = sstart;
        }
        if similarity < PAIR_MIN_SIMILARITY {
            continue;
        }
        found_weight += found;
        covered_words += qwords.len();
        source_covered[lo + fs..=lo + ls].fill(true);
        pairs.push(SentencePair {
            query: (qwords[0].span.start..qwords[qwords.len() - 1].span.end).into(),
            source: (swords[fs].span.start..swords[ls].span.end).into(),
            similarity,
            substitutions: subs,
        });
    }
    let nq = q.words.len().max(1);
    Alignment {
        pairs,
        coverage: covered_words as f64 / nq as f64,
        source_coverage: source_covered.iter().filter(|&&c| c).count() as f64
            / s.words.len().max(1) as f64,
        score: if total_weight > 0.0 {
            found_weight / total_weight
        } else {
            0.0
        },
    }
}

/// Edit-distance alignment of query words against source words with free leading and trailing
/// source words. `None` when the sentences are too long to align cheaply.
fn align_words(q: &[Word], s: &[Word], related: &dyn Fn(u64, u64) -> bool) -> Option<Vec<Op>> {
    const SYN_COST: f32 = 0.2;
    const SUB_COST: f32 = 1.0;
    const GAP_COST: f32 = 1.0;
    // A query word without a source word: slightly cheaper than a substitution, so that a word
    // the spinner added at the edge of a sentence is not paired with a word of the neighbouring
    // source sentence (inside a sentence a substitution, 1, still beats an insertion plus a
    // deletion, 1.95).
    const INS_COST: f32 = 0.95;
    let (n, m) = (q.len(), s.len());
    if n == 0 || m == 0 || n * m > 2_000_000 {
        return None;
    }
    let w = m + 1;
    let mut d = vec![0f32; (n + 1) * w];
    for i in 1..=n {
        d[i * w] = i as f32 * INS_COST;
    }
    // d[0][j] = 0: source words before the aligned part are free.
    for i in 1..=n {
        for j in 1..=m {
            let diag = if q[i - 1].key == s[j - 1].key {
                0.0
            } else if related(q[i - 1].key, s[j - 1].key) {
                SYN_COST
            } else {
                SUB_COST
            };
            let a = d[(i - 1) * w + j - 1] + diag;
            let b = d[(i - 1) * w + j] + INS_COST;
            let c = d[i * w + j - 1] + GAP_COST;
            d[i * w + j] = a.min(b).min(c);
        }
    }
    // Source words after the aligned part are free too.
    let mut j = (0..=m)
        .min_by(|&a, &b| d[n * w + a].total_cmp(&d[n * w + b]).then(b.cmp(&a)))
        .unwrap_or(m);
    let mut i = n;
    let mut ops = Vec::with_capacity(n + m);
    while i > 0 {
        if j == 0 {
            ops.push(Op::Ins);
            i -= 1;
            continue;
        }
        let here = d[i * w + j];
        let (eq, rel) = (
            q[i - 1].key == s[j - 1].key,
            related(q[i - 1].key, s[j - 1].key),
        );
        let diag = if eq {
            0.0
        } else if rel {
            SYN_COST
        } else {
            SUB_COST
        };
        if (d[(i - 1) * w + j - 1] + diag - here).abs() < 1e-4 {
            ops.push(if eq {
                Op::Equal
            } else if rel {
                Op::Synonym
            } else {
                Op::Sub
            });
            i -= 1;
            j -= 1;
        } else if (d[(i - 1) * w + j] + INS_COST - here).abs() < 1e-4 {
            ops.push(Op::Ins);
            i -= 1;
        } else {
            ops.push(Op::Del);
            j -= 1;
        }
    }
    ops.reverse();
    // Deletions at the ends are source words outside the aligned part; the walk ended at source
    // column j, so the first j source words precede it.
    while ops.last() == Some(&Op::Del) {
        ops.pop();
    }
    for op in ops.iter_mut() {
        if *op != Op::Del {
            break;
        }
        *op = Op::Skip;
    }
    let mut v = Vec::with_capacity(ops.len() + j);
    v.extend(std::iter::repeat_n(Op::Skip, j));
    v.extend(ops);
    Some(v)
}
