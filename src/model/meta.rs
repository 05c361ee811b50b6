//! Who and when a document is about: the metadata every stage after ingest reads.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The level of government a text is about. Units of different levels are never compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A county-level unit (县, 区, 县级市, 旗): 6-digit code.
    County,
    /// A prefecture-level unit (地级市, 自治州, 地区, 盟): 4-digit code.
    Prefecture,
    /// A province-level unit (省, 自治区, 直辖市): 2-digit code.
    Province,
    /// The whole country: code `00`.
    Nation,
    /// A department of a unit (a justice bureau, a legal-aid centre): the unit's code.
    Department,
}

impl Level {
    /// The level a division code stands for by its length (`00` is the nation); a department
    /// cannot be told from its code.
    pub fn of_code(code: &str) -> Option<Level> {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match code.len() {
            6 => Some(Level::County),
            4 => Some(Level::Prefecture),
            2 if code == "00" => Some(Level::Nation),
            2 => Some(Level::Province),
            _ => None,
        }
    }

    /// The lowercase name used in every output.
    pub fn name(self) -> &'static str {
        match self {
            Level::County => "county",
            Level::Prefecture => "prefecture",
            Level::Province => "province",
            Level::Nation => "nation",
            Level::Department => "department",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "county" => Ok(Level::County),
            "prefecture" => Ok(Level::Prefecture),
            "province" => Ok(Level::Province),
            "nation" => Ok(Level::Nation),
            "department" => Ok(Level::Department),
            other => Err(format!(
                "unknown level '{other}' (expected county, prefecture, province, nation or department)"
            )),
        }
    }
}

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
