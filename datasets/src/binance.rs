//! Loading a Binance USD-M futures websocket capture ([`load_binance`]): a gzip file of one event
//! a line, `<local receive ns> <raw JSON>`, into trade, best-bid/offer, depth-update and
//! depth-snapshot batches sorted by exchange time.
//!
//! Owns the batch layouts, the time index (`T`, else `E`) and the one-symbol rule; parsing a line
//! into an [`Event`] lives in `event` and is public for importers. Every line becomes exactly
//! one event or an error naming the line: nothing is skipped, rounded to a tick, deduplicated or
//! checked for sequence gaps here.

mod event;

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::DataType;
use flate2::read::MultiGzDecoder;

pub use self::event::{
    BinanceParser, BookTicker, DepthSnapshot, DepthUpdate, Event, Level, Trade, parse_binance_line,
};
use crate::columns;
use crate::error::{Error, Result};
use crate::text::{for_each_line, parse_error};

/// A Binance capture as four batches, each sorted by `ts` (stable: lines with equal `ts` keep
/// their order in the file).
///
/// Timestamps are all `Timestamp(Nanosecond, "UTC")`: `ts` is the exchange's transaction time
/// `T` (its event time `E` where an event has no `T`), `event_ts` is `E`, both milliseconds
/// scaled to ns; `recv_ts` is the capturing machine's receive time, as written in the file.
/// Prices and quantities are Float64; all columns are non-null.
#[derive(Debug, Clone, PartialEq)]
pub struct Binance {
    /// The symbol the stream events name (`BTCUSDT`); `None` if no line names one.
    pub symbol: Option<String>,
    /// One row per `@trade` event: `ts`, `recv_ts`, `event_ts`, `trade_id` Int64, `price`,
    /// `qty`, `buyer_is_maker` Boolean, `trade_type` Utf8 (Binance's `X`, such as `"MARKET"`).
    pub trades: RecordBatch,
    /// One row per `@bookTicker` event: `ts`, `recv_ts`, `event_ts`, `update_id` Int64,
    /// `bid_price`, `bid_qty`, `ask_price`, `ask_qty`.
    pub bbo: RecordBatch,
    /// One row per price level of each `@depth` update, bids then asks as listed: `ts`,
    /// `recv_ts`, `event_ts`, `first_update_id` (`U`), `last_update_id` (`u`), `prev_update_id`
    /// (`pu`), all Int64, `side` Utf8 (`"bid"` or `"ask"`), `price`, `qty` (0 removes the level).
    pub depth: RecordBatch,
    /// One row per price level of each REST depth snapshot in the capture (`{"lastUpdateId":..}`
    /// lines, which seed the book that `depth` updates): `ts`, `recv_ts`, `event_ts`,
    /// `last_update_id` Int64, `side`, `price`, `qty`.
    pub snapshots: RecordBatch,
}

/// Loads a gzip-compressed capture (one `<receive ns> <JSON>` event a line) into batches.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read or decompressed; [`Error::Parse`] naming the first
/// line that [`parse_binance_line`] rejects, that names a different symbol from earlier lines
/// (one capture, one symbol), or whose millisecond times do not fit in i64 nanoseconds.
pub fn load_binance(path: &Path) -> Result<Binance> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = BufReader::with_capacity(1 << 16, MultiGzDecoder::new(BufReader::new(file)));
    let mut rows = Rows::default();
    let mut parser = BinanceParser::new();
    for_each_line(reader, path, |line, text| {
        let event = parser.parse(text, path, line)?;
        rows.push(event)
            .map_err(|reason| parse_error(path, line, reason))
    })?;
    Ok(rows.into_binance())
}

/// Milliseconds since the epoch as nanoseconds.
fn ms_to_ns(ms: i64, key: &str) -> Result<i64, String> {
    ms.checked_mul(1_000_000)
        .ok_or_else(|| format!("time `{key}` = {ms} ms does not fit in i64 ns"))
}

/// The `ts` of an event: `T`, or `E` without one.
fn index_ns(transaction_ms: Option<i64>, event_ms: i64) -> Result<i64, String> {
    match transaction_ms {
        Some(t) => ms_to_ns(t, "T"),
        None => ms_to_ns(event_ms, "E"),
    }
}

/// Side codes of depth rows, indexing [`SIDES`].
const SIDES: [&str; 2] = ["bid", "ask"];
const BID: u8 = 0;
const ASK: u8 = 1;

/// The rows of all four batches, in file order.
#[derive(Debug, Default)]
struct Rows {
    symbol: Option<String>,
    trades: TradeRows,
    bbo: BboRows,
    depth: LevelRows,
    snapshots: LevelRows,
}

impl Rows {
    /// Appends one event; `Err` holds the reason the event does not fit the capture.
    fn push(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::Trade(t) => {
                self.check_symbol(&t.symbol)?;
                self.trades.push(t)
            }
            Event::BookTicker(b) => {
                self.check_symbol(&b.symbol)?;
                self.bbo.push(&b)
            }
            Event::Depth(d) => {
                self.check_symbol(&d.symbol)?;
                let ts = index_ns(d.transaction_ms, d.event_ms)?;
                let ids = [d.first_update_id, d.last_update_id, d.prev_update_id];
                self.depth
                    .push(ts, d.recv_ns, d.event_ms, ids, &d.bids, &d.asks)
            }
            Event::Snapshot(s) => {
                let ts = index_ns(s.transaction_ms, s.event_ms)?;
                let ids = [0, s.last_update_id, 0];
                self.snapshots
                    .push(ts, s.recv_ns, s.event_ms, ids, &s.bids, &s.asks)
            }
        }
    }

    fn check_symbol(&mut self, symbol: &str) -> Result<(), String> {
        match &self.symbol {
            None => {
                self.symbol = Some(symbol.to_owned());
                Ok(())
            }
            Some(known) if known == symbol => Ok(()),
            Some(known) => Err(format!(
                "symbol {symbol:?} differs from {known:?} on earlier lines; load one symbol per capture"
            )),
        }
    }

    fn into_binance(self) -> Binance {
        Binance {
            symbol: self.symbol,
            trades: self.trades.into_batch(),
            bbo: self.bbo.into_batch(),
            depth: self.depth.into_batch(true),
            snapshots: self.snapshots.into_batch(false),
        }
    }
}

#[derive(Debug, Default)]
struct TradeRows {
    ts: Vec<i64>,
    recv: Vec<i64>,
    event: Vec<i64>,
    trade_id: Vec<i64>,
    price: Vec<f64>,
    qty: Vec<f64>,
    buyer_is_maker: Vec<bool>,
    /// Codes into `types`, the distinct `X` values in order of appearance.
    trade_type: Vec<usize>,
    types: Vec<String>,
}

impl TradeRows {
    fn push(&mut self, t: Trade) -> Result<(), String> {
        self.ts.push(ms_to_ns(t.transaction_ms, "T")?);
        self.recv.push(t.recv_ns);
        self.event.push(ms_to_ns(t.event_ms, "E")?);
        self.trade_id.push(t.trade_id);
        self.price.push(t.price);
        self.qty.push(t.qty);
        self.buyer_is_maker.push(t.buyer_is_maker);
        let code = match self.types.iter().position(|k| *k == t.trade_type) {
            Some(code) => code,
            None => {
                self.types.push(t.trade_type);
                self.types.len() - 1
            }
        };
        self.trade_type.push(code);
        Ok(())
    }

    fn into_batch(self) -> RecordBatch {
        let order = sort_order(&self.ts);
        let o = order.as_deref();
        columns::batch(
            vec![
                columns::ts_field(),
                columns::timestamp_field("recv_ts"),
                columns::timestamp_field("event_ts"),
                columns::field("trade_id", DataType::Int64),
                columns::field("price", DataType::Float64),
                columns::field("qty", DataType::Float64),
                columns::field("buyer_is_maker", DataType::Boolean),
                columns::field("trade_type", DataType::Utf8),
            ],
            vec![
                columns::timestamps(permute(self.ts, o)),
                columns::timestamps(permute(self.recv, o)),
                columns::timestamps(permute(self.event, o)),
                columns::i64s(permute(self.trade_id, o)),
                columns::f64s(permute(self.price, o)),
                columns::f64s(permute(self.qty, o)),
                columns::bools(permute(self.buyer_is_maker, o)),
                columns::utf8(&self.types, permute(self.trade_type, o).into_iter()),
            ],
        )
    }
}

#[derive(Debug, Default)]
struct BboRows {
    ts: Vec<i64>,
    recv: Vec<i64>,
    event: Vec<i64>,
    update_id: Vec<i64>,
    bid_price: Vec<f64>,
    bid_qty: Vec<f64>,
    ask_price: Vec<f64>,
    ask_qty: Vec<f64>,
}

impl BboRows {
    fn push(&mut self, b: &BookTicker) -> Result<(), String> {
        self.ts.push(index_ns(b.transaction_ms, b.event_ms)?);
        self.recv.push(b.recv_ns);
        self.event.push(ms_to_ns(b.event_ms, "E")?);
        self.update_id.push(b.update_id);
        self.bid_price.push(b.bid_price);
        self.bid_qty.push(b.bid_qty);
        self.ask_price.push(b.ask_price);
        self.ask_qty.push(b.ask_qty);
        Ok(())
    }

    fn into_batch(self) -> RecordBatch {
        let order = sort_order(&self.ts);
        let o = order.as_deref();
        columns::batch(
            vec![
                columns::ts_field(),
                columns::timestamp_field("recv_ts"),
                columns::timestamp_field("event_ts"),
                columns::field("update_id", DataType::Int64),
                columns::field("bid_price", DataType::Float64),
                columns::field("bid_qty", DataType::Float64),
                columns::field("ask_price", DataType::Float64),
                columns::field("ask_qty", DataType::Float64),
            ],
            vec![
                columns::timestamps(permute(self.ts, o)),
                columns::timestamps(permute(self.recv, o)),
                columns::timestamps(permute(self.event, o)),
                columns::i64s(permute(self.update_id, o)),
                columns::f64s(permute(self.bid_price, o)),
                columns::f64s(permute(self.bid_qty, o)),
                columns::f64s(permute(self.ask_price, o)),
                columns::f64s(permute(self.ask_qty, o)),
            ],
        )
    }
}

/// Price-level rows of depth updates or snapshots.
#[derive(Debug, Default)]
struct LevelRows {
    ts: Vec<i64>,
    recv: Vec<i64>,
    event: Vec<i64>,
    /// `[U, u, pu]` of the event; snapshots use only `u` (`lastUpdateId`).
    ids: Vec<[i64; 3]>,
    side: Vec<u8>,
    price: Vec<f64>,
    qty: Vec<f64>,
}

impl LevelRows {
    fn push(
        &mut self,
        ts: i64,
        recv_ns: i64,
        event_ms: i64,
        ids: [i64; 3],
        bids: &[Level],
        asks: &[Level],
    ) -> Result<(), String> {
        let event = ms_to_ns(event_ms, "E")?;
        let levels = bids
            .iter()
            .map(|l| (BID, l))
            .chain(asks.iter().map(|l| (ASK, l)));
        for (side, level) in levels {
            self.ts.push(ts);
            self.recv.push(recv_ns);
            self.event.push(event);
            self.ids.push(ids);
            self.side.push(side);
            self.price.push(level.price);
            self.qty.push(level.qty);
        }
        Ok(())
    }

    /// The batch; `updates` selects the depth-update layout (`first_update_id`,
    /// `last_update_id`, `prev_update_id`) over the snapshot one (`last_update_id` only).
    fn into_batch(self, updates: bool) -> RecordBatch {
        let order = sort_order(&self.ts);
        let o = order.as_deref();
        let ids = permute(self.ids, o);
        let id_column = |i: usize| columns::i64s(ids.iter().map(|r| r[i]).collect());
        let mut fields = vec![
            columns::ts_field(),
            columns::timestamp_field("recv_ts"),
            columns::timestamp_field("event_ts"),
        ];
        let mut cols = vec![
            columns::timestamps(permute(self.ts, o)),
            columns::timestamps(permute(self.recv, o)),
            columns::timestamps(permute(self.event, o)),
        ];
        if updates {
            fields.extend([
                columns::field("first_update_id", DataType::Int64),
                columns::field("last_update_id", DataType::Int64),
                columns::field("prev_update_id", DataType::Int64),
            ]);
            cols.extend([id_column(0), id_column(1), id_column(2)]);
        } else {
            fields.push(columns::field("last_update_id", DataType::Int64));
            cols.push(id_column(1));
        }
        fields.extend([
            columns::field("side", DataType::Utf8),
            columns::field("price", DataType::Float64),
            columns::field("qty", DataType::Float64),
        ]);
        cols.extend([
            columns::utf8(&SIDES, permute(self.side, o).into_iter().map(usize::from)),
            columns::f64s(permute(self.price, o)),
            columns::f64s(permute(self.qty, o)),
        ]);
        columns::batch(fields, cols)
    }
}

/// The row order that sorts `ts` stably, or `None` if it is already sorted.
fn sort_order(ts: &[i64]) -> Option<Vec<usize>> {
    if ts.is_sorted() {
        return None;
    }
    let mut order: Vec<usize> = (0..ts.len()).collect();
    order.sort_by_key(|&i| ts[i]);
    Some(order)
}

/// `values` in `order`, or unchanged without one.
fn permute<T: Copy>(values: Vec<T>, order: Option<&[usize]>) -> Vec<T> {
    match order {
        Some(order) => columns::gather(&values, order),
        None => values,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type, TimestampNanosecondType};
    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::event::tests::{BOOK_TICKER, DEPTH, SNAPSHOT, TRADE};
    use super::*;

    fn gz_of(lines: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("cannot create a temporary directory");
        };
        let path = dir.path().join("capture.gz");
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        for line in lines {
            assert!(writeln!(gz, "{line}").is_ok());
        }
        let bytes = gz.finish();
        assert!(bytes.is_ok_and(|b| std::fs::write(&path, b).is_ok()));
        (dir, path)
    }

    #[test]
    fn a_bad_line_in_a_file_names_its_number() {
        let (_dir, path) = gz_of(&[
            TRADE,
            BOOK_TICKER,
            "1723161255088176368 {\"stream\":",
            DEPTH,
        ]);
        match load_binance(&path) {
            Err(Error::Parse { file, line, .. }) => assert_eq!((file, line), (path, 3)),
            other => panic!("{other:?}"),
        }
        let other_symbol = TRADE.replace("BTCUSDT", "ETHUSDT");
        let (_dir, path) = gz_of(&[TRADE, &other_symbol]);
        assert!(matches!(
            load_binance(&path),
            Err(Error::Parse { line: 2, .. })
        ));
        let missing = load_binance(Path::new("/no/such/capture.gz"));
        assert!(matches!(missing, Err(Error::Io { .. })), "{missing:?}");
    }

    #[test]
    fn the_index_is_transaction_time_else_event_time() {
        assert_eq!(index_ns(Some(3), 5), Ok(3_000_000));
        assert_eq!(index_ns(None, 5), Ok(5_000_000));
        assert!(index_ns(Some(i64::MAX / 1_000), 5).is_err());
        let no_t = BOOK_TICKER.replace(r#""T":1723161256313,"#, "");
        let (_dir, path) = gz_of(&[BOOK_TICKER, &no_t]);
        let bbo = load_binance(&path).map(|b| ts_of(&b.bbo, "ts"));
        assert_eq!(
            bbo.ok(),
            Some(vec![1_723_161_256_313_000_000, 1_723_161_256_314_000_000])
        );
    }

    fn ts_of(batch: &RecordBatch, name: &str) -> Vec<i64> {
        batch
            .column_by_name(name)
            .map(|c| {
                c.as_primitive::<TimestampNanosecondType>()
                    .values()
                    .to_vec()
            })
            .unwrap_or_default()
    }

    #[test]
    fn frames_are_stably_sorted_by_exchange_time() {
        // Trades with T = 3, 1, 3, 2 ms, received in that order.
        let trade = |recv: u64, t: u64, id: u64| {
            TRADE
                .replacen("1723161255088176367", &recv.to_string(), 1)
                .replace(r#""T":1723161256321"#, &format!(r#""T":{t}"#))
                .replace("5266583935", &id.to_string())
        };
        let lines = [
            trade(10, 3, 1),
            trade(11, 1, 2),
            trade(12, 3, 3),
            trade(13, 2, 4),
        ];
        let mut all: Vec<&str> = lines.iter().map(String::as_str).collect();
        all.extend([DEPTH, SNAPSHOT, BOOK_TICKER]);
        let (_dir, path) = gz_of(&all);
        let binance = match load_binance(&path) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(binance.symbol.as_deref(), Some("BTCUSDT"));
        let trades = &binance.trades;
        assert_eq!(
            ts_of(trades, "ts"),
            [1_000_000, 2_000_000, 3_000_000, 3_000_000]
        );
        assert_eq!(ts_of(trades, "recv_ts"), [11, 13, 10, 12]);
        let ids = trades
            .column_by_name("trade_id")
            .map(|c| c.as_primitive::<Int64Type>());
        assert_eq!(ids.map(|c| c.values().to_vec()), Some(vec![2, 4, 1, 3]));
        assert_eq!(trades.schema().field(7).name(), "trade_type");

        assert_eq!(binance.bbo.num_rows(), 1);
        assert_eq!(ts_of(&binance.bbo, "event_ts"), [1_723_161_256_314_000_000]);

        let depth = &binance.depth;
        assert_eq!(depth.num_rows(), 3);
        let names: Vec<String> = depth
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(
            names,
            [
                "ts",
                "recv_ts",
                "event_ts",
                "first_update_id",
                "last_update_id",
                "prev_update_id",
                "side",
                "price",
                "qty"
            ]
        );
        let sides: Vec<&str> = depth
            .column_by_name("side")
            .map(|c| c.as_string::<i32>().iter().flatten().collect())
            .unwrap_or_default();
        assert_eq!(sides, ["bid", "bid", "ask"]);
        let qty = depth
            .column_by_name("qty")
            .map(|c| c.as_primitive::<Float64Type>());
        assert_eq!(
            qty.map(|c| c.values().to_vec()),
            Some(vec![0.283, 0.0, 0.981])
        );

        let snapshots = &binance.snapshots;
        assert_eq!(snapshots.num_rows(), 3);
        assert_eq!(snapshots.schema().field(3).name(), "last_update_id");
        assert_eq!(snapshots.schema().field(4).name(), "side");
    }
}
