//! The one runtime choice between the portable kernels and an instruction-set leaf module.
//!
//! Every kernel is plain Rust that auto-vectorises at the target's baseline (SSE2 on x86_64,
//! NEON on aarch64). On x86_64 the same kernels are also compiled a second time with AVX2 and
//! LZCNT enabled (the `x86` leaf modules), and used when the CPU has both. The choice is made
//! once, on first use: `FLOE_CODEC_SIMD=scalar` in the environment, or [`force_scalar`], keeps the
//! portable path, so it is tested and measurable on any machine. This module owns only that choice; it must not
//! contain kernels.

use std::sync::atomic::{AtomicU8, Ordering};

/// Which kernels run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Level {
    /// The portable kernels, compiled for the target's baseline.
    Scalar,
    /// The same kernels compiled with AVX2 and LZCNT (x86_64 only).
    Avx2,
}

const UNKNOWN: u8 = 0;
const SCALAR: u8 = 1;
const AVX2: u8 = 2;

static LEVEL: AtomicU8 = AtomicU8::new(UNKNOWN);

fn detect() -> u8 {
    let forced = std::env::var("FLOE_CODEC_SIMD").is_ok_and(|v| v.eq_ignore_ascii_case("scalar"));
    #[cfg(target_arch = "x86_64")]
    {
        if !forced
            && std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("lzcnt")
        {
            return AVX2;
        }
    }
    let _ = forced;
    SCALAR
}

#[inline]
fn load() -> u8 {
    match LEVEL.load(Ordering::Relaxed) {
        UNKNOWN => {
            let l = detect();
            LEVEL.store(l, Ordering::Relaxed);
            l
        }
        l => l,
    }
}

/// The kernels in use (detected on first call).
pub fn level() -> Level {
    match load() {
        AVX2 => Level::Avx2,
        _ => Level::Scalar,
    }
}

/// Keeps the portable kernels from now on (`true`), or returns to the detected best (`false`).
/// Output is bit-identical either way; this exists for tests and benches.
pub fn force_scalar(scalar: bool) {
    LEVEL.store(if scalar { SCALAR } else { detect() }, Ordering::Relaxed);
}

/// True when the AVX2 leaf may run: detected at run time and not forced off.
#[inline]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) fn avx2() -> bool {
    load() == AVX2
}
