//! Published reference values (`data/reference.csv`): national figures shown beside county
//! values, never mixed into them. Columns: `indicator,year,value,scope,source` (source = where
//! the figure was published, with its URL).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Scope;

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

/// A reference file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// The file cannot be opened or read.
    #[error("{}: cannot read reference values: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// A row does not parse (wrong column, bad number, unknown scope).
    #[error("{}: line {line}: {source} (expected columns indicator,year,value,scope,source)", path.display())]
    Row {
        /// The file.
        path: PathBuf,
        /// 1-based line number, header included.
        line: usize,
        /// The cause.
        source: csv::Error,
    },
}

/// Reads a reference CSV (`indicator,year,value,scope,source`); errors name file and line.
pub fn load_references(path: &Path) -> Result<Vec<Reference>, ReferenceError> {
    let mut rdr = csv::Reader::from_path(path).map_err(|source| ReferenceError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, row) in rdr.deserialize::<Reference>().enumerate() {
        let row = row.map_err(|source| ReferenceError::Row {
            path: path.to_path_buf(),
            line: i + 2,
            source,
        })?;
        out.push(row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_reference_file_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reference.csv");
        let refs = load_references(&path).expect("bundled reference.csv");
        let rate = refs
            .iter()
            .find(|r| r.indicator == "reconsideration.correction_rate" && r.year == 2023)
            .expect("national correction rate 2023");
        assert_eq!((rate.value, rate.scope), (12.83, Scope::Annual));
        assert!(refs.iter().all(|r| !r.source.is_empty()));
    }

    #[test]
    fn bad_rows_name_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ref.csv");
        std::fs::write(
            &path,
            "indicator,year,value,scope,source\nx,2023,1,yearly,s\n",
        )
        .expect("write");
        let err = load_references(&path).expect_err("bad scope").to_string();
        assert!(err.contains("ref.csv") && err.contains("line 2"), "{err}");
        let err = load_references(&dir.path().join("missing.csv"))
            .expect_err("missing")
            .to_string();
        assert!(err.contains("missing.csv"), "{err}");
    }
}
