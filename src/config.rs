//! Validated, typed settings built from the command line before any work starts: paths
//! resolved, dictionary loaded and checked, output folder created.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use crate::analysis::{load_references, Reference};
use crate::cli::{DictArgs, InputArgs, RenderArgs};
use crate::dict::{load_dict, load_lexicon, IndicatorDict, Lexicon};
use crate::ingest::documents::{read_documents, DocumentsTable};
use crate::ingest::{IngestOptions, DEFAULT_MAX_BYTES};
use crate::render::csv::{CsvEncoding, CsvOptions};
use crate::render::labels::{install, load_labels};
use crate::render::Lang;

/// Default input folder.
pub const DEFAULT_INPUT: &str = "data/reports";
/// Default output folder.
pub const DEFAULT_OUTPUT: &str = "output";
/// Default reference values file, used when it exists.
pub const DEFAULT_REFERENCE: &str = "data/reference.csv";

/// Settings for reading reports.
#[derive(Debug, Clone)]
pub struct InputConfig {
    /// Files or folders to read.
    pub inputs: Vec<PathBuf>,
    /// Reading limits and the lexicon, which reading (HTML header fields) and extraction share.
    pub ingest: IngestOptions,
    /// Show no progress bar.
    pub quiet: bool,
    /// Place, year and level given for some inputs (`--documents`); empty when none.
    pub documents: DocumentsTable,
}

/// Settings for writing outputs.
#[derive(Debug, Clone)]
pub struct RenderConfig {
    /// Output folder.
    pub output: PathBuf,
    /// Label language.
    pub lang: Lang,
    /// CSV options.
    pub csv: CsvOptions,
    /// Published reference values.
    pub references: Vec<Reference>,
    /// Whether the analysis counts the facts marked review (`--include-review`). Default:
    /// false, it counts the `high` facts only.
    pub include_review: bool,
}

impl InputConfig {
    /// Builds the input settings, loading and checking the lexicon named by `--lexicon` (the
    /// bundled one without it); the default folder is used when no input is given. A
    /// documents file (`--documents`) is read and checked whole here, before any input.
    pub fn from_args(args: &InputArgs) -> anyhow::Result<Self> {
        let inputs = if args.inputs.is_empty() {
            vec![PathBuf::from(DEFAULT_INPUT)]
        } else {
            args.inputs.clone()
        };
        let documents = match args.documents.as_deref() {
            Some(path) => read_documents(path).context("--documents")?,
            None => DocumentsTable::default(),
        };
        let lexicon = match &args.lexicon {
            Some(p) => Arc::new(load_lexicon(Some(p)).context("--lexicon")?),
            None => Lexicon::bundled_shared(),
        };
        Ok(InputConfig {
            inputs,
            ingest: IngestOptions {
                max_bytes: args.max_size.unwrap_or(DEFAULT_MAX_BYTES),
                lexicon,
            },
            quiet: args.quiet,
            documents,
        })
    }
}

impl RenderConfig {
    /// Builds the render settings, loading reference values. A labels file (`--labels`) is
    /// loaded, checked whole and made the table every output uses, before any output exists.
    pub fn from_args(args: &RenderArgs) -> anyhow::Result<Self> {
        if let Some(path) = &args.labels {
            let labels = load_labels(Some(path)).context("--labels")?;
            if install(labels).is_err() {
                anyhow::bail!("--labels: the labels were already in use before the file was read");
            }
        }
        let references = match &args.reference {
            Some(p) => load_references(p)?,
            None if Path::new(DEFAULT_REFERENCE).exists() => {
                load_references(Path::new(DEFAULT_REFERENCE))?
            }
            None => Vec::new(),
        };
        Ok(RenderConfig {
            output: args
                .output
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_OUTPUT)),
            lang: args.lang,
            csv: CsvOptions {
                encoding: args.csv_encoding,
            },
            references,
            include_review: args.include_review,
        })
    }
}

/// Loads the dictionary named by `--indicators`, or the bundled one.
pub fn dict_from_args(args: &DictArgs) -> anyhow::Result<IndicatorDict> {
    load_dict(args.indicators.as_deref()).context("--indicators")
}

/// CSV options from an encoding flag.
pub fn csv_options(encoding: CsvEncoding) -> CsvOptions {
    CsvOptions { encoding }
}
