//! End-to-end criterion bench: write, full read, 1% date-range read and one-column read of
//! synthetic quotes through the whole stack on an in-memory library (no disk noise), with
//! `Throughput::Elements` in rows; and the version layer's append path: one 100k-row append
//! (memory, a local directory, and memory behind `LatencyStore` emulating S3: 20 ms to first
//! byte, 90 MB/s per connection), a 10k-row append behind the same latency (most merge with the
//! tail segment), and a full read of a symbol built from 1,000 small appends against the same
//! rows written once.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use floe::{Library, ReadOptions};
use floe_datasets::Spec;
use floe_io::object_store::ObjectStore;
use floe_io::object_store::memory::InMemory;
use floe_io::{Latency, LatencyStore, Store};
use std::hint::black_box;
use std::sync::Arc;

/// The allocator the `floe` binary uses (see its main.rs), so these figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn rows() -> usize {
    std::env::var("FLOE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn e2e(c: &mut Criterion) {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => panic!("cannot start a runtime: {e}"),
    };
    let n = rows();
    let quotes = floe_datasets::quotes(&Spec::new(n));
    let lib = match runtime.block_on(Library::open("memory://")) {
        Ok(lib) => lib,
        Err(e) => panic!("{e}"),
    };
    let write = |symbol: &str| {
        if let Err(e) = runtime.block_on(lib.write(symbol, &quotes)) {
            panic!("write: {e}")
        }
    };
    write("Q");
    let ts = floe_datasets_ts(&quotes);
    let (lo, hi) = (ts[n / 2], ts[n / 2 + n / 100 - 1]);

    let mut group = c.benchmark_group("e2e");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("write", |b| b.iter(|| write("W")));
    let read = |options: ReadOptions| match runtime.block_on(lib.read("Q", &options)) {
        Ok(frame) => black_box(frame.num_rows()),
        Err(e) => panic!("read: {e}"),
    };
    group.bench_function("read_all", |b| b.iter(|| read(ReadOptions::new())));
    group.bench_function("read_column", |b| {
        b.iter(|| read(ReadOptions::new().columns(["bid"])))
    });
    group.throughput(Throughput::Elements((n / 100) as u64));
    group.bench_function("read_range_1pct", |b| {
        b.iter(|| read(ReadOptions::new().date_range(lo..=hi)))
    });
    group.finish();
}

fn floe_datasets_ts(batch: &arrow_array::RecordBatch) -> &[i64] {
    use arrow_array::cast::AsArray;
    batch
        .column(0)
        .as_primitive::<arrow_array::types::TimestampNanosecondType>()
        .values()
}

/// Appends of 100k rows onto a growing symbol, and reads of a symbol built by 1,000 appends.
fn appends(c: &mut Criterion) {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => panic!("cannot start a runtime: {e}"),
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let local = dir.path().to_string_lossy().to_string();
    let per_append = 100_000.min(rows());
    let start = Spec::default().start_ns;
    let mut group = c.benchmark_group("append");
    group.sample_size(10);
    let s3_like = || -> floe::Result<Library> {
        let slow = LatencyStore::new(InMemory::new(), Latency::S3);
        let store =
            Store::from_object_store(Arc::new(slow) as Arc<dyn ObjectStore>, "", "s3-like")?
                .with_max_in_flight(floe_io::CLOUD_MAX_IN_FLIGHT);
        runtime.block_on(Library::with_store(store))
    };
    // 10k rows: small enough that most appends merge with the tail segment (and read it).
    for (name, location, per_append) in [
        ("append_100k_memory", Some("memory://"), per_append),
        ("append_100k_local", Some(local.as_str()), per_append),
        ("append_100k_s3", None, per_append),
        ("append_10k_s3", None, per_append / 10),
    ] {
        group.throughput(Throughput::Elements(per_append as u64));
        let lib = match location.map_or_else(s3_like, |l| runtime.block_on(Library::open(l))) {
            Ok(lib) => lib,
            Err(e) => panic!("{e}"),
        };
        let mut next = 0i64;
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut spent = std::time::Duration::ZERO;
                for _ in 0..iters {
                    // A day apart, so every batch lands after the last.
                    let spec = Spec::new(per_append).start_ns(start + next * 86_400_000_000_000);
                    next += 1;
                    let batch = floe_datasets::quotes(&spec);
                    let t0 = std::time::Instant::now();
                    if let Err(e) = runtime.block_on(lib.append("A", &batch)) {
                        panic!("append: {e}")
                    }
                    spent += t0.elapsed();
                }
                spent
            })
        });
    }

    // 1,000 appends of n/1,000 rows against one write of the same rows.
    let n = rows().min(1_000_000);
    let quotes = floe_datasets::quotes(&Spec::new(n));
    let lib = match runtime.block_on(Library::open("memory://")) {
        Ok(lib) => lib,
        Err(e) => panic!("{e}"),
    };
    let step = n / 1_000;
    for i in 0..1_000 {
        if let Err(e) = runtime.block_on(lib.append("APPENDED", &quotes.slice(i * step, step))) {
            panic!("append: {e}")
        }
    }
    if let Err(e) = runtime.block_on(lib.write("ONCE", &quotes.slice(0, step * 1_000))) {
        panic!("write: {e}")
    }
    group.throughput(Throughput::Elements((step * 1_000) as u64));
    for symbol in ["APPENDED", "ONCE"] {
        group.bench_function(format!("read_{}", symbol.to_lowercase()), |b| {
            b.iter(
                || match runtime.block_on(lib.read(symbol, &ReadOptions::new())) {
                    Ok(frame) => black_box(frame.num_rows()),
                    Err(e) => panic!("read: {e}"),
                },
            )
        });
    }
    group.finish();
}

criterion_group!(benches, e2e, appends);
criterion_main!(benches);
