//! Markdown → prose, with an offset map. Parsed with `pulldown-cmark` (CommonMark, the parser
//! rustdoc uses), whose events carry source ranges.
//!
//! Kept: the text of paragraphs, headings, list items, block quotes, table cells, emphasis, and
//! link text. Skipped: code blocks, images (their alt text), raw HTML, front matter, link URLs.
//! Inline code is kept as written (it reads as part of the sentence), and its ranges are returned
//! so that nothing inside it is reported or rewritten (`extract_with_code`). HTML comments that carry an
//! `unspin:` suppression marker are kept, so `<!-- unspin: ignore -->` works in Markdown.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::offsets::{OffsetMap, TextBuilder};
use super::SUPPRESSION_PREFIX;

/// Extract the prose of a Markdown document.
pub fn extract(src: &str) -> (String, OffsetMap) {
    let (text, map, _) = extract_with_code(src);
    (text, map)
}

/// [`extract`], with the ranges of the prose that are inline code: kept for the sentence's sake,
/// but code, so nothing in them is to be reported or rewritten.
pub fn extract_with_code(src: &str) -> (String, OffsetMap, Vec<std::ops::Range<usize>>) {
    let mut code = Vec::new();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut out = TextBuilder::new();
    // Depth inside constructs whose text is not prose (code blocks, images, metadata).
    let mut skip = 0usize;
    for (event, range) in Parser::new_ext(src, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. } | Tag::MetadataBlock(_)) => {
                skip += 1
            }
            Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_)) => {
                skip = skip.saturating_sub(1);
                out.block_break(range.end);
            }
            Event::End(TagEnd::Image) => skip = skip.saturating_sub(1),
            _ if skip > 0 => {}
            Event::Text(t) => push_text(&mut out, src, &t, range),
            Event::Code(_) => {
                // The code without its backticks; map it to the whole span.
                let raw = &src[range.clone()];
                let inner = raw.trim_matches('`');
                let lead = raw.len() - raw.trim_start_matches('`').len();
                let at = out.text().len();
                out.push_verbatim(inner, range.start + lead);
                code.push(at..out.text().len());
            }
            Event::Html(h) | Event::InlineHtml(h) if h.contains(SUPPRESSION_PREFIX) => {
                out.push_mapped(&format!(" {} ", h.trim()), range);
            }
            // A soft break (a line end inside a paragraph) reads as a space, as in HTML: the
            // paragraph is one line of the checked text, so an `unspin: ignore` marker on any of
            // its lines suppresses all of it. A hard break stays a line break (`<br>` in HTML).
            Event::SoftBreak => out.push_mapped(" ", range),
            Event::HardBreak => out.push_mapped("\n", range),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::Table
                | TagEnd::FootnoteDefinition
                | TagEnd::List(_),
            ) => out.block_break(range.end),
            Event::End(TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead) => {
                out.line_break(range.end)
            }
            Event::End(TagEnd::TableCell) if !out.ends_with_space() => {
                out.push_mapped(" ", range.end..range.end);
            }
            Event::Start(Tag::Item) => out.line_break(range.start),
            Event::Rule => out.block_break(range.start),
            _ => {}
        }
    }
    let (text, map) = out.finish();
    for r in &mut code {
        r.end = r.end.min(text.len());
    }
    (text, map, code)
}

/// A text event: verbatim when the source holds exactly it, otherwise (an entity, an escape) a
/// mapped piece over its whole source range.
fn push_text(out: &mut TextBuilder, src: &str, text: &str, range: std::ops::Range<usize>) {
    let raw = &src[range.clone()];
    if raw == text {
        out.push_verbatim(text, range.start);
    } else if let Some(pos) = raw.find(text) {
        // Text inside a larger raw range (e.g. table cells padded with spaces).
        out.push_verbatim(text, range.start + pos);
    } else {
        out.push_mapped(text, range);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup_and_maps_back() {
        let src = "# Title\n\nSome *emphasised* text with [a link](http://x.io) and `code`.\n\n```\nfn skipped() {}\n```\n\n- item one\n- item two\n";
        let (text, map) = extract(src);
        assert_eq!(
            text,
            "Title\n\nSome emphasised text with a link and code.\n\nitem one\nitem two"
        );
        for word in ["Title", "emphasised", "a link", "code", "item two"] {
            let at = text.find(word).unwrap();
            let back = map.to_source(at..at + word.len());
            assert_eq!(&src[back], word);
        }
        assert!(!text.contains("skipped"));
    }

    #[test]
    fn entities_map_to_their_source() {
        let src = "Caf\u{e9} R&amp;D \u{2014} “quoted”";
        let (text, map) = extract(src);
        assert_eq!(text, "Caf\u{e9} R&D \u{2014} “quoted”");
        let at = text.find("R&D").unwrap();
        assert_eq!(&src[map.to_source(at..at + 3)], "R&amp;D");
        let at = text.find("quoted").unwrap();
        assert_eq!(&src[map.to_source(at..at + 6)], "quoted");
    }

    #[test]
    fn a_paragraph_is_one_line() {
        // So that an `unspin: ignore` marker on one of its lines covers all of it, as in HTML.
        let src = "First line <!-- unspin: ignore -->\nsecond line  \nafter a hard break.\n\nNext.";
        let (text, map) = extract(src);
        let para = text.split("\n\n").next().unwrap();
        assert_eq!(para.lines().count(), 2, "{text:?}");
        assert!(para.lines().next().unwrap().contains("unspin: ignore"));
        assert!(para.lines().next().unwrap().ends_with("second line"));
        let at = text.find("second").unwrap();
        assert_eq!(&src[map.to_source(at..at + 11)], "second line");
    }

    #[test]
    fn keeps_suppression_comments() {
        let (text, _) = extract("A line <!-- unspin: ignore --> here\n");
        assert!(text.contains("unspin: ignore"));
    }
}
