//! Segment criterion bench: encode and decode throughput of whole segments held in memory.
//!
//! Groups: `quotes` (synthetic quote symbol, encode and decode into RecordBatches with 1 and 2
//! rayon threads, `Throughput::Elements` in rows), `quotes_bytes` (the same decode in Arrow bytes
//! produced), `rows_per_segment` (encode and decode over a sweep of segment sizes), `window` (a
//! 1024-row window of one segment against the whole segment), `lobster` (the real LOBSTER order
//! book, 41 columns, reading 1, 4 and all columns; skipped with a message when
//! `../shared/datasets` lacks it) and `wide1000` (a synthetic 1,000-column frame, reading 1, 4 and
//! all columns, and the directory parse on its own). `FLOE_BENCH_ROWS` sets the quote row count
//! (default 10M). Before the timed groups it prints stored sizes to stderr.

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use floe_codec::Encoding;
use floe_segment::{
    EncodeOptions, Encoded, SegmentRead, decode_many, decode_window, encode_many, read_directory,
};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

/// The allocator the `floe` binary uses (see its main.rs), so these figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// floe's default rows per segment.
const SEGMENT_ROWS: usize = 131_072;

fn rows() -> usize {
    std::env::var("FLOE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

fn pool(threads: usize) -> rayon::ThreadPool {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(p) => p,
        Err(e) => panic!("cannot build a {threads}-thread pool: {e}"),
    }
}

fn auto() -> EncodeOptions {
    EncodeOptions {
        encoding: Encoding::Auto,
    }
}

fn encode_all(
    batch: &RecordBatch,
    rows_per_segment: usize,
    options: &EncodeOptions,
) -> Vec<Encoded> {
    match encode_many(batch, rows_per_segment, options) {
        Ok(s) => s,
        Err(e) => panic!("encode: {e}"),
    }
}

/// Decodes `columns` (all when `None`) of every segment; returns the rows decoded.
fn decode_all(segments: &[Encoded], columns: Option<&[usize]>) -> usize {
    let reads: Vec<SegmentRead<'_>> = segments
        .iter()
        .map(|s| SegmentRead {
            columns,
            ..SegmentRead::whole("bench", &s.bytes)
        })
        .collect();
    match decode_many(&reads) {
        Ok(batches) => batches.iter().map(RecordBatch::num_rows).sum(),
        Err(e) => panic!("decode: {e}"),
    }
}

fn stored(segments: &[Encoded]) -> usize {
    segments.iter().map(|s| s.bytes.len()).sum()
}

/// Bytes of the Arrow buffers a decode produces (values and validity).
fn arrow_bytes(batch: &RecordBatch) -> usize {
    batch
        .columns()
        .iter()
        .map(|a| a.to_data().buffers().iter().map(|b| b.len()).sum::<usize>())
        .sum()
}

fn quiet(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
}

fn quotes(c: &mut Criterion) {
    let n = rows();
    let batch = floe_datasets::quotes(&floe_datasets::Spec::new(n));
    let raw = arrow_bytes(&batch);
    let options = auto();
    let segments = encode_all(&batch, SEGMENT_ROWS, &options);
    let plain = encode_all(
        &batch,
        SEGMENT_ROWS,
        &EncodeOptions {
            encoding: Encoding::Plain,
        },
    );
    eprintln!(
        "quotes: {n} rows, {} columns, {raw} Arrow bytes; auto {} bytes ({:.2} B/row) in {} segments; plain {} bytes",
        batch.num_columns(),
        stored(&segments),
        stored(&segments) as f64 / n.max(1) as f64,
        segments.len(),
        stored(&plain)
    );

    let mut group = c.benchmark_group("quotes");
    quiet(&mut group);
    group.throughput(Throughput::Elements(n as u64));
    for threads in [1, 2] {
        let pool = pool(threads);
        group.bench_function(BenchmarkId::new("encode", threads), |b| {
            b.iter(|| pool.install(|| black_box(encode_all(&batch, SEGMENT_ROWS, &options).len())))
        });
        group.bench_function(BenchmarkId::new("decode", threads), |b| {
            b.iter(|| pool.install(|| black_box(decode_all(&segments, None))))
        });
        group.bench_function(BenchmarkId::new("decode_plain", threads), |b| {
            b.iter(|| pool.install(|| black_box(decode_all(&plain, None))))
        });
        group.bench_function(BenchmarkId::new("decode_1_column", threads), |b| {
            b.iter(|| pool.install(|| black_box(decode_all(&segments, Some(&[1][..])))))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("quotes_bytes");
    quiet(&mut group);
    group.throughput(Throughput::Bytes(raw as u64));
    for threads in [1, 2] {
        let pool = pool(threads);
        group.bench_function(BenchmarkId::new("decode", threads), |b| {
            b.iter(|| pool.install(|| black_box(decode_all(&segments, None))))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("rows_per_segment");
    quiet(&mut group);
    group.throughput(Throughput::Elements(n as u64));
    for rps in [16_384, 65_536, 131_072, 262_144, 1_048_576] {
        let segments = encode_all(&batch, rps, &options);
        eprintln!(
            "rows_per_segment {rps}: {} segments, {:.3} B/row",
            segments.len(),
            stored(&segments) as f64 / n.max(1) as f64
        );
        group.bench_function(BenchmarkId::new("encode", rps), |b| {
            b.iter(|| black_box(encode_all(&batch, rps, &options).len()))
        });
        group.bench_function(BenchmarkId::new("decode", rps), |b| {
            b.iter(|| black_box(decode_all(&segments, None)))
        });
    }
    group.finish();

    // One full-size segment: the whole of it, against a 1024-row window in its middle.
    let one = batch.slice(0, SEGMENT_ROWS.min(n));
    let seg = encode_all(&one, SEGMENT_ROWS, &options);
    if let Some(seg) = seg.first() {
        let dir = &seg.directory;
        let all: Vec<usize> = (0..dir.columns.len()).collect();
        let chunks: Vec<&[u8]> = dir
            .ranges_for(&all)
            .iter()
            .map(|r| &seg.bytes[r.offset as usize..][..r.len as usize])
            .collect();
        let rows = one.num_rows();
        let mid = rows / 2;
        let window = mid.saturating_sub(512)..(mid + 512).min(rows);
        let mut group = c.benchmark_group("window");
        quiet(&mut group);
        for (name, w) in [("whole", 0..rows), ("rows_1024", window)] {
            group.bench_function(name, |b| {
                b.iter(
                    || match decode_window(dir, &all, &chunks, w.clone(), "bench") {
                        Ok(batch) => black_box(batch.num_rows()),
                        Err(e) => panic!("decode: {e}"),
                    },
                )
            });
        }
        group.finish();
    }
}

/// Reads 1, 4 and all columns of `segments`, throughput in rows.
fn projections(c: &mut Criterion, title: &str, segments: &[Encoded], rows: usize) {
    let Some(first) = segments.first() else {
        return;
    };
    let width = first.directory.columns.len();
    let mut group = c.benchmark_group(title);
    quiet(&mut group);
    group.throughput(Throughput::Elements(rows as u64));
    let four: Vec<usize> = (0..width).step_by((width / 4).max(1)).take(4).collect();
    let all: Vec<usize> = (0..width).collect();
    for (name, cols) in [
        ("1_column", vec![width / 2]),
        ("4_columns", four),
        ("all_columns", all),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(decode_all(segments, Some(cols.as_slice()))))
        });
    }
    group.bench_function("directory_only", |b| {
        b.iter(|| {
            for s in segments {
                match read_directory(&s.bytes, "bench") {
                    Ok(d) => black_box(d.rows),
                    Err(e) => panic!("directory: {e}"),
                };
            }
        })
    });
    group.finish();
}

fn lobster(c: &mut Criterion) {
    let name = "LOBSTER_SampleFile_GOOG_2012-06-21_10.zip";
    let Some(path) = floe_datasets::shared_dataset(name) else {
        eprintln!("lobster: {name} not found in ../shared/datasets; skipping the LOBSTER group");
        return;
    };
    let book = match floe_datasets::load_lobster(&path) {
        Ok(l) => l.orderbook,
        Err(e) => {
            eprintln!("lobster: cannot load {}: {e}; skipping", path.display());
            return;
        }
    };
    let segments = encode_all(&book, SEGMENT_ROWS, &auto());
    eprintln!(
        "lobster order book: {} rows, {} columns, {} bytes in {} segments",
        book.num_rows(),
        book.num_columns(),
        stored(&segments),
        segments.len()
    );
    projections(c, "lobster", &segments, book.num_rows());
}

/// A synthetic frame of `width` columns: price-like f64 random walks and size-like i64.
fn wide_frame(width: usize, rows: usize) -> RecordBatch {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let columns: Vec<(String, ArrayRef)> = (0..width)
        .map(|i| {
            let array: ArrayRef = if i % 2 == 0 {
                let mut px = 10_000_i64 + (next() % 10_000) as i64;
                Arc::new(Float64Array::from_iter_values((0..rows).map(|_| {
                    px += (next() % 5) as i64 - 2;
                    px as f64 / 100.0
                })))
            } else {
                Arc::new(Int64Array::from_iter_values(
                    (0..rows).map(|_| 100 * (1 + (next() % 10) as i64)),
                ))
            };
            (format!("col_{i:04}"), array)
        })
        .collect();
    match RecordBatch::try_from_iter(columns) {
        Ok(b) => b,
        Err(e) => panic!("wide frame: {e}"),
    }
}

fn wide(c: &mut Criterion) {
    let rows = (rows() / 500).clamp(1024, 20_000);
    let batch = wide_frame(1000, rows);
    let segments = encode_all(&batch, SEGMENT_ROWS, &auto());
    let dir_bytes: usize = segments.iter().map(|s| s.directory.to_bytes().len()).sum();
    eprintln!(
        "wide1000: {rows} rows, 1000 columns, {} bytes in {} segments, directory {dir_bytes} bytes",
        stored(&segments),
        segments.len()
    );
    projections(c, "wide1000", &segments, rows);
}

fn segment(c: &mut Criterion) {
    quotes(c);
    lobster(c);
    wide(c);
}

criterion_group!(benches, segment);
criterion_main!(benches);
