//! Key findings as sentences with their numbers, shared by the page and the briefing.
//! Each finding keeps its figures' sources (file and sentence) so a reader can check them.
//!
//! Order: year-over-year changes, then rates computed from their parts (with their intervals
//! and any published reference), then checks a reader must look at, then cross-county
//! comparisons of three or more counties. Approximate values keep their qualifier
//! ("约4000", "2000余"), and changes of a rate are stated in percentage points.

use std::collections::{HashMap, HashSet};

use super::reasons::check_message;
use super::Lang;
use crate::analysis::{Analysis, ComparisonRow, Note, Severity};
use crate::dict::{IndicatorDict, Kind};
use crate::model::{format_value, Fact, Level, Qualifier, Scope};

/// Which part of the analysis a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    /// A year-over-year change of one county's indicator (`trends.csv`).
    Change,
    /// A rate computed from its parts (`derived.csv`).
    Rate,
    /// A check a reader must look at (`checks.csv`).
    Check,
    /// A cross-county comparison of one indicator and year (`comparisons.csv`).
    Comparison,
    /// A finding of the national view (`regions.csv`, `coverage.csv`, ranks within provinces).
    National,
}

/// One key finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Where it comes from.
    pub kind: FindingKind,
    /// The sentence, in the requested language, with its figures and years.
    pub sentence: String,
    /// Source files of the figures.
    pub docs: Vec<String>,
    /// Evidence substrings of the figures (same order as `docs`).
    pub evidence: Vec<String>,
}

/// Every key finding of the analysis, as sentences (e.g. staff grew from 632 to 863, +36.6%).
pub fn key_findings(analysis: &Analysis, dict: &IndicatorDict, lang: Lang) -> Vec<Finding> {
    let facts = FactIndex::new(analysis);
    let mut out = Sink::all();
    trends(analysis, &facts, dict, lang, &mut out);
    derived(analysis, &facts, dict, lang, &mut out);
    checks(analysis, dict, lang, &mut out);
    comparisons(analysis, &facts, dict, lang, &mut out);
    out.found
}

/// The findings the page and the briefing list, and how many there are in all: exactly
/// [`key_findings`] cut by [`top_findings`] to `max`, without writing the sentences of
/// findings that are not kept (at national scale there are hundreds of thousands of them, and
/// forty are shown).
pub fn top_key_findings(
    analysis: &Analysis,
    dict: &IndicatorDict,
    lang: Lang,
    max: usize,
) -> (Vec<Finding>, usize) {
    if crate::analysis::national::is_national(&analysis.national)
        && !analysis.national.findings.is_empty()
    {
        // A national corpus: what a researcher would write (medians moved, provinces, ranks,
        // coverage), a readable dozen ranked by effect, instead of one line per indicator and
        // year of "among N counties, A is highest".
        let found = national_findings(analysis, dict, lang);
        let total = found.len();
        return (found.into_iter().take(max).collect(), total);
    }
    let facts = FactIndex::new(analysis);
    // top_findings keeps the first `max` after a stable sort by kind (comparisons, checks,
    // rates, changes): the same as producing the kinds in that order and keeping the first.
    // The same pass counts them all (the total does not depend on the order).
    let mut out = Sink::first(max);
    comparisons(analysis, &facts, dict, lang, &mut out);
    checks(analysis, dict, lang, &mut out);
    derived(analysis, &facts, dict, lang, &mut out);
    trends(analysis, &facts, dict, lang, &mut out);
    let total = out.total;
    if total <= max {
        // Nothing was cut: every finding, in key_findings' own order (few, so cheap).
        return (key_findings(analysis, dict, lang), total);
    }
    (out.found, total)
}

/// Where generated findings go: every finding is counted; its sentence is written (the
/// closure called) only while `keep` allows.
struct Sink {
    found: Vec<Finding>,
    total: usize,
    keep: usize,
}

impl Sink {
    fn all() -> Self {
        Sink {
            found: Vec::new(),
            total: 0,
            keep: usize::MAX,
        }
    }

    fn first(max: usize) -> Self {
        Sink {
            found: Vec::new(),
            total: 0,
            keep: max,
        }
    }

    fn push(&mut self, finding: impl FnOnce() -> Finding) {
        self.total += 1;
        if self.found.len() < self.keep {
            self.found.push(finding());
        }
    }
}

/// Keeps at most `max` findings: when there are more (national scale), cross-county
/// comparisons first, then checks, rates and single counties' changes, each kind in its own
/// order (stable sort). Below `max` the order is left as it is. Shared by the page and the
/// briefing so both list the same findings.
pub fn top_findings(found: &mut Vec<Finding>, max: usize) {
    if found.len() <= max {
        return;
    }
    let priority = |k: FindingKind| match k {
        FindingKind::National => 0,
        FindingKind::Comparison => 0,
        FindingKind::Check => 1,
        FindingKind::Rate => 2,
        FindingKind::Change => 3,
    };
    found.sort_by_key(|f| priority(f.kind));
    found.truncate(max);
}

/// The facts of one county, indicator and year, found without indexing every fact: the
/// analysis keeps its facts sorted by county, indicator and year (see [`Analysis::facts`]), so
/// a lookup is a binary search. Facts in any other order (an `Analysis` built by hand) are
/// indexed by a hash map instead; both give the same answers, in fact order.
pub(super) struct FactIndex<'a> {
    facts: &'a [Fact],
    /// Positions by key, only when the facts are not sorted.
    unsorted: Option<HashMap<FactKey<'a>, Vec<usize>>>,
}

/// County (code and name), indicator and year.
type FactKey<'a> = (&'a str, &'a str, &'a str, i32);

fn fact_key(f: &Fact) -> FactKey<'_> {
    (&f.region_code, &f.county, &f.metric, f.year)
}

impl<'a> FactIndex<'a> {
    pub(super) fn new(analysis: &'a Analysis) -> Self {
        let facts = analysis.facts.as_slice();
        let sorted = facts.is_sorted_by(|a, b| fact_key(a) <= fact_key(b));
        let unsorted = (!sorted).then(|| {
            let mut index: HashMap<FactKey<'a>, Vec<usize>> = HashMap::new();
            for (i, f) in facts.iter().enumerate() {
                index.entry(fact_key(f)).or_default().push(i);
            }
            index
        });
        FactIndex { facts, unsorted }
    }

    /// Positions of the facts of a county, indicator and year, in fact order.
    pub(super) fn positions(
        &self,
        region_code: &str,
        county: &str,
        metric: &str,
        year: i32,
    ) -> Vec<usize> {
        let key = (region_code, county, metric, year);
        match &self.unsorted {
            Some(index) => index.get(&key).cloned().unwrap_or_default(),
            None => {
                let start = self.facts.partition_point(|f| fact_key(f) < key);
                let len = self.facts[start..].partition_point(|f| fact_key(f) == key);
                (start..start + len).collect()
            }
        }
    }

    /// The fact behind a county's value (the first in fact order), for its qualifier and
    /// source.
    fn get(&self, region_code: &str, county: &str, metric: &str, year: i32) -> Option<&'a Fact> {
        let key = (region_code, county, metric, year);
        let first = match &self.unsorted {
            Some(index) => index.get(&key).and_then(|p| p.first().copied()),
            None => {
                let i = self.facts.partition_point(|f| fact_key(f) < key);
                self.facts.get(i).filter(|f| fact_key(f) == key).map(|_| i)
            }
        };
        first.map(|i| &self.facts[i])
    }
}

/// The scope's name as [`Scope`]'s `Display` writes it, without a new string.
fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Annual => "annual",
        Scope::Stock => "stock",
        Scope::Cumulative => "cumulative",
        Scope::Partial => "partial",
    }
}

/// A value with its unit and qualifier as a sentence states it (`约4000件`, `more than 2000`).
fn amount(value: f64, unit: &str, qualifier: Qualifier, lang: Lang) -> String {
    let v = format_value(value);
    // English puts a space between a number and a word unit, Chinese none.
    let unit = match super::chart::unit_label(unit, lang) {
        unit if lang.is_en() && unit != "%" => format!(" {unit}"),
        unit => unit.to_string(),
    };
    let args: [(&str, &dyn std::fmt::Display); 2] = [("v", &v), ("unit", &unit)];
    match qualifier {
        Qualifier::MoreThan => lang.fill("findings.more_than", &args),
        Qualifier::Nearly => lang.fill("findings.nearly", &args),
        Qualifier::Exact | Qualifier::Derived => format!("{v}{unit}"),
    }
}

/// County (code and name), indicator, scope and year of a per-year comparison row.
type StandingKey<'a> = (&'a str, &'a str, &'a str, Scope, i32);

/// The per-year comparison rows that rank a county within its prefecture (two or more
/// compared there), by county, indicator, scope and year.
fn prefecture_standings(analysis: &Analysis) -> HashMap<StandingKey<'_>, &ComparisonRow> {
    analysis
        .comparisons
        .iter()
        .filter(|c| c.basis == "year" && c.prefecture_n.is_some_and(|n| n >= 2))
        .map(|c| {
            (
                (
                    c.region_code.as_str(),
                    c.county.as_str(),
                    c.metric.as_str(),
                    c.scope,
                    c.year,
                ),
                c,
            )
        })
        .collect()
}

/// English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st.
pub(super) fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "ranks 2nd of its prefecture's 7" for a comparison row with a rank within its prefecture.
pub(super) fn prefecture_phrase(c: &ComparisonRow, lang: Lang) -> Option<String> {
    let (rank, n) = (c.prefecture_rank?, c.prefecture_n.filter(|&n| n >= 2)?);
    // English says "2nd", Chinese "第2" (the 第 is in the label).
    let rank: &dyn std::fmt::Display = if lang.is_en() { &ordinal(rank) } else { &rank };
    Some(lang.fill("findings.prefecture_rank", &[("n", &n), ("rank", rank)]))
}

fn trends(
    analysis: &Analysis,
    facts: &FactIndex<'_>,
    dict: &IndicatorDict,
    lang: Lang,
    out: &mut Sink,
) {
    // Built on the first sentence written (at national scale most changes are counted, not
    // written).
    let standings = std::cell::OnceCell::new();
    for t in &analysis.trends {
        let (Some(prev_year), Some(prev)) = (t.prev_year, t.prev_value) else {
            continue;
        };
        let is_rate = dict.get(&t.metric).is_some_and(|i| i.kind == Kind::Rate);
        // A rate's change is in percentage points; a count's in percent of the earlier value.
        let change = if is_rate { t.change } else { t.pct_change };
        let Some(change) = change else {
            continue;
        };
        out.push(|| {
            let name = dict.name(&t.metric, lang.is_en());
            let now_fact = facts.get(&t.region_code, &t.county, &t.metric, t.year);
            let prev_fact = facts.get(&t.region_code, &t.county, &t.metric, prev_year);
            let q = |f: Option<&Fact>| f.map(|f| f.qualifier).unwrap_or(Qualifier::Exact);
            let now = amount(t.value, &t.unit, q(now_fact), lang);
            let before = amount(prev, &t.unit, q(prev_fact), lang);
            let change = if is_rate {
                lang.fill("findings.points", &[("change", &format!("{change:+.1}"))])
            } else {
                format!("{change:+.1}%")
            };
            let per_year = match (t.annual_rate, is_rate) {
                (Some(r), false) if t.year - prev_year > 1 => {
                    lang.fill("findings.per_year", &[("r", &format!("{r:+.1}"))])
                }
                _ => String::new(),
            };
            let standing = standings
                .get_or_init(|| prefecture_standings(analysis))
                .get(&(
                    t.region_code.as_str(),
                    t.county.as_str(),
                    t.metric.as_str(),
                    t.scope,
                    t.year,
                ))
                .and_then(|c| prefecture_phrase(c, lang))
                .map(|p| lang.fill("findings.standing", &[("year", &t.year), ("p", &p)]))
                .unwrap_or_default();
            let sentence = lang.fill(
                "findings.change",
                &[
                    ("county", &t.county),
                    ("name", &name),
                    ("prev_year", &prev_year),
                    ("before", &before),
                    ("year", &t.year),
                    ("now", &now),
                    ("change", &change),
                    ("per_year", &per_year),
                    ("standing", &standing),
                ],
            );
            let mut docs = Vec::new();
            let mut evidence = Vec::new();
            if let Some(f) = prev_fact {
                docs.push(f.doc.clone());
                evidence.push(f.evidence.clone());
            }
            if !evidence.contains(&t.evidence) {
                docs.push(t.doc.clone());
                evidence.push(t.evidence.clone());
            }
            Finding {
                kind: FindingKind::Change,
                sentence,
                docs,
                evidence,
            }
        });
    }
}

fn derived(
    analysis: &Analysis,
    facts: &FactIndex<'_>,
    dict: &IndicatorDict,
    lang: Lang,
    out: &mut Sink,
) {
    // Changes already stated as year-over-year findings, by county, indicator and year; only
    // of the indicators with a growth rate (a handful, while the trends are a row per county,
    // indicator and year).
    let mut grown: Vec<&str> = analysis
        .derived
        .iter()
        .filter_map(|d| d.metric.strip_suffix(".growth"))
        .collect();
    grown.sort_unstable();
    grown.dedup();
    let stated: HashSet<(&str, &str, &str, i32)> = analysis
        .trends
        .iter()
        .filter(|t| t.prev_value.is_some() && grown.binary_search(&t.metric.as_str()).is_ok())
        .map(|t| {
            (
                t.region_code.as_str(),
                t.county.as_str(),
                t.metric.as_str(),
                t.year,
            )
        })
        .collect();
    for d in &analysis.derived {
        // A growth already stated as a year-over-year change is not repeated.
        if let Some(base) = d.metric.strip_suffix(".growth") {
            if stated.contains(&(d.region_code.as_str(), d.county.as_str(), base, d.year)) {
                continue;
            }
        }
        out.push(|| {
            let name = super::chart::derived_name(dict, &d.metric, lang);
            let reference = match d.reference {
                Some(r) => lang.fill("findings.national", &[("r", &format_value(r))]),
                None => String::new(),
            };
            let parts = super::chart::parts_label(d).replace("->", "→");
            // A rate over a fallback denominator says so: 3 of 73 accepted is not 3 of 73
            // concluded.
            let fallback = d.notes.0.iter().any(|n| matches!(n, Note::Fallback { .. }));
            let basis = if fallback {
                let den = dict.name(&d.denominator_metric, lang.is_en());
                lang.fill("findings.over_denominator", &[("den", &den)])
            } else {
                String::new()
            };
            let sentence = lang.fill(
                "findings.rate",
                &[
                    ("county", &d.county),
                    ("year", &d.year),
                    ("name", &name),
                    ("value", &format!("{:.1}", d.value)),
                    ("parts", &parts),
                    ("basis", &basis),
                    ("low", &format!("{:.1}", d.ci_low)),
                    ("high", &format!("{:.1}", d.ci_high)),
                    ("reference", &reference),
                ],
            );
            let mut docs = Vec::new();
            let mut evidence = Vec::new();
            for part in [&d.numerator_metric, &d.denominator_metric] {
                if let Some(f) = facts.get(&d.region_code, &d.county, part, d.year) {
                    if !evidence.contains(&f.evidence) {
                        docs.push(f.doc.clone());
                        evidence.push(f.evidence.clone());
                    }
                }
            }
            Finding {
                kind: FindingKind::Rate,
                sentence,
                docs,
                evidence,
            }
        });
    }
}

/// The change between two figures as a sentence states it: percentage points for a rate,
/// a signed percentage otherwise (empty when the first is 0).
fn change_words(a: f64, b: f64, unit: &str, lang: Lang) -> String {
    if unit == "%" {
        let change = format!("{:+.1}", b - a);
        lang.fill("findings.points", &[("change", &change)])
    } else if a != 0.0 {
        format!("{:+.1}%", (b - a) / a.abs() * 100.0)
    } else {
        String::new()
    }
}

/// The national view's findings as sentences, in the analysis's order (kinds in turn, the
/// largest effect first). Aggregates name the file that holds their figures; a unit's move
/// links the two facts it rests on.
pub fn national_findings(analysis: &Analysis, dict: &IndicatorDict, lang: Lang) -> Vec<Finding> {
    use crate::analysis::national::NationalKind;
    analysis
        .national
        .findings
        .iter()
        .map(|f| {
            let name = dict.name(&f.metric, lang.is_en());
            let scope = super::chart::scope_label(f.scope, lang);
            let amount = |v: f64| amount(v, &f.unit, Qualifier::Exact, lang);
            let (y0, y1) = f.years;
            let (n0, n1) = f.n;
            let sentence = match f.kind {
                NationalKind::NationalMedian | NationalKind::ProvinceMedian => {
                    let key = match f.kind {
                        NationalKind::NationalMedian => "findings.national_median",
                        _ if f.values.1 >= f.values.0 => "findings.province_median_rose",
                        _ => "findings.province_median_fell",
                    };
                    lang.fill(
                        key,
                        &[
                            ("province", &f.province),
                            ("name", &name),
                            ("scope", &scope),
                            ("y0", &y0),
                            ("y1", &y1),
                            ("a", &amount(f.values.0)),
                            ("b", &amount(f.values.1)),
                            (
                                "change",
                                &change_words(f.values.0, f.values.1, &f.unit, lang),
                            ),
                            ("n0", &n0),
                            ("n1", &n1),
                        ],
                    )
                }
                NationalKind::UnitRank => {
                    let rank = |r: f64| -> String {
                        if lang.is_en() {
                            ordinal(r as usize)
                        } else {
                            (r as usize).to_string()
                        }
                    };
                    lang.fill(
                        "findings.unit_rank",
                        &[
                            ("county", &f.county),
                            ("province", &f.province),
                            ("name", &name),
                            ("y0", &y0),
                            ("y1", &y1),
                            ("r0", &rank(f.values.0)),
                            ("r1", &rank(f.values.1)),
                            ("n0", &n0),
                            ("n1", &n1),
                        ],
                    )
                }
                NationalKind::ThinCoverage => {
                    let rate = if f.values.1 > 0.0 {
                        format!("{:.1}", f.values.0 / f.values.1 * 100.0)
                    } else {
                        String::new()
                    };
                    lang.fill(
                        "findings.thin_coverage",
                        &[
                            ("province", &f.province),
                            ("y0", &y0),
                            ("y1", &y1),
                            ("rate", &rate),
                            ("units", &n1),
                        ],
                    )
                }
            };
            let linked: Vec<&(String, String)> =
                f.sources.iter().filter(|(_, ev)| !ev.is_empty()).collect();
            Finding {
                kind: FindingKind::National,
                sentence,
                docs: linked.iter().map(|(d, _)| d.clone()).collect(),
                evidence: linked.iter().map(|(_, e)| e.clone()).collect(),
            }
        })
        .chain(outliers_finding(analysis, dict, lang))
        .collect()
}

/// How many values were set aside as outliers, and the farthest of them with its source: at
/// national scale the review list is cut to its first and last rows, so this is where a
/// reader of the page meets them.
fn outliers_finding(analysis: &Analysis, dict: &IndicatorDict, lang: Lang) -> Option<Finding> {
    let outliers = &analysis.national.outliers;
    let far = outliers
        .iter()
        .max_by(|a, b| a.robust_z.abs().total_cmp(&b.robust_z.abs()))?;
    let sentence = lang.fill(
        "findings.outliers",
        &[
            ("n", &outliers.len()),
            ("county", &far.county),
            ("year", &far.year),
            ("name", &dict.name(&far.metric, lang.is_en())),
            (
                "value",
                &amount(far.value, &far.unit, Qualifier::Exact, lang),
            ),
            (
                "median",
                &amount(far.peer_median, &far.unit, Qualifier::Exact, lang),
            ),
            ("peers", &far.peers),
            ("z", &format!("{:.1}", far.robust_z)),
        ],
    );
    Some(Finding {
        kind: FindingKind::National,
        sentence,
        docs: vec![far.doc.clone()],
        evidence: vec![far.evidence.clone()],
    })
}

fn checks(analysis: &Analysis, dict: &IndicatorDict, lang: Lang, out: &mut Sink) {
    let mut checks: Vec<_> = analysis
        .checks
        .iter()
        .filter(|c| c.severity >= Severity::Warning)
        .collect();
    checks.sort_by_key(|c| std::cmp::Reverse(c.severity));
    for c in checks {
        out.push(|| {
            let name = dict.name(&c.metric, lang.is_en());
            let sentence = lang.fill(
                "findings.check",
                &[
                    ("county", &c.county),
                    ("year", &c.year),
                    ("name", &name),
                    ("message", &check_message(&c.reason, dict, lang)),
                ],
            );
            Finding {
                kind: FindingKind::Check,
                sentence,
                docs: vec![c.doc.clone()],
                evidence: vec![c.evidence.clone()],
            }
        });
    }
}

fn comparisons(
    analysis: &Analysis,
    facts: &FactIndex<'_>,
    dict: &IndicatorDict,
    lang: Lang,
    out: &mut Sink,
) {
    use std::collections::BTreeMap;
    // Per indicator, scope and year: the comparison's rows, when three or more counties share
    // a year (two counties make a pair, not a ranking). Keys borrow (no string per row) and
    // order by the scope's name, as written in the CSV.
    let mut groups: BTreeMap<(&str, &str, i32, Level), Vec<&ComparisonRow>> = BTreeMap::new();
    for c in analysis.comparisons.iter().filter(|c| c.basis == "year") {
        groups
            .entry((c.metric.as_str(), scope_name(c.scope), c.year, c.level))
            .or_default()
            .push(c);
    }
    for ((metric, _, year, _), rows) in groups {
        if rows.len() < 3 {
            continue;
        }
        let (Some(top), Some(bottom)) = (
            rows.iter().min_by_key(|r| r.rank),
            rows.iter().max_by_key(|r| r.rank),
        ) else {
            continue;
        };
        out.push(|| {
            let name = dict.name(metric, lang.is_en());
            let median = amount(top.median, &top.unit, Qualifier::Exact, lang);
            let hi = amount(top.value, &top.unit, Qualifier::Exact, lang);
            let lo = amount(bottom.value, &bottom.unit, Qualifier::Exact, lang);
            let sentence = lang.fill(
                "findings.comparison",
                &[
                    ("year", &year),
                    ("name", &name),
                    ("n", &rows.len()),
                    ("top", &top.county),
                    ("hi", &hi),
                    ("bottom", &bottom.county),
                    ("lo", &lo),
                    ("median", &median),
                ],
            );
            let mut docs = Vec::new();
            let mut evidence = Vec::new();
            for r in [top, bottom] {
                if let Some(f) = facts.get(&r.region_code, &r.county, metric, year) {
                    docs.push(f.doc.clone());
                    evidence.push(f.evidence.clone());
                }
            }
            Finding {
                kind: FindingKind::Comparison,
                sentence,
                docs,
                evidence,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{DerivedRow, TrendRow};

    fn dict() -> IndicatorDict {
        crate::dict::parse_dict(
            r#"
[[indicator]]
id = "staff"
zh_name = "持证人员数"
en_name = "Certified staff"
unit = "人"
kind = "count"
scope = "stock"

[[indicator]]
id = "rate"
zh_name = "纠错率"
en_name = "Correction rate"
unit = "%"
kind = "rate"
scope = "annual"
"#,
            "test",
        )
        .expect("test dictionary")
    }

    fn trend(metric: &str, unit: &str, prev: f64, now: f64) -> TrendRow {
        TrendRow {
            region_code: "1".into(),
            county: "沛县".into(),
            level: None,
            metric: metric.into(),
            scope: Scope::Stock,
            year: 2023,
            value: now,
            unit: unit.into(),
            prev_year: Some(2022),
            prev_value: Some(prev),
            change: Some(now - prev),
            pct_change: Some((now / prev - 1.0) * 100.0),
            annual_rate: None,
            evidence: "863人".into(),
            doc: "a.txt".into(),
            notes: Default::default(),
            qualifier: Qualifier::Exact,
        }
    }

    #[test]
    fn trend_sentences_state_both_values_and_the_change() {
        let d = dict();
        let analysis = Analysis {
            trends: vec![
                trend("staff", "人", 632.0, 863.0),
                trend("rate", "%", 34.44, 40.0),
            ],
            ..Analysis::default()
        };
        let zh: Vec<String> = key_findings(&analysis, &d, Lang::Zh)
            .into_iter()
            .map(|f| f.sentence)
            .collect();
        assert_eq!(
            zh,
            vec![
                "沛县持证人员数由2022年的632人变为2023年的863人（+36.6%）。",
                "沛县纠错率由2022年的34.44%变为2023年的40%（+5.6个百分点）。",
            ]
        );
        let en = key_findings(&analysis, &d, Lang::En);
        assert_eq!(
            en[0].sentence,
            "沛县: Certified staff went from 632 persons in 2022 to 863 persons in 2023 (+36.6%)."
        );
        assert_eq!(en[0].docs, vec!["a.txt".to_string()]);
    }

    #[test]
    fn derived_sentences_carry_interval_and_reference() {
        let d = dict();
        let analysis = Analysis {
            derived: vec![DerivedRow {
                region_code: "1".into(),
                county: "沛县".into(),
                level: None,
                metric: "rate.derived".into(),
                year: 2023,
                numerator_metric: "c".into(),
                numerator: 3.0,
                denominator_metric: "a".into(),
                denominator: 73.0,
                value: 4.109589,
                ci_low: 1.407394,
                ci_high: 11.400092,
                reference: Some(12.83),
                notes: Default::default(),
                evidence: String::new(),
            }],
            ..Analysis::default()
        };
        let f = key_findings(&analysis, &d, Lang::Zh);
        assert_eq!(
            f[0].sentence,
            "沛县2023年纠错率为4.1%（3/73，95%区间1.4%–11.4%）；全国同年为12.83%。"
        );
        // A fallback denominator is said in the sentence, not only in the appendix.
        let mut fallback = analysis.clone();
        fallback.derived[0].notes = crate::analysis::Notes(vec![crate::analysis::Note::Fallback {
            used: "reconsideration.accepted".into(),
            preferred: "reconsideration.concluded".into(),
            year: 2023,
        }]);
        let f = key_findings(&fallback, &d, Lang::Zh);
        assert!(f[0].sentence.contains("3/73，以"), "{}", f[0].sentence);
        assert!(
            f[0].sentence.contains("为分母，95%区间"),
            "{}",
            f[0].sentence
        );
    }

    #[test]
    fn top_key_findings_are_key_findings_cut_by_top_findings() {
        use crate::analysis::{Check, ComparisonRow};
        let d = dict();
        let check = |county: &str, severity| Check {
            kind: "yoy_jump".into(),
            severity,
            region_code: "1".into(),
            county: county.into(),
            level: None,
            doc: "a.txt".into(),
            metric: "staff".into(),
            year: 2023,
            reason: crate::analysis::CheckReason::JumpZero {
                from: (2022, 0.0),
                to: (2023, 50.0),
            },
            evidence: "e".into(),
        };
        let compared = |county: &str, rank: usize| ComparisonRow {
            basis: "year".into(),
            metric: "staff".into(),
            scope: Scope::Stock,
            year: 2023,
            region_code: county.into(),
            county: county.into(),
            level: Level::County,
            value: 100.0 - rank as f64,
            unit: "人".into(),
            reference: None,
            rank,
            n: 3,
            median: 98.0,
            percentile: 50.0,
            z_score: None,
            prefecture_rank: None,
            prefecture_n: None,
            prefecture_median: None,
            province_rank: None,
            province_n: None,
            notes: Default::default(),
        };
        let mut second_year: Vec<ComparisonRow> = ["甲", "乙", "丙"]
            .iter()
            .enumerate()
            .map(|(i, c)| compared(c, i + 1))
            .collect();
        for r in &mut second_year {
            r.year = 2022;
        }
        let mut analysis = Analysis {
            trends: vec![
                trend("staff", "人", 632.0, 863.0),
                trend("rate", "%", 34.44, 40.0),
                trend("staff", "人", 10.0, 12.0),
            ],
            checks: vec![
                check("甲", Severity::Warning),
                check("乙", Severity::Info),
                check("丙", Severity::Error),
            ],
            comparisons: ["甲", "乙", "丙"]
                .iter()
                .enumerate()
                .map(|(i, c)| compared(c, i + 1))
                .chain(second_year)
                .collect(),
            ..Analysis::default()
        };
        analysis.derived = vec![DerivedRow {
            region_code: "1".into(),
            county: "沛县".into(),
            level: None,
            metric: "rate.derived".into(),
            year: 2023,
            numerator_metric: "c".into(),
            numerator: 3.0,
            denominator_metric: "a".into(),
            denominator: 73.0,
            value: 4.1,
            ci_low: 1.4,
            ci_high: 11.4,
            reference: None,
            notes: Default::default(),
            evidence: String::new(),
        }];
        for lang in [Lang::Zh, Lang::En] {
            let all = key_findings(&analysis, &d, lang);
            assert_eq!(all.len(), 8, "3 changes, 1 rate, 2 checks, 2 comparisons");
            for max in 0..=all.len() + 1 {
                let mut want = all.clone();
                top_findings(&mut want, max);
                let (got, total) = top_key_findings(&analysis, &d, lang, max);
                assert_eq!(total, all.len(), "max {max}");
                assert_eq!(got, want, "max {max}");
            }
        }
    }

    #[test]
    fn approximate_values_keep_their_qualifier() {
        for (q, lang, want) in [
            (Qualifier::Nearly, Lang::Zh, "约4000件"),
            (Qualifier::MoreThan, Lang::Zh, "2000余件"),
            (Qualifier::Nearly, Lang::En, "about 4000 cases"),
            (Qualifier::Exact, Lang::En, "4000 cases"),
        ] {
            let v = if q == Qualifier::MoreThan {
                2000.0
            } else {
                4000.0
            };
            assert_eq!(amount(v, "件", q, lang), want);
        }
    }

    #[test]
    fn scope_name_is_what_display_writes() {
        for scope in [Scope::Annual, Scope::Stock, Scope::Cumulative] {
            assert_eq!(scope_name(scope), scope.to_string());
        }
    }

    /// The binary search over sorted facts and the hash index over unsorted ones find the
    /// same facts, in fact order.
    #[test]
    fn fact_index_finds_the_same_facts_sorted_or_not() {
        let fact = |code: &str, metric: &str, year: i32, doc: &str| Fact {
            doc: doc.to_string(),
            region_code: code.to_string(),
            county: format!("县{code}"),
            report_year: Some(year),
            metric: metric.to_string(),
            year,
            value: 1.0,
            unit: "件".to_string(),
            ..Fact::default()
        };
        let sorted = vec![
            fact("110101", "a.x", 2022, "1.txt"),
            fact("110101", "a.x", 2023, "1.txt"),
            fact("110101", "a.x", 2023, "2.txt"),
            fact("110101", "b.y", 2023, "1.txt"),
            fact("110102", "a.x", 2023, "3.txt"),
        ];
        let mut shuffled = sorted.clone();
        shuffled.reverse();
        let queries = [
            ("110101", "a.x", 2023),
            ("110101", "a.x", 2022),
            ("110101", "b.y", 2023),
            ("110102", "a.x", 2023),
            ("110102", "a.x", 2022),
            ("110100", "a.x", 2023),
            ("110103", "z.z", 2030),
        ];
        for facts in [sorted, shuffled] {
            let analysis = Analysis {
                facts,
                ..Analysis::default()
            };
            let index = FactIndex::new(&analysis);
            assert_eq!(index.unsorted.is_none(), analysis.facts[0].year == 2022);
            for (code, metric, year) in queries {
                let county = format!("县{code}");
                let want: Vec<usize> = (0..analysis.facts.len())
                    .filter(|&i| {
                        let f = &analysis.facts[i];
                        (
                            f.region_code.as_str(),
                            f.county.as_str(),
                            f.metric.as_str(),
                            f.year,
                        ) == (code, county.as_str(), metric, year)
                    })
                    .collect();
                assert_eq!(index.positions(code, &county, metric, year), want);
                let first = index
                    .get(code, &county, metric, year)
                    .map(|f| f as *const Fact);
                assert_eq!(
                    first,
                    want.first().map(|&i| &analysis.facts[i] as *const Fact)
                );
            }
        }
    }

    #[test]
    fn national_findings_state_figures_n_and_sources() {
        use crate::analysis::national::{NationalFinding, NationalKind};
        let d = dict();
        let finding = |kind, metric: &str, unit: &str, values, n, sources| NationalFinding {
            kind,
            effect: 0.5,
            metric: metric.into(),
            scope: Scope::Annual,
            unit: unit.into(),
            province: "山东省".into(),
            county: "莘县".into(),
            years: (2019, 2023),
            values,
            n,
            sources,
        };
        let mut analysis = Analysis::default();
        // 26 units make the corpus national.
        analysis.national.units = 26;
        analysis.national.findings = vec![
            finding(
                NationalKind::NationalMedian,
                "staff",
                "人",
                (400.0, 500.0),
                (120, 130),
                vec![("regions.csv".into(), String::new())],
            ),
            finding(
                NationalKind::ProvinceMedian,
                "rate",
                "%",
                (40.0, 32.5),
                (6, 7),
                vec![("regions.csv".into(), String::new())],
            ),
            finding(
                NationalKind::UnitRank,
                "staff",
                "人",
                (9.0, 1.0),
                (9, 10),
                vec![
                    ("a.txt".into(), "持证人员120人".into()),
                    ("b.txt".into(), "持证人员900人".into()),
                ],
            ),
            finding(
                NationalKind::ThinCoverage,
                "",
                "",
                (10.0, 200.0),
                (5, 40),
                vec![("coverage.csv".into(), String::new())],
            ),
        ];
        let outlier = |county: &str, value: f64, z: f64| crate::analysis::national::OutlierRow {
            region_code: "999901".into(),
            province: "丙省".into(),
            prefecture: "乙市".into(),
            county: county.into(),
            level: Level::County,
            metric: "staff".into(),
            scope: Scope::Stock,
            year: 2023,
            value,
            unit: "人".into(),
            peers: 12,
            peer_median: 300.0,
            scale: crate::analysis::national::Scale::Log,
            peer_mad: 0.2,
            robust_z: z,
            doc: format!("{county}.txt"),
            evidence: format!("持证人员{value}人"),
        };
        analysis.national.outliers =
            vec![outlier("戊县", 30000.0, 15.5), outlier("丁县", 2.0, -16.25)];
        let mut zh = national_findings(&analysis, &d, Lang::Zh);
        // The farthest outlier by |z| is named, with its source.
        let last = zh.pop().expect("the outliers' finding");
        assert_eq!(
            last.sentence,
            "2个数值与同组单位相差悬殊，已列入待复核、不计入任何汇总（见 outliers.csv）；相差最大的是丁县2023年持证人员数2人，同组12个单位的中位数为300人（稳健 z 值 -16.2）。"
        );
        assert_eq!(last.docs, vec!["丁县.txt"]);
        analysis.national.outliers.clear();
        let sentences: Vec<&str> = zh.iter().map(|f| f.sentence.as_str()).collect();
        // +25.0%: (500 − 400) / 400; −7.5 points: 32.5 − 40; 5.0%: 10 of 200 unit-years.
        assert_eq!(
            sentences,
            vec![
                "全国县级单位持证人员数（年度）的中位数由2019年的400人变为2023年的500人（+25.0%；两年分别有120个、130个单位报告，见 regions.csv）。",
                "山东省纠错率（年度）的中位数由2019年的40%降至2023年的32.5%（-7.5个百分点；6个、7个单位报告），降幅居各省前列。",
                "莘县（山东省）持证人员数在本省的排名由2019年的第9位（共9个）变为2023年的第1位（共10个）。",
                "山东省报告覆盖偏少：2019–2023年，该省40个县级单位中平均每年只有5.0%有报告（见 coverage.csv）。",
            ]
        );
        // Only the unit's move links sentences; the aggregates name their file instead.
        assert!(zh[0].docs.is_empty() && zh[3].docs.is_empty());
        assert_eq!(zh[2].docs, vec!["a.txt", "b.txt"]);
        assert_eq!(zh[2].evidence[1], "持证人员900人");
        let en = national_findings(&analysis, &d, Lang::En);
        assert!(en[2].sentence.contains("ranked 9th of 9") && en[2].sentence.contains("1st of 10"));
        assert!(en[1]
            .sentence
            .contains("fell from 40% in 2019 to 32.5% in 2023"));
        // The page and the briefing list these, not the per-indicator comparisons.
        let (top, total) = top_key_findings(&analysis, &d, Lang::En, 40);
        assert_eq!((top.len(), total), (4, 4));
        assert!(top.iter().all(|f| f.kind == FindingKind::National));
    }
}
