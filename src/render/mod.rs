//! Stage 4: analysis → bytes. Each format is a pure function returning bytes; putting them
//! into files is the next stage's job (`output`). Report text is untrusted: HTML escapes it, CSV/XLSX neutralise
//! formula-like cells.

pub mod briefing;
pub mod chart;
pub mod column_docs;
pub mod csv;
pub mod docx;
pub mod escape;
pub mod explain;
pub mod findings;
pub mod html;
pub mod labels;
pub mod manifest;
pub mod place;
pub mod reasons;
pub mod review;
pub mod review_step;
pub mod table;
pub mod xlsx;

use clap::ValueEnum;
use serde::Serialize;

/// Language of labels on the page, charts and briefing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Serialize)]
pub enum Lang {
    /// Chinese (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Picks the label for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// True for English.
    pub fn is_en(self) -> bool {
        self == Lang::En
    }
}
