//! Consistency checks on single values and on conflicts between documents. Checks that need
//! two values (a rate and its parts, a part and its whole, a year and the year before) live
//! beside the computation that pairs them (`derived`, `trends`); their thresholds are here.

use super::model::{Check, Conflict, ConflictSource, Severity};
use super::reason::CheckReason;
use crate::model::{Fact, Level};

/// A count that changes by more than this factor per year (more than doubles, or falls below
/// half) is flagged as a `yoy_jump`. County caseloads rarely double or halve within a year;
/// when they seem to, the usual causes are a changed counting basis (a cumulative total read as
/// a year's flow, a subset read as the total) or a misread figure, so the reader is sent to the
/// evidence. For longer gaps the factor applies to the compound per-year change.
pub const YOY_JUMP_FACTOR: f64 = 2.0;

/// Counts are only flagged when one of the two values is at least this large: small counts
/// move by large factors by chance (3 → 7 corrected cases is not a finding).
pub const YOY_JUMP_MIN_COUNT: f64 = 20.0;

/// A rate that moves by more than this many percentage points per year is flagged as a
/// `yoy_jump` (rates reported by counties sit mostly near 90–100% and move by a few points).
pub const YOY_JUMP_RATE_POINTS: f64 = 20.0;

/// Groups contested facts (several values for one county, indicator, year and scope) into
/// conflicts, sources in document order, sorted by county, indicator, year and scope. `keys[i]` is contested fact `i`'s (unit place,
/// indicator code) in sorted order and `values[i]` its (county key code, year, scope code):
/// the facts frame's codes follow the text's sorted order, so grouping and sorting compare
/// integers, not strings.
pub(super) fn conflicts(
    contested: &[&Fact],
    keys: &[(u32, u32)],
    values: &[(u32, i32, u32)],
) -> Vec<Conflict> {
    // Grouped in (county key, indicator, year, scope) order, each group in the facts' order.
    let mut order: Vec<((u32, u32, i32, u32), usize)> = (0..contested.len())
        .map(|i| {
            let (county, year, scope) = values[i];
            ((county, keys[i].1, year, scope), i)
        })
        .collect();
    order.sort_unstable();
    let mut out: Vec<((u32, u32, i32, u32), Conflict)> = Vec::new();
    for group in order.chunk_by(|a, b| a.0 == b.0) {
        let mut rows: Vec<usize> = group.iter().map(|(_, i)| *i).collect();
        rows.sort_by(|&a, &b| {
            let (a, b) = (contested[a], contested[b]);
            (&a.doc, a.offset).cmp(&(&b.doc, b.offset))
        });
        let fs: Vec<&Fact> = rows.iter().map(|&i| contested[i]).collect();
        let ((_, metric, year, scope), first_i) = (group[0].0, rows[0]);
        let first = fs[0];
        out.push((
            (keys[first_i].0, metric, year, scope),
            Conflict {
                region_code: first.region_code.clone(),
                county: first.county.clone(),
                metric: first.metric.clone(),
                year: first.year,
                scope: first.scope,
                sources: fs
                    .iter()
                    .map(|f| ConflictSource {
                        value: f.value,
                        doc: f.doc.clone(),
                        evidence: f.evidence.clone(),
                    })
                    .collect(),
            },
        ));
    }
    // Stable: groups of one unit's code and name (two unresolved reports) keep their order.
    out.sort_by_key(|(key, _)| *key);
    out.into_iter().map(|(_, c)| c).collect()
}

/// One `conflict` check per conflict, saying that nothing is computed from its values.
pub(super) fn conflict_checks(conflicts: &[Conflict]) -> Vec<Check> {
    conflicts
        .iter()
        .map(|c| {
            let mut docs: Vec<&str> = c.sources.iter().map(|s| s.doc.as_str()).collect();
            docs.dedup();
            Check {
                kind: "conflict".into(),
                severity: Severity::Warning,
                region_code: c.region_code.clone(),
                county: c.county.clone(),
                level: Level::of_code(&c.region_code),
                doc: docs.join("; "),
                metric: c.metric.clone(),
                year: c.year,
                reason: CheckReason::Conflict {
                    scope: c.scope,
                    values: c.sources.iter().map(|s| (s.value, s.doc.clone())).collect(),
                },
                evidence: c
                    .sources
                    .iter()
                    .map(|s| s.evidence.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            }
        })
        .collect()
}

/// Checks on single values: rates above 100%, negative values (both impossible for the
/// indicators fazhi knows) and values that are not finite numbers. `rates[i]` says whether
/// fact `i` is a rate ([`super::is_rate`]).
pub(super) fn value_checks(facts: &[Fact], rates: &[bool]) -> Vec<Check> {
    let mut out = Vec::new();
    for (f, &rate) in facts.iter().zip(rates) {
        if !f.value.is_finite() {
            out.push(fact_check(
                f,
                "not_a_number",
                Severity::Error,
                CheckReason::NotANumber { value: f.value },
            ));
            continue;
        }
        if f.value > 100.0 && rate {
            out.push(fact_check(
                f,
                "rate_above_100",
                Severity::Error,
                CheckReason::RateAbove100 { value: f.value },
            ));
        }
        if f.value < 0.0 {
            out.push(fact_check(
                f,
                "negative_value",
                Severity::Error,
                CheckReason::Negative {
                    value: f.value,
                    unit: f.unit.clone(),
                },
            ));
        }
    }
    out
}

/// A check about one fact, with its provenance.
pub(super) fn fact_check(f: &Fact, kind: &str, severity: Severity, reason: CheckReason) -> Check {
    Check {
        kind: kind.into(),
        severity,
        region_code: f.region_code.clone(),
        county: f.county.clone(),
        level: f.level,
        doc: f.doc.clone(),
        metric: f.metric.clone(),
        year: f.year,
        reason,
        evidence: f.evidence.clone(),
    }
}
