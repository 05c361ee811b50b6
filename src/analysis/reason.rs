//! What a check found and what a reader must know about a computed row, as values: a kind
//! plus the numbers, ids and file names involved, never a sentence. The analysis decides;
//! the render layer words each value in the run's language through `data/labels.toml`
//! (`render::reasons`), so a Chinese output holds no English sentence and an English one no
//! Chinese, and a program reading the CSVs filters on the stable [`CheckReason::key`] and
//! [`Note::key`] instead of parsing prose.

use serde::{Serialize, Serializer};

use super::model::Severity;
use super::stats::Agreement;
use crate::model::{ChangeUnit, Qualifier, Scope};

/// How a figure a report states agrees with the figure its parts (or its two years) give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Equal once the computed figure is rounded to the stated decimals.
    Rounding,
    /// Equal once the computed figure's extra decimals are cut off (the report truncated).
    Truncation,
    /// Beyond rounding or truncation, but a value involved is approximate (余, 近).
    InconsistentApproximate,
    /// Beyond rounding or truncation.
    Inconsistent,
}

impl Verdict {
    /// The verdict on an agreement between a stated and a computed figure, knowing whether a
    /// value involved is approximate.
    pub(super) fn of(agreement: Agreement, approximate: bool) -> Verdict {
        match agreement {
            Agreement::Rounding => Verdict::Rounding,
            Agreement::Truncation => Verdict::Truncation,
            Agreement::Inconsistent if approximate => Verdict::InconsistentApproximate,
            Agreement::Inconsistent => Verdict::Inconsistent,
        }
    }

    /// Agreement is worth saying (info); disagreement sends the reader to the evidence.
    pub(super) fn severity(self) -> Severity {
        match self {
            Verdict::Rounding | Verdict::Truncation => Severity::Info,
            Verdict::InconsistentApproximate | Verdict::Inconsistent => Severity::Warning,
        }
    }

    /// The verdict's key (`truncation`).
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Rounding => "rounding",
            Verdict::Truncation => "truncation",
            Verdict::InconsistentApproximate => "inconsistent_approximate",
            Verdict::Inconsistent => "inconsistent",
        }
    }
}

/// What a consistency check found, with the numbers. The check's county, indicator and year
/// are the [`super::Check`]'s own fields.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum CheckReason {
    /// `conflict`: the reports state different values (value, file) for one scope.
    Conflict {
        /// The scope the values share.
        scope: Scope,
        /// Each source's value and file, in document order.
        values: Vec<(f64, String)>,
    },
    /// `not_a_number`: the value is not a finite number.
    NotANumber {
        /// The value.
        value: f64,
    },
    /// `rate_above_100`: a rate above 100%.
    RateAbove100 {
        /// The rate, percent.
        value: f64,
    },
    /// `negative_value`: a count below zero.
    Negative {
        /// The value.
        value: f64,
        /// Its unit as the report gives it.
        unit: String,
    },
    /// `rate_vs_parts`: a reported rate set against numerator ÷ denominator.
    RateVsParts {
        /// The rate the report states, percent.
        reported: f64,
        /// Numerator indicator id.
        numerator_metric: String,
        /// Numerator value.
        numerator: f64,
        /// Denominator indicator id.
        denominator_metric: String,
        /// Denominator value.
        denominator: f64,
        /// numerator ÷ denominator, percent.
        computed: f64,
        /// How the two agree.
        verdict: Verdict,
    },
    /// `part_exceeds_whole`: a part larger than its whole.
    PartExceedsWhole {
        /// Part indicator id.
        part_metric: String,
        /// Part value.
        part: f64,
        /// Whole indicator id.
        whole_metric: String,
        /// Whole value.
        whole: f64,
        /// The whole is stated as "more than" (余): only a lower bound.
        lower_bound: bool,
    },
    /// `yoy_jump` of a rate: more percentage points a year than the threshold.
    JumpPoints {
        /// Earlier year and value.
        from: (i32, f64),
        /// Later year and value.
        to: (i32, f64),
        /// Percentage points a year.
        per_year: f64,
        /// The threshold, points a year.
        threshold: f64,
    },
    /// `yoy_jump` of a count from or to zero.
    JumpZero {
        /// Earlier year and value.
        from: (i32, f64),
        /// Later year and value.
        to: (i32, f64),
    },
    /// `yoy_jump` of a count: a factor a year beyond the threshold either way.
    JumpFactor {
        /// Earlier year and value.
        from: (i32, f64),
        /// Later year and value.
        to: (i32, f64),
        /// The compound factor a year.
        factor: f64,
        /// The threshold factor (or its inverse).
        threshold: f64,
    },
    /// `stated_change`: a change a report states, set against the two years' values.
    StatedChange {
        /// The change as stated, signed.
        change: f64,
        /// How it is stated.
        unit: ChangeUnit,
        /// The indicator's own unit (for an absolute change).
        value_unit: String,
        /// The year compared with.
        base_year: i32,
        /// The file that states the change.
        doc: String,
        /// The earlier and later values.
        values: (f64, f64),
        /// The change the values give, in `unit`.
        computed: f64,
        /// How the two agree.
        verdict: Verdict,
    },
}

impl CheckReason {
    /// A stable key for programs (`rate_vs_parts.truncation`, `yoy_jump.zero`): the check's
    /// kind, then the variant where a kind has several.
    pub fn key(&self) -> String {
        match self {
            CheckReason::Conflict { .. } => "conflict".into(),
            CheckReason::NotANumber { .. } => "not_a_number".into(),
            CheckReason::RateAbove100 { .. } => "rate_above_100".into(),
            CheckReason::Negative { .. } => "negative_value".into(),
            CheckReason::RateVsParts { verdict, .. } => format!("rate_vs_parts.{}", verdict.key()),
            CheckReason::PartExceedsWhole { lower_bound, .. } => if *lower_bound {
                "part_exceeds_whole.lower_bound"
            } else {
                "part_exceeds_whole"
            }
            .into(),
            CheckReason::JumpPoints { .. } => "yoy_jump.points".into(),
            CheckReason::JumpZero { .. } => "yoy_jump.zero".into(),
            CheckReason::JumpFactor { .. } => "yoy_jump.factor".into(),
            CheckReason::StatedChange { verdict, .. } => {
                format!("stated_change.{}", verdict.key())
            }
        }
    }
}

/// Serialised as its [`CheckReason::key`]: the `reason` column of `checks.csv`.
impl Serialize for CheckReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

/// Which value of a row an [`Note::Approximate`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// The row's only value (a first year, a compared value).
    Value,
    /// The previous value of a change.
    Previous,
    /// This value of a change.
    This,
    /// A rate's numerator.
    Numerator,
    /// A rate's denominator.
    Denominator,
}

/// One thing a reader must know about a trend, derived or comparison row.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Note {
    /// The value was worked back from a change a later report states.
    WorkedBack {
        /// The year of the worked-back value.
        base_year: i32,
        /// The file that states the change.
        doc: String,
        /// The change as stated, signed.
        change: f64,
        /// How it is stated.
        unit: ChangeUnit,
        /// The indicator's own unit.
        value_unit: String,
        /// The later year, whose value the change starts from.
        year: i32,
        /// The later value.
        later: f64,
    },
    /// The value of `year` is stated in the report about `report_year`.
    StatedLater {
        /// The year the value refers to.
        year: i32,
        /// The year of the report that states it.
        report_year: i32,
    },
    /// A rate's change is in percentage points.
    RatePoints,
    /// The previous value is several years back: the percentage change covers the whole gap,
    /// the annual rate is per year.
    Gap {
        /// The previous value's year.
        from: i32,
        /// This value's year.
        to: i32,
    },
    /// The previous value comes from another file.
    PreviousFrom {
        /// That file.
        doc: String,
    },
    /// A value is approximate (余, 近), so the change, rate or value is.
    Approximate {
        /// Which value.
        which: Which,
        /// More than or about.
        qualifier: Qualifier,
        /// The value as stated.
        value: f64,
    },
    /// The previous value was itself worked back from a stated change.
    PreviousWorkedBack {
        /// Its year.
        year: i32,
        /// Its value.
        value: f64,
        /// The file that states the change.
        doc: String,
    },
    /// A derived rate's formula with its numbers.
    Parts {
        /// Numerator indicator id.
        numerator_metric: String,
        /// Numerator value.
        numerator: f64,
        /// Denominator indicator id.
        denominator_metric: String,
        /// Denominator value.
        denominator: f64,
    },
    /// The preferred denominator is not reported for the year: another one is used.
    Fallback {
        /// The denominator used (indicator id).
        used: String,
        /// The preferred one (indicator id).
        preferred: String,
        /// The year.
        year: i32,
    },
    /// Numerator and denominator come from different files.
    PartsFrom {
        /// The numerator's file.
        numerator_doc: String,
        /// The denominator's file.
        denominator_doc: String,
    },
    /// Growth of a stock between two years, with the Poisson ratio interval's method.
    Growth {
        /// Earlier year and value.
        from: (i32, f64),
        /// Later year and value.
        to: (i32, f64),
    },
    /// Growth over a gap of several years, not per year.
    GrowthGap {
        /// Years between the two values.
        gap: i32,
    },
    /// A latest-year comparison in which every unit's latest year is `year`.
    LatestAll {
        /// The year.
        year: i32,
    },
    /// A latest-year comparison whose units' latest years differ.
    LatestDiffer {
        /// The earliest latest year.
        first: i32,
        /// The latest one.
        last: i32,
    },
}

impl Note {
    /// A stable key for programs (`fallback_denominator`).
    pub fn key(&self) -> &'static str {
        match self {
            Note::WorkedBack { .. } => "worked_back",
            Note::StatedLater { .. } => "stated_in_later_report",
            Note::RatePoints => "rate_points",
            Note::Gap { .. } => "gap",
            Note::PreviousFrom { .. } => "previous_from_other_file",
            Note::Approximate { .. } => "approximate",
            Note::PreviousWorkedBack { .. } => "previous_worked_back",
            Note::Parts { .. } => "parts",
            Note::Fallback { .. } => "fallback_denominator",
            Note::PartsFrom { .. } => "parts_from_two_files",
            Note::Growth { .. } => "growth",
            Note::GrowthGap { .. } => "growth_gap",
            Note::LatestAll { .. } => "latest_same_year",
            Note::LatestDiffer { .. } => "latest_years_differ",
        }
    }
}

/// The notes of one row, in the order a reader needs them.
#[derive(Debug, Clone, Default, PartialEq, PartialOrd)]
pub struct Notes(pub Vec<Note>);

impl Notes {
    /// True without notes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The notes' keys joined by `;` (`gap;approximate`): the `note_keys` column.
    pub fn keys(&self) -> String {
        let keys: Vec<&str> = self.0.iter().map(Note::key).collect();
        keys.join(";")
    }
}

/// Serialised as [`Notes::keys`].
impl Serialize for Notes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.keys())
    }
}
