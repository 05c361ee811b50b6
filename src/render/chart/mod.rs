//! Charts (plotters): one module per chart kind, each drawing onto any plotters backend so the
//! same code yields the SVG inlined in the page and a PNG at 2× for slides and documents.
//!
//! Every chart carries a title, its units and data years, a source line naming the reports,
//! and a CSV with exactly the rows it draws (`Chart::data_csv`). PNG text is drawn with the
//! bundled WenQuanYi Micro Hei (a fresh machine has no CJK font); SVG keeps text as text with
//! a CJK-first font-family list, and plotters' SVG backend escapes it (tested below).
//! Labels use ASCII punctuation: the PNG rasteriser misplaces full-width （） and ：.

mod bar;
pub mod data;
mod derived;
mod font;
mod national;
mod profile;
mod raster;
mod timeliness;
mod trend;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

use super::csv::{rows_csv, CsvOptions};
use super::Lang;
use crate::analysis::Analysis;
use crate::dict::IndicatorDict;
use data::Grid;
pub use derived::{derived_name, format_pct, parts_label};
pub use font::FAMILY;

/// What a chart shows; the page uses it to put each chart in its section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Latest value of one indicator per county, sorted.
    Bar,
    /// One indicator over the years, one line per county with two or more years.
    Trend,
    /// A derived rate per county and year with its Wilson interval.
    Rate,
    /// Small multiples of one county's indicators.
    Profile,
    /// Days from each report's publication deadline to its publication.
    Timeliness,
    /// A national series' latest year: one box per province (instead of the bar chart).
    Distribution,
    /// A national series' median over the years with its interquartile band (instead of the
    /// trend chart).
    National,
    /// A national series' latest year within one province: its units ranked.
    Province,
}

/// One rendered chart and its data.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem, ASCII and safe on Windows and Linux (`bar_reconsideration.received_annual`).
    pub name: String,
    /// Title as shown.
    pub title: String,
    /// Kind of chart.
    pub kind: ChartKind,
    /// What it is about: `metric/scope` for bar and trend charts, the derived metric id for
    /// rate charts, the county's [`data::CountyKey`] as `code/name` for profiles.
    pub subject: String,
    /// SVG document (text kept as text, escaped).
    pub svg: String,
    /// PNG at twice the SVG's pixel size, text drawn with the bundled CJK font.
    pub png: Vec<u8>,
    /// Exactly the chart's data as CSV (with the source file and sentence of each value).
    pub data_csv: Vec<u8>,
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The bundled font could not be parsed (a corrupt `assets/fonts` file at build time).
    #[error("bundled chart font assets/fonts/wqy-microhei.ttc cannot be read")]
    Font,
    /// plotters failed while drawing.
    #[error("chart {chart}: drawing failed: {message}")]
    Draw {
        /// Chart file stem.
        chart: String,
        /// plotters' error.
        message: String,
    },
    /// The PNG encoder failed.
    #[error("chart {chart}: PNG encoding failed: {source}")]
    Png {
        /// Chart file stem.
        chart: String,
        /// The encoder's error.
        source: png::EncodingError,
    },
    /// The chart's CSV could not be written.
    #[error("chart {chart}: data CSV: {message}")]
    Csv {
        /// Chart file stem.
        chart: String,
        /// The CSV writer's error.
        message: String,
    },
}

/// Renders every chart the page shows, in a stable order: per indicator a bar chart and (where
/// some county has two or more years) a trend chart, one chart per derived rate, then one
/// profile per county for at most [`data::MAX_PROFILES`] counties (see
/// [`Grid::profiled_counties`] for which), then the timeliness chart (where some report gives
/// its publication date).
///
/// Charts are drawn in parallel (rayon); the order, and every byte, is the same whatever the
/// thread count, since each chart depends only on the analysis and the collect keeps job order.
pub fn render_charts(
    analysis: &Analysis,
    dict: &IndicatorDict,
    lang: Lang,
    csv: &CsvOptions,
) -> Result<Vec<Chart>, ChartError> {
    render_charts_from(&Grid::build(analysis, dict), analysis, dict, lang, csv)
}

/// [`render_charts`] from a grid already built from `analysis` (the page reads the same grid,
/// so a run builds it once).
pub fn render_charts_from(
    grid: &Grid<'_>,
    analysis: &Analysis,
    dict: &IndicatorDict,
    lang: Lang,
    csv: &CsvOptions,
) -> Result<Vec<Chart>, ChartError> {
    use rayon::prelude::*;

    /// One chart to draw.
    enum Job<'g> {
        Distribution(&'g data::SeriesKey),
        National(&'g data::SeriesKey),
        Province(&'g data::SeriesKey),
        Bar(&'g data::SeriesKey),
        Trend(&'g data::SeriesKey),
        Rates,
        Profile(usize, &'g data::CountyKey),
        Timeliness,
    }

    // Register the font once before the threads start drawing.
    font::ensure_registered()?;
    let ctx = Ctx { dict, lang, csv };
    let mut jobs = Vec::new();
    for key in grid.series.keys() {
        if is_national_series(grid, analysis, key) {
            jobs.push(Job::Distribution(key));
            jobs.push(Job::National(key));
            jobs.push(Job::Province(key));
        } else {
            jobs.push(Job::Bar(key));
            jobs.push(Job::Trend(key));
        }
    }
    jobs.push(Job::Rates);
    for (i, county) in grid.profiled_counties() {
        jobs.push(Job::Profile(i, county));
    }
    jobs.push(Job::Timeliness);
    let drawn: Vec<Vec<Chart>> = jobs
        .par_iter()
        .map(|job| -> Result<Vec<Chart>, ChartError> {
            Ok(match job {
                Job::Distribution(key) => {
                    national::distribution(&ctx, &analysis.national.regions, key)?
                        .into_iter()
                        .collect()
                }
                Job::National(key) => {
                    national::national_trend(&ctx, &analysis.national.regions, key)?
                        .into_iter()
                        .collect()
                }
                Job::Province(key) => national::province_ranking(
                    &ctx,
                    &analysis.national.regions,
                    &analysis.comparisons,
                    key,
                )?
                .into_iter()
                .collect(),
                Job::Bar(key) => vec![bar::chart(&ctx, grid, key, &analysis.references)?],
                Job::Trend(key) => trend::chart(&ctx, grid, key)?.into_iter().collect(),
                Job::Rates => derived::charts(&ctx, analysis)?,
                Job::Profile(i, county) => profile::chart(&ctx, grid, county, *i)?
                    .into_iter()
                    .collect(),
                Job::Timeliness => timeliness::chart(&ctx, &analysis.timeliness)?
                    .into_iter()
                    .collect(),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(drawn.into_iter().flatten().collect())
}

/// Whether a series is drawn as a distribution and a national trend rather than one bar and
/// one line per unit: in a national corpus, once its latest values would put more than
/// [`NATIONAL_UNITS`](crate::analysis::national::NATIONAL_UNITS) units in one chart.
pub fn is_national_series(grid: &Grid<'_>, analysis: &Analysis, key: &data::SeriesKey) -> bool {
    use crate::analysis::national::{is_national, NATIONAL_UNITS};
    is_national(&analysis.national) && grid.latest(key).len() > NATIONAL_UNITS
}

/// Settings shared by every chart function.
pub(crate) struct Ctx<'a> {
    pub dict: &'a IndicatorDict,
    pub lang: Lang,
    pub csv: &'a CsvOptions,
}

/// The unit as a reader of `lang` expects it (the dictionary stores Chinese units; the
/// translations are labels, `units.<unit>`). A unit without a label is shown as it is.
pub fn unit_label(unit: &str, lang: Lang) -> &str {
    if !lang.is_en() {
        return unit;
    }
    super::labels::installed()
        .get(&format!("units.{unit}"), lang)
        .unwrap_or(unit)
}

/// The scope as a label.
pub fn scope_label(scope: crate::model::Scope, lang: Lang) -> &'static str {
    use crate::model::Scope;
    match scope {
        Scope::Annual => lang.text("chart.annual"),
        Scope::Stock => lang.text("chart.year_end_stock"),
        Scope::Cumulative => lang.text("chart.cumulative"),
        Scope::Partial => lang.text("chart.partial"),
    }
}

/// A value as labelled on a chart: `2000+` for 余/多/以上, `~2000` for 约/近.
pub fn value_label(fact: &crate::model::Fact) -> String {
    use crate::model::Qualifier;
    let v = crate::model::format_value(fact.value);
    match fact.qualifier {
        Qualifier::MoreThan => format!("{v}+"),
        Qualifier::Nearly => format!("~{v}"),
        Qualifier::Exact | Qualifier::Derived => v,
    }
}

/// Makes an ASCII file stem from ids (never from county names): anything outside
/// `[A-Za-z0-9._-]` becomes `_`, and a leading dot is avoided.
pub fn file_stem(parts: &[&str]) -> String {
    let joined = parts.join("_");
    let mut s: String = joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with('.') {
        s.insert(0, '_');
    }
    s
}

/// The source line: which reports, and that fazhi extracted the figures.
pub(crate) fn source_line<'a, I: IntoIterator<Item = &'a str>>(docs: I, lang: Lang) -> String {
    let mut docs: Vec<&str> = docs.into_iter().collect();
    docs.sort_unstable();
    docs.dedup();
    let list = if docs.len() <= 3 {
        docs.join(", ")
    } else {
        format!("{}, {} +{}", docs[0], docs[1], docs.len().saturating_sub(2))
    };
    lang.fill("chart.source_line", &[("list", &list)])
}

/// Serialises a chart's rows with the run's CSV options.
pub(crate) fn chart_csv<T: Serialize>(
    name: &str,
    rows: &[T],
    csv: &CsvOptions,
) -> Result<Vec<u8>, ChartError> {
    rows_csv(rows, csv).map_err(|e| ChartError::Csv {
        chart: name.to_string(),
        message: format!("{e:#}"),
    })
}

/// One row of a chart's CSV for a fact drawn in it: exactly the data behind a bar or point,
/// with its source (bar, trend and county-profile charts share it).
#[derive(Serialize)]
pub(crate) struct FactRow<'a> {
    region_code: &'a str,
    county: &'a str,
    metric: &'a str,
    scope: String,
    year: i32,
    value: String,
    qualifier: String,
    unit: &'a str,
    doc: String,
    evidence: String,
}

impl<'a> FactRow<'a> {
    /// The row for `fact`, drawn for `county` in the series `key`; text cells neutralised.
    pub(crate) fn new(
        key: &'a data::SeriesKey,
        county: &'a data::CountyKey,
        fact: &'a crate::model::Fact,
    ) -> Self {
        use super::escape::spreadsheet_cell;
        FactRow {
            region_code: &county.region_code,
            county: &county.county,
            metric: &key.metric,
            scope: key.scope.to_string(),
            year: fact.year,
            value: crate::model::format_value(fact.value),
            qualifier: fact.qualifier.to_string(),
            unit: &fact.unit,
            doc: spreadsheet_cell(&fact.doc).into_owned(),
            evidence: spreadsheet_cell(&fact.evidence).into_owned(),
        }
    }
}

/// Pixel size at 1× of a chart of horizontal bars (the bar chart and the derived-rate chart
/// share one layout): 34 px a row, room for title and axis, 18 px a footer line.
pub(crate) fn horizontal_bars_size(rows: usize, footer_lines: usize) -> (u32, u32) {
    let body = 34 * rows.max(1) as u32 + 40;
    (760, 60 + body + 18 * footer_lines as u32 + 16)
}

/// One drawable chart: its pixel size at 1× and how to draw it at scale `k`.
pub(crate) trait Plot {
    /// File stem, for error messages.
    fn name(&self) -> &str;
    /// Width and height at 1× (SVG pixels).
    fn size(&self) -> (u32, u32);
    /// Draws onto `root`; every length is multiplied by `k` (1 for SVG, 2 for PNG).
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        k: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

/// Draws `plot` twice: SVG text at 1× and PNG bytes at 2×.
pub(crate) fn render<P: Plot>(plot: &P) -> Result<(String, Vec<u8>), ChartError> {
    font::ensure_registered()?;
    let draw_err = |e: &dyn std::fmt::Display| ChartError::Draw {
        chart: plot.name().to_string(),
        message: e.to_string(),
    };
    let (w, h) = plot.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        plot.draw(&root, 1.0).map_err(|e| draw_err(&e))?;
        root.present().map_err(|e| draw_err(&e))?;
    }
    let (pw, ph) = (w * 2, h * 2);
    let mut rgb = vec![0u8; pw as usize * ph as usize * 3];
    {
        let root = raster::GlyphBackend::new(&mut rgb, (pw, ph), font::face()?).into_drawing_area();
        plot.draw(&root, 2.0).map_err(|e| draw_err(&e))?;
        root.present().map_err(|e| draw_err(&e))?;
    }
    let png = encode_png(&rgb, pw, ph).map_err(|source| ChartError::Png {
        chart: plot.name().to_string(),
        source,
    })?;
    Ok((svg, png))
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // 144 dpi (2× of 72): slides and word processors then size the image like the SVG.
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: 5669,
            yppu: 5669,
            unit: png::Unit::Meter,
        }));
        let mut writer = enc.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    // The encoder grows its buffer by doubling: without this, every chart held for writing
    // keeps up to twice its PNG's size (84 MB for 282 charts at 5,000 reports).
    out.shrink_to_fit();
    Ok(out)
}

/// Text style in the bundled family at `size` × `k`.
pub(crate) fn text(size: f64, k: f64) -> TextStyle<'static> {
    (FAMILY, size * k).into_font().color(&BLACK)
}

/// Approximate drawn width of `s` at font size `size` (CJK ≈ 1 em, ASCII ≈ 0.55 em): used to
/// size label areas before drawing.
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.56 } else { 1.0 })
        .sum::<f64>()
        * size
}

/// Shortens `s` to about `max_px` at `size`, ending with `...` when cut.
pub(crate) fn fit(s: &str, size: f64, max_px: f64) -> String {
    if text_width(s, size) <= max_px {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_width(&out, size) + text_width("...", size) + text_width(&c.to_string(), size)
            > max_px
        {
            break;
        }
        out.push(c);
    }
    out.push_str("...");
    out
}

/// Replaces full-width punctuation with ASCII: the PNG rasteriser places （）：， badly, and
/// report-derived text (reference sources) can contain them.
pub(crate) fn ascii_punct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '（' => out.push('('),
            '）' => out.push(')'),
            '，' | '、' => out.push_str(", "),
            '：' => out.push_str(": "),
            '；' => out.push_str("; "),
            '。' => out.push_str(". "),
            '“' | '”' => out.push('"'),
            other => out.push(other),
        }
    }
    out.trim_end().to_string()
}

/// A reference's publisher as a chart can show it: the part before the first colon
/// (`司法部《2023年法治政府建设年度报告》(2024-03-29)`), at most about 60 characters.
pub(crate) fn short_source(source: &str) -> String {
    let head = source
        .split([':', '：', ';', '；'])
        .next()
        .unwrap_or(source)
        .trim();
    fit(&ascii_punct(head), 11.0, 480.0)
}

/// Title, subtitle (units and years) and source line around a chart body; returns the area
/// left for the body. Full-width punctuation is replaced (see [`ascii_punct`]).
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    k: f64,
    title: &str,
    subtitle: &str,
    footer: &[String],
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let px = |v: f64| (v * k).round() as i32;
    let (_, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        title.to_string(),
        (px(12.0), px(8.0)),
        text(17.0, k),
    ))?;
    root.draw(&Text::new(
        subtitle.to_string(),
        (px(12.0), px(32.0)),
        text(12.0, k).color(&RGBColor(90, 90, 90)),
    ))?;
    let line_h = px(15.0);
    let bottom = h as i32 - px(8.0) - line_h * footer.len() as i32;
    for (i, line) in footer.iter().enumerate() {
        root.draw(&Text::new(
            ascii_punct(line),
            (px(12.0), bottom + line_h * i as i32 + px(2.0)),
            text(11.0, k).color(&RGBColor(90, 90, 90)),
        ))?;
    }
    let footer_px = (h as i32 - bottom).max(0) as u32;
    Ok(root.margin(px(52.0) as u32, footer_px + px(4.0) as u32, 0, 0))
}

/// Draws category labels left of a chart's plotting area, right-aligned and vertically centred
/// on the given data coordinates. Labels go on `root` (whose origin is the backend's), placed
/// through the chart's own coordinate mapping, so rows and their labels cannot drift apart.
pub(crate) fn category_labels<'s, DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    labels: impl Iterator<Item = ((f64, f64), &'s String)>,
    k: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    for (at, label) in labels {
        let (x, y) = chart.backend_coord(&at);
        root.draw(&Text::new(
            label.clone(),
            (x - (8.0 * k) as i32, y),
            text(12.0, k).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// Bar fill.
pub(crate) const BAR: RGBColor = RGBColor(58, 110, 165);
/// Reference lines and their labels.
pub(crate) const REFERENCE: RGBColor = RGBColor(200, 60, 40);
/// Grid lines.
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);

/// Series colours for lines (colour-blind friendly, Okabe–Ito).
pub(crate) const SERIES: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(120, 120, 120),
    RGBColor(240, 228, 66),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_ascii_and_safe() {
        for (parts, want) in [
            (
                vec!["bar", "reconsideration.received", "annual"],
                "bar_reconsideration.received_annual",
            ),
            (vec!["county", "371525"], "county_371525"),
            (vec!["x", "a/b\\c:d*e?\"<>|沛县"], "x_a_b_c_d_e_______"),
            (vec![".hidden"], "_.hidden"),
        ] {
            let s = file_stem(&parts);
            assert_eq!(s, want);
            assert!(s.is_ascii());
        }
    }

    #[test]
    fn units_translate_for_english_only() {
        for (unit, lang, want) in [
            ("件", Lang::En, "cases"),
            ("件", Lang::Zh, "件"),
            ("人次", Lang::En, "person-times"),
            ("%", Lang::En, "%"),
        ] {
            assert_eq!(unit_label(unit, lang), want);
        }
    }

    #[test]
    fn long_labels_are_cut_to_fit() {
        assert_eq!(fit("short", 10.0, 100.0), "short");
        let cut = fit("行政执法资格考试参考人数", 10.0, 60.0);
        assert!(
            cut.ends_with("...") && text_width(&cut, 10.0) <= 60.0,
            "{cut}"
        );
    }

    #[test]
    fn chart_text_avoids_full_width_punctuation() {
        assert_eq!(
            ascii_punct("纠错率（%）：12.83，全国"),
            "纠错率(%): 12.83, 全国"
        );
        assert_eq!(
            short_source("司法部《报告》（2024-03-29）: 纠错率达12.83%; https://www.moj.gov.cn/"),
            "司法部《报告》(2024-03-29)"
        );
    }

    #[test]
    fn source_line_names_reports_and_fazhi() {
        let zh = source_line(["b.txt", "a.txt", "a.txt"], Lang::Zh);
        assert_eq!(zh, "来源: a.txt, b.txt; 由 fazhi 从报告原文提取");
        let en = source_line(["1", "2", "3", "4", "5"], Lang::En);
        assert!(en.starts_with("Source: 1, 2 +3;") && en.contains("extracted by fazhi"));
    }
}
