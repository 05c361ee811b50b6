//! The facts frame: one row per fact, keys dictionary-encoded.
//!
//! Keys (county, level, prefecture, province, indicator, scope, qualifier, document) are
//! categorical: each column holds `u32` codes into a dictionary of the distinct values, and
//! the codes follow the values' sorted order, so sorting or grouping by a code is sorting or
//! grouping by the text. Polars' own `Categorical` dtype would do the same behind the
//! `dtype-categorical` feature; codes made here need no extra polars feature, and windows and
//! group-bys over integer keys are the fast path (a window over three text keys cost about a
//! second at 20,000 reports).
//!
//! Every row carries [`ROW`]: the position of its fact in the slice the frame was built from,
//! so a query's answer maps back to the facts and their provenance.

use std::borrow::{Borrow, Cow};
use std::collections::HashMap;

use polars::prelude::*;

use super::columns::*;
use super::county_key_ref;
use crate::model::{prefecture_code, province_code, Fact, Level};

/// The facts as one frame with categorical keys; see the module docs.
#[derive(Debug, Clone)]
pub struct FactsFrame {
    frame: DataFrame,
    metrics: Vec<String>,
}

impl FactsFrame {
    /// Encodes the facts: columns [`ROW`], [`REGION`], [`LEVEL`], [`PREFECTURE_KEY`],
    /// [`PROVINCE_KEY`], [`METRIC`], [`SCOPE`], [`YEAR`], [`VALUE`], [`QUALIFIER`], [`DOC`].
    /// The level is read from the division code for now ([`Level::of_code`]; an unreadable
    /// code counts as a county).
    pub fn new<F: Borrow<Fact>>(facts: &[F]) -> PolarsResult<Self> {
        let facts: Vec<&Fact> = facts.iter().map(Borrow::borrow).collect();
        let keys: Vec<Cow<'_, str>> = facts.iter().map(|f| county_key_ref(f)).collect();
        let (region, _) = encode(keys.iter().map(|k| Some(k.as_ref())));
        let (metric, metrics) = encode(facts.iter().map(|f| Some(f.metric.as_str())));
        let (doc, _) = encode(facts.iter().map(|f| Some(f.doc.as_str())));
        let (prefecture, _) = encode(facts.iter().map(|f| prefecture_code(&f.region_code)));
        let (province, _) = encode(facts.iter().map(|f| province_code(&f.region_code)));
        let level: Vec<u32> = facts
            .iter()
            .map(|f| Level::of_code(&f.region_code).unwrap_or(Level::County) as u32)
            .collect();
        let frame = df!(
            ROW => (0..facts.len() as u32).collect::<Vec<u32>>(),
            REGION => region.into_iter().map(|c| c.unwrap_or(0)).collect::<Vec<u32>>(),
            LEVEL => level,
            PREFECTURE_KEY => prefecture,
            PROVINCE_KEY => province,
            METRIC => metric.into_iter().map(|c| c.unwrap_or(0)).collect::<Vec<u32>>(),
            SCOPE => facts.iter().map(|f| f.scope as u32).collect::<Vec<u32>>(),
            YEAR => facts.iter().map(|f| f.year).collect::<Vec<i32>>(),
            VALUE => facts.iter().map(|f| f.value).collect::<Vec<f64>>(),
            QUALIFIER => facts.iter().map(|f| f.qualifier as u32).collect::<Vec<u32>>(),
            DOC => doc.into_iter().map(|c| c.unwrap_or(0)).collect::<Vec<u32>>(),
        )?;
        Ok(FactsFrame {
            frame,
            metrics: metrics.into_iter().map(str::to_string).collect(),
        })
    }

    /// Adds (or replaces) a boolean column, one value per fact in input order.
    pub fn with_flag(mut self, name: &str, values: Vec<bool>) -> PolarsResult<Self> {
        self.frame
            .with_column(Column::new(name.into(), values))
            .map(|_| ())?;
        Ok(self)
    }

    /// The indicator ids, in code order (code `i` is `metrics()[i]`).
    pub fn metrics(&self) -> &[String] {
        &self.metrics
    }

    /// The frame itself.
    pub fn frame(&self) -> &DataFrame {
        &self.frame
    }

    /// A lazy query over the frame (the frame's columns are shared, not copied).
    pub fn lazy(&self) -> LazyFrame {
        self.frame.clone().lazy()
    }

    /// Number of facts.
    pub fn height(&self) -> usize {
        self.frame.height()
    }
}

/// Dictionary-encodes text values: the code of each (null stays null) and the dictionary,
/// codes in the values' sorted order.
fn encode<'a>(values: impl Iterator<Item = Option<&'a str>>) -> (Vec<Option<u32>>, Vec<&'a str>) {
    let values: Vec<Option<&str>> = values.collect();
    let mut code: HashMap<&str, u32> = HashMap::new();
    for v in values.iter().flatten() {
        code.entry(v).or_insert(0);
    }
    let mut dictionary: Vec<&str> = code.keys().copied().collect();
    dictionary.sort_unstable();
    for (i, v) in dictionary.iter().enumerate() {
        code.insert(v, i as u32);
    }
    let codes = values
        .iter()
        .map(|v| v.and_then(|v| code.get(v).copied()))
        .collect();
    (codes, dictionary)
}

/// Reads an integer column as non-negative positions (null stays `None`).
pub fn usize_column(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<usize>>> {
    let col = df.column(name)?.cast(&DataType::Int64)?;
    Ok(col
        .i64()?
        .iter()
        .map(|v| v.and_then(|v| usize::try_from(v).ok()))
        .collect())
}

/// Reads a float column (null stays `None`).
pub fn f64_column(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    let col = df.column(name)?.cast(&DataType::Float64)?;
    Ok(col.f64()?.iter().collect())
}

/// Reads a boolean column (null reads as false).
pub fn bool_column(df: &DataFrame, name: &str) -> PolarsResult<Vec<bool>> {
    Ok(df
        .column(name)?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Qualifier, Scope};

    fn fact(code: &str, metric: &str, year: i32, value: f64) -> Fact {
        Fact {
            doc: format!("{code}_{year}.txt"),
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
            evidence: String::new(),
            offset: 0,
            level: None,
            confidence: crate::model::Confidence::High,
            review_reason: String::new(),
        }
    }

    #[test]
    fn codes_follow_sorted_order_and_regions_nest() {
        let facts = [
            fact("371522", "b", 2022, 1.0),
            fact("371521", "a", 2022, 2.0),
            fact("3715", "a", 2022, 3.0),
            fact("", "a", 2022, 4.0),
        ];
        let ff = FactsFrame::new(&facts).expect("frame");
        let df = ff.frame();
        let codes = |name: &str| usize_column(df, name).expect("column");
        // Keys sorted: "3715" < "371521" < "371522" < "doc:_2022.txt".
        assert_eq!(codes(REGION), vec![Some(2), Some(1), Some(0), Some(3)]);
        assert_eq!(codes(METRIC), vec![Some(1), Some(0), Some(0), Some(0)]);
        assert_eq!(ff.metrics(), ["a", "b"]);
        let county = Level::County as usize;
        let prefecture = Level::Prefecture as usize;
        assert_eq!(
            codes(LEVEL),
            vec![Some(county), Some(county), Some(prefecture), Some(county)]
        );
        // Both counties share prefecture 3715; the prefecture itself has none; all three
        // share province 37; the unresolved report has neither.
        assert_eq!(codes(PREFECTURE_KEY), vec![Some(0), Some(0), None, None]);
        assert_eq!(codes(PROVINCE_KEY), vec![Some(0), Some(0), Some(0), None]);
    }
}
