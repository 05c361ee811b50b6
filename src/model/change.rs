//! A change a report states in words (同比增长12.5%, 较上年减少3件, 提高2.1个百分点): the most
//! common way a report speaks of a trend. The analysis sets it against the change computed
//! from the two years' values, or, without the earlier report, derives the earlier value.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Scope;

/// How a stated change is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeUnit {
    /// Percent of the earlier value (同比增长12.5% → 12.5).
    Percent,
    /// In the indicator's own unit (较上年减少3件 → −3).
    Absolute,
    /// Percentage points, for rates (提高2.1个百分点 → 2.1).
    Points,
}

/// One change stated in a report, with its provenance. `change` is signed: a fall
/// (下降, 减少) is negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatedChange {
    /// Input file name.
    pub doc: String,
    /// 6-digit division code; empty when unresolved.
    pub region_code: String,
    /// Province name.
    pub province: String,
    /// Prefecture name.
    pub prefecture: String,
    /// County-level unit name.
    pub county: String,
    /// Level of government of the unit; `None` when the place is unresolved.
    #[serde(default)]
    pub level: Option<super::Level>,
    /// Indicator id of the value that changed.
    pub metric: String,
    /// Scope of the value that changed.
    pub scope: Scope,
    /// The later year (usually the report year).
    pub year: i32,
    /// The year compared with (usually `year − 1`: 同比, 较上年).
    pub base_year: i32,
    /// The change as stated, signed, in `unit`.
    pub change: f64,
    /// Percent, absolute or percentage points.
    pub unit: ChangeUnit,
    /// The exact source substring the change was read from.
    pub evidence: String,
    /// Character offset of `evidence` in the decoded document text.
    pub offset: usize,
}

impl StatedChange {
    /// The earlier value implied by this change and the later value `later`: for a percent
    /// change later ÷ (1 + change/100), otherwise later − change. `None` for a fall of 100%
    /// or more (no earlier value gives it).
    pub fn earlier_value(&self, later: f64) -> Option<f64> {
        match self.unit {
            ChangeUnit::Percent => {
                let factor = 1.0 + self.change / 100.0;
                (factor > 0.0).then(|| later / factor)
            }
            ChangeUnit::Absolute | ChangeUnit::Points => Some(later - self.change),
        }
    }
}

impl fmt::Display for ChangeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChangeUnit::Percent => "percent",
            ChangeUnit::Absolute => "absolute",
            ChangeUnit::Points => "points",
        })
    }
}

impl FromStr for ChangeUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "percent" => Ok(ChangeUnit::Percent),
            "absolute" => Ok(ChangeUnit::Absolute),
            "points" => Ok(ChangeUnit::Points),
            other => Err(format!(
                "unknown change unit '{other}' (expected percent, absolute or points)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stated(change: f64, unit: ChangeUnit) -> StatedChange {
        StatedChange {
            doc: "a.txt".into(),
            region_code: "371522".into(),
            province: String::new(),
            prefecture: String::new(),
            county: String::new(),
            level: None,
            metric: "m".into(),
            scope: Scope::Annual,
            year: 2023,
            base_year: 2022,
            change,
            unit,
            evidence: String::new(),
            offset: 0,
        }
    }

    #[test]
    fn earlier_values_by_hand() {
        // 同比增长25%: 150 ÷ 1.25 = 120. 下降20%: 80 ÷ 0.8 = 100.
        assert_eq!(
            stated(25.0, ChangeUnit::Percent).earlier_value(150.0),
            Some(120.0)
        );
        assert_eq!(
            stated(-20.0, ChangeUnit::Percent).earlier_value(80.0),
            Some(100.0)
        );
        // 减少3件: 12 − (−3) = 15. 提高2.5个百分点: 97.5 − 2.5 = 95.
        assert_eq!(
            stated(-3.0, ChangeUnit::Absolute).earlier_value(12.0),
            Some(15.0)
        );
        assert_eq!(
            stated(2.5, ChangeUnit::Points).earlier_value(97.5),
            Some(95.0)
        );
        assert_eq!(stated(-100.0, ChangeUnit::Percent).earlier_value(0.0), None);
        for u in [
            ChangeUnit::Percent,
            ChangeUnit::Absolute,
            ChangeUnit::Points,
        ] {
            assert_eq!(u.to_string().parse::<ChangeUnit>(), Ok(u));
        }
    }
}
