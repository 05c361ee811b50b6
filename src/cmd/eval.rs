//! `fazhi eval`: score extraction against a gold facts CSV, print per-document misses, with
//! `--documents` score the metadata against a gold documents CSV, and end with
//! `precision P recall R f1 F traps T`.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::pipeline::extract_batch;
use super::Outcome;
use crate::cli::EvalArgs;
use crate::config::{dict_from_args, InputConfig};
use crate::extract::divisions::Tables;
use crate::extract::metadata::{names_a_year, names_unit};
use crate::extract::score::{read_gold, read_gold_documents, score, score_metadata, MetaRead};
use crate::ingest::load_document;

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
    if let Some(path) = args.gold_documents.as_deref() {
        let gold_docs = read_gold_documents(path)?;
        // What each text names is read again from the file: only eval asks it.
        let lex = &input.ingest.lexicon;
        let tables = Tables::for_lexicon(lex);
        let texts: HashMap<&str, String> = batch
            .records
            .iter()
            .filter_map(|r| {
                let doc = load_document(Path::new(&r.path), &input.ingest).ok()?;
                let name = batch
                    .documents
                    .iter()
                    .find(|(d, _)| *d == doc.name)?
                    .0
                    .as_str();
                Some((name, doc.text))
            })
            .collect();
        let read: Vec<MetaRead> = batch
            .documents
            .iter()
            .map(|(d, m)| {
                let text = texts.get(d.as_str()).map_or("", String::as_str);
                let gold_code = gold_docs
                    .iter()
                    .find(|g| g.doc == *d)
                    .map_or("", |g| g.region_code.as_str());
                MetaRead {
                    doc: d.as_str(),
                    region_code: m.region_code.as_str(),
                    report_year: m.report_year,
                    names_place: names_unit(text, gold_code, lex, &tables),
                    names_year: names_a_year(text, lex),
                }
            })
            .collect();
        let meta = score_metadata(&read, &gold_docs);
        for (doc, m) in &meta.misses {
            writeln!(stdout, "{doc}: meta  {m}")?;
        }
        writeln!(stdout, "{}", meta.summary_line())?;
    }
    writeln!(stdout, "{}", result.summary_line())?;
    Ok(Outcome::Clean)
}
