//! The registry of encodings: the one place that maps an [`Encoding`] to its tag byte, its encoder
//! and its decoder. Adding an encoding means adding a variant, a tag and its arms here, plus its
//! own folder. This file owns the chunk's leading tag and the dispatch on it; each payload after
//! the tag belongs to its encoding's module, and the choice among encodings to `cascade`.
//!
//! Nested encodings write their children as complete chunks (tag first), so any chunk, at any
//! depth, names how it was written. Tags 0, 1 and 2 (plain, lz4, zstd) keep the layout floe
//! wrote before the cascade existed.

use crate::blocks::{Plain, Source};
use crate::cascade::{self, Kind, Measured, Scheme};
use crate::word::{Word, get_words, put_words, zeroed};
use crate::{
    Decoded, Error, PhysicalType, Result, Values, alp, alprd, binary, constant, delta, dict,
    divide, frame, general, plain, runend,
};
use std::ops::Range;

/// How a chunk is encoded. Stored as the chunk's first byte; nested encodings store their
/// children's tags too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// Little-endian values, uncompressed.
    Plain,
    /// The plain payload compressed as one LZ4 block (lz4_flex).
    Lz4,
    /// The plain payload compressed as one zstd frame at `level`.
    Zstd {
        /// zstd compression level (1..=22, or negative for the fast levels). Not needed to decode.
        level: i32,
    },
    /// Let the sampling cascade choose, recursively, within its decode-cost budget.
    Auto,
    /// One value repeated (any fixed-width type or bool).
    Constant,
    /// Frame of reference + bit-packing with patches, per 1024-value block (integers).
    BitPacked,
    /// Deltas from the previous value, encoded by the cascade (integers).
    Delta,
    /// Runs of equal values (integers, floats, bool).
    RunEnd,
    /// Distinct values plus codes (integers, floats, strings).
    Dictionary,
    /// ALP: decimal-like floats as integers plus exceptions (f32, f64).
    Alp,
    /// ALP-RD: float bits split into a repetitive left and a packed right part (f32, f64).
    AlpRd,
    /// A common divisor taken out of all values (integers).
    Divide,
    /// Strings as lengths plus bytes (strings).
    Strings,
}

pub(crate) const TAG_PLAIN: u8 = 0;
pub(crate) const TAG_LZ4: u8 = 1;
pub(crate) const TAG_ZSTD: u8 = 2;
pub(crate) const TAG_CONSTANT: u8 = 3;
pub(crate) const TAG_BITPACKED: u8 = 4;
pub(crate) const TAG_DELTA: u8 = 5;
pub(crate) const TAG_RUNEND: u8 = 6;
pub(crate) const TAG_DICTIONARY: u8 = 7;
pub(crate) const TAG_ALP: u8 = 8;
pub(crate) const TAG_ALPRD: u8 = 9;
pub(crate) const TAG_DIVIDE: u8 = 10;
pub(crate) const TAG_STRINGS: u8 = 11;

/// Largest binary data a chunk may hold: Arrow's `i32` offsets cap it.
const MAX_BINARY_DATA: usize = binary::MAX_DATA;

/// Short stable name of a tag, as shown by `floe inspect`.
pub(crate) fn tag_name(tag: u8) -> Option<&'static str> {
    Some(match tag {
        TAG_PLAIN => "plain",
        TAG_LZ4 => "lz4",
        TAG_ZSTD => "zstd",
        TAG_CONSTANT => "constant",
        TAG_BITPACKED => "bitpacked",
        TAG_DELTA => "delta",
        TAG_RUNEND => "runend",
        TAG_DICTIONARY => "dictionary",
        TAG_ALP => "alp",
        TAG_ALPRD => "alprd",
        TAG_DIVIDE => "divide",
        TAG_STRINGS => "strings",
        _ => return None,
    })
}

impl Encoding {
    /// Short stable name, as shown by `floe inspect`.
    pub fn name(&self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            e => tag_name(e.tag()).unwrap_or("?"),
        }
    }

    fn tag(&self) -> u8 {
        match self {
            Encoding::Plain | Encoding::Auto => TAG_PLAIN,
            Encoding::Lz4 => TAG_LZ4,
            Encoding::Zstd { .. } => TAG_ZSTD,
            Encoding::Constant => TAG_CONSTANT,
            Encoding::BitPacked => TAG_BITPACKED,
            Encoding::Delta => TAG_DELTA,
            Encoding::RunEnd => TAG_RUNEND,
            Encoding::Dictionary => TAG_DICTIONARY,
            Encoding::Alp => TAG_ALP,
            Encoding::AlpRd => TAG_ALPRD,
            Encoding::Divide => TAG_DIVIDE,
            Encoding::Strings => TAG_STRINGS,
        }
    }
}

pub(crate) fn scheme_tag(scheme: Scheme) -> u8 {
    match scheme {
        Scheme::Plain => TAG_PLAIN,
        Scheme::Lz4 => TAG_LZ4,
        Scheme::Zstd(_) => TAG_ZSTD,
        Scheme::Constant => TAG_CONSTANT,
        Scheme::BitPacked { .. } => TAG_BITPACKED,
        Scheme::Delta => TAG_DELTA,
        Scheme::RunEnd => TAG_RUNEND,
        Scheme::Dictionary => TAG_DICTIONARY,
        Scheme::Alp => TAG_ALP,
        Scheme::AlpRd(_) => TAG_ALPRD,
        Scheme::Divide => TAG_DIVIDE,
        Scheme::Strings => TAG_STRINGS,
    }
}

/// Calls `$f::<W>(words, kind)` with the fixed-width values viewed as unsigned words.
macro_rules! with_words {
    ($values:expr, $w:ident, $kind:ident => $body:expr, $other:ident => $fallback:expr) => {
        match $values {
            Values::I8(v) => {
                let $w: &[u8] = bytemuck::cast_slice(v);
                let $kind = Kind::Signed;
                $body
            }
            Values::I16(v) => {
                let $w: &[u16] = bytemuck::cast_slice(v);
                let $kind = Kind::Signed;
                $body
            }
            Values::I32(v) => {
                let $w: &[u32] = bytemuck::cast_slice(v);
                let $kind = Kind::Signed;
                $body
            }
            Values::I64(v) => {
                let $w: &[u64] = bytemuck::cast_slice(v);
                let $kind = Kind::Signed;
                $body
            }
            Values::U8(v) => {
                let $w: &[u8] = v;
                let $kind = Kind::Unsigned;
                $body
            }
            Values::U16(v) => {
                let $w: &[u16] = v;
                let $kind = Kind::Unsigned;
                $body
            }
            Values::U32(v) => {
                let $w: &[u32] = v;
                let $kind = Kind::Unsigned;
                $body
            }
            Values::U64(v) => {
                let $w: &[u64] = v;
                let $kind = Kind::Unsigned;
                $body
            }
            Values::F32(v) => {
                let $w: &[u32] = bytemuck::cast_slice(v);
                let $kind = Kind::Float;
                $body
            }
            Values::F64(v) => {
                let $w: &[u64] = bytemuck::cast_slice(v);
                let $kind = Kind::Float;
                $body
            }
            $other => $fallback,
        }
    };
}

/// Encodes `values` with `encoding` into a self-describing chunk.
pub fn encode(values: Values<'_>, encoding: Encoding) -> Result<Vec<u8>> {
    if let Values::Binary { offsets, data } = values {
        validate_binary(offsets, data)?;
    }
    match encoding {
        Encoding::Plain | Encoding::Lz4 | Encoding::Zstd { .. } => encode_legacy(values, encoding),
        _ => with_words!(values, w, kind => {
            let (scheme, measured) = match encoding {
                Encoding::Auto => cascade::choose(w, kind, 0),
                e => (forced_scheme(e, w, kind, values.physical_type())?, Measured::nothing()),
            };
            encode_words_with(w, kind, scheme, measured, 0)
        }, other => match other {
            Values::Bool { bits, len } => encode_bool(bits, len, encoding),
            Values::Binary { offsets, data } => match encoding {
                Encoding::Auto => cascade::encode_binary(offsets, data, 0),
                Encoding::Strings => encode_binary_with(offsets, data, Scheme::Strings, 0),
                Encoding::Dictionary => encode_binary_with(offsets, data, Scheme::Dictionary, 0),
                e => Err(Error::Unsupported { encoding: e.name(), ty: PhysicalType::Binary }),
            },
            _ => Err(Error::InvalidInput { reason: "unknown value type".into() }),
        }),
    }
}

/// The scheme behind an explicitly requested encoding, checked against the values.
fn forced_scheme<W: Word>(
    encoding: Encoding,
    w: &[W],
    kind: Kind,
    ty: PhysicalType,
) -> Result<Scheme> {
    let unsupported = || Error::Unsupported {
        encoding: encoding.name(),
        ty,
    };
    let float = kind == Kind::Float;
    Ok(match encoding {
        Encoding::Constant => Scheme::Constant,
        Encoding::BitPacked if !float => Scheme::BitPacked { patches: true },
        Encoding::Delta if !float => Scheme::Delta,
        Encoding::Divide if !float => Scheme::Divide,
        Encoding::RunEnd => Scheme::RunEnd,
        Encoding::Dictionary => Scheme::Dictionary,
        Encoding::Alp if float => Scheme::Alp,
        Encoding::AlpRd if float => Scheme::AlpRd(alprd::choose_cut(&cascade::sample(w))),
        _ => return Err(unsupported()),
    })
}

fn encode_legacy(values: Values<'_>, encoding: Encoding) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1 + values.len() * 2);
    out.push(encoding.tag());
    match encoding {
        Encoding::Lz4 | Encoding::Zstd { .. } => {
            let mut payload = Vec::new();
            plain::encode_into(values, &mut payload)?;
            match encoding {
                Encoding::Zstd { level } => general::zstd_compress(&payload, level, &mut out)?,
                _ => general::lz4_compress(&payload, &mut out)?,
            }
        }
        _ => plain::encode_into(values, &mut out)?,
    }
    Ok(out)
}

fn validate_binary(offsets: &[i32], data: &[u8]) -> Result<()> {
    let (Some(&first), Some(&last)) = (offsets.first(), offsets.last()) else {
        return Err(Error::InvalidInput {
            reason: "binary values need at least one offset".into(),
        });
    };
    if first < 0 || last as usize > data.len() || offsets.windows(2).any(|w| w[0] > w[1]) {
        return Err(Error::InvalidInput {
            reason: "binary offsets are not monotone within the data".into(),
        });
    }
    Ok(())
}

/// Encodes words with a chosen scheme; children are chosen by the cascade at `depth + 1`.
pub(crate) fn encode_words_with<W: Word>(
    values: &[W],
    kind: Kind,
    scheme: Scheme,
    measured: Measured<W>,
    depth: u8,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(16 + values.len() * W::BYTES / 4);
    encode_words_into(values, kind, scheme, measured, depth, &mut out)?;
    Ok(out)
}

/// [`encode_words_with`], appending the chunk (tag and payload) to `out`. `measured` is what
/// the cascade already counted over `values` (or nothing).
pub(crate) fn encode_words_into<W: Word>(
    values: &[W],
    kind: Kind,
    scheme: Scheme,
    measured: Measured<W>,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    out.push(scheme_tag(scheme));
    match scheme {
        Scheme::Plain => put_words(values, out),
        Scheme::Lz4 | Scheme::Zstd(_) => {
            let mut payload = Vec::with_capacity(values.len() * W::BYTES);
            put_words(values, &mut payload);
            match scheme {
                Scheme::Zstd(level) => general::zstd_compress(&payload, level, out)?,
                _ => general::lz4_compress(&payload, out)?,
            }
        }
        Scheme::Constant => constant::encode(values, out)?,
        Scheme::BitPacked { patches } => frame::encode(values, kind, patches, out)?,
        Scheme::Delta => delta::encode(values, kind, depth, out)?,
        Scheme::Divide => divide::encode(values, kind, depth, out)?,
        Scheme::RunEnd => runend::encode(values, kind, depth, out)?,
        Scheme::Dictionary => dict::encode(values, kind, measured.hist, depth, out)?,
        Scheme::Alp => alp::encode(values, &cascade::sample(values), depth, out)?,
        Scheme::AlpRd(right) => alprd::encode(values, right, depth, out)?,
        Scheme::Strings => {
            return Err(Error::InvalidInput {
                reason: "strings encoding of fixed-width values".into(),
            });
        }
    }
    Ok(())
}

/// Encodes strings with a chosen scheme.
pub(crate) fn encode_binary_with(
    offsets: &[i32],
    data: &[u8],
    scheme: Scheme,
    depth: u8,
) -> Result<Vec<u8>> {
    let mut out = vec![scheme_tag(scheme)];
    match scheme {
        Scheme::Strings => binary::encode(offsets, data, depth, &mut out)?,
        Scheme::Dictionary => dict::encode_binary(offsets, data, depth, &mut out)?,
        Scheme::Plain | Scheme::Lz4 | Scheme::Zstd(_) => {
            let values = Values::Binary { offsets, data };
            let encoding = match scheme {
                Scheme::Lz4 => Encoding::Lz4,
                Scheme::Zstd(level) => Encoding::Zstd { level },
                _ => Encoding::Plain,
            };
            return encode_legacy(values, encoding);
        }
        _ => {
            return Err(Error::Unsupported {
                encoding: tag_name(scheme_tag(scheme)).unwrap_or("?"),
                ty: PhysicalType::Binary,
            });
        }
    }
    Ok(out)
}

fn encode_bool(bits: &[u8], len: usize, encoding: Encoding) -> Result<Vec<u8>> {
    let n = len.div_ceil(8);
    if bits.len() < n {
        return Err(Error::InvalidInput {
            reason: format!("{len} booleans need {n} bytes, got {}", bits.len()),
        });
    }
    let bit = |i: usize| bits[i / 8] >> (i % 8) & 1;
    let constant = len > 0 && (1..len).all(|i| bit(i) == bit(0));
    let mut out = Vec::new();
    match encoding {
        Encoding::Constant if constant => {
            out.push(TAG_CONSTANT);
            out.push(bit(0));
        }
        Encoding::RunEnd => {
            out.push(TAG_RUNEND);
            runend::encode_bool(bits, len, &mut out)?;
        }
        Encoding::Auto => {
            if constant {
                return Ok(vec![TAG_CONSTANT, bit(0)]);
            }
            // Runs pay off only when they are long; compare exactly, bools are small.
            if runend::count_bool_runs(bits, len) * 16 < len {
                let runs = encode_bool(bits, len, Encoding::RunEnd)?;
                if runs.len() < n + 1 {
                    return Ok(runs);
                }
            }
            return encode_legacy(Values::Bool { bits, len }, Encoding::Plain);
        }
        e => {
            return Err(Error::Unsupported {
                encoding: e.name(),
                ty: PhysicalType::Bool,
            });
        }
    }
    Ok(out)
}

/// Decodes a chunk that must hold exactly `len` values of type `ty`.
pub fn decode(chunk: &[u8], ty: PhysicalType, len: usize) -> Result<Decoded> {
    let Some(&tag) = chunk.first() else {
        return Err(Error::corrupt(0, "empty chunk"));
    };
    macro_rules! words {
        ($w:ty, $variant:ident) => {
            Decoded::$variant(cast_words(decode_words::<$w>(chunk, len, 0, 0)?)?)
        };
    }
    Ok(match ty {
        PhysicalType::I8 => words!(u8, I8),
        PhysicalType::I16 => words!(u16, I16),
        PhysicalType::I32 => words!(u32, I32),
        PhysicalType::I64 => words!(u64, I64),
        PhysicalType::U8 => Decoded::U8(decode_words::<u8>(chunk, len, 0, 0)?),
        PhysicalType::U16 => Decoded::U16(decode_words::<u16>(chunk, len, 0, 0)?),
        PhysicalType::U32 => Decoded::U32(decode_words::<u32>(chunk, len, 0, 0)?),
        PhysicalType::U64 => Decoded::U64(decode_words::<u64>(chunk, len, 0, 0)?),
        PhysicalType::F32 => words!(u32, F32),
        PhysicalType::F64 => words!(u64, F64),
        PhysicalType::Bool => match tag {
            TAG_CONSTANT => {
                let payload = &chunk[1..];
                let bit = match payload {
                    [b @ (0 | 1)] => *b,
                    _ => {
                        return Err(Error::corrupt(
                            1,
                            "constant boolean must be one byte, 0 or 1",
                        ));
                    }
                };
                let mut bits = zeroed::<u8>(len.div_ceil(8), 1)?;
                if bit == 1 {
                    bits.fill(0xff);
                    if !len.is_multiple_of(8)
                        && let Some(last) = bits.last_mut()
                    {
                        *last = (1u8 << (len % 8)) - 1;
                    }
                }
                Decoded::Bool { bits, len }
            }
            TAG_RUNEND => Decoded::Bool {
                bits: runend::decode_bool(&chunk[1..], len, 1, 0)?,
                len,
            },
            _ => decode_legacy(chunk, ty, len)?,
        },
        PhysicalType::Binary => {
            let (offsets, data) = decode_binary(chunk, len, 0, 0)?;
            Decoded::Binary { offsets, data }
        }
    })
}

/// Decodes only the values at `rows` of a chunk of `len` values, as [`decode`] would return them
/// sliced: a row window of a segment costs the blocks up to its end, and only the window is
/// written out. Blocks before the window are stepped over (bit-packed blocks by their width
/// alone; a stream that needs its predecessors, such as deltas, still sums them). Booleans and
/// strings are decoded whole and then cut. `rows` outside `0..len` is
/// [`Error::InvalidInput`].
///
/// ```
/// use floe_codec::{Decoded, Encoding, PhysicalType, Values, decode_rows, encode};
/// let values: Vec<i64> = (0..10_000).map(|i| i * 3).collect();
/// let chunk = encode(Values::I64(&values), Encoding::Auto)?;
/// let window = decode_rows(&chunk, PhysicalType::I64, values.len(), 4_000..4_010)?;
/// assert!(matches!(window, Decoded::I64(v) if v == values[4_000..4_010]));
/// # Ok::<(), floe_codec::Error>(())
/// ```
pub fn decode_rows(
    chunk: &[u8],
    ty: PhysicalType,
    len: usize,
    rows: Range<usize>,
) -> Result<Decoded> {
    macro_rules! words {
        ($w:ty, $variant:ident) => {
            Decoded::$variant(cast_words(
                open::<$w>(chunk, len, 0, 0)?.into_window(len, rows, 0)?,
            )?)
        };
    }
    Ok(match ty {
        PhysicalType::I8 => words!(u8, I8),
        PhysicalType::I16 => words!(u16, I16),
        PhysicalType::I32 => words!(u32, I32),
        PhysicalType::I64 => words!(u64, I64),
        PhysicalType::U8 => words!(u8, U8),
        PhysicalType::U16 => words!(u16, U16),
        PhysicalType::U32 => words!(u32, U32),
        PhysicalType::U64 => words!(u64, U64),
        PhysicalType::F32 => words!(u32, F32),
        PhysicalType::F64 => words!(u64, F64),
        PhysicalType::Bool | PhysicalType::Binary => {
            if rows.start > rows.end || rows.end > len {
                return Err(Error::InvalidInput {
                    reason: format!("rows {rows:?} are not within a chunk of {len} values"),
                });
            }
            decode(chunk, ty, len)?.window(rows)
        }
    })
}

fn cast_words<W: Word, T: bytemuck::Pod>(v: Vec<W>) -> Result<Vec<T>> {
    bytemuck::allocation::try_cast_vec(v).map_err(|_| Error::corrupt(0, "word size mismatch"))
}

/// The pre-cascade decoder for tags 0, 1 and 2.
fn decode_legacy(chunk: &[u8], ty: PhysicalType, len: usize) -> Result<Decoded> {
    let Some((&tag, payload)) = chunk.split_first() else {
        return Err(Error::corrupt(0, "empty chunk"));
    };
    let expected = plain::fixed_size(ty, len);
    let max_len = match expected {
        Some(size) => size,
        None => len
            .checked_add(1)
            .and_then(|n| n.checked_mul(4))
            .and_then(|n| n.checked_add(MAX_BINARY_DATA))
            .ok_or_else(|| Error::corrupt(0, format!("{len} values cannot fit a chunk")))?,
    };
    match tag {
        TAG_PLAIN => plain::decode(payload, ty, len, 1),
        TAG_LZ4 => plain::decode(
            &general::lz4_decompress(payload, expected, max_len, 1)?,
            ty,
            len,
            5,
        ),
        TAG_ZSTD => plain::decode(
            &general::zstd_decompress(payload, expected, max_len, 1)?,
            ty,
            len,
            5,
        ),
        tag => Err(Error::UnknownEncoding { tag }),
    }
}

/// Decodes a chunk (or child chunk starting at `base` in the top-level chunk) of `len` words.
pub(crate) fn decode_words<W: Word>(
    chunk: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<Vec<W>> {
    open(chunk, len, base, depth)?.into_vec(len, base)
}

/// Opens a chunk (or child chunk at `base`) of `len` words as a block source; headers and
/// auxiliary streams are read and checked here, the bulk of the values as blocks are pulled.
pub(crate) fn open<W: Word>(
    chunk: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<Source<'_, W>> {
    let Some((&tag, payload)) = chunk.split_first() else {
        return Err(Error::corrupt(base, "empty chunk"));
    };
    check_depth(depth, base)?;
    let at = base + 1;
    let size = len
        .checked_mul(W::BYTES)
        .filter(|&s| s <= isize::MAX as usize)
        .ok_or_else(|| Error::corrupt(base, format!("{len} values cannot fit a chunk")))?;
    let check = |bytes: &[u8]| {
        if bytes.len() != size {
            return Err(Error::corrupt(
                at,
                format!(
                    "plain payload of {len} values must be {size} bytes, found {}",
                    bytes.len()
                ),
            ));
        }
        Ok(())
    };
    let whole = match tag {
        TAG_PLAIN => {
            check(payload)?;
            return Ok(Source::Blocks(Box::new(Plain { bytes: payload, at })));
        }
        TAG_LZ4 | TAG_ZSTD => {
            let raw = if tag == TAG_LZ4 {
                general::lz4_decompress(payload, Some(size), size, at)?
            } else {
                general::zstd_decompress(payload, Some(size), size, at)?
            };
            check(&raw)?;
            let mut out = zeroed::<W>(len, at)?;
            get_words(&raw, &mut out);
            out
        }
        TAG_CONSTANT => return constant::open(payload, at),
        TAG_BITPACKED => return frame::open(payload, len, at, depth),
        TAG_DELTA => return delta::open(payload, len, at, depth),
        TAG_DIVIDE => return divide::open(payload, len, at, depth),
        TAG_DICTIONARY => return dict::open(payload, len, at, depth),
        TAG_ALP => return alp::open(payload, len, at, depth),
        TAG_RUNEND => runend::decode(payload, len, at, depth)?,
        TAG_ALPRD => alprd::decode(payload, len, at, depth)?,
        TAG_STRINGS => {
            return Err(Error::corrupt(
                base,
                "strings encoding in a fixed-width stream",
            ));
        }
        tag => return Err(Error::UnknownEncoding { tag }),
    };
    if whole.len() != len {
        return Err(Error::corrupt(
            base,
            format!("decoded {} values, expected {len}", whole.len()),
        ));
    }
    Ok(Source::Whole(whole))
}

/// Decodes a chunk (or child chunk at `base`) of `len` strings into offsets and data.
pub(crate) fn decode_binary(
    chunk: &[u8],
    len: usize,
    base: usize,
    depth: u8,
) -> Result<(Vec<i32>, Vec<u8>)> {
    let Some((&tag, payload)) = chunk.split_first() else {
        return Err(Error::corrupt(base, "empty chunk"));
    };
    check_depth(depth, base)?;
    match tag {
        TAG_STRINGS => binary::decode(payload, len, base + 1, depth),
        TAG_DICTIONARY => dict::decode_binary_dict(payload, len, base + 1, depth),
        _ => match decode_legacy(chunk, PhysicalType::Binary, len).map_err(|e| shift(e, base))? {
            Decoded::Binary { offsets, data } => Ok((offsets, data)),
            _ => Err(Error::corrupt(base, "binary chunk decoded to another type")),
        },
    }
}

/// Deepest nesting a decoder follows. The encoder writes at most three cascade levels plus one
/// level of auxiliary streams; the limit stops hostile chunks from recursing until the stack ends.
const MAX_DECODE_DEPTH: u8 = 8;

fn check_depth(depth: u8, base: usize) -> Result<()> {
    if depth > MAX_DECODE_DEPTH {
        return Err(Error::corrupt(
            base,
            format!("encodings nested deeper than {MAX_DECODE_DEPTH} levels"),
        ));
    }
    Ok(())
}

/// Moves a legacy decoder's offset (relative to its own chunk) to the top-level chunk.
fn shift(e: Error, base: usize) -> Error {
    match e {
        Error::Corrupt { offset, reason } => Error::Corrupt {
            offset: offset + base,
            reason,
        },
        e => e,
    }
}

/// Names the encoding of a chunk without decoding it (for `floe inspect`).
pub fn describe(chunk: &[u8]) -> Result<&'static str> {
    match chunk.first() {
        Some(&tag) => tag_name(tag).ok_or(Error::UnknownEncoding { tag }),
        None => Err(Error::corrupt(0, "empty chunk")),
    }
}

#[cfg(test)]
mod tests;
