//! SVG bar charts for `floe bench report` (plotters, SVG backend only): one horizontal bar per
//! figure, one colour per machine, floe's bars solid and its peers' pale when a chart has both.
//! This file only draws; which figures to draw is report.rs's.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt::Write as _;
use std::path::Path;

/// One horizontal bar: a category, the machine it was measured on, its value.
pub struct Bar {
    /// Category shown on the axis.
    pub label: String,
    /// Index of the machine (colour).
    pub series: usize,
    /// Length of the bar.
    pub value: f64,
}

/// Draws a horizontal bar chart, one colour per machine, into `dir/file` and links it from `md`.
pub fn chart(
    md: &mut String,
    dir: &Path,
    file: &str,
    title: &str,
    unit: &str,
    machines: &[String],
    bars: &[Bar],
) -> anyhow::Result<()> {
    if bars.is_empty() {
        return Ok(());
    }
    let path = dir.join(file);
    draw(&path, title, unit, machines, bars)
        .map_err(|e| anyhow::anyhow!("cannot draw {}: {e}", path.display()))?;
    writeln!(md, "![{title}]({file})\n")?;
    Ok(())
}

/// Whether a bar measures floe rather than a peer: its label's first word is floe's
/// (`floe write`, `floe/bid`, `floe_unpack_u32/3`).
pub fn is_floe(label: &str) -> bool {
    label
        .split([' ', '/', '_'])
        .next()
        .is_some_and(|first| first == "floe")
}

fn draw(
    path: &Path,
    title: &str,
    unit: &str,
    machines: &[String],
    bars: &[Bar],
) -> Result<(), Box<dyn std::error::Error>> {
    let n = u32::try_from(bars.len())?;
    // Integer segments include both ends: 0..last gives one row per bar, the first bar on top
    // (a range of one value draws no label, so a single bar gets an empty row above it).
    let last = n.saturating_sub(1);
    let row = |i: usize| last.saturating_sub(u32::try_from(i).unwrap_or(u32::MAX));
    let legend = (u32::try_from(machines.len())? + 1) * 20;
    let height = 110 + 24 * n + legend;
    let label_width = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(60) as u32
        * 7
        + 20;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let max = if max > 0.0 { max * 1.2 } else { 1.0 };
    let root = SVGBackend::new(path, (1000, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(height - legend - 10);
    let mut chart = ChartBuilder::on(&top)
        .caption(title, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0f64..max, (0u32..last.max(1)).into_segmented())?;
    let label_of = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(at) => last
            .checked_sub(*at)
            .and_then(|i| bars.get(i as usize))
            .map(|b| b.label.chars().take(60).collect())
            .unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(bars.len())
        .y_label_formatter(&label_of)
        .x_desc(unit)
        .draw()?;
    let color = |series: usize| Palette99::pick(series).to_rgba();
    let mixed = bars.iter().any(|b| is_floe(&b.label)) && !bars.iter().all(|b| is_floe(&b.label));
    let fill = |b: &Bar| {
        let c = color(b.series);
        if mixed && !is_floe(&b.label) {
            c.mix(0.4).filled()
        } else {
            c.filled()
        }
    };
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let i = row(i);
        let mut rect = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(i)),
                (b.value, SegmentValue::Exact(i + 1)),
            ],
            fill(b),
        );
        rect.set_margin(3, 3, 0, 0);
        rect
    }))?;
    let value_style = TextStyle::from(("sans-serif", 12)).pos(Pos::new(HPos::Left, VPos::Center));
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        Text::new(
            format!(" {:.2}", b.value),
            (b.value, SegmentValue::CenterOf(row(i))),
            value_style.clone(),
        )
    }))?;
    for (m, name) in machines.iter().enumerate() {
        let y = 5 + 20 * i32::try_from(m)?;
        bottom.draw(&Rectangle::new(
            [
                (20 + label_width as i32, y),
                (32 + label_width as i32, y + 12),
            ],
            color(m).filled(),
        ))?;
        bottom.draw(&Text::new(
            name.clone(),
            (40 + label_width as i32, y),
            ("sans-serif", 13),
        ))?;
    }
    if mixed {
        let y = 5 + 20 * i32::try_from(machines.len())?;
        bottom.draw(&Text::new(
            "solid: floe · pale: peers",
            (40 + label_width as i32, y),
            ("sans-serif", 13),
        ))?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_floe;

    #[test]
    fn floe_bars_are_told_from_peers_by_their_first_word() {
        for label in ["floe write", "floe/bid", "floe_unpack_u32/3", "floe_1pct"] {
            assert!(is_floe(label), "{label}");
        }
        for label in [
            "parquet-zstd3 write",
            "lz4/bid",
            "fastlanes_unpack_u32/3",
            "raw",
            "floes",
        ] {
            assert!(!is_floe(label), "{label}");
        }
    }
}
