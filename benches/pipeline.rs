//! Criterion benches of the pipeline's stages on the bundled reports:
//! `extract::bundled` (throughput in bytes), `dataset::facts_frame`, `analysis::analyse`,
//! `render::charts` and `render::page`, plus `national::*`: the same stages on 50,000 synthetic
//! facts (2,500 counties × 5 years × 4 indicators), to show how they scale, and
//! `national::analyse_200k`: the analysis on 200,000 synthetic facts (10,000 counties in 100
//! prefectures), the size of the facts of 20,000 generated reports (issue 15's target of
//! ≤ 0.5 s is measured at that size; see BENCHMARKS.md).
//! Run with `cargo bench --bench pipeline`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use fazhi::analysis::{analyse, analyse_collapsed, collapse_repeats};
use fazhi::dict::load_dict;
use fazhi::extract::extract_document;
use fazhi::ingest::{document_from_text, Document};
use fazhi::model::Fact;
use fazhi::render::chart::render_charts;
use fazhi::render::csv::CsvOptions;
use fazhi::render::html::{render_page, PageContext};
use fazhi::render::Lang;

const REPORTS: [(&str, &str); 5] = [
    (
        "000_fb63a9ae8bf308c5.txt",
        include_str!("../data/reports/000_fb63a9ae8bf308c5.txt"),
    ),
    (
        "001_56789668b4b53de4.txt",
        include_str!("../data/reports/001_56789668b4b53de4.txt"),
    ),
    (
        "002_8ddf348b2423e885.txt",
        include_str!("../data/reports/002_8ddf348b2423e885.txt"),
    ),
    (
        "003_14537a11da58042f.txt",
        include_str!("../data/reports/003_14537a11da58042f.txt"),
    ),
    (
        "004_bbb8e3ef661478ff.txt",
        include_str!("../data/reports/004_bbb8e3ef661478ff.txt"),
    ),
];

fn documents() -> Vec<Document> {
    REPORTS
        .iter()
        .map(|(name, text)| document_from_text(name, text))
        .collect()
}

fn bundled_facts(docs: &[Document]) -> Vec<Fact> {
    let dict = load_dict(None).expect("bundled dictionary");
    docs.iter()
        .flat_map(|d| extract_document(d, &dict).facts)
        .collect()
}

fn extract(c: &mut Criterion) {
    let dict = load_dict(None).expect("bundled dictionary");
    let docs = documents();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("bundled", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| extract_document(d, &dict).facts.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn dataset_and_analysis(c: &mut Criterion) {
    let dict = load_dict(None).expect("bundled dictionary");
    let facts = bundled_facts(&documents());
    c.bench_function("dataset::facts_frame", |b| {
        b.iter(|| fazhi::dataset::facts_frame(&facts).expect("frame").height())
    });
    c.bench_function("analysis::analyse", |b| {
        b.iter(|| analyse(&facts, &dict, &[]).expect("analysis").facts.len())
    });
}

fn render(c: &mut Criterion) {
    let dict = load_dict(None).expect("bundled dictionary");
    let facts = bundled_facts(&documents());
    let analysis = analyse(&facts, &dict, &[]).expect("analysis");
    c.bench_function("render::charts", |b| {
        b.iter(|| {
            render_charts(&analysis, &dict, Lang::Zh, &CsvOptions::default())
                .expect("charts")
                .len()
        })
    });
    let charts = render_charts(&analysis, &dict, Lang::Zh, &CsvOptions::default()).expect("charts");
    c.bench_function("render::page", |b| {
        b.iter(|| {
            render_page(&PageContext {
                analysis: &analysis,
                dict: &dict,
                inputs: &[],
                charts: &charts,
                review: Default::default(),
                lang: Lang::Zh,
                unplaced: None,
            })
            .len()
        })
    });
}

/// Synthetic national facts: `counties` counties, 2019–2023, four reconsideration indicators
/// with deterministic values (received ≥ concluded ≥ corrected).
fn national_facts(counties: usize) -> Vec<Fact> {
    let mut facts = Vec::new();
    for i in 0..counties {
        let code = format!("{:06}", 110_000 + i);
        for year in 2019..=2023 {
            let received = ((i * 37 + year as usize * 11) % 500 + 20) as f64;
            for (metric, value) in [
                ("reconsideration.received", received),
                ("reconsideration.concluded", (received * 0.8).round()),
                ("reconsideration.corrected", (received * 0.1).round()),
                ("litigation.cases", (received * 0.6).round()),
            ] {
                facts.push(Fact {
                    doc: format!("{code}_{year}.txt"),
                    region_code: code.clone(),
                    province: "省".into(),
                    prefecture: "市".into(),
                    county: format!("县{i}"),
                    report_year: Some(year),
                    metric: metric.into(),
                    year,
                    value,
                    unit: "件".into(),
                    evidence: format!("{metric} {value}件"),
                    ..Fact::default()
                });
            }
        }
    }
    facts
}

fn national(c: &mut Criterion) {
    let dict = load_dict(None).expect("bundled dictionary");
    let facts = national_facts(2_500);
    let mut group = c.benchmark_group("national");
    group.sample_size(10);
    group.bench_function("analyse", |b| {
        b.iter(|| analyse(&facts, &dict, &[]).expect("analysis").facts.len())
    });
    let analysis = analyse(&facts, &dict, &[]).expect("analysis");
    group.bench_function("charts", |b| {
        b.iter(|| {
            render_charts(&analysis, &dict, Lang::Zh, &CsvOptions::default())
                .expect("charts")
                .len()
        })
    });
    let charts = render_charts(&analysis, &dict, Lang::Zh, &CsvOptions::default()).expect("charts");
    group.bench_function("page", |b| {
        b.iter(|| {
            render_page(&PageContext {
                analysis: &analysis,
                dict: &dict,
                inputs: &[],
                charts: &charts,
                review: Default::default(),
                lang: Lang::Zh,
                unplaced: None,
            })
            .len()
        })
    });
    // The analysis alone, as `fazhi run` times it: after the facts are collapsed (their copy,
    // sort and collapse are another lap of the run).
    let (facts, _) = collapse_repeats(national_facts(10_000)).expect("collapse");
    group.bench_function("analyse_200k", |b| {
        b.iter(|| {
            analyse_collapsed(&facts, &dict, &[])
                .expect("analysis")
                .comparisons
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, extract, dataset_and_analysis, render, national);
criterion_main!(benches);
