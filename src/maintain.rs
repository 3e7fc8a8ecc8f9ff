//! Deleting symbols, pruning old versions and collecting garbage, and the symbol list that
//! deletions make necessary. Readers are never broken: prune only marks versions, and gc removes a
//! marked version's manifest, and then any segment no manifest lists, only once the mark (or the
//! segment) is older than the grace period (docs/protocol.md, "Prune safety").

use crate::commit::{Commit, Op};
use crate::library::{Library, VersionInfo};
use crate::manifest::Manifest;
use crate::{Error, Result, keys, symbol};
use bytes::Bytes;
use std::collections::{BTreeMap, HashSet};

/// Default grace period of [`Library::gc`]: ten minutes.
pub const DEFAULT_GRACE_NS: i64 = 600_000_000_000;

/// What [`Library::prune`] marked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// Versions marked as pruned, newest first.
    pub pruned: Vec<u64>,
    /// Versions kept because a snapshot records them.
    pub kept_for_snapshots: Vec<u64>,
}

/// What [`Library::gc`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Manifests of pruned versions deleted.
    pub manifests: usize,
    /// Segments deleted (listed by no manifest and no staged part).
    pub segments: usize,
    /// Bytes of the segments deleted.
    pub bytes: u64,
    /// Symbols whose every object was deleted (deleted symbols).
    pub symbols: usize,
}

impl Library {
    /// Deletes `symbol`: commits a tombstone version, after which reads, `has_symbol` and
    /// `list_symbols` no longer see it, and prunes every earlier version no snapshot records (their
    /// data is reclaimed by [`Library::gc`] after the grace period). Writing the symbol again starts
    /// a new history after the tombstone. Deleting a deleted symbol only finishes the marks.
    pub async fn delete(&self, symbol: &str) -> Result<VersionInfo> {
        let esc = symbol::escape(symbol)?;
        let tombstone = match self.latest_manifest(symbol, &esc).await? {
            Some(m) if m.deleted => m,
            _ => {
                self.commit(&Commit::new(symbol, &esc, Op::Delete, None))
                    .await?
            }
        };
        let v = tombstone.version;
        self.store
            .put(&keys::deleted_marker(&esc, v), Bytes::new())
            .await?;
        self.prune_before(symbol, &esc, v).await?;
        self.store
            .put(&keys::prune_mark(&esc, v), Bytes::new())
            .await?;
        Ok(VersionInfo::of(&tombstone))
    }

    /// Prunes every version of `symbol` but the newest `keep` (at least one is always kept) and
    /// those a snapshot records. Pruned versions disappear from `list_versions` at once; their
    /// manifests and data stay readable by `as_of` until [`Library::gc`] collects them.
    pub async fn prune(&self, symbol: &str, keep: usize) -> Result<PruneReport> {
        let esc = symbol::escape(symbol)?;
        let chain = self.chain(&esc).await?;
        let listed = chain.listed();
        match listed.get(keep.max(1) - 1) {
            Some(&oldest_kept) => self.prune_before(symbol, &esc, oldest_kept).await,
            None => Ok(PruneReport::default()),
        }
    }

    /// Marks every listed version older than `version` not recorded by a snapshot.
    async fn prune_before(&self, symbol: &str, esc: &str, version: u64) -> Result<PruneReport> {
        let chain = self.chain(esc).await?;
        let recorded = self.snapshot_versions().await?;
        let mut report = PruneReport::default();
        for v in chain.listed().into_iter().filter(|&v| v < version) {
            if recorded.contains(&(symbol.to_string(), v)) {
                report.kept_for_snapshots.push(v);
                continue;
            }
            self.store
                .put(&keys::prune_mark(esc, v), Bytes::new())
                .await?;
            report.pruned.push(v);
        }
        Ok(report)
    }

    /// Collects garbage with the default grace period ([`DEFAULT_GRACE_NS`]).
    pub async fn gc(&self) -> Result<GcReport> {
        self.gc_with_grace(DEFAULT_GRACE_NS).await
    }

    /// Deletes the manifests of versions pruned more than `grace_ns` ago (unless a snapshot
    /// records them), then every segment older than `grace_ns` that no remaining manifest or staged
    /// part lists: segments of failed writes, rewritten boundaries, pruned and deleted versions.
    /// A read that started before a prune keeps working for the grace period; a writer's segments
    /// are safe for the grace period before its commit. Also repairs the marks of a deletion that
    /// stopped half-way.
    pub async fn gc_with_grace(&self, grace_ns: i64) -> Result<GcReport> {
        let now = (self.clock)();
        let cutoff = now.saturating_sub(grace_ns.max(0));
        let recorded = self.snapshot_versions().await?;
        let mut symbols: HashSet<String> = HashSet::new();
        for prefix in [keys::VERSIONS, keys::DATA, keys::STAGED, keys::DELETED] {
            symbols.extend(self.store.list_dirs(prefix).await?);
        }
        let mut symbols: Vec<String> = symbols.into_iter().collect();
        symbols.sort();
        let mut report = GcReport::default();
        for esc in symbols {
            let Some(symbol) = symbol::unescape(&esc) else {
                continue;
            };
            self.gc_symbol(&symbol, &esc, cutoff, &recorded, &mut report)
                .await?;
        }
        Ok(report)
    }

    async fn gc_symbol(
        &self,
        symbol: &str,
        esc: &str,
        cutoff: i64,
        recorded: &HashSet<(String, u64)>,
        report: &mut GcReport,
    ) -> Result<()> {
        let chain = self.chain(esc).await?;
        let newest = chain.newest();
        // Behind a tombstone, versions only a (since deleted) snapshot kept are pruned too, as of
        // the tombstone's own mark.
        let tombstone_mark = match newest {
            Some(v) if self.manifest_at(symbol, esc, v).await?.deleted => chain.pruned.get(&v),
            _ => None,
        };
        let mut remaining: Vec<u64> = Vec::new();
        // Oldest first, so that a crash leaves a chain whose newest manifest is unchanged.
        for &v in chain.versions.iter().rev() {
            let expired = chain
                .pruned
                .get(&v)
                .or(tombstone_mark)
                .is_some_and(|&at| at <= cutoff);
            let kept = recorded.contains(&(symbol.to_string(), v));
            // The newest manifest goes only when it is an expired tombstone left alone.
            let last_tombstone = Some(v) == newest && remaining.is_empty();
            let is_tombstone = Some(v) == newest && tombstone_mark.is_some();
            if expired && !kept && (Some(v) != newest || (last_tombstone && is_tombstone)) {
                self.delete_quietly(&keys::manifest(esc, v)).await?;
                self.delete_quietly(&keys::prune_mark(esc, v)).await?;
                report.manifests += 1;
            } else {
                remaining.push(v);
            }
        }
        // Marks whose manifest is gone (a crash between the two deletes).
        for &v in chain.pruned.keys() {
            if !chain.versions.contains(&v) {
                self.delete_quietly(&keys::prune_mark(esc, v)).await?;
            }
        }
        // Every segment a remaining manifest or a staged part lists is live.
        let mut live: HashSet<String> = HashSet::new();
        let mut newest_manifest: Option<Manifest> = None;
        for &v in &remaining {
            match self.manifest_at(symbol, esc, v).await {
                Ok(m) => {
                    live.extend(m.segments.iter().map(|s| s.id.clone()));
                    if Some(v) == newest {
                        newest_manifest = Some(m);
                    }
                }
                // Collected by a concurrent gc: its segments are that gc's business.
                Err(Error::VersionNotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        for part in self.staged_parts(symbol, esc).await? {
            live.extend(part.segments.iter().map(|s| s.id.clone()));
        }
        for object in self.store.list(&keys::data_dir(esc)).await? {
            let id = object
                .key
                .rsplit('/')
                .next()
                .and_then(|n| n.strip_suffix(".seg"))
                .unwrap_or_default();
            if !live.contains(id) && object.last_modified_ns <= cutoff {
                self.delete_quietly(&object.key).await?;
                report.segments += 1;
                report.bytes += object.size;
            }
        }
        // Deletion markers: finish a deletion that stopped before its marks, and drop markers
        // the chain no longer needs.
        let markers = self.store.list(&format!("{}/{esc}", keys::DELETED)).await?;
        match &newest_manifest {
            Some(m) if m.deleted => {
                self.store
                    .put(&keys::deleted_marker(esc, m.version), Bytes::new())
                    .await?;
                if !chain.pruned.contains_key(&m.version) {
                    self.store
                        .put(&keys::prune_mark(esc, m.version), Bytes::new())
                        .await?;
                }
            }
            _ => {
                for marker in &markers {
                    self.delete_quietly(&marker.key).await?;
                }
                if remaining.is_empty() && !markers.is_empty() {
                    report.symbols += 1;
                }
            }
        }
        Ok(())
    }

    async fn delete_quietly(&self, key: &str) -> Result<()> {
        match self.store.delete(key).await {
            Ok(()) | Err(floe_io::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Symbols that exist, sorted: a LIST of the deletion markers, then a delimited LIST of `v/`,
    /// plus one LIST per symbol that has a marker, to see whether it was written again after
    /// its deletion.
    ///
    /// The two LISTs run one after the other, markers first. gc deletes a deleted symbol's
    /// manifests before its marker, so a marker this read missed had its manifests gone before
    /// `v/` was listed. Run concurrently, the `v/` LIST could see the manifests and the marker
    /// LIST miss the marker, and a deleted symbol would reappear.
    pub async fn list_symbols(&self) -> Result<Vec<String>> {
        let markers = self.store.list(keys::DELETED).await?;
        let dirs = self.store.list_dirs(keys::VERSIONS).await?;
        let mut deleted_at: BTreeMap<String, u64> = BTreeMap::new();
        for m in &markers {
            let mut parts = m.key.rsplit('/');
            let (Some(name), Some(esc)) = (parts.next(), parts.next()) else {
                continue;
            };
            if let Some(v) = keys::parse_manifest_name(name) {
                let at = deleted_at.entry(esc.to_string()).or_insert(v);
                *at = (*at).max(v);
            }
        }
        let mut out = Vec::with_capacity(dirs.len());
        for esc in &dirs {
            if let Some(&at) = deleted_at.get(esc)
                && self.chain(esc).await?.newest().is_none_or(|v| v <= at)
            {
                continue;
            }
            out.extend(symbol::unescape(esc));
        }
        Ok(out)
    }
}
