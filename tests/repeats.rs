//! Issue 18: one row per extracted value per document. A report published as a web page and
//! as its attachment (here: a bundled report as text, and the same text as an HTML page) gives
//! the same figures twice. facts.csv keeps both documents' rows; the analysis collapses them
//! into one value and lists both documents wherever it shows that value.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fazhi::analysis::analyse;
use fazhi::cmd::pipeline::extract_batch;
use fazhi::config::InputConfig;
use fazhi::ingest::IngestOptions;

fn first_report() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reports");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("data/reports")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths.remove(0)
}

/// The report as text (`a.txt`) and as a web page (`b.html`) in `dir`.
fn two_documents(dir: &Path) -> (PathBuf, PathBuf) {
    let text = std::fs::read_to_string(first_report()).expect("report");
    let a = dir.join("a.txt");
    let b = dir.join("b.html");
    std::fs::write(&a, &text).expect("a.txt");
    let body: String = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("<p>{}</p>\n", l.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    std::fs::write(
        &b,
        format!("<html><head><meta charset=\"utf-8\"></head><body>{body}</body></html>"),
    )
    .expect("b.html");
    (a, b)
}

#[test]
fn r18_identical_figures_of_two_documents_are_one_value_with_both_sources() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b) = two_documents(tmp.path());
    let dict = fazhi::dict::load_dict(None).expect("bundled dictionary");
    let batch = extract_batch(
        &InputConfig {
            inputs: vec![a, b],
            ingest: IngestOptions::default(),
            quiet: true,
            documents: Default::default(),
        },
        &dict,
    );
    let of = |doc: &str| batch.facts.iter().filter(|f| f.doc == doc).count();
    let (n_a, n_b) = (of("a.txt"), of("b.html"));
    assert!(n_a > 0 && n_b > 0, "a.txt {n_a} facts, b.html {n_b}");

    let analysis = analyse(&batch.facts, &dict, &[]).expect("analysis");
    // Every fact is a row: the collapsed values and their repeats together.
    assert_eq!(analysis.all_facts().len(), n_a + n_b);
    assert!(!analysis.repeats.is_empty(), "nothing collapsed");
    assert!(analysis.facts.len() < n_a + n_b);
    // Each collapsed value knows its other source.
    let mut both = 0;
    for f in &analysis.facts {
        for r in analysis.repeats_of(f) {
            assert_ne!(r.doc, f.doc, "{f:?}");
            assert_eq!((r.value, r.year, r.scope), (f.value, f.year, f.scope));
            both += 1;
        }
    }
    assert_eq!(both, analysis.repeats.len());
}

#[test]
fn r18_facts_csv_keeps_every_documents_rows_and_the_page_cites_both() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b) = two_documents(tmp.path());
    let out = tmp.path().join("out");
    Command::cargo_bin("fazhi")
        .expect("binary")
        .arg("run")
        .arg(&a)
        .arg(&b)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read(out.join("facts.csv")).expect("facts.csv");
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    for row in reader.records() {
        let row = row.expect("row");
        rows.push((
            row[0].to_string(),
            row[6].to_string(),
            row[7].to_string(),
            row[9].to_string(),
        ));
    }
    let of = |doc: &str| -> Vec<(&str, &str, &str)> {
        let mut v: Vec<(&str, &str, &str)> = rows
            .iter()
            .filter(|r| r.0 == doc)
            .map(|r| (r.1.as_str(), r.2.as_str(), r.3.as_str()))
            .collect();
        v.sort_unstable();
        v
    };
    assert!(!of("a.txt").is_empty());
    assert_eq!(
        of("a.txt"),
        of("b.html"),
        "both documents' rows, the same figures"
    );

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(
        manifest["summary"]["facts"].as_u64(),
        Some(rows.len() as u64)
    );

    // The page's footnotes cite both documents for the collapsed values.
    let page = std::fs::read_to_string(out.join("index.html")).expect("page");
    for doc in ["a.txt", "b.html"] {
        assert!(
            page.contains(&format!("<b>{doc}</b>: <q>")),
            "{doc} is not cited on the page"
        );
    }
}
