//! The run's manifest: every input with its status, plus the checks and what was written.
//!
//! `manifest.json` holds everything; `manifest.csv` is the inputs table alone (one row per
//! input, for a spreadsheet), UTF-8 with a BOM, text cells neutralised against formula
//! injection since paths and messages come from untrusted file names.

use serde::Serialize;

use super::escape::spreadsheet_cell;
use crate::analysis::{Check, Conflict};
use crate::ingest::{InputRecord, InputStatus};

/// Everything a reader needs to know about one run. It borrows the run's tables, so it can
/// be serialised while the run still holds them.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest<'a> {
    /// Tool name and version.
    pub tool: String,
    /// Every input, in discovery order.
    pub inputs: &'a [InputRecord],
    /// Totals by status.
    pub summary: Summary,
    /// Consistency checks, each with its message in the run's language after its `reason`
    /// key.
    pub checks: Vec<CheckEntry<'a>>,
    /// Conflicting values between documents. Not written to manifest.json: every conflict is
    /// also in `checks` (kind `conflict`, with each value, its file and its evidence), and at
    /// national scale the second copy was a sixth of the file.
    #[serde(skip_serializing)]
    pub conflicts: &'a [Conflict],
    /// Warnings (file and problem).
    pub warnings: &'a [String],
    /// Files written, relative to the output folder.
    pub outputs: Vec<String>,
}

/// A check as manifest.json lists it: its fields, then `message`, the reason in words.
#[derive(Debug, Clone, Serialize)]
pub struct CheckEntry<'a> {
    /// The check.
    #[serde(flatten)]
    pub check: &'a Check,
    /// [`CheckReason`](crate::analysis::CheckReason) worded by `render::reasons`.
    pub message: String,
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
    /// PDFs without a text layer (scans): not read, they need OCR.
    pub needs_ocr: usize,
    /// Facts extracted.
    pub facts: usize,
}

impl Summary {
    /// Counts `records` by status; `facts` is the number of facts kept (repeats included).
    pub fn of(records: &[InputRecord], facts: usize) -> Summary {
        let count = |s: InputStatus| records.iter().filter(|r| r.status == s).count();
        Summary {
            inputs: records.len(),
            ok: count(InputStatus::Ok),
            no_indicators: count(InputStatus::NoIndicators),
            skipped: count(InputStatus::Skipped),
            errors: count(InputStatus::Error),
            needs_ocr: count(InputStatus::NeedsOcr),
            facts,
        }
    }
}

/// Serialises the manifest as JSON with one entry per line: the top-level fields and the
/// lists are laid out like pretty JSON, and each input, check or warning is one compact line.
/// At national scale (20,000 inputs, 50,000 checks) fully pretty JSON spent a fifth of its
/// 42 MB on indentation; this keeps the file readable and greppable (one check per line) at
/// the size of compact JSON. Any JSON reader sees the same document.
pub fn manifest_json(manifest: &Manifest<'_>) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, EntryPerLine::default());
    manifest.serialize(&mut ser)?;
    out.push(b'\n');
    Ok(out)
}

/// Containers nested at most this deep are laid out one value per line (the manifest object
/// and its lists); deeper ones (each entry) are compact.
const LINE_DEPTH: usize = 2;

/// A serde_json formatter: pretty (two-space indent) down to [`LINE_DEPTH`], compact below.
#[derive(Debug, Default)]
struct EntryPerLine {
    depth: usize,
    has_value: bool,
}

impl EntryPerLine {
    fn newline_indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    /// Before a value (or key) of the current container.
    fn separate<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth <= LINE_DEPTH {
            self.newline_indent(w)?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        let closed = self.depth;
        self.depth -= 1;
        if closed <= LINE_DEPTH && self.has_value {
            self.newline_indent(w)?;
        }
        w.write_all(b)
    }
}

impl serde_json::ser::Formatter for EntryPerLine {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.separate(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.separate(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.depth <= LINE_DEPTH {
            b": "
        } else {
            b":"
        })
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Columns of `manifest.csv`, in order.
pub const MANIFEST_CSV_COLUMNS: [&str; 17] = [
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
    "meta_source",
    "level",
];

/// Serialises the inputs table as CSV (UTF-8 with BOM). Lists inside a cell (malformed
/// offsets, other documents of the same county and year) are separated by spaces and `; `.
pub fn manifest_csv(manifest: &Manifest<'_>) -> anyhow::Result<Vec<u8>> {
    let mut wtr = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    wtr.write_record(MANIFEST_CSV_COLUMNS)?;
    for r in manifest.inputs {
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
            spreadsheet_cell(r.meta_source.as_deref().unwrap_or_default()).into_owned(),
            r.level.map(|l| l.name().to_string()).unwrap_or_default(),
        ];
        wtr.write_record(&cells)?;
    }
    Ok(wtr.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{InputRecord, InputStatus};

    fn manifest(inputs: &[InputRecord]) -> Manifest<'_> {
        Manifest {
            tool: "fazhi test".into(),
            inputs,
            summary: Summary::default(),
            checks: Vec::new(),
            conflicts: &[],
            warnings: &[],
            outputs: Vec::new(),
        }
    }

    #[test]
    fn json_has_one_entry_per_line_and_reads_as_the_same_document() {
        let mut inputs = Vec::new();
        for name in ["a.txt", "b \"quoted\"\n.txt"] {
            let mut r = InputRecord::unread(
                std::path::Path::new(name),
                InputStatus::Error,
                crate::ingest::InputReason::Unreadable,
                "cannot read".into(),
            );
            r.malformed_offsets = vec![1, 2];
            inputs.push(r);
        }
        let warnings = vec!["w1".to_string(), "w2".to_string()];
        let mut m = manifest(&inputs);
        m.warnings = &warnings;
        m.outputs = vec!["facts.csv".into()];
        let bytes = manifest_json(&m).expect("json");
        let text = String::from_utf8(bytes).expect("utf-8");
        let parsed: serde_json::Value = serde_json::from_str(&text).expect("valid json");
        assert_eq!(parsed, serde_json::to_value(&m).expect("value"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "{");
        assert_eq!(lines[1], "  \"tool\": \"fazhi test\",");
        assert_eq!(lines[2], "  \"inputs\": [");
        assert!(
            lines[3].starts_with("    {\"path\":\"a.txt\","),
            "{}",
            lines[3]
        );
        assert!(
            lines[3].contains("\"malformed_offsets\":[1,2]"),
            "{}",
            lines[3]
        );
        assert!(lines[3].ends_with("},"), "{}", lines[3]);
        assert!(
            lines[4].starts_with("    {\"path\":\"b \\\"quoted\\\"\\n.txt\""),
            "{}",
            lines[4]
        );
        assert_eq!(lines[5], "  ],");
        assert!(text.contains("\n  \"checks\": [],\n"), "{text}");
        assert!(
            text.contains("\n  \"warnings\": [\n    \"w1\",\n    \"w2\"\n  ],\n"),
            "{text}"
        );
        assert!(text.ends_with("\n}\n"), "{text}");
    }

    #[test]
    fn csv_lists_every_input_with_neutralised_text() {
        let mut dup = InputRecord::unread(
            std::path::Path::new("=cmd|' /C calc'!A0.txt"),
            InputStatus::Skipped,
            crate::ingest::InputReason::Duplicate {
                first: "a.txt".into(),
            },
            "byte-identical duplicate of a.txt".into(),
        );
        dup.duplicate_of = Some("a.txt".into());
        dup.malformed_offsets = vec![3, 17];
        dup.same_county_year = vec!["b.txt".into(), "c.txt".into()];
        let bytes = manifest_csv(&manifest(&[dup])).expect("csv");
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
