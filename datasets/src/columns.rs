//! Turning generated `Vec`s into Arrow arrays and record batches, and splitting them per symbol.
//!
//! Numeric columns are moved into Arrow buffers without copying; string columns with a few
//! distinct values are built from small integer codes. No randomness and no market logic here.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int8Array, Int64Array, RecordBatch, StringArray,
    TimestampNanosecondArray,
};
use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema, TimeUnit};

use crate::spec::INDEX;

/// Name of the symbol column in multi-symbol batches.
pub(crate) const SYMBOL: &str = "symbol";

/// The non-null `ts` field: `Timestamp(Nanosecond, "UTC")`.
pub(crate) fn ts_field() -> Field {
    timestamp_field(INDEX)
}

/// A non-null `Timestamp(Nanosecond, "UTC")` field.
pub(crate) fn timestamp_field(name: &str) -> Field {
    Field::new(
        name,
        DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
        false,
    )
}

/// A non-null field.
pub(crate) fn field(name: &str, data_type: DataType) -> Field {
    Field::new(name, data_type, false)
}

pub(crate) fn timestamps(values: Vec<i64>) -> ArrayRef {
    Arc::new(TimestampNanosecondArray::new(ScalarBuffer::from(values), None).with_timezone("UTC"))
}

pub(crate) fn f64s(values: Vec<f64>) -> ArrayRef {
    Arc::new(Float64Array::new(ScalarBuffer::from(values), None))
}

pub(crate) fn i64s(values: Vec<i64>) -> ArrayRef {
    Arc::new(Int64Array::new(ScalarBuffer::from(values), None))
}

pub(crate) fn i8s(values: Vec<i8>) -> ArrayRef {
    Arc::new(Int8Array::new(ScalarBuffer::from(values), None))
}

pub(crate) fn bools(values: Vec<bool>) -> ArrayRef {
    Arc::new(BooleanArray::from(values))
}

/// A Utf8 column whose row `i` is `names[codes[i]]`.
///
/// # Panics
/// If the strings exceed the 2 GiB a `Utf8` column can address (over ~300M rows of tickers), or
/// a code is out of range (a bug in the caller).
pub(crate) fn utf8<S: AsRef<str>>(
    names: &[S],
    codes: impl ExactSizeIterator<Item = usize>,
) -> ArrayRef {
    let rows = codes.len();
    let longest = names.iter().map(|n| n.as_ref().len()).max().unwrap_or(0);
    let mut offsets = Vec::with_capacity(rows + 1);
    offsets.push(0i32);
    let values = if longest <= SHORT {
        // Names of up to 8 bytes: copy a fixed 8-byte block per row and advance by the real
        // length, which avoids a variable-length memcpy call per row.
        let blocks: Vec<([u8; SHORT], usize)> = names
            .iter()
            .map(|n| {
                let bytes = n.as_ref().as_bytes();
                let mut block = [0u8; SHORT];
                block[..bytes.len()].copy_from_slice(bytes);
                (block, bytes.len())
            })
            .collect();
        let mut values = vec![0u8; rows.saturating_mul(longest).saturating_add(SHORT)];
        let mut end = 0usize;
        for code in codes {
            let (block, len) = &blocks[code];
            values[end..end + SHORT].copy_from_slice(block);
            end += len;
            offsets.push(offset(end));
        }
        values.truncate(end);
        values
    } else {
        let mut values = Vec::with_capacity(rows.saturating_mul(longest));
        for code in codes {
            values.extend_from_slice(names[code].as_ref().as_bytes());
            offsets.push(offset(values.len()));
        }
        values
    };
    Arc::new(StringArray::new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Buffer::from(values),
        None,
    ))
}

/// Names up to this many bytes take the fixed-block path of [`utf8`].
const SHORT: usize = 8;

/// A Utf8 offset, or the documented panic when the column outgrows `i32`.
#[inline]
fn offset(end: usize) -> i32 {
    match i32::try_from(end) {
        Ok(end) => end,
        Err(_) => panic!("string column exceeds the 2 GiB limit of Arrow Utf8"),
    }
}

/// A batch of `columns` under `fields`.
///
/// # Panics
/// If the columns disagree with the fields or each other: generator bugs, never input-dependent.
pub(crate) fn batch(fields: Vec<Field>, columns: Vec<ArrayRef>) -> RecordBatch {
    match RecordBatch::try_new(Arc::new(Schema::new(fields)), columns) {
        Ok(batch) => batch,
        Err(e) => unreachable!("generated columns do not match their schema: {e}"),
    }
}

/// The row indices of each symbol, in row order: entry `s` lists the rows whose symbol is `s`.
pub(crate) fn rows_by_symbol(symbols: &[u32], k: usize) -> Vec<Vec<usize>> {
    let mut counts = vec![0usize; k];
    for &s in symbols {
        counts[s as usize] += 1;
    }
    let mut rows: Vec<Vec<usize>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (i, &s) in symbols.iter().enumerate() {
        rows[s as usize].push(i);
    }
    rows
}

/// `values` at `rows`.
pub(crate) fn gather<T: Copy>(values: &[T], rows: &[usize]) -> Vec<T> {
    rows.iter().map(|&i| values[i]).collect()
}

#[cfg(test)]
mod tests {
    use arrow_array::Array;

    use super::*;

    #[test]
    fn utf8_maps_codes_to_names() {
        let array = utf8(&["B", "XNAS"], [1usize, 0, 0, 1].into_iter());
        let strings = array.as_any().downcast_ref::<StringArray>();
        let got: Vec<&str> = strings
            .map(|s| s.iter().flatten().collect())
            .unwrap_or_default();
        assert_eq!(got, ["XNAS", "B", "B", "XNAS"]);
        assert_eq!(utf8(&["A"], std::iter::empty()).len(), 0);
        // Names longer than the fixed block take the general path.
        let long = utf8(&["ABCDEFGHIJ", "", "Z"], [0usize, 1, 2, 0].into_iter());
        let strings = long.as_any().downcast_ref::<StringArray>();
        let got: Vec<&str> = strings
            .map(|s| s.iter().flatten().collect())
            .unwrap_or_default();
        assert_eq!(got, ["ABCDEFGHIJ", "", "Z", "ABCDEFGHIJ"]);
        let exact = utf8(&["ABCDEFGH", "I"], [1usize, 0, 0].into_iter());
        let strings = exact.as_any().downcast_ref::<StringArray>();
        let got: Vec<&str> = strings
            .map(|s| s.iter().flatten().collect())
            .unwrap_or_default();
        assert_eq!(got, ["I", "ABCDEFGH", "ABCDEFGH"]);
    }

    #[test]
    fn rows_by_symbol_keeps_row_order() {
        let rows = rows_by_symbol(&[1, 0, 1, 1, 0], 3);
        assert_eq!(rows, vec![vec![1, 4], vec![0, 2, 3], vec![]]);
        assert_eq!(gather(&[10, 20, 30, 40, 50], &rows[1]), [10, 30, 40]);
    }
}
