//! The root crate's error type: what a caller of [`crate::Library`] can match on. Lower layers'
//! errors are wrapped with the symbol and version they concern; nothing here is stringly typed.

/// Result with floe's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a library operation can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The symbol has no committed version.
    #[error("symbol {symbol:?} not found")]
    SymbolNotFound {
        /// The symbol asked for.
        symbol: String,
    },
    /// The symbol exists but not at this version.
    #[error("symbol {symbol:?} has no version {version}")]
    VersionNotFound {
        /// The symbol asked for.
        symbol: String,
        /// The version asked for.
        version: u64,
    },
    /// The symbol had no version yet at the time asked for.
    #[error("symbol {symbol:?} had no version at {timestamp_ns} ns")]
    NoVersionAt {
        /// The symbol asked for.
        symbol: String,
        /// The time asked for, ns since the epoch.
        timestamp_ns: i64,
    },
    /// The symbol name cannot be stored.
    #[error("invalid symbol name {name:?}: {reason}")]
    InvalidSymbol {
        /// The name given.
        name: String,
        /// Why it was refused.
        reason: String,
    },
    /// The frame has no column usable as the timestamp index.
    #[error("frame has no timestamp index: {reason}")]
    MissingIndex {
        /// What was looked for and not found.
        reason: String,
    },
    /// The index column is not non-decreasing, or holds nulls.
    #[error("index column {column:?} is invalid at row {row}: {reason}")]
    InvalidIndex {
        /// The index column.
        column: String,
        /// First offending row.
        row: usize,
        /// What is wrong there.
        reason: String,
    },
    /// The frame's schema does not match the symbol's.
    #[error("schema of the new data does not match symbol {symbol:?}: {reason}")]
    SchemaMismatch {
        /// The symbol written to.
        symbol: String,
        /// The first difference.
        reason: String,
    },
    /// An append whose first timestamp is older than the symbol's last one.
    #[error(
        "append to {symbol:?} starts at {first} ns, before the last stored timestamp {last} ns"
    )]
    AppendBeforeTail {
        /// The symbol appended to.
        symbol: String,
        /// First timestamp of the new rows.
        first: i64,
        /// Last timestamp already stored.
        last: i64,
    },
    /// An update's rows do not all lie inside the range it replaces.
    #[error(
        "update of {symbol:?}: rows span {first}..={last} ns, outside the range {lo}..={hi} ns"
    )]
    OutsideRange {
        /// The symbol updated.
        symbol: String,
        /// First timestamp of the new rows.
        first: i64,
        /// Last timestamp of the new rows.
        last: i64,
        /// Start of the range (inclusive).
        lo: i64,
        /// End of the range (inclusive).
        hi: i64,
    },
    /// Staged parts overlap in time and the finalize did not ask to merge them.
    #[error("staged parts of {symbol:?} overlap: {reason}")]
    StagedOverlap {
        /// The symbol being finalized.
        symbol: String,
        /// Which parts overlap.
        reason: String,
    },
    /// Nothing is staged for the symbol.
    #[error("nothing is staged for {symbol:?}")]
    NothingStaged {
        /// The symbol being finalized.
        symbol: String,
    },
    /// A snapshot with this name does not exist.
    #[error("snapshot {name:?} not found")]
    SnapshotNotFound {
        /// The name asked for.
        name: String,
    },
    /// A snapshot with this name already exists.
    #[error("snapshot {name:?} already exists")]
    SnapshotExists {
        /// The name given.
        name: String,
    },
    /// The snapshot does not record the symbol.
    #[error("snapshot {name:?} has no symbol {symbol:?}")]
    NotInSnapshot {
        /// The snapshot.
        name: String,
        /// The symbol asked for.
        symbol: String,
    },
    /// A column asked for does not exist.
    #[error("symbol {symbol:?} has no column {column:?}")]
    UnknownColumn {
        /// The symbol read.
        symbol: String,
        /// The column asked for.
        column: String,
    },
    /// Stored bytes failed validation (checksum, lengths, format).
    #[error("corrupt object {key}: {reason}")]
    Corrupt {
        /// Key of the object, relative to the library.
        key: String,
        /// What failed.
        reason: String,
    },
    /// Reading or decoding a segment failed.
    #[error(transparent)]
    Segment(#[from] floe_segment::Error),
    /// The storage backend failed.
    #[error(transparent)]
    Storage(#[from] floe_io::Error),
    /// An Arrow operation on the caller's data failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// The library was written by a newer floe.
    #[error("library format {found} is newer than this floe supports ({supported})")]
    UnsupportedFormat {
        /// Format found in storage.
        found: u32,
        /// Newest format this build reads.
        supported: u32,
    },
    /// An internal task failed (a worker thread panicked or the runtime shut down).
    #[error("internal task failed: {0}")]
    Task(String),
}

impl Error {
    /// True when the error means "this does not exist" (symbol or version), as opposed to a failure.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Error::SymbolNotFound { .. }
                | Error::VersionNotFound { .. }
                | Error::NoVersionAt { .. }
                | Error::SnapshotNotFound { .. }
                | Error::NotInSnapshot { .. }
        )
    }
}
