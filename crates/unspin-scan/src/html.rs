//! HTML to plain text for WARC payloads, with html2text (an html5ever parser): scripts, styles
//! and markup go; paragraphs and block elements become line breaks; entities are decoded.
//! Before that, the body's bytes are decoded as a browser would ([`decode`]).

use encoding_rs::{Encoding, REPLACEMENT, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};

/// Lines are never wrapped: the text is scored, not displayed, and a wrap would put line breaks
/// where the page had none.
const NO_WRAP_WIDTH: usize = 1 << 20;

/// How many bytes of the body the `<meta>` prescan looks at (WHATWG: 1024).
const PRESCAN_BYTES: usize = 1024;

pub fn to_text(html: &str) -> Result<String, String> {
    html2text::config::plain_no_decorate()
        .raw_mode(true)
        .allow_width_overflow()
        .no_link_wrapping()
        .string_from_read(html.as_bytes(), NO_WRAP_WIDTH)
        .map_err(|e| format!("HTML cannot be converted to text: {e}"))
}

/// Decode an HTML body to text the way browsers (and Common Crawl's tools) determine its
/// encoding (WHATWG encoding sniffing): a byte-order mark; else the HTTP `charset` (the
/// `http_charset` label); else a `<meta charset>` / `<meta http-equiv="Content-Type">` in the first
/// 1024 bytes; else UTF-8 if the body is valid UTF-8, windows-1252 if not. Bytes that are not
/// valid in the chosen encoding become U+FFFD: one stray byte must not cost the whole page.
///
/// An error only for a charset that cannot be decoded at all (the labels WHATWG maps to its
/// `replacement` encoding, such as ISO-2022-KR).
pub fn decode(body: &[u8], http_charset: Option<&str>) -> Result<String, String> {
    decode_as(body, http_charset).map(|(text, _)| text)
}

/// [`decode`], with the encoding the body was decoded from.
pub fn decode_as(
    body: &[u8],
    http_charset: Option<&str>,
) -> Result<(String, &'static Encoding), String> {
    let (encoding, bom) = match Encoding::for_bom(body) {
        Some(found) => found,
        None => (choose_encoding(body, http_charset), 0),
    };
    if encoding == REPLACEMENT {
        return Err(format!(
            "declared charset `{}` cannot be decoded (WHATWG maps it to the replacement encoding)",
            http_charset.unwrap_or_default()
        ));
    }
    let text = encoding
        .decode_without_bom_handling(&body[bom..])
        .0
        .into_owned();
    Ok((text, encoding))
}

/// The encoding of a body without a byte-order mark.
fn choose_encoding(body: &[u8], http_charset: Option<&str>) -> &'static Encoding {
    let head = &body[..body.len().min(PRESCAN_BYTES)];
    if let Some(encoding) = http_charset.and_then(|label| Encoding::for_label(label.as_bytes())) {
        // UTF-16 without a byte-order mark is trusted only when the bytes look like it: markup in
        // UTF-16 has a NUL in every other byte, and a page of ASCII labelled `unicode` (a label
        // for UTF-16LE) would otherwise become a page of CJK nonsense.
        let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
        if !utf16 || head.contains(&0) {
            return encoding;
        }
    }
    if let Some(encoding) = prescan(head) {
        return encoding;
    }
    if std::str::from_utf8(body).is_ok() {
        UTF_8
    } else {
        WINDOWS_1252
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// The WHATWG "prescan a byte stream to determine its encoding" over `head`: the encoding that a
/// `<meta charset>` or `<meta http-equiv="content-type" content="...charset=...">` declares,
/// comments and other tags' attributes skipped as the spec does.
pub fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let at = |i: usize, text: &[u8]| {
        head.get(i..i + text.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(text))
    };
    let mut pos = 0;
    while pos < head.len() {
        if at(pos, b"<!--") {
            // To the `>` of the first `-->` (whose dashes may be those of `<!--`).
            pos = pos + 2 + find(&head[pos + 2..], b"-->")? + 3;
            continue;
        }
        if at(pos, b"<meta") && head.get(pos + 5).is_some_and(|&b| is_space(b) || b == b'/') {
            pos += 6;
            if let Some(encoding) = meta_encoding(head, &mut pos)? {
                return Some(encoding);
            }
            continue;
        }
        let next = head.get(pos + 1).copied();
        let tag = match next {
            Some(b) if b.is_ascii_alphabetic() => Some(pos + 1),
            Some(b'/') if head.get(pos + 2).is_some_and(u8::is_ascii_alphabetic) => Some(pos + 2),
            _ => None,
        };
        if head[pos] == b'<' {
            if let Some(start) = tag {
                // Another tag: skip its name and attributes (a quoted `>` does not end it).
                pos = start
                    + head[start..]
                        .iter()
                        .position(|&b| is_space(b) || b == b'>')?;
                while get_attribute(head, &mut pos)?.is_some() {}
                pos += 1;
                continue;
            }
            if matches!(next, Some(b'!' | b'/' | b'?')) {
                pos = pos + 1 + head[pos + 1..].iter().position(|&b| b == b'>')? + 1;
                continue;
            }
        }
        pos += 1;
    }
    None
}

/// The attributes of a `<meta` tag from `pos`: `Some(Some(encoding))` when they declare one,
/// `Some(None)` when not, `None` when the prescanned bytes end inside the tag.
fn meta_encoding(head: &[u8], pos: &mut usize) -> Option<Option<&'static Encoding>> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma = None;
    let mut charset = None;
    while let Some((name, value)) = get_attribute(head, pos)? {
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" if charset.is_none() => {
                if let Some(label) = charset_from_content(&value) {
                    charset = Encoding::for_label(label);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    *pos += 1;
    let declared = match need_pragma {
        None => None,
        Some(true) if !got_pragma => None,
        _ => charset,
    };
    // A meta tag cannot switch to UTF-16 (the bytes it was read from were ASCII-compatible).
    Some(declared.map(|e| {
        if e == UTF_16LE || e == UTF_16BE {
            UTF_8
        } else if e == X_USER_DEFINED {
            WINDOWS_1252
        } else {
            e
        }
    }))
}

/// WHATWG "get an attribute": the next attribute's name and value (lowercased) from `pos`, which
/// is left after it; `Some(None)` at the tag's `>` (left there); `None` past the end of `head`.
#[allow(clippy::type_complexity)]
fn get_attribute(head: &[u8], pos: &mut usize) -> Option<Option<(Vec<u8>, Vec<u8>)>> {
    while is_space(*head.get(*pos)?) || head[*pos] == b'/' {
        *pos += 1;
    }
    if head[*pos] == b'>' {
        return Some(None);
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    loop {
        let b = *head.get(*pos)?;
        match b {
            b'=' if !name.is_empty() => {
                *pos += 1;
                break;
            }
            b if is_space(b) => {
                while is_space(*head.get(*pos)?) {
                    *pos += 1;
                }
                if head[*pos] != b'=' {
                    return Some(Some((name, value)));
                }
                *pos += 1;
                break;
            }
            b'/' | b'>' => return Some(Some((name, value))),
            b => name.push(b.to_ascii_lowercase()),
        }
        *pos += 1;
    }
    while is_space(*head.get(*pos)?) {
        *pos += 1;
    }
    match head[*pos] {
        quote @ (b'"' | b'\'') => loop {
            *pos += 1;
            let b = *head.get(*pos)?;
            if b == quote {
                *pos += 1;
                return Some(Some((name, value)));
            }
            value.push(b.to_ascii_lowercase());
        },
        b'>' => return Some(Some((name, value))),
        _ => {}
    }
    loop {
        let b = *head.get(*pos)?;
        if is_space(b) || b == b'>' {
            return Some(Some((name, value)));
        }
        value.push(b.to_ascii_lowercase());
        *pos += 1;
    }
}

/// WHATWG "extract a character encoding from a meta element": the label after `charset=` in a
/// `content` attribute (already lowercased).
fn charset_from_content(content: &[u8]) -> Option<&[u8]> {
    let mut rest = content;
    loop {
        rest = &rest[find(rest, b"charset")? + 7..];
        let after = rest
            .iter()
            .position(|&b| !is_space(b))
            .unwrap_or(rest.len());
        rest = &rest[after..];
        if let Some(value) = rest.strip_prefix(b"=") {
            let start = value.iter().position(|&b| !is_space(b))?;
            let value = &value[start..];
            return match value[0] {
                quote @ (b'"' | b'\'') => {
                    let end = value[1..].iter().position(|&b| b == quote)?;
                    Some(&value[1..1 + end])
                }
                _ => {
                    let end = value
                        .iter()
                        .position(|&b| is_space(b) || b == b';')
                        .unwrap_or(value.len());
                    Some(&value[..end])
                }
            };
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::decode;

    /// Found by the scan audit: a page whose charset was declared only in a `<meta>` tag, or not
    /// at all, was an error ("not valid UTF-8 ... declares no other charset"), and a page declared
    /// UTF-8 with one stray byte was lost whole.
    #[test]
    fn charset_from_meta_tags_or_by_default_as_browsers_do() {
        let cafe = b"Caf\xe9 \x93quoted\x94";
        let page = |head: &str| [head.as_bytes(), b"<p>", cafe, b"</p>"].concat();
        let want = "Caf\u{e9} \u{201c}quoted\u{201d}";
        for head in [
            "<meta charset=\"windows-1252\">",
            "<META CHARSET=latin1>",
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">",
            "<meta content='text/html;charset=\"cp1252\"' http-equiv=content-type />",
            // Nothing declared, not UTF-8: windows-1252.
            "<title>x</title>",
        ] {
            let text = decode(&page(head), None).unwrap();
            assert!(
                text.ends_with(&format!("<p>{want}</p>")),
                "{head}: {text:?}"
            );
        }
        // Declared UTF-8 with one stray byte: the page is kept, the byte becomes U+FFFD.
        assert_eq!(
            decode(b"<p>Caf\xc3\xa9 \xff ok</p>", Some("utf-8")).unwrap(),
            "<p>Caf\u{e9} \u{fffd} ok</p>"
        );
        // Undeclared valid UTF-8 stays UTF-8.
        assert_eq!(
            decode("<p>Café</p>".as_bytes(), None).unwrap(),
            "<p>Café</p>"
        );
    }

    #[test]
    fn charset_precedence_follows_whatwg() {
        // The HTTP header beats the meta tag; a byte-order mark beats both.
        let body = "<meta charset=windows-1252><p>Café</p>".as_bytes();
        assert!(decode(body, Some("utf-8"))
            .unwrap()
            .ends_with("<p>Café</p>"));
        assert!(decode(body, None).unwrap().ends_with("<p>CafÃ©</p>"));
        let bom = [b"\xef\xbb\xbf".as_slice(), body].concat();
        assert!(decode(&bom, Some("windows-1252"))
            .unwrap()
            .ends_with("<p>Café</p>"));
        // An unknown label is ignored, and the meta tag is looked at.
        assert!(decode(b"<meta charset=latin1>\xe9", Some("none"))
            .unwrap()
            .ends_with('\u{e9}'));
        // `unicode` is a label of UTF-16LE: not believed for a page of ASCII.
        assert_eq!(
            decode(b"<p>plain</p>", Some("unicode")).unwrap(),
            "<p>plain</p>"
        );
        let utf16: Vec<u8> = "<p>wide</p>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&utf16, Some("utf-16")).unwrap(), "<p>wide</p>");
        // A meta tag cannot declare UTF-16.
        assert_eq!(
            decode(b"<meta charset=utf-16>ok", None).unwrap(),
            "<meta charset=utf-16>ok"
        );
        assert!(decode(b"x", Some("iso-2022-kr"))
            .unwrap_err()
            .contains("iso-2022-kr"));
    }

    #[test]
    fn the_prescan_skips_comments_other_tags_and_stops_at_1024_bytes() {
        use encoding_rs::{SHIFT_JIS, WINDOWS_1252};
        let scan = |s: &str| super::prescan(s.as_bytes());
        assert_eq!(
            scan("<!-- <meta charset=sjis> --><meta charset=latin1>"),
            Some(WINDOWS_1252)
        );
        assert_eq!(
            scan("<div title='<meta charset=sjis>'><meta charset=\"sjis\">"),
            Some(SHIFT_JIS)
        );
        // `content` counts only with http-equiv=content-type.
        assert_eq!(scan("<meta content=\"charset=sjis\"><p>"), None);
        assert_eq!(scan("<metadata charset=sjis>"), None);
        let late = format!("<p>{}</p><meta charset=sjis>", "x".repeat(1100));
        assert_eq!(
            super::prescan(&late.as_bytes()[..super::PRESCAN_BYTES]),
            None
        );
    }
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
