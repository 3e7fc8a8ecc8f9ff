//! Round trips of every encoding for every type, and hostile bytes for every decoder.

use super::*;
use crate::describe_tree;
use proptest::prelude::*;

const LEGACY: [Encoding; 3] = [Encoding::Plain, Encoding::Lz4, Encoding::Zstd { level: 3 }];
const LIGHT: [Encoding; 10] = [
    Encoding::Auto,
    Encoding::Constant,
    Encoding::BitPacked,
    Encoding::Delta,
    Encoding::RunEnd,
    Encoding::Dictionary,
    Encoding::Alp,
    Encoding::AlpRd,
    Encoding::Divide,
    Encoding::Strings,
];

/// Plain bytes of values: the bit-exact comparison (NaN payloads included).
fn plain_bytes(values: Values<'_>) -> Option<Vec<u8>> {
    encode(values, Encoding::Plain).ok()
}

/// Encodes with `enc` when it applies and checks the chunk decodes to the same bits.
/// Returns whether the encoding applied.
fn check(values: Values<'_>, enc: Encoding) -> bool {
    let chunk = match encode(values, enc) {
        Ok(c) => c,
        Err(Error::Unsupported { .. } | Error::InvalidInput { .. }) => return false,
        Err(e) => panic!("{enc:?}: {e}"),
    };
    let ty = values.physical_type();
    let back =
        decode(&chunk, ty, values.len()).unwrap_or_else(|e| panic!("{enc:?} on {ty:?}: {e}"));
    assert_eq!(
        plain_bytes(values),
        plain_bytes(back.as_values()),
        "{enc:?} changed the values"
    );
    if enc != Encoding::Auto {
        assert_eq!(describe(&chunk).ok(), Some(enc.name()));
    }
    check_windows(&chunk, ty, &back, enc);
    let tree = describe_tree(&chunk, ty, values.len())
        .unwrap_or_else(|e| panic!("{enc:?}: describe_tree: {e}"));
    assert!(!tree.is_empty());
    // Every prefix of a valid chunk is hostile input: it must fail cleanly, never panic.
    for cut in [0, 1, chunk.len() / 2, chunk.len().saturating_sub(1)] {
        if cut < chunk.len() {
            let _ = decode(&chunk[..cut], ty, values.len());
        }
    }
    true
}

/// `decode_rows` over windows at the edges, across block boundaries and over the whole chunk
/// must give exactly the matching slice of the whole decode; a window past the end is an error.
fn check_windows(chunk: &[u8], ty: PhysicalType, whole: &Decoded, enc: Encoding) {
    let len = whole.len();
    let mut windows = vec![
        0..0,
        0..len,
        len / 3..len - len / 3,
        len.saturating_sub(1)..len,
    ];
    for edge in [1023, 1024, 1025, 2048, 3000] {
        if edge + 5 <= len {
            windows.push(edge..edge + 5);
            windows.push(edge..len);
            windows.push(0..edge);
        }
    }
    for rows in windows {
        let got = decode_rows(chunk, ty, len, rows.clone())
            .unwrap_or_else(|e| panic!("{enc:?} on {ty:?}, rows {rows:?}: {e}"));
        assert_eq!(got.len(), rows.len(), "{enc:?} rows {rows:?}");
        assert_eq!(
            plain_bytes(got.as_values()),
            plain_bytes(whole.clone().window(rows.clone()).as_values()),
            "{enc:?} on {ty:?}: rows {rows:?} differ from the whole decode"
        );
    }
    assert!(matches!(
        decode_rows(chunk, ty, len, 0..len + 1),
        Err(Error::InvalidInput { .. })
    ));
}

#[test]
fn row_windows_of_long_columns_match_the_whole_decode() {
    let n = 5_000;
    let sorted: Vec<i64> = (0..n)
        .map(|i| 1_700_000_000_000 + i * 1_000 + (i * 7919) % 13)
        .collect();
    let noisy: Vec<u64> = (0..n as u64)
        .map(|i| {
            if i % 97 == 0 {
                u64::MAX - i
            } else {
                (i * 2_654_435_761) % 5_000
            }
        })
        .collect();
    let runs: Vec<i32> = (0..n as i32).map(|i| i / 300).collect();
    let prices: Vec<f64> = (0..n)
        .map(|i| 100.0 + ((i * 37) % 400) as f64 / 100.0)
        .collect();
    // Decimal prices with a non-decimal value every 97 rows: ALP exceptions in every block.
    let odd: Vec<f64> = prices
        .iter()
        .enumerate()
        .map(|(i, &p)| if i % 97 == 5 { p / 3.0 } else { p })
        .collect();
    let flags: Vec<u8> = (0..n).map(|i| u8::from(i % 3 == 0) * 0xff).collect();
    for values in [
        Values::I64(&sorted),
        Values::U64(&noisy),
        Values::I32(&runs),
        Values::F64(&prices),
        Values::F64(&odd),
        Values::U8(&flags),
    ] {
        for enc in LEGACY.into_iter().chain(LIGHT) {
            check(values, enc);
        }
    }
}

#[test]
fn bool_and_binary_windows_are_cut_at_any_bit_and_offset() {
    let bits = Decoded::Bool {
        bits: vec![0b1010_1101, 0b0000_0011],
        len: 10,
    };
    let Decoded::Bool { bits: cut, len } = bits.window(3..10) else {
        panic!("a bool window must stay bool");
    };
    // Rows 3..10 of 1,0,1,1,0,1,0,1,1,1 are 1,0,1,0,1,1,1.
    assert_eq!((cut, len), (vec![0b0111_0101], 7));
    let strings = Decoded::Binary {
        offsets: vec![0, 1, 3, 6],
        data: b"abbccc".to_vec(),
    };
    let Decoded::Binary { offsets, data } = strings.window(1..3) else {
        panic!("a binary window must stay binary");
    };
    assert_eq!((offsets, data), (vec![0, 2, 5], b"bbccc".to_vec()));
}

fn round_trip(values: Values<'_>) {
    for enc in LEGACY.into_iter().chain(LIGHT) {
        check(values, enc);
    }
    assert!(check(values, Encoding::Auto), "auto must handle every type");
}

#[test]
fn edge_values_round_trip_bit_exact() {
    round_trip(Values::I64(&[i64::MIN, -1, 0, 1, i64::MAX]));
    round_trip(Values::I64(&[i64::MIN, i64::MAX, i64::MIN, i64::MAX]));
    round_trip(Values::U64(&[0, u64::MAX]));
    let nan_payload = f64::from_bits(0x7ff8_dead_beef_0001);
    round_trip(Values::F64(&[
        -0.0,
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        nan_payload,
        -9999999999.0,
        9999999999.0,
    ]));
    round_trip(Values::F32(&[
        f32::from_bits(0xffc0_0001),
        -0.0,
        f32::MIN_POSITIVE,
    ]));
    round_trip(Values::I8(&[]));
    round_trip(Values::I16(&[7]));
    round_trip(Values::F64(&[]));
    round_trip(Values::F64(&[1.5]));
    round_trip(Values::Bool {
        bits: &[0b1010_1111, 0xff],
        len: 9,
    });
    round_trip(Values::Bool {
        bits: &[0xff; 40],
        len: 317,
    });
    round_trip(Values::Bool { bits: &[], len: 0 });
    round_trip(Values::Binary {
        offsets: &[3, 3, 5, 9],
        data: b"xxxABcdef",
    });
    round_trip(Values::Binary {
        offsets: &[0],
        data: b"",
    });
}

#[test]
fn lobster_dummy_prices_and_ticks_round_trip() {
    let (mut p, mut x) = (1_000_000i64, 0x9e37_79b9_7f4a_7c15u64);
    let mut v: Vec<f64> = (0..5000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            p += [-2, -1, 0, 0, 0, 0, 1, 2][(x % 8) as usize];
            p as f64 / 100.0
        })
        .collect();
    v[17] = 9999999999.0;
    v[4000] = -9999999999.0;
    v[2500] = f64::NAN;
    round_trip(Values::F64(&v));
    let chunk = encode(Values::F64(&v), Encoding::Auto).unwrap_or_default();
    let tree = describe_tree(&chunk, PhysicalType::F64, v.len()).unwrap_or_default();
    assert!(tree.starts_with("alp"), "{tree}");
}

#[test]
fn typical_columns_compress() {
    // Bursty non-decreasing nanosecond timestamps with repeats.
    let mut t = 1_704_205_800_000_000_000i64;
    let ts: Vec<i64> = (0..20_000u64)
        .map(|i| {
            t += ((i * 2_654_435_761) % 5) as i64 * ((i * 40_503) % 30_000) as i64;
            t
        })
        .collect();
    let chunk = encode(Values::I64(&ts), Encoding::Auto).unwrap_or_default();
    assert!(
        chunk.len() < ts.len() * 3,
        "{} bytes {}",
        chunk.len(),
        describe_tree(&chunk, PhysicalType::I64, ts.len()).unwrap_or_default()
    );
    assert!(
        chunk.len() < ts.len() * 3,
        "{} bytes: {}",
        chunk.len(),
        describe_tree(&chunk, PhysicalType::I64, ts.len()).unwrap_or_default()
    );
    round_trip(Values::I64(&ts));
    // A microsecond clock stored in ns: the divisor must be found.
    let us: Vec<i64> = ts.iter().map(|t| t / 1000 * 1000).collect();
    round_trip(Values::I64(&us));
    // Low-cardinality strings.
    let venues = ["NASDAQ", "NYSE", "ARCA", "BATS"];
    let mut offsets = vec![0i32];
    let mut data = Vec::new();
    for i in 0..10_000usize {
        data.extend_from_slice(venues[(i * i) % 4].as_bytes());
        offsets.push(data.len() as i32);
    }
    let s = Values::Binary {
        offsets: &offsets,
        data: &data,
    };
    let chunk = encode(s, Encoding::Auto).unwrap_or_default();
    assert!(chunk.len() < 10_000, "{} bytes", chunk.len());
    round_trip(s);
}

#[test]
fn auto_is_deterministic() {
    let v: Vec<u32> = (0..50_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 20) % 1000)
        .collect();
    let a = encode(Values::U32(&v), Encoding::Auto).ok();
    let b = encode(Values::U32(&v), Encoding::Auto).ok();
    assert!(a.is_some());
    assert_eq!(a, b);
}

/// What the cascade counted while choosing (the histogram for a dictionary)
/// is handed to the encoder; the bytes must be those the encoder writes when it counts itself.
#[test]
fn counts_from_the_choice_give_the_bytes_the_encoder_counts_itself() {
    // Sizes that hold for a few rows (run-end), and values from a few hundred (dictionary).
    let sizes: Vec<u64> = (0..60_000u64)
        .map(|i| 100 * (1 + (i / 3).wrapping_mul(2_654_435_761) % 7))
        .collect();
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let few: Vec<u64> = (0..60_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 300).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 24
        })
        .collect();
    for (name, v, wanted) in [
        ("sizes", &sizes, Scheme::RunEnd),
        ("few", &few, Scheme::Dictionary),
    ] {
        let (scheme, measured) = cascade::choose(v, Kind::Unsigned, 0);
        assert_eq!(scheme, wanted, "{name}: the cascade's choice");
        // The histogram a dictionary takes must be there, or the comparison is moot; run-end
        // takes no count.
        assert_eq!(
            measured.hist.is_some(),
            scheme == Scheme::Dictionary,
            "{name}: what the choice measured for its encoder"
        );
        let handed = encode_words_with(v, Kind::Unsigned, scheme, measured, 0).ok();
        let counted = encode_words_with(v, Kind::Unsigned, scheme, Measured::nothing(), 0).ok();
        assert!(handed.is_some(), "{name}");
        assert_eq!(handed, counted, "{name}");
    }
}

#[test]
fn bool_padding_bits_are_cleared() {
    let chunk = encode(
        Values::Bool {
            bits: &[0xff],
            len: 3,
        },
        Encoding::Plain,
    )
    .unwrap_or_default();
    assert_eq!(chunk, vec![TAG_PLAIN, 0b111]);
}

#[test]
fn all_valid_bools_are_constant() {
    let chunk = encode(
        Values::Bool {
            bits: &[0xff; 16],
            len: 128,
        },
        Encoding::Auto,
    )
    .unwrap_or_default();
    assert_eq!(chunk, vec![TAG_CONSTANT, 1]);
}

#[test]
fn wrong_length_is_corrupt_not_panic() {
    for enc in LEGACY {
        let Ok(chunk) = encode(Values::I64(&[1, 2, 3]), enc) else {
            continue;
        };
        assert!(decode(&chunk, PhysicalType::I64, 4).is_err(), "{enc:?}");
    }
    // A constant stream is valid at any length, so only absurd lengths must fail here.
    for enc in LEGACY.into_iter().chain(LIGHT) {
        let Ok(chunk) = encode(Values::I64(&[1, 2, 3]), enc) else {
            continue;
        };
        assert!(
            matches!(
                decode(&chunk, PhysicalType::I64, usize::MAX),
                Err(Error::Corrupt { .. })
            ),
            "{enc:?}"
        );
    }
    assert!(matches!(
        decode(&[99, 1, 2], PhysicalType::I64, 0),
        Err(Error::UnknownEncoding { tag: 99 })
    ));
    assert!(matches!(
        decode(&[], PhysicalType::I64, 0),
        Err(Error::Corrupt { offset: 0, .. })
    ));
}

#[test]
fn compressed_length_header_cannot_force_allocation() {
    // An lz4 chunk that claims 2 GiB of string data from a 3-byte block.
    let mut chunk = vec![TAG_LZ4];
    chunk.extend_from_slice(&(i32::MAX as u32).to_le_bytes());
    chunk.extend_from_slice(&[0, 0, 0]);
    assert!(matches!(
        decode(&chunk, PhysicalType::Binary, 1),
        Err(Error::Corrupt { .. })
    ));
    let mut chunk = vec![TAG_ZSTD];
    chunk.extend_from_slice(&(i32::MAX as u32).to_le_bytes());
    chunk.extend_from_slice(&[0x28, 0xb5, 0x2f, 0xfd, 0, 0]);
    assert!(matches!(
        decode(&chunk, PhysicalType::Binary, 1),
        Err(Error::Corrupt { .. })
    ));
}

#[test]
fn nested_counts_are_bounded_by_len() {
    // A dictionary that claims 2^32-1 entries for 3 values.
    let mut chunk = vec![TAG_DICTIONARY];
    chunk.extend_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        decode(&chunk, PhysicalType::I64, 3),
        Err(Error::Corrupt { .. })
    ));
    // Run lengths that do not sum to len.
    let chunk = encode(Values::I32(&[5, 5, 5, 6]), Encoding::RunEnd).unwrap_or_default();
    assert!(decode(&chunk, PhysicalType::I32, 5).is_err());
}

#[test]
fn bad_binary_offsets_are_corrupt() {
    let mut chunk = vec![TAG_PLAIN];
    for o in [0i32, 5, 2] {
        chunk.extend_from_slice(&o.to_le_bytes());
    }
    chunk.extend_from_slice(b"hello");
    assert!(matches!(
        decode(&chunk, PhysicalType::Binary, 2),
        Err(Error::Corrupt { .. })
    ));
}

fn ticks() -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec((-3i64..=3, 0u8..20), 0..3000).prop_map(|steps| {
        let mut p = 10_000i64;
        steps
            .into_iter()
            .map(|(d, odd)| {
                p += d;
                match odd {
                    0 => f64::NAN,
                    1 => -0.0,
                    2 => 9999999999.0,
                    _ => p as f64 / 100.0,
                }
            })
            .collect()
    })
}

/// Integers that are sometimes runs, sometimes narrow, sometimes anything.
fn ints() -> impl Strategy<Value = Vec<i64>> {
    prop_oneof![
        proptest::collection::vec(any::<i64>(), 0..3000),
        proptest::collection::vec(-50i64..50, 0..3000),
        proptest::collection::vec((0i64..4, 1usize..40), 0..200).prop_map(|runs| runs
            .into_iter()
            .flat_map(|(v, n)| std::iter::repeat_n(v * 100, n))
            .collect()),
        proptest::collection::vec(0i64..1_000_000, 0..3000).prop_map(|mut v| {
            v.sort_unstable();
            v
        }),
    ]
}

macro_rules! int_props {
    ($($name:ident: $t:ty => $variant:ident),* $(,)?) => {$(
        proptest! {
            #[test]
            fn $name(v in ints()) {
                let v: Vec<$t> = v.into_iter().map(|x| x as $t).collect();
                round_trip(Values::$variant(&v));
            }
        }
    )*};
}
int_props!(
    prop_i8: i8 => I8, prop_i16: i16 => I16, prop_i32: i32 => I32, prop_i64: i64 => I64,
    prop_u8: u8 => U8, prop_u16: u16 => U16, prop_u32: u32 => U32, prop_u64: u64 => U64,
);

proptest! {
    #[test]
    fn prop_f64_bits(v in proptest::collection::vec(any::<u64>(), 0..3000)) {
        let f: Vec<f64> = v.into_iter().map(f64::from_bits).collect();
        round_trip(Values::F64(&f));
    }
    #[test]
    fn prop_f32_bits(v in proptest::collection::vec(any::<u32>(), 0..3000)) {
        let f: Vec<f32> = v.into_iter().map(f32::from_bits).collect();
        round_trip(Values::F32(&f));
    }
    #[test]
    fn prop_f64_ticks(v in ticks()) {
        round_trip(Values::F64(&v));
    }
    #[test]
    fn prop_f32_ticks(v in ticks()) {
        let f: Vec<f32> = v.into_iter().map(|x| x as f32).collect();
        round_trip(Values::F32(&f));
    }
    #[test]
    fn prop_f64_real(v in proptest::collection::vec(-1e6f64..1e6, 0..3000)) {
        round_trip(Values::F64(&v));
    }
    #[test]
    fn prop_bool(bits in proptest::collection::vec(any::<u8>(), 0..100), cut in 0usize..8) {
        let len = (bits.len() * 8).saturating_sub(cut);
        round_trip(Values::Bool { bits: &bits, len });
    }
    #[test]
    fn prop_bool_runs(runs in proptest::collection::vec(1usize..300, 0..20)) {
        let len: usize = runs.iter().sum();
        let mut bits = vec![0u8; len.div_ceil(8)];
        let (mut i, mut on) = (0, false);
        for n in runs {
            if on { (i..i + n).for_each(|j| bits[j / 8] |= 1 << (j % 8)); }
            i += n;
            on = !on;
        }
        round_trip(Values::Bool { bits: &bits, len });
    }
    #[test]
    fn prop_strings(v in proptest::collection::vec(prop_oneof![".{0,12}", "(AB|CDE|F)"], 0..300)) {
        let mut offsets = vec![0i32];
        let mut data = Vec::new();
        for s in &v { data.extend_from_slice(s.as_bytes()); offsets.push(data.len() as i32); }
        round_trip(Values::Binary { offsets: &offsets, data: &data });
    }
    #[test]
    fn prop_hostile_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), len in 0usize..64, tag in 0u8..14) {
        let mut chunk = bytes;
        if let Some(first) = chunk.first_mut() { *first = tag; }
        for ty in [PhysicalType::I64, PhysicalType::U8, PhysicalType::I16, PhysicalType::F32, PhysicalType::F64, PhysicalType::Bool, PhysicalType::Binary] {
            let _ = decode(&chunk, ty, len);
            let _ = describe_tree(&chunk, ty, len);
        }
    }
    #[test]
    fn prop_mutated_chunks_never_panic(v in ints(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        for enc in LIGHT {
            let Ok(mut chunk) = encode(Values::I64(&v), enc) else { continue };
            for &(at, x) in &flips {
                let n = chunk.len();
                chunk[at % n] ^= x | 1;
            }
            let _ = decode(&chunk, PhysicalType::I64, v.len());
            let _ = describe_tree(&chunk, PhysicalType::I64, v.len());
        }
    }
    #[test]
    fn prop_mutated_float_and_string_chunks_never_panic(v in ticks(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut offsets = vec![0i32];
        let mut data = Vec::new();
        for x in &v { data.extend_from_slice(format!("{x}").as_bytes()); offsets.push(data.len() as i32); }
        let chunks = [
            (encode(Values::F64(&v), Encoding::Auto), PhysicalType::F64),
            (encode(Values::F64(&v), Encoding::AlpRd), PhysicalType::F64),
            (encode(Values::Binary { offsets: &offsets, data: &data }, Encoding::Dictionary), PhysicalType::Binary),
            (encode(Values::Binary { offsets: &offsets, data: &data }, Encoding::Strings), PhysicalType::Binary),
        ];
        for (chunk, ty) in chunks {
            let Ok(mut chunk) = chunk else { continue };
            for &(at, x) in &flips {
                let n = chunk.len();
                chunk[at % n] ^= x | 1;
            }
            let _ = decode(&chunk, ty, v.len());
            let _ = describe_tree(&chunk, ty, v.len());
        }
    }
}

#[test]
fn deeply_nested_hostile_chunk_is_corrupt_not_stack_overflow() {
    let mut chunk = vec![TAG_CONSTANT, 0, 0, 0, 0, 0, 0, 0, 0];
    for _ in 0..10_000 {
        let mut outer = vec![TAG_DELTA, 0];
        outer.extend_from_slice(&[0; 8]);
        outer.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
        outer.extend_from_slice(&chunk);
        chunk = outer;
    }
    assert!(matches!(
        decode(&chunk, PhysicalType::I64, 4),
        Err(Error::Corrupt { .. })
    ));
    assert!(describe_tree(&chunk, PhysicalType::I64, 4).is_err());
}
