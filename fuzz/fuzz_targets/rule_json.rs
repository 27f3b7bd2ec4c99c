//! The screener's JSON pairs loader, with its filters, on arbitrary input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut b = unspin::rules::RuleSetBuilder::new();
        match b.add_pps_json("fuzz.json", text) {
            Ok(()) => {
                let _ = b.build();
            }
            Err(e) => assert!(e.to_string().starts_with("fuzz.json")),
        }
    }
});
