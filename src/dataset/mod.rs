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

pub use frame::{bool_column, f64_column, usize_column, FactsFrame};

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
    // A window over the facts frame's categorical keys (rows stay in input order).
    let out = FactsFrame::new(facts)?
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
    let out = FactsFrame::new(facts)?
        .lazy()
        .sort(
            [REGION, METRIC, SCOPE, YEAR],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .with_columns([col(ROW)
            .shift(lit(1))
            .over([col(REGION), col(METRIC), col(SCOPE)])?
            .alias(PREV_ROW)])
        .sort([ROW], SortMultipleOptions::default())
        .select([col(PREV_ROW)])
        .collect()?;
    usize_column(&out, PREV_ROW)
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
    let by: Vec<Expr> = by.iter().map(|c| col(*c)).collect();
    let within = |key: &str| {
        let mut v = by.clone();
        v.push(col(key));
        v
    };
    let rank = |method: RankMethod, descending: bool, by: &[Expr]| {
        col(VALUE)
            .rank(RankOptions { method, descending }, None)
            .cast(DataType::Int64)
            .over(by)
    };
    // A region's columns are null where the fact has no such region (polars would otherwise
    // put every null key in one group).
    let in_region = |key: &str, e: Expr| when(col(key).is_not_null()).then(e).otherwise(lit(NULL));
    let mut columns = vec![
        rank(RankMethod::Min, true, &by)?.alias(RANK),
        col(VALUE).len().cast(DataType::Int64).over(&by)?.alias(N),
        (rank(RankMethod::Min, false, &by)? - lit(1i64)).alias(N_BELOW),
        col(VALUE).median().over(&by)?.alias(MEDIAN),
        col(VALUE).mean().over(&by)?.alias(MEAN),
        col(VALUE).std(1).over(&by)?.alias(SD),
    ];
    for (key, rank_col, n_col, median_col) in [
        (
            PREFECTURE_KEY,
            PREFECTURE_RANK,
            PREFECTURE_N,
            Some(PREFECTURE_MEDIAN),
        ),
        (PROVINCE_KEY, PROVINCE_RANK, PROVINCE_N, None),
    ] {
        let by = within(key);
        columns.push(in_region(key, rank(RankMethod::Min, true, &by)?).alias(rank_col));
        columns
            .push(in_region(key, col(VALUE).len().cast(DataType::Int64).over(&by)?).alias(n_col));
        if let Some(median_col) = median_col {
            columns.push(in_region(key, col(VALUE).median().over(&by)?).alias(median_col));
        }
    }
    let out = FactsFrame::new(facts)?
        .lazy()
        .with_columns(columns)
        .sort([ROW], SortMultipleOptions::default())
        .collect()?;
    let rank = usize_column(&out, RANK)?;
    let n = usize_column(&out, N)?;
    let n_below = usize_column(&out, N_BELOW)?;
    let median = f64_column(&out, MEDIAN)?;
    let mean = f64_column(&out, MEAN)?;
    let sd = f64_column(&out, SD)?;
    let pref_rank = usize_column(&out, PREFECTURE_RANK)?;
    let pref_n = usize_column(&out, PREFECTURE_N)?;
    let pref_median = f64_column(&out, PREFECTURE_MEDIAN)?;
    let prov_rank = usize_column(&out, PROVINCE_RANK)?;
    let prov_n = usize_column(&out, PROVINCE_N)?;
    let missing = |what: &str| polars_err!(ComputeError: "group standing: no {} for a row", what);
    (0..out.height())
        .map(|i| {
            let rank = rank[i].ok_or_else(|| missing(RANK))?;
            let n = n[i].ok_or_else(|| missing(N))?;
            let n_below = n_below[i].ok_or_else(|| missing(N_BELOW))?;
            // rank − 1 values are above this one and n_below below it: the rest are equal
            // (one window rank fewer than asking polars for the highest rank of the ties).
            let n_equal = (n + 1)
                .checked_sub(rank + n_below)
                .filter(|&e| e > 0)
                .ok_or_else(|| missing(N_EQUAL))?;
            let prefecture = match (pref_rank[i], pref_n[i]) {
                (Some(rank), Some(n)) => Some(RegionStanding {
                    rank,
                    n,
                    median: pref_median[i],
                }),
                _ => None,
            };
            let province = match (prov_rank[i], prov_n[i]) {
                (Some(rank), Some(n)) => Some(RegionStanding {
                    rank,
                    n,
                    median: None,
                }),
                _ => None,
            };
            Ok(GroupStanding {
                rank,
                n,
                n_below,
                n_equal,
                median: median[i].ok_or_else(|| missing(MEDIAN))?,
                mean: mean[i].ok_or_else(|| missing(MEAN))?,
                sd: sd[i].filter(|s| s.is_finite()),
                prefecture,
                province,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Qualifier, Scope};

    fn fact(doc: &str, code: &str, metric: &str, year: i32, value: f64) -> Fact {
        Fact {
            doc: doc.into(),
            region_code: code.into(),
            province: String::new(),
            prefecture: String::new(),
            county: String::new(),
            report_year: Some(year),
            metric: metric.into(),
            year,
            scope: Scope::Annual,
            value,
            unit: "件".into(),
            qualifier: Qualifier::Exact,
            evidence: format!("{value}件"),
            offset: 0,
            level: None,
            confidence: crate::model::Confidence::High,
            review_reason: String::new(),
        }
    }

    #[test]
    fn keys_read_as_their_owned_forms() {
        for scope in [Scope::Annual, Scope::Stock, Scope::Cumulative] {
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
