//! The segment's fixed frame and its table of contents: the header and footer constants, the chunk
//! directory ([`Directory`], [`ColumnChunk`], [`ByteRange`]) and their binary forms. It owns every
//! byte of a segment that is not inside a column chunk, and the rules that make those bytes
//! trustworthy (lengths bounded by the input, versions checked); it must not encode or decode
//! column values. The layout is documented byte by byte in docs/format.md; keep the two in step.

use crate::arrow_conv::is_integer_like;
use crate::schema;
use crate::wire::{Cursor, put_i64, put_u8, put_u16, put_u32, put_u64};
use crate::{Error, Result};
use arrow_schema::SchemaRef;
use std::ops::Range;
use std::sync::Arc;

/// The six bytes that open and close every segment file.
pub const MAGIC: [u8; 6] = *b"FLOESG";
/// The segment format version this build writes and the only one it reads.
pub const FORMAT_VERSION: u16 = 1;
/// Size of the header: [`MAGIC`] then the format version (`u16`, little-endian).
pub const HEADER_LEN: usize = 8;
/// Size of the footer: directory length (`u64`), directory crc32c (`u32`), format version (`u16`),
/// [`MAGIC`]; all little-endian.
pub const FOOTER_LEN: usize = 20;

const FLAG_VALIDITY: u8 = 1;
const FLAG_STATS: u8 = 2;
const KNOWN_FLAGS: u8 = FLAG_VALIDITY | FLAG_STATS;
/// Smallest encoded extension entry: tag and length.
const MIN_EXTENSION_LEN: usize = 2 + 4;

/// Where one chunk sits in the segment file, and the crc32c (Castagnoli) of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// Absolute byte offset of the chunk's first byte in the segment file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
    /// crc32c of the chunk's bytes.
    pub crc32c: u32,
}

impl ByteRange {
    /// The half-open byte range `offset..offset + len`, as a range GET wants it.
    pub fn range(&self) -> Range<u64> {
        self.offset..self.offset.saturating_add(self.len)
    }
}

/// One column's chunks and stats. Every chunk holds exactly [`Directory::rows`] values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnChunk {
    /// The values chunk (codec-encoded; null slots hold unspecified values).
    pub values: ByteRange,
    /// The validity chunk (codec `Bool`, set bit = valid), present exactly when `null_count > 0`.
    pub validity: Option<ByteRange>,
    /// Number of null slots.
    pub null_count: u64,
    /// Smallest non-null value, for integer-like columns (integers whose values fit `i64`,
    /// timestamps, dates) with at least one non-null value; `None` otherwise.
    pub min: Option<i64>,
    /// Largest non-null value; present exactly when `min` is.
    pub max: Option<i64>,
}

/// A segment's table of contents: its schema, row count and where each column's chunks are.
#[derive(Debug, Clone, PartialEq)]
pub struct Directory {
    /// The schema of the stored batch, metadata included.
    pub schema: SchemaRef,
    /// Number of rows.
    pub rows: u64,
    /// One entry per schema field, in schema order.
    pub columns: Vec<ColumnChunk>,
}

impl Directory {
    /// Binary form (the same bytes stored in the segment before the footer). The root crate also
    /// embeds these bytes in its version manifests so a read needs no footer round trip.
    ///
    /// A directory built by hand with a type outside the supported set, or with a column count
    /// that differs from the schema's, serialises to bytes that [`Directory::from_bytes`] rejects.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.columns.len() * 64);
        put_u16(&mut out, FORMAT_VERSION);
        put_u64(&mut out, self.rows);
        schema::write(&self.schema, &mut out);
        for column in &self.columns {
            let stats = column.min.zip(column.max);
            let mut flags = 0;
            if column.validity.is_some() {
                flags |= FLAG_VALIDITY;
            }
            if stats.is_some() {
                flags |= FLAG_STATS;
            }
            put_u8(&mut out, flags);
            put_range(&mut out, &column.values);
            if let Some(validity) = &column.validity {
                put_range(&mut out, validity);
            }
            put_u64(&mut out, column.null_count);
            if let Some((min, max)) = stats {
                put_i64(&mut out, min);
                put_i64(&mut out, max);
            }
        }
        put_u32(&mut out, 0); // no extensions in version 1
        out
    }

    /// Parses the binary form written by [`Directory::to_bytes`]. Every length is checked against
    /// the input before anything is allocated; the bytes may be hostile. Offsets in errors are
    /// relative to the start of `bytes`. `segment` names the object in errors.
    ///
    /// This does not check a crc: the segment footer (see [`Directory::locate`]) or the manifest
    /// that embeds the bytes carries it.
    pub fn from_bytes(bytes: &[u8], segment: &str) -> Result<Directory> {
        Directory::parse(bytes, 0, segment)
    }

    /// [`Directory::from_bytes`] for bytes that sit at absolute offset `base` in the file.
    pub(crate) fn parse(bytes: &[u8], base: u64, segment: &str) -> Result<Directory> {
        let mut c = Cursor::new(bytes, base, segment);
        let version = c.u16("directory version")?;
        if version != FORMAT_VERSION {
            return Err(Error::UnsupportedVersion {
                segment: segment.to_owned(),
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let rows = c.u64("row count")?;
        let schema = Arc::new(schema::read(&mut c)?);
        let mut columns = Vec::with_capacity(schema.fields().len());
        for field in schema.fields() {
            columns.push(read_column(&mut c, field, rows)?);
        }
        let n = c.count(MIN_EXTENSION_LEN, "extension count")?;
        for _ in 0..n {
            // Version 1 defines no extensions; every tag is one a reader may skip.
            let _tag = c.u16("extension tag")?;
            let len = c.u32("extension length")? as usize;
            c.take(len, "extension")?;
        }
        c.finish("directory")?;
        Ok(Directory {
            schema,
            rows,
            columns,
        })
    }

    /// Given the last [`FOOTER_LEN`] bytes of a segment of `file_len` bytes, the byte range of the
    /// directory and its crc.
    pub fn locate(footer: &[u8], file_len: u64, segment: &str) -> Result<ByteRange> {
        let footer_start = file_len.saturating_sub(FOOTER_LEN as u64);
        let corrupt = |at: u64, reason: String| Error::corrupt(segment, None, at, reason);
        let Ok(footer) = <&[u8; FOOTER_LEN]>::try_from(footer) else {
            return Err(corrupt(
                footer_start,
                format!("footer must be {FOOTER_LEN} bytes, got {}", footer.len()),
            ));
        };
        if file_len < (HEADER_LEN + FOOTER_LEN) as u64 {
            return Err(corrupt(
                0,
                format!("a segment of {file_len} bytes is shorter than its header and footer"),
            ));
        }
        let mut c = Cursor::new(footer, footer_start, segment);
        let dir_len = c.u64("directory length")?;
        let crc32c = c.u32("directory crc")?;
        let version = c.u16("footer version")?;
        if c.take(MAGIC.len(), "footer magic")? != MAGIC {
            return Err(corrupt(
                footer_start + 14,
                "footer magic missing: not a floe segment".into(),
            ));
        }
        if version != FORMAT_VERSION {
            return Err(Error::UnsupportedVersion {
                segment: segment.to_owned(),
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let room = file_len - (HEADER_LEN + FOOTER_LEN) as u64;
        if dir_len > room {
            return Err(corrupt(
                footer_start,
                format!(
                    "directory length {dir_len} exceeds the {room} bytes between header and footer"
                ),
            ));
        }
        Ok(ByteRange {
            offset: footer_start - dir_len,
            len: dir_len,
            crc32c,
        })
    }

    /// Byte ranges a read of `columns` (indices into the schema) needs, in order: for each column,
    /// values then validity if any. Indices past the last column contribute no ranges
    /// ([`crate::decode_columns`] rejects them).
    pub fn ranges_for(&self, columns: &[usize]) -> Vec<ByteRange> {
        let mut out = Vec::with_capacity(columns.len() * 2);
        for chunk in columns.iter().filter_map(|&i| self.columns.get(i)) {
            out.push(chunk.values);
            out.extend(chunk.validity);
        }
        out
    }
}

fn put_range(out: &mut Vec<u8>, range: &ByteRange) {
    put_u64(out, range.offset);
    put_u64(out, range.len);
    put_u32(out, range.crc32c);
}

fn read_range(c: &mut Cursor<'_>, column: &str, what: &str) -> Result<ByteRange> {
    let at = c.offset();
    let range = ByteRange {
        offset: c.u64(what)?,
        len: c.u64(what)?,
        crc32c: c.u32(what)?,
    };
    // Every chunk holds at least its encoding tag and sits after the header.
    if range.offset < HEADER_LEN as u64
        || range.len == 0
        || range.offset.checked_add(range.len).is_none()
    {
        return Err(Error::corrupt(
            c.segment(),
            Some(column),
            at,
            format!("{what} range {}+{} is impossible", range.offset, range.len),
        ));
    }
    Ok(range)
}

fn read_column(c: &mut Cursor<'_>, field: &arrow_schema::Field, rows: u64) -> Result<ColumnChunk> {
    let name = field.name().as_str();
    let at = c.offset();
    let segment = c.segment();
    let corrupt = |reason: String| Error::corrupt(segment, Some(name), at, reason);
    let flags = c.u8("column flags")?;
    if flags & !KNOWN_FLAGS != 0 {
        return Err(corrupt(format!("unknown column flags {flags:#04x}")));
    }
    let values = read_range(c, name, "values chunk")?;
    let validity = if flags & FLAG_VALIDITY != 0 {
        Some(read_range(c, name, "validity chunk")?)
    } else {
        None
    };
    let null_count = c.u64("null count")?;
    let (min, max) = if flags & FLAG_STATS != 0 {
        (Some(c.i64("min")?), Some(c.i64("max")?))
    } else {
        (None, None)
    };
    if null_count > rows {
        return Err(corrupt(format!(
            "null count {null_count} exceeds the {rows} rows"
        )));
    }
    if validity.is_some() != (null_count > 0) {
        return Err(corrupt(format!(
            "a validity chunk must exist exactly when there are nulls ({null_count})"
        )));
    }
    if null_count > 0 && !field.is_nullable() {
        return Err(corrupt(format!(
            "{null_count} nulls in a non-nullable column"
        )));
    }
    if let (Some(min), Some(max)) = (min, max)
        && (!is_integer_like(field.data_type()) || null_count == rows || min > max)
    {
        return Err(corrupt(format!(
            "stats min {min} max {max} are impossible for {} with {null_count} of {rows} rows null",
            field.data_type()
        )));
    }
    Ok(ColumnChunk {
        values,
        validity,
        null_count,
        min,
        max,
    })
}

/// The 8 header bytes of a version-1 segment.
pub(crate) fn header() -> [u8; HEADER_LEN] {
    let mut out = [0u8; HEADER_LEN];
    out[..6].copy_from_slice(&MAGIC);
    out[6..].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    out
}

/// Checks the header of a whole segment file held in memory.
pub(crate) fn check_header(file: &[u8], segment: &str) -> Result<()> {
    let Some(head) = file.get(..HEADER_LEN) else {
        return Err(Error::corrupt(
            segment,
            None,
            0,
            format!("{} bytes is shorter than the header", file.len()),
        ));
    };
    if head[..6] != MAGIC {
        return Err(Error::corrupt(
            segment,
            None,
            0,
            "header magic missing: not a floe segment",
        ));
    }
    let version = u16::from_le_bytes([head[6], head[7]]);
    if version != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion {
            segment: segment.to_owned(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(())
}

/// The footer for a directory of `directory` bytes.
pub(crate) fn footer(directory: &[u8]) -> [u8; FOOTER_LEN] {
    let mut out = Vec::with_capacity(FOOTER_LEN);
    put_u64(&mut out, directory.len() as u64);
    put_u32(&mut out, crc32c::crc32c(directory));
    put_u16(&mut out, FORMAT_VERSION);
    out.extend_from_slice(&MAGIC);
    let mut footer = [0u8; FOOTER_LEN];
    footer.copy_from_slice(&out);
    footer
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_schema::{DataType, Field, Schema, TimeUnit};
    use proptest::prelude::*;

    fn sample() -> Directory {
        let schema = Schema::new(vec![
            Field::new(
                "ts",
                DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
                false,
            ),
            Field::new("px", DataType::Float64, true),
        ]);
        let range = |offset, len| ByteRange {
            offset,
            len,
            crc32c: 0xabcd_0123,
        };
        Directory {
            schema: Arc::new(schema),
            rows: 10,
            columns: vec![
                ColumnChunk {
                    values: range(8, 30),
                    validity: None,
                    null_count: 0,
                    min: Some(-5),
                    max: Some(9),
                },
                ColumnChunk {
                    values: range(38, 40),
                    validity: Some(range(78, 3)),
                    null_count: 2,
                    min: None,
                    max: None,
                },
            ],
        }
    }

    #[test]
    fn directory_round_trips() -> Result<()> {
        let dir = sample();
        assert_eq!(Directory::from_bytes(&dir.to_bytes(), "s")?, dir);
        Ok(())
    }

    #[test]
    fn ranges_for_lists_values_then_validity_and_skips_bad_indices() {
        let dir = sample();
        let r = dir.ranges_for(&[1, 0, 7]);
        assert_eq!(
            r,
            vec![
                dir.columns[1].values,
                dir.columns[1].validity.unwrap_or(dir.columns[0].values),
                dir.columns[0].values
            ]
        );
        assert_eq!(r[0].range(), 38..78);
    }

    #[test]
    fn unknown_version_is_typed() {
        let mut bytes = sample().to_bytes();
        bytes[0] = 2;
        assert!(matches!(
            Directory::from_bytes(&bytes, "s"),
            Err(Error::UnsupportedVersion {
                found: 2,
                supported: 1,
                ..
            })
        ));
    }

    #[test]
    fn extensions_are_skipped() -> Result<()> {
        let dir = sample();
        let mut bytes = dir.to_bytes();
        bytes.truncate(bytes.len() - 4);
        put_u32(&mut bytes, 1);
        put_u16(&mut bytes, 0x7777);
        put_u32(&mut bytes, 3);
        bytes.extend_from_slice(b"abc");
        assert_eq!(Directory::from_bytes(&bytes, "s")?, dir);
        Ok(())
    }

    #[test]
    fn inconsistent_columns_are_corrupt() {
        let mut dir = sample();
        dir.columns[1].validity = None; // nulls without a validity chunk
        assert!(matches!(
            Directory::from_bytes(&dir.to_bytes(), "s"),
            Err(Error::Corrupt { .. })
        ));
        let mut dir = sample();
        dir.columns[0].null_count = 1; // nulls in a non-nullable column
        dir.columns[0].validity = Some(dir.columns[0].values);
        assert!(matches!(
            Directory::from_bytes(&dir.to_bytes(), "s"),
            Err(Error::Corrupt { .. })
        ));
        let mut dir = sample();
        dir.columns[1].min = Some(1); // stats on a float column
        dir.columns[1].max = Some(2);
        assert!(matches!(
            Directory::from_bytes(&dir.to_bytes(), "s"),
            Err(Error::Corrupt { .. })
        ));
        let mut dir = sample();
        dir.columns[0].min = Some(10); // min > max
        assert!(matches!(
            Directory::from_bytes(&dir.to_bytes(), "s"),
            Err(Error::Corrupt { .. })
        ));
        let mut dir = sample();
        dir.columns[0].values.offset = 3; // inside the header
        assert!(matches!(
            Directory::from_bytes(&dir.to_bytes(), "s"),
            Err(Error::Corrupt { .. })
        ));
        let mut dir = sample();
        dir.columns.pop();
        assert!(matches!(
            Directory::from_bytes(&dir.to_bytes(), "s"),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn locate_checks_footer() -> Result<()> {
        let dir = sample().to_bytes();
        let f = footer(&dir);
        let file_len = (HEADER_LEN + 100 + dir.len() + FOOTER_LEN) as u64;
        let r = Directory::locate(&f, file_len, "s")?;
        assert_eq!(
            r,
            ByteRange {
                offset: (HEADER_LEN + 100) as u64,
                len: dir.len() as u64,
                crc32c: crc32c::crc32c(&dir)
            }
        );
        assert!(matches!(
            Directory::locate(&f, (HEADER_LEN + FOOTER_LEN) as u64, "s"),
            Err(Error::Corrupt { .. })
        ));
        assert!(matches!(
            Directory::locate(&f[1..], file_len, "s"),
            Err(Error::Corrupt { .. })
        ));
        assert!(matches!(
            Directory::locate(&f, 5, "s"),
            Err(Error::Corrupt { .. })
        ));
        let mut bad = f;
        bad[12] = 9;
        assert!(matches!(
            Directory::locate(&bad, file_len, "s"),
            Err(Error::UnsupportedVersion { found: 9, .. })
        ));
        let mut bad = f;
        bad[19] ^= 1;
        assert!(matches!(
            Directory::locate(&bad, file_len, "s"),
            Err(Error::Corrupt { .. })
        ));
        Ok(())
    }

    proptest! {
        #[test]
        fn hostile_directory_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = Directory::from_bytes(&bytes, "s");
        }

        #[test]
        fn hostile_directory_with_valid_prefix_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..300), cut in 0usize..200) {
            // Random bytes after a real prefix reach deeper parsing than fully random input.
            let mut bytes = sample().to_bytes();
            bytes.truncate(cut.min(bytes.len()));
            bytes.extend_from_slice(&tail);
            let _ = Directory::from_bytes(&bytes, "s");
        }

        #[test]
        fn hostile_footer_never_panics(bytes in proptest::collection::vec(any::<u8>(), FOOTER_LEN..=FOOTER_LEN), file_len in any::<u64>()) {
            let _ = Directory::locate(&bytes, file_len, "s");
        }
    }
}
