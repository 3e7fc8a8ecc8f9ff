//! Column accessors and shape checks shared by the generator tests.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampNanosecondType};
use arrow_array::{Array, RecordBatch};

/// The (rows, symbols) combinations every generator must get right.
pub const SHAPES: [(usize, usize); 10] = [
    (0, 1),
    (0, 5),
    (1, 1),
    (1, 4),
    (3, 10),
    (10, 3),
    (1_000, 1),
    (1_000, 7),
    (5_000, 60),
    (20_000, 2),
];

fn column<'a>(batch: &'a RecordBatch, name: &str) -> &'a arrow_array::ArrayRef {
    match batch.column_by_name(name) {
        Some(c) => c,
        None => panic!("no column {name:?} in {:?}", batch.schema()),
    }
}

pub fn ts(batch: &RecordBatch) -> Vec<i64> {
    column(batch, "ts")
        .as_primitive::<TimestampNanosecondType>()
        .values()
        .to_vec()
}

pub fn f64s(batch: &RecordBatch, name: &str) -> Vec<f64> {
    column(batch, name)
        .as_primitive::<Float64Type>()
        .values()
        .to_vec()
}

pub fn i64s(batch: &RecordBatch, name: &str) -> Vec<i64> {
    column(batch, name)
        .as_primitive::<Int64Type>()
        .values()
        .to_vec()
}

pub fn strings(batch: &RecordBatch, name: &str) -> Vec<String> {
    let array = column(batch, name).as_string::<i32>();
    assert_eq!(array.null_count(), 0);
    array.iter().flatten().map(str::to_owned).collect()
}

/// Non-decreasing, with a realistic share of repeated timestamps and ns (not µs) resolution.
pub fn check_timestamps(ts: &[i64], start_ns: i64) {
    assert_eq!(ts.first(), Some(&start_ns));
    assert!(
        ts.windows(2).all(|w| w[0] <= w[1]),
        "timestamps go backwards"
    );
    let pairs = (ts.len() - 1) as f64;
    let same = ts.windows(2).filter(|w| w[0] == w[1]).count() as f64 / pairs;
    assert!(
        (0.12..=0.30).contains(&same),
        "share of repeated timestamps {same}"
    );
    let micro = ts.iter().filter(|&&t| t % 1_000 == 0).count() as f64 / ts.len() as f64;
    assert!(micro < 0.2, "share of whole-microsecond timestamps {micro}");
    let sub_us = ts
        .windows(2)
        .filter(|w| (1..1_000).contains(&(w[1] - w[0])))
        .count();
    let over_ms = ts.windows(2).filter(|w| w[1] - w[0] > 1_000_000).count();
    assert!(
        sub_us > 0 && over_ms > 0,
        "gaps: {sub_us} sub-µs, {over_ms} over 1 ms"
    );
}

/// Exact multiples of 0.01, positive.
pub fn check_price_grid(prices: &[f64]) {
    for &p in prices {
        assert!(p > 0.0, "non-positive price {p}");
        assert_eq!((p * 100.0).round() / 100.0, p, "{p} is off the 0.01 grid");
    }
}

/// Positive, mostly round lots of 100..=1000, with some (not too many) odd lots.
pub fn check_sizes(sizes: &[i64]) {
    assert!(sizes.iter().all(|&s| s > 0));
    let n = sizes.len() as f64;
    let odd = sizes.iter().filter(|&&s| s % 100 != 0).count() as f64 / n;
    assert!((0.05..=0.15).contains(&odd), "odd-lot share {odd}");
    let typical = sizes
        .iter()
        .filter(|&&s| (100..=1_000).contains(&s))
        .count() as f64
        / n;
    assert!(typical > 0.7, "share of 100..=1000 sizes {typical}");
}

/// A price in whole ticks; the grid check makes the rounding exact.
pub fn ticks(p: f64) -> i64 {
    (p * 100.0).round() as i64
}

/// `values` at `rows`.
pub fn pick<T: Copy>(values: &[T], rows: &[usize]) -> Vec<T> {
    rows.iter().map(|&i| values[i]).collect()
}

/// FNV-1a over 64-bit words: a stable, dependency-free fingerprint.
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xCBF2_9CE4_8422_2325)
    }
}

impl Fnv {
    pub fn add(&mut self, word: u64) {
        for b in word.to_le_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
    }
}
