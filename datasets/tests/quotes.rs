//! Quote generator: determinism, row counts, schema, price/size/timestamp shape, per-symbol split.

use std::sync::Arc;

use arrow_array::Array;
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use floe_datasets::{Spec, quotes, quotes_by_symbol, symbol_names};

use crate::common::{
    Fnv, SHAPES, check_price_grid, check_sizes, check_timestamps, f64s, i64s, pick, strings, ticks,
    ts,
};

fn schema(with_symbol: bool) -> Schema {
    let mut fields = vec![Field::new(
        "ts",
        DataType::Timestamp(TimeUnit::Nanosecond, Some(Arc::from("UTC"))),
        false,
    )];
    if with_symbol {
        fields.push(Field::new("symbol", DataType::Utf8, false));
    }
    fields.extend([
        Field::new("bid", DataType::Float64, false),
        Field::new("ask", DataType::Float64, false),
        Field::new("bid_size", DataType::Int64, false),
        Field::new("ask_size", DataType::Int64, false),
    ]);
    Schema::new(fields)
}

#[test]
fn same_spec_same_batch_other_seed_other_batch() {
    let spec = Spec::new(20_000).symbols(4);
    assert_eq!(quotes(&spec), quotes(&spec));
    assert_eq!(quotes_by_symbol(&spec), quotes_by_symbol(&spec));
    let other = quotes(&spec.seed(43));
    assert_ne!(quotes(&spec), other);
    assert_ne!(ts(&quotes(&spec)), ts(&other));
    assert_ne!(f64s(&quotes(&spec), "bid"), f64s(&other, "bid"));
}

#[test]
fn fewer_rows_give_a_prefix() {
    let big = quotes(&Spec::new(5_000).symbols(3));
    let small = quotes(&Spec::new(1_234).symbols(3));
    assert_eq!(big.slice(0, 1_234), small);
}

#[test]
fn row_counts_match_the_spec() {
    for (rows, symbols) in SHAPES {
        let spec = Spec::new(rows).symbols(symbols);
        assert_eq!(quotes(&spec).num_rows(), rows, "{spec:?}");
        let parts = quotes_by_symbol(&spec);
        assert_eq!(parts.len(), symbols, "{spec:?}");
        assert_eq!(
            parts.iter().map(|(_, b)| b.num_rows()).sum::<usize>(),
            rows,
            "{spec:?}"
        );
    }
}

#[test]
fn zero_symbols_mean_one() {
    let spec = Spec::new(100).symbols(0);
    assert_eq!(quotes(&spec), quotes(&spec.symbols(1)));
    assert_eq!(quotes_by_symbol(&spec).len(), 1);
}

#[test]
fn schemas_are_exact() {
    assert_eq!(*quotes(&Spec::new(10)).schema(), schema(false));
    assert_eq!(*quotes(&Spec::new(10).symbols(2)).schema(), schema(true));
    assert_eq!(*quotes(&Spec::new(0).symbols(2)).schema(), schema(true));
    for (_, batch) in quotes_by_symbol(&Spec::new(100).symbols(3)) {
        assert_eq!(*batch.schema(), schema(false));
    }
    assert!(
        quotes(&Spec::new(10))
            .columns()
            .iter()
            .all(|c| c.null_count() == 0)
    );
}

#[test]
fn timestamps_are_bursty_nanoseconds() {
    let spec = Spec::new(200_000).symbols(5).start_ns(1_000_000_007);
    check_timestamps(&ts(&quotes(&spec)), 1_000_000_007);
    check_timestamps(
        &ts(&quotes(&Spec::new(50_000).seed(1))),
        Spec::default().start_ns,
    );
}

#[test]
fn books_are_sane_and_mostly_still() {
    let batch = quotes(&Spec::new(100_000).symbols(5));
    let (bid, ask) = (f64s(&batch, "bid"), f64s(&batch, "ask"));
    check_price_grid(&bid);
    check_price_grid(&ask);
    for (b, a) in bid.iter().zip(&ask) {
        assert!(b < a, "bid {b} >= ask {a}");
        assert!(
            (1..=3).contains(&(ticks(*a) - ticks(*b))),
            "spread {b}..{a}"
        );
    }
    // Per symbol the bid moves by at most two ticks an update, and mostly not at all.
    let symbols = strings(&batch, "symbol");
    for name in symbol_names(5) {
        let bids: Vec<i64> = symbols
            .iter()
            .zip(&bid)
            .filter(|(s, _)| **s == name)
            .map(|(_, b)| ticks(*b))
            .collect();
        assert!(bids.len() > 1_000, "{name}: {} rows", bids.len());
        assert!(bids.windows(2).all(|w| (w[1] - w[0]).abs() <= 2), "{name}");
        let still = bids.windows(2).filter(|w| w[0] == w[1]).count() as f64 / bids.len() as f64;
        assert!((0.6..0.95).contains(&still), "{name}: still share {still}");
        assert!(bids.iter().all(|&b| (1..=60_000).contains(&b)), "{name}");
    }
}

#[test]
fn sizes_are_lots_with_some_odd_lots() {
    let batch = quotes(&Spec::new(100_000).symbols(2));
    check_sizes(&i64s(&batch, "bid_size"));
    check_sizes(&i64s(&batch, "ask_size"));
}

#[test]
fn by_symbol_is_the_interleaved_batch_split() {
    for (rows, k) in [(30_000, 4), (500, 60), (3, 10)] {
        let spec = Spec::new(rows).symbols(k).seed(5);
        let all = quotes(&spec);
        let symbols = strings(&all, "symbol");
        let parts = quotes_by_symbol(&spec);
        let names: Vec<String> = parts.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(names, symbol_names(k));
        for (name, part) in &parts {
            let mine: Vec<usize> = (0..symbols.len())
                .filter(|&i| symbols[i] == *name)
                .collect();
            assert_eq!(part.num_rows(), mine.len(), "{name}");
            let all_ts = ts(&all);
            assert_eq!(ts(part), pick(&all_ts, &mine), "{name}");
            for col in ["bid", "ask"] {
                assert_eq!(
                    f64s(part, col),
                    pick(&f64s(&all, col), &mine),
                    "{name} {col}"
                );
            }
            for col in ["bid_size", "ask_size"] {
                assert_eq!(
                    i64s(part, col),
                    pick(&i64s(&all, col), &mine),
                    "{name} {col}"
                );
            }
        }
    }
}

#[test]
fn single_symbol_by_symbol_is_the_whole_batch() {
    let spec = Spec::new(1_000);
    let parts = quotes_by_symbol(&spec);
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].0, "AAPL");
    assert_eq!(parts[0].1, quotes(&spec));
}

#[test]
fn stream_is_pinned() {
    // A fingerprint of one dataset: fails if any change alters generated data, which would
    // silently invalidate stored benchmark baselines. Update only on purpose.
    let batch = quotes(&Spec::new(10_000).symbols(3));
    let mut h = Fnv::default();
    ts(&batch).iter().for_each(|&t| h.add(t as u64));
    strings(&batch, "symbol")
        .iter()
        .for_each(|s| s.bytes().for_each(|b| h.add(u64::from(b))));
    f64s(&batch, "bid").iter().for_each(|p| h.add(p.to_bits()));
    f64s(&batch, "ask").iter().for_each(|p| h.add(p.to_bits()));
    i64s(&batch, "bid_size")
        .iter()
        .for_each(|&s| h.add(s as u64));
    i64s(&batch, "ask_size")
        .iter()
        .for_each(|&s| h.add(s as u64));
    assert_eq!(h.0, PINNED_QUOTES, "quotes fingerprint {:#018x}", h.0);
}

const PINNED_QUOTES: u64 = 0x872d_60c0_f8a7_9624;
