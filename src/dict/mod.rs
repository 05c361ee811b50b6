//! The indicator dictionary: what fazhi looks for, as data (`data/indicators.toml`).
//!
//! The bundled dictionary is compiled in; `--indicators FILE` replaces it without recompiling.

pub mod load;
pub mod model;

pub use load::{load_dict, parse_dict, DictError, BUNDLED_INDICATORS};
pub use model::{Indicator, IndicatorDict, Kind, StatedValue};
