//! Stage 2: text → facts.
//!
//! Reads a decoded [`Document`] and returns every indicator value it
//! states, each with its evidence substring and character offset into the decoded text.
//! Invariants: `evidence == text.chars().skip(offset).take(evidence.chars().count())`;
//! values under next-year plan headings are never facts; nothing here names a county.
//!
//! The steps, one module each: [`normalize`] (full-width forms, stray spaces; offsets kept) →
//! [`section`] (page chrome skipped, plan sections marked, sentences and clauses) → [`number`]
//! (every number scanned once; years, dates, ordinals, slogans dropped) → [`matcher`] (each
//! quantity attributed from its own clause and sentence with the compiled dictionary) →
//! [`year`] (the year a value belongs to and its scope). Values in plans or stated as goals
//! (确保…达到, 力争) go to [`Extraction::targets`], never to the facts.

pub mod divisions;
pub mod matcher;
pub mod metadata;
pub mod normalize;
pub mod number;
pub mod score;
pub mod search;
pub mod section;
pub mod year;

pub use crate::model::{format_value, Fact, Qualifier, Scope, FACT_COLUMNS};
pub use metadata::DocMeta;

use std::collections::HashSet;

use crate::dict::{Indicator, IndicatorDict, Lexicon, UnitKind};
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
///
/// Compiles the dictionary for this one call; a batch compiles it once with [`Extractor`].
pub fn extract_document(doc: &Document, dict: &IndicatorDict) -> Extraction {
    Extractor::new(dict).extract(doc)
}

/// The dictionary and the lexicon compiled once for a whole run and shared, read-only, by
/// every worker thread: extracting with it gives exactly what [`extract_document`] gives.
#[derive(Debug, Clone)]
pub struct Extractor<'d> {
    dict: &'d IndicatorDict,
    matcher: Matcher<'d>,
    divisions: divisions::Tables,
}

impl<'d> Extractor<'d> {
    /// Compiles `dict`'s phrases and word lists, with the bundled lexicon.
    pub fn new(dict: &'d IndicatorDict) -> Extractor<'d> {
        Extractor::with_lexicon(dict, Lexicon::bundled())
    }

    /// Compiles `dict`'s phrases and word lists; every other rule reads `lexicon`.
    pub fn with_lexicon(dict: &'d IndicatorDict, lexicon: &'d Lexicon) -> Extractor<'d> {
        Extractor {
            dict,
            matcher: Matcher::with_lexicon(dict, lexicon),
            divisions: divisions::Tables::for_lexicon(lexicon),
        }
    }

    /// Extracts metadata and facts from one decoded document.
    pub fn extract(&self, doc: &Document) -> Extraction {
        extract_with(doc, self.dict, &self.matcher, &self.divisions)
    }
}

fn extract_with(
    doc: &Document,
    dict: &IndicatorDict,
    matcher: &Matcher<'_>,
    divisions: &divisions::Divisions,
) -> Extraction {
    let lex = matcher.lexicon();
    let meta = metadata::resolve_with(&doc.name, &doc.text, lex, divisions);
    let mut warnings = Vec::new();
    if meta.region_code.is_empty() {
        warnings.push(format!(
            "{}: county not resolved to a division code",
            doc.name
        ));
    }
    let norm = normalize::normalize(&doc.text, lex);
    let report_year = meta
        .report_year
        .or_else(|| year::title_year(&norm.chars, lex));
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
            "{}: report year {report_year} guessed from the title",
            doc.name
        ));
        ex.meta.report_year = Some(report_year);
    }
    let found = find_values(&norm, matcher, report_year);
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
    warnings.extend(conflicts(&doc.name, &ex.facts));
    ex.warnings = warnings;
    ex
}

/// One warning per metric, year and scope stated with different values in one report (a
/// subset the rules did not recognise, or a correction in the text): the analyst should look.
fn conflicts(doc: &str, facts: &[Fact]) -> Vec<String> {
    let mut groups: std::collections::BTreeMap<(&str, i32, Scope), Vec<f64>> =
        std::collections::BTreeMap::new();
    for f in facts {
        let values = groups.entry((&f.metric, f.year, f.scope)).or_default();
        if !values.contains(&f.value) {
            values.push(f.value);
        }
    }
    groups
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|((metric, year, scope), v)| {
            let values: Vec<String> = v.iter().map(|x| format_value(*x)).collect();
            format!(
                "{doc}: {metric} {year} ({scope}) is stated with {} different values: {}",
                v.len(),
                values.join(", ")
            )
        })
        .collect()
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
    norm: &'t Normalized,
}

impl<'t> Evidence<'t> {
    fn new(text: &'t str, norm: &'t Normalized) -> Evidence<'t> {
        Evidence { text, norm }
    }

    /// The original substring covering normalised `start..end`, and its character offset.
    fn span(&self, start: usize, end: usize) -> (String, usize) {
        let last = end.max(start + 1) - 1;
        let from = self.norm.origin_bytes[start];
        let last_byte = self.norm.origin_bytes[last];
        let to = last_byte
            + self.text[last_byte..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
        (self.text[from..to].to_string(), self.norm.origin[start])
    }
}

/// Finds every indicator value in normalised text: one pass over sentences, numbers scanned
/// once, each quantity matched against the compiled dictionary in its own clause.
fn find_values<'d>(norm: &Normalized, matcher: &Matcher<'d>, report_year: i32) -> Vec<Found<'d>> {
    let chars = &norm.chars;
    let lex = matcher.lexicon();
    let sentences = section::sentences(chars, Some(report_year), lex);
    let tokens = number::scan(chars, lex);
    let target_clause = search::words(TARGET_CLAUSE_WORDS);
    let target_sentence = search::words(TARGET_SENTENCE_WORDS);
    let averages = search::words(AVERAGE_WORDS);
    let mut out = Vec::new();
    let mut t = 0;
    // Start of the run of sentences that share one subject (see `SUBJECT_WORDS`).
    let mut topic_from = 0;
    let subject_groups: Vec<Vec<Vec<char>>> = SUBJECT_WORDS
        .iter()
        .map(|group| search::words(group))
        .collect();
    let subjects = search::Occurrences::new(chars, &subject_groups);
    let mut prev_start = 0;
    let mut span_open = false;
    let mut prev_end = 0;
    for s in &sentences {
        while t < tokens.len() && tokens[t].start < s.start {
            t += 1;
        }
        let own_subject = subjects.groups_within(s.start, s.end) > 0;
        let new_paragraph = chars[prev_end.min(s.start)..s.start].contains(&'\n');
        if new_paragraph {
            // A new paragraph starts a new subject, unless the line before is a short
            // heading (行政复议工作) that names it.
            let heading = prev_end - prev_start <= HEADING_CHARS
                && !states_quantity(&tokens, prev_start, prev_end);
            topic_from = if heading { prev_start } else { s.start };
        }
        // 受理1033件 after a sentence about 复议: the subject carries over the full stop
        // unless this sentence names one of its own.
        topic_from = topic_from.max(s.start.saturating_sub(TOPIC_CHARS));
        let topic: &[char] = if own_subject || subjects.groups_within(topic_from, s.start) != 1 {
            &[]
        } else {
            &chars[topic_from..s.start]
        };
        // 改革实施以来,成效显著。截至…底,共受理9起: a span of years opened by a sentence
        // without figures runs on through its paragraph until a sentence is dated.
        let sentence_tokens = tokens[t..]
            .iter()
            .take_while(|k| k.end <= s.end)
            .any(|k| k.number.is_count() || k.number.is_percent());
        // Each test runs only when its answer could change the span (most sentences open none).
        if span_open && (new_paragraph || year::is_dated(&chars[s.start..s.end], lex)) {
            span_open = false;
        }
        let topic_spans_years = span_open;
        if !span_open
            && !sentence_tokens
            && year::is_cumulative(&chars[s.start..s.end], &[], report_year, lex)
        {
            span_open = true;
        }
        if own_subject {
            topic_from = s.start;
        }
        prev_start = s.start;
        prev_end = s.end;
        // A period stated at the head of a sentence (截至2022年底, / 2023年,) covers its clauses.
        let (_, lead_end) = section::clause_around(chars, s, s.start);
        let lead_year = year::explicit_year(&chars[s.start..lead_end], report_year, lex);
        let mut prev_quantity_end = s.start;
        // Metric, scope and year of each value found in this sentence, with where it ends.
        let mut found_here: Vec<(Stated<'_>, usize)> = Vec::new();
        while t < tokens.len() && tokens[t].end <= s.end {
            let tok = &tokens[t];
            t += 1;
            let implied;
            let n = match implied_count(chars, tok) {
                Some(number) => {
                    implied = number;
                    &implied
                }
                None => &tok.number,
            };
            if !(n.is_count() || n.is_percent()) {
                continue;
            }
            let (cs, ce) = section::clause_around(chars, s, tok.digits);
            let ce = ce.max(tok.end);
            let narrow = prev_quantity_end.max(cs).min(tok.start);
            prev_quantity_end = tok.end;
            // 审结的977件中直接纠错236件: a number followed by 中 is the base of what follows,
            // so no phrase after it names the number.
            let after_end = if chars.get(tok.end) == Some(&'中') {
                tok.end
            } else {
                ce
            };
            // 结案(包括不予受理及审结)86件: an aside right before the number lists what the
            // number contains; the words naming the number stand before it.
            let before_end = match tok.start.checked_sub(1).map(|i| chars[i]) {
                Some(')') => chars[cs..tok.start]
                    .iter()
                    .rposition(|c| *c == '(')
                    .map_or(tok.start, |open| cs + open),
                _ => tok.start,
            };
            // Items of a list of quantities (审查决策1件、规范性文件10件、合同70份) share the verb
            // before the first item, but only their own words name them. A number after a list
            // of nouns (以各乡、镇、各部门为被申请人的复议案件35件) is named by its own clause
            // if it can be, else by the whole list, every word of which may then exclude it.
            let (head, counted_list) = list_head(chars, s, cs, &tokens);
            let window_from = |from: usize, own_from: usize, clause_from: usize| Window {
                before: &chars[from..before_end],
                own_from,
                clause_from,
                after: &chars[tok.end..after_end],
                sentence_prefix: &chars[s.start..ce],
                topic,
            };
            let (list_start, m) = if counted_list {
                (
                    head,
                    matcher.best(&n.unit, &window_from(head, cs - head, cs - head)),
                )
            } else {
                match matcher.best(&n.unit, &window_from(cs, 0, 0)) {
                    Some(m) => (cs, Some(m)),
                    None if head < cs => (head, matcher.best(&n.unit, &window_from(head, 0, 0))),
                    None => (cs, None),
                }
            };
            let Some(m) = m else {
                continue;
            };
            let ind = matcher.indicator(m.indicator);
            // Positions in `m` are relative to the window, which starts at the list's head.
            let m = matcher::Match {
                before_start: m.before_start.map(|b| (list_start + b).max(cs) - cs),
                ..m
            };
            let before_clause = &chars[cs..tok.start];
            // 其中,城关镇…: the 其中 ends the previous clause but governs this one.
            let lead_qizhong = cs >= 3
                && chars[cs - 3..cs - 1] == ['其', '中']
                && matches!(chars[cs - 1], ',' | ':');
            let lead_clause = if lead_end <= cs {
                &chars[s.start..lead_end]
            } else {
                &[][..]
            };
            // 年均办理5万件 is an average; 占比22.2% / 占总数的19.1% is a share of something.
            if is_change(&chars[narrow..tok.start])
                || contains_any(&chars[narrow..tok.start], &averages)
                || (n.is_percent() && chars[narrow..tok.start].contains(&'占'))
                || year::is_partial_period(&chars[narrow..tok.start], lex)
                || year::is_partial_period(lead_clause, lex)
                || is_named_share(before_clause, m.before_start, lead_qizhong)
            {
                continue;
            }
            let lead = if lead_end <= cs { lead_year } else { None };
            let mut year = year::explicit_year(&chars[narrow..tok.start], report_year, lex)
                .or(lead)
                .unwrap_or(report_year);
            let prefix = &chars[s.start..tok.start];
            let cumulative = year::is_cumulative(prefix, before_clause, report_year, lex)
                || (topic_spans_years && !year::is_dated(prefix, lex));
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
            let key = (ind.id.as_str(), scope, year);
            if is_breakdown(&chars[s.start..tok.start], key, &found_here) {
                continue;
            }
            let start = match m.before_start {
                Some(b) if cs + b >= narrow => narrow,
                _ => cs,
            };
            let end = tok.end + m.after_end.unwrap_or(0);
            found_here.push((key, tok.end - s.start));
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
        out.extend(stated_values(chars, s, matcher, report_year));
    }
    out
}

/// Words that name a subject of their own, one group per subject: a sentence without any of
/// them continues the subject of the sentences before it in the paragraph (复议 context over a
/// full stop), provided those name exactly one subject (复议应诉工作 names two).
const SUBJECT_WORDS: &[&[&str]] = &[
    &["复议"],
    &["诉讼", "应诉", "法院", "检察"],
    &["人民调解", "调委会", "调解员", "纠纷"],
    &["法律援助"],
    &["公证"],
    &["矫正"],
    &["信访", "投诉", "举报", "热线"],
    &["信息公开"],
    &["执法"],
    &["普法", "宣传"],
    &["规范性文件"],
    &["合同"],
    &["决策"],
    &["咨询"],
    &["审批", "许可"],
];

/// How far back (characters) a subject named earlier in the paragraph still carries.
const TOPIC_CHARS: usize = 400;

/// Whether a count or percentage lies within `from..to` (`tokens` are in text order).
fn states_quantity(tokens: &[number::Token], from: usize, to: usize) -> bool {
    let first = tokens.partition_point(|k| k.start < from);
    tokens[first..]
        .iter()
        .take_while(|k| k.end <= to)
        .any(|k| k.number.is_count() || k.number.is_percent())
}

/// The longest line read as a heading whose subject carries into the paragraph below it.
const HEADING_CHARS: usize = 20;

/// Words before a number that make it an average, not a total (年均, 平均).
const AVERAGE_WORDS: &[&str] = &["年均", "平均", "月均", "日均"];

/// A whole number that lost its measure word right after the noun it counts (审结复议案件
/// 4696,审结率…): read as 件 when the noun is 案件 and a clause ends after the number.
fn implied_count(chars: &[char], tok: &number::Token) -> Option<number::Number> {
    let n = &tok.number;
    let bare = n.unit.is_empty() && n.value.fract() == 0.0;
    let after_noun = tok.start >= 2 && chars[tok.start - 2..tok.start] == ['案', '件'];
    let clause_ends = chars
        .get(tok.end)
        .is_some_and(|c| section::is_clause_break(*c) || *c == '。');
    (bare && after_noun && clause_ends).then(|| number::Number {
        unit: "件".to_string(),
        kind: Some(UnitKind::Count),
        ..n.clone()
    })
}

/// The head of the 、-list whose item starts at `cs` (`cs` itself outside a list), and whether
/// earlier items state quantities of their own (决策1件、规范性文件10件、合同70份).
fn list_head(chars: &[char], s: &Sentence, cs: usize, tokens: &[number::Token]) -> (usize, bool) {
    let mut start = cs;
    while start > s.start + 1 && chars[start - 1] == '、' {
        let (prev, _) = section::clause_around(chars, s, start - 1);
        if prev >= start - 1 {
            break;
        }
        start = prev;
    }
    if start == cs {
        return (cs, false);
    }
    (start, states_quantity(tokens, start, cs))
}

/// Words right before a number that make it a change, not a level (同比增长12%, 减少5件).
const CHANGE_WORDS: &[&str] = &[
    "增加", "减少", "增长", "下降", "上升", "提高", "提升", "降低", "增幅", "降幅",
];

/// Whether the words just before a number (`narrow`) state a change rather than a level.
/// 增加至863人 and 提高到95% are levels; 同比 anywhere makes a change.
fn is_change(narrow: &[char]) -> bool {
    let trimmed: &[char] = match narrow.last() {
        Some('了') | Some('达') | Some('为') => &narrow[..narrow.len() - 1],
        _ => narrow,
    };
    let ends_with = |w: &str| {
        let w: Vec<char> = w.chars().collect();
        trimmed.ends_with(&w)
    };
    CHANGE_WORDS.iter().any(|w| ends_with(w))
        || search::contains_any_str(narrow, &["同比", "比上年", "较上年"])
}

/// Words naming a body or a place: after 其中, they make the number one body's share
/// (其中城关镇调解纠纷300件, 其中县法院委派调解220件), not a breakdown by kind or period
/// (其中依法受理112件, 其中1-12月接收83人).
const SHARE_MARKERS: &[&str] = &[
    "镇",
    "乡",
    "街道",
    "社区",
    "村",
    "局",
    "中心",
    "所",
    "委员会",
    "法院",
    "检察院",
    "办公室",
    "公司",
    "企业",
    "部门",
    "单位",
];

/// Whether the number's clause says 其中 + a body or place before the indicator's phrase.
/// `lead_qizhong`: the clause follows a bare 其中, (the body then opens the clause).
fn is_named_share(before_clause: &[char], phrase_start: Option<usize>, lead_qizhong: bool) -> bool {
    let from = if lead_qizhong {
        0
    } else {
        match before_clause.windows(2).position(|w| w == ['其', '中']) {
            Some(at) => at + 2,
            None => return false,
        }
    };
    let end = phrase_start.unwrap_or(before_clause.len()).max(from);
    search::contains_any_str(&before_clause[from..end], SHARE_MARKERS)
}

/// What a value states: metric, scope and year.
type Stated<'a> = (&'a str, Scope, i32);

/// Whether a value is a part of a total stated earlier in its sentence: the same metric, scope
/// and year were found before a 其中 that precedes the value (人民调解组织268个,其中…街道
/// 249个 → 249 is a part; 累计接收844人,其中1-12月接收83人 → 83 is the year's own figure).
/// `prefix` runs from the sentence start to the value; `found` holds what was already found
/// in the sentence with the end of each value, relative to the same start.
fn is_breakdown(prefix: &[char], value: Stated<'_>, found: &[(Stated<'_>, usize)]) -> bool {
    let Some(qizhong) = prefix.windows(2).rposition(|w| w == ['其', '中']) else {
        return false;
    };
    found.iter().any(|(f, end)| *f == value && *end <= qizhong)
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
            let year = year::value_year(&sentence[cs..m.start], report_year, matcher.lexicon());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::load_dict;

    fn doc(text: &str) -> Document {
        crate::ingest::document_from_text("t.txt", text)
    }

    type Row = (&'static str, i32, f64, Qualifier);

    fn rows(facts: &[Fact]) -> Vec<(String, i32, f64, Qualifier)> {
        facts
            .iter()
            .map(|f| (f.metric.clone(), f.year, f.value, f.qualifier))
            .collect()
    }

    fn want(rows: &[Row]) -> Vec<(String, i32, f64, Qualifier)> {
        rows.iter()
            .map(|(m, y, v, q)| (m.to_string(), *y, *v, *q))
            .collect()
    }

    /// Phrasings the bundled reports do not use: the rules must read the language, not the seeds.
    #[test]
    fn attribution_generalises_to_other_phrasings() {
        use Qualifier::*;
        let dict = load_dict(None).expect("bundled dictionary");
        let title = "某县2023年法治政府建设年度报告\n一、主要举措和成效\n";
        let table: &[(&str, &[Row], &[Row])] = &[
            (
                "全年新收行政复议申请52件,依法受理45件,审结40件,综合纠错率12.5%。",
                &[
                    ("reconsideration.received", 2023, 52.0, Exact),
                    ("reconsideration.accepted", 2023, 45.0, Exact),
                    ("reconsideration.concluded", 2023, 40.0, Exact),
                    ("reconsideration.correction_rate", 2023, 12.5, Exact),
                ],
                &[],
            ),
            ("县政务服务中心受理政府信息公开申请30件。", &[], &[]),
            (
                "全年办结行政复议案件二十八件。",
                &[("reconsideration.concluded", 2023, 28.0, Exact)],
                &[],
            ),
            (
                "收到行政复议申请１２件，受理１０件。",
                &[
                    ("reconsideration.received", 2023, 12.0, Exact),
                    ("reconsideration.accepted", 2023, 10.0, Exact),
                ],
                &[],
            ),
            (
                "截至2022年底,全县共有持证执法人员1,523人。",
                &[("enforcement.certified_staff", 2022, 1523.0, Exact)],
                &[],
            ),
            (
                "各级调解组织调处各类矛盾纠纷1.2万余起,调解成功率达98.7%。",
                &[
                    ("mediation.disputes", 2023, 12_000.0, MoreThan),
                    ("mediation.success_rate", 2023, 98.7, Exact),
                ],
                &[],
            ),
            (
                "全县建立人民调解委员会186个,人民调解员约900名,其中行业性专业性人民调解委员会12个。",
                &[
                    ("mediation.committees", 2023, 186.0, Exact),
                    ("mediation.mediators", 2023, 900.0, Nearly),
                ],
                &[],
            ),
            (
                "开展普法宣传活动两百余场次,受众约3万人次。",
                &[
                    ("publicity.events", 2023, 200.0, MoreThan),
                    ("publicity.audience", 2023, 30_000.0, Nearly),
                ],
                &[],
            ),
            (
                "2020年以来累计接收社区矫正对象320名。",
                &[("community_correction.received", 2023, 320.0, Exact)],
                &[],
            ),
            (
                "全年办理公证3,200件,其中保全证据公证80件。",
                &[("notary.cases", 2023, 3200.0, Exact)],
                &[],
            ),
            (
                "行政机关负责人均出庭应诉。",
                &[("litigation.head_appearance_rate", 2023, 100.0, Derived)],
                &[],
            ),
            (
                "确保行政机关负责人出庭应诉率达到100%。",
                &[],
                &[("litigation.head_appearance_rate", 2023, 100.0, Exact)],
            ),
            (
                "受理 73 件行政复议申请中,不予受理6件。",
                &[
                    ("reconsideration.accepted", 2023, 73.0, Exact),
                    ("reconsideration.rejected", 2023, 6.0, Exact),
                ],
                &[],
            ),
            ("受理行政复议申请同比增长12%,受理数增加5件。", &[], &[]),
            ("上半年,全县调解矛盾纠纷1200件;1-6月接收社区矫正对象40人。", &[], &[]),
            (
                "全年完成政府合同合法性审查120件,审查企业合同80份。",
                &[("contracts.reviewed", 2023, 120.0, Exact)],
                &[],
            ),
            (
                "全年入矫230人,解矫198人。全区在册刑满释放人员400人,其中解除矫正150人。",
                &[
                    ("community_correction.received", 2023, 230.0, Exact),
                    ("community_correction.released", 2023, 198.0, Exact),
                ],
                &[],
            ),
            (
                "全区共有持证行政执法人员3,456名,较去年新增210名。",
                &[("enforcement.certified_staff", 2023, 3456.0, Exact)],
                &[],
            ),
            (
                "区政府共收到行政复议申请二百一十件,受理一百八十五件;组织1200名执法人员参加执法证年审考试。",
                &[
                    ("reconsideration.received", 2023, 210.0, Exact),
                    ("reconsideration.accepted", 2023, 185.0, Exact),
                ],
                &[],
            ),
            (
                "全县调解矛盾纠纷900件,其中城关镇调解矛盾纠纷300件;全县调解矛盾纠纷900件,其中,县法院委派调解矛盾纠纷220件。",
                &[("mediation.disputes", 2023, 900.0, Exact)],
                &[],
            ),
            (
                "三、2024年工作打算\n力争全年调解矛盾纠纷3000件,行政复议纠错率达到15%。",
                &[],
                &[
                    ("mediation.disputes", 2024, 3000.0, Exact),
                    ("reconsideration.correction_rate", 2024, 15.0, Exact),
                ],
            ),
            (
                "当前位置:首页 > 法治政府\n访问量:12345人次 扫一扫\n落实《提升行政执法质量三年行动计划(2023-2025年)》。",
                &[],
                &[],
            ),
            // A breakdown after 其中 repeats the metric of the total: only the total counts.
            (
                "全县现有人民调解委员会310个,其中规范化调委会200个,村级调委会280个。",
                &[("mediation.committees", 2023, 310.0, Exact)],
                &[],
            ),
            (
                "县法律援助中心全年办理法律援助案件960宗(其中民事案件300宗、行政法律援助案件2宗),另接待来电来访咨询4100人次。",
                &[
                    ("legal_aid.cases", 2023, 960.0, Exact),
                    ("legal_aid.consultations", 2023, 4100.0, Exact),
                ],
                &[],
            ),
            // Places counted, not committees; a subset meeting a standard.
            (
                "全县12个乡镇和300个行政村全部建立了人民调解委员会。",
                &[],
                &[],
            ),
            // An aside in brackets between the verb and the number.
            (
                "全年审结行政复议案件88件(含上年结转5件),其中纠错(含撤销、变更)11件。",
                &[
                    ("reconsideration.concluded", 2023, 88.0, Exact),
                    ("reconsideration.corrected", 2023, 11.0, Exact),
                ],
                &[],
            ),
            // The reconsideration body first, then the verb.
            (
                "全县行政复议机关新收案件95件。",
                &[("reconsideration.received", 2023, 95.0, Exact)],
                &[],
            ),
            // The older name of community-correction subjects; bare 解除 and 在册.
            (
                "全年累计接收社区服刑人员130人,解除118人,在册140人。",
                &[
                    ("community_correction.received", 2023, 130.0, Exact),
                    ("community_correction.released", 2023, 118.0, Exact),
                    ("community_correction.supervised", 2023, 140.0, Exact),
                ],
                &[],
            ),
            (
                "全县有调解人员1500名,其中专业人民调解员60名。",
                &[("mediation.mediators", 2023, 1500.0, Exact)],
                &[],
            ),
            // One event's or one group's share is not the county's figure.
            (
                "本次宣传活动发放资料2000份,现场法律咨询80余人次;全年办理特殊群体法律援助案件40件。",
                &[],
                &[],
            ),
            (
                "全县法律顾问全年参与调解纠纷300件,成功调解矛盾纠纷260件。",
                &[],
                &[],
            ),
            (
                "全年各人民调解组织共受理案件2100宗,成功调处2050宗。",
                &[
                    ("mediation.disputes", 2023, 2100.0, Exact),
                    ("mediation.successful", 2023, 2050.0, Exact),
                ],
                &[],
            ),
            (
                "全年共办证5600多件,办理民事公证事项3000件。",
                &[("notary.cases", 2023, 5600.0, MoreThan)],
                &[],
            ),
            (
                "全县新建立社区人民调解委员会5个;行政机关负责人出庭应诉案件60件。",
                &[],
                &[],
            ),
            (
                "全年法律服务队为群众提供法律咨询900人次。",
                &[],
                &[],
            ),
            (
                "区政府审结的复议案件640件中直接纠错80件,各级行政复议机关共收案700件。",
                &[
                    ("reconsideration.concluded", 2023, 640.0, Exact),
                    ("reconsideration.corrected", 2023, 80.0, Exact),
                    ("reconsideration.received", 2023, 700.0, Exact),
                ],
                &[],
            ),
            (
                "全县人民调解组织调解纠纷5000件(含法院委派调解成功1200件)。",
                &[("mediation.disputes", 2023, 5000.0, Exact)],
                &[],
            ),
            // The subject of a sentence carries over a full stop or semicolon…
            (
                "本年新收到行政复议申请64件。依法受理58件;作出撤销、确认违法等纠错决定9件。",
                &[
                    ("reconsideration.received", 2023, 64.0, Exact),
                    ("reconsideration.accepted", 2023, 58.0, Exact),
                    ("reconsideration.corrected", 2023, 9.0, Exact),
                ],
                &[],
            ),
            // …and from a short heading into its paragraph…
            (
                "(三)行政复议\n全年依法受理41件,审结39件。",
                &[
                    ("reconsideration.accepted", 2023, 41.0, Exact),
                    ("reconsideration.concluded", 2023, 39.0, Exact),
                ],
                &[],
            ),
            // …but not when the paragraph names two subjects, nor past a new paragraph.
            (
                "抓好行政复议和行政应诉工作。共办理案件300件,办结280件。",
                &[],
                &[],
            ),
            (
                "收到行政复议申请20件。\n全年受理各类申请500件。",
                &[("reconsideration.received", 2023, 20.0, Exact)],
                &[],
            ),
            // A share of a total, an average, a subset by sector are not the county's figure.
            (
                "收到行政复议申请300件,占全市申请总数的15.2%。",
                &[("reconsideration.received", 2023, 300.0, Exact)],
                &[],
            ),
            ("年均办理公证4000余件,化解涉农矛盾纠纷2000件。", &[], &[]),
            (
                "受理行政复议申请50件,其中受理治安类案件12件,占24%。",
                &[("reconsideration.accepted", 2023, 50.0, Exact)],
                &[],
            ),
            // A measure word lost after the number.
            (
                "全年共审结复议案件3120,审结率为91.2%。",
                &[("reconsideration.concluded", 2023, 3120.0, Exact)],
                &[],
            ),
            // An aside before the number lists its parts; it does not name the number.
            (
                "收到行政复议申请70件。全年审结(含不予受理和终止审理)66件。",
                &[
                    ("reconsideration.received", 2023, 70.0, Exact),
                    ("reconsideration.concluded", 2023, 66.0, Exact),
                ],
                &[],
            ),
            // A verb before a list of quantities reaches each item, but only an item's own
            // object names its number; a list of nouns is named as a whole.
            (
                "法律顾问全年审查重大行政决策2件、规范性文件12件、政府合同45份、会议纪要30件。",
                &[
                    ("normative_docs.filed", 2023, 12.0, Exact),
                    ("contracts.reviewed", 2023, 45.0, Exact),
                ],
                &[],
            ),
            (
                "本年共收到以各乡镇、县直各部门为被申请人的行政复议申请28件。",
                &[("reconsideration.received", 2023, 28.0, Exact)],
                &[],
            ),
            // Mediation bodies that are not people's mediation committees, and a total of
            // every kind of mediator before the people's mediators.
            ("省级社会团体调解组织8个,个人调解工作室30个。", &[], &[]),
            (
                "全县建立村居调解委员会300个,共有各类调解人员900名,其中人民调解员600名。",
                &[
                    ("mediation.committees", 2023, 300.0, Exact),
                    ("mediation.mediators", 2023, 600.0, Exact),
                ],
                &[],
            ),
            (
                "共化解矛盾纠纷800件,调解成功率99%;通过诉调对接化解矛盾纠纷500件。",
                &[
                    ("mediation.disputes", 2023, 800.0, Exact),
                    ("mediation.success_rate", 2023, 99.0, Exact),
                ],
                &[],
            ),
        ];
        for (body, facts, targets) in table {
            let ex = extract_document(&doc(&format!("{title}{body}")), &dict);
            assert_eq!(rows(&ex.facts), want(facts), "facts of {body}");
            assert_eq!(rows(&ex.targets), want(targets), "targets of {body}");
        }
    }

    #[test]
    fn a_span_of_years_without_a_year_is_cumulative() {
        let dict = load_dict(None).expect("bundled dictionary");
        let table = [
            ("近几年来,县政府共收到行政复议申请40件。", Scope::Cumulative),
            (
                "改革试点以来,全县累计接收社区矫正对象900人。",
                Scope::Cumulative,
            ),
            ("多年来坚持调解优先,全年调解矛盾纠纷800件。", Scope::Annual),
            ("近3年全县共办理各类公证1.2万件。", Scope::Cumulative),
            (
                "2015年3月至2023年11月底,全县累计接收社区矫正对象860人。",
                Scope::Cumulative,
            ),
            (
                "复议体制改革实施以来,成效初显。截至2023年9月底,共受理行政复议案件25件。",
                Scope::Cumulative,
            ),
            (
                "复议体制改革实施以来,成效初显。2023年受理行政复议案件25件。",
                Scope::Annual,
            ),
            (
                "党的十九大以来,全县办理法律援助案件1500件。",
                Scope::Cumulative,
            ),
        ];
        for (body, want) in table {
            let text = format!("某县2023年法治政府建设年度报告\n{body}");
            let ex = extract_document(&doc(&text), &dict);
            let scopes: Vec<Scope> = ex.facts.iter().map(|f| f.scope).collect();
            assert_eq!(scopes, vec![want], "{body}");
        }
    }

    #[test]
    fn evidence_is_the_exact_original_substring() {
        let dict = load_dict(None).expect("bundled dictionary");
        let text =
            "某县2023年法治政府建设年度报告\n\u{3000}全年共收到行政复议申请 １５ 件，受理 12 件。";
        let ex = extract_document(&doc(text), &dict);
        assert_eq!(ex.facts.len(), 2);
        for f in &ex.facts {
            let at: String = text
                .chars()
                .skip(f.offset)
                .take(f.evidence.chars().count())
                .collect();
            assert_eq!(at, f.evidence);
            assert!(f.evidence.contains('件'), "{}", f.evidence);
        }
        assert_eq!(ex.facts[0].evidence, "全年共收到行政复议申请 １５ 件");
    }

    proptest::proptest! {
        /// Whatever the text, extraction does not panic and every evidence is the exact
        /// substring at its offset.
        #[test]
        fn evidence_invariant_holds_on_any_text(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "2023年", "受理", "行政复议", "申请", "12", "1,234", "3.5", "万", "余", "件",
                    "人", "%", "，", ",", "。", "\n", " ", "　", "１２", "一、", "(一)", "下一步",
                    "《", "》", "“", "”", "其中", "镇", "调解", "纠纷", "成功", "率", "近", "百分之",
                    "九十", "两千", "第", "-", "—", "累计", "截至", "以来", "全部出庭应诉", "负责人",
                    "确保", "达到", "扫一扫", "持证", "人员", "由", "的", "目前",
                ]),
                0..60,
            )
        ) {
            let dict = load_dict(None).expect("bundled dictionary");
            let text = format!("某县2023年法治政府建设报告\n{}", parts.concat());
            let ex = extract_document(&doc(&text), &dict);
            for f in ex.facts.iter().chain(&ex.targets) {
                let at: String = text
                    .chars()
                    .skip(f.offset)
                    .take(f.evidence.chars().count())
                    .collect();
                proptest::prop_assert_eq!(&at, &f.evidence);
                proptest::prop_assert!(f.value.is_finite());
            }
        }
    }

    #[test]
    fn a_new_indicator_needs_only_data() {
        let toml = r##"
[[indicator]]
id = "arbitration.cases"
zh_name = "劳动人事争议仲裁案件数"
en_name = "Labour arbitration cases"
unit = "件"
kind = "count"
scope = "annual"
units = ["件", "起"]
phrases = ["仲裁…案件", "#…仲裁案件"]
exclude = ["调解"]
"##;
        let dict = crate::dict::parse_dict(toml, "extra.toml").expect("valid dictionary");
        let ex = extract_document(
            &doc(
                "某县2023年法治政府建设报告\n全年受理劳动人事争议仲裁案件315件,调解仲裁案件20件。",
            ),
            &dict,
        );
        assert_eq!(
            rows(&ex.facts),
            want(&[("arbitration.cases", 2023, 315.0, Qualifier::Exact)])
        );
    }

    #[test]
    fn different_values_for_one_metric_are_flagged() {
        let dict = load_dict(None).expect("bundled dictionary");
        let ex = extract_document(
            &doc("某县2023年法治政府建设报告\n全年调解矛盾纠纷900件。另调解矛盾纠纷120件。"),
            &dict,
        );
        assert_eq!(ex.facts.len(), 2);
        assert!(
            ex.warnings
                .iter()
                .any(|w| w.contains("mediation.disputes 2023") && w.contains("900, 120")),
            "{:?}",
            ex.warnings
        );
    }

    #[test]
    fn no_report_year_means_no_facts_and_a_warning() {
        let dict = load_dict(None).expect("bundled dictionary");
        let ex = extract_document(&doc("收到行政复议申请15件。"), &dict);
        assert!(ex.facts.is_empty());
        assert!(ex.warnings.iter().any(|w| w.contains("report year")));
    }

    #[test]
    fn one_shared_extractor_gives_what_a_fresh_compile_gives() {
        let dict = load_dict(None).expect("bundled dictionary");
        let extractor = Extractor::new(&dict);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reports");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("bundled reports")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        assert!(!paths.is_empty());
        let mut texts: Vec<Document> = paths
            .iter()
            .map(|p| doc(&std::fs::read_to_string(p).expect("utf-8 report")))
            .collect();
        texts.push(doc(
            "甲县2023年法治政府建设年度报告\n受理行政复议案件73件。",
        ));
        for d in &texts {
            let fresh = extract_document(d, &dict);
            let shared = extractor.extract(d);
            assert_eq!(fresh.facts, shared.facts);
            assert_eq!(fresh.targets, shared.targets);
            assert_eq!(fresh.warnings, shared.warnings);
        }
    }
}
