//! Cross-county comparisons (per indicator, scope and year, and each county's latest year)
//! and least-squares trends over three or more years.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use polars::prelude::*;

use super::approximate;
use super::derived::reference;
use super::model::{ComparisonRow, SlopeRow};
use super::reference::Reference;
use super::stats::{ols_slope, percentile_rank, z_score};
use crate::dataset::columns::{LEN, LEVEL, METRIC, REGION, ROW, SCOPE, VALUE, YEAR};
use crate::dataset::{
    f64_column, group_standings, latest_rows, usize_column, FactsFrame, GroupStanding,
};
use crate::model::{Fact, Level, Scope};

/// Fewer counties than this get no z-score (the spread of two values says nothing).
const MIN_COUNTIES_FOR_Z: usize = 3;

/// Both comparisons, sorted: per-year groups first, then latest-year groups. Units are
/// compared within their level only (counties with counties, prefectures with prefectures),
/// and within that group also among those of their prefecture and of their province. Only
/// groups of two or more are compared.
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
    // Indicators and counties are compared by their place in sorted order, found once each,
    // instead of comparing their text at every step of the sort.
    let metrics = Places::new(standings.iter().map(|s| s.fact.metric.as_str()));
    let counties = Places::new(
        standings
            .iter()
            .map(|s| (s.fact.region_code.as_str(), s.fact.county.as_str())),
    );
    let mut keyed: Vec<(StandingKey, Standing<'_>)> = standings
        .into_iter()
        .map(|s| (standing_key(&s, &metrics, &counties), s))
        .collect();
    keyed.sort_by_key(|(key, _)| *key);
    Ok(keyed
        .into_iter()
        .map(|(_, s)| s)
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

/// The level a fact's unit is compared at.
fn level(f: &Fact) -> Level {
    Level::of_code(&f.region_code).unwrap_or(Level::County)
}

/// Units compared within each indicator, scope, year and level.
fn per_year_standings<'a>(facts: &[&'a Fact]) -> Result<Vec<Standing<'a>>, PolarsError> {
    let per_year = group_standings(facts, &[METRIC, SCOPE, YEAR, LEVEL])?;
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

/// Units compared on their latest year of each indicator and scope, within their level.
fn latest_standings<'a>(facts: &[&'a Fact]) -> Result<Vec<Standing<'a>>, PolarsError> {
    let latest: Vec<&Fact> = latest_rows(facts)?
        .into_iter()
        .filter_map(|i| facts.get(i).copied())
        .collect();
    let mut years: BTreeMap<(&str, Scope, Level), (i32, i32)> = BTreeMap::new();
    for f in latest.iter().copied() {
        let span = years
            .entry((f.metric.as_str(), f.scope, level(f)))
            .or_insert((f.year, f.year));
        span.0 = span.0.min(f.year);
        span.1 = span.1.max(f.year);
    }
    // One note per indicator, scope and level, written once (copied into each of its rows).
    let notes: BTreeMap<(&str, Scope, Level), String> = years
        .into_iter()
        .map(|(key, (first, last))| (key, latest_note(first, last)))
        .collect();
    let standings = group_standings(&latest, &[METRIC, SCOPE, LEVEL])?;
    Ok(latest
        .iter()
        .zip(standings)
        .filter(|(_, g)| g.n >= 2)
        .map(|(&fact, standing)| Standing {
            basis: "latest",
            fact,
            standing,
            note: match notes.get(&(fact.metric.as_str(), fact.scope, level(fact))) {
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

/// Per-year groups first (by indicator, scope, year, level), then latest-year groups; within a
/// group by rank, then county: (latest, indicator's place, scope, year, level, rank, county's
/// place).
type StandingKey = (bool, usize, Scope, i32, Level, usize, usize);

/// The sort key of a standing; `metrics` and `counties` hold every standing's indicator and
/// county.
fn standing_key(
    s: &Standing<'_>,
    metrics: &Places<&str>,
    counties: &Places<(&str, &str)>,
) -> StandingKey {
    let latest = s.basis != "year";
    let group_year = if latest { 0 } else { s.fact.year };
    (
        latest,
        metrics.of(&s.fact.metric.as_str()),
        s.fact.scope,
        group_year,
        level(s.fact),
        s.standing.rank,
        counties.of(&(s.fact.region_code.as_str(), s.fact.county.as_str())),
    )
}

/// Each distinct value's place in sorted order: comparing two places compares the values.
struct Places<T> {
    place: HashMap<T, usize>,
}

impl<T: Ord + Hash + Copy> Places<T> {
    fn new(values: impl Iterator<Item = T>) -> Self {
        let distinct: HashSet<T> = values.collect();
        let mut sorted: Vec<T> = distinct.into_iter().collect();
        sorted.sort_unstable();
        Places {
            place: sorted
                .into_iter()
                .enumerate()
                .map(|(i, v)| (v, i))
                .collect(),
        }
    }

    /// The place of a value given to [`Places::new`] (any other value sorts last).
    fn of(&self, value: &T) -> usize {
        self.place.get(value).copied().unwrap_or(usize::MAX)
    }
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
        level: level(f),
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
        prefecture_rank: g.prefecture.map(|p| p.rank),
        prefecture_n: g.prefecture.map(|p| p.n),
        prefecture_median: g.prefecture.and_then(|p| p.median),
        province_rank: g.province.map(|p| p.rank),
        province_n: g.province.map(|p| p.n),
        note,
    })
}

/// Least-squares slope per county, indicator and scope over three or more years: a group
/// aggregation (the series' lengths, in series order) over the facts sorted by series and
/// year, then statrs' t interval on each series' slice of the year and value columns.
pub(super) fn slopes(facts: &[&Fact]) -> Result<Vec<SlopeRow>, PolarsError> {
    let sorted = FactsFrame::new(facts)?
        .lazy()
        .sort(
            [REGION, METRIC, SCOPE, YEAR],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    let lengths = sorted
        .clone()
        .lazy()
        .group_by_stable([col(REGION), col(METRIC), col(SCOPE)])
        .agg([col(ROW).len().alias(LEN)])
        .collect()?;
    let lengths = usize_column(&lengths, LEN)?;
    let rows = usize_column(&sorted, ROW)?;
    let xs: Vec<f64> = f64_column(&sorted, YEAR)?
        .into_iter()
        .map(|x| x.unwrap_or(f64::NAN))
        .collect();
    let ys: Vec<f64> = f64_column(&sorted, VALUE)?
        .into_iter()
        .map(|y| y.unwrap_or(f64::NAN))
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    for len in lengths.into_iter().flatten() {
        let end = start + len;
        let series = start..end;
        start = end;
        if len < 3 {
            continue;
        }
        let (Some(fit), Some(Some(first)), Some(Some(last))) = (
            ols_slope(&xs[series.clone()], &ys[series.clone()]),
            rows.get(series.start),
            rows.get(series.end - 1),
        ) else {
            continue;
        };
        let (first, last) = (facts[*first], facts[*last]);
        out.push(SlopeRow {
            region_code: first.region_code.clone(),
            county: first.county.clone(),
            metric: first.metric.clone(),
            scope: first.scope,
            n_years: len,
            first_year: first.year,
            last_year: last.year,
            slope: fit.slope,
            ci_low: fit.ci_low,
            ci_high: fit.ci_high,
        });
    }
    let mut rows = out;
    rows.sort_by(|a, b| {
        (&a.region_code, &a.county, &a.metric, a.scope).cmp(&(
            &b.region_code,
            &b.county,
            &b.metric,
            b.scope,
        ))
    });
    Ok(rows)
}
