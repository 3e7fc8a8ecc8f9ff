//! The key layout of a library inside its store. Every key floe reads or writes is built here, from
//! escaped symbol names only, so the layout is defined in one place (documented in docs/format.md).
//!
//! ```text
//! _library.json                  library format and defaults, put-if-absent on first open
//! v/{esc(symbol)}/{inv(version)} version manifest; its put-if-absent is the commit
//! v/{esc(symbol)}/{inv(version)}.pruned  prune mark: the version is no longer listed, and gc
//!                                may collect it once the mark is older than the grace period
//! d/{esc(symbol)}/{id}.seg       immutable segments, shared by the versions that list them
//! t/{esc(symbol)}/{inv(version)} deletion marker, put after the tombstone version commits
//! st/{esc(symbol)}/{id}          a staged part (segments written, not yet in any version)
//! snap/{esc(name)}               a snapshot: symbol -> version, put-if-absent
//! ```
//! Manifests live under their own top-level prefix so that one delimited LIST of `v/` names exactly
//! the symbols that have a committed version (segments of a failed first write never show up), and
//! one LIST of `v/{esc}/` returns the versions newest first: `inv(v)` is `u64::MAX - v`, zero-padded.

/// The library's settings object.
pub(crate) const LIBRARY: &str = "_library.json";
/// Prefix of all manifests.
pub(crate) const VERSIONS: &str = "v";
/// Prefix of all segments.
pub(crate) const DATA: &str = "d";

/// Directory of one symbol's manifests.
pub(crate) fn versions_dir(esc: &str) -> String {
    format!("{VERSIONS}/{esc}")
}

/// Key of the manifest of `version`.
pub(crate) fn manifest(esc: &str, version: u64) -> String {
    format!("{VERSIONS}/{esc}/{:020}", u64::MAX - version)
}

/// Version named by a manifest key's last segment; `None` for anything else.
pub(crate) fn parse_manifest_name(name: &str) -> Option<u64> {
    // One pass: a listing of a symbol's versions parses every name.
    if name.len() != 20 {
        return None;
    }
    let mut inv = 0u64;
    for b in name.bytes() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        inv = inv.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    Some(u64::MAX - inv)
}

/// Key of the prune mark of `version`.
pub(crate) fn prune_mark(esc: &str, version: u64) -> String {
    format!("{}.pruned", manifest(esc, version))
}

/// What one entry under `v/{esc}/` is: a manifest (`false`) or a prune mark (`true`) of a version.
pub(crate) fn parse_version_entry(name: &str) -> Option<(u64, bool)> {
    match name.strip_suffix(".pruned") {
        Some(stem) => parse_manifest_name(stem).map(|v| (v, true)),
        None => parse_manifest_name(name).map(|v| (v, false)),
    }
}

/// Prefix of deletion markers.
pub(crate) const DELETED: &str = "t";

/// Key of the deletion marker of a symbol deleted at `version`.
pub(crate) fn deleted_marker(esc: &str, version: u64) -> String {
    format!("{DELETED}/{esc}/{:020}", u64::MAX - version)
}

/// Prefix of staged parts.
pub(crate) const STAGED: &str = "st";

/// Directory of one symbol's staged parts.
pub(crate) fn staged_dir(esc: &str) -> String {
    format!("{STAGED}/{esc}")
}

/// Key of one staged part.
pub(crate) fn staged(esc: &str, id: &str) -> String {
    format!("{STAGED}/{esc}/{id}")
}

/// Prefix of snapshots.
pub(crate) const SNAPSHOTS: &str = "snap";

/// Key of a snapshot (its name escaped like a symbol).
pub(crate) fn snapshot(esc_name: &str) -> String {
    format!("{SNAPSHOTS}/{esc_name}")
}

/// Directory of one symbol's segments.
pub(crate) fn data_dir(esc: &str) -> String {
    format!("{DATA}/{esc}")
}

/// Key of one segment.
pub(crate) fn segment(esc: &str, id: &str) -> String {
    format!("{DATA}/{esc}/{id}.seg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_sort_newest_first() {
        let keys: Vec<String> = [0u64, 1, 9, 10, 123_456, u64::MAX - 1]
            .iter()
            .map(|&v| manifest("S", v))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.reverse();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn prune_marks_parse_apart_from_manifests() {
        let mark = prune_mark("S", 42);
        let name = mark.rsplit('/').next().unwrap_or_default();
        assert_eq!(parse_version_entry(name), Some((42, true)));
        let key = manifest("S", 42);
        let name = key.rsplit('/').next().unwrap_or_default();
        assert_eq!(parse_version_entry(name), Some((42, false)));
        assert_eq!(parse_version_entry("x.pruned"), None);
    }

    #[test]
    fn manifest_names_round_trip() {
        for v in [0u64, 7, u64::MAX - 1, u64::MAX] {
            let key = manifest("S", v);
            let name = key.rsplit('/').next().unwrap_or_default();
            assert_eq!(parse_manifest_name(name), Some(v));
        }
        assert_eq!(parse_manifest_name("123"), None);
        assert_eq!(parse_manifest_name("1844674407370955161x"), None);
        assert_eq!(
            parse_manifest_name("99999999999999999999"),
            None,
            "over u64::MAX"
        );
    }
}
