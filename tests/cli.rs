//! End-to-end tests of the command line on the bundled reports.

use assert_cmd::Command;
use predicates::prelude::*;

fn fazhi() -> Command {
    Command::cargo_bin("fazhi").expect("binary built")
}

#[test]
fn run_writes_page_facts_charts_and_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    fazhi()
        .args(["run", "data/reports", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    for f in [
        "index.html",
        "facts.csv",
        "manifest.json",
        "trends.csv",
        "derived.csv",
        "comparisons.csv",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    let facts = std::fs::read_to_string(dir.path().join("facts.csv")).expect("facts.csv");
    let header = facts
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        header,
        "doc,region_code,province,prefecture,county,report_year,metric,year,scope,value,unit,qualifier,evidence,offset,level,confidence,review_reason"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("manifest.json")).expect("manifest"))
            .expect("json");
    let inputs = manifest["inputs"].as_array().expect("inputs array");
    assert_eq!(inputs.len(), 5);
    let charts = std::fs::read_dir(dir.path().join("charts")).expect("charts folder");
    assert!(charts
        .filter_map(Result::ok)
        .any(|e| e.path().extension().is_some_and(|x| x == "svg")));
}

#[test]
fn same_input_gives_byte_identical_output() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    for d in [&a, &b] {
        fazhi()
            .args(["run", "data/reports", "-q", "-o"])
            .arg(d.path())
            .assert()
            .success();
    }
    for f in ["index.html", "facts.csv", "manifest.json", "trends.csv"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).expect("a"),
            std::fs::read(b.path().join(f)).expect("b"),
            "{f} differs between runs"
        );
    }
}

#[test]
fn eval_prints_the_score_line_last() {
    let out = fazhi()
        .args(["eval", "--gold", "tests/gold/facts.csv", "data/reports"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let last = stdout.lines().last().expect("some output");
    assert!(
        predicate::str::is_match(r"^precision [0-9.]+ recall [0-9.]+ f1 [0-9.]+ traps [0-9]+$")
            .expect("regex")
            .eval(last),
        "{last}"
    );
}

#[test]
fn extract_writes_csv_to_stdout() {
    fazhi()
        .args(["extract", "data/reports"])
        .assert()
        .success()
        .stdout(predicate::str::contains("doc,region_code,province"));
}

#[test]
fn indicators_lists_the_dictionary() {
    fazhi()
        .arg("indicators")
        .assert()
        .success()
        .stdout(predicate::str::contains("reconsideration.correction_rate"));
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in ["run", "extract", "report", "eval", "indicators"] {
        fazhi()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}

#[test]
fn bad_flag_is_a_one_line_error_with_status_2() {
    fazhi()
        .arg("--no-such-flag")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--no-such-flag"));
}

#[test]
fn output_path_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("taken");
    std::fs::write(&file, "x").expect("write");
    fazhi()
        .args(["run", "data/reports", "-o"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file"));
}

/// An output that cannot be written (a folder is in the way of index.html) fails the run:
/// no manifest, and the marker lists the declared outputs and what was put in place (nothing:
/// every file is staged until all are built).
#[test]
fn r16_a_run_that_cannot_write_an_output_leaves_the_marker_and_no_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("index.html")).expect("a folder in the way");
    fazhi()
        .args(["run", "data/reports", "-q", "-o"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("index.html"))
        .stderr(predicate::str::contains("did not finish"));
    assert!(!dir.path().join("manifest.json").exists());
    assert!(
        !dir.path().join("facts.csv").exists(),
        "put in place before all were built"
    );
    let marker =
        std::fs::read_to_string(dir.path().join("RUN-INCOMPLETE.txt")).expect("marker left");
    for planned in [
        "fazhi.xlsx",
        "briefing.md",
        "charts/",
        "index.html",
        "briefing.docx",
        "manifest.json",
    ] {
        assert!(
            marker.contains(planned),
            "{planned} not in the plan: {marker}"
        );
    }
    assert!(
        marker.ends_with("Written by this run so far:\n"),
        "{marker}"
    );
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The outputs' words come from the labels file: an edited copy given with --labels changes
/// them without a rebuild; a broken one is refused naming its line and key.
#[test]
fn r16_labels_file_changes_the_words_and_a_broken_one_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundled = std::fs::read_to_string("data/labels.toml").expect("bundled labels");
    let edited = bundled.replacen(
        "en = \"Rule-of-law government reports: indicator summary\"",
        "en = \"County reports, edited title\"",
        1,
    );
    assert_ne!(edited, bundled, "the title label moved");
    let labels = dir.path().join("labels.toml");
    std::fs::write(&labels, &edited).expect("write");
    let out = dir.path().join("out");
    fazhi()
        .args(["run", "data/reports", "-q", "--lang", "en", "--labels"])
        .arg(&labels)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let page = std::fs::read_to_string(out.join("index.html")).expect("page");
    assert!(page.contains("<title>County reports, edited title</title>"));

    let broken = bundled.replacen("en = \"Key findings\"", "en = \"\"", 1);
    let line = broken
        .lines()
        .position(|l| l.contains("en = \"\""))
        .expect("edited line")
        + 1;
    std::fs::write(&labels, broken).expect("write");
    fazhi()
        .args(["run", "data/reports", "-q", "--labels"])
        .arg(&labels)
        .arg("-o")
        .arg(dir.path().join("out2"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "line {line}: key 'page.key_findings': en is empty"
        )));
    assert!(!dir.path().join("out2/index.html").exists());
}

#[test]
fn missing_input_is_listed_and_status_is_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    fazhi()
        .args(["run", "data/reports", "no/such/path", "-o"])
        .arg(dir.path())
        .assert()
        .code(1);
    let manifest = std::fs::read_to_string(dir.path().join("manifest.json")).expect("manifest");
    assert!(manifest.contains("no/such/path"));
}

/// `fazhi explain` on a bundled report: every fact of `fazhi extract` appears as a fact with
/// its indicator, year and value, and the digits of a slogan are listed with their reason.
#[test]
fn explain_shows_each_fact_and_each_dropped_number() {
    let report = "data/reports/000_fb63a9ae8bf308c5.txt";
    let facts = fazhi()
        .args(["extract", report])
        .output()
        .expect("extract runs");
    let facts = String::from_utf8(facts.stdout).expect("utf-8");
    let mut rdr = csv::Reader::from_reader(facts.trim_start_matches('\u{feff}').as_bytes());
    let extracted: Vec<(String, String, String)> = rdr
        .records()
        .map(|r| {
            let r = r.expect("facts row");
            (r[6].to_string(), r[7].to_string(), r[9].to_string())
        })
        .collect();
    assert!(extracted.len() >= 10, "{extracted:?}");
    let out = fazhi()
        .args(["explain", report, "--format", "csv"])
        .output()
        .expect("explain runs");
    assert!(out.status.success());
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    // doc, offset, number, value, decision, why, metric, year, word, clause
    let explained: Vec<(String, String, String)> = rows
        .iter()
        .filter(|r| &r[4] == "fact")
        .map(|r| (r[6].to_string(), r[7].to_string(), r[3].to_string()))
        .collect();
    for fact in &extracted {
        assert!(
            explained.contains(fact),
            "fact {fact:?} missing from explain"
        );
    }
    assert_eq!(explained.len(), extracted.len(), "{explained:?}");
    // The county's “1457” work slogan: dropped as quoted, with the quote mark that decided.
    assert!(
        rows.iter()
            .any(|r| &r[2] == "1457" && &r[4] == "rejected" && &r[5] == "quoted" && &r[8] == "“"),
        "slogan digits not explained"
    );
    // Every number has exactly one decision of the four kinds.
    assert!(rows
        .iter()
        .all(|r| ["fact", "target", "change", "rejected"].contains(&&r[4])));

    let text = fazhi()
        .args(["explain", report, "--metric", "legal_aid.cases"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).expect("utf-8");
    assert!(text.contains("region_code  371525  (title)"), "{text}");
    assert!(text.contains("fact"), "{text}");
    assert!(!text.contains("mediation.disputes"), "{text}");
}

#[test]
fn explain_refuses_an_unknown_metric_and_a_missing_file() {
    fazhi()
        .args([
            "explain",
            "data/reports/000_fb63a9ae8bf308c5.txt",
            "--metric",
            "no.such",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no.such"));
    fazhi()
        .args(["explain", "no/such/file.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.txt"));
}

/// An excerpt that names neither its place nor its year gets both from `--documents`; the
/// manifest says where they came from.
#[test]
fn documents_file_supplies_place_and_year() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(
        input.join("excerpt.txt"),
        "行政复议工作\n全年共收到行政复议申请36件,依法受理30件。\n",
    )
    .expect("write");
    let documents = dir.path().join("documents.csv");
    std::fs::write(
        &documents,
        "file,region_code,report_year,level\nexcerpt.txt,371525,2022,\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    fazhi()
        .args(["run", "--quiet", "--documents"])
        .arg(&documents)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let facts = std::fs::read_to_string(out.join("facts.csv")).expect("facts.csv");
    assert!(
        facts.contains("excerpt.txt,371525,山东省,聊城市,冠县,2022,reconsideration.received,2022"),
        "{facts}"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).expect("manifest.csv");
    assert!(
        manifest.contains("region_code, report_year from") && manifest.contains("documents.csv:2"),
        "{manifest}"
    );

    std::fs::write(&documents, "file,region_code\nexcerpt.txt,3715250\n").expect("write");
    fazhi()
        .args(["extract", "--documents"])
        .arg(&documents)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "documents.csv: line 2: region_code '3715250'",
        ));
}
