//! The briefing (`briefing.md`): the key findings (`findings::key_findings`, the same sentences
//! as the page) ready to paste into a document, then two appendices a careful reader needs
//! before quoting: every derived rate with its parts, interval and method, and every check.
//! Every sentence is followed by its sources (file and the exact source text).
//!
//! At national scale the briefing stays paste-ready: like the page it lists at most
//! [`MAX_FINDINGS`] findings (cross-county comparisons first) and at most [`APPENDIX_ROWS`]
//! rates and checks (most serious checks first), says how many there are in all, and points to
//! the CSV that holds every row (`derived.csv`, `checks.csv`). Below those limits it lists
//! everything, as before.
//!
//! Report text is untrusted: it is put on one line and Markdown's active characters are
//! backslash-escaped, so evidence can neither inject HTML nor links when the file is rendered,
//! nor break the list structure.

use std::collections::HashSet;
use std::fmt::Write;

use serde::Serialize;

use super::findings::{top_key_findings, FactIndex};
use super::html::MAX_FINDINGS;
use super::reasons::{check_message, notes_text};
use super::review::{review_row, ReviewFacts};
use super::Lang;
use crate::analysis::{Analysis, DerivedRow, Severity};
use crate::dict::IndicatorDict;
use crate::model::format_value;

/// Most rates and most checks listed in the briefing's appendices; the CSVs hold every row.
pub const APPENDIX_ROWS: usize = 40;

/// Most facts for review listed one by one; beyond, the briefing gives their count and where
/// they are (a long list of doubtful figures is not something to paste into a document).
pub const REVIEW_ROWS: usize = 30;

/// Most units named in the scope line; beyond, it says "and others" (it always gives the count).
pub const SCOPE_NAMES: usize = 12;

/// The briefing's view model: its sections in order, every line already worded and in
/// Markdown (report text escaped by [`md_text`]). Built once by [`briefing_view`]; turned into
/// bytes by [`render_briefing_view`].
#[derive(Debug, Clone, Serialize)]
pub struct BriefingView {
    /// The title (`# …`).
    pub title: String,
    /// The line under it: what fazhi read and how to read the figures.
    pub intro: String,
    /// What the figures cover: how many units (the first [`SCOPE_NAMES`] named) and which
    /// years.
    pub scope: String,
    /// The sections (`## …`), in order.
    pub sections: Vec<BriefingSection>,
}

/// A section of the briefing: a numbered list, or plain lines, and a closing note.
#[derive(Debug, Clone, Serialize)]
pub struct BriefingSection {
    /// The heading.
    pub heading: String,
    /// Said when the section has nothing to list.
    pub empty: Option<String>,
    /// Numbered items, each with its sources.
    pub items: Vec<BriefingItem>,
    /// Unnumbered lines (the reference values).
    pub lines: Vec<String>,
    /// How many rows there are in all and where, when not all are listed.
    pub note: Option<String>,
}

/// A numbered item: a sentence and the sources it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct BriefingItem {
    /// The sentence.
    pub text: String,
    /// One line per source (file and exact text).
    pub sources: Vec<String>,
}

/// Renders the briefing in the requested language.
pub fn render_briefing(
    analysis: &Analysis,
    review: ReviewFacts<'_>,
    dict: &IndicatorDict,
    lang: Lang,
) -> Vec<u8> {
    render_briefing_view(&briefing_view(analysis, review, dict, lang))
}

/// How report text is made safe in the view model's lines: the Markdown file escapes its
/// active characters; the Word document ([`super::docx`]) only puts it on one line, since
/// there text is text (its XML escaping is the writer crate's job).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// For `briefing.md`: [`md_text`].
    Markdown,
    /// For `briefing.docx`: [`super::escape::one_line`].
    Plain,
}

impl Markup {
    /// Report text made safe for this markup.
    pub fn text(self, text: &str) -> String {
        match self {
            Markup::Markdown => md_text(text),
            Markup::Plain => super::escape::one_line(text),
        }
    }
}

/// The briefing as Markdown.
pub fn render_briefing_view(view: &BriefingView) -> Vec<u8> {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", view.title);
    let _ = writeln!(out, "> {}\n>\n> {}\n", view.intro, view.scope);
    for section in &view.sections {
        let _ = writeln!(out, "## {}\n", section.heading);
        if let Some(empty) = &section.empty {
            let _ = writeln!(out, "{empty}\n");
        }
        for (i, item) in section.items.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, item.text);
            for source in &item.sources {
                let _ = writeln!(out, "   - {source}");
            }
        }
        for line in &section.lines {
            let _ = writeln!(out, "- {line}");
        }
        if !section.items.is_empty() || !section.lines.is_empty() {
            out.push('\n');
        }
        if let Some(note) = &section.note {
            let _ = writeln!(out, "{note}\n");
        }
    }
    out.into_bytes()
}

/// Builds the briefing's view model in Markdown: see [`briefing_view_as`].
pub fn briefing_view(
    analysis: &Analysis,
    review: ReviewFacts<'_>,
    dict: &IndicatorDict,
    lang: Lang,
) -> BriefingView {
    briefing_view_as(analysis, review, dict, lang, Markup::Markdown)
}

/// Builds the briefing's view model, report text made safe for `m`: key findings, then the
/// appendices (rates, checks, reference values) that have rows, and last the facts for review
/// (always: a reader quoting the figures wants to know whether any was set aside).
pub fn briefing_view_as(
    analysis: &Analysis,
    review: ReviewFacts<'_>,
    dict: &IndicatorDict,
    lang: Lang,
    m: Markup,
) -> BriefingView {
    let l = lang;
    let mut docs = distinct_docs(analysis);
    docs.extend(review.left_out().iter().map(|f| f.doc.as_str()));
    let mut sections = Vec::new();

    let (findings, total_findings) = top_key_findings(analysis, dict, lang, MAX_FINDINGS);
    sections.push(BriefingSection {
        heading: l.text("briefing.key_findings").to_string(),
        empty: findings
            .is_empty()
            .then(|| l.text("briefing.no_year_over_year_change").to_string()),
        note: (total_findings > findings.len()).then(|| {
            l.fill(
                "briefing.findings_cut",
                &[("total", &total_findings), ("shown", &findings.len())],
            )
        }),
        items: findings
            .iter()
            .map(|f| BriefingItem {
                text: m.text(&f.sentence),
                sources: source_lines(l, m, f.docs.iter().zip(f.evidence.iter())),
            })
            .collect(),
        lines: Vec::new(),
    });

    if !analysis.derived.is_empty() {
        let parts = FactIndex::new(analysis);
        sections.push(BriefingSection {
            heading: l
                .text("briefing.appendix_rates_computed_from_their")
                .to_string(),
            empty: None,
            items: analysis
                .derived
                .iter()
                .take(APPENDIX_ROWS)
                .map(|d| {
                    let sources = derived_sources(analysis, &parts, d);
                    BriefingItem {
                        text: m.text(&derived_sentence(d, dict, l)),
                        sources: source_lines(l, m, sources.iter().map(|(a, b)| (a, b))),
                    }
                })
                .collect(),
            lines: Vec::new(),
            note: more_in_csv(l, analysis.derived.len(), "derived.csv"),
        });
    }

    // Most serious first; info checks say how a figure was verified (e.g. a rate consistent
    // with its parts by truncation), which a reader quoting it wants to know too.
    let mut checks: Vec<_> = analysis.checks.iter().collect();
    checks.sort_by_key(|c| std::cmp::Reverse(c.severity));
    if !checks.is_empty() {
        let heading = if checks.len() > APPENDIX_ROWS {
            l.text("briefing.appendix_checks_on_the_figures")
        } else {
            l.text("briefing.appendix_checks_on_the_figures_2")
        };
        sections.push(BriefingSection {
            heading: heading.to_string(),
            empty: None,
            items: checks
                .iter()
                .take(APPENDIX_ROWS)
                .map(|c| {
                    let severity = match c.severity {
                        Severity::Error => l.text("briefing.severity_error"),
                        Severity::Warning => l.text("briefing.severity_warning"),
                        Severity::Info => l.text("briefing.severity_info"),
                    };
                    BriefingItem {
                        text: format!(
                            "[{}] {} {} {}: {}",
                            severity,
                            m.text(&c.county),
                            c.year,
                            m.text(dict.name(&c.metric, l.is_en())),
                            m.text(&check_message(&c.reason, dict, l))
                        ),
                        sources: source_lines(l, m, [(&c.doc, &c.evidence)].into_iter()),
                    }
                })
                .collect(),
            lines: Vec::new(),
            note: more_in_csv(l, checks.len(), "checks.csv"),
        });
    }

    if !analysis.references.is_empty() {
        sections.push(BriefingSection {
            heading: l
                .text("briefing.published_reference_values_shown_for")
                .to_string(),
            empty: None,
            items: Vec::new(),
            lines: analysis
                .references
                .iter()
                .map(|r| {
                    l.fill(
                        "briefing.reference",
                        &[
                            ("name", &m.text(dict.name(&r.indicator, l.is_en()))),
                            ("year", &r.year),
                            ("value", &format_value(r.value)),
                            (
                                "unit",
                                &dict.get(&r.indicator).map_or("", |i| i.unit.as_str()),
                            ),
                            ("source", &m.text(&r.source)),
                        ],
                    )
                })
                .collect(),
            note: None,
        });
    }

    sections.push(review_section(review, dict, l, m));

    BriefingView {
        title: l
            .text("briefing.rule_of_law_government_reports")
            .to_string(),
        intro: l.fill(
            "briefing.extracted_by",
            &[("version", &env!("CARGO_PKG_VERSION")), ("n", &docs.len())],
        ),
        scope: scope_line(analysis, l, m),
        sections,
    }
}

/// The facts for review: each one with its reasons and source while there are at most
/// [`REVIEW_ROWS`], else only how many and where they are; or one line saying there are none.
fn review_section(
    review: ReviewFacts<'_>,
    dict: &IndicatorDict,
    l: Lang,
    m: Markup,
) -> BriefingSection {
    let n = review.facts.len();
    let items = if n <= REVIEW_ROWS {
        review
            .facts
            .iter()
            .map(|f| {
                let row = review_row(f, dict, l);
                BriefingItem {
                    text: l.fill(
                        "briefing.review_item",
                        &[
                            ("place", &m.text(&row.place)),
                            ("year", &row.year),
                            ("name", &m.text(&row.name)),
                            ("value", &m.text(&row.value)),
                            ("unit", &m.text(&row.unit)),
                            ("reasons", &m.text(&row.reasons)),
                        ],
                    ),
                    sources: source_lines(l, m, [(&row.doc, &row.evidence)].into_iter()),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let note = match (n, review.counted) {
        (0, _) => None,
        (_, true) => Some(l.fill("briefing.review_counted", &[("n", &n)])),
        (_, false) => Some(l.fill("briefing.review_left_out", &[("n", &n)])),
    };
    BriefingSection {
        heading: l.text("briefing.appendix_facts_for_review").to_string(),
        empty: (n == 0).then(|| l.text("briefing.no_facts_for_review").to_string()),
        items,
        lines: Vec::new(),
        note,
    }
}

/// How many rows a capped appendix has in all and which CSV holds them (`None` when every
/// row was listed).
fn more_in_csv(l: Lang, total: usize, csv: &str) -> Option<String> {
    (total > APPENDIX_ROWS).then(|| {
        l.fill(
            "briefing.appendix_cut",
            &[("total", &total), ("shown", &APPENDIX_ROWS), ("csv", &csv)],
        )
    })
}

/// One sentence for a derived rate, with its parts and interval.
fn derived_sentence(d: &DerivedRow, dict: &IndicatorDict, l: Lang) -> String {
    let num = dict.name(&d.numerator_metric, l.is_en());
    let den = dict.name(&d.denominator_metric, l.is_en());
    // Derived ids are `<indicator>.derived`; rates with no reported counterpart (acceptance
    // rate) are named after their parts.
    let base = d.metric.strip_suffix(".derived").unwrap_or(&d.metric);
    let name = match dict.get(base) {
        Some(i) => l.pick(&i.zh_name, &i.en_name).to_string(),
        None => l.fill("briefing.share_of", &[("num", &num), ("den", &den)]),
    };
    let note = if d.notes.is_empty() {
        String::new()
    } else {
        l.fill("briefing.note", &[("note", &notes_text(&d.notes, dict, l))])
    };
    if d.numerator_metric == d.denominator_metric {
        // A growth rate: the same indicator in two years (value in percent).
        return l.fill(
            "briefing.growth",
            &[
                ("county", &d.county),
                ("num", &num),
                ("year", &d.year),
                ("value", &format!("{:+.1}", d.value)),
                ("from", &format_value(d.denominator)),
                ("to", &format_value(d.numerator)),
                ("low", &format!("{:+.1}", d.ci_low)),
                ("high", &format!("{:+.1}", d.ci_high)),
                ("note", &note),
            ],
        );
    }
    l.fill(
        "briefing.rate",
        &[
            ("county", &d.county),
            ("year", &d.year),
            ("name", &name),
            ("value", &format!("{:.1}", d.value)),
            ("num", &num),
            ("numerator", &format_value(d.numerator)),
            ("den", &den),
            ("denominator", &format_value(d.denominator)),
            ("low", &format!("{:.1}", d.ci_low)),
            ("high", &format!("{:.1}", d.ci_high)),
            ("note", &note),
        ],
    )
}

/// The facts a derived rate was computed from: (file, evidence), deduplicated, in fact order.
fn derived_sources(
    analysis: &Analysis,
    parts: &FactIndex<'_>,
    d: &DerivedRow,
) -> Vec<(String, String)> {
    let mut rows: Vec<usize> = [&d.numerator_metric, &d.denominator_metric]
        .iter()
        .flat_map(|m| parts.positions(&d.region_code, &d.county, m, d.year))
        .collect();
    // Numerator and denominator as one list in fact order (the same metric twice is one list).
    rows.sort_unstable();
    rows.dedup();
    let mut out: Vec<(String, String)> = Vec::new();
    for f in rows.into_iter().map(|i| &analysis.facts[i]) {
        let pair = (f.doc.clone(), f.evidence.clone());
        if !out.contains(&pair) {
            out.push(pair);
        }
    }
    if out.is_empty() && !d.evidence.is_empty() {
        out.push((String::new(), d.evidence.clone()));
    }
    out
}

/// One line per source: the file and the exact text, made safe for `m`.
fn source_lines<'a, I>(l: Lang, m: Markup, sources: I) -> Vec<String>
where
    I: Iterator<Item = (&'a String, &'a String)>,
{
    let label = l.text("briefing.source");
    sources
        .map(|(doc, evidence)| {
            if doc.is_empty() {
                l.fill(
                    "briefing.source_line",
                    &[("label", &label), ("evidence", &m.text(evidence))],
                )
            } else {
                l.fill(
                    "briefing.source_line_in_file",
                    &[
                        ("label", &label),
                        ("doc", &m.text(doc)),
                        ("evidence", &m.text(evidence)),
                    ],
                )
            }
        })
        .collect()
}

/// The scope line: the units the figures are about (in division-code order, the first
/// [`SCOPE_NAMES`] named) and the span of their years.
fn scope_line(analysis: &Analysis, l: Lang, m: Markup) -> String {
    let units: std::collections::BTreeSet<(&str, &str)> = analysis
        .facts
        .iter()
        .map(|f| (f.region_code.as_str(), f.county.as_str()))
        .collect();
    let mut names = units
        .iter()
        .take(SCOPE_NAMES)
        .map(|(_, name)| m.text(name))
        .collect::<Vec<_>>()
        .join(l.text("briefing.name_separator"));
    if units.len() > SCOPE_NAMES {
        names = l.fill("briefing.scope_more", &[("names", &names)]);
    }
    let years = analysis.facts.iter().map(|f| f.year);
    let span = match (years.clone().min(), years.max()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => "–".to_string(),
    };
    l.fill(
        "briefing.scope",
        &[("units", &units.len()), ("names", &names), ("years", &span)],
    )
}

fn distinct_docs(analysis: &Analysis) -> HashSet<&str> {
    analysis.facts.iter().map(|f| f.doc.as_str()).collect()
}

/// Untrusted text on one line with Markdown's active characters escaped.
///
/// Only what can start markup mid-line is escaped (`\ ` * [ ] < > ~`, and `_` at a word
/// edge), so file names like `000_fb63.txt` paste into a document unchanged.
pub fn md_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '_' => {
                // Intraword underscores never emphasise (CommonMark, "left-flanking" rule).
                let word = |j: Option<usize>| {
                    j.and_then(|j| chars.get(j))
                        .is_some_and(|c| c.is_alphanumeric())
                };
                if !(word(i.checked_sub(1)) && word(Some(i + 1))) {
                    out.push('\\');
                }
                out.push('_');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Check, TrendRow};
    use crate::dict::{load_dict, IndicatorDict};
    use crate::model::{Fact, Scope};

    fn dict() -> IndicatorDict {
        load_dict(None).expect("bundled dictionary")
    }

    fn fact(metric: &str, value: f64, evidence: &str) -> Fact {
        Fact {
            doc: "甲县2023.txt".into(),
            region_code: "110101".into(),
            province: "北京市".into(),
            county: "甲县".into(),
            report_year: Some(2023),
            metric: metric.into(),
            year: 2023,
            value,
            unit: "件".into(),
            evidence: evidence.into(),
            ..Fact::default()
        }
    }

    fn analysis() -> Analysis {
        Analysis {
            facts: vec![
                fact("reconsideration.accepted", 73.0, "受理73件"),
                fact("reconsideration.received", 91.0, "收到<b>复议</b>申请91件"),
            ],
            trends: vec![TrendRow {
                region_code: "110101".into(),
                county: "甲县".into(),
                level: None,
                metric: "enforcement.certified_staff".into(),
                scope: Scope::Stock,
                year: 2023,
                value: 863.0,
                unit: "人".into(),
                prev_year: Some(2022),
                prev_value: Some(632.0),
                change: Some(231.0),
                pct_change: Some(36.5506),
                annual_rate: None,
                evidence: "由2022年的632人增加到863人".into(),
                doc: "甲县2023.txt".into(),
                notes: Default::default(),
                qualifier: crate::model::Qualifier::Exact,
            }],
            derived: vec![DerivedRow {
                region_code: "110101".into(),
                county: "甲县".into(),
                level: None,
                metric: "reconsideration.acceptance_rate.derived".into(),
                year: 2023,
                numerator_metric: "reconsideration.accepted".into(),
                numerator: 73.0,
                denominator_metric: "reconsideration.received".into(),
                denominator: 91.0,
                value: 80.22,
                ci_low: 70.89,
                ci_high: 87.11,
                reference: None,
                notes: Default::default(),
                evidence: "受理73件; 收到复议申请91件".into(),
            }],
            checks: vec![Check {
                kind: "part_exceeds_whole".into(),
                severity: Severity::Error,
                region_code: "110101".into(),
                county: "甲县".into(),
                level: None,
                doc: "甲县2023.txt".into(),
                metric: "reconsideration.accepted".into(),
                year: 2023,
                reason: crate::analysis::CheckReason::PartExceedsWhole {
                    part_metric: "reconsideration.accepted".into(),
                    part: 95.0,
                    whole_metric: "reconsideration.received".into(),
                    whole: 91.0,
                    lower_bound: false,
                },
                evidence: "受理95件".into(),
            }],
            ..Analysis::default()
        }
    }

    #[test]
    fn chinese_briefing_states_figures_years_and_sources() {
        let text = String::from_utf8(render_briefing(
            &analysis(),
            ReviewFacts::default(),
            &dict(),
            Lang::Zh,
        ))
        .expect("utf-8");
        for want in [
            "## 主要发现",
            "由2022年的632",
            "2023年的863",
            "+36.6%",
            "来源：甲县2023.txt：“由2022年的632人增加到863人”",
            "甲县2023年",
            "80.2%",
            "73 ÷",
            "95%区间 70.9%–87.1%",
            "来源：甲县2023.txt：“受理73件”",
            "[错误] 甲县 2023",
            "行政复议受理数 95 大于其总数行政复议申请收件数 91",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        // Report text is escaped, never raw HTML.
        assert!(text.contains(r"\<b\>复议\</b\>"), "{text}");
        assert!(!text.contains("<b>"));
    }

    #[test]
    fn english_briefing_uses_english_labels() {
        let text = String::from_utf8(render_briefing(
            &analysis(),
            ReviewFacts::default(),
            &dict(),
            Lang::En,
        ))
        .expect("utf-8");
        for want in [
            "## Key findings",
            "95% interval 70.9%–87.1%",
            "[error]",
            "Source: 甲县2023.txt",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        assert!(!text.contains("主要发现"));
    }

    #[test]
    fn growth_of_one_indicator_is_stated_as_a_change() {
        let d = DerivedRow {
            region_code: "110101".into(),
            county: "甲县".into(),
            level: None,
            metric: "enforcement.certified_staff.growth".into(),
            year: 2023,
            numerator_metric: "enforcement.certified_staff".into(),
            numerator: 863.0,
            denominator_metric: "enforcement.certified_staff".into(),
            denominator: 632.0,
            value: 36.55,
            ci_low: 23.2,
            ci_high: 51.3,
            reference: None,
            notes: Default::default(),
            evidence: String::new(),
        };
        assert_eq!(
            derived_sentence(&d, &dict(), Lang::Zh),
            "甲县行政执法持证人员数2023年较上期变化+36.5%（由632到863），95%区间 +23.2%至+51.3%。"
        );
    }

    #[test]
    fn long_appendices_are_capped_and_point_to_their_csv() {
        let base = analysis();
        for (checks, listed, capped) in [
            (1, 1, false),
            (APPENDIX_ROWS, APPENDIX_ROWS, false),
            (APPENDIX_ROWS + 1, APPENDIX_ROWS, true),
            (1000, APPENDIX_ROWS, true),
        ] {
            let mut a = base.clone();
            a.checks = (0..checks)
                .map(|i| Check {
                    reason: crate::analysis::CheckReason::NotANumber { value: i as f64 },
                    ..base.checks[0].clone()
                })
                .collect();
            let text = String::from_utf8(render_briefing(
                &a,
                ReviewFacts::default(),
                &dict(),
                Lang::Zh,
            ))
            .expect("utf-8");
            let shown = (0..checks)
                .filter(|i| text.contains(&format!("数值不是有限数: {i}\n")))
                .count();
            assert_eq!(shown, listed, "{checks} checks");
            let note =
                format!("（共 {checks} 项，此处列出前 {APPENDIX_ROWS} 项；全部见 checks.csv。）");
            assert_eq!(text.contains(&note), capped, "{checks} checks");
            assert_eq!(text.contains("全部核查结果"), !capped, "{checks} checks");
        }
    }

    #[test]
    fn plain_view_keeps_report_text_as_written_on_one_line() {
        let mut a = analysis();
        a.facts[1].evidence = "收到<b>复议</b>\n申请_91件".into();
        let view = |m| {
            serde_json::to_string(&briefing_view_as(
                &a,
                ReviewFacts::default(),
                &dict(),
                Lang::Zh,
                m,
            ))
            .expect("json")
        };
        let plain = view(Markup::Plain);
        assert!(plain.contains("收到<b>复议</b> 申请_91件"), "{plain}");
        let markdown = view(Markup::Markdown);
        assert!(
            markdown.contains(r"收到\\<b\\>复议\\</b\\> 申请_91件"),
            "{markdown}"
        );
        // The scope line names the unit and the year, in both.
        for v in [&plain, &markdown] {
            assert!(v.contains("涉及 1 个县区：甲县；数据年份 2023。"), "{v}");
        }
    }

    #[test]
    fn scope_line_names_the_first_units_and_counts_them_all() {
        let mut a = analysis();
        a.facts = (0..SCOPE_NAMES + 3)
            .map(|i| Fact {
                region_code: format!("{}", 110101 + i),
                county: format!("县{i:02}"),
                year: 2020 + (i % 3) as i32,
                ..a.facts[0].clone()
            })
            .collect();
        let line = scope_line(&a, Lang::Zh, Markup::Plain);
        assert!(
            line.starts_with(&format!("涉及 {} 个县区：县00、县01", SCOPE_NAMES + 3)),
            "{line}"
        );
        assert!(
            line.contains(&format!("县{:02}等", SCOPE_NAMES - 1)),
            "{line}"
        );
        assert!(!line.contains(&format!("县{:02}", SCOPE_NAMES)), "{line}");
        assert!(line.ends_with("数据年份 2020–2022。"), "{line}");
    }

    #[test]
    fn empty_analysis_says_so() {
        let text = String::from_utf8(render_briefing(
            &Analysis::default(),
            ReviewFacts::default(),
            &dict(),
            Lang::Zh,
        ))
        .expect("utf-8");
        assert!(text.contains("没有可比较"), "{text}");
    }

    #[test]
    fn markdown_text_is_one_inert_line() {
        for (input, want) in [
            ("a\nb", "a b"),
            ("[x](http://e)", r"\[x\](http://e)"),
            ("000_fb63.txt", "000_fb63.txt"),
            ("_强调_", r"\_强调\_"),
            ("<script>", r"\<script\>"),
            ("**粗**", r"\*\*粗\*\*"),
            ("收到91件", "收到91件"),
        ] {
            assert_eq!(md_text(input), want, "{input}");
        }
    }
}
