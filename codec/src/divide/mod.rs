//! Divide: values that are `base + divisor * q` for a common divisor, as when a microsecond or
//! millisecond clock is stored in nanoseconds, or prices sit on a coarse grid. The quotients are
//! a child stream chosen by the cascade.
//!
//! Layout after the tag: base · divisor (at least 2) · child quotients (`len` words).
//! This module owns that layout and the divisor search; it must not choose the child encoding.

use crate::bytes::{Reader, put_child};
use crate::cascade::{self, Kind};
use crate::encoding::decode_words;
use crate::word::Word;
use crate::{Error, Result};

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Base (the minimum) and the largest common divisor of `values - base`, if it is at least 2.
pub(crate) fn common_divisor<W: Word>(values: &[W], kind: Kind) -> Option<(W, W)> {
    let signed = kind == Kind::Signed;
    let base = values
        .iter()
        .map(|v| v.order_key(signed))
        .min()?
        .order_key(signed);
    let mut g = 0u64;
    for v in values {
        let d = v.wsub(base).to_u64();
        if g == 0 || d % g != 0 {
            g = gcd(g, d);
            if g == 1 {
                return None;
            }
        }
    }
    (g >= 2).then(|| (base, W::from_u64(g)))
}

/// True when every value is `base` plus a multiple of `divisor`.
pub(crate) fn divides<W: Word>(values: &[W], base: W, divisor: W) -> bool {
    values.iter().all(|v| v.wsub(base).rem(divisor) == W::ZERO)
}

/// The quotients `(v - base) / divisor`.
pub(crate) fn quotients<W: Word>(values: &[W], base: W, divisor: W) -> Vec<W> {
    values.iter().map(|v| v.wsub(base).div(divisor)).collect()
}

/// Appends the payload.
pub(crate) fn encode<W: Word>(
    values: &[W],
    kind: Kind,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    let Some((base, divisor)) = common_divisor(values, kind) else {
        return Err(Error::InvalidInput {
            reason: "no common divisor of at least 2".into(),
        });
    };
    base.write_le(out);
    divisor.write_le(out);
    put_child(
        &cascade::encode_words(&quotients(values, base, divisor), Kind::Unsigned, depth + 1)?,
        out,
    )
}

/// Decodes `len` values.
pub(crate) fn decode<W: Word>(
    payload: &[u8],
    len: usize,
    base_at: usize,
    depth: u8,
) -> Result<Vec<W>> {
    let mut r = Reader::new(payload, base_at);
    let base = r.word::<W>("divide base")?;
    let at = r.offset();
    let divisor = r.word::<W>("divisor")?;
    if divisor.to_u64() < 2 {
        return Err(Error::corrupt(at, "divisor below 2"));
    }
    let (chunk, child_at) = r.child("quotients")?;
    r.finish("divide")?;
    let mut v = decode_words::<W>(chunk, len, child_at, depth + 1)?;
    v.iter_mut().for_each(|q| *q = base.wadd(q.wmul(divisor)));
    Ok(v)
}
