//! Little-endian primitives shared by the schema and directory encodings: appending fixed-width
//! integers and length-prefixed strings, and a bounds-checked cursor that reads them back. It owns
//! no layout of its own and must never index past its input: every read returns
//! [`Error::Corrupt`] with the absolute offset of the field that did not fit.

use crate::{Error, Result};

/// Appends `v` little-endian.
pub(crate) fn put_u8(out: &mut Vec<u8>, v: u8) {
    out.push(v);
}

/// Appends `v` little-endian.
pub(crate) fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends `v` little-endian.
pub(crate) fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends `v` little-endian.
pub(crate) fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends `v` little-endian (two's complement).
pub(crate) fn put_i64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends a `u32` byte length and the UTF-8 bytes of `s`. Strings over 4 GiB cannot be written;
/// callers check [`str_fits`] first (the encode path rejects them as invalid input).
pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, u32::try_from(s.len()).unwrap_or(u32::MAX));
    out.extend_from_slice(s.as_bytes());
}

/// True when `s` can be written by [`put_str`].
pub(crate) fn str_fits(s: &str) -> bool {
    u32::try_from(s.len()).is_ok()
}

/// A cursor over untrusted bytes. `base` is the absolute offset of `bytes[0]` in the segment file
/// (0 when unknown), so errors point at the right byte.
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: u64,
    segment: &'a str,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8], base: u64, segment: &'a str) -> Self {
        Cursor {
            bytes,
            pos: 0,
            base,
            segment,
        }
    }

    /// Absolute offset of the next byte to be read.
    pub(crate) fn offset(&self) -> u64 {
        self.base.saturating_add(self.pos as u64)
    }

    /// Bytes left to read.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// A [`Error::Corrupt`] at the cursor's position.
    pub(crate) fn corrupt(&self, reason: impl Into<String>) -> Error {
        Error::corrupt(self.segment, None, self.offset(), reason)
    }

    /// A [`Error::Corrupt`] at absolute offset `at`.
    pub(crate) fn corrupt_at(&self, at: u64, reason: impl Into<String>) -> Error {
        Error::corrupt(self.segment, None, at, reason)
    }

    /// The segment name errors carry.
    pub(crate) fn segment(&self) -> &'a str {
        self.segment
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(self.corrupt(format!(
                "{what} needs {n} bytes but only {} remain",
                self.remaining()
            )));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let bytes = self.take(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn i64(&mut self, what: &str) -> Result<i64> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }

    /// A `u32`-length-prefixed UTF-8 string.
    pub(crate) fn str(&mut self, what: &str) -> Result<&'a str> {
        let start = self.offset();
        let len = self.u32(what)? as usize;
        let bytes = self.take(len, what)?;
        std::str::from_utf8(bytes)
            .map_err(|e| self.corrupt_at(start, format!("{what} is not UTF-8: {e}")))
    }

    /// A `u32` element count, checked against the bytes left: each element takes at least
    /// `min_size` bytes, so a count the input cannot hold is corrupt before anything is allocated.
    pub(crate) fn count(&mut self, min_size: usize, what: &str) -> Result<usize> {
        let start = self.offset();
        let n = self.u32(what)? as usize;
        if n.saturating_mul(min_size.max(1)) > self.remaining() {
            return Err(self.corrupt_at(
                start,
                format!(
                    "{what} of {n} cannot fit the {} bytes left",
                    self.remaining()
                ),
            ));
        }
        Ok(n)
    }

    /// Fails unless every byte has been read.
    pub(crate) fn finish(&self, what: &str) -> Result<()> {
        if self.remaining() != 0 {
            return Err(self.corrupt(format!(
                "{} unexpected bytes after the {what}",
                self.remaining()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_was_written() -> Result<()> {
        let mut out = Vec::new();
        put_u8(&mut out, 7);
        put_u16(&mut out, 0x1234);
        put_u32(&mut out, 0xdead_beef);
        put_u64(&mut out, u64::MAX - 1);
        put_i64(&mut out, i64::MIN);
        put_str(&mut out, "bön");
        let mut c = Cursor::new(&out, 100, "s");
        assert_eq!(c.u8("a")?, 7);
        assert_eq!(c.u16("b")?, 0x1234);
        assert_eq!(c.u32("c")?, 0xdead_beef);
        assert_eq!(c.u64("d")?, u64::MAX - 1);
        assert_eq!(c.i64("e")?, i64::MIN);
        assert_eq!(c.str("f")?, "bön");
        c.finish("test")
    }

    #[test]
    fn short_input_is_corrupt_at_absolute_offset() {
        let mut c = Cursor::new(&[1, 2, 3], 100, "s");
        assert!(c.u16("a").is_ok());
        assert!(matches!(
            c.u16("b"),
            Err(Error::Corrupt { offset: 102, .. })
        ));
        let mut c = Cursor::new(&[0xff, 0xff, 0xff, 0xff, 0], 0, "s");
        assert!(matches!(
            c.count(1, "n"),
            Err(Error::Corrupt { offset: 0, .. })
        ));
        let mut c = Cursor::new(&[2, 0, 0, 0, 0xc3, 0x28], 0, "s");
        assert!(matches!(c.str("s"), Err(Error::Corrupt { .. })));
    }
}
