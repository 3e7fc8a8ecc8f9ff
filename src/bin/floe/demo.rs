//! `floe demo`: the main job on the default local library. Generates quotes for a few symbols,
//! writes most of each, appends the rest, reads everything, a date range and two columns back,
//! checks every read against the input, and reports speed, size and versions.

use anyhow::ensure;
use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampNanosecondType;
use floe::{Library, ReadOptions};
use std::time::Instant;

pub async fn run(lib: &Library, rows: usize, symbols: usize) -> anyhow::Result<()> {
    ensure!(
        symbols >= 1 && rows >= 100,
        "the demo needs at least one symbol and 100 rows"
    );
    println!("floe demo: library {}", lib.store());
    let started = Instant::now();
    let data =
        floe_datasets::quotes_by_symbol(&floe_datasets::Spec::new(rows * symbols).symbols(symbols));
    println!(
        "generated {} quote rows for {symbols} symbols in {:.2}s\n",
        rows * symbols,
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<8} {:>10} {:>14} {:>14} {:>14} {:>12} {:>10}",
        "symbol", "rows", "write rows/s", "append rows/s", "read rows/s", "range rows", "bytes/row"
    );
    for (symbol, batch) in &data {
        let n = batch.num_rows();
        if n == 0 {
            // The generator spreads rows unevenly over symbols; a tiny demo can leave one empty.
            continue;
        }
        let split = n * 9 / 10;
        let t = Instant::now();
        lib.write(symbol, &batch.slice(0, split)).await?;
        let write_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let info = lib.append(symbol, &batch.slice(split, n - split)).await?;
        let append_s = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let all = lib.read(symbol, &ReadOptions::new()).await?;
        let read_s = t.elapsed().as_secs_f64();
        ensure!(
            all.to_batch()? == *batch,
            "{symbol}: data read back differs from what was written"
        );

        let ts = index_values(batch);
        let (lo, hi) = (ts[n / 2], ts[n / 2 + n / 100]);
        let range = lib
            .read(
                symbol,
                &ReadOptions::new()
                    .date_range(lo..=hi)
                    .columns(["bid", "ask"]),
            )
            .await?;
        let expected = expected_range(batch, lo, hi)?;
        ensure!(
            range.to_batch()? == expected,
            "{symbol}: date-range read differs from the input"
        );

        println!(
            "{symbol:<8} {n:>10} {:>14.0} {:>14.0} {:>14.0} {:>12} {:>10.2}",
            split as f64 / write_s,
            (n - split) as f64 / append_s,
            n as f64 / read_s,
            range.num_rows(),
            info.stored_bytes as f64 / n as f64,
        );
    }
    println!("\nevery read matched the generated data\n");
    for (symbol, _) in &data {
        println!("{symbol} versions:");
        for v in lib.list_versions(symbol).await? {
            println!(
                "  {}",
                crate::read::describe(&lib.version_info(symbol, Some(v)).await?)
            );
        }
    }
    Ok(())
}

/// Rows of `batch` with `lo <= ts <= hi`, projected to ts, bid, ask.
fn expected_range(batch: &RecordBatch, lo: i64, hi: i64) -> anyhow::Result<RecordBatch> {
    let ts = index_values(batch);
    let start = ts.partition_point(|&t| t < lo);
    let end = ts.partition_point(|&t| t <= hi);
    let schema = batch.schema();
    let columns = [
        schema.index_of("ts")?,
        schema.index_of("bid")?,
        schema.index_of("ask")?,
    ];
    Ok(batch.slice(start, end - start).project(&columns)?)
}

fn index_values(batch: &RecordBatch) -> &[i64] {
    batch
        .column(0)
        .as_primitive::<TimestampNanosecondType>()
        .values()
}
