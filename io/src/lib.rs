//! floe's storage layer: bytes under '/'-separated keys, on memory, a local directory, S3, GCS or
//! Azure, through [`object_store`].
//!
//! `floe-io` knows bytes and keys, never segments, manifests or symbols. It gives the rest of floe
//! one [`Store`] type with the few operations the commit protocol needs: whole and ranged reads,
//! overwrite and atomic put-if-absent (the commit point), idempotent delete, sorted recursive
//! listings and one-level directory listings; plus a cap on requests in flight and request
//! counters ([`Stats`]). Cloud backends are behind the `aws`, `gcp` and `azure` cargo features.
//!
//! Reads of many ranges of one object ([`Store::get_ranges`]) are planned by the store's
//! [`ReadPlanner`] (nearby ranges merged, huge ones split into 8-16 MiB parts) and issued
//! concurrently, up to the planner's concurrency and the store's cap on requests in flight.
//! Large objects go up by multipart upload ([`Store::with_multipart_threshold`]). For tests and
//! benches, the `object_store` wrappers [`FaultStore`], [`CountingStore`] and [`LatencyStore`]
//! inject faults, count requests and emulate a remote store's latency.
//!
//! # Options
//!
//! [`Store::open_with_options`] takes, for any location: `max_in_flight` (cap on requests in
//! flight; default 128 for cloud stores, 16 otherwise), `read_concurrency` (fetches one
//! `get_ranges` issues at once; 32 / 8), `max_gap` (bytes of gap bridged; 1 MiB on cloud stores,
//! 0 locally) and `multipart_threshold` (bytes; 16 MiB). Cloud stores also take `max_retries`
//! (default 10) and `retry_timeout_secs` (180): requests are retried with `object_store`'s
//! exponential backoff with decorrelated jitter (100 ms first, up to 15 s), on connection
//! errors, 5xx and throttling answers; a timed-out request only if it is idempotent. Local
//! directories take `fsync` and `local_read`. The standard environment variables configure
//! cloud stores (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL`/`AWS_ENDPOINT`, `AWS_ALLOW_HTTP`, ...; `GOOGLE_SERVICE_ACCOUNT`,
//! `GOOGLE_APPLICATION_CREDENTIALS`, ...; `AZURE_STORAGE_ACCOUNT_NAME`,
//! `AZURE_STORAGE_ACCOUNT_KEY`, `AZURE_STORAGE_USE_EMULATOR`, ...); options override them.
//!
//! # Local reads
//!
//! A local directory serves ranged reads itself ([`LocalRead`]), reading all the fetches of one
//! call from one open file: `pread` on tokio's blocking pool (the default), io_uring batches
//! (probed once; where the kernel or a container refuses it, `pread` without an error) or a
//! memory map (zero-copy; sound because floe's objects are immutable and replaced only by
//! rename). `pread` is the default because it
//! puts the I/O where the read is awaited, on a thread of its own, so a cold read overlaps
//! several files and the decoder then runs on bytes in memory; a map defers the I/O to page
//! faults inside the decoder (one page at a time, on the decoding thread), and io_uring saves
//! system calls that a read of a few large chunks per file hardly makes, while being refused in
//! many containers. `benches/io.rs` (`io/local/*`: pread, io_uring, mmap and `object_store`'s
//! own reads, warm and cold) is the measurement to revisit this choice with.
//!
//! ```
//! use bytes::Bytes;
//! use floe_io::{Error, Store};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = tokio::runtime::Runtime::new()?;
//! runtime.block_on(async {
//!     let store = Store::open("memory://")?;
//!     store.put("lib/sym/a/v/1", Bytes::from_static(b"first")).await?;
//!
//!     // The commit point: only one writer can create a key.
//!     let again = store.put_if_absent("lib/sym/a/v/1", Bytes::from_static(b"second")).await;
//!     assert!(matches!(again, Err(Error::AlreadyExists { .. })));
//!
//!     assert_eq!(store.get_range("lib/sym/a/v/1", 1..3).await?, "ir");
//!     assert_eq!(store.list_dirs("lib/sym").await?, ["a"]);
//!     let keys: Vec<String> = store.list("lib").await?.into_iter().map(|o| o.key).collect();
//!     assert_eq!(keys, ["lib/sym/a/v/1"]);
//!     assert_eq!(store.stats().puts, 2);
//!     Ok::<_, Error>(())
//! })?;
//! # Ok(())
//! # }
//! ```

#![deny(unsafe_code)] // allowed in local.rs only: memory maps and io_uring

mod error;
mod key;
mod local;
mod location;
mod planner;
mod stats;
mod store;
mod wrappers;

pub use error::{Error, Result};

/// Default cap on requests in flight for a cloud store. A ranged read of a column chunk is
/// latency-bound (tens of ms to the first byte, a few ms of transfer), so a connection moves
/// only 10-20 MB/s on such reads, and filling a 10 Gbit/s link takes about a hundred of them at
/// once; object stores serve thousands of requests per second per prefix. A one-column read of
/// a year of ticks touches one chunk in each of a hundred or more segments, which then all
/// start in the first round trip.
pub const CLOUD_MAX_IN_FLIGHT: usize = 128;
pub use key::{MAX_KEY_BYTES, MAX_SEGMENT_BYTES};
pub use local::{LocalRead, evict_from_page_cache, io_uring_available};
pub use planner::{Coalesced, Piece, ReadPlanner};
pub use stats::{Counters, Stats};
pub use store::{ObjectInfo, Picked, PutInfo, Store};
pub use wrappers::{Calls, CountingStore, Fault, FaultStore, Faults, Latency, LatencyStore};

/// The `object_store` crate this one is built on, for callers of
/// [`Store::from_object_store`].
pub use object_store;
