//! The configuration file: `unspin.toml` (or `.unspin.toml`), or a `[tool.unspin]` table in
//! `pyproject.toml`, found by walking up from the current directory, or named with `--config`.
//!
//! ```toml
//! rules = ["rules/tortured.csv"]   # rule packs, relative to this file
//! min-confidence = 0.6
//! model = "models/enwiki.lm"      # a language model file, relative to this file (or "default")
//! allow = ["as well as"]           # phrases never reported
//! fast = true
//! jsonl-field = "text"
//! max-size = 1073741824
//! ```
//! Command-line flags override the file: `--rules` replaces its `rules`, `--min-confidence` its
//! threshold, `--fast`/`--no-fast` its `fast`, `--model` (or `UNSPIN_MODEL`) its `model`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rule pack files; relative paths are relative to the config file.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    #[serde(alias = "min_confidence")]
    pub min_confidence: Option<f32>,
    /// Phrases never reported (compared case-insensitively).
    #[serde(default)]
    pub allow: Vec<String>,
    pub fast: Option<bool>,
    /// Language model file; relative paths are relative to the config file; `default` is the
    /// embedded model.
    pub model: Option<PathBuf>,
    #[serde(alias = "jsonl_field")]
    pub jsonl_field: Option<String>,
    #[serde(alias = "max_size")]
    pub max_size: Option<u64>,
    /// Where this configuration was read from (not a key of the file).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyTool>,
}

#[derive(Deserialize)]
struct PyTool {
    unspin: Option<toml::Value>,
}

const NAMES: [&str; 2] = ["unspin.toml", ".unspin.toml"];

/// Load `explicit`, or else the first configuration found upward from `start`; `Ok(None)` when
/// there is none.
pub fn load(explicit: Option<&Path>, start: &Path) -> anyhow::Result<Option<Config>> {
    if let Some(path) = explicit {
        let cfg = read(path)?.with_context(|| {
            format!(
                "{}: no [tool.unspin] table in this pyproject.toml",
                path.display()
            )
        })?;
        return Ok(Some(cfg));
    }
    for dir in start.ancestors() {
        for name in NAMES {
            let path = dir.join(name);
            if path.is_file() {
                return read(&path);
            }
        }
        let py = dir.join("pyproject.toml");
        if py.is_file() {
            if let Some(cfg) = read(&py)? {
                return Ok(Some(cfg));
            }
        }
    }
    Ok(None)
}

/// Read one file; `Ok(None)` for a pyproject.toml without a `[tool.unspin]` table.
pub fn read(path: &Path) -> anyhow::Result<Option<Config>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let mut cfg: Config = if is_pyproject {
        let py: PyProject = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))?;
        let Some(table) = py.tool.and_then(|t| t.unspin) else {
            return Ok(None);
        };
        table
            .try_into()
            .map_err(|e| parse_error(path, &text, e, Some("tool.unspin")))?
    } else {
        toml::from_str(&text).map_err(|e| parse_error(path, &text, e, None))?
    };
    // Allowed phrases are compared with findings' normalized text: words joined by one space
    // ("  Bosom   Peril " is "bosom peril"; case is ignored when comparing).
    for a in &mut cfg.allow {
        let words: Vec<&str> = a.split_whitespace().collect();
        if words.is_empty() {
            anyhow::bail!("{}: allow: an empty phrase", path.display());
        }
        *a = words.join(" ");
    }
    if let Some(c) = cfg.min_confidence {
        if !(0.0..=1.0).contains(&c) {
            anyhow::bail!(
                "{}: min-confidence must be between 0 and 1, not {c}",
                path.display()
            );
        }
    }
    let base = path.parent().unwrap_or(Path::new("."));
    for rule in &mut cfg.rules {
        if rule.is_relative() {
            *rule = base.join(&*rule);
        }
    }
    if let Some(model) = &mut cfg.model {
        if model.is_relative() && model.as_os_str() != crate::cmd::EMBEDDED_MODEL_NAME {
            *model = base.join(&*model);
        }
    }
    cfg.source = Some(path.to_path_buf());
    Ok(Some(cfg))
}

/// A configuration that does not parse, named by its file (and table): a duplicate key at its
/// own line, anything else in the TOML parser's words.
fn parse_error(path: &Path, text: &str, e: toml::de::Error, table: Option<&str>) -> anyhow::Error {
    let what = duplicate_key(text, e.message(), table)
        .unwrap_or_else(|| e.to_string().trim_end().to_string());
    let at = table.map(|t| format!(" [{t}]:")).unwrap_or_default();
    anyhow::anyhow!("{}:{at} {what}", path.display())
}

/// Where a key is set twice under two spellings (`min-confidence` and its alias
/// `min_confidence`), the parser's error points at the whole table; name the second key's line
/// instead. `message` is the parser's (`duplicate field `min-confidence``); `table` is the
/// `[table]` the settings are in (`None`: the top level).
fn duplicate_key(text: &str, message: &str, table: Option<&str>) -> Option<String> {
    let field = message
        .strip_prefix("duplicate field `")?
        .split('`')
        .next()?
        .to_string();
    let spellings = [field.replace('_', "-"), field.replace('-', "_")];
    let mut current: Option<String> = None;
    let mut seen: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            current = Some(t.trim_matches(|c| c == '[' || c == ']').trim().to_string());
            continue;
        }
        if current.as_deref() != table {
            continue;
        }
        let Some((key, _)) = t.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        if spellings.iter().any(|s| s == key) {
            seen.push((i + 1, key.to_string()));
        }
    }
    let [(first_line, first), (line, key), ..] = seen.as_slice() else {
        return None;
    };
    let same = if first == key {
        String::new()
    } else {
        format!(" (`{first}` and `{key}` are one setting)")
    };
    Some(format!(
        "line {line}: duplicate key `{key}`: already set on line {first_line} by `{first}`{same}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_pyproject_upward_and_resolves_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n\n[tool.unspin]\nrules = [\"r.toml\"]\nmodel = \"m/wiki.lm\"\nmin-confidence = 0.8\nallow = [\"as well as\"]\n",
        )
        .unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        let cfg = load(None, &sub).unwrap().unwrap();
        assert_eq!(cfg.rules, [dir.path().join("r.toml")]);
        assert_eq!(cfg.model, Some(dir.path().join("m/wiki.lm")));
        assert_eq!(cfg.min_confidence, Some(0.8));
        assert_eq!(cfg.allow, ["as well as"]);
    }

    #[test]
    fn unspin_toml_wins_and_unknown_keys_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("unspin.toml"),
            "fast = true\nmin_confidence = 0.7\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.unspin]\nfast = false\n",
        )
        .unwrap();
        let cfg = load(None, dir.path()).unwrap().unwrap();
        assert_eq!(cfg.fast, Some(true));
        assert_eq!(cfg.min_confidence, Some(0.7));
        std::fs::write(
            dir.path().join("unspin.toml"),
            "fast = true\n\nthreshold = 3\n",
        )
        .unwrap();
        let err = load(None, dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("unspin.toml") && err.contains("line 3") && err.contains("threshold"),
            "{err}"
        );
    }

    #[test]
    fn pyproject_without_table_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n",
        )
        .unwrap();
        // Search continues upward past it (and may find nothing).
        let found = load(None, dir.path()).unwrap();
        assert!(found.is_none_or(|c| c.source.unwrap() != dir.path().join("pyproject.toml")));
        assert!(load(Some(&dir.path().join("pyproject.toml")), dir.path()).is_err());
    }

    /// A setting given under both spellings is reported at the second one, not at line 1.
    #[test]
    fn duplicate_key_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unspin.toml");
        std::fs::write(
            &path,
            "rules = [\"mine.toml\"]\nmin-confidence = 0.85\nallow = [\"x\"]\nmin_confidence = 0.5\n",
        )
        .unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.contains("line 4: duplicate key `min_confidence`: already set on line 2"),
            "{err}"
        );
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n[tool.unspin]\nmax-size = 1\nmax_size = 2\n",
        )
        .unwrap();
        let err = read(&dir.path().join("pyproject.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 5: duplicate key `max_size`"), "{err}");
    }

    /// Allowed phrases are normalized as findings' text is: spaces collapsed, ends trimmed.
    #[test]
    fn allow_entries_are_normalized() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unspin.toml");
        std::fs::write(&path, "allow = [\"  Bosom   Peril \"]\n").unwrap();
        let cfg = read(&path).unwrap().unwrap();
        assert_eq!(cfg.allow, ["Bosom Peril"]);
        std::fs::write(&path, "allow = [\"  \"]\n").unwrap();
        assert!(read(&path).unwrap_err().to_string().contains("empty"));
    }
}
