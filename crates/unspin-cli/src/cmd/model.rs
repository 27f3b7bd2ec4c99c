//! `unspin model`: build, import and inspect language-model files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use unspin::lm::{self, BuildOptions, LanguageModel, Model, Source};

use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Count n-grams of a corpus (plain text or JSONL `text` fields, optionally .gz/.zst) into a model file.
    Build(BuildArgs),
    /// Import an ARPA file (KenLM, SRILM; optionally .gz/.zst) as a backoff model.
    ImportArpa(ImportArpaArgs),
    /// Import n-gram count lists (`w1 ... wn count` per line, e.g. symspellpy's dictionaries).
    ImportCounts(ImportCountsArgs),
    /// Print a model file's header: kind, order, counts, sources, licences.
    Info(InfoArgs),
    /// Score held-out text: mean log10 probability per token, (pseudo-)perplexity, unknown-word rate.
    Score(ScoreArgs),
    /// Print the count of each phrase in a model (normalized as the engine does), to see why a
    /// finding fired: `unspin model count default "martial law" "martial legislation"`.
    Count(CountArgs),
}

#[derive(clap::Args, Debug)]
struct CountArgs {
    /// The model file, or `default` for the embedded model.
    model: String,
    /// Phrases of 1 to `order` words.
    #[arg(required = true)]
    phrases: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct ScoreArgs {
    /// The model file, or `default` for the embedded model.
    model: String,
    /// Held-out text: plain text or JSONL (`text` field), optionally .gz/.zst.
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    corpus: Vec<PathBuf>,
    /// Stop after this many tokens.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    max_tokens: u64,
    /// Score with at most this order (a counts model's lower orders are a model of their own).
    #[arg(long, value_name = "N")]
    order: Option<usize>,
}

/// A counts model seen with a lower order: stupid backoff over its first `order` tables.
struct LowerOrder<'a> {
    model: &'a Model,
    order: usize,
}

impl LanguageModel for LowerOrder<'_> {
    fn order(&self) -> usize {
        self.order
    }
    fn log_prob(&self, context: &[&str], word: &str) -> f32 {
        lm::stupid_backoff(self, context, word)
    }
    fn count(&self, ngram: &[&str]) -> u64 {
        if ngram.len() > self.order {
            0
        } else {
            self.model.count(ngram)
        }
    }
    fn total_words(&self) -> u64 {
        self.model.total_words()
    }
}

/// Provenance recorded in the model header.
#[derive(clap::Args, Debug)]
struct SourceArgs {
    /// Name of a data source (package and file, corpus); repeatable, paired with --licence.
    #[arg(long = "source", value_name = "NAME")]
    sources: Vec<String>,
    /// Licence of the source at the same position; one licence applies to every source.
    #[arg(long = "licence", alias = "license", value_name = "LICENCE")]
    licences: Vec<String>,
    /// Version of the source at the same position (optional).
    #[arg(long = "source-version", value_name = "VERSION")]
    versions: Vec<String>,
}

impl SourceArgs {
    fn sources(&self) -> anyhow::Result<Vec<Source>> {
        if self.sources.is_empty() {
            anyhow::ensure!(
                self.licences.is_empty() && self.versions.is_empty(),
                "--licence and --source-version need a --source"
            );
            return Ok(Vec::new());
        }
        let n = self.sources.len();
        anyhow::ensure!(
            self.licences.len() == n || self.licences.len() == 1,
            "give one --licence per --source ({n}), or one for all"
        );
        anyhow::ensure!(
            self.versions.is_empty() || self.versions.len() == n,
            "give one --source-version per --source ({n}), or none"
        );
        Ok(self
            .sources
            .iter()
            .enumerate()
            .map(|(i, name)| Source {
                name: name.clone(),
                licence: self.licences[i.min(self.licences.len() - 1)].clone(),
                version: self.versions.get(i).cloned().unwrap_or_default(),
            })
            .collect())
    }
}

#[derive(clap::Args, Debug)]
struct BuildArgs {
    /// Corpus files: plain text, or JSONL (.jsonl/.ndjson) with a "text" field; .gz and .zst are read streaming.
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    corpus: Vec<PathBuf>,
    /// The model file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Highest n-gram order (1 to 5).
    #[arg(long, default_value_t = 3)]
    order: usize,
    /// Memory for counting, in MiB; beyond it sorted runs are spilled to temporary files.
    #[arg(long, value_name = "MB", default_value_t = 1024)]
    memory: usize,
    /// Drop n-grams of order --prune-from and above seen fewer times than this.
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_count: u64,
    /// Lowest order that --min-count prunes.
    #[arg(long, value_name = "N", default_value_t = 3)]
    prune_from: usize,
    /// Counting threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Directory for temporary run files (default: the system's).
    #[arg(long, value_name = "DIR")]
    temp_dir: Option<PathBuf>,
    /// Write the n-gram hash table that makes lookups in a large model several times faster
    /// (1.5 slots of 12 bytes per n-gram): `auto` for models of over 2 M bigrams whose table
    /// fits in --memory.
    #[arg(long, value_enum, default_value_t = HashTableArg::Auto)]
    hash_table: HashTableArg,
    #[command(flatten)]
    source: SourceArgs,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum HashTableArg {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
struct ImportArpaArgs {
    /// The ARPA file.
    file: PathBuf,
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    source: SourceArgs,
}

#[derive(clap::Args, Debug)]
struct ImportCountsArgs {
    /// Count list files (one n-gram and its count per line; orders may be mixed).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    source: SourceArgs,
}

#[derive(clap::Args, Debug)]
struct InfoArgs {
    /// The model file, or `default` for the embedded model.
    file: PathBuf,
    /// Print the header as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Build(a) => build(a),
        Command::ImportArpa(a) => {
            let header = lm::import_arpa(&a.file, &a.out, a.source.sources()?, None)?;
            eprintln!("{}", summary(&a.out, &header));
            Ok(Outcome::Clean)
        }
        Command::ImportCounts(a) => {
            let header = lm::import_counts(&a.files, &a.out, a.source.sources()?, None)?;
            eprintln!("{}", summary(&a.out, &header));
            Ok(Outcome::Clean)
        }
        Command::Info(a) => info(a),
        Command::Score(a) => score(a),
        Command::Count(a) => count(a),
    }
}

/// An indicatif bar on stderr, drawn only when stderr is a terminal.
struct Bar {
    bar: ProgressBar,
}

impl lm::Progress for Bar {
    fn phase(&self, name: &str, total: Option<u64>) {
        self.bar.reset();
        self.bar.set_position(0);
        match total {
            Some(t) => {
                self.bar.set_length(t);
                self.bar.set_style(
                    ProgressStyle::with_template(
                        "{msg:>9} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({eta})",
                    )
                    .expect("valid template"),
                );
            }
            None => self.bar.set_style(
                ProgressStyle::with_template("{msg:>9} [{elapsed_precise}] {spinner}")
                    .expect("valid template"),
            ),
        }
        self.bar.set_message(name.to_string());
    }
    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }
}

fn build(a: BuildArgs) -> anyhow::Result<Outcome> {
    anyhow::ensure!(
        (1..=lm::format::MAX_ORDER).contains(&a.order),
        "--order must be 1 to {}",
        lm::format::MAX_ORDER
    );
    anyhow::ensure!(a.memory >= 1, "--memory must be at least 1 MiB");
    let options = BuildOptions {
        order: a.order,
        memory_bytes: a.memory.saturating_mul(1 << 20),
        min_count: a.min_count,
        prune_from_order: a.prune_from,
        threads: a.threads.unwrap_or(BuildOptions::default().threads).max(1),
        temp_dir: a.temp_dir.clone(),
        sources: a.source.sources()?,
        hash_table: match a.hash_table {
            HashTableArg::Auto => lm::HashTable::Auto,
            HashTableArg::Always => lm::HashTable::Always,
            HashTableArg::Never => lm::HashTable::Never,
        },
    };
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = Bar {
        bar: ProgressBar::with_draw_target(None, target),
    };
    let started = Instant::now();
    let report = lm::build_model(&a.corpus, &a.out, &options, &bar)
        .with_context(|| format!("building {}", a.out.display()))?;
    bar.bar.finish_and_clear();
    let c = &report.corpus;
    eprintln!(
        "read {} records ({:.1} MB of text) in {:.1}s; {} sorted runs ({:.1} MB)",
        c.records,
        c.text_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        report.runs,
        report.run_bytes as f64 / 1e6
    );
    if c.skipped.count > 0 {
        eprintln!("skipped {} records, for example:", c.skipped.count);
        for e in &c.skipped.examples {
            eprintln!("  {e}");
        }
    }
    if let Some(why) = &report.hash_table_skipped {
        eprintln!("{why}");
    }
    eprintln!("{}", summary(&a.out, &report.header));
    Ok(Outcome::Clean)
}

fn summary(path: &Path, h: &lm::Header) -> String {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    format!(
        "wrote {} ({:.2} MB): order {}, n-grams per order {:?}, {} tokens{}",
        path.display(),
        size as f64 / 1e6,
        h.order,
        h.counts,
        h.total_words,
        match h.hash_table {
            Some(t) => format!(", hash table {:.2} MB", t.length as f64 / 1e6),
            None => String::new(),
        }
    )
}

fn info(a: InfoArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let embedded = a.file.as_os_str() == super::EMBEDDED_MODEL_NAME;
    let model = if embedded {
        lm::try_default_model()?
    } else {
        std::sync::Arc::new(Model::open_with(
            &a.file,
            lm::OpenOptions {
                verify: lm::Verify::Never,
            },
        )?)
    };
    let opened = started.elapsed();
    model.verify()?;
    let h = model.header();
    if a.json {
        println!("{}", serde_json::to_string_pretty(h)?);
        return Ok(Outcome::Clean);
    }
    let size = if embedded {
        lm::DEFAULT_MODEL_BYTES.len() as u64
    } else {
        std::fs::metadata(&a.file).map(|m| m.len()).unwrap_or(0)
    };
    println!("file:          {}", a.file.display());
    println!("size:          {size} bytes");
    println!(
        "format:        unspin model, version {}",
        lm::format::FORMAT_VERSION
    );
    println!("kind:          {:?}", h.kind);
    println!("order:         {}", model.order());
    for (i, c) in h.counts.iter().enumerate() {
        println!("{}-grams:       {c}", i + 1);
    }
    println!("tokens:        {}", h.total_words);
    if h.min_count > 1 {
        println!(
            "pruned:        n-grams of order >= {} seen fewer than {} times",
            h.prune_from_order, h.min_count
        );
    }
    println!("sentence <s>:  {}", h.sentence_markers);
    match h.hash_table {
        Some(t) => println!("hash table:    {:.2} MB", t.length as f64 / 1e6),
        None => println!("hash table:    none"),
    }
    println!("checksum:      crc32 {:08x} (verified)", h.payload_crc32);
    println!("created by:    {}", h.created_by);
    for s in &h.sources {
        let version = if s.version.is_empty() {
            String::new()
        } else {
            format!(" {}", s.version)
        };
        println!(
            "source:        {}{version} (licence: {})",
            s.name, s.licence
        );
    }
    println!(
        "opened in:     {:.2} ms (without the checksum pass)",
        opened.as_secs_f64() * 1e3
    );
    Ok(Outcome::Clean)
}

fn count(a: CountArgs) -> anyhow::Result<Outcome> {
    let model: std::sync::Arc<dyn LanguageModel> = if a.model == super::EMBEDDED_MODEL_NAME {
        lm::default_model()
    } else {
        std::sync::Arc::new(Model::open(&a.model)?)
    };
    for phrase in &a.phrases {
        let words: Vec<String> = phrase
            .split_whitespace()
            .map(|w| unspin::token::normalize(w).into_owned())
            .collect();
        anyhow::ensure!(
            !words.is_empty() && words.len() <= model.order(),
            "\"{phrase}\": give 1 to {} words (the model's order)",
            model.order()
        );
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        println!("{}\t{}", model.count(&refs), words.join(" "));
    }
    Ok(Outcome::Clean)
}

fn score(a: ScoreArgs) -> anyhow::Result<Outcome> {
    let model = if a.model == super::EMBEDDED_MODEL_NAME {
        lm::default_model()
    } else {
        std::sync::Arc::new(Model::open(&a.model)?)
    };
    let lower;
    let scored: &dyn LanguageModel = match a.order {
        Some(n) if n < model.order() => {
            anyhow::ensure!(
                n >= 1 && model.kind() == lm::ModelKind::Counts,
                "--order needs a counts model and an order of at least 1"
            );
            lower = LowerOrder {
                model: &model,
                order: n,
            };
            &lower
        }
        _ => &*model,
    };
    let started = Instant::now();
    let mut total = lm::TextScore::default();
    let mut stats = lm::corpus::CorpusStats::default();
    for path in &a.corpus {
        if total.tokens >= a.max_tokens {
            break;
        }
        // Past --max-tokens the rest of the file is only decompressed, not scored.
        lm::corpus::read_corpus(path, 1 << 20, &mut stats, &|_| {}, |text| {
            for line in text.lines() {
                if total.tokens >= a.max_tokens {
                    break;
                }
                total.add(lm::score_text(scored, line));
            }
            Ok(())
        })?;
    }
    println!(
        "{} (order {}): {} tokens, mean log10 P {:.4}, perplexity {:.1}, unknown {:.2}% ({:.1}s)",
        a.model,
        scored.order(),
        total.tokens,
        total.log10_sum / total.tokens.max(1) as f64,
        total.perplexity(),
        100.0 * total.unknown as f64 / total.tokens.max(1) as f64,
        started.elapsed().as_secs_f64()
    );
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn run_args(args: &[&str]) -> anyhow::Result<()> {
        let cli = Cli::try_parse_from(std::iter::once("model").chain(args.iter().copied()))?;
        run(cli.args).map(|_| ())
    }

    #[test]
    fn build_info_score_and_import_from_the_command_line() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c.txt");
        std::fs::write(&corpus, "Russian forces advanced. Russian forces held.\n").unwrap();
        let out = dir.path().join("m.lm");
        let (c, o) = (corpus.to_str().unwrap(), out.to_str().unwrap());
        run_args(&[
            "build",
            "--corpus",
            c,
            "--out",
            o,
            "--order",
            "3",
            "--memory",
            "1",
            "--source",
            "test corpus",
            "--licence",
            "CC0",
        ])
        .unwrap();
        let model = Model::open(&out).unwrap();
        assert_eq!(model.count(&["russian", "forces"]), 2);
        assert_eq!(model.header().sources[0].licence, "CC0");
        run_args(&["info", o]).unwrap();
        run_args(&["score", o, "--corpus", c, "--order", "2"]).unwrap();

        let counts = dir.path().join("counts.txt");
        std::fs::write(&counts, "forces 3\nrussian forces 2\n").unwrap();
        run_args(&["import-counts", counts.to_str().unwrap(), "--out", o]).unwrap();
        assert_eq!(Model::open(&out).unwrap().order(), 2);

        let e = run_args(&[
            "build",
            "--corpus",
            c,
            "--out",
            o,
            "--source",
            "a",
            "--source",
            "b",
            "--licence",
            "x",
            "--licence",
            "y",
            "--licence",
            "z",
        ])
        .unwrap_err();
        assert!(e.to_string().contains("--licence"), "{e}");
        let e = run_args(&["build", "--corpus", c, "--out", o, "--order", "6"]).unwrap_err();
        assert!(e.to_string().contains("--order"), "{e}");
        let e = run_args(&["info", c]).unwrap_err();
        assert!(
            format!("{e:#}").contains("not an unspin model file"),
            "{e:#}"
        );
    }
}
