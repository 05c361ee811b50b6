//! Whether each report was published on time. 《法治政府建设与责任落实督察工作规定》 (art. 24)
//! requires the annual report to be published before 1 April of the following year; a report
//! about 2023 is due by 2024-04-01.

use chrono::NaiveDate;

use super::model::TimelinessRow;
use crate::model::{DocMeta, Level};

/// One row per document with a publication date, sorted by county, report year and document.
/// A date that cannot be read, or a report without a year, keeps its row with no deadline or
/// no days late.
pub fn timeliness(documents: &[(String, DocMeta)]) -> Vec<TimelinessRow> {
    let mut rows: Vec<TimelinessRow> = documents
        .iter()
        .filter_map(|(doc, meta)| {
            let published = meta.published.as_deref()?.trim();
            if published.is_empty() {
                return None;
            }
            let deadline = meta.report_year.and_then(deadline);
            let date = NaiveDate::parse_from_str(published, "%Y-%m-%d").ok();
            Some(TimelinessRow {
                doc: doc.clone(),
                region_code: meta.region_code.clone(),
                county: meta.county.clone(),
                level: Level::of_code(&meta.region_code).unwrap_or(Level::County),
                report_year: meta.report_year,
                publish_date: published.to_string(),
                deadline: deadline.map(|d| d.format("%Y-%m-%d").to_string()),
                days_late: date
                    .zip(deadline)
                    .map(|(date, deadline)| (date - deadline).num_days()),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.region_code, &a.county, a.report_year, &a.doc).cmp(&(
            &b.region_code,
            &b.county,
            b.report_year,
            &b.doc,
        ))
    });
    rows
}

/// 1 April of the year after `report_year`.
fn deadline(report_year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(report_year.checked_add(1)?, 4, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, year: Option<i32>, published: Option<&str>) -> (String, DocMeta) {
        (
            name.to_string(),
            DocMeta {
                region_code: "371522".into(),
                county: "莘县".into(),
                report_year: year,
                published: published.map(str::to_string),
                ..DocMeta::default()
            },
        )
    }

    #[test]
    fn early_on_the_day_and_late() {
        let rows = timeliness(&[
            // 2023 report due 2024-04-01. 2024-03-15 is 17 days early (March has 31 days:
            // 16 days to the 31st, one more to 1 April).
            doc("a.txt", Some(2023), Some("2024-03-15")),
            doc("b.txt", Some(2022), Some("2023-04-01")),
            // 2021 report due 2022-04-01; 2022-05-10 is 29 (rest of April) + 10 = 39 days late.
            doc("c.txt", Some(2021), Some("2022-05-10")),
            // Leap year: 2024-02-28 to 2024-04-01 is 2 (to 1 March, over 29 February) + 31
            // = 33 days early.
            doc("d.txt", Some(2023), Some("2024-02-28")),
            doc("e.txt", Some(2023), None),
            doc("f.txt", None, Some("2024-01-02")),
            doc("g.txt", Some(2023), Some("2024年3月")),
        ]);
        let got: Vec<(&str, Option<&str>, Option<i64>)> = rows
            .iter()
            .map(|r| (r.doc.as_str(), r.deadline.as_deref(), r.days_late))
            .collect();
        assert_eq!(
            got,
            vec![
                ("f.txt", None, None),
                ("c.txt", Some("2022-04-01"), Some(39)),
                ("b.txt", Some("2023-04-01"), Some(0)),
                ("a.txt", Some("2024-04-01"), Some(-17)),
                ("d.txt", Some("2024-04-01"), Some(-33)),
                ("g.txt", Some("2024-04-01"), None),
            ]
        );
        assert_eq!(rows[0].level, Level::County);
    }
}
