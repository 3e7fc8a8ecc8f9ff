//! Constant: every value is the same word, stored once. Layout after the tag: one word.
//! Owns only that layout; the cascade decides when a stream is constant.

use crate::bytes::Reader;
use crate::word::{Word, zeroed};
use crate::{Error, Result};

/// Appends the payload; fails unless every value equals the first.
pub(crate) fn encode<W: Word>(values: &[W], out: &mut Vec<u8>) -> Result<()> {
    let first = values.first().copied().unwrap_or(W::ZERO);
    if values.iter().any(|&v| v != first) {
        return Err(Error::InvalidInput {
            reason: "constant encoding of values that differ".into(),
        });
    }
    first.write_le(out);
    Ok(())
}

/// Decodes `len` copies of the stored word.
pub(crate) fn decode<W: Word>(payload: &[u8], len: usize, base: usize) -> Result<Vec<W>> {
    let mut r = Reader::new(payload, base);
    let v = r.word::<W>("constant value")?;
    r.finish("constant")?;
    let mut out = zeroed::<W>(len, base)?;
    if v != W::ZERO {
        out.fill(v);
    }
    Ok(out)
}

/// True when all values are equal (and there is at least one).
pub(crate) fn is_constant<W: Word>(values: &[W]) -> bool {
    values
        .first()
        .is_some_and(|&f| values.iter().all(|&v| v == f))
}
