//! Reading a facts CSV back (the round trip from Excel or WPS): UTF-8 with or without BOM,
//! or GB18030. Each malformed row is reported with its line number and skipped.

use std::path::Path;

use anyhow::Context;

use crate::extract::Fact;

/// Facts read from a CSV, and the rows that could not be read.
#[derive(Debug, Default)]
pub struct FactsRead {
    /// Rows read.
    pub facts: Vec<Fact>,
    /// One message per malformed row: `FILE: line N: problem`.
    pub problems: Vec<String>,
}

/// Reads a facts CSV file.
pub fn read_facts(path: &Path) -> anyhow::Result<FactsRead> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("{}: cannot read facts CSV", path.display()))?;
    parse_facts(&bytes, &path.display().to_string())
}

/// Parses facts CSV bytes; `origin` names the source in messages.
pub fn parse_facts(bytes: &[u8], origin: &str) -> anyhow::Result<FactsRead> {
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .with_context(|| format!("{origin}: cannot read the header row"))?
        .clone();
    let mut out = FactsRead::default();
    for record in rdr.records() {
        match record {
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                out.problems.push(format!("{origin}: line {line}: {e}"));
            }
            Ok(rec) => {
                let line = rec.position().map(|p| p.line()).unwrap_or(0);
                match rec.deserialize::<Fact>(Some(&headers)) {
                    Ok(mut f) => {
                        // A cell neutralised on export ('=...) is restored on the way back.
                        f.evidence = f
                            .evidence
                            .strip_prefix('\'')
                            .map(str::to_string)
                            .unwrap_or(f.evidence);
                        out.facts.push(f)
                    }
                    Err(e) => out.problems.push(format!("{origin}: line {line}: {e}")),
                }
            }
        }
    }
    Ok(out)
}

fn decode(bytes: &[u8]) -> String {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(body)
            .0
            .into_owned(),
    }
}
