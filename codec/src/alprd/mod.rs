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
    cut(sample).0
}

/// The cut [`choose_cut`] picks, with the number of distinct left parts it leaves.
///
/// Left parts of every width are prefixes of the widest one, and a prefix of a sorted list is
/// sorted: one sort of the widest left parts serves all widths. Neighbours differ at a width
/// exactly when their highest differing bit is within it, so one pass counting neighbours by
/// that bit counts the distinct parts of every width.
fn cut<W: Word>(sample: &[W]) -> (u32, usize) {
    let widest = 16u32.min(W::BITS - 1);
    let mut lefts: Vec<u64> = sample
        .iter()
        .map(|v| v.shr(W::BITS - widest).to_u64())
        .collect();
    lefts.sort_unstable();
    // `by_top[b]`: neighbours whose highest differing bit is bit `b - 1` (0: equal ones).
    let mut by_top = [0usize; 17];
    for pair in lefts.windows(2) {
        by_top[(u64::BITS - (pair[0] ^ pair[1]).leading_zeros()) as usize] += 1;
    }
    let mut best = (W::BITS - 1, f64::MAX, 1);
    let mut changes = 0;
    for left_bits in 1..=widest {
        let right = W::BITS - left_bits;
        // Parts `left_bits` wide differ where the highest differing bit is among their bits.
        changes += by_top[(widest - left_bits + 1) as usize];
        let distinct = (changes + usize::from(!lefts.is_empty())).max(1);
        let code_bits = (distinct as f64).log2().ceil();
        let per_value = right as f64
            + code_bits
            + distinct as f64 * left_bits as f64 / sample.len().max(1) as f64;
        if per_value < best.1 {
            best = (right, per_value, distinct);
        }
    }
    (best.0, best.2)
}

/// Estimated bytes per value for a sample.
pub(crate) fn estimate<W: Word>(sample: &[W]) -> (u32, f64) {
    let (right, distinct) = cut(sample);
    let left_bits = W::BITS - right;
    let distinct = distinct as f64;
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

#[cfg(test)]
mod tests {
    use super::cut;
    use crate::word::Word;
    use proptest::prelude::*;

    /// The cut by the definition: every width's left parts sorted and deduplicated afresh.
    fn cut_by_definition<W: Word>(sample: &[W]) -> (u32, usize) {
        let mut best = (W::BITS - 1, f64::MAX, 1);
        for left_bits in 1..=16u32.min(W::BITS - 1) {
            let right = W::BITS - left_bits;
            let mut lefts: Vec<u64> = sample.iter().map(|v| v.shr(right).to_u64()).collect();
            lefts.sort_unstable();
            lefts.dedup();
            let distinct = lefts.len().max(1);
            let per_value = right as f64
                + (distinct as f64).log2().ceil()
                + distinct as f64 * left_bits as f64 / sample.len().max(1) as f64;
            if per_value < best.1 {
                best = (right, per_value, distinct);
            }
        }
        (best.0, best.2)
    }

    proptest! {
        /// One sort of the widest left parts picks the cut and counts what sorting each width
        /// afresh does, for doubles and floats, spread or clustered.
        #[test]
        fn one_sort_cuts_as_the_definition(
            raw in proptest::collection::vec(any::<u64>(), 0..600),
            cluster in 0u32..64,
        ) {
            let doubles: Vec<u64> = raw.iter().map(|&r| r >> cluster | 0x4000 << 48).collect();
            prop_assert_eq!(cut(&doubles), cut_by_definition(&doubles));
            prop_assert_eq!(cut(&raw), cut_by_definition(&raw));
            let floats: Vec<u32> = raw.iter().map(|&r| (r >> 32) as u32 >> (cluster % 32)).collect();
            prop_assert_eq!(cut(&floats), cut_by_definition(&floats));
        }
    }
}
