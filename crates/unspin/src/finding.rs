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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// Probability that the span is spun and `suggestion` is the original, in [0, 1].
    pub confidence: f32,
    /// Which detector found it: a rule id (`pps:...`, `builtin:...`, `user:...`) or `channel`.
    pub rule: String,
    pub message: String,
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
}

/// Sort findings and drop any that overlap an earlier, more confident one.
pub fn resolve_overlaps(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        b.confidence
            .partial_cmp(&a.confidence)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        if kept.iter().all(|k| f.end <= k.start || f.start >= k.end) {
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
