//! Parquet shards, read in record batches of the id and text columns only (of every column when
//! documents are written back out, so that they keep the row's other fields).

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;

use crate::record::{catch_panic, Doc, Item, RecordError};

/// Rows per record batch read from the file; the driver regroups them into scoring batches.
const ROWS_PER_BATCH: usize = 1024;

pub struct ParquetReader {
    shard: String,
    id_field: String,
    text_field: String,
    /// Keep each row's columns as a JSON object in [`Doc::record`].
    keep_record: bool,
    reader: Option<ParquetRecordBatchReader>,
    total_rows: u64,
    /// Rows handed out so far (documents and errors).
    row: u64,
    pending: std::collections::VecDeque<Item>,
}

impl ParquetReader {
    /// Open a shard. Problems with the whole file (unreadable footer, missing column) do not fail:
    /// the reader then yields one error entry that stands for every row of the file.
    pub fn open(path: &Path, shard: String, id_field: &str, text_field: &str) -> Self {
        Self::open_with(path, shard, id_field, text_field, false)
    }

    /// [`ParquetReader::open`], with `keep_record`: read every column and keep each row as a JSON
    /// object (its columns under their own names) in [`Doc::record`], as the JSONL reader does,
    /// so that the documents written back out keep the row's fields.
    pub fn open_with(
        path: &Path,
        shard: String,
        id_field: &str,
        text_field: &str,
        keep_record: bool,
    ) -> Self {
        let mut reader = ParquetReader {
            shard,
            id_field: id_field.to_string(),
            text_field: text_field.to_string(),
            keep_record,
            reader: None,
            total_rows: 0,
            row: 0,
            pending: Default::default(),
        };
        match guarded(|| open_batches(path, id_field, text_field, keep_record))
            .unwrap_or_else(|reason| Err((1, format!("not a readable Parquet file: {reason}"))))
        {
            Ok((batches, rows)) => {
                reader.reader = Some(batches);
                reader.total_rows = rows;
            }
            Err((rows, reason)) => reader.whole_file_error(rows.max(1), reason),
        }
        reader
    }

    /// Rows in the file according to its footer.
    pub fn total_rows(&self) -> u64 {
        self.total_rows
    }

    /// Rows handed out so far.
    pub fn rows_read(&self) -> u64 {
        self.row
    }

    fn whole_file_error(&mut self, count: u64, reason: String) {
        self.pending.push_back(Item::Error(RecordError {
            shard: self.shard.clone(),
            record: self.row,
            offset: Some(self.row),
            line: None,
            count,
            id: None,
            reason,
        }));
        self.row += count;
    }

    fn push_batch(&mut self, batch: &RecordBatch) {
        // The projection keeps the file's column order, so columns are found by name.
        let Some(texts) = batch.column_by_name(&self.text_field) else {
            let n = batch.num_rows() as u64;
            self.whole_file_error(n, "record batch lacks the text column".into());
            return;
        };
        // A dictionary-encoded text column (a pandas `category`) is read as its values.
        let texts = match texts.data_type() {
            DataType::Dictionary(_, values) => match arrow_cast::cast(texts, values) {
                Ok(texts) => texts,
                Err(e) => {
                    let n = batch.num_rows() as u64;
                    self.whole_file_error(n, format!("text column cannot be read as text: {e}"));
                    return;
                }
            },
            _ => texts.clone(),
        };
        // Ids of any type are read through arrow's cast to strings. A file without the id column
        // names its rows by their place (`shard:row`).
        let ids: Option<ArrayRef> = match batch
            .column_by_name(&self.id_field)
            .map(|ids| arrow_cast::cast(ids, &DataType::Utf8))
            .transpose()
        {
            Ok(a) => a,
            Err(e) => {
                let n = batch.num_rows() as u64;
                self.whole_file_error(n, format!("id column cannot be read as text: {e}"));
                return;
            }
        };
        let ids = ids.as_ref().map(|ids| ids.as_string::<i32>());
        for i in 0..batch.num_rows() {
            let row = self.row;
            self.row += 1;
            // A null id is no id: the row is named by its place, as without the column.
            let id = match ids {
                Some(ids) if !ids.is_null(i) => ids.value(i).to_string(),
                _ => format!("{}:{row}", self.shard),
            };
            let text = binary_value(&texts, i);
            let item = match text {
                None => Err((Some(id), "text is null".to_string())),
                Some(bytes) => match std::str::from_utf8(bytes) {
                    Ok(text) => Ok(Doc {
                        line: None,
                        index: row,
                        offset: row,
                        id,
                        text: text.to_string(),
                        record: self.keep_record.then(|| row_object(batch, i)),
                        url: None,
                    }),
                    Err(e) => Err((
                        Some(id),
                        format!("invalid UTF-8 at byte {} of the text", e.valid_up_to()),
                    )),
                },
            };
            self.pending.push_back(match item {
                Ok(doc) => Item::Doc(doc),
                Err((id, reason)) => Item::Error(RecordError {
                    shard: self.shard.clone(),
                    record: row,
                    offset: Some(row),
                    line: None,
                    count: 1,
                    id,
                    reason,
                }),
            });
        }
    }
}

/// Row `i` of `batch` as a JSON object, its columns under their own names (the driver puts the
/// scored or restored text back under the text column's name).
fn row_object(batch: &RecordBatch, i: usize) -> serde_json::Map<String, serde_json::Value> {
    batch
        .schema()
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(field, column)| (field.name().clone(), json_value(column.as_ref(), i)))
        .collect()
}

/// Value `i` of `array` as JSON: nulls, booleans, numbers, strings, lists and structs as
/// themselves; other types (dates, timestamps, decimals, binary) in arrow's display form.
fn json_value(array: &dyn Array, i: usize) -> serde_json::Value {
    use arrow_array::types::*;
    use serde_json::Value;
    if array.is_null(i) {
        return Value::Null;
    }
    fn number<T: ArrowPrimitiveType>(array: &dyn Array, i: usize) -> Value
    where
        T::Native: Into<Value>,
    {
        array.as_primitive::<T>().value(i).into()
    }
    let float = |v: f64| serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number);
    let list = |values: ArrayRef| {
        Value::Array((0..values.len()).map(|j| json_value(&values, j)).collect())
    };
    match array.data_type() {
        DataType::Boolean => Value::Bool(array.as_boolean().value(i)),
        DataType::Int8 => number::<Int8Type>(array, i),
        DataType::Int16 => number::<Int16Type>(array, i),
        DataType::Int32 => number::<Int32Type>(array, i),
        DataType::Int64 => number::<Int64Type>(array, i),
        DataType::UInt8 => number::<UInt8Type>(array, i),
        DataType::UInt16 => number::<UInt16Type>(array, i),
        DataType::UInt32 => number::<UInt32Type>(array, i),
        DataType::UInt64 => number::<UInt64Type>(array, i),
        DataType::Float16 => float(array.as_primitive::<Float16Type>().value(i).to_f64()),
        DataType::Float32 => float(array.as_primitive::<Float32Type>().value(i).into()),
        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(i)),
        DataType::Utf8 => array.as_string::<i32>().value(i).into(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(i).into(),
        DataType::Utf8View => array.as_string_view().value(i).into(),
        DataType::List(_) => list(array.as_list::<i32>().value(i)),
        DataType::LargeList(_) => list(array.as_list::<i64>().value(i)),
        DataType::FixedSizeList(..) => list(array.as_fixed_size_list().value(i)),
        DataType::Struct(fields) => {
            let array = array.as_struct();
            Value::Object(
                fields
                    .iter()
                    .zip(array.columns())
                    .map(|(f, c)| (f.name().clone(), json_value(c, i)))
                    .collect(),
            )
        }
        DataType::Dictionary(..) => {
            let dictionary = array.as_any_dictionary();
            let key = dictionary.normalized_keys()[i];
            json_value(dictionary.values(), key)
        }
        _ => match arrow_cast::display::ArrayFormatter::try_new(array, &Default::default()) {
            Ok(formatter) => formatter.value(i).to_string().into(),
            Err(_) => Value::Null,
        },
    }
}

/// The bytes of a string or binary value (binary ones are validated as UTF-8 by the caller).
fn binary_value(array: &ArrayRef, i: usize) -> Option<&[u8]> {
    if array.is_null(i) {
        return None;
    }
    Some(match array.data_type() {
        DataType::Binary => array.as_binary::<i32>().value(i),
        DataType::LargeBinary => array.as_binary::<i64>().value(i),
        DataType::BinaryView => array.as_binary_view().value(i),
        DataType::Utf8 => array.as_string::<i32>().value(i).as_bytes(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(i).as_bytes(),
        DataType::Utf8View => array.as_string_view().value(i).as_bytes(),
        _ => return None,
    })
}

/// Run a call into the Parquet decoder, its panic becoming an error: arrow-rs still panics on some
/// malformed files (a dictionary-encoded page of a primitive column without a dictionary page:
/// "Decoder for dict should have been set"), and a damaged shard must not stop the scan. The
/// decoder is dropped after a panic, never called again.
fn guarded<T>(call: impl FnOnce() -> T) -> Result<T, String> {
    catch_panic(call).map_err(|message| format!("the Parquet decoder failed ({message})"))
}

type OpenError = (u64, String);

fn open_batches(
    path: &Path,
    id_field: &str,
    text_field: &str,
    keep_record: bool,
) -> Result<(ParquetRecordBatchReader, u64), OpenError> {
    let file = File::open(path).map_err(|e| (1, format!("cannot open: {e}")))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| (1, format!("not a readable Parquet file: {e}")))?;
    let rows = builder.metadata().file_metadata().num_rows().max(0) as u64;
    let schema = builder.schema().clone();
    let column = |name: &str, what: &str| {
        schema.index_of(name).map_err(|_| {
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            (
                rows,
                format!(
                    "missing {what} column `{name}` (columns: {})",
                    names.join(", ")
                ),
            )
        })
    };
    // Without an id column, rows are named by their place (see `push_batch`).
    let id_index = schema.index_of(id_field).ok();
    let text_index = column(text_field, "text")?;
    if id_index == Some(text_index) {
        return Err((
            rows,
            format!("id and text are the same column `{id_field}`"),
        ));
    }
    // String columns are read as they are (arrow-rs cannot read a Parquet string column as
    // binary, and validates UTF-8 per page: a page of invalid UTF-8 fails its batch, reported as
    // the loss of the remaining rows); binary columns are validated per row, one row at a time.
    let text_type = match schema.field(text_index).data_type() {
        // A dictionary of strings (a pandas `category`) is cast to its values (`push_batch`).
        DataType::Dictionary(_, values) => values.as_ref(),
        other => other,
    };
    match text_type {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView => {}
        _ => {
            let actual = schema.field(text_index).data_type();
            return Err((
                rows,
                format!("text column `{text_field}` has type {actual}, expected a string"),
            ));
        }
    }
    let mask = if keep_record {
        ProjectionMask::all()
    } else {
        ProjectionMask::roots(
            builder.parquet_schema(),
            id_index.into_iter().chain([text_index]),
        )
    };
    let reader = builder
        .with_projection(mask)
        .with_batch_size(ROWS_PER_BATCH)
        .build()
        .map_err(|e| (rows, format!("cannot read: {e}")))?;
    Ok((reader, rows))
}

impl Iterator for ParquetReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            let reader = self.reader.as_mut()?;
            let next = match guarded(|| reader.next()) {
                Ok(next) => next.map(|batch| batch.map_err(|e| e.to_string())),
                Err(reason) => Some(Err(reason)),
            };
            match next {
                None => {
                    self.reader = None;
                    return None;
                }
                Some(Ok(batch)) => self.push_batch(&batch),
                Some(Err(reason)) => {
                    self.reader = None;
                    let left = self.total_rows.saturating_sub(self.row).max(1);
                    self.whole_file_error(
                        left,
                        format!("Parquet data cannot be decoded: {reason}; the remaining {left} rows are lost"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Int64Array, StringArray};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;

    use super::*;

    /// Found by the `scan_parquet` fuzz target: arrow-rs panics ("Decoder for dict should have
    /// been set") on a dictionary-encoded page of a primitive column (here the numeric ids) that no
    /// dictionary page precedes, and the panic took the scan down. It is now the loss of the rows
    /// not yet read, with the reason.
    #[test]
    fn a_panic_in_the_parquet_decoder_is_an_error_for_the_remaining_rows() {
        let ids: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3]));
        let texts: ArrayRef = Arc::new(StringArray::from(vec!["one", "two", "three"]));
        let batch = RecordBatch::try_from_iter([("id", ids), ("text", texts)]).unwrap();
        let props = WriterProperties::builder()
            .set_dictionary_enabled(false)
            .set_compression(Compression::UNCOMPRESSED)
            .build();
        let mut bytes = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        // The first data page header (thrift compact: encoding PLAIN, then RLE definition and
        // repetition levels) now says RLE_DICTIONARY (zigzag 16).
        let plain = [0x15, 0x00, 0x15, 0x06, 0x15, 0x06];
        let at = bytes
            .windows(plain.len())
            .position(|w| w == plain)
            .expect("a v1 data page header");
        bytes[at + 1] = 0x10;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dictionary-page-missing.parquet");
        std::fs::write(&path, &bytes).unwrap();

        let mut reader = ParquetReader::open(&path, "p".into(), "id", "text");
        let items: Vec<Item> = reader.by_ref().collect();
        assert_eq!(items.len(), 1, "{items:?}");
        match &items[0] {
            Item::Error(e) => {
                assert_eq!((e.record, e.count), (0, 3), "{e:?}");
                assert!(
                    e.reason.contains("Decoder for dict should have been set")
                        && e.reason.contains("the remaining 3 rows are lost"),
                    "{}",
                    e.reason
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(reader.rows_read(), reader.total_rows());
    }

    /// A file without the id column is read, its rows named by their place.
    #[test]
    fn rows_without_an_id_column_are_named_by_their_place() {
        let texts: ArrayRef = Arc::new(StringArray::from(vec!["one", "two"]));
        let batch = RecordBatch::try_from_iter([("text", texts)]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-ids.parquet");
        let mut writer =
            ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None)
                .unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let docs: Vec<String> = ParquetReader::open(&path, "p".into(), "id", "text")
            .map(|item| match item {
                Item::Doc(d) => format!("{} {}", d.id, d.text),
                Item::Error(e) => panic!("{e:?}"),
            })
            .collect();
        assert_eq!(docs, ["p:0 one", "p:1 two"]);
    }

    fn write_parquet(dir: &Path, name: &str, batch: &RecordBatch) -> std::path::PathBuf {
        let path = dir.join(name);
        let mut writer =
            ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None)
                .unwrap();
        writer.write(batch).unwrap();
        writer.close().unwrap();
        path
    }

    /// Found by the scan audit: a null id made the row an error ("id is null"); it is named by
    /// its place, as a row of a file without the id column is.
    #[test]
    fn a_null_id_is_named_by_its_place() {
        let ids: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None]));
        let texts: ArrayRef = Arc::new(StringArray::from(vec!["one", "two"]));
        let batch = RecordBatch::try_from_iter([("id", ids), ("text", texts)]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = write_parquet(dir.path(), "null-ids.parquet", &batch);
        let docs: Vec<String> = ParquetReader::open(&path, "p".into(), "id", "text")
            .map(|item| match item {
                Item::Doc(d) => format!("{} {}", d.id, d.text),
                Item::Error(e) => panic!("{e:?}"),
            })
            .collect();
        assert_eq!(docs, ["a one", "p:1 two"]);
    }

    /// Found by the scan audit: a dictionary-encoded text column (pandas `category`) was rejected
    /// for every row ("type Dictionary(Int32, Utf8), expected a string"), and documents written
    /// back out from Parquet kept only `id` and `text`, renamed. The column is now cast to its
    /// values, and a kept row keeps every column under its own name.
    #[test]
    fn dictionary_text_and_rows_kept_whole() {
        use arrow_array::types::Int32Type;
        use arrow_array::{BooleanArray, DictionaryArray, Float64Array, ListArray};
        let ids: ArrayRef = Arc::new(Int64Array::from(vec![7, 8]));
        let texts: ArrayRef = Arc::new(
            vec!["same text", "same text"]
                .into_iter()
                .collect::<DictionaryArray<Int32Type>>(),
        );
        let score: ArrayRef = Arc::new(Float64Array::from(vec![Some(0.5), None]));
        let flag: ArrayRef = Arc::new(BooleanArray::from(vec![true, false]));
        let tags: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), Some(2)]),
            Some(vec![]),
        ]));
        let batch = RecordBatch::try_from_iter([
            ("doc_id", ids),
            ("raw_content", texts),
            ("score", score),
            ("flag", flag),
            ("tags", tags),
        ])
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = write_parquet(dir.path(), "dict.parquet", &batch);
        let read = |keep| {
            ParquetReader::open_with(&path, "p".into(), "doc_id", "raw_content", keep)
                .map(|item| match item {
                    Item::Doc(d) => (d.id, d.text, d.record.map(serde_json::Value::Object)),
                    Item::Error(e) => panic!("{e:?}"),
                })
                .collect::<Vec<_>>()
        };
        let plain = read(false);
        assert_eq!(plain[1], ("8".to_string(), "same text".to_string(), None));
        let kept = read(true);
        assert_eq!(
            kept[0].2,
            Some(
                serde_json::json!({"doc_id": 7, "raw_content": "same text", "score": 0.5,
                                    "flag": true, "tags": [1, 2]})
            )
        );
        assert_eq!(
            kept[1].2,
            Some(
                serde_json::json!({"doc_id": 8, "raw_content": "same text", "score": null,
                                    "flag": false, "tags": []})
            )
        );
    }
}
