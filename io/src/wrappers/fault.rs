//! [`FaultStore`]: an `object_store` wrapper that fails a chosen call, so tests can check what floe
//! does when a request fails or when a write takes effect but its answer is lost.
//!
//! This file only counts calls and decides which one fails and how; it must not change what a call
//! that is let through does, and must not sleep or retry.

use std::fmt;
use std::future::Future;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::{self, BoxStream};
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMode, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};

/// Which calls a fault counts and fails, and which [`Faults::calls`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Calls {
    /// Every call, of any kind (copies and renames included).
    Any,
    /// Every write: overwrites, put-if-absent puts, conditional updates and multipart starts.
    Puts,
    /// Only put-if-absent puts (`PutMode::Create`): floe's commit points.
    PutIfAbsent,
    /// Content reads, whole or ranged (not HEADs); one `get_ranges` is one call.
    Gets,
    /// HEADs (gets with `head` set).
    Heads,
    /// Listings, recursive or delimited.
    Lists,
    /// Deletes, one per location.
    Deletes,
}

/// What happens to the call a fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// Return an error without passing the call on: the inner store never sees it.
    Fail,
    /// Pass the call on, then return an error instead of its answer: the write took effect (or
    /// the delete deleted, or the listing was served) but the caller cannot know. A listing
    /// yields everything, then the error.
    FailAfter,
}

/// The kind of one call, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Put,
    PutIfAbsent,
    Get,
    Head,
    List,
    Delete,
    Other,
}

const KINDS: usize = 7;

impl Calls {
    fn matches(self, kind: Kind) -> bool {
        match self {
            Self::Any => true,
            Self::Puts => matches!(kind, Kind::Put | Kind::PutIfAbsent),
            Self::PutIfAbsent => kind == Kind::PutIfAbsent,
            Self::Gets => kind == Kind::Get,
            Self::Heads => kind == Kind::Head,
            Self::Lists => kind == Kind::List,
            Self::Deletes => kind == Kind::Delete,
        }
    }
}

/// An armed fault: which calls it watches, how many of them still go through, what it does.
#[derive(Debug, Clone, Copy)]
struct Rule {
    calls: Calls,
    fault: Fault,
    /// Matching calls to let through before the one that fails.
    skip: u64,
    /// Fail every matching call after the skipped ones, until disarmed.
    every: bool,
}

/// The shared control of a [`FaultStore`]: arm and disarm faults while the store is in use, and
/// read how many calls of each kind it saw.
///
/// At most one fault is armed at a time; arming replaces it.
#[derive(Debug, Default)]
pub struct Faults {
    counts: [AtomicU64; KINDS],
    rule: Mutex<Option<Rule>>,
    injected: AtomicU64,
}

impl Faults {
    /// Fails the `nth` call matching `calls` from now on (1 is the next one; 0 counts as 1) with
    /// `fault`, then lets every call through again.
    pub fn arm(&self, calls: Calls, nth: u64, fault: Fault) {
        *self.rule() = Some(Rule {
            calls,
            fault,
            skip: nth.saturating_sub(1),
            every: false,
        });
    }

    /// Fails every call matching `calls` from now on with `fault`, until [`disarm`](Self::disarm).
    pub fn arm_every(&self, calls: Calls, fault: Fault) {
        *self.rule() = Some(Rule {
            calls,
            fault,
            skip: 0,
            every: true,
        });
    }

    /// Lets every call through from now on.
    pub fn disarm(&self) {
        *self.rule() = None;
    }

    /// Whether a fault is armed and has not fired yet (or fails every call).
    pub fn is_armed(&self) -> bool {
        self.rule().is_some()
    }

    /// Calls matching `calls` seen since the store was made or [`reset_counts`](Self::reset_counts),
    /// failed or not.
    pub fn calls(&self, calls: Calls) -> u64 {
        ALL_KINDS
            .iter()
            .filter(|&&kind| calls.matches(kind))
            .map(|&kind| self.counts[kind as usize].load(Ordering::Relaxed))
            .sum()
    }

    /// How many calls a fault has failed so far.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::Relaxed)
    }

    /// Sets the call counts (not the injected count) back to zero.
    pub fn reset_counts(&self) {
        for count in &self.counts {
            count.store(0, Ordering::Relaxed);
        }
    }

    /// Counts one call of `kind` and says whether, and how, it fails.
    fn decide(&self, kind: Kind) -> Option<Fault> {
        self.counts[kind as usize].fetch_add(1, Ordering::Relaxed);
        let mut rule = self.rule();
        let armed = rule.as_mut()?;
        if !armed.calls.matches(kind) {
            return None;
        }
        if armed.skip > 0 {
            armed.skip -= 1;
            return None;
        }
        let fault = armed.fault;
        if !armed.every {
            *rule = None;
        }
        self.injected.fetch_add(1, Ordering::Relaxed);
        Some(fault)
    }

    /// The rule, even if a test thread panicked while holding it: it is plain data.
    fn rule(&self) -> MutexGuard<'_, Option<Rule>> {
        self.rule.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

const ALL_KINDS: [Kind; KINDS] = [
    Kind::Put,
    Kind::PutIfAbsent,
    Kind::Get,
    Kind::Head,
    Kind::List,
    Kind::Delete,
    Kind::Other,
];

/// Wraps a store and fails the calls its [`Faults`] are armed for; every other call goes straight
/// through.
///
/// ```
/// use std::sync::Arc;
/// use bytes::Bytes;
/// use floe_io::object_store::memory::InMemory;
/// use floe_io::{Calls, Error, Fault, FaultStore, Store};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// // The first put-if-absent is written, but its answer is lost.
/// let inner = FaultStore::new(InMemory::new()).with_fault(Calls::PutIfAbsent, 1, Fault::FailAfter);
/// let faults = inner.faults();
/// let store = Store::from_object_store(Arc::new(inner), "", "fault")?;
/// assert!(store.put_if_absent("k", Bytes::from_static(b"v")).await.is_err());
/// // A retry finds its own write.
/// let retry = store.put_if_absent("k", Bytes::from_static(b"v")).await;
/// assert!(matches!(retry, Err(Error::AlreadyExists { .. })));
/// assert_eq!(faults.calls(Calls::PutIfAbsent), 2);
/// # Ok::<_, Error>(())
/// # })?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct FaultStore<T: ObjectStore> {
    inner: T,
    faults: Arc<Faults>,
}

impl<T: ObjectStore> FaultStore<T> {
    /// Wraps `inner` with no fault armed.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            faults: Arc::default(),
        }
    }

    /// Arms a fault at construction, as [`Faults::arm`] does.
    pub fn with_fault(self, calls: Calls, nth: u64, fault: Fault) -> Self {
        self.faults.arm(calls, nth, fault);
        self
    }

    /// The shared control: keep it to re-arm faults and read counts after handing the store over.
    pub fn faults(&self) -> Arc<Faults> {
        Arc::clone(&self.faults)
    }

    /// The wrapped store.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// Runs `call` unless a fault says otherwise.
    async fn call<R>(
        &self,
        kind: Kind,
        location: &str,
        call: impl Future<Output = Result<R>>,
    ) -> Result<R> {
        match self.faults.decide(kind) {
            None => call.await,
            Some(Fault::Fail) => Err(injected(kind, location, Fault::Fail)),
            Some(Fault::FailAfter) => {
                call.await?;
                Err(injected(kind, location, Fault::FailAfter))
            }
        }
    }

    fn list_call(
        &self,
        location: &str,
        list: impl FnOnce() -> BoxStream<'static, Result<ObjectMeta>>,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        match self.faults.decide(Kind::List) {
            None => list(),
            Some(Fault::Fail) => stream::once(std::future::ready(Err(injected(
                Kind::List,
                location,
                Fault::Fail,
            ))))
            .boxed(),
            Some(Fault::FailAfter) => {
                let lost = Err(injected(Kind::List, location, Fault::FailAfter));
                list().chain(stream::once(std::future::ready(lost))).boxed()
            }
        }
    }
}

fn injected(kind: Kind, location: &str, fault: Fault) -> object_store::Error {
    object_store::Error::Generic {
        store: "FaultStore",
        source: format!("injected fault {fault:?} on {kind:?} of {location:?}").into(),
    }
}

fn prefix_name(prefix: Option<&Path>) -> String {
    prefix.map_or_else(String::new, ToString::to_string)
}

impl<T: ObjectStore> fmt::Display for FaultStore<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FaultStore({})", self.inner)
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl<T: ObjectStore> ObjectStore for FaultStore<T> {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        let kind = match opts.mode {
            PutMode::Create => Kind::PutIfAbsent,
            PutMode::Overwrite | PutMode::Update(_) => Kind::Put,
        };
        let put = self.inner.put_opts(location, payload, opts);
        self.call(kind, location.as_ref(), put).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        let start = self.inner.put_multipart_opts(location, opts);
        self.call(Kind::Put, location.as_ref(), start).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let kind = if options.head { Kind::Head } else { Kind::Get };
        let get = self.inner.get_opts(location, options);
        self.call(kind, location.as_ref(), get).await
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let get = self.inner.get_ranges(location, ranges);
        self.call(Kind::Get, location.as_ref(), get).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        // Failed deletes never reach the inner store; deletes whose answer is lost are noted on
        // the way in and turned into errors on the way out.
        let faults = Arc::clone(&self.faults);
        let lost: Arc<Mutex<Vec<Path>>> = Arc::default();
        let noted = Arc::clone(&lost);
        let locations = locations
            .map(move |location| {
                let location = location?;
                match faults.decide(Kind::Delete) {
                    None => Ok(location),
                    Some(Fault::Fail) => {
                        Err(injected(Kind::Delete, location.as_ref(), Fault::Fail))
                    }
                    Some(Fault::FailAfter) => {
                        lock(&noted).push(location.clone());
                        Ok(location)
                    }
                }
            })
            .boxed();
        self.inner
            .delete_stream(locations)
            .map(move |deleted| {
                let location = deleted?;
                let mut lost = lock(&lost);
                match lost.iter().position(|l| *l == location) {
                    Some(i) => {
                        lost.swap_remove(i);
                        Err(injected(Kind::Delete, location.as_ref(), Fault::FailAfter))
                    }
                    None => Ok(location),
                }
            })
            .boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.list_call(&prefix_name(prefix), || self.inner.list(prefix))
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        self.list_call(&prefix_name(prefix), || {
            self.inner.list_with_offset(prefix, offset)
        })
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        let list = self.inner.list_with_delimiter(prefix);
        self.call(Kind::List, &prefix_name(prefix), list).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        let copy = self.inner.copy_opts(from, to, options);
        self.call(Kind::Other, to.as_ref(), copy).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        let rename = self.inner.rename_opts(from, to, options);
        self.call(Kind::Other, to.as_ref(), rename).await
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
mod tests {
    use object_store::ObjectStoreExt;
    use object_store::memory::InMemory;

    use super::*;
    use crate::{Error, Store};

    fn b(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    fn wrapped(store: FaultStore<InMemory>) -> (Store, Arc<Faults>) {
        let faults = store.faults();
        let store = Store::from_object_store(Arc::new(store), "", "fault").expect("store");
        (store, faults)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fail_leaves_nothing_written_and_fail_after_leaves_the_object() {
        let (store, faults) = wrapped(FaultStore::new(InMemory::new()));
        faults.arm(Calls::Puts, 1, Fault::Fail);
        let failed = store.put("a", b("1")).await;
        assert!(
            matches!(failed, Err(Error::Storage { op: "put", .. })),
            "{failed:?}"
        );
        assert!(matches!(store.get("a").await, Err(Error::NotFound { .. })));

        faults.arm(Calls::Puts, 1, Fault::FailAfter);
        let lost = store.put("a", b("2")).await;
        assert!(
            matches!(lost, Err(Error::Storage { op: "put", .. })),
            "{lost:?}"
        );
        assert_eq!(store.get("a").await.expect("written"), "2");
        assert!(!faults.is_armed(), "a one-shot fault disarms itself");
        assert_eq!(faults.injected(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_nth_matching_call_fails_and_other_kinds_are_not_counted_against_it() {
        let (store, faults) = wrapped(FaultStore::new(InMemory::new()).with_fault(
            Calls::PutIfAbsent,
            2,
            Fault::Fail,
        ));
        store
            .put("x", b("o"))
            .await
            .expect("overwrite puts do not match");
        store
            .put_if_absent("a", b("1"))
            .await
            .expect("first create");
        store.get("a").await.expect("gets do not match");
        let second = store.put_if_absent("b", b("2")).await;
        assert!(matches!(second, Err(Error::Storage { .. })), "{second:?}");
        store
            .put_if_absent("b", b("2"))
            .await
            .expect("third goes through");
        assert_eq!(faults.calls(Calls::PutIfAbsent), 3);
        assert_eq!(faults.calls(Calls::Puts), 4);
        assert_eq!(faults.calls(Calls::Gets), 1);
        assert_eq!(faults.calls(Calls::Any), 5);
        faults.reset_counts();
        assert_eq!(faults.calls(Calls::Any), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_kind_can_fail_before_or_after() {
        let inner = InMemory::new();
        inner
            .put(&Path::from("d/k"), PutPayload::from_static(b"v"))
            .await
            .expect("seed");
        let (store, faults) = wrapped(FaultStore::new(inner));

        faults.arm(Calls::Gets, 1, Fault::Fail);
        assert!(store.get("d/k").await.is_err());
        faults.arm(Calls::Gets, 1, Fault::FailAfter);
        assert!(store.get_range("d/k", 0..1).await.is_err());
        faults.arm(Calls::Heads, 1, Fault::Fail);
        assert!(store.head("d/k").await.is_err());
        faults.arm(Calls::Lists, 1, Fault::Fail);
        assert!(store.list("d").await.is_err());
        faults.arm(Calls::Lists, 1, Fault::FailAfter);
        assert!(store.list("d").await.is_err());
        faults.arm(Calls::Lists, 1, Fault::Fail);
        assert!(store.list_dirs("").await.is_err());

        faults.arm(Calls::Deletes, 1, Fault::Fail);
        assert!(store.delete("d/k").await.is_err());
        assert_eq!(store.get("d/k").await.expect("still there"), "v");
        faults.arm(Calls::Deletes, 1, Fault::FailAfter);
        assert!(store.delete("d/k").await.is_err());
        assert!(matches!(
            store.get("d/k").await,
            Err(Error::NotFound { .. })
        ));
        assert_eq!(faults.injected(), 8);
        assert_eq!(faults.calls(Calls::Deletes), 2);
        // The explicit HEAD, and the one a failed range read makes to learn the object's size.
        assert_eq!(faults.calls(Calls::Heads), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn arm_every_fails_until_disarmed() {
        let (store, faults) = wrapped(FaultStore::new(InMemory::new()));
        faults.arm_every(Calls::Any, Fault::Fail);
        for _ in 0..3 {
            assert!(store.put("a", b("1")).await.is_err());
        }
        assert!(faults.is_armed());
        faults.disarm();
        store.put("a", b("1")).await.expect("disarmed");
        assert_eq!(faults.injected(), 3);
    }

    #[test]
    fn display_names_the_inner_store() {
        let store = FaultStore::new(InMemory::new());
        assert_eq!(
            store.to_string(),
            format!("FaultStore({})", InMemory::new())
        );
    }
}
