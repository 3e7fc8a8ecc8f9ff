//! The commit loop shared by every operation that creates a version: read the head, build the next
//! manifest from it, put-if-absent, and on a lost race rebuild on the new head. This file owns how
//! each [`Op`] turns a head into a manifest (including rewriting the boundary segments of an
//! update or a range delete, and merging small appends into the tail); it must not decide key
//! names (`keys.rs`) or manifest bytes (`manifest.rs`).

use crate::library::{Library, on_rayon};
use crate::manifest::{Manifest, SegmentRef};
use crate::{Error, Result, frame, keys};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use rayon::prelude::*;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// How many trailing segments of `segments` an append of `new_rows` rewrites together with its
/// rows: walking back from the tail, a segment is absorbed while it holds at most twice the rows
/// gathered so far and the total stays within `rows_per_segment`.
///
/// This works like a binary counter over segment sizes. An absorbed segment is at most twice the
/// rows merged with it, so each rewrite of a row grows the segment around it by at least half:
/// a row is rewritten at most log1.5(rows_per_segment / append size) times, and the tail keeps
/// O(log) segments below full size. 1,000 appends of 1,000 rows leave 11 segments of
/// 89,000 rows and one of 21,000, where merging only into a tail under 1/8 of a segment leaves 59.
/// The cap bounds what any one append rewrites to one segment's rows, and an append whose tail
/// segment is full, or holds more than twice the append's rows, rewrites nothing.
pub(crate) fn absorbed_tail(
    segments: &[SegmentRef],
    new_rows: u64,
    rows_per_segment: u64,
) -> usize {
    let mut gathered = new_rows;
    let mut absorbed = 0;
    for s in segments.iter().rev() {
        let total = gathered.saturating_add(s.rows);
        if gathered == 0 || s.rows > gathered.saturating_mul(2) || total > rows_per_segment {
            break;
        }
        gathered = total;
        absorbed += 1;
    }
    absorbed
}

/// New rows of an operation: the frame (absent when finalizing staged parts, whose segments
/// exist already) and its segments once uploaded (uploaded at most once, whatever the number of
/// rebases).
pub(crate) struct Rows {
    batch: Option<RecordBatch>,
    schema: SchemaRef,
    index: usize,
    rows: u64,
    span: Option<(i64, i64)>,
    uploaded: OnceCell<Vec<SegmentRef>>,
}

impl Rows {
    /// Validated new rows: index found, sorted, no nulls, a storable schema.
    pub(crate) fn new(batch: &RecordBatch) -> Result<Rows> {
        let index = frame::validate(batch)?;
        floe_segment::encode_schema(&batch.schema())?;
        let ts = frame::index_values(batch, index);
        Ok(Rows {
            span: ts.first().zip(ts.last()).map(|(&a, &b)| (a, b)),
            rows: batch.num_rows() as u64,
            schema: batch.schema(),
            batch: Some(batch.clone()),
            index,
            uploaded: OnceCell::new(),
        })
    }

    /// Rows already cut into uploaded segments, in index order (a staged finalize).
    pub(crate) fn uploaded(schema: SchemaRef, index: usize, segments: Vec<SegmentRef>) -> Rows {
        let mut data = segments.iter().filter(|s| s.rows > 0);
        let first = data.clone().next().map(|s| s.first_ts);
        let last = data.next_back().map(|s| s.last_ts);
        Rows {
            batch: None,
            schema,
            index,
            rows: segments.iter().map(|s| s.rows).sum(),
            span: first.zip(last),
            uploaded: OnceCell::new_with(Some(segments)),
        }
    }

    /// First and last index value of the new rows.
    pub(crate) fn span(&self) -> Option<(i64, i64)> {
        self.span
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn index_name(&self) -> String {
        self.schema.field(self.index).name().clone()
    }

    async fn segments(&self, lib: &Library, esc: &str) -> Result<Vec<SegmentRef>> {
        self.uploaded
            .get_or_try_init(|| async {
                match &self.batch {
                    Some(batch) => lib.encode_and_upload(esc, batch, self.index).await,
                    None => Ok(Vec::new()),
                }
            })
            .await
            .cloned()
    }
}

/// What a new version does to the head.
pub(crate) enum Op {
    /// Replace all data.
    Write(Rows),
    /// Add rows after the tail.
    Append(Rows),
    /// Replace the rows in an inclusive index range with new rows that lie inside it.
    Update { range: (i64, i64), rows: Rows },
    /// Remove the rows in an inclusive index range.
    DeleteRange { range: (i64, i64) },
    /// Delete the symbol (a tombstone version).
    Delete,
}

/// The fixed part of one commit, kept across rebases.
pub(crate) struct Commit<'a> {
    pub symbol: &'a str,
    pub esc: &'a str,
    pub op: Op,
    pub metadata: Option<Vec<u8>>,
    pub commit_id: [u8; 16],
}

impl<'a> Commit<'a> {
    pub(crate) fn new(symbol: &'a str, esc: &'a str, op: Op, metadata: Option<Vec<u8>>) -> Self {
        Commit {
            symbol,
            esc,
            op,
            metadata,
            commit_id: *uuid::Uuid::new_v4().as_bytes(),
        }
    }
}

/// A manifest built ahead on a held head, with that head.
type Ahead = Option<(Arc<Manifest>, Result<Manifest>)>;

/// Whether a listed head is the very manifest object held (the cache hands out the held `Arc`
/// when the listing shows that object; see `Library::newest_in`).
fn same_head(listed: Option<&Arc<Manifest>>, held: &Arc<Manifest>) -> bool {
    listed.is_some_and(|listed| Arc::ptr_eq(listed, held))
}

impl Library {
    /// Commits `commit` on top of whatever the head is when it lands. Lost races rebuild the
    /// manifest on the new head; a lost answer is recognised by the commit id.
    pub(crate) async fn commit(&self, commit: &Commit<'_>) -> Result<Arc<Manifest>> {
        let (mut head, mut ahead) = self.build_ahead(commit).await?;
        loop {
            let manifest = match ahead.take() {
                Some((held, built)) if same_head(head.as_ref(), &held) => built?,
                _ => self.build(commit, head.as_deref()).await?,
            };
            let key = keys::manifest(commit.esc, manifest.version);
            let bytes = Bytes::from(manifest.to_bytes()?);
            let size = bytes.len();
            match self.store.put_if_absent(&key, bytes).await {
                Ok(put) => {
                    let manifest = Arc::new(manifest);
                    self.committed(commit.esc, Arc::clone(&manifest), size, put);
                    return Ok(manifest);
                }
                Err(floe_io::Error::AlreadyExists { .. }) => {
                    // Either another writer won this version (rebase and retry) or our own earlier
                    // attempt landed and its answer was lost (then we are done).
                    if self.is_ours(&key, commit.commit_id).await? {
                        return Ok(Arc::new(manifest));
                    }
                    tracing::debug!(
                        symbol = commit.symbol,
                        version = manifest.version,
                        "lost the commit race; rebasing"
                    );
                }
                Err(e) => {
                    // The put may have taken effect even though it reported failure.
                    if self.is_ours(&key, commit.commit_id).await.unwrap_or(false) {
                        return Ok(Arc::new(manifest));
                    }
                    return Err(e.into());
                }
            }
            head = self.latest_manifest(commit.symbol, commit.esc).await?;
        }
    }

    /// The head, listed while the next manifest is built ahead on the head this client holds
    /// for the symbol (with that head and what building on it gave), so that on a remote store
    /// the LIST costs no round trip of its own. The held head is the newest manifest this client
    /// committed or read, and usually still the head: then the manifest built ahead is the one
    /// to commit. Building reads and writes only immutable segments, checks the input before it
    /// writes anything, and commits nothing, so building on a held head that turns out old only
    /// leaves segments for gc, like any failed commit.
    ///
    /// Without a held head, a write (whose rows do not depend on the head) still uploads its
    /// rows during the LIST; any other operation first waits for the head.
    async fn build_ahead(&self, commit: &Commit<'_>) -> Result<(Option<Arc<Manifest>>, Ahead)> {
        let (symbol, esc) = (commit.symbol, commit.esc);
        if matches!(commit.op, Op::Delete) {
            return Ok((self.latest_manifest(symbol, esc).await?, None));
        }
        if let Some((_, held)) = self.cached_newest(esc) {
            let (head, built) = futures::join!(
                self.latest_manifest(symbol, esc),
                self.build(commit, Some(&held))
            );
            return Ok((head?, Some((held, built))));
        }
        match &commit.op {
            Op::Write(rows) => {
                let (head, uploaded) =
                    futures::join!(self.latest_manifest(symbol, esc), rows.segments(self, esc));
                let head = head?;
                uploaded?;
                Ok((head, None))
            }
            _ => Ok((self.latest_manifest(symbol, esc).await?, None)),
        }
    }

    /// Builds the manifest that applies `commit` on top of `head`, uploading any rewritten
    /// segments it needs.
    async fn build(&self, commit: &Commit<'_>, head: Option<&Manifest>) -> Result<Manifest> {
        let (symbol, esc) = (commit.symbol, commit.esc);
        // A tombstone ends the data; versions after it start from nothing.
        let live = head.filter(|h| !h.deleted);
        let not_found = || Error::SymbolNotFound {
            symbol: symbol.to_string(),
        };
        let (schema, index, segments, deleted) = match &commit.op {
            Op::Write(rows) => self.fresh(esc, rows).await?,
            Op::Append(rows) => match live {
                None => self.fresh(esc, rows).await?,
                Some(head) => {
                    let stored = self.stored_schema(esc, head)?;
                    let merged = frame::merge_schema(symbol, &stored, &rows.schema())?;
                    self.check_index_name(symbol, head, rows)?;
                    if let (Some(last), Some((first, _))) = (head.last_ts(), rows.span())
                        && first < last
                    {
                        return Err(Error::AppendBeforeTail {
                            symbol: symbol.to_string(),
                            first,
                            last,
                        });
                    }
                    let segments = self.append_segments(esc, head, rows, &merged).await?;
                    (merged, head.index.clone(), segments, false)
                }
            },
            Op::Update { range, rows } => match live {
                None => self.fresh(esc, rows).await?,
                Some(head) => {
                    let stored = self.stored_schema(esc, head)?;
                    let merged = frame::merge_schema(symbol, &stored, &rows.schema())?;
                    self.check_index_name(symbol, head, rows)?;
                    let (before, after) = self.cut(esc, head, &merged, *range).await?;
                    let mut segments = before;
                    segments.extend(rows.segments(self, esc).await?);
                    segments.extend(after);
                    (merged, head.index.clone(), segments, false)
                }
            },
            Op::DeleteRange { range } => {
                let head = live.ok_or_else(not_found)?;
                let stored = self.stored_schema(esc, head)?;
                let (mut segments, after) = self.cut(esc, head, &stored, *range).await?;
                segments.extend(after);
                (stored, head.index.clone(), segments, false)
            }
            Op::Delete => {
                let head = live.ok_or_else(not_found)?;
                (
                    self.stored_schema(esc, head)?,
                    head.index.clone(),
                    Vec::new(),
                    true,
                )
            }
        };
        let wall = (self.clock)();
        Ok(Manifest {
            symbol: symbol.to_string(),
            version: head.map_or(0, |h| h.version + 1),
            parent: head.map(|h| h.version),
            commit_id: commit.commit_id,
            // Hybrid logical clock: the wall clock unless it is behind the parent.
            timestamp_ns: head.map_or(wall, |h| wall.max(h.timestamp_ns.saturating_add(1))),
            index,
            schema: floe_segment::encode_schema(&schema)?,
            rows: segments.iter().map(|s| s.rows).sum(),
            segments,
            metadata: commit.metadata.clone(),
            deleted,
        })
    }

    /// Schema, index, segments and tombstone flag of a version holding only `rows`.
    async fn fresh(
        &self,
        esc: &str,
        rows: &Rows,
    ) -> Result<(SchemaRef, String, Vec<SegmentRef>, bool)> {
        Ok((
            rows.schema(),
            rows.index_name(),
            rows.segments(self, esc).await?,
            false,
        ))
    }

    fn stored_schema(&self, esc: &str, head: &Manifest) -> Result<SchemaRef> {
        Ok(floe_segment::decode_schema(
            &head.schema,
            &keys::manifest(esc, head.version),
        )?)
    }

    fn check_index_name(&self, symbol: &str, head: &Manifest, rows: &Rows) -> Result<()> {
        if rows.index_name() == head.index {
            return Ok(());
        }
        Err(Error::SchemaMismatch {
            symbol: symbol.to_string(),
            reason: format!(
                "index column is {:?}, the symbol's is {:?}",
                rows.index_name(),
                head.index
            ),
        })
    }

    /// The head's segments followed by the new rows. The new rows absorb the trailing segments
    /// that are no more than twice the rows gathered so far, as long as the result stays within
    /// one segment (see [`absorbed_tail`]), and the whole is rewritten as new segments.
    async fn append_segments(
        &self,
        esc: &str,
        head: &Manifest,
        rows: &Rows,
        schema: &SchemaRef,
    ) -> Result<Vec<SegmentRef>> {
        let mut segments = head.segments.clone();
        // Finalized staged parts (no batch) are uploaded already and absorb nothing.
        let absorbed = rows.batch.as_ref().map_or(0, |_| {
            absorbed_tail(&segments, rows.rows, self.config.rows_per_segment)
        });
        match &rows.batch {
            Some(batch) if absorbed > 0 => {
                let tail = segments.split_off(segments.len() - absorbed);
                let mut reads = Vec::with_capacity(tail.len());
                for s in tail.iter().filter(|s| s.rows > 0) {
                    reads.push(self.segment_batch(esc, s, schema));
                }
                let stored = futures::future::try_join_all(reads).await?;
                let new = RecordBatch::try_new(schema.clone(), batch.columns().to_vec())?;
                let merged = arrow_select::concat::concat_batches(
                    schema,
                    stored.iter().chain(std::iter::once(&new)),
                )?;
                segments.extend(self.encode_and_upload(esc, &merged, rows.index).await?);
            }
            _ => segments.extend(rows.segments(self, esc).await?),
        }
        Ok(segments)
    }

    /// The head's segments split around the inclusive index range: those entirely before it, and
    /// those entirely after it. A segment that straddles an edge is read and its rows outside the
    /// range are written as new segments; segments entirely inside the range are dropped.
    async fn cut(
        &self,
        esc: &str,
        head: &Manifest,
        schema: &SchemaRef,
        (lo, hi): (i64, i64),
    ) -> Result<(Vec<SegmentRef>, Vec<SegmentRef>)> {
        let index = schema.index_of(&head.index)?;
        let (mut before, mut after) = (Vec::new(), Vec::new());
        for s in &head.segments {
            if s.rows == 0 || s.last_ts < lo {
                before.push(s.clone());
            } else if s.first_ts > hi {
                after.push(s.clone());
            } else if s.first_ts >= lo && s.last_ts <= hi {
                // Wholly replaced.
            } else {
                let batch = self.segment_batch(esc, s, schema).await?;
                let ts = frame::index_values(&batch, index);
                let start = ts.partition_point(|&t| t < lo);
                let end = ts.partition_point(|&t| t <= hi);
                if start > 0 {
                    let part = batch.slice(0, start);
                    before.extend(self.encode_and_upload(esc, &part, index).await?);
                }
                if end < batch.num_rows() {
                    let part = batch.slice(end, batch.num_rows() - end);
                    after.extend(self.encode_and_upload(esc, &part, index).await?);
                }
            }
        }
        Ok((before, after))
    }

    async fn is_ours(&self, key: &str, commit_id: [u8; 16]) -> Result<bool> {
        match self.store.get(key).await {
            Ok(bytes) => Ok(Manifest::from_bytes(&bytes, key)?.commit_id == commit_id),
            Err(floe_io::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Encodes `batch` into segments on the rayon pool and uploads them concurrently.
    pub(crate) async fn encode_and_upload(
        &self,
        esc: &str,
        batch: &RecordBatch,
        index: usize,
    ) -> Result<Vec<SegmentRef>> {
        let slices = frame::slices(
            batch,
            usize::try_from(self.config.rows_per_segment).unwrap_or(usize::MAX),
        );
        let options = floe_segment::EncodeOptions {
            encoding: self.config.encoding(),
        };
        let encoded = on_rayon(move || {
            slices
                .par_iter()
                .map(|slice| {
                    let ts = frame::index_values(slice, index);
                    let (first, last) = (
                        ts.first().copied().unwrap_or(0),
                        ts.last().copied().unwrap_or(0),
                    );
                    Ok((floe_segment::encode(slice, &options)?, first, last))
                })
                .collect::<Result<Vec<_>>>()
        })
        .await??;
        stream::iter(encoded)
            .map(|(encoded, first_ts, last_ts)| async move {
                let id = uuid::Uuid::new_v4().simple().to_string();
                let bytes = encoded.bytes.len() as u64;
                self.store
                    .put(&keys::segment(esc, &id), Bytes::from(encoded.bytes))
                    .await?;
                Ok::<_, Error>(SegmentRef {
                    id,
                    rows: encoded.directory.rows,
                    first_ts,
                    last_ts,
                    bytes,
                    directory: encoded.directory.to_bytes(),
                })
            })
            .buffered(8)
            .try_collect()
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tail(rows: &[u64]) -> Vec<SegmentRef> {
        rows.iter()
            .map(|&rows| SegmentRef {
                id: String::new(),
                rows,
                first_ts: 0,
                last_ts: 0,
                bytes: 0,
                directory: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn an_append_absorbs_the_tail_like_a_binary_counter() {
        // Each absorbed segment holds at most twice the rows gathered before it.
        assert_eq!(absorbed_tail(&tail(&[8, 4, 2, 1]), 1, 100), 4);
        assert_eq!(absorbed_tail(&tail(&[17, 4, 2, 1]), 1, 100), 3);
        assert_eq!(absorbed_tail(&tail(&[3]), 1, 100), 0);
        assert_eq!(absorbed_tail(&tail(&[2]), 1, 100), 1);
        // Never past one segment's rows, and a full tail is left alone.
        assert_eq!(absorbed_tail(&tail(&[60, 30, 10]), 10, 100), 2);
        assert_eq!(absorbed_tail(&tail(&[100]), 10, 100), 0);
        assert_eq!(absorbed_tail(&tail(&[10]), 100, 100), 0);
        // Empty segments cost nothing to absorb; an empty append absorbs nothing.
        assert_eq!(absorbed_tail(&tail(&[5, 0]), 5, 100), 2);
        assert_eq!(absorbed_tail(&tail(&[0]), 0, 100), 0);
        assert_eq!(absorbed_tail(&[], 5, 100), 0);
    }
}
