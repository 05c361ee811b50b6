//! Timeliness: days from each report's deadline (1 April of the following year) to its
//! publication, one horizontal bar per report, latest first; the deadline is the reference
//! line at 0, so early reports' bars run left of it and late ones' right.

use serde::Serialize;

use super::bar::{BarPlot, MAX_BARS};
use super::{chart_csv, file_stem, render, Chart, ChartError, ChartKind, Ctx};
use crate::analysis::TimelinessRow;
use crate::render::escape::spreadsheet_cell;

/// One drawn bar's data, text cells neutralised.
#[derive(Serialize)]
struct Row {
    doc: String,
    region_code: String,
    county: String,
    report_year: Option<i32>,
    publish_date: String,
    deadline: Option<String>,
    days_late: i64,
}

/// The timeliness chart, or `None` when no report gives both its year and its date.
pub(crate) fn chart(ctx: &Ctx<'_>, rows: &[TimelinessRow]) -> Result<Option<Chart>, ChartError> {
    let l = ctx.lang;
    let mut dated: Vec<(&TimelinessRow, i64)> = rows
        .iter()
        .filter_map(|r| r.days_late.map(|d| (r, d)))
        .collect();
    if dated.is_empty() {
        return Ok(None);
    }
    // Latest first; ties in table order (a stable sort).
    dated.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
    let late = dated.iter().filter(|(_, d)| *d > 0).count();
    let total = dated.len();
    let shown = &dated[..total.min(MAX_BARS)];
    let name = file_stem(&["timeliness"]);
    let title = l.text("chart.report_publication_days_from_the").to_string();
    let subtitle = l.fill(
        "chart.timeliness_subtitle",
        &[("total", &total), ("late", &late)],
    );
    let mut footer = Vec::new();
    if total > shown.len() {
        footer.push(l.fill("chart.latest_shown", &[("shown", &shown.len())]));
    }
    footer.push(l.text("chart.deadline_regulation_on_rule_of").to_string());
    let label = |r: &TimelinessRow| {
        let who = if r.county.is_empty() {
            r.doc.as_str()
        } else {
            r.county.as_str()
        };
        match r.report_year {
            Some(y) => format!("{who} {y}"),
            None => who.to_string(),
        }
    };
    let plot = BarPlot {
        name: name.clone(),
        title: title.clone(),
        subtitle,
        footer,
        unit: l.text("chart.days").to_string(),
        bars: shown
            .iter()
            .map(|(r, d)| (label(r), *d as f64, format!("{d:+}")))
            .collect(),
        references: vec![(l.text("chart.deadline").to_string(), 0.0)],
        stagger: false,
    };
    let (svg, png) = render(&plot)?;
    let data: Vec<Row> = shown
        .iter()
        .map(|(r, d)| Row {
            doc: spreadsheet_cell(&r.doc).into_owned(),
            region_code: r.region_code.clone(),
            county: spreadsheet_cell(&r.county).into_owned(),
            report_year: r.report_year,
            publish_date: spreadsheet_cell(&r.publish_date).into_owned(),
            deadline: r.deadline.clone(),
            days_late: *d,
        })
        .collect();
    Ok(Some(Chart {
        data_csv: chart_csv(&name, &data, ctx.csv)?,
        name,
        title,
        kind: ChartKind::Timeliness,
        subject: "timeliness".to_string(),
        svg,
        png,
    }))
}
