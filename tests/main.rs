//! floe's integration tests, compiled as one binary: each module drives the public API (or the
//! `floe` binary) end to end against real stores (memory and local directories).

mod admin;
mod cli;
mod crash;
mod errors;
mod import;
mod operations;
mod report;
mod round_trip;
mod versions;

use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampNanosecondType;
use std::path::Path;
use std::process::{Command, Output};

/// The index values of a generated quotes batch (its first column).
pub fn ts(batch: &RecordBatch) -> &[i64] {
    batch
        .column(0)
        .as_primitive::<TimestampNanosecondType>()
        .values()
}

/// Rows of `batch` whose index lies in `lo..=hi`.
pub fn rows_between(batch: &RecordBatch, lo: i64, hi: i64) -> RecordBatch {
    let ts = ts(batch);
    let start = ts.partition_point(|&t| t < lo);
    let end = ts.partition_point(|&t| t <= hi);
    batch.slice(start, end - start)
}

/// The standard output of a `floe` run that must have succeeded (its stderr in the failure).
pub fn succeeded(out: Output) -> String {
    assert!(
        out.status.success(),
        "floe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs the `floe` binary on the library at `store`.
pub fn floe(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_floe"))
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run floe: {e}"))
}
