//! floe: versioned columnar time series for tick data, stored directly on object storage (S3,
//! GCS, Azure, a local directory or memory) with no server.
//!
//! A [`Library`] is a prefix in a store. It holds symbols; each write or append of a symbol commits
//! a new immutable version. Frames go in and come out as Arrow [`RecordBatch`]es whose index is
//! the first `Timestamp(Nanosecond)` column. Data is cut into segments of column chunks
//! (`floe-segment`, `floe-codec`); a version becomes visible atomically when its manifest is put
//! with put-if-absent (docs/protocol.md), so readers never see half a write and concurrent
//! appenders never lose rows.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> floe::Result<()> {
//! use floe::{Library, ReadOptions};
//!
//! let lib = Library::open("memory://").await?;
//! let quotes = floe_datasets::quotes(&floe_datasets::Spec::new(100_000));
//! let v0 = lib.write("AAPL", &quotes).await?;
//! let v1 = lib.append("AAPL", &floe_datasets::quotes(&floe_datasets::Spec::new(10).start_ns(i64::MAX / 2))).await?;
//! assert_eq!((v0.version, v1.version), (0, 1));
//!
//! let first_hour = ReadOptions::new().date_range(..quotes_start() + 3_600_000_000_000).columns(["bid", "ask"]);
//! let frame = lib.read("AAPL", &first_hour).await?;
//! assert!(frame.num_rows() > 0);
//! assert_eq!(lib.read("AAPL", &ReadOptions::new().as_of(0)).await?.num_rows(), 100_000);
//! # Ok(()) }
//! # fn quotes_start() -> i64 { floe_datasets::Spec::default().start_ns }
//! ```
//!
//! A blocking API for plain `fn main` programs is in [`blocking`].

#![forbid(unsafe_code)]

pub mod blocking;
mod commit;
mod error;
mod frame;
mod inspect;
mod keys;
mod library;
mod maintain;
mod manifest;
mod read;
mod snapshot;
mod stage;
mod symbol;

pub use arrow_array::RecordBatch;
pub use error::{Error, Result};
pub use floe_io::Store;
pub use inspect::{ColumnLayout, Layout, SegmentLayout};
pub use library::{Clock, Library, LibraryConfig, VersionInfo, WriteOptions};
pub use maintain::{DEFAULT_GRACE_NS, GcReport, PruneReport};
pub use read::{Frame, ReadOptions, ReadStream};
pub use snapshot::SnapshotInfo;
pub use stage::FinalizeOptions;
