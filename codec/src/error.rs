//! The codec's error type. Decoders report where in the chunk a problem sits; callers (the segment
//! crate) add which segment and column the chunk belongs to.

/// Result with the codec's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while encoding or decoding one chunk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The chunk's bytes are not a valid encoding of the expected values.
    #[error("corrupt chunk at byte {offset}: {reason}")]
    Corrupt {
        /// Offset within the chunk where the problem was found.
        offset: usize,
        /// What was wrong.
        reason: String,
    },
    /// The chunk names an encoding this version of floe does not know (written by a newer floe).
    #[error("unknown encoding tag {tag}; the data was written by a newer floe")]
    UnknownEncoding {
        /// The tag byte found.
        tag: u8,
    },
    /// The encoding cannot hold values of this type.
    #[error("encoding {encoding} does not support {ty:?} values")]
    Unsupported {
        /// Name of the encoding.
        encoding: &'static str,
        /// The physical type asked for.
        ty: crate::PhysicalType,
    },
    /// The input cannot be represented (for example string data longer than 2 GiB).
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What was wrong.
        reason: String,
    },
}

impl Error {
    pub(crate) fn corrupt(offset: usize, reason: impl Into<String>) -> Self {
        Error::Corrupt {
            offset,
            reason: reason.into(),
        }
    }
}
