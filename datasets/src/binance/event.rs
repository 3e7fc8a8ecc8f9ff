//! One line of a Binance capture as an [`Event`]: the `<receive ns> <JSON>` line format and the
//! JSON shapes of the `@trade`, `@bookTicker` and `@depth` streams and of REST depth snapshots,
//! parsed with simd-json ([`parse_binance_line`], [`BinanceParser`]).
//!
//! Owns field names, types and error reasons; builds no Arrow data. Decimal strings become f64
//! through `str::parse` (correctly rounded); integers must be JSON integers that fit in i64.

use std::path::Path;

use simd_json::prelude::{ValueAsScalar, ValueIntoString};
use simd_json::tape::{Tape, Value as Json};

use crate::error::Result;
use crate::text::{int, parse_error};

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

/// Parses one capture line, without its newline: `<receive ns> <JSON>`. `file` and `line` only
/// label the error.
///
/// The JSON is parsed in place (simd-json unescapes strings inside `text`), so `text` is left
/// modified. This allocates simd-json's scratch buffers on every call; to parse many lines, keep
/// a [`BinanceParser`] instead, which reuses them (about twice as fast).
///
/// # Errors
/// [`Error::Parse`](crate::Error::Parse) at `file:line` if the receive time is not a non-negative integer, the JSON is
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::error::Error;

    pub(crate) const TRADE: &str = r#"1723161255088176367 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256321,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":true}}"#;
    pub(crate) const BOOK_TICKER: &str = r#"1723161255088169167 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256314}}"#;
    pub(crate) const DEPTH: &str = r#"1723161599833492584 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161601105,"T":1723161601054,"s":"BTCUSDT","U":5123135475514,"u":5123135475520,"pu":5123135221461,"b":[["61631.70","0.283"],["61632.60","0.000"]],"a":[["61659.80","0.981"]]}}"#;
    pub(crate) const SNAPSHOT: &str = r#"1723161255319702566 {"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,"bids":[["61800.20","2.909"]],"asks":[["61800.30","1.5"],["61800.40","0.010"]]}"#;

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
        // `T` is optional outside trades.
        let no_t = BOOK_TICKER.replace(r#""T":1723161256313,"#, "");
        let Ok(Event::BookTicker(b)) = parse(&no_t) else {
            panic!("{no_t}");
        };
        assert_eq!((b.transaction_ms, b.event_ms), (None, 1_723_161_256_314));
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
}
