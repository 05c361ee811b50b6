//! Issue 14's outputs: the figures rest on the `high` facts unless `--include-review`, the
//! page and the briefing list the facts marked `review` with their reasons, facts.csv keeps
//! every fact either way; and every change a report states is written to stated_changes.csv.
//!
//! The facts and the report text below are written for these tests.

use std::path::Path;

use assert_cmd::Command;
use fazhi::model::{ChangeUnit, Scope, StatedChange};
use fazhi::render::csv::{export_csv, CsvOptions};
use fazhi::render::table::ExportTable;
use fazhi::render::Lang;

const HEADER: &str = "doc,region_code,province,prefecture,county,report_year,metric,year,scope,\
value,unit,qualifier,evidence,offset,level,confidence,review_reason";

/// Two counties' `high` facts over two years, and two facts marked review: one whose place is
/// unknown (its evidence carries markup, which every output must show as text), one of an
/// earlier year with two reasons.
fn facts_csv() -> String {
    let rows = [
        "qy.txt,341723,安徽省,池州市,青阳县,2023,reconsideration.received,2022,annual,120,件,exact,2022年全县共收到行政复议申请120件,12,county,high,",
        "qy.txt,341723,安徽省,池州市,青阳县,2023,reconsideration.received,2023,annual,150,件,exact,2023年全县共收到行政复议申请150件,48,county,high,",
        "st.txt,341722,安徽省,池州市,石台县,2023,reconsideration.received,2023,annual,64,件,exact,石台县2023年收到行政复议申请64件,30,county,high,",
        "qy.txt,341723,安徽省,池州市,青阳县,2023,reconsideration.received,2021,annual,97,件,exact,申请97件,90,county,review,subject_carried_over; year_from_publication",
        "nn.txt,,,,,2023,legal_aid.cases,2023,annual,999,件,exact,<b>办理</b>法律援助案件999件,5,,review,place_unresolved",
    ];
    format!("{HEADER}\n{}\n", rows.join("\n"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim_start_matches('\u{feff}')
        .to_string()
}

/// `fazhi report --facts <csv> <extra…>` into a fresh folder.
fn report(csv: &str, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let facts = dir.path().join("in.csv");
    std::fs::write(&facts, csv).expect("write facts");
    let out = dir.path().join("out");
    Command::cargo_bin("fazhi")
        .expect("binary built")
        .args(["report", "--facts"])
        .arg(&facts)
        .args(extra)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    dir
}

fn out(dir: &tempfile::TempDir, file: &str) -> String {
    read(&dir.path().join("out").join(file))
}

/// The page's review section, from its opening tag to its end.
fn review_section(page: &str) -> &str {
    let start = page
        .find("<section id=\"review\">")
        .expect("review section");
    let end = start + page[start..].find("</section>").expect("closed");
    &page[start..end]
}

#[test]
fn r14_figures_rest_on_high_facts_and_the_others_are_listed() {
    let dir = report(&facts_csv(), &["--lang", "zh"]);
    let zh = Lang::Zh;

    // facts.csv keeps all five facts, with their confidence and reasons.
    let facts = out(&dir, "facts.csv");
    assert_eq!(facts.lines().count(), 6, "{facts}");
    assert_eq!(facts.matches(",review,").count(), 2, "{facts}");

    // No figure rests on a review fact: the trend of 青阳县 starts in 2022, the county
    // without a place has no row anywhere, and the value 97 is neither in the trends nor in
    // the wide table.
    let trends = out(&dir, "trends.csv");
    assert!(!trends.contains(",2021,"), "{trends}");
    assert!(trends.contains("青阳县"), "{trends}");
    for table in ["trends.csv", "wide.csv", "comparisons.csv"] {
        let body = out(&dir, table);
        assert!(
            !body.contains("999") && !body.contains(",97,"),
            "{table}: {body}"
        );
    }

    // The page lists both, each with its reasons in words, its sentence (escaped) and file.
    let page = out(&dir, "index.html");
    let section = review_section(&page);
    assert!(section.contains(&zh.fill("page.review_left_out", &[("n", &2)])));
    for words in [
        zh.text("review.subject_carried_over"),
        zh.text("review.year_from_publication"),
        zh.text("review.place_unresolved"),
    ] {
        assert!(section.contains(words), "{words} not in {section}");
    }
    assert!(section.contains("&lt;b&gt;办理&lt;/b&gt;法律援助案件999件"));
    assert!(!page.contains("<b>办理"), "report text became markup");
    assert!(section.contains("nn.txt") && section.contains("申请97件"));
    assert!(
        page.contains("<a href=\"#review\">"),
        "in the table of contents"
    );

    // The briefing lists them last, with their sources, escaped for Markdown.
    let briefing = out(&dir, "briefing.md");
    let appendix = &briefing[briefing
        .find(&format!(
            "## {}",
            zh.text("briefing.appendix_facts_for_review")
        ))
        .expect("appendix")..];
    let item = format!(
        "2. 青阳县2021年行政复议申请收件数：97件（{}{}{}）\n   - {}：qy.txt：“申请97件”\n",
        zh.text("review.subject_carried_over"),
        zh.text("review.separator"),
        zh.text("review.year_from_publication"),
        zh.text("briefing.source"),
    );
    assert!(appendix.contains(&item), "{item} not in {appendix}");
    assert!(appendix.contains("\\<b\\>办理\\</b\\>"), "{appendix}");
    assert!(appendix.contains(&zh.fill("briefing.review_left_out", &[("n", &2)])));
    assert_eq!(appendix.matches("\n1. ").count(), 1, "{appendix}");
    assert_eq!(appendix.matches("\n2. ").count(), 1, "{appendix}");

    // The manifest counts every fact.
    assert!(out(&dir, "manifest.json").contains("\"facts\": 5"));
}

#[test]
fn r14_include_review_counts_them_and_facts_csv_does_not_change() {
    let plain = report(&facts_csv(), &[]);
    let counted = report(&facts_csv(), &["--include-review"]);
    assert_eq!(out(&plain, "facts.csv"), out(&counted, "facts.csv"));

    let trends = out(&counted, "trends.csv");
    assert!(
        trends.contains(",2021,"),
        "the 2021 value joins the trend: {trends}"
    );
    let page = out(&counted, "index.html");
    let section = review_section(&page);
    assert!(section.contains(&Lang::Zh.fill("page.review_counted", &[("n", &2)])));
    assert!(section.contains("申请97件"), "still listed for review");
    let briefing = out(&counted, "briefing.md");
    assert!(briefing.contains(&Lang::Zh.fill("briefing.review_counted", &[("n", &2)])));
}

#[test]
fn r14_english_reasons_and_a_long_list_given_as_a_count() {
    let en = report(&facts_csv(), &["--lang", "en"]);
    let page = out(&en, "index.html");
    let section = review_section(&page);
    assert!(section.contains(Lang::En.text("page.facts_for_review")));
    assert!(section.contains(Lang::En.text("review.place_unresolved")));
    assert!(!section.contains(Lang::En.text("review.named_by_list")));

    // Forty review facts: the briefing gives their count and where they are, not a list.
    let mut csv = facts_csv();
    for i in 0..38 {
        csv.push_str(&format!(
            "many.txt,341723,安徽省,池州市,青阳县,2023,legal_aid.cases,2023,annual,{},件,exact,办理援助案件{}件,{},county,review,named_by_list\n",
            100 + i,
            100 + i,
            200 + i
        ));
    }
    let many = report(&csv, &[]);
    let briefing = out(&many, "briefing.md");
    let appendix = &briefing[briefing
        .find(&format!(
            "## {}",
            Lang::Zh.text("briefing.appendix_facts_for_review")
        ))
        .expect("appendix")..];
    assert!(appendix.contains(&Lang::Zh.fill("briefing.review_left_out", &[("n", &40)])));
    assert!(
        !appendix.contains("\n1. "),
        "not listed one by one: {appendix}"
    );
    // The page lists all forty (a table of up to 40 rows is shown whole).
    let page = out(&many, "index.html");
    assert_eq!(review_section(&page).matches("<tr>").count(), 41);
}

#[test]
fn r14_no_review_facts_is_said_in_one_line() {
    let high: String = facts_csv()
        .lines()
        .filter(|l| !l.contains(",review,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = report(&high, &["--lang", "en"]);
    let page = out(&dir, "index.html");
    let section = review_section(&page);
    assert!(section.contains(Lang::En.text("page.no_facts_for_review")));
    assert!(!section.contains("<table"));
    let briefing = out(&dir, "briefing.md");
    assert!(briefing.ends_with(&format!(
        "## {}\n\n{}\n\n",
        Lang::En.text("briefing.appendix_facts_for_review"),
        Lang::En.text("briefing.no_facts_for_review")
    )));
}

/// See: issue 14. A report stating 同比增长12.5% and 比2019年增加842件: one row each in
/// stated_changes.csv, signed, with its unit, evidence and offset.
#[test]
fn r14_stated_changes_csv_has_one_row_per_stated_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(
        input.join("qingyang.txt"),
        "青阳县2020年法治政府建设工作情况报告\n\n2020年，青阳县共收到行政复议申请150件，\
         同比增长12.5%。全县法律援助机构办理法律援助案件1200件，比2019年增加842件。\n",
    )
    .expect("write report");
    let out = dir.path().join("out");
    Command::cargo_bin("fazhi")
        .expect("binary built")
        .args(["run", "-q"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let body = read(&out.join("stated_changes.csv"));
    let mut rdr = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        rdr.headers().expect("header").iter().collect::<Vec<_>>(),
        fazhi::render::table::STATED_CHANGE_COLUMNS
    );
    let rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    let want = [
        [
            "qingyang.txt",
            "341723",
            "安徽省",
            "池州市",
            "青阳县",
            "county",
            "reconsideration.received",
            "2020",
            "2019",
            "12.5",
            "percent",
            "同比增长12.5%",
        ],
        [
            "qingyang.txt",
            "341723",
            "安徽省",
            "池州市",
            "青阳县",
            "county",
            "legal_aid.cases",
            "2020",
            "2019",
            "842",
            "absolute",
            "比2019年增加842件",
        ],
    ];
    assert_eq!(rows.len(), want.len(), "{body}");
    let text: String = read(&input.join("qingyang.txt"));
    for (row, want) in rows.iter().zip(want) {
        assert_eq!(&row[..12], want.as_slice());
        // The offset points at the evidence, in characters of the text.
        let offset: usize = row[12].parse().expect("offset");
        let at: String = text
            .chars()
            .skip(offset)
            .take(want[11].chars().count())
            .collect();
        assert_eq!(at, want[11]);
    }
    // And a sheet of the workbook, described on the columns sheet.
    let xlsx = std::fs::read(out.join("fazhi.xlsx")).expect("workbook");
    use calamine::Reader;
    let wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("opens");
    assert!(wb.sheet_names().contains(&"stated_changes".to_string()));
}

/// Text cells of stated_changes.csv are neutralised like every CSV's: a spreadsheet must not
/// read evidence or a file name as a formula; the signed change stays a number.
#[test]
fn r14_stated_changes_cells_are_neutralised() {
    let change = StatedChange {
        doc: "=cmd|'/c calc'!A1.txt".into(),
        region_code: "341723".into(),
        province: "安徽省".into(),
        prefecture: "池州市".into(),
        county: "青阳县".into(),
        level: None,
        metric: "legal_aid.cases".into(),
        scope: Scope::Annual,
        year: 2020,
        base_year: 2019,
        change: -3.0,
        unit: ChangeUnit::Absolute,
        evidence: "@SUM(1)减少3件".into(),
        offset: 7,
    };
    let changes = [change];
    let bytes = export_csv(
        &ExportTable::stated_changes(&changes),
        &CsvOptions::default(),
    )
    .expect("csv");
    let body = String::from_utf8(bytes).expect("utf-8");
    let row = body.lines().nth(1).expect("one row");
    assert!(row.starts_with("'=cmd"), "{row}");
    assert!(row.contains(",'@SUM(1)减少3件,"), "{row}");
    assert!(row.contains(",-3,absolute,"), "{row}");
}

/// The facts table merges the facts the analysis counted with those it left out by
/// `Fact::order_key`: that key must be the analysis's own order, or the table's order would
/// depend on `--include-review`.
#[test]
fn r14_order_key_is_the_analysis_order() {
    use fazhi::model::Fact;
    let fact = |code: &str, county: &str, metric: &str, year: i32, doc: &str, offset: usize| Fact {
        doc: doc.into(),
        region_code: code.into(),
        county: county.into(),
        report_year: Some(2023),
        metric: metric.into(),
        year,
        value: (year + offset as i32) as f64,
        unit: "件".into(),
        evidence: format!("{metric}{year}"),
        offset,
        ..Fact::default()
    };
    let facts = vec![
        fact("341723", "青阳县", "legal_aid.cases", 2023, "b.txt", 9),
        fact("341722", "石台县", "legal_aid.cases", 2022, "a.txt", 3),
        fact("341723", "青阳县", "legal_aid.cases", 2023, "a.txt", 40),
        fact(
            "341723",
            "青阳县",
            "reconsideration.received",
            2021,
            "a.txt",
            1,
        ),
        fact("", "", "legal_aid.cases", 2023, "c.txt", 2),
        fact("341723", "青阳县", "legal_aid.cases", 2022, "a.txt", 7),
    ];
    let dict = fazhi::dict::load_dict(None).expect("bundled dictionary");
    let analysis = fazhi::analysis::analyse_owned(facts, &dict, &[]).expect("analysis");
    let keys: Vec<_> = analysis
        .all_facts()
        .into_iter()
        .map(|f| f.order_key())
        .collect();
    assert_eq!(keys.len(), 6);
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
}
