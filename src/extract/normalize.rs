//! Text normalisation that keeps offsets into the original.
//!
//! Part of stage 2 (extract). Full-width digits, letters and punctuation become their ASCII
//! forms (`１２３，` → `123,`), stray whitespace inside a line is dropped (scraped pages put
//! spaces around numbers: `应诉案件 466 件`), except one space between two ASCII letters or
//! digits, so that `1 1 N` stays three tokens. Line breaks are kept: they end sentences, except
//! one that only wraps a long line of running text inside a word (矛\n盾纠纷). A text in
//! traditional script is read in simplified characters, one for one.
//! Invariant: `origin[i]` is the character index in the original text of normalised character
//! `i`, strictly increasing, so any normalised span maps back to an exact original substring.

use crate::dict::Lexicon;

/// Normalised text with a map back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Normalised characters.
    pub chars: Vec<char>,
    /// For each normalised character, its character index in the original text.
    pub origin: Vec<usize>,
    /// For each normalised character, the byte offset in the original text of the character
    /// at `origin`, so a span maps back to a substring without re-reading the text.
    pub origin_bytes: Vec<usize>,
}

/// Maps one character to its normalised form; `None` for whitespace other than a line break.
fn fold(c: char) -> Option<char> {
    // Most characters are ideographs, which stay as they are.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return Some(c);
    }
    Some(match c {
        '\n' => '\n',
        '\r' | '\t' | ' ' | '\u{3000}' | '\u{a0}' | '\u{2002}'..='\u{200b}' | '\u{feff}' => {
            return None
        }
        // Full-width ASCII block: digits, letters, %, +, (, ), :, ;, ...
        '\u{ff01}'..='\u{ff5e}' => {
            char::from_u32(c as u32 - 0xff01 + 0x21).expect("full-width block maps to ASCII")
        }
        '﹪' => '%',
        '﹐' => ',',
        '﹕' => ':',
        '﹔' => ';',
        c if c.is_whitespace() => return None,
        c => c,
    })
}

impl Normalized {
    /// Appends `c`, which stands for the original character at (character index, byte offset).
    fn push(&mut self, c: char, (index, byte): (usize, usize)) {
        self.chars.push(c);
        self.origin.push(index);
        self.origin_bytes.push(byte);
    }
}

/// Normalises `text` (see the module docs); `lex` says which characters open a heading line.
pub fn normalize(text: &str, lex: &Lexicon) -> Normalized {
    let mut out = Normalized {
        chars: Vec::with_capacity(text.len() / 2),
        origin: Vec::with_capacity(text.len() / 2),
        origin_bytes: Vec::with_capacity(text.len() / 2),
    };
    let mut pending_space: Option<(usize, usize)> = None;
    // A line break not yet written (its index and byte offset): a wrapped line is joined to the next one.
    let mut pending_break: Option<(usize, usize)> = None;
    let mut line_start = 0;
    for (idx, (byte, c)) in text.char_indices().enumerate() {
        match fold(c) {
            None => {
                if pending_space.is_none() {
                    pending_space = Some((idx, byte));
                }
            }
            Some('\n') if pending_break.is_none() => {
                pending_break = Some((idx, byte));
                pending_space = None;
            }
            Some(f) => {
                if let Some(br) = pending_break.take() {
                    if !wrapped(&out.chars[line_start..], f, lex) {
                        out.push('\n', br);
                        line_start = out.chars.len();
                        pending_space = None;
                    }
                }
                if f == '\n' {
                    // A blank line: a paragraph break, written as it stands.
                    out.push(f, (idx, byte));
                    line_start = out.chars.len();
                    pending_space = None;
                    continue;
                }
                if let Some(sp) = pending_space.take() {
                    let prev_alnum = out.chars.last().is_some_and(|p| p.is_ascii_alphanumeric());
                    if prev_alnum && f.is_ascii_alphanumeric() {
                        out.push(' ', sp);
                    }
                }
                out.push(f, (idx, byte));
            }
        }
    }
    if let Some(br) = pending_break {
        out.push('\n', br);
    }
    simplify(&mut out.chars);
    out
}

/// `text` in simplified script: itself (borrowed) unless it is written in traditional script
/// ([`is_traditional`]), else converted character for character, so character offsets hold.
pub fn simplified(text: &str) -> std::borrow::Cow<'_, str> {
    if is_traditional(text.chars()) {
        fast2s::convert(text).into()
    } else {
        text.into()
    }
}

/// Characters of a text's opening read to tell its script.
const SCRIPT_PROBE_CHARS: usize = 1000;

/// The share of a traditional text's characters that differ from their simplified forms is
/// 15–30%; a simplified text has none, or a name the converter maps all the same (磐安县 → 盘):
/// at least this share of the opening must change for a text to count as traditional.
const TRADITIONAL_SHARE: f64 = 0.05;

/// Whether the opening of a text is written in traditional script.
pub fn is_traditional(chars: impl Iterator<Item = char>) -> bool {
    let probe: String = chars.take(SCRIPT_PROBE_CHARS).collect();
    let ideographs = probe.chars().filter(|c| c.len_utf8() == 3).count();
    if ideographs == 0 {
        return false;
    }
    let mut changed: Vec<char> = probe
        .chars()
        .zip(fast2s::convert(&probe).chars())
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a)
        .collect();
    let share = changed.len() as f64 / ideographs as f64;
    changed.sort_unstable();
    changed.dedup();
    share >= TRADITIONAL_SHARE && changed.len() >= TRADITIONAL_DISTINCT
}

/// Distinct characters that must change, besides [`TRADITIONAL_SHARE`]: a name the converter
/// maps (磐) can repeat in a short simplified text, but it is one character.
const TRADITIONAL_DISTINCT: usize = 4;

/// Traditional characters become simplified ones (審結 → 审结, 萬 → 万), so one dictionary
/// serves texts from Hong Kong, Macao and Taiwan sites and pages that convert on display.
/// The conversion is one character for one (fast2s), so offsets into the original hold. Only
/// a text in traditional script is converted ([`is_traditional`]).
fn simplify(chars: &mut [char]) {
    if !is_traditional(chars.iter().copied()) {
        return;
    }
    let text: String = chars.iter().collect();
    let simplified: Vec<char> = fast2s::convert(&text).chars().collect();
    if simplified.len() == chars.len() {
        chars.copy_from_slice(&simplified);
    }
}

/// The shortest line taken for a wrapped line of running text rather than a title or heading.
const WRAPPED_LINE_CHARS: usize = 40;

/// Whether a line break between `line` and a next line starting with `next` only wraps running
/// text inside a word (矛\n盾纠纷): a long line that ends on an ideograph, not a mark, and a next
/// line that starts with one, not a heading numeral (二、, see `heading_openers`).
fn wrapped(line: &[char], next: char, lex: &Lexicon) -> bool {
    let ideograph = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    line.len() >= WRAPPED_LINE_CHARS
        && line.last().is_some_and(|c| ideograph(*c))
        && ideograph(next)
        && !lex.heading_openers.contains(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_text_in_traditional_script_is_converted() {
        // A simplified text whose place name the converter would change (磐 → 盘) stays.
        let simplified = "磐安县2017年法治政府建设工作报告\n磐安县全年受理行政复议申请12件。";
        assert!(!is_traditional(simplified.chars()));
        assert_eq!(super::simplified(simplified), simplified);
        let traditional = "某縣2023年法治政府建設年度報告\n全年收到行政復議申請52件,審結40件。";
        assert!(is_traditional(traditional.chars()));
        let converted = super::simplified(traditional);
        assert!(converted.contains("行政复议申请"), "{converted}");
        assert_eq!(converted.chars().count(), traditional.chars().count());
    }

    #[test]
    fn folds_full_width_and_drops_stray_spaces() {
        let table = [
            ("１２３件，９９．５％", "123件,99.5%"),
            ("应诉案件 466 件", "应诉案件466件"),
            ("参与调解  68次", "参与调解68次"),
            ("“1 1 N”", "“1 1 N”"),
            ("（一）\u{3000}标题\r\n正文", "(一)标题\n正文"),
            (
                "本年度全区各级各类人民调解组织坚持抓早抓小抓苗头,依法及时受理并调处群众之间的各类矛\n盾纠纷 3850 件,成功率很高",
                "本年度全区各级各类人民调解组织坚持抓早抓小抓苗头,依法及时受理并调处群众之间的各类矛盾纠纷3850件,成功率很高",
            ),
            (
                "本年度全区各级各类人民调解组织坚持抓早抓小抓苗头,依法及时受理并调处群众之间的各类矛盾纠纷\n二、存在的不足",
                "本年度全区各级各类人民调解组织坚持抓早抓小抓苗头,依法及时受理并调处群众之间的各类矛盾纠纷\n二、存在的不足",
            ),
            ("短标题没有标点\n正文开始", "短标题没有标点\n正文开始"),
            ("第一段。\n\n第二段", "第一段。\n\n第二段"),
        ];
        for (input, want) in table {
            let n = normalize(input, Lexicon::bundled());
            assert_eq!(n.chars.iter().collect::<String>(), want, "{input}");
        }
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "共办理 466 件，其中１２件";
        let n = normalize(text, Lexicon::bundled());
        let original: Vec<char> = text.chars().collect();
        for (i, &o) in n.origin.iter().enumerate() {
            assert_eq!(fold(original[o]).unwrap_or(' '), n.chars[i]);
        }
        assert!(n.origin.windows(2).all(|w| w[0] < w[1]));
        let bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        let mapped: Vec<usize> = n.origin.iter().map(|&o| bytes[o]).collect();
        assert_eq!(n.origin_bytes, mapped);
    }

    #[test]
    fn ideographs_are_kept_as_they_are() {
        for c in ['\u{4e00}', '件', '\u{9fff}'] {
            assert_eq!(fold(c), Some(c));
        }
        assert!(('\u{4e00}'..='\u{9fff}').all(|c| !c.is_whitespace()));
    }
}
