//! Output formats of `unspin check`: human (annotated snippets), JSON, JSON Lines and SARIF 2.1.0.
//!
//! Every format receives documents as [`DocResult`]s whose findings are already [`Located`]: byte
//! offsets into the original input (after the markup layer's offset map), 1-based line and column,
//! and the source line(s) the finding is on. So no format needs the whole input in memory, and
//! all formats agree on positions.
//!
//! Adding a format: a variant of [`OutputFormat`], a [`Writer`] implementation, one arm in
//! [`writer`].

use std::io::Write;
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;
use unspin::text::Format;
use unspin::Finding;

mod html;
mod human;
mod json;
mod sarif;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Annotated snippets for people (colour on a terminal), a summary on stderr.
    Human,
    /// One JSON array of documents.
    Json,
    /// One JSON object per document per line.
    Jsonl,
    /// SARIF 2.1.0, for code-scanning dashboards and editors.
    Sarif,
    /// One self-contained HTML page (the web page's view, offline), for people and reports.
    Html,
}

/// A finding placed in its input.
#[derive(Debug, Clone)]
pub struct Located {
    /// The finding, with `start`/`end` as byte offsets into the original input.
    pub finding: Finding,
    /// 1-based line and column (columns count Unicode scalar values) of the start.
    pub line: u64,
    pub column: u64,
    /// 1-based line and column just past the end (exclusive, as in SARIF).
    pub end_line: u64,
    pub end_column: u64,
    /// The source line(s) holding the finding, possibly clipped around it ([`Excerpt`]).
    pub excerpt: Excerpt,
    /// The input's own text in the span, where it differs from the finding's (markup: HTML
    /// entities and tags are in the source, not in the decoded words the finding holds).
    pub source_text: Option<String>,
    /// Whether the suggestion may replace the span as it is: false where markup splits the
    /// finding's words and the suggestion cannot be fitted around it (replacing the span would
    /// delete the markup), so SARIF offers no fix and `restore` keeps it as written.
    pub fixable: bool,
}

/// Source text around a finding: [`Excerpt::text`] starts at the beginning of line
/// [`Located::line`] unless `clipped_start` (long lines are cut around the span).
///
/// The text is a range of the part's text, which every finding of the part shares: a copy per
/// finding held a document's findings at up to 4 KB each until the document ended (1 GB for a
/// one-line file with 200,000 findings).
#[derive(Debug, Clone, Default)]
pub struct Excerpt {
    source: Arc<str>,
    range: Range<usize>,
    /// The finding's span within [`Excerpt::text`].
    pub span: Range<usize>,
    pub clipped_start: bool,
}

impl Excerpt {
    pub fn text(&self) -> &str {
        &self.source[self.range.clone()]
    }
}

/// One checked document.
#[derive(Debug, Clone)]
pub struct DocResult {
    pub name: String,
    /// The `id` of a JSONL record.
    pub id: Option<serde_json::Value>,
    /// For a JSONL record: its file and 1-based line.
    pub record: Option<(String, u64)>,
    /// How the input was read: SARIF writes its fixes into HTML as HTML.
    pub format: Format,
    /// The encoding of an HTML page that was not UTF-8 (`Part::encoding`): offsets are into its
    /// text decoded to UTF-8, not into its bytes.
    pub encoding: Option<&'static str>,
    pub score: f32,
    pub verdict: unspin::Verdict,
    pub words: usize,
    /// ISO 639-3 code of the language of a document not written in English (not judged).
    pub language: Option<String>,
    pub findings: Vec<Located>,
    /// The text as checked, kept only for formats that show it (`html`).
    pub shown: Option<Shown>,
}

/// What a report says of a document not written in English (`DocResult::language`, ISO 639-3).
pub fn not_english_note(code: &str) -> String {
    let what = if code == unspin::language::UNDETERMINED {
        // Lists of names, keys, tables: no language at all, more often than not.
        "not English prose, nor clearly another language".to_string()
    } else {
        format!(
            "written in {}, not English",
            unspin::language::name_of(code)
        )
    };
    format!("{what}: unspin's models read English only, so only known phrases were looked for")
}

/// A document as a reader sees it: the text that was checked (an HTML page's or a Markdown
/// file's prose, without its markup; a plain text as it is) and the findings with offsets into
/// that text. A report shows this rather than the input's bytes: a page's source, with its head,
/// scripts and navigation, is not what a colleague can read.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub text: String,
    pub findings: Vec<Finding>,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub documents: usize,
    pub findings: usize,
    pub documents_with_findings: usize,
    /// Documents whose verdict is spun.
    pub spun_documents: usize,
    /// Documents whose verdict is uncertain (the rest of `documents` are clean).
    pub uncertain_documents: usize,
    pub errors: Vec<(String, String)>,
    pub skipped: Vec<(String, String)>,
    /// Files those notes stand for (a walk's note on the files it passed over counts them all).
    pub skipped_files: usize,
}

/// A suggestion written into HTML source (`restore`, SARIF fixes, the server's restore):
/// `&`, `<` and `>` escaped.
pub use unspin::text::html::escape as escape_html;

/// Why an input has no document in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unchecked {
    /// It could not be checked (missing, unreadable, binary named on the command line, not
    /// UTF-8, a malformed JSONL record...): exit code 2.
    Error,
    /// It was passed over on purpose (an empty text, a binary file met in a walk, a walk's note
    /// on the files it passed over by extension).
    Skipped,
}

impl Unchecked {
    /// The key of its entry's message, as `unspin trace` names it.
    pub fn key(self) -> &'static str {
        match self {
            Unchecked::Error => "error",
            Unchecked::Skipped => "skipped",
        }
    }
}

/// The entry of an input that has no document in the JSON and JSONL outputs of `check` and
/// `trace`: `{"path": NAME, "error": MESSAGE}` or `{"path": NAME, "skipped": MESSAGE}`, so that a
/// batch consumer finds every input (and a JSONL file's record k at its line k). A JSONL record
/// that was read (its text field missing, not a string, or empty) also gives its `id`, as its
/// document would have.
pub fn unchecked_entry(
    name: &str,
    id: Option<&serde_json::Value>,
    message: &str,
    why: Unchecked,
) -> serde_json::Value {
    let mut entry = serde_json::json!({ "path": name });
    if let Some(id) = id {
        entry["id"] = id.clone();
    }
    entry[why.key()] = message.into();
    entry
}

pub trait Writer {
    fn doc(&mut self, out: &mut dyn Write, doc: &DocResult) -> std::io::Result<()>;
    /// An input with no document, in its place among the documents (see [`unchecked_entry`]).
    /// Formats that list such inputs apart (SARIF's notifications, the HTML report's lists) take
    /// them from the [`Summary`] in [`Writer::finish`] instead.
    fn unchecked(
        &mut self,
        _out: &mut dyn Write,
        _name: &str,
        _id: Option<&serde_json::Value>,
        _message: &str,
        _why: Unchecked,
    ) -> std::io::Result<()> {
        Ok(())
    }
    /// After the last document (formats that write one object write it here).
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> std::io::Result<()>;
}

pub fn writer(format: OutputFormat) -> Box<dyn Writer> {
    match format {
        OutputFormat::Human => Box::new(human::Human::default()),
        OutputFormat::Json => Box::new(json::Json::default()),
        OutputFormat::Jsonl => Box::new(json::Jsonl),
        OutputFormat::Sarif => Box::new(sarif::Sarif::default()),
        OutputFormat::Html => Box::new(html::Html::default()),
    }
}

/// The finding as the JSON formats write it: the design's contract plus positions.
#[derive(Serialize)]
pub struct FindingOut<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub suggestion: &'a str,
    pub alternatives: &'a [String],
    pub confidence: f64,
    pub rule: &'a str,
    pub message: &'a str,
    pub line: u64,
    pub column: u64,
    pub end_line: u64,
    pub end_column: u64,
}

impl<'a> From<&'a Located> for FindingOut<'a> {
    fn from(l: &'a Located) -> Self {
        let f = &l.finding;
        FindingOut {
            start: f.start,
            end: f.end,
            text: &f.text,
            suggestion: &f.suggestion,
            alternatives: &f.alternatives,
            confidence: round3(f.confidence),
            rule: &f.rule,
            message: &f.message,
            line: l.line,
            column: l.column,
            end_line: l.end_line,
            end_column: l.end_column,
        }
    }
}

/// Scores and confidences are written with 3 decimals: stable snapshots, no false precision.
pub fn round3(x: f32) -> f64 {
    (x as f64 * 1000.0).round() / 1000.0
}

/// A document score as shown, rounded to `decimals` but never across a verdict threshold: an
/// uncertain 0.6996 shows 0.699 (or 0.69), not 0.7, and a clean 0.3496 shows 0.349, so that the
/// number and the verdict printed beside it agree.
pub fn shown_score(score: f32, decimals: i32) -> f64 {
    use unspin::score::{verdict, CLEAN_BELOW, SPUN_AT};
    let scale = 10f64.powi(decimals);
    let rounded = (score as f64 * scale).round() / scale;
    let below = |threshold: f32| ((threshold as f64 * scale).round() - 1.0) / scale;
    match verdict(score) {
        unspin::Verdict::Uncertain if rounded >= SPUN_AT as f64 - 1e-9 => below(SPUN_AT),
        unspin::Verdict::Clean if rounded >= CLEAN_BELOW as f64 - 1e-9 => below(CLEAN_BELOW),
        _ => rounded,
    }
}

/// Lines are shown whole (the renderer shortens them to the terminal) unless the span is further
/// than this from the line's start or end, in bytes (minified HTML, one-line JSON text).
const EXCERPT_CONTEXT: usize = 2000;

/// Incremental line counter over one part of a document: positions must be asked for in
/// non-decreasing order of `start`.
pub struct Locator<'a> {
    text: &'a str,
    /// Byte offset of `text` in the document and lines before it.
    base_offset: u64,
    base_line: u64,
    /// Characters of the document's line that lie before `text` (a part cut inside a line).
    base_column: u64,
    pos: usize,
    line: u64,
    line_start: usize,
    /// Characters of the line starting at `column_line` that lie before byte `column_at`: each
    /// column is counted on from the last one, not from the line's start (a long one-line text
    /// with many findings was quadratic).
    column_line: usize,
    column_at: usize,
    column_chars: u64,
    /// The first newline at or after `line_end_from` (or the text's end), for the excerpts.
    line_end_from: usize,
    line_end: usize,
    /// Keep the source line with each finding (only the human format shows it; the others
    /// skip it).
    pub excerpts: bool,
    /// `text`, copied once for the excerpts of all its findings (on the first finding).
    shared: Option<Arc<str>>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str, base_offset: u64, base_line: u64) -> Self {
        Locator {
            text,
            base_offset,
            base_line,
            base_column: 0,
            pos: 0,
            line: 0,
            line_start: 0,
            column_line: 0,
            column_at: 0,
            column_chars: 0,
            line_end_from: 0,
            line_end: 0,
            excerpts: true,
            shared: None,
        }
    }

    /// The part starts `chars` characters into a line of the document.
    pub fn with_column(mut self, chars: u64) -> Self {
        self.base_column = chars;
        self
    }

    fn advance(&mut self, to: usize) -> (u64, usize) {
        let to = to.min(self.text.len());
        if to < self.pos {
            // Not expected (findings are sorted), but stay correct: start over.
            self.pos = 0;
            self.line = 0;
            self.line_start = 0;
        }
        for i in memchr::memchr_iter(b'\n', &self.text.as_bytes()[self.pos..to]) {
            self.line += 1;
            self.line_start = self.pos + i + 1;
        }
        self.pos = to;
        (self.line, self.line_start)
    }

    /// 1-based column (in characters) of byte `at` on the line starting at `line_start`.
    fn column(&mut self, line_start: usize, at: usize) -> u64 {
        if self.column_line != line_start || at < self.column_at {
            self.column_line = line_start;
            self.column_at = line_start;
            self.column_chars = 0;
        }
        self.column_chars += self.text[self.column_at..at].chars().count() as u64;
        self.column_at = at;
        let before_text = if line_start == 0 { self.base_column } else { 0 };
        before_text + self.column_chars + 1
    }

    /// The end of the line holding byte `at` (its newline's offset, or the text's length).
    fn line_end(&mut self, at: usize) -> usize {
        let cached = self.line_end_from <= at && at <= self.line_end;
        if !cached {
            let len = self.text.len();
            self.line_end =
                memchr::memchr(b'\n', &self.text.as_bytes()[at..]).map_or(len, |i| at + i);
            self.line_end_from = at;
        }
        self.line_end
    }

    /// Place `finding`, whose offsets are into this part's text (already mapped to the source).
    pub fn locate(&mut self, mut finding: Finding) -> Located {
        let len = self.text.len();
        let start = floor_boundary(self.text, finding.start.min(len));
        let end = floor_boundary(self.text, finding.end.clamp(start, len));
        let (line, line_start) = self.advance(start);
        let column = self.column(line_start, start);
        // The end line: count on a copy so later findings still start from `start`.
        let mut end_line = line;
        let mut end_line_start = line_start;
        for i in memchr::memchr_iter(b'\n', &self.text.as_bytes()[start..end]) {
            end_line += 1;
            end_line_start = start + i + 1;
        }
        let end_column = if end_line_start == line_start {
            column + self.text[start..end].chars().count() as u64
        } else {
            self.text[end_line_start..end].chars().count() as u64 + 1
        };
        finding.start = (self.base_offset + start as u64) as usize;
        finding.end = (self.base_offset + end as u64) as usize;
        let mut located = Located {
            finding,
            line: self.base_line + line + 1,
            column,
            end_line: self.base_line + end_line + 1,
            end_column,
            excerpt: Excerpt::default(),
            source_text: None,
            fixable: true,
        };
        let source = &self.text[start..end];
        if source != located.finding.text {
            located.source_text = Some(source.to_string());
        }
        if !self.excerpts {
            return located;
        }
        let line_end = self.line_end(end);
        let mut from = line_start;
        let mut clipped_start = false;
        if start - from > EXCERPT_CONTEXT {
            from = ceil_boundary(self.text, start - EXCERPT_CONTEXT);
            clipped_start = true;
        }
        let to = if line_end - end > EXCERPT_CONTEXT {
            floor_boundary(self.text, end + EXCERPT_CONTEXT)
        } else {
            line_end
        };
        let to = from + self.text[from..to].trim_end_matches('\r').len();
        let source = self.shared.get_or_insert_with(|| Arc::from(self.text));
        located.excerpt = Excerpt {
            source: Arc::clone(source),
            range: from..to,
            span: (start - from)..(end - from).min(to - from),
            clipped_start,
        };
        located
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn finding(start: usize, end: usize, text: &str, suggestion: &str) -> Finding {
        Finding {
            start,
            end,
            text: text.into(),
            suggestion: suggestion.into(),
            alternatives: vec!["AI".into()],
            confidence: 0.93,
            rule: "pps:counterfeit-consciousness".into(),
            message: format!("“{text}” is a known tortured phrase for “{suggestion}”"),
        }
    }

    #[test]
    fn locates_lines_and_columns_in_chars() {
        let text = "Première ligne\nThe counterfeit consciousness é\n";
        let mut loc = Locator::new(text, 0, 0);
        let s = text.find("counterfeit").unwrap();
        let l = loc.locate(finding(
            s,
            s + 25,
            "counterfeit consciousness",
            "artificial intelligence",
        ));
        assert_eq!((l.line, l.column, l.end_line, l.end_column), (2, 5, 2, 30));
        assert_eq!(l.excerpt.text(), "The counterfeit consciousness é");
        assert_eq!(
            &l.excerpt.text()[l.excerpt.span.clone()],
            "counterfeit consciousness"
        );
        // With a base (a later part of a large file).
        let mut loc = Locator::new(text, 1000, 41);
        let l = loc.locate(finding(s, s + 25, "x", "y"));
        assert_eq!((l.finding.start, l.line), (1000 + s, 43));
    }

    #[test]
    fn columns_counted_on_from_finding_to_finding_match_a_count_from_the_line_start() {
        // Many findings on one line and a few on the next, with multi-byte characters: each
        // position as if counted from scratch (the locator counts on from the last one).
        let text = "é word ü word\u{2014} word ö word\nnext word é word\n";
        let starts: Vec<usize> = text.match_indices("word").map(|(i, _)| i).collect();
        let mut loc = Locator::new(text, 0, 0);
        for &s in &starts {
            let l = loc.locate(finding(s, s + 4, "word", "term"));
            let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..s].chars().count() as u64 + 1;
            assert_eq!((l.column, l.end_column), (column, column + 4), "at {s}");
            let line_end = text[s..].find('\n').map_or(text.len(), |i| s + i);
            assert_eq!(l.excerpt.text(), &text[line_start..line_end]);
        }
    }

    #[test]
    fn clips_long_lines() {
        let text = format!("{}target{}", "é".repeat(4000), "x".repeat(4000));
        let s = text.find("target").unwrap();
        let l = Locator::new(&text, 0, 0).locate(finding(s, s + 6, "target", "goal"));
        assert!(l.excerpt.clipped_start && l.excerpt.text().len() <= 2 * EXCERPT_CONTEXT + 6);
        assert_eq!(&l.excerpt.text()[l.excerpt.span.clone()], "target");
        assert_eq!(l.column, 4001);
    }

    /// The score shown is on the same side of each verdict threshold as the score: a document
    /// called uncertain never shows 0.70, a clean one never 0.35.
    #[test]
    fn a_shown_score_agrees_with_its_verdict() {
        use unspin::Verdict;
        assert_eq!(shown_score(0.6996, 3), 0.699);
        assert_eq!(shown_score(0.6996, 2), 0.69);
        assert_eq!(shown_score(0.7, 3), 0.7);
        assert_eq!(shown_score(0.3496, 2), 0.34);
        assert_eq!(shown_score(0.9989, 3), 0.999);
        for i in 0..=100_000 {
            let score = i as f32 / 100_000.0;
            for decimals in [2, 3] {
                let shown = shown_score(score, decimals);
                let v = unspin::score::verdict(score);
                assert_eq!(v == Verdict::Spun, shown >= 0.7, "{score} shows {shown}");
                assert_eq!(v == Verdict::Clean, shown < 0.35, "{score} shows {shown}");
            }
        }
    }
}
