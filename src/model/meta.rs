//! Who and when a document is about: the metadata every stage after ingest reads.

use serde::{Deserialize, Serialize};

/// Who and when a report is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    /// 6-digit county-level division code; empty when unresolved.
    pub region_code: String,
    /// Province name.
    pub province: String,
    /// Prefecture name; empty for units directly under a province.
    pub prefecture: String,
    /// County-level unit name.
    pub county: String,
    /// The year the report is about (from its title), not the year it was published.
    pub report_year: Option<i32>,
    /// Publish date `YYYY-MM-DD` where the page gives one.
    pub published: Option<String>,
    /// Publishing body (发布机构/来源) where the page gives one.
    pub publisher: Option<String>,
}
