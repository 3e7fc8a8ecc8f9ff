//! floe-datasets: deterministic synthetic tick data, and the way to the real samples.
//!
//! This crate owns the data floe is tested and benchmarked on. [`quotes`] and [`trades`] generate
//! Arrow record batches shaped like a real US equities feed: prices on a 0.01 grid that mostly
//! stand still, round-lot sizes with some odd lots, and bursty nanosecond timestamps where about a
//! fifth of the events repeat the previous timestamp. The generators use their own PRNG and
//! integer-only sampling, so a [`Spec`] names one dataset forever, bit for bit, on every platform;
//! with the symbol count fixed, a smaller `rows` gives a prefix of a larger one.
//! [`shared_dataset`] locates the real captures in `../shared/datasets`, if this checkout has them.
//!
//! Two loaders turn those captures into Arrow batches indexed by a `ts` column, exactly as the
//! files say: [`load_lobster`] reads a LOBSTER sample zip (NASDAQ messages and a 10-level book,
//! integer prices, nanosecond times after New York midnight made UTC) and [`load_binance`] a
//! gzipped Binance futures websocket capture (trades, best bid/offer, depth updates and snapshots,
//! JSON parsed with simd-json; [`BinanceParser`] does one line at a time for importers). Both fail with
//! a typed [`Error`] naming the file and line rather than skip what they cannot read.
//!
//! It never touches the store, the codecs or the network, and never prints.
//!
//! ```
//! use arrow_array::cast::AsArray;
//! use arrow_array::types::Float64Type;
//! use floe_datasets::{INDEX, Spec, quotes, quotes_by_symbol};
//!
//! let spec = Spec::new(1_000).symbols(3).seed(7);
//! let batch = quotes(&spec);
//! assert_eq!(batch.num_rows(), 1_000);
//! assert_eq!(batch.schema().field(0).name(), INDEX);
//! assert_eq!(batch.schema().field(1).name(), "symbol");
//!
//! let bid = batch.column_by_name("bid").map(|c| c.as_primitive::<Float64Type>());
//! assert!(bid.is_some_and(|b| b.values().iter().all(|p| (p * 100.0).round() / 100.0 == *p)));
//!
//! let parts = quotes_by_symbol(&spec);
//! assert_eq!(parts.iter().map(|(_, b)| b.num_rows()).sum::<usize>(), 1_000);
//! assert_eq!(parts[0].0, "AAPL");
//! ```
//!
//! Loading the real samples, when present:
//!
//! ```no_run
//! use floe_datasets::{load_binance, load_lobster, shared_dataset};
//!
//! # fn main() -> Result<(), floe_datasets::Error> {
//! if let Some(zip) = shared_dataset("LOBSTER_SampleFile_GOOG_2012-06-21_10.zip") {
//!     let goog = load_lobster(&zip)?;
//!     assert_eq!(goog.messages.num_rows(), goog.orderbook.num_rows());
//!     assert_eq!(goog.orderbook.num_columns(), 1 + 40);
//! }
//! if let Some(gz) = shared_dataset("binance_usdm_btcusdt_20240808.gz") {
//!     let btc = load_binance(&gz)?;
//!     assert_eq!(btc.symbol.as_deref(), Some("BTCUSDT"));
//!     assert_eq!(btc.trades.num_rows(), 21_313);
//! }
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

mod binance;
mod columns;
mod error;
mod lobster;
mod market;
mod quotes;
mod rng;
mod shared;
mod spec;
mod text;
mod trades;

pub use binance::{
    Binance, BinanceParser, BookTicker, DepthSnapshot, DepthUpdate, Event, Level, Trade,
    load_binance, parse_binance_line,
};
pub use error::{Error, Result};
pub use lobster::{Lobster, load_lobster};

pub use quotes::{quotes, quotes_by_symbol};
pub use shared::{SHARED_DATASETS_ENV, shared_dataset};
pub use spec::{INDEX, Spec, symbol_names};
pub use trades::{trades, trades_by_symbol};
