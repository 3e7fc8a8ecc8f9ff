//! JSON-lines input for `floe import`: one flat JSON object a line, parsed with simd-json. Keys
//! become columns (in first-seen order); their types are inferred from the first rows unless
//! `--columns-types` gives them. A nested value is kept as its JSON text in a string column.

use crate::parse::{
    Builders, ColType, Columns, ImportError, Inferred, Location, OnError, OrderCheck, Skipped,
    TimeFormat, Value, parse_rfc3339, parse_text,
};
use crate::text::{Chunk, lines};
use anyhow::Context;
use simd_json::prelude::Writable;
use simd_json::{BorrowedValue, StaticNode};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

pub use crate::csv_in::Part;

/// Lines looked at to find the keys and infer their types.
pub const INFER_ROWS: usize = 1000;

/// How JSON-lines files are read.
#[derive(Debug, Clone)]
pub struct JsonOptions {
    pub types: Vec<(String, ColType)>,
    pub index: Option<String>,
}

/// The columns of a JSON-lines file, with a key lookup.
pub struct JsonColumns {
    pub columns: Columns,
    positions: HashMap<String, usize>,
}

fn kind(value: &BorrowedValue<'_>) -> Option<ColType> {
    Some(match value {
        BorrowedValue::Static(StaticNode::Null) => return None,
        BorrowedValue::Static(StaticNode::Bool(_)) => ColType::Bool,
        BorrowedValue::Static(StaticNode::I64(_) | StaticNode::U64(_)) => ColType::I64,
        BorrowedValue::Static(StaticNode::F64(_)) => ColType::F64,
        BorrowedValue::String(s) if parse_rfc3339(s.as_bytes()).is_some() => ColType::Timestamp,
        _ => ColType::Str,
    })
}

/// Finds the keys and their types in the first rows of the first file.
pub fn columns(path: &Path, data: &[u8], options: &JsonOptions) -> anyhow::Result<JsonColumns> {
    let mut names: Vec<String> = Vec::new();
    let mut types: Vec<Inferred> = Vec::new();
    let mut scratch = Vec::new();
    for line in data
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(INFER_ROWS)
    {
        scratch.clear();
        scratch.extend_from_slice(line);
        let Ok(BorrowedValue::Object(object)) = simd_json::to_borrowed_value(&mut scratch) else {
            continue; // reported with its line when parsed
        };
        for (key, value) in object.iter() {
            let slot = match names.iter().position(|n| n == key.as_ref()) {
                Some(i) => i,
                None => {
                    names.push(key.to_string());
                    types.push(Inferred::default());
                    names.len() - 1
                }
            };
            if let Some(t) = kind(value) {
                types[slot].add(t);
            }
        }
    }
    for (name, _) in &options.types {
        if !names.contains(name) {
            names.push(name.clone());
            types.push(Inferred::default());
        }
    }
    let types = names
        .iter()
        .zip(types)
        .map(
            |(name, inferred)| match options.types.iter().find(|(n, _)| n == name) {
                Some((_, t)) => *t,
                None => inferred.resolve().unwrap_or(ColType::Str),
            },
        )
        .collect();
    let columns = Columns::new(names, types, options.index.as_deref())
        .with_context(|| format!("{}", path.display()))?;
    let positions = columns
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i))
        .collect();
    Ok(JsonColumns { columns, positions })
}

/// Parses one chunk of a JSON-lines file.
pub fn parse_chunk(
    file_no: usize,
    path: &Path,
    chunk: &Chunk<'_>,
    json: &JsonColumns,
    time: TimeFormat,
    on_error: OnError,
) -> Result<Part, ImportError> {
    let columns = &json.columns;
    let mut builders = Builders::new(columns);
    let mut skipped = Skipped::default();
    let mut order = OrderCheck::new();
    let mut scratch = Vec::new();
    let mut buffers = simd_json::Buffers::default();
    let at = |line: u64| Location {
        file_no,
        file: path.to_path_buf(),
        line,
    };
    let index_name = &columns.names[columns.index];
    for (line, text) in lines(chunk) {
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        scratch.clear();
        scratch.extend_from_slice(text);
        let result = parse_row(&mut scratch, &mut buffers, json, time, line, &at).and_then(|row| {
            match row[columns.index] {
                Value::Int(ts) => order.accept(ts, || at(line), index_name)?,
                _ => {
                    return Err(ImportError::BadValue {
                        at: at(line),
                        column_no: columns.index + 1,
                        column: index_name.clone(),
                        reason: "the index is missing or null".into(),
                    });
                }
            }
            builders.push(&row);
            Ok(())
        });
        match result {
            Ok(()) => {}
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

fn parse_row<'s>(
    scratch: &'s mut [u8],
    buffers: &mut simd_json::Buffers,
    json: &JsonColumns,
    time: TimeFormat,
    line: u64,
    at: &impl Fn(u64) -> Location,
) -> Result<Vec<Value<'s>>, ImportError> {
    let columns = &json.columns;
    let value = simd_json::to_borrowed_value_with_buffers(scratch, buffers).map_err(|e| {
        ImportError::BadRow {
            at: at(line),
            reason: format!("bad JSON: {e}"),
        }
    })?;
    let BorrowedValue::Object(object) = value else {
        return Err(ImportError::BadRow {
            at: at(line),
            reason: "not a JSON object".into(),
        });
    };
    let mut row = vec![Value::Null; columns.names.len()];
    for (key_no, (key, value)) in (*object).into_iter().enumerate() {
        let Some(&i) = json.positions.get(key.as_ref()) else {
            return Err(ImportError::BadValue {
                at: at(line),
                column_no: key_no + 1,
                column: key.into_owned(),
                reason: format!(
                    "a key not among the first {INFER_ROWS} lines' keys; name its type with --columns-types"
                ),
            });
        };
        row[i] =
            convert(value, columns.types[i], time).map_err(|reason| ImportError::BadValue {
                at: at(line),
                column_no: key_no + 1,
                column: columns.names[i].clone(),
                reason,
            })?;
    }
    Ok(row)
}

/// One JSON value as a value of column type `ty`.
fn convert(value: BorrowedValue<'_>, ty: ColType, time: TimeFormat) -> Result<Value<'_>, String> {
    match (value, ty) {
        (BorrowedValue::Static(StaticNode::Null), _) => Ok(Value::Null),
        (BorrowedValue::String(s), ColType::Str) => Ok(Value::Str(s)),
        (BorrowedValue::String(s), ty) => parse_text(s, ty, time),
        (BorrowedValue::Static(node), ty) => match (node, ty) {
            (StaticNode::I64(v), ColType::I64) => Ok(Value::Int(v)),
            (StaticNode::U64(v), ColType::I64) => i64::try_from(v)
                .map(Value::Int)
                .map_err(|_| format!("{v} does not fit in i64")),
            (StaticNode::I64(v), ColType::F64) => Ok(Value::Float(v as f64)),
            (StaticNode::U64(v), ColType::F64) => Ok(Value::Float(v as f64)),
            (StaticNode::F64(v), ColType::F64) => Ok(Value::Float(v)),
            (StaticNode::Bool(v), ColType::Bool) => Ok(Value::Bool(v)),
            (StaticNode::I64(v), ColType::Timestamp) => time.scale_int(v).map(Value::Int),
            (StaticNode::U64(v), ColType::Timestamp) => i64::try_from(v)
                .map_err(|_| format!("{v} does not fit in i64"))
                .and_then(|v| time.scale_int(v))
                .map(Value::Int),
            (StaticNode::F64(v), ColType::Timestamp) => time.parse(&v.to_string()).map(Value::Int),
            (node, ColType::Str) => Ok(Value::Str(Cow::Owned(scalar_text(node)))),
            (node, ty) => Err(format!("{} is not a {ty}", scalar_text(node))),
        },
        (nested, ColType::Str) => Ok(Value::Str(Cow::Owned(nested.encode()))),
        (_, ty) => Err(format!("an array or object is not a {ty}")),
    }
}

/// A JSON scalar as text.
fn scalar_text(node: StaticNode) -> String {
    match node {
        StaticNode::I64(v) => v.to_string(),
        StaticNode::U64(v) => v.to_string(),
        StaticNode::F64(v) => v.to_string(),
        StaticNode::Bool(v) => v.to_string(),
        StaticNode::Null => "null".into(),
    }
}
