//! Bit-packing kernels over 1024-value blocks in the FastLanes lane-interleaved layout.
//!
//! A block of 1024 `T`s is seen as `BITS` rows of `LANES = 1024 / BITS` lanes (value `i` sits in
//! row `i / LANES`, lane `i % LANES`). Packing at width `W` writes each lane's rows as one
//! contiguous bit stream, so packed word `k` of every lane is row `k` of the output, and every
//! step is the same shift-and-mask applied to a whole row: plain loops that LLVM turns into SIMD
//! on any target. The width is a const generic, chosen once per block by a `match`, so shifts
//! and word indices are constants in each monomorphised kernel.
//!
//! This module owns only the kernels: choosing widths, bases and patches belongs to `frame`.
//! It never panics on any width: widths above `BITS` pack nothing and unpack to `base`.
//! The kernels are public so benches and other crates can measure or reuse them.
//!
//! On x86_64 the same kernels are also compiled with AVX2 in the leaf module `x86`, used when
//! [`crate::simd::level`] allows; `pack_portable`/`unpack_portable` always run the baseline build.

use crate::word::Word;

#[cfg(target_arch = "x86_64")]
mod x86;

/// Values per block.
pub const BLOCK: usize = 1024;

/// Word types that have packing kernels: `u8`, `u16`, `u32`, `u64`.
pub trait Packable: Sized {
    /// Packs the low `width` bits of each value of `input` into the first `width` rows of `out`.
    fn pack(width: u32, input: &[Self; BLOCK], out: &mut [Self; BLOCK]);
    /// Unpacks the first `width` rows of `packed` into `out`, adding `base` to every value.
    fn unpack(width: u32, packed: &[Self; BLOCK], out: &mut [Self; BLOCK], base: Self);
    /// [`Packable::pack`] on the portable path, whatever [`crate::simd::level`] says.
    fn pack_portable(width: u32, input: &[Self; BLOCK], out: &mut [Self; BLOCK]);
    /// [`Packable::unpack`] on the portable path, whatever [`crate::simd::level`] says.
    fn unpack_portable(width: u32, packed: &[Self; BLOCK], out: &mut [Self; BLOCK], base: Self);
}

#[inline(always)]
fn mask<T: Word, const W: usize>() -> T {
    if W as u32 >= T::BITS {
        T::MAX
    } else {
        T::from_u64((1u64 << W) - 1)
    }
}

// Rows are indexed by computed word positions; index loops keep the kernels readable.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn pack_w<T: Word, const L: usize, const R: usize, const W: usize>(
    input: &[[T; L]; R],
    out: &mut [[T; L]; R],
) {
    if W == 0 || W > R {
        return;
    }
    let mask = mask::<T, W>();
    for r in 0..R {
        let start = r * W;
        let (k, s) = (start / R, (start % R) as u32);
        let row = &input[r];
        let dst = &mut out[k];
        if s == 0 {
            for l in 0..L {
                dst[l] = row[l].and(mask);
            }
        } else {
            for l in 0..L {
                dst[l] = dst[l].or(row[l].and(mask).shl(s));
            }
        }
        if s as usize + W > R {
            let dst = &mut out[k + 1];
            for l in 0..L {
                dst[l] = row[l].and(mask).shr(R as u32 - s);
            }
        }
    }
}

#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn unpack_w<T: Word, const L: usize, const R: usize, const W: usize>(
    packed: &[[T; L]; R],
    out: &mut [[T; L]; R],
    base: T,
) {
    if W == 0 || W > R {
        for row in out.iter_mut() {
            *row = [base; L];
        }
        return;
    }
    let mask = mask::<T, W>();
    for r in 0..R {
        let start = r * W;
        let (k, s) = (start / R, (start % R) as u32);
        let src = &packed[k];
        let dst = &mut out[r];
        if s as usize + W > R {
            let src2 = &packed[k + 1];
            for l in 0..L {
                dst[l] = src[l]
                    .shr(s)
                    .or(src2[l].shl(R as u32 - s))
                    .and(mask)
                    .wadd(base);
            }
        } else {
            for l in 0..L {
                dst[l] = src[l].shr(s).and(mask).wadd(base);
            }
        }
    }
}

macro_rules! kernels {
    ($t:ty, $lanes:literal, $pack:ident, $unpack:ident, [$($w:literal)*]) => {
        /// The portable packing kernel for this word type (width dispatched once).
        #[inline(always)]
        pub(crate) fn $pack(width: u32, input: &[$t; BLOCK], out: &mut [$t; BLOCK]) {
            const R: usize = <$t>::BITS as usize;
            let input: &[[$t; $lanes]; R] = bytemuck::cast_ref(input);
            let out: &mut [[$t; $lanes]; R] = bytemuck::cast_mut(out);
            match width {
                $($w => pack_w::<$t, $lanes, R, $w>(input, out),)*
                _ => {}
            }
        }

        /// The portable unpacking kernel for this word type (width dispatched once).
        #[inline(always)]
        pub(crate) fn $unpack(width: u32, packed: &[$t; BLOCK], out: &mut [$t; BLOCK], base: $t) {
            const R: usize = <$t>::BITS as usize;
            let packed: &[[$t; $lanes]; R] = bytemuck::cast_ref(packed);
            let out: &mut [[$t; $lanes]; R] = bytemuck::cast_mut(out);
            match width {
                $($w => unpack_w::<$t, $lanes, R, $w>(packed, out, base),)*
                _ => unpack_w::<$t, $lanes, R, 0>(packed, out, base),
            }
        }

        impl Packable for $t {
            fn pack(width: u32, input: &[$t; BLOCK], out: &mut [$t; BLOCK]) {
                #[cfg(target_arch = "x86_64")]
                if x86::$pack(width, input, out) {
                    return;
                }
                $pack(width, input, out)
            }

            fn unpack(width: u32, packed: &[$t; BLOCK], out: &mut [$t; BLOCK], base: $t) {
                #[cfg(target_arch = "x86_64")]
                if x86::$unpack(width, packed, out, base) {
                    return;
                }
                $unpack(width, packed, out, base)
            }

            fn pack_portable(width: u32, input: &[$t; BLOCK], out: &mut [$t; BLOCK]) {
                $pack(width, input, out)
            }

            fn unpack_portable(width: u32, packed: &[$t; BLOCK], out: &mut [$t; BLOCK], base: $t) {
                $unpack(width, packed, out, base)
            }
        }
    };
}

kernels!(u8, 128, pack_u8, unpack_u8, [0 1 2 3 4 5 6 7 8]);
kernels!(u16, 64, pack_u16, unpack_u16, [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16]);
kernels!(u32, 32, pack_u32, unpack_u32, [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32]);
kernels!(u64, 16, pack_u64, unpack_u64, [
    0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32
    33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64
]);

/// Rows of lanes (each `1024 / BITS` words) needed to hold the first `n` values packed at `width`.
#[inline]
pub(crate) fn packed_rows<W: Word>(n: usize, width: u32) -> usize {
    let lanes = BLOCK / W::BITS as usize;
    let rows = n.min(BLOCK).div_ceil(lanes);
    (rows * width.min(W::BITS) as usize).div_ceil(W::BITS as usize)
}

/// Words per row of a block.
#[inline]
pub(crate) fn lanes<W: Word>() -> usize {
    BLOCK / W::BITS as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic block with values spread over all of `width` bits.
    fn block<T: Word>(width: u32, seed: u64) -> [T; BLOCK] {
        let mut x = seed | 1;
        let mut out = [T::ZERO; BLOCK];
        for v in out.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let m = if width >= 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            *v = T::from_u64(x & m);
        }
        out
    }

    fn round_trip<T: Word>(width: u32) {
        let input = block::<T>(width, 0x9e37_79b9 + width as u64);
        let mut packed = [T::ZERO; BLOCK];
        T::pack(width, &input, &mut packed);
        assert!(
            packed[width as usize * lanes::<T>()..]
                .iter()
                .all(|&w| w == T::ZERO),
            "width {width} wrote past its rows"
        );
        let mut out = [T::ZERO; BLOCK];
        let base = T::from_u64(3);
        T::unpack(width, &packed, &mut out, base);
        for (i, (&a, &b)) in input.iter().zip(&out).enumerate() {
            assert_eq!(a.wadd(base), b, "width {width} value {i}");
        }
    }

    /// One round-trip test per (type, width), as fastlanes does.
    macro_rules! width_tests {
        ($t:ty, $($name:ident = $w:literal),* $(,)?) => {$(
            #[test]
            fn $name() { round_trip::<$t>($w); }
        )*};
    }
    width_tests!(
        u8,
        u8_w0 = 0,
        u8_w1 = 1,
        u8_w2 = 2,
        u8_w3 = 3,
        u8_w4 = 4,
        u8_w5 = 5,
        u8_w6 = 6,
        u8_w7 = 7,
        u8_w8 = 8
    );
    width_tests!(
        u16,
        u16_w0 = 0,
        u16_w1 = 1,
        u16_w3 = 3,
        u16_w5 = 5,
        u16_w7 = 7,
        u16_w8 = 8,
        u16_w9 = 9,
        u16_w10 = 10,
        u16_w11 = 11,
        u16_w12 = 12,
        u16_w13 = 13,
        u16_w14 = 14,
        u16_w15 = 15,
        u16_w16 = 16,
        u16_w2 = 2,
        u16_w4 = 4,
        u16_w6 = 6
    );
    width_tests!(
        u32,
        u32_w0 = 0,
        u32_w1 = 1,
        u32_w2 = 2,
        u32_w3 = 3,
        u32_w4 = 4,
        u32_w5 = 5,
        u32_w6 = 6,
        u32_w7 = 7,
        u32_w8 = 8,
        u32_w9 = 9,
        u32_w10 = 10,
        u32_w11 = 11,
        u32_w12 = 12,
        u32_w13 = 13,
        u32_w14 = 14,
        u32_w15 = 15,
        u32_w16 = 16,
        u32_w17 = 17,
        u32_w18 = 18,
        u32_w19 = 19,
        u32_w20 = 20,
        u32_w21 = 21,
        u32_w22 = 22,
        u32_w23 = 23,
        u32_w24 = 24,
        u32_w25 = 25,
        u32_w26 = 26,
        u32_w27 = 27,
        u32_w28 = 28,
        u32_w29 = 29,
        u32_w30 = 30,
        u32_w31 = 31,
        u32_w32 = 32
    );
    width_tests!(
        u64,
        u64_w0 = 0,
        u64_w1 = 1,
        u64_w2 = 2,
        u64_w3 = 3,
        u64_w4 = 4,
        u64_w5 = 5,
        u64_w6 = 6,
        u64_w7 = 7,
        u64_w8 = 8,
        u64_w9 = 9,
        u64_w10 = 10,
        u64_w11 = 11,
        u64_w12 = 12,
        u64_w13 = 13,
        u64_w14 = 14,
        u64_w15 = 15,
        u64_w16 = 16,
        u64_w17 = 17,
        u64_w18 = 18,
        u64_w19 = 19,
        u64_w20 = 20,
        u64_w21 = 21,
        u64_w22 = 22,
        u64_w23 = 23,
        u64_w24 = 24,
        u64_w25 = 25,
        u64_w26 = 26,
        u64_w27 = 27,
        u64_w28 = 28,
        u64_w29 = 29,
        u64_w30 = 30,
        u64_w31 = 31,
        u64_w32 = 32,
        u64_w33 = 33,
        u64_w34 = 34,
        u64_w35 = 35,
        u64_w36 = 36,
        u64_w37 = 37,
        u64_w38 = 38,
        u64_w39 = 39,
        u64_w40 = 40,
        u64_w41 = 41,
        u64_w42 = 42,
        u64_w43 = 43,
        u64_w44 = 44,
        u64_w45 = 45,
        u64_w46 = 46,
        u64_w47 = 47,
        u64_w48 = 48,
        u64_w49 = 49,
        u64_w50 = 50,
        u64_w51 = 51,
        u64_w52 = 52,
        u64_w53 = 53,
        u64_w54 = 54,
        u64_w55 = 55,
        u64_w56 = 56,
        u64_w57 = 57,
        u64_w58 = 58,
        u64_w59 = 59,
        u64_w60 = 60,
        u64_w61 = 61,
        u64_w62 = 62,
        u64_w63 = 63,
        u64_w64 = 64
    );

    #[test]
    fn widths_past_the_word_unpack_to_base() {
        let packed = [7u8; BLOCK];
        let mut out = [0u8; BLOCK];
        u8::unpack(9, &packed, &mut out, 5);
        assert!(out.iter().all(|&v| v == 5));
    }

    /// The kernels in use (AVX2 where the CPU has it) give the very bytes the portable build
    /// gives, for every type and width.
    fn same_as_portable<T: Word>() {
        for width in 0..=T::BITS {
            let input = block::<T>(width, 0x5851_f42d + width as u64);
            let (mut fast, mut portable) = ([T::ZERO; BLOCK], [T::ZERO; BLOCK]);
            T::pack(width, &input, &mut fast);
            T::pack_portable(width, &input, &mut portable);
            assert_eq!(fast, portable, "pack width {width}");
            let base = T::from_u64(0x0123_4567_89ab_cdef);
            let (mut a, mut b) = ([T::ZERO; BLOCK], [T::ZERO; BLOCK]);
            T::unpack(width, &fast, &mut a, base);
            T::unpack_portable(width, &fast, &mut b, base);
            assert_eq!(a, b, "unpack width {width}");
        }
    }

    #[test]
    fn dispatched_kernels_match_the_portable_build() {
        same_as_portable::<u8>();
        same_as_portable::<u16>();
        same_as_portable::<u32>();
        same_as_portable::<u64>();
    }
}
