//! Small multiples of one county's indicators: one panel per indicator and scope, a bar per
//! year, each bar labelled with its value. Panels have their own scales (counts of cases and
//! counts of staff are not comparable), so the reader compares shapes, not heights.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{year_span, CountyKey, Grid, SeriesKey};
use super::{
    chart_csv, file_stem, fit, frame, render, source_line, text, unit_label, value_label, Chart,
    ChartError, ChartKind, Ctx, FactRow, Plot, BAR,
};
use crate::model::Fact;

const COLUMNS: usize = 4;
const PANEL_W: u32 = 184;
const PANEL_H: u32 = 150;

struct Panel {
    title: String,
    unit: String,
    /// (year, value, value label).
    bars: Vec<(i32, f64, String)>,
}

struct ProfilePlot {
    name: String,
    title: String,
    subtitle: String,
    footer: Vec<String>,
    panels: Vec<Panel>,
}

/// The profile chart of one county (`index` names it when the division code is unresolved).
pub(crate) fn chart(
    ctx: &Ctx<'_>,
    grid: &Grid<'_>,
    county: &CountyKey,
    index: usize,
) -> Result<Option<Chart>, ChartError> {
    let l = ctx.lang;
    let series: Vec<(&SeriesKey, Vec<&Fact>)> = grid
        .series
        .iter()
        .filter_map(|(key, counties)| {
            counties
                .get(county)
                .map(|years| (key, years.values().copied().collect()))
        })
        .collect();
    if series.is_empty() {
        return Ok(None);
    }
    // File names come from the division code, never from the (non-ASCII, untrusted) name.
    // Two names under one code (a name edited by hand in facts.csv) get one file each: the
    // code alone would have the second chart overwrite the first.
    let resolved =
        county.region_code.chars().all(|c| c.is_ascii_digit()) && !county.region_code.is_empty();
    let name = if resolved && !grid.shares_code(county) {
        file_stem(&["county", &county.region_code])
    } else if resolved {
        file_stem(&["county", &format!("{}_{}", county.region_code, index + 1)])
    } else {
        file_stem(&["county", &format!("unresolved{}", index + 1)])
    };
    let title = l.fill("chart.profile_title", &[("county", &county.county)]);
    let span = year_span(series.iter().flat_map(|(_, v)| v.iter().map(|f| f.year)));
    let subtitle = l.fill(
        "chart.profile_subtitle",
        &[("n", &series.len()), ("span", &span)],
    );
    let footer = vec![source_line(
        series
            .iter()
            .flat_map(|(_, v)| v.iter().map(|f| f.doc.as_str())),
        l,
    )];
    let panels = series
        .iter()
        .map(|(key, facts)| {
            let unit = facts.first().map(|f| f.unit.as_str()).unwrap_or("");
            let name = ctx.dict.name(&key.metric, l.is_en());
            let scope = match key.scope {
                crate::model::Scope::Annual => "",
                crate::model::Scope::Stock => l.text("chart.stock"),
                crate::model::Scope::Cumulative => l.text("chart.cumul"),
                crate::model::Scope::Partial => l.text("chart.part_year"),
            };
            Panel {
                title: format!("{name}{scope}"),
                unit: unit_label(unit, l).to_string(),
                bars: facts
                    .iter()
                    .map(|f| (f.year, f.value, value_label(f)))
                    .collect(),
            }
        })
        .collect();
    let plot = ProfilePlot {
        name: name.clone(),
        title: title.clone(),
        subtitle,
        footer,
        panels,
    };
    let (svg, png) = render(&plot)?;
    let rows: Vec<FactRow<'_>> = series
        .iter()
        .flat_map(|(key, facts)| facts.iter().map(move |f| FactRow::new(key, county, f)))
        .collect();
    Ok(Some(Chart {
        data_csv: chart_csv(&name, &rows, ctx.csv)?,
        name,
        title,
        kind: ChartKind::Profile,
        subject: format!("{}/{}", county.region_code, county.county),
        svg,
        png,
    }))
}

impl ProfilePlot {
    fn rows(&self) -> usize {
        self.panels.len().div_ceil(COLUMNS).max(1)
    }
}

impl Plot for ProfilePlot {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> (u32, u32) {
        (
            PANEL_W * COLUMNS as u32 + 24,
            60 + PANEL_H * self.rows() as u32 + 18 * self.footer.len() as u32 + 16,
        )
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let area = frame(root, k, &self.title, &self.subtitle, &self.footer)?;
        let area = area.margin(0, 0, (12.0 * k) as u32, (12.0 * k) as u32);
        let cells = area.split_evenly((self.rows(), COLUMNS));
        for (panel, cell) in self.panels.iter().zip(cells.iter()) {
            draw_panel(root, panel, cell, k)?;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panel: &Panel,
    cell: &DrawingArea<DB, Shift>,
    k: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let width = PANEL_W as f64 - 16.0;
    cell.draw(&Text::new(
        fit(&panel.title, 11.0, width),
        ((4.0 * k) as i32, (4.0 * k) as i32),
        text(11.0, k),
    ))?;
    cell.draw(&Text::new(
        panel.unit.clone(),
        ((4.0 * k) as i32, (18.0 * k) as i32),
        text(10.0, k).color(&RGBColor(110, 110, 110)),
    ))?;
    let body = cell.margin(
        (34.0 * k) as u32,
        (4.0 * k) as u32,
        (4.0 * k) as u32,
        (8.0 * k) as u32,
    );
    let n = panel.bars.len().max(1);
    let max = panel.bars.iter().map(|b| b.1).fold(0.0_f64, f64::max);
    let min = panel.bars.iter().map(|b| b.1).fold(0.0_f64, f64::min);
    let y_max = if max > 0.0 { max * 1.3 } else { 1.0 };
    let cols = n as f64;
    let mut chart = ChartBuilder::on(&body)
        .x_label_area_size((16.0 * k) as u32)
        .build_cartesian_2d(0.0..cols, min..y_max)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_y_axis()
        .x_labels(0)
        .draw()?;
    // A lone bar is drawn narrower, so it does not read as a filled panel.
    let half = if n == 1 { 0.2 } else { 0.32 };
    chart.draw_series(panel.bars.iter().enumerate().map(|(i, b)| {
        let x = i as f64 + 0.5;
        Rectangle::new([(x - half, 0.0), (x + half, b.1)], BAR.filled())
    }))?;
    chart.draw_series(panel.bars.iter().enumerate().map(|(i, b)| {
        EmptyElement::at((i as f64 + 0.5, b.1.max(0.0)))
            + Text::new(
                b.2.clone(),
                (0, -(3.0 * k) as i32),
                text(10.0, k).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
    }))?;
    for (i, b) in panel.bars.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, min));
        root.draw(&Text::new(
            b.0.to_string(),
            (x, y + (4.0 * k) as i32),
            text(10.0, k).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    Ok(())
}
