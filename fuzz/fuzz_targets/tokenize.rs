//! The tokenizer on arbitrary UTF-8: spans are on char boundaries, non-empty, ordered and
//! non-overlapping, and cover no whitespace-only token; the sentence splitter stays in range.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let tokens = unspin::tokenize(text);
    let mut last_end = 0;
    for t in &tokens {
        assert!(t.start < t.end, "empty token {t:?}");
        assert!(t.start >= last_end, "overlap or disorder at {t:?}");
        assert!(t.end <= text.len());
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end), "{t:?}");
        assert!(!t.text(text).chars().all(char::is_whitespace), "whitespace token {t:?}");
        let _ = unspin::token::normalize(t.text(text));
        last_end = t.end;
    }
    for s in unspin::token::sentences(text, &tokens) {
        assert!(s.start < s.end && s.end <= tokens.len());
    }
});
