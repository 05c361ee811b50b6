//! Word search in normalised text (slices of `char`), without allocating.
//!
//! Part of stage 2 (extract). Every rule asks "does this clause contain 累计 / 其中 / a phrase":
//! thousands of small searches per report. Comparing a window at every position costs one
//! `memcmp` call per character; here the scan looks for the word's first character (a plain
//! loop the compiler vectorises) and compares the rest only where it matches, which in Chinese
//! text is rare.

/// Position of the first `c` in `hay`: sixteen characters are compared at a time (a loop
/// without an early exit, which the compiler turns into vector compares), then the block that
/// holds a match is searched.
pub fn position_of(hay: &[char], c: char) -> Option<usize> {
    const BLOCK: usize = 16;
    let mut blocks = hay.chunks_exact(BLOCK);
    for (b, block) in blocks.by_ref().enumerate() {
        if block.iter().fold(false, |hit, x| hit | (*x == c)) {
            return block.iter().position(|x| *x == c).map(|i| b * BLOCK + i);
        }
    }
    let tail = blocks.remainder();
    tail.iter()
        .position(|x| *x == c)
        .map(|i| hay.len() - tail.len() + i)
}

/// A word list as characters, the form every search here takes.
pub fn words<S: AsRef<str>>(list: &[S]) -> Vec<Vec<char>> {
    list.iter().map(|w| w.as_ref().chars().collect()).collect()
}

/// Whether any word of `list` occurs in `hay`, without converting the words.
pub fn contains_any_str(hay: &[char], list: &[&str]) -> bool {
    list.iter().any(|w| contains_str(hay, w))
}

/// Element-wise equality of two short slices, without a call to `memcmp` (words here are a
/// few characters long, and most comparisons fail at the first).
fn same(a: &[char], b: &[char]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Position of the first occurrence of `needle` in `hay` (`None` for an empty needle).
pub fn find(hay: &[char], needle: &[char]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut from = 0;
    while from <= last_start {
        let at = from + position_of(&hay[from..=last_start], first)?;
        if same(&hay[at + 1..at + needle.len()], rest) {
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
        if same(&hay[at + 1..at + needle.len()], rest) {
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
    find_str(hay, needle).is_some()
}

/// Position of the first occurrence of the word `needle` in `hay` (`None` for an empty word):
/// [`find`] for a word given as text.
pub fn find_str(hay: &[char], needle: &str) -> Option<usize> {
    let mut chars = needle.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    let mut from = 0;
    while let Some(at) = position_of(&hay[from..], first) {
        if starts_with(hay, from + at + 1, rest) {
            return Some(from + at);
        }
        from += at + 1;
    }
    None
}

/// The first word of `list` (in list order) that occurs in `hay`, as the slice of `hay` it
/// occupies: the word that decided a test, for `fazhi explain`.
pub fn find_any<'h>(hay: &'h [char], list: &[Vec<char>]) -> Option<&'h [char]> {
    list.iter()
        .find_map(|w| find(hay, w).map(|at| &hay[at..at + w.len()]))
}

/// [`find_any`] for words given as text.
pub fn find_any_str<'h>(hay: &'h [char], list: &[&str]) -> Option<&'h [char]> {
    list.iter()
        .find_map(|w| find_str(hay, w).map(|at| &hay[at..at + w.chars().count()]))
}

/// Whether `word` occurs in `chars` at index `at` (always, for an empty word).
pub fn starts_with(chars: &[char], at: usize, word: &str) -> bool {
    chars.get(at..).is_some_and(|rest| {
        let mut it = rest.iter();
        word.chars().all(|w| it.next() == Some(&w))
    })
}

/// Where the words of several groups occur in one text, found in one pass, so that "which
/// groups does this stretch name" costs a binary search per group instead of a scan.
#[derive(Debug, Clone)]
pub struct Occurrences {
    /// For each group, its words' occurrences as (start, end), sorted by start.
    by_group: Vec<Vec<(usize, usize)>>,
}

impl Occurrences {
    /// Finds every occurrence of every word of `groups` in `hay` (overlaps included).
    pub fn new(hay: &[char], groups: &[Vec<Vec<char>>]) -> Occurrences {
        let mut by_group = vec![Vec::new(); groups.len()];
        let mut words: Vec<(char, usize, &[char])> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, words)| {
                words
                    .iter()
                    .filter_map(move |w| w.first().map(|first| (*first, g, w.as_slice())))
            })
            .collect();
        words.sort_by_key(|(first, _, _)| *first);
        // A 1,024-bit sketch of the first characters rules most positions out with one test.
        let slot = |c: char| (u32::from(c) % 1024) as usize;
        let mut firsts = [0u64; 16];
        for (first, _, _) in &words {
            firsts[slot(*first) / 64] |= 1 << (slot(*first) % 64);
        }
        for (at, c) in hay.iter().enumerate() {
            if firsts[slot(*c) / 64] & (1 << (slot(*c) % 64)) == 0 {
                continue;
            }
            let from = words.partition_point(|(first, _, _)| first < c);
            for (_, group, word) in words[from..].iter().take_while(|(first, _, _)| first == c) {
                if hay[at..].starts_with(word) {
                    by_group[*group].push((at, at + word.len()));
                }
            }
        }
        Occurrences { by_group }
    }

    /// Whether a word of group `group` lies wholly within `from..to`.
    pub fn within(&self, group: usize, from: usize, to: usize) -> bool {
        let list = &self.by_group[group];
        let first = list.partition_point(|(start, _)| *start < from);
        list[first..]
            .iter()
            .take_while(|(start, _)| *start < to)
            .any(|(_, end)| *end <= to)
    }

    /// How many groups have a word wholly within `from..to`.
    pub fn groups_within(&self, from: usize, to: usize) -> usize {
        (0..self.by_group.len())
            .filter(|g| self.within(*g, from, to))
            .count()
    }
}

/// The set of characters of a text, folded into 128 bits: a word can only occur in a text
/// whose sketch covers the word's. One test rules out most of the dictionary's phrases for a
/// clause before any of them is searched; it never rules out one that occurs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sketch(u128);

impl Sketch {
    /// The sketch of every character of `text`.
    pub fn of(text: &[char]) -> Sketch {
        Sketch(text.iter().fold(0, |bits, c| bits | Self::bit(*c)))
    }

    /// The sketch of every character of several words.
    pub fn of_words(words: &[Vec<char>]) -> Sketch {
        Sketch(words.iter().fold(0, |bits, w| bits | Self::of(w).0))
    }

    /// The sketch of the characters of `word`.
    pub fn of_str(word: &str) -> Sketch {
        Sketch(word.chars().fold(0, |bits, c| bits | Self::bit(c)))
    }

    /// Whether every character `other` was made of may be in this sketch's text.
    pub fn covers(self, other: Sketch) -> bool {
        other.0 & !self.0 == 0
    }

    fn bit(c: char) -> u128 {
        1 << (u32::from(c) % 128)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn a_sketch_rules_out_only_words_that_cannot_occur() {
        let hay = c("审结行政复议案件35件");
        let sketch = Sketch::of(&hay);
        for word in ["复议", "审结", "件", "行政复议案件"] {
            assert!(sketch.covers(Sketch::of(&c(word))), "{word}");
        }
        assert!(!sketch.covers(Sketch::of(&c("调解"))));
        assert!(sketch.covers(Sketch::of_words(&[c("复议"), c("审结")])));
        assert!(sketch.covers(Sketch::default()));
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
    fn position_of_finds_the_first_match_in_any_block() {
        for len in [0, 1, 15, 16, 17, 40] {
            for at in 0..len {
                let mut hay = vec!['件'; len];
                hay[at] = '年';
                if at + 3 < len {
                    hay[at + 3] = '年';
                }
                assert_eq!(position_of(&hay, '年'), Some(at), "len {len} at {at}");
            }
            assert_eq!(position_of(&vec!['件'; len], '年'), None);
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

    #[test]
    fn occurrences_count_the_groups_named_in_a_stretch() {
        let groups: Vec<Vec<Vec<char>>> = vec![
            vec![c("复议")],
            vec![c("诉讼"), c("应诉")],
            vec![c("调解"), c("人民调解")],
        ];
        let text = c("复议工作。行政应诉。人民调解");
        let occ = Occurrences::new(&text, &groups);
        let n = text.len();
        assert_eq!(occ.groups_within(0, n), 3);
        assert_eq!(occ.groups_within(0, 4), 1);
        assert_eq!(
            occ.groups_within(1, 4),
            0,
            "a word cut at the start does not count"
        );
        assert_eq!(occ.groups_within(5, 9), 1, "应诉 inside 行政应诉");
        assert_eq!(
            occ.groups_within(5, 8),
            0,
            "a word cut at the end does not count"
        );
        assert!(occ.within(2, 10, n));
        assert!(!occ.within(0, 4, n));
    }

    proptest::proptest! {
        #[test]
        fn occurrences_agree_with_searching_each_stretch(
            hay in "[复议诉讼应]{0,14}", from in 0usize..15, len in 0usize..15,
        ) {
            let groups: Vec<Vec<Vec<char>>> =
                vec![vec![c("复议")], vec![c("诉讼"), c("应诉"), c("诉")]];
            let h = c(&hay);
            let from = from.min(h.len());
            let to = (from + len).min(h.len());
            let occ = Occurrences::new(&h, &groups);
            for (g, words) in groups.iter().enumerate() {
                let expected = words.iter().any(|w| contains(&h[from..to], w));
                proptest::prop_assert_eq!(occ.within(g, from, to), expected);
            }
        }

        #[test]
        fn agrees_with_the_naive_search(hay in "[复议件审结]{0,12}", needle in "[复议件]{0,3}") {
            let (h, n) = (c(&hay), c(&needle));
            let all = naive(&h, &n);
            proptest::prop_assert_eq!(find(&h, &n), all.first().copied());
            proptest::prop_assert_eq!(rfind(&h, &n), all.last().copied());
            proptest::prop_assert_eq!(contains_str(&h, &needle), !all.is_empty());
            if !all.is_empty() {
                proptest::prop_assert!(Sketch::of(&h).covers(Sketch::of(&n)));
            }
        }
    }
}
