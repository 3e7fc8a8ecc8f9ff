//! Decoding segments: verifying a whole file's frame and directory, checking each chunk's crc32c
//! before the codec sees it, and decoding the requested columns in parallel (rayon) into a
//! RecordBatch. It owns the mapping of codec and Arrow failures to typed errors with segment,
//! column and absolute offset; it must not panic on any input bytes and must not parse layout
//! itself (`directory.rs` does).

use crate::arrow_conv::{physical_type, to_array, to_nulls};
use crate::directory::{ByteRange, ColumnChunk, Directory, FOOTER_LEN, HEADER_LEN, check_header};
use crate::{Error, Result};
use arrow_array::{ArrayRef, RecordBatch, RecordBatchOptions};
use arrow_buffer::NullBuffer;
use arrow_schema::{Field, Schema};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::Arc;

/// Parses and verifies only the directory of a whole segment file in memory: header, footer,
/// directory crc, and that every chunk lies between the header and the directory.
pub fn read_directory(file: &[u8], segment: &str) -> Result<Directory> {
    check_header(file, segment)?;
    let footer_start = file
        .len()
        .checked_sub(FOOTER_LEN)
        .filter(|&s| s >= HEADER_LEN)
        .ok_or_else(|| {
            Error::corrupt(
                segment,
                None,
                0,
                format!(
                    "a segment of {} bytes is shorter than its header and footer",
                    file.len()
                ),
            )
        })?;
    let range = Directory::locate(&file[footer_start..], file.len() as u64, segment)?;
    let bytes = slice(file, &range, segment, None)?;
    verify(bytes, &range, segment, None, "directory")?;
    let directory = Directory::parse(bytes, range.offset, segment)?;
    for (field, chunk) in directory.schema.fields().iter().zip(&directory.columns) {
        for r in std::iter::once(&chunk.values).chain(&chunk.validity) {
            if r.range().end > range.offset {
                return Err(Error::corrupt(
                    segment,
                    Some(field.name()),
                    r.offset,
                    format!(
                        "chunk {}..{} overlaps the directory at {}",
                        r.offset,
                        r.range().end,
                        range.offset
                    ),
                ));
            }
        }
    }
    Ok(directory)
}

/// Decodes a whole segment file held in memory (verifies header, footer, directory crc and every
/// chunk crc).
pub fn decode(file: &[u8], segment: &str) -> Result<RecordBatch> {
    let directory = read_directory(file, segment)?;
    let all: Vec<usize> = (0..directory.columns.len()).collect();
    let chunks = directory
        .ranges_for(&all)
        .iter()
        .map(|r| slice(file, r, segment, None))
        .collect::<Result<Vec<_>>>()?;
    decode_columns(&directory, &all, &chunks, segment)
}

/// One column to decode: its field, directory entry and chunk bytes.
struct Job<'a> {
    field: &'a Field,
    chunk: &'a ColumnChunk,
    values: &'a [u8],
    validity: Option<&'a [u8]>,
}

/// Decodes `columns` (schema indices, in the order wanted) from the chunk bytes returned for
/// `dir.ranges_for(columns)` (same order, same count), verifying each crc32c; columns decoded in
/// parallel with rayon. The result's schema is the projection of `dir.schema` (schema metadata
/// kept). `segment` names the object in errors.
pub fn decode_columns(
    dir: &Directory,
    columns: &[usize],
    chunks: &[&[u8]],
    segment: &str,
) -> Result<RecordBatch> {
    decode_rows_of(dir, columns, chunks, None, segment)
}

/// [`decode_columns`] of the segment's rows `window` (all rows when `None`).
fn decode_rows_of(
    dir: &Directory,
    columns: &[usize],
    chunks: &[&[u8]],
    window: Option<Range<usize>>,
    segment: &str,
) -> Result<RecordBatch> {
    let fields = dir.schema.fields();
    if fields.len() != dir.columns.len() {
        return Err(Error::invalid(format!(
            "directory has {} column chunks for {} fields",
            dir.columns.len(),
            fields.len()
        )));
    }
    if let Some(&bad) = columns.iter().find(|&&i| i >= fields.len()) {
        return Err(Error::invalid(format!(
            "column index {bad} out of range ({} columns)",
            fields.len()
        )));
    }
    let wanted = dir.ranges_for(columns).len();
    if chunks.len() != wanted {
        return Err(Error::invalid(format!(
            "{} chunks given, the columns need {wanted}",
            chunks.len()
        )));
    }
    let rows = usize::try_from(dir.rows).map_err(|_| {
        Error::corrupt(
            segment,
            None,
            0,
            format!("{} rows do not fit this platform", dir.rows),
        )
    })?;

    let mut next = chunks.iter().copied();
    let mut jobs = Vec::with_capacity(columns.len());
    for &i in columns {
        let chunk = &dir.columns[i];
        // The count check above guarantees these are present.
        let values = next.next().unwrap_or_default();
        let validity = chunk.validity.and_then(|_| next.next());
        jobs.push(Job {
            field: &fields[i],
            chunk,
            values,
            validity,
        });
    }
    let window = window.unwrap_or(0..rows);
    let arrays = jobs
        .into_par_iter()
        .map(|job| decode_column(&job, rows, window.clone(), segment))
        .collect::<Result<Vec<ArrayRef>>>()?;

    let projected: Vec<_> = columns.iter().map(|&i| fields[i].clone()).collect();
    let schema = Arc::new(Schema::new_with_metadata(
        projected,
        dir.schema.metadata().clone(),
    ));
    RecordBatch::try_new_with_options(
        schema,
        arrays,
        &RecordBatchOptions::new().with_row_count(Some(window.len())),
    )
    .map_err(|e| {
        Error::corrupt(
            segment,
            None,
            0,
            format!("decoded columns do not form a batch: {e}"),
        )
    })
}

/// [`decode_columns`] keeping only the segment's rows `rows` (a row window, trimmed exactly at
/// both edges; the result has `rows.len()` rows).
///
/// Each chunk is still verified whole (its crc32c covers all of it), but the codec decodes only
/// the 1024-row blocks up to the window's end, steps over the blocks before it where the
/// encoding allows (bit-packed blocks by their width alone; deltas still sum what precedes the
/// window), and writes out only the window's values. The segment bench measures the cost
/// (`window` group).
///
/// # Errors
/// [`Error::InvalidInput`] when `rows` is not within `0..dir.rows`; otherwise as
/// [`decode_columns`].
pub fn decode_window(
    dir: &Directory,
    columns: &[usize],
    chunks: &[&[u8]],
    rows: Range<usize>,
    segment: &str,
) -> Result<RecordBatch> {
    if rows.start > rows.end || rows.end as u64 > dir.rows {
        return Err(Error::invalid(format!(
            "row window {}..{} is outside the segment's {} rows",
            rows.start, rows.end, dir.rows
        )));
    }
    decode_rows_of(dir, columns, chunks, Some(rows), segment)
}

/// One column's values at `window` of the segment's `rows`.
fn decode_column(
    job: &Job<'_>,
    rows: usize,
    window: Range<usize>,
    segment: &str,
) -> Result<ArrayRef> {
    let name = job.field.name().as_str();
    let corrupt = |offset: u64, reason: String| Error::corrupt(segment, Some(name), offset, reason);
    let nulls = match (job.chunk.validity, job.validity) {
        (Some(range), Some(bytes)) => Some(
            decode_nulls(&range, bytes, rows, job.chunk.null_count, segment, name)?
                .slice(window.start, window.len()),
        ),
        (None, _) if job.chunk.null_count == 0 => None,
        _ => {
            return Err(corrupt(
                job.chunk.values.offset,
                "nulls without a validity chunk".into(),
            ));
        }
    };
    let range = &job.chunk.values;
    verify(job.values, range, segment, Some(name), "values chunk")?;
    let data_type = job.field.data_type();
    let ty = physical_type(data_type).ok_or_else(|| Error::UnsupportedType {
        column: name.to_owned(),
        data_type: data_type.to_string(),
    })?;
    let want = window.len();
    let decoded = if want == rows {
        floe_codec::decode(job.values, ty, rows)
    } else {
        floe_codec::decode_rows(job.values, ty, rows, window)
    }
    .map_err(|e| codec_error(e, range, segment, name))?;
    if decoded.len() != want {
        // The codec promises `want` values; do not rely on it for a count read from the bytes.
        return Err(corrupt(
            range.offset,
            format!("chunk decoded to {} values, expected {want}", decoded.len()),
        ));
    }
    to_array(data_type, decoded, nulls).map_err(|reason| corrupt(range.offset, reason))
}

fn decode_nulls(
    range: &ByteRange,
    bytes: &[u8],
    rows: usize,
    null_count: u64,
    segment: &str,
    name: &str,
) -> Result<NullBuffer> {
    verify(bytes, range, segment, Some(name), "validity chunk")?;
    let decoded = floe_codec::decode(bytes, floe_codec::PhysicalType::Bool, rows)
        .map_err(|e| codec_error(e, range, segment, name))?;
    let nulls = to_nulls(decoded, rows)
        .map_err(|reason| Error::corrupt(segment, Some(name), range.offset, reason))?;
    if nulls.null_count() as u64 != null_count {
        return Err(Error::corrupt(
            segment,
            Some(name),
            range.offset,
            format!(
                "validity holds {} nulls, the directory says {null_count}",
                nulls.null_count()
            ),
        ));
    }
    Ok(nulls)
}

/// Checks a chunk's length and crc32c against its directory entry.
fn verify(
    bytes: &[u8],
    range: &ByteRange,
    segment: &str,
    column: Option<&str>,
    what: &str,
) -> Result<()> {
    if bytes.len() as u64 != range.len {
        return Err(Error::corrupt(
            segment,
            column,
            range.offset,
            format!(
                "{what} is {} bytes, the directory says {}",
                bytes.len(),
                range.len
            ),
        ));
    }
    let crc = crc32c::crc32c(bytes);
    if crc != range.crc32c {
        return Err(Error::corrupt(
            segment,
            column,
            range.offset,
            format!(
                "{what} checksum mismatch: crc32c {crc:#010x}, expected {:#010x}",
                range.crc32c
            ),
        ));
    }
    Ok(())
}

fn codec_error(e: floe_codec::Error, range: &ByteRange, segment: &str, column: &str) -> Error {
    match e {
        floe_codec::Error::UnknownEncoding { tag } => Error::UnsupportedEncoding {
            segment: segment.to_owned(),
            column: column.to_owned(),
            tag,
        },
        floe_codec::Error::Corrupt { offset, reason } => Error::corrupt(
            segment,
            Some(column),
            range.offset.saturating_add(offset as u64),
            reason,
        ),
        other => Error::corrupt(segment, Some(column), range.offset, other.to_string()),
    }
}

/// The bytes of `range` within a whole file in memory.
pub(crate) fn slice<'a>(
    file: &'a [u8],
    range: &ByteRange,
    segment: &str,
    column: Option<&str>,
) -> Result<&'a [u8]> {
    let r = range.range();
    usize::try_from(r.start)
        .ok()
        .zip(usize::try_from(r.end).ok())
        .and_then(|(start, end)| file.get(start..end))
        .ok_or_else(|| {
            Error::corrupt(
                segment,
                column,
                range.offset,
                format!("range {}..{} is outside the file", r.start, r.end),
            )
        })
}
