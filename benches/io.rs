//! I/O criterion bench: reading one column of five from every segment of an object on an
//! S3-like store (in memory behind `LatencyStore`: 20 ms to first byte, 90 MB/s per connection),
//! planned (`Store::get_planned`: only that column's chunks, 32 fetches in flight) against a naive
//! reader (one GET per whole segment, 10 in flight), and planned with 10 in flight too.
//! `Throughput::Bytes` of the column read.
//!
//! The object is synthetic, laid out like floe segments (column chunks back to back, then a small
//! footer); its bytes are noise, since only the layout matters here. Before measuring, the bench
//! prints the requests and bytes each reader issues, counted by `CountingStore` under the latency.

use std::hint::black_box;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use floe_io::object_store::memory::InMemory;
use floe_io::object_store::path::Path;
use floe_io::object_store::{ObjectStoreExt, PutPayload};
use floe_io::{Counters, CountingStore, Latency, LatencyStore, ReadPlanner, Store};
use futures::{StreamExt, TryStreamExt};

const SEGMENTS: usize = 80;
const COLUMNS: usize = 5;
/// Mean column chunk: five make a segment of about 2 MB.
const CHUNK_BYTES: u64 = 400_000;
const FOOTER_BYTES: u64 = 4096;
const KEY: &str = "lib/sym/Q/data/0";
/// The column read.
const COLUMN: usize = 2;
const NAIVE_IN_FLIGHT: usize = 10;
const PLANNED_IN_FLIGHT: usize = 32;

/// Where each segment and each of its column chunks lies in the object.
struct Layout {
    segments: Vec<Range<u64>>,
    chunks: Vec<[Range<u64>; COLUMNS]>,
    size: u64,
}

/// Chunk sizes vary by up to ±25% around [`CHUNK_BYTES`], deterministically.
fn layout() -> Layout {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut offset = 0;
    let mut segments = Vec::with_capacity(SEGMENTS);
    let mut chunks = Vec::with_capacity(SEGMENTS);
    for _ in 0..SEGMENTS {
        let start = offset;
        let segment: [Range<u64>; COLUMNS] = std::array::from_fn(|_| {
            let len = CHUNK_BYTES * 3 / 4 + next() % (CHUNK_BYTES / 2);
            offset += len;
            offset - len..offset
        });
        offset += FOOTER_BYTES;
        segments.push(start..offset);
        chunks.push(segment);
    }
    Layout {
        segments,
        chunks,
        size: offset,
    }
}

fn object(size: u64) -> Bytes {
    let mut state: u32 = 1;
    (0..size)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect::<Vec<u8>>()
        .into()
}

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    panic!("{what}: {e}")
}

/// An S3-like store holding the object, and the counters of the requests that reach it.
fn s3_like(runtime: &tokio::runtime::Runtime, object: Bytes) -> (Store, Arc<Counters>) {
    let memory = InMemory::new();
    let path = Path::from(KEY);
    let put = memory.put(&path, PutPayload::from(object));
    runtime
        .block_on(put)
        .unwrap_or_else(|e| fail("seeding the object", e));
    let counting = CountingStore::new(memory);
    let counters = counting.counters();
    let slow = LatencyStore::new(counting, Latency::S3);
    let store = Store::from_object_store(Arc::new(slow), "", "s3-like")
        .unwrap_or_else(|e| fail("wrapping the store", e))
        .with_max_in_flight(64);
    (store, counters)
}

async fn planned(store: &Store, column: &[Range<u64>], planner: &ReadPlanner) -> usize {
    let chunks = store
        .get_planned(KEY, column, planner)
        .await
        .unwrap_or_else(|e| fail("planned read", e));
    chunks.iter().map(Bytes::len).sum()
}

async fn naive(store: &Store, layout: &Layout) -> usize {
    let reads = layout
        .segments
        .iter()
        .zip(&layout.chunks)
        .map(|(segment, chunks)| {
            let want = chunks[COLUMN].start - segment.start..chunks[COLUMN].end - segment.start;
            async move {
                let bytes = store.get_range(KEY, segment.clone()).await?;
                let (start, end) = (want.start as usize, want.end as usize);
                Ok::<_, floe_io::Error>(bytes.slice(start..end))
            }
        });
    let chunks: Vec<Bytes> = futures::stream::iter(reads)
        .buffered(NAIVE_IN_FLIGHT)
        .try_collect()
        .await
        .unwrap_or_else(|e| fail("naive read", e));
    chunks.iter().map(Bytes::len).sum()
}

fn io(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail("cannot start a runtime", e));
    let layout = layout();
    let (store, counters) = s3_like(&runtime, object(layout.size));
    let column: Vec<Range<u64>> = layout.chunks.iter().map(|c| c[COLUMN].clone()).collect();
    let column_bytes: u64 = column.iter().map(|r| r.end - r.start).sum();
    let planner = ReadPlanner::new().with_concurrency(PLANNED_IN_FLIGHT);

    let report = |name: &str, read: &dyn Fn() -> usize| {
        counters.reset();
        let got = read();
        assert_eq!(got as u64, column_bytes, "{name} read the wrong bytes");
        let stats = counters.snapshot();
        println!(
            "io/{name}: {} requests, {:.1} MB fetched for {:.1} MB wanted ({SEGMENTS} segments of {:.1} MB)",
            stats.requests(),
            stats.bytes_read as f64 / 1e6,
            column_bytes as f64 / 1e6,
            layout.size as f64 / SEGMENTS as f64 / 1e6,
        );
    };
    report("planned", &|| {
        runtime.block_on(planned(&store, &column, &planner))
    });
    report("naive", &|| runtime.block_on(naive(&store, &layout)));

    let mut group = c.benchmark_group("io");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        // Flat sampling, one iteration per sample for the slowest reader: 10 x ~0.4 s.
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(column_bytes));
    group.bench_function("one_column_planned", |b| {
        b.iter(|| black_box(runtime.block_on(planned(&store, &column, &planner))))
    });
    // The same plan with the naive reader's concurrency: how much is fewer bytes, how much is
    // more requests in flight.
    let planner_10 = planner.with_concurrency(NAIVE_IN_FLIGHT);
    group.bench_function("one_column_planned_10_in_flight", |b| {
        b.iter(|| black_box(runtime.block_on(planned(&store, &column, &planner_10))))
    });
    group.bench_function("one_column_naive", |b| {
        b.iter(|| black_box(runtime.block_on(naive(&store, &layout))))
    });
    group.finish();
}

criterion_group!(benches, io);
criterion_main!(benches);
