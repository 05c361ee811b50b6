//! The regions that contain a unit, read from its division code (GB/T 2260): a county's
//! 6-digit code `PPCCXX` lies in prefecture `PPCC` and province `PP`, a prefecture's 4-digit
//! code `PPCC` in province `PP` (the codes [`Level::of_code`] reads by their length).

#[cfg(doc)]
use super::Level;

/// The 4-digit code of the prefecture a county belongs to (`371522` → `3715`); `None` for
/// anything that is not a county's 6-digit code.
pub fn prefecture_code(code: &str) -> Option<&str> {
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then(|| &code[..4])
}

/// The 2-digit code of the province a county or prefecture belongs to (`371522` → `37`,
/// `3715` → `37`); `None` for a province, the nation, or anything that is not a code.
pub fn province_code(code: &str) -> Option<&str> {
    (matches!(code.len(), 4 | 6) && code.bytes().all(|b| b.is_ascii_digit())).then(|| &code[..2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containing_regions() {
        assert_eq!(prefecture_code("371522"), Some("3715"));
        assert_eq!(province_code("371522"), Some("37"));
        assert_eq!(prefecture_code("3715"), None);
        assert_eq!(province_code("3715"), Some("37"));
        assert_eq!(province_code("37"), None);
        assert_eq!(province_code("00"), None);
        assert_eq!(prefecture_code(""), None);
        assert_eq!(province_code(""), None);
        assert_eq!(prefecture_code("莘县莘县"), None);
    }
}
