//! Loading a Binance USD-M futures websocket capture ([`load_binance`]): one event a line,
//! `<local receive ns> <raw JSON>`, parsed with simd-json into trade, best-bid/offer, depth-update
//! and depth-snapshot batches.
//!
//! Owns the line format and the JSON shapes of the `@trade`, `@bookTicker` and `@depth` streams
//! and of REST depth snapshots ([`parse_binance_line`] and [`BinanceParser`], reusable line by
//! line by importers).
//! Every line becomes exactly one [`Event`] or an error naming the line: nothing is skipped.
//! Decimal strings become f64 through `str::parse` (correctly rounded); nothing is rounded to a
//! tick, deduplicated or checked for sequence gaps here.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::DataType;
use flate2::read::MultiGzDecoder;
use simd_json::prelude::{ValueAsScalar, ValueIntoString};
use simd_json::tape::{Tape, Value as Json};

use crate::columns;
use crate::error::{Error, Result};
use crate::text::{for_each_line, int, parse_error};

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

/// One line of a capture.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A `@trade` stream event.
    Trade(Trade),
    /// A `@bookTicker` stream event.
    BookTicker(BookTicker),
    /// A `@depth` stream event (`depthUpdate`).
    Depth(DepthUpdate),
    /// A REST order-book snapshot (`{"lastUpdateId":...,"bids":...,"asks":...}`).
    Snapshot(DepthSnapshot),
}

/// A trade (`"e":"trade"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Trade {
    /// Local receive time, ns since the epoch.
    pub recv_ns: i64,
    /// `s`.
    pub symbol: String,
    /// `E`, ms since the epoch.
    pub event_ms: i64,
    /// `T`, the trade time, ms since the epoch.
    pub transaction_ms: i64,
    /// `t`.
    pub trade_id: i64,
    /// `p`.
    pub price: f64,
    /// `q`.
    pub qty: f64,
    /// `m`: the buyer was the resting (maker) side, so the aggressor sold.
    pub buyer_is_maker: bool,
    /// `X`, such as `"MARKET"`.
    pub trade_type: String,
}

/// A best bid and offer (`"e":"bookTicker"`).
#[derive(Debug, Clone, PartialEq)]
pub struct BookTicker {
    /// Local receive time, ns since the epoch.
    pub recv_ns: i64,
    /// `s`.
    pub symbol: String,
    /// `E`, ms since the epoch.
    pub event_ms: i64,
    /// `T`, ms since the epoch, if present.
    pub transaction_ms: Option<i64>,
    /// `u`.
    pub update_id: i64,
    /// `b`.
    pub bid_price: f64,
    /// `B`.
    pub bid_qty: f64,
    /// `a`.
    pub ask_price: f64,
    /// `A`.
    pub ask_qty: f64,
}

/// A price level: a price and the quantity resting there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// Price.
    pub price: f64,
    /// Quantity; 0 in an update removes the level.
    pub qty: f64,
}

/// An incremental order-book update (`"e":"depthUpdate"`).
#[derive(Debug, Clone, PartialEq)]
pub struct DepthUpdate {
    /// Local receive time, ns since the epoch.
    pub recv_ns: i64,
    /// `s`.
    pub symbol: String,
    /// `E`, ms since the epoch.
    pub event_ms: i64,
    /// `T`, ms since the epoch, if present.
    pub transaction_ms: Option<i64>,
    /// `U`.
    pub first_update_id: i64,
    /// `u`.
    pub last_update_id: i64,
    /// `pu`: the previous update's `u`.
    pub prev_update_id: i64,
    /// `b`, as listed.
    pub bids: Vec<Level>,
    /// `a`, as listed.
    pub asks: Vec<Level>,
}

/// A full order-book snapshot from the REST API.
#[derive(Debug, Clone, PartialEq)]
pub struct DepthSnapshot {
    /// Local receive time, ns since the epoch.
    pub recv_ns: i64,
    /// `E`, ms since the epoch.
    pub event_ms: i64,
    /// `T`, ms since the epoch, if present.
    pub transaction_ms: Option<i64>,
    /// `lastUpdateId`.
    pub last_update_id: i64,
    /// `bids`, best first.
    pub bids: Vec<Level>,
    /// `asks`, best first.
    pub asks: Vec<Level>,
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

/// Parses one capture line, without its newline: `<receive ns> <JSON>`. `file` and `line` only
/// label the error.
///
/// The JSON is parsed in place (simd-json unescapes strings inside `text`), so `text` is left
/// modified. This allocates simd-json's scratch buffers on every call; to parse many lines, keep
/// a [`BinanceParser`] instead, which reuses them (about twice as fast).
///
/// # Errors
/// [`Error::Parse`] at `file:line` if the receive time is not a non-negative integer, the JSON is
/// invalid, it is neither a known stream event (`trade`, `bookTicker`, `depthUpdate`) nor a depth
/// snapshot, a field is missing or of the wrong type, or a decimal string is not a finite number.
///
/// ```
/// use std::path::Path;
/// use floe_datasets::{Event, parse_binance_line};
///
/// let mut line = br#"1723161255088176367 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}"#.to_vec();
/// let event = parse_binance_line(&mut line, Path::new("capture.gz"), 1);
/// let Ok(Event::Trade(trade)) = event else { panic!("{event:?}") };
/// assert_eq!((trade.trade_id, trade.price, trade.qty), (5_266_583_935, 61_800.30, 0.006));
/// ```
pub fn parse_binance_line(text: &mut [u8], file: &Path, line: u64) -> Result<Event> {
    BinanceParser::new().parse(text, file, line)
}

/// [`parse_binance_line`] for many lines: keeps simd-json's scratch buffers and tape between
/// calls.
///
/// ```
/// use std::path::Path;
/// use floe_datasets::{BinanceParser, Event};
///
/// let mut parser = BinanceParser::new();
/// let mut line = br#"1 {"lastUpdateId":7,"E":2,"T":1,"bids":[["1.5","2"]],"asks":[]}"#.to_vec();
/// let event = parser.parse(&mut line, Path::new("capture.gz"), 1);
/// assert!(matches!(event, Ok(Event::Snapshot(s)) if s.last_update_id == 7 && s.bids.len() == 1));
/// ```
pub struct BinanceParser {
    buffers: simd_json::Buffers,
    /// An empty tape whose allocation is reused; its lifetime is reset for each line.
    tape: Tape<'static>,
}

impl Default for BinanceParser {
    fn default() -> BinanceParser {
        BinanceParser {
            buffers: simd_json::Buffers::default(),
            tape: Tape(Vec::new()),
        }
    }
}

impl std::fmt::Debug for BinanceParser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BinanceParser").finish_non_exhaustive()
    }
}

impl BinanceParser {
    /// A parser with empty buffers.
    pub fn new() -> BinanceParser {
        BinanceParser::default()
    }

    /// Parses one line, as [`parse_binance_line`] does.
    ///
    /// # Errors
    /// As [`parse_binance_line`].
    pub fn parse(&mut self, text: &mut [u8], file: &Path, line: u64) -> Result<Event> {
        self.parse_line(text)
            .map_err(|reason| parse_error(file, line, reason))
    }

    fn parse_line(&mut self, text: &mut [u8]) -> Result<Event, String> {
        let space = text
            .iter()
            .position(|&b| b == b' ')
            .ok_or("no space between the receive time and the JSON")?;
        let (head, json) = text.split_at_mut(space);
        let recv_ns = int(head).filter(|&ns| ns >= 0).ok_or_else(|| {
            format!(
                "receive time {:?} is not a non-negative integer",
                String::from_utf8_lossy(head)
            )
        })?;
        let mut tape = std::mem::replace(&mut self.tape, Tape(Vec::new())).reset();
        let event = simd_json::fill_tape(&mut json[1..], &mut self.buffers, &mut tape)
            .map_err(|e| format!("invalid JSON: {e}"))
            .and_then(|()| event(recv_ns, tape.as_value()));
        self.tape = tape.reset();
        event
    }
}

/// The event a parsed JSON document describes.
fn event(recv_ns: i64, root: Json) -> Result<Event, String> {
    if !root.is_object() {
        return Err("the JSON is not an object".into());
    }
    if let Some(data) = root.get("data") {
        match str_field(data, "e")? {
            "trade" => trade(recv_ns, data).map(Event::Trade),
            "bookTicker" => book_ticker(recv_ns, data).map(Event::BookTicker),
            "depthUpdate" => depth_update(recv_ns, data).map(Event::Depth),
            other => Err(format!("unknown event type {other:?}")),
        }
    } else if root.contains_key("lastUpdateId") {
        snapshot(recv_ns, root).map(Event::Snapshot)
    } else {
        Err("neither a stream event (`data`) nor a depth snapshot (`lastUpdateId`)".into())
    }
}

fn trade(recv_ns: i64, data: Json) -> Result<Trade, String> {
    Ok(Trade {
        recv_ns,
        symbol: str_field(data, "s")?.to_owned(),
        event_ms: int_field(data, "E")?,
        transaction_ms: int_field(data, "T")?,
        trade_id: int_field(data, "t")?,
        price: decimal_field(data, "p")?,
        qty: decimal_field(data, "q")?,
        buyer_is_maker: field(data, "m")?
            .as_bool()
            .ok_or("field `m` is not a boolean")?,
        trade_type: str_field(data, "X")?.to_owned(),
    })
}

fn book_ticker(recv_ns: i64, data: Json) -> Result<BookTicker, String> {
    Ok(BookTicker {
        recv_ns,
        symbol: str_field(data, "s")?.to_owned(),
        event_ms: int_field(data, "E")?,
        transaction_ms: optional_int_field(data, "T")?,
        update_id: int_field(data, "u")?,
        bid_price: decimal_field(data, "b")?,
        bid_qty: decimal_field(data, "B")?,
        ask_price: decimal_field(data, "a")?,
        ask_qty: decimal_field(data, "A")?,
    })
}

fn depth_update(recv_ns: i64, data: Json) -> Result<DepthUpdate, String> {
    Ok(DepthUpdate {
        recv_ns,
        symbol: str_field(data, "s")?.to_owned(),
        event_ms: int_field(data, "E")?,
        transaction_ms: optional_int_field(data, "T")?,
        first_update_id: int_field(data, "U")?,
        last_update_id: int_field(data, "u")?,
        prev_update_id: int_field(data, "pu")?,
        bids: levels(data, "b")?,
        asks: levels(data, "a")?,
    })
}

fn snapshot(recv_ns: i64, root: Json) -> Result<DepthSnapshot, String> {
    Ok(DepthSnapshot {
        recv_ns,
        event_ms: int_field(root, "E")?,
        transaction_ms: optional_int_field(root, "T")?,
        last_update_id: int_field(root, "lastUpdateId")?,
        bids: levels(root, "bids")?,
        asks: levels(root, "asks")?,
    })
}

fn field<'t, 'i>(object: Json<'t, 'i>, key: &str) -> Result<Json<'t, 'i>, String> {
    object
        .get(key)
        .ok_or_else(|| format!("missing field `{key}`"))
}

fn str_field<'i>(object: Json<'_, 'i>, key: &str) -> Result<&'i str, String> {
    field(object, key)?
        .into_string()
        .ok_or_else(|| format!("field `{key}` is not a string"))
}

fn int_field(object: Json, key: &str) -> Result<i64, String> {
    field(object, key)?
        .as_i64()
        .ok_or_else(|| format!("field `{key}` is not a 64-bit integer"))
}

fn optional_int_field(object: Json, key: &str) -> Result<Option<i64>, String> {
    match object.get(key) {
        None => Ok(None),
        Some(_) => int_field(object, key).map(Some),
    }
}

/// A decimal string (`"61800.30"`) as the nearest f64; `None` unless a finite number.
fn decimal(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn decimal_field(object: Json, key: &str) -> Result<f64, String> {
    let text = str_field(object, key)?;
    decimal(text).ok_or_else(|| format!("field `{key}` {text:?} is not a finite decimal"))
}

/// An array of `["price", "qty"]` pairs.
fn levels(object: Json, key: &str) -> Result<Vec<Level>, String> {
    let array = field(object, key)?
        .as_array()
        .ok_or_else(|| format!("field `{key}` is not an array"))?;
    array
        .iter()
        .enumerate()
        .map(|(i, pair)| {
            let pair = pair
                .as_array()
                .filter(|p| p.len() == 2)
                .ok_or_else(|| format!("`{key}[{i}]` is not a [price, qty] pair"))?;
            let part = |n: usize| {
                let text = pair.get(n).and_then(|v| v.into_string());
                text.and_then(decimal).ok_or_else(|| {
                    format!("`{key}[{i}][{n}]` = {text:?} is not a finite decimal string")
                })
            };
            Ok(Level {
                price: part(0)?,
                qty: part(1)?,
            })
        })
        .collect()
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

    use super::*;

    const TRADE: &str = r#"1723161255088176367 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256321,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":true}}"#;
    const BOOK_TICKER: &str = r#"1723161255088169167 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256314}}"#;
    const DEPTH: &str = r#"1723161599833492584 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161601105,"T":1723161601054,"s":"BTCUSDT","U":5123135475514,"u":5123135475520,"pu":5123135221461,"b":[["61631.70","0.283"],["61632.60","0.000"]],"a":[["61659.80","0.981"]]}}"#;
    const SNAPSHOT: &str = r#"1723161255319702566 {"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,"bids":[["61800.20","2.909"]],"asks":[["61800.30","1.5"],["61800.40","0.010"]]}"#;

    fn parse(line: &str) -> Result<Event> {
        parse_binance_line(&mut line.as_bytes().to_vec(), Path::new("t.gz"), 9)
    }

    #[test]
    fn parses_each_stream() {
        assert_eq!(
            parse(TRADE).ok(),
            Some(Event::Trade(Trade {
                recv_ns: 1_723_161_255_088_176_367,
                symbol: "BTCUSDT".into(),
                event_ms: 1_723_161_256_322,
                transaction_ms: 1_723_161_256_321,
                trade_id: 5_266_583_935,
                price: 61_800.30,
                qty: 0.006,
                buyer_is_maker: true,
                trade_type: "MARKET".into(),
            }))
        );
        assert_eq!(
            parse(BOOK_TICKER).ok(),
            Some(Event::BookTicker(BookTicker {
                recv_ns: 1_723_161_255_088_169_167,
                symbol: "BTCUSDT".into(),
                event_ms: 1_723_161_256_314,
                transaction_ms: Some(1_723_161_256_313),
                update_id: 5_123_107_839_020,
                bid_price: 61_800.20,
                bid_qty: 2.507,
                ask_price: 61_800.30,
                ask_qty: 2.510,
            }))
        );
        let level = |price, qty| Level { price, qty };
        assert_eq!(
            parse(DEPTH).ok(),
            Some(Event::Depth(DepthUpdate {
                recv_ns: 1_723_161_599_833_492_584,
                symbol: "BTCUSDT".into(),
                event_ms: 1_723_161_601_105,
                transaction_ms: Some(1_723_161_601_054),
                first_update_id: 5_123_135_475_514,
                last_update_id: 5_123_135_475_520,
                prev_update_id: 5_123_135_221_461,
                bids: vec![level(61_631.70, 0.283), level(61_632.60, 0.0)],
                asks: vec![level(61_659.80, 0.981)],
            }))
        );
        assert_eq!(
            parse(SNAPSHOT).ok(),
            Some(Event::Snapshot(DepthSnapshot {
                recv_ns: 1_723_161_255_319_702_566,
                event_ms: 1_723_161_256_501,
                transaction_ms: Some(1_723_161_256_493),
                last_update_id: 5_123_107_852_948,
                bids: vec![level(61_800.20, 2.909)],
                asks: vec![level(61_800.30, 1.5), level(61_800.40, 0.01)],
            }))
        );
        // Without `T`, the index falls back to `E`.
        let no_t = BOOK_TICKER.replace(r#""T":1723161256313,"#, "");
        let Ok(Event::BookTicker(b)) = parse(&no_t) else {
            panic!("{no_t}");
        };
        assert_eq!(b.transaction_ms, None);
        assert_eq!(
            index_ns(b.transaction_ms, b.event_ms),
            Ok(1_723_161_256_314_000_000)
        );
    }

    #[test]
    fn decimals_are_correctly_rounded() {
        // The nearest doubles, as str::parse gives them: 0.1 + 0.2 style drift must not appear.
        let line = TRADE.replace("61800.30", "0.30000000000000004441");
        let Ok(Event::Trade(t)) = parse(&line) else {
            panic!("{line}");
        };
        assert_eq!(t.price.to_bits(), 0.300_000_000_000_000_04_f64.to_bits());
        assert_eq!(t.qty, "0.006".parse::<f64>().unwrap_or_default());
    }

    #[test]
    fn malformed_lines_are_parse_errors_at_their_line() {
        let bad = [
            String::new(),
            "1723161255088176367".into(),
            TRADE.replacen("1723161255088176367", "-1", 1),
            TRADE.replacen("1723161255088176367", "17231612550881763670", 1),
            TRADE.replace("}}", "}"),
            TRADE.replace(r#""p":"61800.30""#, r#""p":61800.30"#),
            TRADE.replace(r#""p":"61800.30""#, r#""p":"61,800.30""#),
            TRADE.replace(r#""p":"61800.30""#, r#""p":"inf""#),
            TRADE.replace(r#""q":"0.006","#, ""),
            TRADE.replace(r#""m":true"#, r#""m":"true""#),
            TRADE.replace(r#""t":5266583935"#, r#""t":5266583935.0"#),
            TRADE.replace(r#""t":5266583935"#, r#""t":18446744073709551615"#),
            TRADE.replace(r#""e":"trade""#, r#""e":"aggTrade""#),
            BOOK_TICKER.replace(r#""T":1723161256313"#, r#""T":"1723161256313""#),
            DEPTH.replace(r#"["61659.80","0.981"]"#, r#"["61659.80"]"#),
            DEPTH.replace(r#"["61659.80","0.981"]"#, r#"["61659.80",0.981]"#),
            DEPTH.replace(r#","pu":5123135221461"#, ""),
            SNAPSHOT.replace(r#""bids""#, r#""bid""#),
            r#"1 {"result":null,"id":1}"#.into(),
            "1 [1,2]".into(),
        ];
        for line in bad {
            match parse(&line) {
                Err(Error::Parse { file, line: 9, .. }) => assert_eq!(file, Path::new("t.gz")),
                other => panic!("{line}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_reused_parser_matches_the_one_shot_function() {
        let mut parser = BinanceParser::new();
        for line in [
            DEPTH,
            "1 {bad",
            TRADE,
            SNAPSHOT,
            "1 [1]",
            BOOK_TICKER,
            DEPTH,
        ] {
            let reused = parser.parse(&mut line.as_bytes().to_vec(), Path::new("t.gz"), 9);
            let fresh = parse(line);
            assert_eq!(reused.is_ok(), fresh.is_ok(), "{line}");
            assert_eq!(reused.ok(), fresh.ok(), "{line}");
        }
    }

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
