//! Script scanning shared by the language tests (`one_language.rs`, `snapshots.rs`): where a
//! text holds Chinese, with context to show it.
#![allow(dead_code)]

/// A CJK ideograph, or CJK or full-width punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
}

/// Each run of CJK characters, with `before` characters of context before it and ten after.
pub fn cjk_runs(text: &str, before: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_cjk(chars[i]) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            let from = start.saturating_sub(before);
            out.push(chars[from..(i + 10).min(chars.len())].iter().collect());
        } else {
            i += 1;
        }
    }
    out
}
