//! Many segments at once: `encode_many` cuts and encodes in parallel and `decode_many` gives the
//! slices back in order; `decode_window` trims exactly at both edges; `DecodeStream` yields every
//! segment in order while pulling at most `ahead` segments from its source; results do not depend
//! on the thread count; damage in one segment is reported with that segment's name, column and
//! offset.

use crate::support::{TestResult, all_types};
use arrow_array::{ArrayRef, Int64Array, RecordBatch};
use floe_codec::Encoding;
use floe_segment::{
    DecodeStream, EncodeOptions, Error, SegmentRead, decode_many, decode_window, encode,
    encode_many,
};
use std::cell::Cell;
use std::sync::Arc;

fn auto() -> EncodeOptions {
    EncodeOptions {
        encoding: Encoding::Auto,
    }
}

fn concat(batches: &[RecordBatch]) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let schema = batches
        .first()
        .map(RecordBatch::schema)
        .ok_or_else(|| arrow_schema::ArrowError::InvalidArgumentError("no batches".into()))?;
    arrow_select::concat::concat_batches(&schema, batches)
}

#[test]
fn encode_many_then_decode_many_round_trips() -> TestResult {
    let batch = all_types(1000, true)?;
    for rps in [1, 7, 250, 999, 1000, 1001, 5000] {
        let segments = encode_many(&batch, rps, &auto())?;
        assert_eq!(
            segments.len(),
            1000usize.div_ceil(rps),
            "rows per segment {rps}"
        );
        for (i, s) in segments.iter().enumerate() {
            let want = rps.min(1000 - i * rps) as u64;
            assert_eq!(s.directory.rows, want);
        }
        let reads: Vec<_> = segments
            .iter()
            .map(|s| SegmentRead::whole("s", &s.bytes))
            .collect();
        let batches = decode_many(&reads)?;
        assert_eq!(concat(&batches)?, batch, "rows per segment {rps}");
    }
    Ok(())
}

#[test]
fn encode_many_keeps_the_schema_of_an_empty_batch_and_rejects_zero_rows() -> TestResult {
    let batch = all_types(0, false)?;
    let segments = encode_many(&batch, 10, &auto())?;
    assert_eq!(segments.len(), 1);
    let back = SegmentRead::whole("s", &segments[0].bytes).decode()?;
    assert_eq!(back, batch);
    assert!(matches!(
        encode_many(&batch, 0, &auto()),
        Err(Error::InvalidInput { .. })
    ));
    Ok(())
}

#[test]
fn results_do_not_depend_on_the_thread_count() -> TestResult {
    let batch = all_types(3000, true)?;
    type Run = (Vec<Vec<u8>>, Vec<RecordBatch>);
    let run = |threads: usize| -> Result<Run, Box<dyn std::error::Error>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let (segments, batches) = pool.install(|| -> Result<_, Error> {
            let segments = encode_many(&batch, 512, &auto())?;
            let reads: Vec<_> = segments
                .iter()
                .map(|s| SegmentRead::whole("s", &s.bytes))
                .collect();
            let batches = decode_many(&reads)?;
            Ok((segments, batches))
        })?;
        Ok((segments.into_iter().map(|s| s.bytes).collect(), batches))
    };
    let (one_bytes, one_batches) = run(1)?;
    let (two_bytes, two_batches) = run(2)?;
    assert_eq!(one_bytes, two_bytes);
    assert_eq!(one_batches, two_batches);
    assert_eq!(concat(&one_batches)?, batch);
    Ok(())
}

#[test]
fn decode_window_trims_exactly_at_both_edges() -> TestResult {
    let batch = all_types(2500, true)?;
    let encoded = encode(&batch, &auto())?;
    let dir = &encoded.directory;
    let columns = [12, 0, 9, 11];
    let chunks: Vec<&[u8]> = dir
        .ranges_for(&columns)
        .iter()
        .map(|r| &encoded.bytes[r.offset as usize..r.range().end as usize])
        .collect();
    let projected = batch.project(&columns)?;
    for (start, end) in [
        (0, 2500),
        (0, 0),
        (2500, 2500),
        (0, 1),
        (1023, 1025),
        (1024, 2048),
        (1, 2499),
        (2499, 2500),
        (700, 1900),
    ] {
        let got = decode_window(dir, &columns, &chunks, start..end, "s")?;
        assert_eq!(got.num_rows(), end - start);
        assert_eq!(
            got,
            projected.slice(start, end - start),
            "window {start}..{end}"
        );
    }
    for (start, end) in [(0, 2501), (2501, 2502), (10, 5)] {
        assert!(
            matches!(
                decode_window(dir, &columns, &chunks, start..end, "s"),
                Err(Error::InvalidInput { .. })
            ),
            "window {start}..{end}"
        );
    }
    let read = SegmentRead {
        columns: Some(&columns),
        rows: Some(1000..1100),
        ..SegmentRead::whole("s", &encoded.bytes)
    };
    assert_eq!(read.decode()?, projected.slice(1000, 100));
    Ok(())
}

#[test]
fn decode_stream_is_ordered_and_pulls_a_bounded_number_of_segments() -> TestResult {
    let v: ArrayRef = Arc::new(Int64Array::from_iter_values(0..10_000));
    let batch = RecordBatch::try_from_iter([("v", v)])?;
    let segments = encode_many(&batch, 300, &auto())?;
    let count = segments.len();
    let pulled = Cell::new(0usize);
    let source = segments.iter().enumerate().map(|(i, s)| {
        pulled.set(pulled.get() + 1);
        (format!("seg{i}"), s.bytes.as_slice())
    });
    let stream = DecodeStream::new(source, 4);
    let mut got = Vec::new();
    for b in stream {
        got.push(b?);
        // Never more than the group of `ahead` segments the current batch came from.
        assert!(
            pulled.get() <= got.len().div_ceil(4) * 4,
            "pulled {} after {} batches",
            pulled.get(),
            got.len()
        );
    }
    assert_eq!(got.len(), count);
    assert_eq!(pulled.get(), count);
    assert_eq!(concat(&got)?, batch);

    let only: Vec<_> = DecodeStream::new(
        segments.iter().map(|s| ("s".to_string(), s.bytes.clone())),
        1,
    )
    .with_columns(vec![0])
    .collect::<Result<_, _>>()?;
    assert_eq!(concat(&only)?, batch);
    Ok(())
}

#[test]
fn damage_names_the_segment_column_and_offset() -> TestResult {
    let batch = all_types(600, true)?;
    let mut files: Vec<Vec<u8>> = encode_many(&batch, 200, &auto())?
        .into_iter()
        .map(|s| s.bytes)
        .collect();
    let dir = floe_segment::read_directory(&files[1], "seg1")?;
    let target = dir.columns[3].values;
    let at = (target.offset + target.len / 2) as usize;
    files[1][at] ^= 0x10;
    let names = ["seg0", "seg1", "seg2"];
    let reads: Vec<_> = files
        .iter()
        .zip(names)
        .map(|(f, n)| SegmentRead::whole(n, f))
        .collect();
    let err = decode_many(&reads).err();
    match err {
        Some(Error::Corrupt {
            segment,
            column,
            offset,
            ..
        }) => {
            assert_eq!(segment, "seg1");
            assert_eq!(
                column.as_deref(),
                Some(batch.schema().field(3).name().as_str())
            );
            assert_eq!(offset, target.offset);
        }
        other => panic!("expected a corrupt error, got {other:?}"),
    }
    // The stream reports the damaged segment in its place and still decodes the others.
    let results: Vec<_> = DecodeStream::new(
        files
            .iter()
            .zip(names)
            .map(|(f, n)| (n.to_string(), f.as_slice())),
        2,
    )
    .collect();
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[2].is_ok());
    assert!(matches!(&results[1], Err(Error::Corrupt { segment, .. }) if segment == "seg1"));
    Ok(())
}
