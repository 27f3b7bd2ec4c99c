//! `.gz` and `.zst` shards (`format::open_decompressed`, read by the JSONL reader) when the stream
//! is damaged or cut short: never a panic; a stream that fails is reported once, as the last item,
//! and everything read before it is exactly what the intact stream gives.
//!
//! An input that starts with the gzip or zstd magic is the compressed file itself (seed the corpus
//! with small `.jsonl.gz` and `.jsonl.zst` files). Anything else is a JSONL payload that the target
//! compresses in up to four gzip members or zstd frames (header fields and checksums chosen by the
//! input) and may cut at any byte: a cut between members reads exactly as the payload up to there;
//! a cut anywhere else must end in the "truncated or corrupt" error, after items identical to the
//! payload's own.
#![no_main]

mod scan_common;

use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use scan_common::{check_items, is_truncation, scratch, summaries};
use unspin_scan::format::{open_decompressed, Compression};
use unspin_scan::jsonl::JsonlReader;
use unspin_scan::Item;

const GZIP_MAGIC: &[u8] = b"\x1f\x8b";
const ZSTD_MAGIC: &[u8] = b"\x28\xb5\x2f\xfd";
/// Items read from a raw stream before the target stops looking (a few bytes of zstd can stand
/// for gigabytes of blank lines or records).
const MAX_ITEMS: usize = 1 << 16;

fn read_file(path: &Path, compression: Compression, file_len: u64) -> Vec<Item> {
    let shard = path.display().to_string();
    let count = Arc::new(AtomicU64::new(0));
    let input = match open_decompressed(path, compression, count.clone()) {
        Ok(input) => input,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return Vec::new();
        }
    };
    let items: Vec<Item> = JsonlReader::new(input, shard.clone(), "id", "text", false)
        .take(MAX_ITEMS)
        .collect();
    check_items(&items, &shard);
    for (i, item) in items.iter().enumerate() {
        if is_truncation(item) {
            assert_eq!(
                i + 1,
                items.len(),
                "items after the stream failed: {items:?}"
            );
        }
    }
    assert!(
        count.load(Ordering::Relaxed) <= file_len,
        "read more than the file"
    );
    items
}

fn read_plain(payload: &[u8], shard: &str) -> Vec<Item> {
    JsonlReader::new(
        Box::new(Cursor::new(payload.to_vec())),
        shard.into(),
        "id",
        "text",
        false,
    )
    .collect()
}

fn compress(u: &mut Unstructured<'_>, zstd: bool, part: &[u8]) -> Result<Vec<u8>> {
    Ok(if zstd {
        let mut e = zstd::stream::Encoder::new(Vec::new(), 1).unwrap();
        e.include_checksum(u.arbitrary()?).unwrap();
        e.include_contentsize(u.arbitrary()?).unwrap();
        e.set_pledged_src_size(Some(part.len() as u64)).unwrap();
        e.write_all(part).unwrap();
        e.finish().unwrap()
    } else {
        let mut b = flate2::GzBuilder::new();
        if u.arbitrary()? {
            b = b.filename("shard.jsonl");
        }
        if u.arbitrary()? {
            b = b.comment("a comment");
        }
        if u.arbitrary()? {
            b = b.extra(vec![1, 2, 3, 4]);
        }
        let mut e = b.write(Vec::new(), flate2::Compression::fast());
        e.write_all(part).unwrap();
        e.finish().unwrap()
    })
}

fn structured(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let zstd: bool = u.arbitrary()?;
    let mut splits: Vec<u16> = (0..u.int_in_range(0..=3)?)
        .map(|_| u.arbitrary())
        .collect::<Result<_>>()?;
    let cut: Option<u32> = u.arbitrary()?;
    let header_bytes: Vec<u8> = u.bytes(24.min(u.len()))?.to_vec();
    let payload = u.take_rest();

    // Split the payload into parts, compress each into its own member or frame.
    for s in &mut splits {
        *s = (*s as usize % (payload.len() + 1)) as u16;
    }
    splits.sort_unstable();
    let mut bounds = vec![0usize];
    bounds.extend(splits.iter().map(|&s| s as usize));
    bounds.push(payload.len());
    let mut header_u = Unstructured::new(&header_bytes);
    let mut file = Vec::new();
    // (compressed end, plain end) of each member.
    let mut ends = vec![(0usize, 0usize)];
    for w in bounds.windows(2) {
        file.extend(compress(&mut header_u, zstd, &payload[w[0]..w[1]])?);
        ends.push((file.len(), w[1]));
    }
    let full = file.len();
    let cut = cut.map_or(full, |c| c as usize % (full + 1));
    file.truncate(cut);

    let (compression, name) = if zstd {
        (Compression::Zstd, "fuzz.jsonl.zst")
    } else {
        (Compression::Gzip, "fuzz.jsonl.gz")
    };
    let path = scratch(name);
    std::fs::write(&path, &file).unwrap();
    let shard = path.display().to_string();
    let items = read_file(&path, compression, file.len() as u64);
    let got = summaries(&items);

    if let Some(&(_, plain_end)) = ends.iter().find(|&&(end, _)| end == cut) {
        // Cut between members (or not cut): the payload up to there, nothing lost, no error.
        if cut == 0 && got.len() == 1 && is_truncation(&items[0]) {
            return Ok(()); // an empty file is no gzip or zstd stream: calling it damaged is right
        }
        let expected = summaries(&read_plain(&payload[..plain_end], &shard));
        assert_eq!(
            got, expected,
            "stream cut at member boundary {cut} of {full}"
        );
    } else {
        // Cut inside a member: what was read is the intact payload's, then one error.
        let expected = summaries(&read_plain(payload, &shard));
        let last = items.last().expect("a cut stream gives at least its error");
        assert!(
            is_truncation(last),
            "a stream cut at {cut} of {full} bytes ended without an error: {got:?}"
        );
        let n = got.len() - 1;
        assert!(n <= expected.len(), "more records than the payload holds");
        assert_eq!(got[..n], expected[..n], "stream cut at {cut} of {full}");
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let compression = if data.starts_with(GZIP_MAGIC) {
        Compression::Gzip
    } else if data.starts_with(ZSTD_MAGIC) {
        Compression::Zstd
    } else {
        let _ = structured(data);
        return;
    };
    let path = scratch("fuzz.jsonl.compressed");
    std::fs::write(&path, data).unwrap();
    read_file(&path, compression, data.len() as u64);
});
