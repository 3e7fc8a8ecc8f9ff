//! `floe bench report` end to end: renders report.md and SVG charts from result files built here
//! (two machines, bare `floe bench e2e` JSON, a criterion directory, `bench e2e --save`), and
//! checks that every figure in the report is the one in its input.

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

fn floe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run floe: {e}"))
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "floe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, value.to_string()).unwrap_or_else(|e| panic!("{e}"));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))
}

/// The cells of the first markdown table row whose leading cells are `first`.
fn table_row(md: &str, first: &[&str]) -> Vec<String> {
    md.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.len() >= first.len() && cells.iter().zip(first).all(|(c, f)| c == f))
        .unwrap_or_else(|| panic!("no row starting {first:?} in\n{md}"))
}

fn ms(seconds: f64) -> String {
    format!("{:.3} ms", seconds * 1e3)
}

fn mrows(rows: f64, seconds: f64) -> String {
    format!("{:.2} Mrows/s", rows / seconds / 1e6)
}

fn machine(arch: &str, cpu: &str, cores: usize) -> Value {
    json!({
        "arch": arch, "os": "linux", "cpu_model": cpu, "cpu_features": ["f1", "f2"],
        "cores": cores, "rustc": "rustc 1.0.0-test", "commit": "abc1234", "emulated": false
    })
}

fn label(arch: &str, cpu: &str, cores: usize) -> String {
    format!("{arch} · {cpu} · {cores} cores")
}

/// A results file as `floe bench e2e --peers --save` writes it, with figures scaled by `k`.
fn results(arch: &str, cpu: &str, cores: usize, k: f64) -> Value {
    let peer = |w: f64| {
        json!({
            "rows": 1000, "stored_bytes": 9000, "write_s": w, "read_all_s": w / 2.0,
            "read_range_s": w / 50.0, "read_column_s": w / 4.0, "append_s": null,
            "read_after_append_s": null, "verified": true
        })
    };
    json!({
        "format": "floe-bench/1",
        "machine": machine(arch, cpu, cores),
        "e2e": {
            "input": "q.parquet", "store": "temporary local directory", "index": "ts",
            "column": "bid", "repeat": 3, "rows": 1000, "raw_bytes": 28000,
            "stored_bytes": (7000.0 * k) as u64,
            "write_s": 0.125 * k, "read_all_s": 0.0625 * k, "read_range_s": 0.003 * k,
            "read_column_s": 0.02 * k, "append_s": 0.5 * k, "read_after_append_s": 0.07 * k,
            "verified": true,
            "peers": { "parquet-zstd3": peer(0.25 * k), "parquet-lz4": peer(0.2 * k) }
        },
        "criterion": [
            { "layer": "codec", "bench": "decode_column/quotes/floe/bid", "median_ns": 2.0e6 * k,
              "throughput": { "bytes": 8_000_000 } },
            { "layer": "codec", "bench": "decode_column/quotes/lz4/bid", "median_ns": 4.0e6 * k,
              "throughput": { "bytes": 8_000_000 } }
        ]
    })
}

/// Text of every `<text>` element in an SVG, which must parse as XML.
fn svg_texts(path: &Path) -> Vec<String> {
    svg_placed_texts(path).into_iter().map(|(t, _)| t).collect()
}

/// Text and `y` of every `<text>` element in an SVG, which must parse as XML.
fn svg_placed_texts(path: &Path) -> Vec<(String, f64)> {
    let text = read(path);
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .filter_map(|n| {
            let y = n
                .attribute("y")
                .and_then(|y| y.parse().ok())
                .unwrap_or(f64::NAN);
            n.text().map(|t| (t.trim().to_string(), y))
        })
        .collect()
}

/// The `y` of the first `<text>` reading `want`.
fn y_of(texts: &[(String, f64)], want: &str) -> f64 {
    texts
        .iter()
        .find(|(t, _)| t == want)
        .map(|(_, y)| *y)
        .unwrap_or_else(|| panic!("{want} not in {texts:?}"))
}

/// The part of report.md under the heading that starts with `heading`, up to the next one.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading} in\n{md}"));
    let rest = &md[start + heading.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

#[test]
fn two_machines_give_two_columns_with_their_own_figures() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (x86, arm) = (dir.path().join("x86.json"), dir.path().join("arm.json"));
    write_json(&x86, &results("x86_64", "Test Xeon", 8, 1.0));
    write_json(&arm, &results("aarch64", "Test Neoverse", 4, 3.0));
    let out = dir.path().join("report");
    ok(&floe(&[
        "bench",
        "report",
        "--from",
        p(&x86),
        p(&arm),
        "--out",
        p(&out),
    ]));
    let md = read(&out.join("report.md"));
    let (lx, la) = (
        label("x86_64", "Test Xeon", 8),
        label("aarch64", "Test Neoverse", 4),
    );

    let head = table_row(&md, &["implementation", "operation"]);
    assert_eq!(
        head[2..],
        [lx.clone(), la.clone()],
        "one column per machine"
    );
    for (op, seconds) in [("write", 0.125), ("read_all", 0.0625), ("append", 0.5)] {
        let cells = table_row(&md, &["floe", op]);
        for (cell, k) in cells[2..].iter().zip([1.0, 3.0]) {
            let expected = format!("{} · {}", ms(seconds * k), mrows(1000.0, seconds * k));
            assert_eq!(cell, &expected, "floe {op}");
        }
    }
    let range = table_row(&md, &["floe", "read_range"]);
    assert_eq!(range[2..], [ms(0.003), ms(0.009)]);
    let zstd = table_row(&md, &["parquet-zstd3", "write"]);
    assert_eq!(zstd[2], format!("{} · {}", ms(0.25), mrows(1000.0, 0.25)));
    assert!(
        md.lines()
            .all(|l| !l.starts_with("| parquet-lz4 | append |")),
        "Parquet has no append: no row for it"
    );
    let sizes = table_row(&md, &["floe", ""]);
    assert_eq!(sizes[2], "7.00 B/row (7000 B)");
    assert_eq!(sizes[3], "21.00 B/row (21000 B)");
    assert_eq!(table_row(&md, &["raw", ""])[2], "28.00 B/row (28000 B)");
    assert_eq!(
        table_row(&md, &["architecture", ""])[2..],
        ["x86_64", "aarch64"]
    );
    // Criterion: 8 MB in 2 ms is 4000 MB/s; three times slower on the second machine.
    let codec = table_row(&md, &["decode_column/quotes/floe/bid", ""]);
    assert_eq!(
        codec[2..],
        ["2.00 ms · 4000.0 MB/s", "6.00 ms · 1333.3 MB/s"]
    );
    assert!(
        md.contains("## Layer segment") && md.contains("No criterion estimates for this layer"),
        "an absent layer is skipped with a note"
    );

    let placed = svg_placed_texts(&out.join("e2e-throughput.svg"));
    assert!(
        y_of(&placed, "floe write") < y_of(&placed, "parquet-zstd3 read_column"),
        "bars run top down in report order, floe first"
    );
    let texts = svg_texts(&out.join("e2e-throughput.svg"));
    for want in [
        &lx,
        &la,
        "floe write",
        "parquet-zstd3 read_all",
        "parquet-lz4 read_column",
    ] {
        assert!(texts.iter().any(|t| t == want), "{want} not in {texts:?}");
    }
    assert!(
        !texts.iter().any(|t| t.contains("read_range")),
        "range reads have no rows/s"
    );
    let texts = svg_texts(&out.join("e2e-bytes-per-row.svg"));
    for want in ["raw", "floe", "parquet-zstd3", "7.00", "21.00"] {
        assert!(texts.iter().any(|t| t == want), "{want} not in {texts:?}");
    }
    // Results without a group id: the first part of the bench id stands in.
    let texts = svg_texts(&out.join("codec-decode_column-bytes.svg"));
    assert!(texts.iter().any(|t| t == "4000.00"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "quotes/floe/bid"), "{texts:?}");
    assert!(
        md.contains("](e2e-throughput.svg)") && md.contains("](codec-decode_column-bytes.svg)")
    );
}

#[test]
fn criterion_estimates_and_bare_e2e_json_merge_and_rebuild_from_results() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let crit = dir.path().join("criterion");
    let benches = [
        (
            "io/one_column_naive",
            json!({"group_id": "io", "function_id": "one_column_naive",
            "value_str": null, "throughput": {"Bytes": 3_000_000}, "full_id": "io/one_column_naive",
            "directory_name": "io/one_column_naive", "title": "io/one_column_naive"}),
            1.5e6,
        ),
        (
            "encoding/encode/x",
            json!({"group_id": "encoding", "function_id": "encode",
            "value_str": "x", "throughput": {"Elements": 1024}, "full_id": "encoding/encode/x",
            "directory_name": "encoding/encode/x", "title": "encoding/encode/x"}),
            512.0,
        ),
    ];
    for (path, bench, median) in &benches {
        let new = crit.join(path).join("new");
        std::fs::create_dir_all(&new).unwrap_or_else(|e| panic!("{e}"));
        write_json(&new.join("benchmark.json"), bench);
        let estimate = json!({"point_estimate": median, "standard_error": 1.0,
            "confidence_interval": {"confidence_level": 0.95, "lower_bound": 0.0, "upper_bound": 1.0}});
        write_json(
            &new.join("estimates.json"),
            &json!({"mean": estimate, "median": estimate, "median_abs_dev": estimate,
                    "slope": null, "std_dev": estimate}),
        );
    }
    // Two groups of the segment bench: each its own chart, under the segment layer.
    for (dir_name, group, function, median) in [
        ("quotes/decode_1_thread", "quotes", "decode_1_thread", 1e6),
        ("wide1000/1_column", "wide1000", "1_column", 4e6),
    ] {
        let new = crit.join(dir_name).join("new");
        std::fs::create_dir_all(&new).unwrap_or_else(|e| panic!("{e}"));
        write_json(
            &new.join("benchmark.json"),
            &json!({"group_id": group, "function_id": function, "value_str": null,
                "throughput": {"Elements": 1_000_000}, "full_id": dir_name,
                "directory_name": dir_name, "title": dir_name}),
        );
        let estimate = json!({"point_estimate": median, "standard_error": 1.0});
        write_json(
            &new.join("estimates.json"),
            &json!({"mean": estimate, "median": estimate}),
        );
    }
    // A bench whose last run was in --test mode leaves no estimates: ignored.
    std::fs::create_dir_all(crit.join("e2e/write/new")).unwrap_or_else(|e| panic!("{e}"));

    let bare = dir.path().join("bare.json");
    let mut e2e = results("x86_64", "X", 1, 2.0)["e2e"].clone();
    e2e["implementation"] = json!("arcticdb-lmdb");
    write_json(&bare, &e2e);
    let out = dir.path().join("one");
    ok(&floe(&[
        "bench",
        "report",
        "--from",
        p(&bare),
        "--criterion",
        p(&crit),
        "--out",
        p(&out),
    ]));
    let md = read(&out.join("report.md"));
    let head = table_row(&md, &["implementation", "operation"]);
    assert_eq!(head.len(), 4, "bare JSON and this machine: two columns");
    assert_eq!(head[2], "unknown · unknown · 0 cores");
    let write = table_row(&md, &["arcticdb-lmdb", "write"]);
    assert_eq!(write[2], format!("{} · {}", ms(0.25), mrows(1000.0, 0.25)));
    assert_eq!(write[3], "—", "this machine measured no e2e");
    // 3 MB in 1.5 ms is 2000 MB/s; 1024 values in 512 ns is 2000 Melem/s.
    assert_eq!(
        table_row(&md, &["io/one_column_naive", ""])[2..],
        ["—", "1.50 ms · 2000.0 MB/s"]
    );
    assert_eq!(
        table_row(&md, &["encoding/encode/x", ""])[3],
        "512.0 ns · 2000.0 Melem/s"
    );
    assert!(!md.contains("e2e/write"), "{md}");
    // Group `io` in layer io: io-bytes.svg, not io-io-bytes.svg.
    let texts = svg_texts(&out.join("io-bytes.svg"));
    assert!(texts.iter().any(|t| t == "one_column_naive"), "{texts:?}");
    assert!(out.join("codec-encoding-elements.svg").exists());
    let segment = section(&md, "## Layer segment");
    assert!(
        segment.contains("| quotes/decode_1_thread |  | — | 1.00 ms · 1000.0 Melem/s |"),
        "{segment}"
    );
    assert!(
        segment.contains("](segment-quotes-elements.svg)"),
        "{segment}"
    );
    assert!(
        segment.contains("](segment-wide1000-elements.svg)"),
        "{segment}"
    );
    assert!(!md.contains("## Layer other"), "{md}");
    let texts = svg_texts(&out.join("segment-wide1000-elements.svg"));
    assert!(texts.iter().any(|t| t == "1_column"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "250.00"), "{texts:?}");

    // The report's own results.json rebuilds the same report.
    let again = dir.path().join("two");
    ok(&floe(&[
        "bench",
        "report",
        "--from",
        p(&out.join("results.json")),
        "--out",
        p(&again),
    ]));
    assert_eq!(read(&again.join("report.md")), md);
}

#[test]
fn saved_e2e_run_reports_the_figures_it_printed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let input = dir.path().join("q.parquet");
    ok(&floe(&[
        "gen",
        "quotes",
        "--rows",
        "5000",
        "--out",
        p(&input),
    ]));
    let saved = dir.path().join("saved.json");
    let printed = ok(&floe(&[
        "--store",
        p(&dir.path().join("lib")),
        "bench",
        "e2e",
        "--input",
        p(&input),
        "--repeat",
        "1",
        "--peers",
        "--json",
        "--save",
        p(&saved),
    ]));
    let printed: Value = serde_json::from_str(&printed).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(printed["verified"], true);
    let out = dir.path().join("report");
    ok(&floe(&[
        "bench",
        "report",
        "--from",
        p(&saved),
        "--out",
        p(&out),
    ]));
    let md = read(&out.join("report.md"));
    let rows = printed["rows"].as_f64().unwrap_or(0.0);
    assert_eq!(rows, 5000.0);
    for (name, figures) in [
        ("floe", &printed),
        ("parquet-lz4", &printed["peers"]["parquet-lz4"]),
    ] {
        let write = figures["write_s"].as_f64().unwrap_or(f64::NAN);
        let cells = table_row(&md, &[name, "write"]);
        assert_eq!(cells[2], format!("{} · {}", ms(write), mrows(rows, write)));
        assert_eq!(table_row(&md, &[name, "verified"])[2], "true");
    }
    let machine = table_row(&md, &["architecture", ""]);
    assert_eq!(machine[2], std::env::consts::ARCH);
}

#[test]
fn a_later_result_from_the_same_machine_replaces_figures_and_input() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (quick, full) = (dir.path().join("quick.json"), dir.path().join("full.json"));
    let mut first = results("x86_64", "Test Xeon", 8, 1.0);
    first["e2e"]["input"] = json!("floe gen quotes --rows 200000");
    let mut second = results("x86_64", "Test Xeon", 8, 2.0);
    second["e2e"]["input"] = json!("/data/q.parquet");
    write_json(&quick, &first);
    write_json(&full, &second);
    let out = dir.path().join("report");
    ok(&floe(&[
        "bench",
        "report",
        "--from",
        p(&quick),
        p(&full),
        "--out",
        p(&out),
    ]));
    let md = read(&out.join("report.md"));
    assert_eq!(
        table_row(&md, &["floe", "write"])[2..],
        [format!("{} · {}", ms(0.25), mrows(1000.0, 0.25))]
    );
    let lx = label("x86_64", "Test Xeon", 8);
    assert!(
        md.contains(&format!(
            "- {lx}: floe, parquet-lz4, parquet-zstd3: /data/q.parquet, 1000 rows"
        )),
        "{md}"
    );
    assert!(
        !md.contains("--rows 200000"),
        "the replaced result's input is not listed: {md}"
    );
}
