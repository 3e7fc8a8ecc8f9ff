//! Per-thread reusable buffers for the intermediate streams of encoders (the deltas of a delta
//! encoding, the run values and lengths of a run-end one, the integers of an ALP split), which a
//! cascade hands to a child encoder and then drops.
//!
//! A fresh buffer of a chunk's length (a megabyte for 131,072 u64s) is new memory on every call:
//! the kernel faults its pages in and zeroes them, which measured as a large share of encode
//! time. A buffer kept by the thread that used it keeps its pages.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Buffers kept per thread and word type: two of one type are in use at once where a child of a
/// run-end encoding is delta encoded.
const KEPT: usize = 2;

/// Largest buffer kept, in bytes (524,288 u64s); a bigger one is freed after use, so that one
/// huge chunk does not pin its memory in every thread. At most 4 word types × [`KEPT`] × this
/// stay with a thread.
const MAX_KEPT_BYTES: usize = 4 << 20;

/// A word type with its own per-thread pool.
pub(crate) trait Pooled: Copy + Default + 'static {
    fn pool() -> &'static LocalKey<RefCell<Vec<Vec<Self>>>>;
}

macro_rules! pooled {
    ($($t:ty),*) => {$(
        impl Pooled for $t {
            fn pool() -> &'static LocalKey<RefCell<Vec<Vec<Self>>>> {
                thread_local! {
                    static POOL: RefCell<Vec<Vec<$t>>> = const { RefCell::new(Vec::new()) };
                }
                &POOL
            }
        }
    )*};
}

pooled!(u8, u16, u32, u64);

/// Runs `f` on a buffer of `len` values taken from this thread's pool (or new). The values'
/// contents are unspecified, left from an earlier use or zero: `f` must write every value it
/// reads. The buffer goes back to the pool afterwards.
pub(crate) fn with<W: Pooled, R>(len: usize, f: impl FnOnce(&mut [W]) -> R) -> R {
    let mut buf = W::pool().with(|p| p.borrow_mut().pop()).unwrap_or_default();
    // Only a longer buffer than before touches (and zeroes) memory.
    buf.resize(len, W::default());
    let result = f(&mut buf);
    if buf.capacity() * size_of::<W>() <= MAX_KEPT_BYTES {
        W::pool().with(|p| {
            let mut p = p.borrow_mut();
            if p.len() < KEPT {
                p.push(buf);
            }
        });
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_has_the_length_asked_and_nests() {
        let lens = with::<u64, _>(1000, |outer| {
            outer.fill(7);
            let inner = with::<u64, _>(10, |inner| {
                inner.fill(1);
                inner.len()
            });
            (outer.len(), inner, outer.iter().all(|&v| v == 7))
        });
        assert_eq!(lens, (1000, 10, true));
        // Reused, and cut to the length asked.
        assert_eq!(with::<u64, _>(3, |b| b.len()), 3);
        assert_eq!(with::<u64, _>(2000, |b| b.len()), 2000);
    }

    #[test]
    fn huge_buffers_are_not_kept() {
        let n = MAX_KEPT_BYTES / size_of::<u32>() + 1;
        with::<u32, _>(n, |b| b.fill(1));
        let kept = u32::pool().with(|p| p.borrow().iter().map(Vec::capacity).max());
        assert!(kept.is_none_or(|c| c * size_of::<u32>() <= MAX_KEPT_BYTES));
    }
}
