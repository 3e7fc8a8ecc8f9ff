//! Block-at-a-time decoding: a decoded stream as a source of 1024-value blocks, so nested
//! encodings (delta over bit-packed, ALP over delta, a dictionary over bit-packed codes) run one
//! block at a time in L1 and the column is written to memory once, with no zeroing pass and no
//! whole-column intermediate buffers. Encodings without a block form are decoded whole and served
//! from that buffer. This module owns the source abstraction and the drain loop; each encoding's
//! module owns its own source.

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
                let mut out = Vec::new();
                out.try_reserve_exact(len).map_err(|_| {
                    Error::corrupt(
                        at,
                        format!("cannot allocate {len} values of {} bits", W::BITS),
                    )
                })?;
                let mut buf = [W::ZERO; BLOCK];
                let mut left = len;
                while left > 0 {
                    let n = left.min(BLOCK);
                    b.fill(&mut buf[..n])?;
                    out.extend_from_slice(&buf[..n]);
                    left -= n;
                }
                Ok(out)
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
                let mut out = Vec::new();
                out.try_reserve_exact(rows.len()).map_err(|_| {
                    Error::corrupt(at, format!("cannot allocate {} values", rows.len()))
                })?;
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
                    out.extend_from_slice(&buf[lo..hi]);
                    pos += n;
                }
                Ok(out)
            }
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
