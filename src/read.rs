//! Reads: [`ReadOptions`] (version or time, date range, row range, columns), the read plan (which segments, which
//! column chunks, which byte ranges) and [`Frame`], the result. Segments are fetched concurrently
//! and each is decoded on the rayon pool as soon as its bytes arrive; output keeps segment order.

use crate::library::{Known, Library, VersionInfo, live, on_rayon};
use crate::manifest::{Manifest, SegmentRef};
use crate::{Error, Result, frame, keys, symbol};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt, stream};
use std::ops::{Bound, Range, RangeBounds};
use std::sync::Arc;

/// Segments fetched and decoded ahead by a streaming read, which bounds its memory.
const STREAM_SEGMENTS_IN_FLIGHT: usize = 16;

/// What to read. The default is every row and column of the latest version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    as_of: Option<AsOf>,
    range: Option<(i64, i64)>,
    rows: Option<Rows>,
    columns: Option<Vec<String>>,
}

/// Which version a read sees.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AsOf {
    Version(u64),
    /// The newest version committed at or before this time (ns since the epoch).
    Time(i64),
    /// The version a snapshot recorded.
    Snapshot(String),
}

/// An index range as inclusive bounds; an empty range (e.g. `..i64::MIN`) gives `lo > hi`.
pub(crate) fn inclusive(range: &impl RangeBounds<i64>) -> (i64, i64) {
    let lo = match range.start_bound() {
        Bound::Included(&t) => Some(t),
        Bound::Excluded(&t) => t.checked_add(1),
        Bound::Unbounded => Some(i64::MIN),
    };
    let hi = match range.end_bound() {
        Bound::Included(&t) => Some(t),
        Bound::Excluded(&t) => t.checked_sub(1),
        Bound::Unbounded => Some(i64::MAX),
    };
    (lo.unwrap_or(i64::MAX), hi.unwrap_or(i64::MIN))
}

/// Which rows, by position in the version, a read takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rows {
    /// Half-open `[start, end)`.
    Range(u64, u64),
    /// The last `n` rows.
    Tail(u64),
}

impl ReadOptions {
    /// Every row and column of the latest version.
    pub fn new() -> ReadOptions {
        ReadOptions::default()
    }

    /// Read this version instead of the latest.
    pub fn as_of(mut self, version: u64) -> ReadOptions {
        self.as_of = Some(AsOf::Version(version));
        self
    }

    /// Read the newest version committed at or before `timestamp_ns` (ns since the epoch, as in
    /// [`crate::VersionInfo::timestamp_ns`]). Costs one LIST and a binary search of manifest GETs.
    pub fn as_of_time(mut self, timestamp_ns: i64) -> ReadOptions {
        self.as_of = Some(AsOf::Time(timestamp_ns));
        self
    }

    /// Only rows whose position in the version falls in `range` (before any date range applies).
    pub fn row_range(mut self, range: impl RangeBounds<u64>) -> ReadOptions {
        let start = match range.start_bound() {
            Bound::Included(&r) => r,
            Bound::Excluded(&r) => r.saturating_add(1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&r) => r.saturating_add(1),
            Bound::Excluded(&r) => r,
            Bound::Unbounded => u64::MAX,
        };
        self.rows = Some(Rows::Range(start, end.max(start)));
        self
    }

    /// Only the first `n` rows.
    pub fn head(self, n: u64) -> ReadOptions {
        self.row_range(..n)
    }

    /// Only the last `n` rows.
    pub fn tail(mut self, n: u64) -> ReadOptions {
        self.rows = Some(Rows::Tail(n));
        self
    }

    /// Only rows whose index (ns since the epoch) falls in `range`, e.g. `a..b` or `a..=b`.
    pub fn date_range(mut self, range: impl RangeBounds<i64>) -> ReadOptions {
        self.range = Some(inclusive(&range));
        self
    }

    /// Read the version that snapshot `name` recorded for the symbol.
    pub fn snapshot(mut self, name: impl Into<String>) -> ReadOptions {
        self.as_of = Some(AsOf::Snapshot(name.into()));
        self
    }

    /// Only these columns (by name); the index column is always returned too. Output columns keep
    /// the stored order.
    pub fn columns<I, S>(mut self, columns: I) -> ReadOptions
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }
}

/// The result of a read: one version's rows, as record batches in index order (one per segment
/// touched), all with the same schema.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The version read.
    pub version: VersionInfo,
    /// Schema of every batch.
    pub schema: SchemaRef,
    /// The rows, in index order.
    pub batches: Vec<RecordBatch>,
}

impl Frame {
    /// Number of rows read.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// All rows as one batch (copies when there is more than one batch).
    pub fn to_batch(&self) -> Result<RecordBatch> {
        match self.batches.as_slice() {
            [one] => Ok(one.clone()),
            batches => Ok(arrow_select::concat::concat_batches(&self.schema, batches)?),
        }
    }
}

impl Library {
    /// Reads `symbol` as `options` say.
    ///
    /// ```
    /// # async fn demo() -> floe::Result<()> {
    /// use floe::{Library, ReadOptions};
    /// let lib = Library::open("memory://").await?;
    /// let quotes = floe_datasets::quotes(&floe_datasets::Spec::new(1_000));
    /// lib.write("AAPL", &quotes).await?;
    /// let frame = lib.read("AAPL", &ReadOptions::new().columns(["bid"])).await?;
    /// assert_eq!(frame.schema.fields().len(), 2); // ts and bid
    /// # Ok(()) }
    /// ```
    pub async fn read(&self, symbol: &str, options: &ReadOptions) -> Result<Frame> {
        // The whole result is held anyway, so only the store's own cap bounds the segments in
        // flight: on a cloud store every segment of a symbol's read starts in one round trip.
        let in_flight = self.store.max_in_flight().max(STREAM_SEGMENTS_IN_FLIGHT);
        let esc = symbol::escape(symbol)?;
        if options.as_of.is_none()
            && let Some((known, cached)) = self.cached_newest(&esc)
            && !cached.deleted
        {
            return self
                .read_speculatively(symbol, &esc, options, in_flight, known, cached)
                .await;
        }
        collect(self.stream(symbol, options, in_flight).await?).await
    }

    /// A latest read of a symbol this client has read before: the data of the manifest it holds
    /// is fetched while one LIST checks that this manifest is still the newest, so an unchanged
    /// symbol costs one round trip less. If the symbol moved on, what was fetched is dropped and
    /// the version the LIST found is read instead; the result is the same either way.
    async fn read_speculatively(
        &self,
        symbol: &str,
        esc: &str,
        options: &ReadOptions,
        in_flight: usize,
        known: Known,
        cached: Arc<Manifest>,
    ) -> Result<Frame> {
        let version = cached.version;
        // A column the held version lacks may exist in a newer one: ask the LIST.
        let Ok(mut ahead) = self.plan(symbol, esc, cached, options, in_flight) else {
            return collect(self.stream(symbol, options, in_flight).await?).await;
        };
        let (chain, first) = futures::join!(self.chain(esc), ahead.batches.try_next());
        let chain = chain?;
        if chain.newest() == Some(version)
            && chain.newest_seen.as_ref().is_some_and(|l| known.is(l))
        {
            let mut batches: Vec<RecordBatch> = first?.into_iter().collect();
            while let Some(batch) = ahead.batches.try_next().await? {
                batches.push(batch);
            }
            return Ok(Frame {
                version: ahead.version,
                schema: ahead.schema,
                batches,
            });
        }
        drop(ahead);
        let manifest = live(symbol, self.newest_in(symbol, esc, chain).await?)?;
        collect(self.plan(symbol, esc, manifest, options, in_flight)?).await
    }

    /// Like [`Library::read`], but yields the batches as they are decoded, in index order, holding
    /// at most a few segments in memory: for symbols bigger than RAM.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> floe::Result<()> {
    /// use floe::{Library, ReadOptions};
    /// use futures::TryStreamExt;
    /// let lib = Library::open("memory://").await?;
    /// lib.write("AAPL", &floe_datasets::quotes(&floe_datasets::Spec::new(300_000))).await?;
    /// let mut stream = lib.read_stream("AAPL", &ReadOptions::new()).await?;
    /// let mut rows = 0;
    /// while let Some(batch) = stream.batches.try_next().await? {
    ///     rows += batch.num_rows();
    /// }
    /// assert_eq!(rows, 300_000);
    /// # Ok(()) }
    /// ```
    pub async fn read_stream(&self, symbol: &str, options: &ReadOptions) -> Result<ReadStream> {
        self.stream(symbol, options, STREAM_SEGMENTS_IN_FLIGHT)
            .await
    }

    /// A read with up to `in_flight` segments fetched and decoded ahead of the consumer.
    async fn stream(
        &self,
        symbol: &str,
        options: &ReadOptions,
        in_flight: usize,
    ) -> Result<ReadStream> {
        let esc = symbol::escape(symbol)?;
        let manifest = match &options.as_of {
            Some(AsOf::Version(version)) => {
                Arc::new(self.manifest_at(symbol, &esc, *version).await?)
            }
            Some(AsOf::Time(t)) => Arc::new(self.manifest_as_of_time(symbol, &esc, *t).await?),
            Some(AsOf::Snapshot(name)) => {
                let version = self.snapshot_version(name, symbol).await?;
                Arc::new(self.manifest_at(symbol, &esc, version).await?)
            }
            None => self.latest_live(symbol, &esc).await?,
        };
        self.plan(symbol, &esc, manifest, options, in_flight)
    }

    /// The read of `manifest`'s version that `options` asks for; nothing is fetched until the
    /// stream is polled.
    fn plan(
        &self,
        symbol: &str,
        esc: &str,
        manifest: Arc<Manifest>,
        options: &ReadOptions,
        in_flight: usize,
    ) -> Result<ReadStream> {
        if manifest.deleted {
            return Err(Error::SymbolNotFound {
                symbol: symbol.to_string(),
            });
        }
        let esc = esc.to_owned();
        let manifest_key = keys::manifest(&esc, manifest.version);
        let stored = floe_segment::decode_schema(&manifest.schema, &manifest_key)?;
        let index = stored
            .index_of(&manifest.index)
            .map_err(|_| Error::Corrupt {
                key: manifest_key.clone(),
                reason: format!("index column {:?} is not in the schema", manifest.index),
            })?;
        let wanted = match &options.columns {
            None => (0..stored.fields().len()).collect::<Vec<_>>(),
            Some(names) => {
                let mut wanted = vec![index];
                for name in names {
                    wanted.push(stored.index_of(name).map_err(|_| Error::UnknownColumn {
                        symbol: symbol.to_string(),
                        column: name.clone(),
                    })?);
                }
                wanted.sort_unstable();
                wanted.dedup();
                wanted
            }
        };
        let schema = Arc::new(stored.project(&wanted)?);
        let plan = Arc::new(Plan {
            wanted,
            schema: schema.clone(),
            index: schema.index_of(&manifest.index)?,
            range: options.range.unwrap_or((i64::MIN, i64::MAX)),
        });
        let (lo, hi) = plan.range;
        let (first_row, end_row) = match options.rows {
            None => (0, manifest.rows),
            Some(Rows::Range(start, end)) => (start, end.min(manifest.rows)),
            Some(Rows::Tail(n)) => (manifest.rows.saturating_sub(n), manifest.rows),
        };
        // Each touched segment (by position) with the window of its own rows the read keeps.
        let mut touched: Vec<(usize, Range<usize>)> = Vec::new();
        let mut offset = 0u64;
        for (i, s) in manifest.segments.iter().enumerate() {
            let (start, end) = (offset, offset + s.rows);
            offset = end;
            if s.rows == 0
                || s.last_ts < lo
                || s.first_ts > hi
                || end <= first_row
                || start >= end_row
            {
                continue;
            }
            let window =
                (first_row.max(start) - start) as usize..(end_row.min(end) - start) as usize;
            touched.push((i, window));
        }
        let lib = self.clone();
        let version = VersionInfo::of(&manifest);
        let batches = stream::iter(touched)
            .map(move |(i, window)| {
                let (lib, esc, plan) = (lib.clone(), esc.clone(), plan.clone());
                let manifest = Arc::clone(&manifest);
                async move {
                    lib.read_segment(&esc, &manifest.segments[i], window, plan)
                        .await
                }
            })
            .buffered(in_flight)
            .try_filter(|b| futures::future::ready(b.num_rows() > 0))
            .boxed();
        Ok(ReadStream {
            version,
            schema,
            batches,
        })
    }

    /// Every row and column of one segment, as a batch of the version's stored `schema`.
    pub(crate) async fn segment_batch(
        &self,
        esc: &str,
        segment: &SegmentRef,
        schema: &SchemaRef,
    ) -> Result<RecordBatch> {
        let plan = Arc::new(Plan {
            wanted: (0..schema.fields().len()).collect(),
            schema: schema.clone(),
            index: 0,
            range: (i64::MIN, i64::MAX),
        });
        let rows = usize::try_from(segment.rows).unwrap_or(usize::MAX);
        self.read_segment(esc, segment, 0..rows, plan).await
    }

    async fn read_segment(
        &self,
        esc: &str,
        segment: &SegmentRef,
        window: Range<usize>,
        plan: Arc<Plan>,
    ) -> Result<RecordBatch> {
        let key = keys::segment(esc, &segment.id);
        let span = (segment.first_ts, segment.last_ts);
        let directory = floe_segment::Directory::from_bytes(&segment.directory, &key)?;
        let ranges: Vec<_> = directory
            .ranges_for(&plan.wanted)
            .iter()
            .map(|r| r.range())
            .collect();
        let chunks = self.store.get_ranges(&key, &ranges).await?;
        on_rayon(move || {
            let chunks: Vec<&[u8]> = chunks.iter().map(|c| c.as_ref()).collect();
            let (lo, hi) = plan.range;
            let columns = if span.0 >= lo && span.1 <= hi {
                floe_segment::decode_window(&directory, &plan.wanted, &chunks, window, &key)?
                    .columns()
                    .to_vec()
            } else {
                // The index alone first, to find the rows of the date range; then only those
                // rows of the other columns.
                let (index_chunks, others, other_chunks) =
                    split_index(&directory, &plan.wanted, plan.index, &chunks);
                let index_col = [plan.wanted[plan.index]];
                let index = floe_segment::decode_window(
                    &directory,
                    &index_col,
                    &index_chunks,
                    window.clone(),
                    &key,
                )?;
                let ts = frame::index_values(&index, 0);
                let start = ts.partition_point(|&t| t < lo);
                let end = ts.partition_point(|&t| t <= hi).max(start);
                let rows = window.start + start..window.start + end;
                let rest =
                    floe_segment::decode_window(&directory, &others, &other_chunks, rows, &key)?;
                let mut columns = rest.columns().to_vec();
                columns.insert(plan.index, index.column(0).slice(start, end - start));
                columns
            };
            // The version's schema (nullability merged across appends) names every batch.
            Ok(RecordBatch::try_new(plan.schema.clone(), columns)?)
        })
        .await?
    }
}

/// The chunks of the index column (`wanted[index]`), then the other wanted columns and their
/// chunks, from `chunks` as `dir.ranges_for(wanted)` lists them (values, then validity if any).
fn split_index<'a>(
    dir: &floe_segment::Directory,
    wanted: &[usize],
    index: usize,
    chunks: &[&'a [u8]],
) -> (Vec<&'a [u8]>, Vec<usize>, Vec<&'a [u8]>) {
    let (mut index_chunks, mut others, mut other_chunks) = (Vec::new(), Vec::new(), Vec::new());
    let mut next = chunks.iter().copied();
    for (i, &column) in wanted.iter().enumerate() {
        let count = dir
            .columns
            .get(column)
            .map_or(1, |c| 1 + usize::from(c.validity.is_some()));
        let these = next.by_ref().take(count);
        if i == index {
            index_chunks.extend(these);
        } else {
            others.push(column);
            other_chunks.extend(these);
        }
    }
    (index_chunks, others, other_chunks)
}

/// Every batch of `stream`, in order.
async fn collect(stream: ReadStream) -> Result<Frame> {
    Ok(Frame {
        version: stream.version,
        schema: stream.schema,
        batches: stream.batches.try_collect().await?,
    })
}

/// A read in progress: what [`Library::read_stream`] returns.
pub struct ReadStream {
    /// The version being read.
    pub version: VersionInfo,
    /// Schema of every batch.
    pub schema: SchemaRef,
    /// The batches, in index order; a few segments are fetched ahead.
    pub batches: BoxStream<'static, Result<RecordBatch>>,
}

impl std::fmt::Debug for ReadStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadStream")
            .field("version", &self.version)
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// What every segment of one read decodes.
struct Plan {
    /// Schema indices of the columns to decode, ascending.
    wanted: Vec<usize>,
    /// Schema of the output.
    schema: SchemaRef,
    /// Position of the index column in the output.
    index: usize,
    /// Inclusive index bounds.
    range: (i64, i64),
}
