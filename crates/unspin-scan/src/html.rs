//! HTML to plain text for WARC payloads, with html2text (an html5ever parser): scripts, styles
//! and markup go; paragraphs and block elements become line breaks; entities are decoded.

/// Lines are never wrapped: the text is scored, not displayed, and a wrap would put line breaks
/// where the page had none.
const NO_WRAP_WIDTH: usize = 1 << 20;

pub fn to_text(html: &str) -> Result<String, String> {
    html2text::config::plain_no_decorate()
        .raw_mode(true)
        .allow_width_overflow()
        .no_link_wrapping()
        .string_from_read(html.as_bytes(), NO_WRAP_WIDTH)
        .map_err(|e| format!("HTML cannot be converted to text: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn strips_markup_scripts_and_entities() {
        let text = super::to_text(
            "<html><style>p{}</style><body><h1>Title</h1><p>A &amp; B<br>C</p>\
             <script>alert(1)</script><table><tr><td>x</td><td>y</td></tr></table></body></html>",
        )
        .unwrap();
        assert!(text.contains("Title"), "{text:?}");
        assert!(text.contains("A & B"), "{text:?}");
        assert!(!text.contains("alert"), "{text:?}");
        assert!(!text.contains("p{}"), "{text:?}");
        assert!(!text.contains('<'), "{text:?}");
    }
}
