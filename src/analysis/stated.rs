//! Changes the reports state (同比增长12.5%) against the changes computed from the two years'
//! values. Where both values are known, the stated change either agrees within the stated
//! precision (rounding or truncation, as for reported rates) or is flagged with both figures
//! and both sources. Where only the later value is known, the earlier one is worked back from
//! the stated change and enters the trends as a `derived` point, never the facts table.

use std::borrow::Cow;
use std::collections::HashSet;

use polars::prelude::{PlHashMap, PlHashSet};

use super::checks::fact_check;
use super::model::Check;
use super::reason::{CheckReason, Note, Verdict};
use super::stats::{pct_change, rate_agreement, Agreement};
use crate::dataset::county_key_ref;
use crate::model::{ChangeUnit, Fact, Qualifier, Scope, StatedChange};

/// Where a value lives: county key, indicator, scope, year.
type Slot<'a> = (Cow<'a, str>, &'a str, Scope, i32);

/// What the stated changes give: checks, and earlier values worked back from them (each with
/// the note saying how).
#[derive(Debug, Default)]
pub(super) struct Outcome {
    /// One `stated_change` check per change whose two values are both known.
    pub checks: Vec<Check>,
    /// Earlier values derived from a stated change (qualifier `derived`) and how.
    pub points: Vec<(Fact, Note)>,
}

/// The key of a stated change's county, as [`county_key_ref`] makes it for facts.
fn change_key(s: &StatedChange) -> Cow<'_, str> {
    if !s.region_code.is_empty() {
        Cow::Borrowed(&s.region_code)
    } else if !s.county.is_empty() {
        Cow::Borrowed(&s.county)
    } else {
        Cow::Owned(format!("doc:{}", s.doc))
    }
}

/// Sets each stated change against the unambiguous facts `clear`; slots in `contested` (the
/// sources disagree) are neither compared nor filled. Changes are taken in order: the first
/// that derives a slot's earlier value wins.
pub(super) fn assess<'a>(
    stated: &'a [StatedChange],
    clear: &[&'a Fact],
    contested: &[&'a Fact],
) -> Outcome {
    let mut out = Outcome::default();
    if stated.is_empty() {
        return out;
    }
    // Keys borrow their text from the facts (owned keys were two allocations per fact).
    let slot =
        |f: &'a Fact| -> Slot<'a> { (county_key_ref(f), f.metric.as_str(), f.scope, f.year) };
    let known: PlHashMap<Slot<'a>, &'a Fact> = clear.iter().map(|f| (slot(f), *f)).collect();
    let disputed: PlHashSet<Slot<'a>> = contested.iter().map(|f| slot(f)).collect();
    let mut derived: HashSet<Slot<'_>> = HashSet::new();
    for s in stated {
        let key = |year: i32| (change_key(s), s.metric.as_str(), s.scope, year);
        let Some(later) = known.get(&key(s.year)).copied() else {
            continue;
        };
        let earlier_key = key(s.base_year);
        if let Some(earlier) = known.get(&earlier_key).copied() {
            if let Some(check) = compare(s, earlier, later) {
                out.checks.push(check);
            }
        } else if !disputed.contains(&earlier_key)
            && derived.insert((change_key(s), s.metric.as_str(), s.scope, s.base_year))
        {
            if let Some(point) = derive(s, later) {
                out.points.push(point);
            }
        }
    }
    out
}

/// The change the two values give, in the stated change's unit (`None` for a percent change
/// from a base of zero or less).
fn computed(s: &StatedChange, earlier: f64, later: f64) -> Option<f64> {
    match s.unit {
        ChangeUnit::Percent => pct_change(earlier, later),
        ChangeUnit::Absolute | ChangeUnit::Points => Some(later - earlier),
    }
}

/// `stated_change`: agrees within the stated precision (info) or not (warning, with both
/// figures and both sources).
fn compare(s: &StatedChange, earlier: &Fact, later: &Fact) -> Option<Check> {
    let got = computed(s, earlier.value, later.value)?;
    // Same direction, then the magnitudes at the stated precision (rounding, else truncation).
    let same_sign = (s.change >= 0.0) == (got >= 0.0) || s.change == 0.0 || got.abs() < 1e-9;
    let agreement = if same_sign {
        rate_agreement(s.change.abs(), got.abs())
    } else {
        Agreement::Inconsistent
    };
    let approx = earlier.qualifier != Qualifier::Exact || later.qualifier != Qualifier::Exact;
    let verdict = Verdict::of(agreement, approx);
    let severity = verdict.severity();
    let mut check = fact_check(
        later,
        "stated_change",
        severity,
        CheckReason::StatedChange {
            change: s.change,
            unit: s.unit,
            value_unit: later.unit.clone(),
            base_year: s.base_year,
            doc: s.doc.clone(),
            values: (earlier.value, later.value),
            computed: got,
            verdict,
        },
    );
    let mut docs = vec![s.doc.as_str()];
    for d in [earlier.doc.as_str(), later.doc.as_str()] {
        if !docs.contains(&d) {
            docs.push(d);
        }
    }
    check.doc = docs.join("; ");
    check.evidence = format!("{} | {} | {}", s.evidence, earlier.evidence, later.evidence);
    Some(check)
}

/// The earlier value worked back from a stated change and the later value, as a fact of the
/// stated change's document with qualifier `derived`, and the note saying how.
fn derive(s: &StatedChange, later: &Fact) -> Option<(Fact, Note)> {
    let value = s.earlier_value(later.value).filter(|v| v.is_finite())?;
    let note = Note::WorkedBack {
        base_year: s.base_year,
        doc: s.doc.clone(),
        change: s.change,
        unit: s.unit,
        value_unit: later.unit.clone(),
        year: s.year,
        later: later.value,
    };
    let fact = Fact {
        doc: s.doc.clone(),
        region_code: later.region_code.clone(),
        province: later.province.clone(),
        prefecture: later.prefecture.clone(),
        county: later.county.clone(),
        report_year: Some(s.year),
        metric: later.metric.clone(),
        year: s.base_year,
        scope: later.scope,
        value,
        unit: later.unit.clone(),
        qualifier: Qualifier::Derived,
        evidence: s.evidence.clone(),
        offset: s.offset,
        level: later.level,
        confidence: crate::model::Confidence::High,
        review_reason: String::new(),
    };
    Some((fact, note))
}
