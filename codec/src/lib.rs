//! floe-codec: typed column encodings.
//!
//! This crate owns the bytes of one encoded column chunk: how a slice of typed values becomes bytes
//! and back. Everything here is a pure function on slices: no I/O, no threads, no Arrow. The segment
//! crate decides which chunks exist; this crate decides what is inside one.
//!
//! Every encoded chunk starts with a one-byte [`Encoding`] tag, so a chunk is self-describing and a
//! decoder never needs to be told how it was written. Lightweight encodings nest: a delta chunk
//! holds its deltas as a child chunk, itself tagged (often bit-packed), and so on, at most three
//! levels deep. [`Encoding::Auto`] lets a sampling cascade choose the tree per chunk;
//! [`describe_tree`] shows what it chose. Decoders treat every byte as hostile: they return
//! [`Error::Corrupt`] with the offset of the problem instead of panicking, and never allocate
//! more than the caller-provided value count (or the format's hard limits) allows.
//!
//! Layout of the crate: `encoding` is the registry (tags and dispatch), `cascade` the chooser,
//! one folder per encoding (`plain`, `general`, `constant`, `frame` = bit-packing with patches,
//! `delta`, `divide`, `runend`, `dict`, `alp`, `alprd`, `binary`), `bitpack` the SIMD-friendly
//! kernels, `simd` the run-time choice of their instruction set, `word` and `bytes` the shared plumbing.
//!
//! ```
//! use floe_codec::{decode, encode, Decoded, Encoding, PhysicalType, Values};
//!
//! let prices = [101.25_f64, 101.26, 101.26, 101.24];
//! let bytes = encode(Values::F64(&prices), Encoding::Auto)?;
//! let back = decode(&bytes, PhysicalType::F64, prices.len())?;
//! assert_eq!(back, Decoded::F64(prices.to_vec()));
//! # Ok::<(), floe_codec::Error>(())
//! ```

// `unsafe` is denied everywhere except the per-architecture leaf modules (each `*/x86.rs`),
// which call AVX2 builds of the portable kernels after run-time detection.
#![deny(unsafe_code)]

mod alp;
mod alprd;
mod binary;
pub mod bitpack;
mod blocks;
mod bytes;
mod cascade;
mod constant;
mod delta;
mod describe;
mod dict;
mod divide;
mod encoding;
mod error;
mod frame;
mod general;
mod plain;
mod runend;
mod scratch;
pub mod simd;
mod values;
mod word;

pub use describe::describe_tree;
pub use dict::min_max_i64;
pub use encoding::{Encoding, decode, decode_rows, describe, encode};
pub use error::{Error, Result};
pub use values::{Decoded, PhysicalType, Values};
