//! Charts of a national corpus, drawn from `regions.csv` instead of one bar or line per unit:
//! once a series has more units than a reader can compare one by one
//! ([`NATIONAL_UNITS`](crate::analysis::national::NATIONAL_UNITS)), a list of near-equal bars
//! says less than where the bulk of the values lies.
//!
//! - The distribution chart: one box per province for the series' latest year (quartiles,
//!   median, whiskers to the smallest and largest value), provinces by median, each labelled
//!   with its n, and the national median as a line.
//! - The national trend: the national median over the years with its interquartile band, and
//!   the number of reporting units under each point.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::SeriesKey;
use super::{
    category_labels, chart_csv, file_stem, fit, frame, horizontal_bars_size, render, scope_label,
    text, text_width, unit_label, Chart, ChartError, ChartKind, Ctx, Plot, BAR, GRID, REFERENCE,
};
use crate::analysis::national::RegionRow;
use crate::model::{format_value, Level};

/// Fewest units behind a box or a point of the band: quartiles of one or two values are not
/// a distribution.
const MIN_UNITS: usize = 3;

/// Light fill of a box or band.
const BAND: RGBColor = RGBColor(198, 219, 239);

/// The rows of `regions` of one series at one level, in their order (code, then year).
fn rows_of<'r>(regions: &'r [RegionRow], key: &SeriesKey, level: Level) -> Vec<&'r RegionRow> {
    regions
        .iter()
        .filter(|r| r.level == level && r.metric == key.metric && r.scope == key.scope)
        .collect()
}

/// Boxes by province (see the module docs).
struct BoxPlot {
    name: String,
    title: String,
    subtitle: String,
    footer: Vec<String>,
    unit: String,
    /// (label, p25, median, p75, min, max), top first.
    boxes: Vec<(String, [f64; 5])>,
    /// The national median, drawn as a line.
    national: Option<(String, f64)>,
}

/// The distribution of one series by province in its latest year; `None` without province
/// rows.
pub(crate) fn distribution(
    ctx: &Ctx<'_>,
    regions: &[RegionRow],
    key: &SeriesKey,
) -> Result<Option<Chart>, ChartError> {
    let l = ctx.lang;
    let provinces = rows_of(regions, key, Level::Province);
    let Some(year) = provinces
        .iter()
        .filter(|r| r.units_reported >= MIN_UNITS)
        .map(|r| r.year)
        .max()
    else {
        return Ok(None);
    };
    let in_year: Vec<&RegionRow> = provinces.into_iter().filter(|r| r.year == year).collect();
    let left_out = in_year
        .iter()
        .filter(|r| r.units_reported < MIN_UNITS)
        .count();
    let mut shown: Vec<&RegionRow> = in_year
        .into_iter()
        .filter(|r| r.units_reported >= MIN_UNITS)
        .collect();
    shown.sort_by(|a, b| {
        b.median
            .total_cmp(&a.median)
            .then_with(|| a.region_code.cmp(&b.region_code))
    });
    let national = rows_of(regions, key, Level::Nation)
        .into_iter()
        .find(|r| r.year == year);
    let unit = shown.first().map(|r| r.unit.as_str()).unwrap_or("");
    let name = file_stem(&["distribution", &key.metric, &key.scope.to_string()]);
    let indicator = ctx.dict.name(&key.metric, l.is_en());
    let title = l.fill(
        "chart.distribution_title",
        &[("indicator", &indicator), ("year", &year)],
    );
    let subtitle = l.fill(
        "chart.subtitle",
        &[
            ("unit", &unit_label(unit, l)),
            ("scope", &scope_label(key.scope, l)),
            ("span", &year),
            ("years_differ", &""),
        ],
    );
    let reported: usize = shown.iter().map(|r| r.units_reported).sum();
    let mut footer = vec![l.fill(
        "chart.distribution_note",
        &[("n", &reported), ("provinces", &shown.len())],
    )];
    if left_out > 0 {
        footer.push(l.fill(
            "chart.provinces_left_out",
            &[("n", &left_out), ("min", &MIN_UNITS)],
        ));
    }
    if let Some(n) = national {
        footer.push(l.fill(
            "chart.national_median_line",
            &[("value", &format_value(round3(n.median)))],
        ));
    }
    footer.push(l.text("chart.regions_source").to_string());
    let plot = BoxPlot {
        name: name.clone(),
        title: title.clone(),
        subtitle,
        footer,
        unit: unit_label(unit, l).to_string(),
        boxes: shown
            .iter()
            .map(|r| {
                (
                    format!("{} (n={})", r.province, r.units_reported),
                    [r.p25, r.median, r.p75, r.min, r.max],
                )
            })
            .collect(),
        national: national.map(|n| (l.text("chart.national_median").to_string(), n.median)),
    };
    let (svg, png) = render(&plot)?;
    let rows: Vec<&RegionRow> = shown.iter().copied().chain(national).collect();
    Ok(Some(Chart {
        data_csv: chart_csv(&name, &rows, ctx.csv)?,
        name,
        title,
        kind: ChartKind::Distribution,
        subject: format!("{}/{}", key.metric, key.scope),
        svg,
        png,
    }))
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

impl Plot for BoxPlot {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> (u32, u32) {
        let (w, h) = horizontal_bars_size(self.boxes.len(), self.footer.len());
        // Boxes need less height than labelled bars.
        (w, h - 12 * self.boxes.len().max(1) as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let area = frame(root, k, &self.title, &self.subtitle, &self.footer)?;
        let rows = self.boxes.len().max(1) as f64;
        let max = self.boxes.iter().map(|b| b.1[4]).fold(0.0_f64, f64::max);
        let min = self.boxes.iter().map(|b| b.1[3]).fold(0.0_f64, f64::min);
        let x_max = if max > 0.0 { max * 1.05 } else { 1.0 };
        let label_w = self
            .boxes
            .iter()
            .map(|b| text_width(&b.0, 12.0))
            .fold(40.0_f64, f64::max)
            .min(220.0);
        let labels: Vec<String> = self.boxes.iter().map(|b| fit(&b.0, 12.0, 210.0)).collect();
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
            .x_label_formatter(&|v| format_value(round3(*v)))
            .x_desc(self.unit.clone())
            .label_style(text(12.0, k))
            .axis_desc_style(text(12.0, k))
            .draw()?;
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
        let thin = BAR.stroke_width(k.round().max(1.0) as u32);
        for (i, (_, [p25, median, p75, lo, hi])) in self.boxes.iter().enumerate() {
            let y = centre(i);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*lo, y), (*hi, y)],
                thin,
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(*p25, y - 0.3), (*p75, y + 0.3)],
                BAND.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(*p25, y - 0.3), (*p75, y + 0.3)],
                thin,
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*median, y - 0.3), (*median, y + 0.3)],
                BAR.stroke_width((2.0 * k) as u32),
            )))?;
        }
        if let Some((label, value)) = &self.national {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*value, 0.0), (*value, rows)],
                REFERENCE.stroke_width((1.5 * k).max(1.0) as u32),
            )))?;
            chart.draw_series(std::iter::once(
                EmptyElement::at((*value, rows))
                    + Text::new(
                        label.clone(),
                        ((4.0 * k) as i32, (2.0 * k) as i32),
                        text(11.0, k).color(&REFERENCE),
                    ),
            ))?;
        }
        Ok(())
    }
}

/// The national median with its band (see the module docs).
struct BandPlot {
    name: String,
    title: String,
    subtitle: String,
    footer: Vec<String>,
    unit: String,
    /// (year, p25, median, p75, n), in year order.
    points: Vec<(i32, f64, f64, f64, usize)>,
}

/// The national trend of one series; `None` with fewer than two years.
pub(crate) fn national_trend(
    ctx: &Ctx<'_>,
    regions: &[RegionRow],
    key: &SeriesKey,
) -> Result<Option<Chart>, ChartError> {
    let l = ctx.lang;
    let rows: Vec<&RegionRow> = rows_of(regions, key, Level::Nation)
        .into_iter()
        .filter(|r| r.units_reported >= MIN_UNITS)
        .collect();
    if rows.len() < 2 {
        return Ok(None);
    }
    let unit = rows.first().map(|r| r.unit.as_str()).unwrap_or("");
    let name = file_stem(&["national", &key.metric, &key.scope.to_string()]);
    let indicator = ctx.dict.name(&key.metric, l.is_en());
    let title = l.fill("chart.national_title", &[("indicator", &indicator)]);
    let span = super::data::year_span(rows.iter().map(|r| r.year));
    let subtitle = l.fill(
        "chart.subtitle",
        &[
            ("unit", &unit_label(unit, l)),
            ("scope", &scope_label(key.scope, l)),
            ("span", &span),
            ("years_differ", &""),
        ],
    );
    let footer = vec![
        l.text("chart.national_band_note").to_string(),
        l.text("chart.regions_source").to_string(),
    ];
    let plot = BandPlot {
        name: name.clone(),
        title: title.clone(),
        subtitle,
        footer,
        unit: unit_label(unit, l).to_string(),
        points: rows
            .iter()
            .map(|r| (r.year, r.p25, r.median, r.p75, r.units_reported))
            .collect(),
    };
    let (svg, png) = render(&plot)?;
    Ok(Some(Chart {
        data_csv: chart_csv(&name, &rows, ctx.csv)?,
        name,
        title,
        kind: ChartKind::National,
        subject: format!("{}/{}", key.metric, key.scope),
        svg,
        png,
    }))
}

impl Plot for BandPlot {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> (u32, u32) {
        (760, 380 + 18 * self.footer.len() as u32)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let area = frame(root, k, &self.title, &self.subtitle, &self.footer)?;
        let first = self.points.first().map(|p| p.0).unwrap_or(0);
        let last = self.points.last().map(|p| p.0).unwrap_or(first);
        let max = self.points.iter().map(|p| p.3).fold(0.0_f64, f64::max);
        let min = self.points.iter().map(|p| p.1).fold(0.0_f64, f64::min);
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
            .y_label_formatter(&|v| format_value(round3(*v)))
            .y_desc(self.unit.clone())
            .label_style(text(12.0, k))
            .axis_desc_style(text(12.0, k))
            .draw()?;
        // The band: p75 left to right, then p25 back.
        let band: Vec<(f64, f64)> = self
            .points
            .iter()
            .map(|p| (p.0 as f64, p.3))
            .chain(self.points.iter().rev().map(|p| (p.0 as f64, p.1)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, BAND.filled())))?;
        let stroke = BAR.stroke_width((2.0 * k) as u32);
        chart.draw_series(LineSeries::new(
            self.points.iter().map(|p| (p.0 as f64, p.2)),
            stroke,
        ))?;
        chart.draw_series(self.points.iter().map(|p| {
            EmptyElement::at((p.0 as f64, p.2))
                + Circle::new((0, 0), (4.0 * k) as i32, BAR.filled())
                + Text::new(
                    format_value(round3(p.2)),
                    (0, -(8.0 * k) as i32),
                    text(11.0, k).pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
        }))?;
        // n under each year, on the axis.
        chart.draw_series(self.points.iter().map(|p| {
            EmptyElement::at((p.0 as f64, min))
                + Text::new(
                    format!("n={}", p.4),
                    (0, -(4.0 * k) as i32),
                    text(10.0, k)
                        .color(&RGBColor(90, 90, 90))
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
        }))?;
        Ok(())
    }
}
