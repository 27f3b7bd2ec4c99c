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

/// Options that choose how the engine is built; shared by check, restore, scan and serve.
#[derive(clap::Args, Debug, Clone)]
pub struct EngineArgs {
    /// Rule pack files (CSV, JSON or TOML); repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Language model file, or `default` for the embedded model. Unset: the configuration
    /// file's `model` (check), else the embedded model.
    #[arg(long, value_name = "FILE", env = MODEL_ENV)]
    pub model: Option<PathBuf>,
    /// Rule packs only, no language model: much faster, finds only known phrases.
    #[arg(long)]
    pub fast: bool,
    /// Report findings with at least this confidence.
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
    fn default_names_the_embedded_model() {
        assert_eq!(args(None).model_file(), None);
        assert_eq!(args(Some("default")).model_file(), None);
        assert_eq!(
            args(Some("wiki.lm")).model_file(),
            Some(std::path::Path::new("wiki.lm"))
        );
    }
}
