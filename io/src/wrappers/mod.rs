//! `object_store` wrappers for tests and benches, shaped like `object_store`'s own
//! (`XStore<T> { inner: T, .. }` with `Display`): fault injection, request counting and latency.
//!
//! Each wrapper forwards every `ObjectStore` method and changes only the one thing it is for; they
//! stack (`LatencyStore<CountingStore<InMemory>>`) and go into a [`Store`](crate::Store) through
//! [`Store::from_object_store`](crate::Store::from_object_store). Nothing here is used by floe's
//! own read or write path.

mod counting;
mod fault;
mod latency;

pub use counting::CountingStore;
pub use fault::{Calls, Fault, FaultStore, Faults};
pub use latency::{Latency, LatencyStore};
