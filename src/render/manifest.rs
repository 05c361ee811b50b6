//! The run's manifest: every input with its status, plus the checks and what was written.
//!
//! `manifest.json` holds everything; `manifest.csv` is the inputs table alone (one row per
//! input, for a spreadsheet), UTF-8 with a BOM, text cells neutralised against formula
//! injection since paths and messages come from untrusted file names.

use serde::Serialize;

use super::escape::spreadsheet_cell;
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
    /// Conflicting values between documents. Not written to manifest.json: every conflict is
    /// also in `checks` (kind `conflict`, with each value, its file and its evidence), and at
    /// national scale the second copy was a sixth of the file.
    #[serde(skip_serializing)]
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

/// Columns of `manifest.csv`, in order.
pub const MANIFEST_CSV_COLUMNS: [&str; 15] = [
    "path",
    "status",
    "message",
    "size",
    "sha256",
    "encoding",
    "encoding_source",
    "malformed_bytes",
    "malformed_offsets",
    "facts",
    "county",
    "region_code",
    "report_year",
    "duplicate_of",
    "same_county_year",
];

/// Serialises the inputs table as CSV (UTF-8 with BOM). Lists inside a cell (malformed
/// offsets, other documents of the same county and year) are separated by spaces and `; `.
pub fn manifest_csv(manifest: &Manifest) -> anyhow::Result<Vec<u8>> {
    let mut wtr = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    wtr.write_record(MANIFEST_CSV_COLUMNS)?;
    for r in &manifest.inputs {
        let status = serde_json::to_value(r.status)?
            .as_str()
            .unwrap_or_default()
            .to_string();
        let opt = |v: Option<String>| v.unwrap_or_default();
        let offsets: Vec<String> = r.malformed_offsets.iter().map(|o| o.to_string()).collect();
        let cells = [
            spreadsheet_cell(&r.path).into_owned(),
            status,
            spreadsheet_cell(r.message.as_deref().unwrap_or_default()).into_owned(),
            opt(r.size.map(|s| s.to_string())),
            opt(r.sha256.clone()),
            opt(r.encoding.clone()),
            opt(r.encoding_source.clone()),
            r.malformed_bytes.to_string(),
            offsets.join(" "),
            r.facts.to_string(),
            spreadsheet_cell(r.county.as_deref().unwrap_or_default()).into_owned(),
            opt(r.region_code.clone()),
            opt(r.report_year.map(|y| y.to_string())),
            spreadsheet_cell(r.duplicate_of.as_deref().unwrap_or_default()).into_owned(),
            spreadsheet_cell(&r.same_county_year.join("; ")).into_owned(),
        ];
        wtr.write_record(&cells)?;
    }
    Ok(wtr.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{InputRecord, InputStatus};

    fn manifest(inputs: Vec<InputRecord>) -> Manifest {
        Manifest {
            tool: "fazhi test".into(),
            inputs,
            summary: Summary::default(),
            checks: Vec::new(),
            conflicts: Vec::new(),
            warnings: Vec::new(),
            outputs: Vec::new(),
        }
    }

    #[test]
    fn csv_lists_every_input_with_neutralised_text() {
        let mut dup = InputRecord::unread(
            std::path::Path::new("=cmd|' /C calc'!A0.txt"),
            InputStatus::Skipped,
            "byte-identical duplicate of a.txt".into(),
        );
        dup.duplicate_of = Some("a.txt".into());
        dup.malformed_offsets = vec![3, 17];
        dup.same_county_year = vec!["b.txt".into(), "c.txt".into()];
        let bytes = manifest_csv(&manifest(vec![dup])).expect("csv");
        let text = String::from_utf8(bytes).expect("utf-8");
        let text = text.strip_prefix('\u{feff}').expect("BOM");
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            rows.headers().expect("header").iter().collect::<Vec<_>>(),
            MANIFEST_CSV_COLUMNS
        );
        let row = rows.records().next().expect("row").expect("record");
        assert_eq!(&row[0], "'=cmd|' /C calc'!A0.txt");
        assert_eq!(&row[1], "skipped");
        assert_eq!(&row[8], "3 17");
        assert_eq!(&row[13], "a.txt");
        assert_eq!(&row[14], "b.txt; c.txt");
    }
}
