//! I/O criterion bench: how floe's reads use a store, in three parts.
//!
//! - `s3/*`: a quote symbol (`FLOE_BENCH_ROWS`, default 10M rows) in memory behind `LatencyStore`
//!   emulating S3 (20 ms to first byte, 90 MB/s per connection). floe reads 1%, 10% and 100% of
//!   the rows (date ranges) and one of five columns, against a naive reader that GETs every
//!   segment the read touches whole, 10 in flight (the way ArcticDB reads), without decoding.
//!   Before measuring it prints the requests of each read, counted by `CountingStore` under the
//!   latency. `Throughput::Elements` in rows.
//! - `local/*`: whole segment-sized files of a local directory read through `Store::get_ranges`
//!   with each [`LocalRead`] method, warm (page cache) and cold (`posix_fadvise(DONTNEED)` before
//!   every iteration). `Throughput::Bytes`.
//! - `moto/*`: only when `FLOE_TEST_S3_URL` is set (`source .ci/services.sh start`): the same
//!   symbol (`FLOE_BENCH_MOTO_ROWS`, default 2M rows) written to and read from moto_server on
//!   loopback: full read and 1% date-range read. `Throughput::Elements` in rows.

use std::hint::black_box;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arrow_array::RecordBatch;
use bytes::Bytes;
use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use floe::{Library, ReadOptions};
use floe_datasets::Spec;
use floe_io::object_store::ObjectStore;
use floe_io::object_store::memory::InMemory;
use floe_io::{CountingStore, Latency, LatencyStore, LocalRead, Store};
use futures::{StreamExt, TryStreamExt};

/// The allocator the `floe` binary uses (see its main.rs), so these figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const NAIVE_IN_FLIGHT: usize = 10;
const SYMBOL: &str = "Q";

fn env_rows(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    panic!("{what}: {e}")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail("cannot start a runtime", e))
}

fn timestamps(batch: &RecordBatch) -> &[i64] {
    use arrow_array::cast::AsArray;
    batch
        .column(0)
        .as_primitive::<arrow_array::types::TimestampNanosecondType>()
        .values()
}

/// Inclusive date range covering `fraction` of the rows, from the middle of the symbol.
fn date_range(ts: &[i64], fraction: f64) -> (i64, i64) {
    let n = ts.len();
    let len = ((n as f64 * fraction) as usize).clamp(1, n);
    let start = (n - len) / 2;
    (ts[start], ts[start + len - 1])
}

/// Rows read by floe, or the byte count of the naive reader's segments.
async fn read(lib: &Library, options: &ReadOptions) -> usize {
    match lib.read(SYMBOL, options).await {
        Ok(frame) => frame.num_rows(),
        Err(e) => fail("read", e),
    }
}

/// The naive reader: whole GETs of `segments` keys, `NAIVE_IN_FLIGHT` at once.
async fn naive(store: &Store, segments: &[String]) -> usize {
    let gets = segments.iter().map(|key| store.get(key));
    let got: Vec<Bytes> = futures::stream::iter(gets)
        .buffered(NAIVE_IN_FLIGHT)
        .try_collect()
        .await
        .unwrap_or_else(|e| fail("naive read", e));
    got.iter().map(Bytes::len).sum()
}

fn s3(c: &mut Criterion) {
    let rt = runtime();
    let n = env_rows("FLOE_BENCH_ROWS", 10_000_000);
    let quotes = floe_datasets::quotes(&Spec::new(n));
    let memory = Arc::new(InMemory::new());
    let plain = Store::from_object_store(Arc::clone(&memory) as Arc<dyn ObjectStore>, "", "mem")
        .unwrap_or_else(|e| fail("store", e));
    rt.block_on(async {
        let lib = Library::with_store(plain.clone()).await?;
        lib.write(SYMBOL, &quotes).await
    })
    .unwrap_or_else(|e| fail("write", e));
    let segments: Vec<String> = rt
        .block_on(plain.list(""))
        .unwrap_or_else(|e| fail("list", e))
        .into_iter()
        .map(|o| o.key)
        .filter(|k| k.ends_with(".seg"))
        .collect();
    let rows_per_segment = n.div_ceil(segments.len().max(1));

    let counting = CountingStore::new(Arc::clone(&memory));
    let counters = counting.counters();
    let slow = LatencyStore::new(counting, Latency::S3);
    let store = Store::from_object_store(Arc::new(slow), "", "s3-like")
        .unwrap_or_else(|e| fail("store", e))
        .with_max_in_flight(floe_io::CLOUD_MAX_IN_FLIGHT);
    let lib = rt
        .block_on(Library::with_store(store.clone()))
        .unwrap_or_else(|e| fail("open", e));
    let ts = timestamps(&quotes);

    let mut cases: Vec<(String, ReadOptions, usize, usize)> = Vec::new();
    for (name, fraction) in [("1pct", 0.01), ("10pct", 0.10), ("100pct", 1.0)] {
        let (lo, hi) = date_range(ts, fraction);
        let rows = ts.partition_point(|&t| t <= hi) - ts.partition_point(|&t| t < lo);
        let first = ts.partition_point(|&t| t < lo);
        let touched = (first + rows - 1) / rows_per_segment - first / rows_per_segment + 1;
        cases.push((
            name.to_owned(),
            ReadOptions::new().date_range(lo..=hi),
            rows,
            touched.min(segments.len()),
        ));
    }
    cases.push((
        "one_column".to_owned(),
        ReadOptions::new().columns(["bid"]),
        n,
        segments.len(),
    ));

    for (name, options, rows, touched) in &cases {
        counters.reset();
        store.reset_stats();
        let got = rt.block_on(read(&lib, options));
        assert_eq!(got, *rows, "{name}: wrong row count");
        let (under, asked) = (counters.snapshot(), store.stats());
        println!(
            "io/s3/{name}: floe {} requests ({} LIST, {} GET, {} ranged) for {} ranges asked, {:.1} MB; \
             naive {touched} GETs of whole segments ({} segments of {rows_per_segment} rows)",
            under.requests(),
            under.lists,
            under.gets,
            under.range_fetches,
            asked.range_gets,
            under.bytes_read as f64 / 1e6,
            segments.len(),
        );
    }

    let mut group = c.benchmark_group("io/s3");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    for (name, options, rows, touched) in &cases {
        group.throughput(Throughput::Elements(*rows as u64));
        group.bench_function(format!("floe_{name}"), |b| {
            b.iter(|| black_box(rt.block_on(read(&lib, options))))
        });
        let keys = &segments[..*touched];
        group.bench_function(format!("naive_{name}"), |b| {
            b.iter(|| black_box(rt.block_on(naive(&store, keys))))
        });
    }
    group.finish();
}

/// Segment-like files: `count` files of about 2 MB, each read as five adjacent column chunks.
struct LocalFiles {
    dir: tempfile::TempDir,
    keys: Vec<String>,
    chunks: Vec<Range<u64>>,
    bytes: u64,
}

fn local_files(count: usize) -> LocalFiles {
    let dir = tempfile::tempdir().unwrap_or_else(|e| fail("tempdir", e));
    let size: u64 = 2_000_000;
    let mut state: u32 = 1;
    let data: Vec<u8> = (0..size)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect();
    let mut keys = Vec::with_capacity(count);
    for i in 0..count {
        let key = format!("seg{i:03}");
        std::fs::write(dir.path().join(&key), &data).unwrap_or_else(|e| fail("write", e));
        keys.push(key);
    }
    let chunks = (0..5).map(|i| i * size / 5..(i + 1) * size / 5).collect();
    LocalFiles {
        dir,
        keys,
        chunks,
        bytes: size * count as u64,
    }
}

/// Reads every file's chunks, 16 files at once as floe's reader does, and touches every byte
/// (as a decoder would: with a memory map, that is where the I/O happens).
async fn local_read(store: &Store, files: &LocalFiles) -> u64 {
    let reads = files.keys.iter().map(|key| async move {
        let chunks = store.get_ranges(key, &files.chunks).await?;
        Ok::<u64, floe_io::Error>(
            chunks
                .iter()
                .map(|c| c.iter().fold(0u64, |a, &b| a.wrapping_add(u64::from(b))))
                .fold(0u64, u64::wrapping_add),
        )
    });
    let sums: Vec<u64> = futures::stream::iter(reads)
        .buffered(16)
        .try_collect()
        .await
        .unwrap_or_else(|e| fail("local read", e));
    sums.into_iter().fold(0, u64::wrapping_add)
}

fn evict(paths: &[PathBuf]) {
    for path in paths {
        // Best effort: where the kernel refuses, "cold" is as warm as it gets (reported below).
        let _ = floe_io::evict_from_page_cache(path);
    }
}

fn local(c: &mut Criterion) {
    let rt = runtime();
    let files = local_files(env_rows("FLOE_BENCH_LOCAL_FILES", 40));
    let paths: Vec<PathBuf> = files
        .keys
        .iter()
        .map(|k| files.dir.path().join(k))
        .collect();
    let dir = files
        .dir
        .path()
        .to_str()
        .unwrap_or_else(|| fail("tempdir", "not UTF-8"));
    println!(
        "io/local: io_uring {} in this process",
        if floe_io::io_uring_available() {
            "available"
        } else {
            "unavailable (reads fall back to pread)"
        }
    );
    let mut group = c.benchmark_group("io/local");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Bytes(files.bytes));
    let mut expected = None;
    for (name, method) in [
        ("pread", LocalRead::Pread),
        ("io_uring", LocalRead::IoUring),
        ("mmap", LocalRead::Mmap),
        ("object_store", LocalRead::ObjectStore),
    ] {
        let store = Store::open(dir)
            .unwrap_or_else(|e| fail("open", e))
            .with_local_read(method);
        let sum = rt.block_on(local_read(&store, &files));
        assert_eq!(*expected.get_or_insert(sum), sum, "{name} read other bytes");
        group.bench_function(format!("{name}_warm"), |b| {
            b.iter(|| black_box(rt.block_on(local_read(&store, &files))))
        });
        group.bench_function(format!("{name}_cold"), |b| {
            b.iter_batched(
                || evict(&paths),
                |()| black_box(rt.block_on(local_read(&store, &files))),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn moto(c: &mut Criterion) {
    let Ok(url) = std::env::var("FLOE_TEST_S3_URL") else {
        println!("io/moto: SKIPPED: FLOE_TEST_S3_URL is not set (source .ci/services.sh start)");
        return;
    };
    let rt = runtime();
    let n =
        env_rows("FLOE_BENCH_MOTO_ROWS", 2_000_000).min(env_rows("FLOE_BENCH_ROWS", usize::MAX));
    let quotes = floe_datasets::quotes(&Spec::new(n));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let location = format!("{}/bench-{nanos}", url.trim_end_matches('/'));
    let lib = rt
        .block_on(Library::open(&location))
        .unwrap_or_else(|e| fail("open moto", e));
    let started = std::time::Instant::now();
    rt.block_on(lib.write(SYMBOL, &quotes))
        .unwrap_or_else(|e| fail("write to moto", e));
    println!(
        "io/moto: wrote {n} rows in {:.2} s ({:.2} Mrows/s)",
        started.elapsed().as_secs_f64(),
        n as f64 / started.elapsed().as_secs_f64() / 1e6
    );
    let ts = timestamps(&quotes);
    let (lo, hi) = date_range(ts, 0.01);
    let range_rows = ts.partition_point(|&t| t <= hi) - ts.partition_point(|&t| t < lo);

    let mut group = c.benchmark_group("io/moto");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(n as u64));
    let all = ReadOptions::new();
    group.bench_function("read_all", |b| {
        b.iter(|| black_box(rt.block_on(read(&lib, &all))))
    });
    group.throughput(Throughput::Elements(range_rows as u64));
    let range = ReadOptions::new().date_range(lo..=hi);
    group.bench_function("read_1pct", |b| {
        b.iter(|| black_box(rt.block_on(read(&lib, &range))))
    });
    group.finish();
}

criterion_group!(benches, s3, local, moto);
criterion_main!(benches);
