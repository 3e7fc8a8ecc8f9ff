//! Crash consistency: every storage call of a write and of an append fails in turn (before it
//! takes effect, and separately after it took effect with the answer lost); after each, the symbol
//! reads exactly the old state or the new one, and a reported success is always visible.

use arrow_array::RecordBatch;
use floe::{Library, ReadOptions};
use floe_datasets::Spec;
use floe_io::object_store::memory::InMemory;
use floe_io::{Calls, Fault, FaultStore, Faults, Store};
use std::sync::Arc;

async fn faulty_library() -> (Library, Arc<Faults>) {
    let store = FaultStore::new(InMemory::new());
    let faults = store.faults();
    let store =
        Store::from_object_store(Arc::new(store), "", "fault").unwrap_or_else(|e| panic!("{e}"));
    (
        Library::with_store(store)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        faults,
    )
}

/// The symbol's latest rows, `None` once it is deleted.
async fn latest(lib: &Library) -> Option<RecordBatch> {
    match lib.read("S", &ReadOptions::new()).await {
        Ok(frame) => Some(frame.to_batch().unwrap_or_else(|e| panic!("{e}"))),
        Err(floe::Error::SymbolNotFound { .. }) => None,
        Err(e) => panic!("read after fault: {e}"),
    }
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Write,
    Append,
    Update,
    DeleteRange,
    Delete,
    Finalize,
}

/// After pruning all but the latest version and a gc with no grace, the symbol's segments are
/// exactly those its latest version lists: every orphan of a failed call was reclaimed.
async fn gc_reclaims_every_orphan(lib: &Library, what: &str) {
    let latest = lib.version_info("S", None).await;
    lib.prune("S", 1).await.unwrap_or_else(|e| panic!("{e}"));
    lib.discard_staged("S")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    lib.gc_with_grace(0).await.unwrap_or_else(|e| panic!("{e}"));
    let on_disk: u64 = lib
        .store()
        .list("d/S")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|o| o.size)
        .sum();
    let listed = latest.map_or(0, |v| v.stored_bytes);
    assert_eq!(on_disk, listed, "{what}: gc left orphans behind");
}

async fn every_call_fails_in_turn(op: Op, fault: Fault) {
    let quotes = floe_datasets::quotes(&Spec::new(250_000));
    let old = quotes.slice(0, 200_000);
    let t = super::ts(&quotes);
    let (lo, hi) = (t[120_000], t[160_000]);
    let (change, new) = match op {
        Op::Write => (
            quotes.slice(100_000, 150_000),
            Some(quotes.slice(100_000, 150_000)),
        ),
        Op::Append => (quotes.slice(200_000, 50_000), Some(quotes.clone())),
        Op::Finalize => (quotes.slice(200_000, 50_000), Some(quotes.clone())),
        Op::Update => {
            // Replace [lo, hi] by the rows of [lo, hi] of another generated day.
            let other = floe_datasets::quotes(&Spec::new(250_000).seed(7));
            let fix = super::rows_between(&other, lo, hi);
            let before = super::rows_between(&old, i64::MIN, lo - 1);
            let after = super::rows_between(&old, hi + 1, i64::MAX);
            let schema = old.schema();
            let merged = arrow_select::concat::concat_batches(&schema, [&before, &fix, &after])
                .unwrap_or_else(|e| panic!("{e}"));
            (fix, Some(merged))
        }
        Op::DeleteRange => {
            let before = super::rows_between(&old, i64::MIN, lo - 1);
            let after = super::rows_between(&old, hi + 1, i64::MAX);
            let merged = arrow_select::concat::concat_batches(&old.schema(), [&before, &after])
                .unwrap_or_else(|e| panic!("{e}"));
            (old.slice(0, 0), Some(merged))
        }
        Op::Delete => (old.slice(0, 0), None),
    };
    let old = Some(old);
    let mut k = 1;
    loop {
        let (lib, faults) = faulty_library().await;
        let first = old.clone().unwrap_or_else(|| quotes.slice(0, 0));
        lib.write("S", &first)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        if matches!(op, Op::Finalize) {
            lib.stage("S", &change)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        faults.reset_counts();
        faults.arm(Calls::Any, k, fault);
        let result = match op {
            Op::Write => lib.write("S", &change).await,
            Op::Append => lib.append("S", &change).await,
            Op::Update => lib.update("S", lo..=hi, &change).await,
            Op::DeleteRange => lib.delete_range("S", lo..=hi).await,
            Op::Delete => lib.delete("S").await,
            Op::Finalize => {
                let options = floe::FinalizeOptions {
                    append: true,
                    ..Default::default()
                };
                lib.finalize("S", &options).await
            }
        };
        faults.disarm();
        let injected = faults.injected() > 0;
        let now = latest(&lib).await;
        assert!(
            now == old || now == new,
            "{op:?} with {fault:?} on call {k}: a mixed state is visible"
        );
        match &result {
            Ok(info) => {
                assert!(
                    now == new,
                    "{op:?} with {fault:?} on call {k}: reported success is not visible"
                );
                assert_eq!(info.version, 1);
            }
            // One fault per run: if the commit landed, its lost answer must have been recovered
            // (the commit id is recognised), so an error always means nothing changed. (A delete
            // also writes marks after its commit; a failure there may leave the commit in place.)
            Err(e) => assert!(
                now == old || matches!(op, Op::Delete),
                "{op:?} with {fault:?} on call {k} reported {e} yet changed the data"
            ),
        }
        if !injected {
            assert!(result.is_ok(), "{op:?} failed with no fault injected");
            assert!(
                k > 2,
                "the operation made suspiciously few storage calls ({k})"
            );
            break;
        }
        if matches!(op, Op::Delete) && result.is_err() {
            // Deleting again finishes a deletion that stopped half-way.
            lib.delete("S").await.unwrap_or_else(|e| panic!("{e}"));
            assert!(!lib.has_symbol("S").await.unwrap_or(true));
            assert!(lib.list_symbols().await.unwrap_or_default().is_empty());
        }
        gc_reclaims_every_orphan(&lib, &format!("{op:?} with {fault:?} on call {k}")).await;
        // Whatever happened, the symbol keeps working: the next append lands after it.
        let extra = floe_datasets::quotes(&Spec::new(10).start_ns(i64::MAX / 2));
        lib.append("S", &extra)
            .await
            .unwrap_or_else(|e| panic!("append after fault on call {k}: {e}"));
        k += 1;
    }
}

/// Runs one operation on "S" whose first LIST (the head) fails, and checks its puts (what was
/// built and uploaded without waiting for the head, none if it waited) are within `puts`.
async fn with_a_failing_head(
    (lib, faults): (&Library, &Faults),
    op: &str,
    batch: &RecordBatch,
    puts: std::ops::RangeInclusive<u64>,
    why: &str,
) {
    faults.reset_counts();
    faults.arm(Calls::Lists, 1, Fault::Fail);
    let span = super::ts(batch);
    let result = match op {
        "write" => lib.write("S", batch).await,
        "update" => lib.update("S", span[0]..=span[span.len() - 1], batch).await,
        _ => lib.append("S", batch).await,
    };
    faults.disarm();
    assert!(result.is_err(), "{op} succeeded without its head");
    let made = faults.calls(Calls::Puts);
    assert!(puts.contains(&made), "{why}: {made} puts");
}

/// A client that holds the symbol's head (it committed it) builds the next version on it while
/// the LIST runs, so a failed LIST leaves what was uploaded behind, for gc; input that the held
/// head refuses is never written. A client that holds no head uploads a write's rows during the
/// LIST, and waits for the head before anything else. The symbol keeps its state throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_build_on_the_held_head_while_the_head_is_listed() {
    let quotes = floe_datasets::quotes(&Spec::new(140_000));
    let (lib, faults) = faulty_library().await;
    let held = (&lib, &*faults);
    let full = quotes.slice(0, 131_072);
    lib.write("S", &full)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // After a full segment, an append absorbs nothing: only its own segment.
    let after_full = quotes.slice(131_072, 1_000);
    let why = "an append uploads its rows while the head is listed";
    with_a_failing_head(held, "append", &after_full, 1..=1, why).await;
    assert_eq!(latest(&lib).await.as_ref(), Some(&full));
    lib.append("S", &after_full)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let state = quotes.slice(0, 132_072);

    // Onto a 1,000-row tail segment, a small append writes the two merged.
    let merging = quotes.slice(132_072, 500);
    let too_old = quotes.slice(0, 10);
    let renamed = RecordBatch::try_new(
        Arc::new(arrow_schema::Schema::new(
            too_old
                .schema()
                .fields()
                .iter()
                .map(|f| f.as_ref().clone().with_name(format!("{}_x", f.name())))
                .collect::<Vec<_>>(),
        )),
        too_old.columns().to_vec(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let more = quotes.slice(132_072, 5_000);
    let unheld = Library::with_store(lib.store().clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let unheld = (&unheld, &*faults);
    let any = 1..=u64::MAX;
    for (client, op, batch, puts, why) in [
        (
            held,
            "append",
            &merging,
            1..=1,
            "an append merging with the tail rewrites it ahead",
        ),
        (
            held,
            "append",
            &too_old,
            0..=0,
            "an append before the held tail writes nothing",
        ),
        (
            held,
            "update",
            &too_old,
            any.clone(),
            "an update the held head accepts goes ahead",
        ),
        (
            held,
            "update",
            &renamed,
            0..=0,
            "an update of another schema writes nothing",
        ),
        (
            unheld,
            "append",
            &more,
            0..=0,
            "without a held head, an append waits for the head",
        ),
        (
            unheld,
            "write",
            &more,
            any,
            "a write's rows go ahead, held head or not",
        ),
    ] {
        with_a_failing_head(client, op, batch, puts, why).await;
    }
    assert_eq!(latest(&lib).await.as_ref(), Some(&state));
    gc_reclaims_every_orphan(&lib, "uploads ahead of a failed LIST").await;
}

macro_rules! crash_tests {
    ($($name:ident: $op:expr, $fault:expr;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            every_call_fails_in_turn($op, $fault).await;
        }
    )*};
}

crash_tests! {
    write_fails_cleanly_at_every_call: Op::Write, Fault::Fail;
    write_with_lost_answers_at_every_call: Op::Write, Fault::FailAfter;
    append_fails_cleanly_at_every_call: Op::Append, Fault::Fail;
    append_with_lost_answers_at_every_call: Op::Append, Fault::FailAfter;
    update_fails_cleanly_at_every_call: Op::Update, Fault::Fail;
    update_with_lost_answers_at_every_call: Op::Update, Fault::FailAfter;
    delete_range_fails_cleanly_at_every_call: Op::DeleteRange, Fault::Fail;
    delete_range_with_lost_answers_at_every_call: Op::DeleteRange, Fault::FailAfter;
    delete_fails_cleanly_at_every_call: Op::Delete, Fault::Fail;
    delete_with_lost_answers_at_every_call: Op::Delete, Fault::FailAfter;
    finalize_fails_cleanly_at_every_call: Op::Finalize, Fault::Fail;
    finalize_with_lost_answers_at_every_call: Op::Finalize, Fault::FailAfter;
}
