//! Maintenance commands: `floe delete`, `update`, `inspect`, `snapshot create|list|delete`,
//! `prune` and `gc`. Each is a thin wrapper over one library call that prints what it did in one
//! or a few lines; the rules live in the library (docs/protocol.md).

use crate::{files, read};
use anyhow::bail;
use floe::Library;
use std::path::Path;

/// `floe snapshot ...`
#[derive(clap::Subcommand, Debug)]
pub enum Snapshot {
    /// Record the latest version of every symbol (or of --symbols) under a name.
    Create {
        /// Snapshot name.
        name: String,
        /// Only these symbols, comma separated.
        #[arg(long, value_delimiter = ',')]
        symbols: Option<Vec<String>>,
    },
    /// List snapshots.
    List,
    /// Delete a snapshot (its versions become prunable).
    Delete {
        /// Snapshot name.
        name: String,
    },
}

/// An inclusive index range from `--from` (inclusive) and `--to` (exclusive).
fn range(from: Option<&str>, to: Option<&str>) -> anyhow::Result<Option<(i64, i64)>> {
    if from.is_none() && to.is_none() {
        return Ok(None);
    }
    let lo = from.map(read::parse_time).transpose()?.unwrap_or(i64::MIN);
    let hi = match to.map(read::parse_time).transpose()? {
        Some(t) => t.saturating_sub(1),
        None => i64::MAX,
    };
    Ok(Some((lo, hi)))
}

/// `floe delete SYMBOL [--from --to]`: the whole symbol, or only rows in a range.
pub async fn delete(
    lib: &Library,
    symbol: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> anyhow::Result<()> {
    match range(from, to)? {
        Some((lo, hi)) => {
            let v = lib.delete_range(symbol, lo..=hi).await?;
            println!(
                "{symbol}: rows in range deleted; version {} has {} rows",
                v.version, v.rows
            );
        }
        None => {
            let v = lib.delete(symbol).await?;
            println!("{symbol}: deleted (tombstone version {})", v.version);
        }
    }
    Ok(())
}

/// `floe update SYMBOL FILE [--from --to]`: replace the rows of a range (by default the file's own
/// first..last timestamp) by the file's rows.
pub async fn update(
    lib: &Library,
    symbol: &str,
    file: &Path,
    index: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> anyhow::Result<()> {
    let batch = files::with_ns_index(&files::read(file)?, index)?;
    let (lo, hi) = match range(from, to)? {
        Some(r) => r,
        None => {
            let ts = batch
                .column(0)
                .as_any()
                .downcast_ref::<arrow_array::TimestampNanosecondArray>()
                .map(|a| a.values().to_vec())
                .unwrap_or_default();
            match (ts.first(), ts.last()) {
                (Some(&a), Some(&b)) => (a, b),
                _ => bail!(
                    "{} has no rows; give --from and --to to delete a range",
                    file.display()
                ),
            }
        }
    };
    let v = lib.update(symbol, lo..=hi, &batch).await?;
    println!(
        "{symbol}: {} rows replaced the range; version {} has {} rows",
        batch.num_rows(),
        v.version,
        v.rows
    );
    Ok(())
}

/// `floe inspect SYMBOL [--as-of V]`.
pub async fn inspect(lib: &Library, symbol: &str, as_of: Option<u64>) -> anyhow::Result<()> {
    let layout = lib.inspect(symbol, as_of).await?;
    let v = &layout.version;
    println!(
        "{symbol} version {}: {} rows in {} segments, {} bytes ({:.2} B/row), index {:?}",
        v.version,
        v.rows,
        layout.segments.len(),
        v.stored_bytes,
        v.stored_bytes as f64 / v.rows.max(1) as f64,
        layout.index
    );
    println!(
        "{:<20} {:<28} {:>14} {:>8} {:>8}  encoding (first segment)",
        "column", "type", "bytes", "B/row", "ratio"
    );
    for c in &layout.columns {
        let ratio = c.ratio().map_or("-".to_string(), |r| format!("{r:.1}x"));
        println!(
            "{:<20} {:<28} {:>14} {:>8.3} {:>8}  {}",
            c.name,
            c.data_type.to_string(),
            c.stored_bytes,
            c.stored_bytes as f64 / v.rows.max(1) as f64,
            ratio,
            c.encoding.as_deref().unwrap_or("-").replace('\n', " / ")
        );
    }
    println!("segments:");
    for s in &layout.segments {
        println!(
            "  {}  {:>9} rows  {:>12} bytes  {} .. {}",
            s.id,
            s.rows,
            s.bytes,
            format_ns(s.first_ts),
            format_ns(s.last_ts)
        );
    }
    Ok(())
}

/// `floe snapshot ...`.
pub async fn snapshot(lib: &Library, command: &Snapshot) -> anyhow::Result<()> {
    match command {
        Snapshot::Create { name, symbols } => {
            let list: Option<Vec<&str>> = symbols
                .as_ref()
                .map(|s| s.iter().map(String::as_str).collect());
            let info = lib.create_snapshot(name, list.as_deref()).await?;
            println!("snapshot {name}: {} symbols", info.versions.len());
        }
        Snapshot::List => {
            for s in lib.list_snapshots().await? {
                let symbols: Vec<String> = s
                    .versions
                    .iter()
                    .map(|(sym, v)| format!("{sym}@{v}"))
                    .collect();
                println!(
                    "{}\t{}\t{}",
                    s.name,
                    format_ns(s.created_ns),
                    symbols.join(",")
                );
            }
        }
        Snapshot::Delete { name } => {
            lib.delete_snapshot(name).await?;
            println!("snapshot {name}: deleted");
        }
    }
    Ok(())
}

/// `floe prune SYMBOL [--keep N]`.
pub async fn prune(lib: &Library, symbol: &str, keep: usize) -> anyhow::Result<()> {
    let report = lib.prune(symbol, keep).await?;
    println!(
        "{symbol}: pruned {} versions, kept {} for snapshots (gc reclaims them after the grace period)",
        report.pruned.len(),
        report.kept_for_snapshots.len()
    );
    Ok(())
}

/// `floe gc [--grace SECONDS]`.
pub async fn gc(lib: &Library, grace_seconds: u64) -> anyhow::Result<()> {
    let grace = i64::try_from(grace_seconds)
        .unwrap_or(i64::MAX / 1_000_000_000)
        .saturating_mul(1_000_000_000);
    let report = lib.gc_with_grace(grace).await?;
    println!(
        "gc: deleted {} manifests and {} segments ({} bytes); {} deleted symbols collected",
        report.manifests, report.segments, report.bytes, report.symbols
    );
    Ok(())
}

/// RFC 3339 with nanoseconds, UTC.
fn format_ns(ns: i64) -> String {
    chrono::DateTime::from_timestamp_nanos(ns).to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

/// `floe finalize SYMBOL [--append] [--merge]`: commit every staged part as one version.
pub async fn finalize(
    lib: &Library,
    symbol: &str,
    append: bool,
    merge: bool,
) -> anyhow::Result<()> {
    let (parts, rows) = lib.staged(symbol).await?;
    let options = floe::FinalizeOptions {
        append,
        merge_overlapping: merge,
        ..Default::default()
    };
    let v = lib.finalize(symbol, &options).await?;
    println!(
        "{symbol}: {parts} staged parts ({rows} rows) committed as version {} with {} rows",
        v.version, v.rows
    );
    Ok(())
}
