//! Stage 3a: the only module that builds polars frames. Column names are consts.
//!
//! Every frame carries a [`ROW`](columns::ROW) column: the position of the fact in the slice it
//! was built from. The functions here answer table questions (which rows are repeats, which
//! share a key with a different value, which row came the year before, where a value ranks in
//! its group) and hand back row positions or per-row numbers, so `analysis` keeps working with
//! the facts themselves, provenance included. Frames are always keyed by
//! [`COUNTY_KEY`](columns::COUNTY_KEY), never by county name alone.

pub mod columns;
pub mod frame;
pub mod peers;

pub use frame::{bool_column, f64_column, u32_column, usize_column, FactsFrame};

use std::borrow::{Borrow, Cow};
use std::collections::HashMap;

use polars::prelude::*;

use crate::model::{Fact, Scope};
use columns::*;

/// The key that says which county a fact belongs to: the division code when resolved, else the
/// county name, else the document (two unresolved reports are never merged into one county).
pub fn county_key(fact: &Fact) -> String {
    if !fact.region_code.is_empty() {
        fact.region_code.clone()
    } else if !fact.county.is_empty() {
        fact.county.clone()
    } else {
        format!("doc:{}", fact.doc)
    }
}

/// [`county_key`] without copying the code or name (only an unresolved report's `doc:` key is
/// made): the frames and maps below need it for every fact.
pub fn county_key_ref(fact: &Fact) -> Cow<'_, str> {
    if !fact.region_code.is_empty() {
        Cow::Borrowed(&fact.region_code)
    } else if !fact.county.is_empty() {
        Cow::Borrowed(&fact.county)
    } else {
        Cow::Owned(format!("doc:{}", fact.doc))
    }
}

/// The scope as its `Display` text, without formatting a new string per fact.
fn scope_text(scope: Scope) -> &'static str {
    match scope {
        Scope::Annual => "annual",
        Scope::Stock => "stock",
        Scope::Cumulative => "cumulative",
        Scope::Partial => "partial",
    }
}

/// Builds the long facts frame: one row per fact, columns as in the facts table plus
/// [`ROW`] and [`COUNTY_KEY`].
pub fn facts_frame<F: Borrow<Fact>>(facts: &[F]) -> PolarsResult<DataFrame> {
    let facts: Vec<&Fact> = facts.iter().map(Borrow::borrow).collect();
    df!(
        ROW => (0..facts.len()).map(|i| i as u64).collect::<Vec<_>>(),
        COUNTY_KEY => facts.iter().map(|f| county_key(f)).collect::<Vec<_>>(),
        DOC => facts.iter().map(|f| f.doc.as_str()).collect::<Vec<_>>(),
        REGION_CODE => facts.iter().map(|f| f.region_code.as_str()).collect::<Vec<_>>(),
        COUNTY => facts.iter().map(|f| f.county.as_str()).collect::<Vec<_>>(),
        METRIC => facts.iter().map(|f| f.metric.as_str()).collect::<Vec<_>>(),
        YEAR => facts.iter().map(|f| f.year).collect::<Vec<_>>(),
        SCOPE => facts.iter().map(|f| f.scope.to_string()).collect::<Vec<_>>(),
        VALUE => facts.iter().map(|f| f.value).collect::<Vec<_>>(),
        UNIT => facts.iter().map(|f| f.unit.as_str()).collect::<Vec<_>>(),
        QUALIFIER => facts.iter().map(|f| f.qualifier.to_string()).collect::<Vec<_>>(),
        EVIDENCE => facts.iter().map(|f| f.evidence.as_str()).collect::<Vec<_>>(),
        OFFSET => facts.iter().map(|f| f.offset as u64).collect::<Vec<_>>(),
    )
}

/// The frame the row queries below work on: [`ROW`], the key columns and the value only.
/// Provenance (file, sentence, offset) stays in the facts themselves, which the queries hand
/// back by row; copying 200,000 sentences into every query frame was most of their cost.
/// Takes facts or references to them (the analysis queries subsets without copying facts).
fn key_frame<F: Borrow<Fact>>(facts: &[F]) -> PolarsResult<DataFrame> {
    let facts: Vec<&Fact> = facts.iter().map(Borrow::borrow).collect();
    let keys: Vec<Cow<'_, str>> = facts.iter().map(|f| county_key_ref(f)).collect();
    df!(
        ROW => (0..facts.len()).map(|i| i as u64).collect::<Vec<_>>(),
        COUNTY_KEY => keys.iter().map(|k| k.as_ref()).collect::<Vec<&str>>(),
        METRIC => facts.iter().map(|f| f.metric.as_str()).collect::<Vec<_>>(),
        YEAR => facts.iter().map(|f| f.year).collect::<Vec<_>>(),
        SCOPE => facts.iter().map(|f| scope_text(f.scope)).collect::<Vec<_>>(),
        VALUE => facts.iter().map(|f| f.value).collect::<Vec<_>>(),
    )
}

/// The columns that identify one value: county, indicator, year and scope.
fn value_key() -> [Expr; 4] {
    [col(COUNTY_KEY), col(METRIC), col(YEAR), col(SCOPE)]
}

/// Rows left after collapsing identical facts (same county, indicator, year, scope and value,
/// e.g. a figure repeated in the next year's report): the first of each, in input order.
pub fn distinct_rows<F: Borrow<Fact>>(facts: &[F]) -> PolarsResult<Vec<usize>> {
    let mut subset = value_key().to_vec();
    subset.push(col(VALUE));
    let out = key_frame(facts)?
        .lazy()
        .unique_stable_generic(Some(subset), UniqueKeepStrategy::First)
        .select([col(ROW)])
        .collect()?;
    let rows = usize_column(&out, ROW)?;
    Ok(rows.into_iter().flatten().collect())
}

/// For each fact, in input order, how many distinct values share its county, indicator, year
/// and scope (more than one is a conflict).
pub fn distinct_value_counts<F: Borrow<Fact>>(facts: &[F]) -> PolarsResult<Vec<usize>> {
    frame_value_counts(FactsFrame::new(facts)?.frame())
}

/// [`distinct_value_counts`] of the rows of a facts frame, in row order.
pub fn frame_value_counts(frame: &DataFrame) -> PolarsResult<Vec<usize>> {
    // A window over the facts frame's categorical keys (rows stay in input order).
    let out = frame
        .clone()
        .lazy()
        .select([col(VALUE)
            .n_unique()
            .over([col(REGION), col(METRIC), col(YEAR), col(SCOPE)])?
            .alias(N_VALUES)])
        .collect()?;
    Ok(usize_column(&out, N_VALUES)?
        .into_iter()
        .map(|n| n.unwrap_or(0))
        .collect())
}

/// For each fact, in input order, the row of the previous year's value of the same series
/// (county, indicator, scope), however many years back it is. `facts` must hold at most one
/// value per county, indicator, year and scope (collapse repeats and set conflicts aside first).
pub fn previous_rows<F: Borrow<Fact>>(facts: &[F]) -> PolarsResult<Vec<Option<usize>>> {
    previous_frame_rows(FactsFrame::new(facts)?.frame())
}

/// [`previous_rows`] of the rows of a facts frame (or of rows taken from one): for each row,
/// in row order, the position of the previous row of its series. The frame sorted by series
/// and year has the previous value of a series in the row above, when that row is of the same
/// series: a shift of the whole column, masked where a series starts (a shift `over` the
/// series window evaluates each of ~150,000 series on its own).
pub fn previous_frame_rows(frame: &DataFrame) -> PolarsResult<Vec<Option<usize>>> {
    let out = frame
        .clone()
        .lazy()
        .with_row_index(POSITION, None)
        .sort(
            [REGION, METRIC, SCOPE, YEAR],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .with_columns([when(same_series_as_above())
            .then(col(POSITION).shift(lit(1)))
            .otherwise(lit(NULL))
            .alias(PREV_ROW)])
        .sort([POSITION], SortMultipleOptions::default())
        .select([col(PREV_ROW)])
        .collect()?;
    usize_column(&out, PREV_ROW)
}

/// Whether a row of a frame sorted by series (county, indicator, scope) continues the series
/// of the row above.
pub fn same_series_as_above() -> Expr {
    [REGION, METRIC, SCOPE]
        .into_iter()
        .map(|c| col(c).shift(lit(1)).eq(col(c)))
        .reduce(Expr::and)
        .expect("three key columns")
}

/// Rows holding the latest year of their series (county, indicator, scope), in input order.
/// Two passes over the facts with a map from series to its latest year: one group key and one
/// integer maximum need no frame (a polars window over the three text keys cost about a second
/// at 20,000 reports).
pub fn latest_rows<F: Borrow<Fact>>(facts: &[F]) -> PolarsResult<Vec<usize>> {
    let keys: Vec<(Cow<'_, str>, &str, Scope)> = facts
        .iter()
        .map(|f| {
            let f = f.borrow();
            (county_key_ref(f), f.metric.as_str(), f.scope)
        })
        .collect();
    let mut latest: HashMap<&(Cow<'_, str>, &str, Scope), i32> = HashMap::with_capacity(keys.len());
    for (key, f) in keys.iter().zip(facts) {
        let year = f.borrow().year;
        latest
            .entry(key)
            .and_modify(|y| *y = (*y).max(year))
            .or_insert(year);
    }
    Ok(keys
        .iter()
        .zip(facts)
        .enumerate()
        .filter(|(_, (key, f))| latest.get(key) == Some(&Borrow::<Fact>::borrow(*f).year))
        .map(|(i, _)| i)
        .collect())
}

/// Rows of a facts frame holding the latest year of their series (county, indicator,
/// scope), in row order: [`latest_rows`] over the frame's codes.
pub fn latest_frame_rows(frame: &DataFrame) -> PolarsResult<Vec<usize>> {
    let code = |name: &str| -> PolarsResult<Vec<u32>> {
        Ok(frame
            .column(name)?
            .u32()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let (region, metric, scope) = (code(REGION)?, code(METRIC)?, code(SCOPE)?);
    let year: Vec<i32> = frame
        .column(YEAR)?
        .i32()?
        .iter()
        .map(|y| y.unwrap_or(0))
        .collect();
    let series = |i: usize| (region[i], metric[i], scope[i]);
    let mut latest: PlHashMap<(u32, u32, u32), i32> = PlHashMap::default();
    for (i, &y) in year.iter().enumerate() {
        latest
            .entry(series(i))
            .and_modify(|l| *l = (*l).max(y))
            .or_insert(y);
    }
    Ok((0..year.len())
        .filter(|&i| latest.get(&series(i)) == Some(&year[i]))
        .collect())
}

/// Where one value stands in its comparison group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupStanding {
    /// Competition rank, 1 = highest; ties share the best rank ("1224").
    pub rank: usize,
    /// Values in the group.
    pub n: usize,
    /// Values in the group strictly below this one.
    pub n_below: usize,
    /// Values in the group equal to this one, itself included.
    pub n_equal: usize,
    /// Median of the group.
    pub median: f64,
    /// Mean of the group.
    pub mean: f64,
    /// Sample standard deviation (n − 1) of the group; `None` for a group of one.
    pub sd: Option<f64>,
    /// Standing among the group's members of the same prefecture (a county among its
    /// prefecture's counties); `None` above county level or for an unresolved county.
    pub prefecture: Option<RegionStanding>,
    /// Standing among the group's members of the same province (a county among the
    /// province's counties, a prefecture among its prefectures); its median is not computed.
    pub province: Option<RegionStanding>,
}

/// Where one value stands among the members of its group that share a region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionStanding {
    /// Competition rank within the region, 1 = highest.
    pub rank: usize,
    /// Values compared within the region.
    pub n: usize,
    /// Median within the region (`None` where it is not computed).
    pub median: Option<f64>,
}

/// For each fact, in input order, its standing among the facts that share the columns `by` of
/// the [`FactsFrame`] (e.g. `[METRIC, SCOPE, YEAR, LEVEL]`: one group per indicator, scope,
/// year and level), and within that group among those of its prefecture and its province.
/// Callers pass at most one fact per county and group, and finite values only (the analysis
/// sets the others aside).
pub fn group_standings<F: Borrow<Fact>>(
    facts: &[F],
    by: &[&str],
) -> PolarsResult<Vec<GroupStanding>> {
    frame_standings(FactsFrame::new(facts)?.frame(), by)
}

/// [`group_standings`] of the rows of a facts frame (or of rows taken from one), in row order.
///
/// The group's size, median, mean and spread are one aggregation per group, computed by
/// polars. Ranks are not a window: a `rank().over(..)` is evaluated group by group, and ranking
/// within prefecture and province means ~60,000 small groups at 20,000 reports (seconds). Instead
/// the rows are sorted once per grouping by (group, value descending), and every standing read
/// off the runs of that order: a competition rank is the start of a value's run of ties.
pub fn frame_standings(frame: &DataFrame, by: &[&str]) -> PolarsResult<Vec<GroupStanding>> {
    let height = frame.height();
    let value: Vec<f64> = frame
        .column(VALUE)?
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect();
    // Each row's group, numbered in order of first appearance (the order `group_by_stable`
    // gives its groups). The key columns are small integer codes and years: packed into one
    // array per row, they hash without allocating.
    if by.len() > 4 {
        return Err(polars_err!(ComputeError: "group standing: more than four key columns"));
    }
    let keys: Vec<Vec<Option<i64>>> = by
        .iter()
        .map(|c| {
            Ok(frame
                .column(c)?
                .cast(&DataType::Int64)?
                .i64()?
                .iter()
                .collect())
        })
        .collect::<PolarsResult<_>>()?;
    let mut group_of_key: PlHashMap<[Option<i64>; 4], u32> = PlHashMap::default();
    let group: Vec<u32> = (0..height)
        .map(|i| {
            let mut key = [None; 4];
            for (k, column) in key.iter_mut().zip(&keys) {
                *k = column[i];
            }
            let next = group_of_key.len() as u32;
            *group_of_key.entry(key).or_insert(next)
        })
        .collect();
    let stats = frame
        .clone()
        .lazy()
        .group_by_stable(by.iter().map(|c| col(*c)).collect::<Vec<_>>())
        .agg([
            col(VALUE).median().alias(MEDIAN),
            col(VALUE).mean().alias(MEAN),
            col(VALUE).std(1).alias(SD),
        ])
        .collect()?;
    let (median, mean, sd) = (
        f64_column(&stats, MEDIAN)?,
        f64_column(&stats, MEAN)?,
        f64_column(&stats, SD)?,
    );
    if median.len() != group_of_key.len() {
        return Err(
            polars_err!(ComputeError: "group standing: {} groups, {} aggregated", group_of_key.len(), median.len()),
        );
    }
    let within = |key: &str| -> PolarsResult<Vec<Option<u64>>> {
        let region = frame.column(key)?.cast(&DataType::Int64)?;
        Ok(region
            .i64()?
            .iter()
            .zip(&group)
            .map(|(r, &g)| r.map(|r| (u64::from(g) << 32) | (r as u64 & 0xFFFF_FFFF)))
            .collect())
    };
    let in_group = runs(
        &group
            .iter()
            .map(|&g| Some(u64::from(g)))
            .collect::<Vec<_>>(),
        &value,
    );
    let in_prefecture = runs(&within(PREFECTURE_KEY)?, &value);
    let in_province = runs(&within(PROVINCE_KEY)?, &value);
    let missing = |what: &str| polars_err!(ComputeError: "group standing: no {} for a row", what);
    (0..height)
        .map(|i| {
            let g = group[i] as usize;
            let run = in_group[i].ok_or_else(|| missing(RANK))?;
            Ok(GroupStanding {
                rank: run.rank,
                n: run.n,
                n_below: run.n_below,
                n_equal: run.n_equal,
                median: median[g].ok_or_else(|| missing(MEDIAN))?,
                mean: mean[g].ok_or_else(|| missing(MEAN))?,
                sd: sd[g].filter(|s| s.is_finite()),
                prefecture: in_prefecture[i].map(|r| RegionStanding {
                    rank: r.rank,
                    n: r.n,
                    median: Some(r.median),
                }),
                province: in_province[i].map(|r| RegionStanding {
                    rank: r.rank,
                    n: r.n,
                    median: None,
                }),
            })
        })
        .collect()
}

/// Where one value stands in its run of rows of the same key.
#[derive(Debug, Clone, Copy)]
struct Run {
    rank: usize,
    n: usize,
    n_below: usize,
    n_equal: usize,
    median: f64,
}

/// For each row with a key, its standing among the rows of the same key by value (1 = highest,
/// ties share the best rank); `None` for a row without a key. The median is computed as
/// polars computes it (linear interpolation at the middle), so the numbers match those of its
/// aggregations to the bit.
fn runs(keys: &[Option<u64>], values: &[f64]) -> Vec<Option<Run>> {
    // Sorted as plain integers: (key, value descending as a total-order integer, row).
    let mut order: Vec<(u64, u64, u32)> = keys
        .iter()
        .zip(values)
        .enumerate()
        .filter_map(|(i, (k, v))| Some((k.as_ref().copied()?, !total_order(*v), i as u32)))
        .collect();
    order.sort_unstable();
    let mut out: Vec<Option<Run>> = vec![None; keys.len()];
    let mut start = 0;
    while start < order.len() {
        let key = order[start].0;
        let end = start + order[start..].partition_point(|o| o.0 == key);
        let group = &order[start..end];
        let n = group.len();
        let desc = |k: usize| values[group[k].2 as usize];
        // Ascending position k is descending position n − 1 − k.
        let asc = |k: usize| desc(n - 1 - k);
        let middle = (n as f64 - 1.0) * 0.5;
        let (low, high) = (middle as usize, middle.ceil() as usize);
        let median = if low == high || asc(low) == asc(high) {
            asc(low)
        } else {
            (middle - low as f64) * (asc(high) - asc(low)) + asc(low)
        };
        let mut tie = 0;
        while tie < n {
            let v = desc(tie);
            let tie_end = tie + group[tie..].partition_point(|o| values[o.2 as usize] == v);
            for o in &group[tie..tie_end] {
                out[o.2 as usize] = Some(Run {
                    rank: tie + 1,
                    n,
                    n_below: n - tie_end,
                    n_equal: tie_end - tie,
                    median,
                });
            }
            tie = tie_end;
        }
        start = end;
    }
    out
}

/// A float as an integer of the same order ([`f64::total_cmp`]'s).
fn total_order(v: f64) -> u64 {
    let bits = v.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scope;

    fn fact(doc: &str, code: &str, metric: &str, year: i32, value: f64) -> Fact {
        Fact {
            doc: doc.into(),
            region_code: code.into(),
            report_year: Some(year),
            metric: metric.into(),
            year,
            value,
            unit: "件".into(),
            evidence: format!("{value}件"),
            ..Fact::default()
        }
    }

    #[test]
    fn keys_read_as_their_owned_forms() {
        for scope in [
            Scope::Annual,
            Scope::Stock,
            Scope::Cumulative,
            Scope::Partial,
        ] {
            assert_eq!(scope_text(scope), scope.to_string());
        }
        let mut unnamed = fact("a.txt", "", "m", 2022, 1.0);
        let named = Fact {
            county: "x".into(),
            ..unnamed.clone()
        };
        for f in [fact("a.txt", "1", "m", 2022, 1.0), named, unnamed.clone()] {
            assert_eq!(county_key_ref(&f), county_key(&f));
        }
        unnamed.doc = "b.txt".into();
        assert_eq!(county_key_ref(&unnamed), "doc:b.txt");
    }

    #[test]
    fn repeats_collapse_to_the_first() {
        let facts = [
            fact("a", "1", "m", 2022, 5.0),
            fact("b", "1", "m", 2022, 5.0),
            fact("b", "1", "m", 2022, 6.0),
            fact("b", "2", "m", 2022, 5.0),
        ];
        assert_eq!(distinct_rows(&facts).expect("frame"), vec![0, 2, 3]);
        assert_eq!(
            distinct_value_counts(&facts).expect("frame"),
            vec![2, 2, 2, 1]
        );
    }

    #[test]
    fn unresolved_reports_are_not_one_county() {
        let facts = [fact("a", "", "m", 2022, 5.0), fact("b", "", "m", 2022, 6.0)];
        assert_eq!(distinct_value_counts(&facts).expect("frame"), vec![1, 1]);
    }

    #[test]
    fn previous_row_skips_missing_years_and_other_series() {
        let facts = [
            fact("c", "1", "m", 2023, 3.0),
            fact("a", "1", "m", 2020, 1.0),
            fact("x", "2", "m", 2021, 9.0),
            fact("b", "1", "m", 2021, 2.0),
            fact("y", "1", "other", 2022, 9.0),
        ];
        assert_eq!(
            previous_rows(&facts).expect("frame"),
            vec![Some(3), None, None, Some(1), None]
        );
        assert_eq!(latest_rows(&facts).expect("frame"), vec![0, 2, 4]);
    }

    #[test]
    fn latest_rows_keep_every_row_of_the_latest_year_per_series() {
        let mut stock = fact("s", "1", "m", 2023, 4.0);
        stock.scope = Scope::Stock;
        let facts = [
            fact("a", "1", "m", 2022, 1.0),
            fact("b", "1", "m", 2023, 2.0),
            fact("c", "1", "m", 2023, 3.0),
            stock,
            fact("u", "", "m", 2020, 5.0),
            fact("v", "", "m", 2019, 6.0),
        ];
        // Two rows share county 1's latest year; the stock series and the two unresolved
        // reports (two counties) are series of their own.
        assert_eq!(latest_rows(&facts).expect("rows"), vec![1, 2, 3, 4, 5]);
        assert_eq!(latest_rows::<Fact>(&[]).expect("rows"), Vec::<usize>::new());
    }

    #[test]
    fn standings_rank_ties_and_spread() {
        let facts = [
            fact("a", "1", "m", 2022, 10.0),
            fact("b", "2", "m", 2022, 30.0),
            fact("c", "3", "m", 2022, 10.0),
            fact("d", "4", "m", 2022, 50.0),
            fact("e", "5", "m", 2023, 7.0),
        ];
        let s = group_standings(&facts, &[METRIC, SCOPE, YEAR]).expect("frame");
        // Values 10, 30, 10, 50: ranks (1 = highest) 3, 2, 3, 1; median (10+30)/2 = 20;
        // mean 25; sd = sqrt(((15²)+(5²)+(15²)+(25²))/3) = sqrt(1100/3) = 19.1485.
        assert_eq!(
            s.iter().map(|g| g.rank).collect::<Vec<_>>(),
            vec![3, 2, 3, 1, 1]
        );
        assert_eq!(s[0].n, 4);
        assert_eq!((s[0].n_below, s[0].n_equal), (0, 2));
        assert_eq!((s[1].n_below, s[1].n_equal), (2, 1));
        assert_eq!(s[0].median, 20.0);
        assert_eq!(s[0].mean, 25.0);
        assert!((s[0].sd.expect("n > 1") - 19.1485).abs() < 1e-4);
        assert_eq!((s[4].n, s[4].sd), (1, None));
    }
}
