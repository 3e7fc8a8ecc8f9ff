//! Reading and writing whole Parquet and CSV files as one Arrow batch, and choosing the index
//! column of an imported frame. It must not talk to a library.

use anyhow::{Context, bail};
use arrow_array::{ArrayRef, RecordBatch, RecordBatchReader};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// File formats the CLI reads and writes, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Csv,
}

impl Format {
    pub fn of(path: &Path) -> anyhow::Result<Format> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("parquet" | "pq") => Ok(Format::Parquet),
            Some("csv") => Ok(Format::Csv),
            _ => bail!(
                "{}: unknown file type; use .parquet or .csv",
                path.display()
            ),
        }
    }
}

/// Reads a whole Parquet or CSV file into one batch.
pub fn read(path: &Path) -> anyhow::Result<RecordBatch> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let (schema, batches) = match Format::of(path)? {
        Format::Parquet => {
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                .with_context(|| format!("{}: not a Parquet file", path.display()))?
                .with_batch_size(1 << 16)
                .build()?;
            let schema = reader.schema();
            (
                schema,
                reader
                    .collect::<Result<Vec<_>, _>>()
                    .with_context(|| format!("reading {}", path.display()))?,
            )
        }
        Format::Csv => {
            let mut probe = File::open(path)?;
            let (schema, _) = arrow_csv::reader::Format::default()
                .with_header(true)
                .infer_schema(&mut probe, Some(10_000))
                .with_context(|| format!("{}: cannot infer the CSV schema", path.display()))?;
            let schema = Arc::new(nanosecond_utc_times(&schema));
            let reader = arrow_csv::ReaderBuilder::new(schema.clone())
                .with_header(true)
                .with_batch_size(1 << 16)
                .build(file)?;
            (
                schema,
                reader
                    .collect::<Result<Vec<_>, _>>()
                    .with_context(|| format!("reading {}", path.display()))?,
            )
        }
    };
    Ok(arrow_select::concat::concat_batches(&schema, &batches)?)
}

/// Inferred CSV timestamps get nanosecond precision (inference looks at a sample only, and a
/// coarser unit would truncate later rows) and UTC, which is how Arrow reads zone-less times.
fn nanosecond_utc_times(schema: &Schema) -> Schema {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Timestamp(_, tz) => {
                let tz = tz.clone().unwrap_or_else(|| "UTC".into());
                f.as_ref()
                    .clone()
                    .with_data_type(DataType::Timestamp(TimeUnit::Nanosecond, Some(tz)))
            }
            _ => f.as_ref().clone(),
        })
        .collect();
    Schema::new_with_metadata(fields, schema.metadata().clone())
}

/// Writes one batch to a Parquet (zstd) or CSV file.
pub fn write(path: &Path, batch: &RecordBatch) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    match Format::of(path)? {
        Format::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(1)?))
                .build();
            let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(props))?;
            writer.write(batch)?;
            writer.close()?;
        }
        Format::Csv => {
            let mut writer = arrow_csv::WriterBuilder::new()
                .with_header(true)
                .build(file);
            writer.write(batch)?;
        }
    }
    Ok(())
}

/// Makes `index` (or the first timestamp column) a `Timestamp(Nanosecond)` column, which floe
/// uses as the index. Integer columns named by `index` are taken as ns since the epoch.
pub fn with_ns_index(batch: &RecordBatch, index: Option<&str>) -> anyhow::Result<RecordBatch> {
    let schema = batch.schema();
    let position = match index {
        Some(name) => schema
            .index_of(name)
            .with_context(|| format!("no column {name:?} for the index"))?,
        None => schema
            .fields()
            .iter()
            .position(|f| matches!(f.data_type(), DataType::Timestamp(..)))
            .context("no timestamp column; name the index with --index")?,
    };
    let field = schema.field(position);
    let tz = match field.data_type() {
        DataType::Timestamp(_, tz) => tz.clone(),
        DataType::Int64 => None,
        other => bail!(
            "index column {:?} is {other}, not a timestamp or integer ns",
            field.name()
        ),
    };
    let target = DataType::Timestamp(TimeUnit::Nanosecond, tz);
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    columns[position] = arrow_cast::cast(&columns[position], &target)?;
    fields[position] = Field::new(field.name(), target, field.is_nullable());
    // Any earlier timestamp column would otherwise be taken as the index: move the index first.
    first_then_rest(&schema, fields, columns, position)
}

/// A batch of `fields` and `columns` (with `schema`'s metadata) whose column `position` is moved
/// to the front.
pub fn first_then_rest(
    schema: &Schema,
    mut fields: Vec<Field>,
    mut columns: Vec<ArrayRef>,
    position: usize,
) -> anyhow::Result<RecordBatch> {
    if position != 0 {
        let f = fields.remove(position);
        let c = columns.remove(position);
        fields.insert(0, f);
        columns.insert(0, c);
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())),
        columns,
    )?)
}

/// Casts columns of Arrow types floe does not store to the nearest type it does: dictionaries
/// to their values, large and view strings/binaries to plain ones, half floats to f32 and
/// decimals to f64. Other columns are left as they are.
pub fn storable(batch: &RecordBatch) -> anyhow::Result<RecordBatch> {
    fn target(t: &DataType) -> Option<DataType> {
        match t {
            DataType::Dictionary(_, values) => Some(target(values).unwrap_or((**values).clone())),
            DataType::LargeUtf8 | DataType::Utf8View => Some(DataType::Utf8),
            DataType::LargeBinary | DataType::BinaryView => Some(DataType::Binary),
            DataType::Float16 => Some(DataType::Float32),
            DataType::Decimal128(..) | DataType::Decimal256(..) => Some(DataType::Float64),
            _ => None,
        }
    }
    let schema = batch.schema();
    if schema
        .fields()
        .iter()
        .all(|f| target(f.data_type()).is_none())
    {
        return Ok(batch.clone());
    }
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        match target(field.data_type()) {
            Some(t) => {
                columns.push(arrow_cast::cast(column, &t)?);
                fields.push(field.as_ref().clone().with_data_type(t));
            }
            None => {
                columns.push(column.clone());
                fields.push(field.as_ref().clone());
            }
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())),
        columns,
    )?)
}
