//! Dictionary: distinct values once, in order of falling frequency (ties by value or by first
//! appearance), and one code per value. Frequent values get small codes, so the codes bit-pack
//! narrowly with patches for the rare ones. Codes are `u8`, `u16` or `u32` by dictionary size;
//! both the dictionary and the codes are child streams chosen by the cascade.
//!
//! Layout after the tag: `u32 k` · child dictionary (`k` words or strings) · child codes.
//! This module owns that layout and the frequency ordering.

use crate::bitpack::BLOCK;
use crate::blocks::{Blocks, Source};
use crate::bytes::{Reader, put_child, put_count};
use crate::cascade::{self, Kind};
use crate::encoding::{decode_binary, decode_words, open as open_child};
use crate::word::Word;
use crate::{Error, Result};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[cfg(target_arch = "x86_64")]
mod x86;

/// Multiplicative hash (FxHash): hashing is on the encode path of every dictionary candidate.
#[derive(Default)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64)
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(i as u64)
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64)
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64)
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Widest value range counted with a direct table instead of a hash map.
const TABLE_RANGE: u64 = 1 << 16;

/// The smallest and largest [`Word::order_key`] of `values`, `None` when empty.
///
/// One pass with both extremes, written as plain select-on-compare reductions, which the
/// compiler vectorises (and interleaves) itself. Hand-kept lanes (`[W; 8]` per extreme) made it
/// vectorise across chunks instead, loading each lane's values one by one: three times the
/// instructions on 64-bit words.
#[inline]
fn key_range<W: Word>(values: &[W], signed: bool) -> Option<(W, W)> {
    #[cfg(target_arch = "x86_64")]
    if let Some(r) = x86::key_range(values, signed) {
        return r;
    }
    key_range_portable(values, signed)
}

/// The smallest and largest of `values` (`None` when empty): the vectorised [`key_range`], for
/// callers outside the codec that keep statistics (a segment's chunk directory).
///
/// ```
/// assert_eq!(floe_codec::min_max_i64(&[3, -7, i64::MAX, 5]), Some((-7, i64::MAX)));
/// assert_eq!(floe_codec::min_max_i64(&[]), None);
/// ```
pub fn min_max_i64(values: &[i64]) -> Option<(i64, i64)> {
    let (lo, hi) = key_range(bytemuck::cast_slice::<i64, u64>(values), true)?;
    Some((lo.order_key(true) as i64, hi.order_key(true) as i64))
}

/// [`key_range`] as plain Rust; the x86 leaf compiles this same body with AVX2 (SSE2 has no
/// 64-bit compare).
#[inline(always)]
fn key_range_portable<W: Word>(values: &[W], signed: bool) -> Option<(W, W)> {
    // Compared as signed keys (`order_key ^ SIGN`), one compare a vector.
    let first = values.first()?.signed_key(signed);
    let (mut min, mut max) = (first, first);
    for &v in values {
        let k = v.signed_key(signed);
        min = if k.signed_lt(min) { k } else { min };
        max = if max.signed_lt(k) { k } else { max };
    }
    Some((min.xor(W::SIGN), max.xor(W::SIGN)))
}

/// Distinct values with their counts, most frequent first, or `None` past `max_distinct`.
pub(crate) fn histogram<W: Word>(
    values: &[W],
    kind: Kind,
    max_distinct: usize,
) -> Option<Vec<(W, u32)>> {
    let signed = kind == Kind::Signed;
    let (min, max) = key_range(values, signed)?;
    let range = max.wsub(min).to_u64();
    let mut hist: Vec<(W, u32)> = if range < TABLE_RANGE {
        // Four interleaved tables, so runs of one value do not wait on one counter; only
        // when the values outnumber the tables' slots, or clearing and summing them costs
        // more than the stalls (a 1,024-value sample over a wide range).
        let width = range as usize + 1;
        let ways = if values.len() >= 4 * width { 4 } else { 1 };
        let mut tables = vec![0u32; ways * width];
        let slot = |v: &W| v.order_key(signed).wsub(min).to_u64() as usize;
        if ways == 4 {
            let mut quads = values.chunks_exact(4);
            for q in &mut quads {
                tables[slot(&q[0])] += 1;
                tables[width + slot(&q[1])] += 1;
                tables[2 * width + slot(&q[2])] += 1;
                tables[3 * width + slot(&q[3])] += 1;
            }
            quads.remainder().iter().for_each(|v| tables[slot(v)] += 1);
        } else {
            values.iter().for_each(|v| tables[slot(v)] += 1);
        }
        let (first, rest) = tables.split_at_mut(width);
        for other in rest.chunks_exact(width) {
            first.iter_mut().zip(other).for_each(|(c, o)| *c += o);
        }
        let counts = first;
        let hist: Vec<(W, u32)> = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, &c)| (min.wadd(W::from_u64(i as u64)).order_key(signed), c))
            .collect();
        if hist.len() > max_distinct {
            return None;
        }
        hist
    } else {
        let mut map: FxMap<W, u32> = FxMap::default();
        for &v in values {
            *map.entry(v).or_insert(0) += 1;
            if map.len() > max_distinct {
                return None;
            }
        }
        map.into_iter().collect()
    };
    hist.sort_unstable_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.order_key(signed).cmp(&b.0.order_key(signed)))
    });
    Some(hist)
}

/// Appends codes of width `C` for `values` given `index` (value -> code).
fn codes<W: Word, C: Word>(values: &[W], code_of: impl Fn(W) -> u32) -> Vec<C> {
    let mut codes = vec![C::ZERO; values.len()];
    for (c, &v) in codes.iter_mut().zip(values) {
        *c = C::from_u64(code_of(v) as u64);
    }
    codes
}

fn put_codes<W: Word>(
    values: &[W],
    k: usize,
    depth: u8,
    code_of: impl Fn(W) -> u32,
    out: &mut Vec<u8>,
) -> Result<()> {
    let depth = depth + 1;
    if k <= 1 << 8 {
        cascade::put_words_child(&codes::<W, u8>(values, code_of), Kind::Unsigned, depth, out)
    } else if k <= 1 << 16 {
        cascade::put_words_child(
            &codes::<W, u16>(values, code_of),
            Kind::Unsigned,
            depth,
            out,
        )
    } else {
        cascade::put_words_child(
            &codes::<W, u32>(values, code_of),
            Kind::Unsigned,
            depth,
            out,
        )
    }
}

/// Appends the payload for words; `hist` is [`histogram`] of `values` when the caller counted
/// already.
pub(crate) fn encode<W: Word>(
    values: &[W],
    kind: Kind,
    hist: Option<Vec<(W, u32)>>,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    let Some(hist) = hist.or_else(|| histogram(values, kind, values.len())) else {
        return Err(Error::InvalidInput {
            reason: "no values for a dictionary".into(),
        });
    };
    let dict: Vec<W> = hist.iter().map(|h| h.0).collect();
    put_count(dict.len(), out)?;
    cascade::put_words_child(&dict, kind, depth + 1, out)?;
    let signed = kind == Kind::Signed;
    // The dictionary holds every distinct value, so its range is the values' range.
    let (min, max) = key_range(&dict, signed).unwrap_or((W::ZERO, W::ZERO));
    if max.wsub(min).to_u64() < TABLE_RANGE {
        // A power-of-two table: every value's slot is in range, and masking the index lets the
        // compiler see that too, so the lookup per value has no bounds check.
        let mask = (max.wsub(min).to_u64() as usize + 1).next_power_of_two() - 1;
        let mut table = vec![0u32; mask + 1];
        for (code, &(v, _)) in dict.iter().zip(&hist).enumerate().map(|(c, (_, h))| (c, h)) {
            table[v.order_key(signed).wsub(min).to_u64() as usize & mask] = code as u32;
        }
        let table = &table[..=mask];
        put_codes(
            values,
            dict.len(),
            depth,
            |v| table[v.order_key(signed).wsub(min).to_u64() as usize & mask],
            out,
        )
    } else {
        let index: FxMap<W, u32> = dict
            .iter()
            .enumerate()
            .map(|(c, &v)| (v, c as u32))
            .collect();
        put_codes(
            values,
            dict.len(),
            depth,
            |v| index.get(&v).copied().unwrap_or(0),
            out,
        )
    }
}

/// Decodes the codes child of a dictionary of `k` entries into `u32` codes, each checked `< k`.
fn decode_codes(r: &mut Reader<'_>, k: usize, len: usize, depth: u8) -> Result<Vec<u32>> {
    let (chunk, at) = r.child("dictionary codes")?;
    let codes: Vec<u32> = if k <= 1 << 8 {
        decode_words::<u8>(chunk, len, at, depth + 1)?
            .into_iter()
            .map(u32::from)
            .collect()
    } else if k <= 1 << 16 {
        decode_words::<u16>(chunk, len, at, depth + 1)?
            .into_iter()
            .map(u32::from)
            .collect()
    } else {
        decode_words::<u32>(chunk, len, at, depth + 1)?
    };
    if let Some(c) = codes.iter().copied().max().filter(|&c| c as usize >= k) {
        return Err(Error::corrupt(
            at,
            format!("code {c} is outside a dictionary of {k}"),
        ));
    }
    Ok(codes)
}

/// Dictionary values gathered by the child's codes, one block at a time.
struct Gather<'a, W, C> {
    codes: Box<dyn Blocks<C> + 'a>,
    dict: Vec<W>,
    buf: Box<[C; BLOCK]>,
    at: usize,
}

impl<W: Word, C: Word> Blocks<W> for Gather<'_, W, C> {
    fn fill(&mut self, out: &mut [W]) -> Result<()> {
        let codes = &mut self.buf[..out.len()];
        self.codes.fill(codes)?;
        let k = self.dict.len();
        if let Some(c) = codes
            .iter()
            .copied()
            .max()
            .filter(|c| c.to_u64() as usize >= k)
        {
            return Err(Error::corrupt(
                self.at,
                format!("code {c:?} is outside a dictionary of {k}"),
            ));
        }
        for (o, c) in out.iter_mut().zip(codes.iter()) {
            *o = self
                .dict
                .get(c.to_u64() as usize)
                .copied()
                .unwrap_or(W::ZERO);
        }
        Ok(())
    }

    /// Steps the codes over the block; nothing is looked up.
    fn skip(&mut self, n: usize) -> Result<()> {
        self.codes.skip(n)
    }
}

/// Opens `len` words as blocks.
pub(crate) fn open<W: Word>(
    payload: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<Source<'_, W>> {
    let mut r = Reader::new(payload, base);
    let k = r.count(len, "dictionary size")?;
    let (chunk, at) = r.child("dictionary")?;
    let dict = decode_words::<W>(chunk, k, at, depth + 1)?;
    let (chunk, at) = r.child("dictionary codes")?;
    r.finish("dictionary")?;
    fn gather<'a, W: Word, C: Word>(
        chunk: &'a [u8],
        dict: Vec<W>,
        len: usize,
        at: usize,
        depth: u8,
    ) -> Result<Source<'a, W>> {
        let codes = open_child::<C>(chunk, len, at, depth + 1)?.into_blocks();
        Ok(Source::Blocks(Box::new(Gather {
            codes,
            dict,
            buf: Box::new([C::ZERO; BLOCK]),
            at,
        })))
    }
    if k <= 1 << 8 {
        gather::<W, u8>(chunk, dict, len, at, depth)
    } else if k <= 1 << 16 {
        gather::<W, u16>(chunk, dict, len, at, depth)
    } else {
        gather::<W, u32>(chunk, dict, len, at, depth)
    }
}

/// Distinct strings, most frequent first (ties by first appearance), and each value's code.
pub(crate) fn string_dictionary<'a>(
    offsets: &[i32],
    data: &'a [u8],
    max_distinct: usize,
) -> Option<(Vec<&'a [u8]>, Vec<u32>)> {
    let mut index: FxMap<&[u8], u32> = FxMap::default();
    let mut entries: Vec<(&[u8], u32)> = Vec::new();
    let mut codes = Vec::with_capacity(offsets.len().saturating_sub(1));
    for w in offsets.windows(2) {
        let s = data.get(w[0] as usize..w[1] as usize)?;
        let code = *index.entry(s).or_insert_with(|| {
            entries.push((s, 0));
            entries.len() as u32 - 1
        });
        entries[code as usize].1 += 1;
        codes.push(code);
        if entries.len() > max_distinct {
            return None;
        }
    }
    let mut order: Vec<u32> = (0..entries.len() as u32).collect();
    order.sort_by(|&a, &b| {
        entries[b as usize]
            .1
            .cmp(&entries[a as usize].1)
            .then(a.cmp(&b))
    });
    let mut rank = vec![0u32; entries.len()];
    for (r, &o) in order.iter().enumerate() {
        rank[o as usize] = r as u32;
    }
    codes.iter_mut().for_each(|c| *c = rank[*c as usize]);
    Some((
        order.iter().map(|&o| entries[o as usize].0).collect(),
        codes,
    ))
}

/// Appends the payload for strings.
pub(crate) fn encode_binary(
    offsets: &[i32],
    data: &[u8],
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    let n = offsets.len().saturating_sub(1);
    let Some((dict, codes)) = string_dictionary(offsets, data, n.max(1)) else {
        return Err(Error::InvalidInput {
            reason: "binary offsets are not within the data".into(),
        });
    };
    let mut doffs = Vec::with_capacity(dict.len() + 1);
    let mut dbytes = Vec::new();
    doffs.push(0i32);
    for s in &dict {
        dbytes.extend_from_slice(s);
        doffs.push(
            i32::try_from(dbytes.len()).map_err(|_| Error::InvalidInput {
                reason: "dictionary over 2 GiB".into(),
            })?,
        );
    }
    put_count(dict.len(), out)?;
    put_child(&cascade::encode_binary(&doffs, &dbytes, depth + 1)?, out)?;
    put_codes(&codes, dict.len(), depth, |c| c, out)
}

/// Decodes `len` strings into offsets and data.
pub(crate) fn decode_binary_dict(
    payload: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<(Vec<i32>, Vec<u8>)> {
    let mut r = Reader::new(payload, base);
    let k = r.count(len, "dictionary size")?;
    let (chunk, at) = r.child("dictionary")?;
    let (doffs, dbytes) = decode_binary(chunk, k, at, depth + 1)?;
    let codes = decode_codes(&mut r, k, len, depth)?;
    r.finish("dictionary")?;
    let mut total = 0usize;
    for &c in &codes {
        total += (doffs[c as usize + 1] - doffs[c as usize]) as usize;
        if total > i32::MAX as usize {
            return Err(Error::corrupt(base, "dictionary strings exceed 2 GiB"));
        }
    }
    let mut offsets = Vec::new();
    offsets
        .try_reserve_exact(len + 1)
        .map_err(|_| Error::corrupt(base, "cannot allocate offsets"))?;
    offsets.push(0i32);
    let mut data = Vec::new();
    data.try_reserve_exact(total)
        .map_err(|_| Error::corrupt(base, "cannot allocate string data"))?;
    for &c in &codes {
        data.extend_from_slice(&dbytes[doffs[c as usize] as usize..doffs[c as usize + 1] as usize]);
        offsets.push(data.len() as i32);
    }
    Ok((offsets, data))
}

#[cfg(test)]
mod tests {
    use super::{key_range, key_range_portable, min_max_i64};

    /// The signed minimum and maximum, at the extremes and across the groups of eight.
    #[test]
    fn min_max_i64_is_the_signed_minimum_and_maximum() {
        assert_eq!(min_max_i64(&[]), None);
        assert_eq!(min_max_i64(&[-5]), Some((-5, -5)));
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for len in [1, 7, 8, 9, 31, 1000] {
            let mut v: Vec<i64> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as i64 >> (x % 40)
                })
                .collect();
            let plain = |v: &[i64]| v.iter().min().copied().zip(v.iter().max().copied());
            assert_eq!(min_max_i64(&v), plain(&v), "{len}");
            v[len / 2] = i64::MIN;
            v[len - 1] = i64::MAX;
            assert_eq!(min_max_i64(&v), plain(&v), "{len} with the extremes");
        }
    }
    use crate::word::Word;
    use proptest::prelude::*;

    fn plain<W: Word>(values: &[W], signed: bool) -> Option<(W, W)> {
        let keys = values.iter().map(|v| v.order_key(signed));
        keys.clone().min().zip(keys.max())
    }

    proptest! {
        #[test]
        fn key_range_is_min_and_max_of_the_keys(
            wide in proptest::collection::vec(any::<u64>(), 0..40),
            narrow in proptest::collection::vec(any::<u8>(), 0..40),
            signed: bool,
        ) {
            prop_assert_eq!(key_range(&wide, signed), plain(&wide, signed));
            prop_assert_eq!(key_range_portable(&wide, signed), plain(&wide, signed));
            prop_assert_eq!(key_range(&narrow, signed), plain(&narrow, signed));
            prop_assert_eq!(key_range_portable(&narrow, signed), plain(&narrow, signed));
        }
    }

    #[test]
    fn key_range_finds_extremes_in_every_lane_and_the_tail() {
        for n in 2..=27 {
            for at in 0..n {
                let mut v = vec![100u32; n];
                v[at] = 7;
                assert_eq!(key_range(&v, false), Some((7, 100)), "min at {at} of {n}");
                v[at] = 900;
                assert_eq!(key_range(&v, false), Some((100, 900)), "max at {at} of {n}");
                // In signed order a set sign bit is the smallest.
                v[at] = u32::MAX;
                let keys = (u32::MAX ^ (1 << 31), 100 ^ (1 << 31));
                assert_eq!(key_range(&v, true), Some(keys), "signed, at {at} of {n}");
                assert_eq!(key_range_portable(&v, true), Some(keys));
            }
        }
    }
}
