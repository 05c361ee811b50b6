//! Document metadata: which county a report is about, its division code, prefecture and
//! province, the year it reports on, and its publish date and publisher where given.
//!
//! Part of stage 2 (text → facts): [`resolve`] reads the page header (title, labelled fields
//! such as 发布日期 or 索引号), the footer and, as a last resort, the body. Nothing here names a
//! county: places come from the official division tables ([`super::divisions`]).
//!
//! How a county is found, strongest evidence first:
//! 1. a county name in the title (莘县司法局关于…, 烟台市芝罘区…, 中共XX县委 XX县人民政府…); a
//!    title about a prefecture or province (长沙市2023年…) has no county;
//! 2. the file name, when it reads like a title;
//! 3. the publisher fields (发布机构, 发布单位, 来源 …);
//! 4. the division code inside an index number (索引号 `11371525…`: a unified social credit
//!    code whose characters 3–8 are the issuer's division) or a site id (网站标识码);
//! 5. the county named most often in the body, preferring the kind of unit the report calls
//!    itself (我县/全县 → a 县, 我区/全区 → a 区).
//!
//! A name is only taken where it starts a word (after punctuation, a province or prefecture
//! name, 关于, 中共, a year …), so 和县 is not read out of 省委和县委. Repeated names (朝阳区,
//! 鼓楼区) are settled by a matching division code, then the prefecture or province written
//! right before the name, then the prefecture and province named most often; when that leaves
//! a tie the county name is kept without a code rather than guessed.
//!
//! The report year comes from the title (a 2022年工作总结 is about 2022 whenever it was
//! published), then the file name, then the opening of the body. It is never taken from the
//! publish date.

use super::divisions::{divisions, Divisions, Higher};
use super::year::{MONTH_MARK, YEAR_MARK};
use crate::dict::Lexicon;
pub use crate::model::DocMeta;
use crate::model::{GivenMeta, Level};

/// The division code of the whole country.
const NATION_CODE: &str = "00";

/// Characters of the text's start searched for the title and header fields. Page headers
/// are short; bounding the search keeps metadata cheap on very large inputs.
const HEAD_CHARS: usize = 8000;
/// Characters of the text's end searched for footer fields (来源, 网站标识码 …).
const TAIL_CHARS: usize = 3000;
/// A line this long (in characters) is body text, not a title or a header field.
const FIELD_LINE_MAX: usize = 120;
/// Longest plausible title, in characters.
const TITLE_MAX: usize = 80;

/// Resolves a document's metadata from its file name and decoded text, with the bundled
/// lexicon and division tables.
pub fn resolve(doc_name: &str, text: &str) -> DocMeta {
    resolve_with(doc_name, text, Lexicon::bundled(), divisions())
}

/// Resolves a document's metadata with the word classes of `lex` (field labels, title words …)
/// and the division tables `d` (read with the same lexicon's suffixes).
pub fn resolve_with(doc_name: &str, text: &str, lex: &Lexicon, d: &Divisions) -> DocMeta {
    resolve_with_sources(doc_name, text, lex, d).0
}

/// Where each metadata field came from: one of the steps in the module docs (`title`,
/// `file name`, `publisher field`, `index number`, `body`, `opening`) or a field label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// Source of the place (region code, county, prefecture, province).
    pub place: &'static str,
    /// Source of the report year.
    pub report_year: &'static str,
    /// The label of the field the publish date was read from.
    pub published: String,
    /// The label of the field the publisher was read from.
    pub publisher: String,
}

/// `(field, value, source)` rows for `fazhi explain`: each metadata field of `meta` (as
/// [`resolve`] gave it for this text) and where it came from.
pub fn sources(
    doc_name: &str,
    text: &str,
    meta: &DocMeta,
    lex: &Lexicon,
    d: &Divisions,
) -> Vec<(&'static str, String, String)> {
    let (resolved, src) = resolve_with_sources(doc_name, text, lex, d);
    let place = if src.place.is_empty() {
        "not found"
    } else {
        src.place
    };
    let year = if resolved.report_year.is_some() {
        src.report_year.to_string()
    } else if meta.report_year.is_some() {
        "guessed from the first year of a title-like line".to_string()
    } else {
        "not found".to_string()
    };
    let field = |label: &str| {
        if label.is_empty() {
            "not found".to_string()
        } else {
            format!("field {label}")
        }
    };
    vec![
        ("region_code", meta.region_code.clone(), place.to_string()),
        ("province", meta.province.clone(), place.to_string()),
        ("prefecture", meta.prefecture.clone(), place.to_string()),
        ("county", meta.county.clone(), place.to_string()),
        (
            "report_year",
            meta.report_year.map_or_else(String::new, |y| y.to_string()),
            year,
        ),
        (
            "published",
            meta.published.clone().unwrap_or_default(),
            field(&src.published),
        ),
        (
            "publisher",
            meta.publisher.clone().unwrap_or_default(),
            field(&src.publisher),
        ),
    ]
}

/// [`resolve`], with where each field came from.
pub fn resolve_with_sources(
    doc_name: &str,
    text: &str,
    lex: &Lexicon,
    d: &Divisions,
) -> (DocMeta, Sources) {
    // Titles, labels and place names are matched in simplified script (審結, 縣 → 县).
    let simplified = super::normalize::simplified(text);
    let text = simplified.as_ref();
    let mut src = Sources::default();
    let head = head_of(text, HEAD_CHARS);
    let tail = tail_of(text, TAIL_CHARS);
    let head_lines: Vec<&str> = head.lines().collect();
    let tail_lines: Vec<&str> = if tail.len() < text.len() - head.len() {
        tail.lines().collect()
    } else {
        // The tail overlaps the head: read each line once.
        Vec::new()
    };
    let field_lines: Vec<&str> = head_lines
        .iter()
        .chain(tail_lines.iter())
        .copied()
        .filter(|l| l.chars().count() <= FIELD_LINE_MAX)
        .collect();

    let labels = &lex.field_labels;
    let title = find_title(&head_lines, lex);
    let stem = file_stem(doc_name);
    let name_as_title = Some(stem).filter(|s| looks_like_title(s, lex));

    let titled_year = [
        (
            "title",
            title.as_deref().and_then(|t| year_in_title(t, lex)),
        ),
        (
            "file name",
            name_as_title.and_then(|t| year_in_title(t, lex)),
        ),
    ]
    .into_iter()
    .find(|(_, y)| y.is_some());

    let published = labels
        .date
        .strs()
        .iter()
        .find_map(|label| {
            let date = field_values(&field_lines, label, lex)
                .into_iter()
                .find_map(|v| parse_date(&v))?;
            src.published = label.to_string();
            Some(date)
        })
        .or_else(|| {
            let date = dateline(&head_lines)?;
            src.published = "dateline".to_string();
            Some(date)
        });
    // A text without a title year (news, bulletins) is about the first year its opening names
    // when that is the year it was published or the one before (2024年,全市… in a 2025 item);
    // else it is dated by its publication: a year's figures are released in the first months
    // of the next (某报 2019-03-15: 去年全市共办理法律援助案件2600件), so before May it is about
    // the year before. An opening year long before publication names a past event (继2014年获评…之后).
    let opening = year_in_opening(&head_lines, title.as_deref(), lex);
    let publication = published.as_deref().and_then(year_and_month);
    let report_year = titled_year
        .or_else(|| match (opening, publication) {
            (Some(y), Some((p, _))) if y == p || y + 1 == p => Some(("opening", Some(y))),
            (_, Some((p, month))) if month <= LAST_MONTH_ABOUT_LAST_YEAR => {
                Some(("publish date", Some(p - 1)))
            }
            (_, Some((p, _))) => Some(("publish date", Some(p))),
            (y, None) => Some(("opening", y)),
        })
        .and_then(|(source, y)| {
            src.report_year = source;
            y
        });
    let publisher = labels.publisher.strs().iter().find_map(|label| {
        let name = field_values(&field_lines, label, lex)
            .into_iter()
            .find(|v| is_plausible_publisher(v))?;
        src.publisher = label.to_string();
        Some(name)
    });

    let evidence = Evidence::gather(d, &field_lines, head, tail, lex);
    let (place, place_source) = resolve_place(
        d,
        title.as_deref(),
        name_as_title,
        &field_lines,
        &evidence,
        lex,
    );
    if place != Place::Unknown {
        src.place = place_source;
    }

    let mut meta = DocMeta {
        report_year,
        published,
        publisher,
        ..DocMeta::default()
    };
    match place {
        Place::County(i) => {
            let county = &d.counties[i];
            meta.region_code = county.code.clone();
            meta.level = Some(Level::County);
            meta.county = county.name.clone();
            meta.prefecture = d.prefecture_of(i).name.clone();
            meta.province = d.province_of(i).name.clone();
        }
        Place::Ambiguous(name) => {
            meta.county = name;
            meta.level = Some(Level::County);
        }
        Place::Prefecture(p) => {
            meta.region_code = d.prefectures[p].code.clone();
            meta.level = Some(Level::Prefecture);
            meta.prefecture = d.prefectures[p].name.clone();
            meta.province = d.provinces[d.prefectures[p].province].name.clone();
        }
        Place::Province(p) => {
            meta.region_code = d.provinces[p].code.clone();
            meta.level = Some(Level::Province);
            meta.province = d.provinces[p].name.clone();
        }
        Place::Nation => {
            meta.region_code = NATION_CODE.to_string();
            meta.level = Some(Level::Nation);
        }
        Place::Unknown => {}
    }
    (meta, src)
}

/// Whether `text` names the unit with division code `code` at all (its full or short name;
/// 全国 or a national body for the country): the texts whose place can be read from them.
/// Used to score metadata on the texts that give it.
pub fn names_unit(text: &str, code: &str, lex: &Lexicon, d: &Divisions) -> bool {
    let simplified = super::normalize::simplified(text);
    let text = simplified.as_ref();
    if code == NATION_CODE {
        let mut words = lex
            .nation_references
            .strs()
            .iter()
            .chain(lex.nation_subjects.strs());
        return words.any(|w| text.contains(w.as_str()));
    }
    d.names_of(code).iter().any(|n| text.contains(n))
}

/// Whether `text` names a year it could be about: a date, or a year (2023年) that does not
/// start a span (自2006年试点以来 tells nothing of the year written about).
pub fn names_a_year(text: &str, lex: &Lexicon) -> bool {
    let chars: Vec<char> = super::normalize::simplified(text).chars().collect();
    // 2023年, or 2024-03-28 (a date in a page's fields).
    (0..chars.len().saturating_sub(5)).any(|i| {
        let marked =
            chars[i + 4] == YEAR_MARK || (chars[i + 4] == '-' && chars[i + 5].is_ascii_digit());
        marked
            && (i == 0 || !normalize_digit(chars[i - 1]).is_ascii_digit())
            && chars[i..i + 4]
                .iter()
                .all(|&c| normalize_digit(c).is_ascii_digit())
            && !super::year::starts_a_span(&chars, i, lex)
    })
}

/// Applies place and year supplied from outside the text (`--documents`) over what the text
/// gave: a code sets the level and the names of the unit and its parents from the division
/// tables. Returns the fields it set, for the manifest; an unknown code is refused.
pub fn apply_given(meta: &mut DocMeta, given: &GivenMeta) -> Result<Vec<&'static str>, String> {
    let mut set = Vec::new();
    if let Some(code) = given.region_code.as_deref() {
        let d = divisions();
        let level = Level::of_code(code)
            .ok_or_else(|| format!("region_code '{code}' is not a 2-, 4- or 6-digit code"))?;
        let mut place = DocMeta::default();
        match level {
            Level::County => {
                let i = d
                    .county_by_code(code)
                    .ok_or_else(|| format!("region_code '{code}' is no county-level unit"))?;
                place.county = d.counties[i].name.clone();
                place.prefecture = d.prefecture_of(i).name.clone();
                place.province = d.province_of(i).name.clone();
            }
            Level::Prefecture => {
                let p = d
                    .prefectures
                    .iter()
                    .find(|p| p.code == code)
                    .ok_or_else(|| format!("region_code '{code}' is no prefecture-level unit"))?;
                place.prefecture = p.name.clone();
                place.province = d.provinces[p.province].name.clone();
            }
            Level::Province => {
                let p = d
                    .provinces
                    .iter()
                    .find(|p| p.code == code)
                    .ok_or_else(|| format!("region_code '{code}' is no province-level unit"))?;
                place.province = p.name.clone();
            }
            Level::Nation | Level::Department => {}
        }
        meta.region_code = code.to_string();
        meta.level = Some(level);
        meta.county = place.county;
        meta.prefecture = place.prefecture;
        meta.province = place.province;
        set.push("region_code");
    }
    if let Some(level) = given.level {
        meta.level = Some(level);
        set.push("level");
    }
    if let Some(year) = given.report_year {
        meta.report_year = Some(year);
        set.push("report_year");
    }
    Ok(set)
}

/// What the report is about, as far as the text tells.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// A county-level unit (index into the county table).
    County(usize),
    /// A county name shared by several units that the text does not tell apart.
    Ambiguous(String),
    /// A prefecture-level report (index into the prefecture table).
    Prefecture(usize),
    /// A province-level report (index into the province table).
    Province(usize),
    /// A report about the whole country.
    Nation,
    /// Nothing found.
    Unknown,
}

/// A county name taken as a name, with the prefecture or province written right before it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    name: String,
    parent_prefecture: Option<usize>,
    parent_province: Option<usize>,
}

/// Evidence for telling repeated names apart, gathered once per document.
struct Evidence<'t> {
    /// Division codes embedded in index numbers and site ids.
    codes: Vec<String>,
    /// The text searched for prefecture and province names.
    head: &'t str,
    tail: &'t str,
}

impl<'t> Evidence<'t> {
    fn gather(
        d: &Divisions,
        field_lines: &[&str],
        head: &'t str,
        tail: &'t str,
        lex: &Lexicon,
    ) -> Self {
        let mut codes = Vec::new();
        for label in lex.field_labels.index.strs() {
            for value in field_values(field_lines, label, lex) {
                for code in embedded_codes(&value) {
                    if d.county_by_code(&code).is_some() && !codes.contains(&code) {
                        codes.push(code);
                    }
                }
            }
        }
        Evidence { codes, head, tail }
    }

    /// How often the text names `name` (head and tail).
    fn count(&self, name: &str) -> usize {
        if name.is_empty() {
            return 0;
        }
        self.head.matches(name).count() + self.tail.matches(name).count()
    }
}

/// The 6-digit division codes an index number may carry: characters 3–8 of a unified social
/// credit code (18 characters), or the first six digits of a site id / region-first number.
fn embedded_codes(value: &str) -> Vec<String> {
    let id: String = value
        .chars()
        .map(normalize_digit)
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut out = Vec::new();
    if id.len() >= 8 && id.is_char_boundary(8) {
        out.push(id[2..8].to_string());
    }
    if id.len() >= 6 {
        out.push(id[..6].to_string());
    }
    out.retain(|c| c.bytes().all(|b| b.is_ascii_digit()));
    out
}

fn resolve_place(
    d: &Divisions,
    title: Option<&str>,
    name_as_title: Option<&str>,
    field_lines: &[&str],
    ev: &Evidence,
    lex: &Lexicon,
) -> (Place, &'static str) {
    // 1. The title.
    if let Some(title) = title {
        if let Some(hit) = word_hits(d, title, lex).into_iter().next() {
            return (pick(d, &hit, ev), "title");
        }
        if let Some(place) = higher_level_subject(d, title, lex) {
            return (place, "title");
        }
    }
    // 2. The file name, when it reads like a title.
    if let Some(name) = name_as_title {
        if let Some(hit) = word_hits(d, name, lex).into_iter().next() {
            return (pick(d, &hit, ev), "file name");
        }
    }
    // 3. Publisher and host fields.
    let labels = &lex.field_labels;
    for label in labels.publisher.strs().iter().chain(labels.host.strs()) {
        for value in field_values(field_lines, label, lex) {
            if let Some(hit) = word_hits(d, &value, lex).into_iter().next() {
                return (pick(d, &hit, ev), "publisher field");
            }
        }
    }
    // 4. A division code in an index number.
    if let Some(i) = ev.codes.iter().find_map(|c| d.county_by_code(c)) {
        return (Place::County(i), "index number");
    }
    // 5. The unit the body names most often, at the level the text calls itself.
    match body_place(d, ev, lex) {
        Place::Unknown => (Place::Unknown, ""),
        place => (place, "body"),
    }
}

/// Chooses among the units called `hit.name`.
fn pick(d: &Divisions, hit: &Hit, ev: &Evidence) -> Place {
    let candidates = d.counties_named(&hit.name);
    match candidates {
        [] => return Place::Unknown,
        [only] => return Place::County(*only),
        _ => {}
    }
    // Rank by (code match, parent written before the name, prefecture named, province named).
    let score = |&i: &usize| {
        let code_match = ev.codes.contains(&d.counties[i].code);
        let parent = hit.parent_prefecture == Some(d.counties[i].prefecture)
            || hit.parent_province == Some(d.counties[i].province);
        let prefecture = d.prefecture_of(i);
        let prefecture_count = ev.count(&prefecture.name)
            + prefecture
                .short_names
                .iter()
                .map(|s| ev.count(s))
                .sum::<usize>();
        let province = d.province_of(i);
        let province_count = ev.count(&province.name)
            + province
                .short_names
                .iter()
                .map(|s| ev.count(s))
                .sum::<usize>();
        (code_match, parent, prefecture_count, province_count)
    };
    let scored: Vec<(usize, _)> = candidates.iter().map(|i| (*i, score(i))).collect();
    let best = scored.iter().map(|(_, s)| *s).max();
    let winners: Vec<usize> = scored
        .iter()
        .filter(|(_, s)| Some(*s) == best)
        .map(|(i, _)| *i)
        .collect();
    match (winners.as_slice(), best) {
        // Nothing in the text points anywhere: do not guess.
        (_, Some((false, false, 0, 0))) => Place::Ambiguous(hit.name.clone()),
        ([one], _) => Place::County(*one),
        _ => Place::Ambiguous(hit.name.clone()),
    }
}

/// County names in `text` that start a word, in order.
fn word_hits(d: &Divisions, text: &str, lex: &Lexicon) -> Vec<Hit> {
    d.county_mentions(text)
        .into_iter()
        .filter_map(|m| {
            let before = &text[..m.start];
            let parent_prefecture = d.prefecture_ending(before);
            let parent_province = d.province_ending(before);
            let generic = lex.generic_county_names.contains(m.name);
            let starts_word = match before.chars().next_back() {
                None => true,
                Some(c) => !is_ideograph(c) || lex.word_start_after.contains(c),
            };
            let taken = if generic {
                parent_prefecture.is_some()
            } else {
                starts_word || parent_prefecture.is_some() || parent_province.is_some()
            };
            taken.then(|| Hit {
                name: m.name.to_string(),
                parent_prefecture,
                parent_province,
            })
        })
        .collect()
}

/// A title about a prefecture, a province or the country rather than a county (长沙市2023年…,
/// 湖南省…, 司法部…).
fn higher_level_subject(d: &Divisions, title: &str, lex: &Lexicon) -> Option<Place> {
    let mut rest = title.trim_start();
    for prefix in lex.title_prefixes.strs() {
        rest = rest
            .strip_prefix(prefix.as_str())
            .unwrap_or(rest)
            .trim_start();
    }
    // 司法部2023年法治政府建设年度报告, 全国…: the whole country.
    let nation_words = lex
        .nation_subjects
        .strs()
        .iter()
        .chain(lex.nation_references.strs());
    if nation_words
        .into_iter()
        .any(|w| rest.starts_with(w.as_str()))
    {
        return Some(Place::Nation);
    }
    let province = d.province_name_at(rest, 0);
    if let Some(p) = province {
        rest = &rest[d.provinces[p].name.len()..];
    }
    if let Some(p) = d.prefecture_name_at(rest, 0) {
        if province.is_none_or(|pv| d.prefectures[p].province == pv) {
            return Some(Place::Prefecture(p));
        }
    }
    province.map(Place::Province)
}

/// Self-references fewer than this do not tell a text's level: one 全市 in a county's report
/// is a passing mention of its prefecture.
const SELF_REFERENCE_MIN: usize = 2;

/// A unit of any level named in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    /// A county name, to be told apart by [`pick`] where several units share it.
    County(Hit),
    Prefecture(usize),
    Province(usize),
}

impl Unit {
    fn level(&self) -> Level {
        match self {
            Unit::County(_) => Level::County,
            Unit::Prefecture(_) => Level::Prefecture,
            Unit::Province(_) => Level::Province,
        }
    }

    /// The last character of the unit's name (县, 区, 市, 州, 省 …): the word the text would
    /// call itself by (全县, 全市, 全省).
    fn kind_char(&self, d: &Divisions) -> Option<char> {
        match self {
            Unit::County(hit) => hit.name.chars().next_back(),
            Unit::Prefecture(p) => d.prefectures[*p].name.chars().next_back(),
            Unit::Province(p) => d.provinces[*p].name.chars().next_back(),
        }
    }

    /// The prefecture the unit lies in, where the text tells it.
    fn prefecture(&self, d: &Divisions, ev: &Evidence) -> Option<usize> {
        match self {
            Unit::County(hit) => match pick(d, hit, ev) {
                Place::County(i) => Some(d.counties[i].prefecture),
                _ => None,
            }
            .filter(|&p| !d.prefectures[p].name.is_empty()),
            Unit::Prefecture(p) => Some(*p),
            Unit::Province(_) => None,
        }
    }

    fn place(&self, d: &Divisions, ev: &Evidence) -> Place {
        match self {
            Unit::County(hit) => pick(d, hit, ev),
            Unit::Prefecture(p) => Place::Prefecture(*p),
            Unit::Province(p) => Place::Province(*p),
        }
    }
}

/// The place the body is about, when neither title nor fields tell: the unit named most often,
/// at the level the text calls itself (全省 → a province, 全市 → a 市, 我县 → a 县).
/// - A text that calls itself 全国 often, names 司法部 or 国务院 and no division twice is about
///   the whole country.
/// - Where the text calls itself one kind of unit at least [`SELF_REFERENCE_MIN`] times, only
///   units of that kind are taken; if it names none, a 市 naming only its counties is about the
///   prefecture they share; a unit above the level it calls itself is never taken (a 区's report
///   naming its municipality 重庆市); one below it only when named twice or more.
/// - Otherwise the unit named most often; a tie goes to the lower level (四川省广安市前锋区),
///   and a tie at one level names nothing.
fn body_place(d: &Divisions, ev: &Evidence, lex: &Lexicon) -> Place {
    let named = named_units(d, ev, lex);
    let selves = self_references(ev.head, lex);
    let nation: usize = lex
        .nation_references
        .strs()
        .iter()
        .map(|w| ev.head.matches(w.as_str()).count())
        .sum();
    let trusted: Vec<(char, usize)> = selves
        .into_iter()
        .filter(|(_, n)| *n >= SELF_REFERENCE_MIN)
        .collect();
    let most_often = named.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let names_a_nation_subject = lex
        .nation_subjects
        .strs()
        .iter()
        .any(|w| ev.head.contains(w.as_str()));
    if nation >= SELF_REFERENCE_MIN
        && trusted.iter().all(|(_, n)| *n < nation)
        && most_often < 2
        && names_a_nation_subject
    {
        return Place::Nation;
    }
    if trusted.is_empty() {
        return most_named(d, ev, named.iter());
    }
    let calls_itself = |u: &Unit| {
        u.kind_char(d)
            .is_some_and(|c| trusted.iter().any(|(t, _)| *t == c))
    };
    if named.iter().any(|(u, _)| calls_itself(u)) {
        return most_named(d, ev, named.iter().filter(|(u, _)| calls_itself(u)));
    }
    // 全市… with only 某某县 named: the prefecture the counties share.
    let prefectures: Vec<Option<usize>> = named.iter().map(|(u, _)| u.prefecture(d, ev)).collect();
    if let Some(Some(p)) = prefectures.first() {
        let shared = prefectures.iter().all(|q| *q == Some(*p));
        let unit = Unit::Prefecture(*p);
        if shared && calls_itself(&unit) {
            return Place::Prefecture(*p);
        }
    }
    let own_level = trusted
        .iter()
        .filter_map(|(c, _)| lowest_level_named(d, *c))
        .max();
    most_named(
        d,
        ev,
        named
            .iter()
            .filter(|(u, n)| *n >= 2 && own_level.is_some_and(|l| u.level() < l)),
    )
}

/// The lowest level whose units' names end with `c` (区 → county, 州 → prefecture, 省 →
/// province), read from the tables.
fn lowest_level_named(d: &Divisions, c: char) -> Option<Level> {
    let ends = |name: &str| name.ends_with(c);
    if d.counties.iter().any(|u| ends(&u.name)) {
        Some(Level::County)
    } else if d.prefectures.iter().any(|u| ends(&u.name)) {
        Some(Level::Prefecture)
    } else if d.provinces.iter().any(|u| ends(&u.name)) {
        Some(Level::Province)
    } else {
        None
    }
}

/// The unit named most often among `named`; a tie goes to the lower level, and a tie at one
/// level names nothing.
fn most_named<'u>(
    d: &Divisions,
    ev: &Evidence,
    named: impl Iterator<Item = &'u (Unit, usize)>,
) -> Place {
    let named: Vec<&(Unit, usize)> = named.collect();
    let Some(max) = named.iter().map(|(_, n)| *n).max() else {
        return Place::Unknown;
    };
    let top: Vec<&Unit> = named
        .iter()
        .filter(|(_, n)| *n == max)
        .map(|(u, _)| u)
        .collect();
    let lowest = top.iter().map(|u| u.level()).min();
    let mut at_lowest = top.into_iter().filter(|u| Some(u.level()) == lowest);
    match (at_lowest.next(), at_lowest.next()) {
        (Some(u), None) => u.place(d, ev),
        _ => Place::Unknown,
    }
}

/// Every unit the head and tail name at the start of a word, with how often, in the order
/// first named. A prefecture or province name inside a longer county name (铁岭 in 铁岭县) is
/// not counted.
fn named_units(d: &Divisions, ev: &Evidence, lex: &Lexicon) -> Vec<(Unit, usize)> {
    let mut counts: Vec<(Unit, usize)> = Vec::new();
    let mut add = |unit: Unit| match counts.iter_mut().find(|(u, _)| same_unit(u, &unit)) {
        Some((u, n)) => {
            *n += 1;
            // Keep the first parent seen.
            if let (Unit::County(h), Unit::County(new)) = (u, unit) {
                h.parent_prefecture = h.parent_prefecture.or(new.parent_prefecture);
                h.parent_province = h.parent_province.or(new.parent_province);
            }
        }
        None => counts.push((unit, 1)),
    };
    for text in [ev.head, ev.tail] {
        for hit in word_hits(d, text, lex) {
            add(Unit::County(hit));
        }
        let counties = d.county_mentions(text);
        for m in d.higher_mentions(text) {
            let inside_county = counties.iter().any(|c| {
                c.start <= m.range.start
                    && c.start + c.name.len() >= m.range.end
                    && c.name.len() > m.range.len()
            });
            let before = &text[..m.range.start];
            let starts_word = match before.chars().next_back() {
                None => true,
                Some(c) => {
                    !is_ideograph(c)
                        || lex.word_start_after.contains(c)
                        || lex.self_reference_office_after.contains(c)
                        || d.province_ending(before).is_some()
                }
            };
            if inside_county || !starts_word {
                continue;
            }
            for unit in m.units {
                add(match *unit {
                    Higher::Prefecture(p) => Unit::Prefecture(p),
                    Higher::Province(p) => Unit::Province(p),
                });
            }
        }
    }
    counts
}

fn same_unit(a: &Unit, b: &Unit) -> bool {
    match (a, b) {
        (Unit::County(x), Unit::County(y)) => x.name == y.name,
        _ => a == b,
    }
}

/// How often the text calls itself each kind of unit: 我县/全县/本县, or 县委, 县政府, 县司法局
/// standing at the start of a word (see `[self_references]` in the lexicon).
fn self_references(text: &str, lex: &Lexicon) -> Vec<(char, usize)> {
    let mut out = Vec::new();
    for unit in lex.self_reference_units.strs() {
        let Some(c) = unit.chars().next() else {
            continue;
        };
        let prefixed: usize = lex
            .self_reference_prefixes
            .strs()
            .iter()
            .map(|p| text.matches(&format!("{p}{unit}")).count())
            .sum();
        let before_office: usize = lex
            .self_reference_offices
            .strs()
            .iter()
            .map(|office| {
                let word = format!("{unit}{office}");
                text.match_indices(&word)
                    .filter(|(at, _)| {
                        text[..*at].chars().next_back().is_none_or(|b| {
                            !is_ideograph(b)
                                || lex.word_start_after.contains(b)
                                || lex.self_reference_office_after.contains(b)
                        })
                    })
                    .count()
            })
            .sum();
        if prefixed + before_office > 0 {
            out.push((c, prefixed + before_office));
        }
    }
    out
}

/// The report's title: the header line naming a report or summary, preferring one with a
/// year and a rule-of-law word. Lines that are sentences or navigation are not titles; a
/// title split over two lines is joined.
fn find_title(lines: &[&str], lex: &Lexicon) -> Option<String> {
    let report_words = &lex.report_words;
    let mut best: Option<(u8, String)> = None;
    let mut consider = |candidate: String| {
        if !looks_like_title(&candidate, lex) {
            return;
        }
        let score = title_score(&candidate, lex);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, candidate));
        }
    };
    for (i, raw) in lines.iter().enumerate() {
        let line = clean_line(raw, lex);
        if line.chars().count() > FIELD_LINE_MAX {
            // The body has started: titles come before it.
            break;
        }
        let line = strip_label(line, lex.field_labels.title.strs(), lex).unwrap_or(line);
        consider(line.to_string());
        if let Some(next) = lines.get(i + 1).map(|l| clean_line(l, lex)) {
            if !report_words.any_in_str(line)
                && report_words
                    .strs()
                    .iter()
                    .any(|w| next.ends_with(w.as_str()))
                && !line.is_empty()
            {
                consider(format!("{line}{next}"));
            }
        }
    }
    best.map(|(_, t)| t)
}

/// Whether `s` reads like a report title: short, names a report or summary, not a sentence
/// and not navigation.
fn looks_like_title(s: &str, lex: &Lexicon) -> bool {
    let n = s.chars().count();
    (6..=TITLE_MAX).contains(&n)
        && lex.report_words.any_in_str(s)
        && !lex.nav_marks.any_in_str(s)
        && !s.ends_with(|c| lex.title_endings.contains(c))
        && !s.contains(|c| lex.title_inside_marks.contains(c))
}

fn title_score(s: &str, lex: &Lexicon) -> u8 {
    let year = u8::from(year_in_title(s, lex).is_some());
    let law = u8::from(lex.law_words.any_in_str(s));
    2 * year + law
}

/// Trims whitespace and list bullets.
fn clean_line<'a>(line: &'a str, lex: &Lexicon) -> &'a str {
    line.trim()
        .trim_start_matches(|c| lex.list_bullets.contains(c))
        .trim()
}

/// The value after `label` when `line` starts with it (名称:XXX → XXX).
fn strip_label<'a>(line: &'a str, labels: &[String], lex: &Lexicon) -> Option<&'a str> {
    labels.iter().find_map(|label| {
        let rest = line.strip_prefix(label.as_str())?.trim_start();
        let rest = rest
            .strip_prefix(|c| lex.field_labels.separators.contains(c))?
            .trim();
        Some(rest).filter(|r| !r.is_empty())
    })
}

/// The report year a title names: the first year written before 年 (2023年, 2023年度,
/// 二〇二三年), skipping the end of a range (2021—2025年).
pub fn year_in_title(title: &str, lex: &Lexicon) -> Option<i32> {
    let chars: Vec<char> = title.chars().collect();
    let year_digit = |c: char| lex.year_digits.iter().any(|(d, _)| *d == c);
    (0..chars.len().saturating_sub(4)).find_map(|i| {
        if chars[i + 4] != YEAR_MARK {
            return None;
        }
        if let Some(&before) = i.checked_sub(1).and_then(|j| chars.get(j)) {
            let digit_before = normalize_digit(before).is_ascii_digit() || year_digit(before);
            let range_end = lex.range_marks.contains(before) || lex.period_links.contains(before);
            if digit_before || range_end {
                return None;
            }
        }
        year_value(&chars[i..i + 4], lex)
    })
}

/// A 4-character year in Arabic, full-width or Chinese digits (2023, ２０２３, 二〇二三).
fn year_value(chars: &[char], lex: &Lexicon) -> Option<i32> {
    let mut year = 0i32;
    for &c in chars {
        let digit = match normalize_digit(c) {
            d @ '0'..='9' => d as i32 - '0' as i32,
            d => {
                let (_, v) = lex.year_digits.iter().find(|(y, _)| *y == d)?;
                *v as i32
            }
        };
        year = year * 10 + digit;
    }
    (1949..=2100).contains(&year).then_some(year)
}

/// The year the body opens with (2023年,在县委… / 一、2023年度…): the first year before
/// 年 after the title that is not part of a date (2024年3月).
/// The last month of the year in which a text without a title year is taken to be about the
/// year before (annual figures are released from January to April).
const LAST_MONTH_ABOUT_LAST_YEAR: u32 = 4;

/// Longest name (a paper, a site) before an unlabelled publication date, in characters.
const DATELINE_NAME_MAX: usize = 16;

/// Lines read for an unlabelled publication date (`某某日报 2019-03-15 08:30`).
const DATELINE_LINES: usize = 12;

/// A publication date standing alone on a short line near the top, as news pages print it
/// after the paper's name: a full `YYYY-MM-DD`, optionally followed by a time.
fn dateline(lines: &[&str]) -> Option<String> {
    lines
        .iter()
        .take(DATELINE_LINES)
        .filter(|l| l.chars().count() <= FIELD_LINE_MAX / 2)
        .find_map(|line| {
            let chars: Vec<char> = line.chars().collect();
            (0..chars.len().saturating_sub(9)).find_map(|i| {
                let at_word = i == 0 || !chars[i - 1].is_ascii_digit();
                let shape = chars[i..i + 10].iter().enumerate().all(|(k, c)| match k {
                    4 | 7 => *c == '-',
                    _ => c.is_ascii_digit(),
                });
                let ends = chars.get(i + 10).is_none_or(|c| !c.is_ascii_digit());
                // Only a short name stands before it (某某晚报), never a clause of text or a
                // field label of another kind (截止日期:2030-01-01).
                let before = &chars[..i];
                let a_name = before.len() <= DATELINE_NAME_MAX
                    && !before
                        .iter()
                        .any(|c| matches!(c, ',' | '，' | '。' | ':' | '：' | ';' | '/'));
                if !(at_word && shape && ends && a_name) {
                    return None;
                }
                parse_date(&chars[i..i + 10].iter().collect::<String>())
            })
        })
}

fn year_in_opening(lines: &[&str], title: Option<&str>, lex: &Lexicon) -> Option<i32> {
    let start = title
        .and_then(|t| lines.iter().position(|l| l.contains(t)))
        .map_or(0, |i| i + 1);
    lines[start.min(lines.len())..].iter().find_map(|line| {
        let chars: Vec<char> = line.chars().collect();
        (0..chars.len().saturating_sub(4)).find_map(|i| {
            if chars[i + 4] != YEAR_MARK {
                return None;
            }
            if i > 0 && normalize_digit(chars[i - 1]).is_ascii_digit() {
                return None;
            }
            let month_follows = chars.get(i + 5).is_some_and(|&c| {
                normalize_digit(c).is_ascii_digit() || lex.month_numerals.contains(c)
            }) && chars[i + 5..].iter().take(4).any(|&c| c == MONTH_MARK);
            // 自2010年改革以来: the start of a span of years, not the year written about.
            let since = super::year::starts_a_span(&chars, i, lex);
            if month_follows || since {
                return None;
            }
            chars[i..i + 4]
                .iter()
                .all(|&c| normalize_digit(c).is_ascii_digit())
                .then(|| year_value(&chars[i..i + 4], lex))
                .flatten()
        })
    })
}

/// Every value given for `label` in `lines`: on the same line after the label (a colon or
/// spaces between), or alone on the next non-empty line when the label stands alone.
/// The label must start a word, so 时间 is not read out of 重要时间节点.
fn field_values(lines: &[&str], label: &str, lex: &Lexicon) -> Vec<String> {
    let labels = &lex.field_labels;
    let mut out = Vec::new();
    // One searcher for every line: most lines do not hold the label.
    let finder = memchr::memmem::Finder::new(label);
    for (i, line) in lines.iter().enumerate() {
        let mut search_from = 0;
        while let Some(found) = finder.find(&line.as_bytes()[search_from..]) {
            let start = search_from + found;
            let end = start + label.len();
            search_from = end;
            let starts_word = line[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !is_ideograph(c));
            if !starts_word {
                continue;
            }
            // 【发布日期】2024-03-22, [来源] …: a closing bracket may end the label.
            let after = line[end..].trim_start_matches(|c| labels.closers.contains(c));
            let trimmed = after.trim_start();
            let bracketed = after.len() < line.len() - end;
            let value_text =
                if let Some(v) = trimmed.strip_prefix(|c| labels.separators.contains(c)) {
                    v.trim_start()
                } else if bracketed || trimmed.len() < after.len() || trimmed.is_empty() {
                    // Separated by spaces, or nothing follows on this line.
                    trimmed
                } else {
                    // A longer word that starts with the label (时间节点): not a field.
                    continue;
                };
            let value = if value_text.is_empty() {
                // The label stands alone: the value is on the next non-empty line.
                lines[i + 1..]
                    .iter()
                    .map(|l| clean_line(l, lex))
                    .find(|l| !l.is_empty())
                    .unwrap_or("")
            } else {
                value_text
            };
            let token = value
                .split(|c: char| c.is_whitespace() || c == '|')
                .next()
                .unwrap_or("");
            if !token.is_empty() {
                out.push(token.to_string());
            }
        }
    }
    out
}

/// A publisher value is an organisation's name: short, not a date or a count.
fn is_plausible_publisher(value: &str) -> bool {
    let n = value.chars().count();
    (2..=40).contains(&n) && value.chars().any(is_ideograph)
}

/// The year and month of a date as [`parse_date`] writes it (`YYYY-MM-DD`).
pub fn year_and_month(date: &str) -> Option<(i32, u32)> {
    let year: i32 = date.get(..4)?.parse().ok()?;
    let month: u32 = date.get(5..7)?.parse().ok()?;
    Some((year, month))
}

/// A date written as 2024-03-22, 2022/12/30 09:53:33, 2024.3.5 or 2024年3月22日 (full-width
/// digits allowed), as `YYYY-MM-DD`; `None` when the value does not start with a valid date.
pub fn parse_date(value: &str) -> Option<String> {
    let chars: Vec<char> = value.trim().chars().map(fold_full_width).collect();
    let mut pos = 0;
    let year = take_number(&chars, &mut pos, 4)?;
    take_separator(&chars, &mut pos, &['-', '/', '.', YEAR_MARK])?;
    let month = take_number(&chars, &mut pos, 2)?;
    take_separator(&chars, &mut pos, &['-', '/', '.', MONTH_MARK])?;
    let day = take_number(&chars, &mut pos, 2)?;
    if chars.get(pos).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let valid = (1949..=2100).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day);
    valid.then(|| format!("{year:04}-{month:02}-{day:02}"))
}

fn take_separator(chars: &[char], pos: &mut usize, accepted: &[char]) -> Option<()> {
    let c = chars.get(*pos)?;
    if accepted.contains(c) {
        *pos += 1;
        Some(())
    } else {
        None
    }
}

fn take_number(chars: &[char], pos: &mut usize, max_len: usize) -> Option<u32> {
    let start = *pos;
    while *pos < chars.len() && *pos - start < max_len && chars[*pos].is_ascii_digit() {
        *pos += 1;
    }
    if *pos == start {
        return None;
    }
    chars[start..*pos].iter().collect::<String>().parse().ok()
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Full-width digits as ASCII; every other character unchanged.
fn normalize_digit(c: char) -> char {
    match c {
        '\u{ff10}'..='\u{ff19}' => char::from_u32(c as u32 - 0xff10 + '0' as u32).unwrap_or(c),
        _ => c,
    }
}

/// The full-width ASCII block (digits, letters, － ／ ．…) as ASCII; every other character
/// unchanged.
fn fold_full_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xff01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

/// A CJK ideograph (the characters that make up words; punctuation and digits are not).
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// The file name without folders and extension.
fn file_stem(doc_name: &str) -> &str {
    let name = doc_name.rsplit(['/', '\\']).next().unwrap_or(doc_name);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// The first `n` characters of `text`.
fn head_of(text: &str, n: usize) -> &str {
    // A text of at most `n` bytes, or whose characters are counted fast, needs no walk.
    if text.len() <= n || text.chars().count() <= n {
        return text;
    }
    match text.char_indices().nth(n) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// The last `n` characters of `text`.
fn tail_of(text: &str, n: usize) -> &str {
    if n > 0 && (text.len() <= n || text.chars().count() <= n) {
        return text;
    }
    match text.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &text[i..],
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (case, file name, text, county, region code, report year, published).
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Option<i32>,
        Option<&'static str>,
    );

    #[test]
    fn resolves_county_year_and_date() {
        let cases: [Case; 17] = [
            (
                "two-character county in the title",
                "a.txt",
                "莘县司法局关于2022年法治政府建设情况的报告\n发布日期:2023-01-10\n正文。",
                "莘县",
                "371522",
                Some(2022),
                Some("2023-01-10"),
            ),
            (
                "repeated name settled by the prefecture before it",
                "a.txt",
                "福州市鼓楼区2023年法治政府建设年度报告\n正文",
                "鼓楼区",
                "350102",
                Some(2023),
                None,
            ),
            (
                "repeated name settled by the province named in the text",
                "a.txt",
                "朝阳区2021年法治政府建设情况报告\n来源:朝阳区人民政府\n在北京市委的领导下,朝阳区……\n",
                "朝阳区",
                "110105",
                Some(2021),
                None,
            ),
            (
                "repeated name settled by the code in the index number",
                "a.txt",
                "索引号:11220104MB1234567X/2024-00012\n朝阳区2023年法治政府建设工作报告\n",
                "朝阳区",
                "220104",
                Some(2023),
                None,
            ),
            (
                "repeated name the text does not settle: name kept, no code",
                "a.txt",
                "鼓楼区2023年法治政府建设工作报告\n正文",
                "鼓楼区",
                "",
                Some(2023),
                None,
            ),
            (
                "the title year wins over the publish year",
                "a.txt",
                "XX网\n时间:2023/01/05 10:00:00\n南昌县2022年工作总结及2023年工作计划\n",
                "南昌县",
                "360121",
                Some(2022),
                Some("2023-01-05"),
            ),
            (
                "关于 before the year",
                "a.txt",
                "关于2023年法治政府建设情况的报告\n发布机构:沛县人民政府\n",
                "沛县",
                "320322",
                Some(2023),
                None,
            ),
            (
                "a county named only as 我县: the index number carries the code",
                "a.txt",
                "2023年度法治政府建设工作报告\n索引号\n\n11320322004442025C/2024-1\n我县坚持……\n",
                "沛县",
                "320322",
                Some(2023),
                None,
            ),
            (
                "a county named only in the body, with the prefecture as a distractor",
                "a.txt",
                "2023年法治政府建设工作报告\n在南昌市委领导下,我县坚持依法行政。南昌县全年办理……南昌县司法局\n",
                "南昌县",
                "360121",
                Some(2023),
                None,
            ),
            (
                "a prefecture's report has no county, and the prefecture's code",
                "a.txt",
                "南昌市2023年法治政府建设情况报告\n南昌县、进贤县、安义县……\n",
                "",
                "3601",
                Some(2023),
                None,
            ),
            (
                "和县 is not read out of 省委和县委",
                "a.txt",
                "2023年法治政府建设工作报告\n在省委和县委的领导下,莘县坚持……\n",
                "莘县",
                "371522",
                Some(2023),
                None,
            ),
            (
                "the file name when the text has no title",
                "沛县2021年法治政府建设情况报告.txt",
                "2021年,我县……\n",
                "沛县",
                "320322",
                Some(2021),
                None,
            ),
            (
                "a year from the opening when the title has none",
                "a.txt",
                "莘县法治政府建设工作报告\n日期:2024年3月5日\n2023年,莘县坚持……\n",
                "莘县",
                "371522",
                Some(2023),
                Some("2024-03-05"),
            ),
            (
                "full-width digits and a Chinese-numeral year",
                "a.txt",
                "莘县二〇二二年法治政府建设报告\n发布日期:２０２３－０１－１０\n",
                "莘县",
                "371522",
                Some(2022),
                Some("2023-01-10"),
            ),
            (
                "a plan range is not the report year",
                "a.txt",
                "莘县落实法治政府建设实施纲要(2021—2025年)情况的报告\n2023年,莘县……\n",
                "莘县",
                "371522",
                Some(2023),
                None,
            ),
            (
                "an autonomous county by its short name; a bracketed label",
                "a.txt",
                "长阳县2023年法治政府建设年度报告\n【发布日期】2024-01-30\n",
                "长阳土家族自治县",
                "420528",
                Some(2023),
                Some("2024-01-30"),
            ),
            (
                "province, prefecture and county before the title words",
                "a.txt",
                "江西省南昌市南昌县人民政府关于2020年度法治政府建设工作情况的报告\n",
                "南昌县",
                "360121",
                Some(2020),
                None,
            ),
        ];
        let mut failures = Vec::new();
        for (case, name, text, county, code, year, published) in cases {
            let meta = resolve(name, text);
            let got = (
                meta.county.as_str(),
                meta.region_code.as_str(),
                meta.report_year,
                meta.published.as_deref(),
            );
            if got != (county, code, year, published) {
                failures.push(format!(
                    "{case}: got {got:?}, want {:?}",
                    (county, code, year, published)
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn prefecture_report_keeps_prefecture_and_province() {
        let meta = resolve("a.txt", "长沙市2023年法治政府建设情况报告\n");
        assert_eq!(meta.prefecture, "长沙市");
        assert_eq!(meta.province, "湖南省");
        assert_eq!(meta.county, "");
        assert_eq!(meta.region_code, "4301");
        assert_eq!(meta.level, Some(Level::Prefecture));
    }

    #[test]
    fn municipal_district_has_no_prefecture() {
        let meta = resolve("a.txt", "北京市朝阳区2023年法治政府建设年度情况报告\n");
        assert_eq!(
            (
                meta.county.as_str(),
                meta.prefecture.as_str(),
                meta.province.as_str()
            ),
            ("朝阳区", "", "北京市")
        );
    }

    #[test]
    fn publisher_from_labelled_fields() {
        let cases = [
            ("发布机构:莘县司法局\n", Some("莘县司法局")),
            ("日期:2021-02-05   来源:  县司法局\n", Some("县司法局")),
            ("发布机构\n\n沛县司法局\n", Some("沛县司法局")),
            ("信息来源:本站 | 浏览次数:3\n", Some("本站")),
            ("【来源】莘县司法局\n", Some("莘县司法局")),
            ("数据来源于统计\n", None),
            ("来源:2023\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(resolve("a.txt", text).publisher.as_deref(), want, "{text}");
        }
    }

    /// The body's place at the level the text calls itself (all sentences made up).
    #[test]
    fn body_place_at_every_level() {
        let code = |text: &str| {
            let m = resolve("x.txt", text);
            (m.region_code, m.level)
        };
        let prov = |c: &str| (c.to_string(), Some(Level::Province));
        let pref = |c: &str| (c.to_string(), Some(Level::Prefecture));
        let none = (String::new(), None);
        // A province's news item: 全省 twice and the province named; a city it mentions is a part.
        assert_eq!(
            code("据悉,去年全省共办理法律援助案件3万件,其中济南市4千件。湖南省…山东省司法厅介绍,全省调解组织…山东省"),
            prov("37")
        );
        // A municipality calls itself 全市.
        assert_eq!(
            code("记者从天津市司法局获悉,今年以来全市受理复议案件900件,全市各级…天津市"),
            prov("12")
        );
        // A prefecture named by its short name, with its county once.
        assert_eq!(
            code("本报讯 近日,洛阳召开发布会。今年全市调解纠纷5000件,全市…洛阳市司法局、洛宁县"),
            pref("4103")
        );
        // 全市 with only one of its counties named: the prefecture they share.
        assert_eq!(
            code("记者从市司法局了解到,全市办理援助案件800件,全市…其中宁陕县200件,宁陕县…"),
            pref("6109")
        );
        // A district naming only its municipality: the municipality is above it, so nothing.
        assert_eq!(
            code("区委、区政府高度重视,区司法局牵头…落实重庆市部署,重庆市…"),
            none
        );
        // The whole country.
        assert_eq!(
            code("司法部发布报告显示,全国共办理复议案件10万件,全国…本报北京电"),
            ("00".to_string(), Some(Level::Nation))
        );
        // A county named at the end of the chain once, like its parents: the lowest level.
        assert_eq!(
            code("四川省广安市前锋区司法局:今年办理援助案件300件"),
            ("511603".to_string(), Some(Level::County))
        );
    }

    #[test]
    fn dates() {
        let cases = [
            ("2024-03-22", Some("2024-03-22")),
            ("2022/12/30 09:53:33", Some("2022-12-30")),
            ("2024.3.5", Some("2024-03-05")),
            ("2024年3月22日", Some("2024-03-22")),
            ("２０２４－０３－２２", Some("2024-03-22")),
            ("2023-02-29", None),
            ("2024-13-01", None),
            ("2024", None),
            ("11371525004442025C/2024-45324773", None),
            ("", None),
        ];
        for (value, want) in cases {
            assert_eq!(parse_date(value).as_deref(), want, "{value}");
        }
    }

    #[test]
    fn date_labels_start_a_word() {
        let text = "正文\n围绕重要时间节点开展活动,2023-05-01\n有效性/截止日期:2030-01-01\n";
        assert_eq!(resolve("a.txt", text).published, None);
    }

    #[test]
    fn a_dateline_after_a_paper_name_is_the_publication_date() {
        let text = "某地新闻\n\n某某日报 2019-03-15 08:30\n\n本报讯 记者获悉…\n";
        let meta = resolve("a.txt", text);
        assert_eq!(meta.published.as_deref(), Some("2019-03-15"));
        // Published in March: about the year before.
        assert_eq!(meta.report_year, Some(2018));
        let text = "某地新闻\n某某日报 2019-06-20\n本报讯 …\n";
        assert_eq!(resolve("a.txt", text).report_year, Some(2019));
    }

    #[test]
    fn title_years() {
        let cases = [
            ("关于2023年法治政府建设情况的报告", Some(2023)),
            ("芝罘区司法2022年工作总结及2023年工作计划", Some(2022)),
            ("XX县2022年度法治政府建设报告", Some(2022)),
            ("二〇二一年度法治政府建设报告", Some(2021)),
            ("二○一九年度依法行政工作情况", Some(2019)),
            ("某县人民政府关于2023年法治政府建设情况的报告", Some(2023)),
            ("某区2022年度法治政府建设工作报告", Some(2022)),
            ("法治政府建设实施纲要(2021—2025年)", None),
            ("法治政府建设报告", None),
            ("第12345年", None),
        ];
        for (title, want) in cases {
            assert_eq!(year_in_title(title, Lexicon::bundled()), want, "{title}");
        }
    }

    #[test]
    fn embedded_codes_read_credit_codes_and_site_ids() {
        assert_eq!(
            embedded_codes("11371525004442025C/2024-45324773"),
            ["371525", "113715"]
        );
        assert_eq!(embedded_codes("4301210002"), ["012100", "430121"]);
        assert!(embedded_codes("abc").is_empty());
    }

    #[test]
    fn huge_text_without_header_is_cheap_and_empty() {
        let text = "这是正文。".repeat(200_000);
        let meta = resolve("a.txt", &text);
        assert_eq!(meta, DocMeta::default());
    }
}
