//! `--documents FILE`: place, year and level supplied from outside the texts.
//!
//! Excerpts and attachments often name their place only in the page address, so a user can
//! say it in a CSV: `file, region_code, report_year, level`, where `file` is a file name (as
//! fazhi shows it) or the SHA-256 of the file's bytes, and each other column may be empty. A
//! row is matched by SHA-256 first, then by file name. The file is checked whole before any
//! input is read: a bad row is refused with its line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{GivenMeta, Level};

/// A documents file that cannot be used, naming the file and line.
#[derive(Debug, thiserror::Error)]
pub enum DocumentsError {
    /// The file cannot be opened or is not CSV.
    #[error("{path}: cannot read documents file: {source}")]
    Read {
        /// The documents file.
        path: PathBuf,
        /// The underlying error.
        source: csv::Error,
    },
    /// A row is malformed.
    #[error("{path}: line {line}: {message}")]
    Row {
        /// The documents file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
struct Row {
    file: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    report_year: String,
    #[serde(default)]
    level: String,
}

/// The rows of a documents file, looked up by SHA-256 or file name.
#[derive(Debug, Clone, Default)]
pub struct DocumentsTable {
    by_sha: HashMap<String, GivenMeta>,
    by_name: HashMap<String, GivenMeta>,
}

impl DocumentsTable {
    /// What the table says of a file: by its SHA-256, else by its name.
    pub fn lookup(&self, name: &str, sha256: &str) -> Option<&GivenMeta> {
        self.by_sha
            .get(&sha256.to_ascii_lowercase())
            .or_else(|| self.by_name.get(name))
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.by_sha.len() + self.by_name.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads and checks a documents file (UTF-8, with or without BOM).
pub fn read_documents(path: &Path) -> Result<DocumentsTable, DocumentsError> {
    let read = |source| DocumentsError::Read {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::read(path).map_err(|e| read(e.into()))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut table = DocumentsTable::default();
    for (i, row) in rdr.deserialize::<Row>().enumerate() {
        let line = i as u64 + 2;
        let bad = |message: String| DocumentsError::Row {
            path: path.to_path_buf(),
            line,
            message,
        };
        let row = row.map_err(|e| bad(e.to_string()))?;
        if row.file.is_empty() {
            return Err(bad("the file column is empty".into()));
        }
        let region_code = Some(row.region_code).filter(|c| !c.is_empty());
        if let Some(code) = &region_code {
            if Level::of_code(code).is_none() {
                return Err(bad(format!(
                    "region_code '{code}' is not a 2-, 4- or 6-digit division code (00 for the nation)"
                )));
            }
        }
        let report_year = match row.report_year.as_str() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(y) if (1949..=2100).contains(&y) => Some(y),
                _ => return Err(bad(format!("report_year '{y}' is not a year"))),
            },
        };
        let level = match row.level.as_str() {
            "" => None,
            l => Some(l.parse::<Level>().map_err(bad)?),
        };
        let given = GivenMeta {
            region_code,
            report_year,
            level,
            source: format!("{}:{line}", path.display()),
        };
        let is_sha = row.file.len() == 64 && row.file.bytes().all(|b| b.is_ascii_hexdigit());
        let (map, key) = if is_sha {
            (&mut table.by_sha, row.file.to_ascii_lowercase())
        } else {
            (&mut table.by_name, row.file)
        };
        if map.insert(key.clone(), given).is_some() {
            return Err(bad(format!("'{key}' is listed twice")));
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> Result<DocumentsTable, DocumentsError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("documents.csv");
        std::fs::write(&path, csv).expect("write");
        read_documents(&path)
    }

    #[test]
    fn rows_are_found_by_hash_or_name() {
        let sha = "AB".repeat(32);
        let t = table(&format!(
            "\u{feff}file,region_code,report_year,level\n\
             a.txt,3715,2023,\n{sha},00,,\nb.txt,,2022,department\n"
        ))
        .expect("valid");
        let a = t.lookup("a.txt", "x").expect("by name");
        assert_eq!(a.region_code.as_deref(), Some("3715"));
        assert_eq!(a.report_year, Some(2023));
        assert!(a.source.ends_with("documents.csv:2"), "{}", a.source);
        let n = t.lookup("other.txt", &sha.to_lowercase()).expect("by hash");
        assert_eq!(n.region_code.as_deref(), Some("00"));
        assert_eq!(n.report_year, None);
        assert_eq!(
            t.lookup("b.txt", "").and_then(|b| b.level),
            Some(Level::Department)
        );
        assert!(t.lookup("c.txt", "").is_none());
    }

    #[test]
    fn bad_rows_are_refused_with_their_line() {
        for (csv, want) in [
            (
                "file,region_code\na.txt,37152\n",
                "line 2: region_code '37152'",
            ),
            (
                "file,report_year\na.txt,2023\nb.txt,20x3\n",
                "line 3: report_year '20x3'",
            ),
            ("file,level\na.txt,town\n", "line 2: unknown level 'town'"),
            (
                "file,report_year\na.txt,2023\na.txt,2024\n",
                "line 3: 'a.txt' is listed twice",
            ),
            (
                "file,report_year\n,2023\n",
                "line 2: the file column is empty",
            ),
        ] {
            let err = table(csv).expect_err(csv).to_string();
            assert!(err.contains(want), "{err} should contain {want}");
        }
    }
}
