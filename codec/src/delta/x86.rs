//! AVX2 for deltas, run only when [`crate::simd::avx2`] confirmed the CPU has AVX2; the
//! parent's tests compare both with the portable loops.
//!
//! - The encode's difference pass: the parent's own loop built with AVX2, so the 64-bit compare
//!   that notes a step down vectorises.
//! - Running sums of 64-bit deltas, four lanes at a time. A plain loop adds one value per step,
//!   each add waiting for the one before; here each group of four is summed inside its register
//!   (two shifted adds), the group's total is broadcast from that, and only one vector add per
//!   group waits for the running value. Zig-zag decoding happens in the same registers.

#![allow(unsafe_code)]

use crate::cascade::Kind;
use crate::word::Word;
use std::arch::x86_64::{
    __m256i, _mm256_add_epi64, _mm256_and_si256, _mm256_blend_epi32, _mm256_permute4x64_epi64,
    _mm256_set1_epi64x, _mm256_setzero_si256, _mm256_slli_si256, _mm256_srli_epi64,
    _mm256_sub_epi64, _mm256_xor_si256,
};

/// The AVX2 build of [`super::forward_portable`], or `None` when AVX2 is not in use.
#[inline]
pub(super) fn forward<W: Word>(values: &[W], kind: Kind, d: &mut [W]) -> Option<u8> {
    #[target_feature(enable = "avx2")]
    fn inner<W: Word>(values: &[W], kind: Kind, d: &mut [W]) -> u8 {
        super::forward_portable(values, kind, d)
    }
    if !crate::simd::avx2() {
        return None;
    }
    // SAFETY: `inner` only requires AVX2, which `simd::avx2` detected on this CPU at run time
    // (`is_x86_feature_detected!`) before returning true.
    Some(unsafe { inner(values, kind, d) })
}

/// The running sums of `out` from `acc` in place (zig-zag decoded first when `zigzag`), and the
/// last sum; `None` when AVX2 is not in use.
#[inline]
pub(super) fn running_sums_u64(out: &mut [u64], acc: u64, zigzag: bool) -> Option<u64> {
    if !crate::simd::avx2() {
        return None;
    }
    // SAFETY: `sums` only requires AVX2, which `simd::avx2` detected on this CPU at run time
    // (`is_x86_feature_detected!`) before returning true.
    Some(unsafe { sums(out, acc, zigzag) })
}

#[target_feature(enable = "avx2")]
fn sums(out: &mut [u64], acc: u64, zigzag: bool) -> u64 {
    let zero = _mm256_setzero_si256();
    let one = _mm256_set1_epi64x(1);
    let mut running = _mm256_set1_epi64x(acc as i64);
    let mut groups = out.chunks_exact_mut(4);
    for g in &mut groups {
        let lanes: [u64; 4] = [g[0], g[1], g[2], g[3]];
        let mut x: __m256i = bytemuck::cast(lanes);
        if zigzag {
            // (x >> 1) ^ -(x & 1)
            let sign = _mm256_sub_epi64(zero, _mm256_and_si256(x, one));
            x = _mm256_xor_si256(_mm256_srli_epi64::<1>(x), sign);
        }
        // [a, b, c, d] -> [a, a+b, c, c+d] (a byte shift inside each 128-bit half) ->
        // [a, a+b, a+b+c, a+b+c+d] (lane 1 added to lanes 2 and 3).
        x = _mm256_add_epi64(x, _mm256_slli_si256::<8>(x));
        let low_total = _mm256_permute4x64_epi64::<0b01_01_01_01>(x);
        x = _mm256_add_epi64(x, _mm256_blend_epi32::<0b1111_0000>(zero, low_total));
        let total = _mm256_permute4x64_epi64::<0b11_11_11_11>(x);
        let sums: [u64; 4] = bytemuck::cast(_mm256_add_epi64(x, running));
        g.copy_from_slice(&sums);
        running = _mm256_add_epi64(running, total);
    }
    let lanes: [u64; 4] = bytemuck::cast(running);
    let mut acc = lanes[0];
    for x in groups.into_remainder() {
        let d = if zigzag {
            (*x >> 1) ^ (*x & 1).wrapping_neg()
        } else {
            *x
        };
        acc = acc.wrapping_add(d);
        *x = acc;
    }
    acc
}
