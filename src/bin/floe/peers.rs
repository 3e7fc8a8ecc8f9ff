//! Peers for `floe bench e2e --peers`: the same input, measured in the same process run, under the
//! same JSON keys. Parquet through the parquet crate (zstd and lz4), written as one file; a date
//! range read prunes row groups by the index column's statistics, as Parquet readers do. Parquet
//! has no append, so the append keys are null for it.

use crate::bench::{Sample, equal, median};
use anyhow::Context;
use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampNanosecondType;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::file::statistics::Statistics;
use std::fs::File;
use std::path::Path;
use std::time::Instant;

/// What every peer is asked to read, and what it must return.
pub struct Workload<'a> {
    pub batch: &'a RecordBatch,
    pub lo: i64,
    pub hi: i64,
    pub column: usize,
    pub expected_range: &'a RecordBatch,
    pub expected_column: &'a RecordBatch,
}

/// Runs every peer `repeat` times in `dir`; one JSON object per peer, keyed by name.
pub fn run(work: &Workload<'_>, dir: &Path, repeat: usize) -> anyhow::Result<serde_json::Value> {
    let mut peers = serde_json::Map::new();
    let zstd = Compression::ZSTD(ZstdLevel::try_new(3)?);
    for (name, compression) in [
        ("parquet-zstd3", zstd),
        ("parquet-lz4", Compression::LZ4_RAW),
    ] {
        let path = dir.join(format!("{name}.parquet"));
        let mut samples = Vec::with_capacity(repeat);
        let mut sizes = Vec::with_capacity(repeat);
        let mut verified = true;
        for _ in 0..repeat {
            let (sample, size, ok) = parquet_once(work, &path, compression)?;
            samples.push(sample);
            sizes.push(size as f64);
            verified &= ok;
        }
        let med = |f: fn(&Sample) -> f64| median(samples.iter().map(f).collect());
        peers.insert(
            name.to_string(),
            serde_json::json!({
                "rows": work.batch.num_rows(),
                "stored_bytes": median(sizes) as u64,
                "write_s": med(|s| s.write),
                "read_all_s": med(|s| s.read_all),
                "read_range_s": med(|s| s.read_range),
                "read_column_s": med(|s| s.read_column),
                "append_s": null,
                "read_after_append_s": null,
                "verified": verified,
            }),
        );
    }
    Ok(serde_json::Value::Object(peers))
}

fn parquet_once(
    work: &Workload<'_>,
    path: &Path,
    compression: Compression,
) -> anyhow::Result<(Sample, u64, bool)> {
    let mut s = Sample::default();
    let t = Instant::now();
    let props = WriterProperties::builder()
        .set_compression(compression)
        .build();
    let mut writer = ArrowWriter::try_new(File::create(path)?, work.batch.schema(), Some(props))?;
    writer.write(work.batch)?;
    writer.close()?;
    s.write = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(path)?.len();

    let t = Instant::now();
    let all = read(path, Ok)?;
    s.read_all = t.elapsed().as_secs_f64();
    let mut ok = equal(&all, work.batch)?;

    let t = Instant::now();
    let (lo, hi) = (work.lo, work.hi);
    let pruned = read(path, |b| {
        let keep: Vec<usize> = b
            .metadata()
            .row_groups()
            .iter()
            .enumerate()
            .filter(|(_, rg)| match rg.column(0).statistics() {
                Some(Statistics::Int64(st)) => match (st.min_opt(), st.max_opt()) {
                    (Some(&min), Some(&max)) => max >= lo && min <= hi,
                    _ => true,
                },
                _ => true,
            })
            .map(|(i, _)| i)
            .collect();
        Ok(b.with_row_groups(keep))
    })?;
    let range: Vec<RecordBatch> = pruned
        .iter()
        .map(|b| {
            let ts = b
                .column(0)
                .as_primitive::<TimestampNanosecondType>()
                .values();
            let start = ts.partition_point(|&t| t < lo);
            let end = ts.partition_point(|&t| t <= hi).max(start);
            b.slice(start, end - start)
        })
        .collect();
    s.read_range = t.elapsed().as_secs_f64();
    ok &= equal(&range, work.expected_range)?;

    let t = Instant::now();
    let column = work.column;
    let one = read(path, |b| {
        let mask = ProjectionMask::roots(b.parquet_schema(), [0, column]);
        Ok(b.with_projection(mask))
    })?;
    s.read_column = t.elapsed().as_secs_f64();
    ok &= equal(&one, work.expected_column)?;
    s.append = f64::NAN;
    s.read_after_append = f64::NAN;
    Ok((s, size, ok))
}

/// Reads a Parquet file whole after `configure` narrows the reader.
fn read(
    path: &Path,
    configure: impl FnOnce(
        ParquetRecordBatchReaderBuilder<File>,
    ) -> anyhow::Result<ParquetRecordBatchReaderBuilder<File>>,
) -> anyhow::Result<Vec<RecordBatch>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let builder =
        configure(ParquetRecordBatchReaderBuilder::try_new(file)?.with_batch_size(1 << 16))?;
    Ok(builder.build()?.collect::<Result<Vec<_>, _>>()?)
}
