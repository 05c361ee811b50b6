//! Column names of the frames, as consts (typos become compile errors).

/// Input file name.
pub const DOC: &str = "doc";
/// 6-digit division code.
pub const REGION_CODE: &str = "region_code";
/// County name.
pub const COUNTY: &str = "county";
/// Indicator id.
pub const METRIC: &str = "metric";
/// Year the value refers to.
pub const YEAR: &str = "year";
/// annual / stock / cumulative.
pub const SCOPE: &str = "scope";
/// The value.
pub const VALUE: &str = "value";
/// Unit.
pub const UNIT: &str = "unit";
/// exact / more_than / nearly / derived.
pub const QUALIFIER: &str = "qualifier";
/// Evidence substring.
pub const EVIDENCE: &str = "evidence";
/// Character offset of the evidence.
pub const OFFSET: &str = "offset";
