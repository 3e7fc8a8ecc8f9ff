//! `floe read` and `floe versions`: print a symbol as a table or CSV, and list its versions.

use anyhow::{Context, bail};
use floe::{Library, ReadOptions};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The symbol.
    symbol: String,
    /// First timestamp to include: RFC 3339 or integer ns since the epoch.
    #[arg(long)]
    from: Option<String>,
    /// Timestamp to stop before (exclusive): RFC 3339 or integer ns since the epoch.
    #[arg(long)]
    to: Option<String>,
    /// Columns to read, comma separated (the index is always included).
    #[arg(long, value_delimiter = ',')]
    columns: Option<Vec<String>>,
    /// Version to read (default: latest).
    #[arg(long)]
    as_of: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
}

/// Parses RFC 3339 or integer nanoseconds since the epoch.
pub fn parse_time(text: &str) -> anyhow::Result<i64> {
    if let Ok(ns) = text.parse::<i64>() {
        return Ok(ns);
    }
    let t = chrono::DateTime::parse_from_rfc3339(text)
        .with_context(|| format!("{text:?} is neither RFC 3339 nor integer nanoseconds"))?;
    t.timestamp_nanos_opt()
        .with_context(|| format!("{text:?} is outside the nanosecond range"))
}

pub async fn run(lib: &Library, args: &Args) -> anyhow::Result<()> {
    let mut options = ReadOptions::new();
    if let Some(v) = args.as_of {
        options = options.as_of(v);
    }
    let from = args
        .from
        .as_deref()
        .map(parse_time)
        .transpose()?
        .unwrap_or(i64::MIN);
    match args.to.as_deref().map(parse_time).transpose()? {
        Some(to) => options = options.date_range(from..to),
        None if args.from.is_some() => options = options.date_range(from..),
        None => {}
    }
    if let Some(columns) = &args.columns {
        options = options.columns(columns.clone());
    }
    let frame = lib.read(&args.symbol, &options).await?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    match args.format {
        OutputFormat::Table => {
            if frame.num_rows() > 0 {
                writeln!(
                    out,
                    "{}",
                    arrow_cast::pretty::pretty_format_batches(&frame.batches)?
                )?;
            }
            writeln!(
                out,
                "{} rows, version {}",
                frame.num_rows(),
                frame.version.version
            )?;
        }
        OutputFormat::Csv => {
            let mut writer = arrow_csv::WriterBuilder::new().with_header(true).build(out);
            if frame.batches.is_empty() {
                writer.write(&arrow_array::RecordBatch::new_empty(frame.schema.clone()))?;
            }
            for batch in &frame.batches {
                writer.write(batch)?;
            }
        }
    }
    Ok(())
}

pub async fn versions(lib: &Library, symbol: &str) -> anyhow::Result<()> {
    let versions = lib.list_versions(symbol).await?;
    if versions.is_empty() {
        bail!(floe::Error::SymbolNotFound {
            symbol: symbol.to_string()
        });
    }
    for v in versions {
        let info = lib.version_info(symbol, Some(v)).await?;
        println!("{}", describe(&info));
    }
    Ok(())
}

/// One line about a version: number, commit time, rows, segments, bytes.
pub fn describe(info: &floe::VersionInfo) -> String {
    let when = chrono::DateTime::from_timestamp_nanos(info.timestamp_ns)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    format!(
        "v{:<4} {when}  {:>12} rows  {:>5} segments  {:>12} bytes",
        info.version, info.rows, info.segments, info.stored_bytes
    )
}
