//! Rule packs: tables of known tortured phrases and their originals, matched without a model.

use crate::finding::Finding;
use crate::token::Token;

/// A compiled set of phrase rules.
#[derive(Debug, Default)]
pub struct RuleSet {}

impl RuleSet {
    /// A rule set with no rules.
    pub fn empty() -> Self {
        RuleSet {}
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        0
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All rule matches in `text` (tokenized as `tokens`).
    pub fn find(&self, _text: &str, _tokens: &[Token]) -> Vec<Finding> {
        Vec::new()
    }
}
