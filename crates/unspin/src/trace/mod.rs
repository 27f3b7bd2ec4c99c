//! Source tracing: fingerprints that survive spinning, an on-disk index, and alignment.
//!
//! Tracing runs in two stages. [`Index::candidates`] looks the query's sampled fingerprints
//! ([`features`]) up in the index and ranks the documents that share them by summed inverse
//! document frequency; the best few are then aligned with the query sentence by sentence
//! ([`align::align`]), which gives the final score, the share of the query covered, the sentence
//! pairs and the substitutions. A found source also gives the best restoration
//! ([`restore_from_source`]).

pub mod align;
pub mod features;
pub mod store;

use std::collections::HashMap;

use serde::Serialize;

pub use align::{align, Alignment, SentencePair, Span, Substitution};
pub use features::{Canon, Params};
pub use store::{Added, DocNo, Index, IndexWriter, Manifest};

use crate::error::Result;

/// A source candidate for a query, with its alignment.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    pub id: String,
    /// Weighted share of the query's words found in this source (see [`Alignment::score`]).
    pub score: f64,
    /// Share of the query's words in sentences paired with this source.
    pub coverage: f64,
    /// Share of the source's words in the parts paired with the query.
    pub source_coverage: f64,
    /// Other ids under which the index holds the very same text (one article added twice, under
    /// two paths or ids): reported with this match rather than as matches of their own, which
    /// would repeat it and push other sources out of the top ones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_indexed_as: Vec<String>,
    #[serde(skip)]
    pub doc: DocNo,
    #[serde(skip)]
    pub alignment: Alignment,
}

#[derive(Debug, Clone)]
pub struct TraceOptions {
    /// Matches to return.
    pub top: usize,
    /// Candidates from the fingerprint stage that are aligned (at least `top`).
    pub candidates: usize,
    /// Matches scoring below this are dropped, unless they reach `min_source_coverage`.
    pub min_score: f64,
    /// A match holding at least this share of its source is kept whatever its score: a whole
    /// article copied into a long page is a small share of the page, yet certainly its source.
    pub min_source_coverage: f64,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            top: 5,
            candidates: 10,
            min_score: 0.1,
            min_source_coverage: 0.5,
        }
    }
}

/// Find the sources of `text` in `index`, best first.
pub fn trace(index: &Index, text: &str, opts: &TraceOptions) -> Result<Vec<Match>> {
    let cands = index.candidates(text, opts.candidates.max(opts.top))?;
    let mut found = Vec::with_capacity(cands.len());
    let aligner = align::Aligner::new(text);
    for (doc, _) in cands {
        let source = index.text(doc)?;
        let alignment = aligner.align(&source);
        if alignment.score < opts.min_score && alignment.source_coverage < opts.min_source_coverage
        {
            continue;
        }
        let text_hash = twox_hash::XxHash3_64::oneshot(source.as_bytes());
        let m = Match {
            id: index.id(doc).unwrap_or_default().to_string(),
            score: alignment.score,
            coverage: alignment.coverage,
            source_coverage: alignment.source_coverage,
            also_indexed_as: Vec::new(),
            doc,
            alignment,
        };
        found.push((m, text_hash));
    }
    found.sort_by(|(a, _), (b, _)| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    // The same text under several ids aligns the same: one match, naming the other ids.
    let mut out: Vec<Match> = Vec::with_capacity(found.len());
    let mut by_text: HashMap<u64, usize> = HashMap::new();
    for (m, text_hash) in found {
        match by_text.get(&text_hash) {
            Some(&first) => out[first].also_indexed_as.push(m.id),
            None => {
                by_text.insert(text_hash, out.len());
                out.push(m);
            }
        }
    }
    out.truncate(opts.top);
    Ok(out)
}

/// A paired sentence is restored from the source when its similarity reaches this.
pub const RESTORE_MIN_SIMILARITY: f64 = 0.6;

/// Longest stretch of source dropped between two restored sentences that is put back.
const MAX_DROPPED_BYTES: usize = 600;

/// Restore `query` from its aligned `source`: every query sentence paired with the source (with
/// similarity at least `min_similarity`) takes the source's wording for the part they share, which
/// puts back each substituted word and undoes inserted and dropped ones (and a short stretch of
/// source the copy dropped between two restored sentences is put back); every other stretch of
/// the query, given by its byte range, goes through `fallback` (the engine's own restoration of
/// that stretch: read off the whole query, so that the document's evidence counts there too).
pub fn restore_from_source(
    query: &str,
    source: &str,
    alignment: &Alignment,
    min_similarity: f64,
    mut fallback: impl FnMut(std::ops::Range<usize>) -> String,
) -> String {
    let mut pairs: Vec<&SentencePair> = alignment
        .pairs
        .iter()
        .filter(|p| p.similarity >= min_similarity)
        .collect();
    pairs.sort_by_key(|p| p.query.start);
    let mut out = String::with_capacity(query.len());
    let mut cursor = 0;
    let mut pass = |out: &mut String, range: std::ops::Range<usize>| {
        let text = &query[range.clone()];
        if text.chars().any(|c| c.is_alphanumeric()) {
            out.push_str(&fallback(range));
        } else {
            out.push_str(text);
        }
    };
    let mut prev_source_end: Option<usize> = None;
    for p in pairs {
        if p.query.start < cursor {
            continue;
        }
        let gap = &query[cursor..p.query.start];
        match prev_source_end {
            // Two restored sentences with nothing but spacing between them in the query, and a
            // short stretch of source between them: the copy dropped it; the source puts it back.
            Some(e)
                if e <= p.source.start
                    && p.source.start - e <= MAX_DROPPED_BYTES
                    && !gap.chars().any(|c| c.is_alphanumeric()) =>
            {
                out.push_str(&source[e..p.source.start])
            }
            _ => pass(&mut out, cursor..p.query.start),
        }
        out.push_str(&source[p.source.start..p.source.end]);
        cursor = p.query.end;
        prev_source_end = Some(p.source.end);
    }
    pass(&mut out, cursor..query.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_finds_substitutions_and_restores() {
        let source = "The big picture: The Kremlin last week said that Russia would continue to wage its war in Ukraine. Other text follows here about something else entirely.";
        let query = "The picture as a whole: The Kremlin the other day said that Russia would continue steadily to wage its war in Ukraine.";
        let a = align(query, source);
        assert_eq!(a.pairs.len(), 1, "{a:#?}");
        assert!(a.coverage > 0.9);
        let subs: Vec<(&str, &str)> = a.pairs[0]
            .substitutions
            .iter()
            .map(|s| (s.query_text.as_str(), s.source_text.as_str()))
            .collect();
        assert!(subs.contains(&("the other day", "last week")), "{subs:?}");
        for s in &a.pairs[0].substitutions {
            assert_eq!(&query[s.query.start..s.query.end], s.query_text);
            assert_eq!(&source[s.source.start..s.source.end], s.source_text);
        }
        let restored = restore_from_source(query, source, &a, 0.5, |r| query[r].to_string());
        assert_eq!(
            restored,
            "The big picture: The Kremlin last week said that Russia would continue to wage its war in Ukraine."
        );
    }

    /// `coverage` is the query's share, `source_coverage` the source's: a copy of one of two
    /// paragraphs covers all of itself and about half of its source; the whole source inside a
    /// page twice its size, the other way round.
    #[test]
    fn coverage_of_the_query_and_of_the_source() {
        let first = "The Kremlin said on Monday that Russia would keep its troops in Belarus. \
                     Officials in Minsk declined to comment on the report.";
        let second = "The Ukrainian army said it had repelled eleven attacks near Bakhmut. \
                      Fighting continued through the night, according to the governor.";
        let source = format!("{first}\n\n{second}");
        let part = align(first, &source);
        assert_eq!(part.coverage, 1.0);
        assert!((0.4..0.6).contains(&part.source_coverage), "{part:#?}");
        let page = format!(
            "{source}\n\nSubscribe to our newsletter for daily deals on garden furniture. \
             Our editors picked the best barbecue grills of the summer for every budget."
        );
        let whole = align(&page, &source);
        assert_eq!(whole.source_coverage, 1.0, "{whole:#?}");
        assert!(whole.coverage < 0.7, "{whole:#?}");
    }
}
