//! The text layer: turn input bytes into the text that is checked, with a map back to the bytes.
//!
//! Plain text is checked as it is. Markdown ([`markdown`]) and HTML ([`html`]) are reduced to their
//! prose; the [`OffsetMap`] maps every span of that prose back to the input's own bytes, so a
//! finding on a web page names the bytes of the page (an `&amp;` and all).

use std::borrow::Cow;
use std::path::Path;

use crate::error::{Error, Result};

pub mod html;
pub mod markdown;
pub mod offsets;

pub use offsets::{OffsetMap, TextBuilder};

/// The prefix of the inline suppression markers (`unspin: ignore`, `unspin: ignore-file`); markup
/// comments that carry it are kept in the extracted text so that suppression works in HTML and
/// Markdown too.
pub const SUPPRESSION_PREFIX: &str = "unspin:";

/// The markup of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Plain,
    Markdown,
    Html,
}

impl Format {
    /// Guess from a file name (a trailing `.gz`/`.zst` is looked through).
    pub fn from_path(path: &Path) -> Format {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let name = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".zst"))
            .unwrap_or(&name);
        match name.rsplit_once('.').map(|(_, e)| e) {
            Some("html" | "htm" | "xhtml" | "shtml") => Format::Html,
            Some("md" | "markdown" | "mdown" | "mkd") => Format::Markdown,
            _ => Format::Plain,
        }
    }

    /// Parse a user's `--input-format` value.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "plain" | "text" | "txt" => Some(Format::Plain),
            "markdown" | "md" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// Guess from the content, for a text that comes without a file name (pasted, posted to the
    /// server): HTML when it begins as the WHATWG MIME Sniffing standard says an HTML document
    /// does (after white space, a byte-order mark and an XML declaration: `<!DOCTYPE html`,
    /// `<html`, `<head`, `<body`, `<p`, `<div`, `<!--`... followed by a space or `>`); plain
    /// text otherwise. Markdown is not guessed: ordinary prose is valid Markdown, and a line
    /// starting with `#` or `*` says little.
    pub fn sniff(text: &str) -> Format {
        // The standard's patterns, lower-cased (it compares case-insensitively).
        const HTML_STARTS: &[&str] = &[
            "<!doctype html",
            "<html",
            "<head",
            "<script",
            "<iframe",
            "<h1",
            "<div",
            "<font",
            "<table",
            "<a",
            "<style",
            "<title",
            "<b",
            "<body",
            "<br",
            "<p",
            "<!--",
            // Not in the standard's list, which is for whole documents: the tags a pasted
            // fragment of a page starts with.
            "<h2",
            "<h3",
            "<h4",
            "<h5",
            "<h6",
            "<span",
            "<section",
            "<article",
            "<main",
            "<header",
            "<ul",
            "<ol",
            "<li",
            "<blockquote",
        ];
        let mut rest = text.trim_start_matches('\u{feff}').trim_start();
        // An XHTML page's `<?xml version="1.0"?>` comes before its doctype.
        if rest.starts_with("<?xml") {
            rest = rest
                .find("?>")
                .map_or("", |end| rest[end + 2..].trim_start());
        }
        let head = rest.as_bytes();
        let html = HTML_STARTS.iter().any(|start| {
            head.len() > start.len()
                && head[..start.len()].eq_ignore_ascii_case(start.as_bytes())
                // A tag-terminating byte: `<p>` or `<p class=…>` opens a paragraph, `<pre>` is
                // not `<p`, and `<abc>` is no tag at all.
                && (head[start.len()] == b'>' || head[start.len()].is_ascii_whitespace())
        });
        if html {
            Format::Html
        } else {
            Format::Plain
        }
    }
}

/// A text ready to check: the prose and the map from its offsets to the source's.
#[derive(Debug, Clone)]
pub struct Extracted<'a> {
    /// The input the text was extracted from, and its markup.
    pub source: &'a str,
    pub format: Format,
    pub text: Cow<'a, str>,
    pub map: OffsetMap,
    /// Ranges of `text` that are code kept for the sentence's sake (inline code in Markdown and
    /// HTML), in order: read as context, never reported or rewritten.
    pub code: Vec<std::ops::Range<usize>>,
}

impl Extracted<'_> {
    /// Map a span of [`Extracted::text`] to the source.
    pub fn to_source(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.map.to_source(span)
    }

    /// Findings on [`Extracted::text`] placed in the source so that applying them replaces words
    /// only, never markup (what `restore` applies). A finding whose words are split by markup
    /// (`counterfeit</b> consciousness`, an article before a link: `an [irregular
    /// timberland](…)`) becomes one finding per run of words between the markup, the
    /// suggestion's words spread over them in order. One that cannot be spread sensibly (fewer
    /// words than runs, markup inside a word) is [`Placed::kept`].
    pub fn place_findings(&self, mut findings: Vec<crate::Finding>) -> Placed {
        self.drop_findings_in_code(&mut findings);
        let mut placed = Placed::default();
        for f in findings {
            match self.split_at_markup(&f) {
                Some(pieces) => placed.findings.extend(pieces),
                None => {
                    let span = self.to_source(f.start..f.end);
                    placed.kept.push(crate::Finding {
                        start: span.start,
                        end: span.end,
                        ..f
                    });
                }
            }
        }
        // The map is monotonic, but keep the callers' order requirement explicit.
        placed.findings.sort_by_key(|f| (f.start, f.end));
        placed.kept.sort_by_key(|f| (f.start, f.end));
        placed
    }

    /// `f` as findings on the source that replace only its words (see
    /// [`Extracted::place_findings`]); `None` where the suggestion cannot be spread over them.
    fn split_at_markup(&self, f: &crate::Finding) -> Option<Vec<crate::Finding>> {
        let whole = || {
            let span = self.to_source(f.start..f.end);
            crate::Finding {
                start: span.start,
                end: span.end,
                ..f.clone()
            }
        };
        // Runs of the text whose sources follow one another, or are apart by no markup: only
        // whitespace (collapsed spaces, a line break), or in HTML, where all markup starts with
        // `<`, no `<` (the tokenizer leaves an entity's `;` out of its range).
        let is_markup = |gap: &str| match self.format {
            Format::Html => gap.contains('<'),
            _ => !gap.chars().all(char::is_whitespace),
        };
        let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
        let mut src_end = None;
        let mut in_markup = false;
        for (text, src) in self.map.runs(f.start..f.end) {
            // A piece that stands for markup (a kept `<!-- unspin: … -->` comment) is no words
            // to replace: it holds a `<` its text does not.
            let lt = |s: &str| s.matches('<').count();
            if self.source.get(src.clone()).map_or(0, lt) > lt(&self.text[text.clone()]) {
                in_markup = true;
                src_end = None;
                continue;
            }
            let joined = src_end.is_some_and(|end: usize| {
                src.start <= end
                    || self
                        .source
                        .get(end..src.start)
                        .is_some_and(|g| !is_markup(g))
            });
            match runs.last_mut() {
                Some(last) if joined => last.end = text.end,
                _ => runs.push(text),
            }
            src_end = Some(src.end);
        }
        if runs.len() <= 1 && !in_markup {
            return Some(vec![whole()]);
        }
        // A finding whose original is unknown changes nothing; across markup it is reported
        // whole and never applied.
        if !f.knows_original() {
            return None;
        }
        // The runs' words, without the whitespace at their edges (it stays where it is).
        let words: Vec<std::ops::Range<usize>> = runs
            .iter()
            .filter_map(|r| {
                let s = &self.text[r.clone()];
                let lead = s.len() - s.trim_start().len();
                let trimmed = s.trim();
                (!trimmed.is_empty()).then(|| r.start + lead..r.start + lead + trimmed.len())
            })
            .collect();
        if words.is_empty() {
            return if in_markup { None } else { Some(vec![whole()]) };
        }
        if words.len() == 1 {
            // The markup is at the edge, outside the words.
            return Some(
                words
                    .iter()
                    .map(|r| {
                        let span = self.to_source(r.clone());
                        crate::Finding {
                            start: span.start,
                            end: span.end,
                            text: self.text[r.clone()].to_string(),
                            ..f.clone()
                        }
                    })
                    .collect(),
            );
        }
        // Markup inside a word (`<b>C</b>ounterfeit`): no word boundary to put it at.
        if words.windows(2).any(|w| w[0].end == w[1].start) {
            return None;
        }
        let counts: Vec<usize> = words
            .iter()
            .map(|r| self.text[r.clone()].split_whitespace().count())
            .collect();
        let suggested: Vec<&str> = f.suggestion.split_whitespace().collect();
        let lone_article = |s: &str| matches!(s.to_lowercase().as_str(), "a" | "an");
        let article = lone_article(&self.text[words[0].clone()])
            && suggested.first().is_some_and(|w| lone_article(w));
        let shares = spread(&counts, suggested.len(), article)?;
        let mut next = 0;
        let mut pieces: Vec<crate::Finding> = words
            .iter()
            .zip(shares)
            .map(|(r, n)| {
                let span = self.to_source(r.clone());
                let suggestion = suggested[next..next + n].join(" ");
                next += n;
                crate::Finding {
                    start: span.start,
                    end: span.end,
                    text: self.text[r.clone()].to_string(),
                    suggestion,
                    // The alternatives are for the whole phrase, not for one of its runs.
                    alternatives: Vec::new(),
                    ..f.clone()
                }
            })
            .collect();
        // A run whose words stay ("kidney" of "kidney</b> disappointment" → "kidney failure")
        // is no finding of its own.
        pieces.retain(crate::Finding::knows_original);
        (!pieces.is_empty()).then_some(pieces)
    }

    /// Drop the findings that touch code.
    pub fn drop_findings_in_code(&self, findings: &mut Vec<crate::Finding>) {
        if self.code.is_empty() {
            return;
        }
        findings.retain(|f| {
            let after = self.code.partition_point(|r| r.end <= f.start);
            match self.code.get(after) {
                Some(code) => code.start >= f.end,
                None => true,
            }
        });
    }
}

/// Findings placed in the source by [`Extracted::place_findings`].
#[derive(Debug, Clone, Default)]
pub struct Placed {
    /// Findings that replace words only: each can be applied to the source as it is.
    pub findings: Vec<crate::Finding>,
    /// Findings whose words markup splits where the suggestion cannot be spread over them, over
    /// their whole source span: applying one would delete markup, so they are kept as written.
    pub kept: Vec<crate::Finding>,
}

impl Placed {
    /// The findings that can be applied to a source of `format`, their suggestions escaped in
    /// HTML (a restored "R&D" must not become markup).
    pub fn replacements(&self, format: Format) -> Vec<crate::Finding> {
        let mut out = self.findings.clone();
        if format == Format::Html {
            for f in &mut out {
                f.suggestion = html::escape(&f.suggestion);
            }
        }
        out
    }
}

/// How many of `m` suggested words each run of words gets, the runs holding `counts` written
/// words: word for word when the counts agree, else an article to the article (`article`: the
/// first run is a lone "a"/"an" and so is the first suggested word) and the rest in proportion,
/// at least one a run. `None` with fewer words than runs.
fn spread(counts: &[usize], m: usize, article: bool) -> Option<Vec<usize>> {
    let n: usize = counts.iter().sum();
    if m == n {
        return Some(counts.to_vec());
    }
    if article {
        let mut rest = spread(&counts[1..], m.checked_sub(1)?, false)?;
        rest.insert(0, 1);
        return Some(rest);
    }
    let k = counts.len();
    if m < k || n == 0 {
        return None;
    }
    let mut shares = Vec::with_capacity(k);
    let (mut taken, mut written) = (0, 0);
    for (i, &c) in counts.iter().enumerate() {
        written += c;
        // The suggested words up to this run's end, rounded to the nearest, leaving at least one
        // word for this run and for each run after it.
        let upto = if i + 1 == k {
            m
        } else {
            ((2 * m * written + n) / (2 * n)).clamp(taken + 1, m - (k - i - 1))
        };
        shares.push(upto - taken);
        taken = upto;
    }
    Some(shares)
}

/// Reduce `src` to the text that is checked. Plain text is borrowed as it is.
pub fn extract(src: &str, format: Format) -> Extracted<'_> {
    match format {
        Format::Plain => Extracted {
            source: src,
            format,
            text: Cow::Borrowed(src),
            map: OffsetMap::identity(src.len()),
            code: Vec::new(),
        },
        Format::Markdown => {
            let (text, map, code) = markdown::extract_with_code(src);
            Extracted {
                source: src,
                format,
                text: Cow::Owned(text),
                map,
                code,
            }
        }
        Format::Html => {
            let (text, map, code) = html::extract_with_code(src);
            Extracted {
                source: src,
                format,
                text: Cow::Owned(text),
                map,
                code,
            }
        }
    }
}

/// Why an input was not checked: a binary file, or bytes that are not UTF-8.
pub fn check_bytes(bytes: &[u8]) -> std::result::Result<&str, String> {
    // Binary files: a NUL byte in the first 8 KiB, as git and ripgrep decide.
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("binary file (contains NUL bytes), skipped".into());
    }
    std::str::from_utf8(bytes).map_err(|e| utf8_error_message(e, 0))
}

/// The message for bytes that are not UTF-8; `base` is the offset of `bytes` in the input.
pub fn utf8_error_message(e: std::str::Utf8Error, base: u64) -> String {
    format!(
        "invalid UTF-8 at byte {} (unspin reads UTF-8 text only; convert it first, e.g. with iconv)",
        base + e.valid_up_to() as u64
    )
}

/// Decode bytes read from `path` as UTF-8 text, with a clear error naming the input.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String> {
    check_bytes(bytes)
        .map(|s| s.strip_prefix('\u{feff}').unwrap_or(s).to_string())
        .map_err(|m| Error::parse(path, None, m))
}

#[cfg(test)]
mod tests {
    #[test]
    fn findings_in_markdown_inline_code_are_dropped() {
        let src = "Use `counterfeit consciousness` here, and counterfeit consciousness there.";
        let e = extract(src, Format::Markdown);
        let at = |from: usize| {
            let start = from + e.text[from..].find("counterfeit").unwrap();
            crate::Finding {
                start,
                end: start + "counterfeit consciousness".len(),
                text: "counterfeit consciousness".into(),
                suggestion: "artificial intelligence".into(),
                alternatives: Vec::new(),
                confidence: 0.9,
                rule: "t".into(),
                message: String::new(),
            }
        };
        let first = at(0);
        let second = at(first.end);
        let mut findings = vec![first, second.clone()];
        e.drop_findings_in_code(&mut findings);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].start, second.start);
    }

    use super::*;

    /// A finding on `e.text` over `phrase` (its first occurrence), as the engine reports it.
    fn finding_on(e: &Extracted, phrase: &str, suggestion: &str) -> crate::Finding {
        let start = e
            .text
            .find(phrase)
            .unwrap_or_else(|| panic!("{phrase:?} in {:?}", e.text));
        crate::Finding {
            start,
            end: start + phrase.len(),
            text: phrase.into(),
            suggestion: suggestion.into(),
            alternatives: vec!["machine intelligence".into()],
            confidence: 0.9,
            rule: "t".into(),
            message: String::new(),
        }
    }

    /// The source with every placed finding applied.
    fn restored(src: &str, format: Format, phrase: &str, suggestion: &str) -> (String, Placed) {
        let e = extract(src, format);
        let placed = e.place_findings(vec![finding_on(&e, phrase, suggestion)]);
        (crate::finding::apply(src, &placed.findings), placed)
    }

    #[test]
    fn a_finding_split_by_markup_replaces_words_only() {
        let cases = [
            (
                Format::Html,
                "<p>We apply <b>counterfeit</b> consciousness here.</p>",
                "counterfeit consciousness",
                "artificial intelligence",
                "<p>We apply <b>artificial</b> intelligence here.</p>",
            ),
            // The article the engine takes in (`agree_articles`) stays outside the link.
            (
                Format::Html,
                "<p>We fit an <a href=\"https://example.org/x\">irregular timberland</a> model to the data.</p>",
                "an irregular timberland",
                "a random forest",
                "<p>We fit a <a href=\"https://example.org/x\">random forest</a> model to the data.</p>",
            ),
            (
                Format::Markdown,
                "and an [irregular timberland](https://example.org/x) model",
                "an irregular timberland",
                "a random forest",
                "and a [random forest](https://example.org/x) model",
            ),
            (
                Format::Markdown,
                "We apply *counterfeit* consciousness.",
                "counterfeit consciousness",
                "artificial intelligence",
                "We apply *artificial* intelligence.",
            ),
            // Fewer words in the original: spread in proportion, one at least to each run.
            (
                Format::Markdown,
                "the [flag to commotion](u) proportion",
                "flag to commotion proportion",
                "signal-to-noise ratio",
                "the [signal-to-noise](u) ratio",
            ),
            // A block quote's `> ` on the next line is markup too.
            (
                Format::Markdown,
                "> the flag to\n> commotion proportion",
                "flag to commotion proportion",
                "signal-to-noise ratio",
                "> the signal-to-noise\n> ratio",
            ),
            // A line break is kept; the run whose word stays is left alone.
            (
                Format::Html,
                "<p>kidney<br>disappointment</p>",
                "kidney\ndisappointment",
                "kidney failure",
                "<p>kidney<br>failure</p>",
            ),
            // No markup inside the words: replaced whole, entities, soft breaks and all.
            (
                Format::Html,
                "<p>R&amp;D and counterfeit&#32;consciousness.</p>",
                "counterfeit consciousness",
                "artificial intelligence",
                "<p>R&amp;D and artificial intelligence.</p>",
            ),
            (
                Format::Markdown,
                "We study colossal\ninformation.",
                "colossal information",
                "big data",
                "We study big data.",
            ),
        ];
        for (format, src, phrase, suggestion, want) in cases {
            let (got, placed) = restored(src, format, phrase, suggestion);
            assert_eq!(got, want, "{src}");
            assert!(placed.kept.is_empty(), "{src}");
        }
        // Each run's finding names its own words, and the phrase's alternatives are not offered
        // for one run.
        let (_, placed) = restored(
            "and an [irregular timberland](u)",
            Format::Markdown,
            "an irregular timberland",
            "a random forest",
        );
        let texts: Vec<&str> = placed.findings.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["an", "irregular timberland"]);
        assert!(placed.findings.iter().all(|f| f.alternatives.is_empty()));
    }

    #[test]
    fn a_finding_whose_words_cannot_be_fitted_around_markup_is_kept() {
        for (src, phrase, suggestion) in [
            // Markup inside a word.
            (
                "<p>The <b>C</b>ounterfeit consciousness.</p>",
                "Counterfeit consciousness",
                "Artificial intelligence",
            ),
            // Fewer words than runs.
            (
                "<p>The head of <i>state</i> spoke.</p>",
                "head of state",
                "president",
            ),
        ] {
            let (got, placed) = restored(src, Format::Html, phrase, suggestion);
            assert_eq!(got, src);
            assert!(placed.findings.is_empty());
            // Reported over its whole source span.
            let kept = &placed.kept[0];
            assert!(src[kept.start..kept.end].starts_with(&phrase[..1]));
            assert!(src[kept.start..kept.end].ends_with(phrase.rsplit(' ').next().unwrap()));
        }
    }

    #[test]
    fn spread_gives_each_run_words() {
        assert_eq!(spread(&[1, 1], 2, false), Some(vec![1, 1]));
        assert_eq!(spread(&[2, 2], 1, false), None);
        assert_eq!(spread(&[1, 2], 3, true), Some(vec![1, 2]));
        assert_eq!(spread(&[1, 3], 3, true), Some(vec![1, 2]));
        assert_eq!(spread(&[3, 1], 2, false), Some(vec![1, 1]));
        assert_eq!(spread(&[1, 1, 2], 5, false), Some(vec![1, 2, 2]));
        assert_eq!(spread(&[1, 2], 1, true), None);
    }

    #[test]
    fn html_inline_code_is_code() {
        let src = "<p>Use <code>counterfeit consciousness</code> or counterfeit consciousness.</p>";
        let e = extract(src, Format::Html);
        assert_eq!(e.code.len(), 1);
        assert_eq!(&e.text[e.code[0].clone()], "counterfeit consciousness");
        let first = finding_on(&e, "counterfeit consciousness", "artificial intelligence");
        let mut second = first.clone();
        second.start = e.text.rfind("counterfeit").unwrap();
        second.end = second.start + "counterfeit consciousness".len();
        let found = e.place_findings(vec![first, second]).findings;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].start, src.rfind("counterfeit").unwrap());
    }

    #[test]
    fn format_sniffed_from_the_content() {
        for html in [
            "<!DOCTYPE html>\n<html><body><p>Hi.</p></body></html>",
            "\u{feff}  \n<!doctype HTML><title>x</title>",
            "<html lang=\"en\">",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">",
            "<p>A paragraph.</p>",
            "<!-- saved from url --> <html>",
            "<div\nclass=\"x\">",
            "<h2>Results</h2><p>Text.</p>",
            "<span class=\"lead\">Text</span>",
            "<section>\n<p>Text.</p>",
        ] {
            assert_eq!(Format::sniff(html), Format::Html, "{html:?}");
        }
        for plain in [
            "A text about <p> tags.",
            "<pre>code</pre>",
            "<abc> is not a tag",
            "<p",
            "# A heading\n\nSome *Markdown*.",
            "",
            "<?xml version=\"1.0\"?><note>x</note>",
        ] {
            assert_eq!(Format::sniff(plain), Format::Plain, "{plain:?}");
        }
    }

    #[test]
    fn format_from_path() {
        assert_eq!(Format::from_path(Path::new("a/b.HTML")), Format::Html);
        assert_eq!(Format::from_path(Path::new("a/b.md.gz")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("b.txt")), Format::Plain);
        assert_eq!(Format::from_path(Path::new("README")), Format::Plain);
    }

    #[test]
    fn bad_bytes() {
        assert!(check_bytes(b"ab\0c").unwrap_err().contains("binary"));
        assert!(check_bytes(b"abc\xffdef")
            .unwrap_err()
            .contains("invalid UTF-8 at byte 3"));
    }
}
