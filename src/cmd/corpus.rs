//! `fazhi corpus` (hidden): a generator of realistic reports for scale tests only.
//!
//! Each generated report recombines the sentences of the seed reports (any folder of reports;
//! the bundled ones by default) with another county from the division codes, another year and
//! other figures: paragraphs keep the shape of a seed paragraph, sentences are drawn from the
//! seeds' paragraphs at the same relative position, every place name found in the division
//! table is replaced by the new county, every year by the new year, and every other number is
//! rescaled. Deterministic: the same seed number gives the same corpus.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Outcome;
use crate::cli::CorpusArgs;
use crate::output::write::write_atomic;

/// A small deterministic PRNG (SplitMix64); the corpus must not depend on a crate's version.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// How much larger the counts of a planted outlier are (`--plant-outlier`): a figure read in
/// the wrong unit (百 as 1) is that far off.
const PLANTED_FACTOR: u64 = 100;

/// Stands for "the county" in seed sentences (a private-use character, never in real text).
const PLACE: &str = "\u{E000}";

/// One county-level unit of the division table.
struct Unit {
    name: String,
    prefecture: String,
    province: String,
}

/// Writes `args.count` generated reports into `args.output`.
pub fn run(args: &CorpusArgs) -> anyhow::Result<Outcome> {
    let mut seeds = read_seeds(&args.seeds)?;
    anyhow::ensure!(
        !seeds.is_empty(),
        "{}: no .txt seed reports found",
        args.seeds.display()
    );
    let units = read_units(&args.divisions)?;
    let places = place_names(&args.divisions)?;
    // Place names are replaced once, here, by a placeholder the generator fills per report.
    for sentence in seeds
        .iter_mut()
        .flat_map(|s| s.paragraphs.iter_mut())
        .flatten()
    {
        for name in &places {
            if sentence.contains(name.as_str()) {
                *sentence = sentence.replace(name.as_str(), PLACE);
            }
        }
    }
    let mut rng = SplitMix(args.seed);
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    for i in 0..args.count {
        let unit = &units[rng.below(units.len())];
        let year = 2015 + rng.below(10) as i32;
        let planted = if args.plant_outlier == Some(i) {
            PLANTED_FACTOR
        } else {
            1
        };
        let text = generate(&seeds, unit, year, planted, &mut rng);
        let path = args.output.join(format!("{:06}.txt", i));
        write_atomic(&path, text.as_bytes())?;
    }
    Ok(Outcome::Clean)
}

/// A seed report: the year it is mostly about, and its paragraphs split into sentences.
struct Seed {
    year: i64,
    paragraphs: Vec<Vec<String>>,
}

fn read_seeds(dir: &Path) -> anyhow::Result<Vec<Seed>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read seed folder", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("{}: cannot read", p.display()))?;
            Ok(Seed {
                year: most_frequent_year(&text),
                paragraphs: text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(split_sentences)
                    .collect(),
            })
        })
        .collect()
}

/// The four-digit year followed by 年 that the text mentions most (its report year, usually).
fn most_frequent_year(text: &str) -> i64 {
    let mut counts = std::collections::BTreeMap::new();
    let chars: Vec<char> = text.chars().collect();
    for w in chars.windows(5) {
        if w[4] == '年' && w[..4].iter().all(char::is_ascii_digit) {
            let y: String = w[..4].iter().collect();
            *counts.entry(y).or_insert(0usize) += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .and_then(|(y, _)| y.parse().ok())
        .unwrap_or(2023)
}

fn split_sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in paragraph.chars() {
        cur.push(c);
        if matches!(c, '。' | '；' | ';') {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn read_units(dir: &Path) -> anyhow::Result<Vec<Unit>> {
    let provinces = read_pairs(&dir.join("provinces.csv"), 0, 1)?;
    let cities = read_pairs(&dir.join("cities.csv"), 0, 1)?;
    let mut rdr = csv::Reader::from_path(dir.join("areas.csv"))
        .with_context(|| format!("{}: cannot read areas.csv", dir.display()))?;
    let mut units = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        let lookup = |pairs: &[(String, String)], code: &str| {
            pairs
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        units.push(Unit {
            name: rec[1].to_string(),
            prefecture: lookup(&cities, &rec[2]),
            province: lookup(&provinces, &rec[3]),
        });
    }
    anyhow::ensure!(!units.is_empty(), "{}: no divisions", dir.display());
    Ok(units)
}

fn read_pairs(path: &Path, a: usize, b: usize) -> anyhow::Result<Vec<(String, String)>> {
    let mut rdr =
        csv::Reader::from_path(path).with_context(|| format!("{}: cannot read", path.display()))?;
    rdr.records()
        .map(|r| {
            let r = r?;
            Ok((r[a].to_string(), r[b].to_string()))
        })
        .collect()
}

/// Every county and prefecture name of three or more characters, longest first, so that a
/// generated report never mentions the seed's own places.
fn place_names(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names: Vec<String> = read_pairs(&dir.join("areas.csv"), 0, 1)?
        .into_iter()
        .chain(read_pairs(&dir.join("cities.csv"), 0, 1)?)
        .map(|(_, n)| n)
        .filter(|n| n.chars().count() >= 2 && n != "市辖区")
        .collect();
    names.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    names.dedup();
    Ok(names)
}

fn generate(seeds: &[Seed], unit: &Unit, year: i32, planted: u64, rng: &mut SplitMix) -> String {
    let template = &seeds[rng.below(seeds.len())];
    let mut out = format!(
        "{}{}年法治政府建设工作报告\n发布日期:{}-03-{:02}\n来源:{}{}{}司法局\n\n",
        unit.name,
        year,
        year + 1,
        1 + rng.below(28),
        unit.province,
        unit.prefecture,
        unit.name
    );
    let n = template.paragraphs.len().max(1);
    for (pi, paragraph) in template.paragraphs.iter().enumerate() {
        let position = pi as f64 / n as f64;
        for sentence in paragraph {
            // Half the sentences come from another seed at the same relative position.
            let (chosen, seed_year) = if rng.below(2) == 0 {
                let other = &seeds[rng.below(seeds.len())];
                let len = other.paragraphs.len();
                let p = &other.paragraphs
                    [((position * len as f64) as usize).min(len.saturating_sub(1))];
                (&p[rng.below(p.len())], other.year)
            } else {
                (sentence, template.year)
            };
            out.push_str(&rewrite(
                chosen,
                unit,
                year as i64 - seed_year,
                planted,
                rng,
            ));
        }
        out.push('\n');
    }
    out
}

/// Fills in the county, shifts years and rescales figures in one sentence; whole numbers that
/// are not percentages are multiplied by `planted` too (1 except in a planted outlier, where
/// the random draws stay the same so the rest of the corpus does not change).
fn rewrite(
    sentence: &str,
    unit: &Unit,
    year_shift: i64,
    planted: u64,
    rng: &mut SplitMix,
) -> String {
    let s = sentence.replace(PLACE, &unit.name);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            let n: u64 = digits.parse().unwrap_or(0);
            if digits.len() == 4 && (1990..=2035).contains(&n) {
                out.push_str(&(n as i64 + year_shift).to_string());
            } else if digits.len() > 1 && digits.starts_with('0') {
                out.push_str(&digits);
            } else {
                let factor = 0.5 + rng.below(100) as f64 / 100.0;
                let scaled = (n as f64 * factor).round() as u64;
                let decimal = |c: Option<&char>| c.is_some_and(|c| matches!(c, '.' | '%' | '％'));
                let whole_count = !decimal(chars.get(i))
                    && !decimal(start.checked_sub(1).and_then(|p| chars.get(p)));
                let scaled = if whole_count {
                    scaled * planted
                } else {
                    scaled
                };
                out.push_str(&scaled.to_string());
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}
