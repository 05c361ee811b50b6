//! The shared front half of `run`, `extract` and `eval`: discover inputs, read each one,
//! extract its facts, and record every input's status. One bad file never stops the batch.

use crate::config::InputConfig;
use crate::dict::IndicatorDict;
use crate::extract::{extract_document, DocMeta, Fact};
use crate::ingest::{discover, load_document, Candidate, InputRecord, InputStatus};

/// What reading and extracting a batch produced.
#[derive(Debug, Default)]
pub struct Batch {
    /// One record per input, in discovery order.
    pub records: Vec<InputRecord>,
    /// Every fact, in input order then text order.
    pub facts: Vec<Fact>,
    /// Target values (plans), kept apart from facts.
    pub targets: Vec<Fact>,
    /// Metadata per document read, in input order (doc name, metadata).
    pub documents: Vec<(String, DocMeta)>,
    /// Non-fatal problems, each naming its file.
    pub warnings: Vec<String>,
}

impl Batch {
    /// True when some input could not be read.
    pub fn has_errors(&self) -> bool {
        self.records.iter().any(|r| r.status == InputStatus::Error)
    }
}

/// Reads and extracts every input.
pub fn extract_batch(cfg: &InputConfig, dict: &IndicatorDict) -> Batch {
    let mut batch = Batch::default();
    for candidate in discover(&cfg.inputs) {
        match candidate {
            Candidate::Skipped(path, reason) => {
                batch
                    .records
                    .push(InputRecord::unread(&path, InputStatus::Skipped, reason));
            }
            Candidate::Error(path, message) => {
                batch
                    .records
                    .push(InputRecord::unread(&path, InputStatus::Error, message));
            }
            Candidate::File(path) => match load_document(&path, &cfg.ingest) {
                Err(e) => batch.records.push(InputRecord::unread(
                    &path,
                    InputStatus::Error,
                    e.to_string(),
                )),
                Ok(doc) => {
                    let mut record = InputRecord::read(&doc);
                    let ex = extract_document(&doc, dict);
                    record.facts = ex.facts.len();
                    record.status = if ex.facts.is_empty() {
                        InputStatus::NoIndicators
                    } else {
                        InputStatus::Ok
                    };
                    record.county = Some(ex.meta.county.clone()).filter(|c| !c.is_empty());
                    record.region_code =
                        Some(ex.meta.region_code.clone()).filter(|c| !c.is_empty());
                    record.report_year = ex.meta.report_year;
                    batch.records.push(record);
                    batch.facts.extend(ex.facts);
                    batch.targets.extend(ex.targets);
                    batch.warnings.extend(ex.warnings);
                    batch.documents.push((doc.name.clone(), ex.meta));
                }
            },
        }
    }
    batch
}
