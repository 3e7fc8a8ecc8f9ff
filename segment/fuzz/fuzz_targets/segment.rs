//! Fuzz target: a whole hostile segment file. `read_directory` and `decode` must return (an error
//! or a batch whose row count matches the directory), never panic or over-allocate.

#![no_main]

use floe_segment::{decode, read_directory};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(dir) = read_directory(data, "fuzz") {
        if let Ok(batch) = decode(data, "fuzz") {
            assert_eq!(batch.num_rows() as u64, dir.rows);
            assert_eq!(batch.num_columns(), dir.columns.len());
        }
    }
});
