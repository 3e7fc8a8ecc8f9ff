//! Non-temporal stores for big decode outputs, run only when [`crate::simd::avx2`] confirmed the
//! CPU has AVX2; the parent's tests compare the result with the plain append.
//!
//! A column decoded into a fresh multi-megabyte buffer is written once and not read again until
//! the caller gets to it, long after it has left the cache. Ordinary stores first read every line
//! they write (read for ownership), so they move each byte across the memory bus twice; streaming
//! stores write whole lines without reading them. The stores are weakly ordered: the parent issues
//! [`fence`] before the buffer is handed on.

#![allow(unsafe_code)]

use crate::word::Word;
use std::arch::x86_64::{__m256i, _mm_sfence, _mm256_loadu_si256, _mm256_stream_si256};

/// Appends `src` to `out` with streaming stores and returns true, or returns false (and leaves
/// `out` alone) when AVX2 is not in use.
///
/// # Panics
/// When `out` has no room for `src` without growing.
#[inline]
pub(super) fn append_streaming<W: Word>(out: &mut Vec<W>, src: &[W]) -> bool {
    if !crate::simd::avx2() {
        return false;
    }
    assert!(
        out.capacity() - out.len() >= src.len(),
        "append_streaming needs reserved room for {} values",
        src.len()
    );
    let bytes: &[u8] = bytemuck::cast_slice(src);
    let dst = out.spare_capacity_mut().as_mut_ptr().cast::<u8>();
    // SAFETY: `stream` requires AVX2, which `simd::avx2` detected at run time
    // (`is_x86_feature_detected!`) before returning true, and `dst` valid for `bytes.len()`
    // bytes: the spare capacity asserted above holds `src.len()` words of `W::BYTES` bytes and
    // does not overlap `src`, which `out` does not own.
    unsafe { stream(bytes, dst) };
    // SAFETY: the `src.len()` words after the old length were all written just above, and
    // the capacity holds them (asserted above). `W` is plain old data, so any bytes are a value.
    unsafe { out.set_len(out.len() + src.len()) };
    true
}

/// Orders every streaming store issued so far by this thread before its later stores, so that
/// whoever receives the buffer next (another thread included) sees its contents.
#[inline]
pub(super) fn fence() {
    // SAFETY: SFENCE is SSE, which every x86_64 CPU has.
    unsafe { _mm_sfence() };
}

/// Copies `src` to `dst`: the bytes up to `dst`'s first 32-byte boundary and past its last one
/// with ordinary stores, the 32-byte lines between with streaming stores.
///
/// # Safety
/// The CPU must have AVX2, and `dst` must be valid for writes of `src.len()` bytes and not
/// overlap `src`.
#[target_feature(enable = "avx2")]
unsafe fn stream(src: &[u8], dst: *mut u8) {
    let len = src.len();
    let head = dst.align_offset(32).min(len);
    let body = (len - head) / 32 * 32;
    let from = src.as_ptr();
    // SAFETY: `head <= len` bytes of both, valid and disjoint per this function's contract.
    unsafe { std::ptr::copy_nonoverlapping(from, dst, head) };
    let mut i = head;
    while i < head + body {
        // SAFETY: `i + 32 <= head + body <= len`, so the load and the store stay within `src`
        // and `dst`; `dst + i` is 32-byte aligned (`head` aligned it, and `i - head` is a
        // multiple of 32), which the streaming store requires.
        unsafe {
            let v = _mm256_loadu_si256(from.add(i).cast::<__m256i>());
            _mm256_stream_si256(dst.add(i).cast::<__m256i>(), v);
        }
        i += 32;
    }
    // SAFETY: the `len - i` bytes after `i` lie within both buffers.
    unsafe { std::ptr::copy_nonoverlapping(from.add(i), dst.add(i), len - i) };
}
