//! The lexicon as data: a user lexicon (`--lexicon FILE`) changes what is extracted without a
//! rebuild, and a malformed one is refused before any work, naming its line and key.

use assert_cmd::Command;
use fazhi::dict::{load_dict, parse_lexicon, Lexicon, BUNDLED_LEXICON};
use fazhi::extract::Extractor;
use fazhi::ingest::document_from_text;
use fazhi::model::Scope;
use predicates::prelude::*;

fn fazhi() -> Command {
    Command::cargo_bin("fazhi").expect("binary built")
}

/// A short report of our own: one figure in a sentence about the first two months.
const REPORT: &str = "某某县2023年法治政府建设年度报告\n\
    一、主要成效\n\
    开年两月受理行政复议申请12件。\n\
    全年共受理行政复议申请58件。\n";

/// The bundled lexicon with 开年两月 added to the words for part of a year.
fn user_lexicon() -> String {
    let from = "words = [\"上半年\", ";
    assert!(BUNDLED_LEXICON.contains(from));
    BUNDLED_LEXICON.replacen(from, "words = [\"开年两月\", \"上半年\", ", 1)
}

fn values(lexicon: &Lexicon) -> Vec<(f64, Scope)> {
    let dict = load_dict(None).expect("bundled dictionary");
    let doc = document_from_text("a.txt", REPORT);
    Extractor::with_lexicon(&dict, lexicon)
        .extract(&doc)
        .facts
        .iter()
        .filter(|f| f.metric == "reconsideration.accepted")
        .map(|f| (f.value, f.scope))
        .collect()
}

#[test]
fn a_word_added_to_a_class_changes_what_is_extracted() {
    let year = |v| (v, Scope::Annual);
    assert_eq!(values(Lexicon::bundled()), vec![year(12.0), year(58.0)]);
    let user = parse_lexicon(&user_lexicon(), "user.toml").expect("valid lexicon");
    // 开年两月 is now a part of the year: kept, but never as the year's figure.
    assert_eq!(values(&user), vec![(12.0, Scope::Partial), year(58.0)]);
}

#[test]
fn lexicon_flag_replaces_the_bundled_lexicon() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("report.txt");
    std::fs::write(&report, REPORT).expect("write report");
    let lexicon = dir.path().join("lexicon.toml");
    std::fs::write(&lexicon, user_lexicon()).expect("write lexicon");
    let facts = |extra: &[&std::ffi::OsStr]| {
        let out = fazhi()
            .arg("extract")
            .arg(&report)
            .args(extra)
            .arg("-q")
            .output()
            .expect("runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let bundled = facts(&[]);
    let user = facts(&["--lexicon".as_ref(), lexicon.as_os_str()]);
    assert!(
        bundled.contains("开年两月受理行政复议申请12件"),
        "{bundled}"
    );
    let line = |text: &str, needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .map(str::to_string)
            .unwrap_or_default()
    };
    assert!(line(&bundled, "开年两月").contains(",annual,"), "{bundled}");
    assert!(line(&user, "开年两月").contains(",partial,"), "{user}");
    assert!(user.contains("全年共受理行政复议申请58件"), "{user}");
}

#[test]
fn a_malformed_lexicon_is_refused_with_line_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lexicon = dir.path().join("lexicon.toml");
    let text = BUNDLED_LEXICON.replacen("words = [\"年均\", ", "words = [\"年均\", \"\", ", 1);
    let line = text
        .lines()
        .position(|l| l.contains("words = [\"年均\""))
        .expect("line")
        + 1;
    std::fs::write(&lexicon, &text).expect("write lexicon");
    for sub in ["run", "extract", "eval"] {
        let mut cmd = fazhi();
        cmd.args([sub, "data/reports", "--lexicon"]).arg(&lexicon);
        if sub == "eval" {
            cmd.args(["--gold", "tests/gold/facts.csv"]);
        }
        if sub == "run" {
            cmd.arg("-o").arg(dir.path().join("out"));
        }
        cmd.assert().code(2).stderr(
            predicate::str::contains("--lexicon")
                .and(predicate::str::contains(format!("line {line}:")))
                .and(predicate::str::contains("key 'average_words.words'"))
                .and(predicate::str::contains("empty word")),
        );
    }
}
