//! What fazhi knows about the language, as data: the indicator dictionary
//! (`data/indicators.toml`, what to look for) and the lexicon (`data/lexicon.toml`, the word
//! classes every extraction rule reads).
//!
//! Both are compiled in; `--indicators FILE` and `--lexicon FILE` replace them without
//! recompiling.

pub mod lexicon;
pub mod load;
pub mod model;

pub use lexicon::{load_lexicon, parse_lexicon, Lexicon, LexiconError, UnitKind, BUNDLED_LEXICON};
pub use load::{load_dict, parse_dict, DictError, BUNDLED_INDICATORS};
pub use model::{Indicator, IndicatorDict, Kind, StatedValue};
