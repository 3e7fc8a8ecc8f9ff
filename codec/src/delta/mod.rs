//! Delta: each value minus the previous one, for timestamps and other sorted or slowly moving
//! integers. A non-decreasing stream keeps its deltas unsigned (no bit lost to a sign); any other
//! stream zig-zags them so that small steps either way stay small. The deltas are a child stream
//! chosen by the cascade (typically bit-packed with patches for the rare large gap).
//!
//! Layout after the tag: `u8 mode` (0 = unsigned deltas, 1 = zig-zag) · first value · child
//! deltas (`len` words, the first one zero). Decoding is one in-place prefix sum over the child.
//! This module owns that layout only.

#[cfg(target_arch = "x86_64")]
mod x86;

use crate::bitpack::BLOCK;
use crate::blocks::{Blocks, Source};
use crate::bytes::Reader;
use crate::cascade::{self, Kind};
use crate::encoding::open as open_child;
use crate::scratch;
use crate::word::Word;
use crate::{Error, Result};

const UNSIGNED: u8 = 0;
const ZIGZAG: u8 = 1;

/// [`forward_into`] into a new buffer: the tests' way in.
#[cfg(test)]
fn forward<W: Word>(values: &[W], kind: Kind) -> (Vec<W>, u8) {
    let mut d = vec![W::ZERO; values.len()];
    let mode = forward_into(values, kind, &mut d);
    (d, mode)
}

/// The delta stream of `values` into `d` (of `values.len()` words, every one overwritten);
/// returns its mode. One branch-free pass takes the differences and notes any step down (so it
/// vectorises); only a stream that steps down pays a second pass to zig-zag them.
pub(crate) fn forward_into<W: Word>(values: &[W], kind: Kind, d: &mut [W]) -> u8 {
    #[cfg(target_arch = "x86_64")]
    if let Some(mode) = x86::forward(values, kind, d) {
        return mode;
    }
    forward_portable(values, kind, d)
}

/// [`forward_into`] in plain Rust, for every target; the x86 leaf compiles this same body with
/// AVX2 (SSE2 has no 64-bit compare, so the baseline build tests for a step down one word at a
/// time).
#[inline(always)]
pub(crate) fn forward_portable<W: Word>(values: &[W], kind: Kind, d: &mut [W]) -> u8 {
    let signed = kind == Kind::Signed;
    let mut down = false;
    if let Some((first, rest)) = d.split_first_mut() {
        *first = W::ZERO;
        for ((o, &a), &b) in rest.iter_mut().zip(values).zip(&values[1..]) {
            *o = b.wsub(a);
            down |= b.order_key(signed) < a.order_key(signed);
        }
    }
    if down {
        d.iter_mut().for_each(|v| *v = v.zigzag());
    }
    if down { ZIGZAG } else { UNSIGNED }
}

/// Appends the payload; the deltas are encoded by the cascade at `depth + 1`.
pub(crate) fn encode<W: Word>(
    values: &[W],
    kind: Kind,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    // The deltas only live until the child has encoded them: a reused buffer.
    scratch::with(values.len(), |d: &mut [W]| {
        let mode = forward_into(values, kind, d);
        out.push(mode);
        values.first().copied().unwrap_or(W::ZERO).write_le(out);
        cascade::put_words_child(d, Kind::Unsigned, depth + 1, out)
    })
}

/// Replaces the deltas in `out` by running sums from `acc` (after undoing the zig-zag) and
/// returns the last: the AVX2 kernel for 64-bit words where it runs, else one add per value.
fn running_sums<W: Word>(out: &mut [W], acc: W, zigzag: bool) -> W {
    #[cfg(target_arch = "x86_64")]
    if W::BITS == 64
        && let Ok(words) = bytemuck::try_cast_slice_mut::<W, u64>(out)
        && let Some(last) = x86::running_sums_u64(words, bytemuck::cast(acc), zigzag)
    {
        return bytemuck::cast(last);
    }
    running_sums_portable(out, acc, zigzag)
}

/// [`running_sums`] in plain Rust, for every word and target.
fn running_sums_portable<W: Word>(out: &mut [W], acc: W, zigzag: bool) -> W {
    let mut acc = acc;
    if zigzag {
        out.iter_mut().for_each(|x| {
            acc = acc.wadd(x.unzigzag());
            *x = acc;
        });
    } else {
        out.iter_mut().for_each(|x| {
            acc = acc.wadd(*x);
            *x = acc;
        });
    }
    acc
}

/// Running sums over the child's deltas, one block at a time.
struct Sums<'a, W> {
    child: Box<dyn Blocks<W> + 'a>,
    acc: W,
    zigzag: bool,
}

impl<W: Word> Blocks<W> for Sums<'_, W> {
    fn fill(&mut self, out: &mut [W]) -> Result<()> {
        self.child.fill(out)?;
        self.acc = running_sums(out, self.acc, self.zigzag);
        Ok(())
    }

    /// A skipped block only moves the running value on by the block's total, a plain sum that
    /// vectorises, instead of the running sum of every value.
    fn skip(&mut self, n: usize) -> Result<()> {
        let mut deltas = [W::ZERO; BLOCK];
        let Some(block) = deltas.get_mut(..n) else {
            return Err(Error::corrupt(
                0,
                format!("skip of {n} values exceeds a block"),
            ));
        };
        self.child.fill(block)?;
        let total = if self.zigzag {
            block.iter().fold(W::ZERO, |s, x| s.wadd(x.unzigzag()))
        } else {
            block.iter().fold(W::ZERO, |s, &x| s.wadd(x))
        };
        self.acc = self.acc.wadd(total);
        Ok(())
    }
}

/// Opens `len` values as blocks.
pub(crate) fn open<W: Word>(
    payload: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<Source<'_, W>> {
    let mut r = Reader::new(payload, base);
    let at = r.offset();
    let mode = r.u8("delta mode")?;
    let first = r.word::<W>("delta first value")?;
    let (chunk, child_at) = r.child("deltas")?;
    r.finish("delta")?;
    let zigzag = match mode {
        UNSIGNED => false,
        ZIGZAG => true,
        m => return Err(Error::corrupt(at, format!("unknown delta mode {m}"))),
    };
    let child = open_child(chunk, len, child_at, depth + 1)?.into_blocks();
    Ok(Source::Blocks(Box::new(Sums {
        child,
        acc: first,
        zigzag,
    })))
}

#[cfg(test)]
mod tests {
    use super::{forward, forward_into, forward_portable, running_sums, running_sums_portable};
    use crate::cascade::Kind;
    use crate::word::Word;

    /// A reproducible stream of well-mixed words.
    fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// The difference pass into a fresh buffer, and into a reused one full of old values (the
    /// AVX2 build where it runs, and the portable one), all agree: every delta is overwritten.
    fn both_builds_agree<W: Word>(values: &[W], kind: Kind) {
        let fresh = forward(values, kind);
        let mut old = vec![W::from_u64(0xA5A5_A5A5_A5A5_A5A5); values.len()];
        let mode = forward_portable(values, kind, &mut old);
        assert_eq!((old.clone(), mode), fresh);
        old.fill(W::from_u64(u64::MAX));
        let mode = forward_into(values, kind, &mut old);
        assert_eq!((old, mode), fresh);
    }

    /// The difference pass (the AVX2 build where it runs) equals the portable one, for sorted,
    /// stepping-down and wrapping streams of every width, signed and unsigned.
    #[test]
    fn forward_matches_the_portable_loop() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for len in [0, 1, 2, 3, 4, 5, 17, 1024, 1027] {
            let noisy: Vec<u64> = (0..len).map(|_| next()).collect();
            let mut sorted = noisy.clone();
            sorted.sort_unstable();
            let mut around_zero: Vec<u64> = (0..len as u64).map(|i| i.wrapping_sub(3)).collect();
            around_zero
                .iter_mut()
                .for_each(|v| *v = v.wrapping_mul(1 << 40));
            for values in [&noisy, &sorted, &around_zero] {
                for kind in [Kind::Signed, Kind::Unsigned] {
                    both_builds_agree(values, kind);
                    let narrow: Vec<u32> = values.iter().map(|&v| (v >> 32) as u32).collect();
                    both_builds_agree(&narrow, kind);
                    let bytes: Vec<u8> = values.iter().map(|&v| (v >> 56) as u8).collect();
                    both_builds_agree(&bytes, kind);
                }
            }
        }
    }

    /// The running sums (the AVX2 kernel where it runs) equal the one-add-per-value loop, for
    /// every length around the groups of four, both modes, and sums that wrap.
    #[test]
    fn running_sums_match_the_portable_loop() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for len in (0..=20).chain([1023, 1024, 1025]) {
            for zigzag in [false, true] {
                for scale in [u64::MAX, 0xffff, 3] {
                    let deltas: Vec<u64> = (0..len).map(|_| next() & scale).collect();
                    let acc = next();
                    let (mut fast, mut plain) = (deltas.clone(), deltas.clone());
                    let a = running_sums(&mut fast, acc, zigzag);
                    let b = running_sums_portable(&mut plain, acc, zigzag);
                    assert_eq!(fast, plain, "len {len} zigzag {zigzag}");
                    assert_eq!(a, b, "len {len} zigzag {zigzag}");
                    let mut narrow: Vec<u32> = deltas.iter().map(|&v| v as u32).collect();
                    let mut narrow_plain = narrow.clone();
                    let a = running_sums(&mut narrow, acc as u32, zigzag);
                    let b = running_sums_portable(&mut narrow_plain, acc as u32, zigzag);
                    assert_eq!((narrow, a), (narrow_plain, b), "u32 len {len}");
                }
            }
        }
    }
}
