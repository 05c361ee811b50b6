//! `fazhi run`: the whole job, from report files to every output.

use super::pipeline::{analyse_and_write, extract_batch};
use super::Outcome;
use crate::cli::RunArgs;
use crate::config::{dict_from_args, InputConfig, RenderConfig};
use crate::ingest::InputRecord;
use crate::output::{create_dir, timing::PhaseClock};

/// Runs extraction, analysis and rendering into the output folder.
pub fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let dict = dict_from_args(&args.dict)?;
    let input = InputConfig::from_args(&args.input)?;
    let render = RenderConfig::from_args(&args.render)?;
    let mut out = create_dir(&render.output)?;
    let mut clock = PhaseClock::from_env();
    let mut batch = extract_batch(&input, &dict);
    clock.lap("extract");
    // The analysis takes the facts over (sorting and deduplicating them in place) rather than
    // copying them: at national scale they are over 100 MB.
    let facts = std::mem::take(&mut batch.facts);
    analyse_and_write(facts, &batch, &dict, &render, &mut out)
        .map_err(|e| e.context(out.unfinished_note()))?;
    report_failed_inputs(&batch.records, &render.output);
    Ok(if batch.has_errors() {
        Outcome::InputsFailed
    } else {
        Outcome::Clean
    })
}

/// Names every input that could not be read, and the problem, on stderr (the manifest lists
/// every input with its status; these are the ones that exit status 1 is about).
fn report_failed_inputs(records: &[InputRecord], output: &std::path::Path) {
    let failed: Vec<&InputRecord> = records.iter().filter(|r| r.status.failed()).collect();
    for r in &failed {
        eprintln!("Error: {}", r.message.as_deref().unwrap_or(&r.path));
    }
    if !failed.is_empty() {
        eprintln!(
            "{} of {} inputs failed; every input's status is in {}",
            failed.len(),
            records.len(),
            output.join("manifest.csv").display()
        );
    }
}
