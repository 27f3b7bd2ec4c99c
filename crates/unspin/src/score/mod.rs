//! The document score: a probability that the whole text was spun.

use crate::finding::{Finding, Verdict};

/// Thresholds on the document score.
pub const SPUN_AT: f32 = 0.7;
pub const CLEAN_BELOW: f32 = 0.3;

/// Score a document from its findings and its length in words.
pub fn document_score(findings: &[Finding], words: usize) -> (f32, Verdict) {
    let mass: f32 = findings.iter().map(|f| f.confidence).sum();
    let per_k = mass * 1000.0 / (words.max(50) as f32);
    // Logistic on confident findings per 1,000 words; 3 per 1,000 words is even odds.
    let score = 1.0 / (1.0 + (-(per_k - 3.0) * 1.2).exp());
    (score, verdict(score))
}

pub fn verdict(score: f32) -> Verdict {
    if score >= SPUN_AT {
        Verdict::Spun
    } else if score < CLEAN_BELOW {
        Verdict::Clean
    } else {
        Verdict::Uncertain
    }
}
