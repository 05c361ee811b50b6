//! Key findings as sentences with their numbers, shared by the page and the briefing.
//! Each finding keeps its figures' sources so a reader can check them.

use super::Lang;
use crate::analysis::Analysis;
use crate::dict::IndicatorDict;
use crate::extract::format_value;

/// One key finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The sentence, in the requested language, with its figures and years.
    pub sentence: String,
    /// Source files of the figures.
    pub docs: Vec<String>,
    /// Evidence substrings of the figures.
    pub evidence: Vec<String>,
}

/// Year-over-year changes stated as sentences (e.g. staff grew from 632 to 863, +36.6%).
pub fn key_findings(analysis: &Analysis, dict: &IndicatorDict, lang: Lang) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in &analysis.trends {
        let (Some(prev_year), Some(prev), Some(pct)) = (t.prev_year, t.prev_value, t.pct_change)
        else {
            continue;
        };
        let name = dict.name(&t.metric, lang.is_en());
        let sentence = match lang {
            Lang::Zh => format!(
                "{}{}由{}年的{}{}变为{}年的{}{}（{:+.1}%）。",
                t.county,
                name,
                prev_year,
                format_value(prev),
                t.unit,
                t.year,
                format_value(t.value),
                t.unit,
                pct
            ),
            Lang::En => format!(
                "{}: {} went from {} {} in {} to {} in {} ({:+.1}%).",
                t.county,
                name,
                format_value(prev),
                t.unit,
                prev_year,
                format_value(t.value),
                t.year,
                pct
            ),
        };
        out.push(Finding {
            sentence,
            docs: vec![t.doc.clone()],
            evidence: vec![t.evidence.clone()],
        });
    }
    out
}
