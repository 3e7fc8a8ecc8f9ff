//! The segment crate's error type: one enum whose variants say whether the bytes are damaged
//! ([`Error::Corrupt`]), were written by a newer floe ([`Error::UnsupportedVersion`],
//! [`Error::UnsupportedEncoding`]), or whether the caller asked for something the format cannot
//! hold. It must not grow a variant per internal failure: codec and Arrow errors are folded into
//! these with the segment, column and offset attached.

/// Result with the segment crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while encoding or decoding a segment.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The segment's bytes are damaged: a checksum mismatch, an impossible length, or a chunk the
    /// codec cannot decode.
    #[error(
        "segment {segment}{}: corrupt at byte {offset}: {reason}",
        column_suffix(column)
    )]
    Corrupt {
        /// The object the bytes came from.
        segment: String,
        /// The column whose chunk is damaged, when the damage is inside a column's data.
        column: Option<String>,
        /// Absolute byte offset in the segment file where the problem was found, as far as known
        /// (offsets in a directory parsed on its own are relative to the directory).
        offset: u64,
        /// What was wrong.
        reason: String,
    },
    /// The segment (or directory) was written in a format version this build cannot read.
    #[error(
        "segment {segment}: format version {found} is not supported (this build reads version {supported})"
    )]
    UnsupportedVersion {
        /// The object the bytes came from.
        segment: String,
        /// The version found in the bytes.
        found: u16,
        /// The version this build reads and writes.
        supported: u16,
    },
    /// A column has an Arrow type the segment format does not store (or, when reading, a type tag
    /// written by a newer floe).
    #[error("column {column}: type {data_type} is not supported by the segment format")]
    UnsupportedType {
        /// The column's name.
        column: String,
        /// The Arrow type (or the unknown type tag) found.
        data_type: String,
    },
    /// A chunk that passed its checksum names a codec encoding this build does not know: it was
    /// written by a newer floe.
    #[error(
        "segment {segment}, column {column}: unknown chunk encoding tag {tag}; the data was written by a newer floe"
    )]
    UnsupportedEncoding {
        /// The object the bytes came from.
        segment: String,
        /// The column whose chunk uses the encoding.
        column: String,
        /// The encoding tag byte found.
        tag: u8,
    },
    /// The caller's input cannot be encoded or the request does not fit the directory (for
    /// example a string column over 2 GiB, or a column index out of range).
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What was wrong.
        reason: String,
    },
}

fn column_suffix(column: &Option<String>) -> String {
    column
        .as_ref()
        .map(|c| format!(", column {c}"))
        .unwrap_or_default()
}

impl Error {
    pub(crate) fn corrupt(
        segment: &str,
        column: Option<&str>,
        offset: u64,
        reason: impl Into<String>,
    ) -> Self {
        Error::Corrupt {
            segment: segment.to_owned(),
            column: column.map(str::to_owned),
            offset,
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            reason: reason.into(),
        }
    }
}
