//! The Parquet shard reader on damaged files: never panics; rows are handed out in turn (an error
//! for `count` rows takes `count` row numbers), every error names the shard and gives a reason, and
//! no row the footer declares goes missing without one.
//!
//! Two kinds of input. One that starts with `PAR1` is the file itself (seed the corpus with small
//! Parquet files). Anything else describes a file that the target writes with arrow's
//! `ArrowWriter` (compression, column types, nulls, row groups and page sizes from the input) and
//! then damages (bytes flipped, the end cut off), so that the fuzzer gets past the footer and the
//! page headers into the decoders; an undamaged one must read back exactly as written.
#![no_main]

mod scan_common;

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BinaryArray, Int32Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;
use scan_common::{check_items, scratch, summaries, Summary};
use unspin_scan::parquet_reader::ParquetReader;
use unspin_scan::Item;

/// Items read before the target stops looking (a few bytes of RLE can declare billions of null
/// rows, each a legitimate error item).
const MAX_ITEMS: usize = 1 << 18;

struct Generated {
    file: Vec<u8>,
    /// What the file reads back as when it was not damaged.
    expected: Option<Vec<Summary>>,
}

/// True one time in 16; false once the input is used up (unlike `Unstructured::ratio`), so that a
/// short input describes an undamaged file without nulls.
fn one_in_16(u: &mut Unstructured<'_>) -> Result<bool> {
    Ok(u.arbitrary::<u8>()? % 16 == 15)
}

fn generate(u: &mut Unstructured<'_>) -> Result<Generated> {
    let compression = *u.choose(&[
        Compression::UNCOMPRESSED,
        Compression::SNAPPY,
        Compression::GZIP(GzipLevel::default()),
        Compression::ZSTD(ZstdLevel::default()),
        Compression::LZ4_RAW,
        Compression::LZ4,
    ])?;
    let props = WriterProperties::builder()
        .set_compression(compression)
        .set_dictionary_enabled(u.arbitrary()?)
        .set_max_row_group_row_count(Some(u.int_in_range(1..=64)?))
        .set_data_page_row_count_limit(u.int_in_range(1..=64)?)
        .set_write_batch_size(u.int_in_range(1..=64)?)
        .build();
    let numeric_id: bool = u.arbitrary()?;
    let text_kind: u8 = u.int_in_range(0..=2)?; // Utf8, LargeUtf8, Binary
    let extra_column: bool = u.arbitrary()?;
    let n = u.int_in_range(0..=200)?;
    let mut ids: Vec<Option<i64>> = Vec::with_capacity(n);
    let mut texts: Vec<Option<Vec<u8>>> = Vec::with_capacity(n);
    for _ in 0..n {
        ids.push(if one_in_16(u)? {
            None
        } else {
            Some(u.arbitrary()?)
        });
        texts.push(if one_in_16(u)? {
            None
        } else {
            let len = u.int_in_range(0..=64)?.min(u.len());
            let bytes = u.bytes(len)?.to_vec();
            Some(if text_kind == 2 {
                bytes
            } else {
                String::from_utf8_lossy(&bytes).into_owned().into_bytes()
            })
        });
    }
    let id_text: Vec<Option<String>> = ids.iter().map(|i| i.map(|i| format!("doc{i}"))).collect();
    let id_column: ArrayRef = if numeric_id {
        Arc::new(Int64Array::from(ids.clone()))
    } else {
        Arc::new(StringArray::from(id_text.clone()))
    };
    let text_strs = || {
        texts
            .iter()
            .map(|t| t.as_ref().map(|b| std::str::from_utf8(b).unwrap()))
            .collect::<Vec<_>>()
    };
    let text_column: ArrayRef = match text_kind {
        0 => Arc::new(StringArray::from(text_strs())),
        1 => Arc::new(LargeStringArray::from(text_strs())),
        _ => Arc::new(BinaryArray::from(
            texts.iter().map(|t| t.as_deref()).collect::<Vec<_>>(),
        )),
    };
    let mut columns = vec![("id", id_column), ("text", text_column)];
    if extra_column {
        // Not read: the projection must skip it.
        let extra: ArrayRef = Arc::new(Int32Array::from((0..n as i32).collect::<Vec<_>>()));
        columns.insert(1, ("n", extra));
    }
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut file = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut file, batch.schema(), Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();

    let expected: Vec<Summary> = (0..n)
        .map(|row| {
            let r = row as u64;
            let id = if numeric_id {
                ids[row].map(|i| i.to_string())
            } else {
                id_text[row].clone()
            };
            let error = |id, reason: String| Summary::Error {
                record: r,
                offset: Some(r),
                line: None,
                count: 1,
                id,
                reason,
            };
            match (id, &texts[row]) {
                (None, _) => error(None, "id is null".into()),
                (Some(id), None) => error(Some(id), "text is null".into()),
                (Some(id), Some(bytes)) => match std::str::from_utf8(bytes) {
                    Ok(text) => Summary::Doc {
                        index: r,
                        offset: r,
                        line: None,
                        id,
                        text: text.to_string(),
                        url: None,
                    },
                    Err(e) => error(
                        Some(id),
                        format!("invalid UTF-8 at byte {} of the text", e.valid_up_to()),
                    ),
                },
            }
        })
        .collect();

    // Damage: flip a few bytes, perhaps cut the end off.
    let mut damaged = false;
    for _ in 0..u.int_in_range(0..=4)? {
        if file.is_empty() {
            break;
        }
        let at = u.choose_index(file.len())?;
        let flip: u8 = u.arbitrary()?;
        damaged |= flip != 0;
        file[at] ^= flip;
    }
    if u.arbitrary::<u8>()? % 4 == 3 {
        let keep = u.choose_index(file.len() + 1)?;
        damaged |= keep < file.len();
        file.truncate(keep);
    }
    Ok(Generated {
        file,
        expected: (!damaged).then_some(expected),
    })
}

fuzz_target!(
    init: {
        // The reader turns a panic of the Parquet decoder into an error on purpose; libfuzzer-sys's
        // hook would abort on it all the same. Back to the default hook: a panic that escapes the
        // reader still aborts (libfuzzer-sys catches it around each run), and so is still a crash.
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
    let path = scratch("fuzz.parquet");
    let shard = path.display().to_string();
    let (file, expected) = if data.starts_with(b"PAR1") {
        (data.to_vec(), None)
    } else {
        match generate(&mut Unstructured::new(data)) {
            Ok(g) => (g.file, g.expected),
            Err(_) => return,
        }
    };
    std::fs::write(&path, &file).unwrap();
    let mut reader = ParquetReader::open(&path, shard.clone(), "id", "text");
    let items: Vec<Item> = reader.by_ref().take(MAX_ITEMS).collect();
    let rows = check_items(&items, &shard);
    assert_eq!(rows, reader.rows_read(), "rows handed out");
    for item in &items {
        if let Item::Doc(d) = item {
            assert_eq!(
                (d.offset, d.line, &d.url),
                (d.index, None, &None),
                "{item:?}"
            );
        }
    }
    if items.len() == MAX_ITEMS {
        return;
    }
    assert!(
        !items.is_empty() || reader.total_rows() == 0,
        "an empty read of a file with rows"
    );
    assert!(
        rows >= reader.total_rows(),
        "rows lost without an error: the footer declares {} rows, {} were accounted for",
        reader.total_rows(),
        rows
    );
    if let Some(expected) = expected {
        assert_eq!(
            summaries(&items),
            expected,
            "an undamaged file reads back as written"
        );
        assert_eq!(rows, reader.total_rows());
    }
});
