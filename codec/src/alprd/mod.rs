//! ALP-RD ("real doubles") for floats with no decimal structure: each value's bits are cut into
//! a left part (the top 1..=16 bits: sign, exponent, leading mantissa, which repeat a lot) and a
//! right part (the remaining low bits, close to random). The left parts become a `u16` child
//! stream the cascade usually dictionary-encodes; the right parts are bit-packed at their width.
//!
//! Layout after the tag: `u8 right bits` · child left parts (`u16`) · child right parts (words).
//! This module owns the cut choice and that layout.

use crate::bytes::Reader;
use crate::cascade::{self, Kind};
use crate::encoding::decode_words;
use crate::word::Word;
use crate::{Error, Result};

/// The number of right bits that minimises estimated bits over `sample`.
pub(crate) fn choose_cut<W: Word>(sample: &[W]) -> u32 {
    let mut best = (W::BITS - 1, f64::MAX);
    let mut lefts: Vec<u64> = Vec::with_capacity(sample.len());
    for left_bits in 1..=16u32.min(W::BITS - 1) {
        let right = W::BITS - left_bits;
        lefts.clear();
        lefts.extend(sample.iter().map(|v| v.shr(right).to_u64()));
        lefts.sort_unstable();
        lefts.dedup();
        let distinct = lefts.len().max(1) as f64;
        let code_bits = distinct.log2().ceil();
        let per_value =
            right as f64 + code_bits + distinct * left_bits as f64 / sample.len().max(1) as f64;
        if per_value < best.1 {
            best = (right, per_value);
        }
    }
    best.0
}

/// Estimated bytes per value for a sample.
pub(crate) fn estimate<W: Word>(sample: &[W]) -> (u32, f64) {
    let right = choose_cut(sample);
    let left_bits = W::BITS - right;
    let mut lefts: Vec<u64> = sample.iter().map(|v| v.shr(right).to_u64()).collect();
    lefts.sort_unstable();
    lefts.dedup();
    let distinct = lefts.len().max(1) as f64;
    let bits = right as f64
        + distinct.log2().ceil()
        + distinct * (left_bits as f64 + 8.0) / sample.len().max(1) as f64;
    (right, bits / 8.0)
}

/// Appends the payload, cutting at `right` bits.
pub(crate) fn encode<W: Word>(
    values: &[W],
    right: u32,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    if right == 0 || right >= W::BITS || W::BITS - right > 16 {
        return Err(Error::InvalidInput {
            reason: format!("ALP-RD cut {right} is invalid for {}-bit words", W::BITS),
        });
    }
    let mask = W::MAX.shr(W::BITS - right);
    let left: Vec<u16> = values
        .iter()
        .map(|v| v.shr(right).to_u64() as u16)
        .collect();
    let low: Vec<W> = values.iter().map(|v| v.and(mask)).collect();
    out.push(right as u8);
    cascade::put_words_child(&left, Kind::Unsigned, depth + 1, out)?;
    cascade::put_words_child(&low, Kind::Unsigned, depth + 1, out)
}

/// Decodes `len` words.
pub(crate) fn decode<W: Word>(
    payload: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<Vec<W>> {
    let mut r = Reader::new(payload, base);
    let at = r.offset();
    let right = r.u8("alp-rd cut")? as u32;
    if right == 0 || right >= W::BITS || W::BITS - right > 16 {
        return Err(Error::corrupt(
            at,
            format!("alp-rd cut {right} is invalid for {}-bit words", W::BITS),
        ));
    }
    let (chunk, left_at) = r.child("alp-rd left parts")?;
    let left = decode_words::<u16>(chunk, len, left_at, depth + 1)?;
    let (chunk, right_at) = r.child("alp-rd right parts")?;
    let mut words = decode_words::<W>(chunk, len, right_at, depth + 1)?;
    r.finish("alp-rd")?;
    for (w, &l) in words.iter_mut().zip(&left) {
        *w = w.or(W::from_u64(l as u64).shl(right));
    }
    Ok(words)
}
