//! The WARC shard reader (record framing, HTTP parsing, chunked and gzip/deflate content encoding,
//! charset decoding, HTML to text) on arbitrary bytes: never panics; documents and errors are
//! numbered in turn at increasing offsets inside the input; errors name the shard and give a
//! reason; an error that ends the shard is the last item. The same bytes read through a 1-byte and
//! a 64-byte buffer, and gzipped one member per record (as `.warc.gz`, through
//! `format::open_decompressed`), give exactly the same items and skipped count: the framing does
//! not depend on where a read or a gzip member ends. The `.warc.gz` cut at a byte chosen by the
//! input's last two bytes gives, between members, what that much plain WARC gives; inside a
//! member, the whole stream's items up to one "truncated or corrupt" error.
#![no_main]

mod scan_common;

use std::io::{BufRead, BufReader, Cursor, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use scan_common::{check_items, is_truncation, scratch, summaries, Summary};
use unspin_scan::format::{open_decompressed, Compression};
use unspin_scan::warc::WarcReader;
use unspin_scan::Item;

const SHARD: &str = "fuzz.warc";

fn read(input: Box<dyn BufRead + Send>) -> (Vec<Item>, u64) {
    let mut reader = WarcReader::new(input, SHARD.into());
    let items: Vec<Item> = reader.by_ref().collect();
    (items, reader.skipped)
}

/// gzip `data` one member per record, splitting before every line that starts with `WARC/`;
/// also gives the (compressed, plain) end of each member.
fn gzip_per_record(data: &[u8]) -> (Vec<u8>, Vec<(usize, usize)>) {
    let mut starts: Vec<usize> = (1..data.len())
        .filter(|&i| data[i - 1] == b'\n' && data[i..].starts_with(b"WARC/"))
        .collect();
    starts.insert(0, 0);
    starts.push(data.len());
    let mut out = Vec::new();
    let mut ends = vec![(0, 0)];
    for w in starts.windows(2) {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&data[w[0]..w[1]]).unwrap();
        out.extend(e.finish().unwrap());
        ends.push((out.len(), w[1]));
    }
    (out, ends)
}

/// Whether the reader gave up before the end of its input (a later cut is then never reached).
fn stops_early(items: &[Summary]) -> bool {
    matches!(items.last(), Some(Summary::Error { reason, .. }) if reason.contains("the rest of the shard cannot be"))
}

fn read_gz(gz: &[u8]) -> (Vec<Item>, u64) {
    let path = scratch("fuzz.warc.gz");
    std::fs::write(&path, gz).unwrap();
    let count = Arc::new(AtomicU64::new(0));
    let input = open_decompressed(&path, Compression::Gzip, count.clone()).unwrap();
    let read = read(input);
    assert!(count.load(Ordering::Relaxed) <= gz.len() as u64);
    read
}

fuzz_target!(|data: &[u8]| {
    let (items, skipped) = read(Box::new(Cursor::new(data.to_vec())));
    check_items(&items, SHARD);
    let mut last_offset = None;
    for (i, item) in items.iter().enumerate() {
        let (offset, fatal) = match item {
            Item::Doc(d) => (d.offset, false),
            Item::Error(e) => {
                assert_eq!(e.count, 1, "{item:?}");
                let fatal = e.reason.contains("the rest of the shard cannot be");
                (e.offset.expect("WARC errors have an offset"), fatal)
            }
        };
        assert!(
            offset < data.len() as u64,
            "offset past the input: {item:?}"
        );
        assert!(
            last_offset.is_none_or(|last| offset > last),
            "offsets not increasing: {item:?} after {last_offset:?}"
        );
        last_offset = Some(offset);
        assert!(
            !fatal || i + 1 == items.len(),
            "items after a fatal error: {item:?}"
        );
    }
    let expected = summaries(&items);

    for capacity in [1, 64] {
        let input = BufReader::with_capacity(capacity, Cursor::new(data.to_vec()));
        let (small, small_skipped) = read(Box::new(input));
        assert_eq!(
            summaries(&small),
            expected,
            "reading through a {capacity}-byte buffer changes the items"
        );
        assert_eq!(small_skipped, skipped, "{capacity}-byte buffer");
    }

    let (gz, ends) = gzip_per_record(data);
    let (gz_items, gz_skipped) = read_gz(&gz);
    assert_eq!(summaries(&gz_items), expected, "gzipped per record");
    assert_eq!(gz_skipped, skipped, "gzipped per record");

    // The `.warc.gz` cut short, where the last two input bytes say.
    let Some(&[a, b]) = data.get(data.len().saturating_sub(2)..) else {
        return;
    };
    let cut = u16::from_le_bytes([a, b]) as usize % (gz.len() + 1);
    let (cut_items, _) = read_gz(&gz[..cut]);
    check_items(&cut_items, SHARD);
    let got = summaries(&cut_items);
    if cut == 0 && got.len() == 1 && is_truncation(&cut_items[0]) {
        // An empty file is no gzip stream; calling it a damaged one is right.
    } else if let Some(&(_, plain_end)) = ends.iter().find(|&&(end, _)| end == cut) {
        let (prefix, _) = read(Box::new(Cursor::new(data[..plain_end].to_vec())));
        assert_eq!(got, summaries(&prefix), "cut between members at {cut}");
    } else if !(got == expected && stops_early(&expected)) {
        let last = cut_items
            .last()
            .expect("a cut stream gives at least its error");
        assert!(
            is_truncation(last),
            "cut at {cut} of {} ends without an error: {got:?}",
            gz.len()
        );
        let n = got.len() - 1;
        assert!(
            n <= expected.len(),
            "more items than the whole stream gives"
        );
        assert_eq!(got[..n], expected[..n], "cut at {cut}");
    }
});
