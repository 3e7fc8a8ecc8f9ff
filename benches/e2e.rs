//! End-to-end criterion bench: write, full read, 1% date-range read and one-column read of
//! synthetic quotes through the whole stack on an in-memory library (no disk noise), with
//! `Throughput::Elements` in rows.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use floe::{Library, ReadOptions};
use floe_datasets::Spec;
use std::hint::black_box;

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

criterion_group!(benches, e2e);
criterion_main!(benches);
