//! Loading and validating the indicator dictionary.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::model::{IndicatorDict, Kind};

/// The dictionary bundled with fazhi (`data/indicators.toml`).
pub const BUNDLED_INDICATORS: &str = include_str!("../../data/indicators.toml");

/// Problems with an indicators file; each names the file and, where known, line and key.
#[derive(Debug, thiserror::Error)]
pub enum DictError {
    /// The file could not be read.
    #[error("{path}: cannot read indicators file: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
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
    #[error("{path}: line {line}: indicator '{id}', key '{key}': {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the key at fault (of the entry's `id` when the key is absent).
        line: usize,
        /// The indicator at fault.
        id: String,
        /// The key at fault.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// Loads the dictionary from `path`, or the bundled one when `path` is `None`.
pub fn load_dict(path: Option<&Path>) -> Result<IndicatorDict, DictError> {
    match path {
        None => parse_dict(BUNDLED_INDICATORS, "data/indicators.toml (bundled)"),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|error| DictError::Read {
                path: p.to_path_buf(),
                error,
            })?;
            parse_dict(&text, &p.display().to_string())
        }
    }
}

/// Checks one phrase: at most one `#`, and no empty part around a `…` gap.
fn check_phrase(p: &str) -> Result<(), String> {
    if p.matches('#').count() > 1 {
        return Err(format!(
            "phrase '{p}' has more than one '#' (the number's place)"
        ));
    }
    let parts: Vec<&str> = p.split('#').flat_map(|side| side.split('…')).collect();
    let sides: Vec<&str> = p.split('#').collect();
    if p.trim().is_empty() || p.trim() == "#" {
        return Err("empty phrase".to_string());
    }
    for side in &sides {
        // A gap may open the part after the number (`#…不予受理`) or close the part before it.
        let inner = side.trim_matches('…');
        if inner.is_empty() {
            continue;
        }
        if inner.split('…').any(|part| part.trim().is_empty()) {
            return Err(format!(
                "phrase '{p}' has an empty part around '…' (write words on both sides)"
            ));
        }
    }
    if parts.iter().all(|x| x.trim().is_empty()) {
        return Err(format!("phrase '{p}' has no words"));
    }
    Ok(())
}

/// 1-based line of `id = "<id>"` in the text, or 0 when not found.
fn line_of_entry(text: &str, id: &str) -> usize {
    let needle = format!("\"{id}\"");
    text.lines()
        .position(|l| l.trim_start().starts_with("id") && l.contains(&needle))
        .map_or(0, |i| i + 1)
}

/// 1-based line, at or after the entry's line, where `key` holds the quoted `value`.
fn line_of_value(text: &str, entry_line: usize, key: &str, value: &str) -> Option<usize> {
    let needle = format!("\"{value}\"");
    let mut in_key = false;
    for (i, l) in text.lines().enumerate().skip(entry_line.saturating_sub(1)) {
        let t = l.trim_start();
        if t.starts_with("[[") && i + 1 > entry_line {
            break;
        }
        if t.starts_with(key) && t[key.len()..].trim_start().starts_with('=') {
            in_key = true;
        } else if t.contains(" = ") || t.starts_with('[') && t.contains('=') {
            in_key = false;
        }
        if in_key && l.contains(&needle) {
            return Some(i + 1);
        }
    }
    None
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
        let entry_line = line_of_entry(text, &ind.id);
        let invalid = |key: &str, value: Option<&str>, message: String| DictError::Invalid {
            path: origin.to_string(),
            line: value
                .and_then(|v| line_of_value(text, entry_line, key, v))
                .unwrap_or(entry_line),
            id: ind.id.clone(),
            key: key.to_string(),
            message,
        };
        if ind.id.trim().is_empty() {
            return Err(invalid("id", None, "empty id".into()));
        }
        if !seen.insert(ind.id.clone()) {
            return Err(invalid("id", None, "id appears twice".into()));
        }
        if ind.unit.trim().is_empty() {
            return Err(invalid("unit", None, "empty unit".into()));
        }
        if (ind.kind == Kind::Rate) != (ind.unit == "%") {
            return Err(invalid(
                "unit",
                None,
                format!(
                    "a {} indicator cannot have unit '{}' (rates use '%', counts anything else)",
                    if ind.kind == Kind::Rate {
                        "rate"
                    } else {
                        "count"
                    },
                    ind.unit
                ),
            ));
        }
        if ind.units.is_empty() {
            ind.units.push(ind.unit.clone());
        }
        for p in &ind.phrases {
            if let Err(message) = check_phrase(p) {
                return Err(invalid("phrases", Some(p), message));
            }
        }
        for (key, words) in [
            ("context", &ind.context),
            ("exclude", &ind.exclude),
            ("exclude_sentence", &ind.exclude_sentence),
            ("units", &ind.units),
        ] {
            if words.iter().any(|w| w.trim().is_empty()) {
                return Err(invalid(key, None, "empty word in the list".into()));
            }
        }
        for s in &ind.stated {
            if s.phrase.trim().is_empty() || s.phrase.contains('#') {
                return Err(invalid(
                    "stated",
                    Some(&s.phrase),
                    "a stated phrase must be non-empty words without '#'".into(),
                ));
            }
            if !s.value.is_finite() {
                return Err(invalid(
                    "stated",
                    Some(&s.phrase),
                    "value is not finite".into(),
                ));
            }
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

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = "[[indicator]]\nid = \"a\"\nzh_name = \"甲\"\nen_name = \"A\"\nunit = \"件\"\nkind = \"count\"\nscope = \"annual\"\nphrase = [\"受理\"]\n";
        let err = parse_dict(text, "x.toml").unwrap_err().to_string();
        assert!(err.contains("x.toml: line 8"), "{err}");
        assert!(err.contains("phrase"), "{err}");
    }

    #[test]
    fn invalid_values_name_line_and_key() {
        let head = "[[indicator]]\nid = \"a\"\nzh_name = \"甲\"\nen_name = \"A\"\nunit = \"件\"\nkind = \"count\"\nscope = \"annual\"\n";
        let table = [
            (
                "phrases = [\n  \"受理\",\n  \"#受理#\",\n]\n",
                "line 10",
                "phrases",
            ),
            ("phrases = [\"受理……不予\"]\n", "line 8", "phrases"),
            ("exclude = [\"\"]\n", "line 2", "exclude"),
            (
                "stated = [{ phrase = \"全部\", value = inf }]\n",
                "line 8",
                "stated",
            ),
        ];
        for (tail, line, key) in table {
            let err = parse_dict(&format!("{head}{tail}"), "x.toml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(line), "{tail}: {err}");
            assert!(err.contains(&format!("key '{key}'")), "{tail}: {err}");
        }
        let rate = head.replace("kind = \"count\"", "kind = \"rate\"");
        let err = parse_dict(&rate, "x.toml").unwrap_err().to_string();
        assert!(err.contains("key 'unit'"), "{err}");
    }

    #[test]
    fn every_bundled_phrase_is_well_formed() {
        let dict = load_dict(None).expect("bundled dictionary");
        assert!(dict
            .indicators
            .iter()
            .all(|i| !i.phrases.is_empty() || !i.stated.is_empty()));
    }
}
