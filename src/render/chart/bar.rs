//! Cross-county bar chart of one indicator's latest values: horizontal bars, highest first,
//! each bar labelled with its value (and its year when the counties' years differ), with a
//! reference line where a published value exists for the indicator and scope.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{year_span, Grid, SeriesKey};
use super::{
    category_labels, chart_csv, file_stem, fit, frame, horizontal_bars_size, render, scope_label,
    short_source, source_line, text, text_width, unit_label, value_label, Chart, ChartError,
    ChartKind, Ctx, FactRow, Plot, BAR, GRID, REFERENCE,
};
use crate::analysis::Reference;
use crate::model::format_value;

/// Most bars drawn in one chart; the rest are counted in the footer.
pub const MAX_BARS: usize = 40;

/// Horizontal bars, drawn top down in the given order, with vertical reference lines (the
/// timeliness chart draws its deadline as one).
pub(crate) struct BarPlot {
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) subtitle: String,
    pub(crate) footer: Vec<String>,
    pub(crate) unit: String,
    /// (label, value, value label), top first.
    pub(crate) bars: Vec<(String, f64, String)>,
    /// (label, value).
    pub(crate) references: Vec<(String, f64)>,
    /// Whether every second reference's label goes to the left of its line: two lines that
    /// may fall close together (the province ranking's two medians, larger first) would
    /// otherwise print their labels over each other.
    pub(crate) stagger: bool,
}

/// The bar chart of one series.
pub(crate) fn chart(
    ctx: &Ctx<'_>,
    grid: &Grid<'_>,
    key: &SeriesKey,
    references: &[Reference],
) -> Result<Chart, ChartError> {
    let l = ctx.lang;
    let all = grid.latest(key);
    let shown: Vec<_> = all.iter().take(MAX_BARS).collect();
    let years: Vec<i32> = shown.iter().map(|(_, f)| f.year).collect();
    let years_differ = years.iter().any(|y| Some(y) != years.first());
    let unit = shown.first().map(|(_, f)| f.unit.as_str()).unwrap_or("");
    let name = file_stem(&["bar", &key.metric, &key.scope.to_string()]);
    let indicator = ctx.dict.name(&key.metric, l.is_en());
    let title = l.fill("chart.bar_title", &[("indicator", &indicator)]);
    let span = year_span(years.iter().copied());
    let subtitle = l.fill(
        "chart.subtitle",
        &[
            ("unit", &unit_label(unit, l)),
            ("scope", &scope_label(key.scope, l)),
            ("span", &span),
            (
                "years_differ",
                &if years_differ {
                    l.text("chart.years_differ")
                } else {
                    ""
                },
            ),
        ],
    );
    let refs: Vec<&Reference> = references
        .iter()
        .filter(|r| r.indicator == key.metric && r.scope == key.scope)
        .collect();
    let mut footer = Vec::new();
    if all.len() > shown.len() {
        footer.push(l.fill(
            "chart.top_counties_shown",
            &[("shown", &shown.len()), ("total", &all.len())],
        ));
    }
    if let Some(conflicted) = grid.conflicted.get(key) {
        let n: usize = conflicted.values().map(|y| y.len()).sum();
        footer.push(l.fill("chart.conflicts_not_drawn", &[("n", &n)]));
    }
    for r in &refs {
        footer.push(l.fill(
            "chart.reference_line",
            &[
                ("year", &r.year),
                ("value", &format_value(r.value)),
                ("source", &short_source(&r.source)),
            ],
        ));
    }
    footer.push(source_line(shown.iter().map(|(_, f)| f.doc.as_str()), l));
    let bars = shown
        .iter()
        .map(|(county, f)| {
            let label = if years_differ {
                format!("{} ({})", county.county, f.year)
            } else {
                county.county.clone()
            };
            (label, f.value, value_label(f))
        })
        .collect();
    let plot = BarPlot {
        name: name.clone(),
        title: title.clone(),
        subtitle,
        footer,
        unit: unit_label(unit, l).to_string(),
        bars,
        references: refs
            .iter()
            .map(|r| (format!("{} {}", r.year, format_value(r.value)), r.value))
            .collect(),
        stagger: false,
    };
    let (svg, png) = render(&plot)?;
    let rows: Vec<FactRow<'_>> = shown.iter().map(|(c, f)| FactRow::new(key, c, f)).collect();
    Ok(Chart {
        data_csv: chart_csv(&name, &rows, ctx.csv)?,
        name,
        title,
        kind: ChartKind::Bar,
        subject: format!("{}/{}", key.metric, key.scope),
        svg,
        png,
    })
}

impl Plot for BarPlot {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> (u32, u32) {
        horizontal_bars_size(self.bars.len(), self.footer.len())
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let area = frame(root, k, &self.title, &self.subtitle, &self.footer)?;
        let n = self.bars.len().max(1);
        let max = self
            .bars
            .iter()
            .map(|b| b.1)
            .chain(self.references.iter().map(|r| r.1))
            .fold(0.0_f64, f64::max);
        let min = self.bars.iter().map(|b| b.1).fold(0.0_f64, f64::min);
        // Room on the right for the value labels.
        let x_max = if max > 0.0 { max * 1.18 } else { 1.0 };
        let label_w = self
            .bars
            .iter()
            .map(|b| text_width(&b.0, 12.0))
            .fold(40.0_f64, f64::max)
            .min(260.0);
        let labels: Vec<String> = self.bars.iter().map(|b| fit(&b.0, 12.0, 250.0)).collect();
        let rows = n as f64;
        let mut chart = ChartBuilder::on(&area)
            .margin_left((12.0 * k) as u32)
            .margin_right((24.0 * k) as u32)
            .x_label_area_size((30.0 * k) as u32)
            .y_label_area_size(((label_w + 14.0) * k) as u32)
            .build_cartesian_2d(min..x_max, 0.0..rows)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID.stroke_width(k.round() as u32))
            .y_labels(0)
            .x_label_formatter(&|v| format_value((*v * 1000.0).round() / 1000.0))
            .x_desc(self.unit.clone())
            .label_style(text(12.0, k))
            .axis_desc_style(text(12.0, k))
            .draw()?;
        // Row i (0 = highest value) is drawn from the top down.
        let centre = |i: usize| rows - i as f64 - 0.5;
        category_labels(
            root,
            &chart,
            labels
                .iter()
                .enumerate()
                .map(|(i, l)| ((min, centre(i)), l)),
            k,
        )?;
        chart.draw_series(self.bars.iter().enumerate().map(|(i, b)| {
            Rectangle::new(
                [(0.0, centre(i) - 0.32), (b.1, centre(i) + 0.32)],
                BAR.filled(),
            )
        }))?;
        chart.draw_series(self.bars.iter().enumerate().map(|(i, b)| {
            EmptyElement::at((b.1.max(0.0), centre(i)))
                + Text::new(
                    b.2.clone(),
                    ((5.0 * k) as i32, 0),
                    text(12.0, k).pos(Pos::new(HPos::Left, VPos::Center)),
                )
        }))?;
        for (i, (label, value)) in self.references.iter().enumerate() {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*value, 0.0), (*value, rows)],
                REFERENCE.stroke_width((2.0 * k) as u32),
            )))?;
            // Staggered: every second label to the left of its line.
            let left = self.stagger && i % 2 == 1;
            let style = text(11.0, k).color(&REFERENCE);
            let (dx, style) = if left {
                (-4.0, style.pos(Pos::new(HPos::Right, VPos::Top)))
            } else {
                (4.0, style)
            };
            chart.draw_series(std::iter::once(
                EmptyElement::at((*value, rows))
                    + Text::new(label.clone(), ((dx * k) as i32, (2.0 * k) as i32), style),
            ))?;
        }
        Ok(())
    }
}
