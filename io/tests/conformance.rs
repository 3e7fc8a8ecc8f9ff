//! One conformance suite, run against every way of opening a store: memory, a local directory
//! (by absolute path, `file://` URL and relative path) and wrapped `object_store` backends.
//!
//! Each part works under its own top-level prefix so the parts cannot see each other's objects,
//! except `list_dirs("")`, which checks the set of those prefixes.

#![allow(clippy::expect_used)] // a failed expectation is a failed test

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use floe_io::object_store::{self, ObjectStore};
use floe_io::{Error, ObjectInfo, Stats, Store};

fn b(s: &'static str) -> Bytes {
    Bytes::from_static(s.as_bytes())
}

fn keys(objects: &[ObjectInfo]) -> Vec<&str> {
    objects.iter().map(|o| o.key.as_str()).collect()
}

fn assert_invalid_range<T: std::fmt::Debug>(got: floe_io::Result<T>, want: Range<u64>, size: u64) {
    match got {
        Err(Error::InvalidRange { key, range, reason }) => {
            assert_eq!(key, "range/r");
            assert_eq!(range, want);
            assert!(reason.contains(&format!("{size} bytes")), "{reason}");
        }
        other => panic!("expected InvalidRange {want:?}, got {other:?}"),
    }
}

fn assert_not_found<T: std::fmt::Debug>(got: floe_io::Result<T>, want: &str) {
    match got {
        Err(Error::NotFound { key }) => assert_eq!(key, want),
        other => panic!("expected NotFound {want:?}, got {other:?}"),
    }
}

/// Everything a store must do, whatever the backend. `label` names the backend in failures.
async fn conformance(store: Store, label: &str) {
    conformance_with(store, label, Races::Checked).await;
}

/// Whether the suite checks the outcome of racing writers: moto checks and writes without a lock,
/// so against it only the protocol (412 answers, errors, ranges) is checked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Races {
    Checked,
    Skipped,
}

async fn conformance_with(store: Store, label: &str, races: Races) {
    assert!(
        store.list("").await.expect("list empty").is_empty(),
        "{label}: fresh store"
    );
    assert!(
        store.list_dirs("").await.expect("dirs empty").is_empty(),
        "{label}"
    );

    round_trip(&store).await;
    ranges(&store).await;
    put_if_absent(&store).await;
    if races == Races::Checked {
        concurrent_put_if_absent(&store).await;
    }
    delete(&store).await;
    listing(&store).await;
    invalid_keys(&store).await;
    counting(&store).await;

    let top: BTreeSet<String> = [
        "cas", "del", "list", "listing", "odd", "race", "range", "rt", "st", "tag",
    ]
    .into_iter()
    .filter(|dir| races == Races::Checked || *dir != "race")
    .map(String::from)
    .collect();
    let dirs = store.list_dirs("").await.expect("top dirs");
    assert_eq!(dirs.into_iter().collect::<BTreeSet<_>>(), top, "{label}");
}

async fn round_trip(store: &Store) {
    store.put("rt/a/b/c", b("hello")).await.expect("put");
    assert_eq!(store.get("rt/a/b/c").await.expect("get"), "hello");
    let info = store.head("rt/a/b/c").await.expect("head");
    assert_eq!((info.key.as_str(), info.size), ("rt/a/b/c", 5));
    assert!(
        info.last_modified_ns > 0,
        "{label}: no modification time",
        label = store
    );

    store
        .put("rt/a/b/c", b("replaced!"))
        .await
        .expect("overwrite");
    assert_eq!(store.get("rt/a/b/c").await.expect("get"), "replaced!");
    assert_eq!(store.head("rt/a/b/c").await.expect("head").size, 9);

    store
        .put("rt/empty", Bytes::new())
        .await
        .expect("put empty");
    assert_eq!(store.get("rt/empty").await.expect("get empty"), "");
    assert_eq!(store.head("rt/empty").await.expect("head empty").size, 0);

    let large: Bytes = (0..3_000_000u32)
        .map(|i| (i % 253) as u8)
        .collect::<Vec<u8>>()
        .into();
    store
        .put("rt/large", large.clone())
        .await
        .expect("put large");
    assert_eq!(store.get("rt/large").await.expect("get large"), large);

    assert_not_found(store.get("rt/missing").await, "rt/missing");
    assert_not_found(store.head("rt/a").await, "rt/a");
}

async fn ranges(store: &Store) {
    let data: Vec<u8> = (0..100u8).collect();
    store
        .put("range/r", Bytes::from(data.clone()))
        .await
        .expect("put");
    let slice = |r: Range<usize>| data[r].to_vec();

    assert_eq!(
        store.get_range("range/r", 10..20).await.expect("mid"),
        slice(10..20)
    );
    assert_eq!(
        store.get_range("range/r", 0..100).await.expect("all"),
        slice(0..100)
    );
    assert_eq!(
        store.get_range("range/r", 99..100).await.expect("last"),
        slice(99..100)
    );
    assert_eq!(store.get_range("range/r", 5..5).await.expect("empty"), "");
    assert_eq!(
        store
            .get_range("range/r", 100..100)
            .await
            .expect("empty at end"),
        ""
    );

    assert_invalid_range(store.get_range("range/r", 90..101).await, 90..101, 100);
    assert_invalid_range(store.get_range("range/r", 100..105).await, 100..105, 100);
    assert_invalid_range(store.get_range("range/r", 200..300).await, 200..300, 100);
    match store
        .get_range("range/r", Range { start: 20, end: 10 })
        .await
    {
        Err(Error::InvalidRange { range, reason, .. }) => {
            assert_eq!(range, Range { start: 20, end: 10 });
            assert_eq!(reason, "start is after end");
        }
        other => panic!("reversed range: {other:?}"),
    }
    assert_not_found(
        store.get_range("range/missing", 0..1).await,
        "range/missing",
    );

    let asked = [10..20, 0..5, 5..5, 50..100, 15..25, 0..100, 99..100];
    let got = store
        .get_ranges("range/r", &asked)
        .await
        .expect("get_ranges");
    assert_eq!(got.len(), asked.len());
    for (range, bytes) in asked.iter().zip(&got) {
        assert_eq!(
            bytes.as_ref(),
            &data[range.start as usize..range.end as usize],
            "{range:?}"
        );
    }
    assert!(
        store
            .get_ranges("range/r", &[])
            .await
            .expect("no ranges")
            .is_empty()
    );
    let empties = store
        .get_ranges("range/r", &[3..3, 7..7])
        .await
        .expect("only empty");
    assert_eq!(empties, [Bytes::new(), Bytes::new()]);

    assert_invalid_range(
        store.get_ranges("range/r", &[0..10, 95..105]).await,
        95..105,
        100,
    );
    assert_invalid_range(
        store.get_ranges("range/r", &[0..10, 150..160]).await,
        150..160,
        100,
    );
    assert_invalid_range(
        store
            .get_ranges("range/r", &[5_000_000..5_000_010, 0..10])
            .await,
        5_000_000..5_000_010,
        100,
    );
    match store
        .get_ranges("range/r", &[0..10, Range { start: 9, end: 3 }])
        .await
    {
        Err(Error::InvalidRange { range, .. }) => assert_eq!(range, Range { start: 9, end: 3 }),
        other => panic!("reversed range: {other:?}"),
    }
    assert_not_found(
        store.get_ranges("range/missing", &[0..1, 4..8]).await,
        "range/missing",
    );
}

async fn put_if_absent(store: &Store) {
    store
        .put_if_absent("cas/k", b("first"))
        .await
        .expect("first create");
    match store.put_if_absent("cas/k", b("second")).await {
        Err(Error::AlreadyExists { key }) => assert_eq!(key, "cas/k"),
        other => panic!("second create: {other:?}"),
    }
    assert_eq!(store.get("cas/k").await.expect("get"), "first");
    // A plain put still overwrites, and a deleted key can be created again.
    store.put("cas/k", b("third")).await.expect("overwrite");
    assert_eq!(store.get("cas/k").await.expect("get"), "third");
    store.delete("cas/k").await.expect("delete");
    store
        .put_if_absent("cas/k", b("fourth"))
        .await
        .expect("create after delete");
    assert_eq!(store.get("cas/k").await.expect("get"), "fourth");

    // A write answers with the entity tag that listings and HEADs then show for the object, so
    // a caller can tell from a listing that an object is still the one it wrote.
    let created = store
        .put_if_absent("tag/k", b("tagged"))
        .await
        .expect("create");
    let replaced = store.put("tag/r", b("v1")).await.expect("put");
    let rewritten = store.put("tag/r", b("v2")).await.expect("overwrite");
    for written in [&created, &replaced, &rewritten] {
        let tag = written.e_tag.as_deref().unwrap_or_default();
        assert!(!tag.is_empty() && !tag.starts_with('"'), "{written:?}");
    }
    assert_ne!(replaced.e_tag, rewritten.e_tag, "new content, new tag");
    let listed = store.list("tag").await.expect("list");
    let tags: Vec<_> = listed.iter().map(|o| o.e_tag.clone()).collect();
    assert_eq!(tags, [created.e_tag.clone(), rewritten.e_tag.clone()]);
    assert_eq!(
        store.head("tag/k").await.expect("head").e_tag,
        created.e_tag
    );
}

async fn concurrent_put_if_absent(store: &Store) {
    for round in 0..3 {
        let key = format!("race/v/{round}");
        let tasks: Vec<_> = (0..8)
            .map(|writer| {
                let store = store.clone();
                let key = key.clone();
                tokio::spawn(async move {
                    let body = Bytes::from(format!("writer {writer}"));
                    (writer, store.put_if_absent(&key, body).await)
                })
            })
            .collect();
        let mut winners = Vec::new();
        for task in tasks {
            let (writer, outcome) = task.await.expect("task");
            match outcome {
                Ok(_) => winners.push(writer),
                Err(Error::AlreadyExists { key: k }) => assert_eq!(k, key),
                Err(other) => panic!("writer {writer}: {other:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: winners {winners:?}");
        let content = store.get(&key).await.expect("winner's object");
        assert_eq!(content, format!("writer {}", winners[0]));
    }
}

async fn delete(store: &Store) {
    store.put("del/x", b("x")).await.expect("put");
    store.put("del/y", b("y")).await.expect("put");
    store.delete("del/x").await.expect("delete");
    assert_not_found(store.get("del/x").await, "del/x");
    store.delete("del/x").await.expect("delete again");
    store.delete("del/never/was").await.expect("delete missing");
    assert_eq!(keys(&store.list("del").await.expect("list")), ["del/y"]);
}

async fn listing(store: &Store) {
    let objects = [
        ("list/b/x/2", "22"),
        ("list/a/1", "1"),
        ("list/bc/x", "bcx"),
        ("list/b/1", "b1"),
        ("list/a/0", ""),
        ("list/b/x/y/z/3", "333"),
        ("list/top", "t"),
        ("listing/other", "o"),
    ];
    for (key, body) in objects {
        store
            .put(key, Bytes::from_static(body.as_bytes()))
            .await
            .expect("put");
    }

    let all = store.list("list").await.expect("list");
    assert_eq!(
        keys(&all),
        [
            "list/a/0",
            "list/a/1",
            "list/b/1",
            "list/b/x/2",
            "list/b/x/y/z/3",
            "list/bc/x",
            "list/top"
        ]
    );
    let sizes: Vec<u64> = all.iter().map(|o| o.size).collect();
    assert_eq!(sizes, [0, 1, 2, 2, 3, 3, 1]);

    assert_eq!(
        keys(&store.list("list/b").await.expect("list b")),
        ["list/b/1", "list/b/x/2", "list/b/x/y/z/3"]
    );
    assert_eq!(
        keys(&store.list("list/b/x/y").await.expect("deep")),
        ["list/b/x/y/z/3"]
    );
    assert!(
        store
            .list("list/top")
            .await
            .expect("an object is no directory")
            .is_empty()
    );
    assert!(
        store
            .list("list/nope")
            .await
            .expect("missing prefix")
            .is_empty()
    );
    assert!(store.list("nope").await.expect("missing top").is_empty());

    let everything = store.list("").await.expect("list all");
    let mut sorted = keys(&everything);
    sorted.sort_unstable();
    assert_eq!(keys(&everything), sorted);
    assert!(keys(&everything).contains(&"listing/other"));
    assert!(keys(&everything).contains(&"list/top"));

    // A picking listing gives the same keys, and for the picked ones what `list` says.
    for prefix in ["list", "list/b", "list/nope", ""] {
        let full = store.list(prefix).await.expect("list");
        let pick_odd = |keys: &[String]| (1..keys.len()).step_by(2).collect::<Vec<_>>();
        let picking = store
            .list_picking(prefix, pick_odd)
            .await
            .expect("list picking");
        assert_eq!(picking.keys, keys(&full), "{store}: keys under {prefix:?}");
        let odd: Vec<ObjectInfo> = full.iter().skip(1).step_by(2).cloned().collect();
        assert_eq!(picking.picked, odd, "{store}: picked under {prefix:?}");
    }
    let none = store
        .list_picking("list", |_| Vec::new())
        .await
        .expect("pick none");
    assert_eq!((none.keys.len(), none.picked.len()), (7, 0));
    let past_the_end = store
        .list_picking("list", |keys| vec![keys.len(), 0, 0])
        .await
        .expect("pick out of range");
    assert_eq!(keys(&past_the_end.picked), ["list/a/0"]);

    assert_eq!(
        store.list_dirs("list").await.expect("dirs"),
        ["a", "b", "bc"]
    );
    assert_eq!(store.list_dirs("list/b").await.expect("dirs b"), ["x"]);
    assert_eq!(store.list_dirs("list/b/x").await.expect("dirs x"), ["y"]);
    assert!(
        store
            .list_dirs("list/a")
            .await
            .expect("only objects")
            .is_empty()
    );
    assert!(
        store
            .list_dirs("list/nope")
            .await
            .expect("missing")
            .is_empty()
    );

    // Once a directory's last object is gone, it is no longer listed.
    store.delete("list/bc/x").await.expect("delete");
    assert_eq!(store.list_dirs("list").await.expect("dirs"), ["a", "b"]);
    store.put("list/bc/x", b("bcx")).await.expect("put back");

    // Unusual but valid characters round-trip through a listing exactly.
    let odd = "odd/k=v+x,y;z@ (1)!$&'.seg";
    store.put(odd, b("odd")).await.expect("put odd");
    assert_eq!(keys(&store.list("odd").await.expect("list odd")), [odd]);
    assert_eq!(store.get(odd).await.expect("get odd"), "odd");
}

async fn invalid_keys(store: &Store) {
    let before = store.stats();
    let bad = [
        "", "/a", "a/", "a//b", "..", ".", "a/./b", "a/../b", "../x", "a\nb", "a\tb", "a%2Fb",
        "a#1", "a?b", "a*b", "a\\b", "a~b", "é", "a/\u{0}",
    ];
    for key in bad {
        let is_invalid = |r: &floe_io::Result<()>| matches!(r, Err(Error::InvalidKey { key: k, .. }) if k == key);
        let results = [
            store.get(key).await.map(drop),
            store.get_range(key, 0..1).await.map(drop),
            store.get_range(key, 0..0).await.map(drop),
            store.get_ranges(key, &[0..1, 2..3]).await.map(drop),
            store.head(key).await.map(drop),
            store.put(key, b("x")).await.map(drop),
            store.put_if_absent(key, b("x")).await.map(drop),
            store.delete(key).await,
        ];
        for (i, r) in results.iter().enumerate() {
            assert!(is_invalid(r), "{key:?} op {i}: {r:?}");
        }
        if !key.is_empty() {
            let l = store.list(key).await.map(drop);
            assert!(is_invalid(&l), "list {key:?}: {l:?}");
            let d = store.list_dirs(key).await.map(drop);
            assert!(is_invalid(&d), "list_dirs {key:?}: {d:?}");
        }
    }
    assert_eq!(
        store.stats(),
        before,
        "invalid keys must not reach the backend"
    );
}

async fn counting(store: &Store) {
    store.put("st/a", b("hello")).await.expect("put");
    store.put("st/b", b("0123456789")).await.expect("put");
    store.reset_stats();
    assert_eq!(store.stats(), Stats::default());

    store.get("st/a").await.expect("get");
    store.get_range("st/b", 2..5).await.expect("range");
    store
        .get_range("st/b", 4..4)
        .await
        .expect("empty range is no request");
    store
        .get_ranges("st/b", &[0..2, 2..4, 3..3, 4..6])
        .await
        .expect("ranges");
    store.head("st/a").await.expect("head");
    store.put("st/c", b("abc")).await.expect("put");
    assert!(store.put_if_absent("st/c", b("zz")).await.is_err());
    store.list("st").await.expect("list");
    store.list_dirs("st").await.expect("list_dirs");
    store.delete("st/c").await.expect("delete");
    assert!(store.get("st/missing").await.is_err());

    let stats = store.stats();
    assert_eq!(
        stats,
        Stats {
            gets: 2,
            range_gets: 4,
            // get_range is one fetch; the touching ranges of get_ranges are one more.
            range_fetches: 2,
            heads: 1,
            puts: 2,
            multipart_parts: 0,
            lists: 2,
            deletes: 1,
            bytes_read: 5 + 3 + 6,
            bytes_written: 3,
        }
    );
    assert_eq!(stats.requests(), 10);
    assert_eq!(stats.metadata_requests(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory() {
    conformance(Store::memory(), "Store::memory").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_url() {
    conformance(Store::open("memory://").expect("open"), "memory://").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_url_with_prefix() {
    conformance(
        Store::open("memory:///some/root").expect("open"),
        "memory:///some/root",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn local_absolute_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("lib");
    let store = Store::open(dir.to_str().expect("utf-8 path")).expect("open");
    conformance(store, "absolute path").await;
    assert!(dir.join("rt/a/b/c").is_file(), "objects are plain files");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn local_file_url() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let url = url::Url::from_directory_path(tmp.path()).expect("absolute path");
    let store = Store::open(url.as_str()).expect("open");
    conformance(store, "file:// URL").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn local_relative_path() {
    // Reach a fresh tempdir from the working directory by a relative path ("../../tmp/..."), so
    // nothing is left behind in the source tree.
    let tmp = tempfile::tempdir().expect("tempdir");
    let cwd = std::fs::canonicalize(std::env::current_dir().expect("cwd")).expect("canonical");
    let target = std::fs::canonicalize(tmp.path()).expect("canonical tempdir");
    let ups = cwd.components().count() - 1;
    let relative = format!(
        "{}{}",
        "../".repeat(ups),
        target.display().to_string().trim_start_matches('/')
    );
    let store = Store::open(&format!("{relative}/rel")).expect("open");
    assert_eq!(store.location(), target.join("rel").display().to_string());
    conformance(store, "relative path").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn local_without_fsync() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().to_str().expect("utf-8 path");
    let store = Store::open_with_options(path, [("fsync", "false")]).expect("open");
    conformance(store, "local, no fsync").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wrapped_memory_with_prefix() {
    let inner: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
    let store = Store::from_object_store(inner, "tenant/lib", "wrapped memory").expect("wrap");
    conformance(store, "wrapped memory").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wrapped_local_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let local = object_store::local::LocalFileSystem::new_with_prefix(tmp.path()).expect("local");
    let store = Store::from_object_store(Arc::new(local), "", "wrapped local").expect("wrap");
    conformance(store, "wrapped local").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stores_are_usable_from_a_current_thread_runtime_too() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = Store::open(tmp.path().to_str().expect("utf-8")).expect("open");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let copy = store.clone();
    let got = std::thread::spawn(move || {
        runtime.block_on(async move {
            copy.put("ct/k", b("v")).await?;
            copy.list("ct").await
        })
    })
    .join()
    .expect("thread");
    assert_eq!(keys(&got.expect("list")), ["ct/k"]);
    assert_eq!(store.get("ct/k").await.expect("get"), "v");
}

/// Planned reads return exactly the bytes asked, merged or split, on any backend; run after
/// [`conformance`], under its own prefix.
async fn planned_reads(store: &Store, label: &str) {
    let object: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    store
        .put("plan/obj", Bytes::from(object.clone()))
        .await
        .expect("put");
    let planner = floe_io::ReadPlanner::new()
        .with_max_gap(100)
        .with_max_part(4096)
        .with_min_part(1024);
    let ranges = [0..10, 50..60, 40_000..50_000, 5..5, 1000..1200, 20..30];
    let got = store
        .get_planned("plan/obj", &ranges, &planner)
        .await
        .expect("planned");
    for (range, bytes) in ranges.iter().zip(&got) {
        let want = &object[range.start as usize..range.end as usize];
        assert_eq!(bytes.as_ref(), want, "{label}: {range:?}");
    }
    let past_end = store
        .get_planned("plan/obj", &[0..10, 49_990..50_001], &planner)
        .await;
    match past_end {
        Err(Error::InvalidRange { range, .. }) => assert_eq!(range, 49_990..50_001, "{label}"),
        other => panic!("{label}: expected InvalidRange, got {other:?}"),
    }
    let one = std::slice::from_ref(&(0..1));
    assert_not_found(
        store.get_planned("plan/missing", one, &planner).await,
        "plan/missing",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn planned_reads_on_memory_and_local() {
    let store = Store::memory();
    planned_reads(&store, "memory").await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = Store::open(tmp.path().to_str().expect("utf-8")).expect("open");
    planned_reads(&store, "local").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wrapped_fault_store_without_faults() {
    let fault = floe_io::FaultStore::new(object_store::memory::InMemory::new());
    let faults = fault.faults();
    let store = Store::from_object_store(Arc::new(fault), "", "fault").expect("wrap");
    conformance(store.clone(), "fault store").await;
    planned_reads(&store, "fault store").await;
    assert_eq!(faults.injected(), 0);
    assert!(faults.calls(floe_io::Calls::PutIfAbsent) > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wrapped_counting_store() {
    let counting = floe_io::CountingStore::new(object_store::memory::InMemory::new());
    let counters = counting.counters();
    let store = Store::from_object_store(Arc::new(counting), "", "counting").expect("wrap");
    conformance(store.clone(), "counting store").await;
    counters.reset();
    planned_reads(&store, "counting store").await;
    // One put; the first planned read is 11 fetches (0..60, 1000..1200, and 40 000..50 000 split
    // into 9 parts of at least 1024 bytes), the one past the end 2 (the backend's short answer
    // tells the size: no HEAD), the missing object 1.
    let stats = counters.snapshot();
    assert_eq!((stats.puts, stats.range_gets), (1, 11 + 2 + 1));
    assert_eq!(stats.heads, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wrapped_latency_store() {
    let latency = floe_io::Latency {
        first_byte: std::time::Duration::from_millis(1),
        bytes_per_second: 1 << 30,
    };
    let slow = floe_io::LatencyStore::new(object_store::memory::InMemory::new(), latency);
    let store = Store::from_object_store(Arc::new(slow), "", "latency").expect("wrap");
    conformance(store.clone(), "latency store").await;
    planned_reads(&store, "latency store").await;
}

/// The loop a commit-protocol test runs: fail call k, for every k, and check the outcome. Here
/// the "protocol" is a write of data then a put-if-absent of a pointer, retried once; a retried
/// put-if-absent that finds an object must read it back to tell its own lost write from a rival.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_call_can_fail_once_and_a_retry_recovers() {
    use floe_io::{Calls, Fault, FaultStore};

    async fn commit(store: &Store) -> floe_io::Result<()> {
        store.put("c/data/1", b("payload")).await?;
        match store.put_if_absent("c/ref/1", b("data/1")).await {
            Err(Error::AlreadyExists { .. }) if store.get("c/ref/1").await? == "data/1" => Ok(()),
            other => other.map(|_| ()),
        }
    }

    for fault in [Fault::Fail, Fault::FailAfter] {
        let mut k = 1;
        loop {
            let inner = FaultStore::new(object_store::memory::InMemory::new()).with_fault(
                Calls::Any,
                k,
                fault,
            );
            let faults = inner.faults();
            let store = Store::from_object_store(Arc::new(inner), "", "fault").expect("wrap");
            let first = commit(&store).await;
            if faults.injected() == 0 {
                first.expect("no fault, no error");
                break; // k is past the last call
            }
            assert!(first.is_err(), "{fault:?} on call {k} must surface");
            commit(&store).await.expect("the retry recovers");
            assert_eq!(store.get("c/ref/1").await.expect("ref"), "data/1");
            assert_eq!(store.get("c/data/1").await.expect("data"), "payload");
            k += 1;
        }
        assert_eq!(k, 3, "{fault:?}: two calls in a clean commit");
    }
}

/// Objects above the multipart threshold go up in parts and read back whole and by range; those
/// at or below it are one PUT.
async fn multipart(store: &Store, label: &str) {
    const MIB: usize = 1 << 20;
    let store = store.clone().with_multipart_threshold(10 * MIB as u64);
    let object: Vec<u8> = (0..20 * MIB + 12_345)
        .map(|i| (i * 31 % 251) as u8)
        .collect();
    store.reset_stats();
    store
        .put("mp/big", Bytes::from(object.clone()))
        .await
        .expect("multipart put");
    let stats = store.stats();
    assert_eq!(
        (stats.puts, stats.multipart_parts),
        (1, 3),
        "{label}: {stats:?}"
    );
    assert_eq!(stats.bytes_written, object.len() as u64, "{label}");
    assert_eq!(
        store.head("mp/big").await.expect("head").size,
        object.len() as u64
    );
    let whole = store.get("mp/big").await.expect("get");
    assert!(
        whole.as_ref() == object.as_slice(),
        "{label}: whole object differs"
    );
    let ranges = [
        0..10,
        8 * MIB as u64 - 5..8 * MIB as u64 + 5,
        20 * MIB as u64..20 * MIB as u64 + 12_345,
    ];
    let got = store.get_ranges("mp/big", &ranges).await.expect("ranges");
    for (range, bytes) in ranges.iter().zip(&got) {
        assert_eq!(
            bytes.as_ref(),
            &object[range.start as usize..range.end as usize],
            "{label}"
        );
    }
    store.reset_stats();
    store
        .put("mp/small", Bytes::from(vec![1u8; 10 * MIB]))
        .await
        .expect("put at the threshold");
    assert_eq!(store.stats().multipart_parts, 0, "{label}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn multipart_on_memory_and_local() {
    multipart(&Store::memory(), "memory").await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = Store::open(tmp.path().to_str().expect("utf-8")).expect("open");
    multipart(&store, "local").await;
}

/// Every local read method passes the suite and reads planned ranges exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn local_read_methods() {
    for method in ["pread", "io_uring", "mmap", "object_store"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().to_str().expect("utf-8");
        let store = Store::open_with_options(dir, [("local_read", method)]).expect("open");
        conformance(store.clone(), method).await;
        planned_reads(&store, method).await;
    }
    let bad = Store::open_with_options("memory://", [("local_read", "mmap")]);
    assert!(matches!(bad, Err(Error::InvalidLocation { .. })), "{bad:?}");
}

/// A prefix no earlier run used, so a long-lived test server starts each run empty.
fn fresh_prefix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("run-{}-{nanos}", std::process::id())
}

/// The suite against a cloud store named by `var` (exported by `.ci/services.sh start`), or a
/// line saying it was skipped.
async fn cloud(var: &str, label: &str, compiled: bool) {
    if !compiled {
        println!("SKIPPED: {label} conformance: floe-io built without this backend's feature");
        eprintln!("SKIPPED: {label} conformance: floe-io built without this backend's feature");
        return;
    }
    let Ok(url) = std::env::var(var) else {
        println!("SKIPPED: {label} conformance: {var} is not set (source .ci/services.sh start)");
        eprintln!("SKIPPED: {label} conformance: {var} is not set (source .ci/services.sh start)");
        return;
    };
    let location = format!("{}/{}", url.trim_end_matches('/'), fresh_prefix());
    let store = Store::open_with_options(&location, [("max_retries", "2")]).expect("open");
    conformance_with(store.clone(), label, Races::Skipped).await;
    planned_reads(&store, label).await;
    multipart(&store, label).await;
    // Precondition answers surface as AlreadyExists whatever the status code (S3: 412).
    store.put_if_absent("pc/k", b("1")).await.expect("first");
    match store.put_if_absent("pc/k", b("2")).await {
        Err(Error::AlreadyExists { key }) => assert_eq!(key, "pc/k"),
        other => panic!("{label}: expected AlreadyExists, got {other:?}"),
    }
    assert_eq!(store.get("pc/k").await.expect("get"), "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn s3_through_moto() {
    cloud("FLOE_TEST_S3_URL", "S3 (moto)", cfg!(feature = "aws")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn azure_through_azurite() {
    cloud(
        "FLOE_TEST_AZURE_URL",
        "Azure (Azurite)",
        cfg!(feature = "azure"),
    )
    .await;
}
