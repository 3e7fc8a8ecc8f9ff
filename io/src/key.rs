//! Key validation, and the mapping between keys (relative to a store's root) and `object_store`
//! paths (relative to the backend).
//!
//! A key is accepted only if it reaches the backend unchanged and comes back from a listing
//! unchanged, on every backend, and cannot name anything outside the root. This file must not
//! escape or rewrite keys: callers (the root crate) escape user input before it becomes a key.

use object_store::path::{Path, PathPart};

use crate::error::{Error, Result};

/// Longest key accepted, in bytes, counting the store's root prefix (the S3 and GCS limit).
pub const MAX_KEY_BYTES: usize = 1024;

/// Longest key segment accepted, in bytes: a file name on most file systems may be 255 bytes, and
/// `object_store`'s local backend appends `#<n>` to stage an upload.
pub const MAX_SEGMENT_BYTES: usize = 240;

/// Checks a whole key: `seg(/seg)*`, each segment valid.
pub(crate) fn validate(key: &str) -> Result<()> {
    if is_plain(key) {
        return Ok(());
    }
    if key.is_empty() {
        return Err(Error::invalid_key(key, "empty key"));
    }
    if key.starts_with('/') || key.ends_with('/') {
        return Err(Error::invalid_key(key, "leading or trailing '/'"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(Error::invalid_key(
            key,
            format!("longer than {MAX_KEY_BYTES} bytes"),
        ));
    }
    for segment in key.split('/') {
        if let Some(reason) = segment_problem(segment) {
            return Err(Error::invalid_key(key, reason));
        }
    }
    Ok(())
}

/// Whether `key` is valid by a one-pass check that covers every key floe writes: not too long,
/// and segments of 1 to [`MAX_SEGMENT_BYTES`] bytes, each only ASCII letters, digits and
/// `-_.=`, and neither `.` nor `..`. Listings check every key they return, so this is the path
/// a long listing takes; a key it does not accept is checked in full by [`validate`].
fn is_plain(key: &str) -> bool {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return false;
    }
    // Bytes of the current segment, and how many of them are dots.
    let (mut len, mut dots) = (0usize, 0usize);
    let plain_segment =
        |len: usize, dots: usize| len > 0 && len <= MAX_SEGMENT_BYTES && !(dots == len && len <= 2);
    for &b in key.as_bytes() {
        match b {
            b'/' => {
                if !plain_segment(len, dots) {
                    return false;
                }
                (len, dots) = (0, 0);
            }
            b'.' => (len, dots) = (len + 1, dots + 1),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'=' => len += 1,
            _ => return false,
        }
    }
    plain_segment(len, dots)
}

/// Checks a listing prefix: empty (everything), or a valid key.
pub(crate) fn validate_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty() {
        Ok(())
    } else {
        validate(prefix)
    }
}

/// Why `segment` cannot be a key segment, if it cannot.
fn segment_problem(segment: &str) -> Option<String> {
    if segment.is_empty() {
        return Some("empty segment".to_owned());
    }
    if segment == "." || segment == ".." {
        return Some(format!("segment {segment:?} is not allowed"));
    }
    if segment.len() > MAX_SEGMENT_BYTES {
        return Some(format!("segment longer than {MAX_SEGMENT_BYTES} bytes"));
    }
    if let Some(c) = segment.chars().find(|c| c.is_control()) {
        return Some(format!("segment {segment:?} has control character {c:?}"));
    }
    // `object_store` percent-encodes some characters (and every non-ASCII byte) when it builds a
    // path from a file name or a listing, so such a segment would come back different.
    if PathPart::from(segment).as_ref() != segment {
        let encoded = |c: &char| {
            let probe = format!("a{c}");
            PathPart::from(probe.as_str()).as_ref() != probe
        };
        let bad = segment
            .chars()
            .find(encoded)
            .map_or_else(String::new, |c| format!(" {c:?}"));
        return Some(format!(
            "segment {segment:?} has a character{bad} that object stores encode"
        ));
    }
    if let Err(e) = PathPart::parse(segment) {
        return Some(e.to_string());
    }
    None
}

/// A store's root inside its backend: keys live below it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Root {
    /// `""` for the backend's root, else a valid key without slashes at either end.
    prefix: String,
}

impl Root {
    /// `prefix` may carry slashes at either end; anything else invalid is an error naming it.
    pub(crate) fn new(prefix: &str) -> Result<Self> {
        let prefix = prefix.trim_matches('/');
        validate_prefix(prefix)?;
        Ok(Self {
            prefix: prefix.to_owned(),
        })
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.prefix
    }

    /// The backend path of a valid key, or an error if `key` is invalid.
    pub(crate) fn path(&self, key: &str) -> Result<Path> {
        validate(key)?;
        self.join(key)
    }

    /// The backend path of a listing prefix; `None` means the whole backend.
    pub(crate) fn list_path(&self, prefix: &str) -> Result<Option<Path>> {
        validate_prefix(prefix)?;
        if prefix.is_empty() && self.prefix.is_empty() {
            return Ok(None);
        }
        self.join(prefix).map(Some)
    }

    fn join(&self, key: &str) -> Result<Path> {
        let full = match (self.prefix.is_empty(), key.is_empty()) {
            (true, _) => key.to_owned(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}/{key}", self.prefix),
        };
        if full.len() > MAX_KEY_BYTES {
            return Err(Error::invalid_key(
                key,
                format!(
                    "longer than {MAX_KEY_BYTES} bytes with the store prefix {:?}",
                    self.prefix
                ),
            ));
        }
        Path::parse(&full).map_err(|e| Error::invalid_key(key, e.to_string()))
    }

    /// The key of a backend path, if the path is below the root and is a valid key.
    pub(crate) fn key_of<'a>(&self, path: &'a Path) -> Option<&'a str> {
        let raw = path.as_ref();
        let key = if self.prefix.is_empty() {
            raw
        } else {
            raw.strip_prefix(self.prefix.as_str())?.strip_prefix('/')?
        };
        validate(key).ok().map(|()| key)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
mod tests {
    use super::*;

    fn reason(key: &str) -> String {
        match validate(key) {
            Err(Error::InvalidKey { key: k, reason }) => {
                assert_eq!(k, key);
                reason
            }
            other => panic!("{key:?} should be invalid, got {other:?}"),
        }
    }

    #[test]
    fn accepts_plain_keys() {
        for key in [
            "a",
            "lib/sym/v/000001",
            "a b/c=d+e,f;g@h(1)!$&'",
            "x.seg",
            "...",
            "-_.",
        ] {
            assert!(validate(key).is_ok(), "{key:?}");
        }
    }

    #[test]
    fn rejects_keys_that_would_not_round_trip_or_escape() {
        assert_eq!(reason(""), "empty key");
        assert_eq!(reason("/a"), "leading or trailing '/'");
        assert_eq!(reason("a/"), "leading or trailing '/'");
        assert_eq!(reason("a//b"), "empty segment");
        assert!(reason("a/../b").contains("\"..\""));
        assert!(reason("./b").contains("\".\""));
        assert!(reason("a\nb").contains("control character '\\n'"));
        assert!(reason("a\u{7f}").contains("control character '\\u{7f}'"));
        for bad in [
            '%', '#', '?', '*', '\\', '{', '}', '[', ']', '<', '>', '|', '~', '^', '`', '"',
        ] {
            let key = format!("a/b{bad}c");
            let r = reason(&key);
            assert!(r.contains(&format!("{bad:?}")), "{key:?}: {r}");
        }
        assert!(reason("café").contains("'é'"));
        assert!(reason(&"x".repeat(MAX_SEGMENT_BYTES + 1)).contains("segment longer"));
        assert!(validate(&"x".repeat(MAX_SEGMENT_BYTES)).is_ok());
        let long = vec!["x".repeat(100); 11].join("/");
        assert!(reason(&long).contains("longer than 1024"));
    }

    /// The full check, without the one-pass shortcut.
    fn validate_in_full(key: &str) -> bool {
        !key.is_empty()
            && !key.starts_with('/')
            && !key.ends_with('/')
            && key.len() <= MAX_KEY_BYTES
            && key.split('/').all(|s| segment_problem(s).is_none())
    }

    #[test]
    fn the_one_pass_check_accepts_only_keys_the_full_check_accepts() {
        let pieces = [
            "",
            "a",
            "Z9",
            ".",
            "..",
            "...",
            ".a",
            "=3D",
            "-_",
            "/",
            "//",
            " ",
            "%",
            "~",
            "é",
            "\n",
            "+",
            "#",
            "00000000000000000042.pruned",
        ];
        let mut plain = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let key = format!("{a}{b}{c}");
                    if is_plain(&key) {
                        plain += 1;
                        assert!(validate_in_full(&key), "{key:?}");
                    }
                    assert_eq!(validate(&key).is_ok(), validate_in_full(&key), "{key:?}");
                }
            }
        }
        assert!(plain > 1_000, "the shortcut must be taken: {plain}");
        for key in [
            "v/AAPL/00000000000000000042",
            "v/=2EBRK=2FB/00000000000000000042.pruned",
            "d/A/0123456789abcdef0123456789abcdef.seg",
            "_library.json",
        ] {
            assert!(is_plain(key), "{key:?}");
        }
        let long_segment = "x".repeat(MAX_SEGMENT_BYTES + 1);
        let long_key = vec!["x".repeat(100); 11].join("/");
        for key in [
            "a/./b",
            "a/../b",
            "..",
            ".",
            "/a",
            "a/",
            "a//b",
            &long_segment,
            &long_key,
        ] {
            assert!(!is_plain(key), "{key:?}");
            assert!(validate(key).is_err(), "{key:?}");
        }
    }

    #[test]
    fn root_joins_and_strips_exactly() {
        let root = Root::new("/data/lib/").expect("valid prefix");
        assert_eq!(root.as_str(), "data/lib");
        let path = root.path("sym/a").expect("valid key");
        assert_eq!(path.as_ref(), "data/lib/sym/a");
        assert_eq!(root.key_of(&path), Some("sym/a"));
        assert_eq!(root.key_of(&Path::from("data/libx/a")), None);
        assert_eq!(root.key_of(&Path::from("data/lib")), None);
        assert_eq!(root.key_of(&Path::from("other/a")), None);
        assert_eq!(
            root.list_path("")
                .expect("empty prefix")
                .map(|p| p.to_string()),
            Some("data/lib".to_owned())
        );

        let bare = Root::new("").expect("empty prefix");
        assert!(bare.list_path("").expect("empty prefix").is_none());
        assert_eq!(bare.key_of(&Path::from("a/b")), Some("a/b"));
        // A foreign object whose name would not round-trip is not a key.
        assert_eq!(bare.key_of(&Path::from("a/b%25c")), None);

        assert!(matches!(Root::new("a/../b"), Err(Error::InvalidKey { .. })));
        assert!(matches!(root.path("../x"), Err(Error::InvalidKey { .. })));
    }

    #[test]
    fn the_root_prefix_counts_towards_the_length_limit() {
        let root = Root::new(&"p".repeat(200)).expect("valid prefix");
        let key = vec!["k".repeat(200); 5].join("/");
        assert!(validate(&key).is_ok());
        let e = root.path(&key);
        assert!(
            matches!(&e, Err(Error::InvalidKey { reason, .. }) if reason.contains("store prefix")),
            "{e:?}"
        );
    }
}
