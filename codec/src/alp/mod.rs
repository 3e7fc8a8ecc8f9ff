//! ALP (Adaptive Lossless floating-Point, Afroozeh et al. 2023) for decimal-like floats: a value
//! `v` is stored as the integer `d = round(v * 10^e * 10^-f)` when `d * 10^f * 10^-e` gives back
//! exactly the same bits; every other value (NaN, infinities, -0.0, values with more digits or too
//! large) is an exception stored as raw bits at its position. Prices on a 0.01 grid become ticks
//! (`e = 2`), which the cascade then deltas and bit-packs. Exceptions leave the previous integer
//! in their slot so they do not widen the packed stream. `(e, f)` are chosen per chunk on a sample.
//!
//! Decoding multiplies by `10^-e` or, when that is not exact for the chunk, divides by `10^e`
//! (exact for every value parsed from decimal text with few enough digits).
//!
//! Layout after the tag: `u8 e` · `u8 f` · `u8 mode` (0 multiply, 1 divide) · `u32 exceptions` · child integers (`len` signed words)
//! · if exceptions: child positions (`u32`, increasing) · child raw bits.
//! This module owns the ALP arithmetic and that layout; `f64` uses `u64` words, `f32` `u32`.

#[cfg(target_arch = "x86_64")]
mod x86;

use crate::blocks::{Blocks, Source};
use crate::bytes::{Reader, put_count};
use crate::cascade::{self, Kind};
use crate::encoding::{decode_words, open as open_child};
use crate::scratch;
use crate::word::Word;
use crate::{Error, Result};

macro_rules! alp_float {
    ($m:ident, $f:ty, $u:ty, $i:ty, $max_e:literal, $limit:expr, $magic:expr, [$($p:literal),*], [$($q:literal),*]) => {
        pub(crate) mod $m {
            /// Largest exponent tried.
            pub(crate) const MAX_E: u8 = $max_e;
            const POW10: [$f; $max_e + 1] = [$($p),*];
            const FRAC10: [$f; $max_e + 1] = [$($q),*];

            /// `d` if `v` survives the round trip with `(e, f)`; `div` decodes by dividing by
            /// `10^e` (exact for values parsed from decimal text) instead of multiplying by `10^-e`.
            /// The plain statement of what [`encode_fast`] computes, kept as its test oracle.
            #[cfg(test)]
            pub(crate) fn encode_one(v: $f, e: u8, f: u8, div: bool) -> Option<$i> {
                let x = v * POW10[e as usize] * FRAC10[f as usize];
                if x.is_nan() || x.abs() >= $limit {
                    return None;
                }
                let d = ((x + $magic) - $magic) as $i;
                (decode_one(d, e, f, div).to_bits() == v.to_bits()).then_some(d)
            }

            #[cfg(test)]
            pub(crate) fn decode_one(d: $i, e: u8, f: u8, div: bool) -> $f {
                if div {
                    d as $f * POW10[f as usize] / POW10[e as usize]
                } else {
                    d as $f * POW10[f as usize] * FRAC10[e as usize]
                }
            }

            /// [`encode_one`] without a branch, so loops over it vectorise: the integer and
            /// whether it survives the round trip (the integer is meaningless when it does not).
            /// The same arithmetic in the same order, so the two always agree: the rounded
            /// value `r` is integral and below 2^51, hence `d as float == r`, and `d` is read
            /// from the bits of `r + magic`, whose last place is 1.
            #[inline(always)]
            pub(crate) fn encode_fast<const DIV: bool>(v: $f, p: $f, q: $f, fe: $f, ff: $f) -> ($i, bool) {
                // p = 10^e, q = 10^-f (encode); fe = 10^f, ff = 10^-e or 10^e (decode).
                let x = v * p * q;
                let m = x + $magic;
                let r = m - $magic;
                let d = (m.to_bits() as $i).wrapping_sub((($magic) as $f).to_bits() as $i);
                let back = if DIV { r * fe / ff } else { r * fe * ff };
                (d, (x.abs() < $limit) & (back.to_bits() == v.to_bits()))
            }

            /// The factors [`encode_fast`] takes for `(e, f, div)`.
            #[inline(always)]
            pub(crate) fn factors(e: u8, f: u8, div: bool) -> ($f, $f, $f, $f) {
                let back = if div { POW10[e as usize] } else { FRAC10[e as usize] };
                (POW10[e as usize], FRAC10[f as usize], POW10[f as usize], back)
            }

            /// Exceptions and the bit width of the integer range for `(e, f)` over `sample`.
            pub(crate) fn trial(sample: &[$f], e: u8, f: u8, div: bool) -> (usize, u32) {
                if div { trial_with::<true>(sample, e, f) } else { trial_with::<false>(sample, e, f) }
            }

            fn trial_with<const DIV: bool>(sample: &[$f], e: u8, f: u8) -> (usize, u32) {
                let (p, q, fe, ff) = factors(e, f, DIV);
                let (mut lo, mut hi, mut exc) = (<$i>::MAX, <$i>::MIN, 0usize);
                for &v in sample {
                    let (d, ok) = encode_fast::<DIV>(v, p, q, fe, ff);
                    lo = lo.min(if ok { d } else { <$i>::MAX });
                    hi = hi.max(if ok { d } else { <$i>::MIN });
                    exc += usize::from(!ok);
                }
                let width = if lo > hi { 0 } else { <$u>::BITS - (hi.wrapping_sub(lo) as $u).leading_zeros() };
                (exc, width)
            }

            /// The `(e, f, div)` that minimise estimated bits over `sample`: first the smallest
            /// exponent with the fewest exceptions (multiplying when that is as exact as dividing),
            /// then the factor that narrows the integers most.
            pub(crate) fn choose(sample: &[$f]) -> (u8, u8, bool) {
                let sample = &sample[..sample.len().min(1024)];
                let mut best_e = (0u8, false, usize::MAX);
                'search: for e in 0..=MAX_E {
                    for div in [false, true] {
                        let (exc, _) = trial(sample, e, 0, div);
                        if exc < best_e.2 {
                            best_e = (e, div, exc);
                        }
                        if exc == 0 {
                            break 'search;
                        }
                    }
                }
                let (e, div, _) = best_e;
                let mut best = (0u8, u64::MAX);
                for f in 0..=e {
                    let (exc, width) = trial(sample, e, f, div);
                    let bits = width as u64 * sample.len() as u64 + exc as u64 * (<$u>::BITS as u64 + 32);
                    if bits < best.1 {
                        best = (f, bits);
                    }
                }
                (e, best.0, div)
            }

            /// Writes the integers into `ints` (one per value; an exception gets the previous
            /// integer) and returns the exception positions and bits. `ints` may hold anything
            /// before: every value of it is written.
            pub(crate) fn split(values: &[$f], e: u8, f: u8, div: bool, ints: &mut [$u]) -> (Vec<u32>, Vec<$u>) {
                assert_eq!(ints.len(), values.len(), "one integer per value");
                #[cfg(target_arch = "x86_64")]
                if let Some(split) = super::x86::split::$m(values, e, f, div, ints) {
                    return split;
                }
                split_portable(values, e, f, div, ints)
            }

            /// [`split`] in plain Rust, for every target.
            #[inline(always)]
            pub(crate) fn split_portable(values: &[$f], e: u8, f: u8, div: bool, ints: &mut [$u]) -> (Vec<u32>, Vec<$u>) {
                if div { split_with::<true>(values, e, f, ints) } else { split_with::<false>(values, e, f, ints) }
            }

            /// [`split`] in blocks: one branch-free pass computes every integer and flags the
            /// exceptions, and only a block that has one is walked again to record it.
            #[inline(always)]
            fn split_with<const DIV: bool>(values: &[$f], e: u8, f: u8, ints: &mut [$u]) -> (Vec<u32>, Vec<$u>) {
                const STEP: usize = 1024;
                let (p, q, fe, ff) = factors(e, f, DIV);
                let (mut pos, mut raw) = (Vec::new(), Vec::new());
                let mut bad = [false; STEP];
                let mut fill: $u = 0;
                for (c, (vals, out)) in values.chunks(STEP).zip(ints.chunks_mut(STEP)).enumerate() {
                    let mut any = false;
                    for ((&v, d), b) in vals.iter().zip(out.iter_mut()).zip(bad.iter_mut()) {
                        let (int, ok) = encode_fast::<DIV>(v, p, q, fe, ff);
                        *d = int as $u;
                        *b = !ok;
                        any |= !ok;
                    }
                    if any {
                        for (i, (d, &v)) in out.iter_mut().zip(vals).enumerate() {
                            if bad[i] {
                                *d = fill;
                                pos.push((c * STEP + i) as u32);
                                raw.push(v.to_bits());
                            } else {
                                fill = *d;
                            }
                        }
                    } else if let Some(&last) = out.last() {
                        fill = last;
                    }
                }
                (pos, raw)
            }

            /// In place: integers (as words) to float bits; the AVX2 build where it runs.
            pub(crate) fn decode_in_place(words: &mut [$u], e: u8, f: u8, div: bool) {
                #[cfg(target_arch = "x86_64")]
                if super::x86::$m(words, e, f, div) {
                    return;
                }
                decode_portable(words, e, f, div)
            }

            /// [`decode_in_place`] in plain Rust, for every target.
            #[inline(always)]
            pub(crate) fn decode_portable(words: &mut [$u], e: u8, f: u8, div: bool) {
                // Every integer an encoder writes is below the limit in magnitude (larger ones
                // are exceptions). Those convert exactly through the magic number: `magic + d`
                // is formed in the bits, `magic` subtracted again, which vectorises where
                // `d as float` does not (AVX2 has no 64-bit integer to float instruction). One
                // OR over the block says whether it may; any other block converts one by one.
                const LIMIT: $u = ($limit) as $u;
                const SHIFT: u32 = LIMIT.trailing_zeros() + 1;
                const MAGIC: $f = $magic;
                let wide = words.iter().fold(0, |m, &w| m | (w.wrapping_add(LIMIT) >> SHIFT));
                let (a, b) = (POW10[f as usize], if div { POW10[e as usize] } else { FRAC10[e as usize] });
                // Four loops so each has no branch inside and vectorises.
                match (wide == 0, div) {
                    (true, true) => words.iter_mut().for_each(|w| {
                        *w = ((<$f>::from_bits(MAGIC.to_bits().wrapping_add(*w)) - MAGIC) * a / b).to_bits()
                    }),
                    (true, false) => words.iter_mut().for_each(|w| {
                        *w = ((<$f>::from_bits(MAGIC.to_bits().wrapping_add(*w)) - MAGIC) * a * b).to_bits()
                    }),
                    (false, true) => words.iter_mut().for_each(|w| *w = (*w as $i as $f * a / b).to_bits()),
                    (false, false) => words.iter_mut().for_each(|w| *w = (*w as $i as $f * a * b).to_bits()),
                }
            }
        }
    };
}

alp_float!(
    f64s,
    f64,
    u64,
    i64,
    18,
    2_251_799_813_685_248.0, /* 2^51 */
    6_755_399_441_055_744.0, /* 2^52 + 2^51 */
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18
    ],
    [
        1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13,
        1e-14, 1e-15, 1e-16, 1e-17, 1e-18
    ]
);
alp_float!(
    f32s,
    f32,
    u32,
    i32,
    10,
    4_194_304.0,  /* 2^22 */
    12_582_912.0, /* 2^23 + 2^22 */
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10],
    [
        1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10
    ]
);

/// Estimated `(e, f)`, exception share and integer stream for a sample of float words.
pub(crate) fn analyze<W: Word>(sample: &[W]) -> Option<(u8, u8, Vec<W>, usize)> {
    if W::BITS == 64
        && let Ok(v) = bytemuck::try_cast_slice::<W, u64>(sample)
    {
        let v: &[f64] = bytemuck::cast_slice(v);
        let (e, f, div) = f64s::choose(v);
        let mut ints = vec![0; v.len()];
        let (pos, _) = f64s::split(v, e, f, div, &mut ints);
        Some((
            e,
            f,
            bytemuck::allocation::try_cast_vec(ints).ok()?,
            pos.len(),
        ))
    } else if let Ok(v) = bytemuck::try_cast_slice::<W, u32>(sample) {
        let v: &[f32] = bytemuck::cast_slice(v);
        let (e, f, div) = f32s::choose(v);
        let mut ints = vec![0; v.len()];
        let (pos, _) = f32s::split(v, e, f, div, &mut ints);
        Some((
            e,
            f,
            bytemuck::allocation::try_cast_vec(ints).ok()?,
            pos.len(),
        ))
    } else {
        None
    }
}

#[allow(clippy::too_many_arguments)]
fn write<W: Word>(
    e: u8,
    f: u8,
    div: bool,
    ints: &[W],
    pos: Vec<u32>,
    raw: Vec<W>,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    out.extend_from_slice(&[e, f, u8::from(div)]);
    put_count(pos.len(), out)?;
    cascade::put_words_child(ints, Kind::Signed, depth + 1, out)?;
    if !pos.is_empty() {
        cascade::put_words_child(&pos, Kind::Unsigned, depth + 1, out)?;
        cascade::put_leaf_child(&raw, Kind::Float, out)?;
    }
    Ok(())
}

/// Appends the payload for float words, choosing `(e, f)` on `sample`.
pub(crate) fn encode<W: Word>(
    values: &[W],
    sample: &[W],
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    let unsupported = || Error::InvalidInput {
        reason: format!("ALP needs f32 or f64, not {}-bit words", W::BITS),
    };
    let cast = |v| bytemuck::allocation::try_cast_vec::<_, W>(v).map_err(|_| unsupported());
    if W::BITS == 64
        && let Ok(v) = bytemuck::try_cast_slice::<W, u64>(values)
    {
        let s: &[f64] = bytemuck::cast_slice(
            bytemuck::try_cast_slice::<W, u64>(sample).map_err(|_| unsupported())?,
        );
        let (e, f, div) = f64s::choose(s);
        // The integers go to a child encoder and are dropped: a buffer kept by this thread
        // spares the fresh (faulted-in, zeroed) megabyte a chunk would otherwise cost.
        scratch::with(v.len(), |ints: &mut [u64]| {
            let (pos, raw) = f64s::split(bytemuck::cast_slice(v), e, f, div, ints);
            write(
                e,
                f,
                div,
                bytemuck::cast_slice(ints),
                pos,
                cast(raw)?,
                depth,
                out,
            )
        })
    } else if let Ok(v) = bytemuck::try_cast_slice::<W, u32>(values) {
        let s: &[f32] = bytemuck::cast_slice(
            bytemuck::try_cast_slice::<W, u32>(sample).map_err(|_| unsupported())?,
        );
        let (e, f, div) = f32s::choose(s);
        let cast32 = |v: Vec<u32>| {
            bytemuck::allocation::try_cast_vec::<u32, W>(v).map_err(|_| unsupported())
        };
        scratch::with(v.len(), |ints: &mut [u32]| {
            let (pos, raw) = f32s::split(bytemuck::cast_slice(v), e, f, div, ints);
            write(
                e,
                f,
                div,
                bytemuck::cast_slice(ints),
                pos,
                cast32(raw)?,
                depth,
                out,
            )
        })
    } else {
        Err(unsupported())
    }
}

/// Floats from the child's integers, exceptions patched in, one block at a time.
struct Floats<'a, W> {
    child: Box<dyn Blocks<W> + 'a>,
    e: u8,
    f: u8,
    div: bool,
    /// Exception positions (strictly increasing) and raw bits.
    pos: Vec<u32>,
    raw: Vec<W>,
    /// Values emitted so far and the next exception.
    done: usize,
    next: usize,
}

impl<W: Word> Blocks<W> for Floats<'_, W> {
    fn fill(&mut self, out: &mut [W]) -> Result<()> {
        self.child.fill(out)?;
        // By width, not by a cast that may succeed: u32 pairs can also be viewed as u64.
        if W::BITS == 64
            && let Ok(w) = bytemuck::try_cast_slice_mut::<W, u64>(out)
        {
            f64s::decode_in_place(w, self.e, self.f, self.div);
        } else if W::BITS == 32
            && let Ok(w) = bytemuck::try_cast_slice_mut::<W, u32>(out)
        {
            f32s::decode_in_place(w, self.e, self.f, self.div);
        }
        let end = self.done + out.len();
        while let Some(&p) = self.pos.get(self.next) {
            let p = p as usize;
            if p >= end {
                break;
            }
            if let (Some(slot), Some(&v)) = (out.get_mut(p - self.done), self.raw.get(self.next)) {
                *slot = v;
            }
            self.next += 1;
        }
        self.done = end;
        Ok(())
    }

    /// Steps the child over the block and the exception cursor past it; no floats are made.
    fn skip(&mut self, n: usize) -> Result<()> {
        self.child.skip(n)?;
        let end = self.done + n;
        while self.pos.get(self.next).is_some_and(|&p| (p as usize) < end) {
            self.next += 1;
        }
        self.done = end;
        Ok(())
    }
}

/// Opens `len` float words as blocks.
pub(crate) fn open<W: Word>(
    payload: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<Source<'_, W>> {
    let mut r = Reader::new(payload, base);
    let at = r.offset();
    let (e, f, mode) = (
        r.u8("alp exponent")?,
        r.u8("alp factor")?,
        r.u8("alp mode")?,
    );
    let max_e = if W::BITS == 64 {
        f64s::MAX_E
    } else {
        f32s::MAX_E
    };
    if e > max_e || f > e || mode > 1 || !(W::BITS == 64 || W::BITS == 32) {
        return Err(Error::corrupt(
            at,
            format!(
                "alp exponents e={e} f={f} are invalid for {}-bit floats",
                W::BITS
            ),
        ));
    }
    let nexc = r.count(len, "alp exceptions")?;
    let (chunk, child_at) = r.child("alp integers")?;
    let child = open_child(chunk, len, child_at, depth + 1)?.into_blocks();
    let (mut pos, mut raw) = (Vec::new(), Vec::new());
    if nexc > 0 {
        let (chunk, at) = r.child("alp exception positions")?;
        pos = decode_words::<u32>(chunk, nexc, at, depth + 1)?;
        let (chunk, at2) = r.child("alp exception values")?;
        raw = decode_words::<W>(chunk, nexc, at2, depth + 1)?;
        let increasing = pos.windows(2).all(|w| w[0] < w[1]);
        if !increasing || pos.last().is_some_and(|&p| p as usize >= len) {
            return Err(Error::corrupt(
                at,
                format!("alp exception positions are not increasing below {len}"),
            ));
        }
    }
    r.finish("alp")?;
    Ok(Source::Blocks(Box::new(Floats {
        child,
        e,
        f,
        div: mode == 1,
        pos,
        raw,
        done: 0,
        next: 0,
    })))
}

#[cfg(test)]
mod tests {
    use super::{f32s, f64s};

    /// Values at every edge of the fast path: decimals, the rounding limit and its neighbours,
    /// signed zeros, NaN payloads, infinities, subnormals and LOBSTER's dummy prices.
    fn edges64() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.3,
            101.25,
            -101.25,
            9_999_999_999.0,
            -9_999_999_999.0,
            f64::NAN,
            -f64::NAN,
            f64::from_bits(0x7ff8_0000_dead_beef),
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            1e300,
            1e-300,
        ];
        for k in [51, 52, 53] {
            let p = (1u64 << k) as f64;
            v.extend([p, -p, p - 0.5, p + 1.0, -(p - 0.5), p - 1.0]);
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..4000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v.push((x % 10_000_000) as f64 / 100.0);
            v.push(f64::from_bits(x));
            v.push((x as i64 >> 11) as f64 * 1e-6);
        }
        v
    }

    /// Every `(e, f, div)` on every edge value: the branch-free form and the plain one agree.
    macro_rules! agrees {
        ($name:ident, $m:ident, $f:ty) => {
            #[test]
            fn $name() {
                for v in edges64() {
                    let v = v as $f;
                    for e in 0..=$m::MAX_E {
                        for f in 0..=e {
                            for div in [false, true] {
                                let (p, q, fe, ff) = $m::factors(e, f, div);
                                let (d, ok) = if div {
                                    $m::encode_fast::<true>(v, p, q, fe, ff)
                                } else {
                                    $m::encode_fast::<false>(v, p, q, fe, ff)
                                };
                                let plain = $m::encode_one(v, e, f, div);
                                let bits = v.to_bits();
                                assert_eq!(
                                    ok.then_some(d),
                                    plain,
                                    "{v:e} ({bits:#x}) e={e} f={f} div={div}"
                                );
                            }
                        }
                    }
                }
            }
        };
    }
    agrees!(the_fast_f64_path_agrees_with_the_plain_one, f64s, f64);
    agrees!(the_fast_f32_path_agrees_with_the_plain_one, f32s, f32);

    /// Blocks of integers at and around the magic-number limit, for every `(e, f, div)`: the
    /// block conversion (the AVX2 build where it runs, and the portable one) gives the bits of
    /// the plain `d as float` one, whether the whole block is in range (the magic-number loop)
    /// or one value is out of it (the one-by-one loop).
    macro_rules! converts {
        ($name:ident, $m:ident, $u:ty, $i:ty, $bits:literal) => {
            #[test]
            fn $name() {
                let l: $i = 1 << $bits;
                let inside: Vec<$i> = vec![0, 1, -1, 7, -7, l - 1, -l, -l + 1, l / 2, -l / 2, 1234];
                let outside: Vec<$i> = vec![l, -l - 1, <$i>::MAX, <$i>::MIN, l * 2, -l * 2];
                let mut blocks = vec![inside.clone()];
                for &o in &outside {
                    let mut b = inside.clone();
                    b.push(o);
                    blocks.push(b);
                }
                for e in 0..=$m::MAX_E {
                    for f in 0..=e {
                        for div in [false, true] {
                            for block in &blocks {
                                let mut words: Vec<$u> = block.iter().map(|&d| d as $u).collect();
                                let mut portable = words.clone();
                                $m::decode_in_place(&mut words, e, f, div);
                                $m::decode_portable(&mut portable, e, f, div);
                                let want: Vec<$u> = block
                                    .iter()
                                    .map(|&d| $m::decode_one(d, e, f, div).to_bits())
                                    .collect();
                                assert_eq!(words, want, "e={e} f={f} div={div} {block:?}");
                                assert_eq!(portable, want, "portable e={e} f={f} div={div}");
                            }
                        }
                    }
                }
            }
        };
    }
    converts!(
        f64_blocks_convert_exactly_inside_and_outside_the_limit,
        f64s,
        u64,
        i64,
        51
    );
    converts!(
        f32_blocks_convert_exactly_inside_and_outside_the_limit,
        f32s,
        u32,
        i32,
        22
    );

    /// The split (the AVX2 build where it runs) equals the portable one on the edge values and
    /// on decimals, in blocks with and without exceptions, for every `(e, f, div)`.
    macro_rules! splits {
        ($name:ident, $m:ident, $f:ty) => {
            #[test]
            fn $name() {
                let edges: Vec<$f> = edges64().into_iter().map(|v| v as $f).collect();
                let decimals: Vec<$f> = (0..3000).map(|i| (i * 7 % 1000) as $f / 100.0).collect();
                for values in [&edges[..], &decimals[..], &edges[..5]] {
                    for e in 0..=$m::MAX_E {
                        for f in 0..=e {
                            for div in [false, true] {
                                // The dispatched build writes over a buffer of stale values,
                                // the portable one over zeros: every integer must be written.
                                let mut stale = vec![!0; values.len()];
                                let mut fresh = vec![0; values.len()];
                                assert_eq!(
                                    ($m::split(values, e, f, div, &mut stale), stale),
                                    ($m::split_portable(values, e, f, div, &mut fresh), fresh),
                                    "e={e} f={f} div={div}"
                                );
                            }
                        }
                    }
                }
            }
        };
    }
    splits!(the_f64_split_builds_agree, f64s, f64);
    splits!(the_f32_split_builds_agree, f32s, f32);
}
