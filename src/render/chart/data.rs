//! The facts regrouped for drawing: indicator × scope → county → year → fact.
//!
//! Charts and the page read the same grouping, so a figure on the page and the bar in its chart
//! can never disagree. Invariant: a county/indicator/year/scope whose sources state different
//! values is never drawn; it is listed in [`Grid::conflicted`] and the page shows every source.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::analysis::Analysis;
use crate::dict::IndicatorDict;
use crate::model::{Fact, Scope};

/// Most counties given a profile (a chart and a table) on the page; see
/// [`Grid::profiled_counties`]. A national run has thousands of counties, and one page cannot
/// usefully show (or a browser quickly load) thousands of profiles.
pub const MAX_PROFILES: usize = 20;

/// A county as the outputs key it: division code first (stable, ASCII), then the name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountyKey {
    /// 6-digit division code; empty when unresolved.
    pub region_code: String,
    /// County name as resolved from the report.
    pub county: String,
}

impl CountyKey {
    /// The key of a fact's county.
    pub fn of(fact: &Fact) -> Self {
        CountyKey {
            region_code: fact.region_code.clone(),
            county: fact.county.clone(),
        }
    }
}

/// An indicator in one scope: the unit a chart or table compares across counties.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    /// Position of the indicator in the dictionary (unknown ids sort last).
    pub order: usize,
    /// Indicator id.
    pub metric: String,
    /// Scope (values of different scopes are never put on one axis).
    pub scope: Scope,
}

/// Facts grouped for charts and tables.
#[derive(Debug, Default)]
pub struct Grid<'a> {
    /// Series → county → year → the one unconflicted fact.
    pub series: BTreeMap<SeriesKey, BTreeMap<CountyKey, BTreeMap<i32, &'a Fact>>>,
    /// Cells left out because their sources disagree: series → county → years.
    pub conflicted: BTreeMap<SeriesKey, BTreeMap<CountyKey, BTreeSet<i32>>>,
    /// Every county of [`series`](Self::series), sorted and distinct: computed once by
    /// [`build`](Self::build), since charts and the page ask for it many times.
    counties: Vec<CountyKey>,
    /// Cells holding a value worked back from a stated change ([`Analysis::derived_points`]),
    /// drawn only where no report states the value itself.
    derived: BTreeSet<(SeriesKey, CountyKey, i32)>,
}

impl<'a> Grid<'a> {
    /// Groups the analysis' facts; repeats of the same value collapse to the first source.
    pub fn build(analysis: &'a Analysis, dict: &IndicatorDict) -> Self {
        let mut grid = Grid::default();
        let keys = SeriesKeys::new(dict);
        let mut conflicted: BTreeSet<(SeriesKey, CountyKey, i32)> = analysis
            .conflicts
            .iter()
            .map(|c| {
                (
                    keys.key(&c.metric, c.scope),
                    CountyKey {
                        region_code: c.region_code.clone(),
                        county: c.county.clone(),
                    },
                    c.year,
                )
            })
            .collect();
        // The facts come sorted by county and indicator, so consecutive facts mostly share
        // their series key: it is made (and its map entry found) once per run of them.
        let mut last: Option<SeriesKey> = None;
        for fact in &analysis.facts {
            let same = last
                .as_ref()
                .is_some_and(|k| k.scope == fact.scope && k.metric == fact.metric);
            if !same {
                last = Some(keys.key(&fact.metric, fact.scope));
            }
            let Some(key) = last.as_ref() else {
                continue;
            };
            let counties = match grid.series.get_mut(key) {
                Some(counties) => counties,
                None => grid.series.entry(key.clone()).or_default(),
            };
            let years = counties.entry(CountyKey::of(fact)).or_default();
            match years.get(&fact.year) {
                None => {
                    years.insert(fact.year, fact);
                }
                // Same value again (a repeated document): keep the first source.
                Some(first) if first.value == fact.value => {}
                Some(_) => {
                    conflicted.insert((key.clone(), CountyKey::of(fact), fact.year));
                }
            }
        }
        // Earlier values worked back from stated changes fill only empty cells.
        for fact in &analysis.derived_points {
            let key = keys.key(&fact.metric, fact.scope);
            let county = CountyKey::of(fact);
            if conflicted.contains(&(key.clone(), county.clone(), fact.year)) {
                continue;
            }
            let years = grid
                .series
                .entry(key.clone())
                .or_default()
                .entry(county.clone())
                .or_default();
            if let std::collections::btree_map::Entry::Vacant(cell) = years.entry(fact.year) {
                cell.insert(fact);
                grid.derived.insert((key, county, fact.year));
            }
        }
        for (key, county, year) in conflicted {
            if let Some(years) = grid.series.get_mut(&key).and_then(|c| c.get_mut(&county)) {
                years.remove(&year);
            }
            grid.conflicted
                .entry(key)
                .or_default()
                .entry(county)
                .or_default()
                .insert(year);
        }
        for counties in grid.series.values_mut() {
            counties.retain(|_, years| !years.is_empty());
        }
        grid.series.retain(|_, counties| !counties.is_empty());
        let counties: BTreeSet<&CountyKey> = grid.series.values().flat_map(|c| c.keys()).collect();
        grid.counties = counties.into_iter().cloned().collect();
        grid
    }

    /// Each county's latest unconflicted value of one series, highest value first.
    pub fn latest(&self, key: &SeriesKey) -> Vec<(&CountyKey, &'a Fact)> {
        let mut out: Vec<(&CountyKey, &'a Fact)> = self
            .series
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|(county, years)| years.values().next_back().map(|f| (county, *f)))
            .collect();
        out.sort_by(|a, b| b.1.value.total_cmp(&a.1.value).then_with(|| a.0.cmp(b.0)));
        out
    }

    /// Whether a cell holds a value worked back from a stated change.
    pub fn is_derived(&self, key: &SeriesKey, county: &CountyKey, year: i32) -> bool {
        !self.derived.is_empty() && self.derived.contains(&(key.clone(), county.clone(), year))
    }

    /// Every county that appears in any series, sorted, each once.
    pub fn counties(&self) -> &[CountyKey] {
        &self.counties
    }

    /// Whether more than one county of the grid has `county`'s division code (two names under
    /// one code: a name edited by hand in facts.csv). Counties sort by code first, so those
    /// counties are one run of the sorted list.
    pub fn shares_code(&self, county: &CountyKey) -> bool {
        let code = county.region_code.as_str();
        let from = self
            .counties
            .partition_point(|c| c.region_code.as_str() < code);
        let to = self
            .counties
            .partition_point(|c| c.region_code.as_str() <= code);
        to - from > 1
    }

    /// The counties that get a profile (chart and table) on the page, in county order, each
    /// with its position among all [`counties`](Self::counties) (which names an unresolved
    /// county's chart file, so a name never depends on which counties were picked).
    ///
    /// The rule: every county when there are at most [`MAX_PROFILES`]; otherwise the
    /// [`MAX_PROFILES`] counties with the most values drawn (the best-covered profiles), ties
    /// going to the lower division code. Every county's values stay in `facts.csv`.
    pub fn profiled_counties(&self) -> Vec<(usize, &CountyKey)> {
        let all: Vec<&CountyKey> = self.counties.iter().collect();
        if all.len() <= MAX_PROFILES {
            return all.into_iter().enumerate().collect();
        }
        let mut values: BTreeMap<&CountyKey, usize> = BTreeMap::new();
        for counties in self.series.values() {
            for (county, years) in counties {
                *values.entry(county).or_default() += years.len();
            }
        }
        let mut ranked: Vec<(usize, &CountyKey)> = all.into_iter().enumerate().collect();
        ranked.sort_by(|a, b| {
            let n = |c: &CountyKey| values.get(c).copied().unwrap_or(0);
            n(b.1).cmp(&n(a.1)).then_with(|| a.0.cmp(&b.0))
        });
        ranked.truncate(MAX_PROFILES);
        ranked.sort_unstable();
        ranked
    }
}

/// [`series_key`] with the dictionary's positions looked up in a map instead of a scan of the
/// indicators (the grid makes a key for every run of facts).
struct SeriesKeys<'d> {
    order: HashMap<&'d str, usize>,
}

impl<'d> SeriesKeys<'d> {
    fn new(dict: &'d IndicatorDict) -> Self {
        let mut order = HashMap::with_capacity(dict.indicators.len());
        for (i, indicator) in dict.indicators.iter().enumerate() {
            // The first position of an id, as `series_key`'s scan finds it.
            order.entry(indicator.id.as_str()).or_insert(i);
        }
        SeriesKeys { order }
    }

    fn key(&self, metric: &str, scope: Scope) -> SeriesKey {
        SeriesKey {
            order: self.order.get(metric).copied().unwrap_or(usize::MAX),
            metric: metric.to_string(),
            scope,
        }
    }
}

/// The series key of an indicator id and scope, ordered as the dictionary lists indicators.
pub fn series_key(dict: &IndicatorDict, metric: &str, scope: Scope) -> SeriesKey {
    let order = dict
        .indicators
        .iter()
        .position(|i| i.id == metric)
        .unwrap_or(usize::MAX);
    SeriesKey {
        order,
        metric: metric.to_string(),
        scope,
    }
}

/// `first–last` for a set of years (`2023`, `2022-2023`); empty for none.
pub fn year_span<I: IntoIterator<Item = i32>>(years: I) -> String {
    let mut min = i32::MAX;
    let mut max = i32::MIN;
    for y in years {
        min = min.min(y);
        max = max.max(y);
    }
    match (min, max) {
        (i32::MAX, _) => String::new(),
        (a, b) if a == b => a.to_string(),
        (a, b) => format!("{a}-{b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Conflict, ConflictSource};

    fn fact(county: &str, metric: &str, year: i32, value: f64) -> Fact {
        Fact {
            doc: format!("{county}_{year}.txt"),
            region_code: format!("code-{county}"),
            county: county.to_string(),
            report_year: Some(year),
            metric: metric.to_string(),
            year,
            value,
            unit: "件".to_string(),
            evidence: format!("{value}件"),
            ..Fact::default()
        }
    }

    fn dict() -> IndicatorDict {
        IndicatorDict::new(vec![])
    }

    #[test]
    fn latest_is_sorted_and_skips_conflicts() {
        let analysis = Analysis {
            facts: vec![
                fact("a", "m", 2022, 5.0),
                fact("a", "m", 2023, 7.0),
                fact("a", "m", 2023, 7.0),
                fact("b", "m", 2023, 9.0),
                fact("c", "m", 2023, 1.0),
                fact("c", "m", 2023, 2.0),
                fact("d", "m", 2021, 3.0),
                fact("d", "m", 2022, 4.0),
            ],
            conflicts: vec![Conflict {
                region_code: "code-d".into(),
                county: "d".into(),
                metric: "m".into(),
                year: 2022,
                scope: Scope::Annual,
                sources: vec![ConflictSource {
                    value: 4.0,
                    doc: "x".into(),
                    evidence: "y".into(),
                }],
            }],
            ..Analysis::default()
        };
        let d = dict();
        let grid = Grid::build(&analysis, &d);
        let key = series_key(&d, "m", Scope::Annual);
        let got: Vec<(&str, i32, f64)> = grid
            .latest(&key)
            .iter()
            .map(|(c, f)| (c.county.as_str(), f.year, f.value))
            .collect();
        // c is left out entirely (its only year conflicts); d falls back to 2021 but 2022 is
        // listed as conflicted, so the page can say why the latest year is missing.
        assert_eq!(
            got,
            vec![("b", 2023, 9.0), ("a", 2023, 7.0), ("d", 2021, 3.0)]
        );
        let conflicted = &grid.conflicted[&key];
        assert_eq!(conflicted.len(), 2);
        assert!(conflicted.values().any(|y| y.contains(&2022)));
    }

    #[test]
    fn profiles_are_bounded_to_the_best_covered_counties() {
        // (counties, values per county i) -> expected profiled positions.
        let many = MAX_PROFILES + 5;
        type Case = (usize, fn(usize) -> usize, Vec<usize>);
        let cases: [Case; 3] = [
            // Few counties: all of them, whatever their coverage.
            (3, |_| 1, vec![0, 1, 2]),
            // Equal coverage: the first MAX_PROFILES in county order.
            (many, |_| 2, (0..MAX_PROFILES).collect()),
            // The 5 counties with one value are the ones left out, wherever they sort.
            (
                many,
                |i| if i % 5 == 0 { 1 } else { 2 },
                (0..many).filter(|i| i % 5 != 0).collect(),
            ),
        ];
        for (n, values, want) in cases {
            let facts: Vec<Fact> = (0..n)
                .flat_map(|i| {
                    (0..values(i))
                        .map(move |y| fact(&format!("c{i:03}"), "m", 2020 + y as i32, 1.0))
                })
                .collect();
            let analysis = Analysis {
                facts,
                ..Analysis::default()
            };
            let d = dict();
            let grid = Grid::build(&analysis, &d);
            let got: Vec<usize> = grid.profiled_counties().iter().map(|(i, _)| *i).collect();
            assert_eq!(got, want, "{n} counties");
        }
    }

    #[test]
    fn counties_are_listed_once_and_shared_codes_found() {
        let mut renamed = fact("b2", "m", 2022, 1.0);
        renamed.region_code = "code-b".into();
        let analysis = Analysis {
            facts: vec![
                fact("a", "m", 2022, 1.0),
                fact("a", "n", 2022, 1.0),
                fact("b", "m", 2022, 1.0),
                renamed,
                fact("c", "m", 2022, 1.0),
            ],
            ..Analysis::default()
        };
        let d = dict();
        let grid = Grid::build(&analysis, &d);
        let names: Vec<&str> = grid.counties().iter().map(|c| c.county.as_str()).collect();
        assert_eq!(names, ["a", "b", "b2", "c"]);
        for (county, shared) in [("a", false), ("b", true), ("b2", true), ("c", false)] {
            let key = grid
                .counties()
                .iter()
                .find(|c| c.county == county)
                .expect("listed");
            assert_eq!(grid.shares_code(key), shared, "{county}");
        }
    }

    #[test]
    fn year_spans() {
        for (years, want) in [
            (vec![], ""),
            (vec![2023], "2023"),
            (vec![2023, 2021, 2022], "2021-2023"),
        ] {
            assert_eq!(year_span(years), want);
        }
    }
}
