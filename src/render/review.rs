//! The facts marked `review` (issue 14): "the page and the briefing use `high` facts by
//! default and list the others for review". The analysis is computed from the `high` facts
//! only unless `--include-review` is given (the choice is `cmd/pipeline`'s); every output still
//! shows the others, so nothing extracted disappears: the facts table and sheet keep every
//! fact, and the page and the briefing list each review fact with why it needs a look.
//!
//! The reasons are the tags of `review_reason`, each shown in words from the labels
//! (`review.<tag>`); a tag the labels do not know (a hand-edited CSV) is shown as written.

use serde::Serialize;

use super::chart::{unit_label, value_label};
use super::Lang;
use crate::dict::IndicatorDict;
use crate::model::Fact;

/// The facts marked `review`, and whether the analysis counted them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReviewFacts<'a> {
    /// Every fact marked `review`, in fact order ([`Fact::order_key`]).
    pub facts: &'a [Fact],
    /// True under `--include-review`: the analysis counted them like the others (and its
    /// facts already hold them). Default: false, they were left out.
    pub counted: bool,
}

impl<'a> ReviewFacts<'a> {
    /// The facts the analysis left out, which the facts table must add back: none when it
    /// counted them.
    pub fn left_out(self) -> &'a [Fact] {
        if self.counted {
            &[]
        } else {
            self.facts
        }
    }
}

/// One review fact as the page and the briefing show it: plain text, escaped by each format.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewRow {
    /// The unit of government the fact is about (the most local name known), or empty.
    pub place: String,
    /// Indicator name.
    pub name: String,
    /// Year the value refers to.
    pub year: i32,
    /// The value as a plain number: the sort key of the page's column.
    pub v: String,
    /// The value with its qualifier mark.
    pub value: String,
    /// Its unit, in the page's language.
    pub unit: String,
    /// Why it needs review, in words, joined by the language's list separator.
    pub reasons: String,
    /// The source sentence.
    pub evidence: String,
    /// The source file.
    pub doc: String,
}

/// Each review fact as a row, in fact order.
pub fn review_rows(review: &ReviewFacts<'_>, dict: &IndicatorDict, lang: Lang) -> Vec<ReviewRow> {
    review
        .facts
        .iter()
        .map(|f| review_row(f, dict, lang))
        .collect()
}

/// One review fact as a row.
pub fn review_row(f: &Fact, dict: &IndicatorDict, lang: Lang) -> ReviewRow {
    ReviewRow {
        place: [&f.county, &f.prefecture, &f.province]
            .into_iter()
            .find(|p| !p.is_empty())
            .map(|p| super::place::place(p, lang).into_owned())
            .unwrap_or_default(),
        name: dict.name(&f.metric, lang.is_en()).to_string(),
        year: f.year,
        v: crate::model::format_value(f.value),
        value: value_label(f),
        unit: unit_label(&f.unit, lang).to_string(),
        reasons: reason_words(&f.review_reason, lang),
        evidence: f.evidence.clone(),
        doc: f.doc.clone(),
    }
}

/// True when the fact was set aside as far from its peers (tag `outlier`): the page lists
/// these first, since a value a hundred times its peers' is news or an extraction error.
pub fn is_outlier(f: &Fact) -> bool {
    f.review_reason.split(';').any(|t| t.trim() == "outlier")
}

/// The tags of a `review_reason` (`a; b`) in words, one label per tag.
pub fn reason_words(reason: &str, lang: Lang) -> String {
    let words: Vec<&str> = reason
        .split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|tag| match tag {
            "subject_carried_over" => lang.text("review.subject_carried_over"),
            "named_by_list" => lang.text("review.named_by_list"),
            "place_unresolved" => lang.text("review.place_unresolved"),
            "year_from_publication" => lang.text("review.year_from_publication"),
            "confirmed" => lang.text("review.confirmed"),
            "corrected" => lang.text("review.corrected"),
            "outlier" => lang.text("review.outlier"),
            other => other,
        })
        .collect();
    words.join(lang.text("review.separator"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_has_words_and_unknown_tags_stay_as_written() {
        for lang in [Lang::Zh, Lang::En] {
            for tag in [
                "subject_carried_over",
                "named_by_list",
                "place_unresolved",
                "year_from_publication",
                "confirmed",
                "corrected",
                "outlier",
            ] {
                let words = reason_words(tag, lang);
                assert!(!words.is_empty() && words != tag, "{tag} {lang:?}");
            }
        }
        assert_eq!(
            reason_words("place_unresolved; hand_checked", Lang::En),
            format!("{}; hand_checked", Lang::En.text("review.place_unresolved"))
        );
        assert_eq!(reason_words("", Lang::Zh), "");
    }
}
