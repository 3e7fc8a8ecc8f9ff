//! `floe import`: loads many CSV, JSON-lines or Parquet files (or Binance captures and LOBSTER
//! samples through floe-datasets' loaders) into symbols. Owns the order of work: parse every file
//! in parallel (rayon, `--jobs`) and check each is sorted, split by `--symbol-from`, and only then
//! touch the store, so that a bad row commits nothing. One file into one symbol is a plain write;
//! anything more is staged, a part per file and symbol, and each symbol's parts are finalized
//! into one version once every part is uploaded (`--stage` stops before that, for `floe
//! finalize`). Parsing a line is `csv_in` and `jsonl`; the bar is `progress`.

use crate::csv_in::{self, CsvOptions, Part};
use crate::jsonl::{self, JsonOptions};
use crate::parse::{self, ImportError, Location, OnError, Skipped, TimeFormat};
use crate::progress::Progress;
use crate::text;
use anyhow::{Context, bail};
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampNanosecondType;
use arrow_array::{Array, RecordBatch, UInt32Array};
use arrow_schema::{DataType, TimeUnit};
use floe::Library;
use futures::StreamExt;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Delimited text, one row a line.
    Csv,
    /// One flat JSON object a line.
    Jsonl,
    /// Parquet with any Arrow schema holding a timestamp column.
    Parquet,
    /// Binance USD-M websocket capture (`<recv ns> <json>` lines, optionally gzipped): writes
    /// S.trades, S.bbo, S.depth and S.snapshots.
    Binance,
    /// LOBSTER sample zip (messages and order book): writes S.messages and S.book.
    Lobster,
}

impl Format {
    fn of(path: &Path) -> anyhow::Result<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        Ok(match ext.as_deref() {
            Some("csv" | "tsv" | "txt") => Format::Csv,
            Some("jsonl" | "ndjson" | "json") => Format::Jsonl,
            Some("parquet" | "pq") => Format::Parquet,
            _ => bail!(
                "{}: cannot tell the format from the extension; give --format",
                path.display()
            ),
        })
    }
}

/// `floe import` arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input files, loaded together as one version per symbol.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Symbol to write (with `binance`/`lobster`: the prefix of the symbols written).
    #[arg(
        long,
        required_unless_present = "symbol_from",
        conflicts_with = "symbol_from"
    )]
    symbol: Option<String>,
    /// Split rows into symbols by this column's values (the column itself is not stored).
    #[arg(long)]
    symbol_from: Option<String>,
    /// Append to each symbol instead of writing a new version that replaces it.
    #[arg(long)]
    append: bool,
    /// Only stage the files as parts of each symbol, committing nothing: several imports (other
    /// processes or machines) may stage parts of one symbol, and `floe finalize` commits them.
    #[arg(long, conflicts_with = "append")]
    stage: bool,
    /// Index column (default: the first timestamp column).
    #[arg(long)]
    index: Option<String>,
    /// Input format (default: by the first file's extension).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// What a bad row does: fail the import (committing nothing) or skip it and count it.
    #[arg(long, value_enum, default_value_t = OnError::Fail)]
    on_error: OnError,
    /// Parser threads (default: every core).
    #[arg(long)]
    jobs: Option<usize>,
    /// CSV field delimiter: one ASCII character, or `tab`.
    #[arg(long, default_value = ",")]
    delimiter: String,
    /// CSV files have no header line; columns are named by --columns-types, else c1, c2, ...
    #[arg(long)]
    no_header: bool,
    /// Column types, e.g. `ts:timestamp,bid:f64,size:i64,sym:str` (others are inferred from the
    /// first rows). Types: timestamp, f64, i64, bool, str.
    #[arg(long)]
    columns_types: Option<String>,
    /// How timestamp text is read: rfc3339 (integers are ns), s, ms, us, ns (decimal fractions
    /// allowed), or time-of-day (seconds after midnight of --date).
    #[arg(long, default_value = "rfc3339")]
    timestamp_format: String,
    /// The date of time-of-day timestamps, YYYY-MM-DD (UTC).
    #[arg(long)]
    date: Option<String>,
}

/// Everything parsed from the input, before any commit.
struct Loaded {
    /// Frames with their symbol suffix (`None`: the frame of a plain table format), each as one
    /// sorted batch per input file, in file order.
    frames: Vec<(Option<&'static str>, Vec<RecordBatch>)>,
    skipped: Skipped,
}

/// One symbol's rows to store: a sorted batch per input file that has rows for it.
struct Target {
    symbol: String,
    parts: Vec<RecordBatch>,
}

pub async fn run(lib: &Library, args: &Args) -> anyhow::Result<()> {
    if let Some(jobs) = args.jobs {
        anyhow::ensure!(jobs >= 1, "--jobs must be at least 1");
        // The first rayon use in this process: the pool also bounds encoding on write.
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global()
            .context("cannot set up the worker threads")?;
    }
    let format = match args.format {
        Some(f) => f,
        None => Format::of(&args.files[0])?,
    };
    if args.symbol_from.is_some() && matches!(format, Format::Binance | Format::Lobster) {
        bail!("--symbol-from does not go with --format binance or lobster");
    }
    let mut input_bytes = 0u64;
    for file in &args.files {
        input_bytes += std::fs::metadata(file)
            .with_context(|| format!("cannot open {}", file.display()))?
            .len();
    }
    let started = Instant::now();
    let progress = Progress::new(input_bytes);
    let loaded = match format {
        Format::Csv | Format::Jsonl => load_text(args, format, &progress),
        Format::Parquet => load_parquet(&args.files, args.index.as_deref(), &progress),
        Format::Binance | Format::Lobster => load_preset(&args.files, format, &progress),
    };
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => {
            progress.finish();
            return Err(e);
        }
    };
    let parse_secs = started.elapsed().as_secs_f64();
    let rows: usize = loaded
        .frames
        .iter()
        .flat_map(|(_, parts)| parts)
        .map(RecordBatch::num_rows)
        .sum();
    let targets = match targets(loaded.frames, args) {
        Ok(t) => t,
        Err(e) => {
            progress.finish();
            return Err(e);
        }
    };
    progress.phase(format!("{rows} rows parsed; writing"));
    let write_started = Instant::now();
    let written = store(lib, &targets, args, &progress).await;
    progress.finish();
    let written = written?;
    let write_secs = write_started.elapsed().as_secs_f64();
    let total_secs = started.elapsed().as_secs_f64();
    let mb = input_bytes as f64 / 1e6;
    let stored: u64 = written.iter().map(|w| w.stored_bytes).sum();
    let stored_rows: u64 = written.iter().map(|w| w.rows).sum();
    let verb = if args.stage { "staged" } else { "imported" };
    println!(
        "{verb} {rows} rows from {} file(s), {mb:.1} MB, in {total_secs:.2}s: parse {parse_secs:.2}s ({:.0} rows/s, {:.1} MB/s), write {write_secs:.2}s; {:.2} stored bytes/row",
        args.files.len(),
        rows as f64 / parse_secs.max(1e-9),
        mb / parse_secs.max(1e-9),
        stored as f64 / (stored_rows.max(1) as f64),
    );
    if !args.stage {
        print_encodings(lib, &targets).await;
    }
    if loaded.skipped.count > 0 {
        println!(
            "skipped {} bad row(s); the first {}:",
            loaded.skipped.count,
            loaded.skipped.first.len()
        );
        for e in &loaded.skipped.first {
            println!("  {e}");
        }
    }
    Ok(())
}

/// CSV or JSON lines: settle the columns on the first file, parse every chunk of every file in
/// parallel, then check order and merge.
fn load_text(args: &Args, format: Format, progress: &Progress) -> anyhow::Result<Loaded> {
    let time = TimeFormat::new(&args.timestamp_format, args.date.as_deref())
        .map_err(anyhow::Error::msg)?;
    let types = match &args.columns_types {
        Some(t) => parse::parse_column_types(t).map_err(anyhow::Error::msg)?,
        None => Vec::new(),
    };
    let delimiter = match args.delimiter.as_str() {
        "tab" | "\\t" | "\t" => b'\t',
        d if d.len() == 1 && d.is_ascii() => d.as_bytes()[0],
        d => bail!("--delimiter {d:?} is not one ASCII character"),
    };
    let datas = args
        .files
        .par_iter()
        .map(|f| std::fs::read(f).with_context(|| format!("cannot read {}", f.display())))
        .collect::<anyhow::Result<Vec<Vec<u8>>>>()?;
    let first = &args.files[0];
    let csv = CsvOptions {
        delimiter,
        header: !args.no_header,
        types: types.clone(),
        time,
        index: args.index.clone(),
    };
    // Per file: where its data starts (after the header).
    let (columns, json, starts) = match format {
        Format::Csv => {
            let (columns, start) = csv_in::columns(first, &datas[0], &csv)?;
            let header = text::first_line(&datas[0]).0;
            let mut starts = vec![start];
            for (file, data) in args.files.iter().zip(&datas).skip(1) {
                let (line, after) = text::first_line(data);
                if csv.header && line != header {
                    bail!(
                        "{}:1: the header differs from {}'s; files loaded together share one layout",
                        file.display(),
                        first.display()
                    );
                }
                starts.push(if csv.header { after } else { 0 });
            }
            (columns, None, starts)
        }
        _ => {
            let options = JsonOptions {
                types,
                index: args.index.clone(),
            };
            let json = jsonl::columns(first, &datas[0], &options)?;
            (json.columns.clone(), Some(json), vec![0; datas.len()])
        }
    };
    let first_line = if csv.header && format == Format::Csv {
        2
    } else {
        1
    };
    let work: Vec<(usize, text::Chunk<'_>)> = datas
        .iter()
        .zip(&starts)
        .enumerate()
        .flat_map(|(file_no, (data, &start))| {
            text::chunks(data, start, first_line)
                .into_iter()
                .map(move |c| (file_no, c))
        })
        .collect();
    let parts: Vec<(usize, Result<Part, ImportError>)> = work
        .par_iter()
        .map(|(file_no, chunk)| {
            let path = &args.files[*file_no];
            let part = match &json {
                None => csv_in::parse_chunk(*file_no, path, chunk, &columns, &csv, args.on_error),
                Some(json) => jsonl::parse_chunk(*file_no, path, chunk, json, time, args.on_error),
            };
            let rows = part.as_ref().map_or(0, |p| p.batch.num_rows() as u64);
            progress.advance(chunk.bytes.len() as u64, rows);
            (*file_no, part)
        })
        .collect();
    // The first error in input order, so the message does not depend on thread timing.
    let mut first_error: Option<ImportError> = None;
    let mut ok = Vec::with_capacity(parts.len());
    for (file_no, part) in parts {
        match part {
            Ok(p) => ok.push((file_no, p)),
            Err(e) => {
                if first_error.as_ref().is_none_or(|f| e.at() < f.at()) {
                    first_error = Some(e);
                }
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e.into());
    }
    let index_name = columns.names[columns.index].clone();
    let mut skipped = Skipped::default();
    let mut previous: Option<(usize, i64)> = None;
    // Chunks of each file, in order: concatenated per file below.
    let mut per_file: Vec<Vec<RecordBatch>> = vec![Vec::new(); args.files.len()];
    for (file_no, part) in ok {
        if let (Some((prev_file, last)), Some((ts, at))) = (previous, &part.order.first)
            && prev_file == file_no
            && *ts < last
        {
            return Err(ImportError::Unsorted {
                at: at.clone(),
                column: index_name,
                value: *ts,
                previous: last,
            }
            .into());
        }
        if let Some(last) = part.order.last {
            previous = Some((file_no, last));
        }
        skipped.merge(part.skipped);
        per_file[file_no].push(part.batch);
    }
    let schema = columns.schema();
    let files = per_file
        .into_iter()
        .map(|chunks| concat(&schema, chunks))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Loaded {
        frames: vec![(None, files)],
        skipped,
    })
}

/// Parquet files: each read whole (in parallel), its index made ns, checked sorted.
fn load_parquet(
    files: &[PathBuf],
    index: Option<&str>,
    progress: &Progress,
) -> anyhow::Result<Loaded> {
    let batches = files
        .par_iter()
        .enumerate()
        .map(|(file_no, path)| {
            let batch = crate::files::read(path)?;
            let batch = crate::files::with_ns_index(&crate::files::storable(&batch)?, index)
                .with_context(|| format!("{}", path.display()))?;
            check_sorted(&batch, file_no, path)?;
            let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
            progress.advance(bytes, batch.num_rows() as u64);
            Ok(batch)
        })
        .collect::<anyhow::Result<Vec<RecordBatch>>>()?;
    let schema = batches.first().context("no input files")?.schema();
    for (path, b) in files.iter().zip(&batches).skip(1) {
        if b.schema().fields() != schema.fields() {
            bail!(
                "{}: its columns differ from {}'s; files loaded together share one layout",
                path.display(),
                files[0].display()
            );
        }
    }
    Ok(Loaded {
        frames: vec![(None, batches)],
        skipped: Skipped::default(),
    })
}

/// Binance captures or LOBSTER samples, each through its loader (in parallel); frames of the
/// same kind are merged across files.
fn load_preset(files: &[PathBuf], format: Format, progress: &Progress) -> anyhow::Result<Loaded> {
    let per_file = files
        .par_iter()
        .map(|path| -> anyhow::Result<Vec<(&'static str, RecordBatch)>> {
            let frames = if format == Format::Binance {
                let b = floe_datasets::load_binance(path)?;
                vec![
                    ("trades", b.trades),
                    ("bbo", b.bbo),
                    ("depth", b.depth),
                    ("snapshots", b.snapshots),
                ]
            } else {
                let l = floe_datasets::load_lobster(path)?;
                vec![("messages", l.messages), ("book", l.orderbook)]
            };
            let rows = frames.iter().map(|(_, b)| b.num_rows() as u64).sum();
            progress.advance(std::fs::metadata(path).map_or(0, |m| m.len()), rows);
            Ok(frames)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut by_kind: BTreeMap<&'static str, Vec<RecordBatch>> = BTreeMap::new();
    let mut order = Vec::new();
    for frames in per_file {
        for (kind, batch) in frames {
            if !by_kind.contains_key(kind) {
                order.push(kind);
            }
            by_kind.entry(kind).or_default().push(batch);
        }
    }
    let mut frames = Vec::new();
    for kind in order {
        frames.push((Some(kind), by_kind.remove(kind).unwrap_or_default()));
    }
    Ok(Loaded {
        frames,
        skipped: Skipped::default(),
    })
}

/// Position of a batch's index: its first `Timestamp(Nanosecond)` column.
fn index_position(batch: &RecordBatch) -> anyhow::Result<usize> {
    batch
        .schema()
        .fields()
        .iter()
        .position(|f| matches!(f.data_type(), DataType::Timestamp(TimeUnit::Nanosecond, _)))
        .context("no nanosecond timestamp column for the index")
}

/// Refuses a file whose index goes back in time, naming the row (as its "line").
fn check_sorted(batch: &RecordBatch, file_no: usize, path: &Path) -> anyhow::Result<()> {
    let index = index_position(batch)?;
    let ts = batch
        .column(index)
        .as_primitive::<TimestampNanosecondType>();
    let values = ts.values();
    if let Some(i) = values.windows(2).position(|w| w[0] > w[1]) {
        return Err(ImportError::Unsorted {
            at: Location {
                file_no,
                file: path.to_path_buf(),
                line: i as u64 + 2,
            },
            column: batch.schema().field(index).name().clone(),
            value: values[i + 1],
            previous: values[i],
        }
        .into());
    }
    Ok(())
}

/// Concatenates one file's chunks (each sorted, in order) into one batch.
fn concat(
    schema: &arrow_schema::SchemaRef,
    chunks: Vec<RecordBatch>,
) -> anyhow::Result<RecordBatch> {
    if chunks.len() == 1 {
        return chunks.into_iter().next().context("no batches");
    }
    Ok(arrow_select::concat::concat_batches(schema, &chunks)?)
}

/// The symbols to store, each with its per-file parts, in the order files and frames came.
fn targets(
    frames: Vec<(Option<&'static str>, Vec<RecordBatch>)>,
    args: &Args,
) -> anyhow::Result<Vec<Target>> {
    let mut targets: Vec<Target> = Vec::new();
    // Position of each symbol in `targets`: a `--symbol-from` load can name thousands.
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut add = |symbol: String, part: RecordBatch| match at.get(&symbol) {
        Some(&i) => targets[i].parts.push(part),
        None => {
            at.insert(symbol.clone(), targets.len());
            targets.push(Target {
                symbol,
                parts: vec![part],
            });
        }
    };
    for (suffix, parts) in frames {
        for part in parts {
            match (suffix, &args.symbol, &args.symbol_from) {
                (Some(suffix), Some(symbol), _) => add(format!("{symbol}.{suffix}"), part),
                (None, Some(symbol), _) => add(symbol.clone(), part),
                (_, None, Some(column)) => {
                    for (symbol, rows) in split_by(&part, column)? {
                        add(symbol, rows);
                    }
                }
                (_, None, None) => bail!("give --symbol or --symbol-from"),
            }
        }
    }
    // A file without rows adds nothing, unless no file has rows for the symbol.
    for t in &mut targets {
        if t.parts.iter().any(|p| p.num_rows() > 0) {
            t.parts.retain(|p| p.num_rows() > 0);
        } else {
            t.parts.truncate(1);
        }
    }
    Ok(targets)
}

/// Symbols staged at once by a multi-symbol load.
const SYMBOLS_IN_FLIGHT: usize = 8;

/// What storing one symbol gave.
struct Written {
    rows: u64,
    stored_bytes: u64,
}

/// Writes the targets. One part in all is a plain write (or append). Otherwise every part of
/// every symbol is staged first, and only then is each symbol's set finalized into one version
/// (parts that overlap in time are merged by index), so a failure while
/// uploading commits nothing and drops what this run staged. With `--stage` nothing is finalized.
async fn store(
    lib: &Library,
    targets: &[Target],
    args: &Args,
    progress: &Progress,
) -> anyhow::Result<Vec<Written>> {
    if let [Target { symbol, parts }] = targets
        && let [batch] = parts.as_slice()
        && !args.stage
    {
        let t = Instant::now();
        let info = if args.append {
            lib.append(symbol, batch).await?
        } else {
            lib.write(symbol, batch).await?
        };
        print_version(symbol, &info, batch.num_rows(), t);
        return Ok(vec![Written {
            rows: info.rows,
            stored_bytes: info.stored_bytes,
        }]);
    }
    // Symbols are staged concurrently (each symbol's parts in file order); a failure anywhere
    // drops every part this run staged.
    let results: Vec<(&str, Vec<String>, Option<floe::Error>)> =
        futures::stream::iter(targets.iter().map(|t| async move {
            let mut ids = Vec::with_capacity(t.parts.len());
            for part in &t.parts {
                match lib.stage(&t.symbol, part).await {
                    Ok(id) => ids.push(id),
                    Err(e) => return (t.symbol.as_str(), ids, Some(e)),
                }
            }
            progress.phase(format!("staged {}", t.symbol));
            (t.symbol.as_str(), ids, None)
        }))
        .buffered(SYMBOLS_IN_FLIGHT)
        .collect()
        .await;
    let mut staged: Vec<(&str, Vec<String>)> = Vec::with_capacity(targets.len());
    let mut failure = None;
    for (symbol, ids, error) in results {
        staged.push((symbol, ids));
        if failure.is_none()
            && let Some(e) = error
        {
            failure = Some((symbol, e));
        }
    }
    if let Some((symbol, e)) = failure {
        discard(lib, &staged).await;
        return Err(anyhow::Error::new(e).context(format!(
            "staging {symbol}: nothing was committed, and the parts this import staged were dropped"
        )));
    }
    if args.stage {
        let mut written = Vec::with_capacity(targets.len());
        for (t, (symbol, ids)) in targets.iter().zip(&staged) {
            let (parts, rows) = lib.staged(symbol).await?;
            println!(
                "{symbol}: staged {} part(s), {} rows; {parts} part(s) with {rows} rows are now staged; commit them with `floe finalize {symbol}` (`--merge` if they overlap in time)",
                ids.len(),
                t.parts.iter().map(RecordBatch::num_rows).sum::<usize>(),
            );
            written.push(Written {
                rows: t.parts.iter().map(|p| p.num_rows() as u64).sum(),
                stored_bytes: 0,
            });
        }
        return Ok(written);
    }
    let mut written = Vec::with_capacity(targets.len());
    for (i, (t, (symbol, ids))) in targets.iter().zip(&staged).enumerate() {
        let started = Instant::now();
        let options = floe::FinalizeOptions {
            append: args.append,
            merge_overlapping: true,
            parts: Some(ids.clone()),
            ..Default::default()
        };
        let info = match lib.finalize(symbol, &options).await {
            Ok(info) => info,
            Err(e) => {
                discard(lib, &staged[i..]).await;
                let done: Vec<&str> = staged[..i].iter().map(|(s, _)| *s).collect();
                let committed = if done.is_empty() {
                    "nothing was committed".to_string()
                } else {
                    format!("already committed: {}", done.join(", "))
                };
                return Err(anyhow::Error::new(e)
                    .context(format!("finalizing {symbol}: {committed}; the parts this import staged for the rest were dropped")));
            }
        };
        let rows = t.parts.iter().map(RecordBatch::num_rows).sum();
        print_version(symbol, &info, rows, started);
        written.push(Written {
            rows: info.rows,
            stored_bytes: info.stored_bytes,
        });
    }
    Ok(written)
}

/// Best effort: drops the parts this import staged (gc reclaims their segments).
async fn discard(lib: &Library, staged: &[(&str, Vec<String>)]) {
    for (symbol, ids) in staged {
        if let Err(e) = lib.discard_parts(symbol, ids).await {
            tracing::warn!(symbol, error = %e, "staged parts were not dropped");
        }
    }
}

fn print_version(symbol: &str, info: &floe::VersionInfo, new_rows: usize, started: Instant) {
    println!(
        "{symbol}: version {} with {} rows ({new_rows} new) in {:.2}s, {:.2} stored bytes/row",
        info.version,
        info.rows,
        started.elapsed().as_secs_f64(),
        info.stored_bytes as f64 / (info.rows.max(1) as f64),
    );
}

/// The encodings the codec chose, per column, for the first few symbols written.
async fn print_encodings(lib: &Library, targets: &[Target]) {
    const SHOWN: usize = 4;
    for t in targets.iter().take(SHOWN) {
        let Ok(layout) = lib.inspect(&t.symbol, None).await else {
            continue;
        };
        println!("{} encodings (first segment):", t.symbol);
        for c in &layout.columns {
            if let Some(e) = &c.encoding {
                println!("  {:<16} {e}", c.name);
            }
        }
    }
    if targets.len() > SHOWN {
        println!(
            "({} more symbols; `floe inspect SYMBOL` shows any)",
            targets.len() - SHOWN
        );
    }
}

/// Splits rows into symbols by the text of `column`, which is dropped; rows keep their order.
fn split_by(batch: &RecordBatch, column: &str) -> anyhow::Result<Vec<(String, RecordBatch)>> {
    let schema = batch.schema();
    let position = schema
        .index_of(column)
        .with_context(|| format!("--symbol-from: no column {column:?}"))?;
    let names = arrow_cast::cast(batch.column(position), &DataType::Utf8)?;
    let names = names.as_string::<i32>();
    let mut groups: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for row in 0..names.len() {
        if names.is_null(row) {
            bail!("--symbol-from: row {} has no {column:?}", row + 1);
        }
        groups.entry(names.value(row)).or_default().push(row as u32);
    }
    let mut rest = batch.clone();
    rest.remove_column(position);
    groups
        .into_iter()
        .map(|(name, rows)| {
            anyhow::ensure!(
                !name.is_empty(),
                "--symbol-from: a row has an empty {column:?}"
            );
            Ok((
                name.to_string(),
                arrow_select::take::take_record_batch(&rest, &UInt32Array::from(rows))?,
            ))
        })
        .collect()
}
