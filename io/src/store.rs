//! [`Store`]: bytes under '/'-separated keys, on any `object_store` backend, with a cap on requests
//! in flight and request counters.
//!
//! This file owns the request path: key to backend path, the in-flight limit, counting, error
//! mapping, and the guarantees callers rely on (exact ranges, sorted listings, idempotent delete,
//! atomic put-if-absent). It must not interpret the bytes (no segments, manifests or symbols here)
//! and must not parse locations (that is `location.rs`).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{
    GetOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, WriteMultipart,
};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{Error, Result};
use crate::key::Root;
use crate::local::{LocalFailure, LocalRead, LocalReader};
use crate::location::{self, Backend, Opened, Settings};
use crate::planner::{self, ReadPlanner};
use crate::stats::{Counters, Request, Stats};

/// Upper bound for [`Store::with_max_in_flight`]; far beyond what any backend serves.
const MAX_IN_FLIGHT_CAP: usize = 1 << 20;

/// A directory listing checks at most this many directories for content at once.
const DIR_CHECK_PARALLELISM: usize = 16;

/// Default [`Store::with_multipart_threshold`]: objects above 16 MiB go up in parts.
const DEFAULT_MULTIPART_THRESHOLD: u64 = 16 << 20;
/// Size of each part of a multipart upload: 8 MiB, above S3's 5 MiB minimum.
const MULTIPART_PART_BYTES: usize = 8 << 20;
/// Parts of one multipart upload in flight at once (within the store's cap).
const MULTIPART_IN_FLIGHT: usize = 8;

/// One object found by a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Key relative to the store root.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// When the store last wrote the object, ns since the epoch (the store's clock).
    pub last_modified_ns: i64,
    /// The store's entity tag for this content, where it gives one (S3, GCS, Azure, local
    /// directories and memory do), without the quotes HTTP puts around it (Azure lists its tags
    /// unquoted and answers HEADs and PUTs with them quoted). It changes whenever the object is
    /// written again, except that S3 and GCS may give content written again unchanged its old tag
    /// (theirs is the content's MD5).
    pub e_tag: Option<String>,
}

/// What the store answered to a write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PutInfo {
    /// The entity tag of the content just written, where the store gives one (S3, GCS, Azure,
    /// local directories and memory do), unquoted as in [`ObjectInfo::e_tag`]: the tag a listing
    /// or HEAD shows for the object while that content is there.
    pub e_tag: Option<String>,
    /// The store's version id of the object, where the bucket keeps versions.
    pub version: Option<String>,
}

/// A listing that carries metadata only for the keys its caller picked: see
/// [`Store::list_picking`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Picked {
    /// Every key listed, sorted.
    pub keys: Vec<String>,
    /// The picked objects, in key order.
    pub picked: Vec<ObjectInfo>,
}

impl From<object_store::PutResult> for PutInfo {
    fn from(result: object_store::PutResult) -> PutInfo {
        PutInfo {
            e_tag: result.e_tag.map(unquoted),
            version: result.version,
        }
    }
}

/// Bytes under keys, on memory, a local directory, S3, GCS or Azure.
///
/// Cloning is cheap and clones share the backend, the counters and the in-flight limit. All
/// methods can be called from any tokio runtime (multi-thread or current-thread) and their futures
/// are `Send`.
///
/// Keys are '/'-separated and relative to the store's root; a key is rejected with
/// [`Error::InvalidKey`] unless every backend stores it as is and lists it back unchanged: no
/// empty, `.` or `..` segment, no slash at either end, only printable ASCII other than `%`, `#`,
/// `?`, `*`, `\`, `{`, `}`, `[`, `]`, `<`, `>`, `|`, `~`, `^`, `"` and the backtick; at most
/// [`MAX_SEGMENT_BYTES`](crate::MAX_SEGMENT_BYTES) per segment and
/// [`MAX_KEY_BYTES`](crate::MAX_KEY_BYTES) in all, counting the store's prefix.
#[derive(Clone)]
pub struct Store {
    shared: Arc<Shared>,
    limit: Arc<Semaphore>,
    max_in_flight: usize,
    planner: ReadPlanner,
    multipart_threshold: u64,
    local_read: LocalRead,
}

struct Shared {
    backend: Arc<dyn ObjectStore>,
    root: Root,
    location: String,
    kind: Backend,
    counters: Counters,
    /// The directory of a local store, for the ranged-read fast path.
    local_dir: Option<std::path::PathBuf>,
}

/// Why fetching one byte range failed, before it is turned into an [`Error`].
enum FetchFailure {
    /// The object ends before the range does.
    Short {
        size: u64,
    },
    /// The backend refused; it may mean the range starts past the end.
    Backend(object_store::Error),
    Other(Error),
}

impl Store {
    /// Opens a store.
    ///
    /// - `"memory://"`: a fresh, empty in-memory store (`"memory:///prefix"` roots it at a prefix).
    /// - `"file:///abs/dir"` or a plain path (`"./floe-data"`, `"/data/lib"`): a local directory,
    ///   created if missing. Writes are fsynced (file and directory) before they return.
    /// - `"s3://bucket/prefix"` (feature `aws`), `"gs://bucket/prefix"` (feature `gcp`),
    ///   `"az://container/prefix"`, `"abfs://..."`, `"azure://..."` (feature `azure`), and the
    ///   `https://` forms `object_store` recognises for S3 and Azure: configured from the standard
    ///   environment variables (`AWS_*`, `GOOGLE_*`, `AZURE_*`), with retries and backoff. Opening
    ///   does not touch the network.
    ///
    /// Anything else is [`Error::InvalidLocation`], which for a cloud scheme whose feature is off
    /// names the feature.
    pub fn open(location: &str) -> Result<Store> {
        Self::open_with_options(location, std::iter::empty::<(&str, String)>())
    }

    /// Like [`open`](Self::open), with options that override the environment: for cloud stores
    /// the `object_store` builder keys (`"aws_region"`, `"aws_endpoint"`, `"aws_allow_http"`,
    /// `"google_service_account"`, `"azure_storage_account_name"`, ...; case-insensitive); for a
    /// local directory only `"fsync"` = `"true"` or `"false"`. Unknown keys are
    /// [`Error::InvalidLocation`]; memory stores take none.
    pub fn open_with_options<I, K, V>(location: &str, options: I) -> Result<Store>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        let options = options
            .into_iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.into()))
            .collect();
        location::open(location, options).map(Self::new)
    }

    /// A fresh, empty in-memory store.
    pub fn memory() -> Store {
        Self::new(Opened {
            store: Arc::new(object_store::memory::InMemory::new()),
            root: Root::default(),
            location: "memory://".to_owned(),
            backend: Backend::Memory,
            local_dir: None,
            settings: Settings::default(),
        })
    }

    /// Wraps any `ObjectStore` (tests use this to inject faults or latency). `prefix` is a key
    /// prefix inside it (`""` for none); `description` is what `Display` and
    /// [`location`](Self::location) show.
    ///
    /// Nothing is known about the backend, so it gets the local defaults: 16 requests in flight,
    /// small range gaps bridged as on a remote store, and [`list_dirs`](Self::list_dirs) checks
    /// each directory for an object (one extra list per directory), as a local directory needs.
    pub fn from_object_store(
        inner: Arc<dyn ObjectStore>,
        prefix: &str,
        description: &str,
    ) -> Result<Store> {
        Ok(Self::new(Opened {
            store: inner,
            root: location::root(description, prefix)?,
            location: description.to_owned(),
            backend: Backend::Custom,
            local_dir: None,
            settings: Settings::default(),
        }))
    }

    fn new(opened: Opened) -> Store {
        let settings = opened.settings;
        let max_in_flight = settings
            .max_in_flight
            .unwrap_or_else(|| opened.backend.default_max_in_flight())
            .clamp(1, MAX_IN_FLIGHT_CAP);
        let mut planner = opened.backend.default_planner();
        if let Some(n) = settings.read_concurrency {
            planner = planner.with_concurrency(n);
        }
        if let Some(gap) = settings.max_gap {
            planner = planner.with_max_gap(gap);
        }
        Store {
            shared: Arc::new(Shared {
                backend: opened.store,
                root: opened.root,
                location: opened.location,
                kind: opened.backend,
                counters: Counters::default(),
                local_dir: opened.local_dir,
            }),
            limit: Arc::new(Semaphore::new(max_in_flight)),
            max_in_flight,
            planner,
            multipart_threshold: settings
                .multipart_threshold
                .unwrap_or(DEFAULT_MULTIPART_THRESHOLD),
            local_read: settings.local_read.unwrap_or_default(),
        }
    }

    /// The location this store was opened at (a local directory shows its canonical path).
    pub fn location(&self) -> &str {
        &self.shared.location
    }

    /// Caps the requests in flight through this store and the clones made from it afterwards
    /// (earlier clones keep their own cap). `n` is clamped to at least 1. Defaults: 128 for cloud
    /// stores, 16 otherwise.
    pub fn with_max_in_flight(self, n: usize) -> Store {
        let n = n.clamp(1, MAX_IN_FLIGHT_CAP);
        Store {
            limit: Arc::new(Semaphore::new(n)),
            max_in_flight: n,
            ..self
        }
    }

    /// The cap on requests in flight (see [`with_max_in_flight`](Self::with_max_in_flight)).
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }

    /// Plans [`get_ranges`](Self::get_ranges) with `planner` from now on (this store and clones
    /// made from it afterwards). Defaults: on a cloud store (and one from
    /// [`from_object_store`](Self::from_object_store)) gaps up to 1 MiB bridged, parts of 8-16
    /// MiB, 32 fetches at once; on memory and local directories only touching ranges merge and
    /// 8 fetches run at once.
    pub fn with_planner(self, planner: ReadPlanner) -> Store {
        Store { planner, ..self }
    }

    /// The planner [`get_ranges`](Self::get_ranges) uses.
    pub fn planner(&self) -> &ReadPlanner {
        &self.planner
    }

    /// Uploads objects larger than `bytes` with [`put`](Self::put) in 8 MiB parts, several at
    /// once (S3's multipart upload, Azure's block list, GCS's XML multipart; a staged file
    /// locally). Default 16 MiB. [`put_if_absent`](Self::put_if_absent) is always one request,
    /// since no backend makes a multipart upload conditional.
    pub fn with_multipart_threshold(self, bytes: u64) -> Store {
        Store {
            multipart_threshold: bytes,
            ..self
        }
    }

    /// How a local directory serves ranged reads (ignored by other stores). Default
    /// [`LocalRead::Pread`], chosen by measurement (see the crate docs).
    pub fn with_local_read(self, method: LocalRead) -> Store {
        Store {
            local_read: method,
            ..self
        }
    }

    /// A snapshot of the counters shared by this store and all its clones.
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    /// Sets every counter back to zero.
    pub fn reset_stats(&self) {
        self.shared.counters.reset();
    }

    /// The whole object. One GET.
    pub async fn get(&self, key: &str) -> Result<Bytes> {
        let path = self.shared.root.path(key)?;
        let _permit = self.permits(1, "get", key).await?;
        self.count(Request::Get, 1);
        let backend_error = |e| Error::from_backend("get", key, e);
        let result = self.backend().get(&path).await.map_err(backend_error)?;
        let bytes = result.bytes().await.map_err(backend_error)?;
        self.shared.counters.read(bytes.len());
        Ok(bytes)
    }

    /// Exactly the bytes `range` of an object. One ranged GET; an empty range returns empty bytes
    /// without a request (and so without checking that the object exists). A reversed range, or
    /// one reaching past the end of the object, is [`Error::InvalidRange`].
    pub async fn get_range(&self, key: &str, range: Range<u64>) -> Result<Bytes> {
        let path = self.shared.root.path(key)?;
        check_range(key, &range)?;
        if range.is_empty() {
            return Ok(Bytes::new());
        }
        self.count(Request::RangeGet, 1);
        self.count(Request::RangeFetch, 1);
        match self.fetch(&path, key, "get_range", range.clone()).await {
            Ok(bytes) => Ok(bytes),
            Err(failure) => Err(self
                .range_error("get_range", key, &path, &[range], failure)
                .await),
        }
    }

    /// Several ranges of one object, in input order, each exactly as asked, fetched as the
    /// store's planner plans them (see [`with_planner`](Self::with_planner) and
    /// [`get_planned`](Self::get_planned)). Errors as for [`get_range`](Self::get_range).
    pub async fn get_ranges(&self, key: &str, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        self.read_planned(key, ranges, &self.planner, "get_ranges")
            .await
    }

    /// Several ranges of one object, in input order, each exactly as asked, fetched as `planner`
    /// plans them ([`ReadPlanner::plan`]: nearby ranges merged, huge ones split into parts), up to
    /// the planner's concurrency at once and within the store's cap; fetches complete in any
    /// order, so one slow request does not hold the others' slots. A range served by one fetch is
    /// a zero-copy slice of it; one split across fetches is joined. On a local directory the
    /// fetches are served by the [`LocalRead`] method. Counts one range asked per non-empty range
    /// and one fetch per request issued. Errors as for [`get_range`](Self::get_range).
    pub async fn get_planned(
        &self,
        key: &str,
        ranges: &[Range<u64>],
        planner: &ReadPlanner,
    ) -> Result<Vec<Bytes>> {
        self.read_planned(key, ranges, planner, "get_planned").await
    }

    async fn read_planned(
        &self,
        key: &str,
        ranges: &[Range<u64>],
        planner: &ReadPlanner,
        op: &'static str,
    ) -> Result<Vec<Bytes>> {
        let path = self.shared.root.path(key)?;
        for range in ranges {
            check_range(key, range)?;
        }
        let plan = planner.plan(ranges);
        if plan.is_empty() {
            return Ok(vec![Bytes::new(); ranges.len()]);
        }
        let asked = ranges.iter().filter(|r| !r.is_empty()).count();
        self.count(Request::RangeGet, u64_from(asked));
        self.count(Request::RangeFetch, u64_from(plan.len()));
        let fetched = match self.fetch_all(&path, key, op, &plan, planner).await {
            Ok(fetched) => fetched,
            Err(failure) => {
                let wanted: Vec<Range<u64>> =
                    ranges.iter().filter(|r| !r.is_empty()).cloned().collect();
                return Err(self.range_error(op, key, &path, &wanted, failure).await);
            }
        };
        planner::assemble(ranges.len(), &plan, &fetched).ok_or_else(|| Error::Storage {
            op,
            key: key.to_owned(),
            source: "fetched bytes do not match the plan".into(),
        })
    }

    /// The bytes of every fetch of `plan`, in plan order.
    async fn fetch_all(
        &self,
        path: &Path,
        key: &str,
        op: &'static str,
        plan: &[planner::Coalesced],
        planner: &ReadPlanner,
    ) -> std::result::Result<Vec<Bytes>, FetchFailure> {
        if let Some(dir) = &self.shared.local_dir
            && self.local_read != LocalRead::ObjectStore
        {
            let reader = LocalReader {
                dir: dir.clone(),
                method: self.local_read,
            };
            let _permit = self
                .permits(1, op, key)
                .await
                .map_err(FetchFailure::Other)?;
            let ranges = plan.iter().map(|c| c.range.clone()).collect();
            let fetched = reader
                .read(path.as_ref(), ranges)
                .await
                .map_err(|e| match e {
                    LocalFailure::NotFound => FetchFailure::Other(Error::NotFound {
                        key: key.to_owned(),
                    }),
                    LocalFailure::Short { size } => FetchFailure::Short { size },
                    LocalFailure::Io(e) => FetchFailure::Other(Error::Storage {
                        op,
                        key: key.to_owned(),
                        source: Box::new(e),
                    }),
                })?;
            self.shared
                .counters
                .read(fetched.iter().map(Bytes::len).sum());
            return Ok(fetched);
        }
        let concurrency = planner
            .concurrency()
            .unwrap_or_else(|| self.shared.kind.default_read_concurrency());
        // Collected first: a lazy `map` held across the await makes the future not `Send`.
        let mut fetches = Vec::with_capacity(plan.len());
        for (i, fetch) in plan.iter().enumerate() {
            let one = self.fetch(path, key, op, fetch.range.clone());
            fetches.push(async move { one.await.map(|bytes| (i, bytes)) });
        }
        let mut fetched = vec![Bytes::new(); plan.len()];
        let mut done = futures::stream::iter(fetches).buffer_unordered(concurrency);
        while let Some((i, bytes)) = done.try_next().await? {
            if let Some(slot) = fetched.get_mut(i) {
                *slot = bytes;
            }
        }
        Ok(fetched)
    }

    /// Size of an object. One HEAD.
    pub async fn head(&self, key: &str) -> Result<ObjectInfo> {
        let path = self.shared.root.path(key)?;
        self.head_path(key, &path).await
    }

    /// Creates or overwrites an object, atomically. One PUT.
    pub async fn put(&self, key: &str, data: Bytes) -> Result<PutInfo> {
        self.put_mode(key, data, PutMode::Overwrite, "put").await
    }

    /// Creates an object only if there is none, atomically: of several racing writers exactly one
    /// succeeds and the others get [`Error::AlreadyExists`], and the winner's content stays. One
    /// PUT. Works on memory, local directories (a hard link), S3 (`If-None-Match`), GCS and Azure.
    /// The answer's entity tag names the content this call wrote.
    pub async fn put_if_absent(&self, key: &str, data: Bytes) -> Result<PutInfo> {
        self.put_mode(key, data, PutMode::Create, "put_if_absent")
            .await
    }

    /// Deletes an object; deleting a missing object succeeds. One DELETE.
    pub async fn delete(&self, key: &str) -> Result<()> {
        let path = self.shared.root.path(key)?;
        let _permit = self.permits(1, "delete", key).await?;
        self.count(Request::Delete, 1);
        match self.backend().delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(Error::from_backend("delete", key, e)),
        }
    }

    /// Every object below the "directory" `prefix` (keys starting with `prefix` then '/'; `""`
    /// lists everything), recursively, sorted by key. `"a/b"` does not list `"a/b"` itself nor
    /// `"a/bc/x"`. Objects whose names are not valid keys (left there by other tools) and
    /// in-progress local uploads are skipped.
    ///
    /// Counted as one LIST: `object_store` pages through the listing internally and does not say
    /// how many pages it fetched.
    pub async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>> {
        let path = self.shared.root.list_path(prefix)?;
        let _permit = self.permits(1, "list", prefix).await?;
        self.count(Request::List, 1);
        let mut listing = self.backend().list(path.as_ref());
        let mut objects: Vec<ObjectInfo> = Vec::with_capacity(listing.size_hint().0);
        // Cloud stores and memory list in key order; a local directory does not.
        let mut ascending = true;
        while let Some(meta) = listing
            .try_next()
            .await
            .map_err(|e| list_error(prefix, e))?
        {
            let Some(key) = self.shared.root.key_of(&meta.location) else {
                tracing::warn!(location = %meta.location, store = %self, "skipping object whose name is not a valid key");
                continue;
            };
            if !is_below(key, prefix) {
                continue;
            }
            // The key is the path's tail: take the path's string rather than copy it.
            let skip = meta.location.as_ref().len() - key.len();
            let mut key = String::from(meta.location);
            key.drain(..skip);
            ascending &= objects.last().is_none_or(|last| last.key < key);
            objects.push(ObjectInfo {
                key,
                size: meta.size,
                last_modified_ns: timestamp_ns(&meta.last_modified),
                e_tag: meta.e_tag.map(unquoted),
            });
        }
        if !ascending {
            objects.sort_unstable_by(|a, b| a.key.cmp(&b.key));
            objects.dedup_by(|a, b| a.key == b.key);
        }
        Ok(objects)
    }

    /// The keys [`list`](Self::list) gives, with full [`ObjectInfo`] only for those `pick` chooses
    /// (indices into the sorted keys it is handed). One LIST.
    ///
    /// Cloud stores and memory list every object's metadata anyway, so this costs what `list`
    /// does. A local directory reads only its directory entries and stats just the picked files,
    /// where `list` stats every file: finding the newest of a symbol's versions then costs one
    /// stat rather than three a version. A picked object that is deleted before it is stat'ed
    /// is left out of both the keys and the picked, as in a listing taken after the deletion.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> floe_io::Result<()> {
    /// let dir = tempfile::tempdir().expect("a temporary directory");
    /// let store = floe_io::Store::open(dir.path().to_str().expect("a UTF-8 path"))?;
    /// for key in ["v/1", "v/2", "v/3"] {
    ///     store.put(key, bytes::Bytes::from_static(b"x")).await?;
    /// }
    /// let listing = store.list_picking("v", |keys| vec![keys.len() - 1]).await?;
    /// assert_eq!(listing.keys, ["v/1", "v/2", "v/3"]);
    /// assert_eq!(listing.picked[0].key, "v/3");
    /// assert_eq!(listing.picked[0].size, 1);
    /// # Ok(()) }
    /// ```
    pub async fn list_picking(
        &self,
        prefix: &str,
        pick: impl FnOnce(&[String]) -> Vec<usize>,
    ) -> Result<Picked> {
        self.shared.root.list_path(prefix)?;
        let walked = match self.shared.local_dir.clone() {
            Some(dir) => {
                let _permit = self.permits(1, "list", prefix).await?;
                let walk = prefix.to_owned();
                let walked =
                    tokio::task::spawn_blocking(move || crate::local::list_files(&dir, &walk))
                        .await
                        .map_err(std::io::Error::other)
                        .and_then(|listed| listed)
                        .map_err(|e| Error::Storage {
                            op: "list",
                            key: prefix.to_owned(),
                            source: Box::new(e),
                        })?;
                if walked.is_some() {
                    self.count(Request::List, 1);
                }
                walked
            }
            None => None,
        };
        let Some(mut keys) = walked else {
            let objects = self.list(prefix).await?;
            let keys: Vec<String> = objects.iter().map(|o| o.key.clone()).collect();
            let picked = chosen(pick, &keys)
                .into_iter()
                .filter_map(|i| objects.get(i).cloned())
                .collect();
            return Ok(Picked { keys, picked });
        };
        keys.retain(|key| crate::key::validate(key).is_ok());
        keys.sort_unstable();
        let chosen = chosen(pick, &keys);
        let _permit = self.permits(1, "list", prefix).await?;
        let mut picked = Vec::with_capacity(chosen.len());
        let mut deleted = Vec::new();
        for i in chosen {
            let Some(key) = keys.get(i) else { continue };
            let path = self.shared.root.path(key)?;
            match self.backend().head(&path).await {
                Ok(meta) => picked.push(ObjectInfo {
                    key: key.clone(),
                    size: meta.size,
                    last_modified_ns: timestamp_ns(&meta.last_modified),
                    e_tag: meta.e_tag.map(unquoted),
                }),
                Err(object_store::Error::NotFound { .. }) => deleted.push(i),
                Err(e) => return Err(Error::from_backend("list", key, e)),
            }
        }
        for i in deleted.into_iter().rev() {
            keys.remove(i);
        }
        Ok(Picked { keys, picked })
    }

    /// Names (last segment only) of the "directories" directly below `prefix` (`""` for the top)
    /// that hold at least one object at any depth, sorted. One LIST; on a local directory (or a
    /// store from [`from_object_store`](Self::from_object_store)) plus one LIST per directory
    /// found, because directories there outlive their objects.
    pub async fn list_dirs(&self, prefix: &str) -> Result<Vec<String>> {
        let path = self.shared.root.list_path(prefix)?;
        let listing = {
            let _permit = self.permits(1, "list_dirs", prefix).await?;
            self.count(Request::List, 1);
            self.backend()
                .list_with_delimiter(path.as_ref())
                .await
                .map_err(|e| list_error(prefix, e))?
        };
        let mut dirs: Vec<(String, Path)> = listing
            .common_prefixes
            .into_iter()
            .filter_map(|dir| {
                let key = self.shared.root.key_of(&dir)?;
                let name = if prefix.is_empty() {
                    key
                } else {
                    key.strip_prefix(prefix)?.strip_prefix('/')?
                };
                (!name.contains('/')).then(|| (name.to_owned(), dir.clone()))
            })
            .collect();
        if self.shared.kind.may_list_empty_dirs() {
            let mut checks = Vec::with_capacity(dirs.len());
            for (_, dir) in &dirs {
                checks.push(self.has_object(dir, prefix));
            }
            let keep: Vec<bool> = futures::stream::iter(checks)
                .buffered(DIR_CHECK_PARALLELISM)
                .try_collect()
                .await?;
            let mut keep = keep.into_iter();
            dirs.retain(|_| keep.next().unwrap_or(false));
        }
        let mut names: Vec<String> = dirs.into_iter().map(|(name, _)| name).collect();
        names.sort_unstable();
        names.dedup();
        Ok(names)
    }

    fn backend(&self) -> &dyn ObjectStore {
        self.shared.backend.as_ref()
    }

    fn count(&self, request: Request, n: u64) {
        self.shared.counters.issued(request, n);
    }

    /// Waits for `n` of this store's request slots (at most all of them).
    async fn permits(&self, n: usize, op: &'static str, key: &str) -> Result<SemaphorePermit<'_>> {
        let n = u32::try_from(n.clamp(1, self.max_in_flight)).unwrap_or(u32::MAX);
        self.limit
            .acquire_many(n)
            .await
            .map_err(|e| Error::Storage {
                op,
                key: key.to_owned(),
                source: Box::new(e),
            })
    }

    async fn head_path(&self, key: &str, path: &Path) -> Result<ObjectInfo> {
        let _permit = self.permits(1, "head", key).await?;
        self.count(Request::Head, 1);
        let meta = self
            .backend()
            .head(path)
            .await
            .map_err(|e| Error::from_backend("head", key, e))?;
        Ok(ObjectInfo {
            key: key.to_owned(),
            size: meta.size,
            last_modified_ns: timestamp_ns(&meta.last_modified),
            e_tag: meta.e_tag.map(unquoted),
        })
    }

    async fn put_mode(
        &self,
        key: &str,
        data: Bytes,
        mode: PutMode,
        op: &'static str,
    ) -> Result<PutInfo> {
        let path = self.shared.root.path(key)?;
        let len = data.len();
        if matches!(mode, PutMode::Overwrite) && u64_from(len) > self.multipart_threshold {
            return self.put_multipart(key, &path, data).await;
        }
        let _permit = self.permits(1, op, key).await?;
        self.count(Request::Put, 1);
        let result = self
            .backend()
            .put_opts(&path, PutPayload::from(data), PutOptions::from(mode))
            .await
            .map_err(|e| Error::from_backend(op, key, e))?;
        self.shared.counters.written(len);
        Ok(result.into())
    }

    /// Uploads `data` in parts of [`MULTIPART_PART_BYTES`], up to [`MULTIPART_IN_FLIGHT`] at
    /// once; on failure the upload is aborted so no parts linger.
    async fn put_multipart(&self, key: &str, path: &Path, data: Bytes) -> Result<PutInfo> {
        let error = |e| Error::from_backend("put", key, e);
        let len = data.len();
        let parts = len.div_ceil(MULTIPART_PART_BYTES);
        let slots = MULTIPART_IN_FLIGHT.min(self.max_in_flight);
        let _permit = self.permits(slots, "put", key).await?;
        self.count(Request::Put, 1);
        let upload = self.backend().put_multipart(path).await.map_err(error)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, MULTIPART_PART_BYTES);
        let mut offset = 0;
        while offset < len {
            let end = (offset + MULTIPART_PART_BYTES).min(len);
            if let Err(e) = writer.wait_for_capacity(slots).await {
                // The upload already failed; aborting is best effort.
                let _ = writer.abort().await;
                return Err(error(e));
            }
            writer.put(data.slice(offset..end));
            offset = end;
        }
        self.count(Request::MultipartPart, u64_from(parts));
        let result = writer.finish().await.map_err(error)?;
        self.shared.counters.written(len);
        Ok(result.into())
    }

    /// Fetches one non-empty range, holding one request slot; fails unless every byte came back.
    async fn fetch(
        &self,
        path: &Path,
        key: &str,
        op: &'static str,
        range: Range<u64>,
    ) -> std::result::Result<Bytes, FetchFailure> {
        let _permit = self
            .permits(1, op, key)
            .await
            .map_err(FetchFailure::Other)?;
        let options = GetOptions::new().with_range(Some(range.clone()));
        let result = self
            .backend()
            .get_opts(path, options)
            .await
            .map_err(FetchFailure::Backend)?;
        // Backends answer a range that runs past the end with the part that exists.
        if result.range != range {
            return Err(FetchFailure::Short {
                size: result.meta.size,
            });
        }
        let size = result.meta.size;
        let bytes = result.bytes().await.map_err(FetchFailure::Backend)?;
        if u64_from(bytes.len()) != range.end - range.start {
            return Err(FetchFailure::Short { size });
        }
        self.shared.counters.read(bytes.len());
        Ok(bytes)
    }

    /// The error for a failed range read of `asked`: [`Error::InvalidRange`] naming the first
    /// range past the end if the object is too short, else the backend's error.
    async fn range_error(
        &self,
        op: &'static str,
        key: &str,
        path: &Path,
        asked: &[Range<u64>],
        failure: FetchFailure,
    ) -> Error {
        let size = match failure {
            FetchFailure::Short { size } => size,
            FetchFailure::Other(e) => return e,
            FetchFailure::Backend(e) => {
                let error = Error::from_backend(op, key, e);
                if !matches!(error, Error::Storage { .. }) {
                    return error;
                }
                // Backends report a range starting past the end in their own words (an HTTP 416,
                // a local "start too large"), so ask for the size rather than parse them.
                match self.head_path(key, path).await {
                    Ok(info) if asked.iter().any(|r| r.end > info.size) => info.size,
                    _ => return error,
                }
            }
        };
        match asked.iter().find(|r| r.end > size) {
            Some(range) => Error::invalid_range(key, range, format!("object is {size} bytes")),
            None => Error::Storage {
                op,
                key: key.to_owned(),
                source: format!("short read from an object of {size} bytes").into(),
            },
        }
    }

    /// Whether any valid key lies below `dir` (a backend path).
    async fn has_object(&self, dir: &Path, prefix: &str) -> Result<bool> {
        let _permit = self.permits(1, "list_dirs", prefix).await?;
        self.count(Request::List, 1);
        let mut listing = self.backend().list(Some(dir));
        while let Some(meta) = listing
            .try_next()
            .await
            .map_err(|e| list_error(prefix, e))?
        {
            if self.shared.root.key_of(&meta.location).is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shared.location)
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.shared.location)
            .field("root", &self.shared.root.as_str())
            .field("backend", &self.shared.backend.to_string())
            .field("max_in_flight", &self.max_in_flight)
            .field("planner", &self.planner)
            .field("local_read", &self.local_read)
            .finish()
    }
}

fn check_range(key: &str, range: &Range<u64>) -> Result<()> {
    if range.start > range.end {
        Err(Error::invalid_range(key, range, "start is after end"))
    } else {
        Ok(())
    }
}

/// Listing failures are never "not found": a missing prefix lists nothing.
fn list_error(prefix: &str, error: object_store::Error) -> Error {
    Error::Storage {
        op: "list",
        key: prefix.to_owned(),
        source: Box::new(error),
    }
}

/// An entity tag without the double quotes around it, if it has them.
fn unquoted(mut tag: String) -> String {
    if tag.len() >= 2 && tag.starts_with('"') && tag.ends_with('"') {
        tag.pop();
        tag.remove(0);
    }
    tag
}

/// The indices `pick` chooses among `keys`, ascending, each once.
fn chosen(pick: impl FnOnce(&[String]) -> Vec<usize>, keys: &[String]) -> Vec<usize> {
    let mut chosen = pick(keys);
    chosen.sort_unstable();
    chosen.dedup();
    chosen
}

/// Whether `key` lies below the "directory" `prefix`.
fn is_below(key: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || key
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn u64_from(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A store timestamp as ns since the epoch (saturating outside 1677..2262).
fn timestamp_ns(t: &chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
mod tests {
    use std::time::{Duration, Instant};

    use object_store::memory::InMemory;
    use object_store::throttle::{ThrottleConfig, ThrottledStore};

    use super::*;

    /// The keys `store` lists under `prefix`, in listing order.
    async fn listed_keys(store: &Store, prefix: &str) -> Vec<String> {
        let listed = store.list(prefix).await.expect("list");
        listed.into_iter().map(|o| o.key).collect()
    }

    fn assert_send<T: Send>(_: T) {}

    #[test]
    fn futures_are_send_and_store_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Store>();
        let s = Store::memory();
        assert_send(s.get("a"));
        assert_send(s.get_range("a", 0..1));
        assert_send(s.get_ranges("a", &[0..1, 1..2]));
        assert_send(s.get_planned("a", &[0..1, 1..2], &ReadPlanner::new()));
        assert_send(s.head("a"));
        assert_send(s.put("a", Bytes::new()));
        assert_send(s.put_if_absent("a", Bytes::new()));
        assert_send(s.delete("a"));
        assert_send(s.list(""));
        assert_send(s.list_dirs(""));
    }

    #[test]
    fn display_and_debug_show_the_location() {
        let s = Store::memory();
        assert_eq!(s.to_string(), "memory://");
        assert_eq!(s.location(), "memory://");
        let debug = format!("{s:?}");
        assert!(debug.contains("location: \"memory://\""), "{debug}");
        assert!(debug.contains("max_in_flight: 16"), "{debug}");
        let s = s.with_max_in_flight(0);
        assert!(format!("{s:?}").contains("max_in_flight: 1"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn clones_share_backend_and_counters() {
        let a = Store::memory();
        let b = a.clone();
        a.put("k", Bytes::from_static(b"xyz")).await.expect("put");
        assert_eq!(b.get("k").await.expect("get"), "xyz");
        assert_eq!(a.stats(), b.stats());
        assert_eq!((a.stats().puts, a.stats().gets), (1, 1));
        b.reset_stats();
        assert_eq!(a.stats(), Stats::default());
        // A capped copy still shares the counters.
        let c = a.clone().with_max_in_flight(1);
        c.head("k").await.expect("head");
        assert_eq!(a.stats().heads, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn prefix_of_a_wrapped_store_is_the_root() {
        let inner: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let outside = Path::from("other/x");
        inner
            .put(&outside, PutPayload::from_static(b"o"))
            .await
            .expect("put outside");
        let store = Store::from_object_store(Arc::clone(&inner), "/root/lib/", "wrapped")
            .expect("valid prefix");
        assert_eq!(store.to_string(), "wrapped");
        store
            .put("sym/a/v/1", Bytes::from_static(b"m"))
            .await
            .expect("put");
        let inside = inner
            .get(&Path::from("root/lib/sym/a/v/1"))
            .await
            .expect("object lands under the prefix");
        assert_eq!(inside.bytes().await.expect("bytes"), "m");
        let keys = listed_keys(&store, "").await;
        assert_eq!(keys, ["sym/a/v/1"]);
        assert_eq!(store.list_dirs("").await.expect("dirs"), ["sym"]);
        // One list, plus one content check for the one directory (unknown backend).
        assert_eq!(store.stats().lists, 3);

        let bad = Store::from_object_store(inner, "a/../b", "wrapped");
        assert!(
            matches!(&bad, Err(Error::InvalidLocation { location, reason }) if location == "wrapped" && reason.contains("\"..\"")),
            "{bad:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_in_flight_are_capped() {
        let latency = Duration::from_millis(40);
        let config = ThrottleConfig {
            wait_get_per_call: latency,
            ..ThrottleConfig::default()
        };
        let inner = Arc::new(ThrottledStore::new(InMemory::new(), config));
        let store = Store::from_object_store(inner, "", "slow")
            .expect("store")
            .with_max_in_flight(2);
        store
            .put("k", Bytes::from_static(b"0123456789"))
            .await
            .expect("put");

        let started = Instant::now();
        let gets = (0..8).map(|_| store.get("k"));
        let got = futures::future::try_join_all(gets).await.expect("gets");
        assert_eq!(got.len(), 8);
        // 8 requests, 2 at a time, 40 ms each: at least 4 rounds.
        assert!(started.elapsed() >= latency * 4, "{:?}", started.elapsed());

        // get_ranges fetches in parallel but within the same cap. Ranges 2 MiB apart are too far
        // apart to be bridged, so they are 8 fetches.
        let spacing = 2 << 20;
        let big: Vec<u8> = (0..8 * spacing).map(|i| (i % 251) as u8).collect();
        store
            .put("big", Bytes::from(big.clone()))
            .await
            .expect("put");
        let ranges: Vec<Range<u64>> = (0..8u64).map(|i| i * spacing..i * spacing + 3).collect();
        store.reset_stats();
        let started = Instant::now();
        let parts = store.get_ranges("big", &ranges).await.expect("ranges");
        assert!(started.elapsed() >= latency * 4, "{:?}", started.elapsed());
        for (range, part) in ranges.iter().zip(&parts) {
            let (start, end) = (range.start as usize, range.end as usize);
            assert_eq!(part.as_ref(), &big[start..end]);
        }

        // Adjacent 1-byte ranges are bridged into one fetch, yet each counts.
        let ranges: Vec<Range<u64>> = (0..8).map(|i| i..i + 1).collect();
        let parts = store.get_ranges("k", &ranges).await.expect("ranges");
        assert_eq!(parts.concat(), b"01234567");
        assert_eq!(store.stats().range_gets, 16);
        assert_eq!(store.stats().range_fetches, 8 + 1);
        assert_eq!(store.stats().bytes_read, 8 * 3 + 8);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn get_ranges_follows_the_store_planner() {
        let counting = crate::CountingStore::new(InMemory::new());
        let counters = counting.counters();
        let store = Store::from_object_store(Arc::new(counting), "", "counted").expect("store");
        let object: Vec<u8> = (0..4_000_000u32).map(|i| (i % 253) as u8).collect();
        store
            .put("k", Bytes::from(object.clone()))
            .await
            .expect("put");
        // 100 kB apart: bridged by the default 1 MiB gap; 3 MB apart: not.
        let ranges = [0..10, 100_000..100_010, 3_100_000..3_100_010];
        counters.reset();
        let got = store.get_ranges("k", &ranges).await.expect("ranges");
        for (r, bytes) in ranges.iter().zip(&got) {
            assert_eq!(bytes.as_ref(), &object[r.start as usize..r.end as usize]);
        }
        assert_eq!(counters.snapshot().range_fetches, 2);
        assert_eq!(
            (store.stats().range_gets, store.stats().range_fetches),
            (3, 2)
        );

        let store = store.with_planner(ReadPlanner::new().with_max_gap(0));
        counters.reset();
        store.get_ranges("k", &ranges).await.expect("ranges");
        assert_eq!(counters.snapshot().range_fetches, 3);
        assert_eq!(store.planner().max_gap(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn local_list_dirs_skips_directories_without_objects() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = Store::open(tmp.path().to_str().expect("utf-8")).expect("open");
        store
            .put("sym/real/v/1", Bytes::from_static(b"m"))
            .await
            .expect("put");
        store
            .put("sym/gone/v/1", Bytes::from_static(b"m"))
            .await
            .expect("put");
        store.delete("sym/gone/v/1").await.expect("delete");
        std::fs::create_dir_all(tmp.path().join("sym/empty/deeper")).expect("mkdir");
        // What a crashed upload leaves behind: only a staging file.
        std::fs::create_dir_all(tmp.path().join("sym/staged/v")).expect("mkdir");
        std::fs::write(tmp.path().join("sym/staged/v/1#1"), b"partial").expect("write");
        std::fs::write(tmp.path().join("sym/real/v/2#3"), b"partial").expect("write");

        assert_eq!(store.list_dirs("sym").await.expect("dirs"), ["real"]);
        let keys = listed_keys(&store, "sym").await;
        assert_eq!(keys, ["sym/real/v/1"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn memory_list_dirs_is_one_list() {
        let store = Store::memory();
        for key in ["s/b/1", "s/a/x/1", "s/a/2", "s/c", "t/d/1"] {
            store.put(key, Bytes::from_static(b"1")).await.expect("put");
        }
        store.reset_stats();
        assert_eq!(store.list_dirs("s").await.expect("dirs"), ["a", "b"]);
        assert_eq!(store.list_dirs("").await.expect("dirs"), ["s", "t"]);
        assert_eq!(store.stats().lists, 2);
        assert_eq!(store.stats().requests(), 2);
    }

    use futures::FutureExt;

    /// A memory store whose listings come out of key order, each object twice, as some stores'
    /// paged listings may.
    #[derive(Debug)]
    struct Unordered(InMemory);

    impl fmt::Display for Unordered {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "Unordered({})", self.0)
        }
    }

    #[async_trait::async_trait]
    impl ObjectStore for Unordered {
        async fn put_opts(
            &self,
            location: &Path,
            payload: PutPayload,
            opts: PutOptions,
        ) -> object_store::Result<object_store::PutResult> {
            self.0.put_opts(location, payload, opts).await
        }

        async fn put_multipart_opts(
            &self,
            location: &Path,
            opts: object_store::PutMultipartOptions,
        ) -> object_store::Result<Box<dyn object_store::MultipartUpload>> {
            self.0.put_multipart_opts(location, opts).await
        }

        async fn get_opts(
            &self,
            location: &Path,
            options: GetOptions,
        ) -> object_store::Result<object_store::GetResult> {
            self.0.get_opts(location, options).await
        }

        fn delete_stream(
            &self,
            locations: futures::stream::BoxStream<'static, object_store::Result<Path>>,
        ) -> futures::stream::BoxStream<'static, object_store::Result<Path>> {
            self.0.delete_stream(locations)
        }

        fn list(
            &self,
            prefix: Option<&Path>,
        ) -> futures::stream::BoxStream<'static, object_store::Result<object_store::ObjectMeta>>
        {
            let listing = self.0.list(prefix);
            listing
                .collect::<Vec<_>>()
                .map(|all| {
                    let mut twice = Vec::new();
                    for meta in all.into_iter().rev() {
                        if let Ok(meta) = &meta {
                            twice.push(Ok(meta.clone()));
                        }
                        twice.push(meta);
                    }
                    futures::stream::iter(twice)
                })
                .flatten_stream()
                .boxed()
        }

        async fn list_with_delimiter(
            &self,
            prefix: Option<&Path>,
        ) -> object_store::Result<object_store::ListResult> {
            self.0.list_with_delimiter(prefix).await
        }

        async fn copy_opts(
            &self,
            from: &Path,
            to: &Path,
            options: object_store::CopyOptions,
        ) -> object_store::Result<()> {
            self.0.copy_opts(from, to, options).await
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn listings_come_back_sorted_and_once_whatever_the_backend_order() {
        let store = Store::from_object_store(Arc::new(Unordered(InMemory::new())), "p", "odd")
            .expect("store");
        for key in ["d/b", "d/a/2", "d/c", "d/a/1", "e/x"] {
            store.put(key, Bytes::from_static(b"1")).await.expect("put");
        }
        let keys = listed_keys(&store, "d").await;
        assert_eq!(keys, ["d/a/1", "d/a/2", "d/b", "d/c"]);
        let memory = Store::memory();
        for key in ["d/b", "d/a/2", "d/c", "d/a/1", "e/x"] {
            memory
                .put(key, Bytes::from_static(b"1"))
                .await
                .expect("put");
        }
        let keys = listed_keys(&memory, "d").await;
        assert_eq!(keys, ["d/a/1", "d/a/2", "d/b", "d/c"]);
    }

    #[test]
    fn entity_tags_lose_their_quotes_only() {
        assert_eq!(unquoted("\"0x8D\"".into()), "0x8D");
        assert_eq!(unquoted("0x8D".into()), "0x8D");
        assert_eq!(unquoted("\"".into()), "\"");
        assert_eq!(unquoted("\"\"".into()), "");
        assert_eq!(unquoted("W/\"x\"".into()), "W/\"x\"");
    }

    #[test]
    fn is_below_matches_whole_segments() {
        assert!(is_below("a/b/c", "a/b"));
        assert!(is_below("a/b", ""));
        assert!(!is_below("a/b", "a/b"));
        assert!(!is_below("a/bc/x", "a/b"));
        assert!(!is_below("b/x", "a"));
    }

    #[tokio::test]
    async fn a_local_picking_listing_skips_uploads_and_objects_deleted_before_their_stat() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = Store::open(tmp.path().to_str().expect("utf-8")).expect("open");
        for key in ["v/1", "v/2", "v/3", "v/deep/4"] {
            store
                .put(key, Bytes::from_static(b"abc"))
                .await
                .expect("put");
        }
        // An upload in progress is no object.
        std::fs::write(tmp.path().join("v/5#1"), b"partial").expect("write");
        let doomed = tmp.path().join("v/2");
        let listing = store
            .list_picking("v", |keys| {
                assert_eq!(keys, ["v/1", "v/2", "v/3", "v/deep/4"]);
                // Deleted between the directory read and the stat.
                std::fs::remove_file(&doomed).expect("remove");
                vec![1, 3]
            })
            .await
            .expect("list");
        assert_eq!(listing.keys, ["v/1", "v/3", "v/deep/4"]);
        assert_eq!(keys_of(&listing.picked), ["v/deep/4"]);
        assert_eq!(
            listing.picked[0],
            store.head("v/deep/4").await.expect("head"),
            "a picked object's metadata is its HEAD's"
        );
        let on_a_file = store.list_picking("v/1", |_| vec![0]).await.expect("list");
        assert_eq!(on_a_file, Picked::default());
        assert_eq!(store.stats().lists, 2);
    }

    #[tokio::test]
    async fn a_local_picking_listing_of_names_other_tools_left_agrees_with_list() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = Store::open(tmp.path().to_str().expect("utf-8")).expect("open");
        store
            .put("v/1", Bytes::from_static(b"abc"))
            .await
            .expect("put");
        for foreign in ["v/a b", "v/x~y", "v/%41", "v/\u{e9}"] {
            std::fs::write(tmp.path().join(foreign), b"foreign").expect("write");
        }
        let full = store.list("v").await.expect("list");
        let everything = |keys: &[String]| (0..keys.len()).collect();
        let listing = store.list_picking("v", everything).await.expect("list");
        assert_eq!(listing.keys, keys_of(&full));
        assert_eq!(listing.picked, full);
    }

    fn keys_of(objects: &[ObjectInfo]) -> Vec<&str> {
        objects.iter().map(|o| o.key.as_str()).collect()
    }
}
