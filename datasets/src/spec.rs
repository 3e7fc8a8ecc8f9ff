//! What to generate: [`Spec`] (size, symbol count, seed, start time) and the symbol universe.
//!
//! Pure values only; the generators that read a spec live in `quotes` and `trades`.

/// Name of the timestamp column every generated batch is indexed by.
pub const INDEX: &str = "ts";

/// 2024-01-02T14:30:00Z (09:30 New York, the first session of 2024) in ns since the epoch.
const DEFAULT_START_NS: i64 = 1_704_205_800_000_000_000;

/// Parameters of one synthetic dataset; the same spec always yields bit-identical batches.
///
/// ```
/// use floe_datasets::Spec;
/// let spec = Spec::new(10_000).symbols(3).seed(7);
/// assert_eq!((spec.rows, spec.symbols, spec.seed), (10_000, 3, 7));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Total rows across all symbols.
    pub rows: usize,
    /// Number of symbols, named by [`symbol_names`]. Generators treat 0 as 1.
    pub symbols: usize,
    /// Seed of every random stream.
    pub seed: u64,
    /// Timestamp of the first row, in ns since the Unix epoch (UTC).
    pub start_ns: i64,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            rows: 1_000_000,
            symbols: 1,
            seed: 42,
            start_ns: DEFAULT_START_NS,
        }
    }
}

impl Spec {
    /// `rows` rows, defaults otherwise.
    pub fn new(rows: usize) -> Spec {
        Spec {
            rows,
            ..Spec::default()
        }
    }

    /// With `k` symbols.
    pub fn symbols(self, k: usize) -> Spec {
        Spec { symbols: k, ..self }
    }

    /// With seed `s`.
    pub fn seed(self, s: u64) -> Spec {
        Spec { seed: s, ..self }
    }

    /// Starting at `t` ns since the epoch.
    pub fn start_ns(self, t: i64) -> Spec {
        Spec {
            start_ns: t,
            ..self
        }
    }

    /// The symbol count the generators actually use.
    pub(crate) fn symbol_count(&self) -> usize {
        self.symbols.max(1)
    }
}

/// Large US listings, most active first; symbols beyond them are `SYM0050`, `SYM0051`, ...
const TICKERS: [&str; 50] = [
    "AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "AMD", "JPM", "V", "UNH", "XOM",
    "JNJ", "WMT", "MA", "PG", "AVGO", "HD", "CVX", "MRK", "ABBV", "KO", "PEP", "COST", "ADBE",
    "CRM", "BAC", "TMO", "MCD", "CSCO", "ACN", "NFLX", "LIN", "ABT", "ORCL", "DHR", "WFC", "DIS",
    "TXN", "PM", "VZ", "INTC", "CMCSA", "NKE", "NEE", "UPS", "RTX", "HON", "QCOM", "IBM",
];

/// `k` distinct ticker names: real ones first, then `SYM` and the zero-padded index (`SYM0042`).
pub fn symbol_names(k: usize) -> Vec<String> {
    (0..k)
        .map(|i| match TICKERS.get(i) {
            Some(t) => (*t).to_owned(),
            None => format!("SYM{i:04}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_start_is_the_2024_open() {
        // Days from 1970-01-01 to 2024-01-02: 54 years, 13 of them leap (1972..=2020), plus one day.
        let days = 54 * 365 + 13 + 1;
        let secs = days * 86_400 + (14 * 60 + 30) * 60;
        assert_eq!(Spec::default().start_ns, secs * 1_000_000_000);
    }

    #[test]
    fn builders_change_one_field() {
        let base = Spec::new(5);
        assert_eq!(base.rows, 5);
        assert_eq!(
            Spec {
                rows: 1_000_000,
                ..base
            },
            Spec::default()
        );
        assert_eq!(base.symbols(4).symbols, 4);
        assert_eq!(base.seed(9).seed, 9);
        assert_eq!(base.start_ns(-3).start_ns, -3);
        assert_eq!(base.symbols(0).symbol_count(), 1);
    }

    #[test]
    fn symbol_names_are_distinct_and_stable() {
        let names = symbol_names(5_000);
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(&names[..2], ["AAPL", "MSFT"]);
        assert_eq!(names[42], "CMCSA");
        assert_eq!(names[50], "SYM0050");
        assert_eq!(names[4_321], "SYM4321");
        assert!(symbol_names(0).is_empty());
        assert!(names.iter().all(|n| {
            n.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }));
    }
}
