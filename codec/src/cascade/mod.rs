//! The sampling cascade: picks, for one stream, the encoding that makes it smallest within a
//! decode-cost budget, in the manner of BtrBlocks and Vortex.
//!
//! Each candidate is estimated on a sample (about 1% of the values, in runs of 64, evenly spaced,
//! at least 16 runs; short streams are used whole), so the choice is cheap and deterministic. A
//! candidate with children (delta's deltas, a dictionary's codes, ALP's integers) is estimated by
//! running the same choice on the sample's children, at most three levels deep. The winner is then
//! run on the full stream, and each child stream is chosen afresh on its own sample. The choice is
//! recorded only in the chunk's tags, so a reader needs nothing from here.
//!
//! Costs are rough decode nanoseconds per value on a current x86 core; the budget keeps the
//! general-purpose stages (lz4, zstd) out unless they win by enough to pay for their decode time.
//! This module owns the choice; it must not define any byte layout.

use crate::alp;
use crate::alprd;
use crate::bytes::put_child_with;
use crate::constant;
use crate::dict;
use crate::divide;
use crate::encoding::{encode_binary_with, encode_words_into};
use crate::frame;
use crate::runend;
use crate::word::{Word, put_words};
use crate::{Result, delta};
use std::borrow::Cow;

/// How a stream's words are to be read when ordering or transforming them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Unsigned integers (and codes, lengths, positions).
    Unsigned,
    /// Two's-complement integers.
    Signed,
    /// IEEE floats of the word's width.
    Float,
}

/// A concrete encoding with the parameters the cascade chose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scheme {
    Plain,
    Lz4,
    Zstd(i32),
    Constant,
    BitPacked { patches: bool },
    Delta,
    RunEnd,
    Dictionary,
    Alp,
    AlpRd(u32),
    Divide,
    Strings,
}

/// Levels of encodings, the top one included.
const MAX_DEPTH: u8 = 3;
/// Values per sampled run.
const RUN: usize = 64;
/// Streams up to this long are estimated whole.
const WHOLE: usize = 4096;
/// Decode budget in ns per output byte: 0.15 keeps decoding near memory speed.
const BUDGET_PER_BYTE: f64 = 0.15;
/// zstd level used as a cascade stage.
const ZSTD_LEVEL: i32 = 3;

/// An estimate: stored bytes per value and decode ns per value.
#[derive(Debug, Clone, Copy)]
struct Est {
    bytes: f64,
    cost: f64,
}

/// About 1% of `values` in evenly spaced runs of 64, or all of them when short.
pub(crate) fn sample<W: Copy>(values: &[W]) -> Cow<'_, [W]> {
    let n = values.len();
    if n <= WHOLE {
        return Cow::Borrowed(values);
    }
    let runs = (n / 100 / RUN).max(16);
    let stride = n / runs;
    let mut s = Vec::with_capacity(runs * RUN);
    for i in 0..runs {
        s.extend_from_slice(&values[i * stride..i * stride + RUN]);
    }
    Cow::Owned(s)
}

/// Whether `s` is a sample made of runs (so derived streams should not cross run boundaries).
fn runs_of(s_len: usize, n: usize) -> usize {
    if n <= WHOLE { s_len.max(1) } else { RUN }
}

/// What [`choose`] counted over a whole stream that the chosen encoder needs again, so it is
/// not counted twice: the histogram of distinct values (dictionary). (Run-end needs no count:
/// it writes its runs into buffers as long as the stream.)
#[derive(Debug)]
pub(crate) struct Measured<W> {
    /// [`dict::histogram`] of the stream, with no limit on distinct values.
    pub(crate) hist: Option<Vec<(W, u32)>>,
}

impl<W> Measured<W> {
    /// Nothing measured: the encoder counts for itself.
    pub(crate) fn nothing() -> Measured<W> {
        Measured { hist: None }
    }
}

/// Chooses the scheme for `values` at `depth`, with what was measured on the way.
pub(crate) fn choose<W: Word>(values: &[W], kind: Kind, depth: u8) -> (Scheme, Measured<W>) {
    let mut measured = Measured::nothing();
    if values.is_empty() {
        return (Scheme::Plain, measured);
    }
    if constant::is_constant(values) {
        return (Scheme::Constant, measured);
    }
    let s = sample(values);
    let run = runs_of(s.len(), values.len());
    let budget = BUDGET_PER_BYTE * W::BYTES as f64;
    let mut cands = candidates(&s, run, kind, depth, budget);
    // A divisor seen in the sample must hold for every value before it can be used.
    cands.retain(|(scheme, _)| {
        *scheme != Scheme::Divide
            || divide::common_divisor(&s, kind).is_some_and(|(b, g)| divide::divides(values, b, g))
    });
    correct_with_full_data(values, kind, &s, run, &mut cands, budget, &mut measured);
    let scheme = pick(&cands, budget).map_or(Scheme::Plain, |(scheme, _)| scheme);
    (scheme, measured)
}

/// Samples see too few distinct values and too many runs when values drift slowly: correct the
/// dictionary and run-length estimates with counts over the whole stream. Runs are one cheap
/// vectorised pass; the dictionary's exact count (a hash per value) is taken only when the
/// dictionary would otherwise win, since the correction can only make it larger.
fn correct_with_full_data<W: Word>(
    values: &[W],
    kind: Kind,
    s: &[W],
    run: usize,
    cands: &mut [(Scheme, Est)],
    budget: f64,
    measured: &mut Measured<W>,
) {
    let n = values.len() as f64;
    for (scheme, est) in cands.iter_mut() {
        if *scheme == Scheme::RunEnd {
            let sampled: usize = s.chunks(run).map(runend::count_runs).sum();
            let runs = runend::count_runs(values);
            est.bytes *= (runs as f64 / n) / (sampled as f64 / s.len() as f64).max(1e-9);
        }
    }
    if pick(cands, budget).is_none_or(|(scheme, _)| scheme != Scheme::Dictionary) {
        return;
    }
    // The dictionary alone must stay below the next best candidate to win.
    let others = cands
        .iter()
        .filter(|(scheme, e)| *scheme != Scheme::Dictionary && e.cost <= budget)
        .map(|(_, e)| e.bytes)
        .fold(f64::INFINITY, f64::min);
    let max_distinct = ((others * n / W::BYTES as f64) as usize).min(values.len() / 2);
    for (scheme, est) in cands.iter_mut() {
        if *scheme != Scheme::Dictionary {
            continue;
        }
        match dict::histogram(values, kind, max_distinct) {
            Some(hist) => {
                let mut bits = [0u32; 65];
                for (code, &(_, count)) in hist.iter().enumerate() {
                    bits[(usize::BITS - code.leading_zeros()) as usize] += count;
                }
                let (_, code_bits) = frame::best_width(&bits, values.len(), true);
                let full = code_bits as f64 / 8.0 / n + hist.len() as f64 * W::BYTES as f64 / n;
                est.bytes = est.bytes.max(full);
                // A histogram within a limit is the whole histogram.
                measured.hist = Some(hist);
            }
            None => est.bytes = f64::INFINITY,
        }
    }
}

/// Chooses and encodes `values` at `depth`, appending them to `out` as a child chunk.
pub(crate) fn put_words_child<W: Word>(
    values: &[W],
    kind: Kind,
    depth: u8,
    out: &mut Vec<u8>,
) -> Result<()> {
    let (scheme, measured) = choose(values, kind, depth);
    put_child_with(out, |out| {
        encode_words_into(values, kind, scheme, measured, depth, out)
    })
}

/// Encodes a small auxiliary stream (block bases, patch positions): constant, bit-packed
/// without patches, or plain, whichever is smallest; never recursive. Appended to `out` as a
/// child chunk.
pub(crate) fn put_leaf_child<W: Word>(values: &[W], kind: Kind, out: &mut Vec<u8>) -> Result<()> {
    let scheme = if constant::is_constant(values) {
        Scheme::Constant
    } else if values.len() >= 16
        && kind != Kind::Float
        && frame::estimate(values, kind, false) < W::BYTES as f64
    {
        Scheme::BitPacked { patches: false }
    } else {
        Scheme::Plain
    };
    put_child_with(out, |out| {
        encode_words_into(values, kind, scheme, Measured::nothing(), MAX_DEPTH, out)
    })
}

/// The smallest candidate within `budget`; among those within 1% of it, the cheapest.
fn pick(cands: &[(Scheme, Est)], budget: f64) -> Option<(Scheme, Est)> {
    let within = cands.iter().filter(|(_, e)| e.cost <= budget);
    let best = within
        .clone()
        .map(|(_, e)| e.bytes)
        .fold(f64::INFINITY, f64::min);
    within
        .filter(|(_, e)| e.bytes <= best * 1.01 + 1e-9)
        .min_by(|a, b| a.1.cost.total_cmp(&b.1.cost))
        .or_else(|| cands.iter().min_by(|a, b| a.1.cost.total_cmp(&b.1.cost)))
        .copied()
}

/// The best estimate for a derived stream (already a sample).
fn best<W: Word>(s: &[W], run: usize, kind: Kind, depth: u8, budget: f64) -> Est {
    if s.is_empty() {
        return Est {
            bytes: 0.0,
            cost: 0.0,
        };
    }
    if constant::is_constant(s) {
        return Est {
            bytes: W::BYTES as f64 / s.len() as f64,
            cost: 0.05,
        };
    }
    pick(&candidates(s, run, kind, depth, budget), budget).map_or(
        Est {
            bytes: W::BYTES as f64,
            cost: 0.1,
        },
        |c| c.1,
    )
}

/// Every applicable candidate for a sample `s` made of runs of `run` values.
fn candidates<W: Word>(
    s: &[W],
    run: usize,
    kind: Kind,
    depth: u8,
    budget: f64,
) -> Vec<(Scheme, Est)> {
    let n = s.len() as f64;
    let copy = 0.09 * W::BYTES as f64;
    let mut out = vec![(
        Scheme::Plain,
        Est {
            bytes: W::BYTES as f64,
            cost: copy,
        },
    )];
    if constant::is_constant(s) {
        out.push((
            Scheme::Constant,
            Est {
                bytes: W::BYTES as f64 / n,
                cost: 0.05,
            },
        ));
        return out;
    }
    let float = kind == Kind::Float;
    if !float {
        out.push((
            Scheme::BitPacked { patches: true },
            Est {
                bytes: frame::estimate(s, kind, true),
                cost: 0.02 + 0.04 * W::BYTES as f64,
            },
        ));
    }
    let nested = depth + 1 < MAX_DEPTH;
    if nested && !float {
        // Deltas within each sampled run, so run boundaries do not look like jumps.
        let mut d = vec![W::ZERO; s.len()];
        for (c, o) in s.chunks(run).zip(d.chunks_mut(run)) {
            delta::forward_into(c, kind, o);
        }
        let c = best(&d, run, Kind::Unsigned, depth + 1, budget - 0.35);
        out.push((
            Scheme::Delta,
            Est {
                bytes: c.bytes,
                cost: c.cost + 0.35,
            },
        ));
        if let Some((base, g)) = divide::common_divisor(s, kind) {
            let q = divide::quotients(s, base, g);
            let c = best(&q, run, Kind::Unsigned, depth + 1, budget - 0.3);
            out.push((
                Scheme::Divide,
                Est {
                    bytes: c.bytes,
                    cost: c.cost + 0.3,
                },
            ));
        }
    }
    if nested && float {
        if let Some((_, _, ints, exceptions)) = alp::analyze(s) {
            let share = exceptions as f64 / n;
            if share < 0.5 {
                let c = best(&ints, run, Kind::Signed, depth + 1, budget - 0.5);
                let bytes = c.bytes + share * (W::BYTES as f64 + 2.0);
                out.push((
                    Scheme::Alp,
                    Est {
                        bytes,
                        cost: c.cost + 0.5 + share * 4.0,
                    },
                ));
            }
        }
        let (right, bytes) = alprd::estimate(s);
        out.push((Scheme::AlpRd(right), Est { bytes, cost: 0.9 }));
    }
    if nested {
        let runs: usize = s.chunks(run).map(runend::count_runs).sum();
        if runs * 4 <= s.len() * 3 {
            let (vals, lens) = runend::runs(s);
            let cv = best(&vals, run, kind, depth + 1, budget);
            let cl = best(&lens, run, Kind::Unsigned, depth + 1, budget);
            let share = vals.len() as f64 / n;
            out.push((
                Scheme::RunEnd,
                Est {
                    bytes: share * (cv.bytes + cl.bytes),
                    cost: 0.3 + share * (cv.cost + cl.cost),
                },
            ));
        }
        if let Some(hist) = dict::histogram(s, kind, s.len() / 2) {
            let k = hist.len();
            let dict: Vec<W> = hist.iter().map(|h| h.0).collect();
            let cd = best(&dict, dict.len(), kind, depth + 1, budget);
            let ranks: dict::FxMap<W, u32> = dict
                .iter()
                .enumerate()
                .map(|(i, &v)| (v, i as u32))
                .collect();
            let code = |v: &W| ranks.get(v).copied().unwrap_or(0) as u64;
            let cc = if k <= 1 << 8 {
                best(
                    &s.iter().map(|v| code(v) as u8).collect::<Vec<_>>(),
                    run,
                    Kind::Unsigned,
                    depth + 1,
                    budget - 0.5,
                )
            } else if k <= 1 << 16 {
                best(
                    &s.iter().map(|v| code(v) as u16).collect::<Vec<_>>(),
                    run,
                    Kind::Unsigned,
                    depth + 1,
                    budget - 0.5,
                )
            } else {
                best(
                    &s.iter().map(|v| code(v) as u32).collect::<Vec<_>>(),
                    run,
                    Kind::Unsigned,
                    depth + 1,
                    budget - 0.5,
                )
            };
            let share = k as f64 / n;
            out.push((
                Scheme::Dictionary,
                Est {
                    bytes: cc.bytes + share * cd.bytes,
                    cost: cc.cost + 0.5,
                },
            ));
        }
    }
    // The general-purpose stages' decode costs do not depend on their output: compress the
    // sample only when that cost fits the budget at all.
    let lz4_cost = copy + 0.25 * W::BYTES as f64;
    let zstd_cost = copy + 1.0 * W::BYTES as f64;
    if depth == 0 && s.len() >= 256 && lz4_cost.min(zstd_cost) <= budget {
        let mut raw = Vec::with_capacity(s.len() * W::BYTES);
        put_words(s, &mut raw);
        if lz4_cost <= budget {
            let lz4 = lz4_flex::block::compress(&raw).len() as f64;
            out.push((
                Scheme::Lz4,
                Est {
                    bytes: (lz4 + 4.0) / n,
                    cost: lz4_cost,
                },
            ));
        }
        if zstd_cost <= budget
            && let Ok(z) = crate::general::zstd_frame(&raw, ZSTD_LEVEL)
        {
            out.push((
                Scheme::Zstd(ZSTD_LEVEL),
                Est {
                    bytes: (z.len() as f64 + 4.0) / n,
                    cost: zstd_cost,
                },
            ));
        }
    }
    out
}

/// Chooses and encodes strings at `depth`.
pub(crate) fn encode_binary(offsets: &[i32], data: &[u8], depth: u8) -> Result<Vec<u8>> {
    let n = offsets.len().saturating_sub(1);
    if n == 0 {
        return encode_binary_with(offsets, data, Scheme::Plain, depth);
    }
    let idx = sample(&(0..n).collect::<Vec<usize>>()).into_owned();
    let run = runs_of(idx.len(), n);
    let mut s_offsets = vec![0i32];
    let mut s_data = Vec::new();
    let mut lengths = Vec::with_capacity(idx.len());
    for &i in &idx {
        let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
        s_data.extend_from_slice(&data[a..b]);
        s_offsets.push(s_data.len() as i32);
        lengths.push((b - a) as u32);
    }
    let sn = idx.len() as f64;
    let avg = s_data.len() as f64 / sn;
    let budget = BUDGET_PER_BYTE * (4.0 + avg) + 1.0;
    let mut cands = vec![(
        Scheme::Plain,
        Est {
            bytes: 4.0 + avg,
            cost: 0.09 * (4.0 + avg),
        },
    )];
    if depth + 1 < MAX_DEPTH {
        let cl = best(&lengths, run, Kind::Unsigned, depth + 1, budget);
        let cb = best(
            &s_data,
            s_data.len().max(1),
            Kind::Unsigned,
            depth + 1,
            budget,
        );
        cands.push((
            Scheme::Strings,
            Est {
                bytes: cl.bytes + avg * cb.bytes,
                cost: 0.5 + cl.cost + avg * cb.cost,
            },
        ));
        if let Some((dict, codes)) = dict::string_dictionary(&s_offsets, &s_data, idx.len() / 2) {
            let k = dict.len();
            let dict_bytes: f64 = dict.iter().map(|d| d.len() as f64 + 1.0).sum::<f64>() / sn;
            let cc = if k <= 1 << 8 {
                best(
                    &codes.iter().map(|&c| c as u8).collect::<Vec<_>>(),
                    run,
                    Kind::Unsigned,
                    depth + 1,
                    budget,
                )
            } else {
                best(
                    &codes.iter().map(|&c| c as u16).collect::<Vec<_>>(),
                    run,
                    Kind::Unsigned,
                    depth + 1,
                    budget,
                )
            };
            cands.push((
                Scheme::Dictionary,
                Est {
                    bytes: cc.bytes + dict_bytes,
                    cost: 0.8 + cc.cost + 0.05 * avg,
                },
            ));
        }
    }
    let (lz4_cost, zstd_cost) = (0.25 * (4.0 + avg), 1.0 * (4.0 + avg));
    if depth == 0 && lz4_cost.min(zstd_cost) <= budget {
        let mut raw = Vec::with_capacity(s_data.len() + 4 * idx.len());
        s_offsets
            .iter()
            .for_each(|o| raw.extend_from_slice(&o.to_le_bytes()));
        raw.extend_from_slice(&s_data);
        if lz4_cost <= budget {
            cands.push((
                Scheme::Lz4,
                Est {
                    bytes: (lz4_flex::block::compress(&raw).len() as f64 + 4.0) / sn,
                    cost: lz4_cost,
                },
            ));
        }
        if zstd_cost <= budget
            && let Ok(z) = crate::general::zstd_frame(&raw, ZSTD_LEVEL)
        {
            cands.push((
                Scheme::Zstd(ZSTD_LEVEL),
                Est {
                    bytes: (z.len() as f64 + 4.0) / sn,
                    cost: zstd_cost,
                },
            ));
        }
    }
    let scheme = pick(&cands, budget).map_or(Scheme::Plain, |c| c.0);
    encode_binary_with(offsets, data, scheme, depth)
}
