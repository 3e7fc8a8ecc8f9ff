//! `floe gen`: writes a deterministic synthetic dataset to a file.

use std::path::Path;

/// Which dataset to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Quotes,
    Trades,
}

pub fn run(kind: Kind, rows: usize, symbols: usize, seed: u64, out: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(symbols >= 1, "--symbols must be at least 1");
    let spec = floe_datasets::Spec::new(rows).symbols(symbols).seed(seed);
    let batch = match kind {
        Kind::Quotes => floe_datasets::quotes(&spec),
        Kind::Trades => floe_datasets::trades(&spec),
    };
    crate::files::write(out, &batch)?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!(
        "wrote {rows} {kind:?} rows for {symbols} symbol(s) to {} ({size} bytes)",
        out.display()
    );
    Ok(())
}
