//! `floe bench`: end-to-end measurements in process. `e2e` times write, reads and appends of one
//! input file on a fresh symbol per repeat, verifies every read against the input, and prints one
//! JSON object of medians. Key names are a stable interface.

use anyhow::{Context, ensure};
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampNanosecondType;
use arrow_array::{Array, RecordBatch};
use floe::{Library, ReadOptions};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Subcommand, Debug)]
pub enum Which {
    /// Write, read and append one Parquet file; print medians as JSON.
    E2e {
        /// Input Parquet (or CSV) file; its first timestamp column is the index.
        #[arg(long)]
        input: PathBuf,
        /// Column for the one-column read (default: the first non-index column).
        #[arg(long)]
        column: Option<String>,
        /// Repeats; medians are reported.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// Print JSON (the only output format).
        #[arg(long)]
        json: bool,
        /// Also measure peers (Parquet zstd-3 and lz4 through the parquet crate) on the same
        /// input in this run, under the same keys, in a "peers" object.
        #[arg(long)]
        peers: bool,
        /// Also save the JSON with this machine's record to FILE, for `floe bench report --from`.
        #[arg(long)]
        save: Option<PathBuf>,
    },
    /// Run the suites (or read saved results) and write DIR/report.md with SVG charts.
    Report(crate::report::Args),
}

pub async fn run(which: Which, store: Option<&str>) -> anyhow::Result<()> {
    match which {
        Which::E2e {
            input,
            column,
            repeat,
            json: _,
            peers,
            save,
        } => {
            let json = e2e(&input, store, column.as_deref(), repeat.max(1), peers).await?;
            println!("{}", serde_json::to_string_pretty(&json)?);
            if let Some(path) = save {
                crate::report::Results::of_e2e(json.clone()).save(&path)?;
            }
            ensure!(json["verified"] == true, "a read did not match the input");
            Ok(())
        }
        Which::Report(args) => crate::report::run(&args, store).await,
    }
}

/// One repeat's timings, seconds.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sample {
    pub write: f64,
    pub read_all: f64,
    pub read_range: f64,
    pub read_column: f64,
    pub append: f64,
    pub read_after_append: f64,
}

/// Measures floe (and with `with_peers`, the peers) on `input`; the JSON object of medians.
pub async fn e2e(
    input: &std::path::Path,
    store: Option<&str>,
    column: Option<&str>,
    repeat: usize,
    with_peers: bool,
) -> anyhow::Result<serde_json::Value> {
    let batch = crate::files::with_ns_index(&crate::files::read(input)?, None)?;
    let n = batch.num_rows();
    ensure!(n >= 100, "the input needs at least 100 rows");
    let schema = batch.schema();
    let index = schema.field(0).name().clone();
    let column = match column {
        Some(c) => c.to_string(),
        None => schema
            .fields()
            .get(1)
            .context("the input has no column besides the index")?
            .name()
            .clone(),
    };
    let raw_bytes: usize = batch
        .columns()
        .iter()
        .map(|c| c.to_data().get_slice_memory_size())
        .sum::<Result<usize, _>>()?;

    let temp = match store {
        Some(_) => None,
        None => Some(tempfile::tempdir().context("cannot create a temporary directory")?),
    };
    let location = match &temp {
        Some(dir) => dir.path().to_string_lossy().into_owned(),
        None => store.unwrap_or_default().to_string(),
    };
    let lib = Library::open(&location).await?;
    let run_id = uuid::Uuid::new_v4().simple().to_string();

    let ts = batch
        .column(0)
        .as_primitive::<TimestampNanosecondType>()
        .values();
    let (lo, hi) = (ts[n / 2], ts[n / 2 + n / 100 - 1]);
    let start = ts.partition_point(|&t| t < lo);
    let end = ts.partition_point(|&t| t <= hi);
    let expected_range = batch.slice(start, end - start);
    let col_idx = schema.index_of(&column)?;
    let expected_column = batch.project(&[0, col_idx])?;

    let mut samples = Vec::with_capacity(repeat);
    let mut verified = true;
    let mut stored_bytes = Vec::with_capacity(repeat);
    for r in 0..repeat {
        let symbol = format!("bench-{run_id}-{r}");
        let mut s = Sample::default();
        let t = Instant::now();
        lib.write(&symbol, &batch).await?;
        s.write = t.elapsed().as_secs_f64();
        stored_bytes.push(lib.stored_bytes(&symbol).await? as f64);

        let t = Instant::now();
        let all = lib.read(&symbol, &ReadOptions::new()).await?;
        s.read_all = t.elapsed().as_secs_f64();
        verified &= equal(&all.batches, &batch)?;

        let t = Instant::now();
        let range = lib
            .read(&symbol, &ReadOptions::new().date_range(lo..=hi))
            .await?;
        s.read_range = t.elapsed().as_secs_f64();
        verified &= equal(&range.batches, &expected_range)?;

        let t = Instant::now();
        let one = lib
            .read(&symbol, &ReadOptions::new().columns([column.as_str()]))
            .await?;
        s.read_column = t.elapsed().as_secs_f64();
        verified &= equal(&one.batches, &expected_column)?;

        let appended = format!("{symbol}-append");
        let step = (n / 100).max(1);
        let t = Instant::now();
        lib.write(&appended, &batch.slice(0, step)).await?;
        let mut at = step;
        for i in 1..100 {
            let len = if i == 99 { n - at } else { step.min(n - at) };
            lib.append(&appended, &batch.slice(at, len)).await?;
            at += len;
        }
        s.append = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let after = lib.read(&appended, &ReadOptions::new()).await?;
        s.read_after_append = t.elapsed().as_secs_f64();
        verified &= equal(&after.batches, &batch)?;
        samples.push(s);
    }
    drop(lib);
    let peers = if with_peers {
        let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
        let work = crate::peers::Workload {
            batch: &batch,
            lo,
            hi,
            column: col_idx,
            expected_range: &expected_range,
            expected_column: &expected_column,
        };
        let peers = crate::peers::run(&work, dir.path(), repeat)?;
        verified &= peers
            .as_object()
            .is_some_and(|p| p.values().all(|v| v["verified"] == true));
        Some(peers)
    } else {
        None
    };
    let med = |f: fn(&Sample) -> f64| median(samples.iter().map(f).collect());
    let mut json = serde_json::json!({
        "input": input.display().to_string(),
        "store": if temp.is_some() { "temporary local directory".to_string() } else { location.clone() },
        "index": index,
        "column": column,
        "repeat": repeat,
        "rows": n,
        "raw_bytes": raw_bytes,
        "stored_bytes": median(stored_bytes) as u64,
        "write_s": med(|s| s.write),
        "read_all_s": med(|s| s.read_all),
        "read_range_s": med(|s| s.read_range),
        "read_column_s": med(|s| s.read_column),
        "append_s": med(|s| s.append),
        "read_after_append_s": med(|s| s.read_after_append),
        "verified": verified,
    });
    if let Some(peers) = peers {
        json["peers"] = peers;
    }
    drop(temp);
    Ok(json)
}

/// True when `batches` hold exactly the rows of `expected`, bit for bit.
pub fn equal(batches: &[RecordBatch], expected: &RecordBatch) -> anyhow::Result<bool> {
    let got = arrow_select::concat::concat_batches(&expected.schema(), batches)?;
    Ok(got == *expected)
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
