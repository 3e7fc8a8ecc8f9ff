//! Synthetic top-of-book quotes ([`quotes`], [`quotes_by_symbol`]).
//!
//! Owns the quote schema and the loop that turns market-model events into quote rows; the model
//! itself (clock, symbol choice, book moves) lives in `market`, Arrow assembly in `columns`.

use arrow_array::RecordBatch;
use arrow_schema::DataType;

use crate::columns::{self, SYMBOL};
use crate::market::{Book, Clock, QUOTE_EVENTS, SymbolPicker, Tables, price};
use crate::rng::Rng;
use crate::spec::{Spec, symbol_names};

/// Quote columns as plain vectors, symbols as indices into [`symbol_names`].
#[derive(Debug)]
struct Quotes {
    ts: Vec<i64>,
    symbol: Vec<u32>,
    bid: Vec<f64>,
    ask: Vec<f64>,
    bid_size: Vec<i64>,
    ask_size: Vec<i64>,
}

fn generate(spec: &Spec) -> Quotes {
    let k = spec.symbol_count();
    let n = spec.rows;
    let tables = Tables::new();
    let mut books: Vec<Book> = (0..k).map(|i| Book::open(spec.seed, i, &tables)).collect();
    let mut rng = Rng::stream(spec.seed, QUOTE_EVENTS);
    let mut clock = Clock::new(spec.start_ns);
    let mut picker = SymbolPicker::new(k);
    let mut q = Quotes {
        ts: Vec::with_capacity(n),
        symbol: Vec::with_capacity(if k > 1 { n } else { 0 }),
        bid: Vec::with_capacity(n),
        ask: Vec::with_capacity(n),
        bid_size: Vec::with_capacity(n),
        ask_size: Vec::with_capacity(n),
    };
    let mut prev = None;
    for _ in 0..n {
        let t = clock.next(&mut rng);
        let s = picker.next(&mut rng, prev == Some(t));
        prev = Some(t);
        let book = &mut books[s as usize];
        book.step(&mut rng, &tables);
        q.ts.push(t);
        if k > 1 {
            q.symbol.push(s);
        }
        q.bid.push(price(book.bid));
        q.ask.push(price(book.ask()));
        q.bid_size.push(book.bid_size);
        q.ask_size.push(book.ask_size);
    }
    q
}

impl Quotes {
    /// The rows at `rows`, without symbol indices.
    fn select(&self, rows: &[usize]) -> Quotes {
        Quotes {
            ts: columns::gather(&self.ts, rows),
            symbol: Vec::new(),
            bid: columns::gather(&self.bid, rows),
            ask: columns::gather(&self.ask, rows),
            bid_size: columns::gather(&self.bid_size, rows),
            ask_size: columns::gather(&self.ask_size, rows),
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
            columns::field("bid", DataType::Float64),
            columns::field("ask", DataType::Float64),
            columns::field("bid_size", DataType::Int64),
            columns::field("ask_size", DataType::Int64),
        ]);
        cols.extend([
            columns::f64s(self.bid),
            columns::f64s(self.ask),
            columns::i64s(self.bid_size),
            columns::i64s(self.ask_size),
        ]);
        columns::batch(fields, cols)
    }
}

/// Quotes, all symbols interleaved in time order, `spec.rows` rows in total.
///
/// Schema (all non-null): `ts` Timestamp(Nanosecond, "UTC"), `symbol` Utf8 (only when
/// `spec.symbols > 1`), `bid` Float64, `ask` Float64, `bid_size` Int64, `ask_size` Int64.
///
/// Prices are exact multiples of 0.01 (`ticks as f64 / 100.0`) with `bid < ask`; timestamps are
/// non-decreasing and bursty, with about a fifth of rows repeating the previous timestamp; sizes
/// are mostly round lots of 100..=1000 shares with ~10% odd lots. More active symbols (earlier in
/// [`symbol_names`]) get more rows. The same spec always yields a bit-identical batch.
///
/// # Panics
/// If the symbol column would exceed Arrow's 2 GiB Utf8 limit (hundreds of millions of rows).
pub fn quotes(spec: &Spec) -> RecordBatch {
    let k = spec.symbol_count();
    let names = (k > 1).then(|| symbol_names(k));
    generate(spec).into_batch(names.as_deref())
}

/// The rows of [`quotes`] split per symbol (no symbol column), one entry per symbol in
/// [`symbol_names`] order; a symbol without rows gets an empty batch. Rows sum to `spec.rows`.
pub fn quotes_by_symbol(spec: &Spec) -> Vec<(String, RecordBatch)> {
    let k = spec.symbol_count();
    let all = generate(spec);
    if k == 1 {
        return symbol_names(1)
            .into_iter()
            .zip([all])
            .map(|(name, q)| (name, q.into_batch(None)))
            .collect();
    }
    let rows = columns::rows_by_symbol(&all.symbol, k);
    symbol_names(k)
        .into_iter()
        .zip(rows)
        .map(|(name, rows)| (name, all.select(&rows).into_batch(None)))
        .collect()
}
