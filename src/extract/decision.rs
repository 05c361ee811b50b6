//! What became of each number found in a text, and why.
//!
//! Part of stage 2 (extract). Every number the scanner reads ends as exactly one
//! [`Outcome`]: a fact, a target, a stated change, or a rejection with its [`Reason`], together
//! with the word that decided it. Extraction keeps only facts and targets; `fazhi explain` prints
//! every decision, so a user who doubts a figure (or misses one) can see which rule acted.

use std::fmt;

use serde::Serialize;

/// Why a number is not a value of any indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// An ordinal (第三, 第43期).
    Ordinal,
    /// Glued to symbols or letters: a slogan, a name or a code (1+8, 4·15, “1 1 N”).
    SloganOrCode,
    /// One end of a range (2021-2025, 1-12月).
    Range,
    /// Inside quotes, a book title or a document number (《…2023年…》, 〔2023〕5号).
    Quoted,
    /// A lone 一, which is idiom far more often than a count (一起, 一批).
    Idiom,
    /// A year, a date, a duration or a sum of money: its unit does not count cases or people.
    NotACount,
    /// A bare number with no measure word after it (a heading numeral, 二十大).
    NoUnit,
    /// No indicator takes this unit.
    UnitOfNoIndicator,
    /// No indicator phrase names the number in its clause.
    NoIndicator,
    /// An indicator phrase names it, but the indicator's context is absent from the sentence
    /// and the paragraph's subject.
    NoContext,
    /// An indicator phrase names it, but a word of the indicator's exclude list rules it out.
    ExcludedWord,
    /// An average (年均, 平均), not a total.
    Average,
    /// A share of something (占比, 占总数的).
    ShareOfWhole,
    /// After 其中, the share of one named body or place (其中城关镇…).
    OtherBodyShare,
    /// After 其中, a part of a total of the same indicator stated earlier in the sentence.
    PartOfWhole,
    /// The same indicator, year and value was already found in this document.
    Repeated,
    /// Outside every body sentence: page chrome, navigation, or a number running across a
    /// sentence end.
    NotInBody,
}

impl Reason {
    /// Every reason, in documentation order.
    pub const ALL: [Reason; 17] = [
        Reason::Ordinal,
        Reason::SloganOrCode,
        Reason::Range,
        Reason::Quoted,
        Reason::Idiom,
        Reason::NotACount,
        Reason::NoUnit,
        Reason::UnitOfNoIndicator,
        Reason::NoIndicator,
        Reason::NoContext,
        Reason::ExcludedWord,
        Reason::Average,
        Reason::ShareOfWhole,
        Reason::OtherBodyShare,
        Reason::PartOfWhole,
        Reason::Repeated,
        Reason::NotInBody,
    ];

    /// The snake_case name printed by `fazhi explain`.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Ordinal => "ordinal",
            Reason::SloganOrCode => "slogan_or_code",
            Reason::Range => "range",
            Reason::Quoted => "quoted",
            Reason::Idiom => "idiom",
            Reason::NotACount => "not_a_count",
            Reason::NoUnit => "no_unit",
            Reason::UnitOfNoIndicator => "unit_of_no_indicator",
            Reason::NoIndicator => "no_indicator",
            Reason::NoContext => "no_context",
            Reason::ExcludedWord => "excluded_word",
            Reason::Average => "average",
            Reason::ShareOfWhole => "share_of_whole",
            Reason::OtherBodyShare => "other_body_share",
            Reason::PartOfWhole => "part_of_whole",
            Reason::Repeated => "repeated",
            Reason::NotInBody => "not_in_body",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a value is a target rather than a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetCause {
    /// The sentence lies under a plan heading (三、下一年度工作安排) or opens a plan (下一步).
    PlanSection,
    /// The value's year is after the report year.
    FutureYear,
    /// A goal word in the clause or sentence (确保, 力争, 目标).
    GoalWord,
}

impl TargetCause {
    /// The snake_case name printed by `fazhi explain`.
    pub fn name(self) -> &'static str {
        match self {
            TargetCause::PlanSection => "plan_section",
            TargetCause::FutureYear => "future_year",
            TargetCause::GoalWord => "goal_word",
        }
    }
}

/// What became of one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Outcome {
    /// A value of an indicator, stated as a result.
    Fact,
    /// A value of an indicator stated as a goal or plan.
    Target {
        /// What made it a target.
        cause: TargetCause,
    },
    /// A change stated against an earlier period (同比增长12.5%, 较上年增加30件).
    Change,
    /// Not a value of the indicator (or of any).
    Rejected {
        /// Why.
        reason: Reason,
    },
}

impl Outcome {
    /// `fact`, `target`, `change` or `rejected`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Fact => "fact",
            Outcome::Target { .. } => "target",
            Outcome::Change => "change",
            Outcome::Rejected { .. } => "rejected",
        }
    }

    /// The reason or cause, for printing (`no_indicator`, `plan_section`; empty for a fact or a
    /// change).
    pub fn why(&self) -> &'static str {
        match self {
            Outcome::Rejected { reason } => reason.name(),
            Outcome::Target { cause } => cause.name(),
            Outcome::Fact | Outcome::Change => "",
        }
    }
}

/// One number of a text and its decision, in character offsets of the decoded text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Character offset of the number (pre-qualifier included) in the decoded text.
    pub offset: usize,
    /// The number as written (digits, magnitude, unit).
    pub number: String,
    /// The value read, magnitudes applied.
    pub value: f64,
    /// What became of it.
    pub outcome: Outcome,
    /// The indicator it was decided for: the one it became a value (or change) of, or the one
    /// whose phrase named it before a rule ruled it out; `None` when no phrase named it.
    pub metric: Option<String>,
    /// The word that decided it (第, 年, 其中, 同比, 力争, the indicator's phrase…); empty when
    /// the decision rests on an absence (no indicator phrase).
    pub word: String,
    /// The year the value was given, for facts, targets and changes.
    pub year: Option<i32>,
    /// The clause the number was decided in, as written in the text.
    pub clause: String,
}
