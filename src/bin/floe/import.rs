//! `floe import`: loads one Parquet or CSV file as a version of a symbol.

use floe::Library;
use std::path::Path;
use std::time::Instant;

pub async fn run(
    lib: &Library,
    file: &Path,
    symbol: &str,
    append: bool,
    index: Option<&str>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let batch = crate::files::with_ns_index(&crate::files::read(file)?, index)?;
    let info = if append {
        lib.append(symbol, &batch).await?
    } else {
        lib.write(symbol, &batch).await?
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
