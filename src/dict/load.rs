//! Loading and validating the indicator dictionary.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::model::IndicatorDict;

/// The dictionary bundled with fazhi (`data/indicators.toml`).
pub const BUNDLED_INDICATORS: &str = include_str!("../../data/indicators.toml");

/// Problems with an indicators file; each names the file and, where known, line and key.
#[derive(Debug, thiserror::Error)]
pub enum DictError {
    /// The file could not be read.
    #[error("{path}: cannot read indicators file: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not fit the model.
    #[error("{path}: line {line}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line of the fault.
        line: usize,
        /// What is wrong, naming the key.
        message: String,
    },
    /// The file parses but an entry is invalid.
    #[error("{path}: indicator '{id}': {message}")]
    Invalid {
        /// The file.
        path: String,
        /// The indicator at fault.
        id: String,
        /// What is wrong.
        message: String,
    },
}

/// Loads the dictionary from `path`, or the bundled one when `path` is `None`.
pub fn load_dict(path: Option<&Path>) -> Result<IndicatorDict, DictError> {
    match path {
        None => parse_dict(BUNDLED_INDICATORS, "data/indicators.toml (bundled)"),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|source| DictError::Read {
                path: p.to_path_buf(),
                source,
            })?;
            parse_dict(&text, &p.display().to_string())
        }
    }
}

/// Parses and validates dictionary text; `origin` names it in errors.
pub fn parse_dict(text: &str, origin: &str) -> Result<IndicatorDict, DictError> {
    let mut dict: IndicatorDict = toml::from_str(text).map_err(|e| DictError::Parse {
        path: origin.to_string(),
        line: e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(0),
        message: e.message().to_string(),
    })?;
    let mut seen = HashSet::new();
    for ind in &mut dict.indicators {
        let invalid = |message: &str| DictError::Invalid {
            path: origin.to_string(),
            id: ind.id.clone(),
            message: message.to_string(),
        };
        if ind.id.trim().is_empty() {
            return Err(invalid("empty id"));
        }
        if !seen.insert(ind.id.clone()) {
            return Err(invalid("id appears twice"));
        }
        if ind.unit.trim().is_empty() {
            return Err(invalid("empty unit"));
        }
        if ind.units.is_empty() {
            ind.units.push(ind.unit.clone());
        }
    }
    Ok(dict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_dictionary_loads() {
        let dict = load_dict(None).expect("bundled dictionary");
        assert!(dict.get("reconsideration.received").is_some());
    }

    #[test]
    fn malformed_file_names_line_and_key() {
        let text = "[[indicator]]\nid = \"a\"\nzh_name = \"甲\"\nen_name = \"A\"\nunit = \"件\"\nkind = \"count\"\nscope = \"yearly\"\n";
        let err = parse_dict(text, "x.toml").unwrap_err().to_string();
        assert!(err.contains("x.toml: line 7"), "{err}");
        assert!(err.contains("yearly"), "{err}");
    }
}
