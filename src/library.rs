//! [`Library`]: the async entry point. It owns opening a library, writing and appending versions,
//! and the commit loop (put-if-absent of the next manifest, rebase on a lost race). Reads live in
//! `read.rs`; key names in `keys.rs`; the manifest's bytes in `manifest.rs`.

use crate::commit::{Commit, Op, Rows};
use crate::manifest::Manifest;
use crate::{Error, Frame, ReadOptions, Result, keys, read, symbol};
use arrow_array::RecordBatch;
use bytes::Bytes;
use floe_codec::Encoding;
use floe_io::{PutInfo, Store};
use futures::{StreamExt, stream};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::RangeBounds;
use std::sync::{Arc, Mutex};

/// Symbols a batch operation works on at once.
const BATCH_IN_FLIGHT: usize = 16;

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

/// The version entries of one symbol, from one LIST of `v/{esc}/`.
#[derive(Debug, Default)]
pub(crate) struct Chain {
    /// Versions with a manifest, newest first.
    pub versions: Vec<u64>,
    /// What the listing said about the newest manifest object: it names that object's content.
    pub newest_seen: Option<Seen>,
    /// Versions with a prune mark, and when the mark was written (store clock, ns).
    pub pruned: HashMap<u64, i64>,
}

impl Chain {
    /// The newest version with a manifest (a tombstone included).
    pub(crate) fn newest(&self) -> Option<u64> {
        self.versions.first().copied()
    }

    /// Versions a reader may list, newest first: those without a prune mark.
    pub(crate) fn listed(&self) -> Vec<u64> {
        self.versions
            .iter()
            .copied()
            .filter(|v| !self.pruned.contains_key(v))
            .collect()
    }
}

/// A library of versioned symbols in one store location. Cheap to clone; all methods take `&self`
/// and may run concurrently, from any number of processes sharing the store.
#[derive(Clone)]
pub struct Library {
    pub(crate) store: Store,
    pub(crate) config: Arc<LibraryConfig>,
    pub(crate) clock: Clock,
    /// Latest manifests this client has read or committed, so that reading or appending to an
    /// unchanged symbol skips the GET.
    manifests: Arc<Mutex<ManifestCache>>,
}

/// Size, write time and entity tag of a listed manifest object. A manifest is written once
/// (put-if-absent) and never changed; only if its key were deleted and written again could its
/// content change, and then this changes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    size: u64,
    last_modified_ns: i64,
    e_tag: Option<String>,
}

/// How this client knows which object a cached manifest is, to recognise it in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Known {
    /// Read after a listing showed the object so.
    Listed(Seen),
    /// Committed by this client: the put answered with the entity tag of what it wrote. The
    /// write time is the store's own and the answer does not carry it, so only size and tag
    /// can be compared; see [`Known::is`].
    Written { size: u64, e_tag: String },
}

impl Known {
    /// Whether `listed` shows the very object this knowledge is about.
    ///
    /// For a written manifest the entity tag decides. Every store floe runs on gives a tag that
    /// is unique to one write or to one content: memory counts writes, a local directory tags
    /// inode, modification time (µs) and size, Azure tags every write afresh, and S3 and GCS
    /// tag a single-part upload with the MD5 of its content (or, with KMS encryption, a value
    /// unique to the write). So a listing that shows the tag the put answered with, at the size
    /// written, shows the bytes this client wrote, even if the key had been deleted and written
    /// again in between (docs/protocol.md, *Reading*, has the argument per store and its one
    /// narrow limit on local directories). A tag that some store formats differently in a
    /// listing only costs a GET.
    pub(crate) fn is(&self, listed: &Seen) -> bool {
        match self {
            Known::Listed(seen) => seen == listed,
            Known::Written { size, e_tag } => {
                listed.size == *size && listed.e_tag.as_deref() == Some(e_tag.as_str())
            }
        }
    }
}

/// The newest manifest read or committed of each symbol (by escaped name), with how this client
/// knows which object it is.
#[derive(Default)]
struct ManifestCache {
    entries: HashMap<String, (Known, Arc<Manifest>)>,
}

/// `manifest` if it is a live version, else [`Error::SymbolNotFound`].
pub(crate) fn live(symbol: &str, manifest: Option<Arc<Manifest>>) -> Result<Arc<Manifest>> {
    match manifest {
        Some(m) if !m.deleted => Ok(m),
        _ => Err(Error::SymbolNotFound {
            symbol: symbol.to_string(),
        }),
    }
}

/// Entries kept before the cache starts over: one per symbol read recently.
const CACHED_MANIFESTS: usize = 256;

impl ManifestCache {
    fn get(&self, esc: &str, version: u64, listed: &Seen) -> Option<Arc<Manifest>> {
        match self.entries.get(esc) {
            Some((known, m)) if m.version == version && known.is(listed) => Some(Arc::clone(m)),
            _ => None,
        }
    }

    fn newest(&self, esc: &str) -> Option<(Known, Arc<Manifest>)> {
        self.entries.get(esc).cloned()
    }

    fn put(&mut self, esc: &str, known: Known, manifest: Arc<Manifest>) {
        if self.entries.len() >= CACHED_MANIFESTS && !self.entries.contains_key(esc) {
            self.entries.clear();
        }
        self.entries.insert(esc.to_owned(), (known, manifest));
    }
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
                    Ok(_) => config,
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
            manifests: Arc::default(),
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
        self.write_with(symbol, batch, &WriteOptions::default())
            .await
    }

    /// [`Library::write`] with options (metadata for the version).
    pub async fn write_with(
        &self,
        symbol: &str,
        batch: &RecordBatch,
        options: &WriteOptions,
    ) -> Result<VersionInfo> {
        self.apply(symbol, |_| Ok(Op::Write(Rows::new(batch)?)), options)
            .await
    }

    /// Appends `batch` after the symbol's last row as a new version (creating the symbol if it does
    /// not exist). Concurrent appends never lose rows: a writer that loses the race for a version
    /// number rebases onto the winner. An append whose first timestamp is before the stored last
    /// one fails with [`Error::AppendBeforeTail`]; a different schema with [`Error::SchemaMismatch`].
    /// Small appends do not fragment the symbol: an append rewrites, together with its rows, the
    /// trailing segments that hold at most twice as many rows as it gathers, up to one segment's
    /// worth, so each row is rewritten O(log) times and the symbol keeps nearly full segments.
    pub async fn append(&self, symbol: &str, batch: &RecordBatch) -> Result<VersionInfo> {
        self.append_with(symbol, batch, &WriteOptions::default())
            .await
    }

    /// [`Library::append`] with options (metadata for the new version).
    pub async fn append_with(
        &self,
        symbol: &str,
        batch: &RecordBatch,
        options: &WriteOptions,
    ) -> Result<VersionInfo> {
        self.apply(symbol, |_| Ok(Op::Append(Rows::new(batch)?)), options)
            .await
    }

    /// Replaces the rows of `symbol` whose index falls in `range` (e.g. `a..b`, `a..=b`) by
    /// `batch`, whose rows must all lie inside the range. Only the segments that straddle the
    /// range's edges are rewritten; the others are shared with the previous version. Updating a
    /// symbol that does not exist creates it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> floe::Result<()> {
    /// use floe::{Library, ReadOptions};
    /// use floe_datasets::{Spec, quotes};
    /// let lib = Library::open("memory://").await?;
    /// let day = quotes(&Spec::new(10_000));
    /// lib.write("AAPL", &day).await?;
    /// let start = Spec::default().start_ns;
    /// let fix = quotes(&Spec::new(10).start_ns(start + 1_000));
    /// let v = lib.update("AAPL", start + 1_000..start + 2_000_000_000, &fix).await?;
    /// assert_eq!(v.version, 1);
    /// # Ok(()) }
    /// ```
    pub async fn update(
        &self,
        symbol: &str,
        range: impl RangeBounds<i64>,
        batch: &RecordBatch,
    ) -> Result<VersionInfo> {
        self.update_with(symbol, range, batch, &WriteOptions::default())
            .await
    }

    /// [`Library::update`] with options (metadata for the new version).
    pub async fn update_with(
        &self,
        symbol: &str,
        range: impl RangeBounds<i64>,
        batch: &RecordBatch,
        options: &WriteOptions,
    ) -> Result<VersionInfo> {
        let range = read::inclusive(&range);
        self.apply(
            symbol,
            |_| {
                let rows = Rows::new(batch)?;
                if let Some((first, last)) = rows.span()
                    && (first < range.0 || last > range.1)
                {
                    return Err(Error::OutsideRange {
                        symbol: symbol.to_string(),
                        first,
                        last,
                        lo: range.0,
                        hi: range.1,
                    });
                }
                Ok(Op::Update { range, rows })
            },
            options,
        )
        .await
    }

    /// Removes the rows of `symbol` whose index falls in `range`, as a new version. Only the
    /// segments that straddle the range's edges are rewritten.
    pub async fn delete_range(
        &self,
        symbol: &str,
        range: impl RangeBounds<i64>,
    ) -> Result<VersionInfo> {
        let range = read::inclusive(&range);
        self.apply(
            symbol,
            |_| Ok(Op::DeleteRange { range }),
            &WriteOptions::default(),
        )
        .await
    }

    /// Runs one operation through the commit loop.
    async fn apply(
        &self,
        symbol: &str,
        op: impl FnOnce(&str) -> Result<Op>,
        options: &WriteOptions,
    ) -> Result<VersionInfo> {
        let esc = symbol::escape(symbol)?;
        let op = op(&esc)?;
        let commit = Commit::new(symbol, &esc, op, options.metadata.clone());
        let manifest = self.commit(&commit).await?;
        Ok(VersionInfo::of(&manifest))
    }

    /// Writes many symbols concurrently; one result per input, in input order. Each symbol
    /// commits on its own: a failure of one does not undo the others.
    pub async fn write_batch(&self, items: &[(&str, RecordBatch)]) -> Vec<Result<VersionInfo>> {
        stream::iter(items)
            .map(|(symbol, batch)| self.write(symbol, batch))
            .buffered(BATCH_IN_FLIGHT)
            .collect()
            .await
    }

    /// Appends to many symbols concurrently; one result per input, in input order.
    pub async fn append_batch(&self, items: &[(&str, RecordBatch)]) -> Vec<Result<VersionInfo>> {
        stream::iter(items)
            .map(|(symbol, batch)| self.append(symbol, batch))
            .buffered(BATCH_IN_FLIGHT)
            .collect()
            .await
    }

    /// Reads many symbols concurrently with the same options; one result per input, in order.
    pub async fn read_batch(&self, symbols: &[&str], options: &ReadOptions) -> Vec<Result<Frame>> {
        stream::iter(symbols)
            .map(|symbol| self.read(symbol, options))
            .buffered(BATCH_IN_FLIGHT)
            .collect()
            .await
    }

    /// The newest manifest of a symbol (a tombstone included), `None` if it has none. One LIST
    /// and one GET; the GET is skipped when this client read or committed that very manifest
    /// object before (see [`Known::is`]).
    pub(crate) async fn latest_manifest(
        &self,
        symbol: &str,
        esc: &str,
    ) -> Result<Option<Arc<Manifest>>> {
        let chain = self.chain(esc).await?;
        self.newest_in(symbol, esc, chain).await
    }

    /// The newest manifest of `chain` (a listing of `esc`'s versions): from this client's
    /// cache when the listing shows the very object it holds, else one GET.
    pub(crate) async fn newest_in(
        &self,
        symbol: &str,
        esc: &str,
        chain: Chain,
    ) -> Result<Option<Arc<Manifest>>> {
        let Some(version) = chain.newest() else {
            return Ok(None);
        };
        if let Some(seen) = &chain.newest_seen
            && let Some(hit) = self.cached_manifests().get(esc, version, seen)
        {
            return Ok(Some(hit));
        }
        let manifest = Arc::new(self.manifest_at(symbol, esc, version).await?);
        if let Some(seen) = chain.newest_seen {
            self.cached_manifests()
                .put(esc, Known::Listed(seen), Arc::clone(&manifest));
        }
        Ok(Some(manifest))
    }

    /// The newest manifest this client read or committed of `esc`, with how it knows which
    /// object that is.
    pub(crate) fn cached_newest(&self, esc: &str) -> Option<(Known, Arc<Manifest>)> {
        self.cached_manifests().newest(esc)
    }

    /// Remembers a manifest this client has just committed, as `put` answered for it, so the
    /// next operation on the symbol skips the GET while the listing shows that object.
    pub(crate) fn committed(&self, esc: &str, manifest: Arc<Manifest>, size: usize, put: PutInfo) {
        if let Some(e_tag) = put.e_tag {
            let size = u64::try_from(size).unwrap_or(u64::MAX);
            self.cached_manifests()
                .put(esc, Known::Written { size, e_tag }, manifest);
        }
    }

    fn cached_manifests(&self) -> std::sync::MutexGuard<'_, ManifestCache> {
        // A poisoned lock only means another read panicked; the map itself is intact.
        self.manifests.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The newest manifest of a live symbol, else [`Error::SymbolNotFound`].
    pub(crate) async fn latest_live(&self, symbol: &str, esc: &str) -> Result<Arc<Manifest>> {
        live(symbol, self.latest_manifest(symbol, esc).await?)
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
        let mut versions = self.chain(esc).await?.listed();
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
        match best {
            Some(m) if m.deleted => Err(Error::SymbolNotFound {
                symbol: symbol.to_string(),
            }),
            Some(m) => Ok(m),
            None => Err(Error::NoVersionAt {
                symbol: symbol.to_string(),
                timestamp_ns: t,
            }),
        }
    }

    /// Every version entry of an escaped symbol: manifests and prune marks. One LIST, which
    /// needs the metadata of the newest manifest and of the marks only (on a local directory the
    /// others are not stat'ed, so the cost does not grow with the symbol's history).
    pub(crate) async fn chain(&self, esc: &str) -> Result<Chain> {
        let entry = |key: &str| key.rsplit('/').next().and_then(keys::parse_version_entry);
        let listing = self
            .store
            .list_picking(&keys::versions_dir(esc), |listed| {
                let mut newest: Option<(u64, usize)> = None;
                let mut picked = Vec::new();
                for (i, key) in listed.iter().enumerate() {
                    match entry(key) {
                        Some((_, true)) => picked.push(i),
                        Some((version, false)) if newest.is_none_or(|(v, _)| version > v) => {
                            newest = Some((version, i));
                        }
                        _ => {}
                    }
                }
                picked.extend(newest.map(|(_, i)| i));
                picked
            })
            .await?;
        let mut chain = Chain::default();
        for key in &listing.keys {
            if let Some((version, false)) = entry(key) {
                chain.versions.push(version);
            }
        }
        chain.versions.sort_unstable_by(|a, b| b.cmp(a));
        for o in &listing.picked {
            match entry(&o.key) {
                Some((version, true)) => {
                    chain.pruned.insert(version, o.last_modified_ns);
                }
                Some((version, false)) if chain.newest() == Some(version) => {
                    chain.newest_seen = Some(Seen {
                        size: o.size,
                        last_modified_ns: o.last_modified_ns,
                        e_tag: o.e_tag.clone(),
                    });
                }
                _ => {}
            }
        }
        Ok(chain)
    }

    /// Versions of `symbol` that can be read, newest first (one LIST): committed, not pruned, and
    /// not the tombstone of a deletion. Empty if the symbol does not exist.
    pub async fn list_versions(&self, symbol: &str) -> Result<Vec<u64>> {
        Ok(self.chain(&symbol::escape(symbol)?).await?.listed())
    }

    /// Details of one version, or of the latest with `None`.
    pub async fn version_info(&self, symbol: &str, version: Option<u64>) -> Result<VersionInfo> {
        let esc = symbol::escape(symbol)?;
        let manifest = match version {
            Some(v) => Arc::new(self.manifest_at(symbol, &esc, v).await?),
            None => self.latest_live(symbol, &esc).await?,
        };
        Ok(VersionInfo::of(&manifest))
    }

    /// True if `symbol` exists: it has a committed version and was not deleted after it. One
    /// LIST (a deletion prune-marks its tombstone).
    pub async fn has_symbol(&self, symbol: &str) -> Result<bool> {
        let chain = self.chain(&symbol::escape(symbol)?).await?;
        Ok(chain
            .newest()
            .is_some_and(|v| !chain.pruned.contains_key(&v)))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(size: u64, last_modified_ns: i64, e_tag: Option<&str>) -> Seen {
        Seen {
            size,
            last_modified_ns,
            e_tag: e_tag.map(str::to_owned),
        }
    }

    #[test]
    fn a_written_manifest_is_known_by_size_and_entity_tag() {
        let written = Known::Written {
            size: 10,
            e_tag: "7".into(),
        };
        // The store's write time is not known to the writer, so any is accepted.
        assert!(written.is(&listed(10, 1, Some("7"))));
        assert!(written.is(&listed(10, 2, Some("7"))));
        assert!(!written.is(&listed(10, 1, Some("8"))));
        assert!(!written.is(&listed(11, 1, Some("7"))));
        assert!(!written.is(&listed(10, 1, None)));
    }

    #[test]
    fn a_listed_manifest_is_known_by_size_time_and_entity_tag() {
        let known = Known::Listed(listed(10, 1, Some("t")));
        assert!(known.is(&listed(10, 1, Some("t"))));
        assert!(!known.is(&listed(10, 2, Some("t"))));
        assert!(!known.is(&listed(10, 1, Some("u"))));
        assert!(!known.is(&listed(9, 1, Some("t"))));
        assert!(!known.is(&listed(10, 1, None)));
    }

    /// On a local directory the listing stats only the newest manifest and the prune marks;
    /// what it gives for them must be what a HEAD gives, on every store.
    #[tokio::test]
    #[allow(clippy::expect_used)] // a failed expectation is a failed test
    async fn the_chain_has_the_metadata_of_the_newest_manifest_and_of_the_marks() {
        let dir = tempfile::tempdir().expect("tempdir");
        for location in ["memory://", dir.path().to_str().expect("utf-8")] {
            let lib = Library::open(location).await.expect("open");
            let day = floe_datasets::quotes(&floe_datasets::Spec::new(100));
            lib.write("S", &day).await.expect("write");
            for _ in 0..3 {
                lib.write("S", &day).await.expect("write again");
            }
            lib.prune("S", 2).await.expect("prune");
            let chain = lib.chain("S").await.expect("chain");
            assert_eq!(chain.versions, [3, 2, 1, 0], "{location}");
            let newest = lib.store.head(&keys::manifest("S", 3)).await.expect("head");
            assert_eq!(
                chain.newest_seen,
                Some(listed(
                    newest.size,
                    newest.last_modified_ns,
                    newest.e_tag.as_deref()
                )),
                "{location}"
            );
            let mut marked: Vec<u64> = chain.pruned.keys().copied().collect();
            marked.sort_unstable();
            assert_eq!(marked, [0, 1], "{location}");
            for (&version, &at) in &chain.pruned {
                let mark = lib.store.head(&keys::prune_mark("S", version)).await;
                assert_eq!(at, mark.expect("head").last_modified_ns, "{location}");
            }
        }
    }
}
