//! Document layout: page chrome, headings, plan sections, sentences and clauses.
//!
//! Part of stage 2 (extract). A report runs 一、主要举措和成效 → 二、存在的不足 →
//! 三、下一年度工作安排; numbers under the last kind of heading are plans, never results. Page
//! chrome (breadcrumbs, share widgets, visit counters, site footers) is recognised line by line
//! and skipped. Invariant: sentences never cross a line break and never include a chrome line.

use super::search::{contains, Sketch};
use super::year::{mentions, YearMention};
use crate::dict::Lexicon;

/// The full stop: it ends a sentence and a heading's words.
pub const FULL_STOP: char = '。';
/// The enumeration comma: it ends a heading numeral (一、) and separates list items.
pub const LIST_COMMA: char = '、';
/// Book-title marks: a title (《…》) is one word, whatever punctuation it holds.
pub const BOOK_OPEN: char = '《';
/// See [`BOOK_OPEN`].
pub const BOOK_CLOSE: char = '》';

/// Lines at most this long (characters) may be chrome; longer lines are report prose.
const CHROME_MAX_LINE: usize = 60;

/// One sentence of report text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// First character (normalised index).
    pub start: usize,
    /// One past the last character, before the sentence-ending mark.
    pub end: usize,
    /// Whether the sentence sits under a plan heading (next year's work).
    pub plan: bool,
}

/// Whether a character ends a sentence.
pub fn is_sentence_break(c: char) -> bool {
    matches!(c, FULL_STOP | '!' | '?' | ';' | '\n')
}

/// Whether a character ends a clause (a list item or a sub-clause of a sentence).
pub fn is_clause_break(c: char) -> bool {
    is_sentence_break(c) || matches!(c, ',' | LIST_COMMA | ':' | '(' | ')')
}

/// Whether a line is page chrome rather than report text.
pub fn is_chrome(line: &[char], lex: &Lexicon) -> bool {
    line.len() <= CHROME_MAX_LINE && {
        let sketch = Sketch::of(line);
        lex.chrome_markers
            .chars()
            .iter()
            .any(|m| sketch.covers(Sketch::of(m)) && contains(line, m))
    }
}

/// Heading level: 1 for 一、, 2 for (一), 0 for anything else.
fn heading_level(line: &[char], lex: &Lexicon) -> u8 {
    let numeral = |c: &char| lex.heading_numerals.contains(*c);
    let n = line.iter().take_while(|c| numeral(c)).count();
    if n > 0 && n <= 3 && line.get(n) == Some(&LIST_COMMA) {
        return 1;
    }
    if line.first() == Some(&'(') {
        let m = line[1..].iter().take_while(|c| numeral(c)).count();
        if m > 0 && m <= 3 && line.get(1 + m) == Some(&')') {
            return 2;
        }
    }
    0
}

/// Whether a heading announces plans: a plan word, or a year after the report year.
pub fn is_plan_heading(heading: &[char], report_year: Option<i32>, lex: &Lexicon) -> bool {
    let head: Vec<char> = heading
        .iter()
        .take_while(|c| **c != FULL_STOP)
        .take(60)
        .copied()
        .collect();
    let sketch = Sketch::of(&head);
    if lex
        .plan_headings
        .chars()
        .iter()
        .any(|w| sketch.covers(Sketch::of(w)) && contains(&head, w))
    {
        return true;
    }
    match report_year {
        Some(ry) => mentions(&head, lex)
            .iter()
            .any(|m| matches!(m, YearMention::Explicit(y) if *y > ry)),
        None => false,
    }
}

/// Lines at most this long without sentence punctuation may be unnumbered headings.
const BARE_HEADING_MAX_LINE: usize = 30;

/// An unnumbered heading line such as `2024年工作打算`. Titles (报告, 总结) are not headings:
/// a title like `2022年工作总结及2023年工作计划` must not make the whole report a plan.
fn is_bare_plan_heading(line: &[char], report_year: Option<i32>, lex: &Lexicon) -> bool {
    line.len() <= BARE_HEADING_MAX_LINE
        && !line.iter().any(|c| matches!(*c, FULL_STOP | ',' | ';'))
        && !lex
            .not_heading_words
            .chars()
            .iter()
            .any(|w| contains(line, w))
        && is_plan_heading(line, report_year, lex)
}

/// Whether a paragraph opens as a plan: a plan opener, or a year after the report year
/// (`2025年,我县将…` in a 2024 report).
fn opens_a_plan(line: &[char], report_year: Option<i32>, lex: &Lexicon) -> bool {
    if lex.plan_openers.starts_at(line, 0) {
        return true;
    }
    match (
        report_year,
        mentions(&line[..line.len().min(6)], lex).first(),
    ) {
        (Some(ry), Some(YearMention::Explicit(y))) => *y > ry,
        _ => false,
    }
}

/// Splits normalised text into sentences, skipping chrome and marking plan sections.
pub fn sentences(chars: &[char], report_year: Option<i32>, lex: &Lexicon) -> Vec<Sentence> {
    let mut out = Vec::new();
    let (mut top_plan, mut sub_plan) = (false, false);
    let mut line_start = 0;
    while line_start <= chars.len() {
        let line_end = chars[line_start..]
            .iter()
            .position(|c| *c == '\n')
            .map_or(chars.len(), |p| line_start + p);
        let line = &chars[line_start..line_end];
        if !line.is_empty() && !is_chrome(line, lex) {
            match heading_level(line, lex) {
                0 if is_bare_plan_heading(line, report_year, lex) => {
                    top_plan = true;
                    sub_plan = false;
                }
                1 => {
                    top_plan = is_plan_heading(line, report_year, lex);
                    sub_plan = false;
                }
                2 => sub_plan = is_plan_heading(line, report_year, lex),
                _ => {}
            }
            let plan = top_plan || sub_plan || opens_a_plan(line, report_year, lex);
            let mut s = line_start;
            for (i, c) in line.iter().enumerate().map(|(k, c)| (line_start + k, *c)) {
                if is_sentence_break(c) {
                    if i > s {
                        out.push(Sentence {
                            start: s,
                            end: i,
                            plan,
                        });
                    }
                    s = i + 1;
                }
            }
            if line_end > s {
                out.push(Sentence {
                    start: s,
                    end: line_end,
                    plan,
                });
            }
        }
        line_start = line_end + 1;
    }
    out
}

/// The clause around character `pos` inside `sentence`: (start, end). A book title
/// (《…》) is one word: its inner punctuation does not end the clause. So is an aside in
/// brackets right before `pos` (纠错(含撤销、变更)12件): the clause reaches back past it,
/// and a short aside anywhere in the clause (以协商(和解)等方式…).
pub fn clause_around(
    chars: &[char],
    sentence: &Sentence,
    pos: usize,
    lex: &Lexicon,
) -> (usize, usize) {
    let mut start = pos;
    while start > sentence.start {
        let c = chars[start - 1];
        let aside_ends_here = c == ')' && chars[start..pos].iter().all(|c| c.is_whitespace());
        if aside_ends_here {
            if let Some(open) = chars[sentence.start..start - 1]
                .iter()
                .rposition(|c| *c == '(')
            {
                start = sentence.start + open;
                continue;
            }
        }
        if c == BOOK_CLOSE {
            if let Some(open) = chars[sentence.start..start - 1]
                .iter()
                .rposition(|c| *c == BOOK_OPEN)
            {
                start = sentence.start + open;
                continue;
            }
        }
        // 以协商(和解)等方式办结…: a short aside inside the clause is one of its words.
        if c == ')' {
            if let Some(open) = chars[sentence.start..start - 1]
                .iter()
                .rposition(|c| *c == '(')
                .map(|o| sentence.start + o)
                .filter(|&o| {
                    o > sentence.start
                        && is_short_aside(&chars[o + 1..start - 1], lex)
                        && is_inside_clause(chars, o, start - 1)
                })
            {
                start = open;
                continue;
            }
        }
        if is_clause_break(c) {
            break;
        }
        start -= 1;
    }
    let mut end = pos;
    while end < sentence.end {
        let c = chars[end];
        if c == BOOK_OPEN {
            if let Some(close) = chars[end + 1..sentence.end]
                .iter()
                .position(|c| *c == BOOK_CLOSE)
            {
                end += close + 2;
                continue;
            }
        }
        if c == '(' && end > sentence.start {
            if let Some(close) = chars[end + 1..sentence.end]
                .iter()
                .position(|c| *c == ')')
                .filter(|&k| {
                    is_short_aside(&chars[end + 1..end + 1 + k], lex)
                        && is_inside_clause(chars, end, end + 1 + k)
                })
            {
                end += close + 2;
                continue;
            }
        }
        if is_clause_break(c) {
            break;
        }
        end += 1;
    }
    (start, end)
}

/// Longest aside, in characters, read as a word of its clause (协商(和解)).
const SHORT_ASIDE: usize = 6;

/// Whether the brackets at `open` and `close` stand between two words of one clause
/// (协商(和解)等), not at its end (审结60件(含上年度结转), — a gloss on the number).
fn is_inside_clause(chars: &[char], open: usize, close: usize) -> bool {
    let before = open.checked_sub(1).map(|i| chars[i]);
    let after = chars.get(close + 1);
    before.is_some_and(|c| !is_clause_break(c) && !c.is_ascii_digit())
        && after.is_some_and(|c| !is_clause_break(*c))
}

/// An aside short enough to be a word of its clause: an alternative or a gloss (和解), not a
/// clause or a quantity of its own (含调解3件), nor a heading's number run into the text ((八)).
fn is_short_aside(inner: &[char], lex: &Lexicon) -> bool {
    !inner.is_empty()
        && !inner.iter().all(|c| lex.heading_numerals.contains(*c))
        && inner.len() <= SHORT_ASIDE
        && !inner
            .iter()
            .any(|c| is_clause_break(*c) || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> &'static Lexicon {
        Lexicon::bundled()
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn clauses_keep_book_titles_whole() {
        let text = chars("按程序出台了《规划(2024—2028年)》等4件重大行政决策,另");
        let s = Sentence {
            start: 0,
            end: text.len(),
            plan: false,
        };
        let pos = text.iter().position(|c| *c == '等').expect("等") + 1;
        let (a, b) = clause_around(&text, &s, pos, lex());
        assert_eq!(
            text[a..b].iter().collect::<String>(),
            "按程序出台了《规划(2024—2028年)》等4件重大行政决策"
        );
    }

    #[test]
    fn short_asides_inside_a_clause_are_words_but_heading_numbers_are_not() {
        let clause_of = |t: &str, at: char| {
            let text = chars(t);
            let s = Sentence {
                start: 0,
                end: text.len(),
                plan: false,
            };
            let pos = text.iter().position(|c| *c == at).expect("marker");
            let (a, b) = clause_around(&text, &s, pos, lex());
            text[a..b].iter().collect::<String>()
        };
        assert_eq!(
            clause_of("全年以协商(和解)等方式办结案件9件,另", '9'),
            "全年以协商(和解)等方式办结案件9件"
        );
        assert_eq!(
            clause_of("强化执法监督(八)全县设有调委会300个,另", '3'),
            "全县设有调委会300个"
        );
        assert_eq!(
            clause_of("审结案件60件(含上年结转),其中纠错8件", '8'),
            "其中纠错8件"
        );
    }

    #[test]
    fn an_aside_in_brackets_before_a_number_stays_in_its_clause() {
        let table = [
            ("其中纠错(含撤销、变更)12件,", "其中纠错(含撤销、变更)12件"),
            ("审结60件(含上年结转),纠错9件", "纠错9件"),
            ("受理(不含转送)12件", "受理(不含转送)12件"),
        ];
        for (text, want) in table {
            let text = chars(text);
            let s = Sentence {
                start: 0,
                end: text.len(),
                plan: false,
            };
            let last_digit = text
                .iter()
                .rposition(|c| c.is_ascii_digit())
                .expect("digit");
            let mut pos = last_digit;
            while pos > 0 && text[pos - 1].is_ascii_digit() {
                pos -= 1;
            }
            let (a, b) = clause_around(&text, &s, pos, lex());
            assert_eq!(text[a..b].iter().collect::<String>(), want);
        }
    }

    #[test]
    fn plan_headings() {
        let table = [
            ("三、2023年工作思路", Some(2022), true),
            ("四、2024年度推进法治政府建设的主要安排", Some(2023), true),
            ("三、2025年度推进法治政府建设的主要措施", Some(2024), true),
            ("二、存在的问题及下一步工作计划", Some(2023), true),
            ("三、下一步的工作安排", Some(2020), true),
            (
                "一、2023年度推进法治政府建设的主要举措和成效",
                Some(2023),
                false,
            ),
            ("二、存在的不足", Some(2024), false),
            ("一、2022年重点工作完成情况", Some(2022), false),
            (
                "一、贯彻落实《法治政府建设实施纲要(2021-2025年)》情况",
                Some(2023),
                false,
            ),
        ];
        for (h, y, want) in table {
            assert_eq!(is_plan_heading(&chars(h), y, lex()), want, "{h}");
        }
    }

    #[test]
    fn unnumbered_plan_headings_but_not_titles() {
        let text =
            chars("某县2022年工作总结及2023年工作计划\n受理73件。\n2023年工作打算\n力争达到100%。");
        let plans: Vec<bool> = sentences(&text, Some(2022), lex())
            .iter()
            .map(|s| s.plan)
            .collect();
        assert_eq!(plans, vec![false, false, true, true]);
    }

    #[test]
    fn plan_paragraphs_without_headings() {
        let text = chars("受理73件。\n下一步,我县将力争受理100件。\n2024年,全县将调解纠纷3000件。\n2023年,全县调解纠纷2000件。");
        let plans: Vec<bool> = sentences(&text, Some(2023), lex())
            .iter()
            .map(|s| s.plan)
            .collect();
        assert_eq!(plans, vec![false, true, true, false]);
    }

    #[test]
    fn chrome_lines() {
        for l in [
            "当前位置: 首页 > 政务公开",
            "扫一扫在手机打开当前页面",
            "分享到:",
            "点击数:人次",
            "网站标识码:4301210002",
            "时间:2022/12/30 09:53:33 来源:烟台市司法局 浏览次数:",
        ] {
            assert!(is_chrome(&chars(l), lex()), "{l}");
        }
        assert!(!is_chrome(
            &chars("全年共开展各类普法宣传229场次,受众1.8万余人次。"),
            lex()
        ));
    }

    #[test]
    fn sentences_carry_the_plan_flag() {
        let text = chars("一、主要成效\n受理73件。\n三、下一步工作安排\n确保达到100%。");
        let s = sentences(&text, Some(2023), lex());
        let flags: Vec<(String, bool)> = s
            .iter()
            .map(|s| (text[s.start..s.end].iter().collect(), s.plan))
            .collect();
        assert_eq!(
            flags,
            vec![
                ("一、主要成效".to_string(), false),
                ("受理73件".to_string(), false),
                ("三、下一步工作安排".to_string(), true),
                ("确保达到100%".to_string(), true),
            ]
        );
    }
}
