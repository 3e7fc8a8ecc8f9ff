//! The crate's [`Error`]: what can go wrong reading a real sample ([`load_lobster`],
//! [`load_binance`]).
//!
//! Only the error type lives here; the generators cannot fail and never return it.
//!
//! [`load_lobster`]: crate::load_lobster
//! [`load_binance`]: crate::load_binance

use std::path::PathBuf;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a sample could not be loaded.
///
/// `file` and `path` name what was being read; a file inside an archive is named as the archive
/// path joined with the entry name (`.../sample.zip/GOOG_..._message_10.csv`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system or decompressor said.
        source: std::io::Error,
    },
    /// The archive is not a readable zip file, or an entry of it cannot be opened.
    #[error("cannot read archive {}: {source}", path.display())]
    Archive {
        /// The archive.
        path: PathBuf,
        /// What the zip reader said.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The input is readable but not laid out as the format requires: an archive without the
    /// expected entries, a file name without a date, files that disagree in length.
    #[error("{}: {reason}", path.display())]
    Format {
        /// The file or archive.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A line does not parse.
    #[error("{}:{line}: {reason}", file.display())]
    Parse {
        /// The file.
        file: PathBuf,
        /// The line number, counting from 1.
        line: u64,
        /// What is wrong with the line.
        reason: String,
    },
    /// A timestamp is earlier than the one before it, in a format that promises order.
    #[error(
        "{}:{line}: timestamp {ts} ns goes back from {previous} ns on the line before",
        file.display()
    )]
    Unsorted {
        /// The file.
        file: PathBuf,
        /// The line number of the timestamp that goes back, counting from 1.
        line: u64,
        /// The timestamp on the line before, ns since the epoch.
        previous: i64,
        /// The timestamp on this line, ns since the epoch.
        ts: i64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_file_and_line() {
        let e = Error::Parse {
            file: PathBuf::from("a/b.gz"),
            line: 7,
            reason: "bad".into(),
        };
        assert_eq!(e.to_string(), "a/b.gz:7: bad");
        let e = Error::Unsorted {
            file: PathBuf::from("m.csv"),
            line: 3,
            previous: 5,
            ts: 4,
        };
        assert_eq!(
            e.to_string(),
            "m.csv:3: timestamp 4 ns goes back from 5 ns on the line before"
        );
    }
}
