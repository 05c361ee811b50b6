//! briefing.docx as a reader of the document sees it: `fazhi run` on the bundled reports, then
//! the file is opened with python-docx (tests/docx_support/read_docx.py), which shares nothing
//! with the Rust crate that wrote it, and checked for the findings, the chart images, the
//! comparison tables, the data-quality notes and the footnotes with each figure's file and
//! evidence, the page and the fonts. `.ci/run` installs python-docx; where it is absent
//! locally the test prints SKIPPED and passes, as tests/browser.rs does for Chromium.

mod output_support;

use output_support::run;
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use fazhi::render::Lang;
use serde_json::Value;
use sha2::{Digest, Sha256};

const READER: &str = "tests/docx_support/read_docx.py";

fn python_docx_present() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import docx"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "SKIPPED: python3 with python-docx is absent, so briefing.docx was not read back. \
             Install it with `pip install python-docx==1.2.0` (.ci/run does this)."
        );
    }
    ok
}

/// What python-docx reads from `file`.
fn read(file: &Path) -> Value {
    let out = Command::new("python3")
        .arg(READER)
        .arg(file)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python-docx could not read {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("reader prints JSON")
}

fn str_of(v: &Value) -> &str {
    v.as_str().expect("string")
}

/// The paragraphs under the heading `heading` (up to the next heading).
fn section<'a>(doc: &'a Value, heading: &str) -> Vec<&'a Value> {
    let paragraphs = doc["paragraphs"].as_array().expect("paragraphs");
    let start = paragraphs
        .iter()
        .position(|p| str_of(&p["style"]) == "Heading 1" && str_of(&p["text"]) == heading)
        .unwrap_or_else(|| panic!("no heading {heading:?}"));
    paragraphs[start + 1..]
        .iter()
        .take_while(|p| str_of(&p["style"]) != "Heading 1")
        .collect()
}

/// The text of the footnotes a paragraph refers to.
fn notes_of(doc: &Value, paragraph: &Value) -> Vec<String> {
    paragraph["footnotes"]
        .as_array()
        .expect("footnote ids")
        .iter()
        .map(|id| {
            doc["footnotes"][str_of(id)]
                .as_str()
                .unwrap_or_else(|| panic!("footnote {id} is referenced but missing"))
                .to_string()
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks shared by both languages: pictures are the charts' PNGs and fit the text block,
/// every footnote reference resolves to a note naming a file and quoting its text, A4 page,
/// office fonts.
fn check_structure(doc: &Value, root: &Path, lang: Lang) {
    let charts: HashSet<String> = std::fs::read_dir(root.join("charts"))
        .expect("charts folder")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .map(|e| sha256(&std::fs::read(e.path()).expect("read png")))
        .collect();
    let pictures = doc["pictures"].as_array().expect("pictures");
    assert!(!pictures.is_empty(), "no chart image");
    for p in pictures {
        assert_eq!(str_of(&p["content_type"]), "image/png");
        assert!(
            charts.contains(str_of(&p["sha256"])),
            "a picture that is not one of charts/*.png"
        );
        assert!(p["width_mm"].as_f64().expect("width") <= 156.1, "{p}");
    }

    let mut seen = HashSet::new();
    let source = lang.text("briefing.source");
    for p in doc["paragraphs"].as_array().expect("paragraphs") {
        for id in p["footnotes"].as_array().expect("ids") {
            assert!(
                seen.insert(str_of(id).to_string()),
                "footnote {id} used twice"
            );
        }
        for note in notes_of(doc, p) {
            for line in note.lines() {
                assert!(line.contains(source), "{line}");
                assert!(line.contains(".txt"), "a source without its file: {line}");
            }
        }
    }
    assert!(seen.len() >= 8, "{} footnotes", seen.len());

    assert_eq!(doc["page_mm"], serde_json::json!([210, 297]), "A4");
    assert_eq!(
        str_of(&doc["fonts"]["Body Text"]["eastAsia"]),
        "仿宋_GB2312"
    );
    assert_eq!(
        str_of(&doc["fonts"]["Body Text"]["ascii"]),
        "Times New Roman"
    );
    assert_eq!(str_of(&doc["fonts"]["Heading 1"]["eastAsia"]), "黑体");
}

#[test]
fn chinese_briefing_docx_reads_back_with_findings_charts_tables_and_notes() {
    if !python_docx_present() {
        return;
    }
    let l = Lang::Zh;
    let dir = run("zh");
    let doc = read(&dir.path().join("briefing.docx"));
    check_structure(&doc, dir.path(), l);

    // 冠县's acceptance rate among the findings, with its sources in its footnote.
    let findings = section(&doc, l.text("briefing.key_findings"));
    let rate = findings
        .iter()
        .find(|p| {
            let t = str_of(&p["text"]);
            t.contains("冠县") && t.contains("受理率") && t.contains("80.2%")
        })
        .unwrap_or_else(|| panic!("no acceptance rate of 冠县 in {findings:?}"));
    let notes = notes_of(&doc, rate).join("\n");
    assert!(notes.contains("“受理73件”"), "{notes}");
    assert!(notes.contains("000_fb63a9ae8bf308c5.txt"), "{notes}");

    // Comparison tables: the labelled header, then units with their year, value and ranks.
    let tables = doc["tables"].as_array().expect("tables");
    assert!(!tables.is_empty(), "no table");
    let header: Vec<&str> = [
        "docx.unit",
        "docx.data_year",
        "docx.value",
        "docx.rank",
        "docx.prefecture_rank",
    ]
    .map(|k| l.text(k))
    .to_vec();
    for t in tables {
        let rows = t.as_array().expect("rows");
        assert_eq!(rows[0], serde_json::json!(header));
        assert!(rows.len() >= 2, "a table without rows");
        for row in &rows[1..] {
            let rank = str_of(&row[3]);
            assert!(rank.contains('/'), "rank {rank}");
        }
    }
    assert!(
        tables
            .iter()
            .flat_map(|t| t.as_array().expect("rows"))
            .any(|r| str_of(&r[0]) == "冠县"),
        "冠县 in no table"
    );

    // Data-quality notes: the checks, each with the evidence it rests on.
    let checks = section(&doc, l.text("briefing.appendix_checks_on_the_figures_2"));
    assert!(!checks.is_empty());
    for p in &checks {
        assert!(
            !notes_of(&doc, p).is_empty(),
            "a check without its source: {p}"
        );
    }
    section(&doc, l.text("briefing.appendix_facts_for_review"));
}

#[test]
fn english_briefing_docx_has_english_headings_and_the_same_figures() {
    if !python_docx_present() {
        return;
    }
    let l = Lang::En;
    let dir = run("en");
    let doc = read(&dir.path().join("briefing.docx"));
    check_structure(&doc, dir.path(), l);
    let findings = section(&doc, "Key findings");
    assert!(
        findings
            .iter()
            .any(|p| str_of(&p["text"]).contains("acceptance rate was 80.2%")),
        "{findings:?}"
    );
    let headings: Vec<&str> = doc["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .filter(|p| str_of(&p["style"]) == "Heading 1")
        .map(|p| str_of(&p["text"]))
        .collect();
    assert!(headings.contains(&"Key charts"), "{headings:?}");
    assert!(
        headings.contains(&"Comparisons across units"),
        "{headings:?}"
    );
    for h in &headings {
        assert!(h.is_ascii(), "heading not in English: {h}");
    }
    assert_eq!(
        doc["tables"][0][0],
        serde_json::json!(["Unit", "Year", "Value", "Rank", "Rank in prefecture"])
    );
}

#[test]
fn two_runs_write_the_same_briefing_docx() {
    let a = run("zh");
    let b = run("zh");
    let read = |d: &tempfile::TempDir| std::fs::read(d.path().join("briefing.docx")).expect("read");
    assert!(
        read(&a) == read(&b),
        "briefing.docx differs between two runs"
    );
}
