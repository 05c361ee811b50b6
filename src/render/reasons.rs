//! The words of the analysis's findings: a [`CheckReason`] or a row's [`Notes`] as a sentence
//! in the run's language, from the `check.*` and `note.*` labels (`data/labels.toml`). The
//! analysis hands over kinds and numbers only; indicators are named by the dictionary in the
//! same language, units through the `units.*` labels, and file names are quoted as they are.

use super::chart::unit_label;
use super::Lang;
use crate::analysis::{CheckReason, Note, Notes, Verdict, Which};
use crate::dict::IndicatorDict;
use crate::ingest::{InputReason, InputRecord};
use crate::model::{format_value, ChangeUnit, Qualifier};

/// What a check found, as one sentence in `lang` (the `message` column, the page's and the
/// briefing's check lines).
pub fn check_message(reason: &CheckReason, dict: &IndicatorDict, lang: Lang) -> String {
    let name = |id: &str| dict.name(id, lang.is_en()).to_string();
    let v = |x: f64| format_value(x);
    match reason {
        CheckReason::Conflict { scope, values } => {
            let stated: Vec<String> = values
                .iter()
                .map(|(value, doc)| {
                    lang.fill("check.stated_value", &[("value", &v(*value)), ("doc", doc)])
                })
                .collect();
            lang.fill(
                "check.conflict",
                &[
                    ("scope", &super::table::scope_label(*scope, lang)),
                    ("values", &stated.join(lang.text("check.versus"))),
                ],
            )
        }
        CheckReason::NotANumber { value } => lang.fill("check.not_a_number", &[("value", value)]),
        CheckReason::RateAbove100 { value } => {
            lang.fill("check.rate_above_100", &[("value", &v(*value))])
        }
        CheckReason::Negative { value, unit } => lang.fill(
            "check.negative_value",
            &[("value", &v(*value)), ("unit", &unit_label(unit, lang))],
        ),
        CheckReason::RateVsParts {
            reported,
            numerator_metric,
            numerator,
            denominator_metric,
            denominator,
            computed,
            verdict,
        } => lang.fill(
            "check.rate_vs_parts",
            &[
                ("reported", &v(*reported)),
                ("num", &name(numerator_metric)),
                ("den", &name(denominator_metric)),
                ("n", &v(*numerator)),
                ("d", &v(*denominator)),
                ("computed", &format!("{computed:.4}")),
                ("verdict", &verdict_text(*verdict, lang)),
            ],
        ),
        CheckReason::PartExceedsWhole {
            part_metric,
            part,
            whole_metric,
            whole,
            lower_bound,
        } => {
            let key = if *lower_bound {
                "check.part_exceeds_lower_bound"
            } else {
                "check.part_exceeds_whole"
            };
            lang.fill(
                key,
                &[
                    ("part", &name(part_metric)),
                    ("pv", &v(*part)),
                    ("whole", &name(whole_metric)),
                    ("wv", &v(*whole)),
                ],
            )
        }
        CheckReason::JumpPoints {
            from,
            to,
            per_year,
            threshold,
        } => lang.fill(
            "check.jump_points",
            &[
                ("span", &span(*from, *to, lang)),
                ("per_year", &format!("{per_year:+.1}")),
                ("threshold", &v(*threshold)),
            ],
        ),
        CheckReason::JumpZero { from, to } => {
            lang.fill("check.jump_zero", &[("span", &span(*from, *to, lang))])
        }
        CheckReason::JumpFactor {
            from,
            to,
            factor,
            threshold,
        } => lang.fill(
            "check.jump_factor",
            &[
                ("span", &span(*from, *to, lang)),
                ("factor", &format!("{factor:.2}")),
                ("threshold", &v(*threshold)),
            ],
        ),
        CheckReason::StatedChange {
            change,
            unit,
            value_unit,
            base_year,
            doc,
            values,
            computed,
            verdict,
        } => {
            let computed = match unit {
                ChangeUnit::Percent => format!("{computed:+.4}%"),
                _ => change_text(*computed, *unit, value_unit, lang),
            };
            lang.fill(
                "check.stated_change",
                &[
                    ("stated", &change_text(*change, *unit, value_unit, lang)),
                    ("base_year", base_year),
                    ("doc", doc),
                    ("a", &v(values.0)),
                    ("b", &v(values.1)),
                    ("computed", &computed),
                    ("verdict", &verdict_text(*verdict, lang)),
                ],
            )
        }
    }
}

/// The verdict of a comparison between a stated figure and a computed one.
fn verdict_text(verdict: Verdict, lang: Lang) -> &'static str {
    match verdict {
        Verdict::Rounding => lang.text("check.verdict_rounding"),
        Verdict::Truncation => lang.text("check.verdict_truncation"),
        Verdict::InconsistentApproximate => lang.text("check.verdict_inconsistent_approximate"),
        Verdict::Inconsistent => lang.text("check.verdict_inconsistent"),
    }
}

/// `2022 100 → 2023 250`, in the language's order.
fn span(from: (i32, f64), to: (i32, f64), lang: Lang) -> String {
    lang.fill(
        "check.span",
        &[
            ("from_year", &from.0),
            ("from", &format_value(from.1)),
            ("to_year", &to.0),
            ("to", &format_value(to.1)),
        ],
    )
}

/// A signed change in its unit: `+12.5%`, `-3 cases`, `+2.1 percentage points`.
fn change_text(change: f64, unit: ChangeUnit, value_unit: &str, lang: Lang) -> String {
    let v = format_value(change);
    let v = if change > 0.0 { format!("+{v}") } else { v };
    match unit {
        ChangeUnit::Percent => format!("{v}%"),
        ChangeUnit::Absolute => lang.fill(
            "check.change_absolute",
            &[("v", &v), ("unit", &unit_label(value_unit, lang))],
        ),
        ChangeUnit::Points => lang.fill("check.change_points", &[("v", &v)]),
    }
}

/// A row's notes in `lang`, joined by the language's separator (the `note` column, the
/// page's and the briefing's rate notes).
pub fn notes_text(notes: &Notes, dict: &IndicatorDict, lang: Lang) -> String {
    let words: Vec<String> = notes.0.iter().map(|n| note_text(n, dict, lang)).collect();
    words.join(lang.text("note.separator"))
}

/// One note in `lang`.
pub fn note_text(note: &Note, dict: &IndicatorDict, lang: Lang) -> String {
    let name = |id: &str| dict.name(id, lang.is_en()).to_string();
    let v = |x: f64| format_value(x);
    match note {
        Note::WorkedBack {
            base_year,
            doc,
            change,
            unit,
            value_unit,
            year,
            later,
        } => {
            // The formula has no words: the later value undone by the stated change.
            let how = match unit {
                ChangeUnit::Percent => format!(
                    "{} ÷ (1 {} {}%)",
                    v(*later),
                    if *change < 0.0 { "−" } else { "+" },
                    v(change.abs())
                ),
                ChangeUnit::Absolute | ChangeUnit::Points => format!(
                    "{} {} {}",
                    v(*later),
                    if *change < 0.0 { "+" } else { "−" },
                    v(change.abs())
                ),
            };
            lang.fill(
                "note.worked_back",
                &[
                    ("base_year", base_year),
                    ("doc", doc),
                    ("stated", &change_text(*change, *unit, value_unit, lang)),
                    ("year", year),
                    ("how", &how),
                ],
            )
        }
        Note::StatedLater { year, report_year } => lang.fill(
            "note.stated_later",
            &[("year", year), ("report_year", report_year)],
        ),
        Note::RatePoints => lang.text("note.rate_points").to_string(),
        Note::Gap { from, to } => lang.fill(
            "note.gap",
            &[("gap", &(to - from)), ("from", from), ("to", to)],
        ),
        Note::PreviousFrom { doc } => lang.fill("note.previous_from", &[("doc", doc)]),
        Note::Approximate {
            which,
            qualifier,
            value,
        } => {
            let approx = approximate(*qualifier, *value, lang);
            let (key, which) = match which {
                Which::Value => ("note.approx_value", lang.text("note.which_value")),
                Which::Previous => ("note.approx_change", lang.text("note.which_previous")),
                Which::This => ("note.approx_change", lang.text("note.which_this")),
                Which::Numerator => ("note.approx_rate", lang.text("note.which_numerator")),
                Which::Denominator => ("note.approx_rate", lang.text("note.which_denominator")),
            };
            lang.fill(key, &[("which", &which), ("approx", &approx)])
        }
        Note::PreviousWorkedBack { year, value, doc } => lang.fill(
            "note.previous_worked_back",
            &[("year", year), ("value", &v(*value)), ("doc", doc)],
        ),
        Note::Parts {
            numerator_metric,
            numerator,
            denominator_metric,
            denominator,
        } => lang.fill(
            "note.parts",
            &[
                ("num", &name(numerator_metric)),
                ("den", &name(denominator_metric)),
                ("n", &v(*numerator)),
                ("d", &v(*denominator)),
            ],
        ),
        Note::Fallback {
            used,
            preferred,
            year,
        } => lang.fill(
            "note.fallback",
            &[
                ("used", &name(used)),
                ("preferred", &name(preferred)),
                ("year", year),
            ],
        ),
        Note::PartsFrom {
            numerator_doc,
            denominator_doc,
        } => lang.fill(
            "note.parts_from",
            &[("a", numerator_doc), ("b", denominator_doc)],
        ),
        Note::Growth { from, to } => lang.fill(
            "note.growth",
            &[
                ("from_year", &from.0),
                ("from", &v(from.1)),
                ("to_year", &to.0),
                ("to", &v(to.1)),
            ],
        ),
        Note::GrowthGap { gap } => lang.fill("note.growth_gap", &[("gap", gap)]),
        Note::LatestAll { year } => lang.fill("note.latest_all", &[("year", year)]),
        Note::LatestDiffer { first, last } => {
            lang.fill("note.latest_differ", &[("first", first), ("last", last)])
        }
    }
}

/// "more than 4000" / "about 4000" (余, 近) in `lang`; the value as it is when exact.
pub fn approximate(qualifier: Qualifier, value: f64, lang: Lang) -> String {
    let v = format_value(value);
    match qualifier {
        Qualifier::MoreThan => lang.fill("findings.more_than", &[("v", &v), ("unit", &"")]),
        Qualifier::Nearly => lang.fill("findings.nearly", &[("v", &v), ("unit", &"")]),
        Qualifier::Exact | Qualifier::Derived => v,
    }
}

/// What the page and the workbook say of an input: its reasons in the run's language, or the
/// manifest's sentence when it has none.
pub fn input_message(i: &InputRecord, lang: Lang) -> String {
    if i.reasons.is_empty() {
        i.message.clone().unwrap_or_default()
    } else {
        input_words(&i.reasons, lang)
    }
}

/// Why an input needs a word (`input.<key>` of the labels), in `lang`; several joined by the
/// language's list separator. Empty when there is nothing to say.
pub fn input_words(reasons: &[InputReason], lang: Lang) -> String {
    let words: Vec<String> = reasons
        .iter()
        .map(|r| match r {
            InputReason::Unreadable => lang.text("input.unreadable").to_string(),
            InputReason::TooLarge { size, limit } => {
                lang.fill("input.too_large", &[("size", size), ("limit", limit)])
            }
            InputReason::Empty => lang.text("input.empty").to_string(),
            InputReason::NotText => lang.text("input.not_text").to_string(),
            InputReason::NeedsOcr => lang.text("input.needs_ocr").to_string(),
            InputReason::Skipped => lang.text("input.skipped").to_string(),
            InputReason::Duplicate { first } => lang.fill("input.duplicate", &[("first", first)]),
            InputReason::NameNotUtf8 => lang.text("input.name_not_utf8").to_string(),
            InputReason::Malformed {
                count,
                encoding,
                first_offset,
            } => lang.fill(
                "input.malformed",
                &[
                    ("count", count),
                    ("encoding", encoding),
                    ("offset", first_offset),
                ],
            ),
            InputReason::RowsSkipped { count } => {
                lang.fill("input.rows_skipped", &[("count", count)])
            }
        })
        .collect();
    words.join(lang.text("review.separator"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::load_dict;
    use crate::model::Scope;

    fn every_reason() -> Vec<CheckReason> {
        let from = (2022, 100.0);
        vec![
            CheckReason::Conflict {
                scope: Scope::Annual,
                values: vec![(630.0, "a.txt".into()), (632.0, "b.txt".into())],
            },
            CheckReason::NotANumber { value: f64::NAN },
            CheckReason::RateAbove100 { value: 104.5 },
            CheckReason::Negative {
                value: -3.0,
                unit: "件".into(),
            },
            CheckReason::RateVsParts {
                reported: 99.6,
                numerator_metric: "mediation.successful".into(),
                numerator: 4198.0,
                denominator_metric: "mediation.disputes".into(),
                denominator: 4211.0,
                computed: 99.691285,
                verdict: Verdict::Truncation,
            },
            CheckReason::PartExceedsWhole {
                part_metric: "reconsideration.accepted".into(),
                part: 95.0,
                whole_metric: "reconsideration.received".into(),
                whole: 91.0,
                lower_bound: true,
            },
            CheckReason::JumpPoints {
                from: (2022, 60.0),
                to: (2023, 95.0),
                per_year: 35.0,
                threshold: 20.0,
            },
            CheckReason::JumpZero {
                from,
                to: (2023, 0.0),
            },
            CheckReason::JumpFactor {
                from,
                to: (2023, 250.0),
                factor: 2.5,
                threshold: 2.0,
            },
            CheckReason::StatedChange {
                change: -3.0,
                unit: ChangeUnit::Absolute,
                value_unit: "件".into(),
                base_year: 2022,
                doc: "b.txt".into(),
                values: (15.0, 12.0),
                computed: -3.0,
                verdict: Verdict::Rounding,
            },
        ]
    }

    fn every_note() -> Vec<Note> {
        vec![
            Note::WorkedBack {
                base_year: 2022,
                doc: "c.txt".into(),
                change: 25.0,
                unit: ChangeUnit::Percent,
                value_unit: "件".into(),
                year: 2023,
                later: 150.0,
            },
            Note::StatedLater {
                year: 2022,
                report_year: 2023,
            },
            Note::RatePoints,
            Note::Gap {
                from: 2019,
                to: 2022,
            },
            Note::PreviousFrom {
                doc: "x.txt".into(),
            },
            Note::Approximate {
                which: Which::Previous,
                qualifier: Qualifier::MoreThan,
                value: 4000.0,
            },
            Note::Approximate {
                which: Which::Denominator,
                qualifier: Qualifier::Nearly,
                value: 73.0,
            },
            Note::Approximate {
                which: Which::Value,
                qualifier: Qualifier::MoreThan,
                value: 2000.0,
            },
            Note::PreviousWorkedBack {
                year: 2022,
                value: 120.0,
                doc: "c.txt".into(),
            },
            Note::Parts {
                numerator_metric: "reconsideration.corrected".into(),
                numerator: 3.0,
                denominator_metric: "reconsideration.accepted".into(),
                denominator: 73.0,
            },
            Note::Fallback {
                used: "reconsideration.accepted".into(),
                preferred: "reconsideration.concluded".into(),
                year: 2023,
            },
            Note::PartsFrom {
                numerator_doc: "a.txt".into(),
                denominator_doc: "b.txt".into(),
            },
            Note::Growth {
                from: (2022, 632.0),
                to: (2023, 863.0),
            },
            Note::GrowthGap { gap: 2 },
            Note::LatestAll { year: 2023 },
            Note::LatestDiffer {
                first: 2020,
                last: 2023,
            },
        ]
    }

    fn is_cjk(c: char) -> bool {
        matches!(u32::from(c), 0x3000..=0x303F | 0x3400..=0x9FFF | 0xFF00..=0xFFEF)
    }

    /// Two English words in a row (letters only, at least two each).
    fn has_english_words(text: &str) -> bool {
        let words: Vec<bool> = text
            .split(|c: char| c.is_whitespace() || ",;:()".contains(c))
            .filter(|w| !w.is_empty())
            .map(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_alphabetic()))
            .collect();
        words.windows(2).any(|w| w[0] && w[1])
    }

    /// Every reason and every note reads in each language with all slots filled: Chinese
    /// without an English phrase, English without a Chinese character (file names here are
    /// Latin; the unit 件 is a label, `cases`).
    #[test]
    fn every_reason_and_note_speaks_one_language() {
        let dict = load_dict(None).expect("bundled dictionary");
        let texts = |lang| {
            let mut out: Vec<String> = every_reason()
                .iter()
                .map(|r| check_message(r, &dict, lang))
                .collect();
            out.extend(every_note().iter().map(|n| note_text(n, &dict, lang)));
            out
        };
        for text in texts(Lang::Zh) {
            assert!(!text.contains('{'), "unfilled slot: {text}");
            assert!(!has_english_words(&text), "English in zh: {text}");
        }
        for text in texts(Lang::En) {
            assert!(!text.contains('{'), "unfilled slot: {text}");
            assert!(!text.chars().any(is_cjk), "Chinese in en: {text}");
        }
    }

    #[test]
    fn a_truncated_rate_in_both_languages() {
        let dict = load_dict(None).expect("bundled dictionary");
        let reason = &every_reason()[4];
        assert_eq!(reason.key(), "rate_vs_parts.truncation");
        let en = check_message(reason, &dict, Lang::En);
        assert!(en.starts_with("reported 99.6% vs "), "{en}");
        assert!(
            en.contains("= 4198 ÷ 4211 = 99.6913%: consistent by truncation"),
            "{en}"
        );
        let zh = check_message(reason, &dict, Lang::Zh);
        assert!(
            zh.contains("4198 ÷ 4211 算得 99.6913%: 截去小数后一致"),
            "{zh}"
        );
    }

    #[test]
    fn notes_join_with_the_languages_separator() {
        let dict = load_dict(None).expect("bundled dictionary");
        let notes = Notes(vec![
            Note::RatePoints,
            Note::PreviousFrom {
                doc: "x.txt".into(),
            },
        ]);
        assert_eq!(
            notes_text(&notes, &dict, Lang::En),
            "rate: the change is in percentage points; previous value from x.txt"
        );
        assert_eq!(notes.keys(), "rate_points;previous_from_other_file");
        assert!(notes_text(&notes, &dict, Lang::Zh).contains("；上期数值来自 x.txt"));
    }

    #[test]
    fn every_input_reason_has_words_in_both_languages() {
        use crate::ingest::InputReason as R;
        let all = [
            R::Unreadable,
            R::TooLarge { size: 9, limit: 8 },
            R::Empty,
            R::NotText,
            R::NeedsOcr,
            R::Skipped,
            R::Duplicate {
                first: "a.txt".into(),
            },
            R::NameNotUtf8,
            R::Malformed {
                count: 2,
                encoding: "GB18030".into(),
                first_offset: 17,
            },
            R::RowsSkipped { count: 3 },
        ];
        for r in &all {
            for lang in [Lang::Zh, Lang::En] {
                let words = input_words(std::slice::from_ref(r), lang);
                assert!(
                    !words.is_empty() && !words.contains('{'),
                    "{r:?} {lang:?}: {words}"
                );
            }
        }
        let both = input_words(&all[7..9], Lang::Zh);
        assert!(both.contains("GB18030") && both.contains("17") && both.contains("UTF-8"));
    }
}
