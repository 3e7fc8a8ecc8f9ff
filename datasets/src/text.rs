//! Reading a text file line by line with line numbers, and exact integer and decimal-seconds
//! parsing, shared by the sample loaders.
//!
//! Parsers here are exact (no floating point) and return `None` on anything malformed or out of
//! range rather than guessing; callers turn that into an [`Error::Parse`] naming the line.

use std::io::BufRead;
use std::path::Path;

use crate::error::{Error, Result};

/// Calls `f(line_number, line)` for each line of `reader`, numbered from 1, without its `\n` or
/// `\r\n`, and returns the number of lines. The line is mutable so JSON parsers can work in place.
///
/// A final line without a newline counts; an empty file has no lines.
pub(crate) fn for_each_line<R: BufRead>(
    mut reader: R,
    file: &Path,
    mut f: impl FnMut(u64, &mut [u8]) -> Result<()>,
) -> Result<u64> {
    let mut buf = Vec::with_capacity(1 << 12);
    let mut line = 0u64;
    loop {
        buf.clear();
        let read = reader
            .read_until(b'\n', &mut buf)
            .map_err(|source| Error::Io {
                path: file.to_path_buf(),
                source,
            })?;
        if read == 0 {
            return Ok(line);
        }
        line += 1;
        let mut end = buf.len();
        if buf[..end].ends_with(b"\n") {
            end -= 1;
        }
        if buf[..end].ends_with(b"\r") {
            end -= 1;
        }
        f(line, &mut buf[..end])?;
    }
}

/// An [`Error::Parse`] at `file:line`.
pub(crate) fn parse_error(file: &Path, line: u64, reason: impl Into<String>) -> Error {
    Error::Parse {
        file: file.to_path_buf(),
        line,
        reason: reason.into(),
    }
}

/// A decimal integer with an optional leading `-`: `-9999999999`, `0`, `5794000`.
pub(crate) fn int(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    // Accumulate downwards so that i64::MIN parses too.
    let mut value = 0i64;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value.checked_mul(10)?.checked_sub(i64::from(d))?;
    }
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

/// Non-negative decimal seconds with up to 9 decimals (`34200.05990197`, `36023`) as integer
/// nanoseconds, exactly: the fraction is read as digits and right-padded to 9, never through f64.
pub(crate) fn seconds_to_ns(text: &[u8]) -> Option<i64> {
    const NS_PER_S: i64 = 1_000_000_000;
    let (whole, fraction) = match text.iter().position(|&b| b == b'.') {
        Some(dot) => (&text[..dot], Some(&text[dot + 1..])),
        None => (text, None),
    };
    if whole.is_empty() || !whole.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut ns = 0i64;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || fraction.len() > 9 || !fraction.iter().all(u8::is_ascii_digit) {
            return None;
        }
        for &b in fraction {
            ns = ns * 10 + i64::from(b - b'0');
        }
        // At most 9 digits were read, so the exponent is 0..=8 and the product below 1e9.
        ns *= 10i64.pow(9 - fraction.len() as u32);
    }
    int(whole)?.checked_mul(NS_PER_S)?.checked_add(ns)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    #[test]
    fn int_is_exact_and_strict() {
        assert_eq!(int(b"0"), Some(0));
        assert_eq!(int(b"5794000"), Some(5_794_000));
        assert_eq!(int(b"-9999999999"), Some(-9_999_999_999));
        assert_eq!(int(b"9999999999"), Some(9_999_999_999));
        assert_eq!(int(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(int(b"9223372036854775807"), Some(i64::MAX));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b" 1",
            b"1 ",
            b"1.0",
            b"--1",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"1e3",
        ] {
            assert_eq!(int(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn seconds_pad_the_fraction_to_nanoseconds() {
        assert_eq!(seconds_to_ns(b"34200.015105074"), Some(34_200_015_105_074));
        // 8 decimals: the ninth digit is 0, not a rounding of a float.
        assert_eq!(seconds_to_ns(b"34200.05990197"), Some(34_200_059_901_970));
        assert_eq!(seconds_to_ns(b"34200.1234"), Some(34_200_123_400_000));
        assert_eq!(seconds_to_ns(b"36023"), Some(36_023_000_000_000));
        assert_eq!(seconds_to_ns(b"0.000000001"), Some(1));
        for bad in [
            &b""[..],
            b".5",
            b"5.",
            b"1.0000000001",
            b"-1.5",
            b"1.5e3",
            b"1,5",
            b"99999999999.0",
        ] {
            assert_eq!(
                seconds_to_ns(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn lines_are_numbered_and_stripped() {
        let mut seen = Vec::new();
        let count = for_each_line(Cursor::new(b"a\r\nb\n\nc"), Path::new("f"), |n, line| {
            seen.push((n, String::from_utf8_lossy(line).into_owned()));
            Ok(())
        });
        assert_eq!(count.ok(), Some(4));
        let want = [(1, "a"), (2, "b"), (3, ""), (4, "c")];
        assert_eq!(seen, want.map(|(n, s)| (n, s.to_owned())));
        let empty = for_each_line(Cursor::new(b""), Path::new("f"), |_, _| Ok(()));
        assert_eq!(empty.ok(), Some(0));
    }

    #[test]
    fn the_callback_error_stops_the_walk() {
        let mut calls = 0;
        let result = for_each_line(Cursor::new(b"1\n2\n3\n"), Path::new("f"), |n, _| {
            calls += 1;
            if n == 2 {
                Err(parse_error(Path::new("f"), n, "two"))
            } else {
                Ok(())
            }
        });
        assert!(matches!(result, Err(Error::Parse { line: 2, .. })));
        assert_eq!(calls, 2);
    }
}
