//! Locating the real market-data samples in `../shared/datasets` ([`shared_dataset`]).
//!
//! Only finds files; it never reads, copies or downloads them, and absence is a normal outcome
//! (a user's clone has no `../shared`), so callers skip rather than fail.

use std::path::{Component, Path, PathBuf};

/// Environment variable naming the shared datasets directory, checked first.
pub const SHARED_DATASETS_ENV: &str = "FLOE_SHARED_DATASETS";

/// Path of file `name` in the shared datasets directory, if present.
///
/// Looks in `$FLOE_SHARED_DATASETS`, then `<workspace root>/../shared/datasets` (the workspace
/// root being the parent of this crate's directory at build time), then `../shared/datasets`
/// relative to the current directory; the first directory holding a regular file `name` wins.
/// `None` if no directory has it, or if `name` is not a plain file name (empty, absolute, or
/// containing `..` or a separator).
///
/// ```
/// if let Some(path) = floe_datasets::shared_dataset("SOURCES.md") {
///     assert!(path.is_file());
/// }
/// assert_eq!(floe_datasets::shared_dataset("no-such-file.csv"), None);
/// ```
pub fn shared_dataset(name: &str) -> Option<PathBuf> {
    find(&candidate_dirs(), name)
}

/// The directories [`shared_dataset`] searches, in order.
fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os(SHARED_DATASETS_ENV).filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(root) = Path::new(env!("CARGO_MANIFEST_DIR")).parent() {
        dirs.push(root.join("..").join("shared").join("datasets"));
    }
    dirs.push(Path::new("..").join("shared").join("datasets"));
    dirs
}

/// The first `dir/name` that is a regular file.
fn find(dirs: &[PathBuf], name: &str) -> Option<PathBuf> {
    let mut components = Path::new(name).components();
    let is_file_name = matches!(
        (components.next(), components.next()),
        (Some(Component::Normal(_)), None)
    );
    if !is_file_name {
        return None;
    }
    dirs.iter().map(|d| d.join(name)).find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_takes_the_first_directory_with_the_file() {
        let Ok(tmp) = tempfile::tempdir() else {
            panic!("cannot create a temporary directory");
        };
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        for dir in [&a, &b] {
            assert!(std::fs::create_dir(dir).is_ok());
        }
        assert!(std::fs::write(b.join("x.csv"), "1").is_ok());
        assert!(std::fs::write(a.join("y.csv"), "1").is_ok());
        assert!(std::fs::create_dir(a.join("x.csv.d")).is_ok());
        let dirs = [a.clone(), b.clone()];
        assert_eq!(find(&dirs, "x.csv"), Some(b.join("x.csv")));
        assert_eq!(find(&dirs, "y.csv"), Some(a.join("y.csv")));
        // Directories do not count as datasets.
        assert_eq!(find(&dirs, "x.csv.d"), None);
        assert_eq!(find(&dirs, "z.csv"), None);
    }

    #[test]
    fn find_rejects_anything_but_a_file_name() {
        let Ok(tmp) = tempfile::tempdir() else {
            panic!("cannot create a temporary directory");
        };
        let sub = tmp.path().join("sub");
        assert!(std::fs::create_dir(&sub).is_ok());
        assert!(std::fs::write(tmp.path().join("secret"), "1").is_ok());
        assert!(std::fs::write(sub.join("ok"), "1").is_ok());
        let dirs = [sub.clone()];
        assert_eq!(find(&dirs, "ok"), Some(sub.join("ok")));
        for name in ["", "../secret", "./ok", "/etc/passwd", "sub/ok", ".", ".."] {
            assert_eq!(find(&dirs, name), None, "{name:?}");
        }
    }
}
