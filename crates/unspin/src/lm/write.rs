//! Writing model files: n-grams in sorted order in, one model file out.
//!
//! Each order's fst map is streamed to its own temporary file (fst builds from sorted keys with
//! bounded memory), then the header is written and the sections are copied behind it. The output
//! goes to a temporary file in the target directory and is renamed at the end, so an interrupted
//! build never leaves a half-written model under the final name.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::format::{
    payload_offset, Header, ModelKind, Section, Source, TableSection, FORMAT_VERSION, MAGIC,
    MAX_ORDER,
};
use super::table::NgramTable;
use crate::error::{Error, Result};

/// Streams n-grams (grouped by order, keys sorted within an order) into fst sections.
pub struct SectionsWriter {
    dir: tempfile::TempDir,
    out: PathBuf,
    order: usize,
    current: Option<(usize, fst::MapBuilder<BufWriter<File>>)>,
    /// Finished sections: (order, temp path).
    done: Vec<(usize, PathBuf)>,
    counts: Vec<u64>,
    hash_table: bool,
}

impl SectionsWriter {
    /// `out` is the final model path (only used for error messages until [`Self::finish`]).
    pub fn new(out: &Path, order: usize, temp_dir: Option<&Path>) -> Result<Self> {
        if order == 0 || order > MAX_ORDER {
            return Err(Error::Invalid(format!(
                "n-gram order {order} is out of range 1..={MAX_ORDER}"
            )));
        }
        let dir = match temp_dir {
            Some(d) => tempfile::Builder::new().prefix("unspin-lm-").tempdir_in(d),
            None => tempfile::Builder::new().prefix("unspin-lm-").tempdir(),
        }
        .map_err(|e| Error::io(temp_dir.unwrap_or(Path::new("$TMPDIR")), e))?;
        Ok(SectionsWriter {
            dir,
            out: out.to_path_buf(),
            order,
            current: None,
            done: Vec::new(),
            counts: vec![0; order],
            hash_table: false,
        })
    }

    /// Write the n-gram hash table after the sections (models of counts only).
    pub fn with_hash_table(mut self, yes: bool) -> Self {
        self.hash_table = yes;
        self
    }

    /// n-grams pushed so far, per order.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Add one n-gram. Orders must come in increasing order, keys sorted bytewise within one.
    pub fn push(&mut self, order: usize, key: &[u8], value: u64) -> Result<()> {
        if order == 0 || order > self.order {
            return Err(Error::Invalid(format!(
                "n-gram of order {order} in a model of order {}",
                self.order
            )));
        }
        if self.current.as_ref().map(|(o, _)| *o) != Some(order) {
            self.finish_section()?;
            if self.done.last().is_some_and(|(o, _)| *o >= order) {
                return Err(Error::Invalid(format!(
                    "n-grams of order {order} after higher orders (input not grouped by order)"
                )));
            }
            let path = self.dir.path().join(format!("order{order}.fst"));
            let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
            let b = fst::MapBuilder::new(BufWriter::with_capacity(1 << 20, f))
                .map_err(|e| fst_error(&path, e))?;
            self.current = Some((order, b));
        }
        let (_, b) = self.current.as_mut().expect("set above");
        b.insert(key, value).map_err(|e| match e {
            fst::Error::Fst(fst::raw::Error::OutOfOrder { .. })
            | fst::Error::Fst(fst::raw::Error::DuplicateKey { .. }) => Error::Invalid(format!(
                "n-gram {:?} (order {order}) is out of order or repeated",
                String::from_utf8_lossy(key)
            )),
            e => fst_error(&self.out, e),
        })?;
        self.counts[order - 1] += 1;
        Ok(())
    }

    fn finish_section(&mut self) -> Result<()> {
        if let Some((order, b)) = self.current.take() {
            let path = self.dir.path().join(format!("order{order}.fst"));
            let w = b.into_inner().map_err(|e| fst_error(&path, e))?;
            w.into_inner()
                .map_err(|e| Error::io(&path, e.into_error()))?
                .sync_all()
                .ok();
            self.done.push((order, path));
        }
        Ok(())
    }

    /// Write the model file. `header` supplies kind, totals, pruning and sources; sections,
    /// counts and the checksum are filled in here. Returns the header as written.
    pub fn finish(mut self, mut header: Header) -> Result<Header> {
        self.finish_section()?;
        // Orders with no n-gram at all still get an (empty) section, so section i is order i+1.
        for order in 1..=self.order {
            if !self.done.iter().any(|(o, _)| *o == order) {
                let path = self.dir.path().join(format!("order{order}.fst"));
                let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
                let b = fst::MapBuilder::new(BufWriter::new(f)).map_err(|e| fst_error(&path, e))?;
                b.finish().map_err(|e| fst_error(&path, e))?;
                self.done.push((order, path));
            }
        }
        self.done.sort_by_key(|(o, _)| *o);

        let mut crc = crc32fast::Hasher::new();
        let mut sections = Vec::new();
        let mut offset = 0u64;
        let mut buf = vec![0u8; 1 << 20];
        for (order, path) in &self.done {
            let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
            let mut length = 0u64;
            loop {
                let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
                if n == 0 {
                    break;
                }
                crc.update(&buf[..n]);
                length += n as u64;
            }
            sections.push(Section {
                order: *order,
                offset,
                length,
            });
            offset += length;
        }
        let table = if self.hash_table && header.kind == ModelKind::Counts {
            let mut maps = Vec::with_capacity(self.done.len());
            for (_, path) in &self.done {
                let file = File::open(path).map_err(|e| Error::io(path, e))?;
                // SAFETY: our own temporary file, which nothing else writes while it is mapped.
                let mmap = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
                maps.push(fst::Map::new(mmap).map_err(|e| fst_error(path, e))?);
            }
            let table = NgramTable::from_maps(&maps)
                .ok_or_else(|| Error::Invalid("no memory for the n-gram hash table".to_string()))?;
            let length = table.as_bytes().len() as u64;
            crc.update(table.as_bytes());
            header.hash_table = Some(TableSection { offset, length });
            offset += length;
            Some(table)
        } else {
            header.hash_table = None;
            None
        };
        header.order = self.order;
        header.counts = self.counts.clone();
        header.sections = sections;
        header.payload_length = offset;
        header.payload_crc32 = crc.finalize();
        if header.created_by.is_empty() {
            header.created_by = format!("unspin {}", env!("CARGO_PKG_VERSION"));
        }

        let json = serde_json::to_vec(&header).map_err(|e| Error::Invalid(e.to_string()))?;
        let out_dir = match self.out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".unspin-model-")
            .tempfile_in(&out_dir)
            .map_err(|e| Error::io(&out_dir, e))?;
        {
            let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
            let io = |e| Error::io(&self.out, e);
            w.write_all(MAGIC).map_err(io)?;
            w.write_all(&FORMAT_VERSION.to_le_bytes()).map_err(io)?;
            w.write_all(&(json.len() as u32).to_le_bytes())
                .map_err(io)?;
            w.write_all(&json).map_err(io)?;
            let pad = payload_offset(json.len()) - 16 - json.len();
            w.write_all(&[0u8; 8][..pad]).map_err(io)?;
            for (_, path) in &self.done {
                let f = File::open(path).map_err(|e| Error::io(path, e))?;
                std::io::copy(&mut BufReader::new(f), &mut w).map_err(io)?;
            }
            if let Some(table) = &table {
                w.write_all(table.as_bytes()).map_err(io)?;
            }
            w.flush().map_err(io)?;
        }
        // Temporary files are created private (0600); a model is an ordinary readable file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        tmp.persist(&self.out)
            .map_err(|e| Error::io(&self.out, e.error))?;
        Ok(header)
    }
}

/// A header template for [`SectionsWriter::finish`].
pub fn header_template(kind: ModelKind, sources: Vec<Source>) -> Header {
    Header {
        kind,
        order: 0,
        counts: Vec::new(),
        total_words: 0,
        min_count: 0,
        prune_from_order: 0,
        sentence_markers: false,
        sources,
        created_by: String::new(),
        sections: Vec::new(),
        hash_table: None,
        payload_length: 0,
        payload_crc32: 0,
    }
}

fn fst_error(path: &Path, e: fst::Error) -> Error {
    match e {
        fst::Error::Io(io) => Error::io(path, io),
        e => Error::Invalid(format!("{}: {e}", path.display())),
    }
}
