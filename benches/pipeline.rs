//! Criterion benches of the pipeline's stages on the bundled reports:
//! `extract::bundled` (throughput in bytes), `dataset::facts_frame`, `analysis::analyse`,
//! `render::charts` and `render::page`. Run with `cargo bench --bench pipeline`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use fazhi::analysis::analyse;
use fazhi::dict::load_dict;
use fazhi::extract::{extract_document, Fact};
use fazhi::ingest::{document_from_text, Document};
use fazhi::render::chart::render_charts;
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
            render_charts(&analysis, &dict, Lang::Zh)
                .expect("charts")
                .len()
        })
    });
    let charts = render_charts(&analysis, &dict, Lang::Zh).expect("charts");
    c.bench_function("render::page", |b| {
        b.iter(|| {
            render_page(&PageContext {
                analysis: &analysis,
                dict: &dict,
                inputs: &[],
                charts: &charts,
                lang: Lang::Zh,
            })
            .len()
        })
    });
}

criterion_group!(benches, extract, dataset_and_analysis, render);
criterion_main!(benches);
