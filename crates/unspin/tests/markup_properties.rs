//! The fuzz targets' invariants (fuzz/fuzz_targets), checked on stable Rust over a few thousand
//! generated inputs built from markup fragments, entities and multibyte text, so CI covers them
//! without nightly/libFuzzer.

use unspin::text::{extract, Format};

const FRAGMENTS: &[&str] = &[
    "<p>",
    "</p>",
    "<div class=\"comment\">",
    "</div>",
    "<article>",
    "</article>",
    "<a href=\"x\">",
    "</a>",
    "<br>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "unspin: ignore",
    "&amp;",
    "&#8217;",
    "&#x1F600;",
    "&nbsp;",
    "&bogus;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "\r\n",
    "\n",
    "\n\n",
    " ",
    "\t",
    "é",
    "Zürich",
    "“q”",
    "😀",
    "word",
    "Head of state",
    // Words hyphenated across line breaks, as PDF text has them (`token::normalize` asks the
    // embedded model whether the hyphen is a compound's own).
    "well",
    "known",
    "-\n",
    "\u{2010}\n  ",
    "\u{FB01}",
    "# ",
    "*",
    "**",
    "_",
    "`",
    "```",
    "[",
    "]",
    "(",
    ")",
    "- ",
    "1. ",
    "> ",
    "|",
    "---",
    "\\",
    "<pre>",
    "</pre>",
    "<li>",
    "<ul>",
    "<h1>",
    "</h1>",
    "<nav>",
    "</nav>",
    "<p class=share>",
    "a,b,c, d",
    "\u{AD}",
    "\u{feff}",
    "\0",
];

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn check(src: &str, format: Format) {
    let extracted = extract(src, format);
    let text = &extracted.text;
    let mut prev = 0;
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    for w in bounds.windows(2) {
        let r = extracted.to_source(w[0]..w[1]);
        assert!(r.start <= r.end && r.end <= src.len(), "{src:?}: {r:?}");
        assert!(
            src.is_char_boundary(r.start) && src.is_char_boundary(r.end),
            "{src:?}: {r:?}"
        );
        assert!(r.start >= prev, "{src:?}: not monotonic at {r:?}");
        prev = r.start;
    }
    // Whole-text and token spans map inside the source too.
    for t in unspin::tokenize(text) {
        let r = extracted.to_source(t.start..t.end);
        assert!(
            r.start <= r.end && r.end <= src.len(),
            "{src:?}: token {t:?}"
        );
    }
}

fn generate(rng: &mut Rng, max: u64) -> String {
    let n = (rng.next() % max) as usize;
    (0..n)
        .map(|_| FRAGMENTS[(rng.next() % FRAGMENTS.len() as u64) as usize])
        .collect()
}

#[test]
fn offset_maps_hold_on_generated_markup() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let src = generate(&mut rng, 40);
        check(&src, Format::Html);
        check(&src, Format::Markdown);
    }
}

#[test]
fn tokens_are_ordered_char_boundary_spans() {
    let mut rng = Rng(12345);
    for _ in 0..3000 {
        let src = generate(&mut rng, 30);
        let mut last = 0;
        for t in unspin::tokenize(&src) {
            assert!(
                t.start < t.end && t.start >= last && t.end <= src.len(),
                "{src:?}: {t:?}"
            );
            assert!(src.is_char_boundary(t.start) && src.is_char_boundary(t.end));
            // The look-up form has no line break left, and reads the same read again.
            let normal = unspin::token::normalize(t.text(&src));
            assert!(!normal.contains('\n'), "{src:?}: {t:?} → {normal:?}");
            assert_eq!(unspin::token::normalize(&normal), normal, "{src:?}: {t:?}");
            last = t.end;
        }
    }
}

/// Findings over runs of words, placed in the source around the markup (what `restore` and the
/// SARIF fixes apply): in the finding's own source span, on character boundaries, in order and
/// apart, and never over a tag that splits the words.
#[test]
fn placed_findings_are_ordered_spans_within_their_finding() {
    let mut rng = Rng(0xC0FF_EE00_1234_5678);
    for _ in 0..2000 {
        let src = generate(&mut rng, 40);
        for format in [Format::Html, Format::Markdown] {
            let e = extract(&src, format);
            let words: Vec<_> = unspin::tokenize(&e.text)
                .into_iter()
                .filter(|t| t.kind == unspin::token::TokenKind::Word)
                .collect();
            if words.is_empty() {
                continue;
            }
            let from = (rng.next() % words.len() as u64) as usize;
            let to = (from + 1 + (rng.next() % 4) as usize).min(words.len());
            let (start, end) = (words[from].start, words[to - 1].end);
            let n = (rng.next() % 5) as usize;
            let f = unspin::Finding {
                start,
                end,
                text: e.text[start..end].to_string(),
                suggestion: vec!["qq"; n.max(1)].join(" "),
                alternatives: Vec::new(),
                confidence: 0.9,
                rule: "t".into(),
                message: String::new(),
            };
            let whole = e.to_source(start..end);
            let placed = e.place_findings(vec![f]);
            let mut last = whole.start;
            for p in &placed.findings {
                assert!(
                    p.start >= last && p.start < p.end && p.end <= whole.end,
                    "{src:?}"
                );
                assert!(src.is_char_boundary(p.start) && src.is_char_boundary(p.end));
                // Every `<` in the span is one of the words' (a tag is not in the text).
                if format == Format::Html {
                    let count = |s: &str| s.matches('<').count();
                    assert!(
                        count(&src[p.start..p.end]) <= count(&p.text),
                        "{src:?}: {p:?}"
                    );
                }
                last = p.end;
            }
        }
    }
}
