//! CSV input for `floe import`: settling the columns (header, `--columns-types`, inference from
//! the first rows) and parsing one chunk of lines into a batch, row by row, so that a bad row
//! can be reported by file, line and column or skipped whole.

use crate::parse::{
    Builders, ColType, Columns, ImportError, Inferred, Location, OnError, OrderCheck, Skipped,
    TimeFormat, Value, infer, parse_text,
};
use crate::text::{Chunk, first_line, lines, split_fields};
use anyhow::bail;
use arrow_array::RecordBatch;
use std::borrow::Cow;
use std::path::Path;

/// Rows looked at to infer the types of columns `--columns-types` does not give.
pub const INFER_ROWS: usize = 1000;

/// How CSV files are read.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    pub delimiter: u8,
    pub header: bool,
    pub types: Vec<(String, ColType)>,
    pub time: TimeFormat,
    pub index: Option<String>,
}

/// Settles the columns from the first file's header (or `--columns-types` names with
/// `--no-header`) and first rows. Returns them with the byte offset where data starts.
pub fn columns(path: &Path, data: &[u8], options: &CsvOptions) -> anyhow::Result<(Columns, usize)> {
    let mut fields = Vec::new();
    let (first, after) = first_line(data);
    split_fields(first, options.delimiter, &mut fields)
        .map_err(|reason| anyhow::anyhow!("{}:1: {reason}", path.display()))?;
    let width = fields.len();
    let (names, start): (Vec<String>, usize) = if options.header {
        (fields.iter().map(|f| f.trim().to_string()).collect(), after)
    } else {
        let names = (0..width)
            .map(|i| match options.types.get(i) {
                Some((name, _)) => name.clone(),
                None => format!("c{}", i + 1),
            })
            .collect();
        (names, 0)
    };
    if let Some((name, _)) = options.types.iter().find(|(n, _)| !names.contains(n)) {
        bail!(
            "--columns-types names {name:?}, which is not a column of {} ({})",
            path.display(),
            names.join(", ")
        );
    }
    let mut inferred = vec![Inferred::default(); width];
    let body = &data[start..];
    for line in body
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .take(INFER_ROWS)
    {
        if split_fields(line, options.delimiter, &mut fields).is_err() || fields.len() != width {
            continue; // reported with its line when parsed
        }
        for (slot, field) in inferred.iter_mut().zip(&fields) {
            if let Some(t) = infer(field) {
                slot.add(t);
            }
        }
    }
    let columns = Columns::settle(
        path,
        names,
        inferred,
        &options.types,
        options.index.as_deref(),
    )?;
    Ok((columns, start))
}

/// A parsed chunk: its rows as a batch, what was skipped, and its first and last index values
/// (to check order across chunks).
pub struct Part {
    pub batch: RecordBatch,
    pub skipped: Skipped,
    pub order: OrderCheck,
}

/// Parses one chunk of a CSV file.
pub fn parse_chunk(
    file_no: usize,
    path: &Path,
    chunk: &Chunk<'_>,
    columns: &Columns,
    options: &CsvOptions,
    on_error: OnError,
) -> Result<Part, ImportError> {
    let mut builders = Builders::new(columns);
    let mut skipped = Skipped::default();
    let mut order = OrderCheck::new();
    let mut fields: Vec<Cow<'_, str>> = Vec::with_capacity(columns.names.len());
    let mut row: Vec<Value<'_>> = Vec::with_capacity(columns.names.len());
    let at = |line: u64| Location {
        file_no,
        file: path.to_path_buf(),
        line,
    };
    let index_name = &columns.names[columns.index];
    for (line, text) in lines(chunk) {
        let parsed = parse_row(text, line, columns, options, &mut fields, &mut row, &at);
        let result = parsed.and_then(|()| match row[columns.index] {
            Value::Int(ts) => order.accept(ts, || at(line), index_name),
            _ => Err(ImportError::BadValue {
                at: at(line),
                column_no: columns.index + 1,
                column: index_name.clone(),
                reason: "the index is empty".into(),
            }),
        });
        match result {
            Ok(()) => builders.push(&row),
            Err(e) if on_error == OnError::Skip && e.skippable() => skipped.add(e),
            Err(e) => return Err(e),
        }
    }
    let batch = builders.finish(columns).map_err(|e| ImportError::BadRow {
        at: at(chunk.first_line),
        reason: e.to_string(),
    })?;
    Ok(Part {
        batch,
        skipped,
        order,
    })
}

fn parse_row<'a>(
    text: &'a [u8],
    line: u64,
    columns: &Columns,
    options: &CsvOptions,
    fields: &mut Vec<Cow<'a, str>>,
    row: &mut Vec<Value<'a>>,
    at: &impl Fn(u64) -> Location,
) -> Result<(), ImportError> {
    row.clear();
    split_fields(text, options.delimiter, fields).map_err(|reason| ImportError::BadRow {
        at: at(line),
        reason,
    })?;
    if fields.len() != columns.names.len() {
        return Err(ImportError::BadRow {
            at: at(line),
            reason: format!(
                "{} fields where the header has {}",
                fields.len(),
                columns.names.len()
            ),
        });
    }
    for (i, field) in fields.drain(..).enumerate() {
        let value = parse_text(field, columns.types[i], options.time).map_err(|reason| {
            ImportError::BadValue {
                at: at(line),
                column_no: i + 1,
                column: columns.names[i].clone(),
                reason,
            }
        })?;
        row.push(value);
    }
    Ok(())
}
