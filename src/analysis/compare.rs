//! Cross-county comparisons (per indicator, scope and year, and each county's latest year)
//! and least-squares trends over three or more years.

use std::borrow::Cow;
use std::collections::BTreeMap;

use polars::prelude::PolarsError;

use super::approximate;
use super::derived::reference;
use super::model::{ComparisonRow, SlopeRow};
use super::reference::Reference;
use super::stats::{ols_slope, percentile_rank, z_score};
use crate::dataset::columns::{METRIC, SCOPE, YEAR};
use crate::dataset::{county_key_ref, group_standings, latest_rows, GroupStanding};
use crate::extract::{Fact, Scope};

/// Fewer counties than this get no z-score (the spread of two values says nothing).
const MIN_COUNTIES_FOR_Z: usize = 3;

/// Both comparisons, sorted: per-year groups first, then latest-year groups. Only groups of
/// two or more counties are compared.
pub(super) fn comparisons(
    facts: &[&Fact],
    references: &[Reference],
) -> Result<Vec<ComparisonRow>, PolarsError> {
    // The two bases are independent: side by side.
    let (per_year, latest) = rayon::join(|| per_year_standings(facts), || latest_standings(facts));
    let mut standings = per_year?;
    standings.extend(latest?);
    // Sorted before the rows are made (a stable sort of small entries, the same order as
    // sorting the finished rows); rows without anyone to compare with are left out after.
    standings.sort_by(|a, b| standing_order(a).cmp(&standing_order(b)));
    Ok(standings
        .into_iter()
        .filter_map(|s| row(s.basis, s.fact, &s.standing, references, s.note))
        .collect())
}

/// One fact's standing in one basis of comparison, before its row is made.
struct Standing<'a> {
    basis: &'static str,
    fact: &'a Fact,
    standing: GroupStanding,
    note: String,
}

/// Counties compared within each indicator, scope and year.
fn per_year_standings<'a>(facts: &[&'a Fact]) -> Result<Vec<Standing<'a>>, PolarsError> {
    let per_year = group_standings(facts, &[METRIC, SCOPE, YEAR])?;
    Ok(facts
        .iter()
        .zip(per_year)
        .filter(|(_, g)| g.n >= 2)
        .map(|(&fact, standing)| Standing {
            basis: "year",
            fact,
            standing,
            note: String::new(),
        })
        .collect())
}

/// Counties compared on their latest year of each indicator and scope.
fn latest_standings<'a>(facts: &[&'a Fact]) -> Result<Vec<Standing<'a>>, PolarsError> {
    let latest: Vec<&Fact> = latest_rows(facts)?
        .into_iter()
        .filter_map(|i| facts.get(i).copied())
        .collect();
    let mut years: BTreeMap<(&str, Scope), (i32, i32)> = BTreeMap::new();
    for f in latest.iter().copied() {
        let span = years
            .entry((f.metric.as_str(), f.scope))
            .or_insert((f.year, f.year));
        span.0 = span.0.min(f.year);
        span.1 = span.1.max(f.year);
    }
    // One note per indicator and scope, written once (copied into each of its rows).
    let notes: BTreeMap<(&str, Scope), String> = years
        .into_iter()
        .map(|(key, (first, last))| (key, latest_note(first, last)))
        .collect();
    let standings = group_standings(&latest, &[METRIC, SCOPE])?;
    Ok(latest
        .iter()
        .zip(standings)
        .filter(|(_, g)| g.n >= 2)
        .map(|(&fact, standing)| Standing {
            basis: "latest",
            fact,
            standing,
            note: match notes.get(&(fact.metric.as_str(), fact.scope)) {
                Some(note) => note.clone(),
                None => latest_note(fact.year, fact.year),
            },
        })
        .collect())
}

/// The note of a latest-year comparison whose counties' latest years run from `first` to
/// `last`.
fn latest_note(first: i32, last: i32) -> String {
    if first == last {
        format!("latest year per county: all {last}")
    } else {
        format!(
            "latest year per county; years differ: {first}–{last}, so values from different \
             years are compared"
        )
    }
}

/// Per-year groups first (by indicator, scope, year), then latest-year groups; within a group
/// by rank, then county.
fn standing_order<'s>(s: &'s Standing<'_>) -> (bool, &'s str, Scope, i32, usize, &'s str, &'s str) {
    let latest = s.basis != "year";
    let group_year = if latest { 0 } else { s.fact.year };
    (
        latest,
        &s.fact.metric,
        s.fact.scope,
        group_year,
        s.standing.rank,
        &s.fact.region_code,
        &s.fact.county,
    )
}

/// One county's comparison row, or `None` when it has no one to be compared with.
fn row(
    basis: &str,
    f: &Fact,
    g: &GroupStanding,
    references: &[Reference],
    mut note: String,
) -> Option<ComparisonRow> {
    if g.n < 2 {
        return None;
    }
    if let Some(a) = approximate(f) {
        if !note.is_empty() {
            note.push_str("; ");
        }
        note.push_str(&format!("value is {a}"));
    }
    Some(ComparisonRow {
        basis: basis.into(),
        metric: f.metric.clone(),
        scope: f.scope,
        year: f.year,
        region_code: f.region_code.clone(),
        county: f.county.clone(),
        value: f.value,
        unit: f.unit.clone(),
        reference: reference(references, &f.metric, f.year, f.scope),
        rank: g.rank,
        n: g.n,
        median: g.median,
        percentile: percentile_rank(g.n_below, g.n_equal, g.n)?,
        z_score: if g.n >= MIN_COUNTIES_FOR_Z {
            z_score(f.value, g.mean, g.sd)
        } else {
            None
        },
        note,
    })
}

/// Least-squares slope per county, indicator and scope over three or more years.
pub(super) fn slopes(facts: &[&Fact]) -> Vec<SlopeRow> {
    let mut series: BTreeMap<(Cow<'_, str>, &str, Scope), Vec<&Fact>> = BTreeMap::new();
    for &f in facts {
        series
            .entry((county_key_ref(f), f.metric.as_str(), f.scope))
            .or_default()
            .push(f);
    }
    let mut rows: Vec<SlopeRow> = series
        .into_values()
        .filter_map(|mut fs| {
            fs.sort_by_key(|f| f.year);
            let xs: Vec<f64> = fs.iter().map(|f| f64::from(f.year)).collect();
            let ys: Vec<f64> = fs.iter().map(|f| f.value).collect();
            let fit = ols_slope(&xs, &ys)?;
            let (first, last) = (fs.first()?, fs.last()?);
            Some(SlopeRow {
                region_code: first.region_code.clone(),
                county: first.county.clone(),
                metric: first.metric.clone(),
                scope: first.scope,
                n_years: fs.len(),
                first_year: first.year,
                last_year: last.year,
                slope: fit.slope,
                ci_low: fit.ci_low,
                ci_high: fit.ci_high,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.region_code, &a.county, &a.metric, a.scope).cmp(&(
            &b.region_code,
            &b.county,
            &b.metric,
            b.scope,
        ))
    });
    rows
}
