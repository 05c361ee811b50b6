//! Charts (plotters): one function per chart kind, each returning SVG text; the page inlines
//! the SVG, and a CSV with exactly the chart's data is written beside each chart.

use std::collections::BTreeMap;

use plotters::prelude::*;

use super::Lang;
use crate::analysis::Analysis;
use crate::dict::IndicatorDict;
use crate::extract::format_value;

/// One rendered chart and its data.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem, safe on Windows and Linux (`bar_reconsideration.received`).
    pub name: String,
    /// Title as shown.
    pub title: String,
    /// SVG document.
    pub svg: String,
    /// The chart's data as CSV.
    pub data_csv: Vec<u8>,
}

/// Renders every chart the analysis supports.
pub fn render_charts(
    analysis: &Analysis,
    dict: &IndicatorDict,
    lang: Lang,
) -> anyhow::Result<Vec<Chart>> {
    // metric → county → (year, value): the latest annual/stock value per county.
    let mut latest: BTreeMap<&str, BTreeMap<&str, (i32, f64)>> = BTreeMap::new();
    for f in &analysis.facts {
        let slot = latest
            .entry(f.metric.as_str())
            .or_default()
            .entry(f.county.as_str())
            .or_insert((f.year, f.value));
        if f.year > slot.0 {
            *slot = (f.year, f.value);
        }
    }
    let mut charts = Vec::new();
    for (metric, by_county) in latest {
        let bars: Vec<(String, i32, f64)> = by_county
            .into_iter()
            .map(|(c, (y, v))| (c.to_string(), y, v))
            .collect();
        let title = dict.name(metric, lang.is_en()).to_string();
        charts.push(bar_chart(metric, &title, &bars)?);
    }
    Ok(charts)
}

/// A cross-county bar chart of one indicator's latest values.
pub fn bar_chart(metric: &str, title: &str, bars: &[(String, i32, f64)]) -> anyhow::Result<Chart> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 360)).into_drawing_area();
        root.fill(&WHITE)?;
        let max = bars.iter().map(|b| b.2).fold(0.0_f64, f64::max).max(1.0) * 1.15;
        let names: Vec<String> = bars.iter().map(|b| format!("{} {}", b.0, b.1)).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d((0..bars.len()).into_segmented(), 0.0..max)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .draw()?;
        chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
                    (SegmentValue::Exact(i + 1), b.2),
                ],
                BLUE.mix(0.6).filled(),
            )
        }))?;
        root.present()?;
    }
    let mut wtr = csv::Writer::from_writer(Vec::new());
    wtr.write_record(["county", "year", "value"])?;
    for b in bars {
        wtr.write_record([b.0.as_str(), &b.1.to_string(), &format_value(b.2)])?;
    }
    Ok(Chart {
        name: format!(
            "bar_{}",
            metric.replace(
                |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '_',
                "_"
            )
        ),
        title: title.to_string(),
        svg,
        data_csv: wtr.into_inner()?,
    })
}
