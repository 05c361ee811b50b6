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
//! unambiguous facts. The table work is lazy polars queries over one facts frame
//! ([`dataset::FactsFrame`], built once; every subset is rows taken from it): trends (the
//! previous row of the series by a masked shift), comparisons (medians and spreads by group
//! aggregation; ranks within level, prefecture and province read off one sort per grouping,
//! see [`dataset::frame_standings`]), slopes (a group aggregation); the answers are taken out
//! of the frames once, as typed rows. Rows are sorted by integer keys (indicator codes, each
//! unit's place in code-then-name order), not by their text. Stated changes are set against
//! the computed ones (`stated`); timeliness reads the documents' metadata.
//! The collapse is the analysis's own: a repeat (the same figure in a web
//! page and its Word attachment, or in a repost) is kept in [`Analysis::repeats`], so the facts
//! table keeps one row per value per document and the page lists every source of a value.

pub mod checks;
mod compare;
mod derived;
pub mod model;
pub mod national;
mod order;
pub mod reason;
pub mod reference;
mod stated;
pub mod stats;
pub mod timeliness;
mod trends;

pub use model::*;
pub use reason::{CheckReason, Note, Notes, Verdict, Which};
pub use reference::{load_references, Reference, ReferenceError};

use polars::prelude::PolarsError;

use std::cmp::Ordering;

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
    // One facts frame for every query: the subsets below are rows taken from it, whose
    // [`ROW`](dataset::columns::ROW) is their place in `facts`.
    let frame = dataset::FactsFrame::new(facts)?;
    let counts = dataset::frame_value_counts(frame.frame())?;
    // Non-finite values (a CSV cell reading "NaN") stay in the facts table and get a check,
    // but never enter a computation; nor do values for part of a year (1–4月 of one unit is
    // not comparable with 1–11月 of another, nor with a year).
    let mut clear: Vec<&Fact> = Vec::with_capacity(facts.len());
    let mut contested: Vec<&Fact> = Vec::new();
    let (mut is_clear, mut is_contested) = (vec![false; facts.len()], vec![false; facts.len()]);
    for (i, (f, &n)) in facts.iter().zip(&counts).enumerate() {
        if n > 1 {
            contested.push(f);
            is_contested[i] = true;
        } else if f.value.is_finite() && f.scope != Scope::Partial {
            clear.push(f);
            is_clear[i] = true;
        }
    }
    drop(counts);
    let clear_frame = frame.filter(&is_clear)?;
    let all_rates = rate_flags(facts, &frame, dict)?;
    let places = order::UnitPlaces::new(facts);

    // Stated changes: checked against the values, or giving a derived earlier value that
    // joins the trends (only the trends: a derived point is never ranked or combined).
    let stated = stated::assess(inputs.stated_changes, &clear, &contested);
    let points: Vec<&Fact> = stated.points.iter().map(|(f, _)| f).collect();
    let mut trend_facts: Vec<&Fact> = clear.clone();
    trend_facts.extend(points.iter().copied());
    let mut derivations: Vec<Option<Note>> = vec![None; clear.len()];
    derivations.extend(stated.points.iter().map(|(_, how)| Some(how.clone())));
    // The trends' frame: the unambiguous facts, then the derived points (rows past the facts).
    let trend_frame = if points.is_empty() {
        clear_frame.clone()
    } else {
        match clear_frame.appended(&points, facts.len() as u32)? {
            Some(frame) => frame,
            None => dataset::FactsFrame::new(&trend_facts)?,
        }
    };
    let rates = rate_flags(&trend_facts, &trend_frame, dict)?;
    let trend_units = is_clear
        .iter()
        .enumerate()
        .filter(|(_, c)| **c)
        .map(|(i, _)| places.of_row(i))
        .chain(points.iter().map(|f| places.of(f)));
    let (contested_keys, contested_values) = {
        let df = frame.frame();
        let code = |name| dataset::u32_column(df, name);
        let (region, metric, scope) = (
            code(dataset::columns::REGION)?,
            code(dataset::columns::METRIC)?,
            code(dataset::columns::SCOPE)?,
        );
        let rows = is_contested.iter().enumerate().filter(|(_, c)| **c);
        let keys: Vec<(u32, u32)> = rows
            .clone()
            .map(|(i, _)| (places.of_row(i), metric[i]))
            .collect();
        let values: Vec<(u32, i32, u32)> = rows
            .map(|(i, _)| (region[i], facts[i].year, scope[i]))
            .collect();
        (keys, values)
    };
    let trend_keys: Vec<(u32, u32)> = trend_units
        .zip(dataset::u32_column(
            trend_frame.frame(),
            dataset::columns::METRIC,
        )?)
        .collect();

    // Comparisons and slopes on one side; trends, rates and checks on the other.
    let (compared, rest) = rayon::join(
        || -> Result<_, PolarsError> {
            // The regional aggregates beside the comparisons: work for the second core.
            let (c, regional) = rayon::join(
                || compare::comparisons(facts, &clear_frame, &places, references),
                || national::regional(&clear, inputs.documents),
            );
            let s = compare::slopes(facts, &clear_frame)?;
            Ok((c?, s, regional?))
        },
        || -> Result<_, PolarsError> {
            let steps = trends::steps(&trend_frame, rates.clone())?;
            let (trends, jumps) =
                trends::trends(&trend_facts, &trend_keys, &steps, &rates, &derivations);
            let conflicts = checks::conflicts(&contested, &contested_keys, &contested_values);
            let mut checks_out = checks::conflict_checks(&conflicts);
            checks_out.extend(checks::value_checks(facts, &all_rates));
            checks_out.extend(jumps);
            checks_out.extend(stated.checks);
            // Parts: every value that is a number, contested ones flagged.
            let is_part: Vec<bool> = is_clear
                .iter()
                .zip(&is_contested)
                .map(|(a, b)| *a || *b)
                .collect();
            let parts = derived::Parts::new(facts, &frame, &is_part, &is_contested)?;
            let (mut derived_rows, part_checks) = derived::rates(&parts, references)?;
            checks_out.extend(part_checks);
            // Growth compares reported values only: without derived points, the trends'
            // previous rows are exactly those of the unambiguous facts.
            let prev = if points.is_empty() {
                steps.prev
            } else {
                dataset::previous_frame_rows(clear_frame.frame())?
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
    let (comparisons, slopes, mut national) = compared?;
    let (conflicts, trends, derived_rows, mut checks_out) = rest?;
    // The national findings read the comparisons (ranks within provinces).
    national::add_findings(&mut national, &comparisons, facts);
    drop((clear, contested, trend_facts));

    checks_out.sort_by(|a, b| {
        check_order(a)
            .cmp(&check_order(b))
            .then_with(|| a.reason.partial_cmp(&b.reason).unwrap_or(Ordering::Equal))
    });
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
        national,
    })
}

/// Whether each fact is a rate ([`is_rate`]); `frame` holds the facts in order. Each
/// indicator of the frame is looked up in the dictionary once, not once per fact.
fn rate_flags<F: std::borrow::Borrow<Fact>>(
    facts: &[F],
    frame: &dataset::FactsFrame,
    dict: &IndicatorDict,
) -> Result<Vec<bool>, PolarsError> {
    let known: Vec<Option<bool>> = frame
        .metrics()
        .iter()
        .map(|m| dict.get(m).map(|i| i.kind == Kind::Rate))
        .collect();
    let codes = dataset::u32_column(frame.frame(), dataset::columns::METRIC)?;
    Ok(facts
        .iter()
        .zip(codes)
        .map(
            |(f, code)| match known.get(code as usize).copied().flatten() {
                Some(rate) => rate,
                None => {
                    let f = f.borrow();
                    is_rate(&f.metric, &f.unit, dict)
                }
            },
        )
        .collect())
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

/// The order of checks: county, indicator, year, kind, then source (then the reason, by its
/// numbers).
fn check_order(c: &Check) -> (&str, &str, &str, i32, &str, &str) {
    (
        &c.region_code,
        &c.county,
        &c.metric,
        c.year,
        &c.kind,
        &c.doc,
    )
}

/// Whether an indicator is a percentage (the dictionary's kind; `%` for unknown indicators).
fn is_rate(metric: &str, unit: &str, dict: &IndicatorDict) -> bool {
    dict.get(metric)
        .map_or(unit == "%", |i| i.kind == Kind::Rate)
}

/// The note for an approximate value (余/多, 近/约) of `which`; `None` for an exact one.
fn approximate(f: &Fact, which: Which) -> Option<Note> {
    match f.qualifier {
        Qualifier::MoreThan | Qualifier::Nearly => Some(Note::Approximate {
            which,
            qualifier: f.qualifier,
            value: f.value,
        }),
        Qualifier::Exact | Qualifier::Derived => None,
    }
}
