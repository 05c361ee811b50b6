//! The national view end to end (issue 19): a generated corpus of a few hundred reports with
//! one planted outlier, run through `fazhi run`. The 20,000-report run is measured by hand
//! (BENCHMARKS.md); a few hundred reports already make a national corpus (more than 25 units).

use std::path::Path;

use assert_cmd::Command;

fn fazhi() -> Command {
    Command::cargo_bin("fazhi").expect("binary built")
}

/// Reports generated, and the one whose counts are planted 100 times too large.
const COUNT: usize = 300;
const PLANTED: usize = 7;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of a CSV as maps from column to cell.
fn rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).expect("csv");
    let header: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    rdr.records()
        .map(|r| {
            let r = r.expect("record");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn r19_a_planted_outlier_is_listed_flagged_and_left_out_of_the_regions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (corpus, out) = (dir.path().join("corpus"), dir.path().join("out"));
    fazhi()
        .args(["corpus", "--count", &COUNT.to_string()])
        .args(["--plant-outlier", &PLANTED.to_string(), "-o"])
        .arg(&corpus)
        .assert()
        .success();
    fazhi()
        .args(["run", "-q", "-o"])
        .arg(&out)
        .arg(&corpus)
        .assert()
        .code(predicates::ord::le(1));
    let planted = format!("{PLANTED:06}.txt");

    // outliers.csv names the planted report, each row above the threshold.
    let outliers = rows(&out.join("outliers.csv"));
    let listed: Vec<_> = outliers.iter().filter(|r| r["doc"] == planted).collect();
    assert!(!listed.is_empty(), "{planted} not in outliers.csv");
    for r in &outliers {
        let z: f64 = r["robust_z"].parse().expect("z");
        let peers: usize = r["peers"].parse().expect("peers");
        assert!(z.abs() > 3.5 && peers >= 10, "{r:?}");
    }
    // In facts.csv those values are marked review with the reason `outlier`.
    let facts = rows(&out.join("facts.csv"));
    for o in &listed {
        assert!(
            facts.iter().any(|f| f["doc"] == planted
                && f["metric"] == o["metric"]
                && f["value"] == o["value"]
                && f["confidence"] == "review"
                && f["review_reason"].contains("outlier")),
            "{o:?}"
        );
    }
    // ... and left out of the aggregates: no region's largest value is an outlier's.
    let regions = rows(&out.join("regions.csv"));
    assert!(!regions.is_empty());
    for o in &listed {
        assert!(
            !regions.iter().any(|r| r["level"] == "nation"
                && r["metric"] == o["metric"]
                && r["year"] == o["year"]
                && r["scope"] == o["scope"]
                && r["max"] == o["value"]),
            "{o:?}"
        );
    }
    // Every region row is consistent: p25 ≤ median ≤ p75, reported ≤ gazetteer, and a sum
    // only where every unit reported.
    for r in &regions {
        let f = |c: &str| r[c].parse::<f64>().expect(c);
        assert!(f("min") <= f("p25") && f("p25") <= f("median") && f("median") <= f("p75"));
        assert!(f("p75") <= f("max"), "{r:?}");
        let (n, of) = (f("units_reported"), f("units_in_gazetteer"));
        assert!(n <= of, "{r:?}");
        assert_eq!(!r["sum"].is_empty(), n == of, "{r:?}");
    }
    // coverage.csv: the nation's units with a report add up to the reports' distinct units
    // and years; every rate is with / units.
    let coverage = rows(&out.join("coverage.csv"));
    let nation: usize = coverage
        .iter()
        .filter(|r| r["level"] == "nation")
        .map(|r| r["units_with_report"].parse::<usize>().expect("n"))
        .sum();
    assert!(nation > 25 && nation <= COUNT, "{nation}");
    for r in &coverage {
        let f = |c: &str| r[c].parse::<f64>().expect(c);
        let rate = f("units_with_report") / f("units_in_gazetteer");
        assert!((f("publication_rate") - rate).abs() < 1e-6, "{r:?}");
    }

    // The page: distributions and the national trend instead of bars, the publication
    // matrix by province, the outliers among the facts for review, national findings.
    let page = read(&out.join("index.html"));
    // The most reported series (in most generated reports) has far more than 25 units.
    let series = "normative_docs.filed_annual";
    for chart in ["distribution", "national"] {
        assert!(
            page.contains(&format!("charts/{chart}_{series}.svg")),
            "{chart}"
        );
    }
    for chart in ["bar", "trend"] {
        assert!(
            !page.contains(&format!("charts/{chart}_{series}.svg")),
            "{chart}"
        );
    }
    // The province ranking: its files, its CSV the province's units in rank order (one
    // province, the latest year, ranks 1, 2, ... of comparisons.csv), and the page shows it.
    let file = |ext: &str| out.join("charts").join(format!("province_{series}.{ext}"));
    for ext in ["svg", "png", "csv"] {
        assert!(file(ext).exists(), "province_{series}.{ext}");
    }
    assert!(page.contains(&format!("charts/province_{series}.svg")));
    let ranked = rows(&file("csv"));
    assert!(ranked.len() >= 3, "{ranked:?}");
    let province = &ranked[0]["region_code"][..2];
    let year = &ranked[0]["year"];
    let n: usize = ranked[0]["province_n"].parse().expect("n");
    assert_eq!(
        ranked.len(),
        n.min(40),
        "every unit, or the highest and lowest 20"
    );
    let ranks: Vec<usize> = ranked
        .iter()
        .map(|r| r["province_rank"].parse().expect("rank"))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert_eq!(ranks[0], 1);
    let values: Vec<f64> = ranked
        .iter()
        .map(|r| r["value"].parse().expect("value"))
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    let comparisons = rows(&out.join("comparisons.csv"));
    for r in &ranked {
        assert!(
            r["region_code"].starts_with(province) && &r["year"] == year,
            "{r:?}"
        );
        assert!(
            comparisons.iter().any(|c| c["basis"] == "year"
                && c["metric"] == "normative_docs.filed"
                && c["scope"] == "annual"
                && c["region_code"] == r["region_code"]
                && c["year"] == r["year"]
                && c["province_rank"] == r["province_rank"]),
            "{r:?}"
        );
    }
    // The province is the one with the most reporting units that year, and the medians drawn
    // are regions.csv's.
    let in_year: Vec<_> = regions
        .iter()
        .filter(|r| {
            r["metric"] == "normative_docs.filed" && r["scope"] == "annual" && &r["year"] == year
        })
        .collect();
    let most = in_year
        .iter()
        .filter(|r| r["level"] == "province")
        .map(|r| r["units_reported"].parse::<usize>().expect("n"))
        .max()
        .expect("provinces");
    let chosen = in_year
        .iter()
        .find(|r| r["level"] == "province" && r["region_code"] == province)
        .expect("the province's row");
    assert_eq!(chosen["units_reported"].parse::<usize>().ok(), Some(most));
    let median = |cell: &str| cell.parse::<f64>().expect("median");
    assert!((median(&ranked[0]["province_median"]) - median(&chosen["median"])).abs() < 1e-6);

    assert!(page.contains("id=\"publication\""));
    assert!(
        page.contains("全国</td>"),
        "the nation's row of the publication matrix"
    );
    assert!(
        page.contains(&planted),
        "the planted report is in the review list"
    );
    assert!(
        page.contains("regions.csv"),
        "findings name their figures' file"
    );
    assert!(
        !page.contains("个县区中"),
        "no mechanical per-year comparison lines"
    );
}
