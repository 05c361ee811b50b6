//! Derived rates with their 95% Wilson intervals: one chart per derived indicator, one row per
//! county and year, the interval drawn as a whisker so small counts visibly carry wide
//! uncertainty; a published reference value is drawn as a vertical line.

use std::collections::{BTreeMap, HashSet};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rayon::iter::{IntoParallelIterator, ParallelIterator};
use serde::Serialize;

use super::data::year_span;
use super::{
    category_labels, chart_csv, file_stem, fit, frame, horizontal_bars_size, render, short_source,
    source_line, text, text_width, Chart, ChartError, ChartKind, Ctx, Lang, Plot, BAR, GRID,
    REFERENCE,
};
use crate::analysis::{Analysis, DerivedRow, Reference};
use crate::dict::IndicatorDict;
use crate::model::format_value;
use crate::render::escape::spreadsheet_cell;
use crate::render::reasons::notes_text;

/// Most rows drawn in one chart.
const MAX_ROWS: usize = 40;

#[derive(Serialize)]
struct Row<'a> {
    region_code: &'a str,
    county: &'a str,
    metric: &'a str,
    year: i32,
    numerator_metric: &'a str,
    numerator: String,
    denominator_metric: &'a str,
    denominator: String,
    value_pct: String,
    ci_low_pct: String,
    ci_high_pct: String,
    note: String,
    evidence: String,
}

struct RatePlot {
    name: String,
    title: String,
    subtitle: String,
    footer: Vec<String>,
    /// (label, value, low, high, value label), highest first.
    rows: Vec<(String, f64, f64, f64, String)>,
    references: Vec<(String, f64)>,
}

/// The id a derived rate's reference values are published under
/// (`reconsideration.correction_rate.derived` → `reconsideration.correction_rate`).
pub fn reference_id(metric: &str) -> &str {
    metric.strip_suffix(".derived").unwrap_or(metric)
}

/// The display name of a derived indicator: the base indicator's name
/// (`reconsideration.correction_rate.derived` → 行政复议纠错率), or "<name> growth" for
/// `<indicator>.growth`; the id itself when the dictionary does not know the base.
pub fn derived_name(dict: &IndicatorDict, metric: &str, lang: Lang) -> String {
    if let Some(base) = metric.strip_suffix(".growth") {
        if let Some(i) = dict.get(base) {
            let name = if lang.is_en() { &i.en_name } else { &i.zh_name };
            return lang.fill("chart.growth_name", &[("name", name)]);
        }
    }
    let base = reference_id(metric);
    match (dict.get(base), base) {
        (Some(i), _) if lang.is_en() => i.en_name.clone(),
        (Some(i), _) => i.zh_name.clone(),
        // Rates the analysis derives that no report states, so the dictionary has no entry.
        (None, "reconsideration.acceptance_rate") => lang
            .text("chart.reconsideration_acceptance_rate")
            .to_string(),
        (None, _) => base.to_string(),
    }
}

/// How a derived row's parts read: `3/73` for a rate, `632→863` for a growth.
pub fn parts_label(row: &DerivedRow) -> String {
    let (num, den) = (format_value(row.numerator), format_value(row.denominator));
    if row.metric.ends_with(".growth") {
        format!("{den}->{num}")
    } else {
        format!("{num}/{den}")
    }
}

/// One chart per derived indicator, in id order.
pub(crate) fn charts(ctx: &Ctx<'_>, analysis: &Analysis) -> Result<Vec<Chart>, ChartError> {
    let mut by_metric: BTreeMap<&str, Vec<&DerivedRow>> = BTreeMap::new();
    for d in &analysis.derived {
        by_metric.entry(d.metric.as_str()).or_default().push(d);
    }
    // Drawn in parallel; collecting keeps the id order.
    by_metric
        .into_par_iter()
        .map(|(metric, mut rows)| {
            rows.sort_by(|a, b| {
                b.value.total_cmp(&a.value).then_with(|| {
                    (&a.region_code, &a.county, a.year).cmp(&(&b.region_code, &b.county, b.year))
                })
            });
            let total = rows.len();
            rows.truncate(MAX_ROWS);
            chart(ctx, metric, &rows, total, analysis)
        })
        .collect()
}

fn chart(
    ctx: &Ctx<'_>,
    metric: &str,
    rows: &[&DerivedRow],
    total: usize,
    analysis: &Analysis,
) -> Result<Chart, ChartError> {
    let (facts, references) = (&analysis.facts, &analysis.references);
    let l = ctx.lang;
    let base = reference_id(metric);
    let name = file_stem(&["rate", metric]);
    let indicator = derived_name(ctx.dict, metric, l);
    let title = l.fill("chart.rate_title", &[("indicator", &indicator)]);
    let span = year_span(rows.iter().map(|r| r.year));
    let subtitle = l.fill("chart.rate_subtitle", &[("span", &span)]);
    let refs: Vec<&Reference> = references.iter().filter(|r| r.indicator == base).collect();
    let mut footer = Vec::new();
    if total > rows.len() {
        footer.push(l.fill(
            "chart.top_shown",
            &[("shown", &rows.len()), ("total", &total)],
        ));
    }
    for r in &refs {
        footer.push(l.fill(
            "chart.reference_line",
            &[
                ("year", &r.year),
                ("value", &format!("{}%", format_value(r.value))),
                ("source", &short_source(&r.source)),
            ],
        ));
    }
    // Derived rows carry evidence, not file names: the reports are those stating the parts.
    // One pass over the facts with a set of the drawn rows' parts (not rows × facts).
    let parts: HashSet<(&str, &str, i32, &str)> = rows
        .iter()
        .flat_map(|r| {
            [&r.numerator_metric, &r.denominator_metric].map(|m| {
                (
                    r.region_code.as_str(),
                    r.county.as_str(),
                    r.year,
                    m.as_str(),
                )
            })
        })
        .collect();
    // The parts are a handful of indicators: most facts are ruled out by their indicator
    // before any hashing.
    let mut part_metrics: Vec<&str> = parts.iter().map(|p| p.3).collect();
    part_metrics.sort_unstable();
    part_metrics.dedup();
    let docs = facts.iter().filter(|f| {
        part_metrics.contains(&f.metric.as_str())
            && parts.contains(&(
                f.region_code.as_str(),
                f.county.as_str(),
                f.year,
                f.metric.as_str(),
            ))
    });
    footer.push(source_line(docs.map(|f| f.doc.as_str()), l));
    let plot = RatePlot {
        name: name.clone(),
        title: title.clone(),
        subtitle,
        footer,
        rows: rows
            .iter()
            .map(|r| {
                (
                    format!("{} {}", r.county, r.year),
                    r.value,
                    r.ci_low,
                    r.ci_high,
                    format!(
                        "{}% ({}) [{}-{}]",
                        format_pct(r.value),
                        parts_label(r),
                        format_pct(r.ci_low),
                        format_pct(r.ci_high)
                    ),
                )
            })
            .collect(),
        references: refs
            .iter()
            .map(|r| (format!("{} {}%", r.year, format_value(r.value)), r.value))
            .collect(),
    };
    let (svg, png) = render(&plot)?;
    let csv_rows: Vec<Row<'_>> = rows
        .iter()
        .map(|r| Row {
            region_code: &r.region_code,
            county: &r.county,
            metric: &r.metric,
            year: r.year,
            numerator_metric: &r.numerator_metric,
            numerator: format_value(r.numerator),
            denominator_metric: &r.denominator_metric,
            denominator: format_value(r.denominator),
            value_pct: format_value(r.value),
            ci_low_pct: format_value(r.ci_low),
            ci_high_pct: format_value(r.ci_high),
            note: spreadsheet_cell(&notes_text(&r.notes, ctx.dict, ctx.lang)).into_owned(),
            evidence: spreadsheet_cell(&r.evidence).into_owned(),
        })
        .collect();
    Ok(Chart {
        data_csv: chart_csv(&name, &csv_rows, ctx.csv)?,
        name,
        title,
        kind: ChartKind::Rate,
        subject: metric.to_string(),
        svg,
        png,
    })
}

/// A percentage with one decimal (`98.9`), the precision the reports use.
pub fn format_pct(v: f64) -> String {
    format!("{v:.1}")
}

impl Plot for RatePlot {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> (u32, u32) {
        horizontal_bars_size(self.rows.len(), self.footer.len())
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let area = frame(root, k, &self.title, &self.subtitle, &self.footer)?;
        let n = self.rows.len().max(1);
        let label_w = self
            .rows
            .iter()
            .map(|r| text_width(&r.0, 12.0))
            .fold(40.0_f64, f64::max)
            .min(200.0);
        let labels: Vec<String> = self.rows.iter().map(|r| fit(&r.0, 12.0, 190.0)).collect();
        // Proportions are drawn on their whole 0-100 range (a zoomed axis would exaggerate
        // gaps); a growth rate may go below 0 or above 100, and the axis then widens. The room
        // right of the axis end holds the value labels.
        let lo = self.rows.iter().map(|r| r.2).fold(0.0_f64, f64::min);
        let hi = self.rows.iter().map(|r| r.3).fold(100.0_f64, f64::max);
        let axis_end = if hi > 100.0 {
            (hi / 50.0).ceil() * 50.0
        } else {
            100.0
        };
        let axis_start = if lo < 0.0 {
            (lo / 50.0).floor() * 50.0
        } else {
            0.0
        };
        let x_max = axis_end + 0.6 * (axis_end - axis_start);
        let rows = n as f64;
        let mut chart = ChartBuilder::on(&area)
            .margin_left((12.0 * k) as u32)
            .margin_right((24.0 * k) as u32)
            .x_label_area_size((30.0 * k) as u32)
            .y_label_area_size(((label_w + 14.0) * k) as u32)
            .build_cartesian_2d(axis_start..x_max, 0.0..rows)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID.stroke_width(k.round() as u32))
            .y_labels(0)
            .x_labels(17)
            .x_label_formatter(&|v| {
                if *v <= axis_end + 1e-9 {
                    format_value(*v)
                } else {
                    String::new()
                }
            })
            .x_desc("%")
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
                .map(|(i, l)| ((0.0, centre(i)), l)),
            k,
        )?;
        let whisker = BAR.stroke_width((2.0 * k) as u32);
        let cap = (6.0 * k) as i32;
        for (i, (_, value, low, high, label)) in self.rows.iter().enumerate() {
            let y = centre(i);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*low, y), (*high, y)],
                whisker,
            )))?;
            for end in [*low, *high] {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((end, y))
                        + PathElement::new(vec![(0, -cap), (0, cap)], whisker),
                ))?;
            }
            chart.draw_series(std::iter::once(
                EmptyElement::at((*value, y)) + Circle::new((0, 0), (5.0 * k) as i32, BAR.filled()),
            ))?;
            chart.draw_series(std::iter::once(
                EmptyElement::at((axis_end, y))
                    + Text::new(
                        label.clone(),
                        ((8.0 * k) as i32, 0),
                        text(11.0, k).pos(Pos::new(HPos::Left, VPos::Center)),
                    ),
            ))?;
        }
        for (label, value) in &self.references {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*value, 0.0), (*value, rows)],
                REFERENCE.stroke_width((2.0 * k) as u32),
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
