//! CSV tables: RFC 4180 quoting (csv crate), UTF-8 with BOM by default so Excel and WPS on
//! Chinese Windows show Chinese, text cells neutralised against formula injection.

use serde::Serialize;

use super::escape::spreadsheet_cell;
use crate::extract::{format_value, Fact, FACT_COLUMNS};

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

/// Serialises the facts table.
pub fn facts_csv(facts: &[Fact], opts: &CsvOptions) -> anyhow::Result<Vec<u8>> {
    let mut wtr = csv::Writer::from_writer(Vec::new());
    wtr.write_record(FACT_COLUMNS)?;
    for f in facts {
        let report_year = f.report_year.map(|y| y.to_string()).unwrap_or_default();
        let year = f.year.to_string();
        let scope = f.scope.to_string();
        let value = format_value(f.value);
        let qualifier = f.qualifier.to_string();
        let offset = f.offset.to_string();
        wtr.write_record([
            spreadsheet_cell(&f.doc).as_ref(),
            f.region_code.as_str(),
            spreadsheet_cell(&f.province).as_ref(),
            spreadsheet_cell(&f.prefecture).as_ref(),
            spreadsheet_cell(&f.county).as_ref(),
            report_year.as_str(),
            spreadsheet_cell(&f.metric).as_ref(),
            year.as_str(),
            scope.as_str(),
            value.as_str(),
            spreadsheet_cell(&f.unit).as_ref(),
            qualifier.as_str(),
            spreadsheet_cell(&f.evidence).as_ref(),
            offset.as_str(),
        ])?;
    }
    encode(wtr.into_inner()?, opts)
}

/// Serialises any table of serde rows (trends, derived, comparisons) with the same rules.
pub fn rows_csv<T: Serialize>(rows: &[T], opts: &CsvOptions) -> anyhow::Result<Vec<u8>> {
    let mut wtr = csv::Writer::from_writer(Vec::new());
    for row in rows {
        wtr.serialize(row)?;
    }
    encode(wtr.into_inner()?, opts)
}

fn encode(utf8: Vec<u8>, opts: &CsvOptions) -> anyhow::Result<Vec<u8>> {
    match opts.encoding {
        CsvEncoding::Utf8 => {
            let mut out = b"\xEF\xBB\xBF".to_vec();
            out.extend_from_slice(&utf8);
            Ok(out)
        }
        CsvEncoding::Gb18030 => {
            let text = String::from_utf8(utf8)?;
            let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
            Ok(bytes.into_owned())
        }
    }
}
