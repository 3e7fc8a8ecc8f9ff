//! The AVX2 builds of [`super::prepare_block`] and of the cascade's size [`super::estimate`]: the
//! very same portable kernels compiled with AVX2 and LZCNT enabled (so the block minimum, the
//! subtraction of the base and the counts of values wider than a width run four 64-bit lanes at
//! a time, and a bit length is one `lzcnt`), run only when [`crate::simd::avx2`] confirmed the CPU
//! has both.
//! They own no logic of their own; the differential tests compare them against the portable path.

#![allow(unsafe_code)]

use super::Prep;
use crate::cascade::Kind;
use crate::word::Word;

/// Runs the AVX2 build, or returns `None` when AVX2 is not in use.
#[inline]
pub(super) fn prepare_block<W: Word>(block: &[W], prep: &mut Prep<W>) -> Option<(W, u32)> {
    #[target_feature(enable = "avx2,lzcnt")]
    fn inner<W: Word>(block: &[W], prep: &mut Prep<W>) -> (W, u32) {
        super::prepare_block(block, prep)
    }
    if !crate::simd::avx2() {
        return None;
    }
    // SAFETY: `inner` only requires AVX2 and LZCNT, which `simd::avx2` detected on this CPU at
    // run time (`is_x86_feature_detected!`) before returning true.
    Some(unsafe { inner(block, prep) })
}

/// Runs the AVX2 build of the estimate, or returns `None` when AVX2 is not in use.
#[inline]
pub(super) fn estimate<W: Word>(values: &[W], kind: Kind, patches: bool) -> Option<f64> {
    #[target_feature(enable = "avx2,lzcnt")]
    fn inner<W: Word>(values: &[W], kind: Kind, patches: bool) -> f64 {
        super::estimate_portable(values, kind, patches)
    }
    if !crate::simd::avx2() {
        return None;
    }
    // SAFETY: `inner` only requires AVX2 and LZCNT, which `simd::avx2` detected on this CPU at
    // run time (`is_x86_feature_detected!`) before returning true.
    Some(unsafe { inner(values, kind, patches) })
}
