//! Our TOML pack loader on arbitrary input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use unspin::rules::pack::{parse, PackKind};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = parse("fuzz.toml", text, PackKind::User) {
            assert!(e.to_string().starts_with("fuzz.toml"));
        }
    }
});
