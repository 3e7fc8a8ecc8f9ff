//! JSON-lines input for `floe import`: one flat JSON object a line, parsed with simd-json into its
//! tape (no tree of values is built; strings stay borrowed from the line). Keys become columns (in
//! first-seen order); their types are inferred from the first rows unless `--columns-types` gives
//! them. A nested value is kept as its JSON text in a string column.

use crate::parse::{
    Builders, ColType, Columns, ImportError, Inferred, Location, OnError, OrderCheck, Skipped,
    TimeFormat, Value, parse_rfc3339, parse_text,
};
use crate::text::{Chunk, lines};
use simd_json::ValueType;
use simd_json::prelude::{TypedValue, ValueAsScalar, ValueIntoString, Writable};
use simd_json::tape::Value as Json;
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

fn kind(value: &Json<'_, '_>) -> Option<ColType> {
    Some(match value.value_type() {
        ValueType::Null => return None,
        ValueType::Bool => ColType::Bool,
        ValueType::I64 | ValueType::U64 => ColType::I64,
        ValueType::F64 => ColType::F64,
        ValueType::String
            if value
                .as_str()
                .is_some_and(|s| parse_rfc3339(s.as_bytes()).is_some()) =>
        {
            ColType::Timestamp
        }
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
        let Ok(tape) = simd_json::to_tape(&mut scratch) else {
            continue; // reported with its line when parsed
        };
        let Some(object) = tape.as_value().as_object() else {
            continue;
        };
        for (key, value) in object.iter() {
            let slot = match names.iter().position(|n| n == key) {
                Some(i) => i,
                None => {
                    names.push(key.to_string());
                    types.push(Inferred::default());
                    names.len() - 1
                }
            };
            if let Some(t) = kind(&value) {
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
    let columns = Columns::settle(path, names, types, &options.types, options.index.as_deref())?;
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
    let tape =
        simd_json::to_tape_with_buffers(scratch, buffers).map_err(|e| ImportError::BadRow {
            at: at(line),
            reason: format!("bad JSON: {e}"),
        })?;
    let Some(object) = tape.as_value().as_object() else {
        return Err(ImportError::BadRow {
            at: at(line),
            reason: "not a JSON object".into(),
        });
    };
    let mut row = vec![Value::Null; columns.names.len()];
    for (key_no, (key, value)) in object.iter().enumerate() {
        let Some(&i) = json.positions.get(key) else {
            return Err(ImportError::BadValue {
                at: at(line),
                column_no: key_no + 1,
                column: key.to_string(),
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

/// One JSON value as a value of column type `ty`; strings stay borrowed from the line.
fn convert<'i>(value: Json<'_, 'i>, ty: ColType, time: TimeFormat) -> Result<Value<'i>, String> {
    let int = |v: Option<i64>| v.ok_or_else(|| format!("{} does not fit in i64", value.encode()));
    match (value.value_type(), ty) {
        (ValueType::Null, _) => Ok(Value::Null),
        (ValueType::String, ty) => {
            let s = value.into_string().ok_or("a string without text")?;
            match ty {
                ColType::Str => Ok(Value::Str(Cow::Borrowed(s))),
                ty => parse_text(Cow::Borrowed(s), ty, time),
            }
        }
        (ValueType::I64 | ValueType::U64, ColType::I64) => int(value.as_i64()).map(Value::Int),
        (ValueType::I64 | ValueType::U64, ColType::Timestamp) => {
            int(value.as_i64()).and_then(|v| time.scale_int(v).map(Value::Int))
        }
        (ValueType::I64 | ValueType::U64 | ValueType::F64, ColType::F64) => value
            .as_f64()
            .or_else(|| value.cast_f64())
            .map(Value::Float)
            .ok_or_else(|| format!("{} is not a number", value.encode())),
        (ValueType::F64, ColType::Timestamp) => time.parse(&value.encode()).map(Value::Int),
        (ValueType::Bool, ColType::Bool) => value
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| "not a boolean".to_string()),
        (_, ColType::Str) => Ok(Value::Str(Cow::Owned(value.encode()))),
        (ValueType::Array | ValueType::Object, ty) => {
            Err(format!("an array or object is not a {ty}"))
        }
        (_, ty) => Err(format!("{} is not a {ty}", value.encode())),
    }
}
