//! Many segments at once: cutting a batch into row slices and encoding them in parallel
//! ([`encode_many`]), decoding a set of segments in parallel ([`decode_many`]), and a streaming
//! decoder over an iterator of segments that keeps a bounded number of them in memory
//! ([`DecodeStream`]). It owns only the scheduling (rayon, across segments and, inside each
//! segment, across columns); bytes and decoding belong to `write.rs` and `read.rs`.

use crate::read::{decode_columns, decode_window, read_directory, slice};
use crate::{EncodeOptions, Encoded, Error, Result, encode};
use arrow_array::RecordBatch;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::ops::Range;

/// Cuts `batch` into consecutive slices of `rows_per_segment` rows (the last one shorter) and
/// encodes each as a segment, in parallel across segments and across columns (rayon, in the
/// current pool). An empty batch gives one empty segment, so the schema is kept.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Int64Array, RecordBatch};
/// use floe_segment::{decode_many, encode_many, EncodeOptions, SegmentRead};
///
/// let v: ArrayRef = Arc::new(Int64Array::from_iter_values(0..10_000));
/// let batch = RecordBatch::try_from_iter([("v", v)])?;
/// let segments = encode_many(&batch, 4096, &EncodeOptions::default())?;
/// assert_eq!(segments.len(), 3);
/// let reads: Vec<SegmentRead<'_>> =
///     segments.iter().map(|s| SegmentRead::whole("s", &s.bytes)).collect();
/// let batches = decode_many(&reads)?;
/// assert_eq!(batches[2], batch.slice(8192, 10_000 - 8192));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_many(
    batch: &RecordBatch,
    rows_per_segment: usize,
    options: &EncodeOptions,
) -> Result<Vec<Encoded>> {
    if rows_per_segment == 0 {
        return Err(Error::invalid("rows_per_segment must be at least 1"));
    }
    let rows = batch.num_rows();
    let starts: Vec<usize> = if rows == 0 {
        vec![0]
    } else {
        (0..rows).step_by(rows_per_segment).collect()
    };
    starts
        .into_par_iter()
        .map(|start| {
            encode(
                &batch.slice(start, rows_per_segment.min(rows - start)),
                options,
            )
        })
        .collect()
}

/// One segment to decode with [`decode_many`] or [`DecodeStream`]: a whole segment file in
/// memory, which columns to decode and which of its rows to keep.
#[derive(Debug, Clone)]
pub struct SegmentRead<'a> {
    /// Names the object in errors.
    pub segment: &'a str,
    /// The whole segment file.
    pub bytes: &'a [u8],
    /// Schema indices of the columns to decode, in output order; `None` for all of them.
    pub columns: Option<&'a [usize]>,
    /// Rows of the segment to keep; `None` for all of them. See [`crate::decode_window`].
    pub rows: Option<Range<usize>>,
}

impl<'a> SegmentRead<'a> {
    /// Every column and row of a segment file.
    pub fn whole(segment: &'a str, bytes: &'a [u8]) -> Self {
        SegmentRead {
            segment,
            bytes,
            columns: None,
            rows: None,
        }
    }

    /// Decodes this one read (columns in parallel).
    pub fn decode(&self) -> Result<RecordBatch> {
        let directory = read_directory(self.bytes, self.segment)?;
        let all: Vec<usize>;
        let columns = match self.columns {
            Some(c) => c,
            None => {
                all = (0..directory.columns.len()).collect();
                &all
            }
        };
        let chunks = directory
            .ranges_for(columns)
            .iter()
            .map(|r| slice(self.bytes, r, self.segment, None))
            .collect::<Result<Vec<_>>>()?;
        match &self.rows {
            None => decode_columns(&directory, columns, &chunks, self.segment),
            Some(rows) => decode_window(&directory, columns, &chunks, rows.clone(), self.segment),
        }
    }
}

/// Decodes every read in parallel (rayon, in the current pool: across segments, and across the
/// columns of each segment), verifying every checksum; batches come back in input order. The
/// first error (in input order) is returned.
pub fn decode_many(reads: &[SegmentRead<'_>]) -> Result<Vec<RecordBatch>> {
    reads.par_iter().map(SegmentRead::decode).collect()
}

/// A streaming decode of many segments with bounded memory: an iterator over
/// `Result<RecordBatch>`, one item per input segment, in input order.
///
/// The source yields owned segments as `(name, bytes)`. The stream pulls at most `ahead`
/// segments from the source, decodes them together in parallel (rayon, in the current pool),
/// hands their batches out one by one and only then pulls the next group, so at most `ahead`
/// input segments and `ahead` decoded batches are held at once whatever the source's length.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Int64Array, RecordBatch};
/// use floe_segment::{encode_many, DecodeStream, EncodeOptions};
///
/// let v: ArrayRef = Arc::new(Int64Array::from_iter_values(0..10_000));
/// let batch = RecordBatch::try_from_iter([("v", v)])?;
/// let files = encode_many(&batch, 1000, &EncodeOptions::default())?
///     .into_iter()
///     .enumerate()
///     .map(|(i, s)| (format!("seg{i}"), s.bytes));
/// let mut rows = 0;
/// for b in DecodeStream::new(files, 2) {
///     rows += b?.num_rows();
/// }
/// assert_eq!(rows, 10_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct DecodeStream<I> {
    source: I,
    ahead: usize,
    columns: Option<Vec<usize>>,
    ready: VecDeque<Result<RecordBatch>>,
}

impl<I, B> DecodeStream<I>
where
    I: Iterator<Item = (String, B)>,
    B: AsRef<[u8]> + Sync,
{
    /// A stream decoding every column of each segment, `ahead` (at least 1) segments at a time.
    pub fn new(source: I, ahead: usize) -> Self {
        DecodeStream {
            source,
            ahead: ahead.max(1),
            columns: None,
            ready: VecDeque::new(),
        }
    }

    /// Decodes only these schema indices (in this order) of every segment.
    pub fn with_columns(mut self, columns: Vec<usize>) -> Self {
        self.columns = Some(columns);
        self
    }

    fn refill(&mut self) {
        let group: Vec<(String, B)> = self.source.by_ref().take(self.ahead).collect();
        let columns = self.columns.as_deref();
        let decoded: Vec<Result<RecordBatch>> = group
            .par_iter()
            .map(|(name, bytes)| {
                SegmentRead {
                    segment: name,
                    bytes: bytes.as_ref(),
                    columns,
                    rows: None,
                }
                .decode()
            })
            .collect();
        self.ready.extend(decoded);
    }
}

impl<I, B> Iterator for DecodeStream<I>
where
    I: Iterator<Item = (String, B)>,
    B: AsRef<[u8]> + Sync,
{
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ready.is_empty() {
            self.refill();
        }
        self.ready.pop_front()
    }
}
