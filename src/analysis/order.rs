//! The order of units (county, prefecture…) in every table: by division code, then name.
//!
//! Sorting 200,000 rows by their unit's code and name compares two strings at every step;
//! each unit's place in that order, found once, makes the comparison one of integers.

use crate::model::Fact;

/// Each distinct (division code, name) pair of the facts in sorted order, and each fact's
/// place in it.
pub(super) struct UnitPlaces<'a> {
    units: Vec<(&'a str, &'a str)>,
    of_fact: Vec<u32>,
}

impl<'a> UnitPlaces<'a> {
    /// The places of `facts`' units. The analysis's facts come sorted by unit (see
    /// [`super::collapse_repeats`]), so this is one pass; other input is sorted here.
    pub(super) fn new(facts: &'a [Fact]) -> Self {
        let unit = |f: &'a Fact| (f.region_code.as_str(), f.county.as_str());
        let mut units: Vec<(&str, &str)> = Vec::new();
        let mut of_fact = Vec::with_capacity(facts.len());
        let mut sorted = true;
        for f in facts {
            let u = unit(f);
            match units.last() {
                Some(last) if *last == u => {}
                Some(last) if *last > u => {
                    sorted = false;
                    break;
                }
                _ => units.push(u),
            }
            of_fact.push(Self::code(units.len() - 1));
        }
        if !sorted {
            units = facts.iter().map(unit).collect();
            units.sort_unstable();
            units.dedup();
            let places = UnitPlaces {
                units,
                of_fact: Vec::new(),
            };
            let of_fact = facts.iter().map(|f| places.of(f)).collect();
            return UnitPlaces { of_fact, ..places };
        }
        UnitPlaces { units, of_fact }
    }

    /// The place of fact `i` of the facts given to [`UnitPlaces::new`].
    pub(super) fn of_row(&self, i: usize) -> u32 {
        self.of_fact[i]
    }

    /// The place of any fact's unit: units of the facts have odd places, a unit between two
    /// of them the even place between theirs (two such units of the same gap share a place).
    pub(super) fn of(&self, f: &Fact) -> u32 {
        match self
            .units
            .binary_search(&(f.region_code.as_str(), f.county.as_str()))
        {
            Ok(k) => Self::code(k),
            Err(k) => (2 * k) as u32,
        }
    }

    fn code(k: usize) -> u32 {
        (2 * k + 1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(code: &str, county: &str) -> Fact {
        Fact {
            doc: "a.txt".into(),
            region_code: code.into(),
            county: county.into(),
            report_year: Some(2022),
            metric: "m".into(),
            year: 2022,
            value: 1.0,
            unit: "件".into(),
            ..Fact::default()
        }
    }

    #[test]
    fn places_follow_code_then_name_sorted_or_not() {
        let sorted = [
            fact("", "乙县"),
            fact("371521", "甲县"),
            fact("371521", "甲县"),
            fact("371522", "丙县"),
        ];
        let places = UnitPlaces::new(&sorted);
        let got: Vec<u32> = (0..sorted.len()).map(|i| places.of_row(i)).collect();
        assert_eq!(got, vec![1, 3, 3, 5]);
        // The same units out of order: the same places, found by sorting.
        let unsorted = [sorted[3].clone(), sorted[0].clone(), sorted[1].clone()];
        let places = UnitPlaces::new(&unsorted);
        let got: Vec<u32> = (0..unsorted.len()).map(|i| places.of_row(i)).collect();
        assert_eq!(got, vec![5, 1, 3]);
        // A unit that is not among them sorts between its neighbours.
        assert_eq!(places.of(&fact("371521", "丁县")), 2);
        assert_eq!(places.of(&fact("371521", "甲县")), 3);
        assert_eq!(places.of(&fact("9", "")), 6);
    }
}
