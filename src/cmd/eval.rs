//! `fazhi eval`: score extraction against a gold facts CSV, print per-document misses, and
//! end with `precision P recall R f1 F traps T`.

use std::io::Write;

use super::pipeline::extract_batch;
use super::Outcome;
use crate::cli::EvalArgs;
use crate::config::{dict_from_args, InputConfig};
use crate::extract::score::{read_gold, score};

/// Runs extraction on the inputs and scores it.
pub fn run(args: &EvalArgs) -> anyhow::Result<Outcome> {
    let dict = dict_from_args(&args.dict)?;
    let gold = read_gold(&args.gold)?;
    let input = InputConfig::from_args(&args.input)?;
    let batch = extract_batch(&input, &dict);
    let docs: Vec<&str> = batch.documents.iter().map(|(d, _)| d.as_str()).collect();
    let result = score(&batch.facts, &gold, &docs);
    let scored_docs: Vec<&str> = docs
        .iter()
        .copied()
        .filter(|d| gold.iter().any(|g| g.doc == *d))
        .collect();
    let mut stdout = std::io::stdout().lock();
    for doc in &scored_docs {
        let misses: Vec<_> = result.misses.iter().filter(|(d, _)| d == doc).collect();
        let fps: Vec<_> = result
            .false_positives
            .iter()
            .filter(|(d, _)| d == doc)
            .collect();
        let traps: Vec<_> = result.trap_hits.iter().filter(|(d, _)| d == doc).collect();
        writeln!(
            stdout,
            "{doc}: {} missed, {} not in gold, {} traps",
            misses.len(),
            fps.len(),
            traps.len()
        )?;
        for (_, m) in misses {
            writeln!(stdout, "  miss  {m}")?;
        }
        for (_, m) in fps {
            writeln!(stdout, "  extra {m}")?;
        }
        for (_, m) in traps {
            writeln!(stdout, "  TRAP  {m}")?;
        }
    }
    writeln!(stdout, "{}", result.summary_line())?;
    Ok(Outcome::Clean)
}
