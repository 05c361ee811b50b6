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

use polars::prelude::*;

use super::columns::*;
use super::county_key_ref;
use crate::model::{prefecture_code, province_code, Fact, Level};

/// The facts as one frame with categorical keys; see the module docs.
#[derive(Debug, Clone)]
pub struct FactsFrame {
    frame: DataFrame,
    metrics: Vec<String>,
    /// The other keys' dictionaries (county key, document, prefecture, province), sorted, so
    /// more facts can be encoded with the same codes ([`FactsFrame::appended`]).
    dictionaries: [Vec<String>; 4],
}

impl FactsFrame {
    /// Encodes the facts: columns [`ROW`], [`REGION`], [`LEVEL`], [`PREFECTURE_KEY`],
    /// [`PROVINCE_KEY`], [`METRIC`], [`SCOPE`], [`YEAR`], [`VALUE`], [`QUALIFIER`], [`DOC`].
    /// The level is read from the division code for now ([`Level::of_code`]; an unreadable
    /// code counts as a county).
    pub fn new<F: Borrow<Fact>>(facts: &[F]) -> PolarsResult<Self> {
        let facts: Vec<&Fact> = facts.iter().map(Borrow::borrow).collect();
        let keys: Vec<Cow<'_, str>> = facts.iter().map(|f| county_key_ref(f)).collect();
        let (region, regions) = encode(keys.iter().map(|k| Some(k.as_ref())));
        let (metric, metrics) = encode(facts.iter().map(|f| Some(f.metric.as_str())));
        let (doc, docs) = encode(facts.iter().map(|f| Some(f.doc.as_str())));
        let (prefecture, prefectures) =
            encode(facts.iter().map(|f| prefecture_code(&f.region_code)));
        let (province, provinces) = encode(facts.iter().map(|f| province_code(&f.region_code)));
        let owned = |d: Vec<&str>| d.into_iter().map(str::to_string).collect::<Vec<_>>();
        let dictionaries = [
            owned(regions),
            owned(docs),
            owned(prefectures),
            owned(provinces),
        ];
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
            dictionaries,
        })
    }

    /// The rows where `keep` is true (the [`ROW`] column keeps their positions in the facts
    /// the frame was built from).
    pub fn filter(&self, keep: &[bool]) -> PolarsResult<Self> {
        let mask = BooleanChunked::from_slice("keep".into(), keep);
        Ok(FactsFrame {
            frame: self.frame.filter(&mask)?,
            metrics: self.metrics.clone(),
            dictionaries: self.dictionaries.clone(),
        })
    }

    /// This frame with `extra` facts below it, encoded with the same codes, their [`ROW`]s
    /// numbered from `first_row`; `None` when one of their keys is not in this frame (the
    /// codes would no longer follow sorted order: build a new frame instead). Flag columns
    /// are not carried over.
    pub fn appended<F: Borrow<Fact>>(
        &self,
        extra: &[F],
        first_row: u32,
    ) -> PolarsResult<Option<Self>> {
        let [regions, docs, prefectures, provinces] = &self.dictionaries;
        let code = |dictionary: &[String], v: &str| -> Option<u32> {
            dictionary
                .binary_search_by(|d| d.as_str().cmp(v))
                .ok()
                .map(|i| i as u32)
        };
        let optional = |dictionary: &[String], v: Option<&str>| -> Option<Option<u32>> {
            match v {
                None => Some(None),
                Some(v) => code(dictionary, v).map(Some),
            }
        };
        let (mut region_codes, mut doc_codes, mut metric_codes) = (vec![], vec![], vec![]);
        let (mut prefecture_codes, mut province_codes) = (vec![], vec![]);
        for f in extra.iter().map(Borrow::borrow) {
            let (Some(region), Some(doc), Some(prefecture), Some(province), Some(metric)) = (
                code(regions, &county_key_ref(f)),
                code(docs, &f.doc),
                optional(prefectures, prefecture_code(&f.region_code)),
                optional(provinces, province_code(&f.region_code)),
                code(&self.metrics, &f.metric),
            ) else {
                return Ok(None);
            };
            region_codes.push(region);
            doc_codes.push(doc);
            prefecture_codes.push(prefecture);
            province_codes.push(province);
            metric_codes.push(metric);
        }
        let extra: Vec<&Fact> = extra.iter().map(Borrow::borrow).collect();
        let below = df!(
            ROW => (0..extra.len() as u32).map(|i| first_row + i).collect::<Vec<u32>>(),
            REGION => region_codes,
            LEVEL => extra
                .iter()
                .map(|f| Level::of_code(&f.region_code).unwrap_or(Level::County) as u32)
                .collect::<Vec<u32>>(),
            PREFECTURE_KEY => prefecture_codes,
            PROVINCE_KEY => province_codes,
            METRIC => metric_codes,
            SCOPE => extra.iter().map(|f| f.scope as u32).collect::<Vec<u32>>(),
            YEAR => extra.iter().map(|f| f.year).collect::<Vec<i32>>(),
            VALUE => extra.iter().map(|f| f.value).collect::<Vec<f64>>(),
            QUALIFIER => extra.iter().map(|f| f.qualifier as u32).collect::<Vec<u32>>(),
            DOC => doc_codes,
        )?;
        let mut frame = self.frame.select(below.get_column_names_owned())?;
        frame.vstack_mut(&below)?;
        frame.rechunk_mut();
        Ok(Some(FactsFrame {
            frame,
            metrics: self.metrics.clone(),
            dictionaries: self.dictionaries.clone(),
        }))
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
/// codes in the values' sorted order. The facts come mostly in runs of one county and one
/// indicator, so a value equal to the one before reuses its code without a hash lookup, and
/// only the distinct values are sorted (hashing every value of every key twice with the
/// standard library's SipHash cost a quarter of a second per frame at 20,000 reports).
pub(super) fn encode<'a>(
    values: impl Iterator<Item = Option<&'a str>>,
) -> (Vec<Option<u32>>, Vec<&'a str>) {
    let mut first_seen: PlHashMap<&str, u32> = PlHashMap::default();
    let mut dictionary: Vec<&str> = Vec::new();
    let mut previous: Option<(&str, u32)> = None;
    let provisional: Vec<Option<u32>> = values
        .map(|v| {
            let v = v?;
            if let Some((p, code)) = previous {
                if p == v {
                    return Some(code);
                }
            }
            let code = *first_seen.entry(v).or_insert_with(|| {
                dictionary.push(v);
                (dictionary.len() - 1) as u32
            });
            previous = Some((v, code));
            Some(code)
        })
        .collect();
    // Provisional codes are in order of first appearance: map them to sorted order.
    let mut order: Vec<u32> = (0..dictionary.len() as u32).collect();
    order.sort_unstable_by_key(|&i| dictionary[i as usize]);
    let mut sorted_code = vec![0u32; dictionary.len()];
    for (place, &i) in order.iter().enumerate() {
        sorted_code[i as usize] = place as u32;
    }
    let codes = provisional
        .into_iter()
        .map(|c| c.map(|c| sorted_code[c as usize]))
        .collect();
    let sorted = order.iter().map(|&i| dictionary[i as usize]).collect();
    (codes, sorted)
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

/// Reads a `u32` code column (a null reads as 0: key columns have none).
pub fn u32_column(df: &DataFrame, name: &str) -> PolarsResult<Vec<u32>> {
    Ok(df
        .column(name)?
        .u32()?
        .iter()
        .map(|v| v.unwrap_or(0))
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

    fn fact(code: &str, metric: &str, year: i32, value: f64) -> Fact {
        Fact {
            doc: format!("{code}_{year}.txt"),
            region_code: code.into(),
            report_year: Some(year),
            metric: metric.into(),
            year,
            value,
            unit: "件".into(),
            ..Fact::default()
        }
    }

    #[test]
    fn appended_facts_share_the_codes_or_ask_for_a_new_frame() {
        let facts = [
            fact("371522", "b", 2022, 1.0),
            fact("371521", "a", 2022, 2.0),
        ];
        let ff = FactsFrame::new(&facts).expect("frame");
        // Same county and indicator as fact 1, another year and document already known.
        let mut later = fact("371521", "a", 2021, 3.0);
        later.doc = facts[0].doc.clone();
        let both = ff
            .appended(&[later], 2)
            .expect("frame")
            .expect("every key is known");
        let df = both.frame();
        let codes = |name: &str| usize_column(df, name).expect("column");
        assert_eq!(codes(ROW), vec![Some(0), Some(1), Some(2)]);
        assert_eq!(codes(REGION), vec![Some(1), Some(0), Some(0)]);
        assert_eq!(codes(METRIC), vec![Some(1), Some(0), Some(0)]);
        assert_eq!(codes(DOC), vec![Some(1), Some(0), Some(1)]);
        assert_eq!(codes(PREFECTURE_KEY), vec![Some(0), Some(0), Some(0)]);
        // A county the frame has never seen would break the sorted order of the codes.
        let unknown = fact("371523", "a", 2021, 3.0);
        assert!(ff.appended(&[unknown], 2).expect("frame").is_none());
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
