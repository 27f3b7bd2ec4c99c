//! The on-disk index: immutable segments of fst + flat files, committed by renaming a manifest.
//!
//! Layout of an index directory:
//! ```text
//! MANIFEST            checksum line + JSON: parameters, segments (with the documents a later
//!                     `index add --replace` superseded), and per-file length + xxh3
//! LOCK                held (flock) by the one writer; readers never take it
//! seg-<gen>-<n>.fst   feature hash (u64 big-endian) → offset of its posting list in .post
//! seg-<gen>-<n>.post  posting lists: varint count, then varint deltas of segment-local doc numbers
//! seg-<gen>-<n>.ids   document ids: u32 little-endian length + UTF-8 bytes, in doc-number order
//! seg-<gen>-<n>.doff  (docs + 1) u64 little-endian offsets into .docs
//! seg-<gen>-<n>.docs  the document texts, one zstd frame each
//! ```
//! Why this shape (see docs/architecture.md, "Trace index"): a writer only ever creates new files
//! and then replaces `MANIFEST` with one `rename`, which POSIX makes atomic; so an `index add` that
//! is killed at any moment leaves the previous manifest, which names only complete, fsynced
//! segments. Readers read the manifest once and map the files it names; committed segment files are
//! never rewritten or deleted, so readers need no lock while a writer adds. Every file is checked
//! against the length recorded in the manifest when the index is opened, and every file but the
//! large `.docs` against its xxh3 too; each document frame carries zstd's content checksum, checked
//! when it is read. So a corrupt index is an error naming the file, never a wrong answer.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use fst::{Map, MapBuilder};
use memmap2::Mmap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::features::{features, Params};
use crate::error::{Error, Result};

const MANIFEST: &str = "MANIFEST";
const LOCK: &str = "LOCK";
const FORMAT_VERSION: u32 = 1;
/// A segment is closed (written out) after this many documents, to bound a writer's memory.
const SEGMENT_DOCS: usize = 100_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileMeta {
    pub name: String,
    pub len: u64,
    pub xxh3: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SegmentMeta {
    pub name: String,
    pub docs: u32,
    pub postings: u64,
    pub text_bytes: u64,
    pub files: Vec<FileMeta>,
    /// Segment-local numbers of documents superseded by a later version under the same id
    /// (`index add --replace`), sorted. Segment files are never rewritten, so a replaced
    /// document stays on disk but is never a candidate, an id or an export again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub generation: u64,
    pub params: Params,
    pub segments: Vec<SegmentMeta>,
}

impl Manifest {
    /// Documents in the index, not counting replaced ones.
    pub fn docs(&self) -> u64 {
        self.segments
            .iter()
            .map(|s| (s.docs as u64).saturating_sub(s.removed.len() as u64))
            .sum()
    }
}

fn corrupt(path: &Path, message: impl Into<String>) -> Error {
    Error::parse(
        path,
        None,
        format!(
            "corrupt index: {} (rebuild the index, or restore it from a copy)",
            message.into()
        ),
    )
}

fn xxh3_hex(bytes: &[u8]) -> String {
    format!("{:016x}", twox_hash::XxHash3_64::oneshot(bytes))
}

/// An index is a directory: a file named in its place (the article given as `--index`, or the
/// two arguments swapped) gets an error that says so, not the system's "Not a directory".
fn check_is_not_a_file(dir: &Path) -> Result<()> {
    if dir.is_file() {
        return Err(Error::Invalid(format!(
            "{}: a file, not an index directory (--index names the directory that `unspin index add` builds)",
            dir.display()
        )));
    }
    Ok(())
}

fn read_manifest(dir: &Path) -> Result<Option<Manifest>> {
    check_is_not_a_file(dir)?;
    let path = dir.join(MANIFEST);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let Some(nl) = bytes.iter().position(|&b| b == b'\n') else {
        return Err(corrupt(&path, "no checksum line"));
    };
    let (head, body) = (&bytes[..nl], &bytes[nl + 1..]);
    if head != xxh3_hex(body).as_bytes() {
        return Err(corrupt(&path, "checksum mismatch"));
    }
    let m: Manifest = serde_json::from_slice(body).map_err(|e| corrupt(&path, e.to_string()))?;
    if m.format != FORMAT_VERSION {
        return Err(Error::parse(
            &path,
            None,
            format!(
                "index format {} is not supported (this unspin reads format {FORMAT_VERSION})",
                m.format
            ),
        ));
    }
    Ok(Some(m))
}

fn fsync_dir(dir: &Path) -> Result<()> {
    // Directory fsync makes the rename durable; not supported everywhere, and harmless to skip.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn write_manifest(dir: &Path, m: &Manifest) -> Result<()> {
    let body = serde_json::to_vec_pretty(m).map_err(|e| Error::Invalid(e.to_string()))?;
    let tmp = dir.join(format!("{MANIFEST}.tmp"));
    {
        let mut f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut all = xxh3_hex(&body).into_bytes();
        all.push(b'\n');
        all.extend_from_slice(&body);
        f.write_all(&all).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    }
    let path = dir.join(MANIFEST);
    fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    fsync_dir(dir)
}

/// File bytes: memory-mapped, or owned when the file is empty (an empty file cannot be mapped).
enum Bytes {
    Map(Mmap),
    Empty,
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Map(m) => m,
            Bytes::Empty => &[],
        }
    }
}

fn map_file(dir: &Path, meta: &FileMeta, verify: bool) -> Result<Bytes> {
    let path = dir.join(&meta.name);
    let file = File::open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            corrupt(&path, "a file the manifest names is missing")
        } else {
            Error::io(&path, e)
        }
    })?;
    let len = file.metadata().map_err(|e| Error::io(&path, e))?.len();
    if len != meta.len {
        return Err(corrupt(
            &path,
            format!("{len} bytes, the manifest says {}", meta.len),
        ));
    }
    let bytes = if len == 0 {
        Bytes::Empty
    } else {
        // SAFETY: committed segment files are never modified or truncated by unspin; a file changed
        // by another program under us is caught by the checksum below when it happens before open.
        Bytes::Map(unsafe { Mmap::map(&file) }.map_err(|e| Error::io(&path, e))?)
    };
    if verify && xxh3_hex(bytes.as_ref()) != meta.xxh3 {
        return Err(corrupt(&path, "checksum mismatch"));
    }
    Ok(bytes)
}

struct Segment {
    base: u32,
    fst: Map<Bytes>,
    post: Bytes,
    doff: Bytes,
    docs: Bytes,
    ids: Vec<String>,
    dir: PathBuf,
    name: String,
    /// Superseded documents (segment-local numbers, sorted): see [`SegmentMeta::removed`].
    removed: Vec<u32>,
}

fn read_varint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl Segment {
    fn open(dir: &Path, meta: &SegmentMeta, base: u32) -> Result<Segment> {
        let file = |ext: &str| -> Result<Bytes> {
            let want = format!("{}.{ext}", meta.name);
            let fm = meta.files.iter().find(|f| f.name == want).ok_or_else(|| {
                corrupt(
                    &dir.join(MANIFEST),
                    format!("segment file {want} not listed"),
                )
            })?;
            // Document texts carry a checksum per zstd frame, checked on every read.
            map_file(dir, fm, ext != "docs")
        };
        let fst_bytes = file("fst")?;
        let fst_path = dir.join(format!("{}.fst", meta.name));
        let fst = Map::new(fst_bytes).map_err(|e| corrupt(&fst_path, e.to_string()))?;
        let ids_bytes = file("ids")?;
        let ids_path = dir.join(format!("{}.ids", meta.name));
        let mut ids = Vec::with_capacity(meta.docs as usize);
        let b = ids_bytes.as_ref();
        let mut pos = 0;
        while pos < b.len() {
            let len = b
                .get(pos..pos + 4)
                .map(|l| u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize)
                .ok_or_else(|| corrupt(&ids_path, "truncated"))?;
            pos += 4;
            let s = b
                .get(pos..pos + len)
                .and_then(|s| std::str::from_utf8(s).ok())
                .ok_or_else(|| corrupt(&ids_path, "bad id record"))?;
            ids.push(s.to_string());
            pos += len;
        }
        if ids.len() != meta.docs as usize {
            return Err(corrupt(&ids_path, "document count differs from manifest"));
        }
        let doff = file("doff")?;
        if doff.as_ref().len() != (meta.docs as usize + 1) * 8 {
            return Err(corrupt(
                &dir.join(format!("{}.doff", meta.name)),
                "wrong size",
            ));
        }
        if meta.removed.iter().any(|&d| d >= meta.docs)
            || !meta.removed.windows(2).all(|w| w[0] < w[1])
        {
            return Err(corrupt(
                &dir.join(MANIFEST),
                format!("segment {}: bad list of replaced documents", meta.name),
            ));
        }
        Ok(Segment {
            removed: meta.removed.clone(),
            base,
            fst,
            post: file("post")?,
            doff,
            docs: file("docs")?,
            ids,
            dir: dir.to_path_buf(),
            name: meta.name.clone(),
        })
    }

    fn postings(&self, feature: u64, out: &mut Vec<u32>) -> Result<()> {
        let Some(off) = self.fst.get(feature.to_be_bytes()) else {
            return Ok(());
        };
        let b = self.post.as_ref();
        let mut pos = off as usize;
        let bad = || {
            corrupt(
                &self.dir.join(format!("{}.post", self.name)),
                "bad posting list",
            )
        };
        let n = read_varint(b, &mut pos).ok_or_else(bad)?;
        let mut doc = 0u64;
        for i in 0..n {
            let d = read_varint(b, &mut pos).ok_or_else(bad)?;
            doc = if i == 0 { d } else { doc + d };
            if doc >= self.ids.len() as u64 {
                return Err(bad());
            }
            if !self.is_removed(doc as u32) {
                out.push(self.base + doc as u32);
            }
        }
        Ok(())
    }

    fn is_removed(&self, local: u32) -> bool {
        self.removed.binary_search(&local).is_ok()
    }

    /// The documents not replaced: (segment-local number, id), in order.
    fn live(&self) -> impl Iterator<Item = (u32, &str)> {
        (0..self.ids.len() as u32)
            .filter(|&d| !self.is_removed(d))
            .map(|d| (d, self.ids[d as usize].as_str()))
    }

    fn text(&self, local: usize) -> Result<String> {
        let o = self.doff.as_ref();
        let at = |i: usize| {
            let b = &o[i * 8..i * 8 + 8];
            u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize
        };
        let (lo, hi) = (at(local), at(local + 1));
        let path = self.dir.join(format!("{}.docs", self.name));
        let frame = self
            .docs
            .as_ref()
            .get(lo..hi)
            .ok_or_else(|| corrupt(&path, "bad document offsets"))?;
        let raw = zstd::decode_all(frame).map_err(|e| corrupt(&path, e.to_string()))?;
        String::from_utf8(raw).map_err(|_| corrupt(&path, "document is not UTF-8"))
    }
}

/// A read-only view of an index: the manifest as it was when opened, and its segments.
pub struct Index {
    dir: PathBuf,
    manifest: Manifest,
    segments: Vec<Segment>,
    /// Documents that are not replaced (document numbers count replaced ones too).
    live: u32,
}

/// A document number inside one opened [`Index`].
pub type DocNo = u32;

impl Index {
    /// Open an index for reading. Fails with a clear error when the directory holds no index or a
    /// file does not match its checksum.
    pub fn open(dir: &Path) -> Result<Index> {
        let manifest = read_manifest(dir)?.ok_or_else(|| {
            Error::Invalid(format!(
                "{}: no index here (no MANIFEST); create one with `unspin index add --index {} FILE...`",
                dir.display(),
                dir.display()
            ))
        })?;
        let mut segments = Vec::with_capacity(manifest.segments.len());
        let mut base = 0u32;
        for s in &manifest.segments {
            segments.push(Segment::open(dir, s, base)?);
            base += s.docs;
        }
        let live = manifest.docs() as u32;
        Ok(Index {
            dir: dir.to_path_buf(),
            manifest,
            segments,
            live,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }
    pub fn params(&self) -> &Params {
        &self.manifest.params
    }
    /// Documents in the index, not counting replaced ones.
    pub fn len(&self) -> usize {
        self.live as usize
    }
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The numbers of the documents that are not replaced, in order.
    pub fn doc_numbers(&self) -> impl Iterator<Item = DocNo> + '_ {
        self.segments
            .iter()
            .flat_map(|s| s.live().map(move |(d, _)| s.base + d))
    }

    fn segment(&self, doc: DocNo) -> Option<(&Segment, usize)> {
        let i = self
            .segments
            .partition_point(|s| s.base + s.ids.len() as u32 <= doc);
        let s = self.segments.get(i)?;
        Some((s, (doc - s.base) as usize))
    }

    pub fn id(&self, doc: DocNo) -> Option<&str> {
        self.segment(doc).map(|(s, i)| s.ids[i].as_str())
    }

    pub fn text(&self, doc: DocNo) -> Result<String> {
        let (s, i) = self
            .segment(doc)
            .ok_or_else(|| Error::Invalid(format!("no document {doc}")))?;
        s.text(i)
    }

    /// All document numbers whose sampled features include `feature`.
    pub fn postings(&self, feature: u64, out: &mut Vec<u32>) -> Result<()> {
        for s in &self.segments {
            s.postings(feature, out)?;
        }
        Ok(())
    }

    /// Stage one of tracing: documents sharing sampled features with `text`, scored by the sum of
    /// the inverse document frequencies of the shared features. Best first, at most `n`.
    pub fn candidates(&self, text: &str, n: usize) -> Result<Vec<(DocNo, f64)>> {
        let feats = features(text, &self.manifest.params);
        let total = self.live.max(1) as f64;
        // A feature in more than this many documents is boilerplate ("in the ~ of the ~").
        let max_df = (self.live as usize / 20).max(50);
        let mut scores: HashMap<DocNo, f64> = HashMap::new();
        let mut buf = Vec::new();
        for (f, _) in feats {
            buf.clear();
            self.postings(f, &mut buf)?;
            if buf.is_empty() || buf.len() > max_df {
                continue;
            }
            let idf = (1.0 + total / buf.len() as f64).ln();
            for &d in &buf {
                *scores.entry(d).or_insert(0.0) += idf;
            }
        }
        let mut v: Vec<(DocNo, f64)> = scores.into_iter().collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(n);
        Ok(v)
    }

    /// Every document id, in document-number order (replaced documents left out).
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.segments
            .iter()
            .flat_map(|s| s.live().map(|(_, id)| id))
    }
}

/// One zstd frame with a content checksum, so that a damaged document is caught when it is read
/// (the `.docs` file is too large to hash in full each time an index is opened).
fn compress(text: &[u8]) -> Vec<u8> {
    let mut enc = zstd::stream::Encoder::new(Vec::with_capacity(text.len() / 3), 3)
        .expect("zstd encoder with default parameters");
    enc.include_checksum(true).expect("zstd checksum flag");
    enc.write_all(text).expect("writing to memory");
    enc.finish().expect("finishing to memory")
}

/// What happened to one document given to [`IndexWriter::add_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    Added,
    /// Added in place of the document the index held under the same id (a writer opened with
    /// `replace`).
    Replaced,
    /// An id already in the index: skipped, the indexed one is kept (a writer opened with
    /// `replace` replaces it instead).
    DuplicateId,
    /// An id given earlier to this writer: skipped, the first one is kept, replacing or not.
    RepeatedId,
}

struct SegmentBuilder {
    name: String,
    postings: HashMap<u64, Vec<u32>>,
    ids: Vec<String>,
    doff: Vec<u64>,
    docs: BufWriter<File>,
    docs_path: PathBuf,
    docs_len: u64,
    text_bytes: u64,
}

/// The one writer of an index. Holds `LOCK` while alive; nothing it adds is visible to readers, nor
/// survives a crash, before [`IndexWriter::commit`] returns.
pub struct IndexWriter {
    dir: PathBuf,
    _lock: File,
    manifest: Manifest,
    /// Ids of committed documents, with where they are: (segment index in the manifest,
    /// segment-local number).
    committed: HashMap<String, (usize, u32)>,
    /// Ids added by this writer.
    ids: HashSet<String>,
    /// Whether a document whose id is committed replaces the committed one (else it is skipped).
    replace: bool,
    /// Committed documents replaced by this writer, applied to the manifest on commit.
    removals: Vec<(usize, u32)>,
    current: Option<SegmentBuilder>,
    new_segments: Vec<SegmentMeta>,
    seq: u32,
}

impl IndexWriter {
    /// Open (or create) the index in `dir` for adding. `params` apply to a new index; an existing
    /// index keeps the parameters it was built with.
    pub fn open(dir: &Path, params: Params) -> Result<IndexWriter> {
        check_is_not_a_file(dir)?;
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock_path = dir.join(LOCK);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(Error::Invalid(format!(
                    "{}: another `unspin index add` is writing this index (LOCK is held); wait for it to finish",
                    dir.display()
                )))
            }
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        let manifest = match read_manifest(dir)? {
            Some(m) => m,
            None => Manifest {
                format: FORMAT_VERSION,
                generation: 0,
                params,
                segments: Vec::new(),
            },
        };
        // Files of writers that were killed before committing: nobody references them.
        let live: HashSet<String> = manifest
            .segments
            .iter()
            .flat_map(|s| s.files.iter().map(|f| f.name.clone()))
            .collect();
        if let Ok(rd) = fs::read_dir(dir) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if (name.starts_with("seg-") && !live.contains(&name))
                    || name == format!("{MANIFEST}.tmp")
                {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        // Ids already present: check the existing segments fully (this also refuses to add to a
        // corrupt index).
        let mut committed = HashMap::new();
        if !manifest.segments.is_empty() {
            let idx = Index::open(dir)?;
            for (si, s) in idx.segments.iter().enumerate() {
                for (local, id) in s.live() {
                    committed.insert(id.to_string(), (si, local));
                }
            }
        }
        Ok(IndexWriter {
            dir: dir.to_path_buf(),
            _lock: lock,
            manifest,
            committed,
            ids: HashSet::new(),
            replace: false,
            removals: Vec::new(),
            current: None,
            new_segments: Vec::new(),
            seq: 0,
        })
    }

    pub fn params(&self) -> &Params {
        &self.manifest.params
    }

    /// Whether a document whose id the index already holds replaces it (an edited article
    /// indexed again) instead of being skipped.
    pub fn replacing(mut self, replace: bool) -> Self {
        self.replace = replace;
        self
    }

    /// Fingerprint and store a batch of `(id, text)` documents (in parallel).
    pub fn add_batch(&mut self, docs: Vec<(String, String)>) -> Result<Vec<Added>> {
        let params = self.manifest.params.clone();
        let prepared: Vec<(String, Vec<u64>, Vec<u8>, usize)> = docs
            .into_par_iter()
            .map(|(id, text)| {
                let mut f: Vec<u64> = features(&text, &params).into_iter().map(|x| x.0).collect();
                f.sort_unstable();
                let z = compress(text.as_bytes());
                (id, f, z, text.len())
            })
            .collect();
        let mut out = Vec::with_capacity(prepared.len());
        for (id, feats, z, text_len) in prepared {
            // The first document of this run under an id is kept; a committed one is kept too
            // unless this writer replaces.
            if self.ids.contains(&id) {
                out.push(Added::RepeatedId);
                continue;
            }
            if !self.replace && self.committed.contains_key(&id) {
                out.push(Added::DuplicateId);
                continue;
            }
            let replaced = self.committed.remove(&id);
            if let Some(old) = replaced {
                self.removals.push(old);
            }
            self.ids.insert(id.clone());
            if self.current.is_none() {
                self.current = Some(self.start_segment()?);
            }
            let seg = self.current.as_mut().expect("just set");
            let local = seg.ids.len() as u32;
            for f in feats {
                seg.postings.entry(f).or_default().push(local);
            }
            seg.docs
                .write_all(&z)
                .map_err(|e| Error::io(&seg.docs_path, e))?;
            seg.docs_len += z.len() as u64;
            seg.doff.push(seg.docs_len);
            seg.ids.push(id);
            seg.text_bytes += text_len as u64;
            out.push(if replaced.is_some() {
                Added::Replaced
            } else {
                Added::Added
            });
            if seg.ids.len() >= SEGMENT_DOCS {
                self.finish_segment()?;
            }
        }
        Ok(out)
    }

    fn start_segment(&mut self) -> Result<SegmentBuilder> {
        self.seq += 1;
        let name = format!(
            "seg-{:06}-{:04}-{:08x}",
            self.manifest.generation + 1,
            self.seq,
            std::process::id()
        );
        let docs_path = self.dir.join(format!("{name}.docs"));
        let f = File::create(&docs_path).map_err(|e| Error::io(&docs_path, e))?;
        Ok(SegmentBuilder {
            name,
            postings: HashMap::new(),
            ids: Vec::new(),
            doff: vec![0],
            docs: BufWriter::new(f),
            docs_path,
            docs_len: 0,
            text_bytes: 0,
        })
    }

    fn finish_segment(&mut self) -> Result<()> {
        let Some(seg) = self.current.take() else {
            return Ok(());
        };
        let dir = self.dir.clone();
        let write = |name: String, bytes: &[u8]| -> Result<FileMeta> {
            let path = dir.join(&name);
            let mut f = File::create(&path).map_err(|e| Error::io(&path, e))?;
            f.write_all(bytes).map_err(|e| Error::io(&path, e))?;
            f.sync_all().map_err(|e| Error::io(&path, e))?;
            Ok(FileMeta {
                name,
                len: bytes.len() as u64,
                xxh3: xxh3_hex(bytes),
            })
        };
        let mut keys: Vec<(&u64, &Vec<u32>)> = seg.postings.iter().collect();
        keys.sort_unstable_by_key(|k| *k.0);
        let mut post = Vec::new();
        let mut fst = MapBuilder::memory();
        let mut n_postings = 0u64;
        for (k, docs) in keys {
            fst.insert(k.to_be_bytes(), post.len() as u64)
                .map_err(|e| Error::Invalid(e.to_string()))?;
            write_varint(&mut post, docs.len() as u64);
            let mut prev = 0u32;
            for (i, &d) in docs.iter().enumerate() {
                write_varint(&mut post, if i == 0 { d } else { d - prev } as u64);
                prev = d;
            }
            n_postings += docs.len() as u64;
        }
        let fst = fst
            .into_inner()
            .map_err(|e| Error::Invalid(e.to_string()))?;
        let mut ids = Vec::new();
        for id in &seg.ids {
            ids.extend_from_slice(&(id.len() as u32).to_le_bytes());
            ids.extend_from_slice(id.as_bytes());
        }
        let doff: Vec<u8> = seg.doff.iter().flat_map(|o| o.to_le_bytes()).collect();
        let mut files = vec![
            write(format!("{}.fst", seg.name), &fst)?,
            write(format!("{}.post", seg.name), &post)?,
            write(format!("{}.ids", seg.name), &ids)?,
            write(format!("{}.doff", seg.name), &doff)?,
        ];
        let f = seg
            .docs
            .into_inner()
            .map_err(|e| Error::io(&seg.docs_path, e.into_error()))?;
        f.sync_all().map_err(|e| Error::io(&seg.docs_path, e))?;
        drop(f);
        let docs_bytes = fs::read(&seg.docs_path).map_err(|e| Error::io(&seg.docs_path, e))?;
        files.push(FileMeta {
            name: format!("{}.docs", seg.name),
            len: docs_bytes.len() as u64,
            xxh3: xxh3_hex(&docs_bytes),
        });
        self.new_segments.push(SegmentMeta {
            name: seg.name,
            docs: seg.ids.len() as u32,
            postings: n_postings,
            text_bytes: seg.text_bytes,
            files,
            removed: Vec::new(),
        });
        Ok(())
    }

    /// Make everything added so far visible, atomically. Returns the number of documents now in
    /// the index.
    pub fn commit(mut self) -> Result<u64> {
        self.finish_segment()?;
        if self.new_segments.is_empty()
            && self.removals.is_empty()
            && self.dir.join(MANIFEST).exists()
        {
            return Ok(self.manifest.docs());
        }
        for (segment, local) in self.removals.drain(..) {
            let removed = &mut self.manifest.segments[segment].removed;
            if let Err(at) = removed.binary_search(&local) {
                removed.insert(at, local);
            }
        }
        self.manifest.generation += 1;
        self.manifest.segments.append(&mut self.new_segments);
        write_manifest(&self.dir, &self.manifest)?;
        Ok(self.manifest.docs())
    }
}
