//! unspin: find machine-spun text, restore the original wording, trace it to its source.
//!
//! The library does no printing and never exits the process. The data path is
//! bytes → [`text`] (plain text + offset map) → [`token`] (words with UTF-8 byte spans) →
//! detectors ([`rules`] phrase tables, the noisy-channel [`decode`]r over [`lm`] × [`channel`]) →
//! [`Finding`]s → a document [`Report`] with a calibrated [`score`].
//!
//! All offsets are UTF-8 byte offsets, half-open, into the text as given.

pub mod cache;
pub mod channel;
pub mod decode;
pub mod engine;
pub mod error;
pub mod finding;
pub mod homoglyph;
pub mod keys;
pub mod language;
pub mod lexicon;
pub mod lm;
pub mod names;
pub mod rules;
pub mod score;
pub mod synth;
pub mod text;
pub mod token;
pub mod trace;

#[cfg(test)]
mod test_rng;

pub use engine::{Engine, EngineOptions};
pub use error::{Error, Result};
pub use finding::{Finding, Report, Verdict};
pub use token::{tokenize, Token, TokenKind};
