//! Batches as users run them (issue 7): folders of hundreds of files, copies among them, the
//! result independent of the thread count. The folder is generated at test time.

use std::path::{Path, PathBuf};

use fazhi::cmd::pipeline::{extract_batch, Batch};
use fazhi::config::InputConfig;
use fazhi::ingest::{IngestOptions, InputStatus};

fn reports() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reports");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("data/reports")
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("report"))
        .collect()
}

fn run(dir: &Path, threads: usize) -> Batch {
    let dict = fazhi::dict::load_dict(None).expect("bundled dictionary");
    let cfg = InputConfig {
        inputs: vec![dir.to_path_buf()],
        ingest: IngestOptions::default(),
        quiet: true,
        documents: Default::default(),
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
        .install(|| extract_batch(&cfg, &dict))
}

/// 600 files (more than two parallel chunks): each report once under its own name, then
/// copies spread through the folder, and variants that differ by one trailing line.
fn build(dir: &Path) -> usize {
    let reports = reports();
    let mut n = 0;
    for i in 0..600usize {
        let report = &reports[i % reports.len()];
        let bytes = if i % 3 == 0 && i >= reports.len() {
            // A different document (one extra line) about the same county and year.
            [report.as_slice(), format!("\n附:第{i}号\n").as_bytes()].concat()
        } else {
            report.clone()
        };
        std::fs::write(dir.join(format!("f{i:04}.txt")), bytes).expect("write");
        n += 1;
    }
    n
}

#[test]
fn big_folder_copies_read_once_and_thread_count_does_not_matter() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let n = build(tmp.path());
    let one = run(tmp.path(), 1);
    let four = run(tmp.path(), 4);
    assert_eq!(one.records.len(), n);

    // Same result whatever the thread count.
    assert_eq!(one.facts, four.facts);
    assert_eq!(one.documents, four.documents);
    assert_eq!(one.warnings, four.warnings);
    let json = |b: &Batch| serde_json::to_string(&b.records).expect("json");
    assert_eq!(json(&one), json(&four));

    // Copies: every file that is not the first of its bytes is a skipped duplicate pointing
    // at a file read earlier, including across chunk boundaries.
    let read: Vec<_> = one
        .records
        .iter()
        .filter(|r| r.status != InputStatus::Skipped)
        .collect();
    let copies: Vec<_> = one
        .records
        .iter()
        .filter(|r| r.duplicate_of.is_some())
        .collect();
    assert_eq!(read.len() + copies.len(), n);
    let distinct: std::collections::HashSet<_> = one.records.iter().map(|r| &r.sha256).collect();
    assert_eq!(read.len(), distinct.len());
    for c in &copies {
        let first = c.duplicate_of.as_deref().expect("duplicate_of");
        assert!(
            first < c.path.as_str(),
            "{} points forward to {first}",
            c.path
        );
        assert!(read.iter().any(|r| r.path == first && r.sha256 == c.sha256));
    }
    // The distinct variants about one county and year are all kept and flagged.
    let flagged = read
        .iter()
        .filter(|r| !r.same_county_year.is_empty())
        .count();
    assert!(
        flagged >= read.len() - 5,
        "{flagged} of {} flagged",
        read.len()
    );
    assert!(one.warnings.iter().any(|w| w.contains("all kept")));
}
