//! `fazhi explain` as text or CSV: every number of one text with its decision.
//!
//! Pure functions from the extraction's decisions to bytes. The text form is for reading in a
//! terminal (the clause last, since its width varies); the CSV form is for a spreadsheet, with
//! every text cell neutralised like the other CSV outputs (the clause is untrusted text).

use std::fmt::Write as _;

use super::escape::spreadsheet_cell;
use crate::extract::decision::Decision;
use crate::model::{format_value, DocMeta};

/// Column names of the CSV form, in order.
pub const EXPLAIN_COLUMNS: [&str; 10] = [
    "doc", "offset", "number", "value", "decision", "why", "metric", "year", "word", "clause",
];

/// Whether a decision concerns `metric` (all do when no metric is asked for).
pub fn concerns(d: &Decision, metric: Option<&str>) -> bool {
    metric.is_none_or(|m| d.metric.as_deref() == Some(m))
}

/// Where each metadata field came from, as `(field, value, source)` rows.
pub type MetaSources = [(&'static str, String, String)];

/// The text form: metadata with sources, a count by decision, then one line per number.
pub fn explain_text(
    doc: &str,
    meta: &DocMeta,
    sources: &MetaSources,
    decisions: &[Decision],
    metric: Option<&str>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "file {doc}");
    let _ = writeln!(out, "metadata");
    for (field, value, source) in sources {
        let value = if value.is_empty() { "-" } else { value };
        let _ = writeln!(out, "  {field:<12} {value}  ({source})");
    }
    if meta.report_year.is_none() {
        let _ = writeln!(out, "  no report year: no number was decided");
    }
    let shown: Vec<&Decision> = decisions.iter().filter(|d| concerns(d, metric)).collect();
    let count = |kind: &str| shown.iter().filter(|d| d.outcome.kind() == kind).count();
    let _ = writeln!(
        out,
        "numbers {}: {} fact, {} target, {} change, {} rejected{}",
        shown.len(),
        count("fact"),
        count("target"),
        count("change"),
        count("rejected"),
        metric.map_or_else(String::new, |m| format!(" (for {m})"))
    );
    for d in shown {
        let year = d.year.map_or_else(String::new, |y| y.to_string());
        let _ = writeln!(
            out,
            "  {:>6} {:<8} {:<20} {:<36} {:<4} {} [{}] {}",
            d.offset,
            d.outcome.kind(),
            d.outcome.why(),
            d.metric.as_deref().unwrap_or("-"),
            year,
            d.number,
            d.word,
            one_line(&d.clause),
        );
    }
    out
}

/// The CSV form: a header of [`EXPLAIN_COLUMNS`] and one row per number.
pub fn explain_csv(
    doc: &str,
    decisions: &[Decision],
    metric: Option<&str>,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(EXPLAIN_COLUMNS)?;
    for d in decisions.iter().filter(|d| concerns(d, metric)) {
        let offset = d.offset.to_string();
        let value = format_value(d.value);
        let year = d.year.map_or_else(String::new, |y| y.to_string());
        let clause = one_line(&d.clause);
        w.write_record([
            spreadsheet_cell(doc).as_ref(),
            &offset,
            &spreadsheet_cell(&d.number),
            &value,
            d.outcome.kind(),
            d.outcome.why(),
            d.metric.as_deref().unwrap_or(""),
            &year,
            &spreadsheet_cell(&d.word),
            &spreadsheet_cell(&clause),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A clause on one line: line breaks and tabs of the source become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
