//! The shared halves of the subcommands. The front half (`run`, `extract`, `eval`): discover
//! inputs, read each one, extract its facts, and record every input's status; one bad file
//! never stops the batch. The back half (`run`, `report`): analyse the facts (the `high` ones
//! unless `--include-review`, see [`split_review`]) and write every output.
//!
//! Inputs are read and extracted in parallel, a chunk at a time (memory stays bounded by the
//! chunk, not the batch), then assembled strictly in discovery order, so the result is the
//! same whatever the thread count. Byte-identical copies are read once: later copies are
//! listed as skipped with the path of the first. Different documents about the same county
//! and year are all kept, and each is flagged with the others' paths.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context;
use rayon::prelude::*;

use crate::analysis::{analyse_collapsed_with, collapse_repeats, Analysis, Inputs, Reference};
use crate::config::{InputConfig, RenderConfig};
use crate::dict::IndicatorDict;
use crate::extract::{Extraction, Extractor};
use crate::ingest::{
    discover, load_document, Candidate, Document, InputReason, InputRecord, InputStatus,
};
use crate::model::{Confidence, DocMeta, Fact, StatedChange};
use crate::output::timing::{timed, PhaseClock};
use crate::output::write::OutputDir;
use crate::output::{write_outputs, Run};
use crate::render::review::ReviewFacts;

/// Inputs read and extracted together before their results are assembled.
const CHUNK: usize = 256;

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
    /// Changes the documents state (同比增长…), in input order.
    pub stated_changes: Vec<StatedChange>,
    /// Non-fatal problems, each naming its file.
    pub warnings: Vec<String>,
}

impl Batch {
    /// True when some input could not be read.
    pub fn has_errors(&self) -> bool {
        self.records.iter().any(|r| r.status.failed())
    }
}

/// Analyses `facts` and writes every output into `out`; `batch` supplies the inputs' records,
/// stated changes and warnings (its own facts are not used). The analysis counts the `high`
/// facts only unless `cfg.include_review`; the outputs list the others for review.
pub fn analyse_and_write(
    facts: Vec<Fact>,
    batch: &Batch,
    dict: &IndicatorDict,
    cfg: &RenderConfig,
    out: &mut OutputDir,
) -> anyhow::Result<()> {
    let mut clock = PhaseClock::from_env();
    let (facts, outliers) = timed("outliers", || flag_outliers(facts))?;
    let (counted, review) = split_review(facts, cfg.include_review);
    let mut analysis = analyse(counted, batch, dict, &cfg.references)?;
    analysis.national.outliers = outliers;
    clock.lap("analyse");
    let run = Run {
        analysis: &analysis,
        dict,
        inputs: &batch.records,
        review: ReviewFacts {
            facts: &review,
            counted: cfg.include_review,
        },
        stated_changes: &batch.stated_changes,
        warnings: &batch.warnings,
        lang: cfg.lang,
        csv: cfg.csv,
    };
    write_outputs(&run, out)?;
    clock.lap("outputs");
    Ok(())
}

/// The facts with every outlier marked review (reason `outlier`), and the outliers' rows.
///
/// The order is: detect on the values, then flag, then split. Detection reads the `high`
/// facts only (a value already in doubt is no one's peer) and runs before the split, so the
/// outliers leave the analysis like any other review fact: no median, rank, trend or finding
/// rests on a value that is probably a misreading (a figure in 万 read as units, a typo),
/// while the page's review list and outliers.csv show it with its peers' figures. With
/// `--include-review` they are counted again, as every review fact is.
pub fn flag_outliers(
    mut facts: Vec<Fact>,
) -> anyhow::Result<(Vec<Fact>, Vec<crate::analysis::national::OutlierRow>)> {
    use crate::analysis::national;
    let (positions, rows) = national::detect_outliers(&facts).context("outliers")?;
    national::flag_outliers(&mut facts, &positions);
    Ok((facts, rows))
}

/// The facts the analysis counts, and every fact marked review in fact order
/// ([`Fact::order_key`]). Issue 14: "the page and the briefing use `high` facts by default and
/// list the others for review". Without `include_review` the review facts are moved out of the
/// analysis (no figure, finding, comparison or chart rests on them); with it they stay in, and
/// the list holds copies, so the page and the briefing still name them.
pub fn split_review(facts: Vec<Fact>, include_review: bool) -> (Vec<Fact>, Vec<Fact>) {
    let is_review = |f: &Fact| f.confidence == Confidence::Review;
    let (counted, mut review) = if include_review {
        let review = facts.iter().filter(|f| is_review(f)).cloned().collect();
        (facts, review)
    } else if facts.iter().any(is_review) {
        facts.into_iter().partition(|f| !is_review(f))
    } else {
        (facts, Vec::new())
    };
    review.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    (counted, review)
}

/// The analysis of `facts` (repeats collapsed, kept beside them), with the documents' metadata
/// and stated changes from `batch` and the published `references`.
pub fn analyse(
    facts: Vec<Fact>,
    batch: &Batch,
    dict: &IndicatorDict,
    references: &[Reference],
) -> anyhow::Result<Analysis> {
    let mut clock = PhaseClock::from_env();
    let (facts, repeats) = collapse_repeats(facts).context("analysis")?;
    clock.lap("collapse repeats");
    let inputs = Inputs {
        references,
        stated_changes: &batch.stated_changes,
        documents: &batch.documents,
    };
    let mut analysis =
        timed("analyse", || analyse_collapsed_with(&facts, dict, &inputs)).context("analysis")?;
    analysis.facts = facts;
    analysis.repeats = repeats;
    Ok(analysis)
}

/// One candidate after reading and extraction (done in parallel).
enum Processed {
    Unread(Box<InputRecord>),
    Read(Box<(Document, Extraction)>),
}

/// Reads and extracts every input.
pub fn extract_batch(cfg: &InputConfig, dict: &IndicatorDict) -> Batch {
    let candidates = discover(&cfg.inputs);
    let progress = progress_bar(cfg, candidates.len());
    let mut batch = Batch::default();
    // sha256 → path of the first copy read.
    let mut seen: HashMap<String, String> = HashMap::new();
    // The dictionary and the lexicon are compiled once and shared by every worker.
    let extractor = Extractor::with_lexicon(dict, &cfg.ingest.lexicon);
    for chunk in candidates.chunks(CHUNK) {
        let processed: Vec<Processed> = chunk
            .par_iter()
            .map(|candidate| {
                let p = process(candidate, cfg, &extractor);
                if let Some(bar) = &progress {
                    bar.inc(1);
                }
                p
            })
            .collect();
        for p in processed {
            match p {
                Processed::Unread(record) => batch.records.push(*record),
                Processed::Read(boxed) => {
                    let (doc, ex) = *boxed;
                    let path = doc.path.display().to_string();
                    let mut record = InputRecord::read(&doc);
                    if let Some(first) = seen.get(&doc.sha256) {
                        record.status = InputStatus::Skipped;
                        record.message = Some(format!(
                            "{path}: byte-identical duplicate of {first}, which was read instead"
                        ));
                        record.reasons = vec![InputReason::Duplicate {
                            first: first.clone(),
                        }];
                        record.duplicate_of = Some(first.clone());
                        batch.records.push(record);
                        continue;
                    }
                    seen.insert(doc.sha256.clone(), path.clone());
                    record.facts = ex.facts.len();
                    record.status = if ex.facts.is_empty() {
                        InputStatus::NoIndicators
                    } else {
                        InputStatus::Ok
                    };
                    (record.message, record.reasons) = notes(&doc);
                    record.county = Some(ex.meta.county.clone()).filter(|c| !c.is_empty());
                    record.region_code =
                        Some(ex.meta.region_code.clone()).filter(|c| !c.is_empty());
                    record.level = ex.meta.level;
                    record.report_year = ex.meta.report_year;
                    record.meta_source = ex.meta_source.clone();
                    batch.records.push(record);
                    batch.facts.extend(ex.facts);
                    batch.targets.extend(ex.targets);
                    batch.stated_changes.extend(ex.stated_changes);
                    batch.warnings.extend(ex.warnings);
                    batch.documents.push((doc.name.clone(), ex.meta));
                }
            }
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    flag_same_county_year(&mut batch);
    batch
}

/// Reads and extracts one candidate; never panics on bad input, never fails the batch.
fn process(candidate: &Candidate, cfg: &InputConfig, extractor: &Extractor<'_>) -> Processed {
    match candidate {
        Candidate::Skipped(path, reason) => Processed::Unread(Box::new(InputRecord::unread(
            path,
            InputStatus::Skipped,
            InputReason::Skipped,
            reason.clone(),
        ))),
        Candidate::Error(path, message) => Processed::Unread(Box::new(InputRecord::unread(
            path,
            InputStatus::Error,
            InputReason::Unreadable,
            message.clone(),
        ))),
        Candidate::File(path) => match load_document(path, &cfg.ingest) {
            Err(e) => Processed::Unread(Box::new(InputRecord::unread(
                path,
                e.status(),
                e.reason(),
                e.to_string(),
            ))),
            Ok(doc) => {
                let given = cfg.documents.lookup(&doc.name, &doc.sha256);
                let ex = extractor.extract_given(&doc, given);
                Processed::Read(Box::new((doc, ex)))
            }
        },
    }
}

/// Things worth telling about a document that was read fine: the sentence for the manifest
/// and the same as reasons.
fn notes(doc: &Document) -> (Option<String>, Vec<InputReason>) {
    let mut notes = Vec::new();
    let mut reasons = Vec::new();
    if doc.path.file_name().and_then(|n| n.to_str()).is_none() {
        notes.push(format!(
            "the file name is not valid UTF-8; it is shown as {}",
            doc.name
        ));
        reasons.push(InputReason::NameNotUtf8);
    }
    if let Some(&first_offset) = doc.malformed_offsets.first() {
        notes.push(format!(
            "{} malformed byte sequence(s) in {} replaced with U+FFFD, the first at byte {}",
            doc.malformed_offsets.len(),
            doc.encoding,
            first_offset
        ));
        reasons.push(InputReason::Malformed {
            count: doc.malformed_offsets.len(),
            encoding: doc.encoding.clone(),
            first_offset,
        });
    }
    let message =
        (!notes.is_empty()).then(|| format!("{}: {}", doc.path.display(), notes.join("; ")));
    (message, reasons)
}

/// Flags documents that share a county and a report year, and warns once per group.
fn flag_same_county_year(batch: &mut Batch) {
    let mut groups: BTreeMap<(String, i32), Vec<usize>> = BTreeMap::new();
    for (i, r) in batch.records.iter().enumerate() {
        if !matches!(r.status, InputStatus::Ok | InputStatus::NoIndicators) {
            continue;
        }
        let county = r.region_code.clone().or_else(|| r.county.clone());
        if let (Some(county), Some(year)) = (county, r.report_year) {
            groups.entry((county, year)).or_default().push(i);
        }
    }
    for ((_, year), members) in groups.into_iter().filter(|(_, m)| m.len() > 1) {
        let paths: Vec<String> = members
            .iter()
            .map(|&i| batch.records[i].path.clone())
            .collect();
        let county = batch.records[members[0]].county.clone().unwrap_or_default();
        batch.warnings.push(format!(
            "{} documents about {county} {year}, all kept: {}",
            members.len(),
            paths.join(", ")
        ));
        for &i in &members {
            let own = batch.records[i].path.clone();
            batch.records[i].same_county_year =
                paths.iter().filter(|p| **p != own).cloned().collect();
        }
    }
}

fn progress_bar(cfg: &InputConfig, len: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if cfg.quiet || len < 2 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;
    use std::path::PathBuf;

    fn cfg(inputs: Vec<PathBuf>) -> InputConfig {
        InputConfig {
            inputs,
            ingest: IngestOptions::default(),
            quiet: true,
            documents: Default::default(),
        }
    }

    #[test]
    fn duplicates_read_once_and_same_county_year_flagged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let report = "莘县2023年法治政府建设工作报告\n2023年,莘县办理法律援助案件100件。\n";
        let other = "莘县司法局2023年法治政府建设情况报告\n2023年,莘县开展普法活动。\n";
        std::fs::write(dir.path().join("a.txt"), report).expect("write");
        std::fs::write(dir.path().join("b.txt"), report).expect("write");
        std::fs::write(dir.path().join("c.txt"), other).expect("write");
        let dict = crate::dict::load_dict(None).expect("bundled dictionary");
        let batch = extract_batch(&cfg(vec![dir.path().to_path_buf()]), &dict);
        let statuses: Vec<(InputStatus, bool)> = batch
            .records
            .iter()
            .map(|r| (r.status, r.duplicate_of.is_some()))
            .collect();
        assert_eq!(statuses[1], (InputStatus::Skipped, true));
        assert!(batch.records[1]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("byte-identical duplicate of")));
        assert_eq!(batch.documents.len(), 2);
        assert_eq!(batch.records[0].same_county_year.len(), 1);
        assert!(batch.records[0].same_county_year[0].ends_with("c.txt"));
        assert!(batch.records[2].same_county_year[0].ends_with("a.txt"));
        assert!(batch.records[1].same_county_year.is_empty());
        assert!(batch.warnings.iter().any(|w| w.contains("all kept")));
    }
}
