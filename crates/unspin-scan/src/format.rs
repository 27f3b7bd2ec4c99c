//! Shard formats, recognised by file name, and the decompressing readers under them.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Parquet,
    Warc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// What a shard's file name says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardKind {
    pub format: Format,
    pub compression: Compression,
    /// The file name without the format and compression extensions (`en_000.jsonl.zst` → `en_000`).
    pub stem: String,
    /// Those extensions, as the name spells them (`.jsonl.zst`).
    pub extension: String,
}

impl ShardKind {
    /// How this shard's attribute and document files are named after the shard's name, and
    /// compressed. dolma's mixer finds a documents file's attributes by its path
    /// (`documents/sub/x.json.gz` → `attributes/NAME/sub/x.json.gz`) and reads each file by its
    /// extension, so a JSONL shard's outputs keep its extensions and its compression. Parquet
    /// and WARC shards have no such counterpart: theirs are gzipped JSONL.
    pub fn output_file(&self) -> (String, Compression) {
        match self.format {
            Format::Jsonl => (self.extension.clone(), self.compression),
            Format::Parquet | Format::Warc => (".jsonl.gz".to_string(), Compression::Gzip),
        }
    }
}

/// Recognise a shard by its extensions: `.jsonl`/`.ndjson`/`.json` (optionally `.gz`/`.zst`),
/// `.parquet`/`.pq`, `.warc` or `.warc.wet`/`.wet` (optionally `.gz`). `None` for anything else.
pub fn detect(path: &Path) -> Option<ShardKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let (rest, compression) = if let Some(r) = lower.strip_suffix(".gz") {
        (r, Compression::Gzip)
    } else if let Some(r) = lower
        .strip_suffix(".zst")
        .or_else(|| lower.strip_suffix(".zstd"))
    {
        (r, Compression::Zstd)
    } else {
        (lower.as_str(), Compression::None)
    };
    let (stem_len, format) = [
        (".jsonl", Format::Jsonl),
        (".ndjson", Format::Jsonl),
        (".json", Format::Jsonl),
        (".parquet", Format::Parquet),
        (".pq", Format::Parquet),
        (".warc", Format::Warc),
        // Common Crawl's WET files: WARC `conversion` records of extracted text.
        (".warc.wet", Format::Warc),
        (".wet", Format::Warc),
    ]
    .iter()
    .find_map(|(ext, f)| rest.strip_suffix(ext).map(|s| (s.len(), *f)))?;
    if format == Format::Parquet && compression != Compression::None {
        // Parquet compresses its pages itself; a gzipped Parquet file cannot be read in row groups.
        return None;
    }
    if stem_len == 0 {
        return None;
    }
    Some(ShardKind {
        format,
        compression,
        stem: name[..stem_len].to_string(),
        extension: name[stem_len..].to_string(),
    })
}

/// Counts the bytes read from the file underneath, for the progress bar's MB/s.
pub struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Open `path` and decompress it according to `compression`; every byte read from disk is added
/// to `count`. A `.gz` file may hold several gzip members (as `.warc.gz` files do, one per record).
pub fn open_decompressed(
    path: &Path,
    compression: Compression,
    count: Arc<AtomicU64>,
) -> io::Result<Box<dyn BufRead + Send>> {
    let file = File::open(path)?;
    let counted = CountingReader { inner: file, count };
    const BUF: usize = 1 << 20;
    let mut raw = BufReader::with_capacity(BUF, counted);
    // The content's magic bytes decide, not the name (a plain file named `.gz` is common).
    let compression = crate::record::sniff_compression(raw.fill_buf()?, compression, path);
    Ok(match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUF,
            // Member by member: a corrupt member followed by others is skipped (see GzipMembers).
            crate::record::GzipMembers::new(raw),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            BUF,
            zstd::stream::read::Decoder::with_buffer(raw)?,
        )),
    })
}

/// A decompressed stream that remembers whether it failed: after a read error (a truncated or
/// corrupt gzip/zstd stream) the rest of the shard is unreadable, and the number of records
/// in it is unknown, which the scan must say rather than count the loss as one record.
pub struct Watched<R> {
    inner: R,
    broken: Arc<AtomicBool>,
}

impl<R> Watched<R> {
    pub fn new(inner: R, broken: Arc<AtomicBool>) -> Self {
        Watched { inner, broken }
    }
}

/// Whether a read error ends the stream: not an interruption, nor a corrupt gzip member that
/// [`crate::record::GzipMembers`] skipped, after which reading goes on with the next member.
fn ends_the_stream(e: &io::Error) -> bool {
    e.kind() != io::ErrorKind::Interrupted && crate::record::corrupt_member(e).is_none()
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).inspect_err(|e| {
            if ends_the_stream(e) {
                self.broken.store(true, Ordering::Relaxed);
            }
        })
    }
}

impl<R: BufRead> BufRead for Watched<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let broken = &self.broken;
        self.inner.fill_buf().inspect_err(|e| {
            if ends_the_stream(e) {
                broken.store(true, Ordering::Relaxed);
            }
        })
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount)
    }
}

/// Read the next line (up to and including `\n`, or to the end of the input) into `line`, keeping
/// at most `max` bytes of it besides the newline: the rest of a longer line is read and dropped,
/// never held in memory (a line of a decompressed shard has no bound but the decompressor's).
/// Returns the bytes the line takes in the input, 0 at the end, and whether it was cut.
pub fn read_line_limited<R: BufRead + ?Sized>(
    input: &mut R,
    line: &mut Vec<u8>,
    max: usize,
) -> io::Result<(u64, bool)> {
    let start = line.len();
    let n = (&mut *input).take(max as u64 + 1).read_until(b'\n', line)?;
    if n <= max || line.ends_with(b"\n") {
        return Ok((n as u64, false));
    }
    line.truncate(start + max);
    let mut taken = n as u64;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (len, end) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), buf.is_empty()),
        };
        input.consume(len);
        taken += len as u64;
        if end {
            return Ok((taken, true));
        }
    }
}

/// One shard to scan.
#[derive(Debug, Clone)]
pub struct Shard {
    /// The path as found (the input as given, or the input directory joined with the walk).
    pub path: PathBuf,
    /// The absolute path with symlinks resolved: what identifies the file across runs.
    pub canonical: PathBuf,
    pub kind: ShardKind,
    /// The name of its outputs: the stem, prefixed by its directory relative to the input
    /// directory (`sub/en_000` for `IN/sub/en_000.jsonl.zst`).
    pub name: String,
    /// The file's path relative to the input it was found under, `/`-separated (its file name
    /// when the input is the file itself): the `SHARD` of position-based ids (`SHARD:LINE`), so
    /// that they do not depend on how the input path was typed.
    pub label: String,
}

/// The shards to scan, and what was passed over in the input directories.
#[derive(Debug, Default)]
pub struct Inputs {
    pub shards: Vec<Shard>,
    /// Files under an input directory that are not recognised shards (reported, not read).
    pub not_shards: Vec<PathBuf>,
    /// Hidden files and directories (name starting with `.`) under an input directory: not read.
    pub hidden: Vec<PathBuf>,
    /// Directories under an input directory that are outputs of `unspin scan` (they hold its lock
    /// file or done-markers): not read, so that a scan never takes results for a corpus.
    pub scan_outputs: Vec<PathBuf>,
    /// Input directories in which no shard was found.
    pub empty_dirs: Vec<PathBuf>,
    /// Files named more than once by overlapping inputs (`--input in in/a`): scanned once.
    pub duplicates: Vec<PathBuf>,
}

/// Expand the inputs: files are taken as they are (an unrecognised one is an error, named);
/// directories are walked recursively and their recognised shards taken in sorted order. Passed
/// over (and reported): hidden files and directories, and directories that are outputs of a scan
/// (this run's `output`, or another's). A file reached by several inputs is scanned once.
///
/// Refused: an input at or under `output` (the scan would write its outputs among its inputs,
/// `--restore` even beside them under `documents/`), and an input directory that is itself a
/// scan's output directory.
pub fn expand_inputs(inputs: &[PathBuf], output: &Path) -> anyhow::Result<Inputs> {
    let output_abs = absolute_resolved(output)
        .map_err(|e| anyhow::anyhow!("--output {}: {e}", output.display()))?;
    let mut found = Inputs::default();
    let mut shards = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input)
            .map_err(|e| anyhow::anyhow!("--input {}: {e}", input.display()))?;
        let canonical = std::fs::canonicalize(input)
            .map_err(|e| anyhow::anyhow!("--input {}: {e}", input.display()))?;
        if canonical.starts_with(&output_abs) {
            anyhow::bail!(
                "--input {} lies inside --output {}: the scan would write its outputs among its \
                 inputs (and read them back on the next run); choose an output directory outside \
                 the input",
                input.display(),
                output.display()
            );
        }
        if meta.is_dir() {
            if is_scan_output(input) {
                anyhow::bail!(
                    "--input {} is the output directory of an earlier `unspin scan` (it holds \
                     done/ markers), not a corpus; to scan the documents it wrote, pass its \
                     documents/ directory",
                    input.display()
                );
            }
            let mut files = Vec::new();
            walk(input, &output_abs, &mut files, &mut found)?;
            files.sort();
            let before = shards.len();
            for path in files {
                let Some(kind) = detect(&path) else {
                    found.not_shards.push(path);
                    continue;
                };
                let rel = path.strip_prefix(input).unwrap_or(&path);
                let label = slashed(rel);
                let name = match rel.parent().filter(|p| !p.as_os_str().is_empty()) {
                    Some(dir) => format!("{}/{}", slashed(dir), kind.stem),
                    None => kind.stem.clone(),
                };
                let canonical = std::fs::canonicalize(&path)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                shards.push(Shard {
                    path,
                    canonical,
                    kind,
                    name,
                    label,
                });
            }
            if shards.len() == before {
                found.empty_dirs.push(input.clone());
            }
        } else {
            let kind = detect(input).ok_or_else(|| {
                anyhow::anyhow!(
                    "--input {}: not a recognised shard (expected .jsonl[.gz|.zst], .parquet or .warc[.gz])",
                    input.display()
                )
            })?;
            let label = input
                .file_name()
                .map_or_else(|| slashed(input), |n| n.to_string_lossy().into_owned());
            shards.push(Shard {
                path: input.clone(),
                canonical,
                name: kind.stem.clone(),
                kind,
                label,
            });
        }
    }
    // Overlapping inputs (`--input in in/a`) reach the same file twice: the first wins.
    let mut files = std::collections::HashSet::new();
    for shard in shards {
        if files.insert(shard.canonical.clone()) {
            found.shards.push(shard);
        } else {
            found.duplicates.push(shard.path);
        }
    }
    let mut seen = std::collections::HashMap::new();
    for shard in &found.shards {
        if let Some(other) = seen.insert(shard.name.clone(), &shard.path) {
            anyhow::bail!(
                "{} and {} would both write outputs named `{}`; scan them into different --output directories",
                other.display(),
                shard.path.display(),
                shard.name
            );
        }
    }
    Ok(found)
}

/// `path` made absolute with symlinks resolved, whether or not it exists yet: its longest
/// existing ancestor is canonicalised and the rest appended.
fn absolute_resolved(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    loop {
        match std::fs::canonicalize(base) {
            Ok(resolved) => {
                return Ok(rest.iter().rev().fold(resolved, |p, c| p.join(c)));
            }
            Err(e) => match (base.parent(), base.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    base = parent;
                }
                _ => return Err(e),
            },
        }
    }
}

fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `dir` is the output directory of a scan: it holds the scan's lock file, or a
/// `done/` directory whose first marker reads as one (outputs of versions before the lock file).
pub fn is_scan_output(dir: &Path) -> bool {
    if dir.join(crate::output::LOCK_FILE).is_file() {
        return true;
    }
    let done = dir.join("done");
    done.is_dir() && first_marker_reads(&done, 0)
}

fn first_marker_reads(dir: &Path, depth: usize) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            if depth < 16 && first_marker_reads(&path, depth + 1) {
                return true;
            }
        } else if path.extension().is_some_and(|e| e == "json") {
            return std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| serde_json::from_str::<crate::output::Marker>(&t).ok())
                .is_some();
        }
    }
    false
}

fn walk(
    dir: &Path,
    output: &Path,
    files: &mut Vec<PathBuf>,
    found: &mut Inputs,
) -> anyhow::Result<()> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
        entries.push(entry);
    }
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        // Hidden files (`.DS_Store`, editors' `.x.jsonl.swp`, `.git/`) are not data.
        if entry.file_name().to_string_lossy().starts_with('.') {
            found.hidden.push(path);
            continue;
        }
        let is_dir = entry
            .file_type()
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            .is_dir();
        if is_dir {
            let own = std::fs::canonicalize(&path).is_ok_and(|p| p == output);
            if own || is_scan_output(&path) {
                found.scan_outputs.push(path);
                continue;
            }
            walk(&path, output, files, found)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A corrupt gzip member that the reader skips leaves the stream going: the shard is not
    /// cut short. A stream cut in the middle is.
    #[test]
    fn only_an_error_that_ends_the_stream_cuts_the_shard_short() {
        use std::io::Write;
        let gzip = |data: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let read_all = |bytes: Vec<u8>| {
            let broken = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let members = crate::record::GzipMembers::new(std::io::Cursor::new(bytes));
            let mut watched = super::Watched::new(members, broken.clone());
            let mut buf = [0u8; 4096];
            for _ in 0..100 {
                if let Ok(0) = std::io::Read::read(&mut watched, &mut buf) {
                    break;
                }
            }
            broken.load(std::sync::atomic::Ordering::Relaxed)
        };
        let mut members: Vec<Vec<u8>> = (1..=3)
            .map(|i| {
                gzip(
                    format!("{{\"id\":{i},\"text\":\"record {i}\"}}\n")
                        .repeat(50)
                        .as_bytes(),
                )
            })
            .collect();
        let middle = members[1].len() / 2;
        members[1][middle..middle + 6].copy_from_slice(&[0; 6]);
        assert!(!read_all(members.concat()));
        let whole = gzip(b"{\"id\":1,\"text\":\"one\"}\n");
        assert!(read_all(whole[..whole.len() / 2].to_vec()));
    }

    use super::*;

    #[test]
    fn long_lines_are_cut_without_being_held() {
        let mut input: &[u8] = b"short\nexactly8\n0123456789abcdef\nlast-no-newline";
        let mut line = Vec::new();
        let mut next = || {
            line.clear();
            let (n, cut) = read_line_limited(&mut input, &mut line, 8).unwrap();
            (String::from_utf8(line.clone()).unwrap(), n, cut)
        };
        assert_eq!(next(), ("short\n".into(), 6, false));
        assert_eq!(next(), ("exactly8\n".into(), 9, false));
        assert_eq!(next(), ("01234567".into(), 17, true));
        assert_eq!(next(), ("last-no-".into(), 15, true));
        assert_eq!(next(), ("".into(), 0, false));
        let mut input: &[u8] = b"12345678";
        let mut line = Vec::new();
        assert_eq!(
            read_line_limited(&mut input, &mut line, 8).unwrap(),
            (8, false)
        );
    }

    #[test]
    fn detects_formats_and_stems() {
        let k = detect(Path::new("a/en_000.jsonl.zst")).unwrap();
        assert_eq!(
            (k.format, k.compression, k.stem.as_str()),
            (Format::Jsonl, Compression::Zstd, "en_000")
        );
        // A JSONL shard's outputs keep its extensions as spelled, and its compression.
        assert_eq!(k.output_file(), (".jsonl.zst".into(), Compression::Zstd));
        let k = detect(Path::new("p0.JSON.GZ")).unwrap();
        assert_eq!(k.output_file(), (".JSON.GZ".into(), Compression::Gzip));
        let k = detect(Path::new("CC-MAIN-1.warc.gz")).unwrap();
        assert_eq!((k.format, k.stem.as_str()), (Format::Warc, "CC-MAIN-1"));
        assert_eq!(k.output_file(), (".jsonl.gz".into(), Compression::Gzip));
        let k = detect(Path::new("CC-MAIN-1.warc.wet.gz")).unwrap();
        assert_eq!((k.format, k.stem.as_str()), (Format::Warc, "CC-MAIN-1"));
        let k = detect(Path::new("part-0.parquet")).unwrap();
        assert_eq!(k.format, Format::Parquet);
        assert!(detect(Path::new("notes.txt")).is_none());
        assert!(detect(Path::new("x.parquet.gz")).is_none());
        assert!(detect(Path::new(".jsonl")).is_none());
    }
}
