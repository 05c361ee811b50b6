//! `fazhi report`: render every output from an existing facts CSV (the round trip back from
//! a spreadsheet). Malformed rows are reported with their line number; the rest still renders.

use super::pipeline::Batch;
use super::run::render_all;
use super::Outcome;
use crate::cli::ReportArgs;
use crate::config::{dict_from_args, RenderConfig};
use crate::ingest::facts_csv::read_facts;
use crate::render::write::OutputDir;

/// Reads the facts CSV and renders.
pub fn run(args: &ReportArgs) -> anyhow::Result<Outcome> {
    let dict = dict_from_args(&args.dict)?;
    let render = RenderConfig::from_args(&args.render)?;
    let mut out = OutputDir::create(&render.output)?;
    let read = read_facts(&args.facts)?;
    for problem in &read.problems {
        eprintln!("warning: {problem}");
    }
    let batch = Batch {
        warnings: read.problems.clone(),
        ..Batch::default()
    };
    render_all(&read.facts, &batch, &dict, &render, &mut out)
        .map_err(|e| e.context(out.unfinished_note()))?;
    Ok(if read.problems.is_empty() {
        Outcome::Clean
    } else {
        Outcome::InputsFailed
    })
}
