//! The analysis tables. These structs are the contract between `analysis` and `render`:
//! each is written as a CSV (`trends.csv`, `derived.csv`, `comparisons.csv`) and shown on the page.
//!
//! Computed numbers are serialised through [`clean`]: rounded to six decimals and written
//! without a trailing `.0`, so CSV and JSON show `36.550633` and `231`, never float noise.

use serde::{Serialize, Serializer};

use super::reason::{CheckReason, Notes};
use super::reference::Reference;
use crate::model::{Fact, Level, Qualifier, Scope};

/// Everything computed from one set of facts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Analysis {
    /// Facts after collapsing identical repeats, sorted by county, metric, year, scope.
    pub facts: Vec<Fact>,
    /// The identical repeats collapsed out of `facts` (same county, indicator, year, scope and
    /// value, from another document), in the same order: the facts table keeps their rows and
    /// the page lists them as sources beside the value (see `Analysis::repeats_of`).
    #[serde(skip)]
    pub repeats: Vec<Fact>,
    /// Same county, indicator, year and scope with different values: all sources kept.
    pub conflicts: Vec<Conflict>,
    /// Year-over-year changes per county × indicator × scope.
    pub trends: Vec<TrendRow>,
    /// Earlier values worked back from changes the reports state (qualifier `derived`):
    /// shown in the trends and trend charts, never in the facts, rates or comparisons.
    pub derived_points: Vec<Fact>,
    /// Rates computed from their parts, with Wilson intervals.
    pub derived: Vec<DerivedRow>,
    /// Cross-county comparison per indicator, scope and year.
    pub comparisons: Vec<ComparisonRow>,
    /// Least-squares trend over three or more years.
    pub slopes: Vec<SlopeRow>,
    /// Consistency checks with their evidence.
    pub checks: Vec<Check>,
    /// Published reference values (never mixed into county values).
    pub references: Vec<Reference>,
    /// When each report was published against its deadline, one row per document with a
    /// publication date.
    pub timeliness: Vec<TimelinessRow>,
    /// Regions, publication coverage, outliers and findings across many units
    /// ([`super::national`]).
    pub national: super::national::National,
}

/// One source of a conflicting value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictSource {
    /// The value this source states.
    #[serde(serialize_with = "clean")]
    pub value: f64,
    /// Input file.
    pub doc: String,
    /// Evidence substring.
    pub evidence: String,
}

/// Different values for the same county, indicator, year and scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// Division code.
    pub region_code: String,
    /// County name.
    pub county: String,
    /// Indicator id.
    pub metric: String,
    /// Year the values refer to.
    pub year: i32,
    /// Scope shared by the values.
    pub scope: Scope,
    /// Every source, in document order.
    pub sources: Vec<ConflictSource>,
}

/// A value compared with the previous value of the same county, indicator and scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    /// Division code.
    pub region_code: String,
    /// County name.
    pub county: String,
    /// Level of government of the unit (`county`, `prefecture`, …); empty when unresolved.
    pub level: Option<Level>,
    /// Indicator id.
    pub metric: String,
    /// Scope (changes are only computed within one scope).
    pub scope: Scope,
    /// Year of this value.
    pub year: i32,
    /// This value, in `unit`.
    #[serde(serialize_with = "clean")]
    pub value: f64,
    /// Unit.
    pub unit: String,
    /// Year of the previous value, if any.
    pub prev_year: Option<i32>,
    /// Previous value.
    #[serde(serialize_with = "clean_opt")]
    pub prev_value: Option<f64>,
    /// `value - prev_value`.
    #[serde(serialize_with = "clean_opt")]
    pub change: Option<f64>,
    /// Percentage change over the whole gap, 0–100 scale (+36.6 for 632 → 863).
    #[serde(serialize_with = "clean_opt")]
    pub pct_change: Option<f64>,
    /// Compound annual rate in percent when the gap is longer than one year.
    #[serde(serialize_with = "clean_opt")]
    pub annual_rate: Option<f64>,
    /// Evidence of this value.
    pub evidence: String,
    /// Source file of this value.
    pub doc: String,
    /// What a reader must know: approximate values (余/近), a rate's change is in percentage
    /// points, a gap of several years, the previous value's source, a value derived from a
    /// stated change. Written as their keys (`note_keys`); the render layer adds the words.
    #[serde(rename = "note_keys")]
    pub notes: Notes,
    /// How this value is known: as printed (`exact`), approximate (`more_than`, `nearly`) or
    /// `derived` (stated in words, or worked back from a change a later report states).
    pub qualifier: Qualifier,
}

/// A rate computed from its parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DerivedRow {
    /// Division code.
    pub region_code: String,
    /// County name.
    pub county: String,
    /// Level of government of the unit (`county`, `prefecture`, …); empty when unresolved.
    pub level: Option<Level>,
    /// Derived indicator id (e.g. `reconsideration.correction_rate.derived`).
    pub metric: String,
    /// Year.
    pub year: i32,
    /// Numerator indicator id.
    pub numerator_metric: String,
    /// Numerator value.
    #[serde(serialize_with = "clean")]
    pub numerator: f64,
    /// Denominator indicator id.
    pub denominator_metric: String,
    /// Denominator value.
    #[serde(serialize_with = "clean")]
    pub denominator: f64,
    /// Rate in percent.
    #[serde(serialize_with = "clean")]
    pub value: f64,
    /// Lower bound of the 95% Wilson interval, percent.
    #[serde(serialize_with = "clean")]
    pub ci_low: f64,
    /// Upper bound of the 95% Wilson interval, percent.
    #[serde(serialize_with = "clean")]
    pub ci_high: f64,
    /// Published reference value for the same indicator and year (`data/reference.csv`),
    /// shown beside the county value, never mixed into it.
    #[serde(serialize_with = "clean_opt")]
    pub reference: Option<f64>,
    /// How it was computed, including any fallback denominator ([`Note::Fallback`]). Written
    /// as their keys (`note_keys`); the render layer adds the words.
    #[serde(rename = "note_keys")]
    pub notes: Notes,
    /// Evidence of numerator and denominator.
    pub evidence: String,
}

/// One county's value in a cross-county comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonRow {
    /// `year`: counties compared within one year; `latest`: each county's latest year.
    pub basis: String,
    /// Indicator id.
    pub metric: String,
    /// Scope.
    pub scope: Scope,
    /// Year compared; for "latest" comparisons each county's latest year.
    pub year: i32,
    /// Division code.
    pub region_code: String,
    /// County name.
    pub county: String,
    /// Administrative level (`county`, `prefecture`, ...): units are compared within their
    /// level only.
    pub level: Level,
    /// Value.
    #[serde(serialize_with = "clean")]
    pub value: f64,
    /// Unit.
    pub unit: String,
    /// Published reference value for the same indicator, scope and year
    /// (`data/reference.csv`), shown beside, never ranked with the counties.
    #[serde(serialize_with = "clean_opt")]
    pub reference: Option<f64>,
    /// Rank among the units of the same level compared, 1 = highest.
    pub rank: usize,
    /// Number of units of the same level compared.
    pub n: usize,
    /// Median across the compared units.
    #[serde(serialize_with = "clean")]
    pub median: f64,
    /// Percentile of this county (0–100).
    #[serde(serialize_with = "clean")]
    pub percentile: f64,
    /// z-score; `None` with fewer than 3 counties or zero spread.
    #[serde(serialize_with = "clean_opt")]
    pub z_score: Option<f64>,
    /// Rank among the compared units of the same prefecture; `None` above county level or for
    /// an unresolved county.
    pub prefecture_rank: Option<usize>,
    /// Units of the same prefecture compared.
    pub prefecture_n: Option<usize>,
    /// Median of the prefecture's compared units.
    #[serde(serialize_with = "clean_opt")]
    pub prefecture_median: Option<f64>,
    /// Rank among the compared units of the same province.
    pub province_rank: Option<usize>,
    /// Units of the same province compared.
    pub province_n: Option<usize>,
    /// For latest-year comparisons: whether the counties' years differ. Written as their keys
    /// (`note_keys`); the render layer adds the words.
    #[serde(rename = "note_keys")]
    pub notes: Notes,
}

/// When one report was published, against the deadline of 1 April of the following year
/// (《法治政府建设与责任落实督察工作规定》 art. 24).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelinessRow {
    /// Input file.
    pub doc: String,
    /// Division code.
    pub region_code: String,
    /// County name.
    pub county: String,
    /// Administrative level.
    pub level: Level,
    /// The year the report is about.
    pub report_year: Option<i32>,
    /// Publication date as the page gives it, `YYYY-MM-DD`.
    pub publish_date: String,
    /// 1 April of `report_year + 1`; `None` without a report year.
    pub deadline: Option<String>,
    /// Publication date minus deadline, in days: negative is early, 0 on the day, positive
    /// late; `None` without a deadline or a readable date.
    pub days_late: Option<i64>,
}

/// Least-squares slope over three or more years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlopeRow {
    /// Division code.
    pub region_code: String,
    /// County name.
    pub county: String,
    /// Level of government of the unit (`county`, `prefecture`, …); empty when unresolved.
    pub level: Option<Level>,
    /// Indicator id.
    pub metric: String,
    /// Scope.
    pub scope: Scope,
    /// Number of years.
    pub n_years: usize,
    /// First year.
    pub first_year: i32,
    /// Last year.
    pub last_year: i32,
    /// Slope per year, in the indicator's unit.
    #[serde(serialize_with = "clean")]
    pub slope: f64,
    /// Lower bound of the Student-t 95% interval.
    #[serde(serialize_with = "clean")]
    pub ci_low: f64,
    /// Upper bound of the Student-t 95% interval.
    #[serde(serialize_with = "clean")]
    pub ci_high: f64,
}

/// How serious a check's finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Consistent, worth saying how (e.g. consistent by truncation).
    Info,
    /// Suspicious: a reader should look at the evidence.
    Warning,
    /// Impossible (rate above 100%, part larger than whole, negative count).
    Error,
}

/// One consistency check's finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Check id (`rate_vs_parts`, `part_exceeds_whole`, `rate_above_100`, `negative_value`,
    /// `yoy_jump`, `conflict`, `not_a_number`, `stated_change`).
    pub kind: String,
    /// Severity.
    pub severity: Severity,
    /// Division code.
    pub region_code: String,
    /// County name.
    pub county: String,
    /// Level of government of the unit (`county`, `prefecture`, …); empty when unresolved.
    pub level: Option<Level>,
    /// Source file.
    pub doc: String,
    /// Indicator id.
    pub metric: String,
    /// Year.
    pub year: i32,
    /// What was found, with the numbers: written as its key (`reason`); the render layer
    /// words it (`message`).
    pub reason: CheckReason,
    /// The evidence substrings involved.
    pub evidence: String,
}

/// Rounds a computed number to six decimals: enough for any figure a report prints, short
/// enough to keep float noise (`36.55063291139241`) out of tables.
pub fn round6(value: f64) -> f64 {
    if value.is_finite() {
        (value * 1e6).round() / 1e6
    } else {
        value
    }
}

/// Serialises a computed number rounded to six decimals, as an integer when it is whole
/// (`231`, not `231.0`), so CSV cells read like the report.
pub fn clean<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    let v = round6(*value);
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        s.serialize_i64(v as i64)
    } else {
        s.serialize_f64(v)
    }
}

/// [`clean`] for optional numbers (`None` is an empty CSV cell, `null` in JSON).
pub fn clean_opt<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => clean(v, s),
        None => s.serialize_none(),
    }
}
