//! The bridge between Arrow arrays and the codec's typed slices: which physical type stores each
//! supported Arrow type, borrowing an array's values (sliced arrays included) as codec
//! [`Values`], min/max stats, and turning decoded buffers back into Arrow arrays without copying
//! them. It must not know about chunks, byte ranges or checksums; schema support is decided in
//! `schema.rs`, and this file only has to agree with it.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowPrimitiveType, ArrowTimestampType, Date32Type, Date64Type, Float32Type, Float64Type,
    Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, BinaryArray, BooleanArray, PrimitiveArray, StringArray};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, TimeUnit};
use floe_codec::{Decoded, PhysicalType, Values};
use std::sync::Arc;

/// The physical type that stores `data_type`, or `None` when the type is not supported.
pub(crate) fn physical_type(data_type: &DataType) -> Option<PhysicalType> {
    Some(match data_type {
        DataType::Int8 => PhysicalType::I8,
        DataType::Int16 => PhysicalType::I16,
        DataType::Int32 | DataType::Date32 => PhysicalType::I32,
        DataType::Int64 | DataType::Date64 | DataType::Timestamp(..) => PhysicalType::I64,
        DataType::UInt8 => PhysicalType::U8,
        DataType::UInt16 => PhysicalType::U16,
        DataType::UInt32 => PhysicalType::U32,
        DataType::UInt64 => PhysicalType::U64,
        DataType::Float32 => PhysicalType::F32,
        DataType::Float64 => PhysicalType::F64,
        DataType::Boolean => PhysicalType::Bool,
        DataType::Utf8 | DataType::Binary => PhysicalType::Binary,
        _ => return None,
    })
}

/// True for the types whose chunks carry i64 min/max stats.
pub(crate) fn is_integer_like(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Timestamp(..)
            | DataType::Date32
            | DataType::Date64
    )
}

/// Calls `f` with the values of `array` (validity ignored) as codec [`Values`]; `None` when the
/// array's type is not supported. Slices are honoured: primitive values and string offsets are
/// borrowed as they are, booleans at a bit offset are re-packed to start at bit 0.
pub(crate) fn with_values<R>(array: &dyn Array, f: impl FnOnce(Values<'_>) -> R) -> Option<R> {
    macro_rules! prim {
        ($t:ty, $variant:ident) => {
            array
                .as_primitive_opt::<$t>()
                .map(|a| f(Values::$variant(a.values())))
        };
    }
    match array.data_type() {
        DataType::Int8 => prim!(Int8Type, I8),
        DataType::Int16 => prim!(Int16Type, I16),
        DataType::Int32 => prim!(Int32Type, I32),
        DataType::Int64 => prim!(Int64Type, I64),
        DataType::UInt8 => prim!(UInt8Type, U8),
        DataType::UInt16 => prim!(UInt16Type, U16),
        DataType::UInt32 => prim!(UInt32Type, U32),
        DataType::UInt64 => prim!(UInt64Type, U64),
        DataType::Float32 => prim!(Float32Type, F32),
        DataType::Float64 => prim!(Float64Type, F64),
        DataType::Date32 => prim!(Date32Type, I32),
        DataType::Date64 => prim!(Date64Type, I64),
        DataType::Timestamp(TimeUnit::Second, _) => prim!(TimestampSecondType, I64),
        DataType::Timestamp(TimeUnit::Millisecond, _) => prim!(TimestampMillisecondType, I64),
        DataType::Timestamp(TimeUnit::Microsecond, _) => prim!(TimestampMicrosecondType, I64),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => prim!(TimestampNanosecondType, I64),
        DataType::Boolean => array.as_boolean_opt().map(|a| with_bits(a.values(), f)),
        DataType::Utf8 => array.as_string_opt::<i32>().map(|a| {
            f(Values::Binary {
                offsets: a.value_offsets(),
                data: a.values(),
            })
        }),
        DataType::Binary => array.as_binary_opt::<i32>().map(|a| {
            f(Values::Binary {
                offsets: a.value_offsets(),
                data: a.values(),
            })
        }),
        _ => None,
    }
}

/// Calls `f` with the bits of `bits` starting at bit 0 (copying only when the slice starts
/// mid-byte).
pub(crate) fn with_bits<R>(bits: &BooleanBuffer, f: impl FnOnce(Values<'_>) -> R) -> R {
    let packed = bits.sliced();
    f(Values::Bool {
        bits: packed.as_slice(),
        len: bits.len(),
    })
}

/// Min and max of the non-null values of an integer-like array, as i64; `None` for other types,
/// for arrays with no non-null value, and for `UInt64` values above `i64::MAX`.
pub(crate) fn stats(array: &dyn Array) -> Option<(i64, i64)> {
    match array.data_type() {
        DataType::Int8 => int_stats::<Int8Type>(array),
        DataType::Int16 => int_stats::<Int16Type>(array),
        DataType::Int32 => int_stats::<Int32Type>(array),
        DataType::Int64 => i64_stats::<Int64Type>(array),
        DataType::UInt8 => int_stats::<UInt8Type>(array),
        DataType::UInt16 => int_stats::<UInt16Type>(array),
        DataType::UInt32 => int_stats::<UInt32Type>(array),
        DataType::UInt64 => int_stats::<UInt64Type>(array),
        DataType::Date32 => int_stats::<Date32Type>(array),
        DataType::Date64 => i64_stats::<Date64Type>(array),
        DataType::Timestamp(TimeUnit::Second, _) => i64_stats::<TimestampSecondType>(array),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            i64_stats::<TimestampMillisecondType>(array)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            i64_stats::<TimestampMicrosecondType>(array)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => i64_stats::<TimestampNanosecondType>(array),
        _ => None,
    }
}

fn int_stats<T>(array: &dyn Array) -> Option<(i64, i64)>
where
    T: ArrowPrimitiveType,
    T::Native: Ord + TryInto<i64>,
{
    let a = array.as_primitive_opt::<T>()?;
    let (min, max) = min_max(a.values(), a.nulls())?;
    // max fits i64 implies min does; only UInt64 can fail here.
    Some((min.try_into().ok()?, max.try_into().ok()?))
}

/// [`int_stats`] for 64-bit types: without nulls, the codec's vectorised minimum and maximum
/// (the baseline x86-64 build has no 64-bit vector compare).
fn i64_stats<T: ArrowPrimitiveType<Native = i64>>(array: &dyn Array) -> Option<(i64, i64)> {
    let a = array.as_primitive_opt::<T>()?;
    match a.nulls().filter(|n| n.null_count() > 0) {
        None => floe_codec::min_max_i64(a.values()),
        nulls => min_max(a.values(), nulls),
    }
}

fn min_max<T: Ord + Copy>(values: &[T], nulls: Option<&NullBuffer>) -> Option<(T, T)> {
    let fold = |(lo, hi): (T, T), v: T| (lo.min(v), hi.max(v));
    match nulls.filter(|n| n.null_count() > 0) {
        None => {
            let (&first, rest) = values.split_first()?;
            Some(rest.iter().copied().fold((first, first), fold))
        }
        Some(nulls) => {
            let mut valid = nulls.valid_indices().filter_map(|i| values.get(i).copied());
            let first = valid.next()?;
            Some(valid.fold((first, first), fold))
        }
    }
}

/// Turns a decoded validity chunk of `rows` bits into a [`NullBuffer`] (set bit = valid),
/// reusing the decoded bytes.
pub(crate) fn to_nulls(decoded: Decoded, rows: usize) -> Result<NullBuffer, String> {
    match decoded {
        Decoded::Bool { bits, len } => Ok(NullBuffer::new(to_bits(bits, len, rows)?)),
        other => Err(format!(
            "validity decoded as {:?}, not bool",
            other.as_values().physical_type()
        )),
    }
}

fn to_bits(bits: Vec<u8>, len: usize, rows: usize) -> Result<BooleanBuffer, String> {
    if len != rows || bits.len() < len.div_ceil(8) {
        return Err(format!(
            "{len} bits in {} bytes, expected {rows} bits",
            bits.len()
        ));
    }
    Ok(BooleanBuffer::new(Buffer::from_vec(bits), 0, len))
}

/// Builds the Arrow array of type `data_type` from decoded values and validity, without copying
/// the decoded buffers. Fails (with a reason) when the decoded shape does not fit the type, or when
/// string bytes are not UTF-8.
pub(crate) fn to_array(
    data_type: &DataType,
    decoded: Decoded,
    nulls: Option<NullBuffer>,
) -> Result<ArrayRef, String> {
    let rows = decoded.len();
    if let Some(n) = &nulls
        && n.len() != rows
    {
        return Err(format!("validity has {} rows, values have {rows}", n.len()));
    }
    match (data_type, decoded) {
        (DataType::Int8, Decoded::I8(v)) => prim::<Int8Type>(v, nulls),
        (DataType::Int16, Decoded::I16(v)) => prim::<Int16Type>(v, nulls),
        (DataType::Int32, Decoded::I32(v)) => prim::<Int32Type>(v, nulls),
        (DataType::Int64, Decoded::I64(v)) => prim::<Int64Type>(v, nulls),
        (DataType::UInt8, Decoded::U8(v)) => prim::<UInt8Type>(v, nulls),
        (DataType::UInt16, Decoded::U16(v)) => prim::<UInt16Type>(v, nulls),
        (DataType::UInt32, Decoded::U32(v)) => prim::<UInt32Type>(v, nulls),
        (DataType::UInt64, Decoded::U64(v)) => prim::<UInt64Type>(v, nulls),
        (DataType::Float32, Decoded::F32(v)) => prim::<Float32Type>(v, nulls),
        (DataType::Float64, Decoded::F64(v)) => prim::<Float64Type>(v, nulls),
        (DataType::Date32, Decoded::I32(v)) => prim::<Date32Type>(v, nulls),
        (DataType::Date64, Decoded::I64(v)) => prim::<Date64Type>(v, nulls),
        (DataType::Timestamp(unit, tz), Decoded::I64(v)) => {
            let tz = tz.clone();
            match unit {
                TimeUnit::Second => timestamp::<TimestampSecondType>(v, nulls, tz),
                TimeUnit::Millisecond => timestamp::<TimestampMillisecondType>(v, nulls, tz),
                TimeUnit::Microsecond => timestamp::<TimestampMicrosecondType>(v, nulls, tz),
                TimeUnit::Nanosecond => timestamp::<TimestampNanosecondType>(v, nulls, tz),
            }
        }
        (DataType::Boolean, Decoded::Bool { bits, len }) => Ok(Arc::new(BooleanArray::new(
            to_bits(bits, len, rows)?,
            nulls,
        ))),
        (DataType::Utf8, Decoded::Binary { offsets, data }) => {
            let offsets = to_offsets(offsets)?;
            let array = StringArray::try_new(offsets, Buffer::from_vec(data), nulls)
                .map_err(|e| e.to_string())?;
            Ok(Arc::new(array))
        }
        (DataType::Binary, Decoded::Binary { offsets, data }) => {
            let offsets = to_offsets(offsets)?;
            let array = BinaryArray::try_new(offsets, Buffer::from_vec(data), nulls)
                .map_err(|e| e.to_string())?;
            Ok(Arc::new(array))
        }
        (data_type, decoded) => Err(format!(
            "{data_type} column decoded as {:?} values",
            decoded.as_values().physical_type()
        )),
    }
}

fn prim<T: ArrowPrimitiveType>(
    values: Vec<T::Native>,
    nulls: Option<NullBuffer>,
) -> Result<ArrayRef, String> {
    let array = PrimitiveArray::<T>::try_new(ScalarBuffer::from(values), nulls)
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(array))
}

fn timestamp<T: ArrowTimestampType>(
    values: Vec<i64>,
    nulls: Option<NullBuffer>,
    tz: Option<Arc<str>>,
) -> Result<ArrayRef, String> {
    let array = PrimitiveArray::<T>::try_new(ScalarBuffer::from(values), nulls)
        .map_err(|e| e.to_string())?
        .with_timezone_opt(tz);
    Ok(Arc::new(array))
}

/// Checks what [`OffsetBuffer::new`] would otherwise assert (it panics on bad offsets).
fn to_offsets(offsets: Vec<i32>) -> Result<OffsetBuffer<i32>, String> {
    let valid =
        offsets.first().is_some_and(|&o| o >= 0) && offsets.windows(2).all(|w| w[0] <= w[1]);
    if !valid {
        return Err("string offsets are empty, negative or decreasing".into());
    }
    Ok(OffsetBuffer::new(ScalarBuffer::from(offsets)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int64Array, UInt64Array};

    #[test]
    fn stats_skip_nulls_and_oversized_u64() {
        let a = Int64Array::from(vec![Some(5), None, Some(-3), Some(i64::MAX), None]);
        assert_eq!(stats(&a), Some((-3, i64::MAX)));
        let a = Int64Array::from(vec![None, Some(7), None]);
        assert_eq!(stats(&a), Some((7, 7)));
        let a = Int64Array::from(vec![None::<i64>, None]);
        assert_eq!(stats(&a), None);
        assert_eq!(stats(&Int64Array::from(Vec::<i64>::new())), None);
        assert_eq!(stats(&UInt64Array::from(vec![1, u64::MAX])), None);
        assert_eq!(
            stats(&UInt64Array::from(vec![3, i64::MAX as u64])),
            Some((3, i64::MAX))
        );
        // Stats of a slice see only the slice.
        let a = Int64Array::from(vec![100, 1, 2, -100]);
        assert_eq!(stats(&a.slice(1, 2)), Some((1, 2)));
        assert_eq!(stats(&arrow_array::Float64Array::from(vec![1.0])), None);
        // 64-bit columns without nulls take the codec's vectorised path: extremes, and more
        // values than its groups of eight.
        let ts: Vec<i64> = (0..21).map(|i| (i - 10) * 1_000_000_007).collect();
        let a = arrow_array::TimestampNanosecondArray::from(ts);
        assert_eq!(stats(&a), Some((-10_000_000_070, 10_000_000_070)));
        let a = arrow_array::Date64Array::from(vec![0, i64::MIN, 5, i64::MAX, -1]);
        assert_eq!(stats(&a), Some((i64::MIN, i64::MAX)));
    }

    #[test]
    fn unaligned_bools_are_repacked_from_bit_zero() {
        let a = BooleanArray::from(vec![
            true, false, true, true, false, false, true, false, true, true, false,
        ]);
        for offset in 0..a.len() {
            let s = a.slice(offset, a.len() - offset);
            let got = with_values(&s, |v| match v {
                Values::Bool { bits, len } => (0..len)
                    .map(|i| bits[i / 8] >> (i % 8) & 1 == 1)
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            });
            assert_eq!(
                got,
                Some(s.values().iter().collect::<Vec<_>>()),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn mismatched_shapes_are_errors_not_panics() {
        assert!(to_array(&DataType::Int64, Decoded::I32(vec![1]), None).is_err());
        assert!(
            to_array(
                &DataType::Boolean,
                Decoded::Bool {
                    bits: vec![],
                    len: 9
                },
                None
            )
            .is_err()
        );
        assert!(
            to_array(
                &DataType::Utf8,
                Decoded::Binary {
                    offsets: vec![2, 1],
                    data: vec![0; 2]
                },
                None
            )
            .is_err()
        );
        assert!(
            to_array(
                &DataType::Utf8,
                Decoded::Binary {
                    offsets: vec![0, 1],
                    data: vec![0xff]
                },
                None
            )
            .is_err()
        );
        let nulls = NullBuffer::new_null(2);
        assert!(to_array(&DataType::Int64, Decoded::I64(vec![1]), Some(nulls)).is_err());
        assert!(to_nulls(Decoded::I64(vec![1]), 1).is_err());
        assert!(
            to_nulls(
                Decoded::Bool {
                    bits: vec![1],
                    len: 1
                },
                2
            )
            .is_err()
        );
    }
}
