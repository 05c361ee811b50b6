//! Word search in normalised text (slices of `char`), without allocating.
//!
//! Part of stage 2 (extract). Every rule asks "does this clause contain 累计 / 其中 / a phrase":
//! thousands of small searches per report. Comparing a window at every position costs one
//! `memcmp` call per character; here the scan looks for the word's first character (a plain
//! loop the compiler vectorises) and compares the rest only where it matches, which in Chinese
//! text is rare.

/// Position of the first occurrence of `needle` in `hay` (`None` for an empty needle).
pub fn find(hay: &[char], needle: &[char]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut from = 0;
    while from <= last_start {
        let at = from + hay[from..=last_start].iter().position(|c| *c == first)?;
        if hay[at + 1..at + needle.len()] == *rest {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Position of the last occurrence of `needle` in `hay` (`None` for an empty needle).
pub fn rfind(hay: &[char], needle: &[char]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut to = last_start + 1;
    while to > 0 {
        let at = hay[..to].iter().rposition(|c| *c == first)?;
        if hay[at + 1..at + needle.len()] == *rest {
            return Some(at);
        }
        to = at;
    }
    None
}

/// Whether `needle` occurs in `hay` (never for an empty needle).
pub fn contains(hay: &[char], needle: &[char]) -> bool {
    find(hay, needle).is_some()
}

/// Whether the word `needle` occurs in `hay` (never for an empty word): [`contains`] for a
/// word given as text, compared character by character without collecting it.
pub fn contains_str(hay: &[char], needle: &str) -> bool {
    let mut chars = needle.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    hay.iter()
        .enumerate()
        .any(|(i, c)| *c == first && starts_with(hay, i + 1, rest))
}

/// Whether `word` occurs in `chars` at index `at` (always, for an empty word).
pub fn starts_with(chars: &[char], at: usize, word: &str) -> bool {
    chars.get(at..).is_some_and(|rest| {
        let mut it = rest.iter();
        word.chars().all(|w| it.next() == Some(&w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// The obvious definition the fast search must agree with.
    fn naive(hay: &[char], needle: &[char]) -> Vec<usize> {
        if needle.is_empty() || needle.len() > hay.len() {
            return Vec::new();
        }
        hay.windows(needle.len())
            .enumerate()
            .filter(|(_, w)| *w == needle)
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn finds_first_and_last_occurrence() {
        let cases: &[(&str, &str, Option<usize>, Option<usize>)] = &[
            ("受理复议案件,审结复议案件", "复议", Some(2), Some(9)),
            ("复议", "复议", Some(0), Some(0)),
            ("复", "复议", None, None),
            ("复复议", "复议", Some(1), Some(1)),
            ("议复", "复议", None, None),
            ("", "复议", None, None),
            ("复议", "", None, None),
            ("aaaa", "aa", Some(0), Some(2)),
        ];
        for (hay, needle, first, last) in cases {
            assert_eq!(find(&c(hay), &c(needle)), *first, "find {needle} in {hay}");
            assert_eq!(rfind(&c(hay), &c(needle)), *last, "rfind {needle} in {hay}");
            assert_eq!(contains(&c(hay), &c(needle)), first.is_some());
            assert_eq!(contains_str(&c(hay), needle), first.is_some());
        }
    }

    #[test]
    fn starts_with_checks_the_position() {
        let hay = c("2020年以来");
        assert!(starts_with(&hay, 5, "以来"));
        assert!(!starts_with(&hay, 6, "以来"));
        assert!(!starts_with(&hay, 9, "以来"));
        assert!(starts_with(&hay, 5, ""));
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_naive_search(hay in "[复议件审结]{0,12}", needle in "[复议件]{0,3}") {
            let (h, n) = (c(&hay), c(&needle));
            let all = naive(&h, &n);
            proptest::prop_assert_eq!(find(&h, &n), all.first().copied());
            proptest::prop_assert_eq!(rfind(&h, &n), all.last().copied());
            proptest::prop_assert_eq!(contains_str(&h, &needle), !all.is_empty());
        }
    }
}
