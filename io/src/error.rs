//! The crate's one public error type, and the mapping from `object_store` errors into it.
//!
//! Variants name what a caller can act on (a missing object, a lost put-if-absent race, a bad key,
//! a bad location, a bad byte range); everything else from a backend is `Storage` with the operation
//! and key attached. This file must not know about any particular backend.

use std::ops::Range;

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `floe-io`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The object does not exist.
    #[error("object {key:?} not found")]
    NotFound {
        /// Key of the missing object, relative to the store root.
        key: String,
    },

    /// A put-if-absent found the object already there (another writer won, or an earlier attempt
    /// of this one whose answer was lost).
    #[error("object {key:?} already exists")]
    AlreadyExists {
        /// Key of the existing object, relative to the store root.
        key: String,
    },

    /// The key cannot be used: it would not round-trip through a listing or could escape the root.
    #[error("invalid key {key:?}: {reason}")]
    InvalidKey {
        /// The key as given.
        key: String,
        /// Why it was rejected.
        reason: String,
    },

    /// The location could not be opened: unparsable, unknown scheme, a cloud scheme whose cargo
    /// feature is off, a bad option, or a local directory that cannot be created.
    #[error("invalid location {location:?}: {reason}")]
    InvalidLocation {
        /// The location as given.
        location: String,
        /// Why it was rejected.
        reason: String,
    },

    /// A byte range that is reversed or reaches past the end of the object.
    #[error("invalid range {}..{} of object {key:?}: {reason}", range.start, range.end)]
    InvalidRange {
        /// Key of the object, relative to the store root.
        key: String,
        /// The range as asked.
        range: Range<u64>,
        /// Why it cannot be served (includes the object size when known).
        reason: String,
    },

    /// Any other failure reported by the backend.
    #[error("{op} of {key:?} failed: {source}")]
    Storage {
        /// The operation that failed (`"get"`, `"put"`, `"list"`, ...).
        op: &'static str,
        /// Key (or listing prefix) it was applied to, relative to the store root.
        key: String,
        /// The backend's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    /// Maps a backend error for `op` on `key` to the matching variant.
    ///
    /// `Precondition` only arises here from a create-mode put (S3-compatible stores answer a lost
    /// `If-None-Match` with 412), so it means the object exists.
    pub(crate) fn from_backend(op: &'static str, key: &str, err: object_store::Error) -> Self {
        match err {
            object_store::Error::NotFound { .. } => Self::NotFound {
                key: key.to_owned(),
            },
            object_store::Error::AlreadyExists { .. }
            | object_store::Error::Precondition { .. } => Self::AlreadyExists {
                key: key.to_owned(),
            },
            other => Self::Storage {
                op,
                key: key.to_owned(),
                source: Box::new(other),
            },
        }
    }

    pub(crate) fn invalid_key(key: &str, reason: impl Into<String>) -> Self {
        Self::InvalidKey {
            key: key.to_owned(),
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_location(location: &str, reason: impl Into<String>) -> Self {
        Self::InvalidLocation {
            location: location.to_owned(),
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_range(key: &str, range: &Range<u64>, reason: impl Into<String>) -> Self {
        Self::InvalidRange {
            key: key.to_owned(),
            range: range.clone(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
mod tests {
    use super::*;

    fn backend(kind: &str) -> object_store::Error {
        let source = "boom".into();
        let path = "root/k".to_owned();
        match kind {
            "not_found" => object_store::Error::NotFound { path, source },
            "exists" => object_store::Error::AlreadyExists { path, source },
            "precondition" => object_store::Error::Precondition { path, source },
            _ => object_store::Error::Generic {
                store: "test",
                source,
            },
        }
    }

    #[test]
    fn backend_errors_map_to_typed_variants_with_the_callers_key() {
        let e = Error::from_backend("get", "k", backend("not_found"));
        assert!(matches!(&e, Error::NotFound { key } if key == "k"), "{e:?}");
        let e = Error::from_backend("put_if_absent", "k", backend("exists"));
        assert!(
            matches!(&e, Error::AlreadyExists { key } if key == "k"),
            "{e:?}"
        );
        let e = Error::from_backend("put_if_absent", "k", backend("precondition"));
        assert!(
            matches!(&e, Error::AlreadyExists { key } if key == "k"),
            "{e:?}"
        );
        let e = Error::from_backend("list", "a/b", backend("other"));
        match &e {
            Error::Storage { op, key, source } => {
                assert_eq!(*op, "list");
                assert_eq!(key, "a/b");
                assert!(source.to_string().contains("boom"), "{source}");
            }
            other => panic!("expected Storage, got {other:?}"),
        }
        assert_eq!(
            e.to_string(),
            format!("list of \"a/b\" failed: {}", backend("x"))
        );
    }

    #[test]
    fn messages_carry_the_context() {
        let e = Error::invalid_range("k", &(5..9), "object is 3 bytes");
        assert_eq!(
            e.to_string(),
            "invalid range 5..9 of object \"k\": object is 3 bytes"
        );
        let e = Error::invalid_key("a//b", "empty segment");
        assert_eq!(e.to_string(), "invalid key \"a//b\": empty segment");
    }
}
