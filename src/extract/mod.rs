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

pub mod decision;
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
use crate::model::{ChangeUnit, Confidence, GivenMeta, StatedChange};
use decision::{Decision, Outcome, Reason, TargetCause};
use matcher::{Matcher, Window};
use normalize::Normalized;
use section::Sentence;

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
    /// Which metadata fields were given from outside the text (`--documents`), and where.
    pub meta_source: Option<String>,
    /// Changes the text states (同比增长12.5%), each about an indicator's value.
    pub stated_changes: Vec<StatedChange>,
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
        self.extract_given(doc, None)
    }

    /// [`Extractor::extract`] with place and year given from outside the text
    /// (`--documents`), which override what the text says before any value is dated.
    pub fn extract_given(&self, doc: &Document, given: Option<&GivenMeta>) -> Extraction {
        extract_with(
            doc,
            self.dict,
            &self.matcher,
            &self.divisions,
            &mut Log::default(),
            given,
        )
    }

    /// Extracts as [`Extractor::extract`] does, and also returns the decision on every number
    /// of the text, in text order (`fazhi explain`).
    pub fn explain(&self, doc: &Document) -> (Extraction, Vec<Decision>) {
        let mut log = Log {
            on: true,
            ..Log::default()
        };
        let ex = extract_with(
            doc,
            self.dict,
            &self.matcher,
            &self.divisions,
            &mut log,
            None,
        );
        let decisions = match normalize_for(doc, &ex, self.matcher.lexicon()) {
            Some(norm) => log.finish(&doc.text, &norm),
            None => Vec::new(),
        };
        (ex, decisions)
    }
}

impl Extractor<'_> {
    /// `(field, value, source)` rows for `fazhi explain`: where each field of `meta` (what
    /// [`Extractor::extract`] gave for `doc`) came from.
    pub fn metadata_sources(
        &self,
        doc: &Document,
        meta: &DocMeta,
    ) -> Vec<(&'static str, String, String)> {
        metadata::sources(
            &doc.name,
            &doc.text,
            meta,
            self.matcher.lexicon(),
            &self.divisions,
        )
    }
}

/// The normalised text the decisions of `doc` refer to (none when no report year was found,
/// since then nothing was decided).
fn normalize_for(doc: &Document, ex: &Extraction, lex: &Lexicon) -> Option<Normalized> {
    ex.meta
        .report_year
        .map(|_| normalize::normalize(&doc.text, lex))
}

fn extract_with(
    doc: &Document,
    dict: &IndicatorDict,
    matcher: &Matcher<'_>,
    divisions: &divisions::Divisions,
    log: &mut Log,
    given: Option<&GivenMeta>,
) -> Extraction {
    let lex = matcher.lexicon();
    let (mut meta, sources) = metadata::resolve_with_sources(&doc.name, &doc.text, lex, divisions);
    let mut warnings = Vec::new();
    let mut meta_source = None;
    if let Some(given) = given {
        match metadata::apply_given(&mut meta, given) {
            Ok(set) if !set.is_empty() => {
                meta_source = Some(format!("{} from {}", set.join(", "), given.source));
            }
            Ok(_) => {}
            Err(e) => warnings.push(format!("{}: {}: {e}", doc.name, given.source)),
        }
    }
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
        meta_source,
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
    // 今年 and 去年 are relative to when a text was written: a report's title year, else (news,
    // bulletins) the day it was published (某报 2019-03-15: 去年全市共办理… → 2018).
    let titled = given.is_some_and(|g| g.report_year.is_some())
        || matches!(sources.report_year, "title" | "file name");
    let publication = ex
        .meta
        .published
        .as_deref()
        .and_then(metadata::year_and_month);
    let anchor = match publication {
        Some((y, _)) if !titled && y >= report_year => y,
        _ => report_year,
    };
    let years = Years {
        year_to_date: !titled && publication.is_some_and(|(y, m)| y == anchor && m < 12),
        ..Years::new(report_year, anchor)
    };
    let (found, changes) = find_values(&norm, matcher, years, log);
    let text = Evidence::new(&doc.text, &norm);
    for c in changes {
        let (evidence, offset) = text.span(c.start, c.end);
        ex.stated_changes.push(StatedChange {
            doc: doc.name.clone(),
            region_code: ex.meta.region_code.clone(),
            province: ex.meta.province.clone(),
            prefecture: ex.meta.prefecture.clone(),
            county: ex.meta.county.clone(),
            level: ex.meta.level,
            metric: c.metric.to_string(),
            scope: c.scope,
            year: c.year,
            base_year: c.base_year,
            change: c.change,
            unit: c.unit,
            evidence,
            offset,
        });
    }
    let mut seen = HashSet::new();
    // What holds for every fact of the text.
    let mut doc_review = Vec::new();
    if ex.meta.region_code.is_empty() {
        doc_review.push(review::PLACE_UNRESOLVED);
    }
    if !titled
        && given.is_none_or(|g| g.report_year.is_none())
        && sources.report_year == "publish date"
    {
        doc_review.push(review::YEAR_FROM_PUBLICATION);
    }
    for v in found {
        let ind = dict
            .get(v.metric)
            .expect("matcher indices come from the dictionary");
        let (evidence, offset) = text.span(v.start, v.end);
        let reasons: Vec<&str> = v.review.iter().chain(&doc_review).copied().collect();
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
            level: ex.meta.level,
            confidence: if reasons.is_empty() {
                Confidence::High
            } else {
                Confidence::Review
            },
            review_reason: reasons.join("; "),
        };
        let key = (
            v.target,
            fact.metric.clone(),
            fact.year,
            fact.value.to_bits(),
        );
        if !seen.insert(key) {
            log.mark_repeated(v.at, v.metric);
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
    /// Where the number (or the words stating the value) starts: its decision's key.
    at: usize,
    /// Why the value needs a second look ([`review`] tags); empty when it does not.
    review: Vec<&'static str>,
}

/// Tags of `review_reason`: why a fact needs a second look.
mod review {
    /// The indicator's context is named only in earlier sentences of the paragraph.
    pub const SUBJECT_CARRIED_OVER: &str = "subject_carried_over";
    /// The number is named only by a list of nouns before it.
    pub const NAMED_BY_LIST: &str = "named_by_list";
    /// The text's place is not resolved.
    pub const PLACE_UNRESOLVED: &str = "place_unresolved";
    /// The text names no year of its own: its year comes from the publication date.
    pub const YEAR_FROM_PUBLICATION: &str = "year_from_publication";
}

/// A change the text states (同比增长12.5%, 比2019年增加842件, 下降2个百分点), before it is
/// given the document's metadata.
#[derive(Debug, Clone, PartialEq)]
struct ChangeFound<'d> {
    metric: &'d str,
    scope: Scope,
    year: i32,
    base_year: i32,
    /// Signed: a fall (下降, 减少) is negative.
    change: f64,
    unit: ChangeUnit,
    /// Evidence span in normalised characters.
    start: usize,
    end: usize,
}

/// The years a text's values are dated by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Years {
    /// The year the text is about: a value without a year of its own belongs to it.
    report: i32,
    /// The year 今年 means (去年 is the one before): the report year, or for a text without a
    /// title year (news, bulletins) the year it was published.
    anchor: i32,
    /// The text is dated by its publication, before December of `anchor`: 今年以来 there is a
    /// part of the year.
    year_to_date: bool,
}

impl Years {
    fn new(report: i32, anchor: i32) -> Years {
        Years {
            report,
            anchor,
            year_to_date: false,
        }
    }

    /// The latest year a result can be about: a later one is a plan.
    fn latest(self) -> i32 {
        self.report.max(self.anchor)
    }
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
fn find_values<'d>(
    norm: &Normalized,
    matcher: &Matcher<'d>,
    years: Years,
    log: &mut Log,
) -> (Vec<Found<'d>>, Vec<ChangeFound<'d>>) {
    let report_year = years.report;
    let chars = &norm.chars;
    let lex = matcher.lexicon();
    let sentences = section::sentences(chars, Some(report_year), lex);
    let tokens = if log.on {
        let mut dropped = Vec::new();
        let tokens = number::scan_with(chars, lex, |d| dropped.push(d));
        for d in dropped {
            log.reject_dropped(chars, &sentences, d, lex);
        }
        tokens
    } else {
        number::scan(chars, lex)
    };
    let target_clause = lex.target_clause_words.chars();
    let target_sentence = lex.target_sentence_words.chars();
    let averages = lex.average_words.chars();
    let mut out = Vec::new();
    let mut changes = Vec::new();
    let mut t = 0;
    // Start of the run of sentences that share one subject (see `SUBJECT_WORDS`).
    let mut topic_from = 0;
    let subject_groups: Vec<Vec<Vec<char>>> = lex
        .subject_groups
        .iter()
        .map(|group| group.chars().to_vec())
        .collect();
    let subjects = search::Occurrences::new(chars, &subject_groups);
    let mut prev_start = 0;
    let mut span_open = false;
    let mut prev_end = 0;
    for s in &sentences {
        while t < tokens.len() && tokens[t].start < s.start {
            let tok = &tokens[t];
            log.push(|| Raw::outside(chars, tok));
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
        let topic: &[char] = if own_subject {
            &[]
        } else {
            match subjects.groups_within(topic_from, s.start) {
                0 => &[],
                1 => &chars[topic_from..s.start],
                // …通报了复议和应诉工作情况,全市复议机关共收到申请900件。其中,受理820件:
                // the subject carried over is the one named last, when its clause names no
                // other.
                _ => nearest_subject(chars, &subjects, topic_from, s.start),
            }
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
        let (_, lead_end) = section::clause_around(chars, s, s.start, lex);
        let lead_year = year::explicit_year(&chars[s.start..lead_end], years.anchor, lex);
        let mut prev_quantity_end = s.start;
        // Metric, scope and year of each value found in this sentence, with where it ends.
        let mut found_here: Vec<(Stated<'_>, usize)> = Vec::new();
        while t < tokens.len() && tokens[t].end <= s.end {
            let tok = &tokens[t];
            t += 1;
            let implied;
            let n = match implied_count(chars, tok, lex) {
                Some(number) => {
                    implied = number;
                    &implied
                }
                None => &tok.number,
            };
            let (cs, ce) = section::clause_around(chars, s, tok.digits, lex);
            let ce = ce.max(tok.end);
            // 纠错率12%,同比下降2个百分点: a change of the rate stated before it.
            if n.kind == Some(UnitKind::Points) && !s.plan {
                let words = &chars[prev_quantity_end.max(cs).min(tok.start)..tok.start];
                if let (Some(word), Some(&((metric, scope, year), _))) =
                    (change_word(words, lex), found_here.last())
                {
                    let word: String = word.iter().collect();
                    changes.push(stated_change(
                        (metric, scope, year),
                        words,
                        n,
                        (cs, tok.end),
                        lex,
                    ));
                    let metric = Some(metric.to_string());
                    log.push(|| Raw::new(tok, n, (cs, ce), Outcome::Change, word, metric, None));
                    continue;
                }
            }
            if !(n.is_count() || n.is_percent()) {
                log.push(|| {
                    let reason = if n.unit.is_empty() {
                        Reason::NoUnit
                    } else {
                        Reason::NotACount
                    };
                    Raw::rejected(tok, n, (cs, ce), reason, n.unit.clone(), None)
                });
                continue;
            }
            let narrow = prev_quantity_end.max(cs).min(tok.start);
            prev_quantity_end = tok.end;
            // 审结的977件中直接纠错236件: a number followed by 中 is the base of what follows,
            // so no phrase after it names the number.
            // 评查案卷420件并整改问题15条: after 并 a new predicate starts, whose words neither
            // name nor exclude the number.
            let after_end = if lex.base_markers.starts_at(chars, tok.end)
                || lex.predicate_joiners.starts_at(chars, tok.end)
            {
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
            let (head, counted_list) = list_head(chars, s, cs, &tokens, lex);
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
                // 收到行政复议申请60件,同比增长20%: a change with no phrase of its own is
                // about the value stated before it in the sentence.
                let words = &chars[narrow..tok.start];
                // The cheap tests first: most numbers no phrase names follow no value.
                if let Some(&(key, _)) = found_here.last().filter(|_| !s.plan) {
                    if change_word(words, lex).is_some() {
                        changes.push(stated_change(key, words, n, (cs, tok.end), lex));
                    }
                }
                log.push(|| {
                    if let Some(word) = change_word(&chars[narrow..tok.start], lex) {
                        let metric = found_here.last().map(|((id, _, _), _)| id.to_string());
                        let word = word.iter().collect();
                        return Raw::new(tok, n, (cs, ce), Outcome::Change, word, metric, None);
                    }
                    let (reason, word, metric) =
                        matcher.why_unmatched(&n.unit, &window_from(list_start, 0, 0));
                    Raw::rejected(tok, n, (cs, ce), reason, word, metric)
                });
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
            let lead_qizhong = cs >= 1
                && matches!(chars[cs - 1], ',' | ':')
                && lex.breakdown_markers.ends_at(chars, cs - 1);
            let lead_clause = if lead_end <= cs {
                &chars[s.start..lead_end]
            } else {
                &[][..]
            };
            // 年均办理5万件 is an average; 占比22.2% / 占总数的19.1% is a share of something.
            let words_before = &chars[narrow..tok.start];
            let share_word = || search::find_any(words_before, lex.share_of_whole.chars());
            let dropped = if let Some(word) = change_word(words_before, lex) {
                // 受理案件同比增长12%: the value's own phrase, in the sentence's year.
                if !s.plan {
                    let lead = if lead_end <= cs { lead_year } else { None };
                    let key = found_here
                        .iter()
                        .rev()
                        .map(|(key, _)| *key)
                        .find(|(id, _, _)| *id == ind.id.as_str())
                        .unwrap_or((
                            ind.id.as_str(),
                            scope_of(ind, false),
                            lead.unwrap_or(report_year),
                        ));
                    changes.push(stated_change(key, words_before, n, (cs, tok.end), lex));
                }
                Some((None, word))
            } else if let Some(word) = search::find_any(words_before, averages) {
                Some((Some(Reason::Average), word))
            } else if let Some(word) = share_word().filter(|_| n.is_percent()) {
                Some((Some(Reason::ShareOfWhole), word))
            } else {
                named_share(before_clause, m.before_start, lead_qizhong, lex)
                    .map(|word| (Some(Reason::OtherBodyShare), word))
            };
            if let Some((reason, word)) = dropped {
                log.push(|| {
                    let word: String = word.iter().collect();
                    let metric = Some(ind.id.clone());
                    match reason {
                        Some(reason) => Raw::rejected(tok, n, (cs, ce), reason, word, metric),
                        None => Raw::new(tok, n, (cs, ce), Outcome::Change, word, metric, None),
                    }
                });
                continue;
            }
            let lead = if lead_end <= cs { lead_year } else { None };
            let mut year = year::explicit_year(&chars[narrow..tok.start], years.anchor, lex)
                .or(lead)
                .unwrap_or(report_year);
            let prefix = &chars[s.start..tok.start];
            let cumulative = year::is_cumulative(prefix, before_clause, report_year, lex)
                || (topic_spans_years && !year::is_dated(prefix, lex));
            let goal_word = search::find_any(before_clause, target_clause)
                .or_else(|| search::find_any(&chars[s.start..tok.start], target_sentence));
            let cause = if s.plan {
                Some(TargetCause::PlanSection)
            } else if year > years.latest() {
                Some(TargetCause::FutureYear)
            } else if goal_word.is_some() {
                Some(TargetCause::GoalWord)
            } else {
                None
            };
            let target = cause.is_some();
            // 1-4月, 上半年, 截至11月底, and 今年以来 in news written before December: a value for
            // part of the year, kept as such and never compared.
            let partial = year::is_partial_period(words_before, lex)
                || year::is_partial_period(lead_clause, lex)
                || (years.year_to_date && year::is_year_to_date(prefix, lex));
            let scope = if partial && !cumulative {
                Scope::Partial
            } else {
                scope_of(ind, cumulative)
            };
            if cumulative {
                year = report_year;
            }
            if target && year <= report_year && s.plan {
                year = report_year + 1;
            }
            let key = (ind.id.as_str(), scope, year);
            if let Some(marker) = breakdown(&chars[s.start..tok.start], key, &found_here, lex) {
                log.push(|| {
                    let metric = Some(ind.id.clone());
                    let word: String = marker.iter().collect();
                    Raw::rejected(tok, n, (cs, ce), Reason::PartOfWhole, word, metric)
                });
                continue;
            }
            let start = match m.before_start {
                Some(b) if cs + b >= narrow => narrow,
                _ => cs,
            };
            let end = tok.end + m.after_end.unwrap_or(0);
            found_here.push((key, tok.end - s.start));
            log.push(|| {
                let (outcome, word) = match cause {
                    Some(cause) => {
                        let word = match cause {
                            TargetCause::GoalWord => goal_word.unwrap_or_default().iter().collect(),
                            TargetCause::PlanSection | TargetCause::FutureYear => String::new(),
                        };
                        (Outcome::Target { cause }, word)
                    }
                    None => (Outcome::Fact, String::new()),
                };
                let phrase_from = match m.before_start {
                    Some(b) => cs + b,
                    None => tok.start,
                };
                let word = if word.is_empty() {
                    let phrase_to = tok.end + m.after_end.unwrap_or(0);
                    chars[phrase_from.min(tok.start)..phrase_to]
                        .iter()
                        .collect()
                } else {
                    word
                };
                Raw::new(
                    tok,
                    n,
                    (cs, ce),
                    outcome,
                    word,
                    Some(ind.id.clone()),
                    Some(year),
                )
            });
            let mut review = Vec::new();
            if matcher.context_only_in_topic(m.indicator, &chars[s.start..ce]) {
                review.push(review::SUBJECT_CARRIED_OVER);
            }
            if list_start < cs {
                review.push(review::NAMED_BY_LIST);
            }
            out.push(Found {
                metric: &ind.id,
                value: n.value,
                qualifier: n.qualifier,
                year,
                scope,
                target,
                start,
                end,
                at: tok.start,
                review,
            });
        }
        let stated = stated_values(chars, s, matcher, years);
        for f in &stated {
            log.push(|| Raw::stated(chars, f, s.plan));
        }
        out.extend(stated);
    }
    for tok in &tokens[t..] {
        log.push(|| Raw::outside(chars, tok));
    }
    (out, changes)
}

/// How far back (characters) a subject named earlier in the paragraph still carries.
const TOPIC_CHARS: usize = 400;

/// Whether a count or percentage lies within `from..to` (`tokens` are in text order).
/// The text from the last clause in `from..to` that names a subject up to `to`, when that
/// clause names exactly one; else nothing.
fn nearest_subject<'c>(
    chars: &'c [char],
    subjects: &search::Occurrences,
    from: usize,
    to: usize,
) -> &'c [char] {
    let mut end = to;
    while end > from {
        let mut body_end = end;
        while body_end > from && section::is_clause_break(chars[body_end - 1]) {
            body_end -= 1;
        }
        if body_end == from {
            break;
        }
        let start = chars[from..body_end]
            .iter()
            .rposition(|c| section::is_clause_break(*c))
            .map_or(from, |i| from + i + 1);
        match subjects.groups_within(start, body_end) {
            0 => end = start,
            1 => return &chars[start..to],
            _ => return &[],
        }
    }
    &[]
}

fn states_quantity(tokens: &[number::Token], from: usize, to: usize) -> bool {
    let first = tokens.partition_point(|k| k.start < from);
    tokens[first..]
        .iter()
        .take_while(|k| k.end <= to)
        .any(|k| k.number.is_count() || k.number.is_percent())
}

/// The longest line read as a heading whose subject carries into the paragraph below it.
const HEADING_CHARS: usize = 20;

/// A whole number that lost its measure word right after the noun it counts (审结复议案件
/// 4696,审结率…): read as 件 when the noun is 案件 and a clause ends after the number.
fn implied_count(chars: &[char], tok: &number::Token, lex: &Lexicon) -> Option<number::Number> {
    let n = &tok.number;
    let bare = n.unit.is_empty() && n.value.fract() == 0.0;
    let clause_ends = chars
        .get(tok.end)
        .is_some_and(|c| section::is_clause_break(*c) || *c == section::FULL_STOP);
    if !(bare && clause_ends) {
        return None;
    }
    let before = &chars[..tok.start];
    let (_, unit) = lex
        .implied_units
        .iter()
        .find(|(noun, _)| before.ends_with(noun))?;
    Some(number::Number {
        unit: unit.clone(),
        kind: Some(UnitKind::Count),
        ..n.clone()
    })
}

/// The head of the 、-list whose item starts at `cs` (`cs` itself outside a list), and whether
/// earlier items state quantities of their own (决策1件、规范性文件10件、合同70份).
fn list_head(
    chars: &[char],
    s: &Sentence,
    cs: usize,
    tokens: &[number::Token],
    lex: &Lexicon,
) -> (usize, bool) {
    let mut start = cs;
    while start > s.start + 1 && chars[start - 1] == section::LIST_COMMA {
        let (prev, _) = section::clause_around(chars, s, start - 1, lex);
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

/// The word that makes the words just before a number (`narrow`) state a change rather than a
/// level, if any. 增加至863人 and 提高到95% are levels; 同比 anywhere makes a change.
fn change_word<'n>(narrow: &'n [char], lex: &Lexicon) -> Option<&'n [char]> {
    let trimmed: &[char] = match narrow.last() {
        Some(c) if lex.change_links.contains(*c) => &narrow[..narrow.len() - 1],
        _ => narrow,
    };
    lex.change_words
        .chars()
        .iter()
        .find(|w| trimmed.ends_with(w))
        .map(|w| &trimmed[trimmed.len() - w.len()..])
        .or_else(|| search::find_any(narrow, lex.change_anywhere.chars()))
}

/// The change stated by number `n`, about the value `key` (metric, scope, year): `words` are
/// the words right before the number; `span` the evidence. The base year is a year named in
/// `words` before the value's year (比2019年增加…), else the year before (同比, 较上年).
fn stated_change<'d>(
    key: Stated<'d>,
    words: &[char],
    n: &number::Number,
    span: (usize, usize),
    lex: &Lexicon,
) -> ChangeFound<'d> {
    let (metric, scope, year) = key;
    let base_year = year::compared_year(words, lex)
        .filter(|b| *b < year)
        .unwrap_or(year - 1);
    let falls = search::find_any(words, lex.change_falls.chars()).is_some();
    let unit = if n.is_percent() {
        ChangeUnit::Percent
    } else if n.kind == Some(UnitKind::Points) {
        ChangeUnit::Points
    } else {
        ChangeUnit::Absolute
    };
    ChangeFound {
        metric,
        scope,
        year,
        base_year,
        change: if falls { -n.value } else { n.value },
        unit,
        start: span.0,
        end: span.1,
    }
}

/// The body or place named after 其中 before the indicator's phrase in the number's clause,
/// if any. `lead_qizhong`: the clause follows a bare 其中, (the body then opens the clause).
fn named_share<'c>(
    before_clause: &'c [char],
    phrase_start: Option<usize>,
    lead_qizhong: bool,
    lex: &Lexicon,
) -> Option<&'c [char]> {
    let from = if lead_qizhong {
        0
    } else {
        lex.breakdown_markers
            .chars()
            .iter()
            .filter_map(|w| search::find(before_clause, w).map(|at| at + w.len()))
            .min()?
    };
    let end = phrase_start.unwrap_or(before_clause.len()).max(from);
    search::find_any(&before_clause[from..end], lex.share_markers.chars())
}

/// What a value states: metric, scope and year.
type Stated<'a> = (&'a str, Scope, i32);

/// The breakdown marker (其中) that makes a value a part of a total stated earlier in its
/// sentence, if it is one: the same metric, scope
/// and year were found before a 其中 that precedes the value (人民调解组织268个,其中…街道
/// 249个 → 249 is a part; 累计接收844人,其中1-12月接收83人 → 83 is the year's own figure).
/// `prefix` runs from the sentence start to the value; `found` holds what was already found
/// in the sentence with the end of each value, relative to the same start.
fn breakdown<'p>(
    prefix: &'p [char],
    value: Stated<'_>,
    found: &[(Stated<'_>, usize)],
    lex: &Lexicon,
) -> Option<&'p [char]> {
    let (at, len) = lex
        .breakdown_markers
        .chars()
        .iter()
        .filter_map(|w| search::rfind(prefix, w).map(|at| (at, w.len())))
        .max()?;
    found
        .iter()
        .any(|(f, end)| *f == value && *end <= at)
        .then(|| &prefix[at..at + len])
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
    years: Years,
) -> Vec<Found<'d>> {
    let sentence = &chars[s.start..s.end];
    let clause_of = |at: usize| {
        let (a, b) = section::clause_around(chars, s, s.start + at, matcher.lexicon());
        (a - s.start, b - s.start)
    };
    matcher
        .stated(sentence, clause_of)
        .into_iter()
        .map(|m| {
            let ind = matcher.indicator(m.indicator);
            let (cs, _) = clause_of(m.start);
            let year = year::value_year(&sentence[cs..m.start], years.anchor, matcher.lexicon());
            Found {
                metric: &ind.id,
                value: m.value,
                qualifier: Qualifier::Derived,
                year,
                scope: ind.scope,
                target: s.plan || year > years.latest(),
                start: s.start + cs,
                end: s.start + m.end,
                at: s.start + m.start,
                review: Vec::new(),
            }
        })
        .collect()
}

/// One decision in normalised coordinates, before it is mapped back to the text.
#[derive(Debug, Clone)]
struct Raw {
    /// The number's span (or the span of the words stating a value).
    start: usize,
    end: usize,
    /// The clause it was decided in.
    clause: (usize, usize),
    value: f64,
    outcome: Outcome,
    metric: Option<String>,
    word: String,
    year: Option<i32>,
}

impl Raw {
    fn new(
        tok: &number::Token,
        n: &number::Number,
        clause: (usize, usize),
        outcome: Outcome,
        word: String,
        metric: Option<String>,
        year: Option<i32>,
    ) -> Raw {
        Raw {
            start: tok.start,
            end: tok.end,
            clause,
            value: n.value,
            outcome,
            metric,
            word,
            year,
        }
    }

    fn rejected(
        tok: &number::Token,
        n: &number::Number,
        clause: (usize, usize),
        reason: Reason,
        word: impl Into<String>,
        metric: Option<String>,
    ) -> Raw {
        let outcome = Outcome::Rejected { reason };
        Raw::new(tok, n, clause, outcome, word.into(), metric, None)
    }

    /// A number outside every body sentence (page chrome, or running across a sentence end).
    fn outside(chars: &[char], tok: &number::Token) -> Raw {
        let line = line_around(chars, tok.start);
        Raw::rejected(tok, &tok.number, line, Reason::NotInBody, "", None)
    }

    /// A value stated in words (全部出庭应诉).
    fn stated(chars: &[char], f: &Found<'_>, plan: bool) -> Raw {
        let outcome = if !f.target {
            Outcome::Fact
        } else if plan {
            Outcome::Target {
                cause: TargetCause::PlanSection,
            }
        } else {
            Outcome::Target {
                cause: TargetCause::FutureYear,
            }
        };
        Raw {
            start: f.at,
            end: f.end,
            clause: (f.start, f.end),
            value: f.value,
            outcome,
            metric: Some(f.metric.to_string()),
            word: chars[f.at..f.end].iter().collect(),
            year: Some(f.year),
        }
    }
}

/// The line around `at`, as the clause of a number decided outside any sentence.
fn line_around(chars: &[char], at: usize) -> (usize, usize) {
    let from = chars[..at]
        .iter()
        .rposition(|c| *c == '\n')
        .map_or(0, |p| p + 1);
    let to = chars[at..]
        .iter()
        .position(|c| *c == '\n')
        .map_or(chars.len(), |p| at + p);
    (from, to.max(at + 1).min(chars.len()))
}

/// The decisions of one extraction, recorded only when `on` (`fazhi explain`): a plain
/// extraction pays for one branch per number.
#[derive(Debug, Default)]
struct Log {
    on: bool,
    raws: Vec<Raw>,
}

impl Log {
    fn push(&mut self, raw: impl FnOnce() -> Raw) {
        if self.on {
            self.raws.push(raw());
        }
    }

    /// A number the scanner dropped, decided in its sentence's clause.
    fn reject_dropped(
        &mut self,
        chars: &[char],
        sentences: &[Sentence],
        d: number::Dropped,
        lex: &Lexicon,
    ) {
        let at = d.token.digits;
        let i = sentences.partition_point(|s| s.end <= at);
        let clause = match sentences.get(i).filter(|s| s.start <= at) {
            Some(s) => section::clause_around(chars, s, at, lex),
            None => line_around(chars, at),
        };
        let clause = (clause.0.min(d.token.start), clause.1.max(d.token.end));
        let n = d.token.number.clone();
        self.raws.push(Raw::rejected(
            &d.token,
            &n,
            clause,
            d.reason,
            d.word.to_string(),
            None,
        ));
    }

    /// A fact or target that repeats one already found in the document.
    fn mark_repeated(&mut self, at: usize, metric: &str) {
        if let Some(raw) = self.raws.iter_mut().find(|r| {
            r.start == at
                && r.metric.as_deref() == Some(metric)
                && matches!(r.outcome, Outcome::Fact | Outcome::Target { .. })
        }) {
            raw.outcome = Outcome::Rejected {
                reason: Reason::Repeated,
            };
            raw.word = String::new();
        }
    }

    /// The decisions in text order, mapped back to the original text.
    fn finish(self, text: &str, norm: &Normalized) -> Vec<Decision> {
        let evidence = Evidence::new(text, norm);
        let mut raws = self.raws;
        raws.sort_by_key(|r| (r.start, r.end));
        raws.into_iter()
            .map(|r| {
                let (number, offset) = evidence.span(r.start, r.end);
                let (clause, _) = evidence.span(r.clause.0, r.clause.1);
                Decision {
                    offset,
                    number,
                    value: r.value,
                    outcome: r.outcome,
                    metric: r.metric,
                    word: r.word,
                    year: r.year,
                    clause,
                }
            })
            .collect()
    }
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

    /// Each shape of stated change, in sentences of our own.
    #[test]
    fn stated_changes_are_read_with_their_metric_base_year_and_sign() {
        let dict = load_dict(None).expect("bundled dictionary");
        let ex = extract_document(
            &doc("某县2023年法治政府建设报告\n\
                  全年共收到行政复议申请120件,同比增长20%。\
                  全年办理法律援助案件500件,比2019年增加150件。\
                  行政复议纠错率为12%,同比下降2个百分点。\
                  受理行政复议案件同比减少5件。"),
            &dict,
        );
        let got: Vec<(&str, i32, i32, f64, ChangeUnit)> = ex
            .stated_changes
            .iter()
            .map(|c| (c.metric.as_str(), c.year, c.base_year, c.change, c.unit))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "reconsideration.received",
                    2023,
                    2022,
                    20.0,
                    ChangeUnit::Percent
                ),
                ("legal_aid.cases", 2023, 2019, 150.0, ChangeUnit::Absolute),
                (
                    "reconsideration.correction_rate",
                    2023,
                    2022,
                    -2.0,
                    ChangeUnit::Points
                ),
                (
                    "reconsideration.accepted",
                    2023,
                    2022,
                    -5.0,
                    ChangeUnit::Absolute
                ),
            ]
        );
        assert!(ex.stated_changes[1].evidence.contains("比2019年增加150件"));
        // The changes are not facts.
        assert_eq!(ex.facts.len(), 3, "{:?}", ex.facts);
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
