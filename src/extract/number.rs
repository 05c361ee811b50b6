//! Numbers as Chinese reports write them.
//!
//! Part of stage 2 (extract). [`parse_number`] reads one number expression at the start of a
//! string: Arabic digits with decimals and thousands separators, Chinese numerals (一千二百,
//! 两千, 十五, 〇/零), the magnitudes 万/亿 (1.1万), percentages (99.5%, 百分之九十), the
//! qualifiers 余/多/以上 (more than) and 近/约/左右 (nearly), and the measure word that follows.
//! [`scan`] finds every such expression in normalised text and drops the ones that are not
//! quantities at all: ordinals (第三), numbers inside quotes or book titles (“1457”, 《…2021-2025
//! 年…》), document numbers (〔2021〕28号), ranges (2024—2028年, 1-12月), slogans glued to
//! symbols (1+8, 4·15) or letters (“1 1 N”). Years and dates fall out by their unit (年, 月, 日):
//! they are kept as tokens with a non-count unit so that callers can tell them apart.
//! Invariant: a token's `start..end` covers its pre-qualifier, digits, magnitude, post-qualifiers
//! and unit, in character indices of the scanned slice.

use super::search::position_of;
use super::section::is_sentence_break;
use crate::dict::lexicon::{char_bit, qualifier_at, starts_with, Lexicon, Numerals, UnitKind};
use crate::model::Qualifier;

/// One number expression read by [`parse_number`].
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The value as stated, magnitudes applied (1.8万 → 18000; 99.5% → 99.5).
    pub value: f64,
    /// exact, more_than (余/多/以上/超过) or nearly (近/约/左右).
    pub qualifier: Qualifier,
    /// The measure word after the number (`件`, `人次`, `%`...), empty when none.
    pub unit: String,
    /// What the unit says (count, percent, date, money …); `None` without a unit.
    pub kind: Option<UnitKind>,
    /// Characters of the input consumed, unit and qualifiers included.
    pub len: usize,
}

impl Number {
    /// Whether the number is a percentage.
    pub fn is_percent(&self) -> bool {
        self.unit == "%"
    }

    /// Whether the unit says the number counts something (not a year, date, duration or sum of
    /// money).
    pub fn is_count(&self) -> bool {
        self.kind.is_some_and(UnitKind::is_value)
    }
}

/// A number found in text by [`scan`], with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Character index where the expression starts (the pre-qualifier 近/约 if any).
    pub start: usize,
    /// Character index where the digits start.
    pub digits: usize,
    /// Character index just after the expression (after unit and post-qualifier).
    pub end: usize,
    /// The number itself.
    pub number: Number,
}

/// Value of a run of Chinese numerals: positional (一千二百 → 1200, 两千 → 2000, 十五 → 15,
/// 一百零五 → 105) or digit by digit when no multiplier appears (二〇二三 → 2023).
pub fn chinese_value(run: &[char], numerals: &Numerals) -> Option<u64> {
    if run.is_empty() {
        return None;
    }
    if run.iter().all(|c| numerals.digit(*c).is_some()) {
        let mut v: u64 = 0;
        for c in run {
            v = v
                .checked_mul(10)?
                .checked_add(u64::from(numerals.digit(*c)?))?;
        }
        return Some(v);
    }
    let (mut total, mut section, mut digit): (u64, u64, u64) = (0, 0, 0);
    for &c in run {
        if let Some(d) = numerals.digit(c) {
            digit = u64::from(d);
        } else if let Some(m) = numerals.multiplier(c) {
            if m >= 10_000 {
                section = section.checked_add(digit)?;
                if section == 0 {
                    section = 1;
                }
                total = total.checked_add(section.checked_mul(m)?)?;
                section = 0;
            } else {
                let d = if digit == 0 { 1 } else { digit };
                section = section.checked_add(d.checked_mul(m)?)?;
            }
            digit = 0;
        }
    }
    total.checked_add(section)?.checked_add(digit)
}

/// Reads Arabic digits at `at`: returns (value, chars consumed). Thousands separators count only
/// when exactly three digits follow; a decimal point only when a digit follows.
fn arabic_at(chars: &[char], at: usize) -> Option<(f64, usize)> {
    let mut i = at;
    let mut text = String::new();
    while i < chars.len() && chars[i].is_ascii_digit() {
        text.push(chars[i]);
        i += 1;
    }
    if text.is_empty() {
        return None;
    }
    while i + 3 < chars.len() + 1
        && chars.get(i) == Some(&',')
        && chars[i + 1..]
            .iter()
            .take(3)
            .filter(|c| c.is_ascii_digit())
            .count()
            == 3
        && !chars.get(i + 4).is_some_and(|c| c.is_ascii_digit())
    {
        text.extend(&chars[i + 1..i + 4]);
        i += 4;
    }
    if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()) {
        text.push('.');
        i += 1;
        while i < chars.len() && chars[i].is_ascii_digit() {
            text.push(chars[i]);
            i += 1;
        }
    }
    let value: f64 = text.parse().ok()?;
    Some((value, i - at))
}

/// Reads one number expression starting exactly at `at` (pre-qualifier, percent prefix,
/// digits or Chinese numerals, magnitude, 余/多, unit, 以上/左右). Returns the number and the
/// index of its first digit.
fn number_at(chars: &[char], at: usize, lex: &Lexicon) -> Option<(Number, usize)> {
    let numerals = &lex.numerals;
    let mut i = at;
    let mut qualifier = Qualifier::Exact;
    if let Some((q, n)) = qualifier_at(&lex.qualifiers.before, chars, i) {
        qualifier = q;
        i += n;
    }
    let mut percent = false;
    if let Some(prefix) = lex.percent_prefixes.starting_at(chars, i) {
        percent = true;
        i += prefix.len();
    }
    let digits = i;
    let mut value;
    let c = chars.get(i).copied();
    if percent
        && c.and_then(|c| numerals.multiplier(c)) == Some(100)
        && !chars.get(i + 1).is_some_and(|c| numerals.is_numeral(*c))
    {
        // 百分之百: a hundred per cent.
        value = 100.0;
        i += 1;
    } else if c.is_some_and(|c| c.is_ascii_digit()) {
        let (v, n) = arabic_at(chars, i)?;
        value = v;
        i += n;
        // Magnitudes after Arabic digits: 1.1万, 3亿; but 万元/亿元 are sums of money, a unit
        // kept whole.
        if let Some(m) = chars
            .get(i)
            .and_then(|c| numerals.multiplier(*c))
            .filter(|m| *m >= 10_000)
        {
            if lex.unit_at(chars, i).is_none() {
                value *= m as f64;
                i += 1;
            }
        }
    } else if c.is_some_and(|c| numerals.can_start(c)) {
        let mut j = i;
        while j < chars.len() && numerals.is_numeral(chars[j]) {
            j += 1;
        }
        value = chinese_value(&chars[i..j], numerals)? as f64;
        i = j;
    } else {
        return None;
    }
    // 300余件, but not where a unit starts (20余次).
    if lex.unit_at(chars, i).is_none() {
        if let Some((q, n)) = qualifier_at(&lex.qualifiers.after_number, chars, i) {
            qualifier = q;
            i += n;
        }
    }
    let mut unit = String::new();
    let mut kind = None;
    if percent {
        unit.push('%');
        kind = Some(UnitKind::Percent);
    } else if let Some(u) = lex.unit_at(chars, i) {
        unit.clone_from(&u.unit);
        kind = Some(u.kind);
        i += u.written.len();
        if let Some(q) = u.qualifier {
            qualifier = q;
        }
    }
    if let Some((q, n)) = qualifier_at(&lex.qualifiers.after_unit, chars, i) {
        qualifier = q;
        i += n;
    }
    Some((
        Number {
            value,
            qualifier,
            unit,
            kind,
            len: i - at,
        },
        digits,
    ))
}

/// Parses the number expression at the start of `text` (see the module docs for the forms).
/// Returns `None` when `text` does not start with one. Never panics, whatever the input.
pub fn parse_number(text: &str, lex: &Lexicon) -> Option<Number> {
    let chars: Vec<char> = text.chars().take(64).collect();
    number_at(&chars, 0, lex)
        .map(|(n, _)| n)
        .filter(|n| n.value.is_finite())
}

/// Whether index `i` lies inside a short pair of `open`/`close` within `chars` (quotes, book
/// titles, document-number brackets). Scraping drops quote marks, so an unclosed or long span
/// is not trusted as a quotation.
fn inside_pair(chars: &[char], i: usize, open: char, close: char, max_span: usize) -> bool {
    let stop = is_sentence_break;
    if open == close {
        // Straight quotes: inside when an odd number of them open the sentence up to `i`
        // and one closes within the span. The last one opening must lie within the span, so
        // without one there the sentence need not be read back.
        if !chars[(i + 1).saturating_sub(max_span)..i].contains(&open) {
            return false;
        }
        let from = chars[..i]
            .iter()
            .rposition(|c| stop(*c))
            .map_or(0, |p| p + 1);
        let before = chars[from..i].iter().filter(|c| **c == open).count();
        let last_open = chars[from..i].iter().rposition(|c| *c == open);
        let closes = chars[i..]
            .iter()
            .take(max_span)
            .take_while(|c| !stop(**c))
            .any(|c| *c == close);
        return before % 2 == 1 && closes && last_open.is_some_and(|o| i - (from + o) < max_span);
    }
    // Without an opening mark within reach there is nothing to walk back to (the common
    // case, ruled out by one vectorised search).
    if position_of(&chars[i.saturating_sub(max_span)..i], open).is_none() {
        return false;
    }
    let mut j = i;
    let mut opened = None;
    while j > 0 && i - j < max_span {
        j -= 1;
        let c = chars[j];
        if c == close || stop(c) {
            return false;
        }
        if c == open {
            opened = Some(j);
            break;
        }
    }
    let Some(o) = opened else { return false };
    let mut k = i;
    while k < chars.len() && k - o < max_span {
        let c = chars[k];
        if c == open || stop(c) {
            return false;
        }
        if c == close {
            return true;
        }
        k += 1;
    }
    false
}

/// Why a number found in text is not a quantity.
fn is_not_a_quantity(
    chars: &[char],
    start: usize,
    digits: usize,
    end_digits: usize,
    lex: &Lexicon,
) -> bool {
    let numerals = &lex.numerals;
    let before = if start > 0 {
        chars.get(start - 1)
    } else {
        None
    };
    let after = chars.get(end_digits);
    // Ordinals: 第三, 第43期.
    if lex.ordinal_prefixes.ends_at(chars, start) {
        return true;
    }
    // Slogans and names glued to symbols: 1+8, 1+1>2, 4·15, 12·4.
    let glue = |c: &char| lex.glue_marks.contains(*c);
    if before.is_some_and(glue) || after.is_some_and(glue) {
        return true;
    }
    // Letters beside digits (codes, “1 1 N”), possibly across one space.
    let near = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if before.is_some_and(|c| c.is_ascii_alphabetic())
        || after.is_some_and(|c| c.is_ascii_alphabetic())
    {
        return true;
    }
    if before == Some(&' ') && start >= 2 && near(chars.get(start - 2)) {
        return true;
    }
    if after == Some(&' ') && near(chars.get(end_digits + 1)) {
        return true;
    }
    // Ranges: 2024—2028年, 1-12月, 2021-2025.
    let range = |c: &char| lex.range_marks.contains(*c);
    if after.is_some_and(range)
        && chars
            .get(end_digits + 1)
            .is_some_and(|c| c.is_ascii_digit() || numerals.can_start(*c))
    {
        return true;
    }
    if before.is_some_and(range)
        && start >= 2
        && chars
            .get(start - 2)
            .is_some_and(|c| c.is_ascii_digit() || numerals.is_numeral(*c))
    {
        return true;
    }
    // Quotations, book titles and document numbers.
    lex.quote_pairs
        .iter()
        .any(|p| inside_pair(chars, digits, p.open, p.close, p.max_span))
}

/// Finds every number expression in `chars` that can be a quantity (see the module docs for
/// what is dropped). Tokens are in text order and do not overlap.
pub fn scan(chars: &[char], lex: &Lexicon) -> Vec<Token> {
    let numerals = &lex.numerals;
    let starts_percent = |c: char| lex.percent_prefixes.chars().iter().any(|w| w[0] == c);
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // Fast path: most characters cannot start a number, and most of those fail the
        // one-bit test.
        if lex.number_start_bits & char_bit(c) == 0
            || !(c.is_ascii_digit() || numerals.can_start(c) || starts_percent(c))
        {
            i += 1;
            continue;
        }
        // A lone 一 (一是, 进一步, 统一) is never a quantity here; see `lone_yi` below.
        if numerals.digit(c) == Some(1)
            && !chars.get(i + 1).is_some_and(|n| numerals.is_numeral(*n))
        {
            i += 1;
            continue;
        }
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let arabic_start = c.is_ascii_digit() && !prev.is_some_and(|p| p.is_ascii_digit());
        let cn_start = numerals.can_start(c) && !prev.is_some_and(|p| numerals.is_numeral(p));
        let pct_start = lex.percent_prefixes.starts_at(chars, i);
        if !(arabic_start || cn_start || pct_start) {
            i += 1;
            continue;
        }
        // Look back for a pre-qualifier that belongs to this number (the longest).
        let mut start = i;
        for (w, _) in &lex.qualifiers.before {
            let n = w.len();
            if i >= n && starts_with(&chars[i - n..], w) {
                start = i - n;
                break;
            }
        }
        let found = match number_at(chars, start, lex) {
            Some(n) => Some((n, start)),
            None => number_at(chars, i, lex).map(|n| (n, i)),
        };
        let Some(((number, digits), start)) = found.filter(|((n, _), _)| n.value.is_finite())
        else {
            i += 1;
            continue;
        };
        let end = start + number.len;
        let mut end_digits = digits;
        while end_digits < chars.len()
            && (chars[end_digits].is_ascii_digit()
                || matches!(chars[end_digits], '.' | ',')
                    && chars
                        .get(end_digits + 1)
                        .is_some_and(|c| c.is_ascii_digit())
                || numerals.is_numeral(chars[end_digits]))
        {
            end_digits += 1;
        }
        // A lone 一 is idiom far more often than a count (一起, 一件事, 一批, 一次性).
        let lone_yi =
            !pct_start && numerals.digit(chars[digits]) == Some(1) && end_digits == digits + 1;
        if !lone_yi && !is_not_a_quantity(chars, start, digits, end_digits, lex) {
            tokens.push(Token {
                start,
                digits,
                end,
                number,
            });
        }
        i = end.max(i + 1);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lex() -> &'static Lexicon {
        Lexicon::bundled()
    }

    fn parse_number(text: &str) -> Option<Number> {
        super::parse_number(text, lex())
    }

    fn scan(chars: &[char]) -> Vec<Token> {
        super::scan(chars, lex())
    }

    fn chinese_value(run: &[char]) -> Option<u64> {
        super::chinese_value(run, &lex().numerals)
    }

    /// Writes `n` as a Chinese numeral in the positional style reports use (1200 → 一千二百,
    /// 15 → 十五, 105 → 一百零五), to test [`chinese_value`] by round trip.
    fn to_chinese(n: u64) -> String {
        const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
        /// One group below 10 000; `leading` drops the 一 of a leading 十 (十五, not 一十五).
        fn below_10k(n: u64, out: &mut String, leading: bool) {
            let parts = [(1000, '千'), (100, '百'), (10, '十'), (1, ' ')];
            let mut zero_pending = false;
            let mut started = false;
            for (unit, name) in parts {
                let d = (n / unit) % 10;
                if d == 0 {
                    if started {
                        zero_pending = true;
                    }
                    continue;
                }
                if zero_pending {
                    out.push('零');
                    zero_pending = false;
                }
                if !(unit == 10 && d == 1 && !started && leading) {
                    out.push(DIGITS[d as usize]);
                }
                if name != ' ' {
                    out.push(name);
                }
                started = true;
            }
        }
        if n == 0 {
            return "零".to_string();
        }
        let mut out = String::new();
        let groups = [(100_000_000u64, '亿'), (10_000, '万'), (1, ' ')];
        let mut rest = n;
        let mut leading = true;
        let mut zero_pending = false;
        for (size, name) in groups {
            let g = rest / size;
            rest %= size;
            if g == 0 {
                if !leading {
                    zero_pending = true;
                }
                continue;
            }
            if zero_pending || (!leading && g < 1000) {
                out.push('零');
                zero_pending = false;
            }
            below_10k(g, &mut out, leading);
            if name != ' ' {
                out.push(name);
            }
            leading = false;
        }
        out
    }

    #[test]
    fn the_start_bits_hold_every_character_that_starts_a_number() {
        let numerals = &lex().numerals;
        let starts: Vec<char> = (char::MIN..=char::MAX)
            .filter(|c| c.is_ascii_digit() || numerals.can_start(*c) || *c == '百')
            .collect();
        assert_eq!(starts.len(), 24);
        assert!(starts
            .iter()
            .all(|c| lex().number_start_bits & char_bit(*c) != 0));
    }

    #[test]
    fn a_unit_added_to_the_lexicon_is_read() {
        // 宗 is a unit in the bundled lexicon; 趟 is not, until a user lexicon adds it.
        assert_eq!(parse_number("3趟").map(|n| n.unit), Some(String::new()));
        let text = crate::dict::BUNDLED_LEXICON.replacen(
            "\"宗\" = \"count\"",
            "\"宗\" = \"count\", \"趟\" = \"count\"",
            1,
        );
        let user = crate::dict::parse_lexicon(&text, "user.toml").expect("valid lexicon");
        let n = super::parse_number("3趟", &user).expect("a number");
        assert_eq!((n.unit.as_str(), n.is_count()), ("趟", true));
    }

    fn n(text: &str) -> (f64, Qualifier, String) {
        let num = parse_number(text).unwrap_or_else(|| panic!("no number in {text}"));
        (num.value, num.qualifier, num.unit)
    }

    #[test]
    fn parses_each_written_form() {
        use Qualifier::*;
        let table: &[(&str, f64, Qualifier, &str)] = &[
            ("91件", 91.0, Exact, "件"),
            ("34.44%", 34.44, Exact, "%"),
            ("99.5%", 99.5, Exact, "%"),
            ("1,762件", 1762.0, Exact, "件"),
            ("12,345,678人", 12_345_678.0, Exact, "人"),
            ("1.1万余条", 11_000.0, MoreThan, "条"),
            ("1.8万余人次", 18_000.0, MoreThan, "人次"),
            ("3亿", 300_000_000.0, Exact, ""),
            ("2000余人次", 2000.0, MoreThan, "人次"),
            ("50多场", 50.0, MoreThan, "场"),
            ("100人以上", 100.0, MoreThan, "人"),
            ("近4000件", 4000.0, Nearly, "件"),
            ("约300人", 300.0, Nearly, "人"),
            ("300人左右", 300.0, Nearly, "人"),
            ("超过20件", 20.0, MoreThan, "件"),
            ("一千二百人", 1200.0, Exact, "人"),
            ("两千件", 2000.0, Exact, "件"),
            ("十五名", 15.0, Exact, "名"),
            ("一百零五件", 105.0, Exact, "件"),
            ("三万余件", 30_000.0, MoreThan, "件"),
            ("百分之九十", 90.0, Exact, "%"),
            ("百分之99.5", 99.5, Exact, "%"),
            ("百分之百", 100.0, Exact, "%"),
            ("百分之一百", 100.0, Exact, "%"),
            ("50余场次", 50.0, MoreThan, "场次"),
            ("300余次", 300.0, MoreThan, "次"),
            ("2023年", 2023.0, Exact, "年"),
            ("800余万元", 800.0, MoreThan, "万元"),
            ("5个月", 5.0, Exact, "个月"),
        ];
        for (text, value, q, unit) in table {
            assert_eq!(n(text), (*value, *q, unit.to_string()), "{text}");
        }
    }

    #[test]
    fn full_width_input_is_normalised_before_parsing() {
        // parse_number reads normalised text; the normaliser maps ０-９ and ％.
        let text = super::super::normalize::normalize("１２３件，９９．５％", lex());
        let s: String = text.chars.iter().collect();
        assert_eq!(n(&s).0, 123.0);
    }

    #[test]
    fn rejects_non_numbers() {
        for text in ["", "件", "万达", "第", "abc", "百分之", "余件"] {
            assert_eq!(parse_number(text), None, "{text}");
        }
    }

    fn quantities(text: &str) -> Vec<(f64, String)> {
        let chars: Vec<char> = text.chars().collect();
        scan(&chars)
            .into_iter()
            .filter(|t| t.number.is_count() || t.number.is_percent())
            .map(|t| (t.number.value, t.number.unit))
            .collect()
    }

    #[test]
    fn drops_what_is_not_a_quantity() {
        let table: &[&str] = &[
            "2023年",
            "2023年6月",
            "11月24日",
            "截至1231日",
            "执法人数位居全市第三",
            "第43期",
            "威政办字〔2021〕28号",
            "《规划(2024—2028年)》",
            "规划(2024—2028年)",
            "“八五”普法",
            "“1457”工作思路",
            "评为\"十件实事\"之一",
            "评为“10件实事”之一",
            "“三提三敢”",
            "“1+8”城市圈",
            "1+8城市圈",
            "“1 1 N”县级重大项目服务专班",
            "“4·15”全民国家安全教育日",
            "1-12月",
            "3.0版",
            "24小时",
            "无一起命案",
            "高效办成一件事",
            "四年年审",
            "二十届二中、三中全会",
            "《提升行政执法质量三年行动计划》",
            "网站标识码:4301210002",
        ];
        for text in table {
            assert_eq!(quantities(text), vec![], "{text}");
        }
    }

    #[test]
    fn keeps_quantities_beside_non_numbers() {
        assert_eq!(
            quantities("由2022年的632人增加至目前的863人"),
            vec![(632.0, "人".to_string()), (863.0, "人".to_string())]
        );
        assert_eq!(
            quantities("其中1-12月接收社区矫正对象83人"),
            vec![(83.0, "人".to_string())]
        );
        assert_eq!(
            quantities("“一件事”3万余件,均达100%"),
            vec![(30_000.0, "件".to_string()), (100.0, "%".to_string())]
        );
        assert_eq!(quantities("近4000件"), vec![(4000.0, "件".to_string())]);
    }

    #[test]
    fn qualifiers_are_kept() {
        let chars: Vec<char> = "成功调解各类矛盾纠纷近4000件".chars().collect();
        let t = &scan(&chars)[0];
        assert_eq!(t.number.qualifier, Qualifier::Nearly);
        assert_eq!(chars[t.start], '近');
        assert_eq!(chars[t.digits], '4');
    }

    #[test]
    fn chinese_numerals_known_values() {
        for (s, v) in [
            ("十", 10),
            ("十五", 15),
            ("二十", 20),
            ("一百零五", 105),
            ("一千二百", 1200),
            ("两千", 2000),
            ("三万五千", 35_000),
            ("一亿零五百万", 105_000_000),
            ("二〇二三", 2023),
            ("零", 0),
        ] {
            let run: Vec<char> = s.chars().collect();
            assert_eq!(chinese_value(&run), Some(v), "{s}");
        }
        for (v, s) in [
            (15, "十五"),
            (105, "一百零五"),
            (1200, "一千二百"),
            (100_015, "十万零一十五"),
            (105_000_000, "一亿零五百万"),
        ] {
            assert_eq!(to_chinese(v), s, "{v}");
        }
    }

    proptest! {
        #[test]
        fn chinese_numeral_round_trip(v in 0u64..1_000_000_000_000) {
            let s = to_chinese(v);
            let run: Vec<char> = s.chars().collect();
            prop_assert_eq!(chinese_value(&run), Some(v), "{}", s);
        }

        #[test]
        fn parse_number_never_panics(s in "\\PC{0,20}") {
            let _ = parse_number(&s);
        }

        #[test]
        fn scan_tokens_are_ordered_and_disjoint(s in "[0-9一二两十百千万亿零〇第余多近约件人%.,,、“”《》+·—-]{0,40}") {
            let chars: Vec<char> = s.chars().collect();
            let tokens = scan(&chars);
            for t in &tokens {
                prop_assert!(t.start <= t.digits && t.digits < t.end && t.end <= chars.len());
            }
            for w in tokens.windows(2) {
                prop_assert!(w[0].end <= w[1].start);
            }
        }
    }
}
