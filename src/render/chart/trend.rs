//! Year-over-year line chart of one indicator: one line per county that reports two or more
//! years, each point labelled with its value. Counties with one year are left to the bar chart.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{year_span, CountyKey, Grid, SeriesKey};
use super::{
    chart_csv, file_stem, frame, render, scope_label, source_line, text, unit_label, value_label,
    Chart, ChartError, ChartKind, Ctx, FactRow, Plot, GRID, SERIES,
};
use crate::model::{format_value, Fact};

/// (year, value, value label).
type TrendPoint = (i32, f64, String);

struct TrendPlot {
    name: String,
    title: String,
    subtitle: String,
    footer: Vec<String>,
    unit: String,
    /// One line per county, points in year order.
    lines: Vec<(String, Vec<TrendPoint>)>,
}

/// The trend chart of one series, if some county has two or more years.
pub(crate) fn chart(
    ctx: &Ctx<'_>,
    grid: &Grid<'_>,
    key: &SeriesKey,
) -> Result<Option<Chart>, ChartError> {
    let l = ctx.lang;
    let Some(counties) = grid.series.get(key) else {
        return Ok(None);
    };
    let mut multi: Vec<(&CountyKey, Vec<&Fact>)> = counties
        .iter()
        .filter(|(_, years)| years.len() >= 2)
        .map(|(c, years)| (c, years.values().copied().collect()))
        .collect();
    if multi.is_empty() {
        return Ok(None);
    }
    // Largest latest value first, so a capped chart keeps the biggest counties.
    multi.sort_by(|a, b| {
        let last = |v: &Vec<&Fact>| v.last().map(|f| f.value).unwrap_or(0.0);
        last(&b.1).total_cmp(&last(&a.1)).then_with(|| a.0.cmp(b.0))
    });
    let total = multi.len();
    multi.truncate(SERIES.len());
    let name = file_stem(&["trend", &key.metric, &key.scope.to_string()]);
    let indicator = ctx.dict.name(&key.metric, l.is_en());
    let title = l.fill("chart.trend_title", &[("indicator", &indicator)]);
    let unit = multi
        .first()
        .and_then(|(_, v)| v.first())
        .map(|f| f.unit.as_str())
        .unwrap_or("");
    let span = year_span(multi.iter().flat_map(|(_, v)| v.iter().map(|f| f.year)));
    let subtitle = l.fill(
        "chart.subtitle",
        &[
            ("unit", &unit_label(unit, l)),
            ("scope", &scope_label(key.scope, l)),
            ("span", &span),
            ("years_differ", &""),
        ],
    );
    let mut footer = Vec::new();
    if total > multi.len() {
        footer.push(l.fill(
            "chart.trend_counties_shown",
            &[("shown", &multi.len()), ("total", &total)],
        ));
    }
    let derived = |c: &CountyKey, f: &Fact| grid.is_derived(key, c, f.year);
    if multi.iter().any(|(c, v)| v.iter().any(|f| derived(c, f))) {
        footer.push(l.text("chart.derived_worked_back_from_a").to_string());
    }
    footer.push(source_line(
        multi
            .iter()
            .flat_map(|(_, v)| v.iter().map(|f| f.doc.as_str())),
        l,
    ));
    let label = |c: &CountyKey, f: &Fact| {
        if derived(c, f) {
            format!("{} {}", value_label(f), l.text("chart.derived"))
        } else {
            value_label(f)
        }
    };
    let plot = TrendPlot {
        name: name.clone(),
        title: title.clone(),
        subtitle,
        footer,
        unit: unit_label(unit, l).to_string(),
        lines: multi
            .iter()
            .map(|(c, v)| {
                (
                    c.county.clone(),
                    v.iter().map(|f| (f.year, f.value, label(c, f))).collect(),
                )
            })
            .collect(),
    };
    let (svg, png) = render(&plot)?;
    let rows: Vec<FactRow<'_>> = multi
        .iter()
        .flat_map(|(c, v)| v.iter().map(move |f| FactRow::new(key, c, f)))
        .collect();
    Ok(Some(Chart {
        data_csv: chart_csv(&name, &rows, ctx.csv)?,
        name,
        title,
        kind: ChartKind::Trend,
        subject: format!("{}/{}", key.metric, key.scope),
        svg,
        png,
    }))
}

impl Plot for TrendPlot {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> (u32, u32) {
        (760, 420 + 18 * self.footer.len() as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let area = frame(root, k, &self.title, &self.subtitle, &self.footer)?;
        let points = self.lines.iter().flat_map(|(_, p)| p.iter());
        let (mut first, mut last, mut max) = (i32::MAX, i32::MIN, 0.0_f64);
        let mut min = 0.0_f64;
        for (y, v, _) in points {
            first = first.min(*y);
            last = last.max(*y);
            max = max.max(*v);
            min = min.min(*v);
        }
        let y_max = if max > 0.0 { max * 1.2 } else { 1.0 };
        let x_range = (first as f64 - 0.4)..(last as f64 + 0.4);
        let mut chart = ChartBuilder::on(&area)
            .margin_left((12.0 * k) as u32)
            .margin_right((24.0 * k) as u32)
            .x_label_area_size((30.0 * k) as u32)
            .y_label_area_size((64.0 * k) as u32)
            .build_cartesian_2d(x_range, min..y_max)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID.stroke_width(k.round() as u32))
            .x_labels(((last - first) as usize + 1) * 2 + 1)
            .x_label_formatter(&|v| {
                if (v - v.round()).abs() < 1e-9 {
                    format!("{}", v.round() as i64)
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| format_value((*v * 1000.0).round() / 1000.0))
            .y_desc(self.unit.clone())
            .label_style(text(12.0, k))
            .axis_desc_style(text(12.0, k))
            .draw()?;
        for (i, (county, pts)) in self.lines.iter().enumerate() {
            let colour = SERIES[i % SERIES.len()];
            let stroke = colour.stroke_width((2.0 * k) as u32);
            chart
                .draw_series(LineSeries::new(
                    pts.iter().map(|(y, v, _)| (*y as f64, *v)),
                    stroke,
                ))?
                .label(county.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + (16.0 * k) as i32, y)], stroke)
                });
            chart.draw_series(pts.iter().map(|(y, v, label)| {
                EmptyElement::at((*y as f64, *v))
                    + Circle::new((0, 0), (4.0 * k) as i32, colour.filled())
                    + Text::new(
                        label.clone(),
                        (0, -(8.0 * k) as i32),
                        text(11.0, k).pos(Pos::new(HPos::Center, VPos::Bottom)),
                    )
            }))?;
        }
        chart
            .configure_series_labels()
            .label_font(text(12.0, k))
            .border_style(BLACK.mix(0.3))
            .background_style(WHITE.mix(0.9))
            .position(SeriesLabelPosition::LowerRight)
            .draw()?;
        Ok(())
    }
}
