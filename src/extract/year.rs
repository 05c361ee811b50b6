//! Which year a value refers to, and whether it is a total over several years.
//!
//! Part of stage 2 (extract). The report's year is the default; an explicit year in the words
//! just before a number wins (由2022年的632人 → 2022); 目前/截至目前/今年/全年 mean the report year,
//! 去年/上年 the year before; `YYYY年以来` with an earlier year, or 累计 with 截至, make the value
//! cumulative. Years are read only as `YYYY年` with 1949 ≤ YYYY ≤ 2100.

use super::search::{contains, find, position_of, Sketch};
use super::section::{is_clause_break, is_sentence_break, BOOK_CLOSE, BOOK_OPEN};
use crate::dict::Lexicon;

/// The mark after a year (2023年) and in every year word (去年, 全年).
pub const YEAR_MARK: char = '年';
/// The mark after a month (3月, 1-12月).
pub const MONTH_MARK: char = '月';

/// What a stretch of text says about the year a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearMention {
    /// `YYYY年` (and 年度): the value belongs to that year.
    Explicit(i32),
    /// `YYYY年以来`/`YYYY年至今`: the value runs from that year to now.
    Since(i32),
    /// 去年/上年/上一年: the year before the report year.
    LastYear,
    /// `YYYY年前`/`以前`: a boundary, not the value's year.
    Before(i32),
}

/// Every `YYYY年` in `chars` with its index, in order.
pub fn years_in(chars: &[char]) -> Vec<(i32, usize)> {
    let mut out = Vec::new();
    // Each 年 is checked for four digits before it (and no fifth): 年 is rarer than digits.
    let mut from = 4;
    while let Some(k) = chars
        .get(from..)
        .and_then(|rest| position_of(rest, YEAR_MARK))
    {
        let nian = from + k;
        from = nian + 1;
        let i = nian - 4;
        let window = &chars[i..nian];
        let digit_before = i > 0 && chars[i - 1].is_ascii_digit();
        if digit_before || !window.iter().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let y = decimal(window) as i32;
        if (1949..=2100).contains(&y) {
            out.push((y, i));
        }
    }
    out
}

/// The value of a run of ASCII digits (at most four: a year or a month).
fn decimal(digits: &[char]) -> u32 {
    digits
        .iter()
        .fold(0, |acc, c| acc * 10 + c.to_digit(10).unwrap_or(0))
}

/// Whether index `at` lies inside a book title 《…》 (a plan's title: 规划(2024—2028年)).
fn in_book_title(chars: &[char], at: usize) -> bool {
    let open = chars[..at].iter().rposition(|c| *c == BOOK_OPEN);
    let close = chars[..at].iter().rposition(|c| *c == BOOK_CLOSE);
    match (open, close) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Year mentions in `chars`, in order. Years in book titles and the ends of year ranges
/// (2021-2025年) describe documents, not values, and are skipped.
pub fn mentions(chars: &[char], lex: &Lexicon) -> Vec<YearMention> {
    mentions_sketched(chars, Sketch::of(chars), lex)
}

/// Whether the word `w` occurs in `chars`, whose characters `sketch` holds: most words are
/// ruled out by the sketch without a search.
fn has(chars: &[char], sketch: Sketch, w: &[char]) -> bool {
    sketch.covers(Sketch::of(w)) && contains(chars, w)
}

/// Whether some word of `words` occurs in `chars` (see [`has`]).
fn has_any(chars: &[char], sketch: Sketch, words: &[Vec<char>]) -> bool {
    words.iter().any(|w| has(chars, sketch, w))
}

/// The sketch of the year mark: every year mention has one.
fn year_sketch() -> Sketch {
    Sketch::of(&[YEAR_MARK])
}

/// [`mentions`], given the sketch of `chars`.
fn mentions_sketched(chars: &[char], sketch: Sketch, lex: &Lexicon) -> Vec<YearMention> {
    let mut out = Vec::new();
    // Every mention has a 年 (2023年, 去年).
    if !sketch.covers(year_sketch()) {
        return out;
    }
    for (y, at) in years_in(chars) {
        let range_end =
            at >= 2 && lex.range_marks.contains(chars[at - 1]) && chars[at - 2].is_ascii_digit();
        // 与2022年相比, 较2022年: a comparison names the other year, not the value's.
        let compared = at >= 1 && lex.year_comparisons_before.contains(chars[at - 1])
            || lex.year_comparisons_after.starts_at(chars, at + 5);
        if range_end || compared || in_book_title(chars, at) {
            continue;
        }
        let after = at + 5;
        if lex.since_words.starts_at(chars, after) {
            out.push(YearMention::Since(y));
        } else if lex.before_words.starts_at(chars, after) {
            out.push(YearMention::Before(y));
        } else {
            out.push(YearMention::Explicit(y));
        }
    }
    for word in lex.last_year_words.chars() {
        if has(chars, sketch, word) {
            out.push(YearMention::LastYear);
        }
    }
    out
}

/// The last year `chars` compares with (比2019年, 与2022年相比, 较2022年), if any: the base
/// of a stated change, never a value's own year.
pub fn compared_year(chars: &[char], lex: &Lexicon) -> Option<i32> {
    years_in(chars)
        .into_iter()
        .filter(|&(_, at)| {
            at >= 1 && lex.year_comparisons_before.contains(chars[at - 1])
                || lex.year_comparisons_after.starts_at(chars, at + 5)
        })
        .map(|(y, _)| y)
        .next_back()
}

/// The last year `chars` states for a value (`YYYY年`, 去年), if any.
pub fn explicit_year(chars: &[char], report_year: i32, lex: &Lexicon) -> Option<i32> {
    let mut year = None;
    for m in mentions(chars, lex) {
        match m {
            YearMention::Explicit(y) => year = Some(y),
            YearMention::LastYear => year = Some(report_year - 1),
            YearMention::Since(_) | YearMention::Before(_) => {}
        }
    }
    year
}

/// The year a value belongs to, from the words just before it (`narrow`): the last explicit
/// year there, else the report year.
pub fn value_year(narrow: &[char], report_year: i32, lex: &Lexicon) -> i32 {
    explicit_year(narrow, report_year, lex).unwrap_or(report_year)
}

/// Whether the text before a value makes it a total over several years: `YYYY年以来` with a
/// year before the report year, or 累计 in the value's own clause together with 截至/以来.
pub fn is_cumulative(
    sentence_prefix: &[char],
    clause: &[char],
    report_year: i32,
    lex: &Lexicon,
) -> bool {
    let sketch = Sketch::of(sentence_prefix);
    let spans_years = || {
        mentions_sketched(sentence_prefix, sketch, lex)
            .iter()
            .any(|m| matches!(m, YearMention::Since(y) if *y < report_year))
    };
    // 近几年来/试点以来 span years without naming one; a year or 全年 stated for the value wins.
    let vague_span = || {
        (has_any(sentence_prefix, sketch, lex.multi_year_words.chars())
            || sketch.covers(year_sketch()) && counts_years(sentence_prefix, lex))
            && !is_dated_sketched(sentence_prefix, sketch, lex)
    };
    let counted = || {
        lex.cumulative_words
            .chars()
            .iter()
            .any(|w| contains(clause, w))
            && (spans_from_earlier_year(sentence_prefix, report_year, lex)
                || has_any(sentence_prefix, sketch, lex.cumulative_bounds.chars()))
    };
    // Cheapest test first; the answer is the same in any order.
    counted() || spans_years() || vague_span()
}

/// Whether `chars` ties what follows to one year: a year stated for it (2023年, 去年) or a
/// single-year word (全年, 今年). A year after 截至 only ends a period (截至2025年7月底, after a
/// span that began earlier) and dates nothing by itself.
pub fn is_dated(chars: &[char], lex: &Lexicon) -> bool {
    is_dated_sketched(chars, Sketch::of(chars), lex)
}

/// [`is_dated`], given the sketch of `chars`.
fn is_dated_sketched(chars: &[char], sketch: Sketch, lex: &Lexicon) -> bool {
    let single_year_word = || has_any(chars, sketch, lex.single_year_words.chars());
    // Every year (2023年, 去年) has a 年.
    if !sketch.covers(year_sketch()) {
        return single_year_word();
    }
    let end_points = years_in(chars)
        .iter()
        .filter(|(_, at)| lex.period_end_words.ends_at(chars, *at))
        .count();
    let dated_mentions = mentions_sketched(chars, sketch, lex)
        .iter()
        .filter(|m| matches!(m, YearMention::Explicit(_) | YearMention::LastYear))
        .count();
    dated_mentions > end_points || single_year_word()
}

/// Whether `chars` counts years as a span: 近3年, 近几年, 五年来, 3年以来. A year such as
/// 2023年 has four digits and is not a count; 第三年 is an ordinal.
fn counts_years(chars: &[char], lex: &Lexicon) -> bool {
    let counts = |c: char| c.is_ascii_digit() || lex.year_count_numerals.contains(c);
    chars.iter().enumerate().any(|(i, c)| {
        if *c != YEAR_MARK {
            return false;
        }
        let digits = chars[..i].iter().rev().take_while(|d| counts(**d)).count();
        if !(1..=2).contains(&digits) {
            return false;
        }
        let from = i - digits;
        let after = chars.get(i + 1).copied();
        lex.year_span_openers.ends_at(chars, from)
            || (!lex.ordinal_prefixes.ends_at(chars, from)
                && after.is_some_and(|a| lex.year_span_closers.contains(a)))
    })
}

/// Whether `chars` states a period from an earlier year to a later one (2005年6月至2017年
/// 10月底): an earlier year, then 至/到, then a later year.
fn spans_from_earlier_year(chars: &[char], report_year: i32, lex: &Lexicon) -> bool {
    let years = years_in(chars);
    years.windows(2).any(|w| {
        let ((from, at), (to, to_at)) = (w[0], w[1]);
        from < to
            && from < report_year
            && chars[at..to_at]
                .iter()
                .any(|c| lex.period_links.contains(*c))
    })
}

/// Whether the words before a value limit it to part of the year (上半年, 一季度, 1-6月).
/// `1-12月` and `截至12月底` are the whole year.
pub fn is_partial_period(chars: &[char], lex: &Lexicon) -> bool {
    if lex
        .partial_periods
        .chars()
        .iter()
        .any(|w| contains(chars, w))
    {
        return true;
    }
    if ends_before_december(chars, lex) {
        return true;
    }
    // N-M月 / N至M月 with M < 12.
    for (i, c) in chars.iter().enumerate() {
        if *c != MONTH_MARK || i == 0 {
            continue;
        }
        let digits_end = i;
        let mut j = i;
        while j > 0 && chars[j - 1].is_ascii_digit() {
            j -= 1;
        }
        let is_range = j >= 2
            && j < digits_end
            && lex.range_marks.contains(chars[j - 1])
            && chars[j - 2].is_ascii_digit();
        if is_range {
            let m = decimal(&chars[j..digits_end]);
            if m < 12 {
                return true;
            }
        }
    }
    false
}

/// 截至11月底, 截止2024年6月30日: a period ending in a month before December (the end-of-
/// period word, an optional year, then the month).
fn ends_before_december(chars: &[char], lex: &Lexicon) -> bool {
    lex.period_end_words.chars().iter().any(|w| {
        let mut from = 0;
        while let Some(at) = find(&chars[from..], w) {
            let mut i = from + at + w.len();
            from = i;
            // An optional YYYY年.
            if chars.len() >= i + 5
                && chars[i..i + 4].iter().all(char::is_ascii_digit)
                && chars[i + 4] == YEAR_MARK
            {
                i += 5;
            }
            let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if (1..=2).contains(&digits)
                && chars.get(i + digits) == Some(&MONTH_MARK)
                && (1..12).contains(&decimal(&chars[i..i + digits]))
            {
                return true;
            }
        }
        false
    })
}

/// Whether `chars` holds a year-to-date word (今年以来): with a text written before the year's
/// end, what follows is a part of the year.
pub fn is_year_to_date(chars: &[char], lex: &Lexicon) -> bool {
    lex.year_to_date_words
        .chars()
        .iter()
        .any(|w| contains(chars, w))
}

/// Guesses the report year from the title: the first `YYYY年` on one of the first lines that
/// reads like a report title (报告, 总结, 法治), else the first `YYYY年` in the text that does
/// not start a span of years.
pub fn title_year(chars: &[char], lex: &Lexicon) -> Option<i32> {
    for line in chars.split(|c| *c == '\n').take(30) {
        let is_title = lex
            .title_line_words
            .chars()
            .iter()
            .any(|w| contains(line, w));
        if is_title {
            if let Some((y, _)) = years_in(line)
                .into_iter()
                .find(|(_, at)| !starts_a_span(line, *at, lex))
            {
                return Some(y);
            }
        }
    }
    // Past the title lines, a year that starts a span (2010年改革以来) is no report's year.
    years_in(chars)
        .into_iter()
        .find(|(_, at)| !starts_a_span(chars, *at, lex))
        .map(|(y, _)| y)
}

/// How far after a year's 年 (in characters, within its clause) 以来 or 至今 still makes the
/// year the start of a span (自2010年改革以来).
const SPAN_REACH: usize = 8;

/// Whether the year written at `at` (`YYYY年`) starts a span of years: 以来 or 至今 follows in
/// its clause.
pub fn starts_a_span(chars: &[char], at: usize, lex: &Lexicon) -> bool {
    let clause = chars.get(at + 5..).unwrap_or_default();
    let clause = &clause[..clause.len().min(SPAN_REACH)];
    let end = clause
        .iter()
        .position(|c| is_clause_break(*c) || is_sentence_break(*c) || is_full_width_break(*c))
        .unwrap_or(clause.len());
    lex.since_words
        .chars()
        .iter()
        .any(|w| contains(&clause[..end], w))
}

/// The full-width comma and full stop of raw (not yet normalised) text, which the metadata
/// reader reads.
fn is_full_width_break(c: char) -> bool {
    matches!(c, '\u{ff0c}' | '\u{3002}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> &'static Lexicon {
        Lexicon::bundled()
    }

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn value_years() {
        let table = [
            ("全县持证人员由2022年的", 2023, 2022),
            ("增加至目前的", 2023, 2023),
            ("2023年接收行政复议申请", 2023, 2023),
            ("2022年以来受理行政复议案件", 2022, 2022),
            ("对2024年前县政府出台的", 2024, 2024),
            ("含去年结转", 2022, 2021),
            ("截至目前,", 2022, 2022),
            ("受理", 2020, 2020),
            ("出台了《规划(2024—2028年)》等", 2024, 2024),
            ("规划(2024—2028年)等", 2024, 2024),
            ("截至2023年底,全县共有持证执法人员", 2024, 2023),
            ("与2022年相比,全年受理", 2023, 2023),
            ("较2022年同期", 2023, 2023),
        ];
        for (text, ry, want) in table {
            assert_eq!(value_year(&c(text), ry, lex()), want, "{text}");
        }
    }

    #[test]
    fn cumulative_scope() {
        let table = [
            ("2021年以来组织了3次区级执法证考试,共", "共", 2023, true),
            (
                "2022年以来受理行政复议案件",
                "2022年以来受理行政复议案件",
                2022,
                false,
            ),
            (
                "截至1231日,累计接收社区矫正对",
                "累计接收社区矫正对",
                2023,
                true,
            ),
            (
                "其中1-12月接收社区矫正对象",
                "接收社区矫正对象",
                2023,
                false,
            ),
            (
                "2023年解答来电来访法律咨询2000余人次,累计办理各类法律援助案件",
                "累计办理各类法律援助案件",
                2023,
                false,
            ),
            (
                "近几年来,区政府共收到行政复议申请",
                "区政府共收到行政复议申请",
                2023,
                true,
            ),
            (
                "改革试点以来,全县共接收社区矫正对象",
                "全县共接收社区矫正对象",
                2023,
                true,
            ),
            (
                "多年来坚持调解优先,全年调解纠纷",
                "全年调解纠纷",
                2023,
                false,
            ),
            ("近几年来不断完善机制,2023年受理", "2023年受理", 2023, false),
            ("近3年共办理各类公证", "近3年共办理各类公证", 2023, true),
            ("五年来,全县累计调解", "全县累计调解", 2023, true),
            ("第三年以来坚持", "第三年以来坚持", 2023, false),
            ("2023年来", "2023年来", 2023, false),
        ];
        for (prefix, clause, ry, want) in table {
            assert_eq!(
                is_cumulative(&c(prefix), &c(clause), ry, lex()),
                want,
                "{prefix}"
            );
        }
    }

    #[test]
    fn partial_periods() {
        let table = [
            ("上半年,全县受理", true),
            ("一季度", true),
            ("1-6月接收", true),
            ("1至9月", true),
            ("其中1-12月接收", false),
            ("1-12月份", false),
            ("1-6月份", true),
            ("截至12月底,", false),
            ("全年", false),
        ];
        for (text, want) in table {
            assert_eq!(is_partial_period(&c(text), lex()), want, "{text}");
        }
    }

    #[test]
    fn title_years() {
        let table = [
            (
                "当前位置: 首页\n\n沛县司法局关于2023年法治政府建设情况的报告\n时间: 2024-03-22",
                Some(2023),
            ),
            ("芝罘区司法2022年工作总结及2023年工作计划", Some(2022)),
            (
                "邻水县2024年法治政府建设工作报告\n发布日期:2025-02-27",
                Some(2024),
            ),
            ("没有年份", None),
        ];
        for (text, want) in table {
            assert_eq!(title_year(&c(text), lex()), want, "{text}");
        }
    }
}
