//! `floe export`: writes a symbol (or a date range, some columns, an old version of it) to a CSV
//! or Parquet file that `floe import` reads back into the same frame.

use crate::read::{Selection, index_first_utc, write_csv};
use anyhow::Context;
use floe::Library;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::path::PathBuf;

/// `floe export` arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The symbol.
    symbol: String,
    #[command(flatten)]
    selection: Selection,
    /// File format.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A header line, the index first as RFC 3339 with ns, then the other columns.
    Csv,
    /// Zstd-compressed Parquet with the stored Arrow schema.
    Parquet,
}

pub async fn run(lib: &Library, args: &Args) -> anyhow::Result<()> {
    let frame = lib.read(&args.symbol, &args.selection.options()?).await?;
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    match args.format {
        ExportFormat::Csv => write_csv(std::io::BufWriter::new(file), &frame)?,
        ExportFormat::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
                .build();
            let empty =
                index_first_utc(&arrow_array::RecordBatch::new_empty(frame.schema.clone()))?;
            let mut writer = ArrowWriter::try_new(file, empty.schema(), Some(props))?;
            for batch in &frame.batches {
                writer.write(&index_first_utc(batch)?)?;
            }
            writer.close()?;
        }
    }
    println!(
        "{}: version {}, {} rows to {}",
        args.symbol,
        frame.version.version,
        frame.num_rows(),
        args.out.display()
    );
    Ok(())
}
