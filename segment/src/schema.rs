//! Binary form of the Arrow schema subset a segment can hold: field names, data types (with
//! timestamp unit and time zone), nullability, and field and schema key-value metadata. It owns the
//! type tags and must stay the single place that says which Arrow types are supported; it must not
//! know about chunks or the directory around it. The byte layout is documented in docs/format.md.

use crate::wire::{Cursor, put_str, put_u8, put_u32, str_fits};
use crate::{Error, Result};
use arrow_schema::{DataType, Field, Metadata, Schema, TimeUnit};
use std::collections::BTreeMap;
use std::sync::Arc;

// Type tags. 0 is never written so that zeroed bytes do not decode as a type.
const INT8: u8 = 1;
const INT16: u8 = 2;
const INT32: u8 = 3;
const INT64: u8 = 4;
const UINT8: u8 = 5;
const UINT16: u8 = 6;
const UINT32: u8 = 7;
const UINT64: u8 = 8;
const FLOAT32: u8 = 9;
const FLOAT64: u8 = 10;
const BOOLEAN: u8 = 11;
const UTF8: u8 = 12;
const BINARY: u8 = 13;
const TIMESTAMP: u8 = 14;
const DATE32: u8 = 15;
const DATE64: u8 = 16;

/// Smallest encoded field: name length, nullable flag, type tag, metadata count.
const MIN_FIELD_LEN: usize = 4 + 1 + 1 + 4;
/// Smallest encoded metadata entry: two empty strings.
const MIN_ENTRY_LEN: usize = 4 + 4;

fn tag_of(data_type: &DataType) -> Option<u8> {
    Some(match data_type {
        DataType::Int8 => INT8,
        DataType::Int16 => INT16,
        DataType::Int32 => INT32,
        DataType::Int64 => INT64,
        DataType::UInt8 => UINT8,
        DataType::UInt16 => UINT16,
        DataType::UInt32 => UINT32,
        DataType::UInt64 => UINT64,
        DataType::Float32 => FLOAT32,
        DataType::Float64 => FLOAT64,
        DataType::Boolean => BOOLEAN,
        DataType::Utf8 => UTF8,
        DataType::Binary => BINARY,
        DataType::Timestamp(..) => TIMESTAMP,
        DataType::Date32 => DATE32,
        DataType::Date64 => DATE64,
        _ => return None,
    })
}

fn unit_tag(unit: TimeUnit) -> u8 {
    match unit {
        TimeUnit::Second => 0,
        TimeUnit::Millisecond => 1,
        TimeUnit::Microsecond => 2,
        TimeUnit::Nanosecond => 3,
    }
}

/// Checks that every field of `schema` can be stored: a supported type and names and metadata
/// that fit their length prefixes.
pub(crate) fn check(schema: &Schema) -> Result<()> {
    for field in schema.fields() {
        if tag_of(field.data_type()).is_none() {
            return Err(Error::UnsupportedType {
                column: field.name().clone(),
                data_type: field.data_type().to_string(),
            });
        }
        let tz_fits = match field.data_type() {
            DataType::Timestamp(_, Some(tz)) => str_fits(tz),
            _ => true,
        };
        if !str_fits(field.name()) || !tz_fits || !metadata_fits(field.metadata()) {
            return Err(Error::invalid(format!(
                "column {}: name, time zone or metadata longer than 4 GiB",
                field.name()
            )));
        }
    }
    if !metadata_fits(schema.metadata()) || u32::try_from(schema.fields().len()).is_err() {
        return Err(Error::invalid("schema metadata or field count too large"));
    }
    Ok(())
}

fn metadata_fits(metadata: &Metadata) -> bool {
    u32::try_from(metadata.len()).is_ok()
        && metadata.iter().all(|(k, v)| str_fits(k) && str_fits(v))
}

/// Appends the binary form of `schema`. A type outside the supported set is written as tag 0,
/// which [`read`] rejects; [`check`] keeps such schemas out of the encode path.
pub(crate) fn write(schema: &Schema, out: &mut Vec<u8>) {
    write_metadata(schema.metadata(), out);
    put_u32(
        out,
        u32::try_from(schema.fields().len()).unwrap_or(u32::MAX),
    );
    for field in schema.fields() {
        put_str(out, field.name());
        put_u8(out, u8::from(field.is_nullable()));
        write_type(field.data_type(), out);
        write_metadata(field.metadata(), out);
    }
}

fn write_type(data_type: &DataType, out: &mut Vec<u8>) {
    put_u8(out, tag_of(data_type).unwrap_or(0));
    if let DataType::Timestamp(unit, tz) = data_type {
        put_u8(out, unit_tag(*unit));
        match tz {
            Some(tz) => {
                put_u8(out, 1);
                put_str(out, tz);
            }
            None => put_u8(out, 0),
        }
    }
}

/// Metadata entries in key order (Arrow keeps them sorted), so equal schemas give equal bytes.
fn write_metadata(metadata: &Metadata, out: &mut Vec<u8>) {
    put_u32(out, u32::try_from(metadata.len()).unwrap_or(u32::MAX));
    for (k, v) in metadata {
        put_str(out, k);
        put_str(out, v);
    }
}

/// Reads a schema written by [`write`].
pub(crate) fn read(c: &mut Cursor<'_>) -> Result<Schema> {
    let metadata = read_metadata(c, "schema metadata")?;
    let n = c.count(MIN_FIELD_LEN, "field count")?;
    let mut fields = Vec::with_capacity(n);
    for _ in 0..n {
        let name = c.str("field name")?;
        let nullable = match c.u8("nullable flag")? {
            0 => false,
            1 => true,
            other => return Err(c.corrupt(format!("column {name}: nullable flag {other}"))),
        };
        let data_type = read_type(c, name)?;
        let field_metadata = read_metadata(c, "field metadata")?;
        fields.push(Field::new(name, data_type, nullable).with_metadata(field_metadata));
    }
    Ok(Schema::new_with_metadata(fields, metadata))
}

fn read_type(c: &mut Cursor<'_>, column: &str) -> Result<DataType> {
    let unsupported = |what: String| Error::UnsupportedType {
        column: column.to_owned(),
        data_type: what,
    };
    Ok(match c.u8("type tag")? {
        INT8 => DataType::Int8,
        INT16 => DataType::Int16,
        INT32 => DataType::Int32,
        INT64 => DataType::Int64,
        UINT8 => DataType::UInt8,
        UINT16 => DataType::UInt16,
        UINT32 => DataType::UInt32,
        UINT64 => DataType::UInt64,
        FLOAT32 => DataType::Float32,
        FLOAT64 => DataType::Float64,
        BOOLEAN => DataType::Boolean,
        UTF8 => DataType::Utf8,
        BINARY => DataType::Binary,
        DATE32 => DataType::Date32,
        DATE64 => DataType::Date64,
        TIMESTAMP => {
            let unit = match c.u8("time unit")? {
                0 => TimeUnit::Second,
                1 => TimeUnit::Millisecond,
                2 => TimeUnit::Microsecond,
                3 => TimeUnit::Nanosecond,
                other => {
                    return Err(unsupported(format!(
                        "timestamp with unknown unit tag {other}"
                    )));
                }
            };
            let tz = match c.u8("time zone flag")? {
                0 => None,
                1 => Some(Arc::from(c.str("time zone")?)),
                other => return Err(c.corrupt(format!("column {column}: time zone flag {other}"))),
            };
            DataType::Timestamp(unit, tz)
        }
        tag => {
            return Err(unsupported(format!(
                "unknown type tag {tag} (written by a newer floe?)"
            )));
        }
    })
}

fn read_metadata(c: &mut Cursor<'_>, what: &str) -> Result<Metadata> {
    let n = c.count(MIN_ENTRY_LEN, what)?;
    let mut out = BTreeMap::new();
    let mut previous: Option<&str> = None;
    for _ in 0..n {
        let at = c.offset();
        let key = c.str("metadata key")?;
        let value = c.str("metadata value")?;
        // Keys are written sorted and unique; anything else was not written by floe.
        if previous.is_some_and(|p| p >= key) {
            return Err(c.corrupt_at(at, format!("{what} keys are not strictly increasing")));
        }
        previous = Some(key);
        out.insert(key.to_owned(), value.to_owned());
    }
    Ok(out.into())
}

/// The binary form of a schema on its own (as stored in a segment directory), for callers that
/// keep a schema outside any segment, such as a version manifest of a symbol with no rows.
/// Fails with [`Error::UnsupportedType`] for a type segments cannot hold.
pub fn encode_schema(schema: &Schema) -> Result<Vec<u8>> {
    check(schema)?;
    let mut out = Vec::new();
    write(schema, &mut out);
    Ok(out)
}

/// Reads a schema written by [`encode_schema`]; `context` names the object in errors.
pub fn decode_schema(bytes: &[u8], context: &str) -> Result<arrow_schema::SchemaRef> {
    let mut cursor = Cursor::new(bytes, 0, context);
    let schema = read(&mut cursor)?;
    cursor.finish("schema")?;
    Ok(Arc::new(schema))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(schema: &Schema) -> Result<Schema> {
        let mut out = Vec::new();
        write(schema, &mut out);
        let mut c = Cursor::new(&out, 0, "s");
        let back = read(&mut c)?;
        c.finish("schema")?;
        Ok(back)
    }

    #[test]
    fn every_supported_type_round_trips() -> Result<()> {
        let types = [
            DataType::Int8,
            DataType::Int16,
            DataType::Int32,
            DataType::Int64,
            DataType::UInt8,
            DataType::UInt16,
            DataType::UInt32,
            DataType::UInt64,
            DataType::Float32,
            DataType::Float64,
            DataType::Boolean,
            DataType::Utf8,
            DataType::Binary,
            DataType::Date32,
            DataType::Date64,
            DataType::Timestamp(TimeUnit::Second, None),
            DataType::Timestamp(TimeUnit::Millisecond, Some("+01:00".into())),
            DataType::Timestamp(TimeUnit::Microsecond, Some("America/New_York".into())),
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
        ];
        let fields: Vec<Field> = types
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let f = Field::new(format!("c{i}é"), t.clone(), i % 2 == 0);
                if i == 3 {
                    f.with_metadata(Metadata::from([("unit", "bp")]))
                } else {
                    f
                }
            })
            .collect();
        let metadata = Metadata::from([("b", "2"), ("a", "")]);
        let schema = Schema::new_with_metadata(fields, metadata);
        check(&schema)?;
        assert_eq!(round_trip(&schema)?, schema);
        assert_eq!(round_trip(&Schema::empty())?, Schema::empty());
        Ok(())
    }

    #[test]
    fn unsupported_types_are_named() {
        let item = Arc::new(Field::new("item", DataType::Int64, true));
        let schema = Schema::new(vec![
            Field::new("ok", DataType::Int64, false),
            Field::new("l", DataType::List(item), true),
        ]);
        assert!(
            matches!(check(&schema), Err(Error::UnsupportedType { column, .. }) if column == "l")
        );
        let schema = Schema::new(vec![Field::new("big", DataType::LargeUtf8, true)]);
        assert!(
            matches!(check(&schema), Err(Error::UnsupportedType { column, .. }) if column == "big")
        );
    }

    #[test]
    fn unknown_type_tag_is_unsupported_type_not_corrupt() {
        let mut out = Vec::new();
        write(
            &Schema::new(vec![Field::new("x", DataType::Int64, true)]),
            &mut out,
        );
        let tag_at = out.len() - 5; // tag, then the 4-byte field metadata count
        assert_eq!(out[tag_at], INT64);
        out[tag_at] = 200;
        let r = read(&mut Cursor::new(&out, 0, "s"));
        assert!(matches!(r, Err(Error::UnsupportedType { column, .. }) if column == "x"));
    }

    #[test]
    fn unsorted_metadata_is_corrupt() {
        let mut out = Vec::new();
        put_u32(&mut out, 2);
        for k in ["b", "a"] {
            put_str(&mut out, k);
            put_str(&mut out, "");
        }
        put_u32(&mut out, 0);
        assert!(matches!(
            read(&mut Cursor::new(&out, 0, "s")),
            Err(Error::Corrupt { .. })
        ));
    }
}
