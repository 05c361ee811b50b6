//! Text normalisation that keeps offsets into the original.
//!
//! Part of stage 2 (extract). Full-width digits, letters and punctuation become their ASCII
//! forms (`１２３，` → `123,`), stray whitespace inside a line is dropped (scraped pages put
//! spaces around numbers: `应诉案件 466 件`), except one space between two ASCII letters or
//! digits, so that `1 1 N` stays three tokens. Line breaks are kept: they end sentences.
//! Invariant: `origin[i]` is the character index in the original text of normalised character
//! `i`, strictly increasing, so any normalised span maps back to an exact original substring.

/// Normalised text with a map back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Normalised characters.
    pub chars: Vec<char>,
    /// For each normalised character, its character index in the original text.
    pub origin: Vec<usize>,
}

/// Maps one character to its normalised form; `None` for whitespace other than a line break.
fn fold(c: char) -> Option<char> {
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

/// Normalises `text` (see the module docs).
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized {
        chars: Vec::with_capacity(text.len() / 2),
        origin: Vec::with_capacity(text.len() / 2),
    };
    let mut pending_space: Option<usize> = None;
    for (idx, c) in text.chars().enumerate() {
        match fold(c) {
            None => {
                if pending_space.is_none() {
                    pending_space = Some(idx);
                }
            }
            Some(f) => {
                if let Some(sp) = pending_space.take() {
                    let prev_alnum = out.chars.last().is_some_and(|p| p.is_ascii_alphanumeric());
                    if prev_alnum && f.is_ascii_alphanumeric() {
                        out.chars.push(' ');
                        out.origin.push(sp);
                    }
                }
                out.chars.push(f);
                out.origin.push(idx);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_and_drops_stray_spaces() {
        let table = [
            ("１２３件，９９．５％", "123件,99.5%"),
            ("应诉案件 466 件", "应诉案件466件"),
            ("参与调解  68次", "参与调解68次"),
            ("“1 1 N”", "“1 1 N”"),
            ("（一）\u{3000}标题\r\n正文", "(一)标题\n正文"),
        ];
        for (input, want) in table {
            let n = normalize(input);
            assert_eq!(n.chars.iter().collect::<String>(), want, "{input}");
        }
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "共办理 466 件，其中１２件";
        let n = normalize(text);
        let original: Vec<char> = text.chars().collect();
        for (i, &o) in n.origin.iter().enumerate() {
            assert_eq!(fold(original[o]).unwrap_or(' '), n.chars[i]);
        }
        assert!(n.origin.windows(2).all(|w| w[0] < w[1]));
    }
}
