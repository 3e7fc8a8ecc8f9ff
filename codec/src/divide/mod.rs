//! Divide: values that are `base + divisor * q` for a common divisor, as when a microsecond or
//! millisecond clock is stored in nanoseconds, or prices sit on a coarse grid. The quotients are
//! a child stream chosen by the cascade.
//!
//! Layout after the tag: base · divisor (at least 2) · child quotients (`len` words).
//! This module owns that layout and the divisor search; it must not choose the child encoding.

use crate::blocks::{Blocks, Source};
use crate::bytes::Reader;
use crate::cascade::{self, Kind};
use crate::encoding::open as open_child;
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

/// Exact division by a constant without a divide instruction: `divisor = m << k` with `m` odd;
/// `d` is a multiple of `divisor` exactly when its low `k` bits are zero and
/// `(d >> k) * m⁻¹ mod 2^BITS` is at most `MAX / m`, and that product is then the quotient.
#[derive(Debug, Clone, Copy)]
struct Exact<W> {
    shift: u32,
    inverse: W,
    limit: W,
    low: W,
}

impl<W: Word> Exact<W> {
    fn new(divisor: W) -> Option<Self> {
        let d = divisor.to_u64();
        if d < 2 {
            return None;
        }
        let shift = d.trailing_zeros();
        let m = d >> shift;
        // Newton's iteration doubles the correct low bits each step: 3 -> 6 -> ... -> 96.
        let mut inv = m;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(m.wrapping_mul(inv)));
        }
        Some(Exact {
            shift,
            inverse: W::from_u64(inv),
            limit: W::MAX.div(W::from_u64(m)),
            low: W::from_u64((1u64 << shift) - 1),
        })
    }

    /// `d / divisor` when `divisor` divides `d`.
    #[inline(always)]
    fn quotient(&self, d: W) -> Option<W> {
        let q = d.shr(self.shift).wmul(self.inverse);
        (d.and(self.low) == W::ZERO && q <= self.limit).then_some(q)
    }
}

/// True when every value is `base` plus a multiple of `divisor`.
pub(crate) fn divides<W: Word>(values: &[W], base: W, divisor: W) -> bool {
    let Some(x) = Exact::new(divisor) else {
        return divisor == W::from_u64(1);
    };
    // Branch-free per value (an OR of failures) so the loop vectorises.
    let bad = values.iter().fold(W::ZERO, |acc, v| {
        let d = v.wsub(base);
        let q = d.shr(x.shift).wmul(x.inverse);
        acc.or(d.and(x.low))
            .or(if q > x.limit { W::MAX } else { W::ZERO })
    });
    bad == W::ZERO
}

/// The quotients `(v - base) / divisor`; every value must be `base` plus a multiple.
pub(crate) fn quotients<W: Word>(values: &[W], base: W, divisor: W) -> Vec<W> {
    match Exact::new(divisor) {
        Some(x) => values
            .iter()
            .map(|v| x.quotient(v.wsub(base)).unwrap_or(W::ZERO))
            .collect(),
        None => values.iter().map(|v| v.wsub(base).div(divisor)).collect(),
    }
}

/// Base and divisor for all of `values`: the divisor found on a sample, checked on every value
/// with one multiply each, or (when the check fails) the exact greatest common divisor.
fn full_divisor<W: Word>(values: &[W], kind: Kind) -> Option<(W, W)> {
    let signed = kind == Kind::Signed;
    let base = values
        .iter()
        .map(|v| v.order_key(signed))
        .min()?
        .order_key(signed);
    if let Some((_, g)) = common_divisor(&cascade::sample(values), kind)
        && divides(values, base, g)
    {
        return Some((base, g));
    }
    common_divisor(values, kind)
}

/// Appends the payload.
pub(crate) fn encode<W: Word>(
    values: &[W],
    kind: Kind,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    let Some((base, divisor)) = full_divisor(values, kind) else {
        return Err(Error::InvalidInput {
            reason: "no common divisor of at least 2".into(),
        });
    };
    base.write_le(out);
    divisor.write_le(out);
    cascade::put_words_child(
        &quotients(values, base, divisor),
        Kind::Unsigned,
        depth + 1,
        out,
    )
}

/// `base + divisor * q` over the child's quotients, one block at a time.
struct Scale<'a, W> {
    child: Box<dyn Blocks<W> + 'a>,
    base: W,
    divisor: W,
}

impl<W: Word> Blocks<W> for Scale<'_, W> {
    fn fill(&mut self, out: &mut [W]) -> Result<()> {
        self.child.fill(out)?;
        let (base, divisor) = (self.base, self.divisor);
        out.iter_mut().for_each(|q| *q = base.wadd(q.wmul(divisor)));
        Ok(())
    }

    fn skip(&mut self, n: usize) -> Result<()> {
        self.child.skip(n)
    }
}

/// Opens `len` values as blocks.
pub(crate) fn open<W: Word>(
    payload: &[u8],
    len: usize,
    base_at: usize,
    depth: u8,
) -> Result<Source<'_, W>> {
    let mut r = Reader::new(payload, base_at);
    let base = r.word::<W>("divide base")?;
    let at = r.offset();
    let divisor = r.word::<W>("divisor")?;
    if divisor.to_u64() < 2 {
        return Err(Error::corrupt(at, "divisor below 2"));
    }
    let (chunk, child_at) = r.child("quotients")?;
    r.finish("divide")?;
    let child = open_child(chunk, len, child_at, depth + 1)?.into_blocks();
    Ok(Source::Blocks(Box::new(Scale {
        child,
        base,
        divisor,
    })))
}
