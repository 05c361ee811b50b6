//! Scoring extraction against hand-labelled gold facts (`tests/gold/facts.csv` format):
//! a gold `fact` row is found when an extracted fact of the same document has the same
//! metric, year and value. `unscored` rows neither reward nor penalise; a trap row
//! (`not_this_metric`, `target_not_fact`) matched by an extracted fact counts as a trap hit.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use super::Fact;
use crate::model::Scope;

/// One labelled row of a gold facts file.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldRow {
    /// Document file name.
    pub doc: String,
    /// Indicator id.
    pub metric: String,
    /// Year the value refers to. Only `fact` rows need one: an unscored or trap row without a
    /// year (a figure whose period the text leaves open) matches the value in any year.
    pub year: Option<i32>,
    /// Scope.
    pub scope: String,
    /// Value.
    pub value: f64,
    /// Qualifier.
    pub qualifier: String,
    /// `fact`, `unscored`, `not_this_metric` or `target_not_fact`.
    pub label: String,
    /// Evidence substring.
    pub evidence: String,
    /// Labeller's note.
    #[serde(default)]
    pub note: String,
}

/// Reads a gold facts CSV; errors name the file and line.
///
/// Hand-labelled files sometimes carry an evidence list with unquoted commas (the bundled gold
/// has one such row); a row with more than nine fields keeps the extra fields in `evidence`,
/// since `note` is always last.
pub fn read_gold(path: &Path) -> anyhow::Result<Vec<GoldRow>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("{}: cannot read gold file", path.display()))?;
    let headers = rdr.headers()?.clone();
    let mut rows = Vec::new();
    for record in rdr.records() {
        let record = record.with_context(|| format!("{}: unreadable row", path.display()))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let record = if record.len() > headers.len() && headers.len() >= 2 {
            let n = record.len();
            let keep = headers.len() - 2;
            let mut fixed: csv::StringRecord = record.iter().take(keep).collect();
            let evidence: Vec<&str> = record.iter().skip(keep).take(n - keep - 1).collect();
            fixed.push_field(&evidence.join(","));
            fixed.push_field(&record[n - 1]);
            fixed
        } else {
            record
        };
        let row: GoldRow = record
            .deserialize(Some(&headers))
            .with_context(|| format!("{}: line {line}", path.display()))?;
        if row.label == "fact" && row.year.is_none() {
            anyhow::bail!(
                "{}: line {line}: a `fact` row needs a year (only unscored and trap rows may leave it empty)",
                path.display()
            );
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The result of scoring.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Gold facts found.
    pub true_positives: usize,
    /// Gold facts in scored documents.
    pub gold_facts: usize,
    /// Extracted facts counted for precision (not matching an unscored row).
    pub extracted: usize,
    /// Extracted facts matching a trap row.
    pub traps: usize,
    /// Gold facts not found: (doc, description).
    pub misses: Vec<(String, String)>,
    /// Extracted facts matching no gold row: (doc, description).
    pub false_positives: Vec<(String, String)>,
    /// Trap rows hit: (doc, description).
    pub trap_hits: Vec<(String, String)>,
}

impl Score {
    /// Share of counted extracted facts that are gold facts (1 when nothing was extracted).
    pub fn precision(&self) -> f64 {
        if self.extracted == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.extracted as f64
        }
    }
    /// Share of gold facts found (1 when there are none).
    pub fn recall(&self) -> f64 {
        if self.gold_facts == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.gold_facts as f64
        }
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// The summary line printed last by `fazhi eval`.
    pub fn summary_line(&self) -> String {
        format!(
            "precision {:.4} recall {:.4} f1 {:.4} traps {}",
            self.precision(),
            self.recall(),
            self.f1(),
            self.traps
        )
    }
}

fn same(fact: &Fact, gold: &GoldRow) -> bool {
    fact.doc == gold.doc
        && fact.metric == gold.metric
        && gold.year.is_none_or(|y| y == fact.year)
        && (fact.value - gold.value).abs() < 1e-6 * gold.value.abs().max(1.0)
}

/// Scores `facts` against `gold` over the documents that were read (`docs`); gold rows of
/// other documents are ignored, so a document read but yielding nothing counts its misses.
pub fn score(facts: &[Fact], gold: &[GoldRow], docs: &[&str]) -> Score {
    // A value for part of a year (scope partial) never claims to be the year's value, which is
    // what gold labels: it is neither a hit, an extra nor a trap.
    let facts: Vec<&Fact> = facts.iter().filter(|f| f.scope != Scope::Partial).collect();
    let docs: BTreeSet<&str> = docs.iter().copied().collect();
    let gold: Vec<&GoldRow> = gold
        .iter()
        .filter(|g| docs.contains(g.doc.as_str()))
        .collect();
    let mut s = Score::default();
    for g in gold.iter().filter(|g| g.label == "fact") {
        s.gold_facts += 1;
        if facts.iter().any(|f| same(f, g)) {
            s.true_positives += 1;
        } else {
            s.misses.push((
                g.doc.clone(),
                format!(
                    "{} {} {} «{}»",
                    g.metric,
                    g.year.map_or_else(|| "-".to_string(), |y| y.to_string()),
                    g.value,
                    g.evidence
                ),
            ));
        }
    }
    for f in facts {
        let matches: Vec<&&GoldRow> = gold.iter().filter(|g| same(f, g)).collect();
        let describe = || format!("{} {} {} «{}»", f.metric, f.year, f.value, f.evidence);
        if matches
            .iter()
            .any(|g| g.label == "not_this_metric" || g.label == "target_not_fact")
        {
            s.traps += 1;
            s.extracted += 1;
            s.trap_hits.push((f.doc.clone(), describe()));
        } else if matches.iter().any(|g| g.label == "fact") {
            s.extracted += 1;
        } else if matches.iter().any(|g| g.label == "unscored") {
            // Ambiguous in the gold: neither rewarded nor penalised.
        } else {
            s.extracted += 1;
            s.false_positives.push((f.doc.clone(), describe()));
        }
    }
    // Duplicate extractions of one gold fact must not inflate precision above the truth.
    s.true_positives = s.true_positives.min(s.extracted);
    s
}

/// One row of a gold documents CSV (`doc, region_code, …, report_year, …`): the place and year
/// a text is about. Other columns (names, level, kind) are read where present and not scored.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldDocument {
    /// Document file name.
    pub doc: String,
    /// The division code at the text's own level (6-digit county, 4-digit prefecture,
    /// 2-digit province, `00` for the nation); a department carries its unit's code.
    pub region_code: String,
    /// The year the text is about; empty when the text does not say.
    pub report_year: Option<i32>,
}

/// Reads a gold documents CSV; errors name the file and line.
pub fn read_gold_documents(path: &Path) -> anyhow::Result<Vec<GoldDocument>> {
    let mut rdr = csv::Reader::from_path(path)
        .with_context(|| format!("{}: cannot read gold documents", path.display()))?;
    let mut rows = Vec::new();
    for (i, row) in rdr.deserialize().enumerate() {
        let row: GoldDocument =
            row.with_context(|| format!("{}: line {}", path.display(), i + 2))?;
        rows.push(row);
    }
    Ok(rows)
}

/// How the metadata of the documents read compares with the gold documents.
#[derive(Debug, Clone, Default)]
pub struct MetaScore {
    /// Gold documents that were read and name a place.
    pub places: usize,
    /// Of those, documents whose region code is the gold one.
    pub places_right: usize,
    /// Gold documents that were read and have a report year.
    pub years: usize,
    /// Of those, documents whose report year is the gold one.
    pub years_right: usize,
    /// Of `places`, the texts that name their unit (the rest can only get it from
    /// `--documents`).
    pub named_places: usize,
    /// Of those, documents whose region code is the gold one.
    pub named_places_right: usize,
    /// Of `years`, the texts that name a year or a date.
    pub named_years: usize,
    /// Of those, documents whose report year is the gold one.
    pub named_years_right: usize,
    /// Mismatches: (doc, description).
    pub misses: Vec<(String, String)>,
}

impl MetaScore {
    /// The line `fazhi eval` prints before its summary: every text, then the texts that give
    /// the place or the year at all.
    pub fn summary_line(&self) -> String {
        let share = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        format!(
            "metadata region {}/{} ({:.4}) report_year {}/{} ({:.4}); \
             where the text names them: region {}/{} ({:.4}) report_year {}/{} ({:.4})",
            self.places_right,
            self.places,
            share(self.places_right, self.places),
            self.years_right,
            self.years,
            share(self.years_right, self.years),
            self.named_places_right,
            self.named_places,
            share(self.named_places_right, self.named_places),
            self.named_years_right,
            self.named_years,
            share(self.named_years_right, self.named_years),
        )
    }
}

/// One document's metadata as extracted, with what its text names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetaRead<'a> {
    /// Document file name.
    pub doc: &'a str,
    /// Region code as extracted; empty when unresolved.
    pub region_code: &'a str,
    /// Report year as extracted.
    pub report_year: Option<i32>,
    /// The text names the gold unit (see `metadata::names_unit`).
    pub names_place: bool,
    /// The text names a year or a date (see `metadata::names_a_year`).
    pub names_year: bool,
}

/// Scores documents' metadata as extracted against gold.
pub fn score_metadata(documents: &[MetaRead], gold: &[GoldDocument]) -> MetaScore {
    let mut s = MetaScore::default();
    for read in documents {
        let doc = read.doc;
        let Some(g) = gold.iter().find(|g| g.doc == doc) else {
            continue;
        };
        if !g.region_code.is_empty() {
            let right = g.region_code == read.region_code;
            s.places += 1;
            s.places_right += usize::from(right);
            if read.names_place {
                s.named_places += 1;
                s.named_places_right += usize::from(right);
            }
            if !right {
                let code = read.region_code;
                let unnamed = if read.names_place {
                    ""
                } else {
                    ", not named in the text"
                };
                s.misses.push((
                    doc.to_string(),
                    format!(
                        "region {} (gold {}{unnamed})",
                        if code.is_empty() { "-" } else { code },
                        g.region_code
                    ),
                ));
            }
        }
        if let Some(gy) = g.report_year {
            let right = Some(gy) == read.report_year;
            s.years += 1;
            s.years_right += usize::from(right);
            if read.names_year {
                s.named_years += 1;
                s.named_years_right += usize::from(right);
            }
            if !right {
                let got = read
                    .report_year
                    .map_or_else(|| "-".to_string(), |y| y.to_string());
                let unnamed = if read.names_year {
                    ""
                } else {
                    ", no year or date in the text"
                };
                s.misses.push((
                    doc.to_string(),
                    format!("report_year {got} (gold {gy}{unnamed})"),
                ));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_scored_on_documents_read_with_a_gold_value() {
        let gold = vec![
            GoldDocument {
                doc: "a.txt".into(),
                region_code: "3715".into(),
                report_year: Some(2023),
            },
            GoldDocument {
                doc: "b.txt".into(),
                region_code: "00".into(),
                report_year: None,
            },
            GoldDocument {
                doc: "unread.txt".into(),
                region_code: "11".into(),
                report_year: Some(2020),
            },
        ];
        let read = |doc, region_code, report_year, names_place| MetaRead {
            doc,
            region_code,
            report_year,
            names_place,
            names_year: true,
        };
        let read = [
            read("a.txt", "371525", Some(2023), true),
            read("b.txt", "00", Some(2024), false),
        ];
        let s = score_metadata(&read, &gold);
        assert_eq!((s.places_right, s.places), (1, 2));
        assert_eq!((s.named_places_right, s.named_places), (0, 1));
        assert_eq!((s.years_right, s.years), (1, 1));
        assert_eq!(
            s.misses,
            vec![("a.txt".to_string(), "region 371525 (gold 3715)".to_string())]
        );
        assert_eq!(
            s.summary_line(),
            "metadata region 1/2 (0.5000) report_year 1/1 (1.0000); where the text names them: \
             region 0/1 (0.0000) report_year 1/1 (1.0000)"
        );
    }
}
