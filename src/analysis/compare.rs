//! Cross-county comparisons (per indicator, scope and year, and each county's latest year)
//! and least-squares trends over three or more years.

use std::collections::BTreeMap;

use polars::prelude::*;
use rayon::prelude::*;

use super::approximate;
use super::derived::reference;
use super::model::{ComparisonRow, SlopeRow};
use super::order::UnitPlaces;
use super::reason::{Note, Notes, Which};
use super::reference::Reference;
use super::stats::{ols_slope, percentile_rank, z_score};
use crate::dataset::columns::{LEN, LEVEL, METRIC, REGION, ROW, SCOPE, VALUE, YEAR};
use crate::dataset::{
    f64_column, frame_standings, latest_frame_rows, u32_column, usize_column, FactsFrame,
    GroupStanding,
};
use crate::model::{Fact, Level};

/// Fewer counties than this get no z-score (the spread of two values says nothing).
const MIN_COUNTIES_FOR_Z: usize = 3;

/// Both comparisons, sorted: per-year groups first, then latest-year groups. Units are
/// compared within their level only (counties with counties, prefectures with prefectures),
/// and within that group also among those of their prefecture and of their province. Only
/// groups of two or more are compared. `frame` holds the facts compared, by their row in
/// `facts`.
pub(super) fn comparisons(
    facts: &[Fact],
    frame: &FactsFrame,
    places: &UnitPlaces<'_>,
    references: &[Reference],
) -> Result<Vec<ComparisonRow>, PolarsError> {
    let df = frame.frame();
    let fact_rows: Vec<usize> = usize_column(df, ROW)?.into_iter().flatten().collect();
    if fact_rows.len() != df.height() {
        return Err(polars_err!(ComputeError: "comparisons: a frame row without its fact"));
    }
    let per_year = frame_standings(df, &[METRIC, SCOPE, YEAR, LEVEL])?;
    let latest = latest_frame_rows(df)?;
    let latest_df = df.take(&IdxCa::from_vec(
        "latest".into(),
        latest.iter().map(|&i| i as IdxSize).collect(),
    ))?;
    let latest_standings = frame_standings(&latest_df, &[METRIC, SCOPE, LEVEL])?;

    // The integer part of each standing's sort key, from the frame's codes (which follow the
    // text's sorted order): per-year groups first (by indicator, scope, year, level), then
    // latest-year groups; within a group by rank, then county.
    let metric = u32_column(df, METRIC)?;
    let scope = u32_column(df, SCOPE)?;
    let level = u32_column(df, LEVEL)?;
    let year: Vec<i32> = df
        .column(YEAR)?
        .i32()?
        .iter()
        .map(|y| y.unwrap_or(0))
        .collect();
    // One note per indicator, scope and level of the latest-year comparison, written once.
    let mut spans: BTreeMap<(u32, u32, u32), (i32, i32)> = BTreeMap::new();
    for &i in &latest {
        let span = spans
            .entry((metric[i], scope[i], level[i]))
            .or_insert((year[i], year[i]));
        span.0 = span.0.min(year[i]);
        span.1 = span.1.max(year[i]);
    }
    let notes: BTreeMap<(u32, u32, u32), Note> = spans
        .into_iter()
        .map(|(key, (first, last))| (key, latest_note(first, last)))
        .collect();

    // The last two: the unit's place in (code, name) order, then the frame's order (so two
    // units without a name or code keep the facts' order).
    type Key = (bool, u32, u32, i32, u32, usize, u32, usize);
    let place = |i: usize| places.of_row(fact_rows[i]);
    let mut keyed: Vec<(Key, &GroupStanding)> = Vec::new();
    for (i, g) in per_year.iter().enumerate() {
        if g.n >= 2 {
            let key = (
                false,
                metric[i],
                scope[i],
                year[i],
                level[i],
                g.rank,
                place(i),
                i,
            );
            keyed.push((key, g));
        }
    }
    for (&i, g) in latest.iter().zip(&latest_standings) {
        if g.n >= 2 {
            let key = (true, metric[i], scope[i], 0, level[i], g.rank, place(i), i);
            keyed.push((key, g));
        }
    }
    keyed.sort_unstable_by_key(|(key, _)| *key);
    // Made on both cores: each row reads its fact's strings from all over the heap, in rank
    // order, not memory order. Rayon's collect keeps the order.
    let r = keyed
        .into_par_iter()
        .filter_map(|((latest, .., i), g)| {
            let (basis, note) = if latest {
                let note = notes
                    .get(&(metric[i], scope[i], level[i]))
                    .cloned()
                    .unwrap_or_else(|| latest_note(year[i], year[i]));
                ("latest", Some(note))
            } else {
                ("year", None)
            };
            row(basis, &facts[fact_rows[i]], g, references, note)
        })
        .collect();
    Ok(r)
}

/// The level a fact's unit is compared at.
fn level(f: &Fact) -> Level {
    Level::of_code(&f.region_code).unwrap_or(Level::County)
}

/// The note of a latest-year comparison whose counties' latest years run from `first` to
/// `last`.
fn latest_note(first: i32, last: i32) -> Note {
    if first == last {
        Note::LatestAll { year: last }
    } else {
        Note::LatestDiffer { first, last }
    }
}

/// One county's comparison row, or `None` when it has no one to be compared with.
fn row(
    basis: &str,
    f: &Fact,
    g: &GroupStanding,
    references: &[Reference],
    note: Option<Note>,
) -> Option<ComparisonRow> {
    if g.n < 2 {
        return None;
    }
    let mut notes: Vec<Note> = note.into_iter().collect();
    notes.extend(approximate(f, Which::Value));
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
        notes: Notes(notes),
    })
}

/// Least-squares slope per county, indicator and scope over three or more years: a group
/// aggregation (the series' lengths, in series order) over the facts sorted by series and
/// year, then statrs' t interval on each series' slice of the year and value columns. `frame`
/// holds the facts fitted, by their row in `facts`.
pub(super) fn slopes(facts: &[Fact], frame: &FactsFrame) -> Result<Vec<SlopeRow>, PolarsError> {
    let sorted = frame
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
        let (first, last) = (&facts[*first], &facts[*last]);
        out.push(SlopeRow {
            region_code: first.region_code.clone(),
            county: first.county.clone(),
            level: first.level,
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
