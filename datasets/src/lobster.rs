//! Loading a LOBSTER sample archive ([`load_lobster`]) into a message batch and an order-book
//! batch, row-aligned and indexed by exact UTC nanosecond timestamps.
//!
//! Owns the LOBSTER file layout (entry names, the 6 message columns, the `4 x levels` book
//! columns) and the conversion of "seconds after midnight, New York time" to UTC (the date
//! arithmetic is in `calendar`). Values are
//! kept as the integers in the file, dummy prices of empty levels included; nothing is scaled,
//! filtered or reordered, and out-of-order timestamps are an error.

mod calendar;

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::DataType;
use zip::ZipArchive;

use self::calendar::{new_york_midnight_ns, parse_date};
use crate::columns;
use crate::error::{Error, Result};
use crate::text::{for_each_line, int, parse_error, seconds_to_ns};

/// One LOBSTER sample: the message file and the order-book file, row `i` of the book being the
/// state after message `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lobster {
    /// The ticker, from the file names (`GOOG`).
    pub symbol: String,
    /// `ts` Timestamp(ns, UTC), `type` Int8, `order_id` Int64, `size` Int64, `price` Int64
    /// (dollars x 10,000), `direction` Int8 (-1 sell, 1 buy): one row per message, all non-null.
    pub messages: RecordBatch,
    /// `ts` (equal to the messages' `ts`, row for row), then for each level `n` from 1:
    /// `ask_price_n`, `ask_size_n`, `bid_price_n`, `bid_size_n`, all Int64 and non-null. Empty
    /// levels hold the file's dummy prices -9999999999 (bid) and 9999999999 (ask) with size 0.
    pub orderbook: RecordBatch,
}

/// Loads a LOBSTER sample zip holding one `TICKER_YYYY-MM-DD_START_END_message_LEVELS.csv` and
/// the matching `..._orderbook_LEVELS.csv` (other entries, such as the ReadMe, are ignored).
///
/// Times in the file are seconds after midnight in New York with up to 9 decimals; `ts` is that
/// instant in ns since the Unix epoch, computed exactly from the decimal text and the date in the
/// file names, with the UTC offset (EST or EDT, by the US rules since 1987) in force on that date
/// from 03:00 local time, which covers every trading session.
///
/// # Errors
/// [`Error::Io`] or [`Error::Archive`] if the archive cannot be read; [`Error::Format`] if it
/// lacks exactly one message and one matching order-book file, the date is before 1987, or the
/// two files differ in row count; [`Error::Parse`] for a malformed line, naming the file and line;
/// [`Error::Unsorted`] if a message time is earlier than the one before it.
pub fn load_lobster(path: &Path) -> Result<Lobster> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut archive = ZipArchive::new(BufReader::new(file)).map_err(|e| archive_error(path, e))?;
    let (message_entry, book_entry) = find_entries(path, archive.file_names())?;
    let name = &message_entry.name;
    let midnight_ns = new_york_midnight_ns(name.year, name.month, name.day).ok_or_else(|| {
        format_error(
            path,
            format!(
                "{}: dates before 1987 are outside the US daylight-saving rules this loader knows",
                message_entry.entry
            ),
        )
    })?;

    let file = path.join(&message_entry.entry);
    let reader = open_entry(&mut archive, path, &message_entry.entry)?;
    let messages = read_messages(reader, &file, midnight_ns)?;

    let file = path.join(&book_entry.entry);
    let reader = open_entry(&mut archive, path, &book_entry.entry)?;
    let book = read_orderbook(reader, &file, name.levels)?;

    if messages.ts.len() != book.len() {
        return Err(format_error(
            path,
            format!(
                "{} has {} rows but {} has {}",
                message_entry.entry,
                messages.ts.len(),
                book_entry.entry,
                book.len()
            ),
        ));
    }
    let messages = messages.into_batch();
    // Both batches share one `ts` array: the rows are the same instants.
    let orderbook = book.into_batch(messages.column(0).clone());
    Ok(Lobster {
        symbol: name.symbol.clone(),
        messages,
        orderbook,
    })
}

/// A LOBSTER file name, `TICKER_YYYY-MM-DD_START_END_KIND_LEVELS.csv`, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EntryName {
    symbol: String,
    year: i32,
    month: u32,
    day: u32,
    kind: Kind,
    levels: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Message,
    Orderbook,
}

impl EntryName {
    /// Parses the file-name part of `entry`; `None` if it is not a LOBSTER data file name.
    fn parse(entry: &str) -> Option<EntryName> {
        let file = entry.rsplit('/').next()?;
        let mut parts = file.strip_suffix(".csv")?.rsplitn(6, '_');
        let levels: usize = parts.next()?.parse().ok().filter(|&l| l > 0)?;
        let kind = match parts.next()? {
            "message" => Kind::Message,
            "orderbook" => Kind::Orderbook,
            _ => return None,
        };
        // Start and end of the requested window, ms after midnight; checked, not used.
        for window in [parts.next()?, parts.next()?] {
            if window.is_empty() || !window.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
        }
        let (year, month, day) = parse_date(parts.next()?)?;
        let symbol = parts.next().filter(|s| !s.is_empty())?.to_owned();
        Some(EntryName {
            symbol,
            year,
            month,
            day,
            kind,
            levels,
        })
    }

    /// Same sample (ticker, date, depth) as `other`.
    fn matches(&self, other: &EntryName) -> bool {
        (&self.symbol, self.year, self.month, self.day, self.levels)
            == (
                &other.symbol,
                other.year,
                other.month,
                other.day,
                other.levels,
            )
    }
}

/// An archive entry with its parsed name.
#[derive(Debug)]
struct Entry {
    entry: String,
    name: EntryName,
}

/// The one message entry and the one order-book entry of the archive, which must match.
fn find_entries<'a>(path: &Path, names: impl Iterator<Item = &'a str>) -> Result<(Entry, Entry)> {
    let mut messages = Vec::new();
    let mut books = Vec::new();
    for entry in names {
        if let Some(name) = EntryName::parse(entry) {
            let found = Entry {
                entry: entry.to_owned(),
                name,
            };
            match found.name.kind {
                Kind::Message => messages.push(found),
                Kind::Orderbook => books.push(found),
            }
        }
    }
    let (message, book) = match (messages.len(), books.len()) {
        (1, 1) => (messages.remove(0), books.remove(0)),
        (m, b) => {
            return Err(format_error(
                path,
                format!(
                    "expected one TICKER_DATE_START_END_message_LEVELS.csv and one matching \
                     ..._orderbook_LEVELS.csv, found {m} message and {b} order-book files"
                ),
            ));
        }
    };
    if !message.name.matches(&book.name) {
        return Err(format_error(
            path,
            format!(
                "{} and {} are not the same sample",
                message.entry, book.entry
            ),
        ));
    }
    Ok((message, book))
}

fn open_entry<'a, R: Read + Seek>(
    archive: &'a mut ZipArchive<R>,
    path: &Path,
    entry: &str,
) -> Result<BufReader<zip::read::ZipFile<'a, R>>> {
    let file = archive.by_name(entry).map_err(|e| archive_error(path, e))?;
    Ok(BufReader::with_capacity(1 << 16, file))
}

/// Message columns as plain vectors.
#[derive(Debug, Default)]
struct Messages {
    ts: Vec<i64>,
    kind: Vec<i8>,
    order_id: Vec<i64>,
    size: Vec<i64>,
    price: Vec<i64>,
    direction: Vec<i8>,
}

/// Reads `time,type,order_id,size,price,direction` lines, checking that times never go back.
fn read_messages(reader: impl std::io::BufRead, file: &Path, midnight_ns: i64) -> Result<Messages> {
    let mut out = Messages::default();
    for_each_line(reader, file, |line, text| {
        let mut fields = text.split(|&b| b == b',');
        let mut next = |name: &str| {
            fields
                .next()
                .ok_or_else(|| parse_error(file, line, format!("no {name} field (expected 6)")))
        };
        let time = next("time")?;
        let fields_after_time = [
            next("type")?,
            next("order id")?,
            next("size")?,
            next("price")?,
            next("direction")?,
        ];
        if fields.next().is_some() {
            return Err(parse_error(file, line, "more than 6 fields"));
        }
        let ts = seconds_to_ns(time)
            .and_then(|ns| ns.checked_add(midnight_ns))
            .ok_or_else(|| {
                parse_error(
                    file,
                    line,
                    format!(
                        "time {:?} is not seconds with up to 9 decimals",
                        String::from_utf8_lossy(time)
                    ),
                )
            })?;
        let [kind, order_id, size, price, direction] = fields_after_time;
        let integer = |name: &str, text: &[u8]| {
            int(text).ok_or_else(|| {
                parse_error(
                    file,
                    line,
                    format!(
                        "{name} {:?} is not an integer",
                        String::from_utf8_lossy(text)
                    ),
                )
            })
        };
        let small = |name: &str, text: &[u8]| {
            let value = integer(name, text)?;
            i8::try_from(value)
                .map_err(|_| parse_error(file, line, format!("{name} {value} is out of range")))
        };
        let kind = small("type", kind)?;
        let order_id = integer("order id", order_id)?;
        let size = integer("size", size)?;
        let price = integer("price", price)?;
        let direction = small("direction", direction)?;
        if let Some(&previous) = out.ts.last()
            && ts < previous
        {
            return Err(Error::Unsorted {
                file: file.to_path_buf(),
                line,
                previous,
                ts,
            });
        }
        out.ts.push(ts);
        out.kind.push(kind);
        out.order_id.push(order_id);
        out.size.push(size);
        out.price.push(price);
        out.direction.push(direction);
        Ok(())
    })?;
    Ok(out)
}

impl Messages {
    fn into_batch(self) -> RecordBatch {
        columns::batch(
            vec![
                columns::ts_field(),
                columns::field("type", DataType::Int8),
                columns::field("order_id", DataType::Int64),
                columns::field("size", DataType::Int64),
                columns::field("price", DataType::Int64),
                columns::field("direction", DataType::Int8),
            ],
            vec![
                columns::timestamps(self.ts),
                columns::i8s(self.kind),
                columns::i64s(self.order_id),
                columns::i64s(self.size),
                columns::i64s(self.price),
                columns::i8s(self.direction),
            ],
        )
    }
}

/// Order-book columns in file order: ask price, ask size, bid price, bid size, per level.
#[derive(Debug)]
struct Orderbook {
    columns: Vec<Vec<i64>>,
}

impl Orderbook {
    fn len(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }

    fn into_batch(self, ts: ArrayRef) -> RecordBatch {
        let mut fields = vec![columns::ts_field()];
        fields.extend(
            (0..self.columns.len()).map(|i| columns::field(&book_column(i), DataType::Int64)),
        );
        let mut cols = vec![ts];
        cols.extend(self.columns.into_iter().map(columns::i64s));
        columns::batch(fields, cols)
    }
}

/// Name of order-book column `i` (0-based, after `ts`): `ask_price_1`, `ask_size_1`, ...
fn book_column(i: usize) -> String {
    const NAMES: [&str; 4] = ["ask_price", "ask_size", "bid_price", "bid_size"];
    format!("{}_{}", NAMES[i % 4], i / 4 + 1)
}

/// Reads lines of `4 x levels` integers.
fn read_orderbook(reader: impl std::io::BufRead, file: &Path, levels: usize) -> Result<Orderbook> {
    let width = 4 * levels;
    let mut columns = vec![Vec::new(); width];
    let mut row = Vec::with_capacity(width);
    for_each_line(reader, file, |line, text| {
        row.clear();
        for field in text.split(|&b| b == b',') {
            let value = int(field).ok_or_else(|| {
                let column = match row.len() {
                    i if i < width => book_column(i),
                    _ => "beyond the last level".to_owned(),
                };
                parse_error(
                    file,
                    line,
                    format!(
                        "field {} ({column}) {:?} is not an integer",
                        row.len() + 1,
                        String::from_utf8_lossy(field)
                    ),
                )
            })?;
            row.push(value);
        }
        if row.len() != width {
            return Err(parse_error(
                file,
                line,
                format!("{} fields, expected {width} for {levels} levels", row.len()),
            ));
        }
        for (column, &value) in columns.iter_mut().zip(&row) {
            column.push(value);
        }
        Ok(())
    })?;
    Ok(Orderbook { columns })
}

fn archive_error(path: &Path, e: zip::result::ZipError) -> Error {
    Error::Archive {
        path: path.to_path_buf(),
        source: Box::new(e),
    }
}

fn format_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::Format {
        path: PathBuf::from(path),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use arrow_array::cast::AsArray;
    use arrow_array::types::{Int8Type, Int64Type, TimestampNanosecondType};

    use super::*;

    const MESSAGE: &str = "GOOG_2012-06-21_34200000_57600000_message_2.csv";
    const BOOK: &str = "GOOG_2012-06-21_34200000_57600000_orderbook_2.csv";
    /// 2012-06-21 00:00 EDT = 04:00 UTC, in ns: 15,512 days after 1970-01-01 plus 4 hours.
    const MIDNIGHT_NS: i64 = (15_512 * 86_400 + 4 * 3_600) * 1_000_000_000;

    /// A zip holding `entries` (name, text), deflated like the real samples.
    fn zip_of(entries: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("cannot create a temporary directory");
        };
        let path = dir.path().join("sample.zip");
        let written = File::create(&path)
            .map_err(|e| e.to_string())
            .and_then(|file| {
                let mut zip = zip::ZipWriter::new(file);
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated);
                for (name, text) in entries {
                    zip.start_file(*name, options).map_err(|e| e.to_string())?;
                    zip.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
                }
                zip.finish().map(drop).map_err(|e| e.to_string())
            });
        assert_eq!(written, Ok(()));
        (dir, path)
    }

    fn load(messages: &str, book: &str) -> Result<Lobster> {
        let (_dir, path) = zip_of(&[
            ("LOBSTER_SampleFiles_ReadMe.txt", "read me\r\n"),
            (MESSAGE, messages),
            (BOOK, book),
        ]);
        load_lobster(&path)
    }

    /// Two levels; the second message is a trading halt, and the book runs out of levels.
    const MESSAGES: &str = "34200.015105074,1,11,100,5794000,1\n\
                            34200.05990197,7,0,0,-1,-1\n\
                            34200.05990197,3,11,100,5794000,1\n";
    const BOOKS: &str = "5802300,100,5794000,100,9999999999,0,-9999999999,0\n\
                         5802300,100,5794000,100,9999999999,0,-9999999999,0\n\
                         5802300,100,-9999999999,0,9999999999,0,-9999999999,0\n";

    #[test]
    fn loads_messages_and_book_with_halts_and_dummy_prices() {
        let lobster = match load(MESSAGES, BOOKS) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(lobster.symbol, "GOOG");
        let ts = [
            MIDNIGHT_NS + 34_200_015_105_074,
            MIDNIGHT_NS + 34_200_059_901_970,
            MIDNIGHT_NS + 34_200_059_901_970,
        ];
        let m = &lobster.messages;
        let names: Vec<String> = m
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(
            names,
            ["ts", "type", "order_id", "size", "price", "direction"]
        );
        assert_eq!(
            m.column(0)
                .as_primitive::<TimestampNanosecondType>()
                .values(),
            &ts
        );
        assert_eq!(m.column(1).as_primitive::<Int8Type>().values(), &[1, 7, 3]);
        assert_eq!(
            m.column(2).as_primitive::<Int64Type>().values(),
            &[11, 0, 11]
        );
        assert_eq!(
            m.column(3).as_primitive::<Int64Type>().values(),
            &[100, 0, 100]
        );
        assert_eq!(
            m.column(4).as_primitive::<Int64Type>().values(),
            &[5_794_000, -1, 5_794_000]
        );
        assert_eq!(m.column(5).as_primitive::<Int8Type>().values(), &[1, -1, 1]);

        let b = &lobster.orderbook;
        assert_eq!(b.num_columns(), 9);
        assert_eq!(b.schema().field(5).name(), "ask_price_2");
        assert_eq!(b.column(0), m.column(0));
        let bid_1 = b
            .column_by_name("bid_price_1")
            .map(|c| c.as_primitive::<Int64Type>());
        assert_eq!(
            bid_1.map(|c| c.values().to_vec()),
            Some(vec![5_794_000, 5_794_000, -9_999_999_999])
        );
        let ask_2 = b
            .column_by_name("ask_price_2")
            .map(|c| c.as_primitive::<Int64Type>());
        assert_eq!(
            ask_2.map(|c| c.values().to_vec()),
            Some(vec![9_999_999_999; 3])
        );
        let bid_2 = b
            .column_by_name("bid_size_2")
            .map(|c| c.as_primitive::<Int64Type>());
        assert_eq!(bid_2.map(|c| c.values().to_vec()), Some(vec![0; 3]));
    }

    #[test]
    fn a_time_going_back_is_unsorted_at_its_line() {
        let messages = "34200.5,1,1,1,1,1\n34200.5,1,1,1,1,1\n34200.499999999,1,1,1,1,1\n";
        let err = load(messages, BOOKS);
        assert!(
            matches!(
                err,
                Err(Error::Unsorted { line: 3, previous, ts, .. })
                    if previous == MIDNIGHT_NS + 34_200_500_000_000 && ts == previous - 1
            ),
            "{err:?}"
        );
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let cases = [
            (
                MESSAGES.replace("34200.05990197,7", "34200.0599019x,7"),
                BOOKS.to_owned(),
                MESSAGE,
                2,
            ),
            (
                MESSAGES.replace(",-1,-1", ",-1"),
                BOOKS.to_owned(),
                MESSAGE,
                2,
            ),
            (
                MESSAGES.replace(",-1,-1", ",-1,-1,0"),
                BOOKS.to_owned(),
                MESSAGE,
                2,
            ),
            (
                MESSAGES.replace(",7,", ",700,"),
                BOOKS.to_owned(),
                MESSAGE,
                2,
            ),
            (
                MESSAGES.to_owned(),
                BOOKS.replacen("100,", "1e2,", 1),
                BOOK,
                1,
            ),
            (
                MESSAGES.to_owned(),
                BOOKS.replace("-9999999999,0\n5802300,100,-", "-9999999999\n5802300,100,-"),
                BOOK,
                2,
            ),
            (MESSAGES.to_owned(), format!("{BOOKS}\n"), BOOK, 4),
        ];
        for (messages, books, entry, want) in cases {
            match load(&messages, &books) {
                Err(Error::Parse { file, line, .. }) => {
                    assert!(
                        file.ends_with(Path::new("sample.zip").join(entry)),
                        "{file:?}"
                    );
                    assert_eq!(line, want, "{messages:?} {books:?}");
                }
                other => panic!("{messages:?} {books:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn files_of_different_length_are_a_format_error() {
        let two_books: String = BOOKS.lines().take(2).map(|l| format!("{l}\n")).collect();
        assert!(matches!(
            load(MESSAGES, &two_books),
            Err(Error::Format { .. })
        ));
        let four_books = format!("{BOOKS}{}", BOOKS.lines().next().unwrap_or_default());
        assert!(matches!(
            load(MESSAGES, &four_books),
            Err(Error::Format { .. })
        ));
    }

    #[test]
    fn unreadable_archives_are_typed() {
        let missing = load_lobster(Path::new("/no/such/sample.zip"));
        assert!(matches!(missing, Err(Error::Io { .. })), "{missing:?}");
        let Ok(dir) = tempfile::tempdir() else {
            panic!("cannot create a temporary directory");
        };
        let not_zip = dir.path().join("x.zip");
        assert!(std::fs::write(&not_zip, "not a zip").is_ok());
        assert!(matches!(load_lobster(&not_zip), Err(Error::Archive { .. })));
        let (_dir, readme_only) = zip_of(&[("ReadMe.txt", "x")]);
        assert!(matches!(
            load_lobster(&readme_only),
            Err(Error::Format { .. })
        ));
    }

    #[test]
    fn entry_names_are_taken_apart() {
        let name = EntryName::parse("GOOG_2012-06-21_34200000_57600000_message_10.csv");
        assert_eq!(
            name,
            Some(EntryName {
                symbol: "GOOG".into(),
                year: 2012,
                month: 6,
                day: 21,
                kind: Kind::Message,
                levels: 10,
            })
        );
        let book = EntryName::parse("dir/BRK_A_2012-02-29_0_86400000_orderbook_1.csv");
        assert_eq!(book.as_ref().map(|n| n.symbol.as_str()), Some("BRK_A"));
        assert_eq!(book.map(|n| (n.kind, n.levels)), Some((Kind::Orderbook, 1)));
        for bad in [
            "LOBSTER_SampleFiles_ReadMe.txt",
            "GOOG_2012-06-21_34200000_57600000_message_10.txt",
            "GOOG_2012-06-21_34200000_57600000_message_0.csv",
            "GOOG_2012-06-21_34200000_57600000_trades_10.csv",
            "GOOG_2012-06-31_34200000_57600000_message_10.csv",
            "GOOG_2013-02-29_34200000_57600000_message_10.csv",
            "GOOG_2012-6-21_34200000_57600000_message_10.csv",
            "GOOG_2012-06-21_3420000x_57600000_message_10.csv",
            "_2012-06-21_34200000_57600000_message_10.csv",
            "2012-06-21_34200000_57600000_message_10.csv",
        ] {
            assert_eq!(EntryName::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn entries_must_pair_up() {
        let path = Path::new("x.zip");
        let msg = "GOOG_2012-06-21_1_2_message_10.csv";
        let book = "GOOG_2012-06-21_1_2_orderbook_10.csv";
        let found = find_entries(path, [msg, "ReadMe.txt", book].into_iter());
        assert!(found.is_ok_and(|(m, b)| m.entry == msg && b.entry == book));
        let other_depth = "GOOG_2012-06-21_1_2_orderbook_5.csv";
        for names in [
            vec![msg],
            vec![book],
            vec![msg, book, "AAPL_2012-06-21_1_2_message_10.csv"],
            vec![msg, other_depth],
        ] {
            let err = find_entries(path, names.clone().into_iter());
            assert!(matches!(err, Err(Error::Format { .. })), "{names:?}");
        }
    }

    #[test]
    fn book_columns_are_named_in_file_order() {
        let names: Vec<String> = (0..8).map(book_column).collect();
        assert_eq!(
            names,
            [
                "ask_price_1",
                "ask_size_1",
                "bid_price_1",
                "bid_size_1",
                "ask_price_2",
                "ask_size_2",
                "bid_price_2",
                "bid_size_2"
            ]
        );
    }
}
