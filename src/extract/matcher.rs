//! Attribution: which indicator a number belongs to, from its clause and sentence.
//!
//! Part of stage 2 (extract). The dictionary's phrases are compiled once into character tables;
//! each number is then tested only against the short windows around it (its clause, the
//! sentence up to that clause), so the cost grows with the number of quantities, not with
//! indicators × text. A candidate indicator must accept the number's unit, find its context in
//! the sentence (复议 carries across 「接收行政复议申请91件,受理73件,…」), hit none of its
//! excludes, and match a phrase; among candidates the phrase closest to the number wins, then
//! the longer phrase. Invariant: a number gets at most one indicator.

use std::collections::HashMap;

use super::decision::Reason;
use super::search::{self, Sketch};
use crate::dict::{Indicator, IndicatorDict, Lexicon};

type Word = Vec<char>;

/// A compiled phrase: parts before the number and parts after it, each a sequence of words
/// matched in order with gaps allowed.
#[derive(Debug, Clone)]
struct Phrase {
    before: Vec<Word>,
    after: Vec<Word>,
    weight: usize,
    /// The characters of `before` and of `after`: a window without them is not searched.
    before_sketch: Sketch,
    after_sketch: Sketch,
}

fn parts(side: &str) -> Vec<Word> {
    side.split('…')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().chars().collect())
        .collect()
}

impl Phrase {
    /// How this phrase matches the windows around a number, if it does.
    fn matches(&self, indicator: usize, w: &Window<'_>, sketches: [Sketch; 2]) -> Option<Match> {
        if !(sketches[0].covers(self.before_sketch) && sketches[1].covers(self.after_sketch)) {
            return None;
        }
        let before = if self.before.is_empty() {
            None
        } else {
            let (start, end) = match_before(w.before, &self.before)?;
            // In a list of quantities the phrase's last word must be the item's own object.
            let last = self.before.last().map_or(0, Vec::len);
            if end - last < w.own_from {
                return None;
            }
            Some((start, end))
        };
        let after = if self.after.is_empty() {
            None
        } else {
            Some(match_after(w.after, &self.after)?)
        };
        let distance = before.map_or(0, |(_, e)| w.before.len() - e) + after.map_or(0, |(s, _)| s);
        Some(Match {
            indicator,
            distance,
            weight: self.weight,
            before_start: before.map(|(s, _)| s),
            after_end: after.map(|(_, e)| e),
        })
    }

    fn compile(text: &str) -> Phrase {
        let (before, after) = match text.split_once('#') {
            Some((b, a)) => (parts(b), parts(a)),
            None => (parts(text), Vec::new()),
        };
        let weight = before.iter().chain(&after).map(Vec::len).sum();
        Phrase {
            before_sketch: Sketch::of_words(&before),
            after_sketch: Sketch::of_words(&after),
            before,
            after,
            weight,
        }
    }
}

/// One indicator's compiled matching tables.
#[derive(Debug, Clone)]
struct Compiled<'d> {
    indicator: &'d Indicator,
    phrases: Vec<Phrase>,
    context: Vec<Word>,
    exclude: Vec<Word>,
    exclude_sentence: Vec<Word>,
    /// Words that state a value, the value, and the words' characters.
    stated: Vec<(Word, f64, Sketch)>,
}

/// Whether any word occurs in `hay`.
pub fn contains_any(hay: &[char], list: &[Word]) -> bool {
    list.iter().any(|w| search::contains(hay, w))
}

/// Matches `parts` in order ending as late as possible in `hay`: (start, end).
fn match_before(hay: &[char], parts: &[Word]) -> Option<(usize, usize)> {
    let mut limit = hay.len();
    let mut end = None;
    let mut start = 0;
    for part in parts.iter().rev() {
        let at = search::rfind(&hay[..limit], part)?;
        if end.is_none() {
            end = Some(at + part.len());
        }
        start = at;
        limit = at;
    }
    end.map(|e| (start, e))
}

/// Matches `parts` in order starting as early as possible in `hay`: (start, end).
fn match_after(hay: &[char], parts: &[Word]) -> Option<(usize, usize)> {
    let mut from = 0;
    let mut start = None;
    for part in parts {
        let at = from + search::find(&hay[from..], part)?;
        if start.is_none() {
            start = Some(at);
        }
        from = at + part.len();
    }
    start.map(|s| (s, from))
}

/// The text around one number, as windows of normalised characters.
#[derive(Debug, Clone, Copy)]
pub struct Window<'t> {
    /// The clause from its start to the number. For an item of a list of quantities
    /// (审查决策1件、规范性文件10件、合同70份) it starts at the list's head, so the shared verb
    /// is seen.
    pub before: &'t [char],
    /// Where the number's own item starts in `before` (0 outside such a list): the last word of
    /// a phrase must lie there, so one item's object never names another item's number.
    pub own_from: usize,
    /// Where the number's own clause starts in `before`: excludes are checked from there, so
    /// a word at the list's head (涉及…) does not exclude every item.
    pub clause_from: usize,
    /// The clause from the end of the number (unit included) to the clause's end.
    pub after: &'t [char],
    /// The sentence from its start to the end of the number's clause.
    pub sentence_prefix: &'t [char],
    /// Earlier sentences of the paragraph that still set the topic (empty when the sentence
    /// names a subject of its own): an indicator's context may be found there.
    pub topic: &'t [char],
}

/// How an indicator matched a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Index of the indicator in the dictionary.
    pub indicator: usize,
    /// Characters between the phrase and the number (smaller is better).
    pub distance: usize,
    /// Characters of the phrase (larger is more specific).
    pub weight: usize,
    /// Where the phrase starts in `before`, when it has a part there.
    pub before_start: Option<usize>,
    /// Where the phrase ends in `after`, when it has a part there.
    pub after_end: Option<usize>,
}

/// A value stated in words, found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatedMatch {
    /// Index of the indicator in the dictionary.
    pub indicator: usize,
    /// The value the words state.
    pub value: f64,
    /// Start of the words in the searched slice.
    pub start: usize,
    /// End of the words in the searched slice.
    pub end: usize,
}

/// The dictionary compiled for matching, with the lexicon every other rule reads.
#[derive(Debug, Clone)]
pub struct Matcher<'d> {
    compiled: Vec<Compiled<'d>>,
    /// For each unit, the indicators that accept it, in dictionary order.
    by_unit: HashMap<&'d str, Vec<usize>>,
    lexicon: &'d Lexicon,
}

impl<'d> Matcher<'d> {
    /// Compiles every indicator's phrases and word lists, with the bundled lexicon.
    pub fn new(dict: &'d IndicatorDict) -> Matcher<'d> {
        Matcher::with_lexicon(dict, Lexicon::bundled())
    }

    /// The lexicon the extraction rules read beside this dictionary.
    pub fn lexicon(&self) -> &'d Lexicon {
        self.lexicon
    }

    /// Compiles every indicator's phrases and word lists; `lexicon` goes with them.
    pub fn with_lexicon(dict: &'d IndicatorDict, lexicon: &'d Lexicon) -> Matcher<'d> {
        let compiled = dict
            .indicators
            .iter()
            .map(|ind| Compiled {
                indicator: ind,
                phrases: ind.phrases.iter().map(|p| Phrase::compile(p)).collect(),
                context: search::words(&ind.context),
                exclude: search::words(&ind.exclude),
                exclude_sentence: search::words(&ind.exclude_sentence),
                stated: ind
                    .stated
                    .iter()
                    .map(|s| {
                        let words: Word = s.phrase.chars().collect();
                        let sketch = Sketch::of(&words);
                        (words, s.value, sketch)
                    })
                    .collect(),
            })
            .collect();
        let mut by_unit: HashMap<&'d str, Vec<usize>> = HashMap::new();
        for (i, ind) in dict.indicators.iter().enumerate() {
            for unit in &ind.units {
                let list = by_unit.entry(unit.as_str()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        Matcher {
            compiled,
            by_unit,
            lexicon,
        }
    }

    /// Whether indicator `index` has context words and none of them is in `sentence_prefix`:
    /// the match then rests on the subject carried over from earlier sentences.
    pub fn context_only_in_topic(&self, index: usize, sentence_prefix: &[char]) -> bool {
        let c = &self.compiled[index];
        !c.context.is_empty() && !contains_any(sentence_prefix, &c.context)
    }

    /// The indicator at `index`.
    pub fn indicator(&self, index: usize) -> &'d Indicator {
        self.compiled[index].indicator
    }

    /// Context found, no exclude hit. The clause is given in parts (before and after the
    /// number): an exclude word never spans a number, so no joined copy is needed.
    fn admissible(
        c: &Compiled<'_>,
        clause: [&[char]; 2],
        sentence_prefix: &[char],
        topic: &[char],
    ) -> bool {
        (c.context.is_empty()
            || contains_any(sentence_prefix, &c.context)
            || contains_any(topic, &c.context))
            && !clause.iter().any(|part| contains_any(part, &c.exclude))
            && !contains_any(sentence_prefix, &c.exclude_sentence)
    }

    /// The best indicator for a number with `unit` in window `w`, if any.
    ///
    /// Phrases are tried first, on the short clause windows; the sentence-wide context and
    /// exclude checks run only for an indicator whose phrase would beat the best so far.
    pub fn best(&self, unit: &str, w: &Window<'_>) -> Option<Match> {
        let mut best: Option<Match> = None;
        let rank = |m: &Match| (m.distance, std::cmp::Reverse(m.weight));
        let indicators = self.by_unit.get(unit)?;
        let sketches = [Sketch::of(w.before), Sketch::of(w.after)];
        for &i in indicators {
            let c = &self.compiled[i];
            let Some(m) = c
                .phrases
                .iter()
                .filter_map(|p| p.matches(i, w, sketches))
                .min_by_key(|m| rank(m))
            else {
                continue;
            };
            if best.as_ref().is_some_and(|b| rank(b) <= rank(&m)) {
                continue;
            }
            if Self::admissible(
                c,
                [&w.before[w.clause_from..], w.after],
                w.sentence_prefix,
                w.topic,
            ) {
                best = Some(m);
            }
        }
        best
    }

    /// Why no indicator took a number with `unit` in window `w` ([`Matcher::best`] found
    /// none), with the deciding word: the closest phrase that matched and what ruled its
    /// indicator out (an exclude word, or the missing context), else no phrase at all.
    /// The third element is the indicator of that closest phrase.
    pub fn why_unmatched(&self, unit: &str, w: &Window<'_>) -> (Reason, String, Option<String>) {
        let Some(indicators) = self.by_unit.get(unit) else {
            return (Reason::UnitOfNoIndicator, unit.to_string(), None);
        };
        let sketches = [Sketch::of(w.before), Sketch::of(w.after)];
        let rank = |m: &Match| (m.distance, std::cmp::Reverse(m.weight));
        let closest = indicators
            .iter()
            .filter_map(|&i| {
                self.compiled[i]
                    .phrases
                    .iter()
                    .filter_map(|p| p.matches(i, w, sketches))
                    .min_by_key(|m| rank(m))
            })
            .min_by_key(|m| rank(m));
        let Some(m) = closest else {
            return (Reason::NoIndicator, String::new(), None);
        };
        let c = &self.compiled[m.indicator];
        let clause = [&w.before[w.clause_from..], w.after];
        let excluded = c
            .exclude
            .iter()
            .find(|x| clause.iter().any(|part| search::contains(part, x)))
            .or_else(|| {
                c.exclude_sentence
                    .iter()
                    .find(|x| search::contains(w.sentence_prefix, x))
            });
        let metric = Some(c.indicator.id.clone());
        match excluded {
            Some(word) => (Reason::ExcludedWord, word.iter().collect(), metric),
            None => (Reason::NoContext, String::new(), metric),
        }
    }

    /// Values stated in words in `sentence` (全部出庭应诉 → 100), with their context checked
    /// in the sentence up to the words and excludes in the words' clause.
    pub fn stated(
        &self,
        sentence: &[char],
        clause_of: impl Fn(usize) -> (usize, usize),
    ) -> Vec<StatedMatch> {
        let mut out = Vec::new();
        let sketch = Sketch::of(sentence);
        for (i, c) in self.compiled.iter().enumerate() {
            for (phrase, value, phrase_sketch) in &c.stated {
                if !sketch.covers(*phrase_sketch) {
                    continue;
                }
                let Some(at) = search::find(sentence, phrase) else {
                    continue;
                };
                let end = at + phrase.len();
                let (cs, ce) = clause_of(at);
                let clause = &sentence[cs..ce.max(end)];
                if Self::admissible(c, [clause, &[]], &sentence[..ce.max(end)], &[]) {
                    out.push(StatedMatch {
                        indicator: i,
                        value: *value,
                        start: at,
                        end,
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn ordered_parts_with_gaps() {
        let hay = c("成功调解各类矛盾纠纷");
        assert_eq!(match_before(&hay, &[c("调解"), c("纠纷")]), Some((2, 10)));
        assert_eq!(match_before(&hay, &[c("纠纷"), c("调解")]), None);
        let after = c("名拟执法人员参加了行政执法资格考试");
        assert_eq!(
            match_after(&after, &[c("参加"), c("资格考试")]),
            Some((6, after.len()))
        );
    }

    #[test]
    fn phrases_compile_by_side() {
        let p = Phrase::compile("报备#…规范性文件");
        assert_eq!(p.before, vec![c("报备")]);
        assert_eq!(p.after, vec![c("规范性文件")]);
        let p = Phrase::compile("#…不予受理");
        assert!(p.before.is_empty());
        assert_eq!(p.weight, 4);
    }
}
