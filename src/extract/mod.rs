//! Stage 2: text → facts.
//!
//! Reads a decoded [`Document`](crate::ingest::Document) and returns every indicator value it
//! states, each with its evidence substring and character offset into the decoded text.
//! Invariants: `evidence == text.chars().skip(offset).take(evidence.chars().count())`;
//! values under next-year plan headings are never facts; nothing here names a county.

pub mod divisions;
pub mod fact;
pub mod metadata;
pub mod score;

pub use fact::{format_value, Fact, Qualifier, Scope, FACT_COLUMNS};
pub use metadata::DocMeta;

use crate::dict::IndicatorDict;
use crate::ingest::Document;

/// Everything extraction found in one document.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// The document's metadata (county, code, report year, publish date).
    pub meta: DocMeta,
    /// Indicator values stated as results.
    pub facts: Vec<Fact>,
    /// Values stated as targets or plans (确保…达到, 力争); never mixed into `facts`.
    pub targets: Vec<Fact>,
    /// Non-fatal problems worth telling the user about (unresolved county, no report year...).
    pub warnings: Vec<String>,
}

/// Extracts metadata and facts from one decoded document.
pub fn extract_document(doc: &Document, dict: &IndicatorDict) -> Extraction {
    let meta = metadata::resolve(&doc.name, &doc.text);
    let mut warnings = Vec::new();
    if meta.region_code.is_empty() {
        warnings.push(format!(
            "{}: county not resolved to a division code",
            doc.name
        ));
    }
    if meta.report_year.is_none() {
        warnings.push(format!("{}: report year not found", doc.name));
    }
    let _ = dict;
    Extraction {
        meta,
        facts: Vec::new(),
        targets: Vec::new(),
        warnings,
    }
}
