//! The self-contained summary page (`index.html`), the last step of `fazhi run`.
//!
//! Two steps: [`page_view`] builds the page's view model from the analysis (every word from
//! the labels, every number formatted, the footnotes numbered in reading order), and
//! [`render_page_view`] renders it through the template `templates/report.html` with
//! minijinja, which escapes every value by default: report text cannot become markup, and no
//! markup is assembled in Rust. The only markup passed through unescaped is fazhi's own CSS and
//! script and each chart's SVG (plotters escapes its text; tested in `tests/page.rs`).
//!
//! One file: inline CSS, inline SVG charts and a few lines of inline script that make tables
//! sortable. Nothing is fetched: a Content-Security-Policy meta tag allows no network source
//! at all, and admits the style and script blocks only by their SHA-256 hashes, computed here
//! at render time. Every figure links to a footnote with its source file and sentence, and
//! carries both in a `title` for hover. The page reads fully with script off and prints on
//! A4. Output is deterministic: no clock, stable orders.
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
use std::sync::OnceLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use super::chart::data::MAX_PROFILES;
use super::chart::data::{year_span, CountyKey, Grid, SeriesKey};
use super::chart::{scope_label, unit_label, value_label, Chart, ChartKind};
use super::escape::html;
use super::findings::top_key_findings;
use super::labels::installed;
use super::reasons::{check_message, notes_text};
use super::review::{is_outlier, review_row, ReviewFacts, ReviewRow};
use super::review_step::{review_step, ReviewStep};
use super::table::exported_facts;
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
/// The page's one script: table sorting, then the review step (both fazhi's own, admitted by
/// one hash).
const SCRIPT: &str = concat!(
    include_str!("templates/sort.js"),
    include_str!("templates/review.js")
);

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
    /// The facts marked review, listed in their own section.
    pub review: ReviewFacts<'a>,
    /// The analysis with place names as the reports give them, when `analysis` is the copy
    /// whose names carry their romanisation (`--lang en`): the review step rebuilds facts.csv,
    /// whose names are the reports' own.
    pub unplaced: Option<&'a Analysis>,
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
    render_page_view(&page_view(ctx, grid))
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

/// The page's view model: every word and number it shows, already chosen and formatted, in
/// the order the template lays them out. Built once from the analysis by [`page_view`];
/// [`render_page_view`] turns it into bytes. Text in it is plain (the template escapes it).
#[derive(Debug, Serialize)]
pub struct PageView {
    /// `lang` attribute of the page.
    pub html_lang: &'static str,
    /// The Content-Security-Policy.
    pub csp: String,
    /// `fazhi <version>`.
    pub generator: String,
    /// The page's CSS (fazhi's own, admitted by its hash).
    pub style: &'static str,
    /// The sorting script (fazhi's own, admitted by its hash).
    pub script: &'static str,
    /// The page's labels (`page.*` of data/labels.toml, without the prefix).
    pub t: BTreeMap<&'static str, &'static str>,
    /// Counts under the title.
    pub meta: String,
    /// Table of contents: section id and heading.
    pub toc: Vec<TocEntry>,
    /// Key findings, most telling first.
    pub findings: Vec<FindingView>,
    /// How many findings there are in all, when not all are listed.
    pub findings_note: Option<String>,
    /// One article per indicator and scope.
    pub indicators: Vec<IndicatorView>,
    /// How many counties there are, when not all are profiled.
    pub profiles_note: Option<String>,
    /// County profiles.
    pub profiles: Vec<ProfileView>,
    /// Derived rates, one group per rate.
    pub rates: Vec<RateGroupView>,
    /// Published reference values.
    pub references: Vec<ReferenceView>,
    /// The timeliness chart.
    pub timeliness_figures: Vec<FigureView>,
    /// Reports with a publication date, latest first (cut like every long table).
    pub timeliness: Vec<TimelinessView>,
    /// Where every timeliness row is, when not all are shown.
    pub timeliness_note: Option<String>,
    /// The facts marked review, each with its reasons in words.
    pub review: Vec<ReviewRow>,
    /// Above them: how many there are and whether the figures counted them, or that there
    /// are none.
    pub review_note: String,
    /// Under a long list: how many there are and which file holds them all.
    pub review_cut: Option<String>,
    /// The review step: every fact, to mark and download corrected.
    pub check: ReviewStep,
    /// Checks, most severe first (at most [`TABLE_ROWS`]).
    pub checks: Vec<CheckView>,
    /// How many checks there are, when not all are listed.
    pub checks_note: Option<String>,
    /// Conflicting values (at most [`TABLE_ROWS`]).
    pub conflicts: Vec<ConflictView>,
    /// How many conflicts there are, when not all are listed.
    pub conflicts_note: Option<String>,
    /// Which counties report which indicator.
    pub coverage: CoverageView,
    /// Which units published a report for which year (`coverage.csv`).
    pub publication: PublicationView,
    /// The method notes, one paragraph each.
    pub method: Vec<&'static str>,
    /// Inputs, those needing attention first at scale.
    pub inputs: Vec<InputView>,
    /// How many inputs there are, when not all are listed.
    pub inputs_note: Option<String>,
    /// Footnotes: every (file, sentence) a figure links to, numbered in order of first use.
    pub sources: Vec<SourceRef>,
}

/// The publication matrix: units (or, in a national corpus, provinces) × years.
#[derive(Debug, Clone, Serialize)]
pub struct PublicationView {
    /// Rows are provinces (a national corpus) rather than units.
    pub by_province: bool,
    /// The column years.
    pub years: Vec<i32>,
    /// One row per unit or province (the nation first).
    pub rows: Vec<PublicationRowView>,
    /// What the cells mean.
    pub note: String,
}

/// One row of the publication matrix.
#[derive(Debug, Clone, Serialize)]
pub struct PublicationRowView {
    /// Unit or province name.
    pub name: String,
    /// One cell per year.
    pub cells: Vec<PublicationCell>,
}

/// One cell of the publication matrix.
#[derive(Debug, Clone, Serialize)]
pub struct PublicationCell {
    /// `✓`, or `with/units` for a province.
    pub text: String,
    /// Shade by publication rate: `c0` (none) to `c4` (half or more).
    pub class: &'static str,
    /// The rate (sort key), 0–1.
    pub v: String,
}

/// An entry of the table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    /// Section id.
    pub id: &'static str,
    /// Heading.
    pub label: &'static str,
}

/// A footnote: its number, file and sentence (linked as `[n]`, listed under Sources).
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    /// Footnote number, from 1.
    pub n: usize,
    /// Source file.
    pub doc: String,
    /// Source sentence.
    pub evidence: String,
}

/// A key finding.
#[derive(Debug, Serialize)]
pub struct FindingView {
    /// The sentence.
    pub sentence: String,
    /// Its sources.
    pub links: Vec<SourceRef>,
}

/// A chart as the page shows it.
#[derive(Debug, Serialize)]
pub struct FigureView {
    /// File stem of its files under `charts/`.
    pub name: String,
    /// Title (also the SVG's accessible name).
    pub title: String,
    /// The SVG up to its `<svg ` tag (the whole SVG when it has none).
    pub before: String,
    /// The SVG after `<svg `, where the page adds `role` and `aria-label`.
    pub after: Option<String>,
}

/// A value cell: number with unit, hover title and footnote links.
#[derive(Debug, Serialize)]
pub struct ValueCell {
    /// Sort key.
    pub v: String,
    /// Source file (hover title).
    pub doc: String,
    /// Source sentence (hover title).
    pub evidence: String,
    /// The value as labelled (`2000+`, `~2000`).
    pub label: String,
    /// Unit as the reader's language has it.
    pub unit: String,
    /// Every document stating the value.
    pub links: Vec<SourceRef>,
}

/// One indicator and scope: charts, latest value by county, conflicts, slopes.
#[derive(Debug, Serialize)]
pub struct IndicatorView {
    /// Anchor id suffix.
    pub stem: String,
    /// Indicator name.
    pub name: String,
    /// Scope label.
    pub scope: &'static str,
    /// Unit label.
    pub unit: String,
    /// Bar and trend charts.
    pub figures: Vec<FigureView>,
    /// The span of the counties' latest years, when they differ.
    pub years_differ: Option<String>,
    /// Rows shown (all, or the first and last [`TABLE_ROWS`]` / 2`).
    pub rows: Vec<IndicatorRow>,
    /// Number of counties ranked.
    pub rows_total: usize,
    /// The distribution of all counties, when the table is cut.
    pub distribution: Option<String>,
    /// Counties and years whose sources disagree (left out).
    pub conflicted: Option<String>,
    /// "; N more counties" after that list.
    pub conflicted_more: String,
    /// Slopes over three or more years.
    pub slopes: Vec<SlopeView>,
    /// Where every slope is, when not all are shown.
    pub slopes_note: Option<String>,
}

/// A county's latest value of an indicator.
#[derive(Debug, Serialize)]
pub struct IndicatorRow {
    /// County name.
    pub county: String,
    /// Year of the value.
    pub year: i32,
    /// The value.
    pub cell: ValueCell,
    /// The change from the previous value, if any.
    pub change: Option<ChangeView>,
    /// Rank, from 1.
    pub rank: usize,
}

/// The change from a previous value.
#[derive(Debug, Serialize)]
pub struct ChangeView {
    /// Sort key (percent change, 3 decimals; empty when none).
    pub v: String,
    /// The analysis's note on the change.
    pub note: String,
    /// Year of the previous value.
    pub prev_year: i32,
    /// The previous value.
    pub prev_value: String,
    /// ` (+12.3%)`, or empty.
    pub pct: String,
}

/// A linear trend over three or more years.
#[derive(Debug, Serialize)]
pub struct SlopeView {
    /// County name.
    pub county: String,
    /// First year.
    pub first_year: i32,
    /// Last year.
    pub last_year: i32,
    /// Slope per year, signed, 2 decimals.
    pub slope: String,
    /// Interval bounds, 2 decimals.
    pub low: String,
    /// Interval bounds, 2 decimals.
    pub high: String,
}

/// A county profile.
#[derive(Debug, Serialize)]
pub struct ProfileView {
    /// County name.
    pub county: String,
    /// Province, prefecture and division code.
    pub place: String,
    /// The profile chart.
    pub figures: Vec<FigureView>,
    /// Every value of the county.
    pub rows: Vec<ProfileRow>,
}

/// One value of a county profile.
#[derive(Debug, Serialize)]
pub struct ProfileRow {
    /// Indicator name.
    pub name: String,
    /// Scope label.
    pub scope: &'static str,
    /// Year.
    pub year: i32,
    /// The value.
    pub cell: ValueCell,
}

/// One derived rate: chart and table.
#[derive(Debug, Serialize)]
pub struct RateGroupView {
    /// Rate name.
    pub name: String,
    /// The rate chart.
    pub figures: Vec<FigureView>,
    /// Rows shown.
    pub rows: Vec<RateRow>,
    /// Where every row is, when the table is cut.
    pub cut: Option<String>,
}

/// A derived rate of one county and year.
#[derive(Debug, Serialize)]
pub struct RateRow {
    /// County name.
    pub county: String,
    /// Year.
    pub year: i32,
    /// Sort key (4 decimals).
    pub v: String,
    /// Evidence (hover title).
    pub evidence: String,
    /// Rate, 1 decimal.
    pub rate: String,
    /// Interval bounds, 1 decimal.
    pub low: String,
    /// Interval bounds, 1 decimal.
    pub high: String,
    /// Numerator and denominator.
    pub parts: String,
    /// National reference, or empty.
    pub reference: String,
    /// The analysis's note.
    pub note: String,
    /// The facts of its parts.
    pub links: Vec<SourceRef>,
}

/// A published reference value.
#[derive(Debug, Serialize)]
pub struct ReferenceView {
    /// Indicator name.
    pub name: String,
    /// Year.
    pub year: i32,
    /// Value.
    pub value: String,
    /// Unit label.
    pub unit: String,
    /// Who published it, where.
    pub source: String,
}

/// A report's publication against its deadline.
#[derive(Debug, Serialize)]
pub struct TimelinessView {
    /// County name.
    pub county: String,
    /// Report year, or empty.
    pub report_year: String,
    /// Publication date.
    pub published: String,
    /// Deadline, or empty.
    pub deadline: String,
    /// Days late (sort key), or empty.
    pub v: String,
    /// Days late as shown (`+3`).
    pub days: String,
    /// Published after the deadline.
    pub late: bool,
    /// Source file.
    pub doc: String,
}

/// A check result.
#[derive(Debug, Serialize)]
pub struct CheckView {
    /// `error`, `warning` or `info` (the cell's class).
    pub severity: &'static str,
    /// Severity as shown.
    pub label: &'static str,
    /// Sort key: 3 error, 2 warning, 1 info.
    pub rank: u8,
    /// Which check.
    pub kind: String,
    /// County name.
    pub county: String,
    /// Indicator name.
    pub name: String,
    /// Year.
    pub year: i32,
    /// What it found.
    pub message: String,
    /// The sentence it is about.
    pub links: Vec<SourceRef>,
}

/// Conflicting values of one county, indicator, scope and year.
#[derive(Debug, Serialize)]
pub struct ConflictView {
    /// County name.
    pub county: String,
    /// Indicator name.
    pub name: String,
    /// Scope label.
    pub scope: &'static str,
    /// Year.
    pub year: i32,
    /// Each source's value.
    pub sources: Vec<ConflictSourceView>,
}

/// One source's value in a conflict.
#[derive(Debug, Serialize)]
pub struct ConflictSourceView {
    /// Value.
    pub value: String,
    /// Source file.
    pub doc: String,
    /// Its footnote.
    pub links: Vec<SourceRef>,
}

/// The coverage matrix (few counties) or its counts (many).
#[derive(Debug, Serialize)]
pub struct CoverageView {
    /// County columns of the matrix; `None` for the counts.
    pub columns: Option<Vec<String>>,
    /// Matrix rows.
    pub rows: Vec<CoverageRow>,
    /// The counts' note.
    pub note: String,
    /// Number of counties (the counts).
    pub counties: usize,
    /// Counts rows.
    pub counts: Vec<CoverageCount>,
}

/// A row of the coverage matrix.
#[derive(Debug, Serialize)]
pub struct CoverageRow {
    /// Indicator name.
    pub name: String,
    /// Per county: the years found (`2022, 2023`), or `None`.
    pub cells: Vec<Option<String>>,
}

/// A row of the coverage counts.
#[derive(Debug, Serialize)]
pub struct CoverageCount {
    /// Indicator name.
    pub name: String,
    /// Counties reporting it.
    pub reporting: usize,
    /// Share sort key (3 decimals).
    pub share_v: String,
    /// Share, 1 decimal.
    pub share: String,
    /// Years reported.
    pub years: String,
}

/// An input of the run.
#[derive(Debug, Serialize)]
pub struct InputView {
    /// File.
    pub path: String,
    /// Status as shown.
    pub status: &'static str,
    /// County, or empty.
    pub county: String,
    /// Report year, or empty.
    pub report_year: String,
    /// Facts extracted.
    pub facts: usize,
    /// Message, or empty.
    pub message: String,
}

/// Builds the page's view model (the charts read the same grid, so a run builds it once).
pub fn page_view(ctx: &PageContext<'_>, grid: &Grid<'_>) -> PageView {
    let l = ctx.lang;
    let mut b = Builder {
        ctx,
        grid,
        index: Index::new(ctx.analysis),
        sources: Sources::default(),
    };
    let labels = installed();
    let t = labels
        .keys()
        .filter_map(|k| {
            let short = k.strip_prefix("page.")?;
            Some((short, labels.get(k, l)?))
        })
        .collect();
    // Built in page order: footnotes are numbered as the reader meets them.
    let (meta, toc) = b.header();
    let (findings, findings_note) = b.findings();
    let indicators = b.indicators();
    let (profiles, profiles_note) = b.profiles();
    let rates = b.rates();
    let references = b.references();
    let (timeliness_figures, timeliness, timeliness_note) = b.timeliness();
    let (review, review_note, review_cut) = b.review();
    let check = review_step(
        exported_facts(ctx.unplaced.unwrap_or(ctx.analysis), ctx.review),
        ctx.dict,
        l,
    );
    let (checks, checks_note) = b.checks();
    let (conflicts, conflicts_note) = b.conflicts();
    let coverage = b.coverage();
    let publication = b.publication();
    let (inputs, inputs_note) = b.inputs();
    PageView {
        html_lang: l.text("page.html_lang"),
        csp: content_security_policy(),
        generator: format!("fazhi {}", env!("CARGO_PKG_VERSION")),
        style: STYLE,
        script: SCRIPT,
        t,
        meta,
        toc,
        findings,
        findings_note,
        indicators,
        profiles_note,
        profiles,
        rates,
        references,
        timeliness_figures,
        timeliness,
        timeliness_note,
        review,
        review_note,
        review_cut,
        check,
        checks,
        checks_note,
        conflicts,
        conflicts_note,
        coverage,
        publication,
        method: [
            "page.method_extraction",
            "page.method_scopes",
            "page.method_year_over_year",
            "page.method_rates",
            "page.method_conflicts",
            "page.method_national",
        ]
        .into_iter()
        // The national view's method only where the page shows it.
        .filter(|k| {
            *k != "page.method_national"
                || crate::analysis::national::is_national(&ctx.analysis.national)
        })
        .map(|k| l.text(k))
        .collect(),
        inputs,
        inputs_note,
        sources: b.sources.list,
    }
}

/// The page's bytes from its view model, through the template (which escapes every value).
pub fn render_page_view(view: &PageView) -> Vec<u8> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    let env = ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("default delimiters"),
        );
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        // fazhi's own escaping (escape::html): `&<>"'`, as every other output escapes;
        // minijinja's default also escapes `/`, which would garble every path shown.
        env.set_formatter(|out, state, value| {
            if *state.auto_escape() == AutoEscape::Html && !value.is_safe() {
                if let Some(text) = value.as_str() {
                    return out.write_str(&html(text)).map_err(Into::into);
                }
            }
            minijinja::escape_formatter(out, state, value)
        });
        env.add_template("report.html", TEMPLATE)
            .expect("the page template parses (checked by every page test)");
        env
    });
    env.get_template("report.html")
        .and_then(|t| t.render(Value::from(Serde(view))))
        .expect("the page template renders its view model (checked by every page test)")
        .into_bytes()
}

/// Footnotes: each distinct (file, sentence) gets one number.
#[derive(Default)]
struct Sources {
    index: HashMap<(String, String), usize>,
    list: Vec<SourceRef>,
}

impl Sources {
    /// The footnote of a source, numbered on first use.
    fn link(&mut self, doc: &str, evidence: &str) -> SourceRef {
        let key = (doc.to_string(), evidence.to_string());
        let n = match self.index.get(&key) {
            Some(n) => *n,
            None => {
                let n = self.list.len() + 1;
                self.list.push(SourceRef {
                    n,
                    doc: key.0.clone(),
                    evidence: key.1.clone(),
                });
                self.index.insert(key, n);
                n
            }
        };
        self.list[n - 1].clone()
    }
}

/// What the view model is built from, and the footnotes numbered so far.
struct Builder<'a, 'b> {
    ctx: &'b PageContext<'a>,
    grid: &'b Grid<'a>,
    index: Index<'a>,
    sources: Sources,
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

impl<'a> Builder<'a, '_> {
    fn l(&self) -> Lang {
        self.ctx.lang
    }

    fn name(&self, metric: &str) -> String {
        self.ctx.dict.name(metric, self.l().is_en()).to_string()
    }

    /// Under a table cut to [`shown_rows`]: how many rows it has and which file holds them all.
    fn cut_note(&self, total: usize, file: &str) -> Option<String> {
        (total > TABLE_ROWS).then(|| {
            let half = TABLE_ROWS / 2;
            self.l().fill(
                "page.rows_cut",
                &[("total", &total), ("half", &half), ("file", &file)],
            )
        })
    }

    /// A value cell; a value stated identically by several documents links to every one.
    fn value_cell(&mut self, f: &Fact) -> ValueCell {
        let mut links = vec![self.sources.link(&f.doc, &f.evidence)];
        let analysis = self.ctx.analysis;
        for r in analysis.repeats_of(f) {
            links.push(self.sources.link(&r.doc, &r.evidence));
        }
        ValueCell {
            v: format_value(f.value),
            doc: f.doc.clone(),
            evidence: f.evidence.clone(),
            label: value_label(f),
            unit: unit_label(&f.unit, self.l()).to_string(),
            links,
        }
    }

    fn figures(&self, kind: ChartKind, subject: &str) -> Vec<FigureView> {
        self.ctx
            .charts
            .iter()
            .filter(|c| c.kind == kind && c.subject == subject)
            .map(|chart| {
                let (before, after) = match chart.svg.split_once("<svg ") {
                    Some((before, after)) => (before.to_string(), Some(after.to_string())),
                    None => (chart.svg.clone(), None),
                };
                FigureView {
                    name: chart.name.clone(),
                    title: chart.title.clone(),
                    before,
                    after,
                }
            })
            .collect()
    }

    fn header(&self) -> (String, Vec<TocEntry>) {
        let l = self.l();
        let a = self.ctx.analysis;
        let ok = self
            .ctx
            .inputs
            .iter()
            .filter(|i| i.status == InputStatus::Ok)
            .count();
        let meta = l.fill(
            "page.meta",
            &[
                ("reports", &self.ctx.inputs.len()),
                ("ok", &ok),
                ("counties", &self.grid.counties().len()),
                ("figures", &a.facts.len()),
                ("span", &year_span(a.facts.iter().map(|f| f.year))),
            ],
        );
        let toc = [
            ("findings", "page.key_findings"),
            ("indicators", "page.indicators_compared"),
            ("counties", "page.county_profiles"),
            ("rates", "page.derived_rates_with_intervals"),
            ("timeliness", "page.timeliness_of_publication"),
            ("review", "page.facts_for_review"),
            ("check", "page.review_step"),
            ("quality", "page.data_quality_and_conflicts"),
            ("coverage", "page.coverage_matrix"),
            ("publication", "page.publication_coverage"),
            ("method", "page.methodology"),
            ("sources", "page.sources"),
        ]
        .map(|(id, key)| TocEntry {
            id,
            label: l.text(key),
        })
        .to_vec();
        (meta, toc)
    }

    fn findings(&mut self) -> (Vec<FindingView>, Option<String>) {
        let l = self.l();
        // At scale: the cross-county view first, then what needs checking, then rates and
        // single counties' changes.
        let (found, total) = top_key_findings(self.ctx.analysis, self.ctx.dict, l, MAX_FINDINGS);
        let note = (total > found.len()).then(|| {
            l.fill(
                "page.findings_cut",
                &[("total", &total), ("shown", &found.len())],
            )
        });
        let views = found
            .into_iter()
            .map(|f| FindingView {
                links: f
                    .docs
                    .iter()
                    .zip(&f.evidence)
                    .map(|(doc, ev)| self.sources.link(doc, ev))
                    .collect(),
                sentence: f.sentence,
            })
            .collect();
        (views, note)
    }

    fn indicators(&mut self) -> Vec<IndicatorView> {
        let keys: Vec<SeriesKey> = self.grid.series.keys().cloned().collect();
        keys.iter().map(|key| self.indicator(key)).collect()
    }

    fn indicator(&mut self, key: &SeriesKey) -> IndicatorView {
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
        // A national series has a distribution and a national trend instead of a bar and a
        // trend chart (see chart::is_national_series); each series has one pair or the other.
        let mut figures = self.figures(ChartKind::Distribution, &subject);
        figures.extend(self.figures(ChartKind::National, &subject));
        figures.extend(self.figures(ChartKind::Province, &subject));
        figures.extend(self.figures(ChartKind::Bar, &subject));
        figures.extend(self.figures(ChartKind::Trend, &subject));
        let years: BTreeSet<i32> = latest.iter().map(|(_, f)| f.year).collect();
        let mut rows = Vec::new();
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
                .and_then(|t| Some((t.prev_year?, t.prev_value?, t.pct_change, &t.notes)))
                .map(|(py, pv, pct, notes)| ChangeView {
                    v: pct.map(|p| format!("{p:.3}")).unwrap_or_default(),
                    note: notes_text(notes, self.ctx.dict, self.ctx.lang),
                    prev_year: py,
                    prev_value: format_value(pv),
                    pct: pct.map(|p| format!(" ({p:+.1}%)")).unwrap_or_default(),
                });
            rows.push(IndicatorRow {
                county: county.county.clone(),
                year: f.year,
                cell,
                change,
                rank: rank + 1,
            });
        }
        let distribution = (latest.len() > TABLE_ROWS).then(|| self.distribution(&latest, &unit));
        let (conflicted, conflicted_more) = match self.grid.conflicted.get(key) {
            Some(conflicted) => {
                let list: Vec<String> = conflicted
                    .iter()
                    .take(TABLE_ROWS)
                    .map(|(c, years)| {
                        let years: Vec<String> = years.iter().map(|y| y.to_string()).collect();
                        format!("{} {}", c.county, years.join(", "))
                    })
                    .collect();
                let more = match conflicted.len().saturating_sub(list.len()) {
                    0 => String::new(),
                    n => l.fill("page.more_counties", &[("n", &n)]),
                };
                (Some(list.join("; ")), more)
            }
            None => (None, String::new()),
        };
        let slopes: Vec<_> = self
            .ctx
            .analysis
            .slopes
            .iter()
            .filter(|s| s.metric == key.metric && s.scope == key.scope)
            .collect();
        IndicatorView {
            stem: super::chart::file_stem(&[&key.metric, &key.scope.to_string()]),
            name: self.name(&key.metric),
            scope: scope_label(key.scope, l),
            unit: unit_label(&unit, l).to_string(),
            figures,
            years_differ: (years.len() > 1).then(|| year_span(years.iter().copied())),
            rows,
            rows_total: latest.len(),
            distribution,
            conflicted,
            conflicted_more,
            slopes_note: if slopes.is_empty() {
                None
            } else {
                self.cut_note(slopes.len(), "slopes.csv")
            },
            slopes: shown_rows(slopes.len())
                .map(|i| {
                    let s = slopes[i];
                    SlopeView {
                        county: s.county.clone(),
                        first_year: s.first_year,
                        last_year: s.last_year,
                        slope: format!("{:+.2}", s.slope),
                        low: format!("{:.2}", s.ci_low),
                        high: format!("{:.2}", s.ci_high),
                    }
                })
                .collect(),
        }
    }

    /// Under a ranked table cut to its top and bottom rows: what the whole column looks like.
    fn distribution(&self, latest: &[(CountyKey, &Fact)], unit: &str) -> String {
        let l = self.l();
        let mut values: Vec<f64> = latest.iter().map(|(_, f)| f.value).collect();
        values.sort_by(f64::total_cmp);
        let q = |p: f64| quantile(&values, p).map(format_value).unwrap_or_default();
        let half = TABLE_ROWS / 2;
        l.fill(
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
        )
    }

    fn profiles(&mut self) -> (Vec<ProfileView>, Option<String>) {
        let l = self.l();
        let all = self.grid.counties().len();
        let counties: Vec<CountyKey> = self
            .grid
            .profiled_counties()
            .into_iter()
            .map(|(_, c)| c.clone())
            .collect();
        let note = (counties.len() < all).then(|| {
            l.fill(
                "page.profiles_cut",
                &[("all", &all), ("shown", &counties.len())],
            )
        });
        let mut views = Vec::with_capacity(counties.len());
        for county in counties {
            let place = self
                .index
                .places
                .get(&(county.region_code.as_str(), county.county.as_str()))
                .map(|f| format!("{} {} · {}", f.province, f.prefecture, f.region_code))
                .unwrap_or_default();
            let subject = format!("{}/{}", county.region_code, county.county);
            let figures = self.figures(ChartKind::Profile, &subject);
            let facts: Vec<(SeriesKey, &Fact)> = self
                .grid
                .series
                .iter()
                .filter_map(|(k, c)| c.get(&county).map(|years| (k, years)))
                .flat_map(|(k, years)| years.values().map(move |f| (k.clone(), *f)))
                .collect();
            let mut rows = Vec::with_capacity(facts.len());
            for (key, f) in facts {
                rows.push(ProfileRow {
                    name: self.name(&key.metric),
                    scope: scope_label(key.scope, l),
                    year: f.year,
                    cell: self.value_cell(f),
                });
            }
            views.push(ProfileView {
                county: county.county.clone(),
                place,
                figures,
                rows,
            });
        }
        (views, note)
    }

    fn rates(&mut self) -> Vec<RateGroupView> {
        let l = self.l();
        let a = self.ctx.analysis;
        let metrics: BTreeSet<&str> = a.derived.iter().map(|d| d.metric.as_str()).collect();
        let mut groups = Vec::with_capacity(metrics.len());
        for metric in metrics {
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
            let figures = self.figures(ChartKind::Rate, metric);
            let mut shown = Vec::new();
            for i in shown_rows(total) {
                let d = rows[i];
                let mut links = Vec::new();
                for part in [&d.numerator_metric, &d.denominator_metric] {
                    let key = (
                        d.region_code.as_str(),
                        d.county.as_str(),
                        part.as_str(),
                        d.year,
                    );
                    if let Some(f) = self.index.facts.get(&key).copied() {
                        links.push(self.sources.link(&f.doc, &f.evidence));
                    }
                }
                shown.push(RateRow {
                    county: d.county.clone(),
                    year: d.year,
                    v: format!("{:.4}", d.value),
                    evidence: d.evidence.clone(),
                    rate: format!("{:.1}", d.value),
                    low: format!("{:.1}", d.ci_low),
                    high: format!("{:.1}", d.ci_high),
                    parts: super::chart::parts_label(d),
                    reference: d
                        .reference
                        .map(|r| format!("{}%", format_value(r)))
                        .unwrap_or_default(),
                    note: notes_text(&d.notes, self.ctx.dict, l),
                    links,
                });
            }
            groups.push(RateGroupView {
                name: super::chart::derived_name(self.ctx.dict, metric, l),
                figures,
                rows: shown,
                cut: (total > TABLE_ROWS).then(|| {
                    let half = TABLE_ROWS / 2;
                    l.fill("page.rates_cut", &[("total", &total), ("half", &half)])
                }),
            });
        }
        groups
    }

    fn references(&self) -> Vec<ReferenceView> {
        let l = self.l();
        self.ctx
            .analysis
            .references
            .iter()
            .map(|r| {
                let unit = self
                    .ctx
                    .dict
                    .get(&r.indicator)
                    .map(|i| i.unit.as_str())
                    .unwrap_or("");
                ReferenceView {
                    name: self.name(&r.indicator),
                    year: r.year,
                    value: format_value(r.value),
                    unit: unit_label(unit, l).to_string(),
                    source: r.source.clone(),
                }
            })
            .collect()
    }

    /// When each report was published against its deadline: the chart, then the reports
    /// (latest first, cut like every long table).
    fn timeliness(&self) -> (Vec<FigureView>, Vec<TimelinessView>, Option<String>) {
        let a = self.ctx.analysis;
        if a.timeliness.is_empty() {
            return (Vec::new(), Vec::new(), None);
        }
        let mut rows: Vec<_> = a.timeliness.iter().collect();
        // Latest first; reports without a deadline last.
        rows.sort_by_key(|r| std::cmp::Reverse(r.days_late.map(|d| (1, d)).unwrap_or((0, 0))));
        let total = rows.len();
        let views = shown_rows(total)
            .map(|i| {
                let r = rows[i];
                let days = match r.days_late {
                    Some(d) if d > 0 => format!("+{d}"),
                    Some(d) => d.to_string(),
                    None => String::new(),
                };
                TimelinessView {
                    county: r.county.clone(),
                    report_year: r.report_year.map(|y| y.to_string()).unwrap_or_default(),
                    published: r.publish_date.clone(),
                    deadline: r.deadline.clone().unwrap_or_default(),
                    v: r.days_late.map(|d| d.to_string()).unwrap_or_default(),
                    days,
                    late: r.days_late.is_some_and(|d| d > 0),
                    doc: r.doc.clone(),
                }
            })
            .collect();
        (
            self.figures(ChartKind::Timeliness, "timeliness"),
            views,
            self.cut_note(total, "timeliness.csv"),
        )
    }

    /// The facts marked review, with a line saying whether the figures above counted them;
    /// a long list is cut like every table (facts.csv holds them all).
    fn review(&self) -> (Vec<ReviewRow>, String, Option<String>) {
        let l = self.l();
        let review = &self.ctx.review;
        let n = review.facts.len();
        let note = if n == 0 {
            l.text("page.no_facts_for_review").to_string()
        } else if review.counted {
            l.fill("page.review_counted", &[("n", &n)])
        } else {
            l.fill("page.review_left_out", &[("n", &n)])
        };
        // Outliers first (stable), so a long list cut to its ends still shows them.
        let mut order: Vec<&Fact> = review.facts.iter().collect();
        order.sort_by_key(|f| !is_outlier(f));
        let rows = shown_rows(n)
            .map(|i| review_row(order[i], self.ctx.dict, l))
            .collect();
        (rows, note, self.cut_note(n, "facts.csv"))
    }

    fn checks(&mut self) -> (Vec<CheckView>, Option<String>) {
        let l = self.l();
        let a = self.ctx.analysis;
        let mut checks: Vec<_> = a.checks.iter().collect();
        checks.sort_by_key(|c| std::cmp::Reverse(c.severity));
        // At scale: the most severe first, so the cut keeps what matters.
        checks.truncate(TABLE_ROWS);
        let views = checks
            .into_iter()
            .map(|c| {
                let (severity, label, rank) = match c.severity {
                    Severity::Error => ("error", l.text("page.severity_error"), 3),
                    Severity::Warning => ("warning", l.text("page.severity_warning"), 2),
                    Severity::Info => ("info", l.text("page.severity_info"), 1),
                };
                CheckView {
                    severity,
                    label,
                    rank,
                    kind: c.kind.clone(),
                    county: c.county.clone(),
                    name: self.name(&c.metric),
                    year: c.year,
                    message: check_message(&c.reason, self.ctx.dict, l),
                    links: vec![self.sources.link(&c.doc, &c.evidence)],
                }
            })
            .collect();
        let total = a.checks.len();
        let note = (total > TABLE_ROWS).then(|| {
            let count = |s: Severity| a.checks.iter().filter(|c| c.severity == s).count();
            l.fill(
                "page.checks_cut",
                &[
                    ("total", &total),
                    ("e", &count(Severity::Error)),
                    ("w", &count(Severity::Warning)),
                    ("i", &count(Severity::Info)),
                    ("shown", &TABLE_ROWS),
                ],
            )
        });
        (views, note)
    }

    fn conflicts(&mut self) -> (Vec<ConflictView>, Option<String>) {
        let l = self.l();
        let a = self.ctx.analysis;
        let views = a
            .conflicts
            .iter()
            .take(TABLE_ROWS)
            .map(|c| ConflictView {
                county: c.county.clone(),
                name: self.name(&c.metric),
                scope: scope_label(c.scope, l),
                year: c.year,
                sources: c
                    .sources
                    .iter()
                    .map(|s| ConflictSourceView {
                        value: format_value(s.value),
                        doc: s.doc.clone(),
                        links: vec![self.sources.link(&s.doc, &s.evidence)],
                    })
                    .collect(),
            })
            .collect();
        let total = a.conflicts.len();
        let note = (total > TABLE_ROWS).then(|| {
            l.fill(
                "page.conflicts_cut",
                &[("total", &total), ("shown", &TABLE_ROWS)],
            )
        });
        (views, note)
    }

    /// The publication matrix: per province and year in a national corpus (units with a
    /// report / units in the gazetteer, from `coverage.csv`), else per unit and year.
    fn publication(&self) -> PublicationView {
        use crate::analysis::national::is_national;
        use crate::model::Level;
        let l = self.l();
        let national = &self.ctx.analysis.national;
        let shade = |rate: f64| match rate {
            r if r <= 0.0 => "c0",
            r if r < 0.1 => "c1",
            r if r < 0.25 => "c2",
            r if r < 0.5 => "c3",
            _ => "c4",
        };
        if is_national(national) {
            let years: Vec<i32> = national
                .coverage
                .iter()
                .filter(|c| c.level == Level::Nation)
                .map(|c| c.year)
                .collect();
            let mut rows: Vec<PublicationRowView> = Vec::new();
            for c in national
                .coverage
                .iter()
                .filter(|c| matches!(c.level, Level::Nation | Level::Province))
            {
                let name = if c.level == Level::Nation {
                    l.text("page.nation").to_string()
                } else {
                    c.province.clone()
                };
                if rows.last().is_none_or(|r| r.name != name) {
                    rows.push(PublicationRowView {
                        name,
                        cells: Vec::new(),
                    });
                }
                if let Some(row) = rows.last_mut() {
                    row.cells.push(PublicationCell {
                        text: format!("{}/{}", c.units_with_report, c.units_in_gazetteer),
                        class: shade(c.publication_rate),
                        v: format!("{:.4}", c.publication_rate),
                    });
                }
            }
            return PublicationView {
                by_province: true,
                years,
                rows,
                note: l.text("page.publication_by_province").to_string(),
            };
        }
        let mut by_unit: BTreeMap<(String, String), BTreeSet<i32>> = BTreeMap::new();
        for i in self.ctx.inputs {
            if !matches!(i.status, InputStatus::Ok | InputStatus::NoIndicators) {
                continue;
            }
            if let (Some(county), Some(year)) = (&i.county, i.report_year) {
                let code = i.region_code.clone().unwrap_or_default();
                by_unit
                    .entry((code, county.clone()))
                    .or_default()
                    .insert(year);
            }
        }
        let years: Vec<i32> = match (
            by_unit.values().flatten().min(),
            by_unit.values().flatten().max(),
        ) {
            (Some(&a), Some(&b)) => (a..=b).collect(),
            _ => Vec::new(),
        };
        let rows = by_unit
            .into_iter()
            .map(|((_, county), have)| PublicationRowView {
                name: county,
                cells: years
                    .iter()
                    .map(|y| {
                        let yes = have.contains(y);
                        PublicationCell {
                            text: if yes { "✓".into() } else { String::new() },
                            class: if yes { "c4" } else { "c0" },
                            v: if yes { "1".into() } else { "0".into() },
                        }
                    })
                    .collect(),
            })
            .collect();
        PublicationView {
            by_province: false,
            years,
            rows,
            note: l.text("page.publication_by_unit").to_string(),
        }
    }

    fn coverage(&self) -> CoverageView {
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
            return self.coverage_counts(&metrics, &counties, &found);
        }
        let rows = metrics
            .iter()
            .map(|metric| CoverageRow {
                name: self.name(metric),
                cells: counties
                    .iter()
                    .map(|c| {
                        found.get(&(*metric, c)).map(|years| {
                            let years: Vec<String> = years.iter().map(|y| y.to_string()).collect();
                            years.join(", ")
                        })
                    })
                    .collect(),
            })
            .collect();
        CoverageView {
            columns: Some(counties.iter().map(|c| c.county.clone()).collect()),
            rows,
            note: String::new(),
            counties: counties.len(),
            counts: Vec::new(),
        }
    }

    /// The coverage matrix at scale: one row per indicator, with how many counties report it
    /// and for which years (thousands of county columns would not be read).
    fn coverage_counts(
        &self,
        metrics: &[&str],
        counties: &BTreeSet<CountyKey>,
        found: &BTreeMap<(&str, &CountyKey), BTreeSet<i32>>,
    ) -> CoverageView {
        let mut by_metric: BTreeMap<&str, (usize, BTreeSet<i32>)> = BTreeMap::new();
        for ((metric, _), years) in found {
            let entry = by_metric.entry(metric).or_default();
            entry.0 += 1;
            entry.1.extend(years);
        }
        let n = counties.len();
        let counts = metrics
            .iter()
            .map(|metric| {
                let (reporting, years) = by_metric
                    .get(metric)
                    .map(|(c, y)| (*c, year_span(y.iter().copied())))
                    .unwrap_or_default();
                let share = 100.0 * reporting as f64 / n.max(1) as f64;
                CoverageCount {
                    name: self.name(metric),
                    reporting,
                    share_v: format!("{share:.3}"),
                    share: format!("{share:.1}"),
                    years,
                }
            })
            .collect();
        CoverageView {
            columns: None,
            rows: Vec::new(),
            note: self.l().fill("page.coverage_counts", &[("n", &n)]),
            counties: n,
            counts,
        }
    }

    fn inputs(&self) -> (Vec<InputView>, Option<String>) {
        let l = self.l();
        let mut inputs: Vec<&InputRecord> = self.ctx.inputs.iter().collect();
        if inputs.len() > TABLE_ROWS {
            // At scale: the inputs that need attention first (stable: discovery order within).
            inputs.sort_by_key(|i| i.status == InputStatus::Ok);
            inputs.truncate(TABLE_ROWS);
        }
        let views = inputs
            .into_iter()
            .map(|i| InputView {
                path: i.path.clone(),
                status: l.text(match i.status {
                    InputStatus::Ok => "page.status_ok",
                    InputStatus::NoIndicators => "page.status_no_indicators",
                    InputStatus::Skipped => "page.status_skipped",
                    InputStatus::Error => "page.status_error",
                    InputStatus::NeedsOcr => "page.status_needs_ocr",
                }),
                county: i
                    .county
                    .as_deref()
                    .map(|c| super::place::place(c, l).into_owned())
                    .unwrap_or_default(),
                report_year: i.report_year.map(|y| y.to_string()).unwrap_or_default(),
                facts: i.facts,
                message: super::reasons::input_message(i, l),
            })
            .collect();
        let total = self.ctx.inputs.len();
        let note = (total > TABLE_ROWS).then(|| {
            let count = |s: InputStatus| self.ctx.inputs.iter().filter(|i| i.status == s).count();
            l.fill(
                "page.inputs_cut",
                &[
                    ("total", &total),
                    ("ok", &count(InputStatus::Ok)),
                    ("none", &count(InputStatus::NoIndicators)),
                    ("skipped", &count(InputStatus::Skipped)),
                    (
                        "errors",
                        &self.ctx.inputs.iter().filter(|i| i.status.failed()).count(),
                    ),
                    ("shown", &TABLE_ROWS),
                ],
            )
        });
        (views, note)
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
        assert_eq!(s.link("a.txt", "<b>x</b>").n, a.n);
        assert_eq!((a.n, b.n), (1, 2));
        assert_eq!(s.list.len(), 2);
    }
}
