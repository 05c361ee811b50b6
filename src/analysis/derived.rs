//! Rates computed from their parts, each with numerator, denominator and a 95% Wilson interval,
//! and the checks that pair a value with its parts: a reported rate against the rate its parts
//! give, a part against its whole. Parts are only combined within one county, year and scope.

use polars::prelude::*;

use super::approximate;
use super::checks::fact_check;
use super::model::{Check, DerivedRow, Severity};
use super::reason::{CheckReason, Note, Notes, Verdict, Which};
use super::reference::Reference;
use super::stats::{pct_change, rate_agreement, ratio_interval, wilson_interval};
use crate::dataset::columns::{CONTESTED, METRIC, REGION, ROW, SCOPE, YEAR};
use crate::dataset::{usize_column, FactsFrame};
use crate::model::{Fact, Qualifier, Scope};

/// A rate defined as numerator ÷ denominator.
struct RateDef {
    /// Id of the derived rate.
    metric: &'static str,
    /// Id of the rate reports state themselves, if any (checked against the parts).
    reported: Option<&'static str>,
    /// Numerator indicator.
    numerator: &'static str,
    /// Denominator indicators, preferred first; a later one is a fallback, said in the note.
    denominators: &'static [&'static str],
}

/// The derived rates. 纠错率 is corrected ÷ concluded (审结); reports that give no concluded
/// count fall back to accepted (受理), which the row's note says.
const RATES: [RateDef; 3] = [
    RateDef {
        metric: "reconsideration.correction_rate.derived",
        reported: Some("reconsideration.correction_rate"),
        numerator: "reconsideration.corrected",
        denominators: &["reconsideration.concluded", "reconsideration.accepted"],
    },
    RateDef {
        metric: "reconsideration.acceptance_rate.derived",
        reported: None,
        numerator: "reconsideration.accepted",
        denominators: &["reconsideration.received"],
    },
    RateDef {
        metric: "mediation.success_rate.derived",
        reported: Some("mediation.success_rate"),
        numerator: "mediation.successful",
        denominators: &["mediation.disputes"],
    },
];

/// Parts that can never exceed their whole within one county, year and scope.
const PART_WHOLE: [(&str, &str); 5] = [
    ("reconsideration.accepted", "reconsideration.received"),
    ("reconsideration.rejected", "reconsideration.received"),
    ("reconsideration.corrected", "reconsideration.concluded"),
    ("mediation.successful", "mediation.disputes"),
    ("enforcement.exam_passed", "enforcement.exam_candidates"),
];

/// Stock indicators whose growth between two reported years is a derived indicator.
const GROWTH: [&str; 1] = ["enforcement.certified_staff"];

/// The unambiguous and the contested facts as one facts frame, flagged [`CONTESTED`], so a
/// value's parts are found by joining on county, year and scope.
pub(super) struct Parts<'a> {
    /// The facts the frame's rows point to.
    facts: &'a [Fact],
    frame: FactsFrame,
}

impl<'a> Parts<'a> {
    /// The parts of `frame`'s rows (rows of `facts`): those where `keep` is true, each flagged
    /// with `contested`.
    pub(super) fn new(
        facts: &'a [Fact],
        frame: &FactsFrame,
        keep: &[bool],
        contested: &[bool],
    ) -> PolarsResult<Self> {
        let flags = keep
            .iter()
            .zip(contested)
            .filter(|(k, _)| **k)
            .map(|(_, c)| *c)
            .collect();
        let frame = frame.filter(keep)?.with_flag(CONTESTED, flags)?;
        Ok(Parts { facts, frame })
    }

    /// The code of an indicator in the frame, if any fact has it.
    fn code(&self, metric: &str) -> Option<u32> {
        let i = self.frame.metrics().iter().position(|m| m == metric)?;
        u32::try_from(i).ok()
    }

    /// Each unambiguous fact of `metric`, in county, year and scope order, with what its
    /// county, year and scope hold for each of `others`: a left join of the facts of `metric`
    /// with, per other indicator, its slots (first row, and whether any of it is contested).
    fn joined(
        &self,
        metric: &str,
        others: &[&str],
    ) -> PolarsResult<Vec<(&'a Fact, Vec<Lookup<'a>>)>> {
        let Some(code) = self.code(metric) else {
            return Ok(Vec::new());
        };
        let key = [col(REGION), col(YEAR), col(SCOPE)];
        let mut query = self
            .frame
            .lazy()
            .filter(col(METRIC).eq(lit(code)).and(col(CONTESTED).not()))
            .select([col(ROW), col(REGION), col(YEAR), col(SCOPE)]);
        let mut joined = Vec::new();
        for (k, other) in others.iter().enumerate() {
            let Some(other) = self.code(other) else {
                continue;
            };
            let (row, contested) = (format!("row_{k}"), format!("contested_{k}"));
            let slots = self
                .frame
                .lazy()
                .filter(col(METRIC).eq(lit(other)))
                .group_by(key.clone())
                .agg([
                    col(ROW).first().alias(row.as_str()),
                    col(CONTESTED)
                        .cast(DataType::UInt32)
                        .max()
                        .alias(contested.as_str()),
                ]);
            query = query.join(
                slots,
                key.clone(),
                key.clone(),
                JoinArgs::new(JoinType::Left),
            );
            joined.push((k, row, contested));
        }
        let out = query
            .sort(
                [REGION, YEAR, SCOPE],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .collect()?;
        let rows = usize_column(&out, ROW)?;
        let mut lookups: Vec<Vec<Lookup<'a>>> =
            vec![vec![Lookup::Missing; others.len()]; rows.len()];
        for (k, row, contested) in joined {
            let found = usize_column(&out, &row)?;
            let contested = usize_column(&out, &contested)?;
            for (i, lookup) in lookups.iter_mut().enumerate() {
                lookup[k] = match (found[i], contested[i]) {
                    (Some(_), Some(c)) if c > 0 => Lookup::Contested,
                    (Some(r), _) => self.facts.get(r).map_or(Lookup::Missing, Lookup::Found),
                    (None, _) => Lookup::Missing,
                };
            }
        }
        Ok(rows
            .into_iter()
            .zip(lookups)
            .filter_map(|(row, lookup)| Some((self.facts.get(row?)?, lookup)))
            .collect())
    }
}

/// What a lookup of a sibling value found.
#[derive(Clone, Copy)]
enum Lookup<'a> {
    Found(&'a Fact),
    Contested,
    Missing,
}

/// The derived rates, plus `rate_vs_parts` and `part_exceeds_whole` checks.
pub(super) fn rates(
    parts: &Parts<'_>,
    references: &[Reference],
) -> PolarsResult<(Vec<DerivedRow>, Vec<Check>)> {
    let mut rows = Vec::new();
    let mut checks = Vec::new();
    for def in &RATES {
        // The denominators in order of preference, then the reported rate.
        let mut others: Vec<&str> = def.denominators.to_vec();
        others.extend(def.reported);
        for (num, found) in parts.joined(def.numerator, &others)? {
            let Some((den, fallback)) = denominator(&found[..def.denominators.len()], def) else {
                continue;
            };
            if den.value <= 0.0 || num.value < 0.0 || num.value > den.value {
                continue; // part_exceeds_whole / negative_value say why
            }
            let Some((lo, hi)) = wilson_interval(num.value, den.value) else {
                continue;
            };
            let value = num.value / den.value * 100.0;
            let mut notes = vec![Note::Parts {
                numerator_metric: def.numerator.to_string(),
                numerator: num.value,
                denominator_metric: den.metric.clone(),
                denominator: den.value,
            }];
            if let Some(preferred) = fallback {
                notes.push(Note::Fallback {
                    used: den.metric.clone(),
                    preferred: preferred.to_string(),
                    year: num.year,
                });
            }
            notes.extend(part_notes(num, den));
            let base = def.metric.trim_end_matches(".derived");
            if let Some(Lookup::Found(rep)) = found.get(def.denominators.len()) {
                checks.push(rate_check(rep, num, den, value));
            }
            rows.push(DerivedRow {
                region_code: num.region_code.clone(),
                county: num.county.clone(),
                level: num.level,
                metric: def.metric.into(),
                year: num.year,
                numerator_metric: num.metric.clone(),
                numerator: num.value,
                denominator_metric: den.metric.clone(),
                denominator: den.value,
                value,
                ci_low: lo * 100.0,
                ci_high: hi * 100.0,
                reference: reference(references, base, num.year, num.scope),
                notes: Notes(notes),
                evidence: format!("{} / {}", num.evidence, den.evidence),
            });
        }
    }
    for (part_id, whole_id) in PART_WHOLE {
        for (part, found) in parts.joined(part_id, &[whole_id])? {
            if let Some(Lookup::Found(whole)) = found.first() {
                if part.value > whole.value {
                    checks.push(exceeds(part, whole));
                }
            }
        }
    }
    Ok((rows, checks))
}

/// The denominator to use, from what the numerator's county, year and scope hold for each
/// of `def`'s denominators (`found`, in order of preference), and the preferred one it falls
/// back from, if any. A contested preferred denominator stops the fallback: the rate is then
/// not computed.
fn denominator<'a>(
    found: &[Lookup<'a>],
    def: &RateDef,
) -> Option<(&'a Fact, Option<&'static str>)> {
    for (i, lookup) in found.iter().enumerate() {
        match lookup {
            Lookup::Found(den) => return Some((den, (i > 0).then(|| def.denominators[0]))),
            Lookup::Contested => return None,
            Lookup::Missing => {}
        }
    }
    None
}

/// Notes on approximate parts and parts read from different reports.
fn part_notes(num: &Fact, den: &Fact) -> Vec<Note> {
    let mut notes = Vec::new();
    for (which, f) in [(Which::Numerator, num), (Which::Denominator, den)] {
        notes.extend(approximate(f, which));
    }
    if num.doc != den.doc {
        notes.push(Note::PartsFrom {
            numerator_doc: num.doc.clone(),
            denominator_doc: den.doc.clone(),
        });
    }
    notes
}

/// `rate_vs_parts`: a reported rate against the rate computed from its parts, saying whether
/// they agree by rounding, by truncation, or not at all.
fn rate_check(reported: &Fact, num: &Fact, den: &Fact, computed: f64) -> Check {
    let agreement = rate_agreement(reported.value, computed);
    let approx = num.qualifier != Qualifier::Exact || den.qualifier != Qualifier::Exact;
    let verdict = Verdict::of(agreement, approx);
    let severity = verdict.severity();
    let mut check = fact_check(
        reported,
        "rate_vs_parts",
        severity,
        CheckReason::RateVsParts {
            reported: reported.value,
            numerator_metric: num.metric.clone(),
            numerator: num.value,
            denominator_metric: den.metric.clone(),
            denominator: den.value,
            computed,
            verdict,
        },
    );
    check.evidence = format!(
        "{} | {} | {}",
        reported.evidence, num.evidence, den.evidence
    );
    check
}

/// `part_exceeds_whole`: an error, or a warning when the whole is only a lower bound (余).
fn exceeds(part: &Fact, whole: &Fact) -> Check {
    let lower_bound = whole.qualifier == Qualifier::MoreThan;
    let mut check = fact_check(
        part,
        "part_exceeds_whole",
        if lower_bound {
            Severity::Warning
        } else {
            Severity::Error
        },
        CheckReason::PartExceedsWhole {
            part_metric: part.metric.clone(),
            part: part.value,
            whole_metric: whole.metric.clone(),
            whole: whole.value,
            lower_bound,
        },
    );
    check.evidence = format!("{} | {}", part.evidence, whole.evidence);
    if part.doc != whole.doc {
        check.doc = format!("{}; {}", part.doc, whole.doc);
    }
    check
}

/// Growth of stock indicators (certified enforcement staff) between consecutive reported years,
/// with a 95% interval that treats both counts as Poisson (see `stats::ratio_interval`).
pub(super) fn growth(
    facts: &[&Fact],
    prev: &[Option<usize>],
    references: &[Reference],
) -> Vec<DerivedRow> {
    let mut rows = Vec::new();
    for (&f, p) in facts.iter().zip(prev) {
        let Some(&p) = p.and_then(|j| facts.get(j)) else {
            continue;
        };
        if !GROWTH.contains(&f.metric.as_str()) {
            continue;
        }
        let (Some(value), Some((lo, hi))) = (
            pct_change(p.value, f.value),
            ratio_interval(f.value, p.value),
        ) else {
            continue;
        };
        let metric = format!("{}.growth", f.metric);
        let mut notes = vec![Note::Growth {
            from: (p.year, p.value),
            to: (f.year, f.value),
        }];
        if f.year - p.year > 1 {
            notes.push(Note::GrowthGap {
                gap: f.year - p.year,
            });
        }
        notes.extend(part_notes(f, p));
        rows.push(DerivedRow {
            region_code: f.region_code.clone(),
            county: f.county.clone(),
            level: f.level,
            reference: reference(references, &metric, f.year, f.scope),
            metric,
            year: f.year,
            numerator_metric: f.metric.clone(),
            numerator: f.value,
            denominator_metric: p.metric.clone(),
            denominator: p.value,
            value,
            ci_low: (lo - 1.0) * 100.0,
            ci_high: (hi - 1.0) * 100.0,
            notes: Notes(notes),
            evidence: format!("{} / {}", f.evidence, p.evidence),
        });
    }
    rows
}

/// The published reference value for an indicator, year and scope, if any.
pub(super) fn reference(
    references: &[Reference],
    metric: &str,
    year: i32,
    scope: Scope,
) -> Option<f64> {
    references
        .iter()
        .find(|r| r.indicator == metric && r.year == year && r.scope == scope)
        .map(|r| r.value)
}
