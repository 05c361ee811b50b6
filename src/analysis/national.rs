//! The national view: many units read together rather than one by one.
//!
//! - **Regions** (`regions.csv`): per region (the nation, each province, each named
//!   prefecture) × indicator × scope × year, how many county-level units the gazetteer (the
//!   bundled division table) lists and how many reported a value, with the median and the
//!   quartiles of their values (type 7, see [`dataset::peers`]), the smallest and largest, and
//!   the sum only where every unit of the region reported (a sum over the reporting half of a
//!   province is not the province's total). Only county-level governments' own values are
//!   aggregated: a department's figure or a prefecture's own report is not one of its units.
//! - **Coverage** (`coverage.csv`): per region × year, the units in the gazetteer, the units
//!   with a report about that year in the corpus, and the publication rate.
//! - **Outliers** (`outliers.csv`): see [`detect_outliers`].
//! - **Findings**: what a researcher would write first about a national corpus (the national
//!   median moved, the provinces that rose or fell most, the units that moved most within
//!   their province, where coverage is thin), each with its figures, its n and its sources,
//!   ranked by size of effect.
//!
//! The view is for corpora of many units: [`is_national`] says when a corpus is one, and the
//! page and the charts switch to it only then (five reports still read as five profiles).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::{PlHashMap as HashMap, PlHashSet as HashSet};

use polars::prelude::PolarsResult;
use serde::Serialize;

use super::model::{clean, clean_opt, ComparisonRow};
use crate::dataset::columns::{LEVEL, MEDIAN, METRIC, N, SCOPE, YEAR};
use crate::dataset::peers::{
    self, group_spread, group_summary, opt_u32_column, MAD, MAX, MIN, P25, P75, PREFECTURE_CODE,
    PROVINCE_CODE, SUM,
};
use crate::dataset::{f64_column, u32_column};
use crate::extract::divisions::divisions;
use crate::model::{Confidence, DocMeta, Fact, Level, Scope};

/// More reporting units than this make a corpus national: a chart would then hold more rows
/// than a reader can compare one by one (the "about 25").
pub const NATIONAL_UNITS: usize = 25;
/// Robust z beyond which a value is an outlier (Iglewicz & Hoaglin 1993: |z| > 3.5 with
/// z = 0.6745 (x − median) / MAD, where 0.6745 makes the MAD consistent with the standard
/// deviation of a normal distribution).
pub const OUTLIER_Z: f64 = 3.5;
/// The fewest distinct units a peer group needs before any of its values is called an
/// outlier: a median and a MAD of a handful of values say little about what is usual.
pub const MIN_PEERS: usize = 10;
/// The `review_reason` tag of a value flagged as an outlier.
pub const OUTLIER_TAG: &str = "outlier";
/// 0.6745 ≈ Φ⁻¹(0.75): MAD / 0.6745 estimates σ for normal data.
const MAD_TO_SD: f64 = 0.6745;

/// The national view of one analysis (see the module docs).
#[derive(Debug, Clone, Default, Serialize)]
pub struct National {
    /// Regional aggregates, nation first, then provinces and prefectures in code order.
    pub regions: Vec<RegionRow>,
    /// Publication coverage per region and year, in the same order.
    pub coverage: Vec<CoverageRow>,
    /// Values far from their peers, in fact order.
    pub outliers: Vec<OutlierRow>,
    /// Findings of the national view, largest effect first within each kind.
    pub findings: Vec<NationalFinding>,
    /// Distinct county-level units with at least one counted value.
    pub units: usize,
}

/// One region × indicator × scope × year of `regions.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionRow {
    /// `nation`, `province` or `prefecture`.
    pub level: Level,
    /// `00`, the 2-digit province or the 4-digit prefecture code.
    pub region_code: String,
    /// Province name (empty for the nation).
    pub province: String,
    /// Prefecture name (empty for the nation and provinces).
    pub prefecture: String,
    /// Indicator id.
    pub metric: String,
    /// Scope.
    pub scope: Scope,
    /// Year.
    pub year: i32,
    /// Unit of the values.
    pub unit: String,
    /// County-level units the gazetteer lists in the region.
    pub units_in_gazetteer: usize,
    /// Units that reported a counted value.
    pub units_reported: usize,
    /// Median of the reported values.
    #[serde(serialize_with = "clean")]
    pub median: f64,
    /// 25th percentile (type 7).
    #[serde(serialize_with = "clean")]
    pub p25: f64,
    /// 75th percentile (type 7).
    #[serde(serialize_with = "clean")]
    pub p75: f64,
    /// Smallest reported value.
    #[serde(serialize_with = "clean")]
    pub min: f64,
    /// Largest reported value.
    #[serde(serialize_with = "clean")]
    pub max: f64,
    /// Sum of the values, only when every unit of the region reported.
    #[serde(serialize_with = "clean_opt")]
    pub sum: Option<f64>,
}

/// One region × year of `coverage.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageRow {
    /// `nation`, `province` or `prefecture`.
    pub level: Level,
    /// `00`, the province or the prefecture code.
    pub region_code: String,
    /// Province name (empty for the nation).
    pub province: String,
    /// Prefecture name (empty for the nation and provinces).
    pub prefecture: String,
    /// The year the reports are about.
    pub year: i32,
    /// County-level units the gazetteer lists in the region.
    pub units_in_gazetteer: usize,
    /// Units with at least one report about the year in the corpus.
    pub units_with_report: usize,
    /// `units_with_report / units_in_gazetteer`, 0–1.
    #[serde(serialize_with = "clean")]
    pub publication_rate: f64,
}

/// One value of `outliers.csv`: a fact far from its peers, with the peers' figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlierRow {
    /// Division code.
    pub region_code: String,
    /// Province name.
    pub province: String,
    /// Prefecture name.
    pub prefecture: String,
    /// County name.
    pub county: String,
    /// Level of the unit (peers share it).
    pub level: Level,
    /// Indicator id.
    pub metric: String,
    /// Scope.
    pub scope: Scope,
    /// Year.
    pub year: i32,
    /// The value.
    #[serde(serialize_with = "clean")]
    pub value: f64,
    /// Unit.
    pub unit: String,
    /// Distinct units in the peer group (the same indicator, scope, year and level).
    pub peers: usize,
    /// The peers' median.
    #[serde(serialize_with = "clean")]
    pub peer_median: f64,
    /// The scale the peers are compared on.
    pub scale: Scale,
    /// The peers' median absolute deviation, on that scale.
    #[serde(serialize_with = "clean")]
    pub peer_mad: f64,
    /// 0.6745 × (value − median) / MAD.
    #[serde(serialize_with = "clean")]
    pub robust_z: f64,
    /// Source file.
    pub doc: String,
    /// The sentence the value was read from.
    pub evidence: String,
}

/// The scale values are compared with their peers on (see [`detect_outliers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// ln(1 + x): counts.
    Log,
    /// x: rates, in percentage points.
    Linear,
}

impl Scale {
    /// Rates (unit `%`) are linear, everything else a count.
    pub fn of(f: &Fact) -> Scale {
        if f.unit == "%" {
            Scale::Linear
        } else {
            Scale::Log
        }
    }

    /// A value on this scale (a negative count, which no report states, counts as 0).
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Scale::Log => x.max(0.0).ln_1p(),
            Scale::Linear => x,
        }
    }

    /// Back from this scale (for the median: the median of ln(1 + x) is ln(1 + the median)
    /// for an odd number of peers, and between the two middle values otherwise).
    pub fn invert(self, y: f64) -> f64 {
        match self {
            Scale::Log => y.exp_m1(),
            Scale::Linear => y,
        }
    }
}

/// What a national finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NationalKind {
    /// The national median of an indicator between its first and last well-reported years.
    NationalMedian,
    /// A province's median between the last two years, the largest rise or fall.
    ProvinceMedian,
    /// A unit whose rank within its province moved most between two of its years.
    UnitRank,
    /// A province whose reports cover least of its units.
    ThinCoverage,
}

/// One finding of the national view; the sentence is written by `render::findings` from
/// these figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NationalFinding {
    /// What it is about.
    pub kind: NationalKind,
    /// Size of effect the findings are ranked by: the relative change of a median, the rank
    /// moved as a share of the units ranked, or the share of units without a report.
    pub effect: f64,
    /// Indicator id (empty for coverage).
    pub metric: String,
    /// Scope.
    pub scope: Scope,
    /// Unit of the values.
    pub unit: String,
    /// Province name (empty for the nation).
    pub province: String,
    /// County name (unit-rank findings).
    pub county: String,
    /// First and last year compared.
    pub years: (i32, i32),
    /// The figures: two medians, two ranks, or (units with a report, units in the gazetteer).
    pub values: (f64, f64),
    /// The n of each figure: units reporting each year, units ranked each year, or years.
    pub n: (usize, usize),
    /// Sources: (file, sentence) of the facts a unit finding rests on; for aggregates, the
    /// output file that holds every figure (`regions.csv`, `coverage.csv`) and no sentence.
    pub sources: Vec<(String, String)>,
}

/// Most findings of each kind kept (the page lists at most the sum: a readable dozen).
const KEEP: [(NationalKind, usize); 4] = [
    (NationalKind::NationalMedian, 5),
    (NationalKind::ProvinceMedian, 4),
    (NationalKind::UnitRank, 3),
    (NationalKind::ThinCoverage, 2),
];
/// Fewest units reporting in each year compared before a national median is compared.
const MIN_NATIONAL_N: usize = 10;
/// Fewest units reporting in each year compared before a province's median is compared.
const MIN_PROVINCE_N: usize = 5;

/// Whether a corpus with this national view is national (more than [`NATIONAL_UNITS`]
/// reporting units).
pub fn is_national(n: &National) -> bool {
    n.units > NATIONAL_UNITS
}

/// County-level units in the gazetteer: the nation's, each province's and each prefecture's
/// (by numeric code).
struct Gazetteer {
    nation: usize,
    provinces: BTreeMap<u32, (usize, String)>,
    prefectures: BTreeMap<u32, (usize, String, String)>,
}

impl Gazetteer {
    fn bundled() -> Gazetteer {
        let d = divisions();
        let mut g = Gazetteer {
            nation: d.counties.len(),
            provinces: BTreeMap::new(),
            prefectures: BTreeMap::new(),
        };
        for c in &d.counties {
            let (Ok(pv), Ok(pf)) = (c.code[..2].parse::<u32>(), c.code[..4].parse::<u32>()) else {
                continue;
            };
            let province = d.provinces[c.province].name.clone();
            g.provinces
                .entry(pv)
                .or_insert_with(|| (0, province.clone()))
                .0 += 1;
            let prefecture = d.prefectures[c.prefecture].name.clone();
            g.prefectures
                .entry(pf)
                .or_insert_with(|| (0, province, prefecture))
                .0 += 1;
        }
        g
    }

    /// (level, code text, province, prefecture, units) of a region; `None` for a placeholder
    /// prefecture (市辖区 of a municipality: it is the province again) or an unknown code.
    fn region(&self, level: Level, code: u32) -> Option<(String, String, String, usize)> {
        match level {
            Level::Nation => Some(("00".into(), String::new(), String::new(), self.nation)),
            Level::Province => self
                .provinces
                .get(&code)
                .map(|(n, name)| (format!("{code:02}"), name.clone(), String::new(), *n)),
            Level::Prefecture => self
                .prefectures
                .get(&code)
                .filter(|(_, _, name)| !name.is_empty())
                .map(|(n, pv, pf)| (format!("{code:04}"), pv.clone(), pf.clone(), *n)),
            Level::County | Level::Department => None,
        }
    }
}

/// The regions and the coverage of the counted facts (`clear`: one value per unit,
/// indicator, year and scope, finite, whole-year) and the documents read; the findings come
/// later ([`add_findings`]), once the comparisons are computed (they read the ranks within
/// provinces). The two steps are apart so the regions can be computed beside the
/// comparisons.
pub fn regional(clear: &[&Fact], documents: &[(String, DocMeta)]) -> PolarsResult<National> {
    let gazetteer = Gazetteer::bundled();
    let counties: Vec<&Fact> = clear
        .iter()
        .copied()
        .filter(|f| f.level == Some(Level::County) && f.region_code.len() == 6)
        .collect();
    let units = counties
        .iter()
        .map(|f| f.region_code.as_str())
        .collect::<HashSet<_>>()
        .len();
    Ok(National {
        regions: regions(&counties, &gazetteer)?,
        coverage: coverage(documents, &gazetteer),
        outliers: Vec::new(),
        findings: Vec::new(),
        units,
    })
}

/// Adds the findings of a national corpus (none otherwise) from the regions, the coverage,
/// the comparisons and the facts they were computed from.
pub fn add_findings(national: &mut National, comparisons: &[ComparisonRow], facts: &[Fact]) {
    if is_national(national) {
        national.findings = findings(national, comparisons, facts);
    }
}

/// The regional aggregates of county-level values (see the module docs).
fn regions(counties: &[&Fact], gazetteer: &Gazetteer) -> PolarsResult<Vec<RegionRow>> {
    if counties.is_empty() {
        return Ok(Vec::new());
    }
    let values = peers::values_frame(counties)?;
    let unit_of: std::collections::HashMap<&str, &str> = counties
        .iter()
        .map(|f| (f.metric.as_str(), f.unit.as_str()))
        .collect();
    let mut rows = Vec::new();
    for (level, by) in [
        (Level::Nation, vec![METRIC, SCOPE, YEAR]),
        (Level::Province, vec![PROVINCE_CODE, METRIC, SCOPE, YEAR]),
        (
            Level::Prefecture,
            vec![PREFECTURE_CODE, METRIC, SCOPE, YEAR],
        ),
    ] {
        let df = group_summary(&values.frame, &by)?;
        let code = match level {
            Level::Province => opt_u32_column(&df, PROVINCE_CODE)?,
            Level::Prefecture => opt_u32_column(&df, PREFECTURE_CODE)?,
            _ => vec![Some(0); df.height()],
        };
        let metric = u32_column(&df, METRIC)?;
        let scope = u32_column(&df, SCOPE)?;
        let year = peers::i32_column(&df, YEAR)?;
        let n = u32_column(&df, N)?;
        let [median, p25, p75, sum, min, max] =
            [MEDIAN, P25, P75, SUM, MIN, MAX].map(|c| f64_column(&df, c));
        let (median, p25, p75, sum, min, max) = (median?, p25?, p75?, sum?, min?, max?);
        for i in 0..df.height() {
            let Some((region_code, province, prefecture, in_gazetteer)) =
                code[i].and_then(|c| gazetteer.region(level, c))
            else {
                continue;
            };
            let metric = values.metrics[metric[i] as usize].clone();
            let reported = n[i] as usize;
            rows.push(RegionRow {
                level,
                region_code,
                province,
                prefecture,
                unit: unit_of.get(metric.as_str()).copied().unwrap_or("").into(),
                metric,
                scope: scope_of(scope[i]),
                year: year[i].unwrap_or_default(),
                units_in_gazetteer: in_gazetteer,
                units_reported: reported,
                median: median[i].unwrap_or(f64::NAN),
                p25: p25[i].unwrap_or(f64::NAN),
                p75: p75[i].unwrap_or(f64::NAN),
                min: min[i].unwrap_or(f64::NAN),
                max: max[i].unwrap_or(f64::NAN),
                sum: sum[i].filter(|_| reported >= in_gazetteer),
            });
        }
    }
    Ok(rows)
}

/// The scope of a frame's [`SCOPE`] code (its variant's position).
fn scope_of(code: u32) -> Scope {
    [
        Scope::Annual,
        Scope::Stock,
        Scope::Cumulative,
        Scope::Partial,
    ]
    .get(code as usize)
    .copied()
    .unwrap_or(Scope::Annual)
}

/// Publication coverage: per region and year from the first to the last year any county-level
/// report is about, the units with a report (documents whose place is a county-level unit of
/// the gazetteer and whose year is known).
fn coverage(documents: &[(String, DocMeta)], gazetteer: &Gazetteer) -> Vec<CoverageRow> {
    let reported: BTreeSet<(i32, u32)> = documents
        .iter()
        .filter(|(_, m)| m.level == Some(Level::County) && m.region_code.len() == 6)
        .filter_map(|(_, m)| Some((m.report_year?, m.region_code.parse::<u32>().ok()?)))
        .collect();
    let (Some(first), Some(last)) = (
        reported.iter().map(|(y, _)| *y).min(),
        reported.iter().map(|(y, _)| *y).max(),
    ) else {
        return Vec::new();
    };
    // (level, region) → year → units with a report.
    let mut counts: BTreeMap<(Level, u32), BTreeMap<i32, usize>> = BTreeMap::new();
    for &(year, code) in &reported {
        for key in [
            (Level::Nation, 0),
            (Level::Province, code / 10_000),
            (Level::Prefecture, code / 100),
        ] {
            *counts.entry(key).or_default().entry(year).or_default() += 1;
        }
    }
    let mut keys: Vec<(Level, u32)> = vec![(Level::Nation, 0)];
    keys.extend(gazetteer.provinces.keys().map(|c| (Level::Province, *c)));
    keys.extend(
        gazetteer
            .prefectures
            .keys()
            .map(|c| (Level::Prefecture, *c)),
    );
    let mut rows = Vec::new();
    for (level, code) in keys {
        // Regions with no report at all in any year stay out (a few reports would otherwise
        // list every prefecture of the country).
        let Some(by_year) = counts.get(&(level, code)) else {
            continue;
        };
        let Some((region_code, province, prefecture, units)) = gazetteer.region(level, code) else {
            continue;
        };
        for year in first..=last {
            let with = by_year.get(&year).copied().unwrap_or(0);
            rows.push(CoverageRow {
                level,
                region_code: region_code.clone(),
                province: province.clone(),
                prefecture: prefecture.clone(),
                year,
                units_in_gazetteer: units,
                units_with_report: with,
                publication_rate: if units == 0 {
                    0.0
                } else {
                    with as f64 / units as f64
                },
            });
        }
    }
    rows
}

/// One unit's value in a peer group: (unit key, indicator, scope, year, level, value bits).
type PeerValue<'f> = (Cow<'f, str>, &'f str, Scope, i32, Option<Level>, u64);
/// A peer group: (indicator, scope code, year, level code).
type GroupKey<'f> = (&'f str, u32, i32, u32);

/// Values far from their peers: among the `high` facts with a finite whole-year value and a
/// known level, grouped by indicator, scope, year and level, a value whose robust z
/// (0.6745 (x − median) / MAD) exceeds [`OUTLIER_Z`] in a group of at least [`MIN_PEERS`]
/// distinct units.
///
/// The scale ([`Scale`]): counts are compared as ln(1 + x), rates (unit `%`) as they are.
/// Counties differ in size by two orders of magnitude, so a count's peers differ by
/// multiples, not by amounts: on the raw scale a populous county's ordinary caseload is
/// "far" from a median of small ones (8,000 of 200,000 values at 20,000 generated reports
/// were flagged), while on the log scale a figure read in the wrong unit (万 as 1, a slipped
/// digit) is still tens of MADs away. Rates are bounded, and compared in points. Each unit counts once per value (a figure repeated by a second document
/// is one peer, not two). A group whose MAD is 0 (more than half its units state the same
/// value) flags nothing: the scale is unknown, not zero.
///
/// Returns the positions of the outlying facts in `facts` (every copy of an outlying value)
/// and their rows, in fact order. Detection runs on the values before any fact is flagged,
/// and once: the median and the MAD hardly move when the outliers are removed, so a second
/// pass would flag almost nothing new and make the result depend on the order of passes.
pub fn detect_outliers(facts: &[Fact]) -> PolarsResult<(Vec<usize>, Vec<OutlierRow>)> {
    let candidate = |f: &Fact| {
        f.confidence == Confidence::High
            && f.value.is_finite()
            && f.scope != Scope::Partial
            && f.level.is_some()
    };
    // One row per unit and distinct value of a group.
    let mut seen: HashSet<PeerValue<'_>> = HashSet::default();
    let peers_in: Vec<&Fact> = facts
        .iter()
        .filter(|f| candidate(f))
        .filter(|f| {
            seen.insert((
                crate::dataset::county_key_ref(f),
                f.metric.as_str(),
                f.scope,
                f.year,
                f.level,
                f.value.to_bits(),
            ))
        })
        .collect();
    if peers_in.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let values = peers::values_frame_with(&peers_in, |f| Scale::of(f).apply(f.value))?;
    let df = group_spread(&values.frame, &[METRIC, SCOPE, YEAR, LEVEL])?;
    let (metric, scope, year, level, n) = (
        u32_column(&df, METRIC)?,
        u32_column(&df, SCOPE)?,
        peers::i32_column(&df, YEAR)?,
        opt_u32_column(&df, LEVEL)?,
        u32_column(&df, N)?,
    );
    let (median, mad) = (f64_column(&df, MEDIAN)?, f64_column(&df, MAD)?);
    // (indicator, scope code, year, level code) → (peers, median, MAD).
    let mut spread: HashMap<GroupKey<'_>, (usize, f64, f64)> = HashMap::default();
    for i in 0..df.height() {
        let (Some(y), Some(l), Some(m), Some(d)) = (year[i], level[i], median[i], mad[i]) else {
            continue;
        };
        if (n[i] as usize) < MIN_PEERS || d <= 0.0 {
            continue;
        }
        spread.insert(
            (values.metrics[metric[i] as usize].as_str(), scope[i], y, l),
            (n[i] as usize, m, d),
        );
    }
    drop(df);
    let mut positions = Vec::new();
    let mut rows = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        if !candidate(f) {
            continue;
        }
        let Some(level) = f.level else { continue };
        let Some(&(peers, m, d)) =
            spread.get(&(f.metric.as_str(), f.scope as u32, f.year, level as u32))
        else {
            continue;
        };
        let scale = Scale::of(f);
        let z = MAD_TO_SD * (scale.apply(f.value) - m) / d;
        if z.abs() > OUTLIER_Z {
            positions.push(i);
            rows.push(OutlierRow {
                region_code: f.region_code.clone(),
                province: f.province.clone(),
                prefecture: f.prefecture.clone(),
                county: f.county.clone(),
                level,
                metric: f.metric.clone(),
                scope: f.scope,
                year: f.year,
                value: f.value,
                unit: f.unit.clone(),
                peers,
                peer_median: scale.invert(m),
                scale,
                peer_mad: d,
                robust_z: z,
                doc: f.doc.clone(),
                evidence: f.evidence.clone(),
            });
        }
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        facts[positions[a]]
            .order_key()
            .cmp(&facts[positions[b]].order_key())
    });
    let rows = order.iter().map(|&i| rows[i].clone()).collect();
    positions.sort_unstable();
    Ok((positions, rows))
}

/// Marks the facts at `positions` for review with the [`OUTLIER_TAG`] reason (added to any
/// reasons they already have).
pub fn flag_outliers(facts: &mut [Fact], positions: &[usize]) {
    for &i in positions {
        let f = &mut facts[i];
        f.confidence = Confidence::Review;
        if f.review_reason.is_empty() {
            f.review_reason = OUTLIER_TAG.to_string();
        } else if !f.review_reason.split("; ").any(|t| t == OUTLIER_TAG) {
            f.review_reason.push_str("; ");
            f.review_reason.push_str(OUTLIER_TAG);
        }
    }
}

/// The findings of a national corpus, largest effect first within each kind, at most
/// [`KEEP`] of each.
fn findings(n: &National, comparisons: &[ComparisonRow], facts: &[Fact]) -> Vec<NationalFinding> {
    let mut all = Vec::new();
    all.extend(median_moves(&n.regions, Level::Nation, MIN_NATIONAL_N));
    all.extend(median_moves(&n.regions, Level::Province, MIN_PROVINCE_N));
    let unit_keep = KEEP
        .iter()
        .find(|(k, _)| *k == NationalKind::UnitRank)
        .map_or(0, |(_, n)| *n);
    all.extend(rank_moves(comparisons, facts, unit_keep));
    all.extend(thin_coverage(&n.coverage));
    let mut out = Vec::new();
    for (kind, keep) in KEEP {
        let mut of_kind: Vec<NationalFinding> =
            all.iter().filter(|f| f.kind == kind).cloned().collect();
        of_kind.sort_by(|a, b| {
            b.effect.total_cmp(&a.effect).then_with(|| {
                (&a.metric, &a.province, &a.county).cmp(&(&b.metric, &b.province, &b.county))
            })
        });
        if kind == NationalKind::ProvinceMedian {
            // The largest rises and the largest falls, half each.
            let (up, down): (Vec<_>, Vec<_>) =
                of_kind.into_iter().partition(|f| f.values.1 >= f.values.0);
            out.extend(up.into_iter().take(keep / 2));
            out.extend(down.into_iter().take(keep - keep / 2));
        } else {
            out.extend(of_kind.into_iter().take(keep));
        }
    }
    out
}

/// Per indicator and scope (nation) or per province, indicator and scope: the median of the
/// first and the last year in which at least `min_n` units reported (provinces: the last two
/// such years), as a finding whose effect is the relative change.
fn median_moves(regions: &[RegionRow], level: Level, min_n: usize) -> Vec<NationalFinding> {
    let mut series: BTreeMap<(&str, &str, Scope), Vec<&RegionRow>> = BTreeMap::new();
    for r in regions
        .iter()
        .filter(|r| r.level == level && r.units_reported >= min_n)
    {
        series
            .entry((r.region_code.as_str(), r.metric.as_str(), r.scope))
            .or_default()
            .push(r);
    }
    let mut out = Vec::new();
    for rows in series.values() {
        let (a, b) = match level {
            Level::Nation => (rows.first(), rows.last()),
            _ => (
                rows.len().checked_sub(2).and_then(|i| rows.get(i)),
                rows.last(),
            ),
        };
        let (Some(a), Some(b)) = (a, b) else { continue };
        if a.year == b.year || a.median == 0.0 || !a.median.is_finite() {
            continue;
        }
        let effect = ((b.median - a.median) / a.median).abs();
        out.push(NationalFinding {
            kind: if level == Level::Nation {
                NationalKind::NationalMedian
            } else {
                NationalKind::ProvinceMedian
            },
            effect,
            metric: a.metric.clone(),
            scope: a.scope,
            unit: a.unit.clone(),
            province: a.province.clone(),
            county: String::new(),
            years: (a.year, b.year),
            values: (a.median, b.median),
            n: (a.units_reported, b.units_reported),
            sources: vec![("regions.csv".to_string(), String::new())],
        });
    }
    out
}

/// Units whose rank within their province moved most between two consecutive years in which
/// they reported (`comparisons.csv`, basis `year`), among at least [`MIN_PROVINCE_N`] units
/// ranked each year; the effect is the places moved as a share of the larger n. Only the
/// `keep` largest moves are written out (their sources looked up): at national scale there
/// are a hundred thousand pairs of years.
fn rank_moves(comparisons: &[ComparisonRow], facts: &[Fact], keep: usize) -> Vec<NationalFinding> {
    // The comparison rows are sorted by basis, indicator, scope and year, then rank: index
    // each unit's per-year rows by (unit, indicator, scope) without copying a string.
    let mut by_series: HashMap<(&str, &str, &str, Scope), Vec<&ComparisonRow>> = HashMap::default();
    for c in comparisons.iter().filter(|c| {
        c.basis == "year" && c.level == Level::County && c.province_n.unwrap_or(0) >= MIN_PROVINCE_N
    }) {
        by_series
            .entry((
                c.region_code.as_str(),
                c.county.as_str(),
                c.metric.as_str(),
                c.scope,
            ))
            .or_default()
            .push(c);
    }
    let mut moves: Vec<(f64, &ComparisonRow, &ComparisonRow)> = Vec::new();
    for rows in by_series.values_mut() {
        rows.sort_by_key(|c| c.year);
        for w in rows.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (Some(ra), Some(rb), Some(na), Some(nb)) =
                (a.province_rank, b.province_rank, a.province_n, b.province_n)
            else {
                continue;
            };
            let moved = ra.abs_diff(rb);
            if moved > 0 {
                moves.push((moved as f64 / na.max(nb) as f64, a, b));
            }
        }
    }
    // Largest first; ties in a fixed order (unit, indicator, scope, year).
    let order = |c: &ComparisonRow| {
        (
            c.region_code.clone(),
            c.county.clone(),
            c.metric.clone(),
            c.scope,
            c.year,
        )
    };
    moves.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then_with(|| order(x.1).cmp(&order(y.1)))
    });
    moves
        .into_iter()
        .take(keep)
        .map(|(effect, a, b)| {
            let source =
                |c: &ComparisonRow| fact_of(facts, c).map(|f| (f.doc.clone(), f.evidence.clone()));
            NationalFinding {
                kind: NationalKind::UnitRank,
                effect,
                metric: a.metric.clone(),
                scope: a.scope,
                unit: a.unit.clone(),
                province: fact_of(facts, b)
                    .map(|f| f.province.clone())
                    .unwrap_or_default(),
                county: a.county.clone(),
                years: (a.year, b.year),
                values: (
                    a.province_rank.unwrap_or(0) as f64,
                    b.province_rank.unwrap_or(0) as f64,
                ),
                n: (a.province_n.unwrap_or(0), b.province_n.unwrap_or(0)),
                sources: [source(a), source(b)].into_iter().flatten().collect(),
            }
        })
        .collect()
}

/// The fact a comparison row was computed from (facts are in analysis order: county,
/// indicator, year, scope).
fn fact_of<'f>(facts: &'f [Fact], c: &ComparisonRow) -> Option<&'f Fact> {
    let key = (
        c.region_code.as_str(),
        c.county.as_str(),
        c.metric.as_str(),
        c.year,
    );
    let start = facts.partition_point(|f| {
        (
            f.region_code.as_str(),
            f.county.as_str(),
            f.metric.as_str(),
            f.year,
        ) < key
    });
    facts[start..]
        .iter()
        .take_while(|f| {
            (
                f.region_code.as_str(),
                f.county.as_str(),
                f.metric.as_str(),
                f.year,
            ) == key
        })
        .find(|f| f.scope == c.scope && f.value.to_bits() == c.value.to_bits())
}

/// Provinces whose reports cover the smallest share of their units over all years of the
/// corpus; the effect is the share without a report.
fn thin_coverage(coverage: &[CoverageRow]) -> Vec<NationalFinding> {
    let mut by_province: BTreeMap<&str, (String, usize, usize, i32, i32, usize)> = BTreeMap::new();
    for c in coverage.iter().filter(|c| c.level == Level::Province) {
        let e = by_province
            .entry(c.region_code.as_str())
            .or_insert_with(|| (c.province.clone(), 0, 0, c.year, c.year, 0));
        e.1 += c.units_with_report;
        e.2 += c.units_in_gazetteer;
        e.3 = e.3.min(c.year);
        e.4 = e.4.max(c.year);
        e.5 += 1;
    }
    by_province
        .into_values()
        .filter(|(_, _, possible, ..)| *possible > 0)
        .map(
            |(province, with, possible, first, last, years)| NationalFinding {
                kind: NationalKind::ThinCoverage,
                effect: 1.0 - with as f64 / possible as f64,
                metric: String::new(),
                scope: Scope::Annual,
                unit: String::new(),
                province,
                county: String::new(),
                years: (first, last),
                values: (with as f64, possible as f64),
                n: (years, possible / years.max(1)),
                sources: vec![("coverage.csv".to_string(), String::new())],
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::divisions::divisions;

    /// A county-level fact of `code` (a real division code) with `value`.
    fn fact(code: &str, metric: &str, year: i32, value: f64, unit: &str) -> Fact {
        Fact {
            doc: format!("{code}_{year}.txt"),
            region_code: code.to_string(),
            county: format!("c{code}"),
            report_year: Some(year),
            metric: metric.to_string(),
            year,
            value,
            unit: unit.to_string(),
            evidence: format!("{value}"),
            level: Some(Level::County),
            ..Fact::default()
        }
    }

    /// The codes of the county-level units of the first prefecture with exactly four of them.
    fn four_county_prefecture() -> (String, Vec<String>) {
        let d = divisions();
        let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for c in &d.counties {
            by.entry(&c.code[..4]).or_default().push(&c.code);
        }
        let (pf, codes) = by
            .into_iter()
            .find(|(pf, codes)| {
                codes.len() == 4
                    && d.prefectures
                        .iter()
                        .any(|p| p.code == *pf && !p.name.is_empty())
            })
            .expect("a named prefecture of four units in the bundled table");
        (
            pf.to_string(),
            codes.into_iter().map(str::to_string).collect(),
        )
    }

    #[test]
    fn regions_have_type_7_quartiles_and_a_sum_only_when_complete() {
        let (pf, codes) = four_county_prefecture();
        // 2022: all four report 1, 2, 3, 10. Sorted, type 7 puts p at h = 3p:
        // p25 → h 0.75 → 1 + 0.75 × (2 − 1) = 1.75; median → h 1.5 → 2.5;
        // p75 → h 2.25 → 3 + 0.25 × (10 − 3) = 4.75. Sum 16.
        // 2023: three of four report 4, 6, 20: median 6, p25 5, p75 13, no sum.
        let mut facts = Vec::new();
        for (code, v) in codes.iter().zip([1.0, 2.0, 3.0, 10.0]) {
            facts.push(fact(code, "legal_aid.cases", 2022, v, "件"));
        }
        for (code, v) in codes.iter().zip([4.0, 6.0, 20.0]) {
            facts.push(fact(code, "legal_aid.cases", 2023, v, "件"));
        }
        let refs: Vec<&Fact> = facts.iter().collect();
        let rows = regions(&refs, &Gazetteer::bundled()).expect("regions");
        let row = |level: Level, year: i32| {
            rows.iter()
                .find(|r| r.level == level && r.year == year)
                .expect("row")
        };
        let p22 = row(Level::Prefecture, 2022);
        assert_eq!(p22.region_code, pf);
        assert!(!p22.prefecture.is_empty() && !p22.province.is_empty());
        assert_eq!((p22.units_in_gazetteer, p22.units_reported), (4, 4));
        assert_eq!((p22.p25, p22.median, p22.p75), (1.75, 2.5, 4.75));
        assert_eq!((p22.min, p22.max, p22.sum), (1.0, 10.0, Some(16.0)));
        let p23 = row(Level::Prefecture, 2023);
        assert_eq!((p23.units_in_gazetteer, p23.units_reported), (4, 3));
        assert_eq!(
            (p23.p25, p23.median, p23.p75, p23.sum),
            (5.0, 6.0, 13.0, None)
        );
        // The nation and the province hold the same four values, and far more units.
        let n22 = row(Level::Nation, 2022);
        assert_eq!((n22.region_code.as_str(), n22.median), ("00", 2.5));
        assert_eq!(n22.units_in_gazetteer, divisions().counties.len());
        assert_eq!(n22.sum, None);
        let pv = row(Level::Province, 2022);
        assert_eq!(pv.region_code, pf[..2]);
        assert!(pv.units_in_gazetteer > 4 && pv.sum.is_none());
    }

    #[test]
    fn coverage_counts_units_with_a_report_per_year() {
        let (pf, codes) = four_county_prefecture();
        let doc = |code: &str, year: i32| {
            (
                format!("{code}_{year}.txt"),
                DocMeta {
                    region_code: code.to_string(),
                    level: Some(Level::County),
                    report_year: Some(year),
                    ..DocMeta::default()
                },
            )
        };
        // 2020: two units (one with two reports); 2021: none; 2022: one.
        let docs = vec![
            doc(&codes[0], 2020),
            doc(&codes[0], 2020),
            doc(&codes[1], 2020),
            doc(&codes[2], 2022),
        ];
        let rows = coverage(&docs, &Gazetteer::bundled());
        let of = |year: i32| {
            rows.iter()
                .find(|r| r.level == Level::Prefecture && r.region_code == pf && r.year == year)
                .map(|r| {
                    (
                        r.units_with_report,
                        r.units_in_gazetteer,
                        r.publication_rate,
                    )
                })
        };
        assert_eq!(of(2020), Some((2, 4, 0.5)));
        assert_eq!(of(2021), Some((0, 4, 0.0)));
        assert_eq!(of(2022), Some((1, 4, 0.25)));
        // A prefecture with no report in any year is not listed.
        assert!(rows
            .iter()
            .all(|r| r.level != Level::Prefecture || r.region_code == pf));
    }

    /// Ten units' values of one rate (unit %): the last `extra` value is the one to judge.
    fn rate_group(values: &[f64]) -> Vec<Fact> {
        let d = divisions();
        values
            .iter()
            .zip(&d.counties)
            .map(|(v, c)| fact(&c.code, "mediation.success_rate", 2023, *v, "%"))
            .collect()
    }

    #[test]
    fn robust_z_flags_a_value_far_from_ten_peers() {
        // Median of 10..18 and 60 is 14.5; the absolute deviations sorted are
        // .5 .5 1.5 1.5 2.5 2.5 3.5 3.5 4.5 45.5, so the MAD is 2.5, and
        // z(60) = 0.6745 × 45.5 / 2.5 = 12.27590; z(10) = 0.6745 × −4.5 / 2.5 = −1.2141.
        let facts = rate_group(&[10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 60.0]);
        let (positions, rows) = detect_outliers(&facts).expect("outliers");
        assert_eq!(positions, vec![9]);
        let r = &rows[0];
        assert_eq!((r.peers, r.peer_median, r.peer_mad), (10, 14.5, 2.5));
        assert_eq!(r.scale, Scale::Linear);
        assert!((r.robust_z - 12.2759).abs() < 1e-9, "{}", r.robust_z);
        assert_eq!(r.evidence, "60");
        // Nine peers are too few to call anything an outlier.
        let nine = rate_group(&[11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 60.0]);
        assert!(detect_outliers(&nine).expect("outliers").0.is_empty());
        // A value already marked review is no one's peer: the group falls to nine.
        let mut doubted = facts.clone();
        doubted[0].confidence = Confidence::Review;
        assert!(detect_outliers(&doubted).expect("outliers").0.is_empty());
    }

    #[test]
    fn counts_are_compared_on_the_log_scale() {
        // Nine counts 100..900 and one of 3000: on the raw scale 3000 is far out
        // (median 550, MAD 250: z = 0.6745 × 2450 / 250 = 6.6); on ln(1 + x) it is not
        // (the peers span a factor of nine, so a factor of six above the median is usual).
        let d = divisions();
        let values = [
            100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0, 3000.0,
        ];
        let mut facts: Vec<Fact> = values
            .iter()
            .zip(&d.counties)
            .map(|(v, c)| fact(&c.code, "legal_aid.cases", 2023, *v, "件"))
            .collect();
        assert!(detect_outliers(&facts).expect("outliers").0.is_empty());
        // A count 100 times its peers' (a figure read in the wrong unit) is.
        facts[9].value = 50_000.0;
        let (positions, rows) = detect_outliers(&facts).expect("outliers");
        assert_eq!(positions, vec![9]);
        assert_eq!(rows[0].scale, Scale::Log);
        assert!(rows[0].robust_z > OUTLIER_Z);
    }

    #[test]
    fn flagging_adds_the_tag_once_and_keeps_other_reasons() {
        let mut facts = rate_group(&[1.0, 2.0]);
        facts[1].confidence = Confidence::Review;
        facts[1].review_reason = "named_by_list".into();
        flag_outliers(&mut facts, &[0, 1]);
        flag_outliers(&mut facts, &[1]);
        assert_eq!(facts[0].confidence, Confidence::Review);
        assert_eq!(facts[0].review_reason, "outlier");
        assert_eq!(facts[1].review_reason, "named_by_list; outlier");
    }
}
