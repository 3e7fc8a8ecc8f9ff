//! Integration tests of floe-segment's public API, compiled as one binary: round trips of every
//! supported type, projections, stats, and hostile bytes. They must use only the public API (and
//! the byte layout written in docs/format.md), never the crate's internals.

mod hostile;
mod many;
mod round_trip;
mod support;
