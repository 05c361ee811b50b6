//! The workbook (`fazhi.xlsx`): one sheet per exported table, plus a sheet describing every
//! column and one listing the sources.
//!
//! Invariants: the same input gives byte-identical bytes (the creation date in
//! `docProps/core.xml` is fixed, see [`FIXED_CREATED`]); region codes are string cells;
//! numbers are number cells (percentages keep their 0–100 value and are only *shown* with a
//! `%`, so the workbook and the CSV hold the same number); text that a spreadsheet would read
//! as a formula is a string cell carrying Excel's quote-prefix flag, so editing it in Excel
//! does not turn it into a formula either.
//!
//! Memory and speed: every sheet is written row by row in rust_xlsxwriter's "constant memory"
//! mode: each finished row is streamed to a temporary file and its text is written inline in
//! the cell (`t="inlineStr"`) rather than through the workbook's shared-string table, so
//! nothing of a sheet stays in memory and no text is hashed or copied into that table (at
//! national scale, over a million text cells). Excel, LibreOffice and calamine read inline
//! strings exactly like shared ones; the file is larger (repeated texts are stored each time:
//! 56 MB instead of 46 MB at 20,000 reports). Cells, formats, frozen header, autofilter and
//! widths are as in the default mode.
//!
//! At national scale a table can outgrow what anyone reads in a spreadsheet (the facts of
//! 20,000 reports are 263,000 rows). A table of more than [`MAX_SHEET_ROWS`] rows is not put
//! in the workbook: its sheet holds one line saying how many rows it has and which CSV file,
//! beside the workbook, holds them (every table is always written as CSV). Runs of ordinary
//! size are far below the limit and keep every table.
//!
//! Numbers are written as text by rust_xlsxwriter's `zmij` feature (shortest round-trip
//! digits, as `serde_json` writes them) instead of the standard library's float formatting:
//! the same `f64` in every cell (a whole number reads `2015.0` in the XML, which every reader
//! parses as 2015), a few percent less time for the workbook's ~3 M number cells at 20,000
//! reports.

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::column_docs::describe;
use super::csv::push_value;
use super::table::{export_sources, CellRef, ExportTable, NumberStyle, TableError};
use super::Lang;
use crate::analysis::Analysis;
use crate::dict::IndicatorDict;
use crate::ingest::{InputRecord, InputStatus};
use crate::model::format_value;

/// Creation date written into the workbook's properties: a constant, so the same input gives
/// the same bytes (rust_xlsxwriter would otherwise stamp the current time).
pub const FIXED_CREATED: (u16, u8, u8) = (2000, 1, 1);

/// Deflate level of the zip container (1 fastest … 9 smallest; rust_xlsxwriter's default is
/// 6). Measured on the 5,000-report workbook: level 6 took 1.76 s for 10.4 MB, level 2 0.94 s
/// for 13.0 MB (level 3: 1.09 s, 11.7 MB; level 1: 0.86 s, 17.7 MB). Compressing is most of
/// the workbook's time and the workbook is the longest job of a run, so the faster level is
/// worth a quarter more bytes. The cells are the same at any level.
const ZIP_LEVEL: u8 = 2;

/// Most rows a table sheet holds; a longer table stays in its CSV file only. Excel's own
/// limit is 1,048,576, but past ~100,000 rows a sheet is slow to open and filter and is not
/// read row by row: the CSV (or a database) is the tool for it.
pub const MAX_SHEET_ROWS: usize = 100_000;

/// Widest column, in character cells (a CJK character counts two).
const MAX_WIDTH: usize = 60;
/// Narrowest column.
const MIN_WIDTH: usize = 6;
/// Widest a header makes its column; longer headers wrap (the wide sheet's indicator names).
const MAX_HEADER_WIDTH: usize = 20;
/// Columns whose numbers take the row's unit: `%` rows are shown as percentages.
const UNIT_VALUE_COLUMNS: [&str; 4] = ["value", "prev_value", "median", "reference"];

/// What the workbook shows.
pub struct WorkbookContext<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// Indicator names and units.
    pub dict: &'a IndicatorDict,
    /// Every input with its status (the `sources` sheet).
    pub inputs: &'a [InputRecord],
    /// Label language of the describing sheets and the wide table's headers.
    pub lang: Lang,
}

/// Errors building the workbook.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// A table could not be built.
    #[error(transparent)]
    Table(#[from] TableError),
    /// The xlsx writer failed.
    #[error("workbook sheet '{sheet}': {source}")]
    Xlsx {
        /// The sheet being written.
        sheet: String,
        /// The writer's error.
        source: XlsxError,
    },
}

struct Formats {
    header: Format,
    quoted: Format,
    percent: Format,
    decimal: Format,
    note: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDD_EB_F7))
                .set_border_bottom(FormatBorder::Thin)
                .set_text_wrap(),
            quoted: Format::new().set_quote_prefix(),
            // The value stays on the 0–100 scale; the format only appends the sign.
            percent: Format::new().set_num_format("0.0#\"%\""),
            decimal: Format::new().set_num_format("0.00"),
            note: Format::new().set_bold(),
        }
    }
}

/// Renders the workbook to bytes.
pub fn render_workbook(ctx: &WorkbookContext<'_>) -> Result<Vec<u8>, WorkbookError> {
    let tables = export_sources(ctx.analysis, ctx.dict, ctx.lang)?;
    render_workbook_with(ctx, &tables)
}

/// Renders the workbook from the tables [`export_sources`] describes for the same context
/// (`fazhi run` shares them between the CSVs and the workbook).
pub fn render_workbook_with(
    ctx: &WorkbookContext<'_>,
    tables: &[ExportTable<'_>],
) -> Result<Vec<u8>, WorkbookError> {
    let mut book = WorkbookWriter::new(ctx.lang)?;
    for table in tables {
        book.add_table(table)?;
    }
    book.finish(ctx, tables)
}

/// A workbook being written one table sheet at a time, so a caller can start with the facts
/// before the rest of the analysis exists (`fazhi run` does). [`render_workbook_with`] is the
/// same thing in one call.
pub struct WorkbookWriter {
    wb: Workbook,
    formats: Formats,
    lang: Lang,
    max_rows: usize,
}

impl WorkbookWriter {
    /// An empty workbook with its properties set (title in `lang`, fixed creation date).
    pub fn new(lang: Lang) -> Result<Self, WorkbookError> {
        let mut wb = Workbook::new();
        wb.set_zip_compression_level(ZIP_LEVEL);
        let created = ExcelDateTime::from_ymd(FIXED_CREATED.0, FIXED_CREATED.1, FIXED_CREATED.2)
            .map_err(xlsx("properties"))?;
        wb.set_properties(
            &DocProperties::new()
                .set_title(lang.text("workbook.rule_of_law_report_indicators"))
                .set_author("fazhi")
                .set_creation_datetime(&created),
        );
        Ok(WorkbookWriter {
            wb,
            formats: Formats::new(),
            lang,
            max_rows: MAX_SHEET_ROWS,
        })
    }

    /// The same writer with another row limit per sheet (default [`MAX_SHEET_ROWS`]), so a
    /// test can show a table moving out of the workbook without building 100,000 rows.
    pub fn with_max_rows(mut self, max_rows: usize) -> Self {
        self.max_rows = max_rows;
        self
    }

    /// Adds one table as the next sheet, streaming its rows.
    pub fn add_table(&mut self, table: &ExportTable<'_>) -> Result<(), WorkbookError> {
        let ws = self
            .wb
            .add_worksheet_with_constant_memory()
            .map_err(xlsx(&table.name))?;
        if table.len() > self.max_rows {
            return write_moved_note(ws, table, self.max_rows, self.lang, &self.formats)
                .map_err(xlsx(&table.name));
        }
        write_table(ws, table, &self.formats).map_err(|e| match e {
            SheetError::Table(e) => WorkbookError::Table(e),
            SheetError::Xlsx(source) => WorkbookError::Xlsx {
                sheet: table.name.clone(),
                source,
            },
        })
    }

    /// Adds the `columns` sheet (describing every column of `tables`, the tables added, in
    /// order) and the `sources` sheet, and returns the workbook's bytes.
    pub fn finish(
        self,
        ctx: &WorkbookContext<'_>,
        tables: &[ExportTable<'_>],
    ) -> Result<Vec<u8>, WorkbookError> {
        let mut wb = self.describe(ctx, tables)?;
        wb.save_to_buffer().map_err(xlsx("workbook"))
    }

    /// As [`WorkbookWriter::finish`], but streams the workbook into `writer` (the same bytes)
    /// instead of holding it in memory: at national scale it is ~60 MB.
    pub fn finish_into<W: std::io::Write + Send>(
        self,
        ctx: &WorkbookContext<'_>,
        tables: &[ExportTable<'_>],
        writer: W,
    ) -> Result<(), WorkbookError> {
        let mut wb = self.describe(ctx, tables)?;
        wb.save_to_writer(writer).map_err(xlsx("workbook"))
    }

    /// Adds the `columns` and `sources` sheets; the workbook is then complete.
    fn describe(
        mut self,
        ctx: &WorkbookContext<'_>,
        tables: &[ExportTable<'_>],
    ) -> Result<Workbook, WorkbookError> {
        let ws = self
            .wb
            .add_worksheet_with_constant_memory()
            .map_err(xlsx("columns"))?;
        write_columns_sheet(ws, tables, ctx, &self.formats).map_err(xlsx("columns"))?;
        let ws = self
            .wb
            .add_worksheet_with_constant_memory()
            .map_err(xlsx("sources"))?;
        write_sources_sheet(ws, ctx, &self.formats).map_err(xlsx("sources"))?;
        Ok(self.wb)
    }
}

/// Wraps a writer error with the sheet it happened in.
fn xlsx(sheet: &str) -> impl Fn(XlsxError) -> WorkbookError {
    let sheet = sheet.to_string();
    move |source| WorkbookError::Xlsx {
        sheet: sheet.clone(),
        source,
    }
}

/// What writing a table sheet can fail with: the table's rows or the xlsx writer.
enum SheetError {
    Table(TableError),
    Xlsx(XlsxError),
}

impl From<TableError> for SheetError {
    fn from(e: TableError) -> Self {
        SheetError::Table(e)
    }
}

impl From<XlsxError> for SheetError {
    fn from(e: XlsxError) -> Self {
        SheetError::Xlsx(e)
    }
}

/// Writes one table: header row (labels), typed cells, frozen header, autofilter, widths.
/// Rows go out in order as the table produces them (the sheet streams them); widths, freeze
/// and filter are sheet settings written when the workbook is saved.
fn write_table(ws: &mut Worksheet, table: &ExportTable<'_>, f: &Formats) -> Result<(), SheetError> {
    ws.set_name(&table.name)?;
    let labels = table.labels();
    let mut widths: Vec<usize> = labels
        .iter()
        .map(|l| display_width(l).min(MAX_HEADER_WIDTH))
        .collect();
    for (c, label) in labels.iter().enumerate() {
        ws.write_string_with_format(0, col(c), *label, &f.header)?;
    }
    // Columns whose numbers are shown as percentages in `%` rows.
    let by_unit: Vec<bool> = table
        .columns
        .iter()
        .map(|c| UNIT_VALUE_COLUMNS.contains(&c.name.as_str()))
        .collect();
    let mut r = 0_usize;
    let mut scratch = String::new();
    table.for_each_row(|row, unit| -> Result<(), SheetError> {
        r += 1;
        let row_no = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
        let percent_row = unit == "%";
        for (c, cell) in row.cells().enumerate() {
            let style = if percent_row && by_unit[c] {
                NumberStyle::Percent
            } else {
                table.columns[c].style
            };
            let measure = measuring(widths[c], &mut scratch);
            let shown = write_cell(ws, row_no, col(c), cell, style, f, measure)?;
            widths[c] = widths[c].max(shown);
        }
        Ok(())
    })?;
    finish_sheet(ws, table.len(), &widths)?;
    Ok(())
}

/// The sheet of a table too long for the workbook: one line naming its row count and the CSV
/// file that holds every row.
fn write_moved_note(
    ws: &mut Worksheet,
    table: &ExportTable<'_>,
    max_rows: usize,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(&table.name)?;
    let (rows, file) = (table.len(), format!("{}.csv", table.name));
    let note = lang.fill(
        "workbook.table_in_csv",
        &[("rows", &rows), ("max_rows", &max_rows), ("file", &file)],
    );
    // One plain cell: the text runs on over the empty cells to its right.
    ws.write_string_with_format(0, 0, &note, &f.note)?;
    Ok(())
}

/// Writes one cell; returns its display width when `measure` is given (a buffer numbers are
/// formatted into to be measured, reused from cell to cell), else 0 (the column is already
/// as wide as a column gets: see [`measuring`]).
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: CellRef<'_>,
    style: NumberStyle,
    f: &Formats,
    measure: Option<&mut String>,
) -> Result<usize, XlsxError> {
    match cell {
        CellRef::Text(t) | CellRef::Code(t) => {
            if needs_quote_prefix(t) {
                ws.write_string_with_format(row, col, t, &f.quoted)?;
            } else {
                ws.write_string(row, col, t)?;
            }
            Ok(if measure.is_some() {
                display_width(t)
            } else {
                0
            })
        }
        // Years, ranks, offsets and whole-number values are far below 2^53: exact as f64.
        CellRef::Int(i) if style == NumberStyle::General => {
            ws.write_number(row, col, i as f64)?;
            Ok(if measure.is_some() { int_width(i) } else { 0 })
        }
        CellRef::Int(i) => write_cell(ws, row, col, CellRef::Number(i as f64), style, f, measure),
        CellRef::Number(v) if v.is_finite() => {
            match style {
                NumberStyle::General => ws.write_number(row, col, v)?,
                NumberStyle::Percent => ws.write_number_with_format(row, col, v, &f.percent)?,
                NumberStyle::Decimal => ws.write_number_with_format(row, col, v, &f.decimal)?,
            };
            Ok(match measure {
                Some(buf) => {
                    buf.clear();
                    push_value(buf, v);
                    buf.len() + usize::from(style == NumberStyle::Percent)
                }
                None => 0,
            })
        }
        CellRef::Number(_) | CellRef::Empty => Ok(0),
    }
}

/// The buffer to measure a cell of a column whose width so far is `known`, or `None` when the
/// column already reaches the widest column (then the width need not be measured).
fn measuring(known: usize, scratch: &mut String) -> Option<&mut String> {
    (known + 2 < MAX_WIDTH).then_some(scratch)
}

/// Characters of an integer written in decimal (`i.to_string().len()` without the string).
fn int_width(i: i64) -> usize {
    let sign = usize::from(i < 0);
    let digits = i
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |d| d as usize + 1);
    sign + digits
}

/// True when a spreadsheet would read the text as a formula (same rule as
/// [`spreadsheet_cell`](super::escape::spreadsheet_cell)).
fn needs_quote_prefix(text: &str) -> bool {
    matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

fn finish_sheet(ws: &mut Worksheet, rows: usize, widths: &[usize]) -> Result<(), XlsxError> {
    ws.set_freeze_panes(1, 0)?;
    if !widths.is_empty() {
        let last_row = u32::try_from(rows).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.autofilter(0, 0, last_row, col(widths.len() - 1))?;
    }
    for (c, w) in widths.iter().enumerate() {
        let width = (*w + 2).clamp(MIN_WIDTH, MAX_WIDTH);
        ws.set_column_width(col(c), width as f64)?;
    }
    Ok(())
}

/// Describes every column of every table: table, column, header shown, meaning.
fn write_columns_sheet(
    ws: &mut Worksheet,
    tables: &[ExportTable<'_>],
    ctx: &WorkbookContext<'_>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let l = ctx.lang;
    ws.set_name("columns")?;
    let header = [
        l.text("workbook.sheet"),
        l.text("workbook.column"),
        l.text("workbook.header"),
        l.text("workbook.meaning"),
    ];
    let mut rows: Vec<[String; 4]> = Vec::new();
    for t in tables {
        for c in &t.columns {
            let meaning = describe(&t.name, &c.name, l)
                .map(str::to_string)
                .or_else(|| wide_indicator_meaning(t, &c.name, ctx))
                .unwrap_or_default();
            rows.push([
                t.name.clone(),
                c.name.clone(),
                c.label.clone().unwrap_or_else(|| c.name.clone()),
                meaning,
            ]);
        }
    }
    write_text_rows(ws, &header, &rows, f)
}

/// The meaning of a wide-table indicator column (`metric` or `metric@scope`).
fn wide_indicator_meaning(
    t: &ExportTable<'_>,
    column: &str,
    ctx: &WorkbookContext<'_>,
) -> Option<String> {
    if t.name != "wide" {
        return None;
    }
    let (metric, scope) = column.split_once('@').unwrap_or((column, ""));
    let i = ctx.dict.get(metric)?;
    let scope = if scope.is_empty() {
        i.scope.to_string()
    } else {
        scope.to_string()
    };
    let name = ctx.dict.name(metric, ctx.lang.is_en());
    Some(ctx.lang.fill(
        "workbook.wide_indicator",
        &[("name", &name), ("unit", &i.unit), ("scope", &scope)],
    ))
}

/// Lists every input (file, status, checksum, encoding, county, year, facts) and every
/// published reference value with its source.
fn write_sources_sheet(
    ws: &mut Worksheet,
    ctx: &WorkbookContext<'_>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let l = ctx.lang;
    ws.set_name("sources")?;
    let header = [
        l.text("workbook.file"),
        l.text("workbook.status"),
        l.text("workbook.county"),
        l.text("workbook.division_code"),
        l.text("workbook.report_year"),
        l.text("workbook.facts"),
        l.text("workbook.encoding"),
        "SHA-256",
        l.text("workbook.message"),
    ];
    let mut rows: Vec<[String; 9]> = ctx
        .inputs
        .iter()
        .map(|i| {
            [
                i.path.clone(),
                status_name(i.status).to_string(),
                i.county.clone().unwrap_or_default(),
                i.region_code.clone().unwrap_or_default(),
                i.report_year.map(|y| y.to_string()).unwrap_or_default(),
                i.facts.to_string(),
                i.encoding.clone().unwrap_or_default(),
                i.sha256.clone().unwrap_or_default(),
                super::reasons::input_message(i, l),
            ]
        })
        .collect();
    for r in &ctx.analysis.references {
        rows.push([
            r.source.clone(),
            l.text("workbook.published_reference").to_string(),
            String::new(),
            String::new(),
            r.year.to_string(),
            String::new(),
            String::new(),
            String::new(),
            format!("{} = {} ({})", r.indicator, format_value(r.value), r.scope),
        ]);
    }
    rows.push([
        format!("fazhi {}", env!("CARGO_PKG_VERSION")),
        l.text("workbook.extracted_by").to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    write_text_rows(ws, &header, &rows, f)
}

/// The status as written in manifest.json.
fn status_name(status: InputStatus) -> &'static str {
    match status {
        InputStatus::Ok => "ok",
        InputStatus::NoIndicators => "no_indicators",
        InputStatus::Skipped => "skipped",
        InputStatus::Error => "error",
        InputStatus::NeedsOcr => "needs_ocr",
    }
}

fn write_text_rows<const N: usize>(
    ws: &mut Worksheet,
    header: &[&str; N],
    rows: &[[String; N]],
    f: &Formats,
) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    let mut scratch = String::new();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, col(c), *h, &f.header)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let row_no = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                let cell = CellRef::Text(text);
                let measure = measuring(widths[c], &mut scratch);
                let w = write_cell(ws, row_no, col(c), cell, NumberStyle::General, f, measure)?;
                widths[c] = widths[c].max(w);
            }
        }
    }
    finish_sheet(ws, rows.len(), &widths)
}

fn col(c: usize) -> u16 {
    // Tables have a few dozen columns; Excel's limit is 16 384.
    u16::try_from(c).expect("fewer than 65 536 columns")
}

/// Width of text in character cells: CJK and full-width characters count two.
pub fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_cjk_double() {
        for (text, want) in [
            ("abc", 3),
            ("行政复议", 8),
            ("（91件）", 8),
            ("2023年", 6),
            ("", 0),
        ] {
            assert_eq!(display_width(text), want, "{text}");
        }
    }

    #[test]
    fn int_width_counts_like_to_string() {
        for i in [0, 7, -7, 9, 10, 99, 100, 2023, -2023, i64::MAX, i64::MIN] {
            assert_eq!(int_width(i), i.to_string().len(), "{i}");
        }
    }

    #[test]
    fn quote_prefix_follows_the_csv_rule() {
        for (text, want) in [
            ("=1+1", true),
            ("+1", true),
            ("-2+3", true),
            ("@SUM(A1)", true),
            ("\tx", true),
            ("\rx", true),
            ("纠错3件", false),
            ("110101", false),
            ("", false),
        ] {
            assert_eq!(needs_quote_prefix(text), want, "{text:?}");
        }
    }
}
