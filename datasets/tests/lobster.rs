//! `load_lobster` on the real GOOG sample, when `../shared/datasets` has it: row counts, exact
//! timestamps, column layout and values as written in the CSV files.

use arrow_array::cast::AsArray;
use arrow_array::types::Int8Type;
use floe_datasets::{Lobster, load_lobster, shared_dataset};

use crate::common::{i64s, ts};

const SAMPLE: &str = "LOBSTER_SampleFile_GOOG_2012-06-21_10.zip";
const ROWS: usize = 147_916;

/// 2012-06-21 00:00 in New York is 04:00 UTC (EDT, UTC-4, from 2012-03-11 to 2012-11-04), which is
/// 15,512 days after 1970-01-01 (42 x 365 days + 10 leap days 1972..=2008 to 2012-01-01, then
/// 31 + 29 + 31 + 30 + 31 for January to May and 20 for June 1..=20), plus 4 hours:
/// 15,512 x 86,400 + 14,400 = 1,340,251,200 s.
const MIDNIGHT_S: i64 = 1_340_251_200;

fn load() -> Option<Lobster> {
    let Some(path) = shared_dataset(SAMPLE) else {
        println!("skipped: {SAMPLE} not found (set FLOE_SHARED_DATASETS to test)");
        return None;
    };
    match load_lobster(&path) {
        Ok(lobster) => Some(lobster),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn goog_sample_loads_exactly() {
    let Some(goog) = load() else {
        return;
    };
    assert_eq!(goog.symbol, "GOOG");
    let (messages, book) = (&goog.messages, &goog.orderbook);
    assert_eq!(messages.num_rows(), ROWS);
    assert_eq!(book.num_rows(), ROWS);
    assert_eq!(messages.num_columns(), 6);
    assert_eq!(book.num_columns(), 41);

    let t = ts(messages);
    // First line `34200.015105074,4,15818974,4,5794000,1`: 34,200 s after midnight plus
    // 015105074 ns, so (1,340,251,200 + 34,200) s and 15,105,074 ns.
    assert_eq!(MIDNIGHT_S + 34_200, 1_340_285_400);
    assert_eq!(t[0], 1_340_285_400_015_105_074);
    // Second line `34200.05990197,...` has 8 decimals: 059,901,970 ns, not a float's guess.
    assert_eq!(t[1], 1_340_285_400_059_901_970);
    // Last line `57599.871751084,3,287151822,100,5655000,-1`: (1,340,251,200 + 57,599) s and
    // 871,751,084 ns.
    assert_eq!(MIDNIGHT_S + 57_599, 1_340_308_799);
    assert_eq!(t[ROWS - 1], 1_340_308_799_871_751_084);
    assert!(t.windows(2).all(|w| w[0] <= w[1]));
    // 139,379 distinct times: many messages share a timestamp (one order hitting several).
    assert_eq!(1 + t.windows(2).filter(|w| w[0] != w[1]).count(), 139_379);
    assert_eq!(ts(book), t);

    assert_eq!(i64s(messages, "order_id")[..2], [15_818_974, 15_818_974]);
    assert_eq!(i64s(messages, "size")[..2], [4, 300]);
    assert_eq!(i64s(messages, "price")[ROWS - 1], 5_655_000);
    let kinds = messages
        .column_by_name("type")
        .map(|c| c.as_primitive::<Int8Type>().values().to_vec())
        .unwrap_or_default();
    let count = |k: i8| kinds.iter().filter(|&&x| x == k).count();
    // Submissions, partial cancels, deletions, visible and hidden executions; no halts (7).
    assert_eq!(
        [1, 2, 3, 4, 5, 7].map(count),
        [71_258, 19, 64_961, 7_765, 3_913, 0]
    );
    let direction = messages
        .column_by_name("direction")
        .map(|c| c.as_primitive::<Int8Type>().values().to_vec())
        .unwrap_or_default();
    assert_eq!(direction.iter().filter(|&&d| d == -1).count(), 76_181);
    assert_eq!(direction.iter().filter(|&&d| d == 1).count(), 71_735);
}

#[test]
fn goog_book_columns_follow_the_file() {
    let Some(goog) = load() else {
        return;
    };
    let book = &goog.orderbook;
    let names: Vec<String> = book
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names[0], "ts");
    assert_eq!(
        names[1..5],
        ["ask_price_1", "ask_size_1", "bid_price_1", "bid_size_1"]
    );
    assert_eq!(
        names[37..],
        ["ask_price_10", "ask_size_10", "bid_price_10", "bid_size_10"]
    );
    // First line `5802300,100,5794000,496,...`; last line ends `...,5657500,100,5649100,100`.
    let first: Vec<i64> = names[1..5].iter().map(|n| i64s(book, n)[0]).collect();
    assert_eq!(first, [5_802_300, 100, 5_794_000, 496]);
    let last: Vec<i64> = names[37..]
        .iter()
        .map(|n| i64s(book, n)[ROWS - 1])
        .collect();
    assert_eq!(last, [5_657_500, 100, 5_649_100, 100]);

    // This sample always has ten occupied levels a side: no dummy prices (-9999999999 /
    // 9999999999; the unit tests load those from a hand-made archive) and no empty sizes.
    // Every price lies in the day's range, so none was mangled on the way in.
    for level in 1..=10 {
        for side in ["ask", "bid"] {
            let prices = i64s(book, &format!("{side}_price_{level}"));
            assert!(
                prices.iter().all(|p| (5_634_700..=5_892_600).contains(p)),
                "{side}_price_{level}"
            );
            let sizes = i64s(book, &format!("{side}_size_{level}"));
            assert!(sizes.iter().all(|&s| s > 0), "{side}_size_{level}");
        }
        let (ask, bid) = (
            i64s(book, &format!("ask_price_{level}")),
            i64s(book, &format!("bid_price_{level}")),
        );
        assert!(
            ask.iter().zip(&bid).all(|(a, b)| a > b),
            "level {level} crossed"
        );
    }
    let ask_1 = i64s(book, "ask_price_1");
    let ask_10 = i64s(book, "ask_price_10");
    assert!(ask_1.iter().zip(&ask_10).all(|(a1, a10)| a1 < a10));
}
