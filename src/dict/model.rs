//! Serde model of `data/indicators.toml`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::model::Scope;

/// Whether an indicator counts things or states a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A count of cases, people, sessions... in `unit`.
    Count,
    /// A percentage, 0–100.
    Rate,
}

/// One indicator: its identity and the language that announces it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable id, `area.measure` (e.g. `reconsideration.received`).
    pub id: String,
    /// Chinese name, used in Chinese labels.
    pub zh_name: String,
    /// English name, used with `--lang en`.
    pub en_name: String,
    /// Canonical unit (件, 人, %, ...).
    pub unit: String,
    /// Count or rate.
    pub kind: Kind,
    /// Default scope of a value of this indicator.
    pub scope: Scope,
    /// Units accepted after the number in text. *Default:* `[unit]`.
    #[serde(default)]
    pub units: Vec<String>,
    /// Phrases that announce the indicator in the number's clause. `#` marks where the number
    /// stands and `…` a gap of any words: `受理` (before the number, the default),
    /// `#…不予受理` (after it), `报备#…规范性文件` (around it). *Default:* none (never matched).
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Words of which at least one must appear in the sentence up to the end of the number's
    /// clause (the context that selects it, e.g. 复议). *Default:* none required.
    #[serde(default)]
    pub context: Vec<String>,
    /// Words that, in the same clause, mean the number is something else (a subset, another
    /// measure). *Default:* none.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Words that, anywhere in the sentence up to the number's clause, mean the number is a
    /// subset (专项 clean-ups, one centre's share). *Default:* none.
    #[serde(default)]
    pub exclude_sentence: Vec<String>,
    /// Words that state a value without a number (全部出庭应诉 → 100). *Default:* none.
    #[serde(default)]
    pub stated: Vec<StatedValue>,
}

/// A phrase that states an indicator's value in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatedValue {
    /// The words, e.g. `全部出庭应诉`.
    pub phrase: String,
    /// The value they state, in the indicator's unit (100 for a rate of 100%).
    pub value: f64,
}

/// The whole dictionary, in file order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorDict {
    /// Indicators in file order.
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
    /// Position of each id in `indicators`, built on the first lookup (indicators added after
    /// it are not found; build a new dictionary instead): every table row asks
    /// for its indicator, and a scan of the list per row was the analysis's reason to cache.
    #[serde(skip)]
    index: OnceLock<HashMap<String, usize>>,
}

impl PartialEq for IndicatorDict {
    fn eq(&self, other: &Self) -> bool {
        self.indicators == other.indicators
    }
}

impl IndicatorDict {
    /// A dictionary of these indicators, in this order.
    pub fn new(indicators: Vec<Indicator>) -> Self {
        IndicatorDict {
            indicators,
            index: OnceLock::new(),
        }
    }

    /// Looks an indicator up by id (a map lookup; the first id wins if one is repeated, as
    /// the loader refuses repeats).
    pub fn get(&self, id: &str) -> Option<&Indicator> {
        let index = self.index.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.indicators.len());
            for (i, ind) in self.indicators.iter().enumerate() {
                index.entry(ind.id.clone()).or_insert(i);
            }
            index
        });
        let found = self.indicators.get(*index.get(id)?)?;
        // `indicators` is public: an entry changed after the index was built is looked for.
        if found.id == id {
            Some(found)
        } else {
            self.indicators.iter().find(|i| i.id == id)
        }
    }

    /// The indicator's display name in the given language (`zh` or `en`); the id if unknown.
    pub fn name<'a>(&'a self, id: &'a str, english: bool) -> &'a str {
        match self.get(id) {
            Some(i) if english => &i.en_name,
            Some(i) => &i.zh_name,
            None => id,
        }
    }
}
