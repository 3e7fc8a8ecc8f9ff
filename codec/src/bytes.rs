//! Reading and writing the framing shared by every nested encoding: little-endian integers,
//! counts checked against what the caller allows, and length-prefixed child chunks. The reader
//! treats every byte as hostile and reports offsets relative to the top-level chunk. This file
//! must not know any encoding's layout.

use crate::word::Word;
use crate::{Error, Result};

/// A bounds-checked cursor over a payload that starts at `base` within the top-level chunk.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], base: usize) -> Self {
        Reader {
            bytes,
            pos: 0,
            base,
        }
    }

    /// Offset of the next unread byte within the top-level chunk.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub(crate) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(Error::corrupt(
                self.offset(),
                format!(
                    "{what}: needs {n} bytes, {} left",
                    self.bytes.len() - self.pos
                ),
            ));
        };
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }

    pub(crate) fn word<W: Word>(&mut self, what: &str) -> Result<W> {
        Ok(W::read_le(self.take(W::BYTES, what)?))
    }

    /// A `u32` count that must not exceed `max`.
    pub(crate) fn count(&mut self, max: usize, what: &str) -> Result<usize> {
        let at = self.offset();
        let n = self.word::<u32>(what)? as usize;
        if n > max {
            return Err(Error::corrupt(
                at,
                format!("{what}: {n} exceeds the limit {max}"),
            ));
        }
        Ok(n)
    }

    /// A length-prefixed child chunk and its offset within the top-level chunk.
    pub(crate) fn child(&mut self, what: &str) -> Result<(&'a [u8], usize)> {
        let len = self.word::<u32>(what)? as usize;
        let at = self.offset();
        Ok((self.take(len, what)?, at))
    }

    /// Everything not read yet.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let out = &self.bytes[self.pos..];
        self.pos = self.bytes.len();
        out
    }

    /// Fails if bytes are left over: every byte of a chunk must be accounted for.
    pub(crate) fn finish(&self, what: &str) -> Result<()> {
        if self.pos != self.bytes.len() {
            return Err(Error::corrupt(
                self.offset(),
                format!("{what}: {} trailing bytes", self.bytes.len() - self.pos),
            ));
        }
        Ok(())
    }
}

/// Appends a `u32` count, failing for inputs too large for the format.
pub(crate) fn put_count(n: usize, out: &mut Vec<u8>) -> Result<()> {
    let n = u32::try_from(n).map_err(|_| Error::InvalidInput {
        reason: format!("{n} values exceed a chunk's 2^32 limit"),
    })?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

/// Appends a child chunk with its `u32` length prefix.
pub(crate) fn put_child(child: &[u8], out: &mut Vec<u8>) -> Result<()> {
    put_count(child.len(), out)?;
    out.extend_from_slice(child);
    Ok(())
}

/// Appends the child chunk that `write` appends to `out`, behind its `u32` length prefix: the
/// child is written in place, so its bytes are neither buffered nor copied.
pub(crate) fn put_child_with(
    out: &mut Vec<u8>,
    write: impl FnOnce(&mut Vec<u8>) -> Result<()>,
) -> Result<()> {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    write(out)?;
    let len = out.len() - at - 4;
    let len = u32::try_from(len).map_err(|_| Error::InvalidInput {
        reason: format!("a child chunk of {len} bytes exceeds the 2^32 limit"),
    })?;
    out[at..at + 4].copy_from_slice(&len.to_le_bytes());
    Ok(())
}
