//! Encoding a RecordBatch as one segment file: columns encoded in parallel (rayon), then laid out
//! as header, chunks, directory, footer. It owns the order in which bytes are written; it must not
//! define the byte layout of any part (that is `directory.rs`, `schema.rs` and the codec) and must
//! never produce a segment that `read.rs` would reject.

use crate::arrow_conv::{stats, with_bits, with_values};
use crate::directory::{ByteRange, ColumnChunk, Directory, HEADER_LEN, footer, header};
use crate::{Error, Result, schema};
use arrow_array::{Array, RecordBatch};
use floe_codec::Encoding;
use rayon::prelude::*;

/// How [`encode`] writes chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeOptions {
    /// The codec encoding of every chunk (values and validity). A specific encoding must support
    /// every column's physical type (and bool, for validity) or [`encode`] fails with
    /// [`Error::InvalidInput`]; the codec's `Auto` chooses per chunk.
    pub encoding: Encoding,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions {
            encoding: Encoding::Lz4,
        }
    }
}

/// A segment file and its directory (the same directory a reader would parse from the bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// The whole segment file.
    pub bytes: Vec<u8>,
    /// The directory stored at the end of `bytes`.
    pub directory: Directory,
}

/// One column's encoded chunks, before they are placed in the file.
struct ColumnBytes {
    values: Vec<u8>,
    validity: Option<Vec<u8>>,
    null_count: u64,
    stats: Option<(i64, i64)>,
}

/// Encodes one batch as a segment; columns encoded in parallel with rayon.
pub fn encode(batch: &RecordBatch, options: &EncodeOptions) -> Result<Encoded> {
    let schema = batch.schema();
    schema::check(&schema)?;
    let encoded: Vec<ColumnBytes> = (0..batch.num_columns())
        .into_par_iter()
        .map(|i| {
            encode_column(
                batch.column(i).as_ref(),
                schema.field(i).name(),
                options.encoding,
            )
        })
        .collect::<Result<_>>()?;

    let chunk_bytes: usize = encoded
        .iter()
        .map(|c| c.values.len() + c.validity.as_ref().map_or(0, Vec::len))
        .sum();
    let mut bytes = Vec::with_capacity(HEADER_LEN + chunk_bytes + 256 + 64 * encoded.len());
    bytes.extend_from_slice(&header());
    let mut place = |chunk: &[u8]| {
        let range = ByteRange {
            offset: bytes.len() as u64,
            len: chunk.len() as u64,
            crc32c: crc32c::crc32c(chunk),
        };
        bytes.extend_from_slice(chunk);
        range
    };
    let columns: Vec<ColumnChunk> = encoded
        .iter()
        .map(|c| ColumnChunk {
            values: place(&c.values),
            validity: c.validity.as_deref().map(&mut place),
            null_count: c.null_count,
            min: c.stats.map(|s| s.0),
            max: c.stats.map(|s| s.1),
        })
        .collect();

    let directory = Directory {
        schema,
        rows: batch.num_rows() as u64,
        columns,
    };
    let directory_bytes = directory.to_bytes();
    bytes.extend_from_slice(&directory_bytes);
    bytes.extend_from_slice(&footer(&directory_bytes));
    Ok(Encoded { bytes, directory })
}

fn encode_column(array: &dyn Array, name: &str, encoding: Encoding) -> Result<ColumnBytes> {
    let invalid = |e: floe_codec::Error| Error::invalid(format!("column {name}: {e}"));
    let values = with_values(array, |v| floe_codec::encode(v, encoding))
        .ok_or_else(|| Error::UnsupportedType {
            column: name.to_owned(),
            data_type: array.data_type().to_string(),
        })?
        .map_err(invalid)?;
    let nulls = array.nulls().filter(|n| n.null_count() > 0);
    let validity = nulls
        .map(|n| with_bits(n.inner(), |v| floe_codec::encode(v, encoding)))
        .transpose()
        .map_err(invalid)?;
    Ok(ColumnBytes {
        values,
        validity,
        null_count: nulls.map_or(0, |n| n.null_count() as u64),
        stats: stats(array),
    })
}
