//! The AVX2 build of [`super::prepare_block`]: the very same portable kernel compiled with AVX2
//! and LZCNT enabled (so the bit-length histogram costs one `lzcnt` per value instead of a `bsr`
//! and a zero test), run only when [`crate::simd::avx2`] confirmed the CPU has both. It owns no
//! logic of its own; the differential tests compare it against the portable path.

#![allow(unsafe_code)]

use super::Prep;
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
