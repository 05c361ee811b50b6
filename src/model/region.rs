//! Administrative level of a region, and the codes of the regions that contain it, read from
//! the 6-digit division code (GB/T 2260): `PPCCXX`, province `PP`, prefecture `PPCC`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which tier of government a report is about. Comparisons are made within one level only:
/// counties with counties, prefectures with prefectures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The whole country (code `000000` or `00`).
    Nation,
    /// Province, autonomous region or municipality (`PP0000`, or the 2-digit `PP`).
    Province,
    /// Prefecture-level city, league or autonomous prefecture (`PPCC00`, or the 4-digit `PPCC`).
    Prefecture,
    /// County-level unit (any other 6-digit code).
    County,
}

impl Level {
    /// The level a division code names, from its length and its trailing zeros: 6 significant
    /// digits a county, 4 a prefecture, 2 a province, none the nation. An empty code (the
    /// report's county was not resolved) counts as a county, since fazhi reads county reports
    /// until extraction states the level itself; anything else that is not a code is `None`.
    pub fn of_code(code: &str) -> Option<Level> {
        let code = code.trim();
        if code.is_empty() {
            return Some(Level::County);
        }
        if !matches!(code.len(), 2 | 4 | 6) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Zeros are trimmed in pairs: 110100 is a prefecture (1101), 110101 a county, 100000 a
        // province (10).
        Some(match code.trim_end_matches("00").len() {
            0 => Level::Nation,
            2 => Level::Province,
            4 => Level::Prefecture,
            _ => Level::County,
        })
    }

    /// The level's name in tables (`county`, `prefecture`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Nation => "nation",
            Level::Province => "province",
            Level::Prefecture => "prefecture",
            Level::County => "county",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The 4-digit code of the prefecture a county belongs to (`371522` → `3715`); `None` for
/// anything that is not a county's 6-digit code.
pub fn prefecture_code(code: &str) -> Option<&str> {
    (Level::of_code(code) == Some(Level::County) && code.len() == 6).then(|| &code[..4])
}

/// The 2-digit code of the province a county or prefecture belongs to (`371522` → `37`);
/// `None` for a province, the nation, or anything that is not a code.
pub fn province_code(code: &str) -> Option<&str> {
    match Level::of_code(code) {
        Some(Level::County | Level::Prefecture) if code.len() >= 4 => Some(&code[..2]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_from_length_and_suffix() {
        for (code, level) in [
            ("371522", Some(Level::County)),
            ("110101", Some(Level::County)),
            ("371500", Some(Level::Prefecture)),
            ("110100", Some(Level::Prefecture)),
            ("3715", Some(Level::Prefecture)),
            ("370000", Some(Level::Province)),
            ("100000", Some(Level::Province)),
            ("37", Some(Level::Province)),
            ("000000", Some(Level::Nation)),
            ("00", Some(Level::Nation)),
            ("", Some(Level::County)),
            ("37152", None),
            ("莘县", None),
        ] {
            assert_eq!(Level::of_code(code), level, "{code}");
        }
    }

    #[test]
    fn containing_regions() {
        assert_eq!(prefecture_code("371522"), Some("3715"));
        assert_eq!(province_code("371522"), Some("37"));
        assert_eq!(prefecture_code("371500"), None);
        assert_eq!(province_code("371500"), Some("37"));
        assert_eq!(province_code("370000"), None);
        assert_eq!(prefecture_code(""), None);
        assert_eq!(province_code(""), None);
    }
}
