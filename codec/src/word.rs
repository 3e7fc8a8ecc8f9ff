//! The unsigned machine words every fixed-width encoding works on. A column of `i64` or `f64`
//! is viewed (without a copy) as `u64` words; signedness only matters when an encoder orders
//! values, so it travels as a flag and decoders never need it. This file owns the word trait and
//! the bounded allocation of decoded buffers; it must not know any encoding.

use crate::{Error, Result};
use std::fmt::Debug;
use std::hash::Hash;

/// An unsigned word: `u8`, `u16`, `u32` or `u64`.
pub(crate) trait Word:
    crate::bitpack::Packable
    + crate::scratch::Pooled
    + bytemuck::Pod
    + Copy
    + Default
    + Eq
    + Ord
    + Hash
    + Debug
    + Send
    + Sync
    + 'static
{
    /// Bits in the word.
    const BITS: u32;
    /// Bytes in the word.
    const BYTES: usize;
    /// Zero.
    const ZERO: Self;
    /// All bits set.
    const MAX: Self;
    /// The top bit, which flips signed order into unsigned order.
    const SIGN: Self;

    fn wadd(self, o: Self) -> Self;
    fn wsub(self, o: Self) -> Self;
    fn wmul(self, o: Self) -> Self;
    fn shl(self, n: u32) -> Self;
    fn shr(self, n: u32) -> Self;
    fn xor(self, o: Self) -> Self;
    fn and(self, o: Self) -> Self;
    fn or(self, o: Self) -> Self;
    /// `self < o` with both read as two's-complement signed words: the one ordered compare
    /// x86 vectors have for 64-bit lanes.
    fn signed_lt(self, o: Self) -> bool;
    /// Unsigned division; `o` must not be zero.
    fn div(self, o: Self) -> Self;
    fn to_u64(self) -> u64;
    /// Truncating conversion.
    fn from_u64(v: u64) -> Self;
    /// Bits needed to write `self` (0 for zero).
    fn bits(self) -> u32;
    fn read_le(bytes: &[u8]) -> Self;
    fn write_le(self, out: &mut Vec<u8>);

    /// A key whose unsigned order is the value's order (signed or not).
    #[inline]
    fn order_key(self, signed: bool) -> Self {
        if signed { self.xor(Self::SIGN) } else { self }
    }

    /// A key whose *signed* order ([`Word::signed_lt`]) is the value's order: `order_key ^ SIGN`,
    /// so the value itself when signed. Its own inverse. x86 vectors compare 64-bit lanes only
    /// as signed, so minima and maxima over these keys take one compare a vector, where
    /// unsigned keys flip both sides of every compare.
    #[inline]
    fn signed_key(self, signed: bool) -> Self {
        if signed { self } else { self.xor(Self::SIGN) }
    }

    /// `(a - b)` interpreted as a signed difference, zig-zagged so small magnitudes stay small.
    #[inline]
    fn zigzag(self) -> Self {
        let neg = self.shr(Self::BITS - 1);
        self.shl(1).xor(Self::ZERO.wsub(neg))
    }

    #[inline]
    fn unzigzag(self) -> Self {
        self.shr(1)
            .xor(Self::ZERO.wsub(self.and(Self::from_u64(1))))
    }
}

macro_rules! word {
    ($t:ty, $s:ty, $name:literal) => {
        impl Word for $t {
            const BITS: u32 = <$t>::BITS;
            const BYTES: usize = std::mem::size_of::<$t>();
            const ZERO: Self = 0;
            const MAX: Self = <$t>::MAX;
            const SIGN: Self = 1 << (<$t>::BITS - 1);
            #[inline(always)]
            fn wadd(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn wsub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn wmul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            #[inline(always)]
            fn shl(self, n: u32) -> Self {
                self.wrapping_shl(n)
            }
            #[inline(always)]
            fn shr(self, n: u32) -> Self {
                self.wrapping_shr(n)
            }
            #[inline(always)]
            fn xor(self, o: Self) -> Self {
                self ^ o
            }
            #[inline(always)]
            fn and(self, o: Self) -> Self {
                self & o
            }
            #[inline(always)]
            fn or(self, o: Self) -> Self {
                self | o
            }
            #[inline(always)]
            fn signed_lt(self, o: Self) -> bool {
                (self as $s) < (o as $s)
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                self.checked_div(o).unwrap_or(0)
            }
            #[inline(always)]
            fn to_u64(self) -> u64 {
                self as u64
            }
            #[inline(always)]
            fn from_u64(v: u64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn bits(self) -> u32 {
                <$t>::BITS - self.leading_zeros()
            }
            #[inline(always)]
            fn read_le(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(&bytes[..std::mem::size_of::<$t>()]);
                <$t>::from_le_bytes(b)
            }
            #[inline(always)]
            fn write_le(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    };
}
word!(u8, i8, "u8");
word!(u16, i16, "u16");
word!(u32, i32, "u32");
word!(u64, i64, "u64");

/// How many of `flags` are true, counted in lanes of the word `W`'s own width: where the flags
/// come from compares of `W` words, each compare's mask adds straight into its lane, with no
/// widening to a wider counter first (summing into `u32` lanes cost unpacks on every vector).
/// Bytes are summed in stretches of 255 so that no lane overflows; wider words cannot overflow
/// within the stretches used here.
#[inline(always)]
pub(crate) fn count_in_lanes<W: Word>(flags: impl Iterator<Item = bool>) -> u64 {
    flags
        .fold(W::ZERO, |n, f| n.wadd(W::from_u64(u64::from(f))))
        .to_u64()
}

/// Longest stretch of flags one [`count_in_lanes`] call may count for words `W`.
pub(crate) const fn lane_count_stretch<W: Word>() -> usize {
    if W::BITS == 8 { 255 } else { 1 << 15 }
}

/// A zeroed buffer of `len` words, or an error instead of an abort when `len` is absurd.
pub(crate) fn zeroed<W: Word>(len: usize, offset: usize) -> Result<Vec<W>> {
    let mut v = reserved(len, offset)?;
    v.resize(len, W::ZERO);
    Ok(v)
}

/// An empty buffer with room for exactly `len` words, or an error instead of an abort when
/// `len` is absurd (a corrupt count); `offset` locates the count for that error.
pub(crate) fn reserved<W: Word>(len: usize, offset: usize) -> Result<Vec<W>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        Error::corrupt(
            offset,
            format!("cannot allocate {len} values of {} bits", W::BITS),
        )
    })?;
    Ok(v)
}

/// Appends words as little-endian bytes.
pub(crate) fn put_words<W: Word>(values: &[W], out: &mut Vec<u8>) {
    if cfg!(target_endian = "little") {
        out.extend_from_slice(bytemuck::cast_slice(values));
    } else {
        out.reserve(std::mem::size_of_val(values));
        values.iter().for_each(|v| v.write_le(out));
    }
}

/// Reads `bytes.len() / W::BYTES` little-endian words into `out` (which must be that long).
pub(crate) fn get_words<W: Word>(bytes: &[u8], out: &mut [W]) {
    let n = out.len() * W::BYTES;
    bytemuck::cast_slice_mut::<W, u8>(out).copy_from_slice(&bytes[..n]);
    if cfg!(target_endian = "big") {
        for (v, b) in out.iter_mut().zip(bytes.chunks_exact(W::BYTES)) {
            *v = W::read_le(b);
        }
    }
}
