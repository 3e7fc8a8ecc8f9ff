//! Request and byte counters shared by a [`Store`](crate::Store) and all its clones, or by a
//! [`CountingStore`](crate::CountingStore) and whoever holds its [`Counters`].
//!
//! This file only counts; it must not decide what counts as a request (the store does that, at the
//! point where it issues one) and must not block: counters are relaxed atomics, so a snapshot taken
//! while requests are in flight may mix before and after.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of the requests and bytes that went through a store.
///
/// Requests are counted when issued, whether or not they succeed; bytes when a request succeeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Whole-object GETs.
    pub gets: u64,
    /// Ranges asked: one per non-empty range given to `get_range`, `get_ranges` or
    /// `get_planned`, whatever the merging.
    pub range_gets: u64,
    /// Ranged requests actually issued to the backend for those ranges, after the read planner
    /// merged nearby ranges and split huge ones (on a local directory: one per positioned read).
    pub range_fetches: u64,
    /// HEADs.
    pub heads: u64,
    /// PUTs, plain and put-if-absent; a multipart upload counts one here.
    pub puts: u64,
    /// Parts uploaded by multipart uploads (each one request), besides the upload's own
    /// create and complete requests.
    pub multipart_parts: u64,
    /// LIST calls (one per call through `object_store`, which may page internally).
    pub lists: u64,
    /// DELETEs.
    pub deletes: u64,
    /// Payload bytes fetched by successful reads (with any gap bridged between nearby ranges).
    pub bytes_read: u64,
    /// Payload bytes accepted by successful writes.
    pub bytes_written: u64,
}

impl Stats {
    /// All requests of every kind that reached the backend: ranged reads count the fetches
    /// issued ([`range_fetches`](Self::range_fetches)), not the ranges asked.
    pub fn requests(&self) -> u64 {
        self.gets
            + self.range_fetches
            + self.heads
            + self.puts
            + self.multipart_parts
            + self.lists
            + self.deletes
    }

    /// Requests that touch metadata only: LISTs and HEADs.
    pub fn metadata_requests(&self) -> u64 {
        self.lists + self.heads
    }
}

/// Kinds of request, one per counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Request {
    Get,
    RangeGet,
    RangeFetch,
    Head,
    Put,
    MultipartPart,
    List,
    Delete,
}

/// The live counters behind [`Stats`]; a [`CountingStore`](crate::CountingStore) shares them
/// through an `Arc`.
#[derive(Debug, Default)]
pub struct Counters {
    gets: AtomicU64,
    range_gets: AtomicU64,
    range_fetches: AtomicU64,
    heads: AtomicU64,
    puts: AtomicU64,
    multipart_parts: AtomicU64,
    lists: AtomicU64,
    deletes: AtomicU64,
    bytes_read: AtomicU64,
    bytes_written: AtomicU64,
}

impl Counters {
    pub(crate) fn issued(&self, request: Request, count: u64) {
        let counter = match request {
            Request::Get => &self.gets,
            Request::RangeGet => &self.range_gets,
            Request::RangeFetch => &self.range_fetches,
            Request::Head => &self.heads,
            Request::Put => &self.puts,
            Request::MultipartPart => &self.multipart_parts,
            Request::List => &self.lists,
            Request::Delete => &self.deletes,
        };
        counter.fetch_add(count, Ordering::Relaxed);
    }

    pub(crate) fn read(&self, bytes: usize) {
        self.read_u64(as_u64(bytes));
    }

    pub(crate) fn read_u64(&self, bytes: u64) {
        self.bytes_read.fetch_add(bytes, Ordering::Relaxed);
    }

    pub(crate) fn written(&self, bytes: usize) {
        self.bytes_written
            .fetch_add(as_u64(bytes), Ordering::Relaxed);
    }

    /// A snapshot of every counter.
    pub fn snapshot(&self) -> Stats {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            gets: load(&self.gets),
            range_gets: load(&self.range_gets),
            range_fetches: load(&self.range_fetches),
            heads: load(&self.heads),
            puts: load(&self.puts),
            multipart_parts: load(&self.multipart_parts),
            lists: load(&self.lists),
            deletes: load(&self.deletes),
            bytes_read: load(&self.bytes_read),
            bytes_written: load(&self.bytes_written),
        }
    }

    /// Sets every counter back to zero.
    pub fn reset(&self) {
        for c in [
            &self.gets,
            &self.range_gets,
            &self.range_fetches,
            &self.heads,
            &self.puts,
            &self.multipart_parts,
            &self.lists,
            &self.deletes,
            &self.bytes_read,
            &self.bytes_written,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
mod tests {
    use super::*;

    #[test]
    fn each_request_kind_has_its_own_counter_and_sums_add_up() {
        let c = Counters::default();
        c.issued(Request::Get, 1);
        c.issued(Request::RangeGet, 3);
        c.issued(Request::RangeFetch, 2);
        c.issued(Request::Head, 2);
        c.issued(Request::Put, 4);
        c.issued(Request::MultipartPart, 8);
        c.issued(Request::List, 5);
        c.issued(Request::Delete, 6);
        c.read(100);
        c.written(7);
        let s = c.snapshot();
        assert_eq!(
            s,
            Stats {
                gets: 1,
                range_gets: 3,
                range_fetches: 2,
                heads: 2,
                puts: 4,
                multipart_parts: 8,
                lists: 5,
                deletes: 6,
                bytes_read: 100,
                bytes_written: 7,
            }
        );
        assert_eq!(s.requests(), 1 + 2 + 2 + 4 + 8 + 5 + 6);
        assert_eq!(s.metadata_requests(), 7);

        c.reset();
        assert_eq!(c.snapshot(), Stats::default());
        assert_eq!(c.snapshot().requests(), 0);
    }
}
