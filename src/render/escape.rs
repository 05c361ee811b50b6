//! Escaping untrusted report text for HTML and neutralising it for spreadsheet cells.

/// Escapes text for HTML element content and quoted attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Neutralises a text cell that a spreadsheet would read as a formula: a leading
/// `= + - @`, tab or CR gets a `'` prefix (OWASP CSV injection guidance). Numbers are never
/// passed through here, so a negative change stays numeric.
pub fn spreadsheet_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Untrusted text on one line for a document whose writer escapes XML (briefing.docx): line
/// breaks and tabs become spaces, and the other control characters, which XML 1.0 cannot
/// hold at all (a Word file with one does not open), are dropped.
pub fn one_line(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\r' | '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_html_is_inert() {
        assert_eq!(html("<script>\" onerror="), "&lt;script&gt;&quot; onerror=");
    }

    #[test]
    fn document_text_is_one_line_without_control_characters() {
        for (input, want) in [
            ("受理\r\n73件", "受理  73件"),
            ("a\tb", "a b"),
            ("x\u{1}y\u{b}z\u{7f}", "xyz"),
            ("<w:t>&", "<w:t>&"),
        ] {
            assert_eq!(one_line(input), want, "{input:?}");
        }
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for (input, want) in [
            ("=1+1", "'=1+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("纠错3件", "纠错3件"),
        ] {
            assert_eq!(spreadsheet_cell(input), want);
        }
    }
}
