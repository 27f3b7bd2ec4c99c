//! The offset map: from byte offsets in the checked (extracted) text back to byte offsets in the
//! original input, so that findings on an HTML or Markdown page point at the page's own bytes.
//!
//! The extracted text is built from *pieces*. A verbatim piece is a run of the source copied byte
//! for byte, so any offset inside it maps exactly. A mapped piece stands for a source range it does
//! not copy (the `&amp;` that became `&`, a `\r\n` that became `\n`, a block break inserted between
//! two paragraphs): an offset inside it maps to the start of that range when it starts a span and to
//! the end when it ends one, so a mapped span always covers whole source constructs.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// Start of the piece in the extracted text (its end is the next piece's start).
    out: usize,
    src_start: usize,
    src_end: usize,
    verbatim: bool,
}

/// Maps extracted-text offsets back to source offsets. See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    pieces: Vec<Piece>,
    /// Length of the extracted text.
    len: usize,
    /// Plain text: the extracted text is the source itself.
    identity: bool,
}

impl OffsetMap {
    /// The map of a text that is its own source.
    pub fn identity(len: usize) -> Self {
        OffsetMap {
            pieces: Vec::new(),
            len,
            identity: true,
        }
    }

    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// Map a half-open span of the extracted text to a half-open span of the source.
    /// Offsets past the end are clamped; the result always has `start <= end`.
    pub fn to_source(&self, span: Range<usize>) -> Range<usize> {
        if self.identity {
            let s = span.start.min(self.len);
            return s..span.end.clamp(s, self.len);
        }
        if self.pieces.is_empty() {
            return 0..0;
        }
        let start = self.map_start(span.start);
        let end = if span.end <= span.start {
            start
        } else {
            self.map_end(span.end)
        };
        start..end.max(start)
    }

    /// The pieces a span of the extracted text is made of, as (span of the text, span of the
    /// source) pairs in order: a verbatim piece clipped to the span, a mapped piece whole. Where
    /// one pair's source ends before the next one's starts, the source holds something between
    /// them that is not in the text (markup, or whitespace collapsed away).
    pub fn runs(&self, span: Range<usize>) -> Vec<(Range<usize>, Range<usize>)> {
        let (start, end) = (span.start.min(self.len), span.end.min(self.len));
        if start >= end {
            return Vec::new();
        }
        if self.identity {
            return vec![(start..end, start..end)];
        }
        let first = self
            .pieces
            .partition_point(|p| p.out <= start)
            .saturating_sub(1);
        let mut runs = Vec::new();
        for i in first..self.pieces.len() {
            let p = self.pieces[i];
            if p.out >= end {
                break;
            }
            let (from, to) = (start.max(p.out), end.min(self.piece_end(i)));
            if from >= to {
                continue;
            }
            let src = if p.verbatim {
                let at = |off: usize| p.src_start + (off - p.out).min(p.src_end - p.src_start);
                at(from)..at(to)
            } else {
                p.src_start..p.src_end
            };
            runs.push((from..to, src));
        }
        runs
    }

    fn piece_end(&self, i: usize) -> usize {
        self.pieces.get(i + 1).map_or(self.len, |p| p.out)
    }

    fn map_start(&self, off: usize) -> usize {
        // The last piece that starts at or before `off`.
        let i = self
            .pieces
            .partition_point(|p| p.out <= off)
            .saturating_sub(1);
        let p = self.pieces[i];
        if off >= self.piece_end(i) {
            return p.src_end;
        }
        if p.verbatim {
            p.src_start + (off - p.out).min(p.src_end - p.src_start)
        } else {
            p.src_start
        }
    }

    fn map_end(&self, off: usize) -> usize {
        // The last piece that starts before `off` (it holds the byte at `off - 1`).
        let i = self
            .pieces
            .partition_point(|p| p.out < off)
            .saturating_sub(1);
        let p = self.pieces[i];
        if off <= p.out {
            return p.src_start;
        }
        if p.verbatim {
            p.src_start + (off - p.out).min(p.src_end - p.src_start)
        } else {
            p.src_end
        }
    }
}

/// Builds an extracted text and its [`OffsetMap`] together.
#[derive(Debug, Default)]
pub struct TextBuilder {
    text: String,
    pieces: Vec<Piece>,
}

impl TextBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Append `s`, which is the source's bytes at `src_start..src_start + s.len()`.
    pub fn push_verbatim(&mut self, s: &str, src_start: usize) {
        if s.is_empty() {
            return;
        }
        let src_end = src_start + s.len();
        if let Some(last) = self.pieces.last_mut() {
            if !last.verbatim && last.src_end > src_start && last.src_start <= src_start {
                last.src_end = src_start;
            }
            // Extend a verbatim run that continues in the source.
            if last.verbatim && last.src_end == src_start {
                last.src_end = src_end;
                self.text.push_str(s);
                return;
            }
        }
        self.pieces.push(Piece {
            out: self.text.len(),
            src_start,
            src_end,
            verbatim: true,
        });
        self.text.push_str(s);
    }

    /// Append `s`, which stands for the source range `src` without copying it.
    pub fn push_mapped(&mut self, s: &str, src: Range<usize>) {
        if s.is_empty() {
            return;
        }
        // Keep the map monotonic even if a parser reports a range that overlaps the previous
        // one (html5tokenizer can extend a character reference's range over the next character).
        let mut start = src.start;
        if let Some(last) = self.pieces.last_mut() {
            if !last.verbatim && last.src_end > start && last.src_start <= start {
                last.src_end = start;
            }
            start = start
                .max(last.src_start)
                .max(if last.verbatim { last.src_end } else { 0 });
        }
        self.pieces.push(Piece {
            out: self.text.len(),
            src_start: start,
            src_end: src.end.max(start),
            verbatim: false,
        });
        self.text.push_str(s);
    }

    /// Append one character that came from `src`: verbatim when the source holds exactly it.
    pub fn push_char(&mut self, c: char, src: Range<usize>, source: &str) {
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        if source.get(src.clone()) == Some(s) {
            self.push_verbatim(s, src.start);
        } else {
            self.push_mapped(s, src);
        }
    }

    /// End the current block: make the text end with a blank line (`\n\n`), unless it is empty or
    /// already does. `at` is the source offset the break stands at.
    pub fn block_break(&mut self, at: usize) {
        self.ensure_trailing_newlines(2, at);
    }

    /// End the current line (`<br>`, a list item).
    pub fn line_break(&mut self, at: usize) {
        self.ensure_trailing_newlines(1, at);
    }

    fn ensure_trailing_newlines(&mut self, n: usize, at: usize) {
        if self.text.is_empty() {
            return;
        }
        // Trailing spaces before a break carry nothing.
        let trimmed = self.text.trim_end_matches([' ', '\t']).len();
        if trimmed < self.text.len() {
            self.truncate(trimmed);
        }
        let have = self.text.len() - self.text.trim_end_matches('\n').len();
        if have < n {
            // A break never maps before what precedes it (keeps the map monotonic).
            let at = at.max(self.pieces.last().map_or(0, |p| p.src_end));
            let add = "\n".repeat(n - have);
            self.push_mapped(&add, at..at);
        }
    }

    /// Whether the text ends in whitespace (or is empty): used to collapse runs of spaces.
    pub fn ends_with_space(&self) -> bool {
        self.text
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace)
    }

    fn truncate(&mut self, len: usize) {
        self.text.truncate(len);
        while let Some(last) = self.pieces.last_mut() {
            if last.out >= len {
                self.pieces.pop();
            } else {
                if last.verbatim {
                    let keep = len - last.out;
                    last.src_end = last.src_end.min(last.src_start + keep);
                }
                break;
            }
        }
    }

    /// Finish: drop trailing whitespace and return the text with its map.
    pub fn finish(mut self) -> (String, OffsetMap) {
        let trimmed = self.text.trim_end().len();
        self.truncate(trimmed);
        let len = self.text.len();
        (
            self.text,
            OffsetMap {
                pieces: self.pieces,
                len,
                identity: false,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_and_mapped_pieces() {
        // Source "a &amp; b" → text "a & b".
        let src = "a &amp; b";
        let mut b = TextBuilder::new();
        b.push_verbatim("a ", 0);
        b.push_mapped("&", 2..7);
        b.push_verbatim(" b", 7);
        let (text, map) = b.finish();
        assert_eq!(text, "a & b");
        assert_eq!(map.to_source(0..1), 0..1);
        assert_eq!(map.to_source(2..3), 2..7);
        assert_eq!(&src[map.to_source(0..5)], src);
        assert_eq!(&src[map.to_source(4..5)], "b");
        assert_eq!(map.to_source(2..2), 2..2);
    }

    #[test]
    fn breaks_are_not_doubled_and_trailing_space_dropped() {
        let mut b = TextBuilder::new();
        b.block_break(0);
        b.push_verbatim("One ", 3);
        b.block_break(7);
        b.block_break(9);
        b.push_verbatim("Two", 12);
        let (text, map) = b.finish();
        assert_eq!(text, "One\n\nTwo");
        assert_eq!(map.to_source(5..8), 12..15);
        assert_eq!(map.to_source(0..8), 3..15);
    }

    #[test]
    fn identity() {
        let m = OffsetMap::identity(10);
        assert_eq!(m.to_source(3..7), 3..7);
        assert_eq!(m.to_source(8..20), 8..10);
    }
}
