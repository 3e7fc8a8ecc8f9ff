//! Bit-exact round trips of a million synthetic quotes through every layer, on memory and on a
//! local directory: whole reads, a date range, two columns, and an old version after a rewrite.

use crate::{rows_between, ts};
use floe::{Library, ReadOptions};
use floe_datasets::Spec;

async fn million_rows_round_trip(lib: &Library) {
    let quotes = floe_datasets::quotes(&Spec::new(1_000_000));
    let v0 = lib
        .write("AAPL", &quotes)
        .await
        .unwrap_or_else(|e| panic!("write: {e}"));
    assert_eq!((v0.version, v0.rows), (0, 1_000_000));
    assert!(v0.segments > 1, "1M rows should span several segments");

    let all = lib
        .read("AAPL", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("read: {e}"));
    assert_eq!(
        all.to_batch().ok().as_ref(),
        Some(&quotes),
        "full read differs"
    );

    // A date range in the middle that starts and ends inside segments.
    let t = ts(&quotes);
    let (lo, hi) = (t[400_123], t[612_345]);
    let range = lib
        .read("AAPL", &ReadOptions::new().date_range(lo..=hi))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = rows_between(&quotes, lo, hi);
    assert!(expected.num_rows() >= 212_223);
    assert_eq!(
        range.to_batch().ok().as_ref(),
        Some(&expected),
        "date range differs"
    );

    // Exclusive end.
    let half_open = lib
        .read("AAPL", &ReadOptions::new().date_range(lo..hi))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        half_open.num_rows(),
        rows_between(&quotes, lo, hi - 1).num_rows()
    );

    // Two columns: the index comes along, stored order kept.
    let two = lib
        .read("AAPL", &ReadOptions::new().columns(["ask_size", "bid"]))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let schema = quotes.schema();
    let cols = [
        0,
        schema.index_of("bid").unwrap_or(9),
        schema.index_of("ask_size").unwrap_or(9),
    ];
    assert_eq!(
        two.to_batch().ok(),
        quotes.project(&cols).ok(),
        "column projection differs"
    );

    // A second write replaces the data; version 0 stays readable.
    let other = floe_datasets::quotes(&Spec::new(1_000).seed(7));
    let v1 = lib
        .write("AAPL", &other)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v1.version, 1);
    let latest = lib
        .read("AAPL", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(latest.to_batch().ok().as_ref(), Some(&other));
    let old = lib
        .read("AAPL", &ReadOptions::new().as_of(0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        old.to_batch().ok().as_ref(),
        Some(&quotes),
        "version 0 changed after a rewrite"
    );
    assert_eq!(lib.list_versions("AAPL").await.ok(), Some(vec![1, 0]));
    assert_eq!(
        lib.list_symbols().await.ok(),
        Some(vec!["AAPL".to_string()])
    );
    assert!(lib.has_symbol("AAPL").await.unwrap_or(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn million_rows_on_memory() {
    let lib = Library::open("memory://")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    million_rows_round_trip(&lib).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn million_rows_on_local_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lib = Library::open(&dir.path().display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    million_rows_round_trip(&lib).await;
    // A second client opening the same directory sees the same library.
    let again = Library::open(&format!("file://{}", dir.path().display()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.list_versions("AAPL").await.ok(), Some(vec![1, 0]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_read_back_in_order_with_trades_strings() {
    let lib = Library::open("memory://")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let trades = floe_datasets::trades(&Spec::new(50_000).symbols(3));
    for (i, start) in (0..50_000).step_by(5_000).enumerate() {
        let info = lib
            .append("T", &trades.slice(start, 5_000))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(info.version, i as u64);
    }
    let back = lib
        .read("T", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.to_batch().ok().as_ref(), Some(&trades));
    let v3 = lib
        .read("T", &ReadOptions::new().as_of(3))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v3.to_batch().ok(), Some(trades.slice(0, 20_000)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_lose_nothing() {
    let lib = Library::open("memory://")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Every writer's rows share one timestamp range, so any commit order is a valid append.
    let batch = floe_datasets::quotes(&Spec::new(100).start_ns(1_000_000_000));
    let flat = batch.slice(0, 1);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let lib = lib.clone();
            let flat = flat.clone();
            tokio::spawn(async move { lib.append("RACE", &flat).await })
        })
        .collect();
    for t in tasks {
        t.await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(
        lib.list_versions("RACE").await.ok().map(|v| v.len()),
        Some(8)
    );
    let back = lib
        .read("RACE", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.num_rows(), 8, "an append was lost");
}

#[test]
fn blocking_api_from_plain_main() {
    let lib = floe::blocking::Library::open("memory://").unwrap_or_else(|e| panic!("{e}"));
    let quotes = floe_datasets::quotes(&Spec::new(10_000));
    lib.write("B", &quotes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        lib.read("B", &ReadOptions::new())
            .ok()
            .and_then(|f| f.to_batch().ok())
            .as_ref(),
        Some(&quotes)
    );
    assert_eq!(lib.list_symbols().ok(), Some(vec!["B".to_string()]));
}
