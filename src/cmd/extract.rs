//! `fazhi extract`: only the facts table, as CSV to a file or stdout.

use std::io::Write;

use super::pipeline::extract_batch;
use super::Outcome;
use crate::cli::ExtractArgs;
use crate::config::{csv_options, dict_from_args, InputConfig};
use crate::output::write::write_atomic;
use crate::render::csv::export_csv;
use crate::render::table::ExportTable;

/// Extracts facts and writes them as CSV.
pub fn run(args: &ExtractArgs) -> anyhow::Result<Outcome> {
    let dict = dict_from_args(&args.dict)?;
    let input = InputConfig::from_args(&args.input)?;
    let batch = extract_batch(&input, &dict);
    for r in batch.records.iter().filter(|r| r.message.is_some()) {
        eprintln!(
            "{:?}: {}",
            r.status,
            r.message.as_deref().unwrap_or_default()
        );
    }
    // Streamed row by row: the table is never built whole.
    let bytes = export_csv(
        &ExportTable::facts(&batch.facts),
        &csv_options(args.csv_encoding),
    )?;
    match args.output.as_deref() {
        Some(p) if p.as_os_str() != "-" => write_atomic(p, &bytes)?,
        _ => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            stdout.flush()?;
        }
    }
    Ok(if batch.has_errors() {
        super::Outcome::InputsFailed
    } else {
        Outcome::Clean
    })
}
