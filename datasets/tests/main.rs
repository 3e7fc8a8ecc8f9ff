//! Integration tests of floe-datasets' public API, compiled as one binary.
//!
//! Each module checks one generator or loader through the public functions only; the properties
//! pinned here (determinism, schemas, price grid, timestamp shape, exact loading of the real
//! samples) are what the codecs and benchmarks rely on.

mod binance;
mod common;
mod lobster;
mod quotes;
mod shared;
mod trades;
