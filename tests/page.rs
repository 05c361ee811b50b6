//! End-to-end tests of the charts and the summary page: sections, provenance, language,
//! self-containment, escaping of hostile report text, determinism and size.

mod render_support;

use assert_cmd::Command;
use fazhi::analysis::{Analysis, CheckReason, Note};
use fazhi::dict::IndicatorDict;
use fazhi::render::chart::{render_charts, Chart, ChartKind};
use fazhi::render::csv::CsvOptions;
use fazhi::render::html::{render_page, PageContext};
use fazhi::render::Lang;
use render_support::{dict, fact, gold_analysis, gold_inputs};

fn render(analysis: &Analysis, dict: &IndicatorDict, lang: Lang) -> (Vec<Chart>, String) {
    let charts = render_charts(analysis, dict, lang, &CsvOptions::default()).expect("charts");
    let inputs = gold_inputs();
    let page = render_page(&PageContext {
        analysis,
        dict,
        inputs: &inputs,
        charts: &charts,
        review: Default::default(),
        lang,
        unplaced: None,
    });
    (charts, String::from_utf8(page).expect("utf-8 page"))
}

/// Writes the page and charts where a person can look at them (target/tmp/page-<lang>).
fn keep(name: &str, charts: &[Chart], page: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(dir.join("charts")).expect("mkdir");
    std::fs::write(dir.join("index.html"), page).expect("write page");
    for c in charts {
        std::fs::write(dir.join(format!("charts/{}.svg", c.name)), &c.svg).expect("svg");
        std::fs::write(dir.join(format!("charts/{}.png", c.name)), &c.png).expect("png");
        std::fs::write(dir.join(format!("charts/{}.csv", c.name)), &c.data_csv).expect("csv");
    }
}

/// Every `href="..."` and `src="..."` value in the page.
fn urls(page: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in page.match_indices(attr) {
            let rest = &page[i + attr.len()..];
            out.push(&rest[..rest.find('"').unwrap_or(rest.len())]);
        }
    }
    out
}

#[test]
fn gold_page_has_every_section_chart_and_source() {
    let d = dict();
    let analysis = gold_analysis(&d);
    let (charts, page) = render(&analysis, &d, Lang::Zh);
    keep("page-zh", &charts, &page);
    for id in [
        "findings",
        "indicators",
        "counties",
        "rates",
        "quality",
        "coverage",
        "method",
        "sources",
    ] {
        assert!(
            page.contains(&format!("<section id=\"{id}\">")),
            "section {id} missing"
        );
    }
    // The key finding from the issue, with its numbers.
    assert!(page.contains("632"), "632 missing");
    assert!(page.contains("863"), "863 missing");
    assert!(page.contains("+36.6%"), "+36.6% missing");
    // Every chart is inlined, and each kind is present.
    for c in &charts {
        assert!(
            page.contains(&format!("charts/{}.csv", c.name)),
            "{} not on page",
            c.name
        );
    }
    for kind in [
        ChartKind::Bar,
        ChartKind::Trend,
        ChartKind::Rate,
        ChartKind::Profile,
    ] {
        assert!(charts.iter().any(|c| c.kind == kind), "no {kind:?} chart");
    }
    assert_eq!(page.matches("<svg ").count(), charts.len());
    // Provenance: every fact's sentence is a footnote and a hover title.
    for f in &analysis.facts {
        let conflicted = analysis
            .conflicts
            .iter()
            .any(|c| c.county == f.county && c.metric == f.metric && c.year == f.year);
        if conflicted {
            continue;
        }
        let ev = fazhi::render::escape::html(&f.evidence);
        assert!(
            page.contains(&format!("<q>{ev}</q>")),
            "no footnote for {}",
            f.evidence
        );
        assert!(
            page.contains(&format!(": {ev}\"")),
            "no hover title for {}",
            f.evidence
        );
    }
    // Coverage matrix says both found and not reported.
    assert!(page.contains("class=\"found\"") && page.contains("未报告"));
    // Self-contained: a CSP, no network URL, no external resource element.
    assert!(page.contains("http-equiv=\"Content-Security-Policy\""));
    for u in urls(&page) {
        assert!(
            !u.contains("://") && !u.starts_with("//"),
            "network URL on the page: {u}"
        );
    }
    for tag in ["<link", "<img", "<iframe", "@import", "url("] {
        assert!(!page.contains(tag), "{tag} on the page");
    }
    assert!(page.contains("@media print") && page.contains("size:A4"));
}

#[test]
fn charts_csv_hold_exactly_the_drawn_rows() {
    let d = dict();
    let analysis = gold_analysis(&d);
    let (charts, _) = render(&analysis, &d, Lang::Zh);
    let bar = charts
        .iter()
        .find(|c| c.name == "bar_enforcement.certified_staff_stock")
        .expect("staff bar chart");
    let csv = String::from_utf8(bar.data_csv.clone()).expect("utf-8");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("region_code,county,metric,scope,year,value"));
    // 冠县's latest staff figure only (2023: 863), not its 2022 value.
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].contains(",2023,863,"), "{csv}");
    assert!(bar.svg.contains("863"));
    let trend = charts
        .iter()
        .find(|c| c.name == "trend_enforcement.certified_staff_stock")
        .expect("staff trend chart");
    let csv = String::from_utf8(trend.data_csv.clone()).expect("utf-8");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    // PNGs are real PNGs at twice the SVG size.
    for c in &charts {
        assert!(
            c.png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{} is not a PNG",
            c.name
        );
        let w = u32::from_be_bytes(c.png[16..20].try_into().expect("4 bytes"));
        let svg_w: u32 = c.svg["<svg width=\"".len()..]
            .split('"')
            .next()
            .and_then(|s| s.parse().ok())
            .expect("svg width");
        assert_eq!(w, svg_w * 2, "{}", c.name);
        assert!(c.name.is_ascii() && !c.name.contains(['/', '\\', ':', ' ']));
    }
    // Small counts show wide intervals: 3 of 73 is drawn with its interval.
    let rate = charts
        .iter()
        .find(|c| c.name == "rate_reconsideration.correction_rate.derived")
        .expect("correction rate chart");
    assert!(rate.svg.contains("4.1% (3/73) [1.4-11.4]"), "{}", rate.svg);
    // The national reference value is drawn as a labelled line.
    assert!(rate.svg.contains("2023 12.83%"));
}

#[test]
fn english_page_and_charts_are_english() {
    let d = dict();
    let analysis = gold_analysis(&d);
    let (charts, page) = render(&analysis, &d, Lang::En);
    keep("page-en", &charts, &page);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    for label in [
        "Key findings",
        "Coverage matrix",
        "not reported",
        "Methodology",
    ] {
        assert!(page.contains(label), "{label} missing");
    }
    for zh in ["主要发现", "覆盖矩阵", "未报告", "方法说明", "来源:"] {
        assert!(!page.contains(zh), "Chinese label {zh} on the English page");
    }
    let bar = charts
        .iter()
        .find(|c| c.kind == ChartKind::Bar)
        .expect("a bar chart");
    assert!(bar.svg.contains("latest value by county"));
    assert!(bar.svg.contains("Source: ") && bar.svg.contains("extracted by fazhi"));
    assert!(!bar.svg.contains("单位"));
}

#[test]
fn hostile_report_text_is_inert_in_page_and_svg() {
    let d = dict();
    let mut bad = fact(
        "</svg><script>alert(1)</script>",
        "999999",
        "legal_aid.cases",
        2023,
        5.0,
        "件",
    );
    bad.evidence = "\" onerror=\"alert(2)\" x=\"".to_string();
    bad.doc = "<img src=x onerror=alert(3)>.txt".to_string();
    let mut bad2 = fact("正常县", "111111", "legal_aid.cases", 2022, 4.0, "件");
    bad2.evidence = "</svg><svg onload=alert(4)>".to_string();
    let mut bad3 = bad2.clone();
    bad3.year = 2023;
    bad3.value = 6.0;
    let analysis = Analysis {
        facts: vec![bad, bad2, bad3],
        ..Analysis::default()
    };
    let (charts, page) = render(&analysis, &d, Lang::Zh);
    keep("page-hostile", &charts, &page);
    // Parsed as a browser would: only our own script element, no handler attribute, no
    // element the report text could have introduced.
    let doc = scraper::Html::parse_document(&page);
    let all = scraper::Selector::parse("*").expect("selector");
    let mut scripts = 0;
    for el in doc.select(&all) {
        let name = el.value().name();
        // The review step's data block is JSON the browser never runs; the report text in it
        // stays inside (checked below).
        let data = el.value().attr("type") == Some("application/json");
        scripts += usize::from(name == "script" && !data);
        assert!(
            !matches!(name, "img" | "iframe" | "object" | "embed"),
            "<{name}> came through"
        );
        for (attr, value) in el.value().attrs() {
            assert!(
                !attr.starts_with("on"),
                "<{name} {attr}=\"{value}\"> came through"
            );
        }
    }
    assert_eq!(scripts, 1, "extra script element");
    let data = scraper::Selector::parse("script#fazhi-facts").expect("selector");
    let block = doc.select(&data).next().expect("review data block");
    let json: serde_json::Value =
        serde_json::from_str(&block.text().collect::<String>()).expect("the block is JSON");
    assert!(json.to_string().contains("</svg><svg onload=alert(4)>"));
    let svgs = scraper::Selector::parse("svg").expect("selector");
    assert_eq!(doc.select(&svgs).count(), charts.len());
    assert!(page.contains("&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&quot; onerror=&quot;alert(2)&quot;"));
    // Each SVG closes exactly once: the county name cannot end it early.
    assert_eq!(page.matches("</svg>").count(), charts.len());
    for c in &charts {
        assert_eq!(c.svg.matches("</svg>").count(), 1, "{}", c.name);
        assert!(!c.svg.contains("<script"), "{}", c.name);
        assert!(!c.svg.contains("onload"), "{}", c.name);
    }
    let bar = charts
        .iter()
        .find(|c| c.kind == ChartKind::Bar)
        .expect("bar chart");
    assert!(
        bar.svg.contains("&lt;/svg&gt;&lt;script&gt;"),
        "{}",
        bar.svg
    );
    // File names never carry the county name.
    assert!(charts.iter().any(|c| c.name == "county_999999"));
    // The chart CSV neutralises a formula-like cell and keeps the text otherwise.
    let csv = String::from_utf8(bar.data_csv.clone()).expect("utf-8");
    assert!(csv.contains("</svg><script>alert(1)</script>"));
}

/// Every text field that comes from a report, a file name or the analysis reaches the page
/// through the template, which escapes by default: with markup appended to each of them, the
/// parsed page holds no element or attribute they brought, and every one is shown as text.
#[test]
fn r16_every_report_text_field_is_escaped_by_the_template() {
    use fazhi::analysis::{SlopeRow, TimelinessRow};
    use fazhi::model::Level;
    const HOSTILE: &str = "<i data-hostile='1'>&\"x</i>";
    let t = |s: &mut String| s.push_str(HOSTILE);
    let d = dict();
    let mut a = gold_analysis(&d);
    for f in a.facts.iter_mut() {
        for s in [
            &mut f.county,
            &mut f.province,
            &mut f.prefecture,
            &mut f.doc,
            &mut f.evidence,
        ] {
            t(s);
        }
    }
    for r in a.trends.iter_mut() {
        for s in [&mut r.county, &mut r.doc, &mut r.evidence] {
            t(s);
        }
        r.notes.0.push(Note::PreviousFrom {
            doc: HOSTILE.into(),
        });
    }
    for r in a.derived.iter_mut() {
        for s in [&mut r.county, &mut r.evidence] {
            t(s);
        }
        r.notes.0.push(Note::PartsFrom {
            numerator_doc: HOSTILE.into(),
            denominator_doc: HOSTILE.into(),
        });
    }
    for c in a.checks.iter_mut() {
        c.reason = CheckReason::Conflict {
            scope: fazhi::model::Scope::Annual,
            values: vec![(1.0, HOSTILE.into()), (2.0, HOSTILE.into())],
        };
        for s in [&mut c.kind, &mut c.county, &mut c.doc, &mut c.evidence] {
            t(s);
        }
    }
    for c in a.conflicts.iter_mut() {
        t(&mut c.county);
        for s in c.sources.iter_mut() {
            t(&mut s.doc);
            t(&mut s.evidence);
        }
    }
    for r in a.references.iter_mut() {
        t(&mut r.source);
    }
    let county = a.facts[0].county.clone();
    a.slopes.push(SlopeRow {
        region_code: a.facts[0].region_code.clone(),
        county: county.clone(),
        level: None,
        metric: a.facts[0].metric.clone(),
        scope: a.facts[0].scope,
        n_years: 3,
        first_year: 2021,
        last_year: 2023,
        slope: 1.5,
        ci_low: 0.5,
        ci_high: 2.5,
    });
    a.timeliness.push(TimelinessRow {
        doc: format!("report{HOSTILE}.html"),
        region_code: a.facts[0].region_code.clone(),
        county,
        level: Level::County,
        report_year: Some(2023),
        publish_date: format!("2024-03-01{HOSTILE}"),
        deadline: Some(format!("2024-04-01{HOSTILE}")),
        days_late: Some(-31),
    });
    let charts = render_charts(&a, &d, Lang::En, &CsvOptions::default()).expect("charts");
    let mut inputs = gold_inputs();
    for i in inputs.iter_mut() {
        t(&mut i.path);
        i.message = Some(format!("note{HOSTILE}"));
        if let Some(c) = i.county.as_mut() {
            t(c);
        }
    }
    for lang in [Lang::Zh, Lang::En] {
        let page = String::from_utf8(render_page(&PageContext {
            analysis: &a,
            dict: &d,
            inputs: &inputs,
            charts: &charts,
            review: Default::default(),
            lang,
            unplaced: None,
        }))
        .expect("utf-8");
        let doc = scraper::Html::parse_document(&page);
        let all = scraper::Selector::parse("*").expect("selector");
        for el in doc.select(&all) {
            assert!(
                el.value().attr("data-hostile").is_none(),
                "<{}> with data-hostile came through",
                el.value().name()
            );
        }
        assert!(!page.contains("<i data-hostile"), "raw markup in the page");
        // Shown as text: in the footnotes, the tables and the inputs list.
        let shown = page
            .matches("&lt;i data-hostile=&#39;1&#39;&gt;&amp;&quot;x&lt;/i&gt;")
            .count();
        assert!(shown > 20, "{shown} escaped copies");
        for section in [
            "findings",
            "indicators",
            "quality",
            "timeliness",
            "method",
            "sources",
        ] {
            let start = page
                .find(&format!("<section id=\"{section}\">"))
                .expect(section);
            let end = start + page[start..].find("</section>").expect("closed");
            assert!(
                page[start..end].contains("&lt;i data-hostile"),
                "nothing escaped shown in {section}"
            );
        }
    }
}

#[test]
fn output_is_deterministic() {
    let d = dict();
    let analysis = gold_analysis(&d);
    let (c1, p1) = render(&analysis, &d, Lang::Zh);
    let (c2, p2) = render(&analysis, &d, Lang::Zh);
    assert_eq!(p1, p2);
    for (a, b) in c1.iter().zip(&c2) {
        assert_eq!(a.svg, b.svg);
        assert_eq!(a.png, b.png, "{}", a.name);
        assert_eq!(a.data_csv, b.data_csv);
    }
}

#[test]
fn bundled_run_page_is_under_two_megabytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    Command::cargo_bin("fazhi")
        .expect("binary")
        .args(["run", "data/reports", "-q", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let size = std::fs::metadata(dir.path().join("index.html"))
        .expect("index.html")
        .len();
    assert!(size < 2 * 1024 * 1024, "index.html is {size} bytes");
    let page = std::fs::read_to_string(dir.path().join("index.html")).expect("page");
    assert!(page.contains("Content-Security-Policy"));
}
