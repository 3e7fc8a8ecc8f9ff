//! `load_binance` on the real BTCUSDT capture, when `../shared/datasets` has it: event counts per
//! stream, ordering, and values of the first and last events as written in the file.

use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampNanosecondType;
use floe_datasets::{Binance, load_binance, shared_dataset};

use crate::common::{f64s, i64s, strings, ts};

const SAMPLE: &str = "binance_usdm_btcusdt_20240808.gz";

fn load() -> Option<Binance> {
    let Some(path) = shared_dataset(SAMPLE) else {
        println!("skipped: {SAMPLE} not found (set FLOE_SHARED_DATASETS to test)");
        return None;
    };
    match load_binance(&path) {
        Ok(binance) => Some(binance),
        Err(e) => panic!("{e}"),
    }
}

fn timestamps(batch: &RecordBatch, name: &str) -> Vec<i64> {
    match batch.column_by_name(name) {
        Some(c) => c
            .as_primitive::<TimestampNanosecondType>()
            .values()
            .to_vec(),
        None => panic!("no column {name:?}"),
    }
}

fn sorted(batch: &RecordBatch) -> bool {
    ts(batch).windows(2).all(|w| w[0] <= w[1])
}

#[test]
fn btcusdt_capture_loads_every_line() {
    let Some(btc) = load() else {
        return;
    };
    assert_eq!(btc.symbol.as_deref(), Some("BTCUSDT"));
    assert_eq!(btc.trades.num_rows(), 21_313);
    assert_eq!(btc.bbo.num_rows(), 66_089);
    // 6,551 depth updates with 443,521 price levels between them.
    assert_eq!(btc.depth.num_rows(), 443_521);
    let last_ids = i64s(&btc.depth, "last_update_id");
    let updates = 1 + last_ids.windows(2).filter(|w| w[0] != w[1]).count();
    assert_eq!(updates, 6_551);
    // Line 55 is a REST snapshot of 1,000 levels a side: 21,313 + 66,089 + 6,551 + 1 = 93,954
    // lines, the whole file.
    assert_eq!(btc.snapshots.num_rows(), 2_000);
    assert_eq!(
        i64s(&btc.snapshots, "last_update_id"),
        vec![5_123_107_852_948; 2_000]
    );
    for batch in [&btc.trades, &btc.bbo, &btc.depth, &btc.snapshots] {
        assert!(sorted(batch), "{:?}", batch.schema());
        assert_eq!(batch.schema().field(0).name(), "ts");
    }
}

#[test]
fn btcusdt_values_are_the_files() {
    let Some(btc) = load() else {
        return;
    };
    let trades = &btc.trades;
    // Line 3: `1723161255088176367 {..."E":1723161256322,"T":1723161256322,...,"t":5266583935,
    // "p":"61800.30","q":"0.006","X":"MARKET","m":false}}`.
    assert_eq!(ts(trades)[0], 1_723_161_256_322_000_000);
    assert_eq!(timestamps(trades, "recv_ts")[0], 1_723_161_255_088_176_367);
    assert_eq!(timestamps(trades, "event_ts")[0], 1_723_161_256_322_000_000);
    assert_eq!(f64s(trades, "price")[0], 61_800.30);
    assert_eq!(f64s(trades, "qty")[0], 0.006);
    // Trade ids run without a gap from the first to the last trade.
    let ids = i64s(trades, "trade_id");
    assert_eq!(ids[0], 5_266_583_935);
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1));
    assert_eq!(ids[ids.len() - 1], 5_266_605_247);
    let maker = trades
        .column_by_name("buyer_is_maker")
        .map(|c| c.as_boolean().true_count());
    assert_eq!(maker, Some(11_697));
    assert!(strings(trades, "trade_type").iter().all(|t| t == "MARKET"));

    let bbo = &btc.bbo;
    // Last book ticker: `"u":5123135221461,"b":"61659.70","B":"1.486","a":"61659.80","A":"0.981"`.
    let last = bbo.num_rows() - 1;
    assert_eq!(i64s(bbo, "update_id")[last], 5_123_135_221_461);
    assert_eq!(
        [
            f64s(bbo, "bid_price")[last],
            f64s(bbo, "bid_qty")[last],
            f64s(bbo, "ask_price")[last],
            f64s(bbo, "ask_qty")[last]
        ],
        [61_659.70, 1.486, 61_659.80, 0.981]
    );
    let (bid, ask) = (f64s(bbo, "bid_price"), f64s(bbo, "ask_price"));
    assert!(bid.iter().zip(&ask).all(|(b, a)| b < a));

    let depth = &btc.depth;
    // Each update's `pu` is the previous update's `u`: rows were neither lost nor reordered.
    let (first, last, prev) = (
        i64s(depth, "first_update_id"),
        i64s(depth, "last_update_id"),
        i64s(depth, "prev_update_id"),
    );
    let starts: Vec<usize> = (0..last.len())
        .filter(|&i| i == 0 || last[i] != last[i - 1])
        .collect();
    assert!(starts.windows(2).all(|w| prev[w[1]] == last[w[0]]));
    assert!(first.iter().zip(&last).all(|(u0, u1)| u0 <= u1));
    // The first update (line 1) lists 53 bids, then 29 asks.
    let sides = strings(depth, "side");
    assert_eq!(sides[..53], vec!["bid"; 53]);
    assert_eq!(sides[53..82], vec!["ask"; 29]);
    assert_eq!(starts[1], 82);
    assert_eq!(f64s(depth, "price")[0], 58_710.20);
}
