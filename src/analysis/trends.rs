//! Year over year per county × indicator × scope, from unambiguous facts only. A value stated
//! inside a later report about an earlier year counts as that earlier year's value.

use super::checks::{fact_check, YOY_JUMP_FACTOR, YOY_JUMP_MIN_COUNT, YOY_JUMP_RATE_POINTS};
use super::model::{Check, Severity, TrendRow};
use super::stats::{annual_rate, pct_change};
use super::{approximate, is_rate};
use crate::dict::IndicatorDict;
use crate::extract::{format_value, Fact};

/// One trend row per fact (the first year of a series has no previous value), plus a
/// `yoy_jump` check for every change beyond the documented thresholds. `prev[i]` is the row in
/// `facts` of the previous value of fact `i`'s series.
pub(super) fn trends(
    facts: &[Fact],
    prev: &[Option<usize>],
    dict: &IndicatorDict,
) -> (Vec<TrendRow>, Vec<Check>) {
    let mut rows = Vec::with_capacity(facts.len());
    let mut checks = Vec::new();
    for (f, p) in facts.iter().zip(prev) {
        let p = p.and_then(|j| facts.get(j));
        let rate = is_rate(&f.metric, &f.unit, dict);
        let mut notes = Vec::new();
        if f.report_year.is_some_and(|y| y != f.year) {
            if let Some(y) = f.report_year {
                notes.push(format!("{} value stated in the {y} report", f.year));
            }
        }
        let (mut change, mut pct, mut annual) = (None, None, None);
        if let Some(p) = p {
            let gap = f.year - p.year;
            change = Some(f.value - p.value);
            if rate {
                notes.push("rate: the change is in percentage points".into());
            } else {
                pct = pct_change(p.value, f.value);
                if gap > 1 {
                    annual = annual_rate(p.value, f.value, gap);
                    notes.push(format!(
                        "{gap}-year gap ({}–{}): pct_change covers the whole gap, annual_rate is \
                         the compound rate per year",
                        p.year, f.year
                    ));
                }
            }
            if p.doc != f.doc {
                notes.push(format!("previous value from {}", p.doc));
            }
            for (which, fact) in [("previous", p), ("this", f)] {
                if let Some(a) = approximate(fact) {
                    notes.push(format!("{which} value is {a}: the change is approximate"));
                }
            }
            if let Some(message) = jump(p, f, rate) {
                let mut check = fact_check(f, "yoy_jump", Severity::Warning, message);
                check.evidence = format!("{} | {}", p.evidence, f.evidence);
                if p.doc != f.doc {
                    check.doc = format!("{}; {}", p.doc, f.doc);
                }
                checks.push(check);
            }
        } else if let Some(a) = approximate(f) {
            notes.push(format!("value is {a}"));
        }
        rows.push(TrendRow {
            region_code: f.region_code.clone(),
            county: f.county.clone(),
            metric: f.metric.clone(),
            scope: f.scope,
            year: f.year,
            value: f.value,
            unit: f.unit.clone(),
            prev_year: p.map(|p| p.year),
            prev_value: p.map(|p| p.value),
            change,
            pct_change: pct,
            annual_rate: annual,
            evidence: f.evidence.clone(),
            doc: f.doc.clone(),
            note: notes.join("; "),
        });
    }
    rows.sort_by(|a, b| {
        (&a.region_code, &a.county, &a.metric, a.scope, a.year).cmp(&(
            &b.region_code,
            &b.county,
            &b.metric,
            b.scope,
            b.year,
        ))
    });
    (rows, checks)
}

/// The message of a `yoy_jump` check when `prev → cur` moves beyond the thresholds.
fn jump(prev: &Fact, cur: &Fact, rate: bool) -> Option<String> {
    let gap = cur.year - prev.year;
    if gap <= 0 {
        return None;
    }
    let (from, to) = (format_value(prev.value), format_value(cur.value));
    let span = format!("{} {} → {} {}", prev.year, from, cur.year, to);
    if rate {
        let per_year = (cur.value - prev.value) / f64::from(gap);
        return (per_year.abs() > YOY_JUMP_RATE_POINTS).then(|| {
            format!(
                "{}: {span}: {:+.1} percentage points a year, beyond the {YOY_JUMP_RATE_POINTS} \
                 point threshold",
                cur.metric, per_year
            )
        });
    }
    if prev.value.max(cur.value) < YOY_JUMP_MIN_COUNT || prev.value < 0.0 || cur.value < 0.0 {
        return None;
    }
    if prev.value == 0.0 || cur.value == 0.0 {
        return Some(format!("{}: {span}: a change from or to zero", cur.metric));
    }
    let factor = (cur.value / prev.value).powf(1.0 / f64::from(gap));
    (!(1.0 / YOY_JUMP_FACTOR..=YOY_JUMP_FACTOR).contains(&factor)).then(|| {
        format!(
            "{}: {span}: ×{:.2} a year, beyond the ×{YOY_JUMP_FACTOR} (or ÷{YOY_JUMP_FACTOR}) \
             threshold; check the counting basis in the evidence",
            cur.metric, factor
        )
    })
}
