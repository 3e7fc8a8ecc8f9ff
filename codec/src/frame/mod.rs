//! Frame of reference + bit-packing with patches ("bitpacked"), per 1024-value block.
//!
//! Each block stores its minimum (the base, in the column's signed or unsigned order) and packs
//! `value - base` at the width that minimises the block's size; values that need more bits are
//! patches: their position within the block and the high bits `(value - base) >> width` go to two
//! child streams, and the decoder adds `high << width` back after unpacking. A block of equal
//! values packs at width 0 and costs one byte plus its base. The last block stores only the rows
//! its values touch, so short chunks do not pay for a full block.
//!
//! Layout after the tag:
//! `u32 patches` · `u8 width` per block · if patches: `u16 count` per block · child bases ·
//! if patches: child positions (`u16`, within the block), child high bits · packed rows.
//!
//! This module owns that layout and the width choice; its child streams are encoded by the
//! cascade's leaf chooser (no patches, no recursion).

use crate::bitpack::{BLOCK, lanes, packed_rows};
use crate::blocks::{Blocks, Source};
use crate::bytes::{Reader, put_count};
use crate::cascade::{self, Kind};
use crate::encoding::decode_words;
use crate::word::{Word, count_in_lanes, get_words, lane_count_stretch, put_words};
use crate::{Error, Result};

#[cfg(target_arch = "x86_64")]
mod x86;

/// Estimated bits one patch costs beyond its high bits: its position and its share of counts.
const PATCH_BITS: u64 = 14;

/// Block minimum in the column's order, taken over [`Word::signed_key`]s.
#[inline]
fn block_min<W: Word>(block: &[W], kind: Kind) -> W {
    // A signed key is the value with this bit flipped (zero's key); flipping by a value the
    // loop does not branch on keeps the pass one compare a vector.
    let flip = W::ZERO.signed_key(kind == Kind::Signed);
    let key = block.iter().fold(W::MAX.xor(W::SIGN), |m, &v| {
        let k = v.xor(flip);
        if k.signed_lt(m) { k } else { m }
    });
    key.xor(flip)
}

/// Histogram of bit lengths of `u` values, index = bits needed: the input of the exhaustive scan
/// ([`best_width`]) that the tests hold [`choose_width`] to. Encoding no longer builds it.
#[cfg(test)]
fn bit_histogram<W: Word>(u: &[W]) -> [u32; 65] {
    let mut hist = [0u32; 65];
    for v in u {
        hist[v.bits() as usize] += 1;
    }
    hist
}

/// Values of `u` that need more than `width` bits: one branch-free pass that vectorises, counted
/// in the word's own lanes ([`count_in_lanes`]).
#[inline(always)]
fn count_wider<W: Word>(u: &[W], width: u32) -> u64 {
    u.chunks(lane_count_stretch::<W>())
        .map(|c| count_in_lanes::<W>(c.iter().map(|&v| v.shr(width) != W::ZERO)))
        .sum()
}

/// No width to try first: the walk starts from the widest value.
pub(crate) const NO_GUESS: u32 = u32::MAX;

/// The width [`best_width`] would choose from the bit-length histogram of `u`, its cost in bits,
/// the widest value's bits and the number of values wider than the width (its patches);
/// computed without the histogram.
///
/// A histogram costs a dependent table increment per value. Here the widest value comes from one
/// OR over the block, and each width tried costs one vectorised count of the values wider than
/// it. `guess` (the previous block's width, or [`NO_GUESS`]) is tried first, so that the best
/// cost found is low from the start; then the walk goes from the widest width down, and two
/// bounds spare it most counts:
/// - a width `w` below the widest costs more than `w * n` bits, so every `w` at or above the
///   best cost per value is skipped without counting;
/// - with `a` values wider than `w`, every width `w' <= w` has at least `a` patches, so it costs
///   at least `w' * n + a * (PATCH_BITS + max - w')`, which is smallest at `w' = 0`; once
///   `a * (PATCH_BITS + max)` passes the best cost, the walk stops.
///
/// Ties go to the wider width, as in the exhaustive scan, whatever the order widths are tried
/// in; the result is the scan's (the tests compare them for every guess).
#[inline(always)]
fn choose_width<W: Word>(u: &[W], patches: bool, guess: u32) -> (u32, u64, u32, u64) {
    let n = u.len() as u64;
    let max = u.iter().fold(W::ZERO, |acc, &v| acc.or(v)).bits();
    let mut best = (max, u64::from(max) * n, 0);
    if !patches {
        return (best.0, best.1, max, 0);
    }
    let cost = |w: u32, above: u64| u64::from(w) * n + above * (PATCH_BITS + u64::from(max - w));
    // `w` at `cost` replaces `best` when cheaper, or as cheap and wider.
    let better =
        |w: u32, cost: u64, best: (u32, u64, u64)| cost < best.1 || (cost == best.1 && w > best.0);
    let guessed = (guess < max).then(|| (guess, count_wider(u, guess)));
    if let Some((w, above)) = guessed
        && better(w, cost(w, above), best)
    {
        best = (w, cost(w, above), above);
    }
    for w in (0..max).rev() {
        // Below `max`, at least the widest value is a patch, so `w` costs more than `w * n`
        // and cannot even tie.
        if u64::from(w) * n >= best.1 {
            continue;
        }
        let above = match guessed {
            Some((g, above)) if g == w => above,
            _ => count_wider(u, w),
        };
        // Bounds this width and every narrower one. Equality cannot tie a width above the best
        // either: that needs every value to be a patch, which costs more than no patches at all.
        if above * (PATCH_BITS + u64::from(max)) >= best.1 {
            break;
        }
        if better(w, cost(w, above), best) {
            best = (w, cost(w, above), above);
        }
    }
    (best.0, best.1, max, best.2)
}

/// The width that minimises `width * n + patches * (PATCH_BITS + max - width)`, and its cost in bits.
pub(crate) fn best_width(hist: &[u32; 65], n: usize, patches: bool) -> (u32, u64) {
    let max = hist.iter().rposition(|&c| c > 0).unwrap_or(0) as u32;
    if !patches {
        return (max, max as u64 * n as u64);
    }
    let mut best = (max, max as u64 * n as u64);
    let mut above = 0u64; // values needing more than `w` bits
    for w in (0..max).rev() {
        above += hist[w as usize + 1] as u64;
        let cost = w as u64 * n as u64 + above * (PATCH_BITS + (max - w) as u64);
        if cost < best.1 {
            best = (w, cost);
        }
    }
    best
}

/// Estimated encoded bytes of `values` (a sample) per value, for the cascade.
pub(crate) fn estimate<W: Word>(values: &[W], kind: Kind, patches: bool) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if let Some(bytes) = x86::estimate(values, kind, patches) {
        return bytes;
    }
    estimate_portable(values, kind, patches)
}

/// [`estimate`] in plain Rust, for every target.
#[inline(always)]
pub(crate) fn estimate_portable<W: Word>(values: &[W], kind: Kind, patches: bool) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut bits = 0u64;
    let mut u = [W::ZERO; BLOCK];
    let mut last = NO_GUESS;
    for block in values.chunks(BLOCK) {
        let base = block_min(block, kind);
        for (d, &v) in u.iter_mut().zip(block) {
            *d = v.wsub(base);
        }
        let (width, cost, _, _) = choose_width(&u[..block.len()], patches, last);
        bits += cost + 8 + W::BITS as u64;
        last = width;
    }
    bits as f64 / 8.0 / values.len() as f64
}

/// What [`prepare_block`] works on for one chunk: the choice's inputs, the current block minus
/// its base, the previous block's width (the next choice's first guess), and the patches
/// collected so far.
pub(crate) struct Prep<W> {
    kind: Kind,
    patches: bool,
    last: u32,
    u: [W; BLOCK],
    positions: Vec<u16>,
    highs: Vec<W>,
}

impl<W: Word> Prep<W> {
    pub(crate) fn new(kind: Kind, patches: bool) -> Prep<W> {
        Prep {
            kind,
            patches,
            last: NO_GUESS,
            u: [W::ZERO; BLOCK],
            positions: Vec::new(),
            highs: Vec::new(),
        }
    }
}

/// Appends the payload of `values` (after the tag).
///
/// Two passes: the first chooses each block's base and width and collects the patches, which the
/// layout puts before the packed rows; the second subtracts the bases again and packs straight
/// into `out`, reserved once at the size the widths give. Packing in the first pass would need a
/// buffer of half the input's size, fresh memory on every call, and a copy of it into `out`.
pub(crate) fn encode<W: Word>(
    values: &[W],
    kind: Kind,
    patches: bool,
    out: &mut Vec<u8>,
) -> Result<()> {
    let nblocks = values.len().div_ceil(BLOCK);
    let mut widths = Vec::with_capacity(nblocks);
    let mut bases = Vec::with_capacity(nblocks);
    let mut counts: Vec<u16> = Vec::with_capacity(nblocks);
    let mut prep = Prep::new(kind, patches);
    let mut packed_words = 0;
    for block in values.chunks(BLOCK) {
        let before = prep.positions.len();
        let (base, width) = prepare(block, &mut prep);
        counts.push((prep.positions.len() - before) as u16);
        packed_words += packed_rows::<W>(block.len(), width) * lanes::<W>();
        widths.push(width as u8);
        bases.push(base);
    }
    let Prep {
        mut u,
        positions,
        highs,
        ..
    } = prep;
    put_count(positions.len(), out)?;
    out.extend_from_slice(&widths);
    if !positions.is_empty() {
        counts
            .iter()
            .for_each(|c| out.extend_from_slice(&c.to_le_bytes()));
    }
    cascade::put_leaf_child(&bases, kind, out)?;
    if !positions.is_empty() {
        cascade::put_leaf_child(&positions, Kind::Unsigned, out)?;
        cascade::put_leaf_child(&highs, Kind::Unsigned, out)?;
    }
    out.reserve(packed_words * W::BYTES);
    let mut rows = [W::ZERO; BLOCK];
    for ((block, &base), &width) in values.chunks(BLOCK).zip(&bases).zip(&widths) {
        minus_base(block, base, &mut u);
        let width = u32::from(width);
        W::pack(width, &u, &mut rows);
        put_words(
            &rows[..packed_rows::<W>(block.len(), width) * lanes::<W>()],
            out,
        );
    }
    Ok(())
}

/// [`prepare_block`] through the instruction-set leaf when the CPU has it.
#[inline]
fn prepare<W: Word>(block: &[W], prep: &mut Prep<W>) -> (W, u32) {
    #[cfg(target_arch = "x86_64")]
    if let Some(r) = x86::prepare_block(block, prep) {
        return r;
    }
    prepare_block(block, prep)
}

/// One block's encoding work before packing: subtracts the block minimum into `prep.u` (zeroing
/// the tail of a short block), chooses the width ([`choose_width`]) and appends the
/// patches (position, high bits) of the values wider than it. Returns the base and the width.
#[inline(always)]
pub(crate) fn prepare_block<W: Word>(block: &[W], prep: &mut Prep<W>) -> (W, u32) {
    let Prep {
        kind,
        patches,
        last,
        u,
        positions,
        highs,
    } = prep;
    let (kind, patches) = (*kind, *patches);
    let base = block_min(block, kind);
    minus_base(block, base, u);
    let (width, _, max, count) = choose_width(&u[..block.len()], patches, *last);
    *last = width;
    if width < max {
        collect_patches(&u[..block.len()], width, count as usize, positions, highs);
    }
    (base, width)
}

/// `block` minus `base` into `u`, zeros past the block's end (a short last block packs a full
/// block of rows).
#[inline(always)]
fn minus_base<W: Word>(block: &[W], base: W, u: &mut [W; BLOCK]) {
    for (d, &v) in u.iter_mut().zip(block) {
        *d = v.wsub(base);
    }
    u[block.len()..].fill(W::ZERO);
}

/// Appends the position and high bits of every value of `u` wider than `width`, of which there
/// are `count` (the width choice counted them). One branch-free pass flags them a byte each.
/// When patches are sparse the flags are then folded into one bit mask per 64 values and the
/// masks walked a set bit at a time, so the walk costs one step per patch and per 64 values,
/// and its loop exits (the branches a CPU cannot predict) come once per 64 values.
#[inline(always)]
fn collect_patches<W: Word>(
    u: &[W],
    width: u32,
    count: usize,
    positions: &mut Vec<u16>,
    highs: &mut Vec<W>,
) {
    let mut flags = [0u8; BLOCK];
    for (f, &v) in flags.iter_mut().zip(u) {
        *f = u8::from(v.shr(width) != W::ZERO);
    }
    if count * 4 > u.len() {
        // Dense: every value is written at the cursor, which moves on only for a patch (too
        // many patches to predict, and too many for the walk to skip much).
        let at = positions.len();
        positions.resize(at + u.len(), 0);
        highs.resize(at + u.len(), W::ZERO);
        let mut k = at;
        for (i, (&v, &f)) in u.iter().zip(&flags).enumerate() {
            positions[k] = i as u16;
            highs[k] = v.shr(width);
            k += usize::from(f);
        }
        positions.truncate(k);
        highs.truncate(k);
        return;
    }
    positions.reserve(count);
    highs.reserve(count);
    for (g, group) in flags.chunks_exact(64).enumerate() {
        let mut mask = flag_bits(group);
        while mask != 0 {
            let i = g * 64 + mask.trailing_zeros() as usize;
            positions.push(i as u16);
            highs.push(u[i].shr(width));
            mask &= mask - 1;
        }
    }
}

/// The 0/1 bytes of `flags` (64 of them) as one mask, bit `i` = `flags[i]`.
#[inline(always)]
fn flag_bits(flags: &[u8]) -> u64 {
    // Eight 0/1 bytes times this constant gather byte `j` at bit `56 + j`, and no two partial
    // products meet, so nothing carries into the top byte.
    const GATHER: u64 = 0x0102_0408_1020_4080;
    flags
        .chunks_exact(8)
        .enumerate()
        .fold(0, |mask, (j, eight)| {
            let word = u64::from_le_bytes([
                eight[0], eight[1], eight[2], eight[3], eight[4], eight[5], eight[6], eight[7],
            ]);
            mask | (word.wrapping_mul(GATHER) >> 56) << (8 * j)
        })
}

/// The packed blocks with their widths, bases and patches, unpacked one block per call.
struct Unpack<'a, W> {
    widths: &'a [u8],
    bases: Vec<W>,
    counts: Vec<usize>,
    positions: Vec<u16>,
    highs: Vec<W>,
    packed: &'a [u8],
    len: usize,
    /// Chunk offset of the payload, for errors.
    base: usize,
    block: usize,
    at: usize,
    patch: usize,
    rows: Box<[W; BLOCK]>,
}

impl<W: Word> Unpack<'_, W> {
    fn next(&mut self, dst: &mut [W; BLOCK], n: usize) -> Result<()> {
        let b = self.block;
        let (Some(&width), Some(&block_base)) = (self.widths.get(b), self.bases.get(b)) else {
            return Err(Error::corrupt(
                self.base,
                "more blocks asked for than stored",
            ));
        };
        let width = width as u32;
        let nbytes = packed_rows::<W>(n, width) * lanes::<W>() * W::BYTES;
        let nwords = nbytes / W::BYTES;
        let Some(src) = self.packed.get(self.at..self.at + nbytes) else {
            return Err(Error::corrupt(
                self.base,
                "packed data shorter than its widths",
            ));
        };
        get_words(src, &mut self.rows[..nwords]);
        if n < BLOCK {
            // A short last block stores fewer rows; clear the rest so no stale bits are read.
            self.rows[nwords..].fill(W::ZERO);
        }
        self.at += nbytes;
        W::unpack(width, &self.rows, dst, block_base);
        if let Some(&count) = self.counts.get(b) {
            let (Some(pos), Some(highs)) = (
                self.positions.get(self.patch..self.patch + count),
                self.highs.get(self.patch..self.patch + count),
            ) else {
                return Err(Error::corrupt(self.base, "patch counts exceed the patches"));
            };
            for (&p, &h) in pos.iter().zip(highs) {
                let p = p as usize;
                let Some(v) = dst[..n].get_mut(p) else {
                    return Err(Error::corrupt(
                        self.base,
                        format!("patch position {p} is outside block {b}"),
                    ));
                };
                *v = v.wadd(h.shl(width));
            }
            self.patch += count;
        }
        self.block += 1;
        Ok(())
    }
}

impl<W: Word> Unpack<'_, W> {
    /// The values the current block holds, which must be the `asked` number.
    fn block_len(&self, asked: usize) -> Result<usize> {
        let n = (self.len - (self.block * BLOCK).min(self.len)).min(BLOCK);
        if asked != n {
            return Err(Error::corrupt(
                self.base,
                format!(
                    "asked for {asked} values where block {} has {n}",
                    self.block
                ),
            ));
        }
        Ok(n)
    }
}

impl<W: Word> Blocks<W> for Unpack<'_, W> {
    fn fill(&mut self, out: &mut [W]) -> Result<()> {
        let n = self.block_len(out.len())?;
        if let Ok(full) = <&mut [W; BLOCK]>::try_from(&mut *out) {
            return self.next(full, n);
        }
        let mut tmp = [W::ZERO; BLOCK];
        self.next(&mut tmp, n)?;
        out.copy_from_slice(&tmp[..n]);
        Ok(())
    }

    /// Steps over a block by its width and patch count, unpacking nothing.
    fn skip(&mut self, n: usize) -> Result<()> {
        let n = self.block_len(n)?;
        let Some(&width) = self.widths.get(self.block) else {
            return Err(Error::corrupt(
                self.base,
                "more blocks asked for than stored",
            ));
        };
        let nbytes = packed_rows::<W>(n, width as u32) * lanes::<W>() * W::BYTES;
        if self.packed.len() < self.at + nbytes {
            return Err(Error::corrupt(
                self.base,
                "packed data shorter than its widths",
            ));
        }
        self.at += nbytes;
        if let Some(&count) = self.counts.get(self.block) {
            if self.patch + count > self.positions.len().min(self.highs.len()) {
                return Err(Error::corrupt(self.base, "patch counts exceed the patches"));
            }
            self.patch += count;
        }
        self.block += 1;
        Ok(())
    }
}

/// Opens a payload of `len` values starting at `base` within the top-level chunk as blocks.
pub(crate) fn open<W: Word>(
    payload: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<Source<'_, W>> {
    let payload_at = base;
    let mut r = Reader::new(payload, base);
    let nblocks = len.div_ceil(BLOCK);
    let npatches = r.count(len, "patch count")?;
    let at = r.offset();
    let widths = r.take(nblocks, "block widths")?;
    if let Some(i) = widths.iter().position(|&w| w as u32 > W::BITS) {
        return Err(Error::corrupt(
            at + i,
            format!("block width {} exceeds {} bits", widths[i], W::BITS),
        ));
    }
    let mut counts = Vec::new();
    if npatches > 0 {
        let at = r.offset();
        let raw = r.take(nblocks * 2, "patch counts")?;
        counts = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]) as usize)
            .collect();
        let mut total = 0usize;
        for (b, (&c, &w)) in counts.iter().zip(widths).enumerate() {
            let block_len = (len - b * BLOCK).min(BLOCK);
            if c > block_len || (c > 0 && w as u32 >= W::BITS) {
                return Err(Error::corrupt(
                    at + 2 * b,
                    format!("block {b} claims {c} patches"),
                ));
            }
            total += c;
        }
        if total != npatches {
            return Err(Error::corrupt(
                at,
                format!("patch counts sum to {total}, header says {npatches}"),
            ));
        }
    }
    let (chunk, at) = r.child("block bases")?;
    let bases = decode_words::<W>(chunk, nblocks, at, depth + 1)?;
    let (positions, highs) = if npatches > 0 {
        let (chunk, at) = r.child("patch positions")?;
        let positions = decode_words::<u16>(chunk, npatches, at, depth + 1)?;
        let (chunk, at) = r.child("patch high bits")?;
        (
            positions,
            decode_words::<W>(chunk, npatches, at, depth + 1)?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let packed_at = r.offset();
    let packed = r.rest();
    let row_bytes = lanes::<W>() * W::BYTES;
    let expected: usize = widths
        .iter()
        .enumerate()
        .map(|(b, &w)| packed_rows::<W>(len - b * BLOCK, w as u32) * row_bytes)
        .sum();
    if packed.len() != expected {
        return Err(Error::corrupt(
            packed_at,
            format!(
                "packed data is {} bytes, widths need {expected}",
                packed.len()
            ),
        ));
    }
    Ok(Source::Blocks(Box::new(Unpack {
        widths,
        bases,
        counts,
        positions,
        highs,
        packed,
        len,
        base: payload_at,
        block: 0,
        at: 0,
        patch: 0,
        rows: Box::new([W::ZERO; BLOCK]),
    })))
}

/// `width`/patch summary for `describe_tree`.
pub(crate) fn summary(payload: &[u8], len: usize) -> String {
    let nblocks = len.div_ceil(BLOCK);
    let mut r = Reader::new(payload, 0);
    let (Ok(patches), Ok(widths)) = (r.count(usize::MAX, ""), r.take(nblocks, "")) else {
        return "?".into();
    };
    let (lo, hi) = (
        widths.iter().min().copied().unwrap_or(0),
        widths.iter().max().copied().unwrap_or(0),
    );
    format!("w{lo}..{hi}, {patches} patches")
}

#[cfg(test)]
mod tests {
    use super::{
        BLOCK, NO_GUESS, Prep, best_width, bit_histogram, choose_width, estimate,
        estimate_portable, prepare, prepare_block,
    };
    use crate::cascade::Kind;
    use crate::word::Word;

    /// Blocks that take every branch of the kernel: constant, narrow, sparse and dense
    /// patches, negative values in signed order, full width, and a short last block.
    fn blocks<W: Word>() -> Vec<Vec<W>> {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut out = vec![vec![W::from_u64(7); BLOCK]];
        for every in [1000, 50, 9, 3, 1] {
            let b: Vec<W> = (0..BLOCK)
                .map(|i| {
                    let r = next();
                    let wide = i % every == 0;
                    W::from_u64(if wide { r } else { r & 0x3f })
                })
                .collect();
            out.push(b);
        }
        out.push((0..BLOCK).map(|_| W::from_u64(next())).collect());
        out.push((0..333).map(|_| W::from_u64(next() & 0xfff)).collect());
        out
    }

    fn same_as_portable<W: Word>() {
        for block in blocks::<W>() {
            for kind in [Kind::Unsigned, Kind::Signed] {
                for patches in [false, true] {
                    let (mut fast, mut portable) =
                        (Prep::new(kind, patches), Prep::new(kind, patches));
                    let what = format!("{} values, {kind:?}, patches {patches}", block.len());
                    assert_eq!(
                        prepare(&block, &mut fast),
                        prepare_block(&block, &mut portable),
                        "{what}"
                    );
                    assert_eq!(fast.u, portable.u, "{what}");
                    assert_eq!(
                        (fast.positions, fast.highs),
                        (portable.positions, portable.highs),
                        "{what}"
                    );
                    let doubled: Vec<W> = block.iter().chain(&block).copied().collect();
                    assert_eq!(
                        estimate(&doubled, kind, patches).to_bits(),
                        estimate_portable(&doubled, kind, patches).to_bits(),
                        "estimate of {what}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_dispatched_block_kernel_matches_the_portable_build() {
        same_as_portable::<u8>();
        same_as_portable::<u16>();
        same_as_portable::<u32>();
        same_as_portable::<u64>();
    }

    /// The pruned walk over counts gives the exhaustive histogram scan's width and cost, with no
    /// guess and with every guess, in range or not.
    fn counts_choose_as_the_histogram<W: Word>(block: &[W]) {
        for patches in [false, true] {
            let hist = bit_histogram(block);
            let (width, cost) = best_width(&hist, block.len(), patches);
            let max = hist.iter().rposition(|&c| c > 0).unwrap_or(0) as u32;
            let above: u64 = hist[width as usize + 1..]
                .iter()
                .map(|&c| u64::from(c))
                .sum();
            for guess in (0..=W::BITS + 1).chain([NO_GUESS]) {
                assert_eq!(
                    choose_width(block, patches, guess),
                    (width, cost, max, above),
                    "{} values, patches {patches}, guess {guess}",
                    block.len()
                );
            }
        }
    }

    #[test]
    fn counting_wider_values_chooses_the_width_the_histogram_does() {
        for block in blocks::<u64>() {
            counts_choose_as_the_histogram(&block);
            let narrow: Vec<u8> = block.iter().map(|&v| v as u8).collect();
            counts_choose_as_the_histogram(&narrow);
            let mid: Vec<u16> = block.iter().map(|&v| (v >> 40) as u16).collect();
            counts_choose_as_the_histogram(&mid);
        }
        counts_choose_as_the_histogram::<u32>(&[]);
    }

    proptest::proptest! {
        /// Blocks whose bit lengths spread over a range, so that every width can win.
        #[test]
        fn counting_matches_the_histogram_on_any_spread(
            shifts in proptest::collection::vec((0u32..64, proptest::num::u64::ANY), 1..=BLOCK),
        ) {
            let block: Vec<u64> = shifts.iter().map(|&(s, r)| r >> s).collect();
            counts_choose_as_the_histogram(&block);
            let small: Vec<u16> = shifts.iter().map(|&(s, r)| (r >> (s % 16 + 48)) as u16).collect();
            counts_choose_as_the_histogram(&small);
        }
    }

    /// Each flag byte lands on its own bit, whatever its neighbours: single flags at every
    /// position, all of them, and a pseudo-random mix.
    #[test]
    fn flag_bytes_fold_into_their_bits() {
        let naive = |f: &[u8]| (0..64).fold(0u64, |m, i| m | u64::from(f[i]) << i);
        let mut cases: Vec<[u8; 64]> = (0..64)
            .map(|i| {
                let mut f = [0u8; 64];
                f[i] = 1;
                f
            })
            .collect();
        cases.push([1; 64]);
        cases.push([0; 64]);
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        cases.push(std::array::from_fn(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x & 1) as u8
        }));
        for f in cases {
            assert_eq!(super::flag_bits(&f), naive(&f), "{f:?}");
        }
    }

    /// Patches are exactly the values wider than the chosen width, in order, sparse or dense.
    #[test]
    fn patches_are_the_values_wider_than_the_width() {
        for block in blocks::<u64>() {
            let mut prep = Prep::new(Kind::Unsigned, true);
            let (base, width) = prepare_block(&block, &mut prep);
            let expect: Vec<(u16, u64)> = block
                .iter()
                .enumerate()
                .filter_map(|(i, &v)| {
                    let high = (v - base).checked_shr(width).unwrap_or(0);
                    (high != 0).then_some((i as u16, high))
                })
                .collect();
            let got: Vec<(u16, u64)> = prep.positions.into_iter().zip(prep.highs).collect();
            assert_eq!(got, expect, "{} values, width {width}", block.len());
        }
    }
}
