//! The command line (clap derive). This contract is relied on by users' scripts:
//! `fazhi [run] [INPUT ...] [-o DIR]`, `extract`, `report`, `eval`, `indicators`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::render::csv::CsvEncoding;
use crate::render::Lang;

/// Turn county rule-of-law government reports (法治政府建设年度报告) into figures, trends,
/// charts and spreadsheets, each figure with the sentence it came from.
///
/// With no subcommand, `fazhi` runs `fazhi run` on `data/reports` into `output/`.
///
/// Example: fazhi data/reports -o output
///
/// Exit status: 0 all inputs read; 1 some inputs failed (outputs still written, see
/// manifest.json); 2 fatal error (bad flag, unreadable indicators file, unwritable output).
#[derive(Debug, Parser)]
#[command(
    name = "fazhi",
    version,
    about,
    long_about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// The subcommand; `run` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Arguments of `run` when no subcommand is given.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The whole job: extract, analyse, write page, charts, CSV, XLSX and manifest.
    ///
    /// Example: fazhi run data/reports -o output
    Run(RunArgs),
    /// Only the facts table, as CSV to a file or stdout.
    ///
    /// Example: fazhi extract data/reports -o facts.csv
    Extract(ExtractArgs),
    /// Render every output from an existing (possibly hand-corrected) facts CSV.
    ///
    /// Example: fazhi report --facts output/facts.csv -o output
    Report(ReportArgs),
    /// Score extraction against a gold facts CSV; last line `precision P recall R f1 F traps T`.
    ///
    /// Example: fazhi eval --gold tests/gold/facts.csv data/reports
    Eval(EvalArgs),
    /// List the indicator dictionary.
    ///
    /// Example: fazhi indicators --indicators my_indicators.toml
    Indicators(DictArgs),
    /// Show what became of every number of one text, and why.
    ///
    /// Each number ends as a fact, a target, a stated change, or a rejection with its reason
    /// (see README.md), with the word that decided it and the clause it was decided in; the
    /// document's metadata is printed first.
    ///
    /// Example: fazhi explain report.txt --metric reconsideration.received
    Explain(ExplainArgs),
    /// Generate a synthetic corpus for scale tests (not for analysis).
    ///
    /// Example: fazhi corpus --count 20000 -o /tmp/corpus
    #[command(hide = true)]
    Corpus(CorpusArgs),
    /// Read every input and count one keyword: the floor benchmarks compare against.
    ///
    /// Example: fazhi scan /tmp/corpus
    #[command(hide = true)]
    Scan(ScanArgs),
}

/// Where the indicator dictionary comes from.
#[derive(Debug, Clone, Args, Default)]
pub struct DictArgs {
    /// Indicator dictionary (TOML) replacing the bundled data/indicators.toml.
    #[arg(long, value_name = "FILE")]
    pub indicators: Option<PathBuf>,
}

/// Options shared by commands that read reports.
#[derive(Debug, Clone, Args, Default)]
pub struct InputArgs {
    /// Report files or folders (searched recursively, in sorted order): .txt, .html/.htm/.shtml,
    /// .docx, and .pdf with a text layer. Default: data/reports.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Largest input file read, in bytes; larger files are listed as errors. Also bounds what a
    /// .docx part or a PDF stream inflates to. Default: 64 MiB.
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,
    /// Do not show a progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// CSV of place and year for inputs whose text does not hold them: columns `file`
    /// (file name or SHA-256), `region_code`, `report_year`, `level`; empty cells keep what
    /// the text says.
    #[arg(long, value_name = "FILE")]
    pub documents: Option<PathBuf>,
    /// Lexicon (TOML) replacing the bundled data/lexicon.toml: the word classes extraction
    /// and the metadata reader use (units, change words, plan headings, field labels …).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
}

/// Options shared by commands that write the rendered outputs.
#[derive(Debug, Clone, Args, Default)]
pub struct RenderArgs {
    /// Output folder. Default: output.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Label language of the page, charts and briefing.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Encoding of CSV outputs (UTF-8 with BOM, or GB18030).
    #[arg(long, value_enum, default_value_t = CsvEncoding::Utf8)]
    pub csv_encoding: CsvEncoding,
    /// Published reference values (indicator,year,value,scope,source). Default:
    /// data/reference.csv when it exists.
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
    /// Labels (TOML) replacing the bundled data/labels.toml: every heading, column name,
    /// chart title and note of the outputs, in Chinese and English. It must hold every key
    /// of the bundled file.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Count the facts marked `review` (confidence column) in the figures, findings,
    /// comparisons and charts too. Without it they are left out of them and listed for review
    /// on the page and in the briefing; facts.csv and the workbook keep every fact either way.
    #[arg(long)]
    pub include_review: bool,
}

/// `fazhi run`.
#[derive(Debug, Clone, Args, Default)]
pub struct RunArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub render: RenderArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dict: DictArgs,
}

/// `fazhi extract`.
#[derive(Debug, Clone, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    /// Write the CSV here instead of stdout (`-` is stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Encoding of the CSV.
    #[arg(long, value_enum, default_value_t = CsvEncoding::Utf8)]
    pub csv_encoding: CsvEncoding,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dict: DictArgs,
}

/// `fazhi report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// The facts CSV to render (UTF-8 with or without BOM, or GB18030).
    #[arg(long, value_name = "FILE", required = true)]
    pub facts: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub render: RenderArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dict: DictArgs,
}

/// `fazhi eval`.
#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// Gold facts CSV (doc,metric,year,scope,value,qualifier,label,evidence,note).
    #[arg(long, value_name = "FILE", required = true)]
    pub gold: PathBuf,
    /// Gold documents CSV (doc,region_code,…,report_year,…): also score each text's place and
    /// report year, printed as `metadata region R/N report_year Y/N` before the summary.
    #[arg(long, value_name = "FILE")]
    pub gold_documents: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dict: DictArgs,
}

/// How `fazhi explain` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExplainFormat {
    /// Aligned text for reading.
    #[default]
    Text,
    /// CSV, one row per number (cells neutralised for spreadsheets).
    Csv,
}

/// `fazhi explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The text to explain (any input format fazhi reads).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Show only the numbers decided for this indicator id (fact, target, change, or ruled
    /// out after its phrase named them).
    #[arg(long, value_name = "ID")]
    pub metric: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Refuse a file larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,
    /// Lexicon (TOML) replacing the bundled data/lexicon.toml.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dict: DictArgs,
}

/// `fazhi corpus` (hidden): synthetic reports for benchmarks.
#[derive(Debug, Clone, Args)]
pub struct CorpusArgs {
    /// Number of reports to write.
    #[arg(long, default_value_t = 1000)]
    pub count: usize,
    /// Folder of seed reports whose sentences are recombined.
    #[arg(long, default_value = "data/reports")]
    pub seeds: PathBuf,
    /// Folder of the division codes (provinces.csv, cities.csv, areas.csv).
    #[arg(long, default_value = "data/divisions")]
    pub divisions: PathBuf,
    /// PRNG seed; the same seed gives the same corpus.
    #[arg(long, default_value_t = 2015)]
    pub seed: u64,
    /// Plants an outlier: report number N (0-based, file N.txt) states every count 100 times
    /// too large (percentages and decimals are left alone); every other report is unchanged.
    #[arg(long, value_name = "N")]
    pub plant_outlier: Option<usize>,
    /// Output folder.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
}

/// `fazhi scan` (hidden): the plain-scan floor for benchmarks.
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Files or folders. Default: data/reports.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The keyword counted.
    #[arg(long, default_value = "行政复议")]
    pub keyword: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bare_invocation_is_run() {
        let cli = Cli::try_parse_from(["fazhi", "-o", "x"]).expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.run.render.output, Some(PathBuf::from("x")));
    }
}
