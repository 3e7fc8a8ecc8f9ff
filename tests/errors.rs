//! Bad input and damaged storage give typed errors, and a failed write commits nothing.

use arrow_array::{Float64Array, Int64Array, RecordBatch, TimestampNanosecondArray};
use floe::{Error, Library, ReadOptions};
use floe_datasets::Spec;
use std::sync::Arc;

async fn memory() -> Library {
    Library::open("memory://")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Every object key in the store, to prove a failed call wrote nothing.
async fn all_keys(lib: &Library) -> Vec<String> {
    lib.store()
        .list("")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|o| o.key)
        .collect()
}

#[tokio::test]
async fn missing_symbol_and_version_are_not_found() {
    let lib = memory().await;
    assert!(matches!(
        lib.read("NOPE", &ReadOptions::new()).await,
        Err(Error::SymbolNotFound { .. })
    ));
    lib.write("X", &floe_datasets::quotes(&Spec::new(10)))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        lib.read("X", &ReadOptions::new().as_of(5)).await,
        Err(Error::VersionNotFound { version: 5, .. })
    ));
    assert!(matches!(
        lib.read("X", &ReadOptions::new().columns(["nope"])).await,
        Err(Error::UnknownColumn { .. })
    ));
    assert!(!lib.has_symbol("NOPE").await.unwrap_or(true));
}

#[tokio::test]
async fn invalid_names_write_nothing() {
    let lib = memory().await;
    let before = all_keys(&lib).await;
    let quotes = floe_datasets::quotes(&Spec::new(10));
    for name in ["", "bad\nname", &"x".repeat(300)] {
        assert!(
            matches!(
                lib.write(name, &quotes).await,
                Err(Error::InvalidSymbol { .. })
            ),
            "{name:?}"
        );
        assert!(matches!(
            lib.read(name, &ReadOptions::new()).await,
            Err(Error::InvalidSymbol { .. })
        ));
    }
    assert_eq!(all_keys(&lib).await, before);
    // Names that look like paths are data, stored under one escaped key segment.
    lib.write("../../etc/passwd", &quotes)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        lib.list_symbols().await.ok(),
        Some(vec!["../../etc/passwd".to_string()])
    );
    assert!(
        all_keys(&lib)
            .await
            .iter()
            .all(|k| k.starts_with("v/=2E.=2F")
                || k.starts_with("d/=2E.=2F")
                || k == "_library.json")
    );
}

#[tokio::test]
async fn bad_frames_write_nothing() {
    let lib = memory().await;
    let before = all_keys(&lib).await;
    let no_index =
        RecordBatch::try_from_iter([("px", Arc::new(Float64Array::from(vec![1.0, 2.0])) as _)])
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        lib.write("S", &no_index).await,
        Err(Error::MissingIndex { .. })
    ));
    let int_time =
        RecordBatch::try_from_iter([("ts", Arc::new(Int64Array::from(vec![1, 2])) as _)])
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        lib.write("S", &int_time).await,
        Err(Error::MissingIndex { .. })
    ));
    let unsorted = RecordBatch::try_from_iter([
        (
            "ts",
            Arc::new(TimestampNanosecondArray::from(vec![5, 6, 4, 7])) as _,
        ),
        ("px", Arc::new(Float64Array::from(vec![1.0; 4])) as _),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    match lib.write("S", &unsorted).await {
        Err(Error::InvalidIndex { row, column, .. }) => {
            assert_eq!((row, column.as_str()), (2, "ts"))
        }
        other => panic!("expected InvalidIndex, got {other:?}"),
    }
    assert_eq!(
        all_keys(&lib).await,
        before,
        "a rejected frame left objects behind"
    );
    assert!(!lib.has_symbol("S").await.unwrap_or(true));
}

#[tokio::test]
async fn appends_that_break_order_or_schema_commit_nothing() {
    let lib = memory().await;
    let quotes = floe_datasets::quotes(&Spec::new(1_000));
    lib.write("Q", &quotes.slice(500, 500))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        lib.append("Q", &quotes.slice(0, 10)).await,
        Err(Error::AppendBeforeTail { .. })
    ));
    let trades = floe_datasets::trades(&Spec::new(10).start_ns(i64::MAX / 2));
    assert!(matches!(
        lib.append("Q", &trades).await,
        Err(Error::SchemaMismatch { .. })
    ));
    assert_eq!(lib.list_versions("Q").await.ok(), Some(vec![0]));
    let back = lib
        .read("Q", &ReadOptions::new())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.to_batch().ok(), Some(quotes.slice(500, 500)));
}

#[tokio::test]
async fn flipped_byte_in_a_segment_is_caught_by_its_checksum() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lib = Library::open(&dir.path().display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let quotes = floe_datasets::quotes(&Spec::new(10_000));
    lib.write("C", &quotes)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let segment = lib
        .store()
        .list("d/C")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(segment.len(), 1);
    let path = dir.path().join(&segment[0].key);
    let mut bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    match lib.read("C", &ReadOptions::new()).await {
        Err(Error::Segment(floe_segment::Error::Corrupt { segment, .. })) => {
            assert!(segment.ends_with(".seg"))
        }
        other => panic!(
            "expected a Corrupt segment error, got {:?}",
            other.map(|f| f.num_rows())
        ),
    }
}

#[tokio::test]
async fn flipped_byte_in_a_manifest_is_corrupt() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lib = Library::open(&dir.path().display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    lib.write("M", &floe_datasets::quotes(&Spec::new(100)))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let manifest = lib
        .store()
        .list("v/M")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join(&manifest[0].key);
    let mut bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        lib.read("M", &ReadOptions::new()).await,
        Err(Error::Corrupt { .. })
    ));
}

#[tokio::test]
async fn failing_storage_commits_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lib = Library::open(&dir.path().display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // A plain file where the symbol's segment directory must go makes every segment put fail.
    std::fs::create_dir_all(dir.path().join("d")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("d/F"), b"in the way").unwrap_or_else(|e| panic!("{e}"));
    let quotes = floe_datasets::quotes(&Spec::new(1_000));
    assert!(matches!(
        lib.write("F", &quotes).await,
        Err(Error::Storage(_))
    ));
    assert!(
        !lib.has_symbol("F").await.unwrap_or(true),
        "a version was committed without its segments"
    );
    assert_eq!(lib.list_symbols().await.ok(), Some(vec![]));
}
