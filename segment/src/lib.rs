//! floe-segment: the segment file format.
//!
//! A segment is one immutable object holding one row slice of a frame: one column chunk per
//! column (a values chunk, plus a validity chunk only when the column has nulls), each encoded by
//! [`floe_codec`], independently decodable and addressable by byte range. A [`Directory`] at the
//! end of the file (found through a fixed-size footer) lists the schema, the row count and, per
//! column, the chunks' byte ranges, crc32c checksums, null count and i64 min/max stats. A reader
//! that has the directory (from the footer, or embedded in a version manifest) fetches only the
//! byte ranges of the columns it wants ([`Directory::ranges_for`]) and decodes them with
//! [`decode_columns`].
//!
//! This crate owns the bytes around the chunks and the Arrow conversion; it does no I/O. Columns
//! are encoded and decoded in parallel with rayon. Every byte read is treated as hostile: lengths
//! are bounded before allocating, checksums are verified before decoding, and every failure is a
//! typed [`Error`] naming the segment, column and byte offset, never a panic. The byte layout is
//! documented in `docs/format.md`.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, TimestampNanosecondArray};
//! use floe_segment::{decode, decode_columns, encode, Directory, EncodeOptions, FOOTER_LEN};
//!
//! let ts = TimestampNanosecondArray::from(vec![1_000, 2_000, 3_000]).with_timezone("UTC");
//! let batch = RecordBatch::try_from_iter([
//!     ("ts", Arc::new(ts) as ArrayRef),
//!     ("px", Arc::new(Float64Array::from(vec![Some(101.25), None, Some(101.5)])) as ArrayRef),
//!     ("venue", Arc::new(StringArray::from(vec!["XNAS", "XNYS", "XNAS"])) as ArrayRef),
//! ])?;
//! let encoded = encode(&batch, &EncodeOptions::default())?;
//! assert_eq!(decode(&encoded.bytes, "example.seg")?, batch);
//! assert_eq!((encoded.directory.columns[0].min, encoded.directory.columns[0].max), (Some(1_000), Some(3_000)));
//!
//! // A reader with only the footer and the chunk bytes it needs: columns 2 and 0.
//! let file = &encoded.bytes;
//! let footer = &file[file.len() - FOOTER_LEN..];
//! let at = Directory::locate(footer, file.len() as u64, "example.seg")?;
//! let dir = Directory::from_bytes(&file[at.offset as usize..][..at.len as usize], "example.seg")?;
//! let chunks: Vec<&[u8]> = dir
//!     .ranges_for(&[2, 0])
//!     .iter()
//!     .map(|r| &file[r.offset as usize..][..r.len as usize])
//!     .collect();
//! let some = decode_columns(&dir, &[2, 0], &chunks, "example.seg")?;
//! assert_eq!(some, batch.project(&[2, 0])?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod arrow_conv;
mod directory;
mod error;
mod many;
mod read;
mod schema;
mod wire;
mod write;

pub use directory::{
    ByteRange, ColumnChunk, Directory, FOOTER_LEN, FORMAT_VERSION, HEADER_LEN, MAGIC,
};
pub use error::{Error, Result};
pub use many::{DecodeStream, SegmentRead, decode_many, encode_many};
pub use read::{decode, decode_columns, decode_window, read_directory};
pub use schema::{decode_schema, encode_schema};
pub use write::{EncodeOptions, Encoded, encode};
