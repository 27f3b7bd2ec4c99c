//! Rules and text both from the input (split at the first NUL byte): whatever loads must
//! compile and match without panicking, with findings on valid spans of the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let (Ok(rules), Ok(text)) = (
        std::str::from_utf8(&data[..split]),
        std::str::from_utf8(&data[split + 1..]),
    ) else {
        return;
    };
    let mut b = unspin::rules::RuleSetBuilder::new();
    let csv = format!("tortured_phrase,expected_phrase,num_papers\n{rules}");
    if b.add_pps_csv("fuzz.csv", &csv).is_err() {
        return;
    }
    let Ok(set) = b.build() else { return };
    for f in set.find(text, &[]) {
        assert!(f.start < f.end && text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert_eq!(&text[f.start..f.end], f.text);
    }
});
