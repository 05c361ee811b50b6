//! Finding inputs: files as given, folders walked recursively in sorted order.

use std::path::{Path, PathBuf};

/// One path found while walking the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// A file of a supported kind, to be read.
    File(PathBuf),
    /// A path that will not be read, with the reason (unsupported kind, missing path...).
    Skipped(PathBuf, String),
    /// A path that could not be examined, with the error.
    Error(PathBuf, String),
}

/// File extensions read as reports.
pub const SUPPORTED_EXTENSIONS: [&str; 1] = ["txt"];

/// Walks `inputs` (files or folders) and returns every path found, sorted within each folder.
pub fn discover(inputs: &[PathBuf]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for input in inputs {
        walk(input, &mut out);
    }
    out
}

fn walk(path: &Path, out: &mut Vec<Candidate>) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            out.push(Candidate::Error(
                path.to_path_buf(),
                format!("{}: {e}", path.display()),
            ));
            return;
        }
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                out.push(Candidate::Error(
                    path.to_path_buf(),
                    format!("{}: {e}", path.display()),
                ));
                return;
            }
        };
        entries.sort();
        for entry in entries {
            walk(&entry, out);
        }
    } else {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if SUPPORTED_EXTENSIONS.contains(&ext.as_str()) {
            out.push(Candidate::File(path.to_path_buf()));
        } else {
            out.push(Candidate::Skipped(
                path.to_path_buf(),
                format!("{}: not a report file (.{ext} is not read)", path.display()),
            ));
        }
    }
}
