//! [`CountingStore`]: an `object_store` wrapper that counts the requests and bytes that reach the
//! store beneath it, so tests and benches see what a backend would be billed for.
//!
//! This file only counts; it must not change, delay or fail any call. Counters are shared through
//! an `Arc<Counters>` and read as [`Stats`].

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};

use crate::stats::{Counters, Request, Stats};

/// Wraps a store and counts what goes through it, by kind: whole GETs, ranged GETs (one per range,
/// also within one `get_ranges` call), HEADs, PUTs (multipart starts included), LISTs (one per
/// call) and DELETEs (one per location), plus bytes read and written by successful calls.
///
/// Requests are counted when issued; bytes when the backend answers (for a get, the length of the
/// range it says it returns). Copies and renames are not counted; multipart parts are not counted.
#[derive(Debug)]
pub struct CountingStore<T: ObjectStore> {
    inner: T,
    counters: Arc<Counters>,
}

impl<T: ObjectStore> CountingStore<T> {
    /// Wraps `inner` with counters at zero.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            counters: Arc::default(),
        }
    }

    /// The shared counters: keep them to read counts after handing the store over.
    pub fn counters(&self) -> Arc<Counters> {
        Arc::clone(&self.counters)
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// The wrapped store.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

impl<T: ObjectStore> fmt::Display for CountingStore<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountingStore({})", self.inner)
    }
}

fn range_len(range: &Range<u64>) -> u64 {
    range.end.saturating_sub(range.start)
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl<T: ObjectStore> ObjectStore for CountingStore<T> {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        self.counters.issued(Request::Put, 1);
        let len = payload.content_length();
        let result = self.inner.put_opts(location, payload, opts).await?;
        self.counters.written(len);
        Ok(result)
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        self.counters.issued(Request::Put, 1);
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let head = options.head;
        let request = match (head, options.range.is_some()) {
            (true, _) => Request::Head,
            (false, true) => Request::RangeGet,
            (false, false) => Request::Get,
        };
        self.counters.issued(request, 1);
        if request == Request::RangeGet {
            // At this level every range asked is one request.
            self.counters.issued(Request::RangeFetch, 1);
        }
        let result = self.inner.get_opts(location, options).await?;
        if !head {
            self.counters.read_u64(range_len(&result.range));
        }
        Ok(result)
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let count = u64::try_from(ranges.len()).unwrap_or(u64::MAX);
        self.counters.issued(Request::RangeGet, count);
        self.counters.issued(Request::RangeFetch, count);
        let parts = self.inner.get_ranges(location, ranges).await?;
        for part in &parts {
            self.counters.read(part.len());
        }
        Ok(parts)
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        let counters = Arc::clone(&self.counters);
        let locations = locations
            .inspect(move |location| {
                if location.is_ok() {
                    counters.issued(Request::Delete, 1);
                }
            })
            .boxed();
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.counters.issued(Request::List, 1);
        self.inner.list(prefix)
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        self.counters.issued(Request::List, 1);
        self.inner.list_with_offset(prefix, offset)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.counters.issued(Request::List, 1);
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.inner.copy_opts(from, to, options).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        self.inner.rename_opts(from, to, options).await
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
mod tests {
    use object_store::ObjectStoreExt;
    use object_store::memory::InMemory;

    use super::*;
    use crate::Store;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn counts_are_exact_per_kind_and_in_bytes() {
        let counting = CountingStore::new(InMemory::new());
        let counters = counting.counters();
        let store = Store::from_object_store(Arc::new(counting), "", "counting").expect("store");

        store
            .put("d/a", Bytes::from_static(b"0123456789"))
            .await
            .expect("put");
        store
            .put_if_absent("d/b", Bytes::from_static(b"xy"))
            .await
            .expect("create");
        store.get("d/a").await.expect("get");
        store.get_range("d/a", 2..5).await.expect("range");
        store
            .get_ranges("d/a", &[0..1, 8..10])
            .await
            .expect("ranges");
        store.head("d/a").await.expect("head");
        store.list("d").await.expect("list");
        store.delete("d/b").await.expect("delete");

        let stats = counters.snapshot();
        assert_eq!(stats.puts, 2);
        assert_eq!(stats.gets, 1);
        // get_ranges on a wrapped store bridges the small gap: one fetch of 0..10.
        assert_eq!(stats.range_gets, 2);
        assert_eq!(stats.heads, 1);
        assert_eq!(stats.lists, 1);
        assert_eq!(stats.deletes, 1);
        assert_eq!(stats.bytes_written, 12);
        assert_eq!(stats.bytes_read, 10 + 3 + 10);

        counters.reset();
        assert_eq!(counters.snapshot(), Stats::default());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn get_ranges_counts_one_request_per_range() {
        let counting = CountingStore::new(InMemory::new());
        let path = Path::from("k");
        counting
            .put(&path, PutPayload::from_static(b"0123456789"))
            .await
            .expect("put");
        let parts = counting
            .get_ranges(&path, &[0..2, 4..5, 7..10])
            .await
            .expect("ranges");
        assert_eq!(parts.concat(), b"014789");
        let stats = counting.stats();
        assert_eq!((stats.range_gets, stats.bytes_read), (3, 6));
        assert_eq!(
            counting.to_string(),
            format!("CountingStore({})", InMemory::new())
        );
    }
}
