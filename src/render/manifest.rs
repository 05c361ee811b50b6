//! The run's manifest: every input with its status, plus the checks and what was written.

use serde::Serialize;

use crate::analysis::{Check, Conflict};
use crate::ingest::InputRecord;

/// Everything a reader needs to know about one run.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Tool name and version.
    pub tool: String,
    /// Every input, in discovery order.
    pub inputs: Vec<InputRecord>,
    /// Totals by status.
    pub summary: Summary,
    /// Consistency checks.
    pub checks: Vec<Check>,
    /// Conflicting values between documents.
    pub conflicts: Vec<Conflict>,
    /// Warnings (file and problem).
    pub warnings: Vec<String>,
    /// Files written, relative to the output folder.
    pub outputs: Vec<String>,
}

/// Counts of inputs by status.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Inputs seen.
    pub inputs: usize,
    /// Read with facts.
    pub ok: usize,
    /// Read without facts.
    pub no_indicators: usize,
    /// Skipped.
    pub skipped: usize,
    /// Failed.
    pub errors: usize,
    /// Facts extracted.
    pub facts: usize,
}

/// Serialises the manifest as pretty JSON.
pub fn manifest_json(manifest: &Manifest) -> anyhow::Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(manifest)?;
    out.push(b'\n');
    Ok(out)
}
