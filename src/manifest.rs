//! Version manifests: the object whose put-if-absent commits a version. A manifest lists every
//! segment of the version with its chunk directory, so a read is one manifest GET followed by
//! exactly the byte ranges it needs. This file owns the manifest's bytes (docs/format.md); it must
//! not decide which version to write (see `library.rs`).
//!
//! Bytes: `b"FLMF"`, `u32` format (little-endian), `u32` crc32c of the payload, then the payload
//! serialised with postcard. Format 2 added `deleted` (tombstones); format 1 manifests still read.
//!
//! Byte fields (the schema, the metadata, each segment's directory) go through `serde_bytes`, so
//! postcard copies them as one block instead of visiting each byte. The bytes are the same either
//! way: postcard writes a byte array and a sequence of `u8` alike, as a varint length followed by
//! the raw bytes, so manifests written before still parse.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

const MAGIC: &[u8; 4] = b"FLMF";
/// Manifest format written by this build.
pub(crate) const FORMAT: u32 = 2;
const HEADER: usize = 12;

/// One committed version of a symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    /// The symbol, unescaped (a check that the manifest sits under the right key).
    pub symbol: String,
    pub version: u64,
    /// Version this one was built on; `None` for the first.
    pub parent: Option<u64>,
    /// Random id of the commit attempt, to recognise our own manifest after a lost answer.
    pub commit_id: [u8; 16],
    /// Hybrid-logical-clock time of the commit, ns since the epoch: max(wall, parent + 1).
    pub timestamp_ns: i64,
    /// Name of the index column.
    pub index: String,
    /// Schema of the version, in floe-segment's schema encoding.
    #[serde(with = "serde_bytes")]
    pub schema: Vec<u8>,
    pub rows: u64,
    pub segments: Vec<SegmentRef>,
    /// Caller's metadata for this version.
    #[serde(with = "serde_bytes")]
    pub metadata: Option<Vec<u8>>,
    /// A tombstone: the symbol was deleted by this version (no segments).
    pub deleted: bool,
}

/// Format 1 payload: a manifest before tombstones existed.
#[derive(Deserialize)]
struct ManifestV1 {
    symbol: String,
    version: u64,
    parent: Option<u64>,
    commit_id: [u8; 16],
    timestamp_ns: i64,
    index: String,
    #[serde(with = "serde_bytes")]
    schema: Vec<u8>,
    rows: u64,
    segments: Vec<SegmentRef>,
    #[serde(with = "serde_bytes")]
    metadata: Option<Vec<u8>>,
}

impl From<ManifestV1> for Manifest {
    fn from(m: ManifestV1) -> Manifest {
        Manifest {
            symbol: m.symbol,
            version: m.version,
            parent: m.parent,
            commit_id: m.commit_id,
            timestamp_ns: m.timestamp_ns,
            index: m.index,
            schema: m.schema,
            rows: m.rows,
            segments: m.segments,
            metadata: m.metadata,
            deleted: false,
        }
    }
}

/// A segment as listed by a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SegmentRef {
    /// Object id; the key is `d/{esc(symbol)}/{id}.seg`.
    pub id: String,
    pub rows: u64,
    pub first_ts: i64,
    pub last_ts: i64,
    /// Size of the segment object.
    pub bytes: u64,
    /// The segment's chunk directory (floe-segment's binary form).
    #[serde(with = "serde_bytes")]
    pub directory: Vec<u8>,
}

impl Manifest {
    /// Serialises with header and checksum.
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        let failed = |e: postcard::Error| Error::Task(format!("manifest encoding: {e}"));
        // Sized first, then written in place: a manifest grows with the symbol, and growing a
        // buffer and copying it behind a header would touch several times its size.
        let size = postcard::experimental::serialized_size(self).map_err(failed)?;
        let mut out = vec![0; HEADER + size];
        let written = postcard::to_slice(self, &mut out[HEADER..])
            .map_err(failed)?
            .len();
        if written != size {
            return Err(Error::Task(format!(
                "manifest encoding: {written} bytes written, {size} sized"
            )));
        }
        let crc = crc32c::crc32c(&out[HEADER..]);
        out[..4].copy_from_slice(MAGIC);
        out[4..8].copy_from_slice(&FORMAT.to_le_bytes());
        out[8..HEADER].copy_from_slice(&crc.to_le_bytes());
        Ok(out)
    }

    /// Parses and verifies a manifest read from `key`.
    pub(crate) fn from_bytes(bytes: &[u8], key: &str) -> Result<Manifest> {
        let corrupt = |reason: String| Error::Corrupt {
            key: key.to_string(),
            reason,
        };
        if bytes.len() < HEADER || &bytes[..4] != MAGIC {
            return Err(corrupt(
                "not a floe manifest (bad magic or too short)".into(),
            ));
        }
        let word = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let format = word(4);
        if format == 0 {
            return Err(corrupt("manifest format 0 does not exist".into()));
        }
        if format > FORMAT {
            return Err(Error::UnsupportedFormat {
                found: format,
                supported: FORMAT,
            });
        }
        let payload = &bytes[HEADER..];
        if crc32c::crc32c(payload) != word(8) {
            return Err(corrupt("manifest checksum mismatch".into()));
        }
        let parsed = if format == 1 {
            postcard::take_from_bytes::<ManifestV1>(payload).map(|(m, rest)| (m.into(), rest))
        } else {
            postcard::take_from_bytes::<Manifest>(payload)
        };
        let (manifest, rest): (Manifest, _) =
            parsed.map_err(|e| corrupt(format!("manifest payload: {e}")))?;
        if !rest.is_empty() {
            return Err(corrupt(format!(
                "{} trailing bytes after the manifest",
                rest.len()
            )));
        }
        Ok(manifest)
    }

    /// Last timestamp of the version, if it has rows.
    pub(crate) fn last_ts(&self) -> Option<i64> {
        self.segments
            .iter()
            .rev()
            .find(|s| s.rows > 0)
            .map(|s| s.last_ts)
    }

    /// Total bytes of the segments this version lists.
    pub(crate) fn stored_bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            symbol: "AAPL".into(),
            version: 3,
            parent: Some(2),
            commit_id: [7; 16],
            timestamp_ns: 1_700_000_000_000_000_000,
            index: "ts".into(),
            schema: vec![1, 2, 3],
            rows: 10,
            segments: vec![SegmentRef {
                id: "abc".into(),
                rows: 10,
                first_ts: 1,
                last_ts: 9,
                bytes: 100,
                directory: vec![4, 5],
            }],
            metadata: Some(b"{}".to_vec()),
            deleted: false,
        }
    }

    #[test]
    fn round_trip() {
        let m = sample();
        let bytes = m.to_bytes().unwrap_or_default();
        assert_eq!(Manifest::from_bytes(&bytes, "k").ok(), Some(m));
    }

    #[test]
    fn every_flipped_byte_is_caught() {
        let bytes = sample().to_bytes().unwrap_or_default();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            assert!(
                Manifest::from_bytes(&bad, "k").is_err(),
                "flip at {i} went unnoticed"
            );
        }
        for n in 0..bytes.len() {
            assert!(
                Manifest::from_bytes(&bytes[..n], "k").is_err(),
                "truncation to {n} went unnoticed"
            );
        }
    }

    #[test]
    fn format_1_manifests_still_read() {
        let m = sample();
        let v1 = postcard::to_stdvec(&plain(&m, ())).unwrap_or_default();
        assert_eq!(Manifest::from_bytes(&framed(1, &v1), "k").ok(), Some(m));
    }

    /// A segment as the plain derive writes it, each byte of `directory` as a `u8` element.
    #[derive(Serialize)]
    struct PlainSegmentRef {
        id: String,
        rows: u64,
        first_ts: i64,
        last_ts: i64,
        bytes: u64,
        directory: Vec<u8>,
    }

    /// A manifest as the plain derive writes it; `deleted` is `()` (no bytes) for format 1.
    #[derive(Serialize)]
    struct PlainManifest<D> {
        symbol: String,
        version: u64,
        parent: Option<u64>,
        commit_id: [u8; 16],
        timestamp_ns: i64,
        index: String,
        schema: Vec<u8>,
        rows: u64,
        segments: Vec<PlainSegmentRef>,
        metadata: Option<Vec<u8>>,
        deleted: D,
    }

    fn plain<D>(m: &Manifest, deleted: D) -> PlainManifest<D> {
        PlainManifest {
            symbol: m.symbol.clone(),
            version: m.version,
            parent: m.parent,
            commit_id: m.commit_id,
            timestamp_ns: m.timestamp_ns,
            index: m.index.clone(),
            schema: m.schema.clone(),
            rows: m.rows,
            segments: m
                .segments
                .iter()
                .map(|s| PlainSegmentRef {
                    id: s.id.clone(),
                    rows: s.rows,
                    first_ts: s.first_ts,
                    last_ts: s.last_ts,
                    bytes: s.bytes,
                    directory: s.directory.clone(),
                })
                .collect(),
            metadata: m.metadata.clone(),
            deleted,
        }
    }

    fn framed(format: u32, payload: &[u8]) -> Vec<u8> {
        let mut bytes = b"FLMF".to_vec();
        bytes.extend_from_slice(&format.to_le_bytes());
        bytes.extend_from_slice(&crc32c::crc32c(payload).to_le_bytes());
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn byte_fields_are_written_as_the_plain_derive_wrote_them() {
        let mut m = sample();
        // Lengths past 127 take a two-byte varint; every byte value appears.
        m.schema = (0..=255).collect();
        m.segments[0].directory = (0..300u32).map(|i| (i * 7 % 256) as u8).collect();
        m.segments.push(SegmentRef {
            directory: Vec::new(),
            ..m.segments[0].clone()
        });
        for metadata in [None, Some(Vec::new()), Some(vec![0xff; 200])] {
            m.metadata = metadata;
            let old = postcard::to_stdvec(&plain(&m, m.deleted)).unwrap_or_default();
            assert_eq!(postcard::to_stdvec(&m).ok(), Some(old.clone()));
            assert_eq!(
                Manifest::from_bytes(&framed(2, &old), "k").ok(),
                Some(m.clone())
            );
            let v1 = postcard::to_stdvec(&plain(&m, ())).unwrap_or_default();
            assert_eq!(
                Manifest::from_bytes(&framed(1, &v1), "k").ok(),
                Some(m.clone())
            );
        }
    }

    #[test]
    fn newer_format_is_a_typed_error() {
        let mut bytes = sample().to_bytes().unwrap_or_default();
        bytes[4] = 9;
        assert!(matches!(
            Manifest::from_bytes(&bytes, "k"),
            Err(Error::UnsupportedFormat { found: 9, .. })
        ));
    }
}
