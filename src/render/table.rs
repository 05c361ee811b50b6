//! Typed tables shared by the CSV and XLSX writers: every export is first turned into a
//! [`Table`] of [`Cell`]s, so both formats agree on which cells are numbers and which are text.
//!
//! Why typed cells: formula neutralisation must apply to text only. A negative change (`-3`)
//! is a number and stays a number; a county name or evidence sentence starting with `=` or
//! `-` is text and gets neutralised. Serialising serde rows straight to CSV strings loses that
//! distinction, so analysis rows go through [`rows_table`], a tiny serde serializer that keeps
//! each field's type.

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::{self, Impossible, Serialize};

use super::column_docs::column_names;
use super::Lang;
use crate::analysis::Analysis;
use crate::dict::IndicatorDict;
use crate::extract::{Fact, Scope, FACT_COLUMNS};

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
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// The headers as shown to a person (labels where set, else names).
    pub fn labels(&self) -> Vec<&str> {
        self.columns
            .iter()
            .map(|c| c.label.as_deref().unwrap_or(&c.name))
            .collect()
    }
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

/// The facts table (columns fixed by [`FACT_COLUMNS`]).
pub fn facts_table(facts: &[Fact]) -> Table {
    let columns = FACT_COLUMNS
        .iter()
        .map(|c| Column {
            name: (*c).to_string(),
            label: None,
            style: NumberStyle::General,
        })
        .collect();
    let rows = facts
        .iter()
        .map(|f| {
            vec![
                Cell::Text(f.doc.clone()),
                Cell::Code(f.region_code.clone()),
                Cell::Text(f.province.clone()),
                Cell::Text(f.prefecture.clone()),
                Cell::Text(f.county.clone()),
                f.report_year.map_or(Cell::Empty, |y| Cell::Int(y.into())),
                Cell::Text(f.metric.clone()),
                Cell::Int(f.year.into()),
                Cell::Text(f.scope.to_string()),
                Cell::Number(f.value),
                Cell::Text(f.unit.clone()),
                Cell::Text(f.qualifier.to_string()),
                Cell::Text(f.evidence.clone()),
                Cell::Int(i64::try_from(f.offset).unwrap_or(i64::MAX)),
            ]
        })
        .collect();
    Table {
        name: "facts".to_string(),
        columns,
        rows,
        row_units: facts.iter().map(|f| f.unit.clone()).collect(),
    }
}

/// The wide table: one row per county and year, one column per indicator and scope.
///
/// Conflicting values (same county, indicator, year and scope, different values; see
/// `Analysis.conflicts`) are never resolved here: the cell is left empty and the `conflicts`
/// column names the indicator and every value, so nobody pastes one of them as if it were sure.
pub fn wide_table(analysis: &Analysis, dict: &IndicatorDict, lang: Lang) -> Table {
    // (metric, scope) columns in dictionary order, then unknown metrics by id.
    let mut keys: Vec<(String, Scope)> = Vec::new();
    for f in &analysis.facts {
        let key = (f.metric.clone(), f.scope);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let order = |m: &str| {
        dict.indicators
            .iter()
            .position(|i| i.id == m)
            .unwrap_or(usize::MAX)
    };
    keys.sort_by(|a, b| (order(&a.0), &a.0, a.1).cmp(&(order(&b.0), &b.0, b.1)));

    // (region_code, county, year) → (metric, scope) → distinct values.
    type RowKey = (String, String, i32);
    let mut cells: BTreeMap<RowKey, BTreeMap<(String, Scope), Vec<f64>>> = BTreeMap::new();
    for f in &analysis.facts {
        let values = cells
            .entry((f.region_code.clone(), f.county.clone(), f.year))
            .or_default()
            .entry((f.metric.clone(), f.scope))
            .or_default();
        if !values.contains(&f.value) {
            values.push(f.value);
        }
    }

    let mut columns = vec![
        plain_column("region_code", lang.pick("区划代码", "Division code")),
        plain_column("county", lang.pick("县区", "County")),
        plain_column("year", lang.pick("年份", "Year")),
    ];
    for (metric, scope) in &keys {
        let indicator = dict.get(metric);
        let default_scope = indicator.map(|i| i.scope);
        let name = if default_scope == Some(*scope) {
            metric.clone()
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
    columns.push(plain_column("conflicts", lang.pick("冲突值", "Conflicts")));

    let rows = cells
        .into_iter()
        .map(|((code, county, year), by_key)| {
            let mut row = vec![Cell::Code(code), Cell::Text(county), Cell::Int(year.into())];
            let mut conflicts = Vec::new();
            for key in &keys {
                match by_key.get(key).map(Vec::as_slice) {
                    Some([v]) => row.push(Cell::Number(*v)),
                    Some(values) if values.len() > 1 => {
                        let listed: Vec<String> = values
                            .iter()
                            .map(|v| crate::extract::format_value(*v))
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
        Scope::Annual => lang.pick("年度", "annual"),
        Scope::Stock => lang.pick("年末存量", "year-end"),
        Scope::Cumulative => lang.pick("累计", "cumulative"),
    }
}

/// Turns serde rows (trends, derived, comparisons, checks...) into a table, keeping each
/// field's type. `columns_if_empty` gives the header when there are no rows, so an empty
/// table still tells the reader what it would hold.
pub fn rows_table<T: Serialize>(
    name: &str,
    rows: &[T],
    columns_if_empty: &[&str],
) -> Result<Table, TableError> {
    let mut names: Option<Vec<String>> = None;
    let mut out_rows = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let fields = row
            .serialize(RowSerializer)
            .map_err(|e| e.into_table_error(name))?;
        let row_names: Vec<String> = fields.iter().map(|(n, _)| n.clone()).collect();
        match &names {
            None => names = Some(row_names),
            Some(expected) if *expected != row_names => {
                return Err(TableError::Ragged {
                    table: name.to_string(),
                    row: i + 1,
                    got: row_names,
                    expected: expected.clone(),
                })
            }
            Some(_) => {}
        }
        out_rows.push(fields.into_iter().map(|(_, c)| c).collect());
    }
    let names = names.unwrap_or_else(|| columns_if_empty.iter().map(|s| s.to_string()).collect());
    let columns = names
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
        .collect();
    Ok(Table {
        name: name.to_string(),
        columns,
        rows: out_rows,
        row_units: Vec::new(),
    })
}

/// Every exported table, in the order of the workbook's sheets: facts, wide, trends,
/// derived, comparisons, slopes, checks. Empty tables keep their documented header.
pub fn export_tables(
    analysis: &Analysis,
    dict: &IndicatorDict,
    lang: Lang,
) -> Result<Vec<Table>, TableError> {
    let header = column_names;
    Ok(vec![
        facts_table(&analysis.facts),
        wide_table(analysis, dict, lang),
        with_row_units(rows_table("trends", &analysis.trends, &header("trends"))?),
        with_percent_values(rows_table(
            "derived",
            &analysis.derived,
            &header("derived"),
        )?),
        with_row_units(rows_table(
            "comparisons",
            &analysis.comparisons,
            &header("comparisons"),
        )?),
        rows_table("slopes", &analysis.slopes, &header("slopes"))?,
        rows_table("checks", &analysis.checks, &header("checks"))?,
    ])
}

/// Marks a table's `value` and `reference` columns as percentages (derived rates are all
/// percentages).
pub fn with_percent_values(mut table: Table) -> Table {
    for c in &mut table.columns {
        if c.name == "value" || c.name == "reference" {
            c.style = NumberStyle::Percent;
        }
    }
    table
}

/// Per-row units taken from the table's `unit` column, so `%` values get the percentage
/// display in the workbook (trends and comparisons mix units).
pub fn with_row_units(mut table: Table) -> Table {
    if let Some(idx) = table.columns.iter().position(|c| c.name == "unit") {
        table.row_units = table
            .rows
            .iter()
            .map(|r| match r.get(idx) {
                Some(Cell::Text(u)) => u.clone(),
                _ => String::new(),
            })
            .collect();
    }
    table
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

struct RowSerializer;

struct RowFields {
    fields: Vec<(String, Cell)>,
}

macro_rules! not_a_struct {
    ($($name:ident($($arg:ty),* $(,)?)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<Self::Ok, Self::Error> {
            Err(SerError::NotAStruct)
        })*
    };
}

impl ser::Serializer for RowSerializer {
    type Ok = Vec<(String, Cell)>;
    type Error = SerError;
    type SerializeSeq = Impossible<Self::Ok, SerError>;
    type SerializeTuple = Impossible<Self::Ok, SerError>;
    type SerializeTupleStruct = Impossible<Self::Ok, SerError>;
    type SerializeTupleVariant = Impossible<Self::Ok, SerError>;
    type SerializeMap = Impossible<Self::Ok, SerError>;
    type SerializeStruct = RowFields;
    type SerializeStructVariant = Impossible<Self::Ok, SerError>;

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

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Self::Ok, SerError> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, SerError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, SerError> {
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
        len: usize,
    ) -> Result<Self::SerializeStruct, SerError> {
        Ok(RowFields {
            fields: Vec::with_capacity(len),
        })
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

impl ser::SerializeStruct for RowFields {
    type Ok = Vec<(String, Cell)>;
    type Error = SerError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        let cell = value
            .serialize(CellSerializer)
            .map_err(|reason| SerError::NotACell {
                column: key.to_string(),
                reason: reason.to_string(),
            })?;
        let cell = match cell {
            Cell::Text(t) if CODE_FIELDS.contains(&key) => Cell::Code(t),
            other => other,
        };
        self.fields.push((key.to_string(), cell));
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, SerError> {
        Ok(self.fields)
    }
}

/// Serialises one field value into a [`Cell`].
struct CellSerializer;

fn int_cell<T: TryInto<i64> + Copy + Into<f64>>(v: T) -> Cell {
    match v.try_into() {
        Ok(i) => Cell::Int(i),
        Err(_) => Cell::Number(v.into()),
    }
}

macro_rules! not_a_cell {
    ($what:literal, $($name:ident($($arg:ty),* $(,)?) -> $ret:ty),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ret, SerError> {
            Err(SerError::Custom(format!("a {} cannot be one cell", $what)))
        })*
    };
}

impl ser::Serializer for CellSerializer {
    type Ok = Cell;
    type Error = SerError;
    type SerializeSeq = Impossible<Cell, SerError>;
    type SerializeTuple = Impossible<Cell, SerError>;
    type SerializeTupleStruct = Impossible<Cell, SerError>;
    type SerializeTupleVariant = Impossible<Cell, SerError>;
    type SerializeMap = Impossible<Cell, SerError>;
    type SerializeStruct = Impossible<Cell, SerError>;
    type SerializeStructVariant = Impossible<Cell, SerError>;

    fn serialize_bool(self, v: bool) -> Result<Cell, SerError> {
        Ok(Cell::Text(v.to_string()))
    }
    fn serialize_i8(self, v: i8) -> Result<Cell, SerError> {
        Ok(Cell::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Cell, SerError> {
        Ok(Cell::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Cell, SerError> {
        Ok(Cell::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Cell, SerError> {
        Ok(Cell::Int(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Cell, SerError> {
        Ok(Cell::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Cell, SerError> {
        Ok(Cell::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Cell, SerError> {
        Ok(int_cell(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Cell, SerError> {
        // Counts far beyond i64 do not occur; keep the value rather than fail.
        Ok(i64::try_from(v).map_or(Cell::Number(v as f64), Cell::Int))
    }
    fn serialize_f32(self, v: f32) -> Result<Cell, SerError> {
        Ok(Cell::Number(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Cell, SerError> {
        Ok(if v.is_finite() {
            Cell::Number(v)
        } else {
            Cell::Empty
        })
    }
    fn serialize_char(self, v: char) -> Result<Cell, SerError> {
        Ok(Cell::Text(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Cell, SerError> {
        Ok(Cell::Text(v.to_string()))
    }
    fn serialize_none(self) -> Result<Cell, SerError> {
        Ok(Cell::Empty)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Cell, SerError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Cell, SerError> {
        Ok(Cell::Empty)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Cell, SerError> {
        Ok(Cell::Empty)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Cell, SerError> {
        Ok(Cell::Text(variant.to_string()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Cell, SerError> {
        value.serialize(self)
    }
    not_a_cell!(
        "byte string",
        serialize_bytes(&[u8]) -> Cell,
    );
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Cell, SerError> {
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
            note: String::new(),
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
