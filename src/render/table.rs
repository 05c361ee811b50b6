//! Typed tables shared by the CSV and XLSX writers: every export is described as an
//! [`ExportTable`] (its columns, and its rows produced one at a time as typed cells), so both
//! formats agree on which cells are numbers and which are text.
//!
//! Memory: `fazhi run` never materialises the exports. At national scale they are over a
//! million rows; held as [`Table`]s of owned strings they were most of the run's peak memory.
//! An [`ExportTable`] borrows the analysis and fills one reusable [`Row`] per row, which the
//! CSV and workbook writers consume and forget. [`Table`] (everything in memory) remains for
//! tests and small callers: [`ExportTable::to_table`].
//!
//! Why typed cells: formula neutralisation must apply to text only. A negative change (`-3`)
//! is a number and stays a number; a county name or evidence sentence starting with `=` or
//! `-` is text and gets neutralised. Serialising serde rows straight to CSV strings loses that
//! distinction, so analysis rows go through a tiny serde serializer that keeps each field's
//! type ([`rows_table`], [`ExportTable`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::{self, Impossible, Serialize};

use super::column_docs::column_names;
use super::place::romanised;
use super::reasons::{check_message, notes_text};
use super::review::ReviewFacts;
use super::Lang;
use crate::analysis::{Analysis, Check, ComparisonRow, DerivedRow, TrendRow};
use crate::dict::IndicatorDict;
use crate::model::{Fact, Scope, StatedChange, FACT_COLUMNS};

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Untrusted or free text: neutralised against formula injection when written.
    Text(String),
    /// A code that must stay text although it looks like a number (region codes: `110101`).
    Code(String),
    /// An integer (years, counts of rows, ranks, offsets).
    Int(i64),
    /// A measured value.
    Number(f64),
    /// No value.
    Empty,
}

impl Cell {
    /// The cell, borrowed.
    pub fn as_cell_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Text(t) => CellRef::Text(t),
            Cell::Code(t) => CellRef::Code(t),
            Cell::Int(i) => CellRef::Int(*i),
            Cell::Number(v) => CellRef::Number(*v),
            Cell::Empty => CellRef::Empty,
        }
    }
}

/// One cell of a row being written, borrowed from the row (see [`Cell`] for the meaning of
/// each kind).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    /// Untrusted or free text.
    Text(&'a str),
    /// A code that must stay text.
    Code(&'a str),
    /// An integer.
    Int(i64),
    /// A measured value.
    Number(f64),
    /// No value.
    Empty,
}

impl CellRef<'_> {
    /// The cell, owned.
    pub fn to_cell(self) -> Cell {
        match self {
            CellRef::Text(t) => Cell::Text(t.to_string()),
            CellRef::Code(t) => Cell::Code(t.to_string()),
            CellRef::Int(i) => Cell::Int(i),
            CellRef::Number(v) => Cell::Number(v),
            CellRef::Empty => Cell::Empty,
        }
    }
}

/// Where a cell of a [`Row`] lives: text as a byte range of the row's text buffer.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Text(usize, usize),
    Code(usize, usize),
    Int(i64),
    Number(f64),
    Empty,
}

/// One row of an export, reused from row to row: its text cells share one buffer, so filling
/// a row allocates nothing once the buffers have grown to the longest row.
#[derive(Debug, Default)]
pub struct Row {
    text: String,
    slots: Vec<Slot>,
    /// Field names of serde rows (checked against the table's columns); empty otherwise.
    names: Vec<&'static str>,
}

impl Row {
    fn clear(&mut self) {
        self.text.clear();
        self.slots.clear();
        self.names.clear();
    }

    fn push(&mut self, slot: Slot) {
        self.slots.push(slot);
    }

    fn push_text(&mut self, text: &str) {
        let start = self.text.len();
        self.text.push_str(text);
        self.slots.push(Slot::Text(start, self.text.len()));
    }

    /// Puts a text cell named `name` before column `at`.
    fn insert_text(&mut self, at: usize, name: &'static str, text: &str) {
        let start = self.text.len();
        self.text.push_str(text);
        self.slots.insert(at, Slot::Text(start, self.text.len()));
        if at <= self.names.len() {
            self.names.insert(at, name);
        }
    }

    fn push_code(&mut self, text: &str) {
        let start = self.text.len();
        self.text.push_str(text);
        self.slots.push(Slot::Code(start, self.text.len()));
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The cell in column `i`.
    pub fn get(&self, i: usize) -> Option<CellRef<'_>> {
        self.slots.get(i).map(|slot| self.cell(*slot))
    }

    /// The cells in column order.
    pub fn cells(&self) -> impl Iterator<Item = CellRef<'_>> + '_ {
        self.slots.iter().map(|slot| self.cell(*slot))
    }

    fn cell(&self, slot: Slot) -> CellRef<'_> {
        match slot {
            Slot::Text(a, b) => CellRef::Text(&self.text[a..b]),
            Slot::Code(a, b) => CellRef::Code(&self.text[a..b]),
            Slot::Int(i) => CellRef::Int(i),
            Slot::Number(v) => CellRef::Number(v),
            Slot::Empty => CellRef::Empty,
        }
    }
}

/// How a numeric column is displayed in the workbook (CSV writes plain numbers either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    /// As stored.
    General,
    /// A percentage on the 0–100 scale (`36.6` shown as `36.6%`; the stored number stays 36.6).
    Percent,
    /// A statistic with two decimals (z-scores, slopes).
    Decimal,
}

/// One column: its header and how numbers in it are displayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header written in the first row (stable ids for CSV; see [`Table::labels`]).
    pub name: String,
    /// Header shown in the workbook when it differs from `name` (wide table: indicator names).
    pub label: Option<String>,
    /// Display of numbers in this column.
    pub style: NumberStyle,
}

/// A table ready to be written as CSV or as a worksheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File stem and sheet name (`facts`, `wide`, `trends`, ...).
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// Rows; each has exactly `columns.len()` cells.
    pub rows: Vec<Vec<Cell>>,
    /// Per-row unit (`%` rows of the facts table get the percentage display); empty when the
    /// table has no unit column.
    pub row_units: Vec<String>,
}

impl Table {
    /// The header names (stable ids).
    pub fn names(&self) -> Vec<&str> {
        names(&self.columns)
    }

    /// The headers as shown to a person (labels where set, else names).
    pub fn labels(&self) -> Vec<&str> {
        labels(&self.columns)
    }
}

/// The header names of `columns` (stable ids).
fn names(columns: &[Column]) -> Vec<&str> {
    columns.iter().map(|c| c.name.as_str()).collect()
}

/// The headers of `columns` as shown to a person (labels where set, else names).
fn labels(columns: &[Column]) -> Vec<&str> {
    columns
        .iter()
        .map(|c| c.label.as_deref().unwrap_or(&c.name))
        .collect()
}

/// Errors turning rows into a table.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// A row type has a field that is not a single value (a list or nested struct).
    #[error("table '{table}': column '{column}' is not a single value: {reason}")]
    NotACell {
        /// The table.
        table: String,
        /// The field.
        column: String,
        /// What was found.
        reason: String,
    },
    /// A row is not a struct.
    #[error("table '{table}': a row is not a struct of named fields")]
    NotAStruct {
        /// The table.
        table: String,
    },
    /// A row has different columns than the first row.
    #[error("table '{table}': row {row} has columns {got:?}, expected {expected:?}")]
    Ragged {
        /// The table.
        table: String,
        /// 1-based row number.
        row: usize,
        /// Columns of this row.
        got: Vec<String>,
        /// Columns of the first row.
        expected: Vec<String>,
    },
}

/// Columns shown as percentages (0–100 scale) in analysis tables, by field name.
const PERCENT_FIELDS: [&str; 5] = [
    "pct_change",
    "annual_rate",
    "ci_low",
    "ci_high",
    "percentile",
];
/// Columns shown with two decimals, by field name.
const DECIMAL_FIELDS: [&str; 2] = ["z_score", "slope"];
/// Fields that hold division codes and must stay text.
const CODE_FIELDS: [&str; 1] = ["region_code"];

/// One exported table: its columns, and a way to produce its rows one at a time. Built by
/// [`export_sources`]; borrows the analysis, so it costs nothing until a writer asks for rows.
pub struct ExportTable<'a> {
    /// File stem and sheet name (`facts`, `wide`, `trends`, ...).
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// The column whose text is the row's unit (`%` rows of the facts, trends and comparisons
    /// get the percentage display in the workbook); `None` when units do not apply.
    unit_column: Option<usize>,
    /// With `--lang en`, the columns of place names (before the romanisations are put in),
    /// each with the column its romanisation goes to, in column order (see
    /// [`ExportTable::with_places`]).
    place_columns: Vec<(usize, &'static str)>,
    source: Source<'a>,
}

/// Where an [`ExportTable`]'s rows come from.
enum Source<'a> {
    /// The facts, one row each.
    Facts(&'a [Fact]),
    /// The facts, one row each, gathered from more than one list (collapsed values and their
    /// repeats, see `analysis::all_facts`).
    FactRefs(Vec<&'a Fact>),
    /// Rows already built (the wide table: one row per county and year, small).
    Cells(Vec<Vec<Cell>>),
    /// The changes the reports state, one row each.
    StatedChanges(&'a [StatedChange]),
    /// Analysis rows serialised field by field.
    Serde(Box<dyn SerdeRows + Sync + 'a>),
}

/// A slice of serde rows, seen through one object-safe interface.
trait SerdeRows {
    fn len(&self) -> usize;
    fn fill(&self, i: usize, row: &mut Row) -> Result<(), SerError>;
}

struct SliceRows<'a, T>(&'a [T], Option<Words<'a, T>>);

impl<T: Serialize> SerdeRows for SliceRows<'_, T> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn fill(&self, i: usize, row: &mut Row) -> Result<(), SerError> {
        self.0[i].serialize(RowSerializer(&mut *row))?;
        if let Some(words) = &self.1 {
            if let Some(at) = row.names.iter().position(|n| *n == words.after) {
                row.insert_text(at + 1, words.name, &(words.text)(&self.0[i]));
            }
        }
        Ok(())
    }
}

/// The words of a serde row in the run's language, in a column of their own right after the
/// column that holds their stable key: the analysis writes `reason` and `note_keys`, the
/// render layer adds `message` and `note` (see [`WORDED_COLUMNS`]).
pub struct Words<'a, T> {
    /// The key column the words follow (`reason`).
    pub after: &'static str,
    /// The words' column (`message`).
    pub name: &'static str,
    /// The words of one row.
    pub text: Box<dyn Fn(&T) -> String + Sync + 'a>,
}

/// Place-name columns and the column each one's romanisation goes to with `--lang en`.
const PLACE_COLUMNS: [(&str, &str); 3] = [
    ("province", "province_en"),
    ("prefecture", "prefecture_en"),
    ("county", "county_en"),
];

/// The columns the render layer adds to serde rows, by table: (table, key column, words
/// column). The analysis's rows serialise without them.
pub const WORDED_COLUMNS: [(&str, &str, &str); 4] = [
    ("trends", "note_keys", "note"),
    ("derived", "note_keys", "note"),
    ("comparisons", "note_keys", "note"),
    ("checks", "reason", "message"),
];

/// Columns of fixed tables (facts, stated changes): named, unlabelled, in the general number
/// style, so each value keeps the digits the report printed.
fn general_columns(names: &[&str]) -> Vec<Column> {
    names
        .iter()
        .map(|c| Column {
            name: (*c).to_string(),
            label: None,
            style: NumberStyle::General,
        })
        .collect()
}

impl<'a> ExportTable<'a> {
    /// The facts table (columns fixed by [`FACT_COLUMNS`]); each row's unit is its `unit`.
    pub fn facts(facts: &'a [Fact]) -> Self {
        ExportTable {
            name: "facts".to_string(),
            columns: general_columns(&FACT_COLUMNS),
            unit_column: FACT_COLUMNS.iter().position(|c| *c == "unit"),
            place_columns: Vec::new(),
            source: Source::Facts(facts),
        }
    }

    /// [`ExportTable::facts`] of facts gathered by reference.
    pub fn fact_refs(facts: Vec<&'a Fact>) -> Self {
        ExportTable {
            source: Source::FactRefs(facts),
            ..ExportTable::facts(&[])
        }
    }

    /// The stated changes table (columns [`STATED_CHANGE_COLUMNS`]): one row per change a
    /// report states, in input order then text order.
    pub fn stated_changes(changes: &'a [StatedChange]) -> Self {
        ExportTable {
            name: "stated_changes".to_string(),
            columns: general_columns(&STATED_CHANGE_COLUMNS),
            unit_column: None,
            place_columns: Vec::new(),
            source: Source::StatedChanges(changes),
        }
    }

    /// A table of serde rows (trends, derived, comparisons, checks...), keeping each field's
    /// type. The columns are the first row's fields; `columns_if_empty` gives the header when
    /// there are no rows, so an empty table still tells the reader what it would hold.
    pub fn rows<T: Serialize + Sync>(
        name: &str,
        rows: &'a [T],
        columns_if_empty: &[&str],
    ) -> Result<Self, TableError> {
        Self::worded_rows(name, rows, columns_if_empty, None)
    }

    /// [`ExportTable::rows`] with the rows' words in a column of their own (see [`Words`]).
    pub fn worded_rows<T: Serialize + Sync>(
        name: &str,
        rows: &'a [T],
        columns_if_empty: &[&str],
        words: Option<Words<'a, T>>,
    ) -> Result<Self, TableError> {
        let source = SliceRows(rows, words);
        let names: Vec<String> = if rows.is_empty() {
            columns_if_empty.iter().map(|s| s.to_string()).collect()
        } else {
            let mut row = Row::default();
            source
                .fill(0, &mut row)
                .map_err(|e| e.into_table_error(name))?;
            row.names.iter().map(|n| n.to_string()).collect()
        };
        Ok(ExportTable {
            name: name.to_string(),
            columns: Self::columns_of(names),
            unit_column: None,
            place_columns: Vec::new(),
            source: Source::Serde(Box::new(source)),
        })
    }

    /// Columns of serde rows, by field name: percentages, statistics and the rest.
    fn columns_of(names: impl IntoIterator<Item = String>) -> Vec<Column> {
        names
            .into_iter()
            .map(|n| {
                let style = if PERCENT_FIELDS.contains(&n.as_str()) {
                    NumberStyle::Percent
                } else if DECIMAL_FIELDS.contains(&n.as_str()) {
                    NumberStyle::Decimal
                } else {
                    NumberStyle::General
                };
                Column {
                    name: n,
                    label: None,
                    style,
                }
            })
            .collect()
    }

    /// The wide table (see [`wide_table`]).
    pub fn wide(analysis: &Analysis, dict: &IndicatorDict, lang: Lang) -> Self {
        Self::wide_of(&analysis.facts, dict, lang)
    }

    /// The wide table of facts already collapsed as in `Analysis.facts` (see [`wide_table`]).
    pub fn wide_of(facts: &[Fact], dict: &IndicatorDict, lang: Lang) -> Self {
        let table = wide_table_of(facts, dict, lang);
        ExportTable {
            name: table.name,
            columns: table.columns,
            unit_column: None,
            place_columns: Vec::new(),
            source: Source::Cells(table.rows),
        }
    }

    /// Marks the `value` and `reference` columns as percentages (derived rates are all
    /// percentages).
    pub fn with_percent_values(mut self) -> Self {
        for c in &mut self.columns {
            if c.name == "value" || c.name == "reference" {
                c.style = NumberStyle::Percent;
            }
        }
        self
    }

    /// With `--lang en`, puts each place name in pinyin (`Guan County`) in a column right
    /// after it (`province_en`, `prefecture_en`, `county_en`): the name's own column keeps it
    /// as the reports give it, the key to join on, and an English reader gets a name to read.
    /// A table without places is left as it is, as is every table in Chinese.
    pub fn with_places(mut self, lang: Lang) -> Self {
        if !lang.is_en() {
            return self;
        }
        self.place_columns = self
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                PLACE_COLUMNS
                    .iter()
                    .find(|(name, _)| *name == c.name)
                    .map(|(_, en)| (i, *en))
            })
            .collect();
        for &(at, en) in self.place_columns.iter().rev() {
            self.columns.insert(
                at + 1,
                Column {
                    name: en.to_string(),
                    label: None,
                    style: NumberStyle::General,
                },
            );
        }
        if let Some(u) = self.unit_column.as_mut() {
            *u += self.place_columns.iter().filter(|(at, _)| *at < *u).count();
        }
        self
    }

    /// Takes each row's unit from the table's `unit` column, so `%` values get the percentage
    /// display in the workbook (trends and comparisons mix units).
    pub fn with_row_units(mut self) -> Self {
        self.unit_column = self.columns.iter().position(|c| c.name == "unit");
        self
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.source {
            Source::Facts(facts) => facts.len(),
            Source::FactRefs(facts) => facts.len(),
            Source::Cells(rows) => rows.len(),
            Source::StatedChanges(changes) => changes.len(),
            Source::Serde(rows) => rows.len(),
        }
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The header names (stable ids).
    pub fn names(&self) -> Vec<&str> {
        names(&self.columns)
    }

    /// The headers as shown to a person (labels where set, else names).
    pub fn labels(&self) -> Vec<&str> {
        labels(&self.columns)
    }

    /// Calls `f` with every row in order and the row's unit (empty when units do not apply).
    /// One [`Row`] is reused throughout: copy out what must outlive the call.
    pub fn for_each_row<E: From<TableError>>(
        &self,
        mut f: impl FnMut(&Row, &str) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut row = Row::default();
        for i in 0..self.len() {
            self.fill(i, &mut row)?;
            let unit = match self.unit_column.and_then(|c| row.get(c)) {
                Some(CellRef::Text(u)) => u,
                _ => "",
            };
            f(&row, unit)?;
        }
        Ok(())
    }

    /// Fills `row` with row `i`.
    fn fill(&self, i: usize, row: &mut Row) -> Result<(), TableError> {
        match &self.source {
            Source::Facts(facts) => fill_fact(&facts[i], row),
            Source::FactRefs(facts) => fill_fact(facts[i], row),
            Source::StatedChanges(changes) => fill_stated_change(&changes[i], row),
            Source::Cells(rows) => {
                row.clear();
                for cell in &rows[i] {
                    match cell {
                        Cell::Text(t) => row.push_text(t),
                        Cell::Code(t) => row.push_code(t),
                        Cell::Int(v) => row.push(Slot::Int(*v)),
                        Cell::Number(v) => row.push(Slot::Number(*v)),
                        Cell::Empty => row.push(Slot::Empty),
                    }
                }
            }
            Source::Serde(rows) => {
                rows.fill(i, row)
                    .map_err(|e| e.into_table_error(&self.name))?;
            }
        }
        for &(at, en) in self.place_columns.iter().rev() {
            let latin = match row.get(at) {
                Some(CellRef::Text(name)) => romanised(name),
                _ => String::new(),
            };
            row.insert_text(at + 1, en, &latin);
        }
        if let Source::Serde(_) = &self.source {
            let same = row.names.len() == self.columns.len()
                && row
                    .names
                    .iter()
                    .zip(&self.columns)
                    .all(|(n, c)| *n == c.name);
            if !same {
                return Err(TableError::Ragged {
                    table: self.name.clone(),
                    row: i + 1,
                    got: row.names.iter().map(|n| n.to_string()).collect(),
                    expected: self.columns.iter().map(|c| c.name.clone()).collect(),
                });
            }
        }
        Ok(())
    }

    /// The whole table in memory (for tests and small outputs).
    pub fn to_table(&self) -> Result<Table, TableError> {
        let mut rows = Vec::with_capacity(self.len());
        let mut row_units = Vec::new();
        self.for_each_row(|row, unit| -> Result<(), TableError> {
            rows.push(row.cells().map(CellRef::to_cell).collect());
            if self.unit_column.is_some() {
                row_units.push(unit.to_string());
            }
            Ok(())
        })?;
        Ok(Table {
            name: self.name.clone(),
            columns: self.columns.clone(),
            rows,
            row_units,
        })
    }
}

/// One fact as a row of the facts table.
fn fill_fact(f: &Fact, row: &mut Row) {
    use std::fmt::Write;
    row.clear();
    row.push_text(&f.doc);
    row.push_code(&f.region_code);
    row.push_text(&f.province);
    row.push_text(&f.prefecture);
    row.push_text(&f.county);
    row.push(f.report_year.map_or(Slot::Empty, |y| Slot::Int(y.into())));
    row.push_text(&f.metric);
    row.push(Slot::Int(f.year.into()));
    let start = row.text.len();
    write!(row.text, "{}", f.scope).expect("writing to a String cannot fail");
    row.push(Slot::Text(start, row.text.len()));
    row.push(Slot::Number(f.value));
    row.push_text(&f.unit);
    let start = row.text.len();
    write!(row.text, "{}", f.qualifier).expect("writing to a String cannot fail");
    row.push(Slot::Text(start, row.text.len()));
    row.push_text(&f.evidence);
    row.push(Slot::Int(i64::try_from(f.offset).unwrap_or(i64::MAX)));
    match f.level {
        Some(level) => row.push_text(level.name()),
        None => row.push(Slot::Empty),
    }
    let start = row.text.len();
    write!(row.text, "{}", f.confidence).expect("writing to a String cannot fail");
    row.push(Slot::Text(start, row.text.len()));
    row.push_text(&f.review_reason);
}

/// Column names of the stated changes table, in order. Its own list rather than
/// `StatedChange`'s fields: the scope is the indicator's and says nothing the metric does not.
pub const STATED_CHANGE_COLUMNS: [&str; 13] = [
    "doc",
    "region_code",
    "province",
    "prefecture",
    "county",
    "level",
    "metric",
    "year",
    "base_year",
    "change",
    "unit",
    "evidence",
    "offset",
];

/// One stated change as a row of the stated changes table.
fn fill_stated_change(c: &StatedChange, row: &mut Row) {
    use std::fmt::Write;
    row.clear();
    row.push_text(&c.doc);
    row.push_code(&c.region_code);
    row.push_text(&c.province);
    row.push_text(&c.prefecture);
    row.push_text(&c.county);
    match c.level {
        Some(level) => row.push_text(level.name()),
        None => row.push(Slot::Empty),
    }
    row.push_text(&c.metric);
    row.push(Slot::Int(c.year.into()));
    row.push(Slot::Int(c.base_year.into()));
    row.push(Slot::Number(c.change));
    let start = row.text.len();
    write!(row.text, "{}", c.unit).expect("writing to a String cannot fail");
    row.push(Slot::Text(start, row.text.len()));
    row.push_text(&c.evidence);
    row.push(Slot::Int(i64::try_from(c.offset).unwrap_or(i64::MAX)));
}

/// The facts table (columns fixed by [`FACT_COLUMNS`]), in memory.
pub fn facts_table(facts: &[Fact]) -> Table {
    ExportTable::facts(facts)
        .to_table()
        .expect("fact rows are always one cell per column")
}

/// The wide table: one row per county and year, one column per indicator and scope.
///
/// Conflicting values (same county, indicator, year and scope, different values; see
/// `Analysis.conflicts`) are never resolved here: the cell is left empty and the `conflicts`
/// column names the indicator and every value, so nobody pastes one of them as if it were sure.
pub fn wide_table(analysis: &Analysis, dict: &IndicatorDict, lang: Lang) -> Table {
    wide_table_of(&analysis.facts, dict, lang)
}

/// [`wide_table`] of facts already collapsed as in `Analysis.facts`.
pub fn wide_table_of(facts: &[Fact], dict: &IndicatorDict, lang: Lang) -> Table {
    // (region_code, county, year) → (metric, scope) → distinct values; borrowed from the facts.
    type RowKey<'f> = (&'f str, &'f str, i32);
    let mut cells: BTreeMap<RowKey<'_>, BTreeMap<(&str, Scope), Vec<f64>>> = BTreeMap::new();
    let mut levels: BTreeMap<RowKey<'_>, Option<crate::model::Level>> = BTreeMap::new();
    for f in facts {
        levels
            .entry((&f.region_code, &f.county, f.year))
            .or_insert(f.level);
        let values = cells
            .entry((&f.region_code, &f.county, f.year))
            .or_default()
            .entry((&f.metric, f.scope))
            .or_default();
        if !values.contains(&f.value) {
            values.push(f.value);
        }
    }
    // (metric, scope) columns in dictionary order, then unknown metrics by id.
    let mut keys: Vec<(&str, Scope)> = cells
        .values()
        .flat_map(|by_key| by_key.keys().copied())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let order = |m: &str| {
        dict.indicators
            .iter()
            .position(|i| i.id == m)
            .unwrap_or(usize::MAX)
    };
    keys.sort_by_cached_key(|k| (order(k.0), k.0, k.1));

    let mut columns = vec![
        plain_column("region_code", lang.text("table.division_code")),
        plain_column("county", lang.text("table.county")),
        plain_column("level", lang.text("table.level")),
        plain_column("year", lang.text("table.year")),
    ];
    for (metric, scope) in &keys {
        let indicator = dict.get(metric);
        let default_scope = indicator.map(|i| i.scope);
        let name = if default_scope == Some(*scope) {
            metric.to_string()
        } else {
            format!("{metric}@{scope}")
        };
        let mut label = dict.name(metric, lang.is_en()).to_string();
        if let Some(i) = indicator {
            label = format!("{label} ({})", i.unit);
        }
        if default_scope != Some(*scope) {
            label = format!("{label} [{}]", scope_label(*scope, lang));
        }
        let percent = indicator.is_some_and(|i| i.unit == "%");
        columns.push(Column {
            name,
            label: Some(label),
            style: if percent {
                NumberStyle::Percent
            } else {
                NumberStyle::General
            },
        });
    }
    columns.push(plain_column("conflicts", lang.text("table.conflicts")));

    let rows = cells
        .into_iter()
        .map(|((code, county, year), by_key)| {
            let mut row = Vec::with_capacity(keys.len() + 5);
            let level = levels.get(&(code, county, year)).copied().flatten();
            row.extend([
                Cell::Code(code.to_string()),
                Cell::Text(county.to_string()),
                level.map_or(Cell::Empty, |l| Cell::Text(l.name().to_string())),
                Cell::Int(year.into()),
            ]);
            let mut conflicts = Vec::new();
            for key in &keys {
                match by_key.get(key).map(Vec::as_slice) {
                    Some([v]) => row.push(Cell::Number(*v)),
                    Some(values) if values.len() > 1 => {
                        let listed: Vec<String> = values
                            .iter()
                            .map(|v| crate::model::format_value(*v))
                            .collect();
                        conflicts.push(format!("{}: {}", key.0, listed.join(" / ")));
                        row.push(Cell::Empty);
                    }
                    _ => row.push(Cell::Empty),
                }
            }
            row.push(if conflicts.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(conflicts.join("; "))
            });
            row
        })
        .collect();
    Table {
        name: "wide".to_string(),
        columns,
        rows,
        row_units: Vec::new(),
    }
}

fn plain_column(name: &str, label: &str) -> Column {
    Column {
        name: name.to_string(),
        label: Some(label.to_string()),
        style: NumberStyle::General,
    }
}

/// The scope as a short label in the given language.
pub fn scope_label(scope: Scope, lang: Lang) -> &'static str {
    match scope {
        Scope::Annual => lang.text("table.annual"),
        Scope::Stock => lang.text("table.year_end"),
        Scope::Cumulative => lang.text("table.cumulative"),
        Scope::Partial => lang.text("table.partial"),
    }
}

/// Turns serde rows (trends, derived, comparisons, checks...) into a table in memory, keeping
/// each field's type. `columns_if_empty` gives the header when there are no rows.
pub fn rows_table<T: Serialize>(
    name: &str,
    rows: &[T],
    columns_if_empty: &[&str],
) -> Result<Table, TableError> {
    let mut columns = ExportTable::columns_of(columns_if_empty.iter().map(|s| s.to_string()));
    let mut row = Row::default();
    let mut out_rows = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        r.serialize(RowSerializer(&mut row))
            .map_err(|e| e.into_table_error(name))?;
        if i == 0 {
            columns = ExportTable::columns_of(row.names.iter().map(|n| n.to_string()));
        } else if row.names.len() != columns.len()
            || row.names.iter().zip(&columns).any(|(n, c)| *n != c.name)
        {
            return Err(TableError::Ragged {
                table: name.to_string(),
                row: i + 1,
                got: row.names.iter().map(|n| n.to_string()).collect(),
                expected: columns.iter().map(|c| c.name.clone()).collect(),
            });
        }
        out_rows.push(row.cells().map(CellRef::to_cell).collect());
    }
    Ok(Table {
        name: name.to_string(),
        columns,
        rows: out_rows,
        row_units: Vec::new(),
    })
}

/// What the exported tables show besides the analysis.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableInputs<'a> {
    /// The facts marked review: the facts table lists those the analysis left out too, so it
    /// keeps every fact whatever the analysis counted.
    pub review: ReviewFacts<'a>,
    /// Every change the reports state: the stated changes table.
    pub stated_changes: &'a [StatedChange],
}

/// Every exported table, in the order of the workbook's sheets: facts, wide, trends,
/// derived, comparisons, slopes, checks, timeliness, stated_changes, regions, coverage,
/// outliers. Empty tables keep their
/// documented header. Nothing is copied yet: each table produces its rows when written.
pub fn export_sources<'a>(
    analysis: &'a Analysis,
    dict: &'a IndicatorDict,
    lang: Lang,
) -> Result<Vec<ExportTable<'a>>, TableError> {
    export_sources_with(analysis, TableInputs::default(), dict, lang)
}

/// [`export_sources`] with the facts the analysis left out and the stated changes.
pub fn export_sources_with<'a>(
    analysis: &'a Analysis,
    inputs: TableInputs<'a>,
    dict: &'a IndicatorDict,
    lang: Lang,
) -> Result<Vec<ExportTable<'a>>, TableError> {
    let header = column_names;
    let tables = vec![
        ExportTable::fact_refs(exported_facts(analysis, inputs.review)),
        ExportTable::wide(analysis, dict, lang),
        ExportTable::worded_rows(
            "trends",
            &analysis.trends,
            &header("trends"),
            Some(Words {
                after: "note_keys",
                name: "note",
                text: Box::new(move |r: &TrendRow| notes_text(&r.notes, dict, lang)),
            }),
        )?
        .with_row_units(),
        ExportTable::worded_rows(
            "derived",
            &analysis.derived,
            &header("derived"),
            Some(Words {
                after: "note_keys",
                name: "note",
                text: Box::new(move |r: &DerivedRow| notes_text(&r.notes, dict, lang)),
            }),
        )?
        .with_percent_values(),
        ExportTable::worded_rows(
            "comparisons",
            &analysis.comparisons,
            &header("comparisons"),
            Some(Words {
                after: "note_keys",
                name: "note",
                text: Box::new(move |r: &ComparisonRow| notes_text(&r.notes, dict, lang)),
            }),
        )?
        .with_row_units(),
        ExportTable::rows("slopes", &analysis.slopes, &header("slopes"))?,
        ExportTable::worded_rows(
            "checks",
            &analysis.checks,
            &header("checks"),
            Some(Words {
                after: "reason",
                name: "message",
                text: Box::new(move |c: &Check| check_message(&c.reason, dict, lang)),
            }),
        )?,
        ExportTable::rows("timeliness", &analysis.timeliness, &header("timeliness"))?,
        ExportTable::stated_changes(inputs.stated_changes),
        ExportTable::rows("regions", &analysis.national.regions, &header("regions"))?,
        ExportTable::rows("coverage", &analysis.national.coverage, &header("coverage"))?,
        ExportTable::rows("outliers", &analysis.national.outliers, &header("outliers"))?,
    ];
    Ok(tables.into_iter().map(|t| t.with_places(lang)).collect())
}

/// Every fact `facts.csv` holds, in its order: those the analysis counted (with their
/// repeats) and those it left out for review.
pub fn exported_facts<'a>(analysis: &'a Analysis, review: ReviewFacts<'a>) -> Vec<&'a Fact> {
    merge_facts(analysis.all_facts(), review.left_out())
}

/// Two lists in fact order ([`Fact::order_key`]) as one, in that order; on a tie, `counted`
/// first. Without facts left out (every bundled report) the list is `counted` untouched.
fn merge_facts<'a>(counted: Vec<&'a Fact>, left_out: &'a [Fact]) -> Vec<&'a Fact> {
    if left_out.is_empty() {
        return counted;
    }
    let mut out = Vec::with_capacity(counted.len() + left_out.len());
    let (mut a, mut b) = (counted.into_iter().peekable(), left_out.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if y.order_key() < x.order_key() => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(f) => out.push(f),
            None => return out,
        }
    }
}

/// Every exported table in memory ([`export_sources`], materialised).
pub fn export_tables(
    analysis: &Analysis,
    dict: &IndicatorDict,
    lang: Lang,
) -> Result<Vec<Table>, TableError> {
    export_sources(analysis, dict, lang)?
        .iter()
        .map(ExportTable::to_table)
        .collect()
}

// ---- a serde serializer for one flat row -------------------------------------------------

#[derive(Debug)]
enum SerError {
    NotACell { column: String, reason: String },
    NotAStruct,
    Custom(String),
}

impl SerError {
    fn into_table_error(self, table: &str) -> TableError {
        match self {
            SerError::NotACell { column, reason } => TableError::NotACell {
                table: table.to_string(),
                column,
                reason,
            },
            SerError::NotAStruct => TableError::NotAStruct {
                table: table.to_string(),
            },
            SerError::Custom(reason) => TableError::NotACell {
                table: table.to_string(),
                column: String::new(),
                reason,
            },
        }
    }
}

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SerError::NotACell { column, reason } => write!(f, "{column}: {reason}"),
            SerError::NotAStruct => f.write_str("not a struct"),
            SerError::Custom(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerError::Custom(msg.to_string())
    }
}

/// Serialises one struct into a [`Row`] (cleared first), recording each field's name.
struct RowSerializer<'r>(&'r mut Row);

struct RowFields<'r>(&'r mut Row);

macro_rules! not_a_struct {
    ($($name:ident($($arg:ty),* $(,)?)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<Self::Ok, Self::Error> {
            Err(SerError::NotAStruct)
        })*
    };
}

impl<'r> ser::Serializer for RowSerializer<'r> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Impossible<(), SerError>;
    type SerializeTuple = Impossible<(), SerError>;
    type SerializeTupleStruct = Impossible<(), SerError>;
    type SerializeTupleVariant = Impossible<(), SerError>;
    type SerializeMap = Impossible<(), SerError>;
    type SerializeStruct = RowFields<'r>;
    type SerializeStructVariant = Impossible<(), SerError>;

    not_a_struct!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), SerError> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), SerError> {
        Err(SerError::NotAStruct)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, SerError> {
        Err(SerError::NotAStruct)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, SerError> {
        Err(SerError::NotAStruct)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, SerError> {
        Err(SerError::NotAStruct)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Err(SerError::NotAStruct)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, SerError> {
        Err(SerError::NotAStruct)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, SerError> {
        self.0.clear();
        Ok(RowFields(self.0))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        Err(SerError::NotAStruct)
    }
}

impl ser::SerializeStruct for RowFields<'_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        let before = self.0.slots.len();
        value
            .serialize(CellSerializer {
                row: self.0,
                code: CODE_FIELDS.contains(&key),
            })
            .map_err(|reason| SerError::NotACell {
                column: key.to_string(),
                reason: reason.to_string(),
            })?;
        debug_assert_eq!(self.0.slots.len(), before + 1, "one cell per field");
        self.0.names.push(key);
        Ok(())
    }

    fn end(self) -> Result<(), SerError> {
        Ok(())
    }
}

/// Serialises one field value as the next cell of a [`Row`]; text of a code field (see
/// [`CODE_FIELDS`]) becomes a [`CellRef::Code`].
struct CellSerializer<'r> {
    row: &'r mut Row,
    code: bool,
}

impl CellSerializer<'_> {
    fn text(self, text: &str) -> Result<(), SerError> {
        if self.code {
            self.row.push_code(text);
        } else {
            self.row.push_text(text);
        }
        Ok(())
    }

    fn int<T: TryInto<i64> + Copy + Into<f64>>(self, v: T) -> Result<(), SerError> {
        self.row.push(match v.try_into() {
            Ok(i) => Slot::Int(i),
            Err(_) => Slot::Number(v.into()),
        });
        Ok(())
    }
}

macro_rules! not_a_cell {
    ($what:literal, $($name:ident($($arg:ty),* $(,)?) -> $ret:ty),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ret, SerError> {
            Err(SerError::Custom(format!("a {} cannot be one cell", $what)))
        })*
    };
}

impl ser::Serializer for CellSerializer<'_> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Impossible<(), SerError>;
    type SerializeTuple = Impossible<(), SerError>;
    type SerializeTupleStruct = Impossible<(), SerError>;
    type SerializeTupleVariant = Impossible<(), SerError>;
    type SerializeMap = Impossible<(), SerError>;
    type SerializeStruct = Impossible<(), SerError>;
    type SerializeStructVariant = Impossible<(), SerError>;

    fn serialize_bool(self, v: bool) -> Result<(), SerError> {
        self.text(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), SerError> {
        self.row.push(Slot::Int(v));
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), SerError> {
        self.int(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), SerError> {
        // Counts far beyond i64 do not occur; keep the value rather than fail.
        self.row
            .push(i64::try_from(v).map_or(Slot::Number(v as f64), Slot::Int));
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), SerError> {
        self.row.push(Slot::Number(v.into()));
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), SerError> {
        self.row.push(if v.is_finite() {
            Slot::Number(v)
        } else {
            Slot::Empty
        });
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), SerError> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), SerError> {
        self.text(v)
    }
    fn serialize_none(self) -> Result<(), SerError> {
        self.row.push(Slot::Empty);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), SerError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), SerError> {
        self.row.push(Slot::Empty);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), SerError> {
        self.row.push(Slot::Empty);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), SerError> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        value.serialize(self)
    }
    not_a_cell!(
        "byte string",
        serialize_bytes(&[u8]) -> (),
    );
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), SerError> {
        Err(SerError::Custom(
            "an enum with data cannot be one cell".into(),
        ))
    }
    not_a_cell!(
        "list",
        serialize_seq(Option<usize>) -> Self::SerializeSeq,
        serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant,
    );
    not_a_cell!(
        "map or struct",
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct(&'static str, usize) -> Self::SerializeStruct,
        serialize_struct_variant(
            &'static str,
            u32,
            &'static str,
            usize,
        ) -> Self::SerializeStructVariant,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Severity, TrendRow};
    use serde::Serialize;

    fn trend(change: f64) -> TrendRow {
        TrendRow {
            region_code: "110101".into(),
            county: "=cmd".into(),
            level: None,
            metric: "enforcement.certified_staff".into(),
            scope: Scope::Stock,
            year: 2023,
            value: 863.0,
            unit: "人".into(),
            prev_year: Some(2022),
            prev_value: Some(632.0),
            change: Some(change),
            pct_change: Some(36.6),
            annual_rate: None,
            evidence: "由2022年的632人增加到863人".into(),
            doc: "a.txt".into(),
            notes: Default::default(),
            qualifier: crate::model::Qualifier::Exact,
        }
    }

    #[test]
    fn serde_rows_keep_their_types() {
        let t = rows_table("trends", &[trend(-3.5)], &[]).expect("table");
        let names = t.names();
        let cell = |n: &str| &t.rows[0][names.iter().position(|c| *c == n).expect(n)];
        for (column, want) in [
            ("region_code", Cell::Code("110101".into())),
            ("county", Cell::Text("=cmd".into())),
            ("scope", Cell::Text("stock".into())),
            ("year", Cell::Int(2023)),
            // analysis::model::clean writes whole numbers as integers.
            ("value", Cell::Int(863)),
            ("prev_year", Cell::Int(2022)),
            ("change", Cell::Number(-3.5)),
            ("annual_rate", Cell::Empty),
        ] {
            assert_eq!(cell(column), &want, "{column}");
        }
        let pct = &t.columns[names.iter().position(|c| *c == "pct_change").expect("pct")];
        assert_eq!(pct.style, NumberStyle::Percent);
    }

    #[test]
    fn empty_rows_use_the_given_header() {
        let t = rows_table::<TrendRow>("trends", &[], &["a", "b"]).expect("table");
        assert_eq!(t.names(), ["a", "b"]);
        assert!(t.rows.is_empty());
    }

    #[test]
    fn nested_fields_are_refused_with_the_column_name() {
        #[derive(Serialize)]
        struct Bad {
            list: Vec<i32>,
        }
        let err = rows_table("bad", &[Bad { list: vec![1] }], &[]).expect_err("nested");
        assert!(err.to_string().contains("'list'"), "{err}");
    }

    #[test]
    fn severity_serialises_as_its_lowercase_name() {
        #[derive(Serialize)]
        struct Row {
            severity: Severity,
        }
        let t = rows_table(
            "checks",
            &[Row {
                severity: Severity::Warning,
            }],
            &[],
        )
        .expect("table");
        assert_eq!(t.rows[0][0], Cell::Text("warning".into()));
    }
}
