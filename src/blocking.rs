//! A blocking face of [`crate::Library`] for plain `fn main` programs and scripts: the same
//! operations, each run to completion on a runtime this wrapper owns. It must add no behaviour of
//! its own.
//!
//! ```
//! use floe::blocking::Library;
//! use floe::ReadOptions;
//!
//! let lib = Library::open("memory://")?;
//! let quotes = floe_datasets::quotes(&floe_datasets::Spec::new(10_000));
//! lib.write("MSFT", &quotes)?;
//! let frame = lib.read("MSFT", &ReadOptions::new())?;
//! assert_eq!(frame.num_rows(), 10_000);
//! # Ok::<(), floe::Error>(())
//! ```

use crate::{
    FinalizeOptions, Frame, GcReport, PruneReport, ReadOptions, Result, SnapshotInfo, VersionInfo,
    WriteOptions,
};
use arrow_array::RecordBatch;
use floe_io::Store;
use std::ops::RangeBounds;
use std::sync::Arc;

/// Blocking [`crate::Library`]. Do not call it from inside an async runtime; use the async one there.
#[derive(Clone, Debug)]
pub struct Library {
    runtime: Arc<tokio::runtime::Runtime>,
    inner: crate::Library,
}

impl Library {
    /// See [`crate::Library::open`].
    pub fn open(location: &str) -> Result<Library> {
        let runtime = runtime()?;
        let inner = runtime.block_on(crate::Library::open(location))?;
        Ok(Library {
            runtime: Arc::new(runtime),
            inner,
        })
    }

    /// See [`crate::Library::with_store`].
    pub fn with_store(store: Store) -> Result<Library> {
        let runtime = runtime()?;
        let inner = runtime.block_on(crate::Library::with_store(store))?;
        Ok(Library {
            runtime: Arc::new(runtime),
            inner,
        })
    }

    /// The async library underneath.
    pub fn inner(&self) -> &crate::Library {
        &self.inner
    }

    /// See [`crate::Library::write`].
    pub fn write(&self, symbol: &str, batch: &RecordBatch) -> Result<VersionInfo> {
        self.runtime.block_on(self.inner.write(symbol, batch))
    }

    /// See [`crate::Library::write_with`].
    pub fn write_with(
        &self,
        symbol: &str,
        batch: &RecordBatch,
        options: &WriteOptions,
    ) -> Result<VersionInfo> {
        self.runtime
            .block_on(self.inner.write_with(symbol, batch, options))
    }

    /// See [`crate::Library::append_with`].
    pub fn append_with(
        &self,
        symbol: &str,
        batch: &RecordBatch,
        options: &WriteOptions,
    ) -> Result<VersionInfo> {
        self.runtime
            .block_on(self.inner.append_with(symbol, batch, options))
    }

    /// See [`crate::Library::append`].
    pub fn append(&self, symbol: &str, batch: &RecordBatch) -> Result<VersionInfo> {
        self.runtime.block_on(self.inner.append(symbol, batch))
    }

    /// See [`crate::Library::read`].
    pub fn read(&self, symbol: &str, options: &ReadOptions) -> Result<Frame> {
        self.runtime.block_on(self.inner.read(symbol, options))
    }

    /// See [`crate::Library::list_symbols`].
    pub fn list_symbols(&self) -> Result<Vec<String>> {
        self.runtime.block_on(self.inner.list_symbols())
    }

    /// See [`crate::Library::list_versions`].
    pub fn list_versions(&self, symbol: &str) -> Result<Vec<u64>> {
        self.runtime.block_on(self.inner.list_versions(symbol))
    }

    /// See [`crate::Library::version_info`].
    pub fn version_info(&self, symbol: &str, version: Option<u64>) -> Result<VersionInfo> {
        self.runtime
            .block_on(self.inner.version_info(symbol, version))
    }

    /// See [`crate::Library::has_symbol`].
    pub fn has_symbol(&self, symbol: &str) -> Result<bool> {
        self.runtime.block_on(self.inner.has_symbol(symbol))
    }

    /// See [`crate::Library::update`].
    pub fn update(
        &self,
        symbol: &str,
        range: impl RangeBounds<i64>,
        batch: &RecordBatch,
    ) -> Result<VersionInfo> {
        self.runtime
            .block_on(self.inner.update(symbol, range, batch))
    }

    /// See [`crate::Library::delete_range`].
    pub fn delete_range(&self, symbol: &str, range: impl RangeBounds<i64>) -> Result<VersionInfo> {
        self.runtime
            .block_on(self.inner.delete_range(symbol, range))
    }

    /// See [`crate::Library::delete`].
    pub fn delete(&self, symbol: &str) -> Result<VersionInfo> {
        self.runtime.block_on(self.inner.delete(symbol))
    }

    /// See [`crate::Library::prune`].
    pub fn prune(&self, symbol: &str, keep: usize) -> Result<PruneReport> {
        self.runtime.block_on(self.inner.prune(symbol, keep))
    }

    /// See [`crate::Library::gc_with_grace`].
    pub fn gc_with_grace(&self, grace_ns: i64) -> Result<GcReport> {
        self.runtime.block_on(self.inner.gc_with_grace(grace_ns))
    }

    /// See [`crate::Library::create_snapshot`].
    pub fn create_snapshot(&self, name: &str, symbols: Option<&[&str]>) -> Result<SnapshotInfo> {
        self.runtime
            .block_on(self.inner.create_snapshot(name, symbols))
    }

    /// See [`crate::Library::list_snapshots`].
    pub fn list_snapshots(&self) -> Result<Vec<SnapshotInfo>> {
        self.runtime.block_on(self.inner.list_snapshots())
    }

    /// See [`crate::Library::delete_snapshot`].
    pub fn delete_snapshot(&self, name: &str) -> Result<()> {
        self.runtime.block_on(self.inner.delete_snapshot(name))
    }

    /// See [`crate::Library::stage`].
    pub fn stage(&self, symbol: &str, batch: &RecordBatch) -> Result<String> {
        self.runtime.block_on(self.inner.stage(symbol, batch))
    }

    /// See [`crate::Library::discard_parts`].
    pub fn discard_parts(&self, symbol: &str, ids: &[String]) -> Result<usize> {
        self.runtime.block_on(self.inner.discard_parts(symbol, ids))
    }

    /// See [`crate::Library::finalize`].
    pub fn finalize(&self, symbol: &str, options: &FinalizeOptions) -> Result<VersionInfo> {
        self.runtime.block_on(self.inner.finalize(symbol, options))
    }

    /// See [`crate::Library::stored_bytes`].
    pub fn stored_bytes(&self, symbol: &str) -> Result<u64> {
        self.runtime.block_on(self.inner.stored_bytes(symbol))
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("floe-io")
        .build()
        .map_err(|e| crate::Error::Task(format!("cannot start the I/O runtime: {e}")))
}
