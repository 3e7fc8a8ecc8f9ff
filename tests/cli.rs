//! The `floe` binary end to end: gen, import, read, ls, versions and demo on a temporary library.

use std::process::{Command, Output};

use super::floe;

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "floe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn gen_import_read_round_trip() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = dir.path().join("lib");
    for ext in ["parquet", "csv"] {
        let file = dir.path().join(format!("q.{ext}"));
        let file = file.to_string_lossy();
        stdout(&floe(
            &store,
            &["gen", "quotes", "--rows", "5000", "--out", &file],
        ));
        let out = stdout(&floe(
            &store,
            &["import", &file, "--symbol", &format!("Q{ext}")],
        ));
        assert!(out.contains("5000 rows"), "{out}");
    }
    assert_eq!(stdout(&floe(&store, &["ls"])), "Qcsv\nQparquet\n");
    let csv = stdout(&floe(
        &store,
        &["read", "Qparquet", "--format", "csv", "--columns", "bid"],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5001, "header plus one line per row");
    assert_eq!(lines[0], "ts,bid");
    // Both imports hold the same data.
    let from_csv = stdout(&floe(&store, &["read", "Qcsv", "--format", "csv"]));
    let from_parquet = stdout(&floe(&store, &["read", "Qparquet", "--format", "csv"]));
    assert_eq!(from_csv, from_parquet);
    let versions = stdout(&floe(&store, &["versions", "Qcsv"]));
    assert!(versions.starts_with("v0 "), "{versions}");
}

#[test]
fn errors_exit_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = floe(&dir.path().join("lib"), &["read", "MISSING"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn demo_runs_and_verifies() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = stdout(&floe(
        &dir.path().join("lib"),
        &["demo", "--rows", "20000", "--symbols", "2"],
    ));
    assert!(
        out.contains("every read matched the generated data"),
        "{out}"
    );
    assert!(out.contains("v1 "), "{out}");
}

#[test]
fn binance_capture_imports_every_event() {
    let Some(capture) = floe_datasets::shared_dataset("binance_usdm_btcusdt_20240808.gz") else {
        println!("skipped: the Binance sample is not in ../shared/datasets");
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = dir.path().join("lib");
    let out = stdout(&floe(
        &store,
        &[
            "import",
            &capture.to_string_lossy(),
            "--format",
            "binance",
            "--symbol",
            "BTCUSDT",
        ],
    ));
    for expected in [
        "BTCUSDT.trades: version 0 with 21313 rows",
        "BTCUSDT.bbo: version 0 with 66089 rows",
        "BTCUSDT.depth: version 0 with 443521 rows",
        "BTCUSDT.snapshots: version 0 with 2000 rows",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    let depth_updates = stdout(&floe(
        &store,
        &[
            "read",
            "BTCUSDT.depth",
            "--columns",
            "last_update_id",
            "--format",
            "csv",
        ],
    ));
    let mut ids: Vec<&str> = depth_updates
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 6551, "every depth update is present");
}

#[test]
fn bench_e2e_with_peers_prints_verified_json() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("q.parquet");
    let file = file.to_string_lossy();
    let store = dir.path().join("lib");
    stdout(&floe(
        &store,
        &["gen", "quotes", "--rows", "20000", "--out", &file],
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args([
            "bench", "e2e", "--input", &file, "--repeat", "1", "--peers", "--json",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["rows"], 20000);
    assert_eq!(json["verified"], true);
    for key in [
        "raw_bytes",
        "stored_bytes",
        "write_s",
        "read_all_s",
        "read_range_s",
        "read_column_s",
        "append_s",
        "read_after_append_s",
    ] {
        assert!(json[key].is_number(), "{key} missing: {json}");
    }
    for peer in ["parquet-zstd3", "parquet-lz4"] {
        assert_eq!(json["peers"][peer]["verified"], true, "{peer}: {json}");
        assert!(
            json["peers"][peer]["stored_bytes"]
                .as_u64()
                .is_some_and(|b| b > 0)
        );
    }
}
