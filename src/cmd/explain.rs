//! `fazhi explain FILE`: what became of every number of one text, and why.

use std::io::Write;

use anyhow::Context;

use super::Outcome;
use crate::cli::{ExplainArgs, ExplainFormat};
use crate::config::dict_from_args;
use std::sync::Arc;

use crate::dict::{load_lexicon, Lexicon};
use crate::extract::Extractor;
use crate::ingest::{load_document, IngestOptions, DEFAULT_MAX_BYTES};
use crate::render::explain::{explain_csv, explain_text};

/// Reads one file, extracts it with every decision recorded, and prints them.
pub fn run(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let dict = dict_from_args(&args.dict)?;
    if let Some(id) = args.metric.as_deref() {
        anyhow::ensure!(
            dict.get(id).is_some(),
            "--metric {id}: no such indicator (see `fazhi indicators`)"
        );
    }
    let lexicon = match &args.lexicon {
        Some(p) => Arc::new(load_lexicon(Some(p)).context("--lexicon")?),
        None => Lexicon::bundled_shared(),
    };
    let opts = IngestOptions {
        max_bytes: args.max_size.unwrap_or(DEFAULT_MAX_BYTES),
        lexicon: Arc::clone(&lexicon),
    };
    let doc = load_document(&args.file, &opts)
        .with_context(|| format!("{}: cannot read", args.file.display()))?;
    let extractor = Extractor::with_lexicon(&dict, &lexicon);
    let (ex, decisions) = extractor.explain(&doc);
    let sources = extractor.metadata_sources(&doc, &ex.meta);
    let metric = args.metric.as_deref();
    let bytes = match args.format {
        ExplainFormat::Text => {
            let mut text = explain_text(&doc.name, &ex.meta, &sources, &decisions, metric);
            for w in &ex.warnings {
                text.push_str("warning ");
                text.push_str(w);
                text.push('\n');
            }
            text.into_bytes()
        }
        ExplainFormat::Csv => explain_csv(&doc.name, &decisions, metric)?,
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&bytes)?;
    stdout.flush()?;
    Ok(Outcome::Clean)
}
