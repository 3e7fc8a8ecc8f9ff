//! AVX2 builds of the portable ALP decode and encode split: the very same loops from the parent
//! module compiled with AVX2 enabled, so the conversions, multiplications and divisions run four
//! lanes wide (the division, which decimal prices need for exactness, is what bounds both). Run
//! only when [`crate::simd::avx2`] confirmed the CPU has AVX2. IEEE arithmetic gives the same
//! bits at any vector width; the parent's tests compare these builds with the plain formulas.

#![allow(unsafe_code)]

macro_rules! avx2 {
    ($m:ident, $u:ty) => {
        /// Runs the AVX2 build and returns true, or returns false when AVX2 is not in use.
        #[inline]
        pub(super) fn $m(words: &mut [$u], e: u8, f: u8, div: bool) -> bool {
            #[target_feature(enable = "avx2")]
            fn inner(words: &mut [$u], e: u8, f: u8, div: bool) {
                super::$m::decode_portable(words, e, f, div)
            }
            if !crate::simd::avx2() {
                return false;
            }
            // SAFETY: `inner` only requires AVX2, which `simd::avx2` detected on this CPU at run
            // time (`is_x86_feature_detected!`) before returning true.
            unsafe { inner(words, e, f, div) };
            true
        }
    };
}

avx2!(f64s, u64);
avx2!(f32s, u32);

/// The encode split, by float type.
pub(super) mod split {
    macro_rules! avx2 {
        ($m:ident, $f:ty, $u:ty) => {
            /// The AVX2 build's split, or `None` when AVX2 is not in use.
            #[inline]
            pub(in super::super) fn $m(
                values: &[$f],
                e: u8,
                f: u8,
                div: bool,
                ints: &mut [$u],
            ) -> Option<(Vec<u32>, Vec<$u>)> {
                #[target_feature(enable = "avx2")]
                fn inner(
                    values: &[$f],
                    e: u8,
                    f: u8,
                    div: bool,
                    ints: &mut [$u],
                ) -> (Vec<u32>, Vec<$u>) {
                    super::super::$m::split_portable(values, e, f, div, ints)
                }
                if !crate::simd::avx2() {
                    return None;
                }
                // SAFETY: `inner` only requires AVX2, which `simd::avx2` detected on this CPU at
                // run time (`is_x86_feature_detected!`) before returning true.
                Some(unsafe { inner(values, e, f, div, ints) })
            }
        };
    }

    avx2!(f64s, f64, u64);
    avx2!(f32s, f32, u32);
}
