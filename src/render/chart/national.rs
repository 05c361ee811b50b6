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
//! - The province ranking: for one province, its county-level units ranked by their value in
//!   the distribution chart's year, with the province's and the nation's median as lines (see
//!   [`province_ranking`] for which province and why one).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use serde::Serialize;

use super::bar::{BarPlot, MAX_BARS};
use super::data::SeriesKey;
use super::{
    category_labels, chart_csv, file_stem, fit, frame, horizontal_bars_size, render, scope_label,
    text, text_width, unit_label, Chart, ChartError, ChartKind, Ctx, Plot, BAR, GRID, REFERENCE,
};
use crate::analysis::national::RegionRow;
use crate::analysis::ComparisonRow;
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

/// What the province ranking of one series draws: chosen and ordered, not computed (ranks
/// are comparisons.csv's `province_rank`, medians regions.csv's).
#[derive(Debug)]
pub(crate) struct Ranking<'a> {
    /// The province's row of `regions` in the chosen year.
    pub province: &'a RegionRow,
    /// The nation's row in that year, if any.
    pub national: Option<&'a RegionRow>,
    /// The province's units, by rank (1 = highest), then code.
    pub units: Vec<&'a ComparisonRow>,
}

/// The province ranking's data for one series: the province with the most reporting units in
/// the year of the distribution chart (the latest in which some province has [`MIN_UNITS`]
/// reporting units, so the two charts show the same year; ties: lowest code), and its
/// county-level units' same-year comparison rows in rank order. `None` without a province of [`MIN_UNITS`] ranked
/// units.
pub(crate) fn ranking_data<'a>(
    regions: &'a [RegionRow],
    comparisons: &'a [ComparisonRow],
    key: &SeriesKey,
) -> Option<Ranking<'a>> {
    let provinces = rows_of(regions, key, Level::Province);
    let year = provinces
        .iter()
        .filter(|r| r.units_reported >= MIN_UNITS)
        .map(|r| r.year)
        .max()?;
    let province = provinces
        .into_iter()
        .filter(|r| r.year == year)
        .min_by(|a, b| {
            b.units_reported
                .cmp(&a.units_reported)
                .then_with(|| a.region_code.cmp(&b.region_code))
        })?;
    let mut units: Vec<&ComparisonRow> = comparisons
        .iter()
        .filter(|c| {
            c.basis == "year"
                && c.level == Level::County
                && c.metric == key.metric
                && c.scope == key.scope
                && c.year == year
                && c.province_rank.is_some()
                && c.region_code.starts_with(&province.region_code)
        })
        .collect();
    if units.len() < MIN_UNITS {
        return None;
    }
    units.sort_by(|a, b| {
        a.province_rank
            .cmp(&b.province_rank)
            .then_with(|| a.region_code.cmp(&b.region_code))
    });
    let national = rows_of(regions, key, Level::Nation)
        .into_iter()
        .find(|r| r.year == year);
    Some(Ranking {
        province,
        national,
        units,
    })
}

/// One row of the province ranking's CSV: a drawn unit with its rank and the two lines.
#[derive(Serialize)]
struct RankRow {
    region_code: String,
    province: String,
    county: String,
    metric: String,
    scope: String,
    year: i32,
    value: String,
    unit: String,
    province_rank: Option<usize>,
    province_n: Option<usize>,
    province_median: String,
    national_median: String,
}

/// The ranking of one province's units for a national series; `None` when
/// [`ranking_data`] has none.
///
/// One chart per series, for the province with the most reporting units: every province
/// for every indicator would add some thirty charts per indicator to a page already near its
/// size budget (each chart's SVG is inlined), and the distribution chart already places every
/// province; the largest province is where a ranking has the most to say. A province with
/// more than [`MAX_BARS`] units shows its highest and lowest half of that (the rest are in
/// comparisons.csv), so the chart stays readable.
pub(crate) fn province_ranking(
    ctx: &Ctx<'_>,
    regions: &[RegionRow],
    comparisons: &[ComparisonRow],
    key: &SeriesKey,
) -> Result<Option<Chart>, ChartError> {
    let l = ctx.lang;
    let Some(data) = ranking_data(regions, comparisons, key) else {
        return Ok(None);
    };
    let n = data.units.len();
    let half = MAX_BARS / 2;
    let shown: Vec<&ComparisonRow> = if n > MAX_BARS {
        data.units[..half]
            .iter()
            .chain(&data.units[n - half..])
            .copied()
            .collect()
    } else {
        data.units.clone()
    };
    let p = data.province;
    // The province is named as the page names places in the run's language (regions rows
    // keep the gazetteer's name).
    let province = crate::render::place::place(&p.province, l);
    let unit = shown.first().map(|r| r.unit.as_str()).unwrap_or("");
    let name = file_stem(&["province", &key.metric, &key.scope.to_string()]);
    let indicator = ctx.dict.name(&key.metric, l.is_en());
    let title = l.fill(
        "chart.province_rank_title",
        &[
            ("indicator", &indicator),
            ("province", &province),
            ("year", &p.year),
            ("n", &n),
        ],
    );
    let subtitle = l.fill(
        "chart.subtitle",
        &[
            ("unit", &unit_label(unit, l)),
            ("scope", &scope_label(key.scope, l)),
            ("span", &p.year),
            ("years_differ", &""),
        ],
    );
    let mut footer = Vec::new();
    if n > shown.len() {
        footer.push(l.fill("chart.province_rank_shown", &[("half", &half), ("n", &n)]));
    }
    let national_median = data.national.map(|r| format_value(round3(r.median)));
    footer.push(l.fill(
        "chart.province_median_line",
        &[
            ("province", &format_value(round3(p.median))),
            ("national", &national_median.clone().unwrap_or_default()),
        ],
    ));
    footer.push(l.text("chart.province_rank_note").to_string());
    footer.push(l.text("chart.regions_source").to_string());
    let mut references = vec![(l.text("chart.province_median").to_string(), p.median)];
    if let Some(r) = data.national {
        references.push((l.text("chart.national_median").to_string(), r.median));
    }
    // The larger median first: its label goes right of its line, the other's left.
    references.sort_by(|a, b| b.1.total_cmp(&a.1));
    let plot = BarPlot {
        name: name.clone(),
        title: title.clone(),
        subtitle,
        footer,
        unit: unit_label(unit, l).to_string(),
        bars: shown
            .iter()
            .map(|c| {
                (
                    format!("{}. {}", c.province_rank.unwrap_or(0), c.county),
                    c.value,
                    format_value(c.value),
                )
            })
            .collect(),
        references,
        stagger: true,
    };
    let (svg, png) = render(&plot)?;
    use crate::render::escape::spreadsheet_cell;
    let rows: Vec<RankRow> = shown
        .iter()
        .map(|c| RankRow {
            region_code: c.region_code.clone(),
            province: spreadsheet_cell(&province).into_owned(),
            county: spreadsheet_cell(&c.county).into_owned(),
            metric: c.metric.clone(),
            scope: c.scope.to_string(),
            year: c.year,
            value: format_value(c.value),
            unit: c.unit.clone(),
            province_rank: c.province_rank,
            province_n: c.province_n,
            province_median: format_value(p.median),
            national_median: data
                .national
                .map(|r| format_value(r.median))
                .unwrap_or_default(),
        })
        .collect();
    Ok(Some(Chart {
        data_csv: chart_csv(&name, &rows, ctx.csv)?,
        name,
        title,
        kind: ChartKind::Province,
        subject: format!("{}/{}", key.metric, key.scope),
        svg,
        png,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scope;

    fn key() -> SeriesKey {
        SeriesKey {
            order: 0,
            metric: "m".into(),
            scope: Scope::Annual,
        }
    }

    fn region(level: Level, code: &str, year: i32, reported: usize, median: f64) -> RegionRow {
        RegionRow {
            level,
            region_code: code.into(),
            province: if code == "00" { "" } else { "甲省" }.into(),
            prefecture: String::new(),
            metric: "m".into(),
            scope: Scope::Annual,
            year,
            unit: "件".into(),
            units_in_gazetteer: 40,
            units_reported: reported,
            median,
            p25: median,
            p75: median,
            min: median,
            max: median,
            sum: None,
        }
    }

    fn unit(code: &str, year: i32, value: f64, rank: usize, n: usize) -> ComparisonRow {
        ComparisonRow {
            basis: "year".into(),
            metric: "m".into(),
            scope: Scope::Annual,
            year,
            region_code: code.into(),
            county: format!("县{code}"),
            level: Level::County,
            value,
            unit: "件".into(),
            reference: None,
            rank,
            n,
            median: 0.0,
            percentile: 50.0,
            z_score: None,
            prefecture_rank: None,
            prefecture_n: None,
            prefecture_median: None,
            province_rank: Some(rank),
            province_n: Some(n),
            notes: Default::default(),
        }
    }

    #[test]
    fn ranking_takes_the_largest_province_in_the_latest_year_in_rank_order() {
        let regions = vec![
            region(Level::Nation, "00", 2022, 9, 5.0),
            region(Level::Nation, "00", 2023, 8, 6.0),
            // Province 11 is larger in 2022, 12 in the latest year.
            region(Level::Province, "11", 2022, 6, 1.0),
            region(Level::Province, "11", 2023, 3, 2.0),
            region(Level::Province, "12", 2022, 3, 3.0),
            region(Level::Province, "12", 2023, 4, 7.5),
            // A later year too thin for a distribution (and a ranking).
            region(Level::Province, "11", 2024, 2, 9.0),
            region(Level::Nation, "00", 2024, 2, 9.0),
        ];
        let mut comparisons = vec![
            unit("120103", 2023, 9.0, 1, 4),
            unit("120102", 2023, 4.0, 4, 4),
            unit("120101", 2023, 8.0, 2, 4),
            unit("120104", 2023, 7.0, 3, 4),
            // Other provinces, years, bases and levels are not drawn.
            unit("110101", 2023, 20.0, 1, 3),
            unit("120101", 2022, 1.0, 1, 3),
            unit("110101", 2024, 9.0, 1, 2),
            unit("110102", 2024, 8.0, 2, 2),
        ];
        let mut latest = unit("120105", 2023, 30.0, 1, 5);
        latest.basis = "latest".into();
        comparisons.push(latest);
        let mut prefecture = unit("120100", 2023, 30.0, 1, 2);
        prefecture.level = Level::Prefecture;
        comparisons.push(prefecture);

        let data = ranking_data(&regions, &comparisons, &key()).expect("a ranking");
        assert_eq!(data.province.region_code, "12");
        assert_eq!(data.province.median, 7.5);
        assert_eq!(data.national.map(|r| r.median), Some(6.0));
        let order: Vec<&str> = data.units.iter().map(|c| c.region_code.as_str()).collect();
        assert_eq!(order, ["120103", "120101", "120104", "120102"]);
        assert!(data.units.iter().all(|c| c.province_n == Some(4)));

        // Fewer than three ranked units: no chart.
        assert!(ranking_data(&regions, &comparisons[..2], &key()).is_none());
    }
}
