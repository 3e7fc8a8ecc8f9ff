//! Times the generators: `cargo run --release -p floe-datasets --example generate [rows]`.
//!
//! A measuring aid, not a benchmark: prints the best wall time of three calls of `quotes` and of
//! `trades` (best of three, because page-faulting fresh memory dominates on a busy machine).

use std::time::{Duration, Instant};

use arrow_array::RecordBatch;
use floe_datasets::{Spec, quotes, trades};

fn best_of_three(spec: &Spec, generate: fn(&Spec) -> RecordBatch) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            let batch = generate(spec);
            let elapsed = start.elapsed();
            assert_eq!(batch.num_rows(), spec.rows);
            elapsed
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let rows = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    for symbols in [1, 50] {
        let spec = Spec::new(rows).symbols(symbols);
        let q = best_of_three(&spec, quotes);
        let t = best_of_three(&spec, trades);
        println!("{rows} rows, {symbols} symbols: quotes {q:?}, trades {t:?}");
    }
}
