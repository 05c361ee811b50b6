//! The official division codes (统计用区划代码), compiled into the binary and parsed once.
//!
//! Used by [`metadata`](super::metadata) to turn a county name found in a report into its
//! 6-digit code, prefecture and province. Names repeat across the country (朝阳区, 鼓楼区 …),
//! so lookups return every division with a name and the caller disambiguates.
//! Invariant: every county-level unit's prefecture and province exist in the tables; the
//! placeholder prefectures of municipalities and province-administered counties (市辖区, 县,
//! 省直辖县级行政区划) are reported as an empty prefecture.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use crate::dict::lexicon::{DivisionWords, Lexicon};

const PROVINCES_CSV: &str = include_str!("../../data/divisions/provinces.csv");
const CITIES_CSV: &str = include_str!("../../data/divisions/cities.csv");
const AREAS_CSV: &str = include_str!("../../data/divisions/areas.csv");

/// A county-level unit (县, 区, 县级市, 旗 …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct County {
    /// 6-digit division code.
    pub code: String,
    /// Official name, suffix included (莘县, 文登区).
    pub name: String,
    /// Index of its prefecture in [`Divisions::prefectures`].
    pub prefecture: usize,
    /// Index of its province in [`Divisions::provinces`].
    pub province: usize,
}

/// A prefecture-level unit (地级市, 自治州, 地区, 盟) or a placeholder for units directly under
/// a province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefecture {
    /// 4-digit division code.
    pub code: String,
    /// Official name; empty for placeholders (see the module docs).
    pub name: String,
    /// Short forms a report may use (烟台 for 烟台市, 恩施 for 恩施土家族苗族自治州).
    pub short_names: Vec<String>,
    /// Index of its province in [`Divisions::provinces`].
    pub province: usize,
}

/// A province-level unit (省, 自治区, 直辖市).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    /// 2-digit division code.
    pub code: String,
    /// Official name (山东省, 广西壮族自治区, 北京市).
    pub name: String,
    /// Short forms a report may use (山东, 广西, 北京).
    pub short_names: Vec<String>,
}

/// A county name found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountyMention<'a> {
    /// Byte offset of the name in the searched text.
    pub start: usize,
    /// The name as matched (an official county name).
    pub name: &'a str,
}

/// A prefecture or province found by name in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Higher {
    /// Index into [`Divisions::prefectures`].
    Prefecture(usize),
    /// Index into [`Divisions::provinces`].
    Province(usize),
}

/// A prefecture or province name found in a text, with every unit that answers to it (吉林:
/// the province; 海南: the province and a prefecture's short name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HigherMention<'a> {
    /// Byte range of the name in the searched text.
    pub range: std::ops::Range<usize>,
    /// The units with this full or short name.
    pub units: &'a [Higher],
}

/// The three division tables with a name index.
#[derive(Debug)]
pub struct Divisions {
    /// Every county-level unit, in code order.
    pub counties: Vec<County>,
    /// Every prefecture-level unit, in code order.
    pub prefectures: Vec<Prefecture>,
    /// Every province-level unit, in code order.
    pub provinces: Vec<Province>,
    by_name: HashMap<String, Vec<usize>>,
    by_code: HashMap<String, usize>,
    /// Every county name (and autonomous-county short name) of two or more characters, as
    /// one automaton: a text is scanned once for all of them, leftmost-longest.
    county_names: AhoCorasick,
    /// Prefectures, then provinces, by the last character of their full or short names, in
    /// code order: the few whose name may end a text, instead of every one.
    prefectures_ending: HashMap<char, Vec<usize>>,
    provinces_ending: HashMap<char, Vec<usize>>,
    /// Every prefecture and province name, full and short, as one automaton (leftmost-longest,
    /// so 吉林市 is the prefecture, not the province 吉林 and a 市), with the units of each
    /// pattern in `higher_units`.
    higher_names: AhoCorasick,
    higher_units: Vec<Vec<Higher>>,
}

#[derive(Deserialize)]
struct ProvinceRow {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct CityRow {
    code: String,
    name: String,
    #[serde(rename = "provinceCode")]
    province_code: String,
}

#[derive(Deserialize)]
struct AreaRow {
    code: String,
    name: String,
    #[serde(rename = "cityCode")]
    city_code: String,
    #[serde(rename = "provinceCode")]
    province_code: String,
}

/// The bundled tables, with the bundled lexicon's name suffixes, parsed on first use.
pub fn divisions() -> &'static Divisions {
    static TABLES: OnceLock<Divisions> = OnceLock::new();
    TABLES.get_or_init(|| {
        bundled_tables(&Lexicon::bundled().divisions)
            .expect("the division tables bundled from data/divisions are well-formed")
    })
}

/// Division tables read with a lexicon's suffixes: the tables shared by the whole process
/// when the suffixes are the bundled lexicon's, else tables of their own.
#[derive(Debug, Clone)]
pub enum Tables {
    /// The bundled tables of [`divisions`].
    Bundled(&'static Divisions),
    /// Tables read with a user lexicon's suffixes.
    Own(std::sync::Arc<Divisions>),
}

impl std::ops::Deref for Tables {
    type Target = Divisions;

    fn deref(&self) -> &Divisions {
        match self {
            Tables::Bundled(d) => d,
            Tables::Own(d) => d,
        }
    }
}

impl Tables {
    /// The bundled tables read with `lex`'s division suffixes.
    pub fn for_lexicon(lex: &Lexicon) -> Tables {
        if lex.divisions == Lexicon::bundled().divisions {
            return Tables::Bundled(divisions());
        }
        Tables::Own(std::sync::Arc::new(bundled_tables(&lex.divisions).expect(
            "the bundled division tables are well-formed whatever the lexicon's suffixes",
        )))
    }
}

/// The bundled tables read with the name suffixes of `words` (those of a user lexicon).
pub fn bundled_tables(words: &DivisionWords) -> Result<Divisions, DivisionsError> {
    Divisions::parse(PROVINCES_CSV, CITIES_CSV, AREAS_CSV, words)
}

/// A problem in division tables (only possible for tables other than the bundled ones).
#[derive(Debug, thiserror::Error)]
pub enum DivisionsError {
    /// A row could not be parsed.
    #[error("division table {table}: {source}")]
    Csv {
        /// Which table.
        table: &'static str,
        /// The parse error (carries the line).
        source: csv::Error,
    },
    /// A row refers to a parent that does not exist.
    #[error("division table {table}: {code} refers to unknown parent {parent}")]
    UnknownParent {
        /// Which table.
        table: &'static str,
        /// The row's code.
        code: String,
        /// The missing parent code.
        parent: String,
    },
    /// The county names could not be compiled into one automaton (too many or too long).
    #[error("division table areas: county names not indexable: {0}")]
    Automaton(String),
}

fn read_rows<T: serde::de::DeserializeOwned>(
    table: &'static str,
    csv_text: &str,
) -> Result<Vec<T>, DivisionsError> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|source| DivisionsError::Csv { table, source })
}

impl Divisions {
    /// Parses the three tables (provinces, cities, areas) in the layout of `data/divisions`;
    /// `words` gives the suffixes that make short names.
    pub fn parse(
        provinces: &str,
        cities: &str,
        areas: &str,
        words: &DivisionWords,
    ) -> Result<Self, DivisionsError> {
        let province_rows: Vec<ProvinceRow> = read_rows("provinces.csv", provinces)?;
        let city_rows: Vec<CityRow> = read_rows("cities.csv", cities)?;
        let area_rows: Vec<AreaRow> = read_rows("areas.csv", areas)?;

        let provinces: Vec<Province> = province_rows
            .into_iter()
            .map(|r| Province {
                short_names: province_short_names(&r.name, words),
                code: r.code,
                name: r.name,
            })
            .collect();
        let province_index: HashMap<&str, usize> = provinces
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.as_str(), i))
            .collect();

        let mut prefectures = Vec::with_capacity(city_rows.len());
        for r in city_rows {
            let province = *province_index
                .get(r.province_code.as_str())
                .ok_or_else(|| DivisionsError::UnknownParent {
                    table: "cities.csv",
                    code: r.code.clone(),
                    parent: r.province_code.clone(),
                })?;
            let name = if words.placeholder_prefectures.contains(&r.name) {
                String::new()
            } else {
                r.name
            };
            prefectures.push(Prefecture {
                short_names: prefecture_short_names(&name, words),
                code: r.code,
                name,
                province,
            });
        }
        let prefecture_index: HashMap<&str, usize> = prefectures
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.as_str(), i))
            .collect();

        let mut counties = Vec::with_capacity(area_rows.len());
        for r in area_rows {
            let unknown = |parent: &str| DivisionsError::UnknownParent {
                table: "areas.csv",
                code: r.code.clone(),
                parent: parent.to_string(),
            };
            let prefecture = *prefecture_index
                .get(r.city_code.as_str())
                .ok_or_else(|| unknown(&r.city_code))?;
            let province = *province_index
                .get(r.province_code.as_str())
                .ok_or_else(|| unknown(&r.province_code))?;
            counties.push(County {
                code: r.code,
                name: r.name,
                prefecture,
                province,
            });
        }

        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_code = HashMap::new();
        for (i, c) in counties.iter().enumerate() {
            by_name.entry(c.name.clone()).or_default().push(i);
            by_code.insert(c.code.clone(), i);
        }
        for (i, c) in counties.iter().enumerate() {
            if let Some(alias) = autonomous_county_alias(&c.name, words) {
                by_name.entry(alias).or_default().push(i);
            }
        }
        // Names of one character cannot be told from ordinary words; the tables have none.
        // Sorted, so the automaton does not depend on hashing.
        let mut names: Vec<&String> = by_name.keys().filter(|n| n.chars().count() >= 2).collect();
        names.sort();
        // Leftmost-longest: at the first position where any name starts, the longest name
        // there (南昌县 over a shorter name at the same position); the scan resumes after it.
        let county_names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(names)
            .map_err(|e| DivisionsError::Automaton(e.to_string()))?;
        let prefectures_ending = by_last_char(
            prefectures
                .iter()
                .map(|p| (p.name.as_str(), p.short_names.as_slice())),
        );
        let provinces_ending = by_last_char(
            provinces
                .iter()
                .map(|p| (p.name.as_str(), p.short_names.as_slice())),
        );
        let mut higher: std::collections::BTreeMap<&str, Vec<Higher>> = Default::default();
        let prefecture_names = prefectures.iter().enumerate().flat_map(|(i, p)| {
            let names =
                std::iter::once(p.name.as_str()).chain(p.short_names.iter().map(String::as_str));
            names.map(move |n| (n, Higher::Prefecture(i)))
        });
        let province_names = provinces.iter().enumerate().flat_map(|(i, p)| {
            let names =
                std::iter::once(p.name.as_str()).chain(p.short_names.iter().map(String::as_str));
            names.map(move |n| (n, Higher::Province(i)))
        });
        for (name, unit) in prefecture_names.chain(province_names) {
            if name.chars().count() >= 2 {
                let units = higher.entry(name).or_default();
                if !units.contains(&unit) {
                    units.push(unit);
                }
            }
        }
        let higher_names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(higher.keys())
            .map_err(|e| DivisionsError::Automaton(e.to_string()))?;
        let higher_units = higher.into_values().collect();
        Ok(Divisions {
            counties,
            prefectures,
            provinces,
            by_name,
            by_code,
            county_names,
            prefectures_ending,
            provinces_ending,
            higher_names,
            higher_units,
        })
    }

    /// Every county-level unit with this exact name (several for 朝阳区, 鼓楼区 …), or with
    /// this short name for an autonomous county (长阳县 for 长阳土家族自治县).
    pub fn counties_named(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The county-level unit with this 6-digit code.
    pub fn county_by_code(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// The prefecture of county `i`.
    pub fn prefecture_of(&self, county: usize) -> &Prefecture {
        &self.prefectures[self.counties[county].prefecture]
    }

    /// The province of county `i`.
    pub fn province_of(&self, county: usize) -> &Province {
        &self.provinces[self.counties[county].province]
    }

    /// Every county name in `text`, left to right, longest match at each position and
    /// without overlaps. No boundary check: the caller decides which mentions are names.
    pub fn county_mentions<'t>(&self, text: &'t str) -> Vec<CountyMention<'t>> {
        self.county_names
            .find_iter(text)
            .map(|m| CountyMention {
                start: m.start(),
                name: &text[m.range()],
            })
            .collect()
    }

    /// Every name a text may use for the unit with division code `code` at any level: the
    /// official name, short names and an autonomous county's alias. Empty for an unknown code.
    pub fn names_of(&self, code: &str) -> Vec<&str> {
        if let Some(i) = self.county_by_code(code) {
            let mut names: Vec<&str> = self
                .by_name
                .iter()
                .filter(|(_, units)| units.contains(&i))
                .map(|(name, _)| name.as_str())
                .collect();
            names.sort_unstable();
            return names;
        }
        let prefectures = self
            .prefectures
            .iter()
            .map(|p| (&p.code, &p.name, &p.short_names));
        let provinces = self
            .provinces
            .iter()
            .map(|p| (&p.code, &p.name, &p.short_names));
        prefectures
            .chain(provinces)
            .find(|(c, name, _)| c.as_str() == code && !name.is_empty())
            .map(|(_, name, short)| {
                std::iter::once(name.as_str())
                    .chain(short.iter().map(String::as_str))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every prefecture and province name (full or short) in `text`, left to right, longest
    /// match at each position. No boundary check: the caller decides which mentions are names.
    pub fn higher_mentions<'s>(&'s self, text: &str) -> Vec<HigherMention<'s>> {
        self.higher_names
            .find_iter(text)
            .map(|m| HigherMention {
                range: m.range(),
                units: &self.higher_units[m.pattern().as_usize()],
            })
            .collect()
    }

    /// The first prefecture-level unit (in code order) whose full or short name ends `text`.
    pub fn prefecture_ending(&self, text: &str) -> Option<usize> {
        first_ending(&self.prefectures_ending, text, |i| {
            let p = &self.prefectures[i];
            (p.name.as_str(), p.short_names.as_slice())
        })
    }

    /// The first province-level unit (in code order) whose full or short name ends `text`.
    pub fn province_ending(&self, text: &str) -> Option<usize> {
        first_ending(&self.provinces_ending, text, |i| {
            let p = &self.provinces[i];
            (p.name.as_str(), p.short_names.as_slice())
        })
    }

    /// The prefecture-level unit whose full name starts at byte `pos` of `text`.
    pub fn prefecture_name_at(&self, text: &str, pos: usize) -> Option<usize> {
        let rest = text.get(pos..)?;
        self.prefectures
            .iter()
            .position(|p| !p.name.is_empty() && rest.starts_with(p.name.as_str()))
    }

    /// The province-level unit whose full name starts at byte `pos` of `text`.
    pub fn province_name_at(&self, text: &str, pos: usize) -> Option<usize> {
        let rest = text.get(pos..)?;
        self.provinces
            .iter()
            .position(|p| rest.starts_with(p.name.as_str()))
    }
}

/// The first unit listed under the last character of `text` in `index` whose full name (not
/// empty) or one of whose short names ends `text`; `names` gives a unit's names.
fn first_ending<'a>(
    index: &HashMap<char, Vec<usize>>,
    text: &str,
    names: impl Fn(usize) -> (&'a str, &'a [String]),
) -> Option<usize> {
    let last = text.chars().next_back()?;
    index.get(&last)?.iter().copied().find(|&i| {
        let (name, short_names) = names(i);
        !name.is_empty()
            && (text.ends_with(name) || short_names.iter().any(|s| text.ends_with(s.as_str())))
    })
}

/// Unit indices by the last character of each of their names (full and short), each list in
/// index order without repeats.
fn by_last_char<'a>(
    units: impl Iterator<Item = (&'a str, &'a [String])>,
) -> HashMap<char, Vec<usize>> {
    let mut index: HashMap<char, Vec<usize>> = HashMap::new();
    for (i, (name, short_names)) in units.enumerate() {
        let names = std::iter::once(name).chain(short_names.iter().map(String::as_str));
        for last in names.filter_map(|n| n.chars().next_back()) {
            let list = index.entry(last).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    index
}

/// 山东省 → 山东; 广西壮族自治区 → 广西; 北京市 → 北京; 内蒙古自治区 → 内蒙古.
fn province_short_names(name: &str, words: &DivisionWords) -> Vec<String> {
    let mut short = name;
    for suffix in words.province_suffixes.strs() {
        if let Some(s) = short.strip_suffix(suffix.as_str()) {
            short = s;
            break;
        }
    }
    for people in words.province_peoples.strs() {
        if let Some(s) = short.strip_suffix(people.as_str()) {
            short = s;
        }
    }
    if short == name || short.chars().count() < 2 {
        Vec::new()
    } else {
        vec![short.to_string()]
    }
}

/// Where the peoples start in an autonomous unit's name (黔东南|苗族侗族, 长阳|土家族): the
/// first people named after at least two characters of place name.
fn place_name_end(chars: &[char], words: &DivisionWords) -> Option<usize> {
    (2..chars.len()).find(|&i| {
        let rest = &chars[i..];
        words.peoples.chars().iter().any(|p| rest.starts_with(p))
    })
}

/// The short name a report may use for an autonomous county or banner: 长阳土家族自治县 →
/// 长阳县, 莫力达瓦达斡尔族自治旗 → 莫力达瓦旗.
fn autonomous_county_alias(name: &str, words: &DivisionWords) -> Option<String> {
    let (stem, suffix) = words
        .autonomous_county_suffixes
        .iter()
        .find_map(|(long, short)| name.strip_suffix(long.as_str()).map(|s| (s, short)))?;
    let chars: Vec<char> = stem.chars().collect();
    let end = place_name_end(&chars, words)?;
    Some(chars[..end].iter().collect::<String>() + suffix)
}

/// 烟台市 → 烟台; 大兴安岭地区 → 大兴安岭; 恩施土家族苗族自治州 → 恩施 (the place name before
/// the first people named).
fn prefecture_short_names(name: &str, words: &DivisionWords) -> Vec<String> {
    if name.is_empty() {
        return Vec::new();
    }
    let mut short: &str = name;
    for suffix in words.autonomous_prefecture_suffixes.strs() {
        if let Some(s) = name.strip_suffix(suffix.as_str()) {
            let chars: Vec<char> = s.chars().collect();
            let cut = place_name_end(&chars, words).unwrap_or(chars.len());
            return vec![chars[..cut].iter().collect()];
        }
    }
    for suffix in words.prefecture_suffixes.strs() {
        if let Some(s) = name.strip_suffix(suffix.as_str()) {
            short = s;
            break;
        }
    }
    if short == name || short.chars().count() < 2 {
        Vec::new()
    } else {
        vec![short.to_string()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_tables_parse_completely() {
        let d = divisions();
        assert_eq!(d.provinces.len(), 31);
        assert_eq!(d.prefectures.len(), 342);
        assert_eq!(d.counties.len(), 2978);
    }

    #[test]
    fn codes_resolve_to_names_and_parents() {
        let d = divisions();
        let cases = [
            ("320322", "沛县", "徐州市", "江苏省"),
            ("360121", "南昌县", "南昌市", "江西省"),
            ("110105", "朝阳区", "", "北京市"),
            ("429004", "仙桃市", "", "湖北省"),
            ("500229", "城口县", "", "重庆市"),
        ];
        for (code, name, prefecture, province) in cases {
            let i = d.county_by_code(code).expect(code);
            assert_eq!(d.counties[i].name, name, "{code}");
            assert_eq!(d.prefecture_of(i).name, prefecture, "{code}");
            assert_eq!(d.province_of(i).name, province, "{code}");
        }
    }

    #[test]
    fn repeated_names_list_every_unit() {
        let d = divisions();
        assert_eq!(d.counties_named("朝阳区").len(), 2);
        assert_eq!(d.counties_named("鼓楼区").len(), 4);
        assert_eq!(d.counties_named("沛县").len(), 1);
        assert!(d.counties_named("长沙市").is_empty());
    }

    #[test]
    fn autonomous_counties_answer_to_their_short_names() {
        let d = divisions();
        let cases = [
            ("长阳县", "长阳土家族自治县"),
            ("积石山县", "积石山保安族东乡族撒拉族自治县"),
            ("塔什库尔干县", "塔什库尔干塔吉克自治县"),
            ("莫力达瓦旗", "莫力达瓦达斡尔族自治旗"),
            ("河南县", "河南蒙古族自治县"),
        ];
        for (alias, name) in cases {
            let found: Vec<&str> = d
                .counties_named(alias)
                .iter()
                .map(|&i| d.counties[i].name.as_str())
                .collect();
            assert_eq!(found, [name], "{alias}");
        }
    }

    #[test]
    fn mentions_take_the_longest_name() {
        let d = divisions();
        let text = "江西省南昌市南昌县司法局与沛县";
        let names: Vec<&str> = d.county_mentions(text).iter().map(|m| m.name).collect();
        assert_eq!(names, ["南昌县", "沛县"]);
    }

    #[test]
    fn higher_mentions_take_the_longest_name_and_list_every_unit() {
        let d = divisions();
        let name_of = |h: &Higher| match *h {
            Higher::Prefecture(i) => d.prefectures[i].name.clone(),
            Higher::Province(i) => d.provinces[i].name.clone(),
        };
        let text = "吉林市司法局会同辽宁省铁岭市、海南";
        let found: Vec<(&str, Vec<String>)> = d
            .higher_mentions(text)
            .iter()
            .map(|m| {
                (
                    &text[m.range.clone()],
                    m.units.iter().map(name_of).collect(),
                )
            })
            .collect();
        assert_eq!(found[0], ("吉林市", vec!["吉林市".to_string()]));
        assert_eq!(found[1], ("辽宁省", vec!["辽宁省".to_string()]));
        assert_eq!(found[2], ("铁岭市", vec!["铁岭市".to_string()]));
        assert_eq!(found[3].0, "海南");
        assert!(found[3].1.contains(&"海南省".to_string()));
        assert_eq!(found.len(), 4);
    }

    #[test]
    fn names_of_every_level() {
        let d = divisions();
        assert_eq!(d.names_of("371522"), ["莘县"]);
        assert_eq!(d.names_of("3706"), ["烟台市", "烟台"]);
        assert_eq!(d.names_of("37"), ["山东省", "山东"]);
        assert!(d.names_of("420528").contains(&"长阳县"));
        assert!(d.names_of("99").is_empty());
    }

    /// The scan the automaton replaced: at each character, the longest name starting there.
    fn mentions_by_scanning(d: &Divisions, text: &str) -> Vec<(usize, String)> {
        let mut names: Vec<&String> = d
            .by_name
            .keys()
            .filter(|n| n.chars().count() >= 2)
            .collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        let mut out = Vec::new();
        let mut skip_to = 0;
        for (pos, _) in text.char_indices() {
            if pos < skip_to {
                continue;
            }
            if let Some(name) = names.iter().find(|n| text[pos..].starts_with(n.as_str())) {
                out.push((pos, name.to_string()));
                skip_to = pos + name.len();
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn mentions_equal_the_longest_match_scan(
            picks in proptest::collection::vec((0usize..2978, 0usize..4), 0..12),
        ) {
            let d = divisions();
            // Names glued to each other and to common characters, so that names overlap.
            let glue = ["", "县", "市", "和"];
            let text: String = picks
                .iter()
                .map(|(i, g)| format!("{}{}", d.counties[i % d.counties.len()].name, glue[*g]))
                .collect();
            let found: Vec<(usize, String)> = d
                .county_mentions(&text)
                .iter()
                .map(|m| (m.start, m.name.to_string()))
                .collect();
            proptest::prop_assert_eq!(found, mentions_by_scanning(d, &text));
        }

        #[test]
        fn the_parent_ending_a_text_is_the_first_in_code_order(
            prefecture in 0usize..400,
            province in 0usize..40,
            short in proptest::bool::ANY,
            tail in "[县市省区和]{0,2}",
        ) {
            let d = divisions();
            let p = &d.prefectures[prefecture % d.prefectures.len()];
            let q = &d.provinces[province % d.provinces.len()];
            let pick = |name: &String, shorts: &[String]| match shorts.first() {
                Some(s) if short => s.clone(),
                _ => name.clone(),
            };
            let text = format!("{}{}{tail}", pick(&q.name, &q.short_names), pick(&p.name, &p.short_names));
            // The obvious definition: every unit, in order, checked against the text.
            let ends = |name: &String, shorts: &[String]| {
                text.ends_with(name.as_str()) || shorts.iter().any(|s| text.ends_with(s.as_str()))
            };
            let want_prefecture = d
                .prefectures
                .iter()
                .position(|p| !p.name.is_empty() && ends(&p.name, &p.short_names));
            let want_province = d.provinces.iter().position(|p| ends(&p.name, &p.short_names));
            proptest::prop_assert_eq!(d.prefecture_ending(&text), want_prefecture);
            proptest::prop_assert_eq!(d.province_ending(&text), want_province);
        }
    }

    #[test]
    fn no_parent_has_an_empty_name() {
        let d = divisions();
        let names = d
            .prefectures
            .iter()
            .flat_map(|p| p.short_names.iter())
            .chain(
                d.provinces
                    .iter()
                    .flat_map(|p| std::iter::once(&p.name).chain(&p.short_names)),
            );
        assert!(names.into_iter().all(|n| !n.is_empty()));
    }

    #[test]
    fn short_names() {
        let cases = [
            ("山东省", vec!["山东"]),
            ("广西壮族自治区", vec!["广西"]),
            ("新疆维吾尔自治区", vec!["新疆"]),
            ("北京市", vec!["北京"]),
            ("内蒙古自治区", vec!["内蒙古"]),
        ];
        for (name, want) in cases {
            assert_eq!(
                province_short_names(name, &Lexicon::bundled().divisions),
                want,
                "{name}"
            );
        }
        let cases = [
            ("烟台市", vec!["烟台"]),
            ("大兴安岭地区", vec!["大兴安岭"]),
            ("锡林郭勒盟", vec!["锡林郭勒"]),
            ("恩施土家族苗族自治州", vec!["恩施"]),
            ("黔东南苗族侗族自治州", vec!["黔东南"]),
            ("延边朝鲜族自治州", vec!["延边"]),
            ("博尔塔拉蒙古自治州", vec!["博尔塔拉"]),
            ("西双版纳傣族自治州", vec!["西双版纳"]),
            ("", vec![]),
        ];
        for (name, want) in cases {
            assert_eq!(
                prefecture_short_names(name, &Lexicon::bundled().divisions),
                want,
                "{name}"
            );
        }
    }
}
