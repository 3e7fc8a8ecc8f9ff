//! The AVX2 build of [`super::count_runs`]: the same portable loop compiled with AVX2, whose
//! 64-bit compares vectorise (SSE2 has none), run only when [`crate::simd::avx2`] confirmed the
//! CPU has it. It owns no logic of its own; the differential test compares it with the portable
//! path.

#![allow(unsafe_code)]

use crate::word::Word;

/// Runs the AVX2 build, or returns `None` when AVX2 is not in use.
#[inline]
pub(super) fn count_runs<W: Word>(values: &[W]) -> Option<usize> {
    #[target_feature(enable = "avx2")]
    fn inner<W: Word>(values: &[W]) -> usize {
        super::count_runs_portable(values)
    }
    if !crate::simd::avx2() {
        return None;
    }
    // SAFETY: `inner` only requires AVX2, which `simd::avx2` detected on this CPU at run time
    // (`is_x86_feature_detected!`) before returning true.
    Some(unsafe { inner(values) })
}
