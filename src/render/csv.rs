//! CSV tables: RFC 4180 quoting (csv crate), UTF-8 with BOM by default so Excel and WPS on
//! Chinese Windows show Chinese, text cells neutralised against formula injection.
//!
//! Every table goes through [`Table`](super::table::Table) first, so text and numbers stay
//! apart: text cells (and codes) starting with `= + - @`, tab or CR get a `'` prefix, numbers
//! are written as plain numbers (a negative change stays `-3`, not `'-3`). GB18030 output
//! never replaces a character silently: a character it cannot hold is an error naming the
//! table, line and code point.

use serde::Serialize;

use super::escape::spreadsheet_cell;
use std::borrow::Cow;
use std::fmt::Write as _;

use super::table::{
    facts_table, rows_table, wide_table, Cell, CellRef, ExportTable, Table, TableError,
};
use super::Lang;
use crate::analysis::Analysis;
use crate::dict::IndicatorDict;
use crate::model::{format_value, Fact};

/// Text encoding of CSV outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark. *Default.*
    #[default]
    Utf8,
    /// GB18030, for older Chinese spreadsheet software.
    Gb18030,
}

/// How CSV outputs are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    /// Encoding. *Default:* UTF-8 with BOM.
    pub encoding: CsvEncoding,
}

/// A character that the chosen encoding cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unencodable {
    /// 1-based line of the CSV text.
    pub line: usize,
    /// The character.
    pub ch: char,
}

/// Errors writing a CSV table.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The rows could not be turned into a table.
    #[error(transparent)]
    Table(#[from] TableError),
    /// The csv writer failed.
    #[error("table '{table}': {source}")]
    Write {
        /// The table.
        table: String,
        /// The error.
        source: csv::Error,
    },
    /// Characters that GB18030 cannot encode (encoding_rs, following the WHATWG Encoding
    /// Standard, refuses U+E5E5 for instance; it would otherwise write `&#58853;`).
    #[error("{table}.csv: {} cannot be written in GB18030: {}; write UTF-8 instead (--csv-encoding utf8)",
        plural(.chars.len()), describe(.chars))]
    Unencodable {
        /// The table.
        table: String,
        /// Every unencodable character with its line.
        chars: Vec<Unencodable>,
    },
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 character".to_string()
    } else {
        format!("{n} characters")
    }
}

fn describe(chars: &[Unencodable]) -> String {
    chars
        .iter()
        .map(|u| format!("U+{:04X} on line {}", u32::from(u.ch), u.line))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes a table held in memory as CSV: header row of column names, then the rows.
pub fn table_csv(table: &Table, opts: &CsvOptions) -> Result<Vec<u8>, CsvError> {
    write_csv(&table.name, &table.names(), opts, |wtr| {
        let mut scratch = String::new();
        for row in &table.rows {
            write_row(wtr, row.iter().map(Cell::as_cell_ref), &mut scratch)?;
        }
        Ok(())
    })
}

/// Writes an export table as CSV, row by row as the table produces them (the same bytes as
/// [`table_csv`] of the materialised table).
pub fn export_csv(table: &ExportTable<'_>, opts: &CsvOptions) -> Result<Vec<u8>, CsvError> {
    write_csv(&table.name, &table.names(), opts, |wtr| {
        let mut scratch = String::new();
        table.for_each_row(|row, _| -> Result<(), RowsError> {
            write_row(wtr, row.cells(), &mut scratch)?;
            Ok(())
        })
    })
}

/// Every row's cells as text, exactly as [`export_csv`] writes them before quoting: the page's
/// review step rebuilds a CSV from them in the browser.
pub fn csv_fields(table: &ExportTable<'_>) -> Result<Vec<Vec<String>>, TableError> {
    let mut rows = Vec::with_capacity(table.len());
    table.for_each_row(|row, _| -> Result<(), TableError> {
        rows.push(row.cells().map(|c| csv_field(c).into_owned()).collect());
        Ok(())
    })?;
    Ok(rows)
}

/// Writes one record. Numbers are formatted into `scratch` (reused from row to row), text is
/// written from where it is: no cell allocates unless it must be neutralised.
fn write_row<'c>(
    wtr: &mut csv::Writer<Vec<u8>>,
    cells: impl Iterator<Item = CellRef<'c>>,
    scratch: &mut String,
) -> Result<(), csv::Error> {
    for cell in cells {
        match cell {
            CellRef::Int(i) => {
                scratch.clear();
                push_int(scratch, i);
                wtr.write_field(scratch.as_bytes())?;
            }
            CellRef::Number(v) if v.is_finite() => {
                scratch.clear();
                push_value(scratch, v);
                wtr.write_field(scratch.as_bytes())?;
            }
            cell => wtr.write_field(csv_field(cell).as_bytes())?,
        }
    }
    // An empty record ends the one whose fields were just written.
    wtr.write_record(None::<&[u8]>)
}

/// What writing the rows can fail with: the table's rows or the csv writer.
enum RowsError {
    Table(TableError),
    Csv(csv::Error),
}

impl From<TableError> for RowsError {
    fn from(e: TableError) -> Self {
        RowsError::Table(e)
    }
}

impl From<csv::Error> for RowsError {
    fn from(e: csv::Error) -> Self {
        RowsError::Csv(e)
    }
}

/// The header, then whatever `rows` writes, then the encoding.
fn write_csv(
    name: &str,
    header: &[&str],
    opts: &CsvOptions,
    rows: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> Result<(), RowsError>,
) -> Result<Vec<u8>, CsvError> {
    let wrap = |source| CsvError::Write {
        table: name.to_string(),
        source,
    };
    // UTF-8 output starts with its byte-order mark, so the bytes are written once.
    let start = match opts.encoding {
        CsvEncoding::Utf8 => BOM.to_vec(),
        CsvEncoding::Gb18030 => Vec::new(),
    };
    let mut wtr = csv::Writer::from_writer(start);
    wtr.write_record(header).map_err(wrap)?;
    rows(&mut wtr).map_err(|e| match e {
        RowsError::Table(e) => CsvError::Table(e),
        RowsError::Csv(e) => wrap(e),
    })?;
    let utf8 = wtr
        .into_inner()
        .map_err(|e| wrap(csv::Error::from(e.into_error())))?;
    encode(name, utf8, opts)
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of one cell in a CSV file.
pub fn csv_cell(cell: &Cell) -> String {
    csv_field(cell.as_cell_ref()).into_owned()
}

/// The text of one cell in a CSV file, borrowed where it can be.
fn csv_field(cell: CellRef<'_>) -> Cow<'_, str> {
    match cell {
        CellRef::Text(t) | CellRef::Code(t) => spreadsheet_cell(t),
        CellRef::Int(i) => Cow::Owned(i.to_string()),
        CellRef::Number(v) if v.is_finite() => Cow::Owned(format_value(v)),
        CellRef::Number(_) | CellRef::Empty => Cow::Borrowed(""),
    }
}

/// Appends `i` in decimal (what `i.to_string()` gives).
fn push_int(buf: &mut String, i: i64) {
    // Writing to a String cannot fail.
    let _ = write!(buf, "{i}");
}

/// Appends `value` exactly as [`format_value`] writes it (`2000`, `99.5`, `34.44`), into a
/// buffer the caller reuses instead of a new string per number.
pub(super) fn push_value(buf: &mut String, value: f64) {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        push_int(buf, value as i64);
    } else {
        let start = buf.len();
        let _ = write!(buf, "{value:.6}");
        let kept = buf[start..]
            .trim_end_matches('0')
            .trim_end_matches('.')
            .len();
        buf.truncate(start + kept);
    }
}

/// Serialises the facts table (columns: [`crate::model::FACT_COLUMNS`]).
pub fn facts_csv(facts: &[Fact], opts: &CsvOptions) -> Result<Vec<u8>, CsvError> {
    table_csv(&facts_table(facts), opts)
}

/// Serialises the wide table (county × year rows, one column per indicator).
pub fn wide_csv(
    analysis: &Analysis,
    dict: &IndicatorDict,
    lang: Lang,
    opts: &CsvOptions,
) -> Result<Vec<u8>, CsvError> {
    table_csv(&wide_table(analysis, dict, lang), opts)
}

/// Serialises any table of serde rows (trends, derived, comparisons) with the same rules:
/// text fields neutralised, numeric fields written as numbers. No rows, no header.
pub fn rows_csv<T: Serialize>(rows: &[T], opts: &CsvOptions) -> Result<Vec<u8>, CsvError> {
    table_csv(&rows_table("rows", rows, &[])?, opts)
}

/// The CSV text in the chosen encoding (`utf8` already starts with the BOM when UTF-8 was
/// chosen).
fn encode(table: &str, utf8: Vec<u8>, opts: &CsvOptions) -> Result<Vec<u8>, CsvError> {
    match opts.encoding {
        CsvEncoding::Utf8 => Ok(utf8),
        CsvEncoding::Gb18030 => {
            // The csv writer only ever receives &str, so its output is valid UTF-8.
            let text = String::from_utf8_lossy(&utf8);
            let (bytes, _, had_errors) = encoding_rs::GB18030.encode(&text);
            if had_errors {
                return Err(CsvError::Unencodable {
                    table: table.to_string(),
                    chars: unencodable(&text),
                });
            }
            Ok(bytes.into_owned())
        }
    }
}

/// Every character of `text` that GB18030 cannot encode, with its 1-based line.
pub fn unencodable(text: &str) -> Vec<Unencodable> {
    let mut out = Vec::new();
    let mut buf = [0_u8; 4];
    for (i, line) in text.split('\n').enumerate() {
        for ch in line.chars().filter(|c| !c.is_ascii()) {
            let (_, _, bad) = encoding_rs::GB18030.encode(ch.encode_utf8(&mut buf));
            if bad {
                out.push(Unencodable { line: i + 1, ch });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(county: &str, evidence: &str, value: f64) -> Fact {
        Fact {
            doc: "县2023.txt".into(),
            region_code: "110101".into(),
            province: "北京市".into(),
            county: county.into(),
            report_year: Some(2023),
            metric: "reconsideration.received".into(),
            year: 2023,
            value,
            unit: "件".into(),
            evidence: evidence.into(),
            offset: 12,
            ..Fact::default()
        }
    }

    fn body(bytes: &[u8]) -> String {
        String::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("bom").to_vec())
            .expect("utf-8")
    }

    #[test]
    fn push_value_writes_what_format_value_writes() {
        let values = [
            0.0,
            -0.0,
            2000.0,
            -3.0,
            99.5,
            34.44,
            0.1 + 0.2,
            1e-9,
            -1e-9,
            123_456.789_012_3,
            999_999_999_999_999.0,
            1e15,
            -1e15,
            1e20,
            2.5e-7,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
        ];
        let mut buf = String::from("kept|");
        for v in values {
            buf.truncate("kept|".len());
            push_value(&mut buf, v);
            assert_eq!(buf, format!("kept|{}", format_value(v)), "{v}");
        }
        for i in [0_i64, 7, -7, 10, i64::MAX, i64::MIN] {
            buf.clear();
            push_int(&mut buf, i);
            assert_eq!(buf, i.to_string());
        }
    }

    #[test]
    fn facts_csv_has_bom_header_and_neutralised_text() {
        let out = facts_csv(
            &[fact("=东城区", "收到复议申请91件", -3.0)],
            &CsvOptions::default(),
        )
        .expect("csv");
        let text = body(&out);
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("doc,region_code,province,prefecture,county,report_year,metric,year,scope,value,unit,qualifier,evidence,offset,level,confidence,review_reason")
        );
        assert_eq!(
            lines.next(),
            Some("县2023.txt,110101,北京市,,'=东城区,2023,reconsideration.received,2023,annual,-3,件,exact,收到复议申请91件,12,,high,")
        );
    }

    #[test]
    fn cells_are_written_by_type() {
        for (cell, want) in [
            (Cell::Text("-2+3".into()), "'-2+3"),
            (Cell::Text("纠错3件".into()), "纠错3件"),
            (Cell::Code("110101".into()), "110101"),
            (Cell::Code("=1".into()), "'=1"),
            (Cell::Int(-4), "-4"),
            (Cell::Number(-3.5), "-3.5"),
            (Cell::Number(34.44), "34.44"),
            (Cell::Number(f64::NAN), ""),
            (Cell::Empty, ""),
        ] {
            assert_eq!(csv_cell(&cell), want, "{cell:?}");
        }
    }

    #[test]
    fn gb18030_encodes_chinese_and_reports_what_it_cannot_hold() {
        let opts = CsvOptions {
            encoding: CsvEncoding::Gb18030,
        };
        let out = facts_csv(&[fact("东城区", "收到91件", 91.0)], &opts).expect("encodes");
        let (text, _, bad) = encoding_rs::GB18030.decode(&out);
        assert!(!bad);
        assert!(text.contains("东城区"));
        assert!(!out.starts_with(b"\xEF\xBB\xBF"));

        // Characters outside the BMP are fine (GB18030 four-byte sequences)...
        assert!(facts_csv(&[fact("𠀀县", "x", 1.0)], &opts).is_ok());
        // ...but U+E5E5 is refused by the WHATWG encoder and must not become "&#58853;".
        let err = facts_csv(&[fact("东城区", "a\u{E5E5}b", 1.0)], &opts).expect_err("refused");
        let msg = err.to_string();
        assert!(msg.contains("facts.csv"), "{msg}");
        assert!(msg.contains("U+E5E5 on line 2"), "{msg}");
        assert!(msg.contains("--csv-encoding utf8"), "{msg}");
    }

    #[test]
    fn rows_csv_keeps_numbers_numeric_and_neutralises_text() {
        #[derive(Serialize)]
        struct Row {
            county: String,
            change: f64,
            note: Option<String>,
        }
        let out = rows_csv(
            &[Row {
                county: "+1".into(),
                change: -2.0,
                note: None,
            }],
            &CsvOptions::default(),
        )
        .expect("csv");
        assert_eq!(body(&out), "county,change,note\n'+1,-2,\n");
    }
}
