//! `fazhi run`: the whole job, from report files to every output.

use anyhow::Context;

use super::pipeline::{extract_batch, Batch};
use super::Outcome;
use crate::analysis::{all_facts, analyse_collapsed_with, collapse_repeats, Inputs};
use crate::cli::RunArgs;
use crate::config::{dict_from_args, InputConfig, RenderConfig};
use crate::dict::IndicatorDict;
use crate::ingest::{InputRecord, InputStatus};
use crate::model::Fact;
use crate::render::briefing::render_briefing;
use crate::render::chart::data::Grid;
use crate::render::chart::{render_charts_from, Chart};
use crate::render::csv::export_csv;
use crate::render::html::{render_page_with, PageContext};
use crate::render::manifest::{manifest_csv, manifest_json, Manifest, Summary};
use crate::render::table::{export_sources, ExportTable};
use crate::render::write::OutputDir;
use crate::render::xlsx::{WorkbookContext, WorkbookWriter};

/// Runs extraction, analysis and rendering into the output folder.
pub fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let dict = dict_from_args(&args.dict)?;
    let input = InputConfig::from_args(&args.input)?;
    let render = RenderConfig::from_args(&args.render)?;
    let mut out = OutputDir::create(&render.output)?;
    let mut clock = PhaseClock::from_env();
    let mut batch = extract_batch(&input, &dict);
    clock.lap("extract");
    // The analysis takes the facts over (sorting and deduplicating them in place) rather than
    // copying them: at national scale they are over 100 MB.
    let facts = std::mem::take(&mut batch.facts);
    render_all(facts, &batch, &dict, &render, &mut out)
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

/// Analyses `facts` and writes every output; `batch` supplies the inputs' records and warnings
/// (its own facts are not used).
pub fn render_all(
    facts: Vec<Fact>,
    batch: &Batch,
    dict: &IndicatorDict,
    cfg: &RenderConfig,
    out: &mut OutputDir,
) -> anyhow::Result<()> {
    let mut clock = PhaseClock::from_env();
    let (facts, repeats) = collapse_repeats(facts).context("analysis")?;
    clock.lap("collapse repeats");
    // The workbook is the longest job of a run and its first two sheets (facts, wide) need
    // only the collapsed facts and their repeats: they are written while the rest of the
    // analysis is computed.
    let (book, analysis) = rayon::join(
        || {
            timed("xlsx facts, wide", || -> anyhow::Result<_> {
                let mut book = WorkbookWriter::new(cfg.lang)?;
                book.add_table(&ExportTable::fact_refs(all_facts(&facts, &repeats)))?;
                book.add_table(&ExportTable::wide_of(&facts, dict, cfg.lang))?;
                Ok(book)
            })
        },
        || {
            let inputs = Inputs {
                references: &cfg.references,
                stated_changes: &batch.stated_changes,
                documents: &batch.documents,
            };
            timed("analyse", || analyse_collapsed_with(&facts, dict, &inputs))
        },
    );
    let (mut book, mut analysis) = (book?, analysis.context("analysis")?);
    analysis.facts = facts;
    analysis.repeats = repeats;
    clock.lap("analyse | xlsx facts");
    // The workbook streams into its file (not held in memory); it is put in place, in the
    // same order as before, once the three jobs are done.
    let mut book_file = out.stage("fazhi.xlsx")?;
    // The charts job stages its files (written and synced under temporary names) as soon as
    // they are drawn, beside the workbook; they are put in place, in order, after it.
    let staging = out.clone();
    let written = {
        let analysis = &analysis;
        // Nothing is copied here: each table produces its rows when a writer asks for them.
        let tables = export_sources(analysis, dict, cfg.lang).context("export tables")?;
        // Three jobs that depend only on the analysis run side by side (rayon::join): the rest
        // of the workbook (the longest, so it starts first), the CSVs + briefing, and the
        // charts + page, then the manifest. The CSVs are written as soon as each is made, so
        // at most one is held in memory; the rest is put in place afterwards in one fixed
        // order, so the output folder and the manifest's list of outputs are the same
        // whatever the thread count.
        rayon::join(
            || {
                timed("xlsx", || -> anyhow::Result<_> {
                    // The facts and wide sheets are in already.
                    for table in &tables[2..] {
                        book.add_table(table)?;
                    }
                    let ctx = WorkbookContext {
                        analysis,
                        dict,
                        inputs: &batch.records,
                        lang: cfg.lang,
                    };
                    Ok(book.finish_into(&ctx, &tables, book_file.writer())?)
                })
            },
            || -> anyhow::Result<_> {
                let (briefing, drawn) = rayon::join(
                    || -> anyhow::Result<Vec<u8>> {
                        timed("csv", || write_csvs(&tables, cfg, out))?;
                        Ok(timed("briefing", || {
                            render_briefing(analysis, dict, cfg.lang)
                        }))
                    },
                    || -> anyhow::Result<_> {
                        // Charts and page read one grouping of the facts, built once.
                        let grid = Grid::build(analysis, dict);
                        let charts = timed("charts", || {
                            render_charts_from(&grid, analysis, dict, cfg.lang, &cfg.csv)
                        })
                        .context("charts")?;
                        let page = timed("page", || {
                            let ctx = PageContext {
                                analysis,
                                dict,
                                inputs: &batch.records,
                                charts: &charts,
                                lang: cfg.lang,
                            };
                            render_page_with(&ctx, &grid)
                        });
                        let mut files = chart_files(&charts);
                        files.push(("index.html".to_string(), page.as_slice()));
                        let staged = timed("stage charts, page", || staging.stage_batch(&files))?;
                        let names: Vec<String> = files.into_iter().map(|(name, _)| name).collect();
                        Ok((names, staged))
                    },
                );
                let (briefing, (staged_names, staged)) = (briefing?, drawn?);
                // Every output's name is known now, so the manifest (which lists them in the
                // order they are put in place) is serialised here, beside the workbook.
                let mut outputs: Vec<String> =
                    tables.iter().map(|t| format!("{}.csv", t.name)).collect();
                outputs.extend(["fazhi.xlsx", "briefing.md"].map(String::from));
                outputs.extend(staged_names);
                outputs.extend(["manifest.csv", "manifest.json"].map(String::from));
                let manifest = Manifest {
                    tool: format!("fazhi {}", env!("CARGO_PKG_VERSION")),
                    inputs: &batch.records,
                    summary: summarise(
                        &batch.records,
                        analysis.facts.len() + analysis.repeats.len(),
                    ),
                    checks: &analysis.checks,
                    conflicts: &analysis.conflicts,
                    warnings: &batch.warnings,
                    outputs,
                };
                let serialised = timed("manifest serialised", || -> anyhow::Result<_> {
                    Ok((manifest_csv(&manifest)?, manifest_json(&manifest)?))
                })?;
                Ok((briefing, staged, manifest.outputs, serialised))
            },
        )
    };
    let ((), (briefing, staged, outputs, (manifest_csv_bytes, manifest_json_bytes))) =
        (written.0?, written.1?);
    clock.lap("exports | charts+page");
    drop(analysis);
    out.commit(book_file)?;
    out.write("briefing.md", &briefing)?;
    out.commit_batch(staged)?;
    clock.lap("put outputs in place");
    anyhow::ensure!(
        out.written() == &outputs[..outputs.len() - 2],
        "bug: the manifest's list of outputs differs from the files written"
    );
    out.write("manifest.csv", &manifest_csv_bytes)?;
    // Last: its presence says the run finished (see render::write).
    out.write("manifest.json", &manifest_json_bytes)?;
    out.finish()?;
    clock.lap("write manifest");
    Ok(())
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

/// Writes the CSV exports in order (facts, wide, trends, derived, comparisons, slopes,
/// checks), each as soon as it is made.
fn write_csvs(
    tables: &[ExportTable<'_>],
    cfg: &RenderConfig,
    out: &mut OutputDir,
) -> anyhow::Result<()> {
    for table in tables {
        let bytes = export_csv(table, &cfg.csv)?;
        out.write(&format!("{}.csv", table.name), &bytes)?;
    }
    Ok(())
}

/// Wall time per phase on stderr when `FAZHI_TIMINGS` is set: the cheapest profiler there is,
/// and the one the benchmarks in BENCHMARKS.md were broken down with.
struct PhaseClock(Option<std::time::Instant>);

impl PhaseClock {
    fn from_env() -> Self {
        PhaseClock(std::env::var_os("FAZHI_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn lap(&mut self, phase: &str) {
        if let Some(start) = self.0 {
            eprintln!(
                "timing: {phase:<20} {:>8.3} s{}",
                start.elapsed().as_secs_f64(),
                peak_memory_note()
            );
            self.0 = Some(std::time::Instant::now());
        }
    }
}

/// Runs `step`, printing its wall time on stderr when `FAZHI_TIMINGS` is set (for the steps
/// inside a phase, e.g. each branch of the exports ∥ charts join).
fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let mut clock = PhaseClock::from_env();
    let out = f();
    clock.lap(&format!("  {step}"));
    out
}

/// ", peak 123 MiB" from the process's high-water mark (Linux `VmHWM`); empty elsewhere.
fn peak_memory_note() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| format!(", peak {} MiB", kib / 1024))
        .unwrap_or_default()
}

/// Counts inputs by status.
pub fn summarise(records: &[InputRecord], facts: usize) -> Summary {
    let count = |s: InputStatus| records.iter().filter(|r| r.status == s).count();
    Summary {
        inputs: records.len(),
        ok: count(InputStatus::Ok),
        no_indicators: count(InputStatus::NoIndicators),
        skipped: count(InputStatus::Skipped),
        errors: count(InputStatus::Error),
        needs_ocr: count(InputStatus::NeedsOcr),
        facts,
    }
}
