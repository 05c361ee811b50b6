//! Stage 2: text → facts.
//!
//! Reads a decoded [`Document`](crate::ingest::Document) and returns every indicator value it
//! states, each with its evidence substring and character offset into the decoded text.
//! Invariants: `evidence == text.chars().skip(offset).take(evidence.chars().count())`;
//! values under next-year plan headings are never facts; nothing here names a county.

pub mod divisions;
pub mod fact;
pub mod matcher;
pub mod metadata;
pub mod normalize;
pub mod number;
pub mod score;
pub mod section;
pub mod year;

pub use fact::{format_value, Fact, Qualifier, Scope, FACT_COLUMNS};
pub use metadata::DocMeta;

use std::collections::HashSet;

use crate::dict::{Indicator, IndicatorDict};
use crate::ingest::Document;
use matcher::{contains_any, Matcher, Window};
use normalize::Normalized;
use section::Sentence;

/// Words that, in a number's own clause, make it a goal rather than a result (确保…达到100%).
const TARGET_CLAUSE_WORDS: &[&str] = &["确保", "力争", "争取", "目标", "预计"];

/// Words that, earlier in the sentence, make its numbers goals (力争到年底, …).
const TARGET_SENTENCE_WORDS: &[&str] = &["力争", "争取", "目标是", "目标为"];

/// Everything extraction found in one document.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// The document's metadata (county, code, report year, publish date).
    pub meta: DocMeta,
    /// Indicator values stated as results.
    pub facts: Vec<Fact>,
    /// Values stated as targets or plans (确保…达到, 力争); never mixed into `facts`.
    pub targets: Vec<Fact>,
    /// Non-fatal problems worth telling the user about (unresolved county, no report year...).
    pub warnings: Vec<String>,
}

/// Extracts metadata and facts from one decoded document.
pub fn extract_document(doc: &Document, dict: &IndicatorDict) -> Extraction {
    let meta = metadata::resolve(&doc.name, &doc.text);
    let mut warnings = Vec::new();
    if meta.region_code.is_empty() {
        warnings.push(format!(
            "{}: county not resolved to a division code",
            doc.name
        ));
    }
    let norm = normalize::normalize(&doc.text);
    let report_year = meta.report_year.or_else(|| year::title_year(&norm.chars));
    let mut ex = Extraction {
        meta,
        ..Extraction::default()
    };
    let Some(report_year) = report_year else {
        warnings.push(format!(
            "{}: report year not found; no facts extracted",
            doc.name
        ));
        ex.warnings = warnings;
        return ex;
    };
    if ex.meta.report_year.is_none() {
        warnings.push(format!(
            "{}: report year taken from the title guess {report_year}",
            doc.name
        ));
    }
    let found = find_values(&norm, dict, report_year);
    let text = Evidence::new(&doc.text, &norm);
    let mut seen = HashSet::new();
    for v in found {
        let ind = dict
            .get(v.metric)
            .expect("matcher indices come from the dictionary");
        let (evidence, offset) = text.span(v.start, v.end);
        let fact = Fact {
            doc: doc.name.clone(),
            region_code: ex.meta.region_code.clone(),
            province: ex.meta.province.clone(),
            prefecture: ex.meta.prefecture.clone(),
            county: ex.meta.county.clone(),
            report_year: Some(report_year),
            metric: ind.id.clone(),
            year: v.year,
            scope: v.scope,
            value: v.value,
            unit: ind.unit.clone(),
            qualifier: v.qualifier,
            evidence,
            offset,
        };
        let key = (
            v.target,
            fact.metric.clone(),
            fact.year,
            fact.value.to_bits(),
        );
        if !seen.insert(key) {
            continue;
        }
        if v.target {
            ex.targets.push(fact);
        } else {
            ex.facts.push(fact);
        }
    }
    ex.warnings = warnings;
    ex
}

/// One indicator value found, in normalised coordinates.
#[derive(Debug, Clone, PartialEq)]
struct Found<'d> {
    metric: &'d str,
    value: f64,
    qualifier: Qualifier,
    year: i32,
    scope: Scope,
    target: bool,
    /// Evidence span in normalised characters.
    start: usize,
    end: usize,
}

/// Maps normalised spans back to exact substrings of the original text.
struct Evidence<'t> {
    text: &'t str,
    /// Byte offset of each character of `text`, plus the length.
    bytes: Vec<usize>,
    origin: &'t [usize],
}

impl<'t> Evidence<'t> {
    fn new(text: &'t str, norm: &'t Normalized) -> Evidence<'t> {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        Evidence {
            text,
            bytes,
            origin: &norm.origin,
        }
    }

    /// The original substring covering normalised `start..end`, and its character offset.
    fn span(&self, start: usize, end: usize) -> (String, usize) {
        let first = self.origin[start];
        let last = self.origin[end.max(start + 1) - 1] + 1;
        (
            self.text[self.bytes[first]..self.bytes[last]].to_string(),
            first,
        )
    }
}

fn as_words(list: &[&str]) -> Vec<Vec<char>> {
    list.iter().map(|w| w.chars().collect()).collect()
}

/// Finds every indicator value in normalised text: one pass over sentences, numbers scanned
/// once, each quantity matched against the compiled dictionary in its own clause.
fn find_values<'d>(norm: &Normalized, dict: &'d IndicatorDict, report_year: i32) -> Vec<Found<'d>> {
    let chars = &norm.chars;
    let matcher = Matcher::new(dict);
    let sentences = section::sentences(chars, Some(report_year));
    let tokens = number::scan(chars);
    let target_clause = as_words(TARGET_CLAUSE_WORDS);
    let target_sentence = as_words(TARGET_SENTENCE_WORDS);
    let mut out = Vec::new();
    let mut t = 0;
    for s in &sentences {
        while t < tokens.len() && tokens[t].start < s.start {
            t += 1;
        }
        let mut prev_quantity_end = s.start;
        while t < tokens.len() && tokens[t].end <= s.end {
            let tok = &tokens[t];
            t += 1;
            let n = &tok.number;
            if !(n.is_count() || n.is_percent()) {
                continue;
            }
            let (cs, ce) = section::clause_around(chars, s, tok.digits);
            let ce = ce.max(tok.end);
            let narrow = prev_quantity_end.max(cs).min(tok.start);
            prev_quantity_end = tok.end;
            let window = Window {
                before: &chars[cs..tok.start],
                after: &chars[tok.end..ce],
                sentence_prefix: &chars[s.start..ce],
            };
            let Some(m) = matcher.best(&n.unit, &window) else {
                continue;
            };
            let ind = matcher.indicator(m.indicator);
            let before_clause = &chars[cs..tok.start];
            let mut year = year::value_year(&chars[narrow..tok.start], report_year);
            let cumulative =
                year::is_cumulative(&chars[s.start..tok.start], before_clause, report_year);
            let target = s.plan
                || year > report_year
                || contains_any(before_clause, &target_clause)
                || contains_any(&chars[s.start..tok.start], &target_sentence);
            let scope = scope_of(ind, cumulative);
            if cumulative {
                year = report_year;
            }
            if target && year <= report_year && s.plan {
                year = report_year + 1;
            }
            let start = match m.before_start {
                Some(b) if cs + b >= narrow => narrow,
                _ => cs,
            };
            let end = tok.end + m.after_end.unwrap_or(0);
            out.push(Found {
                metric: &ind.id,
                value: n.value,
                qualifier: n.qualifier,
                year,
                scope,
                target,
                start,
                end,
            });
        }
        out.extend(stated_values(chars, s, &matcher, report_year));
    }
    out
}

/// Scope of a value: the indicator's own unless the text makes it a multi-year total.
fn scope_of(ind: &Indicator, cumulative: bool) -> Scope {
    if cumulative && ind.scope == Scope::Annual {
        Scope::Cumulative
    } else {
        ind.scope
    }
}

/// Values stated in words (全部出庭应诉 → 100, qualifier derived) in one sentence.
fn stated_values<'d>(
    chars: &[char],
    s: &Sentence,
    matcher: &Matcher<'d>,
    report_year: i32,
) -> Vec<Found<'d>> {
    let sentence = &chars[s.start..s.end];
    let clause_of = |at: usize| {
        let (a, b) = section::clause_around(chars, s, s.start + at);
        (a - s.start, b - s.start)
    };
    matcher
        .stated(sentence, clause_of)
        .into_iter()
        .map(|m| {
            let ind = matcher.indicator(m.indicator);
            let (cs, _) = clause_of(m.start);
            let year = year::value_year(&sentence[cs..m.start], report_year);
            Found {
                metric: &ind.id,
                value: m.value,
                qualifier: Qualifier::Derived,
                year,
                scope: ind.scope,
                target: s.plan || year > report_year,
                start: s.start + cs,
                end: s.start + m.end,
            }
        })
        .collect()
}
