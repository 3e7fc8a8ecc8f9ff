//! [`ReadPlanner`]: which byte ranges to fetch, for a set of wanted ranges of one object, and how
//! to cut the wanted ranges back out of what was fetched.
//!
//! A remote store costs a round trip per request and serves one request at the bandwidth of one
//! connection, so nearby ranges are merged (bridging gaps of up to `max_gap` unwanted bytes) and
//! huge ones are split into parts fetched in parallel. This file only plans and reassembles; it
//! must not issue requests (that is [`Store::get_ranges`](crate::Store::get_ranges) and
//! [`Store::get_planned`](crate::Store::get_planned)).
//!
//! The plan's rules, each checked by the property tests below:
//! 1. Every fetch is non-empty and at most `max_part` bytes, whatever the inputs.
//! 2. Fetches are sorted and disjoint: no byte is fetched twice, even for overlapping inputs.
//! 3. A fetch starts and ends on wanted bytes, and no run of unwanted bytes inside it is longer
//!    than `max_gap`.
//! 4. Every non-empty input is served exactly, in order, by the pieces that name it.
//! 5. Two neighbouring fetches at most `max_gap` apart together exceed `max_part`, or one of them
//!    is a part of a run of wanted bytes longer than `max_part`, which is split on its own
//!    (merging is greedy, not lazy).
//! 6. A run of wanted bytes longer than `max_part` is split into near-equal parts of
//!    `min_part..=max_part` bytes when `max_part >= 2 * min_part` (as by default), else of at most
//!    `max_part` bytes.

use std::ops::Range;

use bytes::{Bytes, BytesMut};

/// Default [`ReadPlanner::max_gap`]: 1 MiB, about what S3 transfers in one round trip's time.
const DEFAULT_MAX_GAP: u64 = 1 << 20;
/// Default [`ReadPlanner::max_part`]: 16 MiB.
const DEFAULT_MAX_PART: u64 = 16 << 20;
/// Default [`ReadPlanner::min_part`]: 8 MiB.
const DEFAULT_MIN_PART: u64 = 8 << 20;

/// How to turn wanted byte ranges of one object into fetches: see [`plan`](Self::plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadPlanner {
    max_gap: u64,
    max_part: u64,
    min_part: u64,
    concurrency: Option<usize>,
}

impl Default for ReadPlanner {
    fn default() -> Self {
        Self {
            max_gap: DEFAULT_MAX_GAP,
            max_part: DEFAULT_MAX_PART,
            min_part: DEFAULT_MIN_PART,
            concurrency: None,
        }
    }
}

/// One fetch of a plan, and the pieces of the wanted ranges it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coalesced {
    /// Byte range of the object to fetch.
    pub range: Range<u64>,
    /// What the fetched bytes are for, in object order.
    pub serves: Vec<Piece>,
}

/// A piece of one wanted range, inside one fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Index of the wanted range, in the slice given to [`ReadPlanner::plan`].
    pub input: usize,
    /// Where the piece starts within the wanted range.
    pub offset: u64,
    /// Where the piece starts within the fetched bytes.
    pub at: u64,
    /// Length in bytes.
    pub len: u64,
}

impl ReadPlanner {
    /// The defaults: 1 MiB gaps bridged, fetches of at most 16 MiB, huge ranges split into parts
    /// of about 8 MiB, and the store's default concurrency.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bridges gaps of up to `bytes` unwanted bytes between wanted ranges (0 merges only ranges
    /// that touch or overlap).
    pub fn with_max_gap(self, bytes: u64) -> Self {
        Self {
            max_gap: bytes,
            ..self
        }
    }

    /// Caps every fetch at `bytes` (at least 1).
    pub fn with_max_part(self, bytes: u64) -> Self {
        Self {
            max_part: bytes.max(1),
            ..self
        }
    }

    /// Aims for parts of at least `bytes` (at least 1) when splitting a run longer than
    /// [`max_part`](Self::max_part).
    pub fn with_min_part(self, bytes: u64) -> Self {
        Self {
            min_part: bytes.max(1),
            ..self
        }
    }

    /// Issues up to `n` fetches at once (at least 1), within the store's own cap on requests in
    /// flight. Without it: 32 on a cloud store, 8 otherwise.
    pub fn with_concurrency(self, n: usize) -> Self {
        Self {
            concurrency: Some(n.max(1)),
            ..self
        }
    }

    /// Longest run of unwanted bytes a fetch may bridge.
    pub fn max_gap(&self) -> u64 {
        self.max_gap
    }

    /// Longest fetch.
    pub fn max_part(&self) -> u64 {
        self.max_part
    }

    /// Part size aimed for when splitting (never above [`max_part`](Self::max_part)).
    pub fn min_part(&self) -> u64 {
        self.min_part.min(self.max_part)
    }

    /// Fetches issued at once, if set.
    pub fn concurrency(&self) -> Option<usize> {
        self.concurrency
    }

    /// The fetches that serve `ranges`, sorted by offset, under the rules in this module's docs.
    /// Empty and reversed ranges need no bytes and get no piece.
    pub fn plan(&self, ranges: &[Range<u64>]) -> Vec<Coalesced> {
        let mut order: Vec<usize> = (0..ranges.len())
            .filter(|&i| ranges[i].start < ranges[i].end)
            .collect();
        order.sort_unstable_by_key(|&i| (ranges[i].start, ranges[i].end));

        let mut wanted: Vec<Range<u64>> = Vec::new();
        for &i in &order {
            let range = &ranges[i];
            match wanted.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => wanted.push(range.clone()),
            }
        }

        let mut plan: Vec<Coalesced> = self
            .fetches(&wanted)
            .into_iter()
            .map(|range| Coalesced {
                range,
                serves: Vec::new(),
            })
            .collect();
        for &input in &order {
            let range = &ranges[input];
            let first = plan.partition_point(|c| c.range.end <= range.start);
            for fetch in plan.iter_mut().skip(first) {
                if fetch.range.start >= range.end {
                    break;
                }
                let start = range.start.max(fetch.range.start);
                let end = range.end.min(fetch.range.end);
                fetch.serves.push(Piece {
                    input,
                    offset: start - range.start,
                    at: start - fetch.range.start,
                    len: end - start,
                });
            }
        }
        plan
    }

    /// Fetches for `wanted` (sorted, disjoint, non-touching runs): greedy merging under
    /// `max_gap` and `max_part`; a run longer than `max_part` is split on its own.
    fn fetches(&self, wanted: &[Range<u64>]) -> Vec<Range<u64>> {
        let mut out = Vec::new();
        let mut current: Option<Range<u64>> = None;
        for run in wanted {
            if let Some(open) = &mut current {
                if run.start - open.end <= self.max_gap && run.end - open.start <= self.max_part {
                    open.end = run.end;
                    continue;
                }
                out.push(open.clone());
                current = None;
            }
            if run.end - run.start > self.max_part {
                self.split(run, &mut out);
            } else {
                current = Some(run.clone());
            }
        }
        out.extend(current);
        out
    }

    /// Splits `run` into near-equal parts: as many as make parts of at least `min_part`, but
    /// enough that none exceeds `max_part`.
    fn split(&self, run: &Range<u64>, out: &mut Vec<Range<u64>>) {
        let len = run.end - run.start;
        let parts = (len / self.min_part())
            .max(len.div_ceil(self.max_part))
            .max(1);
        let boundary = |i: u64| {
            let offset = u128::from(len) * u128::from(i) / u128::from(parts);
            // offset <= len, so it fits.
            run.start + u64::try_from(offset).unwrap_or(len)
        };
        for i in 0..parts {
            out.push(boundary(i)..boundary(i + 1));
        }
    }
}

/// Cuts the `inputs` wanted ranges out of the bytes fetched for `plan` (one buffer per fetch, in
/// plan order): a range served by one fetch is a zero-copy slice of it, one split across fetches
/// is joined. `None` if a buffer is shorter than its fetch or the plan names an input past
/// `inputs`.
pub(crate) fn assemble(inputs: usize, plan: &[Coalesced], fetched: &[Bytes]) -> Option<Vec<Bytes>> {
    if plan.len() != fetched.len() {
        return None;
    }
    let mut pieces: Vec<Vec<Bytes>> = vec![Vec::new(); inputs];
    for (fetch, bytes) in plan.iter().zip(fetched) {
        for piece in &fetch.serves {
            let at = usize::try_from(piece.at).ok()?;
            let end = at.checked_add(usize::try_from(piece.len).ok()?)?;
            if end > bytes.len() {
                return None;
            }
            pieces.get_mut(piece.input)?.push(bytes.slice(at..end));
        }
    }
    Some(
        pieces
            .into_iter()
            .map(|mut parts| match parts.len() {
                0 => Bytes::new(),
                1 => parts.pop().unwrap_or_default(),
                _ => {
                    let mut joined = BytesMut::with_capacity(parts.iter().map(Bytes::len).sum());
                    for part in &parts {
                        joined.extend_from_slice(part);
                    }
                    joined.freeze()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
#[allow(clippy::single_range_in_vec_init)] // lists of one byte range
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::Store;

    const MIB: u64 = 1 << 20;

    fn fetched(plan: &[Coalesced]) -> Vec<Range<u64>> {
        plan.iter().map(|c| c.range.clone()).collect()
    }

    /// The runs of wanted bytes: inputs merged where they overlap or touch.
    fn runs(ranges: &[Range<u64>]) -> Vec<Range<u64>> {
        let mut sorted: Vec<Range<u64>> =
            ranges.iter().filter(|r| r.start < r.end).cloned().collect();
        sorted.sort_by_key(|r| (r.start, r.end));
        let mut runs: Vec<Range<u64>> = Vec::new();
        for r in sorted {
            match runs.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => runs.push(r),
            }
        }
        runs
    }

    /// Checks rules 1 to 6 of the module docs.
    fn check_rules(planner: &ReadPlanner, ranges: &[Range<u64>], plan: &[Coalesced]) {
        let runs = runs(ranges);
        let run_of = |offset: u64| runs.iter().find(|r| r.start <= offset && offset < r.end);
        for fetch in plan {
            let r = &fetch.range;
            // 1.
            assert!(
                r.start < r.end && r.end - r.start <= planner.max_part(),
                "{r:?}"
            );
            // 3.
            assert!(run_of(r.start).is_some(), "{r:?} starts in a gap");
            assert!(run_of(r.end - 1).is_some(), "{r:?} ends in a gap");
            for pair in runs.windows(2) {
                let gap = pair[0].end..pair[1].start;
                if r.start < gap.start && gap.end < r.end {
                    assert!(
                        gap.end - gap.start <= planner.max_gap(),
                        "{r:?} bridges {gap:?}"
                    );
                }
            }
        }
        for pair in plan.windows(2) {
            let (a, b) = (&pair[0].range, &pair[1].range);
            // 2.
            assert!(a.end <= b.start, "{a:?} then {b:?}");
            // 5.
            let in_long_run = |offset: u64| {
                run_of(offset).is_some_and(|run| run.end - run.start > planner.max_part())
            };
            assert!(
                b.start - a.end > planner.max_gap()
                    || b.end - a.start > planner.max_part()
                    || in_long_run(a.start)
                    || in_long_run(b.start),
                "{a:?} and {b:?} should have been merged"
            );
        }
        // 4.
        for (input, range) in ranges.iter().enumerate() {
            let mut next = range.start;
            for fetch in plan {
                for piece in fetch.serves.iter().filter(|p| p.input == input) {
                    assert_eq!(range.start + piece.offset, next, "input {input} {range:?}");
                    assert_eq!(
                        fetch.range.start + piece.at,
                        next,
                        "input {input} {range:?}"
                    );
                    next += piece.len;
                    assert!(piece.at + piece.len <= fetch.range.end - fetch.range.start);
                }
            }
            assert_eq!(
                next,
                range.start.max(range.end),
                "input {input} {range:?} not covered"
            );
        }
        // 6.
        for run in runs.iter().filter(|r| r.end - r.start > planner.max_part()) {
            for fetch in plan.iter().filter(|c| run.contains(&c.range.start)) {
                let len = fetch.range.end - fetch.range.start;
                if planner.max_part() >= 2 * planner.min_part() {
                    assert!(len >= planner.min_part(), "{:?} of {run:?}", fetch.range);
                }
            }
        }
    }

    #[test]
    fn nearby_ranges_merge_and_far_ones_do_not() {
        let planner = ReadPlanner::new();
        let ranges = [0..100, 200..300, 2 * MIB..2 * MIB + 10, 50..150];
        let plan = planner.plan(&ranges);
        assert_eq!(fetched(&plan), [0..300, 2 * MIB..2 * MIB + 10]);
        assert_eq!(plan[0].serves.len(), 3);
        assert_eq!(
            plan[0].serves[1],
            Piece {
                input: 3,
                offset: 0,
                at: 50,
                len: 100
            }
        );
        check_rules(&planner, &ranges, &plan);
    }

    #[test]
    fn huge_ranges_split_into_parts_of_8_to_16_mib() {
        let planner = ReadPlanner::new();
        let ranges = [0..100 * MIB];
        let plan = planner.plan(&ranges);
        assert_eq!(plan.len(), 12);
        for c in &plan {
            let len = c.range.end - c.range.start;
            assert!((8 * MIB..=16 * MIB).contains(&len), "{len}");
        }
        check_rules(&planner, &ranges, &plan);
        // Just over max_part: two halves.
        let plan = planner.plan(&[0..17 * MIB]);
        assert_eq!(fetched(&plan), [0..17 * MIB / 2, 17 * MIB / 2..17 * MIB]);
    }

    #[test]
    fn merging_stops_at_max_part() {
        let planner = ReadPlanner::new()
            .with_max_gap(10)
            .with_max_part(100)
            .with_min_part(50);
        let ranges: Vec<Range<u64>> = (0..10).map(|i| i * 30..i * 30 + 25).collect();
        let plan = planner.plan(&ranges);
        assert_eq!(fetched(&plan), [0..85, 90..175, 180..265, 270..295]);
        check_rules(&planner, &ranges, &plan);
    }

    #[test]
    fn empty_and_reversed_ranges_need_nothing() {
        let planner = ReadPlanner::new();
        #[allow(clippy::reversed_empty_ranges)]
        let ranges = [5..5, 9..3];
        assert!(planner.plan(&ranges).is_empty());
        assert_eq!(
            assemble(2, &[], &[]).expect("nothing to cut"),
            [Bytes::new(), Bytes::new()]
        );
    }

    #[test]
    fn settings_are_clamped() {
        let planner = ReadPlanner::new()
            .with_max_part(0)
            .with_min_part(0)
            .with_concurrency(0);
        assert_eq!(
            (
                planner.max_part(),
                planner.min_part(),
                planner.concurrency()
            ),
            (1, 1, Some(1))
        );
        let planner = ReadPlanner::new().with_max_part(4).with_min_part(10);
        assert_eq!(planner.min_part(), 4);
        assert_eq!(ReadPlanner::default().concurrency(), None);
    }

    #[test]
    fn assemble_slices_without_copying_and_refuses_short_buffers() {
        let planner = ReadPlanner::new()
            .with_max_part(4)
            .with_min_part(2)
            .with_max_gap(0);
        // One run of 6 bytes, split into 0..2, 2..4, 4..6.
        let ranges = [0..2, 1..6];
        let plan = planner.plan(&ranges);
        let object = Bytes::from_static(b"abcdef");
        let buffers: Vec<Bytes> = plan
            .iter()
            .map(|c| object.slice(c.range.start as usize..c.range.end as usize))
            .collect();
        let out = assemble(2, &plan, &buffers).expect("assembled");
        assert_eq!(out, [&b"ab"[..], &b"bcdef"[..]]);
        // The first input lies within the first fetch: a slice of the same buffer.
        assert_eq!(out[0].as_ptr(), buffers[0].as_ptr());
        let short: Vec<Bytes> = buffers.iter().map(|b| b.slice(..1)).collect();
        assert!(assemble(2, &plan, &short).is_none());
        assert!(assemble(1, &plan, &buffers).is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fetches_run_concurrently_up_to_the_planners_limit() {
        use std::sync::Arc;
        use std::time::{Duration, Instant};

        use crate::{Latency, LatencyStore};

        let latency = Latency {
            first_byte: Duration::from_millis(20),
            bytes_per_second: 0,
        };
        let slow = LatencyStore::new(object_store::memory::InMemory::new(), latency);
        let store = Store::from_object_store(Arc::new(slow), "", "slow").expect("store");
        store
            .put("k", Bytes::from(vec![1u8; 8000]))
            .await
            .expect("put");
        // 8 ranges too far apart to merge: 8 fetches.
        let ranges: Vec<Range<u64>> = (0..8).map(|i| i * 1000..i * 1000 + 10).collect();
        let planner = ReadPlanner::new().with_max_gap(0);
        for (n, rounds) in [(2, 4), (8, 1)] {
            store.reset_stats();
            let started = Instant::now();
            let got = store
                .get_planned("k", &ranges, &planner.with_concurrency(n))
                .await
                .expect("planned");
            assert!(
                started.elapsed() >= latency.first_byte * rounds,
                "{:?}",
                started.elapsed()
            );
            assert_eq!(got.len(), 8);
            assert_eq!(
                (store.stats().range_gets, store.stats().range_fetches),
                (8, 8)
            );
        }
    }

    fn planner_strategy() -> impl Strategy<Value = ReadPlanner> {
        (0u64..300, 1u64..2000, 1u64..1500, 1usize..6).prop_map(|(gap, max, min, n)| {
            ReadPlanner::new()
                .with_max_gap(gap)
                .with_max_part(max)
                .with_min_part(min)
                .with_concurrency(n)
        })
    }

    fn ranges_strategy(size: u64) -> impl Strategy<Value = Vec<Range<u64>>> {
        prop::collection::vec((0..=size, 0u64..3000), 0..24).prop_map(move |v| {
            v.into_iter()
                .map(|(start, len)| start..(start + len).min(size))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn plans_follow_the_rules(planner in planner_strategy(), ranges in ranges_strategy(1 << 40)) {
            let plan = planner.plan(&ranges);
            check_rules(&planner, &ranges, &plan);
        }

        #[test]
        fn planned_reads_return_exactly_the_bytes_asked(
            planner in planner_strategy(),
            ranges in ranges_strategy(20_000),
        ) {
            let object: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            let got = runtime.block_on(async {
                let store = Store::memory();
                store.put("obj", Bytes::from(object.clone())).await.expect("put");
                store.get_planned("obj", &ranges, &planner).await.expect("planned read")
            });
            prop_assert_eq!(got.len(), ranges.len());
            for (range, bytes) in ranges.iter().zip(&got) {
                let want = &object[range.start as usize..range.end.max(range.start) as usize];
                prop_assert_eq!(bytes.as_ref(), want);
            }
        }
    }
}
