//! Every version-layer operation beyond write and append: update, range and symbol deletion,
//! snapshots, prune and gc, staged writes, batch operations, streaming reads, small-append merging,
//! and concurrent appenders (threads on memory, OS processes on a local directory).

use arrow_array::RecordBatch;
use floe::{Error, FinalizeOptions, Library, LibraryConfig, ReadOptions, Store};
use floe_datasets::Spec;
use futures::TryStreamExt;
use std::sync::Arc;

/// A library on `store` whose segments hold `rows_per_segment` rows.
async fn library_on(store: Store, rows_per_segment: u64) -> Library {
    let config = LibraryConfig {
        rows_per_segment,
        ..LibraryConfig::default()
    };
    let json = serde_json::to_vec(&config).unwrap_or_default();
    store
        .put("_library.json", json.into())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Library::with_store(store)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn memory(rows_per_segment: u64) -> Library {
    library_on(Store::memory(), rows_per_segment).await
}

async fn all(lib: &Library, symbol: &str, options: &ReadOptions) -> RecordBatch {
    lib.read(symbol, options)
        .await
        .unwrap_or_else(|e| panic!("read {symbol}: {e}"))
        .to_batch()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn concat(parts: &[&RecordBatch]) -> RecordBatch {
    arrow_select::concat::concat_batches(&parts[0].schema(), parts.iter().copied())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn ok<T>(r: floe::Result<T>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn update_replaces_exactly_its_range_and_rewrites_only_boundaries() {
    let lib = memory(10_000).await;
    let day = floe_datasets::quotes(&Spec::new(100_000));
    ok(lib.write("S", &day).await);
    let t = super::ts(&day);
    let (lo, hi) = (t[23_456], t[47_000]);
    let other = floe_datasets::quotes(&Spec::new(100_000).seed(9));
    let fix = super::rows_between(&other, lo, hi);
    lib.store().reset_stats();
    let v = ok(lib.update("S", lo..=hi, &fix).await);
    let puts = lib.store().stats().puts;
    let expected = concat(&[
        &super::rows_between(&day, i64::MIN, lo - 1),
        &fix,
        &super::rows_between(&day, hi + 1, i64::MAX),
    ]);
    assert_eq!(all(&lib, "S", &ReadOptions::new()).await, expected);
    assert_eq!(v.rows as usize, expected.num_rows());
    // Two boundary segments rewritten, the new rows' segments, and the manifest.
    let new_segments = fix.num_rows().div_ceil(10_000);
    assert!(
        puts <= (2 + new_segments + 1) as u64,
        "update put {puts} objects: more than its boundaries"
    );
    // The previous version is intact.
    assert_eq!(all(&lib, "S", &ReadOptions::new().as_of(0)).await, day);
    // Rows outside the range are refused, and nothing is written.
    let outside = floe_datasets::quotes(&Spec::new(10).start_ns(hi + 1));
    assert!(matches!(
        lib.update("S", lo..=hi, &outside).await,
        Err(Error::OutsideRange { .. })
    ));
    assert_eq!(ok(lib.list_versions("S").await), vec![1, 0]);
}

#[tokio::test]
async fn delete_range_removes_exactly_its_rows() {
    let lib = memory(7_000).await;
    let day = floe_datasets::quotes(&Spec::new(50_000));
    ok(lib.write("S", &day).await);
    let t = super::ts(&day);
    for (lo, hi) in [(t[0], t[99]), (t[30_000], t[30_500]), (t[49_000], i64::MAX)] {
        let before = all(&lib, "S", &ReadOptions::new()).await;
        ok(lib.delete_range("S", lo..=hi).await);
        let expected = concat(&[
            &super::rows_between(&before, i64::MIN, lo.saturating_sub(1)),
            &super::rows_between(&before, hi.saturating_add(1), i64::MAX),
        ]);
        assert_eq!(all(&lib, "S", &ReadOptions::new()).await, expected);
    }
    assert!(matches!(
        lib.delete_range("missing", 0..10).await,
        Err(Error::SymbolNotFound { .. })
    ));
}

#[tokio::test]
async fn deleted_symbols_vanish_and_can_be_written_again() {
    let lib = memory(10_000).await;
    let q = floe_datasets::quotes(&Spec::new(20_000));
    ok(lib.write("A", &q).await);
    ok(lib.write("B", &q).await);
    ok(lib
        .append(
            "A",
            &floe_datasets::quotes(&Spec::new(10).start_ns(i64::MAX / 2)),
        )
        .await);
    let tombstone = ok(lib.delete("A").await);
    assert_eq!(tombstone.version, 2);
    assert!(!ok(lib.has_symbol("A").await));
    assert_eq!(ok(lib.list_symbols().await), vec!["B".to_string()]);
    assert!(ok(lib.list_versions("A").await).is_empty());
    assert!(matches!(
        lib.read("A", &ReadOptions::new()).await,
        Err(Error::SymbolNotFound { .. })
    ));
    assert!(matches!(
        lib.append("A", &q).await.map(|v| v.version),
        Ok(3)
    ));
    assert_eq!(all(&lib, "A", &ReadOptions::new()).await, q);
    assert_eq!(
        ok(lib.list_symbols().await),
        vec!["A".to_string(), "B".to_string()]
    );
    assert!(ok(lib.has_symbol("A").await));
    assert!(matches!(
        lib.delete("never").await,
        Err(Error::SymbolNotFound { .. })
    ));
}

#[tokio::test]
async fn snapshots_pin_versions_through_delete_prune_and_gc() {
    let lib = memory(10_000).await;
    let q = floe_datasets::quotes(&Spec::new(30_000));
    ok(lib.write("A", &q.slice(0, 10_000)).await);
    ok(lib.write("B", &q).await);
    let snap = ok(lib.create_snapshot("eod", None).await);
    assert_eq!(snap.versions.len(), 2);
    assert!(matches!(
        lib.create_snapshot("eod", None).await,
        Err(Error::SnapshotExists { .. })
    ));
    ok(lib.write("A", &q).await);
    ok(lib.delete("B").await);
    ok(lib.prune("A", 1).await);
    ok(lib.gc_with_grace(0).await);
    let through = ReadOptions::new().snapshot("eod");
    assert_eq!(all(&lib, "A", &through).await, q.slice(0, 10_000));
    assert_eq!(all(&lib, "B", &through).await, q);
    assert_eq!(all(&lib, "A", &ReadOptions::new()).await, q);
    let names: Vec<String> = ok(lib.list_snapshots().await)
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, vec!["eod".to_string()]);
    ok(lib.delete_snapshot("eod").await);
    assert!(matches!(
        lib.delete_snapshot("eod").await,
        Err(Error::SnapshotNotFound { .. })
    ));
    ok(lib.prune("A", 1).await);
    let report = ok(lib.gc_with_grace(0).await);
    assert!(report.manifests >= 2, "{report:?}");
    assert!(matches!(
        lib.read("A", &ReadOptions::new().as_of(0)).await,
        Err(Error::VersionNotFound { .. })
    ));
    // B was deleted and nothing pins it any more: every object of it is gone.
    assert_eq!(ok(lib.stored_bytes("B").await), 0);
    assert!(ok(lib.list_symbols().await) == vec!["A".to_string()]);
}

#[tokio::test]
async fn prune_hides_old_versions_and_gc_waits_for_the_grace_period() {
    let lib = memory(10_000).await;
    let q = floe_datasets::quotes(&Spec::new(40_000));
    for i in 0..4 {
        ok(lib.write("S", &q.slice(i * 10_000, 10_000)).await);
    }
    let report = ok(lib.prune("S", 2).await);
    assert_eq!(report.pruned, vec![1, 0]);
    assert_eq!(ok(lib.list_versions("S").await), vec![3, 2]);
    // A reader that already chose version 0 still reads it until gc runs past the grace period.
    assert_eq!(
        all(&lib, "S", &ReadOptions::new().as_of(0)).await,
        q.slice(0, 10_000)
    );
    let before = ok(lib.stored_bytes("S").await);
    let kept = ok(lib.gc().await);
    assert_eq!(kept, floe::GcReport::default(), "inside the grace period");
    assert_eq!(ok(lib.stored_bytes("S").await), before);
    let report = ok(lib.gc_with_grace(0).await);
    assert_eq!((report.manifests, report.segments), (2, 2));
    assert!(ok(lib.stored_bytes("S").await) < before);
    assert_eq!(
        all(&lib, "S", &ReadOptions::new()).await,
        q.slice(30_000, 10_000)
    );
    assert_eq!(
        all(&lib, "S", &ReadOptions::new().as_of(2)).await,
        q.slice(20_000, 10_000)
    );
}

#[tokio::test]
async fn staged_parts_from_many_writers_finalize_into_one_sorted_version() {
    let lib = memory(10_000).await;
    let q = floe_datasets::quotes(&Spec::new(60_000));
    let t = super::ts(&q);
    // Cut at timestamp changes so that parts do not share a timestamp.
    let mut cuts = vec![0];
    for target in [15_000, 30_000, 45_000] {
        let mut c = target;
        while t[c] == t[c - 1] {
            c += 1;
        }
        cuts.push(c);
    }
    cuts.push(q.num_rows());
    let parts: Vec<RecordBatch> = cuts
        .windows(2)
        .map(|w| q.slice(w[0], w[1] - w[0]))
        .collect();
    // Staged concurrently, out of order.
    let tasks: Vec<_> = parts
        .iter()
        .rev()
        .cloned()
        .map(|p| {
            let lib = lib.clone();
            tokio::spawn(async move { lib.stage("S", &p).await })
        })
        .collect();
    for t in tasks {
        ok(t.await.unwrap_or_else(|e| panic!("{e}")));
    }
    assert!(!ok(lib.has_symbol("S").await), "staged parts are invisible");
    assert_eq!(ok(lib.staged("S").await), (4, 60_000));
    let v = ok(lib.finalize("S", &FinalizeOptions::default()).await);
    assert_eq!((v.version, v.rows), (0, 60_000));
    assert_eq!(all(&lib, "S", &ReadOptions::new()).await, q);
    assert_eq!(ok(lib.staged("S").await), (0, 0));
    assert!(matches!(
        lib.finalize("S", &FinalizeOptions::default()).await,
        Err(Error::NothingStaged { .. })
    ));

    // Overlapping parts are refused (nothing committed, parts kept), or merged on request.
    ok(lib.stage("T", &q.slice(0, 40_000)).await);
    ok(lib.stage("T", &q.slice(20_000, 40_000)).await);
    assert!(matches!(
        lib.finalize("T", &FinalizeOptions::default()).await,
        Err(Error::StagedOverlap { .. })
    ));
    assert!(!ok(lib.has_symbol("T").await));
    let merge = FinalizeOptions {
        merge_overlapping: true,
        ..Default::default()
    };
    let v = ok(lib.finalize("T", &merge).await);
    assert_eq!(v.rows, 80_000);
    let merged = all(&lib, "T", &ReadOptions::new()).await;
    assert!(super::ts(&merged).is_sorted());
    let mut expected = super::ts(&q.slice(0, 40_000)).to_vec();
    expected.extend_from_slice(super::ts(&q.slice(20_000, 40_000)));
    expected.sort_unstable();
    assert_eq!(super::ts(&merged), expected.as_slice());

    // Parts with another schema are refused.
    ok(lib.stage("U", &q.slice(0, 10)).await);
    let narrow = q
        .slice(10, 10)
        .project(&[0, 1])
        .unwrap_or_else(|e| panic!("{e}"));
    ok(lib.stage("U", &narrow).await);
    assert!(matches!(
        lib.finalize("U", &FinalizeOptions::default()).await,
        Err(Error::SchemaMismatch { .. })
    ));
}

#[tokio::test]
async fn a_finalize_of_named_parts_leaves_other_writers_parts_staged() {
    let lib = memory(10_000).await;
    let q = floe_datasets::quotes(&Spec::new(30_000));
    let mine = vec![
        ok(lib.stage("S", &q.slice(10_000, 10_000)).await),
        ok(lib.stage("S", &q.slice(0, 10_000)).await),
    ];
    let theirs = ok(lib.stage("S", &q.slice(20_000, 10_000)).await);
    let only_mine = FinalizeOptions {
        parts: Some(mine.clone()),
        ..Default::default()
    };
    let v = ok(lib.finalize("S", &only_mine).await);
    assert_eq!(v.rows, 20_000);
    assert_eq!(
        all(&lib, "S", &ReadOptions::new()).await,
        q.slice(0, 20_000)
    );
    assert_eq!(
        ok(lib.staged("S").await),
        (1, 10_000),
        "the other part stays"
    );
    // Finalizing my parts again finds none of them staged.
    assert!(matches!(
        lib.finalize("S", &only_mine).await,
        Err(Error::NothingStaged { .. })
    ));
    // Dropping named parts drops only those.
    let extra = ok(lib.stage("S", &q.slice(20_000, 5_000)).await);
    assert_eq!(
        ok(lib.discard_parts("S", &[extra, mine[0].clone()]).await),
        1
    );
    assert_eq!(ok(lib.staged("S").await), (1, 10_000));
    let append = FinalizeOptions {
        append: true,
        parts: Some(vec![theirs]),
        ..Default::default()
    };
    assert_eq!(ok(lib.finalize("S", &append).await).rows, 30_000);
    assert_eq!(all(&lib, "S", &ReadOptions::new()).await, q);
}

#[tokio::test]
async fn merged_parts_keep_the_callers_order_on_equal_times() {
    let lib = memory(10_000).await;
    let q = floe_datasets::quotes(&Spec::new(2_000));
    // Two parts with the same timestamps: the first listed part's rows come first on each tie.
    let a = q.slice(0, 1_000);
    let rest = q.slice(1_000, 1_000);
    let b = RecordBatch::try_new(
        a.schema(),
        std::iter::once(a.column(0).clone())
            .chain(rest.columns()[1..].iter().cloned())
            .collect(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for order in [[0usize, 1], [1, 0]] {
        let ids = [ok(lib.stage("S", &a).await), ok(lib.stage("S", &b).await)];
        let options = FinalizeOptions {
            merge_overlapping: true,
            parts: Some(order.iter().map(|&i| ids[i].clone()).collect()),
            ..Default::default()
        };
        ok(lib.finalize("S", &options).await);
        let merged = all(&lib, "S", &ReadOptions::new()).await;
        let (first, second) = if order[0] == 0 { (&a, &b) } else { (&b, &a) };
        // Row 0 of the merge is row 0 of the first part, row 1 is row 0 of the second.
        assert_eq!(merged.slice(0, 1), first.slice(0, 1), "order {order:?}");
        assert_eq!(merged.slice(1, 1), second.slice(0, 1), "order {order:?}");
    }
}

#[tokio::test]
async fn small_appends_merge_into_few_segments() {
    let lib = memory(16_384).await;
    let q = floe_datasets::quotes(&Spec::new(100_000));
    for i in 0..100 {
        ok(lib.append("S", &q.slice(i * 1_000, 1_000)).await);
    }
    let info = ok(lib.version_info("S", None).await);
    assert_eq!(info.rows, 100_000);
    // Appends merge like a binary counter: segments of 13,000 rows and a short tail (9 in all),
    // where one segment per append would be 100, and merging only into a tail under 1/8 of a
    // segment would leave 34.
    assert!(info.segments <= 10, "{} segments", info.segments);
    assert_eq!(all(&lib, "S", &ReadOptions::new()).await, q);
}

#[tokio::test]
async fn streaming_and_batch_reads_match_plain_reads() {
    let lib = memory(10_000).await;
    let by_symbol = floe_datasets::quotes_by_symbol(&Spec::new(60_000).symbols(3));
    let items: Vec<(&str, RecordBatch)> = by_symbol
        .iter()
        .map(|(s, b)| (s.as_str(), b.clone()))
        .collect();
    for r in lib.write_batch(&items).await {
        ok(r);
    }
    let names: Vec<&str> = items.iter().map(|(s, _)| *s).collect();
    let frames = lib.read_batch(&names, &ReadOptions::new()).await;
    for ((_, batch), frame) in items.iter().zip(frames) {
        assert_eq!(&ok(ok(frame).to_batch()), batch);
    }
    let (sym, batch) = &items[0];
    let mut stream = ok(lib.read_stream(sym, &ReadOptions::new()).await);
    let mut parts = Vec::new();
    while let Some(b) = ok(stream.batches.try_next().await) {
        assert!(b.num_rows() <= 10_000);
        parts.push(b);
    }
    assert!(parts.len() > 1);
    assert_eq!(&concat(&parts.iter().collect::<Vec<_>>()), batch);
    let results = lib
        .append_batch(&[(sym, batch.clone()), ("new", batch.clone())])
        .await;
    assert!(matches!(results[0], Err(Error::AppendBeforeTail { .. })));
    assert!(results[1].is_ok());
}

/// Rows of a batch tagged by writer and sequence number: every row of it has timestamp `ts`.
fn tagged(writer: u32, seq: u32, ts: i64) -> RecordBatch {
    use arrow_array::{TimestampNanosecondArray, UInt32Array};
    use arrow_schema::{DataType, Field, Schema, TimeUnit};
    let schema = Arc::new(Schema::new(vec![
        Field::new("ts", DataType::Timestamp(TimeUnit::Nanosecond, None), false),
        Field::new("writer", DataType::UInt32, false),
        Field::new("seq", DataType::UInt32, false),
    ]));
    RecordBatch::try_new(
        schema,
        vec![
            Arc::new(TimestampNanosecondArray::from(vec![ts; 3])),
            Arc::new(UInt32Array::from(vec![writer; 3])),
            Arc::new(UInt32Array::from(vec![seq; 3])),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Checks a symbol built by concurrent appenders: `committed[v]` is the (writer, seq) that
/// version `v` appended; the latest version holds each committed batch exactly once, in commit
/// order, and the versions are contiguous.
async fn check_appends(lib: &Library, symbol: &str, committed: &[(u32, u32)]) {
    use arrow_array::cast::AsArray;
    use arrow_array::types::UInt32Type;
    let versions = ok(lib.list_versions(symbol).await);
    let expected: Vec<u64> = (0..committed.len() as u64).rev().collect();
    assert_eq!(versions, expected, "versions are not contiguous");
    let batch = all(lib, symbol, &ReadOptions::new()).await;
    let writers = batch.column(1).as_primitive::<UInt32Type>().values();
    let seqs = batch.column(2).as_primitive::<UInt32Type>().values();
    let rows: Vec<(u32, u32)> = writers
        .iter()
        .zip(seqs.iter())
        .step_by(3)
        .map(|(&w, &s)| (w, s))
        .collect();
    assert_eq!(
        rows, committed,
        "batches lost, duplicated or out of commit order"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appenders_on_threads_lose_nothing() {
    let lib = memory(1 << 17).await;
    let tasks: Vec<_> = (0..8u32)
        .map(|w| {
            let lib = lib.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                for seq in 0..25u32 {
                    let v = lib.append("S", &tagged(w, seq, 1_000)).await?;
                    mine.push((v.version, (w, seq)));
                }
                Ok::<_, Error>(mine)
            })
        })
        .collect();
    let mut committed = Vec::new();
    for t in tasks {
        committed.extend(ok(t.await.unwrap_or_else(|e| panic!("{e}"))));
    }
    committed.sort_unstable();
    let order: Vec<(u32, u32)> = committed.iter().map(|(_, ws)| *ws).collect();
    check_appends(&lib, "S", &order).await;
    // Each writer's own batches are in its own order.
    for w in 0..8u32 {
        let seqs: Vec<u32> = order
            .iter()
            .filter(|(x, _)| *x == w)
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(seqs, (0..25).collect::<Vec<_>>());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_truly_conflicting_append_fails_and_leaves_nothing() {
    let lib = memory(1 << 17).await;
    ok(lib.append("S", &tagged(0, 0, 5_000)).await);
    // Both start from the same head; the second to commit is older than the first's rows.
    let (late, early) = (tagged(1, 0, 9_000), tagged(2, 0, 6_000));
    let (a, b) = tokio::join!(lib.append("S", &late), async {
        tokio::task::yield_now().await;
        lib.append("S", &early).await
    });
    // Whichever order they landed in, what is visible is exactly what succeeded.
    let mut expect = vec![(0, 0)];
    let mut landed: Vec<(u64, (u32, u32))> = Vec::new();
    for (r, tag) in [(&a, (1, 0)), (&b, (2, 0))] {
        match r {
            Ok(v) => landed.push((v.version, tag)),
            Err(Error::AppendBeforeTail { .. }) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
    landed.sort_unstable();
    expect.extend(landed.iter().map(|(_, t)| *t));
    check_appends(&lib, "S", &expect).await;
    // The 9,000 batch always lands; the 6,000 one only if it committed first.
    assert!(a.is_ok());
}

#[test]
fn eight_processes_appending_to_one_local_symbol_lose_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = dir.path().join("lib");
    let store_arg = store.to_string_lossy().to_string();
    let files = dir.path().join("batches");
    std::fs::create_dir_all(&files).unwrap_or_else(|e| panic!("{e}"));
    let children: Vec<_> = (0..8u32)
        .map(|w| {
            let store_arg = store_arg.clone();
            let files = files.clone();
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                for seq in 0..25u32 {
                    let path = files.join(format!("w{w}-{seq}.csv"));
                    std::fs::write(
                        &path,
                        format!(
                            "ts,writer,seq\n1970-01-01T00:00:01Z,{w},{seq}\n1970-01-01T00:00:01Z,{w},{seq}\n1970-01-01T00:00:01Z,{w},{seq}\n"
                        ),
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                    let out = std::process::Command::new(env!("CARGO_BIN_EXE_floe"))
                        .args(["--store", &store_arg, "import"])
                        .arg(&path)
                        .args(["--symbol", "S", "--append"])
                        .output()
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    mine.push((w, seq));
                }
                mine
            })
        })
        .collect();
    let mut all_batches = Vec::new();
    for c in children {
        all_batches.extend(
            c.join()
                .unwrap_or_else(|_| panic!("an appender thread panicked")),
        );
    }
    let lib = floe::blocking::Library::open(&store_arg).unwrap_or_else(|e| panic!("{e}"));
    let versions = lib.list_versions("S").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(versions, (0..200u64).rev().collect::<Vec<_>>());
    let batch = lib
        .read("S", &ReadOptions::new())
        .and_then(|f| f.to_batch())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(batch.num_rows(), 600);
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    let (writers, seqs) = (
        batch.column(1).as_primitive::<Int64Type>().values(),
        batch.column(2).as_primitive::<Int64Type>().values(),
    );
    let mut seen: Vec<(u32, u32)> = writers
        .iter()
        .zip(seqs.iter())
        .step_by(3)
        .map(|(&w, &s)| (w as u32, s as u32))
        .collect();
    // Each writer's batches appear in its own order, and every one exactly once.
    for w in 0..8u32 {
        let mine: Vec<u32> = seen
            .iter()
            .filter(|(x, _)| *x == w)
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(mine, (0..25).collect::<Vec<_>>(), "writer {w}");
    }
    seen.sort_unstable();
    all_batches.sort_unstable();
    assert_eq!(seen, all_batches);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn symbol_creation_and_list_compaction_converge() {
    let lib = memory(1 << 17).await;
    let q = floe_datasets::quotes(&Spec::new(100));
    // Phase 1: symbols created, half of them deleted.
    for i in 0..10 {
        ok(lib.write(&format!("old{i}"), &q).await);
    }
    for i in (0..10).step_by(2) {
        ok(lib.delete(&format!("old{i}")).await);
    }
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    // Phase 2: gc compacts phase 1 (older than its 2 s grace) while new symbols are created,
    // a deleted one is written again, and readers list concurrently.
    let gc = {
        let lib = lib.clone();
        tokio::spawn(async move { lib.gc_with_grace(2_000_000_000).await })
    };
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let (lib, q) = (lib.clone(), q.clone());
            tokio::spawn(async move {
                let name = if i == 0 {
                    "old0".to_string()
                } else {
                    format!("new{i}")
                };
                lib.write(&name, &q).await
            })
        })
        .collect();
    let lister = {
        let lib = lib.clone();
        tokio::spawn(async move {
            for _ in 0..5 {
                let seen = lib.list_symbols().await?;
                // Never a deleted symbol that nobody wrote again.
                assert!(!seen.iter().any(|s| s == "old2" || s == "old4"), "{seen:?}");
            }
            Ok::<_, Error>(())
        })
    };
    for w in writers {
        ok(w.await.unwrap_or_else(|e| panic!("{e}")));
    }
    ok(lister.await.unwrap_or_else(|e| panic!("{e}")));
    let report = ok(gc.await.unwrap_or_else(|e| panic!("{e}")));
    assert!(report.manifests > 0, "gc compacted nothing: {report:?}");
    let mut expected: Vec<String> = (1..10).step_by(2).map(|i| format!("old{i}")).collect();
    expected.push("old0".into());
    expected.extend((1..8).map(|i| format!("new{i}")));
    expected.sort();
    assert_eq!(ok(lib.list_symbols().await), expected);
    // A second compaction after everything settled collects the deleted symbols entirely.
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    ok(lib.gc_with_grace(2_000_000_000).await);
    assert_eq!(ok(lib.list_symbols().await), expected);
    for i in [2, 4, 6, 8] {
        assert_eq!(ok(lib.stored_bytes(&format!("old{i}")).await), 0, "old{i}");
    }
    assert_eq!(all(&lib, "old0", &ReadOptions::new()).await, q);
}
