//! Strings as lengths plus bytes: the lengths are a `u32` child stream (often constant or narrow)
//! and the concatenated bytes a `u8` child stream, each chosen by the cascade. Low-cardinality
//! strings go to the dictionary instead (`dict`).
//!
//! Layout after the tag: child lengths (`len` `u32`s) · child bytes (as many as the lengths sum to).
//! This module owns that layout and the checks that turn lengths back into Arrow offsets.

use crate::bytes::Reader;
use crate::cascade::{self, Kind};
use crate::encoding::decode_words;
use crate::{Error, Result};

/// Largest string data a chunk may hold: Arrow's `i32` offsets cap it.
pub(crate) const MAX_DATA: usize = i32::MAX as usize;

/// Appends the payload; `offsets` are validated by the caller.
pub(crate) fn encode(offsets: &[i32], data: &[u8], depth: u8, out: &mut Vec<u8>) -> Result<()> {
    let lengths: Vec<u32> = offsets.windows(2).map(|w| (w[1] - w[0]) as u32).collect();
    let (first, last) = (
        offsets.first().copied().unwrap_or(0),
        offsets.last().copied().unwrap_or(0),
    );
    cascade::put_words_child(&lengths, Kind::Unsigned, depth + 1, out)?;
    cascade::put_words_child(
        &data[first as usize..last as usize],
        Kind::Unsigned,
        depth + 1,
        out,
    )
}

/// Offsets (starting at 0) from lengths, checked against the 2 GiB limit.
pub(crate) fn offsets_from_lengths(lengths: &[u32], at: usize) -> Result<Vec<i32>> {
    let mut offsets = Vec::new();
    offsets
        .try_reserve_exact(lengths.len() + 1)
        .map_err(|_| Error::corrupt(at, "cannot allocate string offsets"))?;
    offsets.push(0i32);
    let mut total = 0usize;
    for &n in lengths {
        total += n as usize;
        if total > MAX_DATA {
            return Err(Error::corrupt(at, "string lengths exceed 2 GiB"));
        }
        offsets.push(total as i32);
    }
    Ok(offsets)
}

/// Decodes `len` strings into offsets and data.
pub(crate) fn decode(
    payload: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<(Vec<i32>, Vec<u8>)> {
    let mut r = Reader::new(payload, base);
    let (chunk, at) = r.child("string lengths")?;
    let lengths = decode_words::<u32>(chunk, len, at, depth + 1)?;
    let offsets = offsets_from_lengths(&lengths, at)?;
    let total = offsets.last().copied().unwrap_or(0) as usize;
    let (chunk, at) = r.child("string bytes")?;
    let data = decode_words::<u8>(chunk, total, at, depth + 1)?;
    r.finish("strings")?;
    Ok((offsets, data))
}
