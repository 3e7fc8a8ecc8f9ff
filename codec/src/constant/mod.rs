//! Constant: every value is the same word, stored once. Layout after the tag: one word.
//! Owns only that layout; the cascade decides when a stream is constant.

use crate::blocks::{Repeat, Source};
use crate::bytes::Reader;
use crate::word::Word;
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

/// Opens the stored word as a source of copies.
pub(crate) fn open<'a, W: Word>(payload: &[u8], base: usize) -> Result<Source<'a, W>> {
    let mut r = Reader::new(payload, base);
    let v = r.word::<W>("constant value")?;
    r.finish("constant")?;
    Ok(Source::Blocks(Box::new(Repeat(v))))
}

/// True when all values are equal (and there is at least one).
pub(crate) fn is_constant<W: Word>(values: &[W]) -> bool {
    values
        .first()
        .is_some_and(|&f| values.iter().all(|&v| v == f))
}
