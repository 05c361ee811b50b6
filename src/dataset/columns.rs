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
/// Position of the fact in the slice the frame was built from (maps frame rows back to facts).
pub const ROW: &str = "row";
/// Who a value belongs to: the division code, else the county name, else `doc:<file>` (so two
/// unresolved reports are never mistaken for one county).
pub const COUNTY_KEY: &str = "county_key";
/// Number of distinct values sharing one county, indicator, year and scope.
pub const N_VALUES: &str = "n_values";
/// Row of the previous value in the same series.
pub const PREV_ROW: &str = "prev_row";
/// Latest year of a series.
pub const LATEST_YEAR: &str = "latest_year";
/// Competition rank within a comparison group, 1 = highest.
pub const RANK: &str = "rank";
/// Number of values in a comparison group.
pub const N: &str = "n";
/// Values in the group strictly below this one.
pub const N_BELOW: &str = "n_below";
/// Values in the group equal to this one (itself included).
pub const N_EQUAL: &str = "n_equal";
/// Median of the group.
pub const MEDIAN: &str = "median";
/// Mean of the group.
pub const MEAN: &str = "mean";
/// Sample standard deviation of the group.
pub const SD: &str = "sd";

// ---- the facts frame ([`crate::dataset::FactsFrame`]) ------------------------------------

/// Dictionary code of the county key (see [`COUNTY_KEY`]); codes follow the keys' sorted order.
pub const REGION: &str = "region";
/// Administrative level, as the position of [`crate::model::Level`]'s variant.
pub const LEVEL: &str = "level";
/// Dictionary code of the prefecture a county belongs to; null above county level or when
/// the county is unresolved.
pub const PREFECTURE_KEY: &str = "prefecture_key";
/// Dictionary code of the province a county or prefecture belongs to; null for a province,
/// the nation or an unresolved county.
pub const PROVINCE_KEY: &str = "province_key";
/// Whether the indicator is a rate (its change is in percentage points).
pub const IS_RATE: &str = "is_rate";
/// Whether a value is one of several different values stated for the same county,
/// indicator, year and scope.
pub const CONTESTED: &str = "contested";
/// Year of the previous value in the same series.
pub const PREV_YEAR: &str = "prev_year";
/// Previous value in the same series.
pub const PREV_VALUE: &str = "prev_value";
/// `value − prev_value`.
pub const CHANGE: &str = "change";
/// Percentage change over the whole gap.
pub const PCT_CHANGE: &str = "pct_change";
/// Compound annual rate across a gap of several years, percent.
pub const ANNUAL_RATE: &str = "annual_rate";
/// Rank within the prefecture (same comparison group, same prefecture).
pub const PREFECTURE_RANK: &str = "prefecture_rank";
/// Values compared within the prefecture.
pub const PREFECTURE_N: &str = "prefecture_n";
/// Median within the prefecture.
pub const PREFECTURE_MEDIAN: &str = "prefecture_median";
/// Rank within the province.
pub const PROVINCE_RANK: &str = "province_rank";
/// Values compared within the province.
pub const PROVINCE_N: &str = "province_n";
/// Number of values in a group (slopes: years in a series).
pub const LEN: &str = "len";
/// A row's position in the frame a query started from (to put its answers back in that order).
pub const POSITION: &str = "position";
