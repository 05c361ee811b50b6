//! The summary page at national scale (issue 8): with thousands of counties the page stays a
//! bounded summary (top and bottom rows, distributions, a limited number of county profiles,
//! coverage as counts) while every value stays in the CSVs. The 5-report page is covered by
//! tests/page.rs and shows everything.

mod render_support;

use fazhi::analysis::analyse;
use fazhi::render::chart::{render_charts, ChartKind};
use fazhi::render::csv::CsvOptions;
use fazhi::render::html::{render_page, PageContext, MAX_FINDINGS, MAX_PROFILES, TABLE_ROWS};
use fazhi::render::Lang;
use render_support::{dict, fact};

/// 300 counties, two years of received and concluded reconsideration cases each.
const COUNTIES: usize = 300;

fn national_page(lang: Lang) -> (usize, String) {
    let d = dict();
    let mut facts = Vec::new();
    for i in 0..COUNTIES {
        let (name, code) = (format!("县{i:03}"), format!("{:06}", 110_000 + i));
        for (year, k) in [(2022, 1.0), (2023, 1.1)] {
            let received = ((i * 37) % 500 + 20) as f64 * k;
            facts.push(fact(
                &name,
                &code,
                "reconsideration.received",
                year,
                received.round(),
                "件",
            ));
            facts.push(fact(
                &name,
                &code,
                "reconsideration.concluded",
                year,
                (received * 0.8).round(),
                "件",
            ));
        }
    }
    // One county with more figures: it must be among the profiles whatever its code.
    let last = format!("{:06}", 110_000 + COUNTIES - 1);
    facts.push(fact(
        "县299",
        &last,
        "reconsideration.corrected",
        2023,
        5.0,
        "件",
    ));
    let analysis = analyse(&facts, &d, &[]).expect("analysis");
    let charts = render_charts(&analysis, &d, lang, &CsvOptions::default()).expect("charts");
    let profiles = charts
        .iter()
        .filter(|c| c.kind == ChartKind::Profile)
        .count();
    assert_eq!(profiles, MAX_PROFILES);
    assert!(charts.iter().any(|c| c.name == format!("county_{last}")));
    let page = render_page(&PageContext {
        analysis: &analysis,
        dict: &d,
        inputs: &[],
        charts: &charts,
        review: Default::default(),
        lang,
        unplaced: None,
    });
    (charts.len(), String::from_utf8(page).expect("utf-8"))
}

#[test]
fn r8_national_page_is_a_bounded_summary() {
    let (charts, page) = national_page(Lang::Zh);
    // Every chart drawn is on the page, and no more than the bounded set was drawn.
    assert_eq!(page.matches("<svg ").count(), charts);
    // Ranked tables: top and bottom rows only, with the distribution and the CSV named.
    let ranked_rows = page.matches(&format!("/ {COUNTIES}</td></tr>")).count();
    assert!(
        ranked_rows > 0 && ranked_rows % TABLE_ROWS == 0,
        "{ranked_rows}"
    );
    assert!(page.contains(&format!(
        "共 {COUNTIES} 个县区, 上表只列最高和最低各 {} 个",
        TABLE_ROWS / 2
    )));
    assert!(page.contains("中位数") && page.contains("facts.csv"));
    // Profiles of the best-covered counties only, and the page says so.
    assert!(page.contains(&format!("此处只列出数值最多的 {MAX_PROFILES} 个的概况")));
    // Coverage as counts per indicator, not 300 columns.
    assert!(
        page.contains(&format!("{COUNTIES} / {COUNTIES}")),
        "coverage counts"
    );
    assert!(
        !page.contains("<th>县150</th>"),
        "a county column in the coverage matrix"
    );
    // Findings bounded, comparisons first.
    let findings = page
        .split("<ol class=\"findings\">")
        .nth(1)
        .and_then(|s| s.split("</ol>").next())
        .expect("findings list");
    assert!(findings.matches("<li>").count() <= MAX_FINDINGS);
    assert!(page.contains("条发现, 此处列出"));
    assert!(page.len() < 2 * 1024 * 1024, "page is {} bytes", page.len());
}

#[test]
fn r8_national_page_in_english_names_the_files() {
    let (_, page) = national_page(Lang::En);
    for want in [
        "counties; the table lists the highest and lowest",
        "the most figures are shown here",
        "Counties reporting",
    ] {
        assert!(page.contains(want), "{want} missing");
    }
}
