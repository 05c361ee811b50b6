//! The round trip: facts CSV → a person edits it in a spreadsheet → `fazhi report` → every
//! output shows the edited value. See issue 6.

use std::io::Cursor;
use std::path::Path;

use assert_cmd::Command;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use fazhi::dict::load_dict;
use fazhi::ingest::facts_csv::parse_facts;
use fazhi::model::{Fact, Qualifier, Scope};
use fazhi::render::csv::{facts_csv, CsvEncoding, CsvOptions};
use predicates::prelude::PredicateBooleanExt;

fn fazhi() -> Command {
    Command::cargo_bin("fazhi").expect("binary built")
}

#[allow(clippy::too_many_arguments)]
fn fact(
    county: &str,
    code: &str,
    metric: &str,
    year: i32,
    scope: Scope,
    value: f64,
    unit: &str,
    qualifier: Qualifier,
    evidence: &str,
) -> Fact {
    Fact {
        doc: format!("{county}{year}年法治政府建设报告.txt"),
        region_code: code.into(),
        province: "某省".into(),
        prefecture: "某市".into(),
        county: county.into(),
        report_year: Some(year),
        metric: metric.into(),
        year,
        scope,
        value,
        unit: unit.into(),
        qualifier,
        evidence: evidence.into(),
        offset: 120,
        level: fazhi::model::Level::of_code(code),
        ..Fact::default()
    }
}

/// Facts as `fazhi extract` writes them: several counties, years, scopes, qualifiers,
/// percentages and decimals, an unresolved region code, no report year, hostile text.
fn sample_facts() -> Vec<Fact> {
    use Qualifier::*;
    use Scope::*;
    let mut unresolved = fact(
        "丙区",
        "",
        "legal_aid.cases",
        2021,
        Annual,
        1050.0,
        "件",
        MoreThan,
        "办理法律援助案件1050余件",
    );
    unresolved.report_year = None;
    unresolved.prefecture = String::new();
    vec![
        fact(
            "甲县",
            "330102",
            "reconsideration.received",
            2023,
            Annual,
            91.0,
            "件",
            Exact,
            "共收到行政复议申请91件",
        ),
        fact(
            "甲县",
            "330102",
            "reconsideration.accepted",
            2023,
            Annual,
            73.0,
            "件",
            Exact,
            "受理73件",
        ),
        fact(
            "甲县",
            "330102",
            "enforcement.certified_staff",
            2023,
            Stock,
            863.0,
            "人",
            Exact,
            "全县持证执法人员863人",
        ),
        fact(
            "甲县",
            "330102",
            "enforcement.certified_staff",
            2022,
            Stock,
            632.0,
            "人",
            Exact,
            "由2022年的632人",
        ),
        fact(
            "甲县",
            "330102",
            "litigation.head_appearance_rate",
            2023,
            Annual,
            98.87,
            "%",
            Exact,
            "负责人出庭应诉率98.87%",
        ),
        fact(
            "乙县",
            "330103",
            "reconsideration.received",
            2022,
            Annual,
            40.0,
            "件",
            Nearly,
            "收到复议申请近40件",
        ),
        fact(
            "乙县",
            "330103",
            "publicity.events",
            2022,
            Cumulative,
            2000.0,
            "场次",
            Exact,
            "累计开展普法活动2000场次",
        ),
        fact(
            "=乙县",
            "330103",
            "mediation.disputes",
            2022,
            Annual,
            2397.0,
            "件",
            Exact,
            "-调处矛盾纠纷2397件,成功\"2370\"件",
        ),
        unresolved,
    ]
}

fn write_facts(path: &Path, facts: &[Fact], encoding: CsvEncoding) {
    let bytes = facts_csv(facts, &CsvOptions { encoding }).expect("csv");
    std::fs::write(path, bytes).expect("write facts");
}

#[test]
fn written_facts_read_back_equal_in_both_encodings() {
    let dict = load_dict(None).expect("dict");
    let facts = sample_facts();
    for encoding in [CsvEncoding::Utf8, CsvEncoding::Gb18030] {
        let bytes = facts_csv(&facts, &CsvOptions { encoding }).expect("csv");
        let back = parse_facts(&bytes, "facts.csv", &dict).expect("reads");
        assert!(
            back.problems.is_empty(),
            "{encoding:?}: {:?}",
            back.problems
        );
        assert_eq!(back.facts, facts, "{encoding:?}");
    }
}

/// What Excel or WPS on Chinese Windows does when saving "CSV": GB18030 (code page 936
/// extended), no BOM, CRLF line ends.
fn as_saved_by_excel(utf8_with_bom: &str) -> Vec<u8> {
    let text = utf8_with_bom
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn chart_data(dir: &Path) -> String {
    let mut all = String::new();
    let charts = dir.join("charts");
    let mut entries: Vec<_> = std::fs::read_dir(&charts)
        .expect("charts folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no chart data CSV written");
    for p in entries {
        all.push_str(&std::fs::read_to_string(p).expect("chart csv"));
    }
    all
}

/// True when some chart data row names `county` and has a cell equal to `value`.
fn chart_has(data: &str, county: &str, value: &str) -> bool {
    data.lines().any(|line| {
        let cells: Vec<&str> = line.split(',').collect();
        cells.iter().any(|c| c.contains(county)) && cells.contains(&value)
    })
}

/// True when the page shows `n` as a value cell (`>97 件`, `>97件<` or `>97<`); evidence text
/// such as `申请91件` does not count.
fn shows_count(page: &str, n: &str) -> bool {
    [format!(">{n} 件"), format!(">{n}件<"), format!(">{n}<")]
        .iter()
        .any(|p| page.contains(p.as_str()))
}

fn facts_sheet(dir: &Path) -> Vec<Vec<Data>> {
    let bytes = std::fs::read(dir.join("fazhi.xlsx")).expect("workbook written");
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx opens");
    let range = wb.worksheet_range("facts").expect("facts sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

#[test]
fn edited_value_reaches_page_charts_workbook_and_csvs() {
    let work = tempfile::tempdir().expect("tempdir");
    let original = work.path().join("facts.csv");
    write_facts(&original, &sample_facts(), CsvEncoding::Utf8);

    // First render from the file as exported.
    let before = work.path().join("before");
    fazhi()
        .args(["report", "--facts"])
        .arg(&original)
        .arg("-o")
        .arg(&before)
        .assert()
        .success();
    assert!(chart_has(&chart_data(&before), "甲县", "91"));

    // A person corrects 91 → 97 in Excel and saves as CSV (GB18030, CRLF).
    let text = std::fs::read_to_string(&original).expect("utf-8");
    let edited_text = text.replace("2023,annual,91,件", "2023,annual,97,件");
    assert_ne!(edited_text, text, "the edit applied");
    let edited = work.path().join("facts-edited.csv");
    std::fs::write(&edited, as_saved_by_excel(&edited_text)).expect("write");

    let after = work.path().join("after");
    fazhi()
        .args(["report", "--facts"])
        .arg(&edited)
        .arg("-o")
        .arg(&after)
        .assert()
        .success();

    // The page shows the edited value next to its county and evidence.
    let page = std::fs::read_to_string(after.join("index.html")).expect("page");
    assert!(shows_count(&page, "97"), "page shows 97");
    // (The evidence still says 91件: only the value was corrected.)
    assert!(!shows_count(&page, "91"), "page still shows the old value");

    // The chart's data has it.
    let charts = chart_data(&after);
    assert!(chart_has(&charts, "甲县", "97"), "{charts}");
    assert!(!chart_has(&charts, "甲县", "91"), "{charts}");

    // The workbook has it, as a number, with the region code still text.
    let rows = facts_sheet(&after);
    let col = |h: &str| {
        rows[0]
            .iter()
            .position(|c| *c == Data::String(h.into()))
            .expect(h)
    };
    let received = rows
        .iter()
        .find(|r| {
            r[col("county")] == Data::String("甲县".into())
                && r[col("metric")] == Data::String("reconsideration.received".into())
        })
        .expect("甲县 received row");
    assert_eq!(received[col("value")], Data::Float(97.0));
    assert_eq!(received[col("region_code")], Data::String("330102".into()));

    // The re-exported facts and wide CSVs have it; everything else survived unchanged.
    let facts_after = std::fs::read(after.join("facts.csv")).expect("facts.csv");
    let dict = load_dict(None).expect("dict");
    let read = parse_facts(&facts_after, "facts.csv", &dict).expect("reads");
    let mut want = sample_facts();
    want[0].value = 97.0;
    let key = |f: &Fact| (f.county.clone(), f.metric.clone(), f.year);
    let mut got = read.facts.clone();
    got.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(got, want);
    let wide = std::fs::read_to_string(after.join("wide.csv")).expect("wide.csv");
    assert!(wide.contains("330102,甲县,county,2023,97,73,"), "{wide}");

    // And the briefing and manifest exist; the manifest names the facts file as its input.
    assert!(after.join("briefing.md").is_file());
    let manifest = std::fs::read_to_string(after.join("manifest.json")).expect("manifest");
    assert!(manifest.contains("facts-edited.csv") && manifest.contains("GB18030"));
}

#[test]
fn extract_edit_one_value_report_shows_it_everywhere() {
    let work = tempfile::tempdir().expect("tempdir");
    let facts_path = work.path().join("facts.csv");
    fazhi()
        .args(["extract", "data/reports", "-q", "-o"])
        .arg(&facts_path)
        .assert()
        .success();
    let text = std::fs::read_to_string(&facts_path).expect("utf-8 facts");
    let dict = load_dict(None).expect("dict");
    let facts = parse_facts(text.as_bytes(), "facts.csv", &dict).expect("reads");
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);

    // Edit a count whose county, indicator, year and scope appear once (an edited duplicate
    // would become a conflict, which is rightly never drawn).
    let key = |f: &Fact| (f.county.clone(), f.metric.clone(), f.year, f.scope);
    let target = facts
        .facts
        .iter()
        .position(|f| f.unit != "%" && facts.facts.iter().filter(|g| key(g) == key(f)).count() == 1)
        .expect("a unique count among the bundled reports' facts");
    let line = usize::try_from(facts.lines[target]).expect("line") - 1;
    let edited_value = "86421";
    assert!(!text.contains(edited_value));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut rec: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(lines[line].as_bytes())
        .records()
        .next()
        .expect("a record")
        .expect("parses")
        .iter()
        .map(str::to_string)
        .collect();
    rec[9] = edited_value.to_string(); // the value column
    let mut wtr = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    wtr.write_record(&rec).expect("row");
    lines[line] = String::from_utf8(wtr.into_inner().expect("flush"))
        .expect("utf-8")
        .trim_end()
        .to_string();
    std::fs::write(&facts_path, as_saved_by_excel(&(lines.join("\n") + "\n"))).expect("write");

    let out = work.path().join("out");
    fazhi()
        .args(["report", "--facts"])
        .arg(&facts_path)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let f = &facts.facts[target];
    let page = std::fs::read_to_string(out.join("index.html")).expect("page");
    assert!(page.contains(edited_value), "page shows the edited value");
    assert!(chart_has(&chart_data(&out), &f.county, edited_value));
    let rows = facts_sheet(&out);
    assert!(
        rows.iter()
            .any(|r| r.contains(&Data::String(f.county.clone()))
                && r.contains(&Data::String(f.metric.clone()))
                && r.contains(&Data::Float(86421.0))),
        "workbook facts sheet has the edited value"
    );
}

#[test]
fn malformed_rows_are_reported_by_line_and_the_rest_renders() {
    let work = tempfile::tempdir().expect("tempdir");
    let path = work.path().join("facts.csv");
    write_facts(&path, &sample_facts(), CsvEncoding::Utf8);
    let text = std::fs::read_to_string(&path).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 3 (受理73件): value typed as words; line 5: indicator misspelt.
    lines[2] = lines[2].replace(",73,", ",七十三,");
    lines[4] = lines[4].replace("enforcement.certified_staff", "enforcement.certifed_staff");
    std::fs::write(&path, lines.join("\r\n") + "\r\n").expect("write");

    let out = work.path().join("out");
    let assert = fazhi()
        .args(["report", "--facts"])
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("line 3: value '七十三' is not a number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 5: unknown indicator 'enforcement.certifed_staff'"),
        "{stderr}"
    );
    let dict = load_dict(None).expect("dict");
    let facts = parse_facts(
        &std::fs::read(out.join("facts.csv")).expect("facts"),
        "f",
        &dict,
    )
    .expect("reads");
    assert_eq!(facts.facts.len(), sample_facts().len() - 2);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).expect("manifest");
    assert!(manifest.contains("line 3"), "warnings in the manifest");
    assert!(out.join("index.html").is_file() && out.join("fazhi.xlsx").is_file());
}

#[test]
fn report_with_a_file_that_is_not_a_facts_csv_fails_naming_it() {
    let work = tempfile::tempdir().expect("tempdir");
    let path = work.path().join("notes.csv");
    std::fs::write(&path, "name,comment\nx,y\n").expect("write");
    fazhi()
        .args(["report", "--facts"])
        .arg(&path)
        .arg("-o")
        .arg(work.path().join("out"))
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("notes.csv").and(predicates::str::contains(
                "missing column(s) doc, county, metric, year, value, evidence",
            )),
        );
}

#[test]
fn gb18030_output_and_english_briefing_from_the_cli() {
    let work = tempfile::tempdir().expect("tempdir");
    let path = work.path().join("facts.csv");
    write_facts(&path, &sample_facts(), CsvEncoding::Utf8);
    let out = work.path().join("out");
    fazhi()
        .args([
            "report",
            "--csv-encoding",
            "gb18030",
            "--lang",
            "en",
            "--facts",
        ])
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let bytes = std::fs::read(out.join("facts.csv")).expect("facts.csv");
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "GB18030 has no BOM");
    let (text, _, malformed) = encoding_rs::GB18030.decode(&bytes);
    assert!(!malformed);
    assert!(text.contains("共收到行政复议申请91件"));
    let briefing = std::fs::read_to_string(out.join("briefing.md")).expect("briefing");
    assert!(briefing.starts_with("# Rule-of-law"), "{briefing}");
}

#[test]
fn same_facts_give_byte_identical_exports() {
    let work = tempfile::tempdir().expect("tempdir");
    let path = work.path().join("facts.csv");
    write_facts(&path, &sample_facts(), CsvEncoding::Utf8);
    let (a, b) = (work.path().join("a"), work.path().join("b"));
    for d in [&a, &b] {
        fazhi()
            .args(["report", "--facts"])
            .arg(&path)
            .arg("-o")
            .arg(d)
            .assert()
            .success();
    }
    for f in [
        "fazhi.xlsx",
        "briefing.md",
        "facts.csv",
        "wide.csv",
        "checks.csv",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).expect("a"),
            std::fs::read(b.join(f)).expect("b"),
            "{f} differs between runs"
        );
    }
}

#[test]
fn two_names_under_one_code_get_a_profile_chart_each() {
    // sample_facts has 乙县 and an edited "=乙县" under 330103: one file each, never one
    // chart overwriting the other.
    let work = tempfile::tempdir().expect("tempdir");
    let path = work.path().join("facts.csv");
    write_facts(&path, &sample_facts(), CsvEncoding::Utf8);
    let out = work.path().join("out");
    fazhi()
        .args(["report", "--facts"])
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let mut profiles: Vec<String> = std::fs::read_dir(out.join("charts"))
        .expect("charts")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("county_330103") && n.ends_with(".svg"))
        .collect();
    profiles.sort();
    assert_eq!(profiles.len(), 2, "{profiles:?}");
    let page = std::fs::read_to_string(out.join("index.html")).expect("page");
    for p in &profiles {
        assert!(
            page.contains(p.trim_end_matches(".svg")),
            "{p} not on the page"
        );
    }
}

#[test]
fn gb18030_output_refuses_a_character_it_cannot_hold() {
    let work = tempfile::tempdir().expect("tempdir");
    let path = work.path().join("facts.csv");
    let mut facts = sample_facts();
    facts[1].evidence = "受理\u{E5E5}73件".into();
    write_facts(&path, &facts, CsvEncoding::Utf8);
    let out = work.path().join("out");
    fazhi()
        .args(["report", "--csv-encoding", "gb18030", "--facts"])
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("facts.csv: 1 character cannot be written in GB18030")
                .and(predicates::str::contains("U+E5E5 on line "))
                .and(predicates::str::contains("--csv-encoding utf8")),
        );
    assert!(
        !out.join("facts.csv").exists(),
        "no silently altered CSV left behind"
    );
}
