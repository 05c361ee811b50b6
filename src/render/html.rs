//! The self-contained summary page (`index.html`), the last step of `fazhi run`.
//!
//! One file: the template (`templates/report.html`), inline CSS, inline SVG charts and a few
//! lines of inline script that make tables sortable. Nothing is fetched: a
//! Content-Security-Policy meta tag allows no network source at all, and admits the style and
//! script blocks only by their SHA-256 hashes, computed here at render time. Every piece of
//! report text goes through [`escape::html`](super::escape::html); the SVG comes from plotters,
//! whose backend escapes text (tested in `tests/page.rs`). Every figure links to a footnote with
//! its source file and sentence, and carries both in a `title` for hover. The page reads fully
//! with script off and prints on A4. Output is deterministic: no clock, stable orders.
//!
//! At national scale (thousands of counties, tens of thousands of reports) the page stays a
//! summary a browser opens in a moment: a table longer than [`TABLE_ROWS`] shows its first and
//! last `TABLE_ROWS / 2` rows (the highest and lowest, for ranked tables) and names the CSV that
//! holds every row; county profiles are limited to [`MAX_PROFILES`] counties (the best
//! covered); the coverage matrix becomes one row per indicator with the number of counties
//! reporting it once there are more than [`COVERAGE_COLUMNS`] counties; and at most
//! [`MAX_FINDINGS`] key findings are listed, cross-county comparisons first. A run of a few
//! reports is below every limit and shows everything.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};

pub use super::chart::data::MAX_PROFILES;
use super::chart::data::{year_span, CountyKey, Grid, SeriesKey};
use super::chart::{scope_label, unit_label, value_label, Chart, ChartKind};
use super::escape::html;
use super::findings::top_key_findings;
use super::Lang;
use crate::analysis::{Analysis, Severity, TrendRow};
use crate::dict::IndicatorDict;
use crate::ingest::{InputRecord, InputStatus};
use crate::model::{format_value, Fact, Scope};

/// Longest table shown whole; a longer one shows its first and last `TABLE_ROWS / 2` rows.
pub const TABLE_ROWS: usize = 40;
/// Most counties shown as columns of the coverage matrix; beyond, it lists counts per indicator.
pub const COVERAGE_COLUMNS: usize = 30;
/// Most key findings listed (cross-county comparisons first, then checks, rates, changes).
pub const MAX_FINDINGS: usize = 40;

const TEMPLATE: &str = include_str!("templates/report.html");
const STYLE: &str = include_str!("templates/page.css");
const SCRIPT: &str = include_str!("templates/sort.js");

/// What the page shows.
pub struct PageContext<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The indicator dictionary (names, units).
    pub dict: &'a IndicatorDict,
    /// Every input with its status.
    pub inputs: &'a [InputRecord],
    /// Rendered charts.
    pub charts: &'a [Chart],
    /// Label language.
    pub lang: Lang,
}

/// Renders the page.
pub fn render_page(ctx: &PageContext<'_>) -> Vec<u8> {
    render_page_with(ctx, &Grid::build(ctx.analysis, ctx.dict))
}

/// [`render_page`] from a grid already built from the context's analysis and dictionary (the
/// charts read the same grid, so a run builds it once).
pub fn render_page_with(ctx: &PageContext<'_>, grid: &Grid<'_>) -> Vec<u8> {
    let l = ctx.lang;
    let mut page = Page {
        ctx,
        grid,
        index: Index::new(ctx.analysis),
        sources: Sources::default(),
        out: String::new(),
    };
    page.header();
    page.findings();
    page.indicators();
    page.counties();
    page.rates();
    page.timeliness();
    page.quality();
    page.coverage();
    page.methodology();
    page.source_list();
    let title = l.text("page.title");
    fill(
        TEMPLATE,
        &[
            ("lang", l.text("page.html_lang")),
            ("csp", &content_security_policy()),
            ("generator", &format!("fazhi {}", env!("CARGO_PKG_VERSION"))),
            ("title", title),
            ("style", STYLE),
            ("body", &page.out),
            ("script", SCRIPT),
        ],
    )
    .into_bytes()
}

/// The page's policy: nothing from anywhere, except the inline style and script blocks,
/// admitted by hash (no `'unsafe-inline'`), and inline SVG (which needs no source).
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src 'none'; \
         base-uri 'none'; form-action 'none'",
        base64(&Sha256::digest(STYLE.as_bytes())),
        base64(&Sha256::digest(SCRIPT.as_bytes()))
    )
}

/// Standard base64 with padding (RFC 4648 §4), as CSP hash sources require.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Fills `{{name}}` slots in one pass, so text inserted for one slot is never scanned for
/// another (a report quoting `{{script}}` stays text). Unknown slots are left as they are.
fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + slots.iter().map(|s| s.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").map(|end| (&after[..end], end)) {
            Some((name, end)) if slots.iter().any(|s| s.0 == name) => {
                let value = slots
                    .iter()
                    .find(|s| s.0 == name)
                    .map(|s| s.1)
                    .unwrap_or("");
                out.push_str(value);
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Footnotes: each distinct (file, sentence) gets one number.
#[derive(Default)]
struct Sources {
    index: HashMap<(String, String), usize>,
    list: Vec<(String, String)>,
}

impl Sources {
    /// A superscript link to the source's footnote; the title shows file and sentence on hover.
    fn link(&mut self, doc: &str, evidence: &str) -> String {
        let key = (doc.to_string(), evidence.to_string());
        let n = match self.index.get(&key) {
            Some(n) => *n,
            None => {
                self.list.push(key.clone());
                self.index.insert(key, self.list.len());
                self.list.len()
            }
        };
        format!(
            "<a class=\"src\" href=\"#src-{n}\" title=\"{}: {}\">[{n}]</a>",
            html(doc),
            html(evidence)
        )
    }
}

struct Page<'a, 'b> {
    ctx: &'b PageContext<'a>,
    grid: &'b Grid<'a>,
    index: Index<'a>,
    sources: Sources,
    out: String,
}

/// Lookups the page makes per row, built once (a scan of every trend or fact per row made the
/// page quadratic in the number of reports). Each keeps the first match in analysis order.
struct Index<'a> {
    /// (indicator, scope, division code, county, year) → its trend row.
    trends: HashMap<(&'a str, Scope, &'a str, &'a str, i32), &'a TrendRow>,
    /// (division code, county, indicator, year) → the fact.
    facts: HashMap<(&'a str, &'a str, &'a str, i32), &'a Fact>,
    /// (division code, county) → the county's first fact (for its province and prefecture).
    places: HashMap<(&'a str, &'a str), &'a Fact>,
}

impl<'a> Index<'a> {
    fn new(a: &'a Analysis) -> Self {
        let mut index = Index {
            trends: HashMap::with_capacity(a.trends.len()),
            facts: HashMap::with_capacity(a.facts.len()),
            places: HashMap::new(),
        };
        for t in &a.trends {
            index
                .trends
                .entry((
                    t.metric.as_str(),
                    t.scope,
                    t.region_code.as_str(),
                    t.county.as_str(),
                    t.year,
                ))
                .or_insert(t);
        }
        for f in &a.facts {
            index
                .facts
                .entry((
                    f.region_code.as_str(),
                    f.county.as_str(),
                    f.metric.as_str(),
                    f.year,
                ))
                .or_insert(f);
            index
                .places
                .entry((f.region_code.as_str(), f.county.as_str()))
                .or_insert(f);
        }
        index
    }
}

/// Positions of the rows of an `n`-row table that the page shows: all of them up to
/// [`TABLE_ROWS`], else the first and last `TABLE_ROWS / 2`.
fn shown_rows(n: usize) -> impl Iterator<Item = usize> {
    let half = TABLE_ROWS / 2;
    (0..n).filter(move |&i| n <= TABLE_ROWS || i < half || i >= n - half)
}

/// `p`-quantile (0–1) of ascending `sorted` values, interpolating linearly between order
/// statistics (Hyndman & Fan 1996, type 7, the default of R and numpy).
fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = p * last as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi.min(last)] - sorted[lo]))
}

impl<'a> Page<'a, '_> {
    fn l(&self) -> Lang {
        self.ctx.lang
    }

    fn name(&self, metric: &str) -> String {
        html(self.ctx.dict.name(metric, self.l().is_en()))
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// After a table cut to [`shown_rows`]: how many rows it has and which file holds them all.
    fn cut_note(&mut self, total: usize, file: &str) {
        if total <= TABLE_ROWS {
            return;
        }
        let half = TABLE_ROWS / 2;
        let note = self.l().fill(
            "page.rows_cut",
            &[("total", &total), ("half", &half), ("file", &file)],
        );
        self.push(&format!("<p class=\"note\">{}</p>", html(&note)));
    }

    /// A value cell: the number with its unit, hover title and footnote link; a value stated
    /// identically by several documents links to every one of them.
    fn value_cell(&mut self, f: &Fact) -> String {
        let mut link = self.sources.link(&f.doc, &f.evidence);
        let analysis = self.ctx.analysis;
        for r in analysis.repeats_of(f) {
            link.push_str(&self.sources.link(&r.doc, &r.evidence));
        }
        format!(
            "<td class=\"num\" data-v=\"{}\" title=\"{}: {}\">{} {}{link}</td>",
            format_value(f.value),
            html(&f.doc),
            html(&f.evidence),
            html(&value_label(f)),
            html(unit_label(&f.unit, self.l())),
        )
    }

    fn figure(&mut self, chart: &Chart) {
        let l = self.l();
        // Label the SVG for screen readers; the chart's own text is already escaped.
        let svg = chart.svg.replacen(
            "<svg ",
            &format!("<svg role=\"img\" aria-label=\"{}\" ", html(&chart.title)),
            1,
        );
        let name = html(&chart.name);
        self.out.push_str(&format!(
            "<figure>{svg}<figcaption>{} <span class=\"files\">· {} <a href=\"charts/{name}.csv\">{name}.csv</a> · <a href=\"charts/{name}.png\">PNG</a> · <a href=\"charts/{name}.svg\">SVG</a></span></figcaption></figure>",
            html(&chart.title),
            l.text("page.data"),
        ));
    }

    fn charts_of(&self, kind: ChartKind, subject: &str) -> Vec<&'a Chart> {
        self.ctx
            .charts
            .iter()
            .filter(|c| c.kind == kind && c.subject == subject)
            .collect()
    }

    fn header(&mut self) {
        let l = self.l();
        let a = self.ctx.analysis;
        let counties = self.grid.counties().len();
        let reports = self.ctx.inputs.len();
        let ok = self
            .ctx
            .inputs
            .iter()
            .filter(|i| i.status == InputStatus::Ok)
            .count();
        let span = year_span(a.facts.iter().map(|f| f.year));
        let title = l.text("page.title");
        let meta = l.fill(
            "page.meta",
            &[
                ("reports", &reports),
                ("ok", &ok),
                ("counties", &counties),
                ("figures", &a.facts.len()),
                ("span", &span),
            ],
        );
        let toc = [
            ("findings", l.text("page.key_findings")),
            ("indicators", l.text("page.indicators_compared")),
            ("counties", l.text("page.county_profiles")),
            ("rates", l.text("page.derived_rates_with_intervals")),
            ("timeliness", l.text("page.timeliness_of_publication")),
            ("quality", l.text("page.data_quality_and_conflicts")),
            ("coverage", l.text("page.coverage_matrix")),
            ("method", l.text("page.methodology")),
            ("sources", l.text("page.sources")),
        ];
        let mut nav = String::new();
        for (id, label) in toc {
            nav.push_str(&format!("<li><a href=\"#{id}\">{label}</a></li>"));
        }
        self.push(&format!(
            "<header><h1>{title}</h1><p class=\"meta\">{}</p><nav><ol>{nav}</ol></nav></header>\n",
            html(&meta)
        ));
    }

    fn findings(&mut self) {
        let l = self.l();
        // At scale: the cross-county view first, then what needs checking, then rates and
        // single counties' changes.
        let (found, total) = top_key_findings(self.ctx.analysis, self.ctx.dict, l, MAX_FINDINGS);
        self.push(&format!(
            "<section id=\"findings\"><h2>{}</h2>",
            l.text("page.key_findings")
        ));
        if found.is_empty() {
            self.push(&format!(
                "<p class=\"note\">{}</p>",
                l.text("page.no_year_over_year_change")
            ));
        } else {
            self.push("<ol class=\"findings\">");
            for f in &found {
                let mut links = String::new();
                for (doc, ev) in f.docs.iter().zip(&f.evidence) {
                    links.push_str(&self.sources.link(doc, ev));
                }
                self.push(&format!("<li>{}{links}</li>", html(&f.sentence)));
            }
            self.push("</ol>");
            if total > found.len() {
                let note = l.fill(
                    "page.findings_cut",
                    &[("total", &total), ("shown", &found.len())],
                );
                self.push(&format!("<p class=\"note\">{}</p>", html(&note)));
            }
        }
        self.push("</section>\n");
    }

    fn indicators(&mut self) {
        let l = self.l();
        self.push(&format!(
            "<section id=\"indicators\"><h2>{}</h2><p class=\"note\">{}</p>",
            l.text("page.indicators_compared"),
            l.text("page.each_indicator_is_compared_within")
        ));
        let keys: Vec<SeriesKey> = self.grid.series.keys().cloned().collect();
        if keys.is_empty() {
            self.push(&format!(
                "<p>{}</p>",
                l.text("page.no_indicator_values_were_extracted")
            ));
        }
        for key in keys {
            self.indicator(&key);
        }
        self.push("</section>\n");
    }

    fn indicator(&mut self, key: &SeriesKey) {
        let l = self.l();
        let subject = format!("{}/{}", key.metric, key.scope);
        let latest: Vec<(CountyKey, &Fact)> = self
            .grid
            .latest(key)
            .into_iter()
            .map(|(c, f)| (c.clone(), f))
            .collect();
        let unit = latest
            .first()
            .map(|(_, f)| f.unit.clone())
            .unwrap_or_default();
        self.push(&format!(
            "<article id=\"ind-{}\"><h3>{} <span class=\"meta\">{} · {}</span></h3>",
            html(&super::chart::file_stem(&[
                &key.metric,
                &key.scope.to_string()
            ])),
            self.name(&key.metric),
            scope_label(key.scope, l),
            html(unit_label(&unit, l)),
        ));
        for kind in [ChartKind::Bar, ChartKind::Trend] {
            for chart in self.charts_of(kind, &subject) {
                self.figure(chart);
            }
        }
        let years: BTreeSet<i32> = latest.iter().map(|(_, f)| f.year).collect();
        if years.len() > 1 {
            self.push(&format!(
                "<p class=\"note\">{} {}</p>",
                l.text("page.note_the_counties_latest_years"),
                html(&year_span(years.iter().copied()))
            ));
        }
        self.push(&format!(
            "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l.text("page.county"),
            l.text("page.year"),
            l.text("page.latest_value"),
            l.text("page.change_vs_previous"),
            l.text("page.rank"),
        ));
        for rank in shown_rows(latest.len()) {
            let (county, f) = &latest[rank];
            let cell = self.value_cell(f);
            let change = self
                .index
                .trends
                .get(&(
                    key.metric.as_str(),
                    key.scope,
                    county.region_code.as_str(),
                    county.county.as_str(),
                    f.year,
                ))
                .and_then(|t| Some((t.prev_year?, t.prev_value?, t.pct_change, &t.note)));
            let change = match change {
                Some((py, pv, pct, note)) => format!(
                    "<td class=\"num\" data-v=\"{}\" title=\"{}\">{} {py}: {}{}</td>",
                    pct.map(|p| format!("{p:.3}")).unwrap_or_default(),
                    html(note),
                    l.text("page.from"),
                    format_value(pv),
                    pct.map(|p| format!(" ({p:+.1}%)")).unwrap_or_default()
                ),
                None => "<td class=\"num\"></td>".to_string(),
            };
            self.push(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td>{cell}{change}<td class=\"num\" data-v=\"{}\">{} / {}</td></tr>",
                html(&county.county),
                f.year,
                rank + 1,
                rank + 1,
                latest.len()
            ));
        }
        self.push("</tbody></table></div>");
        if latest.len() > TABLE_ROWS {
            self.distribution(&latest, &unit);
        }
        if let Some(conflicted) = self.grid.conflicted.get(key) {
            let list: Vec<String> = conflicted
                .iter()
                .take(TABLE_ROWS)
                .map(|(c, years)| {
                    format!(
                        "{} {}",
                        html(&c.county),
                        years
                            .iter()
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            let more = match conflicted.len().saturating_sub(list.len()) {
                0 => String::new(),
                n => l.fill("page.more_counties", &[("n", &n)]),
            };
            self.push(&format!(
                "<p class=\"note\">{} {}{more}. <a href=\"#quality\">{}</a></p>",
                l.text("page.sources_disagree_left_out"),
                list.join("; "),
                l.text("page.see_data_quality")
            ));
        }
        let slopes: Vec<_> = self
            .ctx
            .analysis
            .slopes
            .iter()
            .filter(|s| s.metric == key.metric && s.scope == key.scope)
            .collect();
        if !slopes.is_empty() {
            self.push(&format!(
                "<p class=\"note\">{}</p><ul>",
                l.text("page.linear_trend_over_three_or")
            ));
            let total = slopes.len();
            for i in shown_rows(total) {
                let s = slopes[i];
                self.out.push_str(&format!(
                    "<li>{} {}-{}: {:+.2} {}/{} [{:.2}, {:.2}]</li>",
                    html(&s.county),
                    s.first_year,
                    s.last_year,
                    s.slope,
                    html(unit_label(&unit, l)),
                    l.text("page.year_unit"),
                    s.ci_low,
                    s.ci_high
                ));
            }
            self.push("</ul>");
            self.cut_note(total, "slopes.csv");
        }
        self.push("</article>\n");
    }

    /// Under a ranked table cut to its top and bottom rows: what the whole column looks like.
    fn distribution(&mut self, latest: &[(CountyKey, &Fact)], unit: &str) {
        let l = self.l();
        let mut values: Vec<f64> = latest.iter().map(|(_, f)| f.value).collect();
        values.sort_by(f64::total_cmp);
        let q = |p: f64| quantile(&values, p).map(format_value).unwrap_or_default();
        let half = TABLE_ROWS / 2;
        let note = l.fill(
            "page.distribution",
            &[
                ("n", &values.len()),
                ("half", &half),
                ("min", &q(0.0)),
                ("q1", &q(0.25)),
                ("median", &q(0.5)),
                ("q3", &q(0.75)),
                ("max", &q(1.0)),
                ("unit", &unit_label(unit, l)),
            ],
        );
        self.push(&format!("<p class=\"note\">{}</p>", html(&note)));
    }

    fn counties(&mut self) {
        let l = self.l();
        self.push(&format!(
            "<section id=\"counties\"><h2>{}</h2>",
            l.text("page.county_profiles")
        ));
        let all = self.grid.counties().len();
        let counties: Vec<CountyKey> = self
            .grid
            .profiled_counties()
            .into_iter()
            .map(|(_, c)| c.clone())
            .collect();
        if counties.len() < all {
            let note = l.fill(
                "page.profiles_cut",
                &[("all", &all), ("shown", &counties.len())],
            );
            self.push(&format!("<p class=\"note\">{}</p>", html(&note)));
        }
        for county in counties {
            let place: Option<&Fact> = self
                .index
                .places
                .get(&(county.region_code.as_str(), county.county.as_str()))
                .copied();
            let place = place
                .map(|f| format!("{} {} · {}", f.province, f.prefecture, f.region_code))
                .unwrap_or_default();
            self.push(&format!(
                "<article><h3>{} <span class=\"meta\">{}</span></h3>",
                html(&county.county),
                html(&place)
            ));
            let subject = format!("{}/{}", county.region_code, county.county);
            for chart in self.charts_of(ChartKind::Profile, &subject) {
                self.figure(chart);
            }
            self.push(&format!(
                "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.text("page.indicator"),
                l.text("page.scope"),
                l.text("page.year"),
                l.text("page.value"),
            ));
            let rows: Vec<(SeriesKey, &Fact)> = self
                .grid
                .series
                .iter()
                .filter_map(|(k, c)| c.get(&county).map(|years| (k, years)))
                .flat_map(|(k, years)| years.values().map(move |f| (k.clone(), *f)))
                .collect();
            for (key, f) in rows {
                let cell = self.value_cell(f);
                self.push(&format!(
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td>{cell}</tr>",
                    self.name(&key.metric),
                    scope_label(key.scope, l),
                    f.year
                ));
            }
            self.push("</tbody></table></div></article>\n");
        }
        self.push("</section>\n");
    }

    fn rates(&mut self) {
        let l = self.l();
        let a = self.ctx.analysis;
        self.push(&format!(
            "<section id=\"rates\"><h2>{}</h2><p class=\"note\">{}</p>",
            l.text("page.derived_rates_with_intervals"),
            l.text("page.rates_computed_from_the_numerator")
        ));
        if a.derived.is_empty() {
            self.push(&format!(
                "<p>{}</p>",
                l.text("page.no_rate_could_be_computed")
            ));
        }
        let metrics: BTreeSet<&str> = a.derived.iter().map(|d| d.metric.as_str()).collect();
        for metric in metrics {
            let name = super::chart::derived_name(self.ctx.dict, metric, l);
            self.push(&format!("<h3>{}</h3>", html(&name)));
            for chart in self.charts_of(ChartKind::Rate, metric) {
                self.figure(chart);
            }
            self.push(&format!(
                "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.text("page.county"),
                l.text("page.year"),
                l.text("page.rate"),
                l.text("page.95_interval"),
                l.text("page.numerator_denominator"),
                l.text("page.national_reference"),
                l.text("page.note"),
            ));
            let mut rows: Vec<_> = a.derived.iter().filter(|d| d.metric == metric).collect();
            let total = rows.len();
            if total > TABLE_ROWS {
                // Cut to the highest and lowest rates (county order says nothing at scale).
                rows.sort_by(|x, y| {
                    y.value.total_cmp(&x.value).then_with(|| {
                        (&x.region_code, &x.county, x.year).cmp(&(
                            &y.region_code,
                            &y.county,
                            y.year,
                        ))
                    })
                });
            }
            for i in shown_rows(total) {
                let d = rows[i];
                let mut links = String::new();
                for part in [&d.numerator_metric, &d.denominator_metric] {
                    let key = (
                        d.region_code.as_str(),
                        d.county.as_str(),
                        part.as_str(),
                        d.year,
                    );
                    if let Some(f) = self.index.facts.get(&key).copied() {
                        links.push_str(&self.sources.link(&f.doc, &f.evidence));
                    }
                }
                self.out.push_str(&format!(
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\" data-v=\"{:.4}\" title=\"{}\">{:.1}%{links}</td><td class=\"num\">{:.1}% - {:.1}%</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                    html(&d.county),
                    d.year,
                    d.value,
                    html(&d.evidence),
                    d.value,
                    d.ci_low,
                    d.ci_high,
                    html(&super::chart::parts_label(d)),
                    d.reference.map(|r| format!("{}%", format_value(r))).unwrap_or_default(),
                    html(&d.note),
                ));
            }
            self.push("</tbody></table></div>");
            if total > TABLE_ROWS {
                let half = TABLE_ROWS / 2;
                let note = l.fill("page.rates_cut", &[("total", &total), ("half", &half)]);
                self.push(&format!("<p class=\"note\">{}</p>", html(&note)));
            }
        }
        if !a.references.is_empty() {
            self.push(&format!(
                "<h3>{}</h3><p class=\"note\">{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.text("page.reference_values"),
                l.text("page.published_national_figures_shown_for"),
                l.text("page.indicator"),
                l.text("page.year"),
                l.text("page.value"),
                l.text("page.published_by"),
            ));
            for r in &a.references {
                let unit = self
                    .ctx
                    .dict
                    .get(&r.indicator)
                    .map(|i| i.unit.as_str())
                    .unwrap_or("");
                self.out.push_str(&format!(
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} {}</td><td class=\"evidence\">{}</td></tr>",
                    html(self.ctx.dict.name(&r.indicator, l.is_en())),
                    r.year,
                    format_value(r.value),
                    html(unit_label(unit, l)),
                    html(&r.source)
                ));
            }
            self.push("</tbody></table>");
        }
        self.push("</section>\n");
    }

    /// When each report was published against its deadline: the chart, then a table of the
    /// reports (latest first, cut like every long table).
    fn timeliness(&mut self) {
        let l = self.l();
        let a = self.ctx.analysis;
        self.push(&format!(
            "<section id=\"timeliness\"><h2>{}</h2><p class=\"note\">{}</p>",
            l.text("page.timeliness_of_publication"),
            l.text("page.the_regulation_on_rule_of")
        ));
        if a.timeliness.is_empty() {
            self.push(&format!(
                "<p>{}</p></section>\n",
                l.text("page.no_report_gives_its_publication")
            ));
            return;
        }
        for chart in self.charts_of(ChartKind::Timeliness, "timeliness") {
            self.figure(chart);
        }
        self.push(&format!(
            "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l.text("page.county"),
            l.text("page.report_year"),
            l.text("page.published"),
            l.text("page.deadline"),
            l.text("page.days"),
            l.text("page.file"),
        ));
        let mut rows: Vec<_> = a.timeliness.iter().collect();
        // Latest first; reports without a deadline last.
        rows.sort_by_key(|r| std::cmp::Reverse(r.days_late.map(|d| (1, d)).unwrap_or((0, 0))));
        let total = rows.len();
        for i in shown_rows(total) {
            let r = rows[i];
            let (days, class) = match r.days_late {
                Some(d) if d > 0 => (format!("+{d}"), " sev-error"),
                Some(d) => (d.to_string(), ""),
                None => (String::new(), ""),
            };
            self.out.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num{class}\" data-v=\"{}\">{}</td><td>{}</td></tr>",
                html(&r.county),
                r.report_year.map(|y| y.to_string()).unwrap_or_default(),
                html(&r.publish_date),
                html(r.deadline.as_deref().unwrap_or("")),
                r.days_late.map(|d| d.to_string()).unwrap_or_default(),
                html(&days),
                html(&r.doc),
            ));
        }
        self.push("</tbody></table></div>");
        self.cut_note(total, "timeliness.csv");
        self.push("</section>\n");
    }

    fn quality(&mut self) {
        let l = self.l();
        let a = self.ctx.analysis;
        self.push(&format!(
            "<section id=\"quality\"><h2>{}</h2><h3>{}</h3>",
            l.text("page.data_quality_and_conflicts"),
            l.text("page.consistency_checks")
        ));
        if a.checks.is_empty() {
            self.push(&format!(
                "<p>{}</p>",
                l.text("page.no_check_produced_a_finding")
            ));
        } else {
            self.push(&format!(
                "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.text("page.severity"),
                l.text("page.check"),
                l.text("page.county"),
                l.text("page.indicator"),
                l.text("page.year"),
                l.text("page.finding"),
            ));
            let mut checks: Vec<_> = a.checks.iter().collect();
            checks.sort_by_key(|c| std::cmp::Reverse(c.severity));
            // At scale: the most severe first, so the cut keeps what matters.
            checks.truncate(TABLE_ROWS);
            for c in checks {
                let (class, label, rank) = match c.severity {
                    Severity::Error => ("sev-error", l.text("page.error"), 3),
                    Severity::Warning => ("sev-warning", l.text("page.warning"), 2),
                    Severity::Info => ("sev-info", l.text("page.info"), 1),
                };
                let link = self.sources.link(&c.doc, &c.evidence);
                self.out.push_str(&format!(
                    "<tr><td class=\"{class}\" data-v=\"{rank}\">{label}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}{link}</td></tr>",
                    html(&c.kind),
                    html(&c.county),
                    html(self.ctx.dict.name(&c.metric, l.is_en())),
                    c.year,
                    html(&c.message),
                ));
            }
            self.push("</tbody></table></div>");
            let total = a.checks.len();
            if total > TABLE_ROWS {
                let count = |s: Severity| a.checks.iter().filter(|c| c.severity == s).count();
                let (e, w, i) = (
                    count(Severity::Error),
                    count(Severity::Warning),
                    count(Severity::Info),
                );
                let note = l.fill(
                    "page.checks_cut",
                    &[
                        ("total", &total),
                        ("e", &e),
                        ("w", &w),
                        ("i", &i),
                        ("shown", &TABLE_ROWS),
                    ],
                );
                self.push(&format!("<p class=\"note\">{}</p>", html(&note)));
            }
        }
        self.push(&format!("<h3>{}</h3>", l.text("page.conflicting_sources")));
        if a.conflicts.is_empty() {
            self.push(&format!(
                "<p>{}</p>",
                l.text("page.no_two_sources_state_different")
            ));
        } else {
            self.push(&format!(
                "<p class=\"note\">{}</p><div class=\"scroll\"><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                l.text("page.all_sources_are_kept_and"),
                l.text("page.county"),
                l.text("page.indicator"),
                l.text("page.year"),
                l.text("page.values_by_source"),
            ));
            for c in a.conflicts.iter().take(TABLE_ROWS) {
                let mut values = String::new();
                for s in &c.sources {
                    let link = self.sources.link(&s.doc, &s.evidence);
                    values.push_str(&format!(
                        "<div>{} <span class=\"evidence\">{}</span>{link}</div>",
                        format_value(s.value),
                        html(&s.doc)
                    ));
                }
                self.out.push_str(&format!(
                    "<tr><td>{}</td><td>{} ({})</td><td class=\"num\">{}</td><td>{values}</td></tr>",
                    html(&c.county),
                    self.name(&c.metric),
                    scope_label(c.scope, l),
                    c.year
                ));
            }
            self.push("</tbody></table></div>");
            let total = a.conflicts.len();
            if total > TABLE_ROWS {
                let note = l.fill(
                    "page.conflicts_cut",
                    &[("total", &total), ("shown", &TABLE_ROWS)],
                );
                self.push(&format!("<p class=\"note\">{}</p>", html(&note)));
            }
        }
        self.push("</section>\n");
    }

    fn coverage(&mut self) {
        let l = self.l();
        // Counties from the inputs too, so a report with no indicator shows as a blank column.
        let mut counties: BTreeSet<CountyKey> = self.grid.counties().iter().cloned().collect();
        for i in self.ctx.inputs {
            if let Some(county) = &i.county {
                counties.insert(CountyKey {
                    region_code: i.region_code.clone().unwrap_or_default(),
                    county: county.clone(),
                });
            }
        }
        let mut found: BTreeMap<(&str, &CountyKey), BTreeSet<i32>> = BTreeMap::new();
        for (key, by_county) in &self.grid.series {
            for (county, years) in by_county {
                found
                    .entry((key.metric.as_str(), county))
                    .or_default()
                    .extend(years.keys());
            }
        }
        for (key, by_county) in &self.grid.conflicted {
            for (county, years) in by_county {
                found
                    .entry((key.metric.as_str(), county))
                    .or_default()
                    .extend(years.iter());
            }
        }
        let mut metrics: Vec<&str> = self
            .ctx
            .dict
            .indicators
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        for key in self.grid.series.keys() {
            if !metrics.contains(&key.metric.as_str()) {
                metrics.push(&key.metric);
            }
        }
        if counties.len() > COVERAGE_COLUMNS {
            let out = self.coverage_counts(&metrics, &counties, &found);
            self.out.push_str(&out);
            return;
        }
        let mut out = format!(
            "<section id=\"coverage\"><h2>{}</h2><p class=\"note\">{}</p><div class=\"scroll\"><table><thead><tr><th>{}</th>",
            l.text("page.coverage_matrix"),
            l.text("page.each_cell_lists_the_years"),
            l.text("page.indicator"),
        );
        for c in &counties {
            out.push_str(&format!("<th>{}</th>", html(&c.county)));
        }
        out.push_str("</tr></thead><tbody>");
        for metric in metrics {
            out.push_str(&format!(
                "<tr><td>{}</td>",
                html(self.ctx.dict.name(metric, l.is_en()))
            ));
            for c in &counties {
                match found.get(&(metric, c)) {
                    Some(years) => out.push_str(&format!(
                        "<td class=\"found\">✓ {}</td>",
                        years
                            .iter()
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    None => out.push_str(&format!(
                        "<td class=\"miss\">{}</td>",
                        l.text("page.not_reported")
                    )),
                }
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div></section>\n");
        self.out.push_str(&out);
    }

    /// The coverage matrix at scale: one row per indicator, with how many counties report it
    /// and for which years (thousands of county columns would not be read).
    fn coverage_counts(
        &self,
        metrics: &[&str],
        counties: &BTreeSet<CountyKey>,
        found: &BTreeMap<(&str, &CountyKey), BTreeSet<i32>>,
    ) -> String {
        let l = self.l();
        let mut by_metric: BTreeMap<&str, (usize, BTreeSet<i32>)> = BTreeMap::new();
        for ((metric, _), years) in found {
            let entry = by_metric.entry(metric).or_default();
            entry.0 += 1;
            entry.1.extend(years);
        }
        let n = counties.len();
        let mut out = format!(
            "<section id=\"coverage\"><h2>{}</h2><p class=\"note\">{}</p><div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l.text("page.coverage_matrix"),
            html(&l.fill("page.coverage_counts", &[("n", &n)])),
            l.text("page.indicator"),
            l.text("page.counties_reporting"),
            l.text("page.share"),
            l.text("page.years"),
        );
        for metric in metrics {
            let (reporting, years) = by_metric
                .get(metric)
                .map(|(c, y)| (*c, year_span(y.iter().copied())))
                .unwrap_or_default();
            let share = 100.0 * reporting as f64 / n.max(1) as f64;
            let class = if reporting == 0 { "miss" } else { "found" };
            out.push_str(&format!(
                "<tr><td>{}</td><td class=\"num {class}\" data-v=\"{reporting}\">{reporting} / {n}</td><td class=\"num\" data-v=\"{share:.3}\">{share:.1}%</td><td>{}</td></tr>",
                html(self.ctx.dict.name(metric, l.is_en())),
                html(&years),
            ));
        }
        out.push_str("</tbody></table></div></section>\n");
        out
    }

    fn methodology(&mut self) {
        let l = self.l();
        let text = [
            l.text("page.method_extraction"),
            l.text("page.method_scopes"),
            l.text("page.method_year_over_year"),
            l.text("page.method_rates"),
            l.text("page.method_conflicts"),
        ];
        let mut out = format!(
            "<section id=\"method\"><h2>{}</h2>",
            l.text("page.methodology")
        );
        for p in text {
            out.push_str(&format!("<p>{}</p>", html(p)));
        }
        out.push_str(&format!(
            "<h3>{}</h3><div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l.text("page.inputs"),
            l.text("page.file_2"),
            l.text("page.status"),
            l.text("page.county"),
            l.text("page.report_year_2"),
            l.text("page.figures"),
            l.text("page.message"),
        ));
        let mut inputs: Vec<&InputRecord> = self.ctx.inputs.iter().collect();
        if inputs.len() > TABLE_ROWS {
            // At scale: the inputs that need attention first (stable: discovery order within).
            inputs.sort_by_key(|i| i.status == InputStatus::Ok);
            inputs.truncate(TABLE_ROWS);
        }
        for i in inputs {
            let status = match i.status {
                InputStatus::Ok => l.text("page.ok"),
                InputStatus::NoIndicators => l.text("page.no_indicators"),
                InputStatus::Skipped => l.text("page.skipped"),
                InputStatus::Error => l.text("page.error_2"),
                InputStatus::NeedsOcr => l.text("page.needs_ocr"),
            };
            out.push_str(&format!(
                "<tr><td>{}</td><td>{status}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                html(&i.path),
                html(i.county.as_deref().unwrap_or("")),
                i.report_year.map(|y| y.to_string()).unwrap_or_default(),
                i.facts,
                html(i.message.as_deref().unwrap_or("")),
            ));
        }
        out.push_str("</tbody></table></div>");
        let total = self.ctx.inputs.len();
        if total > TABLE_ROWS {
            let count = |s: InputStatus| self.ctx.inputs.iter().filter(|i| i.status == s).count();
            let (ok, none, skipped, errors) = (
                count(InputStatus::Ok),
                count(InputStatus::NoIndicators),
                count(InputStatus::Skipped),
                self.ctx.inputs.iter().filter(|i| i.status.failed()).count(),
            );
            let note = l.fill(
                "page.inputs_cut",
                &[
                    ("total", &total),
                    ("ok", &ok),
                    ("none", &none),
                    ("skipped", &skipped),
                    ("errors", &errors),
                    ("shown", &TABLE_ROWS),
                ],
            );
            out.push_str(&format!("<p class=\"note\">{}</p>", html(&note)));
        }
        out.push_str("</section>\n");
        self.out.push_str(&out);
    }

    fn source_list(&mut self) {
        let l = self.l();
        let mut out = format!(
            "<section id=\"sources\"><h2>{}</h2><ol class=\"sources\">",
            l.text("page.sources")
        );
        for (i, (doc, evidence)) in self.sources.list.iter().enumerate() {
            out.push_str(&format!(
                "<li id=\"src-{}\"><b>{}</b>: <q>{}</q></li>",
                i + 1,
                html(doc),
                html(evidence)
            ));
        }
        out.push_str("</ol></section>\n");
        self.out.push_str(&out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
    }

    #[test]
    fn template_slots_are_filled_once() {
        let got = fill(
            "<a>{{body}}</a><s>{{script}}</s>{{unknown}}",
            &[("body", "{{script}}"), ("script", "x")],
        );
        assert_eq!(got, "<a>{{script}}</a><s>x</s>{{unknown}}");
    }

    #[test]
    fn policy_admits_only_hashed_inline_blocks() {
        let csp = content_security_policy();
        assert!(csp.starts_with("default-src 'none';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("http"));
        assert_eq!(csp.matches("'sha256-").count(), 2);
    }

    #[test]
    fn long_tables_keep_their_first_and_last_rows() {
        let half = TABLE_ROWS / 2;
        for (n, want_len, want_first_after_gap) in [
            (0, 0, None),
            (3, 3, None),
            (TABLE_ROWS, TABLE_ROWS, None),
            (TABLE_ROWS + 1, TABLE_ROWS, Some(half + 1)),
            (20_000, TABLE_ROWS, Some(20_000 - half)),
        ] {
            let rows: Vec<usize> = shown_rows(n).collect();
            assert_eq!(rows.len(), want_len, "{n} rows");
            assert_eq!(
                rows.get(half).copied().filter(|_| n > TABLE_ROWS),
                want_first_after_gap,
                "{n} rows"
            );
            assert_eq!(rows.last().copied(), n.checked_sub(1), "{n} rows");
        }
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        // numpy.quantile([1, 2, 3, 4], [0, .25, .5, .75, 1]) = 1, 1.75, 2.5, 3.25, 4.
        let v = [1.0, 2.0, 3.0, 4.0];
        for (p, want) in [
            (0.0, 1.0),
            (0.25, 1.75),
            (0.5, 2.5),
            (0.75, 3.25),
            (1.0, 4.0),
        ] {
            assert_eq!(quantile(&v, p), Some(want), "p = {p}");
        }
        assert_eq!(quantile(&[7.0], 0.5), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn footnotes_are_numbered_once_per_source() {
        let mut s = Sources::default();
        let a = s.link("a.txt", "<b>x</b>");
        let b = s.link("b.txt", "y");
        assert_eq!(s.link("a.txt", "<b>x</b>"), a);
        assert!(a.contains("#src-1") && b.contains("#src-2"));
        assert!(a.contains("&lt;b&gt;x&lt;/b&gt;") && !a.contains("<b>"));
    }
}
