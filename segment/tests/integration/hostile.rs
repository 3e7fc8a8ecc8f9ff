//! Hostile bytes: every single-byte flip and every truncation of a real segment is an error (never
//! a panic, never a wrong Ok); damage is reported with the right column and offset; chunks that
//! pass their checksum but are still bad (unknown encoding, broken UTF-8, wrong length) give typed
//! errors; and random damage to a directory with a recomputed checksum never panics. These tests
//! also pin the documented header and footer bytes of docs/format.md.

use crate::support::{TestResult, all_types};
use arrow_array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use floe_codec::Encoding;
use floe_segment::{
    ByteRange, Directory, EncodeOptions, Encoded, Error, FOOTER_LEN, FORMAT_VERSION, HEADER_LEN,
    decode, decode_columns, encode, read_directory,
};
use proptest::prelude::*;
use std::sync::Arc;

/// A small segment with a string column, nulls and a column without nulls.
fn small(encoding: Encoding) -> Result<Encoded, Box<dyn std::error::Error>> {
    let ts: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3, 5, 8]));
    let s: ArrayRef = Arc::new(StringArray::from(vec![
        Some("a"),
        None,
        Some("é"),
        Some(""),
        Some("xyz"),
    ]));
    let b: ArrayRef = Arc::new(BooleanArray::from(vec![
        Some(true),
        Some(false),
        None,
        None,
        Some(true),
    ]));
    let batch = RecordBatch::try_from_iter([("ts", ts), ("s", s), ("b", b)])?;
    Ok(encode(&batch, &EncodeOptions { encoding })?)
}

/// Rebuilds a segment file from its chunk area and a (possibly edited) directory, writing the
/// footer by hand exactly as docs/format.md describes it.
fn reframe(chunk_area: &[u8], dir: &Directory) -> Vec<u8> {
    let dir_bytes = dir.to_bytes();
    let mut file = chunk_area.to_vec();
    file.extend_from_slice(&dir_bytes);
    file.extend_from_slice(&(dir_bytes.len() as u64).to_le_bytes());
    file.extend_from_slice(&crc32c::crc32c(&dir_bytes).to_le_bytes());
    file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.extend_from_slice(b"FLOESG");
    file
}

fn chunk_area(encoded: &Encoded) -> &[u8] {
    let end = encoded
        .directory
        .columns
        .iter()
        .flat_map(|c| std::iter::once(c.values).chain(c.validity))
        .map(|r| r.range().end)
        .max();
    &encoded.bytes[..end.unwrap_or(HEADER_LEN as u64) as usize]
}

#[test]
fn header_and_footer_bytes_match_the_documented_layout() -> TestResult {
    let encoded = small(Encoding::Lz4)?;
    let bytes = &encoded.bytes;
    assert_eq!(&bytes[..HEADER_LEN], b"FLOESG\x01\x00");
    assert_eq!(FOOTER_LEN, 20);
    assert_eq!(reframe(chunk_area(&encoded), &encoded.directory), *bytes);
    // Chunks are back to back from the header to the directory, in column order.
    let mut at = HEADER_LEN as u64;
    for c in &encoded.directory.columns {
        for r in std::iter::once(c.values).chain(c.validity) {
            assert_eq!(r.offset, at);
            at = r.range().end;
        }
    }
    assert_eq!(
        at as usize,
        bytes.len() - FOOTER_LEN - encoded.directory.to_bytes().len()
    );
    Ok(())
}

/// The worked example in docs/format.md, byte for byte.
#[test]
fn worked_example_in_format_md() -> TestResult {
    let x: ArrayRef = Arc::new(Int64Array::from(vec![Some(-1), None, Some(7)]));
    let batch = RecordBatch::try_from_iter([("x", x)])?;
    let encoded = encode(
        &batch,
        &EncodeOptions {
            encoding: Encoding::Plain,
        },
    )?;
    let documented = "
        46 4c 4f 45 53 47 01 00 00 ff ff ff ff ff ff ff
        ff 00 00 00 00 00 00 00 00 07 00 00 00 00 00 00
        00 00 05 01 00 03 00 00 00 00 00 00 00 00 00 00
        00 01 00 00 00 01 00 00 00 78 01 04 00 00 00 00
        03 08 00 00 00 00 00 00 00 19 00 00 00 00 00 00
        00 54 00 d6 df 21 00 00 00 00 00 00 00 02 00 00
        00 00 00 00 00 ce 63 90 c4 01 00 00 00 00 00 00
        00 ff ff ff ff ff ff ff ff 07 00 00 00 00 00 00
        00 00 00 00 00 62 00 00 00 00 00 00 00 1a c9 17
        e8 01 00 46 4c 4f 45 53 47";
    let expected = documented
        .split_whitespace()
        .map(|h| u8::from_str_radix(h, 16))
        .collect::<Result<Vec<u8>, _>>()?;
    assert_eq!(encoded.bytes, expected);
    Ok(())
}

#[test]
fn every_single_byte_flip_is_an_error() -> TestResult {
    for encoding in [
        Encoding::Plain,
        Encoding::Lz4,
        Encoding::Zstd { level: 1 },
        Encoding::Auto,
    ] {
        let bytes = small(encoding)?.bytes;
        for i in 0..bytes.len() {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[i] ^= mask;
                let r = decode(&damaged, "t");
                assert!(
                    matches!(
                        r,
                        Err(Error::Corrupt { .. } | Error::UnsupportedVersion { .. })
                    ),
                    "{encoding:?}: flipping byte {i} with {mask:#x} gave {r:?}"
                );
                let r = read_directory(&damaged, "t");
                // Damage inside a chunk is only seen when the chunk is decoded.
                assert!(
                    !matches!(
                        r,
                        Err(Error::UnsupportedType { .. } | Error::InvalidInput { .. })
                    ),
                    "{r:?}"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn every_truncation_is_an_error() -> TestResult {
    let bytes = small(Encoding::Lz4)?.bytes;
    for len in 0..bytes.len() {
        let r = decode(&bytes[..len], "t");
        assert!(
            matches!(r, Err(Error::Corrupt { .. })),
            "truncated to {len}: {r:?}"
        );
        assert!(read_directory(&bytes[..len], "t").is_err());
    }
    // Extra bytes after the footer are no more acceptable than missing ones.
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(decode(&longer, "t").is_err());
    Ok(())
}

#[test]
fn damage_names_column_and_offset() -> TestResult {
    let encoded = small(Encoding::Lz4)?;
    let values = encoded.directory.columns[1].values;
    let mut damaged = encoded.bytes.clone();
    damaged[values.offset as usize + 2] ^= 0x10;
    match decode(&damaged, "seg-1") {
        Err(Error::Corrupt {
            segment,
            column,
            offset,
            ..
        }) => {
            assert_eq!(
                (segment.as_str(), column.as_deref(), offset),
                ("seg-1", Some("s"), values.offset)
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let message = decode(&damaged, "seg-1")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("seg-1") && message.contains("column s"),
        "{message}"
    );
    Ok(())
}

/// A copy of `dir` where column `column`'s values chunk is `chunk` (crc and length updated), so
/// the damage gets past the checksum and reaches the codec.
fn with_values_chunk(dir: &Directory, column: usize, chunk: &[u8]) -> Directory {
    let mut dir = dir.clone();
    let old = dir.columns[column].values;
    dir.columns[column].values = ByteRange {
        offset: old.offset,
        len: chunk.len() as u64,
        crc32c: crc32c::crc32c(chunk),
    };
    dir
}

#[test]
fn bad_chunks_that_pass_their_checksum_are_typed_errors() -> TestResult {
    let encoded = small(Encoding::Plain)?;
    let dir = &encoded.directory;
    let range = |c: usize| dir.columns[c].values.range();
    let original =
        |c: usize| encoded.bytes[range(c).start as usize..range(c).end as usize].to_vec();

    // Unknown encoding tag: written by a newer floe, not damage.
    let mut chunk = original(0);
    chunk[0] = 0xee;
    let r = decode_columns(&with_values_chunk(dir, 0, &chunk), &[0], &[&chunk], "t");
    assert!(
        matches!(r, Err(Error::UnsupportedEncoding { tag: 0xee, ref column, .. }) if column == "ts"),
        "{r:?}"
    );

    // A plain i64 chunk one byte short: the codec's offset (1, after the tag) becomes absolute.
    let chunk = original(0);
    let short = &chunk[..chunk.len() - 1];
    let r = decode_columns(&with_values_chunk(dir, 0, short), &[0], &[short], "t");
    assert!(
        matches!(r, Err(Error::Corrupt { offset, .. }) if offset == range(0).start + 1),
        "{r:?}"
    );

    // Strings that are not UTF-8.
    let mut chunk = original(1);
    let last = chunk.len() - 1;
    chunk[last] = 0xff;
    let dir1 = with_values_chunk(dir, 1, &chunk);
    let validity = &encoded.bytes[dir.columns[1]
        .validity
        .map_or(0..0, |r| r.range().start as usize..r.range().end as usize)];
    let r = decode_columns(&dir1, &[1], &[&chunk, validity], "t");
    assert!(
        matches!(r, Err(Error::Corrupt { column: Some(ref c), .. }) if c == "s"),
        "{r:?}"
    );

    // The same damage framed as a whole file with a valid directory checksum.
    let mut area = chunk_area(&encoded).to_vec();
    area[range(1).end as usize - 1] = 0xff;
    let r = decode(&reframe(&area, &dir1), "t");
    assert!(
        matches!(r, Err(Error::Corrupt { column: Some(ref c), .. }) if c == "s"),
        "{r:?}"
    );
    Ok(())
}

#[test]
fn directory_lies_are_caught() -> TestResult {
    for encoding in [Encoding::Plain, Encoding::Lz4] {
        directory_lies_are_caught_in(encoding)?;
    }
    Ok(())
}

fn directory_lies_are_caught_in(encoding: Encoding) -> TestResult {
    let encoded = small(encoding)?;
    let area = chunk_area(&encoded);
    // A null count that disagrees with the validity bitmap.
    let mut dir = encoded.directory.clone();
    dir.columns[2].null_count = 1;
    assert!(matches!(
        decode(&reframe(area, &dir), "t"),
        Err(Error::Corrupt { .. })
    ));
    // More rows than the chunks hold.
    let mut dir = encoded.directory.clone();
    dir.rows = 6;
    assert!(matches!(
        decode(&reframe(area, &dir), "t"),
        Err(Error::Corrupt { .. })
    ));
    // A huge row count must not allocate.
    dir.rows = u64::MAX / 2;
    assert!(matches!(
        decode(&reframe(area, &dir), "t"),
        Err(Error::Corrupt { .. })
    ));
    // A chunk range that runs into the directory.
    let mut dir = encoded.directory.clone();
    dir.columns[0].values.len += area.len() as u64;
    assert!(matches!(
        read_directory(&reframe(area, &dir), "t"),
        Err(Error::Corrupt { .. })
    ));
    // A newer directory version inside an otherwise valid frame.
    let mut file = reframe(area, &encoded.directory);
    let dir_start = area.len();
    file[dir_start] = 2;
    let len = file.len();
    let crc = crc32c::crc32c(&file[dir_start..len - FOOTER_LEN]).to_le_bytes();
    file[len - 12..len - 8].copy_from_slice(&crc);
    assert!(matches!(
        decode(&file, "t"),
        Err(Error::UnsupportedVersion { found: 2, .. })
    ));
    Ok(())
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode(&bytes, "t");
        let _ = Directory::from_bytes(&bytes, "t");
    }

    #[test]
    fn random_damage_is_never_a_wrong_ok(edits in prop::collection::vec((any::<prop::sample::Index>(), 1u8..), 1..6)) {
        let encoded = small(Encoding::Lz4).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut damaged = encoded.bytes.clone();
        for (at, mask) in &edits {
            let i = at.index(damaged.len());
            damaged[i] ^= mask;
        }
        if damaged != encoded.bytes {
            prop_assert!(decode(&damaged, "t").is_err());
        }
    }

    #[test]
    fn damaged_directory_with_valid_checksum_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        seed in 0usize..3,
    ) {
        // Reach past the checksum: damage the directory, then recompute the footer.
        let encoded = small([Encoding::Plain, Encoding::Lz4, Encoding::Zstd { level: 1 }][seed])
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let area = chunk_area(&encoded);
        let mut dir_bytes = encoded.directory.to_bytes();
        for (at, v) in &edits {
            let i = at.index(dir_bytes.len());
            dir_bytes[i] = *v;
        }
        let mut file = area.to_vec();
        file.extend_from_slice(&dir_bytes);
        file.extend_from_slice(&(dir_bytes.len() as u64).to_le_bytes());
        file.extend_from_slice(&crc32c::crc32c(&dir_bytes).to_le_bytes());
        file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        file.extend_from_slice(b"FLOESG");
        let _ = decode(&file, "t");
        let _ = Directory::from_bytes(&dir_bytes, "t");
    }

    #[test]
    fn random_batches_survive_random_flips(rows in 0usize..40, nulls in any::<bool>(), at in any::<prop::sample::Index>()) {
        let batch = all_types(rows, nulls)?;
        let bytes = encode(&batch, &EncodeOptions::default())?.bytes;
        let mut damaged = bytes.clone();
        damaged[at.index(bytes.len())] ^= 0x20;
        prop_assert!(decode(&damaged, "t").is_err());
    }
}
