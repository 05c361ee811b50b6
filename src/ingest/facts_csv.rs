//! Reading a facts CSV back (the round trip from Excel or WPS) so `fazhi report` can render
//! from figures a person corrected or added.
//!
//! Accepted: UTF-8 with or without BOM, GB18030 (what Excel and WPS write as "CSV" on Chinese
//! Windows), UTF-16 with BOM (Excel's "Unicode text"); comma, tab or semicolon separators;
//! CRLF line ends; columns in any order, extra columns ignored. Cells neutralised on export
//! (`'=...`) are restored. Each row that cannot be trusted is reported as `FILE: line N:
//! problem` and skipped; the rest is returned. A wrong number is worse than a missing one, so
//! a row is skipped rather than guessed at: unknown indicator, unit other than the indicator's
//! unit, value that is not a number, empty evidence.

use std::path::{Path, PathBuf};

use crate::dict::IndicatorDict;
use crate::model::{Confidence, Fact, Level, Qualifier, Scope, FACT_COLUMNS};

/// Columns a facts CSV must have; the others fall back to defaults (see [`parse_facts`]).
pub const REQUIRED_COLUMNS: [&str; 6] = ["doc", "county", "metric", "year", "value", "evidence"];

/// Facts read from a CSV, and the rows that could not be read.
#[derive(Debug, Default)]
pub struct FactsRead {
    /// Rows read, in file order.
    pub facts: Vec<Fact>,
    /// The 1-based line each fact started on (parallel to `facts`).
    pub lines: Vec<u64>,
    /// One message per malformed row: `FILE: line N: problem`.
    pub problems: Vec<String>,
    /// The encoding the file was decoded from (`UTF-8`, `GB18030`, `UTF-16LE`, `UTF-16BE`).
    pub encoding: &'static str,
}

/// Errors that stop the whole file from being read (a bad row is not one of them).
#[derive(Debug, thiserror::Error)]
pub enum FactsCsvError {
    /// The file could not be read.
    #[error("{path}: cannot read facts CSV: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file has no header row.
    #[error("{origin}: the file is empty (expected a header row: {})", FACT_COLUMNS.join(","))]
    Empty {
        /// The file.
        origin: String,
    },
    /// The header row could not be parsed.
    #[error("{origin}: cannot read the header row: {source}")]
    Header {
        /// The file.
        origin: String,
        /// The parser's error.
        source: csv::Error,
    },
    /// Required columns are missing.
    #[error("{origin}: missing column(s) {}: is this a facts CSV written by fazhi? (header: {})",
        .missing.join(", "), FACT_COLUMNS.join(","))]
    MissingColumns {
        /// The file.
        origin: String,
        /// The missing columns.
        missing: Vec<String>,
    },
}

/// Reads a facts CSV file, checking each row against the indicator dictionary.
pub fn read_facts(path: &Path, dict: &IndicatorDict) -> Result<FactsRead, FactsCsvError> {
    let bytes = std::fs::read(path).map_err(|source| FactsCsvError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_facts(&bytes, &path.display().to_string(), dict)
}

/// Parses facts CSV bytes; `origin` names the source in messages.
///
/// Defaults for optional columns: `region_code`, `province`, `prefecture`, `county` empty;
/// `report_year` none; `scope` and `unit` the indicator's; `qualifier` exact; `offset` 0;
/// `level` read from the code; `confidence` high.
pub fn parse_facts(
    bytes: &[u8],
    origin: &str,
    dict: &IndicatorDict,
) -> Result<FactsRead, FactsCsvError> {
    let decoded = decode(bytes);
    if decoded.text.trim().is_empty() {
        return Err(FactsCsvError::Empty {
            origin: origin.to_string(),
        });
    }
    let delimiter = sniff_delimiter(&decoded.text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(decoded.text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|source| FactsCsvError::Header {
            origin: origin.to_string(),
            source,
        })?
        .clone();
    let columns = Columns::locate(&headers);
    let missing: Vec<String> = REQUIRED_COLUMNS
        .iter()
        .filter(|c| columns.index(c).is_none())
        .map(|c| c.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(FactsCsvError::MissingColumns {
            origin: origin.to_string(),
            missing,
        });
    }
    // Line numbers are counted from byte positions: the csv crate's own line counter does not
    // advance on CRLF, which is what Excel writes, and a record after CRLF starts at the
    // `\n` byte (so a newline at the start position belongs to the previous line).
    let newlines: Vec<usize> = decoded
        .text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_of = |pos: Option<&csv::Position>| {
        pos.map_or(0, |p| {
            let byte = usize::try_from(p.byte()).unwrap_or(usize::MAX);
            newlines.partition_point(|&nl| nl <= byte) as u64 + 1
        })
    };
    let mut out = FactsRead {
        encoding: decoded.encoding,
        ..FactsRead::default()
    };
    for record in rdr.records() {
        match record {
            Err(e) => {
                let line = line_of(e.position());
                out.problems.push(format!("{origin}: line {line}: {e}"));
            }
            Ok(rec) => {
                let line = line_of(rec.position());
                if rec.iter().all(|f| f.trim().is_empty()) {
                    continue; // spreadsheets leave rows of empty cells at the end
                }
                let row = if decoded.malformed && rec.iter().any(|f| f.contains('\u{FFFD}')) {
                    Err(format!(
                        "bytes that are not valid {} (save the file as UTF-8 or GB18030)",
                        decoded.encoding
                    ))
                } else if rec.len() > headers.len() {
                    Err(format!(
                        "{} fields but the header has {} (an unquoted comma?)",
                        rec.len(),
                        headers.len()
                    ))
                } else {
                    parse_row(&rec, &columns, dict)
                };
                match row {
                    Ok(fact) => {
                        out.facts.push(fact);
                        out.lines.push(line);
                    }
                    Err(problem) => out
                        .problems
                        .push(format!("{origin}: line {line}: {problem}")),
                }
            }
        }
    }
    Ok(out)
}

/// Where each known column is in this file's header.
struct Columns {
    index: Vec<(&'static str, usize)>,
}

impl Columns {
    fn locate(headers: &csv::StringRecord) -> Self {
        let index = FACT_COLUMNS
            .iter()
            .filter_map(|name| {
                headers
                    .iter()
                    .position(|h| h.trim().trim_start_matches('\u{feff}') == *name)
                    .map(|i| (*name, i))
            })
            .collect();
        Columns { index }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.index.iter().find(|(n, _)| *n == name).map(|(_, i)| *i)
    }

    /// The cell under `name`, with export neutralisation undone; empty when absent.
    fn text<'r>(&self, rec: &'r csv::StringRecord, name: &str) -> &'r str {
        self.index(name)
            .and_then(|i| rec.get(i))
            .map(restore_cell)
            .unwrap_or("")
    }
}

/// Undoes [`spreadsheet_cell`](crate::render::escape::spreadsheet_cell): a `'` is removed only
/// when it stands before a character that export neutralises, so a value that really starts
/// with an apostrophe keeps it.
pub fn restore_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if matches!(
                rest.chars().next(),
                Some('=' | '+' | '-' | '@' | '\t' | '\r')
            ) =>
        {
            rest
        }
        _ => cell,
    }
}

fn parse_row(
    rec: &csv::StringRecord,
    cols: &Columns,
    dict: &IndicatorDict,
) -> Result<Fact, String> {
    let text = |name: &str| cols.text(rec, name);
    // Text is kept exactly as written (a leading tab or CR is part of the round trip); only
    // codes, numbers and enum names are trimmed.
    let required = |name: &str| {
        let v = text(name);
        if v.trim().is_empty() {
            Err(format!("{name} is empty"))
        } else {
            Ok(v)
        }
    };
    let metric = required("metric")?.trim();
    let indicator = dict.get(metric).ok_or_else(|| {
        format!("unknown indicator '{metric}' (list them with `fazhi indicators`)")
    })?;
    let region_code = text("region_code").trim();
    let code_level = Level::of_code(region_code);
    if !(region_code.is_empty() || code_level.is_some()) {
        return Err(format!(
            "region_code '{region_code}' is not a division code (6 digits for a county, 4 for \
             a prefecture, 2 for a province, 00 for the country)"
        ));
    }
    let level = match text("level").trim() {
        "" => code_level,
        l => Some(l.parse::<Level>()?),
    };
    let confidence = match text("confidence").trim() {
        "" => Confidence::High,
        c => c.parse::<Confidence>()?,
    };
    let unit = match text("unit").trim() {
        "" => indicator.unit.clone(),
        u if u == indicator.unit => u.to_string(),
        u => {
            return Err(format!(
                "unit '{u}' is not the unit of {metric} ('{}'): convert the value",
                indicator.unit
            ))
        }
    };
    let raw_value = required("value")?.trim();
    let value = parse_number(raw_value, &unit)
        .ok_or_else(|| format!("value '{raw_value}' is not a number"))?;
    let year = parse_year(required("year")?)?;
    let report_year = match text("report_year").trim() {
        "" => None,
        y => Some(parse_year(y).map_err(|e| format!("report_{e}"))?),
    };
    let scope = match text("scope").trim() {
        "" => indicator.scope,
        s => s.parse::<Scope>()?,
    };
    let qualifier = match text("qualifier").trim() {
        "" => Qualifier::Exact,
        q => q.parse::<Qualifier>()?,
    };
    let offset = match text("offset").trim() {
        "" => 0,
        o => o
            .parse::<usize>()
            .map_err(|_| format!("offset '{o}' is not a whole number"))?,
    };
    let evidence = text("evidence");
    if evidence.trim().is_empty() {
        return Err("evidence is empty: every figure needs the text it came from".to_string());
    }
    Ok(Fact {
        doc: required("doc")?.to_string(),
        region_code: region_code.to_string(),
        province: text("province").to_string(),
        prefecture: text("prefecture").to_string(),
        county: text("county").to_string(),
        report_year,
        metric: metric.to_string(),
        year,
        scope,
        value,
        unit,
        qualifier,
        evidence: evidence.to_string(),
        offset,
        level,
        confidence,
        review_reason: text("review_reason").to_string(),
    })
}

/// A year in the range the reports can speak about.
fn parse_year(text: &str) -> Result<i32, String> {
    match text.trim().parse::<i32>() {
        Ok(y) if (1949..=2100).contains(&y) => Ok(y),
        _ => Err(format!("year '{text}' is not a year")),
    }
}

/// A number as a spreadsheet may save it: thousands separators (`1,234`) are accepted, and a
/// trailing `%` when the unit is `%` (a cell formatted as a percentage).
fn parse_number(text: &str, unit: &str) -> Option<f64> {
    let mut t: String = text.trim().chars().filter(|c| *c != ',').collect();
    if unit == "%" {
        if let Some(stripped) = t.strip_suffix('%') {
            t = stripped.trim_end().to_string();
        }
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Decoded text and what it was decoded from.
struct Decoded {
    text: String,
    encoding: &'static str,
    /// Some bytes were not valid in `encoding` and became U+FFFD.
    malformed: bool,
}

fn decode(bytes: &[u8]) -> Decoded {
    let decoded = |text: std::borrow::Cow<'_, str>, encoding, malformed| Decoded {
        text: text.into_owned(),
        encoding,
        malformed,
    };
    if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (text, bad) = encoding_rs::UTF_8.decode_without_bom_handling(body);
        return decoded(text, "UTF-8", bad);
    }
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        let (text, bad) = encoding_rs::UTF_16LE.decode_without_bom_handling(body);
        return decoded(text, "UTF-16LE", bad);
    }
    if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        let (text, bad) = encoding_rs::UTF_16BE.decode_without_bom_handling(body);
        return decoded(text, "UTF-16BE", bad);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => decoded(s.into(), "UTF-8", false),
        Err(_) => {
            let (text, bad) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            decoded(text, "GB18030", bad)
        }
    }
}

/// The separator of the header line: comma, tab (Excel's "Unicode text") or semicolon.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b',', b'\t', b';']
        .into_iter()
        // On a tie (e.g. a one-column header) the comma wins.
        .max_by_key(|d| (header.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::load_dict;

    const HEADER: &str = "doc,region_code,province,prefecture,county,report_year,metric,year,scope,value,unit,qualifier,evidence,offset";

    fn dict() -> IndicatorDict {
        load_dict(None).expect("bundled dictionary")
    }

    fn parse(text: &str) -> FactsRead {
        parse_facts(text.as_bytes(), "f.csv", &dict()).expect("parses")
    }

    #[test]
    fn reads_a_row_written_by_fazhi() {
        let r = parse(&format!(
            "\u{feff}{HEADER}\r\na.txt,110101,北京市,,东城区,2023,reconsideration.received,2023,annual,91,件,exact,'=收到91件,5\r\n"
        ));
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let f = &r.facts[0];
        assert_eq!(f.region_code, "110101");
        assert_eq!(f.value, 91.0);
        assert_eq!(f.evidence, "=收到91件");
        assert_eq!(f.offset, 5);
        assert_eq!(r.lines, [2]);
    }

    #[test]
    fn bad_rows_are_reported_with_their_line_and_skipped() {
        let good = "a.txt,110101,北京市,,东城区,2023,reconsideration.received,2023,annual,91,件,exact,收到91件,5";
        let cases = [
            (
                "a.txt,110101,北京市,,东城区,2023,reconsideration.received,2023,annual,九十一,件,exact,x,5",
                "value '九十一' is not a number",
            ),
            (
                "a.txt,110101,北京市,,东城区,2023,no.such,2023,annual,1,件,exact,x,5",
                "unknown indicator 'no.such'",
            ),
            (
                "a.txt,110101,北京市,,东城区,2023,reconsideration.received,2023,annual,1,万件,exact,x,5",
                "unit '万件' is not the unit",
            ),
            (
                "a.txt,110101,北京市,,东城区,2023,reconsideration.received,2023,yearly,1,件,exact,x,5",
                "unknown scope 'yearly'",
            ),
            (
                "a.txt,110101,北京市,,东城区,2023,reconsideration.received,2023,annual,1,件,exact,,5",
                "evidence is empty",
            ),
            (
                "a.txt,11010,北京市,,东城区,2023,reconsideration.received,2023,annual,1,件,exact,x,5",
                "region_code '11010'",
            ),
            (
                "a.txt,110101,北京市,,东城区,2023,reconsideration.received,23,annual,1,件,exact,x,5",
                "year '23' is not a year",
            ),
            (
                "a.txt,110101,北京市,,东城区,2023,reconsideration.received,2023,annual,1,件,exact,x,5,extra",
                "15 fields but the header has 14",
            ),
        ];
        for ((bad, want), eol) in cases.into_iter().flat_map(|c| [(c, "\n"), (c, "\r\n")]) {
            let r = parse(&format!("{HEADER}{eol}{good}{eol}{bad}{eol}{good}{eol}"));
            assert_eq!(r.facts.len(), 2, "{bad}");
            assert_eq!(r.lines, [2, 4]);
            assert_eq!(r.problems.len(), 1, "{bad}");
            assert!(
                r.problems[0].starts_with("f.csv: line 3: ") && r.problems[0].contains(want),
                "{:?} does not say {want:?}",
                r.problems[0]
            );
        }
    }

    #[test]
    fn spreadsheet_edits_are_understood() {
        // Columns reordered, optional columns dropped, a thousands separator, a % cell,
        // trailing empty rows.
        let text = "county,metric,year,value,evidence,doc,extra\n\
                    东城区,enforcement.certified_staff,2023,\"1,234\",持证1234人,a.txt,note\n\
                    东城区,litigation.head_appearance_rate,2023,100%,全部出庭,a.txt,\n\
                    ,,,,,,\n";
        let r = parse(text);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.facts[0].value, 1234.0);
        assert_eq!(r.facts[0].unit, "人");
        assert_eq!(r.facts[0].scope, Scope::Stock);
        assert_eq!(r.facts[1].value, 100.0);
        assert_eq!(r.facts[1].qualifier, Qualifier::Exact);
        assert_eq!(r.facts.len(), 2);
    }

    #[test]
    fn gb18030_utf16_and_tabs_are_decoded() {
        let row = "a.txt,110101,北京市,,东城区,2023,reconsideration.received,2023,annual,91,件,exact,收到91件,5";
        let text = format!("{HEADER}\r\n{row}\r\n");
        let (gb, _, _) = encoding_rs::GB18030.encode(&text);
        let r = parse_facts(&gb, "gb.csv", &dict()).expect("parses");
        assert_eq!(r.encoding, "GB18030");
        assert_eq!(r.facts[0].county, "东城区");

        let tsv = text.replace(',', "\t");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(tsv.encode_utf16().flat_map(u16::to_le_bytes));
        let r = parse_facts(&utf16, "u16.txt", &dict()).expect("parses");
        assert_eq!(r.encoding, "UTF-16LE");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.facts[0].evidence, "收到91件");
    }

    #[test]
    fn undecodable_bytes_are_reported_not_kept() {
        let mut bytes = format!("{HEADER}\n").into_bytes();
        // 0xFF is never valid in GB18030.
        bytes.extend_from_slice("a.txt,110101,北京市,,东城区,2023,reconsideration.received,2023,annual,91,件,exact,收到".as_bytes());
        bytes.extend_from_slice(b"\xFF,5\n");
        let r = parse_facts(&bytes, "bad.csv", &dict()).expect("parses");
        assert!(r.facts.is_empty());
        assert!(r.problems[0].contains("line 2"), "{:?}", r.problems);
    }

    #[test]
    fn missing_columns_and_empty_files_are_errors() {
        let err = parse_facts(b"county,metric\n", "x.csv", &dict()).expect_err("missing");
        let msg = err.to_string();
        assert!(
            msg.contains("x.csv") && msg.contains("doc, year, value, evidence"),
            "{msg}"
        );
        assert!(parse_facts(b"\xEF\xBB\xBF  \n", "e.csv", &dict()).is_err());
    }

    #[test]
    fn only_neutralising_apostrophes_are_removed() {
        for (cell, want) in [
            ("'=1+1", "=1+1"),
            ("'-2", "-2"),
            ("'\tx", "\tx"),
            ("'tis", "'tis"),
            ("''=x", "''=x"),
            ("plain", "plain"),
        ] {
            assert_eq!(restore_cell(cell), want);
        }
    }
}
