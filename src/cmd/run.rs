//! `fazhi run`: the whole job, from report files to every output.

use anyhow::Context;

use super::pipeline::{extract_batch, Batch};
use super::Outcome;
use crate::analysis::{analyse, Analysis};
use crate::cli::RunArgs;
use crate::config::{dict_from_args, InputConfig, RenderConfig};
use crate::dict::IndicatorDict;
use crate::extract::Fact;
use crate::ingest::{InputRecord, InputStatus};
use crate::render::briefing::render_briefing;
use crate::render::chart::render_charts;
use crate::render::csv::table_csv;
use crate::render::html::{render_page, PageContext};
use crate::render::manifest::{manifest_csv, manifest_json, Manifest, Summary};
use crate::render::table::export_tables;
use crate::render::write::OutputDir;
use crate::render::xlsx::{render_workbook_with, WorkbookContext};

/// Runs extraction, analysis and rendering into the output folder.
pub fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let dict = dict_from_args(&args.dict)?;
    let input = InputConfig::from_args(&args.input);
    let render = RenderConfig::from_args(&args.render)?;
    let mut out = OutputDir::create(&render.output)?;
    let mut clock = PhaseClock::from_env();
    let batch = extract_batch(&input, &dict);
    clock.lap("extract");
    render_all(&batch.facts, &batch, &dict, &render, &mut out)
        .map_err(|e| e.context(out.unfinished_note()))?;
    Ok(if batch.has_errors() {
        Outcome::InputsFailed
    } else {
        Outcome::Clean
    })
}

/// Analyses `facts` and writes every output; `batch` supplies the inputs' records and warnings.
pub fn render_all(
    facts: &[Fact],
    batch: &Batch,
    dict: &IndicatorDict,
    cfg: &RenderConfig,
    out: &mut OutputDir,
) -> anyhow::Result<()> {
    let mut clock = PhaseClock::from_env();
    let analysis = analyse(facts, dict, &cfg.references).context("analysis")?;
    clock.lap("analyse");
    // The spreadsheet exports and the charts + page depend only on the analysis: they are
    // built side by side (rayon::join), then written in one fixed order, so the output folder
    // and the manifest's list of outputs are the same whatever the thread count.
    let (exports, drawn) = rayon::join(
        || exports(&analysis, batch, dict, cfg),
        || -> anyhow::Result<_> {
            let charts = render_charts(&analysis, dict, cfg.lang, &cfg.csv).context("charts")?;
            let page = render_page(&PageContext {
                analysis: &analysis,
                dict,
                inputs: &batch.records,
                charts: &charts,
                lang: cfg.lang,
            });
            Ok((charts, page))
        },
    );
    let (exports, (charts, page)) = (exports?, drawn?);
    clock.lap("exports | charts+page");
    for (name, bytes) in &exports {
        out.write(name, bytes)?;
    }
    clock.lap("write exports");
    for chart in &charts {
        out.write(&format!("charts/{}.svg", chart.name), chart.svg.as_bytes())?;
        out.write(&format!("charts/{}.png", chart.name), &chart.png)?;
        out.write(&format!("charts/{}.csv", chart.name), &chart.data_csv)?;
    }
    clock.lap("write charts");
    out.write("index.html", &page)?;
    let manifest = Manifest {
        tool: format!("fazhi {}", env!("CARGO_PKG_VERSION")),
        inputs: batch.records.clone(),
        summary: summarise(&batch.records, analysis.facts.len()),
        checks: analysis.checks.clone(),
        conflicts: analysis.conflicts.clone(),
        warnings: batch.warnings.clone(),
        outputs: {
            let mut o = out.written().to_vec();
            o.push("manifest.csv".to_string());
            o.push("manifest.json".to_string());
            o
        },
    };
    out.write("manifest.csv", &manifest_csv(&manifest)?)?;
    // Last: its presence says the run finished (see render::write).
    out.write("manifest.json", &manifest_json(&manifest)?)?;
    out.finish()?;
    clock.lap("manifest");
    Ok(())
}

/// Spreadsheet exports, as (file name, bytes) in writing order: facts, wide, trends, derived,
/// comparisons, slopes and checks as CSV, the same tables in one workbook, and the briefing.
fn exports(
    analysis: &Analysis,
    batch: &Batch,
    dict: &IndicatorDict,
    cfg: &RenderConfig,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    // Built once for the CSVs and the workbook.
    let tables = export_tables(analysis, dict, cfg.lang).context("export tables")?;
    for table in &tables {
        files.push((format!("{}.csv", table.name), table_csv(table, &cfg.csv)?));
    }
    let workbook = render_workbook_with(
        &WorkbookContext {
            analysis,
            dict,
            inputs: &batch.records,
            lang: cfg.lang,
        },
        &tables,
    )?;
    drop(tables);
    files.push(("fazhi.xlsx".to_string(), workbook));
    files.push((
        "briefing.md".to_string(),
        render_briefing(analysis, dict, cfg.lang),
    ));
    Ok(files)
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
                "timing: {phase:<20} {:>8.3} s",
                start.elapsed().as_secs_f64()
            );
            self.0 = Some(std::time::Instant::now());
        }
    }
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
        facts,
    }
}
