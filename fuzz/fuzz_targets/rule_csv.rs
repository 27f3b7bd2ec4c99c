//! The screener's CSV loader (and its query parser) on arbitrary input: errors, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = unspin::rules::query::parse(text);
        if let Err(e) = unspin::rules::pps::parse_csv("fuzz.csv", text) {
            assert!(e.to_string().starts_with("fuzz.csv"));
        }
    }
});
