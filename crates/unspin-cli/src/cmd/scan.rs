//! `unspin scan`: score corpus shards (JSONL, Parquet, WARC) in parallel and write dolma-style
//! attribute files; see `unspin_scan` for the layout, the error files and resumption.

use std::io::IsTerminal;
use std::path::PathBuf;

use unspin_scan::{ScanConfig, ScanSummary};

use super::{ConfigArgs, EngineArgs};
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Shards or directories of shards: .jsonl[.gz|.zst], .parquet, .warc[.gz]. Directories are
    /// walked, passing over hidden entries and other scans' output directories; a file reached by
    /// two inputs is scanned once.
    #[arg(long, value_name = "PATH", required = true, num_args = 1..)]
    pub input: Vec<PathBuf>,
    /// Output directory: attributes/, documents/, errors/ and done/ are written under it. It must
    /// not contain an input, and one run at a time writes to it (a lock on unspin-scan.lock).
    #[arg(long, value_name = "DIR")]
    pub output: PathBuf,
    /// Field (JSONL) or column (Parquet) holding the document id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    /// Field (JSONL) or column (Parquet) holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,
    /// Scoring threads (default: one per core; at most 1024).
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::builder::TypedValueParser::map(
              clap::value_parser!(u16).range(0..=1024), usize::from))]
    pub threads: usize,
    /// Also write each document with its restored text to documents/.
    #[arg(long)]
    pub restore: bool,
    /// Write to documents/ only the documents scoring below X (a spin filter); 1 writes every
    /// document, as scored (e.g. to keep a WARC record's extracted text beside its spans).
    #[arg(long, value_name = "X")]
    pub keep_below: Option<f32>,
    /// Also trace every document against this source index (built by `unspin index add`): the
    /// attribute rows get `unspin__trace__source` and the best `sources` with their scores.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Sources kept per document with --index.
    #[arg(long, value_name = "K", default_value_t = 3)]
    pub top: usize,
    /// Documents per scoring batch (memory is bounded by a few batches).
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub batch_size: usize,
    /// No progress bar (it is drawn only on a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
    // The configuration file's engine keys apply as in `check`: `rules`, `min-confidence`,
    // `model`, `fast` and `allow` (flags override them); its `jsonl-field` and `max-size` do not
    // (scan has --text-field, and reads records of up to 256 MiB).
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Use the language model even if the configuration says `fast = true`. (Of the
    /// configuration, scan reads the engine's keys: rules, min-confidence, model, fast, allow.)
    #[arg(long, conflicts_with = "fast")]
    pub no_fast: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

pub fn run(mut args: Args) -> anyhow::Result<Outcome> {
    if let Some(x) = args.keep_below {
        anyhow::ensure!(
            (0.0..=1.0).contains(&x),
            "--keep-below is a document score, from 0 to 1; got {x}"
        );
    }
    anyhow::ensure!(args.batch_size > 0, "--batch-size must be at least 1");
    let cfg = args.config.load()?;
    let engine = ConfigArgs::build_engine(&mut args.engine, &cfg, args.no_fast)?;
    let mut config = ScanConfig::new(args.input, args.output);
    config.id_field = args.id_field;
    config.text_field = args.text_field;
    config.threads = args.threads;
    config.restore = args.restore;
    config.keep_below = args.keep_below;
    config.batch_docs = args.batch_size;
    config.index = args.index;
    config.trace_top = args.top;
    config.progress = !args.no_progress && std::io::stderr().is_terminal();
    // The flags as filled in from the configuration, and its allow-list, which the engine
    // options hold apart from them.
    config.engine_settings = format!("{:?} allow={:?}", args.engine, cfg.allow);
    // The files those settings name: an edited rule pack or model means a rescan.
    config.setting_files = args.engine.rules.clone();
    if !args.engine.fast {
        config
            .setting_files
            .extend(args.engine.model_file().map(PathBuf::from));
    }
    config.setting_files.extend(args.engine.gazetteer.clone());
    if let Some(source) = &cfg.source {
        eprintln!("unspin scan: configuration from {}", source.display());
    }
    let summary = unspin_scan::scan(&config, &engine)?;
    eprint!("{}", render_summary(&summary, &config));
    // Every record is accounted for in the output folder, but a pipeline must be able to tell
    // that some are missing from the results without reading the summary: exit 2, as `check`
    // does for an input it could not read.
    let lost = summary.scanned.errors + summary.resumed.errors;
    let cut_short = summary.scanned.cut_short + summary.resumed.cut_short;
    if lost > 0 || !summary.scanned.balanced() {
        let rest = if cut_short > 0 {
            format!(
                ", and an unknown number more in the rest of {cut_short} shard(s) whose \
                 compressed stream broke"
            )
        } else {
            String::new()
        };
        anyhow::bail!(
            "{lost} record(s) could not be scanned{rest} (their reasons are in {})",
            config.output.join("errors").display()
        );
    }
    Ok(Outcome::Clean)
}

fn render_summary(s: &ScanSummary, config: &ScanConfig) -> String {
    let mut out = String::new();
    let c = &s.scanned;
    out.push_str(&format!(
        "unspin scan: {} shard(s): {} scanned, {} already finished (skipped)\n",
        s.shards,
        s.shards - s.shards_resumed,
        s.shards_resumed
    ));
    out.push_str(&format!(
        "  records in {}  out {}  errors {}  ({})\n",
        c.records_in,
        c.records_out,
        c.errors,
        if c.balanced() {
            "records in = out + errors"
        } else {
            "MISMATCH"
        }
    ));
    passed(
        &mut out,
        &s.not_shards,
        "file(s) under the input directories are not shards (.jsonl[.gz|.zst], .parquet, \
         .warc[.gz], .warc.wet[.gz]) and were not read",
    );
    passed(
        &mut out,
        &s.hidden,
        "hidden file(s) or directory(ies) under the input directories were not read",
    );
    for dir in &s.scan_outputs {
        out.push_str(&format!(
            "  {} is the output of a scan, not read as input\n",
            dir.display()
        ));
    }
    passed(
        &mut out,
        &s.duplicates,
        "file(s) named by more than one --input were scanned once",
    );
    for dir in &s.empty_dirs {
        out.push_str(&format!(
            "  warning: no shards in input directory {}\n",
            dir.display()
        ));
    }
    if c.cut_short > 0 {
        out.push_str(&format!(
            "  {} shard(s) were cut short by a broken compressed stream: the records in the rest \
             of each, an unknown number, are lost and not counted above (each break counts as one error)\n",
            c.cut_short
        ));
    }
    if c.not_english > 0 {
        out.push_str(&format!(
            "  {} document(s) not written in English: only known phrases were looked for \
             (unspin's models read English only), score 0.5 unless two were found\n",
            c.not_english
        ));
    }
    if c.disguised > 0 {
        out.push_str(&format!(
            "  {} document(s) disguised with letters of another script that look Latin: \
             each disguised word is a span (rule homoglyph), and the text was judged in Latin letters\n",
            c.disguised
        ));
    }
    if c.skipped_non_documents > 0 {
        out.push_str(&format!(
            "  {} WARC record(s) were not HTML or text documents and were skipped\n",
            c.skipped_non_documents
        ));
    }
    if config.restore || config.keep_below.is_some() {
        out.push_str(&format!("  documents written {}\n", c.documents_written));
    }
    out.push_str(&format!(
        "  {:.1} MB of text, {:.1} MB of input in {:.2} s: {:.0} docs/s, {:.1} MB/s of text\n",
        c.text_bytes as f64 / 1e6,
        c.input_bytes as f64 / 1e6,
        s.elapsed.as_secs_f64(),
        s.docs_per_second(),
        s.text_mb_per_second()
    ));
    if s.shards_resumed > 0 {
        let r = &s.resumed;
        out.push_str(&format!(
            "  finished earlier: records in {}  out {}  errors {}\n",
            r.records_in, r.records_out, r.errors
        ));
        if r.cut_short > 0 {
            out.push_str(&format!(
                "  of which {} shard(s) were cut short by a broken compressed stream (rest lost, number unknown)\n",
                r.cut_short
            ));
        }
    }
    if c.errors > 0 {
        out.push_str(&format!(
            "  lost records are listed with their reason in {}\n",
            config.output.join("errors").display()
        ));
    }
    out
}

/// A summary line for files a scan passed over: how many, and one for example.
fn passed(out: &mut String, files: &[std::path::PathBuf], what: &str) {
    if let Some(first) = files.first() {
        out.push_str(&format!(
            "  {} {what}, e.g. {}\n",
            files.len(),
            first.display()
        ));
    }
}
