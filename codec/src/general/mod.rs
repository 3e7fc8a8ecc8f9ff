//! General-purpose compression stages (LZ4 and zstd) applied to a plain payload. They own the
//! framing of a compressed payload (`u32` plain length, then the compressed bytes) and the bounds
//! that keep a hostile header from forcing a large allocation; they must not look at values.

use crate::{Error, Result};
use std::io::Read;

/// Largest expansion an LZ4 block can produce per input byte (the format's literal-run limit).
const LZ4_MAX_RATIO: usize = 255;

/// Compresses `plain` as one LZ4 block, framed as `u32` plain length + block.
pub(crate) fn lz4_compress(plain: &[u8], out: &mut Vec<u8>) -> Result<()> {
    put_len(plain.len(), out)?;
    out.extend_from_slice(&lz4_flex::block::compress(plain));
    Ok(())
}

/// Decompresses a framed LZ4 payload whose plain length must be `expected` (when known) and at
/// most `max_len`. `base` is the payload's offset in the chunk.
pub(crate) fn lz4_decompress(
    input: &[u8],
    expected: Option<usize>,
    max_len: usize,
    base: usize,
) -> Result<Vec<u8>> {
    let (raw_len, block) = take_len(input, expected, max_len, base)?;
    if raw_len > block.len().saturating_mul(LZ4_MAX_RATIO).saturating_add(16) {
        return Err(Error::corrupt(
            base,
            format!(
                "lz4 length {raw_len} is impossible for a {} byte block",
                block.len()
            ),
        ));
    }
    let mut out = vec![0u8; raw_len];
    let n = lz4_flex::block::decompress_into(block, &mut out)
        .map_err(|e| Error::corrupt(base + 4, format!("lz4: {e}")))?;
    if n != raw_len {
        return Err(Error::corrupt(
            base + 4,
            format!("lz4 block holds {n} bytes, header says {raw_len}"),
        ));
    }
    Ok(out)
}

/// Compresses `plain` as one zstd frame at `level`, framed as `u32` plain length + frame.
pub(crate) fn zstd_compress(plain: &[u8], level: i32, out: &mut Vec<u8>) -> Result<()> {
    put_len(plain.len(), out)?;
    let frame = zstd_frame(plain, level).map_err(|e| Error::InvalidInput {
        reason: format!("zstd: {e}"),
    })?;
    out.extend_from_slice(&frame);
    Ok(())
}

thread_local! {
    /// One zstd context per thread, kept between calls: creating a context costs more than
    /// compressing a cascade sample.
    static ZSTD: std::cell::RefCell<Option<(i32, zstd::bulk::Compressor<'static>)>> =
        const { std::cell::RefCell::new(None) };
}

/// One zstd frame of `plain` at `level` (the same bytes `zstd::bulk::compress` writes).
pub(crate) fn zstd_frame(plain: &[u8], level: i32) -> std::io::Result<Vec<u8>> {
    ZSTD.with(|cell| {
        let mut slot = cell.try_borrow_mut().map_err(std::io::Error::other)?;
        if slot.as_ref().is_none_or(|(l, _)| *l != level) {
            *slot = Some((level, zstd::bulk::Compressor::new(level)?));
        }
        match slot.as_mut() {
            Some((_, c)) => c.compress(plain),
            None => zstd::bulk::compress(plain, level),
        }
    })
}

/// Decompresses a framed zstd payload. The output grows only as real data is decoded, so a lying
/// header cannot reserve memory the frame does not fill.
pub(crate) fn zstd_decompress(
    input: &[u8],
    expected: Option<usize>,
    max_len: usize,
    base: usize,
) -> Result<Vec<u8>> {
    let (raw_len, frame) = take_len(input, expected, max_len, base)?;
    let decoder = zstd::stream::read::Decoder::with_buffer(frame)
        .map_err(|e| Error::corrupt(base + 4, format!("zstd: {e}")))?;
    let mut out = Vec::with_capacity(raw_len.min(frame.len().saturating_mul(64)));
    decoder
        .take(raw_len as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::corrupt(base + 4, format!("zstd: {e}")))?;
    if out.len() != raw_len {
        return Err(Error::corrupt(
            base + 4,
            format!(
                "zstd frame holds {} bytes, header says {raw_len}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

fn put_len(len: usize, out: &mut Vec<u8>) -> Result<()> {
    let len = u32::try_from(len).map_err(|_| Error::InvalidInput {
        reason: format!("chunk of {len} bytes exceeds 4 GiB"),
    })?;
    out.extend_from_slice(&len.to_le_bytes());
    Ok(())
}

fn take_len(
    input: &[u8],
    expected: Option<usize>,
    max_len: usize,
    base: usize,
) -> Result<(usize, &[u8])> {
    let Some((head, rest)) = input.split_first_chunk::<4>() else {
        return Err(Error::corrupt(
            base,
            "compressed payload shorter than its length header",
        ));
    };
    let raw_len = u32::from_le_bytes(*head) as usize;
    if expected.is_some_and(|e| e != raw_len) || raw_len > max_len {
        return Err(Error::corrupt(
            base,
            format!(
                "compressed payload claims {raw_len} plain bytes, which the value count does not allow"
            ),
        ));
    }
    Ok((raw_len, rest))
}
