//! Trade generator: determinism, row counts, schema, sides, venues, sweeps, per-symbol split.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, TimeUnit};
use floe_datasets::{Spec, quotes, symbol_names, trades, trades_by_symbol};

use crate::common::{
    Fnv, SHAPES, check_price_grid, check_sizes, check_timestamps, f64s, i64s, pick, strings, ts,
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
        Field::new("price", DataType::Float64, false),
        Field::new("size", DataType::Int64, false),
        Field::new("side", DataType::Utf8, false),
        Field::new("venue", DataType::Utf8, false),
    ]);
    Schema::new(fields)
}

#[test]
fn same_spec_same_batch_other_seed_other_batch() {
    let spec = Spec::new(20_000).symbols(4);
    assert_eq!(trades(&spec), trades(&spec));
    assert_eq!(trades_by_symbol(&spec), trades_by_symbol(&spec));
    let other = trades(&spec.seed(43));
    assert_ne!(ts(&trades(&spec)), ts(&other));
    assert_ne!(f64s(&trades(&spec), "price"), f64s(&other, "price"));
    // Trades are their own stream, not the quotes' timestamps again.
    assert_ne!(ts(&trades(&spec)), ts(&quotes(&spec)));
}

#[test]
fn row_counts_match_the_spec() {
    for (rows, symbols) in SHAPES {
        let spec = Spec::new(rows).symbols(symbols);
        assert_eq!(trades(&spec).num_rows(), rows, "{spec:?}");
        let parts = trades_by_symbol(&spec);
        assert_eq!(parts.len(), symbols, "{spec:?}");
        assert_eq!(
            parts.iter().map(|(_, b)| b.num_rows()).sum::<usize>(),
            rows,
            "{spec:?}"
        );
    }
}

#[test]
fn schemas_are_exact() {
    assert_eq!(*trades(&Spec::new(10)).schema(), schema(false));
    assert_eq!(*trades(&Spec::new(10).symbols(3)).schema(), schema(true));
    assert_eq!(*trades(&Spec::new(0)).schema(), schema(false));
    for (_, batch) in trades_by_symbol(&Spec::new(100).symbols(3)) {
        assert_eq!(*batch.schema(), schema(false));
    }
}

#[test]
fn prints_look_like_a_tape() {
    let spec = Spec::new(100_000).symbols(3).start_ns(17);
    let batch = trades(&spec);
    check_timestamps(&ts(&batch), 17);
    check_price_grid(&f64s(&batch, "price"));
    check_sizes(&i64s(&batch, "size"));

    let sides = strings(&batch, "side");
    let buys = sides.iter().filter(|s| *s == "B").count();
    assert!(sides.iter().all(|s| s == "B" || s == "S"));
    assert!((30_000..70_000).contains(&buys), "{buys} buys");

    let mut venues: HashMap<String, usize> = HashMap::new();
    for v in strings(&batch, "venue") {
        *venues.entry(v).or_default() += 1;
    }
    let known = ["XNAS", "ARCX", "BATS", "EDGX", "XNYS", "MEMX", "IEXG"];
    assert!(
        venues.keys().all(|v| known.contains(&v.as_str())),
        "{venues:?}"
    );
    assert_eq!(venues.len(), known.len(), "{venues:?}");
    let count = |v: &str| venues.get(v).copied().unwrap_or(0);
    assert!(
        count("XNAS") > 2 * count("BATS") && count("BATS") > 2 * count("IEXG"),
        "{venues:?}"
    );
}

#[test]
fn sweeps_keep_their_side_and_walk_away_from_the_touch() {
    let batch = trades(&Spec::new(100_000).symbols(3));
    let (t, sym, side, price) = (
        ts(&batch),
        strings(&batch, "symbol"),
        strings(&batch, "side"),
        f64s(&batch, "price"),
    );
    let mut sweeps = 0;
    for i in 1..t.len() {
        if t[i] == t[i - 1] && sym[i] == sym[i - 1] {
            sweeps += 1;
            assert_eq!(side[i], side[i - 1], "row {i}");
            let ok = if side[i] == "B" {
                price[i] >= price[i - 1]
            } else {
                price[i] <= price[i - 1]
            };
            assert!(ok, "row {i}: {} then {}", price[i - 1], price[i]);
        }
    }
    assert!(sweeps > 5_000, "{sweeps} sweep continuations");
}

#[test]
fn by_symbol_is_the_interleaved_batch_split() {
    let spec = Spec::new(20_000).symbols(5).seed(9);
    let all = trades(&spec);
    let symbols = strings(&all, "symbol");
    let parts = trades_by_symbol(&spec);
    let names: Vec<String> = parts.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names, symbol_names(5));
    for (name, part) in &parts {
        let mine: Vec<usize> = (0..symbols.len())
            .filter(|&i| symbols[i] == *name)
            .collect();
        assert_eq!(ts(part), pick(&ts(&all), &mine), "{name}");
        assert_eq!(
            f64s(part, "price"),
            pick(&f64s(&all, "price"), &mine),
            "{name}"
        );
        assert_eq!(
            i64s(part, "size"),
            pick(&i64s(&all, "size"), &mine),
            "{name}"
        );
        assert_eq!(
            strings(part, "side"),
            pick_strings(&strings(&all, "side"), &mine)
        );
        assert_eq!(
            strings(part, "venue"),
            pick_strings(&strings(&all, "venue"), &mine)
        );
    }
    let single = trades_by_symbol(&Spec::new(500));
    assert_eq!(single.len(), 1);
    assert_eq!(single[0].1, trades(&Spec::new(500)));
}

fn pick_strings(values: &[String], rows: &[usize]) -> Vec<String> {
    rows.iter().map(|&i| values[i].clone()).collect()
}

#[test]
fn stream_is_pinned() {
    // See quotes::stream_is_pinned: fails on any change to generated trades.
    let batch = trades(&Spec::new(10_000).symbols(3));
    let mut h = Fnv::default();
    ts(&batch).iter().for_each(|&t| h.add(t as u64));
    f64s(&batch, "price")
        .iter()
        .for_each(|p| h.add(p.to_bits()));
    i64s(&batch, "size").iter().for_each(|&s| h.add(s as u64));
    for col in ["symbol", "side", "venue"] {
        strings(&batch, col)
            .iter()
            .for_each(|s| s.bytes().for_each(|b| h.add(u64::from(b))));
    }
    assert_eq!(h.0, PINNED_TRADES, "trades fingerprint {:#018x}", h.0);
}

const PINNED_TRADES: u64 = 0x30a6_1710_31c1_69ce;
