//! Deterministic test batches covering every supported Arrow type, and small helpers shared by
//! the test modules. It must stay deterministic: no clocks, no unseeded randomness.

use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{ArrayRef, BinaryArray, BooleanArray, PrimitiveArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use floe_codec::Encoding;
use std::sync::Arc;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub const ENCODINGS: [Encoding; 4] = [
    Encoding::Plain,
    Encoding::Lz4,
    Encoding::Zstd { level: 3 },
    Encoding::Auto,
];

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn prim<T: arrow_array::types::ArrowPrimitiveType>(
    rows: usize,
    nulls: bool,
    rng: &mut Rng,
    f: impl Fn(u64) -> T::Native,
) -> PrimitiveArray<T> {
    (0..rows)
        .map(|i| {
            let v = f(rng.next());
            (!nulls || i % 3 != 1).then_some(v)
        })
        .collect()
}

const WORDS: [&str; 6] = [
    "",
    "XNAS",
    "bid",
    "日本語",
    "émoji 🎉",
    "a longer venue name",
];

/// One column of every supported type, named after its type, `rows` long; every third row
/// (starting at row 1) null when `nulls`. Schema and field metadata included.
pub fn all_types(rows: usize, nulls: bool) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let mut rng = Rng::new(rows as u64 * 31 + u64::from(nulls));
    let r = &mut rng;
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "i8",
            Arc::new(prim::<Int8Type>(rows, nulls, r, |x| x as i8)),
        ),
        (
            "i16",
            Arc::new(prim::<Int16Type>(rows, nulls, r, |x| x as i16)),
        ),
        (
            "i32",
            Arc::new(prim::<Int32Type>(rows, nulls, r, |x| x as i32)),
        ),
        (
            "i64",
            Arc::new(prim::<Int64Type>(rows, nulls, r, |x| x as i64)),
        ),
        (
            "u8",
            Arc::new(prim::<UInt8Type>(rows, nulls, r, |x| x as u8)),
        ),
        (
            "u16",
            Arc::new(prim::<UInt16Type>(rows, nulls, r, |x| x as u16)),
        ),
        (
            "u32",
            Arc::new(prim::<UInt32Type>(rows, nulls, r, |x| x as u32)),
        ),
        (
            "u64",
            Arc::new(prim::<UInt64Type>(rows, nulls, r, |x| x >> 1)),
        ),
        (
            "f32",
            Arc::new(prim::<Float32Type>(rows, nulls, r, |x| {
                f32::from_bits(x as u32)
            })),
        ),
        (
            "f64",
            Arc::new(prim::<Float64Type>(rows, nulls, r, f64::from_bits)),
        ),
        (
            "bool",
            Arc::new(
                (0..rows)
                    .map(|i| (!nulls || i % 3 != 1).then_some(r.next() & 1 == 1))
                    .collect::<BooleanArray>(),
            ),
        ),
        (
            "utf8",
            Arc::new(StringArray::from(
                (0..rows)
                    .map(|i| (!nulls || i % 3 != 1).then_some(WORDS[i % WORDS.len()]))
                    .collect::<Vec<_>>(),
            )),
        ),
        (
            "binary",
            Arc::new(BinaryArray::from(
                (0..rows)
                    .map(|i| (!nulls || i % 3 != 1).then_some(&b"\x00\xffab"[..i % 5]))
                    .collect::<Vec<_>>(),
            )),
        ),
        (
            "ts_s",
            Arc::new(prim::<TimestampSecondType>(rows, nulls, r, |x| {
                x as i64 >> 30
            })),
        ),
        (
            "ts_ms_tz",
            Arc::new(
                prim::<TimestampMillisecondType>(rows, nulls, r, |x| x as i64 >> 20)
                    .with_timezone("+05:30"),
            ),
        ),
        (
            "ts_us",
            Arc::new(prim::<TimestampMicrosecondType>(rows, nulls, r, |x| {
                x as i64 >> 10
            })),
        ),
        (
            "ts_ns_tz",
            Arc::new(
                prim::<TimestampNanosecondType>(rows, nulls, r, |x| x as i64)
                    .with_timezone("America/New_York"),
            ),
        ),
        (
            "date32",
            Arc::new(prim::<Date32Type>(rows, nulls, r, |x| x as i32 >> 12)),
        ),
        (
            "date64",
            Arc::new(prim::<Date64Type>(rows, nulls, r, |x| x as i64 >> 8)),
        ),
    ];
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, a)| {
            let f = Field::new(*name, a.data_type().clone(), nulls);
            if *name == "f64" {
                f.with_metadata([("unit", "USD")])
            } else {
                f
            }
        })
        .collect();
    let schema = Schema::new(fields).with_metadata([("symbol", "AAPL"), ("source", "test")]);
    RecordBatch::try_new(
        Arc::new(schema),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
}

/// The names of the columns of [`all_types`] whose type is integer-like.
pub fn is_integer_like(data_type: &DataType) -> bool {
    data_type.is_integer()
        || matches!(
            data_type,
            DataType::Timestamp(..) | DataType::Date32 | DataType::Date64
        )
}
