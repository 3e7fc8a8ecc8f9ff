//! Run-length: runs of equal values as (value, length) pairs, for bursts of equal timestamps,
//! sizes that hold still, and long stretches of validity bits. Values and lengths are child
//! streams chosen by the cascade; booleans need no values, only the first bit.
//!
//! Layout after the tag, words: `u32 runs` · child values (`runs` words) · child lengths (`u32`).
//! Booleans: `u8 first bit` · `u32 runs` · child lengths; runs alternate.
//! Lengths are at least 1 and sum to exactly the value count. This module owns these layouts.

use crate::bytes::{Reader, put_count};
use crate::cascade::{self, Kind};
use crate::encoding::decode_words;
use crate::scratch;
use crate::word::{Word, count_in_lanes, lane_count_stretch, zeroed};
use crate::{Error, Result};

#[cfg(target_arch = "x86_64")]
mod x86;

/// Run values and lengths of `values`.
pub(crate) fn runs<W: Word>(values: &[W]) -> (Vec<W>, Vec<u32>) {
    if values.is_empty() {
        return (Vec::new(), Vec::new());
    }
    if u32::try_from(values.len()).is_err() {
        return runs_capped(values);
    }
    let (mut vals, mut lens) = (vec![W::ZERO; values.len()], vec![0u32; values.len()]);
    let count = runs_into(values, &mut vals, &mut lens);
    vals.truncate(count);
    lens.truncate(count);
    (vals, lens)
}

/// [`runs`] of a stream shorter than `u32::MAX` into the first [`count_runs`] entries of `vals`
/// and `lens`, every one of which is overwritten; returns that count. Both buffers must hold at
/// least `values.len()` entries: the loop writes at a cursor that never passes the value's own
/// index, and a buffer as long as the input lets the compiler see that every write is in bounds.
fn runs_into<W: Word>(values: &[W], vals: &mut [W], lens: &mut [u32]) -> usize {
    let n = values.len();
    let Some(&last) = values.last() else {
        return 0;
    };
    let (vals, lens) = (&mut vals[..n], &mut lens[..n]);
    // Branch-free: each value is written at the cursor as its run's value and end, and the
    // cursor moves on only where the next value differs.
    let mut k = 0;
    for i in 0..n - 1 {
        let (v, next) = (values[i], values[i + 1]);
        // `k <= i` always; the `min` says so to the compiler, which then drops the checks.
        let at = k.min(i);
        vals[at] = v;
        lens[at] = i as u32 + 1;
        k += usize::from(v != next);
    }
    vals[k] = last;
    lens[k] = n as u32;
    let count = k + 1;
    let mut start = 0;
    for end in &mut lens[..count] {
        (*end, start) = (*end - start, *end);
    }
    count
}

/// [`runs`] for streams so long that a run may need splitting at `u32::MAX`.
fn runs_capped<W: Word>(values: &[W]) -> (Vec<W>, Vec<u32>) {
    let mut vals = Vec::new();
    let mut lens: Vec<u32> = Vec::new();
    for &v in values {
        match (vals.last(), lens.last_mut()) {
            (Some(&last), Some(n)) if last == v && *n < u32::MAX => *n += 1,
            _ => {
                vals.push(v);
                lens.push(1);
            }
        }
    }
    (vals, lens)
}

/// Number of runs, without building them.
#[inline]
pub(crate) fn count_runs<W: Word>(values: &[W]) -> usize {
    #[cfg(target_arch = "x86_64")]
    if let Some(n) = x86::count_runs(values) {
        return n;
    }
    count_runs_portable(values)
}

/// [`count_runs`] as plain Rust; the x86 leaf compiles this same body with AVX2 (SSE2 has no
/// 64-bit compare, so the baseline build compares 64-bit words one at a time).
#[inline(always)]
fn count_runs_portable<W: Word>(values: &[W]) -> usize {
    if values.is_empty() {
        return 0;
    }
    let stretch = lane_count_stretch::<W>();
    let changes: u64 = values[1..]
        .chunks(stretch)
        .zip(values.chunks(stretch))
        .map(|(next, prev)| count_in_lanes::<W>(next.iter().zip(prev).map(|(a, b)| a != b)))
        .sum();
    changes as usize + 1
}

/// Appends the payload for words.
pub(crate) fn encode<W: Word>(
    values: &[W],
    kind: Kind,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    if values.is_empty() || u32::try_from(values.len()).is_err() {
        let (vals, lens) = runs(values);
        return put_runs(&vals, &lens, kind, depth, out);
    }
    // The runs only live until the children have encoded them: reused buffers, as long as the
    // input (see `runs_into`).
    scratch::with(values.len(), |vals: &mut [W]| {
        scratch::with(values.len(), |lens: &mut [u32]| {
            let count = runs_into(values, vals, lens);
            put_runs(&vals[..count], &lens[..count], kind, depth, out)
        })
    })
}

/// The run count, then the run values and lengths as children at `depth + 1`.
fn put_runs<W: Word>(
    vals: &[W],
    lens: &[u32],
    kind: Kind,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    put_count(vals.len(), out)?;
    cascade::put_words_child(vals, kind, depth + 1, out)?;
    cascade::put_words_child(lens, Kind::Unsigned, depth + 1, out)
}

/// Reads and checks `runs` lengths summing to `len`.
fn lengths(r: &mut Reader<'_>, runs: usize, len: usize, depth: u8) -> Result<Vec<u32>> {
    let (chunk, at) = r.child("run lengths")?;
    let lens = decode_words::<u32>(chunk, runs, at, depth + 1)?;
    // Branch-free over groups of 1,024 (whose sum cannot overflow a u64), so it vectorises; the
    // group totals saturate, so no count of runs can wrap the total back onto `len`.
    let (mut total, mut zero) = (0u64, false);
    for group in lens.chunks(1024) {
        zero |= group.iter().fold(false, |z, &n| z | (n == 0));
        total = total.saturating_add(group.iter().map(|&n| u64::from(n)).sum::<u64>());
    }
    if zero {
        return Err(Error::corrupt(at, "run of length zero"));
    }
    if total != len as u64 {
        return Err(Error::corrupt(
            at,
            format!("runs cover {total} values, expected {len}"),
        ));
    }
    Ok(lens)
}

/// Decodes `len` words.
pub(crate) fn decode<W: Word>(
    payload: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<Vec<W>> {
    let mut r = Reader::new(payload, base);
    let nruns = r.count(len, "run count")?;
    let (chunk, at) = r.child("run values")?;
    let vals = decode_words::<W>(chunk, nruns, at, depth + 1)?;
    let lens = lengths(&mut r, nruns, len, depth)?;
    r.finish("run-length")?;
    // Runs of real feeds are short (a size that holds for one or two quotes): each run stores
    // eight copies unconditionally and moves on by its length, so the loop has no
    // unpredictable branch; the padding past `len` absorbs the overshoot and is cut off.
    const SHORT: usize = 8;
    let mut out = zeroed::<W>(len.saturating_add(SHORT), base)?;
    let mut i = 0;
    for (&v, &n) in vals.iter().zip(&lens) {
        let n = n as usize;
        if let Some(eight) = out.get_mut(i..i + SHORT)
            && n <= SHORT
        {
            eight.fill(v);
        } else {
            out[i..i + n].fill(v);
        }
        i += n;
    }
    out.truncate(len);
    Ok(out)
}

/// Appends the payload for `len` booleans packed LSB-first in `bits`.
pub(crate) fn encode_bool(bits: &[u8], len: usize, out: &mut Vec<u8>) -> Result<()> {
    let bit = |i: usize| bits[i / 8] >> (i % 8) & 1;
    let mut lens: Vec<u32> = Vec::new();
    let mut prev = None;
    for i in 0..len {
        let b = bit(i);
        match lens.last_mut() {
            Some(n) if prev == Some(b) && *n < u32::MAX => *n += 1,
            _ => lens.push(1),
        }
        prev = Some(b);
    }
    out.push(if len > 0 { bit(0) } else { 0 });
    put_count(lens.len(), out)?;
    cascade::put_words_child(&lens, Kind::Unsigned, 1, out)
}

/// Decodes `len` booleans into packed bits.
pub(crate) fn decode_bool(payload: &[u8], len: usize, base: usize, depth: u8) -> Result<Vec<u8>> {
    let mut r = Reader::new(payload, base);
    let at = r.offset();
    let first = r.u8("first bit")?;
    if first > 1 {
        return Err(Error::corrupt(at, "first bit is not 0 or 1"));
    }
    let nruns = r.count(len, "run count")?;
    let lens = lengths(&mut r, nruns, len, depth)?;
    r.finish("boolean runs")?;
    let mut bits = zeroed::<u8>(len.div_ceil(8), base)?;
    let (mut i, mut value) = (0usize, first == 1);
    for &n in &lens {
        let end = i + n as usize;
        if value {
            while i < end && i % 8 != 0 {
                bits[i / 8] |= 1 << (i % 8);
                i += 1;
            }
            while i + 8 <= end {
                bits[i / 8] = 0xff;
                i += 8;
            }
            while i < end {
                bits[i / 8] |= 1 << (i % 8);
                i += 1;
            }
        }
        i = end;
        value = !value;
    }
    Ok(bits)
}

/// Number of runs in `len` packed booleans.
pub(crate) fn count_bool_runs(bits: &[u8], len: usize) -> usize {
    let bit = |i: usize| bits[i / 8] >> (i % 8) & 1;
    (1..len).filter(|&i| bit(i) != bit(i - 1)).count() + usize::from(len > 0)
}

#[cfg(test)]
mod tests {
    use super::{count_runs, count_runs_portable, decode, runs, runs_into};
    use crate::Error;
    use crate::bytes::put_count;
    use crate::cascade::{self, Kind};
    use proptest::prelude::*;

    /// A run-end payload written field by field, so its lengths can be wrong.
    fn payload(vals: &[u64], lens: &[u32]) -> crate::Result<Vec<u8>> {
        let mut out = Vec::new();
        put_count(vals.len(), &mut out)?;
        cascade::put_words_child(vals, Kind::Unsigned, 1, &mut out)?;
        cascade::put_words_child(lens, Kind::Unsigned, 1, &mut out)?;
        Ok(out)
    }

    /// Lengths are checked over groups of 1,024 runs: a zero-length run anywhere, or lengths
    /// that do not add up to the count (short, long, or so long a plain sum would wrap), are
    /// `Corrupt`; lengths that add up decode.
    #[test]
    fn run_lengths_that_are_zero_or_do_not_add_up_are_corrupt() -> crate::Result<()> {
        let runs = 3000;
        let vals: Vec<u64> = (0..runs as u64).collect();
        let lens = vec![2u32; runs];
        let len = 2 * runs;
        let ok = decode::<u64>(&payload(&vals, &lens)?, len, 0, 0)?;
        assert_eq!(ok.len(), len);
        assert_eq!(
            (ok[0], ok[1], ok[2], ok[len - 1]),
            (0, 0, 1, runs as u64 - 1)
        );
        // Zero-length runs next to a run that makes up for them, so the total still adds up.
        let cases: [&[(usize, u32)]; 6] = [
            &[(0, 0), (1, 4)],
            &[(1500, 0), (1501, 4)],
            &[(2999, 0), (2998, 4)],
            &[(2047, 3)],
            &[(1024, 1)],
            &[(5, u32::MAX)],
        ];
        for case in cases {
            let mut wrong = lens.clone();
            for &(at, n) in case {
                wrong[at] = n;
            }
            let got = decode::<u64>(&payload(&vals, &wrong)?, len, 0, 0);
            assert!(
                matches!(got, Err(Error::Corrupt { .. })),
                "{case:?}: {got:?}"
            );
        }
        Ok(())
    }

    proptest! {
        /// Runs of every length (shorter and longer than the eight-copy store, across block
        /// boundaries) expand to exactly their values, whole and as any window.
        #[test]
        fn runs_expand_exactly_whole_and_in_windows(
            runs in proptest::collection::vec((any::<u64>(), 1u32..2100), 1..40),
            cut in (0.0f64..1.0, 0.0f64..1.0),
        ) {
            let (vals, lens): (Vec<u64>, Vec<u32>) = runs.into_iter().unzip();
            let expected: Vec<u64> = vals
                .iter()
                .zip(&lens)
                .flat_map(|(&v, &n)| std::iter::repeat_n(v, n as usize))
                .collect();
            let len = expected.len();
            let bytes = payload(&vals, &lens)?;
            prop_assert_eq!(&decode::<u64>(&bytes, len, 0, 0)?, &expected);
            let a = (cut.0 * len as f64) as usize;
            let b = a + ((cut.1 * (len - a) as f64) as usize);
            let mut chunk = vec![crate::encoding::TAG_RUNEND];
            chunk.extend_from_slice(&bytes);
            let window =
                crate::encoding::open::<u64>(&chunk, len, 0, 0)?.into_window(len, a..b, 0)?;
            prop_assert_eq!(&window[..], &expected[a..b]);
        }
    }

    fn plain<T: PartialEq>(values: &[T]) -> usize {
        values.windows(2).filter(|w| w[0] != w[1]).count() + usize::from(!values.is_empty())
    }

    proptest! {
        #[test]
        fn count_runs_counts_changes_plus_one(
            // Few distinct values, so runs of every length occur.
            wide in proptest::collection::vec(0u64..3, 0..300),
            narrow in proptest::collection::vec(0u8..3, 0..300),
        ) {
            prop_assert_eq!(count_runs(&wide), plain(&wide));
            prop_assert_eq!(count_runs_portable(&wide), plain(&wide));
            prop_assert_eq!(count_runs(&narrow), plain(&narrow));
            prop_assert_eq!(count_runs_portable(&narrow), plain(&narrow));
        }
    }

    #[test]
    fn count_runs_across_the_stretches_it_counts_in() {
        // Changes on both sides of the 2^16-value stretch boundary.
        let v: Vec<u64> = (0..200_000u64)
            .map(|i| i / 3 + u64::from(i == 65_536))
            .collect();
        assert_eq!(count_runs(&v), plain(&v));
        assert_eq!(count_runs_portable(&v), plain(&v));
    }

    /// Runs written into reused buffers full of old values equal those of fresh buffers:
    /// every value and length is overwritten.
    #[test]
    fn runs_into_reused_buffers_overwrite_everything() {
        for values in [
            vec![5u64],
            vec![1, 1, 1],
            vec![1, 2, 3],
            vec![7, 7, 8, 8, 8, 7, 9, 9],
            (0..3000u64).map(|i| i / 7 % 5).collect(),
        ] {
            let (vals, lens) = runs(&values);
            let n = values.len();
            let (mut old_vals, mut old_lens) = (vec![u64::MAX; n], vec![u32::MAX; n]);
            let count = runs_into(&values, &mut old_vals, &mut old_lens);
            assert_eq!(count, count_runs(&values), "{values:?}");
            old_vals.truncate(count);
            old_lens.truncate(count);
            assert_eq!((old_vals, old_lens), (vals, lens), "{values:?}");
        }
    }
}
