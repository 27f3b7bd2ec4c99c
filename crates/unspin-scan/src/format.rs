//! Shard formats, recognised by file name, and the decompressing readers under them.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
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
}

/// Recognise a shard by its extensions: `.jsonl`/`.ndjson`/`.json` (optionally `.gz`/`.zst`),
/// `.parquet`/`.pq`, `.warc` (optionally `.gz`). `None` for anything else.
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
    Ok(match compression {
        Compression::None => Box::new(BufReader::with_capacity(BUF, counted)),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUF,
            flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUF, counted)),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            BUF,
            zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(BUF, counted))?,
        )),
    })
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

/// The shards to scan, and the files met in the input directories that are not shards.
pub struct Inputs {
    pub shards: Vec<(PathBuf, ShardKind, String)>,
    /// Files under an input directory that are not recognised shards (reported, not read).
    pub not_shards: Vec<PathBuf>,
}

/// Expand the inputs: files are taken as they are (an unrecognised one is an error, named);
/// directories are walked recursively and their recognised shards taken in sorted order, except
/// under `exclude` (the scan's own output directory, which may lie inside an input directory:
/// its markers and outputs are not inputs). Each shard gets a name for its outputs: the stem,
/// prefixed by its directory relative to the input directory, so shards of one tree keep their
/// layout.
pub fn expand_inputs(inputs: &[PathBuf], exclude: &Path) -> anyhow::Result<Inputs> {
    let exclude = std::fs::canonicalize(exclude).ok();
    let mut shards = Vec::new();
    let mut not_shards = Vec::new();
    for input in inputs {
        let meta =
            std::fs::metadata(input).map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(input, exclude.as_deref(), &mut found)?;
            found.sort();
            for path in found {
                let Some(kind) = detect(&path) else {
                    not_shards.push(path);
                    continue;
                };
                let rel = path.strip_prefix(input).unwrap_or(&path);
                let name = match rel.parent().filter(|p| !p.as_os_str().is_empty()) {
                    Some(dir) => format!("{}/{}", dir.to_string_lossy(), kind.stem),
                    None => kind.stem.clone(),
                };
                shards.push((path, kind, name));
            }
        } else {
            let kind = detect(input).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: not a recognised shard (expected .jsonl[.gz|.zst], .parquet or .warc[.gz])",
                    input.display()
                )
            })?;
            let name = kind.stem.clone();
            shards.push((input.clone(), kind, name));
        }
    }
    let mut seen = std::collections::HashMap::new();
    for (path, _, name) in &shards {
        if let Some(other) = seen.insert(name.clone(), path.clone()) {
            anyhow::bail!(
                "{} and {} would both write outputs named `{name}`; scan them into different --output directories",
                other.display(),
                path.display()
            );
        }
    }
    Ok(Inputs { shards, not_shards })
}

fn walk(dir: &Path, exclude: Option<&Path>, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            if exclude.is_some() && std::fs::canonicalize(&path).ok().as_deref() == exclude {
                continue;
            }
            walk(&path, exclude, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
        let k = detect(Path::new("CC-MAIN-1.warc.gz")).unwrap();
        assert_eq!((k.format, k.stem.as_str()), (Format::Warc, "CC-MAIN-1"));
        let k = detect(Path::new("part-0.parquet")).unwrap();
        assert_eq!(k.format, Format::Parquet);
        assert!(detect(Path::new("notes.txt")).is_none());
        assert!(detect(Path::new("x.parquet.gz")).is_none());
        assert!(detect(Path::new(".jsonl")).is_none());
    }
}
