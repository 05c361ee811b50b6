//! Structure limits for HTML, checked in one linear pass before the page is parsed.
//!
//! The HTML parser (html5ever) keeps a stack of open elements and scans it for many tags, and
//! compares every attribute of an element with the ones before it: a small hostile page of
//! 40 KB of unclosed `<div>`s, or of `<b><div></b>` (the adoption agency keeps each `<div>`
//! open), takes time quadratic in its size (measured: a 1 MB page of nested `<div>`s takes
//! minutes). With the nesting depth and the attributes per element capped, the parser's work
//! is linear in the page's size. A page over a limit is refused with a message naming the
//! limit; no real report comes near them.
//!
//! The scan only approximates the tree the parser builds: it counts the elements that can
//! nest (not void elements, not those whose end tag is optional), pops them on their end tag
//! like the parser does, and skips comments and raw text (`<script>`, `<style>` ...). It
//! errs towards a deeper count, never a shallower one, for the nesting the parser keeps.

use std::collections::HashMap;

/// Deepest element nesting accepted. Chromium's HTML parser stops nesting at the same depth
/// (`kMaximumHTMLParserDOMTreeDepth` = 512); real report pages stay under 60.
pub const MAX_DEPTH: usize = 512;
/// Most attributes accepted on one element (real pages: under 20).
pub const MAX_ATTRIBUTES: usize = 256;

/// Why a page's structure is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructureError {
    /// Elements nested deeper than [`MAX_DEPTH`].
    #[error(
        "the page nests elements more than {limit} deep (at byte {offset}): over the structure \
         limit, refused so that reading stays fast (a damaged or hostile page)"
    )]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Byte offset of the tag that went over it.
        offset: usize,
    },
    /// An element with more than [`MAX_ATTRIBUTES`] attributes.
    #[error(
        "an element has more than {limit} attributes (at byte {offset}): over the structure \
         limit, refused so that reading stays fast (a damaged or hostile page)"
    )]
    TooManyAttributes {
        /// The limit.
        limit: usize,
        /// Byte offset of the element.
        offset: usize,
    },
}

/// Elements without content (never on the stack of open elements).
const VOID: [&str; 19] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame", "image",
];
/// Elements whose end tag is optional: the parser closes them when a sibling starts, so they do
/// not pile up (`html`, `head` and `body` occur once).
const OPTIONAL_END: [&str; 19] = [
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "rtc",
    "thead", "tbody", "tfoot", "colgroup", "html", "head",
];
/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: [&str; 8] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];
/// Formatting elements: their end tag closes only themselves, and the elements opened inside
/// them stay open (the adoption agency algorithm, HTML §13.2.6.4.7).
const FORMATTING: [&str; 14] = [
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Checks the page against [`MAX_DEPTH`] and [`MAX_ATTRIBUTES`], in time linear in its size.
pub fn check_html(html: &str) -> Result<(), StructureError> {
    let b = html.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut open: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let start = i + p;
        let rest = &b[start + 1..];
        if rest.starts_with(b"!--") {
            i = find(b, start + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"!") || rest.starts_with(b"?") {
            i = memchr::memchr(b'>', rest).map_or(b.len(), |e| start + 1 + e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b':' | b'_'))
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = String::from_utf8_lossy(&b[name_start..name_start + name_len]).to_lowercase();
        let (end, attributes, self_closing) = tag_end(b, name_start + name_len);
        if attributes > MAX_ATTRIBUTES {
            return Err(StructureError::TooManyAttributes {
                limit: MAX_ATTRIBUTES,
                offset: start,
            });
        }
        i = end;
        let name = name.as_str();
        if closing {
            close(name, &mut stack, &mut open);
            continue;
        }
        if RAW_TEXT.contains(&name) {
            i = raw_text_end(b, i, name);
            continue;
        }
        if self_closing || VOID.contains(&name) || OPTIONAL_END.contains(&name) || name == "body" {
            continue;
        }
        if matches!(name, "a" | "nobr") && open.get(name).is_some_and(|n| *n > 0) {
            // A link inside a link closes the first one (HTML §13.2.6.4.7, "a" start tag).
            close(name, &mut stack, &mut open);
        }
        stack.push(name.to_string());
        *open.entry(name.to_string()).or_insert(0) += 1;
        if stack.len() > MAX_DEPTH {
            return Err(StructureError::TooDeep {
                limit: MAX_DEPTH,
                offset: start,
            });
        }
    }
    Ok(())
}

/// An end tag: a formatting element closes only itself (searching at most [`MAX_DEPTH`]
/// entries); any other closes everything opened after it. Each element is pushed and popped
/// once, so the scan stays linear.
fn close(name: &str, stack: &mut Vec<String>, open: &mut HashMap<String, usize>) {
    if open.get(name).copied().unwrap_or(0) == 0 {
        return; // a stray end tag: the parser ignores it
    }
    if FORMATTING.contains(&name) {
        if let Some(at) = stack.iter().rposition(|n| n == name) {
            stack.remove(at);
        }
        if let Some(n) = open.get_mut(name) {
            *n -= 1;
        }
        return;
    }
    while let Some(top) = stack.pop() {
        if let Some(n) = open.get_mut(&top) {
            *n = n.saturating_sub(1);
        }
        if top == name {
            break;
        }
    }
}

/// From just after a tag's name: the position after its `>`, how many attribute-like words it
/// has (whitespace-separated outside quotes: a generous count), and whether it ends in `/>`.
fn tag_end(b: &[u8], from: usize) -> (usize, usize, bool) {
    let mut quote: Option<u8> = None;
    let mut words = 0;
    let mut in_word = false;
    let mut last = 0u8;
    for (k, &c) in b[from..].iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'>' => return (from + k + 1, words, last == b'/'),
                b'"' | b'\'' => quote = Some(c),
                c if c.is_ascii_whitespace() => in_word = false,
                _ => {
                    if !in_word {
                        words += 1;
                        in_word = true;
                    }
                }
            },
        }
        if !c.is_ascii_whitespace() {
            last = c;
        }
    }
    (b.len(), words, false)
}

/// The position after `</name ...>` closing raw text that starts at `from` (or the end).
fn raw_text_end(b: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(p) = find(b, i, b"</") {
        let after = p + 2;
        let candidate = b.get(after..after + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            return memchr::memchr(b'>', &b[after..]).map_or(b.len(), |e| after + e + 1);
        }
        i = after;
    }
    b.len()
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(b.get(from..)?, needle).map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_pages_pass() {
        let page =
            "<!DOCTYPE html><html><head><title>a<b</title><script>if (a<b) {'<div>'}</script>\
                    </head><body><div class=\"x\" id='y'><p>一<p>二<br><img src=a.png>\
                    <table><tr><td>1<td>2</table><!-- <div><div> --></div></body></html>";
        assert_eq!(check_html(page), Ok(()));
        let deep_but_closed = "<div>".repeat(400) + &"</div>".repeat(400) + &"<div>".repeat(400);
        assert_eq!(check_html(&deep_but_closed), Ok(()));
        // Unclosed <p>, <li> and <a> are closed by their siblings: they never pile up.
        assert_eq!(check_html(&"<p>段落<li>项".repeat(5_000)), Ok(()));
        assert_eq!(check_html(&"<a href=x>链接".repeat(5_000)), Ok(()));
    }

    #[test]
    fn hostile_pages_are_refused_with_the_limit() {
        for page in [
            "<div>".repeat(MAX_DEPTH + 1),
            "<b><div></b>".repeat(MAX_DEPTH + 1),
            "<div></span>".repeat(MAX_DEPTH + 1),
            "<span><p>x".repeat(MAX_DEPTH + 1),
        ] {
            let err = check_html(&page).expect_err(&page[..24]);
            assert!(
                matches!(
                    err,
                    StructureError::TooDeep {
                        limit: MAX_DEPTH,
                        ..
                    }
                ),
                "{err}"
            );
            assert!(err.to_string().contains("more than 512 deep"), "{err}");
        }
        let attrs: String = (0..=MAX_ATTRIBUTES)
            .map(|i| format!(" a{i}=\"v\""))
            .collect();
        let err = check_html(&format!("<p><div{attrs}>x</div>")).expect_err("attributes");
        assert_eq!(
            err,
            StructureError::TooManyAttributes {
                limit: MAX_ATTRIBUTES,
                offset: 3
            }
        );
    }
}
