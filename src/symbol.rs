//! Symbol names: validation and their escaping into one storage key segment. Names are data, so
//! nothing a user types may change the key structure or escape the library prefix. This file owns
//! the escaping rules; it must not build whole keys (see `keys.rs`).

use crate::{Error, Result};

/// Longest escaped name: one key segment must fit floe-io's segment limit (a file name on a local filesystem).
const MAX_ESCAPED: usize = floe_io::MAX_SEGMENT_BYTES;
/// Introduces a hex-escaped byte.
const ESCAPE: u8 = b'=';

/// Escapes `name` into a key segment: ASCII letters, digits, `_` and `-` stay; `.` stays except at
/// the start; every other byte becomes `=XX` (`%` is not a safe key character on every
/// store). The mapping is injective, so every valid name
/// round-trips through [`unescape`].
pub fn escape(name: &str) -> Result<String> {
    let invalid = |reason: &str| Error::InvalidSymbol {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    if name.is_empty() {
        return Err(invalid("the name is empty"));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("the name contains a control character"));
    }
    let mut out = String::with_capacity(name.len());
    for (i, b) in name.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || (b == b'.' && i > 0);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("={b:02X}"));
        }
    }
    if out.len() > MAX_ESCAPED {
        return Err(invalid(&format!(
            "escaped it takes {} bytes; at most {MAX_ESCAPED} fit a key",
            out.len()
        )));
    }
    Ok(out)
}

/// Reverses [`escape`]; `None` for a segment no valid name escapes to (so foreign objects under the
/// library prefix are ignored rather than misread).
pub fn unescape(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == ESCAPE {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let name = String::from_utf8(out).ok()?;
    (escape(&name).ok()? == segment).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_names_stay_readable() {
        assert_eq!(escape("AAPL").ok().as_deref(), Some("AAPL"));
        assert_eq!(
            escape("BTC-USDT.trades").ok().as_deref(),
            Some("BTC-USDT.trades")
        );
    }

    #[test]
    fn path_tricks_are_escaped() {
        for (name, want) in [
            ("..", "=2E."),
            ("a/b", "a=2Fb"),
            (".hidden", "=2Ehidden"),
            ("=", "=3D"),
            ("é", "=C3=A9"),
        ] {
            assert_eq!(escape(name).ok().as_deref(), Some(want), "{name}");
            assert_eq!(unescape(want).as_deref(), Some(name));
        }
    }

    #[test]
    fn invalid_names_are_typed_errors() {
        for name in ["", "a\nb", "tab\t", &"x".repeat(256), &"é".repeat(50)] {
            assert!(
                matches!(escape(name), Err(Error::InvalidSymbol { .. })),
                "{name:?}"
            );
        }
    }

    #[test]
    fn foreign_segments_are_not_names() {
        assert_eq!(unescape("=2"), None);
        assert_eq!(unescape("=zz"), None);
        assert_eq!(unescape("a=41"), None, "not the canonical escape of 'aA'");
        assert_eq!(unescape(".x"), None);
    }

    proptest! {
        #[test]
        fn prop_round_trip(name in "\\PC{1,40}") {
            if let Ok(esc) = escape(&name) {
                prop_assert!(esc.bytes().all(|b| b.is_ascii_alphanumeric() || b"=_-.".contains(&b)));
                prop_assert!(!esc.starts_with('.'));
                prop_assert_eq!(unescape(&esc), Some(name));
            }
        }
    }
}
