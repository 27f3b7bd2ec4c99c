//! The outputs of one shard, written under `.partial` names and renamed into place when the shard
//! is finished, then sealed by a done-marker. A shard without a marker (never started, stopped
//! half-way, or scanned with other settings) is scanned again from scratch; its partial files are
//! overwritten, so nothing is ever appended twice.
//!
//! Layout under the output directory, for a shard named `NAME` (dolma's conventions: attribute
//! files parallel to the documents, same row order, same file name). `EXT` is the shard's own
//! extensions and compression for a JSONL shard (`.json.gz`, `.jsonl.zst`, `.jsonl`: dolma's
//! mixer looks for `attributes/…/sub/x.json.gz` beside `documents/sub/x.json.gz`), and
//! `.jsonl.gz` for Parquet and WARC shards ([`crate::format::ShardKind::output_file`]):
//! - `attributes/NAME.EXT`: one row per document read,
//!   `{"id", "attributes": {"unspin__spin__doc": [[0, len, score]], "unspin__spin__spans": [[start, end, confidence], ...]}}`,
//!   offsets and `len` in characters (code points), the id as the input's JSON value
//! - `documents/NAME.EXT`: with `--restore` or `--keep-below`, the (restored) documents kept
//! - `errors/NAME.jsonl`: one entry per lost record (or run of records), with the reason
//! - `done/NAME.json`: the marker, with the counts and the settings the shard was scanned with
//! - `unspin-scan.lock`: locked by the run writing to the directory (two runs into one output
//!   directory would overwrite each other's partial files); it also marks the directory as a
//!   scan's output, which a scan never reads as input

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};

use crate::format::Compression;
use crate::record::RecordError;

/// Counts for one shard (or, summed, for a run).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShardStats {
    /// Records read: documents plus lost records.
    pub records_in: u64,
    /// Rows written to the attributes file.
    pub records_out: u64,
    /// Records lost, each with an entry in the errors file.
    pub errors: u64,
    /// Documents written to `documents/` (with `--restore` or `--keep-below`).
    pub documents_written: u64,
    /// WARC records that are not HTML or text documents (warcinfo, requests, metadata,
    /// images...); not records.
    pub skipped_non_documents: u64,
    /// Bytes of document text scored.
    pub text_bytes: u64,
    /// Bytes of the input file.
    pub input_bytes: u64,
    /// Shards whose compressed stream broke before its end: the rest of each is lost, and the
    /// records in it, an unknown number, are not counted (the break counts as one error).
    #[serde(default)]
    pub cut_short: u64,
    /// Documents not written in English (`unspin::language`): not judged, scored 0.5.
    #[serde(default)]
    pub not_english: u64,
    /// Documents whose words are disguised with letters of another script that look Latin
    /// (`unspin::homoglyph`).
    #[serde(default)]
    pub disguised: u64,
}

impl ShardStats {
    pub fn add(&mut self, other: &ShardStats) {
        self.records_in += other.records_in;
        self.records_out += other.records_out;
        self.errors += other.errors;
        self.documents_written += other.documents_written;
        self.skipped_non_documents += other.skipped_non_documents;
        self.text_bytes += other.text_bytes;
        self.input_bytes += other.input_bytes;
        self.cut_short += other.cut_short;
        self.not_english += other.not_english;
        self.disguised += other.disguised;
    }

    /// The invariant of a scan: every record read is either written or reported.
    pub fn balanced(&self) -> bool {
        self.records_in == self.records_out + self.errors
    }
}

/// What a done-marker holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Marker {
    /// The input file, absolute with symlinks resolved: a different file that would write the
    /// same output names is refused rather than allowed to overwrite these results.
    pub input: String,
    /// The input file's size and modification time when it was scanned: a replaced input is
    /// scanned again.
    pub input_size: u64,
    pub input_mtime_ns: u128,
    /// The scan settings that change the outputs (with the version of unspin and the identity of
    /// every file they name); a rerun with other settings scans again.
    pub settings: String,
    pub stats: ShardStats,
}

pub fn marker_path(out: &Path, name: &str) -> PathBuf {
    out.join("done").join(format!("{name}.json"))
}

/// What an earlier run left for a shard.
#[derive(Debug)]
pub enum Earlier {
    /// Finished with this input file and these settings: nothing to do.
    Finished(Marker),
    /// No usable marker, or one for other settings or an older version of the file: scan.
    Unfinished,
    /// Finished from another input file (named) that has the same output name.
    OtherInput(String),
}

/// What the marker of shard `name` says, for the input file `input` (canonical) scanned with
/// `settings`.
pub fn earlier(out: &Path, name: &str, input: &Path, settings: &str) -> Earlier {
    let Some(marker) = fs::read_to_string(marker_path(out, name))
        .ok()
        .and_then(|text| serde_json::from_str::<Marker>(&text).ok())
    else {
        return Earlier::Unfinished;
    };
    // Older markers hold the path as it was typed (perhaps relative): they cannot name the
    // file, and their settings (without the version) differ anyway.
    if Path::new(&marker.input).is_absolute() && Path::new(&marker.input) != input {
        return Earlier::OtherInput(marker.input);
    }
    let Ok((size, mtime)) = input_identity(input) else {
        return Earlier::Unfinished;
    };
    if marker.settings == settings && marker.input_size == size && marker.input_mtime_ns == mtime {
        Earlier::Finished(marker)
    } else {
        Earlier::Unfinished
    }
}

/// Name of the lock file in the output directory.
pub const LOCK_FILE: &str = "unspin-scan.lock";

/// Take the output directory for this run (creating it): an exclusive lock on its lock file,
/// held until the returned file is dropped (the OS releases it when the process ends, however it
/// ends). Another run holding it is an error naming the directory.
pub fn lock_output(out: &Path) -> anyhow::Result<File> {
    with_context(out, fs::create_dir_all(out))?;
    let path = out.join(LOCK_FILE);
    let mut file = with_context(
        &path,
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path),
    )?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => anyhow::bail!(
            "--output {}: another `unspin scan` is writing to this directory (it holds the lock \
             on {}); wait for it to finish, or choose another --output",
            out.display(),
            path.display()
        ),
        Err(fs::TryLockError::Error(e)) => {
            anyhow::bail!(
                "--output {}: cannot lock {}: {e}",
                out.display(),
                path.display()
            )
        }
    }
    // The holder's process id, for whoever wonders which run holds it.
    with_context(&path, file.set_len(0))?;
    with_context(&path, writeln!(file, "{}", std::process::id()))?;
    Ok(file)
}

pub fn input_identity(input: &Path) -> io::Result<(u64, u128)> {
    let meta = fs::metadata(input)?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok((meta.len(), mtime))
}

fn with_context<T>(path: &Path, r: io::Result<T>) -> anyhow::Result<T> {
    r.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

struct Pending<W> {
    partial: PathBuf,
    fin: PathBuf,
    writer: W,
}

fn create(
    out: &Path,
    kind: &str,
    name: &str,
    ext: &str,
) -> anyhow::Result<(PathBuf, PathBuf, File)> {
    let fin = out.join(kind).join(format!("{name}{ext}"));
    let partial = out.join(kind).join(format!("{name}{ext}.partial"));
    if let Some(dir) = fin.parent() {
        with_context(dir, fs::create_dir_all(dir))?;
    }
    let file = with_context(&partial, File::create(&partial))?;
    Ok((partial, fin, file))
}

/// A file written plain, gzipped or zstd-compressed.
enum Encoder {
    Plain(File),
    Gzip(GzEncoder<File>),
    Zstd(zstd::stream::write::Encoder<'static, File>),
}

impl Encoder {
    /// `fast`: documents are large and are usually read again soon, so they favour speed over
    /// size.
    fn new(file: File, compression: Compression, fast: bool) -> io::Result<Encoder> {
        Ok(match compression {
            Compression::None => Encoder::Plain(file),
            Compression::Gzip => Encoder::Gzip(GzEncoder::new(
                file,
                if fast {
                    flate2::Compression::fast()
                } else {
                    flate2::Compression::default()
                },
            )),
            Compression::Zstd => Encoder::Zstd(zstd::stream::write::Encoder::new(
                file,
                if fast { 1 } else { 3 },
            )?),
        })
    }

    /// Ends the compressed stream and returns the file.
    fn finish(self) -> io::Result<File> {
        match self {
            Encoder::Plain(f) => Ok(f),
            Encoder::Gzip(e) => e.finish(),
            Encoder::Zstd(e) => e.finish(),
        }
    }
}

impl Write for Encoder {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::Plain(f) => f.write(buf),
            Encoder::Gzip(e) => e.write(buf),
            Encoder::Zstd(e) => e.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::Plain(f) => f.flush(),
            Encoder::Gzip(e) => e.flush(),
            Encoder::Zstd(e) => e.flush(),
        }
    }
}

/// An output, buffered *before* the encoder: serde writes a row in many small pieces, and each
/// write into a `GzEncoder` runs the compressor, which zero-fills its 32 KiB output buffer every
/// time. The encoder's own buffer batches what it writes to the file.
type EncodedFile = BufWriter<Encoder>;

/// Rows gathered before they are compressed.
const ENCODER_INPUT_BUFFER: usize = 256 << 10;

pub struct ShardOutputs {
    out: PathBuf,
    name: String,
    /// The attribute and document files' extensions.
    extension: String,
    attributes: Pending<EncodedFile>,
    documents: Option<Pending<EncodedFile>>,
    errors: Pending<BufWriter<File>>,
    error_entries: u64,
}

impl ShardOutputs {
    /// Start (or restart) a shard: its old marker goes first, so that a run stopped from here on
    /// leaves the shard unfinished. `file` is how its attribute and document files are named
    /// after `name` and compressed ([`crate::format::ShardKind::output_file`]).
    pub fn create(
        out: &Path,
        name: &str,
        file: &(String, Compression),
        documents: bool,
    ) -> anyhow::Result<Self> {
        let marker = marker_path(out, name);
        if marker.exists() {
            with_context(&marker, fs::remove_file(&marker))?;
        }
        let (extension, compression) = file;
        let encoded = |kind: &str, fast: bool| -> anyhow::Result<Pending<EncodedFile>> {
            let (partial, fin, file) = create(out, kind, name, extension)?;
            let encoder = with_context(&partial, Encoder::new(file, *compression, fast))?;
            Ok(Pending {
                partial,
                fin,
                writer: BufWriter::with_capacity(ENCODER_INPUT_BUFFER, encoder),
            })
        };
        let attributes = encoded("attributes", false)?;
        let documents = if documents {
            Some(encoded("documents", true)?)
        } else {
            None
        };
        let (partial, fin, file) = create(out, "errors", name, ".jsonl")?;
        Ok(ShardOutputs {
            out: out.to_path_buf(),
            name: name.to_string(),
            extension: extension.clone(),
            attributes,
            documents,
            errors: Pending {
                partial,
                fin,
                writer: BufWriter::new(file),
            },
            error_entries: 0,
        })
    }

    pub fn attribute_row(&mut self, row: &impl Serialize) -> anyhow::Result<()> {
        write_line(&mut self.attributes.writer, &self.attributes.partial, row)
    }

    pub fn document(&mut self, doc: &impl Serialize) -> anyhow::Result<()> {
        if let Some(d) = &mut self.documents {
            write_line(&mut d.writer, &d.partial, doc)?;
        }
        Ok(())
    }

    pub fn error(&mut self, error: &RecordError) -> anyhow::Result<()> {
        self.error_entries += 1;
        write_line(&mut self.errors.writer, &self.errors.partial, error)
    }

    /// Move every output into place and write the marker, in that order.
    pub fn finish(self, marker: &Marker) -> anyhow::Result<()> {
        finish_encoded(self.attributes)?;
        let stale_documents = self
            .out
            .join("documents")
            .join(format!("{}{}", self.name, self.extension));
        match self.documents {
            Some(d) => finish_encoded(d)?,
            None if stale_documents.exists() => {
                with_context(&stale_documents, fs::remove_file(&stale_documents))?
            }
            None => {}
        }
        let Pending {
            partial,
            fin,
            writer,
        } = self.errors;
        let file = with_context(&partial, writer.into_inner().map_err(|e| e.into_error()))?;
        with_context(&partial, file.sync_all())?;
        if self.error_entries > 0 {
            with_context(&fin, fs::rename(&partial, &fin))?;
        } else {
            with_context(&partial, fs::remove_file(&partial))?;
            if fin.exists() {
                with_context(&fin, fs::remove_file(&fin))?;
            }
        }
        let path = marker_path(&self.out, &self.name);
        if let Some(dir) = path.parent() {
            with_context(dir, fs::create_dir_all(dir))?;
        }
        let partial = path.with_extension("json.partial");
        let text = serde_json::to_string_pretty(marker)?;
        with_context(&partial, fs::write(&partial, text + "\n"))?;
        with_context(&path, fs::rename(&partial, &path))?;
        Ok(())
    }
}

fn finish_encoded(p: Pending<EncodedFile>) -> anyhow::Result<()> {
    let encoder = with_context(
        &p.partial,
        p.writer.into_inner().map_err(|e| e.into_error()),
    )?;
    let file = with_context(&p.partial, encoder.finish())?;
    with_context(&p.partial, file.sync_all())?;
    with_context(&p.fin, fs::rename(&p.partial, &p.fin))
}

fn write_line(w: &mut impl Write, path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *w, value)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    with_context(path, w.write_all(b"\n"))
}
