//! `fazhi report`: render every output from an existing facts CSV (the round trip back from
//! a spreadsheet). Malformed rows are reported with their line number; the rest still renders.

use anyhow::Context;
use sha2::{Digest, Sha256};

use super::pipeline::{analyse_and_write, Batch};
use super::Outcome;
use crate::cli::ReportArgs;
use crate::config::{dict_from_args, RenderConfig};
use crate::ingest::facts_csv::read_facts;
use crate::ingest::{InputReason, InputRecord, InputStatus};
use crate::output::create_dir;

/// Reads the facts CSV and renders. Exit status 1 when some rows were skipped.
pub fn run(args: &ReportArgs) -> anyhow::Result<Outcome> {
    let dict = dict_from_args(&args.dict)?;
    let render = RenderConfig::from_args(&args.render)?;
    let mut out = create_dir(&render.output)?;
    let read = read_facts(&args.facts, &dict).context("--facts")?;
    for problem in &read.problems {
        eprintln!("warning: {problem}");
    }
    if !read.problems.is_empty() {
        eprintln!(
            "{}: {} row(s) skipped, {} rendered",
            args.facts.display(),
            read.problems.len(),
            read.facts.len()
        );
    }
    let bytes = std::fs::read(&args.facts)
        .with_context(|| format!("cannot read {}", args.facts.display()))?;
    let record = InputRecord {
        path: args.facts.display().to_string(),
        size: Some(bytes.len() as u64),
        sha256: Some(
            Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        ),
        encoding: Some(read.encoding.to_string()),
        encoding_source: Some("facts csv".to_string()),
        malformed_bytes: 0,
        malformed_offsets: Vec::new(),
        status: if read.facts.is_empty() {
            InputStatus::NoIndicators
        } else {
            InputStatus::Ok
        },
        message: (!read.problems.is_empty())
            .then(|| format!("{} row(s) skipped, see warnings", read.problems.len())),
        reasons: if read.problems.is_empty() {
            Vec::new()
        } else {
            vec![InputReason::RowsSkipped {
                count: read.problems.len(),
            }]
        },
        facts: read.facts.len(),
        county: None,
        region_code: None,
        report_year: None,
        duplicate_of: None,
        same_county_year: Vec::new(),
        meta_source: None,
        level: None,
    };
    let batch = Batch {
        records: vec![record],
        warnings: read.problems.clone(),
        ..Batch::default()
    };
    analyse_and_write(read.facts, &batch, &dict, &render, &mut out)
        .map_err(|e| e.context(out.unfinished_note()))?;
    Ok(if read.problems.is_empty() {
        Outcome::Clean
    } else {
        Outcome::InputsFailed
    })
}
