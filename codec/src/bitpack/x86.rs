//! AVX2 builds of the portable bit-packing kernels: each function here compiles the very same
//! kernel from the parent module with AVX2 enabled (so 256-bit vectors), and runs it only when
//! [`crate::simd::avx2`] confirmed the CPU has AVX2. This is the crate's only `unsafe`: calling a
//! `#[target_feature]` function. It owns no logic of its own; the parent's tests and the
//! differential tests compare it against the portable path.

#![allow(unsafe_code)]

use super::BLOCK;

macro_rules! avx2 {
    ($name:ident, pack, $t:ty) => {
        /// Runs the AVX2 build and returns true, or returns false when AVX2 is not in use.
        #[inline]
        pub(super) fn $name(width: u32, input: &[$t; BLOCK], out: &mut [$t; BLOCK]) -> bool {
            #[target_feature(enable = "avx2")]
            fn inner(width: u32, input: &[$t; BLOCK], out: &mut [$t; BLOCK]) {
                super::$name(width, input, out)
            }
            if !crate::simd::avx2() {
                return false;
            }
            // SAFETY: `inner` only requires AVX2, which `simd::avx2` detected on this CPU at run
            // time (`is_x86_feature_detected!`) before returning true.
            unsafe { inner(width, input, out) };
            true
        }
    };
    ($name:ident, unpack, $t:ty) => {
        /// Runs the AVX2 build and returns true, or returns false when AVX2 is not in use.
        #[inline]
        pub(super) fn $name(
            width: u32,
            packed: &[$t; BLOCK],
            out: &mut [$t; BLOCK],
            base: $t,
        ) -> bool {
            #[target_feature(enable = "avx2")]
            fn inner(width: u32, packed: &[$t; BLOCK], out: &mut [$t; BLOCK], base: $t) {
                super::$name(width, packed, out, base)
            }
            if !crate::simd::avx2() {
                return false;
            }
            // SAFETY: `inner` only requires AVX2, which `simd::avx2` detected on this CPU at run
            // time (`is_x86_feature_detected!`) before returning true.
            unsafe { inner(width, packed, out, base) };
            true
        }
    };
}

avx2!(pack_u8, pack, u8);
avx2!(pack_u16, pack, u16);
avx2!(pack_u32, pack, u32);
avx2!(pack_u64, pack, u64);
avx2!(unpack_u8, unpack, u8);
avx2!(unpack_u16, unpack, u16);
avx2!(unpack_u32, unpack, u32);
avx2!(unpack_u64, unpack, u64);
