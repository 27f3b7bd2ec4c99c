//! One module per subcommand; each owns its `Args` and `run`.

pub mod check;
pub mod eval;
pub mod gazetteer;
pub mod index;
pub mod model;
pub mod restore;
pub mod scan;
pub mod serve;
pub mod trace;

use std::path::PathBuf;

use unspin::{Engine, EngineOptions};

use crate::config::Config;
use crate::input::{InputFormat, ReadOptions};

/// Options that choose how the engine is built; shared by check, restore, scan and serve.
#[derive(clap::Args, Debug, Clone)]
pub struct EngineArgs {
    /// Rule pack files (CSV, JSON or TOML); repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Language model file, or `default` for the embedded model. Unset: the configuration
    /// file's `model` (check, restore, scan), else the embedded model.
    #[arg(long, value_name = "FILE", env = MODEL_ENV)]
    pub model: Option<PathBuf>,
    /// Rule packs only, no language model: much faster, finds only known phrases.
    #[arg(long)]
    pub fast: bool,
    /// Report findings with at least this confidence (default 0.5). The document score counts
    /// the findings of 0.5 or more whatever this is: it picks what is shown, not the verdict.
    #[arg(long, value_name = "X")]
    pub min_confidence: Option<f32>,
    /// Gazetteer of known names (from `unspin gazetteer`) for the broken-name check
    /// (default: WordNet's names, embedded).
    #[arg(long, value_name = "FILE")]
    pub gazetteer: Option<PathBuf>,
}

impl EngineArgs {
    pub fn build(&self) -> anyhow::Result<Engine> {
        let mut options = EngineOptions {
            fast: self.fast,
            ..EngineOptions::default()
        };
        if let Some(c) = self.min_confidence {
            if !(0.0..=1.0).contains(&c) {
                anyhow::bail!("--min-confidence must be between 0 and 1, not {c}");
            }
            options.min_confidence = c;
        }
        // The built-in pack plus every `--rules` file; a file with an error stops the run with
        // a message naming the file and line.
        Ok(Engine::standard(
            &self.rules,
            self.language_model()?,
            self.model_file().is_some(),
            self.gazetteer()?,
            options,
        )?)
    }

    /// The gazetteer `--gazetteer` names, or the embedded one.
    pub fn gazetteer(&self) -> anyhow::Result<unspin::names::SharedGazetteer> {
        use unspin::names::{Gazetteer, SharedGazetteer};
        Ok(match &self.gazetteer {
            Some(path) => SharedGazetteer::Loaded(std::sync::Arc::new(Gazetteer::open(path)?)),
            None => SharedGazetteer::Embedded,
        })
    }

    /// The language model of `--model FILE` or the embedded default model; none with `--fast`
    /// (rule packs only), so a fast run does not even open a model.
    fn language_model(
        &self,
    ) -> anyhow::Result<Option<std::sync::Arc<dyn unspin::lm::LanguageModel>>> {
        if self.fast {
            return Ok(None);
        }
        Ok(Some(match self.model_file() {
            Some(path) => std::sync::Arc::new(
                unspin::lm::Model::open(path)
                    .map_err(|e| anyhow::anyhow!("{e}{}", self.model_origin()))?,
            ),
            None => unspin::lm::try_default_model()?,
        }))
    }

    /// The model file to open; `None` for the embedded model (no `--model`, or `default`).
    pub fn model_file(&self) -> Option<&std::path::Path> {
        self.model
            .as_deref()
            .filter(|p| p.as_os_str() != EMBEDDED_MODEL_NAME)
    }

    /// Where the model setting came from, for error messages: a stale `UNSPIN_MODEL` in a
    /// shell profile should not read like a typo on the command line.
    fn model_origin(&self) -> &'static str {
        let env = std::env::var_os(MODEL_ENV);
        if env.is_some() && env.as_deref() == self.model.as_deref().map(|p| p.as_os_str()) {
            " (the language model named by $UNSPIN_MODEL)"
        } else {
            ""
        }
    }
}

/// How inputs are read; shared by check, restore and trace.
#[derive(clap::Args, Debug, Clone)]
pub struct ReadArgs {
    /// How to read inputs (auto: by extension, and a page without one by its first bytes;
    /// .gz/.zst are decompressed).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Read this string field of each JSONL record (implies JSONL input) [default: text].
    #[arg(long, value_name = "FIELD")]
    pub jsonl_field: Option<String>,
    /// Skip documents larger than this (bytes as read, after decompression; K/M/G suffixes):
    /// a plain-text or markup file, or each record of a JSONL file. Plain text is streamed and
    /// has no limit by default (256M for `trace` and `index add`, which hold a document whole);
    /// HTML/Markdown are parsed whole and JSONL records read whole, both 256M by default.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,
    /// Read inputs in this encoding instead of UTF-8 (a WHATWG label: windows-1252, latin1,
    /// shift_jis, utf-16le...), over any byte-order mark. Offsets are then into the text
    /// decoded to UTF-8, and `restore` writes each input back in its encoding. An HTML page
    /// that is not UTF-8 is read in the encoding it declares without it.
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

impl ReadArgs {
    /// The reader's options: the flags, else the configuration file's keys. `--jsonl-field`
    /// implies JSONL input; the file's `jsonl-field` only names the field of inputs read as JSONL
    /// (a project's settings also apply to its plain-text files).
    pub fn options(&self, cfg: &Config) -> ReadOptions {
        let format = match (self.input_format, &self.jsonl_field) {
            (InputFormat::Auto, Some(_)) => InputFormat::Jsonl,
            (f, _) => f,
        };
        ReadOptions {
            format,
            jsonl_field: self
                .jsonl_field
                .clone()
                .or_else(|| cfg.jsonl_field.clone())
                .unwrap_or_else(|| "text".into()),
            max_size: self.max_size.or(cfg.max_size),
            encoding: self.encoding,
            ..ReadOptions::default()
        }
    }
}

/// The configuration file; shared by check, restore and trace.
#[derive(clap::Args, Debug, Clone)]
pub struct ConfigArgs {
    /// Configuration file (default: unspin.toml, .unspin.toml or pyproject.toml [tool.unspin],
    /// searched upward from the current directory).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long)]
    pub no_config: bool,
}

impl ConfigArgs {
    /// The configuration in effect (an empty one with `--no-config` or when none is found).
    pub fn load(&self) -> anyhow::Result<Config> {
        Ok(if self.no_config {
            None
        } else {
            crate::config::load(self.config.as_deref(), &std::env::current_dir()?)?
        }
        .unwrap_or_default())
    }

    /// The engine of `engine`'s flags, the configuration filling in what they leave unset
    /// (flags override the file; `no_fast` overrides its `fast = true`), with the file's
    /// allow-list.
    pub fn build_engine(
        engine: &mut EngineArgs,
        cfg: &Config,
        no_fast: bool,
    ) -> anyhow::Result<Engine> {
        if engine.rules.is_empty() {
            engine.rules = cfg.rules.clone();
        }
        if engine.min_confidence.is_none() {
            engine.min_confidence = cfg.min_confidence;
        }
        if engine.model.is_none() {
            engine.model = cfg.model.clone();
        }
        if !engine.fast && !no_fast {
            engine.fast = cfg.fast.unwrap_or(false);
        }
        let mut built = engine.build()?;
        built.options.allow.extend(cfg.allow.iter().cloned());
        Ok(built)
    }
}

/// An encoding by its WHATWG label (`windows-1252`, `latin1`, `shift_jis`, `utf-16le`...).
pub fn parse_encoding(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(s.trim().as_bytes()).ok_or_else(|| {
        format!(
            "unknown encoding {s:?}: give a WHATWG label such as windows-1252, latin1, \
             iso-8859-15, shift_jis, gbk, koi8-r or utf-16le"
        )
    })
}

/// `512`, `64K`, `256M`, `1G` (binary multiples).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                'B' => 1,
                _ => return Err(format!("unknown size suffix {c:?} (use K, M or G)")),
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("not a size: {s:?}"))
}

/// The `--model` value (and configuration value) that names the embedded model.
pub const EMBEDDED_MODEL_NAME: &str = "default";
/// The environment variable that sets `--model`.
pub const MODEL_ENV: &str = "UNSPIN_MODEL";

#[cfg(test)]
mod tests {
    use super::*;

    fn args(model: Option<&str>) -> EngineArgs {
        EngineArgs {
            rules: Vec::new(),
            model: model.map(PathBuf::from),
            fast: false,
            min_confidence: None,
            gazetteer: None,
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("1X").is_err());
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn default_names_the_embedded_model() {
        assert_eq!(args(None).model_file(), None);
        assert_eq!(args(Some("default")).model_file(), None);
        assert_eq!(
            args(Some("wiki.lm")).model_file(),
            Some(std::path::Path::new("wiki.lm"))
        );
    }
}
