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
//! unambiguous facts. The table work is lazy polars queries over the facts frame
//! ([`dataset::FactsFrame`]): trends (a shift over the series window), comparisons (ranks,
//! medians and spreads over windows by level and region), slopes (a group aggregation); the
//! answers are taken out of the frames once, as typed rows. Stated changes are set against
//! the computed ones (`stated`); timeliness reads the documents' metadata.
//! The collapse is the analysis's own: a repeat (the same figure in a web
//! page and its Word attachment, or in a repost) is kept in [`Analysis::repeats`], so the facts
//! table keeps one row per value per document and the page lists every source of a value.

pub mod checks;
mod compare;
mod derived;
pub mod model;
pub mod reference;
mod stated;
pub mod stats;
pub mod timeliness;
mod trends;

pub use model::*;
pub use reference::{load_references, Reference, ReferenceError};

use polars::prelude::PolarsError;

use crate::dataset;
use crate::dict::{IndicatorDict, Kind};
use crate::model::{DocMeta, Fact, Qualifier, Scope, StatedChange};

/// What the analysis reads besides the facts and the dictionary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    /// Published reference values, shown beside county values only.
    pub references: &'a [Reference],
    /// Changes the reports state (同比增长…), set against the computed ones.
    pub stated_changes: &'a [StatedChange],
    /// Every document read, with its metadata (for timeliness).
    pub documents: &'a [(String, DocMeta)],
}

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

/// [`analyse`] with stated changes and the documents' metadata ([`Inputs`]).
pub fn analyse_with(
    facts: &[Fact],
    dict: &IndicatorDict,
    inputs: &Inputs<'_>,
) -> Result<Analysis, AnalysisError> {
    let (facts, repeats) = collapse_repeats(facts.to_vec())?;
    let mut analysis = analyse_collapsed_with(&facts, dict, inputs)?;
    analysis.facts = facts;
    analysis.repeats = repeats;
    Ok(analysis)
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
    analyse_collapsed_with(
        facts,
        dict,
        &Inputs {
            references,
            ..Inputs::default()
        },
    )
}

/// [`analyse_collapsed`] with stated changes and the documents' metadata.
pub fn analyse_collapsed_with(
    facts: &[Fact],
    dict: &IndicatorDict,
    inputs: &Inputs<'_>,
) -> Result<Analysis, AnalysisError> {
    let references = inputs.references;
    let counts = dataset::distinct_value_counts(facts)?;
    // Non-finite values (a CSV cell reading "NaN") stay in the facts table and get a check,
    // but never enter a computation; nor do values for part of a year (1–4月 of one unit is
    // not comparable with 1–11月 of another, nor with a year).
    let mut clear: Vec<&Fact> = Vec::with_capacity(facts.len());
    let mut contested: Vec<&Fact> = Vec::new();
    for (f, &n) in facts.iter().zip(&counts) {
        if n > 1 {
            contested.push(f);
        } else if f.value.is_finite() && f.scope != Scope::Partial {
            clear.push(f);
        }
    }
    drop(counts);

    // Stated changes: checked against the values, or giving a derived earlier value that
    // joins the trends (only the trends: a derived point is never ranked or combined).
    let stated = stated::assess(inputs.stated_changes, &clear, &contested);
    let mut trend_facts: Vec<&Fact> = clear.clone();
    trend_facts.extend(stated.points.iter().map(|(f, _)| f));
    let mut derivations: Vec<Option<String>> = vec![None; clear.len()];
    derivations.extend(stated.points.iter().map(|(_, how)| Some(how.clone())));
    let rates: Vec<bool> = trend_facts
        .iter()
        .map(|f| is_rate(&f.metric, &f.unit, dict))
        .collect();

    // Comparisons and slopes on one side; trends, rates and checks on the other.
    let (compared, rest) = rayon::join(
        || -> Result<_, PolarsError> {
            Ok((
                compare::comparisons(&clear, references)?,
                compare::slopes(&clear)?,
            ))
        },
        || -> Result<_, PolarsError> {
            let steps = trends::steps(&trend_facts, rates.clone())?;
            let (trends, jumps) = trends::trends(&trend_facts, &steps, &rates, &derivations);
            let conflicts = checks::conflicts(&contested);
            let mut checks_out = checks::conflict_checks(&conflicts);
            checks_out.extend(checks::value_checks(facts, dict));
            checks_out.extend(jumps);
            checks_out.extend(stated.checks);

            let parts = derived::Parts::new(&clear, &contested)?;
            let (mut derived_rows, part_checks) = derived::rates(&parts, references)?;
            checks_out.extend(part_checks);
            // Growth compares reported values only: without derived points, the trends'
            // previous rows are exactly those of the unambiguous facts.
            let prev = if stated.points.is_empty() {
                steps.prev
            } else {
                dataset::previous_rows(&clear)?
            };
            derived_rows.extend(derived::growth(&clear, &prev, references));
            derived_rows.sort_by(|a, b| {
                (&a.region_code, &a.county, &a.metric, a.year).cmp(&(
                    &b.region_code,
                    &b.county,
                    &b.metric,
                    b.year,
                ))
            });
            Ok((conflicts, trends, derived_rows, checks_out))
        },
    );
    let derived_points: Vec<Fact> = stated.points.iter().map(|(f, _)| f.clone()).collect();
    let (comparisons, slopes) = compared?;
    let (conflicts, trends, derived_rows, mut checks_out) = rest?;
    drop((clear, contested, trend_facts));

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
        timeliness: timeliness::timeliness(inputs.documents),
        derived_points,
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

/// "more than 4000 (余/多)" / "nearly 4000 (近/约)" for approximate values; `None` otherwise.
fn approximate(f: &Fact) -> Option<String> {
    let value = crate::model::format_value(f.value);
    match f.qualifier {
        Qualifier::MoreThan => Some(format!("more than {value} (余/多)")),
        Qualifier::Nearly => Some(format!("nearly {value} (近/约)")),
        Qualifier::Exact | Qualifier::Derived => None,
    }
}
