//! Synthetic trade prints ([`trades`], [`trades_by_symbol`]).
//!
//! Owns the trade schema, aggressor sides, venues and sweeps (several prints at one instant walking
//! through price levels); the clock, symbol choice and book moves come from `market`, Arrow
//! assembly from `columns`.

use arrow_array::RecordBatch;
use arrow_schema::DataType;

use crate::columns::{self, SYMBOL};
use crate::market::{Book, Clock, SymbolPicker, TRADE_EVENTS, Tables, price};
use crate::rng::{Bits, Rng, Table};
use crate::spec::{Spec, symbol_names};

/// Aggressor side codes: a buyer lifting the ask, a seller hitting the bid.
const SIDES: [&str; 2] = ["B", "S"];
const BUY: u8 = 0;
/// Probability (per 1024) that a new order has the same side as the symbol's previous one.
const SIDE_PERSISTS: u64 = 614;
/// Probability (per 1024) that the next print of a sweep is one tick deeper into the book.
const SWEEP_DEEPENS: u64 = 307;

/// Market identifier codes of lit US venues, with a realistic skew (weights of 256) towards the
/// big exchanges.
const VENUES: [&str; 7] = ["XNAS", "ARCX", "BATS", "EDGX", "XNYS", "MEMX", "IEXG"];
const VENUE_WEIGHTS: [u16; 7] = [87, 46, 36, 31, 26, 17, 13];

/// Trade columns as plain vectors; symbols, sides and venues as codes.
#[derive(Debug)]
struct Trades {
    ts: Vec<i64>,
    symbol: Vec<u32>,
    price: Vec<f64>,
    size: Vec<i64>,
    side: Vec<u8>,
    venue: Vec<u8>,
}

fn generate(spec: &Spec) -> Trades {
    let k = spec.symbol_count();
    let n = spec.rows;
    let tables = Tables::new();
    let venues = Table::new(&VENUE_WEIGHTS);
    let mut books: Vec<Book> = (0..k).map(|i| Book::open(spec.seed, i, &tables)).collect();
    let mut sides = vec![BUY; k];
    let mut rng = Rng::stream(spec.seed, TRADE_EVENTS);
    let mut clock = Clock::new(spec.start_ns);
    let mut picker = SymbolPicker::new(k);
    let mut out = Trades {
        ts: Vec::with_capacity(n),
        symbol: Vec::with_capacity(if k > 1 { n } else { 0 }),
        price: Vec::with_capacity(n),
        size: Vec::with_capacity(n),
        side: Vec::with_capacity(n),
        venue: Vec::with_capacity(n),
    };
    // The previous print's time and symbol, and how many ticks past the touch the sweep has gone.
    let mut prev: Option<(i64, u32)> = None;
    let mut depth = 0i64;
    for _ in 0..n {
        let t = clock.next(&mut rng);
        let same_instant = prev.is_some_and(|(pt, _)| pt == t);
        let s = picker.next(&mut rng, same_instant);
        let sweeping = prev == Some((t, s));
        prev = Some((t, s));
        let si = s as usize;
        let book = &mut books[si];
        // Bits: 10 deepen, 10 side persists, 8 venue.
        let mut bits = Bits::new(&mut rng);
        let deepens = bits.chance(SWEEP_DEEPENS);
        let persists = bits.chance(SIDE_PERSISTS);
        let venue = venues.get(bits.byte()) as u8;
        if sweeping {
            // One aggressive order filling at several venues and levels: the book is not requoted
            // between its prints, the side is kept, and the price only walks away from the touch.
            depth += i64::from(deepens);
        } else {
            book.step_prices(&mut rng, &tables);
            depth = 0;
            // Side codes index SIDES ("B" = 0, "S" = 1): xor with 1 flips the side.
            sides[si] ^= u8::from(!persists);
        }
        let ticks = if sides[si] == BUY {
            book.ask() + depth
        } else {
            (book.bid - depth).max(1)
        };
        out.ts.push(t);
        if k > 1 {
            out.symbol.push(s);
        }
        out.price.push(price(ticks));
        out.size.push(tables.size(&mut rng));
        out.side.push(sides[si]);
        out.venue.push(venue);
    }
    out
}

impl Trades {
    /// The rows at `rows`, without symbol indices.
    fn select(&self, rows: &[usize]) -> Trades {
        Trades {
            ts: columns::gather(&self.ts, rows),
            symbol: Vec::new(),
            price: columns::gather(&self.price, rows),
            size: columns::gather(&self.size, rows),
            side: columns::gather(&self.side, rows),
            venue: columns::gather(&self.venue, rows),
        }
    }

    /// A batch of these rows, with a symbol column when `names` is given.
    fn into_batch(self, names: Option<&[String]>) -> RecordBatch {
        let mut fields = vec![columns::ts_field()];
        let mut cols = vec![columns::timestamps(self.ts)];
        if let Some(names) = names {
            fields.push(columns::field(SYMBOL, DataType::Utf8));
            cols.push(columns::utf8(
                names,
                self.symbol.iter().map(|&s| s as usize),
            ));
        }
        fields.extend([
            columns::field("price", DataType::Float64),
            columns::field("size", DataType::Int64),
            columns::field("side", DataType::Utf8),
            columns::field("venue", DataType::Utf8),
        ]);
        cols.extend([
            columns::f64s(self.price),
            columns::i64s(self.size),
            columns::utf8(&SIDES, self.side.iter().map(|&c| usize::from(c))),
            columns::utf8(&VENUES, self.venue.iter().map(|&c| usize::from(c))),
        ]);
        columns::batch(fields, cols)
    }
}

/// Trades, all symbols interleaved in time order, `spec.rows` rows in total.
///
/// Schema (all non-null): `ts` Timestamp(Nanosecond, "UTC"), `symbol` Utf8 (only when
/// `spec.symbols > 1`), `price` Float64, `size` Int64, `side` Utf8 (`"B"` buyer-initiated at the
/// ask, `"S"` seller-initiated at the bid), `venue` Utf8 (MIC codes such as `"XNAS"`, `"ARCX"`,
/// `"BATS"`, `"EDGX"`, `"IEXG"`, skewed towards the large venues).
///
/// Prices are exact multiples of 0.01; prints at one instant on one symbol form a sweep that keeps
/// its side and walks through price levels. Each symbol opens at the same book as in
/// [`quotes`](crate::quotes). Timestamps and sizes follow the same model as quotes. The same spec
/// always yields a bit-identical batch.
///
/// # Panics
/// If a string column would exceed Arrow's 2 GiB Utf8 limit (hundreds of millions of rows).
pub fn trades(spec: &Spec) -> RecordBatch {
    let k = spec.symbol_count();
    let names = (k > 1).then(|| symbol_names(k));
    generate(spec).into_batch(names.as_deref())
}

/// The rows of [`trades`] split per symbol (no symbol column), one entry per symbol in
/// [`symbol_names`] order; a symbol without rows gets an empty batch. Rows sum to `spec.rows`.
pub fn trades_by_symbol(spec: &Spec) -> Vec<(String, RecordBatch)> {
    let k = spec.symbol_count();
    let all = generate(spec);
    if k == 1 {
        return symbol_names(1)
            .into_iter()
            .zip([all])
            .map(|(name, t)| (name, t.into_batch(None)))
            .collect();
    }
    let rows = columns::rows_by_symbol(&all.symbol, k);
    symbol_names(k)
        .into_iter()
        .zip(rows)
        .map(|(name, rows)| (name, all.select(&rows).into_batch(None)))
        .collect()
}
