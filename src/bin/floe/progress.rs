//! The import progress bar: bytes parsed of the total, MB/s and rows/s, drawn on stderr only when
//! it is a terminal (piped or redirected output stays clean).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Shared by the parser tasks; cheap to update from any thread.
pub struct Progress {
    bar: ProgressBar,
    rows: AtomicU64,
    started: Instant,
}

impl Progress {
    /// A bar over `total_bytes` of input.
    pub fn new(total_bytes: u64) -> Progress {
        let bar = if std::io::stderr().is_terminal() {
            let bar =
                ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress {
            bar,
            rows: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    /// `bytes` more of the input parsed into `rows` more rows.
    pub fn advance(&self, bytes: u64, rows: u64) {
        let total = self.rows.fetch_add(rows, Ordering::Relaxed) + rows;
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        self.bar
            .set_message(format!("{total} rows, {:.0} rows/s", total as f64 / secs));
        self.bar.inc(bytes);
    }

    /// A new phase (writing, say) shown in the bar's message.
    pub fn phase(&self, message: String) {
        self.bar.set_message(message);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
