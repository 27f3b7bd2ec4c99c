//! Inputs: files, directories (walked with `ignore`), stdin, and JSONL records, plain or
//! compressed (`.gz`, `.zst`).
//!
//! Reading never stops at a bad input: each problem is reported to the [`Sink`] with the input's
//! name, and the other inputs are still read.
//!
//! Memory stays bounded whatever the input size: plain text is read in parts of about
//! [`PART_BYTES`], cut at line ends, and each part is checked on its own (offsets and line
//! numbers stay relative to the whole file); JSONL is read record by record. HTML and Markdown are
//! parsed whole, so they are limited to `--max-size` (default [`MARKUP_MAX_DEFAULT`]).

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use unspin::text::Format;

/// Target size of one part of a large plain-text input.
pub const PART_BYTES: usize = 8 << 20;
/// Largest document `trace` and `index add` hold whole (plain text as well), unless
/// `--max-size` says otherwise.
pub const WHOLE_MAX_DEFAULT: u64 = MARKUP_MAX_DEFAULT;
/// Largest HTML/Markdown input parsed whole, unless `--max-size` says otherwise.
pub const MARKUP_MAX_DEFAULT: u64 = 256 << 20;
/// Largest JSONL record, unless `--max-size` says otherwise.
pub const RECORD_MAX_DEFAULT: u64 = 256 << 20;

/// How to read the inputs' contents (`--input-format`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// By file extension: .html/.htm, .md/.markdown, .jsonl/.ndjson, anything else plain text,
    /// except that stdin and a file whose name tells nothing (not .txt) are HTML when they
    /// begin as a page does.
    Auto,
    Plain,
    Markdown,
    Html,
    /// One JSON record per line; the text is in `--jsonl-field`.
    Jsonl,
}

/// How [`read_all`] reads its inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub format: InputFormat,
    /// The string field of each JSONL record that is checked.
    pub jsonl_field: String,
    /// The field of each JSONL record that holds its id ([`Part::id`]).
    pub id_field: String,
    /// Inputs larger than this are skipped with a message (plain text: no limit by default).
    pub max_size: Option<u64>,
    /// The command's flag that names the JSONL field, and the verb of its work, for messages
    /// ("choose one with --jsonl-field", "nothing to check").
    pub field_flag: &'static str,
    pub verb: &'static str,
    /// A directory that a walk passes over (canonical path): `restore --out-dir`'s, so that a
    /// run never reads what it or an earlier run wrote there.
    pub skip_dir: Option<PathBuf>,
    /// The encoding inputs are in (`--encoding`), transcoded to UTF-8 as they are read; `None`
    /// for UTF-8.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Set by [`read_docs`], whose caller holds each document whole: plain text too is then
    /// limited by `max_size` ([`whole_document_options`]), and the message says why.
    pub held_whole: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: InputFormat::Auto,
            jsonl_field: "text".into(),
            id_field: "id".into(),
            max_size: None,
            field_flag: "--jsonl-field",
            verb: "check",
            skip_dir: None,
            encoding: None,
            held_whole: false,
        }
    }
}

/// One part of one document: the whole document, or a slice of a large plain-text file.
pub struct Part<'a> {
    /// How the document is named in output: a path, `-`, or `path:line` for a JSONL record.
    pub name: &'a str,
    /// The source text of this part.
    pub text: &'a str,
    pub format: Format,
    /// Byte offset of `text` in the document.
    pub offset: u64,
    /// Number of lines in the document before `text`.
    pub line: u64,
    /// Characters of `text`'s first line that lie before it (a part cut inside a long line).
    pub column: u64,
    /// The first part of its document.
    pub first: bool,
    /// The last part of its document.
    pub last: bool,
    /// The `id` field of a JSONL record, when it has one (a string or a number, written back as
    /// it was given).
    pub id: Option<&'a serde_json::Value>,
    /// For a JSONL record: the file it is in and its 1-based line.
    pub record: Option<(&'a str, u64)>,
    /// For a JSONL record: the whole record, with `text` as its text field (`restore` writes
    /// it back with the field restored).
    pub value: Option<&'a serde_json::Value>,
    /// The encoding an HTML page was decoded from when it was not UTF-8 (its `<meta charset>`,
    /// or windows-1252 as browsers assume): `text` is its decoded text, and offsets are into that
    /// text as UTF-8. `None` for text read as UTF-8.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// Receives what the readers produce.
pub trait Sink {
    fn part(&mut self, part: Part<'_>) -> anyhow::Result<()>;
    /// An input that could not be checked (counts as an error: exit code 2). A document whose
    /// earlier parts were delivered is abandoned.
    fn error(&mut self, name: &str, message: String);
    /// An input deliberately not checked (a binary file met while walking a directory).
    fn skipped(&mut self, name: &str, message: String);
    /// The `files` files of directory `dir` that its walk passed over by extension (code,
    /// data, images), in one note.
    fn passed_over(&mut self, dir: &str, _files: usize, message: String) {
        self.skipped(dir, message);
    }
    /// A JSONL record that was read but has nothing to check (no text field, a field that is
    /// not a string, an empty text): [`Sink::error`], or [`Sink::skipped`] when `skipped`, with
    /// the record's id (see [`Part::id`]) so that its entry in the output carries it too.
    fn record_problem(
        &mut self,
        name: &str,
        _id: Option<&serde_json::Value>,
        message: String,
        skipped: bool,
    ) {
        if skipped {
            self.skipped(name, message)
        } else {
            self.error(name, message)
        }
    }
    /// The line of a JSONL record that could not be read (malformed JSON, no text field), as
    /// it is in the file but for its line end (and a byte-order mark on the first line), before
    /// its [`Sink::error`]: `restore` writes it through unchanged, so its output keeps one line
    /// per record. `file` is the JSONL file's name.
    fn unread_record(&mut self, _file: &str, _line: &[u8]) -> anyhow::Result<()> {
        Ok(())
    }
    /// A file the sink reads itself instead of as text, whether named or met in a walk
    /// (`index add`: a Parquet or WARC shard, whose rows or pages are documents of their own);
    /// whether it took the file. Asked before the file is opened.
    fn own_file(&mut self, _path: &Path) -> anyhow::Result<bool> {
        Ok(false)
    }
}

/// Read every input into `sink`. Only a failing sink (e.g. a closed stdout) stops the reading.
pub fn read_all(paths: &[PathBuf], opts: &ReadOptions, sink: &mut dyn Sink) -> anyhow::Result<()> {
    let stdin_only = [PathBuf::from("-")];
    let paths = if paths.is_empty() {
        &stdin_only[..]
    } else {
        paths
    };
    for path in paths {
        if path.as_os_str() == "-" {
            let stdin = std::io::stdin();
            if std::io::IsTerminal::is_terminal(&stdin) {
                // Typed or pasted text, or a forgotten file name: say what is awaited.
                eprintln!(
                    "unspin: reading the text from the terminal; end it with Ctrl-D (or name \
                     files or directories to {})",
                    opts.verb
                );
            }
            read_stream(
                "-",
                Path::new("-"),
                Box::new(stdin.lock()),
                None,
                opts,
                false,
                sink,
            )?;
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                // `.gitignore` is honoured outside a git repository too (a copied tree).
                let skip_dir = opts.skip_dir.clone();
                let walk = ignore::WalkBuilder::new(path)
                    .require_git(false)
                    .sort_by_file_name(|a, b| a.cmp(b))
                    .filter_entry(move |e| {
                        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                        !(is_dir
                            && skip_dir.as_ref().is_some_and(|skip| {
                                std::fs::canonicalize(e.path()).is_ok_and(|p| &p == skip)
                            }))
                    })
                    .build();
                let mut passed_over = PassedOver::default();
                for entry in walk {
                    match entry {
                        Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                            // Counted in the walk's note, or read by the sink, or read here.
                            let passed =
                                opts.format == InputFormat::Auto && passed_over.add(e.path());
                            if !passed && !sink.own_file(e.path())? {
                                read_file(e.path(), opts, true, sink)?
                            }
                        }
                        Ok(_) => {}
                        Err(e) => sink.error(&path.display().to_string(), e.to_string()),
                    }
                }
                if let Some(message) = passed_over.message() {
                    sink.passed_over(&path.display().to_string(), passed_over.files(), message);
                }
            }
            Ok(_) if sink.own_file(path)? => {}
            Ok(_) => read_file(path, opts, false, sink)?,
            Err(e) => sink.error(&path.display().to_string(), io_message(&e)),
        }
    }
    Ok(())
}

/// Extensions of code, style sheets, data and images stored as text: not prose, so a directory
/// walk passes them over (a web site's CSS and JavaScript read as "spun"); named on the command
/// line, or with `--input-format`, they are read like any file.
const NOT_PROSE: &[&str] = &[
    "bash", "bat", "c", "cc", "cfg", "cjs", "conf", "cpp", "cs", "css", "csv", "diff", "el", "go",
    "h", "hpp", "hs", "ini", "java", "js", "json", "jsx", "kt", "less", "lock", "lua", "map",
    "mjs", "ml", "patch", "php", "pl", "pm", "ps1", "py", "r", "rb", "rs", "scala", "scss", "sh",
    "sql", "svg", "swift", "toml", "ts", "tsv", "tsx", "vim", "xml", "xsl", "yaml", "yml", "zsh",
];

/// Extensions of images, fonts, media and executables, which a walk would only find binary:
/// counted in one note instead of one line each.
const BINARY: &[&str] = &[
    "a", "avif", "bmp", "class", "dll", "dylib", "eot", "exe", "gif", "ico", "jar", "jpeg", "jpg",
    "mov", "mp3", "mp4", "o", "ogg", "otf", "png", "pyc", "so", "tif", "tiff", "ttf", "wasm",
    "wav", "webm", "webp", "woff", "woff2",
];

/// Files a directory walk passes over, by kind and extension, reported in one note.
#[derive(Default)]
struct PassedOver {
    code: std::collections::BTreeMap<String, usize>,
    binary: std::collections::BTreeMap<String, usize>,
}

impl PassedOver {
    /// Count `path` if a walk passes it over; whether it did.
    fn add(&mut self, path: &Path) -> bool {
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            return false;
        };
        let ext = ext.to_ascii_lowercase();
        let kind = if NOT_PROSE.contains(&ext.as_str()) {
            &mut self.code
        } else if BINARY.contains(&ext.as_str()) {
            &mut self.binary
        } else {
            return false;
        };
        *kind.entry(ext).or_default() += 1;
        true
    }

    fn files(&self) -> usize {
        self.code.values().chain(self.binary.values()).sum()
    }

    /// "3 files passed over: code or data (.css 1, .js 2): name a file, or …".
    fn message(&self) -> Option<String> {
        let n = self.files();
        if n == 0 {
            return None;
        }
        let list = |m: &std::collections::BTreeMap<String, usize>| {
            m.iter()
                .map(|(e, k)| format!(".{e} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut kinds = Vec::new();
        if !self.code.is_empty() {
            kinds.push(format!("code or data ({})", list(&self.code)));
        }
        if !self.binary.is_empty() {
            kinds.push(format!("binary ({})", list(&self.binary)));
        }
        Some(format!(
            "{n} file{} passed over: {}; name a file, or give --input-format, to read it",
            if n == 1 { "" } else { "s" },
            kinds.join(", ")
        ))
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn read_file(
    path: &Path,
    opts: &ReadOptions,
    walked: bool,
    sink: &mut dyn Sink,
) -> anyhow::Result<()> {
    let name = path.display().to_string();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            sink.error(&name, io_message(&e));
            return Ok(());
        }
    };
    let size = file.metadata().map(|m| m.len()).ok();
    read_stream(&name, path, Box::new(file), size, opts, walked, sink)
}

/// The format an input is read as.
enum Kind {
    Text(Format),
    Jsonl,
}

fn kind_of(path: &Path, opts: &ReadOptions) -> Kind {
    match opts.format {
        InputFormat::Plain => Kind::Text(Format::Plain),
        InputFormat::Markdown => Kind::Text(Format::Markdown),
        InputFormat::Html => Kind::Text(Format::Html),
        InputFormat::Jsonl => Kind::Jsonl,
        InputFormat::Auto => {
            let name = uncompressed_name(path);
            if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
                Kind::Jsonl
            } else {
                Kind::Text(Format::from_path(path))
            }
        }
    }
}

/// Bytes of a text without a telling name that are read to tell whether it is an HTML page.
const SNIFF_BYTES: usize = 1024;

/// Whether the name says plain text (`.txt`, `.text`, also compressed): such a file is never
/// sniffed.
fn named_plain(path: &Path) -> bool {
    let name = uncompressed_name(path);
    name.ends_with(".txt") || name.ends_with(".text")
}

/// A path in lower case without its `.gz` or `.zst`: the name that says what is inside.
fn uncompressed_name(path: &Path) -> String {
    let mut name = path.to_string_lossy().to_ascii_lowercase();
    for suffix in [".gz", ".zst"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            name.truncate(stem.len());
            break;
        }
    }
    name
}

/// Whether the file is decompressed as it is read (by its name, as [`decompressor`] decides).
fn compressed(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".gz") || name.ends_with(".zst")
}

fn decompressor<'a>(path: &Path, raw: Box<dyn Read + 'a>) -> std::io::Result<Box<dyn Read + 'a>> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".gz") {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(raw)))
    } else if name.ends_with(".zst") {
        Ok(Box::new(zstd::Decoder::new(raw)?))
    } else {
        Ok(raw)
    }
}

fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn read_stream<'a>(
    name: &str,
    path: &Path,
    raw: Box<dyn Read + 'a>,
    size: Option<u64>,
    opts: &ReadOptions,
    walked: bool,
    sink: &mut dyn Sink,
) -> anyhow::Result<()> {
    let kind = kind_of(path, opts);
    // A file's size on disk is a cheap early answer for an uncompressed document; a JSONL
    // file's limit is per record, and a compressed one is measured as it is read.
    let whole_document = !matches!(kind, Kind::Jsonl) && !compressed(path);
    if let (Some(size), Some(max), true) = (size, opts.max_size, whole_document) {
        if size > max {
            sink.error(
                name,
                format!(
                    "skipped: {} is over --max-size {}{}",
                    human_size(size),
                    human_size(max),
                    held_whole_note(opts, None)
                ),
            );
            return Ok(());
        }
    }
    let reader = match decompressor(path, raw) {
        Ok(r) => r,
        Err(e) => {
            sink.error(name, format!("cannot open compressed stream: {e}"));
            return Ok(());
        }
    };
    // `--encoding`: everything downstream reads UTF-8. The named encoding wins over a byte-order
    // mark, so that the encoding the output names and restore writes is the one read.
    let reader: Box<dyn Read + 'a> = match given_encoding(opts) {
        Some(encoding) => Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .build(reader),
        ),
        None => reader,
    };
    // A page piped in (`curl URL | unspin check -`) or saved without an extension is HTML by
    // its first bytes, as the server reads a posted text; a `.txt` file is plain text whatever
    // it starts with.
    let (kind, reader) = match kind {
        Kind::Text(Format::Plain) if opts.format == InputFormat::Auto && !named_plain(path) => {
            let mut head = Vec::with_capacity(SNIFF_BYTES);
            let mut reader = reader;
            if let Err(e) = (&mut reader)
                .take(SNIFF_BYTES as u64)
                .read_to_end(&mut head)
            {
                sink.error(
                    name,
                    format!("read error near byte {}: {}", head.len(), io_message(&e)),
                );
                return Ok(());
            }
            // A page in UTF-16 begins as one in its own characters (deliver_whole decodes it).
            let format = match encoding_rs::Encoding::for_bom(&head) {
                Some((encoding, bom)) => {
                    Format::sniff(&encoding.decode_without_bom_handling(&head[bom..]).0)
                }
                None => Format::sniff(&String::from_utf8_lossy(&head)),
            };
            let reader: Box<dyn Read + 'a> = Box::new(std::io::Cursor::new(head).chain(reader));
            (Kind::Text(format), reader)
        }
        kind => (kind, reader),
    };
    match kind {
        Kind::Jsonl => read_jsonl(name, reader, opts, sink),
        Kind::Text(Format::Plain) => read_plain(name, reader, walked, opts, sink),
        Kind::Text(format) => {
            let max = opts.max_size.unwrap_or(MARKUP_MAX_DEFAULT);
            let mut bytes = Vec::new();
            if let Err(e) = reader.take(max + 1).read_to_end(&mut bytes) {
                sink.error(name, format!("read error: {}", io_message(&e)));
                return Ok(());
            }
            if bytes.len() as u64 > max {
                let (format, max) = (format.as_str(), human_size(max));
                let message = if opts.held_whole {
                    format!(
                        "skipped: {format} input over --max-size {max}{}",
                        held_whole_note(opts, None)
                    )
                } else {
                    format!("skipped: {format} input over {max} (it is parsed whole; raise --max-size, or check it as --input-format plain)")
                };
                sink.error(name, message);
                return Ok(());
            }
            deliver_whole(name, &bytes, format, walked, opts, sink)
        }
    }
}

/// Deliver one whole document held in memory.
fn deliver_whole(
    name: &str,
    bytes: &[u8],
    format: Format,
    walked: bool,
    opts: &ReadOptions,
    sink: &mut dyn Sink,
) -> anyhow::Result<()> {
    if bytes.is_empty() {
        sink.skipped(name, format!("empty, nothing to {}", opts.verb));
        return Ok(());
    }
    // An HTML page names its encoding (a byte-order mark, `<meta charset>`), and one that names
    // none and is not UTF-8 is windows-1252: it is read as a browser reads it (WHATWG sniffing,
    // as `unspin scan` reads a WARC page), instead of refused as invalid UTF-8.
    let utf16 = matches!(
        encoding_rs::Encoding::for_bom(bytes),
        Some((e, _)) if e != encoding_rs::UTF_8
    );
    if format == Format::Html && (utf16 || std::str::from_utf8(bytes).is_err()) {
        if !utf16 {
            if let Some(message) = binary(bytes, opts.verb) {
                report_binary(name, &message, walked, sink);
                return Ok(());
            }
        }
        let (text, encoding) = match unspin_scan::html::decode_as(bytes, None) {
            Ok(decoded) => decoded,
            Err(message) => {
                sink.error(name, message);
                return Ok(());
            }
        };
        return sink.part(Part {
            encoding: Some(encoding),
            ..whole_part(name, &text, format, 0)
        });
    }
    let named = given_encoding(opts);
    if let Some(message) = binary(bytes, opts.verb) {
        report_binary(name, &message, walked, sink);
        return Ok(());
    }
    let (text, offset) = match std::str::from_utf8(bytes) {
        Ok(t) => strip_bom(t),
        Err(e) => {
            sink.error(name, not_utf8(e, 0));
            return Ok(());
        }
    };
    sink.part(Part {
        encoding: named,
        ..whole_part(name, text, format, offset)
    })
}

/// The encoding `--encoding` names, when it is not UTF-8: the parts read in it say so.
fn given_encoding(opts: &ReadOptions) -> Option<&'static encoding_rs::Encoding> {
    opts.encoding.filter(|&e| e != encoding_rs::UTF_8)
}

/// The error of an input that is not UTF-8, `base` bytes into it: which byte, and the two ways
/// to read it.
fn not_utf8(e: std::str::Utf8Error, base: u64) -> String {
    format!(
        "invalid UTF-8 at byte {} (name its encoding, e.g. --encoding windows-1252, or convert it to UTF-8 first, e.g. with iconv)",
        base + e.valid_up_to() as u64
    )
}

/// A document read whole, as one part.
fn whole_part<'a>(name: &'a str, text: &'a str, format: Format, offset: u64) -> Part<'a> {
    Part {
        name,
        text,
        format,
        offset,
        line: 0,
        column: 0,
        first: true,
        last: true,
        id: None,
        record: None,
        value: None,
        encoding: None,
    }
}

fn strip_bom(t: &str) -> (&str, u64) {
    match t.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 3),
        None => (t, 0),
    }
}

/// What the bytes are when they are not UTF-8 text to check: UTF-16 text (a byte-order mark),
/// a document or compressed format named by its magic number (so a PDF is not called "invalid
/// UTF-8"), or binary (a NUL byte in the first 8 KiB, as git and ripgrep decide).
fn binary(bytes: &[u8], verb: &str) -> Option<Cow<'static, str>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(UTF16_MESSAGE.into());
    }
    // Corpus shards: their records are documents of their own, which another command reads.
    // `index add` reads a shard its name marks as one (named or met in a walk), so one that
    // reaches this point has a name that does not.
    const SHARDS: &[(&[u8], &str, &str)] = &[
        (
            b"WARC/1.",
            "a WARC archive, skipped: each of its pages is a document",
            ".warc, .warc.wet or .wet (optionally .gz or .zst)",
        ),
        (
            b"PAR1",
            "a Parquet file, skipped: each of its rows is a document",
            ".parquet or .pq",
        ),
    ];
    if let Some((_, what, names)) = SHARDS.iter().find(|(magic, ..)| bytes.starts_with(magic)) {
        return Some(
            match verb {
                "index" => format!(
                    "{what}; `unspin index add` reads them from a file whose name ends in {names}: rename it"
                ),
                _ => format!("{what}; score them with `unspin scan --input FILE --output DIR`"),
            }
            .into(),
        );
    }
    const KNOWN: &[(&[u8], &str)] = &[
        (
            b"%PDF-",
            "a PDF file, skipped: unspin reads text; extract it first, e.g. with pdftotext FILE -",
        ),
        (
            b"PK\x03\x04",
            "a ZIP archive (.docx, .odt and .epub are ZIP), skipped: extract its text first, \
             e.g. with pandoc -t plain",
        ),
        (
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            "an OLE2 document (.doc, .xls), skipped: extract its text first, e.g. with antiword",
        ),
        (
            &[0x1F, 0x8B],
            "gzip-compressed data, skipped: name the file *.gz, or decompress it first",
        ),
        (
            &[0x28, 0xB5, 0x2F, 0xFD],
            "zstd-compressed data, skipped: name the file *.zst, or decompress it first",
        ),
    ];
    if let Some((_, message)) = KNOWN.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some((*message).into());
    }
    memchr::memchr(0, &bytes[..bytes.len().min(8192)])
        .map(|_| "binary file (contains NUL bytes), skipped".into())
}

const UTF16_MESSAGE: &str =
    "UTF-16 text (byte-order mark); unspin reads UTF-8: name it with --encoding utf-16le (or utf-16be), or convert it first, e.g. with iconv -f UTF-16 -t UTF-8";

fn report_binary(name: &str, message: &str, walked: bool, sink: &mut dyn Sink) {
    // A binary file met while walking a directory is expected (images, archives): a note. One
    // named on the command line is an error, and so is text in UTF-16 anywhere (a text file the
    // user means to have checked, saved by a Windows editor).
    if walked && message != UTF16_MESSAGE {
        sink.skipped(name, message.to_string());
    } else {
        sink.error(name, message.to_string());
    }
}

/// [`PART_BYTES`], or `UNSPIN_PART_BYTES` from the environment (tests use small parts to cover
/// the multi-part path without large files).
fn part_bytes() -> usize {
    static PART: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *PART.get_or_init(|| {
        std::env::var("UNSPIN_PART_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n: &usize| n >= 16)
            .unwrap_or(PART_BYTES)
    })
}

/// The parenthesis after a `--max-size` message: how much was read when that is known, and why
/// a command that holds documents whole ([`read_docs`]) skips a large one.
fn held_whole_note(opts: &ReadOptions, read: Option<u64>) -> String {
    let read = read.map(|r| format!("{} read so far", human_size(r)));
    let whole = opts
        .held_whole
        .then_some("this command holds each document whole: raise --max-size, or split the file");
    match (read, whole) {
        (Some(r), Some(w)) => format!(" ({r}; {w})"),
        (Some(r), None) => format!(" ({r})"),
        (None, Some(w)) => format!(" ({w})"),
        (None, None) => String::new(),
    }
}

/// Read plain text in parts of about [`PART_BYTES`], cut after a line end.
fn read_plain(
    name: &str,
    mut reader: Box<dyn Read + '_>,
    walked: bool,
    opts: &ReadOptions,
    sink: &mut dyn Sink,
) -> anyhow::Result<()> {
    let max_size = opts.max_size;
    let mut buf: Vec<u8> = Vec::new();
    let mut offset: u64 = 0;
    let mut line: u64 = 0;
    let mut column: u64 = 0;
    let mut first = true;
    loop {
        // Fill up to the part size (or EOF). `read_to_end` grows the buffer as data comes, so a
        // small file costs a small buffer.
        let want = part_bytes().saturating_sub(buf.len()) as u64;
        let eof = match (&mut reader).take(want).read_to_end(&mut buf) {
            Ok(n) => (n as u64) < want,
            Err(e) => {
                // `read_to_end` keeps what it read before the error: name the byte it stopped at
                // (of the decompressed text, for a compressed file).
                sink.error(
                    name,
                    format!(
                        "read error near byte {}: {}",
                        offset + buf.len() as u64,
                        io_message(&e)
                    ),
                );
                return Ok(());
            }
        };
        let read = offset + buf.len() as u64;
        if let Some(max) = max_size.filter(|&max| read > max) {
            // Parts already delivered are abandoned with the document (Sink::error).
            sink.error(
                name,
                format!(
                    "skipped: over --max-size {}{}",
                    human_size(max),
                    held_whole_note(opts, Some(read))
                ),
            );
            return Ok(());
        }
        if first && eof && buf.is_empty() {
            sink.skipped(name, format!("empty, nothing to {}", opts.verb));
            return Ok(());
        }
        if first {
            if let Some(message) = binary(&buf, opts.verb) {
                report_binary(name, &message, walked, sink);
                return Ok(());
            }
        }
        let cut = if eof { buf.len() } else { part_cut(&buf) };
        let (text, skip) = match std::str::from_utf8(&buf[..cut]) {
            Ok(t) if first => strip_bom(t),
            Ok(t) => (t, 0),
            Err(e) => {
                sink.error(name, not_utf8(e, offset));
                return Ok(());
            }
        };
        sink.part(Part {
            name,
            text,
            format: Format::Plain,
            offset: offset + skip,
            line,
            column,
            first,
            last: eof,
            id: None,
            record: None,
            value: None,
            encoding: given_encoding(opts),
        })?;
        if eof {
            return Ok(());
        }
        column = match text.rfind('\n') {
            Some(i) => text[i + 1..].chars().count() as u64,
            None => column + text.chars().count() as u64,
        };
        line += memchr::memchr_iter(b'\n', &buf[..cut]).count() as u64;
        offset += cut as u64;
        buf.drain(..cut);
        first = false;
    }
}

/// Where to end a part: after the last line end (preferring a blank line, a paragraph end, in the
/// last quarter), else after the last sentence end in the last quarter (a one-line text: a cut
/// between two words could split a phrase), else after the last space, else at a character
/// boundary.
fn part_cut(buf: &[u8]) -> usize {
    let tail = buf.len() * 3 / 4;
    if let Some(i) = memchr::memmem::rfind(&buf[tail..], b"\n\n") {
        return tail + i + 2;
    }
    if let Some(i) = memchr::memrchr(b'\n', buf) {
        return i + 1;
    }
    let sentence_end = [&b". "[..], b"? ", b"! "]
        .iter()
        .filter_map(|end| memchr::memmem::rfind(&buf[tail..], end))
        .max();
    if let Some(i) = sentence_end {
        return tail + i + 2;
    }
    if let Some(i) = memchr::memrchr(b' ', buf) {
        return i + 1;
    }
    let mut i = buf.len();
    while i > 0 && buf.len() - i < 4 && (buf[i - 1] & 0xC0) == 0x80 {
        i -= 1;
    }
    // `i - 1` is the lead byte of the last (possibly incomplete) character: cut before it.
    if i > 0 && buf.len() - i < 4 && buf[i - 1] >= 0xC0 {
        i - 1
    } else {
        buf.len()
    }
}

/// Read a line into `line` (without its `\n`), keeping at most `max` bytes; returns
/// `Ok(None)` at EOF, `Ok(Some(true))` when the line was longer than `max` (and was skipped).
fn read_line_bounded(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    line.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(if any { Some(too_long) } else { None });
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if !too_long {
            if line.len() + chunk.len() > max {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let used = done.unwrap_or(available.len());
        reader.consume(used);
        if done.is_some() {
            return Ok(Some(too_long));
        }
    }
}

fn read_jsonl(
    name: &str,
    reader: Box<dyn Read + '_>,
    opts: &ReadOptions,
    sink: &mut dyn Sink,
) -> anyhow::Result<()> {
    let mut reader = BufReader::with_capacity(256 << 10, reader);
    let max = opts.max_size.unwrap_or(RECORD_MAX_DEFAULT) as usize;
    let field = opts.jsonl_field.as_str();
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        number += 1;
        let rec_name = format!("{name}:{number}");
        let too_long = match read_line_bounded(&mut reader, &mut line, max) {
            Ok(None) => return Ok(()),
            Ok(Some(t)) => t,
            Err(e) => {
                sink.error(&rec_name, format!("read error: {}", io_message(&e)));
                return Ok(());
            }
        };
        if too_long {
            sink.error(
                &rec_name,
                format!("skipped: record longer than {}", human_size(max as u64)),
            );
            continue;
        }
        let rec = line.strip_suffix(b"\r").unwrap_or(&line);
        // A byte-order mark before the first record (editors on Windows write one).
        let rec = match number {
            1 => rec.strip_prefix("\u{feff}".as_bytes()).unwrap_or(rec),
            _ => rec,
        };
        if rec.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        // Python's json writes lone surrogates (a string cut inside an emoji) and serde_json
        // refuses them: such a record is read with U+FFFD in their place.
        let parsed = serde_json::from_slice(rec).or_else(|e| {
            match std::str::from_utf8(rec).map(unspin_scan::jsonl::replace_lone_surrogates) {
                Ok(std::borrow::Cow::Owned(fixed)) => serde_json::from_str(&fixed).map_err(|_| e),
                _ => Err(e),
            }
        });
        let value: serde_json::Value = match parsed {
            Ok(v) => v,
            Err(e) => {
                let message = match std::str::from_utf8(rec) {
                    Err(u) => format!(
                        "malformed JSONL record: {}",
                        unspin::text::utf8_error_message(u, 0)
                    ),
                    Ok(_) => format!("malformed JSONL record: {e}"),
                };
                sink.unread_record(name, rec)?;
                sink.error(&rec_name, message);
                continue;
            }
        };
        let id = value
            .get(&opts.id_field)
            .filter(|v| v.is_string() || v.is_number());
        match value.get(field) {
            // Nothing to judge: a verdict of "clean" for no words would be made up.
            Some(serde_json::Value::String(text)) if text.trim().is_empty() => {
                sink.unread_record(name, rec)?;
                let what = if text.is_empty() {
                    "empty text"
                } else {
                    "only whitespace"
                };
                let message = format!("{what}, nothing to {}", opts.verb);
                sink.record_problem(&rec_name, id, message, true);
            }
            Some(serde_json::Value::String(text)) => sink.part(Part {
                name: &rec_name,
                text,
                format: Format::Plain,
                offset: 0,
                line: 0,
                column: 0,
                first: true,
                last: true,
                id,
                record: Some((name, number)),
                value: Some(&value),
                encoding: None,
            })?,
            other => {
                sink.unread_record(name, rec)?;
                let message = match other {
                    Some(_) => format!("field {field:?} is not a string"),
                    None if !value.is_object() => {
                        format!("record is not a JSON object but {}", json_kind(&value))
                    }
                    None => format!(
                        "record has no field {field:?} (choose one with {})",
                        opts.field_flag
                    ),
                };
                sink.record_problem(&rec_name, id, message, false);
            }
        }
    }
}

/// What a JSON value is, for messages: "an array", "a string"…
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A whole document, for commands that take documents one by one (`trace`): the parts of a
/// large file joined again.
pub struct Doc {
    pub name: String,
    pub text: String,
    /// Markup to strip before the text is used (offsets then map back through it).
    pub format: Format,
    /// Byte offset of `text` in the input (3 after a UTF-8 byte-order mark).
    pub offset: u64,
    /// A JSONL record's id ([`Part::id`]).
    pub id: Option<serde_json::Value>,
    /// See [`Part::encoding`].
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// An input that could not be read, or was passed over on purpose, with the reason.
pub struct InputError {
    pub name: String,
    pub message: String,
    /// Passed over on purpose (a binary file met while walking a directory, an empty file): a
    /// note, not an error.
    pub skipped: bool,
    /// How many files the note stands for: 1, or a walk's count of the files it passed over by
    /// extension ([`Sink::passed_over`]), then with `passed_over` set.
    pub files: usize,
    pub passed_over: bool,
    /// A JSONL record's id, when the record could be read ([`Sink::record_problem`]).
    pub id: Option<serde_json::Value>,
}

/// Receives whole documents: what [`read_docs`] gives commands that take documents one by one.
pub trait DocSink {
    fn doc(&mut self, doc: Doc) -> anyhow::Result<()>;
    /// An input that could not be read, or was passed over on purpose.
    fn problem(&mut self, problem: InputError);
    /// See [`Sink::own_file`].
    fn own_file(&mut self, _path: &Path) -> anyhow::Result<bool> {
        Ok(false)
    }
}

/// Read every input into `docs`, the parts of a large file joined again into one document.
pub fn read_docs(
    paths: &[PathBuf],
    read: &ReadOptions,
    docs: &mut dyn DocSink,
) -> anyhow::Result<()> {
    struct Adapter<'s> {
        docs: &'s mut dyn DocSink,
        /// The parts read so far of a document not yet complete.
        pending: Option<Doc>,
    }
    impl Sink for Adapter<'_> {
        fn part(&mut self, part: Part<'_>) -> anyhow::Result<()> {
            match &mut self.pending {
                Some(doc) if !part.first && doc.name == part.name => doc.text.push_str(part.text),
                _ => {
                    self.pending = Some(Doc {
                        name: part.name.to_string(),
                        text: part.text.to_string(),
                        format: part.format,
                        offset: part.offset,
                        id: part.id.cloned(),
                        encoding: part.encoding,
                    })
                }
            }
            if part.last {
                let doc = self.pending.take().expect("set above");
                self.docs.doc(doc)?;
            }
            Ok(())
        }
        fn error(&mut self, name: &str, message: String) {
            if self.pending.as_ref().is_some_and(|d| d.name == name) {
                self.pending = None;
            }
            self.docs.problem(InputError {
                name: name.to_string(),
                message,
                skipped: false,
                files: 1,
                passed_over: false,
                id: None,
            })
        }
        fn skipped(&mut self, name: &str, message: String) {
            self.docs.problem(InputError {
                name: name.to_string(),
                message,
                skipped: true,
                files: 1,
                passed_over: false,
                id: None,
            })
        }
        fn record_problem(
            &mut self,
            name: &str,
            id: Option<&serde_json::Value>,
            message: String,
            skipped: bool,
        ) {
            self.docs.problem(InputError {
                name: name.to_string(),
                message,
                skipped,
                files: 1,
                passed_over: false,
                id: id.cloned(),
            })
        }
        fn passed_over(&mut self, dir: &str, files: usize, message: String) {
            self.docs.problem(InputError {
                name: dir.to_string(),
                message,
                skipped: true,
                files,
                passed_over: true,
                id: None,
            })
        }
        fn own_file(&mut self, path: &Path) -> anyhow::Result<bool> {
            self.docs.own_file(path)
        }
    }
    let read = whole_document_options(read);
    read_all(
        paths,
        &read,
        &mut Adapter {
            docs,
            pending: None,
        },
    )
}

/// The options [`read_docs`] reads with: plain text is streamed in parts, which it joins, so
/// without a limit a file of gigabytes would be held in memory whole.
fn whole_document_options(read: &ReadOptions) -> ReadOptions {
    ReadOptions {
        max_size: Some(read.max_size.unwrap_or(WHOLE_MAX_DEFAULT)),
        held_whole: true,
        ..read.clone()
    }
}

/// Read every input, calling `on_doc` per whole document and `on_error` per input that could
/// not be read or was skipped.
pub fn read_inputs(
    paths: &[PathBuf],
    read: &ReadOptions,
    on_doc: impl FnMut(Doc) -> anyhow::Result<()>,
    on_error: impl FnMut(InputError),
) -> anyhow::Result<()> {
    struct Callbacks<D, E> {
        on_doc: D,
        on_error: E,
    }
    impl<D: FnMut(Doc) -> anyhow::Result<()>, E: FnMut(InputError)> DocSink for Callbacks<D, E> {
        fn doc(&mut self, doc: Doc) -> anyhow::Result<()> {
            (self.on_doc)(doc)
        }
        fn problem(&mut self, problem: InputError) {
            (self.on_error)(problem)
        }
    }
    read_docs(paths, read, &mut Callbacks { on_doc, on_error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_held_whole_are_limited_by_default() {
        let read = whole_document_options(&ReadOptions::default());
        assert_eq!(read.max_size, Some(WHOLE_MAX_DEFAULT));
        assert!(read.held_whole);
        let asked = ReadOptions {
            max_size: Some(1024),
            ..ReadOptions::default()
        };
        assert_eq!(whole_document_options(&asked).max_size, Some(1024));
        assert_eq!(
            held_whole_note(&read, Some(5000)),
            " (4.9 KiB read so far; this command holds each document whole: raise --max-size, or split the file)"
        );
        assert_eq!(held_whole_note(&ReadOptions::default(), None), "");
    }

    #[derive(Default)]
    struct Collect {
        parts: Vec<(String, String, u64, u64, bool, bool)>,
        errors: Vec<(String, String)>,
    }
    impl Sink for Collect {
        fn part(&mut self, p: Part<'_>) -> anyhow::Result<()> {
            self.parts.push((
                p.name.into(),
                p.text.into(),
                p.offset,
                p.line,
                p.first,
                p.last,
            ));
            Ok(())
        }
        fn error(&mut self, name: &str, message: String) {
            self.errors.push((name.into(), message));
        }
        fn skipped(&mut self, name: &str, message: String) {
            self.errors.push((name.into(), message));
        }
    }

    #[test]
    fn cuts_parts_at_line_ends() {
        let buf = b"one\ntwo\nthree";
        assert_eq!(part_cut(buf), 8);
        assert_eq!(part_cut("abc é".as_bytes()), 4);
        let s = "aaaé".as_bytes();
        assert_eq!(part_cut(&s[..4]), 3);
        // One line: after the sentence end in the last quarter, not the last space.
        let one_line = b"aaaaaaaaaaaaaaaaaaaaaaaa bb. cc dd";
        assert_eq!(part_cut(one_line), 29);
    }

    #[test]
    fn jsonl_reports_bad_lines_and_continues() {
        let data = b"{\"text\": \"one\"}\n{bad\n\n{\"id\": 7, \"text\": \"two\"}\n{\"body\": 1}\n"
            .to_vec();
        let mut sink = Collect::default();
        read_jsonl(
            "d.jsonl",
            Box::new(&data[..]),
            &ReadOptions::default(),
            &mut sink,
        )
        .unwrap();
        let names: Vec<_> = sink
            .parts
            .iter()
            .map(|p| (p.0.as_str(), p.1.as_str()))
            .collect();
        assert_eq!(names, [("d.jsonl:1", "one"), ("d.jsonl:4", "two")]);
        assert_eq!(sink.errors.len(), 2);
        assert!(sink.errors[0].0 == "d.jsonl:2" && sink.errors[0].1.contains("malformed JSONL"));
        assert!(sink.errors[1].1.contains("no field \"text\""));
    }

    #[test]
    fn bounded_lines() {
        let data = b"short\nthis line is long\nok\n";
        let mut r = &data[..];
        let mut line = Vec::new();
        assert_eq!(
            read_line_bounded(&mut r, &mut line, 8).unwrap(),
            Some(false)
        );
        assert_eq!(line, b"short");
        assert_eq!(read_line_bounded(&mut r, &mut line, 8).unwrap(), Some(true));
        assert_eq!(
            read_line_bounded(&mut r, &mut line, 8).unwrap(),
            Some(false)
        );
        assert_eq!(line, b"ok");
        assert_eq!(read_line_bounded(&mut r, &mut line, 8).unwrap(), None);
    }

    #[test]
    fn invalid_utf8_names_the_byte() {
        let mut sink = Collect::default();
        read_plain(
            "x.txt",
            Box::new(&b"hello \xff world"[..]),
            false,
            &ReadOptions::default(),
            &mut sink,
        )
        .unwrap();
        assert!(sink.parts.is_empty());
        assert!(sink.errors[0].1.contains("at byte 6"));
    }
}
