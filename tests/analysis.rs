//! End-to-end tests of the analysis stage on facts built by hand (extraction is tested
//! elsewhere). Every expected number was computed by hand; the arithmetic is in the comments.

use fazhi::analysis::{
    analyse, analyse_with, Analysis, Check, Inputs, Note, Notes, Reference, Severity,
};
use fazhi::dict::{load_dict, IndicatorDict};
use fazhi::model::{ChangeUnit, DocMeta, Fact, Level, Qualifier, Scope, StatedChange};
use fazhi::render::chart::render_charts;
use fazhi::render::csv::{rows_csv, CsvOptions};
use fazhi::render::findings::key_findings;
use fazhi::render::reasons::{check_message, notes_text};
use fazhi::render::Lang;

/// A fact of county `code` stated in `doc` (a report about `report_year`).
fn fact(doc: &str, code: &str, report_year: i32, metric: &str, year: i32, value: f64) -> Fact {
    let dict = dict();
    let ind = dict.get(metric).expect("known indicator");
    Fact {
        doc: doc.into(),
        region_code: code.into(),
        county: format!("县{code}"),
        report_year: Some(report_year),
        metric: metric.into(),
        year,
        scope: ind.scope,
        value,
        unit: ind.unit.clone(),
        evidence: format!("{metric} {value}"),
        ..Fact::default()
    }
}

fn dict() -> IndicatorDict {
    load_dict(None).expect("bundled dictionary")
}

/// A check's message in English (the words a reader of `--lang en` sees).
fn msg(c: &Check) -> String {
    check_message(&c.reason, &dict(), Lang::En)
}

/// A row's notes in English.
fn words(notes: &Notes) -> String {
    notes_text(notes, &dict(), Lang::En)
}

fn run(facts: &[Fact]) -> Analysis {
    analyse(facts, &dict(), &national()).expect("analysis")
}

fn national() -> Vec<Reference> {
    vec![Reference {
        indicator: "reconsideration.correction_rate".into(),
        year: 2023,
        value: 12.83,
        scope: Scope::Annual,
        source: "test".into(),
    }]
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() < tol
}

#[test]
fn staff_growth_from_a_value_stated_about_the_year_before() {
    // A 2023 report: 由2022年的632人 增加至目前的863人.
    let facts = [
        fact(
            "a.txt",
            "371525",
            2023,
            "enforcement.certified_staff",
            2022,
            632.0,
        ),
        fact(
            "a.txt",
            "371525",
            2023,
            "enforcement.certified_staff",
            2023,
            863.0,
        ),
    ];
    let a = run(&facts);
    let t = a
        .trends
        .iter()
        .find(|t| t.year == 2023)
        .expect("2023 trend row");
    // 863 − 632 = 231; 231 / 632 = 0.365506 → +36.55%, +36.6% to one decimal.
    assert_eq!(
        (t.prev_year, t.prev_value, t.change),
        (Some(2022), Some(632.0), Some(231.0))
    );
    let pct = t.pct_change.expect("base > 0");
    assert!(close(pct, 36.5506, 1e-4), "{pct}");
    assert_eq!(format!("{pct:.1}"), "36.6");
    assert_eq!(t.annual_rate, None, "one-year gap: no separate annual rate");
    let first = a.trends.iter().find(|t| t.year == 2022).expect("2022 row");
    assert!(
        words(&first.notes).contains("2022 value stated in the 2023 report"),
        "{}",
        words(&first.notes)
    );

    // Derived growth with its interval: Wilson for 863 / 1495 = [0.552051, 0.602069],
    // ratio p/(1−p) = [1.2324, 1.5130] → growth [+23.24%, +51.30%].
    let g = a
        .derived
        .iter()
        .find(|d| d.metric == "enforcement.certified_staff.growth")
        .expect("growth row");
    assert!(close(g.value, 36.5506, 1e-4));
    assert_eq!((g.numerator, g.denominator), (863.0, 632.0));
    assert!(
        close(g.ci_low, 23.24, 0.05) && close(g.ci_high, 51.30, 0.05),
        "{g:?}"
    );
    assert!(
        words(&g.notes).contains("2022 (632) to 2023 (863)"),
        "{}",
        words(&g.notes)
    );
}

#[test]
fn acceptance_rate_and_correction_rate_fallback_with_wilson_intervals() {
    let code = "371525";
    let facts = [
        fact("a.txt", code, 2023, "reconsideration.received", 2023, 91.0),
        fact("a.txt", code, 2023, "reconsideration.accepted", 2023, 73.0),
        fact("a.txt", code, 2023, "reconsideration.corrected", 2023, 3.0),
    ];
    let a = run(&facts);
    let acc = a
        .derived
        .iter()
        .find(|d| d.metric == "reconsideration.acceptance_rate.derived")
        .expect("acceptance");
    // 73 / 91 = 0.802198 → 80.22%. Wilson: z² = 3.8415, 1 + z²/n = 1.042214;
    // centre = (0.802198 + 3.8415/182) / 1.042214 = 0.789951;
    // half = 1.96·sqrt(0.802198·0.197802/91 + 3.8415/33124) / 1.042214 = 0.081102
    // → [70.88%, 87.11%].
    assert!(close(acc.value, 80.2198, 1e-4), "{}", acc.value);
    assert!(close(acc.ci_low, 70.885, 0.01), "{}", acc.ci_low);
    assert!(close(acc.ci_high, 87.105, 0.01), "{}", acc.ci_high);
    assert_eq!(
        (
            acc.numerator_metric.as_str(),
            acc.denominator_metric.as_str()
        ),
        ("reconsideration.accepted", "reconsideration.received")
    );

    // No concluded count: corrected ÷ accepted, said in the note. 3 / 73 = 4.11%, and the
    // Wilson interval is wide: p = 0.041096, 1 + z²/n = 1.052623,
    // centre = (0.041096 + 0.026311) / 1.052623 = 0.064037,
    // half = 1.96·sqrt(0.041096·0.958904/73 + 3.8415/21316) / 1.052623 = 0.049958
    // → [1.41%, 11.40%]: not a precise 4.1%.
    let cor = a
        .derived
        .iter()
        .find(|d| d.metric == "reconsideration.correction_rate.derived")
        .expect("correction rate");
    assert!(close(cor.value, 4.1096, 1e-4));
    assert!(
        close(cor.ci_low, 1.408, 0.02) && close(cor.ci_high, 11.400, 0.02),
        "{cor:?}"
    );
    assert_eq!(cor.denominator_metric, "reconsideration.accepted");
    assert!(
        cor.notes.0.iter().any(
            |n| matches!(n, Note::Fallback { used, preferred, year: 2023 }
            if used == "reconsideration.accepted" && preferred == "reconsideration.concluded")
        ),
        "{}",
        words(&cor.notes)
    );
    // The national 12.83% (2023) is shown beside, not mixed in.
    assert_eq!(cor.reference, Some(12.83));
    assert!(close(cor.value, 4.1096, 1e-4));
}

#[test]
fn correction_rate_prefers_concluded() {
    let code = "511724";
    let facts = [
        fact("b.txt", code, 2024, "reconsideration.accepted", 2024, 50.0),
        fact("b.txt", code, 2024, "reconsideration.concluded", 2024, 41.0),
        fact("b.txt", code, 2024, "reconsideration.corrected", 2024, 4.0),
    ];
    let a = run(&facts);
    let cor = a
        .derived
        .iter()
        .find(|d| d.metric == "reconsideration.correction_rate.derived")
        .expect("correction rate");
    // 4 / 41 = 9.7561%.
    assert_eq!(cor.denominator_metric, "reconsideration.concluded");
    assert!(close(cor.value, 9.7561, 1e-4));
    assert!(
        !cor.notes
            .0
            .iter()
            .any(|n| matches!(n, Note::Fallback { .. })),
        "{}",
        words(&cor.notes)
    );
    assert_eq!(
        cor.reference, None,
        "no national figure for 2024 in the test references"
    );
}

#[test]
fn mediation_success_derived_and_reported_rates_checked() {
    // 2370 / 2397 = 0.9887359 → 98.87% (derived: the report states no rate).
    let a = run(&[
        fact("c.txt", "430121", 2020, "mediation.disputes", 2020, 2397.0),
        fact(
            "c.txt",
            "430121",
            2020,
            "mediation.successful",
            2020,
            2370.0,
        ),
    ]);
    let m = a
        .derived
        .iter()
        .find(|d| d.metric == "mediation.success_rate.derived")
        .expect("mediation success");
    assert!(close(m.value, 98.8736, 1e-4), "{}", m.value);
    assert_eq!(format!("{:.2}", m.value), "98.87");
    assert!(a.checks.iter().all(|c| c.kind != "rate_vs_parts"));

    // 99.6% reported for 4198 / 4211 = 99.6913%: rounding gives 99.7, truncation 99.6.
    let a = run(&[
        fact("d.txt", "420204", 2023, "mediation.disputes", 2023, 4211.0),
        fact(
            "d.txt",
            "420204",
            2023,
            "mediation.successful",
            2023,
            4198.0,
        ),
        fact(
            "d.txt",
            "420204",
            2023,
            "mediation.success_rate",
            2023,
            99.6,
        ),
    ]);
    let c = a
        .checks
        .iter()
        .find(|c| c.kind == "rate_vs_parts")
        .expect("rate check");
    assert_eq!(c.severity, Severity::Info);
    assert!(msg(c).contains("consistent by truncation"), "{}", msg(c));
    assert!(msg(c).contains("99.6913"), "{}", msg(c));

    // 95% reported for the same parts: neither rounding (99.7) nor truncation (99.6).
    let a = run(&[
        fact("d.txt", "420204", 2023, "mediation.disputes", 2023, 4211.0),
        fact(
            "d.txt",
            "420204",
            2023,
            "mediation.successful",
            2023,
            4198.0,
        ),
        fact(
            "d.txt",
            "420204",
            2023,
            "mediation.success_rate",
            2023,
            95.0,
        ),
    ]);
    let c = a
        .checks
        .iter()
        .find(|c| c.kind == "rate_vs_parts")
        .expect("rate check");
    assert_eq!(c.severity, Severity::Warning);
    assert!(msg(c).contains("inconsistent"), "{}", msg(c));

    // 99.5% for 3300 / 3314 = 99.5775%: consistent by truncation too; 100% for 90/90 by rounding.
    let a = run(&[
        fact("e.txt", "371002", 2022, "mediation.disputes", 2022, 3314.0),
        fact(
            "e.txt",
            "371002",
            2022,
            "mediation.successful",
            2022,
            3300.0,
        ),
        fact(
            "e.txt",
            "371002",
            2022,
            "mediation.success_rate",
            2022,
            99.5,
        ),
        fact(
            "e.txt",
            "371002",
            2022,
            "reconsideration.concluded",
            2022,
            90.0,
        ),
        fact(
            "e.txt",
            "371002",
            2022,
            "reconsideration.corrected",
            2022,
            31.0,
        ),
        fact(
            "e.txt",
            "371002",
            2022,
            "reconsideration.correction_rate",
            2022,
            34.44,
        ),
    ]);
    let verdicts: Vec<String> = a
        .checks
        .iter()
        .filter(|c| c.kind == "rate_vs_parts")
        .map(msg)
        .collect();
    assert_eq!(verdicts.len(), 2, "{verdicts:?}");
    // Sorted by metric: mediation before reconsideration. 31 / 90 = 34.4444% → 34.44 by rounding.
    assert!(verdicts[0].contains("truncation"), "{}", verdicts[0]);
    assert!(
        verdicts[1].contains("consistent by rounding"),
        "{}",
        verdicts[1]
    );
}

#[test]
fn two_year_gap_becomes_an_annual_rate() {
    // 100 (2020) → 121 (2022): +21% over two years; sqrt(1.21) − 1 = 10% a year.
    let a = run(&[
        fact("x.txt", "100001", 2020, "legal_aid.cases", 2020, 100.0),
        fact("y.txt", "100001", 2022, "legal_aid.cases", 2022, 121.0),
    ]);
    let t = a.trends.iter().find(|t| t.year == 2022).expect("2022 row");
    assert_eq!(t.prev_year, Some(2020));
    assert!(close(t.pct_change.expect("base"), 21.0, 1e-9));
    assert!(close(t.annual_rate.expect("gap > 1"), 10.0, 1e-9));
    assert!(
        words(&t.notes).contains("2-year gap"),
        "{}",
        words(&t.notes)
    );
    assert!(
        words(&t.notes).contains("previous value from x.txt"),
        "{}",
        words(&t.notes)
    );
}

#[test]
fn conflicting_documents_are_flagged_and_never_resolved() {
    let staff = "enforcement.certified_staff";
    let a = run(&[
        fact("2022.txt", "371525", 2022, staff, 2022, 630.0),
        fact("2023.txt", "371525", 2023, staff, 2022, 632.0),
        fact("2023.txt", "371525", 2023, staff, 2023, 863.0),
        fact("2021.txt", "371525", 2021, staff, 2021, 600.0),
    ]);
    assert_eq!(a.conflicts.len(), 1);
    let c = &a.conflicts[0];
    assert_eq!((c.metric.as_str(), c.year), (staff, 2022));
    let stated: Vec<(f64, &str)> = c
        .sources
        .iter()
        .map(|s| (s.value, s.doc.as_str()))
        .collect();
    assert_eq!(stated, vec![(630.0, "2022.txt"), (632.0, "2023.txt")]);
    // Both values stay in the facts table.
    assert_eq!(a.facts.iter().filter(|f| f.year == 2022).count(), 2);
    let check = a
        .checks
        .iter()
        .find(|c| c.kind == "conflict")
        .expect("check");
    assert_eq!(check.severity, Severity::Warning);
    assert!(
        msg(check).contains("630 (2022.txt) vs 632 (2023.txt)"),
        "{}",
        msg(check)
    );
    assert!(
        msg(check).contains("no year-over-year change"),
        "{}",
        msg(check)
    );
    // No trend row for the ambiguous year, and 2023 is compared with 2021 across it:
    // 600 → 863 over two years, sqrt(863/600) − 1 = sqrt(1.438333) − 1 = 19.93% a year.
    assert!(a
        .trends
        .iter()
        .all(|t| t.year != 2022 && t.prev_year != Some(2022)));
    let t = a.trends.iter().find(|t| t.year == 2023).expect("2023 row");
    assert_eq!(t.prev_year, Some(2021));
    assert!(close(t.annual_rate.expect("gap"), 19.93, 0.005), "{t:?}");
}

#[test]
fn identical_repeats_collapse() {
    let a = run(&[
        fact("2022.txt", "371525", 2022, "legal_aid.cases", 2022, 447.0),
        fact("2023.txt", "371525", 2023, "legal_aid.cases", 2022, 447.0),
    ]);
    assert_eq!(a.facts.len(), 1);
    assert_eq!(a.facts[0].doc, "2022.txt");
    assert!(a.conflicts.is_empty() && a.checks.iter().all(|c| c.kind != "conflict"));
}

#[test]
fn parts_larger_than_wholes_impossible_rates_and_negative_values() {
    let code = "100002";
    let a = run(&[
        fact("z.txt", code, 2023, "reconsideration.received", 2023, 91.0),
        fact("z.txt", code, 2023, "reconsideration.accepted", 2023, 95.0),
        fact("z.txt", code, 2023, "litigation.win_rate", 2023, 104.0),
        fact("z.txt", code, 2023, "legal_aid.cases", 2023, -3.0),
    ]);
    let kinds: Vec<(&str, Severity)> = a
        .checks
        .iter()
        .map(|c| (c.kind.as_str(), c.severity))
        .collect();
    assert!(
        kinds.contains(&("part_exceeds_whole", Severity::Error)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("rate_above_100", Severity::Error)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("negative_value", Severity::Error)),
        "{kinds:?}"
    );
    // No acceptance rate above 100% is derived.
    assert!(a.derived.is_empty(), "{:?}", a.derived);
}

#[test]
fn year_over_year_jumps_beyond_the_threshold() {
    // 300 → 900 is ×3 in a year (threshold ×2): flagged. 3 → 9 is below the minimum count.
    let a = run(&[
        fact("a.txt", "100003", 2022, "legal_aid.cases", 2022, 300.0),
        fact("b.txt", "100003", 2023, "legal_aid.cases", 2023, 900.0),
        fact(
            "a.txt",
            "100003",
            2022,
            "reconsideration.corrected",
            2022,
            3.0,
        ),
        fact(
            "b.txt",
            "100003",
            2023,
            "reconsideration.corrected",
            2023,
            9.0,
        ),
    ]);
    let jumps: Vec<&str> = a
        .checks
        .iter()
        .filter(|c| c.kind == "yoy_jump")
        .map(|c| c.metric.as_str())
        .collect();
    assert_eq!(jumps, vec!["legal_aid.cases"]);
}

#[test]
fn cross_county_comparison_says_when_latest_years_differ() {
    let m = "legal_aid.cases";
    let a = run(&[
        fact("a.txt", "100001", 2023, m, 2023, 10.0),
        fact("b.txt", "100002", 2023, m, 2023, 30.0),
        fact("c.txt", "100003", 2023, m, 2023, 50.0),
        fact("d.txt", "100004", 2020, m, 2020, 20.0),
    ]);
    // 2023: values 10, 30, 50 → ranks 3, 2, 1; median 30; mean 30;
    // sd = sqrt((20² + 0 + 20²) / 2) = 20 → z(50) = 1; percentile(50) = (2 + 0.5) / 3 = 83.33.
    let year: Vec<_> = a.comparisons.iter().filter(|r| r.basis == "year").collect();
    assert_eq!(year.len(), 3, "2020 has one county: not compared");
    let top = year[0];
    assert_eq!(
        (top.region_code.as_str(), top.rank, top.n),
        ("100003", 1, 3)
    );
    assert_eq!(top.median, 30.0);
    assert!(close(top.percentile, 83.3333, 1e-3));
    assert!(close(top.z_score.expect("n = 3"), 1.0, 1e-9));
    assert!(words(&top.notes).is_empty());
    // Latest per county: 10, 30, 50, 20 (2020) → median (20 + 30) / 2 = 25; mean 27.5;
    // sd = sqrt((17.5² + 2.5² + 22.5² + 7.5²) / 3) = sqrt(875 / 3) = 17.0783;
    // z(50) = 22.5 / 17.0783 = 1.31746.
    let latest: Vec<_> = a
        .comparisons
        .iter()
        .filter(|r| r.basis == "latest")
        .collect();
    assert_eq!(latest.len(), 4);
    assert_eq!(
        latest.iter().map(|r| r.rank).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    assert_eq!(latest[2].year, 2020);
    assert_eq!(latest[0].median, 25.0);
    assert!(close(latest[0].z_score.expect("n = 4"), 1.31746, 1e-4));
    assert!(
        words(&latest[0].notes).contains("years differ: 2020–2023"),
        "{}",
        words(&latest[0].notes)
    );
}

#[test]
fn slope_over_four_years_with_t_interval() {
    // 2020–2023: 10, 12, 15, 17. Sxx = 5, Sxy = 12 → slope 2.4 a year; SSE = 0.2,
    // se = sqrt(0.2 / 2 / 5) = 0.141421, t(0.975, 2) = 4.302653 → [1.7915, 3.0085].
    let m = "notary.cases";
    let facts: Vec<Fact> = [(2020, 10.0), (2021, 12.0), (2022, 15.0), (2023, 17.0)]
        .into_iter()
        .map(|(y, v)| fact(&format!("{y}.txt"), "100005", y, m, y, v))
        .collect();
    let a = run(&facts);
    assert_eq!(a.slopes.len(), 1);
    let s = &a.slopes[0];
    assert_eq!((s.n_years, s.first_year, s.last_year), (4, 2020, 2023));
    assert!(close(s.slope, 2.4, 1e-9));
    assert!(
        close(s.ci_low, 1.7915, 1e-4) && close(s.ci_high, 3.0085, 1e-4),
        "{s:?}"
    );
}

#[test]
fn tables_are_sorted_deterministic_and_free_of_float_noise() {
    let staff = "enforcement.certified_staff";
    let mut facts = vec![
        fact("a.txt", "371525", 2023, staff, 2022, 632.0),
        fact("a.txt", "371525", 2023, staff, 2023, 863.0),
        fact(
            "a.txt",
            "371525",
            2023,
            "reconsideration.received",
            2023,
            91.0,
        ),
        fact(
            "a.txt",
            "371525",
            2023,
            "reconsideration.accepted",
            2023,
            73.0,
        ),
        fact(
            "b.txt",
            "100001",
            2023,
            "reconsideration.received",
            2023,
            40.0,
        ),
        fact(
            "b.txt",
            "100001",
            2023,
            "reconsideration.accepted",
            2023,
            33.0,
        ),
    ];
    let first = run(&facts);
    facts.reverse();
    let second = run(&facts);
    let json = |a: &Analysis| serde_json::to_string(a).expect("json");
    assert_eq!(json(&first), json(&second));

    let opts = CsvOptions::default();
    let trends = String::from_utf8(rows_csv(&first.trends, &opts).expect("csv")).expect("utf8");
    // 231 / 632 = 0.36550632911… → written as 36.550633, the change as 231 (not 231.0).
    assert!(trends.contains(",231,36.550633,"), "{trends}");
    let derived = String::from_utf8(rows_csv(&first.derived, &opts).expect("csv")).expect("utf8");
    for line in derived.lines().skip(1) {
        for cell in line.split(',') {
            if let Some((_, decimals)) = cell.split_once('.') {
                if decimals.chars().all(|c| c.is_ascii_digit()) {
                    assert!(decimals.len() <= 6, "float noise in {cell}: {line}");
                }
            }
        }
    }
    // Derived rows sorted by county code: 100001 before 371525.
    assert_eq!(first.derived[0].region_code, "100001");
}

#[test]
fn values_that_are_not_numbers_are_flagged_not_computed() {
    let a = run(&[
        fact("a.txt", "100001", 2022, "legal_aid.cases", 2022, 10.0),
        fact("b.txt", "100001", 2023, "legal_aid.cases", 2023, f64::NAN),
    ]);
    assert_eq!(a.facts.len(), 2);
    assert!(a.checks.iter().any(|c| c.kind == "not_a_number"));
    assert!(a.trends.iter().all(|t| t.value.is_finite()));
}

// ---- issue 15: trends across gaps, stated changes, level and region ranks, timeliness ----

fn stated(
    doc: &str,
    code: &str,
    metric: &str,
    year: i32,
    change: f64,
    unit: ChangeUnit,
) -> StatedChange {
    StatedChange {
        doc: doc.into(),
        region_code: code.into(),
        province: String::new(),
        prefecture: String::new(),
        county: format!("县{code}"),
        level: None,
        metric: metric.into(),
        scope: Scope::Annual,
        year,
        base_year: year - 1,
        change,
        unit,
        evidence: format!("同比 {change}"),
        offset: 7,
    }
}

fn run_with(facts: &[Fact], changes: &[StatedChange], docs: &[(String, DocMeta)]) -> Analysis {
    let inputs = Inputs {
        references: &[],
        stated_changes: changes,
        documents: docs,
    };
    analyse_with(facts, &dict(), &inputs).expect("analysis")
}

#[test]
fn r15_trend_across_a_three_year_gap_skips_to_the_last_known_year() {
    // 2018 60, 2019 80, (2020 and 2021 missing), 2022 135. The 2022 row compares with 2019:
    // change 55; 55 / 80 = 68.75%; per year 1.6875^(1/3): 1.1905³ = 1.68729, 1.1906³ =
    // 1.68771, so ≈ 1.19055 → +19.055% a year.
    let m = "legal_aid.cases";
    let a = run(&[
        fact("a.txt", "371522", 2018, m, 2018, 60.0),
        fact("b.txt", "371522", 2019, m, 2019, 80.0),
        fact("c.txt", "371522", 2022, m, 2022, 135.0),
    ]);
    let t = a.trends.iter().find(|t| t.year == 2022).expect("2022 row");
    assert_eq!(
        (t.prev_year, t.prev_value, t.change),
        (Some(2019), Some(80.0), Some(55.0))
    );
    assert!(close(t.pct_change.expect("base > 0"), 68.75, 1e-9));
    assert!(close(t.annual_rate.expect("gap 3"), 19.055, 1e-3));
    assert!(
        words(&t.notes).contains("3-year gap (2019–2022)"),
        "{}",
        words(&t.notes)
    );
    assert_eq!(t.qualifier, Qualifier::Exact);
    // 2019 after 2018: one year, no annual rate; 20 / 60 = 33.33%.
    let t = a.trends.iter().find(|t| t.year == 2019).expect("2019 row");
    assert!(close(t.pct_change.expect("base"), 33.3333, 1e-3));
    assert_eq!(t.annual_rate, None);
}

#[test]
fn r15_stated_changes_agree_or_contradict_with_both_sources() {
    let m = "legal_aid.cases";
    let facts = [
        // Agrees: 321 → 361 is 40 / 321 = 12.4611%, which the report rounds to 12.5%.
        fact("a2022.txt", "371521", 2022, m, 2022, 321.0),
        fact("a2023.txt", "371521", 2023, m, 2023, 361.0),
        // Contradicts: 100 → 130 is +30%, the report says +25%.
        fact("b2022.txt", "371522", 2022, m, 2022, 100.0),
        fact("b2023.txt", "371522", 2023, m, 2023, 130.0),
    ];
    let changes = [
        stated("a2023.txt", "371521", m, 2023, 12.5, ChangeUnit::Percent),
        stated("b2023.txt", "371522", m, 2023, 25.0, ChangeUnit::Percent),
    ];
    let a = run_with(&facts, &changes, &[]);
    let checks: Vec<_> = a
        .checks
        .iter()
        .filter(|c| c.kind == "stated_change")
        .collect();
    assert_eq!(checks.len(), 2, "{checks:#?}");
    let agree = checks
        .iter()
        .find(|c| c.region_code == "371521")
        .expect("a");
    assert_eq!(agree.severity, Severity::Info);
    assert!(
        msg(agree).contains("consistent by rounding"),
        "{}",
        msg(agree)
    );
    let contra = checks
        .iter()
        .find(|c| c.region_code == "371522")
        .expect("b");
    assert_eq!(contra.severity, Severity::Warning);
    assert!(
        msg(contra).contains("stated change +25%"),
        "{}",
        msg(contra)
    );
    assert!(
        msg(contra).contains("100 → 130 = +30.0000%"),
        "{}",
        msg(contra)
    );
    assert_eq!(contra.doc, "b2023.txt; b2022.txt");
    assert_eq!(contra.year, 2023);
    assert!(
        contra.evidence.starts_with("同比 25 | "),
        "{}",
        contra.evidence
    );
    // Nothing was derived: both years are known.
    assert!(a.trends.iter().all(|t| t.qualifier == Qualifier::Exact));
}

#[test]
fn r15_a_stated_change_without_the_earlier_report_gives_a_derived_point() {
    let m = "legal_aid.cases";
    let facts = [
        fact("c2023.txt", "371523", 2023, m, 2023, 150.0),
        fact("d2023.txt", "371524", 2023, m, 2023, 12.0),
    ];
    let changes = [
        // 同比增长25%: 150 ÷ 1.25 = 120.
        stated("c2023.txt", "371523", m, 2023, 25.0, ChangeUnit::Percent),
        // 较上年减少3件: 12 + 3 = 15.
        stated("d2023.txt", "371524", m, 2023, -3.0, ChangeUnit::Absolute),
    ];
    let a = run_with(&facts, &changes, &[]);
    let row = |code: &str, year: i32| {
        a.trends
            .iter()
            .find(|t| t.region_code == code && t.year == year)
            .unwrap_or_else(|| panic!("{code} {year}"))
    };
    let derived = row("371523", 2022);
    assert_eq!(derived.value, 120.0);
    assert_eq!(derived.qualifier, Qualifier::Derived);
    assert_eq!(derived.doc, "c2023.txt");
    assert!(
        words(&derived.notes).contains("150 ÷ (1 + 25%)"),
        "{}",
        words(&derived.notes)
    );
    let later = row("371523", 2023);
    assert_eq!((later.prev_value, later.change), (Some(120.0), Some(30.0)));
    assert!(close(later.pct_change.expect("base"), 25.0, 1e-9));
    assert!(
        words(&later.notes).contains("derived from the change stated in c2023.txt"),
        "{}",
        words(&later.notes)
    );
    let derived = row("371524", 2022);
    assert_eq!(
        (derived.value, derived.qualifier),
        (15.0, Qualifier::Derived)
    );
    let later = row("371524", 2023);
    // 15 → 12: −3, −20%.
    assert_eq!(later.change, Some(-3.0));
    assert!(close(later.pct_change.expect("base"), -20.0, 1e-9));
    // A derived point is never a fact, never compared.
    assert_eq!(a.facts.len(), 2);
    assert!(a.comparisons.iter().all(|c| c.year == 2023));
    // The trend chart draws it, marked, and its data says so.
    assert_eq!(a.derived_points.len(), 2);
    let charts = render_charts(&a, &dict(), Lang::En, &CsvOptions::default()).expect("charts");
    let trend = charts
        .iter()
        .find(|c| c.name.starts_with("trend_legal_aid.cases"))
        .expect("trend chart");
    assert!(trend.svg.contains("120 (derived)"), "{}", trend.svg);
    let data = String::from_utf8_lossy(&trend.data_csv);
    assert!(data.contains(",derived,"), "{data}");
}

#[test]
fn r15_counties_rank_within_their_prefecture_and_province_and_level() {
    let m = "legal_aid.cases";
    let facts = [
        // Prefecture 3715: 10, 40, 30; prefecture 3716: 50, 20; 110101 in another province.
        fact("1.txt", "371521", 2023, m, 2023, 10.0),
        fact("2.txt", "371522", 2023, m, 2023, 40.0),
        fact("3.txt", "371523", 2023, m, 2023, 30.0),
        fact("4.txt", "371601", 2023, m, 2023, 50.0),
        fact("5.txt", "371602", 2023, m, 2023, 20.0),
        fact("6.txt", "110101", 2023, m, 2023, 60.0),
        // Two prefecture-level reports: compared with each other only.
        fact("7.txt", "3715", 2023, m, 2023, 1000.0),
        fact("8.txt", "3716", 2023, m, 2023, 800.0),
        // 371523 a year before, for a change to state.
        fact("0.txt", "371523", 2022, m, 2022, 25.0),
    ];
    let a = run(&facts);
    let year: Vec<_> = a
        .comparisons
        .iter()
        .filter(|c| c.basis == "year" && c.year == 2023)
        .collect();
    let get = |code: &str| *year.iter().find(|c| c.region_code == code).expect(code);
    // Counties: 60, 50, 40, 30, 20, 10 → ranks 1..6 of 6, median (40 + 30) / 2 = 35.
    for (code, rank, pref, prov) in [
        ("110101", 1, Some((1, 1, 60.0)), Some((1, 1))),
        ("371601", 2, Some((1, 2, 35.0)), Some((1, 5))),
        ("371522", 3, Some((1, 3, 30.0)), Some((2, 5))),
        ("371523", 4, Some((2, 3, 30.0)), Some((3, 5))),
        ("371602", 5, Some((2, 2, 35.0)), Some((4, 5))),
        ("371521", 6, Some((3, 3, 30.0)), Some((5, 5))),
    ] {
        let c = get(code);
        assert_eq!(
            (c.level, c.rank, c.n, c.median),
            (Level::County, rank, 6, 35.0),
            "{code}"
        );
        assert_eq!(
            (c.prefecture_rank, c.prefecture_n, c.prefecture_median),
            (pref.map(|p| p.0), pref.map(|p| p.1), pref.map(|p| p.2)),
            "{code}"
        );
        assert_eq!(
            (c.province_rank, c.province_n),
            (prov.map(|p| p.0), prov.map(|p| p.1)),
            "{code}"
        );
    }
    // Prefectures: 1000, 800 → 1 and 2 of 2, no prefecture rank, both in province 37.
    for (code, rank) in [("3715", 1), ("3716", 2)] {
        let c = get(code);
        assert_eq!(
            (c.level, c.rank, c.n),
            (Level::Prefecture, rank, 2),
            "{code}"
        );
        assert_eq!((c.prefecture_rank, c.prefecture_n), (None, None));
        assert_eq!((c.province_rank, c.province_n), (Some(rank), Some(2)));
    }
    // The page and the briefing say it: 25 → 30 is +20.0%, 2nd of its prefecture's 3.
    let found = key_findings(&a, &dict(), Lang::En);
    let change = found
        .iter()
        .find(|f| f.sentence.starts_with("县371523"))
        .expect("change finding");
    assert_eq!(
        change.sentence,
        "县371523: Legal aid cases went from 25 cases in 2022 to 30 cases in 2023 (+20.0%); \
         it ranks 2nd of its prefecture's 3 in 2023."
    );
}

#[test]
fn r15_timeliness_early_on_the_day_and_late() {
    let meta = |code: &str, year: i32, date: &str| DocMeta {
        region_code: code.into(),
        county: format!("县{code}"),
        report_year: Some(year),
        published: Some(date.into()),
        ..DocMeta::default()
    };
    let docs = vec![
        // Due 2024-04-01: 2024-03-30 is 2 days early; 2024-04-01 on the day; 2024-04-11 ten
        // days late.
        ("a.html".to_string(), meta("371521", 2023, "2024-03-30")),
        ("b.html".to_string(), meta("371522", 2023, "2024-04-01")),
        ("c.html".to_string(), meta("371523", 2023, "2024-04-11")),
        ("d.txt".to_string(), DocMeta::default()),
    ];
    let a = run_with(&[], &[], &docs);
    let got: Vec<(&str, &str, Option<i64>)> = a
        .timeliness
        .iter()
        .map(|r| {
            (
                r.doc.as_str(),
                r.deadline.as_deref().unwrap_or(""),
                r.days_late,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("a.html", "2024-04-01", Some(-2)),
            ("b.html", "2024-04-01", Some(0)),
            ("c.html", "2024-04-01", Some(10)),
        ]
    );
}

#[test]
fn values_for_part_of_a_year_stay_in_the_facts_and_out_of_every_computation() {
    // 1–6月 of 2023 (60) must not read as a fall from 2022's 100, nor rank against a year.
    let mut half = fact("h.txt", "100001", 2023, "legal_aid.cases", 2023, 60.0);
    half.scope = fazhi::model::Scope::Partial;
    let a = run(&[
        fact("x.txt", "100001", 2022, "legal_aid.cases", 2022, 100.0),
        half,
        fact("y.txt", "100002", 2023, "legal_aid.cases", 2023, 80.0),
    ]);
    assert!(a
        .facts
        .iter()
        .any(|f| f.scope == fazhi::model::Scope::Partial));
    assert!(a
        .trends
        .iter()
        .all(|t| t.year != 2023 || t.county != "县100001"));
    assert!(a.comparisons.iter().all(|c| c.value != 60.0));
}
