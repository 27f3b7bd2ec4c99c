//! The noisy-channel decoder: finds spans whose most probable original differs from the text.

use crate::finding::Finding;
use crate::token::Token;

/// Decodes a document against a language model and a channel.
#[derive(Debug, Default)]
pub struct Decoder {}

impl Decoder {
    pub fn find(&self, _text: &str, _tokens: &[Token]) -> Vec<Finding> {
        Vec::new()
    }
}
