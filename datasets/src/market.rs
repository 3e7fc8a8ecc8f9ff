//! The market model shared by the quote and trade generators: when events happen ([`Clock`]),
//! which symbol they touch ([`SymbolPicker`]), and how each symbol's top of book moves ([`Book`]).
//!
//! Everything is integer arithmetic on ticks (0.01) and nanoseconds, driven by [`Rng`], so the same
//! seed yields the same events on every platform. This module builds no Arrow data and knows
//! nothing of column layouts.

use crate::rng::{Bits, Rng, Table, Weighted};

/// Stream id of the quote event sequence.
pub(crate) const QUOTE_EVENTS: u64 = 1;
/// Stream id of the trade event sequence.
pub(crate) const TRADE_EVENTS: u64 = 2;
/// Stream ids of per-symbol opening books start here (plus the symbol index), so a symbol opens
/// at the same quote in quotes and trades, whatever the row or symbol count.
const OPENING_BOOK: u64 = 1 << 32;

/// Probability (per 1024 calm events) that a burst starts.
const BURST_START: u64 = 20;
/// Burst length is `BURST_MIN + below(BURST_SPREAD)` events.
const BURST_MIN: u64 = 4;
const BURST_SPREAD: u64 = 32;
/// Probability (per 1024) of an event sharing the previous timestamp, inside and outside bursts.
const SAME_INSTANT_IN_BURST: u64 = 563;
const SAME_INSTANT_CALM: u64 = 61;
/// Gap exponents: a gap is uniform in `[2^e, 2^(e+1))` ns, `e` drawn from these tables (weights
/// out of 256), which makes gaps log-uniform-ish and heavy-tailed.
const BURST_EXP_MIN: u32 = 2; // 4 ns .. 16 us
const BURST_EXP_WEIGHTS: [u16; 12] = [9, 17, 26, 34, 38, 38, 34, 26, 17, 9, 4, 4];
const CALM_EXP_MIN: u32 = 8; // 256 ns .. 33 ms
const CALM_EXP_WEIGHTS: [u16; 17] = [3, 7, 14, 20, 27, 30, 30, 27, 24, 20, 17, 14, 10, 7, 2, 2, 2];

/// Probability (per 1024) that an event at the previous instant touches the previous symbol: a
/// burst is usually one symbol's book being hit, not a coincidence across names.
const SAME_SYMBOL_AT_SAME_INSTANT: u64 = 768;

/// Bid moves by `MOVE_TICKS[i]` with weight `MOVE_WEIGHTS[i]` (of 256): mostly not at all.
const MOVE_TICKS: [i64; 5] = [-2, -1, 0, 1, 2];
const MOVE_WEIGHTS: [u16; 5] = [5, 23, 200, 23, 5];
/// Probability (per 1024) that an event redraws the spread, from 1, 2 or 3 ticks.
const SPREAD_CHANGE: u64 = 123;
const SPREAD_WEIGHTS: [u16; 3] = [154, 77, 25];
/// Probability (per 1024) that a side whose price did not move shows a new size anyway.
const SIZE_CHANGE: u64 = 205;
/// When no price moved, a 10-bit draw resizes the bid below this, the ask from `RESIZE_ASK_FROM`:
/// 40% bid only, 40% ask only, 20% both.
const RESIZE_BID_BELOW: u64 = 614;
const RESIZE_ASK_FROM: u64 = 410;
/// Probability (per 1024) of an odd lot (1..=99 shares).
const ODD_LOT: u64 = 102;
/// Round lots: 1..=10 lots with these weights (of 256); the last entry is a block of 11..=50 lots.
const LOT_WEIGHTS: [u16; 11] = [77, 49, 33, 23, 18, 13, 10, 8, 5, 12, 8];
const BLOCK_MIN_LOTS: u64 = 11;
const BLOCK_LOT_SPREAD: u64 = 40;
/// Opening prices in ticks: an octave `[lo, 2 lo)` from `2000 << below(5)`, capped, so prices
/// spread over $20..$500 with as many cheap names as dear ones.
const OPEN_MIN_TICKS: i64 = 2_000;
const OPEN_OCTAVES: u64 = 5;
const OPEN_MAX_TICKS: i64 = 50_000;

/// Event times: a non-decreasing, bursty nanosecond clock.
///
/// Calm periods have gaps from hundreds of ns to tens of ms; bursts have gaps of a few ns to µs
/// and many exact repeats of the previous timestamp, as when one order sweeps a book.
#[derive(Debug)]
pub(crate) struct Clock {
    now: i64,
    started: bool,
    burst_left: u64,
    burst_exps: Table,
    calm_exps: Table,
}

impl Clock {
    pub(crate) fn new(start_ns: i64) -> Clock {
        Clock {
            now: start_ns,
            started: false,
            burst_left: 0,
            burst_exps: Table::new(&BURST_EXP_WEIGHTS),
            calm_exps: Table::new(&CALM_EXP_WEIGHTS),
        }
    }

    /// The next event's time; the first call returns the start time.
    #[inline]
    pub(crate) fn next(&mut self, rng: &mut Rng) -> i64 {
        if !self.started {
            self.started = true;
            return self.now;
        }
        // Bits: 10 burst start, 10 same instant, 8 exponent, 32 offset.
        let mut bits = Bits::new(rng);
        let starts_burst = bits.chance(BURST_START);
        let (same, exp) = if self.burst_left > 0 {
            self.burst_left -= 1;
            let same = bits.chance(SAME_INSTANT_IN_BURST);
            (
                same,
                BURST_EXP_MIN + self.burst_exps.get(bits.byte()) as u32,
            )
        } else {
            if starts_burst {
                self.burst_left = BURST_MIN + rng.below(BURST_SPREAD);
            }
            let same = bits.chance(SAME_INSTANT_CALM);
            (same, CALM_EXP_MIN + self.calm_exps.get(bits.byte()) as u32)
        };
        // Exponents stay below 32, so the offset fits the 32 bits taken.
        let lo = 1u64 << exp;
        let gap = lo + (bits.take(32) & (lo - 1));
        let gap = if same { 0 } else { gap as i64 };
        // Saturating: a start near i64::MAX pins the clock instead of wrapping into the past.
        self.now = self.now.saturating_add(gap);
        self.now
    }
}

/// Which symbol each event belongs to: Zipf-like activity (symbol `i` has weight `1/(i+1)`), and
/// events at the same instant mostly stay on the same symbol.
#[derive(Debug)]
pub(crate) struct SymbolPicker {
    /// `None` for a single symbol, which then costs no random draws.
    table: Option<Weighted>,
    last: u32,
}

impl SymbolPicker {
    pub(crate) fn new(symbols: usize) -> SymbolPicker {
        let table = (symbols > 1).then(|| {
            let weights: Vec<u64> = (1..=symbols as u64).map(|i| (1u64 << 32) / i).collect();
            Weighted::new(&weights)
        });
        SymbolPicker { table, last: 0 }
    }

    /// The symbol index of the next event; `same_instant` says it shares the previous timestamp.
    #[inline]
    pub(crate) fn next(&mut self, rng: &mut Rng, same_instant: bool) -> u32 {
        let Some(table) = &self.table else {
            return 0;
        };
        if same_instant && Bits::new(rng).chance(SAME_SYMBOL_AT_SAME_INSTANT) {
            return self.last;
        }
        // Symbol counts beyond u32 would need more memory than any caller has for the names.
        self.last = table.sample(rng) as u32;
        self.last
    }
}

/// The distributions of book moves and sizes, built once per generator run.
#[derive(Debug)]
pub(crate) struct Tables {
    moves: Table,
    spreads: Table,
    lots: Table,
}

impl Tables {
    pub(crate) fn new() -> Tables {
        Tables {
            moves: Table::new(&MOVE_WEIGHTS),
            spreads: Table::new(&SPREAD_WEIGHTS),
            lots: Table::new(&LOT_WEIGHTS),
        }
    }

    /// A share count: ~10% odd lots, otherwise round lots, mostly 100..=1000.
    ///
    /// Computes every candidate and selects, which is cheaper than mispredicted branches.
    #[inline]
    pub(crate) fn size(&self, rng: &mut Rng) -> i64 {
        // Bits: 10 odd, 16 odd size, 8 lot bucket, 16 block size.
        let mut bits = Bits::new(rng);
        let odd = bits.chance(ODD_LOT);
        let odd_size = 1 + bits.below(99);
        let bucket = self.lots.get(bits.byte()) as u64;
        let block = BLOCK_MIN_LOTS + bits.below(BLOCK_LOT_SPREAD);
        let lots = if bucket + 1 < LOT_WEIGHTS.len() as u64 {
            bucket + 1
        } else {
            block
        };
        (if odd { odd_size } else { lots * 100 }) as i64
    }
}

/// One symbol's top of book, in ticks of 0.01 and shares.
#[derive(Debug, Clone)]
pub(crate) struct Book {
    /// Best bid in ticks, always at least 1.
    pub(crate) bid: i64,
    /// Ask minus bid in ticks, 1..=3.
    pub(crate) spread: i64,
    pub(crate) bid_size: i64,
    pub(crate) ask_size: i64,
}

impl Book {
    /// The opening book of symbol `index` under `seed`.
    pub(crate) fn open(seed: u64, index: usize, tables: &Tables) -> Book {
        let mut rng = Rng::stream(seed, OPENING_BOOK + index as u64);
        let lo = OPEN_MIN_TICKS << rng.below(OPEN_OCTAVES);
        let hi = (2 * lo).min(OPEN_MAX_TICKS + 1);
        let bid = lo + rng.below((hi - lo) as u64) as i64;
        let spread = tables.spreads.get(Bits::new(&mut rng).byte()) as i64 + 1;
        Book {
            bid,
            spread,
            bid_size: tables.size(&mut rng),
            ask_size: tables.size(&mut rng),
        }
    }

    /// Best ask in ticks.
    #[inline]
    pub(crate) fn ask(&self) -> i64 {
        self.bid + self.spread
    }

    /// One price update: the bid moves 0, ±1 or ±2 ticks and the spread is sometimes redrawn.
    /// Returns whether the bid and the ask moved, and the random word with 38 bits left.
    #[inline]
    pub(crate) fn step_prices(&mut self, rng: &mut Rng, tables: &Tables) -> (bool, bool, Bits) {
        // Bits: 8 move, 8 spread, 10 spread change; the caller may take 38 more.
        let mut bits = Bits::new(rng);
        let old_ask = self.ask();
        let delta = MOVE_TICKS[tables.moves.get(bits.byte())];
        let new_spread = tables.spreads.get(bits.byte()) as i64 + 1;
        // Reflect at the one-tick floor so prices stay positive.
        let bid = if self.bid + delta >= 1 {
            self.bid + delta
        } else {
            self.bid - delta
        };
        let bid_moved = bid != self.bid;
        self.bid = bid;
        if bits.chance(SPREAD_CHANGE) {
            self.spread = new_spread;
        }
        (bid_moved, self.ask() != old_ask, bits)
    }

    /// One full quote update: [`Book::step_prices`], then new sizes on a side whose price moved
    /// (and sometimes on one that did not). An update that moves no price resizes the bid, the
    /// ask or both, so a feed rarely repeats a quote unchanged.
    #[inline]
    pub(crate) fn step(&mut self, rng: &mut Rng, tables: &Tables) {
        let (bid_moved, ask_moved, mut bits) = self.step_prices(rng, tables);
        let new_bid_size = tables.size(rng);
        let new_ask_size = tables.size(rng);
        // Bits: 10 + 10 side-size changes, 10 which side when no price moved.
        let bid_resized = bits.chance(SIZE_CHANGE);
        let ask_resized = bits.chance(SIZE_CHANGE);
        let which = bits.take(10);
        let still = !(bid_moved | ask_moved);
        if bid_moved | bid_resized | (still & (which < RESIZE_BID_BELOW)) {
            self.bid_size = new_bid_size;
        }
        if ask_moved | ask_resized | (still & (which >= RESIZE_ASK_FROM)) {
            self.ask_size = new_ask_size;
        }
    }
}

/// A price in ticks as the decimal-like double `ticks / 100`.
#[inline]
pub(crate) fn price(ticks: i64) -> f64 {
    ticks as f64 / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_is_bursty_and_non_decreasing() {
        let mut rng = Rng::new(3);
        let mut clock = Clock::new(1_000);
        assert_eq!(clock.next(&mut rng), 1_000);
        let mut prev = 1_000;
        let (mut same, mut tiny, mut long) = (0, 0, 0);
        let n = 200_000;
        for _ in 0..n {
            let t = clock.next(&mut rng);
            let gap = t - prev;
            assert!(gap >= 0);
            same += usize::from(gap == 0);
            tiny += usize::from(gap > 0 && gap < 1_000);
            long += usize::from(gap > 1_000_000);
            prev = t;
        }
        let share = same as f64 / n as f64;
        assert!((0.15..=0.25).contains(&share), "same-instant share {share}");
        assert!(tiny > n / 20, "sub-microsecond gaps: {tiny}");
        assert!(long > n / 200, "millisecond gaps: {long}");
    }

    #[test]
    fn clock_saturates_instead_of_wrapping() {
        let mut rng = Rng::new(3);
        let mut clock = Clock::new(i64::MAX - 10);
        for _ in 0..1_000 {
            assert!(clock.next(&mut rng) >= i64::MAX - 10);
        }
    }

    #[test]
    fn picker_favours_the_first_symbols() {
        let mut rng = Rng::new(5);
        let mut picker = SymbolPicker::new(10);
        let mut seen = [0usize; 10];
        for _ in 0..100_000 {
            seen[picker.next(&mut rng, false) as usize] += 1;
        }
        assert!(seen[0] > 3 * seen[9], "{seen:?}");
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
        assert_eq!(SymbolPicker::new(1).next(&mut rng, false), 0);
    }

    #[test]
    fn book_stays_valid() {
        let tables = Tables::new();
        let mut rng = Rng::new(11);
        let mut book = Book::open(11, 0, &tables);
        book.bid = 3; // near the floor, to exercise the reflection
        for _ in 0..100_000 {
            book.step(&mut rng, &tables);
            assert!(book.bid >= 1);
            assert!((1..=3).contains(&book.spread));
            assert!(book.bid_size > 0 && book.ask_size > 0);
        }
    }

    #[test]
    fn opening_prices_span_the_range() {
        let tables = Tables::new();
        let bids: Vec<i64> = (0..1_000).map(|i| Book::open(42, i, &tables).bid).collect();
        assert!(
            bids.iter()
                .all(|b| (OPEN_MIN_TICKS..=OPEN_MAX_TICKS).contains(b))
        );
        assert!(bids.iter().any(|&b| b < 4_000) && bids.iter().any(|&b| b > 40_000));
    }

    #[test]
    fn sizes_are_mostly_round_lots() {
        let tables = Tables::new();
        let mut rng = Rng::new(8);
        let sizes: Vec<i64> = (0..100_000).map(|_| tables.size(&mut rng)).collect();
        let odd = sizes.iter().filter(|&&s| s % 100 != 0).count();
        let typical = sizes
            .iter()
            .filter(|&&s| (100..=1_000).contains(&s))
            .count();
        assert!((8_000..12_000).contains(&odd), "odd lots {odd}");
        assert!(typical > 80_000, "100..=1000 shares: {typical}");
        assert!(sizes.iter().all(|&s| (1..=5_000).contains(&s)));
    }
}
