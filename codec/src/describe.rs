//! `describe_tree`: the whole encoding tree of a chunk as one line, for `floe inspect`, read from
//! the tags and headers without decoding values (except string lengths, whose sum sizes the
//! byte stream). It follows the same layouts as the decoders and must stay read-only.

use crate::bytes::Reader;
use crate::encoding::*;
use crate::word::Word;
use crate::{Error, PhysicalType, Result, binary, frame};

/// The encoding tree of a chunk of `len` values of `ty`, for example
/// `alp[e=2,f=0](delta(bitpacked[w2..3, 410 patches]))`.
pub fn describe_tree(chunk: &[u8], ty: PhysicalType, len: usize) -> Result<String> {
    let mut out = String::new();
    match ty {
        PhysicalType::I8 | PhysicalType::U8 => tree::<u8>(chunk, len, &mut out, 0)?,
        PhysicalType::I16 | PhysicalType::U16 => tree::<u16>(chunk, len, &mut out, 0)?,
        PhysicalType::I32 | PhysicalType::U32 | PhysicalType::F32 => {
            tree::<u32>(chunk, len, &mut out, 0)?
        }
        PhysicalType::I64 | PhysicalType::U64 | PhysicalType::F64 => {
            tree::<u64>(chunk, len, &mut out, 0)?
        }
        PhysicalType::Bool => out.push_str(crate::describe(chunk)?),
        PhysicalType::Binary => tree_binary(chunk, len, &mut out, 0)?,
    }
    Ok(out)
}

fn split(chunk: &[u8], depth: u8) -> Result<(u8, &[u8])> {
    if depth > 8 {
        return Err(Error::corrupt(0, "encodings nested too deep"));
    }
    let (&tag, payload) = chunk
        .split_first()
        .ok_or_else(|| Error::corrupt(0, "empty chunk"))?;
    tag_name(tag).ok_or(Error::UnknownEncoding { tag })?;
    Ok((tag, payload))
}

fn tree<W: Word>(chunk: &[u8], len: usize, out: &mut String, depth: u8) -> Result<()> {
    let (tag, payload) = split(chunk, depth)?;
    out.push_str(tag_name(tag).unwrap_or("?"));
    let mut r = Reader::new(payload, 1);
    match tag {
        TAG_BITPACKED => out.push_str(&format!("[{}]", frame::summary(payload, len))),
        TAG_DELTA => {
            let mode = r.u8("mode")?;
            r.word::<W>("first")?;
            out.push_str(if mode == 0 { "(" } else { "[zigzag](" });
            tree::<W>(r.child("deltas")?.0, len, out, depth + 1)?;
            out.push(')');
        }
        TAG_DIVIDE => {
            r.word::<W>("base")?;
            let g = r.word::<W>("divisor")?;
            out.push_str(&format!("[/{}](", g.to_u64()));
            tree::<W>(r.child("quotients")?.0, len, out, depth + 1)?;
            out.push(')');
        }
        TAG_RUNEND => {
            let runs = r.count(len, "runs")?;
            out.push_str(&format!("[{runs} runs](values: "));
            tree::<W>(r.child("values")?.0, runs, out, depth + 1)?;
            out.push_str(", lengths: ");
            tree::<u32>(r.child("lengths")?.0, runs, out, depth + 1)?;
            out.push(')');
        }
        TAG_DICTIONARY => {
            let k = r.count(len, "size")?;
            out.push_str(&format!("[{k}](values: "));
            tree::<W>(r.child("dictionary")?.0, k, out, depth + 1)?;
            out.push_str(", codes: ");
            codes(r.child("codes")?.0, k, len, out, depth)?;
            out.push(')');
        }
        TAG_ALP => {
            let (e, f, mode) = (r.u8("e")?, r.u8("f")?, r.u8("mode")?);
            let exc = r.count(len, "exceptions")?;
            let op = if mode == 1 { "/" } else { "*" };
            out.push_str(&format!("[e={e}{op},f={f},{exc} exceptions]("));
            tree::<W>(r.child("integers")?.0, len, out, depth + 1)?;
            out.push(')');
        }
        TAG_ALPRD => {
            let right = r.u8("cut")?;
            out.push_str(&format!("[right={right}](left: "));
            tree::<u16>(r.child("left")?.0, len, out, depth + 1)?;
            out.push_str(", right: ");
            tree::<W>(r.child("right")?.0, len, out, depth + 1)?;
            out.push(')');
        }
        _ => {}
    }
    Ok(())
}

fn codes(chunk: &[u8], k: usize, len: usize, out: &mut String, depth: u8) -> Result<()> {
    if k <= 1 << 8 {
        tree::<u8>(chunk, len, out, depth + 1)
    } else if k <= 1 << 16 {
        tree::<u16>(chunk, len, out, depth + 1)
    } else {
        tree::<u32>(chunk, len, out, depth + 1)
    }
}

fn tree_binary(chunk: &[u8], len: usize, out: &mut String, depth: u8) -> Result<()> {
    let (tag, payload) = split(chunk, depth)?;
    out.push_str(tag_name(tag).unwrap_or("?"));
    let mut r = Reader::new(payload, 1);
    match tag {
        TAG_STRINGS => {
            let lengths = r.child("lengths")?.0;
            let total = binary::decode(payload, len, 1, depth)?.1.len();
            out.push_str("(lengths: ");
            tree::<u32>(lengths, len, out, depth + 1)?;
            out.push_str(", bytes: ");
            tree::<u8>(r.child("bytes")?.0, total, out, depth + 1)?;
            out.push(')');
        }
        TAG_DICTIONARY => {
            let k = r.count(len, "size")?;
            out.push_str(&format!("[{k}](values: "));
            tree_binary(r.child("dictionary")?.0, k, out, depth + 1)?;
            out.push_str(", codes: ");
            codes(r.child("codes")?.0, k, len, out, depth)?;
            out.push(')');
        }
        _ => {}
    }
    Ok(())
}
