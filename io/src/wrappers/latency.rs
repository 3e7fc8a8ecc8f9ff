//! [`LatencyStore`]: an `object_store` wrapper that makes a fast store (memory, a local disk) answer
//! like a remote one, with a first-byte latency per request and a bandwidth per connection.
//!
//! This file only delays calls, with `tokio::time::sleep`; it must not change, count or fail them.
//! Delays are per request and do not add up across concurrent requests (there is no shared link to
//! saturate), as with one connection per request to S3.

use std::fmt;
use std::ops::Range;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::{self, BoxStream};
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};

/// How slow a [`LatencyStore`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    /// Added to every request before it reaches the inner store.
    pub first_byte: Duration,
    /// Bytes per second of one request's payload (gets and puts); 0 for no limit.
    pub bytes_per_second: u64,
}

impl Latency {
    /// Roughly S3 from a machine in the same region: 20 ms to first byte, 90 MB/s per connection.
    pub const S3: Latency = Latency {
        first_byte: Duration::from_millis(20),
        bytes_per_second: 90_000_000,
    };

    /// How long `bytes` take to transfer.
    pub fn transfer(&self, bytes: u64) -> Duration {
        if self.bytes_per_second == 0 {
            return Duration::ZERO;
        }
        let nanos = u128::from(bytes) * 1_000_000_000 / u128::from(self.bytes_per_second);
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

/// Wraps a store and delays every call: [`Latency::first_byte`] before it, and the payload's
/// transfer time at [`Latency::bytes_per_second`] for gets (after the answer, by the length of the
/// range returned) and puts (before the call). Listings wait once per call, deletes once per
/// location; multipart parts are not delayed.
#[derive(Debug)]
pub struct LatencyStore<T: ObjectStore> {
    inner: T,
    latency: Latency,
}

impl<T: ObjectStore> LatencyStore<T> {
    /// Wraps `inner` with `latency`.
    pub fn new(inner: T, latency: Latency) -> Self {
        Self { inner, latency }
    }

    /// The delays applied.
    pub fn latency(&self) -> Latency {
        self.latency
    }

    /// The wrapped store.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    fn delayed_list(
        &self,
        list: BoxStream<'static, Result<ObjectMeta>>,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        let first_byte = self.latency.first_byte;
        stream::once(async move {
            sleep(first_byte).await;
            list
        })
        .flatten()
        .boxed()
    }
}

async fn sleep(duration: Duration) {
    if !duration.is_zero() {
        tokio::time::sleep(duration).await;
    }
}

fn u64_from(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl<T: ObjectStore> fmt::Display for LatencyStore<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "LatencyStore({:?}, {} B/s, {})",
            self.latency.first_byte, self.latency.bytes_per_second, self.inner
        )
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl<T: ObjectStore> ObjectStore for LatencyStore<T> {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        let transfer = self.latency.transfer(u64_from(payload.content_length()));
        sleep(self.latency.first_byte + transfer).await;
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        sleep(self.latency.first_byte).await;
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        sleep(self.latency.first_byte).await;
        let head = options.head;
        let result = self.inner.get_opts(location, options).await?;
        if !head {
            let len = result.range.end.saturating_sub(result.range.start);
            sleep(self.latency.transfer(len)).await;
        }
        Ok(result)
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        sleep(self.latency.first_byte).await;
        let parts = self.inner.get_ranges(location, ranges).await?;
        let len = parts.iter().map(|p| u64_from(p.len())).sum();
        sleep(self.latency.transfer(len)).await;
        Ok(parts)
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        let first_byte = self.latency.first_byte;
        let locations = locations
            .then(move |location| async move {
                sleep(first_byte).await;
                location
            })
            .boxed();
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.delayed_list(self.inner.list(prefix))
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        self.delayed_list(self.inner.list_with_offset(prefix, offset))
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        sleep(self.latency.first_byte).await;
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        sleep(self.latency.first_byte).await;
        self.inner.copy_opts(from, to, options).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        sleep(self.latency.first_byte).await;
        self.inner.rename_opts(from, to, options).await
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
mod tests {
    use std::sync::Arc;
    use std::time::Instant;

    use object_store::memory::InMemory;

    use super::*;
    use crate::Store;

    #[test]
    fn transfer_time_is_bytes_over_bandwidth() {
        assert_eq!(Latency::S3.transfer(90_000_000), Duration::from_secs(1));
        assert_eq!(Latency::S3.transfer(0), Duration::ZERO);
        let unlimited = Latency {
            bytes_per_second: 0,
            ..Latency::S3
        };
        assert_eq!(unlimited.transfer(u64::MAX), Duration::ZERO);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_request_waits_at_least_the_first_byte_latency_and_gets_the_transfer_time() {
        let latency = Latency {
            first_byte: Duration::from_millis(20),
            bytes_per_second: 10_000_000, // 1 MB takes 100 ms
        };
        let slow = LatencyStore::new(InMemory::new(), latency);
        assert_eq!(slow.latency(), latency);
        let store = Store::from_object_store(Arc::new(slow), "", "slow").expect("store");

        let started = Instant::now();
        store
            .put("k", Bytes::from(vec![7u8; 1_000_000]))
            .await
            .expect("put");
        assert!(
            started.elapsed() >= Duration::from_millis(120),
            "{:?}",
            started.elapsed()
        );

        for _ in 0..2 {
            let started = Instant::now();
            store.head("k").await.expect("head");
            assert!(
                started.elapsed() >= latency.first_byte,
                "{:?}",
                started.elapsed()
            );
        }
        let started = Instant::now();
        assert_eq!(
            store.get_range("k", 0..500_000).await.expect("range").len(),
            500_000
        );
        assert!(
            started.elapsed() >= Duration::from_millis(70),
            "{:?}",
            started.elapsed()
        );

        let started = Instant::now();
        store.list("").await.expect("list");
        store.delete("k").await.expect("delete");
        assert!(
            started.elapsed() >= latency.first_byte * 2,
            "{:?}",
            started.elapsed()
        );
    }
}
