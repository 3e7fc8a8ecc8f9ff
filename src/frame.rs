//! Checks on frames coming in (index column, order, nulls, schema compatibility) and cutting them
//! into row slices. This file decides what a valid frame is; it must not touch storage.

use crate::{Error, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::TimestampNanosecondType;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use std::sync::Arc;

/// Position of the index column: the first `Timestamp(Nanosecond, _)` column.
pub(crate) fn index_of(schema: &Schema) -> Result<usize> {
    schema
        .fields()
        .iter()
        .position(|f| matches!(f.data_type(), DataType::Timestamp(TimeUnit::Nanosecond, _)))
        .ok_or_else(|| Error::MissingIndex {
            reason: "no Timestamp(Nanosecond) column; convert the time column to nanoseconds"
                .into(),
        })
}

/// The index values of `batch` (column `index`, which must be a nanosecond timestamp).
pub(crate) fn index_values(batch: &RecordBatch, index: usize) -> &[i64] {
    batch
        .column(index)
        .as_primitive::<TimestampNanosecondType>()
        .values()
}

/// Validates an incoming frame and returns the index column position.
pub(crate) fn validate(batch: &RecordBatch) -> Result<usize> {
    let index = index_of(&batch.schema())?;
    let column = batch.schema().field(index).name().clone();
    let array = batch.column(index);
    if array.null_count() > 0 {
        let row = (0..array.len()).find(|&i| array.is_null(i)).unwrap_or(0);
        return Err(Error::InvalidIndex {
            column,
            row,
            reason: "the index holds a null".into(),
        });
    }
    let ts = index_values(batch, index);
    if let Some(i) = ts.windows(2).position(|w| w[0] > w[1]) {
        return Err(Error::InvalidIndex {
            column,
            row: i + 1,
            reason: format!("timestamps decrease ({} after {})", ts[i + 1], ts[i]),
        });
    }
    Ok(index)
}

/// Schema of a symbol after appending `new` to data of schema `old`: names and types must match
/// exactly; a column is nullable if either side is. Schema metadata of `old` is kept.
pub(crate) fn merge_schema(symbol: &str, old: &Schema, new: &Schema) -> Result<SchemaRef> {
    let mismatch = |reason: String| Error::SchemaMismatch {
        symbol: symbol.to_string(),
        reason,
    };
    if old.fields().len() != new.fields().len() {
        return Err(mismatch(format!(
            "stored data has {} columns, the new data {}",
            old.fields().len(),
            new.fields().len()
        )));
    }
    let mut fields = Vec::with_capacity(old.fields().len());
    for (a, b) in old.fields().iter().zip(new.fields()) {
        if a.name() != b.name() || a.data_type() != b.data_type() {
            return Err(mismatch(format!(
                "column {:?} {} vs new column {:?} {}",
                a.name(),
                a.data_type(),
                b.name(),
                b.data_type()
            )));
        }
        let field: Field = a
            .as_ref()
            .clone()
            .with_nullable(a.is_nullable() || b.is_nullable());
        fields.push(field);
    }
    Ok(Arc::new(Schema::new_with_metadata(
        fields,
        old.metadata().clone(),
    )))
}

/// Cuts `batch` into zero-copy slices of at most `rows` rows.
pub(crate) fn slices(batch: &RecordBatch, rows: usize) -> Vec<RecordBatch> {
    let rows = rows.max(1);
    (0..batch.num_rows())
        .step_by(rows)
        .map(|start| batch.slice(start, rows.min(batch.num_rows() - start)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Float64Array, Int64Array, TimestampNanosecondArray};

    fn batch(ts: Vec<Option<i64>>) -> RecordBatch {
        let n = ts.len();
        RecordBatch::try_from_iter([
            ("px", Arc::new(Float64Array::from(vec![1.0; n])) as _),
            ("ts", Arc::new(TimestampNanosecondArray::from(ts)) as _),
        ])
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn index_is_first_nanosecond_timestamp() {
        assert_eq!(
            validate(&batch(vec![Some(1), Some(1), Some(2)])).ok(),
            Some(1)
        );
    }

    #[test]
    fn unsorted_and_null_index_are_rejected_with_row() {
        match validate(&batch(vec![Some(1), Some(3), Some(2)])) {
            Err(Error::InvalidIndex { row, .. }) => assert_eq!(row, 2),
            other => panic!("{other:?}"),
        }
        match validate(&batch(vec![Some(1), None])) {
            Err(Error::InvalidIndex { row, .. }) => assert_eq!(row, 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn frame_without_timestamp_is_missing_index() {
        let b = RecordBatch::try_from_iter([("x", Arc::new(Int64Array::from(vec![1])) as _)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(validate(&b), Err(Error::MissingIndex { .. })));
    }

    #[test]
    fn merge_schema_checks_names_and_types() {
        let a = batch(vec![Some(1)]).schema();
        assert!(merge_schema("S", &a, &a).is_ok());
        let b = Schema::new(vec![
            Field::new("px", DataType::Float32, false),
            a.field(1).clone(),
        ]);
        assert!(matches!(
            merge_schema("S", &a, &b),
            Err(Error::SchemaMismatch { .. })
        ));
    }

    #[test]
    fn slices_cover_every_row_once() {
        let b = batch((0..10).map(Some).collect());
        let parts = slices(&b, 4);
        assert_eq!(
            parts.iter().map(|p| p.num_rows()).collect::<Vec<_>>(),
            vec![4, 4, 2]
        );
        assert!(slices(&batch(vec![]), 4).is_empty());
    }
}
