//! Block-at-a-time decoding: a decoded stream as a source of 1024-value blocks, so nested
//! encodings (delta over bit-packed, ALP over delta, a dictionary over bit-packed codes) run one
//! block at a time in L1 and the column is written to memory once, with no zeroing pass and no
//! whole-column intermediate buffers. Encodings without a block form are decoded whole and served
//! from that buffer. This module owns the source abstraction and the drain loop (including how
//! the loop writes a big output, see [`Sink`]); each encoding's module owns its own source.

#[cfg(target_arch = "x86_64")]
mod x86;

use crate::bitpack::BLOCK;
use crate::word::Word;
use crate::{Error, Result};
use std::ops::Range;

/// A stream that yields its values in order, in calls of at most [`BLOCK`] values. Callers ask
/// for exactly the stream's length in total, in blocks that start at multiples of [`BLOCK`].
pub(crate) trait Blocks<W: Word> {
    /// Writes the next `out.len()` values into `out`.
    fn fill(&mut self, out: &mut [W]) -> Result<()>;

    /// Passes over the next `n` values (one block's worth, as [`Blocks::fill`] would be asked
    /// for) without returning them. By default they are decoded into scratch space; a stream
    /// that can step over a block more cheaply says so.
    fn skip(&mut self, n: usize) -> Result<()> {
        let mut scratch = [W::ZERO; BLOCK];
        let Some(part) = scratch.get_mut(..n) else {
            return Err(Error::corrupt(
                0,
                format!("skip of {n} values exceeds a block"),
            ));
        };
        self.fill(part)
    }
}

/// A decoded stream: already whole, or blocks to pull.
pub(crate) enum Source<'a, W> {
    /// Every value, decoded at once.
    Whole(Vec<W>),
    /// Values block by block.
    Blocks(Box<dyn Blocks<W> + 'a>),
}

impl<'a, W: Word> Source<'a, W> {
    /// The stream as blocks.
    pub(crate) fn into_blocks(self) -> Box<dyn Blocks<W> + 'a> {
        match self {
            Source::Whole(v) => Box::new(FromVec { v, pos: 0 }),
            Source::Blocks(b) => b,
        }
    }

    /// The stream's `len` values in one buffer; `at` is the stream's offset, for errors.
    pub(crate) fn into_vec(self, len: usize, at: usize) -> Result<Vec<W>> {
        match self {
            Source::Whole(v) => Ok(v),
            Source::Blocks(mut b) => {
                let mut out = Sink::with_capacity(len, at)?;
                let mut buf = [W::ZERO; BLOCK];
                let mut left = len;
                while left > 0 {
                    let n = left.min(BLOCK);
                    b.fill(&mut buf[..n])?;
                    out.push(&buf[..n]);
                    left -= n;
                }
                Ok(out.finish())
            }
        }
    }

    /// Only the values at `rows` of the stream's `len` (`rows` within `0..len`): the blocks before
    /// the window are stepped over, the blocks after it are never decoded, and only the window is
    /// written out. `at` is the stream's offset, for errors.
    pub(crate) fn into_window(self, len: usize, rows: Range<usize>, at: usize) -> Result<Vec<W>> {
        if rows.start > rows.end || rows.end > len {
            return Err(Error::InvalidInput {
                reason: format!("rows {rows:?} are not within a chunk of {len} values"),
            });
        }
        match self {
            Source::Whole(mut v) => {
                if v.len() < rows.end {
                    return Err(Error::corrupt(at, "stream shorter than its count"));
                }
                v.truncate(rows.end);
                v.drain(..rows.start);
                Ok(v)
            }
            Source::Blocks(mut b) => {
                let mut out = Sink::with_capacity(rows.len(), at)?;
                let mut pos = 0;
                while pos + BLOCK <= rows.start {
                    b.skip(BLOCK)?;
                    pos += BLOCK;
                }
                let mut buf = [W::ZERO; BLOCK];
                while pos < rows.end {
                    let n = (len - pos).min(BLOCK);
                    b.fill(&mut buf[..n])?;
                    let lo = rows.start.max(pos) - pos;
                    let hi = rows.end.min(pos + n) - pos;
                    out.push(&buf[lo..hi]);
                    pos += n;
                }
                Ok(out.finish())
            }
        }
    }
}

/// Outputs of at least this many bytes are written with streaming (non-temporal) stores where
/// the CPU has them. Below it the output may well be read while still in cache (a small window,
/// one chunk decoded and consumed at once), and ordinary stores keep it there. Above it (a
/// column of a segment, 128k rows of 8 bytes is 1 MiB, one of dozens in a read) the buffer
/// outgrows this core's share of the cache before anyone reads it, and streaming stores save the
/// read of every line they write: `cargo bench --bench segment -- quotes/decode` measures it.
const STREAM_MIN_BYTES: usize = 512 << 10;

/// A decoded stream's output buffer, filled block by block: ordinary appends for small outputs,
/// streaming stores for big ones (where available), fenced before the buffer is handed on.
struct Sink<W: Word> {
    out: Vec<W>,
    // Read only where a leaf module has streaming stores (aarch64 has no stable intrinsic).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    streaming: bool,
}

impl<W: Word> Sink<W> {
    /// Room for exactly `len` values; `at` is the stream's offset, for the error a corrupt
    /// count that cannot be allocated gets.
    fn with_capacity(len: usize, at: usize) -> Result<Sink<W>> {
        Ok(Sink {
            out: crate::word::reserved(len, at)?,
            streaming: len.saturating_mul(W::BYTES) >= STREAM_MIN_BYTES,
        })
    }

    /// Appends `values`. Callers push at most the `len` values the sink was made for.
    fn push(&mut self, values: &[W]) {
        #[cfg(target_arch = "x86_64")]
        if self.streaming && x86::append_streaming(&mut self.out, values) {
            return;
        }
        self.out.extend_from_slice(values);
    }

    /// The values pushed, visible to any thread the buffer is sent to.
    fn finish(mut self) -> Vec<W> {
        std::mem::take(&mut self.out)
    }
}

impl<W: Word> Drop for Sink<W> {
    /// Fences the streaming stores, on success and on error alike: the buffer is handed on, or
    /// freed and its memory reused.
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        if self.streaming {
            x86::fence();
        }
    }
}

/// Blocks served from a decoded buffer.
struct FromVec<W> {
    v: Vec<W>,
    pos: usize,
}

impl<W: Word> Blocks<W> for FromVec<W> {
    fn fill(&mut self, out: &mut [W]) -> Result<()> {
        let end = self.pos + out.len();
        let Some(src) = self.v.get(self.pos..end) else {
            return Err(Error::corrupt(0, "stream shorter than its count"));
        };
        out.copy_from_slice(src);
        self.pos = end;
        Ok(())
    }

    fn skip(&mut self, n: usize) -> Result<()> {
        if self.v.len() - self.pos.min(self.v.len()) < n {
            return Err(Error::corrupt(0, "stream shorter than its count"));
        }
        self.pos += n;
        Ok(())
    }
}

/// Plain little-endian words, read straight from the chunk.
pub(crate) struct Plain<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl<W: Word> Blocks<W> for Plain<'_> {
    fn fill(&mut self, out: &mut [W]) -> Result<()> {
        let n = out.len() * W::BYTES;
        let Some((head, rest)) = self.bytes.split_at_checked(n) else {
            return Err(Error::corrupt(
                self.at,
                "plain stream shorter than its count",
            ));
        };
        crate::word::get_words(head, out);
        self.bytes = rest;
        self.at += n;
        Ok(())
    }

    fn skip(&mut self, n: usize) -> Result<()> {
        let n = n * W::BYTES;
        let Some(rest) = self.bytes.get(n..) else {
            return Err(Error::corrupt(
                self.at,
                "plain stream shorter than its count",
            ));
        };
        self.bytes = rest;
        self.at += n;
        Ok(())
    }
}

/// One value repeated.
pub(crate) struct Repeat<W>(pub(crate) W);

impl<W: Word> Blocks<W> for Repeat<W> {
    fn fill(&mut self, out: &mut [W]) -> Result<()> {
        out.fill(self.0);
        Ok(())
    }

    fn skip(&mut self, _: usize) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{BLOCK, FromVec, STREAM_MIN_BYTES, Sink, Source};
    use crate::word::Word;

    /// `n` distinct words, so a value out of place shows.
    fn words<W: Word>(n: usize) -> Vec<W> {
        (0..n as u64)
            .map(|i| W::from_u64(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 7))
            .collect()
    }

    fn blocks<W: Word>(v: &[W]) -> Source<'static, W> {
        Source::Blocks(Box::new(FromVec {
            v: v.to_vec(),
            pos: 0,
        }))
    }

    /// Outputs on both sides of the streaming threshold, whole and as windows that start and
    /// end inside blocks, come out exactly as the stream held them.
    fn drains_exactly<W: Word>() {
        let big = STREAM_MIN_BYTES / W::BYTES;
        for n in [BLOCK + 3, big - 1, big + 2 * BLOCK + 5] {
            let v = words::<W>(n);
            let got = blocks(&v).into_vec(n, 0);
            assert_eq!(
                got.ok().as_deref(),
                Some(&v[..]),
                "{} bits, {n} values",
                W::BITS
            );
            for rows in [0..n, 1..n - 1, BLOCK + 1..n, 7..BLOCK - 1] {
                let got = blocks(&v).into_window(n, rows.clone(), 0);
                assert_eq!(
                    got.ok().as_deref(),
                    Some(&v[rows.clone()]),
                    "{} bits, {n} values, rows {rows:?}",
                    W::BITS
                );
            }
        }
    }

    #[test]
    fn big_and_small_outputs_hold_every_value() {
        drains_exactly::<u8>();
        drains_exactly::<u16>();
        drains_exactly::<u32>();
        drains_exactly::<u64>();
    }

    #[test]
    fn a_sink_takes_values_pushed_at_any_alignment() {
        for skew in 0..9 {
            let mut sink = Sink::<u8>::with_capacity(STREAM_MIN_BYTES + 200, 0)
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(sink.streaming);
            let v = words::<u8>(STREAM_MIN_BYTES + 200);
            let (head, rest) = v.split_at(skew);
            sink.push(head);
            for part in rest.chunks(97) {
                sink.push(part);
            }
            assert_eq!(sink.finish(), v, "skew {skew}");
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn streaming_appends_match_plain_ones() {
        let src = words::<u64>(300);
        for skew in 0..5 {
            for len in (0..70).chain([255, 300]) {
                let mut plain = words::<u64>(skew);
                plain.extend_from_slice(&src[..len]);
                let mut streamed = Vec::with_capacity(skew + len);
                streamed.extend(words::<u64>(skew));
                if !super::x86::append_streaming(&mut streamed, &src[..len]) {
                    assert!(!crate::simd::avx2(), "AVX2 in use, yet no streaming append");
                    streamed.extend_from_slice(&src[..len]);
                }
                super::x86::fence();
                assert_eq!(streamed, plain, "skew {skew}, {len} values");
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn a_streaming_append_past_the_capacity_is_refused() {
        let refused = std::panic::catch_unwind(|| {
            let mut out: Vec<u64> = Vec::with_capacity(4);
            super::x86::append_streaming(&mut out, &words::<u64>(5))
        });
        // Without AVX2 nothing streams, so nothing needs the room.
        assert_eq!(refused.is_err(), crate::simd::avx2());
    }
}
