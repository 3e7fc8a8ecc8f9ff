//! `floe import`: loads one Parquet or CSV file as a version of a symbol, or a Binance capture or
//! LOBSTER sample (through floe-datasets' loaders) as several symbols.

use floe::Library;
use std::path::Path;
use std::time::Instant;

/// Input formats with more than one frame per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// Parquet or CSV, as the extension says.
    Table,
    /// Binance USD-M websocket capture (`<recv ns> <json>` lines, optionally gzipped).
    Binance,
    /// LOBSTER sample zip (messages and order book).
    Lobster,
}

pub async fn run(
    lib: &Library,
    file: &Path,
    symbol: &str,
    append: bool,
    index: Option<&str>,
    preset: Option<Preset>,
) -> anyhow::Result<()> {
    let frames = match preset.unwrap_or(Preset::Table) {
        Preset::Table => {
            let batch = crate::files::with_ns_index(&crate::files::read(file)?, index)?;
            return import_one(lib, symbol, &batch, append).await;
        }
        Preset::Binance => {
            let b = floe_datasets::load_binance(file)?;
            vec![
                ("trades", b.trades),
                ("bbo", b.bbo),
                ("depth", b.depth),
                ("snapshots", b.snapshots),
            ]
        }
        Preset::Lobster => {
            let l = floe_datasets::load_lobster(file)?;
            vec![("messages", l.messages), ("book", l.orderbook)]
        }
    };
    for (suffix, batch) in frames {
        import_one(lib, &format!("{symbol}.{suffix}"), &batch, append).await?;
    }
    Ok(())
}

async fn import_one(
    lib: &Library,
    symbol: &str,
    batch: &arrow_array::RecordBatch,
    append: bool,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let info = if append {
        lib.append(symbol, batch).await?
    } else {
        lib.write(symbol, batch).await?
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{symbol}: version {} with {} rows ({} new) in {secs:.2}s, {:.0} rows/s, {:.2} stored bytes/row",
        info.version,
        info.rows,
        batch.num_rows(),
        batch.num_rows() as f64 / secs.max(1e-9),
        info.stored_bytes as f64 / (info.rows.max(1) as f64),
    );
    Ok(())
}
