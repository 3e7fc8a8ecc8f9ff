//! `floe import` and `floe export` end to end through the binary: CSV options, JSON lines,
//! bad rows, multi-file loads that commit one version or nothing, and export round trips.

use std::path::PathBuf;
use std::process::Output;

use super::floe;
use super::succeeded as ok;

/// Runs floe expecting exit code 1 and one line on stderr, which it returns.
fn user_error(out: Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}\nstderr: {err}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    err
}

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
        }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("lib")
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path.to_string_lossy().into_owned()
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    fn run(&self, args: &[&str]) -> Output {
        floe(&self.store(), args)
    }

    fn csv(&self, symbol: &str) -> String {
        ok(self.run(&["read", symbol, "--format", "csv"]))
    }
}

const T0: &str = "2024-01-02T09:30:00";

#[test]
fn csv_delimiter_header_types_and_rfc3339() {
    let d = Dir::new();
    let f = d.file(
        "a.csv",
        &format!("ts;bid;size;sym\n{T0}Z;1.5;3;x\n{T0}.000000123Z;2;4;y\n"),
    );
    ok(d.run(&[
        "import",
        &f,
        "--symbol",
        "S",
        "--delimiter",
        ";",
        "--columns-types",
        "bid:f64,sym:str",
    ]));
    assert_eq!(
        d.csv("S"),
        format!("ts,bid,size,sym\n{T0}.000000000Z,1.5,3,x\n{T0}.000000123Z,2.0,4,y\n")
    );
    // size given as f64 instead of the inferred i64.
    ok(d.run(&[
        "import",
        &f,
        "--symbol",
        "F",
        "--delimiter",
        ";",
        "--columns-types",
        "size:f64",
    ]));
    assert!(d.csv("F").contains(",3.0,x\n"), "{}", d.csv("F"));
}

#[test]
fn csv_without_header_takes_names_from_column_types() {
    let d = Dir::new();
    let f = d.file("a.csv", "1704187800000,10,abc\n1704187800001,11,def\n");
    ok(d.run(&[
        "import",
        &f,
        "--symbol",
        "S",
        "--no-header",
        "--columns-types",
        "t:timestamp,n:i64,s:str",
        "--timestamp-format",
        "ms",
    ]));
    assert_eq!(
        d.csv("S"),
        format!("t,n,s\n{T0}.000000000Z,10,abc\n{T0}.001000000Z,11,def\n")
    );
}

#[test]
fn csv_numeric_timestamp_formats_and_time_of_day() {
    let d = Dir::new();
    let cases = [
        ("s", "1704187800.5", ".500000000Z"),
        ("ms", "1704187800000.25", ".000250000Z"),
        ("us", "1704187800000007", ".000007000Z"),
        ("ns", "1704187800000000009", ".000000009Z"),
    ];
    for (i, (format, value, fraction)) in cases.iter().enumerate() {
        let f = d.file(&format!("{format}.csv"), &format!("when,px\n{value},1\n"));
        let symbol = format!("S{i}");
        ok(d.run(&[
            "import",
            &f,
            "--symbol",
            &symbol,
            "--index",
            "when",
            "--timestamp-format",
            format,
        ]));
        assert_eq!(
            d.csv(&symbol),
            format!("when,px\n{T0}{fraction},1\n"),
            "{format}"
        );
    }
    let f = d.file("tod.csv", "time,px\n34200.004241176,1\n34200.5,2\n");
    ok(d.run(&[
        "import",
        &f,
        "--symbol",
        "L",
        "--index",
        "time",
        "--timestamp-format",
        "time-of-day",
        "--date",
        "2024-01-02",
    ]));
    assert_eq!(
        d.csv("L"),
        format!("time,px\n{T0}.004241176Z,1\n{T0}.500000000Z,2\n")
    );
}

#[test]
fn bad_row_names_file_line_and_column_and_commits_nothing() {
    let d = Dir::new();
    let f = d.file(
        "bad.csv",
        &format!("ts,bid\n{T0}Z,1.5\n{T0}Z,oops\n{T0}Z,2\n"),
    );
    let err = user_error(d.run(&["import", &f, "--symbol", "S"]));
    assert!(err.contains(&format!("{f}:3:2:")), "{err}");
    assert!(err.contains("bid") && err.contains("oops"), "{err}");
    assert_eq!(ok(d.run(&["ls"])), "");
    // A row with the wrong number of fields is named too.
    let g = d.file("short.csv", &format!("ts,bid\n{T0}Z,1.5\n{T0}Z\n"));
    let err = user_error(d.run(&["import", &g, "--symbol", "S"]));
    assert!(err.contains(&format!("{g}:3:")), "{err}");
}

#[test]
fn on_error_skip_counts_and_reports_bad_rows() {
    let d = Dir::new();
    let f = d.file(
        "bad.csv",
        &format!("ts,bid\n{T0}Z,1.5\n{T0}Z,oops\nnot-a-time,3\n{T0}.1Z,2\n"),
    );
    let out = ok(d.run(&["import", &f, "--symbol", "S", "--on-error", "skip"]));
    assert!(out.contains("skipped 2 bad row(s)"), "{out}");
    assert!(out.contains(&format!("{f}:3:2:")), "{out}");
    assert!(out.contains(&format!("{f}:4:1:")), "{out}");
    assert_eq!(
        d.csv("S"),
        format!("ts,bid\n{T0}.000000000Z,1.5\n{T0}.100000000Z,2.0\n")
    );
}

#[test]
fn unsorted_file_is_refused_with_its_line() {
    let d = Dir::new();
    let f = d.file("u.csv", &format!("ts,bid\n{T0}.2Z,1\n{T0}.1Z,2\n"));
    let err = user_error(d.run(&["import", &f, "--symbol", "S", "--on-error", "skip"]));
    assert!(err.contains(&format!("{f}:3:")), "{err}");
    assert!(err.contains("sorted"), "{err}");
}

#[test]
fn three_files_load_as_one_sorted_version() {
    let d = Dir::new();
    // Overlapping times across files; each file sorted.
    let files: Vec<String> = (0..3)
        .map(|k| {
            let rows: String = (0..50)
                .map(|i| {
                    format!(
                        "{},{}\n",
                        1_704_187_800_000_000_000i64 + i * 3 + k,
                        k * 100 + i
                    )
                })
                .collect();
            d.file(&format!("p{k}.csv"), &format!("ts,v\n{rows}"))
        })
        .collect();
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--symbol", "S", "--index", "ts", "--jobs", "2"]);
    ok(d.run(&args));
    let versions = ok(d.run(&["versions", "S"]));
    assert_eq!(versions.lines().count(), 1, "{versions}");
    assert!(versions.contains("150 rows"), "{versions}");
    let csv = d.csv("S");
    let values: Vec<i64> = csv
        .lines()
        .skip(1)
        .map(|l| {
            l.rsplit(',')
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{l}"))
        })
        .collect();
    let expected: Vec<i64> = (0..50)
        .flat_map(|i| (0..3).map(move |k| k * 100 + i))
        .collect();
    assert_eq!(
        values, expected,
        "rows interleave by time, file order on ties"
    );
}

#[test]
fn a_failing_file_among_several_commits_nothing() {
    let d = Dir::new();
    let good = d.file("good.csv", &format!("ts,v\n{T0}Z,1\n"));
    ok(d.run(&["import", &good, "--symbol", "S"]));
    let also_good = d.file("good2.csv", &format!("ts,v\n{T0}.5Z,2\n"));
    let bad = d.file("bad.csv", &format!("ts,v\n{T0}Z,1\n{T0}Z,x\n"));
    let err = user_error(d.run(&[
        "import", &also_good, &bad, &good, "--symbol", "S", "--append",
    ]));
    assert!(err.contains(&format!("{bad}:3:2:")), "{err}");
    assert_eq!(ok(d.run(&["versions", "S"])).lines().count(), 1);
    assert_eq!(d.csv("S"), format!("ts,v\n{T0}.000000000Z,1\n"));
}

#[test]
fn stage_uploads_parts_that_finalize_commits() {
    let d = Dir::new();
    let a = d.file("a.csv", &format!("ts,v\n{T0}Z,1\n{T0}.2Z,3\n"));
    let b = d.file("b.csv", &format!("ts,v\n{T0}.1Z,2\n"));
    let out = ok(d.run(&["import", &a, "--symbol", "S", "--stage"]));
    assert!(out.contains("floe finalize S"), "{out}");
    let out = ok(d.run(&["import", &b, "--symbol", "S", "--stage"]));
    assert!(
        out.contains("2 part(s) with 3 rows are now staged"),
        "{out}"
    );
    // Nothing is visible before the finalize.
    user_error(d.run(&["versions", "S"]));
    // The two imports overlap in time: a plain finalize refuses, --merge sorts them.
    user_error(d.run(&["finalize", "S"]));
    ok(d.run(&["finalize", "S", "--merge"]));
    assert_eq!(
        d.csv("S"),
        format!("ts,v\n{T0}.000000000Z,1\n{T0}.100000000Z,2\n{T0}.200000000Z,3\n")
    );
    assert_eq!(ok(d.run(&["versions", "S"])).lines().count(), 1);
}

#[test]
fn a_multi_file_load_leaves_nothing_staged_and_names_encodings() {
    let d = Dir::new();
    let a = d.file("a.csv", &format!("ts,v\n{T0}Z,1\n"));
    let b = d.file("b.csv", &format!("ts,v\n{T0}.1Z,2\n"));
    let out = ok(d.run(&["import", &a, &b, "--symbol", "S"]));
    assert!(out.contains("S encodings (first segment):"), "{out}");
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("v ")),
        "{out}"
    );
    let err = user_error(d.run(&["finalize", "S"]));
    assert!(err.contains("nothing is staged"), "{err}");
    assert_eq!(ok(d.run(&["versions", "S"])).lines().count(), 1);
}

#[test]
fn jsonl_objects_become_columns() {
    let d = Dir::new();
    let f = d.file(
        "e.jsonl",
        concat!(
            r#"{"ts":"2024-01-02T09:30:00Z","px":1.5,"qty":3,"side":"buy","maker":true}"#,
            "\n",
            r#"{"ts":"2024-01-02T09:30:00.000000007Z","px":2,"qty":4,"side":"sell","maker":false,"tags":{"a":1}}"#,
            "\n",
            r#"{"ts":"2024-01-02T09:30:01Z","px":null,"qty":5,"side":"buy"}"#,
            "\n"
        ),
    );
    ok(d.run(&["import", &f, "--symbol", "J"]));
    assert_eq!(
        d.csv("J"),
        format!(
            "ts,px,qty,side,maker,tags\n{T0}.000000000Z,1.5,3,buy,true,\n{T0}.000000007Z,2.0,4,sell,false,\"{{\"\"a\"\":1}}\"\n2024-01-02T09:30:01.000000000Z,,5,buy,,\n"
        )
    );
    // Integer epoch times with a unit, and a bad value located by line and key.
    let g = d.file(
        "m.jsonl",
        "{\"t\":1704187800000,\"v\":1}\n{\"t\":1704187800001,\"v\":\"x\"}\n{\"t\":1704187800002,\"v\":3}\n",
    );
    let err = user_error(d.run(&[
        "import",
        &g,
        "--symbol",
        "M",
        "--index",
        "t",
        "--timestamp-format",
        "ms",
    ]));
    assert!(
        err.contains(&format!("{g}:2:2:")) && err.contains("\"v\""),
        "{err}"
    );
    let out = ok(d.run(&[
        "import",
        &g,
        "--symbol",
        "M",
        "--index",
        "t",
        "--timestamp-format",
        "ms",
        "--on-error",
        "skip",
    ]));
    assert!(out.contains("skipped 1 bad row(s)"), "{out}");
    assert_eq!(
        d.csv("M"),
        format!("t,v\n{T0}.000000000Z,1\n{T0}.002000000Z,3\n")
    );
}

#[test]
fn symbol_from_splits_rows_into_symbols() {
    let d = Dir::new();
    let f = d.file(
        "s.csv",
        &format!("ts,sym,px\n{T0}Z,A,1\n{T0}.1Z,B,2\n{T0}.2Z,A,3\n"),
    );
    ok(d.run(&["import", &f, "--symbol-from", "sym"]));
    assert_eq!(ok(d.run(&["ls"])), "A\nB\n");
    assert_eq!(
        d.csv("A"),
        format!("ts,px\n{T0}.000000000Z,1\n{T0}.200000000Z,3\n")
    );
}

#[test]
fn export_round_trips_csv_and_parquet() {
    let d = Dir::new();
    let input = format!(
        "ts,bid,size,venue\n{T0}.000000001Z,1.5,3,x\n{T0}.000000002Z,2.25,-4,\"a,b\"\n2024-01-03T00:00:00.000000000Z,3.0,5,z\n"
    );
    let f = d.file("in.csv", &input);
    ok(d.run(&["import", &f, "--symbol", "S"]));
    let csv = d.path("out.csv");
    ok(d.run(&["export", "S", "--format", "csv", "--out", &csv]));
    let exported = std::fs::read_to_string(&csv).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(exported, input);
    let pq = d.path("out.parquet");
    ok(d.run(&["export", "S", "--format", "parquet", "--out", &pq]));
    ok(d.run(&["import", &pq, "--symbol", "P"]));
    assert_eq!(d.csv("P"), input);
    // Selections apply to exports too.
    ok(d.run(&[
        "export",
        "S",
        "--format",
        "csv",
        "--out",
        &csv,
        "--to",
        "2024-01-03T00:00:00Z",
        "--columns",
        "bid",
    ]));
    let exported = std::fs::read_to_string(&csv).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        exported,
        format!("ts,bid\n{T0}.000000001Z,1.5\n{T0}.000000002Z,2.25\n")
    );
}

#[test]
fn read_csv_prints_the_index_first_in_rfc3339_ns() {
    let d = Dir::new();
    // The index is the second column of the file, named by --index.
    let f = d.file(
        "x.csv",
        "px,when\n1,2024-01-02T09:30:00.000000123+01:00\n2,2024-01-02T08:30:00.5Z\n",
    );
    ok(d.run(&["import", &f, "--symbol", "S", "--index", "when"]));
    assert_eq!(
        d.csv("S"),
        "when,px\n2024-01-02T08:30:00.000000123Z,1\n2024-01-02T08:30:00.500000000Z,2\n"
    );
}
