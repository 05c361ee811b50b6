//! `fazhi run`: the whole job, from report files to every output.

use anyhow::Context;

use super::pipeline::{extract_batch, Batch};
use super::Outcome;
use crate::analysis::analyse;
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
use crate::render::xlsx::{render_workbook, WorkbookContext};

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
    // Spreadsheet exports: facts, wide, trends, derived, comparisons, slopes, checks as CSV,
    // the same tables in one workbook, and the briefing.
    for table in export_tables(&analysis, dict, cfg.lang).context("export tables")? {
        out.write(
            &format!("{}.csv", table.name),
            &table_csv(&table, &cfg.csv)?,
        )?;
    }
    let workbook = render_workbook(&WorkbookContext {
        analysis: &analysis,
        dict,
        inputs: &batch.records,
        lang: cfg.lang,
    })?;
    out.write("fazhi.xlsx", &workbook)?;
    out.write("briefing.md", &render_briefing(&analysis, dict, cfg.lang))?;
    clock.lap("tables");
    let charts = render_charts(&analysis, dict, cfg.lang, &cfg.csv).context("charts")?;
    clock.lap("charts");
    for chart in &charts {
        out.write(&format!("charts/{}.svg", chart.name), chart.svg.as_bytes())?;
        out.write(&format!("charts/{}.png", chart.name), &chart.png)?;
        out.write(&format!("charts/{}.csv", chart.name), &chart.data_csv)?;
    }
    clock.lap("write charts");
    let page = render_page(&PageContext {
        analysis: &analysis,
        dict,
        inputs: &batch.records,
        charts: &charts,
        lang: cfg.lang,
    });
    clock.lap("page");
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
