//! Stage 3a: the only module that builds polars frames. Column names are consts.

pub mod columns;

use polars::prelude::*;

use crate::extract::Fact;

/// Builds the long facts frame: one row per fact, columns as in the facts table.
pub fn facts_frame(facts: &[Fact]) -> PolarsResult<DataFrame> {
    use columns::*;
    df!(
        DOC => facts.iter().map(|f| f.doc.as_str()).collect::<Vec<_>>(),
        REGION_CODE => facts.iter().map(|f| f.region_code.as_str()).collect::<Vec<_>>(),
        COUNTY => facts.iter().map(|f| f.county.as_str()).collect::<Vec<_>>(),
        METRIC => facts.iter().map(|f| f.metric.as_str()).collect::<Vec<_>>(),
        YEAR => facts.iter().map(|f| f.year).collect::<Vec<_>>(),
        SCOPE => facts.iter().map(|f| f.scope.to_string()).collect::<Vec<_>>(),
        VALUE => facts.iter().map(|f| f.value).collect::<Vec<_>>(),
        UNIT => facts.iter().map(|f| f.unit.as_str()).collect::<Vec<_>>(),
        QUALIFIER => facts.iter().map(|f| f.qualifier.to_string()).collect::<Vec<_>>(),
        EVIDENCE => facts.iter().map(|f| f.evidence.as_str()).collect::<Vec<_>>(),
        OFFSET => facts.iter().map(|f| f.offset as u64).collect::<Vec<_>>(),
    )
}
