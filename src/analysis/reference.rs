//! Published reference values (`data/reference.csv`): national figures shown beside county
//! values, never mixed into them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::extract::Scope;

/// One published value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Indicator id.
    pub indicator: String,
    /// Year.
    pub year: i32,
    /// Value in the indicator's unit.
    pub value: f64,
    /// Scope.
    pub scope: Scope,
    /// Where it was published.
    pub source: String,
}

/// Reads a reference CSV (`indicator,year,value,scope,source`); errors name file and line.
pub fn load_references(path: &Path) -> anyhow::Result<Vec<Reference>> {
    let mut rdr = csv::Reader::from_path(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read reference values: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, row) in rdr.deserialize::<Reference>().enumerate() {
        let row = row.map_err(|e| anyhow::anyhow!("{}: line {}: {e}", path.display(), i + 2))?;
        out.push(row);
    }
    Ok(out)
}
