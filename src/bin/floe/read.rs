//! `floe read` and `floe versions`: print a symbol as a table or CSV, and list its versions. Also
//! owns the row/column/version selection and the CSV layout that `floe export` shares.

use anyhow::{Context, bail};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, TimeUnit};
use floe::{Library, ReadOptions};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The symbol.
    symbol: String,
    #[command(flatten)]
    selection: Selection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Which rows, columns and version of a symbol to read.
#[derive(clap::Args, Debug)]
pub struct Selection {
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
}

impl Selection {
    /// The read options these arguments say.
    pub fn options(&self) -> anyhow::Result<ReadOptions> {
        let mut options = ReadOptions::new();
        if let Some(v) = self.as_of {
            options = options.as_of(v);
        }
        let from = self
            .from
            .as_deref()
            .map(parse_time)
            .transpose()?
            .unwrap_or(i64::MIN);
        match self.to.as_deref().map(parse_time).transpose()? {
            Some(to) => options = options.date_range(from..to),
            None if self.from.is_some() => options = options.date_range(from..),
            None => {}
        }
        if let Some(columns) = &self.columns {
            options = options.columns(columns.clone());
        }
        Ok(options)
    }
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
    let frame = lib.read(&args.symbol, &args.selection.options()?).await?;
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
        OutputFormat::Csv => write_csv(out, &frame)?,
    }
    Ok(())
}

/// Writes a frame as CSV with a header: the index column first, every timestamp as RFC 3339 UTC
/// with nanoseconds (`2024-01-02T09:30:00.000000123Z`), then the other columns in stored order.
pub fn write_csv(out: impl Write, frame: &floe::Frame) -> anyhow::Result<()> {
    const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.9fZ";
    let mut writer = arrow_csv::WriterBuilder::new()
        .with_header(true)
        .with_timestamp_format(FORMAT.into())
        .with_timestamp_tz_format(FORMAT.into())
        .build(out);
    let empty = [RecordBatch::new_empty(frame.schema.clone())];
    let batches = if frame.batches.is_empty() {
        &empty[..]
    } else {
        &frame.batches[..]
    };
    for batch in batches {
        writer.write(&index_first_utc(batch)?)?;
    }
    Ok(())
}

/// The batch with its index (first nanosecond timestamp) moved first and every timestamp
/// column's zone set to UTC, which changes how it prints, not the instants.
pub fn index_first_utc(batch: &RecordBatch) -> anyhow::Result<RecordBatch> {
    let schema = batch.schema();
    let mut fields: Vec<Field> = Vec::with_capacity(schema.fields().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        match field.data_type() {
            DataType::Timestamp(unit, Some(tz)) if tz.as_ref() != "UTC" => {
                let t = DataType::Timestamp(*unit, Some("UTC".into()));
                columns.push(arrow_cast::cast(column, &t)?);
                fields.push(field.as_ref().clone().with_data_type(t));
            }
            _ => {
                columns.push(column.clone());
                fields.push(field.as_ref().clone());
            }
        }
    }
    let index = fields
        .iter()
        .position(|f| matches!(f.data_type(), DataType::Timestamp(TimeUnit::Nanosecond, _)))
        .unwrap_or(0);
    crate::files::first_then_rest(&schema, fields, columns, index)
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
