//! `floe bench report`: gathers benchmark results (by running the end-to-end suite here and
//! collecting criterion's saved estimates, or by reading result files saved earlier, possibly on
//! other machines), merges them with one column per machine, and writes DIR/report.md with SVG
//! charts of throughput and bytes per row, floe against its peers, per layer.
//!
//! It only reads and presents numbers: every figure in the report is computed from a result
//! file's JSON, which is written beside it (DIR/results.json) so the report can be rebuilt.

use crate::chart::{Bar, chart};
use crate::machine::Machine;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The `format` of a result file this version writes.
const FORMAT: &str = "floe-bench/1";

/// One row of the machines table: how to print a fact of a machine.
type MachineFact = fn(&Machine) -> String;

/// Layers, in report order: the criterion bench file that measures each, and the first part of
/// every group name that file uses (criterion records no file, only group names).
const LAYERS: [(&str, &str, &[&str]); 4] = [
    (
        "codec",
        "benches/codec.rs",
        &[
            "decode_column",
            "encode_column",
            "encoding",
            "bitpack_in_cache",
        ],
    ),
    (
        "segment",
        "benches/segment.rs",
        &[
            "quotes",
            "quotes_bytes",
            "rows_per_segment",
            "window",
            "lobster",
            "wide1000",
        ],
    ),
    ("io", "benches/io.rs", &["io"]),
    ("e2e", "benches/e2e.rs", &["e2e", "append"]),
];

/// `floe bench e2e` keys, in report order; `true` when the operation covers every row, so rows
/// per second is its throughput (the date-range read covers about 1% and gets only a time).
const OPS: [(&str, &str, bool); 6] = [
    ("write", "write_s", true),
    ("read_all", "read_all_s", true),
    ("read_range", "read_range_s", false),
    ("read_column", "read_column_s", true),
    ("append", "append_s", true),
    ("read_after_append", "read_after_append_s", true),
];

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Small inputs (200,000 rows, one repeat): the whole run takes well under a minute in a
    /// release build.
    #[arg(long)]
    quick: bool,
    /// Read saved result files instead of running: `floe bench e2e --save` output, a report's
    /// results.json, bare `floe bench e2e` JSON or benches/peers/arcticdb.py output. Results
    /// from several machines get one column each.
    #[arg(long, num_args = 1..)]
    from: Vec<PathBuf>,
    /// Criterion's output directory, whose `*/new/estimates.json` give the codec, segment, io
    /// and e2e layers for this machine [default when running: $CARGO_TARGET_DIR/criterion, or
    /// target/criterion].
    #[arg(long)]
    criterion: Option<PathBuf>,
    /// Rows of synthetic quotes for the end-to-end suite [default: 10,000,000; --quick: 200,000].
    #[arg(long)]
    rows: Option<usize>,
    /// Repeats of the end-to-end suite; medians are reported [default: 3; --quick: 1].
    #[arg(long)]
    repeat: Option<usize>,
    /// Directory for report.md, the SVG charts and results.json.
    #[arg(long)]
    out: PathBuf,
}

/// One machine's results: what a result file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub format: String,
    pub machine: Machine,
    /// `floe bench e2e` JSON (with its `peers` object when measured).
    #[serde(default)]
    pub e2e: Option<Value>,
    /// Criterion estimates collected on this machine.
    #[serde(default)]
    pub criterion: Vec<Estimate>,
}

/// One criterion benchmark's median.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Estimate {
    /// codec, segment, io, e2e or other: which bench file measured it.
    pub layer: String,
    /// Criterion's full id, `group/function/parameter`.
    pub bench: String,
    /// Criterion's group id (a prefix of `bench`), which gets its own chart; absent from older
    /// result files, where the first part of `bench` stands in.
    #[serde(default)]
    pub group: Option<String>,
    pub median_ns: f64,
    #[serde(default)]
    pub throughput: Option<Throughput>,
}

/// Work done by one iteration of a criterion bench.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Throughput {
    Bytes(u64),
    Elements(u64),
}

impl Estimate {
    /// The criterion group this bench belongs to.
    pub fn group_name(&self) -> &str {
        match &self.group {
            Some(group) => group,
            None => self.bench.split('/').next().unwrap_or_default(),
        }
    }
}

impl Results {
    /// This machine's record around one `floe bench e2e` result.
    pub fn of_e2e(e2e: Value) -> Results {
        Results {
            format: FORMAT.to_string(),
            machine: Machine::detect(),
            e2e: Some(e2e),
            criterion: Vec::new(),
        }
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }
}

pub async fn run(args: &Args, store: Option<&str>) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut results = Vec::new();
    if args.from.is_empty() {
        results.push(measure(args, store).await?);
    } else {
        for path in &args.from {
            results.extend(load(path)?);
        }
        if let Some(dir) = &args.criterion {
            results.push(Results {
                format: FORMAT.to_string(),
                machine: Machine::detect(),
                e2e: None,
                criterion: collect_criterion(dir)?,
            });
        }
    }
    let text = serde_json::to_string_pretty(&results)?;
    let saved = args.out.join("results.json");
    std::fs::write(&saved, text).with_context(|| format!("cannot write {}", saved.display()))?;
    let columns = merge(&results);
    let report = render(&columns, &args.out)?;
    let path = args.out.join("report.md");
    std::fs::write(&path, report).with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Runs the end-to-end suite with peers on generated quotes, and collects criterion estimates.
async fn measure(args: &Args, store: Option<&str>) -> anyhow::Result<Results> {
    let rows = args
        .rows
        .unwrap_or(if args.quick { 200_000 } else { 10_000_000 });
    let repeat = args.repeat.unwrap_or(if args.quick { 1 } else { 3 });
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let input = dir.path().join("quotes.parquet");
    crate::files::write(
        &input,
        &floe_datasets::quotes(&floe_datasets::Spec::new(rows)),
    )?;
    let mut e2e = crate::bench::e2e(&input, store, None, repeat.max(1), true).await?;
    e2e["input"] = Value::from(format!("floe gen quotes --rows {rows}"));
    let criterion_dir = args.criterion.clone().unwrap_or_else(|| {
        std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| PathBuf::from("target"), PathBuf::from)
            .join("criterion")
    });
    let mut results = Results::of_e2e(e2e);
    if criterion_dir.is_dir() {
        results.criterion = collect_criterion(&criterion_dir)?;
    }
    Ok(results)
}

/// Reads a result file: one `Results`, a list of them (a report's results.json), or a bare
/// `floe bench e2e` object (whose optional `machine` key says where it ran).
pub fn load(path: &Path) -> anyhow::Result<Vec<Results>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    items
        .into_iter()
        .map(|item| {
            if item.get("format").is_some() {
                serde_json::from_value(item)
                    .with_context(|| format!("{} is not a floe bench result", path.display()))
            } else if item.get("write_s").is_some() {
                let machine = match item.get("machine") {
                    Some(m) => serde_json::from_value(m.clone()).with_context(|| {
                        format!("{}: the machine record is malformed", path.display())
                    })?,
                    None => Machine::unknown(),
                };
                Ok(Results {
                    format: FORMAT.to_string(),
                    machine,
                    e2e: Some(item),
                    criterion: Vec::new(),
                })
            } else {
                bail!(
                    "{} holds neither bench results nor `floe bench e2e` JSON",
                    path.display()
                )
            }
        })
        .collect()
}

/// Every `*/new/estimates.json` under criterion's directory, with its `benchmark.json` beside.
pub fn collect_criterion(dir: &Path) -> anyhow::Result<Vec<Estimate>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries =
            std::fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "new") {
                    if let Some(e) = estimate(&path)? {
                        found.push(e);
                    }
                } else {
                    pending.push(path);
                }
            }
        }
    }
    found.sort_by(|a, b| (&a.layer, &a.bench).cmp(&(&b.layer, &b.bench)));
    Ok(found)
}

/// One criterion `new/` directory's median, or None when it lacks either file (as after a
/// `--test` run).
fn estimate(new: &Path) -> anyhow::Result<Option<Estimate>> {
    let (Ok(bench), Ok(estimates)) = (
        std::fs::read_to_string(new.join("benchmark.json")),
        std::fs::read_to_string(new.join("estimates.json")),
    ) else {
        return Ok(None);
    };
    let bench: Value = serde_json::from_str(&bench)
        .with_context(|| format!("{}/benchmark.json is not JSON", new.display()))?;
    let estimates: Value = serde_json::from_str(&estimates)
        .with_context(|| format!("{}/estimates.json is not JSON", new.display()))?;
    let median_ns = estimates["median"]["point_estimate"]
        .as_f64()
        .with_context(|| format!("{}/estimates.json has no median", new.display()))?;
    let group = bench["group_id"].as_str().unwrap_or_default();
    let id = match bench["full_id"].as_str() {
        Some(id) => id.to_string(),
        None => [
            Some(group),
            bench["function_id"].as_str(),
            bench["value_str"].as_str(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("/"),
    };
    let t = &bench["throughput"];
    let throughput = if let Some(n) = t["Bytes"].as_u64().or(t["BytesDecimal"].as_u64()) {
        Some(Throughput::Bytes(n))
    } else if let Some(n) = t["Bits"].as_u64() {
        Some(Throughput::Bytes(n / 8))
    } else if let Some(n) = t["Elements"].as_u64() {
        Some(Throughput::Elements(n))
    } else {
        t["ElementsAndBytes"]["bytes"]
            .as_u64()
            .map(Throughput::Bytes)
    };
    Ok(Some(Estimate {
        layer: layer_of(group).to_string(),
        group: (!group.is_empty()).then(|| group.to_string()),
        bench: id,
        median_ns,
        throughput,
    }))
}

/// The layer (bench file) a criterion group belongs to, by the group names those files use.
fn layer_of(group: &str) -> &'static str {
    let first = group.split('/').next().unwrap_or_default();
    LAYERS
        .iter()
        .find(|(_, _, groups)| groups.contains(&first))
        .map_or("other", |(layer, _, _)| layer)
}

/// One `floe bench e2e` result of one implementation.
#[derive(Debug, Clone, Default)]
struct Figures {
    rows: f64,
    raw_bytes: Option<f64>,
    stored_bytes: Option<f64>,
    /// Seconds per `OPS` entry; None where the implementation has no such operation.
    seconds: Vec<Option<f64>>,
    verified: Option<bool>,
}

impl Figures {
    fn of(v: &Value, rows_fallback: f64) -> Figures {
        let num = |k: &str| v.get(k).and_then(Value::as_f64).filter(|x| x.is_finite());
        Figures {
            rows: num("rows").unwrap_or(rows_fallback),
            raw_bytes: num("raw_bytes"),
            stored_bytes: num("stored_bytes"),
            seconds: OPS.iter().map(|(_, key, _)| num(key)).collect(),
            verified: v.get("verified").and_then(Value::as_bool),
        }
    }
}

/// Everything measured on one machine: a report column.
#[derive(Debug, Clone)]
struct Column {
    label: String,
    machine: Machine,
    /// e2e figures by implementation (floe, parquet-zstd3, arcticdb-lmdb, ...).
    e2e: BTreeMap<String, Figures>,
    /// Where each implementation's e2e input came from; a later result replaces an earlier one
    /// together with its figures.
    inputs: BTreeMap<String, String>,
    /// Criterion estimates by (layer, bench id).
    criterion: BTreeMap<(String, String), Estimate>,
}

/// Groups results by machine label, in first-seen order; later results win on clashes.
fn merge(results: &[Results]) -> Vec<Column> {
    let mut columns: Vec<Column> = Vec::new();
    for r in results {
        let label = r.machine.label();
        let at = match columns.iter().position(|c| c.label == label) {
            Some(at) => at,
            None => {
                columns.push(Column {
                    label,
                    machine: r.machine.clone(),
                    e2e: BTreeMap::new(),
                    inputs: BTreeMap::new(),
                    criterion: BTreeMap::new(),
                });
                columns.len() - 1
            }
        };
        let column = &mut columns[at];
        if column.machine.commit == "unknown" {
            column.machine.commit.clone_from(&r.machine.commit);
        }
        if let Some(e2e) = &r.e2e {
            let top = Figures::of(e2e, 0.0);
            let name = e2e
                .get("implementation")
                .and_then(Value::as_str)
                .unwrap_or("floe");
            let input = e2e.get("input").and_then(Value::as_str);
            let record = |name: &str, figures: Figures, column: &mut Column| {
                match input {
                    Some(input) => column
                        .inputs
                        .insert(name.to_string(), format!("{input}, {} rows", figures.rows)),
                    None => column.inputs.remove(name),
                };
                column.e2e.insert(name.to_string(), figures);
            };
            if let Some(peers) = e2e.get("peers").and_then(Value::as_object) {
                for (peer, v) in peers {
                    record(peer, Figures::of(v, top.rows), column);
                }
            }
            record(name, top, column);
        }
        for e in &r.criterion {
            column
                .criterion
                .insert((e.layer.clone(), e.bench.clone()), e.clone());
        }
    }
    columns
}

/// Implementations in report order: floe first, then the peers by name.
fn implementations(columns: &[Column]) -> Vec<String> {
    let mut names: Vec<String> = columns.iter().flat_map(|c| c.e2e.keys().cloned()).collect();
    names.sort_by_key(|n| (n != "floe", n.clone()));
    names.dedup();
    names
}

/// `seconds` as the report prints it.
pub fn fmt_ms(seconds: f64) -> String {
    format!("{:.3} ms", seconds * 1e3)
}

/// Rows per second as the report prints it.
pub fn fmt_mrows(rows: f64, seconds: f64) -> String {
    format!("{:.2} Mrows/s", rows / seconds / 1e6)
}

/// Bytes per row as the report prints it.
pub fn fmt_bytes_per_row(bytes: f64, rows: f64) -> String {
    format!("{:.2} B/row", bytes / rows)
}

/// A criterion median as the report prints it.
pub fn fmt_ns(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.1} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n if n < 1e9 => format!("{:.2} ms", n / 1e6),
        n => format!("{:.3} s", n / 1e9),
    }
}

/// A criterion throughput as the report prints it: (value, unit).
pub fn throughput(e: &Estimate) -> Option<(f64, &'static str)> {
    let per_s = 1e9 / e.median_ns;
    match e.throughput? {
        Throughput::Bytes(n) => Some((n as f64 * per_s / 1e6, "MB/s")),
        Throughput::Elements(n) => Some((n as f64 * per_s / 1e6, "Melem/s")),
    }
}

fn row(cells: impl IntoIterator<Item = String>) -> String {
    let cells: Vec<String> = cells.into_iter().map(|c| c.replace('|', "\\|")).collect();
    format!("| {} |\n", cells.join(" | "))
}

fn header(first: &[&str], columns: &[Column]) -> String {
    let mut out = row(first
        .iter()
        .map(|s| s.to_string())
        .chain(columns.iter().map(|c| c.label.clone())));
    out.push_str(&row(std::iter::repeat_n(
        "---".to_string(),
        first.len() + columns.len(),
    )));
    out
}

/// Writes the charts into `dir`; returns report.md's text.
fn render(columns: &[Column], dir: &Path) -> anyhow::Result<String> {
    let mut md = String::new();
    let machines: Vec<String> = columns.iter().map(|c| c.label.clone()).collect();
    writeln!(md, "# floe benchmark report\n")?;
    writeln!(
        md,
        "Written by `floe bench report` from the results in `results.json` beside this file: one \
         column per machine. Times are medians. Rebuild with \
         `floe bench report --from results.json [more results] --out DIR`.\n"
    )?;
    if columns.iter().any(|c| c.machine.emulated) {
        writeln!(
            md,
            "> Columns marked *(emulated)* ran under an emulator (qemu-user): they show that \
             the build and the command work on that architecture, not how fast it is.\n"
        )?;
    }
    writeln!(md, "## Machines\n")?;
    md.push_str(&header(&["", ""], columns)[..]);
    let facts: [(&str, MachineFact); 8] = [
        ("architecture", |m| m.arch.clone()),
        ("os", |m| m.os.clone()),
        ("cpu model", |m| m.cpu_model.clone()),
        ("cpu features", |m| m.cpu_features.join(" ")),
        ("cores", |m| m.cores.to_string()),
        ("rustc", |m| m.rustc.clone()),
        ("commit", |m| m.commit.clone()),
        ("emulated", |m| m.emulated.to_string()),
    ];
    for (name, fact) in facts {
        md.push_str(&row([name.to_string(), String::new()]
            .into_iter()
            .chain(columns.iter().map(|c| fact(&c.machine)))));
    }
    md.push('\n');

    render_e2e(&mut md, columns, &machines, dir)?;
    for (layer, file, _) in LAYERS {
        render_layer(&mut md, columns, &machines, dir, layer, file)?;
    }
    if columns
        .iter()
        .any(|c| c.criterion.keys().any(|(l, _)| l == "other"))
    {
        render_layer(
            &mut md,
            columns,
            &machines,
            dir,
            "other",
            "another bench file",
        )?;
    }
    Ok(md)
}

fn render_e2e(
    md: &mut String,
    columns: &[Column],
    machines: &[String],
    dir: &Path,
) -> anyhow::Result<()> {
    writeln!(md, "## End to end: `floe bench e2e --peers`\n")?;
    let names = implementations(columns);
    if names.is_empty() {
        writeln!(
            md,
            "_No end-to-end results: run `floe bench e2e --peers --save FILE` (or this command \
             without `--from`); skipped._\n"
        )?;
        return Ok(());
    }
    for c in columns {
        let mut by_input: BTreeMap<&String, Vec<&str>> = BTreeMap::new();
        for name in &names {
            if let Some(input) = c.inputs.get(name) {
                by_input.entry(input).or_default().push(name);
            }
        }
        for (input, names) in by_input {
            writeln!(md, "- {}: {}: {input}", c.label, names.join(", "))?;
        }
    }
    writeln!(
        md,
        "\nMedian time per operation, and rows per second for operations over every row \
         (the date-range read covers about 1% of the rows). Parquet has no append.\n"
    )?;
    md.push_str(&header(&["implementation", "operation"], columns));
    let mut throughput_bars = Vec::new();
    for name in &names {
        for (i, (op, _, whole)) in OPS.iter().enumerate() {
            let mut cells = vec![name.clone(), op.to_string()];
            let mut any = false;
            for (m, c) in columns.iter().enumerate() {
                let figures = c.e2e.get(name);
                let seconds = figures.and_then(|f| f.seconds.get(i).copied().flatten());
                cells.push(match (figures, seconds) {
                    (Some(f), Some(s)) if *whole && s > 0.0 && f.rows > 0.0 => {
                        any = true;
                        throughput_bars.push(Bar {
                            label: format!("{name} {op}"),
                            series: m,
                            value: f.rows / s / 1e6,
                        });
                        format!("{} · {}", fmt_ms(s), fmt_mrows(f.rows, s))
                    }
                    (_, Some(s)) => {
                        any = true;
                        fmt_ms(s)
                    }
                    _ => "—".to_string(),
                });
            }
            if any {
                md.push_str(&row(cells));
            }
        }
        md.push_str(&row([name.clone(), "verified".to_string()]
            .into_iter()
            .chain(columns.iter().map(
                |c| match c.e2e.get(name).and_then(|f| f.verified) {
                    Some(v) => v.to_string(),
                    None => "—".to_string(),
                },
            ))));
    }
    writeln!(
        md,
        "\nStored bytes per row (raw: the input's Arrow buffers).\n"
    )?;
    md.push_str(&header(&["implementation", ""], columns));
    let mut size_bars = Vec::new();
    let mut size_row = |label: &str, get: &dyn Fn(&Figures) -> Option<f64>, md: &mut String| {
        let mut cells = vec![label.to_string(), String::new()];
        for (m, c) in columns.iter().enumerate() {
            let source = if label == "raw" {
                c.e2e.get("floe")
            } else {
                c.e2e.get(label)
            };
            cells.push(match source.and_then(|f| get(f).map(|b| (b, f.rows))) {
                Some((bytes, rows)) if rows > 0.0 => {
                    size_bars.push(Bar {
                        label: label.to_string(),
                        series: m,
                        value: bytes / rows,
                    });
                    format!("{} ({bytes} B)", fmt_bytes_per_row(bytes, rows))
                }
                _ => "—".to_string(),
            });
        }
        md.push_str(&row(cells));
    };
    size_row("raw", &|f: &Figures| f.raw_bytes, md);
    for name in &names {
        size_row(name, &|f: &Figures| f.stored_bytes, md);
    }
    md.push('\n');
    chart(
        md,
        dir,
        "e2e-throughput.svg",
        "End to end: throughput (higher is better)",
        "million rows per second",
        machines,
        &throughput_bars,
    )?;
    chart(
        md,
        dir,
        "e2e-bytes-per-row.svg",
        "End to end: stored bytes per row (lower is better)",
        "bytes per row",
        machines,
        &size_bars,
    )?;
    Ok(())
}

fn render_layer(
    md: &mut String,
    columns: &[Column],
    machines: &[String],
    dir: &Path,
    layer: &str,
    file: &str,
) -> anyhow::Result<()> {
    writeln!(md, "## Layer {layer}: criterion, `{file}`\n")?;
    let mut benches: Vec<&String> = columns
        .iter()
        .flat_map(|c| c.criterion.keys())
        .filter(|(l, _)| l == layer)
        .map(|(_, b)| b)
        .collect();
    benches.sort();
    benches.dedup();
    if benches.is_empty() {
        let bench = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        writeln!(
            md,
            "_No criterion estimates for this layer: run `cargo bench --bench {bench}` on the \
             machine, then this command; skipped._\n"
        )?;
        return Ok(());
    }
    writeln!(
        md,
        "Median time per iteration and throughput, from criterion's `new/estimates.json`.\n"
    )?;
    md.push_str(&header(&["bench", ""], columns));
    // One chart per (group, unit): a layer's groups measure different things, and a chart of
    // all of them at once (hundreds of bars for the codec layer) cannot be read.
    let mut bars: Vec<((String, &'static str), Vec<Bar>)> = Vec::new();
    for bench in benches {
        let key = (layer.to_string(), bench.clone());
        let mut cells = vec![bench.clone(), String::new()];
        for (m, c) in columns.iter().enumerate() {
            cells.push(match c.criterion.get(&key) {
                Some(e) => match throughput(e) {
                    Some((value, unit)) => {
                        let group = e.group_name().to_string();
                        let label = bench
                            .strip_prefix(group.as_str())
                            .and_then(|rest| rest.strip_prefix('/'))
                            .unwrap_or(bench)
                            .to_string();
                        let key = (group, unit);
                        let bar = Bar {
                            label,
                            series: m,
                            value,
                        };
                        match bars.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, list)) => list.push(bar),
                            None => bars.push((key, vec![bar])),
                        }
                        format!("{} · {value:.1} {unit}", fmt_ns(e.median_ns))
                    }
                    None => fmt_ns(e.median_ns),
                },
                None => "—".to_string(),
            });
        }
        md.push_str(&row(cells));
    }
    md.push('\n');
    for ((group, unit), mut bars) in bars {
        bars.sort_by(|a, b| {
            (parameter(&a.label), &a.label, a.series).cmp(&(
                parameter(&b.label),
                &b.label,
                b.series,
            ))
        });
        let suffix = if unit == "MB/s" { "bytes" } else { "elements" };
        let slug: String = group
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        // `io/s3` in layer io is io-s3, not io-io-s3.
        let name = if slug == layer || slug.starts_with(&format!("{layer}-")) {
            slug
        } else {
            format!("{layer}-{slug}")
        };
        chart(
            md,
            dir,
            &format!("{name}-{suffix}.svg"),
            &format!("{layer}, {group}: throughput in {unit} (higher is better)"),
            unit,
            machines,
            &bars,
        )?;
    }
    Ok(())
}

/// A bar's sort key in a layer chart: its last `/` part (the column, bit width or segment
/// size), numbers by value, so one parameter's implementations sit side by side in order.
fn parameter(label: &str) -> (Option<u64>, &str) {
    let last = label.rsplit('/').next().unwrap_or_default();
    (last.parse().ok(), last)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Group names a bench file passes as string literals to `benchmark_group(...)` (plain or
    /// `format!`) or to segment.rs's `projections(c, ...)` helper, up to the first `/` or `{`.
    fn groups_in(source: &str) -> Vec<String> {
        let mut found = Vec::new();
        for call in ["benchmark_group(", "projections(c, "] {
            for (at, _) in source.match_indices(call) {
                let rest = &source[at + call.len()..];
                let rest = rest.strip_prefix("format!(").unwrap_or(rest);
                if let Some(literal) = rest.strip_prefix('"') {
                    let end = literal.find(['"', '/', '{']).unwrap_or(literal.len());
                    found.push(literal[..end].to_string());
                }
            }
        }
        found
    }

    #[test]
    fn every_group_of_a_bench_file_maps_to_its_layer() {
        let sources = [
            ("codec", include_str!("../../../benches/codec.rs")),
            ("segment", include_str!("../../../benches/segment.rs")),
            ("io", include_str!("../../../benches/io.rs")),
            ("e2e", include_str!("../../../benches/e2e.rs")),
        ];
        for (layer, source) in sources {
            let groups = groups_in(source);
            assert!(!groups.is_empty(), "no groups found for {layer}");
            for group in groups {
                assert_eq!(layer_of(&format!("{group}/x")), layer, "group {group}");
            }
        }
        // The segment bench's groups were once reported under "other".
        assert_eq!(layer_of("quotes_bytes"), "segment");
        assert_eq!(layer_of("append"), "e2e");
        assert_eq!(layer_of("unheard_of"), "other");
    }

    #[test]
    fn chart_bars_sort_by_parameter_numbers_by_value() {
        let mut labels = vec![
            "encode/131072",
            "decode/1048576",
            "decode/16384",
            "floe/bid",
            "lz4/ask",
            "floe/ask",
        ];
        labels.sort_by(|a, b| (parameter(a), a).cmp(&(parameter(b), b)));
        assert_eq!(
            labels,
            [
                "floe/ask",
                "lz4/ask",
                "floe/bid",
                "decode/16384",
                "encode/131072",
                "decode/1048576"
            ]
        );
    }

    #[test]
    fn throughput_is_work_over_median_time() {
        let e = Estimate {
            layer: "codec".into(),
            bench: "x".into(),
            group: None,
            median_ns: 2e6,
            throughput: Some(Throughput::Bytes(4_000_000)),
        };
        let (value, unit) = throughput(&e).unwrap_or((0.0, ""));
        assert_eq!(unit, "MB/s");
        assert!((value - 2000.0).abs() < 1e-9, "{value}");
    }
}
