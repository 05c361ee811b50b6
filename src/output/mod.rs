//! Stage 5: the files of a run. [`OUTPUTS`] declares every output a run writes, in the order
//! they are put in place, and what each needs besides the analysis. From that one list follow:
//!
//! - the schedule: each output is built as soon as the outputs it needs are built, side by
//!   side with the others (rayon), so the workbook, the longest, never waits for the page;
//! - the atomic writes: every builder stages its files (written and synced under temporary
//!   names, see [`write`](mod@write)) and nothing is put in place until all are built; then they are put
//!   in place in the declared order, so the folder, the manifest and the marker read the same
//!   whatever the thread count;
//! - the manifest's list of outputs: the names the builders before it staged, in order;
//! - the incomplete-run marker: it lists the plan, then what has been put in place.
//!
//! The builders only call render's pure functions and stage their bytes; nothing here decides
//! what an output says.

pub mod timing;
pub mod write;

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use anyhow::Context;

use crate::analysis::Analysis;
use crate::dict::IndicatorDict;
use crate::ingest::InputRecord;
use crate::model::StatedChange;
use crate::render::briefing::render_briefing;
use crate::render::chart::data::Grid;
use crate::render::chart::{render_charts_from, Chart};
use crate::render::csv::{export_csv, CsvOptions};
use crate::render::docx::{render_briefing_docx, DocxContext};
use crate::render::html::{render_page_with, PageContext};
use crate::render::manifest::{manifest_csv, manifest_json, CheckEntry, Manifest, Summary};
use crate::render::place::placed;
use crate::render::reasons::check_message;
use crate::render::review::ReviewFacts;
use crate::render::table::{export_sources_with, ExportTable, TableInputs};
use crate::render::xlsx::{WorkbookContext, WorkbookWriter};
use crate::render::Lang;
use timing::timed;
use write::{OutputDir, StagedFile};

/// One output of a run: one file or a family of files built together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One CSV per exported table (facts, wide, trends, …, stated_changes).
    Tables,
    /// The workbook: the same tables as sheets, plus the column and source sheets.
    Workbook,
    /// The Markdown briefing.
    Briefing,
    /// Each chart as SVG, PNG and the CSV of its data, under `charts/`.
    Charts,
    /// The summary page, which shows the charts.
    Page,
    /// The briefing as a Word document, with the key charts' PNGs.
    BriefingDocx,
    /// manifest.csv and manifest.json, which list every other output; manifest.json is put in
    /// place last, and its presence says the run finished.
    Manifest,
}

/// Every output, in the order its files are put in place and listed in the manifest.
pub const OUTPUTS: [Output; 7] = [
    Output::Tables,
    Output::Workbook,
    Output::Briefing,
    Output::Charts,
    Output::Page,
    Output::BriefingDocx,
    Output::Manifest,
];

impl Output {
    /// Short name, for timings and errors.
    pub fn name(self) -> &'static str {
        match self {
            Output::Tables => "tables",
            Output::Workbook => "workbook",
            Output::Briefing => "briefing",
            Output::Charts => "charts",
            Output::Page => "page",
            Output::BriefingDocx => "briefing docx",
            Output::Manifest => "manifest",
        }
    }

    /// The files it writes, as the incomplete-run marker lists them.
    pub fn files(self) -> &'static str {
        match self {
            Output::Tables => "one CSV per table: facts.csv, wide.csv, trends.csv, …",
            Output::Workbook => "fazhi.xlsx",
            Output::Briefing => "briefing.md",
            Output::Charts => "charts/: each chart as .svg, .png and .csv",
            Output::Page => "index.html",
            Output::BriefingDocx => "briefing.docx",
            Output::Manifest => "manifest.csv, then manifest.json (last)",
        }
    }

    /// The outputs it needs built first (every output reads the analysis).
    pub fn needs(self) -> &'static [Output] {
        match self {
            Output::Tables | Output::Workbook | Output::Briefing | Output::Charts => &[],
            // The page shows the charts' SVG and reads the grid they were drawn from; the Word
            // briefing shows their PNGs.
            Output::Page | Output::BriefingDocx => &[Output::Charts],
            // It lists every other output's files.
            Output::Manifest => &[
                Output::Tables,
                Output::Workbook,
                Output::Briefing,
                Output::Charts,
                Output::Page,
                Output::BriefingDocx,
            ],
        }
    }

    fn position(self) -> usize {
        OUTPUTS
            .iter()
            .position(|&o| o == self)
            .expect("every output is declared")
    }

    /// Builds the output and stages its files (written under temporary names, not in place).
    fn build(self, job: &Job<'_, '_>) -> anyhow::Result<Vec<StagedFile>> {
        let run = job.run;
        match self {
            Output::Tables => {
                // Each CSV is staged as soon as it is made, so at most one is in memory.
                let mut staged = Vec::with_capacity(job.tables.len());
                for table in &job.tables {
                    let bytes = export_csv(table, &run.csv)?;
                    staged.extend(
                        job.out
                            .stage_batch(&[(format!("{}.csv", table.name), &bytes)])?,
                    );
                }
                Ok(staged)
            }
            Output::Workbook => {
                // Streamed into its file: at national scale it is tens of MB.
                let mut file = job.out.stage("fazhi.xlsx")?;
                let mut book = WorkbookWriter::new(run.lang)?;
                for table in &job.tables {
                    book.add_table(table)?;
                }
                let ctx = WorkbookContext {
                    analysis: run.analysis,
                    dict: run.dict,
                    inputs: run.inputs,
                    lang: run.lang,
                };
                book.finish_into(&ctx, &job.tables, file.writer())?;
                Ok(vec![file])
            }
            Output::Briefing => {
                let bytes = render_briefing(job.shown, run.review, run.dict, run.lang);
                job.out
                    .stage_batch(&[("briefing.md".to_string(), bytes.as_slice())])
            }
            Output::Charts => {
                let grid = job.grid.get_or_init(|| Grid::build(job.shown, run.dict));
                let charts = render_charts_from(grid, job.shown, run.dict, run.lang, &run.csv)
                    .context("charts")?;
                let staged = job.out.stage_batch(&chart_files(&charts))?;
                job.charts
                    .set(charts)
                    .map_err(|_| anyhow::anyhow!("bug: the charts were drawn twice"))?;
                Ok(staged)
            }
            Output::Page => {
                let charts = job
                    .charts
                    .get()
                    .context("bug: the page before the charts")?;
                let grid = job.grid.get_or_init(|| Grid::build(job.shown, run.dict));
                let ctx = PageContext {
                    analysis: job.shown,
                    dict: run.dict,
                    inputs: run.inputs,
                    charts,
                    review: run.review,
                    lang: run.lang,
                    unplaced: run.lang.is_en().then_some(run.analysis),
                };
                let page = render_page_with(&ctx, grid);
                job.out
                    .stage_batch(&[("index.html".to_string(), page.as_slice())])
            }
            Output::BriefingDocx => {
                let charts = job
                    .charts
                    .get()
                    .context("bug: the Word briefing before the charts")?;
                let ctx = DocxContext {
                    analysis: run.analysis,
                    review: run.review,
                    dict: run.dict,
                    charts,
                    lang: run.lang,
                };
                let bytes = render_briefing_docx(&ctx)?;
                job.out
                    .stage_batch(&[("briefing.docx".to_string(), bytes.as_slice())])
            }
            Output::Manifest => {
                let manifest = Manifest {
                    tool: format!("fazhi {}", env!("CARGO_PKG_VERSION")),
                    inputs: run.inputs,
                    summary: Summary::of(
                        run.inputs,
                        run.analysis.facts.len()
                            + run.analysis.repeats.len()
                            + run.review.left_out().len(),
                    ),
                    checks: run
                        .analysis
                        .checks
                        .iter()
                        .map(|c| CheckEntry {
                            check: c,
                            message: check_message(&c.reason, run.dict, run.lang),
                        })
                        .collect(),
                    conflicts: &run.analysis.conflicts,
                    warnings: run.warnings,
                    outputs: job.manifest_outputs(),
                };
                job.out.stage_batch(&[
                    (
                        "manifest.csv".to_string(),
                        manifest_csv(&manifest)?.as_slice(),
                    ),
                    (
                        "manifest.json".to_string(),
                        manifest_json(&manifest)?.as_slice(),
                    ),
                ])
            }
        }
    }
}

/// What every output reads: the finished analysis and the run's settings.
pub struct Run<'a> {
    /// The analysis, with the facts it counted (the `high` ones unless `--include-review`)
    /// and their repeats.
    pub analysis: &'a Analysis,
    /// Indicator names and units.
    pub dict: &'a IndicatorDict,
    /// Every input with its status.
    pub inputs: &'a [InputRecord],
    /// The facts marked review, and whether the analysis counted them.
    pub review: ReviewFacts<'a>,
    /// Every change the reports state (the stated changes table).
    pub stated_changes: &'a [StatedChange],
    /// Non-fatal problems met while reading, each naming its file.
    pub warnings: &'a [String],
    /// Label language.
    pub lang: Lang,
    /// Encoding of the CSV files.
    pub csv: CsvOptions,
}

/// Creates the output folder up front (a bad `-o` fails before any work), its marker listing
/// the declared outputs.
pub fn create_dir(root: &Path) -> anyhow::Result<OutputDir> {
    let plan = OUTPUTS.iter().map(|o| o.files().to_string()).collect();
    OutputDir::create_with_plan(root, plan)
}

/// Builds every declared output and puts its files in place, in the declared order; the
/// folder is marked finished once manifest.json is in place.
pub fn write_outputs(run: &Run<'_>, out: &mut OutputDir) -> anyhow::Result<()> {
    let inputs = TableInputs {
        review: run.review,
        stated_changes: run.stated_changes,
    };
    let tables =
        export_sources_with(run.analysis, inputs, run.dict, run.lang).context("export tables")?;
    let placed_analysis = run.lang.is_en().then(|| placed(run.analysis));
    let job = Job {
        run,
        out,
        shown: placed_analysis.as_ref().unwrap_or(run.analysis),
        tables,
        grid: OnceLock::new(),
        charts: OnceLock::new(),
        names: Default::default(),
    };
    let built = schedule(&job)?;
    let listed = job.manifest_outputs();
    drop(job);
    let mut clock = timing::PhaseClock::from_env();
    for (output, files) in OUTPUTS.into_iter().zip(built) {
        if output == Output::Manifest {
            anyhow::ensure!(
                out.written() == &listed[..listed.len() - 2],
                "bug: the manifest's list of outputs differs from the files written"
            );
        }
        out.commit_batch(files)
            .with_context(|| format!("putting the {} in place", output.name()))?;
    }
    out.finish()?;
    clock.lap("put outputs in place");
    Ok(())
}

/// The state the builders share while the schedule runs.
struct Job<'a, 'r> {
    run: &'r Run<'a>,
    out: &'r OutputDir,
    /// The exported tables, shared by the CSVs and the workbook; they borrow the analysis
    /// and produce their rows when written.
    tables: Vec<ExportTable<'a>>,
    /// The analysis the page, the briefing and the charts show: `run.analysis`, or with
    /// `--lang en` a copy whose place names carry their romanisation (`render::place`).
    shown: &'r Analysis,
    /// The facts grouped for charts and page, built once.
    grid: OnceLock<Grid<'r>>,
    /// The charts, for the page.
    charts: OnceLock<Vec<Chart>>,
    /// Each output's file names once it is built, by declared position.
    names: [OnceLock<Vec<String>>; OUTPUTS.len()],
}

impl Job<'_, '_> {
    /// The manifest's list of outputs: every file the outputs before it staged, in declared
    /// order, then its own two.
    fn manifest_outputs(&self) -> Vec<String> {
        let mut names: Vec<String> = OUTPUTS
            .iter()
            .take_while(|&&o| o != Output::Manifest)
            .flat_map(|o| self.names[o.position()].get().cloned().unwrap_or_default())
            .collect();
        names.extend(["manifest.csv", "manifest.json"].map(String::from));
        names
    }
}

/// Where the schedule stands: which outputs have started, and each one's result.
struct Progress {
    started: [bool; OUTPUTS.len()],
    results: [Option<anyhow::Result<Vec<StagedFile>>>; OUTPUTS.len()],
}

/// Runs every builder as soon as the outputs it needs are built; returns each output's staged
/// files in declared order, or the first error in declared order (then the outputs that needed
/// the failed one are not built, and every staged file is removed).
fn schedule(job: &Job<'_, '_>) -> anyhow::Result<Vec<Vec<StagedFile>>> {
    let progress = Mutex::new(Progress {
        started: [false; OUTPUTS.len()],
        results: Default::default(),
    });
    let shared = &progress;
    // FIFO: the outputs ready at the start begin in declared order.
    rayon::scope_fifo(|s| {
        for output in ready(shared) {
            s.spawn_fifo(move |s| build_then_continue(output, job, shared, s));
        }
    });
    let progress = progress
        .into_inner()
        .expect("no builder panicked holding the lock");
    let mut built = Vec::with_capacity(OUTPUTS.len());
    let mut first_error = None;
    for (output, result) in OUTPUTS.iter().zip(progress.results) {
        match result {
            Some(Ok(files)) => built.push(files),
            Some(Err(e)) => {
                first_error.get_or_insert(e.context(format!("building the {}", output.name())));
            }
            None => {}
        }
    }
    match first_error {
        Some(e) => Err(e),
        None if built.len() == OUTPUTS.len() => Ok(built),
        None => anyhow::bail!("bug: the declared outputs need one another in a circle"),
    }
}

/// Builds `output`, records its result, then starts every output that was waiting for it.
fn build_then_continue<'s>(
    output: Output,
    job: &'s Job<'_, '_>,
    progress: &'s Mutex<Progress>,
    s: &rayon::ScopeFifo<'s>,
) {
    let result = timed(output.name(), || output.build(job));
    if let Ok(files) = &result {
        let names = files.iter().map(|f| f.relative().to_string()).collect();
        let _ = job.names[output.position()].set(names);
    }
    progress.lock().expect("lock").results[output.position()] = Some(result);
    for next in ready(progress) {
        s.spawn_fifo(move |s| build_then_continue(next, job, progress, s));
    }
}

/// The outputs not started yet whose needs are all built without error; marks them started.
fn ready(progress: &Mutex<Progress>) -> Vec<Output> {
    let mut p = progress.lock().expect("lock");
    let mut out = Vec::new();
    for output in OUTPUTS {
        let i = output.position();
        let needs_built = output
            .needs()
            .iter()
            .all(|n| matches!(p.results[n.position()], Some(Ok(_))));
        if !p.started[i] && needs_built {
            p.started[i] = true;
            out.push(output);
        }
    }
    out
}

/// Each chart's files (SVG, PNG, the CSV of its data) under `charts/`, in chart order.
fn chart_files(charts: &[Chart]) -> Vec<(String, &[u8])> {
    charts
        .iter()
        .flat_map(|chart| {
            [
                (format!("charts/{}.svg", chart.name), chart.svg.as_bytes()),
                (format!("charts/{}.png", chart.name), chart.png.as_slice()),
                (
                    format!("charts/{}.csv", chart.name),
                    chart.data_csv.as_slice(),
                ),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every need is declared before the output needing it, so placing in declared order never
    /// puts a file in place before one it refers to, and the schedule has no circle.
    #[test]
    fn needs_come_first_in_the_declared_order() {
        for output in OUTPUTS {
            for need in output.needs() {
                assert!(
                    need.position() < output.position(),
                    "{output:?} needs {need:?}"
                );
            }
        }
        assert_eq!(OUTPUTS.last(), Some(&Output::Manifest));
        assert_eq!(
            Output::Manifest.needs().len(),
            OUTPUTS.len() - 1,
            "the manifest lists every other output"
        );
    }
}
