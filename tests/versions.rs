//! Version-layer behaviour: metadata, reads as of a time under drifting clocks, row windows, and
//! the number of storage requests each operation costs.

use arrow_array::cast::AsArray;
use floe::{Error, Library, ReadOptions, WriteOptions};
use floe_datasets::Spec;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

async fn memory() -> Library {
    Library::open("memory://")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn metadata_rides_with_its_version_and_reads_without_data() {
    let lib = memory().await;
    let quotes = floe_datasets::quotes(&Spec::new(1_000));
    let meta = br#"{"source":"vendor-a","as_of":"2024-01-02"}"#;
    lib.write_with(
        "M",
        &quotes.slice(0, 500),
        &WriteOptions::default().metadata(meta.as_slice()),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    lib.append("M", &quotes.slice(500, 500))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    lib.store().reset_stats();
    let v0 = lib
        .version_info("M", Some(0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v0.metadata.as_deref(), Some(meta.as_slice()));
    let stats = lib.store().stats();
    assert_eq!(
        (stats.gets, stats.range_gets, stats.lists),
        (1, 0, 0),
        "metadata must not read data"
    );
    let v1 = lib
        .version_info("M", None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((v1.version, v1.metadata), (1, None));
}

#[tokio::test]
async fn as_of_time_is_correct_when_clocks_drift() {
    let store = floe::Store::memory();
    let now = Arc::new(AtomicI64::new(1_000_000));
    let clock = now.clone();
    let ahead = Library::with_store(store.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .with_clock(move || clock.load(Ordering::SeqCst) + 3_600_000_000_000);
    let clock = now.clone();
    let behind = Library::with_store(store)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .with_clock(move || clock.load(Ordering::SeqCst) - 3_600_000_000_000);
    let quotes = floe_datasets::quotes(&Spec::new(600));
    let mut times = Vec::new();
    for i in 0..6 {
        now.fetch_add(1_000, Ordering::SeqCst);
        let writer = if i % 2 == 0 { &ahead } else { &behind };
        let info = writer
            .append("D", &quotes.slice(i * 100, 100))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        times.push(info.timestamp_ns);
    }
    assert!(
        times.windows(2).all(|w| w[0] < w[1]),
        "version times not monotone: {times:?}"
    );
    for (v, &t) in times.iter().enumerate() {
        let at = behind
            .read("D", &ReadOptions::new().as_of_time(t))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(at.version.version, v as u64);
        assert_eq!(at.num_rows(), (v + 1) * 100);
        if let Some(&next) = times.get(v + 1) {
            let just_before_next = behind
                .read("D", &ReadOptions::new().as_of_time(next - 1))
                .await;
            assert_eq!(
                just_before_next.ok().map(|f| f.version.version),
                Some(v as u64)
            );
        }
    }
    assert!(matches!(
        behind
            .read("D", &ReadOptions::new().as_of_time(times[0] - 1))
            .await,
        Err(Error::NoVersionAt { .. })
    ));
}

#[tokio::test]
async fn row_windows_head_and_tail() {
    let lib = Library::open("memory://")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let quotes = floe_datasets::quotes(&Spec::new(300_000));
    // Two versions so windows cross segment and append boundaries.
    lib.write("R", &quotes.slice(0, 200_000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    lib.append("R", &quotes.slice(200_000, 100_000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let read = |o: ReadOptions| {
        let lib = lib.clone();
        async move {
            lib.read("R", &o)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .to_batch()
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    assert_eq!(
        read(ReadOptions::new().row_range(130_000..250_000)).await,
        quotes.slice(130_000, 120_000)
    );
    assert_eq!(read(ReadOptions::new().head(10)).await, quotes.slice(0, 10));
    assert_eq!(
        read(ReadOptions::new().tail(7)).await,
        quotes.slice(299_993, 7)
    );
    assert_eq!(read(ReadOptions::new().tail(1_000_000)).await, quotes);
    assert_eq!(
        read(ReadOptions::new().row_range(299_999..))
            .await
            .num_rows(),
        1
    );
    assert_eq!(
        read(ReadOptions::new().row_range(400_000..))
            .await
            .num_rows(),
        0
    );
    // Row window and date range together: the date range applies within the window.
    let ts = crate::ts(&quotes);
    let (lo, hi) = (ts[150_000], ts[260_000]);
    let both = read(
        ReadOptions::new()
            .row_range(100_000..200_000)
            .date_range(lo..=hi),
    )
    .await;
    assert_eq!(
        both,
        crate::rows_between(&quotes.slice(100_000, 100_000), lo, hi)
    );
}

#[tokio::test]
async fn request_counts() {
    let lib = memory().await;
    let quotes = floe_datasets::quotes(&Spec::new(400_000));
    let k = quotes
        .num_rows()
        .div_ceil(lib.config().rows_per_segment as usize) as u64;

    lib.store().reset_stats();
    lib.write("C", &quotes)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let s = lib.store().stats();
    assert_eq!(
        s.puts,
        k + 1,
        "a write of {k} segments puts k segments and one manifest"
    );

    // A client that holds no manifest of the symbol.
    let cold = Library::with_store(lib.store().clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    lib.store().reset_stats();
    cold.read("C", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let s = lib.store().stats();
    assert_eq!(
        s.metadata_requests() + s.gets,
        2,
        "latest read: one LIST and one manifest GET, got {s:?}"
    );
    assert_eq!(s.range_gets, k * 5, "one range per column chunk");

    // The writer holds the manifest it committed.
    lib.store().reset_stats();
    lib.read("C", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let s = lib.store().stats();
    assert_eq!(
        s.metadata_requests() + s.gets,
        1,
        "the writer's latest read: the LIST only, got {s:?}"
    );
    assert_eq!(s.range_gets, k * 5, "one range per column chunk");

    lib.store().reset_stats();
    lib.read("C", &ReadOptions::new().as_of(0).columns(["bid"]))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let s = lib.store().stats();
    assert_eq!((s.lists, s.gets), (0, 1), "as_of(version) is one GET");
    assert_eq!(s.range_gets, k * 2, "ts and bid chunks only");

    lib.store().reset_stats();
    lib.list_versions("C")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        lib.store().stats().requests(),
        1,
        "list_versions is one LIST"
    );
}

#[tokio::test]
async fn symbol_list_converges_whatever_the_clocks() {
    let store = floe::Store::memory();
    let ahead = Library::with_store(store.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .with_clock(|| 5_000_000_000_000 + 3_600_000_000_000);
    let behind = Library::with_store(store)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .with_clock(|| 5_000_000_000_000 - 3_600_000_000_000);
    let q = floe_datasets::quotes(&Spec::new(100));
    let ok = |r: floe::Result<floe::VersionInfo>| r.unwrap_or_else(|e| panic!("{e}"));
    // Interleaved creations and deletions from both clients, concurrently per symbol.
    let (a, b) = tokio::join!(
        async {
            for s in ["A", "B", "C"] {
                ok(ahead.write(s, &q).await);
            }
            ok(ahead.delete("B").await);
        },
        async {
            for s in ["C", "D", "E"] {
                ok(behind.append(s, &q.slice(0, 1)).await);
            }
            ok(behind.delete("E").await);
        }
    );
    let ((), ()) = (a, b);
    // Written again after its deletion, by the client whose clock is behind.
    ok(behind.write("B", &q).await);
    let seen_ahead = ahead.list_symbols().await.unwrap_or_else(|e| panic!("{e}"));
    let seen_behind = behind
        .list_symbols()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seen_ahead, seen_behind);
    assert_eq!(seen_ahead, ["A", "B", "C", "D"]);
    // Times stay monotone along B's history across the two clocks.
    let versions = behind
        .list_versions("B")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let newest = ok(behind.version_info("B", Some(versions[0])).await);
    let first = ok(ahead.version_info("B", Some(0)).await);
    assert!(newest.timestamp_ns > first.timestamp_ns);
}

#[tokio::test]
async fn a_repeated_latest_read_skips_the_manifest_get_but_never_serves_a_stale_one() {
    let store = floe::Store::memory();
    let open = || async {
        Library::with_store(store.clone())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let (reader, writer) = (open().await, open().await);
    let quotes = floe_datasets::quotes(&Spec::new(3_000));
    let rows = |lib: &Library, options: ReadOptions| {
        let lib = lib.clone();
        async move {
            lib.read("R", &options)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .to_batch()
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    writer
        .write("R", &quotes.slice(0, 1_000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows(&reader, ReadOptions::new()).await.num_rows(), 1_000);

    store.reset_stats();
    assert_eq!(rows(&reader, ReadOptions::new()).await.num_rows(), 1_000);
    let s = store.stats();
    assert_eq!(
        (s.lists, s.gets),
        (1, 0),
        "an unchanged symbol: the LIST only, got {s:?}"
    );

    // Another client's commit is seen at once.
    writer
        .append("R", &quotes.slice(1_000, 1_000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows(&reader, ReadOptions::new()).await.num_rows(), 2_000);

    // The same manifest key written again with other content (as a store restored from a
    // backup would do) is read again, not served from the cache.
    let other = floe::Store::memory();
    let elsewhere = Library::with_store(other.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    elsewhere
        .write("R", &quotes.slice(0, 700))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    elsewhere
        .append("R", &quotes.slice(2_000, 300))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for object in other.list("").await.unwrap_or_else(|e| panic!("{e}")) {
        if object.key.contains("R") {
            let bytes = other
                .get(&object.key)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            store
                .put(&object.key, bytes)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let got = rows(&reader, ReadOptions::new()).await;
    assert_eq!(
        got.num_rows(),
        1_000,
        "the rewritten version 1 has 700 + 300 rows"
    );
    let expected = rows(&elsewhere, ReadOptions::new()).await;
    assert_eq!(got, expected);

    // A warm read with columns and a date range gives what a fresh client reads.
    let ts = expected
        .column(0)
        .as_primitive::<arrow_array::types::TimestampNanosecondType>()
        .values();
    let narrow = ReadOptions::new()
        .columns(["ask"])
        .date_range(ts[100]..=ts[800]);
    let warm = rows(&reader, narrow.clone()).await;
    assert_eq!(warm, rows(&open().await, narrow).await);
    assert_eq!(warm.num_rows(), 701);

    // A column that only a newer version has is found, though the held version lacks it.
    let wider = floe_datasets::trades(&Spec::new(500));
    writer
        .write("R", &wider)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let column = wider.schema().field(wider.num_columns() - 1).name().clone();
    assert!(
        expected.schema().index_of(&column).is_err(),
        "{column} must be new"
    );
    let got = rows(&reader, ReadOptions::new().columns([column.as_str()])).await;
    assert_eq!(got.num_rows(), 500);

    // A symbol another client deleted is gone for this one too, whatever it holds.
    writer.delete("R").await.unwrap_or_else(|e| panic!("{e}"));
    match reader.read("R", &ReadOptions::new()).await {
        Err(Error::SymbolNotFound { .. }) => {}
        other => panic!("expected SymbolNotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn a_client_reuses_the_manifest_it_committed_only_while_the_listing_shows_it() {
    let store = floe::Store::memory();
    let open = || async {
        Library::with_store(store.clone())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let (writer, other) = (open().await, open().await);
    let quotes = floe_datasets::quotes(&Spec::new(3_000));
    let ok = |r: floe::Result<floe::VersionInfo>| r.unwrap_or_else(|e| panic!("{e}"));
    ok(writer.write("W", &quotes.slice(0, 1_000)).await);

    // The committing client's next append and latest read: one LIST, no manifest GET.
    store.reset_stats();
    ok(writer.append("W", &quotes.slice(1_000, 500)).await);
    let s = store.stats();
    assert_eq!((s.lists, s.gets), (1, 0), "append after a commit: {s:?}");
    store.reset_stats();
    let frame = writer
        .read("W", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((frame.version.version, frame.num_rows()), (1, 1_500));
    let s = store.stats();
    assert_eq!((s.lists, s.gets), (1, 0), "read after a commit: {s:?}");

    // Another client's commit is seen at once.
    ok(other.append("W", &quotes.slice(1_500, 500)).await);
    store.reset_stats();
    let v = ok(writer.append("W", &quotes.slice(2_000, 500)).await);
    assert_eq!((v.version, v.rows), (3, 2_500));
    let s = store.stats();
    assert_eq!(
        (s.lists, s.gets),
        (1, 1),
        "append onto a rival's commit: {s:?}"
    );

    // The committed key deleted and written again by another client, with content of the same
    // size: the listing shows another entity tag, so the held manifest is not used.
    let a = WriteOptions::default().metadata(b"a".as_slice());
    let b = WriteOptions::default().metadata(b"b".as_slice());
    ok(writer.write_with("K", &quotes.slice(0, 100), &a).await);
    let listed = store.list("v").await.unwrap_or_else(|e| panic!("{e}"));
    let before = listed
        .iter()
        .find(|o| o.key.contains("/K/"))
        .cloned()
        .unwrap_or_else(|| panic!("no manifest of K in {listed:?}"));
    store
        .delete(&before.key)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    ok(other.write_with("K", &quotes.slice(0, 100), &b).await);
    let after = store.list("v").await.unwrap_or_else(|e| panic!("{e}"));
    let after = after
        .iter()
        .find(|o| o.key == before.key)
        .unwrap_or_else(|| panic!("K's version 0 was not written again"));
    assert_eq!(after.size, before.size, "the test needs equal sizes");
    assert_ne!(after.e_tag, before.e_tag);
    let seen = ok(writer.version_info("K", None).await);
    assert_eq!(seen.metadata.as_deref(), Some(b"b".as_slice()));
    let frame = writer
        .read("K", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(frame.version.metadata.as_deref(), Some(b"b".as_slice()));
}
