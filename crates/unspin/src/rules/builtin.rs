//! The built-in pack: general spinner and tortured-phrase fingerprints, written for this project
//! from general knowledge of how synonym spinners mangle fixed terms (each rule with examples).
//! The pack lives in `crates/unspin/rules/builtin.toml`; see [`super::pack`] for the format.

/// The built-in pack's TOML text.
pub const BUILTIN_TOML: &str = include_str!("../../rules/builtin.toml");
