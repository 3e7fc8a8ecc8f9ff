//! The maintenance commands end to end through the `floe` binary: inspect, snapshot, update,
//! delete (range and symbol), prune and gc, and their exit codes.

use std::path::Path;

use super::floe;
use super::succeeded as ok;

fn rows_of(store: &Path, symbol: &str) -> usize {
    ok(floe(store, &["read", symbol, "--format", "csv"]))
        .lines()
        .count()
        - 1
}

#[test]
fn maintenance_commands_round_trip() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = dir.path().join("lib");
    let file = dir.path().join("q.parquet");
    let file = file.to_string_lossy();
    ok(floe(
        &store,
        &["gen", "quotes", "--rows", "20000", "--out", &file],
    ));
    ok(floe(&store, &["import", &file, "--symbol", "Q"]));

    let inspect = ok(floe(&store, &["inspect", "Q"]));
    assert!(inspect.contains("20000 rows in 1 segments"), "{inspect}");
    for column in ["ts", "bid", "ask"] {
        let line = inspect
            .lines()
            .find(|l| l.starts_with(column))
            .unwrap_or_else(|| panic!("no line for {column}: {inspect}"));
        assert!(
            !line.trim_end().ends_with(" -"),
            "no encoding shown: {line}"
        );
    }

    ok(floe(&store, &["snapshot", "create", "before"]));
    let list = ok(floe(&store, &["snapshot", "list"]));
    assert!(
        list.starts_with("before\t") && list.contains("Q@0"),
        "{list}"
    );
    assert_eq!(
        floe(&store, &["snapshot", "create", "before"])
            .status
            .code(),
        Some(1)
    );

    // Replace the file's own span by the same rows: same count, a new version.
    ok(floe(&store, &["update", "Q", &file]));
    assert_eq!(rows_of(&store, "Q"), 20_000);
    // Delete the first second of rows.
    let csv = ok(floe(
        &store,
        &["read", "Q", "--format", "csv", "--columns", "bid"],
    ));
    let first = csv
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').next())
        .unwrap_or_default()
        .to_string();
    let first_ns = chrono::DateTime::parse_from_rfc3339(&first)
        .map(|t| t.timestamp_nanos_opt().unwrap_or(0))
        .unwrap_or_else(|e| panic!("{first}: {e}"));
    let until = (first_ns + 1_000_000_000).to_string();
    ok(floe(&store, &["delete", "Q", "--to", &until]));
    let left = rows_of(&store, "Q");
    assert!(left < 20_000 && left > 0, "{left} rows left");

    let versions = ok(floe(&store, &["versions", "Q"]));
    assert_eq!(versions.lines().count(), 3, "{versions}");
    let prune = ok(floe(&store, &["prune", "Q"]));
    assert!(
        prune.contains("pruned 1 versions, kept 1 for snapshots"),
        "{prune}"
    );
    let gc = ok(floe(&store, &["gc", "--grace", "0"]));
    assert!(gc.contains("deleted 1 manifests"), "{gc}");

    ok(floe(&store, &["delete", "Q"]));
    assert_eq!(ok(floe(&store, &["ls"])), "");
    assert_eq!(
        floe(&store, &["delete", "Q"]).status.code(),
        Some(0),
        "deleting again finishes marks"
    );
    assert_eq!(floe(&store, &["read", "Q"]).status.code(), Some(1));
    assert_eq!(floe(&store, &["delete", "never"]).status.code(), Some(1));
    ok(floe(&store, &["snapshot", "delete", "before"]));
    assert_eq!(
        floe(&store, &["snapshot", "delete", "before"])
            .status
            .code(),
        Some(1)
    );
}
