//! HTML pages as saved from a browser → the report's text.
//!
//! Government pages wrap a report in navigation, breadcrumbs, share widgets, scripts and
//! footers. The article body is the element that holds most of the page's non-link text:
//! starting from `<body>`, descend into the child holding at least 70 % of its parent's text
//! until no child does. Scripts, styles, `<nav>`, `<footer>` and elements whose class or id
//! names navigation, menus, breadcrumbs, sharing or footers are dropped.
//!
//! The output keeps what document metadata needs from outside the body: the page's title
//! lines (`<title>`, `<h1>`–`<h3>`, elements classed `title`) and its labelled header fields
//! (发布日期, 来源, 索引号 …), then the body, one block per line.
//! Traversals are iterative, so deeply nested markup cannot overflow the stack, and the page
//! is checked against the structure limits of [`markup_limits`](super::markup_limits) before
//! it is parsed, so reading takes time linear in its size.

use std::collections::HashMap;

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use super::markup_limits::{check_html, StructureError};
use crate::dict::Lexicon;

/// Elements whose content is never text of the page.
const SKIP_TAGS: [&str; 21] = [
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "nav", "footer",
    "select", "option", "button", "input", "textarea", "head", "canvas", "map", "audio", "video",
    "math",
];
/// Class or id fragments of page chrome.
const CHROME_MARKS: [&str; 8] = [
    "nav",
    "menu",
    "footer",
    "breadcrumb",
    "crumb",
    "share",
    "topbar",
    "bdshare",
];
/// Elements that start a new line.
const BLOCK_TAGS: [&str; 33] = [
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "main",
    "aside",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "hr",
    "address",
    "figure",
    "figcaption",
    "center",
    "body",
    "form",
    "fieldset",
    "caption",
];
/// Table cells: separated by a tab within their row.
const CELL_TAGS: [&str; 2] = ["td", "th"];
/// A child holding this share (per cent) of its parent's text is the article, not the parent.
const DOMINANT_PERCENT: usize = 70;
/// Longest header line kept from outside the body, in characters.
const HEADER_LINE_MAX: usize = 120;
/// Most title lines kept (each new one is compared with those kept: a page of 100,000
/// headings must not make that quadratic).
const TITLES_MAX: usize = 32;

/// The report text of an HTML page: title lines, header fields, then the article body. The
/// header fields kept are those whose labels `lex` lists for the page header
/// (`field_labels.page_header`), the same labels the metadata reader reads. A page over the
/// structure limits is refused (see [`check_html`]).
pub fn html_to_text(html: &str, lex: &Lexicon) -> Result<String, StructureError> {
    check_html(html)?;
    let doc = Html::parse_document(html);
    let mut text = extract(&doc, true, lex);
    if text.body.chars().count() < 100 {
        // Chrome marks can misfire (a page wrapped in <div id="menu-content">): read again
        // without them and keep whichever found more.
        let plain = extract(&doc, false, lex);
        if plain.body.chars().count() > text.body.chars().count() {
            text = plain;
        }
    }
    let mut out = String::new();
    for line in text.titles.iter().chain(text.fields.iter()) {
        out.push_str(line);
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&text.body);
    if !out.ends_with('\n') && !out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

struct PageText {
    titles: Vec<String>,
    fields: Vec<String>,
    body: String,
}

fn extract(doc: &Html, use_chrome_marks: bool, lex: &Lexicon) -> PageText {
    let skip = |node: &NodeRef<Node>| is_skipped(node, use_chrome_marks);
    let totals = text_totals(doc, &skip);
    let body = doc
        .tree
        .root()
        .descendants()
        .find(|n| element_name(n) == Some("body"))
        .unwrap_or_else(|| doc.tree.root());
    let content = dominant_descendant(body, &totals, &skip);

    let mut pre = String::new();
    let mut inside = String::new();
    let mut post = String::new();
    let mut state = 0u8; // 0 before the content, 1 inside, 2 after
    let mut skip_depth = 0usize;
    let mut titles = Vec::new();
    let mut title_start: Option<(NodeId, usize)> = None;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if node.id() == content.id() {
                    state = 1;
                }
                if skip_depth > 0 || skip(&node) {
                    skip_depth += 1;
                    continue;
                }
                let buf = pick(state, &mut pre, &mut inside, &mut post);
                match node.value() {
                    Node::Text(t) => push_collapsed(buf, t),
                    Node::Element(e) => {
                        let name = e.name();
                        if BLOCK_TAGS.contains(&name) {
                            buf.push('\n');
                        } else if CELL_TAGS.contains(&name) {
                            buf.push('\t');
                        }
                        if state != 1 && title_start.is_none() && is_title_element(&node) {
                            title_start = Some((node.id(), buf.len()));
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                } else {
                    let buf = pick(state, &mut pre, &mut inside, &mut post);
                    if let Some(name) = element_name(&node) {
                        if BLOCK_TAGS.contains(&name) {
                            buf.push('\n');
                        }
                    }
                    if let Some((id, start)) = title_start {
                        if id == node.id() {
                            let line = buf.get(start..).map(clean).unwrap_or_default();
                            add_title(&mut titles, &line);
                            title_start = None;
                        }
                    }
                }
                if node.id() == content.id() {
                    state = 2;
                }
            }
        }
    }
    // <title> last: the page's own headings name the article more exactly.
    if let Some(title) = doc
        .tree
        .root()
        .descendants()
        .find(|n| element_name(n) == Some("title"))
    {
        let text: String = title
            .descendants()
            .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
            .collect();
        for part in text
            .split(|c| lex.page_title_separators.contains(c))
            .flat_map(|p| p.split(" - "))
        {
            add_title(&mut titles, &clean(part));
        }
    }
    let mut fields = header_fields(&pre, lex);
    fields.extend(header_fields(&post, lex));
    PageText {
        titles,
        fields,
        body: lines_of(&inside),
    }
}

fn pick<'a>(
    state: u8,
    pre: &'a mut String,
    inside: &'a mut String,
    post: &'a mut String,
) -> &'a mut String {
    match state {
        0 => pre,
        1 => inside,
        _ => post,
    }
}

fn element_name<'a>(node: &NodeRef<'a, Node>) -> Option<&'a str> {
    node.value().as_element().map(|e| e.name())
}

fn is_skipped(node: &NodeRef<Node>, use_chrome_marks: bool) -> bool {
    let Some(e) = node.value().as_element() else {
        return matches!(
            node.value(),
            Node::Comment(_) | Node::ProcessingInstruction(_)
        );
    };
    if SKIP_TAGS.contains(&e.name()) {
        return true;
    }
    if e.attr("hidden").is_some()
        || e.attr("style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.to_ascii_lowercase().contains("display:none")
        })
    {
        return true;
    }
    if !use_chrome_marks {
        return false;
    }
    let marks = e
        .id()
        .into_iter()
        .chain(e.classes())
        .map(str::to_ascii_lowercase);
    for mark in marks {
        if CHROME_MARKS.iter().any(|m| mark.contains(m)) {
            return true;
        }
    }
    false
}

fn is_title_element(node: &NodeRef<Node>) -> bool {
    let Some(e) = node.value().as_element() else {
        return false;
    };
    matches!(e.name(), "h1" | "h2" | "h3")
        || e.id()
            .into_iter()
            .chain(e.classes())
            .any(|m| m.to_ascii_lowercase().contains("title"))
}

fn add_title(titles: &mut Vec<String>, line: &str) {
    let n = line.chars().count();
    if (6..=100).contains(&n)
        && titles.len() < TITLES_MAX
        && !line.contains('\n')
        && !titles.iter().any(|t| t == line)
    {
        titles.push(line.to_string());
    }
}

/// Non-link text characters under each element (letters, digits, ideographs).
fn text_totals(doc: &Html, skip: &dyn Fn(&NodeRef<Node>) -> bool) -> HashMap<NodeId, usize> {
    let mut totals = HashMap::new();
    // (element, its total so far); text adds to the top, a closing element to its parent.
    let mut stack: Vec<(NodeId, usize)> = Vec::new();
    let mut skip_depth = 0usize;
    let mut link_depth = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skip_depth > 0 || skip(&node) {
                    skip_depth += 1;
                    continue;
                }
                match node.value() {
                    Node::Text(t) if link_depth == 0 => {
                        if let Some(top) = stack.last_mut() {
                            top.1 += t.chars().filter(|c| c.is_alphanumeric()).count();
                        }
                    }
                    Node::Element(e) => {
                        if e.name() == "a" {
                            link_depth += 1;
                        }
                        stack.push((node.id(), 0));
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                if let Some(e) = node.value().as_element() {
                    if e.name() == "a" {
                        link_depth = link_depth.saturating_sub(1);
                    }
                    if let Some((id, total)) = stack.pop() {
                        totals.insert(id, total);
                        if let Some(parent) = stack.last_mut() {
                            parent.1 += total;
                        }
                    }
                }
            }
        }
    }
    totals
}

/// From `start`, the descendant holding most of the text (see the module docs).
fn dominant_descendant<'a>(
    start: NodeRef<'a, Node>,
    totals: &HashMap<NodeId, usize>,
    skip: &dyn Fn(&NodeRef<Node>) -> bool,
) -> NodeRef<'a, Node> {
    let total = |n: &NodeRef<Node>| totals.get(&n.id()).copied().unwrap_or(0);
    let mut current = start;
    loop {
        let best = current
            .children()
            .filter(|c| c.value().is_element() && !skip(c))
            .max_by_key(|c| (total(c), std::cmp::Reverse(c.id())));
        match best {
            Some(child) if total(&child) * 100 >= total(&current) * DOMINANT_PERCENT => {
                if total(&child) == 0 {
                    return current;
                }
                current = child;
            }
            _ => return current,
        }
    }
}

/// Appends a text node with whitespace collapsed; a line break beside Chinese text (source
/// wrapping) is dropped, other whitespace becomes one space.
fn push_collapsed(buf: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_whitespace() {
            buf.push(c);
            continue;
        }
        let mut newline = c == '\n' || c == '\r';
        while let Some(&n) = chars.peek() {
            if !n.is_whitespace() {
                break;
            }
            newline |= n == '\n' || n == '\r';
            chars.next();
        }
        let before = buf.chars().next_back();
        let after = chars.peek().copied();
        // Source wrapping next to Chinese text is not a space (CSS Text 3 segment breaks).
        let wrapped = newline && (before.is_some_and(is_wide) || after.is_some_and(is_wide));
        if !wrapped && before.is_some_and(|b| !b.is_whitespace()) {
            buf.push(' ');
        }
    }
}

fn is_wide(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Trimmed, non-empty lines joined by `\n`.
fn lines_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lines of page chrome that carry a labelled header field, with the value line after a
/// label that stands alone (the line ends with one of the labels it holds).
fn header_fields(text: &str, lex: &Lexicon) -> Vec<String> {
    let labels = &lex.field_labels;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.chars().count() > HEADER_LINE_MAX {
            continue;
        }
        let mut held = labels
            .page_header
            .strs()
            .iter()
            .filter(|l| line.contains(l.as_str()))
            .peekable();
        if held.peek().is_none() {
            continue;
        }
        out.push(line.to_string());
        let stripped = line
            .trim_end_matches(|c| labels.separators.contains(c))
            .trim();
        let bare = held.any(|l| stripped.ends_with(l.as_str()));
        if bare {
            if let Some(next) = lines.get(i + 1) {
                if next.chars().count() <= HEADER_LINE_MAX {
                    out.push(next.to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>某县2023年法治政府建设年度报告_某县人民政府</title>
<style>.x{color:red}</style><script>var visits = 12345;</script></head>
<body>
<div class="top-nav"><a href="/">首页</a><a href="/gk">政务公开</a><a>法治政府</a></div>
<div class="breadcrumb">当前位置：<a>首页</a> &gt; <a>政务公开</a></div>
<div class="article">
  <h1 class="art-title">某县2023年法治政府建设年度报告</h1>
  <div class="info"><span>发布日期：2024-03-22</span> <span>来源：县司法局</span></div>
  <table class="meta"><tr><td>索引号</td><td>11371525004442025C/2024-1</td></tr></table>
  <div id="zoom">
    <p>　　2023年，我县坚持依法行政。接收行政复议申请91件，
    受理73件。</p>
    <p>全年办理法律援助案件1,234件，开展普法宣传229场次，受众1.8万余人次。全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，组织执法人员培训12期。</p>
    <p>二、存在的不足</p><p>法治队伍建设仍需加强，基层执法能力有待提升，人才短缺。</p>
  </div>
</div>
<div class="share">分享到：微信 微博</div>
<footer>主办：某县人民政府 网站标识码：3715250001 访问量：99999</footer>
<script>document.write("<p>注入</p>")</script>
</body></html>"#;

    #[test]
    fn finds_the_article_and_drops_chrome() {
        let text = html_to_text(PAGE, Lexicon::bundled()).expect("page");
        for kept in [
            "某县2023年法治政府建设年度报告",
            "发布日期：2024-03-22",
            "来源：县司法局",
            "11371525004442025C/2024-1",
            "2023年，我县坚持依法行政。接收行政复议申请91件，受理73件。",
            "全年办理法律援助案件1,234件",
            "二、存在的不足",
        ] {
            assert!(text.contains(kept), "missing {kept:?} in\n{text}");
        }
        for dropped in [
            "首页",
            "当前位置",
            "visits",
            "color:red",
            "分享到",
            "访问量",
            "注入",
        ] {
            assert!(!text.contains(dropped), "kept {dropped:?} in\n{text}");
        }
    }

    #[test]
    fn title_first_then_one_line_per_block() {
        let text = html_to_text(PAGE, Lexicon::bundled()).expect("page");
        assert_eq!(text.lines().next(), Some("某县2023年法治政府建设年度报告"));
        let lines: Vec<&str> = text.lines().collect();
        let position = |prefix: &str| {
            lines
                .iter()
                .position(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no line starts with {prefix:?} in\n{text}"))
        };
        let order = [
            position("2023年，我县"),
            position("全年办理"),
            position("二、存在的不足"),
            position("法治队伍"),
        ];
        assert!(
            order.windows(2).all(|w| w[1] == w[0] + 1),
            "{order:?}\n{text}"
        );
    }

    #[test]
    fn odd_markup_never_panics_and_keeps_text() {
        let deep = format!("{}正文{}", "<div>".repeat(500), "</div>".repeat(10));
        let cases = [
            String::new(),
            "<".to_string(),
            "纯文本，没有标签".to_string(),
            "<p>未闭合<div>段落".to_string(),
            deep,
            "<html><body><div id=\"menu-content\"><p>".to_string()
                + &"报告正文内容".repeat(40)
                + "</p></div></body></html>",
        ];
        for case in &cases {
            let text = html_to_text(case, Lexicon::bundled()).expect("within the limits");
            if case.contains("正文") || case.contains("纯文本") || case.contains("段落") {
                assert!(!text.trim().is_empty(), "lost the text of {:.40}", case);
            }
        }
    }

    #[test]
    fn whitespace_is_collapsed_and_wrapping_joined() {
        let cases = [
            ("受理\n   73件", "受理73件"),
            ("领导带学 集体研学", "领导带学 集体研学"),
            ("a \n b", "a b"),
            ("  前导", "前导"),
        ];
        for (input, want) in cases {
            let mut buf = String::new();
            push_collapsed(&mut buf, input);
            assert_eq!(buf, want, "{input:?}");
        }
    }
}
