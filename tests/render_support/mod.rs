//! Hand-built analyses for the page and browser tests: the hand-labelled gold facts of the
//! bundled reports (tests/gold), plus trend, derived, check, conflict and reference rows written
//! out by hand, so the page is tested on realistic data independently of the analysis stage.
#![allow(dead_code)]

use std::collections::HashMap;

use fazhi::analysis::stats::wilson_interval;
use fazhi::analysis::{
    Analysis, Check, CheckReason, ComparisonRow, Conflict, ConflictSource, DerivedRow, Note, Notes,
    Reference, Severity, TrendRow, Verdict,
};
use fazhi::dict::{load_dict, IndicatorDict};
use fazhi::ingest::{InputRecord, InputStatus};
use fazhi::model::{Fact, Level, Qualifier, Scope};

/// The bundled dictionary.
pub fn dict() -> IndicatorDict {
    load_dict(Some(std::path::Path::new("data/indicators.toml"))).expect("bundled dictionary")
}

/// One fact with everything but the numbers defaulted.
pub fn fact(county: &str, code: &str, metric: &str, year: i32, value: f64, unit: &str) -> Fact {
    Fact {
        doc: format!("{code}_{year}.txt"),
        region_code: code.to_string(),
        province: "省".to_string(),
        prefecture: "市".to_string(),
        county: county.to_string(),
        report_year: Some(year),
        metric: metric.to_string(),
        year,
        value,
        unit: unit.to_string(),
        evidence: format!("{metric} {value}{unit}"),
        ..Fact::default()
    }
}

/// The gold facts (label = fact) of the five bundled reports, with counties from
/// tests/gold/documents.csv and units from the dictionary.
pub fn gold_facts(dict: &IndicatorDict) -> Vec<Fact> {
    let mut docs: HashMap<String, (String, String, String, String, i32)> = HashMap::new();
    let mut rdr = csv::Reader::from_path("tests/gold/documents.csv").expect("documents.csv");
    for row in rdr.records() {
        let r = row.expect("row");
        docs.insert(
            r[0].to_string(),
            (
                r[1].to_string(),
                r[2].to_string(),
                r[3].to_string(),
                r[4].to_string(),
                r[5].parse().expect("year"),
            ),
        );
    }
    let mut out = Vec::new();
    // flexible: one unscored row has unquoted commas in its evidence.
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path("tests/gold/facts.csv")
        .expect("facts.csv");
    let headers = rdr.headers().expect("headers").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    for row in rdr.records() {
        let r = row.expect("row");
        if &r[col("label")] != "fact" {
            continue;
        }
        let doc = r[col("doc")].to_string();
        let (code, province, prefecture, county, report_year) = docs[&doc].clone();
        let metric = r[col("metric")].to_string();
        let unit = dict
            .get(&metric)
            .map(|i| i.unit.clone())
            .unwrap_or_default();
        out.push(Fact {
            doc,
            region_code: code,
            province,
            prefecture,
            county,
            report_year: Some(report_year),
            metric,
            year: r[col("year")].parse().expect("year"),
            scope: r[col("scope")].parse().expect("scope"),
            value: r[col("value")].parse().expect("value"),
            unit,
            qualifier: r[col("qualifier")].parse().expect("qualifier"),
            evidence: r[col("evidence")].to_string(),
            ..Fact::default()
        });
    }
    out
}

/// A realistic analysis: the gold facts, 冠县's staff trend, two derived rates, checks, a
/// conflict and a national reference value.
pub fn gold_analysis(dict: &IndicatorDict) -> Analysis {
    let facts = gold_facts(dict);
    let (lo, hi) = wilson_interval(73.0, 91.0).expect("n > 0");
    let (lo2, hi2) = wilson_interval(2370.0, 2397.0).expect("n > 0");
    let (lo3, hi3) = wilson_interval(3.0, 73.0).expect("n > 0");
    Analysis {
        trends: vec![TrendRow {
            region_code: "371525".into(),
            county: "冠县".into(),
            level: None,
            metric: "enforcement.certified_staff".into(),
            scope: Scope::Stock,
            year: 2023,
            value: 863.0,
            unit: "人".into(),
            prev_year: Some(2022),
            prev_value: Some(632.0),
            change: Some(231.0),
            pct_change: Some((863.0 / 632.0 - 1.0) * 100.0),
            annual_rate: None,
            evidence: "增长到2023年的863人".into(),
            doc: "000_fb63a9ae8bf308c5.txt".into(),
            notes: Notes::default(),
            qualifier: Qualifier::Exact,
        }],
        derived: vec![
            DerivedRow {
                region_code: "371525".into(),
                county: "冠县".into(),
                level: None,
                metric: "reconsideration.acceptance_rate.derived".into(),
                year: 2023,
                numerator_metric: "reconsideration.accepted".into(),
                numerator: 73.0,
                denominator_metric: "reconsideration.received".into(),
                denominator: 91.0,
                value: 73.0 / 91.0 * 100.0,
                ci_low: lo * 100.0,
                ci_high: hi * 100.0,
                reference: None,
                notes: Notes(vec![Note::Parts {
                    numerator_metric: "reconsideration.accepted".into(),
                    numerator: 73.0,
                    denominator_metric: "reconsideration.received".into(),
                    denominator: 91.0,
                }]),
                evidence: "受理73件; 收到91件".into(),
            },
            DerivedRow {
                region_code: "430121".into(),
                county: "长沙县".into(),
                level: None,
                metric: "mediation.success_rate.derived".into(),
                year: 2020,
                numerator_metric: "mediation.successful".into(),
                numerator: 2370.0,
                denominator_metric: "mediation.disputes".into(),
                denominator: 2397.0,
                value: 2370.0 / 2397.0 * 100.0,
                ci_low: lo2 * 100.0,
                ci_high: hi2 * 100.0,
                reference: None,
                notes: Notes(vec![Note::Parts {
                    numerator_metric: "mediation.successful".into(),
                    numerator: 2370.0,
                    denominator_metric: "mediation.disputes".into(),
                    denominator: 2397.0,
                }]),
                evidence: "调解2397件, 成功2370件".into(),
            },
            DerivedRow {
                region_code: "371525".into(),
                county: "冠县".into(),
                level: None,
                metric: "reconsideration.correction_rate.derived".into(),
                year: 2023,
                numerator_metric: "reconsideration.corrected".into(),
                numerator: 3.0,
                denominator_metric: "reconsideration.accepted".into(),
                denominator: 73.0,
                value: 3.0 / 73.0 * 100.0,
                ci_low: lo3 * 100.0,
                ci_high: hi3 * 100.0,
                reference: Some(12.83),
                notes: Notes(vec![Note::Fallback {
                    used: "reconsideration.accepted".into(),
                    preferred: "reconsideration.concluded".into(),
                    year: 2023,
                }]),
                evidence: "纠错3件".into(),
            },
        ],
        comparisons: vec![ComparisonRow {
            basis: "latest".into(),
            reference: None,
            metric: "legal_aid.cases".into(),
            scope: Scope::Annual,
            year: 2023,
            region_code: "371525".into(),
            county: "冠县".into(),
            level: Level::County,
            value: 1762.0,
            unit: "件".into(),
            rank: 1,
            n: 2,
            median: 1000.0,
            percentile: 100.0,
            z_score: None,
            prefecture_rank: None,
            prefecture_n: None,
            prefecture_median: None,
            province_rank: None,
            province_n: None,
            notes: Notes(vec![Note::LatestDiffer {
                first: 2020,
                last: 2023,
            }]),
        }],
        checks: vec![
            Check {
                kind: "rate_vs_parts".into(),
                severity: Severity::Info,
                region_code: "420204".into(),
                county: "下陆区".into(),
                level: None,
                doc: "003_14537a11da58042f.txt".into(),
                metric: "mediation.success_rate".into(),
                year: 2023,
                reason: CheckReason::RateVsParts {
                    reported: 99.6,
                    numerator_metric: "mediation.successful".into(),
                    numerator: 4198.0,
                    denominator_metric: "mediation.disputes".into(),
                    denominator: 4211.0,
                    computed: 4198.0 / 4211.0 * 100.0,
                    verdict: Verdict::Truncation,
                },
                evidence: "调解成功率99.6%".into(),
            },
            Check {
                kind: "part_exceeds_whole".into(),
                severity: Severity::Error,
                region_code: "371525".into(),
                county: "冠县".into(),
                level: None,
                doc: "000_fb63a9ae8bf308c5.txt".into(),
                metric: "reconsideration.accepted".into(),
                year: 2023,
                reason: CheckReason::PartExceedsWhole {
                    part_metric: "reconsideration.accepted".into(),
                    part: 95.0,
                    whole_metric: "reconsideration.received".into(),
                    whole: 91.0,
                    lower_bound: false,
                },
                evidence: "受理95件".into(),
            },
        ],
        conflicts: vec![Conflict {
            region_code: "371002".into(),
            county: "环翠区".into(),
            metric: "legal_aid.cases".into(),
            year: 2022,
            scope: Scope::Annual,
            sources: vec![
                ConflictSource {
                    value: 100.0,
                    doc: "a.txt".into(),
                    evidence: "法律援助案件100件".into(),
                },
                ConflictSource {
                    value: 120.0,
                    doc: "b.txt".into(),
                    evidence: "法律援助案件120件".into(),
                },
            ],
        }],
        references: vec![Reference {
            indicator: "reconsideration.correction_rate".into(),
            year: 2023,
            value: 12.83,
            scope: Scope::Annual,
            source: "https://www.moj.gov.cn/".into(),
        }],
        facts,
        ..Analysis::default()
    }
}

/// Input records for the five bundled reports.
pub fn gold_inputs() -> Vec<InputRecord> {
    let mut out = Vec::new();
    let mut rdr = csv::Reader::from_path("tests/gold/documents.csv").expect("documents.csv");
    for row in rdr.records() {
        let r = row.expect("row");
        let mut rec = InputRecord::unread(
            std::path::Path::new(&format!("data/reports/{}", &r[0])),
            InputStatus::Ok,
            fazhi::ingest::InputReason::Unreadable,
            String::new(),
        );
        // Read fine: nothing to say.
        rec.message = None;
        rec.reasons.clear();
        rec.county = Some(r[4].to_string());
        rec.region_code = Some(r[1].to_string());
        rec.report_year = r[5].parse().ok();
        out.push(rec);
    }
    out
}
