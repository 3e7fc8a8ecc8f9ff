//! Plain encoding: values laid out as little-endian bytes, the format every other encoding falls
//! back to and the payload the general-purpose stages compress. It owns the byte layout of plain
//! payloads and their validation; it must not compress or choose encodings.
//!
//! Layout by type:
//! - fixed width: `len * width` bytes, little-endian;
//! - bool: `len.div_ceil(8)` bytes, LSB-first, bits past `len` zero;
//! - binary: `len + 1` little-endian `i32` offsets starting at 0, then the data bytes.

use crate::{Decoded, Error, PhysicalType, Result, Values};

/// Appends the plain payload of `values` to `out`.
pub(crate) fn encode_into(values: Values<'_>, out: &mut Vec<u8>) -> Result<()> {
    match values {
        Values::I8(v) => put(v, out),
        Values::I16(v) => put(v, out),
        Values::I32(v) => put(v, out),
        Values::I64(v) => put(v, out),
        Values::U8(v) => put(v, out),
        Values::U16(v) => put(v, out),
        Values::U32(v) => put(v, out),
        Values::U64(v) => put(v, out),
        Values::F32(v) => put(v, out),
        Values::F64(v) => put(v, out),
        Values::Bool { bits, len } => {
            let n = len.div_ceil(8);
            let Some(bytes) = bits.get(..n) else {
                return Err(Error::InvalidInput {
                    reason: format!("{len} booleans need {n} bytes, got {}", bits.len()),
                });
            };
            out.extend_from_slice(bytes);
            if !len.is_multiple_of(8)
                && let Some(last) = out.last_mut()
            {
                *last &= (1u8 << (len % 8)) - 1;
            }
        }
        Values::Binary { offsets, data } => encode_binary(offsets, data, out)?,
    }
    Ok(())
}

fn encode_binary(offsets: &[i32], data: &[u8], out: &mut Vec<u8>) -> Result<()> {
    let (Some(&first), Some(&last)) = (offsets.first(), offsets.last()) else {
        return Err(Error::InvalidInput {
            reason: "binary values need at least one offset".into(),
        });
    };
    let valid =
        first >= 0 && (last as usize) <= data.len() && offsets.windows(2).all(|w| w[0] <= w[1]);
    if !valid {
        return Err(Error::InvalidInput {
            reason: "binary offsets are not monotone within the data".into(),
        });
    }
    out.reserve(offsets.len() * 4 + (last - first) as usize);
    for &o in offsets {
        out.extend_from_slice(&(o - first).to_le_bytes());
    }
    out.extend_from_slice(&data[first as usize..last as usize]);
    Ok(())
}

/// Size in bytes of the plain payload for `len` values of `ty`, for fixed-width and bool types.
pub(crate) fn fixed_size(ty: PhysicalType, len: usize) -> Option<usize> {
    match ty {
        PhysicalType::Bool => Some(len.div_ceil(8)),
        _ => ty.width().and_then(|w| w.checked_mul(len)),
    }
}

/// Decodes a plain payload holding exactly `len` values of `ty`. `base` is the payload's offset
/// within the chunk, for error messages.
pub(crate) fn decode(bytes: &[u8], ty: PhysicalType, len: usize, base: usize) -> Result<Decoded> {
    if let Some(size) = fixed_size(ty, len)
        && bytes.len() != size
    {
        return Err(Error::corrupt(
            base,
            format!(
                "plain {ty:?} payload of {len} values must be {size} bytes, found {}",
                bytes.len()
            ),
        ));
    }
    Ok(match ty {
        PhysicalType::I8 => Decoded::I8(get(bytes)),
        PhysicalType::I16 => Decoded::I16(get(bytes)),
        PhysicalType::I32 => Decoded::I32(get(bytes)),
        PhysicalType::I64 => Decoded::I64(get(bytes)),
        PhysicalType::U8 => Decoded::U8(bytes.to_vec()),
        PhysicalType::U16 => Decoded::U16(get(bytes)),
        PhysicalType::U32 => Decoded::U32(get(bytes)),
        PhysicalType::U64 => Decoded::U64(get(bytes)),
        PhysicalType::F32 => Decoded::F32(get(bytes)),
        PhysicalType::F64 => Decoded::F64(get(bytes)),
        PhysicalType::Bool => {
            let mut bits = bytes.to_vec();
            if !len.is_multiple_of(8)
                && let Some(last) = bits.last_mut()
            {
                *last &= (1u8 << (len % 8)) - 1;
            }
            Decoded::Bool { bits, len }
        }
        PhysicalType::Binary => decode_binary(bytes, len, base)?,
    })
}

fn decode_binary(bytes: &[u8], len: usize, base: usize) -> Result<Decoded> {
    let offsets_size = len
        .checked_add(1)
        .and_then(|n| n.checked_mul(4))
        .filter(|&n| n <= bytes.len())
        .ok_or_else(|| {
            Error::corrupt(base, format!("binary payload too short for {len} offsets"))
        })?;
    let (offset_bytes, data) = bytes.split_at(offsets_size);
    let offsets: Vec<i32> = get(offset_bytes);
    if offsets.first() != Some(&0) {
        return Err(Error::corrupt(base, "binary offsets must start at 0"));
    }
    if let Some(i) = offsets.windows(2).position(|w| w[0] > w[1]) {
        return Err(Error::corrupt(
            base + 4 * (i + 1),
            "binary offsets decrease",
        ));
    }
    if offsets.last().map(|&o| o as usize) != Some(data.len()) {
        return Err(Error::corrupt(
            base + offsets_size,
            format!(
                "binary data is {} bytes but the offsets end elsewhere",
                data.len()
            ),
        ));
    }
    Ok(Decoded::Binary {
        offsets,
        data: data.to_vec(),
    })
}

/// Appends fixed-width values as little-endian bytes.
fn put<T: bytemuck::Pod + LittleEndian>(values: &[T], out: &mut Vec<u8>) {
    if cfg!(target_endian = "little") {
        out.extend_from_slice(bytemuck::cast_slice(values));
    } else {
        out.reserve(std::mem::size_of_val(values));
        for v in values {
            out.extend_from_slice(bytemuck::bytes_of(&v.swap_to_le()));
        }
    }
}

/// Reads little-endian fixed-width values; the caller has checked the length is a multiple.
fn get<T: bytemuck::Pod + LittleEndian>(bytes: &[u8]) -> Vec<T> {
    let n = bytes.len() / std::mem::size_of::<T>();
    let mut out: Vec<T> = vec![T::zeroed(); n];
    bytemuck::cast_slice_mut::<T, u8>(&mut out)
        .copy_from_slice(&bytes[..n * std::mem::size_of::<T>()]);
    if cfg!(target_endian = "big") {
        out.iter_mut().for_each(|v| *v = v.swap_to_le());
    }
    out
}

/// Byte-order conversion for the fixed-width types (a no-op on little-endian targets).
trait LittleEndian: Copy {
    fn swap_to_le(self) -> Self;
}

macro_rules! little_endian_int {
    ($($t:ty),*) => {$(
        impl LittleEndian for $t {
            fn swap_to_le(self) -> Self { self.to_le() }
        }
    )*};
}
little_endian_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl LittleEndian for f32 {
    fn swap_to_le(self) -> Self {
        f32::from_bits(self.to_bits().to_le())
    }
}

impl LittleEndian for f64 {
    fn swap_to_le(self) -> Self {
        f64::from_bits(self.to_bits().to_le())
    }
}
