//! Fuzz target: hostile chunk bytes that pass their checksum. The input's first byte picks one
//! column of a template segment (one column per supported type), the rest replaces that column's
//! values chunk with a directory entry whose length and crc32c match, so the bytes reach the codec
//! and the Arrow conversion. Decoding must return, never panic, and a row window of the bytes must
//! give the same rows as the whole decode wherever both succeed.

#![no_main]

use arrow_array::{
    ArrayRef, BinaryArray, BooleanArray, Float32Array, Float64Array, Int8Array, Int16Array,
    Int32Array, Int64Array, RecordBatch, StringArray, TimestampNanosecondArray, UInt64Array,
};
use floe_segment::{ByteRange, Directory, EncodeOptions, decode_columns, decode_window, encode};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

fn template() -> Option<&'static Directory> {
    static DIR: OnceLock<Option<Directory>> = OnceLock::new();
    DIR.get_or_init(|| {
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("i8", Arc::new(Int8Array::from(vec![1, 2, 3, 4]))),
            ("i16", Arc::new(Int16Array::from(vec![1, 2, 3, 4]))),
            ("i32", Arc::new(Int32Array::from(vec![1, 2, 3, 4]))),
            ("i64", Arc::new(Int64Array::from(vec![1, 2, 3, 4]))),
            ("u64", Arc::new(UInt64Array::from(vec![1, 2, 3, 4]))),
            (
                "f32",
                Arc::new(Float32Array::from(vec![1.0, 2.0, 3.0, 4.0])),
            ),
            (
                "f64",
                Arc::new(Float64Array::from(vec![Some(1.0), None, Some(3.0), None])),
            ),
            (
                "bool",
                Arc::new(BooleanArray::from(vec![true, false, true, true])),
            ),
            (
                "utf8",
                Arc::new(StringArray::from(vec!["a", "", "bc", "é"])),
            ),
            (
                "bin",
                Arc::new(BinaryArray::from(vec![&b"a"[..], b"", b"bc", b"\xff"])),
            ),
            (
                "ts",
                Arc::new(TimestampNanosecondArray::from(vec![1, 2, 3, 4]).with_timezone("UTC")),
            ),
        ];
        let batch = RecordBatch::try_from_iter(columns).ok()?;
        encode(&batch, &EncodeOptions::default())
            .ok()
            .map(|e| e.directory)
    })
    .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let (Some(template), Some((&pick, chunk))) = (template(), data.split_first()) else {
        return;
    };
    if chunk.is_empty() {
        return;
    }
    let column = usize::from(pick) % template.columns.len();
    let mut dir = template.clone();
    dir.columns[column].values = ByteRange {
        offset: 8,
        len: chunk.len() as u64,
        crc32c: crc32c::crc32c(chunk),
    };
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    chunks.push(chunk.to_vec());
    // The validity chunk (if any) stays the template's, which is not in the input: skip columns
    // with nulls unless the input also supplies it, by reusing the values bytes.
    if let Some(validity) = dir.columns[column].validity.as_mut() {
        *validity = ByteRange {
            offset: 8,
            len: chunk.len() as u64,
            crc32c: crc32c::crc32c(chunk),
        };
        chunks.push(chunk.to_vec());
    }
    let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
    let whole = decode_columns(&dir, &[column], &refs, "fuzz");
    if let Ok(batch) = &whole {
        assert_eq!(batch.num_rows() as u64, dir.rows);
    }
    // A row window of the same bytes: never a panic, and where both decode, the same rows.
    let rows = usize::try_from(dir.rows).unwrap_or(0);
    let window = rows / 4..rows - rows / 4;
    let part = decode_window(&dir, &[column], &refs, window.clone(), "fuzz");
    if let (Ok(batch), Ok(part)) = (&whole, &part) {
        assert_eq!(part, &batch.slice(window.start, window.len()));
    }
});
