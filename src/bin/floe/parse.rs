//! Text to typed columns for the CSV and JSON-lines importers: column types and their names on
//! the command line, timestamp formats, the column builders a parser fills row by row, and the
//! typed errors that name the file, line and column of a bad value. It reads no files itself.

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, StringBuilder, TimestampNanosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The time zone every parsed timestamp column carries.
pub const UTC: &str = "UTC";

/// Type of an imported text column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// `Timestamp(Nanosecond, "UTC")`, parsed with the `--timestamp-format`.
    Timestamp,
    /// Float64.
    F64,
    /// Int64.
    I64,
    /// Boolean (`true`/`false`).
    Bool,
    /// Utf8.
    Str,
}

impl ColType {
    /// The Arrow type the column is stored as.
    pub fn data_type(self) -> DataType {
        match self {
            ColType::Timestamp => DataType::Timestamp(TimeUnit::Nanosecond, Some(UTC.into())),
            ColType::F64 => DataType::Float64,
            ColType::I64 => DataType::Int64,
            ColType::Bool => DataType::Boolean,
            ColType::Str => DataType::Utf8,
        }
    }

    fn parse_name(name: &str) -> Option<ColType> {
        Some(match name.to_ascii_lowercase().as_str() {
            "timestamp" | "ts" | "time" => ColType::Timestamp,
            "f64" | "float" | "double" => ColType::F64,
            "i64" | "int" | "integer" => ColType::I64,
            "bool" | "boolean" => ColType::Bool,
            "str" | "string" | "utf8" => ColType::Str,
            _ => return None,
        })
    }
}

/// Votes of sample values for a column's type. The column takes the type that more than half of
/// its non-empty samples have (integers and floats voting together for f64 when any is a float),
/// so a few bad values in the sample become bad rows instead of turning the column into text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inferred {
    timestamps: u32,
    ints: u32,
    floats: u32,
    bools: u32,
    total: u32,
}

impl Inferred {
    pub fn add(&mut self, t: ColType) {
        self.total += 1;
        match t {
            ColType::Timestamp => self.timestamps += 1,
            ColType::I64 => self.ints += 1,
            ColType::F64 => self.floats += 1,
            ColType::Bool => self.bools += 1,
            ColType::Str => {}
        }
    }

    /// The voted type; `None` if there were no samples.
    pub fn resolve(&self) -> Option<ColType> {
        let majority = |n: u32| n * 2 > self.total;
        (self.total > 0).then(|| {
            if majority(self.timestamps) {
                ColType::Timestamp
            } else if majority(self.ints + self.floats) {
                if self.floats > 0 {
                    ColType::F64
                } else {
                    ColType::I64
                }
            } else if majority(self.bools) {
                ColType::Bool
            } else {
                ColType::Str
            }
        })
    }
}

impl fmt::Display for ColType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColType::Timestamp => "timestamp",
            ColType::F64 => "f64",
            ColType::I64 => "i64",
            ColType::Bool => "bool",
            ColType::Str => "str",
        })
    }
}

/// Parses `--columns-types`: `name:type,name:type`, types timestamp|f64|i64|bool|str.
pub fn parse_column_types(text: &str) -> Result<Vec<(String, ColType)>, String> {
    text.split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let (name, ty) = part
                .rsplit_once(':')
                .ok_or_else(|| format!("{part:?} is not name:type"))?;
            let ty = ColType::parse_name(ty.trim()).ok_or_else(|| {
                format!("unknown type {ty:?} for {name:?}; use timestamp, f64, i64, bool or str")
            })?;
            Ok((name.trim().to_string(), ty))
        })
        .collect()
}

/// How timestamp text (and JSON numbers in timestamp columns) is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// RFC 3339 (`2024-01-02T09:30:00.000000123Z`, a space for the `T`, no zone = UTC); a plain
    /// integer is taken as ns since the epoch.
    Rfc3339,
    /// Seconds since the epoch (a decimal fraction allowed).
    Seconds,
    /// Milliseconds since the epoch (a decimal fraction allowed).
    Millis,
    /// Microseconds since the epoch (a decimal fraction allowed).
    Micros,
    /// Nanoseconds since the epoch.
    Nanos,
    /// Seconds after midnight UTC of a date (`34200.004241176`), as LOBSTER writes them.
    TimeOfDay {
        /// The date's midnight in ns since the epoch.
        midnight_ns: i64,
    },
}

impl TimeFormat {
    /// From `--timestamp-format` and `--date`.
    pub fn new(name: &str, date: Option<&str>) -> Result<TimeFormat, String> {
        let format = match name {
            "rfc3339" => TimeFormat::Rfc3339,
            "s" => TimeFormat::Seconds,
            "ms" => TimeFormat::Millis,
            "us" => TimeFormat::Micros,
            "ns" => TimeFormat::Nanos,
            "time-of-day" => {
                let date = date.ok_or("--timestamp-format time-of-day needs --date YYYY-MM-DD")?;
                let midnight_ns = parse_rfc3339(date.as_bytes())
                    .filter(|_| date.len() == 10)
                    .ok_or_else(|| format!("--date {date:?} is not YYYY-MM-DD"))?;
                return Ok(TimeFormat::TimeOfDay { midnight_ns });
            }
            other => {
                return Err(format!(
                    "unknown --timestamp-format {other:?}; use rfc3339, s, ms, us, ns or time-of-day"
                ));
            }
        };
        if date.is_some() {
            return Err("--date only goes with --timestamp-format time-of-day".into());
        }
        Ok(format)
    }

    /// Parses one timestamp to ns since the epoch.
    pub fn parse(self, text: &str) -> Result<i64, String> {
        let bytes = text.as_bytes();
        let parsed = match self {
            TimeFormat::Rfc3339 => parse_rfc3339(bytes).or_else(|| text.parse::<i64>().ok()),
            TimeFormat::Seconds => scaled_decimal(bytes, 9),
            TimeFormat::Millis => scaled_decimal(bytes, 6),
            TimeFormat::Micros => scaled_decimal(bytes, 3),
            TimeFormat::Nanos => text.parse::<i64>().ok(),
            TimeFormat::TimeOfDay { midnight_ns } => {
                scaled_decimal(bytes, 9).and_then(|ns| ns.checked_add(midnight_ns))
            }
        };
        parsed.ok_or_else(|| format!("cannot parse {text:?} as a timestamp ({})", self.name()))
    }

    /// A JSON integer in a timestamp column.
    pub fn scale_int(self, value: i64) -> Result<i64, String> {
        let scaled = match self {
            TimeFormat::Rfc3339 | TimeFormat::Nanos => Some(value),
            TimeFormat::Seconds => value.checked_mul(1_000_000_000),
            TimeFormat::Millis => value.checked_mul(1_000_000),
            TimeFormat::Micros => value.checked_mul(1_000),
            TimeFormat::TimeOfDay { midnight_ns } => value
                .checked_mul(1_000_000_000)
                .and_then(|ns| ns.checked_add(midnight_ns)),
        };
        scaled.ok_or_else(|| format!("timestamp {value} ({}) does not fit in i64 ns", self.name()))
    }

    fn name(self) -> &'static str {
        match self {
            TimeFormat::Rfc3339 => "rfc3339",
            TimeFormat::Seconds => "s",
            TimeFormat::Millis => "ms",
            TimeFormat::Micros => "us",
            TimeFormat::Nanos => "ns",
            TimeFormat::TimeOfDay { .. } => "time-of-day",
        }
    }
}

/// `[-]digits[.digits]` times 10^`scale`, exactly (fraction digits beyond the scale must be 0).
fn scaled_decimal(text: &[u8], scale: u32) -> Option<i64> {
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (whole, fraction) = match text.iter().position(|&b| b == b'.') {
        Some(dot) => (&text[..dot], &text[dot + 1..]),
        None => (text, &[][..]),
    };
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for &b in whole {
        value = value.checked_mul(10)?.checked_add(i64::from(digit(b)?))?;
    }
    value = value.checked_mul(10i64.checked_pow(scale)?)?;
    let mut unit = 10i64.checked_pow(scale)?;
    for &b in fraction {
        let d = i64::from(digit(b)?);
        unit /= 10;
        if unit == 0 {
            if d != 0 {
                return None;
            }
            continue;
        }
        value = value.checked_add(d * unit)?;
    }
    Some(if negative { -value } else { value })
}

fn digit(b: u8) -> Option<u8> {
    b.is_ascii_digit().then(|| b - b'0')
}

fn number(text: &[u8]) -> Option<i64> {
    text.iter()
        .try_fold(0i64, |acc, &b| Some(acc * 10 + i64::from(digit(b)?)))
}

/// RFC 3339 (and its common relatives) to ns since the epoch: `YYYY-MM-DD`, then optionally
/// `T`/`t`/space `HH:MM:SS`, up to 9 fraction digits, and `Z`, `±HH:MM`, `±HHMM` or no zone
/// (UTC). Returns `None` for anything else.
pub fn parse_rfc3339(s: &[u8]) -> Option<i64> {
    if s.len() < 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let year = number(&s[0..4])?;
    let month = number(&s[5..7])?;
    let day = number(&s[8..10])?;
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let mut rest = &s[10..];
    let mut ns_of_day = 0i64;
    let mut offset_s = 0i64;
    if !rest.is_empty() {
        if !matches!(rest[0], b'T' | b't' | b' ') || rest.len() < 9 || rest[3] != b':' {
            return None;
        }
        let hour = number(&rest[1..3])?;
        let minute = number(&rest[4..6])?;
        if rest[6] != b':' {
            return None;
        }
        let second = number(&rest[7..9])?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        ns_of_day = ((hour * 60 + minute) * 60 + second) * 1_000_000_000;
        rest = &rest[9..];
        if let Some((b'.', fraction)) = rest.split_first() {
            let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 || digits > 9 {
                return None;
            }
            let mut frac = number(&fraction[..digits])?;
            for _ in digits..9 {
                frac *= 10;
            }
            ns_of_day += frac;
            rest = &fraction[digits..];
        }
        match rest {
            [] | [b'Z' | b'z'] => {}
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]
            | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
                let hours = number(&[*h1, *h2])?;
                let minutes = number(&[*m1, *m2])?;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                offset_s = (hours * 60 + minutes) * 60;
                if *sign == b'-' {
                    offset_s = -offset_s;
                }
            }
            _ => return None,
        }
    }
    days.checked_mul(86_400)?
        .checked_sub(offset_s)?
        .checked_mul(1_000_000_000)?
        .checked_add(ns_of_day)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The type a sample text value suggests (inference): RFC 3339 dates, integers, floats,
/// booleans, else strings. `None` for an empty field, which says nothing.
pub fn infer(text: &str) -> Option<ColType> {
    if text.is_empty() {
        return None;
    }
    Some(if text.parse::<i64>().is_ok() {
        ColType::I64
    } else if text.parse::<f64>().is_ok() {
        ColType::F64
    } else if text == "true" || text == "false" {
        ColType::Bool
    } else if parse_rfc3339(text.as_bytes()).is_some() {
        ColType::Timestamp
    } else {
        ColType::Str
    })
}

/// One parsed field, held until the whole row has parsed.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(Cow<'a, str>),
}

/// Parses `text` as a value of `ty`; an empty field is null.
pub fn parse_text<'a>(
    text: Cow<'a, str>,
    ty: ColType,
    time: TimeFormat,
) -> Result<Value<'a>, String> {
    if text.is_empty() {
        return Ok(if ty == ColType::Str {
            Value::Str(text)
        } else {
            Value::Null
        });
    }
    Ok(match ty {
        ColType::Timestamp => Value::Int(time.parse(&text)?),
        ColType::I64 => Value::Int(
            text.parse()
                .map_err(|_| format!("cannot parse {text:?} as i64"))?,
        ),
        ColType::F64 => Value::Float(
            text.parse()
                .map_err(|_| format!("cannot parse {text:?} as f64"))?,
        ),
        ColType::Bool => Value::Bool(match &*text {
            "true" | "True" | "TRUE" | "1" => true,
            "false" | "False" | "FALSE" | "0" => false,
            _ => return Err(format!("cannot parse {text:?} as bool")),
        }),
        ColType::Str => Value::Str(text),
    })
}

/// Names, types and index position of the columns a text file is parsed into.
#[derive(Debug, Clone)]
pub struct Columns {
    pub names: Vec<String>,
    pub types: Vec<ColType>,
    /// Position of the index column (a timestamp).
    pub index: usize,
}

impl Columns {
    /// Columns from what the first rows showed: a type given with `--columns-types` wins, else
    /// the inferred one (str when nothing was seen); then the index is settled as in `new`.
    pub fn settle(
        path: &std::path::Path,
        names: Vec<String>,
        inferred: Vec<Inferred>,
        given: &[(String, ColType)],
        index: Option<&str>,
    ) -> anyhow::Result<Columns> {
        let types = names
            .iter()
            .zip(inferred)
            .map(
                |(name, inferred)| match given.iter().find(|(n, _)| n == name) {
                    Some((_, t)) => *t,
                    None => inferred.resolve().unwrap_or(ColType::Str),
                },
            )
            .collect();
        use anyhow::Context as _;
        Columns::new(names, types, index).with_context(|| format!("{}", path.display()))
    }

    /// Settles the index: `--index` if given (made a timestamp), else the first timestamp.
    pub fn new(
        names: Vec<String>,
        mut types: Vec<ColType>,
        index: Option<&str>,
    ) -> anyhow::Result<Columns> {
        let index = match index {
            Some(name) => {
                let i = names.iter().position(|n| n == name).ok_or_else(|| {
                    anyhow::anyhow!("no column {name:?} for the index; columns are {names:?}")
                })?;
                types[i] = ColType::Timestamp;
                i
            }
            None => types
                .iter()
                .position(|&t| t == ColType::Timestamp)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "no timestamp column found; name the index with --index (and its format with --timestamp-format)"
                    )
                })?,
        };
        Ok(Columns {
            names,
            types,
            index,
        })
    }

    /// The Arrow schema, index first, then the other columns in file order.
    pub fn schema(&self) -> SchemaRef {
        let fields = self
            .order()
            .map(|i| Field::new(&self.names[i], self.types[i].data_type(), i != self.index))
            .collect::<Vec<_>>();
        Arc::new(Schema::new(fields))
    }

    /// Column positions in output order: the index first.
    fn order(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.index).chain((0..self.names.len()).filter(|&i| i != self.index))
    }
}

/// Typed builders for one part of a file, filled a whole row at a time.
pub struct Builders {
    columns: Vec<Builder>,
}

enum Builder {
    Ts(TimestampNanosecondBuilder),
    I64(Int64Builder),
    F64(Float64Builder),
    Bool(BooleanBuilder),
    Str(StringBuilder),
}

impl Builders {
    pub fn new(columns: &Columns) -> Builders {
        Builders {
            columns: columns
                .types
                .iter()
                .map(|t| match t {
                    ColType::Timestamp => Builder::Ts(TimestampNanosecondBuilder::new()),
                    ColType::I64 => Builder::I64(Int64Builder::new()),
                    ColType::F64 => Builder::F64(Float64Builder::new()),
                    ColType::Bool => Builder::Bool(BooleanBuilder::new()),
                    ColType::Str => Builder::Str(StringBuilder::new()),
                })
                .collect(),
        }
    }

    /// Appends one row of values that [`parse_text`] (or the JSON reader) produced for these
    /// columns' types.
    pub fn push(&mut self, row: &[Value<'_>]) {
        for (builder, value) in self.columns.iter_mut().zip(row) {
            match (builder, value) {
                (Builder::Ts(b), Value::Int(v)) => b.append_value(*v),
                (Builder::I64(b), Value::Int(v)) => b.append_value(*v),
                (Builder::F64(b), Value::Float(v)) => b.append_value(*v),
                (Builder::Bool(b), Value::Bool(v)) => b.append_value(*v),
                (Builder::Str(b), Value::Str(v)) => b.append_value(v),
                (Builder::Ts(b), _) => b.append_null(),
                (Builder::I64(b), _) => b.append_null(),
                (Builder::F64(b), _) => b.append_null(),
                (Builder::Bool(b), _) => b.append_null(),
                (Builder::Str(b), _) => b.append_null(),
            }
        }
    }

    /// The rows so far as a batch of `columns.schema()`.
    pub fn finish(self, columns: &Columns) -> anyhow::Result<RecordBatch> {
        let mut arrays: Vec<ArrayRef> = self
            .columns
            .into_iter()
            .map(|b| -> ArrayRef {
                match b {
                    Builder::Ts(mut b) => Arc::new(b.finish().with_timezone(UTC)),
                    Builder::I64(mut b) => Arc::new(b.finish()),
                    Builder::F64(mut b) => Arc::new(b.finish()),
                    Builder::Bool(mut b) => Arc::new(b.finish()),
                    Builder::Str(mut b) => Arc::new(b.finish()),
                }
            })
            .collect();
        let index = arrays.remove(columns.index);
        arrays.insert(0, index);
        Ok(RecordBatch::try_new(columns.schema(), arrays)?)
    }
}

/// Where in the input something is: a file and a 1-based line (a row, for Parquet).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Position of the file on the command line (orders errors).
    pub file_no: usize,
    pub file: PathBuf,
    pub line: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// What went wrong with the input of an import.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A field that does not parse as its column's type.
    #[error("{at}:{column_no}: column {column:?}: {reason}")]
    BadValue {
        at: Location,
        /// 1-based field position (CSV) or key position (JSON).
        column_no: usize,
        column: String,
        reason: String,
    },
    /// A row that cannot be split into fields (wrong field count, bad JSON, bad UTF-8).
    #[error("{at}: {reason}")]
    BadRow { at: Location, reason: String },
    /// A row whose index is earlier than the row before it in the same file.
    #[error(
        "{at}: index {column:?} goes back in time ({value} after {previous}); each input file must be sorted by its index"
    )]
    Unsorted {
        at: Location,
        column: String,
        value: i64,
        previous: i64,
    },
}

impl ImportError {
    pub fn at(&self) -> &Location {
        match self {
            ImportError::BadValue { at, .. }
            | ImportError::BadRow { at, .. }
            | ImportError::Unsorted { at, .. } => at,
        }
    }

    /// Whether `--on-error skip` may skip the row (an unsorted file is never skipped).
    pub fn skippable(&self) -> bool {
        !matches!(self, ImportError::Unsorted { .. })
    }
}

/// What to do with a bad row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnError {
    /// Stop; commit nothing.
    Fail,
    /// Skip the row, count it and report the first few.
    Skip,
}

/// How many skipped rows are reported by location.
pub const SKIPS_SHOWN: usize = 5;

/// Bad rows skipped in one part of the input.
#[derive(Debug, Default)]
pub struct Skipped {
    pub count: u64,
    /// The first [`SKIPS_SHOWN`] errors, in input order.
    pub first: Vec<ImportError>,
}

impl Skipped {
    pub fn add(&mut self, e: ImportError) {
        self.count += 1;
        if self.first.len() < SKIPS_SHOWN {
            self.first.push(e);
        }
    }

    pub fn merge(&mut self, other: Skipped) {
        self.count += other.count;
        for e in other.first {
            if self.first.len() < SKIPS_SHOWN {
                self.first.push(e);
            }
        }
    }
}

/// Checks the index order of rows as they are accepted.
pub struct OrderCheck {
    pub first: Option<(i64, Location)>,
    pub last: Option<i64>,
}

impl OrderCheck {
    pub fn new() -> OrderCheck {
        OrderCheck {
            first: None,
            last: None,
        }
    }

    pub fn accept(
        &mut self,
        ts: i64,
        at: impl FnOnce() -> Location,
        column: &str,
    ) -> Result<(), ImportError> {
        match self.last {
            Some(previous) if ts < previous => {
                return Err(ImportError::Unsorted {
                    at: at(),
                    column: column.to_string(),
                    value: ts,
                    previous,
                });
            }
            None => self.first = Some((ts, at())),
            _ => {}
        }
        self.last = Some(ts);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_variants() {
        let base = parse_rfc3339(b"2024-01-02T09:30:00Z");
        assert_eq!(base, Some(1_704_187_800_000_000_000));
        assert_eq!(
            parse_rfc3339(b"2024-01-02T09:30:00.000000123Z"),
            base.map(|b| b + 123)
        );
        assert_eq!(
            parse_rfc3339(b"2024-01-02 09:30:00.5"),
            base.map(|b| b + 500_000_000)
        );
        assert_eq!(
            parse_rfc3339(b"2024-01-02T10:30:00+01:00"),
            base,
            "offsets are subtracted"
        );
        assert_eq!(
            parse_rfc3339(b"2024-01-02"),
            base.map(|b| b - 34_200_000_000_000)
        );
        assert_eq!(parse_rfc3339(b"1969-12-31T23:59:59Z"), Some(-1_000_000_000));
        for bad in [
            &b"2024-02-30"[..],
            b"2024-01-02T25:00:00Z",
            b"2024-01-02T09:30",
            b"x",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn numeric_formats_scale_exactly() {
        assert_eq!(TimeFormat::Seconds.parse("1.5"), Ok(1_500_000_000));
        assert_eq!(TimeFormat::Millis.parse("-2"), Ok(-2_000_000));
        assert_eq!(TimeFormat::Micros.parse("7"), Ok(7_000));
        assert!(TimeFormat::Micros.parse("7.0001").is_err(), "finer than ns");
        let day =
            TimeFormat::new("time-of-day", Some("2012-06-21")).unwrap_or_else(|e| panic!("{e}"));
        let midnight = parse_rfc3339(b"2012-06-21").unwrap_or_default();
        assert_eq!(
            day.parse("34200.004241176"),
            Ok(midnight + 34_200_004_241_176)
        );
    }
}
