//! Snapshots: a named, immutable record of which version each symbol had, readable later through
//! [`crate::ReadOptions::snapshot`] and protected from prune and gc. This file owns the snapshot
//! object (`snap/{esc(name)}`, JSON, put-if-absent so a name is taken once).

use crate::library::Library;
use crate::{Error, Result, keys, symbol};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// A snapshot as stored and as returned to callers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    /// Its name.
    pub name: String,
    /// Creation time (the creator's clock), ns since the epoch.
    pub created_ns: i64,
    /// Version of each symbol it records.
    pub versions: BTreeMap<String, u64>,
}

impl Library {
    /// Records the latest version of `symbols` (or of every symbol with `None`) under `name`.
    /// Fails with [`Error::SnapshotExists`] if the name is taken.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> floe::Result<()> {
    /// use floe::{Library, ReadOptions};
    /// let lib = Library::open("memory://").await?;
    /// let q = floe_datasets::quotes(&floe_datasets::Spec::new(1_000));
    /// lib.write("AAPL", &q).await?;
    /// lib.create_snapshot("eod", None).await?;
    /// lib.delete("AAPL").await?;
    /// let frame = lib.read("AAPL", &ReadOptions::new().snapshot("eod")).await?;
    /// assert_eq!(frame.num_rows(), 1_000);
    /// # Ok(()) }
    /// ```
    pub async fn create_snapshot(
        &self,
        name: &str,
        symbols: Option<&[&str]>,
    ) -> Result<SnapshotInfo> {
        let key = keys::snapshot(&symbol::escape(name)?);
        let symbols: Vec<String> = match symbols {
            Some(list) => list.iter().map(|s| s.to_string()).collect(),
            None => self.list_symbols().await?,
        };
        let mut versions = BTreeMap::new();
        for s in symbols {
            let esc = symbol::escape(&s)?;
            let head = self.latest_live(&s, &esc).await?;
            versions.insert(s, head.version);
        }
        let info = SnapshotInfo {
            name: name.to_string(),
            created_ns: (self.clock)(),
            versions,
        };
        let json = serde_json::to_vec(&info).map_err(|e| Error::Task(e.to_string()))?;
        match self.store.put_if_absent(&key, Bytes::from(json)).await {
            Ok(_) => Ok(info),
            Err(floe_io::Error::AlreadyExists { .. }) => Err(Error::SnapshotExists {
                name: name.to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Every snapshot, by name.
    pub async fn list_snapshots(&self) -> Result<Vec<SnapshotInfo>> {
        let mut out = Vec::new();
        for object in self.store.list(keys::SNAPSHOTS).await? {
            let Some(name) = object.key.rsplit('/').next().and_then(symbol::unescape) else {
                continue;
            };
            match self.snapshot(&name).await {
                Ok(info) => out.push(info),
                // Deleted between the LIST and the GET.
                Err(Error::SnapshotNotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// One snapshot.
    pub async fn snapshot(&self, name: &str) -> Result<SnapshotInfo> {
        let key = keys::snapshot(&symbol::escape(name)?);
        let bytes = match self.store.get(&key).await {
            Ok(bytes) => bytes,
            Err(floe_io::Error::NotFound { .. }) => {
                return Err(Error::SnapshotNotFound {
                    name: name.to_string(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
            key,
            reason: e.to_string(),
        })
    }

    /// Deletes a snapshot; the versions it recorded become prunable.
    pub async fn delete_snapshot(&self, name: &str) -> Result<()> {
        let key = keys::snapshot(&symbol::escape(name)?);
        // Object stores delete missing keys silently; a missing name is still the caller's error.
        self.snapshot(name).await?;
        match self.store.delete(&key).await {
            Ok(()) => Ok(()),
            Err(floe_io::Error::NotFound { .. }) => Err(Error::SnapshotNotFound {
                name: name.to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// The version snapshot `name` recorded for `symbol`.
    pub(crate) async fn snapshot_version(&self, name: &str, symbol: &str) -> Result<u64> {
        let info = self.snapshot(name).await?;
        info.versions
            .get(symbol)
            .copied()
            .ok_or_else(|| Error::NotInSnapshot {
                name: name.to_string(),
                symbol: symbol.to_string(),
            })
    }

    /// Every `(symbol, version)` any snapshot records.
    pub(crate) async fn snapshot_versions(&self) -> Result<HashSet<(String, u64)>> {
        Ok(self
            .list_snapshots()
            .await?
            .into_iter()
            .flat_map(|s| s.versions.into_iter())
            .collect())
    }
}
