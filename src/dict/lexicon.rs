//! The lexicon: every word class that extraction and the metadata reader use, as data
//! (`data/lexicon.toml`), loaded and validated like the indicator dictionary.
//!
//! The file is read once and compiled into a [`Lexicon`]: each class's words as text and as
//! characters, tables sorted for matching (units and qualifiers longest first), the characters
//! that can start a number folded into a bit set. Extraction is handed the compiled lexicon and
//! never parses or allocates words again. Invariants, checked on load: every class is present
//! and documented, no word is empty or repeated within a key, classes read one character at a
//! time hold one-character words, and cross-references (a unit's `same_as`, a field kind in
//! `page_header`) name something that exists. A file that breaks one is refused with its line
//! and key.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use toml::Spanned;

use crate::model::Qualifier;

/// The lexicon bundled with fazhi (`data/lexicon.toml`).
pub const BUNDLED_LEXICON: &str = include_str!("../../data/lexicon.toml");

/// Problems with a lexicon file; each names the file, the line and the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The file could not be read.
    #[error("{path}: cannot read lexicon file: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The file is not valid TOML, or a class or word breaks a rule.
    #[error("{path}: line {line}: key '{key}': {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the fault (of the class header when a key is missing).
        line: usize,
        /// The key at fault, `class.key` (or the class alone).
        key: String,
        /// What is wrong, with a hint where one helps.
        message: String,
    },
}

/// What a measure word says about the number before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A count of things (件, 人次): can be an indicator value.
    Count,
    /// A percentage (%): can be a rate indicator's value.
    Percent,
    /// A change in percentage points (个百分点).
    Points,
    /// A date or a time of day (年, 月, 日, 号, 时).
    Date,
    /// A duration (个月, 小时, 天).
    Duration,
    /// A sum of money (元, 万元).
    Money,
    /// An age (岁).
    Age,
    /// An edition or a session (版, 届).
    Edition,
}

impl UnitKind {
    /// Whether a number with this unit can be an indicator value: a count or a percentage,
    /// not a date, a duration, a sum of money, an age, an edition or a change in points.
    pub fn is_value(self) -> bool {
        matches!(self, UnitKind::Count | UnitKind::Percent)
    }
}

/// One class of words, each as text and as characters (the form every search takes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    text: Vec<String>,
    chars: Vec<Vec<char>>,
}

impl Words {
    fn new(words: Vec<String>) -> Words {
        let chars = words.iter().map(|w| w.chars().collect()).collect();
        Words { text: words, chars }
    }

    /// The words as text, in file order.
    pub fn strs(&self) -> &[String] {
        &self.text
    }

    /// The words as characters, in file order.
    pub fn chars(&self) -> &[Vec<char>] {
        &self.chars
    }

    /// Whether `word` is one of the words.
    pub fn contains(&self, word: &str) -> bool {
        self.text.iter().any(|w| w == word)
    }

    /// Whether some word ends exactly at index `at` of `chars` (`chars[..at]` ends with it).
    pub fn ends_at(&self, chars: &[char], at: usize) -> bool {
        let head = &chars[..at.min(chars.len())];
        self.chars.iter().any(|w| ends_with(head, w))
    }

    /// The first word (in file order) that starts at index `at` of `chars`.
    pub fn starting_at(&self, chars: &[char], at: usize) -> Option<&[char]> {
        let rest = chars.get(at..)?;
        self.chars
            .iter()
            .find(|w| starts_with(rest, w))
            .map(Vec::as_slice)
    }

    /// Whether some word starts at index `at` of `chars`.
    pub fn starts_at(&self, chars: &[char], at: usize) -> bool {
        self.starting_at(chars, at).is_some()
    }

    /// Whether some word occurs in `text`.
    pub fn any_in_str(&self, text: &str) -> bool {
        self.text.iter().any(|w| text.contains(w.as_str()))
    }
}

/// A class of one-character words, tested a character at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharSet(Vec<char>);

impl CharSet {
    /// Whether `c` is in the set.
    pub fn contains(&self, c: char) -> bool {
        self.0.contains(&c)
    }

    /// The characters, in file order.
    pub fn as_slice(&self) -> &[char] {
        &self.0
    }
}

/// Chinese numerals: digits with their value and multipliers with their factor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Numerals {
    digits: Vec<(char, u32)>,
    multipliers: Vec<(char, u64)>,
    smallest_multiplier: Option<char>,
    /// Every digit and multiplier as bits of [`char_bit`], to rule most characters out at once.
    bits: u128,
}

impl Numerals {
    /// The digit value of `c` (一 → 1, 〇 → 0).
    pub fn digit(&self, c: char) -> Option<u32> {
        if self.bits & char_bit(c) == 0 {
            return None;
        }
        self.digits.iter().find(|(d, _)| *d == c).map(|(_, v)| *v)
    }

    /// The factor of multiplier `c` (十 → 10, 万 → 10 000).
    pub fn multiplier(&self, c: char) -> Option<u64> {
        if self.bits & char_bit(c) == 0 {
            return None;
        }
        self.multipliers
            .iter()
            .find(|(m, _)| *m == c)
            .map(|(_, f)| *f)
    }

    /// Whether `c` is a digit or a multiplier.
    pub fn is_numeral(&self, c: char) -> bool {
        self.digit(c).is_some() || self.multiplier(c).is_some()
    }

    /// Whether a numeral may start at `c`: a digit or the smallest multiplier (十五); a larger
    /// multiplier alone (万达) is a word.
    pub fn can_start(&self, c: char) -> bool {
        self.digit(c).is_some() || Some(c) == self.smallest_multiplier
    }

    /// The digits with their values, in file order.
    pub fn digits(&self) -> &[(char, u32)] {
        &self.digits
    }
}

/// A measure word after a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The word as written (余次).
    pub written: Vec<char>,
    /// The unit it stands for (次).
    pub unit: String,
    /// What the unit says about the number.
    pub kind: UnitKind,
    /// The qualifier the written word carries (余次 → more than), if any.
    pub qualifier: Option<Qualifier>,
}

/// Qualifier words by where they stand, each list longest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Qualifiers {
    /// Before the number (近, 约, 超过).
    pub before: Vec<(Vec<char>, Qualifier)>,
    /// Between the number and its unit (余, 多).
    pub after_number: Vec<(Vec<char>, Qualifier)>,
    /// After the unit (以上, 左右).
    pub after_unit: Vec<(Vec<char>, Qualifier)>,
}

/// The longest qualifier of `list` that starts at `at` of `chars`, with its length.
pub fn qualifier_at(
    list: &[(Vec<char>, Qualifier)],
    chars: &[char],
    at: usize,
) -> Option<(Qualifier, usize)> {
    let rest = chars.get(at..)?;
    list.iter()
        .find(|(w, _)| starts_with(rest, w))
        .map(|(w, q)| (*q, w.len()))
}

/// Opening and closing marks of a quotation, a book title or a document-number bracket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotePair {
    /// The opening mark.
    pub open: char,
    /// The closing mark (the same for straight quotes).
    pub close: char,
    /// The longest span between the marks, in characters, that is trusted as a quotation.
    pub max_span: usize,
}

/// Labels of header fields by what the field holds (see `[field_labels]` in the file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldLabels {
    /// Publish-date labels (发布日期), most specific first.
    pub date: Words,
    /// Publisher labels (发布机构, 来源), most specific first.
    pub publisher: Words,
    /// Site-owner labels (主办单位): a place, not the publisher.
    pub host: Words,
    /// Labels of index numbers that embed a division code (索引号).
    pub index: Words,
    /// Labels whose value is the document title (标题).
    pub title: Words,
    /// Labels of document numbers (文号).
    pub document_number: Words,
    /// Every label of the kinds the HTML reader keeps from outside the article body, in the
    /// order of `page_header`, each kind's labels in file order.
    pub page_header: Words,
    /// Marks that may close a label (【发布日期】).
    pub closers: CharSet,
    /// Marks between a label and its value (来源:…).
    pub separators: CharSet,
}

/// Suffixes and words that make the short names of official divisions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DivisionWords {
    /// 自治区, 省, 市: stripped from a province's name (the first that ends it).
    pub province_suffixes: Words,
    /// 壮族 …: stripped after the suffix (广西壮族 → 广西).
    pub province_peoples: Words,
    /// 地区, 市, 盟: stripped from a prefecture's name (the first that ends it).
    pub prefecture_suffixes: Words,
    /// 自治州: the short name is the place name before the first people named.
    pub autonomous_prefecture_suffixes: Words,
    /// 自治县 → 县: an autonomous county is also called by its place name and this suffix.
    pub autonomous_county_suffixes: Vec<(String, String)>,
    /// Peoples named in autonomous units' names, after the place name.
    pub peoples: Words,
    /// Prefecture-table names that are placeholders, not places.
    pub placeholder_prefectures: Words,
}

/// The compiled lexicon. Each field is one class of `data/lexicon.toml` (same name; the file
/// documents what each does); words are in file order unless a field says otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Lexicon {
    // Numbers.
    pub numerals: Numerals,
    pub percent_prefixes: Words,
    /// Units, longest first (人次 before 人).
    pub units: Vec<Unit>,
    /// The first characters of the units as bits of [`char_bit`]: no unit starts at a
    /// character whose bit is clear.
    pub unit_first_bits: u128,
    pub qualifiers: Qualifiers,
    pub ordinal_prefixes: Words,
    pub range_marks: CharSet,
    pub glue_marks: CharSet,
    pub quote_pairs: Vec<QuotePair>,
    /// Every character that can start a number (ASCII digits, numeral digits, the smallest
    /// multiplier, the first character of a percent prefix) as bits of [`char_bit`]: a
    /// character whose bit is clear cannot start one.
    pub number_start_bits: u128,
    // Layout.
    pub chrome_markers: Words,
    pub heading_numerals: CharSet,
    pub heading_openers: CharSet,
    pub plan_headings: Words,
    pub plan_openers: Words,
    pub not_heading_words: Words,
    // Years and periods.
    pub year_comparisons_before: CharSet,
    pub year_comparisons_after: Words,
    pub since_words: Words,
    pub before_words: Words,
    pub last_year_words: Words,
    pub period_end_words: Words,
    pub cumulative_words: Words,
    pub cumulative_bounds: Words,
    pub period_links: CharSet,
    pub multi_year_words: Words,
    pub year_count_numerals: CharSet,
    pub year_span_openers: Words,
    pub year_span_closers: CharSet,
    pub single_year_words: Words,
    pub partial_periods: Words,
    pub year_to_date_words: Words,
    pub title_line_words: Words,
    // Metadata.
    pub field_labels: FieldLabels,
    pub report_words: Words,
    pub law_words: Words,
    pub nav_marks: Words,
    pub title_endings: CharSet,
    pub title_inside_marks: CharSet,
    /// Marks that split an HTML page's `<title>` (`title_breaks.page_title`).
    pub page_title_separators: CharSet,
    pub list_bullets: CharSet,
    pub year_digits: Vec<(char, u32)>,
    pub month_numerals: CharSet,
    pub title_prefixes: Words,
    pub word_start_after: CharSet,
    pub generic_county_names: Words,
    pub self_reference_prefixes: Words,
    pub self_reference_units: Words,
    pub self_reference_offices: Words,
    pub self_reference_office_after: CharSet,
    pub nation_references: Words,
    pub nation_subjects: Words,
    pub divisions: DivisionWords,
    // Attribution and scope (read by src/extract/mod.rs).
    pub target_clause_words: Words,
    pub target_sentence_words: Words,
    /// One list per subject.
    pub subject_groups: Vec<Words>,
    pub average_words: Words,
    pub change_words: Words,
    pub change_links: CharSet,
    pub change_anywhere: Words,
    pub breakdown_markers: Words,
    pub share_markers: Words,
    pub share_of_whole: Words,
    pub base_markers: Words,
    pub predicate_joiners: Words,
    pub change_falls: Words,
    /// Noun → the unit a bare number after it is read with (案件 → 件).
    pub implied_units: Vec<(Vec<char>, String)>,
}

/// Whether `hay` starts with `word`, compared element by element: words are a few characters
/// long and most comparisons fail at the first, where a `memcmp` call would cost more than
/// the comparison.
pub fn starts_with(hay: &[char], word: &[char]) -> bool {
    hay.len() >= word.len() && hay.iter().zip(word).all(|(a, b)| a == b)
}

/// Whether `hay` ends with `word` (see [`starts_with`]).
pub fn ends_with(hay: &[char], word: &[char]) -> bool {
    hay.len() >= word.len()
        && hay[hay.len() - word.len()..]
            .iter()
            .zip(word)
            .all(|(a, b)| a == b)
}

/// A character's bit in a 128-bit set (code point modulo 128), as in
/// [`Lexicon::number_start_bits`].
pub const fn char_bit(c: char) -> u128 {
    1 << (c as u32 % 128)
}

impl Lexicon {
    /// The bundled lexicon, parsed on first use.
    pub fn bundled() -> &'static Lexicon {
        static BUNDLED: OnceLock<Lexicon> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            parse_lexicon(BUNDLED_LEXICON, "data/lexicon.toml (bundled)")
                .expect("the bundled lexicon is valid (checked by its tests)")
        })
    }

    /// The bundled lexicon, shared: cloning the handle does not copy the words.
    pub fn bundled_shared() -> Arc<Lexicon> {
        static SHARED: OnceLock<Arc<Lexicon>> = OnceLock::new();
        SHARED
            .get_or_init(|| Arc::new(Lexicon::bundled().clone()))
            .clone()
    }

    /// The unit written at `at` of `chars` (the longest), if any.
    pub fn unit_at(&self, chars: &[char], at: usize) -> Option<&Unit> {
        let rest = chars.get(at..)?;
        let first = *rest.first()?;
        if self.unit_first_bits & char_bit(first) == 0 {
            return None;
        }
        self.units.iter().find(|u| starts_with(rest, &u.written))
    }

    /// The kind of a unit (`件` → count); `None` for a word that is not a unit.
    pub fn unit_kind(&self, unit: &str) -> Option<UnitKind> {
        self.units.iter().find(|u| u.unit == unit).map(|u| u.kind)
    }
}

/// Loads the lexicon from `path`, or the bundled one when `path` is `None`.
pub fn load_lexicon(path: Option<&Path>) -> Result<Lexicon, LexiconError> {
    match path {
        None => Ok(Lexicon::bundled().clone()),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|error| LexiconError::Read {
                path: p.to_path_buf(),
                error,
            })?;
            parse_lexicon(&text, &p.display().to_string())
        }
    }
}

// ---- The file's shape (serde) ----------------------------------------------------------------

type Word = Spanned<String>;
/// A table entry: the word as characters, its value and the byte span of the value.
type Entry<V> = (Vec<char>, V, Range<usize>);
type Table<V> = BTreeMap<String, Spanned<V>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWords {
    #[allow(dead_code)]
    doc: Spanned<String>,
    words: Vec<Word>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNumerals {
    #[allow(dead_code)]
    doc: Spanned<String>,
    digits: Table<u32>,
    multipliers: Table<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnits {
    #[allow(dead_code)]
    doc: Spanned<String>,
    words: Table<UnitKind>,
    same_as: Table<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQualifiers {
    #[allow(dead_code)]
    doc: Spanned<String>,
    before: Table<Qualifier>,
    after_number: Table<Qualifier>,
    after_unit: Table<Qualifier>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPair {
    open: Spanned<String>,
    close: Spanned<String>,
    max_span: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuotePairs {
    #[allow(dead_code)]
    doc: Spanned<String>,
    pairs: Vec<RawPair>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBeforeAfter {
    #[allow(dead_code)]
    doc: Spanned<String>,
    before: Vec<Word>,
    after: Vec<Word>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFieldLabels {
    #[allow(dead_code)]
    doc: Spanned<String>,
    date: Vec<Word>,
    publisher: Vec<Word>,
    host: Vec<Word>,
    index: Vec<Word>,
    title: Vec<Word>,
    document_number: Vec<Word>,
    page_header: Vec<Word>,
    closers: Vec<Word>,
    separators: Vec<Word>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitleBreaks {
    #[allow(dead_code)]
    doc: Spanned<String>,
    endings: Vec<Word>,
    inside: Vec<Word>,
    page_title: Vec<Word>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYearDigits {
    #[allow(dead_code)]
    doc: Spanned<String>,
    digits: Table<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelfReferences {
    #[allow(dead_code)]
    doc: Spanned<String>,
    prefixes: Vec<Word>,
    units: Vec<Word>,
    offices: Vec<Word>,
    office_after: Vec<Word>,
    nation: Vec<Word>,
    nation_subjects: Vec<Word>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDivisions {
    #[allow(dead_code)]
    doc: Spanned<String>,
    province_suffixes: Vec<Word>,
    province_peoples: Vec<Word>,
    prefecture_suffixes: Vec<Word>,
    autonomous_prefecture_suffixes: Vec<Word>,
    autonomous_county_suffixes: Table<String>,
    peoples: Vec<Word>,
    placeholder_prefectures: Vec<Word>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroups {
    #[allow(dead_code)]
    doc: Spanned<String>,
    groups: Vec<Vec<Word>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImplied {
    #[allow(dead_code)]
    doc: Spanned<String>,
    nouns: Table<String>,
}

/// Every class of the file. A missing class, or one not listed here, is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    numerals: RawNumerals,
    percent_prefixes: RawWords,
    units: RawUnits,
    qualifiers: RawQualifiers,
    ordinal_prefixes: RawWords,
    range_marks: RawWords,
    glue_marks: RawWords,
    quote_pairs: RawQuotePairs,
    chrome_markers: RawWords,
    heading_numerals: RawWords,
    heading_openers: RawWords,
    plan_headings: RawWords,
    plan_openers: RawWords,
    not_heading_words: RawWords,
    year_comparisons: RawBeforeAfter,
    since_words: RawWords,
    before_words: RawWords,
    last_year_words: RawWords,
    period_end_words: RawWords,
    cumulative_words: RawWords,
    cumulative_bounds: RawWords,
    period_links: RawWords,
    multi_year_words: RawWords,
    year_count_numerals: RawWords,
    year_span_openers: RawWords,
    year_span_closers: RawWords,
    single_year_words: RawWords,
    partial_periods: RawWords,
    year_to_date_words: RawWords,
    title_line_words: RawWords,
    field_labels: RawFieldLabels,
    report_words: RawWords,
    law_words: RawWords,
    nav_marks: RawWords,
    title_breaks: RawTitleBreaks,
    list_bullets: RawWords,
    year_digits: RawYearDigits,
    month_numerals: RawWords,
    title_prefixes: RawWords,
    word_start_after: RawWords,
    generic_county_names: RawWords,
    self_references: RawSelfReferences,
    divisions: RawDivisions,
    target_clause_words: RawWords,
    target_sentence_words: RawWords,
    subject_groups: RawGroups,
    average_words: RawWords,
    change_words: RawWords,
    change_links: RawWords,
    change_anywhere: RawWords,
    breakdown_markers: RawWords,
    share_markers: RawWords,
    share_of_whole: RawWords,
    base_markers: RawWords,
    predicate_joiners: RawWords,
    change_falls: RawWords,
    implied_units: RawImplied,
}

// ---- Validation ------------------------------------------------------------------------------

/// Builds errors that name the file and a line found from a byte span.
struct Checker<'a> {
    text: &'a str,
    origin: &'a str,
}

impl Checker<'_> {
    fn line_of(&self, span: Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn error(&self, span: Range<usize>, key: &str, message: impl Into<String>) -> LexiconError {
        LexiconError::Invalid {
            path: self.origin.to_string(),
            line: self.line_of(span),
            key: key.to_string(),
            message: message.into(),
        }
    }

    /// A list of words: none empty, none repeated.
    fn words(&self, key: &str, list: Vec<Word>) -> Result<Words, LexiconError> {
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(list.len());
        for w in list {
            let span = w.span();
            let w = w.into_inner();
            if w.trim().is_empty() {
                return Err(self.error(span, key, "empty word in the list"));
            }
            if w.trim() != w {
                return Err(self.error(
                    span,
                    key,
                    format!("word '{w}' has spaces around it (text is matched without them)"),
                ));
            }
            if !seen.insert(w.clone()) {
                return Err(self.error(span, key, format!("word '{w}' appears twice")));
            }
            out.push(w);
        }
        Ok(Words::new(out))
    }

    /// A class's `words`.
    fn class(&self, class: &str, raw: RawWords) -> Result<Words, LexiconError> {
        self.words(&format!("{class}.words"), raw.words)
    }

    /// A list of one-character words.
    fn chars(&self, key: &str, list: Vec<Word>) -> Result<CharSet, LexiconError> {
        let spans: Vec<Range<usize>> = list.iter().map(Spanned::span).collect();
        let words = self.words(key, list)?;
        let mut out = Vec::with_capacity(words.chars.len());
        for (w, span) in words.chars.iter().zip(spans) {
            match w.as_slice() {
                [c] => out.push(*c),
                _ => {
                    return Err(self.error(
                        span,
                        key,
                        format!(
                            "'{}' is not one character (this class is read a character at a time)",
                            w.iter().collect::<String>()
                        ),
                    ))
                }
            }
        }
        Ok(CharSet(out))
    }

    fn char_class(&self, class: &str, raw: RawWords) -> Result<CharSet, LexiconError> {
        self.chars(&format!("{class}.words"), raw.words)
    }

    /// A table keyed by one-character words.
    fn char_table<V: Copy>(
        &self,
        key: &str,
        table: Table<V>,
    ) -> Result<Vec<(char, V)>, LexiconError> {
        let mut out = Vec::with_capacity(table.len());
        for (k, v) in table {
            let mut it = k.chars();
            match (it.next(), it.next()) {
                (Some(c), None) if !c.is_whitespace() => out.push((c, *v.get_ref())),
                _ => return Err(self.error(v.span(), key, format!("'{k}' is not one character"))),
            }
        }
        Ok(out)
    }

    /// A table keyed by non-empty words, longest first (ties in file-independent order).
    fn word_table<V: Clone>(
        &self,
        key: &str,
        table: Table<V>,
    ) -> Result<Vec<Entry<V>>, LexiconError> {
        let mut out = Vec::with_capacity(table.len());
        for (k, v) in table {
            if k.trim().is_empty() || k.trim() != k {
                return Err(self.error(v.span(), key, format!("word '{k}' is empty or padded")));
            }
            out.push((
                k.chars().collect::<Vec<char>>(),
                v.get_ref().clone(),
                v.span(),
            ));
        }
        // BTreeMap order, then longest first: stable, so equal lengths keep a fixed order.
        out.sort_by_key(|(w, _, _)| std::cmp::Reverse(w.len()));
        Ok(out)
    }

    fn qualifiers(
        &self,
        key: &str,
        table: Table<Qualifier>,
    ) -> Result<Vec<(Vec<char>, Qualifier)>, LexiconError> {
        let mut out = Vec::new();
        for (w, q, span) in self.word_table(key, table)? {
            if !matches!(q, Qualifier::MoreThan | Qualifier::Nearly) {
                return Err(self.error(
                    span,
                    key,
                    "a qualifier word means 'more_than' or 'nearly'",
                ));
            }
            out.push((w, q));
        }
        Ok(out)
    }
}

/// Parses and validates lexicon text; `origin` names it in errors.
pub fn parse_lexicon(text: &str, origin: &str) -> Result<Lexicon, LexiconError> {
    let ck = Checker { text, origin };
    let raw: RawLexicon = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let key = key_at(text, span.start);
        ck.error(
            span,
            &key,
            format!(
                "{} (see data/lexicon.toml for every class and its keys)",
                e.message().trim_end()
            ),
        )
    })?;

    // Numbers.
    let digits = ck.char_table("numerals.digits", raw.numerals.digits)?;
    if let Some((c, v)) = digits.iter().find(|(_, v)| *v > 9) {
        let span = key_span(text, "numerals", &c.to_string());
        return Err(ck.error(
            span,
            "numerals.digits",
            format!("'{c}' = {v} is not a digit"),
        ));
    }
    let multipliers = ck.char_table("numerals.multipliers", raw.numerals.multipliers)?;
    if let Some((c, f)) = multipliers.iter().find(|(_, f)| !is_power_of_ten(*f)) {
        let span = key_span(text, "numerals", &c.to_string());
        return Err(ck.error(
            span,
            "numerals.multipliers",
            format!("'{c}' = {f} is not a power of ten"),
        ));
    }
    let smallest_multiplier = multipliers.iter().min_by_key(|(_, f)| *f).map(|(c, _)| *c);
    let bits = digits
        .iter()
        .map(|(c, _)| *c)
        .chain(multipliers.iter().map(|(c, _)| *c))
        .fold(0, |bits, c| bits | char_bit(c));
    let numerals = Numerals {
        digits,
        multipliers,
        smallest_multiplier,
        bits,
    };
    let percent_prefixes = ck.class("percent_prefixes", raw.percent_prefixes)?;

    let mut units: Vec<Unit> = ck
        .word_table("units.words", raw.units.words)?
        .into_iter()
        .map(|(written, kind, _)| Unit {
            unit: written.iter().collect(),
            written,
            kind,
            qualifier: None,
        })
        .collect();
    for (written, target, span) in ck.word_table("units.same_as", raw.units.same_as)? {
        let Some(base) = units.iter().find(|u| u.unit == target) else {
            return Err(ck.error(
                span,
                "units.same_as",
                format!("'{target}' is not a unit in units.words"),
            ));
        };
        if units.iter().any(|u| u.written == written) {
            return Err(ck.error(
                span,
                "units.same_as",
                "the word is already a unit in units.words: list it in one place",
            ));
        }
        let kind = base.kind;
        // A unit written with 余 carries its qualifier (余次 → more than … 次).
        units.push(Unit {
            written,
            unit: target,
            kind,
            qualifier: Some(Qualifier::MoreThan),
        });
    }
    units.sort_by_key(|u| std::cmp::Reverse(u.written.len()));
    let unit_first_bits = units
        .iter()
        .fold(0, |bits, u| bits | char_bit(u.written[0]));

    let qualifiers = Qualifiers {
        before: ck.qualifiers("qualifiers.before", raw.qualifiers.before)?,
        after_number: ck.qualifiers("qualifiers.after_number", raw.qualifiers.after_number)?,
        after_unit: ck.qualifiers("qualifiers.after_unit", raw.qualifiers.after_unit)?,
    };
    let ordinal_prefixes = ck.class("ordinal_prefixes", raw.ordinal_prefixes)?;
    let range_marks = ck.char_class("range_marks", raw.range_marks)?;
    let glue_marks = ck.char_class("glue_marks", raw.glue_marks)?;
    let mut quote_pairs = Vec::new();
    for p in raw.quote_pairs.pairs {
        let one = |w: Spanned<String>| -> Result<char, LexiconError> {
            let span = w.span();
            let mut it = w.get_ref().chars();
            match (it.next(), it.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(ck.error(span, "quote_pairs.pairs", "a mark is one character")),
            }
        };
        let open_span = p.open.span();
        let (open, close) = (one(p.open)?, one(p.close)?);
        if p.max_span == 0 {
            return Err(ck.error(
                open_span,
                "quote_pairs.pairs",
                "max_span must be at least 1",
            ));
        }
        quote_pairs.push(QuotePair {
            open,
            close,
            max_span: p.max_span,
        });
    }
    let mut number_start_bits = 0;
    for c in '0'..='9' {
        number_start_bits |= char_bit(c);
    }
    for (c, _) in &numerals.digits {
        number_start_bits |= char_bit(*c);
    }
    if let Some(c) = numerals.smallest_multiplier {
        number_start_bits |= char_bit(c);
    }
    for w in percent_prefixes.chars() {
        number_start_bits |= char_bit(w[0]);
    }

    // Field labels: `page_header` names kinds.
    let fl = raw.field_labels;
    let page_header_kinds = ck.words("field_labels.page_header", fl.page_header.clone())?;
    let field = FieldLabels {
        date: ck.words("field_labels.date", fl.date)?,
        publisher: ck.words("field_labels.publisher", fl.publisher)?,
        host: ck.words("field_labels.host", fl.host)?,
        index: ck.words("field_labels.index", fl.index)?,
        title: ck.words("field_labels.title", fl.title)?,
        document_number: ck.words("field_labels.document_number", fl.document_number)?,
        page_header: Words::default(),
        closers: ck.chars("field_labels.closers", fl.closers)?,
        separators: ck.chars("field_labels.separators", fl.separators)?,
    };
    let mut page_header = Vec::new();
    for (kind, span) in page_header_kinds
        .strs()
        .iter()
        .zip(fl.page_header.iter().map(Spanned::span))
    {
        let labels = match kind.as_str() {
            "date" => &field.date,
            "publisher" => &field.publisher,
            "host" => &field.host,
            "index" => &field.index,
            "title" => &field.title,
            "document_number" => &field.document_number,
            other => {
                return Err(ck.error(
                    span,
                    "field_labels.page_header",
                    format!(
                        "unknown kind '{other}' (one of date, publisher, host, index, title, \
                         document_number)"
                    ),
                ))
            }
        };
        page_header.extend(labels.strs().iter().cloned());
    }
    let field_labels = FieldLabels {
        page_header: Words::new(page_header),
        ..field
    };

    let dv = raw.divisions;
    let divisions = DivisionWords {
        province_suffixes: ck.words("divisions.province_suffixes", dv.province_suffixes)?,
        province_peoples: ck.words("divisions.province_peoples", dv.province_peoples)?,
        prefecture_suffixes: ck.words("divisions.prefecture_suffixes", dv.prefecture_suffixes)?,
        autonomous_prefecture_suffixes: ck.words(
            "divisions.autonomous_prefecture_suffixes",
            dv.autonomous_prefecture_suffixes,
        )?,
        autonomous_county_suffixes: ck
            .word_table(
                "divisions.autonomous_county_suffixes",
                dv.autonomous_county_suffixes,
            )?
            .into_iter()
            .map(|(w, v, _)| (w.iter().collect(), v))
            .collect(),
        peoples: ck.words("divisions.peoples", dv.peoples)?,
        placeholder_prefectures: ck.words(
            "divisions.placeholder_prefectures",
            dv.placeholder_prefectures,
        )?,
    };

    let mut subject_groups = Vec::new();
    for group in raw.subject_groups.groups {
        subject_groups.push(ck.words("subject_groups.groups", group)?);
    }
    let implied_units = ck
        .word_table("implied_units.nouns", raw.implied_units.nouns)?
        .into_iter()
        .map(|(w, v, _)| (w, v))
        .collect();

    Ok(Lexicon {
        numerals,
        percent_prefixes,
        units,
        unit_first_bits,
        qualifiers,
        ordinal_prefixes,
        range_marks,
        glue_marks,
        quote_pairs,
        number_start_bits,
        chrome_markers: ck.class("chrome_markers", raw.chrome_markers)?,
        heading_numerals: ck.char_class("heading_numerals", raw.heading_numerals)?,
        heading_openers: ck.char_class("heading_openers", raw.heading_openers)?,
        plan_headings: ck.class("plan_headings", raw.plan_headings)?,
        plan_openers: ck.class("plan_openers", raw.plan_openers)?,
        not_heading_words: ck.class("not_heading_words", raw.not_heading_words)?,
        year_comparisons_before: ck
            .chars("year_comparisons.before", raw.year_comparisons.before)?,
        year_comparisons_after: ck.words("year_comparisons.after", raw.year_comparisons.after)?,
        since_words: ck.class("since_words", raw.since_words)?,
        before_words: ck.class("before_words", raw.before_words)?,
        last_year_words: ck.class("last_year_words", raw.last_year_words)?,
        period_end_words: ck.class("period_end_words", raw.period_end_words)?,
        cumulative_words: ck.class("cumulative_words", raw.cumulative_words)?,
        cumulative_bounds: ck.class("cumulative_bounds", raw.cumulative_bounds)?,
        period_links: ck.char_class("period_links", raw.period_links)?,
        multi_year_words: ck.class("multi_year_words", raw.multi_year_words)?,
        year_count_numerals: ck.char_class("year_count_numerals", raw.year_count_numerals)?,
        year_span_openers: ck.class("year_span_openers", raw.year_span_openers)?,
        year_span_closers: ck.char_class("year_span_closers", raw.year_span_closers)?,
        single_year_words: ck.class("single_year_words", raw.single_year_words)?,
        partial_periods: ck.class("partial_periods", raw.partial_periods)?,
        year_to_date_words: ck.class("year_to_date_words", raw.year_to_date_words)?,
        title_line_words: ck.class("title_line_words", raw.title_line_words)?,
        field_labels,
        report_words: ck.class("report_words", raw.report_words)?,
        law_words: ck.class("law_words", raw.law_words)?,
        nav_marks: ck.class("nav_marks", raw.nav_marks)?,
        title_endings: ck.chars("title_breaks.endings", raw.title_breaks.endings)?,
        title_inside_marks: ck.chars("title_breaks.inside", raw.title_breaks.inside)?,
        page_title_separators: ck.chars("title_breaks.page_title", raw.title_breaks.page_title)?,
        list_bullets: ck.char_class("list_bullets", raw.list_bullets)?,
        year_digits: ck.char_table("year_digits.digits", raw.year_digits.digits)?,
        month_numerals: ck.char_class("month_numerals", raw.month_numerals)?,
        title_prefixes: ck.class("title_prefixes", raw.title_prefixes)?,
        word_start_after: ck.char_class("word_start_after", raw.word_start_after)?,
        generic_county_names: ck.class("generic_county_names", raw.generic_county_names)?,
        self_reference_prefixes: ck
            .words("self_references.prefixes", raw.self_references.prefixes)?,
        self_reference_units: ck.words("self_references.units", raw.self_references.units)?,
        self_reference_offices: ck.words("self_references.offices", raw.self_references.offices)?,
        self_reference_office_after: ck.chars(
            "self_references.office_after",
            raw.self_references.office_after,
        )?,
        nation_references: ck.words("self_references.nation", raw.self_references.nation)?,
        nation_subjects: ck.words(
            "self_references.nation_subjects",
            raw.self_references.nation_subjects,
        )?,
        divisions,
        target_clause_words: ck.class("target_clause_words", raw.target_clause_words)?,
        target_sentence_words: ck.class("target_sentence_words", raw.target_sentence_words)?,
        subject_groups,
        average_words: ck.class("average_words", raw.average_words)?,
        change_words: ck.class("change_words", raw.change_words)?,
        change_links: ck.char_class("change_links", raw.change_links)?,
        change_anywhere: ck.class("change_anywhere", raw.change_anywhere)?,
        breakdown_markers: ck.class("breakdown_markers", raw.breakdown_markers)?,
        share_markers: ck.class("share_markers", raw.share_markers)?,
        share_of_whole: ck.class("share_of_whole", raw.share_of_whole)?,
        base_markers: ck.class("base_markers", raw.base_markers)?,
        predicate_joiners: ck.class("predicate_joiners", raw.predicate_joiners)?,
        change_falls: ck.class("change_falls", raw.change_falls)?,
        implied_units,
    })
}

/// Whether `n` is 10, 100, 1000 …
fn is_power_of_ten(mut n: u64) -> bool {
    if n < 10 {
        return false;
    }
    while n.is_multiple_of(10) {
        n /= 10;
    }
    n == 1
}

/// The key a byte offset of the file falls under: `table.key` when the offset lies in a
/// `key = …` entry (or in an array continued from one), the table alone on its header line.
fn key_at(text: &str, at: usize) -> String {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut table = String::new();
    let mut key = None;
    // Walk back from the fault's line to the entry that holds it and the table header.
    let lines: Vec<&str> = text[..line_start].lines().collect();
    let current = text[line_start..].lines().next().unwrap_or("");
    let key_of = |line: &str| -> Option<String> {
        let t = line.trim_start();
        if t.starts_with('#') || t.starts_with('[') {
            return None;
        }
        let (k, _) = t.split_once('=')?;
        let k = k.trim().trim_matches('"');
        (!k.is_empty() && !k.contains(['"', ',', '{'])).then(|| k.to_string())
    };
    let header_of = |line: &str| -> Option<String> {
        let t = line.trim();
        (t.starts_with('[') && t.ends_with(']') && !t.contains('='))
            .then(|| t.trim_matches(['[', ']']).trim().to_string())
    };
    if let Some(h) = header_of(current) {
        return h;
    }
    key = key.or_else(|| key_of(current));
    for line in lines.iter().rev() {
        if let Some(h) = header_of(line) {
            table = h;
            break;
        }
        if key.is_none() {
            key = key_of(line);
        }
    }
    match (table.is_empty(), key) {
        (false, Some(k)) => format!("{table}.{k}"),
        (true, Some(k)) => k,
        (false, None) => table,
        (true, None) => "(top level)".to_string(),
    }
}

/// Span of the quoted key `"word"` inside table `[table]`, for errors found after parsing.
fn key_span(text: &str, table: &str, word: &str) -> Range<usize> {
    let header = format!("[{table}]");
    let from = text.find(&header).unwrap_or(0);
    let needle = format!("\"{word}\"");
    text[from..]
        .find(&needle)
        .map_or(from..from, |i| from + i..from + i + needle.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_with(from: &str, to: &str) -> String {
        assert!(BUNDLED_LEXICON.contains(from), "{from}");
        BUNDLED_LEXICON.replacen(from, to, 1)
    }

    fn error_of(text: &str) -> String {
        parse_lexicon(text, "x.toml")
            .expect_err("the lexicon is refused")
            .to_string()
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .expect("needle is in the text")
    }

    #[test]
    fn bundled_lexicon_loads() {
        let lex = Lexicon::bundled();
        assert!(lex.change_words.contains("增长"));
        assert_eq!(lex.numerals.digit('七'), Some(7));
        assert_eq!(lex.numerals.multiplier('万'), Some(10_000));
        assert!(lex.numerals.can_start('十') && !lex.numerals.can_start('万'));
        assert_eq!(lex.unit_kind("人次"), Some(UnitKind::Count));
        assert_eq!(lex.unit_kind("万元"), Some(UnitKind::Money));
        assert_eq!(lex.subject_groups.len(), 15);
        assert!(lex.field_labels.page_header.contains("文号"));
        assert!(!lex.field_labels.page_header.contains("主办"));
    }

    #[test]
    fn units_and_qualifiers_match_longest_first() {
        let lex = Lexicon::bundled();
        let chars: Vec<char> = "人次以上".chars().collect();
        let unit = lex.unit_at(&chars, 0).expect("a unit");
        assert_eq!(unit.unit, "人次");
        let chars: Vec<char> = "余次".chars().collect();
        let unit = lex.unit_at(&chars, 0).expect("a unit");
        assert_eq!(
            (unit.unit.as_str(), unit.qualifier),
            ("次", Some(Qualifier::MoreThan))
        );
        let chars: Vec<char> = "将近".chars().collect();
        assert_eq!(
            qualifier_at(&lex.qualifiers.before, &chars, 0),
            Some((Qualifier::Nearly, 2))
        );
    }

    #[test]
    fn every_class_has_a_doc() {
        let table: toml::Table = toml::from_str(BUNDLED_LEXICON).expect("valid TOML");
        for (class, value) in &table {
            let doc = value.get("doc").and_then(|d| d.as_str()).unwrap_or("");
            assert!(doc.len() > 20, "class {class} has no doc");
        }
    }

    /// Each malformed file is refused with the line and the key at fault.
    #[test]
    fn malformed_files_name_line_and_key() {
        let cases = [
            // An unknown class.
            (
                format!("{BUNDLED_LEXICON}\n[colour_words]\ndoc = \"x\"\nwords = [\"红\"]\n"),
                "[colour_words]",
                "colour_words",
                "unknown field",
            ),
            // An unknown key in a class.
            (
                bundled_with("words = [\"年均\"", "wrods = [\"年均\""),
                "wrods = [\"年均\"",
                "average_words.wrods",
                "unknown field",
            ),
            // An empty word.
            (
                bundled_with("words = [\"年均\", ", "words = [\"年均\", \"\", "),
                "words = [\"年均\"",
                "average_words.words",
                "empty word",
            ),
            // A repeated word.
            (
                bundled_with("words = [\"年均\", ", "words = [\"年均\", \"年均\", "),
                "words = [\"年均\"",
                "average_words.words",
                "appears twice",
            ),
            // A wrong type.
            (
                bundled_with("words = [\"年均\", ", "words = [\"年均\", 3, "),
                "words = [\"年均\"",
                "average_words.words",
                "invalid type",
            ),
            // An unknown unit kind.
            (
                bundled_with("\"岁\" = \"age\"", "\"岁\" = \"years\""),
                "\"岁\" = \"years\"",
                "units.words",
                "unknown variant",
            ),
            // A character class holding a longer word.
            (
                bundled_with("before = [\"与\",", "before = [\"与其\","),
                "before = [\"与其\",",
                "year_comparisons.before",
                "not one character",
            ),
            // A unit standing for a unit that does not exist.
            (
                bundled_with(
                    "same_as = { \"余次\" = \"次\" }",
                    "same_as = { \"余次\" = \"趟\" }",
                ),
                "same_as = {",
                "units.same_as",
                "not a unit",
            ),
            // An unknown kind of field label.
            (
                bundled_with("\"document_number\"]", "\"serial\"]"),
                "page_header = [",
                "field_labels.page_header",
                "unknown kind 'serial'",
            ),
        ];
        for (text, line_needle, key, message) in cases {
            let err = error_of(&text);
            let line = line_of(&text, line_needle);
            assert!(
                err.starts_with(&format!("x.toml: line {line}: ")),
                "{key}: {err}"
            );
            assert!(err.contains(&format!("key '{key}'")), "{key}: {err}");
            assert!(err.contains(message), "{key}: {err}");
        }
    }

    #[test]
    fn a_missing_class_is_named() {
        let start = BUNDLED_LEXICON.find("[average_words]").expect("class");
        let end = BUNDLED_LEXICON[start..]
            .find("\n\n")
            .map(|i| start + i)
            .expect("class end");
        let text = format!("{}{}", &BUNDLED_LEXICON[..start], &BUNDLED_LEXICON[end..]);
        let err = error_of(&text);
        assert!(err.contains("missing field `average_words`"), "{err}");
        assert!(err.starts_with("x.toml: line "), "{err}");
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = load_lexicon(Some(Path::new("/nonexistent/lexicon.toml")))
            .expect_err("no such file")
            .to_string();
        assert!(err.contains("/nonexistent/lexicon.toml"), "{err}");
    }
}
