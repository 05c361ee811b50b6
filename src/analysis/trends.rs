//! Year over year per county × indicator × scope, from unambiguous facts only. A value stated
//! inside a later report about an earlier year counts as that earlier year's value.

use polars::prelude::*;
use rayon::prelude::*;

use super::approximate;
use super::checks::{fact_check, YOY_JUMP_FACTOR, YOY_JUMP_MIN_COUNT, YOY_JUMP_RATE_POINTS};
use super::model::{Check, Severity, TrendRow};
use super::reason::{CheckReason, Note, Notes, Which};
use crate::dataset::columns::{
    ANNUAL_RATE, CHANGE, IS_RATE, METRIC, PCT_CHANGE, POSITION, PREV_ROW, PREV_VALUE, PREV_YEAR,
    REGION, SCOPE, VALUE, YEAR,
};
use crate::dataset::{f64_column, same_series_as_above, usize_column, FactsFrame};
use crate::model::Fact;

/// Each fact's step from the previous value of its series, in input order (the answer of the
/// trends query, taken out of the frame once).
pub(super) struct Steps {
    /// Row of the previous value of the same county, indicator and scope.
    pub prev: Vec<Option<usize>>,
    /// `value − previous`.
    pub change: Vec<Option<f64>>,
    /// Percentage change over the whole gap (counts only).
    pub pct_change: Vec<Option<f64>>,
    /// Compound annual rate across a gap of two or more years (counts only).
    pub annual_rate: Vec<Option<f64>>,
}

/// The trends query: the facts sorted by series and year, the previous value of the same
/// series by a shift over the series window (however many years back), then the change, the
/// percentage change (counts with a positive base) and the compound annual rate across gaps
/// ((value / prev)^(1 / gap) − 1, counts with a positive base over two or more years).
/// `frame` holds the facts in order (row `i` is fact `i`) and `is_rate[i]` says whether fact
/// `i` is a rate (its change is in percentage points). The facts must hold at most one value
/// per county, indicator, year and scope.
pub(super) fn steps(frame: &FactsFrame, is_rate: Vec<bool>) -> PolarsResult<Steps> {
    // The frame is sorted by series and year, so the previous value of a series is the row
    // above when that row is of the same series: a shift of the whole column, masked where a
    // series starts (a shift `over` the series window evaluates each of ~150,000 series on
    // its own, and took seconds at 20,000 reports).
    let prev = |c: &str| -> PolarsResult<Expr> {
        Ok(when(same_series_as_above())
            .then(col(c).shift(lit(1)))
            .otherwise(lit(NULL)))
    };
    let count = col(IS_RATE).not();
    let gap = (col(YEAR) - col(PREV_YEAR)).cast(DataType::Float64);
    let positive_base = col(PREV_VALUE).gt(lit(0.0));
    let out = frame
        .clone()
        .with_flag(IS_RATE, is_rate)?
        .lazy()
        .with_row_index(POSITION, None)
        .sort(
            [REGION, METRIC, SCOPE, YEAR],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .with_columns([
            prev(POSITION)?.alias(PREV_ROW),
            prev(YEAR)?.alias(PREV_YEAR),
            prev(VALUE)?.alias(PREV_VALUE),
        ])
        .with_columns([
            (col(VALUE) - col(PREV_VALUE)).alias(CHANGE),
            when(count.clone().and(positive_base.clone()))
                .then((col(VALUE) - col(PREV_VALUE)) / col(PREV_VALUE) * lit(100.0))
                .otherwise(lit(NULL))
                .alias(PCT_CHANGE),
            when(
                count
                    .and(positive_base)
                    .and(col(VALUE).gt_eq(lit(0.0)))
                    .and(gap.clone().gt(lit(1.0))),
            )
            .then(((col(VALUE) / col(PREV_VALUE)).pow(lit(1.0) / gap) - lit(1.0)) * lit(100.0))
            .otherwise(lit(NULL))
            .alias(ANNUAL_RATE),
        ])
        .sort([POSITION], SortMultipleOptions::default())
        .select([
            col(PREV_ROW),
            col(CHANGE),
            col(PCT_CHANGE),
            col(ANNUAL_RATE),
        ])
        .collect()?;
    Ok(Steps {
        prev: usize_column(&out, PREV_ROW)?,
        change: f64_column(&out, CHANGE)?,
        pct_change: f64_column(&out, PCT_CHANGE)?,
        annual_rate: f64_column(&out, ANNUAL_RATE)?,
    })
}

/// One trend row per fact (the first year of a series has no previous value), plus a
/// `yoy_jump` check for every change beyond the documented thresholds. `steps` is the trends
/// query's answer for `facts` and `is_rate[i]` whether fact `i` is a rate; `derivations[i]`,
/// where given, says how fact `i` was worked back from a stated change (first in its note).
/// `order_keys[i]` is the place of fact `i`'s unit ([`super::order::UnitPlaces`]) and of its
/// indicator (the facts frame's code) in sorted order.
pub(super) fn trends(
    facts: &[&Fact],
    order_keys: &[(u32, u32)],
    steps: &Steps,
    is_rate: &[bool],
    derivations: &[Option<Note>],
) -> (Vec<TrendRow>, Vec<Check>) {
    // Rows come out sorted (county, indicator, scope, year): the facts' positions are sorted
    // and the rows made in that order, instead of moving 200,000 finished rows around. The
    // county and indicator are compared by their places in sorted order (`order_keys[i]`),
    // and equal keys keep the facts' order. Checks keep the facts' order.
    let mut order: Vec<(u32, u32, crate::model::Scope, i32, usize)> = facts
        .iter()
        .zip(order_keys)
        .enumerate()
        .map(|(i, (f, &(unit, metric)))| (unit, metric, f.scope, f.year, i))
        .collect();
    order.sort_unstable();
    // Made on both cores (rayon's collect keeps the order): each row copies its fact's
    // strings, found all over the heap.
    let made: Vec<(TrendRow, Option<(usize, Check)>)> = order
        .into_par_iter()
        .filter_map(|(.., i)| {
            let (Some(&f), Some(p)) = (facts.get(i), steps.prev.get(i)) else {
                return None;
            };
            let mut jump_check = None;
            let p = p.and_then(|j| facts.get(j).copied());
            let rate = is_rate.get(i).copied().unwrap_or(false);
            let derivation = derivations.get(i).cloned().flatten();
            let derived = derivation.is_some();
            let mut notes: Vec<Note> = derivation.into_iter().collect();
            if f.report_year.is_some_and(|y| y != f.year) && !derived {
                if let Some(y) = f.report_year {
                    notes.push(Note::StatedLater {
                        year: f.year,
                        report_year: y,
                    });
                }
            }
            let (mut change, mut pct, mut annual) = (None, None, None);
            if let Some(p) = p {
                let gap = f.year - p.year;
                change = steps.change[i];
                if rate {
                    notes.push(Note::RatePoints);
                } else {
                    pct = steps.pct_change[i];
                    if gap > 1 {
                        annual = steps.annual_rate[i];
                        notes.push(Note::Gap {
                            from: p.year,
                            to: f.year,
                        });
                    }
                }
                if p.doc != f.doc {
                    notes.push(Note::PreviousFrom { doc: p.doc.clone() });
                }
                for (which, fact) in [(Which::Previous, p), (Which::This, f)] {
                    notes.extend(approximate(fact, which));
                }
                if steps.prev[i].is_some_and(|j| derivations.get(j).is_some_and(Option::is_some)) {
                    notes.push(Note::PreviousWorkedBack {
                        year: p.year,
                        value: p.value,
                        doc: p.doc.clone(),
                    });
                }
                if let Some(reason) = jump(p, f, rate) {
                    let mut check = fact_check(f, "yoy_jump", Severity::Warning, reason);
                    check.evidence = format!("{} | {}", p.evidence, f.evidence);
                    if p.doc != f.doc {
                        check.doc = format!("{}; {}", p.doc, f.doc);
                    }
                    jump_check = Some((i, check));
                }
            } else {
                notes.extend(approximate(f, Which::Value));
            }
            Some((
                TrendRow {
                    region_code: f.region_code.clone(),
                    county: f.county.clone(),
                    level: f.level,
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
                    notes: Notes(notes),
                    qualifier: f.qualifier,
                },
                jump_check,
            ))
        })
        .collect();
    let mut rows = Vec::with_capacity(made.len());
    let mut checks: Vec<(usize, Check)> = Vec::new();
    for (row, check) in made {
        rows.push(row);
        checks.extend(check);
    }
    checks.sort_by_key(|(i, _)| *i);
    (rows, checks.into_iter().map(|(_, c)| c).collect())
}

/// The reason of a `yoy_jump` check when `prev → cur` moves beyond the thresholds.
fn jump(prev: &Fact, cur: &Fact, rate: bool) -> Option<CheckReason> {
    let gap = cur.year - prev.year;
    if gap <= 0 {
        return None;
    }
    let (from, to) = ((prev.year, prev.value), (cur.year, cur.value));
    if rate {
        let per_year = (cur.value - prev.value) / f64::from(gap);
        return (per_year.abs() > YOY_JUMP_RATE_POINTS).then_some(CheckReason::JumpPoints {
            from,
            to,
            per_year,
            threshold: YOY_JUMP_RATE_POINTS,
        });
    }
    if prev.value.max(cur.value) < YOY_JUMP_MIN_COUNT || prev.value < 0.0 || cur.value < 0.0 {
        return None;
    }
    if prev.value == 0.0 || cur.value == 0.0 {
        return Some(CheckReason::JumpZero { from, to });
    }
    let factor = (cur.value / prev.value).powf(1.0 / f64::from(gap));
    (!(1.0 / YOY_JUMP_FACTOR..=YOY_JUMP_FACTOR).contains(&factor)).then_some(
        CheckReason::JumpFactor {
            from,
            to,
            factor,
            threshold: YOY_JUMP_FACTOR,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i32, value: f64) -> Fact {
        Fact {
            doc: format!("{year}.txt"),
            region_code: "100001".into(),
            report_year: Some(year),
            metric: "m".into(),
            year,
            value,
            unit: "件".into(),
            ..Fact::default()
        }
    }

    #[test]
    fn jump_thresholds() {
        for (prev, cur, rate, flagged) in [
            // ×2 exactly is not beyond the threshold; ×2.01 is.
            ((2022, 100.0), (2023, 200.0), false, false),
            ((2022, 100.0), (2023, 201.0), false, true),
            ((2022, 100.0), (2023, 49.0), false, true),
            // ×3 over two years is ×1.73 a year: not a jump.
            ((2021, 100.0), (2023, 300.0), false, false),
            // ×3 but both counts below YOY_JUMP_MIN_COUNT.
            ((2022, 3.0), (2023, 9.0), false, false),
            ((2022, 0.0), (2023, 40.0), false, true),
            // Rates: 20 points is the limit; 21 points is beyond.
            ((2022, 70.0), (2023, 90.0), true, false),
            ((2022, 70.0), (2023, 91.0), true, true),
            ((2021, 60.0), (2023, 90.0), true, false),
        ] {
            let got = jump(&at(prev.0, prev.1), &at(cur.0, cur.1), rate);
            assert_eq!(
                got.is_some(),
                flagged,
                "{prev:?} → {cur:?} rate={rate}: {got:?}"
            );
        }
    }
}
