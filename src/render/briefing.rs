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

use super::findings::{top_key_findings, FactIndex};
use super::html::MAX_FINDINGS;
use super::Lang;
use crate::analysis::{Analysis, DerivedRow, Severity};
use crate::dict::IndicatorDict;
use crate::model::format_value;

/// Most rates and most checks listed in the briefing's appendices; the CSVs hold every row.
pub const APPENDIX_ROWS: usize = 40;

/// Renders the briefing in the requested language.
pub fn render_briefing(analysis: &Analysis, dict: &IndicatorDict, lang: Lang) -> Vec<u8> {
    let l = lang;
    let mut out = String::new();
    let docs = distinct_docs(analysis);
    let _ = writeln!(
        out,
        "# {}\n",
        l.text("briefing.rule_of_law_government_reports")
    );
    let _ = writeln!(
        out,
        "{}\n",
        l.fill(
            "briefing.extracted_by",
            &[("version", &env!("CARGO_PKG_VERSION")), ("n", &docs.len())]
        )
    );

    let _ = writeln!(out, "## {}\n", l.text("briefing.key_findings"));
    let (findings, total_findings) = top_key_findings(analysis, dict, lang, MAX_FINDINGS);
    if findings.is_empty() {
        let _ = writeln!(out, "{}\n", l.text("briefing.no_year_over_year_change"));
    }
    for (i, f) in findings.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, md_text(&f.sentence));
        write_sources(&mut out, l, f.docs.iter().zip(f.evidence.iter()));
    }
    if !findings.is_empty() {
        out.push('\n');
    }
    if total_findings > findings.len() {
        let _ = writeln!(
            out,
            "{}\n",
            l.fill(
                "briefing.findings_cut",
                &[("total", &total_findings), ("shown", &findings.len())]
            )
        );
    }

    if !analysis.derived.is_empty() {
        let _ = writeln!(
            out,
            "## {}\n",
            l.text("briefing.appendix_rates_computed_from_their")
        );
        let parts = FactIndex::new(analysis);
        for (i, d) in analysis.derived.iter().take(APPENDIX_ROWS).enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, md_text(&derived_sentence(d, dict, l)));
            let sources = derived_sources(analysis, &parts, d);
            write_sources(&mut out, l, sources.iter().map(|(a, b)| (a, b)));
        }
        out.push('\n');
        more_in_csv(&mut out, l, analysis.derived.len(), "derived.csv");
    }

    // Most serious first; info checks say how a figure was verified (e.g. a rate consistent
    // with its parts by truncation), which a reader quoting it wants to know too.
    let mut checks: Vec<_> = analysis.checks.iter().collect();
    checks.sort_by_key(|c| std::cmp::Reverse(c.severity));
    if !checks.is_empty() {
        let _ = writeln!(
            out,
            "## {}\n",
            if checks.len() > APPENDIX_ROWS {
                l.text("briefing.appendix_checks_on_the_figures")
            } else {
                l.text("briefing.appendix_checks_on_the_figures_2")
            }
        );
        for (i, c) in checks.iter().take(APPENDIX_ROWS).enumerate() {
            let severity = match c.severity {
                Severity::Error => l.text("briefing.severity_error"),
                Severity::Warning => l.text("briefing.severity_warning"),
                Severity::Info => l.text("briefing.severity_info"),
            };
            let _ = writeln!(
                out,
                "{}. [{}] {} {} {}: {}",
                i + 1,
                severity,
                md_text(&c.county),
                c.year,
                md_text(dict.name(&c.metric, l.is_en())),
                md_text(&c.message)
            );
            write_sources(&mut out, l, [(&c.doc, &c.evidence)].into_iter());
        }
        out.push('\n');
        more_in_csv(&mut out, l, checks.len(), "checks.csv");
    }

    if !analysis.references.is_empty() {
        let _ = writeln!(
            out,
            "## {}\n",
            l.text("briefing.published_reference_values_shown_for")
        );
        for r in &analysis.references {
            let line = l.fill(
                "briefing.reference",
                &[
                    ("name", &md_text(dict.name(&r.indicator, l.is_en()))),
                    ("year", &r.year),
                    ("value", &format_value(r.value)),
                    (
                        "unit",
                        &dict.get(&r.indicator).map_or("", |i| i.unit.as_str()),
                    ),
                    ("source", &md_text(&r.source)),
                ],
            );
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// Says how many rows a capped appendix has in all and which CSV holds them (nothing when
/// every row was listed).
fn more_in_csv(out: &mut String, l: Lang, total: usize, csv: &str) {
    if total <= APPENDIX_ROWS {
        return;
    }
    let _ = writeln!(
        out,
        "{}\n",
        l.fill(
            "briefing.appendix_cut",
            &[("total", &total), ("shown", &APPENDIX_ROWS), ("csv", &csv)]
        )
    );
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
    let note = if d.note.is_empty() {
        String::new()
    } else {
        l.fill("briefing.note", &[("note", &d.note)])
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

fn write_sources<'a, I>(out: &mut String, l: Lang, sources: I)
where
    I: Iterator<Item = (&'a String, &'a String)>,
{
    for (doc, evidence) in sources {
        let label = l.text("briefing.source");
        let line = if doc.is_empty() {
            l.fill(
                "briefing.source_line",
                &[("label", &label), ("evidence", &md_text(evidence))],
            )
        } else {
            l.fill(
                "briefing.source_line_in_file",
                &[
                    ("label", &label),
                    ("doc", &md_text(doc)),
                    ("evidence", &md_text(evidence)),
                ],
            )
        };
        let _ = writeln!(out, "   - {line}");
    }
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
    use crate::model::{Fact, Qualifier, Scope};

    fn dict() -> IndicatorDict {
        load_dict(None).expect("bundled dictionary")
    }

    fn fact(metric: &str, value: f64, evidence: &str) -> Fact {
        Fact {
            doc: "甲县2023.txt".into(),
            region_code: "110101".into(),
            province: "北京市".into(),
            prefecture: String::new(),
            county: "甲县".into(),
            report_year: Some(2023),
            metric: metric.into(),
            year: 2023,
            scope: Scope::Annual,
            value,
            unit: "件".into(),
            qualifier: Qualifier::Exact,
            evidence: evidence.into(),
            offset: 0,
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
                note: String::new(),
                qualifier: crate::model::Qualifier::Exact,
            }],
            derived: vec![DerivedRow {
                region_code: "110101".into(),
                county: "甲县".into(),
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
                note: String::new(),
                evidence: "受理73件; 收到复议申请91件".into(),
            }],
            checks: vec![Check {
                kind: "part_exceeds_whole".into(),
                severity: Severity::Error,
                region_code: "110101".into(),
                county: "甲县".into(),
                doc: "甲县2023.txt".into(),
                metric: "reconsideration.accepted".into(),
                year: 2023,
                message: "受理 95 件多于收到 91 件".into(),
                evidence: "受理95件".into(),
            }],
            ..Analysis::default()
        }
    }

    #[test]
    fn chinese_briefing_states_figures_years_and_sources() {
        let text =
            String::from_utf8(render_briefing(&analysis(), &dict(), Lang::Zh)).expect("utf-8");
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
            "受理 95 件多于收到 91 件",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        // Report text is escaped, never raw HTML.
        assert!(text.contains(r"\<b\>复议\</b\>"), "{text}");
        assert!(!text.contains("<b>"));
    }

    #[test]
    fn english_briefing_uses_english_labels() {
        let text =
            String::from_utf8(render_briefing(&analysis(), &dict(), Lang::En)).expect("utf-8");
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
            note: String::new(),
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
                    message: format!("检查{i}"),
                    ..base.checks[0].clone()
                })
                .collect();
            let text = String::from_utf8(render_briefing(&a, &dict(), Lang::Zh)).expect("utf-8");
            let shown = (0..checks)
                .filter(|i| text.contains(&format!("检查{i}\n")))
                .count();
            assert_eq!(shown, listed, "{checks} checks");
            let note =
                format!("（共 {checks} 项，此处列出前 {APPENDIX_ROWS} 项；全部见 checks.csv。）");
            assert_eq!(text.contains(&note), capped, "{checks} checks");
            assert_eq!(text.contains("全部核查结果"), !capped, "{checks} checks");
        }
    }

    #[test]
    fn empty_analysis_says_so() {
        let text = String::from_utf8(render_briefing(&Analysis::default(), &dict(), Lang::Zh))
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
