//! The columns of each exported table, in order, and what each means: the `columns` sheet of
//! the workbook, and the header of a table that has no rows. The meanings are labels
//! (`columns.<table>.<column>` in data/labels.toml).
//!
//! Invariants (checked by tests): every field that `analysis::model` serialises into a table
//! is listed here, in the same order, and has a meaning in both languages, so a new field
//! cannot reach a spreadsheet unexplained.

use super::labels::installed;
use super::Lang;

/// The facts table's columns are the model's public contract.
const FACTS: &[&str] = &crate::model::FACT_COLUMNS;

const TRENDS: &[&str] = &[
    "region_code",
    "county",
    "level",
    "metric",
    "scope",
    "year",
    "value",
    "unit",
    "prev_year",
    "prev_value",
    "change",
    "pct_change",
    "annual_rate",
    "evidence",
    "doc",
    "note_keys",
    "note",
    "qualifier",
];

const DERIVED: &[&str] = &[
    "region_code",
    "county",
    "level",
    "metric",
    "year",
    "numerator_metric",
    "numerator",
    "denominator_metric",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "reference",
    "note_keys",
    "note",
    "evidence",
];

const COMPARISONS: &[&str] = &[
    "basis",
    "metric",
    "scope",
    "year",
    "region_code",
    "county",
    "level",
    "value",
    "unit",
    "reference",
    "rank",
    "n",
    "median",
    "percentile",
    "z_score",
    "prefecture_rank",
    "prefecture_n",
    "prefecture_median",
    "province_rank",
    "province_n",
    "note_keys",
    "note",
];

const SLOPES: &[&str] = &[
    "region_code",
    "county",
    "level",
    "metric",
    "scope",
    "n_years",
    "first_year",
    "last_year",
    "slope",
    "ci_low",
    "ci_high",
];

const CHECKS: &[&str] = &[
    "kind",
    "severity",
    "region_code",
    "county",
    "level",
    "doc",
    "metric",
    "year",
    "reason",
    "message",
    "evidence",
];

const TIMELINESS: &[&str] = &[
    "doc",
    "region_code",
    "county",
    "level",
    "report_year",
    "publish_date",
    "deadline",
    "days_late",
];

const STATED_CHANGES: &[&str] = &super::table::STATED_CHANGE_COLUMNS;

const REGIONS: &[&str] = &[
    "level",
    "region_code",
    "province",
    "prefecture",
    "metric",
    "scope",
    "year",
    "unit",
    "units_in_gazetteer",
    "units_reported",
    "median",
    "p25",
    "p75",
    "min",
    "max",
    "sum",
];

const COVERAGE: &[&str] = &[
    "level",
    "region_code",
    "province",
    "prefecture",
    "year",
    "units_in_gazetteer",
    "units_with_report",
    "publication_rate",
];

const OUTLIERS: &[&str] = &[
    "region_code",
    "province",
    "prefecture",
    "county",
    "level",
    "metric",
    "scope",
    "year",
    "value",
    "unit",
    "peers",
    "peer_median",
    "scale",
    "peer_mad",
    "robust_z",
    "doc",
    "evidence",
];

const WIDE_FIXED: &[&str] = &["region_code", "county", "level", "year", "conflicts"];

/// The documented columns of a table, in order; empty for an unknown table.
pub fn documented_columns(table: &str) -> &'static [&'static str] {
    match table {
        "facts" => FACTS,
        "trends" => TRENDS,
        "derived" => DERIVED,
        "comparisons" => COMPARISONS,
        "slopes" => SLOPES,
        "checks" => CHECKS,
        "timeliness" => TIMELINESS,
        "wide" => WIDE_FIXED,
        "stated_changes" => STATED_CHANGES,
        "regions" => REGIONS,
        "coverage" => COVERAGE,
        "outliers" => OUTLIERS,
        _ => &[],
    }
}

/// The column names of a table, in order (the header of an empty table).
pub fn column_names(table: &str) -> Vec<&'static str> {
    documented_columns(table).to_vec()
}

/// The description of one column, if documented.
pub fn describe(table: &str, column: &str, lang: Lang) -> Option<&'static str> {
    installed()
        .get(&format!("columns.{table}.{column}"), lang)
        .or_else(|| installed().get(&format!("columns.any_table.{column}"), lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::national::{CoverageRow, OutlierRow, RegionRow};
    use crate::analysis::{
        Check, CheckReason, ComparisonRow, DerivedRow, Notes, Severity, SlopeRow, TimelinessRow,
        TrendRow,
    };
    use crate::model::{Level, Qualifier, Scope};
    use crate::render::table::rows_table;
    use crate::render::table::WORDED_COLUMNS;

    fn names_of<T: serde::Serialize>(table: &str, row: T) -> Vec<String> {
        rows_table(table, &[row], &[])
            .expect("flat row")
            .names()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_serialised_column_is_documented_in_order() {
        let s = String::new;
        let cases: Vec<(&str, Vec<String>)> = vec![
            (
                "trends",
                names_of(
                    "trends",
                    TrendRow {
                        region_code: s(),
                        county: s(),
                        level: None,
                        metric: s(),
                        scope: Scope::Annual,
                        year: 0,
                        value: 0.0,
                        unit: s(),
                        prev_year: None,
                        prev_value: None,
                        change: None,
                        pct_change: None,
                        annual_rate: None,
                        evidence: s(),
                        doc: s(),
                        notes: Notes::default(),
                        qualifier: Qualifier::Exact,
                    },
                ),
            ),
            (
                "derived",
                names_of(
                    "derived",
                    DerivedRow {
                        region_code: s(),
                        county: s(),
                        level: None,
                        metric: s(),
                        year: 0,
                        numerator_metric: s(),
                        numerator: 0.0,
                        denominator_metric: s(),
                        denominator: 0.0,
                        value: 0.0,
                        ci_low: 0.0,
                        ci_high: 0.0,
                        reference: None,
                        notes: Notes::default(),
                        evidence: s(),
                    },
                ),
            ),
            (
                "comparisons",
                names_of(
                    "comparisons",
                    ComparisonRow {
                        basis: s(),
                        metric: s(),
                        scope: Scope::Annual,
                        year: 0,
                        region_code: s(),
                        county: s(),
                        level: Level::County,
                        value: 0.0,
                        unit: s(),
                        reference: None,
                        rank: 1,
                        n: 1,
                        median: 0.0,
                        percentile: 0.0,
                        z_score: None,
                        prefecture_rank: None,
                        prefecture_n: None,
                        prefecture_median: None,
                        province_rank: None,
                        province_n: None,
                        notes: Notes::default(),
                    },
                ),
            ),
            (
                "slopes",
                names_of(
                    "slopes",
                    SlopeRow {
                        region_code: s(),
                        county: s(),
                        level: None,
                        metric: s(),
                        scope: Scope::Annual,
                        n_years: 3,
                        first_year: 0,
                        last_year: 0,
                        slope: 0.0,
                        ci_low: 0.0,
                        ci_high: 0.0,
                    },
                ),
            ),
            (
                "checks",
                names_of(
                    "checks",
                    Check {
                        kind: s(),
                        severity: Severity::Info,
                        region_code: s(),
                        county: s(),
                        level: None,
                        doc: s(),
                        metric: s(),
                        year: 0,
                        reason: CheckReason::NotANumber { value: 0.0 },
                        evidence: s(),
                    },
                ),
            ),
            (
                "timeliness",
                names_of(
                    "timeliness",
                    TimelinessRow {
                        doc: s(),
                        region_code: s(),
                        county: s(),
                        level: Level::County,
                        report_year: None,
                        publish_date: s(),
                        deadline: None,
                        days_late: None,
                    },
                ),
            ),
            (
                "regions",
                names_of(
                    "regions",
                    RegionRow {
                        level: Level::Province,
                        region_code: s(),
                        province: s(),
                        prefecture: s(),
                        metric: s(),
                        scope: Scope::Annual,
                        year: 0,
                        unit: s(),
                        units_in_gazetteer: 0,
                        units_reported: 0,
                        median: 0.0,
                        p25: 0.0,
                        p75: 0.0,
                        min: 0.0,
                        max: 0.0,
                        sum: None,
                    },
                ),
            ),
            (
                "coverage",
                names_of(
                    "coverage",
                    CoverageRow {
                        level: Level::Province,
                        region_code: s(),
                        province: s(),
                        prefecture: s(),
                        year: 0,
                        units_in_gazetteer: 0,
                        units_with_report: 0,
                        publication_rate: 0.0,
                    },
                ),
            ),
            (
                "outliers",
                names_of(
                    "outliers",
                    OutlierRow {
                        region_code: s(),
                        province: s(),
                        prefecture: s(),
                        county: s(),
                        level: Level::County,
                        metric: s(),
                        scope: Scope::Annual,
                        year: 0,
                        value: 0.0,
                        unit: s(),
                        peers: 0,
                        peer_median: 0.0,
                        scale: crate::analysis::national::Scale::Log,
                        peer_mad: 0.0,
                        robust_z: 0.0,
                        doc: s(),
                        evidence: s(),
                    },
                ),
            ),
        ];
        for (table, serialised) in cases {
            // The render layer adds the words after their key column (`WORDED_COLUMNS`).
            let mut documented = column_names(table);
            for (_, key, words) in WORDED_COLUMNS.iter().filter(|w| w.0 == table) {
                let at = documented.iter().position(|c| c == words).expect("worded");
                assert_eq!(documented[at - 1], *key, "{table}");
                documented.remove(at);
            }
            assert_eq!(documented, serialised, "{table}");
        }
        assert_eq!(column_names("facts"), crate::model::FACT_COLUMNS.to_vec());
    }

    #[test]
    fn descriptions_exist_in_both_languages() {
        for table in [
            "facts",
            "trends",
            "derived",
            "comparisons",
            "slopes",
            "checks",
            "timeliness",
            "wide",
            "stated_changes",
            "regions",
            "coverage",
            "outliers",
        ] {
            for name in documented_columns(table) {
                for lang in [Lang::Zh, Lang::En] {
                    assert!(
                        describe(table, name, lang).is_some_and(|d| !d.is_empty()),
                        "{table}.{name}"
                    );
                }
            }
        }
        assert_eq!(describe("facts", "unit", Lang::En), Some("Unit"));
        // The romanised place columns (`--lang en`) are described once for every table.
        for table in ["facts", "trends", "checks", "wide", "stated_changes"] {
            for column in ["province_en", "prefecture_en", "county_en"] {
                assert!(
                    describe(table, column, Lang::En).is_some(),
                    "{table}.{column}"
                );
            }
        }
        assert_eq!(describe("facts", "nope", Lang::Zh), None);
    }
}
