//! SVG bar charts for `floe bench report` (plotters, SVG backend only): one horizontal bar per
//! figure, one colour per machine. This file only draws; which figures to draw is report.rs's.

use plotters::prelude::*;
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

fn draw(
    path: &Path,
    title: &str,
    unit: &str,
    machines: &[String],
    bars: &[Bar],
) -> Result<(), Box<dyn std::error::Error>> {
    let n = u32::try_from(bars.len())?;
    let legend = u32::try_from(machines.len())? * 20;
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
        .build_cartesian_2d(0f64..max, (0u32..n).into_segmented())?;
    let label_of = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) => bars
            .get(*i as usize)
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
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let i = i as u32;
        let mut rect = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(i)),
                (b.value, SegmentValue::Exact(i + 1)),
            ],
            color(b.series).filled(),
        );
        rect.set_margin(3, 3, 0, 0);
        rect
    }))?;
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        Text::new(
            format!("{:.2}", b.value),
            (b.value, SegmentValue::CenterOf(i as u32)),
            ("sans-serif", 12),
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
    root.present()?;
    Ok(())
}
