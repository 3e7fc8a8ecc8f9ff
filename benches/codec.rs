//! Codec criterion bench: stored size, encode and decode throughput of floe's cascade and of each
//! lightweight encoding on synthetic quotes and trades, side by side with lz4, zstd -1/-3, pco,
//! the fastlanes crate's bit-packing, and memcpy as the ceiling.
//!
//! Columns are cut into 131072-row slices and encoded one chunk per slice, as floe writes
//! segments. Before the timed groups it prints a size table (bytes per row for each column and
//! codec) to stderr. `FLOE_BENCH_ROWS` sets the row count (default 10M). Real data (LOBSTER,
//! Binance) is measured through `real_data_columns` when `../shared/datasets` is present.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use floe_codec::bitpack::{BLOCK, Packable};
use floe_codec::{Encoding, PhysicalType, Values, decode, describe_tree, encode};
use std::hint::black_box;
use std::time::Duration;

/// The allocator the `floe` binary uses (see its main.rs), so these figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rows per segment slice, as floe writes them.
const SEGMENT_ROWS: usize = 131_072;

fn rows() -> usize {
    std::env::var("FLOE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

/// One column's values.
enum Data {
    I64(Vec<i64>),
    F64(Vec<f64>),
    Str { offsets: Vec<i32>, data: Vec<u8> },
}

struct Column {
    name: String,
    data: Data,
}

impl Column {
    fn len(&self) -> usize {
        match &self.data {
            Data::I64(v) => v.len(),
            Data::F64(v) => v.len(),
            Data::Str { offsets, .. } => offsets.len() - 1,
        }
    }

    fn ty(&self) -> PhysicalType {
        match &self.data {
            Data::I64(_) => PhysicalType::I64,
            Data::F64(_) => PhysicalType::F64,
            Data::Str { .. } => PhysicalType::Binary,
        }
    }

    /// Values of rows `a..b`.
    fn slice(&self, a: usize, b: usize) -> Values<'_> {
        match &self.data {
            Data::I64(v) => Values::I64(&v[a..b]),
            Data::F64(v) => Values::F64(&v[a..b]),
            Data::Str { offsets, data } => Values::Binary {
                offsets: &offsets[a..=b],
                data,
            },
        }
    }

    fn slices(&self) -> impl Iterator<Item = Values<'_>> {
        (0..self.len())
            .step_by(SEGMENT_ROWS)
            .map(|a| self.slice(a, (a + SEGMENT_ROWS).min(self.len())))
    }

    /// Raw in-memory bytes (strings: offsets plus data).
    fn raw_bytes(&self) -> usize {
        match &self.data {
            Data::I64(v) => v.len() * 8,
            Data::F64(v) => v.len() * 8,
            Data::Str { offsets, data } => offsets.len() * 4 + data.len(),
        }
    }
}

fn from_batch(batch: &arrow_array::RecordBatch) -> Vec<Column> {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type, TimestampNanosecondType};
    use arrow_schema::DataType;
    let schema = batch.schema();
    let mut out = Vec::new();
    for (field, col) in schema.fields().iter().zip(batch.columns()) {
        let data = match field.data_type() {
            DataType::Timestamp(..) => Data::I64(
                col.as_primitive::<TimestampNanosecondType>()
                    .values()
                    .to_vec(),
            ),
            DataType::Int64 => Data::I64(col.as_primitive::<Int64Type>().values().to_vec()),
            DataType::Float64 => Data::F64(col.as_primitive::<Float64Type>().values().to_vec()),
            DataType::Utf8 => {
                let s = col.as_string::<i32>();
                let base = s.value_offsets()[0];
                let offsets: Vec<i32> = s.value_offsets().iter().map(|o| o - base).collect();
                let end = offsets[offsets.len() - 1] as usize;
                Data::Str {
                    offsets,
                    data: s.value_data()[base as usize..base as usize + end].to_vec(),
                }
            }
            _ => continue,
        };
        let _ = col.len();
        out.push(Column {
            name: field.name().clone(),
            data,
        });
    }
    out
}

/// The real captures (LOBSTER, Binance) from `../shared/datasets`, as columns; `None` (with the
/// reason printed) when the files are absent, as they are in a clone without `../shared`.
fn real_data_columns() -> Option<Vec<(String, Vec<Column>)>> {
    let mut sets = Vec::new();
    match floe_datasets::shared_dataset("LOBSTER_SampleFile_GOOG_2012-06-21_10.zip") {
        Some(zip) => match floe_datasets::load_lobster(&zip) {
            Ok(l) => {
                sets.push(("LOBSTER order book".to_string(), from_batch(&l.orderbook)));
                sets.push(("LOBSTER messages".to_string(), from_batch(&l.messages)));
            }
            Err(e) => eprintln!("LOBSTER sample not loaded: {e}"),
        },
        None => eprintln!("LOBSTER sample absent: skipped"),
    }
    match floe_datasets::shared_dataset("binance_usdm_btcusdt_20240808.gz") {
        Some(gz) => match floe_datasets::load_binance(&gz) {
            Ok(b) => {
                sets.push(("Binance trades".to_string(), from_batch(&b.trades)));
                sets.push(("Binance book tickers".to_string(), from_batch(&b.bbo)));
                sets.push(("Binance depth levels".to_string(), from_batch(&b.depth)));
            }
            Err(e) => eprintln!("Binance sample not loaded: {e}"),
        },
        None => eprintln!("Binance sample absent: skipped"),
    }
    (!sets.is_empty()).then_some(sets)
}

/// Plain little-endian bytes of a slice (what lz4, zstd and memcpy see).
fn plain(v: Values<'_>) -> Vec<u8> {
    match encode(v, Encoding::Plain) {
        Ok(mut c) => {
            c.remove(0);
            c
        }
        Err(e) => panic!("plain: {e}"),
    }
}

fn pco_compress(v: Values<'_>) -> Option<Vec<u8>> {
    let config = pco::ChunkConfig::default();
    match v {
        Values::I64(x) => pco::standalone::simple_compress(x, &config).ok(),
        Values::F64(x) => pco::standalone::simple_compress(x, &config).ok(),
        _ => None,
    }
}

fn floe(v: Values<'_>, enc: Encoding) -> Vec<u8> {
    encode(v, enc).unwrap_or_else(|e| panic!("{enc:?}: {e}"))
}

/// Size table: bytes per row per column and codec, summed over 131072-row chunks.
fn size_report(title: &str, cols: &[Column]) {
    let n = cols.first().map_or(0, Column::len).max(1) as f64;
    eprintln!(
        "\n== {title}: {} rows, bytes per row (chunks of {SEGMENT_ROWS} rows) ==",
        n as usize
    );
    eprintln!(
        "{:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  first chunk's tree",
        "column", "raw", "floe", "lz4", "zstd-1", "zstd-3", "pco"
    );
    let mut totals = [0f64; 6];
    for c in cols {
        let mut s = [c.raw_bytes() as f64, 0.0, 0.0, 0.0, 0.0, 0.0];
        let mut pco_ok = true;
        for v in c.slices() {
            let p = plain(v);
            s[1] += floe(v, Encoding::Auto).len() as f64;
            s[2] += lz4_flex::block::compress(&p).len() as f64;
            s[3] += zstd::bulk::compress(&p, 1).map_or(0, |z| z.len()) as f64;
            s[4] += zstd::bulk::compress(&p, 3).map_or(0, |z| z.len()) as f64;
            match pco_compress(v) {
                Some(z) => s[5] += z.len() as f64,
                None => pco_ok = false,
            }
        }
        if !pco_ok {
            s[5] = f64::NAN;
        }
        let first = c.slice(0, SEGMENT_ROWS.min(c.len()));
        let tree = describe_tree(&floe(first, Encoding::Auto), c.ty(), first.len())
            .unwrap_or_else(|e| e.to_string());
        eprintln!(
            "{:<10} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}  {tree}",
            c.name,
            s[0] / n,
            s[1] / n,
            s[2] / n,
            s[3] / n,
            s[4] / n,
            s[5] / n
        );
        for (t, x) in totals.iter_mut().zip(s) {
            *t += x;
        }
    }
    eprintln!(
        "{:<10} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
        "total",
        totals[0] / n,
        totals[1] / n,
        totals[2] / n,
        totals[3] / n,
        totals[4] / n,
        totals[5] / n
    );
}

/// Decoding whole columns (all chunks, into fresh buffers as a reader does) against codecs and
/// memcpy; `Throughput::Bytes` of the raw column.
fn decode_columns(c: &mut Criterion, title: &str, cols: &[Column]) {
    let mut group = c.benchmark_group(format!("decode_column/{title}"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for col in cols {
        group.throughput(Throughput::Bytes(col.raw_bytes() as u64));
        let ty = col.ty();
        let lens: Vec<usize> = col.slices().map(|v| v.len()).collect();
        let plains: Vec<Vec<u8>> = col.slices().map(plain).collect();
        let auto: Vec<Vec<u8>> = col.slices().map(|v| floe(v, Encoding::Auto)).collect();
        group.bench_function(BenchmarkId::new("floe", &col.name), |b| {
            b.iter(|| {
                for (chunk, &n) in auto.iter().zip(&lens) {
                    black_box(decode(chunk, ty, n).unwrap_or_else(|e| panic!("{e}")));
                }
            })
        });
        group.bench_function(BenchmarkId::new("memcpy", &col.name), |b| {
            b.iter(|| {
                for p in &plains {
                    black_box(p.to_vec());
                }
            })
        });
        let mut whole = vec![0u8; plains.iter().map(Vec::len).sum()];
        group.bench_function(BenchmarkId::new("memcpy_prealloc", &col.name), |b| {
            b.iter(|| {
                let mut at = 0;
                for p in &plains {
                    whole[at..at + p.len()].copy_from_slice(p);
                    at += p.len();
                }
                black_box(&whole);
            })
        });
        let lz4: Vec<Vec<u8>> = plains
            .iter()
            .map(|p| lz4_flex::block::compress(p))
            .collect();
        group.bench_function(BenchmarkId::new("lz4", &col.name), |b| {
            b.iter(|| {
                for (z, p) in lz4.iter().zip(&plains) {
                    black_box(lz4_flex::block::decompress(z, p.len()).unwrap_or_default());
                }
            })
        });
        for level in [1, 3] {
            let zs: Vec<Vec<u8>> = plains
                .iter()
                .map(|p| zstd::bulk::compress(p, level).unwrap_or_default())
                .collect();
            group.bench_function(BenchmarkId::new(format!("zstd-{level}"), &col.name), |b| {
                b.iter(|| {
                    for (z, p) in zs.iter().zip(&plains) {
                        black_box(zstd::bulk::decompress(z, p.len()).unwrap_or_default());
                    }
                })
            });
        }
        if let Some(pcos) = col.slices().map(pco_compress).collect::<Option<Vec<_>>>() {
            group.bench_function(BenchmarkId::new("pco", &col.name), |b| {
                b.iter(|| {
                    for z in &pcos {
                        match ty {
                            PhysicalType::I64 => black_box(
                                pco::standalone::simple_decompress::<i64>(z)
                                    .map(|v| v.len())
                                    .ok(),
                            ),
                            _ => black_box(
                                pco::standalone::simple_decompress::<f64>(z)
                                    .map(|v| v.len())
                                    .ok(),
                            ),
                        };
                    }
                })
            });
        }
    }
    group.finish();
}

/// Encoding whole columns; `Throughput::Elements` in values.
fn encode_columns(c: &mut Criterion, title: &str, cols: &[Column]) {
    let mut group = c.benchmark_group(format!("encode_column/{title}"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for col in cols {
        group.throughput(Throughput::Elements(col.len() as u64));
        group.bench_function(BenchmarkId::new("floe", &col.name), |b| {
            b.iter(|| {
                col.slices()
                    .map(|v| floe(v, Encoding::Auto).len())
                    .sum::<usize>()
            })
        });
        let plains: Vec<Vec<u8>> = col.slices().map(plain).collect();
        group.bench_function(BenchmarkId::new("lz4", &col.name), |b| {
            b.iter(|| {
                plains
                    .iter()
                    .map(|p| lz4_flex::block::compress(p).len())
                    .sum::<usize>()
            })
        });
        for level in [1, 3] {
            group.bench_function(BenchmarkId::new(format!("zstd-{level}"), &col.name), |b| {
                b.iter(|| {
                    plains
                        .iter()
                        .map(|p| zstd::bulk::compress(p, level).map_or(0, |z| z.len()))
                        .sum::<usize>()
                })
            });
        }
        if col.ty() != PhysicalType::Binary {
            group.bench_function(BenchmarkId::new("pco", &col.name), |b| {
                b.iter(|| {
                    col.slices()
                        .map(|v| pco_compress(v).map_or(0, |z| z.len()))
                        .sum::<usize>()
                })
            });
        }
    }
    group.finish();
}

/// Each lightweight encoding forced at the top (children by the cascade) on one in-cache slice.
fn encodings(c: &mut Criterion, cols: &[Column]) {
    let mut group = c.benchmark_group("encoding");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    let encs = [
        Encoding::Auto,
        Encoding::BitPacked,
        Encoding::Delta,
        Encoding::Dictionary,
        Encoding::RunEnd,
        Encoding::Alp,
        Encoding::AlpRd,
        Encoding::Strings,
        Encoding::Plain,
    ];
    for col in cols {
        let v = col.slice(0, SEGMENT_ROWS.min(col.len()));
        group.throughput(Throughput::Elements(v.len() as u64));
        for enc in encs {
            let Ok(chunk) = encode(v, enc) else { continue };
            let id = format!("{}/{}", col.name, enc.name());
            group.bench_function(BenchmarkId::new("encode", &id), |b| {
                b.iter(|| floe(v, enc).len())
            });
            group.bench_function(BenchmarkId::new("decode", &id), |b| {
                b.iter(|| {
                    decode(&chunk, col.ty(), v.len())
                        .map(|d| d.len())
                        .unwrap_or(0)
                })
            });
        }
    }
    group.finish();
}

/// The bit-packing kernels in cache (64 blocks of 1024 values), floe's against fastlanes'.
fn kernels(c: &mut Criterion) {
    const BLOCKS: usize = 64;
    let mut group = c.benchmark_group("bitpack_in_cache");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements((BLOCKS * BLOCK) as u64));
    macro_rules! width {
        ($t:ty, $w:literal) => {{
            let mask: u64 = if $w == 64 { u64::MAX } else { (1u64 << $w) - 1 };
            let input: Vec<[$t; BLOCK]> = (0..BLOCKS)
                .map(|b| {
                    std::array::from_fn(|i| ((i as u64 * 2_654_435_761 + b as u64) & mask) as $t)
                })
                .collect();
            let mut packed = vec![[0 as $t; BLOCK]; BLOCKS];
            for (i, p) in input.iter().zip(packed.iter_mut()) {
                <$t as Packable>::pack($w, i, p);
            }
            let mut out = [0 as $t; BLOCK];
            group.bench_function(
                BenchmarkId::new(concat!("floe_unpack_", stringify!($t)), $w),
                |b| {
                    b.iter(|| {
                        for p in &packed {
                            <$t as Packable>::unpack($w, black_box(p), &mut out, 0);
                            black_box(&out);
                        }
                    })
                },
            );
            let mut scratch = [0 as $t; BLOCK];
            group.bench_function(
                BenchmarkId::new(concat!("floe_pack_", stringify!($t)), $w),
                |b| {
                    b.iter(|| {
                        for i in &input {
                            <$t as Packable>::pack($w, black_box(i), &mut scratch);
                            black_box(&scratch);
                        }
                    })
                },
            );
            const B: usize = 1024 * $w / <$t>::BITS as usize;
            let fl: Vec<[$t; B]> = input
                .iter()
                .map(|i| {
                    let mut o = [0 as $t; B];
                    fastlanes::BitPacking::pack::<$w, B>(i, &mut o);
                    o
                })
                .collect();
            group.bench_function(
                BenchmarkId::new(concat!("fastlanes_unpack_", stringify!($t)), $w),
                |b| {
                    b.iter(|| {
                        for p in &fl {
                            fastlanes::BitPacking::unpack::<$w, B>(black_box(p), &mut out);
                            black_box(&out);
                        }
                    })
                },
            );
        }};
    }
    width!(u32, 3);
    width!(u32, 12);
    width!(u64, 3);
    width!(u64, 12);
    width!(u64, 18);
    width!(u64, 40);
    group.finish();
}

fn codec(c: &mut Criterion) {
    let n = rows();
    let quotes = from_batch(&floe_datasets::quotes(&floe_datasets::Spec::new(n)));
    let trades = from_batch(&floe_datasets::trades(&floe_datasets::Spec::new(n / 4)));
    size_report("synthetic quotes", &quotes);
    size_report("synthetic trades", &trades);
    match real_data_columns() {
        Some(sets) => sets.iter().for_each(|(name, cols)| size_report(name, cols)),
        None => {
            eprintln!("\nreal data (LOBSTER, Binance): skipped, the samples are absent")
        }
    }
    kernels(c);
    encodings(c, &quotes);
    encodings(c, &trades);
    decode_columns(c, "quotes", &quotes);
    encode_columns(c, "quotes", &quotes);
    decode_columns(c, "trades", &trades);
    if let Some(sets) = real_data_columns() {
        for (name, cols) in &sets {
            decode_columns(c, name, cols);
        }
    }
}

criterion_group!(benches, codec);
criterion_main!(benches);
