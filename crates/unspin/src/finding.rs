//! What the detectors report: spans with a suggestion, and a document verdict.

use serde::{Deserialize, Serialize};

/// One suspicious span. Offsets are UTF-8 byte offsets, half-open, into the checked text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    /// The spun text as it appears in the input.
    pub text: String,
    /// The most probable original wording (case adapted to the input).
    pub suggestion: String,
    // Always written, empty or not, so that every client finds the same fields (CLI, server, Python).
    #[serde(default)]
    pub alternatives: Vec<String>,
    /// Probability that the span is spun and `suggestion` is the original, in [0, 1].
    pub confidence: f32,
    /// Which detector found it: a list rule id (`pps:...`, `tpe:...`, `builtin:...`, `user:...`) or one
    /// of the engine's detectors (`channel`, `names`, `collocation`, `key`, `homoglyph`).
    pub rule: String,
    pub message: String,
}

impl Finding {
    /// Whether the finding proposes an original: a list rule whose original is unknown (a
    /// screener query without an expected wording, where the engine found none) gives the text
    /// itself as its suggestion, and outputs must not present that as "probably …".
    pub fn knows_original(&self) -> bool {
        let words = |s: &str| {
            s.split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        };
        words(&self.suggestion) != words(&self.text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Spun,
    Uncertain,
    Clean,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Spun => "spun",
            Verdict::Uncertain => "uncertain",
            Verdict::Clean => "clean",
        }
    }
}

/// The result of checking one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Calibrated probability that the document was machine-spun.
    pub score: f32,
    pub verdict: Verdict,
    /// Findings sorted by start offset, non-overlapping.
    pub findings: Vec<Finding>,
    /// Number of word tokens checked (for rates such as findings per 10,000 words).
    pub words: usize,
    /// The ISO 639-3 code of the language the document is written in, when it is clearly not
    /// English (`crate::language`): its score is then no judgement, and the English detectors
    /// did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// Sort findings and drop any that overlap an earlier, more confident one.
pub fn resolve_overlaps(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        b.confidence
            .partial_cmp(&a.confidence)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.start.cmp(&b.start))
    });
    // Kept spans by (start, end). They never overlap one another, so in that order their ends
    // never decrease either: of the kept spans that start before a new finding ends, the last
    // reaches furthest, and the finding overlaps one of them iff it overlaps that one (a scan of
    // every kept span made long texts with many findings quadratic).
    let mut spans: std::collections::BTreeSet<(usize, usize)> = std::collections::BTreeSet::new();
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        let overlaps = spans
            .range(..(f.end, 0))
            .next_back()
            .is_some_and(|&(_, end)| end > f.start);
        if !overlaps {
            spans.insert((f.start, f.end));
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| (f.start, f.end));
    kept
}

/// Apply findings to `text`, replacing each span by its suggestion.
pub fn apply(text: &str, findings: &[Finding]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for f in findings {
        if f.start < last || f.end > text.len() {
            continue;
        }
        out.push_str(&text[last..f.start]);
        out.push_str(&f.suggestion);
        last = f.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(start: usize, end: usize, confidence: f32) -> Finding {
        Finding {
            start,
            end,
            text: String::new(),
            suggestion: String::new(),
            alternatives: Vec::new(),
            confidence,
            rule: "test".into(),
            message: String::new(),
        }
    }

    /// The definition: most confident first, a finding kept unless it overlaps one kept before.
    fn resolve_naively(mut findings: Vec<Finding>) -> Vec<Finding> {
        findings.sort_by(|a, b| {
            b.confidence
                .partial_cmp(&a.confidence)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.start.cmp(&b.start))
        });
        let mut kept: Vec<Finding> = Vec::new();
        for f in findings {
            if kept.iter().all(|k| f.end <= k.start || f.start >= k.end) {
                kept.push(f);
            }
        }
        kept.sort_by_key(|f| (f.start, f.end));
        kept
    }

    #[test]
    fn overlaps_resolve_as_the_definition_says() {
        // Dense random spans, empty ones and ties included (a fixed linear congruential sequence).
        let mut x: u64 = 7;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % n
        };
        for _ in 0..200 {
            let findings: Vec<Finding> = (0..40)
                .map(|_| {
                    let start = next(60) as usize;
                    let end = start + next(6) as usize;
                    finding(start, end, next(5) as f32 / 4.0)
                })
                .collect();
            assert_eq!(
                resolve_overlaps(findings.clone()),
                resolve_naively(findings)
            );
        }
    }
}
