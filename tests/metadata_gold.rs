//! Document metadata of the bundled reports against the hand-labelled truth in
//! `tests/gold/documents.csv` (issue 3: "all five documents' metadata equal documents.csv").

use std::path::Path;

use fazhi::extract::metadata::resolve;

#[derive(Debug, serde::Deserialize)]
struct GoldRow {
    doc: String,
    region_code: String,
    province: String,
    prefecture: String,
    county: String,
    report_year: Option<i32>,
    published: Option<String>,
}

#[test]
fn every_bundled_report_matches_documents_csv() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut reader =
        csv::Reader::from_path(root.join("tests/gold/documents.csv")).expect("documents.csv");
    let rows: Vec<GoldRow> = reader
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("documents.csv rows");
    assert!(
        rows.len() >= 5,
        "documents.csv lists {} documents",
        rows.len()
    );

    let mut mismatches = Vec::new();
    for row in &rows {
        let text = std::fs::read_to_string(root.join("data/reports").join(&row.doc))
            .unwrap_or_else(|e| panic!("{}: {e}", row.doc));
        let meta = resolve(&row.doc, &text);
        let published = row.published.clone().filter(|p| !p.is_empty());
        let checks = [
            (
                "region_code",
                meta.region_code.clone(),
                row.region_code.clone(),
            ),
            ("province", meta.province.clone(), row.province.clone()),
            (
                "prefecture",
                meta.prefecture.clone(),
                row.prefecture.clone(),
            ),
            ("county", meta.county.clone(), row.county.clone()),
            (
                "report_year",
                format!("{:?}", meta.report_year),
                format!("{:?}", row.report_year),
            ),
            (
                "published",
                format!("{:?}", meta.published),
                format!("{published:?}"),
            ),
        ];
        for (field, got, want) in checks {
            if got != want {
                mismatches.push(format!("{} {field}: got {got}, want {want}", row.doc));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
