//! [`Library::inspect`]: how a version is laid out in storage (segments, bytes and encodings per
//! column, compression ratios), from its manifest and the first segment's chunks. This file only
//! reports; it must not change anything.

use crate::library::{Library, VersionInfo};
use crate::{Result, keys, symbol};
use arrow_schema::DataType;
use floe_codec::PhysicalType;
use std::sync::Arc;

/// The storage layout of one version: what `floe inspect` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The version inspected.
    pub version: VersionInfo,
    /// Name of the index column.
    pub index: String,
    /// Per column, in stored order.
    pub columns: Vec<ColumnLayout>,
    /// Per segment, in index order.
    pub segments: Vec<SegmentLayout>,
}

/// One column across all segments of a version.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnLayout {
    /// Column name.
    pub name: String,
    /// Arrow type.
    pub data_type: DataType,
    /// Encoded bytes (values and validity) across all segments.
    pub stored_bytes: u64,
    /// Bytes of the values in memory (rows x width) for fixed-width types.
    pub raw_bytes: Option<u64>,
    /// Nulls across all segments.
    pub null_count: u64,
    /// The encoding tree the codec chose for the column in the first segment.
    pub encoding: Option<String>,
}

impl ColumnLayout {
    /// `raw_bytes / stored_bytes`, when both are known and non-zero.
    pub fn ratio(&self) -> Option<f64> {
        match (self.raw_bytes, self.stored_bytes) {
            (Some(raw), stored) if stored > 0 => Some(raw as f64 / stored as f64),
            _ => None,
        }
    }
}

/// One segment of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentLayout {
    /// Object id (`d/{symbol}/{id}.seg`).
    pub id: String,
    /// Rows.
    pub rows: u64,
    /// Object size.
    pub bytes: u64,
    /// First index value.
    pub first_ts: i64,
    /// Last index value.
    pub last_ts: i64,
}

impl Library {
    /// The layout of `version` of `symbol` (the latest with `None`): one manifest read, plus the
    /// chunks of the first segment to name the encodings chosen.
    pub async fn inspect(&self, symbol: &str, version: Option<u64>) -> Result<Layout> {
        let esc = symbol::escape(symbol)?;
        let manifest = match version {
            Some(v) => Arc::new(self.manifest_at(symbol, &esc, v).await?),
            None => self.latest_live(symbol, &esc).await?,
        };
        let key = keys::manifest(&esc, manifest.version);
        let schema = floe_segment::decode_schema(&manifest.schema, &key)?;
        let mut columns: Vec<ColumnLayout> = schema
            .fields()
            .iter()
            .map(|f| ColumnLayout {
                name: f.name().clone(),
                data_type: f.data_type().clone(),
                stored_bytes: 0,
                raw_bytes: f
                    .data_type()
                    .primitive_width()
                    .map(|w| w as u64 * manifest.rows),
                null_count: 0,
                encoding: None,
            })
            .collect();
        for (i, s) in manifest.segments.iter().enumerate() {
            let seg_key = keys::segment(&esc, &s.id);
            let directory = floe_segment::Directory::from_bytes(&s.directory, &seg_key)?;
            for (column, chunk) in columns.iter_mut().zip(&directory.columns) {
                column.stored_bytes +=
                    chunk.values.len + chunk.validity.as_ref().map_or(0, |v| v.len);
                column.null_count += chunk.null_count;
            }
            if i == 0 {
                let ranges: Vec<_> = directory.columns.iter().map(|c| c.values.range()).collect();
                let chunks = self.store.get_ranges(&seg_key, &ranges).await?;
                let rows = usize::try_from(directory.rows).unwrap_or(usize::MAX);
                for (column, bytes) in columns.iter_mut().zip(&chunks) {
                    column.encoding = describe(bytes, &column.data_type, rows);
                }
            }
        }
        Ok(Layout {
            version: VersionInfo::of(&manifest),
            index: manifest.index.clone(),
            columns,
            segments: manifest
                .segments
                .iter()
                .map(|s| SegmentLayout {
                    id: s.id.clone(),
                    rows: s.rows,
                    bytes: s.bytes,
                    first_ts: s.first_ts,
                    last_ts: s.last_ts,
                })
                .collect(),
        })
    }
}

/// The encoding tree of a chunk; for types without a fixed width only the outer encoding.
fn describe(chunk: &[u8], data_type: &DataType, rows: usize) -> Option<String> {
    let physical = match data_type.primitive_width() {
        Some(1) => Some(PhysicalType::U8),
        Some(2) => Some(PhysicalType::U16),
        Some(4) => Some(PhysicalType::U32),
        Some(8) => Some(PhysicalType::U64),
        _ => None,
    };
    match physical {
        Some(ty) => floe_codec::describe_tree(chunk, ty, rows)
            .ok()
            .map(|t| t.trim_end().to_string()),
        None => floe_codec::describe(chunk).ok().map(str::to_string),
    }
}
