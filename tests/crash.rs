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

async fn latest(lib: &Library) -> RecordBatch {
    let frame = lib
        .read("S", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("read after fault: {e}"));
    frame.to_batch().unwrap_or_else(|e| panic!("{e}"))
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Write,
    Append,
}

async fn every_call_fails_in_turn(op: Op, fault: Fault) {
    let quotes = floe_datasets::quotes(&Spec::new(250_000));
    let old = quotes.slice(0, 200_000);
    let (change, new) = match op {
        Op::Write => (
            quotes.slice(100_000, 150_000),
            quotes.slice(100_000, 150_000),
        ),
        Op::Append => (quotes.slice(200_000, 50_000), quotes.clone()),
    };
    let mut k = 1;
    loop {
        let (lib, faults) = faulty_library().await;
        lib.write("S", &old).await.unwrap_or_else(|e| panic!("{e}"));
        faults.reset_counts();
        faults.arm(Calls::Any, k, fault);
        let result = match op {
            Op::Write => lib.write("S", &change).await,
            Op::Append => lib.append("S", &change).await,
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
            // (the commit id is recognised), so an error always means nothing changed.
            Err(e) => assert!(
                now == old,
                "{op:?} with {fault:?} on call {k} reported {e} yet changed the data"
            ),
        }
        if !injected {
            assert!(result.is_ok(), "{op:?} failed with no fault injected");
            assert!(
                k > 3,
                "the operation made suspiciously few storage calls ({k})"
            );
            break;
        }
        // Whatever happened, the symbol keeps working: the next append lands after it.
        let extra = floe_datasets::quotes(&Spec::new(10).start_ns(i64::MAX / 2));
        lib.append("S", &extra)
            .await
            .unwrap_or_else(|e| panic!("append after fault on call {k}: {e}"));
        k += 1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_fails_cleanly_at_every_call() {
    every_call_fails_in_turn(Op::Write, Fault::Fail).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_with_lost_answers_at_every_call() {
    every_call_fails_in_turn(Op::Write, Fault::FailAfter).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_fails_cleanly_at_every_call() {
    every_call_fails_in_turn(Op::Append, Fault::Fail).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_with_lost_answers_at_every_call() {
    every_call_fails_in_turn(Op::Append, Fault::FailAfter).await;
}
