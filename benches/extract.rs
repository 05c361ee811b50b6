//! Extraction throughput (MB/s) on the bundled reports: `extract::document` runs the whole of
//! stage 2 (normalise, scan numbers, attribute, metadata) on each report; `extract::numbers`
//! runs only the number scanner. Issue 8 targets 150 MB/s per core in release builds.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fazhi::dict::{load_dict, Lexicon};
use fazhi::extract::{normalize, number, Extractor};
use fazhi::ingest::document_from_text;

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

fn bytes() -> u64 {
    REPORTS.iter().map(|(_, t)| t.len() as u64).sum()
}

fn document(c: &mut Criterion) {
    let dict = load_dict(None).expect("bundled dictionary");
    let docs: Vec<_> = REPORTS
        .iter()
        .map(|(name, text)| document_from_text(name, text))
        .collect();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(bytes()));
    // As in a batch: the dictionary is compiled once, outside the timed loop.
    let extractor = Extractor::new(&dict);
    group.bench_function("document", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(extractor.extract(black_box(d)));
            }
        })
    });
    let lexicon = Lexicon::bundled();
    group.bench_function("numbers", |b| {
        b.iter(|| {
            for (_, text) in REPORTS {
                let norm = normalize::normalize(black_box(text), lexicon);
                black_box(number::scan(&norm.chars, lexicon));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, document);
criterion_main!(benches);
