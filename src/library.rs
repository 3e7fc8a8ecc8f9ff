//! [`Library`]: the async entry point. It owns opening a library, writing and appending versions,
//! and the commit loop (put-if-absent of the next manifest, rebase on a lost race). Reads live in
//! `read.rs`; key names in `keys.rs`; the manifest's bytes in `manifest.rs`.

use crate::manifest::{Manifest, SegmentRef};
use crate::{Error, Result, frame, keys, symbol};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use bytes::Bytes;
use floe_codec::Encoding;
use floe_io::Store;
use futures::{StreamExt, TryStreamExt, stream};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Library format written by this build (`_library.json`).
const LIBRARY_FORMAT: u32 = 1;

/// A source of wall-clock time in ns since the epoch. Injectable so tests can drift clocks.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Settings stored with the library on first open and shared by every client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryConfig {
    /// Library format version.
    pub format: u32,
    /// Rows per segment when writing.
    pub rows_per_segment: u64,
    /// Column encoding when writing: `auto` (the codec's sampling cascade picks per chunk),
    /// `plain`, `lz4` or `zstd:LEVEL`.
    pub encoding: String,
}

impl Default for LibraryConfig {
    fn default() -> Self {
        LibraryConfig {
            format: LIBRARY_FORMAT,
            rows_per_segment: 1 << 17,
            encoding: "auto".into(),
        }
    }
}

impl LibraryConfig {
    /// The configured encoding; an unknown name falls back to the cascade (a newer writer's
    /// choice that this build cannot make is not a reason to refuse writing).
    pub fn encoding(&self) -> Encoding {
        match self.encoding.split_once(':') {
            Some(("zstd", level)) => Encoding::Zstd {
                level: level.parse().unwrap_or(3),
            },
            _ if self.encoding == "zstd" => Encoding::Zstd { level: 3 },
            _ if self.encoding == "plain" => Encoding::Plain,
            _ if self.encoding == "lz4" => Encoding::Lz4,
            _ => Encoding::Auto,
        }
    }
}

/// What a successful write, append or lookup reports about one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    /// The symbol.
    pub symbol: String,
    /// Version number, from 0.
    pub version: u64,
    /// Commit time (hybrid logical clock), ns since the epoch.
    pub timestamp_ns: i64,
    /// Rows in this version.
    pub rows: u64,
    /// Segments this version lists.
    pub segments: usize,
    /// Bytes of the segments this version lists.
    pub stored_bytes: u64,
    /// Caller's metadata stored with the version.
    pub metadata: Option<Vec<u8>>,
}

impl VersionInfo {
    pub(crate) fn of(m: &Manifest) -> VersionInfo {
        VersionInfo {
            symbol: m.symbol.clone(),
            version: m.version,
            timestamp_ns: m.timestamp_ns,
            rows: m.rows,
            segments: m.segments.len(),
            stored_bytes: m.stored_bytes(),
            metadata: m.metadata.clone(),
        }
    }
}

/// Options of a write or append.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Caller's metadata stored with the new version (a small JSON document, say), returned by
    /// [`Library::version_info`] without reading any data.
    pub metadata: Option<Vec<u8>>,
}

impl WriteOptions {
    /// Attach `metadata` to the new version.
    pub fn metadata(mut self, metadata: impl Into<Vec<u8>>) -> WriteOptions {
        self.metadata = Some(metadata.into());
        self
    }
}

/// One commit's change, fixed before the commit loop and re-applied on every rebase.
struct Change {
    mode: Mode,
    schema: SchemaRef,
    index: String,
    segments: Vec<SegmentRef>,
    commit_id: [u8; 16],
    metadata: Option<Vec<u8>>,
}

/// How a new version relates to the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Replace all data.
    Write,
    /// Add rows after the current tail.
    Append,
}

/// A library of versioned symbols in one store location. Cheap to clone; all methods take `&self`
/// and may run concurrently, from any number of processes sharing the store.
#[derive(Clone)]
pub struct Library {
    pub(crate) store: Store,
    pub(crate) config: Arc<LibraryConfig>,
    clock: Clock,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("store", &self.store.to_string())
            .field("config", &self.config)
            .finish()
    }
}

impl Library {
    /// Opens (creating if needed) the library at `location`: a directory path, `file://`,
    /// `memory://`, or with the cloud features `s3://`, `gs://`, `az://`.
    pub async fn open(location: &str) -> Result<Library> {
        Library::with_store(Store::open(location)?).await
    }

    /// Opens (creating if needed) the library at the root of `store`.
    pub async fn with_store(store: Store) -> Result<Library> {
        let config = match store.get(keys::LIBRARY).await {
            Ok(bytes) => parse_config(&bytes)?,
            Err(floe_io::Error::NotFound { .. }) => {
                let config = LibraryConfig::default();
                let json =
                    serde_json::to_vec_pretty(&config).map_err(|e| Error::Task(e.to_string()))?;
                match store.put_if_absent(keys::LIBRARY, Bytes::from(json)).await {
                    Ok(()) => config,
                    // Another client created it first: theirs is the library's config.
                    Err(floe_io::Error::AlreadyExists { .. }) => {
                        parse_config(&store.get(keys::LIBRARY).await?)?
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Err(e) => return Err(e.into()),
        };
        let clock: Clock = Arc::new(wall_clock_ns);
        Ok(Library {
            store,
            config: Arc::new(config),
            clock,
        })
    }

    /// Replaces the wall clock used for commit timestamps (tests inject drift with this).
    pub fn with_clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Library {
        self.clock = Arc::new(clock);
        self
    }

    /// The store this library lives in (for request counters, say).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The library's stored settings.
    pub fn config(&self) -> &LibraryConfig {
        &self.config
    }

    /// Writes `batch` as a new version of `symbol` that replaces all its data. The index is the
    /// first `Timestamp(Nanosecond)` column and must be non-decreasing without nulls. Nothing is
    /// visible until the commit succeeds; on any error no version is created.
    pub async fn write(&self, symbol: &str, batch: &RecordBatch) -> Result<VersionInfo> {
        self.commit_batch(symbol, batch, Mode::Write, &WriteOptions::default())
            .await
    }

    /// [`Library::write`] with options (metadata for the version).
    pub async fn write_with(
        &self,
        symbol: &str,
        batch: &RecordBatch,
        options: &WriteOptions,
    ) -> Result<VersionInfo> {
        self.commit_batch(symbol, batch, Mode::Write, options).await
    }

    /// Appends `batch` after the symbol's last row as a new version (creating the symbol if it does
    /// not exist). Concurrent appends never lose rows: a writer that loses the race for a version
    /// number rebases onto the winner. An append whose first timestamp is before the stored last
    /// one fails with [`Error::AppendBeforeTail`]; a different schema with [`Error::SchemaMismatch`].
    pub async fn append(&self, symbol: &str, batch: &RecordBatch) -> Result<VersionInfo> {
        self.commit_batch(symbol, batch, Mode::Append, &WriteOptions::default())
            .await
    }

    /// [`Library::append`] with options (metadata for the new version).
    pub async fn append_with(
        &self,
        symbol: &str,
        batch: &RecordBatch,
        options: &WriteOptions,
    ) -> Result<VersionInfo> {
        self.commit_batch(symbol, batch, Mode::Append, options)
            .await
    }

    async fn commit_batch(
        &self,
        symbol: &str,
        batch: &RecordBatch,
        mode: Mode,
        options: &WriteOptions,
    ) -> Result<VersionInfo> {
        let esc = symbol::escape(symbol)?;
        let index = frame::validate(batch)?;
        let schema = batch.schema();
        // Refuse unsupported column types before any byte is written.
        floe_segment::encode_schema(&schema)?;
        let change = Change {
            mode,
            index: schema.field(index).name().clone(),
            segments: self.encode_and_upload(&esc, batch, index).await?,
            schema,
            commit_id: *uuid::Uuid::new_v4().as_bytes(),
            metadata: options.metadata.clone(),
        };
        loop {
            let head = self.latest_manifest(symbol, &esc).await?;
            let manifest = self.next_manifest(symbol, &esc, head.as_ref(), &change)?;
            let key = keys::manifest(&esc, manifest.version);
            match self
                .store
                .put_if_absent(&key, Bytes::from(manifest.to_bytes()?))
                .await
            {
                Ok(()) => return Ok(VersionInfo::of(&manifest)),
                Err(floe_io::Error::AlreadyExists { .. }) => {
                    // Either another writer won this version (rebase and retry) or our own earlier
                    // attempt landed and its answer was lost (then we are done).
                    if self.is_ours(&key, change.commit_id).await? {
                        return Ok(VersionInfo::of(&manifest));
                    }
                    tracing::debug!(
                        symbol,
                        version = manifest.version,
                        "lost the commit race; rebasing"
                    );
                }
                Err(e) => {
                    // The put may have taken effect even though it reported failure.
                    if self.is_ours(&key, change.commit_id).await.unwrap_or(false) {
                        return Ok(VersionInfo::of(&manifest));
                    }
                    return Err(e.into());
                }
            }
        }
    }

    /// Builds the manifest that applies `change` on top of `head`.
    fn next_manifest(
        &self,
        symbol: &str,
        esc: &str,
        head: Option<&Manifest>,
        change: &Change,
    ) -> Result<Manifest> {
        let (schema, mut segments) = match (change.mode, head) {
            (Mode::Append, Some(head)) => {
                let stored =
                    floe_segment::decode_schema(&head.schema, &keys::manifest(esc, head.version))?;
                let merged = frame::merge_schema(symbol, &stored, &change.schema)?;
                let first = change.segments.first().map(|s| s.first_ts);
                if let (Some(last), Some(first)) = (head.last_ts(), first)
                    && first < last
                {
                    return Err(Error::AppendBeforeTail {
                        symbol: symbol.to_string(),
                        first,
                        last,
                    });
                }
                (merged, head.segments.clone())
            }
            _ => (change.schema.clone(), Vec::new()),
        };
        segments.extend_from_slice(&change.segments);
        let wall = (self.clock)();
        Ok(Manifest {
            symbol: symbol.to_string(),
            version: head.map_or(0, |h| h.version + 1),
            parent: head.map(|h| h.version),
            commit_id: change.commit_id,
            timestamp_ns: head.map_or(wall, |h| wall.max(h.timestamp_ns.saturating_add(1))),
            index: change.index.clone(),
            schema: floe_segment::encode_schema(&schema)?,
            rows: segments.iter().map(|s| s.rows).sum(),
            segments,
            metadata: change.metadata.clone(),
        })
    }

    async fn is_ours(&self, key: &str, commit_id: [u8; 16]) -> Result<bool> {
        match self.store.get(key).await {
            Ok(bytes) => Ok(Manifest::from_bytes(&bytes, key)?.commit_id == commit_id),
            Err(floe_io::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Encodes `batch` into segments on the rayon pool and uploads them concurrently.
    async fn encode_and_upload(
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

    /// The newest manifest of a symbol, `None` if it has no version. One LIST and one GET.
    pub(crate) async fn latest_manifest(
        &self,
        symbol: &str,
        esc: &str,
    ) -> Result<Option<Manifest>> {
        match self.versions_of(esc).await?.first() {
            Some(&version) => self.manifest_at(symbol, esc, version).await.map(Some),
            None => Ok(None),
        }
    }

    /// The manifest of one version. One GET.
    pub(crate) async fn manifest_at(
        &self,
        symbol: &str,
        esc: &str,
        version: u64,
    ) -> Result<Manifest> {
        let key = keys::manifest(esc, version);
        let bytes = match self.store.get(&key).await {
            Ok(bytes) => bytes,
            Err(floe_io::Error::NotFound { .. }) => {
                return Err(Error::VersionNotFound {
                    symbol: symbol.to_string(),
                    version,
                });
            }
            Err(e) => return Err(e.into()),
        };
        let manifest = Manifest::from_bytes(&bytes, &key)?;
        if manifest.symbol != symbol || manifest.version != version {
            return Err(Error::Corrupt {
                key,
                reason: "manifest names another symbol or version".into(),
            });
        }
        Ok(manifest)
    }

    /// The newest manifest committed at or before `t`: one LIST, then a binary search over
    /// manifests, whose times increase with the version (hybrid logical clock).
    pub(crate) async fn manifest_as_of_time(
        &self,
        symbol: &str,
        esc: &str,
        t: i64,
    ) -> Result<Manifest> {
        let mut versions = self.versions_of(esc).await?;
        if versions.is_empty() {
            return Err(Error::SymbolNotFound {
                symbol: symbol.to_string(),
            });
        }
        versions.reverse();
        // Invariant: versions[..lo] were committed at or before t, versions[hi..] after it; `best`
        // is the manifest of versions[lo - 1] once lo > 0.
        let (mut lo, mut hi) = (0, versions.len());
        let mut best = None;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let manifest = self.manifest_at(symbol, esc, versions[mid]).await?;
            if manifest.timestamp_ns <= t {
                lo = mid + 1;
                best = Some(manifest);
            } else {
                hi = mid;
            }
        }
        best.ok_or_else(|| Error::NoVersionAt {
            symbol: symbol.to_string(),
            timestamp_ns: t,
        })
    }

    /// Committed versions of an escaped symbol, newest first. One LIST.
    async fn versions_of(&self, esc: &str) -> Result<Vec<u64>> {
        let objects = self.store.list(&keys::versions_dir(esc)).await?;
        let mut versions: Vec<u64> = objects
            .iter()
            .filter_map(|o| o.key.rsplit('/').next().and_then(keys::parse_manifest_name))
            .collect();
        versions.sort_unstable_by(|a, b| b.cmp(a));
        Ok(versions)
    }

    /// Versions of `symbol`, newest first (one LIST). Empty if the symbol does not exist.
    pub async fn list_versions(&self, symbol: &str) -> Result<Vec<u64>> {
        self.versions_of(&symbol::escape(symbol)?).await
    }

    /// Details of one version, or of the latest with `None`.
    pub async fn version_info(&self, symbol: &str, version: Option<u64>) -> Result<VersionInfo> {
        let esc = symbol::escape(symbol)?;
        let manifest =
            match version {
                Some(v) => self.manifest_at(symbol, &esc, v).await?,
                None => self.latest_manifest(symbol, &esc).await?.ok_or_else(|| {
                    Error::SymbolNotFound {
                        symbol: symbol.to_string(),
                    }
                })?,
            };
        Ok(VersionInfo::of(&manifest))
    }

    /// True if `symbol` has at least one committed version.
    pub async fn has_symbol(&self, symbol: &str) -> Result<bool> {
        Ok(!self.list_versions(symbol).await?.is_empty())
    }

    /// Symbols with at least one committed version, sorted. One delimited LIST.
    pub async fn list_symbols(&self) -> Result<Vec<String>> {
        let dirs = self.store.list_dirs(keys::VERSIONS).await?;
        Ok(dirs.iter().filter_map(|d| symbol::unescape(d)).collect())
    }

    /// Bytes of every object stored for `symbol` (all versions' manifests and segments).
    pub async fn stored_bytes(&self, symbol: &str) -> Result<u64> {
        let esc = symbol::escape(symbol)?;
        let manifests = self.store.list(&keys::versions_dir(&esc)).await?;
        let segments = self.store.list(&keys::data_dir(&esc)).await?;
        Ok(manifests.iter().chain(&segments).map(|o| o.size).sum())
    }
}

fn parse_config(bytes: &[u8]) -> Result<LibraryConfig> {
    let config: LibraryConfig = serde_json::from_slice(bytes).map_err(|e| Error::Corrupt {
        key: keys::LIBRARY.into(),
        reason: e.to_string(),
    })?;
    if config.format > LIBRARY_FORMAT {
        return Err(Error::UnsupportedFormat {
            found: config.format,
            supported: LIBRARY_FORMAT,
        });
    }
    Ok(config)
}

fn wall_clock_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Runs CPU-bound work on the rayon pool without blocking the async runtime.
pub(crate) async fn on_rayon<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let _ = tx.send(work());
    });
    rx.await
        .map_err(|_| Error::Task("a decoding worker panicked".into()))
}
