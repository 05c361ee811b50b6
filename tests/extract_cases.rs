//! Extraction cases as data: every `tests/cases/*.toml` file is a list of short texts with the
//! facts and targets each must give (exactly), the numbers it must rule out and why, and the
//! stated changes it must recognise. One test runs them all and reports every mismatch, not just
//! the first. The format is described in tests/cases/README.md.

use std::path::{Path, PathBuf};

use fazhi::dict::load_dict;
use fazhi::extract::decision::{Decision, Outcome};
use fazhi::extract::Extractor;
use fazhi::ingest::document_from_text;
use fazhi::model::Fact;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    /// Text placed before every case's text unless the case gives its own.
    title: String,
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    note: String,
    title: Option<String>,
    text: String,
    facts: Vec<Value>,
    #[serde(default)]
    targets: Vec<Value>,
    #[serde(default)]
    rejects: Vec<Reject>,
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Value {
    metric: String,
    year: i32,
    value: f64,
    qualifier: String,
    scope: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reject {
    /// The number as written (digits and unit), e.g. `1457` or `2023年`.
    number: String,
    /// The reason's name as `fazhi explain` prints it.
    reason: String,
    /// The indicator whose phrase named the number, where the reason has one.
    metric: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    number: String,
    metric: Option<String>,
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/cases")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// How an extracted value compares with an expected one: the scope only where the case
/// states it.
fn same(want: &Value, got: &Fact) -> bool {
    want.metric == got.metric
        && want.year == got.year
        && (want.value - got.value).abs() < 1e-9
        && want.qualifier == got.qualifier.to_string()
        && want
            .scope
            .as_ref()
            .is_none_or(|s| *s == got.scope.to_string())
}

fn describe(f: &Fact) -> String {
    format!(
        "{} {} {} {} {}",
        f.metric, f.year, f.value, f.qualifier, f.scope
    )
}

fn compare(kind: &str, want: &[Value], got: &[Fact], problems: &mut Vec<String>) {
    let matches = want.len() == got.len() && want.iter().zip(got).all(|(w, g)| same(w, g));
    if !matches {
        let want: Vec<String> = want
            .iter()
            .map(|w| {
                let scope = w.scope.as_deref().unwrap_or("*");
                format!(
                    "{} {} {} {} {scope}",
                    w.metric, w.year, w.value, w.qualifier
                )
            })
            .collect();
        let got: Vec<String> = got.iter().map(describe).collect();
        problems.push(format!("{kind}: want {want:?}\n      got  {got:?}"));
    }
}

fn check_rejects(case: &Case, decisions: &[Decision], problems: &mut Vec<String>) {
    for r in &case.rejects {
        let found = decisions.iter().any(|d| {
            d.number == r.number
                && d.outcome.why() == r.reason
                && matches!(d.outcome, Outcome::Rejected { .. })
                && r.metric
                    .as_ref()
                    .is_none_or(|m| d.metric.as_ref() == Some(m))
        });
        if !found {
            let got: Vec<String> = decisions
                .iter()
                .filter(|d| d.number == r.number)
                .map(|d| format!("{} {} {:?}", d.outcome.kind(), d.outcome.why(), d.metric))
                .collect();
            problems.push(format!(
                "reject: want «{}» {} {:?}; got {got:?}",
                r.number, r.reason, r.metric
            ));
        }
    }
    for c in &case.changes {
        let found = decisions.iter().any(|d| {
            d.number == c.number
                && d.outcome == Outcome::Change
                && c.metric
                    .as_ref()
                    .is_none_or(|m| d.metric.as_ref() == Some(m))
        });
        if !found {
            problems.push(format!(
                "change: want «{}» {:?} as a stated change",
                c.number, c.metric
            ));
        }
    }
}

#[test]
fn every_case_file_gives_what_it_states() {
    let dict = load_dict(None).expect("bundled dictionary");
    let extractor = Extractor::new(&dict);
    let files = case_files();
    assert!(!files.is_empty(), "no case files in tests/cases");
    let mut failures = Vec::new();
    let mut count = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("case file");
        let file: CaseFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (i, case) in file.cases.iter().enumerate() {
            count += 1;
            let title = case.title.as_deref().unwrap_or(&file.title);
            let doc = document_from_text("case.txt", &format!("{title}{}", case.text));
            let (ex, decisions) = extractor.explain(&doc);
            let mut problems = Vec::new();
            compare("facts", &case.facts, &ex.facts, &mut problems);
            compare("targets", &case.targets, &ex.targets, &mut problems);
            check_rejects(case, &decisions, &mut problems);
            if !problems.is_empty() {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
                failures.push(format!(
                    "{name} case {} «{}»{}\n    {}",
                    i + 1,
                    case.text,
                    if case.note.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", case.note)
                    },
                    problems.join("\n    ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The runner itself can fail: a case stating a wrong value is reported.
#[test]
fn a_wrong_case_is_reported() {
    let dict = load_dict(None).expect("bundled dictionary");
    let extractor = Extractor::new(&dict);
    let doc = document_from_text(
        "case.txt",
        "某县2023年法治政府建设年度报告\n收到行政复议申请12件。",
    );
    let (ex, decisions) = extractor.explain(&doc);
    let mut problems = Vec::new();
    let wrong = Value {
        metric: "reconsideration.received".into(),
        year: 2023,
        value: 13.0,
        qualifier: "exact".into(),
        scope: None,
    };
    compare("facts", &[wrong], &ex.facts, &mut problems);
    let case = Case {
        note: String::new(),
        title: None,
        text: String::new(),
        facts: Vec::new(),
        targets: Vec::new(),
        rejects: vec![Reject {
            number: "12件".into(),
            reason: "ordinal".into(),
            metric: None,
        }],
        changes: Vec::new(),
    };
    check_rejects(&case, &decisions, &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");
}
