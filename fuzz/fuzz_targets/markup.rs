//! The markup strippers (HTML main-text extraction, Markdown) on arbitrary UTF-8: never panic, and
//! the offset map sends every span of the extracted text to an ordered span of the input that lies
//! on char boundaries, monotonically (a later span never maps before an earlier one).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unspin::text::{extract, Format};

fuzz_target!(|data: (bool, &str)| {
    let (html, src) = data;
    let format = if html { Format::Html } else { Format::Markdown };
    let extracted = extract(src, format);
    let text = &extracted.text;
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut prev = 0;
    for w in bounds.windows(2).take(2000) {
        let r = extracted.to_source(w[0]..w[1]);
        assert!(r.start <= r.end && r.end <= src.len(), "{r:?} out of {}", src.len());
        assert!(src.is_char_boundary(r.start) && src.is_char_boundary(r.end), "{r:?}");
        assert!(r.start >= prev, "map not monotonic: {r:?} after {prev}");
        prev = r.start;
    }
    let all = extracted.to_source(0..text.len());
    assert!(all.end <= src.len());
});
