//! The page's review step (issue 17): an analyst marks each fact confirmed, wrong, or
//! corrected to another value, and the page builds the corrected facts CSV in the browser,
//! with no network, for `fazhi report --facts` to render from.
//!
//! The page carries the facts table as data (a `<script type="application/json">` block, which
//! the browser never executes, so the CSP needs no new source): its columns and every row's
//! cells exactly as `facts.csv` holds them (same formatting, same neutralisation), so a
//! download with nothing marked is `facts.csv` again, byte for byte. The script
//! (`templates/review.js`) only replaces the `value`, `confidence` and `review_reason` cells of
//! marked rows and drops the rows marked wrong; it computes nothing else. What each row shows
//! (place, indicator name, unit, reasons in words) is chosen here, in the page's language.
//!
//! Facts of confidence `review` come first (outliers first among them), then the rest, each
//! group in fact order. A run with more than [`REVIEW_STEP_LIMIT`] facts gets a note instead
//! (the page would grow by megabytes and no one reviews thousands of rows in a browser):
//! facts.csv in a spreadsheet, then `fazhi report --facts`, is the same round trip.

use std::collections::BTreeMap;

use serde::Serialize;

use super::csv::csv_fields;
use super::labels::installed;
use super::review::{is_outlier, review_row};
use super::table::ExportTable;
use super::Lang;
use crate::dict::IndicatorDict;
use crate::model::{Confidence, Fact};

/// Most facts the page offers for review in the browser.
pub const REVIEW_STEP_LIMIT: usize = 3000;

/// The review step as the page shows it.
#[derive(Debug, Serialize)]
pub struct ReviewStep {
    /// The facts as JSON, safe inside a `<script>` element (`<`, `>`, `&` escaped); `None`
    /// when there are none or more than [`REVIEW_STEP_LIMIT`].
    pub data: Option<String>,
    /// What the step does, or why it is not offered.
    pub note: String,
}

/// The facts as the review script reads them.
#[derive(Serialize)]
struct StepData<'a> {
    /// `facts.csv`'s header.
    columns: Vec<&'a str>,
    /// Every row's cells as `facts.csv` writes them, in its order.
    rows: Vec<Vec<String>>,
    /// Row indices in the order the page lists them: review facts first.
    order: Vec<usize>,
    /// Per row, what the page shows: place, indicator, value with unit, reasons.
    show: Vec<[String; 4]>,
    /// The script's words (`review_step.*` of the labels), by short key.
    labels: BTreeMap<&'a str, &'a str>,
}

/// The review step over `facts` (every fact `facts.csv` holds, in its order).
pub fn review_step(facts: Vec<&Fact>, dict: &IndicatorDict, lang: Lang) -> ReviewStep {
    let n = facts.len();
    if n == 0 {
        return ReviewStep {
            data: None,
            note: lang.text("review_step.none").to_string(),
        };
    }
    if n > REVIEW_STEP_LIMIT {
        return ReviewStep {
            data: None,
            note: lang.fill(
                "review_step.too_many",
                &[("n", &n), ("limit", &REVIEW_STEP_LIMIT)],
            ),
        };
    }
    let show = facts.iter().map(|f| shown(f, dict, lang)).collect();
    let mut order: Vec<usize> = (0..n).collect();
    // Stable: within each group the facts keep facts.csv's order.
    order.sort_by_key(|&i| {
        (
            facts[i].confidence != Confidence::Review,
            !is_outlier(facts[i]),
        )
    });
    let table = ExportTable::fact_refs(facts).with_places(lang);
    let rows = match csv_fields(&table) {
        Ok(rows) => rows,
        // Facts always make a table; should it ever fail, the page says so instead.
        Err(e) => {
            return ReviewStep {
                data: None,
                note: format!("{}: {e}", lang.text("review_step.unavailable")),
            }
        }
    };
    let labels = installed();
    let words = labels
        .keys()
        .filter_map(|k| Some((k.strip_prefix("review_step.")?, labels.get(k, lang)?)))
        .collect();
    let data = StepData {
        columns: table.names(),
        rows,
        order,
        show,
        labels: words,
    };
    let json = serde_json::to_string(&data).expect("strings and numbers serialise");
    ReviewStep {
        data: Some(script_safe(&json)),
        note: lang.fill("review_step.how", &[("n", &n)]),
    }
}

/// Place, indicator name, value with unit, and reasons in words, as the review list shows a
/// fact.
fn shown(f: &Fact, dict: &IndicatorDict, lang: Lang) -> [String; 4] {
    let row = review_row(f, dict, lang);
    [
        row.place,
        row.name,
        format!("{} {}", row.value, row.unit),
        row.reasons,
    ]
}

/// JSON that cannot end its `<script>` element or open a comment: `<`, `>` and `&` as
/// `\u` escapes, which JSON.parse reads back as the same characters.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(metric: &str, value: f64, confidence: Confidence, evidence: &str) -> Fact {
        Fact {
            doc: "a.txt".into(),
            region_code: "999901".into(),
            province: "丙省".into(),
            prefecture: "乙市".into(),
            county: "甲县".into(),
            report_year: Some(2023),
            metric: metric.into(),
            year: 2023,
            value,
            unit: "件".into(),
            evidence: evidence.into(),
            offset: 10,
            confidence,
            review_reason: if confidence == Confidence::Review {
                "subject_carried_over".into()
            } else {
                String::new()
            },
            ..Fact::default()
        }
    }

    fn dict() -> IndicatorDict {
        crate::dict::load_dict(None).expect("bundled dictionary")
    }

    #[test]
    fn rows_are_the_csv_cells_review_facts_first() {
        let facts = [
            fact(
                "reconsideration.received",
                40.0,
                Confidence::High,
                "收到申请40件",
            ),
            fact(
                "reconsideration.accepted",
                32.0,
                Confidence::Review,
                "=HYPERLINK(\"x\")",
            ),
        ];
        let mut outlier = fact(
            "legal_aid.cases",
            9000.0,
            Confidence::Review,
            "办理案件9000件",
        );
        outlier.review_reason = "outlier".into();
        let facts = [facts[0].clone(), facts[1].clone(), outlier];
        let view = review_step(facts.iter().collect(), &dict(), Lang::Zh);
        let data: serde_json::Value =
            serde_json::from_str(view.data.as_deref().expect("offered")).expect("JSON");
        assert_eq!(data["order"], serde_json::json!([2, 1, 0]));
        let columns: Vec<&str> = data["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .map(|c| c.as_str().expect("text"))
            .collect();
        assert_eq!(columns, crate::model::FACT_COLUMNS);
        let evidence = columns.iter().position(|c| *c == "evidence").expect("col");
        // Neutralised as facts.csv neutralises it.
        assert_eq!(data["rows"][1][evidence], "'=HYPERLINK(\"x\")");
        assert_eq!(
            data["rows"][0][columns.iter().position(|c| *c == "value").unwrap()],
            "40"
        );
        assert_eq!(data["show"][0][0], "甲县");
        assert!(data["labels"]["confirmed"].is_string());
    }

    #[test]
    fn the_data_cannot_close_its_script_element() {
        let facts = [fact(
            "reconsideration.received",
            1.0,
            Confidence::High,
            "</script><script>alert(1)</script><!--",
        )];
        let data = review_step(facts.iter().collect(), &dict(), Lang::En)
            .data
            .expect("offered");
        assert!(!data.contains('<') && !data.contains('>') && !data.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&data).expect("still JSON");
        assert!(back.to_string().contains("</script><script>alert(1)"));
    }

    #[test]
    fn too_many_facts_get_a_note_instead() {
        let one = fact("reconsideration.received", 1.0, Confidence::High, "收到1件");
        let many: Vec<&Fact> = std::iter::repeat_n(&one, REVIEW_STEP_LIMIT + 1).collect();
        let view = review_step(many, &dict(), Lang::Zh);
        assert!(view.data.is_none());
        assert!(view.note.contains(&(REVIEW_STEP_LIMIT + 1).to_string()));
        let none = review_step(Vec::new(), &dict(), Lang::Zh);
        assert!(none.data.is_none() && !none.note.is_empty());
    }
}
