//! floe's storage layer: bytes under '/'-separated keys, on memory, a local directory, S3, GCS or
//! Azure, through [`object_store`].
//!
//! `floe-io` knows bytes and keys, never segments, manifests or symbols. It gives the rest of floe
//! one [`Store`] type with the few operations the commit protocol needs: whole and ranged reads,
//! overwrite and atomic put-if-absent (the commit point), idempotent delete, sorted recursive
//! listings and one-level directory listings; plus a cap on requests in flight and request
//! counters ([`Stats`]). Cloud backends are behind the `aws`, `gcp` and `azure` cargo features.
//!
//! Reads of many ranges of one object are planned by a [`ReadPlanner`] (nearby ranges merged, huge
//! ones split) and issued concurrently by [`Store::get_planned`]. For tests and benches, the
//! `object_store` wrappers [`FaultStore`], [`CountingStore`] and [`LatencyStore`] inject faults,
//! count requests and emulate a remote store's latency.
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

#![forbid(unsafe_code)]

mod error;
mod key;
mod location;
mod planner;
mod stats;
mod store;
mod wrappers;

pub use error::{Error, Result};
pub use key::{MAX_KEY_BYTES, MAX_SEGMENT_BYTES};
pub use planner::{Coalesced, Piece, ReadPlanner};
pub use stats::{Counters, Stats};
pub use store::{ObjectInfo, Store};
pub use wrappers::{Calls, CountingStore, Fault, FaultStore, Faults, Latency, LatencyStore};

/// The `object_store` crate this one is built on, for callers of
/// [`Store::from_object_store`].
pub use object_store;
