//! Typed views of a column's values (input to encoders) and owned decoded buffers (output of
//! decoders). These are the only shapes the codec speaks; Arrow conversion lives in the segment crate.

/// The physical type of a column's values, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PhysicalType {
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64` (also timestamps)
    I64,
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `f32`, bit-exact (NaN payloads and -0.0 survive)
    F32,
    /// `f64`, bit-exact
    F64,
    /// Bits packed LSB-first, eight values a byte
    Bool,
    /// Variable-length bytes: `i32` offsets plus a data buffer (Arrow's layout)
    Binary,
}

impl PhysicalType {
    /// Width in bytes of one value for fixed-width types; `None` for bool and binary.
    pub fn width(self) -> Option<usize> {
        use PhysicalType::*;
        match self {
            I8 | U8 => Some(1),
            I16 | U16 => Some(2),
            I32 | U32 | F32 => Some(4),
            I64 | U64 | F64 => Some(8),
            Bool | Binary => None,
        }
    }
}

/// Borrowed values of one column chunk.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Values<'a> {
    /// `i8` values
    I8(&'a [i8]),
    /// `i16` values
    I16(&'a [i16]),
    /// `i32` values
    I32(&'a [i32]),
    /// `i64` values
    I64(&'a [i64]),
    /// `u8` values
    U8(&'a [u8]),
    /// `u16` values
    U16(&'a [u16]),
    /// `u32` values
    U32(&'a [u32]),
    /// `u64` values
    U64(&'a [u64]),
    /// `f32` values
    F32(&'a [f32]),
    /// `f64` values
    F64(&'a [f64]),
    /// `len` booleans packed LSB-first starting at bit 0 of `bits[0]`.
    Bool {
        /// Packed bits; at least `len.div_ceil(8)` bytes.
        bits: &'a [u8],
        /// Number of values.
        len: usize,
    },
    /// Variable-length values: value `i` is `data[offsets[i]..offsets[i + 1]]`. `offsets` has one more
    /// entry than there are values and need not start at zero.
    Binary {
        /// Monotone offsets into `data`.
        offsets: &'a [i32],
        /// The bytes.
        data: &'a [u8],
    },
}

impl Values<'_> {
    /// The physical type of these values.
    pub fn physical_type(&self) -> PhysicalType {
        match self {
            Values::I8(_) => PhysicalType::I8,
            Values::I16(_) => PhysicalType::I16,
            Values::I32(_) => PhysicalType::I32,
            Values::I64(_) => PhysicalType::I64,
            Values::U8(_) => PhysicalType::U8,
            Values::U16(_) => PhysicalType::U16,
            Values::U32(_) => PhysicalType::U32,
            Values::U64(_) => PhysicalType::U64,
            Values::F32(_) => PhysicalType::F32,
            Values::F64(_) => PhysicalType::F64,
            Values::Bool { .. } => PhysicalType::Bool,
            Values::Binary { .. } => PhysicalType::Binary,
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Values::I8(v) => v.len(),
            Values::I16(v) => v.len(),
            Values::I32(v) => v.len(),
            Values::I64(v) => v.len(),
            Values::U8(v) => v.len(),
            Values::U16(v) => v.len(),
            Values::U32(v) => v.len(),
            Values::U64(v) => v.len(),
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::Bool { len, .. } => *len,
            Values::Binary { offsets, .. } => offsets.len().saturating_sub(1),
        }
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Owned values decoded from one chunk, ready to become Arrow buffers without a copy.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Decoded {
    /// `i8` values
    I8(Vec<i8>),
    /// `i16` values
    I16(Vec<i16>),
    /// `i32` values
    I32(Vec<i32>),
    /// `i64` values
    I64(Vec<i64>),
    /// `u8` values
    U8(Vec<u8>),
    /// `u16` values
    U16(Vec<u16>),
    /// `u32` values
    U32(Vec<u32>),
    /// `u64` values
    U64(Vec<u64>),
    /// `f32` values
    F32(Vec<f32>),
    /// `f64` values
    F64(Vec<f64>),
    /// Packed booleans, LSB-first.
    Bool {
        /// `len.div_ceil(8)` bytes; bits past `len` are zero.
        bits: Vec<u8>,
        /// Number of values.
        len: usize,
    },
    /// Variable-length values; `offsets[0] == 0`, monotone, last offset == `data.len()`.
    Binary {
        /// `len + 1` offsets.
        offsets: Vec<i32>,
        /// The bytes.
        data: Vec<u8>,
    },
}

impl Decoded {
    /// The values at `rows` (within `0..len()`, checked by the caller), copied out.
    pub(crate) fn window(self, rows: std::ops::Range<usize>) -> Decoded {
        fn cut<T>(mut v: Vec<T>, rows: std::ops::Range<usize>) -> Vec<T> {
            v.truncate(rows.end);
            v.drain(..rows.start);
            v
        }
        match self {
            Decoded::I8(v) => Decoded::I8(cut(v, rows)),
            Decoded::I16(v) => Decoded::I16(cut(v, rows)),
            Decoded::I32(v) => Decoded::I32(cut(v, rows)),
            Decoded::I64(v) => Decoded::I64(cut(v, rows)),
            Decoded::U8(v) => Decoded::U8(cut(v, rows)),
            Decoded::U16(v) => Decoded::U16(cut(v, rows)),
            Decoded::U32(v) => Decoded::U32(cut(v, rows)),
            Decoded::U64(v) => Decoded::U64(cut(v, rows)),
            Decoded::F32(v) => Decoded::F32(cut(v, rows)),
            Decoded::F64(v) => Decoded::F64(cut(v, rows)),
            Decoded::Bool { bits, .. } => {
                let mut out = vec![0u8; rows.len().div_ceil(8)];
                for (i, r) in rows.clone().enumerate() {
                    if bits[r / 8] >> (r % 8) & 1 == 1 {
                        out[i / 8] |= 1 << (i % 8);
                    }
                }
                Decoded::Bool {
                    bits: out,
                    len: rows.len(),
                }
            }
            Decoded::Binary { offsets, data } => {
                let (lo, hi) = (offsets[rows.start], offsets[rows.end]);
                Decoded::Binary {
                    offsets: offsets[rows.start..=rows.end]
                        .iter()
                        .map(|o| o - lo)
                        .collect(),
                    data: data[lo as usize..hi as usize].to_vec(),
                }
            }
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.as_values().len()
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Borrow as [`Values`] (for re-encoding or comparison).
    pub fn as_values(&self) -> Values<'_> {
        match self {
            Decoded::I8(v) => Values::I8(v),
            Decoded::I16(v) => Values::I16(v),
            Decoded::I32(v) => Values::I32(v),
            Decoded::I64(v) => Values::I64(v),
            Decoded::U8(v) => Values::U8(v),
            Decoded::U16(v) => Values::U16(v),
            Decoded::U32(v) => Values::U32(v),
            Decoded::U64(v) => Values::U64(v),
            Decoded::F32(v) => Values::F32(v),
            Decoded::F64(v) => Values::F64(v),
            Decoded::Bool { bits, len } => Values::Bool { bits, len: *len },
            Decoded::Binary { offsets, data } => Values::Binary { offsets, data },
        }
    }
}
