//! The facts table: one row per indicator value found in a report.
//!
//! Column names and order are a public contract (users' scripts read `facts.csv`):
//! `doc, region_code, province, prefecture, county, report_year, metric, year, scope, value,
//! unit, qualifier, evidence, offset, level, confidence, review_reason` (the last three were
//! added at the end, so scripts reading the first fourteen by position keep working).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Level;

/// What period a value covers. Values of different scopes are never compared with each other.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// A flow over one calendar year (cases received in 2023).
    #[default]
    Annual,
    /// A level at the end of the year (certified staff at year end).
    Stock,
    /// A total over several years (累计, 以来 spanning years).
    Cumulative,
    /// A part of one year (1–4月, 上半年, 截至11月底, 今年以来 before the year's end): never the
    /// year's value, and never compared with anything.
    Partial,
}

/// How the report states the value.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// The number as printed.
    #[default]
    Exact,
    /// 余/多/以上: at least this much.
    MoreThan,
    /// 近/约/左右: approximately.
    Nearly,
    /// Stated in words, not digits (全部出庭应诉 → 100%).
    Derived,
}

/// How far a fact can be used without a second look.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Named in its own sentence, in a text whose place and year are known.
    #[default]
    High,
    /// Worth a look before it goes into a briefing; `review_reason` says why.
    Review,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::High => "high",
            Confidence::Review => "review",
        })
    }
}

impl FromStr for Confidence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "high" => Ok(Confidence::High),
            "review" => Ok(Confidence::Review),
            other => Err(format!(
                "unknown confidence '{other}' (expected high or review)"
            )),
        }
    }
}

/// One indicator value found in one document, with its provenance. `Fact::default()` is an
/// empty fact (annual, exact, high) for building one field by field, as test fixtures do.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Input file name.
    pub doc: String,
    /// 6-digit county-level division code; empty when unresolved.
    pub region_code: String,
    /// Province name (省/自治区/直辖市).
    pub province: String,
    /// Prefecture name (市/州/盟); empty for directly administered units.
    pub prefecture: String,
    /// County-level unit name (县/区/县级市/旗).
    pub county: String,
    /// The year the report is about; `None` when it could not be determined.
    pub report_year: Option<i32>,
    /// Indicator id from the dictionary, e.g. `reconsideration.received`.
    pub metric: String,
    /// The year the value refers to (usually the report year).
    pub year: i32,
    /// Annual flow, year-end stock or cumulative total.
    pub scope: Scope,
    /// The value as stated, in `unit` (percentages as 0–100).
    #[serde(serialize_with = "serialize_value")]
    pub value: f64,
    /// Unit as printed in the dictionary (件, 人, %, ...).
    pub unit: String,
    /// exact / more_than / nearly / derived.
    pub qualifier: Qualifier,
    /// The exact source substring the value was read from.
    pub evidence: String,
    /// Character offset of `evidence` in the decoded document text.
    pub offset: usize,
    /// The level of government of the unit (`region_code`'s level, or `department`); `None`
    /// when the place is unresolved.
    pub level: Option<Level>,
    /// `high`, or `review` when something about the fact asks for a second look.
    pub confidence: Confidence,
    /// Why the fact needs review (empty when `high`): the reasons, joined by `; `.
    pub review_reason: String,
}

impl Fact {
    /// The order of facts in every table: county, indicator, year, scope, then source (file
    /// and offset). The analysis sorts by the same key (`analysis::fact_order`), so lists sorted
    /// apart (the facts it counted, the ones it left out for review) merge into one table in
    /// the order a single sort would give.
    pub fn order_key(&self) -> (&str, &str, &str, i32, Scope, &str, usize) {
        (
            &self.region_code,
            &self.county,
            &self.metric,
            self.year,
            self.scope,
            &self.doc,
            self.offset,
        )
    }
}

/// Column names of the facts table, in order.
pub const FACT_COLUMNS: [&str; 17] = [
    "doc",
    "region_code",
    "province",
    "prefecture",
    "county",
    "report_year",
    "metric",
    "year",
    "scope",
    "value",
    "unit",
    "qualifier",
    "evidence",
    "offset",
    "level",
    "confidence",
    "review_reason",
];

/// Formats a value without a spurious `.0` and without float noise (`2000`, `99.5`, `34.44`).
pub fn format_value(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let s = format!("{:.6}", value);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn serialize_value<S: serde::Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_value(*value))
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Annual => "annual",
            Scope::Stock => "stock",
            Scope::Cumulative => "cumulative",
            Scope::Partial => "partial",
        })
    }
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "annual" => Ok(Scope::Annual),
            "stock" => Ok(Scope::Stock),
            "cumulative" => Ok(Scope::Cumulative),
            "partial" => Ok(Scope::Partial),
            other => Err(format!(
                "unknown scope '{other}' (expected annual, stock, cumulative or partial)"
            )),
        }
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Qualifier::Exact => "exact",
            Qualifier::MoreThan => "more_than",
            Qualifier::Nearly => "nearly",
            Qualifier::Derived => "derived",
        })
    }
}

impl FromStr for Qualifier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "exact" => Ok(Qualifier::Exact),
            "more_than" => Ok(Qualifier::MoreThan),
            "nearly" => Ok(Qualifier::Nearly),
            "derived" => Ok(Qualifier::Derived),
            other => Err(format!(
                "unknown qualifier '{other}' (expected exact, more_than, nearly or derived)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_like_the_report() {
        for (v, s) in [
            (2000.0, "2000"),
            (99.5, "99.5"),
            (34.44, "34.44"),
            (0.0, "0"),
            (-3.0, "-3"),
        ] {
            assert_eq!(format_value(v), s);
        }
    }

    #[test]
    fn scope_and_qualifier_round_trip() {
        for s in [Scope::Annual, Scope::Stock, Scope::Cumulative] {
            assert_eq!(s.to_string().parse::<Scope>(), Ok(s));
        }
        for q in [
            Qualifier::Exact,
            Qualifier::MoreThan,
            Qualifier::Nearly,
            Qualifier::Derived,
        ] {
            assert_eq!(q.to_string().parse::<Qualifier>(), Ok(q));
        }
        assert!("yearly".parse::<Scope>().is_err());
    }
}
