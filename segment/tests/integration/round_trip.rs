//! Round trips through the public API: every supported type with and without nulls and in every
//! encoding, sliced input, empty and column-less batches, bit-exact floats, edge integers, stats,
//! projections through `ranges_for` + `decode_columns`, and a proptest over random columns.

use crate::support::{ENCODINGS, TestResult, all_types, is_integer_like};
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float32Array, Float64Array, Int64Array, ListArray, RecordBatch,
    RecordBatchOptions, StringArray, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use floe_segment::{
    Directory, EncodeOptions, Error, FOOTER_LEN, decode, decode_columns, encode, read_directory,
};
use proptest::prelude::*;
use std::sync::Arc;

/// Encodes `batch` with `encoding`, decodes it back, and checks the directory and every column.
fn round_trip_with(
    batch: &RecordBatch,
    encoding: floe_codec::Encoding,
) -> Result<RecordBatch, Error> {
    let encoded = encode(batch, &EncodeOptions { encoding })?;
    assert_eq!(read_directory(&encoded.bytes, "t")?, encoded.directory);
    assert_eq!(encoded.directory.rows, batch.num_rows() as u64);
    let back = decode(&encoded.bytes, "t")?;
    assert_eq!(back.schema(), batch.schema());
    assert_eq!(back.num_rows(), batch.num_rows());
    assert_eq!(&back, batch, "{encoding:?}");
    for (i, column) in batch.columns().iter().enumerate() {
        assert_eq!(
            encoded.directory.columns[i].null_count,
            column.null_count() as u64
        );
        assert_eq!(
            encoded.directory.columns[i].validity.is_some(),
            column.null_count() > 0
        );
    }
    Ok(back)
}

fn round_trip(batch: &RecordBatch) -> Result<RecordBatch, Error> {
    let mut last = None;
    for encoding in ENCODINGS {
        last = Some(round_trip_with(batch, encoding)?);
    }
    Ok(last.unwrap_or_else(|| batch.clone()))
}

/// Values of an integer-like column widened to i128 (None for nulls), as a stats oracle.
fn widened(array: &dyn Array) -> Vec<Option<i128>> {
    macro_rules! widen {
        ($t:ty) => {
            array
                .as_primitive::<$t>()
                .iter()
                .map(|v| v.map(i128::from))
                .collect()
        };
    }
    match array.data_type() {
        DataType::Int8 => widen!(Int8Type),
        DataType::Int16 => widen!(Int16Type),
        DataType::Int32 => widen!(Int32Type),
        DataType::Int64 => widen!(Int64Type),
        DataType::UInt8 => widen!(UInt8Type),
        DataType::UInt16 => widen!(UInt16Type),
        DataType::UInt32 => widen!(UInt32Type),
        DataType::UInt64 => widen!(UInt64Type),
        DataType::Date32 => widen!(Date32Type),
        DataType::Date64 => widen!(Date64Type),
        DataType::Timestamp(TimeUnit::Second, _) => widen!(TimestampSecondType),
        DataType::Timestamp(TimeUnit::Millisecond, _) => widen!(TimestampMillisecondType),
        DataType::Timestamp(TimeUnit::Microsecond, _) => widen!(TimestampMicrosecondType),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => widen!(TimestampNanosecondType),
        _ => Vec::new(),
    }
}

fn check_stats(batch: &RecordBatch, dir: &Directory) {
    for (i, column) in batch.columns().iter().enumerate() {
        let chunk = &dir.columns[i];
        let expected = if is_integer_like(column.data_type()) {
            let values: Vec<i128> = widened(column.as_ref()).into_iter().flatten().collect();
            let min = values.iter().min().copied();
            let max = values.iter().max().copied();
            match (min, max) {
                (Some(lo), Some(hi)) if hi <= i128::from(i64::MAX) => {
                    (Some(lo as i64), Some(hi as i64))
                }
                _ => (None, None),
            }
        } else {
            (None, None)
        };
        assert_eq!(
            (chunk.min, chunk.max),
            expected,
            "column {}",
            batch.schema().field(i).name()
        );
    }
}

#[test]
fn every_type_round_trips_with_and_without_nulls() -> TestResult {
    for rows in [1, 7, 8, 9, 1000, 3000] {
        for nulls in [false, true] {
            let batch = all_types(rows, nulls)?;
            round_trip(&batch)?;
            check_stats(
                &batch,
                &encode(&batch, &EncodeOptions::default())?.directory,
            );
        }
    }
    Ok(())
}

#[test]
fn sliced_input_encodes_only_the_slice() -> TestResult {
    let batch = all_types(200, true)?;
    for (offset, len) in [
        (0, 50),
        (1, 50),
        (3, 8),
        (13, 100),
        (64, 0),
        (199, 1),
        (5, 195),
    ] {
        let slice = batch.slice(offset, len);
        let back = round_trip(&slice)?;
        check_stats(
            &slice,
            &encode(&slice, &EncodeOptions::default())?.directory,
        );
        // Decoded arrays are fresh: offsets start at zero.
        assert_eq!(
            back.column(11).as_string::<i32>().value_offsets().first(),
            Some(&0)
        );
    }
    // A boolean column sliced at every bit offset, with nulls whose bitmap is sliced too.
    let bools: BooleanArray = (0..40)
        .map(|i| (i % 5 != 0).then_some(i % 3 == 0))
        .collect();
    for offset in 0..bools.len() {
        let a: ArrayRef = Arc::new(bools.slice(offset, bools.len() - offset));
        round_trip(&RecordBatch::try_from_iter([("b", a)])?)?;
    }
    Ok(())
}

#[test]
fn empty_batch_and_zero_columns() -> TestResult {
    let empty = all_types(0, true)?;
    round_trip(&empty)?;
    let dir = encode(&empty, &EncodeOptions::default())?.directory;
    assert!(
        dir.columns
            .iter()
            .all(|c| c.min.is_none() && c.validity.is_none())
    );
    round_trip(&RecordBatch::new_empty(all_types(5, false)?.schema()))?;
    for rows in [0, 1, 12345] {
        let schema = Arc::new(Schema::empty().with_metadata([("k", "v")]));
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        let batch = RecordBatch::try_new_with_options(schema, vec![], &options)?;
        let back = round_trip(&batch)?;
        assert_eq!(back.num_rows(), rows);
        assert_eq!(
            back.schema().metadata().get("k").map(String::as_str),
            Some("v")
        );
    }
    Ok(())
}

#[test]
fn timestamps_keep_unit_and_time_zone() -> TestResult {
    let batch = all_types(10, true)?;
    let back = round_trip(&batch)?;
    let tz = DataType::Timestamp(TimeUnit::Nanosecond, Some("America/New_York".into()));
    assert_eq!(back.schema().field_with_name("ts_ns_tz")?.data_type(), &tz);
    let tz = DataType::Timestamp(TimeUnit::Millisecond, Some("+05:30".into()));
    assert_eq!(back.schema().field_with_name("ts_ms_tz")?.data_type(), &tz);
    assert_eq!(
        back.schema()
            .field_with_name("f64")?
            .metadata()
            .get("unit")
            .map(String::as_str),
        Some("USD")
    );
    Ok(())
}

#[test]
fn edge_integers_and_their_stats() -> TestResult {
    let a: ArrayRef = Arc::new(Int64Array::from(vec![
        Some(0),
        Some(i64::MAX),
        None,
        Some(i64::MIN),
        Some(-1),
    ]));
    let u: ArrayRef = Arc::new(UInt64Array::from(vec![0, u64::MAX, 5, 1, 2]));
    let small: ArrayRef = Arc::new(UInt64Array::from(vec![7, 3, i64::MAX as u64, 9, 4]));
    let all_null: ArrayRef = Arc::new(Int64Array::from(vec![None::<i64>; 5]));
    let batch =
        RecordBatch::try_from_iter([("a", a), ("u", u), ("small", small), ("null", all_null)])?;
    round_trip(&batch)?;
    let dir = encode(&batch, &EncodeOptions::default())?.directory;
    assert_eq!(
        (dir.columns[0].min, dir.columns[0].max),
        (Some(i64::MIN), Some(i64::MAX))
    );
    assert_eq!(
        (dir.columns[1].min, dir.columns[1].max),
        (None, None),
        "u64::MAX does not fit i64"
    );
    assert_eq!(
        (dir.columns[2].min, dir.columns[2].max),
        (Some(3), Some(i64::MAX))
    );
    assert_eq!(
        (
            dir.columns[3].min,
            dir.columns[3].max,
            dir.columns[3].null_count
        ),
        (None, None, 5)
    );
    check_stats(&batch, &dir);
    Ok(())
}

#[test]
fn floats_round_trip_bit_exact() -> TestResult {
    let f64s = [
        f64::from_bits(0x7ff8_dead_beef_0001),
        f64::from_bits(0xfff0_0000_0000_0001), // signalling NaN, sign bit set
        -0.0,
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE / 2.0,
    ];
    let f32s = [
        f32::from_bits(0x7fc0_1234),
        f32::from_bits(0xff80_0001),
        -0.0,
        0.0,
        f32::MAX,
        f32::NAN,
        1.5,
    ];
    let a: ArrayRef = Arc::new(Float64Array::from(f64s.to_vec()));
    let b: ArrayRef = Arc::new(Float32Array::from(f32s.to_vec()));
    let batch = RecordBatch::try_from_iter([("d", a), ("f", b)])?;
    for encoding in ENCODINGS {
        let back = decode(&encode(&batch, &EncodeOptions { encoding })?.bytes, "t")?;
        let d: Vec<u64> = back
            .column(0)
            .as_primitive::<Float64Type>()
            .values()
            .iter()
            .map(|v| v.to_bits())
            .collect();
        let f: Vec<u32> = back
            .column(1)
            .as_primitive::<Float32Type>()
            .values()
            .iter()
            .map(|v| v.to_bits())
            .collect();
        assert_eq!(d, f64s.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        assert_eq!(f, f32s.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    }
    Ok(())
}

#[test]
fn strings_empty_and_non_ascii() -> TestResult {
    let s: ArrayRef = Arc::new(StringArray::from(vec![
        Some(""),
        Some("日本語"),
        None,
        Some(""),
        Some("ü"),
        Some("🎉x"),
    ]));
    let batch = RecordBatch::try_from_iter([("s", s.clone())])?;
    let back = round_trip(&batch)?;
    assert_eq!(back.column(0).as_string::<i32>().value(1), "日本語");
    let only_empty: ArrayRef = Arc::new(StringArray::from(vec![""; 4]));
    round_trip(&RecordBatch::try_from_iter([("e", only_empty)])?)?;
    // A slice whose string offsets start far from zero.
    round_trip(&RecordBatch::try_from_iter([("s", s.slice(3, 3))])?)?;
    Ok(())
}

#[test]
fn projection_reads_only_its_ranges() -> TestResult {
    let batch = all_types(500, true)?;
    let encoded = encode(&batch, &EncodeOptions::default())?;
    let file = &encoded.bytes;
    let footer = &file[file.len() - FOOTER_LEN..];
    let at = Directory::locate(footer, file.len() as u64, "t")?;
    assert_eq!(at.range().end as usize, file.len() - FOOTER_LEN);
    let dir_bytes = &file[at.range().start as usize..at.range().end as usize];
    assert_eq!(crc32c::crc32c(dir_bytes), at.crc32c);
    let dir = Directory::from_bytes(dir_bytes, "t")?;
    assert_eq!(dir, encoded.directory);
    assert_eq!(dir.to_bytes(), dir_bytes);
    for columns in [
        vec![3, 0],
        vec![11],
        vec![],
        vec![18, 17, 10, 12],
        vec![2, 2],
    ] {
        let ranges = dir.ranges_for(&columns);
        let expected: usize = columns
            .iter()
            .map(|&c| 1 + usize::from(dir.columns[c].validity.is_some()))
            .sum();
        assert_eq!(ranges.len(), expected);
        let chunks: Vec<&[u8]> = ranges
            .iter()
            .map(|r| &file[r.range().start as usize..r.range().end as usize])
            .collect();
        let got = decode_columns(&dir, &columns, &chunks, "t")?;
        if columns == [2, 2] {
            assert_eq!(got.column(0), got.column(1));
        } else {
            assert_eq!(got, batch.project(&columns)?);
        }
        assert_eq!(got.num_rows(), 500);
        assert_eq!(got.schema().metadata(), batch.schema().metadata());
    }
    Ok(())
}

#[test]
fn decode_columns_rejects_mismatched_requests() -> TestResult {
    let batch = all_types(10, true)?;
    let encoded = encode(&batch, &EncodeOptions::default())?;
    let dir = &encoded.directory;
    let chunk = |r: &floe_segment::ByteRange| {
        &encoded.bytes[r.range().start as usize..r.range().end as usize]
    };
    let chunks: Vec<&[u8]> = dir.ranges_for(&[0]).iter().map(chunk).collect();
    assert!(matches!(
        decode_columns(dir, &[99], &[], "t"),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        decode_columns(dir, &[0], &chunks[..1], "t"),
        Err(Error::InvalidInput { .. })
    ));
    // Chunks of the wrong column: the crc catches it.
    let wrong: Vec<&[u8]> = dir.ranges_for(&[1]).iter().map(chunk).collect();
    let r = decode_columns(dir, &[0], &wrong, "t");
    assert!(matches!(r, Err(Error::Corrupt { column: Some(c), .. }) if c == "i8"));
    Ok(())
}

#[test]
fn unsupported_types_are_named() -> TestResult {
    let list: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int64Type, _, _>(vec![
        Some(vec![Some(1)]),
    ]));
    let ok: ArrayRef = Arc::new(Int64Array::from(vec![1]));
    let batch = RecordBatch::try_from_iter([("ok", ok), ("quotes", list)])?;
    let r = encode(&batch, &EncodeOptions::default());
    assert!(matches!(r, Err(Error::UnsupportedType { column, .. }) if column == "quotes"));
    let field = Field::new("l", DataType::LargeUtf8, false);
    let batch = RecordBatch::new_empty(Arc::new(Schema::new(vec![field])));
    assert!(matches!(
        encode(&batch, &EncodeOptions::default()),
        Err(Error::UnsupportedType { .. })
    ));
    Ok(())
}

fn encodings() -> impl Strategy<Value = floe_codec::Encoding> {
    prop::sample::select(ENCODINGS.to_vec())
}

proptest! {
    #[test]
    fn prop_random_columns_round_trip(
        rows in prop::collection::vec(
            (any::<Option<i64>>(), any::<u64>(), any::<bool>(), any::<Option<bool>>(), prop::option::of(".{0,6}")),
            0..300,
        ),
        offset in 0usize..20,
        encoding in encodings(),
    ) {
        let i: ArrayRef = Arc::new(rows.iter().map(|r| r.0).collect::<Int64Array>());
        let f: ArrayRef = Arc::new(rows.iter().map(|r| r.2.then_some(f64::from_bits(r.1))).collect::<Float64Array>());
        let b: ArrayRef = Arc::new(rows.iter().map(|r| r.3).collect::<BooleanArray>());
        let s: ArrayRef = Arc::new(rows.iter().map(|r| r.4.as_deref()).collect::<StringArray>());
        let full = RecordBatch::try_from_iter([("i", i), ("f", f), ("b", b), ("s", s)])?;
        let offset = offset.min(full.num_rows());
        let batch = full.slice(offset, full.num_rows() - offset);
        let back = round_trip_with(&batch, encoding)?;
        let bits = |b: &RecordBatch| -> Vec<Option<u64>> {
            b.column(1).as_primitive::<Float64Type>().iter().map(|v| v.map(f64::to_bits)).collect()
        };
        prop_assert_eq!(bits(&back), bits(&batch));
        check_stats(&batch, &encode(&batch, &EncodeOptions { encoding })?.directory);
    }
}
