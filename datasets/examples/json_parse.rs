//! Times JSON parsers on every payload of the Binance capture:
//! `cargo run --release -p floe-datasets --example json_parse [capture.gz]`.
//!
//! A measuring aid for "simd-json parses at least 2x faster than serde_json", not a benchmark:
//! each parser runs over all 93,954 payloads 5 times and the median wall time is printed, with
//! throughput and the ratio to serde_json. simd-json parses in place, so its timings include
//! copying each payload into a scratch buffer first; serde_json reads the payloads as they are.
//! Typed parsing uses one serde struct for both crates. The last rows are the loader's own line
//! parser (simd-json tape, field extraction, decimal parsing, owned events), for scale.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use floe_datasets::{BinanceParser, parse_binance_line, shared_dataset};
use serde::Deserialize;

const SAMPLE: &str = "binance_usdm_btcusdt_20240808.gz";
const RUNS: usize = 5;

/// One capture line's JSON, typed: a stream envelope or a REST depth snapshot.
#[derive(Deserialize)]
#[allow(dead_code)] // Fields are parsed to be timed, not read.
struct Line<'a> {
    #[serde(borrow)]
    stream: Option<&'a str>,
    #[serde(borrow)]
    data: Option<Data<'a>>,
    #[serde(rename = "lastUpdateId")]
    last_update_id: Option<u64>,
    #[serde(rename = "E")]
    event_ms: Option<u64>,
    #[serde(rename = "T")]
    transaction_ms: Option<u64>,
    #[serde(borrow, default)]
    bids: Vec<[&'a str; 2]>,
    #[serde(borrow, default)]
    asks: Vec<[&'a str; 2]>,
}

#[derive(Deserialize)]
#[serde(tag = "e")]
#[allow(dead_code)]
enum Data<'a> {
    #[serde(rename = "trade")]
    Trade {
        #[serde(rename = "E")]
        event_ms: u64,
        #[serde(rename = "T")]
        transaction_ms: u64,
        s: &'a str,
        t: u64,
        p: &'a str,
        q: &'a str,
        #[serde(rename = "X")]
        kind: &'a str,
        m: bool,
    },
    #[serde(rename = "bookTicker")]
    BookTicker {
        u: u64,
        s: &'a str,
        b: &'a str,
        #[serde(rename = "B")]
        bid_qty: &'a str,
        a: &'a str,
        #[serde(rename = "A")]
        ask_qty: &'a str,
        #[serde(rename = "T")]
        transaction_ms: u64,
        #[serde(rename = "E")]
        event_ms: u64,
    },
    #[serde(rename = "depthUpdate")]
    Depth {
        #[serde(rename = "E")]
        event_ms: u64,
        #[serde(rename = "T")]
        transaction_ms: u64,
        s: &'a str,
        #[serde(rename = "U")]
        first: u64,
        u: u64,
        pu: u64,
        #[serde(borrow)]
        b: Vec<[&'a str; 2]>,
        #[serde(borrow)]
        a: Vec<[&'a str; 2]>,
    },
}

/// Every line of the capture, split into receive time and JSON payload.
fn read_lines(path: &Path) -> std::io::Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let file = std::fs::File::open(path)?;
    let reader = BufReader::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)));
    let mut lines = Vec::new();
    for line in reader.split(b'\n') {
        let line = line?;
        let space = line.iter().position(|&b| b == b' ').unwrap_or(0);
        lines.push((line[..space].to_vec(), line[space + 1..].to_vec()));
    }
    Ok(lines)
}

/// Parses every payload once and returns how many parsed.
type ParseAll<'a> = Box<dyn FnMut() -> usize + 'a>;

/// `<recv> <json>` in `line`, replacing what it held.
fn line_into(line: &mut Vec<u8>, recv: &[u8], json: &[u8]) {
    line.clear();
    line.extend_from_slice(recv);
    line.push(b' ');
    line.extend_from_slice(json);
}

/// The median of `RUNS` timings of `parse_all`, which returns a count to keep the work alive.
fn median(parse_all: &mut dyn FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::with_capacity(RUNS);
    let mut check = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        check = std::hint::black_box(parse_all());
        times.push(start.elapsed());
    }
    times.sort();
    (times[RUNS / 2], check)
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .or_else(|| shared_dataset(SAMPLE));
    let Some(path) = path else {
        eprintln!("{SAMPLE} not found: pass its path or set FLOE_SHARED_DATASETS");
        std::process::exit(2);
    };
    let lines = match read_lines(&path) {
        Ok(lines) => lines,
        Err(e) => {
            eprintln!("cannot read {}: {e}", path.display());
            std::process::exit(1);
        }
    };
    let payloads: Vec<&[u8]> = lines.iter().map(|(_, json)| json.as_slice()).collect();
    let (lines, payloads) = (&lines, &payloads);
    let bytes: usize = payloads.iter().map(|p| p.len()).sum();
    println!(
        "{} payloads, {:.1} MB of JSON, median of {RUNS} runs\n",
        payloads.len(),
        bytes as f64 / 1e6
    );

    let mut scratch = Vec::new();
    let mut buffers = simd_json::Buffers::default();
    let mut cases: Vec<(&str, ParseAll)> = Vec::new();
    cases.push((
        "serde_json -> serde_json::Value",
        Box::new(|| {
            payloads
                .iter()
                .filter(|p| serde_json::from_slice::<serde_json::Value>(p).is_ok())
                .count()
        }),
    ));
    cases.push((
        "serde_json -> typed struct",
        Box::new(|| {
            payloads
                .iter()
                .filter(|p| serde_json::from_slice::<Line>(p).is_ok())
                .count()
        }),
    ));
    cases.push((
        "simd-json -> BorrowedValue",
        Box::new(move || {
            let mut ok = 0;
            for p in payloads {
                scratch.clear();
                scratch.extend_from_slice(p);
                ok += usize::from(simd_json::to_borrowed_value(&mut scratch).is_ok());
            }
            ok
        }),
    ));
    let mut scratch = Vec::new();
    cases.push((
        "simd-json -> tape",
        Box::new(move || {
            let mut ok = 0;
            for p in payloads {
                scratch.clear();
                scratch.extend_from_slice(p);
                ok += usize::from(simd_json::to_tape(&mut scratch).is_ok());
            }
            ok
        }),
    ));
    let mut scratch = Vec::new();
    cases.push((
        "simd-json -> tape, reused buffers",
        Box::new(move || {
            let mut ok = 0;
            for p in payloads {
                scratch.clear();
                scratch.extend_from_slice(p);
                ok += usize::from(
                    simd_json::to_tape_with_buffers(&mut scratch, &mut buffers).is_ok(),
                );
            }
            ok
        }),
    ));
    let mut scratch = Vec::new();
    cases.push((
        "simd-json -> typed struct (serde)",
        Box::new(move || {
            let mut ok = 0;
            for p in payloads {
                scratch.clear();
                scratch.extend_from_slice(p);
                ok += usize::from(simd_json::from_slice::<Line>(&mut scratch).is_ok());
            }
            ok
        }),
    ));
    let file = Path::new(SAMPLE);
    let mut scratch = Vec::new();
    cases.push((
        "floe parse_binance_line (whole line)",
        Box::new(move || {
            let mut ok = 0;
            for (recv, json) in lines {
                line_into(&mut scratch, recv, json);
                ok += usize::from(parse_binance_line(&mut scratch, file, 0).is_ok());
            }
            ok
        }),
    ));
    let mut scratch = Vec::new();
    let mut parser = BinanceParser::new();
    cases.push((
        "floe BinanceParser (whole line)",
        Box::new(move || {
            let mut ok = 0;
            for (recv, json) in lines {
                line_into(&mut scratch, recv, json);
                ok += usize::from(parser.parse(&mut scratch, file, 0).is_ok());
            }
            ok
        }),
    ));

    let mut results = Vec::new();
    for (name, parse_all) in &mut cases {
        let (time, ok) = median(parse_all.as_mut());
        if ok != payloads.len() {
            eprintln!("{name}: only {ok} of {} payloads parsed", payloads.len());
            std::process::exit(1);
        }
        results.push((*name, time));
    }
    let serde_value = results[0].1.as_secs_f64();
    let serde_typed = results[1].1.as_secs_f64();
    println!(
        "{:<38} {:>10} {:>10} {:>14} {:>14}",
        "parser", "median ms", "MB/s", "x serde Value", "x serde typed"
    );
    for (name, time) in &results {
        let s = time.as_secs_f64();
        println!(
            "{name:<38} {:>10.2} {:>10.0} {:>14.2} {:>14.2}",
            s * 1e3,
            bytes as f64 / s / 1e6,
            serde_value / s,
            serde_typed / s
        );
    }
}
