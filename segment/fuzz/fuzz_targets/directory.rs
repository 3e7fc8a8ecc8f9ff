//! Fuzz target: hostile directory and footer bytes. `Directory::from_bytes` on the whole input and
//! `Directory::locate` on its first footer-sized prefix must return, never panic; a directory that
//! parses must round-trip through `to_bytes`.

#![no_main]

use floe_segment::{Directory, FOOTER_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(dir) = Directory::from_bytes(data, "fuzz") {
        let again = Directory::from_bytes(&dir.to_bytes(), "fuzz");
        assert!(
            again.is_ok_and(|d| d == dir),
            "a parsed directory must round-trip"
        );
    }
    if let Some(footer) = data.get(..FOOTER_LEN) {
        let file_len = data.len() as u64 * 1_000;
        if let Ok(range) = Directory::locate(footer, file_len, "fuzz") {
            assert!(range.range().end <= file_len);
        }
    }
});
