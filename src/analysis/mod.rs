//! Stage 3b: facts → trends, derived rates, comparisons and checks.
//!
//! Statistics work on plain slices (`stats`), so they are tested without dataframes; the
//! tables are built and queried through `dataset`. Invariants: values of different scopes are
//! never compared or combined; conflicting values are kept and flagged, never resolved, and no
//! trend, rate or comparison is computed from them; published reference values are shown
//! beside county values, never mixed into them; every table comes out sorted.
//!
//! Order of work: sort the facts, collapse identical repeats, set conflicting values aside
//! (each becomes a [`Conflict`] and a `conflict` check), then compute everything else from the
//! unambiguous facts. The collapse is the analysis's own: a repeat (the same figure in a web
//! page and its Word attachment, or in a repost) is kept in [`Analysis::repeats`], so the facts
//! table keeps one row per value per document and the page lists every source of a value.

pub mod checks;
mod compare;
mod derived;
pub mod model;
pub mod reference;
pub mod stats;
mod trends;

pub use model::*;
pub use reference::{load_references, Reference, ReferenceError};

use polars::prelude::PolarsError;

use crate::dataset;
use crate::dict::{IndicatorDict, Kind};
use crate::model::{Fact, Qualifier};

/// Why an analysis could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A frame operation failed (a bug, not bad input: the facts are already typed).
    #[error("analysis table: {0}")]
    Frame(#[from] PolarsError),
}

/// Runs every analysis over the facts. `references` are shown beside county values only.
pub fn analyse(
    facts: &[Fact],
    dict: &IndicatorDict,
    references: &[Reference],
) -> Result<Analysis, AnalysisError> {
    analyse_owned(facts.to_vec(), dict, references)
}

/// [`analyse`], taking the facts by value: they are sorted and deduplicated in place and end
/// up in [`Analysis::facts`], and every computation works on references to them. (At national
/// scale one copy of the facts is over 100 MB; the analysis used to make four.)
pub fn analyse_owned(
    facts: Vec<Fact>,
    dict: &IndicatorDict,
    references: &[Reference],
) -> Result<Analysis, AnalysisError> {
    let (facts, repeats) = collapse_repeats(facts)?;
    let mut analysis = analyse_collapsed(&facts, dict, references)?;
    analysis.facts = facts;
    analysis.repeats = repeats;
    Ok(analysis)
}

/// The first step of the analysis, on its own: the facts sorted (county, indicator, year,
/// scope, source) with identical repeats collapsed to the first, and the repeats set aside in
/// the same order. These are exactly [`Analysis::facts`] and [`Analysis::repeats`], so a
/// caller can start writing the facts ([`all_facts`]) while the rest is computed
/// ([`analyse_collapsed`]).
pub fn collapse_repeats(mut facts: Vec<Fact>) -> Result<(Vec<Fact>, Vec<Fact>), AnalysisError> {
    // A stable sort: the parallel one gives exactly the sequential one's order.
    {
        use rayon::slice::ParallelSliceMut;
        facts.par_sort_by(|a, b| fact_order(a).cmp(&fact_order(b)));
    }
    let mut keep = vec![false; facts.len()];
    for i in dataset::distinct_rows(&facts)? {
        keep[i] = true;
    }
    let repeats = keep.iter().filter(|k| !**k).count();
    let (mut kept, mut set_aside) = (
        Vec::with_capacity(facts.len() - repeats),
        Vec::with_capacity(repeats),
    );
    for (fact, keep) in facts.into_iter().zip(keep) {
        if keep {
            kept.push(fact);
        } else {
            set_aside.push(fact);
        }
    }
    Ok((kept, set_aside))
}

/// Every fact, collapsed values and their repeats merged back in analysis order: the facts
/// table, one row per value per document. Both inputs come from [`collapse_repeats`].
pub fn all_facts<'a>(facts: &'a [Fact], repeats: &'a [Fact]) -> Vec<&'a Fact> {
    let mut out = Vec::with_capacity(facts.len() + repeats.len());
    let (mut a, mut b) = (facts.iter().peekable(), repeats.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if fact_order(y) < fact_order(x) => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(f) => out.push(f),
            None => return out,
        }
    }
}

impl Analysis {
    /// [`all_facts`] of this analysis.
    pub fn all_facts(&self) -> Vec<&Fact> {
        all_facts(&self.facts, &self.repeats)
    }

    /// The repeats collapsed into `fact` (the same county, indicator, year, scope and value
    /// stated by another document, or again by the same one), in analysis order.
    pub fn repeats_of<'a>(&'a self, fact: &'a Fact) -> impl Iterator<Item = &'a Fact> + 'a {
        let want = value_key(fact);
        let start = self.repeats.partition_point(|r| value_key(r) < want);
        self.repeats[start..]
            .iter()
            .take_while(move |r| value_key(r) == want)
            .filter(move |r| r.value.to_bits() == fact.value.to_bits())
    }
}

/// Everything after [`collapse_repeats`]: `facts` must be its first result. The returned
/// analysis leaves [`Analysis::facts`] and [`Analysis::repeats`] empty: the caller moves them
/// in once it no longer borrows them (see [`analyse_owned`]).
pub fn analyse_collapsed(
    facts: &[Fact],
    dict: &IndicatorDict,
    references: &[Reference],
) -> Result<Analysis, AnalysisError> {
    let counts = dataset::distinct_value_counts(facts)?;
    // Non-finite values (a CSV cell reading "NaN") stay in the facts table and get a check,
    // but never enter a computation.
    let clear: Vec<&Fact> = facts
        .iter()
        .zip(&counts)
        .filter(|(f, n)| **n <= 1 && f.value.is_finite())
        .map(|(f, _)| f)
        .collect();
    let contested: Vec<&Fact> = facts
        .iter()
        .zip(&counts)
        .filter(|(_, n)| **n > 1)
        .map(|(f, _)| f)
        .collect();

    let prev = dataset::previous_rows(&clear)?;
    // The comparisons (dataframe work) and the rest are independent: side by side.
    let (comparisons, (conflicts, trends, derived_rows, slopes, mut checks_out)) = rayon::join(
        || compare::comparisons(&clear, references),
        || {
            let conflicts = checks::conflicts(&contested);
            let mut checks_out = checks::conflict_checks(&conflicts);
            checks_out.extend(checks::value_checks(facts, dict));

            let (trends, jumps) = trends::trends(&clear, &prev, dict);
            checks_out.extend(jumps);

            let parts = derived::Parts::new(&clear, &contested);
            let (mut derived_rows, part_checks) = derived::rates(&parts, references);
            checks_out.extend(part_checks);
            derived_rows.extend(derived::growth(&clear, &prev, references));
            derived_rows.sort_by(|a, b| {
                (&a.region_code, &a.county, &a.metric, a.year).cmp(&(
                    &b.region_code,
                    &b.county,
                    &b.metric,
                    b.year,
                ))
            });
            let slopes = compare::slopes(&clear);
            (conflicts, trends, derived_rows, slopes, checks_out)
        },
    );
    let comparisons = comparisons?;
    drop((clear, contested));

    checks_out.sort_by(|a, b| check_order(a).cmp(&check_order(b)));
    Ok(Analysis {
        facts: Vec::new(),
        repeats: Vec::new(),
        conflicts,
        trends,
        derived: derived_rows,
        comparisons,
        slopes,
        checks: checks_out,
        references: references.to_vec(),
    })
}

/// What identifies a value (county, indicator, year, scope): the prefix of [`fact_order`].
fn value_key(f: &Fact) -> (&str, &str, &str, i32, crate::model::Scope) {
    (&f.region_code, &f.county, &f.metric, f.year, f.scope)
}

/// The order of facts everywhere: county, indicator, year, scope, then source.
fn fact_order(f: &Fact) -> (&str, &str, &str, i32, crate::model::Scope, &str, usize) {
    (
        &f.region_code,
        &f.county,
        &f.metric,
        f.year,
        f.scope,
        &f.doc,
        f.offset,
    )
}

/// The order of checks: county, indicator, year, kind, then source and message.
fn check_order(c: &Check) -> (&str, &str, &str, i32, &str, &str, &str) {
    (
        &c.region_code,
        &c.county,
        &c.metric,
        c.year,
        &c.kind,
        &c.doc,
        &c.message,
    )
}

/// Whether an indicator is a percentage (the dictionary's kind; `%` for unknown indicators).
fn is_rate(metric: &str, unit: &str, dict: &IndicatorDict) -> bool {
    dict.get(metric)
        .map_or(unit == "%", |i| i.kind == Kind::Rate)
}

/// [`is_rate`] remembering its last answer: facts come sorted by county and indicator, so
/// consecutive facts mostly ask about the same indicator (the dictionary lookup is a scan).
struct RateOf<'d, 'f> {
    dict: &'d IndicatorDict,
    last: Option<(&'f str, &'f str, bool)>,
}

impl<'d, 'f> RateOf<'d, 'f> {
    fn new(dict: &'d IndicatorDict) -> Self {
        RateOf { dict, last: None }
    }

    fn get(&mut self, metric: &'f str, unit: &'f str) -> bool {
        match self.last {
            Some((m, u, rate)) if m == metric && u == unit => rate,
            _ => {
                let rate = is_rate(metric, unit, self.dict);
                self.last = Some((metric, unit, rate));
                rate
            }
        }
    }
}

/// "more than 4000 (余/多)" / "nearly 4000 (近/约)" for approximate values; `None` otherwise.
fn approximate(f: &Fact) -> Option<String> {
    let value = crate::model::format_value(f.value);
    match f.qualifier {
        Qualifier::MoreThan => Some(format!("more than {value} (余/多)")),
        Qualifier::Nearly => Some(format!("nearly {value} (近/约)")),
        Qualifier::Exact | Qualifier::Derived => None,
    }
}
