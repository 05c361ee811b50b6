//! Values among their peers: one frame of values keyed by numeric place codes, and the group
//! summaries the national view reads (regional medians and quartiles, the robust spread of a
//! peer group).
//!
//! Quantiles are polars' `QuantileMethod::Linear`: linear interpolation between order
//! statistics (Hyndman & Fan 1996 type 7, the default of R and numpy, and the definition the
//! page already used for its distribution notes). polars' own default is `Nearest`, which
//! returns an observed value and so moves in jumps as units are added; a reader comparing
//! regions.csv with a spreadsheet's QUARTILE.INC or R's `quantile()` gets the same numbers
//! with type 7.

use std::borrow::Borrow;

use polars::prelude::*;

use super::columns::*;
use super::county_key_ref;
use super::frame::encode;
use crate::model::Fact;

/// Numeric 2-digit province code (`37`) of a county or prefecture.
pub const PROVINCE_CODE: &str = "province_code";
/// Numeric 4-digit prefecture code (`3715`) of a county.
pub const PREFECTURE_CODE: &str = "prefecture_code";
/// 25th percentile (type 7).
pub const P25: &str = "p25";
/// 75th percentile (type 7).
pub const P75: &str = "p75";
/// Sum of the group's values.
pub const SUM: &str = "sum";
/// Smallest value of the group.
pub const MIN: &str = "min";
/// Largest value of the group.
pub const MAX: &str = "max";
/// Median absolute deviation from the group's median (unscaled).
pub const MAD: &str = "mad";

/// Values with their places as numbers: see [`values_frame`].
#[derive(Debug, Clone)]
pub struct ValuesFrame {
    /// The frame.
    pub frame: DataFrame,
    /// Indicator ids in code order (code `i` of [`METRIC`] is `metrics[i]`).
    pub metrics: Vec<String>,
}

/// One row per fact: [`ROW`] (its position in `facts`), [`REGION`] (its county key, encoded),
/// [`PROVINCE_CODE`] and [`PREFECTURE_CODE`] (read off a 6- or 4-digit division code, null
/// otherwise), [`LEVEL`] (the fact's level as the position of its variant, null when
/// unresolved), [`METRIC`] (encoded), [`SCOPE`], [`YEAR`], [`VALUE`]. Numeric place codes sort
/// and group as the codes do, and need no dictionary to be read back.
pub fn values_frame<F: Borrow<Fact>>(facts: &[F]) -> PolarsResult<ValuesFrame> {
    values_frame_with(facts, |f| f.value)
}

/// [`values_frame`] with [`VALUE`] computed from each fact by `value` (a transformed scale).
pub fn values_frame_with<F: Borrow<Fact>>(
    facts: &[F],
    value: impl Fn(&Fact) -> f64,
) -> PolarsResult<ValuesFrame> {
    let facts: Vec<&Fact> = facts.iter().map(Borrow::borrow).collect();
    let keys: Vec<_> = facts.iter().map(|f| county_key_ref(f)).collect();
    let (region, _) = encode(keys.iter().map(|k| Some(k.as_ref())));
    let (metric, metrics) = encode(facts.iter().map(|f| Some(f.metric.as_str())));
    let digits = |f: &Fact, n: usize| -> Option<u32> {
        let code = f.region_code.as_str();
        (matches!(code.len(), 4 | 6) && code.len() >= n)
            .then(|| code[..n].parse().ok())
            .flatten()
    };
    let frame = df!(
        ROW => (0..facts.len() as u32).collect::<Vec<u32>>(),
        REGION => region.into_iter().map(|c| c.unwrap_or(0)).collect::<Vec<u32>>(),
        PROVINCE_CODE => facts.iter().map(|f| digits(f, 2)).collect::<Vec<Option<u32>>>(),
        PREFECTURE_CODE => facts
            .iter()
            .map(|f| (f.region_code.len() == 6).then(|| digits(f, 4)).flatten())
            .collect::<Vec<Option<u32>>>(),
        LEVEL => facts.iter().map(|f| f.level.map(|l| l as u32)).collect::<Vec<Option<u32>>>(),
        METRIC => metric.into_iter().map(|c| c.unwrap_or(0)).collect::<Vec<u32>>(),
        SCOPE => facts.iter().map(|f| f.scope as u32).collect::<Vec<u32>>(),
        YEAR => facts.iter().map(|f| f.year).collect::<Vec<i32>>(),
        VALUE => facts.iter().map(|f| value(f)).collect::<Vec<f64>>(),
    )?;
    Ok(ValuesFrame {
        frame,
        metrics: metrics.into_iter().map(str::to_string).collect(),
    })
}

/// The frame grouped by the columns `by`, rows with a null in any of them left out.
fn grouped(frame: &DataFrame, by: &[&str]) -> LazyGroupBy {
    let keys: Vec<Expr> = by.iter().map(|c| col(*c)).collect();
    let mut lf = frame.clone().lazy();
    for c in by {
        lf = lf.filter(col(*c).is_not_null());
    }
    lf.group_by(keys)
}

/// Per group of the columns `by` (sorted by them): [`N`] (rows: callers pass one value per
/// unit and group),
/// [`MEDIAN`], [`P25`], [`P75`] (type 7, see the module docs), [`SUM`], [`MIN`], [`MAX`].
/// Rows whose `by` columns hold a null are left out (a value without a province is in no
/// province).
pub fn group_summary(frame: &DataFrame, by: &[&str]) -> PolarsResult<DataFrame> {
    grouped(frame, by)
        .agg([
            len().cast(DataType::UInt32).alias(N),
            col(VALUE).median().alias(MEDIAN),
            col(VALUE)
                .quantile(lit(0.25), QuantileMethod::Linear)
                .alias(P25),
            col(VALUE)
                .quantile(lit(0.75), QuantileMethod::Linear)
                .alias(P75),
            col(VALUE).sum().alias(SUM),
            col(VALUE).min().alias(MIN),
            col(VALUE).max().alias(MAX),
        ])
        .sort(by.to_vec(), SortMultipleOptions::default())
        .collect()
}

/// Per group of the columns `by` (sorted by them): [`N`] (rows), [`MEDIAN`] and [`MAD`], the
/// median of the absolute deviations from that median (unscaled: multiply by 1.4826 for a
/// normal-consistent spread).
pub fn group_spread(frame: &DataFrame, by: &[&str]) -> PolarsResult<DataFrame> {
    grouped(frame, by)
        .agg([
            len().cast(DataType::UInt32).alias(N),
            col(VALUE).median().alias(MEDIAN),
            // |x − median| without polars' `abs` feature (not compiled in).
            when((col(VALUE) - col(VALUE).median()).gt_eq(lit(0.0)))
                .then(col(VALUE) - col(VALUE).median())
                .otherwise(col(VALUE).median() - col(VALUE))
                .median()
                .alias(MAD),
        ])
        .sort(by.to_vec(), SortMultipleOptions::default())
        .collect()
}

/// Reads an optional `u32`-castable column.
pub fn opt_u32_column(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<u32>>> {
    Ok(df
        .column(name)?
        .cast(&DataType::UInt32)?
        .u32()?
        .iter()
        .collect())
}

/// Reads an `i32`-castable column (nulls as `None`).
pub fn i32_column(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i32>>> {
    Ok(df
        .column(name)?
        .cast(&DataType::Int32)?
        .i32()?
        .iter()
        .collect())
}
